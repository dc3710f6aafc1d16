//! A small randomised trial of one person (an N-of-1 design): two options of one factor, in
//! pairs of 3-day periods whose order (A then B, or B then A) is drawn at random, over 4 to 6
//! weeks. The one comparison named in advance is analysed at the end: next-morning pain after
//! walks with B minus after walks with A, one difference per pair, a t interval over the pairs.
//! [Kravitz & Duan (eds.), Design and Implementation of N-of-1 Trials: A User's Guide, AHRQ
//! 2014; Senn, Statistical Issues in Drug Development, ch. on n-of-1 trials.] The walking plan's
//! doses stay in charge: the schedule only says which option each walk should use.

use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::journal::{Entry, Walk};

/// Days in one period; a pair is two periods, one of each option.
pub const PERIOD_DAYS: i64 = 3;
/// Pairs with walks and next mornings on both sides needed for an analysis.
pub const MIN_PAIRS: usize = 4;

pub const EXPERIMENT_SCHEMA: &str = "amble.experiment/1";

/// What an experiment compares: a factor logged with each walk, and its two options (the
/// labels the person logs, compared case-insensitively).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Design {
    pub factor: Factor,
    pub a: String,
    pub b: String,
    pub start: Date,
    pub weeks: u32,
    pub seed: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Factor {
    Surface,
    Shoes,
    /// When the walk started: "morning" (before 12:00), "afternoon" (12:00-16:59) or "evening".
    TimeOfDay,
}

/// The options of [`Factor::TimeOfDay`].
pub const TIMES_OF_DAY: &[&str] = &["morning", "afternoon", "evening"];

impl Factor {
    /// The option a walk used, as compared: lower case, trimmed.
    pub fn of(self, w: &Walk) -> Option<String> {
        match self {
            Factor::Surface => w.surface.as_ref().map(|s| s.trim().to_lowercase()),
            Factor::Shoes => w.shoes.as_ref().map(|s| s.trim().to_lowercase()),
            Factor::TimeOfDay => w
                .start
                .as_deref()
                .and_then(super::hour_of)
                .map(|h| TIMES_OF_DAY[usize::from(h >= 12) + usize::from(h >= 17)].to_string()),
        }
    }

    /// How the person records the option with a walk.
    pub fn how_logged(self) -> &'static str {
        match self {
            Factor::Surface => "the surface",
            Factor::Shoes => "the shoes",
            Factor::TimeOfDay => "the start time",
        }
    }
}

/// A design from what the person chose; the seed, unless given, comes from the design itself
/// (FNV-1a of start and options), so the same choices always give the same schedule.
pub fn design(
    factor: Factor,
    a: &str,
    b: &str,
    start: Date,
    weeks: u32,
    seed: Option<u64>,
) -> Result<Design, String> {
    let (a, b) = (a.trim().to_lowercase(), b.trim().to_lowercase());
    if a.is_empty() || b.is_empty() || a == b {
        return Err("give two different options".into());
    }
    if a.chars().count() > 40 || b.chars().count() > 40 {
        return Err("an option is at most 40 characters".into());
    }
    if factor == Factor::TimeOfDay
        && !(TIMES_OF_DAY.contains(&a.as_str()) && TIMES_OF_DAY.contains(&b.as_str()))
    {
        return Err("times of day are morning, afternoon or evening".into());
    }
    if !(4..=6).contains(&weeks) {
        return Err(format!("an experiment runs 4 to 6 weeks, not {weeks}"));
    }
    let seed = seed.unwrap_or_else(|| {
        format!("{start}|{a}|{b}")
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325_u64, |h, x| {
                (h ^ u64::from(x)).wrapping_mul(0x0100_0000_01b3)
            })
    });
    Ok(Design {
        factor,
        a,
        b,
        start,
        weeks,
        seed,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Period {
    pub pair: u32,
    pub from: Date,
    pub to: Date,
    pub option: String,
}

/// SplitMix64, so a seed always gives the same schedule.
fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The schedule: which option each day's walk should use. Weeks are kept to 4-6.
pub fn schedule(d: &Design) -> Vec<Period> {
    let weeks = i64::from(d.weeks.clamp(4, 6));
    let pairs = (weeks * 7) / (2 * PERIOD_DAYS);
    let mut state = d.seed;
    let mut out = Vec::new();
    for p in 0..pairs {
        let b_first = next(&mut state) & 1 == 1;
        let order = if b_first { [&d.b, &d.a] } else { [&d.a, &d.b] };
        for (k, option) in order.into_iter().enumerate() {
            let from = d
                .start
                .saturating_add(((p * 2 + k as i64) * PERIOD_DAYS).days());
            out.push(Period {
                pair: u32::try_from(p + 1).unwrap_or(u32::MAX),
                from,
                to: from.saturating_add((PERIOD_DAYS - 1).days()),
                option: option.to_lowercase(),
            });
        }
    }
    out
}

/// The analysis of the one pre-specified comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    pub schema: &'static str,
    pub design: Design,
    /// Pairs with next-morning pain on both sides.
    pub pairs_used: usize,
    /// Walks that used the scheduled option, and walks that did not (left out).
    pub walks_as_scheduled: usize,
    pub walks_off_schedule: usize,
    /// Next-morning pain with B minus with A (points); `None` with too few pairs.
    pub difference: Option<f64>,
    pub ci95: Option<[f64; 2]>,
    pub p: Option<f64>,
    pub text: String,
}

/// Analyses the experiment from the journal: for each pair, the mean next-morning pain after
/// walks that used the period's option, B minus A; then a t interval over the pairs.
pub fn analyse(d: &Design, entries: &[Entry]) -> Analysis {
    let periods = schedule(d);
    let mut mornings = std::collections::BTreeMap::new();
    for e in entries {
        if let Entry::Morning(m) = e {
            mornings.insert(m.date, f64::from(m.pain));
        }
    }
    let (mut as_scheduled, mut off) = (0, 0);
    let mut diffs = Vec::new();
    let pairs = periods.iter().map(|p| p.pair).max().unwrap_or(0);
    for pair in 1..=pairs {
        let mut means = [None, None];
        for p in periods.iter().filter(|p| p.pair == pair) {
            let side = usize::from(p.option == d.b.to_lowercase());
            let mut values = Vec::new();
            for e in entries {
                let Entry::Walk(w) = e else { continue };
                if w.date < p.from || w.date > p.to {
                    continue;
                }
                if d.factor.of(w).as_deref() != Some(p.option.as_str()) {
                    off += 1;
                    continue;
                }
                as_scheduled += 1;
                if let Some(m) = mornings.get(&w.date.saturating_add(1.days())) {
                    values.push(*m);
                }
            }
            if !values.is_empty() {
                means[side] = Some(values.iter().sum::<f64>() / values.len() as f64);
            }
        }
        if let [Some(a), Some(b)] = means {
            diffs.push(b - a);
        }
    }
    let n = diffs.len();
    let round = |v: f64| (v * 100.0).round() / 100.0;
    let (difference, ci95, p, text) = if n >= MIN_PAIRS {
        let mean = diffs.iter().sum::<f64>() / n as f64;
        let sd = (diffs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n as f64 - 1.0)).sqrt();
        let se = (sd / (n as f64).sqrt()).max(1e-9);
        let t = StudentsT::new(0.0, 1.0, n as f64 - 1.0).ok();
        let crit = t.as_ref().map_or(f64::INFINITY, |t| t.inverse_cdf(0.975));
        let p = t.map_or(1.0, |t| 2.0 * (1.0 - t.cdf((mean / se).abs())));
        let (lo, hi) = (mean - crit * se, mean + crit * se);
        let verdict = if lo > 0.0 {
            format!(
                "after walks with {} your back pain the next morning was higher",
                d.b
            )
        } else if hi < 0.0 {
            format!(
                "after walks with {} your back pain the next morning was lower",
                d.b
            )
        } else {
            "the two options made no clear difference to your back pain the next morning".into()
        };
        (
            Some(round(mean)),
            Some([round(lo), round(hi)]),
            Some((p * 10000.0).round() / 10000.0),
            format!(
                "In this trial {verdict}: {:+.1} points with {} compared with {} ({:.1} to {:.1}; {n} pairs of periods). Because the order was drawn at random, this comparison is fairer than patterns spotted afterwards, but it is still one person over a few weeks.",
                mean, d.b, d.a, lo, hi
            ),
        )
    } else {
        (
            None,
            None,
            None,
            format!(
                "Not enough yet: {n} pairs of periods have walks as scheduled and next-morning pain on both sides; {MIN_PAIRS} are needed."
            ),
        )
    };
    Analysis {
        schema: EXPERIMENT_SCHEMA,
        design: d.clone(),
        pairs_used: n,
        walks_as_scheduled: as_scheduled,
        walks_off_schedule: off,
        difference,
        ci95,
        p,
        text,
    }
}
