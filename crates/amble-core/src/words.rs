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

/// The plural or singular noun alone, for "walks of 10 minutes" style phrases.
pub fn noun<'a>(n: impl Into<u64>, one: &'a str, many: &'a str) -> &'a str {
    if n.into() == 1 { one } else { many }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals() {
        assert_eq!(count(1u32, "walk", "walks"), "1 walk");
        assert_eq!(count(0u32, "walk", "walks"), "0 walks");
        assert_eq!(count(2u32, "day", "days"), "2 days");
        assert_eq!(noun(1u32, "minute", "minutes"), "minute");
    }
}
