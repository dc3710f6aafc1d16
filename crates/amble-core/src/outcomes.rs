//! Change in a score between two check-ups, read against the smallest change people notice
//! (`content/outcomes.toml`): "ODI fell from 30% to 12%: an important improvement".

use serde::{Deserialize, Serialize};

use crate::answers::Answers;
use crate::instruments;

/// The measures Amble compares over time, in report order.
pub const MEASURE_IDS: &[&str] = &["nprs", "odi", "rmdq", "psfs", "peg"];

/// One measure and its minimal important change.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Measure {
    pub id: String,
    pub name: String,
    pub unit: String,
    pub min: f64,
    pub max: f64,
    pub higher_is_better: bool,
    /// A change of at least this many points matters...
    pub important_points: f64,
    /// ...or of at least this share of the first score (per cent), where one is agreed.
    #[serde(default)]
    pub important_percent: Option<f64>,
    /// For a measure scored per item the person names (the PSFS): the smallest change that
    /// counts for one item on its own.
    #[serde(default)]
    pub important_points_single: Option<f64>,
    pub sources: Vec<String>,
}

/// The "recovered" cut-offs: pain at most `pain_max` and RMDQ at most `rmdq_max`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recovered {
    pub pain_max: f64,
    pub rmdq_max: f64,
    pub sources: Vec<String>,
}

/// One PEG item as Amble asks it (its own words): the question and the words at 0 and 10.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AskedItem {
    pub text: String,
    pub low: String,
    pub high: String,
}

/// The outcome measures Amble asks itself (brief §3.9): the PEG's three items and the PSFS
/// prompts, asked by the interactive check-up and every check-in.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Asked {
    pub intro: String,
    pub peg: Vec<AskedItem>,
    pub psfs_name: String,
    pub psfs_rate: String,
    pub psfs_rerate: String,
    pub sources: Vec<String>,
}

/// How many activities Amble asks for in the PSFS.
pub const PSFS_ASKED: usize = 3;

/// `content/outcomes.toml`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeRules {
    pub version: u32,
    pub measure: Vec<Measure>,
    pub recovered: Recovered,
    pub asked: Asked,
}

/// The activities of the latest PSFS in the journal on or before `date` (a check-up or a
/// check-in), for re-rating the same activities (brief §3.5).
pub fn last_psfs_activities(
    entries: &[crate::journal::Entry],
    date: jiff::civil::Date,
) -> Vec<String> {
    use crate::journal::Entry;
    entries
        .iter()
        .filter_map(|e| {
            let items = match e {
                Entry::Assessment(a) if !a.rescreen && a.date <= date => {
                    a.answers.instruments.psfs.as_ref()
                }
                Entry::Checkin(c) if c.date <= date => c.instruments.psfs.as_ref(),
                _ => None,
            }?;
            Some((e.date(), items))
        })
        .max_by_key(|(d, _)| *d)
        .map(|(_, items)| items.iter().map(|i| i.activity.clone()).collect())
        .unwrap_or_default()
}

impl OutcomeRules {
    pub fn measure(&self, id: &str) -> Option<&Measure> {
        self.measure.iter().find(|m| m.id == id)
    }

    /// A broken rule as (location, message).
    pub fn check(&self) -> Result<(), (String, String)> {
        let ids: Vec<&str> = self.measure.iter().map(|m| m.id.as_str()).collect();
        if ids != MEASURE_IDS {
            return Err((
                "measure".into(),
                format!("expected the measures {MEASURE_IDS:?} in that order, found {ids:?}"),
            ));
        }
        if self.asked.peg.len() != 3 {
            return Err((
                "asked.peg".into(),
                format!("the PEG has 3 items, found {}", self.asked.peg.len()),
            ));
        }
        for m in &self.measure {
            let at = |f: &str| format!("measure \"{}\".{f}", m.id);
            if m.min >= m.max || m.min.is_nan() || m.max.is_nan() {
                return Err((at("max"), "must be above min".into()));
            }
            if !(m.important_points > 0.0 && m.important_points <= m.max - m.min) {
                return Err((
                    at("important_points"),
                    "must be above 0 and within the range".into(),
                ));
            }
            if let Some(p) = m.important_percent
                && !(p > 0.0 && p <= 100.0)
            {
                return Err((at("important_percent"), "must be between 0 and 100".into()));
            }
            if let Some(p) = m.important_points_single
                && !(p > 0.0 && p <= m.max - m.min)
            {
                return Err((
                    at("important_points_single"),
                    "must be above 0 and within the range".into(),
                ));
            }
        }
        Ok(())
    }
}

/// Which way a score moved, from the person's side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Better,
    Worse,
    Same,
}

/// A score's change from a first to a later check-up.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub measure: String,
    /// The PSFS activity, when the change is one activity's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activity: Option<String>,
    pub from: f64,
    pub to: f64,
    pub direction: Direction,
    /// At least the minimal important change (points, or share of the first score).
    pub important: bool,
    /// The change in words, e.g. "Oswestry Disability Index (ODI) fell from 30% to 12%: an
    /// important improvement (10 points or 30% is the smallest change people notice)".
    pub words: String,
}

fn num(v: f64, unit: &str) -> String {
    let v = if (v - v.round()).abs() < 0.05 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    };
    if unit == "%" {
        format!("{v}%")
    } else {
        format!("{v}{unit}")
    }
}

/// The change from `from` to `to` on measure `m`.
pub fn change(m: &Measure, from: f64, to: f64) -> Change {
    let delta = to - from;
    let gain = if m.higher_is_better { delta } else { -delta };
    let points = delta.abs() >= m.important_points - 1e-9;
    // The share rule is the consensus for improvement (30 % of the first score), and only makes
    // sense when the first score is not zero; a worsening counts by points alone, so a pain of
    // 1 becoming 2 is not called important.
    let share = gain > 0.0
        && m.important_percent
            .zip((from.abs() > 1e-9).then_some(from))
            .is_some_and(|(p, f)| delta.abs() / f.abs() * 100.0 >= p - 1e-9);
    let direction = if delta.abs() < 1e-9 {
        Direction::Same
    } else if gain > 0.0 {
        Direction::Better
    } else {
        Direction::Worse
    };
    let important = direction != Direction::Same && (points || share);
    let threshold = match m.important_percent {
        // The share rule counts improvements only: a worsening is named by points alone.
        Some(p) if direction == Direction::Worse => format!(
            "{} points is the smallest worsening counted; the {p:.0}% rule is for improvement",
            num(m.important_points, "")
        ),
        Some(p) => format!(
            "{} points or {p:.0}% is the smallest change people notice",
            num(m.important_points, "")
        ),
        None => format!(
            "{} points is the smallest change people notice",
            num(m.important_points, "")
        ),
    };
    let moved = if delta > 0.0 { "rose" } else { "fell" };
    let words = match direction {
        Direction::Same => format!("{} stayed at {}", m.name, num(from, &m.unit)),
        d => {
            let kind = match (d, important) {
                (Direction::Better, true) => "an important improvement".to_string(),
                (Direction::Worse, true) => "an important worsening".to_string(),
                (Direction::Better, false) => {
                    "better, but less than a change people usually notice".to_string()
                }
                _ => "worse, but less than a change people usually notice".to_string(),
            };
            format!(
                "{} {moved} from {} to {}: {kind} ({threshold})",
                m.name,
                num(from, &m.unit),
                num(to, &m.unit)
            )
        }
    };
    Change {
        measure: m.id.clone(),
        activity: None,
        from,
        to,
        direction,
        important,
        words,
    }
}

/// The scores of one check-up, by measure id (only those given).
pub fn scores(answers: &Answers) -> Vec<(&'static str, f64)> {
    scores_from(answers.pain.now, &answers.instruments)
}

/// The scores from a pain rating and questionnaire items (a check-up or a check-in).
pub fn scores_from(
    pain_now: Option<i64>,
    items: &crate::answers::InstrumentItems,
) -> Vec<(&'static str, f64)> {
    let ins = instruments::score_all(items);
    let mut out = Vec::new();
    if let Some(p) = pain_now {
        out.push(("nprs", p as f64));
    }
    if let Some(o) = ins.odi.and_then(|o| o.percent) {
        out.push(("odi", f64::from(o)));
    }
    if let Some(r) = ins.rmdq {
        out.push(("rmdq", f64::from(r.score)));
    }
    if let Some(p) = ins.psfs {
        out.push(("psfs", p.mean));
    }
    if let Some(p) = ins.peg {
        out.push(("peg", p.score));
    }
    out
}

/// Every measure given at both check-ups, first against latest.
pub fn changes(rules: &OutcomeRules, first: &Answers, latest: &Answers) -> Vec<Change> {
    let a = scores(first);
    let b = scores(latest);
    MEASURE_IDS
        .iter()
        .filter_map(|id| {
            let m = rules.measure(id)?;
            let from = a.iter().find(|(k, _)| k == id)?.1;
            let to = b.iter().find(|(k, _)| k == id)?.1;
            Some(change(m, from, to))
        })
        .collect()
}

/// Every score over time, per measure (in [`MEASURE_IDS`] order, only measures with a score):
/// from full check-ups and check-ins, oldest first.
pub fn history(
    entries: &[crate::journal::Entry],
) -> Vec<(&'static str, Vec<(jiff::civil::Date, f64)>)> {
    use crate::journal::Entry;
    let mut out: Vec<(&'static str, Vec<(jiff::civil::Date, f64)>)> =
        MEASURE_IDS.iter().map(|id| (*id, Vec::new())).collect();
    for e in entries {
        let (date, s) = match e {
            Entry::Assessment(a) if !a.rescreen => (a.date, scores(&a.answers)),
            Entry::Checkin(c) => (c.date, scores_from(c.pain.map(i64::from), &c.instruments)),
            _ => continue,
        };
        for (id, v) in s {
            if let Some((_, list)) = out.iter_mut().find(|(k, _)| *k == id) {
                list.push((date, v));
            }
        }
    }
    for (_, list) in &mut out {
        list.sort_by_key(|(d, _)| *d);
    }
    out.retain(|(_, list)| !list.is_empty());
    out
}

/// One PSFS rating occasion: its date and each activity with its score.
pub type PsfsRatings = (jiff::civil::Date, Vec<(String, i64)>);

/// Every PSFS given (full check-ups and check-ins), oldest first.
pub fn psfs_history(entries: &[crate::journal::Entry]) -> Vec<PsfsRatings> {
    use crate::journal::Entry;
    let mut out: Vec<(usize, PsfsRatings)> = entries
        .iter()
        .enumerate()
        .filter_map(|(i, e)| {
            let items = match e {
                Entry::Assessment(a) if !a.rescreen => a.answers.instruments.psfs.as_ref(),
                Entry::Checkin(c) => c.instruments.psfs.as_ref(),
                _ => None,
            }?;
            let rated: Vec<(String, i64)> = items
                .iter()
                .map(|x| (x.activity.trim().to_string(), x.score))
                .filter(|(a, _)| !a.is_empty())
                .collect();
            (!rated.is_empty()).then_some((i, (e.date(), rated)))
        })
        .collect();
    out.sort_by_key(|(i, (d, _))| (*d, *i));
    out.into_iter().map(|(_, r)| r).collect()
}

/// The same activity, however it was typed (case and spaces aside).
fn same_activity(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
            .join(" ")
    };
    norm(a) == norm(b)
}

/// The PSFS of `first` against `last`, activity by activity (brief §3.5: the same activities
/// are re-rated; the PSFS is scored per activity): each activity rated at both against the
/// smallest change for one activity, each activity new at `last` or not rated again named as
/// such, and the mean compared only when both rated the same activities.
pub fn psfs_changes(rules: &OutcomeRules, first: &PsfsRatings, last: &PsfsRatings) -> Vec<Change> {
    let Some(m) = rules.measure("psfs") else {
        return Vec::new();
    };
    let single = Measure {
        important_points: m.important_points_single.unwrap_or(m.important_points),
        important_percent: None,
        ..m.clone()
    };
    let mut out = Vec::new();
    let (d0, a0) = (first.0, &first.1);
    let (d1, a1) = (last.0, &last.1);
    let same_set = a0.len() == a1.len()
        && a0
            .iter()
            .all(|(a, _)| a1.iter().any(|(b, _)| same_activity(a, b)));
    if same_set && a0.len() > 1 {
        let mean =
            |r: &[(String, i64)]| r.iter().map(|(_, s)| *s as f64).sum::<f64>() / r.len() as f64;
        out.push(change(m, mean(a0), mean(a1)));
    }
    for (activity, s0) in a0 {
        match a1.iter().find(|(b, _)| same_activity(activity, b)) {
            Some((_, s1)) => {
                let one = Measure {
                    name: format!("PSFS \"{activity}\""),
                    ..single.clone()
                };
                let mut c = change(&one, *s0 as f64, *s1 as f64);
                c.activity = Some(activity.clone());
                c.words = c.words.replace(
                    "is the smallest change people notice",
                    "is the smallest change counted for one activity",
                );
                out.push(c);
            }
            None => out.push(Change {
                measure: m.id.clone(),
                activity: Some(activity.clone()),
                from: *s0 as f64,
                to: f64::NAN,
                direction: Direction::Same,
                important: false,
                words: format!(
                    "PSFS \"{activity}\" ({s0}/10 on {d0}) was not rated again on {d1}, so it has nothing to compare with"
                ),
            }),
        }
    }
    for (activity, s1) in a1 {
        if !a0.iter().any(|(a, _)| same_activity(a, activity)) {
            out.push(Change {
                measure: m.id.clone(),
                activity: Some(activity.clone()),
                from: f64::NAN,
                to: *s1 as f64,
                direction: Direction::Same,
                important: false,
                words: format!(
                    "PSFS \"{activity}\" is a new activity on {d1} ({s1}/10), not rated on {d0}, so it has nothing to compare with"
                ),
            });
        }
    }
    out
}

/// Whether a check-up meets the "recovered" cut-offs; `None` when pain or RMDQ is missing.
pub fn recovered(rules: &OutcomeRules, answers: &Answers) -> Option<bool> {
    let s = scores(answers);
    let pain = s.iter().find(|(k, _)| *k == "nprs")?.1;
    let rmdq = s.iter().find(|(k, _)| *k == "rmdq")?.1;
    Some(pain <= rules.recovered.pain_max && rmdq <= rules.recovered.rmdq_max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::KnowledgeBase;

    fn rules() -> OutcomeRules {
        KnowledgeBase::embedded()
            .map(|kb| kb.outcomes)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn odi_thresholds_by_points_and_share() {
        let r = rules();
        let odi = r.measure("odi").unwrap_or_else(|| panic!("odi"));
        let c = change(odi, 30.0, 12.0);
        assert_eq!(c.direction, Direction::Better);
        assert!(c.important);
        assert!(
            c.words.starts_with(
                "Oswestry Disability Index (ODI) fell from 30% to 12%: an important improvement"
            ),
            "{}",
            c.words
        );
        // 8 points from 20 is 40 %: important by share though under 10 points.
        assert!(change(odi, 20.0, 12.0).important);
        // 8 points from 40 is 20 %: neither.
        let small = change(odi, 40.0, 32.0);
        assert!(!small.important);
        assert!(
            small
                .words
                .contains("less than a change people usually notice")
        );
        // Worse by 10 points is an important worsening.
        let worse = change(odi, 20.0, 30.0);
        assert_eq!((worse.direction, worse.important), (Direction::Worse, true));
        assert!(
            worse
                .words
                .contains("rose from 20% to 30%: an important worsening")
        );
        // A worsening is counted by points: its words give that rule, not the share (pain 3 to
        // 4 is a third more, but under 2 points).
        let small_worse = change(odi, 20.0, 26.0);
        assert!(!small_worse.important);
        assert!(
            small_worse
                .words
                .contains("10 points is the smallest worsening counted"),
            "{}",
            small_worse.words
        );
        assert!(!small_worse.words.contains("10 points or 30% is"));
        assert_eq!(change(odi, 20.0, 20.0).direction, Direction::Same);
        assert!(!change(odi, 20.0, 20.0).important);
    }

    #[test]
    fn pain_rmdq_psfs_thresholds() {
        let r = rules();
        let m = |id: &str| r.measure(id).cloned().unwrap_or_else(|| panic!("{id}"));
        assert!(change(&m("nprs"), 6.0, 4.0).important, "2 points");
        assert!(!change(&m("nprs"), 8.0, 7.0).important, "1 point, 12 %");
        assert!(
            change(&m("nprs"), 3.0, 2.0).important,
            "1 point from 3 is 33 %"
        );
        assert!(change(&m("rmdq"), 12.0, 7.0).important, "5 points");
        assert!(!change(&m("rmdq"), 20.0, 16.0).important, "4 points, 20 %");
        // PSFS: higher is better, 2 points, no share rule.
        let p = change(&m("psfs"), 4.0, 6.5);
        assert_eq!((p.direction, p.important), (Direction::Better, true));
        assert!(
            !change(&m("psfs"), 1.0, 2.5).important,
            "1.5 points, though 150 %"
        );
        // From zero only points count.
        assert!(!change(&m("nprs"), 0.0, 1.0).important);
        // A worsening counts by points only: 1 to 2 is not important, 2 to 4 is.
        assert!(!change(&m("nprs"), 1.0, 2.0).important);
        assert!(change(&m("nprs"), 2.0, 4.0).important);
        assert!(
            !change(&m("odi"), 10.0, 18.0).important,
            "80 % worse, but 8 points"
        );
    }
}
