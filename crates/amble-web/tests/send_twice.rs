//! Forms sent twice, or late: the check-up's and the check-in's last step carry a one-time
//! reference (a repeat answers with the first result, never a second entry), and a morning
//! score queued on the phone never silently replaces one changed after it was queued
//! (docs/web.md).

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

fn blocking<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| s.spawn(f).join().unwrap())
}

struct App {
    _dir: tempfile::TempDir,
    router: Router,
}

struct Resp {
    status: StatusCode,
    location: String,
    body: String,
}

impl Resp {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The value of the hidden input `name` on the page.
    fn hidden(&self, name: &str) -> Option<String> {
        let at = format!("type=\"hidden\" name=\"{name}\" value=\"");
        let start = self.body.find(&at)? + at.len();
        let len = self.body[start..].find('"')?;
        Some(self.body[start..start + len].to_string())
    }
}

impl App {
    /// A fresh journal: SQLite, or PostgreSQL with `AMBLE_TEST_ENGINE=postgres`.
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

    async fn send(&self, method: &str, uri: &str, kind: &str, body: String) -> Resp {
        let mut req = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::HOST, "127.0.0.1:8080");
        if !kind.is_empty() {
            req = req
                .header(header::CONTENT_TYPE, kind)
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
            .unwrap_or_default()
            .to_string();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        Resp {
            status,
            location,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    async fn get(&self, uri: &str) -> Resp {
        self.send("GET", uri, "", String::new()).await
    }

    async fn post_json(&self, uri: &str, body: &str) -> Resp {
        self.send("POST", uri, "application/json", body.to_string())
            .await
    }

    async fn post_form(&self, uri: &str, body: &str) -> Resp {
        self.send(
            "POST",
            uri,
            "application/x-www-form-urlencoded",
            body.to_string(),
        )
        .await
    }

    /// The journal's entries as `(kind, date)`.
    async fn kinds(&self) -> Vec<(String, String)> {
        let journal = self.get("/api/v1/journal").await.json();
        journal["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["kind"].as_str().unwrap().to_string(),
                    e["date"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }
}

fn all_no() -> String {
    let kb = KnowledgeBase::embedded().unwrap();
    kb.questions
        .iter()
        .filter(|q| q.is_red_flag())
        .map(|q| format!("{}=no", q.id))
        .collect::<Vec<_>>()
        .join("&")
}

// ---- One check-up per send ----

#[tokio::test]
async fn the_check_ups_last_step_sent_twice_stores_one_check_up() {
    let app = App::new();
    let first = app.get("/checkup").await;
    let once = first.hidden("client_ref").expect("a one-time reference");
    assert_eq!(once.len(), 32, "{once}");
    assert_ne!(
        app.get("/checkup").await.hidden("client_ref"),
        Some(once.clone()),
        "each check-up its own"
    );
    // Carried from step to step.
    let step2 = app
        .post_form(
            "/checkup",
            &format!("step=1&seen=1&client_ref={once}&{}", all_no()),
        )
        .await;
    assert_eq!(step2.status, StatusCode::OK);
    assert_eq!(step2.hidden("client_ref").as_deref(), Some(once.as_str()));

    let last = format!(
        "step=10&seen=1,2,4,5,6,7,8,9&client_ref={once}&{}&age=74&symptoms.loc_buttock=both&symptoms.loc_thigh=both&symptoms.standing_alone_provokes=yes&symptoms.relief_by=sitting&symptoms.sitting_effect=eases&walking.pain_free_minutes=6&pain.usual_morning=2",
        all_no()
    );
    let r = app.post_form("/checkup", &last).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location, "/checkup/a-1");
    // A double tap, or the phone sending again after a slow answer: the first result.
    let again = app.post_form("/checkup", &last).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    assert_eq!(again.location, "/checkup/a-1");
    assert_eq!(
        app.kinds().await,
        vec![("assessment".to_string(), "2026-03-02".to_string())]
    );
    // A new check-up (a new page, a new reference) is stored as a new one.
    let other = app.get("/checkup").await.hidden("client_ref").unwrap();
    let r = app
        .post_form("/checkup", &last.replace(&once, &other))
        .await;
    assert_eq!(r.location, "/checkup/a-2");
    // A garbled reference is refused, nothing stored.
    let bad = app
        .post_form("/checkup", &last.replace(&once, &"x".repeat(65)))
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.kinds().await.len(), 2);
}

#[tokio::test]
async fn an_emergency_at_the_first_step_sent_twice_is_stored_once() {
    let app = App::new();
    let once = app.get("/checkup").await.hidden("client_ref").unwrap();
    let body = format!(
        "step=1&seen=1&client_ref={once}&{}",
        all_no().replace(
            "red_flags.saddle_numbness=no",
            "red_flags.saddle_numbness=yes"
        )
    );
    for _ in 0..2 {
        let r = app.post_form("/checkup", &body).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("Get emergency care now"), "{}", r.body);
    }
    assert_eq!(app.kinds().await.len(), 1);
}

#[tokio::test]
async fn the_check_in_sent_twice_stores_one_check_in() {
    let app = App::new();
    let r = app.post_json("/api/v1/assessments", BENIGN).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let form = app.get("/checkin?today=2026-03-09").await;
    let once = form.hidden("client_ref").expect("a one-time reference");
    let body = format!("client_ref={once}&{}&change=better&pain.now=0", all_no());
    let first = app.post_form("/checkin?today=2026-03-09", &body).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let second = app.post_form("/checkin?today=2026-03-09", &body).await;
    assert_eq!(second.status, StatusCode::SEE_OTHER, "{}", second.body);
    assert_eq!(first.location, second.location);
    let checkins = app
        .kinds()
        .await
        .into_iter()
        .filter(|(k, _)| k == "checkin")
        .count();
    assert_eq!(checkins, 1);
}
