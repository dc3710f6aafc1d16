//! In-process HTTP tests of every route: status, content, errors, security.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

use amble_core::knowledge::KnowledgeBase;
use amble_web::{API_ROUTES, AppState, OPENAPI, router};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

/// Runs blocking store calls (PostgreSQL's client blocks) off the test's async thread, as the
/// server does.
fn blocking<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| s.spawn(f).join().unwrap())
}

struct App {
    _dir: tempfile::TempDir,
    router: Router,
    db: amble_store::Database,
}

struct Resp {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Resp {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    fn location(&self) -> String {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    }
}

const BENIGN: &str =
    include_str!("../../amble-cli/tests/contract-examples/benign-ache-after-30-min.json");
const RED: &str =
    include_str!("../../amble-cli/tests/contract-examples/red-flag-saddle-numbness.json");

impl App {
    /// A fresh journal: a SQLite folder, or with `AMBLE_TEST_ENGINE=postgres` a new journal in
    /// the database `AMBLE_TEST_DATABASE_URL` names (CI runs these tests on both engines).
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
        // Today is 2026-03-02; `?today=` may look ahead to the end of 2030.
        let router = router(
            AppState::with_database(db.clone(), kb, Some(jiff::civil::date(2026, 3, 2)))
                .with_latest_date(jiff::civil::date(2030, 12, 31)),
        );
        App {
            _dir: dir,
            router,
            db,
        }
    }

    /// How many entries the journal holds (0 when there is no journal at all).
    fn stored(&self) -> usize {
        use amble_store::Store;
        blocking(|| {
            self.db
                .open_existing()
                .unwrap()
                .map_or(0, |s| s.list().unwrap().len())
        })
    }

    async fn send(
        &self,
        method: &str,
        uri: &str,
        headers: &[(&str, &str)],
        body: impl Into<Body>,
    ) -> Resp {
        let mut req = Request::builder().method(method).uri(uri);
        if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
            req = req.header(header::HOST, "127.0.0.1:8080");
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let resp = self
            .router
            .clone()
            .oneshot(req.body(body.into()).unwrap())
            .await
            .unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        Resp {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    async fn get(&self, uri: &str) -> Resp {
        self.send("GET", uri, &[], Body::empty()).await
    }

    async fn post_json(&self, uri: &str, body: &str) -> Resp {
        self.send(
            "POST",
            uri,
            &[("content-type", "application/json")],
            body.to_string(),
        )
        .await
    }

    async fn post_form(&self, uri: &str, body: &str) -> Resp {
        self.send(
            "POST",
            uri,
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("origin", "http://127.0.0.1:8080"),
            ],
            body.to_string(),
        )
        .await
    }

    async fn journal(&self) -> Value {
        self.get("/api/v1/journal").await.json()
    }

    async fn with_checkup(self) -> App {
        let r = self.post_json("/api/v1/assessments", BENIGN).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        self
    }
}

fn assert_security_headers(r: &Resp) {
    for h in [
        "content-security-policy",
        "x-content-type-options",
        "x-frame-options",
        "referrer-policy",
    ] {
        assert!(r.headers.contains_key(h), "missing {h}");
    }
    let csp = r
        .headers
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"));
}

// ---- The API and its description ----

#[tokio::test]
async fn openapi_describes_exactly_the_api_routes() {
    let doc: Value = serde_json::from_str(OPENAPI).unwrap();
    let mut described: Vec<(String, String)> = Vec::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            described.push((method.clone(), path.clone()));
        }
    }
    described.sort();
    let mut routes: Vec<(String, String)> = API_ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    routes.sort();
    assert_eq!(described, routes);
    // Every described route is served (not the 404 fallback or 405).
    let app = App::new().with_checkup().await;
    for (method, path) in &routes {
        let r = if method == "get" {
            app.get(path).await
        } else {
            app.post_json(path, "{}").await
        };
        assert!(
            r.status != StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
        assert!(
            r.headers
                .get(header::CONTENT_TYPE)
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("application/json"),
            "{method} {path} answers JSON"
        );
    }
    let served = app.get("/api/v1/openapi.json").await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(served.json()["openapi"], "3.1.0");
}

#[test]
fn openapi_describes_every_question_and_exercise() {
    // The answers document is described key by key, and the exercise of a session by id:
    // a question or an exercise added to the content must be added to openapi.json too.
    let doc: Value = serde_json::from_str(OPENAPI).unwrap();
    let answers = &doc["components"]["schemas"]["Answers"];
    let kb = KnowledgeBase::embedded().unwrap();
    for q in &kb.questions {
        let described = match q.id.split_once('.') {
            Some((section, key)) => &answers["properties"][section]["properties"][key],
            None => &answers["properties"][q.id.as_str()],
        };
        assert!(described.is_object(), "{} is not in openapi.json", q.id);
    }
    for section in [
        "red_flags",
        "symptoms",
        "walking",
        "pain",
        "context",
        "instruments",
    ] {
        assert_eq!(
            answers["properties"][section]["additionalProperties"], false,
            "{section}: unknown keys are refused"
        );
    }
    let ids: Vec<&str> = doc["paths"]["/api/v1/exercises"]["post"]["requestBody"]["content"]
        ["application/json"]["schema"]["properties"]["exercise"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let mut known: Vec<&str> = kb.exercises.iter().map(|e| e.id.as_str()).collect();
    known.sort_unstable();
    let mut ids = ids;
    ids.sort_unstable();
    assert_eq!(ids, known, "the exercise ids in openapi.json");
}

#[tokio::test]
async fn assess_returns_the_contract_document_and_stores_nothing() {
    let app = App::new();
    let r = app.post_json("/api/v1/assess", RED).await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = r.json();
    assert_eq!(doc["schema"], "amble.assessment/1");
    assert_eq!(doc["triage"]["tier"], "emergency");
    assert_eq!(doc["plan_status"], "blocked");
    assert_eq!(app.journal().await["entries"], json!([]));
    assert!(app.stored() == 0, "a read creates no journal");
}

#[tokio::test]
async fn api_errors_name_the_field_and_change_nothing() {
    let app = App::new().with_checkup().await;
    let before = app.journal().await;
    let cases = [
        (
            "/api/v1/assess",
            "not json at all",
            StatusCode::BAD_REQUEST,
            Value::Null,
        ),
        (
            "/api/v1/assess",
            r#"{"symptoms": {"loc_bak": true}}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            json!("symptoms.loc_bak"),
        ),
        (
            "/api/v1/assessments",
            r#"{"pain": {"now": 11}}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            json!("pain.now"),
        ),
        (
            "/api/v1/walks",
            r#"{"minutes": 20, "pain_before": 1, "pain_peak": 11}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            json!("pain_peak"),
        ),
        (
            "/api/v1/walks",
            r#"{"minutes": -3}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            json!("minutes"),
        ),
        (
            "/api/v1/walks",
            r#"{"minutes": 20, "date": "2026-02-30"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            json!("date"),
        ),
        (
            "/api/v1/walks",
            r#"{"minutes": 20, "date": "2026-03-09"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            json!("date"),
        ),
        (
            "/api/v1/walks",
            r#"{"minutes": 20, "colour": "red"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            json!("colour"),
        ),
        (
            "/api/v1/walks",
            r#"{"minutes": "twenty"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            json!("minutes"),
        ),
        (
            "/api/v1/mornings",
            r#"{"pain": 12}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            json!("pain"),
        ),
        (
            "/api/v1/mornings",
            r#"{"date": "2026-03-01"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            json!(""),
        ),
        (
            "/api/v1/mornings",
            "[",
            StatusCode::BAD_REQUEST,
            Value::Null,
        ),
    ];
    for (uri, body, status, field) in cases {
        let r = app.post_json(uri, body).await;
        assert_eq!(r.status, status, "{uri} {body}: {}", r.body);
        let doc = r.json();
        assert!(
            doc["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{uri} {body}: error message"
        );
        assert_eq!(doc["field"], field, "{uri} {body}: {}", r.body);
        assert_eq!(
            app.journal().await,
            before,
            "{uri} {body} changed the journal"
        );
    }
    let r = app.get("/api/v1/plan?today=yesterday").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["field"], "today");
}

#[tokio::test]
async fn the_journal_api_logs_and_plans() {
    let app = App::new();
    let r = app.get("/api/v1/plan").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(
        r.json()["error"]
            .as_str()
            .unwrap()
            .contains("no check-up is stored yet")
    );
    let stored = app
        .post_json("/api/v1/assessments?today=2026-03-02", BENIGN)
        .await;
    assert_eq!(stored.status, StatusCode::CREATED);
    assert_eq!(stored.json()["schema"], "amble.assessment/1");
    for d in ["2026-03-02", "2026-03-04", "2026-03-06"] {
        let w = app.post_json("/api/v1/walks?today=2026-03-09", &format!(r#"{{"date": "{d}", "minutes": 25, "pain_before": 1, "pain_peak": 2, "leg_spread": "none"}}"#)).await;
        assert_eq!(w.status, StatusCode::CREATED, "{}", w.body);
        assert_eq!(w.json()["kind"], "walk");
    }
    let m = app
        .post_json("/api/v1/mornings?today=2026-03-03", r#"{"pain": 1}"#)
        .await;
    assert_eq!(m.status, StatusCode::CREATED);
    assert_eq!(
        (m.json()["date"].as_str(), m.json()["pain"].as_u64()),
        (Some("2026-03-03"), Some(1))
    );
    let plan = app.get("/api/v1/plan?today=2026-03-09").await;
    assert_eq!(plan.status, StatusCode::OK);
    let p = plan.json();
    assert_eq!(
        (
            p["schema"].as_str(),
            p["week"].as_u64(),
            p["decision"]["kind"].as_str()
        ),
        (Some("amble.plan/1"), Some(2), Some("progress"))
    );
    let today = app.get("/api/v1/today?today=2026-03-09").await.json();
    assert_eq!(today["schema"], "amble.today/1");
    let journal = app.journal().await;
    assert_eq!(journal["schema"], "amble.journal/1");
    assert_eq!(journal["entries"].as_array().unwrap().len(), 5);
}

// ---- Security ----

#[tokio::test]
async fn posts_from_another_site_are_refused() {
    let app = App::new().with_checkup().await;
    let before = app.journal().await;
    let walk = r#"{"minutes": 20, "pain_before": 1, "pain_peak": 2}"#;
    for headers in [
        vec![("origin", "http://evil.example")],
        vec![("origin", "http://127.0.0.1:9999")],
        vec![("origin", "null")],
        vec![("sec-fetch-site", "cross-site")],
        vec![("sec-fetch-site", "same-site")],
    ] {
        let mut h = headers.clone();
        h.push(("content-type", "application/json"));
        let r = app
            .send("POST", "/api/v1/walks", &h, walk.to_string())
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{headers:?}");
        assert_eq!(r.json()["field"], Value::Null);
        let form = app
            .send(
                "POST",
                "/log/walk",
                &[
                    headers[0],
                    ("content-type", "application/x-www-form-urlencoded"),
                ],
                "minutes=20&pain_before=1&pain_peak=2",
            )
            .await;
        assert_eq!(form.status, StatusCode::FORBIDDEN, "form {headers:?}");
        assert_eq!(
            app.journal().await,
            before,
            "{headers:?} changed the journal"
        );
    }
    // The app's own pages (same origin) and scripts without Origin are fine.
    let same = app
        .send(
            "POST",
            "/api/v1/walks",
            &[
                ("origin", "http://127.0.0.1:8080"),
                ("content-type", "application/json"),
            ],
            walk.to_string(),
        )
        .await;
    assert_eq!(same.status, StatusCode::CREATED);
    let script = app.post_json("/api/v1/walks", walk).await;
    assert_eq!(script.status, StatusCode::CREATED);
    // A browser saying the post came from this very page is trusted over a missing Origin.
    let fetch = app
        .send(
            "POST",
            "/api/v1/walks",
            &[
                ("sec-fetch-site", "same-origin"),
                ("content-type", "application/json"),
            ],
            walk.to_string(),
        )
        .await;
    assert_eq!(fetch.status, StatusCode::CREATED);
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let app = App::new();
    let big = format!(r#"{{"age": 50, "x": "{}"}}"#, "a".repeat(200 * 1024));
    let r = app.post_json("/api/v1/assess", &big).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn every_page_answers_with_security_headers() {
    let app = App::new().with_checkup().await;
    app.post_json(
        "/api/v1/walks",
        r#"{"minutes": 20, "pain_before": 1, "pain_peak": 2}"#,
    )
    .await;
    for page in [
        "/",
        "/today",
        "/checkup",
        "/screen",
        "/plan",
        "/progress",
        "/exercises",
        "/log",
        "/log/walk",
        "/log/morning",
        "/log/exercise",
        "/journal",
        "/journal/w-1/edit",
        "/journal/w-1/delete",
        "/checkup/a-1",
        "/gait",
    ] {
        let r = app.get(page).await;
        assert_eq!(r.status, StatusCode::OK, "{page}: {}", r.body);
        assert!(
            r.headers
                .get(header::CONTENT_TYPE)
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        assert_security_headers(&r);
        assert!(
            r.body.contains("Something new or worse?"),
            "{page} has the red-flag button"
        );
        assert!(r.body.contains("<main id=\"main\">"), "{page}");
        // The empty first step of the check-up holds nothing of the person's.
        let policy = if page == "/checkup" {
            "private, no-cache"
        } else {
            "no-store"
        };
        assert_eq!(r.headers.get(header::CACHE_CONTROL).unwrap(), policy);
    }
    let css = app.get("/assets/app.css").await;
    assert_eq!(
        css.headers.get(header::CONTENT_TYPE).unwrap(),
        "text/css; charset=utf-8"
    );
    let js = app.get("/assets/timer.js").await;
    assert!(js.body.contains("data-hold"));
    for missing in [
        "/assets/",
        "/assets",
        "/nope",
        "/journal/w-404/edit",
        "/checkup/a-404",
        "/../Cargo.toml",
    ] {
        let r = app.get(missing).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{missing}");
        assert!(!r.body.contains("Index of"), "no directory listing");
    }
}

#[tokio::test]
async fn pages_without_a_journal_guide_to_the_check_up() {
    let app = App::new();
    let home = app.get("/").await;
    assert!(home.body.contains("Start the check-up"));
    for page in ["/plan", "/progress"] {
        let r = app.get(page).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("check-up"), "{page}");
    }
    assert!(app.stored() == 0, "reading pages creates no journal");
}

/// From 80 the plan has a balance exercise and at most one on the floor; the API gives each
/// exercise its kind and position, and the exercise and plan pages show them (brief §2.5).
#[tokio::test]
async fn exercises_carry_kind_and_position_and_the_balance_exercises_show() {
    let app = App::new();
    let kb = KnowledgeBase::embedded().unwrap();
    let mut v: serde_json::Value = serde_json::from_str(BENIGN).unwrap();
    v["age"] = serde_json::json!(82);
    for q in kb.questions.iter().filter(|q| q.is_red_flag()) {
        v["red_flags"][q.id.trim_start_matches("red_flags.")] = serde_json::json!(false);
    }
    let r = app.post_json("/api/v1/assessments", &v.to_string()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let plan: serde_json::Value =
        serde_json::from_str(&app.get("/api/v1/plan").await.body).unwrap();
    let ex = plan["exercises"].as_array().unwrap();
    assert!(!ex.is_empty(), "{plan}");
    for e in ex {
        assert!(e["kind"].is_string() && e["position"].is_string(), "{e}");
    }
    assert!(ex.iter().any(|e| e["kind"] == "balance"), "{plan}");
    assert!(ex.iter().filter(|e| e["position"] == "floor").count() <= 1);
    let page = app.get("/exercises").await.body;
    for name in [
        "Supported heel-to-toe stance",
        "Supported single-leg stance",
        "Calf stretch with the knee bent",
    ] {
        assert!(page.contains(name), "{name}");
    }
    assert!(page.contains("(balance, standing)"));
    assert!(page.contains("(strength, on the floor)"));
    let plan_page = app.get("/plan").await.body;
    assert!(plan_page.contains("(balance, standing)"), "{plan_page}");
}

// ---- The check-up in the browser ----

fn all_no(prefix: &str) -> String {
    let kb = KnowledgeBase::embedded().unwrap();
    kb.questions
        .iter()
        .filter(|q| q.is_red_flag())
        .map(|q| format!("{prefix}{}=no", q.id))
        .collect::<Vec<_>>()
        .join("&")
}

#[tokio::test]
async fn an_emergency_answer_shows_the_card_at_once_and_no_plan() {
    let app = App::new();
    let body = all_no("").replace(
        "red_flags.saddle_numbness=no",
        "red_flags.saddle_numbness=yes",
    );
    let r = app
        .post_form("/checkup", &format!("step=1&seen=1&{body}"))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let todo = r.body.find("What to do now").unwrap();
    let card = r.body.find("Get emergency care now").unwrap();
    assert!(card > todo);
    assert!(!r.body.contains("See my plan"));
    assert!(r.body.contains("Left out for now"));
    assert!(
        !r.body.contains("Where you feel it") && !r.body.contains("Step 2 of"),
        "the rest of the questionnaire is not asked"
    );
    let plan = app.get("/api/v1/plan").await.json();
    assert_eq!(plan["status"], "blocked", "stored, and the plan is blocked");
}

#[tokio::test]
async fn the_step_by_step_check_up_stores_and_explains() {
    let app = App::new();
    let step1 = app
        .post_form("/checkup", &format!("step=1&seen=1&{}", all_no("")))
        .await;
    assert_eq!(step1.status, StatusCode::OK);
    assert!(step1.body.contains("Step 2 of 9") && step1.body.contains("name=\"age\""));
    assert!(
        step1
            .body
            .contains("type=\"hidden\" name=\"red_flags.saddle_numbness\" value=\"no\"")
    );
    assert!(
        !step1.body.contains("pregnancy_weeks"),
        "pregnancy questions only in pregnancy"
    );
    // Each step carries the earlier answers forward; a step that does not apply is skipped.
    let step2 = app
        .post_form(
            "/checkup",
            &format!("step=2&seen=1,2&{}&age=74", all_no("")),
        )
        .await;
    assert!(step2.body.contains("Step 3 of 9") && step2.body.contains("Where you feel it"));
    assert!(
        step2
            .body
            .contains("type=\"hidden\" name=\"age\" value=\"74\"")
    );
    assert!(step2.body.contains("name=\"seen\" value=\"1,2,4\""));
    // No leg symptoms: the leg questions are not asked.
    let no_legs = app
        .post_form(
            "/checkup",
            &format!(
                "step=4&seen=1,2,4&{}&age=74&symptoms.loc_back=yes&symptoms.loc_thigh=none&symptoms.loc_below_knee=none",
                all_no("")
            ),
        )
        .await;
    assert!(no_legs.body.contains("Step 4 of 8"), "{}", no_legs.body);
    assert!(no_legs.body.contains("What brings it on"));
    assert!(!no_legs.body.contains("name=\"symptoms.loc_calf_only\""));
    assert!(!no_legs.body.contains("name=\"symptoms.leg_quality\""));
    // Leg symptoms: the leg step follows.
    let legs = app
        .post_form(
            "/checkup",
            &format!(
                "step=4&seen=1,2,4&{}&age=74&symptoms.loc_thigh=both&symptoms.loc_below_knee=none",
                all_no("")
            ),
        )
        .await;
    assert!(legs.body.contains("name=\"symptoms.leg_quality\""));
    assert!(
        !legs.body.contains("name=\"symptoms.loc_calf_only\""),
        "nothing below the knee: no calf question"
    );
    let body = format!(
        "step=10&seen=1,2,4,5,6,7,8,9&{}&age=74&symptoms.loc_buttock=both&symptoms.loc_thigh=both&symptoms.standing_alone_provokes=yes&symptoms.relief_by=sitting&symptoms.relief_by=bending_forward&symptoms.sitting_effect=eases&walking.pain_free_minutes=6&pain.usual_morning=2",
        all_no("")
    );
    let r = app.post_form("/checkup", &body).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/checkup/a-1");
    let result = app.get("/checkup/a-1").await;
    assert!(
        result
            .body
            .contains("None of the warning signs we ask about")
    );
    assert!(result.body.contains("spinal stenosis pattern"));
    assert!(
        result.body.contains("You said sitting eases it."),
        "the answers behind it, in plain words"
    );
    assert!(
        !result.body.contains("+3]") && result.body.contains("Details for clinicians"),
        "weights only in the clinicians' details"
    );
    let plan = app.get("/api/v1/plan").await.json();
    assert_eq!(plan["walking"]["mode"], "interval");
    // Bad input re-shows the form with every error at once, each beside its field, in words,
    // and stores nothing.
    let bad = app
        .post_form(
            "/checkup",
            &format!("step=2&seen=1,2&{}&age=250&height_cm=20", all_no("")),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("role=\"alert\"") && bad.body.contains("these 2 answers"));
    assert!(bad.body.contains("href=\"#q-age\"") && bad.body.contains("href=\"#q-height_cm\""));
    assert_eq!(bad.body.matches("class=\"field-error\"").count(), 2);
    assert!(
        !bad.body.contains("height_cm:"),
        "no internal field names in the words"
    );
    assert_eq!(app.journal().await["entries"].as_array().unwrap().len(), 1);
}

/// Steps come in order: a tampered step number never stores a check-up from a few answers.
#[tokio::test]
async fn check_up_steps_cannot_be_skipped() {
    let app = App::new();
    let r = app.post_form("/checkup", "step=99&age=50").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app
        .post_form("/checkup", &format!("step=10&seen=1&{}&age=50", all_no("")))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("Step 2 of 9"),
        "back to the first step not shown"
    );
    let r = app
        .post_form("/checkup", "step=10&walking.usual_minutes=20")
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Warning signs"));
    assert_eq!(app.journal().await["entries"].as_array().unwrap().len(), 0);
}

/// In pregnancy the check-up asks the stage and the pregnancy warning signs; a yes leads with
/// the maternity unit.
#[tokio::test]
async fn pregnancy_warning_signs_are_asked_and_lead() {
    let app = App::new();
    let flags = all_no("").replace("&red_flags.pregnancy_warning_signs=no", "");
    let step2 = app
        .post_form(
            "/checkup",
            &format!("step=2&seen=1,2&{flags}&age=31&context.pregnant=yes"),
        )
        .await;
    assert!(step2.body.contains("Your pregnancy"), "{}", step2.body);
    assert!(
        step2
            .body
            .contains("name=\"red_flags.pregnancy_warning_signs\"")
    );
    assert!(step2.body.contains("name=\"context.pregnancy_weeks\""));
    let r = app
        .post_form(
            "/checkup",
            &format!(
                "step=3&seen=1,2,3&{flags}&age=31&context.pregnant=yes&context.pregnancy_weeks=30&red_flags.pregnancy_warning_signs=yes"
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Get emergency care now"));
    assert!(
        r.body
            .contains("Contact your maternity unit or midwife now")
    );
    assert!(!r.body.contains("See my plan"));
    assert_eq!(app.get("/api/v1/plan").await.json()["status"], "blocked");
}

#[tokio::test]
async fn the_red_flag_screen_re_screens_and_blocks_when_needed() {
    let app = App::new().with_checkup().await;
    let fine = app.post_form("/screen", &all_no("")).await;
    assert!(fine.body.contains("None of the warning signs we ask about"));
    assert_eq!(app.get("/api/v1/plan").await.json()["status"], "active");
    let fever = all_no("").replace("red_flags.fever_unwell=no", "red_flags.fever_unwell=yes");
    let r = app.post_form("/screen", &fever).await;
    assert!(r.body.contains("Contact a doctor today"), "{}", r.body);
    assert_eq!(app.get("/api/v1/plan").await.json()["status"], "blocked");
}

/// New symptoms suspend the plan; "Something new or worse?" with every warning sign no and
/// the symptoms settled lifts it and says so, without restarting the plan.
#[tokio::test]
async fn a_clean_rescreen_lifts_a_new_symptoms_suspension() {
    let app = App::new().with_checkup().await;
    let r = app
        .post_form(
            "/log/walk",
            "date=2026-03-02&minutes=10&pain_before=2&pain_peak=4&leg_spread=none&new_symptoms=on",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let plan = app.get("/api/v1/plan").await.json();
    assert_eq!(plan["decision"]["kind"], "suspend");
    let form = app.get("/screen").await;
    assert!(
        form.body.contains("name=\"settled\""),
        "asks whether they settled"
    );
    // All no, but not settled: still paused, nothing stored.
    let r = app.post_form("/screen", &all_no("")).await;
    assert!(r.body.contains("stays paused"), "{}", r.body);
    assert_eq!(
        app.get("/api/v1/plan").await.json()["decision"]["kind"],
        "suspend"
    );
    // A "not sure" never lifts it.
    let open = all_no("").replace("red_flags.fever_unwell=no", "red_flags.fever_unwell=unsure");
    let r = app
        .post_form("/screen", &format!("{open}&settled=yes"))
        .await;
    assert!(r.body.contains("still unanswered"));
    assert_eq!(
        app.get("/api/v1/plan").await.json()["decision"]["kind"],
        "suspend"
    );
    // All no and settled: the plan goes on from where it was.
    let r = app
        .post_form("/screen", &format!("{}&settled=yes", all_no("")))
        .await;
    assert!(r.body.contains("your plan goes on"), "{}", r.body);
    let plan = app.get("/api/v1/plan").await.json();
    assert_eq!(plan["status"], "active");
    assert_eq!(plan["decision"]["kind"], "start", "week 1 of the same plan");
    let journal = app.journal().await;
    let checkups = journal["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "assessment")
        .count();
    assert_eq!(
        checkups, 3,
        "the check-up, the unanswered and the clean re-screen"
    );
}

/// A coach within the week: a red walk is named with its reason when saved, and today steps
/// down with the reason.
#[tokio::test]
async fn a_red_walk_is_named_when_saved_and_today_steps_down() {
    let app = App::new().with_checkup().await;
    let r = app
        .post_form(
            "/log/walk",
            "date=2026-03-02&minutes=20&pain_before=3&pain_peak=7&leg_spread=none",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let today = app.get(&r.location()).await;
    assert!(
        today
            .body
            .contains("Red: pain during the walk reached 7/10."),
        "{}",
        today.body
    );
    let tomorrow = app.get("/today?today=2026-03-03").await;
    assert!(tomorrow.body.contains("An easier day"), "{}", tomorrow.body);
    assert!(tomorrow.body.contains("was red"));
    let json = app.get("/api/v1/today?today=2026-03-03").await.json();
    assert_eq!(json["easier_today"], true);
}

/// A flare answered within days: two red walks in the week switch the rest of it to the flare
/// plan at once, and the home page, the plan page and the API say the same.
#[tokio::test]
async fn two_red_walks_show_the_flare_plan_on_every_page() {
    let app = App::new().with_checkup().await;
    for date in ["2026-03-02", "2026-03-03"] {
        let r = app
            .post_form(
                &format!("/log/walk?today={date}"),
                &format!("date={date}&minutes=12&pain_before=2&pain_peak=7&leg_spread=none"),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    let plan = app.get("/api/v1/plan?today=2026-03-04").await.json();
    assert_eq!(plan["decision"]["kind"], "flare", "{plan}");
    assert_eq!(plan["walking"]["mode"], "gentle");
    let home = app.get("/?today=2026-03-04").await;
    assert!(home.body.contains("This is a flare week"), "{}", home.body);
    assert!(home.body.contains("contact your doctor or physiotherapist"));
    let page = app.get("/plan?today=2026-03-04").await;
    assert!(
        page.body.contains("Flare: keep moving gently"),
        "{}",
        page.body
    );
    assert!(page.body.contains("switches to gentle walking now"));
}

/// The insights page and API: honest about too little data, in the contract's shape.
#[tokio::test]
async fn insights_page_and_api() {
    let app = App::new().with_checkup().await;
    let r = app
        .post_form(
            "/log/walk",
            "date=2026-03-02&minutes=20&pain_before=2&pain_peak=3&leg_spread=none",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = app.get("/insights").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Nothing stood out clearly enough yet"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Needs more data"));
    // Walk minutes and bouts wait for more walks like every factor; none is left out.
    assert!(
        !page.body.contains("Not read from your journal") && page.body.contains("minutes walked"),
        "{}",
        page.body
    );
    let json = app.get("/api/v1/insights").await.json();
    assert_eq!(json["schema"], "amble.insights/1");
    assert_eq!(json["data"]["walks_rated"], 1);
    assert!(json["findings"].as_array().unwrap().is_empty());
    // The clinician's report: self-contained (no scripts, no outside resources), with the
    // check-up, the charts and the scores.
    let report = app.get("/report").await;
    assert_eq!(report.status, StatusCode::OK);
    for part in [
        "Latest check-up",
        "Scores over time",
        "<svg",
        "Week by week: adherence",
        "What went with",
    ] {
        assert!(report.body.contains(part), "{part}");
    }
    assert!(!report.body.contains("<script") && !report.body.contains("src=\"http"));
    assert!(report.body.contains("/assets/report.css") && !report.body.contains("<style>"));
    let css = app.get("/assets/report.css").await;
    assert!(css.body.contains("@page"));
    // Odd dates are refused with a message, never a crash or a wrong period.
    for uri in [
        "/insights?today=3026-01-01",
        "/report?today=junk",
        "/api/v1/insights?today=2026-02-30",
    ] {
        let r = app.get(uri).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}");
    }
}

// ---- Logging, editing and deleting in the browser ----

/// Forms show every error at once, each beside its field and named in words; pain is always
/// chosen on the 0-10 buttons; dates do not wrap; emergency numbers can be tapped.
#[tokio::test]
async fn forms_show_every_error_at_once_in_words() {
    let app = App::new().with_checkup().await;
    let bad = app
        .post_form(
            "/log/walk",
            "date=2026-03-02&minutes=-5&pain_peak=4&leg_spread=none",
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("these 2 answers"), "{}", bad.body);
    assert!(
        bad.body
            .contains("Minutes walked: expected at least 0.5 minutes (half a minute), found -5")
    );
    assert!(
        bad.body
            .contains("Back pain before the walk: choose your pain before the walk")
    );
    assert!(
        bad.body.contains("id=\"minutes-error\"") && bad.body.contains("id=\"pain_before-error\"")
    );
    assert!(bad.body.contains("aria-invalid=\"true\""));
    assert!(
        !bad.body.contains("pain_before:"),
        "no internal field names"
    );
    assert_eq!(
        app.journal().await["entries"].as_array().unwrap().len(),
        1,
        "nothing stored"
    );
    let ex = app.get("/log/exercise").await;
    assert_eq!(
        ex.body.matches("name=\"pain_after\" value=").count(),
        11,
        "0-10 buttons"
    );
    assert!(!ex.body.contains("id=\"pain_after\" type=\"number\""));
    let css = app.get("/assets/app.css").await;
    assert!(css.body.contains("white-space: nowrap"));
}

#[tokio::test]
async fn a_walk_in_a_few_taps_then_edit_and_delete() {
    let app = App::new().with_checkup().await;
    let form = app.get("/log/walk").await;
    assert!(
        form.body.contains("name=\"minutes\" value=\""),
        "minutes prefilled from the plan"
    );
    let r = app
        .post_form(
            "/log/walk",
            "date=2026-03-02&minutes=25&pain_before=2&pain_peak=4&leg_spread=none",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/today?saved=w-1");
    let bad = app
        .post_form(
            "/log/walk",
            "date=2026-03-02&minutes=25&pain_before=2&pain_peak=14",
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("pain_peak") && bad.body.contains("from 0 to 10"));
    let opened = revision_in(&app.get("/journal/w-1/edit").await.body, "revision");
    let edit = app
        .post_form(
            "/journal/w-1/edit",
            &format!(
                "revision={opened}&date=2026-03-01&minutes=30&pain_before=2&pain_peak=3&leg_spread=usual"
            ),
        )
        .await;
    assert_eq!(edit.status, StatusCode::SEE_OTHER);
    let j = app.journal().await;
    let w = j["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "w-1")
        .unwrap()
        .clone();
    assert_eq!(
        (
            w["minutes"].as_f64(),
            w["pain_peak"].as_u64(),
            w["date"].as_str()
        ),
        (Some(30.0), Some(3), Some("2026-03-01"))
    );
    // Delete needs the confirmation field.
    let no = app.post_form("/journal/w-1/delete", "").await;
    assert_eq!(no.status, StatusCode::SEE_OTHER);
    assert_eq!(app.journal().await["entries"].as_array().unwrap().len(), 2);
    let shown = revision_in(&app.get("/journal/w-1/delete").await.body, "revision");
    let yes = app
        .post_form(
            "/journal/w-1/delete",
            &format!("confirm=yes&revision={shown}"),
        )
        .await;
    assert_eq!(yes.status, StatusCode::SEE_OTHER);
    assert_eq!(app.journal().await["entries"].as_array().unwrap().len(), 1);
    // Morning and exercise forms.
    let m = app
        .post_form("/log/morning", "date=2026-03-02&pain=2")
        .await;
    assert_eq!(m.status, StatusCode::SEE_OTHER);
    let x = app
        .post_form("/log/exercise", "date=2026-03-02&exercise=bird_dog&sets=2")
        .await;
    assert_eq!(x.status, StatusCode::SEE_OTHER);
    let bad_x = app
        .post_form("/log/exercise", "date=2026-03-02&exercise=burpee")
        .await;
    assert_eq!(bad_x.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.journal().await["entries"].as_array().unwrap().len(), 3);
}

/// The revision a form was filled from (`name="revision…" value="…"`).
fn revision_in(body: &str, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    let at = body
        .find(&key)
        .unwrap_or_else(|| panic!("no {name} in the page: {body}"));
    body[at + key.len()..].chars().take(16).collect()
}

/// Two tabs correct one walk: the save made from the older version is refused, with the newer
/// values shown to change again; nothing is overwritten (issue #26.4).
#[tokio::test]
async fn an_edit_made_from_an_older_version_is_refused_with_the_newer_values() {
    let app = App::new().with_checkup().await;
    let walk = "date=2026-03-02&pain_before=2&leg_spread=none";
    let r = app
        .post_form("/log/walk", &format!("{walk}&minutes=25&pain_peak=4"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let opened = revision_in(&app.get("/journal/w-1/edit").await.body, "revision");
    let first = app
        .post_form(
            "/journal/w-1/edit",
            &format!("revision={opened}&{walk}&minutes=40&pain_peak=4"),
        )
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let stale = app
        .post_form(
            "/journal/w-1/edit",
            &format!("revision={opened}&{walk}&minutes=25&pain_peak=6"),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert!(
        stale
            .body
            .contains("This entry changed since you opened it"),
        "{}",
        stale.body
    );
    assert!(
        stale.body.contains("name=\"minutes\" value=\"40\""),
        "the newer values are shown: {}",
        stale.body
    );
    let w = |j: Value| {
        j["entries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == "w-1")
            .map(|e| (e["minutes"].as_f64(), e["pain_peak"].as_u64()))
    };
    assert_eq!(w(app.journal().await), Some((Some(40.0), Some(4))));
    // Saved again from the page that showed the newer values: stored.
    let newer = revision_in(&stale.body, "revision");
    assert_ne!(newer, opened);
    let again = app
        .post_form(
            "/journal/w-1/edit",
            &format!("revision={newer}&{walk}&minutes=40&pain_peak=6"),
        )
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(w(app.journal().await), Some((Some(40.0), Some(6))));
    // Ratings of imported walks: a walk changed since the page was opened refuses the batch.
    let r = app
        .post_json("/api/v1/walks", r#"{"date": "2026-03-01", "minutes": 30}"#)
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let page = app.get("/journal/needs-pain").await;
    let shown = revision_in(&page.body, "revision.w-2");
    // Another device corrects the walk's minutes meanwhile.
    blocking(|| {
        use amble_store::Store;
        let mut s = app.db.open().unwrap();
        let Some(amble_core::journal::Entry::Walk(mut w2)) = s.get("w-2").unwrap() else {
            panic!("w-2 is a walk")
        };
        w2.minutes = 35.0;
        s.replace(amble_core::journal::Entry::Walk(w2)).unwrap();
    });
    let rated = app
        .post_form(
            "/journal/needs-pain",
            &format!("revision.w-2={shown}&pain_before.w-2=1&pain_peak.w-2=2"),
        )
        .await;
    assert_eq!(rated.status, StatusCode::CONFLICT, "{}", rated.body);
    assert!(rated.body.contains("changed since you opened this page"));
    assert!(rated.body.contains("walk 35 min"), "the walk as it is now");
}

/// A delete made from a page opened before the entry changed deletes nothing, and a form that
/// does not say which version it showed neither edits nor deletes (issue #26.4).
#[tokio::test]
async fn a_stale_or_unversioned_delete_or_edit_changes_nothing() {
    let app = App::new().with_checkup().await;
    let walk = "date=2026-03-02&pain_before=2&leg_spread=none";
    let r = app
        .post_form("/log/walk", &format!("{walk}&minutes=25&pain_peak=4"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let shown = revision_in(&app.get("/journal/w-1/delete").await.body, "revision");
    // Another tab corrects the walk after the delete page was opened.
    let opened = revision_in(&app.get("/journal/w-1/edit").await.body, "revision");
    assert_eq!(opened, shown, "one revision for one version");
    let r = app
        .post_form(
            "/journal/w-1/edit",
            &format!("revision={opened}&{walk}&minutes=40&pain_peak=4"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let walks = |j: Value| {
        j["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "walk")
            .map(|e| e["minutes"].as_f64())
            .collect::<Vec<_>>()
    };
    let stale = app
        .post_form(
            "/journal/w-1/delete",
            &format!("confirm=yes&revision={shown}"),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert!(
        stale
            .body
            .contains("This entry changed since you opened it"),
        "{}",
        stale.body
    );
    assert!(
        stale.body.contains("40 min"),
        "as it is now: {}",
        stale.body
    );
    assert_eq!(walks(app.journal().await), [Some(40.0)], "not deleted");
    // No revision (or a garbled one): nothing deleted, nothing edited.
    for form in ["confirm=yes", "confirm=yes&revision=nonsense"] {
        let r = app.post_form("/journal/w-1/delete", form).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{form}");
        assert!(r.body.contains("did not say which version"), "{}", r.body);
    }
    let r = app
        .post_form(
            "/journal/w-1/edit",
            &format!("{walk}&minutes=10&pain_peak=4"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("did not say which version"), "{}", r.body);
    assert!(
        r.body.contains("name=\"minutes\" value=\"40\""),
        "the current values: {}",
        r.body
    );
    assert_eq!(walks(app.journal().await), [Some(40.0)]);
    // Deleted from the page showing the newer version.
    let newer = revision_in(&stale.body, "revision");
    let r = app
        .post_form(
            "/journal/w-1/delete",
            &format!("confirm=yes&revision={newer}"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(walks(app.journal().await).is_empty());
}

/// The API replaces a morning score only at the version the client read: the revision comes
/// with the 409 that names the kept score, and a stale one is answered 409 with the newer
/// values (issue #26.4).
#[tokio::test]
async fn the_api_replaces_a_morning_at_the_revision_it_read() {
    let app = App::new().with_checkup().await;
    let url = "/api/v1/mornings?today=2026-03-03";
    let r = app
        .post_json(url, r#"{"date": "2026-03-02", "pain": 2}"#)
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let id = r.json()["id"].as_str().unwrap().to_string();
    let taken = app
        .post_json(url, r#"{"date": "2026-03-02", "pain": 5}"#)
        .await;
    assert_eq!(taken.status, StatusCode::CONFLICT);
    let read = taken.json()["revision"].as_str().unwrap().to_string();
    assert_eq!(read.len(), 16, "{}", taken.body);
    // Another client replaces first.
    let r = app
        .post_json(url, r#"{"date": "2026-03-02", "pain": 7, "replace": true}"#)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let stale = app
        .post_json(
            url,
            &format!(
                r#"{{"date": "2026-03-02", "pain": 5, "replace": true, "revision": "{read}"}}"#
            ),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert_eq!(stale.json()["existing"]["pain"], 7, "the newer values");
    assert!(
        stale.json()["error"]
            .as_str()
            .unwrap()
            .contains("changed since it was read")
    );
    assert_eq!(mornings(&app).await, [(id.clone(), "2026-03-02".into(), 7)]);
    // Sent again at the newer revision: replaced.
    let newer = stale.json()["revision"].as_str().unwrap().to_string();
    assert_ne!(newer, read);
    let r = app
        .post_json(
            url,
            &format!(
                r#"{{"date": "2026-03-02", "pain": 5, "replace": true, "revision": "{newer}"}}"#
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(mornings(&app).await, [(id.clone(), "2026-03-02".into(), 5)]);
    // A garbled revision, or one without "replace", changes nothing and names the field.
    for body in [
        r#"{"date": "2026-03-02", "pain": 1, "replace": true, "revision": "xyz"}"#,
        r#"{"date": "2026-03-02", "pain": 1, "replace": true, "revision": 12}"#,
        r#"{"date": "2026-03-02", "pain": 1, "revision": "0123456789abcdef"}"#,
    ] {
        let r = app.post_json(url, body).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            r.body
        );
        assert_eq!(r.json()["field"], "revision", "{body}");
    }
    assert_eq!(mornings(&app).await, [(id.clone(), "2026-03-02".into(), 5)]);
    // An unknown key: the message lists every key the route accepts.
    let r = app
        .post_json(url, r#"{"date": "2026-03-02", "pian": 1}"#)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let e = r.json()["error"].as_str().unwrap().to_string();
    for key in [
        "`pian`",
        "`date`",
        "`pain`",
        "`client_ref`",
        "`replace`",
        "`revision`",
    ] {
        assert!(e.contains(key), "{key} in {e}");
    }
    let r = app.post_json(url, r#"{"pain": 1, "colour": "red"}"#).await;
    let e = r.json()["error"].as_str().unwrap().to_string();
    assert!(e.contains("`client_ref`") && e.contains("`replace`"), "{e}");
    let r = app
        .post_json("/api/v1/walks", r#"{"minutes": 20, "colour": "red"}"#)
        .await;
    let e = r.json()["error"].as_str().unwrap().to_string();
    assert!(e.contains("`client_ref`") && e.contains("`minutes`"), "{e}");
    assert!(!e.contains("`replace`"), "{e}");
}

/// Numbers and text from outside are bounded as everywhere else: a walk of at least a minute
/// on a plausible date (the imports' rule), huge numbers echoed short, PSFS activities of at
/// most 80 characters (issue r3.12).
#[tokio::test]
async fn walks_dates_numbers_and_activities_are_bounded() {
    let app = App::new().with_checkup().await;
    for (body, field, says) in [
        (
            r#"{"date": "1901-01-01", "minutes": 20}"#,
            "date",
            "not a plausible date for a walk",
        ),
        (r#"{"minutes": 0.0001}"#, "minutes", "at least 0.5 minutes"),
        (r#"{"minutes": 0}"#, "minutes", "at least 0.5 minutes"),
        (
            r#"{"minutes": 20, "distance_km": 1e308}"#,
            "distance_km",
            "found 1e308",
        ),
    ] {
        let r = app.post_json("/api/v1/walks", body).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            r.body
        );
        assert_eq!(r.json()["field"], field, "{body}");
        let e = r.json()["error"].as_str().unwrap().to_string();
        assert!(e.contains(says) && e.len() < 120, "{body}: {e}");
    }
    let r = app
        .post_form(
            "/log/walk",
            "date=2026-03-02&minutes=0.0001&pain_before=2&pain_peak=4",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("at least 0.5 minutes"), "{}", r.body);
    let r = app.post_json("/api/v1/assess", r#"{"age": 1e308}"#).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(
        r.json()["error"],
        "expected a number from 16 to 110, found 1e308"
    );
    // PSFS: 80 characters, the web's bound, for the API too.
    let mut answers: Value = serde_json::from_str(BENIGN).unwrap();
    let psfs = |activity: &str| json!([{"activity": activity, "score": 4}]);
    answers["instruments"]["psfs"] = psfs(&"a".repeat(81));
    let r = app
        .post_json("/api/v1/assessments", &answers.to_string())
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["field"], "instruments.psfs[0].activity");
    answers["instruments"]["psfs"] = psfs(&"a".repeat(80));
    let r = app
        .post_json("/api/v1/assessments", &answers.to_string())
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let walks = app.journal().await["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "walk")
        .count();
    assert_eq!(walks, 0, "nothing stored");
}

/// The mornings in the journal, as (id, date, pain).
async fn mornings(app: &App) -> Vec<(String, String, i64)> {
    app.journal().await["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "morning")
        .map(|e| {
            (
                e["id"].as_str().unwrap().to_string(),
                e["date"].as_str().unwrap().to_string(),
                e["pain"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_second_morning_for_a_date_replaces_the_first_after_saying_so() {
    let app = App::new().with_checkup().await;
    let first = app
        .post_json(
            "/api/v1/mornings?today=2026-03-03",
            r#"{"date": "2026-03-02", "pain": 2}"#,
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED);
    let id = first.json()["id"].as_str().unwrap().to_string();
    // API: a different score for the date is a conflict naming the entry kept.
    let r = app
        .post_json(
            "/api/v1/mornings?today=2026-03-03",
            r#"{"date": "2026-03-02", "pain": 5}"#,
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.json()["existing"]["id"], id.as_str());
    assert_eq!(r.json()["existing"]["pain"], 2);
    assert!(r.json()["error"].as_str().unwrap().contains("replace"));
    assert_eq!(r.json()["field"], "date");
    // The same score again stores nothing: 200 with the entry.
    let r = app
        .post_json(
            "/api/v1/mornings?today=2026-03-03",
            r#"{"date": "2026-03-02", "pain": 2}"#,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["id"], id.as_str());
    let r = app
        .post_json(
            "/api/v1/mornings?today=2026-03-03",
            r#"{"date": "2026-03-02", "pain": 5, "replace": "yes"}"#,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["field"], "replace");
    assert_eq!(mornings(&app).await, [(id.clone(), "2026-03-02".into(), 2)]);
    // "replace": true keeps one morning for the date, under its id, with the new score.
    let r = app
        .post_json(
            "/api/v1/mornings?today=2026-03-03",
            r#"{"date": "2026-03-02", "pain": 5, "replace": true}"#,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["pain"], 5);
    assert_eq!(mornings(&app).await, [(id.clone(), "2026-03-02".into(), 5)]);
    // The web form replaces, and the page it leads to shows the one kept and says it replaced
    // the earlier one.
    let r = app
        .post_form("/log/morning?today=2026-03-03", "date=2026-03-02&pain=3")
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().contains("replaced=5"), "{}", r.location());
    assert_eq!(mornings(&app).await, [(id.clone(), "2026-03-02".into(), 3)]);
    let page = app.get(&r.location()).await;
    assert!(
        page.body
            .contains("Back pain 3/10 on 2026-03-02 is kept: it replaced the 5/10 logged earlier"),
        "{}",
        page.body
    );
    // The same score from the form again (a form sent twice) says nothing of replacing.
    let r = app
        .post_form("/log/morning?today=2026-03-03", "date=2026-03-02&pain=3")
        .await;
    assert!(!r.location().contains("replaced"), "{}", r.location());
    assert_eq!(mornings(&app).await.len(), 1);
}

#[tokio::test]
async fn new_symptoms_with_a_walk_go_to_the_red_flag_screen() {
    let app = App::new().with_checkup().await;
    let r = app
        .post_form(
            "/log/walk",
            "minutes=10&pain_before=2&pain_peak=3&new_symptoms=on",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/screen?after=new-symptoms");
    let screen = app.get("/screen?after=new-symptoms").await;
    assert!(screen.body.contains("your plan is paused"));
    assert_eq!(
        app.get("/api/v1/plan").await.json()["decision"]["kind"],
        "suspend"
    );
}

#[tokio::test]
async fn progress_charts_are_svg_with_text_alternatives() {
    let app = App::new().with_checkup().await;
    for (d, peak) in [("2026-03-02", 3), ("2026-03-03", 4)] {
        let w = app
            .post_json(
                "/api/v1/walks?today=2026-03-05",
                &format!(
                    r#"{{"date": "{d}", "minutes": 20, "pain_before": 2, "pain_peak": {peak}}}"#
                ),
            )
            .await;
        assert_eq!(w.status, StatusCode::CREATED);
    }
    let r = app.get("/progress?today=2026-03-05").await;
    assert_eq!(r.body.matches("<svg").count(), 2);
    assert!(r.body.contains("role=\"img\""));
    assert!(
        r.body.contains("2026-03-03: before 2, worst 4"),
        "the data as text"
    );
    assert!(r.body.contains("<table>"));
}

// ---- Snapshots of key pages ----

fn scrub(html: &str) -> String {
    html.to_string()
}

#[tokio::test]
async fn page_snapshots() {
    let app = App::new();
    let body = all_no("").replace(
        "red_flags.bladder_change=no",
        "red_flags.bladder_change=yes",
    );
    insta::assert_snapshot!(
        "emergency_card",
        scrub(
            &app.post_form("/checkup", &format!("step=1&{body}"))
                .await
                .body
        )
    );
    let app = App::new().with_checkup().await;
    for (d, peak) in [("2026-03-02", 2), ("2026-03-04", 3), ("2026-03-06", 2)] {
        app.post_json(
            "/api/v1/walks?today=2026-03-09",
            &format!(r#"{{"date": "{d}", "minutes": 25, "pain_before": 1, "pain_peak": {peak}}}"#),
        )
        .await;
    }
    insta::assert_snapshot!(
        "plan_week_2",
        scrub(&app.get("/plan?today=2026-03-09").await.body)
    );
    insta::assert_snapshot!(
        "today_week_2",
        scrub(&app.get("/today?today=2026-03-09").await.body)
    );
    insta::assert_snapshot!("result_benign", scrub(&app.get("/checkup/a-1").await.body));
}

#[tokio::test]
async fn imported_walks_are_rated_in_one_go() {
    let app = App::new().with_checkup().await;
    for d in ["2026-03-01", "2026-03-02"] {
        let r = app
            .post_json(
                "/api/v1/walks",
                &format!(r#"{{"date": "{d}", "minutes": 30}}"#),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
    }
    let today = app.get("/today").await;
    assert!(
        today
            .body
            .contains("2 walks from your watch or phone are waiting"),
        "{}",
        today.body
    );
    let page = app.get("/journal/needs-pain").await;
    assert!(
        page.body.contains("name=\"pain_before.w-1\"")
            && page.body.contains("name=\"pain_peak.w-2\"")
    );
    // Only one half-rated: refused, nothing saved.
    let half = app
        .post_form("/journal/needs-pain", "pain_before.w-1=2")
        .await;
    assert_eq!(half.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .post_form(
            "/journal/needs-pain",
            "pain_before.w-1=2&pain_peak.w-1=4&leg_spread.w-1=usual",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let j = app.journal().await;
    let w1 = j["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "w-1")
        .unwrap()
        .clone();
    assert_eq!(
        (
            w1["pain_before"].as_u64(),
            w1["pain_peak"].as_u64(),
            w1["leg_spread"].as_str()
        ),
        (Some(2), Some(4), Some("usual"))
    );
    let still = app.get("/journal/needs-pain").await;
    assert!(!still.body.contains("pain_before.w-1") && still.body.contains("pain_before.w-2"));
}

#[tokio::test]
async fn the_journal_page_links_only_to_pages_that_exist() {
    let app = App::new().with_checkup().await;
    app.post_json(
        "/api/v1/walks",
        r#"{"minutes": 20, "pain_before": 1, "pain_peak": 2}"#,
    )
    .await;
    let page = app.get("/journal").await;
    let hrefs: Vec<&str> = page
        .body
        .split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|h| h.starts_with("/journal/") || h.starts_with("/checkup/"))
        .collect();
    assert!(hrefs.len() >= 3, "{hrefs:?}");
    for h in hrefs {
        assert_eq!(app.get(h).await.status, StatusCode::OK, "{h}");
    }
}

/// Adds entries through a second connection, as the CLI in another process would.
fn add_directly(app: &App, entries: Vec<amble_core::journal::Entry>) {
    use amble_store::{Change, Store};
    blocking(|| {
        let mut store = app.db.open().unwrap();
        store
            .apply(entries.into_iter().map(Change::Add).collect())
            .unwrap();
    });
}

fn years_of_entries(from: jiff::civil::Date, days: i64) -> Vec<amble_core::journal::Entry> {
    use amble_core::journal::{Entry, Morning};
    use jiff::ToSpan;
    let mut out = Vec::new();
    for d in 0..days {
        let date = from.saturating_add(d.days());
        out.push(Entry::Morning(Morning {
            id: String::new(),
            date,
            pain: (d % 3) as u8 + 1,
        }));
        if d % 2 == 0 {
            let mut w: Value = json!({
                "id": "", "date": date.to_string(), "minutes": 20.0, "pain_before": 2,
                "pain_peak": 3, "leg_spread": "none", "source": "manual"
            });
            w["kind"] = json!("walk");
            out.push(serde_json::from_value(w).unwrap());
        }
    }
    out
}

#[tokio::test]
async fn years_of_history_are_paged_and_windowed() {
    let app = App::new().with_checkup().await;
    let start = jiff::civil::date(2026, 3, 2);
    add_directly(&app, years_of_entries(start, 3 * 365));
    let today = "?today=2029-03-01";

    let journal = app.get(&format!("/journal{today}")).await;
    assert_eq!(journal.status, StatusCode::OK);
    let rows = journal.body.matches("<tr><td class=\"date\">").count();
    assert_eq!(rows, 50, "one page of 50 entries");
    assert!(
        journal.body.contains("page 1 of 33; 1644 entries"),
        "{}",
        journal.body
    );
    assert!(journal.body.contains("page=2") && !journal.body.contains("Newer entries"));
    let last = app.get(&format!("/journal{today}&page=33")).await;
    assert!(last.body.contains("Newer entries") && !last.body.contains("Older entries"));
    assert!(
        last.body.contains("/checkup/a-1"),
        "the check-up is on the last page"
    );
    assert_eq!(
        app.get(&format!("/journal{today}&page=34")).await.status,
        StatusCode::NOT_FOUND
    );
    let bad = app.get(&format!("/journal{today}&page=two")).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("page"));

    let plan = app.get(&format!("/plan{today}")).await;
    let history_rows = plan.body.split("id=\"hist\"").nth(1).unwrap_or_default();
    assert_eq!(
        history_rows.matches("<tr><td").count(),
        8,
        "recent weeks only"
    );
    assert!(plan.body.contains("Show all weeks"));
    let all = app.get(&format!("/plan{today}&history=all")).await;
    assert!(all.body.matches("<tr><td").count() > 150);

    let progress = app.get(&format!("/progress{today}")).await;
    assert!(progress.body.contains("Showing the last 26 weeks"));
    let labels = progress
        .body
        .split(">W")
        .skip(1)
        .filter(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
        .count();
    assert!((2..=16).contains(&labels), "{labels} week labels");
    let everything = app.get(&format!("/progress{today}&weeks=all")).await;
    assert_eq!(everything.status, StatusCode::OK);
    assert!(
        everything
            .body
            .contains("every week since your first check-up, on 2026-03-02")
    );
    let bad = app.get(&format!("/progress{today}&weeks=7")).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("weeks"));
}

#[tokio::test]
async fn a_change_from_another_process_shows_at_once() {
    let app = App::new().with_checkup().await;
    let before = app.journal().await["entries"].as_array().unwrap().len();
    let page = app.get("/journal").await;
    assert!(!page.body.contains("Back pain on waking: 7/10") && !page.body.contains("7/10"));
    // The same reads again (now cached), then a write by another connection.
    assert_eq!(app.get("/journal").await.body, page.body);
    add_directly(
        &app,
        vec![amble_core::journal::Entry::Morning(
            amble_core::journal::Morning {
                id: String::new(),
                date: jiff::civil::date(2026, 3, 2),
                pain: 7,
            },
        )],
    );
    assert_eq!(
        app.journal().await["entries"].as_array().unwrap().len(),
        before + 1
    );
    assert_ne!(
        app.get("/journal").await.body,
        page.body,
        "the page changed"
    );
    // The server's own writes see it too (one morning is kept per date), and write.
    let r = app
        .post_json("/api/v1/mornings", r#"{"date": "2026-03-02", "pain": 4}"#)
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json()["existing"]["pain"], 7);
    let r = app
        .post_json("/api/v1/mornings", r#"{"date": "2026-03-01", "pain": 4}"#)
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(
        app.journal().await["entries"].as_array().unwrap().len(),
        before + 2
    );
}

#[tokio::test]
async fn a_rebinding_page_cannot_read_or_write() {
    let app = App::new().with_checkup().await;
    // Another site's name resolving to 127.0.0.1: matching Origin and Fetch Metadata, but its
    // own name in Host.
    let evil = [
        ("host", "attacker.example:8080"),
        ("origin", "http://attacker.example:8080"),
        ("sec-fetch-site", "same-origin"),
    ];
    for uri in [
        "/api/v1/journal",
        "/api/v1/plan",
        "/journal",
        "/today",
        "/insights",
        "/report",
        "/report.pdf",
        "/calendar.ics",
        "/checkin",
        "/learn",
        "/experiments?factor=shoes&a=x&b=y",
        "/api/v1/insights",
        "/screen",
        "/gait",
        "/journal/w-1/gait",
        "/progress",
    ] {
        let r = app.send("GET", uri, &evil, Body::empty()).await;
        assert_eq!(r.status, StatusCode::MISDIRECTED_REQUEST, "{uri}");
        assert!(!r.body.contains("a-1"), "{uri} leaked the journal");
        assert_security_headers(&r);
    }
    let mut with_json = evil.to_vec();
    with_json.push(("content-type", "application/json"));
    let r = app
        .send(
            "POST",
            "/api/v1/mornings",
            &with_json,
            r#"{"date": "2026-03-02", "pain": 3}"#.to_string(),
        )
        .await;
    assert_eq!(r.status, StatusCode::MISDIRECTED_REQUEST);
    assert_eq!(app.journal().await["entries"].as_array().unwrap().len(), 1);
    let (ct, body) = multipart(&[
        ("file", Some("walk.csv"), LAB_TRIAL),
        ("height_cm", None, b"170"),
    ]);
    let mut with_upload = evil.to_vec();
    with_upload.push(("content-type", &ct));
    let r = app.send("POST", "/gait", &with_upload, body).await;
    assert_eq!(
        r.status,
        StatusCode::MISDIRECTED_REQUEST,
        "an upload from a rebinding page"
    );
    // A missing Host, or one that only starts like a loopback name, is refused too.
    for host in [
        "127.0.0.1.attacker.example",
        "localhost.attacker.example:80",
        "[::1]x",
    ] {
        let r = app
            .send("GET", "/api/v1/plan", &[("host", host)], Body::empty())
            .await;
        assert_eq!(r.status, StatusCode::MISDIRECTED_REQUEST, "{host}");
    }
    // This computer's own names work, with any port.
    for host in [
        "localhost:8080",
        "127.0.0.1",
        "[::1]:9000",
        "127.0.0.2:80",
        "LOCALHOST:1",
    ] {
        let r = app
            .send("GET", "/api/v1/plan", &[("host", host)], Body::empty())
            .await;
        assert_eq!(r.status, StatusCode::OK, "{host}");
    }
}

#[tokio::test]
async fn today_in_the_query_is_bounded() {
    let app = App::new().with_checkup().await;
    for bad in [
        "9999-12-31",
        "-000005-01-01",
        "1899-12-31",
        "2031-01-01",
        "2026-3-9",
        "soon",
    ] {
        let r = app.get(&format!("/api/v1/plan?today={bad}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}: {}", r.body);
        assert_eq!(r.json()["field"], "today", "{bad}");
        let page = app.get(&format!("/plan?today={bad}")).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(page.body.contains("today"));
    }
    // A POST cannot use ?today to store an entry in the future.
    let r = app
        .post_json(
            "/api/v1/mornings?today=2099-01-01",
            r#"{"date": "2099-01-01", "pain": 3}"#,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // Dates in bodies are bounded the same way.
    let r = app
        .post_json("/api/v1/mornings", r#"{"date": "1850-01-01", "pain": 3}"#)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["field"], "date");
    assert_eq!(app.journal().await["entries"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_body_that_is_not_a_form_is_refused() {
    let app = App::new().with_checkup().await;
    let r = app
        .send(
            "POST",
            "/log/morning",
            &[
                ("content-type", "application/json"),
                ("origin", "http://127.0.0.1:8080"),
            ],
            r#"{"pain": 3}"#.to_string(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let r = app
        .send(
            "POST",
            "/checkup",
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("origin", "http://127.0.0.1:8080"),
            ],
            vec![b's', b't', b'e', b'p', b'=', 0xff, 0xfe],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(app.journal().await["entries"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn editing_a_walk_keeps_what_the_form_does_not_show() {
    let app = App::new().with_checkup().await;
    let walk: amble_core::journal::Entry = serde_json::from_value(json!({
        "kind": "walk", "id": "", "date": "2026-03-01", "minutes": 42.5, "source": "gpx",
        "start": "2026-03-01T09:00:00+01:00", "elapsed_minutes": 50.0, "steps": 5200,
        "cadence_spm": 104.0, "avg_hr_bpm": 101.0, "ascent_m": 37.0, "distance_km": 3.4
    }))
    .unwrap();
    add_directly(&app, vec![walk]);
    let opened = revision_in(&app.get("/journal/w-1/edit").await.body, "revision");
    let edit = app
        .post_form(
            "/journal/w-1/edit",
            &format!("revision={opened}&date=2026-03-01&minutes=42.5&pain_before=2&pain_peak=4&leg_spread=none&distance_km=3.4"),
        )
        .await;
    assert_eq!(edit.status, StatusCode::SEE_OTHER, "{}", edit.body);
    let j = app.journal().await;
    let w = j["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "w-1")
        .unwrap()
        .clone();
    assert_eq!(
        (w["pain_before"].clone(), w["pain_peak"].clone()),
        (json!(2), json!(4))
    );
    for (key, want) in [
        ("ascent_m", json!(37.0)),
        ("steps", json!(5200)),
        ("cadence_spm", json!(104.0)),
        ("avg_hr_bpm", json!(101.0)),
        ("elapsed_minutes", json!(50.0)),
        ("start", json!("2026-03-01T09:00:00+01:00")),
        ("source", json!("gpx")),
    ] {
        assert_eq!(w[key], want, "{key} kept");
    }
}

#[tokio::test]
async fn warning_sign_questions_have_no_answer_chosen_for_the_person() {
    let app = App::new();
    let page = app.get("/checkup").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("red_flags.saddle_numbness"));
    assert!(
        !page.body.contains(" checked"),
        "no warning-sign answer is pre-selected"
    );
    // Skipping them all never starts the plan, and never says none was found.
    let r = app.post_form("/checkup", "step=1").await;
    assert!(!r.body.contains("None of the warning signs"), "{}", r.body);
}

/// The report as a PDF download on either paper, and a period choice; bad choices are a 400.
#[tokio::test]
async fn report_pdf_and_periods() {
    let empty = App::new();
    let none = empty.get("/report.pdf").await;
    assert_eq!(none.status, StatusCode::OK);
    assert!(none.body.contains("Nothing to report yet"));
    let app = App::new().with_checkup().await;
    for paper in ["", "?paper=a4", "?paper=letter", "?paper=Letter&weeks=26"] {
        let r = app.get(&format!("/report.pdf{paper}")).await;
        assert_eq!(r.status, StatusCode::OK, "{paper}");
        assert_eq!(r.headers["content-type"], "application/pdf");
        assert!(
            r.headers["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("attachment; filename=\"amble-report-"),
        );
        assert!(r.body.starts_with("%PDF-"), "{paper}");
        assert_security_headers(&r);
    }
    let html = app.get("/report?weeks=52").await;
    assert!(html.body.contains("/report.pdf?paper=letter"));
    for uri in [
        "/report.pdf?paper=legal",
        "/report.pdf?weeks=7",
        "/report?weeks=-1",
        "/insights?weeks=1000",
        "/report.pdf?today=2026-13-01",
    ] {
        let r = app.get(uri).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}");
        assert!(!r.body.starts_with("%PDF"), "{uri}");
    }
    let recent = app.get("/insights?weeks=12").await;
    assert_eq!(recent.status, StatusCode::OK);
    assert!(
        recent
            .body
            .contains("<strong aria-current=\"page\">12 weeks</strong>")
    );
}

/// r4 finding 4: the report's PDF links carry the page's period; `from`/`to` choose the
/// period as the CLI's `--from`/`--to` do, and a bad one is refused with a message, never
/// ignored.
#[tokio::test]
async fn report_period_from_to_and_pdf_links() {
    let app = App::new().with_checkup().await;
    // The links as a browser reads them (`&` escaped in the page).
    let links = |body: &str, qs: &str| {
        let body = body.replace("&#38;", "&").replace("&amp;", "&");
        ["a4", "letter"]
            .iter()
            .all(|p| body.contains(&format!("/report.pdf?paper={p}{qs}\"")))
    };
    let r = app.get("/report?weeks=26").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(links(&r.body, "&weeks=26"), "{}", r.body);
    let r = app
        .get("/report?today=2026-03-20&from=2026-03-02&to=2026-03-09")
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("2026-03-02 to 2026-03-09"), "{}", r.body);
    assert!(
        links(&r.body, "&today=2026-03-20&from=2026-03-02&to=2026-03-09"),
        "{}",
        r.body
    );
    let pdf = app
        .get("/report.pdf?today=2026-03-20&from=2026-03-02&to=2026-03-09")
        .await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert!(pdf.body.starts_with("%PDF-"));
    for (uri, status, words) in [
        ("/report?from=garbage", StatusCode::BAD_REQUEST, "from:"),
        ("/report.pdf?to=2026-02-30", StatusCode::BAD_REQUEST, "to:"),
        (
            "/report?today=2026-03-20&from=2026-03-10&to=2026-03-09",
            StatusCode::UNPROCESSABLE_ENTITY,
            "from 2026-03-10 is after to 2026-03-09",
        ),
        (
            "/report.pdf?to=2026-03-05",
            StatusCode::UNPROCESSABLE_ENTITY,
            "after today (2026-03-02)",
        ),
        (
            "/report?from=2026-03-02&weeks=26",
            StatusCode::UNPROCESSABLE_ENTITY,
            "not both",
        ),
        (
            "/report?to=2026-02-01",
            StatusCode::UNPROCESSABLE_ENTITY,
            "before the first check-up (2026-03-02)",
        ),
    ] {
        let r = app.get(uri).await;
        assert_eq!(r.status, status, "{uri}: {}", r.body);
        assert!(r.body.contains(words), "{uri}: {}", r.body);
        assert!(!r.body.starts_with("%PDF"), "{uri}");
    }
}

/// The experiments page: an empty form, then a schedule from the choices (the same every
/// time), today's option, and the result so far; every bad choice named at once.
#[tokio::test]
async fn experiments_page() {
    let app = App::new().with_checkup().await;
    let form = app.get("/experiments").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Show my schedule") && !form.body.contains("Your schedule"));
    let uri =
        "/experiments?today=2026-03-10&factor=surface&a=Flat&b=hills&first_day=2026-03-02&weeks=4";
    let r = app.get(uri).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Your schedule"));
    assert_eq!(
        r.body.matches("<td class=\"date\">").count(),
        2 * 8,
        "4 pairs of 3-day periods"
    );
    assert!(r.body.contains("Today: walk with <strong>"), "{}", r.body);
    assert!(r.body.contains("Not enough yet"));
    assert_eq!(
        app.get(uri).await.body,
        r.body,
        "the same choices, the same schedule"
    );
    let bad = app
        .get("/experiments?factor=weather&a=&b=x&first_day=soon&weeks=9")
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for m in ["What to compare:", "Option A:", "First day:", "How long:"] {
        assert!(bad.body.contains(m), "{m}: {}", bad.body);
    }
    let same = app
        .get("/experiments?factor=shoes&a=old&b=OLD&weeks=5")
        .await;
    assert_eq!(same.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(same.body.contains("two different options"));
    let times = app
        .get("/experiments?factor=time_of_day&a=morning&b=noon&weeks=5")
        .await;
    assert_eq!(times.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(times.body.contains("morning, afternoon or evening"));
    let ok = app
        .get("/experiments?factor=time_of_day&a=Morning&b=evening&weeks=5")
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    assert!(ok.body.contains("Log the start time with each walk"));
}

/// A walk's start time: HH:MM or nothing; anything else is named beside its field.
#[tokio::test]
async fn walk_start_time() {
    let app = App::new().with_checkup().await;
    let r = app
        .post_form(
            "/log/walk",
            "date=2026-03-02&minutes=20&start=25:00&pain_before=12",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains("Start time: expected a time of day as HH:MM"),
        "{}",
        r.body
    );
    assert!(r.body.contains("id=\"start-error\""));
    let ok = app
        .post_form(
            "/log/walk",
            "date=2026-03-02&minutes=20&start=18:45&pain_before=2&pain_peak=3&leg_spread=none",
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let j = app.journal().await;
    let walk = j["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "walk")
        .unwrap()
        .clone();
    assert_eq!(walk["start"], "18:45");
}

/// `/calendar.ics` parses with an independent iCalendar parser; walks fall on the plan's
/// walking days, check-ins on their due dates, ids are stable, and no event text speaks of
/// health.
#[tokio::test]
async fn the_calendar_feed_parses_and_follows_the_plan() {
    let app = App::new().with_checkup().await;
    let r = app.get("/calendar.ics?today=2026-03-02").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let parser = ical::IcalParser::new(std::io::BufReader::new(r.body.as_bytes()));
    let cals: Vec<_> = parser.map(|c| c.unwrap()).collect();
    assert_eq!(cals.len(), 1);
    let prop = |e: &ical::parser::ical::component::IcalEvent, name: &str| {
        e.properties
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.clone())
            .unwrap_or_default()
    };
    let events = &cals[0].events;
    assert!(!events.is_empty());
    let plan = app.get("/api/v1/plan?today=2026-03-02").await.json();
    let sessions = plan["walking"]["sessions_per_week"].as_u64().unwrap() as usize;
    let walks: Vec<String> = events
        .iter()
        .filter(|e| prop(e, "SUMMARY") == "Walk")
        .map(|e| prop(e, "DTSTART"))
        .collect();
    // The check-up was on 2026-03-02 (a Monday, the plan week's first day): 4 weeks of walks.
    assert_eq!(walks.len(), 4 * sessions, "{walks:?}");
    assert_eq!(walks[0], "20260302");
    let checkins: Vec<String> = events
        .iter()
        .filter(|e| prop(e, "SUMMARY") == "Amble check-in")
        .map(|e| prop(e, "DTSTART"))
        .collect();
    assert_eq!(
        checkins.first().map(String::as_str),
        Some("20260309"),
        "a week after the check-up"
    );
    assert!(checkins.len() >= 3);
    for e in events {
        assert!(!prop(e, "UID").is_empty() && !prop(e, "DTSTAMP").is_empty());
        let summary = prop(e, "SUMMARY");
        assert!(
            summary == "Walk" || summary == "Amble check-in",
            "{summary}"
        );
    }
    let lower = r.body.to_lowercase();
    for word in ["pain", "back", "flare", "warning", "symptom"] {
        assert!(!lower.contains(word), "the feed says {word:?}");
    }
    // Asked again the same day: the same text, so a subscribed calendar updates, never doubles.
    assert_eq!(app.get("/calendar.ics?today=2026-03-02").await.body, r.body);
    // A week later the same walk days keep their ids.
    let later = app.get("/calendar.ics?today=2026-03-09").await.body;
    for line in r
        .body
        .lines()
        .filter(|l| l.starts_with("UID:amble-walk-2026-03-1"))
    {
        assert!(later.contains(line), "{line} kept");
    }
}

/// The check-in page: due on the home page a week after the check-up, every error at once, a
/// clean check-in stored with its outcome, and one with a new warning sign leading with what to
/// do and suspending the plan.
#[tokio::test]
async fn the_checkin_pages() {
    let app = App::new().with_checkup().await;
    let home = app.get("/today?today=2026-03-02").await;
    assert!(home.body.contains("Next check-in"), "{}", home.body);
    let due = app.get("/today?today=2026-03-09").await;
    assert!(
        due.body.contains("Check-in due")
            && due.body.contains("href=\"/checkin?today=2026-03-09\"")
    );
    let form = app.get("/checkin?today=2026-03-09").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Warning signs") && form.body.contains("Since your last check-in"));
    assert!(
        !form.body.contains("activity_limited"),
        "asked only in maintenance"
    );
    let bad = app
        .post_form(
            "/checkin?today=2026-03-09",
            &format!("{}&change=fine&pain.now=12", all_no("")),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("choose one of the five answers") && bad.body.contains("0 to 10"),
        "{}",
        bad.body
    );
    let ok = app
        .post_form(
            "/checkin?today=2026-03-09",
            &format!("{}&change=better&pain.now=0", all_no("")),
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let result = app.get(&ok.location()).await;
    assert!(result.body.contains("Check-in saved"), "{}", result.body);
    assert!(
        result.body.contains("Pain (0-10) fell from"),
        "{}",
        result.body
    );
    assert!(result.body.contains("Next check-in: 2026-03-16"));
    let progress = app.get("/progress?today=2026-03-09").await;
    assert!(
        progress.body.contains("Your scores over time") && progress.body.contains("outcome-nprs-t"),
        "{}",
        progress.body
    );
    assert_eq!(
        app.get("/api/v1/plan?today=2026-03-09").await.json()["status"],
        "active"
    );
    // A new warning sign: what to do first, and the plan is suspended.
    let alarm = app
        .post_form(
            "/checkin?today=2026-03-10",
            &format!(
                "{}&change=worse",
                all_no("").replace(
                    "red_flags.bladder_change=no",
                    "red_flags.bladder_change=yes"
                )
            ),
        )
        .await;
    let page = app.get(&alarm.location()).await;
    assert!(
        page.body.contains("role=\"alert\"") && page.body.contains("tel:"),
        "{}",
        page.body
    );
    assert!(page.body.find("role=\"alert\"") < page.body.find("since the last check-in"));
    let plan = app.get("/api/v1/plan?today=2026-03-10").await.json();
    assert_eq!(
        (plan["status"].as_str(), plan["decision"]["kind"].as_str()),
        (Some("blocked"), Some("suspend"))
    );
    assert_eq!(app.get("/checkin/c-99").await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/checkin/w-1").await.status, StatusCode::NOT_FOUND);
}

/// Issue 21 points 3 and 14 on the web: a check-in with a warning sign left "not sure" lists it
/// with how to find out (never "none"); the check-in and the check-up's last step ask the PEG
/// and the PSFS, half a PEG is refused with the fields named, and the scores are stored.
#[tokio::test]
async fn checkins_keep_not_sure_open_and_ask_the_peg_and_the_psfs() {
    let app = App::new().with_checkup().await;
    let form = app.get("/checkin?today=2026-03-09").await;
    for name in ["peg.1", "peg.2", "peg.3", "psfs.activity.1", "psfs.score.3"] {
        assert!(
            form.body.contains(&format!("name=\"{name}\"")),
            "{name}: {}",
            form.body
        );
    }
    let unsure = all_no("").replace(
        "red_flags.saddle_numbness=no",
        "red_flags.saddle_numbness=unsure",
    );
    let half = app
        .post_form(
            "/checkin?today=2026-03-09",
            &format!("{unsure}&peg.1=5&psfs.score.1=4"),
        )
        .await;
    assert_eq!(half.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        half.body.contains("answer all three") && half.body.contains("name the activity"),
        "{}",
        half.body
    );
    let ok = app
        .post_form(
            "/checkin?today=2026-03-09",
            &format!(
                "{unsure}&change=same&peg.1=5&peg.2=4&peg.3=6&psfs.activity.1=walk+to+the+shops&psfs.score.1=4"
            ),
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let page = app.get(&ok.location()).await;
    assert!(
        page.body
            .contains("Some warning-sign questions are still unanswered")
            && page.body.contains("saddle")
            && page.body.contains("ask someone who knows you well"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("None of the warning signs"));
    let journal = app.get("/api/v1/journal").await.json();
    let c = journal["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "checkin")
        .unwrap()
        .clone();
    assert_eq!(c["instruments"]["peg"], json!([5, 4, 6]), "{c}");
    assert!(c["red_flags"].get("saddle_numbness").is_none(), "{c}");
    // The re-screen holds "not sure" the same way and names the question.
    let screen = app
        .post_form("/screen?today=2026-03-10", &unsure.to_string())
        .await;
    assert!(
        screen.body.contains("Still unanswered")
            && screen.body.contains("saddle")
            && screen.body.contains("ask someone who knows you well"),
        "{}",
        screen.body
    );
    assert_eq!(
        app.get("/api/v1/plan?today=2026-03-10").await.json()["status"],
        "paused"
    );
    // The next check-in offers the same activity to rate again.
    let again = app.get("/checkin?today=2026-03-16").await;
    assert!(
        again.body.contains("value=\"walk to the shops\""),
        "{}",
        again.body
    );
    // The check-up's last step asks them too, and stores them.
    let fresh = App::new();
    let body = format!(
        "step=10&seen=1,2,4,5,6,7,8,9&{}&age=54&symptoms.loc_thigh=none&symptoms.loc_below_knee=none&peg.1=3&peg.2=3&peg.3=3&psfs.activity.1=gardening&psfs.score.1=6",
        all_no("")
    );
    let r = fresh.post_form("/checkup", &body).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let result = fresh.get(&r.location()).await;
    assert!(result.body.contains("(PEG): 3.0/10"), "{}", result.body);
    let bad = fresh
        .post_form("/checkup", &body.replace("peg.3=3", "peg.3=12"))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("0 to 10") && bad.body.contains("name=\"peg.1\""));
}

/// The library: the list, search, an article with its sources, links from the plan and the
/// check-up result, and a 404 for an unknown article.
#[tokio::test]
async fn the_library_pages() {
    let app = App::new().with_checkup().await;
    let list = app.get("/learn").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Questions people ask") && list.body.contains("/learn/flares"));
    let found = app.get("/learn?q=back+belt").await;
    assert!(
        found.body.contains("Articles about \"back belt\""),
        "{}",
        found.body
    );
    let first = found.body.find("/learn/back-belts").unwrap();
    assert!(found.body.find("/learn/footwear").is_none_or(|f| f > first));
    let article = app.get("/learn/stenosis").await;
    assert!(article.body.contains("interval") && article.body.contains("Sources"));
    assert_eq!(app.get("/learn/nope").await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get(&format!("/learn?q={}", "x".repeat(300)))
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    let plan = app.get("/plan").await;
    assert!(
        plan.body.contains("Read more: <a href=\"/learn/pacing\""),
        "{}",
        plan.body
    );
}

/// A multipart upload as a browser sends it.
fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----amble-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, file, data) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file {
            Some(f) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

impl App {
    async fn upload(&self, parts: &[(&str, Option<&str>, &[u8])]) -> Resp {
        let (ct, body) = multipart(parts);
        self.send(
            "POST",
            "/gait",
            &[("content-type", &ct), ("origin", "http://127.0.0.1:8080")],
            body,
        )
        .await
    }
}

const LAB_TRIAL: &[u8] = include_bytes!("../../amble-gait/tests/data/HA_001_Test11_Trial1_imu.csv");

/// The gait page: a recording is read, shown, stored on the chosen walk, and then appears on
/// the walk, in the journal and on the progress page; bad files are named on the form.
#[tokio::test]
async fn a_gait_recording_is_shown_and_stored_on_a_walk() {
    let app = App::new().with_checkup().await;
    app.post_json(
        "/api/v1/walks",
        r#"{"minutes": 20, "pain_before": 1, "pain_peak": 2}"#,
    )
    .await;
    let form = app.get("/gait").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("enctype=\"multipart/form-data\""));
    assert!(
        form.body.contains("<option value=\"w-1\""),
        "the walk is offered"
    );
    // Just show.
    let r = app
        .upload(&[
            ("file", Some("walk.csv"), LAB_TRIAL),
            ("height_cm", None, b"159"),
            ("walk", None, b""),
        ])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("steps a minute"), "{}", r.body);
    assert!(r.body.contains("not a diagnosis"));
    assert!(!r.body.contains("Stored on your walk"));
    assert!(app.journal().await["entries"][1].get("gait").is_none());
    // Store on the walk.
    let r = app
        .upload(&[
            ("file", Some("walk.csv"), LAB_TRIAL),
            ("height_cm", None, b"159"),
            ("walk", None, b"w-1"),
        ])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Stored on your walk of"), "{}", r.body);
    let j = app.journal().await;
    let walk = j["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "w-1")
        .unwrap()
        .clone();
    assert_eq!(walk["gait"]["file"], "walk.csv");
    let page = app.get("/journal/w-1/gait").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Gait on your walk of"));
    assert!(app.get("/journal").await.body.contains("/journal/w-1/gait"));
    let progress = app.get("/progress").await;
    assert!(
        progress.body.contains("id=\"gait-weeks-t\""),
        "{}",
        progress.body
    );
    assert!(progress.body.contains("<caption>Gait each week</caption>"));
    let report = app.get("/report").await;
    assert!(
        report.body.contains("Gait from body-worn recordings")
            && report.body.contains("1 walk with a gait recording"),
        "{}",
        report.body
    );
    let pdf = app.get("/report.pdf").await;
    assert_eq!(pdf.status, StatusCode::OK);
    // Bad input: each named on the form, nothing stored.
    let before = app.journal().await;
    for (parts, field, words) in [
        (
            vec![
                ("file", Some("x.csv"), &b"name,age\nAnn,3\n"[..]),
                ("height_cm", None, b"159"),
            ],
            "file-error",
            "not a recording Amble reads",
        ),
        (
            vec![
                ("file", Some("x.csv"), LAB_TRIAL),
                ("height_cm", None, b"12"),
            ],
            "height_cm-error",
            "100 to 230",
        ),
        (
            vec![("height_cm", None, &b"159"[..])],
            "file-error",
            "choose a recording",
        ),
        (
            vec![
                ("file", Some("x.csv"), LAB_TRIAL),
                ("height_cm", None, b"159"),
                ("walk", None, b"a-1"),
            ],
            "walk-error",
            "choose one of your walks",
        ),
    ] {
        let r = app.upload(&parts).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(
            r.body.contains(field) && r.body.contains(words),
            "{words}: {}",
            r.body
        );
    }
    assert_eq!(app.journal().await, before);
    // Another site cannot post a recording.
    let (ct, body) = multipart(&[
        ("file", Some("walk.csv"), LAB_TRIAL),
        ("height_cm", None, b"159"),
    ]);
    let r = app
        .send(
            "POST",
            "/gait",
            &[("content-type", &ct), ("origin", "https://evil.example")],
            body,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(app.get("/journal/w-9/gait").await.status == StatusCode::NOT_FOUND);
}

/// Uploads are bounded: a body over the limit is refused without being read whole.
#[tokio::test]
async fn an_oversized_recording_is_refused() {
    let app = App::new().with_checkup().await;
    let big = vec![b'1'; amble_web::GAIT_UPLOAD_LIMIT + 1024];
    let r = app
        .upload(&[
            ("file", Some("huge.csv"), &big),
            ("height_cm", None, b"159"),
        ])
        .await;
    assert!(
        r.status == StatusCode::PAYLOAD_TOO_LARGE || r.status == StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        r.status
    );
    assert!(r.status != StatusCode::OK);
}

/// A minor fall, lift or knock is asked from 65 (or with thin bones or steroids), with what
/// changed before the pain started, and nowhere else; stress leaking is asked in pregnancy or
/// after childbirth, apart from the bladder warning sign.
#[tokio::test]
async fn the_minor_fall_and_stress_leaking_are_asked_only_where_they_apply() {
    let app = App::new();
    let flags = all_no("").replace("&red_flags.minor_trauma=no", "");
    let step8 = |extra: &str| {
        format!(
            "step=7&seen=1,2,4,5,6,7&{flags}&symptoms.loc_back=yes&symptoms.loc_thigh=none&symptoms.loc_below_knee=none&{extra}"
        )
    };
    let older = app.post_form("/checkup", &step8("age=82")).await;
    assert_eq!(older.status, StatusCode::OK);
    assert!(
        older.body.contains("name=\"red_flags.minor_trauma\""),
        "{}",
        older.body
    );
    let thin = app
        .post_form("/checkup", &step8("age=50&context.osteoporosis=yes"))
        .await;
    assert!(thin.body.contains("name=\"red_flags.minor_trauma\""));
    let steroids = app
        .post_form("/checkup", &step8("age=50&context.long_term_steroids=yes"))
        .await;
    assert!(steroids.body.contains("name=\"red_flags.minor_trauma\""));
    let younger = app.post_form("/checkup", &step8("age=50")).await;
    assert_eq!(younger.status, StatusCode::OK);
    assert!(!younger.body.contains("name=\"red_flags.minor_trauma\""));
    assert!(
        younger
            .body
            .contains("name=\"symptoms.recent_load_increase_pct\""),
        "the same step, without the question"
    );

    let pregnant = app
        .post_form(
            "/checkup",
            &format!("step=2&seen=1,2&{}&age=31&context.pregnant=yes", all_no("")),
        )
        .await;
    assert!(pregnant.body.contains("name=\"symptoms.stress_leaking\""));
    let not_pregnant = app
        .post_form(
            "/checkup",
            &format!("step=2&seen=1,2&{}&age=31&context.pregnant=no", all_no("")),
        )
        .await;
    assert!(
        !not_pregnant
            .body
            .contains("name=\"symptoms.stress_leaking\"")
    );
}

#[tokio::test]
async fn today_on_a_paused_plan_says_why_before_the_walk() {
    let app = App::new();
    // The benign example without its answer to the first warning sign: unanswered pauses.
    let mut answers: serde_json::Value = serde_json::from_str(BENIGN).unwrap();
    answers["red_flags"]
        .as_object_mut()
        .unwrap()
        .remove("saddle_numbness");
    let stored = app
        .post_json("/api/v1/assessments?today=2026-03-02", &answers.to_string())
        .await;
    assert_eq!(stored.status, StatusCode::CREATED, "{}", stored.body);
    let page = app.get("/today?today=2026-03-03").await;
    assert_eq!(page.status, StatusCode::OK);
    let why = page
        .body
        .find("Your plan is paused")
        .expect("the paused card");
    let walk = page.body.find("id=\"walk-today\"").expect("the walk card");
    assert!(why < walk, "the reason comes first");
    assert!(page.body.contains("emergency department now"));
    let api = app.get("/api/v1/today?today=2026-03-03").await;
    if api.status == StatusCode::OK {
        assert!(api.json()["paused"].as_str().is_some());
    }
}

/// The edit form never puts a second morning on a date: moving a morning onto a date that has
/// one is refused with the words of `log morning` (naming the entry there), and nothing changes.
#[tokio::test]
async fn an_edited_morning_is_not_moved_onto_a_date_that_has_one() {
    let app = App::new().with_checkup().await;
    for body in [
        r#"{"date": "2026-03-01", "pain": 3}"#,
        r#"{"date": "2026-03-02", "pain": 4}"#,
    ] {
        let r = app
            .post_json("/api/v1/mornings?today=2026-03-03", body)
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let before = mornings(&app).await;
    let (first, second) = (before[0].0.clone(), before[1].0.clone());
    let path = format!("/journal/{second}/edit?today=2026-03-03");
    let rev = revision_in(&app.get(&path).await.body, "revision");
    let r = app
        .post_form(&path, &format!("revision={rev}&date=2026-03-01&pain=4"))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body.contains(&format!(
            "back pain 3/10 is already logged for 2026-03-01 ({first}); one morning score is kept per date"
        )),
        "{}",
        r.body
    );
    assert_eq!(mornings(&app).await, before);
    // A new score on its own date is still a correction.
    let r = app
        .post_form(&path, &format!("revision={rev}&date=2026-03-02&pain=6"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        mornings(&app).await,
        [
            (first, "2026-03-01".into(), 3),
            (second, "2026-03-02".into(), 6)
        ]
    );
}
