//! A 500 names no server address, file path or query (contract §12): whatever the cause, the
//! answer says only that the request could not be answered (in JSON on the API), and the cause
//! goes to the server's log (`tracing`, on stderr), where the administrator reads it.

use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

const MESSAGE: &str = "Amble could not answer this request. Please try again; if it keeps happening, the server's log says why.";

pub(crate) async fn layer(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let method = req.method().clone();
    // The route template, not the path: a path may carry an id or a secret (`/join/{secret}`).
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or_else(|| "(no route)".to_string(), |m| m.as_str().to_string());
    let resp = next.run(req).await;
    if resp.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    // The cause, for the log: bounded, and without the query string (it may hold an email).
    let cause = axum::body::to_bytes(body, 16 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    tracing::error!(target: "amble::error", method = %method, route = %route, cause = %cause.trim(), "request failed");
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::CONTENT_TYPE);
    let replaced = if api {
        axum::Json(serde_json::json!({ "error": MESSAGE })).into_response()
    } else {
        MESSAGE.into_response()
    };
    let (new_parts, new_body) = replaced.into_parts();
    parts.headers.extend(new_parts.headers);
    Response::from_parts(parts, new_body)
}
