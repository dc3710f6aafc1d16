//! How a walking prescription changes: one step up at a time, steps back, easier weeks,
//! restarts, and the weekly caps (§4.3, §5.5).

use super::tuning::Steps;
use super::types::{Mode, Prescription, TARGET_MINUTES, TARGET_SESSIONS};
use crate::words::{count, noun};

/// The weekly caps, measured against the last full weeks (never an easier week, a flare week
/// or a week away). A step up may always add one minute per walk, even where 20 % of a tiny
/// week is less than that.
#[derive(Debug, Clone, Default)]
pub struct Caps {
    /// Planned minutes and walks of the last two full weeks, oldest first.
    full: Vec<(u32, u32)>,
}

impl Caps {
    pub fn record_full(&mut self, p: Prescription) {
        // Only the last two count: a replay's state stays the same size week after week.
        if self.full.len() >= 2 {
            self.full.remove(0);
        }
        self.full.push((p.weekly_minutes(), p.walks_per_week()));
    }

    /// Planned minutes of the full week before the last one.
    pub fn full_before_last(&self) -> Option<u32> {
        self.full.iter().rev().nth(1).map(|(m, _)| *m)
    }

    /// Planned minutes of the last full week.
    pub fn last_full(&self) -> Option<u32> {
        self.full.last().map(|(m, _)| *m)
    }

    /// The most weekly minutes the next week may plan.
    pub fn limit(&self, steps: &Steps) -> f64 {
        let allow = |(minutes, walks): (u32, u32), factor: f64| {
            (f64::from(minutes) * factor).max(f64::from(minutes.saturating_add(walks)))
        };
        let mut cap = f64::INFINITY;
        if let Some(&last) = self.full.last() {
            cap = cap.min(allow(last, steps.cap_one_week));
        }
        if self.full.len() >= 2 {
            cap = cap.min(allow(self.full[self.full.len() - 2], steps.cap_two_weeks));
        }
        cap
    }
}

fn with_bout(p: Prescription, bout: u32) -> Prescription {
    Prescription {
        bout_minutes: bout,
        ..p
    }
}

/// The possible single-variable steps up from `p`, most preferred first (§4.3, §5.5), each
/// with the words that explain it.
fn steps_up(p: Prescription, frequency_first: bool, s: &Steps) -> Vec<(Prescription, String)> {
    let mut steps = Vec::new();
    let add_day = |p: Prescription| {
        let n = Prescription {
            sessions_per_week: p.sessions_per_week + 1,
            ..p
        };
        (
            n,
            format!(
                "Step up: one more walking day ({} days).",
                n.sessions_per_week
            ),
        )
    };
    match p.mode {
        Mode::Gentle => {}
        Mode::Continuous => {
            // Two short walks a day merge into one once each is comfortable at the floor; a
            // day kept above the target (walking already done, split for severity) keeps its
            // minutes.
            if p.bouts_per_session > 1 && p.bout_minutes >= s.min_bout {
                let n = Prescription {
                    bouts_per_session: 1,
                    bout_minutes: p.session_minutes(),
                    ..p
                };
                steps.push((
                    n,
                    format!(
                        "Step up: one walk of {} minutes a day instead of {} shorter ones.",
                        n.bout_minutes, p.bouts_per_session
                    ),
                ));
            }
            let longer = (p.bout_minutes < TARGET_MINUTES).then(|| {
                let step = if p.bout_minutes < s.long_walk_from {
                    s.short_walk_step
                } else {
                    s.long_walk_step
                };
                let n = with_bout(p, (p.bout_minutes + step).min(TARGET_MINUTES));
                (n, longer_words(p, n))
            });
            let more_days = (p.sessions_per_week < TARGET_SESSIONS).then(|| add_day(p));
            if frequency_first || p.bout_minutes >= s.days_first_from {
                steps.extend(more_days);
                steps.extend(longer);
            } else {
                steps.extend(longer);
                steps.extend(more_days);
            }
        }
        Mode::Interval => {
            if p.bout_minutes < 15 || p.session_minutes() < TARGET_MINUTES {
                // Longer bouts, and fewer of them: each outing keeps about the same walking
                // time, rising towards 30 minutes in all.
                let bout = p.bout_minutes + s.interval_bout_step;
                let bouts = p.session_minutes().div_ceil(bout).max(1);
                let n = Prescription {
                    bout_minutes: bout,
                    bouts_per_session: bouts,
                    ..p
                };
                steps.push((
                    n,
                    format!(
                        "Step up: each walking bout {} longer ({bout} minutes, {} per outing).",
                        count(s.interval_bout_step, "minute", "minutes"),
                        count(bouts, "bout", "bouts")
                    ),
                ));
            }
            if p.rest_minutes > 1 {
                let n = Prescription {
                    rest_minutes: p.rest_minutes - 1,
                    ..p
                };
                steps.push((
                    n,
                    format!(
                        "Step up: shorter rests between bouts ({}).",
                        count(n.rest_minutes, "minute", "minutes")
                    ),
                ));
            }
            if p.sessions_per_week < TARGET_SESSIONS {
                steps.push(add_day(p));
            }
        }
    }
    steps
}

fn longer_words(p: Prescription, n: Prescription) -> String {
    let added = n.bout_minutes - p.bout_minutes;
    format!(
        "Step up: walks {} longer ({} {}).",
        count(added, "minute", "minutes"),
        n.bout_minutes,
        noun(n.bout_minutes, "minute", "minutes")
    )
}

/// The smallest step that still moves something: one more minute per walk.
pub fn smallest_step(p: Prescription) -> Option<(Prescription, String)> {
    if p.mode == Mode::Gentle || p.bout_minutes >= TARGET_MINUTES {
        return None;
    }
    let n = with_bout(p, p.bout_minutes + 1);
    Some((n, longer_words(p, n)))
}

/// One progression step, a single variable at a time (§4.3): the most preferred step that fits
/// under `cap`; else the smallest step (one minute per walk), which the caps allow over a full
/// week at the level; else the preferred step, for the caps to trim week by week.
pub fn progress(
    p: Prescription,
    frequency_first: bool,
    cap: f64,
    s: &Steps,
    because: &mut Vec<String>,
) -> Prescription {
    let steps = steps_up(p, frequency_first, s);
    let fits = |n: &Prescription| f64::from(n.weekly_minutes()) <= cap;
    let first = steps.first().cloned();
    let fitting = steps
        .iter()
        .find(|(n, _)| fits(n))
        .cloned()
        .or_else(|| largest_within(p, &steps, cap))
        .or_else(|| smallest_step(p).filter(|(n, _)| fits(n)))
        // Nothing fits this week: the level takes the step and the caps trim the weeks
        // until it is reached.
        .or(first);
    match fitting {
        Some((n, why)) => {
            because.push(why);
            n
        }
        None => {
            because.push(match p.mode {
                Mode::Gentle => "Gentle walking holds steady.".into(),
                _ => "You have reached 30 minutes on 5 days. Keep it up; if it stays comfortable, try a brisker pace (about 100 steps a minute).".into(),
            });
            p
        }
    }
}

/// When the caps block every planned step: the largest part of a step that lengthens walks
/// which still fits under `cap` (more than one minute per walk), with words that say so.
fn largest_within(
    p: Prescription,
    steps: &[(Prescription, String)],
    cap: f64,
) -> Option<(Prescription, String)> {
    let walks = p.walks_per_week();
    if walks == 0 || !cap.is_finite() {
        return None;
    }
    let room = (cap / f64::from(walks)).floor();
    steps
        .iter()
        .filter(|(n, _)| {
            n.bout_minutes > p.bout_minutes
                && Prescription {
                    bout_minutes: p.bout_minutes,
                    ..*n
                } == p
        })
        .filter_map(|(n, _)| {
            let bout = room.min(f64::from(n.bout_minutes));
            (bout >= f64::from(p.bout_minutes + 2)).then(|| with_bout(p, bout as u32))
        })
        .max_by_key(|n| n.bout_minutes)
        .map(|n| {
            let added = n.bout_minutes - p.bout_minutes;
            let words = format!(
                "Step up: as much as the weekly caps allow (20% above your last full week), walks {} longer ({} {}).",
                count(added, "minute", "minutes"),
                n.bout_minutes,
                noun(n.bout_minutes, "minute", "minutes")
            );
            (n, words)
        })
}

/// Walks a fraction shorter, never below `floor`; when the walks are already at the floor, one
/// walking day fewer (keeping at least two), so a step back always eases something.
pub fn shorten(p: Prescription, fraction: f64, floor: u32) -> Prescription {
    let bout = (f64::from(p.bout_minutes) * fraction).floor() as u32;
    let n = with_bout(p, bout.max(floor).min(p.bout_minutes));
    if n == p && p.sessions_per_week > 2 {
        return Prescription {
            sessions_per_week: p.sessions_per_week - 1,
            ..p
        };
    }
    n
}

/// `p` scaled to about `fraction` of its walking, keeping days and walks (for restarts).
pub fn scale(p: Prescription, fraction: f64, floor: u32) -> Prescription {
    let bout = (f64::from(p.bout_minutes) * fraction).round() as u32;
    with_bout(p, bout.max(floor).min(p.bout_minutes))
}

/// The prescription not above `p` in any variable that fits under `cap`: keeping as many
/// walking days as possible, then the most weekly minutes, then the longest walks; walks never
/// shorter than `floor` (or `p`'s own walks, if shorter). Never raises anything.
pub fn fit_under(p: Prescription, cap: f64, floor: u32) -> Prescription {
    if f64::from(p.weekly_minutes()) <= cap {
        return p;
    }
    let shortest = floor.min(p.bout_minutes);
    let mut best: Option<Prescription> = None;
    for sessions in (1..=p.sessions_per_week).rev() {
        for bouts in (1..=p.bouts_per_session).rev() {
            let room = (cap / f64::from(sessions * bouts)).floor();
            let bout = if room >= f64::from(p.bout_minutes) {
                p.bout_minutes
            } else {
                room.max(0.0) as u32
            };
            if bout < shortest {
                continue;
            }
            let n = Prescription {
                sessions_per_week: sessions,
                bouts_per_session: bouts,
                bout_minutes: bout,
                ..p
            };
            let better = best.is_none_or(|b| {
                (n.sessions_per_week, n.weekly_minutes(), n.bout_minutes)
                    > (b.sessions_per_week, b.weekly_minutes(), b.bout_minutes)
            });
            if better {
                best = Some(n);
            }
        }
    }
    // Nothing fits even at the shortest walk: one short walk a week.
    best.unwrap_or(Prescription {
        sessions_per_week: 1,
        bouts_per_session: 1,
        bout_minutes: shortest,
        ..p
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::KnowledgeBase;

    fn steps() -> Steps {
        KnowledgeBase::embedded()
            .map(|kb| kb.plan.steps)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn p(mode: Mode, s: u32, b: u32, m: u32) -> Prescription {
        Prescription {
            mode,
            sessions_per_week: s,
            bouts_per_session: b,
            bout_minutes: m,
            rest_minutes: 0,
        }
    }

    #[test]
    fn fit_under_never_raises_and_respects_the_cap() {
        let x = p(Mode::Continuous, 5, 1, 30);
        assert_eq!(fit_under(x, 1000.0, 5), x);
        let y = fit_under(x, 100.0, 5);
        assert!(y.weekly_minutes() <= 100);
        assert_eq!((y.sessions_per_week, y.bout_minutes), (5, 20));
        // Interval: two bouts of 11 beat one of 12 or three of 7.
        let i = fit_under(
            Prescription {
                mode: Mode::Interval,
                sessions_per_week: 4,
                bouts_per_session: 3,
                bout_minutes: 12,
                rest_minutes: 1,
            },
            93.6,
            5,
        );
        assert_eq!(
            (i.bouts_per_session, i.bout_minutes, i.weekly_minutes()),
            (2, 11, 88)
        );
        // The floor holds: fewer days rather than walks under 5 minutes.
        let z = fit_under(p(Mode::Continuous, 5, 1, 8), 16.0, 5);
        assert!(z.weekly_minutes() <= 16 && z.bout_minutes >= 5, "{z:?}");
    }

    #[test]
    fn progression_changes_one_variable() {
        let s = steps();
        let mut why = Vec::new();
        let b = progress(
            p(Mode::Continuous, 3, 1, 12),
            false,
            f64::INFINITY,
            &s,
            &mut why,
        );
        assert_eq!((b.sessions_per_week, b.bout_minutes), (3, 15));
        let c = progress(
            p(Mode::Continuous, 3, 1, 22),
            false,
            f64::INFINITY,
            &s,
            &mut why,
        );
        assert_eq!((c.sessions_per_week, c.bout_minutes), (4, 22));
        let d = progress(
            p(Mode::Continuous, 3, 1, 8),
            true,
            f64::INFINITY,
            &s,
            &mut why,
        );
        assert_eq!((d.sessions_per_week, d.bout_minutes), (4, 8));
        let e = progress(
            p(Mode::Continuous, 5, 1, 30),
            false,
            f64::INFINITY,
            &s,
            &mut why,
        );
        assert_eq!(e, p(Mode::Continuous, 5, 1, 30));
        // Adding a day (100 min) would break a 90-minute cap; longer walks (84 min) fit.
        let f = progress(p(Mode::Continuous, 3, 1, 25), false, 90.0, &s, &mut why);
        assert_eq!((f.sessions_per_week, f.bout_minutes), (3, 28));
        // A cap that blocks the planned step (3 x 12 -> 3 x 15 = 45 over a 43.2 cap) takes the
        // largest step within it (3 x 14), not one minute, and says so.
        let mut why = Vec::new();
        let g = progress(p(Mode::Continuous, 3, 1, 12), false, 43.2, &s, &mut why);
        assert_eq!((g.sessions_per_week, g.bout_minutes), (3, 14));
        assert!(
            why.iter().any(|w| w.contains("weekly caps allow")),
            "{why:?}"
        );
    }

    #[test]
    fn a_step_up_always_moves_a_small_week() {
        let s = steps();
        let mut caps = Caps::default();
        let tiny = p(Mode::Continuous, 3, 1, 2);
        caps.record_full(tiny);
        let mut why = Vec::new();
        let n = progress(tiny, false, caps.limit(&s), &s, &mut why);
        assert!(n.weekly_minutes() > tiny.weekly_minutes(), "{n:?}");
        assert!(f64::from(n.weekly_minutes()) <= caps.limit(&s));
    }

    /// Walks split for severity merge back into one walk with the same minutes, never fewer.
    #[test]
    fn merging_split_walks_keeps_the_day() {
        let s = steps();
        for (bouts, minutes) in [(2, 5), (2, 6), (3, 10), (3, 14)] {
            let x = p(Mode::Continuous, 5, bouts, minutes);
            let (n, _) = steps_up(x, false, &s)
                .into_iter()
                .next()
                .unwrap_or_else(|| panic!("a step"));
            assert_eq!(
                (n.bouts_per_session, n.weekly_minutes()),
                (1, x.weekly_minutes())
            );
        }
    }

    #[test]
    fn steps_back_ease_something_and_respect_the_floor() {
        for m in 1..=40 {
            let x = p(Mode::Continuous, 5, 1, m);
            let y = shorten(x, 0.75, 5);
            assert!(y.weekly_minutes() < x.weekly_minutes() || x.sessions_per_week <= 2);
            assert!(y.bout_minutes >= 5.min(m));
        }
        assert_eq!(
            shorten(p(Mode::Continuous, 5, 1, 20), 0.75, 5).bout_minutes,
            15
        );
        assert_eq!(
            scale(p(Mode::Continuous, 5, 1, 30), 0.6, 5).bout_minutes,
            18
        );
    }
}
