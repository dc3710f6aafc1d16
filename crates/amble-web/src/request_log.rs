//! One structured log record per request (target `amble::request`): the method, the route
//! template (`/journal/{id}/edit`, never the path with its ids, never the query string, which
//! may hold an email), the status, the duration and the signed-in user's id. Never health data,
//! never an email. How the records are written (JSON or text, the level) is the edge's choice
//! (`amble serve --log-format`, `AMBLE_LOG`; docs/deploy.md).

use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;

/// Filled in by [`note_user`] once the account check has named the user.
#[derive(Clone, Default)]
pub(crate) struct LoggedUser(Arc<Mutex<Option<i64>>>);

/// The outermost layer: times the request and writes its record.
pub(crate) async fn layer(mut req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "(no route)".to_string(), |m| m.as_str().to_string());
    let user = LoggedUser::default();
    req.extensions_mut().insert(user.clone());
    let resp = next.run(req).await;
    let status = resp.status().as_u16();
    let duration_ms = start.elapsed().as_secs_f64() * 1000.0;
    let user_id = *user.0.lock().unwrap_or_else(|e| e.into_inner());
    let user_id = user_id.map_or_else(|| "-".to_string(), |u| u.to_string());
    if status >= 500 {
        tracing::error!(target: "amble::request", method = %method, route = %route, status, duration_ms, user_id = %user_id, "request");
    } else {
        tracing::info!(target: "amble::request", method = %method, route = %route, status, duration_ms, user_id = %user_id, "request");
    }
    resp
}

/// Just inside the account check: records who the check found (see `authz`).
pub(crate) async fn note_user(req: Request, next: Next) -> Response {
    if let (Some(slot), Some(account)) = (
        req.extensions().get::<LoggedUser>(),
        req.extensions().get::<crate::phone::Account>(),
    ) {
        *slot.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(account.0);
    }
    next.run(req).await
}
