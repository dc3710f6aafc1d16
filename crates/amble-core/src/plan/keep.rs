//! A new check-up keeps your level (docs/plan-rules.md): after a full check-up with no new
//! warning sign and no new neurological symptom, a person who chose "keep my level" carries on
//! from the level their plan had reached instead of starting again at week 1.

use crate::answers::Answers;
use crate::assessment::Assessment;
use crate::journal::Entry;
use crate::knowledge::KnowledgeBase;
use crate::tier::PlanStatus;
use crate::words::count;

use super::progression::fit_under;
use super::start::{floor_bout, split_for_severity};
use super::types::{KeptLevel, Mode, Prescription, Replay, Status, WeekType};

/// Whether the full check-up at `index` asks to keep the level and may keep it: stored with
/// "keep my level", not a re-screen, and the new answers raise no new warning sign and no new
/// neurological symptom (the plan is allowed, `assessment` already carries the journal's new
/// symptoms). Only then does [`kept_level`] need the plan before it.
pub(crate) fn asks_to_keep(entries: &[Entry], index: usize, assessment: &Assessment) -> bool {
    let Some(Entry::Assessment(this)) = entries.get(index) else {
        return false;
    };
    this.keep_level && !this.rescreen && assessment.plan_status == PlanStatus::Allowed
}

/// What a check-up that [`asks_to_keep`] keeps, given `before`, the plan replayed from the
/// entries before it as of its date: the plan before must have been running (active or in
/// maintenance, not suspended, paused or gentle). `None` means the plan starts again from the
/// new answers, as before.
pub(crate) fn kept_level(
    before: &Replay,
    assessment: &Assessment,
    answers: &Answers,
    new_start: Prescription,
    kb: &KnowledgeBase,
) -> Option<KeptLevel> {
    if !matches!(before.plan.status, Status::Active | Status::Maintenance)
        || before.suspended_on.is_some()
    {
        return None;
    }
    // A warning sign the plan before did not have (at any tier) means starting again.
    let new_sign = assessment
        .triage
        .flags
        .iter()
        .any(|f| !before.assessment.triage.flags.iter().any(|b| b.id == f.id));
    if new_sign {
        return None;
    }
    let mut reached = before.level?;
    if reached.mode == Mode::Gentle {
        return None;
    }
    let tuning = &kb.plan;
    let floor = floor_bout(answers, tuning);
    // A full week the caps held below the level: what was prescribed is what was reached.
    if before.week_type == WeekType::Full
        && let Some(week) = before.current
        && week.mode != Mode::Gentle
        && week.weekly_minutes() < reached.weekly_minutes()
    {
        reached = week;
    }
    let mut level = reached;
    // Much worse answers (walking less, pain sooner or stronger): no more than their start.
    let limited_by_answers = walks_less(answers, &before.answers)
        && new_start.mode != Mode::Gentle
        && new_start.weekly_minutes() < level.weekly_minutes();
    if limited_by_answers {
        level = new_start;
    }
    // In a flare the week in effect is gentle: keep the level's shape, no more than that week.
    if before.week_type == WeekType::Gentle
        && let Some(week) = before.current
    {
        level = fit_under(level, f64::from(week.weekly_minutes()), floor);
    }
    // Severe pain or distress in the new answers: the same minutes in shorter walks (§2.5).
    if !assessment.severity(answers).is_empty() {
        level = split_for_severity(level, tuning);
    }
    Some(KeptLevel {
        from_week: before.plan.week,
        reached,
        limited_by_answers,
        level,
    })
}

/// Whether the new answers say the person walks or tolerates less than the answers of the plan
/// before: a shorter usual walk, pain sooner in a walk, or a walk's worst pain 2 points or more
/// higher (docs/plan-rules.md, "A new check-up keeps your level").
fn walks_less(now: &Answers, before: &Answers) -> bool {
    let less = |a: Option<f64>, b: Option<f64>| matches!((a, b), (Some(a), Some(b)) if a < b);
    less(now.walking.usual_minutes, before.walking.usual_minutes)
        || less(
            now.walking.pain_free_minutes,
            before.walking.pain_free_minutes,
        )
        || matches!((now.pain.walk_peak, before.pain.walk_peak), (Some(a), Some(b)) if a >= b + 2)
}

/// "N minutes on D days": the walking of one day and how many days, from the numbers.
fn minutes_on_days(p: &Prescription) -> String {
    format!(
        "{} on {} ({})",
        count(p.session_minutes(), "minute", "minutes"),
        count(p.sessions_per_week, "day", "days"),
        p.day_words()
    )
}

/// The words that open the plan of a check-up that kept the level.
pub(crate) fn kept_because(k: &KeptLevel) -> Vec<String> {
    let mut out = vec![format!(
        "You ran the check-up again with no new warning sign and no new symptom, and chose to keep your level: the plan carries on from week {} of the plan before, at {} a week. Weeks now count from this check-up.",
        k.from_week,
        count(k.level.weekly_minutes(), "minute", "minutes"),
    )];
    if k.limited_by_answers {
        out.push(format!(
            "Your new answers say you walk less, or with more pain, than at the check-up before: the plan starts no higher than those answers' start ({} instead of {}).",
            k.level.day_words(),
            k.reached.day_words()
        ));
    } else if k.level != k.reached {
        out.push(format!(
            "Fitted to where you are now: {} instead of {}.",
            k.level.day_words(),
            k.reached.day_words()
        ));
    }
    out.push("Exercises are chosen again from your new answers.".into());
    out
}

/// What a new check-up did to the plan, in one line for the terminal and the web: "Your plan
/// keeps week N: …" or "Your plan starts again from week 1: …". `None` for a first check-up
/// (nothing to keep or start again), and when the plan has no walking to state (blocked) or
/// is paused (its own words say why). `entries` is the journal `r` was replayed from.
pub fn level_words(r: &Replay, entries: &[Entry]) -> Option<String> {
    let at = crate::new_symptoms::index_of(entries, &r.assessment_id)?;
    let earlier = entries[..at]
        .iter()
        .any(|e| matches!(e, Entry::Assessment(a) if !a.rescreen));
    if !earlier || r.plan.status == Status::Paused {
        return None;
    }
    if let Some(k) = &r.kept {
        return Some(format!(
            "Your plan keeps week {}: {}.",
            k.from_week,
            minutes_on_days(&k.level)
        ));
    }
    let first = r.current?;
    Some(format!(
        "Your plan starts again from week 1: {}.",
        minutes_on_days(&first)
    ))
}
