//! The journal: pages of entries, edit and delete.

use super::*;
use amble_store::Revision;

#[derive(Template)]
#[template(path = "journal.html")]
pub(crate) struct JournalPage {
    title: String,
    nav: &'static str,
    qs: String,
    /// (id, date, kind, summary, editable, has gait)
    rows: Vec<(String, String, &'static str, String, bool, bool)>,
    saved: Option<String>,
    page: usize,
    pages: usize,
    total: usize,
    newer: Option<String>,
    older: Option<String>,
}

#[derive(Template)]
#[template(path = "delete.html")]
pub(crate) struct DeletePage {
    title: String,
    nav: &'static str,
    qs: String,
    date: String,
    summary: String,
    action: String,
    /// The revision of the entry as shown (sent back, so an entry changed since is not
    /// deleted).
    revision: String,
    /// Why the delete was not done (the entry changed since the page was opened).
    error: Option<String>,
}

// Journal: list, edit, delete

pub async fn journal(
    state: crate::authz::Scoped,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let all = entries(&state).await?;
    let total = all.len();
    let pages = total.div_ceil(JOURNAL_PAGE).max(1);
    let page = q.page()?;
    if page > pages {
        return Err(PageError {
            status: StatusCode::NOT_FOUND,
            message: format!(
                "page: the journal has {}, so there is no page {page}.",
                amble_core::words::count(pages as u64, "page", "pages")
            ),
        });
    }
    let link = |n: usize| with_qs("/journal", &q.qs(), &format!("page={n}"));
    let rows = all
        .iter()
        .rev()
        .skip((page - 1) * JOURNAL_PAGE)
        .take(JOURNAL_PAGE)
        .map(|e| {
            (
                e.id().to_string(),
                e.date().to_string(),
                e.kind(),
                e.summary_in(state.kb()),
                !matches!(e, Entry::Assessment(_) | Entry::DailyMetrics(_)),
                matches!(e, Entry::Walk(w) if w.gait.is_some()),
            )
        })
        .collect();
    Ok(render(&JournalPage {
        title: "Journal".into(),
        nav: "journal",
        qs: q.qs(),
        rows,
        saved: q.saved.clone(),
        page,
        pages,
        total,
        newer: (page > 1).then(|| link(page - 1)),
        older: (page < pages).then(|| link(page + 1)),
    }))
}

pub(crate) async fn get_entry(state: &crate::authz::Scoped, id: &str) -> Result<Entry, PageError> {
    let key = id.to_string();
    state
        .with_store(false, move |s| s.map_or(Ok(None), |s| s.get(&key)))
        .await?
        .ok_or_else(|| PageError {
            status: StatusCode::NOT_FOUND,
            message: format!("There is no journal entry \"{id}\"."),
        })
}

pub(crate) fn fields_of(e: &Entry) -> Fields {
    let mut f = Fields::default();
    let mut put = |k: &str, v: Option<String>| {
        if let Some(v) = v {
            f.0.push((k.into(), v));
        }
    };
    match e {
        Entry::Walk(w) => {
            put("date", Some(w.date.to_string()));
            put("minutes", Some(w.minutes.to_string()));
            put("bouts", Some(w.bouts.to_string()));
            put("pain_before", w.pain_before.map(|p| p.to_string()));
            put("pain_peak", w.pain_peak.map(|p| p.to_string()));
            put(
                "leg_spread",
                w.leg_spread.map(|s| match s {
                    LegSpread::None => "none".to_string(),
                    LegSpread::Usual => "usual".to_string(),
                    LegSpread::Further => "further".to_string(),
                }),
            );
            put("new_symptoms", w.new_symptoms.then(|| "on".to_string()));
            put("distance_km", w.distance_km.map(|d| d.to_string()));
            put("surface", w.surface.clone());
            put("shoes", w.shoes.clone());
            put("notes", w.notes.clone());
        }
        Entry::Morning(m) => {
            put("date", Some(m.date.to_string()));
            put("pain", Some(m.pain.to_string()));
        }
        Entry::Exercise(x) => {
            put("date", Some(x.date.to_string()));
            put("exercise", Some(x.exercise.clone()));
            put("sets", x.sets.map(|s| s.to_string()));
            put("pain_after", x.pain_after.map(|p| p.to_string()));
        }
        Entry::Assessment(_) | Entry::DailyMetrics(_) | Entry::Checkin(_) => {}
    }
    f
}

pub(crate) fn edit_page(
    state: &AppState,
    e: &Entry,
    fields: &Fields,
    qs: &str,
    day: Date,
    errors: FormErrors,
) -> Response {
    let action = with_qs(&format!("/journal/{}/edit", e.id()), qs, "");
    let what = match e {
        Entry::Walk(_) => "walk",
        Entry::Morning(_) => "morning",
        Entry::Exercise(_) => "exercise session",
        _ => "entry",
    };
    let heading = format!("Correct the {what} of {}", e.date());
    let revision = Revision::of(e).to_string();
    match e {
        Entry::Walk(_) => {
            let mut page = walk_page(qs, action, &heading, day, fields, String::new(), errors);
            page.revision = revision;
            render(&page)
        }
        Entry::Morning(_) => {
            let mut page = morning_page(qs, action, &heading, day, fields, errors);
            page.revision = revision;
            render(&page)
        }
        Entry::Exercise(_) => {
            let mut page = exercise_page(state.kb(), qs, action, &heading, day, fields, errors);
            page.revision = revision;
            render(&page)
        }
        Entry::Assessment(_) | Entry::DailyMetrics(_) | Entry::Checkin(_) => PageError {
            status: StatusCode::BAD_REQUEST,
            message: format!(
                "{} can't be edited; delete it and add it again instead.",
                e.summary_in(state.kb())
            ),
        }
        .into_response(),
    }
}

pub async fn edit_form(
    state: crate::authz::Scoped,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let day = q.date(&state)?;
    let e = get_entry(&state, &id).await?;
    Ok(edit_page(
        &state,
        &e,
        &fields_of(&e),
        &q.qs(),
        day,
        FormErrors::default(),
    ))
}

pub async fn edit_submit(
    state: crate::authz::Scoped,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
    body: Bytes,
) -> Result<Response, PageError> {
    let day = q.date(&state)?;
    let old = get_entry(&state, &id).await?;
    let fields = form(&body)?;
    let all = match &old {
        Entry::Morning(_) => Some(super::entries(&state).await?),
        _ => None,
    };
    let updated: Result<Entry, FormErrors> = match &old {
        // Only what the form shows changes; imported details (and any field added later) stay.
        Entry::Walk(w) => parse_new_walk(&fields).and_then(|n| {
            journal::WalkCorrection::from_form(n)
                .apply(w, day)
                .map(Entry::Walk)
                .map_err(|e| {
                    FieldError {
                        field: e.field,
                        message: e.message,
                    }
                    .into()
                })
        }),
        Entry::Morning(m) => parse_morning(&fields, day)
            .map_err(FormErrors::from)
            .and_then(|(date, pain)| {
                let c = amble_core::correction::MorningCorrection {
                    date: Some(date),
                    pain: Some(i64::from(pain)),
                };
                c.apply_in(m, all.as_deref().map_or(&[], |a| a.as_slice()), day)
                    .map(Entry::Morning)
                    .map_err(|e| {
                        FieldError {
                            field: e.field,
                            message: e.message,
                        }
                        .into()
                    })
            }),
        Entry::Exercise(x) => parse_exercise(state.kb(), &fields, day).and_then(|n| {
            let c = amble_core::correction::ExerciseCorrection {
                date: Some(n.date),
                exercise: Some(n.exercise),
                sets: Some(n.sets),
                pain_after: Some(n.pain_after.map(i64::from)),
            };
            c.apply(x, day, |id| state.kb().exercise(id).is_some())
                .map(Entry::Exercise)
                .map_err(|e| {
                    FieldError {
                        field: e.field,
                        message: e.message,
                    }
                    .into()
                })
        }),
        Entry::Assessment(_) | Entry::DailyMetrics(_) | Entry::Checkin(_) => Err(FieldError {
            field: "id".into(),
            message: format!(
                "{} can't be edited (delete it and add it again)",
                old.summary_in(state.kb())
            ),
        }
        .into()),
    };
    // The version the form was filled from. A form without one (or with a garbled one) cannot
    // say it was made from the entry as it is now, so it is not saved: the entry's current
    // values are shown to change again (docs/core-rules.md).
    let read_at = fields.get("revision").and_then(Revision::parse);
    match updated {
        Ok(_) if read_at.is_none() => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            edit_page(
                &state,
                &old,
                &fields_of(&old),
                &q.qs(),
                day,
                version_not_said(),
            ),
        )
            .into_response()),
        Ok(entry) => {
            let read_at = read_at.unwrap_or_else(|| Revision::of(&old));
            let saved = state
                .with_store(true, move |s| {
                    s.map_or(Err(StoreError::Database("no store".into())), |s| {
                        s.replace_at(entry, &read_at)
                    })
                })
                .await;
            match saved {
                Ok(()) => Ok(
                    Redirect::to(&with_qs("/journal", &q.qs(), &format!("saved={id}")))
                        .into_response(),
                ),
                Err(StoreError::Conflict { .. }) => {
                    // Someone saved this entry after the form was opened: show the newer
                    // values, to change again, instead of overwriting them.
                    let newer = get_entry(&state, &id).await?;
                    Ok((
                        StatusCode::CONFLICT,
                        edit_page(
                            &state,
                            &newer,
                            &fields_of(&newer),
                            &q.qs(),
                            day,
                            changed_since_opened(),
                        ),
                    )
                        .into_response())
                }
                Err(e) => Err(e.into()),
            }
        }
        Err(e) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            edit_page(&state, &old, &fields, &q.qs(), day, e),
        )
            .into_response()),
    }
}

/// What a form says when its entry was saved elsewhere after it was opened.
pub(crate) fn changed_since_opened() -> FormErrors {
    FieldError {
        field: "revision".into(),
        message: "This entry changed since you opened it (on another page or device). These are its newer values: make your change again and save.".into(),
    }
    .into()
}

/// What a form says when it does not carry the revision of the entry it was made from.
pub(crate) fn version_not_said() -> FormErrors {
    FieldError {
        field: "revision".into(),
        message: "This form did not say which version of the entry it was made from, so nothing was saved (it might overwrite a newer change). These are the entry's current values: make your change again and save.".into(),
    }
    .into()
}

fn delete_page(state: &AppState, e: &Entry, qs: &str, error: Option<String>) -> DeletePage {
    let id = e.id();
    DeletePage {
        title: "Delete this entry?".into(),
        nav: "journal",
        qs: qs.to_string(),
        date: e.date().to_string(),
        summary: e.summary_in(state.kb()),
        action: with_qs(&format!("/journal/{id}/delete"), qs, ""),
        revision: Revision::of(e).to_string(),
        error,
    }
}

pub async fn delete_form(
    state: crate::authz::Scoped,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let e = get_entry(&state, &id).await?;
    Ok(render(&delete_page(&state, &e, &q.qs(), None)))
}

pub async fn delete_submit(
    state: crate::authz::Scoped,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
    body: Bytes,
) -> Result<Response, PageError> {
    let fields = form(&body)?;
    if fields.get("confirm") != Some("yes") {
        return Ok(Redirect::to(&with_qs("/journal", &q.qs(), "")).into_response());
    }
    // Deleted only as it was shown: an entry changed since the page was opened (or a form
    // that does not say which version it showed) is shown again as it is now.
    let Some(read_at) = fields.get("revision").and_then(Revision::parse) else {
        let e = get_entry(&state, &id).await?;
        let why = "This form did not say which version of the entry it showed, so nothing was deleted. This is the entry as it is now: delete it again if you mean to.";
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&delete_page(&state, &e, &q.qs(), Some(why.into()))),
        )
            .into_response());
    };
    let key = id.clone();
    let deleted = state
        .with_store(true, move |s| {
            s.map_or(Err(StoreError::NotFound(key.clone())), |s| {
                s.delete_at(&key, &read_at)
            })
        })
        .await;
    match deleted {
        Ok(_) => Ok(Redirect::to(&with_qs("/journal", &q.qs(), "")).into_response()),
        Err(StoreError::Conflict { .. }) => {
            let e = get_entry(&state, &id).await?;
            let why = "This entry changed since you opened it (on another page or device), so it was not deleted. This is the entry as it is now: delete it again if you still mean to.";
            Ok((
                StatusCode::CONFLICT,
                render(&delete_page(&state, &e, &q.qs(), Some(why.into()))),
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}
