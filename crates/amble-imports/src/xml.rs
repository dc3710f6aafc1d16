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
