//! `/admin` (admins only; `authz` refuses everyone else): accounts, links, invites, API tokens
//! and the audit log with filters. Every change is a form POST, checked against forgery like
//! every other form (`security`), and recorded in the audit log as an `admin` action.

use amble_store::Accounts;
use amble_store::accounts::User;
use amble_store::admin::{
    AUDIT_LIMIT, AuditEntry, AuditFilter, InviteRow, LinkRow, TokenRow, UserRow,
};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::AppState;
use crate::authz::Signed;
use crate::forms::Fields;

/// A link that leaves the server: its full address when this server knows its own
/// (`auth::site`), else the path and what to put in front of it.
pub(crate) fn link(app: &AppState, headers: &HeaderMap, path: &str) -> String {
    match crate::auth::site(app, headers) {
        Some(site) => format!("{site}{path}"),
        None => format!(
            "{path} (after this server's address: start it with amble serve --public-url URL to have the whole link here)"
        ),
    }
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    title: String,
    nav: &'static str,
    qs: String,
    notice: Option<String>,
    error: Option<String>,
    users: Vec<UserRow>,
    links: Vec<LinkRow>,
    invites: Vec<InviteRow>,
    tokens: Vec<TokenRow>,
    audit: Vec<AuditEntry>,
    limit: u32,
    filter_user: String,
    filter_action: String,
    filter_from: String,
    filter_to: String,
}

#[derive(Deserialize, Default)]
pub(crate) struct AuditQuery {
    user: Option<String>,
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

fn text(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The filter from the query; bad dates are named (`from`, `to`).
fn filter(q: &AuditQuery) -> Result<AuditFilter, String> {
    let date = |name: &str, v: &Option<String>| {
        text(v)
            .map(|t| {
                amble_core::words::date(t)
                    .map_err(|e| format!("{name}: {e} (expected a date like 2026-03-02)"))
            })
            .transpose()
    };
    let user = text(&q.user).map(str::to_string);
    let action = text(&q.action).map(str::to_string);
    for (name, v) in [("user", &user), ("action", &action)] {
        if v.as_ref()
            .is_some_and(|s| s.chars().count() > 254 || s.chars().any(char::is_control))
        {
            return Err(format!(
                "{name}: at most 254 characters, no control characters"
            ));
        }
    }
    let (from, to) = (date("from", &q.from)?, date("to", &q.to)?);
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        return Err(format!("from: {f} is after to: {t}"));
    }
    Ok(AuditFilter {
        user,
        action,
        from,
        to,
    })
}

fn signed(app: &AppState, signed: Option<axum::Extension<Signed>>) -> Option<(Accounts, User)> {
    crate::authz::signed_in(app, signed).filter(|(_, u)| u.role == amble_core::access::Role::Admin)
}

fn refused() -> Response {
    (
        StatusCode::FORBIDDEN,
        "Not allowed: this page is for admins.",
    )
        .into_response()
}

fn failed() -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "the admin page could not be made",
    )
        .into_response()
}

/// Renders the page (with `notice` after a change, `error` for a bad filter).
async fn render(
    pg: Accounts,
    q: AuditQuery,
    notice: Option<String>,
    problem: Option<String>,
    status: StatusCode,
) -> Response {
    let (f, error, status) = match filter(&q) {
        Ok(f) => (f, problem, status),
        Err(e) => (
            AuditFilter::default(),
            Some(e),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    };
    let lists = tokio::task::spawn_blocking(move || {
        Ok::<_, amble_store::StoreError>((
            pg.users()?,
            pg.links()?,
            pg.invites()?,
            pg.tokens()?,
            pg.audit_list(&f)?,
        ))
    })
    .await;
    let Ok(Ok((users, links, invites, tokens, audit))) = lists else {
        return failed();
    };
    let value = |v: Option<String>| v.unwrap_or_default();
    let page = AdminPage {
        title: "Administration".into(),
        nav: "",
        qs: String::new(),
        notice,
        error,
        users,
        links,
        invites,
        tokens,
        audit,
        limit: AUDIT_LIMIT,
        filter_user: value(q.user),
        filter_action: value(q.action),
        filter_from: value(q.from),
        filter_to: value(q.to),
    };
    match page.render() {
        Ok(h) => (status, Html(h)).into_response(),
        Err(_) => failed(),
    }
}

/// `GET /admin[?user=&action=&from=&to=]`.
pub(crate) async fn page(
    State(app): State<AppState>,
    s: Option<axum::Extension<Signed>>,
    q: Result<Query<AuditQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Some((pg, _)) = signed(&app, s) else {
        return refused();
    };
    let q = match q {
        Ok(Query(q)) => q,
        Err(_) => {
            return render(
                pg,
                AuditQuery::default(),
                None,
                Some("the filters could not be read: user, action, from and to, once each".into()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    render(pg, q, None, None, StatusCode::OK).await
}

/// Runs one change as the signed-in admin and records it; then back to the page (303), or the
/// page with the message of what was wrong (422) or not found (404).
async fn change(
    app: AppState,
    s: Option<axum::Extension<Signed>>,
    body: Bytes,
    act: impl FnOnce(
        &Accounts,
        &User,
        &Fields,
    ) -> Result<Result<String, String>, amble_store::StoreError>
    + Send
    + 'static,
) -> Response {
    let Some((pg, admin)) = signed(&app, s) else {
        return refused();
    };
    let Ok(fields) = Fields::parse(&body) else {
        return (StatusCode::BAD_REQUEST, "the form could not be read").into_response();
    };
    let pg2 = pg.clone();
    let done = tokio::task::spawn_blocking(move || {
        let out = act(&pg2, &admin, &fields)?;
        if let Ok(what) = &out {
            pg2.audit(admin.id, None, "admin", what)?;
        }
        Ok::<_, amble_store::StoreError>(out)
    })
    .await;
    match done {
        Ok(Ok(Ok(_))) => Redirect::to("/admin").into_response(),
        Ok(Ok(Err(msg))) => {
            render(
                pg,
                AuditQuery::default(),
                None,
                Some(msg),
                StatusCode::NOT_FOUND,
            )
            .await
        }
        Ok(Err(amble_store::StoreError::Invalid { id, message })) => {
            render(
                pg,
                AuditQuery::default(),
                None,
                Some(format!("{id}: {message}")),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        _ => failed(),
    }
}

fn field<'a>(f: &'a Fields, name: &str) -> Result<&'a str, amble_store::StoreError> {
    f.get(name)
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| amble_store::StoreError::Invalid {
            id: name.into(),
            message: "is missing".into(),
        })
}

/// The account with this email (from the form's field `name`), or what to say.
fn account(
    pg: &Accounts,
    f: &Fields,
    name: &str,
) -> Result<Result<User, String>, amble_store::StoreError> {
    let email = field(f, name)?;
    Ok(pg
        .user(email)?
        .ok_or_else(|| format!("{name}: there is no account {email}")))
}

/// `POST /admin/invite` `email=` (optional): a new invite link from the admin, shown once.
pub(crate) async fn invite(
    State(app): State<AppState>,
    headers: HeaderMap,
    s: Option<axum::Extension<Signed>>,
    body: Bytes,
) -> Response {
    let Some((pg, admin)) = signed(&app, s) else {
        return refused();
    };
    let Ok(fields) = Fields::parse(&body) else {
        return (StatusCode::BAD_REQUEST, "the form could not be read").into_response();
    };
    let email = fields
        .get("email")
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_string);
    let pg2 = pg.clone();
    let e2 = email.clone();
    let made = tokio::task::spawn_blocking(move || {
        let secret = pg2.create_invite_for(&admin, e2.as_deref())?;
        let id = &amble_store::accounts::secret_hash(&secret)[..amble_store::admin::ID_LEN];
        let bound = e2
            .as_deref()
            .map(|e| format!(" for {}", e.to_lowercase()))
            .unwrap_or_default();
        pg2.audit(admin.id, None, "admin", &format!("invite {id}{bound}"))?;
        Ok::<_, amble_store::StoreError>(secret)
    })
    .await;
    match made {
        Ok(Ok(secret)) => {
            let who = match &email {
                Some(e) => format!("Only {} can accept it.", e.trim().to_lowercase()),
                None => "Anyone with an account who has it can accept it.".into(),
            };
            let notice = format!(
                "A new invite link (shown this once; it works once, for {} days): {} . {who}",
                amble_store::accounts::INVITE_DAYS,
                link(&app, &headers, &format!("/join/{secret}"))
            );
            render(
                pg,
                AuditQuery::default(),
                Some(notice),
                None,
                StatusCode::OK,
            )
            .await
        }
        Ok(Err(amble_store::StoreError::Invalid { id, message })) => {
            render(
                pg,
                AuditQuery::default(),
                None,
                Some(format!("{id}: {message}")),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        _ => failed(),
    }
}

/// `POST /admin/invite/revoke` `id=`.
pub(crate) async fn revoke_invite(
    State(app): State<AppState>,
    s: Option<axum::Extension<Signed>>,
    body: Bytes,
) -> Response {
    change(app, s, body, |pg, _, f| {
        let id = field(f, "id")?;
        Ok(if pg.revoke_invite(id)? {
            Ok(format!("revoke invite {}", id.to_lowercase()))
        } else {
            Err(format!("id: no open invite {id}"))
        })
    })
    .await
}

/// `POST /admin/token/revoke` `id=`.
pub(crate) async fn revoke_token(
    State(app): State<AppState>,
    s: Option<axum::Extension<Signed>>,
    body: Bytes,
) -> Response {
    change(app, s, body, |pg, _, f| {
        let id = field(f, "id")?;
        Ok(if pg.revoke_token_id(id)? {
            Ok(format!("revoke token {}", id.to_lowercase()))
        } else {
            Err(format!("id: no live API token {id}"))
        })
    })
    .await
}

async fn set_disabled(
    app: AppState,
    s: Option<axum::Extension<Signed>>,
    body: Bytes,
    disabled: bool,
) -> Response {
    change(app, s, body, move |pg, admin, f| {
        let user = match account(pg, f, "email")? {
            Ok(u) => u,
            Err(msg) => return Ok(Err(msg)),
        };
        if disabled && user.id == admin.id {
            return Err(amble_store::StoreError::Invalid {
                id: "email".into(),
                message: "an admin cannot disable their own account here (amble user disable can)"
                    .into(),
            });
        }
        pg.set_disabled(user.id, disabled)?;
        Ok(Ok(format!(
            "{} {}",
            if disabled { "disable" } else { "enable" },
            user.email
        )))
    })
    .await
}

/// `POST /admin/user/disable` `email=`: sign-in refused, sessions and tokens ended, data kept.
pub(crate) async fn disable(
    State(app): State<AppState>,
    s: Option<axum::Extension<Signed>>,
    body: Bytes,
) -> Response {
    set_disabled(app, s, body, true).await
}

/// `POST /admin/user/enable` `email=`.
pub(crate) async fn enable(
    State(app): State<AppState>,
    s: Option<axum::Extension<Signed>>,
    body: Bytes,
) -> Response {
    set_disabled(app, s, body, false).await
}

/// `POST /admin/unlink` `coach=&person=`.
pub(crate) async fn unlink(
    State(app): State<AppState>,
    s: Option<axum::Extension<Signed>>,
    body: Bytes,
) -> Response {
    change(app, s, body, |pg, _, f| {
        let coach = match account(pg, f, "coach")? {
            Ok(u) => u,
            Err(msg) => return Ok(Err(msg)),
        };
        let person = match account(pg, f, "person")? {
            Ok(u) => u,
            Err(msg) => return Ok(Err(msg)),
        };
        Ok(if pg.unlink(coach.id, person.id)? {
            Ok(format!("unlink {} from {}", coach.email, person.email))
        } else {
            Err(format!("{} is not linked to {}", coach.email, person.email))
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(user: &str, from: &str, to: &str) -> AuditQuery {
        let some = |s: &str| Some(s.to_string());
        AuditQuery {
            user: some(user),
            action: None,
            from: some(from),
            to: some(to),
        }
    }

    #[test]
    fn audit_filters_are_checked_and_named() {
        let f =
            filter(&q(" ann@x.org ", "2026-03-01", "2026-03-02")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(f.user.as_deref(), Some("ann@x.org"));
        assert_eq!(f.from, Some(jiff::civil::date(2026, 3, 1)));
        let empty = filter(&q("", "", "")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(empty, AuditFilter::default());
        let e = filter(&q("", "2026-02-30", "")).err().unwrap_or_default();
        assert!(e.starts_with("from:"), "{e}");
        let e = filter(&q("", "2026-03-02", "2026-03-01"))
            .err()
            .unwrap_or_default();
        assert!(e.contains("after"), "{e}");
        let e = filter(&q("a\u{0}b", "", "")).err().unwrap_or_default();
        assert!(e.starts_with("user:"), "{e}");
    }
}
