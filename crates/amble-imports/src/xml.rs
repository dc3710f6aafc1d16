//! Shared streaming-XML helpers. No DTD processing and no entity expansion: a document type
//! declaration is skipped as text, so external entities and "billion laughs" tricks do nothing,
//! and a malformed DTD (as in iOS 16 Health exports) does not stop the import.

use std::io::BufRead;

use quick_xml::Reader;

use crate::model::ParseError;

pub fn reader<R: BufRead>(r: R) -> Reader<R> {
    let mut reader = Reader::from_reader(r);
    let c = reader.config_mut();
    c.trim_text(true);
    c.check_end_names = false;
    c.expand_empty_elements = false;
    reader
}

/// A document with its type declaration cut out: the read head, then the rest of the input.
pub type WithoutDoctype<R> = std::io::Chain<std::io::Cursor<Vec<u8>>, R>;

/// How far into a document its type declaration may start and end: Apple's is about 10 KB.
const DTD_WINDOW: usize = 1 << 20;

/// The document with its type declaration (`<!DOCTYPE … [ … ]>`) cut out, and that declaration's
/// text. Real exports can carry a malformed internal DTD (iOS 16 left an `<!ATTLIST` without
/// its `>`, so the declaration never closes for a strict reader); Amble never uses the DTD, so it
/// is skipped by its own end, `]>`, whatever is inside.
pub fn without_doctype<R: std::io::Read>(
    mut input: R,
) -> std::io::Result<(WithoutDoctype<R>, Option<String>)> {
    use std::io::Read;
    let mut head = Vec::with_capacity(64 * 1024);
    (&mut input)
        .take(DTD_WINDOW as u64)
        .read_to_end(&mut head)?;
    let find = |hay: &[u8], needle: &[u8], from: usize| {
        hay.get(from..)
            .and_then(|h| h.windows(needle.len()).position(|w| w == needle))
            .map(|p| p + from)
    };
    let mut dtd = None;
    if let Some(start) = find(&head, b"<!DOCTYPE", 0) {
        // With an internal subset the declaration ends at "]>"; without one, at the first ">".
        let open = find(&head, b"[", start);
        let first_gt = find(&head, b">", start);
        let end = match (open, first_gt) {
            (Some(o), Some(g)) if o < g => find(&head, b"]>", o).map(|e| e + 2),
            (_, Some(g)) => Some(g + 1),
            _ => None,
        };
        if let Some(end) = end {
            dtd = Some(String::from_utf8_lossy(&head[start..end]).into_owned());
            head.drain(start..end);
        }
    }
    Ok((std::io::Cursor::new(head).chain(input), dtd))
}

pub fn err<R>(reader: &Reader<R>, e: impl std::fmt::Display) -> ParseError {
    ParseError::at(format!("not valid XML: {e}"), reader.buffer_position())
}

/// Unix seconds from an RFC 3339 / ISO 8601 time ("2010-10-03T09:36:30Z", fractional seconds and
/// offsets allowed; a time without an offset is taken as UTC).
pub fn parse_time(s: &str) -> Option<f64> {
    let s = s.trim();
    if let Ok(ts) = s.parse::<jiff::Timestamp>() {
        return Some(ts.as_millisecond() as f64 / 1000.0);
    }
    let dt: jiff::civil::DateTime = s.parse().ok()?;
    let ts = jiff::tz::TimeZone::UTC.to_timestamp(dt).ok()?;
    Some(ts.as_millisecond() as f64 / 1000.0)
}
