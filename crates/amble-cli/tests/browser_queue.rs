//! The offline queue never replaces a morning score unseen (docs/web.md, "The offline queue"),
//! in headless Chromium against the real `amble serve`: a morning score logged on the phone
//! while the server is down is kept with what the page saw (no score for that date); a score
//! for the same date is then entered elsewhere; when the phone sends its log, the score entered
//! later is kept, the phone shows both values and the choice instead of "sent", and choosing
//! to replace it does. Skipped without chromedriver unless `AMBLE_E2E_REQUIRED=1`.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::browser::{
    Kill, Screen, browser, free_port, screenshot, serve_at, shots_dir, start_chrome,
};
use fantoccini::{Client, Locator};
use serde_json::{Value, json};

/// One plain HTTP/1.1 request with a JSON body: (status, body).
fn http(port: u16, method: &str, path: &str, body: &str) -> (u16, String) {
    let s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        &s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut reader = BufReader::new(s);
    let mut status_line = String::new();
    reader.read_line(&mut status_line).unwrap();
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':')
            && k.eq_ignore_ascii_case("content-length")
        {
            length = v.trim().parse().unwrap();
        }
    }
    let mut bytes = vec![0; length];
    reader.read_exact(&mut bytes).unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

fn serve(data: &Path, port: u16) -> Kill {
    let args = [
        "--data-dir",
        data.to_str().unwrap(),
        "--today",
        "2026-03-02",
    ];
    serve_at(&args, &format!("127.0.0.1:{port}")).0
}

/// The morning scores kept for `date`.
fn mornings(port: u16, date: &str) -> Vec<u64> {
    let (status, body) = http(port, "GET", "/api/v1/journal", "");
    assert_eq!(status, 200, "{body}");
    let doc: Value = serde_json::from_str(&body).unwrap();
    doc["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "morning" && e["date"] == date)
        .map(|e| e["pain"].as_u64().unwrap())
        .collect()
}

async fn js(client: &Client, script: &str) -> Value {
    client
        .execute(script, vec![])
        .await
        .unwrap_or_else(|e| panic!("{script}: {e}"))
}

async fn wait_for(client: &Client, what: &str, script: &str) -> Value {
    let t0 = Instant::now();
    loop {
        let v = js(client, script).await;
        if !v.is_null() && v != Value::Bool(false) {
            return v;
        }
        assert!(t0.elapsed() < Duration::from_secs(20), "waited for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queued_morning_score_never_replaces_one_entered_later() {
    let Some((driver, chrome)) = browser() else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let answers = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/contract-examples/benign-ache-after-30-min.json");
    let ok = Command::new(env!("CARGO_BIN_EXE_amble"))
        .args([
            "--data-dir",
            data.path().to_str().unwrap(),
            "--today",
            "2026-03-02",
        ])
        .args(["assess", "--answers"])
        .arg(answers)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(ok.success());
    let port = free_port();
    let server = serve(data.path(), port);
    let url = format!("http://localhost:{port}");
    let browser = start_chrome(&driver, &chrome, Screen::Phone(3.0), &[]).await;
    let p = browser.client.clone();
    let shots = shots_dir("queue");

    // On the phone: yesterday's morning, 7, while Amble cannot be reached.
    p.goto(&format!("{url}/log/morning")).await.unwrap();
    js(
        &p,
        "document.querySelector('input[name=date]').value = '2026-03-01'; return true;",
    )
    .await;
    p.find(Locator::Css("input[name=pain][value='7'] + span"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    drop(server);
    p.find(Locator::Css("form[data-queue] button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(
        &p,
        "the score to be kept",
        "return document.getElementById('pending').getAttribute('data-count') === '1'",
    )
    .await;
    let kept = js(
        &p,
        "return JSON.parse(localStorage.getItem('amble.pending'))[0].body",
    )
    .await;
    assert!(
        kept.as_str().unwrap().contains("seen=none"),
        "the page saw no score for that date: {kept}"
    );

    // Meanwhile, on the computer: 4 for the same morning.
    let server = serve(data.path(), port);
    let (status, body) = http(
        port,
        "POST",
        "/api/v1/mornings",
        &json!({"date": "2026-03-01", "pain": 4}).to_string(),
    );
    assert_eq!(status, 201, "{body}");

    // The phone is back: the queued score is sent, not applied, and the person is told.
    p.goto(&format!("{url}/today")).await.unwrap();
    wait_for(
        &p,
        "the conflict to be shown",
        "return document.querySelector('#conflicts .conflict') !== null && document.getElementById('pending').getAttribute('data-count') === '0'",
    )
    .await;
    let pending = js(&p, "return document.getElementById('pending').textContent").await;
    let pending = pending.as_str().unwrap();
    assert!(
        pending.contains("was not saved") && !pending.contains("was sent"),
        "{pending}"
    );
    let shown = js(
        &p,
        "return document.getElementById('conflicts').textContent",
    )
    .await;
    let shown = shown.as_str().unwrap();
    assert!(
        shown.contains("Kept now: back pain 4/10") && shown.contains("sent later: 7/10"),
        "{shown}"
    );
    assert_eq!(mornings(port, "2026-03-01"), vec![4]);
    screenshot(&p, &shots, "01-conflict").await;

    // The person chooses 7: it replaces the 4 it was shown.
    p.find(Locator::Css("#conflicts .conflict button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(
        &p,
        "today's page after the choice",
        "return location.search.indexOf('replaced=4') >= 0 && document.readyState === 'complete'",
    )
    .await;
    assert_eq!(mornings(port, "2026-03-01"), vec![7]);

    // A waiting walk with new symptoms leads to the warning-sign screen; a conflict met in the
    // same sending is shown there.
    js(
        &p,
        "localStorage.setItem('amble.pending', JSON.stringify([
           {account: 'local', action: '/log/morning', ref: 'm2', at: '',
            body: 'date=2026-03-01&pain=2&client_ref=m2&seen=none'},
           {account: 'local', action: '/log/walk', ref: 'w9', at: '',
            body: 'date=2026-03-02&minutes=10&pain_before=2&pain_peak=3&leg_spread=none&bouts=1&new_symptoms=on&client_ref=w9'}
         ])); window.dispatchEvent(new Event('online')); return true;",
    )
    .await;
    wait_for(
        &p,
        "the warning-sign screen with the conflict",
        "return location.pathname === '/screen' && document.querySelector('#conflicts .conflict') !== null",
    )
    .await;
    let after = js(
        &p,
        "const f = document.querySelector('main form'); return f !== null && (f.compareDocumentPosition(document.getElementById('conflicts')) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;",
    )
    .await;
    assert_eq!(after, json!(true), "the warning-sign questions come first");
    let shown = js(
        &p,
        "return document.getElementById('conflicts').textContent",
    )
    .await;
    assert!(
        shown.as_str().unwrap().contains("Kept now: back pain 7/10"),
        "{shown}"
    );
    let pending = js(&p, "return document.getElementById('pending').textContent").await;
    assert!(
        pending.as_str().unwrap().contains("was not saved"),
        "{pending}"
    );
    assert_eq!(mornings(port, "2026-03-01"), vec![7]);
    screenshot(&p, &shots, "02-conflict-on-the-screen").await;
    drop(server);
    p.close().await.unwrap();
}
