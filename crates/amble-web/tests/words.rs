//! Words for people: every page of the app, rendered with a journal that has a bit of
//! everything, shows no program names (exercise, pattern or answer ids, factor keys, entry ids,
//! bracketed keys, paths to files) and none of the known slips ("1 walks", "Amble - Amble").

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

use amble_core::knowledge::KnowledgeBase;
use amble_web::{AppState, router};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

const BENIGN: &str =
    include_str!("../../amble-cli/tests/contract-examples/benign-ache-after-30-min.json");

struct App {
    _dir: tempfile::TempDir,
    router: Router,
}

impl App {
    fn new() -> App {
        let dir = tempfile::tempdir().unwrap();
        let kb = KnowledgeBase::embedded().unwrap();
        let db = amble_store::Database::sqlite(dir.path());
        let router = router(
            AppState::with_database(db, kb, Some(jiff::civil::date(2026, 4, 6)))
                .with_latest_date(jiff::civil::date(2030, 12, 31)),
        );
        App { _dir: dir, router }
    }

    async fn send(
        &self,
        method: &str,
        uri: &str,
        ct: Option<&str>,
        body: String,
    ) -> (StatusCode, String) {
        let mut req = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::HOST, "127.0.0.1:8080")
            .header("origin", "http://127.0.0.1:8080");
        if let Some(ct) = ct {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        let resp = self
            .router
            .clone()
            .oneshot(req.body(Body::from(body)).unwrap())
            .await
            .unwrap();
        let status = resp.status();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8_lossy(&bytes).into_owned())
    }

    async fn get(&self, uri: &str) -> (StatusCode, String) {
        self.send("GET", uri, None, String::new()).await
    }

    async fn json(&self, uri: &str, body: &str) -> String {
        let (s, b) = self
            .send("POST", uri, Some("application/json"), body.to_string())
            .await;
        assert!(s.is_success(), "{uri}: {s} {b}");
        b
    }

    async fn form(&self, uri: &str, body: &str) -> (StatusCode, String) {
        self.send(
            "POST",
            uri,
            Some("application/x-www-form-urlencoded"),
            body.to_string(),
        )
        .await
    }
}

/// The text a person sees or hears: tags dropped (attribute values are not read out), the
/// contents of scripts and styles dropped, entities left as they are. Text marked as `<code>`
/// (a file's column names, the keys in the part for clinicians, always beside words) is program
/// text on purpose and is left out.
pub fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        out.push(' ');
        let tail = &rest[i..];
        let skip_to = if tail.starts_with("<script") {
            tail.find("</script>").map(|j| j + 9)
        } else if tail.starts_with("<code") {
            tail.find("</code>").map(|j| j + 7)
        } else if tail.starts_with("<style") {
            tail.find("</style>").map(|j| j + 8)
        } else {
            tail.find('>').map(|j| j + 1)
        };
        match skip_to {
            Some(j) => rest = &tail[j..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Program names and slips in a text, each with a few words around it.
pub fn program_names(text: &str, ids: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    let words: Vec<&str> = text.split_whitespace().collect();
    let around = |i: usize| words[i.saturating_sub(4)..(i + 5).min(words.len())].join(" ");
    for (i, raw) in words.iter().enumerate() {
        let w =
            raw.trim_matches(|c: char| !(c.is_alphanumeric() || c == '_' || c == '[' || c == ']'));
        let core = w.trim_matches(|c| c == '[' || c == ']');
        // snake_case words (every id and key has one) and the ids of the content.
        if core.contains('_') && core.chars().any(|c| c.is_ascii_lowercase()) {
            found.push(format!("snake_case {core:?}: {}", around(i)));
        } else if ids.iter().any(|id| id == core) {
            found.push(format!("id {core:?}: {}", around(i)));
        }
        // Bracketed keys: "[lss_nc]", "[symptoms.sitting_effect", "+3]".
        if raw.starts_with('[')
            && raw[1..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_lowercase())
            && (raw.contains('.') || raw.contains('_'))
        {
            found.push(format!("bracketed key {raw:?}: {}", around(i)));
        }
        // Entry ids: "w-13", "(m-11)".
        let bare = raw.trim_matches(|c: char| !c.is_alphanumeric());
        if let Some((a, n)) = bare.split_once('-')
            && a.len() == 1
            && a.chars().all(|c| c.is_ascii_lowercase())
            && !n.is_empty()
            && n.chars().all(|c| c.is_ascii_digit())
        {
            found.push(format!("entry id {bare:?}: {}", around(i)));
        }
        // Paths to files the installed program does not have.
        if raw.contains("docs/") || raw.ends_with(".md") || raw.contains(".toml") {
            found.push(format!("path {raw:?}: {}", around(i)));
        }
        // "1 walks", "1 walking bouts".
        if *raw == "1" && i + 1 < words.len() {
            let next = words[i + 1].trim_matches(|c: char| !c.is_alphanumeric());
            let next2 = words
                .get(i + 2)
                .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
                .unwrap_or("");
            let plural = |w: &str| {
                w.len() > 3
                    && w.starts_with(|c: char| c.is_ascii_lowercase())
                    && w.ends_with('s')
                    && !w.ends_with("ss")
                    && !w.ends_with("us")
            };
            if plural(next) || (next.ends_with("ing") && plural(next2)) {
                found.push(format!("plural after 1: {}", around(i)));
            }
        }
    }
    // A parser's own words ("parameter 'day' ... must be in range 1..=28").
    for raw in [
        "..=",
        "parameter '",
        "invalid digit",
        "expected value at line",
    ] {
        if text.contains(raw) {
            found.push(format!("parser words {raw:?}"));
        }
    }
    if text.contains("Amble - Amble") {
        found.push("\"Amble - Amble\"".into());
    }
    found
}

fn content_ids(kb: &KnowledgeBase) -> Vec<String> {
    let mut ids: Vec<String> = kb.exercises.iter().map(|e| e.id.clone()).collect();
    ids.extend(kb.patterns.iter().map(|p| p.id.clone()));
    ids.extend(kb.flags.iter().map(|f| f.id.clone()));
    ids.extend(kb.questions.iter().map(|q| q.id.clone()));
    ids.extend(kb.learn.iter().map(|t| t.id.clone()));
    // Ids that are also ordinary words ("overload", "weight") are words here.
    ids.retain(|id| id.contains('_') || id.contains('.'));
    ids
}

#[test]
fn the_scanner_finds_what_it_looks_for() {
    let ids = vec!["bird_dog".to_string()];
    for bad in [
        "Do the bird_dog today",
        "Saved (w-13).",
        "because [symptoms.sitting_effect +3]",
        "may fit [lss_nc]",
        "1 walking bouts",
        "1 walks this week",
        "see docs/plan-rules.md",
        "Amble - Amble",
        "pace_kmh went up",
        "parameter 'day' with value 30 is not in the required range of 1..=28",
    ] {
        assert!(!program_names(bad, &ids).is_empty(), "{bad}");
    }
    for good in [
        "1 walk, 2 walks, 1 walking bout",
        "Bird-dog: 2 sets of 6",
        "3-4 days a week; pain 2/10",
        "Saved your walk.",
    ] {
        assert_eq!(program_names(good, &ids), Vec::<String>::new(), "{good}");
    }
    assert_eq!(
        visible_text("<p title=\"a_b\">x <b>y</b></p><script>var a_b;</script>z")
            .split_whitespace()
            .collect::<Vec<_>>(),
        ["x", "y", "z"]
    );
}

#[tokio::test]
async fn no_page_shows_program_names() {
    let app = App::new();
    let kb = KnowledgeBase::embedded().unwrap();
    app.json("/api/v1/assessments?today=2026-03-02", BENIGN)
        .await;
    // Five weeks of walks (one red), mornings and exercises.
    let start = jiff::civil::date(2026, 3, 2);
    for d in 0..35i64 {
        let day = start + jiff::Span::new().days(d);
        if d % 2 == 0 {
            let peak = if d == 12 { 6 } else { 2 + (d % 3) };
            app.json(
                "/api/v1/walks?today=2026-04-06",
                &format!(
                    r#"{{"date": "{day}", "minutes": {}, "pain_before": 1, "pain_peak": {peak}, "bouts": 2, "distance_km": 2.1}}"#,
                    15 + d / 3
                ),
            )
            .await;
        }
        if d % 3 == 0 {
            app.json(
                "/api/v1/mornings?today=2026-04-06",
                &format!(r#"{{"date": "{day}", "pain": {}}}"#, 1 + d % 3),
            )
            .await;
        }
        if d % 4 == 0 {
            let (s, b) = app
                .form(
                    "/log/exercise?today=2026-04-06",
                    &format!("date={day}&exercise=bird_dog&sets=2&pain_after=2"),
                )
                .await;
            assert!(s.is_success() || s.is_redirection(), "{s} {b}");
        }
    }
    let journal = app.get("/api/v1/journal").await.1;
    let entries: serde_json::Value = serde_json::from_str(&journal).unwrap();
    let ids: Vec<String> = entries["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["id"].as_str().map(String::from))
        .collect();
    assert!(ids.len() > 30, "{}", ids.len());
    let mut pages: Vec<String> = [
        "/",
        "/today",
        "/checkup",
        "/screen",
        "/checkin",
        "/plan",
        "/progress",
        "/insights",
        "/experiments",
        "/report",
        "/exercises",
        "/learn",
        "/log",
        "/log/walk",
        "/log/morning",
        "/log/exercise",
        "/journal",
        "/journal/needs-pain",
        "/gait",
        "/checkup/a-1",
        "/today?saved=w-1",
        "/journal?saved=w-1",
        "/checkup/a-1?saved=a-1",
    ]
    .iter()
    .map(|p| p.to_string())
    .collect();
    pages.extend(kb.exercises.iter().map(|e| format!("/exercises/{}", e.id)));
    pages.extend(kb.learn.iter().map(|t| format!("/learn/{}", t.id)));
    for id in ids.iter().filter(|i| !i.starts_with("a-")).take(6) {
        pages.push(format!("/journal/{id}/edit"));
        pages.push(format!("/journal/{id}/delete"));
    }
    // Every page on a day inside the plan, and the pages of a saved form.
    let content = content_ids(&kb);
    let mut problems = Vec::new();
    for page in &pages {
        let sep = if page.contains('?') { '&' } else { '?' };
        let (status, body) = app.get(&format!("{page}{sep}today=2026-04-06")).await;
        assert_eq!(status, StatusCode::OK, "{page}: {body}");
        for p in program_names(&visible_text(&body), &content) {
            problems.push(format!("{page}: {p}"));
        }
    }
    for (uri, body) in [
        (
            "/log/walk?today=2026-04-06",
            "date=2026-04-06&minutes=20&pain_before=1&pain_peak=2",
        ),
        ("/log/morning?today=2026-04-06", "date=2026-04-06&pain=2"),
        (
            "/log/walk?today=2026-04-06",
            "date=2026-02-30&minutes=x&pain_before=11",
        ),
    ] {
        let (_, html) = app.form(uri, body).await;
        for p in program_names(&visible_text(&html), &content) {
            problems.push(format!("POST {uri}: {p}"));
        }
    }
    for uri in [
        "/experiments?today=2026-04-06&factor=surface&a=Flat&b=hills&first_day=2026-02-30&weeks=4",
        "/experiments?today=2026-04-06&factor=time_of_day&a=morning&b=evening&first_day=2026-04-06&weeks=4",
    ] {
        let (_, html) = app.get(uri).await;
        for p in program_names(&visible_text(&html), &content) {
            problems.push(format!("GET {uri}: {p}"));
        }
        if uri.contains("02-30") {
            assert!(
                html.contains("the date 2026-02-30 does not exist"),
                "{html}"
            );
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[tokio::test]
async fn exercises_show_pictures_yours_first_and_no_dose_when_left_out() {
    let kb = KnowledgeBase::embedded().unwrap();
    let mut saw_left_out = false;
    // The older walker answers the minor-fall question (asked from 65), so the plan starts.
    let mut older: serde_json::Value = serde_json::from_str(include_str!(
        "../../amble-cli/tests/contract-examples/older-walker-legs-heavy.json"
    ))
    .unwrap();
    older["red_flags"]["minor_trauma"] = serde_json::json!(false);
    let older = older.to_string();
    for example in [BENIGN, older.as_str()] {
        let app = App::new();
        app.json("/api/v1/assessments?today=2026-03-02", example)
            .await;
        let (_, plan) = app.get("/api/v1/plan?today=2026-03-02").await;
        let plan: serde_json::Value = serde_json::from_str(&plan).unwrap();
        let mine: Vec<&str> = plan["exercises"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_str().unwrap())
            .collect();
        assert!(!mine.is_empty());
        let (status, page) = app.get("/exercises?today=2026-03-02").await;
        assert_eq!(status, StatusCode::OK);
        let articles: Vec<&str> = page
            .split("<article class=\"exercise\" id=\"")
            .skip(1)
            .collect();
        assert_eq!(articles.len(), kb.exercises.len());
        let order: Vec<&str> = articles
            .iter()
            .map(|a| a.split('"').next().unwrap())
            .collect();
        assert_eq!(
            &order[..mine.len()],
            &mine[..],
            "yours first, in the plan's order"
        );
        let mut out_started = false;
        for a in &articles {
            let a = a.split("</article>").next().unwrap();
            assert!(a.contains(r#"role="img""#) && a.contains("<figure class=\"pose\">"));
            if a.contains("Left out for you") {
                saw_left_out = true;
                out_started = true;
                assert!(!a.contains("Dose:") && !a.contains("data-hold"), "{a}");
            } else {
                assert!(!out_started, "left-out exercises come last");
                assert!(a.contains("Dose:"));
            }
        }
        for e in &kb.exercises {
            let (status, one) = app
                .get(&format!("/exercises/{}?today=2026-03-02", e.id))
                .await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(one.matches("<article class=\"exercise\"").count(), 1);
            assert!(one.contains(&format!(r#"aria-labelledby="pose-{0}-t pose-{0}-d""#, e.id)));
            assert!(one.contains(r#"role="img""#));
        }
        assert_eq!(app.get("/exercises/burpee").await.0, StatusCode::NOT_FOUND);
        let content = content_ids(&kb);
        for page in ["/checkup/a-1", "/plan", "/today", "/report"] {
            let (_, html) = app.get(&format!("{page}?today=2026-03-02")).await;
            let found = program_names(&visible_text(&html), &content);
            assert!(found.is_empty(), "{page}: {}", found.join("\n"));
        }
    }
    // A warning sign: the card and the stored result.
    let app = App::new();
    app.json(
        "/api/v1/assessments?today=2026-03-02",
        include_str!("../../amble-cli/tests/contract-examples/red-flag-saddle-numbness.json"),
    )
    .await;
    for page in ["/checkup/a-1", "/plan", "/today"] {
        let (_, html) = app.get(&format!("{page}?today=2026-03-02")).await;
        let found = program_names(&visible_text(&html), &content_ids(&kb));
        assert!(found.is_empty(), "{page}: {}", found.join("\n"));
    }
    assert!(saw_left_out, "an example leaves an exercise out");
}
