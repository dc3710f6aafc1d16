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

// Review r3 of the report (issue 25.4): one vignette per finding.

fn checkup(id: &str, d: Date, answers: Answers, rescreen: bool) -> Entry {
    Entry::Assessment(Box::new(StoredAssessment {
        id: id.into(),
        date: d,
        answers,
        rescreen,
        keep_level: false,
    }))
}

fn checkin_with(id: &str, d: Date, edit: impl FnOnce(&mut Checkin)) -> Entry {
    let mut c = Checkin {
        id: id.into(),
        date: d,
        red_flags: serde_json::from_value(no_flags()).unwrap(),
        change: Some(GlobalChange::Same),
        pain: Some(3),
        instruments: InstrumentItems::default(),
        activity_limited: None,
    };
    edit(&mut c);
    Entry::Checkin(Box::new(c))
}

fn new_symptom_walk(d: Date) -> Entry {
    let Entry::Walk(mut w) = walk(99, d, 10.0, 1, 3, 6) else {
        unreachable!()
    };
    w.new_symptoms = true;
    Entry::Walk(w)
}

fn weakness() -> Answers {
    let mut a = person();
    a.red_flags.progressive_weakness = Some(true);
    a
}

fn text(c: &ClinicianReport) -> String {
    outline::to_text(&outline::outline(c, kb()))
}

/// Finding 1: the six reviewed weeks stay, with their charts, whatever the plan's state now:
/// after a new check-up, after new symptoms suspended it, after a check-in or a re-screen
/// found a warning sign.
#[test]
fn r3_1_earlier_weeks_stay_whatever_the_plan_state() {
    let (entries, today) = journal();
    let cases: Vec<(&str, Vec<Entry>)> = vec![
        (
            "new check-up",
            vec![checkup("a-2", day(43), person(), false)],
        ),
        ("new symptoms", vec![new_symptom_walk(day(42))]),
        (
            "check-in warning sign",
            vec![checkin_with("c-x", day(43), |c| {
                c.red_flags.progressive_weakness = Some(true)
            })],
        ),
        (
            "re-screen warning sign",
            vec![
                new_symptom_walk(day(42)),
                checkup("a-r", day(43), weakness(), true),
            ],
        ),
    ];
    for (name, more) in cases {
        let mut all = entries.clone();
        all.extend(more);
        let c = clinician::build(&all, today.saturating_add(1.days()), 12, kb()).unwrap();
        // The reviewed weeks, then (when the plan was suspended or stopped) the week it
        // stopped in as its own unreviewed row.
        let reviewed = c.weeks.iter().filter(|w| w.week_type != "suspended");
        assert_eq!(reviewed.count(), 6, "{name}: {:#?}", c.weeks);
        assert_eq!(c.weeks[5].start, day(35), "{name}");
        if name != "new check-up" {
            assert_eq!(c.weeks.len(), 7, "{name}: {:#?}", c.weeks);
            assert_eq!(
                (c.weeks[6].start, c.weeks[6].decision),
                (day(42), "suspended"),
                "{name}"
            );
        }
        assert_eq!(c.adherence_numbers.weeks, 6, "{name}");
        let t = text(&c);
        // After a restart the chart names weeks by their first day (week numbers repeat).
        let week6 = if name == "new check-up" {
            assert!(
                t.contains("A new check-up on 2026-02-17 started the plan again."),
                "{t}"
            );
            "Week of 2026-02-09 (plan week 6): walked 44 of 88 planned minutes."
        } else {
            "Week 6: walked 44 of 88 planned minutes."
        };
        assert!(t.contains(week6), "{name}: {t}");
        assert!(t.contains("2026-01-26: before 4, worst 7"), "{name}: {t}");
        assert!(!t.contains("No week"), "{name}: {t}");
    }
    // After a new check-up the plan's weeks count from 1 again, and the report says so.
    let mut all = entries.clone();
    all.push(checkup("a-2", day(43), person(), false));
    let c = clinician::build(&all, day(51), 12, kb()).unwrap();
    let weeks: Vec<u32> = c.weeks.iter().map(|w| w.week).collect();
    assert_eq!(weeks, [1, 2, 3, 4, 5, 6, 1], "{:#?}", c.weeks);
    assert_eq!(c.restarts, [day(43)]);
    assert!(text(&c).contains("A new check-up started the plan again on 2026-02-17"));
}

/// Finding 2: the first box leads with the most recent warning signs and their date.
#[test]
fn r3_2_the_first_box_leads_with_the_latest_warning_signs() {
    let (mut entries, today) = journal();
    entries.push(checkin_with("c-x", day(43), |c| {
        c.red_flags.progressive_weakness = Some(true);
        c.red_flags.fever_unwell = Some(true);
    }));
    let c = clinician::build(&entries, today.saturating_add(1.days()), 12, kb()).unwrap();
    assert_eq!(c.checkup.screen, Some(("check-in", day(43))));
    assert_eq!(c.checkup.flags.len(), 2, "{:#?}", c.checkup);
    let o = outline::outline(&c, kb());
    let first = &o.sections[0];
    assert!(
        first.heading.contains("check-in of 2026-02-17"),
        "{}",
        first.heading
    );
    let t = text(&c);
    assert!(!t.contains("OK: None of the warning signs"), "{t}");
    let suspended = t.find("Plan suspended since 2026-02-17").unwrap();
    let urgent = t.find("URGENT").unwrap();
    assert!(suspended < urgent && urgent < t.find("Warning signs, new symptoms").unwrap());

    // A re-screen that finds a sign: dated by the re-screen, not the check-up.
    let (mut entries, today) = journal();
    entries.push(checkup("a-r", day(43), weakness(), true));
    let c = clinician::build(&entries, today.saturating_add(1.days()), 12, kb()).unwrap();
    assert_eq!(c.checkup.screen, Some(("re-screen", day(43))));
    assert!(c.checkup.flags.iter().any(|f| f.contains("(urgent)")));
    assert_eq!(c.checkup.date, START, "the patterns' check-up");
}

/// Finding 3: every suspension, with its start and its end.
#[test]
fn r3_3_every_suspension_with_start_and_end() {
    // New symptoms, then a clean re-screen lifts the suspension.
    let (mut entries, _) = journal();
    entries.push(new_symptom_walk(day(42)));
    let mut clean = person();
    clean.instruments = InstrumentItems::default();
    entries.push(checkup("a-r", day(43), clean, true));
    let c = clinician::build(&entries, day(45), 12, kb()).unwrap();
    assert_eq!(c.suspensions.len(), 1, "{:#?}", c.suspensions);
    let s = &c.suspensions[0];
    assert_eq!(
        (s.start, s.end.as_ref().map(|e| e.0)),
        (day(42), Some(day(43)))
    );
    let row = c
        .events
        .iter()
        .find(|e| e.kind == "Plan suspended")
        .unwrap();
    assert_eq!(row.date, day(42));
    assert!(
        row.what
            .contains("until the re-screen of 2026-02-17, which found no warning sign"),
        "{}",
        row.what
    );
    assert_eq!(c.checkup.suspended, None);
    // A re-screen that finds a sign keeps it suspended: the row stays and says so.
    let (mut entries, _) = journal();
    entries.push(new_symptom_walk(day(42)));
    entries.push(checkup("a-r", day(43), weakness(), true));
    let c = clinician::build(&entries, day(45), 12, kb()).unwrap();
    let row = c
        .events
        .iter()
        .find(|e| e.kind == "Plan suspended")
        .unwrap();
    assert_eq!(row.date, day(42));
    assert!(
        row.what
            .contains("The re-screen of 2026-02-17 found warning signs"),
        "{}",
        row.what
    );
    assert!(
        row.what.contains("It is still suspended on 2026-02-19."),
        "{}",
        row.what
    );
    assert!(
        c.checkup
            .suspended
            .as_deref()
            .unwrap()
            .contains("Plan suspended since 2026-02-16: new symptoms")
    );
    // A report of a later period still shows a suspension under way since before it.
    let later = clinician::build_period(&entries, day(44), day(45), day(45), kb()).unwrap();
    assert_eq!(later.suspensions.len(), 1);
    assert!(later.events.iter().any(|e| e.kind == "Plan suspended"));
}

/// Finding 4: the PSFS is compared activity by activity; a new or dropped activity is named.
#[test]
fn r3_4_psfs_compares_the_same_activities() {
    let (mut entries, today) = journal();
    // The last check-in rates one shared activity (3 to 4) and a new one; two are dropped.
    if let Some(Entry::Checkin(ch)) = entries.last_mut() {
        ch.instruments.psfs = Some(vec![
            PsfsItem {
                activity: "Walking to the shop ".into(),
                score: 4,
            },
            PsfsItem {
                activity: "dancing".into(),
                score: 1,
            },
        ]);
    }
    let c = clinician::build(&entries, today, 12, kb()).unwrap();
    let psfs: Vec<&str> = c
        .changes
        .iter()
        .filter(|ch| ch.measure == "psfs")
        .map(|ch| ch.words.as_str())
        .collect();
    assert!(
        !psfs.iter().any(|w| w.starts_with("Patient-Specific")),
        "no mean over different activities: {psfs:#?}"
    );
    assert!(
        psfs.iter().any(|w| w.starts_with(
            "PSFS \"walking to the shop\" rose from 3/10 to 4/10: better, but less than a change people usually notice (3 points"
        )),
        "{psfs:#?}"
    );
    assert!(
        psfs.iter()
            .any(|w| w.contains("\"dancing\" is a new activity")),
        "{psfs:#?}"
    );
    assert!(
        psfs.iter()
            .any(|w| w.contains("\"gardening\" (4/10 on 2026-01-05) was not rated again")),
        "{psfs:#?}"
    );
    // One activity up by 3 is important on its own.
    let (c, _) = report();
    let shop = c
        .changes
        .iter()
        .find(|ch| ch.activity.as_deref() == Some("walking to the shop"))
        .unwrap();
    assert!(shop.important, "{}", shop.words);
    let carrying = c
        .changes
        .iter()
        .find(|ch| ch.activity.as_deref() == Some("carrying shopping"))
        .unwrap();
    assert!(carrying.important, "2 to 5: {}", carrying.words);
}

/// Findings 5 and 6: the period is the one asked for; the week table and adherence count the
/// same weeks; a period before the first check-up says it holds no data.
#[test]
fn r3_5_6_the_period_is_honoured_exactly() {
    let (entries, today) = journal();
    let c = clinician::build_period(&entries, day(20), today, today, kb()).unwrap();
    assert_eq!((c.from, c.to), (day(20), today));
    // The weeks that overlap the period and have ended by its last day: the week of day 14
    // ends on day 20.
    let starts: Vec<Date> = c.weeks.iter().map(|w| w.start).collect();
    assert_eq!(
        starts,
        [day(14), day(21), day(28), day(35)],
        "{:#?}",
        c.weeks
    );
    assert!(
        c.adherence
            .as_deref()
            .unwrap()
            .contains("over 4 reviewed weeks"),
        "{:?}",
        c.adherence
    );
    assert!(c.walks > 0);
    // One day: no week starts in it.
    let one = clinician::build_period(&entries, day(40), day(40), today, kb()).unwrap();
    assert_eq!((one.from, one.to, one.weeks.len()), (day(40), day(40), 0));
    assert_eq!(one.adherence, None);
    assert!(text(&one).contains("Prescription on 2026-02-14"));
    // Before the first check-up.
    let before = clinician::build_period(&entries, date(2025, 1, 1), date(2025, 2, 1), today, kb());
    match before {
        Err(e @ clinician::NoReport::BeforeFirstCheckup { .. }) => {
            assert_eq!(
                e.to_string(),
                "the period ends on 2025-02-01, before the first check-up (2026-01-05): there is nothing to report before 2026-01-05; end the period on 2026-01-05 or later"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        clinician::build_period(&[], day(1), day(2), day(2), kb()).err(),
        Some(clinician::NoReport::NoCheckup)
    );
}

/// Finding 7: the unanswered warning-sign questions are named in words.
#[test]
fn r3_7_unanswered_warning_sign_questions_are_named() {
    let (mut entries, today) = journal();
    let mut a = person();
    a.red_flags.fever_unwell = None;
    if let Some(Entry::Assessment(first)) = entries.first_mut() {
        first.answers = a;
    }
    // The latest check-in leaves it open too.
    if let Some(Entry::Checkin(last)) = entries.last_mut() {
        last.red_flags.fever_unwell = None;
    }
    let c = clinician::build(&entries, today, 12, kb()).unwrap();
    let q = kb()
        .question("red_flags.fever_unwell")
        .map(|q| outline::third_person(&q.text))
        .unwrap();
    let t = text(&c);
    assert!(
        t.contains(&format!(
            "Warning-sign questions the person left unanswered: {q}"
        )),
        "{q}\n{t}"
    );
}

/// Finding 8: flares are counted as episodes, and adherence shows minutes walked against
/// minutes planned, so walking more than planned shows.
#[test]
fn r3_8_flare_episodes_and_minutes_against_the_plan() {
    let (c, _) = report();
    assert_eq!(c.flares, 1);
    let a = c.adherence.as_deref().unwrap();
    let n = &c.adherence_numbers;
    assert_eq!(
        n.planned_minutes,
        c.weeks.iter().map(|w| w.planned_minutes).sum::<u32>()
    );
    assert!(
        a.contains(&format!(
            "Minutes: {:.0} walked of {} planned",
            n.walked_minutes, n.planned_minutes
        )),
        "{a}"
    );
    // Walking twice the gentle week's minutes shows as more than planned in a gentle week.
    let (mut entries, today) = journal();
    entries.push(walk(200, day(30), 60.0, 1, 1, 2));
    let c = clinician::build(&entries, today, 12, kb()).unwrap();
    let a = c.adherence.as_deref().unwrap();
    assert!(
        a.contains("more minutes than planned in 1 week, a gentle (flare) week"),
        "{a}"
    );
}

/// Finding 16: the report's data as one JSON document.
#[test]
fn r3_16_the_report_as_json() {
    let (c, _) = report();
    let doc = clinician::json::document(&c);
    assert_eq!(doc["schema"], "amble.report/1");
    assert_eq!(doc["from"], "2026-01-05");
    assert_eq!(doc["to"], "2026-02-17");
    assert_eq!(doc["weeks"].as_array().unwrap().len(), 6);
    assert_eq!(doc["adherence"]["weeks"], 6);
    assert_eq!(doc["measures"]["odi"][1]["score"], 20.0);
    assert_eq!(
        doc["psfs"][0]["activities"][0]["activity"],
        "walking to the shop"
    );
    assert_eq!(doc["events"].as_array().unwrap().len(), c.events.len());
    assert_eq!(doc["warning_signs"]["source"], "check-in");
    assert_eq!(doc["warning_signs"]["date"], "2026-02-15");
    assert!(
        doc["changes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|ch| ch["words"].is_string())
    );
}

/// The JSON document speaks about the person too, like the outline.
#[test]
fn r3_16_the_json_is_about_the_person() {
    let (c, _) = report();
    let doc = clinician::json::document(&c).to_string();
    for word in doc.split(|ch: char| !ch.is_alphanumeric() && ch != '\'') {
        assert!(
            !["you", "your", "yours", "yourself"].contains(&word.to_lowercase().as_str()),
            "{word:?} in {doc}"
        );
    }
}

/// An earlier check-up's warning signs are never cleared silently: the first box names them
/// when the latest check-up no longer finds them.
#[test]
fn r3_2_an_earlier_warning_sign_stays_named() {
    let entries = vec![
        checkup("a-0", START, weakness(), false),
        checkup("a-1", day(3), person(), false),
    ];
    let c = clinician::build(&entries, day(10), 12, kb()).unwrap();
    let earlier = c.checkup.earlier.as_deref().unwrap();
    assert!(
        earlier.starts_with("An earlier check-up (2026-01-05) found warning signs (urgent)"),
        "{earlier}"
    );
    assert!(text(&c).contains(earlier));
}

/// r4 finding 2: a period that ends on a week's last day reviews and lists that week, and
/// the flare decided at its end is counted.
#[test]
fn r4_2_a_week_ending_on_the_last_day_is_reviewed() {
    let (entries, today) = journal();
    let c = clinician::build_period(&entries, day(7), day(13), today, kb()).unwrap();
    let starts: Vec<Date> = c.weeks.iter().map(|w| w.start).collect();
    assert_eq!(starts, [day(7)], "{:#?}", c.weeks);
    assert_eq!(c.adherence_numbers.weeks, 1);
    // Week 4 (days 21 to 27) had the red walks: the flare decided at its end is counted
    // when the period ends on its last day, and when it starts within it.
    for from in [day(21), day(24)] {
        let c = clinician::build_period(&entries, from, day(27), today, kb()).unwrap();
        let starts: Vec<Date> = c.weeks.iter().map(|w| w.start).collect();
        assert_eq!(starts, [day(21)], "{:#?}", c.weeks);
        assert_eq!(c.flares, 1, "{:#?}", c.weeks);
    }
    // A week still running on the last day is not reviewed (it is the chart's week under way).
    let c = clinician::build_period(&entries, day(7), day(12), today, kb()).unwrap();
    assert!(c.weeks.is_empty(), "{:#?}", c.weeks);
}

/// r4 finding 6: the week new symptoms suspended the plan in has its own row, so the walks
/// of the heading are the walks of the rows (and of the chart's bars).
#[test]
fn r4_6_a_suspended_week_has_its_own_row_and_the_totals_reconcile() {
    let (mut entries, _) = journal();
    entries.push(new_symptom_walk(day(43)));
    let c = clinician::build(&entries, day(50), 12, kb()).unwrap();
    let last = c.weeks.last().unwrap();
    assert_eq!(
        (last.start, last.week, last.week_type, last.decision),
        (day(42), 7, "suspended", "suspended"),
        "{:#?}",
        c.weeks
    );
    assert_eq!((last.done_walks, last.walked_minutes), (1, 10.0));
    let rows: f64 = c.weeks.iter().map(|w| w.walked_minutes).sum();
    assert_eq!(rows, c.minutes, "{:#?}", c.weeks);
    // Adherence counts the reviewed weeks only.
    assert_eq!(c.adherence_numbers.weeks, 6);
    let t = text(&c);
    assert!(t.contains("0 walks, 0 min, suspended week"), "{t}");
    assert!(
        t.contains("Week 7: the plan was suspended; walked 10 minutes."),
        "the chart says so rather than \"10 of 0 planned\": {t}"
    );
}

/// r4 finding 8: a period that ends before the first check-up says so, with its date, even
/// when only its end was given.
#[test]
fn r4_8_an_end_before_the_first_check_up_names_it() {
    let (entries, today) = journal();
    let (from, to) = clinician::period(&entries, today, None, Some(date(2025, 12, 1)), 12).unwrap();
    let e = clinician::build_period(&entries, from, to, today, kb()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the period ends on 2025-12-01, before the first check-up (2026-01-05): there is nothing to report before 2026-01-05; end the period on 2026-01-05 or later"
    );
    // The period's own rules, shared by the CLI and the web.
    assert_eq!(
        clinician::period(&entries, today, Some(day(3)), Some(day(2)), 12),
        Err(clinician::BadPeriod::FromAfterTo {
            from: day(3),
            to: day(2)
        })
    );
    assert!(matches!(
        clinician::period(&entries, today, None, Some(day(44)), 12),
        Err(clinician::BadPeriod::ToAfterToday { .. })
    ));
    assert_eq!(
        clinician::period(&entries, today, None, None, 12),
        Ok((START, today))
    );
}
