//! Apple Health exports (`export.xml`), streamed in constant memory: walking workouts, daily
//! step totals de-duplicated across iPhone and Watch, and Apple's walking metrics as daily means.
//!
//! Step totals follow the way the Health app counts: overlapping samples are counted once, by
//! source priority (Apple Watch first, then iPhone, then other apps). Within a day, each sample
//! counts only for the part of its time not already covered by a higher-priority sample
//! (pro rata). Samples are put on the local day of their start, from their own UTC offset.
//!
//! Only the attributes of records Amble uses are decoded; every other record is skipped from its
//! raw `type` attribute, which keeps large exports fast. The DTD is never processed.

use std::collections::BTreeMap;
use std::io::BufRead;

use amble_core::journal::WalkSource;
use quick_xml::events::{BytesStart, Event};

use crate::model::{Activity, DayMetrics, ParseError, Sport};
use crate::xml::{err, reader};

/// A workout as the export describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Workout {
    pub activity: Activity,
    /// Path of its route GPX inside the export, when there is one.
    pub route: Option<String>,
    /// Apple's activity type, e.g. `HKWorkoutActivityTypeWalking`.
    pub kind: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct AppleData {
    pub workouts: Vec<Workout>,
    /// Local day (YYYY-MM-DD) to its metrics.
    pub days: BTreeMap<String, DayMetrics>,
    pub records: u64,
}

/// A time from the export: "2024-06-03 17:14:00 +0100".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppleTime {
    pub unix: i64,
    pub offset_s: i32,
    /// Local calendar day as days since 1970-01-01.
    pub day: i32,
}

fn digits(b: &[u8]) -> Option<i64> {
    let mut n: i64 = 0;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + i64::from(c - b'0');
    }
    Some(n)
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub fn day_string(day: i32) -> String {
    let z = i64::from(day) + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{y:04}-{m:02}-{d:02}")
}

/// Parses Apple's "YYYY-MM-DD HH:MM:SS ±HHMM".
pub fn parse_time(s: &str) -> Option<AppleTime> {
    let b = s.trim().as_bytes();
    if b.len() < 25
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b' '
        || b[13] != b':'
        || b[16] != b':'
        || b[19] != b' '
    {
        return None;
    }
    let (y, mo, d) = (digits(&b[0..4])?, digits(&b[5..7])?, digits(&b[8..10])?);
    let (h, mi, se) = (
        digits(&b[11..13])?,
        digits(&b[14..16])?,
        digits(&b[17..19])?,
    );
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let sign = match b[20] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let off = sign * (digits(&b[21..23])? * 3600 + digits(&b[23..25])? * 60);
    let day = days_from_civil(y, mo, d);
    let local = day * 86_400 + h * 3600 + mi * 60 + se;
    Some(AppleTime {
        unix: local - off,
        offset_s: off as i32,
        day: day as i32,
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Steps,
    Speed,
    StepLength,
    Asymmetry,
    DoubleSupport,
    Steadiness,
}

/// The record types Amble reads, by the raw value of their `type` attribute.
fn kind_of(t: &str) -> Option<Kind> {
    Some(match t.strip_prefix("HKQuantityTypeIdentifier")? {
        "StepCount" => Kind::Steps,
        "WalkingSpeed" => Kind::Speed,
        "WalkingStepLength" => Kind::StepLength,
        "WalkingAsymmetryPercentage" => Kind::Asymmetry,
        "WalkingDoubleSupportPercentage" => Kind::DoubleSupport,
        "AppleWalkingSteadiness" => Kind::Steadiness,
        _ => return None,
    })
}

/// The raw value of attribute `name` from a start tag's raw attribute text, without decoding
/// the others. Values in Health exports never contain the quote character unescaped.
fn raw_attr<'a>(raw: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = raw;
    while let Some(i) = rest.find(name) {
        let after = &rest[i + name.len()..];
        let boundary = i == 0 || rest.as_bytes()[i - 1].is_ascii_whitespace();
        if boundary {
            let after = after.trim_start();
            if let Some(v) = after.strip_prefix('=') {
                let v = v.trim_start();
                let q = v.chars().next()?;
                if q == '"' || q == '\'' {
                    let body = &v[1..];
                    let end = body.find(q)?;
                    return Some(&body[..end]);
                }
            }
        }
        rest = &rest[i + name.len()..];
    }
    None
}

/// A step-count sample, packed into 16 bytes: exports hold millions of them and all are needed
/// until the end (the de-duplication compares sources across the whole file).
#[derive(Clone, Copy)]
struct StepSample {
    day: i32,
    /// Seconds from the local day's start (UTC-based), start and end.
    start: i32,
    end: i32,
    value: f32,
}

/// Priority lives in the top bits of the day so the sample stays at 16 bytes.
const PRIO_SHIFT: i32 = 28;

impl StepSample {
    fn new(day: i32, prio: u8, start: i64, end: i64, value: f64) -> StepSample {
        let base = i64::from(day) * 86_400;
        let clamp = |x: i64| (x - base).clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32;
        StepSample {
            day: day | (i32::from(prio) << PRIO_SHIFT),
            start: clamp(start),
            end: clamp(end),
            value: value as f32,
        }
    }
    fn day(&self) -> i32 {
        self.day & ((1 << PRIO_SHIFT) - 1)
    }
    fn prio(&self) -> i32 {
        self.day >> PRIO_SHIFT
    }
}

#[derive(Default, Clone, Copy)]
struct Mean {
    sum: f64,
    n: u32,
}

impl Mean {
    fn add(&mut self, v: f64) {
        if v.is_finite() {
            self.sum += v;
            self.n += 1;
        }
    }
    fn get(&self) -> Option<f64> {
        (self.n > 0).then(|| self.sum / f64::from(self.n))
    }
}

#[derive(Default, Clone, Copy)]
struct DayAcc {
    speed: Mean,
    step_length: Mean,
    asymmetry: Mean,
    double_support: Mean,
    steadiness: Mean,
}

/// Source priority for step counts: Apple Watch, then iPhone, then anything else.
fn priority(source: &str, device: &str) -> u8 {
    if device.contains("Watch") || source.contains("Watch") {
        0
    } else if device.contains("iPhone") || source.contains("iPhone") {
        1
    } else {
        2
    }
}

fn speed_mps(v: f64, unit: &str) -> Option<f64> {
    Some(match unit {
        "m/s" => v,
        "km/hr" | "km/h" => v / 3.6,
        "mi/hr" | "mph" => v * 0.44704,
        "ft/s" => v * 0.3048,
        _ => return None,
    })
}

fn length_m(v: f64, unit: &str) -> Option<f64> {
    Some(match unit {
        "m" => v,
        "cm" => v / 100.0,
        "mm" => v / 1000.0,
        "km" => v * 1000.0,
        "in" => v * 0.0254,
        "ft" => v * 0.3048,
        "mi" => v * 1609.344,
        _ => return None,
    })
}

/// Apple writes percentages as fractions (0.034 for 3.4 %); a value above 1 is a percentage.
fn fraction(v: f64) -> f64 {
    if v > 1.0 { v / 100.0 } else { v }
}

struct OpenWorkout {
    kind: String,
    start: AppleTime,
    end: AppleTime,
    duration_s: Option<f64>,
    total_distance_m: Option<f64>,
    distance_m: Option<f64>,
    steps: Option<f64>,
    avg_hr: Option<f64>,
    ascent_m: Option<f64>,
    pause_at: Option<i64>,
    paused_s: f64,
    route: Option<String>,
}

fn attrs(e: &BytesStart<'_>) -> Vec<(String, String)> {
    e.attributes()
        .flatten()
        .map(|a| (a.key.local_name().as_ref().to_string(), a.value.to_string()))
        .collect()
}

fn get<'a>(v: &'a [(String, String)], k: &str) -> Option<&'a str> {
    v.iter().find(|(n, _)| n == k).map(|(_, x)| x.as_str())
}

/// Streams an `export.xml`. `progress` is called now and then with the bytes read so far.
pub fn parse<R: BufRead>(input: R, progress: &mut dyn FnMut(u64)) -> Result<AppleData, ParseError> {
    let (input, dtd) = crate::xml::without_doctype(input)
        .map_err(|e| ParseError::new(format!("cannot read the export: {e}")))?;
    if dtd.as_deref().is_some_and(|d| d.contains("<!ENTITY")) {
        // A real export declares no entities, and Amble never expands any: say so rather
        // than import nothing silently.
        return Err(ParseError::new(
            "the export declares XML entities, which a real Apple Health export never does and Amble never expands; nothing was imported from it",
        ));
    }
    let mut r = reader(std::io::BufReader::with_capacity(256 * 1024, input));
    let mut buf = Vec::with_capacity(4096);
    let mut export = Export::default();
    let mut since_progress: u32 = 0;
    loop {
        let ev = r.read_event_into(&mut buf).map_err(|e| err(&r, e))?;
        let empty = matches!(ev, Event::Empty(_));
        match ev {
            Event::Start(e) | Event::Empty(e) => {
                export.element(&e, empty, r.buffer_position())?;
            }
            Event::End(e) if e.local_name().as_ref() == "Workout" => export.end_workout(),
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
        since_progress += 1;
        if since_progress >= 4096 {
            since_progress = 0;
            progress(r.buffer_position());
        }
    }
    progress(r.buffer_position());
    export.finish(r.buffer_position())
}

/// What the stream has gathered so far: one method per element Amble reads.
#[derive(Default)]
struct Export {
    data: AppleData,
    steps: Vec<StepSample>,
    acc: BTreeMap<i32, DayAcc>,
    open: Option<OpenWorkout>,
    saw_root: bool,
}

impl Export {
    /// A start or empty tag; `position` is where the reader stands, for messages.
    fn element(
        &mut self,
        e: &BytesStart<'_>,
        empty: bool,
        position: u64,
    ) -> Result<(), ParseError> {
        let name = e.local_name();
        match name.as_ref() {
            "Record" => self.record(e.attributes_raw()),
            "Workout" => self.workout(e, empty, position)?,
            "WorkoutEvent" => self.workout_event(e.attributes_raw()),
            "WorkoutStatistics" => self.workout_statistics(e.attributes_raw()),
            "MetadataEntry" => self.metadata(e.attributes_raw()),
            "FileReference" => {
                if let Some(w) = self.open.as_mut() {
                    w.route = raw_attr(e.attributes_raw(), "path").map(str::to_string);
                }
            }
            "HealthData" => self.saw_root = true,
            _ => {}
        }
        Ok(())
    }

    /// A `<Record>`: a step sample kept for the de-duplication, or a walking metric added to
    /// its day's mean. Records of other types are skipped from their raw `type`.
    fn record(&mut self, raw: &str) {
        self.data.records += 1;
        let Some(kind) = raw_attr(raw, "type").and_then(kind_of) else {
            return;
        };
        let value: Option<f64> = raw_attr(raw, "value").and_then(|v| v.trim().parse().ok());
        let (Some(value), Some(start)) = (value, raw_attr(raw, "startDate").and_then(parse_time))
        else {
            return;
        };
        let unit = raw_attr(raw, "unit").unwrap_or("");
        let day = self.acc.entry(start.day).or_default();
        match kind {
            Kind::Steps => {
                let end = raw_attr(raw, "endDate")
                    .and_then(parse_time)
                    .map_or(start.unix, |t| t.unix.max(start.unix));
                let prio = priority(
                    raw_attr(raw, "sourceName").unwrap_or(""),
                    raw_attr(raw, "device").unwrap_or(""),
                );
                if (0.0..1e6).contains(&value) && (0..1 << PRIO_SHIFT).contains(&start.day) {
                    self.steps
                        .push(StepSample::new(start.day, prio, start.unix, end, value));
                }
            }
            Kind::Speed => {
                if let Some(v) = speed_mps(value, unit) {
                    day.speed.add(v);
                }
            }
            Kind::StepLength => {
                if let Some(v) = length_m(value, unit) {
                    day.step_length.add(v);
                }
            }
            Kind::Asymmetry => day.asymmetry.add(fraction(value)),
            Kind::DoubleSupport => day.double_support.add(fraction(value)),
            Kind::Steadiness => day.steadiness.add(fraction(value)),
        }
    }

    /// A `<Workout>`: opened until its end tag, or closed at once when it has no children.
    fn workout(
        &mut self,
        e: &BytesStart<'_>,
        empty: bool,
        position: u64,
    ) -> Result<(), ParseError> {
        let a = attrs(e);
        let (Some(start), Some(end)) = (
            get(&a, "startDate").and_then(parse_time),
            get(&a, "endDate").and_then(parse_time),
        ) else {
            return Err(ParseError::at(
                "a workout without a valid startDate or endDate",
                position,
            ));
        };
        let minutes = |v: Option<&str>, unit: Option<&str>| -> Option<f64> {
            let x: f64 = v?.parse().ok()?;
            Some(match unit.unwrap_or("min") {
                "s" | "sec" => x,
                "hr" | "h" => x * 3600.0,
                _ => x * 60.0,
            })
        };
        let w = OpenWorkout {
            kind: get(&a, "workoutActivityType").unwrap_or("").to_string(),
            start,
            end,
            duration_s: minutes(get(&a, "duration"), get(&a, "durationUnit")),
            total_distance_m: get(&a, "totalDistance")
                .and_then(|v| v.parse::<f64>().ok())
                .and_then(|v| length_m(v, get(&a, "totalDistanceUnit").unwrap_or("km"))),
            distance_m: None,
            steps: None,
            avg_hr: None,
            ascent_m: None,
            pause_at: None,
            paused_s: 0.0,
            route: None,
        };
        if empty {
            // <Workout .../> with no children.
            self.data.workouts.push(close(w, self.data.workouts.len()));
        } else {
            self.open = Some(w);
        }
        Ok(())
    }

    /// `</Workout>`.
    fn end_workout(&mut self) {
        if let Some(w) = self.open.take() {
            let n = self.data.workouts.len();
            self.data.workouts.push(close(w, n));
        }
    }

    /// A pause or a resume inside the open workout.
    fn workout_event(&mut self, raw: &str) {
        if let Some(w) = self.open.as_mut() {
            let at = raw_attr(raw, "date").and_then(parse_time).map(|t| t.unix);
            match (raw_attr(raw, "type"), at) {
                (Some("HKWorkoutEventTypePause"), Some(t)) => w.pause_at = Some(t),
                (Some("HKWorkoutEventTypeResume"), Some(t)) => {
                    if let Some(p) = w.pause_at.take() {
                        w.paused_s += (t - p).max(0) as f64;
                    }
                }
                _ => {}
            }
        }
    }

    /// The open workout's steps, distance or heart rate.
    fn workout_statistics(&mut self, raw: &str) {
        if let Some(w) = self.open.as_mut() {
            let unit = raw_attr(raw, "unit").unwrap_or("");
            let sum: Option<f64> = raw_attr(raw, "sum").and_then(|v| v.parse().ok());
            match raw_attr(raw, "type").unwrap_or("") {
                "HKQuantityTypeIdentifierStepCount" => w.steps = sum,
                "HKQuantityTypeIdentifierDistanceWalkingRunning" => {
                    w.distance_m = sum.and_then(|v| length_m(v, unit));
                }
                "HKQuantityTypeIdentifierHeartRate" => {
                    w.avg_hr = raw_attr(raw, "average").and_then(|v| v.parse().ok());
                }
                _ => {}
            }
        }
    }

    /// Workout metadata: "HKElevationAscended" = "1234 cm".
    fn metadata(&mut self, raw: &str) {
        if let Some(w) = self.open.as_mut()
            && raw_attr(raw, "key") == Some("HKElevationAscended")
        {
            w.ascent_m = raw_attr(raw, "value").and_then(|v| {
                let mut parts = v.split_whitespace();
                let x: f64 = parts.next()?.parse().ok()?;
                length_m(x, parts.next().unwrap_or("m"))
            });
        }
    }

    /// The end of the file: the days' step totals and metric means.
    fn finish(self, position: u64) -> Result<AppleData, ParseError> {
        let Export {
            mut data,
            steps,
            acc,
            open,
            saw_root,
        } = self;
        if !saw_root {
            return Err(ParseError::new(
                "not an Apple Health export: no <HealthData> element",
            ));
        }
        if open.is_some() {
            return Err(ParseError::at(
                "the export ends inside a workout: the file is truncated",
                position,
            ));
        }
        for (day, total) in dedup_steps(steps) {
            data.days.entry(day_string(day)).or_default().steps = Some(total.round() as u64);
        }
        for (day, a) in acc {
            let m = data.days.entry(day_string(day)).or_default();
            m.walking_speed_mps = a.speed.get();
            m.step_length_m = a.step_length.get();
            m.asymmetry_frac = a.asymmetry.get();
            m.double_support_frac = a.double_support.get();
            m.steadiness_frac = a.steadiness.get();
        }
        data.days.retain(|_, m| *m != DayMetrics::default());
        Ok(data)
    }
}

fn close(w: OpenWorkout, index: usize) -> Workout {
    let elapsed = (w.end.unix - w.start.unix).max(0) as f64;
    let moving = w
        .duration_s
        .filter(|d| *d > 0.0)
        .unwrap_or((elapsed - w.paused_s).max(0.0));
    Workout {
        activity: Activity {
            sport: Sport::from_name(&w.kind),
            start: w.start.unix as f64,
            offset_s: Some(w.start.offset_s),
            elapsed_s: elapsed,
            moving_s: moving.min(elapsed.max(moving)),
            distance_m: w.distance_m.or(w.total_distance_m),
            steps: w.steps.filter(|s| *s >= 0.0).map(|s| s.round() as u64),
            avg_hr: w.avg_hr,
            ascent_m: w.ascent_m,
            source: WalkSource::AppleHealth,
            index,
            declared: Some(
                w.kind
                    .trim_start_matches("HKWorkoutActivityType")
                    .to_string(),
            ),
            cadence_spm: None,
        },
        route: w.route,
        kind: w.kind,
    }
}

/// Daily step totals, each sample counted only for time not covered by higher-priority samples.
fn dedup_steps(mut samples: Vec<StepSample>) -> BTreeMap<i32, f64> {
    // Sorting by the packed day sorts by priority within a day (it is in the high bits), but
    // days must group first: sort by (day, priority, start).
    samples.sort_by_key(|a| (a.day(), a.prio(), a.start));
    let mut out: BTreeMap<i32, f64> = BTreeMap::new();
    let mut i = 0;
    while i < samples.len() {
        let day = samples[i].day();
        let mut covered: Vec<(i64, i64)> = Vec::new();
        let mut total = 0.0;
        while i < samples.len() && samples[i].day() == day {
            let s = samples[i];
            let (start, end) = (i64::from(s.start), i64::from(s.end));
            let len = end - start;
            let overlap: i64 = covered
                .iter()
                .map(|(a, b)| (end.min(*b) - start.max(*a)).max(0))
                .sum();
            let share = if len > 0 {
                (1.0 - overlap as f64 / len as f64).clamp(0.0, 1.0)
            } else if covered.iter().any(|(a, b)| start >= *a && start < *b) {
                0.0
            } else {
                1.0
            };
            total += f64::from(s.value) * share;
            if len > 0 {
                insert_interval(&mut covered, (start, end));
            }
            i += 1;
        }
        out.insert(day, total);
    }
    out
}

/// Adds an interval to a sorted list of disjoint intervals, merging overlaps.
fn insert_interval(list: &mut Vec<(i64, i64)>, (mut a, mut b): (i64, i64)) {
    let mut merged = Vec::with_capacity(list.len() + 1);
    let mut placed = false;
    for &(x, y) in list.iter() {
        if y < a {
            merged.push((x, y));
        } else if b < x {
            if !placed {
                merged.push((a, b));
                placed = true;
            }
            merged.push((x, y));
        } else {
            a = a.min(x);
            b = b.max(y);
        }
    }
    if !placed {
        merged.push((a, b));
    }
    *list = merged;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apple_times() {
        let t = parse_time("2024-06-03 17:14:00 +0100").unwrap();
        assert_eq!(t.unix, 1_717_431_240);
        assert_eq!(t.offset_s, 3600);
        assert_eq!(day_string(t.day), "2024-06-03");
        assert_eq!(parse_time("2024-06-03T17:14:00+01:00"), None);
        assert_eq!(parse_time("2024-13-03 17:14:00 +0100"), None);
        assert_eq!(day_string(0), "1970-01-01");
        assert_eq!(day_string(19_877), "2024-06-03");
    }

    #[test]
    fn overlapping_steps_count_once_by_priority() {
        let s = |prio: u8, start: i64, end: i64, value: f64| {
            StepSample::new(1, prio, 86_400 + start, 86_400 + end, value)
        };
        // Watch 0-100 s: 100 steps; phone 50-150 s: 100 steps, half overlapping.
        let out = dedup_steps(vec![s(1, 50, 150, 100.0), s(0, 0, 100, 100.0)]);
        assert_eq!(out[&1], 150.0);
        // No overlap: both count in full.
        let out = dedup_steps(vec![s(1, 200, 300, 80.0), s(0, 0, 100, 100.0)]);
        assert_eq!(out[&1], 180.0);
        // Fully covered: the phone adds nothing.
        let out = dedup_steps(vec![s(1, 10, 20, 30.0), s(0, 0, 100, 100.0)]);
        assert_eq!(out[&1], 100.0);
    }

    #[test]
    fn raw_attributes() {
        let raw = r#"type="HKQuantityTypeIdentifierStepCount" sourceName="Alex’s iPhone" unit="count" value="808""#;
        assert_eq!(
            raw_attr(raw, "type"),
            Some("HKQuantityTypeIdentifierStepCount")
        );
        assert_eq!(raw_attr(raw, "value"), Some("808"));
        assert_eq!(raw_attr(raw, "name"), None, "sourceName is not name");
    }
}
