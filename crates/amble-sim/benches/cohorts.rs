//! The full simulated cohorts (not part of `cargo test`): 500 people per cohort through the real
//! plan engine, with the time it takes. The figures go in docs/plan-rules.md.
//!
//!     cargo bench -p amble-sim --bench cohorts -- [PEOPLE] [SEED]

#![allow(clippy::expect_used, clippy::unwrap_used)] // a benchmark may panic on a broken setup

use std::time::Instant;

use amble_core::knowledge::KnowledgeBase;
use amble_sim::{Cohort, CohortKind, run_cohort};

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let people: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(500);
    let seed: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(2026);
    let kb = KnowledgeBase::embedded().unwrap();
    let mut failed = Vec::new();
    println!("Simulated cohorts: {people} people each, seed {seed}.");
    for kind in CohortKind::ALL {
        let t = Instant::now();
        let (figures, traces) = run_cohort(&Cohort::new(kind, people, seed), &kb).unwrap();
        let secs = t.elapsed().as_secs_f64();
        let weeks: usize = traces.iter().map(|t| t.weeks.len()).sum();
        print!("{}", figures.markdown());
        println!(
            "\n{} simulated weeks in {secs:.2} s ({:.0} weekly plan replays a second)",
            weeks,
            weeks as f64 / secs
        );
        failed.extend(figures.unmet());
    }
    if !failed.is_empty() {
        eprintln!("targets not met:\n  {}", failed.join("\n  "));
        std::process::exit(1);
    }
}
