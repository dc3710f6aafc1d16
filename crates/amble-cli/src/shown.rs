//! Text from outside Amble (file names, archive members) as the terminal is given it: control
//! characters and the marks that reverse the direction of text are written as escapes (`\n`,
//! `\u{1b}`), so a name cannot clear the screen, colour the output, move the cursor or print a
//! line of its own that looks like Amble's.

use std::borrow::Cow;

/// Whether `c` would act on the terminal (or on the order of text) instead of being shown.
fn acts(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn escape(text: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(|c| acts(c) && !keep(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if acts(c) && !keep(c) {
            if c.is_control() {
                out.extend(c.escape_debug());
            } else {
                out.extend(c.escape_unicode());
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A name (a path, an archive member) with every control character escaped.
pub fn name(text: &str) -> Cow<'_, str> {
    escape(text, |_| false)
}

/// A message that may hold names: every control character escaped but the line break.
pub fn message(text: &str) -> Cow<'_, str> {
    escape(text, |c| c == '\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_in_names_are_shown_escaped() {
        assert_eq!(
            name("\u{1b}[2J\u{1b}[31mred\nImported 99 walks.\r.gpx"),
            "\\u{1b}[2J\\u{1b}[31mred\\nImported 99 walks.\\r.gpx"
        );
        assert_eq!(name("walk\u{7f}\t\u{9b}.fit"), "walk\\u{7f}\\t\\u{9b}.fit");
        assert_eq!(name("gpx\u{202e}xif.fit"), "gpx\\u{202e}xif.fit");
        assert!(matches!(name("ünïcode ✓.gpx"), Cow::Borrowed(_)));
        assert_eq!(message("a\nb\u{1b}c"), "a\nb\\u{1b}c");
    }
}
