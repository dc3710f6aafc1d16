//! A delimited text table (comma, tab, or semicolon with decimal commas) read into numbers,
//! each problem named by line and column.

use crate::GaitError;

/// Rows read: each with its line number.
pub(super) type Rows<const N: usize> = Vec<(usize, [f64; N])>;

/// A delimited text table: its header cells and a way to read numbers from its rows.
pub(super) struct Table<'a> {
    pub(super) header: Vec<String>,
    rows: Box<dyn Iterator<Item = (usize, &'a str)> + Send + 'a>,
    delimiter: char,
    decimal_comma: bool,
}

impl<'a> Table<'a> {
    pub(super) fn new(text: &'a str) -> Result<Self, GaitError> {
        super::lines::check(text)?;
        let mut lines = text
            .lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l))
            .filter(|(_, l)| !l.trim().is_empty());
        let (_, header) = lines
            .next()
            .ok_or_else(|| GaitError::Input("the file is empty".into()))?;
        let header = header.trim_start_matches('\u{feff}');
        let (delimiter, decimal_comma) = if header.contains('\t') {
            ('\t', false)
        } else if header.contains(';') {
            (';', true)
        } else {
            (',', false)
        };
        let header = header
            .split(delimiter)
            .map(|c| c.trim().trim_matches('"').trim().to_string())
            .collect();
        Ok(Table {
            header,
            rows: Box::new(lines),
            delimiter,
            decimal_comma,
        })
    }

    /// The index of the first column whose name `pick` accepts, or a message naming `what`.
    pub(super) fn column(
        &self,
        what: &str,
        pick: impl Fn(&str) -> bool,
    ) -> Result<usize, GaitError> {
        self.header
            .iter()
            .position(|c| pick(&c.to_ascii_lowercase()))
            .ok_or_else(|| GaitError::Parse {
                line: 1,
                message: format!(
                    "expected a column {what} in the header (found {})",
                    self.header.join(", ")
                ),
            })
    }

    /// Reads the columns `cols` (named `names` in messages) of every row as numbers; long files
    /// are read in a few parts at once (one per core, at most 4), and the first problem in file
    /// order is the one reported.
    pub(super) fn read<const N: usize>(
        self,
        cols: [usize; N],
        names: [&str; N],
    ) -> Result<Vec<(usize, [f64; N])>, GaitError> {
        let (delimiter, decimal_comma) = (self.delimiter, self.decimal_comma);
        let rows: Vec<(usize, &str)> = self.rows.collect();
        let parts = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 4);
        let parts = if rows.len() < 50_000 { 1 } else { parts };
        let size = rows.len().div_ceil(parts).max(1);
        let read_part = |part: &[(usize, &str)]| {
            part.iter()
                .map(|&(line, row)| parse_row(line, row, delimiter, decimal_comma, cols, names))
                .collect::<Result<Vec<_>, GaitError>>()
        };
        if parts == 1 {
            return read_part(&rows);
        }
        let results: Vec<Result<Rows<N>, GaitError>> = std::thread::scope(|s| {
            let handles: Vec<_> = rows
                .chunks(size)
                .map(|part| s.spawn(move || read_part(part)))
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| {
                        Err(GaitError::Input("the reader stopped unexpectedly".into()))
                    })
                })
                .collect()
        });
        let mut out = Vec::with_capacity(rows.len());
        for r in results {
            out.extend(r?);
        }
        Ok(out)
    }
}

/// One row's columns `cols` as numbers.
fn parse_row<const N: usize>(
    line: usize,
    row: &str,
    delimiter: char,
    decimal_comma: bool,
    cols: [usize; N],
    names: [&str; N],
) -> Result<(usize, [f64; N]), GaitError> {
    let mut values = [f64::NAN; N];
    let mut seen = [false; N];
    let last = cols.iter().copied().max().unwrap_or(0);
    for (k, cell) in row.split(delimiter).enumerate().take(last + 1) {
        for (j, &col) in cols.iter().enumerate() {
            if col == k {
                values[j] = number(line, cell, decimal_comma, names[j])?;
                seen[j] = true;
            }
        }
    }
    if let Some(j) = seen.iter().position(|s| !s) {
        return Err(GaitError::Parse {
            line,
            message: format!("{}: the cell is missing", names[j]),
        });
    }
    Ok((line, values))
}

fn number(line: usize, cell: &str, decimal_comma: bool, name: &str) -> Result<f64, GaitError> {
    let plain = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_digit() || *b == b'-' || *b == b'.');
    let cell = if plain(cell.as_bytes().first()) && plain(cell.as_bytes().last()) {
        cell
    } else {
        cell.trim().trim_matches('"').trim()
    };
    let parsed = if decimal_comma {
        cell.replace(',', ".").parse::<f64>().ok()
    } else {
        plain_decimal(cell.as_bytes()).or_else(|| cell.parse::<f64>().ok())
    };
    parsed
        .filter(|v| v.is_finite())
        .ok_or_else(|| GaitError::Parse {
            line,
            message: if cell.is_empty() {
                format!("{name}: the cell is empty")
            } else {
                format!("{name}: expected a number, found {cell:?}")
            },
        })
}

/// Powers of ten that a double holds exactly.
const EXACT_POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// A plain decimal (an optional sign, digits, at most one point, no exponent) whose digits fit
/// in 53 bits and whose fraction has at most 22 digits, read as one exact integer over one exact
/// power of ten: a single correctly rounded division, so the same double as the standard
/// parser's (Clinger's fast path), without its general machinery. `None` for anything else,
/// which the standard parser then reads. Most samples are such numbers; reading an hour of
/// them spends a fifth of its time turning text into numbers.
fn plain_decimal(s: &[u8]) -> Option<f64> {
    let (negative, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (mut mantissa, mut fraction, mut point, mut any) = (0u64, 0usize, false, false);
    for &b in digits {
        match b {
            b'0'..=b'9' => {
                mantissa = mantissa.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
                fraction += usize::from(point);
                any = true;
            }
            b'.' if !point => point = true,
            _ => return None,
        }
    }
    if !any || mantissa > 1 << 53 {
        return None;
    }
    let value = mantissa as f64 / EXACT_POWERS_OF_TEN.get(fraction)?;
    Some(if negative { -value } else { value })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_decimals_read_as_the_standard_parser_reads_them() {
        for s in [
            "0",
            "-0",
            "1",
            "9.81",
            "-9.80665",
            "0.1",
            "0.000123",
            ".5",
            "5.",
            "+2.5",
            "123456789.123456",
            "9007199254740992",
            "0.3333333333333333",
        ] {
            let want: f64 = s.parse().unwrap();
            let got = plain_decimal(s.as_bytes()).unwrap();
            assert_eq!(got.to_bits(), want.to_bits(), "{s}");
        }
        for s in [
            "",
            ".",
            "-",
            "1e3",
            "1.2.3",
            "nan",
            "inf",
            "9007199254740993",
            "1,5",
            "0.00000000000000000000001",
        ] {
            assert_eq!(plain_decimal(s.as_bytes()), None, "{s}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_plain_decimal_is_the_standard_parsers(
            negative: bool,
            int in 0u64..10_000_000,
            frac in 0u64..100_000_000_000,
            width in 0usize..12,
        ) {
            let text = format!(
                "{}{int}.{frac:0width$}",
                if negative { "-" } else { "" }
            );
            let want: f64 = text.parse().unwrap();
            match plain_decimal(text.as_bytes()) {
                Some(got) => proptest::prop_assert_eq!(got.to_bits(), want.to_bits(), "{}", text),
                None => proptest::prop_assert!(text.trim_start_matches('-').len() >= 17, "{}", text),
            }
        }
    }
}
