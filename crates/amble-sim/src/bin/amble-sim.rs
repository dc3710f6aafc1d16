//! `amble-sim`: runs cohorts of simulated people through the real plan engine and prints the
//! cohort figures with their targets (docs/plan-rules.md).
//!
//!     cargo run --release -p amble-sim -- [--people N] [--seed S] [--cohort NAME]...
//!
//! Exits 1 when a target is not met.

use anyhow::{Context, bail};
use clap::Parser;

use amble_core::knowledge::KnowledgeBase;
use amble_sim::{Cohort, CohortKind, run_cohort};

/// Simulated cohorts through Amble's plan engine.
#[derive(Parser)]
#[command(name = "amble-sim", version)]
struct Args {
    /// People per cohort.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    people: u32,
    /// Seed for the cohorts (the same seed gives the same figures).
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Cohorts to run (noise, missed, flare, break, overdo, few-walks, stenosis); all by default.
    #[arg(long = "cohort")]
    cohorts: Vec<String>,
    /// Print cap or floor breaches, step backs and flares person by person.
    #[arg(long)]
    verbose: bool,
    /// Instead of cohorts: write the journal of one simulated person (an `amble.journal/1`
    /// export, with daily step counts) to FILE, for `amble journal import` and benchmarks.
    #[arg(long, value_name = "FILE")]
    journal_out: Option<std::path::PathBuf>,
    /// Weeks of that journal.
    #[arg(long, default_value_t = 260, value_parser = clap::value_parser!(u32).range(1..=2_600))]
    weeks: u32,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let kb = KnowledgeBase::embedded().context("loading the knowledge base")?;
    if let Some(path) = &args.journal_out {
        let cohort = Cohort::new(CohortKind::Noise, 1, args.seed);
        let (person, seed) = &cohort.people[0];
        let trace = amble_sim::person::simulate_with(person, args.weeks, *seed, &kb, true)
            .map_err(anyhow::Error::msg)?;
        let doc = amble_core::journal::JournalDoc {
            schema: amble_core::journal::JOURNAL_SCHEMA.into(),
            entries: trace.entries,
        };
        let text = serde_json::to_string(&doc)?;
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
        println!(
            "Wrote {} entries ({} weeks from {}) to {}",
            doc.entries.len(),
            args.weeks,
            amble_sim::person::START,
            path.display()
        );
        return Ok(());
    }
    let kinds: Vec<CohortKind> = if args.cohorts.is_empty() {
        CohortKind::ALL.to_vec()
    } else {
        args.cohorts
            .iter()
            .map(|c| {
                CohortKind::parse(c).with_context(|| {
                    format!("unknown cohort {c:?}: expected one of noise, missed, flare, break, overdo, few-walks, stenosis, ordinary, keen")
                })
            })
            .collect::<anyhow::Result<_>>()?
    };
    let mut unmet = Vec::new();
    println!(
        "Simulated cohorts: {} people each, seed {}.",
        args.people, args.seed
    );
    for kind in kinds {
        let cohort = Cohort::new(kind, args.people as usize, args.seed);
        let (figures, traces) = run_cohort(&cohort, &kb).map_err(anyhow::Error::msg)?;
        print!("{}", figures.markdown());
        if args.verbose {
            for (i, t) in traces.iter().enumerate() {
                for b in amble_sim::report::breaches(t, &kb) {
                    println!("  person {i}: {b}");
                }
                for h in &t.last.history {
                    if matches!(
                        h.decision.kind,
                        amble_core::plan::DecisionKind::Regress
                            | amble_core::plan::DecisionKind::Flare
                    ) {
                        println!(
                            "  person {i} week {} ({} min planned): {:?}: {}",
                            h.week,
                            h.planned_weekly_minutes,
                            h.decision.kind,
                            h.decision.because.join(" ")
                        );
                    }
                }
            }
        }
        unmet.extend(
            figures
                .unmet()
                .into_iter()
                .map(|u| format!("{}: {u}", kind.name())),
        );
    }
    if !unmet.is_empty() {
        bail!("targets not met:\n  {}", unmet.join("\n  "));
    }
    Ok(())
}
