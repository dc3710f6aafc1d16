//! Garmin Training Center XML (TCX): activities with laps and trackpoints. The laps' timer time
//! and distance are the device's own moving time and distance.

use std::io::BufRead;

use amble_core::journal::WalkSource;
use quick_xml::events::Event;

use crate::geo::summarise;
use crate::model::{Activity, ParseError, Parsed, Point, Sport};
use crate::xml::{err, parse_time, reader};

#[derive(Default)]
struct Current {
    sport: String,
    lap_time: f64,
    lap_distance: f64,
    has_laps: bool,
    points: Vec<Point>,
    /// (unix time, steps per minute) from RunCadence (one foot: x2).
    cadence: Vec<(f64, f64)>,
}

pub fn parse<R: BufRead>(input: R) -> Result<Parsed, ParseError> {
    let mut r = reader(input);
    let mut buf = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let mut acts: Vec<Current> = Vec::new();
    let mut saw_root = false;
    let mut pt = Point::EMPTY;
    let mut run_cadence: Option<f64> = None;
    loop {
        let ev = r.read_event_into(&mut buf).map_err(|e| err(&r, e))?;
        match ev {
            Event::Start(e) => {
                let name = e.local_name().as_ref().to_string();
                match name.as_str() {
                    "TrainingCenterDatabase" => saw_root = true,
                    "Activity" => {
                        let mut cur = Current::default();
                        for a in e.attributes().flatten() {
                            if a.key.local_name().as_ref() == "Sport" {
                                cur.sport = a.value.to_string();
                            }
                        }
                        acts.push(cur);
                    }
                    "Lap" => {
                        if let Some(a) = acts.last_mut() {
                            a.has_laps = true;
                        }
                    }
                    "Trackpoint" => {
                        pt = Point::EMPTY;
                        run_cadence = None;
                    }
                    _ => {}
                }
                path.push(name);
            }
            Event::Text(t) => {
                let text = t.into_inner();
                let v = text.trim();
                let n = path.len();
                let last = path.last().map(String::as_str);
                let parent = if n >= 2 {
                    Some(path[n - 2].as_str())
                } else {
                    None
                };
                let in_point = path.iter().any(|p| p == "Trackpoint");
                match (parent, last) {
                    (Some("Lap"), Some("TotalTimeSeconds")) => {
                        if let (Some(a), Ok(x)) = (acts.last_mut(), v.parse::<f64>()) {
                            a.lap_time += x;
                        }
                    }
                    (Some("Lap"), Some("DistanceMeters")) => {
                        if let (Some(a), Ok(x)) = (acts.last_mut(), v.parse::<f64>()) {
                            a.lap_distance += x;
                        }
                    }
                    (Some("Trackpoint"), Some("Time")) => pt.t = parse_time(v).unwrap_or(f64::NAN),
                    (Some("Position"), Some("LatitudeDegrees")) => pt.lat = v.parse().ok(),
                    (Some("Position"), Some("LongitudeDegrees")) => pt.lon = v.parse().ok(),
                    (Some("Trackpoint"), Some("AltitudeMeters")) => pt.ele = v.parse().ok(),
                    (Some("Trackpoint"), Some("DistanceMeters")) => pt.dist = v.parse().ok(),
                    (Some("HeartRateBpm"), Some("Value")) if in_point => pt.hr = v.parse().ok(),
                    (_, Some("RunCadence")) if in_point => run_cadence = v.parse().ok(),
                    _ => {}
                }
            }
            Event::End(e) => {
                if e.local_name().as_ref() == "Trackpoint"
                    && let Some(a) = acts.last_mut()
                    && pt.t.is_finite()
                {
                    a.points.push(pt);
                    if let Some(c) = run_cadence {
                        a.cadence.push((pt.t, 2.0 * c));
                    }
                }
                path.pop();
            }
            Event::Empty(_) => {}
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !saw_root {
        return Err(ParseError::new(
            "not a TCX file: no <TrainingCenterDatabase> element",
        ));
    }
    if acts.is_empty() {
        return Ok(Parsed::NotActivity(
            "no activities (a course or workout file)".into(),
        ));
    }
    let mut out = Vec::new();
    for (index, mut a) in acts.into_iter().enumerate() {
        a.points.sort_by(|x, y| x.t.total_cmp(&y.t));
        let Some(s) = summarise(&a.points) else {
            continue;
        };
        let steps = steps_from_cadence(&a.cadence);
        let sport = match a.sport.as_str() {
            "Other" => Sport::Unknown,
            other => Sport::from_name(other),
        };
        out.push(Activity {
            sport,
            start: s.start,
            offset_s: None,
            elapsed_s: s.end - s.start,
            moving_s: if a.has_laps && a.lap_time > 0.0 {
                a.lap_time.min(s.end - s.start)
            } else {
                s.moving_s
            },
            distance_m: if a.lap_distance > 0.0 {
                Some(a.lap_distance)
            } else {
                s.has_positions.then_some(s.distance_m)
            },
            steps,
            avg_hr: s.avg_hr,
            ascent_m: s.ascent_m,
            source: WalkSource::Tcx,
            index,
            declared: (!a.sport.is_empty()).then_some(a.sport),
            cadence_spm: None,
        });
    }
    if out.is_empty() {
        return Ok(Parsed::NotActivity("no timed trackpoints".into()));
    }
    Ok(Parsed::Activities(out))
}

/// Steps from a cadence series (steps per minute at each time), over gaps of a minute or less.
pub fn steps_from_cadence(series: &[(f64, f64)]) -> Option<u64> {
    if series.len() < 2 {
        return None;
    }
    let mut steps = 0.0;
    for w in series.windows(2) {
        let dt = w[1].0 - w[0].0;
        if dt > 0.0 && dt <= 60.0 {
            steps += w[0].1 * dt / 60.0;
        }
    }
    (steps > 0.0).then(|| steps.round() as u64)
}
