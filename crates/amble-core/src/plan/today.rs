//! `amble today`: what to do today, given the plan and what is already logged this block.

use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

use crate::journal::{Entry, Walk};
use crate::knowledge::{ExerciseKind, KnowledgeBase};
use crate::words::count;

use super::lights::{Light, Mornings, classify, explain, morning_words};
use super::start::floor_bout;
use super::types::{DecisionKind, Plan, Prescription, Replay, Status, WalkingOut, WeekType};

/// The heading and words of a paused plan, with the same timing as the check-up: a plan that
/// waits for warning-sign answers says so (and what to do if one might apply), never "see a
/// doctor in the next few days". The plan page, the report and today's page all use these.
pub fn paused_words(waiting_for_answers: bool) -> (&'static str, &'static str) {
    if waiting_for_answers {
        (
            "Paused: some warning-sign questions are unanswered",
            "Your check-up left some warning-sign questions without a yes or no. Answer them in a new check-up; if one of them might apply to you now, treat it as a yes: numbness around your genitals or back passage, or new trouble with your bladder or bowels, needs an emergency department now; for the others, contact your doctor today. Until then: no increases, and easy walking only (never more than you already walk comfortably).",
        )
    } else {
        (
            "Paused: see a doctor first",
            "Your check-up asks you to see a doctor in the next few days. Until then: no increases, and easy walking only (never more than you already walk comfortably).",
        )
    }
}

/// What a blocked or suspended plan shows first, as a heading and paragraphs: the care
/// message's headline, then what to do, the signs with their days and until when (the plan's
/// own reasons, the lead split into heading and action); "No plan for now" and the reasons
/// after new symptoms alone. `None` while there is a plan to walk.
pub fn blocked_words(r: &Replay) -> Option<(String, Vec<String>)> {
    if r.plan.status != Status::Blocked {
        return None;
    }
    let because = &r.plan.decision.because;
    Some(match &r.care {
        Some(care) if because.first().is_some_and(|b| *b == care.lead()) => {
            let mut lines: Vec<String> = care.action.iter().cloned().collect();
            lines.extend(because.iter().skip(1).cloned());
            (care.headline.clone(), lines)
        }
        _ => ("No plan for now".to_string(), because.clone()),
    })
}

/// Whether a re-screen with every warning sign "no" (and the new symptoms settled) may lift the
/// plan's suspension: a suspension by new symptoms, or by a sign at "soon", yes; one by a sign
/// at urgent or emergency only ends with a new check-up (brief §2.4).
pub fn rescreen_may_lift(r: &Replay) -> bool {
    r.plan.decision.kind == DecisionKind::Suspend
        && r.care
            .as_ref()
            .is_none_or(|c| c.tier < crate::tier::Tier::Urgent)
}

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
    /// Today's walking: the plan's, or an easier one after a red walk or an unsettled
    /// morning (`easier_today`).
    pub walking: Option<WalkingOut>,
    pub exercises_today: Vec<String>,
    /// The last logs call for an easier day: a shorter walk and no strength exercises.
    pub easier_today: bool,
    /// How the last logs went, one line each (the latest walk's light and why; this morning).
    pub feedback: Vec<String>,
    pub message: String,
    /// While the plan is paused: why, and what to do (`paused_words`); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paused: Option<String>,
}

/// What the last few days' logs say: the latest rated walk of the last 3 days with its light,
/// and the latest morning of the last 2 days if it is clearly above the usual.
struct Recent<'a> {
    walk: Option<(&'a Walk, Light)>,
    risen_morning: Option<Date>,
}

fn recent<'a>(
    entries: &'a [Entry],
    mornings: &Mornings,
    r: &Replay,
    today: Date,
    kb: &KnowledgeBase,
) -> Recent<'a> {
    let lights = &kb.plan.lights;
    let from = today.saturating_sub(2.days()).max(r.start);
    let walk = entries
        .iter()
        .filter_map(|e| match e {
            Entry::Walk(w) if w.date >= from && w.date <= today && w.pain_peak.is_some() => Some(w),
            _ => None,
        })
        .max_by_key(|w| w.date)
        .map(|w| (w, classify(w, mornings, lights)));
    let risen_morning = [today, today.saturating_sub(1.days())]
        .into_iter()
        .find(|d| mornings.on(*d).is_some())
        .filter(|d| *d >= r.start && mornings.risen(*d, lights, None) == Some(true));
    Recent {
        walk,
        risen_morning,
    }
}

/// What the last walk and an unsettled morning say, in words (nothing while suspended).
fn feedback(
    plan: &Plan,
    last: &Recent<'_>,
    mornings: &Mornings,
    today: Date,
    kb: &KnowledgeBase,
) -> Vec<String> {
    let lights = &kb.plan.lights;
    let mut feedback = Vec::new();
    if plan.status != Status::Blocked {
        if let Some((w, light)) = last.walk {
            let when = if w.date == today {
                "today".to_string()
            } else {
                format!("on {}", w.date)
            };
            let words = match light {
                Light::Green => "green",
                Light::Amber => "amber",
                Light::Red => "red",
                Light::Unrated => "not rated",
            };
            feedback.push(format!(
                "Your walk {when} was {words}. {}",
                explain(w, mornings, lights)
            ));
        }
        if let Some(d) = last.risen_morning {
            feedback.push(morning_words(mornings, d, lights, today));
        }
    }
    feedback
}

/// The exercises still to do this week and not done today (only the gentle ones on an easier
/// day).
fn exercises_left(
    plan: &Plan,
    entries: &[Entry],
    in_block: impl Fn(Date) -> bool,
    easier_today: bool,
    today: Date,
    kb: &KnowledgeBase,
) -> Vec<String> {
    plan.exercises
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
            let gentle = kb
                .exercise(&d.id)
                .is_some_and(|e| e.kind != ExerciseKind::Strength);
            !done_today && sessions_done < d.days_per_week && (!easier_today || gentle)
        })
        .map(|d| d.id.clone())
        .collect()
}

pub fn today_view(r: &Replay, entries: &[Entry], today: Date, kb: &KnowledgeBase) -> Today {
    let plan: &Plan = &r.plan;
    let mornings = Mornings::new_until(entries, &r.answers, today);
    let last = recent(entries, &mornings, r, today, kb);
    let block_start = r.block_start();
    let block_end = block_start.saturating_add(7.days());
    let in_block = |d: Date| d >= block_start && d <= today && d < block_end && d >= r.start;
    let entries = crate::journal::since(entries, block_start);
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
    // A coach within the week: after a red walk or an unsettled morning, today steps down (a
    // walk shorter by the plan's step-back fraction, stretches and mobility only) [heuristic].
    // A flare week (found by the weekly review or within the week) is already gentle.
    let flare_week = matches!(plan.status, Status::Active | Status::Maintenance)
        && plan.decision.kind == DecisionKind::Flare
        && r.week_type == WeekType::Gentle;
    let easier_today = matches!(plan.status, Status::Active | Status::Maintenance)
        && !flare_week
        && (last.walk.is_some_and(|(_, l)| l == Light::Red) || last.risen_morning.is_some());
    let feedback = feedback(plan, &last, &mornings, today, kb);
    let walking = match plan.walking.as_ref() {
        Some(w) if easier_today => {
            let p = Prescription::from(w);
            let floor = floor_bout(&r.answers, &kb.plan);
            let bout = (f64::from(p.bout_minutes) * kb.plan.steps.regress_fraction).floor() as u32;
            Some(
                Prescription {
                    bout_minutes: bout.max(floor).min(p.bout_minutes),
                    ..p
                }
                .into(),
            )
        }
        other => other.cloned(),
    };
    // A flare week, like an easier day, keeps to stretches and mobility.
    let exercises_today = exercises_left(
        plan,
        entries,
        in_block,
        easier_today || flare_week,
        today,
        kb,
    );
    let today_walk = walking
        .as_ref()
        .map(|w| Prescription::from(w).day_words())
        .unwrap_or_default();
    let message = match plan.status {
        Status::Blocked => plan.decision.because.join(" "),
        _ if flare_week && walked_today => format!(
            "This is a flare week: you've walked today. Stretches and mobility exercises only for now. Log tomorrow morning's back pain. {}",
            super::maintenance::FLARE_ADVICE
        ),
        _ if flare_week => format!(
            "This is a flare week: keep moving gently today ({today_walk}), at an easy pace on the flat, and do only the stretches and mobility exercises. {}",
            super::maintenance::FLARE_ADVICE
        ),
        _ if easier_today && walked_today => "Take it easy for the rest of today: stretches and mobility exercises only. Log tomorrow morning's back pain.".into(),
        _ if easier_today => format!(
            "Take it easier today. If you walk, keep to {today_walk} at an easy pace on the flat, and do only the stretches and mobility exercises. If your back is still clearly worse tomorrow morning, rest a day."
        ),
        _ if walked_today => {
            "You've walked today. Log tomorrow morning's back pain, and rest or do your exercises."
                .into()
        }
        _ if left == 0 => format!(
            "You've done all {} for this week. A rest day, or gentle everyday walking, is fine.",
            count(sessions, "walking day", "walking days")
        ),
        _ if i64::from(left) > days_left.max(0) => format!(
            "Walk today ({today_walk}): {} left in this week, fewer than the {} the plan still has for it, so walk on the days you can.",
            count(days_left.max(0) as u64, "day", "days"),
            count(left, "walking day", "walking days")
        ),
        _ if i64::from(left) < days_left => format!(
            "Walk today if you feel like it ({today_walk}): {} left this week and {} to go.",
            count(left, "walking day", "walking days"),
            count(days_left.max(0) as u64, "day", "days")
        ),
        _ => format!(
            "Walk today ({today_walk}): {} left this week and {} to go.",
            count(left, "walking day", "walking days"),
            count(days_left.max(0) as u64, "day", "days")
        ),
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
        walking,
        exercises_today,
        easier_today,
        feedback,
        message,
        paused: (plan.status == Status::Paused).then(|| {
            paused_words(r.assessment.waiting_for_answers())
                .1
                .to_string()
        }),
    }
}

/// One line on what was just logged: a walk's light and why, or what a morning says about the
/// walk the day before (or about the usual mornings when there was none).
pub fn after_logging(
    entries: &[Entry],
    r: &Replay,
    id: &str,
    today: Date,
    kb: &KnowledgeBase,
) -> Option<String> {
    let lights = &kb.plan.lights;
    let mornings = Mornings::new_until(entries, &r.answers, today);
    match entries.iter().find(|e| e.id() == id)? {
        Entry::Walk(w) => Some(explain(w, &mornings, lights)),
        Entry::Morning(m) => {
            let before = m.date.saturating_sub(1.days());
            let walk = entries.iter().rev().find_map(|e| match e {
                Entry::Walk(w) if w.date == before && w.pain_peak.is_some() => Some(w),
                _ => None,
            });
            Some(match walk {
                Some(w) => format!(
                    "Your walk the day before: {}",
                    explain(w, &mornings, lights)
                ),
                None => morning_words(&mornings, m.date, lights, today),
            })
        }
        _ => None,
    }
}
