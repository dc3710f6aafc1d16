//! Signing in and out (contract §12): `/login` for people, `POST /api/v1/session` for scripts
//! and apps, `DELETE /api/v1/session` and `POST /logout` to end every session of the account
//! (`DELETE /api/v1/session` with a bearer token revokes that token).
//! Sessions live in the database (any server process accepts them); the cookie is HttpOnly,
//! SameSite=Lax, and Secure when the request came over TLS (`X-Forwarded-Proto: https` from the
//! proxy). Too many wrong passwords for an account or from an address answer 429.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::AppState;
use crate::forms::Fields;

pub(crate) const SESSION_COOKIE: &str = "amble_session";

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    title: String,
    nav: &'static str,
    qs: String,
    next: String,
    email: String,
    error: Option<String>,
}

fn page(next: &str, email: &str, error: Option<String>) -> Response {
    let p = LoginPage {
        title: "Sign in".into(),
        nav: "",
        qs: String::new(),
        next: next.into(),
        email: email.into(),
        error,
    };
    match p.render() {
        Ok(h) => Html(h).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

/// Only a path on this site: never another site (`//evil`, `https://...`), and nothing a
/// browser might clean up into one: no control characters (`/\t/evil` becomes `//evil` once
/// the tab is dropped), no backslashes, no spaces.
pub(crate) fn safe_next(next: &str) -> String {
    if next.starts_with('/')
        && !next.starts_with("//")
        && !next
            .chars()
            .any(|c| c == '\\' || c.is_control() || c.is_whitespace())
    {
        next.to_string()
    } else {
        "/".into()
    }
}

fn address(headers: &HeaderMap) -> String {
    headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map_or("direct".to_string(), |a| a.trim().to_string())
}

/// Whether the request came over TLS (the proxy says `X-Forwarded-Proto: https`).
pub(crate) fn behind_tls(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"))
}

/// This site's address as the request saw it (for links to send: invites, calendars).
pub(crate) fn site(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let scheme = if behind_tls(headers) { "https" } else { "http" };
    format!("{scheme}://{host}")
}

fn cookie(headers: &HeaderMap, secret: &str, max_age: i64) -> HeaderValue {
    let secure = behind_tls(headers);
    let text = format!(
        "{SESSION_COOKIE}={secret}; HttpOnly; SameSite=Lax; Path=/; Max-Age={max_age}{}",
        if secure { "; Secure" } else { "" }
    );
    HeaderValue::from_str(&text)
        .unwrap_or_else(|_| HeaderValue::from_static("amble_session=; Max-Age=0"))
}

enum Outcome {
    SignedIn(String, amble_store::accounts::User),
    Wrong,
    TooMany,
    NoAccounts,
    Error,
}

async fn sign_in(app: &AppState, headers: &HeaderMap, email: String, password: String) -> Outcome {
    let Some(pg) = app.accounts().cloned() else {
        return Outcome::NoAccounts;
    };
    let addr = address(headers);
    tokio::task::spawn_blocking(move || {
        match pg.too_many_failures(&email, &addr) {
            Ok(true) => return Outcome::TooMany,
            Ok(false) => {}
            Err(_) => return Outcome::Error,
        }
        match pg.check_password(&email, &password) {
            Ok(Some(user)) => match pg.create_session(user.id) {
                Ok(secret) => {
                    crate::audit_events::signed_in(&pg, &user, &addr);
                    Outcome::SignedIn(secret, user)
                }
                Err(_) => Outcome::Error,
            },
            Ok(None) => {
                let _ = pg.record_failure(&email, &addr);
                crate::audit_events::sign_in_failed(&pg, &email, &addr);
                Outcome::Wrong
            }
            Err(_) => Outcome::Error,
        }
    })
    .await
    .unwrap_or(Outcome::Error)
}

#[derive(Deserialize, Default)]
pub(crate) struct LoginQuery {
    next: Option<String>,
}

pub(crate) async fn login_form(
    State(app): State<AppState>,
    axum::extract::Query(q): axum::extract::Query<LoginQuery>,
) -> Response {
    if app.accounts().is_none() {
        return Redirect::to("/").into_response();
    }
    page(&safe_next(q.next.as_deref().unwrap_or("/")), "", None)
}

pub(crate) async fn login_submit(
    State(app): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Ok(f) = Fields::parse(&body) else {
        return (StatusCode::BAD_REQUEST, "the form could not be read").into_response();
    };
    let email = f.get("email").unwrap_or("").to_string();
    let next = safe_next(f.get("next").unwrap_or("/"));
    let password =
        f.0.iter()
            .find(|(k, _)| k == "password")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
    match sign_in(&app, &headers, email.clone(), password).await {
        Outcome::SignedIn(secret, user) => {
            // A coach or admin has no journal of their own: their home is the list of people.
            let next = if next == "/" && user.role != amble_core::access::Role::Person {
                "/people".to_string()
            } else {
                next
            };
            let mut r = Redirect::to(&next).into_response();
            r.headers_mut()
                .insert(header::SET_COOKIE, cookie(&headers, &secret, 14 * 86_400));
            r
        }
        Outcome::Wrong => (
            StatusCode::UNAUTHORIZED,
            page(
                &next,
                &email,
                Some("That email and password do not match an account.".into()),
            ),
        )
            .into_response(),
        Outcome::TooMany => (
            StatusCode::TOO_MANY_REQUESTS,
            page(
                &next,
                &email,
                Some("Too many wrong passwords: please wait 15 minutes and try again.".into()),
            ),
        )
            .into_response(),
        Outcome::NoAccounts => Redirect::to("/").into_response(),
        Outcome::Error => (StatusCode::INTERNAL_SERVER_ERROR, "signing in failed").into_response(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SessionBody {
    email: String,
    password: String,
}

/// `POST /api/v1/session` `{"email", "password"}`.
pub(crate) async fn session_create(
    State(app): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Ok(b) = serde_json::from_slice::<SessionBody>(&body) else {
        return (
            StatusCode::BAD_REQUEST,
            axum::Json(
                serde_json::json!({"error": "expected {\"email\": ..., \"password\": ...}"}),
            ),
        )
            .into_response();
    };
    match sign_in(&app, &headers, b.email, b.password).await {
        Outcome::SignedIn(secret, user) => {
            let mut r =
                axum::Json(serde_json::json!({"email": user.email, "role": user.role.as_str()}))
                    .into_response();
            r.headers_mut()
                .insert(header::SET_COOKIE, cookie(&headers, &secret, 14 * 86_400));
            r
        }
        Outcome::Wrong => (
            StatusCode::UNAUTHORIZED,
            axum::Json(serde_json::json!({"error": "wrong email or password"})),
        )
            .into_response(),
        Outcome::TooMany => (
            StatusCode::TOO_MANY_REQUESTS,
            axum::Json(serde_json::json!({"error": "too many wrong passwords; wait 15 minutes"})),
        )
            .into_response(),
        Outcome::NoAccounts => (
            StatusCode::NOT_FOUND,
            axum::Json(serde_json::json!({"error": "this server has no accounts"})),
        )
            .into_response(),
        Outcome::Error => (
            StatusCode::INTERNAL_SERVER_ERROR,
            axum::Json(serde_json::json!({"error": "signing in failed"})),
        )
            .into_response(),
    }
}

async fn end(app: &AppState, headers: &HeaderMap) {
    let Some(pg) = app.accounts().cloned() else {
        return;
    };
    let cookie = crate::authz::session_cookie(headers);
    let token = crate::authz::bearer_token(headers);
    let _ = tokio::task::spawn_blocking(move || {
        // A bearer token is revoked (it works no more, on every server); a session cookie ends
        // every session of its account.
        if let Some(token) = token {
            pg.revoke_token(&token)?;
        }
        if let Some(secret) = cookie {
            pg.end_sessions(&secret)?;
        }
        Ok::<(), amble_store::StoreError>(())
    })
    .await;
}

/// `DELETE /api/v1/session`: signs out everywhere; with a bearer token, that token is revoked.
pub(crate) async fn session_delete(State(app): State<AppState>, headers: HeaderMap) -> Response {
    end(&app, &headers).await;
    let mut r = axum::Json(serde_json::json!({"signed_out": true})).into_response();
    r.headers_mut()
        .insert(header::SET_COOKIE, cookie(&headers, "", 0));
    r
}

/// `POST /logout`: signs out everywhere and goes to the sign-in page.
pub(crate) async fn logout(State(app): State<AppState>, headers: HeaderMap) -> Response {
    end(&app, &headers).await;
    let mut r = Redirect::to("/login").into_response();
    r.headers_mut()
        .insert(header::SET_COOKIE, cookie(&headers, "", 0));
    r
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_is_a_path_on_this_site_only() {
        for good in ["/", "/plan", "/people?person=ann%2Bc%40x.org"] {
            assert_eq!(safe_next(good), good);
        }
        for bad in [
            "//evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "https://evil.example",
            "evil.example",
            "/\u{0}/x",
            "/ /evil.example",
            "",
        ] {
            assert_eq!(safe_next(bad), "/", "{bad:?}");
        }
    }
}
