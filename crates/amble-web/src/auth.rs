//! Signing in and out (contract §12): `/login` for people, `POST /api/v1/session` for scripts
//! and apps, `DELETE /api/v1/session` and `POST /logout` to end every session of the account
//! (`DELETE /api/v1/session` with a bearer token revokes that token).
//! Sessions live in the database (any server process accepts them); the cookie is HttpOnly,
//! SameSite=Lax, and Secure when the request came over TLS (`X-Forwarded-Proto: https` from the
//! proxy). Wrong passwords slow down the account and address pair they came from with growing
//! delays, and too many from one address slow that address (429 with `Retry-After`); nothing
//! locks an account (`amble_store::admin`). Password checks run at most one per CPU at a time
//! (a semaphore), and each sign-in answer says how long its check took
//! (`Server-Timing: password;dur=MS`).

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::AppState;
use crate::client::ClientAddr;
use crate::credentials::{SESSION_COOKIE, bearer_token, session_cookie};
use crate::forms::Fields;

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

/// Whether the request came over TLS (the proxy says `X-Forwarded-Proto: https`).
pub(crate) fn behind_tls(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"))
}

/// This site's address for links that leave it (invites, calendars): `--public-url`; else the
/// request's `Host` only where the security layer has checked it (no accounts: loopback only;
/// `--lan`: this computer's names); else `None` (links are then shown as paths).
pub(crate) fn site(app: &AppState, headers: &HeaderMap) -> Option<String> {
    if let Some(url) = app.public_url() {
        return Some(url.origin().to_string());
    }
    if app.accounts().is_some() && app.lan_hosts().is_none() {
        return None;
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok())?;
    let scheme = if behind_tls(headers) { "https" } else { "http" };
    Some(format!("{scheme}://{host}"))
}

fn cookie(app: &AppState, headers: &HeaderMap, secret: &str, max_age: i64) -> HeaderValue {
    let secure = behind_tls(headers) || app.public_url().is_some_and(|u| u.https());
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
    /// Wait this many seconds.
    TooMany(u32),
    NoAccounts,
    Error,
}

/// The client's address as decided by `client::layer` (`unknown` without one).
fn address(client: Option<&axum::Extension<ClientAddr>>) -> String {
    client.map_or_else(|| "unknown".to_string(), |c| c.0.0.clone())
}

/// Signs in: the throttle first (no password is checked while a delay runs), then the check,
/// one per CPU at a time. Also how long the check took, milliseconds.
async fn sign_in(
    app: &AppState,
    addr: String,
    email: String,
    password: String,
) -> (Outcome, Option<f64>) {
    let Some(pg) = app.accounts().cloned() else {
        return (Outcome::NoAccounts, None);
    };
    let (pg2, email2, addr2) = (pg.clone(), email.clone(), addr.clone());
    match tokio::task::spawn_blocking(move || pg2.sign_in_wait(&email2, &addr2)).await {
        Ok(Ok(None)) => {}
        Ok(Ok(Some(wait))) => return (Outcome::TooMany(wait), None),
        _ => return (Outcome::Error, None),
    }
    let Ok(_permit) = app.hashing().acquire_owned().await else {
        return (Outcome::Error, None);
    };
    let checked = tokio::task::spawn_blocking(move || {
        // Again, now that it is this request's turn: tries that queued together do not all
        // slip past one delay.
        match pg.sign_in_wait(&email, &addr) {
            Ok(None) => {}
            Ok(Some(wait)) => return (Outcome::TooMany(wait), None),
            Err(_) => return (Outcome::Error, None),
        }
        let started = std::time::Instant::now();
        let user = pg.check_password(&email, &password);
        let took = started.elapsed().as_secs_f64() * 1000.0;
        let outcome = match user {
            Ok(Some(user)) => {
                let _ = pg.sign_in_succeeded(&email, &addr);
                match pg.create_session(user.id) {
                    Ok(secret) => {
                        crate::audit_events::signed_in(&pg, &user, &addr);
                        Outcome::SignedIn(secret, user)
                    }
                    Err(_) => Outcome::Error,
                }
            }
            Ok(None) => match pg.sign_in_failed(&email, &addr) {
                Ok(()) => {
                    crate::audit_events::sign_in_failed(&pg, &email, &addr);
                    Outcome::Wrong
                }
                Err(_) => Outcome::Error,
            },
            Err(_) => Outcome::Error,
        };
        (outcome, Some(took))
    })
    .await;
    checked.unwrap_or((Outcome::Error, None))
}

/// `Server-Timing` and, when throttled, `Retry-After`.
fn mark(mut r: Response, outcome_wait: Option<u32>, took: Option<f64>) -> Response {
    if let Some(ms) = took
        && let Ok(v) = HeaderValue::from_str(&format!("password;dur={ms:.1}"))
    {
        r.headers_mut().insert("server-timing", v);
    }
    if let Some(wait) = outcome_wait {
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(wait));
    }
    r
}

fn wait_words(wait: u32) -> String {
    match wait {
        1 => "1 second".to_string(),
        s if s < 120 => format!("{s} seconds"),
        s => format!("{} minutes", s.div_ceil(60)),
    }
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
    client: Option<axum::Extension<ClientAddr>>,
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
    let (outcome, took) = sign_in(&app, address(client.as_ref()), email.clone(), password).await;
    let wait = match outcome {
        Outcome::TooMany(w) => Some(w),
        _ => None,
    };
    let r = match outcome {
        Outcome::SignedIn(secret, user) => {
            // A coach or admin has no journal of their own: a coach's home is the list of
            // people, an admin's the admin page.
            let next = match user.role {
                _ if next != "/" => next,
                amble_core::access::Role::Person => next,
                amble_core::access::Role::Coach => "/people".to_string(),
                amble_core::access::Role::Admin => "/admin".to_string(),
            };
            let mut r = Redirect::to(&next).into_response();
            r.headers_mut().insert(
                header::SET_COOKIE,
                cookie(&app, &headers, &secret, 14 * 86_400),
            );
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
        Outcome::TooMany(w) => (
            StatusCode::TOO_MANY_REQUESTS,
            page(
                &next,
                &email,
                Some(format!(
                    "Too many wrong passwords from here: please wait {} and try again.",
                    wait_words(w)
                )),
            ),
        )
            .into_response(),
        Outcome::NoAccounts => Redirect::to("/").into_response(),
        Outcome::Error => (StatusCode::INTERNAL_SERVER_ERROR, "signing in failed").into_response(),
    };
    mark(r, wait, took)
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
    client: Option<axum::Extension<ClientAddr>>,
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
    let (outcome, took) = sign_in(&app, address(client.as_ref()), b.email, b.password).await;
    let wait = match outcome {
        Outcome::TooMany(w) => Some(w),
        _ => None,
    };
    let r = match outcome {
        Outcome::SignedIn(secret, user) => {
            let mut r =
                axum::Json(serde_json::json!({"email": user.email, "role": user.role.as_str()}))
                    .into_response();
            r.headers_mut().insert(
                header::SET_COOKIE,
                cookie(&app, &headers, &secret, 14 * 86_400),
            );
            r
        }
        Outcome::Wrong => (
            StatusCode::UNAUTHORIZED,
            axum::Json(serde_json::json!({"error": "wrong email or password"})),
        )
            .into_response(),
        Outcome::TooMany(w) => (
            StatusCode::TOO_MANY_REQUESTS,
            axum::Json(serde_json::json!({"error": format!(
                "too many wrong passwords from this address; try again in {}",
                wait_words(w)
            )})),
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
    };
    mark(r, wait, took)
}

async fn end(app: &AppState, headers: &HeaderMap) {
    let Some(pg) = app.accounts().cloned() else {
        return;
    };
    let cookie = session_cookie(headers);
    let token = bearer_token(headers);
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
        .insert(header::SET_COOKIE, cookie(&app, &headers, "", 0));
    r
}

/// `POST /logout`: signs out everywhere and goes to the sign-in page.
pub(crate) async fn logout(State(app): State<AppState>, headers: HeaderMap) -> Response {
    end(&app, &headers).await;
    let mut r = Redirect::to("/login").into_response();
    r.headers_mut()
        .insert(header::SET_COOKIE, cookie(&app, &headers, "", 0));
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
