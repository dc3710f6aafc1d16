//! Logging walks, mornings and exercises.

use super::*;
use amble_core::pain::Pain;
use amble_core::revision::Revision;

#[derive(Template)]
#[template(path = "log_walk.html")]
pub(crate) struct LogWalkPage {
    title: String,
    /// A new log (sent with fetch and queued offline), not an edit.
    queue: bool,
    /// The sender's reference for the log (filled in by the page's script).
    client_ref: String,
    nav: &'static str,
    qs: String,
    action: String,
    heading: String,
    date: String,
    today: String,
    minutes: String,
    bouts: String,
    pain_before: String,
    pain_peak: String,
    leg_spread: String,
    new_symptoms: bool,
    distance_km: String,
    surface: String,
    shoes: String,
    start: String,
    notes: String,
    hint: String,
    errors: FormErrors,
    /// On a correction: the revision of the entry the form was filled from (sent back, so a
    /// save over a newer version is refused).
    pub(crate) revision: String,
}

#[derive(Template)]
#[template(path = "log_morning.html")]
pub(crate) struct LogMorningPage {
    title: String,
    /// A new log (sent with fetch and queued offline), not an edit.
    queue: bool,
    /// The sender's reference for the log (filled in by the page's script).
    client_ref: String,
    nav: &'static str,
    qs: String,
    action: String,
    heading: String,
    date: String,
    today: String,
    pain: String,
    errors: FormErrors,
    /// On a correction: the revision of the entry the form was filled from (sent back, so a
    /// save over a newer version is refused).
    pub(crate) revision: String,
    /// On a new log: the mornings this page saw (`{"date": "revision"}` for the last
    /// [`SEEN_DAYS`] days, from `kept_from` on), which the offline queue sends back as `seen`.
    kept: String,
    kept_from: String,
    /// A score sent from the offline queue that met a score saved after it was made.
    conflict: Option<MorningConflict>,
}

/// A queued morning score that would have replaced one it never saw: both values and the
/// choice between them (docs/web.md, "The offline queue").
pub(crate) struct MorningConflict {
    date: String,
    kept_pain: u8,
    new_pain: u8,
    /// The revision of the score kept now: replacing it from this page replaces that version.
    revision: String,
    client_ref: String,
    keep_url: String,
}

#[derive(Template)]
#[template(path = "log_exercise.html")]
pub(crate) struct LogExercisePage {
    title: String,
    /// A new log (sent with fetch and queued offline), not an edit.
    queue: bool,
    /// The sender's reference for the log (filled in by the page's script).
    client_ref: String,
    nav: &'static str,
    qs: String,
    action: String,
    heading: String,
    date: String,
    today: String,
    exercise: String,
    sets: String,
    pain_after: String,
    choices: Vec<(String, String)>,
    errors: FormErrors,
    /// On a correction: the revision of the entry the form was filled from (sent back, so a
    /// save over a newer version is refused).
    pub(crate) revision: String,
}

// Logging

pub(crate) fn walk_page(
    qs: &str,
    action: String,
    heading: &str,
    today: Date,
    fields: &Fields,
    hint: String,
    errors: FormErrors,
) -> LogWalkPage {
    let g = |k: &str| fields.get(k).unwrap_or("").to_string();
    LogWalkPage {
        title: heading.into(),
        queue: action.starts_with("/log/"),
        client_ref: fields.get("client_ref").unwrap_or("").to_string(),
        nav: "log",
        qs: qs.to_string(),
        action,
        heading: heading.into(),
        date: fields.get("date").map_or(today.to_string(), str::to_string),
        today: today.to_string(),
        minutes: g("minutes"),
        bouts: fields.get("bouts").unwrap_or("1").to_string(),
        pain_before: g("pain_before"),
        pain_peak: g("pain_peak"),
        leg_spread: fields.get("leg_spread").unwrap_or("none").to_string(),
        new_symptoms: fields.get("new_symptoms").is_some(),
        distance_km: g("distance_km"),
        surface: g("surface"),
        shoes: g("shoes"),
        start: g("start"),
        notes: g("notes"),
        hint,
        errors,
        revision: String::new(),
    }
}

pub async fn log_walk_form(
    state: crate::authz::Scoped,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let day = q.date(&state)?;
    let mut fields = Fields::default();
    let mut hint = String::new();
    if let Some((r, _)) = replay(&state, day).await?
        && let Some(w) = &r.plan.walking
    {
        // Defaults from the plan: a few taps for a walk as planned.
        fields.0.push((
            "minutes".into(),
            (w.bout_minutes * w.bouts_per_session).to_string(),
        ));
        fields
            .0
            .push(("bouts".into(), w.bouts_per_session.to_string()));
        hint = format!(
            "Planned: {}.",
            report::walking_line(&r.plan).unwrap_or_default()
        );
    }
    Ok(render(&walk_page(
        &q.qs(),
        with_qs("/log/walk", &q.qs(), ""),
        "Log a walk",
        day,
        &fields,
        hint,
        FormErrors::default(),
    )))
}

/// A walk from the form, or every error in it at once (the form's own checks, then the
/// journal's, so a bad number is flagged even when another field is missing).
pub(crate) fn parse_new_walk(fields: &Fields) -> Result<NewWalk, FormErrors> {
    let mut errors = FormErrors::default();
    let mut keep = |r: Result<Option<f64>, FieldError>| {
        r.unwrap_or_else(|e| {
            errors.push(e);
            None
        })
    };
    let minutes = keep(fields.parsed::<f64>("minutes", "a number of minutes"));
    let distance_km = keep(fields.parsed::<f64>("distance_km", "a distance in km"));
    let mut whole = |k: &str| {
        fields
            .parsed::<i64>(k, "a whole number")
            .unwrap_or_else(|e| {
                errors.push(e);
                None
            })
    };
    let bouts = whole("bouts");
    let mut pain = |k: &str| match fields.get(k).map(|t| Pain::parse(k, t)) {
        None => None,
        Some(Ok(p)) => Some(i64::from(p)),
        Some(Err(e)) => {
            errors.push(FieldError {
                field: k.into(),
                message: e.message(),
            });
            None
        }
    };
    let pain_before = pain("pain_before");
    let pain_peak = pain("pain_peak");
    let date = form_date(fields).unwrap_or_else(|e| {
        errors.push(e);
        None
    });
    let leg_spread = match fields.get("leg_spread") {
        None | Some("none") => Some(LegSpread::None),
        Some("usual") => Some(LegSpread::Usual),
        Some("further") => Some(LegSpread::Further),
        Some(other) => {
            errors.push(FieldError {
                field: "leg_spread".into(),
                message: format!("\"{other}\" is not one of the choices"),
            });
            None
        }
    };
    if fields.get("minutes").is_none() {
        errors.push(FieldError {
            field: "minutes".into(),
            message: "how many minutes did you walk?".into(),
        });
    }
    if fields.get("pain_before").is_none() {
        errors.push(FieldError {
            field: "pain_before".into(),
            message: "choose your pain before the walk (0-10)".into(),
        });
    }
    if fields.get("pain_peak").is_none() {
        errors.push(FieldError {
            field: "pain_peak".into(),
            message: "choose the worst pain during the walk (0-10)".into(),
        });
    }
    let walk = NewWalk {
        date,
        minutes: minutes.unwrap_or(f64::NAN),
        pain_before,
        pain_peak,
        bouts: bouts.map(|b| b.clamp(0, 1000) as u32),
        leg_spread,
        new_symptoms: fields.get("new_symptoms").is_some(),
        distance_km,
        surface: fields.get("surface").map(str::to_string),
        shoes: fields.get("shoes").map(str::to_string),
        start: fields.get("start").map(str::to_string),
        notes: fields.get("notes").map(str::to_string),
    };
    if errors.is_empty() {
        return Ok(walk);
    }
    // The journal's own checks on the fields that were readable, so every problem shows.
    let readable = NewWalk {
        minutes: minutes.unwrap_or(1.0),
        date: Some(walk.date.unwrap_or(journal::LATEST_DATE)),
        ..walk
    };
    if let Err(more) = readable.into_walk_checked(journal::LATEST_DATE) {
        for e in more {
            errors.push(field_error(e));
        }
    }
    Err(errors)
}

pub async fn log_walk(
    state: crate::authz::Scoped,
    Query(q): Query<PageQuery>,
    body: Bytes,
) -> Result<Response, PageError> {
    let day = q.date(&state)?;
    let fields = form(&body)?;
    let client_ref = form_client_ref(&fields);
    let walk = parse_new_walk(&fields)
        .and_then(|n| {
            n.into_walk_checked(day)
                .map_err(|v| FormErrors(v.into_iter().map(field_error).collect()))
        })
        .and_then(|w| client_ref.clone().map(|_| w).map_err(FormErrors::from));
    let walk = match walk {
        Ok(w) => w,
        Err(e) => {
            let page = walk_page(
                &q.qs(),
                with_qs("/log/walk", &q.qs(), ""),
                "Log a walk",
                day,
                &fields,
                String::new(),
                e,
            );
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response());
        }
    };
    // A repeat of a log already stored answers as the first send did.
    let (stored, _) = state
        .add_entry_once(Entry::Walk(walk), client_ref.ok().flatten())
        .await?;
    let new_symptoms = matches!(&stored, Entry::Walk(w) if w.new_symptoms);
    if new_symptoms {
        return Ok(
            Redirect::to(&with_qs("/screen", &q.qs(), "after=new-symptoms")).into_response(),
        );
    }
    Ok(Redirect::to(&with_qs(
        "/today",
        &q.qs(),
        &format!("saved={}", stored.id()),
    ))
    .into_response())
}

pub(crate) fn morning_page(
    qs: &str,
    action: String,
    heading: &str,
    today: Date,
    fields: &Fields,
    errors: FormErrors,
) -> LogMorningPage {
    LogMorningPage {
        title: heading.into(),
        queue: action.starts_with("/log/"),
        client_ref: fields.get("client_ref").unwrap_or("").to_string(),
        nav: "log",
        qs: qs.to_string(),
        action,
        heading: heading.into(),
        date: fields.get("date").map_or(today.to_string(), str::to_string),
        today: today.to_string(),
        pain: fields.get("pain").unwrap_or("").to_string(),
        errors,
        revision: String::new(),
        kept: String::new(),
        kept_from: String::new(),
        conflict: None,
    }
}

/// How far back the morning form lists the scores it saw (a score queued for an older date
/// says `seen=unknown` and never replaces one).
const SEEN_DAYS: i64 = 92;

/// The mornings kept for the last [`SEEN_DAYS`] days up to `today`, each date with the revision
/// of its kept score (the latest stored, as [`journal::morning_slot`] picks), as JSON; and the
/// first day listed.
fn seen_mornings(all: &[Entry], today: Date) -> (String, String) {
    use jiff::ToSpan;
    let from = today.saturating_sub(SEEN_DAYS.days());
    let kept: std::collections::BTreeMap<String, String> = all
        .iter()
        .filter(|e| matches!(e, Entry::Morning(m) if m.date >= from && m.date <= today))
        .map(|e| (e.date().to_string(), Revision::of(e).to_string()))
        .collect();
    (
        serde_json::to_string(&kept).unwrap_or_default(),
        from.to_string(),
    )
}

/// What a queued morning score says it saw for its date (`seen`, added by the offline queue
/// when it keeps a log): the revision of the score kept then, `none` (no score was kept), or
/// `unknown` (a date the page did not list). A form without it is a score sent at once.
enum Seen {
    Kept(Revision),
    Nothing,
    Unknown,
}

fn form_seen(fields: &Fields) -> Result<Option<Seen>, FieldError> {
    fields
        .get("seen")
        .map(|t| match t {
            "none" => Ok(Seen::Nothing),
            "unknown" => Ok(Seen::Unknown),
            _ => Revision::parse(t).map(Seen::Kept).ok_or(FieldError {
                field: "seen".into(),
                message: "expected none, unknown or the 16 hexadecimal digits of a revision".into(),
            }),
        })
        .transpose()
}

/// Where a morning score went: saved (its id, and the score it replaced), or not, because it
/// would have replaced a score it never saw.
enum MorningOutcome {
    Saved(String, Option<u8>),
    Conflict(Morning),
}

pub async fn log_morning_form(
    state: crate::authz::Scoped,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let day = q.date(&state)?;
    let mut page = morning_page(
        &q.qs(),
        with_qs("/log/morning", &q.qs(), ""),
        "Back pain this morning",
        day,
        &Fields::default(),
        FormErrors::default(),
    );
    (page.kept, page.kept_from) = seen_mornings(&state.entries().await?, day);
    Ok(render(&page))
}

pub(crate) fn parse_morning(fields: &Fields, today: Date) -> Result<(Date, u8), FieldError> {
    let date = form_date(fields)?;
    let pain = fields.get("pain").ok_or(FieldError {
        field: "pain".into(),
        message: "choose your back pain on waking (0-10)".into(),
    })?;
    let pain = Pain::parse("pain", pain)
        .map(i64::from)
        .map_err(|e| FieldError {
            field: "pain".into(),
            message: e.message(),
        })?;
    let m = journal::NewMorning { date, pain }
        .into_morning(today)
        .map_err(field_error)?;
    Ok((m.date, m.pain))
}

/// The form's `client_ref` (contract §13), checked: `None` when the field is missing or empty
/// (a form posted without the page's script).
fn form_client_ref(fields: &Fields) -> Result<Option<String>, FieldError> {
    fields
        .get("client_ref")
        .map(|r| {
            amble_core::client_ref::check(r)
                .map(str::to_string)
                .map_err(field_error)
        })
        .transpose()
}

/// The `date` field, if given: a real date.
fn form_date(fields: &Fields) -> Result<Option<Date>, FieldError> {
    fields
        .get("date")
        .map(|d| {
            amble_core::words::date(d).map_err(|message| FieldError {
                field: "date".into(),
                message,
            })
        })
        .transpose()
}

fn field_error(e: journal::EntryError) -> FieldError {
    FieldError {
        field: e.field,
        message: e.message,
    }
}

pub async fn log_morning(
    state: crate::authz::Scoped,
    Query(q): Query<PageQuery>,
    body: Bytes,
) -> Result<Response, PageError> {
    let day = q.date(&state)?;
    let fields = form(&body)?;
    let parsed = parse_morning(&fields, day).and_then(|m| {
        let r = form_client_ref(&fields)?;
        Ok((m, r, form_seen(&fields)?))
    });
    match parsed {
        Ok(((date, pain), client_ref, seen)) => {
            let m = Morning {
                id: String::new(),
                date,
                pain,
            };
            let outcome = match seen {
                None => save_morning(&state, m, client_ref).await?,
                Some(seen) => save_queued_morning(&state, m, client_ref, seen).await?,
            };
            let (id, replaced) = match outcome {
                MorningOutcome::Saved(id, replaced) => (id, replaced),
                MorningOutcome::Conflict(kept) => {
                    let mut page = morning_page(
                        &q.qs(),
                        with_qs("/log/morning", &q.qs(), ""),
                        "Back pain this morning",
                        day,
                        &fields,
                        FormErrors::default(),
                    );
                    page.conflict = Some(MorningConflict {
                        date: kept.date.to_string(),
                        kept_pain: kept.pain,
                        new_pain: pain,
                        revision: Revision::of(&Entry::Morning(kept.clone())).to_string(),
                        client_ref: fields.get("client_ref").unwrap_or("").to_string(),
                        keep_url: with_qs("/today", &q.qs(), ""),
                    });
                    return Ok((StatusCode::CONFLICT, render(&page)).into_response());
                }
            };
            let extra = match replaced {
                Some(was) => format!("saved={id}&replaced={was}"),
                None => format!("saved={id}"),
            };
            Ok(Redirect::to(&with_qs("/today", &q.qs(), &extra)).into_response())
        }
        Err(e) => {
            let page = morning_page(
                &q.qs(),
                with_qs("/log/morning", &q.qs(), ""),
                "Back pain this morning",
                day,
                &fields,
                e.into(),
            );
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
    }
}

/// A score sent at once: one morning score is kept per date, so a different one replaces it
/// (the page then says so) and the same one again (a form sent twice) stores nothing.
async fn save_morning(
    state: &crate::authz::Scoped,
    m: Morning,
    client_ref: Option<String>,
) -> Result<MorningOutcome, PageError> {
    let all = state.entries().await?;
    Ok(match journal::morning_slot(&all, &m) {
        journal::MorningSlot::Free => {
            let (stored, _) = state.add_entry_once(Entry::Morning(m), client_ref).await?;
            MorningOutcome::Saved(stored.id().to_string(), None)
        }
        journal::MorningSlot::Same(kept) => MorningOutcome::Saved(kept.id.clone(), None),
        journal::MorningSlot::Taken(kept) => {
            // Replaced at the version read now: the score shown as replaced is the one
            // that was stored, even when it changed after the journal was read.
            let id = kept.id.clone();
            let key = id.clone();
            let was = state
                .with_store(true, move |s| {
                    let Some(s) = s else {
                        return Err(amble_store::StoreError::Database("no store".into()));
                    };
                    let mut was = None;
                    amble_store::update(s, &key, |e| match e {
                        Entry::Morning(now) => {
                            was = Some(now.pain);
                            Ok(Entry::Morning(journal::replaced_morning(&now, &m)))
                        }
                        other => Err(amble_store::StoreError::Invalid {
                            id: other.id().to_string(),
                            message: "is no longer a morning".into(),
                        }),
                    })?;
                    Ok(was)
                })
                .await?;
            MorningOutcome::Saved(id, was)
        }
    })
}

/// A score sent from the offline queue (it says what it saw): it replaces a kept score only
/// if that is still the version it saw, checked in the write's own transaction; a score saved
/// or changed after it was made is never replaced unseen (the answer names both).
async fn save_queued_morning(
    state: &crate::authz::Scoped,
    m: Morning,
    client_ref: Option<String>,
    seen: Seen,
) -> Result<MorningOutcome, PageError> {
    // A writer may change the score between the read and the write: read again then.
    for _ in 0..3 {
        let all = state.entries().await?;
        let kept = match journal::morning_slot(&all, &m) {
            journal::MorningSlot::Free => {
                let (stored, _) = state.add_entry_once(Entry::Morning(m), client_ref).await?;
                return Ok(MorningOutcome::Saved(stored.id().to_string(), None));
            }
            journal::MorningSlot::Same(kept) => {
                return Ok(MorningOutcome::Saved(kept.id.clone(), None));
            }
            journal::MorningSlot::Taken(kept) => kept.clone(),
        };
        let read_at = match &seen {
            Seen::Kept(r) if r.matches(&Entry::Morning(kept.clone())) => r.clone(),
            Seen::Kept(_) | Seen::Nothing | Seen::Unknown => {
                return Ok(MorningOutcome::Conflict(kept));
            }
        };
        let new = Entry::Morning(journal::replaced_morning(&kept, &m));
        let written = state
            .with_store(true, move |s| match s {
                Some(s) => s.replace_at(new, &read_at),
                None => Err(amble_store::StoreError::Database("no store".into())),
            })
            .await;
        match written {
            Ok(()) => return Ok(MorningOutcome::Saved(kept.id.clone(), Some(kept.pain))),
            Err(amble_store::StoreError::Conflict { .. }) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(PageError::from(amble_store::StoreError::Conflict {
        id: "the morning score".into(),
    }))
}

pub(crate) fn exercise_page(
    kb: &KnowledgeBase,
    qs: &str,
    action: String,
    heading: &str,
    today: Date,
    fields: &Fields,
    errors: FormErrors,
) -> LogExercisePage {
    LogExercisePage {
        title: heading.into(),
        queue: action.starts_with("/log/"),
        client_ref: fields.get("client_ref").unwrap_or("").to_string(),
        nav: "log",
        qs: qs.to_string(),
        action,
        heading: heading.into(),
        date: fields.get("date").map_or(today.to_string(), str::to_string),
        today: today.to_string(),
        exercise: fields.get("exercise").unwrap_or("").to_string(),
        sets: fields.get("sets").unwrap_or("").to_string(),
        pain_after: fields.get("pain_after").unwrap_or("").to_string(),
        choices: kb
            .exercises
            .iter()
            .map(|e| (e.id.clone(), e.name.clone()))
            .collect(),
        errors,
        revision: String::new(),
    }
}

pub async fn log_exercise_form(
    state: crate::authz::Scoped,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let day = q.date(&state)?;
    Ok(render(&exercise_page(
        state.kb(),
        &q.qs(),
        with_qs("/log/exercise", &q.qs(), ""),
        "Log exercises",
        day,
        &Fields::default(),
        FormErrors::default(),
    )))
}

pub(crate) fn parse_exercise(
    kb: &KnowledgeBase,
    fields: &Fields,
    today: Date,
) -> Result<ExerciseSession, FormErrors> {
    let mut errors = FormErrors::default();
    let date = form_date(fields).unwrap_or_else(|e| {
        errors.push(e);
        None
    });
    let exercise = fields.get("exercise").unwrap_or_default().to_string();
    if exercise.is_empty() {
        errors.push(FieldError {
            field: "exercise".into(),
            message: "choose an exercise".into(),
        });
    }
    let sets = fields
        .parsed::<u32>("sets", "a whole number of sets")
        .unwrap_or_else(|e| {
            errors.push(e);
            None
        });
    let pain_after = fields
        .parsed::<i64>("pain_after", "a pain score from 0 to 10")
        .unwrap_or_else(|e| {
            errors.push(e);
            None
        });
    if !errors.is_empty() {
        return Err(errors);
    }
    journal::NewExercise {
        date,
        exercise,
        sets,
        pain_after,
    }
    .into_session(today, |id| kb.exercise(id).is_some())
    .map_err(|e| field_error(e).into())
}

pub async fn log_exercise(
    state: crate::authz::Scoped,
    Query(q): Query<PageQuery>,
    body: Bytes,
) -> Result<Response, PageError> {
    let day = q.date(&state)?;
    let fields = form(&body)?;
    let parsed = parse_exercise(state.kb(), &fields, day).and_then(|x| {
        form_client_ref(&fields)
            .map(|r| (x, r))
            .map_err(FormErrors::from)
    });
    match parsed {
        Ok((x, client_ref)) => {
            let (stored, _) = state.add_entry_once(Entry::Exercise(x), client_ref).await?;
            Ok(Redirect::to(&with_qs(
                "/today",
                &q.qs(),
                &format!("saved={}", stored.id()),
            ))
            .into_response())
        }
        Err(e) => {
            let page = exercise_page(
                state.kb(),
                &q.qs(),
                with_qs("/log/exercise", &q.qs(), ""),
                "Log exercises",
                day,
                &fields,
                e,
            );
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
    }
}
