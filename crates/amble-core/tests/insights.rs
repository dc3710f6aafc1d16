//! The insights engine on simulated journals: journals with no real pattern give no findings
//! at least 95 % of the time, and a planted effect of 1 point on next-morning pain in 90 days is
//! found. Deterministic seeds, so the figures in docs/insights.md are reproducible.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

use amble_core::insights::insights;
use amble_core::journal::{Entry, ExerciseSession, Morning, Walk, WalkSource};
use jiff::ToSpan;
use jiff::civil::{Date, date};

/// SplitMix64: a small, well-known generator, enough for test journals.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.unit().max(1e-12), self.unit());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

fn pain(x: f64) -> u8 {
    x.round().clamp(0.0, 10.0) as u8
}

/// 90 days of a person whose pain wanders (a day-to-day AR(1) state, as backs do) and has
/// nothing to do with what they log; `hills_next_morning` plants an effect.
fn journal(seed: u64, days: i64, hills_next_morning: f64) -> (Vec<Entry>, Date, Date) {
    let mut r = Rng(seed);
    let start = date(2026, 1, 5);
    let mut state = 0.0;
    let mut states = Vec::new();
    for _ in 0..=days {
        state = 0.6 * state + 0.6 * r.normal();
        states.push(state);
    }
    let mut entries = Vec::new();
    let mut bump = vec![0.0; days as usize + 2];
    for d in 0..days {
        let day = start.saturating_add(d.days());
        let s = states[d as usize];
        if r.unit() < 0.4 {
            entries.push(Entry::Exercise(ExerciseSession {
                id: format!("x-{d}"),
                date: day,
                exercise: "bird_dog".into(),
                sets: Some(2),
                pain_after: None,
            }));
        }
        if r.unit() < 0.7 {
            let minutes = f64::from(10 + (r.next() % 31) as u32);
            let surface = r.pick(&["flat", "hills", "park"]);
            if surface == "hills" {
                bump[d as usize + 1] += hills_next_morning;
            }
            let before = pain(3.0 + s + 0.5 * r.normal());
            let peak = pain(f64::from(before) + 2.0 * r.unit());
            entries.push(Entry::Walk(Walk {
                id: format!("w-{d}"),
                date: day,
                start: Some(format!("{:02}:15", 7 + r.next() % 14)),
                minutes,
                elapsed_minutes: None,
                bouts: if r.unit() < 0.2 { 2 } else { 1 },
                pain_before: Some(before),
                pain_peak: Some(peak),
                leg_spread: None,
                new_symptoms: false,
                distance_km: Some(minutes / 60.0 * (3.5 + 2.0 * r.unit())),
                steps: None,
                cadence_spm: None,
                avg_hr_bpm: None,
                ascent_m: None,
                surface: Some(surface.into()),
                shoes: Some(r.pick(&["old", "new"]).into()),
                source: WalkSource::Manual,
                notes: None,
                gait: None,
            }));
        }
    }
    for d in 1..=days {
        if r.unit() < 0.85 {
            let s = states[d as usize];
            entries.push(Entry::Morning(Morning {
                id: format!("m-{d}"),
                date: start.saturating_add(d.days()),
                pain: pain(3.0 + s + 0.5 * r.normal() + bump[d as usize]),
            }));
        }
    }
    entries.sort_by_key(Entry::date);
    (entries, start, start.saturating_add(days.days()))
}

#[test]
fn journals_without_a_pattern_give_no_findings_95_percent_of_the_time() {
    let runs = 200;
    let mut with_findings = 0;
    let mut tests = 0;
    for seed in 0..runs {
        let (entries, from, to) = journal(seed, 90, 0.0);
        let i = insights(&entries, from, to);
        tests += i.findings.len() + i.tested.len();
        if !i.findings.is_empty() {
            with_findings += 1;
        }
    }
    eprintln!("null journals with a finding: {with_findings} of {runs}; {tests} tests run");
    assert!(
        tests > runs as usize * 10,
        "the tests actually run ({tests})"
    );
    assert!(
        with_findings * 100 <= 5 * runs as usize,
        "{with_findings} of {runs} null journals gave a finding"
    );
}

/// How often a planted 1-point effect of hills on next-morning pain is found in `days` of data.
fn power(days: i64) -> (u64, u64) {
    let runs = 100;
    let mut found = 0;
    let mut wrong_sign = 0;
    for seed in 1000..1000 + runs {
        let (entries, from, to) = journal(seed, days, 1.0);
        let i = insights(&entries, from, to);
        let hit = i.findings.iter().find(|f| {
            f.factor == "surface"
                && f.level.as_deref() == Some("hills")
                && f.outcome == "next_morning"
        });
        match hit {
            Some(f) if f.effect > 0.0 => {
                found += 1u64;
                assert!(f.ci95[0] > 0.0 && f.text.contains("not proof of a cause"));
                assert_eq!(f.kind, "confirmatory");
            }
            Some(_) => wrong_sign += 1,
            None => {}
        }
    }
    assert_eq!(wrong_sign, 0, "a finding never points the wrong way");
    (found, runs)
}

#[test]
fn a_planted_one_point_effect_is_found() {
    let (found_90, runs) = power(90);
    let (found_180, _) = power(180);
    eprintln!("planted effect found: {found_90} of {runs} in 90 days, {found_180} in 180 days");
    // Targets (docs/insights.md): at least half of 90-day journals, 80 % of 180-day ones.
    assert!(
        found_90 * 2 >= runs,
        "90 days: found in {found_90} of {runs}"
    );
    assert!(
        found_180 * 100 >= 80 * runs,
        "180 days: found in {found_180} of {runs}"
    );
}

#[test]
fn too_little_data_says_what_is_needed() {
    let (entries, from, _) = journal(7, 10, 0.0);
    let i = insights(&entries, from, from.saturating_add(10.days()));
    assert!(i.findings.is_empty() && i.tested.is_empty());
    let ascent = i
        .not_enough_data
        .iter()
        .find(|n| n.factor == "ascent_m")
        .unwrap();
    assert!(
        ascent.why.contains("0 walks have a climb recorded"),
        "{}",
        ascent.why
    );
    assert!(i.not_enough_data.iter().any(|n| n.factor == "surface"));
}

// ---- N-of-1 experiments ----

use amble_core::insights::experiment::{Design, Factor, analyse, schedule};

/// A person who follows the schedule (walking on 70 % of days, logging 85 % of mornings), whose
/// next-morning pain is `planted` points higher after walks with option B.
fn trial(seed: u64, planted: f64) -> (Design, Vec<Entry>) {
    let design = Design {
        factor: Factor::Surface,
        a: "flat".into(),
        b: "hills".into(),
        start: date(2026, 3, 2),
        weeks: 6,
        seed,
    };
    let mut r = Rng(seed.wrapping_mul(7919).wrapping_add(1));
    let mut state: f64 = 0.0;
    let mut entries = Vec::new();
    let mut bump = std::collections::BTreeMap::new();
    for p in schedule(&design) {
        let mut day = p.from;
        while day <= p.to {
            state = 0.6 * state + 0.6 * r.normal();
            if r.unit() < 0.7 {
                let before = pain(3.0 + state + 0.5 * r.normal());
                if p.option == "hills" {
                    bump.insert(day.saturating_add(1.days()), planted);
                }
                entries.push(Entry::Walk(Walk {
                    id: format!("w-{day}"),
                    date: day,
                    start: None,
                    minutes: 20.0,
                    elapsed_minutes: None,
                    bouts: 1,
                    pain_before: Some(before),
                    pain_peak: Some(before + 1),
                    leg_spread: None,
                    new_symptoms: false,
                    distance_km: None,
                    steps: None,
                    cadence_spm: None,
                    avg_hr_bpm: None,
                    ascent_m: None,
                    surface: Some(p.option.clone()),
                    shoes: None,
                    source: WalkSource::Manual,
                    notes: None,
                    gait: None,
                }));
            }
            let next = day.saturating_add(1.days());
            if r.unit() < 0.85 {
                entries.push(Entry::Morning(Morning {
                    id: format!("m-{next}"),
                    date: next,
                    pain: pain(
                        3.0 + 0.6 * state
                            + 0.5 * r.normal()
                            + bump.get(&next).copied().unwrap_or(0.0),
                    ),
                }));
            }
            day = next;
        }
    }
    entries.sort_by_key(Entry::date);
    (design, entries)
}

#[test]
fn an_experiment_finds_a_planted_difference_and_not_a_missing_one() {
    let runs = 200u64;
    let (mut hit, mut false_hit) = (0u64, 0u64);
    for seed in 0..runs {
        let (d, e) = trial(seed, 1.5);
        let a = analyse(&d, &e);
        if a.ci95.is_some_and(|ci| ci[0] > 0.0) {
            hit += 1;
        }
        let (d, e) = trial(seed + 10_000, 0.0);
        let a = analyse(&d, &e);
        if a.ci95.is_some_and(|ci| ci[0] > 0.0 || ci[1] < 0.0) {
            false_hit += 1;
        }
        assert!(
            a.difference.is_none() || a.text.contains("one person"),
            "{}",
            a.text
        );
    }
    eprintln!(
        "experiments: planted 1.5 points found in {hit} of {runs}; no difference called one in {false_hit} of {runs}"
    );
    // Targets (docs/insights.md): at least 80 % found, at most 5 % false.
    assert!(hit * 100 >= 80 * runs, "found in {hit} of {runs}");
    assert!(
        false_hit * 100 <= 5 * runs,
        "false in {false_hit} of {runs}"
    );
}

#[test]
fn a_schedule_is_random_but_repeatable_and_balanced() {
    let d = |seed| Design {
        factor: Factor::Shoes,
        a: "old".into(),
        b: "new".into(),
        start: date(2026, 3, 2),
        weeks: 9,
        seed,
    };
    let s = schedule(&d(1));
    assert_eq!(s, schedule(&d(1)), "the same seed, the same schedule");
    assert_eq!(s.len(), 14, "kept to 6 weeks: 7 pairs of two 3-day periods");
    for pair in 1..=7 {
        let options: Vec<&str> = s
            .iter()
            .filter(|p| p.pair == pair)
            .map(|p| p.option.as_str())
            .collect();
        assert!(
            options.contains(&"old") && options.contains(&"new"),
            "{options:?}"
        );
    }
    let orders = |seed| {
        schedule(&d(seed))
            .iter()
            .step_by(2)
            .map(|p| p.option.clone())
            .collect::<Vec<_>>()
    };
    assert_ne!(orders(1), orders(2), "the order is drawn at random");
}

// ---- The words for what the plan sets (content/insights.toml) ----

/// Loads the knowledge base with one change in `content/insights.toml`.
fn insights_words_changed(
    from: &str,
    to: &str,
) -> Result<amble_core::knowledge::KnowledgeBase, amble_core::knowledge::KnowledgeError> {
    use amble_core::knowledge::{ContentFile, EMBEDDED, KnowledgeBase};
    let texts: Vec<(String, String)> = EMBEDDED
        .iter()
        .map(|f| {
            let text = if f.name.ends_with("insights.toml") {
                assert!(f.text.contains(from), "insights.toml contains {from:?}");
                f.text.replacen(from, to, 1)
            } else {
                f.text.to_string()
            };
            (f.name.to_string(), text)
        })
        .collect();
    let files: Vec<ContentFile<'_>> = texts
        .iter()
        .map(|(n, t)| ContentFile { name: n, text: t })
        .collect();
    KnowledgeBase::load(&files)
}

/// The notes for walk minutes and bouts load with the knowledge base, are the ones the results
/// use, and broken ones (unhedged, causal, unsourced, missing) are caught at start-up.
#[test]
fn plan_set_words_are_content_and_checked() {
    let kb = amble_core::knowledge::KnowledgeBase::embedded().unwrap_or_else(|e| panic!("{e}"));
    let words = amble_core::insights::words::embedded().expect("the embedded words parse");
    assert_eq!(&kb.insights, words);
    for f in ["minutes", "bouts"] {
        let note = words.plan_set_note(f).unwrap();
        assert!(
            note.contains("may") && note.contains("the way to be sure"),
            "{note}"
        );
    }
    assert!(words.plan_set_note("surface").is_none());
    for (from, to, needle) in [
        (
            "people often walk less on bad days, so part of this may still be",
            "so part of this is",
            "plan_set.minutes",
        ),
        (
            "so part of this may still be pain shaping",
            "so pain caused",
            "plan_set.minutes",
        ),
        (
            "sources = [\"heuristic\"]",
            "sources = [\"R999\"]",
            "unknown source",
        ),
        (
            "sources = [\"heuristic\"]",
            "sources = []",
            "missing source",
        ),
        ("\nbouts = ", "\nbouts_ = ", "unknown field"),
    ] {
        let msg = match insights_words_changed(from, to) {
            Ok(_) => panic!("{from:?} -> {to:?} is rejected"),
            Err(e) => e.to_string(),
        };
        assert!(
            msg.contains(needle) && msg.contains("insights.toml"),
            "{msg}"
        );
    }
}
