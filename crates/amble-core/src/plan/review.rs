//! The weekly review of one 7-day block (§4.3's pseudo-rule): counts the lights and decides.

use jiff::ToSpan;
use jiff::civil::Date;

use crate::journal::Walk;
use crate::words::count;

use super::lights::{Light, Mornings, classify};
use super::tuning::PlanTuning;
use super::types::DecisionKind;

pub(crate) struct BlockReview {
    pub decision: DecisionKind,
    pub because: Vec<String>,
    pub green: u32,
    pub amber: u32,
    pub red: u32,
    pub unrated: u32,
    pub walked: f64,
    pub avg_pain_before: Option<f64>,
}

/// What the review needs to know besides the block's walks.
pub(crate) struct Context<'a> {
    /// The week reviewed (named in the words, so they say which week they describe).
    pub week: u32,
    pub mornings: &'a Mornings,
    pub tuning: &'a PlanTuning,
    pub block_start: Date,
    pub previous_avg: Option<f64>,
    /// The week before was a step back or a flare: hold one more week before building.
    pub after_setback: bool,
    /// The plan is in gentle walking for a flare.
    pub in_flare: bool,
    /// The plan is building back toward a level the person walked before (after a flare or a
    /// break): fewer rated walks are enough to take the next step back up.
    pub rebuilding: bool,
    /// Walks the week planned (days x walks a day).
    pub planned_walks: u32,
    /// The week before already answered its risen mornings (its review was a flare or a step
    /// back, or it switched to the flare plan within the week): a run that began there is not
    /// counted again here, only the risen mornings of this block.
    pub answered_before: bool,
}

/// The longest run of logged mornings that are a real rise over the baseline, among the block's
/// days and the few days just before it (so a flare across two blocks is seen at once). A day
/// with no morning logged neither breaks nor extends a run. When the week before already
/// answered its risen mornings (`answered_before`), the days before the block are left out: a
/// flare answered once is not a second flare a week later.
fn risen_run(cx: &Context<'_>) -> u32 {
    let lights = &cx.tuning.lights;
    let lead = if cx.answered_before {
        0
    } else {
        i64::from(cx.tuning.review.flare_mornings.saturating_sub(1))
    };
    let (mut best, mut run) = (0, 0);
    for d in -lead..7 {
        let day = cx.block_start.saturating_add(d.days());
        match cx.mornings.risen(day, lights, None) {
            Some(true) => run += 1,
            Some(false) => run = 0,
            None => {}
        }
        // Only runs that reach into this block count.
        if d >= 0 {
            best = best.max(run);
        }
    }
    best
}

pub(crate) fn review_block(walks: &[&Walk], cx: &Context<'_>) -> BlockReview {
    let lights = &cx.tuning.lights;
    let rules = &cx.tuning.review;
    let classes: Vec<Light> = walks
        .iter()
        .map(|w| classify(w, cx.mornings, lights))
        .collect();
    let n = |l: Light| classes.iter().filter(|x| **x == l).count() as u32;
    let (green, amber, red, unrated) = (
        n(Light::Green),
        n(Light::Amber),
        n(Light::Red),
        n(Light::Unrated),
    );
    let logged = green + amber + red;
    // An empty sum is -0.0; add 0.0 so it reads "0".
    let walked: f64 = walks.iter().map(|w| w.minutes).sum::<f64>() + 0.0;
    let rated_before: Vec<f64> = walks
        .iter()
        .filter_map(|w| w.pain_before.map(f64::from))
        .collect();
    let avg_pain_before = (!rated_before.is_empty())
        .then(|| rated_before.iter().sum::<f64>() / rated_before.len() as f64);

    // A RED walk whose next two mornings were both a real rise over the baseline.
    let red_lasting = walks.iter().zip(&classes).any(|(w, l)| {
        *l == Light::Red
            && (1..=2).all(|k| {
                cx.mornings
                    .risen(w.date.saturating_add(k.days()), lights, w.pain_before)
                    == Some(true)
            })
    });
    let run = risen_run(cx);
    let flare = run >= rules.flare_mornings || red >= rules.flare_red_walks;
    let trend_up = matches!((avg_pain_before, cx.previous_avg),
        (Some(now), Some(before)) if now - before >= rules.trend_rise);

    let mut because = Vec::new();
    let no_morning = walks
        .iter()
        .zip(&classes)
        .filter(|(w, l)| {
            **l == Light::Amber
                && w.pain_peak.is_some_and(|p| p <= lights.green_peak_max)
                && cx.mornings.after(w.date, 1).is_none()
        })
        .count() as u32;
    let mut tally = format!(
        "Week {}: {green} green, {amber} amber and {red} red {}",
        cx.week,
        crate::words::noun(green + amber + red, "walk", "walks")
    );
    if unrated > 0 {
        tally.push_str(&format!(
            ", and {} without pain ratings",
            count(unrated, "walk", "walks")
        ));
    }
    tally.push('.');
    because.push(tally);
    if no_morning > 0 {
        because.push(format!(
            "{} had no next-morning pain logged, so {} as amber; logging the next morning lets an easy walk count as green.",
            count(no_morning, "easy walk", "easy walks"),
            if no_morning == 1 { "it counts" } else { "they count" }
        ));
    }
    let min_logged = if cx.in_flare || cx.rebuilding {
        rules.min_rated_walks_in_flare
    } else {
        rules.min_rated_walks
    };
    // Misses are normal: two thirds of the planned walks, rated, are enough to judge the week.
    let share_of_plan = (f64::from(cx.planned_walks) * rules.min_rated_share - 1e-9).ceil();
    let min_logged = if cx.planned_walks > 0 {
        min_logged.min((share_of_plan.max(1.0)) as u32)
    } else {
        min_logged
    };
    let decision = if flare {
        because.push(if red >= rules.flare_red_walks {
            format!("{} went red: that looks like a flare.", count(red, "walk", "walks"))
        } else {
            format!("Your back pain on waking was clearly higher than your usual mornings (by 2 points or more) for {run} days in a row: that looks like a flare.")
        });
        because.push(super::maintenance::FLARE_ADVICE.into());
        DecisionKind::Flare
    } else if logged < min_logged {
        because.push(format!(
            "{} with pain ratings {} logged; at least {min_logged} are needed to move on, so the plan stays where it is.",
            count(logged, "walk", "walks"),
            if logged == 1 { "was" } else { "were" }
        ));
        DecisionKind::Hold
    } else if red >= rules.regress_red_walks || red_lasting {
        because.push(if red_lasting {
            "A red walk left your morning pain clearly above usual for two days, so the walks get shorter for a week.".into()
        } else {
            format!("{} went red, so the walks get shorter for a week.", count(red, "walk", "walks"))
        });
        DecisionKind::Regress
    } else if red == 1 {
        because.push("One walk went red, so the plan repeats this week before moving on.".into());
        DecisionKind::Hold
    } else if f64::from(green + amber) / f64::from(logged.max(1)) >= rules.progress_ok_fraction
        && !trend_up
    {
        if cx.in_flare {
            because.push("Your walks went well again: the flare looks settled.".into());
            DecisionKind::Progress
        } else if cx.after_setback {
            because.push("Walks went well; after the step back, the plan holds one more week before building again.".into());
            DecisionKind::Hold
        } else {
            because.push(
                "Your walks went well (green or amber, none red), so the plan takes one step up."
                    .into(),
            );
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

/// Whether the week starting on `block_start` was switched to the flare plan within the week
/// (two red walks, or two mornings clearly above the baseline: `review.flare_soon`), and the
/// words its review gives: such a week is reviewed as a flare week (docs/plan-rules.md, "A
/// coach within the week").
pub(crate) fn switched_to_flare(
    walks: &[&Walk],
    mornings: &Mornings,
    tuning: &PlanTuning,
    block_start: Date,
) -> Option<String> {
    let lights = &tuning.lights;
    let soon = tuning.review.flare_soon;
    let red = walks
        .iter()
        .filter(|w| classify(w, mornings, lights) == Light::Red)
        .count();
    let risen = (0..7i64)
        .filter(|d| {
            mornings.risen(block_start.saturating_add(d.days()), lights, None) == Some(true)
        })
        .count();
    let n = |k: usize| u32::try_from(k).unwrap_or(u32::MAX);
    if red >= soon {
        Some(format!(
            "{} went red, so this week switched to the flare plan: the review reads it as a flare week, and gentle walking continues until your walks go well again.",
            count(n(red), "walk", "walks")
        ))
    } else if risen >= soon {
        Some(format!(
            "Your back pain on waking was clearly higher than your usual mornings (by 2 points or more) on {}, so this week switched to the flare plan: the review reads it as a flare week, and gentle walking continues until your walks go well again.",
            count(n(risen), "morning", "mornings")
        ))
    } else {
        None
    }
}
