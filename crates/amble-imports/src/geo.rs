//! Track arithmetic: distances, moving time and splitting recordings into walks.

use crate::model::Point;

const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Great-circle distance in metres (haversine; 2D, elevation ignored).
pub fn haversine(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * a.sqrt().asin()
}

/// The stop rule for tracks without a device timer: an interval between two points counts as
/// moving when it is up to a minute long and covers at least 0.2 m/s, or (sparse recordings) up
/// to 10 minutes long and covers at least 0.5 m/s, a slow walking pace. Longer gaps are pauses.
pub const MAX_MOVING_GAP_S: f64 = 60.0;
pub const MIN_MOVING_SPEED: f64 = 0.2;
pub const MAX_SPARSE_GAP_S: f64 = 600.0;
pub const MIN_SPARSE_SPEED: f64 = 0.5;
/// Recordings less than this far apart are one walk (contract §5).
pub const SAME_WALK_GAP_S: f64 = 30.0 * 60.0;

/// Summary of a timed track.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrackSummary {
    pub start: f64,
    pub end: f64,
    pub moving_s: f64,
    pub distance_m: f64,
    pub has_positions: bool,
    pub avg_hr: Option<f64>,
    pub ascent_m: Option<f64>,
}

/// Climb below this is treated as GPS or barometer noise.
pub const ASCENT_HYSTERESIS_M: f64 = 2.0;

/// Total climb of a track: rises are counted once the elevation has gone up by the hysteresis
/// from the last low point, so noise does not add up.
pub fn ascent(points: &[Point]) -> Option<f64> {
    let mut eles = points
        .iter()
        .filter_map(|p| p.ele)
        .filter(|e| e.is_finite());
    let mut low = eles.next()?;
    let mut high = low;
    let mut total = 0.0;
    for e in eles {
        if e > high {
            high = e;
        } else if e < high - ASCENT_HYSTERESIS_M {
            if high - low >= ASCENT_HYSTERESIS_M {
                total += high - low;
            }
            low = e;
            high = e;
        } else if e < low {
            low = e;
            high = e;
        }
    }
    if high - low >= ASCENT_HYSTERESIS_M {
        total += high - low;
    }
    Some(total)
}

/// Distance, moving time and heart rate of a track of timed points (sorted by time).
pub fn summarise(points: &[Point]) -> Option<TrackSummary> {
    let first = points.first()?;
    let last = points.last()?;
    let mut distance = 0.0;
    let mut moving = 0.0;
    let mut has_positions = false;
    for w in points.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        let dt = b.t - a.t;
        if dt.is_nan() || dt <= 0.0 {
            continue;
        }
        let d = match (a.lat, a.lon, b.lat, b.lon) {
            (Some(la), Some(lo), Some(lb), Some(lob)) => {
                has_positions = true;
                haversine(la, lo, lb, lob)
            }
            _ => match (a.dist, b.dist) {
                (Some(x), Some(y)) if y >= x => y - x,
                _ => 0.0,
            },
        };
        distance += d;
        let v = d / dt;
        if (dt <= MAX_MOVING_GAP_S && v >= MIN_MOVING_SPEED)
            || (dt <= MAX_SPARSE_GAP_S && v >= MIN_SPARSE_SPEED)
        {
            moving += dt;
        }
    }
    let hrs: Vec<f64> = points
        .iter()
        .filter_map(|p| p.hr)
        .filter(|h| *h > 0.0)
        .collect();
    let avg_hr = (!hrs.is_empty()).then(|| hrs.iter().sum::<f64>() / hrs.len() as f64);
    Some(TrackSummary {
        start: first.t,
        end: last.t,
        moving_s: moving,
        distance_m: distance,
        has_positions,
        avg_hr,
        ascent_m: ascent(points),
    })
}

/// Groups recorded segments (each a continuous recording, sorted by time) into walks: segments
/// that start less than 30 minutes after the previous one ended belong to the same walk.
pub fn group_segments(mut segments: Vec<Vec<Point>>) -> Vec<Vec<Vec<Point>>> {
    segments.retain(|s| !s.is_empty());
    segments.sort_by(|a, b| a[0].t.total_cmp(&b[0].t));
    let mut out: Vec<Vec<Vec<Point>>> = Vec::new();
    for seg in segments {
        let joins = out
            .last()
            .and_then(|g| g.last())
            .and_then(|s| s.last())
            .is_some_and(|l| seg[0].t - l.t < SAME_WALK_GAP_S);
        match out.last_mut() {
            Some(group) if joins => group.push(seg),
            _ => out.push(vec![seg]),
        }
    }
    out
}

/// Summary of a walk made of several segments: distances and moving times add up; the gaps
/// between segments are pauses.
pub fn summarise_group(group: &[Vec<Point>]) -> Option<TrackSummary> {
    let parts: Vec<TrackSummary> = group.iter().filter_map(|s| summarise(s)).collect();
    let first = parts.first()?;
    let hrs: Vec<f64> = group
        .iter()
        .flatten()
        .filter_map(|p| p.hr)
        .filter(|h| *h > 0.0)
        .collect();
    Some(TrackSummary {
        start: first.start,
        end: parts.iter().map(|p| p.end).fold(first.end, f64::max),
        moving_s: parts.iter().map(|p| p.moving_s).sum(),
        distance_m: parts.iter().map(|p| p.distance_m).sum(),
        has_positions: parts.iter().any(|p| p.has_positions),
        avg_hr: (!hrs.is_empty()).then(|| hrs.iter().sum::<f64>() / hrs.len() as f64),
        ascent_m: parts.iter().filter_map(|p| p.ascent_m).reduce(|a, b| a + b),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pt(t: f64, lat: f64, lon: f64) -> Point {
        Point {
            t,
            lat: Some(lat),
            lon: Some(lon),
            ele: None,
            hr: None,
            dist: None,
        }
    }

    #[test]
    fn haversine_known_distance() {
        // One degree of latitude is about 111.2 km.
        let d = haversine(0.0, 0.0, 1.0, 0.0);
        assert!((d - 111_195.0).abs() < 10.0, "{d}");
    }

    #[test]
    fn stops_and_gaps_are_not_moving_time() {
        let pts = vec![
            pt(0.0, 51.0, 0.0),
            pt(10.0, 51.0001, 0.0),
            pt(20.0, 51.0001, 0.0),
            pt(200.0, 51.0002, 0.0),
        ];
        let s = summarise(&pts).unwrap();
        assert_eq!(
            s.moving_s, 10.0,
            "standing still and a long gap don't count"
        );
        assert!((s.distance_m - 22.2).abs() < 0.5);
    }

    #[test]
    fn segments_group_into_walks_at_thirty_minutes() {
        let a = vec![pt(0.0, 0.0, 0.0), pt(100.0, 0.0, 0.001)];
        let b = vec![pt(1899.0, 0.0, 0.002), pt(1999.0, 0.0, 0.003)];
        let c = vec![pt(3800.0, 0.0, 0.004), pt(3900.0, 0.0, 0.005)];
        let groups = group_segments(vec![c, a, b]);
        assert_eq!(
            groups.len(),
            2,
            "a and b are 29m59s apart; c is more than 30 minutes later"
        );
        let s = summarise_group(&groups[0]).unwrap();
        assert_eq!((s.start, s.end, s.moving_s), (0.0, 1999.0, 200.0));
    }

    #[test]
    fn sparse_fixes_at_walking_pace_count_as_moving() {
        // Two minutes between fixes, 120 m apart: 1 m/s.
        let pts = vec![
            pt(0.0, 51.0, 0.0),
            pt(120.0, 51.00108, 0.0),
            pt(1000.0, 51.00216, 0.0),
        ];
        let s = summarise(&pts).unwrap();
        assert_eq!(s.moving_s, 120.0, "the 880-second gap is a pause");
    }
}

#[cfg(test)]
mod ascent_tests {
    use super::*;

    fn e(ele: f64) -> Point {
        Point {
            t: 0.0,
            lat: None,
            lon: None,
            ele: Some(ele),
            hr: None,
            dist: None,
        }
    }

    #[test]
    fn noise_does_not_add_up_but_climbs_do() {
        let noisy: Vec<Point> = (0..100)
            .map(|i| e(10.0 + if i % 2 == 0 { 0.0 } else { 1.5 }))
            .collect();
        assert_eq!(ascent(&noisy), Some(0.0));
        let hill = vec![e(10.0), e(15.0), e(30.0), e(20.0), e(25.0), e(40.0)];
        assert_eq!(ascent(&hill), Some(20.0 + 20.0));
        assert_eq!(
            ascent(&[Point {
                ele: None,
                ..e(0.0)
            }]),
            None
        );
    }
}
