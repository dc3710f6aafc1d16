//! `/checkin`: the warning signs again, how the back has been, pain now (and in maintenance,
//! whether back pain limited activity); stored as a check-in and read against the first scores.
//! The questionnaires of the milestone check-ins come with `amble checkin --answers` (their
//! wording is licensed and stays out of Amble).

use super::checkup::{CheckupPage, error_links};
use super::question_view::QView;
use super::*;
use amble_core::checkin::{self, CheckinAnswers, CheckinKind, GlobalChange};
use amble_core::checkin_doc::{self, CheckinDoc};
use amble_core::pain::Pain;

use crate::forms::FieldError;

const CHANGE_OPTIONS: [(&str, &str); 5] = [
    ("much_better", "Much better"),
    ("better", "Better"),
    ("same", "About the same"),
    ("worse", "Worse"),
    ("much_worse", "Much worse"),
];

fn checkin_page(
    kb: &KnowledgeBase,
    base: &Answers,
    maintenance: bool,
    earlier: &[String],
    fields: &Fields,
    qs: &str,
    errors: &[FieldError],
) -> CheckupPage {
    let facts = base.facts();
    let mut back = vec![
        QView::custom(
            "change",
            "choice",
            "Since your last check-in, your back is:",
            &CHANGE_OPTIONS,
            ("", ""),
            fields,
            errors,
        ),
        QView::custom(
            "pain.now",
            "integer",
            "Back pain right now, from 0 (none) to 10 (worst imaginable)",
            &[],
            ("0", "10"),
            fields,
            errors,
        ),
    ];
    if maintenance {
        back.push(QView::custom(
            "activity_limited",
            "bool",
            "Since your last check-in, has back pain limited what you do?",
            &[],
            ("", ""),
            fields,
            errors,
        ));
    }
    CheckupPage {
        title: "Check-in".into(),
        nav: "today",
        qs: qs.into(),
        step: 1,
        place: 1,
        of: 1,
        last: true,
        intro: "A few questions: the warning signs first, then how your back has been. Choose \"not sure\" if you don't know.".into(),
        groups: vec![
            (
                "Warning signs".into(),
                kb.red_flag_questions_for(&facts)
                    .map(|q| QView::new(q, fields, errors))
                    .collect(),
            ),
            ("How your back has been".into(), back),
            super::outcome_fields::group(kb, earlier, fields, errors),
        ],
        // A one-time reference: the check-in sent twice is stored once.
        hidden: super::checkup::once_field(fields).into_iter().collect(),
        errors: error_links(errors),
        action: with_qs("/checkin", qs, ""),
    }
}

pub async fn checkin_form(
    state: crate::authz::Scoped,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let day = q.date(&state)?;
    let Some((r, all)) = replay(&state, day).await? else {
        return Ok(Redirect::to(&with_qs("/checkup", &q.qs(), "")).into_response());
    };
    Ok(render(&checkin_page(
        state.kb(),
        &r.answers,
        r.plan.status == plan::Status::Maintenance,
        &amble_core::outcomes::last_psfs_activities(&all, day),
        &Fields::default(),
        &q.qs(),
        &[],
    )))
}

/// The check-in's answers from the form, or every problem at once.
fn parse(
    kb: &KnowledgeBase,
    base: &Answers,
    fields: &Fields,
) -> Result<CheckinAnswers, Vec<FieldError>> {
    let mut errors = Vec::new();
    let flags = crate::forms::answers(kb, kb.red_flag_questions_for(&base.facts()), fields)
        .map_err(|e| errors.extend(e))
        .ok();
    let change = match fields.get("change") {
        None | Some("unsure") => None,
        Some(c) => GlobalChange::parse(c).or_else(|| {
            errors.push(FieldError {
                field: "change".into(),
                message: format!("choose one of the five answers, not \"{c}\""),
            });
            None
        }),
    };
    let pain = match fields.get("pain.now").map(|t| Pain::parse("pain.now", t)) {
        None => None,
        Some(Ok(p)) => Some(i64::from(p)),
        Some(Err(e)) => {
            errors.push(FieldError {
                field: "pain.now".into(),
                message: e.message(),
            });
            None
        }
    };
    let activity_limited = match fields.get("activity_limited") {
        Some("yes") => Some(true),
        Some("no") => Some(false),
        _ => None,
    };
    let instruments = super::outcome_fields::parse(fields)
        .map_err(|e| errors.extend(e))
        .ok();
    match (flags, instruments, errors.is_empty()) {
        (Some(a), Some(instruments), true) => Ok(CheckinAnswers {
            red_flags: a.red_flags,
            change,
            pain: amble_core::answers::Pain {
                now: pain,
                ..Default::default()
            },
            instruments,
            activity_limited,
            ..Default::default()
        }),
        _ => Err(errors),
    }
}

pub async fn checkin_submit(
    state: crate::authz::Scoped,
    Query(q): Query<PageQuery>,
    body: Bytes,
) -> Result<Response, PageError> {
    let day = q.date(&state)?;
    let fields = form(&body)?;
    let Some((r, all)) = replay(&state, day).await? else {
        return Ok(Redirect::to(&with_qs("/checkup", &q.qs(), "")).into_response());
    };
    let maintenance = r.plan.status == plan::Status::Maintenance;
    match parse(state.kb(), &r.answers, &fields) {
        Err(errors) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&checkin_page(
                state.kb(),
                &r.answers,
                maintenance,
                &amble_core::outcomes::last_psfs_activities(&all, day),
                &fields,
                &q.qs(),
                &errors,
            )),
        )
            .into_response()),
        Ok(given) => {
            let once = super::checkup::sent_once(&fields)?;
            let (stored, _) = state
                .add_entry_once(Entry::Checkin(Box::new(given.into_checkin(day))), once)
                .await?;
            Ok(
                Redirect::to(&with_qs(&format!("/checkin/{}", stored.id()), &q.qs(), ""))
                    .into_response(),
            )
        }
    }
}

#[derive(Template)]
#[template(path = "checkin_result.html")]
pub(crate) struct CheckinResultPage {
    title: String,
    nav: &'static str,
    qs: String,
    doc: CheckinDoc,
    /// What to do first, when a warning sign is new: (headline, action, flag titles).
    care: Option<(String, String, Vec<String>)>,
    /// Warning-sign questions left "not sure": (heading, questions, how to find out).
    unanswered: Option<(String, Vec<String>, String)>,
    change: Option<&'static str>,
    next: Option<String>,
}

/// `/checkin/{id}`: what a stored check-in says.
pub async fn checkin_result(
    state: crate::authz::Scoped,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let day = q.date(&state)?;
    let all = entries(&state).await?;
    let Some(Entry::Checkin(c)) = all.iter().find(|e| e.id() == id) else {
        return Err(PageError {
            status: StatusCode::NOT_FOUND,
            message: format!("no check-in {id}"),
        });
    };
    let kb = state.kb();
    let Some(doc) = checkin_doc::document(&all, c, day, kb) else {
        return Err(PageError {
            status: StatusCode::NOT_FOUND,
            message: "no check-up is stored yet".into(),
        });
    };
    let care = (!doc.new_warning_signs.is_empty())
        .then(|| kb.tier_text(doc.triage.tier))
        .flatten()
        .map(|t| {
            (
                t.headline.clone(),
                with_tel_links(&t.action),
                doc.new_warning_signs
                    .iter()
                    .filter_map(|f| kb.flag(f).map(|f| f.title.clone()))
                    .collect(),
            )
        });
    let next = doc
        .next_checkin
        .as_ref()
        .filter(|_| care.is_none())
        .map(|n| match (n.kind, n.milestone) {
            (CheckinKind::Full, Some(m)) => format!("Next: the {m} check-in, on {}.", n.date),
            (CheckinKind::Monthly, _) => format!("Next: your monthly check-in, on {}.", n.date),
            _ => format!("Next check-in: {}.", n.date),
        });
    let unanswered = care
        .is_none()
        .then(|| checkin::unanswered_words(&doc.triage, kb))
        .flatten();
    Ok(render(&CheckinResultPage {
        title: "Your check-in".into(),
        nav: "today",
        qs: q.qs(),
        change: c.change.map(GlobalChange::words),
        care,
        unanswered,
        next,
        doc,
    }))
}
