//! Assets and fallbacks: the stylesheet, the timer script, not found.

use super::*;

// Assets and fallbacks

/// A text asset, gzip-compressed once (on first use) for browsers that accept it.
pub(crate) struct Asset {
    content_type: &'static str,
    text: &'static str,
    gzip: std::sync::OnceLock<Vec<u8>>,
}

impl Asset {
    pub(crate) const fn new(content_type: &'static str, text: &'static str) -> Asset {
        Asset {
            content_type,
            text,
            gzip: std::sync::OnceLock::new(),
        }
    }

    fn gzipped(&self) -> &[u8] {
        self.gzip.get_or_init(|| {
            use std::io::Write;
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            // Writing to memory cannot fail; an empty result falls back to the plain text.
            if e.write_all(self.text.as_bytes()).is_err() {
                return Vec::new();
            }
            e.finish().unwrap_or_default()
        })
    }

    /// The asset for a request with these headers: compressed when `Accept-Encoding` names
    /// gzip, cached by the browser for an hour either way.
    pub(crate) fn response(&self, headers: &axum::http::HeaderMap) -> Response {
        let gzip = headers
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|c| {
                let mut parts = c.split(';');
                let name = parts.next().unwrap_or("").trim();
                let refused = parts.any(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.trim().parse::<f32>().ok())
                        .is_some_and(|q| q == 0.0)
                });
                name.eq_ignore_ascii_case("gzip") && !refused
            });
        let common = [
            (header::CONTENT_TYPE, self.content_type),
            (header::CACHE_CONTROL, "max-age=3600"),
            (header::VARY, "accept-encoding"),
        ];
        if gzip && !self.gzipped().is_empty() {
            (
                common,
                [(header::CONTENT_ENCODING, "gzip")],
                self.gzipped().to_vec(),
            )
                .into_response()
        } else {
            (common, self.text).into_response()
        }
    }
}

static APP_CSS: Asset = Asset::new(
    "text/css; charset=utf-8",
    include_str!("../../assets/app.css"),
);
static TIMER_JS: Asset = Asset::new(
    "text/javascript; charset=utf-8",
    include_str!("../../assets/timer.js"),
);

pub async fn css(headers: axum::http::HeaderMap) -> Response {
    APP_CSS.response(&headers)
}

pub async fn timer_js(headers: axum::http::HeaderMap) -> Response {
    TIMER_JS.response(&headers)
}

pub async fn not_found() -> Response {
    PageError {
        status: StatusCode::NOT_FOUND,
        message: "There is no page here. Use the menu to find your way.".into(),
    }
    .into_response()
}
