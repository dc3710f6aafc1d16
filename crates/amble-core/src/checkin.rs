//! Check-ins (contract §11): a short weekly one (warning signs again, a global rating of change,
//! pain) and fuller ones with the questionnaires at 6 weeks, 3, 6 and 12 months, the schedule of
//! the back-pain trials; monthly in maintenance. Outcomes against the first scores, read with
//! the smallest change people notice (`content/outcomes.toml`).

use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::answers::{Answers, AnswersError, InstrumentItems, Pain, RedFlags};
use crate::assessment::{Assessment, FiredFlag};
use crate::journal::Entry;
use crate::knowledge::KnowledgeBase;
use crate::outcomes::{self, Direction};
use crate::tier::Tier;

pub const CHECKIN_SCHEMA: &str = "amble.checkin/1";

pub use crate::journal::{Checkin, GlobalChange};

/// A check-in as given (`amble checkin --answers FILE`, the web form, the API): the keys of
/// an answers file (§1) that a check-in asks, plus the rating of change.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckinAnswers {
    #[serde(default)]
    pub schema: Option<String>,
    #[serde(default)]
    pub red_flags: RedFlags,
    #[serde(default)]
    pub change: Option<GlobalChange>,
    #[serde(default)]
    pub pain: Pain,
    #[serde(default)]
    pub instruments: InstrumentItems,
    #[serde(default)]
    pub activity_limited: Option<bool>,
}

impl CheckinAnswers {
    /// Parses and validates a check-in answers document; errors name the key.
    pub fn from_json(text: &str, kb: &KnowledgeBase) -> Result<CheckinAnswers, AnswersError> {
        let de = &mut serde_json::Deserializer::from_str(text);
        let c: CheckinAnswers = serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let position = (inner.line() > 0).then(|| (inner.line(), inner.column()));
            AnswersError {
                path: if path == "." { String::new() } else { path },
                message: inner
                    .to_string()
                    .split(" at line")
                    .next()
                    .unwrap_or("")
                    .to_string(),
                position,
            }
        })?;
        c.validate(kb)?;
        Ok(c)
    }

    /// Range checks, as for a check-up (pain 0-10, questionnaire item values).
    pub fn validate(&self, kb: &KnowledgeBase) -> Result<(), AnswersError> {
        if let Some(s) = &self.schema
            && s != crate::answers::ANSWERS_SCHEMA
        {
            return Err(AnswersError {
                path: "schema".into(),
                message: format!(
                    "expected \"{}\" or no schema, found \"{s}\"",
                    crate::answers::ANSWERS_SCHEMA
                ),
                position: None,
            });
        }
        if self.pain.walk_peak.is_some() || self.pain.usual_morning.is_some() {
            return Err(AnswersError {
                path: "pain".into(),
                message: "a check-in asks only pain.now".into(),
                position: None,
            });
        }
        Answers {
            red_flags: self.red_flags.clone(),
            pain: self.pain.clone(),
            instruments: self.instruments.clone(),
            ..Answers::default()
        }
        .validate(kb)
    }

    /// The entry to store (the id is given by the store).
    pub fn into_checkin(self, date: Date) -> Checkin {
        Checkin {
            id: String::new(),
            date,
            red_flags: self.red_flags,
            change: self.change,
            pain: self.pain.now.and_then(|p| u8::try_from(p).ok()),
            instruments: self.instruments,
            activity_limited: self.activity_limited,
        }
    }
}

/// The check-up's answers with the check-in's on top. A check-in asks every warning-sign
/// question again and is held to the check-up's rule (brief §2.4, §2.5): a question it leaves
/// unanswered ("not sure") is unanswered now, never the check-up's old "no". Only a "yes" from
/// the check-up stays when the check-in leaves the question open (unknown is never less
/// careful). Pain and questionnaires come from the check-in.
pub fn merged_answers(base: &Answers, c: &Checkin) -> Answers {
    let mut a = base.clone();
    let given = serde_json::to_value(&c.red_flags).unwrap_or_default();
    let before = serde_json::to_value(&base.red_flags).unwrap_or_default();
    let mut flags = serde_json::Map::new();
    if let Some(b) = before.as_object() {
        for (k, v) in b {
            if v.as_bool() == Some(true) {
                flags.insert(k.clone(), v.clone());
            }
        }
    }
    if let Some(g) = given.as_object() {
        for (k, v) in g {
            if !v.is_null() {
                flags.insert(k.clone(), v.clone());
            }
        }
    }
    if let Ok(rf) = serde_json::from_value(serde_json::Value::Object(flags)) {
        a.red_flags = rf;
    }
    if c.pain.is_some() {
        a.pain.now = c.pain.map(i64::from);
    }
    a.instruments = c.instruments.clone();
    a
}

/// What a check-in that left warning-sign questions unanswered says: a heading, the questions
/// in words, and how to find out (the check-up's rule, brief §2.4). `None` when all were
/// answered.
pub fn unanswered_words(
    triage: &crate::assessment::Triage,
    kb: &KnowledgeBase,
) -> Option<(String, Vec<String>, String)> {
    if triage.unanswered.is_empty() || triage.tier >= Tier::Urgent {
        return None;
    }
    let questions = triage
        .unanswered
        .iter()
        .map(|id| kb.question(id).map_or(id.clone(), |q| q.text.clone()))
        .collect();
    Some((
        kb.unanswered.headline.clone(),
        questions,
        "You answered \"not sure\" (or nothing) here, and Amble cannot rule these in or out. If you are not sure, ask someone who knows you well, or your doctor or pharmacist; if one of them might apply to you now, treat it as a yes: numbness around your genitals or back passage, or new trouble with your bladder or bowels, needs an emergency department now; for the others, contact your doctor today. Until each has a yes or no, your plan does not step up: answer them in your next check-in or a new check-up.".into(),
    ))
}

/// Warning signs that fire in a check-in and did not at the check-up the plan rests on: any of
/// them at "soon" or above suspends the plan, as new symptoms after a walk do.
pub fn new_warning_signs(base: &Assessment, now: &Assessment) -> Vec<FiredFlag> {
    now.triage
        .flags
        .iter()
        .filter(|f| f.tier >= Tier::Soon && !base.triage.flags.iter().any(|b| b.id == f.id))
        .cloned()
        .collect()
}

/// Which check-in is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckinKind {
    /// Warning signs, change, pain.
    Weekly,
    /// The same with the questionnaires, at a trial milestone.
    Full,
    /// In maintenance: the same as weekly, and whether back pain limited activity.
    Monthly,
}

/// The next check-in: when, which kind, and (for a full one) which milestone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Due {
    pub date: Date,
    pub kind: CheckinKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub milestone: Option<&'static str>,
}

/// The fuller check-ins, in days after the first check-up: 6 weeks, 3, 6 and 12 months.
pub const MILESTONES: [(i64, &str); 4] = [
    (42, "6 weeks"),
    (91, "3 months"),
    (182, "6 months"),
    (365, "12 months"),
];

/// A milestone check-in counts when one with questionnaires falls within this many days before
/// it, or this many after (so a week early or two late still counts).
const MILESTONE_EARLY: i64 = 7;
const MILESTONE_LATE: i64 = 14;

fn first_checkup(entries: &[Entry]) -> Option<Date> {
    entries
        .iter()
        .filter_map(|e| match e {
            Entry::Assessment(a) if !a.rescreen => Some(a.date),
            _ => None,
        })
        .min()
}

/// The next check-in as of `today`: a milestone not yet done (and not long past) when it comes
/// first, otherwise a week after the last check-in or check-up (four weeks in maintenance).
/// `None` before any check-up.
pub fn next_due(entries: &[Entry], today: Date, maintenance: bool) -> Option<Due> {
    let first = first_checkup(entries)?;
    let checkins: Vec<&Checkin> = entries
        .iter()
        .filter_map(|e| match e {
            Entry::Checkin(c) if c.date <= today => Some(c.as_ref()),
            _ => None,
        })
        .collect();
    let last = entries
        .iter()
        .filter(|e| e.date() <= today)
        .filter_map(|e| match e {
            Entry::Checkin(c) => Some(c.date),
            Entry::Assessment(a) if !a.rescreen => Some(a.date),
            _ => None,
        })
        .max()
        .unwrap_or(first);
    let every = if maintenance { 28 } else { 7 };
    let regular = Due {
        date: last.saturating_add(every.days()),
        kind: if maintenance {
            CheckinKind::Monthly
        } else {
            CheckinKind::Weekly
        },
        milestone: None,
    };
    let milestone = MILESTONES.iter().find_map(|(days, label)| {
        let at = first.saturating_add(days.days());
        let done = checkins.iter().any(|c| {
            !c.instruments.is_empty()
                && c.date >= at.saturating_sub(MILESTONE_EARLY.days())
                && c.date <= at.saturating_add(MILESTONE_LATE.days())
        });
        let stale = today > at.saturating_add(MILESTONE_LATE.days());
        (!done && !stale).then_some((at, *label))
    });
    Some(match milestone {
        Some((at, label)) if at <= regular.date.saturating_add(MILESTONE_EARLY.days()) => Due {
            date: at,
            kind: CheckinKind::Full,
            milestone: Some(label),
        },
        _ => regular,
    })
}

/// One measure's outcome in a check-in document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub baseline: f64,
    pub now: f64,
    pub change: f64,
    pub important: bool,
    /// Amble's extras: which way, and the change in words.
    pub direction: Direction,
    pub words: String,
    /// The change since the last score (a check-in or check-up after the first), read against
    /// the same smallest important change; absent when the last score is the first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since_last: Option<SinceLast>,
}

/// The change since the last score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SinceLast {
    pub date: Date,
    pub last: f64,
    pub change: f64,
    pub important: bool,
    pub direction: Direction,
    pub words: String,
}

/// For each measure given in this check-in that has an earlier score (a check-up or check-in
/// before it), the change from the first score to this one, and from the last one.
pub fn outcomes(
    entries: &[Entry],
    c: &Checkin,
    kb: &KnowledgeBase,
) -> std::collections::BTreeMap<String, Outcome> {
    let now = outcomes::scores_from(c.pain.map(i64::from), &c.instruments);
    let mut out = std::collections::BTreeMap::new();
    let round = |x: f64| (x * 100.0).round() / 100.0;
    for (id, value) in now {
        let Some(m) = kb.outcomes.measure(id) else {
            continue;
        };
        let mut earlier: Vec<(Date, usize, f64)> = entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.id() != c.id && e.date() <= c.date)
            .filter_map(|(i, e)| {
                let s = match e {
                    Entry::Assessment(a) if !a.rescreen => outcomes::scores(&a.answers),
                    Entry::Checkin(x) => {
                        outcomes::scores_from(x.pain.map(i64::from), &x.instruments)
                    }
                    _ => return None,
                };
                s.into_iter()
                    .find(|(k, _)| *k == id)
                    .map(|(_, v)| (e.date(), i, v))
            })
            .collect();
        earlier.sort_by_key(|(d, i, _)| (*d, *i));
        let (Some(&(_, _, b)), Some(&(last_date, _, last))) = (earlier.first(), earlier.last())
        else {
            continue;
        };
        let ch = outcomes::change(m, b, value);
        let since_last = (earlier.len() > 1).then(|| {
            let l = outcomes::change(m, last, value);
            SinceLast {
                date: last_date,
                last,
                change: round(value - last),
                important: l.important,
                direction: l.direction,
                words: l.words,
            }
        });
        out.insert(
            id.to_string(),
            Outcome {
                baseline: b,
                now: value,
                change: round(value - b),
                important: ch.important,
                direction: ch.direction,
                words: ch.words,
                since_last,
            },
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::StoredAssessment;
    use jiff::civil::date;

    fn checkup(d: Date) -> Entry {
        Entry::Assessment(Box::new(StoredAssessment {
            id: "a-1".into(),
            date: d,
            answers: Answers::default(),
            rescreen: false,
            keep_level: false,
        }))
    }

    fn checkin(id: &str, d: Date, with_items: bool) -> Entry {
        Entry::Checkin(Box::new(Checkin {
            id: id.into(),
            date: d,
            red_flags: RedFlags::default(),
            change: Some(GlobalChange::Better),
            pain: Some(3),
            instruments: if with_items {
                InstrumentItems {
                    rmdq: Some(vec![0; 24]),
                    ..Default::default()
                }
            } else {
                InstrumentItems::default()
            },
            activity_limited: None,
        }))
    }

    #[test]
    fn weekly_then_the_milestones() {
        let d0 = date(2026, 1, 5);
        let mut j = vec![checkup(d0)];
        let due = next_due(&j, d0, false).unwrap_or_else(|| panic!("due"));
        assert_eq!(
            (due.date, due.kind),
            (date(2026, 1, 12), CheckinKind::Weekly)
        );
        // Five weekly check-ins later, the 6-week one is a full one.
        for w in 1..=5 {
            j.push(checkin(
                &format!("c-{w}"),
                d0.saturating_add((7 * w).days()),
                false,
            ));
        }
        let today = d0.saturating_add(35.days());
        let due = next_due(&j, today, false).unwrap_or_else(|| panic!("due"));
        assert_eq!(
            (due.date, due.kind, due.milestone),
            (date(2026, 2, 16), CheckinKind::Full, Some("6 weeks"))
        );
        // Done with questionnaires: back to weekly until 3 months.
        j.push(checkin("c-6", date(2026, 2, 16), true));
        let due = next_due(&j, date(2026, 2, 16), false).unwrap_or_else(|| panic!("due"));
        assert_eq!(
            (due.date, due.kind),
            (date(2026, 2, 23), CheckinKind::Weekly)
        );
        // In maintenance, monthly.
        let due = next_due(&j, date(2026, 2, 16), true).unwrap_or_else(|| panic!("due"));
        assert_eq!(
            (due.date, due.kind),
            (date(2026, 3, 16), CheckinKind::Monthly)
        );
        // A milestone long past is not asked for any more.
        let j = vec![checkup(d0), checkin("c-1", date(2026, 3, 31), false)];
        let late = next_due(&j, date(2026, 3, 31), false).unwrap_or_else(|| panic!("due"));
        assert_eq!(
            (late.date, late.milestone),
            (date(2026, 4, 6), Some("3 months")),
            "the 6-week one is long past"
        );
        // An overdue weekly check-in stays due on its date.
        let overdue =
            next_due(&[checkup(d0)], date(2026, 1, 30), false).unwrap_or_else(|| panic!("due"));
        assert_eq!(overdue.date, date(2026, 1, 12));
    }

    #[test]
    fn a_checkin_answers_the_warning_signs_afresh() {
        let mut base = Answers::default();
        base.red_flags.cancer_history = Some(true);
        base.red_flags.fever_unwell = Some(false);
        let mut c = Checkin {
            id: "c-1".into(),
            date: date(2026, 1, 5),
            red_flags: RedFlags::default(),
            change: None,
            pain: Some(4),
            instruments: InstrumentItems::default(),
            activity_limited: None,
        };
        c.red_flags.fever_unwell = Some(true);
        base.red_flags.saddle_numbness = Some(false);
        let m = merged_answers(&base, &c);
        assert_eq!(m.red_flags.cancer_history, Some(true), "a yes stays");
        assert_eq!(m.red_flags.fever_unwell, Some(true));
        assert_eq!(
            m.red_flags.saddle_numbness, None,
            "the check-up's no is not carried over a \"not sure\""
        );
        assert_eq!(m.pain.now, Some(4));
    }
}
