//! A journal with hundreds of check-ups (the API accepts many on one date): the replay reads
//! what each check-up needs from the ones before it once, so it stays quick and never runs out
//! of stack, whichever rule (a restart cap after a check-in, a kept level) reaches back.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

use amble_core::Answers;
use amble_core::answers::InstrumentItems;
use amble_core::checkin::{Checkin, GlobalChange};
use amble_core::journal::{Entry, StoredAssessment};
use amble_core::knowledge::KnowledgeBase;
use amble_core::plan::{Status, replay};
use jiff::ToSpan;
use jiff::civil::{Date, date};
use serde_json::json;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

fn kb() -> &'static KnowledgeBase {
    static KB: OnceLock<KnowledgeBase> = OnceLock::new();
    KB.get_or_init(|| KnowledgeBase::embedded().unwrap_or_else(|e| panic!("{e}")))
}

fn no_flags() -> serde_json::Value {
    let mut m = serde_json::Map::new();
    for q in kb().questions.iter().filter(|q| q.is_red_flag()) {
        let key = q.id.trim_start_matches("red_flags.").to_string();
        m.insert(key, json!(false));
    }
    serde_json::Value::Object(m)
}

fn benign() -> Answers {
    let v = json!({
        "age": 52, "red_flags": no_flags(),
        "symptoms": {"loc_back": true, "loc_below_knee": "none", "leg_quality": ["ache"], "relief_by": ["keep_moving"],
                     "relief_minutes": "lt2", "standing_alone_provokes": false, "onset_in_walk": "varies"},
        "walking": {"usual_minutes": 20, "walks_per_week": 3, "pain_free_minutes": 15},
        "pain": {"now": 1, "walk_peak": 3, "usual_morning": 1}
    });
    Answers::from_value(v, kb()).unwrap_or_else(|e| panic!("{e}"))
}

const START: Date = date(2026, 1, 5);

fn checkup(n: usize, d: Date, keep_level: bool) -> Entry {
    Entry::Assessment(Box::new(StoredAssessment {
        id: format!("a-{n}"),
        date: d,
        answers: benign(),
        rescreen: false,
        keep_level,
    }))
}

fn checkin(n: usize, d: Date) -> Entry {
    Entry::Checkin(Box::new(Checkin {
        id: format!("c-{n}"),
        date: d,
        red_flags: serde_json::from_value(no_flags()).unwrap(),
        change: Some(GlobalChange::Same),
        pain: Some(2),
        instruments: InstrumentItems::default(),
        activity_limited: None,
    }))
}

/// Replays on a thread with a small stack (a quarter of a test thread's), in bounded time.
fn replay_small_stack(entries: Vec<Entry>, today: Date) -> Status {
    let t = Instant::now();
    let status = std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(move || replay(&entries, today, kb()).map(|r| r.plan.status))
        .unwrap()
        .join()
        .expect("the replay finishes")
        .unwrap();
    // Generous for slow machines: the recursive replay took minutes (or crashed) here.
    assert!(t.elapsed() < Duration::from_secs(20), "{:?}", t.elapsed());
    status
}

#[test]
fn four_hundred_checkups_on_one_day_after_checkins() {
    let mut entries = Vec::new();
    for n in 0..400 {
        entries.push(checkin(n, START));
        entries.push(checkup(n, START, false));
    }
    assert_eq!(
        replay_small_stack(entries, START.saturating_add(20.days())),
        Status::Active
    );
}

#[test]
fn four_hundred_checkups_that_keep_the_level() {
    let mut entries = Vec::new();
    for n in 0..400 {
        entries.push(checkup(n, START, true));
    }
    assert_eq!(
        replay_small_stack(entries, START.saturating_add(20.days())),
        Status::Active
    );
}

#[test]
fn four_hundred_checkups_on_following_days() {
    let mut entries = Vec::new();
    for n in 0..400 {
        let d = START.saturating_add(i64::try_from(n).unwrap().days());
        entries.push(checkin(n, d));
        entries.push(checkup(n, d, n % 2 == 0));
    }
    assert_eq!(
        replay_small_stack(entries, START.saturating_add(420.days())),
        Status::Active
    );
}
