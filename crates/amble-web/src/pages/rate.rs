//! Rating imported walks in one go.

use super::*;
use amble_core::pain::Pain;
use amble_store::Revision;

pub struct RateRow {
    id: String,
    date: String,
    summary: String,
    /// The walk's revision as shown (sent back, so a walk changed since is not overwritten).
    revision: String,
}

#[derive(Template)]
#[template(path = "needs_pain.html")]
pub(crate) struct NeedsPainPage {
    title: String,
    nav: &'static str,
    qs: String,
    walks: Vec<RateRow>,
    action: String,
    error: Option<String>,
}

// Rating imported walks in one go

pub(crate) async fn unrated(state: &crate::authz::Scoped) -> Result<Vec<journal::Walk>, PageError> {
    let mut walks: Vec<journal::Walk> = entries(state)
        .await?
        .iter()
        .filter_map(|e| match e {
            Entry::Walk(w) if w.pain_peak.is_none() => Some(w.clone()),
            _ => None,
        })
        .collect();
    // The pages' entries leave out a walk's gait windows: a walk written back is read whole.
    for w in walks.iter_mut().filter(|w| w.gait.is_some()) {
        if let Entry::Walk(whole) = super::journal_page::get_entry(state, &w.id).await? {
            *w = whole;
        }
    }
    Ok(walks)
}

pub(crate) fn needs_pain_page(
    walks: &[journal::Walk],
    qs: &str,
    error: Option<String>,
) -> NeedsPainPage {
    NeedsPainPage {
        title: "Walks waiting for pain ratings".into(),
        nav: "journal",
        qs: qs.to_string(),
        walks: walks
            .iter()
            .map(|w| RateRow {
                id: w.id.clone(),
                date: w.date.to_string(),
                summary: Entry::Walk(w.clone()).summary(),
                revision: Revision::of(&Entry::Walk(w.clone())).to_string(),
            })
            .collect(),
        action: with_qs("/journal/needs-pain", qs, ""),
        error,
    }
}

pub async fn needs_pain_form(
    state: crate::authz::Scoped,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    Ok(render(&needs_pain_page(
        &unrated(&state).await?,
        &q.qs(),
        None,
    )))
}

/// Saves every walk that got both ratings, in one transaction; walks left blank stay unrated.
pub async fn needs_pain_submit(
    state: crate::authz::Scoped,
    Query(q): Query<PageQuery>,
    body: Bytes,
) -> Result<Response, PageError> {
    let fields = form(&body)?;
    let walks = unrated(&state).await?;
    let mut changes = Vec::new();
    for w in &walks {
        let before = fields.get(&format!("pain_before.{}", w.id));
        let peak = fields.get(&format!("pain_peak.{}", w.id));
        let (Some(before), Some(peak)) = (before, peak) else {
            if before.is_some() || peak.is_some() {
                let msg = format!(
                    "{} on {}: choose both the pain before and the worst pain during",
                    w.id, w.date
                );
                return Ok((
                    StatusCode::UNPROCESSABLE_ENTITY,
                    render(&needs_pain_page(&walks, &q.qs(), Some(msg))),
                )
                    .into_response());
            }
            continue;
        };
        let parse = |field: &str, v: &str| -> Result<Option<u8>, String> {
            Pain::parse(field, v)
                .map(|p| Some(u8::from(p)))
                .map_err(|e| format!("{}: {e}", w.id))
        };
        let rated = match (parse("pain_before", before), parse("pain_peak", peak)) {
            (Ok(b), Ok(p)) => journal::Walk {
                pain_before: b,
                pain_peak: p,
                leg_spread: match fields.get(&format!("leg_spread.{}", w.id)) {
                    Some("usual") => Some(LegSpread::Usual),
                    Some("further") => Some(LegSpread::Further),
                    _ => Some(LegSpread::None),
                },
                ..w.clone()
            },
            (Err(m), _) | (_, Err(m)) => {
                return Ok((
                    StatusCode::UNPROCESSABLE_ENTITY,
                    render(&needs_pain_page(&walks, &q.qs(), Some(m))),
                )
                    .into_response());
            }
        };
        // The version the page showed (a page without one: the walk as it is now).
        let read_at = fields
            .get(&format!("revision.{}", w.id))
            .and_then(Revision::parse)
            .unwrap_or_else(|| Revision::of(&Entry::Walk(w.clone())));
        changes.push(amble_store::Change::ReplaceAt(Entry::Walk(rated), read_at));
    }
    // A walk rated on the page that has since been rated elsewhere is no longer waiting.
    let gone = fields.0.iter().any(|(k, v)| {
        !v.trim().is_empty()
            && k.strip_prefix("pain_peak.")
                .is_some_and(|id| !walks.iter().any(|w| w.id == id))
    });
    let n = changes.len();
    let saved = if gone {
        Err(StoreError::Conflict { id: String::new() })
    } else if n > 0 {
        state
            .with_store(true, move |s| {
                s.map_or(Err(StoreError::Database("no store".into())), |s| {
                    s.apply(changes).map(|_| ())
                })
            })
            .await
    } else {
        Ok(())
    };
    match saved {
        Ok(()) => {}
        Err(StoreError::Conflict { .. }) => {
            let now = unrated(&state).await?;
            return Ok((
                StatusCode::CONFLICT,
                render(&needs_pain_page(
                    &now,
                    &q.qs(),
                    Some("some of these walks changed since you opened this page (on another page or device), so nothing was saved. These are the walks as they are now: rate them again.".into()),
                )),
            )
                .into_response());
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to(&with_qs(
        "/today",
        &q.qs(),
        &format!(
            "saved={n}+{}",
            amble_core::words::noun(n as u64, "rating", "ratings")
        ),
    ))
    .into_response())
}
