//! The coach's alert thresholds as content (`content/coach.toml`) and as set by a clinic, with
//! their bounds. The alerts themselves, which read the plan, are in `coach`.

use serde::Deserialize;

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
