//! The coach's view (contract §12): the people linked to them, with plan status, last entry and
//! tiered, explained alerts. Thresholds a clinic can set (`amble serve --alert-...`).

use std::sync::Arc;

use amble_core::knowledge::KnowledgeBase;
use amble_store::accounts::User;
use amble_store::{Accounts, StoreError};
use jiff::civil::Date;
use serde::Serialize;

use crate::cache::{ListKey, Summary};

// The alerts and their thresholds are the core's (`content/coach.toml`); the web shows them.
pub use amble_core::coach::{Alert, AlertThresholds};

#[derive(Debug, Clone, Serialize)]
pub(crate) struct PersonRow {
    pub email: String,
    pub plan_status: Option<&'static str>,
    pub last_entry: Option<String>,
    pub alerts: Vec<Alert>,
}

impl PersonRow {
    /// The person's today page, their email URL-encoded (`ann+clinic@…` keeps its `+`).
    pub fn link(&self) -> String {
        format!("/today?person={}", crate::authz::url_encode(&self.email))
    }
}

/// A coach's list: as sent before (nothing changed), or rows to render with what they were made
/// from (`None`: an engine that does not tell versions with the list; not kept).
pub(crate) enum Listed {
    Kept(axum::body::Bytes),
    Made(Vec<PersonRow>, Option<ListKey>),
}

/// The coach's people, most urgent first: the list, the links and every journal's version in
/// one query; each journal's summary from its own cache, computed once per journal version (a
/// journal that did not change since the last view is not read at all).
pub(crate) fn people(
    app: &crate::AppState,
    pg: &Accounts,
    actor: &User,
    today: Date,
    kb: &KnowledgeBase,
    t: AlertThresholds,
    json: bool,
) -> Result<Listed, StoreError> {
    let linked = crate::authz::linked_journals(pg, actor)?;
    let key: Option<ListKey> = linked
        .iter()
        .map(|(p, _, v)| v.map(|v| (p.id, p.email.clone(), v)))
        .collect::<Option<Vec<_>>>()
        .map(|people| (today, t, people));
    if let Some(k) = &key
        && let Some(body) = app.lists().get((actor.id, json), k)
    {
        return Ok(Listed::Kept(body));
    }
    // Summaries already computed for these versions: no database read at all.
    let mut found: Vec<Option<Arc<Summary>>> = linked
        .iter()
        .map(|(person, _, version)| {
            let cache = app.journal_cache(person.journal.unwrap_or_default());
            version.and_then(|v| cache.summary_at(v, today, t))
        })
        .collect();
    // The journals that changed (or were never shown): read and summarised once each, on a
    // few threads (the first view after a server starts reads every one of them).
    let missing: Vec<usize> = (0..linked.len()).filter(|&i| found[i].is_none()).collect();
    if !missing.is_empty() {
        let threads = std::thread::available_parallelism()
            .map_or(1, std::num::NonZeroUsize::get)
            .clamp(1, 4)
            .min(missing.len());
        let chunk = missing.len().div_ceil(threads);
        let computed: Vec<Result<(usize, Arc<Summary>), StoreError>> =
            std::thread::scope(|scope| {
                let handles: Vec<_> = missing
                    .chunks(chunk)
                    .map(|part| {
                        let linked = &linked;
                        scope.spawn(move || {
                            part.iter()
                                .map(|&i| {
                                    let (person, db, _) = &linked[i];
                                    let cache =
                                        app.journal_cache(person.journal.unwrap_or_default());
                                    cache.summary(db, kb, today, t).map(|s| (i, s))
                                })
                                .collect::<Vec<_>>()
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .flat_map(|h| {
                        h.join().unwrap_or_else(|_| {
                            vec![Err(StoreError::Database(
                                "a journal's summary could not be made".into(),
                            ))]
                        })
                    })
                    .collect()
            });
        for c in computed {
            let (i, summary) = c?;
            found[i] = Some(summary);
        }
    }
    let mut rows = Vec::new();
    for ((person, _, _), summary) in linked.into_iter().zip(found) {
        let Some(summary) = summary else {
            return Err(StoreError::Database(format!(
                "no summary for person {}",
                person.id
            )));
        };
        rows.push(PersonRow {
            email: person.email,
            plan_status: summary.plan_status,
            last_entry: summary.last_entry.clone(),
            alerts: summary.alerts.clone(),
        });
    }
    rows.sort_by(|a, b| {
        let tier = |r: &PersonRow| r.alerts.first().map_or(9, |a| a.tier);
        tier(a).cmp(&tier(b)).then(a.email.cmp(&b.email))
    });
    Ok(Listed::Made(rows, key))
}

#[derive(askama::Template)]
#[template(path = "people.html")]
struct PeoplePage {
    title: String,
    nav: &'static str,
    qs: String,
    rows: Vec<PersonRow>,
}

/// `/people`: the coach's list as a page.
pub(crate) async fn people_page(
    axum::extract::State(app): axum::extract::State<crate::AppState>,
    signed: Option<axum::Extension<crate::authz::Signed>>,
) -> axum::response::Response {
    use askama::Template;
    use axum::response::IntoResponse;
    let Some((pg, actor)) = crate::authz::signed_in(&app, signed) else {
        return axum::response::Redirect::to("/").into_response();
    };
    let (today, kb, t) = (app.today(None), app.kb_arc(), app.alert_thresholds());
    let (app2, who) = (app.clone(), actor.id);
    let listed =
        tokio::task::spawn_blocking(move || people(&app2, &pg, &actor, today, &kb, t, false)).await;
    let error = || {
        (
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "the list could not be read",
        )
            .into_response()
    };
    let (rows, key) = match listed {
        Ok(Ok(Listed::Kept(body))) => return html(body),
        Ok(Ok(Listed::Made(rows, key))) => (rows, key),
        _ => return error(),
    };
    match (PeoplePage {
        title: "Your people".into(),
        nav: "",
        qs: String::new(),
        rows,
    })
    .render()
    {
        Ok(h) => {
            let body = axum::body::Bytes::from(h);
            if let Some(key) = key {
                app.lists().keep((who, false), key, body.clone());
            }
            html(body)
        }
        Err(e) => (axum::http::StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

fn html(body: axum::body::Bytes) -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        [(axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

fn page(
    title: &str,
    heading: &str,
    text: &str,
    form: Option<(String, &str)>,
) -> axum::response::Response {
    use askama::Template;
    use axum::response::IntoResponse;
    #[derive(askama::Template)]
    #[template(path = "invite.html")]
    struct InvitePage<'a> {
        title: String,
        nav: &'static str,
        qs: String,
        heading: &'a str,
        text: &'a str,
        form: Option<(String, &'a str)>,
    }
    match (InvitePage {
        title: title.into(),
        nav: "",
        qs: String::new(),
        heading,
        text,
        form,
    })
    .render()
    {
        Ok(h) => axum::response::Html(h).into_response(),
        Err(e) => (axum::http::StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

/// An invite that is unknown, used or expired (the same answer for each: no probing).
fn invite_gone() -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        axum::http::StatusCode::NOT_FOUND,
        page(
            "Join",
            "This invite does not work",
            "It may have been used already or be more than 7 days old: ask for a new one.",
            None,
        ),
    )
        .into_response()
}

/// `POST /people/invite`: a new invite link (valid 7 days, once) for the coach to send.
pub(crate) async fn invite(
    axum::extract::State(app): axum::extract::State<crate::AppState>,
    headers: axum::http::HeaderMap,
    signed: Option<axum::Extension<crate::authz::Signed>>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let Some((pg, actor)) = crate::authz::signed_in(&app, signed) else {
        return axum::response::Redirect::to("/").into_response();
    };
    let Ok(Ok(secret)) = tokio::task::spawn_blocking(move || pg.create_invite(&actor)).await else {
        return (
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "the invite could not be made",
        )
            .into_response();
    };
    let link = crate::admin::link(&app, &headers, &format!("/join/{secret}"));
    page(
        "Invite",
        "An invite link",
        &format!(
            "Send this link to the person you look after. It works once, for 7 days; they sign in with their own account and confirm: {link}"
        ),
        None,
    )
}

/// `GET /join/{secret}`: asks the signed-in person to confirm; `POST` links them to the coach.
pub(crate) async fn join_form(
    axum::extract::State(app): axum::extract::State<crate::AppState>,
    axum::extract::Path(secret): axum::extract::Path<String>,
    signed: Option<axum::Extension<crate::authz::Signed>>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let Some((pg, user)) = crate::authz::signed_in(&app, signed) else {
        return axum::response::Redirect::to("/").into_response();
    };
    let (s2, u2) = (secret.clone(), user.clone());
    // An invite bound to another email looks the same as one that is gone: no probing.
    let coach = tokio::task::spawn_blocking(move || pg.invite_for(&s2, &u2)).await;
    match coach {
        Ok(Ok(Some(coach))) if user.role == amble_core::access::Role::Person => page(
            "Join",
            "Share your journal?",
            &format!(
                "{} would be able to read your plan, journal, progress and report (not change them). You can ask them, or the clinic, to stop at any time.",
                coach.email
            ),
            Some((format!("/join/{secret}"), "Share with this coach")),
        ),
        Ok(Ok(Some(_))) => (
            axum::http::StatusCode::FORBIDDEN,
            "Only a person with a journal can accept an invite.",
        )
            .into_response(),
        _ => invite_gone(),
    }
}

pub(crate) async fn join_submit(
    axum::extract::State(app): axum::extract::State<crate::AppState>,
    axum::extract::Path(secret): axum::extract::Path<String>,
    signed: Option<axum::Extension<crate::authz::Signed>>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let Some((pg, user)) = crate::authz::signed_in(&app, signed) else {
        return axum::response::Redirect::to("/").into_response();
    };
    match tokio::task::spawn_blocking(move || pg.accept_invite(&secret, &user)).await {
        Ok(Ok(true)) => axum::response::Redirect::to("/today").into_response(),
        _ => invite_gone(),
    }
}

/// `POST /calendar/new`: a new secret address for the signed-in person's calendar feed (the
/// old one stops working).
pub(crate) async fn calendar_new(
    axum::extract::State(app): axum::extract::State<crate::AppState>,
    headers: axum::http::HeaderMap,
    signed: Option<axum::Extension<crate::authz::Signed>>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let Some((pg, user)) = crate::authz::signed_in(&app, signed) else {
        return axum::response::Redirect::to("/").into_response();
    };
    match tokio::task::spawn_blocking(move || pg.new_calendar_feed(&user)).await {
        Ok(Ok(secret)) => {
            let link = crate::admin::link(&app, &headers, &format!("/calendar/{secret}.ics"));
            page(
                "Calendar",
                "Your calendar address",
                &format!(
                    "Subscribe to this address in your calendar app: {link} . It shows only \"Walk\" and \"Amble check-in\". Anyone with the address can see those days, so keep it to yourself; making a new one stops this one."
                ),
                None,
            )
        }
        _ => (
            axum::http::StatusCode::FORBIDDEN,
            "Only a person with a journal has a calendar.",
        )
            .into_response(),
    }
}

/// `GET /calendar/{secret}.ics`: the feed of the person the live secret belongs to.
pub(crate) async fn calendar_feed(
    axum::extract::State(app): axum::extract::State<crate::AppState>,
    axum::extract::Path(file): axum::extract::Path<String>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let not_found = || (axum::http::StatusCode::NOT_FOUND, "no such calendar").into_response();
    let (Some(pg), Some(secret)) = (
        app.accounts().cloned(),
        file.strip_suffix(".ics").map(str::to_string),
    ) else {
        return not_found();
    };
    let (today, kb) = (app.today(None), app.kb_arc());
    let made = tokio::task::spawn_blocking(move || -> Result<Option<String>, StoreError> {
        let Some(user) = pg.calendar_feed_owner(&secret)? else {
            return Ok(None);
        };
        let Some(journal) = user.journal else {
            return Ok(None);
        };
        pg.audit(user.id, Some(user.id), "read", "GET /calendar feed")?;
        let entries = match pg.journal(journal).open_existing()? {
            Some(s) => amble_store::Store::list(&s)?,
            None => Vec::new(),
        };
        Ok(Some(crate::ics::calendar(&entries, today, &kb)))
    })
    .await;
    match made {
        Ok(Ok(Some(text))) => (
            [(
                axum::http::header::CONTENT_TYPE,
                "text/calendar; charset=utf-8",
            )],
            text,
        )
            .into_response(),
        Ok(Ok(None)) => not_found(),
        _ => (
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "the calendar could not be made",
        )
            .into_response(),
    }
}
