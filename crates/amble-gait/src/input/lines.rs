//! A bound on the lines of a table read, checked before anything else reads it: a text of
//! millions of blank lines, of lines without a number, or of one line of megabytes is not a
//! recording, and is refused after a single pass over its bytes (not after reading every line
//! as a row). The message names the line where it stops.

use crate::GaitError;

/// The longest line read, bytes (a header of a few dozen columns is under 2 KB).
pub const MAX_LINE_BYTES: usize = 64 * 1024;
/// How many more lines without a number (blank, or text only) than lines of samples a table
/// may have: a few notes or blank lines are read, millions are not.
pub const MAX_LINES_WITHOUT_DATA: usize = 1_000;

/// The header: the first line that is not blank, if it is found within the bound and is not
/// over the longest line read.
pub(super) fn header(text: &str) -> Option<&str> {
    let line = text
        .lines()
        .take(MAX_LINES_WITHOUT_DATA + 1)
        .find(|l| !l.trim().is_empty())?;
    (line.len() <= MAX_LINE_BYTES).then_some(line)
}

/// Refuses a table with a line over [`MAX_LINE_BYTES`], or with [`MAX_LINES_WITHOUT_DATA`]
/// more lines without a digit (after the header) than lines with one, at the line where that
/// happens.
pub(super) fn check(text: &str) -> Result<(), GaitError> {
    let (mut header_seen, mut data, mut without) = (false, 0usize, 0usize);
    for (i, line) in text.as_bytes().split(|&b| b == b'\n').enumerate() {
        let line_no = i + 1;
        if line.len() > MAX_LINE_BYTES {
            return Err(GaitError::Parse {
                line: line_no,
                message: format!(
                    "the line is longer than {} KB: not a table of samples",
                    MAX_LINE_BYTES / 1024
                ),
            });
        }
        let blank = line.iter().all(u8::is_ascii_whitespace);
        if !header_seen && !blank {
            header_seen = true;
        } else if blank || !line.iter().any(u8::is_ascii_digit) {
            without += 1;
            if without > data + MAX_LINES_WITHOUT_DATA {
                return Err(GaitError::Parse {
                    line: line_no,
                    message: format!(
                        "{without} lines so far are blank or hold no number, against {data} lines of samples: not a table of samples"
                    ),
                });
            }
        } else {
            data += 1;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_and_wordy_tables_stop_at_the_bound() {
        let blank = format!("time_s,acc_x,acc_y,acc_z\n{}", "\n".repeat(5_000_000));
        assert_eq!(
            check(&blank),
            Err(GaitError::Parse {
                line: MAX_LINES_WITHOUT_DATA + 2,
                message: format!(
                    "{} lines so far are blank or hold no number, against 0 lines of samples: not a table of samples",
                    MAX_LINES_WITHOUT_DATA + 1
                ),
            })
        );
        let words = format!("time_s,acc_x\n{}", "x,y\n".repeat(10_000));
        assert!(matches!(
            check(&words),
            Err(GaitError::Parse { line: 1002, .. })
        ));
        // Before the header too: the header is not found within the bound.
        let late = format!("{}time_s,acc_x,acc_y,acc_z\n", "\n".repeat(2_000));
        assert_eq!(header(&late), None);
        assert_eq!(header("\n\ntime_s,acc_x\n1,2\n"), Some("time_s,acc_x"));
        let long = "0".repeat(MAX_LINE_BYTES + 1);
        assert_eq!(header(&long), None);
        assert!(matches!(
            check(&long),
            Err(GaitError::Parse { line: 1, .. })
        ));
    }

    #[test]
    fn real_tables_with_a_few_blank_lines_pass() {
        let mut t = String::from("time_s,acc_x,acc_y,acc_z\r\n");
        for k in 0..3_000 {
            // A blank line after every row (a double line end) is still a table.
            t.push_str(&format!("{k}.0,0,0,9.8\r\n\r\n"));
        }
        t.push_str("# end\n\n\n");
        assert_eq!(check(&t), Ok(()));
        assert_eq!(check(""), Ok(()));
    }
}
