//! The guided walk: today's walking as a timed session of walking and resting segments, the
//! cues that mark each change, and the compact form of a session that an audio track is made
//! from (`w600-r120-w600`).
//!
//! Interval walking alternates walks and rests. Walks that the plan spreads over the day (two
//! or more continuous or gentle walks "at different times of the day") follow one another
//! with no rest between them: the session is marked `separate_walks`, and the guided walk
//! stops the clock at the end of each of them until the person sets off on the next.

use jiff::civil::Date;
use serde::Serialize;

use super::types::{Mode, WalkingOut};

/// Walking or resting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SegmentKind {
    Walk,
    Rest,
}

/// One stretch of a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Segment {
    pub kind: SegmentKind,
    pub seconds: u32,
}

/// Today's walk as the guided walk page holds it (contract §13).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WalkSession {
    pub date: Date,
    pub mode: Mode,
    /// The walks are meant for different times of the day: the guided walk stops its clock
    /// between them.
    pub separate_walks: bool,
    pub segments: Vec<Segment>,
}

/// The most segments a session (or an audio track) may have.
pub const MAX_SEGMENTS: usize = 64;
/// The longest session, in seconds (4 hours).
pub const MAX_SESSION_SECONDS: u32 = 4 * 60 * 60;
/// The most walks in one session: far above any plan.
const MAX_BOUTS: u32 = 20;

/// Today's walking as a guided session: the prescribed bouts, with the prescribed rest between
/// interval walks. The walk segments add up to today's prescribed minutes.
pub fn walk_session(date: Date, walking: &WalkingOut) -> WalkSession {
    let bouts = walking.bouts_per_session.clamp(1, MAX_BOUTS);
    let walk = walking.bout_minutes.saturating_mul(60);
    let rest = walking.rest_minutes.saturating_mul(60);
    let interval = walking.mode == Mode::Interval && rest > 0;
    let mut segments = Vec::new();
    for i in 0..bouts {
        if i > 0 && interval {
            segments.push(Segment {
                kind: SegmentKind::Rest,
                seconds: rest,
            });
        }
        if walk > 0 {
            segments.push(Segment {
                kind: SegmentKind::Walk,
                seconds: walk,
            });
        }
    }
    WalkSession {
        date,
        mode: walking.mode,
        separate_walks: !interval && bouts > 1,
        segments,
    }
}

impl WalkSession {
    /// Seconds of walking (today's prescribed minutes × 60).
    pub fn walk_seconds(&self) -> u32 {
        walk_seconds(&self.segments)
    }

    /// The walks, each as its own list of segments when they are separate, else the whole
    /// session as one.
    pub fn tracks(&self) -> Vec<Vec<Segment>> {
        if self.separate_walks {
            self.segments.iter().map(|s| vec![*s]).collect()
        } else {
            vec![self.segments.clone()]
        }
    }
}

/// Seconds of walking in `segments`.
pub fn walk_seconds(segments: &[Segment]) -> u32 {
    segments
        .iter()
        .filter(|s| s.kind == SegmentKind::Walk)
        .map(|s| s.seconds)
        .sum()
}

/// What a cue says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CueKind {
    /// The first walk begins.
    Start,
    /// A rest begins.
    Rest,
    /// A walk after a rest (or another walk) begins.
    Again,
    /// The session is over.
    Done,
}

/// A cue at an offset from the start of a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Cue {
    pub at_seconds: u32,
    pub kind: CueKind,
}

/// The cues of a session: one at the start of every segment, and `Done` at its end.
pub fn cues(segments: &[Segment]) -> Vec<Cue> {
    let mut out = Vec::with_capacity(segments.len() + 1);
    let mut at = 0u32;
    for (i, s) in segments.iter().enumerate() {
        let kind = match (i, s.kind) {
            (_, SegmentKind::Rest) => CueKind::Rest,
            (0, SegmentKind::Walk) => CueKind::Start,
            (_, SegmentKind::Walk) => CueKind::Again,
        };
        out.push(Cue {
            at_seconds: at,
            kind,
        });
        at = at.saturating_add(s.seconds);
    }
    if !segments.is_empty() {
        out.push(Cue {
            at_seconds: at,
            kind: CueKind::Done,
        });
    }
    out
}

/// Segments in their compact form: `w600-r120-w600` (kind letter, seconds).
pub fn segments_spec(segments: &[Segment]) -> String {
    segments
        .iter()
        .map(|s| {
            let k = match s.kind {
                SegmentKind::Walk => 'w',
                SegmentKind::Rest => 'r',
            };
            format!("{k}{}", s.seconds)
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// Segments from their compact form, bounded: 1 to [`MAX_SEGMENTS`] segments of 1 second or
/// more, [`MAX_SESSION_SECONDS`] in all. The error says what is wrong and where.
pub fn parse_segments_spec(spec: &str) -> Result<Vec<Segment>, String> {
    let parts: Vec<&str> = spec.split('-').collect();
    if spec.is_empty() {
        return Err("expected segments such as w600-r120-w600, found nothing".into());
    }
    if parts.len() > MAX_SEGMENTS {
        return Err(format!(
            "at most {MAX_SEGMENTS} segments, found {}",
            parts.len()
        ));
    }
    let mut out = Vec::with_capacity(parts.len());
    let mut total = 0u32;
    for (i, p) in parts.iter().enumerate() {
        let bad = || {
            format!(
                "segment {} ({p:?}) is not w or r followed by seconds, such as w600",
                i + 1
            )
        };
        let mut chars = p.chars();
        let kind = match chars.next() {
            Some('w') => SegmentKind::Walk,
            Some('r') => SegmentKind::Rest,
            _ => return Err(bad()),
        };
        let digits = chars.as_str();
        if digits.is_empty() || digits.len() > 5 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let seconds: u32 = digits.parse().map_err(|_| bad())?;
        if seconds == 0 {
            return Err(format!("segment {} ({p:?}) lasts no time", i + 1));
        }
        total = total.saturating_add(seconds);
        if total > MAX_SESSION_SECONDS {
            return Err(format!(
                "the session is longer than {} hours",
                MAX_SESSION_SECONDS / 3600
            ));
        }
        out.push(Segment { kind, seconds });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::types::Target;

    fn walking(mode: Mode, bouts: u32, minutes: u32, rest: u32) -> WalkingOut {
        WalkingOut {
            mode,
            sessions_per_week: 3,
            bouts_per_session: bouts,
            bout_minutes: minutes,
            rest_minutes: rest,
            weekly_minutes: 3 * bouts * minutes,
            target: Target {
                minutes_per_session: 30,
                sessions_per_week: 5,
            },
        }
    }

    const DAY: Date = jiff::civil::date(2026, 3, 2);

    #[test]
    fn interval_walks_alternate_with_rests_and_add_up_to_the_prescription() {
        let s = walk_session(DAY, &walking(Mode::Interval, 3, 8, 2));
        assert_eq!(segments_spec(&s.segments), "w480-r120-w480-r120-w480");
        assert_eq!(s.walk_seconds(), 3 * 8 * 60);
        assert!(!s.separate_walks);
        assert_eq!(s.tracks().len(), 1);
    }

    #[test]
    fn one_continuous_walk_is_one_segment() {
        let s = walk_session(DAY, &walking(Mode::Continuous, 1, 25, 0));
        assert_eq!(segments_spec(&s.segments), "w1500");
        assert!(!s.separate_walks);
    }

    #[test]
    fn walks_spread_over_the_day_are_separate() {
        let s = walk_session(DAY, &walking(Mode::Gentle, 2, 5, 0));
        assert_eq!(segments_spec(&s.segments), "w300-w300");
        assert!(s.separate_walks);
        assert_eq!(s.tracks(), vec![vec![s.segments[0]], vec![s.segments[1]]]);
        assert_eq!(s.walk_seconds(), 600);
    }

    #[test]
    fn cues_mark_every_change_and_the_end() {
        let segs = parse_segments_spec("w480-r120-w480").unwrap();
        let c: Vec<(u32, CueKind)> = cues(&segs).iter().map(|c| (c.at_seconds, c.kind)).collect();
        assert_eq!(
            c,
            vec![
                (0, CueKind::Start),
                (480, CueKind::Rest),
                (600, CueKind::Again),
                (1080, CueKind::Done)
            ]
        );
        assert!(cues(&[]).is_empty());
    }

    #[test]
    fn the_compact_form_round_trips_and_is_bounded() {
        let segs = parse_segments_spec("w600-r120-w600").unwrap();
        assert_eq!(segments_spec(&segs), "w600-r120-w600");
        for (bad, says) in [
            ("", "found nothing"),
            ("x600", "segment 1"),
            ("w600-", "segment 2"),
            ("w0", "lasts no time"),
            ("w-1", "segment 1"),
            ("w99999-w99999", "longer than 4 hours"),
            ("w1.5", "segment 1"),
            ("w１２", "segment 1"),
        ] {
            let e = parse_segments_spec(bad).unwrap_err();
            assert!(e.contains(says), "{bad:?}: {e}");
        }
        let many = vec!["w1"; MAX_SEGMENTS + 1].join("-");
        assert!(parse_segments_spec(&many).unwrap_err().contains("at most"));
        assert!(parse_segments_spec(&vec!["w1"; MAX_SEGMENTS].join("-")).is_ok());
    }
}
