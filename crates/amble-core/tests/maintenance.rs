//! Maintenance that listens (docs/plan-rules.md, "Maintenance"): entered only when the walks
//! logged held the target, with the numbers in the words; left for the flare plan at once when
//! a check-in says back pain limited what you do or pain is clearly above the last score.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

use amble_core::Answers;
use amble_core::checkin::{Checkin, GlobalChange};
use amble_core::journal::{Entry, LegSpread, Morning, StoredAssessment, Walk, WalkSource};
use amble_core::knowledge::KnowledgeBase;
use amble_core::plan::{DecisionKind, Mode, Replay, Status, WeekType, replay};
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

/// Someone who already walks 40 minutes on 5 days with little pain: the plan starts at the
/// target (30 minutes on 5 days).
fn walker(pain_now: u8) -> Answers {
    Answers::from_value(
        json!({
            "age": 52, "red_flags": no_flags(),
            "symptoms": {"loc_back": true, "loc_below_knee": "none", "leg_quality": ["ache"], "relief_by": ["keep_moving"],
                         "relief_minutes": "lt2", "standing_alone_provokes": false, "onset_in_walk": "varies"},
            "walking": {"usual_minutes": 40, "walks_per_week": 5, "pain_free_minutes": 40},
            "pain": {"now": pain_now, "walk_peak": 2, "usual_morning": 1}
        }),
        kb(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

const START: Date = date(2026, 3, 2);

fn day(n: i64) -> Date {
    START.saturating_add(n.days())
}

struct Journal {
    entries: Vec<Entry>,
}

impl Journal {
    fn new(pain_now: u8) -> Journal {
        Journal {
            entries: vec![Entry::Assessment(Box::new(StoredAssessment {
                id: "a-1".into(),
                date: START,
                answers: walker(pain_now),
                rescreen: false,
                keep_level: false,
            }))],
        }
    }
    fn walk(&mut self, d: Date, minutes: f64) {
        let id = format!("w-{}", self.entries.len());
        self.entries.push(Entry::Walk(Walk {
            id,
            date: d,
            start: None,
            minutes,
            elapsed_minutes: None,
            bouts: 1,
            pain_before: Some(1),
            pain_peak: Some(2),
            leg_spread: Some(LegSpread::None),
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
        }));
        let id = format!("m-{}", self.entries.len());
        self.entries.push(Entry::Morning(Morning {
            id,
            date: d.saturating_add(1.days()),
            pain: 1,
        }));
    }
    /// Week `w` (1-based) walked as `minutes` split over `days` days.
    fn week(&mut self, w: i64, minutes: f64, days: i64) {
        for k in 0..days {
            self.walk(day((w - 1) * 7 + k), minutes / days as f64);
        }
    }
    /// The week as planned (every day and minute of this week's prescription).
    fn as_planned(&mut self, w: i64) {
        let r = self.plan(day((w - 1) * 7));
        let p = r.plan.walking.expect("a walking plan");
        self.week(
            w,
            f64::from(p.weekly_minutes),
            i64::from(p.sessions_per_week),
        );
    }
    fn checkin(&mut self, d: Date, pain: Option<u8>, limited: Option<bool>) -> Checkin {
        let c = Checkin {
            id: format!("c-{}", self.entries.len()),
            date: d,
            red_flags: serde_json::from_value(no_flags()).unwrap_or_else(|e| panic!("{e}")),
            change: Some(GlobalChange::Same),
            pain,
            instruments: Default::default(),
            activity_limited: limited,
        };
        self.entries.push(Entry::Checkin(Box::new(c.clone())));
        c
    }
    fn sorted(&self) -> Vec<Entry> {
        let mut e: Vec<(usize, Entry)> = self.entries.iter().cloned().enumerate().collect();
        e.sort_by_key(|(i, e)| (e.date(), *i));
        e.into_iter().map(|(_, e)| e).collect()
    }
    fn plan(&self, today: Date) -> Replay {
        replay(&self.sorted(), today, kb()).unwrap_or_else(|e| panic!("{e}"))
    }
}

fn entered(r: &Replay) -> Option<(u32, String)> {
    r.history.iter().find_map(|h| {
        h.decision
            .because
            .iter()
            .find(|b| b.contains("moves to maintenance"))
            .map(|b| (h.week, b.clone()))
    })
}

/// A journal in maintenance from week 5 on: weeks 1-4 walked at 150, 155, 160 and 150 minutes
/// on 5 days (an easier week among them is walked as planned).
fn in_maintenance(pain_now: u8) -> (Journal, u32) {
    let mut j = Journal::new(pain_now);
    let plan = j.plan(START).plan.walking.expect("walking");
    assert_eq!(
        (plan.sessions_per_week, plan.weekly_minutes),
        (5, 150),
        "starts at the target"
    );
    let mut minutes = [150.0, 155.0, 160.0, 150.0].into_iter();
    let mut w = 1;
    while w <= 8 {
        let r = j.plan(day((w - 1) * 7));
        if r.plan.status == Status::Maintenance {
            return (j, u32::try_from(w).unwrap());
        }
        if r.plan.walking.as_ref().map_or(0, |p| p.weekly_minutes) < 150 {
            j.as_planned(w);
        } else {
            j.week(w, minutes.next().unwrap_or(150.0), 5);
        }
        w += 1;
    }
    let r = j.plan(day((w - 1) * 7));
    assert_eq!(r.plan.status, Status::Maintenance, "{:?}", r.history);
    (j, u32::try_from(w).unwrap())
}

#[test]
fn maintenance_needs_the_target_walked_and_says_the_numbers() {
    // The plan is at the target, but the walks logged are not: 130, 145, 150 and 120 minutes.
    let mut j = Journal::new(1);
    for (w, m) in [(1, 130.0), (2, 145.0), (3, 150.0), (4, 120.0), (5, 150.0)] {
        j.week(w, m, 5);
    }
    let r = j.plan(day(35));
    assert_ne!(r.plan.status, Status::Maintenance, "{:?}", r.history);
    assert!(entered(&r).is_none());
    // Four days of 40 minutes are 160 minutes, but not 5 days.
    let mut j = Journal::new(1);
    for w in 1..=6 {
        j.week(w, 160.0, 4);
    }
    assert_ne!(j.plan(day(42)).plan.status, Status::Maintenance);

    // Walked at the target: maintenance, with the minutes and days of the weeks counted.
    let (j, from) = in_maintenance(1);
    let r = j.plan(day(i64::from(from - 1) * 7));
    let (week, words) = entered(&r).expect("entered maintenance");
    assert_eq!(week + 1, from);
    assert!(
        words.contains("you walked 150, 155, 160 and 150 minutes, on 5 days each week"),
        "{words}"
    );
    assert!(words.contains("for 4 weeks"), "{words}");
    let since = amble_core::plan::maintenance_since(&r.history).expect("since");
    assert!(
        since.starts_with(&format!(
            "Your plan has been in maintenance since week {from}: in weeks 1, 2, 3"
        )),
        "{since}"
    );
    assert!(
        since.ends_with(
            "you walked 150, 155, 160 and 150 minutes, on 5 days each week, with no red walk."
        ),
        "{since}"
    );
    let last = r.history.last().unwrap();
    if last
        .decision
        .because
        .iter()
        .any(|b| b.contains("planned lighter"))
    {
        assert!(words.starts_with("In weeks 1, 2, 3"), "{words}");
    } else {
        assert!(words.starts_with("In weeks 1, 2, 3 and 4 "), "{words}");
    }
}

#[test]
fn a_checkin_saying_back_pain_limited_activity_switches_to_the_flare_plan_at_once() {
    let (mut j, from) = in_maintenance(1);
    let week_start = day(i64::from(from - 1) * 7);
    j.walk(week_start, 30.0);
    let c = j.checkin(day(i64::from(from - 1) * 7 + 1), Some(2), Some(true));
    // Before the check-in: maintenance.
    assert_eq!(j.plan(week_start).plan.status, Status::Maintenance);
    // The same day: the flare plan, with the reason and what to do.
    let today = c.date;
    let r = j.plan(today);
    assert_eq!(r.plan.status, Status::Active);
    assert_eq!(r.plan.decision.kind, DecisionKind::Flare);
    assert_eq!(r.week_type, WeekType::Gentle);
    let walking = r.plan.walking.clone().expect("walking");
    assert_eq!(walking.mode, Mode::Gentle);
    let because = r.plan.decision.because.join(" ");
    assert!(
        because.contains("says back pain has limited what you do"),
        "{because}"
    );
    assert!(because.contains("leaves maintenance for the flare plan"));
    assert!(because.contains("contact your doctor or physiotherapist"));
    // Today says the same.
    let t = amble_core::plan::today_view(&r, &j.sorted(), today, kb());
    assert!(
        t.message.starts_with("This is a flare week"),
        "{}",
        t.message
    );
    // The check-in document carries the plan's change.
    let doc = amble_core::checkin_doc::document(&j.sorted(), &c, today, kb()).expect("doc");
    assert_eq!(doc.plan_status, Status::Active);
    assert!(
        doc.plan_words
            .iter()
            .any(|w| w.contains("limited what you do"))
    );
    assert!(doc.plan_words.iter().any(|w| w.contains("flare plan")));
    // After the week: the review keeps the flare plan and says why.
    let r = j.plan(day(i64::from(from) * 7));
    let h = r.history.last().unwrap();
    assert_eq!(h.decision.kind, DecisionKind::Flare);
    assert!(h.decision.because[0].contains("limited what you do"));
    assert_eq!(r.plan.status, Status::Active);
    assert_eq!(r.week_type, WeekType::Gentle);
    // A "no" changes nothing.
    let (mut j, from) = in_maintenance(1);
    let c = j.checkin(day(i64::from(from - 1) * 7 + 1), Some(1), Some(false));
    assert_eq!(j.plan(c.date).plan.status, Status::Maintenance);
    let doc = amble_core::checkin_doc::document(&j.sorted(), &c, c.date, kb()).expect("doc");
    assert!(doc.plan_words.is_empty());
}

#[test]
fn pain_is_read_against_the_last_score_and_the_first() {
    // The check-up's pain was 5; a check-in in maintenance gave 1; the next gives 5 again: the
    // same as the first score, but 4 points above the last.
    let (mut j, from) = in_maintenance(5);
    let first_checkin = j.checkin(day(i64::from(from - 1) * 7), Some(1), Some(false));
    assert_eq!(
        j.plan(first_checkin.date).plan.status,
        Status::Maintenance,
        "pain down is no concern"
    );
    let c = j.checkin(day(i64::from(from - 1) * 7 + 3), Some(5), None);
    let r = j.plan(c.date);
    assert_eq!(r.plan.decision.kind, DecisionKind::Flare, "{:?}", r.plan);
    let words = &r.plan.decision.because[0];
    assert!(
        words.contains(&format!(
            "is 5/10: up 4 points from your last score (1/10 on {}) and the same as your first (5/10)",
            first_checkin.date
        )),
        "{words}"
    );

    // One point up is an ordinary wobble: maintenance stays.
    let (mut j, from) = in_maintenance(1);
    j.checkin(day(i64::from(from - 1) * 7), Some(1), Some(false));
    let c = j.checkin(day(i64::from(from - 1) * 7 + 3), Some(2), Some(false));
    assert!(amble_core::plan::checkin_alarm(&j.sorted(), &c, kb()).is_empty());
    assert_eq!(j.plan(c.date).plan.status, Status::Maintenance);

    // Two points above the first score, even with no check-in between, leaves maintenance.
    let (mut j, from) = in_maintenance(1);
    let c = j.checkin(day(i64::from(from - 1) * 7 + 2), Some(3), Some(false));
    let alarm = amble_core::plan::checkin_alarm(&j.sorted(), &c, kb());
    assert_eq!(
        alarm,
        vec![format!(
            "Your back pain in the check-in on {} is 3/10: up 2 points from your first score (1/10), the last one before it.",
            c.date
        )]
    );
    assert_eq!(j.plan(c.date).plan.decision.kind, DecisionKind::Flare);
}

#[test]
fn a_checkin_outside_maintenance_does_not_change_the_plan() {
    let mut j = Journal::new(1);
    j.week(1, 150.0, 5);
    let c = j.checkin(day(8), Some(6), Some(true));
    let r = j.plan(c.date);
    assert_eq!(r.plan.status, Status::Active);
    assert_ne!(r.plan.decision.kind, DecisionKind::Flare);
    let doc = amble_core::checkin_doc::document(&j.sorted(), &c, c.date, kb()).expect("doc");
    assert!(doc.plan_words.is_empty());
}

/// An emergency sign at a check-in in maintenance: the check-in leads with what to do, and no
/// walking advice (the flare plan's gentle walks) stands beside it, however limited activity was.
#[test]
fn a_checkin_with_a_warning_sign_gives_no_walking_advice() {
    let (mut j, from) = in_maintenance(1);
    let c = j.checkin(day(i64::from(from - 1) * 7 + 1), Some(6), Some(true));
    let mut flags = no_flags();
    flags["saddle_numbness"] = json!(true);
    let c = Checkin {
        red_flags: serde_json::from_value(flags).unwrap_or_else(|e| panic!("{e}")),
        ..c
    };
    j.entries.pop();
    j.entries.push(Entry::Checkin(Box::new(c.clone())));
    let doc = amble_core::checkin_doc::document(&j.sorted(), &c, c.date, kb()).expect("doc");
    assert_eq!(doc.triage.tier.as_str(), "emergency");
    assert_ne!(doc.plan_status, Status::Active, "{:?}", doc.plan_status);
    assert!(doc.plan_words.is_empty(), "{:?}", doc.plan_words);
}

impl Journal {
    fn rated_walk(&mut self, d: Date, minutes: f64, peak: u8) {
        self.walk(d, minutes);
        let n = self.entries.len();
        if let Some(Entry::Walk(w)) = self.entries.get_mut(n - 2) {
            w.pain_peak = Some(peak);
        }
    }
    fn morning(&mut self, d: Date, pain: u8) {
        let id = format!("m-{}", self.entries.len());
        self.entries
            .push(Entry::Morning(Morning { id, date: d, pain }));
    }
}

/// What a flare found within a week of maintenance does: leaves maintenance at once (no
/// maintenance heading above the flare's walking), and the week's review reads it as a flare
/// week, so gentle walking continues and the plan stays out of maintenance.
fn assert_flare_leaves_maintenance(j: &Journal, from: u32, today: Date) {
    let r = j.plan(today);
    assert_eq!(
        r.plan.decision.kind,
        DecisionKind::Flare,
        "{:?}",
        r.plan.decision
    );
    assert_eq!(
        r.plan.status,
        Status::Active,
        "a flare week is not maintenance"
    );
    assert_eq!(r.week_type, WeekType::Gentle);
    let because = r.plan.decision.because.join(" ");
    assert!(
        because.contains("leaves maintenance for the flare plan"),
        "{because}"
    );
    assert!(!because.contains("decides as usual"), "{because}");
    // The flare advice agrees with the walking however many walks a day the week has room for.
    assert!(
        because.contains("only the short, easy walks the plan gives this week"),
        "{because}"
    );
    assert!(!because.contains("easy walks, two a day."), "{because}");
    // Today: the flare week, and only stretches and mobility (no strength), as on a red day.
    let t = amble_core::plan::today_view(&r, &j.sorted(), today, kb());
    assert!(
        t.message.starts_with("This is a flare week"),
        "{}",
        t.message
    );
    assert!(
        t.message.contains("only the stretches and mobility"),
        "{}",
        t.message
    );
    assert!(!r.plan.exercises.is_empty());
    for id in &t.exercises_today {
        let kind = kb().exercise(id).map(|e| e.kind);
        assert_ne!(
            kind,
            Some(amble_core::knowledge::ExerciseKind::Strength),
            "{id} is due in a flare week"
        );
    }
    let strength = r.plan.exercises.iter().any(|d| {
        kb().exercise(&d.id)
            .is_some_and(|e| e.kind == amble_core::knowledge::ExerciseKind::Strength)
    });
    assert!(strength, "the fixture has strength exercises to leave out");
    let text = amble_core::report::render_plan(&r.plan, &r.history, kb(), &[], None);
    assert!(!text.contains("MAINTENANCE"), "{text}");
    // The week's review: a flare week, not "at least 3 are needed"; still out of maintenance.
    let next = j.plan(day(i64::from(from) * 7));
    let h = next.history.last().unwrap();
    assert_eq!(h.decision.kind, DecisionKind::Flare, "{:?}", h.decision);
    assert!(
        !h.decision.because.iter().any(|b| b.contains("are needed")),
        "{:?}",
        h.decision.because
    );
    assert_eq!(next.plan.status, Status::Active);
    assert_eq!(next.week_type, WeekType::Gentle);
    assert_eq!(next.current.unwrap().mode, Mode::Gentle);
}

#[test]
fn two_red_walks_in_maintenance_are_a_flare_week_and_leave_it() {
    let (mut j, from) = in_maintenance(1);
    let w0 = i64::from(from - 1) * 7;
    j.rated_walk(day(w0), 30.0, 8);
    j.rated_walk(day(w0 + 1), 30.0, 8);
    assert_flare_leaves_maintenance(&j, from, day(w0 + 2));
}

#[test]
fn two_high_mornings_with_no_walks_in_maintenance_are_a_flare_week_and_leave_it() {
    let (mut j, from) = in_maintenance(1);
    let w0 = i64::from(from - 1) * 7;
    j.morning(day(w0 + 1), 6);
    j.morning(day(w0 + 2), 6);
    assert_flare_leaves_maintenance(&j, from, day(w0 + 2));
}

/// The gentle week a check-in's concern switches to within the week, in any week of
/// maintenance, plans no more than this week nor the last full week before it, and is the same
/// week two red walks found within that week would switch to (one bound for both switches).
#[test]
fn a_checkin_switch_within_the_week_is_bounded_like_a_flare_switch() {
    let (base, from) = in_maintenance(1);
    let mut checked = 0;
    for extra in 0..4u32 {
        let w = from + extra;
        let w0 = i64::from(w - 1) * 7;
        // The weeks before walked as planned, staying in maintenance.
        let mut j = Journal {
            entries: base.entries.clone(),
        };
        for k in from..w {
            j.as_planned(i64::from(k));
        }
        let before = j.plan(day(w0));
        if before.plan.status != Status::Maintenance {
            continue;
        }
        let this_week = before.plan.walking.clone().expect("walking").weekly_minutes;
        let last_full = before
            .history
            .iter()
            .rev()
            .find(|h| h.week_type == WeekType::Full)
            .map_or(this_week, |h| h.planned_weekly_minutes);
        let mut by_checkin = Journal {
            entries: j.entries.clone(),
        };
        by_checkin.checkin(day(w0 + 1), Some(2), Some(true));
        let mut by_walks = Journal {
            entries: j.entries.clone(),
        };
        by_walks.rated_walk(day(w0), 30.0, 8);
        by_walks.rated_walk(day(w0 + 1), 30.0, 8);
        let a = by_checkin.plan(day(w0 + 1));
        let b = by_walks.plan(day(w0 + 1));
        for r in [&a, &b] {
            assert_eq!(r.plan.decision.kind, DecisionKind::Flare, "week {w}");
            let gentle = r.plan.walking.clone().expect("walking").weekly_minutes;
            assert!(
                gentle <= this_week.min(last_full),
                "week {w}: {gentle} minutes after {last_full} and {this_week}"
            );
        }
        assert_eq!(a.plan.walking, b.plan.walking, "week {w}");
        assert_eq!(a.current, b.current, "week {w}");
        checked += 1;
    }
    assert!(checked >= 2, "weeks in maintenance checked: {checked}");
}
