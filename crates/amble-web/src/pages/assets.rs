//! Assets and fallbacks: the stylesheet, the timer script, not found.

use super::*;

// Assets and fallbacks

pub async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("../../assets/app.css"),
    )
        .into_response()
}

pub async fn timer_js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("../../assets/timer.js"),
    )
        .into_response()
}

pub async fn not_found() -> Response {
    PageError {
        status: StatusCode::NOT_FOUND,
        message: "There is no page here. Use the menu to find your way.".into(),
    }
    .into_response()
}
