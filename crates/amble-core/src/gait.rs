//! A walk's gait as stored on the walk (from `amble gait --attach` or the upload page), what
//! Amble says about it, and the weekly trend. Describes, never interprets: no gait measure here
//! is read as a sign of any condition.

use jiff::civil::Date;
use serde::Serialize;

use crate::journal::Entry;

pub use crate::journal::{GaitWindow, MAX_WINDOWS, WalkGait};

impl WalkGait {
    /// One line: the walk's gait in plain numbers.
    pub fn summary(&self) -> String {
        format!(
            "about {:.0} steps a minute, strides of about {:.2} m, {:.1} km/h over {} of walking",
            self.cadence_spm,
            self.stride_length_m,
            self.speed_mps * 3.6,
            minutes(self.walking_s)
        )
    }

    /// How the walk changed, in words: over its last 10 minutes (or the whole walk when it is
    /// shorter), from a straight line through the windows there. Empty under 3 minutes of
    /// walking.
    pub fn drift_in_words(&self) -> Vec<String> {
        let w = &self.windows;
        if w.len() < 2 {
            return Vec::new();
        }
        let end = w[w.len() - 1].start_s;
        let from = end - LAST_STRETCH_S;
        let tail: Vec<GaitWindow> = w.iter().filter(|x| x.start_s >= from).copied().collect();
        let (used, stretch) = if tail.len() >= 3 && w[0].start_s < from {
            (tail, "over the last 10 minutes of this walk".to_string())
        } else {
            (
                w.clone(),
                "from the start to the end of this walk".to_string(),
            )
        };
        let change = |f: fn(&GaitWindow) -> f64| relative_change(&used, f);
        let mut out = Vec::new();
        for (pct, down, up, same) in [
            (
                change(|x| x.stride_length_m),
                "Your steps shortened",
                "Your steps lengthened",
                "Your step length stayed about the same",
            ),
            (
                change(|x| x.cadence_spm),
                "Your step rate fell",
                "Your step rate rose",
                "Your step rate stayed about the same",
            ),
            (
                change(|x| x.speed_mps),
                "You slowed",
                "You sped up",
                "Your speed stayed about the same",
            ),
        ] {
            let Some((pct, margin)) = pct else { continue };
            if pct.abs() < STEADY_PERCENT.max(margin) {
                out.push(format!("{same} {stretch}."));
            } else {
                let verb = if pct < 0.0 { down } else { up };
                out.push(format!("{verb} by about {:.0} % {stretch}.", pct.abs()));
            }
        }
        out
    }

    /// When the walk began to slow for good, in words (the objective side of "how far before
    /// the legs go" in interval walking).
    pub fn onset_in_words(&self) -> Option<String> {
        self.deterioration_onset_s.map(|t| {
            format!(
                "Your walking began to slow after about {} and did not return to its starting pace.",
                minutes(t)
            )
        })
    }
}

/// For interval walking (the pattern where standing and walking bring on leg symptoms): when
/// the latest walk with a gait recording began to slow, next to the plan's bout length (the
/// objective side of "how far before the legs go"). `None` for other modes or without one.
pub fn interval_onset_line(entries: &[Entry], plan: &crate::plan::Plan) -> Option<String> {
    let walking = plan.walking.as_ref()?;
    if walking.mode != crate::plan::Mode::Interval {
        return None;
    }
    entries.iter().rev().find_map(|e| match e {
        Entry::Walk(w) => w.gait.as_ref().map(|g| (w.date, g)),
        _ => None,
    })
    .map(|(date, g)| match g.deterioration_onset_s {
        Some(t) => format!(
            "On your walk of {date} (gait recording), your walking began to slow after about {} from the start of the recording; your walking bouts are {}. Following this over weeks shows how far you walk before it changes.",
            minutes(t),
            crate::words::count(walking.bout_minutes, "minute", "minutes")
        ),
        None => format!(
            "On your walk of {date} (gait recording), your walking did not slow for good; your walking bouts are {}.",
            crate::words::count(walking.bout_minutes, "minute", "minutes")
        ),
    })
}

/// The report's paragraph on the walks with a gait recording from `from` to `to`: how many,
/// speed, step rate and stride in the first and the latest week, and when the latest walk that
/// slowed for good began to. `None` without recordings in the period.
pub fn period_summary(entries: &[Entry], from: Date, to: Date) -> Option<String> {
    let inside: Vec<Entry> = entries
        .iter()
        .filter(
            |e| matches!(e, Entry::Walk(w) if w.gait.is_some() && w.date >= from && w.date <= to),
        )
        .cloned()
        .collect();
    let weeks = weekly(&inside);
    let (first, last) = (weeks.first()?, weeks.last()?);
    let n = crate::words::count(inside.len() as u64, "walk", "walks");
    let mut s = if weeks.len() == 1 {
        format!(
            "{n} with a gait recording (week of {}): {:.1} km/h, {:.0} steps a minute, strides of {:.2} m.",
            first.week,
            first.speed_mps * 3.6,
            first.cadence_spm,
            first.stride_length_m
        )
    } else {
        format!(
            "{n} with a gait recording. Week of {} to week of {}: walking speed {:.1} to {:.1} km/h, step rate {:.0} to {:.0} steps a minute, strides {:.2} to {:.2} m.",
            first.week,
            last.week,
            first.speed_mps * 3.6,
            last.speed_mps * 3.6,
            first.cadence_spm,
            last.cadence_spm,
            first.stride_length_m,
            last.stride_length_m
        )
    };
    let slowed = inside.iter().rev().find_map(|e| match e {
        Entry::Walk(w) => w
            .gait
            .as_ref()
            .and_then(|g| g.deterioration_onset_s)
            .map(|t| (w.date, t)),
        _ => None,
    });
    if let Some((date, t)) = slowed {
        s.push_str(&format!(
            " On {date} walking began to slow for good after about {} of the recording.",
            minutes(t)
        ));
    }
    s.push_str(" Stride and speed from one body-worn sensor are estimates.");
    Some(s)
}

/// A change smaller than this (percent), or than the windows' own scatter can tell from none
/// (the 98 % margin of the fitted line), is described as "about the same".
pub const STEADY_PERCENT: f64 = 3.0;
/// The stretch at the end of a walk the words describe.
const LAST_STRETCH_S: f64 = 600.0;

/// The straight-line change of `f` across `w` (first to last window), percent of its fitted
/// start, and the smallest change the windows' own scatter lets us tell from none (the 98 %
/// t margin of the fitted change), in percent too.
fn relative_change(w: &[GaitWindow], f: fn(&GaitWindow) -> f64) -> Option<(f64, f64)> {
    use statrs::distribution::{ContinuousCDF, StudentsT};
    let n = w.len() as f64;
    let x: Vec<f64> = w.iter().map(|x| x.start_s).collect();
    let y: Vec<f64> = w.iter().map(f).collect();
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let sxx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    if sxx <= 0.0 {
        return None;
    }
    let slope = x
        .iter()
        .zip(&y)
        .map(|(a, b)| (a - mx) * (b - my))
        .sum::<f64>()
        / sxx;
    let start = my + slope * (x[0] - mx);
    let end = my + slope * (x[x.len() - 1] - mx);
    if start <= 0.0 {
        return None;
    }
    let span = x[x.len() - 1] - x[0];
    let margin = if w.len() > 2 {
        let df = n - 2.0;
        let rss: f64 = x
            .iter()
            .zip(&y)
            .map(|(a, b)| (b - (my + slope * (a - mx))).powi(2))
            .sum();
        let se_change = (rss / df).sqrt() / sxx.sqrt() * span;
        let t = StudentsT::new(0.0, 1.0, df)
            .map(|d| d.inverse_cdf(0.99))
            .unwrap_or(f64::INFINITY);
        t * se_change / start * 100.0
    } else {
        f64::INFINITY
    };
    Some(((end - start) / start * 100.0, margin))
}

fn minutes(s: f64) -> String {
    let m = (s / 60.0).round().max(1.0) as u64;
    if m == 1 {
        "1 minute".into()
    } else {
        format!("{m} minutes")
    }
}

/// A week of walks with gait: means weighted by walking time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GaitWeek {
    /// The Monday the week starts on.
    pub week: Date,
    pub walks: usize,
    pub cadence_spm: f64,
    pub stride_length_m: f64,
    pub speed_mps: f64,
}

/// Cadence, stride and speed per calendar week (Monday first) over the walks with gait.
pub fn weekly(entries: &[Entry]) -> Vec<GaitWeek> {
    let mut weeks: std::collections::BTreeMap<Date, (usize, f64, [f64; 3])> =
        std::collections::BTreeMap::new();
    for e in entries {
        let Entry::Walk(w) = e else { continue };
        let Some(g) = &w.gait else { continue };
        if g.walking_s <= 0.0 {
            continue;
        }
        let back = i64::from(w.date.weekday().to_monday_zero_offset());
        let Ok(monday) = w.date.checked_sub(jiff::Span::new().days(back)) else {
            continue;
        };
        let slot = weeks.entry(monday).or_insert((0, 0.0, [0.0; 3]));
        slot.0 += 1;
        slot.1 += g.walking_s;
        slot.2[0] += g.cadence_spm * g.walking_s;
        slot.2[1] += g.stride_length_m * g.walking_s;
        slot.2[2] += g.speed_mps * g.walking_s;
    }
    weeks
        .into_iter()
        .map(|(week, (walks, t, s))| GaitWeek {
            week,
            walks,
            cadence_spm: s[0] / t,
            stride_length_m: s[1] / t,
            speed_mps: s[2] / t,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gait(strides: &[f64]) -> WalkGait {
        WalkGait {
            file: "walk.csv".into(),
            walking_s: 60.0 * strides.len() as f64,
            steps: 100 * strides.len() as u64,
            cadence_spm: 104.0,
            stride_length_m: 1.2,
            speed_mps: 1.04,
            step_time_cv: 0.03,
            symmetry: Some(0.9),
            windows: strides
                .iter()
                .enumerate()
                .map(|(k, s)| GaitWindow {
                    start_s: 60.0 * k as f64,
                    cadence_spm: 104.0,
                    stride_length_m: *s,
                    speed_mps: s * 104.0 / 120.0,
                    step_time_cv: 0.03,
                    symmetry: Some(0.9),
                })
                .collect(),
            deterioration_onset_s: None,
        }
    }

    #[test]
    fn steps_shortening_over_the_last_ten_minutes() {
        // 20 minutes: steady for 10, then 6 % shorter by the end.
        let mut strides = vec![1.2; 10];
        strides.extend((0..=10).map(|k| 1.2 * (1.0 - 0.006 * f64::from(k))));
        let words = gait(&strides).drift_in_words();
        assert_eq!(
            words[0],
            "Your steps shortened by about 6 % over the last 10 minutes of this walk."
        );
        assert_eq!(
            words[1],
            "Your step rate stayed about the same over the last 10 minutes of this walk."
        );
        assert!(words[2].starts_with("You slowed by about 6 %"));
    }

    #[test]
    fn a_short_walk_is_described_whole_and_a_tiny_one_not_at_all() {
        let words = gait(&[1.2, 1.22, 1.25, 1.27, 1.3]).drift_in_words();
        assert!(words[0].starts_with("Your steps lengthened by about 8 % from the start"));
        assert!(gait(&[1.2]).drift_in_words().is_empty());
    }

    #[test]
    fn words_never_interpret() {
        let mut g = gait(&[1.2, 1.1, 1.0, 0.9, 0.8]);
        g.deterioration_onset_s = Some(125.0);
        let all = [
            g.drift_in_words(),
            vec![g.summary(), g.onset_in_words().unwrap()],
        ]
        .concat();
        for s in &all {
            for word in ["stenosis", "diagnos", "disease", "abnormal", "should"] {
                assert!(!s.to_lowercase().contains(word), "{s}");
            }
        }
        assert!(all.last().unwrap().contains("about 2 minutes"));
    }

    #[test]
    fn the_report_paragraph_compares_first_and_latest_week() {
        let walk = |date: Date, g: Option<WalkGait>| {
            let mut w = crate::journal::NewWalk {
                date: Some(date),
                minutes: 20.0,
                ..Default::default()
            }
            .into_walk(date)
            .unwrap();
            w.gait = g.map(Box::new);
            Entry::Walk(w)
        };
        let d = |m, day| jiff::civil::date(2026, m, day);
        let mut slow = gait(&[1.0, 1.0]);
        slow.speed_mps = 0.9;
        let mut fast = gait(&[1.2, 1.2]);
        fast.speed_mps = 1.1;
        fast.deterioration_onset_s = Some(600.0);
        let entries = vec![
            walk(d(1, 5), Some(slow.clone())),
            walk(d(1, 6), None),
            walk(d(2, 2), Some(fast)),
        ];
        let s = period_summary(&entries, d(1, 1), d(2, 28)).unwrap();
        assert!(
            s.starts_with("2 walks with a gait recording. Week of 2026-01-05 to week of 2026-02-02: walking speed 3.2 to 4.0 km/h"),
            "{s}"
        );
        assert!(
            s.contains("On 2026-02-02 walking began to slow for good after about 10 minutes"),
            "{s}"
        );
        assert_eq!(period_summary(&entries, d(3, 1), d(3, 31)), None);
        let one = period_summary(&entries, d(1, 1), d(1, 31)).unwrap();
        assert!(
            one.starts_with("1 walk with a gait recording (week of 2026-01-05): 3.2 km/h"),
            "{one}"
        );
    }

    #[test]
    fn out_of_range_numbers_are_named() {
        let mut g = gait(&[1.2, 1.2]);
        g.speed_mps = f64::NAN;
        g.windows[1].symmetry = Some(2.0);
        g.windows[0].symmetry = None;
        g.symmetry = None;
        let p = g.problems();
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].field, "gait.speed_mps");
        assert_eq!(p[1].field, "gait.windows.symmetry");
    }
}
