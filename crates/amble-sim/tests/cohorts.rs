//! A small deterministic cohort of every kind runs through the real plan engine on every test
//! run; every target of docs/plan-rules.md must hold (the full cohorts are a benchmark:
//! `cargo bench -p amble-sim --bench cohorts`).

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

use amble_core::knowledge::KnowledgeBase;
use amble_sim::report::breaches;
use amble_sim::{Cohort, CohortKind, run_cohort};

const PEOPLE: usize = 24;
const SEED: u64 = 2026;

#[test]
fn every_cohort_meets_its_targets() {
    let kb = KnowledgeBase::embedded().unwrap();
    let mut unmet = Vec::new();
    for kind in CohortKind::ALL {
        let (figures, traces) = run_cohort(&Cohort::new(kind, PEOPLE, SEED), &kb).unwrap();
        assert_eq!(traces.len(), PEOPLE);
        for (i, t) in traces.iter().enumerate() {
            let b = breaches(t, &kb);
            assert!(b.is_empty(), "{} person {i}: {b:?}", kind.name());
        }
        unmet.extend(
            figures
                .unmet()
                .into_iter()
                .map(|u| format!("{}: {u}", kind.name())),
        );
    }
    assert!(unmet.is_empty(), "targets not met:\n{}", unmet.join("\n"));
}

#[test]
fn the_simulation_is_deterministic() {
    let kb = KnowledgeBase::embedded().unwrap();
    let cohort = Cohort::new(CohortKind::Flare, 4, 7);
    let (a, _) = run_cohort(&cohort, &kb).unwrap();
    let (b, _) = run_cohort(&cohort, &kb).unwrap();
    assert_eq!(a, b);
}

#[test]
fn a_noise_only_person_is_not_stepped_back_by_one_point_wobbles() {
    // The person: pain 2 before, 3 during, mornings 1-3 around a usual of 2.
    let kb = KnowledgeBase::embedded().unwrap();
    let mut cohort = Cohort::new(CohortKind::Noise, 12, 11);
    for (p, _) in &mut cohort.people {
        p.usual = 2.0;
        p.noise = 0.6;
    }
    let (_, traces) = run_cohort(&cohort, &kb).unwrap();
    for t in &traces {
        let setbacks = t
            .last
            .history
            .iter()
            .filter(|h| {
                matches!(
                    h.decision.kind,
                    amble_core::plan::DecisionKind::Flare | amble_core::plan::DecisionKind::Regress
                )
            })
            .count();
        assert!(setbacks <= 1, "{setbacks} setbacks: {:#?}", t.last.history);
    }
}
