//! Maintenance that listens, on the web pages (docs/plan-rules.md, "Maintenance"): the home
//! page says since when and what was walked; a monthly check-in answering "has back pain limited
//! what you do?" with yes says how the plan changes, and the home and plan pages show the flare
//! week with the core's words.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

use amble_core::knowledge::KnowledgeBase;
use amble_web::{AppState, router};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use jiff::ToSpan;
use jiff::civil::{Date, date};
use serde_json::{Value, json};
use tower::ServiceExt;

const BENIGN: &str =
    include_str!("../../amble-cli/tests/contract-examples/benign-ache-after-30-min.json");
const START: Date = date(2026, 3, 2);

fn day(n: i64) -> String {
    START.saturating_add(n.days()).to_string()
}

struct App {
    _dir: tempfile::TempDir,
    router: Router,
}

impl App {
    fn new() -> App {
        let dir = tempfile::tempdir().unwrap();
        let db = amble_store::Database::sqlite(dir.path());
        let kb = KnowledgeBase::embedded().unwrap();
        let router = router(
            AppState::with_database(db, kb, Some(START)).with_latest_date(date(2030, 12, 31)),
        );
        App { _dir: dir, router }
    }

    async fn send(
        &self,
        uri: &str,
        content_type: Option<&str>,
        body: String,
    ) -> (StatusCode, String) {
        let mut req = Request::builder()
            .method(if content_type.is_some() {
                "POST"
            } else {
                "GET"
            })
            .uri(uri)
            .header(header::HOST, "127.0.0.1:8080");
        if let Some(t) = content_type {
            req = req
                .header(header::CONTENT_TYPE, t)
                .header(header::ORIGIN, "http://127.0.0.1:8080");
        }
        let resp = self
            .router
            .clone()
            .oneshot(req.body(Body::from(body)).unwrap())
            .await
            .unwrap();
        let status = resp.status();
        let location = resp
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        (status, location.unwrap_or(text))
    }

    async fn get(&self, uri: &str) -> String {
        let (status, body) = self.send(uri, None, String::new()).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {body}");
        body
    }

    async fn post_json(&self, uri: &str, body: &Value) {
        let (status, text) = self
            .send(uri, Some("application/json"), body.to_string())
            .await;
        assert!(status.is_success(), "{uri}: {status} {text}");
    }
}

#[tokio::test]
async fn the_home_plan_and_checkin_pages_follow_maintenance() {
    let app = App::new();
    let mut answers: Value = serde_json::from_str(BENIGN).unwrap();
    answers["walking"] = json!({"usual_minutes": 40, "walks_per_week": 5, "pain_free_minutes": 40});
    answers["pain"]["walk_peak"] = json!(2);
    app.post_json(&format!("/api/v1/assessments?today={}", day(0)), &answers)
        .await;
    // Every week as planned, each walk easy with a calm next morning, until maintenance.
    let mut w = 0i64;
    loop {
        let plan: Value =
            serde_json::from_str(&app.get(&format!("/api/v1/plan?today={}", day(w * 7))).await)
                .unwrap();
        if plan["status"] == "maintenance" || w > 8 {
            assert_eq!(plan["status"], "maintenance", "{plan}");
            break;
        }
        let walking = &plan["walking"];
        let minutes = walking["bout_minutes"].as_u64().unwrap()
            * walking["bouts_per_session"].as_u64().unwrap();
        for k in 0..walking["sessions_per_week"].as_i64().unwrap() {
            let (d, next) = (day(w * 7 + k), day(w * 7 + k + 1));
            app.post_json(
                &format!("/api/v1/walks?today={d}"),
                &json!({"date": d, "minutes": minutes, "pain_before": 1, "pain_peak": 2}),
            )
            .await;
            app.post_json(
                &format!("/api/v1/mornings?today={next}"),
                &json!({"date": next, "pain": 1}),
            )
            .await;
        }
        w += 1;
    }
    let home = app.get(&format!("/?today={}", day(w * 7))).await;
    assert!(
        home.contains(&format!(
            "Your plan has been in maintenance since week {}: in weeks",
            w + 1
        )) && home.contains("150, 150, 150 and 150 minutes"),
        "{home}"
    );

    // The monthly check-in: back pain has limited what I do.
    let d = day(w * 7 + 1);
    let flags: String = answers["red_flags"]
        .as_object()
        .unwrap()
        .keys()
        .map(|k| format!("red_flags.{k}=no&"))
        .collect();
    let (status, location) = app
        .send(
            &format!("/checkin?today={d}"),
            Some("application/x-www-form-urlencoded"),
            format!("{flags}change=worse&pain.now=3&activity_limited=yes"),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    let result = app.get(&location).await;
    assert!(result.contains("Your plan changes"), "{result}");
    assert!(
        result.contains("says back pain has limited what you do"),
        "{result}"
    );
    assert!(result.contains("leaves maintenance for the flare plan"));
    assert!(!result.contains("Your plan is in maintenance"));

    // Home and plan pages: the flare week, in the core's words.
    let home = app.get(&format!("/?today={d}")).await;
    assert!(home.contains("This is a flare week"), "{home}");
    assert!(!home.contains("Your plan has been in maintenance"));
    let plan = app.get(&format!("/plan?today={d}")).await;
    assert!(
        plan.contains("says back pain has limited what you do"),
        "{plan}"
    );
}
