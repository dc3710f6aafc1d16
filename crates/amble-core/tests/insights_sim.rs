//! Insights without reverse causation, proved by simulation (docs/insights.md, "Measured").
//!
//! A deterministic generator (seeded) writes journals of a person whose back pain wanders day to
//! day around a level, in four worlds:
//! - **null**: nothing they do changes their pain;
//! - **planted**: next-morning pain 1 point higher (or lower) after walks on hills, or 0.5 point
//!   higher (or lower) per 10 minutes walked;
//! - **pain-driven**: nothing changes their pain, but pain changes what they do: on bad days they
//!   walk less, slower, split walks into bouts and avoid hills, and the plan shortens the walks
//!   after a red walk and lengthens them after a calm week;
//! - **trend**: pain eases with time while walks lengthen, speed up and go up hills more often.
//!
//! Goals: a journal with a false finding at most 10 % of the time in every world (at most 5 %
//! in the null world, the contract's figure), a planted effect found at least 70 % of the time,
//! never with the wrong sign; and each result's words agree with its sign (a property). Walk
//! minutes and bouts, which the plan sets from recent pain, are tested like every factor.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

use amble_core::insights::{Insights, MORE_DATA, PLAN_SET, Tested, direction, insights};
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

#[derive(Debug, Clone, Copy, Default)]
struct World {
    days: i64,
    /// Next-morning pain after walks on hills, in points (0 = no effect).
    hills: f64,
    /// Pain drives what the person does, and the plan shortens walks after red walks.
    pain_driven: bool,
    /// Pain eases with time while walks lengthen, speed up and climb more.
    trend: bool,
    /// Next-morning pain per 10 minutes walked the day before, in points (0 = no effect).
    minutes: f64,
}

/// One journal of `w.days` days.
fn journal(seed: u64, w: World) -> (Vec<Entry>, Date, Date) {
    let mut r = Rng(seed);
    let start = date(2026, 1, 5);
    let days = w.days;
    let level = |d: i64| {
        if w.trend {
            5.0 - 3.0 * d as f64 / days as f64
        } else {
            3.0
        }
    };
    let progress = |d: i64| d as f64 / days as f64;
    // Pain wanders day to day (a short-memory AR(1) state); in the pain-driven world bad spells
    // that last weeks come on top (a slow AR(1), coefficient 0.93).
    let mut state = 0.0;
    let mut spell = 0.0;
    let mut states = Vec::new();
    for _ in 0..=days + 1 {
        state = 0.6 * state + 0.6 * r.normal();
        if w.pain_driven {
            spell = 0.93 * spell + 0.35 * r.normal();
        }
        states.push(state + spell);
    }
    let mut entries = Vec::new();
    let mut bump = vec![0.0; days as usize + 2];
    // The plan's minutes: shortened by a fifth after a week with a red walk, lengthened by a
    // tenth after a calm one (pain-driven world), or growing steadily (trend world).
    let mut planned = 20.0_f64;
    let mut red_this_week = false;
    for d in 0..days {
        let day = start.saturating_add(d.days());
        if d % 7 == 0 && d > 0 && w.pain_driven {
            planned = if red_this_week {
                (planned * 0.8).max(10.0)
            } else {
                (planned * 1.1).min(45.0)
            };
            red_this_week = false;
        }
        let s = states[d as usize];
        let today = level(d) + s;
        if r.unit() < 0.4 {
            entries.push(Entry::Exercise(ExerciseSession {
                id: format!("x-{d}"),
                date: day,
                exercise: "bird_dog".into(),
                sets: Some(2),
                pain_after: None,
            }));
        }
        let walk_chance = if w.pain_driven {
            (0.75 - 0.15 * s).clamp(0.3, 0.95)
        } else {
            0.7
        };
        if r.unit() >= walk_chance {
            continue;
        }
        let mut minutes = if w.trend {
            15.0 + 25.0 * progress(d) + 10.0 * r.unit()
        } else if w.pain_driven {
            planned
        } else {
            f64::from(10 + (r.next() % 31) as u32)
        };
        let mut kmh = 3.5 + 2.0 * r.unit();
        let mut p_hills = 1.0 / 3.0;
        let mut split = 0.2;
        if w.pain_driven {
            // Bad days: shorter, slower, split, flatter.
            minutes = (minutes * (1.0 - 0.25 * s) + 3.0 * r.normal()).clamp(5.0, 60.0);
            kmh -= 0.5 * s;
            p_hills = (p_hills - 0.2 * s).clamp(0.05, 0.7);
            split = (0.2 + 0.3 * s).clamp(0.05, 0.8);
        }
        if w.trend {
            kmh += 1.0 * progress(d);
            p_hills = 0.15 + 0.4 * progress(d);
        }
        let minutes = minutes.round().max(5.0);
        bump[d as usize + 1] += w.minutes * minutes / 10.0;
        let surface = if r.unit() < p_hills {
            "hills"
        } else {
            r.pick(&["flat", "park"])
        };
        if surface == "hills" {
            bump[d as usize + 1] += w.hills;
        }
        let before = pain(today + 0.5 * r.normal());
        let peak = pain(f64::from(before) + 2.0 * r.unit());
        if peak >= 7 || peak >= before + 2 && peak >= 5 {
            red_this_week = true;
        }
        entries.push(Entry::Walk(Walk {
            id: format!("w-{d}"),
            date: day,
            start: Some(format!("{:02}:15", 7 + r.next() % 14)),
            minutes,
            elapsed_minutes: None,
            bouts: if r.unit() < split { 2 } else { 1 },
            pain_before: Some(before),
            pain_peak: Some(peak),
            leg_spread: None,
            new_symptoms: false,
            distance_km: Some(minutes / 60.0 * kmh.clamp(1.5, 7.0)),
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
    for d in 1..=days {
        if r.unit() < 0.85 {
            let s = states[d as usize];
            entries.push(Entry::Morning(Morning {
                id: format!("m-{d}"),
                date: start.saturating_add(d.days()),
                pain: pain(level(d) + s + 0.5 * r.normal() + bump[d as usize]),
            }));
        }
    }
    entries.sort_by_key(Entry::date);
    (entries, start, start.saturating_add(days.days()))
}

/// Whether a finding is the planted effect of world `w` (any level of the surface, against
/// next-morning pain, for hills; the slope of walk minutes for walk length).
fn is_planted(f: &Tested, w: World) -> bool {
    f.outcome == "next_morning"
        && ((w.hills != 0.0 && f.factor == "surface")
            || (w.minutes != 0.0 && f.factor == "minutes"))
}

/// What a world plants, as (the finding that is it, its sign).
fn planted(w: World) -> Option<f64> {
    [w.hills, w.minutes].into_iter().find(|v| *v != 0.0)
}

/// Runs journals of a world; returns (journals with a false finding, journals where the planted
/// effect was found with the right sign, journals), asserting it is never found the wrong way.
/// The false findings are counted by factor and printed, so a world that fails shows why.
fn rates(w: World, seeds: std::ops::Range<u64>) -> (usize, usize, usize) {
    let mut false_journals = 0;
    let mut found = 0;
    let mut by_factor: std::collections::BTreeMap<String, usize> = Default::default();
    let runs = seeds.end - seeds.start;
    for seed in seeds {
        let (entries, from, to) = journal(seed, w);
        let i = insights(&entries, from, to);
        check_words(&i);
        let false_here: Vec<&Tested> = i.findings.iter().filter(|f| !is_planted(f, w)).collect();
        if !false_here.is_empty() {
            false_journals += 1;
        }
        for f in false_here {
            let key = match &f.level {
                Some(l) => format!("{} {l} / {}", f.factor, f.outcome),
                None => format!("{} / {}", f.factor, f.outcome),
            };
            *by_factor.entry(key).or_default() += 1;
        }
        let Some(sign) = planted(w) else {
            continue;
        };
        let key_level = if w.hills != 0.0 { Some("hills") } else { None };
        let hit = i
            .findings
            .iter()
            .find(|f| is_planted(f, w) && f.level.as_deref() == key_level);
        if let Some(f) = hit {
            assert_eq!(
                f.effect > 0.0,
                sign > 0.0,
                "seed {seed}: a planted effect is never found the wrong way: {f:?}"
            );
            found += 1;
        }
        // Other levels of the surface (flat, park) point the opposite way of hills: when
        // they are found, their sign must agree with hills being the odd one out.
        for f in i.findings.iter().filter(|f| is_planted(f, w)) {
            if f.level.is_some() && f.level.as_deref() != Some("hills") {
                assert_eq!(f.effect < 0.0, sign > 0.0, "seed {seed}: {f:?}");
            }
        }
    }
    if !by_factor.is_empty() {
        eprintln!("  false findings by comparison: {by_factor:?}");
    }
    (false_journals, found, runs as usize)
}

/// The property every result keeps: its words agree with its sign, its interval holds it, it
/// says what it was compared at and that it is not proof of a cause, and a raw figure pointing
/// the other way is said in words.
fn check_words(i: &Insights) {
    for t in i.findings.iter().chain(&i.tested) {
        let dir = direction(t.effect);
        match dir {
            "higher" => assert!(
                t.effect > 0.0 && t.text.contains(" higher ") && !t.text.contains(" lower "),
                "{t:?}"
            ),
            "lower" => assert!(
                t.effect < 0.0 && t.text.contains(" lower ") && !t.text.contains(" higher "),
                "{t:?}"
            ),
            _ => assert!(
                t.effect.abs() <= 0.05 && t.text.contains("about the same"),
                "{t:?}"
            ),
        }
        assert!(
            t.ci95[0] <= t.effect + 0.01 && t.effect <= t.ci95[1] + 0.01,
            "{t:?}"
        );
        assert!(t.text.contains("compared at the same weekday"), "{t:?}");
        assert!(t.text.contains("not proof of a cause"), "{t:?}");
        let opposite = direction(t.raw_effect) != "about the same"
            && dir != "about the same"
            && (t.raw_effect > 0.0) != (t.effect > 0.0);
        assert_eq!(opposite, t.text.contains("pointed the other way"), "{t:?}");
        // What the plan sets from recent pain is tested like the rest, and says so.
        let plan_set = PLAN_SET.contains(&t.factor.as_str());
        assert_eq!(
            plan_set,
            t.text.contains("from your recent pain") && t.text.contains("the way to be sure"),
            "{t:?}"
        );
    }
    // Nothing is left out for a reason other than data: each factor is a result or waits for
    // more walks, never both, never neither.
    assert!(
        i.not_enough_data.iter().all(|l| l.kind == MORE_DATA),
        "{i:?}"
    );
    for f in PLAN_SET {
        let tested = i.findings.iter().chain(&i.tested).any(|t| t.factor == *f);
        let waiting = i.not_enough_data.iter().any(|l| l.factor == *f);
        assert!(tested != waiting, "{f}: {i:?}");
    }
}

fn report(name: &str, (false_j, found, runs): (usize, usize, usize), planted: bool) {
    if planted {
        eprintln!(
            "{name}: planted effect found in {found} of {runs}; a false finding in {false_j} of {runs}"
        );
    } else {
        eprintln!("{name}: a false finding in {false_j} of {runs}");
    }
}

#[test]
fn null_journals_give_no_findings() {
    let r = rates(
        World {
            days: 90,
            ..World::default()
        },
        0..200,
    );
    report("null, 90 days", r, false);
    assert!(r.0 * 100 <= 5 * r.2, "{r:?}");
}

#[test]
fn pain_driven_walks_are_not_read_as_effects() {
    for days in [90, 180] {
        let r = rates(
            World {
                days,
                pain_driven: true,
                ..World::default()
            },
            100..300,
        );
        report(&format!("pain-driven, {days} days"), r, false);
        assert!(r.0 * 100 <= 10 * r.2, "{days} days: {r:?}");
    }
}

#[test]
fn walks_lengthening_while_pain_eases_are_not_read_as_effects() {
    let r = rates(
        World {
            days: 120,
            trend: true,
            ..World::default()
        },
        300..500,
    );
    report("trend, 120 days", r, false);
    assert!(r.0 * 100 <= 10 * r.2, "{r:?}");
    // And the trends themselves are seen: pain down, walking up.
    let (entries, from, to) = journal(
        7,
        World {
            days: 120,
            trend: true,
            ..World::default()
        },
    );
    let i = insights(&entries, from, to);
    let t = |m: &str| i.trends.iter().find(|t| t.measure == m).unwrap();
    assert!(t("next_morning").ci95[1] < 0.0, "{:?}", i.trends);
    assert!(t("weekly_minutes").ci95[0] > 0.0, "{:?}", i.trends);
}

#[test]
fn planted_effects_of_both_signs_are_found_the_right_way() {
    // The pain-driven world with its trend is harder (bad spells add noise, and hills are
    // avoided on bad days): it is given 150 days.
    for (hills, pain_driven, trend, days) in [
        (1.0, false, false, 120),
        (-1.0, false, false, 120),
        (1.0, true, true, 150),
        (-1.0, true, true, 150),
    ] {
        let w = World {
            days,
            hills,
            pain_driven,
            trend,
            ..World::default()
        };
        let r = rates(w, 1000..1100);
        report(
            &format!(
                "hills {hills:+} point, pain-driven {pain_driven}, trend {trend}, {days} days"
            ),
            r,
            true,
        );
        assert!(r.1 * 100 >= 70 * r.2, "{w:?}: {r:?}");
        assert!(r.0 * 100 <= 10 * r.2, "{w:?}: {r:?}");
    }
}

/// A planted effect of walk length (next-morning pain 0.5 point higher, or lower, per 10
/// minutes walked) in journals where walk length varies for reasons of its own: found at least
/// 70 % of the time, never the wrong way. Walk length is an exploratory question (a fifth of the
/// error budget shared with the other exploratory ones), so it needs about eight months.
#[test]
fn planted_effects_of_walk_length_are_found_the_right_way() {
    for minutes in [0.5, -0.5] {
        let w = World {
            days: 240,
            minutes,
            ..World::default()
        };
        let r = rates(w, 2000..2100);
        report(
            &format!("minutes {minutes:+} point per 10 min, 240 days"),
            r,
            true,
        );
        assert!(r.1 * 100 >= 70 * r.2, "{w:?}: {r:?}");
        assert!(r.0 * 100 <= 10 * r.2, "{w:?}: {r:?}");
    }
}

/// Where the plan and pain set walk length (pain-driven and trend worlds), a planted effect of
/// walk length is rarely found: what varies in walk length is mostly pain, and the adjustment
/// for noisy ratings leaves some of it (docs/insights.md). What holds there: never a finding the
/// wrong way, and false findings within the goal. The found rate is measured, not a goal.
#[test]
fn walk_length_set_by_pain_is_never_found_the_wrong_way() {
    for minutes in [0.5, -0.5] {
        let w = World {
            days: 180,
            minutes,
            pain_driven: true,
            trend: true,
            ..World::default()
        };
        let r = rates(w, 2100..2200);
        report(
            &format!("minutes {minutes:+} point per 10 min, pain-driven and trend, 180 days"),
            r,
            true,
        );
        assert!(r.0 * 100 <= 10 * r.2, "{w:?}: {r:?}");
    }
}

/// The weekly trend counts a part-week by its days: a journal of steady walking ending one day
/// into a new week shows no fall in weekly walking.
#[test]
fn a_partial_current_week_counts_by_its_days() {
    let start = date(2026, 1, 5);
    let mut entries = Vec::new();
    // 8 weeks and 1 day of a 30-minute walk every day, with pain ratings.
    for d in 0..57i64 {
        let day = start.saturating_add(d.days());
        entries.push(Entry::Walk(Walk {
            id: format!("w-{d}"),
            date: day,
            start: None,
            minutes: 30.0,
            elapsed_minutes: None,
            bouts: 1,
            pain_before: Some(2),
            pain_peak: Some(3),
            leg_spread: None,
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
    }
    let to = start.saturating_add(56.days());
    let i = insights(&entries, start, to);
    let minutes = i
        .trends
        .iter()
        .find(|t| t.measure == "weekly_minutes")
        .unwrap();
    assert_eq!(minutes.weeks, 9);
    assert!(minutes.per_week.abs() < 0.01, "{minutes:?}");
    assert!(
        minutes.text.contains("did not clearly change"),
        "{minutes:?}"
    );
    assert!(
        minutes.text.contains("current week so far (1 day)"),
        "{minutes:?}"
    );
}

mod property {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

        /// Whatever the journal, each result's direction in words agrees with its sign.
        #[test]
        fn words_agree_with_signs(
            seed in 0u64..1_000_000,
            days in 42i64..150,
            hills in -1.5f64..1.5,
            minutes in -0.8f64..0.8,
            pain_driven: bool,
            trend: bool,
        ) {
            let (entries, from, to) = journal(seed, World { days, hills, pain_driven, trend, minutes });
            check_words(&insights(&entries, from, to));
        }
    }
}

/// A factor that moves only with the weekday cannot be told apart from it: it is not a result,
/// and it is listed with what it needs rather than left out (every factor is accounted for).
#[test]
fn a_factor_tied_to_the_weekday_says_what_it_needs() {
    let (mut entries, from, to) = journal(
        11,
        World {
            days: 120,
            ..World::default()
        },
    );
    for e in &mut entries {
        if let Entry::Walk(w) = e {
            w.minutes = 10.0 + 5.0 * f64::from(w.date.weekday().to_monday_zero_offset());
        }
    }
    let i = insights(&entries, from, to);
    assert!(
        !i.findings
            .iter()
            .chain(&i.tested)
            .any(|t| t.factor == "minutes"),
        "{i:?}"
    );
    let left = i.not_enough_data.iter().find(|n| n.factor == "minutes");
    assert!(
        left.is_some_and(|n| n.kind == MORE_DATA && n.why.contains("cannot be told apart")),
        "{:?}",
        i.not_enough_data
    );
}
