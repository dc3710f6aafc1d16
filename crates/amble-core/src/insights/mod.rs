//! What in a person's own journal goes with more or less pain (contract §8, `amble.insights/1`),
//! honestly: effects adjusted for weekday, trend and the person's recent pain (the pain before
//! the walk, the mornings before, the week's earlier walks), intervals that treat the days of one
//! week as one cluster, a false-discovery-rate `q` over everything tested in the run, documented
//! minimums, and words that say "went with", never "caused". What the plan itself sets from
//! recent pain (walk minutes, bouts) is tested like the rest, and every result about it adds that
//! the plan sets it from recent pain, so that a trial setting it in advance is the way to be
//! sure (`content/insights.toml`). Method and measured error rates: docs/insights.md.

pub mod experiment;
mod stats;
pub mod words;

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use serde::Serialize;

use crate::journal::{Entry, Walk};

pub use stats::{Estimate, bh, weighted_bh};

pub const INSIGHTS_SCHEMA: &str = "amble.insights/1";

/// The documented minimums (docs/insights.md) [heuristic].
pub mod minimum {
    /// Walks with the outcome and the factor known.
    pub const WALKS: usize = 20;
    /// Different weeks those walks fall in (the clusters).
    pub const WEEKS: usize = 6;
    /// Walks with and without a level of a categorical factor.
    pub const PER_GROUP: usize = 8;
    /// Different values of a numeric factor.
    pub const DISTINCT: usize = 3;
    /// Weeks for a trend.
    pub const TREND_WEEKS: usize = 4;
}

/// The q below which a result is a finding.
pub const Q_FINDING: f64 = 0.05;

/// The share of the false-discovery budget given to the questions asked first (weighted
/// Benjamini-Hochberg); the exploratory tests share the rest [heuristic].
pub const CONFIRMATORY_SHARE: f64 = 0.8;

/// The questions asked first, with their lag fixed in advance; the rest is exploratory.
pub const CONFIRMATORY: &[(&str, &str)] = &[("surface", "next_morning"), ("shoes", "next_morning")];

/// Exposures the walking plan itself sets, shortening them after painful walks (and people walk
/// less, or in shorter bouts, on bad days): in a journal pain drives them. They are compared at
/// the same recent pain like every factor, and every result about them says that the plan sets
/// them from recent pain, so that a trial setting them in advance is the way to be sure.
pub const PLAN_SET: &[&str] = &["minutes", "bouts"];

/// Days of mornings before a walk (the walk's own morning and the days before it) whose mean
/// pain every comparison is adjusted for.
pub const RECENT_MORNING_DAYS: i64 = 3;

/// Days before a walk whose rated walks' mean worst pain every comparison is adjusted for (the
/// plan's review looks back a week).
pub const RECENT_WALK_DAYS: i64 = 7;

const OUTCOMES: &[&str] = &["pain_peak", "pain_rise", "next_morning"];

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Insights {
    pub schema: &'static str,
    pub from: Date,
    pub to: Date,
    pub data: DataSummary,
    pub findings: Vec<Tested>,
    pub tested: Vec<Tested>,
    /// Factors the journal cannot answer yet: too few walks (`more_data`).
    pub not_enough_data: Vec<NotEnough>,
    pub trends: Vec<Trend>,
}

impl Insights {
    /// The factors that need more walks logged.
    pub fn needs_more_data(&self) -> Vec<&NotEnough> {
        self.not_enough_data
            .iter()
            .filter(|n| n.kind == MORE_DATA)
            .collect()
    }
}

/// `kind` of a factor that more data would answer (every factor the journal cannot answer yet).
pub const MORE_DATA: &str = "more_data";

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DataSummary {
    pub walks_rated: usize,
    pub mornings: usize,
    pub weeks: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tested {
    pub factor: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    pub outcome: String,
    pub effect: f64,
    /// The plain difference or slope before any adjustment (for a reader comparing with a raw
    /// chart; the text says so when it points the other way).
    pub raw_effect: f64,
    pub unit: String,
    pub ci95: [f64; 2],
    /// `[with, without]` for a level, `[walks]` for a slope.
    pub n: Vec<usize>,
    pub q: f64,
    pub p: f64,
    /// Walks the result is worth once days of the same week are counted together.
    pub effective_n: f64,
    /// `confirmatory` (asked first, lag fixed in advance) or `exploratory`.
    pub kind: &'static str,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NotEnough {
    pub factor: String,
    pub why: String,
    /// [`MORE_DATA`].
    pub kind: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trend {
    pub measure: String,
    pub per_week: f64,
    pub ci95: [f64; 2],
    pub weeks: usize,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Value {
    Num(f64),
    Level(String),
}

/// One rated walk with its outcomes and factors.
struct Row {
    date: Date,
    /// Pain before the walk: a baseline measured before the exposure.
    before: Option<f64>,
    /// Mean morning pain over the walk's own morning and the days before it.
    recent_mornings: Option<f64>,
    /// Mean worst pain of the rated walks in the week before this walk's day.
    recent_walks: Option<f64>,
    /// Mean morning pain over the rest of the week before (a bad spell lasts longer than days).
    earlier_mornings: Option<f64>,
    outcomes: BTreeMap<&'static str, f64>,
    factors: BTreeMap<&'static str, Value>,
}

/// Factors in the contract's order, with their unit and how a level reads in a sentence.
const FACTORS: &[(&str, &str)] = &[
    ("minutes", "points per 10 min"),
    ("pace_kmh", "points per km/h"),
    ("ascent_m", "points per 50 m"),
    ("time_of_day", "points"),
    ("surface", "points"),
    ("shoes", "points"),
    ("bouts", "points"),
    ("exercise_day", "points"),
    ("steps_day", "points per 1,000 steps"),
];

/// A factor's key (kept in `--json`) as people say it.
pub fn factor_words(key: &str) -> &str {
    match key {
        "minutes" => "minutes walked",
        "pace_kmh" => "pace",
        "ascent_m" => "climb",
        "time_of_day" => "time of day",
        "surface" => "surface",
        "shoes" => "shoes",
        "bouts" => "rests on the way",
        "exercise_day" => "exercises the same day",
        "steps_day" => "daily steps",
        other => other,
    }
}

pub(crate) fn hour_of(start: &str) -> Option<u32> {
    let t = start.split_once('T').map_or(start, |(_, t)| t);
    t.get(0..2)?.parse().ok().filter(|h| *h < 24)
}

fn label(s: &Option<String>) -> Option<Value> {
    s.as_ref()
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty())
        .map(Value::Level)
}

fn rows(entries: &[Entry], from: Date, to: Date) -> (Vec<Row>, usize) {
    let mut mornings: BTreeMap<Date, u8> = BTreeMap::new();
    let mut exercise_days: BTreeSet<Date> = BTreeSet::new();
    let mut steps: BTreeMap<Date, u64> = BTreeMap::new();
    for e in entries {
        match e {
            Entry::Morning(m) => {
                mornings.insert(m.date, m.pain);
            }
            Entry::Exercise(x) => {
                exercise_days.insert(x.date);
            }
            Entry::DailyMetrics(d) => {
                if let Some(s) = d.steps {
                    steps.insert(d.date, s);
                }
            }
            _ => {}
        }
    }
    let in_range = mornings.range(from..=to).count();
    let rated: BTreeMap<Date, (f64, usize)> = entries.iter().fold(BTreeMap::new(), |mut m, e| {
        if let Entry::Walk(w) = e
            && let Some(p) = w.pain_peak
        {
            let e: &mut (f64, usize) = m.entry(w.date).or_default();
            e.0 += f64::from(p);
            e.1 += 1;
        }
        m
    });
    let mean_of = |it: &mut dyn Iterator<Item = (f64, usize)>| -> Option<f64> {
        let (s, n) = it.fold((0.0, 0), |(s, n), (a, b)| (s + a, n + b));
        (n > 0).then(|| s / n as f64)
    };
    let walks: Vec<&Walk> = entries
        .iter()
        .filter_map(|e| match e {
            Entry::Walk(w) if w.date >= from && w.date <= to && w.pain_peak.is_some() => Some(w),
            _ => None,
        })
        .collect();
    let rows = walks
        .into_iter()
        .map(|w| {
            let mut outcomes = BTreeMap::new();
            let peak = f64::from(w.pain_peak.unwrap_or_default());
            outcomes.insert("pain_peak", peak);
            if let Some(b) = w.pain_before {
                outcomes.insert("pain_rise", peak - f64::from(b));
            }
            if let Some(m) = mornings.get(&w.date.saturating_add(jiff::Span::new().days(1))) {
                outcomes.insert("next_morning", f64::from(*m));
            }
            let mut factors = BTreeMap::new();
            factors.insert("minutes", Value::Num(w.minutes / 10.0));
            if let Some(d) = w.distance_km.filter(|d| *d > 0.0) {
                let kmh = d / (w.minutes / 60.0);
                if (1.0..=10.0).contains(&kmh) {
                    factors.insert("pace_kmh", Value::Num(kmh));
                }
            }
            if let Some(a) = w.ascent_m {
                factors.insert("ascent_m", Value::Num(a / 50.0));
            }
            if let Some(h) = w.start.as_deref().and_then(hour_of) {
                let t = match h {
                    0..=11 => "morning",
                    12..=16 => "afternoon",
                    _ => "evening",
                };
                factors.insert("time_of_day", Value::Level(t.into()));
            }
            if let Some(v) = label(&w.surface) {
                factors.insert("surface", v);
            }
            if let Some(v) = label(&w.shoes) {
                factors.insert("shoes", v);
            }
            factors.insert(
                "bouts",
                Value::Level(if w.bouts > 1 { "split" } else { "one" }.into()),
            );
            let yesterday = w.date.saturating_sub(jiff::Span::new().days(1));
            let ex = exercise_days.contains(&w.date) || exercise_days.contains(&yesterday);
            factors.insert(
                "exercise_day",
                Value::Level(if ex { "yes" } else { "no" }.into()),
            );
            if let Some(s) = steps.get(&w.date) {
                factors.insert("steps_day", Value::Num(*s as f64 / 1000.0));
            }
            let back = |days: i64| w.date.saturating_sub(jiff::Span::new().days(days));
            let recent_mornings = mean_of(
                &mut mornings
                    .range(back(RECENT_MORNING_DAYS - 1)..=w.date)
                    .map(|(_, p)| (f64::from(*p), 1)),
            );
            let earlier_mornings = mean_of(
                &mut mornings
                    .range(back(RECENT_WALK_DAYS)..back(RECENT_MORNING_DAYS - 1))
                    .map(|(_, p)| (f64::from(*p), 1)),
            );
            let recent_walks =
                mean_of(&mut rated.range(back(RECENT_WALK_DAYS)..w.date).map(|(_, v)| *v));
            Row {
                date: w.date,
                before: w.pain_before.map(f64::from),
                recent_mornings,
                recent_walks,
                earlier_mornings,
                outcomes,
                factors,
            }
        })
        .collect();
    (rows, in_range)
}

fn week_of(from: Date, d: Date) -> i64 {
    (d - from).get_days().div_euclid(7).into()
}

fn covariates(from: Date, d: Date) -> Vec<f64> {
    let mut c = vec![1.0, f64::from((d - from).get_days()) / 7.0];
    let wd = d.weekday().to_monday_zero_offset();
    for k in 1..7 {
        c.push(if wd == k { 1.0 } else { 0.0 });
    }
    c
}

/// What a comparison is adjusted for beyond weekday and trend: the person's recent pain.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Adjusted {
    before: bool,
    mornings: bool,
    walks: bool,
}

/// The recent-pain covariates of each row, in the rows' order, and which were used: pain before
/// the walk, the mornings of the last 3 days, the mornings of the days before those (a bad spell
/// lasts longer than days), the worst pain of the week's earlier walks. A measure
/// known for at least half of the walks is used, its gaps filled with its mean and marked by an
/// indicator (so a walk without it still counts); a rarer one is left out.
fn recent_pain(rows: &[&Row]) -> (Vec<Vec<f64>>, Adjusted) {
    let mut out: Vec<Vec<f64>> = vec![Vec::new(); rows.len()];
    let mut used = Adjusted::default();
    type Measure = fn(&Row) -> Option<f64>;
    let mut spell = false;
    let getters: [(Measure, &mut bool); 4] = [
        (|r| r.before, &mut used.before),
        (|r| r.recent_mornings, &mut used.mornings),
        (|r| r.earlier_mornings, &mut spell),
        (|r| r.recent_walks, &mut used.walks),
    ];
    for (get, flag) in getters {
        let known: Vec<f64> = rows.iter().filter_map(|r| get(r)).collect();
        if known.is_empty() || known.len() * 2 < rows.len() {
            continue;
        }
        *flag = true;
        let mean = known.iter().sum::<f64>() / known.len() as f64;
        let gaps = known.len() < rows.len();
        for (r, c) in rows.iter().zip(out.iter_mut()) {
            c.push(get(r).unwrap_or(mean));
            if gaps {
                c.push(if get(r).is_some() { 0.0 } else { 1.0 });
            }
        }
    }
    used.mornings |= spell;
    (out, used)
}

/// A comparison to test: a factor's level against the rest, or a numeric factor's slope.
struct Candidate {
    factor: &'static str,
    level: Option<String>,
    outcome: &'static str,
    obs: Vec<stats::Obs>,
    n: Vec<usize>,
    adjusted: Adjusted,
}

/// The levels of a categorical factor worth testing: every level with enough walks on both
/// sides; for a two-level factor, only one of them (the comparison is the same).
fn levels(rows: &[&Row], factor: &str) -> Vec<String> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for r in rows {
        if let Some(Value::Level(l)) = r.factors.get(factor) {
            *counts.entry(l.clone()).or_default() += 1;
        }
    }
    let total: usize = counts.values().sum();
    let mut ok: Vec<String> = counts
        .iter()
        .filter(|(_, n)| **n >= minimum::PER_GROUP && total - **n >= minimum::PER_GROUP)
        .map(|(l, _)| l.clone())
        .collect();
    if counts.len() == 2 && ok.len() == 2 {
        // The reference level: "no", "one", or the more common one.
        let keep = ok
            .iter()
            .find(|l| matches!(l.as_str(), "yes" | "split"))
            .cloned()
            .unwrap_or_else(|| {
                ok.iter()
                    .min_by_key(|l| counts.get(*l).copied().unwrap_or_default())
                    .cloned()
                    .unwrap_or_default()
            });
        ok = vec![keep];
    }
    ok
}

/// The comparisons the journal has enough walks for, for one factor: against each outcome,
/// the factor's value (a number) or each level worth testing.
fn candidates_for(rows: &[Row], factor: &'static str, from: Date) -> Vec<Candidate> {
    let mut candidates = Vec::new();
    for outcome in OUTCOMES {
        let usable: Vec<&Row> = rows
            .iter()
            .filter(|r| r.factors.contains_key(factor) && r.outcomes.contains_key(outcome))
            .collect();
        let weeks_used: BTreeSet<i64> = usable.iter().map(|r| week_of(from, r.date)).collect();
        if usable.len() < minimum::WALKS || weeks_used.len() < minimum::WEEKS {
            continue;
        }
        // Every comparison is made at the same recent pain: the pain before the walk and the
        // mornings and walks before it, all measured before the exposure (never a mediator).
        // Pain drives what people do (shorter, flatter, slower walks on bad days), and
        // without this, what pain drove would read as its effect.
        let (extra, adjusted) = recent_pain(&usable);
        let obs = |x: &dyn Fn(&Row) -> f64| -> Vec<stats::Obs> {
            usable
                .iter()
                .zip(&extra)
                .map(|(r, extra)| {
                    let mut covariates = covariates(from, r.date);
                    covariates.extend_from_slice(extra);
                    stats::Obs {
                        y: r.outcomes[outcome],
                        x: x(r),
                        covariates,
                        week: week_of(from, r.date),
                    }
                })
                .collect()
        };
        let numeric = matches!(usable[0].factors.get(factor), Some(Value::Num(_)));
        if numeric {
            let distinct: BTreeSet<u64> = usable
                .iter()
                .filter_map(|r| match r.factors.get(factor) {
                    Some(Value::Num(v)) => Some((v * 1000.0).round() as u64),
                    _ => None,
                })
                .collect();
            if distinct.len() < minimum::DISTINCT {
                continue;
            }
            candidates.push(Candidate {
                factor,
                level: None,
                outcome,
                obs: obs(&|r| match r.factors.get(factor) {
                    Some(Value::Num(v)) => *v,
                    _ => 0.0,
                }),
                n: vec![usable.len()],
                adjusted,
            });
        } else {
            for level in levels(&usable, factor) {
                let with = usable
                    .iter()
                    .filter(|r| r.factors.get(factor) == Some(&Value::Level(level.clone())))
                    .count();
                let l = level.clone();
                candidates.push(Candidate {
                    factor,
                    level: Some(level),
                    outcome,
                    obs: obs(&move |r: &Row| {
                        if r.factors.get(factor) == Some(&Value::Level(l.clone())) {
                            1.0
                        } else {
                            0.0
                        }
                    }),
                    n: vec![with, usable.len() - with],
                    adjusted,
                });
            }
        }
    }
    candidates
}

/// Runs every test the journal has enough data for, between `from` and `to`.
pub fn insights(entries: &[Entry], from: Date, to: Date) -> Insights {
    let (rows, mornings) = rows(entries, from, to);
    let weeks: BTreeSet<i64> = rows.iter().map(|r| week_of(from, r.date)).collect();
    let mut estimates: Vec<(Candidate, Estimate)> = Vec::new();
    let mut not_enough: Vec<NotEnough> = Vec::new();
    for (factor, _) in FACTORS {
        let with_factor = rows
            .iter()
            .filter(|r| r.factors.contains_key(factor))
            .count();
        let candidates = candidates_for(&rows, factor, from);
        let compared = !candidates.is_empty();
        let found: Vec<(Candidate, Estimate)> = candidates
            .into_iter()
            .filter_map(|c| stats::estimate(&c.obs).map(|e| (c, e)))
            .collect();
        if found.is_empty() {
            // Every factor is a result or says what it needs (contract §8).
            not_enough.push(NotEnough {
                factor: (*factor).to_string(),
                why: if compared {
                    not_apart_why(with_factor)
                } else {
                    why_not(factor, with_factor)
                },
                kind: MORE_DATA,
            });
        }
        estimates.extend(found);
    }
    let raw_of = |c: &Candidate| -> f64 {
        let plain: Vec<stats::Obs> = c
            .obs
            .iter()
            .map(|o| stats::Obs {
                y: o.y,
                x: o.x,
                covariates: vec![1.0],
                week: o.week,
            })
            .collect();
        stats::estimate(&plain).map_or(0.0, |e| e.effect)
    };
    let is_confirmatory = |c: &Candidate| CONFIRMATORY.contains(&(c.factor, c.outcome));
    let m = estimates.len() as f64;
    let m_conf = estimates.iter().filter(|(c, _)| is_confirmatory(c)).count() as f64;
    let weights: Vec<f64> = estimates
        .iter()
        .map(
            |(c, _)| match (is_confirmatory(c), m_conf > 0.0 && m_conf < m) {
                (_, false) => 1.0,
                (true, true) => CONFIRMATORY_SHARE * m / m_conf,
                (false, true) => (1.0 - CONFIRMATORY_SHARE) * m / (m - m_conf),
            },
        )
        .collect();
    let q = weighted_bh(
        &estimates.iter().map(|(_, e)| e.p).collect::<Vec<_>>(),
        &weights,
    );
    let mut findings = Vec::new();
    let mut tested = Vec::new();
    for ((c, e), q) in estimates.into_iter().zip(q) {
        let unit = FACTORS
            .iter()
            .find(|(f, _)| *f == c.factor)
            .map_or("points", |(_, u)| *u);
        let round = |v: f64| (v * 100.0).round() / 100.0;
        let raw = raw_of(&c);
        let t = Tested {
            factor: c.factor.into(),
            level: c.level.clone(),
            outcome: c.outcome.into(),
            effect: round(e.effect),
            raw_effect: round(raw),
            unit: unit.into(),
            ci95: [round(e.ci95.0), round(e.ci95.1)],
            n: c.n.clone(),
            q: (q * 10000.0).round() / 10000.0,
            p: (e.p * 10000.0).round() / 10000.0,
            effective_n: (e.effective_n * 10.0).round() / 10.0,
            kind: if is_confirmatory(&c) {
                "confirmatory"
            } else {
                "exploratory"
            },
            text: sentence(&c, &e, raw),
        };
        if q < Q_FINDING {
            findings.push(t);
        } else {
            tested.push(t);
        }
    }
    findings.sort_by(|a, b| a.q.total_cmp(&b.q));
    Insights {
        schema: INSIGHTS_SCHEMA,
        from,
        to,
        data: DataSummary {
            walks_rated: rows.len(),
            mornings,
            weeks: weeks.len(),
        },
        findings,
        tested,
        not_enough_data: not_enough,
        trends: trends(entries, &rows, from, to),
    }
}

fn why_not(factor: &str, with: usize) -> String {
    let what = match factor {
        "pace_kmh" => "a distance recorded",
        "ascent_m" => "a climb recorded",
        "time_of_day" => "a start time recorded",
        "surface" => "a surface logged",
        "shoes" => "shoes logged",
        "steps_day" => "imported daily steps",
        "minutes" | "bouts" => "pain ratings",
        _ => "it known, with pain ratings",
    };
    format!(
        "{} {what}; at least {} rated walks over {} weeks are needed, with at least {} walks on each side of a comparison",
        crate::words::count(with as u64, "walk has", "walks have"),
        minimum::WALKS,
        minimum::WEEKS,
        minimum::PER_GROUP
    )
}

/// Why a factor with enough walks still gave no result: it moved only with what every
/// comparison is adjusted for (the weekday, the point in time, recent pain).
fn not_apart_why(with: usize) -> String {
    format!(
        "{} it, but it changed only with the weekday, the point in time or recent pain, so it cannot be told apart from them; walks that vary it on other days are needed",
        crate::words::count(with as u64, "walk has", "walks have"),
    )
}

/// An outcome's key (kept in `--json`) as people say it.
pub fn outcome_words(o: &str) -> &'static str {
    match o {
        "pain_peak" => "worst pain during the walk",
        "pain_rise" => "rise in pain during the walk",
        _ => "back pain the next morning",
    }
}

/// The direction of an effect in words, as shown to one decimal: "higher", "lower", or "about
/// the same" when it rounds to 0.0 (so the words never disagree with the number's sign).
pub fn direction(effect: f64) -> &'static str {
    let shown = (effect.abs() * 10.0).round() / 10.0;
    if shown == 0.0 {
        "about the same"
    } else if effect > 0.0 {
        "higher"
    } else {
        "lower"
    }
}

/// What a comparison was made at the same level of, in words.
fn adjusted_words(a: Adjusted) -> String {
    let mut parts = vec!["weekday", "point in time"];
    if a.before {
        parts.push("pain before the walk");
    }
    if a.mornings {
        parts.push("pain on the mornings before");
    }
    if a.walks {
        parts.push("pain in the week's earlier walks");
    }
    match parts.split_last() {
        Some((last, rest)) => format!("the same {} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// The result in words: "went with", the interval, the walks, what it was adjusted for, never a
/// cause. The direction word always agrees with the effect's sign; when the plain (unadjusted)
/// figure points the other way, the text says so.
fn sentence(c: &Candidate, e: &Estimate, raw: f64) -> String {
    // The words follow the figures as published (two decimals), so they never disagree.
    let round = |v: f64| (v * 100.0).round() / 100.0;
    let (effect, raw) = (round(e.effect), round(raw));
    let dir = direction(effect);
    let size = format!("{:.1}", effect.abs());
    let amount = if dir == "about the same" {
        "about the same (less than 0.1 points apart)".to_string()
    } else {
        format!("{size} points {dir}")
    };
    let ci = format!("{:.1} to {:.1}", e.ci95.0, e.ci95.1);
    let outcome = outcome_words(c.outcome);
    let at = adjusted_words(c.adjusted);
    let raw_note = if dir != "about the same"
        && direction(raw) != "about the same"
        && (raw > 0.0) != (effect > 0.0)
    {
        format!(
            " Before that adjustment the plain figure pointed the other way ({raw:+.1}): recent pain or the change over time explains the difference."
        )
    } else {
        String::new()
    };
    let tail = "This is a pattern in your own data, not proof of a cause.";
    // What the plan sets from recent pain says so, and how to be sure (content/insights.toml).
    let plan_note = words::embedded()
        .and_then(|w| w.plan_set_note(c.factor))
        .map_or(String::new(), |n| format!(" {n}"));
    let than = if dir == "about the same" {
        "as"
    } else {
        "than"
    };
    match &c.level {
        Some(level) => {
            let which = match c.factor {
                "surface" => format!("walks on {level}"),
                "shoes" => format!("walks in the shoes you called \"{level}\""),
                "time_of_day" => format!("walks in the {level}"),
                "bouts" => "walks split into shorter bouts".to_string(),
                "exercise_day" => "walks on the day of, or after, an exercise session".to_string(),
                f => format!("walks with {f} \"{level}\""),
            };
            format!(
                "After {which} your {outcome} went with being {amount} ({ci}) {than} after your other walks ({} and {} walks), compared at {at}.{raw_note}{plan_note} {tail}",
                c.n.first().copied().unwrap_or_default(),
                c.n.get(1).copied().unwrap_or_default()
            )
        }
        None => {
            let per = match c.factor {
                "minutes" => "each extra 10 minutes of walking",
                "pace_kmh" => "each extra km/h of pace",
                "ascent_m" => "each extra 50 m of climb",
                _ => "each extra 1,000 steps in the day",
            };
            format!(
                "In your walks, {per} went with your {outcome} being {amount} ({ci}; {} walks), compared at {at}.{raw_note}{plan_note} {tail}",
                c.n.first().copied().unwrap_or_default()
            )
        }
    }
}

/// Days of week `w` (counted from `from`) that fall in the period: 7, or fewer for a week the
/// period ends in.
fn days_in_week(from: Date, to: Date, w: i64) -> i64 {
    let total = i64::from((to - from).get_days()) + 1;
    (total - 7 * w).clamp(0, 7)
}

/// Weekly means (pain during walks, next-morning pain) and weekly minutes, with a per-week slope.
/// A week the period ends in part-way through (the current week) counts by its days: its minutes
/// are scaled to a 7-day rate and its weight in the slope is its days out of 7, so a 1-day week
/// neither reads as a week of almost no walking nor weighs as much as a full one.
fn trends(entries: &[Entry], rows: &[Row], from: Date, to: Date) -> Vec<Trend> {
    let mut out = Vec::new();
    let weekly = |values: &mut dyn Iterator<Item = (Date, f64)>| -> BTreeMap<i64, (f64, usize)> {
        let mut m: BTreeMap<i64, (f64, usize)> = BTreeMap::new();
        for (d, v) in values {
            let e = m.entry(week_of(from, d)).or_default();
            e.0 += v;
            e.1 += 1;
        }
        m
    };
    let peaks = weekly(
        &mut rows
            .iter()
            .filter_map(|r| r.outcomes.get("pain_peak").map(|v| (r.date, *v))),
    );
    let mornings = weekly(&mut entries.iter().filter_map(|e| match e {
        Entry::Morning(m) if m.date >= from && m.date <= to => Some((m.date, f64::from(m.pain))),
        _ => None,
    }));
    let last_week = week_of(from, to);
    let mut minutes: BTreeMap<i64, (f64, usize)> = (0..=last_week).map(|w| (w, (0.0, 1))).collect();
    for e in entries {
        if let Entry::Walk(w) = e
            && w.date >= from
            && w.date <= to
        {
            minutes.entry(week_of(from, w.date)).or_default().0 += w.minutes;
        }
    }
    for (measure, series, unit) in [
        ("pain_peak", peaks, "points"),
        ("next_morning", mornings, "points"),
        ("weekly_minutes", minutes, "minutes"),
    ] {
        if series.len() < minimum::TREND_WEEKS {
            continue;
        }
        let days: Vec<f64> = series
            .keys()
            .map(|w| days_in_week(from, to, *w) as f64)
            .collect();
        let x: Vec<f64> = series.keys().map(|w| *w as f64).collect();
        let y: Vec<f64> = series
            .values()
            .zip(&days)
            .map(|((s, n), d)| {
                if measure == "weekly_minutes" {
                    // Minutes per 7 days: a part-week is scaled to a full week's rate.
                    s / d.max(1.0) * 7.0
                } else {
                    s / *n as f64
                }
            })
            .collect();
        let weights: Vec<f64> = days.iter().map(|d| d / 7.0).collect();
        if let Some((b, (lo, hi))) = stats::weighted_slope(&x, &y, &weights) {
            let round = |v: f64| (v * 100.0).round() / 100.0;
            let what = match measure {
                "pain_peak" => "Your worst pain during walks",
                "next_morning" => "Your back pain on waking",
                _ => "Your weekly walking",
            };
            let change = if lo > 0.0 {
                "went up"
            } else if hi < 0.0 {
                "went down"
            } else {
                "did not clearly change"
            };
            let part = match days.last().copied().unwrap_or(7.0) as i64 {
                7 => String::new(),
                d => format!(
                    "; the current week so far ({}) counts by its days",
                    crate::words::count(d as u64, "day", "days")
                ),
            };
            out.push(Trend {
                measure: measure.into(),
                per_week: round(b),
                ci95: [round(lo), round(hi)],
                weeks: series.len(),
                text: format!(
                    "{what} {change}: {:+.2} {unit} a week ({:.2} to {:.2}) over {} weeks{part}.",
                    b,
                    lo,
                    hi,
                    series.len()
                ),
            });
        }
    }
    out
}
