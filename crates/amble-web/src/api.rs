//! The JSON API (`/api/v1`): the documents of the scripting contract. Errors are
//! `{"error": "...", "field": "..."}` with a 4xx status, and bad input changes nothing.

use std::sync::Arc;

use amble_core::Answers;
use amble_core::journal::{self, Entry, NewWalk, StoredAssessment};
use amble_core::plan::Replay;
use amble_store::StoreError;
use axum::Json;
use axum::body::Bytes;
use axum::extract::Query;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::AppState;

/// An API error: status, message and the field at fault (`None` when the body isn't JSON).
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    error: String,
    field: Option<String>,
}

impl ApiError {
    fn new(status: StatusCode, error: impl Into<String>, field: Option<&str>) -> ApiError {
        ApiError {
            status,
            error: error.into(),
            field: field.map(str::to_string),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(json!({"error": self.error, "field": self.field})),
        )
            .into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::NotFound(_) => ApiError::new(StatusCode::NOT_FOUND, e.to_string(), None),
            StoreError::Conflict { .. } => ApiError::new(StatusCode::CONFLICT, e.to_string(), None),
            other => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, other.to_string(), None),
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct TodayQuery {
    today: Option<String>,
}

impl TodayQuery {
    pub fn date(&self, state: &AppState) -> Result<Date, ApiError> {
        state
            .today_from(self.today.as_deref())
            .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e, Some("today")))
    }
}

/// Decodes a JSON body; errors name the key path. A body that is not JSON at all has no field.
/// The body as JSON, or 400 with no field when it is not JSON at all.
fn json_value(bytes: &Bytes) -> Result<Value, ApiError> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("the body is not valid JSON: {e}"),
            None,
        )
    })?;
    let mut value = value;
    whole_numbers_as_integers(&mut value);
    // Every body of the API is an object (a list would fill a document's fields in order).
    if !value.is_object() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "expected a JSON object ({...}) as the body",
            Some(""),
        ));
    }
    Ok(value)
}

/// The sections of an answers document are objects, and so are the items of
/// `instruments.psfs` (a list would fill their fields in order, and be taken).
fn sections_are_objects(value: &Value) -> Result<(), ApiError> {
    let not_object = |field: &str| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("{field}: expected an object ({{...}})"),
            Some(field),
        )
    };
    for key in [
        "red_flags",
        "symptoms",
        "walking",
        "pain",
        "context",
        "instruments",
    ] {
        if let Some(v) = value.get(key)
            && !v.is_object()
            && !v.is_null()
        {
            return Err(not_object(key));
        }
    }
    if let Some(Value::Array(items)) = value.pointer("/instruments/psfs") {
        for (i, item) in items.iter().enumerate() {
            if !item.is_object() {
                return Err(not_object(&format!("instruments.psfs.{i}")));
            }
        }
    }
    Ok(())
}

/// `3.0` is the integer 3 in JSON (and in the OpenAPI schema's "integer"): numbers with no
/// fraction become integers before decoding, so that integer fields take them.
fn whole_numbers_as_integers(v: &mut Value) {
    match v {
        Value::Number(n) if n.is_f64() => {
            if let Some(x) = n.as_f64()
                && x.fract() == 0.0
                && x.abs() < 9_007_199_254_740_992.0
            {
                *v = Value::from(x as i64);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(whole_numbers_as_integers),
        Value::Object(o) => o.values_mut().for_each(whole_numbers_as_integers),
        _ => {}
    }
}

#[allow(dead_code)] // for JSON bodies without a client reference
fn body<T: DeserializeOwned>(bytes: &Bytes) -> Result<T, ApiError> {
    decoded(json_value(bytes)?)
}

/// A JSON value as `T`; errors name the key path.
fn decoded<T: DeserializeOwned>(value: Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." || path == "?" {
            String::new()
        } else {
            path
        };
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            e.into_inner().to_string(),
            Some(&field),
        )
    })
}

/// A log's body without its `client_ref` (contract §13), and the reference when given: 1-64
/// characters, else 422 naming `client_ref`. The rest is decoded as `T`.
fn log_body<T: DeserializeOwned>(bytes: &Bytes) -> Result<(T, Option<String>), ApiError> {
    log_value(json_value(bytes)?)
}

fn log_value<T: DeserializeOwned>(value: Value) -> Result<(T, Option<String>), ApiError> {
    log_value_with(value, &["client_ref"])
}

/// [`log_value`] for a body that also takes `others` (keys read before decoding): an unknown
/// key is answered with every key the route accepts, not only those of `T`.
fn log_value_with<T: DeserializeOwned>(
    mut value: Value,
    others: &[&str],
) -> Result<(T, Option<String>), ApiError> {
    let client_ref = match value.as_object_mut().and_then(|o| o.remove("client_ref")) {
        None => None,
        Some(Value::String(r)) => Some(
            amble_core::client_ref::check(&r)
                .map_err(|e| {
                    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.message, Some(&e.field))
                })?
                .to_string(),
        ),
        Some(_) => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "expected a string of 1 to 64 characters",
                Some("client_ref"),
            ));
        }
    };
    let decoded = decoded(value).map_err(|mut e| {
        // A key of the body itself (its path has no dot), not of an object inside it.
        if e.field.as_deref().is_some_and(|f| !f.contains('.'))
            && let Some(text) = accepted_fields(&e.error, others)
        {
            e.error = text;
        }
        e
    })?;
    Ok((decoded, client_ref))
}

/// serde's "unknown field `x`, expected `a` or `b`" with `others` added to what is expected,
/// so the message lists every key the route accepts. `None` for any other message.
fn accepted_fields(message: &str, others: &[&str]) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (name, expected) = rest.split_once('`')?;
    let mut keys: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    for o in others {
        if !keys.contains(o) {
            keys.push(o);
        }
    }
    let list: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
    let list = match list.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, first)) => format!("{} or {last}", first.join(", ")),
        None => return None,
    };
    Some(format!(
        "unknown field `{name}`; the accepted fields are {list}"
    ))
}

/// A stored log: 201 when stored now, 200 with the first entry when its `client_ref` was
/// already used for an entry of the same kind, 409 when it names an entry of another kind.
async fn store_log(
    state: &crate::authz::Scoped,
    entry: Entry,
    client_ref: Option<String>,
) -> Result<Response, ApiError> {
    let kind = entry.kind();
    let (stored, new) = state.add_entry_once(entry, client_ref).await?;
    if new {
        return Ok((StatusCode::CREATED, Json(stored)).into_response());
    }
    if stored.kind() != kind {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            format!(
                "this client_ref was already used for entry {} (a {}), not a {kind}",
                stored.id(),
                stored.kind()
            ),
            Some("client_ref"),
        ));
    }
    Ok((StatusCode::OK, Json(stored)).into_response())
}

/// A body that is an answers document, parsed and checked against the questions.
fn answers(state: &AppState, bytes: &Bytes) -> Result<Answers, ApiError> {
    answers_of(state, json_value(bytes)?)
}

/// The one parser of an answers document for every endpoint that takes one: its sections are
/// objects, then the core reads it against the questions (the message names the key path).
fn answers_of(state: &AppState, value: Value) -> Result<Answers, ApiError> {
    sections_are_objects(&value)?;
    Answers::from_value(value, state.kb())
        .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.message, Some(&e.path)))
}

pub async fn assess(state: crate::authz::Scoped, bytes: Bytes) -> Result<Response, ApiError> {
    let a = answers(&state, &bytes)?;
    Ok(Json(amble_core::assess(&a, state.kb())).into_response())
}

pub async fn store_assessment(
    state: crate::authz::Scoped,
    Query(q): Query<TodayQuery>,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let today = q.date(&state)?;
    // The body is the answers, with one more key: `keep_level` (default true).
    let mut value = json_value(&bytes)?;
    let keep_level = match value.as_object_mut().and_then(|m| m.remove("keep_level")) {
        None => true,
        Some(Value::Bool(b)) => b,
        Some(_) => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "keep_level must be true (keep the level the plan has reached) or false (start again)".to_string(),
                Some("keep_level"),
            ));
        }
    };
    let a = answers_of(&state, value)?;
    let result = amble_core::assess(&a, state.kb());
    // Stored as chosen only when there is a level to keep (a first check-up has none).
    let keep_level = keep_level
        && amble_core::plan::keep_offer(&state.entries().await?, &a, today, state.kb()).is_some();
    let entry = Entry::Assessment(Box::new(StoredAssessment {
        id: String::new(),
        date: today,
        answers: a,
        rescreen: false,
        keep_level,
    }));
    let stored = state.add_entry(entry).await?;
    // Read with the journal too: a new neurological symptom since the last check-up (§2.5).
    let all = state.entries().await?;
    let result = match amble_core::new_symptoms::index_of(&all, stored.id()) {
        Some(i) => amble_core::new_symptoms::with_journal(result, &all, i),
        None => result,
    };
    let mut resp = (StatusCode::CREATED, Json(result)).into_response();
    if let Ok(v) = format!("/checkup/{}", stored.id()).parse() {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    Ok(resp)
}

/// The journal and the current plan, or 404 when no check-up is stored.
pub async fn replay(
    state: &crate::authz::Scoped,
    today: Date,
) -> Result<(Arc<Replay>, Arc<Vec<Entry>>), ApiError> {
    let (r, entries) = state.replay(today).await?;
    let r = r.ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "no check-up is stored yet: store one with POST /api/v1/assessments".to_string(),
            None,
        )
    })?;
    Ok((r, entries))
}

/// `GET /api/v1/people`: the people linked to the signed-in coach, with their plan status,
/// last entry and what needs attention first (warning signs and new symptoms, then flares,
/// then no entries for two weeks).
pub async fn people(
    axum::extract::State(app): axum::extract::State<crate::AppState>,
    signed: Option<axum::Extension<crate::authz::Signed>>,
) -> Result<Response, ApiError> {
    let Some((pg, actor)) = crate::authz::signed_in(&app, signed) else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "this server has no accounts",
            None,
        ));
    };
    let today = app.today(None);
    let kb = app.kb_arc();
    let t = app.alert_thresholds();
    let (app2, who) = (app.clone(), actor.id);
    let listed = tokio::task::spawn_blocking(move || {
        crate::coach::people(&app2, &pg, &actor, today, &kb, t, true)
    })
    .await
    .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("{e}"), None))??;
    let json = |body: axum::body::Bytes| {
        (
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response()
    };
    let (rows, key) = match listed {
        crate::coach::Listed::Kept(body) => return Ok(json(body)),
        crate::coach::Listed::Made(rows, key) => (rows, key),
    };
    let body = serde_json::to_vec(&serde_json::json!({"schema": "amble.people/1", "people": rows}))
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("{e}"), None))?;
    let body = axum::body::Bytes::from(body);
    if let Some(key) = key {
        app.lists().keep((who, true), key, body.clone());
    }
    Ok(json(body))
}

pub async fn plan(
    state: crate::authz::Scoped,
    Query(q): Query<TodayQuery>,
) -> Result<Response, ApiError> {
    let today = q.date(&state)?;
    let (r, _) = replay(&state, today).await?;
    Ok(Json(&r.plan).into_response())
}

pub async fn today(
    state: crate::authz::Scoped,
    Query(q): Query<TodayQuery>,
) -> Result<Response, ApiError> {
    let today = q.date(&state)?;
    let (r, entries) = replay(&state, today).await?;
    Ok(Json(crate::pages::today_view(&r, &entries, today, state.kb())).into_response())
}

pub async fn walk(
    state: crate::authz::Scoped,
    Query(q): Query<TodayQuery>,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let today = q.date(&state)?;
    let (new, client_ref): (NewWalk, _) = log_body(&bytes)?;
    let walk = new
        .into_walk(today)
        .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.message, Some(&e.field)))?;
    store_log(&state, Entry::Walk(walk), client_ref).await
}

pub async fn morning(
    state: crate::authz::Scoped,
    Query(q): Query<TodayQuery>,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let today = q.date(&state)?;
    let mut value = json_value(&bytes)?;
    let replace = match value.as_object_mut().and_then(|o| o.remove("replace")) {
        None => false,
        Some(Value::Bool(b)) => b,
        Some(_) => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "expected true or false",
                Some("replace"),
            ));
        }
    };
    // The version of the kept score the client read (its `revision`, as the journal and the
    // web's edit form give it): with it, a replace is made only from that version.
    let revision = match value.as_object_mut().and_then(|o| o.remove("revision")) {
        None | Some(Value::Null) => None,
        Some(Value::String(r)) if replace => {
            Some(amble_store::Revision::parse(&r).ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "expected the revision of the kept entry as read: 16 hexadecimal digits",
                    Some("revision"),
                )
            })?)
        }
        Some(Value::String(_)) => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "a revision goes with \"replace\": true (the version of the kept score being replaced)",
                Some("revision"),
            ));
        }
        Some(_) => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "expected a string: the revision of the kept entry as read (16 hexadecimal digits)",
                Some("revision"),
            ));
        }
    };
    let (m, client_ref): (journal::NewMorning, _) =
        log_value_with(value, &["client_ref", "replace", "revision"])?;
    let m = m
        .into_morning(today)
        .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.message, Some(&e.field)))?;
    let all = state.entries().await.map_err(ApiError::from)?;
    match journal::morning_slot(&all, &m) {
        journal::MorningSlot::Free => store_log(&state, Entry::Morning(m), client_ref).await,
        journal::MorningSlot::Same(kept) => {
            Ok((StatusCode::OK, Json(Entry::Morning(kept.clone()))).into_response())
        }
        journal::MorningSlot::Taken(kept) if !replace => Ok((
            StatusCode::CONFLICT,
            Json(json!({
                "error": format!(
                    "{}: send \"replace\": true to replace it",
                    journal::morning_taken(kept)
                ),
                "field": "date",
                "existing": Entry::Morning(kept.clone()),
                "revision": amble_store::Revision::of(&Entry::Morning(kept.clone())).to_string(),
            })),
        )
            .into_response()),
        journal::MorningSlot::Taken(kept) => {
            let new = Entry::Morning(journal::replaced_morning(kept, &m));
            // Without a revision the client means "whatever score is kept for the date" and
            // the server's own read is the version replaced; with one, only that version.
            let read_at = revision
                .unwrap_or_else(|| amble_store::Revision::of(&Entry::Morning(kept.clone())));
            let (stored, id) = (new.clone(), kept.id.clone());
            let saved = state
                .with_store(true, move |s| match s {
                    Some(s) => amble_store::Store::replace_at(s, new, &read_at),
                    None => Err(StoreError::Database(
                        "the journal could not be opened".into(),
                    )),
                })
                .await;
            match saved {
                Ok(()) => Ok((StatusCode::OK, Json(stored)).into_response()),
                // Changed between reading and replacing: nothing is overwritten; the newer
                // entry comes back.
                Err(StoreError::Conflict { .. }) => {
                    let key = id.clone();
                    let newer = state
                        .with_store(false, move |s| s.map_or(Ok(None), |s| s.get(&key)))
                        .await?;
                    Ok((
                        StatusCode::CONFLICT,
                        Json(json!({
                            "error": format!("entry \"{id}\" changed since it was read; nothing was changed: these are its newer values (send the log again with their revision to replace them)"),
                            "field": "date",
                            "revision": newer.as_ref().map(|e| amble_store::Revision::of(e).to_string()),
                            "existing": newer,
                        })),
                    )
                        .into_response())
                }
                Err(e) => Err(e.into()),
            }
        }
    }
}

/// `POST /api/v1/exercises`: an exercise session, as `amble log exercise` takes it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewExerciseBody {
    date: Option<Date>,
    exercise: String,
    sets: Option<u32>,
    pain_after: Option<i64>,
}

pub async fn exercise(
    state: crate::authz::Scoped,
    Query(q): Query<TodayQuery>,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let today = q.date(&state)?;
    let (b, client_ref): (NewExerciseBody, _) = log_body(&bytes)?;
    let x = journal::NewExercise {
        date: b.date,
        exercise: b.exercise,
        sets: b.sets,
        pain_after: b.pain_after,
    }
    .into_session(today, |id| state.kb().exercise(id).is_some())
    .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.message, Some(&e.field)))?;
    store_log(&state, Entry::Exercise(x), client_ref).await
}

pub async fn journal(state: crate::authz::Scoped) -> Result<Response, ApiError> {
    let text = state.journal_json().await?;
    Ok((
        [(header::CONTENT_TYPE, "application/json")],
        text.as_str().to_owned(),
    )
        .into_response())
}

pub async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], crate::OPENAPI).into_response()
}

/// `amble.insights/1` for the journal, from the first walk to today.
pub async fn insights(
    state: crate::authz::Scoped,
    Query(q): Query<TodayQuery>,
) -> Result<Response, ApiError> {
    let today = q.date(&state)?;
    let entries = state.entries().await.map_err(ApiError::from)?;
    Ok(Json(crate::pages::insights_of(&entries, today, None)).into_response())
}
