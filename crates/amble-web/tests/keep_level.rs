//! A new check-up keeps your level (docs/plan-rules.md), over HTTP: the web check-up's last
//! step offers "keep my level" (preselected) or "start again", and `POST /api/v1/assessments`
//! takes `keep_level` (default true).

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

mod journal_app;

use amble_core::knowledge::KnowledgeBase;
use axum::http::StatusCode;
use journal_app::{App, Resp};
use serde_json::{Value, json};

const BENIGN: &str =
    include_str!("../../amble-cli/tests/contract-examples/benign-ache-after-30-min.json");

impl App {
    async fn plan(&self, day: i64) -> Value {
        let r = self.get(&format!("/api/v1/plan?today={}", date(day))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.json()
    }

    async fn last_checkup(&self) -> Value {
        let journal = self.get("/api/v1/journal").await.json();
        journal["entries"]
            .as_array()
            .unwrap()
            .iter()
            .rfind(|e| e["kind"] == "assessment")
            .unwrap()
            .clone()
    }

    /// A check-up on 2026-01-05, then six weeks with every planned walk walked and green.
    async fn six_good_weeks(self) -> App {
        let r = self
            .post_json(&format!("/api/v1/assessments?today={}", date(0)), BENIGN)
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        for week in 0..6 {
            let w = self.plan(7 * week).await["walking"].clone();
            let bouts = w["bouts_per_session"].as_u64().unwrap();
            for k in 0..w["sessions_per_week"].as_i64().unwrap() {
                let d = date(7 * week + k);
                let walk = json!({
                    "date": d, "minutes": bouts * w["bout_minutes"].as_u64().unwrap(),
                    "bouts": bouts, "pain_before": 1, "pain_peak": 2
                });
                let r = self
                    .post_json(&format!("/api/v1/walks?today={d}"), &walk.to_string())
                    .await;
                assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
            }
        }
        self
    }
}

fn date(n: i64) -> String {
    use jiff::ToSpan;
    jiff::civil::date(2026, 1, 5)
        .saturating_add(n.days())
        .to_string()
}

fn with_keep(keep: Value) -> String {
    let mut v: Value = serde_json::from_str(BENIGN).unwrap();
    v["keep_level"] = keep;
    v.to_string()
}

#[tokio::test]
async fn the_api_keeps_the_level_by_default_and_starts_again_on_request() {
    let app = App::new().six_good_weeks().await;
    let fresh = app.plan(0).await["walking"].clone();
    let before = app.plan(42).await;
    assert_eq!(before["week"], 7);
    let level = before["walking"]["weekly_minutes"].as_u64().unwrap();
    assert!(level > fresh["weekly_minutes"].as_u64().unwrap());

    // A wrong value changes nothing.
    let uri = format!("/api/v1/assessments?today={}", date(42));
    let bad = app.post_json(&uri, &with_keep(json!("yes"))).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json()["field"], "keep_level");
    assert_eq!(app.plan(42).await, before);
    // So does a section that is not an object (a list would fill its fields in order).
    let mut listed: Value = serde_json::from_str(BENIGN).unwrap();
    listed["instruments"] = json!([null, null]);
    let bad = app.post_json(&uri, &listed.to_string()).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert_eq!(bad.json()["field"], "instruments");
    assert_eq!(app.plan(42).await, before);

    let r = app.post_json(&uri, BENIGN).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["schema"], "amble.assessment/1");
    assert_eq!(app.last_checkup().await["keep_level"], true);
    let kept = app.plan(42).await;
    assert_eq!(kept["week"], 1);
    assert!(kept["walking"]["weekly_minutes"].as_u64().unwrap() >= level);
    let because = kept["decision"]["because"][0].as_str().unwrap();
    assert!(because.contains("carries on from week 7"), "{kept}");

    let r = app.post_json(&uri, &with_keep(json!(false))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert!(app.last_checkup().await.get("keep_level").is_none());
    let again = app.plan(42).await;
    assert_eq!(again["walking"], fresh, "{again}");
    assert_eq!(again["decision"]["kind"], "start");
}

/// Walks the web check-up from step 1 to the end with the same answers, following the steps
/// the pages name. Returns the last step's page and the answers posted.
async fn to_last_step(app: &App, today: &str) -> (Resp, String) {
    let kb = KnowledgeBase::embedded().unwrap();
    let base: String = kb
        .questions
        .iter()
        .filter(|q| q.is_red_flag())
        .map(|q| format!("{}=no&", q.id))
        .collect::<String>()
        + "age=52&symptoms.loc_back=yes&symptoms.loc_thigh=none&symptoms.loc_below_knee=none&walking.usual_minutes=40&walking.walks_per_week=3&walking.pain_free_minutes=30&pain.walk_peak=4";
    let value = |page: &str, name: &str| {
        let at = page
            .find(&format!("name=\"{name}\" value=\""))
            .unwrap_or_else(|| panic!("no {name} in {page}"));
        let rest = &page[at + name.len() + 15..];
        rest[..rest.find('"').unwrap()].to_string()
    };
    let mut body = format!("step=1&seen=1&{base}");
    loop {
        let page = app
            .post_form(&format!("/checkup?today={today}"), &body)
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let step = value(&page.body, "step");
        let seen = value(&page.body, "seen");
        body = format!("step={step}&seen={seen}&{base}");
        if page.body.contains("See my results") {
            return (page, body);
        }
    }
}

#[tokio::test]
async fn the_web_check_up_ends_with_keep_or_start_again() {
    let app = App::new().six_good_weeks().await;
    let before = app.plan(42).await;
    let today = date(42);
    let (last, body) = to_last_step(&app, &today).await;
    assert!(last.body.contains("<h2>Your plan</h2>"), "{}", last.body);
    assert!(
        last.body
            .contains("name=\"plan_choice\" value=\"keep\" checked> Keep my level: week 7"),
        "keep is preselected: {}",
        last.body
    );
    assert!(
        last.body
            .contains("name=\"plan_choice\" value=\"start_again\"> Start again from week 1")
    );
    assert!(
        !last.body.contains("name=\"plan_choice\" value=\"unsure\""),
        "no 'not sure' for this choice"
    );

    // A tampered choice stores nothing.
    let r = app
        .post_form(
            &format!("/checkup?today={today}"),
            &format!("{body}&plan_choice=maybe"),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.plan(42).await, before);

    // Keep (as preselected): the result page and the plan say so.
    let r = app
        .post_form(
            &format!("/checkup?today={today}"),
            &format!("{body}&plan_choice=keep"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = app.last_checkup().await["id"].as_str().unwrap().to_string();
    assert_eq!(app.last_checkup().await["keep_level"], true);
    let result = app.get(&format!("/checkup/{id}?today={today}")).await;
    assert!(
        result
            .body
            .contains("<p id=\"plan-level\">Your plan keeps week 7:"),
        "{}",
        result.body
    );
    let page = app.get(&format!("/plan?today={today}")).await;
    assert!(
        page.body.contains("chose to keep your level"),
        "{}",
        page.body
    );

    // Start again.
    let r = app
        .post_form(
            &format!("/checkup?today={today}"),
            &format!("{body}&plan_choice=start_again"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let again = app.last_checkup().await;
    assert!(again.get("keep_level").is_none());
    let id = again["id"].as_str().unwrap();
    let result = app.get(&format!("/checkup/{id}?today={today}")).await;
    assert!(
        result
            .body
            .contains("<p id=\"plan-level\">Your plan starts again from week 1:"),
        "{}",
        result.body
    );
}

#[tokio::test]
async fn a_first_web_check_up_offers_no_choice() {
    let app = App::new();
    let (last, _) = to_last_step(&app, &date(0)).await;
    assert!(!last.body.contains("plan_choice"), "{}", last.body);
}
