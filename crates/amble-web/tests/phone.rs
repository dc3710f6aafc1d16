//! The phone (contract §13): logs that cannot be doubled (`client_ref` on the forms and the
//! API), and the installable app (manifest, icons, service worker, the offline script).

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

use amble_core::knowledge::KnowledgeBase;
use amble_web::{AppState, router};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

fn blocking<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| s.spawn(f).join().unwrap())
}

struct App {
    _dir: tempfile::TempDir,
    router: Router,
}

struct Resp {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    bytes: Vec<u8>,
}

impl Resp {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
    fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or_else(|e| panic!("{e}: {}", self.text()))
    }
    fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    }
}

const BENIGN: &str =
    include_str!("../../amble-cli/tests/contract-examples/benign-ache-after-30-min.json");

impl App {
    /// A journal with a check-up: SQLite, or with `AMBLE_TEST_ENGINE=postgres` a new journal
    /// in `AMBLE_TEST_DATABASE_URL`.
    async fn new() -> App {
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
        let router = router(AppState::with_database(
            db,
            kb,
            Some(jiff::civil::date(2026, 3, 2)),
        ));
        let app = App { _dir: dir, router };
        let r = app.post_json("/api/v1/assessments", BENIGN).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        app
    }

    async fn send(&self, method: &str, uri: &str, headers: &[(&str, &str)], body: String) -> Resp {
        let mut req = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::HOST, "127.0.0.1:8080");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let resp = self
            .router
            .clone()
            .oneshot(req.body(Body::from(body)).unwrap())
            .await
            .unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        Resp {
            status,
            headers,
            bytes,
        }
    }

    async fn get(&self, uri: &str) -> Resp {
        self.send("GET", uri, &[], String::new()).await
    }

    async fn post_json(&self, uri: &str, body: &str) -> Resp {
        self.send(
            "POST",
            uri,
            &[("content-type", "application/json")],
            body.into(),
        )
        .await
    }

    async fn post_form(&self, uri: &str, body: &str) -> Resp {
        self.send(
            "POST",
            uri,
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("sec-fetch-site", "same-origin"),
            ],
            body.into(),
        )
        .await
    }

    /// The journal's entries of one kind.
    async fn entries(&self, kind: &str) -> Vec<Value> {
        let doc = self.get("/api/v1/journal").await.json();
        doc["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == kind)
            .cloned()
            .collect()
    }
}

const WALK_FORM: &str =
    "date=2026-03-01&minutes=25&pain_before=2&pain_peak=3&leg_spread=none&bouts=1";

#[tokio::test]
async fn a_walk_form_sent_twice_with_one_client_ref_is_stored_once() {
    let app = App::new().await;
    let body = format!("{WALK_FORM}&client_ref=phone-3f9c");
    let first = app.post_form("/log/walk", &body).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.text());
    let again = app.post_form("/log/walk", &body).await;
    assert_eq!(
        (again.status, again.header("location")),
        (first.status, first.header("location")),
        "the repeat answers as the first send did"
    );
    assert_eq!(first.header("location"), "/today?saved=w-1");
    assert_eq!(app.entries("walk").await.len(), 1);
    // Another reference is another walk; a form without one (no script) is a plain log.
    let other = app
        .post_form("/log/walk", &format!("{WALK_FORM}&client_ref=phone-77aa"))
        .await;
    assert_eq!(other.header("location"), "/today?saved=w-2");
    for _ in 0..2 {
        let plain = app
            .post_form("/log/walk", &format!("{WALK_FORM}&client_ref="))
            .await;
        assert_eq!(plain.status, StatusCode::SEE_OTHER);
    }
    assert_eq!(app.entries("walk").await.len(), 4);
}

#[tokio::test]
async fn a_repeat_with_new_symptoms_goes_where_the_first_went() {
    let app = App::new().await;
    let body = format!("{WALK_FORM}&new_symptoms=on&client_ref=r-1");
    let first = app.post_form("/log/walk", &body).await;
    let again = app.post_form("/log/walk", &body).await;
    assert!(first.header("location").starts_with("/screen"));
    assert_eq!(again.header("location"), first.header("location"));
    assert_eq!(app.entries("walk").await.len(), 1);
}

#[tokio::test]
async fn morning_and_exercise_forms_store_a_client_ref_once() {
    let app = App::new().await;
    for _ in 0..3 {
        let r = app
            .post_form("/log/morning", "date=2026-03-02&pain=2&client_ref=m-ref")
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        assert_eq!(r.header("location"), "/today?saved=m-1");
    }
    let kb = KnowledgeBase::embedded().unwrap();
    let exercise = &kb.exercises[0].id;
    for _ in 0..3 {
        let r = app
            .post_form(
                "/log/exercise",
                &format!("date=2026-03-02&exercise={exercise}&sets=2&client_ref=x-ref"),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        assert_eq!(r.header("location"), "/today?saved=x-1");
    }
    assert_eq!(app.entries("morning").await.len(), 1);
    assert_eq!(app.entries("exercise").await.len(), 1);
}

#[tokio::test]
async fn a_bad_client_ref_in_a_form_is_named_and_stores_nothing() {
    let app = App::new().await;
    let long = "x".repeat(65);
    let r = app
        .post_form("/log/walk", &format!("{WALK_FORM}&client_ref={long}"))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("at most 64 characters"), "{}", r.text());
    let r = app
        .post_form("/log/morning", "pain=2&client_ref=a%00b")
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(app.entries("walk").await.is_empty());
    assert!(app.entries("morning").await.is_empty());
}

#[tokio::test]
async fn the_api_answers_a_repeat_with_the_first_entry() {
    let app = App::new().await;
    let walk = r#"{"date": "2026-03-01", "minutes": 20, "pain_before": 1, "pain_peak": 2, "client_ref": "api-1"}"#;
    let first = app.post_json("/api/v1/walks", walk).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text());
    let again = app.post_json("/api/v1/walks", walk).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text());
    assert_eq!(again.json(), first.json(), "the entry stored first");
    assert!(
        first.json().get("client_ref").is_none(),
        "the reference is not part of the entry"
    );
    // Other content under the same reference still answers with the first walk.
    let changed = walk.replace("\"minutes\": 20", "\"minutes\": 45");
    let r = app.post_json("/api/v1/walks", &changed).await;
    assert_eq!(
        (r.status, r.json()["minutes"].as_f64()),
        (StatusCode::OK, Some(20.0))
    );
    assert_eq!(app.entries("walk").await.len(), 1);
    // Mornings too; a reference of a walk sent as a morning is a conflict.
    let m = r#"{"date": "2026-03-02", "pain": 3, "client_ref": "api-2"}"#;
    assert_eq!(
        app.post_json("/api/v1/mornings", m).await.status,
        StatusCode::CREATED
    );
    assert_eq!(
        app.post_json("/api/v1/mornings", m).await.status,
        StatusCode::OK
    );
    let clash = app
        .post_json(
            "/api/v1/mornings",
            r#"{"date": "2026-03-01", "pain": 3, "client_ref": "api-1"}"#,
        )
        .await;
    assert_eq!(clash.status, StatusCode::CONFLICT, "{}", clash.text());
    assert_eq!(clash.json()["field"], "client_ref");
    assert_eq!(app.entries("morning").await.len(), 1);
    // Without a reference, one morning is still kept per date: another score for it is a
    // conflict unless it says to replace, and the same score again stores nothing.
    let plain = r#"{"date": "2026-03-02", "pain": 1}"#;
    assert_eq!(
        app.post_json("/api/v1/mornings", plain).await.status,
        StatusCode::CONFLICT
    );
    let replace = r#"{"date": "2026-03-02", "pain": 1, "replace": true}"#;
    assert_eq!(
        app.post_json("/api/v1/mornings", replace).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.post_json("/api/v1/mornings", plain).await.status,
        StatusCode::OK
    );
    let other_day = r#"{"date": "2026-03-01", "pain": 1}"#;
    assert_eq!(
        app.post_json("/api/v1/mornings", other_day).await.status,
        StatusCode::CREATED
    );
    assert_eq!(app.entries("morning").await.len(), 2);
}

#[tokio::test]
async fn a_bad_client_ref_in_the_api_is_a_422_naming_it() {
    let app = App::new().await;
    for bad in [
        r#""""#.to_string(),
        format!("\"{}\"", "y".repeat(65)),
        "42".into(),
        "null".into(),
        r#""a\u0000b""#.into(),
    ] {
        let body = format!(r#"{{"pain": 2, "client_ref": {bad}}}"#);
        let r = app.post_json("/api/v1/mornings", &body).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}: {}",
            r.text()
        );
        assert_eq!(r.json()["field"], "client_ref", "{bad}");
    }
    let longest = format!(r#"{{"pain": 2, "client_ref": "{}"}}"#, "é".repeat(64));
    assert_eq!(
        app.post_json("/api/v1/mornings", &longest).await.status,
        StatusCode::CREATED
    );
    assert_eq!(app.entries("morning").await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simultaneous_sends_store_one_entry() {
    let app = App::new().await;
    let body = r#"{"date": "2026-03-01", "minutes": 20, "pain_before": 1, "pain_peak": 2, "client_ref": "race"}"#;
    let sends = (0..8).map(|_| app.post_json("/api/v1/walks", body));
    let answers = futures_join_all(sends).await;
    let created = answers
        .iter()
        .filter(|r| r.status == StatusCode::CREATED)
        .count();
    assert_eq!(created, 1, "one stored it");
    assert!(answers.iter().all(|r| r.json()["id"] == "w-1"));
    assert_eq!(app.entries("walk").await.len(), 1);
}

/// Polls the futures together until all are done (they borrow the app, so no tasks), and
/// returns their answers in order.
async fn futures_join_all<F: std::future::Future<Output = Resp>>(
    futures: impl Iterator<Item = F>,
) -> Vec<Resp> {
    let mut running: Vec<_> = futures.map(|f| Some(Box::pin(f))).collect();
    let mut results: Vec<Option<Resp>> = running.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        for (slot, result) in running.iter_mut().zip(results.iter_mut()) {
            if let Some(f) = slot
                && let std::task::Poll::Ready(r) = f.as_mut().poll(cx)
            {
                *result = Some(r);
                *slot = None;
            }
        }
        if running.iter().all(Option::is_none) {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    results.into_iter().map(Option::unwrap).collect()
}

#[tokio::test]
async fn log_forms_are_queued_and_the_edit_form_is_not() {
    let app = App::new().await;
    for page in ["/log/walk", "/log/morning", "/log/exercise"] {
        let html = app.get(page).await.text();
        assert!(html.contains(" data-queue"), "{page}");
        assert!(
            html.contains(r#"<input type="hidden" name="client_ref" value="">"#),
            "{page}: the page's script fills it in, so a kept page never repeats one"
        );
    }
    assert!(
        app.get("/log/walk")
            .await
            .text()
            .contains(r#"id="walk-log""#)
    );
    app.post_form("/log/walk", WALK_FORM).await;
    let edit = app.get("/journal/w-1/edit").await.text();
    assert!(
        edit.contains("<form") && !edit.contains("data-queue"),
        "{edit}"
    );
}

#[tokio::test]
async fn every_page_links_the_manifest_the_script_and_the_pending_count() {
    let app = App::new().await;
    for page in [
        "/",
        "/today",
        "/plan",
        "/log/walk",
        "/journal",
        "/no-such-page",
    ] {
        let r = app.get(page).await;
        let html = r.text();
        assert!(
            html.contains(r#"<link rel="manifest" href="/manifest.webmanifest">"#),
            "{page}"
        );
        assert!(
            html.contains(r#"<script src="/assets/offline.js" defer></script>"#),
            "{page}"
        );
        assert!(html.contains(r#"id="pending""#), "{page}");
        assert!(html.contains(r#"<body data-account="local">"#), "{page}");
        assert!(
            !html.contains("Sign out"),
            "{page}: no accounts, nobody to sign out"
        );
        assert_eq!(r.header("x-amble-account"), "local", "{page}");
    }
}

fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "a PNG");
    assert_eq!(&bytes[12..16], b"IHDR");
    let n = |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    (n(16), n(20))
}

#[tokio::test]
async fn the_manifest_icons_and_service_worker_are_served() {
    let app = App::new().await;
    let r = app.get("/manifest.webmanifest").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("content-type"), "application/manifest+json");
    let m = r.json();
    for key in ["name", "short_name", "start_url"] {
        assert!(m[key].as_str().is_some_and(|s| !s.is_empty()), "{key}");
    }
    assert_eq!(m["display"], "standalone");
    let icons = m["icons"].as_array().unwrap();
    let mut sizes = Vec::new();
    for icon in icons {
        let src = icon["src"].as_str().unwrap();
        let r = app.get(src).await;
        assert_eq!(
            (r.status, r.header("content-type")),
            (StatusCode::OK, "image/png".into()),
            "{src}"
        );
        let (w, h) = png_size(&r.bytes);
        assert_eq!(icon["sizes"], format!("{w}x{h}"), "{src}");
        sizes.push((w, icon["purpose"].as_str().unwrap_or("any").to_string()));
    }
    assert!(sizes.contains(&(192, "any".into())) && sizes.contains(&(512, "any".into())));
    assert!(sizes.iter().any(|(_, p)| p == "maskable"));
    let fav = app.get("/favicon.ico").await;
    assert_eq!(
        (fav.status, fav.header("content-type")),
        (StatusCode::OK, "image/x-icon".into())
    );
    assert_eq!(&fav.bytes[..4], b"\x00\x00\x01\x00", "an ICO file");
    assert_eq!(png_size(&fav.bytes[22..]), (32, 32));
    for (path, text) in [
        ("/sw.js", "addEventListener(\"fetch\""),
        ("/assets/offline.js", "form[data-queue]"),
    ] {
        let r = app.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(
            r.header("content-type").starts_with("text/javascript"),
            "{path}"
        );
        assert_eq!(
            r.header("cache-control"),
            "no-cache",
            "{path}: updates reach phones"
        );
        assert!(r.text().contains(text), "{path}");
    }
}

/// With accounts (PostgreSQL; skipped without `AMBLE_TEST_DATABASE_URL`): the installable
/// app's files need no sign-in, every page names the signed-in account and offers to sign out,
/// and the sign-in page names nobody (the service worker then forgets every kept page).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_accounts_pages_name_the_account_and_offer_to_sign_out() {
    use amble_core::access::Role;
    let Some(url) = std::env::var("AMBLE_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        return;
    };
    let name = format!("amble_web_phone_{}", std::process::id());
    let (base, _) = url.rsplit_once('/').unwrap();
    let db_url = format!("{base}/{name}");
    let pg = blocking(|| {
        let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        admin
            .batch_execute(&format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE); CREATE DATABASE {name}"
            ))
            .unwrap_or_else(|_| {
                admin
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .unwrap()
            });
        let pg = amble_store::PgDatabase::connect(&db_url).unwrap();
        pg.add_user("ann@x.org", Role::Person, "a long enough secret")
            .unwrap();
        pg
    });
    let ann = blocking(|| pg.user("ann@x.org").unwrap().unwrap());
    let app = App {
        _dir: tempfile::tempdir().unwrap(),
        router: router(
            AppState::with_database(
                amble_store::Database::Postgres(pg.clone(), amble_store::DEFAULT_JOURNAL),
                KnowledgeBase::embedded().unwrap(),
                Some(jiff::civil::date(2026, 3, 2)),
            )
            .with_accounts(pg.clone()),
        ),
    };
    for path in [
        "/manifest.webmanifest",
        "/sw.js",
        "/favicon.ico",
        "/assets/offline.js",
        "/assets/icon-192.png",
        "/assets/icon-512.png",
        "/assets/icon-maskable-512.png",
    ] {
        assert_eq!(
            app.get(path).await.status,
            StatusCode::OK,
            "{path} without signing in"
        );
    }
    let login = app.get("/login").await;
    assert_eq!(login.header("x-amble-account"), "none");
    assert!(!login.text().contains("Sign out"));
    assert!(login.text().contains(r#"<body data-account="">"#));
    let r = app
        .post_json(
            "/api/v1/session",
            r#"{"email": "ann@x.org", "password": "a long enough secret"}"#,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let cookie = r.header("set-cookie");
    let cookie = cookie.split(';').next().unwrap().to_string();
    let key = format!("u{}", ann.id);
    for page in ["/today", "/log/walk", "/journal"] {
        let r = app
            .send("GET", page, &[("cookie", &cookie)], String::new())
            .await;
        assert_eq!(r.status, StatusCode::OK, "{page}");
        assert_eq!(r.header("x-amble-account"), key, "{page}");
        let html = r.text();
        assert!(
            html.contains(&format!(r#"<body data-account="{key}">"#)),
            "{page}"
        );
        assert!(
            html.contains(r#"<form method="post" action="/logout" class="signout">"#),
            "{page}: a sign-out control"
        );
    }
    // A repeat from ann's phone is stored once in ann's journal.
    for _ in 0..2 {
        let r = app
            .send(
                "POST",
                "/api/v1/mornings",
                &[("cookie", &cookie), ("content-type", "application/json")],
                r#"{"pain": 2, "client_ref": "ann-1"}"#.into(),
            )
            .await;
        assert!(r.status.is_success(), "{}", r.text());
    }
    let doc = app
        .send(
            "GET",
            "/api/v1/journal",
            &[("cookie", &cookie)],
            String::new(),
        )
        .await
        .json();
    assert_eq!(doc["entries"].as_array().unwrap().len(), 1);
    drop(app);
    drop(pg);
    blocking(|| {
        if let Ok(mut admin) = postgres::Client::connect(&url, postgres::NoTls) {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    });
}

#[tokio::test]
async fn the_exercise_api_takes_a_client_ref_too() {
    let app = App::new().await;
    let body = r#"{"date": "2026-03-02", "exercise": "bird_dog", "sets": 2, "client_ref": "x-1"}"#;
    let first = app.post_json("/api/v1/exercises", body).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text());
    assert_eq!(first.json()["kind"], "exercise");
    let again = app.post_json("/api/v1/exercises", body).await;
    assert_eq!((again.status, again.json()), (StatusCode::OK, first.json()));
    let unknown = app
        .post_json("/api/v1/exercises", r#"{"exercise": "cartwheel"}"#)
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unknown.json()["field"], "exercise");
    let extra = app
        .post_json(
            "/api/v1/exercises",
            r#"{"exercise": "bird_dog", "reps": 3}"#,
        )
        .await;
    assert_eq!(extra.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.entries("exercise").await.len(), 1);
}
