//! Walking and exercise plans (`amble.plan/1`): the starting prescription from a check-up, and
//! the current prescription as a pure function of the journal and today's date (clinical brief
//! §4.3, §5.5). Every number marked [heuristic] is Amble's own proposal, listed in
//! docs/plan-rules.md.

use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

use crate::answers::Answers;
use crate::assessment::{Assessment, Strength, assess};
use crate::journal::{Entry, LegSpread, Walk};
use crate::knowledge::{ExerciseKind, KnowledgeBase};
use crate::tier::PlanStatus;

pub const PLAN_SCHEMA: &str = "amble.plan/1";

/// The WalkBack target: 30 minutes, 5 days a week (§5.1).
pub const TARGET_MINUTES: u32 = 30;
pub const TARGET_SESSIONS: u32 = 5;
/// Weekly caps on planned walking minutes (§4.3) [heuristic].
pub const CAP_ONE_WEEK: f64 = 1.20;
pub const CAP_TWO_WEEKS: f64 = 1.30;
/// Shortest bout Amble prescribes.
pub const MIN_BOUT: u32 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Blocked,
    Paused,
    Active,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    Continuous,
    Interval,
    Gentle,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Continuous => "continuous",
            Mode::Interval => "interval",
            Mode::Gentle => "gentle",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    Start,
    Progress,
    Hold,
    Regress,
    Flare,
    Suspend,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub kind: DecisionKind,
    pub because: Vec<String>,
}

/// A walking prescription.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prescription {
    pub mode: Mode,
    pub sessions_per_week: u32,
    pub bouts_per_session: u32,
    pub bout_minutes: u32,
    pub rest_minutes: u32,
}

impl Prescription {
    pub fn weekly_minutes(&self) -> u32 {
        self.sessions_per_week * self.bouts_per_session * self.bout_minutes
    }

    pub fn session_minutes(&self) -> u32 {
        self.bouts_per_session * self.bout_minutes
    }

    fn gentle() -> Prescription {
        Prescription {
            mode: Mode::Gentle,
            sessions_per_week: 5,
            bouts_per_session: 2,
            bout_minutes: 5,
            rest_minutes: 0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Target {
    pub minutes_per_session: u32,
    pub sessions_per_week: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WalkingOut {
    pub mode: Mode,
    pub sessions_per_week: u32,
    pub bouts_per_session: u32,
    pub bout_minutes: u32,
    pub rest_minutes: u32,
    pub weekly_minutes: u32,
    pub target: Target,
}

impl From<Prescription> for WalkingOut {
    fn from(p: Prescription) -> WalkingOut {
        WalkingOut {
            mode: p.mode,
            sessions_per_week: p.sessions_per_week,
            bouts_per_session: p.bouts_per_session,
            bout_minutes: p.bout_minutes,
            rest_minutes: p.rest_minutes,
            weekly_minutes: p.weekly_minutes(),
            target: Target {
                minutes_per_session: TARGET_MINUTES,
                sessions_per_week: TARGET_SESSIONS,
            },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExerciseDose {
    pub id: String,
    pub sets: u32,
    pub reps: u32,
    pub hold_s: u32,
    pub days_per_week: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Excluded {
    pub id: String,
    /// The pattern id (or answer key) that rules the exercise out.
    pub because: String,
}

/// `amble.plan/1`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub schema: &'static str,
    pub status: Status,
    pub week: u32,
    pub decision: Decision,
    /// `None` (JSON `null`) when the plan is blocked or suspended: no walking content at all.
    pub walking: Option<WalkingOut>,
    pub exercises: Vec<ExerciseDose>,
    pub excluded: Vec<Excluded>,
}

/// What happened in one reviewed week, for the decision history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeekRecord {
    pub week: u32,
    pub start: Date,
    pub planned_weekly_minutes: u32,
    pub walked_minutes: f64,
    pub green: u32,
    pub amber: u32,
    pub red: u32,
    pub unrated: u32,
    pub decision: Decision,
}

/// A plan together with how it got there.
#[derive(Debug, Clone, PartialEq)]
pub struct Replay {
    pub plan: Plan,
    pub start: Date,
    pub history: Vec<WeekRecord>,
    pub assessment: Assessment,
    pub answers: Answers,
    pub assessment_id: String,
    /// The most recent earlier check-up that found warning signs needing a clinician (soon or
    /// more urgent), if the current one is less urgent: a flag is never cleared silently.
    pub earlier_warning: Option<EarlierWarning>,
}

/// An earlier check-up's warning signs, shown until the person has been checked.
#[derive(Debug, Clone, PartialEq)]
pub struct EarlierWarning {
    pub date: Date,
    pub tier: crate::tier::Tier,
    pub flags: Vec<String>,
}

impl Replay {
    /// First day of the current 7-day block.
    pub fn block_start(&self) -> Date {
        self.start
            .saturating_add(((self.plan.week.saturating_sub(1)) as i64 * 7).days())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("no check-up is stored yet: run `amble assess` first")]
    NoAssessment,
}

// ---------------------------------------------------------------------------------------------
// Starting plan

fn strength_at_least(a: &Assessment, id: &str, min: Strength) -> bool {
    a.strength_of(id).is_some_and(|s| s >= min)
}

/// Start lower and progress by frequency first (§4.3 modifiers) for high BMI, older age and
/// very low current activity.
fn frequency_first(a: &Assessment, answers: &Answers) -> bool {
    strength_at_least(a, "weight", Strength::Moderate) || answers.age.is_some_and(|age| age >= 75.0)
}

/// The walking prescription the plan starts with (§5.5).
pub fn starting_prescription(a: &Assessment, answers: &Answers) -> (Prescription, Vec<String>) {
    let mut why = Vec::new();
    if a.plan_status == PlanStatus::Paused {
        why.push("Your check-up asks you to see a doctor first, so the plan stays at gentle walking (two 5-minute walks a day) and does not increase until a new check-up.".into());
        return (Prescription::gentle(), why);
    }
    let tolerance = answers
        .walking
        .pain_free_minutes
        .or(answers.walking.usual_minutes.map(|u| u * 0.8));
    let weekly = answers.walking.walks_per_week;

    if strength_at_least(a, "lss_nc", Strength::Moderate) {
        // Interval walking: bouts up to symptom onset with seated breaks (§4.3, §5.4, §5.5).
        let t = tolerance.unwrap_or(5.0);
        let bout = ((t * 0.8).floor() as u32).clamp(3, 10);
        let bouts = 15u32.div_ceil(bout).clamp(2, 5);
        why.push(format!(
            "Your answers fit the pattern where standing and walking bring on leg symptoms that sitting or leaning forward eases, so the plan uses interval walking: {bouts} walks of {bout} minutes with a {rest}-minute sit or forward lean between them.",
            rest = 2
        ));
        why.push(match tolerance {
            Some(t) => format!("Each bout starts below the {t:.0} minutes you can walk before symptoms start."),
            None => "You didn't say how long you can walk before symptoms start, so the bouts start short.".into(),
        });
        let sessions = weekly.map_or(3, |w| w.clamp(3, 5) as u32);
        return (
            Prescription {
                mode: Mode::Interval,
                sessions_per_week: sessions,
                bouts_per_session: bouts,
                bout_minutes: bout,
                rest_minutes: 2,
            },
            why,
        );
    }

    let (mut bout, mut sessions) = match tolerance {
        None => {
            why.push("You didn't say how long you can walk without pain, so the plan starts carefully at 8 minutes.".into());
            (8, 3)
        }
        Some(t) if t < 5.0 => {
            why.push(format!("Pain starts after about {t:.0} minutes, so the plan starts with gentle walking well within that."));
            return (Prescription::gentle(), why);
        }
        Some(t) if t < 10.0 => {
            let bout = ((t * 0.8).floor() as u32).max(MIN_BOUT);
            why.push(format!("Pain starts after about {t:.0} minutes, so each walk starts at {bout} minutes, a little below that, on 5 days."));
            (bout, 5)
        }
        Some(t) => {
            let bout = ((t * 0.85).floor() as u32).min(TARGET_MINUTES);
            why.push(format!("You can walk about {t:.0} minutes before pain starts; the plan starts a little below that, at {bout} minutes."));
            let sessions = weekly.map_or(3, |w| w.clamp(3, 5) as u32);
            (bout, sessions)
        }
    };
    if frequency_first(a, answers) && bout > 10 {
        bout = 10;
        why.push("To go easy on the joints, walks start at 10 minutes and the plan adds days before minutes.".into());
    }
    if strength_at_least(a, "overload", Strength::Moderate) {
        bout = ((bout as f64 * 0.8).floor() as u32).max(MIN_BOUT);
        why.push("Your walking went up quickly before the pain started, so the first week is a step back (20% less), and increases stay small.".into());
    }
    if strength_at_least(a, "radicular", Strength::Moderate) && sessions < 5 && bout > 10 {
        sessions = 5;
        bout = (bout * 3 / 5).max(10);
        why.push(
            "With leg symptoms, several shorter walks suit better than one long one early on."
                .into(),
        );
    }
    (
        Prescription {
            mode: Mode::Continuous,
            sessions_per_week: sessions,
            bouts_per_session: 1,
            bout_minutes: bout,
            rest_minutes: 0,
        },
        why,
    )
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
                (Some(p), _) if a.has_pattern(p) => Some(p.clone()),
                (_, Some(c)) if facts.get(c) == Some(&serde_json::Value::Bool(true)) => {
                    Some(c.clone())
                }
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
    let older = answers.age.is_some_and(|age| age >= 65.0);
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
            })
            .collect()
    };
    let mut chosen = pick(&[ExerciseKind::Strength], 3);
    chosen.extend(pick(&[ExerciseKind::Stretch, ExerciseKind::Mobility], 2));
    (chosen, excluded)
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
            let (p, because) = starting_prescription(a, answers);
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
            let (p, because) = starting_prescription(a, answers);
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

// ---------------------------------------------------------------------------------------------
// Traffic lights (§4.3)

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Light {
    Green,
    Amber,
    Red,
    /// No pain ratings yet (e.g. an imported walk): counts for minutes only.
    Unrated,
}

/// Next-morning pain logged for the day after `date` (the last entry of that day wins).
fn morning_after(entries: &[Entry], date: Date, days: i64) -> Option<u8> {
    let day = date.saturating_add(days.days());
    entries
        .iter()
        .filter_map(|e| match e {
            Entry::Morning(m) if m.date == day => Some(m.pain),
            _ => None,
        })
        .next_back()
}

/// The pain level a walk's next morning is compared with: the usual morning level from the
/// check-up, or failing that the pain before the walk.
fn baseline(answers: &Answers, walk: &Walk) -> Option<u8> {
    answers
        .pain
        .usual_morning
        .and_then(|p| u8::try_from(p).ok())
        .or(walk.pain_before)
}

/// GREEN, AMBER or RED for one walk (§4.3). An unknown next morning can't confirm GREEN.
pub fn classify(walk: &Walk, entries: &[Entry], answers: &Answers) -> Light {
    let Some(peak) = walk.pain_peak else {
        return Light::Unrated;
    };
    let settled = match (
        morning_after(entries, walk.date, 1),
        baseline(answers, walk),
    ) {
        (Some(m), Some(b)) => Some(m <= b),
        _ => None,
    };
    let spread = walk.leg_spread == Some(LegSpread::Further);
    if peak >= 6 || settled == Some(false) || spread {
        return Light::Red;
    }
    let rise_ok = walk
        .pain_before
        .is_some_and(|b| peak.saturating_sub(b) <= 2);
    if peak <= 3 && rise_ok && settled == Some(true) {
        Light::Green
    } else {
        Light::Amber
    }
}

// ---------------------------------------------------------------------------------------------
// Replay

struct BlockReview {
    decision: DecisionKind,
    because: Vec<String>,
    green: u32,
    amber: u32,
    red: u32,
    unrated: u32,
    walked: f64,
    avg_pain_before: Option<f64>,
}

fn review_block(
    walks: &[&Walk],
    entries: &[Entry],
    answers: &Answers,
    block_start: Date,
    previous_avg: Option<f64>,
    after_setback: bool,
) -> BlockReview {
    let lights: Vec<Light> = walks
        .iter()
        .map(|w| classify(w, entries, answers))
        .collect();
    let count = |l: Light| lights.iter().filter(|x| **x == l).count() as u32;
    let (green, amber, red, unrated) = (
        count(Light::Green),
        count(Light::Amber),
        count(Light::Red),
        count(Light::Unrated),
    );
    let logged = green + amber + red;
    let walked: f64 = walks.iter().map(|w| w.minutes).sum();
    // An empty sum is -0.0; add 0.0 so it reads "0".
    let walked = walked + 0.0;
    let rated_before: Vec<f64> = walks
        .iter()
        .filter_map(|w| w.pain_before.map(f64::from))
        .collect();
    let avg_pain_before = (!rated_before.is_empty())
        .then(|| rated_before.iter().sum::<f64>() / rated_before.len() as f64);

    // A RED walk whose pain was still above the usual level on both following mornings.
    let red_lasting = walks.iter().zip(&lights).any(|(w, l)| {
        *l == Light::Red
            && baseline(answers, w).is_some_and(|b| {
                morning_after(entries, w.date, 1).is_some_and(|m| m > b)
                    && morning_after(entries, w.date, 2).is_some_and(|m| m > b)
            })
    });
    // Flare: morning pain at least 2 above usual on 3 days in a row within the block, or three
    // RED walks [heuristic].
    let usual = answers
        .pain
        .usual_morning
        .and_then(|p| u8::try_from(p).ok());
    let worse_mornings_in_a_row = usual.map_or(0, |u| {
        let mut best = 0;
        let mut run = 0;
        for d in 1..=7 {
            let day = block_start.saturating_add((d as i64).days());
            let worse = entries.iter().any(|e| matches!(e, Entry::Morning(m) if m.date == day && m.pain >= u.saturating_add(2)));
            run = if worse { run + 1 } else { 0 };
            best = best.max(run);
        }
        best
    });
    let flare = worse_mornings_in_a_row >= 3 || red >= 3;
    let trend_up =
        matches!((avg_pain_before, previous_avg), (Some(now), Some(before)) if now - before >= 2.0);

    let mut because = Vec::new();
    let no_morning = walks
        .iter()
        .zip(&lights)
        .filter(|(w, l)| {
            **l == Light::Amber
                && w.pain_peak.is_some_and(|p| p <= 3)
                && morning_after(entries, w.date, 1).is_none()
        })
        .count();
    let tally = format!(
        "This week: {green} green, {amber} amber, {red} red walk(s){}.",
        if unrated > 0 {
            format!(", {unrated} without pain ratings")
        } else {
            String::new()
        }
    );
    because.push(tally);
    if no_morning > 0 {
        because.push(format!(
            "{no_morning} easy walk(s) had no next-morning pain logged, so they count as amber; log `amble log morning` to let them count as green."
        ));
    }
    let decision = if flare {
        because.push(if red >= 3 {
            "Three or more walks went red: that looks like a flare.".into()
        } else {
            "Your morning pain was clearly higher than usual for three days in a row: that looks like a flare.".into()
        });
        because.push("Flares are common and usually settle. For now: short, easy walks (two of 5 minutes a day). If it isn't settling within 1 to 2 weeks, or you're worried, contact your doctor or physiotherapist; if anything new appears, run `amble assess`.".into());
        DecisionKind::Flare
    } else if logged < 3 {
        because.push(format!("Only {logged} walk(s) with pain ratings were logged; at least 3 are needed to move on, so the plan stays the same."));
        DecisionKind::Hold
    } else if red >= 2 || red_lasting {
        because.push(if red_lasting {
            "A red walk left your morning pain above usual for more than two days, so the walks get shorter (by a quarter) for a week.".into()
        } else {
            "Two or more walks went red, so the walks get shorter (by a quarter) for a week.".into()
        });
        DecisionKind::Regress
    } else if red == 1 {
        because.push("One walk went red, so the plan repeats this week before moving on.".into());
        DecisionKind::Hold
    } else if f64::from(green + amber) / f64::from(logged) >= 0.8 && !trend_up {
        if after_setback {
            because.push("Walks went well; after last week's step back, the plan holds one more week before building again.".into());
            DecisionKind::Hold
        } else {
            because.push("At least 80% of walks were green or amber, with none red, so the plan takes one step up.".into());
            DecisionKind::Progress
        }
    } else {
        if trend_up {
            because.push("Your pain before walks rose by 2 points or more compared with the week before, so the plan holds.".into());
        }
        DecisionKind::Hold
    };
    BlockReview {
        decision,
        because,
        green,
        amber,
        red,
        unrated,
        walked,
        avg_pain_before,
    }
}

/// The possible single-variable steps up from `p`, most preferred first (§4.3, §5.5), each
/// with the words that explain it.
fn steps_up(p: Prescription, frequency_first: bool) -> Vec<(Prescription, String)> {
    let mut steps = Vec::new();
    let add_day = |p: Prescription| {
        let n = Prescription {
            sessions_per_week: p.sessions_per_week + 1,
            ..p
        };
        (
            n,
            format!("Step: one more walking day ({} days).", n.sessions_per_week),
        )
    };
    match p.mode {
        Mode::Gentle => {}
        Mode::Continuous => {
            let longer = (p.bout_minutes < TARGET_MINUTES).then(|| {
                let step = if p.bout_minutes < 10 { 2 } else { 3 };
                let n = Prescription {
                    bout_minutes: (p.bout_minutes + step).min(TARGET_MINUTES),
                    ..p
                };
                (
                    n,
                    format!(
                        "Step: walks {} minutes longer ({} minutes).",
                        n.bout_minutes - p.bout_minutes,
                        n.bout_minutes
                    ),
                )
            });
            let more_days = (p.sessions_per_week < TARGET_SESSIONS).then(|| add_day(p));
            if frequency_first || p.bout_minutes >= 20 {
                steps.extend(more_days);
                steps.extend(longer);
            } else {
                steps.extend(longer);
                steps.extend(more_days);
            }
        }
        Mode::Interval => {
            if p.bout_minutes < 15 || p.session_minutes() < TARGET_MINUTES {
                // Longer bouts, and fewer of them: each outing keeps about the same walking time,
                // rising towards 30 minutes in all.
                let bout = p.bout_minutes + 2;
                let bouts = p.session_minutes().div_ceil(bout).max(1);
                let n = Prescription {
                    bout_minutes: bout,
                    bouts_per_session: bouts,
                    ..p
                };
                steps.push((n, format!("Step: each walking bout 2 minutes longer ({bout} minutes, {bouts} per outing).")));
            }
            if p.rest_minutes > 1 {
                let n = Prescription {
                    rest_minutes: p.rest_minutes - 1,
                    ..p
                };
                steps.push((
                    n,
                    format!(
                        "Step: shorter rests between bouts ({} minute).",
                        n.rest_minutes
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

/// One progression step, a single variable at a time (§4.3): the most preferred step that fits
/// under the weekly cap, or else the first one, shortened to fit.
fn progress(
    p: Prescription,
    frequency_first: bool,
    cap: f64,
    because: &mut Vec<String>,
) -> Prescription {
    let steps = steps_up(p, frequency_first);
    let fitting = steps
        .iter()
        .find(|(n, _)| f64::from(n.weekly_minutes()) <= cap);
    match fitting.or(steps.first()) {
        Some((n, why)) => {
            because.push(why.clone());
            *n
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

fn regress(p: Prescription) -> Prescription {
    let bout = ((p.bout_minutes as f64) * 0.75).floor() as u32;
    Prescription {
        bout_minutes: bout.max(MIN_BOUT).min(p.bout_minutes),
        ..p
    }
}

/// Every 4th week eases off by about a fifth [heuristic].
fn deload(p: Prescription) -> Prescription {
    let bout = ((p.bout_minutes as f64) * 0.8).floor() as u32;
    Prescription {
        bout_minutes: bout.max(MIN_BOUT).min(p.bout_minutes),
        ..p
    }
}

/// The prescription not above `p` in any variable that fits under `cap`: keeping as many
/// walking days as possible, then the most weekly minutes, then the longest bouts. Never raises
/// anything.
fn fit_under(p: Prescription, cap: f64) -> Prescription {
    if f64::from(p.weekly_minutes()) <= cap {
        return p;
    }
    let mut best: Option<Prescription> = None;
    for sessions in (1..=p.sessions_per_week).rev() {
        for bouts in (1..=p.bouts_per_session).rev() {
            let room = (cap / f64::from(sessions * bouts)).floor();
            let bout = if room >= f64::from(p.bout_minutes) {
                p.bout_minutes
            } else {
                room.max(0.0) as u32
            };
            if bout < MIN_BOUT.min(p.bout_minutes) {
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
    // Nothing fits even at the shortest bout: one short walk a week.
    best.unwrap_or(Prescription {
        sessions_per_week: 1,
        bouts_per_session: 1,
        bout_minutes: MIN_BOUT.min(p.bout_minutes),
        ..p
    })
}

fn cap_for(planned: &[u32]) -> f64 {
    let mut cap = f64::INFINITY;
    if let Some(&last) = planned.last() {
        cap = cap.min(f64::from(last) * CAP_ONE_WEEK);
    }
    if planned.len() >= 2 {
        cap = cap.min(f64::from(planned[planned.len() - 2]) * CAP_TWO_WEEKS);
    }
    cap
}

/// The current plan from the journal as of `today` (contract §4). Entries must be in journal
/// order (oldest first). Same journal and date give the same plan.
pub fn replay(entries: &[Entry], today: Date, kb: &KnowledgeBase) -> Result<Replay, PlanError> {
    // The plan starts with the latest check-up stored on or before today.
    let (start_index, stored) = entries
        .iter()
        .enumerate()
        .filter_map(|(i, e)| match e {
            Entry::Assessment(a) if a.date <= today => Some((i, a)),
            _ => None,
        })
        .max_by_key(|(i, a)| (a.date, *i))
        .ok_or(PlanError::NoAssessment)?;
    let start = stored.date;
    let answers = stored.answers.clone();
    let assessment = assess(&answers, kb);
    let first = start_plan(&assessment, &answers, kb);
    let mut out = Replay {
        plan: first,
        start,
        history: Vec::new(),
        assessment,
        answers,
        assessment_id: stored.id.clone(),
        earlier_warning: None,
    };
    let current_tier = out.assessment.tier();
    out.earlier_warning = entries[..start_index]
        .iter()
        .rev()
        .filter_map(|e| match e {
            Entry::Assessment(a) if a.date <= start => Some(a),
            _ => None,
        })
        .map(|a| (a.date, assess(&a.answers, kb)))
        .find(|(_, x)| x.tier() >= crate::tier::Tier::Soon)
        .filter(|(_, x)| x.tier() > current_tier)
        .map(|(date, x)| EarlierWarning {
            date,
            tier: x.tier(),
            flags: x.triage.flags.iter().map(|f| f.id.clone()).collect(),
        });

    if out.plan.status == Status::Blocked {
        return Ok(out);
    }

    // Entries that count: after the check-up (by date, then journal order), up to today.
    let after = |i: usize, e: &Entry| e.date() > start || (e.date() == start && i > start_index);
    let walks: Vec<(usize, &Walk)> = entries
        .iter()
        .enumerate()
        .filter_map(|(i, e)| match e {
            Entry::Walk(w) if w.date <= today && after(i, e) => Some((i, w)),
            _ => None,
        })
        .collect();

    // New symptoms suspend the plan at once, until a new check-up.
    if let Some((_, w)) = walks.iter().find(|(_, w)| w.new_symptoms) {
        let days = (today - start).get_days().max(0) as u32;
        out.plan = Plan {
            schema: PLAN_SCHEMA,
            status: Status::Blocked,
            week: days / 7 + 1,
            decision: Decision {
                kind: DecisionKind::Suspend,
                because: vec![
                    format!("On {} you logged new symptoms after a walk.", w.date),
                    "The plan is suspended until you run a new check-up (`amble assess`). If you have numbness around the genitals or back passage, new bladder or bowel trouble, or new symptoms in both legs, go to an emergency department now.".into(),
                ],
            },
            walking: None,
            exercises: Vec::new(),
            excluded: out.plan.excluded.clone(),
        };
        return Ok(out);
    }

    let (first_prescription, _) = starting_prescription(&out.assessment, &out.answers);
    let paused = out.plan.status == Status::Paused;
    let freq_first = frequency_first(&out.assessment, &out.answers);
    let slow_start = strength_at_least(&out.assessment, "overload", Strength::Moderate);

    let mut current = first_prescription; // the level the plan builds from
    let mut planned: Vec<u32> = vec![current.weekly_minutes()];
    let mut this_week = current; // what is prescribed for the current block
    let mut before_flare: Option<Prescription> = None;
    let mut previous_avg: Option<f64> = None;
    let mut last_kind = DecisionKind::Start;
    let mut last_because = out.plan.decision.because.clone();
    let mut progressions = 0u32;
    let mut week: u32 = 1;

    loop {
        let block_start = start.saturating_add(((week - 1) as i64 * 7).days());
        let block_end = block_start.saturating_add(7.days());
        if block_end > today {
            break;
        }
        let block_walks: Vec<&Walk> = walks
            .iter()
            .filter(|(_, w)| w.date >= block_start && w.date < block_end)
            .map(|(_, w)| *w)
            .collect();
        let setback = matches!(last_kind, DecisionKind::Regress | DecisionKind::Flare)
            && before_flare.is_none();
        let review = review_block(
            &block_walks,
            entries,
            &out.answers,
            block_start,
            previous_avg,
            setback,
        );
        if review.avg_pain_before.is_some() {
            previous_avg = review.avg_pain_before;
        }
        let mut because = review.because;
        let mut kind = review.decision;

        if paused && kind != DecisionKind::Flare {
            kind = DecisionKind::Hold;
            because.push("The plan is paused at gentle walking until you have seen a doctor and run a new check-up.".into());
        }

        let next_week = week + 1;
        let mut next = match kind {
            DecisionKind::Flare => {
                if before_flare.is_none() {
                    before_flare = Some(regress(current));
                }
                Prescription::gentle()
            }
            DecisionKind::Progress => {
                if let Some(resume) = before_flare.take() {
                    because.push(
                        "The flare has settled: walks build back towards where you were.".into(),
                    );
                    current = resume;
                    current
                } else {
                    let stepped = progress(current, freq_first, cap_for(&planned), &mut because);
                    progressions += 1;
                    if slow_start && progressions <= 2 {
                        // Overload pattern: increases of at most 10% for two blocks [heuristic].
                        fit_under(stepped, f64::from(current.weekly_minutes()) * 1.10)
                    } else {
                        stepped
                    }
                }
            }
            DecisionKind::Regress => {
                if before_flare.is_some() {
                    Prescription::gentle()
                } else {
                    regress(current)
                }
            }
            DecisionKind::Hold | DecisionKind::Start | DecisionKind::Suspend => {
                if before_flare.is_some() {
                    Prescription::gentle()
                } else {
                    current
                }
            }
        };
        if next.mode != Mode::Gentle && !paused {
            current = next;
        }
        if next_week.is_multiple_of(4) && next.mode != Mode::Gentle && !paused {
            let full = next.weekly_minutes();
            next = deload(next);
            because.push(format!(
                "Week {next_week} is an easier week to let your body adapt: {} minutes instead of {full}; the plan picks up again after it.",
                next.weekly_minutes()
            ));
        }
        let mut cap = cap_for(&planned);
        if matches!(kind, DecisionKind::Regress | DecisionKind::Flare) {
            // A step back never raises the weekly dose, whatever the mode switch.
            cap = cap.min(f64::from(this_week.weekly_minutes()));
        }
        let capped = fit_under(next, cap);
        if capped != next {
            because.push(format!(
                "Weekly walking is kept within 20% of last week and 30% of the week before ({} minutes at most).",
                capped.weekly_minutes()
            ));
        }
        if capped.mode != Mode::Gentle && !next_week.is_multiple_of(4) && !paused {
            current = capped;
        }

        out.history.push(WeekRecord {
            week,
            start: block_start,
            planned_weekly_minutes: this_week.weekly_minutes(),
            walked_minutes: review.walked,
            green: review.green,
            amber: review.amber,
            red: review.red,
            unrated: review.unrated,
            decision: Decision {
                kind,
                because: because.clone(),
            },
        });
        planned.push(capped.weekly_minutes());
        this_week = capped;
        last_kind = kind;
        last_because = because;
        week = next_week;
    }

    if week > 1 {
        let (exercises, excluded) = if paused {
            (Vec::new(), out.plan.excluded.clone())
        } else {
            choose_exercises(&out.assessment, &out.answers, kb)
        };
        out.plan = Plan {
            schema: PLAN_SCHEMA,
            status: out.plan.status,
            week,
            decision: Decision {
                kind: last_kind,
                because: last_because,
            },
            walking: Some(this_week.into()),
            exercises,
            excluded,
        };
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Today

/// `amble.today/1`: what to do today given what is already logged this week.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Today {
    pub schema: &'static str,
    pub date: Date,
    pub week: u32,
    pub status: Status,
    /// Days left in this 7-day block, today included.
    pub days_left_in_week: i64,
    pub walks_done_this_week: u32,
    pub walks_left_this_week: u32,
    pub walked_today: bool,
    pub walk_today: bool,
    pub walking: Option<WalkingOut>,
    pub exercises_today: Vec<String>,
    pub message: String,
}

pub fn today_view(r: &Replay, entries: &[Entry], today: Date) -> Today {
    let plan: &Plan = &r.plan;
    let block_start = r.block_start();
    let block_end = block_start.saturating_add(7.days());
    let in_block = |d: Date| d >= block_start && d <= today && d < block_end && d >= r.start;
    let walk_days: std::collections::BTreeSet<Date> = entries
        .iter()
        .filter_map(|e| match e {
            Entry::Walk(w) if in_block(w.date) => Some(w.date),
            _ => None,
        })
        .collect();
    let walked_today = walk_days.contains(&today);
    let done = walk_days.len() as u32;
    let days_left = (block_end - today).get_days().max(1) as i64;
    let sessions = plan.walking.as_ref().map_or(0, |w| w.sessions_per_week);
    let left = sessions.saturating_sub(done);
    let walk_today = plan.status != Status::Blocked && !walked_today && left > 0;
    let exercises_today: Vec<String> = plan
        .exercises
        .iter()
        .filter(|d| {
            let sessions_done = entries
                .iter()
                .filter(
                    |e| matches!(e, Entry::Exercise(x) if x.exercise == d.id && in_block(x.date)),
                )
                .count() as u32;
            let done_today = entries
                .iter()
                .any(|e| matches!(e, Entry::Exercise(x) if x.exercise == d.id && x.date == today));
            !done_today && sessions_done < d.days_per_week
        })
        .map(|d| d.id.clone())
        .collect();
    let message = match plan.status {
        Status::Blocked => plan.decision.because.join(" "),
        _ if walked_today => {
            "You've walked today. Log tomorrow morning's back pain, and rest or do your exercises."
                .into()
        }
        _ if left == 0 => format!(
            "You've done all {sessions} walks for this week. A rest day, or gentle everyday walking, is fine."
        ),
        _ if i64::from(left) < days_left => format!(
            "Walk today if you feel like it: {left} walk(s) left this week and {days_left} day(s) to go."
        ),
        _ => format!("Walk today: {left} walk(s) left this week and {days_left} day(s) to go."),
    };
    Today {
        schema: "amble.today/1",
        date: today,
        week: plan.week,
        status: plan.status,
        days_left_in_week: days_left,
        walks_done_this_week: done,
        walks_left_this_week: left,
        walked_today,
        walk_today,
        walking: plan.walking.clone(),
        exercises_today,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(fit_under(x, 1000.0), x);
        let y = fit_under(x, 100.0);
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
        );
        assert_eq!(
            (i.bouts_per_session, i.bout_minutes, i.weekly_minutes()),
            (2, 11, 88)
        );
        let z = fit_under(p(Mode::Continuous, 5, 1, 3), 5.0);
        assert!(z.weekly_minutes() <= 5);
    }

    #[test]
    fn progression_changes_one_variable() {
        let mut why = Vec::new();
        let a = p(Mode::Continuous, 3, 1, 12);
        let b = progress(a, false, f64::INFINITY, &mut why);
        assert_eq!((b.sessions_per_week, b.bout_minutes), (3, 15));
        let c = progress(
            p(Mode::Continuous, 3, 1, 22),
            false,
            f64::INFINITY,
            &mut why,
        );
        assert_eq!((c.sessions_per_week, c.bout_minutes), (4, 22));
        let d = progress(p(Mode::Continuous, 3, 1, 8), true, f64::INFINITY, &mut why);
        assert_eq!((d.sessions_per_week, d.bout_minutes), (4, 8));
        let e = progress(
            p(Mode::Continuous, 5, 1, 30),
            false,
            f64::INFINITY,
            &mut why,
        );
        assert_eq!(e, p(Mode::Continuous, 5, 1, 30));
        // Adding a day (100 min) would break a 90-minute cap; longer walks (84 min) fit.
        let f = progress(p(Mode::Continuous, 3, 1, 25), false, 90.0, &mut why);
        assert_eq!((f.sessions_per_week, f.bout_minutes), (3, 28));
    }

    #[test]
    fn regress_and_deload_never_raise() {
        for m in 1..=40 {
            let x = p(Mode::Continuous, 5, 1, m);
            assert!(regress(x).bout_minutes <= m);
            assert!(deload(x).bout_minutes <= m);
        }
        assert_eq!(regress(p(Mode::Continuous, 5, 1, 20)).bout_minutes, 15);
    }
}
