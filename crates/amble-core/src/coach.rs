//! The coach's alerts (contract §12): when a person on a coach's list may need attention, most
//! urgent first, each with the reason in words. The thresholds come from `content/coach.toml`
//! (with their sources) and a clinic may set its own; the web app only shows the result.

use crate::journal::Entry;
use crate::plan::{DecisionKind, Replay};
use jiff::civil::Date;
use serde::Serialize;

pub use crate::coach_rules::{
    AlertThresholds, CoachRules, PAIN_HIGH_RANGE, PAIN_RISE_RANGE, PainRules, QUIET_DAYS_RANGE,
    QuietRules,
};

/// One reason a person may need attention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alert {
    /// 1: warning signs and new symptoms; 2: flares and pain; 3: gone quiet.
    pub tier: u8,
    pub text: String,
}

/// Every pain rating with its date: mornings, before and worst of walks, check-ins.
pub fn ratings(entries: &[Entry]) -> Vec<(Date, u8)> {
    let mut out = Vec::new();
    for e in entries {
        match e {
            Entry::Morning(m) => out.push((m.date, m.pain)),
            Entry::Walk(w) => {
                out.extend(w.pain_before.map(|p| (w.date, p)));
                out.extend(w.pain_peak.map(|p| (w.date, p)));
            }
            Entry::Checkin(c) => out.extend(c.pain.map(|p| (c.date, p))),
            _ => {}
        }
    }
    out
}

/// The alerts for one journal as of `today`, most urgent first.
pub fn alerts(
    entries: &[Entry],
    replayed: Option<&Replay>,
    today: Date,
    t: AlertThresholds,
) -> Vec<Alert> {
    let mut out = Vec::new();
    if let Some(r) = replayed {
        out.extend(plan_alerts(r));
    }
    out.extend(pain_alerts(entries, today, t));
    let days = |d: Date| i64::from((today - d).get_days());
    let last = entries.iter().map(Entry::date).max();
    if last.is_none_or(|d| days(d) >= t.quiet_days) {
        out.push(Alert {
            tier: 3,
            text: format!("no entries for {} days or more", t.quiet_days),
        });
    }
    out.sort_by_key(|a| a.tier);
    out
}

/// What the replayed plan says: suspended, warning signs, a flare.
fn plan_alerts(r: &Replay) -> Vec<Alert> {
    let mut out = Vec::new();
    if r.plan.decision.kind == DecisionKind::Suspend {
        out.push(Alert {
            tier: 1,
            text: r
                .plan
                .decision
                .because
                .first()
                .cloned()
                .unwrap_or_else(|| "the plan is suspended".into()),
        });
    } else if r.assessment.tier() >= crate::Tier::Soon {
        out.push(Alert {
            tier: 1,
            text: format!(
                "warning signs at the check-up ({})",
                r.assessment.tier().as_str()
            ),
        });
    }
    if r.history
        .last()
        .is_some_and(|h| h.decision.kind == DecisionKind::Flare)
    {
        out.push(Alert {
            tier: 2,
            text: "a flare in the last week".into(),
        });
    }
    out
}

/// A rise in pain over the week before, and any high rating this week.
fn pain_alerts(entries: &[Entry], today: Date, t: AlertThresholds) -> Vec<Alert> {
    let mut out = Vec::new();
    let days = |d: Date| i64::from((today - d).get_days());
    let recent_days = i64::from(t.recent_days);
    let window = recent_days + i64::from(t.baseline_days);
    let r = ratings(entries);
    let in_range = |lo: i64, hi: i64| -> Vec<f64> {
        r.iter()
            .filter(|(d, _)| (lo..hi).contains(&days(*d)))
            .map(|(_, p)| f64::from(*p))
            .collect()
    };
    let recent = in_range(0, recent_days);
    let before = in_range(recent_days, window);
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    if !recent.is_empty()
        && !before.is_empty()
        && mean(&recent) - mean(&before) >= f64::from(t.pain_rise)
    {
        out.push(Alert {
            tier: 2,
            text: format!(
                "pain rose by {:.1} points this week (alert at {})",
                mean(&recent) - mean(&before),
                t.pain_rise
            ),
        });
    }
    if let Some(high) = r
        .iter()
        .filter(|(d, _)| (0..recent_days).contains(&days(*d)))
        .map(|(_, p)| *p)
        .max()
        && high >= t.pain_high
    {
        out.push(Alert {
            tier: 2,
            text: format!("pain of {high}/10 this week (alert at {})", t.pain_high),
        });
    }
    out
}
