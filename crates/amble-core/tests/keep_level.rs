//! A new check-up keeps your level (docs/plan-rules.md): "keep my level" carries the plan on
//! from the level reached; "start again" and older journals restart at week 1; a new warning
//! sign or a new neurological symptom keeps the rules of a new check-up (pause, restart).

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

use amble_core::journal::{Entry, LegSpread, Morning, StoredAssessment, Walk, WalkSource};
use amble_core::knowledge::KnowledgeBase;
use amble_core::plan::{
    DecisionKind, Replay, Status, cap_breaches, keep_offer, level_words, replay,
};
use amble_core::{Answers, assess};
use jiff::ToSpan;
use jiff::civil::{Date, date};
use serde_json::json;
use std::sync::OnceLock;

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

fn benign_value() -> serde_json::Value {
    json!({
        "age": 52, "red_flags": no_flags(),
        "symptoms": {"loc_back": true, "loc_below_knee": "none", "leg_quality": ["ache"], "relief_by": ["keep_moving"],
                     "relief_minutes": "lt2", "standing_alone_provokes": false, "onset_in_walk": "varies"},
        "walking": {"usual_minutes": 20, "walks_per_week": 3, "pain_free_minutes": 15},
        "pain": {"now": 1, "walk_peak": 3, "usual_morning": 1}
    })
}

fn answers(v: serde_json::Value) -> Answers {
    Answers::from_value(v, kb()).unwrap_or_else(|e| panic!("{e}"))
}

fn benign() -> Answers {
    answers(benign_value())
}

const START: Date = date(2026, 1, 5);

fn day(n: i64) -> Date {
    START.saturating_add(n.days())
}

struct Journal {
    entries: Vec<Entry>,
}

impl Journal {
    fn id(&self, p: &str) -> String {
        format!("{p}-{}", self.entries.len() + 1)
    }
    fn checkup(&mut self, d: Date, a: Answers, keep_level: bool) {
        let id = self.id("a");
        self.entries
            .push(Entry::Assessment(Box::new(StoredAssessment {
                id,
                date: d,
                answers: a,
                rescreen: false,
                keep_level,
            })));
    }
    fn walk(&mut self, d: Date, minutes: f64, peak: u8) {
        self.walk_with(d, minutes, peak, false);
    }
    fn walk_with(&mut self, d: Date, minutes: f64, peak: u8, new_symptoms: bool) {
        let id = self.id("w");
        self.entries.push(Entry::Walk(Walk {
            id,
            date: d,
            start: None,
            minutes,
            elapsed_minutes: None,
            bouts: 1,
            pain_before: Some(1),
            pain_peak: Some(peak),
            leg_spread: Some(LegSpread::None),
            new_symptoms,
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
        let id = self.id("m");
        self.entries.push(Entry::Morning(Morning {
            id,
            date: d.saturating_add(1.days()),
            pain: 1,
        }));
    }
    fn sorted(&self) -> Vec<Entry> {
        let mut e: Vec<(usize, Entry)> = self.entries.iter().cloned().enumerate().collect();
        e.sort_by_key(|(i, e)| (e.date(), *i));
        e.into_iter().map(|(_, e)| e).collect()
    }
    fn plan(&self, today: Date) -> Replay {
        replay(&self.sorted(), today, kb()).unwrap_or_else(|e| panic!("{e}"))
    }
    /// Six good weeks: every planned walk walked, green.
    fn six_good_weeks() -> Journal {
        let mut j = Journal {
            entries: Vec::new(),
        };
        j.checkup(START, benign(), false);
        for week in 0..6 {
            let r = j.plan(day(7 * week));
            let w = r.current.unwrap();
            for k in 0..w.sessions_per_week {
                j.walk(
                    day(7 * week + i64::from(k)),
                    f64::from(w.session_minutes()),
                    2,
                );
            }
        }
        j
    }
}

fn weekly(r: &Replay) -> u32 {
    r.plan.walking.as_ref().map_or(0, |w| w.weekly_minutes)
}

#[test]
fn a_new_checkup_with_nothing_new_keeps_the_level_reached() {
    let mut j = Journal::six_good_weeks();
    let before = j.plan(day(42));
    assert_eq!(before.plan.week, 7);
    // What the week prescribed (the caps held it below the level the plan builds from).
    assert_eq!(before.week_type, amble_core::plan::WeekType::Full);
    let level = before.current.unwrap();
    assert!(level.weekly_minutes() <= before.level.unwrap().weekly_minutes());
    let fresh_start = weekly(&j.plan(START));
    assert!(
        level.weekly_minutes() > fresh_start,
        "six good weeks build up: {} vs {fresh_start}",
        level.weekly_minutes()
    );
    let offer = keep_offer(&j.sorted(), &benign(), day(42), kb()).unwrap();
    assert_eq!(offer.from_week, 7);
    assert_eq!(offer.level, level);

    j.checkup(day(42), benign(), true);
    let r = j.plan(day(42));
    assert_eq!(r.start, day(42), "weeks count from the new check-up");
    assert_eq!(r.plan.week, 1);
    assert_eq!(r.plan.status, Status::Active);
    assert_eq!(weekly(&r), level.weekly_minutes());
    assert_eq!(r.kept.unwrap().from_week, 7);
    let words = level_words(&r, &j.sorted()).unwrap();
    assert!(
        words.starts_with(&format!(
            "Your plan keeps week 7: {} minutes on {} days",
            level.session_minutes(),
            level.sessions_per_week
        )),
        "{words}"
    );
    assert!(
        r.plan.decision.because[0].contains("chose to keep your level"),
        "{:?}",
        r.plan.decision.because
    );
    assert!(
        r.plan
            .decision
            .because
            .last()
            .unwrap()
            .starts_with("Week 1:")
    );

    // The plan builds on from the kept level, within the caps.
    for k in 0..level.sessions_per_week {
        j.walk(
            day(42 + i64::from(k)),
            f64::from(level.session_minutes()),
            2,
        );
    }
    let next = j.plan(day(49));
    assert_eq!(next.plan.week, 2);
    assert!(weekly(&next) >= level.weekly_minutes());
    assert!(cap_breaches(&next, &kb().plan).is_empty());
}

#[test]
fn start_again_and_older_journals_restart_at_week_1() {
    let mut j = Journal::six_good_weeks();
    let fresh = weekly(&j.plan(START));
    j.checkup(day(42), benign(), false);
    let r = j.plan(day(42));
    assert_eq!(r.kept, None);
    assert_eq!(weekly(&r), fresh);
    assert_eq!(r.plan.decision.kind, DecisionKind::Start);
    let words = level_words(&r, &j.sorted()).unwrap();
    assert!(
        words.starts_with("Your plan starts again from week 1:"),
        "{words}"
    );

    // A check-up stored before the choice existed has no `keep_level` key: it starts again.
    let stored = serde_json::to_value(j.sorted().last().unwrap()).unwrap();
    assert!(stored.get("keep_level").is_none(), "{stored}");
    let old: Entry = serde_json::from_value(json!({
        "kind": "assessment", "id": "a-old", "date": "2026-02-16", "answers": benign_value()
    }))
    .unwrap();
    assert!(matches!(&old, Entry::Assessment(a) if !a.keep_level));
}

#[test]
fn the_choice_is_stored_with_the_checkup_and_reads_back() {
    let e = Entry::Assessment(Box::new(StoredAssessment {
        id: "a-2".into(),
        date: day(42),
        answers: benign(),
        rescreen: false,
        keep_level: true,
    }));
    let v = serde_json::to_value(&e).unwrap();
    assert_eq!(v["keep_level"], json!(true));
    let back: Entry = serde_json::from_value(v).unwrap();
    assert_eq!(back, e);
}

#[test]
fn a_new_warning_sign_overrides_keep() {
    let mut j = Journal::six_good_weeks();
    let mut v = benign_value();
    v["red_flags"]["constant_night_pain"] = json!(true);
    let worse = answers(v);
    assert_eq!(keep_offer(&j.sorted(), &worse, day(42), kb()), None);
    j.checkup(day(42), worse, true);
    let r = j.plan(day(42));
    assert_eq!(r.kept, None);
    assert_eq!(r.plan.status, Status::Paused, "today's rules: paused");
    assert_eq!(
        level_words(&r, &j.sorted()),
        None,
        "a paused plan says why in its own words"
    );
}

#[test]
fn a_new_minor_warning_sign_also_starts_again() {
    // A note-level sign (pregnancy) does not pause the plan, but it is new: start again.
    let mut j = Journal::six_good_weeks();
    let mut v = benign_value();
    v["context"] = json!({"pregnant": true});
    let now = answers(v);
    let tier = assess(&now, kb()).tier();
    assert!(tier < amble_core::Tier::Soon, "{tier:?}");
    j.checkup(day(42), now, true);
    let r = j.plan(day(42));
    assert_eq!(r.kept, None);
    assert_eq!(r.plan.status, Status::Active);
}

#[test]
fn a_new_neurological_symptom_overrides_keep() {
    let mut j = Journal::six_good_weeks();
    let mut v = benign_value();
    v["symptoms"]["loc_below_knee"] = json!("one");
    v["symptoms"]["leg_quality"] = json!(["numbness"]);
    let now = answers(v);
    j.checkup(day(42), now.clone(), true);
    let r = j.plan(day(42));
    let sorted = j.sorted();
    let at = sorted
        .iter()
        .rposition(|e| matches!(e, Entry::Assessment(_)))
        .unwrap();
    let neuro = amble_core::new_symptoms::new_neuro_answers(&sorted, at);
    assert!(!neuro.is_empty(), "read as a new neurological symptom");
    assert_eq!(r.kept, None);
    assert_ne!(r.plan.status, Status::Active);
}

#[test]
fn worse_severity_keeps_the_minutes_in_shorter_walks() {
    let mut j = Journal::six_good_weeks();
    let level = j.plan(day(42)).current.unwrap();
    let mut v = benign_value();
    v["pain"]["now"] = json!(9);
    v["instruments"] = json!({"odi": [4, 4, 4, 4, 4, 4, 4, 4, 4, 4]});
    let now = answers(v);
    let severe = assess(&now, kb()).severity(&now);
    assert!(!severe.is_empty(), "the fixture is severe");
    j.checkup(day(42), now, true);
    let r = j.plan(day(42));
    let kept = r.kept.unwrap();
    assert_eq!(kept.reached, level);
    assert!(kept.level.weekly_minutes() <= level.weekly_minutes());
    assert_eq!(kept.level.sessions_per_week, level.sessions_per_week);
    if level.session_minutes() >= 2 * kb().plan.steps.min_bout {
        assert!(kept.level.bout_minutes < level.bout_minutes, "{kept:?}");
    }
}

#[test]
fn a_first_checkup_has_nothing_to_keep() {
    assert_eq!(keep_offer(&[], &benign(), START, kb()), None);
    let mut j = Journal {
        entries: Vec::new(),
    };
    j.checkup(START, benign(), true);
    let r = j.plan(START);
    assert_eq!(r.kept, None);
    assert_eq!(level_words(&r, &j.sorted()), None, "nothing started again");
}

/// Walks every planned walk of the current week from `from`, green.
fn walk_the_week(j: &mut Journal, from: i64) {
    let w = j.plan(day(from)).current.unwrap();
    for k in 0..w.sessions_per_week {
        j.walk(day(from + i64::from(k)), f64::from(w.session_minutes()), 2);
    }
}

#[test]
fn after_new_symptoms_the_restart_stays_capped_and_a_later_checkup_keeps_its_level() {
    let mut j = Journal::six_good_weeks();
    let week_before = j.plan(day(40)).current.unwrap();
    j.walk_with(day(40), 10.0, 2, true);
    assert_eq!(j.plan(day(41)).plan.decision.kind, DecisionKind::Suspend);
    // The check-up after new symptoms keeps today's rules: the restart is capped, not kept.
    j.checkup(day(42), benign(), true);
    let restarted = j.plan(day(42));
    assert_eq!(restarted.kept, None);
    assert!(restarted.restart_cap.is_some());
    assert!(weekly(&restarted) <= week_before.weekly_minutes());
    // Two good weeks on that plan, then a check-up with nothing new keeps where it got to.
    walk_the_week(&mut j, 42);
    walk_the_week(&mut j, 49);
    let reached = j.plan(day(56));
    assert_eq!(reached.plan.week, 3);
    j.checkup(day(56), benign(), true);
    let r = j.plan(day(56));
    let kept = r.kept.unwrap();
    assert_eq!(kept.from_week, 3);
    assert_eq!(Some(kept.reached), reached.level);
    assert_eq!(r.restart_cap, None);
}

#[test]
fn the_kept_level_is_what_was_prescribed_after_the_caps() {
    // Whatever week the check-up falls in, keeping never carries more than the full week the
    // plan prescribed (the caps held), and the offer names that week.
    let j = Journal::six_good_weeks();
    for d in 36..=42 {
        let before = j.plan(day(d));
        let mut k = Journal {
            entries: j.entries.clone(),
        };
        k.checkup(day(d), benign(), true);
        let r = k.plan(day(d));
        let kept = r.kept.unwrap();
        let (Some(level), Some(week)) = (before.level, before.current) else {
            panic!("a plan runs");
        };
        if before.week_type == amble_core::plan::WeekType::Full {
            assert_eq!(kept.reached, week, "day {d}");
        } else {
            assert_eq!(kept.reached, level, "day {d}");
        }
        assert!(kept.reached.weekly_minutes() <= level.weekly_minutes());
        let offer = keep_offer(&j.sorted(), &benign(), day(d), kb()).unwrap();
        assert_eq!(offer.reached, kept.reached);
    }
}

#[test]
fn a_capped_full_week_is_kept_as_prescribed() {
    // A week whose walks ran far longer than planned: the plan's level races ahead of what
    // the caps let a week prescribe; keeping keeps the prescribed week, not the level.
    let mut j = Journal {
        entries: Vec::new(),
    };
    j.checkup(START, benign(), false);
    for week in 0..4 {
        let w = j.plan(day(7 * week)).current.unwrap();
        for k in 0..w.sessions_per_week {
            j.walk(
                day(7 * week + i64::from(k)),
                3.0 * f64::from(w.session_minutes()),
                1,
            );
        }
    }
    let before = j.plan(day(28));
    let (level, week) = (before.level.unwrap(), before.current.unwrap());
    j.checkup(day(28), benign(), true);
    let kept = j.plan(day(28)).kept.unwrap();
    assert!(kept.reached.weekly_minutes() <= week.weekly_minutes().max(1));
    assert!(
        kept.level.weekly_minutes() <= week.weekly_minutes(),
        "{kept:?} {level:?}"
    );
}

#[test]
fn much_worse_answers_keep_no_more_than_their_start() {
    let mut j = Journal::six_good_weeks();
    let mut v = benign_value();
    v["walking"] = json!({"usual_minutes": 5, "walks_per_week": 3, "pain_free_minutes": 3});
    v["pain"] = json!({"now": 6, "walk_peak": 8, "usual_morning": 5});
    let worse = answers(v);
    // The start the new answers alone would give.
    let mut fresh = Journal {
        entries: Vec::new(),
    };
    fresh.checkup(day(42), worse.clone(), false);
    let start = fresh.plan(day(42)).current.unwrap();
    let offer = keep_offer(&j.sorted(), &worse, day(42), kb()).unwrap();
    assert!(offer.limited_by_answers);
    j.checkup(day(42), worse, true);
    let r = j.plan(day(42));
    let kept = r.kept.unwrap();
    assert!(kept.limited_by_answers);
    assert!(
        kept.level.weekly_minutes() <= start.weekly_minutes(),
        "{kept:?} {start:?}"
    );
    assert!(kept.level.weekly_minutes() < kept.reached.weekly_minutes());
    assert!(
        r.plan
            .decision
            .because
            .iter()
            .any(|b| b.contains("walk less, or with more pain")),
        "{:?}",
        r.plan.decision.because
    );
    // The same answers as before keep the level untouched.
    let mut same = Journal::six_good_weeks();
    same.checkup(day(42), benign(), true);
    assert!(!same.plan(day(42)).kept.unwrap().limited_by_answers);
}
