//! The starting plan from a check-up (§5.5): walking prescription, exercises, exclusions.

use crate::answers::Answers;
use crate::assessment::{Assessment, Strength};
use crate::knowledge::{Exercise, ExerciseKind, KnowledgeBase, Position};
use crate::tier::PlanStatus;

use super::tuning::PlanTuning;
use super::types::{
    Decision, DecisionKind, Excluded, ExerciseDose, Mode, PLAN_SCHEMA, Plan, Prescription, Status,
    TARGET_MINUTES, TARGET_SESSIONS, Variant,
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
    let now = current_weekly_minutes(answers);
    let cap = now.map(|now| {
        let s = &tuning.steps;
        (now * s.cap_one_week).max(now + f64::from(s.first_week_extra_minutes))
    });
    if let (Some(now), Some(cap)) = (now, cap)
        && f64::from(p.weekly_minutes()) > cap
    {
        start = super::progression::fit_under(p, cap, floor_bout(answers, tuning));
        why.push(format!(
            "Your first week stays close to the walking you do now (about {} a week), so it asks {} in all instead of {}, and builds from there.",
            crate::words::count(now.round() as u64, "minute", "minutes"),
            crate::words::count(start.weekly_minutes(), "minute", "minutes"),
            p.weekly_minutes()
        ));
    }
    if a.plan_status == PlanStatus::Paused {
        why.push(start.week_line(1));
        return (start, why);
    }
    // Never cut walking the person already does comfortably (brief §2.5).
    if let Some(keep) = kept_walking(answers, tuning) {
        let lifted = keep_up(
            start,
            keep.minutes,
            cap.unwrap_or(f64::INFINITY),
            answers,
            tuning,
        );
        if lifted != start {
            start = lifted;
            why = vec![keep.words(start)];
        }
    }
    // Severe pain or distress: shorter walks and a review, never more walking (brief §2.5).
    let severe = a.severity(answers);
    if !severe.is_empty() {
        let shorter = split_for_severity(start, tuning);
        let startback_high = a
            .instruments
            .startback
            .as_ref()
            .is_some_and(|s| s.risk == crate::instruments::StartBackRisk::High);
        why.push(format!(
            "Because {}, {} It is worth having a doctor or physiotherapist review your back{}.",
            severe.join(" and "),
            if shorter == start {
                "the walks stay short, and the plan builds slowly.".to_string()
            } else {
                format!(
                    "each day's walking is split into shorter walks ({} instead of {}), with no more walking in all.",
                    shorter.day_words(),
                    start.day_words()
                )
            },
            if startback_high {
                " (with a high STarT Back score, physiotherapy that also looks at how the pain affects your daily life and mood often helps most)"
            } else {
                ""
            }
        ));
        start = shorter;
    }
    why.push(start.week_line(1));
    (start, why)
}

/// Walking the person already does with pain at most amber, which week 1 keeps (brief §2.5).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KeptWalking {
    /// Their weekly minutes now (usual walk x walks a week).
    pub now: f64,
    /// Their worst pain on a walk.
    pub peak: i64,
    /// The least week 1 plans: `keep_current_share` of `now`, and the target when `now` is
    /// above it.
    pub minutes: u32,
}

impl KeptWalking {
    fn words(&self, start: Prescription) -> String {
        let target = TARGET_MINUTES * TARGET_SESSIONS;
        format!(
            "You already walk about {} a week, with pain on walks of {}/10 at most, so week 1 keeps at least {} of them ({}) rather than starting from the beginning.",
            crate::words::count(self.now.round() as u64, "minute", "minutes"),
            self.peak,
            self.minutes,
            if self.minutes >= target && self.now > f64::from(target) {
                format!(
                    "half of what you walk now, and no less than the plan's {target}-minute target"
                )
            } else {
                "half of what you walk now".to_string()
            }
        ) + if start.mode == Mode::Interval {
            " The walking stays in bouts with sitting breaks."
        } else {
            ""
        }
    }
}

/// The walking a person already does comfortably: pain on walks at most amber
/// (`lights.amber_peak_max`) and not coming on the next day (it settles by the next morning)
/// [heuristic reading of the answers]. `None` when unknown or not comfortable.
pub fn kept_walking(answers: &Answers, tuning: &PlanTuning) -> Option<KeptWalking> {
    let now = current_weekly_minutes(answers)?;
    let peak = answers.pain.walk_peak?;
    if peak > i64::from(tuning.lights.amber_peak_max)
        || answers.symptoms.onset_in_walk == Some(crate::answers::Onset::NextDay)
    {
        return None;
    }
    let share = (now * tuning.steps.keep_current_share).ceil().max(0.0) as u32;
    let target = TARGET_MINUTES * TARGET_SESSIONS;
    let minutes = if now > f64::from(target) {
        share.max(target)
    } else {
        share
    };
    (minutes > 0).then_some(KeptWalking { now, peak, minutes })
}

/// Each day's walking split into shorter walks for severe pain or distress (brief §2.5): the
/// same days, 2 or 3 walks a day of at most `severe_max_bout` minutes where they fit, never
/// more minutes than `p`. Walks already short (a day under twice the shortest walk, or
/// already split into walks no longer than the limit) stay as they are; interval and gentle
/// walking already come in short bouts.
pub fn split_for_severity(p: Prescription, tuning: &PlanTuning) -> Prescription {
    let s = &tuning.steps;
    let day = p.session_minutes();
    if p.mode != Mode::Continuous
        || day < 2 * s.min_bout
        || (p.bouts_per_session > 1 && p.bout_minutes <= s.severe_max_bout)
    {
        return p;
    }
    let walks = day.div_ceil(s.severe_max_bout.max(1)).clamp(2, 3);
    Prescription {
        bouts_per_session: walks,
        bout_minutes: day / walks,
        ..p
    }
}

/// The smallest prescription from `p` upwards (more days up to the days the person walks now,
/// more walks a day, longer walks up to their usual walk) that plans at least `need` minutes
/// even once split for severity, and stays under `cap`; `p` itself when it already does.
/// Ties go to fewer, longer walks a day (interval walking: shorter bouts), then fewer days.
fn keep_up(
    p: Prescription,
    need: u32,
    cap: f64,
    answers: &Answers,
    tuning: &PlanTuning,
) -> Prescription {
    let enough = |c: Prescription| split_for_severity(c, tuning).weekly_minutes() >= need;
    if p.mode == Mode::Gentle || enough(p) {
        return p;
    }
    let walks_now = answers
        .walking
        .walks_per_week
        .map_or(0, |w| w.clamp(0, 7) as u32);
    let days_max = p.sessions_per_week.max(walks_now);
    let usual = answers
        .walking
        .usual_minutes
        .filter(|m| m.is_finite())
        .map_or(0, |m| m.clamp(0.0, 600.0).floor() as u32);
    // Walks never longer than the usual walk. Interval walking prefers more bouts to longer
    // ones (bouts up to symptom onset, §5.4); continuous walking prefers fewer, longer walks.
    let bout_max = p.bout_minutes.max(usual);
    let bouts_max = match p.mode {
        Mode::Interval => p.bouts_per_session.max(5),
        _ => p.bouts_per_session.max(3),
    };
    let interval = p.mode == Mode::Interval;
    let key = |x: &Prescription| {
        let (a, b) = (x.bouts_per_session, x.bout_minutes);
        (
            x.weekly_minutes(),
            if interval { b } else { a },
            x.sessions_per_week,
        )
    };
    let mut best: Option<Prescription> = None;
    for sessions in p.sessions_per_week..=days_max {
        for bouts in p.bouts_per_session..=bouts_max {
            // The shortest walk that is enough: longer walks only add minutes.
            let found = (p.bout_minutes..=bout_max)
                .map(|bout| Prescription {
                    sessions_per_week: sessions,
                    bouts_per_session: bouts,
                    bout_minutes: bout,
                    ..p
                })
                .take_while(|c| f64::from(c.weekly_minutes()) <= cap)
                .find(|c| enough(*c));
            if let Some(c) = found
                && best.is_none_or(|b| key(&c) < key(&b))
            {
                best = Some(c);
            }
        }
    }
    best.unwrap_or(p)
}

/// A paused plan holds the walking a person already does comfortably (`kept_walking`), as
/// gentle walking with no increases: their usual walk on the days they walk now (at most one
/// hour a walk), when that is more than the gentle default. `None` otherwise.
fn held_while_paused(
    answers: &Answers,
    tuning: &PlanTuning,
    floor: u32,
) -> Option<(Prescription, KeptWalking)> {
    let kept = kept_walking(answers, tuning)?;
    let days = answers.walking.walks_per_week?.clamp(1, 7) as u32;
    let usual = answers
        .walking
        .usual_minutes
        .filter(|m| m.is_finite())?
        .clamp(0.0, 60.0)
        .floor() as u32;
    let held = Prescription {
        mode: Mode::Gentle,
        sessions_per_week: days,
        bouts_per_session: 1,
        bout_minutes: usual.max(floor),
        rest_minutes: 0,
    };
    (held.weekly_minutes() > Prescription::gentle(floor).weekly_minutes()).then_some((held, kept))
}

/// The walking a person does now, from their answers (usual walk x walks a week), if known.
pub(crate) fn current_weekly_minutes(answers: &Answers) -> Option<f64> {
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
        // Paused: no increases, but walking done comfortably now is held, not cut (brief §2.5).
        if let Some(held) = held_while_paused(answers, tuning, floor) {
            why.push(format!(
                "You already walk about {} a week with pain on walks of {}/10 at most. Until {}, keep to that: {} a week, and no increases.",
                crate::words::count(held.1.now.round() as u64, "minute", "minutes"),
                held.1.peak,
                if a.waiting_for_answers() {
                    "the warning-sign questions are answered in a new check-up"
                } else {
                    "a doctor has seen you and a new check-up is done"
                },
                crate::words::count(held.0.weekly_minutes(), "minute", "minutes"),
            ));
            if a.waiting_for_answers() {
                why.push("If one of the unanswered warning signs might apply to you now, treat it as a yes: numbness around your genitals or back passage, or new trouble with your bladder or bowels, needs an emergency department now; for the others, contact your doctor today.".into());
            }
            return (held.0, why);
        }
        let g = Prescription::gentle(floor);
        why.push(if a.waiting_for_answers() {
            format!("Some warning-sign questions are unanswered, so the plan stays at gentle walking (two {}-minute walks a day) until you answer them in a new check-up. If one of them might apply to you now, treat it as a yes: numbness around your genitals or back passage, or new trouble with your bladder or bowels, needs an emergency department now; for the others, contact your doctor today.", g.bout_minutes)
        } else {
            format!("Your check-up asks you to see a doctor first, so the plan stays at gentle walking (two {}-minute walks a day) and does not increase until a new check-up.", g.bout_minutes)
        });
        return (g, why);
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
            "Your answers share features with the spinal stenosis pattern (your check-up lists which), so the plan uses interval walking: {bouts} walks of {bout} {} with a {rest}-minute sit or forward lean between them.",
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
            let below = (t * 0.85).floor() as u32;
            let bout = below.min(TARGET_MINUTES);
            why.push(if given.is_some() && below > TARGET_MINUTES {
                format!("You said you can walk about {t:.0} minutes before pain starts, so each walk is {bout} minutes, the length the plan aims for.")
            } else if given.is_some() {
                format!("You said you can walk about {t:.0} minutes before pain starts; the plan starts a little below that, at {bout} minutes.")
            } else if below > TARGET_MINUTES {
                format!("You didn't say how long you can walk without pain; each walk is {bout} minutes, the length the plan aims for.")
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
fn pattern_rules_out(a: &Assessment, avoid: &str, ex: &Exercise) -> bool {
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

/// The sciatica-type pattern (moderate or more) with pain now at `radicular_pain` or more
/// (brief §2.5: acute radicular pain of 8/10 or more).
pub fn acute_radicular(a: &Assessment, answers: &Answers, kb: &KnowledgeBase) -> bool {
    strength_at_least(a, "radicular", Strength::Moderate)
        && answers
            .pain
            .now
            .is_some_and(|p| p >= i64::from(kb.exercise_limits.radicular_pain))
}

/// Exercises chosen for the patterns found, never one they must avoid; with fewer or
/// different exercises from 80 and with strong nerve pain (brief §2.5, `[limits]` of
/// `content/exercises.toml`). Every exercise left out for a rule is listed with it.
pub fn choose_exercises(
    a: &Assessment,
    answers: &Answers,
    kb: &KnowledgeBase,
) -> (Vec<ExerciseDose>, Vec<Excluded>) {
    let facts = answers.facts();
    let limits = &kb.exercise_limits;
    let acute = acute_radicular(a, answers, kb);
    let oldest = answers.age.is_some_and(|age| age >= limits.older_age);
    let weight = |s: Strength| match s {
        Strength::Strong => 3.0,
        Strength::Moderate => 2.0,
        Strength::Weak => 1.0,
    };
    let mut excluded = Vec::new();
    let mut candidates: Vec<(f64, usize, &Exercise)> = Vec::new();
    let mut balance: Vec<&Exercise> = Vec::new();
    for (i, ex) in kb.exercises.iter().enumerate() {
        let rule_out = ex
            .avoid
            .iter()
            .find_map(|av| match (&av.pattern, &av.context) {
                (Some(p), _) if pattern_rules_out(a, p, ex) => Some(p.clone()),
                (_, Some(c)) if av.context_holds_for(&facts, kb) => Some(c.clone()),
                _ => None,
            })
            .or_else(|| {
                (acute && limits.straight_knee.contains(&ex.id)).then(|| "pain.now".to_string())
            });
        if let Some(because) = rule_out {
            excluded.push(Excluded {
                id: ex.id.clone(),
                because,
            });
            continue;
        }
        if ex.kind == ExerciseKind::Balance {
            balance.push(ex);
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

    // Three strength exercises, then two stretches or mobility exercises, best suited first;
    // from `older_age` no more than `older_max_floor` on the floor, and only a gentle one.
    let mut chosen: Vec<&Exercise> = Vec::new();
    let mut floor_left = if oldest {
        limits.older_max_floor
    } else {
        usize::MAX
    };
    let mut left_for_floor: Vec<&Exercise> = Vec::new();
    for (kinds, n) in [
        (&[ExerciseKind::Strength][..], 3),
        (&[ExerciseKind::Stretch, ExerciseKind::Mobility][..], 2),
    ] {
        let mut taken = 0;
        for (_, _, e) in &candidates {
            if taken == n {
                break;
            }
            if !kinds.contains(&e.kind) || clashes(&chosen, e) {
                continue;
            }
            if e.position == Position::Floor {
                if floor_left == 0 || (oldest && !limits.older_floor_gentle.contains(&e.id)) {
                    left_for_floor.push(e);
                    continue;
                }
                floor_left -= 1;
            }
            chosen.push(e);
            taken += 1;
        }
    }
    excluded.extend(left_for_floor.iter().map(|e| Excluded {
        id: e.id.clone(),
        because: "age".into(),
    }));
    // From `older_age`, at least one balance exercise (NICE NG249).
    if oldest && !chosen.iter().any(|e| e.kind == ExerciseKind::Balance) {
        chosen.extend(balance.first());
    }
    // Strong nerve pain: only gentle exercises, a stretch among them, at most `radicular_max`.
    if acute {
        let (gentle, rough): (Vec<&Exercise>, Vec<&Exercise>) = chosen
            .iter()
            .partition(|e| limits.radicular_gentle.contains(&e.id));
        let mut order: Vec<&Exercise> = Vec::new();
        let first_of = |f: &dyn Fn(&Exercise) -> bool| gentle.iter().copied().find(|e| f(e));
        order.extend(first_of(&|e| oldest && e.kind == ExerciseKind::Balance));
        order.extend(first_of(&|e| {
            e.kind != ExerciseKind::Strength && e.kind != ExerciseKind::Balance
        }));
        for e in &gentle {
            if !order.iter().any(|o| o.id == e.id) {
                order.push(e);
            }
        }
        let cut = order.split_off(limits.radicular_max.min(order.len()));
        excluded.extend(rough.iter().chain(&cut).map(|e| Excluded {
            id: e.id.clone(),
            because: "pain.now".into(),
        }));
        chosen = order;
    }
    let older = is_older(answers);
    let doses = chosen
        .iter()
        .map(|e| ExerciseDose {
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
            kind: e.kind,
            position: e.position,
            variant: Variant::Standard,
        })
        .collect();
    (doses, excluded)
}

/// Whether `e` stands in for (or is stood in for by) an exercise already chosen.
fn clashes(chosen: &[&Exercise], e: &Exercise) -> bool {
    chosen.iter().any(|c| {
        c.alternative_to.as_deref() == Some(e.id.as_str())
            || e.alternative_to.as_deref() == Some(c.id.as_str())
    })
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
                because: blocked_because(a, None, kb),
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
                decision: Decision {
                    kind: DecisionKind::Start,
                    because,
                },
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
                decision: Decision {
                    kind: DecisionKind::Start,
                    because,
                },
                walking: Some(p.into()),
                exercises,
                excluded,
            }
        }
    }
}

/// Why a check-up's warning signs block the plan from the start, leading with the care message
/// (brief §2.2): what to do and how soon, the signs (answered on `date`, when known), and that
/// there is no plan until the person has been checked.
pub(crate) fn blocked_because(
    a: &Assessment,
    date: Option<jiff::civil::Date>,
    kb: &KnowledgeBase,
) -> Vec<String> {
    let fired = super::care::Sighting::new(
        date.unwrap_or(jiff::civil::Date::MIN),
        super::care::AnsweredIn::Checkup,
        &a.triage.flags,
        kb,
    );
    let mut because = Vec::new();
    if let Some(s) = &fired {
        because.extend(super::care::Care::new(vec![s.clone()], kb).map(|c| c.lead()));
        because.push(super::care::answered_line(
            date,
            super::care::AnsweredIn::Checkup,
            &s.titles(),
        ));
    }
    because.push(super::care::NOT_STARTED.into());
    because
}
