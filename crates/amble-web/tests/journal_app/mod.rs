//! One journal served through the real router, for the HTTP tests that need no accounts
//! (`care_first.rs`, `keep_level.rs`, `progress_history.rs`, `web_input.rs`): a fresh journal on SQLite, or on
//! PostgreSQL with `AMBLE_TEST_ENGINE=postgres` and `AMBLE_TEST_DATABASE_URL`; "today" is
//! 2026-03-02 unless a page's `?date=` says otherwise.

#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)] // each test file uses a part

use amble_core::knowledge::KnowledgeBase;
use amble_web::{AppState, router};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

pub fn blocking<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| s.spawn(f).join().unwrap())
}

pub struct App {
    _dir: tempfile::TempDir,
    pub router: Router,
}

pub struct Resp {
    pub status: StatusCode,
    pub location: String,
    pub body: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The value of the hidden input `name` on the page.
    pub fn hidden(&self, name: &str) -> Option<String> {
        let at = format!("type=\"hidden\" name=\"{name}\" value=\"");
        let start = self.body.find(&at)? + at.len();
        let len = self.body[start..].find('"')?;
        Some(self.body[start..start + len].to_string())
    }
}

impl App {
    /// A fresh journal: SQLite, or PostgreSQL with `AMBLE_TEST_ENGINE=postgres`.
    pub fn new() -> App {
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

    pub async fn send(&self, method: &str, uri: &str, kind: &str, body: String) -> Resp {
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

    pub async fn get(&self, uri: &str) -> Resp {
        self.send("GET", uri, "", String::new()).await
    }

    pub async fn post_json(&self, uri: &str, body: &str) -> Resp {
        self.send("POST", uri, "application/json", body.to_string())
            .await
    }

    pub async fn post_form(&self, uri: &str, body: &str) -> Resp {
        self.send(
            "POST",
            uri,
            "application/x-www-form-urlencoded",
            body.to_string(),
        )
        .await
    }
}
