//! The whole history the report covers, whatever the current plan's state: the reviewed weeks
//! of every plan (a newer check-up starts a new plan; a suspension or a re-screen that finds a
//! warning sign stops one, and its weeks stay), and every suspension with its start and end.
//!
//! Everything here asks the plan itself ([`plan::replay`]) on a part of the journal, so the
//! report can never tell a different story from the one the person was given at the time.

use jiff::civil::Date;

use crate::journal::Entry;
use crate::knowledge::KnowledgeBase;
use crate::plan::{self, Status, WeekRecord};

/// An entry's place in the journal: its date, then its position.
type At = (Date, usize);

/// The entries strictly before `limit` (by date, then journal order).
fn before(entries: &[Entry], limit: At) -> Vec<Entry> {
    entries
        .iter()
        .enumerate()
        .filter(|(i, e)| (e.date(), *i) < limit)
        .map(|(_, e)| e.clone())
        .collect()
}

/// Full check-ups (each starts a plan) up to `to`, oldest first.
pub(super) fn checkups(entries: &[Entry], to: Date) -> Vec<At> {
    let mut out: Vec<At> = entries
        .iter()
        .enumerate()
        .filter_map(|(i, e)| match e {
            Entry::Assessment(a) if !a.rescreen && a.date <= to => Some((a.date, i)),
            _ => None,
        })
        .collect();
    out.sort();
    out
}

/// The reviewed weeks of every plan up to `to`, oldest first. Each plan runs from its check-up
/// to the next one; it is read as it stood on the morning of the next check-up (or on `to`).
/// When it was suspended or stopped by then, it is read as it stood just before that, so the
/// weeks it had reviewed stay in the report.
///
/// A week whose last day is `to` has ended by `to` and is reviewed, from the entries up to
/// `to` only. The days of a plan after it was suspended or stopped (up to the next check-up or
/// `to`) get one unreviewed row per 7-day block (the first always, later ones when a walk was
/// logged), so every walk of the plan lies in some row; see [`is_unreviewed`].
pub(super) fn weeks(entries: &[Entry], to: Date, kb: &KnowledgeBase) -> Vec<WeekRecord> {
    let entries: Vec<Entry> = entries.iter().filter(|e| e.date() <= to).cloned().collect();
    let entries = entries.as_slice();
    let day_after = to.saturating_add(jiff::Span::new().days(1));
    let starts = checkups(entries, to);
    let mut out = Vec::new();
    for (k, &(start, start_i)) in starts.iter().enumerate() {
        let mut limit = starts.get(k + 1).copied();
        let end = limit.map_or(day_after, |(d, _)| d);
        let mut horizon = end;
        let mut cut_at: Option<Date> = None;
        loop {
            let part = match limit {
                Some(l) => before(entries, l),
                None => entries.to_vec(),
            };
            let Ok(r) = plan::replay(&part, horizon, kb) else {
                break;
            };
            if !(r.history.is_empty() && r.plan.status == Status::Blocked) {
                let next = r.history.last().map_or((r.start, 1), |h| {
                    (
                        h.start.saturating_add(jiff::Span::new().days(7)),
                        h.week + 1,
                    )
                });
                out.extend(r.history);
                if cut_at.is_some() {
                    out.extend(unreviewed(entries, next, end));
                }
                break;
            }
            // Stopped: by new symptoms (or a check-in's warning sign) on a day, or by a
            // re-screen's warning signs. Read the plan as it stood before that.
            let cut = match r.suspended_on {
                Some(d) => Some((d, 0)),
                None => entries
                    .iter()
                    .enumerate()
                    .filter_map(|(i, e)| match e {
                        Entry::Assessment(a)
                            if a.rescreen
                                && (a.date, i) > (start, start_i)
                                && a.date <= horizon
                                && limit.is_none_or(|l| (a.date, i) < l) =>
                        {
                            Some((a.date, i))
                        }
                        _ => None,
                    })
                    .max(),
            };
            match cut {
                Some(c) if c > (start, start_i) && limit.is_none_or(|l| c < l) => {
                    limit = Some(c);
                    horizon = c.0;
                    cut_at = Some(c.0);
                }
                _ => break,
            }
        }
    }
    out
}

/// What marks a row of [`weeks`] that the plan never reviewed (it was suspended or stopped).
const UNREVIEWED: &str = "suspended: not reviewed";

/// Whether a row of [`weeks`] is a block the plan never reviewed.
pub(super) fn is_unreviewed(h: &WeekRecord) -> bool {
    h.decision.kind == plan::DecisionKind::Suspend
        && h.decision.because.first().is_some_and(|b| b == UNREVIEWED)
}

/// The 7-day blocks from `from` to the day before `end` of a plan that was suspended or
/// stopped: the first always, later ones when a walk was logged in them.
fn unreviewed(entries: &[Entry], (from, first_week): (Date, u32), end: Date) -> Vec<WeekRecord> {
    let mut out = Vec::new();
    let mut start = from;
    let mut week = 0u32;
    while start < end {
        let next = start.saturating_add(jiff::Span::new().days(7)).min(end);
        let walks: Vec<f64> = entries
            .iter()
            .filter_map(|e| match e {
                Entry::Walk(w) if w.date >= start && w.date < next => Some(w.minutes),
                _ => None,
            })
            .collect();
        if week == 0 || !walks.is_empty() {
            out.push(WeekRecord {
                week: first_week.saturating_add(week),
                start,
                planned_weekly_minutes: 0,
                planned_walks: 0,
                week_type: plan::WeekType::Gentle,
                walked_minutes: walks.iter().sum::<f64>() + 0.0,
                green: 0,
                amber: 0,
                red: 0,
                unrated: 0,
                empty: walks.is_empty(),
                decision: plan::Decision {
                    kind: plan::DecisionKind::Suspend,
                    because: vec![UNREVIEWED.to_string()],
                },
            });
        }
        week += 1;
        start = next;
    }
    out
}

/// What the plan was doing just after an entry.
#[derive(Debug, Clone, PartialEq)]
enum State {
    /// No plan (no check-up yet).
    None,
    /// A plan offering walking (active, paused to gentle walking, maintenance).
    Running,
    /// Suspended on a day, with the plan's first reason.
    Suspended(Date, String),
    /// No plan until the person has been checked (a check-up's or re-screen's warning signs).
    Stopped,
}

fn state(entries: &[Entry], upto: At, kb: &KnowledgeBase) -> State {
    let part: Vec<Entry> = entries
        .iter()
        .enumerate()
        .filter(|(i, e)| (e.date(), *i) <= upto)
        .map(|(_, e)| e.clone())
        .collect();
    match plan::replay(&part, upto.0, kb) {
        Err(_) => State::None,
        Ok(r) => match r.suspended_on {
            Some(d) => State::Suspended(d, why(r.suspended_by.as_ref())),
            None if r.plan.status == Status::Blocked => State::Stopped,
            None => State::Running,
        },
    }
}

/// What suspended the plan, about the person: the warning signs that did, or new symptoms.
fn why(by: Option<&plan::Sighting>) -> String {
    match by {
        Some(s) if s.answered_in == plan::AnsweredIn::Rescreen => format!(
            "a re-screen found warning signs ({}): no plan is offered until the person has been checked",
            s.titles().join("; ")
        ),
        Some(s) => format!(
            "a warning sign answered yes at a check-in ({}) suspended the plan",
            s.titles().join("; ")
        ),
        None => "new symptoms logged with a walk suspended the plan".to_string(),
    }
}

/// One suspension of the plan: when it began, why, and how it ended.
#[derive(Debug, Clone, PartialEq)]
pub struct Suspension {
    pub start: Date,
    /// What suspended it, as a clause ("new symptoms logged with a walk suspended the plan").
    pub why: String,
    /// What happened while it was suspended (a re-screen that found warning signs).
    pub during: Vec<String>,
    /// The day it ended and what ended it, `None` while it lasts.
    pub end: Option<(Date, String)>,
}

/// Every suspension that overlaps `from`..=`to`, oldest first: read from the plan just after
/// each entry that may suspend it or lift it (a walk with new symptoms, a check-in answering a
/// warning sign yes, a re-screen, a check-up).
pub fn suspensions(entries: &[Entry], from: Date, to: Date, kb: &KnowledgeBase) -> Vec<Suspension> {
    let mut probes: Vec<At> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.date() >= from && e.date() <= to)
        .filter(|(_, e)| match e {
            Entry::Walk(w) => w.new_symptoms,
            Entry::Assessment(_) => true,
            Entry::Checkin(c) => serde_json::to_value(&c.red_flags)
                .ok()
                .and_then(|v| {
                    v.as_object()
                        .map(|m| m.values().any(|x| x.as_bool() == Some(true)))
                })
                .unwrap_or(false),
            _ => false,
        })
        .map(|(i, e)| (e.date(), i))
        .collect();
    probes.sort();
    let mut out: Vec<Suspension> = Vec::new();
    let mut open: Option<Suspension> = None;
    // A suspension under way when the period begins.
    if let Some(day_before) = from.checked_sub(jiff::Span::new().days(1)).ok()
        && let State::Suspended(d, why) = state(entries, (day_before, usize::MAX), kb)
    {
        open = Some(Suspension {
            start: d,
            why,
            during: Vec::new(),
            end: None,
        });
    }
    for at in probes {
        let (rescreen, checkup) = match &entries[at.1] {
            Entry::Assessment(a) => (a.rescreen, !a.rescreen),
            _ => (false, false),
        };
        let now = state(entries, at, kb);
        match (open.take(), now) {
            (None, State::Suspended(d, why)) => {
                open = Some(Suspension {
                    start: d,
                    why,
                    during: Vec::new(),
                    end: None,
                });
            }
            (None, State::Stopped) if rescreen => {
                open = Some(Suspension {
                    start: at.0,
                    why: "a re-screen found warning signs: no plan is offered until the person has been checked".into(),
                    during: Vec::new(),
                    end: None,
                });
            }
            (Some(mut s), State::Running | State::None) => {
                let what = if checkup {
                    format!("until the check-up of {}", at.0)
                } else {
                    format!(
                        "until the re-screen of {}, which found no warning sign",
                        at.0
                    )
                };
                s.end = Some((at.0, what));
                out.push(s);
            }
            (Some(mut s), State::Stopped) if checkup => {
                s.end = Some((at.0, format!("until the check-up of {}", at.0)));
                out.push(s);
            }
            (Some(mut s), State::Stopped) => {
                if rescreen {
                    s.during.push(format!(
                        "The re-screen of {} found warning signs, so no plan is offered until the person has been checked.",
                        at.0
                    ));
                }
                open = Some(s);
            }
            (Some(mut s), State::Suspended(..)) if rescreen && blocks(&entries[at.1], kb) => {
                s.during.push(format!(
                    "The re-screen of {} found warning signs, so no plan is offered until the person has been checked.",
                    at.0
                ));
                open = Some(s);
            }
            (Some(s), State::Suspended(d, why)) if checkup && d > s.start => {
                // A new check-up restarted the plan, and new symptoms suspended it again.
                let mut s = s;
                s.end = Some((at.0, format!("until the check-up of {}", at.0)));
                out.push(s);
                open = Some(Suspension {
                    start: d,
                    why,
                    during: Vec::new(),
                    end: None,
                });
            }
            (Some(s), _) => open = Some(s),
            (None, _) => {}
        }
    }
    out.extend(open);
    out
}

/// Whether a re-screen's own answers need a clinician today or now (they suspend the plan
/// until a new check-up).
fn blocks(e: &Entry, kb: &KnowledgeBase) -> bool {
    matches!(e, Entry::Assessment(a)
        if crate::assess(&a.answers, kb).plan_status == crate::tier::PlanStatus::Blocked)
}
