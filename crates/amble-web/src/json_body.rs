//! JSON bodies need `Content-Type: application/json` (contract §12): a write to the API sent
//! as anything else is answered 415, in JSON. (A `text/plain` body is one a page on another
//! site may send without the browser asking first; the API reads only what says it is JSON.)
//! Text with a NUL character is bad input (422), in forms and JSON alike: no storage keeps it
//! (PostgreSQL refuses it), so it is refused before any handler sees it.

use axum::extract::Request;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Whether the request says its body is JSON (`application/json`, parameters allowed).
fn says_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
}

/// The path of the first string (or key) of a JSON value holding a NUL character
/// (`notes`, `answers.0.note`).
fn json_nul_at(v: &serde_json::Value, at: &str) -> Option<String> {
    let join = |k: &str| {
        if at.is_empty() {
            k.to_string()
        } else {
            format!("{at}.{k}")
        }
    };
    match v {
        serde_json::Value::String(s) if s.contains('\0') => Some(at.to_string()),
        serde_json::Value::Array(a) => a
            .iter()
            .enumerate()
            .find_map(|(i, v)| json_nul_at(v, &join(&i.to_string()))),
        serde_json::Value::Object(o) => o.iter().find_map(|(k, v)| {
            if k.contains('\0') {
                Some(join(&k.replace('\0', "")))
            } else {
                json_nul_at(v, &join(k))
            }
        }),
        _ => None,
    }
}

/// The field holding text with a NUL character, if any: a JSON string or a form field.
fn nul_field(body: &[u8], json: bool) -> Option<String> {
    if json {
        serde_json::from_slice::<serde_json::Value>(body)
            .ok()
            .and_then(|v| json_nul_at(&v, ""))
    } else {
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
            .ok()?
            .into_iter()
            .find(|(k, v)| k.contains('\0') || v.contains('\0'))
            .map(|(k, _)| k.replace('\0', ""))
    }
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| {
            t.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

pub(crate) async fn require_json(req: Request, next: Next) -> Response {
    let writes = matches!(*req.method(), Method::POST | Method::PUT | Method::PATCH);
    // Only where the API takes a body: another method is the router's 405.
    let takes_body = crate::API_ROUTES
        .iter()
        .any(|(m, p)| *p == req.uri().path() && m.eq_ignore_ascii_case(req.method().as_str()));
    let api = takes_body && req.uri().path().starts_with("/api/");
    if writes && api && !says_json(req.headers()) {
        return (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            axum::Json(serde_json::json!({
                "error": "send the body as JSON with Content-Type: application/json"
            })),
        )
            .into_response();
    }
    let json = says_json(req.headers());
    if !writes || !(json || is_form(req.headers())) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, crate::BODY_LIMIT).await else {
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            "the request body is too large",
        )
            .into_response();
    };
    if let Some(field) = nul_field(&bytes, json) {
        let message = format!(
            "{field}: text with a NUL character cannot be stored; remove it and send again"
        );
        return if api {
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                axum::Json(serde_json::json!({ "error": message, "field": field })),
            )
                .into_response()
        } else {
            (StatusCode::UNPROCESSABLE_ENTITY, message).into_response()
        };
    }
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_application_json_is_json() {
        let with = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(
                header::CONTENT_TYPE,
                v.parse().unwrap_or_else(|_| panic!("{v}")),
            );
            says_json(&h)
        };
        assert!(with("application/json"));
        assert!(with("Application/JSON; charset=utf-8"));
        assert!(!with("text/plain"));
        assert!(!with("application/x-www-form-urlencoded"));
        assert!(!with("application/jsonp"));
        assert!(!says_json(&HeaderMap::new()));
    }

    #[test]
    fn nul_is_found_in_json_strings_and_form_fields() {
        let at = |b: &[u8], json: bool| nul_field(b, json);
        assert_eq!(
            at(br#"{"notes":"a\u0000b"}"#, true).as_deref(),
            Some("notes")
        );
        assert_eq!(
            at(br#"{"x":["ok","\u0000"]}"#, true).as_deref(),
            Some("x.1")
        );
        assert_eq!(
            at(br#"{"notes":"a\\u0000b"}"#, true),
            None,
            "an escaped backslash"
        );
        assert_eq!(at(br#"{"notes":"fine"}"#, true), None);
        assert_eq!(at(b"notes=a%00b", false).as_deref(), Some("notes"));
        assert_eq!(at(b"notes=a%2500b", false), None);
    }
}
