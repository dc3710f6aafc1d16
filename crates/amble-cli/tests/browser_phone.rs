//! The phone in a real browser (contract §13): the real `amble serve` binary and headless
//! Chromium at phone size (390 px), over WebDriver. The app is installable on localhost (Chrome's
//! own installability check, reached through chromedriver's `goog:cdp` command, reports no
//! errors), the service worker keeps today's page for offline use, and a walk logged while the
//! server is down is kept on the phone, counted in `#pending`, and stored once when the server
//! is back, however often it is sent. Skipped without chromedriver unless
//! `AMBLE_E2E_REQUIRED=1`.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures
#![allow(clippy::too_many_lines)] // installing, going offline, logging and coming back are one story

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::browser::{
    Chrome, Kill, Screen, browser, free_port, screenshot, serve_at, shots_dir, start_chrome,
};
use fantoccini::{Client, Locator};
use serde_json::{Value, json};

/// One plain HTTP/1.1 request: (status, body). The body is read by its Content-Length
/// (chromedriver keeps the connection open a while after answering).
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

/// `amble serve` on a fixed port (so it can be stopped and started again at the same address).
fn serve(data: &Path, port: u16) -> Kill {
    serve_with(&["--data-dir", data.to_str().unwrap()], port)
}

fn serve_with(storage: &[&str], port: u16) -> Kill {
    let args: Vec<&str> = storage
        .iter()
        .copied()
        .chain(["--today", "2026-03-02"])
        .collect();
    let (server, url) = serve_at(&args, &format!("127.0.0.1:{port}"));
    assert!(url.contains(&format!("127.0.0.1:{port}")), "{url:?}");
    server
}

struct Phone {
    client: Client,
    driver_port: u16,
    session: String,
    shots: std::path::PathBuf,
    _chrome: Chrome,
}

async fn phone(driver: &Path, chrome: &Path, name: &str) -> Phone {
    let browser = start_chrome(driver, chrome, Screen::Phone(3.0), &[]).await;
    let session = browser.client.session_id().await.unwrap().unwrap();
    Phone {
        client: browser.client.clone(),
        driver_port: browser.driver_port,
        session,
        shots: shots_dir(name),
        _chrome: browser,
    }
}

impl Phone {
    async fn shot(&self, name: &str) {
        screenshot(&self.client, &self.shots, name).await;
    }

    /// A Chrome DevTools command through chromedriver (`goog:cdp`).
    fn cdp(&self, cmd: &str, params: Value) -> Value {
        let (status, body) = http(
            self.driver_port,
            "POST",
            &format!("/session/{}/goog/cdp/execute", self.session),
            &json!({"cmd": cmd, "params": params}).to_string(),
        );
        assert_eq!(status, 200, "{cmd}: {body}");
        serde_json::from_str::<Value>(&body).unwrap()["value"].clone()
    }

    async fn js(&self, script: &str) -> Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("{script}: {e}"))
    }

    /// Runs an async script (its last argument is the callback) and returns what it passed.
    async fn js_async(&self, script: &str) -> Value {
        self.client
            .execute_async(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("{script}: {e}"))
    }

    async fn wait_for(&self, what: &str, script: &str) -> Value {
        let t0 = Instant::now();
        loop {
            let v = self.js(script).await;
            if !v.is_null() && v != Value::Bool(false) {
                return v;
            }
            assert!(t0.elapsed() < Duration::from_secs(20), "waited for {what}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn pending(&self) -> (String, String) {
        let v = self
            .js("const p = document.getElementById('pending'); return [p.getAttribute('data-count'), p.hidden ? '' : p.textContent];")
            .await;
        (
            v[0].as_str().unwrap_or_default().to_string(),
            v[1].as_str().unwrap_or_default().to_string(),
        )
    }
}

fn walks(port: u16) -> usize {
    let (status, body) = http(port, "GET", "/api/v1/journal", "");
    assert_eq!(status, 200, "{body}");
    let doc: Value = serde_json::from_str(&body).unwrap();
    doc["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "walk")
        .count()
}

fn with_checkup() -> tempfile::TempDir {
    let data = tempfile::tempdir().unwrap();
    let answers = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/contract-examples/benign-ache-after-30-min.json");
    let ok = Command::new(env!("CARGO_BIN_EXE_amble"))
        .args([
            "--data-dir",
            data.path().to_str().unwrap(),
            "--today",
            "2026-03-02",
            "assess",
            "--answers",
        ])
        .arg(answers)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(ok.success());
    data
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_installs_and_a_walk_logged_offline_is_stored_once() {
    let Some((driver, chrome)) = browser() else {
        return;
    };
    let data = with_checkup();
    let port = free_port();
    let server = serve(data.path(), port);
    let url = format!("http://localhost:{port}");
    let p = phone(&driver, &chrome, "phone").await;

    // Installable: the manifest is linked and read without errors, the worker takes over, and
    // Chrome's own installability check finds nothing missing.
    p.client.goto(&format!("{url}/today")).await.unwrap();
    assert_eq!(
        p.js("return window.innerWidth").await,
        json!(390),
        "phone-sized window"
    );
    let scope = p
        .js_async("const done = arguments[arguments.length - 1]; navigator.serviceWorker.ready.then(r => done(r.scope), e => done(String(e)));")
        .await;
    assert_eq!(
        scope,
        json!(format!("{url}/")),
        "the service worker is active"
    );
    p.client.refresh().await.unwrap();
    p.wait_for(
        "the worker to control the page",
        "return navigator.serviceWorker.controller !== null",
    )
    .await;
    let manifest = p.cdp("Page.getAppManifest", json!({}));
    assert_eq!(
        manifest["url"],
        json!(format!("{url}/manifest.webmanifest"))
    );
    assert_eq!(manifest["errors"], json!([]), "{manifest}");
    let errors = p.cdp("Page.getInstallabilityErrors", json!({}));
    assert_eq!(
        errors["installabilityErrors"],
        json!([]),
        "Chrome's installability check: {errors}"
    );
    p.shot("01-today-installable").await;
    // The kept pages for this account (today's page, the log pages) are in the worker's cache.
    p.wait_for(
        "the log page to be kept",
        "return caches.open('amble-pages-local').then(c => c.match('/log/walk')).then(r => !!r)",
    )
    .await;

    // A walk logged while the server is down is kept and counted.
    p.client.goto(&format!("{url}/log/walk")).await.unwrap();
    let fits = p
        .js("return document.documentElement.scrollWidth <= window.innerWidth + 1")
        .await;
    assert_eq!(fits, json!(true), "the log page fits the phone");
    p.client
        .find(Locator::Css("input[name=pain_before][value='2'] + span"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    p.client
        .find(Locator::Css("input[name=pain_peak][value='3'] + span"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let minutes = p
        .client
        .find(Locator::Css("input[name=minutes]"))
        .await
        .unwrap();
    minutes.clear().await.unwrap();
    minutes.send_keys("22").await.unwrap();
    let reference = p
        .js("return document.querySelector('form#walk-log input[name=client_ref]').value")
        .await;
    assert!(
        reference.as_str().is_some_and(|r| r.len() == 32),
        "the script gave the form a reference: {reference}"
    );
    drop(server); // the server stops: the phone lost its way to Amble
    p.client
        .find(Locator::Css("form#walk-log button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    p.wait_for(
        "the walk to be kept",
        "return document.getElementById('pending').getAttribute('data-count') === '1'",
    )
    .await;
    let (count, text) = p.pending().await;
    assert_eq!(count, "1");
    assert!(text.contains("1 log is waiting on this phone"), "{text}");
    let next = p
        .js("return document.querySelector('form#walk-log input[name=client_ref]').value")
        .await;
    assert_ne!(next, reference, "the next log gets a reference of its own");
    p.shot("02-walk-kept-offline").await;

    // Offline, today's page comes from the worker's cache and still counts the waiting walk.
    p.client.goto(&format!("{url}/today")).await.unwrap();
    assert!(
        p.client
            .find(Locator::Css("main"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            .contains("Today"),
        "today's page, kept for offline use"
    );
    p.wait_for(
        "the count on a kept page",
        "return document.getElementById('pending').getAttribute('data-count') === '1'",
    )
    .await;
    p.shot("03-today-offline").await;

    // The server is back: the next page load sends the walk, once.
    let server = serve(data.path(), port);
    assert_eq!(
        walks(port),
        0,
        "nothing was stored while the server was down"
    );
    p.client.goto(&format!("{url}/today")).await.unwrap();
    p.wait_for(
        "the waiting walk to be sent",
        "return document.getElementById('pending').getAttribute('data-count') === '0'",
    )
    .await;
    let (_, text) = p.pending().await;
    assert!(text.contains("1 waiting log was sent"), "{text}");
    assert_eq!(walks(port), 1);
    p.shot("04-sent-when-back").await;

    // A resend of the same log (its answer lost on the way, another tab, a retry) stores nothing.
    let resend = format!(
        "const q = [{{account: 'local', action: '/log/walk', body: 'date=2026-03-02&minutes=22&pain_before=2&pain_peak=3&leg_spread=none&bouts=1&client_ref={}', ref: 'again', at: ''}}];
         localStorage.setItem('amble.pending', JSON.stringify(q)); return true;",
        reference.as_str().unwrap()
    );
    p.js(&resend).await;
    p.js("window.dispatchEvent(new Event('online')); return true;")
        .await;
    p.wait_for(
        "the resend",
        "return document.getElementById('pending').getAttribute('data-count') === '0'",
    )
    .await;
    p.client.refresh().await.unwrap();
    assert_eq!(walks(port), 1, "sent twice, stored once");
    assert_eq!(p.pending().await.0, "0");

    // Online, the form posts and lands on today's page as before.
    p.client.goto(&format!("{url}/log/morning")).await.unwrap();
    p.client
        .find(Locator::Css("input[name=pain][value='1'] + span"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    p.client
        .find(Locator::Css("form[data-queue] button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    p.wait_for(
        "today's page after saving",
        "return location.pathname === '/today' && document.readyState === 'complete'",
    )
    .await;
    let main = p
        .client
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(main.contains("Saved."), "{main}");
    drop(server);
    p.client.clone().close().await.unwrap();
}

/// A database of its own with two people, ann and bob (PostgreSQL: accounts live there).
fn accounts_database() -> Option<String> {
    let url = std::env::var("AMBLE_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())?;
    let name = format!("amble_phone_sw_{}", std::process::id());
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    let (base, _) = url.rsplit_once('/').unwrap();
    let db = format!("{base}/{name}");
    for email in ["ann@x.org", "bob@x.org"] {
        let mut add = Command::new(env!("CARGO_BIN_EXE_amble"))
            .args(["--database", &db, "user", "add", "--email", email])
            .args(["--role", "person", "--password-stdin"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        add.stdin
            .take()
            .unwrap()
            .write_all(b"a long enough secret\n")
            .unwrap();
        assert!(add.wait().unwrap().success());
    }
    Some(db)
}

impl Phone {
    async fn sign_in(&self, url: &str, email: &str) {
        self.client.goto(&format!("{url}/login")).await.unwrap();
        let e = self
            .client
            .find(Locator::Css("input[name=email]"))
            .await
            .unwrap();
        e.send_keys(email).await.unwrap();
        let p = self
            .client
            .find(Locator::Css("input[name=password]"))
            .await
            .unwrap();
        p.send_keys("a long enough secret").await.unwrap();
        self.client
            .find(Locator::Css("form[action='/login'] button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        self.wait_for(
            "signed in",
            "return location.pathname !== '/login' && document.readyState === 'complete'",
        )
        .await;
    }

    async fn account(&self) -> String {
        self.js("return document.body.getAttribute('data-account')")
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    async fn kept_caches(&self) -> Value {
        self.js_async(
            "const done = arguments[arguments.length - 1]; caches.keys().then(k => done(k.filter(n => n.startsWith('amble-pages-')).sort()));",
        )
        .await
    }
}

/// With accounts, the worker never shows one person's kept pages to another: signing out
/// forgets them, and offline the next person sees only their own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kept_pages_belong_to_one_account_and_go_at_sign_out() {
    let Some((driver, chrome)) = browser() else {
        return;
    };
    // The PostgreSQL client blocks: off the test's async threads.
    let Some(db) = std::thread::spawn(accounts_database).join().unwrap() else {
        eprintln!("skipped: needs AMBLE_TEST_DATABASE_URL (accounts live in PostgreSQL)");
        return;
    };
    let port = free_port();
    let server = serve_with(&["--database", &db], port);
    let url = format!("http://localhost:{port}");
    let p = phone(&driver, &chrome, "phone-accounts").await;

    p.sign_in(&url, "ann@x.org").await;
    let ann = p.account().await;
    assert!(ann.starts_with('u'), "{ann}");
    p.js_async("const done = arguments[arguments.length - 1]; navigator.serviceWorker.ready.then(() => done(true));")
        .await;
    p.client.goto(&format!("{url}/today")).await.unwrap();
    p.wait_for(
        "ann's today page to be kept",
        &format!(
            "return caches.open('amble-pages-{ann}').then(c => c.match('/today')).then(r => !!r)"
        ),
    )
    .await;
    assert_eq!(p.kept_caches().await, json!([format!("amble-pages-{ann}")]));
    p.shot("01-ann-signed-in").await;

    // Signing out forgets ann's pages; offline, nobody's page is shown.
    p.client
        .find(Locator::Css("form.signout button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    p.wait_for(
        "the sign-in page",
        "return location.pathname === '/login' && document.readyState === 'complete'",
    )
    .await;
    p.wait_for(
        "ann's pages forgotten",
        "return caches.keys().then(k => k.every(n => !n.startsWith('amble-pages-')))",
    )
    .await;
    drop(server);
    p.client.goto(&format!("{url}/today")).await.unwrap();
    let main = p
        .client
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(main.contains("You are offline"), "{main}");
    p.shot("02-signed-out-offline").await;

    // Bob signs in on the same phone: offline he sees his own page, never ann's.
    let server = serve_with(&["--database", &db], port);
    p.sign_in(&url, "bob@x.org").await;
    let bob = p.account().await;
    assert!(bob.starts_with('u') && bob != ann, "{bob} {ann}");
    p.client.goto(&format!("{url}/today")).await.unwrap();
    p.wait_for(
        "bob's today page to be kept",
        &format!(
            "return caches.open('amble-pages-{bob}').then(c => c.match('/today')).then(r => !!r)"
        ),
    )
    .await;
    drop(server);
    p.client.goto(&format!("{url}/today")).await.unwrap();
    assert_eq!(p.account().await, bob, "offline, bob's own kept page");
    assert_eq!(p.kept_caches().await, json!([format!("amble-pages-{bob}")]));
    p.shot("03-bob-offline").await;
    p.client.clone().close().await.unwrap();
}
