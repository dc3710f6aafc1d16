//! JSON errors everywhere on the API (contract §7, §12; `openapi.json`): whatever answered an
//! error under `/api/` (the router's 404 and 405, a query string that cannot be read, a body
//! too large), the answer is `{"error": "...", "field": ...}` with `Content-Type:
//! application/json`. Answers already in that form pass unchanged.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The most of an error body read to rewrap it.
const LIMIT: usize = 16 * 1024;

pub(crate) async fn layer(req: Request, next: Next) -> Response {
    if !req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    let resp = next.run(req).await;
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/json"));
    let (mut parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(body, LIMIT).await.unwrap_or_default();
    let mut doc = if json {
        serde_json::from_slice::<serde_json::Value>(&bytes).unwrap_or_default()
    } else {
        serde_json::Value::Null
    };
    if !doc.is_object() {
        let text = String::from_utf8_lossy(&bytes).trim().to_string();
        let error = if text.is_empty() {
            status
                .canonical_reason()
                .unwrap_or("the request could not be answered")
                .to_lowercase()
        } else {
            text
        };
        doc = serde_json::json!({ "error": error });
    }
    if let Some(o) = doc.as_object_mut() {
        o.entry("field").or_insert(serde_json::Value::Null);
        if !o.get("error").is_some_and(serde_json::Value::is_string) {
            o.insert(
                "error".into(),
                serde_json::Value::String(status.to_string()),
            );
        }
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let (new_parts, body) = axum::Json(doc).into_response().into_parts();
    drop(new_parts);
    Response::from_parts(parts, body)
}
