//! The learning library (`content/learn.toml`): short sourced articles, found by id, by the
//! check-up pattern or plan decision they help with, or by searching their words.

use crate::plan::DecisionKind;

pub use crate::topics::{GROUPS, LEARN_SCHEMA, Topic};

/// The article that explains a check-up pattern best: the first that names it.
pub fn for_pattern<'a>(topics: &'a [Topic], pattern: &str) -> Option<&'a Topic> {
    topics
        .iter()
        .find(|t| t.patterns.first().is_some_and(|p| p == pattern))
        .or_else(|| {
            topics
                .iter()
                .find(|t| t.patterns.iter().any(|p| p == pattern))
        })
}

/// The article behind a plan decision: the flare plan for a flare, pacing otherwise.
pub fn for_decision(topics: &[Topic], kind: DecisionKind) -> Option<&Topic> {
    let id = match kind {
        DecisionKind::Flare => "flares",
        DecisionKind::Suspend => "when-to-see-someone",
        _ => "pacing",
    };
    topics.iter().find(|t| t.id == id)
}

fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 1)
        .map(str::to_string)
        .collect()
}

/// Words too common to search by.
const STOP: &[&str] = &[
    "the", "and", "for", "my", "is", "it", "to", "of", "in", "on", "do", "can", "what", "how",
    "should", "about", "with", "a", "i", "me", "when",
];

/// How well one query word matches one text word: exact 1, the same stem (one is a prefix of
/// the other, 4+ letters) 0.8, a likely typo (Jaro-Winkler 0.9+, 5+ letters) 0.6.
fn word_match(q: &str, w: &str) -> f64 {
    if q == w {
        1.0
    } else if q.len() >= 4 && w.len() >= 4 && (w.starts_with(q) || q.starts_with(w)) {
        0.8
    } else if q.len() >= 5 && strsim::jaro_winkler(q, w) >= 0.9 {
        0.6
    } else {
        0.0
    }
}

fn best(q: &str, text: &[String]) -> f64 {
    text.iter().map(|w| word_match(q, w)).fold(0.0, f64::max)
}

/// The topics matching `query`, best first: each query word scores by where it is found
/// (title and keywords weigh most, then the summary, then the text); every topic found has at
/// least one word.
pub fn search<'a>(topics: &'a [Topic], query: &str) -> Vec<&'a Topic> {
    let q: Vec<String> = words(query)
        .into_iter()
        .filter(|w| !STOP.contains(&w.as_str()))
        .collect();
    if q.is_empty() {
        return Vec::new();
    }
    let mut scored: Vec<(f64, usize, &Topic)> = topics
        .iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let title = words(&t.title);
            let keys = words(&t.keywords.join(" "));
            let summary = words(&t.summary);
            let body = words(&t.body.join(" "));
            let score: f64 = q
                .iter()
                .map(|w| {
                    (3.0 * best(w, &title))
                        .max(3.0 * best(w, &keys))
                        .max(2.0 * best(w, &summary))
                        .max(best(w, &body))
                })
                .sum();
            (score > 0.0).then_some((score, i, t))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, _, t)| t).collect()
}
