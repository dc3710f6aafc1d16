//! Cohort figures and the targets they are held to (docs/plan-rules.md).

use std::fmt::Write as _;

use amble_core::knowledge::KnowledgeBase;
use amble_core::plan::{DecisionKind, Replay, TARGET_MINUTES, TARGET_SESSIONS, WeekType};

use crate::cohort_kind::CohortKind;
use crate::person::Trace;

/// A target a figure must meet.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub text: String,
    pub met: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub name: String,
    pub value: String,
    pub target: Option<Target>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CohortFigures {
    pub kind: CohortKind,
    pub people: usize,
    pub weeks: u32,
    pub figures: Vec<Figure>,
}

impl CohortFigures {
    pub fn all_met(&self) -> bool {
        self.figures
            .iter()
            .all(|f| f.target.as_ref().is_none_or(|t| t.met))
    }

    pub fn unmet(&self) -> Vec<String> {
        self.figures
            .iter()
            .filter(|f| f.target.as_ref().is_some_and(|t| !t.met))
            .map(|f| {
                format!(
                    "{}: {} (target {})",
                    f.name,
                    f.value,
                    f.target.as_ref().map_or("", |t| t.text.as_str())
                )
            })
            .collect()
    }

    /// A Markdown table section.
    pub fn markdown(&self) -> String {
        let mut s = format!(
            "\n### {} ({} people, {} weeks): {}\n\n| figure | measured | target |\n|---|---|---|\n",
            self.kind.name(),
            self.people,
            self.weeks,
            self.kind.describe()
        );
        for f in &self.figures {
            let target = f.target.as_ref().map_or(String::from("-"), |t| {
                format!("{} {}", t.text, if t.met { "(met)" } else { "(NOT MET)" })
            });
            let _ = writeln!(s, "| {} | {} | {} |", f.name, f.value, target);
        }
        s
    }
}

fn figure(name: &str, value: String, target: Option<(String, bool)>) -> Figure {
    Figure {
        name: name.to_string(),
        value,
        target: target.map(|(text, met)| Target { text, met }),
    }
}

fn mean(v: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = v.fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    if n == 0 { 0.0 } else { sum / n as f64 }
}

/// The `q` quantile (0-1) of values where `None` means "never": `None` if the quantile falls
/// among the nevers.
fn quantile(values: &[Option<u32>], q: f64) -> Option<u32> {
    let mut v: Vec<u32> = values.iter().map(|x| x.unwrap_or(u32::MAX)).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    let k = ((v.len() as f64 - 1.0) * q).round() as usize;
    Some(v[k]).filter(|x| *x != u32::MAX)
}

fn weeks_text(x: Option<u32>) -> String {
    x.map_or("not reached".into(), |w| format!("{w} weeks"))
}

fn share(v: impl Iterator<Item = bool>) -> f64 {
    let (yes, n) = v.fold((0usize, 0usize), |(y, n), b| (y + usize::from(b), n + 1));
    if n == 0 { 1.0 } else { yes as f64 / n as f64 }
}

fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

fn count_kind(r: &Replay, kind: DecisionKind) -> usize {
    r.history.iter().filter(|h| h.decision.kind == kind).count()
}

/// Weeks until the level first reaches 30 minutes on 5 days.
fn weeks_to_target(t: &Trace) -> Option<u32> {
    t.weeks.iter().find_map(|w| {
        w.level
            .filter(|l| {
                l.sessions_per_week >= TARGET_SESSIONS && l.session_minutes() >= TARGET_MINUTES
            })
            .map(|_| w.index)
    })
}

/// Cap and floor breaches in a person's weeks (the rules of docs/plan-rules.md).
pub fn breaches(t: &Trace, kb: &KnowledgeBase) -> Vec<String> {
    let mut out = amble_core::plan::cap_breaches(&t.last, &kb.plan);
    for w in &t.weeks {
        if let Some(p) = &w.walking
            && p.bout_minutes < t.floor
        {
            out.push(format!(
                "week {}: {}-minute walks under the floor {}",
                w.index + 1,
                p.bout_minutes,
                t.floor
            ));
        }
    }
    out
}

pub fn figures(kind: CohortKind, traces: &[Trace], kb: &KnowledgeBase) -> CohortFigures {
    let mut f = Vec::new();
    let reach: Vec<Option<u32>> = traces.iter().map(weeks_to_target).collect();
    let median = quantile(&reach, 0.5);
    let by20 = share(reach.iter().map(|w| w.is_some_and(|w| w <= 20)));
    let flares = mean(
        traces
            .iter()
            .map(|t| count_kind(&t.last, DecisionKind::Flare) as f64),
    );
    let regress: Vec<usize> = traces
        .iter()
        .map(|t| count_kind(&t.last, DecisionKind::Regress))
        .collect();
    let regress_mean = mean(regress.iter().map(|r| *r as f64));
    let noise = kind == CohortKind::Noise;
    // Ordinary misses and noise only (issue 24) are held to the same progress targets.
    let ordinary = kind == CohortKind::Ordinary;
    f.push(figure(
        "weeks to 30 min on 5 days (median)",
        weeks_text(median),
        (noise || ordinary).then(|| ("16 weeks or fewer".into(), median.is_some_and(|m| m <= 16))),
    ));
    f.push(figure(
        "reached 30 min on 5 days by week 20",
        pct(by20),
        (noise || ordinary).then(|| ("80% or more".into(), by20 >= 0.8)),
    ));
    f.push(figure(
        "flare decisions per person",
        format!("{flares:.2}"),
        noise
            .then(|| ("fewer than 0.25".into(), flares < 0.25))
            .or_else(|| ordinary.then(|| ("0.25 or fewer".into(), flares <= 0.25))),
    ));
    f.push(figure(
        "step backs per person (mean)",
        format!("{regress_mean:.2}"),
        (noise || ordinary).then(|| ("at most 1".into(), regress_mean <= 1.0)),
    ));
    f.push(figure(
        "people with more than one step back",
        pct(share(regress.iter().map(|r| *r > 1))),
        None,
    ));
    let breach_count: usize = traces.iter().map(|t| breaches(t, kb).len()).sum();
    f.push(figure(
        "weeks breaking a cap or the floor",
        breach_count.to_string(),
        Some(("0".into(), breach_count == 0)),
    ));

    match kind {
        CohortKind::Flare => flare_figures(traces, &mut f, kb),
        CohortKind::Break => break_figures(traces, &mut f),
        CohortKind::FewWalks => {
            let first = |t: &Trace| t.weeks.first().and_then(|w| w.level);
            let only_holds = |t: &Trace| {
                t.last
                    .history
                    .iter()
                    .all(|h| h.decision.kind == DecisionKind::Hold)
            };
            let drifted = traces
                .iter()
                .filter(|t| only_holds(t) && t.last.level != first(t))
                .count();
            let setbacks = traces.iter().filter(|t| !only_holds(t)).count();
            f.push(figure(
                "people whose level changed while every decision was a hold",
                drifted.to_string(),
                Some(("0".into(), drifted == 0)),
            ));
            f.push(figure(
                "people with a flare or step back in the year (their level moves on purpose)",
                setbacks.to_string(),
                None,
            ));
        }
        _ => {}
    }
    // Maintenance: who gets there, and when.
    let maint: Vec<Option<u32>> = traces
        .iter()
        .map(|t| {
            t.weeks
                .iter()
                .find(|w| w.status == amble_core::plan::Status::Maintenance)
                .map(|w| w.index + 1)
        })
        .collect();
    let in_maint = share(maint.iter().map(Option::is_some));
    f.push(figure(
        "reached maintenance (target held 4 weeks)",
        format!(
            "{} (median {})",
            pct(in_maint),
            weeks_text(quantile(&maint, 0.5))
        ),
        noise.then(|| ("60% or more".into(), in_maint >= 0.6)),
    ));
    let exercise_up = share(traces.iter().map(|t| {
        t.last
            .history
            .iter()
            .any(|h| h.decision.because.iter().any(|b| b.contains("steps up (")))
    }));
    f.push(figure(
        "people whose exercise doses progressed",
        pct(exercise_up),
        None,
    ));
    CohortFigures {
        kind,
        people: traces.len(),
        weeks: kind.weeks(),
        figures: f,
    }
}

fn flare_figures(traces: &[Trace], f: &mut Vec<Figure>, kb: &KnowledgeBase) {
    let mut answered = Vec::new();
    let mut days_to_answer = Vec::new();
    let mut back = Vec::new();
    for t in traces {
        let Some(flare) = t.person.flare else {
            continue;
        };
        // Reviews happen at the end of each block: history row k is decided on day 7(k+1).
        let answer = t.last.history.iter().find(|h| {
            let decided = h.week * 7;
            decided > flare.onset
                && matches!(h.decision.kind, DecisionKind::Flare | DecisionKind::Regress)
        });
        let reviews_after = answer.map(|h| {
            let first_review = flare.onset / 7 + 1; // the first block end after onset
            h.week + 1 - first_review
        });
        answered.push(reviews_after.is_some_and(|n| n <= 2));
        days_to_answer.push(answer.map(|h| h.week * 7 - flare.onset));
        // Back to 70% of the last full week before the flare.
        let onset_week = flare.onset / 7;
        let pre = t.weeks[..=(onset_week as usize).min(t.weeks.len() - 1)]
            .iter()
            .rev()
            .find(|w| w.week_type == WeekType::Full)
            .and_then(|w| w.walking.as_ref())
            .map(|w| w.weekly_minutes);
        let weeks_back = pre.and_then(|pre| {
            t.weeks
                .iter()
                .filter(|w| w.index > onset_week)
                .find(|w| {
                    w.walking
                        .as_ref()
                        .is_some_and(|x| f64::from(x.weekly_minutes) >= 0.7 * f64::from(pre))
                        && w.week_type != WeekType::Gentle
                })
                .map(|w| w.index - onset_week)
        });
        back.push(weeks_back);
    }
    // Answered within the week: on some day from the onset to 7 days after it, the plan read
    // that day (the journal up to it) is a flare plan or a step back.
    let first_day: Vec<Option<u32>> = traces
        .iter()
        .filter_map(|t| t.person.flare.map(|fl| (t, fl)))
        .map(|(t, fl)| {
            (fl.onset..=fl.onset + 7)
                .find(|&d| {
                    let today =
                        crate::person::START.saturating_add(jiff::Span::new().days(i64::from(d)));
                    let upto: Vec<amble_core::journal::Entry> = t
                        .entries
                        .iter()
                        .filter(|e| e.date() <= today)
                        .cloned()
                        .collect();
                    amble_core::plan::replay(&upto, today, kb).is_ok_and(|r| {
                        let answered = |k: DecisionKind| {
                            matches!(k, DecisionKind::Flare | DecisionKind::Regress)
                        };
                        answered(r.plan.decision.kind)
                            && (r.week_type == WeekType::Gentle
                                || r.history.last().is_some_and(|h| h.week * 7 > fl.onset))
                    })
                })
                .map(|d| d - fl.onset)
        })
        .collect();
    let within_share = share(first_day.iter().map(Option::is_some));
    f.push(figure(
        "flares answered (a flare plan or a step back) within 7 days of onset",
        pct(within_share),
        Some(("90% or more".into(), within_share >= 0.9)),
    ));
    f.push(figure(
        "days from flare onset to the plan's answer, read daily (median / worst)",
        format!(
            "{} / {}",
            quantile(&first_day, 0.5).map_or("-".into(), |d| d.to_string()),
            quantile(&first_day, 1.0).map_or("over 7".into(), |d| d.to_string())
        ),
        None,
    ));
    let answered_share = share(answered.iter().copied());
    f.push(figure(
        "flares answered (flare or step back) by the 2nd weekly review after onset",
        pct(answered_share),
        Some(("100%".into(), answered_share >= 0.999)),
    ));
    f.push(figure(
        "days from flare onset to the answer (median / worst)",
        format!(
            "{} / {}",
            quantile(&days_to_answer, 0.5).map_or("-".into(), |d| d.to_string()),
            quantile(&days_to_answer, 1.0).map_or("never".into(), |d| d.to_string())
        ),
        None,
    ));
    let within6 = share(back.iter().map(|b| b.is_some_and(|w| w <= 6)));
    f.push(figure(
        "back to 70% of the pre-flare week within 6 weeks of onset",
        pct(within6),
        Some(("95% or more".into(), within6 >= 0.95)),
    ));
    f.push(figure(
        "weeks from onset back to 70% (median)",
        weeks_text(quantile(&back, 0.5)),
        None,
    ));
}

fn break_figures(traces: &[Trace], f: &mut Vec<Figure>) {
    let mut ratios = Vec::new();
    let mut back = Vec::new();
    for t in traces {
        let Some(b) = t.person.away else {
            continue;
        };
        let level_at = |i: u32| {
            t.weeks
                .get(i as usize)
                .and_then(|w| w.level)
                .map(|l| l.weekly_minutes())
        };
        let ret = b.from + b.weeks;
        let (Some(pre), Some(restart)) = (
            level_at(b.from),
            t.weeks
                .get(ret as usize)
                .and_then(|w| w.walking.as_ref())
                .map(|w| w.weekly_minutes),
        ) else {
            continue;
        };
        ratios.push(f64::from(restart) / f64::from(pre));
        back.push(
            t.weeks
                .iter()
                .filter(|w| w.index >= ret)
                .find(|w| w.level.is_some_and(|l| l.weekly_minutes() >= pre))
                .map(|w| w.index - ret),
        );
    }
    let lo = ratios.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = ratios.iter().copied().fold(0.0, f64::max);
    f.push(figure(
        "restart after 6 weeks away, as a share of the level before (lowest / highest)",
        format!("{} / {}", pct(lo), pct(hi)),
        Some(("between 40% and 100%".into(), lo >= 0.4 && hi <= 1.0)),
    ));
    let within6 = share(back.iter().map(|b| b.is_some_and(|w| w <= 6)));
    f.push(figure(
        "back at the level before the break within 6 weeks of returning",
        pct(within6),
        Some(("95% or more".into(), within6 >= 0.95)),
    ));
    f.push(figure(
        "weeks from return back to the level (median)",
        weeks_text(quantile(&back, 0.5)),
        None,
    ));
}
