//! `/gait`: upload a recording from a phone or a lower-back sensor, see the walk's gait, and
//! store it on a walk; `/journal/{id}/gait`: the gait stored on a walk.

use super::*;
use amble_core::gait::WalkGait;
use amble_core::gait_setup::{self, SHOWN_BOUTS};
use axum::extract::Multipart;

/// A bout's row: start, end, steps, cadence, stride, speed.
type BoutRow = (String, String, usize, String, String, String);

/// The largest upload taken, bytes (a two-hour phone recording as a zip is far smaller).
pub const GAIT_UPLOAD_LIMIT: usize = 64 * 1024 * 1024;
/// The most a zip upload may unpack to, all its members together, bytes (about four hours of a
/// phone's 100 Hz accelerometer as text; a zip bomb, in one member or many, stops here).
pub const GAIT_UNPACK_LIMIT: u64 = 256 * 1024 * 1024;

#[derive(Template)]
#[template(path = "gait.html")]
pub(crate) struct GaitFormPage {
    title: String,
    nav: &'static str,
    qs: String,
    action: String,
    height_cm: String,
    /// (id, label, selected)
    walks: Vec<(String, String, bool)>,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "gait_result.html")]
pub(crate) struct GaitResultPage {
    title: String,
    nav: &'static str,
    qs: String,
    heading: String,
    /// Where the result is stored (walk id, date), if it is.
    stored_on: Option<(String, String)>,
    summary: String,
    words: Vec<String>,
    onset: Option<String>,
    bouts: Vec<BoutRow>,
    /// Shorter bouts not listed.
    more: usize,
    svg: Option<String>,
}

/// The walks offered to attach a recording to: the 30 newest.
fn walk_choices(all: &[Entry], chosen: Option<&str>) -> Vec<(String, String, bool)> {
    all.iter()
        .rev()
        .filter_map(|e| match e {
            Entry::Walk(w) => Some((
                w.id.clone(),
                format!("{} · {}", w.date, e.summary()),
                chosen == Some(w.id.as_str()),
            )),
            _ => None,
        })
        .take(30)
        .collect()
}

fn latest_height(all: &[Entry]) -> Option<f64> {
    all.iter().rev().find_map(|e| match e {
        Entry::Assessment(a) => a.answers.height_cm,
        _ => None,
    })
}

fn form_page(
    q: &PageQuery,
    all: &[Entry],
    height: String,
    walk: Option<&str>,
    errors: FormErrors,
) -> GaitFormPage {
    GaitFormPage {
        title: "Gait from a recording".into(),
        nav: "progress",
        qs: q.qs(),
        action: with_qs("/gait", &q.qs(), ""),
        height_cm: height,
        walks: walk_choices(all, walk),
        errors,
    }
}

pub async fn gait_form(
    state: crate::authz::Scoped,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let all = entries(&state).await?;
    let height = latest_height(&all).map_or(String::new(), |h| format!("{h:.0}"));
    Ok(render(&form_page(
        &q,
        &all,
        height,
        None,
        FormErrors::default(),
    )))
}

fn error(field: &str, message: impl Into<String>) -> FormErrors {
    FormErrors(vec![FieldError {
        field: field.into(),
        message: message.into(),
    }])
}

/// What the upload form sent.
#[derive(Default)]
struct Upload {
    name: String,
    bytes: Vec<u8>,
    height: String,
    walk: String,
}

async fn read_upload(mut m: Multipart) -> Result<Upload, FormErrors> {
    let mut u = Upload::default();
    loop {
        let field = match m.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                return Err(error(
                    "file",
                    format!(
                        "the upload could not be read ({}); files up to {} MB are taken",
                        e.body_text(),
                        GAIT_UPLOAD_LIMIT >> 20
                    ),
                ));
            }
        };
        let name = field.name().unwrap_or("").to_string();
        let file_name = field.file_name().map(str::to_string);
        let data = field.bytes().await.map_err(|e| {
            error(
                "file",
                format!(
                    "the upload could not be read ({}); files up to {} MB are taken",
                    e.body_text(),
                    GAIT_UPLOAD_LIMIT >> 20
                ),
            )
        })?;
        match name.as_str() {
            "file" => {
                u.name = file_name
                    .unwrap_or_else(|| "recording".into())
                    .chars()
                    .take(200)
                    .collect();
                u.bytes = data.to_vec();
            }
            "height_cm" => {
                u.height = String::from_utf8_lossy(&data)
                    .trim()
                    .chars()
                    .take(20)
                    .collect()
            }
            "walk" => {
                u.walk = String::from_utf8_lossy(&data)
                    .trim()
                    .chars()
                    .take(40)
                    .collect()
            }
            _ => {}
        }
    }
    Ok(u)
}

pub async fn gait_upload(
    state: crate::authz::Scoped,
    Query(q): Query<PageQuery>,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let all = entries(&state).await?;
    let again = |u: &Upload, e: FormErrors| {
        let walk = (!u.walk.is_empty()).then_some(u.walk.as_str());
        Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&form_page(&q, &all, u.height.clone(), walk, e)),
        )
            .into_response())
    };
    let mut u = match read_upload(multipart).await {
        Ok(u) => u,
        Err(e) => return again(&Upload::default(), e),
    };
    let sensor_m = match gait_setup::parse_body_height("height_cm", &u.height)
        .and_then(|h| gait_setup::sensor_height_from_body("height_cm", h))
    {
        Ok(m) => m,
        Err(e) => return again(&u, error("height_cm", e.message)),
    };
    if u.bytes.is_empty() {
        return again(&u, error("file", "choose a recording to upload"));
    }
    let walk = if u.walk.is_empty() {
        None
    } else {
        match all.iter().find(|e| e.id() == u.walk) {
            Some(Entry::Walk(w)) => Some(w.clone()),
            _ => return again(&u, error("walk", "choose one of your walks, or none")),
        }
    };
    // A bounded number of analyses at once: wait briefly for a slot, else 503 with Retry-After
    // (the form comes back as it was, to send again).
    let slots = state.gait_analyses().clone();
    let permit = match tokio::time::timeout(slots.wait, slots.slots.acquire_owned()).await {
        Ok(Ok(permit)) => permit,
        _ => {
            let walk = (!u.walk.is_empty()).then_some(u.walk.as_str());
            let page = form_page(
                &q,
                &all,
                u.height.clone(),
                walk,
                error(
                    "file",
                    format!(
                        "the server is analysing other recordings; send it again in {} seconds",
                        crate::GAIT_RETRY_AFTER_S
                    ),
                ),
            );
            return Ok((
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, crate::GAIT_RETRY_AFTER_S.to_string())],
                render(&page),
            )
                .into_response());
        }
    };
    let name = u.name.clone();
    // The bytes go to the analysis; the rest of the form stays to show it again on an error.
    let bytes = std::mem::take(&mut u.bytes);
    let analysed = tokio::task::spawn_blocking(move || {
        // The slot is held until the analysis ends, even when the client has gone.
        let _permit = permit;
        amble_imports::gait::read_bytes_within(
            &name,
            &bytes,
            None,
            amble_gait::CsvOptions::default(),
            GAIT_UNPACK_LIMIT,
        )
        .map(|rec| amble_gait::analyse(&rec, sensor_m))
    })
    .await
    .map_err(|e| PageError {
        status: StatusCode::INTERNAL_SERVER_ERROR,
        message: format!("the analysis stopped: {e}"),
    })?;
    let g = match analysed {
        Ok(g) => g,
        Err(e) => {
            return again(&u, error("file", e.0));
        }
    };
    let stored = amble_imports::gait::walk_gait(&u.name, &g);
    let mut stored_on = None;
    if let (Some(w), Some(s)) = (walk, stored.clone()) {
        // The walk was read before the analysis: the gait is set on the walk as it is now, so
        // a correction saved meanwhile is kept.
        let id = w.id.clone();
        let key = id.clone();
        let saved = state
            .with_store(true, move |st| match st {
                Some(st) => amble_store::update(st, &key, |e| match e {
                    Entry::Walk(mut now) => {
                        now.gait = Some(Box::new(s.clone()));
                        Ok(Entry::Walk(now))
                    }
                    other => Err(StoreError::Invalid {
                        id: other.id().to_string(),
                        message: "is no longer a walk".into(),
                    }),
                }),
                None => Err(StoreError::Database(
                    "the journal could not be opened".into(),
                )),
            })
            .await?;
        stored_on = Some((id, saved.date().to_string()));
    }
    let shown = g.longest_bouts(SHOWN_BOUTS);
    let more = g.bouts.len() - shown.len();
    let bouts = shown
        .iter()
        .map(|b| {
            (
                format!("{:.0}", b.start_s),
                format!("{:.0}", b.end_s),
                b.steps,
                format!("{:.0}", b.cadence_spm),
                format!("{:.2}", b.stride_length_m),
                format!("{:.1}", b.speed_mps * 3.6),
            )
        })
        .collect();
    Ok(render(&result_page(
        &q,
        format!("Gait in {}", u.name),
        stored.as_ref(),
        stored_on,
        (bouts, more),
    )))
}

fn result_page(
    q: &PageQuery,
    heading: String,
    g: Option<&WalkGait>,
    stored_on: Option<(String, String)>,
    (bouts, more): (Vec<BoutRow>, usize),
) -> GaitResultPage {
    GaitResultPage {
        title: "Gait".into(),
        nav: "progress",
        qs: q.qs(),
        heading,
        stored_on,
        summary: g.map_or(
            "No walking was found in this recording: a stretch of walking needs at least 4 strides in a row.".into(),
            |g| {
                let s = g.summary();
                let mut c = s.chars();
                c.next().map_or(String::new(), |f| f.to_uppercase().collect::<String>() + c.as_str()) + "."
            },
        ),
        words: g.map(WalkGait::drift_in_words).unwrap_or_default(),
        onset: g.and_then(WalkGait::onset_in_words),
        bouts,
        more,
        svg: g
            .filter(|g| !g.windows.is_empty())
            .map(|g| charts::gait::walk_speed(g).to_svg()),
    }
}

pub async fn walk_gait_page(
    state: crate::authz::Scoped,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let all = entries(&state).await?;
    let not_found = |m: String| PageError {
        status: StatusCode::NOT_FOUND,
        message: m,
    };
    let Some(Entry::Walk(w)) = all.iter().find(|e| e.id() == id) else {
        return Err(not_found(format!("no walk with id \"{id}\"")));
    };
    let Some(g) = &w.gait else {
        return Err(not_found(format!(
            "walk {id} has no gait recording; add one on the gait page"
        )));
    };
    // The per-minute windows are kept apart from the walk: read on demand, for this page.
    let key = id.clone();
    let windows = state
        .with_store(false, move |s| {
            s.map_or(Ok(Vec::new()), |s| s.gait_windows(&key))
        })
        .await?;
    let g = amble_core::gait::WalkGait {
        windows,
        ..(**g).clone()
    };
    Ok(render(&result_page(
        &q,
        format!("Gait on your walk of {}", w.date),
        Some(&g),
        None,
        (Vec::new(), 0),
    )))
}
