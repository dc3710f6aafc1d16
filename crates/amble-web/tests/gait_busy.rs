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
    upload_file(router, LAB_TRIAL).await
}

async fn upload_file(router: &Router, file: &[u8]) -> (StatusCode, Option<String>, String) {
    let boundary = "XbOuNdArYx";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"walk.csv\"\r\nContent-Type: text/csv\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(file);
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

/// On two cores one analysis runs at a time, leaving a core to the pages.
#[test]
fn analyses_leave_a_core_to_the_pages() {
    let slots: Vec<usize> = [1, 2, 3, 4, 8, 64]
        .into_iter()
        .map(amble_web::gait_slots)
        .collect();
    assert_eq!(slots, [1, 1, 2, 3, 4, 4]);
}

/// A table of millions of blank lines is refused at the line where the bound is passed, with
/// the file named, before it is read as rows.
#[tokio::test]
async fn a_table_of_blank_lines_is_refused_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let router = app(&dir, 1, Duration::from_secs(5));
    let mut file = b"time_s,acc_x,acc_y,acc_z\n".to_vec();
    file.resize(file.len() + 3_000_000, b'\n');
    let (status, _, body) = upload_file(&router, &file).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body.contains("walk.csv: line 1002:") && body.contains("not a table of samples"),
        "{body}"
    );
}
