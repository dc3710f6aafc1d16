//! A write replays only from its week (docs/performance.md, "Years of history"): a server that
//! has served a long journal, then sees writes (from another process, as the CLI makes them, and
//! through its own API: a new entry, a correction of an old walk, a deletion, a walk with a gait
//! recording), serves every page byte for byte as a server started fresh on the same journal.
//! On SQLite, and on PostgreSQL with `AMBLE_TEST_ENGINE=postgres`.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

use amble_core::journal::{Entry, Morning};
use amble_core::knowledge::KnowledgeBase;
use amble_store::{Change, Database, Store};
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

fn blocking<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| s.spawn(f).join().unwrap())
}

fn server(db: &Database) -> Router {
    server_on(db, date(2027, 2, 25))
}

fn server_on(db: &Database, today: Date) -> Router {
    router(
        AppState::with_database(db.clone(), KnowledgeBase::embedded().unwrap(), Some(today))
            .with_latest_date(date(2030, 12, 31)),
    )
}

async fn send(app: &Router, method: &str, uri: &str, body: &str) -> (StatusCode, String) {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::HOST, "127.0.0.1:8080")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

fn gait(minutes: usize) -> Value {
    json!({
        "file": "walk.csv", "walking_s": 60.0 * minutes as f64, "steps": 100 * minutes,
        "cadence_spm": 104.2, "stride_length_m": 1.21, "speed_mps": 1.04,
        "step_time_cv": 0.031, "symmetry": 0.91,
        "windows": (0..minutes).map(|k| json!({
            "start_s": 60.0 * k as f64, "cadence_spm": 104.0 + k as f64 / 3.0,
            "stride_length_m": 1.2 - k as f64 * 0.0071, "speed_mps": 1.0 / 3.0,
            "step_time_cv": 0.03, "symmetry": 0.9
        })).collect::<Vec<_>>(),
        "deterioration_onset_s": null
    })
}

fn walk(d: Date, minutes: f64, peak: u8, with_gait: bool) -> Entry {
    let mut w = json!({
        "kind": "walk", "id": "", "date": d.to_string(), "minutes": minutes, "pain_before": 2,
        "pain_peak": peak, "leg_spread": "none", "source": "manual"
    });
    if with_gait {
        w["gait"] = gait(minutes as usize);
    }
    serde_json::from_value(w).unwrap()
}

/// A year of mornings and walks (every fourth with a gait recording) from `from`.
fn a_year(from: Date) -> Vec<Entry> {
    let mut out = Vec::new();
    for d in 0..364i64 {
        let day = from.saturating_add(d.days());
        out.push(Entry::Morning(Morning {
            id: String::new(),
            date: day,
            pain: (d % 3) as u8 + 1,
        }));
        if d % 7 < 5 {
            out.push(walk(day, 12.0 + (d % 5) as f64, 3, d % 4 == 0));
        }
    }
    out
}

fn write(db: &Database, changes: Vec<Change>) {
    blocking(|| {
        db.open().unwrap().apply(changes).unwrap();
    });
}

const PAGES: &[&str] = &[
    "/",
    "/today",
    "/plan",
    "/plan?history=all",
    "/progress",
    "/journal",
    "/exercises",
    "/insights",
    "/report",
    "/api/v1/plan",
    "/api/v1/today",
    "/api/v1/journal",
    "/api/v1/insights",
];

/// Every page of the long-lived server equals a fresh server's, as of `today`.
async fn same_as_fresh(long_lived: &Router, db: &Database, today: &str, what: &str) {
    let fresh = server(db);
    for p in PAGES {
        let sep = if p.contains('?') { '&' } else { '?' };
        let uri = format!("{p}{sep}today={today}");
        let (s1, b1) = send(long_lived, "GET", &uri, "").await;
        let (s2, b2) = send(&fresh, "GET", &uri, "").await;
        assert_eq!(s1, StatusCode::OK, "{what}: {uri}: {b1}");
        assert_eq!(
            (s1, &b1),
            (s2, &b2),
            "{what}: {uri} differs from a fresh server's"
        );
    }
}

#[tokio::test]
async fn after_each_write_every_page_equals_a_fresh_servers() {
    let dir = tempfile::tempdir().unwrap();
    let db = if std::env::var("AMBLE_TEST_ENGINE").is_ok_and(|e| e == "postgres") {
        let url = std::env::var("AMBLE_TEST_DATABASE_URL")
            .expect("AMBLE_TEST_ENGINE=postgres needs AMBLE_TEST_DATABASE_URL");
        let pg = amble_store::PgDatabase::connect(&url).unwrap();
        let journal = blocking(|| pg.create_journal().unwrap());
        Database::Postgres(pg, journal)
    } else {
        Database::sqlite(dir.path())
    };
    let start = date(2026, 3, 2);
    let (s, body) = send(
        &server_on(&db, start),
        "POST",
        "/api/v1/assessments",
        BENIGN,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    let app = server(&db);
    write(&db, a_year(start).into_iter().map(Change::Add).collect());
    let today = "2027-02-25";
    let day = date(2027, 2, 25);
    same_as_fresh(&app, &db, today, "the journal as imported").await;

    // A morning today from another process (what `amble log morning` does).
    write(
        &db,
        vec![Change::Add(Entry::Morning(Morning {
            id: String::new(),
            date: day,
            pain: 6,
        }))],
    );
    same_as_fresh(&app, &db, today, "a morning today").await;

    // A red walk today and yesterday through the server's own API: a flare within the week.
    for d in [day.yesterday().unwrap(), day] {
        let (s, body) = send(
            &app,
            "POST",
            "/api/v1/walks",
            &json!({"date": d.to_string(), "minutes": 10, "pain_before": 2, "pain_peak": 9,
                    "leg_spread": "none"})
            .to_string(),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{body}");
    }
    same_as_fresh(&app, &db, today, "two red walks this week").await;

    // A correction of a walk from months ago: every week after it may change.
    let old = blocking(|| {
        db.open()
            .unwrap()
            .list()
            .unwrap()
            .into_iter()
            .find(|e| matches!(e, Entry::Walk(w) if w.date == date(2026, 9, 1)))
            .unwrap()
    });
    let Entry::Walk(mut w) = old else {
        unreachable!()
    };
    w.pain_peak = Some(9);
    w.minutes += 20.0;
    write(&db, vec![Change::Replace(Entry::Walk(w))]);
    same_as_fresh(&app, &db, today, "a walk corrected months ago").await;

    // A walk with a gait recording, and a deletion.
    write(&db, vec![Change::Add(walk(day, 25.0, 2, true))]);
    same_as_fresh(&app, &db, today, "a walk with gait windows").await;
    let gone = blocking(|| {
        let mut s = db.open().unwrap();
        let id = s
            .list()
            .unwrap()
            .iter()
            .rev()
            .find(|e| matches!(e, Entry::Morning(_)))
            .map(|e| e.id().to_string())
            .unwrap();
        s.delete(&id).unwrap()
    });
    assert!(matches!(gone, Entry::Morning(_)));
    same_as_fresh(&app, &db, today, "a morning deleted").await;

    // Another day: the week turns.
    same_as_fresh(&app, &db, "2027-03-04", "a week later").await;

    // The walk's gait page reads its windows on demand; the journal document carries them.
    let walk_id = blocking(|| {
        db.open()
            .unwrap()
            .list()
            .unwrap()
            .iter()
            .rev()
            .find(|e| matches!(e, Entry::Walk(w) if w.gait.is_some()))
            .map(|e| e.id().to_string())
            .unwrap()
    });
    let (s, page) = send(
        &app,
        "GET",
        &format!("/journal/{walk_id}/gait?today={today}"),
        "",
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("<svg"),
        "the walk's speed chart from its windows"
    );
    let (_, doc) = send(&app, "GET", "/api/v1/journal", "").await;
    let doc: Value = serde_json::from_str(&doc).unwrap();
    let windows = doc["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == walk_id.as_str())
        .map(|e| e["gait"]["windows"].as_array().unwrap().len());
    assert_eq!(windows, Some(25));
}
