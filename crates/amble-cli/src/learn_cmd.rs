//! `amble learn`: the library of short sourced articles (contract §11).

use std::io::Write;

use amble_core::learn::{self, LEARN_SCHEMA, Topic};
use anyhow::Context;
use clap::Args;
use serde_json::json;

use crate::Global;
use crate::assess_cmd::load_kb;
use crate::failure::Failure;

#[derive(Debug, Args)]
pub struct LearnArgs {
    /// The article to read (its id, e.g. `pacing`); without one, the list of articles.
    topic: Option<String>,
    /// Find articles by their words (e.g. "back belt").
    #[arg(long, value_name = "WORDS", conflicts_with = "topic")]
    search: Option<String>,
}

fn listing(topics: &[&Topic]) -> serde_json::Value {
    json!({
        "schema": LEARN_SCHEMA,
        "topics": topics.iter().map(|t| json!({
            "id": t.id, "title": t.title, "summary": t.summary, "sources": t.sources,
        })).collect::<Vec<_>>(),
    })
}

fn wrap(text: &str, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::from(indent);
    for w in text.split_whitespace() {
        if line.len() > indent.len() && line.len() + 1 + w.len() > 78 {
            out.push_str(line.trim_end());
            out.push('\n');
            line = String::from(indent);
        }
        if line.len() > indent.len() {
            line.push(' ');
        }
        line.push_str(w);
    }
    out.push_str(line.trim_end());
    out
}

pub fn run(global: &Global, args: &LearnArgs) -> Result<(), Failure> {
    let kb = load_kb()?;
    let mut out = std::io::stdout().lock();
    if let Some(id) = &args.topic {
        let Some(t) = kb.learn.iter().find(|t| t.id == *id) else {
            let near = learn::search(&kb.learn, &id.replace('-', " "));
            let hint = near
                .first()
                .map_or(String::new(), |t| format!(" (did you mean `{}`?)", t.id));
            return Err(Failure::BadInput(format!(
                "no article called {id:?}{hint}; `amble learn` lists them all"
            )));
        };
        if global.json {
            let mut doc = serde_json::to_value(t).context("cannot encode JSON")?;
            doc["schema"] = json!(LEARN_SCHEMA);
            doc["citations"] = json!(
                t.sources
                    .iter()
                    .filter_map(|s| kb.source(s))
                    .map(|s| json!({"id": s.id, "citation": s.citation}))
                    .collect::<Vec<_>>()
            );
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&doc).context("cannot encode JSON")?
            )?;
            return Ok(());
        }
        writeln!(
            out,
            "{}\n\n{}\n",
            t.title.to_uppercase(),
            wrap(&t.summary, "")
        )?;
        for p in &t.body {
            writeln!(out, "{}\n", wrap(p, ""))?;
        }
        writeln!(out, "Sources:")?;
        for s in t.sources.iter().filter_map(|s| kb.source(s)) {
            writeln!(out, "{}", wrap(&format!("[{}] {}", s.id, s.citation), "  "))?;
        }
        return Ok(());
    }
    let (topics, heading): (Vec<&Topic>, String) = match &args.search {
        Some(q) => (
            learn::search(&kb.learn, q),
            format!("Articles about \"{}\":", q.trim()),
        ),
        None => (kb.learn.iter().collect(), "The Amble library:".into()),
    };
    if global.json {
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&listing(&topics)).context("cannot encode JSON")?
        )?;
        return Ok(());
    }
    if topics.is_empty() {
        writeln!(out, "No article matches; `amble learn` lists them all.")?;
        return Ok(());
    }
    writeln!(out, "{heading}\n")?;
    for t in topics {
        writeln!(out, "  {:<28} {}", t.id, t.title)?;
    }
    writeln!(out, "\nRead one with `amble learn ID`.")?;
    Ok(())
}
