//! Free text a person types (a walk's surface, shoes and notes, a PSFS activity, an email):
//! the characters it may not hold, one rule for every edge (docs/core-rules.md, "Text").
//!
//! Refused: the C0 control characters (U+0000-U+001F) except tab and line breaks in text that
//! may span lines, DEL (U+007F), the C1 controls (U+0080-U+009F), and the bidirectional
//! embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069). A terminal acts on a
//! control character (a bell, a colour, a moved cursor) instead of showing it, and a direction
//! override turns the rest of a line around in the clinician's report, so that "3/10" after it
//! may read "01/3". The marks that only hint at a direction (U+200E, U+200F) stay allowed:
//! they cannot reverse what follows them.

/// Whether the text may span lines (a walk's notes) or is one line (a name, an activity).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    One,
    Many,
}

/// The first character `text` may not hold, with its place (1-based, in characters).
pub fn refused(text: &str, lines: Lines) -> Option<(usize, char)> {
    text.chars()
        .enumerate()
        .find(|&(_, c)| is_refused(c, lines))
        .map(|(i, c)| (i + 1, c))
}

/// Whether free text may hold `c` (what a form that keeps what it can, such as the interactive
/// questions, keeps of what was typed).
pub fn allowed(c: char, lines: Lines) -> bool {
    !is_refused(c, lines)
}

fn is_refused(c: char, lines: Lines) -> bool {
    let line_break = matches!(c, '\t' | '\n' | '\r');
    (c.is_control() && !(line_break && lines == Lines::Many))
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A refused character named for a person: its code point and what it is ("U+202E, a
/// right-to-left override"), never the character itself.
pub fn describe(c: char) -> String {
    let what = match c {
        '\0' => "a NUL character",
        '\t' => "a tab",
        '\n' | '\r' => "a line break",
        '\u{7}' => "a bell",
        '\u{1b}' => "an escape character",
        '\u{202A}' => "a left-to-right embedding",
        '\u{202B}' => "a right-to-left embedding",
        '\u{202C}' => "a direction formatting pop",
        '\u{202D}' => "a left-to-right override",
        '\u{202E}' => "a right-to-left override",
        '\u{2066}' => "a left-to-right isolate",
        '\u{2067}' => "a right-to-left isolate",
        '\u{2068}' => "a first-strong isolate",
        '\u{2069}' => "a direction isolate pop",
        _ => "a control character",
    };
    format!("U+{:04X}, {what}", u32::from(c))
}

/// The words of a refusal, without the field: "expected text without control or
/// direction-changing characters, found U+202E, a right-to-left override (character 12)".
pub fn problem(text: &str, lines: Lines) -> Option<String> {
    refused(text, lines).map(|(at, c)| {
        format!(
            "expected text without control or direction-changing characters, found {} (character {at})",
            describe(c)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_direction_overrides_are_refused() {
        assert_eq!(refused("gravel path", Lines::One), None);
        assert_eq!(refused("Ünïcödé, 日本語, עברית", Lines::One), None);
        assert_eq!(refused("a\u{200F}b", Lines::One), None, "a mark only");
        assert_eq!(refused("x\u{202E}y", Lines::One), Some((2, '\u{202E}')));
        assert_eq!(refused("\u{2066}", Lines::Many), Some((1, '\u{2066}')));
        assert_eq!(refused("ab\u{7}", Lines::Many), Some((3, '\u{7}')));
        assert_eq!(refused("\0", Lines::Many), Some((1, '\0')));
        assert_eq!(refused("del\u{7f}", Lines::Many), Some((4, '\u{7f}')));
        assert_eq!(refused("c1\u{85}", Lines::Many), Some((3, '\u{85}')));
        assert_eq!(refused("\u{1b}[31m", Lines::Many), Some((1, '\u{1b}')));
        // Tab and line breaks only where the text may span lines.
        assert_eq!(refused("first\r\nsecond\tthird", Lines::Many), None);
        assert_eq!(refused("one\nline", Lines::One), Some((4, '\n')));
        assert_eq!(refused("a\tb", Lines::One), Some((2, '\t')));
        for c in ('\u{202A}'..='\u{202E}').chain('\u{2066}'..='\u{2069}') {
            assert!(refused(&c.to_string(), Lines::Many).is_some(), "{c:?}");
        }
    }

    #[test]
    fn the_words_name_the_character_escaped() {
        let p = problem("walk \u{202E}01/3", Lines::Many).unwrap_or_default();
        assert_eq!(
            p,
            "expected text without control or direction-changing characters, found U+202E, a right-to-left override (character 6)"
        );
        assert!(!p.contains('\u{202E}'));
        assert_eq!(describe('\u{7}'), "U+0007, a bell");
        assert!(allowed('\n', Lines::Many) && !allowed('\n', Lines::One));
        assert!(allowed('é', Lines::One) && !allowed('\u{202E}', Lines::Many));
        assert_eq!(describe('\u{9b}'), "U+009B, a control character");
        assert_eq!(problem("fine", Lines::One), None);
    }
}
