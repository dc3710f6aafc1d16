//! The guided walk (`/walk`, contract §13) and its audio track (`/walk/track.mp3`).

use super::*;
use crate::walk_track::{Track, range};

#[derive(Template)]
#[template(path = "walk.html")]
pub(crate) struct WalkPage {
    title: String,
    nav: &'static str,
    qs: String,
    /// No check-up yet: the page leads to it.
    has_plan: bool,
    /// Why there is no session (a paused plan, no walking in the plan).
    message: String,
    /// Today's session, when there is one.
    session: bool,
    /// Today's walk in words.
    words: String,
    /// A walk is due today (else the page says so, and the walk is still offered).
    due: bool,
    /// The session as JSON for the page's script (`#walk-plan`), safe inside `<script>`.
    plan_json: String,
    /// The segments in words, in order.
    steps: Vec<String>,
    date: String,
    minutes: String,
    bouts: String,
    action: String,
    /// A blocked or suspended plan: the care message's heading and paragraphs (no walk is
    /// offered).
    blocked: bool,
    care_heading: String,
    care_lines: Vec<String>,
}

/// JSON that is safe inside a `<script>` element: no `<`, `>` or `&` can end it.
fn script_json(v: &serde_json::Value) -> String {
    v.to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

fn minutes_words(seconds: u32) -> String {
    if seconds.is_multiple_of(60) {
        amble_core::words::count(seconds / 60, "minute", "minutes")
    } else {
        amble_core::words::count(seconds, "second", "seconds")
    }
}

fn step_words(s: &plan::WalkSession) -> Vec<String> {
    let walks = s
        .segments
        .iter()
        .filter(|x| x.kind == plan::SegmentKind::Walk)
        .count();
    let mut n = 0;
    s.segments
        .iter()
        .map(|x| match x.kind {
            plan::SegmentKind::Walk => {
                n += 1;
                let which = if walks > 1 {
                    format!("Walk {n} of {walks}")
                } else {
                    "Walk".into()
                };
                let later = if s.separate_walks && n > 1 {
                    ", later in the day"
                } else {
                    ""
                };
                format!("{which}: {}{later}", minutes_words(x.seconds))
            }
            plan::SegmentKind::Rest => format!(
                "Rest: {}, sitting or leaning forward",
                minutes_words(x.seconds)
            ),
        })
        .collect()
}

pub async fn walk(
    state: crate::authz::Scoped,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let day = q.date(&state)?;
    let mut page = WalkPage {
        title: "Guided walk".into(),
        nav: "today",
        qs: q.qs(),
        has_plan: false,
        message: String::new(),
        session: false,
        words: String::new(),
        due: false,
        plan_json: String::new(),
        steps: Vec::new(),
        date: day.to_string(),
        minutes: String::new(),
        bouts: String::new(),
        action: with_qs("/log/walk", &q.qs(), ""),
        blocked: false,
        care_heading: String::new(),
        care_lines: Vec::new(),
    };
    if let Some((r, all)) = replay(&state, day).await? {
        page.has_plan = true;
        let view = plan::today_view(&r, &all, day, state.kb());
        match (&view.walking, r.plan.status) {
            (_, Status::Blocked) => {
                page.message = view.message.clone();
                page.blocked = true;
                (page.care_heading, page.care_lines) = plan::blocked_words(&r).unwrap_or_default();
            }
            (None, _) => {
                page.message = "Your plan has no walking for now. Log any walk you take.".into();
            }
            (Some(w), _) => {
                let session = plan::walk_session(day, w);
                let tracks: Vec<String> = session
                    .tracks()
                    .iter()
                    .map(|t| plan::segments_spec(t))
                    .collect();
                let mut json = serde_json::to_value(&session).unwrap_or_default();
                if let Some(o) = json.as_object_mut() {
                    o.insert("tracks".into(), serde_json::json!(tracks));
                }
                page.plan_json = script_json(&json);
                page.session = !session.segments.is_empty();
                page.words = plan::Prescription::from(w).day_words();
                page.due = view.walk_today;
                page.steps = step_words(&session);
                let minutes = f64::from(session.walk_seconds()) / 60.0;
                page.minutes = format!("{minutes}");
                page.bouts = session
                    .segments
                    .iter()
                    .filter(|s| s.kind == plan::SegmentKind::Walk)
                    .count()
                    .to_string();
                page.message = view.message.clone();
            }
        }
    }
    Ok(render(&page))
}

#[derive(Debug, Deserialize, Default)]
pub struct TrackQuery {
    /// The session's segments in their compact form (`w480-r120-w480`).
    plan: Option<String>,
}

/// The session's audio track (see `walk_track`): deterministic from `?plan=`, so it can be
/// cached; one byte range at a time for players that seek.
pub async fn walk_track(Query(q): Query<TrackQuery>, headers: axum::http::HeaderMap) -> Response {
    let segments = match q
        .plan
        .as_deref()
        .ok_or_else(|| "expected segments such as w600-r120-w600, found nothing".to_string())
        .and_then(plan::parse_segments_spec)
    {
        Ok(s) => s,
        Err(e) => {
            return (StatusCode::BAD_REQUEST, format!("plan: {e}")).into_response();
        }
    };
    let track = Track::new(&segments);
    let len = track.len();
    let asked = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
    let common = [
        (header::CONTENT_TYPE, "audio/mpeg".to_string()),
        (header::ACCEPT_RANGES, "bytes".to_string()),
        // Made from the address alone, with nothing of the person's in it.
        (header::CACHE_CONTROL, "max-age=86400".to_string()),
    ];
    match range(asked, len) {
        Ok(None) => (
            common,
            [(header::CONTENT_LENGTH, len.to_string())],
            streamed(track, 0, len.saturating_sub(1)),
        )
            .into_response(),
        Ok(Some((a, b))) => (
            StatusCode::PARTIAL_CONTENT,
            common,
            [
                (header::CONTENT_RANGE, format!("bytes {a}-{b}/{len}")),
                (header::CONTENT_LENGTH, (b + 1 - a).to_string()),
            ],
            streamed(track, a, b),
        )
            .into_response(),
        Err(()) => (
            StatusCode::RANGE_NOT_SATISFIABLE,
            [(header::CONTENT_RANGE, format!("bytes */{len}"))],
        )
            .into_response(),
    }
}

static WALK_JS: super::assets::Asset = super::assets::Asset::new(
    "text/javascript; charset=utf-8",
    include_str!("../../assets/walk.js"),
);
static WALK_CSS: super::assets::Asset = super::assets::Asset::new(
    "text/css; charset=utf-8",
    include_str!("../../assets/walk.css"),
);

pub async fn walk_js(headers: axum::http::HeaderMap) -> Response {
    WALK_JS.response(&headers)
}

pub async fn walk_css(headers: axum::http::HeaderMap) -> Response {
    WALK_CSS.response(&headers)
}

/// Bytes `start..=end` of the track as a body sent in pieces of 64 KiB, each made as it is
/// sent: a long track never sits in memory whole (a 4-hour track is about 43 MB).
fn streamed(track: Track, start: u64, end: u64) -> axum::body::Body {
    const PIECE: u64 = 64 * 1024;
    let end = end.min(track.len().saturating_sub(1));
    let pieces = if track.is_empty() || start > end {
        0
    } else {
        (end - start) / PIECE + 1
    };
    axum::body::Body::from_stream(futures_util::stream::iter((0..pieces).map(move |i| {
        let a = start + i * PIECE;
        let b = (a + PIECE - 1).min(end);
        Ok::<_, std::convert::Infallible>(axum::body::Bytes::from(track.bytes(a, b)))
    })))
}
