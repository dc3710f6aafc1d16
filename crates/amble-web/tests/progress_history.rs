//! The person's Progress page covers the period it names across plan restarts (docs/web.md,
//! /progress): after new symptoms suspended the plan and a new check-up started it again, the
//! weeks and pain of the first plan stay on the charts, the restart is marked, and weeks are
//! named by their first day instead of "W1" twice. SQLite, or PostgreSQL with
//! `AMBLE_TEST_ENGINE=postgres`.

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

fn blocking<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| s.spawn(f).join().unwrap())
}

struct App {
    _dir: tempfile::TempDir,
    router: Router,
}

impl App {
    fn new() -> App {
        let dir = tempfile::tempdir().unwrap();
        let kb = KnowledgeBase::embedded().unwrap();
        let db = if std::env::var("AMBLE_TEST_ENGINE").is_ok_and(|e| e == "postgres") {
            let url = std::env::var("AMBLE_TEST_DATABASE_URL")
                .expect("AMBLE_TEST_ENGINE=postgres needs AMBLE_TEST_DATABASE_URL");
            let pg = amble_store::PgDatabase::connect(&url).unwrap();
            let journal = blocking(|| pg.create_journal().unwrap());
            amble_store::Database::Postgres(pg, journal)
        } else {
            amble_store::Database::sqlite(dir.path())
        };
        let router = router(
            AppState::with_database(db, kb, Some(jiff::civil::date(2026, 3, 2)))
                .with_latest_date(jiff::civil::date(2030, 12, 31)),
        );
        App { _dir: dir, router }
    }

    async fn send(&self, method: &str, uri: &str, body: String) -> (StatusCode, String) {
        let mut req = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::HOST, "127.0.0.1:8080");
        if method == "POST" {
            req = req.header(header::CONTENT_TYPE, "application/json");
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

    async fn post(&self, uri: &str, body: &str) {
        let (status, text) = self.send("POST", uri, body.to_string()).await;
        assert_eq!(status, StatusCode::CREATED, "{uri}: {text}");
    }

    async fn page(&self, uri: &str) -> String {
        let (status, text) = self.send("GET", uri, String::new()).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {text}");
        text
    }

    async fn walk(&self, date: &str, minutes: u32, peak: u8, new_symptoms: bool) {
        self.post(
            &format!("/api/v1/walks?today={date}"),
            &format!(
                r#"{{"date": "{date}", "minutes": {minutes}, "pain_before": 2, "pain_peak": {peak}, "new_symptoms": {new_symptoms}}}"#
            ),
        )
        .await;
    }
}

/// Check-up 2026-03-02, three weeks of walks, new symptoms on 2026-03-20 (the plan is
/// suspended), a new check-up on 2026-03-30 and two walks of the new plan.
async fn journey() -> App {
    let app = App::new();
    app.post("/api/v1/assessments?today=2026-03-02", BENIGN)
        .await;
    for (d, peak) in [
        ("2026-03-03", 3),
        ("2026-03-05", 4),
        ("2026-03-10", 3),
        ("2026-03-12", 3),
        ("2026-03-17", 4),
    ] {
        app.walk(d, 11, peak, false).await;
    }
    app.walk("2026-03-20", 7, 6, true).await;
    app.post("/api/v1/assessments?today=2026-03-30", BENIGN)
        .await;
    app.walk("2026-03-31", 12, 3, false).await;
    app.walk("2026-04-02", 12, 2, false).await;
    app
}

#[tokio::test]
async fn progress_keeps_the_weeks_before_a_new_checkup_and_marks_it() {
    let app = journey().await;
    for range in ["52", "all", "12"] {
        let body = app
            .page(&format!("/progress?today=2026-04-03&weeks={range}"))
            .await;
        // The pain of the first plan, the new-symptoms walk among it, is in the chart and table.
        for date in ["2026-03-03", "2026-03-17", "2026-03-20", "2026-04-02"] {
            assert!(
                body.contains(&format!("<td class=\"date\">{date}</td>")),
                "{range}: the pain of {date} is shown"
            );
        }
        assert!(body.contains("2026-03-05: before 2, worst 4"), "{range}");
        // The weeks of both plans, named by their first day with the plan's week.
        assert!(
            body.contains("Week of 2026-03-02 (plan week 1): walked 22 of"),
            "{range}: {body}"
        );
        assert!(body.contains("Week of 2026-03-09 (plan week 2): walked 22 of"));
        // The week new symptoms suspended the plan in: its walks, nothing planned.
        assert!(
            body.contains(
                "Week of 2026-03-16 (plan week 3): the plan was suspended; walked 18 minutes."
            ),
            "{range}"
        );
        assert!(
            body.contains("<td class=\"date\">2026-03-16</td><td>none (suspended)</td><td>18</td>")
        );
        assert!(body.contains(
            "A new check-up on 2026-03-30 started the plan again. Week of 2026-03-30 (plan week 1): walked 24 of"
        ));
        assert!(
            !body.contains(">W1</text>"),
            "week numbers are not the axis when they repeat"
        );
        assert!(body.contains(">2 Mar</text>") && body.contains(">30 Mar</text>"));
        // The restart is marked on both charts and in the table of weeks.
        assert_eq!(
            body.matches(">new check-up 30 Mar</text>").count(),
            2,
            "{range}: a marker on the minutes chart and on the pain chart"
        );
        assert!(body.contains("<td>1 (new check-up)</td><td class=\"date\">2026-03-30</td>"));
        assert_eq!(body.matches("<td>1 (new check-up)</td>").count(), 1);
    }
    let all = app.page("/progress?today=2026-04-03&weeks=all").await;
    assert!(all.contains("Showing every week since your first check-up, on 2026-03-02."));
    assert!(!all.contains("since the check-up"));
    let year = app.page("/progress?today=2026-04-03&weeks=52").await;
    assert!(year.contains("Showing the last 52 weeks."));
}

#[tokio::test]
async fn a_shorter_period_leaves_out_only_the_weeks_before_it() {
    let app = journey().await;
    // 12 weeks back from 2026-06-05 is 2026-03-14: the week of 2026-03-09 ends inside the
    // period and is shown, the week of 2026-03-02 and its walks are not.
    let body = app.page("/progress?today=2026-06-05&weeks=12").await;
    assert!(body.contains("Week of 2026-03-09 (plan week 2)"), "{body}");
    assert!(!body.contains("Week of 2026-03-02"));
    assert!(!body.contains("<td class=\"date\">2026-03-12</td>"));
    assert!(body.contains("<td class=\"date\">2026-03-17</td>"));
    assert!(body.contains(">new check-up 30 Mar</text>"));
    // Everything since the first check-up brings the first week back.
    let all = app.page("/progress?today=2026-06-05&weeks=all").await;
    assert!(all.contains("Week of 2026-03-02 (plan week 1)"));
    assert!(all.contains("<td class=\"date\">2026-03-03</td>"));
}

#[tokio::test]
async fn one_plan_keeps_its_week_numbers() {
    let app = App::new();
    app.post("/api/v1/assessments?today=2026-03-02", BENIGN)
        .await;
    app.walk("2026-03-03", 11, 3, false).await;
    app.walk("2026-03-10", 11, 3, false).await;
    let body = app.page("/progress?today=2026-03-12").await;
    assert!(body.contains(">W1</text>") && body.contains(">W2</text>"));
    assert!(body.contains("Week 1: walked 11 of"));
    assert!(!body.contains("new check-up"));
    assert!(body.contains(">start</text>"));
}
