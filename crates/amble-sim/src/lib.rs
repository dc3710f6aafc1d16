//! Amble's plan simulator: cohorts of simulated people (day-to-day noise, missed walks, real
//! flares, breaks, over-doers, people who log too little, interval walkers with spinal
//! stenosis) walk, log and read their plan week by week through the real plan engine
//! (`amble_core::plan::replay`). The figures it prints are the evidence that the adaptive rules
//! hold up in real lives; `docs/plan-rules.md` lists the targets and the measured figures.
//!
//! Everything is deterministic for a given seed.

pub mod cohort;
mod cohort_kind;
pub mod person;
pub mod report;

pub use cohort::{Cohort, CohortKind, run_cohort};
pub use report::{CohortFigures, Target};
