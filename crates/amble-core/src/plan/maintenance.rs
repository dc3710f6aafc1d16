//! Maintenance that listens: the plan moves to maintenance only when the walks logged (not the
//! plan's numbers) held the target for the weeks the content says, and it leaves maintenance for
//! the flare plan when a check-in says back pain limited what the person did (the WalkBack
//! question) or pain is clearly above the last or the first score (`content/plan.toml`
//! `[maintenance]`, docs/plan-rules.md "Maintenance").

use std::collections::BTreeSet;

use jiff::civil::Date;

use crate::checkin::Checkin;
use crate::journal::{Entry, Walk};
use crate::knowledge::KnowledgeBase;

use super::tuning::Maintenance;
use super::types::{Prescription, TARGET_MINUTES, TARGET_SESSIONS};

/// One week that held the target: what was walked (logged).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct HeldWeek {
    pub week: u32,
    pub minutes: f64,
    pub days: u32,
}

/// How a reviewed week counts toward maintenance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Held {
    /// Planned at the target and walked at it.
    Counts(HeldWeek),
    /// Planned below the target (an easier or capped week) and walked as planned: neither
    /// counts nor breaks the run.
    Bridge(u32),
    /// Anything else starts the count again.
    Breaks,
}

/// Minutes walked and days with a walk in a week, from the walks logged.
pub(crate) fn walked(walks: &[&Walk]) -> (f64, u32) {
    let minutes = walks.iter().map(|w| w.minutes).sum::<f64>() + 0.0;
    let days: BTreeSet<Date> = walks.iter().map(|w| w.date).collect();
    (minutes, u32::try_from(days.len()).unwrap_or(u32::MAX))
}

/// Whether the target level is reached (30 minutes on 5 days, as a level).
pub(crate) fn at_target(p: &Prescription) -> bool {
    p.weekly_minutes() >= TARGET_MINUTES * TARGET_SESSIONS && p.sessions_per_week >= TARGET_SESSIONS
}

/// How week `week` counts: `went_well` is the review's verdict (no red walk, at least one green
/// or amber, not a step back or flare, nothing paused or away); `level` the level at the start
/// of the week and `planned` the week's prescription.
pub(crate) fn held_week(
    week: u32,
    walks: &[&Walk],
    level: &Prescription,
    planned: &Prescription,
    went_well: bool,
    m: &Maintenance,
) -> Held {
    if !went_well || !at_target(level) {
        return Held::Breaks;
    }
    let (minutes, days) = walked(walks);
    if at_target(planned) {
        if minutes + 1e-9 >= m.min_minutes_walked && days >= m.min_days_walked {
            return Held::Counts(HeldWeek {
                week,
                minutes,
                days,
            });
        }
        return Held::Breaks;
    }
    if minutes + 1e-9 >= m.min_share_walked * f64::from(planned.weekly_minutes())
        && days >= planned.sessions_per_week.min(m.min_days_walked)
    {
        Held::Bridge(week)
    } else {
        Held::Breaks
    }
}

/// "a, b and c".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// A number of points as people read it: whole numbers without decimals.
fn points(x: f64) -> String {
    if (x - x.round()).abs() < 0.005 {
        format!("{:.0}", x.round())
    } else {
        format!("{x:.1}")
    }
}

/// The words that move the plan to maintenance, built from the weeks walked.
pub(crate) fn entry_words(held: &[HeldWeek], bridged: &[u32], m: &Maintenance) -> Vec<String> {
    let weeks: Vec<String> = held.iter().map(|h| h.week.to_string()).collect();
    let minutes: Vec<String> = held.iter().map(|h| format!("{:.0}", h.minutes)).collect();
    let days: Vec<u32> = held.iter().map(|h| h.days).collect();
    let days_words = if days.windows(2).all(|w| w[0] == w[1]) {
        format!(
            "on {} each week",
            crate::words::count(days.first().copied().unwrap_or(0), "day", "days")
        )
    } else {
        format!(
            "on {} days",
            and_list(&days.iter().map(u32::to_string).collect::<Vec<_>>())
        )
    };
    let mut out = vec![format!(
        "In weeks {} you walked {} minutes, {days_words}, with no red walk{HELD} (at least {:.0} minutes on {} days a week) for {}, so the plan moves to maintenance.",
        and_list(&weeks),
        and_list(&minutes),
        m.min_minutes_walked,
        m.min_days_walked,
        crate::words::count(
            u32::try_from(held.len()).unwrap_or(u32::MAX),
            "week",
            "weeks"
        ),
    )];
    if !bridged.is_empty() {
        let b: Vec<String> = bridged.iter().map(u32::to_string).collect();
        out.push(format!(
            "{} {} {} planned lighter, and you walked {} as planned.",
            crate::words::noun(u32::try_from(b.len()).unwrap_or(u32::MAX), "Week", "Weeks"),
            and_list(&b),
            if b.len() == 1 { "was" } else { "were" },
            if b.len() == 1 { "it" } else { "them" }
        ));
    }
    out.push(format!(
        "Keep walking at the target (or, if you like, build toward 150 to 300 minutes of moderate activity a week), check in once every {}, and keep your flare plan at hand.",
        crate::words::count(m.checkin_every_weeks, "week", "weeks")
    ));
    out
}

/// Where the entry words turn from the weeks walked to the verdict.
const HELD: &str = ": you have held the target";

/// While the plan is in maintenance: since when, and the walking that took it there, from the
/// plan's history ("Your plan has been in maintenance since week 6: in weeks 1, 2, 3 and 5 you
/// walked 150, ... minutes, on 5 days each week, with no red walk."). The terminal and the
/// home page both show it. `None` when the history holds no entry into maintenance.
pub fn maintenance_since(history: &[super::types::WeekRecord]) -> Option<String> {
    history.iter().rev().find_map(|h| {
        h.decision.because.iter().find_map(|b| {
            let clause = b.strip_prefix("In weeks ")?.split_once(HELD)?.0;
            Some(format!(
                "Your plan has been in maintenance since week {}: in weeks {clause}.",
                h.week.saturating_add(1)
            ))
        })
    })
}

/// The words that start a flare plan from a check-in in maintenance.
pub(crate) const LEAVES_FOR_FLARE: &str = "So the plan leaves maintenance for the flare plan now: gentle walking for the rest of this week and until your walks go well again, then it builds back toward the target.";

/// Why check-in `c` takes the plan out of maintenance (empty when it does not): the WalkBack
/// question answered yes, or pain (0-10 or PEG) at least `pain_rise` points above the last
/// score or the first. Each change is told against both.
pub fn checkin_alarm(entries: &[Entry], c: &Checkin, kb: &KnowledgeBase) -> Vec<String> {
    let rise = kb.plan.maintenance.pain_rise;
    let mut out = Vec::new();
    if c.activity_limited == Some(true) {
        out.push(format!(
            "Your check-in on {} says back pain has limited what you do since the last one.",
            c.date
        ));
    }
    let outcomes = crate::checkin::outcomes(entries, c, kb);
    for (id, what) in [("nprs", "back pain"), ("peg", "pain score (PEG)")] {
        let Some(o) = outcomes.get(id) else {
            continue;
        };
        let (last_date, last) = o
            .since_last
            .as_ref()
            .map_or((None, o.baseline), |l| (Some(l.date), l.last));
        let up_last = o.now - last;
        let up_first = o.now - o.baseline;
        if up_last + 1e-9 < rise && up_first + 1e-9 < rise {
            continue;
        }
        let change = |d: f64| {
            if d.abs() < 0.005 {
                "the same as".to_string()
            } else if d > 0.0 {
                format!(
                    "up {} {} from",
                    points(d),
                    if points(d) == "1" { "point" } else { "points" }
                )
            } else {
                format!(
                    "down {} {} from",
                    points(-d),
                    if points(-d) == "1" { "point" } else { "points" }
                )
            }
        };
        let text = match last_date {
            Some(d) => format!(
                "Your {what} in the check-in on {} is {}/10: {} your last score ({}/10 on {d}) and {} your first ({}/10).",
                c.date,
                points(o.now),
                change(up_last),
                points(last),
                change(up_first),
                points(o.baseline)
            ),
            None => format!(
                "Your {what} in the check-in on {} is {}/10: {} your first score ({}/10), the last one before it.",
                c.date,
                points(o.now),
                change(up_first),
                points(o.baseline)
            ),
        };
        out.push(text);
    }
    out
}

/// What to do in a flare, and when to contact a clinician.
pub(crate) const FLARE_ADVICE: &str = "Flares are common and usually settle. For now: only the short, easy walks the plan gives this week (two a day when the week has room for them, otherwise one). If it isn't settling within 1 to 2 weeks, or you're worried, contact your doctor or physiotherapist; if anything new appears, such as numbness or weakness, run the check-up again.";
