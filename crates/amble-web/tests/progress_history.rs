//! The person's Progress page covers the period it names across plan restarts (docs/web.md,
//! /progress): after new symptoms suspended the plan and a new check-up started it again, the
//! weeks and pain of the first plan stay on the charts, the restart is marked, and weeks are
//! named by their first day instead of "W1" twice. SQLite, or PostgreSQL with
//! `AMBLE_TEST_ENGINE=postgres`.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

mod journal_app;

use axum::http::StatusCode;
use journal_app::App;

const BENIGN: &str =
    include_str!("../../amble-cli/tests/contract-examples/benign-ache-after-30-min.json");

/// This test's requests on the shared served journal (`journal_app`).
impl App {
    async fn post(&self, uri: &str, body: &str) {
        let r = self.post_json(uri, body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{uri}: {}", r.body);
    }

    async fn page(&self, uri: &str) -> String {
        let r = self.get(uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.body);
        r.body
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
