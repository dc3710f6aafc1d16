//! Reading recordings: the contract's CSV, the phyphox CSV export and the Sensor Logger export,
//! all turned into one [`Recording`] on an even time grid. Text in, samples out (the edges read
//! files and zip archives).
//!
//! Every number is checked: a cell that is not a finite number is refused with its line and
//! column, time must not run backwards, the rate must be 20-1,000 Hz and the recording 5 s to
//! 24 h long.

use crate::{G, GaitError};

/// Lowest and highest sampling rates taken (Hz).
pub const MIN_RATE_HZ: f64 = 20.0;
pub const MAX_RATE_HZ: f64 = 1000.0;
/// Shortest and longest recordings taken (seconds).
pub const MIN_SECONDS: f64 = 5.0;
pub const MAX_SECONDS: f64 = 24.0 * 3600.0;
/// The largest acceleration believed, m/s² (phones saturate at 8-16 g).
const MAX_ACC: f64 = 50.0 * G;

/// A recording on an even time grid: sampling rate and acceleration (m/s², sensor axes, gravity
/// included).
#[derive(Debug, Clone, PartialEq)]
pub struct Recording {
    pub fs: f64,
    pub acc: Vec<[f64; 3]>,
}

/// The formats read (contract §10).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `time_s,acc_x,acc_y,acc_z[,gyr_x,gyr_y,gyr_z]`.
    Contract,
    /// phyphox's CSV export of "Acceleration with g".
    Phyphox,
    /// One Sensor Logger CSV (`time,seconds_elapsed,z,y,x`).
    SensorLogger,
}

/// Which format a CSV's first line says it is.
pub fn detect(text: &str) -> Option<Format> {
    let header = text.lines().find(|l| !l.trim().is_empty())?;
    let lower = header.trim_start_matches('\u{feff}').to_ascii_lowercase();
    if lower.contains("time_s") && lower.contains("acc_x") {
        Some(Format::Contract)
    } else if lower.contains("time (s)") {
        Some(Format::Phyphox)
    } else if lower.contains("seconds_elapsed") {
        Some(Format::SensorLogger)
    } else {
        None
    }
}

/// Timed samples as read, before they are put on an even grid.
struct Samples {
    times: Vec<f64>,
    acc: Vec<[f64; 3]>,
    /// The line each sample came from (for messages).
    lines: Vec<usize>,
}

/// Rows read: each with its line number.
type Rows<const N: usize> = Vec<(usize, [f64; N])>;

/// A delimited text table: its header cells and a way to read numbers from its rows.
struct Table<'a> {
    header: Vec<String>,
    rows: Box<dyn Iterator<Item = (usize, &'a str)> + Send + 'a>,
    delimiter: char,
    decimal_comma: bool,
}

impl<'a> Table<'a> {
    fn new(text: &'a str) -> Result<Self, GaitError> {
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
    fn column(&self, what: &str, pick: impl Fn(&str) -> bool) -> Result<usize, GaitError> {
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
    fn read<const N: usize>(
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
        cell.replace(',', ".").parse::<f64>()
    } else {
        cell.parse::<f64>()
    };
    parsed
        .ok()
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

/// Options of the contract's CSV.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CsvOptions {
    /// Accelerations in g rather than m/s².
    pub acc_in_g: bool,
}

/// Reads the contract's CSV: a header with `time_s,acc_x,acc_y,acc_z` (gyro columns allowed and
/// unused).
pub fn parse_csv(text: &str, options: CsvOptions) -> Result<Recording, GaitError> {
    let table = Table::new(text)?;
    let named = |n: &'static str| move |c: &str| c == n;
    let cols = [
        table.column("\"time_s\"", named("time_s"))?,
        table.column("\"acc_x\"", named("acc_x"))?,
        table.column("\"acc_y\"", named("acc_y"))?,
        table.column("\"acc_z\"", named("acc_z"))?,
    ];
    let rows = table.read(cols, ["time_s", "acc_x", "acc_y", "acc_z"])?;
    let scale = if options.acc_in_g { G } else { 1.0 };
    samples(rows, scale).and_then(Recording::from_samples)
}

/// Reads phyphox's CSV export of "Acceleration with g" (comma, tab or semicolon with decimal
/// commas; the column names carry the unit).
pub fn parse_phyphox(text: &str) -> Result<Recording, GaitError> {
    let table = Table::new(text)?;
    if table
        .header
        .iter()
        .any(|c| c.to_ascii_lowercase().starts_with("linear acceleration"))
    {
        return Err(GaitError::Input(
            "this is phyphox's \"Linear Acceleration\", which has gravity taken out; record with \"Acceleration with g\" instead".into(),
        ));
    }
    let axis = |a: char| {
        move |c: &str| {
            let name = c.split('(').next().unwrap_or("").trim();
            name == format!("acceleration {a}") || name == a.to_string()
        }
    };
    let cols = [
        table.column("\"Time (s)\"", |c| c.starts_with("time"))?,
        table.column("\"Acceleration x (m/s^2)\"", axis('x'))?,
        table.column("\"Acceleration y (m/s^2)\"", axis('y'))?,
        table.column("\"Acceleration z (m/s^2)\"", axis('z'))?,
    ];
    let rows = table.read(cols, ["Time", "x", "y", "z"])?;
    samples(rows, 1.0).and_then(Recording::from_samples)
}

/// One Sensor Logger CSV (`time,seconds_elapsed,z,y,x`), as timed vectors in m/s².
fn sensor_logger_vectors(text: &str) -> Result<Samples, GaitError> {
    let table = Table::new(text)?;
    let named = |n: &'static str| move |c: &str| c == n;
    let cols = [
        table.column("\"seconds_elapsed\"", named("seconds_elapsed"))?,
        table.column("\"x\"", named("x"))?,
        table.column("\"y\"", named("y"))?,
        table.column("\"z\"", named("z"))?,
    ];
    let rows = table.read(cols, ["seconds_elapsed", "x", "y", "z"])?;
    samples(rows, 1.0)
}

/// The files of a Sensor Logger export that carry acceleration.
#[derive(Debug, Clone, Copy, Default)]
pub struct SensorLoggerFiles<'a> {
    /// `TotalAcceleration.csv` (Android; gravity included).
    pub total: Option<&'a str>,
    /// `Accelerometer.csv` (gravity taken out).
    pub accelerometer: Option<&'a str>,
    /// `Gravity.csv`.
    pub gravity: Option<&'a str>,
}

/// Where in a Sensor Logger export a message comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct InFile {
    pub file: &'static str,
    pub error: GaitError,
}

impl std::fmt::Display for InFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file, self.error)
    }
}

/// Reads a Sensor Logger export: the total acceleration where the phone logged it, else the
/// accelerometer plus the gravity vector (the same axes and units), gravity interpolated to the
/// accelerometer's times.
pub fn parse_sensor_logger(files: SensorLoggerFiles<'_>) -> Result<Recording, InFile> {
    let at = |file: &'static str| move |error: GaitError| InFile { file, error };
    if let Some(total) = files.total {
        let s = sensor_logger_vectors(total).map_err(at("TotalAcceleration.csv"))?;
        return Recording::from_samples(s).map_err(at("TotalAcceleration.csv"));
    }
    let (Some(acc), Some(gravity)) = (files.accelerometer, files.gravity) else {
        return Err(InFile {
            file: if files.accelerometer.is_some() {
                "Gravity.csv"
            } else {
                "Accelerometer.csv"
            },
            error: GaitError::Input(
                "not in the export; Sensor Logger's accelerometer has gravity taken out, so both Accelerometer.csv and Gravity.csv (or TotalAcceleration.csv) are needed".into(),
            ),
        });
    };
    let mut a = sensor_logger_vectors(acc).map_err(at("Accelerometer.csv"))?;
    let g = sensor_logger_vectors(gravity).map_err(at("Gravity.csv"))?;
    check_order(&g).map_err(at("Gravity.csv"))?;
    if g.times.is_empty() {
        return Err(InFile {
            file: "Gravity.csv",
            error: GaitError::Input("the file has no samples".into()),
        });
    }
    let mut j = 0;
    for (t, v) in a.times.iter().zip(a.acc.iter_mut()) {
        while j + 1 < g.times.len() && g.times[j + 1] <= *t {
            j += 1;
        }
        let gv = if j + 1 < g.times.len() && g.times[j] <= *t {
            let span = g.times[j + 1] - g.times[j];
            let f = if span > 0.0 {
                (t - g.times[j]) / span
            } else {
                0.0
            };
            lerp(g.acc[j], g.acc[j + 1], f)
        } else {
            g.acc[j]
        };
        for k in 0..3 {
            v[k] += gv[k];
        }
    }
    Recording::from_samples(a).map_err(at("Accelerometer.csv"))
}

fn lerp(a: [f64; 3], b: [f64; 3], f: f64) -> [f64; 3] {
    [
        a[0] + (b[0] - a[0]) * f,
        a[1] + (b[1] - a[1]) * f,
        a[2] + (b[2] - a[2]) * f,
    ]
}

/// Rows `[time, x, y, z]` to samples, accelerations times `scale`, each bounded.
fn samples(rows: Vec<(usize, [f64; 4])>, scale: f64) -> Result<Samples, GaitError> {
    let mut s = Samples {
        times: Vec::with_capacity(rows.len()),
        acc: Vec::with_capacity(rows.len()),
        lines: Vec::with_capacity(rows.len()),
    };
    for (line, [t, x, y, z]) in rows {
        let a = [x * scale, y * scale, z * scale];
        if a.iter().any(|v| v.abs() > MAX_ACC) {
            return Err(GaitError::Parse {
                line,
                message: format!(
                    "an acceleration of {:.0} m/s² is beyond any sensor (check the unit)",
                    a.iter().fold(0.0f64, |m, v| m.max(v.abs()))
                ),
            });
        }
        s.times.push(t);
        s.acc.push(a);
        s.lines.push(line);
    }
    Ok(s)
}

/// Time must not run backwards.
fn check_order(s: &Samples) -> Result<(), GaitError> {
    for k in 1..s.times.len() {
        if s.times[k] < s.times[k - 1] {
            return Err(GaitError::Parse {
                line: s.lines[k],
                message: format!(
                    "time goes backwards ({} after {})",
                    s.times[k],
                    s.times[k - 1]
                ),
            });
        }
    }
    Ok(())
}

impl Recording {
    /// Puts timed samples on an even grid at their typical rate (the median interval): phones
    /// never sample quite evenly. Repeated times are dropped; gaps are bridged in a straight
    /// line (no steps are found there).
    fn from_samples(s: Samples) -> Result<Recording, GaitError> {
        check_order(&s)?;
        // Drop repeated times (keep the first).
        let mut times = Vec::with_capacity(s.times.len());
        let mut acc = Vec::with_capacity(s.acc.len());
        for (t, a) in s.times.iter().zip(&s.acc) {
            if times.last().is_none_or(|last| t > last) {
                times.push(*t);
                acc.push(*a);
            }
        }
        if times.len() < 2 {
            return Err(GaitError::Input(
                "too few samples (a recording needs at least 5 s)".into(),
            ));
        }
        let span = times[times.len() - 1] - times[0];
        if span < MIN_SECONDS {
            return Err(GaitError::Input(format!(
                "the recording is {span:.1} s long; at least {MIN_SECONDS:.0} s is needed"
            )));
        }
        if span > MAX_SECONDS {
            return Err(GaitError::Input(format!(
                "the recording spans {:.1} hours; at most 24 hours are read (check the time column's unit)",
                span / 3600.0
            )));
        }
        // The interval: the mean of the intervals that are not gaps (a phone's scheduler makes
        // them uneven around the true one, so the mean rather than the median; a dropout longer
        // than twice the median is a gap).
        let intervals: Vec<f64> = times.windows(2).map(|w| w[1] - w[0]).collect();
        let mut sorted = intervals.clone();
        let mid = sorted.len() / 2;
        let typical = *sorted.select_nth_unstable_by(mid, f64::total_cmp).1;
        let regular: Vec<f64> = intervals
            .into_iter()
            .filter(|d| *d <= 2.0 * typical)
            .collect();
        let dt = regular.iter().sum::<f64>() / regular.len() as f64;
        let fs = 1.0 / dt;
        if fs < MIN_RATE_HZ {
            return Err(GaitError::Input(format!(
                "the sampling rate is {fs:.1} Hz; at least {MIN_RATE_HZ:.0} Hz is needed"
            )));
        }
        if fs > MAX_RATE_HZ {
            return Err(GaitError::Input(format!(
                "the sampling rate is {fs:.0} Hz; at most {MAX_RATE_HZ:.0} Hz is read"
            )));
        }
        // Already even (within 1 % of an interval everywhere): keep the samples as they are.
        let even = times
            .iter()
            .enumerate()
            .all(|(k, t)| (t - times[0] - k as f64 * dt).abs() <= 0.01 * dt);
        if even {
            return Ok(Recording { fs, acc });
        }
        let n = (span * fs).floor() as usize + 1;
        let mut out = Vec::with_capacity(n);
        let mut j = 0;
        for k in 0..n {
            let t = times[0] + k as f64 * dt;
            while j + 2 < times.len() && times[j + 1] <= t {
                j += 1;
            }
            let f = ((t - times[j]) / (times[j + 1] - times[j])).clamp(0.0, 1.0);
            out.push(lerp(acc[j], acc[j + 1], f));
        }
        Ok(Recording { fs, acc: out })
    }

    /// A recording already on an even grid (for tests and tools that make their own).
    pub fn even(fs: f64, acc: Vec<[f64; 3]>) -> Recording {
        Recording { fs, acc }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contract(rows: &[(f64, f64)]) -> String {
        let mut s = String::from("time_s,acc_x,acc_y,acc_z\n");
        for (t, x) in rows {
            s.push_str(&format!("{t},{x},0,9.8\n"));
        }
        s
    }

    #[test]
    fn uneven_times_are_put_on_an_even_grid() {
        // 50 Hz with jitter of up to a fifth of an interval.
        let rows: Vec<(f64, f64)> = (0..500)
            .map(|k| {
                let jitter = if k % 3 == 0 { 0.004 } else { -0.002 };
                (f64::from(k) * 0.02 + jitter, f64::from(k) / 100.0)
            })
            .collect();
        let rec = parse_csv(&contract(&rows), CsvOptions::default()).unwrap();
        assert!((rec.fs - 50.0).abs() < 5.0, "{}", rec.fs);
        // A ramp stays a ramp.
        assert!(rec.acc.windows(2).all(|w| w[1][0] >= w[0][0]));
    }

    #[test]
    fn time_backwards_names_the_line() {
        let mut rows: Vec<(f64, f64)> = (0..600).map(|k| (f64::from(k) * 0.01, 0.0)).collect();
        rows[100].0 = 0.5;
        let err = parse_csv(&contract(&rows), CsvOptions::default()).unwrap_err();
        assert_eq!(
            err,
            GaitError::Parse {
                line: 102,
                message: "time goes backwards (0.5 after 0.99)".into()
            }
        );
    }

    #[test]
    fn a_wrong_unit_is_caught() {
        // 60 "g" (a file in m/s² read as g).
        let rows: Vec<(f64, f64)> = (0..600).map(|k| (f64::from(k) * 0.01, 60.0)).collect();
        let err = parse_csv(&contract(&rows), CsvOptions { acc_in_g: true }).unwrap_err();
        assert!(
            matches!(err, GaitError::Parse { line: 2, ref message } if message.contains("unit"))
        );
    }

    #[test]
    fn a_time_column_in_milliseconds_is_refused() {
        let rows: Vec<(f64, f64)> = (0..600).map(|k| (f64::from(k) * 10_000.0, 0.0)).collect();
        let err = parse_csv(&contract(&rows), CsvOptions::default()).unwrap_err();
        assert!(
            matches!(err, GaitError::Input(ref m) if m.contains("24 hours")),
            "{err}"
        );
    }

    #[test]
    fn phyphox_with_decimal_commas() {
        let mut s = String::from(
            "\"Time (s)\";\"Acceleration x (m/s^2)\";\"Acceleration y (m/s^2)\";\"Acceleration z (m/s^2)\";\"Absolute acceleration (m/s^2)\"\n",
        );
        for k in 0..600 {
            s.push_str(&format!("{},{:02};0,1;9,8;0,2;9,8\n", k / 100, k % 100));
        }
        let rec = parse_phyphox(&s).unwrap();
        assert_eq!(rec.acc.len(), 600);
        assert!((rec.acc[0][1] - 9.8).abs() < 1e-9);
        let linear = s.replace("\"Acceleration x", "\"Linear Acceleration x");
        assert!(matches!(parse_phyphox(&linear), Err(GaitError::Input(m)) if m.contains("with g")));
    }

    #[test]
    fn sensor_logger_needs_gravity() {
        let acc = "time,seconds_elapsed,z,y,x\n1,0.0,0,0,0\n";
        let err = parse_sensor_logger(SensorLoggerFiles {
            accelerometer: Some(acc),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(err.file, "Gravity.csv");
    }

    #[test]
    fn detection_by_header() {
        assert_eq!(detect("time_s,acc_x,acc_y,acc_z\n"), Some(Format::Contract));
        assert_eq!(
            detect("\"Time (s)\",\"Acceleration x (m/s^2)\"\n"),
            Some(Format::Phyphox)
        );
        assert_eq!(
            detect("time,seconds_elapsed,z,y,x\n"),
            Some(Format::SensorLogger)
        );
        assert_eq!(detect("hello\n"), None);
        assert_eq!(detect(""), None);
    }
}
