//! One simulated person: how their back responds to walking, how they log, and what life does
//! to them (flares, breaks). `simulate` walks them through the real plan engine week by week.
//!
//! The model is deliberately simple and documented in docs/plan-rules.md:
//! - *capacity* is the minutes they can walk before pain (or, with spinal stenosis, leg
//!   symptoms) starts; each walk within it raises it a little, up to a personal ceiling;
//! - pain before a walk and on waking is their usual level plus day-to-day noise (normal, about
//!   a point), rounded to the 0-10 scale;
//! - a walk longer than their capacity hurts more the further over it goes, and well over it
//!   leaves the next mornings worse (a real response, not noise);
//! - a flare raises morning and walking pain by several points for one to two weeks and lowers
//!   capacity; a break means nothing at all is logged for some weeks, and capacity fades by 3 %
//!   a week, then comes back twice as fast as it first grew, up to the best it had reached.

use amble_core::Answers;
use amble_core::journal::{
    DailyMetrics, Entry, ExerciseSession, LegSpread, Morning, StoredAssessment, Walk, WalkSource,
};
use amble_core::knowledge::KnowledgeBase;
use amble_core::plan::{
    DecisionKind, PlanError, Prescription, Replay, Status, WalkingOut, WeekType, replay,
};
use jiff::ToSpan;
use jiff::civil::{Date, date};
use serde_json::json;

/// A real flare: from `onset` (days after the start) for `days` days, `rise` points worse.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Flare {
    pub onset: u32,
    pub days: u32,
    pub rise: f64,
}

/// A break: nothing logged from week `from` (0-based) for `weeks` weeks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Break {
    pub from: u32,
    pub weeks: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    /// Interval walker with the spinal-stenosis pattern (leg symptoms that sitting eases).
    pub stenosis: bool,
    pub age: f64,
    /// Minutes before pain (or leg symptoms) starts, today.
    pub capacity: f64,
    /// What they answer in the check-up for that (they may be a little off).
    pub reported_pain_free: f64,
    pub ceiling: f64,
    /// Capacity gained per comfortable walk (fraction).
    pub growth: f64,
    /// Usual back pain on waking, and before walks.
    pub usual: f64,
    /// Day-to-day noise (standard deviation, points).
    pub noise: f64,
    /// Chance a planned walk happens.
    pub adherence: f64,
    /// Chance a walk gets its pain ratings.
    pub rates: f64,
    /// Chance a morning gets logged.
    pub mornings: f64,
    /// Walks this much longer than planned (1.0: as planned).
    pub overdo: f64,
    /// Logs at most this many walks a week.
    pub max_walks: Option<u32>,
    /// Chance a week has one walk more than planned (on a day without a planned walk).
    pub extra_walk: f64,
    pub walks_per_week_answer: u32,
    pub flare: Option<Flare>,
    pub away: Option<Break>,
}

/// What the plan said at the start of one week.
#[derive(Debug, Clone, PartialEq)]
pub struct WeekView {
    /// 0-based week of the simulation (the plan's week is this plus one).
    pub index: u32,
    pub status: Status,
    pub decision: DecisionKind,
    pub walking: Option<WalkingOut>,
    pub level: Option<Prescription>,
    pub week_type: WeekType,
}

#[derive(Debug, Clone)]
pub struct Trace {
    pub person: Person,
    pub weeks: Vec<WeekView>,
    /// The replay at the end, with the whole decision history.
    pub last: Replay,
    /// The shortest walk the plan may prescribe this person.
    pub floor: u32,
    /// Everything the person logged, in journal order.
    pub entries: Vec<Entry>,
}

fn normal(rng: &mut fastrand::Rng) -> f64 {
    // Box-Muller.
    let u1 = rng.f64().max(1e-12);
    let u2 = rng.f64();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

fn score(x: f64) -> u8 {
    x.round().clamp(0.0, 10.0) as u8
}

/// The check-up answers this person gives.
pub fn answers(p: &Person, kb: &KnowledgeBase) -> Result<Answers, String> {
    let flags = json!({
        "saddle_numbness": false, "bladder_change": false, "bowel_change": false,
        "both_legs_new": false, "sexual_dysfunction_new": false, "progressive_weakness": false,
        "spreading_numbness_unsteady": false, "cancer_history": false,
        "weight_loss_unexplained": false, "fever_unwell": false, "infection_risk": false,
        "significant_trauma": false, "minor_trauma_bone_risk": false,
        "constant_night_pain": false, "aaa_signs": false, "sudden_cold_pale_leg": false,
        "foot_rest_pain_or_ulcer": false, "chest_symptoms_on_exertion": false,
        "minor_trauma": false
    });
    let symptoms = if p.stenosis {
        json!({"loc_back": true, "loc_buttock": "both", "loc_thigh": "both", "leg_quality": ["heaviness"],
               "standing_alone_provokes": true, "relief_by": ["sitting", "bending_forward"],
               "sitting_effect": "eases", "uphill_vs_downhill": "worse_downhill"})
    } else {
        json!({"loc_back": true, "loc_below_knee": "none", "leg_quality": ["ache"],
               "relief_by": ["keep_moving"], "relief_minutes": "lt2",
               "standing_alone_provokes": false, "onset_in_walk": "varies"})
    };
    let v = json!({
        "age": p.age.round(),
        "red_flags": flags,
        "symptoms": symptoms,
        "walking": {
            "usual_minutes": (p.reported_pain_free * 1.3).round(),
            "walks_per_week": p.walks_per_week_answer,
            "pain_free_minutes": p.reported_pain_free.round()
        },
        "pain": {"now": score(p.usual), "walk_peak": score(p.usual + 3.0), "usual_morning": score(p.usual)}
    });
    Answers::from_value(v, kb).map_err(|e| e.to_string())
}

pub const START: Date = date(2026, 1, 5);

fn day(n: u32) -> Date {
    START.saturating_add(i64::from(n).days())
}

/// Runs one person for `weeks` weeks through the real plan engine.
pub fn simulate(
    person: &Person,
    weeks: u32,
    seed: u64,
    kb: &KnowledgeBase,
) -> Result<Trace, String> {
    simulate_with(person, weeks, seed, kb, false)
}

fn uniform(rng: &mut fastrand::Rng, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * rng.f64()
}

/// One walk of the planned bout on `date` (`flare`: the flare's rise that day, 0 without one):
/// the pain before and at worst, rated or not, and how far over the person's tolerance it went.
fn one_walk(
    p: &Person,
    walking: &WalkingOut,
    flare: f64,
    date: Date,
    id: String,
    rng: &mut fastrand::Rng,
) -> (Walk, f64) {
    let bout = f64::from(walking.bout_minutes) * p.overdo;
    let capacity = if flare > 0.0 {
        p.capacity * 0.7
    } else {
        p.capacity
    };
    let over = (bout / capacity - 1.0).max(0.0);
    let before = p.usual + 0.7 * flare + p.noise * normal(rng);
    let worst = before + 1.0 + 4.0 * over + 0.5 * flare + 0.7 * p.noise * normal(rng);
    let rated = rng.f64() < p.rates;
    let spread = if p.stenosis {
        Some(if over > 0.3 {
            LegSpread::Further
        } else {
            LegSpread::Usual
        })
    } else {
        Some(LegSpread::None)
    };
    let walk = Walk {
        id,
        date,
        start: None,
        minutes: bout * f64::from(walking.bouts_per_session),
        elapsed_minutes: None,
        bouts: walking.bouts_per_session,
        pain_before: rated.then(|| score(before)),
        pain_peak: rated.then(|| score(worst)),
        leg_spread: if rated { spread } else { None },
        new_symptoms: false,
        distance_km: None,
        steps: None,
        cadence_spm: None,
        avg_hr_bpm: None,
        ascent_m: None,
        surface: None,
        shoes: None,
        source: WalkSource::Manual,
        notes: None,
        gait: None,
    };
    (walk, over)
}

/// As [`simulate`]; with `steps`, a day of imported step counts is logged every day too (as a
/// phone would), for journals used in benchmarks.
pub fn simulate_with(
    person: &Person,
    weeks: u32,
    seed: u64,
    kb: &KnowledgeBase,
    steps: bool,
) -> Result<Trace, String> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let answers = answers(person, kb)?;
    let floor = amble_core::plan::floor_bout(&answers, &kb.plan);
    let mut entries = vec![Entry::Assessment(Box::new(StoredAssessment {
        id: "a-1".into(),
        date: START,
        answers,
        rescreen: false,
        keep_level: false,
    }))];
    let mut n = 1u64;
    let mut id = |prefix: &str| {
        n += 1;
        format!("{prefix}-{n}")
    };
    let mut p = person.clone();
    let mut best = p.capacity;
    let mut extra = vec![0.0f64; (weeks as usize + 2) * 7];
    let mut views = Vec::new();
    let run = |entries: &[Entry], today: Date| {
        replay(entries, today, kb).map_err(|e: PlanError| e.to_string())
    };
    for w in 0..weeks {
        let r = run(&entries, day(w * 7))?;
        views.push(WeekView {
            index: w,
            status: r.plan.status,
            decision: r.plan.decision.kind,
            walking: r.plan.walking.clone(),
            level: r.level,
            week_type: r.week_type,
        });
        if r.plan.status == Status::Blocked {
            break;
        }
        if p.away.is_some_and(|b| w >= b.from && w < b.from + b.weeks) {
            // Walking tolerance fades a little each week away.
            p.capacity = (p.capacity * 0.97).max(3.0);
            continue;
        }
        let Some(walking) = r.plan.walking.clone() else {
            continue;
        };
        let days = amble_core::reminders::planned_days(walking.sessions_per_week);
        // Some weeks have a walk more than planned (the random draw only for people who do).
        let extra_day = (p.extra_walk > 0.0 && rng.f64() < p.extra_walk)
            .then(|| (0..7u32).find(|d| !days.contains(d)))
            .flatten();
        let mut walked = 0u32;
        for d in 0..7u32 {
            let index = w * 7 + d;
            let date = day(index);
            let flare = p
                .flare
                .filter(|f| index >= f.onset && index < f.onset + f.days)
                .map_or(0.0, |f| f.rise);
            if steps {
                entries.push(Entry::DailyMetrics(DailyMetrics {
                    id: id("d"),
                    date,
                    steps: Some(rng.u64(2_000..12_000)),
                    walking_speed_mps: Some(uniform(&mut rng, 1.0, 1.35)),
                    step_length_m: Some(uniform(&mut rng, 0.6, 0.75)),
                    asymmetry_frac: None,
                    double_support_frac: None,
                    steadiness_frac: None,
                    source: WalkSource::AppleHealth,
                }));
            }
            if rng.f64() < p.mornings {
                let pain =
                    score(p.usual + flare + extra[index as usize] + p.noise * normal(&mut rng));
                entries.push(Entry::Morning(Morning {
                    id: id("m"),
                    date,
                    pain,
                }));
            }
            let walk_today = (days.contains(&d) || extra_day == Some(d))
                && rng.f64() < p.adherence
                && p.max_walks.is_none_or(|m| walked < m);
            if walk_today {
                let (walk, over) = one_walk(&p, &walking, flare, date, id("w"), &mut rng);
                entries.push(Entry::Walk(walk));
                walked += 1;
                if over > 0.3 {
                    // Well over what the back tolerates: the next two mornings are worse.
                    let k = (index + 1) as usize;
                    extra[k] += 2.0;
                    extra[k + 1] += 1.0;
                } else {
                    // Tolerance comes back faster up to a level reached before.
                    let growth = if p.capacity < best {
                        2.0 * p.growth
                    } else {
                        p.growth
                    };
                    p.capacity = (p.capacity * (1.0 + growth)).min(p.ceiling);
                    best = best.max(p.capacity);
                }
            }
            // Exercises on alternate days, most of the time.
            if d % 2 == 1 {
                for e in &r.plan.exercises {
                    if rng.f64() < p.adherence {
                        entries.push(Entry::Exercise(ExerciseSession {
                            id: id("x"),
                            date,
                            exercise: e.id.clone(),
                            sets: Some(e.sets),
                            pain_after: Some(score(p.usual + flare + p.noise * normal(&mut rng))),
                        }));
                    }
                }
            }
        }
    }
    let last = run(&entries, day(weeks * 7))?;
    Ok(Trace {
        person: person.clone(),
        weeks: views,
        last,
        floor,
        entries,
    })
}
