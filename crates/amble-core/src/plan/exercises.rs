//! Exercise doses that progress one variable at a time (reps, then holds, then sets, then the
//! harder version) from the sessions logged each week and the pain after them, and step back
//! after a red session (§6.1: the traffic light applies to exercises too).

use crate::journal::ExerciseSession;
use crate::knowledge::{ExerciseKind, KnowledgeBase};

use super::tuning::{ExerciseSteps, Lights};
use super::types::{ExerciseDose, Variant};

/// One rung of an exercise's ladder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Rung {
    sets: u32,
    reps: u32,
    hold_s: u32,
}

/// The next rung up from `r`, changing one variable, or `None` at the top of the version.
fn next_rung(r: Rung, kind: ExerciseKind, older: bool, x: &ExerciseSteps) -> Option<Rung> {
    let up = |v: u32, step: u32, max: u32| (v < max).then(|| (v + step).min(max));
    let reps_max = match kind {
        ExerciseKind::Mobility => x.mobility_reps_max,
        _ => x.reps_max,
    };
    if r.reps > 1
        && let Some(reps) = up(r.reps, x.reps_step, reps_max)
    {
        return Some(Rung { reps, ..r });
    }
    if r.hold_s > 0 {
        let (step, max) = match kind {
            ExerciseKind::Stretch if older => (x.stretch_hold_step_s, x.stretch_hold_max_older_s),
            ExerciseKind::Stretch => (x.stretch_hold_step_s, x.stretch_hold_max_s),
            _ if r.reps > 1 => (x.repeated_hold_step_s, x.repeated_hold_max_s),
            _ => (x.single_hold_step_s, x.single_hold_max_s),
        };
        if let Some(hold_s) = up(r.hold_s, step, max) {
            return Some(Rung { hold_s, ..r });
        }
    }
    up(r.sets, 1, x.sets_max).map(|sets| Rung { sets, ..r })
}

/// Where one exercise stands: a rung on the ladder of its standard version, or one of the
/// other versions at its starting dose.
#[derive(Debug, Clone)]
struct Track {
    start: Rung,
    ladder: Vec<Rung>,
    /// -1: the easier version; 0..len: a rung; len: the harder version.
    pos: i64,
}

impl Track {
    fn new(d: &ExerciseDose, kind: ExerciseKind, older: bool, x: &ExerciseSteps) -> Track {
        let start = Rung {
            sets: d.sets,
            reps: d.reps,
            hold_s: d.hold_s,
        };
        let mut ladder = vec![start];
        while let Some(n) = ladder.last().and_then(|r| next_rung(*r, kind, older, x)) {
            if ladder.len() > 64 {
                break;
            }
            ladder.push(n);
        }
        Track {
            start,
            ladder,
            pos: 0,
        }
    }

    fn dose(&self, base: &ExerciseDose) -> ExerciseDose {
        let top = self.ladder.len() as i64;
        let (rung, variant) = match self.pos {
            p if p < 0 => (self.start, Variant::Easier),
            p if p >= top => (self.start, Variant::Harder),
            p => (self.ladder[p as usize], Variant::Standard),
        };
        ExerciseDose {
            sets: rung.sets,
            reps: rung.reps,
            hold_s: rung.hold_s,
            variant,
            ..base.clone()
        }
    }
}

/// The exercise doses as they move week by week.
#[derive(Clone)]
pub(crate) struct ExercisePlan {
    base: Vec<ExerciseDose>,
    tracks: Vec<Track>,
}

impl ExercisePlan {
    pub fn new(base: Vec<ExerciseDose>, kb: &KnowledgeBase, older: bool) -> ExercisePlan {
        let tracks = base
            .iter()
            .map(|d| {
                let kind = kb
                    .exercise(&d.id)
                    .map_or(ExerciseKind::Strength, |e| e.kind);
                Track::new(d, kind, older, &kb.plan.exercise)
            })
            .collect();
        ExercisePlan { base, tracks }
    }

    pub fn doses(&self) -> Vec<ExerciseDose> {
        self.base
            .iter()
            .zip(&self.tracks)
            .map(|(b, t)| t.dose(b))
            .collect()
    }

    /// Reviews one block's sessions: each exercise steps up after enough comfortable sessions,
    /// back after a red one; `allow_up` is false in weeks where walking did not go well either.
    pub fn review(
        &mut self,
        sessions: &[&ExerciseSession],
        allow_up: bool,
        kb: &KnowledgeBase,
        because: &mut Vec<String>,
    ) {
        let x = &kb.plan.exercise;
        let lights: &Lights = &kb.plan.lights;
        for (base, track) in self.base.iter().zip(self.tracks.iter_mut()) {
            let mine: Vec<&&ExerciseSession> =
                sessions.iter().filter(|s| s.exercise == base.id).collect();
            let red = mine
                .iter()
                .any(|s| s.pain_after.is_some_and(|p| p > lights.amber_peak_max));
            let rated = mine.iter().filter(|s| s.pain_after.is_some()).count();
            let before = track.dose(base);
            let name = kb
                .exercise(&base.id)
                .map_or(base.id.as_str(), |e| e.name.as_str());
            if red {
                if track.pos > -1 {
                    track.pos -= 1;
                    because.push(format!(
                        "{name}: pain after a session reached 6/10 or more, so it steps back ({}).",
                        describe(&track.dose(base))
                    ));
                }
            } else if allow_up && mine.len() as u32 >= x.min_sessions && rated > 0 {
                let top = track.ladder.len() as i64;
                if track.pos < top {
                    track.pos += 1;
                    let after = track.dose(base);
                    if after != before {
                        because.push(format!(
                            "{name}: the sessions went well, so it steps up ({}).",
                            describe(&after)
                        ));
                    }
                }
            }
        }
    }
}

/// "2 sets of 8, holding 10 seconds, 3 days a week".
pub fn dose_line(d: &ExerciseDose) -> String {
    let days = crate::words::count(d.days_per_week, "day", "days");
    match d.variant {
        Variant::Standard => format!("{}, {days} a week", describe(d)),
        _ => format!("{} ({}), {days} a week", describe_numbers(d), describe(d)),
    }
}

/// "2 sets of 8, holding 10 seconds", whatever the version.
fn describe_numbers(d: &ExerciseDose) -> String {
    describe(&ExerciseDose {
        variant: Variant::Standard,
        ..d.clone()
    })
}

/// "2 sets of 8, holding 10 seconds", "the harder version".
pub fn describe(d: &ExerciseDose) -> String {
    match d.variant {
        Variant::Harder => "now the harder version, starting again at its first dose".into(),
        Variant::Easier => "now the easier version".into(),
        Variant::Standard => {
            let sets = crate::words::count(d.sets, "set", "sets");
            let mut s = if d.reps > 1 {
                format!("{sets} of {}", d.reps)
            } else {
                sets
            };
            if d.hold_s > 0 {
                s.push_str(&format!(
                    ", holding {}",
                    crate::words::count(d.hold_s, "second", "seconds")
                ));
            }
            s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kb() -> KnowledgeBase {
        KnowledgeBase::embedded().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn ladders_change_one_variable_at_a_time_and_end() {
        let kb = kb();
        for ex in &kb.exercises {
            let d = ExerciseDose {
                id: ex.id.clone(),
                sets: ex.dose.sets,
                reps: ex.dose.reps,
                hold_s: ex.dose.hold_s,
                days_per_week: ex.dose.days_per_week,
                kind: ex.kind,
                position: ex.position,
                variant: Variant::Standard,
            };
            let t = Track::new(&d, ex.kind, false, &kb.plan.exercise);
            assert!(t.ladder.len() < 64, "{}", ex.id);
            for w in t.ladder.windows(2) {
                let changed = [
                    w[0].sets != w[1].sets,
                    w[0].reps != w[1].reps,
                    w[0].hold_s != w[1].hold_s,
                ];
                assert_eq!(
                    changed.iter().filter(|c| **c).count(),
                    1,
                    "{}: {w:?}",
                    ex.id
                );
                assert!(
                    w[1].sets >= w[0].sets && w[1].reps >= w[0].reps && w[1].hold_s >= w[0].hold_s
                );
            }
        }
    }
}
