//! The coach's view (contract §12): the people linked to them, with plan status, last entry and
//! tiered, explained alerts. Thresholds a clinic can set (`amble serve --alert-...`).

use amble_core::journal::Entry;
use amble_core::knowledge::KnowledgeBase;
use amble_core::plan::{self, DecisionKind};
use amble_store::accounts::User;
use amble_store::{Accounts, StoreError};
use jiff::civil::Date;
use serde::Serialize;

/// When a person needs attention. Defaults: a rise of 2 points (the smallest change people
/// notice in pain), a rating of 7 or more, two weeks without an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlertThresholds {
    pub pain_rise: u8,
    pub pain_high: u8,
    pub quiet_days: i64,
}

impl Default for AlertThresholds {
    fn default() -> Self {
        AlertThresholds {
            pain_rise: 2,
            pain_high: 7,
            quiet_days: 14,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Alert {
    /// 1: warning signs and new symptoms; 2: flares and pain; 3: gone quiet.
    pub tier: u8,
    pub text: String,
}

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

/// Every pain rating with its date: mornings, before and worst of walks, check-ins.
fn ratings(entries: &[Entry]) -> Vec<(Date, u8)> {
    let mut out = Vec::new();
    for e in entries {
        match e {
            Entry::Morning(m) => out.push((m.date, m.pain)),
            Entry::Walk(w) => {
                out.extend(w.pain_before.map(|p| (w.date, p)));
                out.extend(w.pain_peak.map(|p| (w.date, p)));
            }
            Entry::Checkin(c) => out.extend(c.pain.map(|p| (c.date, p))),
            _ => {}
        }
    }
    out
}

/// The alerts for one journal as of `today`, most urgent first.
pub(crate) fn alerts(
    entries: &[Entry],
    replayed: Option<&plan::Replay>,
    today: Date,
    t: AlertThresholds,
) -> Vec<Alert> {
    let mut out = Vec::new();
    if let Some(r) = replayed {
        if r.plan.decision.kind == DecisionKind::Suspend {
            out.push(Alert {
                tier: 1,
                text: r
                    .plan
                    .decision
                    .because
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "the plan is suspended".into()),
            });
        } else if r.assessment.tier() >= amble_core::Tier::Soon {
            out.push(Alert {
                tier: 1,
                text: format!(
                    "warning signs at the check-up ({})",
                    r.assessment.tier().as_str()
                ),
            });
        }
        if r.history
            .last()
            .is_some_and(|h| h.decision.kind == DecisionKind::Flare)
        {
            out.push(Alert {
                tier: 2,
                text: "a flare in the last week".into(),
            });
        }
    }
    let days = |d: Date| (today - d).get_days();
    let r = ratings(entries);
    let recent: Vec<f64> = r
        .iter()
        .filter(|(d, _)| (0..7).contains(&days(*d)))
        .map(|(_, p)| f64::from(*p))
        .collect();
    let before: Vec<f64> = r
        .iter()
        .filter(|(d, _)| (7..28).contains(&days(*d)))
        .map(|(_, p)| f64::from(*p))
        .collect();
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    if !recent.is_empty()
        && !before.is_empty()
        && mean(&recent) - mean(&before) >= f64::from(t.pain_rise)
    {
        out.push(Alert {
            tier: 2,
            text: format!(
                "pain rose by {:.1} points this week (alert at {})",
                mean(&recent) - mean(&before),
                t.pain_rise
            ),
        });
    }
    if let Some(high) = r
        .iter()
        .filter(|(d, _)| (0..7).contains(&days(*d)))
        .map(|(_, p)| *p)
        .max()
        && high >= t.pain_high
    {
        out.push(Alert {
            tier: 2,
            text: format!("pain of {high}/10 this week (alert at {})", t.pain_high),
        });
    }
    let last = entries.iter().map(Entry::date).max();
    if last.is_none_or(|d| i64::from(days(d)) >= t.quiet_days) {
        out.push(Alert {
            tier: 3,
            text: format!("no entries for {} days or more", t.quiet_days),
        });
    }
    out.sort_by_key(|a| a.tier);
    out
}

/// The coach's people, most urgent first (each journal opened through the same check, read
/// through its own cache).
pub(crate) fn people(
    app: &crate::AppState,
    pg: &Accounts,
    actor: &User,
    today: Date,
    kb: &KnowledgeBase,
    t: AlertThresholds,
) -> Result<Vec<PersonRow>, StoreError> {
    let mut rows = Vec::new();
    for (person, db) in crate::authz::linked_journals(pg, actor)? {
        let key = person.journal.unwrap_or_default();
        let (replayed, entries) = app.journal_cache(key).replay(&db, kb, today)?;
        rows.push(PersonRow {
            email: person.email,
            plan_status: replayed.as_ref().map(|r| r.plan.status.as_str()),
            last_entry: entries.iter().map(Entry::date).max().map(|d| d.to_string()),
            alerts: alerts(&entries, replayed.as_deref(), today, t),
        });
    }
    rows.sort_by(|a, b| {
        let tier = |r: &PersonRow| r.alerts.first().map_or(9, |a| a.tier);
        tier(a).cmp(&tier(b)).then(a.email.cmp(&b.email))
    });
    Ok(rows)
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
    let app2 = app.clone();
    let rows = tokio::task::spawn_blocking(move || people(&app2, &pg, &actor, today, &kb, t)).await;
    match rows {
        Ok(Ok(rows)) => match (PeoplePage {
            title: "Your people".into(),
            nav: "",
            qs: String::new(),
            rows,
        })
        .render()
        {
            Ok(h) => axum::response::Html(h).into_response(),
            Err(e) => {
                (axum::http::StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response()
            }
        },
        _ => (
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "the list could not be read",
        )
            .into_response(),
    }
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
