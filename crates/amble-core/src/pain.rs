//! A pain rating: a whole number from 0 (no pain) to 10 (the worst imaginable), the numeric
//! rating scale every entry uses. [`Pain`] can only hold 0–10, so a value of this type needs no
//! further check; text and numbers from outside become one through [`Pain::parse`] and
//! [`Pain::new`], whose errors name the field they came from.

use serde::{Deserialize, Serialize};

/// The highest pain rating.
pub const MAX: u8 = 10;

/// A pain rating from 0 to 10.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Pain(u8);

/// A pain rating that is not a whole number from 0 to 10, with the field it was given for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: expected a pain score from 0 to 10, found {found}")]
pub struct PainError {
    /// The field, flag or question the value was given for (e.g. `pain_peak`, `--pain`).
    pub field: String,
    /// What was given, as text (shortened when long).
    pub found: String,
}

impl PainError {
    fn new(field: &str, found: impl std::fmt::Display) -> PainError {
        let found = found.to_string();
        let found = if found.chars().count() > 20 {
            format!("{}…", found.chars().take(20).collect::<String>())
        } else if found.is_empty() {
            "nothing".to_string()
        } else {
            found
        };
        PainError {
            field: field.to_string(),
            found,
        }
    }

    /// The message without the field (for a form that shows it beside the field).
    pub fn message(&self) -> String {
        format!("expected a pain score from 0 to 10, found {}", self.found)
    }
}

impl Pain {
    /// A rating from a number; anything outside 0–10 is an error naming `field`.
    pub fn new(field: &str, value: i64) -> Result<Pain, PainError> {
        match u8::try_from(value) {
            Ok(v) if v <= MAX => Ok(Pain(v)),
            _ => Err(PainError::new(field, value)),
        }
    }

    /// A rating from text (surrounding spaces ignored): a whole number from 0 to 10.
    pub fn parse(field: &str, text: &str) -> Result<Pain, PainError> {
        let t = text.trim();
        match t.parse::<i64>() {
            Ok(v) => Pain::new(field, v).map_err(|_| PainError::new(field, t)),
            Err(_) => Err(PainError::new(field, t)),
        }
    }

    /// An optional rating from an optional number.
    pub fn optional(field: &str, value: Option<i64>) -> Result<Option<Pain>, PainError> {
        value.map(|v| Pain::new(field, v)).transpose()
    }

    /// An optional rating from text: empty text is no rating.
    pub fn parse_optional(field: &str, text: &str) -> Result<Option<Pain>, PainError> {
        if text.trim().is_empty() {
            Ok(None)
        } else {
            Pain::parse(field, text).map(Some)
        }
    }

    /// The rating as stored in journal entries.
    pub fn get(self) -> u8 {
        self.0
    }
}

impl From<Pain> for u8 {
    fn from(p: Pain) -> u8 {
        p.0
    }
}

impl From<Pain> for i64 {
    fn from(p: Pain) -> i64 {
        i64::from(p.0)
    }
}

impl std::fmt::Display for Pain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl<'de> Deserialize<'de> for Pain {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Pain, D::Error> {
        let v = i64::deserialize(d)?;
        Pain::new("pain", v).map_err(|e| serde::de::Error::custom(e.message()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_only_zero_to_ten() {
        for v in 0..=10 {
            assert_eq!(Pain::new("pain", v).map(Pain::get), Ok(v as u8));
        }
        for v in [-1, 11, 255, 256, i64::MAX, i64::MIN] {
            let e = Pain::new("pain_peak", v).err();
            assert_eq!(
                e.map(|e| e.to_string()),
                Some(format!(
                    "pain_peak: expected a pain score from 0 to 10, found {v}"
                ))
            );
        }
    }

    #[test]
    fn parses_text_and_names_the_field() {
        assert_eq!(Pain::parse("--pain", " 7 ").map(u8::from), Ok(7));
        let e = Pain::parse("--pain", "seven").err();
        assert_eq!(
            e.map(|e| e.to_string()),
            Some("--pain: expected a pain score from 0 to 10, found seven".into())
        );
        assert!(Pain::parse("--pain", "4.5").is_err());
        assert!(Pain::parse("--pain", "").is_err());
        assert_eq!(Pain::parse_optional("pain", "  "), Ok(None));
        assert!(Pain::optional("pain", Some(11)).is_err());
    }

    #[test]
    fn reads_only_valid_json() {
        assert_eq!(
            serde_json::from_str::<Pain>("3").ok().map(Pain::get),
            Some(3)
        );
        assert!(serde_json::from_str::<Pain>("11").is_err());
        assert!(serde_json::from_str::<Pain>("-2").is_err());
    }
}
