//! The guided walk in process: the page's data and hooks (contract §13), its form, and the
//! audio track read back frame by frame.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

use amble_core::knowledge::KnowledgeBase;
use amble_web::{AppState, router};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

const BENIGN: &str =
    include_str!("../../amble-cli/tests/contract-examples/benign-ache-after-30-min.json");
const STENOSIS: &str =
    include_str!("../../amble-cli/tests/vignettes/pattern-lss-neurogenic-claudication.json");

struct App {
    _dir: tempfile::TempDir,
    router: Router,
}

struct Resp {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Resp {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl App {
    fn new() -> App {
        let dir = tempfile::tempdir().unwrap();
        let kb = KnowledgeBase::embedded().unwrap();
        let router = router(AppState::new(
            dir.path().to_path_buf(),
            kb,
            Some(jiff::civil::date(2026, 3, 2)),
        ));
        App { _dir: dir, router }
    }

    async fn send(&self, method: &str, uri: &str, headers: &[(&str, &str)], body: String) -> Resp {
        let mut req = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::HOST, "127.0.0.1:8080");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let resp = self
            .router
            .clone()
            .oneshot(req.body(Body::from(body)).unwrap())
            .await
            .unwrap();
        Resp {
            status: resp.status(),
            headers: resp.headers().clone(),
            body: resp
                .into_body()
                .collect()
                .await
                .unwrap()
                .to_bytes()
                .to_vec(),
        }
    }

    async fn get(&self, uri: &str) -> Resp {
        self.send("GET", uri, &[], String::new()).await
    }

    async fn with_answers(self, answers: &str) -> App {
        let r = self
            .send(
                "POST",
                "/api/v1/assessments",
                &[("content-type", "application/json")],
                answers.to_string(),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        self
    }
}

/// The JSON inside `<script type="application/json" id="walk-plan">`.
fn walk_plan(html: &str) -> Value {
    let open = "<script type=\"application/json\" id=\"walk-plan\">";
    let start = html.find(open).expect("the walk-plan data block") + open.len();
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).unwrap()
}

fn walk_seconds(plan: &Value) -> u64 {
    plan["segments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] == "walk")
        .map(|s| s["seconds"].as_u64().unwrap())
        .sum()
}

#[tokio::test]
async fn the_walk_page_holds_todays_session_and_its_hooks() {
    let app = App::new().with_answers(STENOSIS).await;
    let today = app.get("/api/v1/today").await;
    let today: Value = serde_json::from_slice(&today.body).unwrap();
    let w = &today["walking"];
    assert_eq!(w["mode"], "interval", "{today}");
    let prescribed = w["bout_minutes"].as_u64().unwrap() * w["bouts_per_session"].as_u64().unwrap();

    let r = app.get("/walk").await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    let plan = walk_plan(&html);
    assert_eq!(plan["date"], "2026-03-02");
    assert_eq!(walk_seconds(&plan), prescribed * 60, "{plan}");
    let kinds: Vec<&str> = plan["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    // Interval walking: walks with rests between them, never a rest first or last.
    assert_eq!(kinds.first(), Some(&"walk"));
    assert_eq!(kinds.last(), Some(&"walk"));
    assert!(kinds.windows(2).all(|p| p[0] != p[1]), "{kinds:?}");
    for s in plan["segments"].as_array().unwrap() {
        assert_eq!(s.as_object().unwrap().len(), 2, "kind and seconds: {s}");
    }
    assert_eq!(
        plan["tracks"][0],
        amble_core::plan::segments_spec(
            &amble_core::plan::parse_segments_spec(&format!(
                "w{0}-r{1}-w{0}",
                w["bout_minutes"].as_u64().unwrap() * 60,
                w["rest_minutes"].as_u64().unwrap() * 60
            ))
            .unwrap()
        )
    );
    for hook in [
        "id=\"walk-start\"",
        "id=\"walk-phase\"",
        "data-phase=\"ready\"",
        "id=\"walk-resume\"",
        "href=\"/screen\"",
        "<audio id=\"walk-audio\"",
        "<script src=\"/assets/walk.js\"></script>",
    ] {
        assert!(html.contains(hook), "{hook}");
    }
    // The closing form: §5's walk fields pre-filled, queued offline, posting to /log/walk.
    let form_at = html.find("<form").unwrap();
    let form = &html[form_at..html[form_at..].find("</form>").unwrap() + form_at];
    assert!(form.contains("id=\"walk-log\"") && form.contains("data-queue"));
    assert!(form.contains("action=\"/log/walk\"") && form.contains("method=\"post\""));
    assert!(form.contains(&format!("name=\"minutes\" value=\"{prescribed}\"")));
    assert!(form.contains("name=\"bouts\" value=\"2\""));
    assert!(form.contains("name=\"client_ref\""));
    assert!(form.contains("name=\"pain_peak\""));
    assert!(html.contains("name=\"pain_before\" value=\"0\" form=\"walk-log\""));
    // No inline script: only the data block, the page's own file and the offline queue's.
    let scripts: Vec<&str> = html.split("<script").skip(1).collect();
    assert_eq!(scripts.len(), 3);
    assert!(
        scripts.iter().all(
            |s| s.starts_with(" type=\"application/json\"") || s.starts_with(" src=\"/assets/")
        )
    );
    let csp = r.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"));
    assert_eq!(r.headers[header::CACHE_CONTROL], "no-store");

    // Today's page links to it while a walk is due.
    let home = app.get("/today").await.text();
    assert!(home.contains("href=\"/walk\""), "{home}");

    // The script and its styles are served.
    let js = app.get("/assets/walk.js").await;
    assert_eq!(js.status, StatusCode::OK);
    assert!(js.text().contains("Date.now()"));
    assert_eq!(app.get("/assets/walk.css").await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_walk_form_logs_a_walk_and_a_client_ref_does_not_get_in_the_way() {
    let app = App::new().with_answers(STENOSIS).await;
    let r = app
        .send(
            "POST",
            "/log/walk",
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("origin", "http://127.0.0.1:8080"),
            ],
            "date=2026-03-02&client_ref=3f1c2a9e-0000-4000-8000-000000000001&pain_before=2&minutes=20&bouts=2&pain_peak=3&leg_spread=none"
                .into(),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let journal: Value = serde_json::from_slice(&app.get("/api/v1/journal").await.body).unwrap();
    let walk = journal["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "walk")
        .expect("the walk is stored");
    assert_eq!(walk["minutes"], 20.0);
    assert_eq!(walk["bouts"], 2);
    assert_eq!(walk["pain_before"], 2);
    // Walked today: the home page no longer offers the guided walk, /walk still does.
    assert!(!app.get("/today").await.text().contains("href=\"/walk\""));
    assert!(app.get("/walk").await.text().contains("no walk due today"));
}

#[tokio::test]
async fn without_a_plan_the_walk_page_leads_to_the_check_up() {
    let app = App::new();
    let r = app.get("/walk").await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    assert!(html.contains("href=\"/checkup\"") && !html.contains("walk-plan"));
    // A continuous plan: one walk, one segment.
    let app = App::new().with_answers(BENIGN).await;
    let plan = walk_plan(&app.get("/walk?today=2026-03-02").await.text());
    let segments = plan["segments"].as_array().unwrap();
    assert!(segments.iter().all(|s| s["kind"] == "walk"), "{plan}");
    assert_eq!(plan["separate_walks"], segments.len() > 1);
}

/// One MPEG audio frame header: (frame length in bytes, samples, sample rate), or `None`
/// when the bytes are not a Layer III frame header.
fn frame_header(b: &[u8]) -> Option<(usize, u32, u32)> {
    if b.len() < 4 || b[0] != 0xFF || b[1] & 0xE0 != 0xE0 {
        return None;
    }
    let version = (b[1] >> 3) & 3; // 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5
    let layer = (b[1] >> 1) & 3; // 1 = Layer III
    if layer != 1 || version == 1 {
        return None;
    }
    let bitrate_index = usize::from(b[2] >> 4);
    let rate_index = usize::from((b[2] >> 2) & 3);
    let padding = usize::from((b[2] >> 1) & 1);
    let (bitrates, rates, samples): (&[u32], [u32; 3], u32) = match version {
        3 => (
            &[
                0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
            ],
            [44100, 48000, 32000],
            1152,
        ),
        2 => (
            &[0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
            [22050, 24000, 16000],
            576,
        ),
        _ => (
            &[0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
            [11025, 12000, 8000],
            576,
        ),
    };
    let kbps = *bitrates.get(bitrate_index)?;
    let rate = *rates.get(rate_index)?;
    if kbps == 0 {
        return None;
    }
    let len = (samples / 8 * kbps * 1000 / rate) as usize + padding;
    Some((len, samples, rate))
}

/// The track's frames: (start in seconds, carries sound) for each, and its length in seconds.
fn read_track(bytes: &[u8]) -> (Vec<(f64, bool)>, f64) {
    let mut at = 0usize;
    let mut t = 0f64;
    let mut frames = Vec::new();
    while at < bytes.len() {
        let (len, samples, rate) = frame_header(&bytes[at..])
            .unwrap_or_else(|| panic!("no frame header at byte {at} of {}", bytes.len()));
        assert!(at + len <= bytes.len(), "the last frame is whole");
        // Mono MPEG-2 side information: 9 bytes; all zero means no coded sound at all.
        let side = &bytes[at + 4..at + 13];
        frames.push((t, side.iter().any(|&x| x != 0)));
        t += f64::from(samples) / f64::from(rate);
        at += len;
    }
    (frames, t)
}

/// Where each cue begins: a frame with sound after at least a second of silence.
fn cue_starts(frames: &[(f64, bool)]) -> Vec<f64> {
    let mut starts = Vec::new();
    let mut quiet_since = Some(0.0);
    for &(t, sound) in frames {
        match (sound, quiet_since) {
            (true, Some(q)) if starts.is_empty() || t - q >= 1.0 => {
                starts.push(t);
                quiet_since = None;
            }
            (true, _) => quiet_since = None,
            (false, None) => quiet_since = Some(t),
            (false, Some(_)) => {}
        }
    }
    starts
}

#[tokio::test]
async fn the_audio_track_lasts_the_session_with_each_cue_at_its_offset() {
    let app = App::new();
    let frame = 0.024;
    for (spec, cues) in [
        ("w600-r120-w600", vec![0.0, 600.0, 720.0]),
        (
            "w480-r120-w480-r120-w480",
            vec![0.0, 480.0, 600.0, 1080.0, 1200.0],
        ),
        ("w300", vec![0.0]),
        ("w61-r7-w13", vec![0.0, 61.0, 68.0]),
    ] {
        let r = app.get(&format!("/walk/track.mp3?plan={spec}")).await;
        assert_eq!(r.status, StatusCode::OK, "{spec}");
        assert_eq!(r.headers[header::CONTENT_TYPE], "audio/mpeg");
        assert_eq!(r.headers[header::ACCEPT_RANGES], "bytes");
        let session: f64 = amble_core::plan::parse_segments_spec(spec)
            .unwrap()
            .iter()
            .map(|s| f64::from(s.seconds))
            .sum();
        let (frames, length) = read_track(&r.body);
        assert!(
            (length - session).abs() <= frame / 2.0 + 1e-9,
            "{spec}: the track lasts {length} s, the session {session} s"
        );
        if session % 60.0 == 0.0 {
            assert!((length - session).abs() < 1e-6, "whole minutes are exact");
        }
        let starts = cue_starts(&frames);
        // Every segment's cue where the segment starts, then the closing cue, which ends with
        // the track.
        assert_eq!(starts.len(), cues.len() + 1, "{spec}: {starts:?}");
        for (found, want) in starts.iter().zip(&cues) {
            assert!(
                (found - want).abs() <= frame,
                "{spec}: cue at {found}, want {want}"
            );
        }
        let last = *starts.last().unwrap();
        assert!(
            session - last > 1.0 && session - last < 6.0,
            "{spec}: {last}"
        );
        assert!(
            frames.last().unwrap().1,
            "{spec}: the closing cue ends the track"
        );
    }

    // Ranges for players that seek; the same bytes as the whole.
    let whole = app.get("/walk/track.mp3?plan=w60").await.body;
    let part = app
        .send(
            "GET",
            "/walk/track.mp3?plan=w60",
            &[("range", "bytes=1000-1999")],
            String::new(),
        )
        .await;
    assert_eq!(part.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        part.headers[header::CONTENT_RANGE],
        format!("bytes 1000-1999/{}", whole.len())
    );
    assert_eq!(part.body, whole[1000..2000]);
    let beyond = app
        .send(
            "GET",
            "/walk/track.mp3?plan=w60",
            &[("range", "bytes=999999-")],
            String::new(),
        )
        .await;
    assert_eq!(beyond.status, StatusCode::RANGE_NOT_SATISFIABLE);

    // Bounded: bad or oversized sessions are refused, naming the field.
    for bad in [
        "",
        "?plan=",
        "?plan=w0",
        "?plan=x60",
        "?plan=w14401",
        "?plan=w7200-r7200-w1",
    ] {
        let r = app.get(&format!("/walk/track.mp3{bad}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(r.text().starts_with("plan: "), "{bad}: {}", r.text());
    }
}

#[tokio::test]
async fn phone_pages_are_compressed_described_and_kept_only_without_private_data() {
    use std::io::Read;
    let app = App::new().with_answers(BENIGN).await;
    for (path, kind) in [
        ("/assets/app.css", "text/css"),
        ("/assets/report.css", "text/css"),
        ("/assets/walk.css", "text/css"),
        ("/assets/walk.js", "text/javascript"),
        ("/assets/timer.js", "text/javascript"),
    ] {
        let plain = app.get(path).await;
        assert_eq!(plain.status, StatusCode::OK, "{path}");
        assert!(plain.headers.get(header::CONTENT_ENCODING).is_none());
        let packed = app
            .send(
                "GET",
                path,
                &[("accept-encoding", "br, gzip;q=0.9")],
                String::new(),
            )
            .await;
        assert_eq!(packed.headers[header::CONTENT_ENCODING], "gzip", "{path}");
        assert_eq!(packed.headers[header::VARY], "accept-encoding");
        assert!(
            packed.headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with(kind)
        );
        let mut text = Vec::new();
        flate2::read::GzDecoder::new(&packed.body[..])
            .read_to_end(&mut text)
            .unwrap();
        assert_eq!(text, plain.body, "{path}: the same text");
        assert!(
            packed.body.len() * 4 < plain.body.len() * 3,
            "{path}: compressed"
        );
        let refused = app
            .send(
                "GET",
                path,
                &[("accept-encoding", "gzip;q=0")],
                String::new(),
            )
            .await;
        assert!(refused.headers.get(header::CONTENT_ENCODING).is_none());
    }
    // Pages from Amble's own content may stay in the back/forward cache; the person's may not.
    for (path, policy) in [
        ("/learn", "private, no-cache"),
        ("/learn/stenosis", "private, no-cache"),
        ("/checkup", "private, no-cache"),
        ("/today", "no-store"),
        ("/plan", "no-store"),
        ("/walk", "no-store"),
        ("/journal", "no-store"),
        ("/checkup/a-1", "no-store"),
    ] {
        let r = app.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert_eq!(r.headers[header::CACHE_CONTROL], policy, "{path}");
        assert!(
            r.text()
                .contains("<meta name=\"description\" content=\"Amble, a walking coach"),
            "{path} describes Amble"
        );
    }
}
