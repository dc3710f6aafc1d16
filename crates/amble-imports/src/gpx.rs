//! GPX 1.0 and 1.1 tracks, tolerant of real-world quirks: a byte-order mark, a missing version,
//! elements outside the schema, namespaced extensions (Garmin's heart rate). Untimed points
//! (routes, planned tracks) are ignored; recordings less than 30 minutes apart are one walk.

use std::io::BufRead;

use amble_core::journal::WalkSource;
use quick_xml::events::Event;

use crate::geo::{group_segments, summarise_group};
use crate::model::{Activity, ParseError, Parsed, Point, Sport};
use crate::xml::{err, parse_time, reader};

#[derive(PartialEq, Clone, Copy)]
enum Field {
    None,
    Time,
    Ele,
    Hr,
    Type,
}

/// Reads a GPX document.
pub fn parse<R: BufRead>(input: R, source: WalkSource) -> Result<Parsed, ParseError> {
    let mut r = reader(input);
    let mut buf = Vec::new();
    let mut points: Vec<Point> = Vec::new();
    let mut segments: Vec<Vec<Point>> = Vec::new();
    let mut untimed = 0usize;
    let mut in_trkpt = false;
    let mut in_trk = false;
    let mut saw_gpx = false;
    let mut field = Field::None;
    let mut cur = Point::EMPTY;
    let mut sport = Sport::Unknown;
    let mut declared: Option<String> = None;
    let mut route_points = 0usize;
    loop {
        let ev = r.read_event_into(&mut buf).map_err(|e| err(&r, e))?;
        let empty = matches!(ev, Event::Empty(_));
        match ev {
            Event::Start(e) | Event::Empty(e) => {
                let name = e.local_name();
                match name.as_ref() {
                    "gpx" => saw_gpx = true,
                    "trk" => in_trk = true,
                    "trkpt" if in_trk => {
                        in_trkpt = true;
                        cur = Point::EMPTY;
                        for a in e.attributes().flatten() {
                            match a.key.local_name().as_ref() {
                                "lat" => cur.lat = a.value.trim().parse().ok(),
                                "lon" => cur.lon = a.value.trim().parse().ok(),
                                _ => {}
                            }
                        }
                        if matches!(cur.lat, Some(l) if !(-90.0..=90.0).contains(&l))
                            || matches!(cur.lon, Some(l) if !(-180.0..=180.0).contains(&l))
                        {
                            return Err(ParseError::at(
                                "a track point has a latitude or longitude out of range",
                                r.buffer_position(),
                            ));
                        }
                    }
                    "rtept" => route_points += 1,
                    "time" if in_trkpt => field = Field::Time,
                    "ele" if in_trkpt => field = Field::Ele,
                    "hr" | "heartrate" if in_trkpt => field = Field::Hr,
                    "type" if in_trk && !in_trkpt => field = Field::Type,
                    _ => {}
                }
                // An empty <trkpt/> ends at once.
                if in_trkpt && empty && matches!(name.as_ref(), "trkpt") {
                    finish_point(&mut cur, &mut points, &mut untimed);
                    in_trkpt = false;
                }
            }
            Event::Text(t) => {
                let text = t.into_inner();
                match field {
                    Field::Time => cur.t = parse_time(&text).unwrap_or(f64::NAN),
                    Field::Ele => cur.ele = text.trim().parse().ok(),
                    Field::Hr => cur.hr = text.trim().parse().ok(),
                    Field::Type => {
                        if sport == Sport::Unknown {
                            sport = Sport::from_name(&text);
                            declared = Some(text.trim().to_string());
                        }
                    }
                    Field::None => {}
                }
            }
            Event::End(e) => {
                match e.local_name().as_ref() {
                    "trkpt" if in_trkpt => {
                        finish_point(&mut cur, &mut points, &mut untimed);
                        in_trkpt = false;
                    }
                    "trk" => {
                        in_trk = false;
                        segments.push(std::mem::take(&mut points));
                    }
                    "trkseg" => segments.push(std::mem::take(&mut points)),
                    _ => {}
                }
                field = Field::None;
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !saw_gpx {
        return Err(ParseError::new("not a GPX file: no <gpx> element"));
    }
    segments.push(points);
    segments.retain(|s| !s.is_empty());
    if segments.is_empty() {
        let why = if untimed > 0 || route_points > 0 {
            "no timed track points: a route or planned track, not a recorded walk"
        } else {
            "no track points"
        };
        return Ok(Parsed::NotActivity(why.into()));
    }
    for seg in &mut segments {
        seg.sort_by(|a, b| a.t.total_cmp(&b.t));
    }
    let activities = group_segments(segments)
        .into_iter()
        .enumerate()
        .filter_map(|(index, group)| {
            let s = summarise_group(&group)?;
            Some(Activity {
                sport: sport.clone(),
                start: s.start,
                offset_s: None,
                elapsed_s: s.end - s.start,
                moving_s: s.moving_s,
                distance_m: s.has_positions.then_some(s.distance_m),
                steps: None,
                avg_hr: s.avg_hr,
                ascent_m: s.ascent_m,
                source,
                index,
                declared: declared.clone(),
                cadence_spm: None,
            })
        })
        .collect();
    Ok(Parsed::Activities(activities))
}

fn finish_point(cur: &mut Point, points: &mut Vec<Point>, untimed: &mut usize) {
    if cur.t.is_finite() {
        points.push(*cur);
    } else {
        *untimed += 1;
    }
}
