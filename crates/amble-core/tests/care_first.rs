//! Red flags always lead (brief §1.3, §2.2, §2.4): after warning signs found at the first
//! check-up, at a check-in or at a re-screen ("Something new or worse?"), every output of the
//! blocked or suspended plan leads with the tier's care message in the check-up's words, names
//! the signs with the day they were answered, and keeps a suspended plan suspended (its week
//! count kept) until a new check-up. Table-driven over tiers x paths.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

use amble_core::journal::{Entry, LegSpread, Morning, StoredAssessment, Walk, WalkSource};
use amble_core::knowledge::KnowledgeBase;
use amble_core::plan::{DecisionKind, Replay, Status, replay, today_view};
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

fn flags_with(key: Option<&str>) -> serde_json::Value {
    let mut f = no_flags();
    if let Some(k) = key {
        f[k] = json!(true);
    }
    f
}

fn answers(flag: Option<&str>) -> Answers {
    Answers::from_value(
        json!({
            "age": 52, "red_flags": flags_with(flag),
            "symptoms": {"loc_back": true, "loc_below_knee": "none", "leg_quality": ["ache"],
                         "relief_by": ["keep_moving"], "relief_minutes": "lt2",
                         "standing_alone_provokes": false, "onset_in_walk": "varies"},
            "walking": {"usual_minutes": 20, "walks_per_week": 3, "pain_free_minutes": 15},
            "pain": {"now": 1, "walk_peak": 3, "usual_morning": 1}
        }),
        kb(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

const START: Date = date(2026, 11, 2);

fn day(n: i64) -> Date {
    START.saturating_add(n.days())
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
    fn assessment(&mut self, d: Date, a: Answers, rescreen: bool) {
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
    fn checkin(&mut self, d: Date, flag: &str) {
        let id = self.id("c");
        self.entries
            .push(Entry::Checkin(Box::new(amble_core::checkin::Checkin {
                id,
                date: d,
                red_flags: serde_json::from_value(flags_with(Some(flag))).unwrap(),
                change: Some(amble_core::checkin::GlobalChange::Worse),
                pain: Some(5),
                instruments: Default::default(),
                activity_limited: None,
            })));
    }
    fn walk(&mut self, d: Date, new_symptoms: bool) {
        let id = self.id("w");
        self.entries.push(Entry::Walk(Walk {
            id,
            date: d,
            start: None,
            minutes: 15.0,
            elapsed_minutes: None,
            bouts: 1,
            pain_before: Some(3),
            pain_peak: Some(4),
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
    fn morning(&mut self, d: Date) {
        let id = self.id("m");
        self.entries.push(Entry::Morning(Morning {
            id,
            date: d,
            pain: 3,
        }));
    }
    /// A plain first week: three walks and their mornings.
    fn first_week(&mut self) {
        for d in [1, 3, 5] {
            self.walk(day(d), false);
            self.morning(day(d + 1));
        }
    }
    fn plan(&self, today: Date) -> Replay {
        replay(&self.entries, today, kb()).unwrap_or_else(|e| panic!("{e}"))
    }
}

#[derive(Debug, Clone, Copy)]
enum Path {
    /// The first check-up answers the sign.
    Checkup,
    /// A check-in in week 2 answers it.
    Checkin,
    /// A walk with new symptoms in week 2, then the re-screen answers it.
    RescreenAfterWalk,
    /// The re-screen ("Something new or worse?") on its own in week 2.
    Rescreen,
}

const TIERS: [(Tier, &str, &str); 3] = [
    (Tier::Emergency, "saddle_numbness", "cauda_equina"),
    (Tier::Urgent, "progressive_weakness", "progressive_neuro"),
    (Tier::Soon, "constant_night_pain", "night_pain"),
];

const PATHS: [Path; 4] = [
    Path::Checkup,
    Path::Checkin,
    Path::RescreenAfterWalk,
    Path::Rescreen,
];

/// The journal of `path` with the sign `key`, and the day the sign was answered.
fn journey(path: Path, key: &str) -> (Journal, Date) {
    let mut j = Journal::default();
    match path {
        Path::Checkup => {
            j.assessment(START, answers(Some(key)), false);
            (j, START)
        }
        Path::Checkin => {
            j.assessment(START, answers(None), false);
            j.first_week();
            j.checkin(day(7), key);
            (j, day(7))
        }
        Path::RescreenAfterWalk => {
            j.assessment(START, answers(None), false);
            j.first_week();
            j.walk(day(7), true);
            j.assessment(day(7), answers(Some(key)), true);
            (j, day(7))
        }
        Path::Rescreen => {
            j.assessment(START, answers(None), false);
            j.first_week();
            j.assessment(day(7), answers(Some(key)), true);
            (j, day(7))
        }
    }
}

fn title(flag: &str) -> String {
    kb().flag(flag).expect("flag").title.clone()
}

/// The tier's care message as the check-up result shows it: headline, then what to do.
fn lead(tier: Tier) -> String {
    let t = kb().tier_text(tier).expect("tier");
    if tier >= Tier::Urgent {
        format!("{}. {}", t.headline, t.action)
    } else {
        format!("{}.", t.headline)
    }
}

/// Whether the path and tier block or suspend the plan (a re-screen alone at "soon" pauses
/// it, and a check-up at "soon" starts it paused, as before).
fn blocks(path: Path, tier: Tier) -> bool {
    tier >= Tier::Urgent || matches!(path, Path::Checkin | Path::RescreenAfterWalk)
}

#[test]
fn every_tier_and_path_leads_with_the_care_message() {
    let mut failures = Vec::new();
    for (tier, key, flag) in TIERS {
        for path in PATHS {
            let (j, answered) = journey(path, key);
            let today = day(9);
            let r = j.plan(today);
            let p = &r.plan;
            let because = p.decision.because.join("\n");
            let mut check = |ok: bool, what: &str| {
                if !ok {
                    failures.push(format!("{tier:?} x {path:?}: {what}\n  {p:?}"));
                }
            };
            if !blocks(path, tier) {
                check(p.status == Status::Paused, "paused, not blocked");
                check(p.walking.is_some(), "gentle walking");
                continue;
            }
            check(p.status == Status::Blocked, "blocked");
            check(p.walking.is_none() && p.exercises.is_empty(), "no content");
            check(
                p.decision.because.first() == Some(&lead(tier)),
                "leads with the tier's care message",
            );
            check(
                because.contains(&format!("On {answered} your ")) && because.contains(&title(flag)),
                "names the sign and the day it was answered",
            );
            check(
                !because.contains("need a clinician first"),
                "no generic words",
            );
            // One urgency per output: an urgent or soon plan never adds an emergency timing.
            if tier < Tier::Emergency {
                check(
                    !because.contains("emergency department"),
                    "one urgency per output",
                );
            }
            if tier == Tier::Soon {
                check(
                    !because.contains("gentle walking"),
                    "a suspended plan offers no walking",
                );
            }
            let care = r.care.as_ref();
            check(care.is_some_and(|c| c.tier == tier), "care at the tier");
            match path {
                Path::Checkup => {
                    check(p.decision.kind == DecisionKind::Start, "kind start");
                    check(p.week == 1, "week 1");
                }
                _ => {
                    check(p.decision.kind == DecisionKind::Suspend, "kind suspend");
                    check(p.week == 2, "the plan's week count kept");
                    check(r.start == START, "the plan's start kept");
                    check(r.suspended_on == Some(day(7)), "suspended on the day");
                }
            }
            let v = today_view(&r, &j.entries, today, kb());
            check(v.message.starts_with(&lead(tier)), "today leads with it");
            check(
                !v.walk_today && v.exercises_today.is_empty(),
                "no walk today",
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A re-screen or a check-in at urgent or emergency suspends until a new check-up: a later
/// clean re-screen does not lift it (brief §2.4), and the plan's week count goes on.
#[test]
fn a_blocking_answer_holds_until_a_new_checkup() {
    for (tier, key, _) in TIERS.iter().filter(|(t, _, _)| *t >= Tier::Urgent) {
        for path in [Path::Checkin, Path::RescreenAfterWalk, Path::Rescreen] {
            let (mut j, _) = journey(path, key);
            j.assessment(day(10), answers(None), true);
            let r = j.plan(day(23));
            assert_eq!(
                r.plan.decision.kind,
                DecisionKind::Suspend,
                "{tier:?} {path:?}"
            );
            assert_eq!(r.plan.week, 4, "{tier:?} {path:?}");
            assert_eq!(r.care.as_ref().map(|c| c.tier), Some(*tier));
            assert!(
                !amble_core::plan::rescreen_may_lift(&r),
                "{tier:?} {path:?}"
            );
            j.assessment(day(24), answers(None), false);
            let r = j.plan(day(24));
            assert_eq!(r.plan.status, Status::Active, "{tier:?} {path:?}");
            assert!(r.care.is_none());
        }
        // A check-up's own sign: a clean re-screen does not start the plan either.
        let (mut j, _) = journey(Path::Checkup, key);
        j.assessment(day(3), answers(None), true);
        let r = j.plan(day(4));
        assert_eq!(r.plan.status, Status::Blocked, "{tier:?}");
        assert_eq!(r.plan.decision.kind, DecisionKind::Start, "{tier:?}");
        assert_eq!(r.plan.decision.because[0], lead(*tier));
    }
}

/// The most urgent tier wins: an urgent check-in, then an emergency re-screen, lead with the
/// emergency and name both signs with their days.
#[test]
fn the_most_urgent_tier_leads() {
    let mut j = Journal::default();
    j.assessment(START, answers(None), false);
    j.first_week();
    j.checkin(day(7), "progressive_weakness");
    j.assessment(day(8), answers(Some("saddle_numbness")), true);
    let r = j.plan(day(9));
    let b = &r.plan.decision.because;
    assert_eq!(b[0], lead(Tier::Emergency), "{b:#?}");
    assert!(
        b[1].starts_with(&format!("On {} your check-in", day(7))),
        "{b:#?}"
    );
    assert!(
        b[2].starts_with(&format!("On {} your re-screen", day(8))),
        "{b:#?}"
    );
    assert_eq!(r.plan.week, 2);
    assert_eq!(r.suspended_on, Some(day(7)));
}

/// New symptoms alone (nothing answered yet) keep their words: what each may need, the
/// emergency signs among them.
#[test]
fn new_symptoms_alone_say_what_each_may_need() {
    let mut j = Journal::default();
    j.assessment(START, answers(None), false);
    j.first_week();
    j.walk(day(7), true);
    let r = j.plan(day(8));
    assert_eq!(r.plan.decision.kind, DecisionKind::Suspend);
    assert!(r.care.is_none());
    assert!(amble_core::plan::rescreen_may_lift(&r));
    assert!(r.plan.decision.because[0].contains("you logged new symptoms after a walk"));
    assert!(r.plan.decision.because[1].contains("emergency department now"));
}

/// The stateless plan of a blocked check-up (`amble plan --answers`) leads the same way.
#[test]
fn the_stateless_blocked_plan_leads_with_care() {
    for (tier, key, flag) in TIERS.iter().filter(|(t, _, _)| *t >= Tier::Urgent) {
        let a = answers(Some(key));
        let p = amble_core::plan::start_plan(&amble_core::assess(&a, kb()), &a, kb());
        assert_eq!(p.status, Status::Blocked);
        assert_eq!(p.decision.because[0], lead(*tier));
        assert!(p.decision.because[1].contains(&title(flag)), "{p:?}");
    }
}
