//! The clinician report holds the whole period (issue 25.4): scores over time from every
//! check-up and check-in (the PSFS with its activities named), the change against the smallest
//! change that matters, the current prescription with the exercises' doses, adherence per week,
//! easier weeks and flares named as such; written about the person, with no answer keys. The
//! golden report is the outline as text (the HTML and the PDF render the same outline).

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

use amble_core::Answers;
use amble_core::answers::{InstrumentItems, PsfsItem};
use amble_core::checkin::{Checkin, GlobalChange};
use amble_core::clinician::{self, ClinicianReport, outline};
use amble_core::journal::{Entry, LegSpread, Morning, StoredAssessment, Walk, WalkSource};
use amble_core::knowledge::KnowledgeBase;
use jiff::ToSpan;
use jiff::civil::{Date, date};
use serde_json::json;
use std::sync::OnceLock;

fn kb() -> &'static KnowledgeBase {
    static KB: OnceLock<KnowledgeBase> = OnceLock::new();
    KB.get_or_init(|| KnowledgeBase::embedded().unwrap_or_else(|e| panic!("{e}")))
}

const START: Date = date(2026, 1, 5);

fn day(n: i64) -> Date {
    START.saturating_add(n.days())
}

fn psfs(scores: [i64; 3]) -> Option<Vec<PsfsItem>> {
    Some(
        ["walking to the shop", "gardening", "carrying shopping"]
            .iter()
            .zip(scores)
            .map(|(a, score)| PsfsItem {
                activity: (*a).into(),
                score,
            })
            .collect(),
    )
}

/// A 52-year-old with back ache after 30 minutes; ODI, RMDQ, PSFS and PEG at the check-up.
fn no_flags() -> serde_json::Value {
    let mut flags = serde_json::Map::new();
    for q in kb().questions.iter().filter(|q| q.is_red_flag()) {
        flags.insert(
            q.id.trim_start_matches("red_flags.").to_string(),
            json!(false),
        );
    }
    serde_json::Value::Object(flags)
}

fn person() -> Answers {
    let flags = no_flags();
    let mut a = Answers::from_value(
        json!({
            "age": 52, "red_flags": flags,
            "symptoms": {"loc_back": true, "loc_below_knee": "none", "leg_quality": ["ache"],
                         "relief_by": ["keep_moving"], "relief_minutes": "lt2",
                         "standing_alone_provokes": false, "onset_in_walk": "varies",
                         "duration_weeks": 16},
            "walking": {"usual_minutes": 40, "walks_per_week": 3, "pain_free_minutes": 30},
            "pain": {"now": 5, "walk_peak": 4, "usual_morning": 1},
        }),
        kb(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    a.instruments = InstrumentItems {
        odi: Some(vec![Some(2); 10]),
        rmdq: Some([1; 12].into_iter().chain([0; 12]).collect()),
        psfs: psfs([3, 4, 2]),
        peg: Some(vec![6, 6, 5]),
        ..Default::default()
    };
    a
}

fn walk(n: usize, d: Date, minutes: f64, bouts: u32, before: u8, peak: u8) -> Entry {
    Entry::Walk(Walk {
        id: format!("w-{n}"),
        date: d,
        start: None,
        minutes,
        elapsed_minutes: None,
        bouts,
        pain_before: Some(before),
        pain_peak: Some(peak),
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
    })
}

/// Six weeks: the check-up; weeks 1 to 3 walked as planned with easy walks, except that week 2
/// misses one walk; week 4 with red walks (a flare); weeks 5 and 6 easy again, week 6 with
/// only two walks; weekly check-ins with a pain rating only in weeks 3 and 4; the 6-week
/// check-in with better ODI, RMDQ and PSFS. The walks take the
/// plan's own minutes and number of walks, so adherence is what the journal says.
fn journal() -> (Vec<Entry>, Date) {
    let mut entries = vec![Entry::Assessment(Box::new(StoredAssessment {
        id: "a-1".into(),
        date: START,
        answers: person(),
        rescreen: false,
        keep_level: false,
    }))];
    let mut n = 0;
    for week in 0..6 {
        let week_start = day(week * 7);
        // The plan in force on the first day of this week (replayed from what came before).
        let r = amble_core::plan::replay(&entries, week_start, kb()).unwrap();
        let w = r.plan.walking.clone().expect("walking is planned");
        let minutes = f64::from(w.weekly_minutes) / f64::from(w.sessions_per_week.max(1));
        let planned = w.sessions_per_week;
        let walks = match week {
            1 => planned - 1,
            5 => 2.min(planned),
            _ => planned,
        };
        for i in 0..walks {
            let d = week_start.saturating_add(i64::from(i).days());
            let (before, peak, morning) = if week == 3 { (4, 7, 6) } else { (1, 2, 1) };
            n += 1;
            // One entry per session; a session of several walks (bouts) logs them together.
            entries.push(walk(n, d, minutes, w.bouts_per_session, before, peak));
            entries.push(Entry::Morning(Morning {
                id: format!("m-{n}"),
                date: d.saturating_add(1.days()),
                pain: morning,
            }));
        }
        // Weekly check-ins with only a pain rating in weeks 3 and 4.
        if let Some(pain) = [(2, 5), (3, 4)]
            .iter()
            .find_map(|(w, p)| (*w == week).then_some(*p))
        {
            entries.push(Entry::Checkin(Box::new(Checkin {
                id: format!("c-w{week}"),
                date: week_start.saturating_add(1.days()),
                red_flags: serde_json::from_value(no_flags()).unwrap(),
                change: Some(GlobalChange::Same),
                pain: Some(pain),
                instruments: InstrumentItems::default(),
                activity_limited: None,
            })));
        }
    }
    entries.push(Entry::Checkin(Box::new(Checkin {
        id: "c-1".into(),
        date: day(41),
        red_flags: serde_json::from_value(no_flags()).unwrap(),
        change: Some(GlobalChange::Better),
        pain: Some(3),
        instruments: InstrumentItems {
            odi: Some(vec![Some(1); 10]),
            rmdq: Some([1; 5].into_iter().chain([0; 19]).collect()),
            psfs: psfs([6, 7, 5]),
            peg: Some(vec![3, 3, 3]),
            ..Default::default()
        },
        activity_limited: None,
    })));
    (entries, day(43))
}

fn report() -> (ClinicianReport, Vec<Entry>) {
    let (entries, today) = journal();
    let c = clinician::build(&entries, today, 12, kb()).expect("a check-up is stored");
    (c, entries)
}

#[test]
fn scores_come_from_every_check_up_and_check_in_with_the_psfs_named() {
    let (c, _) = report();
    assert_eq!(c.scores.len(), 3, "{:?}", c.scores);
    let kinds: Vec<(Date, &str)> = c.scores.iter().map(|s| (s.date, s.kind)).collect();
    assert_eq!(
        kinds,
        [
            (START, "Check-up"),
            (day(15), "Check-ins"),
            (day(41), "Check-in")
        ]
    );
    // The weekly check-ins with only a pain rating share a row, each with its date.
    assert_eq!(
        c.scores[1].scores,
        "pain now 5/10 (2026-01-20), 4/10 (2026-01-27)"
    );
    assert_eq!(
        c.scores[2].scores,
        "pain now 3/10, PEG 3.0/10, PSFS 6.0 (walking to the shop 6/10, gardening 7/10, carrying shopping 5/10), ODI 20%, RMDQ 5/24"
    );
    assert!(
        c.scores[0].scores.contains(
            "PSFS 3.0 (walking to the shop 3/10, gardening 4/10, carrying shopping 2/10)"
        )
    );
    let words: Vec<&str> = c.changes.iter().map(|ch| ch.words.as_str()).collect();
    for expected in [
        "Oswestry Disability Index (ODI) fell from 40% to 20%: an important improvement",
        "Roland-Morris (RMDQ) fell from 12/24 to 5/24: an important improvement",
        "(PSFS) rose from 3/10 to 6/10: an important improvement",
        "fell from 5.7/10 to 3/10: an important improvement",
    ] {
        assert!(
            words.iter().any(|w| w.contains(expected)),
            "{expected}: {words:#?}"
        );
    }
    // A worse check-in is reported as a worsening, not hidden behind the first check-up.
    let (mut entries, today) = journal();
    if let Some(Entry::Checkin(ch)) = entries.last_mut() {
        assert_eq!(ch.id, "c-1");
        ch.instruments.odi = Some(vec![Some(3); 10]);
    }
    let worse = clinician::build(&entries, today, 12, kb()).unwrap();
    assert!(
        worse.changes.iter().any(|ch| ch
            .words
            .contains("rose from 40% to 60%: an important worsening")),
        "{:#?}",
        worse.changes
    );
}

#[test]
fn adherence_is_walks_done_of_walks_planned_per_week() {
    let (c, entries) = report();
    let r = amble_core::plan::replay(&entries, day(43), kb()).unwrap();
    assert_eq!(c.weeks.len(), 6, "{:#?}", c.weeks);
    for (w, h) in c.weeks.iter().zip(&r.history) {
        assert_eq!((w.week, w.planned_walks), (h.week, h.planned_walks));
    }
    let done: Vec<u32> = c.weeks.iter().map(|w| w.done_walks).collect();
    let planned: Vec<u32> = c.weeks.iter().map(|w| w.planned_walks).collect();
    // Week 2 misses one walk, week 6 has two; the others are as planned.
    for (i, (d, p)) in done.iter().zip(&planned).enumerate() {
        let expected = match i {
            1 => p - 1,
            5 => 2.min(*p),
            _ => *p,
        };
        assert_eq!(*d, expected, "week {}: {done:?} of {planned:?}", i + 1);
    }
    let total_planned: u32 = planned.iter().sum();
    let total_done: u32 = done.iter().zip(&planned).map(|(d, p)| d.min(p)).sum();
    let expected = format!(
        "{total_done} of {total_planned} planned walks done over 6 reviewed weeks ({:.0}%)",
        f64::from(total_done) / f64::from(total_planned) * 100.0
    );
    let adherence = c.adherence.clone().unwrap();
    assert!(adherence.starts_with(&expected), "{adherence}");
    assert!(total_done < total_planned, "the crafted misses count");
}

#[test]
fn easier_weeks_and_flares_are_named_never_step_up() {
    let (c, _) = report();
    assert!(
        c.flares >= 1,
        "week 4's red walks are a flare: {:#?}",
        c.weeks
    );
    assert!(
        c.weeks
            .iter()
            .any(|w| w.decision == "flare: gentle walking"),
        "{:#?}",
        c.weeks
    );
    for pair in c.weeks.windows(2) {
        if pair[1].week_type == "easier" {
            assert!(pair[0].decision.ends_with("easier week next"), "{pair:#?}");
        }
        if pair[0].decision == "step up" {
            assert_ne!(pair[1].week_type, "easier", "{pair:#?}");
        }
    }
    assert_eq!(
        c.easier_weeks,
        c.weeks.iter().filter(|w| w.week_type == "easier").count()
    );
}

#[test]
fn the_prescription_has_this_weeks_walking_and_the_exercise_doses() {
    let (c, _) = report();
    let p = &c.prescription;
    assert!(p.status.starts_with("Week 7 of the plan"), "{}", p.status);
    let walking = p.walking.as_deref().unwrap();
    assert!(
        walking.contains("a week") && walking.contains("the target is"),
        "{walking}"
    );
    assert!(!p.exercises.is_empty());
    for (name, dose) in &p.exercises {
        assert!(
            !name.is_empty() && dose.ends_with("a week"),
            "{name}: {dose}"
        );
    }
}

/// Words that speak to the person, or answer keys, never reach the report.
#[test]
fn the_report_is_about_the_person_with_no_keys() {
    let (c, _) = report();
    let text = outline::to_text(&outline::outline(&c, kb()));
    for word in text.split(|ch: char| !ch.is_alphanumeric() && ch != '\'' && ch != '_' && ch != '.')
    {
        let w = word.trim_matches('.').to_lowercase();
        assert!(
            !["you", "your", "yours", "yourself"].contains(&w.as_str()),
            "{word:?} in\n{text}"
        );
        assert!(
            !(w.contains('_') || w.starts_with("symptoms.") || w.starts_with("red_flags.")),
            "an answer key {word:?} in\n{text}"
        );
    }
}

#[test]
fn the_outline_orders_safety_first_and_has_every_section() {
    let (c, _) = report();
    let o = outline::outline(&c, kb());
    let ids: Vec<&str> = o.sections.iter().map(|s| s.id).collect();
    assert_eq!(
        ids,
        [
            "checkup",
            "events",
            "scores",
            "prescription",
            "weeks",
            "minutes",
            "pain",
            "findings"
        ]
    );
    // Every chart has its alternative text.
    for s in &o.sections {
        for p in &s.parts {
            if let outline::Part::Chart { alt, chart } = p {
                assert!(alt.len() > 40, "{chart:?}: {alt}");
                assert!(c.chart(*chart).is_some());
            }
        }
    }
}

/// The golden report: read the diff when it changes.
#[test]
fn golden_report() {
    let (c, _) = report();
    insta::assert_snapshot!(
        "six_weeks_with_a_flare_and_a_check_in",
        outline::to_text(&outline::outline(&c, kb()))
    );
}

/// A walk with new symptoms suspends the plan: the prescription says so and prescribes no
/// walking, and the events name the walk and the suspension.
#[test]
fn a_suspended_plan_prescribes_no_walking_and_says_since_when() {
    let (mut entries, today) = journal();
    let Entry::Walk(mut w) = walk(99, day(42), 10.0, 1, 3, 6) else {
        unreachable!()
    };
    w.new_symptoms = true;
    entries.push(Entry::Walk(w));
    let c = clinician::build(&entries, today, 12, kb()).unwrap();
    let r = amble_core::plan::replay(&entries, today, kb()).unwrap();
    let since = r.suspended_on.expect("new symptoms suspend the plan");
    assert!(
        c.prescription
            .status
            .ends_with(&format!("(suspended since {since})")),
        "{}",
        c.prescription.status
    );
    assert_eq!(c.prescription.walking, None);
    let text = outline::to_text(&outline::outline(&c, kb()));
    assert!(
        text.contains("No walking is prescribed this week."),
        "{text}"
    );
    let kinds: Vec<&str> = c.events.iter().map(|e| e.kind).collect();
    assert!(
        kinds.contains(&"New symptoms") && kinds.contains(&"Plan suspended"),
        "{kinds:?}"
    );
}
