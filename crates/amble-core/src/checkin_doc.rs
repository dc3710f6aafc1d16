//! A stored check-in read against the plan it belongs to (`amble.checkin/1`): the check-in's
//! own reading (`checkin`) with the plan's status after it.

use jiff::civil::Date;
use serde::Serialize;

use crate::checkin::{
    CHECKIN_SCHEMA, Checkin, Due, GlobalChange, Outcome, merged_answers, new_warning_signs,
    next_due, outcomes,
};
use crate::journal::Entry;
use crate::knowledge::KnowledgeBase;

/// `amble.checkin/1`: a stored check-in read against the plan it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckinDoc {
    pub schema: &'static str,
    pub id: String,
    pub date: Date,
    /// The warning signs with the check-in's answers on top of the check-up's (contract §2).
    pub triage: crate::assessment::Triage,
    /// The plan's status after this check-in: active, paused, blocked or maintenance.
    pub plan_status: crate::plan::Status,
    pub outcomes: std::collections::BTreeMap<String, Outcome>,
    /// Amble's extras: the rating of change, the warning signs that are new since the check-up
    /// (these suspend the plan), and the next check-in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<GlobalChange>,
    pub new_warning_signs: Vec<String>,
    pub next_checkin: Option<Due>,
    /// Amble's extra: what the plan does now when this check-in took it out of maintenance
    /// (back pain limited what you do, or pain clearly above the last or the first score): the
    /// reasons with their numbers, then what to do. Empty otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub plan_words: Vec<String>,
}

/// The document for check-in `c`, already in `entries`, as of `today`. `None` with no check-up.
pub fn document(
    entries: &[Entry],
    c: &Checkin,
    today: Date,
    kb: &KnowledgeBase,
) -> Option<CheckinDoc> {
    let r = crate::plan::replay(entries, today, kb).ok()?;
    let now = crate::assess(&merged_answers(&r.answers, c), kb);
    let new = new_warning_signs(&r.assessment, &now);
    let maintenance = r.plan.status == crate::plan::Status::Maintenance;
    // As at a check-up (contract §2): while warning-sign questions are unanswered the plan is
    // at least paused (it holds where it is and does not step up).
    let plan_status = match r.plan.status {
        crate::plan::Status::Active | crate::plan::Status::Maintenance
            if !now.triage.unanswered.is_empty() =>
        {
            crate::plan::Status::Paused
        }
        s => s,
    };
    Some(CheckinDoc {
        schema: CHECKIN_SCHEMA,
        id: c.id.clone(),
        date: c.date,
        triage: now.triage.clone(),
        plan_status,
        outcomes: outcomes(entries, c, kb),
        change: c.change,
        new_warning_signs: new.iter().map(|f| f.id.clone()).collect(),
        next_checkin: next_due(entries, today, maintenance),
        // What the plan does now is said only while there is a plan to walk: after a warning
        // sign (the plan suspended or blocked) or with signs unanswered (paused), the check-in
        // leads with what to do, and no walking advice stands beside it.
        plan_words: if matches!(
            plan_status,
            crate::plan::Status::Active | crate::plan::Status::Maintenance
        ) && now.triage.tier < crate::tier::Tier::Soon
        {
            crate::plan::checkin_leaves_maintenance(entries, c, kb)
        } else {
            Vec::new()
        },
    })
}
