//! The coach's alerts (contract §12): when a person on a coach's list may need attention, most
//! urgent first, each with the reason in words. The thresholds come from `content/coach.toml`
//! (with their sources) and a clinic may set its own; the web app only shows the result.

use crate::journal::Entry;
use crate::plan::{DecisionKind, Replay};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// `content/coach.toml`: the default thresholds, with their sources.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoachRules {
    pub version: u32,
    pub pain: PainRules,
    pub quiet: QuietRules,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PainRules {
    /// Points the mean rating of the last `recent_days` rose over the `baseline_days` before.
    pub rise_points: u8,
    /// Any rating this high within the last `recent_days`.
    pub high: u8,
    pub recent_days: u32,
    pub baseline_days: u32,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuietRules {
    /// Days without any entry.
    pub days: u32,
    pub sources: Vec<String>,
}

/// The thresholds in force: the content's defaults, or a clinic's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlertThresholds {
    pub pain_rise: u8,
    pub pain_high: u8,
    pub quiet_days: i64,
    /// The window of "this week" (days, today included).
    pub recent_days: u32,
    /// The window before it that the rise is measured against (days).
    pub baseline_days: u32,
}

/// The bounds a clinic's own threshold must keep (what `amble serve` accepts).
pub const PAIN_RISE_RANGE: std::ops::RangeInclusive<u8> = 1..=10;
pub const PAIN_HIGH_RANGE: std::ops::RangeInclusive<u8> = 1..=10;
pub const QUIET_DAYS_RANGE: std::ops::RangeInclusive<i64> = 1..=365;

impl CoachRules {
    /// The default thresholds.
    pub fn thresholds(&self) -> AlertThresholds {
        AlertThresholds {
            pain_rise: self.pain.rise_points,
            pain_high: self.pain.high,
            quiet_days: i64::from(self.quiet.days),
            recent_days: self.pain.recent_days,
            baseline_days: self.pain.baseline_days,
        }
    }

    /// Each section's sources, for the knowledge base's check.
    pub fn source_lists(&self) -> [(&'static str, &[String]); 2] {
        [("pain", &self.pain.sources), ("quiet", &self.quiet.sources)]
    }

    /// Every number within its bounds: `Err((key path, message))`.
    pub fn check(&self) -> Result<(), (String, String)> {
        let bad = |k: &str, m: String| Err((k.to_string(), m));
        if !PAIN_RISE_RANGE.contains(&self.pain.rise_points) {
            return bad(
                "pain.rise_points",
                format!("expected 1 to 10, found {}", self.pain.rise_points),
            );
        }
        if !PAIN_HIGH_RANGE.contains(&self.pain.high) {
            return bad(
                "pain.high",
                format!("expected 1 to 10, found {}", self.pain.high),
            );
        }
        if !(1..=28).contains(&self.pain.recent_days) {
            return bad(
                "pain.recent_days",
                format!("expected 1 to 28, found {}", self.pain.recent_days),
            );
        }
        if !(1..=84).contains(&self.pain.baseline_days) {
            return bad(
                "pain.baseline_days",
                format!("expected 1 to 84, found {}", self.pain.baseline_days),
            );
        }
        if !QUIET_DAYS_RANGE.contains(&i64::from(self.quiet.days)) {
            return bad(
                "quiet.days",
                format!("expected 1 to 365, found {}", self.quiet.days),
            );
        }
        Ok(())
    }
}

impl AlertThresholds {
    /// These thresholds with a clinic's own where it set one.
    pub fn with(
        self,
        pain_rise: Option<u8>,
        pain_high: Option<u8>,
        quiet_days: Option<i64>,
    ) -> AlertThresholds {
        AlertThresholds {
            pain_rise: pain_rise.unwrap_or(self.pain_rise),
            pain_high: pain_high.unwrap_or(self.pain_high),
            quiet_days: quiet_days.unwrap_or(self.quiet_days),
            ..self
        }
    }
}

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
