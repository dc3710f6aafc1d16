//! The words `insights` adds to results about the factors the walking plan sets
//! (`content/insights.toml`), loaded with the knowledge base and checked there.

pub use crate::knowledge::{InsightWords, PlanSetWords};

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
