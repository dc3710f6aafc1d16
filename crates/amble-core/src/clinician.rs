//! The report for a doctor or physiotherapist (contract §9) as data: every fact and every
//! sentence it prints, built once here and laid out by the HTML page and the PDF alike.

use jiff::civil::Date;

use crate::charts::{self, Figure};
use crate::journal::Entry;
use crate::knowledge::KnowledgeBase;
use crate::outcomes::{self, Change};
use crate::plan::{self, DecisionKind};
use crate::{assess, report};

pub mod outline;

/// Weeks the report covers unless asked otherwise.
pub const REPORT_WEEKS: u32 = 12;

/// The latest check-up in a few lines.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckupSummary {
    pub date: Date,
    /// "Routine care" style marker and headline of the tier.
    pub tier_line: String,
    /// Each warning sign: "title (tier): answer; answer".
    pub flags: Vec<String>,
    /// Warning-sign questions left unanswered.
    pub unanswered: usize,
    /// The most likely patterns: "name (strength, score s): answer; answer".
    pub patterns: Vec<String>,
    /// Set when patterns are held back because care comes first.
    pub patterns_held_back: Option<String>,
}

/// One check-up's or check-in's scores in words.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreRow {
    pub date: Date,
    /// "Check-up", "Check-in", or "Check-ins" for weekly check-ins in a row that gave only a
    /// pain rating (one row, each rating with its date).
    pub kind: &'static str,
    pub scores: String,
}

/// One reviewed week of the plan: what was planned, what was done, and what the plan decided
/// at its end.
#[derive(Debug, Clone, PartialEq)]
pub struct WeekRow {
    pub week: u32,
    pub start: Date,
    /// "full", "easier" or "gentle" (a flare or a paused plan).
    pub week_type: &'static str,
    pub planned_walks: u32,
    pub planned_minutes: u32,
    /// Walks (bouts) logged in the week.
    pub done_walks: u32,
    pub walked_minutes: f64,
    pub green: u32,
    pub amber: u32,
    pub red: u32,
    pub unrated: u32,
    /// The decision for the week after, named as the plan means it: an easier week or a
    /// flare is never called a step up.
    pub decision: &'static str,
}

/// The current prescription: this week's walking and the exercises with their doses.
#[derive(Debug, Clone, PartialEq)]
pub struct Prescription {
    /// "Week 9 of the plan (active)".
    pub status: String,
    /// This week's walking in words, `None` when the plan offers no walking (blocked or
    /// suspended).
    pub walking: Option<String>,
    /// (exercise name, dose).
    pub exercises: Vec<(String, String)>,
}

/// Everything the report shows.
#[derive(Debug, Clone, PartialEq)]
pub struct ClinicianReport {
    pub generated: Date,
    pub from: Date,
    pub to: Date,
    /// Only what the person entered: age, sex, BMI.
    pub about: Vec<String>,
    pub checkup: CheckupSummary,
    /// Every check-up and check-in with a score, oldest first.
    pub scores: Vec<ScoreRow>,
    /// First score against the latest (check-ups and check-ins alike), per measure, against
    /// the minimal important change.
    pub changes: Vec<Change>,
    /// "Meets the recovered cut-offs" or not, when pain and RMDQ were both given last time.
    pub recovered: Option<String>,
    pub prescription: Prescription,
    /// Walks done of walks planned over the reviewed weeks of the period, in words.
    pub adherence: Option<String>,
    pub walks: usize,
    pub minutes: f64,
    pub minutes_chart: Figure,
    pub pain_chart: Figure,
    /// The reviewed weeks of the period (and the week before it), oldest first.
    pub weeks: Vec<WeekRow>,
    pub flares: usize,
    /// Easier weeks planned in the period.
    pub easier_weeks: usize,
    pub findings: Vec<String>,
    pub tested: usize,
    /// Imported daily walking metrics (steps, speed), when there are any.
    pub steps_chart: Option<Figure>,
    pub steps_summary: Option<String>,
    /// Walks with a gait recording in the period, in words, when there are any.
    pub gait_summary: Option<String>,
    /// What happened between check-ups in the period, oldest first: walks logged with new
    /// symptoms, plans suspended (and until when), check-ins (worse ones marked) and
    /// re-screens. Shown even when a newer check-up restarted the plan (brief §2.5).
    pub events: Vec<EventRow>,
}

/// One event of the period.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRow {
    pub date: Date,
    /// "New symptoms", "Plan suspended", "Check-in (worse)", "Check-in", "Re-screen",
    /// "Check-up".
    pub kind: &'static str,
    pub what: String,
}

/// The smallest changes that matter, in one line for the report's footnote.
pub fn thresholds_line(kb: &KnowledgeBase) -> String {
    let parts: Vec<String> = kb
        .outcomes
        .measure
        .iter()
        .map(|m| match m.important_percent {
            Some(p) => format!("{} {} points or {p:.0}%", short(&m.id), m.important_points),
            None => format!("{} {} points", short(&m.id), m.important_points),
        })
        .collect();
    format!(
        "Smallest changes people notice: {}. Recovered: pain {} and RMDQ {} or less.",
        parts.join(", "),
        kb.outcomes.recovered.pain_max,
        kb.outcomes.recovered.rmdq_max
    )
}

fn short(id: &str) -> &'static str {
    match id {
        "nprs" => "pain",
        "odi" => "ODI",
        "rmdq" => "RMDQ",
        "peg" => "PEG",
        _ => "PSFS",
    }
}

/// Scores from a pain rating and questionnaire item values, in words: licensed
/// questionnaires as their scores only, the PSFS with the activities named.
fn scores_words(pain_now: Option<i64>, items: &crate::answers::InstrumentItems) -> String {
    let x = crate::instruments::score_all(items);
    let mut parts = Vec::new();
    if let Some(p) = pain_now {
        parts.push(format!("pain now {p}/10"));
    }
    if let Some(p) = &x.peg {
        parts.push(format!("PEG {:.1}/10", p.score));
    }
    if let Some(ps) = &x.psfs {
        let named: Vec<String> = items
            .psfs
            .iter()
            .flatten()
            .map(|i| format!("{} {}/10", i.activity.trim(), i.score))
            .collect();
        parts.push(format!("PSFS {:.1} ({})", ps.mean, named.join(", ")));
    }
    if let Some(o) = x.odi.as_ref().and_then(|o| o.percent) {
        parts.push(format!("ODI {o}%"));
    }
    if let Some(rm) = &x.rmdq {
        parts.push(format!("RMDQ {}/24", rm.score));
    }
    if let Some(sb) = &x.startback {
        let risk = match sb.risk {
            crate::instruments::StartBackRisk::Low => "low",
            crate::instruments::StartBackRisk::Medium => "medium",
            crate::instruments::StartBackRisk::High => "high",
        };
        parts.push(format!("STarT Back {}/9 ({risk} risk)", sb.total));
    }
    parts.join(", ")
}

/// Every check-up and check-in up to `today` that gave a score, oldest first. Check-ins in a
/// row that gave only a pain rating (the weekly ones) share one row, each rating with its date,
/// so a season of weekly check-ins stays readable.
pub fn score_rows(entries: &[Entry], today: Date) -> Vec<ScoreRow> {
    let mut rows: Vec<(Date, usize, Option<i64>, ScoreRow)> = entries
        .iter()
        .enumerate()
        .filter_map(|(i, e)| {
            let (date, kind, pain_only, scores) = match e {
                Entry::Assessment(a) if !a.rescreen && a.date <= today => (
                    a.date,
                    "Check-up",
                    None,
                    scores_words(a.answers.pain.now, &a.answers.instruments),
                ),
                Entry::Checkin(c) if c.date <= today => (
                    c.date,
                    "Check-in",
                    c.pain.filter(|_| c.instruments.is_empty()).map(i64::from),
                    scores_words(c.pain.map(i64::from), &c.instruments),
                ),
                _ => return None,
            };
            (!scores.is_empty()).then_some((date, i, pain_only, ScoreRow { date, kind, scores }))
        })
        .collect();
    rows.sort_by_key(|(d, i, _, _)| (*d, *i));
    let mut out: Vec<ScoreRow> = Vec::new();
    let mut run: Vec<(Date, i64)> = Vec::new();
    let close = |run: &mut Vec<(Date, i64)>, out: &mut Vec<ScoreRow>| {
        match run.as_slice() {
            [] => {}
            [(d, p)] => out.push(ScoreRow {
                date: *d,
                kind: "Check-in",
                scores: format!("pain now {p}/10"),
            }),
            [(first, _), ..] => out.push(ScoreRow {
                date: *first,
                kind: "Check-ins",
                scores: format!(
                    "pain now {}",
                    run.iter()
                        .map(|(d, p)| format!("{p}/10 ({d})"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }),
        }
        run.clear();
    };
    for (date, _, pain_only, row) in rows {
        match pain_only {
            Some(p) => run.push((date, p)),
            None => {
                close(&mut run, &mut out);
                out.push(row);
            }
        }
    }
    close(&mut run, &mut out);
    out
}

/// Each measure's first score against its latest (check-ups and check-ins up to `today`).
pub fn score_changes(entries: &[Entry], today: Date, kb: &KnowledgeBase) -> Vec<Change> {
    let upto: Vec<Entry> = entries
        .iter()
        .filter(|e| matches!(e, Entry::Assessment(_) | Entry::Checkin(_)) && e.date() <= today)
        .cloned()
        .collect();
    outcomes::history(&upto)
        .into_iter()
        .filter_map(|(id, list)| {
            let m = kb.outcomes.measure(id)?;
            let (first, last) = (list.first()?, list.last()?);
            (list.len() > 1).then(|| outcomes::change(m, first.1, last.1))
        })
        .collect()
}

/// Whether the latest pain and RMDQ (each its own latest) meet the recovered cut-offs.
fn recovered_line(entries: &[Entry], today: Date, kb: &KnowledgeBase) -> Option<String> {
    let upto: Vec<Entry> = entries
        .iter()
        .filter(|e| matches!(e, Entry::Assessment(_) | Entry::Checkin(_)) && e.date() <= today)
        .cloned()
        .collect();
    let history = outcomes::history(&upto);
    let latest = |id: &str| {
        history
            .iter()
            .find(|(k, _)| *k == id)
            .and_then(|(_, l)| l.last().copied())
    };
    let (pain, rmdq) = (latest("nprs")?, latest("rmdq")?);
    let r = &kb.outcomes.recovered;
    let date = pain.0.max(rmdq.0);
    Some(if pain.1 <= r.pain_max && rmdq.1 <= r.rmdq_max {
        format!("On {date} the latest scores meet the recovered cut-offs.")
    } else {
        format!("On {date} the latest scores do not yet meet the recovered cut-offs.")
    })
}

/// The decision at the end of a week, as a clinician reads it: a decision followed by an
/// easier week says so (a step up into an easier week is never just "step up").
pub fn decision_name(d: &plan::Decision) -> &'static str {
    let easier = d.because.iter().any(|b| b.contains(plan::EASIER_WEEK));
    match (d.kind, easier) {
        (DecisionKind::Progress, true) => "easier week next",
        (DecisionKind::Hold, true) => "hold; easier week next",
        (DecisionKind::Regress, true) => "step back; easier week next",
        (DecisionKind::Start, _) => "start",
        (DecisionKind::Progress, false) => "step up",
        (DecisionKind::Hold, false) => "hold",
        (DecisionKind::Regress, false) => "step back",
        (DecisionKind::Flare, _) => "flare: gentle walking",
        (DecisionKind::Suspend, _) => "suspended",
    }
}

/// Walks (bouts) logged from `start` for 7 days.
fn walks_in_week(entries: &[Entry], start: Date) -> u32 {
    let end = start.saturating_add(jiff::Span::new().days(7));
    entries
        .iter()
        .filter_map(|e| match e {
            Entry::Walk(w) if w.date >= start && w.date < end => Some(w.bouts.max(1)),
            _ => None,
        })
        .sum()
}

/// The current prescription from a replayed plan.
fn prescription(r: &plan::Replay, kb: &KnowledgeBase) -> Prescription {
    let status = match (r.suspended_on, r.plan.status) {
        (Some(day), _) => format!("suspended since {day}"),
        (None, plan::Status::Blocked) => {
            "no plan is offered until the person has been checked".to_string()
        }
        (None, plan::Status::Paused) => "paused: gentle walking only".to_string(),
        (None, plan::Status::Active) => "active".to_string(),
        (None, plan::Status::Maintenance) => "maintenance: holding the target".to_string(),
    };
    let walking = report::walking_line(&r.plan).map(|line| match &r.plan.walking {
        Some(w) => format!(
            "{line} ({} this week; the target is {} minutes on {} days).",
            crate::words::count(w.weekly_minutes, "minute", "minutes"),
            w.target.minutes_per_session,
            w.target.sessions_per_week
        ),
        None => format!("{line}."),
    });
    let exercises = r
        .plan
        .exercises
        .iter()
        .filter_map(|d| {
            let e = kb.exercise(&d.id)?;
            let version = match d.variant {
                plan::Variant::Easier => " (easier version)",
                plan::Variant::Standard => "",
                plan::Variant::Harder => " (harder version)",
            };
            let numbers = plan::describe_exercise_dose(&plan::ExerciseDose {
                variant: plan::Variant::Standard,
                ..d.clone()
            });
            Some((
                format!("{}{version}", e.name),
                format!(
                    "{numbers}, {} a week",
                    crate::words::count(d.days_per_week, "day", "days")
                ),
            ))
        })
        .collect();
    Prescription {
        status: format!("Week {} of the plan ({status})", r.plan.week),
        walking,
        exercises,
    }
}

/// Only what the person entered about themselves: age, sex, BMI.
fn about(a: &crate::answers::Answers) -> Vec<String> {
    let mut about = Vec::new();
    if let Some(age) = a.age {
        about.push(format!("age {age:.0}"));
    }
    if let Some(sex) = a.sex {
        about.push(
            match sex {
                crate::answers::Sex::F => "female",
                crate::answers::Sex::M => "male",
                crate::answers::Sex::Other => "sex not given",
            }
            .into(),
        );
    }
    if let Some(bmi) = a.bmi() {
        about.push(format!("BMI {bmi:.1}"));
    }
    about
}

/// The latest check-up in a few lines.
fn checkup_summary(r: &plan::Replay, kb: &KnowledgeBase) -> CheckupSummary {
    let view = report::view(&r.assessment, &r.answers, kb);
    CheckupSummary {
        date: r.start,
        tier_line: format!("{}: {}", view.marker, view.headline),
        flags: view
            .flags
            .iter()
            .map(|f| {
                format!(
                    "{} ({}): {}",
                    f.title,
                    f.tier.as_str(),
                    f.because.join("; ")
                )
            })
            .collect(),
        unanswered: view.unanswered.len(),
        patterns: view
            .patterns
            .as_ref()
            .map(|ps| {
                ps.iter()
                    .take(3)
                    .map(|p| {
                        let toward: Vec<String> = p.toward.iter().map(|b| b.to_string()).collect();
                        if toward.is_empty() {
                            format!("{} ({}, score {})", p.name, p.strength_words, p.score)
                        } else {
                            format!(
                                "{} ({}, score {}): {}",
                                p.name,
                                p.strength_words,
                                p.score,
                                toward.join("; ")
                            )
                        }
                    })
                    .collect()
            })
            .unwrap_or_default(),
        patterns_held_back: view.patterns.is_none().then(|| view.held_back.to_string()),
    }
}

/// One row per reviewed week.
fn week_rows<'a>(
    shown: impl Iterator<Item = &'a plan::WeekRecord>,
    entries: &[Entry],
) -> Vec<WeekRow> {
    shown
        .map(|h| WeekRow {
            week: h.week,
            start: h.start,
            week_type: match h.week_type {
                plan::WeekType::Full => "full",
                plan::WeekType::Easier => "easier",
                plan::WeekType::Gentle => "gentle",
            },
            planned_walks: h.planned_walks,
            planned_minutes: h.planned_weekly_minutes,
            done_walks: walks_in_week(entries, h.start),
            walked_minutes: h.walked_minutes,
            green: h.green,
            amber: h.amber,
            red: h.red,
            unrated: h.unrated,
            decision: decision_name(&h.decision),
        })
        .collect()
}

/// Walks done of walks planned over the reviewed weeks from `from`, in words.
fn adherence(weeks: &[WeekRow], from: Date) -> Option<String> {
    let counted: Vec<&WeekRow> = weeks
        .iter()
        .filter(|w| w.start >= from && w.planned_walks > 0)
        .collect();
    let planned: u32 = counted.iter().map(|w| w.planned_walks).sum();
    let done: u32 = counted
        .iter()
        .map(|w| w.done_walks.min(w.planned_walks))
        .sum();
    (planned > 0).then(|| {
        format!(
            "{done} of {planned} planned walks done over {} ({:.0}%); walks beyond a week's plan are not counted.",
            crate::words::count(counted.len() as u64, "reviewed week", "reviewed weeks"),
            f64::from(done) / f64::from(planned) * 100.0
        )
    })
}

/// The report for the journal as of `today`, covering the last `weeks` weeks (never before the
/// plan's start). `None` when there is no check-up to report on.
pub fn build(
    entries: &[Entry],
    today: Date,
    weeks: u32,
    kb: &KnowledgeBase,
) -> Option<ClinicianReport> {
    let weeks = weeks.clamp(1, 520);
    let r = plan::replay(entries, today, kb).ok()?;
    // The period starts where asked (never before the first check-up): a newer check-up does
    // not hide what came before it.
    let first_checkup = entries
        .iter()
        .filter_map(|e| match e {
            Entry::Assessment(a) if a.date <= today => Some(a.date),
            _ => None,
        })
        .min()
        .unwrap_or(r.start);
    let from = today
        .saturating_sub(jiff::Span::new().days(i64::from(weeks) * 7 - 1))
        .max(first_checkup.min(today));
    let about = about(&r.answers);
    let checkup = checkup_summary(&r, kb);
    let scores = score_rows(entries, today);
    let changes = score_changes(entries, today, kb);
    let recovered = recovered_line(entries, today, kb);
    let data = charts::progress_data(&r, entries, today, Some(weeks));
    let days = charts::daily_steps(entries, today, i64::from((today - from).get_days()) + 1);
    let shown = r
        .history
        .iter()
        .filter(|h| h.start >= from.saturating_sub(jiff::Span::new().days(7)));
    let weeks = week_rows(shown, entries);
    let flares = r
        .history
        .iter()
        .filter(|h| h.start >= from && h.decision.kind == DecisionKind::Flare)
        .count();
    let easier_weeks = weeks
        .iter()
        .filter(|w| w.start >= from && w.week_type == "easier")
        .count();
    let adherence = adherence(&weeks, from);
    let ins = crate::insights::insights(entries, from, today);
    let (walks, minutes) =
        crate::journal::since(entries, from)
            .iter()
            .fold((0, 0.0), |(n, m), e| match e {
                Entry::Walk(w) if w.date >= from && w.date <= today => (n + 1, m + w.minutes),
                _ => (n, m),
            });
    let steps_summary = (!days.is_empty()).then(|| {
        let n = days.len();
        let mean = days.iter().map(|d| d.steps as f64).sum::<f64>() / n as f64;
        let speeds: Vec<f64> = days.iter().filter_map(|d| d.speed_mps).collect();
        let speed = if speeds.is_empty() {
            String::new()
        } else {
            format!(
                "; walking speed {:.1} km/h on average",
                speeds.iter().sum::<f64>() / speeds.len() as f64 * 3.6
            )
        };
        format!("{n} days imported: {mean:.0} steps a day on average{speed}.")
    });
    Some(ClinicianReport {
        generated: today,
        from,
        to: today,
        about,
        checkup,
        scores,
        changes,
        recovered,
        prescription: prescription(&r, kb),
        adherence,
        walks,
        minutes,
        minutes_chart: charts::draw::weekly_minutes(&data.weeks),
        pain_chart: charts::draw::pain(&data.pain, &data.markers),
        weeks,
        flares,
        easier_weeks,
        findings: ins.findings.iter().map(|f| f.text.clone()).collect(),
        tested: ins.tested.len(),
        steps_chart: (!days.is_empty()).then(|| charts::draw::daily_steps(&days)),
        steps_summary,
        gait_summary: crate::gait::period_summary(entries, from, today),
        events: events(entries, from, today, kb),
    })
}

/// The events of the period (see [`ClinicianReport::events`]).
pub fn events(entries: &[Entry], from: Date, to: Date, kb: &KnowledgeBase) -> Vec<EventRow> {
    let in_period = |d: Date| d >= from && d <= to;
    let mut rows: Vec<(Date, usize, EventRow)> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        match e {
            Entry::Walk(w) if w.new_symptoms && in_period(w.date) => {
                let mut what = "A walk was logged with new symptoms".to_string();
                if w.leg_spread == Some(crate::journal::LegSpread::Further) {
                    what.push_str(" (leg symptoms further than usual)");
                }
                if let (Some(b), Some(p)) = (w.pain_before, w.pain_peak) {
                    what.push_str(&format!("; pain {b} before, {p} at worst"));
                }
                what.push_str(&format!(", {:.0} minutes.", w.minutes));
                rows.push((
                    w.date,
                    i,
                    EventRow {
                        date: w.date,
                        kind: "New symptoms",
                        what,
                    },
                ));
            }
            Entry::Checkin(c) if in_period(c.date) => {
                if let Some(row) = checkin_row(entries, i, c, kb) {
                    rows.push((c.date, i, row));
                }
            }
            Entry::Assessment(a) if in_period(a.date) => {
                let x = match crate::new_symptoms::index_of(entries, &a.id) {
                    Some(k) => {
                        crate::new_symptoms::with_journal(assess(&a.answers, kb), entries, k)
                    }
                    None => assess(&a.answers, kb),
                };
                let tier = kb
                    .tier_text(x.tier())
                    .map_or(String::new(), |t| t.headline.clone());
                let tier = if x.waiting_for_answers() {
                    kb.unanswered.headline.clone()
                } else {
                    tier
                };
                rows.push((
                    a.date,
                    i,
                    EventRow {
                        date: a.date,
                        kind: if a.rescreen { "Re-screen" } else { "Check-up" },
                        what: format!("{tier}."),
                    },
                ));
            }
            _ => {}
        }
    }
    rows.extend(suspensions(entries, from, to, kb));
    rows.sort_by_key(|(d, i, _)| (*d, *i));
    rows.into_iter().map(|(_, _, r)| r).collect()
}

/// The check-up (or re-screen) in effect before entry `before` on day `d`: its answers.
fn base_on(entries: &[Entry], d: Date, before: usize) -> Option<&crate::journal::StoredAssessment> {
    entries
        .iter()
        .enumerate()
        .filter_map(|(i, e)| match e {
            Entry::Assessment(a) if (a.date, i) < (d, before) => Some((a.date, i, a)),
            _ => None,
        })
        .max_by_key(|(d, i, _)| (*d, *i))
        .map(|(_, _, a)| a.as_ref())
}

/// A check-in of the period as an event: the change, pain and scores, new warning signs and
/// questions left unanswered; `None` before any check-up.
fn checkin_row(
    entries: &[Entry],
    i: usize,
    c: &crate::checkin::Checkin,
    kb: &KnowledgeBase,
) -> Option<EventRow> {
    use crate::checkin::{GlobalChange, merged_answers};
    let base = base_on(entries, c.date, i)?;
    let before = assess(&base.answers, kb);
    let now = assess(&merged_answers(&base.answers, c), kb);
    let new = crate::checkin::new_warning_signs(&before, &now);
    let mut parts = Vec::new();
    if let Some(ch) = c.change {
        parts.push(format!("back {} since the last check-in", ch.words()));
    }
    if let Some(p) = c.pain {
        parts.push(format!("pain now {p}/10"));
    }
    if let Some(p) = now.instruments.peg {
        parts.push(format!("PEG {:.1}/10", p.score));
    }
    if let Some(p) = now.instruments.psfs {
        parts.push(format!("PSFS {:.1}", p.mean));
    }
    for f in &new {
        let title = kb.flag(&f.id).map_or(f.id.as_str(), |k| k.title.as_str());
        parts.push(format!("new warning sign: {title} ({})", f.tier.as_str()));
    }
    if !now.triage.unanswered.is_empty() {
        parts.push(format!(
            "{} left unanswered (\"not sure\")",
            crate::words::count(
                u32::try_from(now.triage.unanswered.len()).unwrap_or(u32::MAX),
                "warning-sign question",
                "warning-sign questions"
            )
        ));
    }
    let worse = !new.is_empty()
        || matches!(
            c.change,
            Some(GlobalChange::Worse | GlobalChange::MuchWorse)
        );
    let what = if parts.is_empty() {
        "Nothing was answered.".to_string()
    } else {
        let mut t = parts.join("; ");
        if let Some(first) = t.get(..1) {
            t = first.to_uppercase() + t.get(1..).unwrap_or("");
        }
        t + "."
    };
    Some(EventRow {
        date: c.date,
        kind: if worse {
            "Check-in (worse)"
        } else {
            "Check-in"
        },
        what,
    })
}

/// The suspensions of the period: the plan of each check-up, read on the day before the next
/// one (or on the last day of the period).
fn suspensions(
    entries: &[Entry],
    from: Date,
    to: Date,
    kb: &KnowledgeBase,
) -> Vec<(Date, usize, EventRow)> {
    let in_period = |d: Date| d >= from && d <= to;
    let mut rows = Vec::new();
    let mut starts: Vec<Date> = entries
        .iter()
        .filter_map(|e| match e {
            Entry::Assessment(a) if !a.rescreen && a.date <= to => Some(a.date),
            _ => None,
        })
        .collect();
    starts.sort();
    starts.dedup();
    for (k, start) in starts.iter().enumerate() {
        let next = starts.get(k + 1).copied();
        let horizon = next.map_or(to, |n| n.saturating_sub(jiff::Span::new().days(1)));
        if horizon < from || horizon < *start {
            continue;
        }
        let Ok(p) = plan::replay(entries, horizon, kb) else {
            continue;
        };
        if let Some(day) = p.suspended_on.filter(|d| in_period(*d)) {
            let until = match next {
                Some(n) => format!(" It stayed suspended until the check-up of {n}."),
                None => " It is still suspended.".to_string(),
            };
            rows.push((
                day,
                usize::MAX,
                EventRow {
                    date: day,
                    kind: "Plan suspended",
                    what: format!(
                        "{}{until}",
                        if p.plan
                            .decision
                            .because
                            .first()
                            .is_some_and(|b| b.contains("check-in"))
                        {
                            "A warning sign answered yes at a check-in suspended the plan."
                        } else {
                            "New symptoms logged with a walk suspended the plan."
                        }
                    ),
                },
            ));
        }
    }
    rows
}
