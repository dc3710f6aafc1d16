//! JSON bodies need `Content-Type: application/json` (contract §12): a write to the API sent
//! as anything else is answered 415, in JSON. (A `text/plain` body is one a page on another
//! site may send without the browser asking first; the API reads only what says it is JSON.)
//! Text with a NUL character is bad input (422), in forms and JSON alike: no storage keeps it
//! (PostgreSQL refuses it), so it is refused before any handler sees it. So is text with any
//! other character the core's text rule refuses (`amble_core::text`: control characters other
//! than tab and line breaks, direction overrides and isolates), in every field but a password
//! (which is never shown, and may hold what its owner chose; only NUL is refused there).

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

/// The first character a field may not hold: NUL anywhere, and in every field but a password
/// what [`amble_core::text`] refuses (line breaks and tabs allowed here: fields that must be
/// one line are checked again where they are read).
fn refused_in(key: &str, text: &str) -> Option<char> {
    if key
        .rsplit('.')
        .next()
        .is_some_and(|k| k.contains("password"))
    {
        return text.contains('\0').then_some('\0');
    }
    amble_core::text::refused(text, amble_core::text::Lines::Many).map(|(_, c)| c)
}

/// The path of the first string (or key) of a JSON value holding a refused character
/// (`notes`, `answers.0.note`), and the character.
fn json_refused_at(v: &serde_json::Value, at: &str) -> Option<(String, char)> {
    let join = |k: &str| {
        if at.is_empty() {
            k.to_string()
        } else {
            format!("{at}.{k}")
        }
    };
    match v {
        serde_json::Value::String(s) => refused_in(at, s).map(|c| (at.to_string(), c)),
        serde_json::Value::Array(a) => a
            .iter()
            .enumerate()
            .find_map(|(i, v)| json_refused_at(v, &join(&i.to_string()))),
        serde_json::Value::Object(o) => {
            o.iter().find_map(|(k, v)| {
                match amble_core::text::refused(k, amble_core::text::Lines::One) {
                    Some((_, c)) => Some((join(&clean(k)), c)),
                    None => json_refused_at(v, &join(k)),
                }
            })
        }
        _ => None,
    }
}

/// A field's name as it may be echoed: without the characters it may not hold.
fn clean(key: &str) -> String {
    key.chars()
        .filter(|&c| amble_core::text::allowed(c, amble_core::text::Lines::One))
        .collect()
}

/// The field holding a refused character, if any, and the character: a JSON string or a form
/// field.
fn refused_field(body: &[u8], json: bool) -> Option<(String, char)> {
    if json {
        serde_json::from_slice::<serde_json::Value>(body)
            .ok()
            .and_then(|v| json_refused_at(&v, ""))
    } else {
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
            .ok()?
            .into_iter()
            .find_map(|(k, v)| {
                let bad = amble_core::text::refused(&k, amble_core::text::Lines::One)
                    .map(|(_, c)| c)
                    .or_else(|| refused_in(&k, &v));
                bad.map(|c| (clean(&k), c))
            })
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
    if let Some((field, c)) = refused_field(&bytes, json) {
        let message = format!(
            "{field}: text with {} cannot be stored; remove it and send again",
            amble_core::text::describe(c)
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
        let at = |b: &[u8], json: bool| refused_field(b, json).map(|(f, _)| f);
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

    #[test]
    fn controls_and_direction_overrides_are_found_but_not_line_breaks() {
        let at = |b: &[u8], json: bool| refused_field(b, json);
        assert_eq!(
            at(br#"{"surface":"x\u202ey"}"#, true),
            Some(("surface".into(), '\u{202E}'))
        );
        assert_eq!(
            at(br#"{"psfs":[{"activity":"a\u0007"}]}"#, true),
            Some(("psfs.0.activity".into(), '\u{7}'))
        );
        assert_eq!(at(br#"{"notes":"one\ntwo\tthree"}"#, true), None);
        assert_eq!(
            at(b"shoes=a%E2%81%A6b", false),
            Some(("shoes".into(), '\u{2066}'))
        );
        assert_eq!(at(b"notes=line%0D%0Anext", false), None);
        // A password may hold what its owner chose, but never NUL.
        assert_eq!(at(b"password=a%E2%80%AEb", false), None);
        assert_eq!(at(br#"{"password":"a\u202eb"}"#, true), None);
        assert_eq!(
            at(b"password=a%00b", false),
            Some(("password".into(), '\0'))
        );
    }
}
