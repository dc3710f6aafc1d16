//! The learning library's articles as content (`content/learn.toml`). Finding them by pattern,
//! by plan decision or by their words is in `learn`.

use serde::{Deserialize, Serialize};

pub const LEARN_SCHEMA: &str = "amble.learn/1";

/// The groups, in library order.
pub const GROUPS: &[&str] = &["basics", "questions"];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Topic {
    pub id: String,
    pub group: String,
    pub title: String,
    pub summary: String,
    pub keywords: Vec<String>,
    /// Check-up patterns this article helps with.
    pub patterns: Vec<String>,
    pub body: Vec<String>,
    pub sources: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LearnFile {
    pub version: u32,
    pub topic: Vec<Topic>,
}
