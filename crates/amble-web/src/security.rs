//! Cross-site request forgery protection, DNS-rebinding protection and security headers for
//! every response.
//!
//! DNS rebinding: a page on another domain can make its own name resolve to 127.0.0.1 and then
//! talk to Amble as if it were the same site (matching `Origin`, `Sec-Fetch-Site:
//! same-origin`). Its requests still carry its own name in `Host`, so every request whose `Host`
//! is not a loopback name (`localhost`, `127.x.y.z`, `[::1]`) is refused with 421 before anything
//! is read or written. With `amble serve --lan` the machine's own addresses and names on the
//! local network are accepted too, and nothing else.
//!
//! Amble has no accounts or cookies yet, so the forgery risk is another site's page posting a
//! form to `127.0.0.1`. Browsers send `Origin` (and `Sec-Fetch-Site`) with such posts; any
//! state-changing request whose origin is another site is refused with 403. Clients that send
//! no `Origin` (scripts, curl) are not browsers acting for a person and need no token.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, Request, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The name or address in `Host`, lower case, without its port (or brackets); `None` when
/// there is none or it is malformed.
fn host_name(headers: &HeaderMap) -> Option<String> {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok())?;
    let host = host.trim().to_ascii_lowercase();
    let name = if let Some(rest) = host.strip_prefix('[') {
        match rest.split_once(']') {
            Some((inside, after)) if after.is_empty() || after.starts_with(':') => inside,
            _ => return None,
        }
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
            Some(_) => return None,
            None => host.as_str(),
        }
    };
    Some(name.to_string())
}

/// `Host` is one of `allowed` (this machine's names and addresses on the local network, for
/// `--lan`), or loopback.
fn lan_host(headers: &HeaderMap, allowed: &[String]) -> bool {
    loopback_host(headers)
        || host_name(headers).is_some_and(|n| {
            allowed
                .iter()
                .any(|a| a.trim_end_matches('.') == n.trim_end_matches('.'))
        })
}

/// `Host` names this computer: `localhost`, an address in 127.0.0.0/8 or `[::1]`, with any
/// port. Nothing else (a missing `Host` included) is served.
pub(crate) fn loopback_host(headers: &HeaderMap) -> bool {
    let Some(name) = host_name(headers) else {
        return false;
    };
    let name = name.as_str();
    if name == "localhost" || name == "::1" {
        return true;
    }
    name.parse::<std::net::Ipv4Addr>()
        .is_ok_and(|ip| ip.is_loopback())
}

/// The body is declared as an HTML form: URL-encoded everywhere, and a file upload
/// (multipart) on the one page that takes files.
fn is_form(headers: &HeaderMap, path: &str) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| {
            let t = t.trim();
            t.eq_ignore_ascii_case("application/x-www-form-urlencoded")
                || (path == "/gait" && t.eq_ignore_ascii_case("multipart/form-data"))
        })
}

/// Pages made from Amble's own content alone, never from a journal: the library and the
/// first step of the check-up (an empty form).
fn public_page(path: &str) -> bool {
    path == "/learn" || path.starts_with("/learn/") || path == "/checkup" || path == "/login"
}

fn same_origin(headers: &HeaderMap) -> bool {
    // Browsers that send Fetch Metadata say plainly where the request came from.
    match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        Some("same-origin") | Some("none") => return true,
        Some(_) => return false,
        None => {}
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    match headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
        None => true,
        // Sandboxed frames and some privacy modes send "null": never trusted.
        Some("null") => false,
        Some(origin) => {
            let authority = origin
                .strip_prefix("http://")
                .or_else(|| origin.strip_prefix("https://"));
            matches!((authority, host), (Some(a), Some(h)) if a.eq_ignore_ascii_case(h))
        }
    }
}

pub async fn guard(
    axum::extract::State(app): axum::extract::State<crate::AppState>,
    req: Request<Body>,
    next: Next,
) -> Response {
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let api = req.uri().path().starts_with("/api/");
    let public_page_get = *req.method() == Method::GET && public_page(req.uri().path());
    // Without accounts only this computer is served (a page of another site resolving its name
    // to 127.0.0.1 must get nothing); with accounts every request signs in, behind the
    // clinic's proxy under its own name.
    // With accounts and `--public-url`, only the public name is served (docs/deploy.md: health
    // checks send it as `Host` too).
    let public = app.public_url().filter(|_| app.accounts().is_some());
    let wrong_host = match (app.lan_hosts(), public) {
        (Some(allowed), _) => !lan_host(req.headers(), allowed),
        (None, Some(url)) => !url.matches_host(req.headers()),
        (None, None) => app.accounts().is_none() && !loopback_host(req.headers()),
    };
    let mut resp = if wrong_host {
        let msg = if app.lan_hosts().is_some() {
            "refused: this server answers only to the names and addresses of this computer"
                .to_string()
        } else if let Some(url) = public {
            format!("refused: this server answers only to {}", url.origin())
        } else {
            "refused: this server answers only to addresses of this computer (localhost, 127.0.0.1, [::1])".to_string()
        };
        if api {
            (
                StatusCode::MISDIRECTED_REQUEST,
                axum::Json(serde_json::json!({"error": msg, "field": null})),
            )
                .into_response()
        } else {
            (StatusCode::MISDIRECTED_REQUEST, msg).into_response()
        }
    } else if unsafe_method && !api && !is_form(req.headers(), req.uri().path()) {
        (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "refused: pages take forms (application/x-www-form-urlencoded; a file upload only on /gait)",
        )
            .into_response()
    } else if unsafe_method && !same_origin(req.headers()) {
        let msg = "refused: this request came from another site";
        if api {
            (
                StatusCode::FORBIDDEN,
                axum::Json(serde_json::json!({"error": msg, "field": null})),
            )
                .into_response()
        } else {
            (StatusCode::FORBIDDEN, msg).into_response()
        }
    } else {
        next.run(req).await
    };
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // "same-origin", not "no-referrer": with no-referrer, Chrome sends `Origin: null` on the
    // app's own form posts, which the forgery check must refuse.
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        // Health data: never kept in shared caches or the back-forward cache of a shared computer.
        // Pages with nothing of the person's in them may be kept (checked again before reuse), so
        // Back and Forward on a phone show them at once.
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(if public_page_get {
                "private, no-cache"
            } else {
                "no-store"
            }),
        );
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(h: &str) -> HeaderMap {
        let mut m = HeaderMap::new();
        m.insert(
            header::HOST,
            HeaderValue::from_str(h).unwrap_or_else(|e| panic!("{e}")),
        );
        m
    }

    #[test]
    fn lan_hosts_are_this_machines_names_and_addresses_only() {
        let allowed = [
            "192.168.1.20".to_string(),
            "fe80::1".to_string(),
            "mylaptop".to_string(),
            "mylaptop.local".to_string(),
        ];
        for ok in [
            "192.168.1.20:8080",
            "192.168.1.20",
            "MyLaptop.local:8443",
            "mylaptop.local.",
            "[fe80::1]:8080",
            "localhost:8080",
            "127.0.0.1",
            "[::1]:80",
        ] {
            assert!(lan_host(&host(ok), &allowed), "{ok}");
        }
        for bad in [
            "evil.example",
            "192.168.1.21:8080",
            "mylaptop.evil.example",
            "192.168.1.20:80x",
            "[fe80::1",
            "",
        ] {
            assert!(!lan_host(&host(bad), &allowed), "{bad:?}");
        }
        assert!(!lan_host(&HeaderMap::new(), &allowed), "no Host at all");
    }
}
