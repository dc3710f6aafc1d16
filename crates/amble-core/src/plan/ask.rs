//! Questions put to the replay about an entry: what a new check-up would keep, and whether a
//! check-in took the plan out of maintenance. They replay the journal with the entry added or
//! left out, so they sit above the replay (the replay imports nothing from here).

use crate::answers::Answers;
use crate::checkin::Checkin;
use crate::journal::{Entry, StoredAssessment};
use crate::knowledge::KnowledgeBase;

use super::maintenance::{FLARE_ADVICE, LEAVES_FOR_FLARE, checkin_alarm};
use super::replay::replay;
use super::types::{KeptLevel, Status};

/// Whether a full check-up with `answers`, stored on `date` after `entries`, may keep the level
/// the plan has reached: what to offer as "keep my level" (`None`: no plan to keep, or the
/// plan starts again by the rules, e.g. a new warning sign).
pub fn keep_offer(
    entries: &[Entry],
    answers: &Answers,
    date: jiff::civil::Date,
    kb: &KnowledgeBase,
) -> Option<KeptLevel> {
    let mut with: Vec<Entry> = entries
        .iter()
        .filter(|e| e.date() <= date)
        .cloned()
        .collect();
    with.push(Entry::Assessment(Box::new(StoredAssessment {
        id: "a-offer".into(),
        date,
        answers: answers.clone(),
        rescreen: false,
        keep_level: true,
    })));
    replay(&with, date, kb).ok()?.kept
}

/// What the plan says after check-in `c` when it took the plan out of maintenance (the check-in
/// document shows it): empty when the plan was not in maintenance on the check-in's date or the
/// check-in raised nothing.
pub fn checkin_leaves_maintenance(
    entries: &[Entry],
    c: &Checkin,
    kb: &KnowledgeBase,
) -> Vec<String> {
    let alarm = checkin_alarm(entries, c, kb);
    if alarm.is_empty() {
        return alarm;
    }
    let before: Vec<Entry> = entries.iter().filter(|e| e.id() != c.id).cloned().collect();
    let was = replay(&before, c.date, kb).is_ok_and(|r| r.plan.status == Status::Maintenance);
    if !was {
        return Vec::new();
    }
    let mut out = alarm;
    out.push(LEAVES_FOR_FLARE.into());
    out.push(FLARE_ADVICE.into());
    out
}
