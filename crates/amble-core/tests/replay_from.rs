//! A write replays only from its week: the plan replayed from the checkpoint before the
//! earliest change (`plan::replay_from`) is the plan a full replay gives, value for value, for
//! random journals, random changes (entries added, corrected or removed) and a `today` that
//! moves.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

use amble_core::Answers;
use amble_core::checkin::{Checkin, GlobalChange};
use amble_core::journal::{
    Entry, ExerciseSession, LegSpread, Morning, StoredAssessment, Walk, WalkSource,
};
use amble_core::knowledge::KnowledgeBase;
use amble_core::plan::{Replay, replay, replay_from, replay_kept};
use jiff::ToSpan;
use jiff::civil::{Date, date};
use proptest::prelude::*;
use serde_json::json;
use std::sync::OnceLock;

fn kb() -> &'static KnowledgeBase {
    static KB: OnceLock<KnowledgeBase> = OnceLock::new();
    KB.get_or_init(|| KnowledgeBase::embedded().unwrap_or_else(|e| panic!("{e}")))
}

fn no_flags() -> serde_json::Value {
    let mut m = serde_json::Map::new();
    for q in kb().questions.iter().filter(|q| q.is_red_flag()) {
        m.insert(
            q.id.trim_start_matches("red_flags.").to_string(),
            json!(false),
        );
    }
    serde_json::Value::Object(m)
}

/// `walker`: walks 40 minutes on 5 days (the plan starts at the target, so maintenance is in
/// reach); otherwise someone who walks 10 minutes with more pain (the plan builds up).
fn answers(walker: bool, pain_now: u8) -> Answers {
    let walking = if walker {
        json!({"usual_minutes": 40, "walks_per_week": 5, "pain_free_minutes": 40})
    } else {
        json!({"usual_minutes": 10, "walks_per_week": 3, "pain_free_minutes": 5})
    };
    Answers::from_value(
        json!({
            "age": 52, "red_flags": no_flags(),
            "symptoms": {"loc_back": true, "loc_below_knee": "none", "leg_quality": ["ache"], "relief_by": ["keep_moving"],
                         "relief_minutes": "lt2", "standing_alone_provokes": false, "onset_in_walk": "varies"},
            "walking": walking,
            "pain": {"now": pain_now, "walk_peak": 3, "usual_morning": 2}
        }),
        kb(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

const START: Date = date(2026, 3, 2);

#[derive(Debug, Clone)]
struct DayLog {
    /// minutes, pain before, peak, leg pain further
    walk: Option<(u8, u8, u8, bool)>,
    morning: Option<u8>,
    exercise: bool,
    /// pain, activity limited
    checkin: Option<(u8, bool)>,
    new_symptoms: bool,
    rescreen: bool,
}

fn day_log() -> impl Strategy<Value = DayLog> {
    (
        proptest::option::weighted(
            0.7,
            (3u8..45, 0u8..=5, 0u8..=9, proptest::bool::weighted(0.05)),
        ),
        proptest::option::weighted(0.6, 0u8..=7),
        proptest::bool::weighted(0.3),
        proptest::option::weighted(0.03, (0u8..=8, proptest::bool::weighted(0.3))),
        proptest::bool::weighted(0.004),
        proptest::bool::weighted(0.004),
    )
        .prop_map(
            |(walk, morning, exercise, checkin, new_symptoms, rescreen)| DayLog {
                walk,
                morning,
                exercise,
                checkin,
                new_symptoms,
                rescreen,
            },
        )
}

/// The journal of `days` in journal order (by date, then as logged).
fn build(walker: bool, pain: u8, days: &[DayLog]) -> Vec<Entry> {
    let a = answers(walker, pain);
    let exercises: Vec<String> = replay(
        &[Entry::Assessment(Box::new(StoredAssessment {
            id: "a-1".into(),
            date: START,
            answers: a.clone(),
            rescreen: false,
            keep_level: false,
        }))],
        START,
        kb(),
    )
    .map(|r| r.plan.exercises.iter().map(|e| e.id.clone()).collect())
    .unwrap_or_default();
    let mut out = vec![Entry::Assessment(Box::new(StoredAssessment {
        id: "a-1".into(),
        date: START,
        answers: a.clone(),
        rescreen: false,
        keep_level: false,
    }))];
    for (i, d) in days.iter().enumerate() {
        let when = START.saturating_add((i as i64).days());
        let n = out.len();
        if let Some((m, before, peak, further)) = d.walk {
            out.push(Entry::Walk(Walk {
                id: format!("w-{n}"),
                date: when,
                start: None,
                minutes: f64::from(m),
                elapsed_minutes: None,
                bouts: 1,
                pain_before: Some(before),
                pain_peak: Some(peak),
                leg_spread: Some(if further {
                    LegSpread::Further
                } else {
                    LegSpread::None
                }),
                new_symptoms: d.new_symptoms,
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
            }));
        }
        if let Some(p) = d.morning {
            out.push(Entry::Morning(Morning {
                id: format!("m-{n}"),
                date: when,
                pain: p,
            }));
        }
        if d.exercise && !exercises.is_empty() {
            out.push(Entry::Exercise(ExerciseSession {
                id: format!("x-{n}"),
                date: when,
                exercise: exercises[i % exercises.len()].clone(),
                sets: Some(2),
                pain_after: Some(2),
            }));
        }
        if let Some((pain, limited)) = d.checkin {
            out.push(Entry::Checkin(Box::new(Checkin {
                id: format!("c-{n}"),
                date: when,
                red_flags: serde_json::from_value(no_flags()).unwrap_or_else(|e| panic!("{e}")),
                change: Some(GlobalChange::Same),
                pain: Some(pain),
                instruments: Default::default(),
                activity_limited: Some(limited),
            })));
        }
        if d.rescreen {
            out.push(Entry::Assessment(Box::new(StoredAssessment {
                id: format!("a-{n}"),
                date: when,
                answers: a.clone(),
                rescreen: true,
                keep_level: false,
            })));
        }
    }
    out
}

/// A change to the journal: what the new journal is and the earliest date it touched.
#[derive(Debug, Clone, Copy)]
enum Change {
    /// The entries from this share of the journal on were not there before.
    Append(f64),
    /// The entry at this share of the journal was corrected (its walk or morning changed).
    Correct(f64),
    /// The entry at this share of the journal was removed.
    Remove(f64),
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        (0.0f64..1.0).prop_map(Change::Append),
        (0.0f64..1.0).prop_map(Change::Correct),
        (0.0f64..1.0).prop_map(Change::Remove),
    ]
}

/// (the journal before, the journal after, the earliest date changed).
fn apply(all: &[Entry], c: Change) -> (Vec<Entry>, Vec<Entry>, Option<Date>) {
    let at = |share: f64| ((all.len() as f64 * share) as usize).clamp(1, all.len().max(1));
    match c {
        Change::Append(s) => {
            let k = at(s);
            let before = all[..k.min(all.len())].to_vec();
            let changed = all.get(k).map(Entry::date);
            (before, all.to_vec(), changed)
        }
        Change::Correct(s) => {
            let k = at(s).min(all.len() - 1);
            let mut after = all.to_vec();
            let d = after[k].date();
            match &mut after[k] {
                Entry::Walk(w) => {
                    w.minutes += 7.0;
                    w.pain_peak = w.pain_peak.map(|p| (p + 4) % 10);
                }
                Entry::Morning(m) => m.pain = (m.pain + 3) % 10,
                Entry::Exercise(x) => x.sets = Some(3),
                Entry::Checkin(c) => c.activity_limited = c.activity_limited.map(|l| !l),
                Entry::Assessment(a) => a.keep_level = !a.keep_level,
                _ => {}
            }
            (all.to_vec(), after, (k > 0).then_some(d).or(Some(START)))
        }
        Change::Remove(s) => {
            let k = at(s).min(all.len() - 1);
            let mut after = all.to_vec();
            let gone = after.remove(k);
            (all.to_vec(), after, Some(gone.date()))
        }
    }
}

fn full(entries: &[Entry], today: Date) -> Option<Replay> {
    replay(entries, today, kb()).ok()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, failure_persistence: None, ..ProptestConfig::default() })]

    /// Replayed from a checkpoint, the plan is the full replay's, for any change and any move
    /// of `today`; and the checkpoints it leaves replay the next change the same way.
    #[test]
    fn a_replay_from_its_week_equals_the_full_replay(
        walker in proptest::bool::ANY,
        pain in 1u8..6,
        days in proptest::collection::vec(day_log(), 0..220),
        c in change(),
        today_moves in -9i64..16,
        next in change(),
    ) {
        let all = build(walker, pain, &days);
        let (before, after, changed) = apply(&all, c);
        let t0 = START.saturating_add((days.len() as i64).days());
        let t1 = t0.saturating_add(today_moves.days()).max(START);
        let Ok((r0, kept)) = replay_kept(&before, t0, kb()) else {
            prop_assert!(full(&before, t0).is_none());
            return Ok(());
        };
        let whole = full(&before, t0);
        prop_assert_eq!(Some(&r0), whole.as_ref());
        let Some(kept) = kept else { return Ok(()) };
        let from = replay_from(&after, t1, kb(), &kept, changed);
        let expected = full(&after, t1);
        prop_assert_eq!(from.as_ref().ok().map(|(r, _)| r), expected.as_ref());
        if let (Ok((r1, Some(kept1))), Some(_)) = (&from, &expected) {
            prop_assert_eq!(
                serde_json::to_string(&r1.plan).unwrap(),
                serde_json::to_string(&expected.as_ref().unwrap().plan).unwrap()
            );
            // The next change, from the checkpoints this replay left.
            let (_, again, changed2) = apply(&after, next);
            let from2 = replay_from(&again, t1, kb(), kept1, changed2);
            prop_assert_eq!(from2.ok().map(|(r, _)| r), full(&again, t1));
        }
    }
}

/// A walk logged today on a long journal resumes close to the current week, not at week 1.
#[test]
fn a_walk_logged_today_resumes_near_the_current_week() {
    let days: Vec<DayLog> = (0..364)
        .map(|i| DayLog {
            walk: (i % 7 < 5).then_some((20, 1, 3, false)),
            morning: Some(1),
            exercise: i % 3 == 0,
            checkin: None,
            new_symptoms: false,
            rescreen: false,
        })
        .collect();
    let all = build(false, 2, &days);
    let today = START.saturating_add(364.days());
    let (_, kept) = replay_kept(&all, today, kb()).unwrap();
    let kept = kept.expect("checkpoints");
    assert_eq!(kept.weeks(), 53);
    assert_eq!(kept.resumed_at(), None);
    let mut after = all.clone();
    after.push(Entry::Morning(Morning {
        id: "m-new".into(),
        date: today,
        pain: 2,
    }));
    let (r, kept2) = replay_from(&after, today, kb(), &kept, Some(today)).unwrap();
    assert_eq!(Some(r), full(&after, today));
    let at = kept2.expect("checkpoints").resumed_at().expect("resumed");
    assert!(at >= 51, "resumed at week {at}");
    // A change dated before the checkup, or a re-screen, replays from the start.
    let mut rescreened = after.clone();
    rescreened.push(Entry::Assessment(Box::new(StoredAssessment {
        id: "a-9".into(),
        date: today,
        answers: answers(false, 5),
        rescreen: true,
        keep_level: false,
    })));
    let (r, kept3) = replay_from(&rescreened, today, kb(), &kept, Some(today)).unwrap();
    assert_eq!(Some(r), full(&rescreened, today));
    assert_eq!(kept3.expect("checkpoints").resumed_at(), None);
}
