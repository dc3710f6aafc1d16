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

/// A person who holds the target reaches maintenance (4 weeks at about 30 minutes on 5 days
/// with no red walk), and a real flare takes them out of it; after the flare the usual rules
/// build them back and they can reach maintenance again.
#[test]
fn holding_the_target_reaches_maintenance_and_a_flare_leaves_it() {
    use amble_core::plan::Status;
    use amble_sim::person::{Flare, simulate};
    let kb = KnowledgeBase::embedded().unwrap();
    let mut reached = 0;
    let cohort = Cohort::new(CohortKind::Noise, 12, 5);
    for (p, seed) in &cohort.people {
        let mut p = p.clone();
        p.capacity = 35.0;
        p.reported_pain_free = 35.0;
        p.ceiling = 90.0;
        p.walks_per_week_answer = 5;
        let t = simulate(&p, 52, *seed, &kb).unwrap();
        let Some(first) = t.weeks.iter().position(|w| w.status == Status::Maintenance) else {
            continue;
        };
        reached += 1;
        eprintln!("maintenance from week {}", first + 1);
        // Maintenance keeps the target: every week planned there walks at least 150 minutes.
        for w in t.weeks.iter().filter(|w| w.status == Status::Maintenance) {
            let m = w.walking.as_ref().map_or(0, |x| x.weekly_minutes);
            assert!(m >= 150, "week {}: {m} minutes in maintenance", w.index);
        }
        // A red week in maintenance (three walks well over the amber ceiling) steps back and
        // leaves maintenance.
        let m_start = amble_sim::person::START
            .saturating_add(jiff::Span::new().days(i64::from(first as u32) * 7));
        let mut red: Vec<amble_core::journal::Entry> = t
            .entries
            .iter()
            .filter(|e| e.date() < m_start)
            .cloned()
            .collect();
        for (k, d) in [0i64, 2, 4].into_iter().enumerate() {
            red.push(amble_core::journal::Entry::Walk(
                amble_core::journal::Walk {
                    id: format!("w-red-{k}"),
                    date: m_start.saturating_add(jiff::Span::new().days(d)),
                    start: None,
                    minutes: 30.0,
                    elapsed_minutes: None,
                    bouts: 1,
                    pain_before: Some(2),
                    pain_peak: Some(8),
                    leg_spread: Some(amble_core::journal::LegSpread::None),
                    new_symptoms: false,
                    distance_km: None,
                    steps: None,
                    cadence_spm: None,
                    avg_hr_bpm: None,
                    ascent_m: None,
                    surface: None,
                    shoes: None,
                    source: amble_core::journal::WalkSource::Manual,
                    notes: None,
                    gait: None,
                },
            ));
        }
        let before = amble_core::plan::replay(&red, m_start, &kb).unwrap();
        assert_eq!(before.plan.status, Status::Maintenance);
        let after =
            amble_core::plan::replay(&red, m_start.saturating_add(jiff::Span::new().days(7)), &kb)
                .unwrap();
        assert_eq!(
            after.plan.status,
            Status::Active,
            "{:?}",
            after.plan.decision
        );
        assert!(
            after
                .plan
                .decision
                .because
                .iter()
                .any(|b| b.contains("leaves maintenance"))
        );
        // The same person with a flare two weeks into maintenance.
        let onset = (first as u32 + 2) * 7;
        p.flare = Some(Flare {
            onset,
            days: 12,
            rise: 4.0,
        });
        let f = simulate(&p, 52, *seed, &kb).unwrap();
        let left = f
            .weeks
            .iter()
            .skip(first + 2)
            .find(|w| w.status != Status::Maintenance)
            .unwrap_or_else(|| panic!("a flare leaves maintenance: {:?}", f.weeks));
        assert!(
            f.last.history.iter().any(|h| h
                .decision
                .because
                .iter()
                .any(|b| b.contains("leaves maintenance"))),
            "the reason is given"
        );
        assert_eq!(left.status, Status::Active);
        assert!(
            left.index as usize <= first + 5,
            "left within the flare (week {})",
            left.index
        );
    }
    assert!(
        reached >= 9,
        "{reached} of 12 reached maintenance within a year"
    );
}

/// The adherence cohorts do what they say: ordinary people miss 10-20 % of their planned walks
/// and leave some unrated; keen people sometimes log a walk more than the week planned, and
/// walk longer than planned; ordinary misses are held to the progress targets.
#[test]
fn adherence_cohorts_miss_walks_and_walk_extra() {
    use amble_core::journal::Entry;
    let kb = KnowledgeBase::embedded().unwrap();
    let (figures, traces) = run_cohort(&Cohort::new(CohortKind::Ordinary, 12, SEED), &kb).unwrap();
    assert!(
        figures
            .figures
            .iter()
            .any(|f| f.name.starts_with("weeks to 30 min") && f.target.is_some()),
        "ordinary misses are held to the progress targets"
    );
    let (mut planned, mut logged, mut unrated) = (0u32, 0u32, 0u32);
    for t in &traces {
        for h in &t.last.history {
            planned += h.planned_walks;
            logged += h.green + h.amber + h.red + h.unrated;
            unrated += h.unrated;
        }
    }
    let missed = 1.0 - f64::from(logged) / f64::from(planned);
    assert!((0.08..=0.22).contains(&missed), "missed {missed:.2}");
    assert!(unrated > 0);

    let (_, keen) = run_cohort(&Cohort::new(CohortKind::Keen, 6, SEED), &kb).unwrap();
    let extra_weeks = keen
        .iter()
        .flat_map(|t| t.last.history.iter())
        .filter(|h| h.green + h.amber + h.red + h.unrated > h.planned_walks)
        .count();
    assert!(extra_weeks > 0, "some weeks have a walk more than planned");
    let longer = keen.iter().all(|t| {
        t.entries.iter().any(|e| match e {
            Entry::Walk(w) => w.minutes > 0.0 && t.person.overdo > 1.05,
            _ => false,
        })
    });
    assert!(longer);
}
