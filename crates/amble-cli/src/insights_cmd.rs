//! `amble insights`: what in your own journal goes with more or less pain (contract §8).

use std::io::Write;

use amble_core::insights::{self, Insights};
use amble_store::Store;
use anyhow::Context;
use clap::Args;

use crate::Global;
use crate::context::parse_date;
use crate::failure::Failure;

#[derive(Debug, Args)]
pub struct InsightsArgs {
    /// First day to look at (YYYY-MM-DD; default: the first walk in the journal).
    #[arg(long, value_name = "YYYY-MM-DD")]
    from: Option<String>,
    /// Last day to look at (YYYY-MM-DD; default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    to: Option<String>,
}

pub fn run(global: &Global, args: &InsightsArgs) -> Result<(), Failure> {
    let today = global.today()?;
    let entries = match global.open_existing_store()? {
        Some(store) => store.list()?,
        None => Vec::new(),
    };
    let to = match &args.to {
        Some(d) => parse_date("--to", d)?,
        None => today,
    };
    let first_walk = entries.iter().find_map(|e| match e {
        amble_core::journal::Entry::Walk(w) => Some(w.date),
        _ => None,
    });
    let from = match &args.from {
        Some(d) => parse_date("--from", d)?,
        None => first_walk.unwrap_or(to).min(to),
    };
    if from > to {
        return Err(Failure::BadInput(format!(
            "--from {from} is after --to {to}"
        )));
    }
    let doc = insights::insights(&entries, from, to);
    let mut out = std::io::stdout().lock();
    if global.json {
        let text = serde_json::to_string_pretty(&doc).context("cannot encode JSON")?;
        writeln!(out, "{text}")?;
        return Ok(());
    }
    write!(out, "{}", render(&doc))?;
    Ok(())
}

fn render(doc: &Insights) -> String {
    let mut s = format!(
        "AMBLE INSIGHTS - {} to {}\n{} rated walks and {} mornings over {} weeks.\n",
        doc.from, doc.to, doc.data.walks_rated, doc.data.mornings, doc.data.weeks
    );
    s.push_str("\nWHAT WENT WITH MORE OR LESS PAIN\n");
    if doc.findings.is_empty() {
        s.push_str("  Nothing stood out clearly enough in your data yet. That is the honest answer most of the time; it can change as you log more.\n");
    }
    for f in &doc.findings {
        s.push_str(&format!("  - {} [q = {:.3}, {}]\n", f.text, f.q, f.kind));
    }
    if !doc.tested.is_empty() {
        s.push_str(&format!(
            "\nALSO TESTED (no clear pattern): {} comparisons\n",
            doc.tested.len()
        ));
        let mut factors: Vec<&str> = doc
            .tested
            .iter()
            .map(|t| amble_core::insights::factor_words(&t.factor))
            .collect();
        factors.dedup();
        s.push_str(&format!("  {}\n", factors.join(", ")));
    }
    if !doc.needs_more_data().is_empty() {
        s.push_str("\nNOT ENOUGH DATA YET\n");
        for n in doc.needs_more_data() {
            s.push_str(&format!(
                "  - {}: {}\n",
                amble_core::insights::factor_words(&n.factor),
                n.why
            ));
        }
    }
    if !doc.trends.is_empty() {
        s.push_str("\nTRENDS\n");
        for t in &doc.trends {
            s.push_str(&format!("  - {}\n", t.text));
        }
    }
    s.push_str("\nThese are patterns in your own data, not proof of a cause: a walk that went with less pain may share something else with the others.\n");
    s
}
