//! Cohorts of simulated people, each drawn from a seed.

use amble_core::knowledge::KnowledgeBase;

pub use crate::cohort_kind::CohortKind;
use crate::person::{Break, Flare, Person, Trace, simulate};
use crate::report::{CohortFigures, figures};

#[derive(Debug, Clone)]
pub struct Cohort {
    pub kind: CohortKind,
    pub people: Vec<(Person, u64)>,
}

fn uniform(rng: &mut fastrand::Rng, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * rng.f64()
}

/// A person whose only trouble is day-to-day noise.
fn base(rng: &mut fastrand::Rng) -> Person {
    let capacity = uniform(rng, 10.0, 25.0);
    Person {
        stenosis: false,
        age: uniform(rng, 30.0, 72.0),
        capacity,
        reported_pain_free: capacity * uniform(rng, 0.9, 1.1),
        ceiling: uniform(rng, 45.0, 90.0),
        growth: uniform(rng, 0.025, 0.04),
        usual: uniform(rng, 1.0, 3.0),
        noise: uniform(rng, 0.4, 0.8),
        adherence: 1.0,
        rates: 1.0,
        mornings: 0.9,
        overdo: 1.0,
        max_walks: None,
        extra_walk: 0.0,
        walks_per_week_answer: rng.u32(2..=5),
        flare: None,
        away: None,
    }
}

impl Cohort {
    pub fn new(kind: CohortKind, size: usize, seed: u64) -> Cohort {
        let mut rng =
            fastrand::Rng::with_seed(seed ^ (kind as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let people = (0..size)
            .map(|_| {
                let mut p = base(&mut rng);
                match kind {
                    CohortKind::Noise => {}
                    CohortKind::Missed => {
                        p.adherence = uniform(&mut rng, 0.6, 0.85);
                        p.rates = 0.85;
                        p.mornings = 0.6;
                    }
                    CohortKind::Flare => {
                        p.flare = Some(Flare {
                            onset: rng.u32(28..=98),
                            days: rng.u32(7..=14),
                            rise: uniform(&mut rng, 3.0, 4.5),
                        });
                    }
                    CohortKind::Break => {
                        p.away = Some(Break {
                            from: rng.u32(8..=14),
                            weeks: 6,
                        });
                    }
                    CohortKind::Overdo => p.overdo = uniform(&mut rng, 1.3, 1.7),
                    CohortKind::FewWalks => p.max_walks = Some(2),
                    CohortKind::Stenosis => {
                        p.stenosis = true;
                        p.age = uniform(&mut rng, 60.0, 82.0);
                        p.capacity = uniform(&mut rng, 5.0, 12.0);
                        p.reported_pain_free = p.capacity * uniform(&mut rng, 0.9, 1.1);
                        p.ceiling = uniform(&mut rng, 30.0, 60.0);
                    }
                    CohortKind::Ordinary => {
                        p.adherence = uniform(&mut rng, 0.8, 0.9);
                        p.rates = 0.9;
                    }
                    CohortKind::Keen => {
                        // They answer their usual walk; their body can do much more.
                        p.capacity = p.reported_pain_free * uniform(&mut rng, 2.0, 3.0);
                        p.ceiling = p.ceiling.max(p.capacity * 1.5);
                        p.overdo = uniform(&mut rng, 1.1, 1.3);
                        p.extra_walk = 0.3;
                    }
                }
                (p, rng.u64(..))
            })
            .collect();
        Cohort { kind, people }
    }
}

/// Runs every person of a cohort and computes its figures.
pub fn run_cohort(
    cohort: &Cohort,
    kb: &KnowledgeBase,
) -> Result<(CohortFigures, Vec<Trace>), String> {
    let weeks = cohort.kind.weeks();
    let traces = cohort
        .people
        .iter()
        .map(|(p, seed)| simulate(p, weeks, *seed, kb))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((figures(cohort.kind, &traces, kb), traces))
}
