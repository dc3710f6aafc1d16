//! The phone (contract §13): the installable app (the manifest, icons, the service worker) and
//! the script that sends logs with `fetch` and keeps the ones that could not be sent.
//!
//! Whose pages a service worker may keep: every HTML answer names the account it was made for
//! in the header `X-Amble-Account` (`local` without accounts, `u<ID>` for a signed-in user,
//! `none` when nobody is signed in), and the page carries the same key in `data-account`. The
//! worker keeps pages per account and forgets every other account's pages as soon as another
//! one (or nobody) answers; the offline queue sends a log only while the account that wrote it
//! is signed in. The page cache of the server is keyed by the account too, because the page
//! names it.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;

/// The signed-in user of a request (set by the check in `authz`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Account(pub i64);

tokio::task_local! {
    static ACCOUNT: String;
    static SERVED: bool;
}

/// Whether this is a server with accounts for others (not `--lan`, one's own phone): the
/// footer then does not say the data stays on this computer.
pub fn on_a_server() -> bool {
    SERVED.try_with(|s| *s).unwrap_or(false)
}

/// The account key of the request being answered: `local` without accounts, `u<ID>` for a
/// signed-in user, empty when nobody is signed in (pages read it while they render).
pub fn account_key() -> String {
    ACCOUNT.try_with(Clone::clone).unwrap_or_default()
}

/// Whether someone is signed in on a server with accounts (the sign-out control shows).
pub fn signed_in() -> bool {
    account_key().starts_with('u')
}

/// Routes open without signing in: the browser fetches the manifest and its icons without
/// credentials, and the worker's script before anyone signs in.
pub(crate) fn open_route(path: &str) -> bool {
    matches!(path, "/manifest.webmanifest" | "/sw.js" | "/favicon.ico")
}

/// Makes the account key known to the pages being rendered and names it on HTML answers.
pub(crate) async fn layer(State(app): State<AppState>, req: Request, next: Next) -> Response {
    let key = if app.accounts().is_none() {
        "local".to_string()
    } else {
        req.extensions()
            .get::<Account>()
            .map_or(String::new(), |Account(id)| format!("u{id}"))
    };
    let shown = if key.is_empty() {
        "none".to_string()
    } else {
        key.clone()
    };
    let served = app.accounts().is_some() && app.lan_hosts().is_none();
    let mut resp = ACCOUNT
        .scope(key, SERVED.scope(served, next.run(req)))
        .await;
    let html = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    if html && let Ok(v) = HeaderValue::from_str(&shown) {
        resp.headers_mut().insert("x-amble-account", v);
    }
    resp
}

const MANIFEST: &str = r##"{
  "id": "/",
  "name": "Amble: your walking coach",
  "short_name": "Amble",
  "description": "Walk more with less back pain: today's walk, quick logging and your progress.",
  "start_url": "/today",
  "scope": "/",
  "display": "standalone",
  "orientation": "portrait",
  "background_color": "#ffffff",
  "theme_color": "#0b6b62",
  "icons": [
    {"src": "/assets/icon-192.png", "sizes": "192x192", "type": "image/png", "purpose": "any"},
    {"src": "/assets/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any"},
    {"src": "/assets/icon-maskable-512.png", "sizes": "512x512", "type": "image/png", "purpose": "maskable"}
  ]
}
"##;

fn asset(kind: &'static str, cache: &'static str, body: &'static [u8]) -> Response {
    (
        [(header::CONTENT_TYPE, kind), (header::CACHE_CONTROL, cache)],
        body,
    )
        .into_response()
}

/// `GET /manifest.webmanifest`.
pub(crate) async fn manifest() -> Response {
    asset(
        "application/manifest+json",
        "max-age=3600",
        MANIFEST.as_bytes(),
    )
}

/// `GET /sw.js`: checked for a new version on every visit (no-cache).
pub(crate) async fn service_worker() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        "no-cache",
        include_bytes!("../assets/sw.js"),
    )
}

/// `GET /assets/offline.js`: sending logs, the queue, and registering the worker.
pub(crate) async fn offline_js() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        "no-cache",
        include_bytes!("../assets/offline.js"),
    )
}

pub(crate) async fn favicon() -> Response {
    asset(
        "image/x-icon",
        "max-age=86400",
        include_bytes!("../assets/favicon.ico"),
    )
}

pub(crate) async fn icon_192() -> Response {
    asset(
        "image/png",
        "max-age=86400",
        include_bytes!("../assets/icon-192.png"),
    )
}

pub(crate) async fn icon_512() -> Response {
    asset(
        "image/png",
        "max-age=86400",
        include_bytes!("../assets/icon-512.png"),
    )
}

pub(crate) async fn icon_maskable() -> Response {
    asset(
        "image/png",
        "max-age=86400",
        include_bytes!("../assets/icon-maskable-512.png"),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_manifest_is_json_with_the_icons_it_names() {
        let m: serde_json::Value = serde_json::from_str(super::MANIFEST).unwrap_or_default();
        assert_eq!(m["display"], "standalone");
        let icons = m["icons"].as_array().cloned().unwrap_or_default();
        assert_eq!(icons.len(), 3);
        assert!(icons.iter().any(|i| i["purpose"] == "maskable"));
    }
}
