//! The report for a doctor or physiotherapist (contract §9) as data: every fact and every
//! sentence it prints, built once here and laid out by the HTML page and the PDF alike.

use jiff::civil::Date;

use crate::charts::{self, Figure};
use crate::journal::Entry;
use crate::knowledge::KnowledgeBase;
use crate::outcomes::{self, Change};
use crate::plan::{self, DecisionKind};
use crate::{assess, report};

pub mod history;
pub mod json;
pub mod outline;

pub use history::Suspension;

/// Weeks the report covers unless asked otherwise.
pub const REPORT_WEEKS: u32 = 12;

/// The warning signs, most recent first, and the latest check-up in a few lines.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckupSummary {
    /// The latest full check-up (its patterns are shown).
    pub date: Date,
    /// Where the most recent warning-sign answers come from, when that is newer than the
    /// check-up: ("check-in" or "re-screen", its date).
    pub screen: Option<(&'static str, Date)>,
    /// "Routine care" style marker and headline of the tier, from the most recent answers.
    pub tier_line: String,
    /// Each warning sign: "title (tier): answer; answer".
    pub flags: Vec<String>,
    /// Warning-sign questions left unanswered, in words.
    pub unanswered: Vec<String>,
    /// The plan's suspension under way on the report's last day, in words.
    pub suspended: Option<String>,
    /// An earlier check-up's warning signs that the latest one no longer finds.
    pub earlier: Option<String>,
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
    /// Walks done of walks planned, and minutes walked of minutes planned, over the reviewed
    /// weeks of the period, in words.
    pub adherence: Option<String>,
    /// The same in numbers.
    pub adherence_numbers: Adherence,
    pub walks: usize,
    pub minutes: f64,
    pub minutes_chart: Figure,
    pub pain_chart: Figure,
    /// The weeks that overlap the period and have ended by its last day, of every plan (a
    /// newer check-up starts the plan again at week 1), oldest first; a week the plan was
    /// suspended or stopped in is a row of its own ("suspended", never reviewed).
    pub weeks: Vec<WeekRow>,
    /// Check-ups in the period after its first week that started the plan again.
    pub restarts: Vec<Date>,
    /// Flare episodes: runs of weeks that ended in a flare.
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
    /// Every suspension that overlaps the period, with its start and end.
    pub suspensions: Vec<Suspension>,
    /// Each measure's scores up to the report's last day (see [`outcomes::history`]).
    pub measures: Vec<(&'static str, Vec<(Date, f64)>)>,
    /// Each PSFS with its activities, up to the report's last day.
    pub psfs: Vec<outcomes::PsfsRatings>,
}

/// Adherence over the reviewed weeks of the period, in numbers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Adherence {
    pub weeks: usize,
    pub planned_walks: u32,
    /// Walks done, each week counted up to its plan.
    pub done_walks: u32,
    pub planned_minutes: u32,
    pub walked_minutes: f64,
    /// Weeks with more minutes walked than planned, and how many of them were gentle weeks.
    pub over_weeks: usize,
    pub over_gentle_weeks: usize,
}

/// Why there is no report for a period.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoReport {
    #[error("no check-up is stored yet: run the check-up first")]
    NoCheckup,
    #[error(
        "the period ends on {to}, before the first check-up ({first}): there is nothing to report before {first}; end the period on {first} or later"
    )]
    BeforeFirstCheckup { from: Date, to: Date, first: Date },
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
        .map(|m| {
            let single = m
                .important_points_single
                .map_or(String::new(), |p| format!(" ({p} for one activity)"));
            match m.important_percent {
                Some(p) => format!(
                    "{} {} points or {p:.0}%{single}",
                    short(&m.id),
                    m.important_points
                ),
                None => format!("{} {} points{single}", short(&m.id), m.important_points),
            }
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

/// Each measure's first score against its latest (check-ups and check-ins up to `today`); the
/// PSFS activity by activity ([`outcomes::psfs_changes`]).
pub fn score_changes(entries: &[Entry], today: Date, kb: &KnowledgeBase) -> Vec<Change> {
    let upto: Vec<Entry> = entries
        .iter()
        .filter(|e| matches!(e, Entry::Assessment(_) | Entry::Checkin(_)) && e.date() <= today)
        .cloned()
        .collect();
    let mut out: Vec<Change> = Vec::new();
    for (id, list) in outcomes::history(&upto) {
        if id == "psfs" {
            let psfs = outcomes::psfs_history(&upto);
            if let (Some(first), Some(last)) = (psfs.first(), psfs.last())
                && psfs.len() > 1
            {
                out.extend(outcomes::psfs_changes(&kb.outcomes, first, last));
            }
            continue;
        }
        let Some(m) = kb.outcomes.measure(id) else {
            continue;
        };
        if let (Some(first), Some(last)) = (list.first(), list.last())
            && list.len() > 1
        {
            out.push(outcomes::change(m, first.1, last.1));
        }
    }
    out
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

/// The flags of a view, "title (tier): answer; answer".
fn flag_lines(view: &report::ReportView) -> Vec<String> {
    view.flags
        .iter()
        .map(|f| {
            format!(
                "{} ({}): {}",
                f.title,
                f.tier.as_str(),
                f.because.join("; ")
            )
        })
        .collect()
}

/// The most recent warning-sign answers up to `to` (a check-up, re-screen or check-in, read
/// as the plan reads it), then the latest check-up's patterns.
fn checkup_summary(
    entries: &[Entry],
    r: &plan::Replay,
    to: Date,
    suspensions: &[Suspension],
    kb: &KnowledgeBase,
) -> CheckupSummary {
    let checkup_view = report::view(&r.assessment, &r.answers, kb);
    // The latest screen: a re-screen's answers are already in the replay's reading; a
    // check-in's are read on the check-up or re-screen before it.
    let latest = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.date() <= to)
        .filter(|(_, e)| matches!(e, Entry::Assessment(_) | Entry::Checkin(_)))
        .max_by_key(|(i, e)| (e.date(), *i));
    let (screen, view) = match latest {
        Some((i, Entry::Checkin(c))) => match base_on(entries, c.date, i) {
            Some(base) => {
                let merged = crate::checkin::merged_answers(&base.answers, c);
                let x = assess(&merged, kb);
                (Some(("check-in", c.date)), report::view(&x, &merged, kb))
            }
            None => (None, checkup_view.clone()),
        },
        Some((_, Entry::Assessment(a))) if a.rescreen => {
            (Some(("re-screen", a.date)), checkup_view.clone())
        }
        _ => (None, checkup_view.clone()),
    };
    let suspended = suspensions.iter().find(|s| s.end.is_none()).map(|s| {
        let mut t = format!("Plan suspended since {}: {}.", s.start, s.why);
        for d in &s.during {
            t.push(' ');
            t.push_str(d);
        }
        t
    });
    let earlier = r.earlier_warning.as_ref().map(|w| {
        let titles: Vec<String> = w
            .flags
            .iter()
            .filter_map(|id| kb.flag(id).map(|f| f.title.clone()))
            .collect();
        format!(
            "An earlier check-up ({}) found warning signs ({}): {}; the latest check-up does not find them.",
            w.date,
            w.tier.as_str(),
            titles.join("; ")
        )
    });
    CheckupSummary {
        date: r.start,
        screen,
        tier_line: format!("{}: {}", view.marker, view.headline),
        flags: flag_lines(&view),
        unanswered: view.unanswered.clone(),
        suspended,
        earlier,
        patterns: checkup_view
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
        patterns_held_back: checkup_view
            .patterns
            .is_none()
            .then(|| checkup_view.held_back.to_string()),
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
                _ if history::is_unreviewed(h) => "suspended",
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

/// Adherence over `weeks` (the reviewed weeks of the period): walks done of walks planned
/// (each week counted up to its plan) and minutes walked of minutes planned.
fn adherence(weeks: &[WeekRow]) -> (Adherence, Option<String>) {
    let reviewed: Vec<&WeekRow> = weeks
        .iter()
        .filter(|w| w.week_type != "suspended")
        .collect();
    let mut a = Adherence {
        weeks: reviewed.len(),
        ..Adherence::default()
    };
    for w in reviewed {
        a.planned_walks += w.planned_walks;
        a.done_walks += w.done_walks.min(w.planned_walks);
        a.planned_minutes += w.planned_minutes;
        a.walked_minutes += w.walked_minutes;
        if w.walked_minutes.round() > f64::from(w.planned_minutes) {
            a.over_weeks += 1;
            if w.week_type == "gentle" {
                a.over_gentle_weeks += 1;
            }
        }
    }
    if a.planned_walks == 0 {
        return (a, None);
    }
    let mut line = format!(
        "{} of {} planned walks done over {} ({:.0}%); walks beyond a week's plan are not counted. Minutes: {:.0} walked of {} planned ({:.0}%)",
        a.done_walks,
        a.planned_walks,
        crate::words::count(a.weeks as u64, "reviewed week", "reviewed weeks"),
        f64::from(a.done_walks) / f64::from(a.planned_walks) * 100.0,
        a.walked_minutes,
        a.planned_minutes,
        if a.planned_minutes > 0 {
            a.walked_minutes / f64::from(a.planned_minutes) * 100.0
        } else {
            0.0
        }
    );
    if a.over_weeks > 0 {
        line.push_str(&format!(
            "; more minutes than planned in {}",
            crate::words::count(a.over_weeks as u64, "week", "weeks")
        ));
        match (a.over_weeks, a.over_gentle_weeks) {
            (_, 0) => {}
            (1, _) => line.push_str(", a gentle (flare) week"),
            (_, n) if n == a.over_weeks => line.push_str(", all of them gentle (flare) weeks"),
            (_, 1) => line.push_str(", one of them a gentle (flare) week"),
            (_, n) => line.push_str(&format!(", {n} of them gentle (flare) weeks")),
        }
    }
    line.push('.');
    (a, Some(line))
}

/// Flare episodes among `weeks`: runs of consecutive weeks of one plan that ended in a flare.
fn flare_episodes(weeks: &[WeekRow]) -> usize {
    let mut n = 0;
    let mut prev: Option<&WeekRow> = None;
    for w in weeks {
        let flare = w.decision
            == decision_name(&plan::Decision {
                kind: DecisionKind::Flare,
                because: Vec::new(),
            });
        let continues = prev
            .is_some_and(|p| p.decision == w.decision && p.week + 1 == w.week && w.start > p.start);
        if flare && !continues {
            n += 1;
        }
        prev = Some(w);
    }
    n
}

/// The first day of a report of the last `weeks` weeks to `to`: never before the first
/// check-up (a newer check-up does not hide what came before it).
pub fn default_from(entries: &[Entry], to: Date, weeks: u32) -> Date {
    let weeks = weeks.clamp(1, 520);
    let first_checkup = entries
        .iter()
        .filter_map(|e| match e {
            Entry::Assessment(a) if a.date <= to => Some(a.date),
            _ => None,
        })
        .min()
        .unwrap_or(to);
    to.saturating_sub(jiff::Span::new().days(i64::from(weeks) * 7 - 1))
        .max(first_checkup.min(to))
}

/// The day of the first full check-up, where the whole history begins; `None` before any.
pub fn first_checkup(entries: &[Entry]) -> Option<Date> {
    history::checkups(entries, Date::MAX)
        .first()
        .map(|(d, _)| *d)
}

/// Why a report's period cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadPeriod {
    #[error("to {to} is after today ({today}): a report covers days that have happened")]
    ToAfterToday { to: Date, today: Date },
    #[error("from {from} is after to {to}")]
    FromAfterTo { from: Date, to: Date },
}

/// The period of a report (the CLI's `--from`/`--to`, the web's `from`/`to`): it ends on `to`
/// (today when not given), never after today, and starts on `from`, or `weeks` weeks before its
/// end (never before the first check-up, [`default_from`]) when `from` is not given.
pub fn period(
    entries: &[Entry],
    today: Date,
    from: Option<Date>,
    to: Option<Date>,
    weeks: u32,
) -> Result<(Date, Date), BadPeriod> {
    let to = to.unwrap_or(today);
    if to > today {
        return Err(BadPeriod::ToAfterToday { to, today });
    }
    let from = match from {
        Some(from) if from > to => return Err(BadPeriod::FromAfterTo { from, to }),
        Some(from) => from,
        None => default_from(entries, to, weeks),
    };
    Ok((from, to))
}

/// The report for the journal as of `today`, covering the last `weeks` weeks (never before the
/// first check-up). `None` when there is no check-up to report on.
pub fn build(
    entries: &[Entry],
    today: Date,
    weeks: u32,
    kb: &KnowledgeBase,
) -> Option<ClinicianReport> {
    build_period(
        entries,
        default_from(entries, today, weeks),
        today,
        today,
        kb,
    )
    .ok()
}

/// The report of exactly `from`..=`to`, made on `generated`: the prescription as it stood on
/// `to`, the weeks of every plan that overlap the period and have ended by `to`, the events and suspensions of the
/// period, the scores up to `to`.
pub fn build_period(
    entries: &[Entry],
    from: Date,
    to: Date,
    generated: Date,
    kb: &KnowledgeBase,
) -> Result<ClinicianReport, NoReport> {
    let first = entries
        .iter()
        .filter_map(|e| match e {
            Entry::Assessment(a) => Some(a.date),
            _ => None,
        })
        .min()
        .ok_or(NoReport::NoCheckup)?;
    if first > to {
        return Err(NoReport::BeforeFirstCheckup { from, to, first });
    }
    let r = plan::replay(entries, to, kb).map_err(|_| NoReport::NoCheckup)?;
    let about = about(&r.answers);
    // Every suspension from the first check-up, so one under way is seen whenever it began;
    // the report lists those that overlap the period.
    let mut suspensions = history::suspensions(entries, first, to, kb);
    let checkup = checkup_summary(entries, &r, to, &suspensions, kb);
    suspensions.retain(|s| s.start <= to && s.end.as_ref().is_none_or(|(d, _)| *d >= from));
    let scores = score_rows(entries, to);
    let changes = score_changes(entries, to, kb);
    let recovered = recovered_line(entries, to, kb);
    let in_period = |d: Date| d >= from && d <= to;
    // The weeks that have ended by `to` (their last day at the latest) and overlap the period.
    let overlaps =
        |start: Date| start <= to && start.saturating_add(jiff::Span::new().days(6)) >= from;
    let all_weeks = history::weeks(entries, to, kb);
    let weeks = week_rows(all_weeks.iter().filter(|h| overlaps(h.start)), entries);
    let restarts: Vec<Date> = history::checkups(entries, to)
        .into_iter()
        .map(|(d, _)| d)
        .filter(|d| in_period(*d) && weeks.first().is_some_and(|w| w.start < *d))
        .collect();
    let flares = flare_episodes(&weeks);
    let easier_weeks = weeks.iter().filter(|w| w.week_type == "easier").count();
    let (adherence_numbers, adherence) = adherence(&weeks);
    let ins = crate::insights::insights(entries, from, to);
    let (walks, minutes) = entries.iter().fold((0, 0.0), |(n, m), e| match e {
        Entry::Walk(w) if in_period(w.date) => (n + 1, m + w.minutes),
        _ => (n, m),
    });
    let days = charts::daily_steps(entries, to, i64::from((to - from).get_days()) + 1);
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
    let charts = charts_of(entries, &r, &all_weeks, from, to);
    let upto: Vec<Entry> = entries
        .iter()
        .filter(|e| matches!(e, Entry::Assessment(_) | Entry::Checkin(_)) && e.date() <= to)
        .cloned()
        .collect();
    Ok(ClinicianReport {
        generated,
        from,
        to,
        about,
        checkup,
        scores,
        changes,
        recovered,
        prescription: prescription(&r, kb),
        adherence,
        adherence_numbers,
        walks,
        minutes,
        minutes_chart: charts::draw::weekly_minutes(&charts.weeks),
        pain_chart: charts::draw::pain(&charts.pain, &charts.markers),
        weeks,
        restarts,
        flares,
        easier_weeks,
        findings: ins.findings.iter().map(|f| f.text.clone()).collect(),
        tested: ins.tested.len(),
        steps_chart: (!days.is_empty()).then(|| charts::draw::daily_steps(&days)),
        steps_summary,
        gait_summary: crate::gait::period_summary(entries, from, to),
        events: events_with(entries, from, to, &suspensions, kb),
        suspensions,
        measures: outcomes::history(&upto),
        psfs: outcomes::psfs_history(&upto),
    })
}

/// The progress charts of `from..=to` over the whole history, as the report draws them: the
/// weeks of every plan that overlap the period and have ended by `to` (a plan suspended or
/// followed by a new check-up keeps its weeks), the week under way when the plan offers walking
/// on `to`, the pain of the period, each check-up (the first "start", a later one "new
/// check-up") and each reviewed week's decision. `r` is the plan replayed to `to`.
pub fn period_charts(
    entries: &[Entry],
    r: &plan::Replay,
    from: Date,
    to: Date,
    kb: &KnowledgeBase,
) -> charts::ProgressData {
    charts_of(entries, r, &history::weeks(entries, to, kb), from, to)
}

/// [`period_charts`] from the weeks of [`history::weeks`] up to `to`.
fn charts_of(
    entries: &[Entry],
    r: &plan::Replay,
    all_weeks: &[plan::WeekRecord],
    from: Date,
    to: Date,
) -> charts::ProgressData {
    let in_period = |d: Date| d >= from && d <= to;
    let overlaps =
        |start: Date| start <= to && start.saturating_add(jiff::Span::new().days(6)) >= from;
    let shown: Vec<&plan::WeekRecord> = all_weeks.iter().filter(|h| overlaps(h.start)).collect();
    let mut weeks: Vec<charts::WeekBar> = shown
        .iter()
        .map(|h| charts::WeekBar {
            week: h.week,
            start: h.start,
            planned: h.planned_weekly_minutes,
            walked: h.walked_minutes,
            current: false,
            suspended: history::is_unreviewed(h),
        })
        .collect();
    if let Some(w) = &r.plan.walking
        && in_period(r.block_start())
        && !shown.iter().any(|x| x.start == r.block_start())
    {
        let start = r.block_start();
        let walked: f64 = entries
            .iter()
            .filter_map(|e| match e {
                Entry::Walk(x) if x.date >= start && x.date <= to => Some(x.minutes),
                _ => None,
            })
            .sum::<f64>()
            + 0.0;
        weeks.push(charts::WeekBar {
            week: r.plan.week,
            start,
            planned: w.weekly_minutes,
            walked,
            current: true,
            suspended: false,
        });
    }
    let mut markers: Vec<charts::Marker> = history::checkups(entries, to)
        .into_iter()
        .enumerate()
        .filter(|(_, (d, _))| in_period(*d))
        .map(|(k, (date, _))| charts::Marker {
            date,
            label: if k == 0 {
                "start".to_string()
            } else {
                charts::new_checkup_label(date)
            },
        })
        .collect();
    for h in shown.iter().filter(|h| !history::is_unreviewed(h)) {
        let date = h.start.saturating_add(jiff::Span::new().days(7));
        if date <= to {
            markers.push(charts::Marker {
                date,
                label: charts::decision_label(&h.decision).to_string(),
            });
        }
    }
    charts::ProgressData {
        weeks,
        pain: charts::pain_points(entries, from, to),
        markers,
    }
}

/// The events of the period (see [`ClinicianReport::events`]).
pub fn events(entries: &[Entry], from: Date, to: Date, kb: &KnowledgeBase) -> Vec<EventRow> {
    let first = entries
        .iter()
        .filter_map(|e| match e {
            Entry::Assessment(a) => Some(a.date),
            _ => None,
        })
        .min()
        .unwrap_or(from);
    let mut all = history::suspensions(entries, first.min(from), to, kb);
    all.retain(|s| s.end.as_ref().is_none_or(|(d, _)| *d >= from));
    events_with(entries, from, to, &all, kb)
}

/// The events of the period with its suspensions.
fn events_with(
    entries: &[Entry],
    from: Date,
    to: Date,
    suspended: &[Suspension],
    kb: &KnowledgeBase,
) -> Vec<EventRow> {
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
    rows.extend(suspension_rows(suspended, to));
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
        let named: Vec<String> = now
            .triage
            .unanswered
            .iter()
            .map(|id| kb.question(id).map_or(id.clone(), |q| q.text.clone()))
            .collect();
        parts.push(format!(
            "left unanswered (\"not sure\"): {}",
            named.join(" ")
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

/// The suspensions of the period as events, each with its start and its end.
fn suspension_rows(suspended: &[Suspension], to: Date) -> Vec<(Date, usize, EventRow)> {
    suspended
        .iter()
        .map(|s| {
            let mut what = format!("On {} {}.", s.start, s.why);
            for d in &s.during {
                what.push(' ');
                what.push_str(d);
            }
            match &s.end {
                Some((_, until)) => what.push_str(&format!(" It stayed suspended {until}.")),
                None => what.push_str(&format!(" It is still suspended on {to}.")),
            }
            (
                s.start,
                usize::MAX,
                EventRow {
                    date: s.start,
                    kind: "Plan suspended",
                    what,
                },
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn week(week: u32, start: Date, decision: &'static str) -> WeekRow {
        WeekRow {
            week,
            start,
            week_type: "full",
            planned_walks: 3,
            planned_minutes: 75,
            done_walks: 3,
            walked_minutes: 75.0,
            green: 3,
            amber: 0,
            red: 0,
            unrated: 0,
            decision,
        }
    }

    /// A flare that lasts three weeks is one flare; a new plan's flare is another.
    #[test]
    fn flares_are_counted_as_episodes() {
        let d = |n: i16| jiff::civil::date(2026, 1, 5).saturating_add(jiff::Span::new().days(n));
        let flare = "flare: gentle walking";
        let weeks = [
            week(1, d(0), "step up"),
            week(2, d(7), flare),
            week(3, d(14), flare),
            week(4, d(21), flare),
            week(5, d(28), "step up"),
            week(6, d(35), flare),
            // A new check-up: week 1 of the next plan ends in a flare too.
            week(1, d(42), flare),
        ];
        assert_eq!(flare_episodes(&weeks), 3);
        assert_eq!(flare_episodes(&weeks[..4]), 1);
        assert_eq!(flare_episodes(&[]), 0);
    }
}
