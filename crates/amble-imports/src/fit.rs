//! Garmin/ANT FIT files, including chained files with several sessions. Cadence in FIT counts
//! one foot (strides per minute): steps per minute are twice that. CRC mismatches are tolerated
//! (the structure is still checked and values are checked for plausibility later); a truncated
//! or corrupt file is an error with its byte offset, and nothing from it is imported.

use amble_core::journal::WalkSource;
use fitparser::de::{DecodeOption, FitObject, FitStreamProcessor};
use fitparser::{FitDataRecord, Value};

use crate::geo::summarise;
use crate::model::{Activity, ParseError, Parsed, Point, Sport};
use crate::tcx::steps_from_cadence;

fn num(v: &Value) -> Option<f64> {
    Some(match v {
        Value::Byte(x) | Value::UInt8(x) | Value::UInt8z(x) | Value::Enum(x) => f64::from(*x),
        Value::SInt8(x) => f64::from(*x),
        Value::SInt16(x) => f64::from(*x),
        Value::UInt16(x) | Value::UInt16z(x) => f64::from(*x),
        Value::SInt32(x) => f64::from(*x),
        Value::UInt32(x) | Value::UInt32z(x) => f64::from(*x),
        Value::SInt64(x) => *x as f64,
        Value::UInt64(x) | Value::UInt64z(x) => *x as f64,
        Value::Float32(x) => f64::from(*x),
        Value::Float64(x) => *x,
        Value::Timestamp(t) => {
            t.timestamp() as f64 + f64::from(t.timestamp_subsec_millis()) / 1000.0
        }
        _ => return None,
    })
    .filter(|x| x.is_finite())
}

fn field<'a>(rec: &'a FitDataRecord, name: &str) -> Option<&'a Value> {
    rec.fields()
        .iter()
        .find(|f| f.name() == name)
        .map(|f| f.value())
}

fn fnum(rec: &FitDataRecord, name: &str) -> Option<f64> {
    field(rec, name).and_then(num)
}

fn fstr(rec: &FitDataRecord, name: &str) -> Option<String> {
    match field(rec, name)? {
        Value::String(s) => Some(s.clone()),
        other => num(other).map(|n| format!("{n}")),
    }
}

const SEMICIRCLE: f64 = 180.0 / 2_147_483_648.0;

#[derive(Default)]
struct Session {
    sport: Option<String>,
    start: Option<f64>,
    elapsed: Option<f64>,
    timer: Option<f64>,
    distance: Option<f64>,
    strides: Option<f64>,
    avg_hr: Option<f64>,
    /// Session average cadence, strides (one foot) a minute.
    avg_cadence: Option<f64>,
    ascent: Option<f64>,
}

/// Decodes every message, stopping at the first structural error (with its byte offset).
fn decode(bytes: &[u8]) -> Result<Vec<FitDataRecord>, ParseError> {
    let mut p = FitStreamProcessor::new();
    p.add_option(DecodeOption::SkipDataCrcValidation);
    p.add_option(DecodeOption::SkipHeaderCrcValidation);
    let mut rest = bytes;
    let mut out = Vec::new();
    let mut saw_header = false;
    while !rest.is_empty() {
        let at = (bytes.len() - rest.len()) as u64;
        let (next, obj) = p
            .deserialize_next(rest)
            .map_err(|e| describe(&e.to_string(), at, bytes.len() as u64))?;
        match obj {
            FitObject::Crc(_) => p.reset(),
            FitObject::Header(_) => saw_header = true,
            FitObject::DataMessage(m) => out.push(
                p.decode_message(m)
                    .map_err(|e| describe(&e.to_string(), at, bytes.len() as u64))?,
            ),
            FitObject::DefinitionMessage(_) => {}
        }
        rest = next;
    }
    if !saw_header {
        return Err(ParseError::at("not a FIT file: no FIT header", 0));
    }
    Ok(out)
}

fn describe(msg: &str, at: u64, len: u64) -> ParseError {
    let lower = msg.to_ascii_lowercase();
    if lower.contains("eof") || lower.contains("more bytes") || lower.contains("incomplete") {
        ParseError::at(
            format!("truncated: the file ends in the middle of a message ({len} bytes)"),
            at,
        )
    } else if lower.contains("header") {
        ParseError::at(format!("corrupt FIT header ({msg})"), at)
    } else {
        ParseError::at(format!("corrupt FIT data ({msg})"), at)
    }
}

/// Each FIT header (chained files have several) announces its data size; a file shorter than
/// announced was cut off, even when the cut falls between two messages.
fn check_sizes(bytes: &[u8]) -> Result<(), ParseError> {
    let len = bytes.len() as u64;
    let mut pos: u64 = 0;
    while pos < len {
        let at = pos as usize;
        let Some(&header_size) = bytes.get(at) else {
            break;
        };
        let Some(size) = bytes.get(at + 4..at + 8) else {
            return Err(ParseError::at(
                "truncated: the file ends inside a FIT header",
                len,
            ));
        };
        if header_size < 12 {
            return Err(ParseError::at(
                format!("corrupt FIT header (header size {header_size})"),
                pos,
            ));
        }
        let data_size = u64::from(u32::from_le_bytes([size[0], size[1], size[2], size[3]]));
        let end = pos + u64::from(header_size) + data_size + 2;
        if end > len {
            return Err(ParseError::at(
                format!(
                    "truncated: the FIT header announces {} bytes, the file has {len}",
                    end
                ),
                len,
            ));
        }
        pos = end;
    }
    Ok(())
}

pub fn parse(bytes: &[u8]) -> Result<Parsed, ParseError> {
    if bytes.len() < 12 || &bytes[8..12] != b".FIT" {
        return Err(ParseError::at(
            "not a FIT file: the header lacks the \".FIT\" signature",
            8,
        ));
    }
    check_sizes(bytes)?;
    let records = decode(bytes)?;
    let messages = Messages::read(&records);
    if let Some(what) = messages.file_type.as_deref().and_then(not_an_activity) {
        return Ok(Parsed::NotActivity(what));
    }
    let Messages {
        sessions,
        mut points,
        cadence,
        offset_s,
        ..
    } = messages;
    points.sort_by(|a, b| a.t.total_cmp(&b.t));
    let mut out = Vec::new();
    if sessions.is_empty()
        && let Some(a) = without_sessions(&points, &cadence, offset_s)
    {
        out.push(a);
    }
    for (index, s) in sessions.iter().enumerate() {
        if let Some(a) = from_session(index, s, &points, &cadence, offset_s) {
            out.push(a);
        }
    }
    if out.is_empty() {
        return Ok(Parsed::NotActivity(
            "an activity file without any recorded data".into(),
        ));
    }
    Ok(Parsed::Activities(out))
}

/// The messages Amble reads, gathered from every decoded record.
#[derive(Default)]
struct Messages {
    /// The first `file_id`'s type.
    file_type: Option<String>,
    sessions: Vec<Session>,
    points: Vec<Point>,
    /// (time, steps a minute) from the records' cadence.
    cadence: Vec<(f64, f64)>,
    /// The local time's offset, from the last `activity` message that gives a plausible one.
    offset_s: Option<i32>,
}

impl Messages {
    fn read(records: &[FitDataRecord]) -> Messages {
        let mut m = Messages::default();
        for rec in records {
            match rec.kind().to_string().as_str() {
                "file_id" if m.file_type.is_none() => {
                    m.file_type = fstr(rec, "type");
                }
                "session" => m.sessions.push(session(rec)),
                "record" => m.record(rec),
                "activity" => {
                    if let Some(off) = local_offset(rec) {
                        m.offset_s = Some(off);
                    }
                }
                _ => {}
            }
        }
        m
    }

    /// A `record` message: one point of the track and, when it has one, its cadence.
    fn record(&mut self, rec: &FitDataRecord) {
        let Some(t) = fnum(rec, "timestamp") else {
            return;
        };
        let lat = fnum(rec, "position_lat").map(|v| v * SEMICIRCLE);
        let lon = fnum(rec, "position_long").map(|v| v * SEMICIRCLE);
        self.points.push(Point {
            t,
            lat,
            lon,
            ele: fnum(rec, "enhanced_altitude").or_else(|| fnum(rec, "altitude")),
            hr: fnum(rec, "heart_rate"),
            dist: fnum(rec, "distance"),
        });
        if let Some(c) = fnum(rec, "cadence") {
            let frac = fnum(rec, "fractional_cadence").unwrap_or(0.0);
            self.cadence.push((t, 2.0 * (c + frac)));
        }
    }
}

fn session(rec: &FitDataRecord) -> Session {
    Session {
        sport: fstr(rec, "sport"),
        start: fnum(rec, "start_time"),
        elapsed: fnum(rec, "total_elapsed_time"),
        timer: fnum(rec, "total_timer_time"),
        distance: fnum(rec, "total_distance"),
        strides: fnum(rec, "total_strides").or_else(|| fnum(rec, "total_cycles")),
        avg_hr: fnum(rec, "avg_heart_rate"),
        avg_cadence: fnum(rec, "avg_cadence")
            .map(|c| c + fnum(rec, "avg_fractional_cadence").unwrap_or(0.0)),
        ascent: fnum(rec, "total_ascent"),
    }
}

/// An `activity` message's offset of local time from UTC, when it is within ±14 hours.
fn local_offset(rec: &FitDataRecord) -> Option<i32> {
    let (ts, local) = (fnum(rec, "timestamp")?, fnum(rec, "local_timestamp")?);
    let off = (local - ts).round();
    (off.abs() <= 14.0 * 3600.0).then_some(off as i32)
}

/// Why a file of this type is not an activity (`None` when it is one).
fn not_an_activity(file_type: &str) -> Option<String> {
    if file_type == "activity" {
        return None;
    }
    let what = match file_type {
        t if t.starts_with("monitoring") => "a daily monitoring file",
        "settings" => "a settings file",
        "workout" => "a planned workout",
        "course" => "a course",
        "device" => "a device file",
        "totals" | "goals" | "sport" | "schedules" | "weight" | "blood_pressure" | "segment" => {
            "a summary or profile file"
        }
        _ => "not an activity",
    };
    Some(format!("not an activity: {what} ({file_type})"))
}

/// A file with records but no session: one activity summarised from its points.
fn without_sessions(
    points: &[Point],
    cadence: &[(f64, f64)],
    offset_s: Option<i32>,
) -> Option<Activity> {
    let s = summarise(points)?;
    Some(Activity {
        sport: Sport::Unknown,
        start: s.start,
        offset_s,
        elapsed_s: s.end - s.start,
        moving_s: s.moving_s,
        distance_m: points
            .iter()
            .rev()
            .find_map(|p| p.dist)
            .or(s.has_positions.then_some(s.distance_m)),
        steps: steps_from_cadence(cadence),
        avg_hr: s.avg_hr,
        ascent_m: s.ascent_m,
        source: WalkSource::Fit,
        index: 0,
        declared: None,
        cadence_spm: None,
    })
}

/// One session as an activity: its own totals first, the points within its time where it has
/// none. A session without a start (and no point to take one from) is no activity.
fn from_session(
    index: usize,
    s: &Session,
    points: &[Point],
    cadence: &[(f64, f64)],
    offset_s: Option<i32>,
) -> Option<Activity> {
    let start = s.start.or_else(|| points.first().map(|p| p.t))?;
    let elapsed = s.elapsed.unwrap_or(0.0);
    let end = start + elapsed;
    let in_session: Vec<Point> = points
        .iter()
        .filter(|p| p.t >= start - 1.0 && p.t <= end + 1.0)
        .copied()
        .collect();
    let summary = summarise(&in_session);
    let cad: Vec<(f64, f64)> = cadence
        .iter()
        .filter(|(t, _)| *t >= start - 1.0 && *t <= end + 1.0)
        .copied()
        .collect();
    let steps = s
        .strides
        .filter(|x| *x > 0.0)
        .map(|x| (2.0 * x).round() as u64)
        .or_else(|| steps_from_cadence(&cad));
    let sport = s.sport.as_deref().map_or(Sport::Unknown, Sport::from_name);
    Some(Activity {
        sport,
        start,
        offset_s,
        elapsed_s: if elapsed > 0.0 {
            elapsed
        } else {
            summary.map_or(0.0, |x| x.end - x.start)
        },
        moving_s: s
            .timer
            .filter(|t| *t > 0.0)
            .or(summary.map(|x| x.moving_s))
            .unwrap_or(0.0),
        distance_m: s
            .distance
            .or(summary.filter(|x| x.has_positions).map(|x| x.distance_m)),
        steps,
        avg_hr: s.avg_hr.or(summary.and_then(|x| x.avg_hr)),
        ascent_m: s.ascent.or(summary.and_then(|x| x.ascent_m)),
        source: WalkSource::Fit,
        index,
        declared: s.sport.clone(),
        // Walking cadence in FIT is strides a minute: steps are twice that.
        cadence_spm: s.avg_cadence.filter(|c| *c > 0.0).map(|c| 2.0 * c),
    })
}
