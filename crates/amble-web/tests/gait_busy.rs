//! Gait analyses on the server are bounded: an upload waits briefly for a free slot, then gets
//! 503 with `Retry-After`; with a slot free, uploads are analysed (one after the other when
//! there is one slot).

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

use std::time::Duration;

use amble_core::knowledge::KnowledgeBase;
use amble_web::{AppState, router};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

const LAB_TRIAL: &[u8] = include_bytes!("../../amble-gait/tests/data/HA_001_Test11_Trial1_imu.csv");

fn app(dir: &tempfile::TempDir, slots: usize, wait: Duration) -> Router {
    let kb = KnowledgeBase::embedded().unwrap();
    router(
        AppState::new(
            dir.path().to_path_buf(),
            kb,
            Some(jiff::civil::date(2026, 3, 2)),
        )
        .with_gait_analyses(slots, wait),
    )
}

async fn upload(router: &Router) -> (StatusCode, Option<String>, String) {
    let boundary = "XbOuNdArYx";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"walk.csv\"\r\nContent-Type: text/csv\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(LAB_TRIAL);
    body.extend_from_slice(
        format!("\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"height_cm\"\r\n\r\n159\r\n--{boundary}--\r\n")
            .as_bytes(),
    );
    let req = Request::builder()
        .method("POST")
        .uri("/gait")
        .header(header::HOST, "127.0.0.1:8080")
        .header(header::ORIGIN, "http://127.0.0.1:8080")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    let resp = router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let retry = resp
        .headers()
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (status, retry, String::from_utf8_lossy(&bytes).into_owned())
}

/// No slot free within the wait: 503, `Retry-After`, and the form with the reason.
#[tokio::test]
async fn a_busy_server_answers_503_with_retry_after() {
    let dir = tempfile::tempdir().unwrap();
    let router = app(&dir, 0, Duration::from_millis(50));
    let (status, retry, body) = upload(&router).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(
        retry.as_deref(),
        Some(amble_web::GAIT_RETRY_AFTER_S.to_string().as_str())
    );
    assert!(
        body.contains("the server is analysing other recordings"),
        "{body}"
    );
    assert!(body.contains("enctype=\"multipart/form-data\""), "{body}");
}

/// One slot, uploads at once: each waits its turn and all are analysed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_share_one_slot_in_turn() {
    let dir = tempfile::tempdir().unwrap();
    let router = app(&dir, 1, Duration::from_secs(60));
    let (a, b, c) = tokio::join!(upload(&router), upload(&router), upload(&router));
    for (status, retry, body) in [a, b, c] {
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(retry.is_none());
        assert!(body.contains("steps a minute"), "{body}");
    }
}
