//! Small helpers for text people read: counts with the right plural.

/// "1 walk", "3 walks", "0 walks".
pub fn count(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// A number from outside as a message echoes it: as written when it is short, in scientific
/// notation when it is very large or very small (1e308 and 1e-300 are not echoed as 300
/// digits).
pub fn number(x: f64) -> String {
    if x.is_finite() && x != 0.0 && !(1e-4..1e9).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// The plural or singular noun alone, for "walks of 10 minutes" style phrases.
pub fn noun<'a>(n: impl Into<u64>, one: &'a str, many: &'a str) -> &'a str {
    if n.into() == 1 { one } else { many }
}

/// A date written as YYYY-MM-DD, or why not in words ("the date 2026-02-30 does not exist:
/// February 2026 has 28 days"), never a parser's own message.
pub fn date(text: &str) -> Result<jiff::civil::Date, String> {
    let t = text.trim();
    let b = t.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return Err(format!(
            "\"{t}\" is not a date written as year-month-day, like 2026-03-14"
        ));
    }
    let num = |r: std::ops::Range<usize>| t[r].parse::<i16>().unwrap_or(0);
    let (y, m, d) = (num(0..4), num(5..7), num(8..10));
    if !(1..=9999).contains(&y) {
        return Err(format!("the date {t} has no year"));
    }
    if !(1..=12).contains(&m) {
        return Err(format!(
            "the date {t} does not exist: there is no month {m} (months go from 01 to 12)"
        ));
    }
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    match jiff::civil::Date::new(y, m as i8, d as i8) {
        Ok(date) if d >= 1 => Ok(date),
        _ => {
            let days = jiff::civil::Date::new(y, m as i8, 1)
                .map(|first| first.days_in_month())
                .unwrap_or(31);
            Err(format!(
                "the date {t} does not exist: {} {y} has {days} days",
                MONTHS[(m - 1) as usize]
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_echoed_stay_short() {
        assert_eq!(number(12.5), "12.5");
        assert_eq!(number(0.0), "0");
        assert_eq!(number(-3.0), "-3");
        assert_eq!(number(1e308), "1e308");
        assert_eq!(number(1e-300), "1e-300");
        assert_eq!(number(0.0001), "0.0001");
        assert_eq!(number(f64::MAX).len(), 22);
        assert_eq!(number(f64::NAN), "NaN");
    }

    #[test]
    fn dates_in_words() {
        assert_eq!(date("2026-03-14").unwrap(), jiff::civil::date(2026, 3, 14));
        assert_eq!(
            date("2026-02-30").unwrap_err(),
            "the date 2026-02-30 does not exist: February 2026 has 28 days"
        );
        assert_eq!(
            date("2028-02-30").unwrap_err(),
            "the date 2028-02-30 does not exist: February 2028 has 29 days"
        );
        assert!(
            date("2026-13-01")
                .unwrap_err()
                .contains("there is no month 13")
        );
        assert!(
            date("2026-04-00")
                .unwrap_err()
                .contains("April 2026 has 30 days")
        );
        assert!(date("14/03/2026").unwrap_err().contains("year-month-day"));
        assert!(date("2026-3-14").unwrap_err().contains("year-month-day"));
        assert!(date("").is_err());
    }

    #[test]
    fn plurals() {
        assert_eq!(count(1u32, "walk", "walks"), "1 walk");
        assert_eq!(count(0u32, "walk", "walks"), "0 walks");
        assert_eq!(count(2u32, "day", "days"), "2 days");
        assert_eq!(noun(1u32, "minute", "minutes"), "minute");
    }
}
