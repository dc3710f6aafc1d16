//! The insights page and API show walk minutes and bouts like every factor (contract §8): a
//! journal where longer walks went with worse next mornings shows it as a finding, with words
//! saying the plan sets walk length from recent pain and that walks set in advance are the way
//! to be sure; nothing is "not read from your journal".

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

use amble_core::journal::{Entry, Morning, Walk, WalkSource};
use amble_core::knowledge::KnowledgeBase;
use amble_store::Store;
use amble_web::{AppState, router};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use jiff::ToSpan;
use jiff::civil::date;
use tower::ServiceExt;

/// 120 days: a walk on most days, 10 to 40 minutes, every fourth walk split into two bouts,
/// and next-morning pain about a point higher per 10 minutes walked.
fn entries() -> Vec<Entry> {
    let start = date(2026, 1, 5);
    let mut out = Vec::new();
    for d in 0..120i64 {
        if d % 5 == 4 {
            continue;
        }
        let day = start.saturating_add(d.days());
        let minutes = 10.0 + 5.0 * ((d * 13) % 11 % 7) as f64;
        let before = 2 + u8::from(d % 5 == 0);
        out.push(Entry::Walk(Walk {
            id: format!("w-{}", d + 1),
            date: day,
            start: Some(format!("{:02}:15", 8 + d % 10)),
            minutes,
            elapsed_minutes: None,
            bouts: if d % 4 == 1 { 2 } else { 1 },
            pain_before: Some(before),
            pain_peak: Some(before + 1),
            leg_spread: None,
            new_symptoms: false,
            distance_km: None,
            steps: None,
            cadence_spm: None,
            avg_hr_bpm: None,
            ascent_m: None,
            surface: None,
            shoes: None,
            source: WalkSource::Manual,
            notes: None,
            gait: None,
        }));
        let wobble = u8::from(d % 3 == 0);
        out.push(Entry::Morning(Morning {
            id: format!("m-{}", d + 1),
            date: day.saturating_add(1.days()),
            pain: before - 1 + (minutes / 10.0).round() as u8 + wobble,
        }));
    }
    out
}

async fn get(app: &axum::Router, uri: &str) -> (StatusCode, String) {
    let req = Request::builder()
        .uri(uri)
        .header(header::HOST, "127.0.0.1:8080")
        .body(Body::empty())
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn walk_minutes_and_bouts_are_shown_like_every_factor() {
    let dir = tempfile::tempdir().unwrap();
    let db = amble_store::Database::sqlite(dir.path());
    std::thread::scope(|s| {
        s.spawn(|| db.open().unwrap().import(entries()).unwrap())
            .join()
            .unwrap()
    });
    let kb = KnowledgeBase::embedded().unwrap();
    let app = router(AppState::with_database(db, kb, Some(date(2026, 5, 4))));

    let (status, body) = get(&app, "/api/v1/insights").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    let finding = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["factor"] == "minutes" && f["outcome"] == "next_morning")
        .unwrap_or_else(|| panic!("the walk-length pattern is a finding: {json:#}"));
    assert_eq!(finding["unit"], "points per 10 min");
    assert!(finding["effect"].as_f64().unwrap() > 0.0, "{finding}");
    assert!(
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .chain(json["tested"].as_array().unwrap())
            .any(|t| t["factor"] == "bouts" && t["level"] == "split"),
        "bouts are tested: {json:#}"
    );
    assert!(
        json["not_enough_data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["kind"] == "more_data" && n["factor"] != "minutes"),
        "{json:#}"
    );

    let (status, page) = get(&app, "/insights").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("each extra 10 minutes of walking went with")
            && page.contains("Your plan sets your walk length from your recent pain")
            && page.contains("the way to be sure"),
        "{page}"
    );
    assert!(page.contains("rests on the way"), "{page}");
    assert!(!page.contains("Not read from your journal"), "{page}");
}
