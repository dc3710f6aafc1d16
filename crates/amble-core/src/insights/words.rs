//! The words `insights` adds to results about the factors the walking plan sets
//! (`content/insights.toml`), loaded with the knowledge base and checked there.

use serde::Deserialize;

/// `content/insights.toml`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InsightWords {
    pub version: u32,
    pub plan_set: PlanSetWords,
}

/// A note for each factor the plan sets from recent pain, added to every result about it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanSetWords {
    pub minutes: String,
    pub bouts: String,
    pub sources: Vec<String>,
}

impl InsightWords {
    /// The note for a factor the plan sets, if it is one.
    pub fn plan_set_note(&self, factor: &str) -> Option<&str> {
        match factor {
            "minutes" => Some(&self.plan_set.minutes),
            "bouts" => Some(&self.plan_set.bouts),
            _ => None,
        }
    }

    /// Checks the words: each note present, hedged ("may" or "often"), never naming a cause.
    /// `Err((location, message))`.
    pub fn check(&self) -> Result<(), (String, String)> {
        for (key, text) in [
            ("minutes", &self.plan_set.minutes),
            ("bouts", &self.plan_set.bouts),
        ] {
            let at = format!("plan_set.{key}");
            let lower = text.to_lowercase();
            if lower.trim().is_empty() {
                return Err((at, "empty: every plan-set factor needs its note".into()));
            }
            if !lower.contains("may") && !lower.contains("often") {
                return Err((
                    at,
                    "say \"may\" or \"often\": a pattern is not a certainty".into(),
                ));
            }
            if ["caused", "causes", "because of your walk"]
                .iter()
                .any(|w| lower.contains(w))
            {
                return Err((at, "never name a cause: a journal cannot show one".into()));
            }
        }
        Ok(())
    }
}

/// The words compiled into this build (checked with the knowledge base at start-up and in the
/// tests); `None` only if `content/insights.toml` were broken, and then no note is added.
pub fn embedded() -> Option<&'static InsightWords> {
    static WORDS: std::sync::LazyLock<Option<InsightWords>> = std::sync::LazyLock::new(|| {
        crate::knowledge::EMBEDDED
            .iter()
            .find(|f| f.name.ends_with("insights.toml"))
            .and_then(|f| toml::from_str(f.text).ok())
    });
    WORDS.as_ref()
}
