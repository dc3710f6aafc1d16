//! The starting plan from a check-up (§5.5): walking prescription, exercises, exclusions.

use crate::answers::Answers;
use crate::assessment::{Assessment, Strength};
use crate::knowledge::{ExerciseKind, KnowledgeBase};
use crate::tier::PlanStatus;

use super::tuning::PlanTuning;
use super::types::{
    Decision, DecisionKind, Excluded, ExerciseDose, Mode, PLAN_SCHEMA, Plan, Prescription, Status,
    TARGET_MINUTES, Variant,
};

pub(crate) fn strength_at_least(a: &Assessment, id: &str, min: Strength) -> bool {
    a.strength_of(id).is_some_and(|s| s >= min)
}

/// Start lower and progress by frequency first (§4.3 modifiers) for high BMI and older age.
pub(crate) fn frequency_first(a: &Assessment, answers: &Answers) -> bool {
    strength_at_least(a, "weight", Strength::Moderate) || answers.age.is_some_and(|age| age >= 75.0)
}

/// The pain-free walking time the person gave (never an estimate).
fn pain_free(answers: &Answers) -> Option<f64> {
    answers
        .walking
        .pain_free_minutes
        .filter(|t| t.is_finite() && *t >= 0.0)
}

/// The shortest walk the plan ever prescribes: `min_bout` minutes, or just under a shorter
/// pain-free time the person gave, never under 1 minute.
pub fn floor_bout(answers: &Answers, tuning: &PlanTuning) -> u32 {
    let min = tuning.steps.min_bout;
    match pain_free(answers) {
        Some(t) if t < f64::from(min) + 1.0 => {
            let just_under = (t.ceil() as u32).saturating_sub(1);
            just_under.clamp(1, min)
        }
        _ => min,
    }
}

/// The walking prescription the plan starts with (§5.5), with the words that explain it.
pub fn starting_prescription(
    a: &Assessment,
    answers: &Answers,
    tuning: &PlanTuning,
) -> (Prescription, Vec<String>) {
    let (p, mut why) = uncapped_start(a, answers, tuning);
    let mut start = p;
    // Week 1 never asks much more than the person walks now (§5.5) [heuristic numbers].
    if let Some(now) = current_weekly_minutes(answers) {
        let s = &tuning.steps;
        let cap = (now * s.cap_one_week).max(now + f64::from(s.first_week_extra_minutes));
        if f64::from(p.weekly_minutes()) > cap {
            start = super::progression::fit_under(p, cap, floor_bout(answers, tuning));
            why.push(format!(
                "Your first week stays close to the walking you do now (about {} a week), so it asks {} in all instead of {}, and builds from there.",
                crate::words::count(now.round() as u64, "minute", "minutes"),
                crate::words::count(start.weekly_minutes(), "minute", "minutes"),
                p.weekly_minutes()
            ));
        }
    }
    why.push(start.week_line(1));
    (start, why)
}

/// The walking a person does now, from their answers (usual walk x walks a week), if known.
fn current_weekly_minutes(answers: &Answers) -> Option<f64> {
    let minutes = answers
        .walking
        .usual_minutes
        .filter(|m| m.is_finite() && *m >= 0.0)?;
    let walks = answers.walking.walks_per_week.filter(|w| *w >= 0)?;
    Some(minutes * walks as f64)
}

fn uncapped_start(
    a: &Assessment,
    answers: &Answers,
    tuning: &PlanTuning,
) -> (Prescription, Vec<String>) {
    let floor = floor_bout(answers, tuning);
    let mut why = Vec::new();
    if a.plan_status == PlanStatus::Paused {
        let g = Prescription::gentle(floor);
        why.push(if a.waiting_for_answers() {
            format!("Some warning-sign questions are unanswered, so the plan stays at gentle walking (two {}-minute walks a day) until you answer them in a new check-up. If any of them might apply to you now, contact your doctor today.", g.bout_minutes)
        } else {
            format!("Your check-up asks you to see a doctor first, so the plan stays at gentle walking (two {}-minute walks a day) and does not increase until a new check-up.", g.bout_minutes)
        });
        return (g, why);
    }
    let severe = a.severity(answers);
    if !severe.is_empty() {
        // Severe pain or distress: start gently and suggest a review (brief §5.5).
        let bout = floor.min(5);
        why.push(format!(
            "Because {}, the plan starts gently: two walks of {} a day on 5 days, building slowly. It is worth having a doctor or physiotherapist review your back{}.",
            severe.join(" and "),
            crate::words::count(bout, "minute", "minutes"),
            if a.instruments.startback.as_ref().is_some_and(|s| s.risk == crate::instruments::StartBackRisk::High) {
                " (with a high STarT Back score, physiotherapy that also looks at how the pain affects your daily life and mood often helps most)"
            } else {
                ""
            }
        ));
        return (
            Prescription {
                mode: Mode::Continuous,
                sessions_per_week: 5,
                bouts_per_session: 2,
                bout_minutes: bout,
                rest_minutes: 0,
            },
            why,
        );
    }
    let given = pain_free(answers);
    let estimated = given
        .is_none()
        .then(|| answers.walking.usual_minutes.map(|u| u * 0.8))
        .flatten();
    let tolerance = given.or(estimated);
    let weekly = answers.walking.walks_per_week;

    if strength_at_least(a, "lss_nc", Strength::Moderate) {
        // Interval walking: bouts up to symptom onset with seated breaks (§4.3, §5.4, §5.5).
        let t = tolerance.unwrap_or(5.0);
        let mut bout = ((t * 0.8).floor() as u32).clamp(floor, 10.max(floor));
        if let Some(t) = given {
            bout = bout.min((t.ceil() as u32).saturating_sub(1).max(1));
        }
        let bouts = 15u32.div_ceil(bout).clamp(2, 5);
        let rest = 2;
        why.push(format!(
            "Your answers fit the pattern where standing and walking bring on leg symptoms that sitting or leaning forward eases, so the plan uses interval walking: {bouts} walks of {bout} {} with a {rest}-minute sit or forward lean between them.",
            crate::words::noun(bout, "minute", "minutes")
        ));
        why.push(match given {
            Some(t) => format!("Each bout is shorter than the {t:.0} minutes you said you can walk before symptoms start."),
            None => "You didn't say how long you can walk before symptoms start, so the bouts start short.".into(),
        });
        let sessions = weekly.map_or(3, |w| w.clamp(3, 5) as u32);
        return (
            Prescription {
                mode: Mode::Interval,
                sessions_per_week: sessions,
                bouts_per_session: bouts,
                bout_minutes: bout,
                rest_minutes: rest,
            },
            why,
        );
    }

    let (mut bout, mut sessions, mut bouts) = match tolerance {
        None => {
            why.push("You didn't say how long you can walk without pain, so the plan starts carefully at 8 minutes.".into());
            (8, 3, 1)
        }
        Some(t) if t < f64::from(tuning.steps.min_bout) => {
            let unit = crate::words::noun(floor, "minute", "minutes");
            why.push(if given.is_some() {
                format!(
                    "You said pain starts after about {t:.0} {}, so the plan starts with two short walks a day of {floor} {unit}, just under that.",
                    crate::words::noun(t.round() as u64, "minute", "minutes"),
                )
            } else {
                format!("Your usual walk is short, so the plan starts with two short walks a day of {floor} {unit}.")
            });
            (floor, 5, 2)
        }
        Some(t) if t < 10.0 => {
            let bout = ((t * 0.8).floor() as u32).max(floor);
            why.push(if given.is_some() {
                format!("You said pain starts after about {t:.0} minutes, so each walk starts at {bout} minutes, a little below that, on 5 days.")
            } else {
                format!("Your usual walk is short, so each walk starts at {bout} minutes, a little below it, on 5 days.")
            });
            (bout, 5, 1)
        }
        Some(t) => {
            let bout = ((t * 0.85).floor() as u32).min(TARGET_MINUTES);
            why.push(if given.is_some() {
                format!("You said you can walk about {t:.0} minutes before pain starts; the plan starts a little below that, at {bout} minutes.")
            } else {
                format!("You didn't say how long you can walk without pain; the plan starts at {bout} minutes, a little below your usual walk.")
            });
            let sessions = weekly.map_or(3, |w| w.clamp(3, 5) as u32);
            (bout, sessions, 1)
        }
    };
    if frequency_first(a, answers) && bout > 10 {
        bout = 10;
        why.push("To go easy on the joints, walks start at 10 minutes and the plan adds days before minutes.".into());
    }
    if strength_at_least(a, "overload", Strength::Moderate) {
        bout = ((f64::from(bout) * 0.8).floor() as u32).max(floor);
        why.push(format!("Your walking went up quickly before the pain started, so the first week is a step back ({} a walk), and increases stay small.", crate::words::count(bout, "minute", "minutes")));
    }
    if strength_at_least(a, "radicular", Strength::Moderate) && sessions < 5 && bout > 10 {
        sessions = 5;
        bout = (bout * 3 / 5).max(10);
        bouts = 1;
        why.push(
            "With leg symptoms, several shorter walks suit better than one long one early on."
                .into(),
        );
    }
    (
        Prescription {
            mode: Mode::Continuous,
            sessions_per_week: sessions,
            bouts_per_session: bouts,
            bout_minutes: bout,
            rest_minutes: 0,
        },
        why,
    )
}

/// Whether a pattern the exercise should avoid rules it out: only at moderate strength or more
/// (a weak pattern never excludes on its own), and never an exercise that suits a stronger
/// pattern (a moderate sciatica score does not take knee-to-chest out of a strong stenosis
/// plan; the dose line's "stop if leg symptoms spread" still holds) [heuristic].
fn pattern_rules_out(a: &Assessment, avoid: &str, ex: &crate::knowledge::Exercise) -> bool {
    let Some(strength) = a.strength_of(avoid) else {
        return false;
    };
    let best_suited = a
        .patterns
        .iter()
        .filter(|p| ex.suits.contains(&p.id))
        .map(|p| p.strength)
        .max();
    strength >= Strength::Moderate && best_suited.is_none_or(|s| s <= strength)
}

/// Exercises chosen for the patterns found, never one they must avoid.
pub fn choose_exercises(
    a: &Assessment,
    answers: &Answers,
    kb: &KnowledgeBase,
) -> (Vec<ExerciseDose>, Vec<Excluded>) {
    let facts = answers.facts();
    let weight = |s: Strength| match s {
        Strength::Strong => 3.0,
        Strength::Moderate => 2.0,
        Strength::Weak => 1.0,
    };
    let mut excluded = Vec::new();
    let mut candidates: Vec<(f64, usize, &crate::knowledge::Exercise)> = Vec::new();
    for (i, ex) in kb.exercises.iter().enumerate() {
        let rule_out = ex
            .avoid
            .iter()
            .find_map(|av| match (&av.pattern, &av.context) {
                (Some(p), _) if pattern_rules_out(a, p, ex) => Some(p.clone()),
                (_, Some(c)) if av.context_holds(&facts) => Some(c.clone()),
                _ => None,
            });
        if let Some(because) = rule_out {
            excluded.push(Excluded {
                id: ex.id.clone(),
                because,
            });
            continue;
        }
        let score: f64 = a
            .patterns
            .iter()
            .filter(|p| ex.suits.contains(&p.id))
            .map(|p| weight(p.strength))
            .sum();
        if score > 0.0 {
            candidates.push((score, i, ex));
        }
    }
    candidates.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
    let older = is_older(answers);
    let pick = |kinds: &[ExerciseKind], n: usize| -> Vec<ExerciseDose> {
        candidates
            .iter()
            .filter(|(_, _, e)| kinds.contains(&e.kind))
            .take(n)
            .map(|(_, _, e)| ExerciseDose {
                id: e.id.clone(),
                sets: e.dose.sets,
                reps: e.dose.reps,
                // Older adults hold stretches 30-60 s (§6.1).
                hold_s: if older && e.kind == ExerciseKind::Stretch {
                    e.dose.hold_s.max(30)
                } else {
                    e.dose.hold_s
                },
                days_per_week: e.dose.days_per_week,
                variant: Variant::Standard,
            })
            .collect()
    };
    let mut chosen = pick(&[ExerciseKind::Strength], 3);
    chosen.extend(pick(&[ExerciseKind::Stretch, ExerciseKind::Mobility], 2));
    (chosen, excluded)
}

pub(crate) fn is_older(answers: &Answers) -> bool {
    answers.age.is_some_and(|age| age >= 65.0)
}

/// The starting plan for an assessment (stateless `amble plan --answers`).
pub fn start_plan(a: &Assessment, answers: &Answers, kb: &KnowledgeBase) -> Plan {
    let (_, excluded) = choose_exercises(a, answers, kb);
    match a.plan_status {
        PlanStatus::Blocked => Plan {
            schema: PLAN_SCHEMA,
            status: Status::Blocked,
            week: 1,
            decision: Decision {
                kind: DecisionKind::Start,
                because: vec!["Your check-up found warning signs that need a clinician first, so there is no walking or exercise plan. Please follow the advice in your check-up.".into()],
            },
            walking: None,
            exercises: Vec::new(),
            excluded,
        },
        PlanStatus::Paused => {
            let (p, because) = starting_prescription(a, answers, &kb.plan);
            Plan {
                schema: PLAN_SCHEMA,
                status: Status::Paused,
                week: 1,
                decision: Decision { kind: DecisionKind::Start, because },
                walking: Some(p.into()),
                exercises: Vec::new(),
                excluded,
            }
        }
        PlanStatus::Allowed => {
            let (p, because) = starting_prescription(a, answers, &kb.plan);
            let (exercises, excluded) = choose_exercises(a, answers, kb);
            Plan {
                schema: PLAN_SCHEMA,
                status: Status::Active,
                week: 1,
                decision: Decision { kind: DecisionKind::Start, because },
                walking: Some(p.into()),
                exercises,
                excluded,
            }
        }
    }
}
