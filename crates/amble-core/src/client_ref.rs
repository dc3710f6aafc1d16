//! Client references (contract §13): a phone names each log it sends with a reference of its
//! own, so that sending it again (after a lost answer, or from the offline queue) stores it
//! once. The rule for what a reference may be lives here, once, for the API, the forms and
//! the CLI.

use crate::journal::EntryError;

/// The longest reference, in characters.
pub const MAX_CHARS: usize = 64;

/// The reference as given, if it is 1 to 64 characters with no control characters and no
/// spaces at either end (so a blank one is refused, not stored as a reference); otherwise
/// an error for the field `client_ref`.
pub fn check(text: &str) -> Result<&str, EntryError> {
    let bad = |message: String| EntryError {
        field: "client_ref".into(),
        message,
    };
    let n = text.chars().count();
    if n == 0 {
        return Err(bad("expected 1 to 64 characters, found none".into()));
    }
    if n > MAX_CHARS {
        return Err(bad(format!(
            "expected at most {MAX_CHARS} characters, found {n}"
        )));
    }
    if text.chars().any(char::is_control) {
        return Err(bad("control characters are not allowed".into()));
    }
    if text.trim() != text {
        return Err(bad(
            "expected no spaces at the start or the end (a reference is sent as it was made)"
                .into(),
        ));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_to_sixty_four_printable_characters() {
        assert_eq!(check("a").ok(), Some("a"));
        let uuid = "0b5a1f3e-9c7d-4e2a-8f61-2d3c4b5a6978";
        assert_eq!(check(uuid).ok(), Some(uuid));
        let longest = "é".repeat(64);
        assert!(check(&longest).is_ok(), "characters, not bytes");
        assert!(check("").is_err());
        assert!(check(&"x".repeat(65)).is_err());
        assert!(check("a\u{0}b").is_err());
        assert!(check("line\nbreak").is_err());
        assert!(check(" ").is_err(), "blank");
        assert!(check(" a").is_err() && check("a ").is_err());
        assert!(check("a b").is_ok(), "a space inside is fine");
        assert_eq!(check("").unwrap_err().field, "client_ref");
    }
}
