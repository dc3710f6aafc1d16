//! New symptoms between check-ups, in the core (brief §2.5): a check-in's new warning sign
//! suspends the plan, the check-up after it restarts no higher than the week before (a flare
//! week's gentle plan included), a re-screen that lifted the suspension means no cap, and the
//! clinician report's events keep the story.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

use amble_core::answers::{InstrumentItems, RedFlags};
use amble_core::checkin::{Checkin, GlobalChange};
use amble_core::journal::{Entry, LegSpread, StoredAssessment, Walk, WalkSource};
use amble_core::knowledge::KnowledgeBase;
use amble_core::plan::{DecisionKind, Status, replay};
use amble_core::{Answers, Tier};
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
        m.insert(
            q.id.trim_start_matches("red_flags.").to_string(),
            json!(false),
        );
    }
    serde_json::Value::Object(m)
}

/// A 52-year-old with back ache after 30 minutes, walking 40 minutes three times a week.
fn person(checked: bool) -> Answers {
    Answers::from_value(
        json!({
            "age": 52, "red_flags": no_flags(),
            "symptoms": {"loc_back": true, "loc_below_knee": "none", "leg_quality": ["ache"],
                         "relief_by": ["keep_moving"], "relief_minutes": "lt2",
                         "standing_alone_provokes": false, "onset_in_walk": "varies",
                         "duration_weeks": 16},
            "walking": {"usual_minutes": 40, "walks_per_week": 3, "pain_free_minutes": 30},
            "pain": {"now": 1, "walk_peak": 4, "usual_morning": 1},
            "context": {"clinician_checked": checked}
        }),
        kb(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

#[derive(Default)]
struct Journal {
    entries: Vec<Entry>,
    n: usize,
}

impl Journal {
    fn id(&mut self, p: &str) -> String {
        self.n += 1;
        format!("{p}-{}", self.n)
    }
    fn checkup(&mut self, d: Date, a: Answers, rescreen: bool) {
        let id = self.id("a");
        self.entries
            .push(Entry::Assessment(Box::new(StoredAssessment {
                id,
                date: d,
                answers: a,
                rescreen,
                keep_level: false,
            })));
    }
    fn walk(&mut self, d: Date, peak: u8, new_symptoms: bool) {
        let id = self.id("w");
        self.entries.push(Entry::Walk(Walk {
            id,
            date: d,
            start: None,
            minutes: 25.0,
            elapsed_minutes: None,
            bouts: 1,
            pain_before: Some(2),
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
    }
    fn checkin(&mut self, d: Date, red_flags: RedFlags, change: GlobalChange) {
        let id = self.id("c");
        self.entries.push(Entry::Checkin(Box::new(Checkin {
            id,
            date: d,
            red_flags,
            change: Some(change),
            pain: Some(6),
            instruments: InstrumentItems {
                peg: Some(vec![6, 6, 5]),
                ..Default::default()
            },
            activity_limited: None,
        })));
    }
}

fn flags_with(key: &str) -> RedFlags {
    let mut v = no_flags();
    v[key] = json!(true);
    serde_json::from_value(v).unwrap()
}

const START: Date = date(2026, 1, 5);

fn day(n: i64) -> Date {
    START.saturating_add(n.days())
}

/// A flare week, then a check-in with a leg getting weaker: suspended; the check-up after it
/// (checked by a doctor, nothing found) restarts no higher than the flare week's plan, while
/// the same check-up in a fresh journal starts higher.
#[test]
fn a_check_in_warning_sign_suspends_and_the_restart_is_capped() {
    let mut j = Journal::default();
    j.checkup(START, person(false), false);
    for d in [0, 2, 4] {
        j.walk(day(d), 8, false);
    }
    let flare = replay(&j.entries, day(7), kb()).unwrap();
    assert_eq!(flare.plan.decision.kind, DecisionKind::Flare);
    let flare_minutes = flare.plan.walking.as_ref().unwrap().weekly_minutes;
    j.checkin(
        day(9),
        flags_with("progressive_weakness"),
        GlobalChange::Worse,
    );
    let r = replay(&j.entries, day(9), kb()).unwrap();
    assert_eq!(
        (r.plan.status, r.plan.decision.kind),
        (Status::Blocked, DecisionKind::Suspend)
    );
    assert_eq!(r.suspended_on, Some(day(9)));
    assert!(r.plan.walking.is_none());
    j.checkup(day(12), person(true), false);
    let r = replay(&j.entries, day(12), kb()).unwrap();
    assert_eq!(r.assessment.tier(), Tier::None);
    assert_eq!(r.plan.status, Status::Active);
    let cap = r.restart_cap.expect("a cap after the suspension");
    assert_eq!(cap.weekly_minutes(), flare_minutes);
    let minutes = r.plan.walking.as_ref().unwrap().weekly_minutes;
    assert!(minutes <= flare_minutes, "{minutes} > {flare_minutes}");
    let fresh = replay(
        &[Entry::Assessment(Box::new(StoredAssessment {
            id: "a-1".into(),
            date: day(12),
            answers: person(true),
            rescreen: false,
            keep_level: false,
        }))],
        day(12),
        kb(),
    )
    .unwrap();
    assert!(fresh.plan.walking.as_ref().unwrap().weekly_minutes > minutes);
    assert!(fresh.restart_cap.is_none());
    // The words say the week that is planned.
    let because = r.plan.decision.because.join(" ");
    assert!(
        because.contains("no higher than where it was before them"),
        "{because}"
    );
    assert!(
        because.contains(&format!("({minutes} minutes a week)")),
        "{because}"
    );

    // The report's events: the worse check-in with its warning sign, and the suspension until
    // the check-up of day 12, though the newest check-up is later.
    let events = amble_core::clinician::events(&j.entries, START, day(20), kb());
    let kinds: Vec<(Date, &str)> = events.iter().map(|e| (e.date, e.kind)).collect();
    assert_eq!(
        kinds,
        [
            (START, "Check-up"),
            (day(9), "Check-in (worse)"),
            (day(9), "Plan suspended"),
            (day(12), "Check-up"),
        ]
    );
    assert!(
        events[1].what.contains("new warning sign"),
        "{:?}",
        events[1]
    );
    assert!(events[1].what.contains("PEG 5.7/10"), "{:?}", events[1]);
    assert!(
        events[2].what.contains("at a check-in")
            && events[2]
                .what
                .contains(&format!("until the check-up of {}", day(12))),
        "{:?}",
        events[2]
    );
    let report = amble_core::clinician::build(&j.entries, day(20), 3, kb()).unwrap();
    assert_eq!(
        report.from, START,
        "the period is not cut at the newest check-up"
    );
    assert_eq!(report.events.len(), 4);
}

/// New symptoms after a walk, lifted by a clean re-screen with the symptoms settled: the plan
/// goes on, and a later check-up has no cap (nothing was suspended when it came).
#[test]
fn a_lifted_suspension_leaves_no_cap() {
    let mut j = Journal::default();
    j.checkup(START, person(false), false);
    j.walk(day(1), 4, true);
    let r = replay(&j.entries, day(1), kb()).unwrap();
    assert_eq!(r.plan.decision.kind, DecisionKind::Suspend);
    j.checkup(day(2), person(false), true);
    let r = replay(&j.entries, day(2), kb()).unwrap();
    assert_eq!(r.plan.status, Status::Active, "a clean re-screen lifts it");
    j.checkup(day(3), person(false), false);
    let r = replay(&j.entries, day(3), kb()).unwrap();
    assert!(r.restart_cap.is_none());
    assert_eq!(
        r.assessment.tier(),
        Tier::None,
        "no leg symptoms: nothing new"
    );
}

fn person_walking(pain_free: u32, usual: u32) -> Answers {
    let mut a = person(true);
    a.walking.pain_free_minutes = Some(f64::from(pain_free));
    a.walking.usual_minutes = Some(f64::from(usual));
    a
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, failure_persistence: None, ..proptest::prelude::ProptestConfig::default() })]

    /// Whatever the first weeks were (good, a flare) and whatever the new check-up says about
    /// walking, the restart after new symptoms never plans more than the week in effect when
    /// they came (brief §2.5).
    #[test]
    fn a_restart_after_new_symptoms_is_never_bigger(
        red in 0u8..=3,
        weeks in 1i64..=3,
        offset in 0i64..=6,
        pain_free in 5u32..=60,
        usual in 10u32..=90,
        by_checkin in proptest::bool::ANY,
    ) {
        let mut j = Journal::default();
        j.checkup(START, person(false), false);
        for w in 0..weeks {
            for k in 0..3u8 {
                let peak = if w == weeks - 1 && k < red { 8 } else { 3 };
                j.walk(day(w * 7 + i64::from(k) * 2), peak, false);
            }
        }
        let at = day(weeks * 7 + offset);
        let before = replay(&j.entries, at, kb()).unwrap();
        let week = before.plan.walking.as_ref().map_or(0, |w| w.weekly_minutes);
        if by_checkin {
            j.checkin(at, flags_with("progressive_weakness"), GlobalChange::Worse);
        } else {
            j.walk(at, 5, true);
        }
        let restart = at.saturating_add(2.days());
        j.checkup(restart, person_walking(pain_free, usual), false);
        let r = replay(&j.entries, restart, kb()).unwrap();
        let minutes = r.plan.walking.as_ref().map_or(0, |w| w.weekly_minutes);
        proptest::prop_assert!(minutes <= week, "{} > {}", minutes, week);
    }
}
