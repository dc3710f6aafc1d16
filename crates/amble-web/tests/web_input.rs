//! Input from forms and the API sent twice, sent late, or with characters text may not hold:
//! the check-up's and the check-in's last step carry a one-time reference (a repeat answers
//! with the first result, never a second entry), a morning score queued on the phone never
//! silently replaces one changed after it was queued (docs/web.md), and free text refuses
//! control characters and direction overrides, naming the field and the character
//! (docs/core-rules.md).

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

mod journal_app;

use amble_core::knowledge::KnowledgeBase;
use axum::http::StatusCode;
use journal_app::App;
use serde_json::Value;

const BENIGN: &str =
    include_str!("../../amble-cli/tests/contract-examples/benign-ache-after-30-min.json");

impl App {
    /// The journal's entries as `(kind, date)`.
    async fn kinds(&self) -> Vec<(String, String)> {
        let journal = self.get("/api/v1/journal").await.json();
        journal["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["kind"].as_str().unwrap().to_string(),
                    e["date"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }
}

fn all_no() -> String {
    let kb = KnowledgeBase::embedded().unwrap();
    kb.questions
        .iter()
        .filter(|q| q.is_red_flag())
        .map(|q| format!("{}=no", q.id))
        .collect::<Vec<_>>()
        .join("&")
}

// ---- One check-up per send ----

#[tokio::test]
async fn the_check_ups_last_step_sent_twice_stores_one_check_up() {
    let app = App::new();
    let first = app.get("/checkup").await;
    let once = first.hidden("client_ref").expect("a one-time reference");
    assert_eq!(once.len(), 32, "{once}");
    assert_ne!(
        app.get("/checkup").await.hidden("client_ref"),
        Some(once.clone()),
        "each check-up its own"
    );
    // Carried from step to step.
    let step2 = app
        .post_form(
            "/checkup",
            &format!("step=1&seen=1&client_ref={once}&{}", all_no()),
        )
        .await;
    assert_eq!(step2.status, StatusCode::OK);
    assert_eq!(step2.hidden("client_ref").as_deref(), Some(once.as_str()));

    let last = format!(
        "step=10&seen=1,2,4,5,6,7,8,9&client_ref={once}&{}&age=74&symptoms.loc_buttock=both&symptoms.loc_thigh=both&symptoms.standing_alone_provokes=yes&symptoms.relief_by=sitting&symptoms.sitting_effect=eases&walking.pain_free_minutes=6&pain.usual_morning=2",
        all_no()
    );
    let r = app.post_form("/checkup", &last).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location, "/checkup/a-1");
    // A double tap, or the phone sending again after a slow answer: the first result.
    let again = app.post_form("/checkup", &last).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    assert_eq!(again.location, "/checkup/a-1");
    assert_eq!(
        app.kinds().await,
        vec![("assessment".to_string(), "2026-03-02".to_string())]
    );
    // A new check-up (a new page, a new reference) is stored as a new one.
    let other = app.get("/checkup").await.hidden("client_ref").unwrap();
    let r = app
        .post_form("/checkup", &last.replace(&once, &other))
        .await;
    assert_eq!(r.location, "/checkup/a-2");
    // A first step posted without a reference (not from the page) gets one on the next step.
    let step2 = app
        .post_form("/checkup", &format!("step=1&seen=1&{}", all_no()))
        .await;
    let made = step2
        .hidden("client_ref")
        .expect("a reference from the second step on");
    assert_ne!(made, once);
    // A garbled reference is refused, nothing stored.
    let bad = app
        .post_form("/checkup", &last.replace(&once, &"x".repeat(65)))
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.kinds().await.len(), 2);
}

#[tokio::test]
async fn an_emergency_at_the_first_step_sent_twice_is_stored_once() {
    let app = App::new();
    let once = app.get("/checkup").await.hidden("client_ref").unwrap();
    let body = format!(
        "step=1&seen=1&client_ref={once}&{}",
        all_no().replace(
            "red_flags.saddle_numbness=no",
            "red_flags.saddle_numbness=yes"
        )
    );
    for _ in 0..2 {
        let r = app.post_form("/checkup", &body).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("Get emergency care now"), "{}", r.body);
    }
    assert_eq!(app.kinds().await.len(), 1);
}

#[tokio::test]
async fn the_check_in_sent_twice_stores_one_check_in() {
    let app = App::new();
    let r = app.post_json("/api/v1/assessments", BENIGN).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let form = app.get("/checkin?today=2026-03-09").await;
    let once = form.hidden("client_ref").expect("a one-time reference");
    let body = format!("client_ref={once}&{}&change=better&pain.now=0", all_no());
    let first = app.post_form("/checkin?today=2026-03-09", &body).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let second = app.post_form("/checkin?today=2026-03-09", &body).await;
    assert_eq!(second.status, StatusCode::SEE_OTHER, "{}", second.body);
    assert_eq!(first.location, second.location);
    let checkins = app
        .kinds()
        .await
        .into_iter()
        .filter(|(k, _)| k == "checkin")
        .count();
    assert_eq!(checkins, 1);
}

// ---- A morning score sent later from the offline queue ----

/// The morning kept for `date` as `(id, pain)`, every one of them.
async fn mornings(app: &App, date: &str) -> Vec<(String, u64)> {
    let journal = app.get("/api/v1/journal").await.json();
    journal["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "morning" && e["date"] == date)
        .map(|e| {
            (
                e["id"].as_str().unwrap().to_string(),
                e["pain"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// r5 #4: a score entered on the computer, then the phone's queued form for the same date
/// (made before it, sent hours later) is not applied: 409, both values and a choice.
#[tokio::test]
async fn a_queued_morning_never_replaces_a_score_saved_after_it_was_made() {
    let app = App::new();
    let r = app.post_json("/api/v1/assessments", BENIGN).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    // The phone's form, opened before the computer's score: it saw no score for the date.
    let form = app.get("/log/morning").await;
    assert!(
        form.body.contains("data-kept=\"{}\"")
            && form.body.contains("data-kept-from=\"2025-11-30\""),
        "{}",
        form.body
    );
    let api = app
        .post_json("/api/v1/mornings", r#"{"date":"2026-03-01","pain":4}"#)
        .await;
    assert_eq!(api.status, StatusCode::CREATED, "{}", api.body);
    let id = api.json()["id"].as_str().unwrap().to_string();

    let queued = "date=2026-03-01&pain=7&client_ref=phone-1&seen=none";
    let late = app.post_form("/log/morning", queued).await;
    assert_eq!(late.status, StatusCode::CONFLICT, "{}", late.body);
    assert_eq!(mornings(&app, "2026-03-01").await, vec![(id.clone(), 4)]);
    // The person is told, with both values and the choice.
    assert!(late.body.contains("id=\"conflict\""), "{}", late.body);
    assert!(
        late.body.contains("Kept now: back pain 4/10")
            && late.body.contains("sent later: 7/10")
            && late.body.contains("Replace it with 7/10")
            && late.body.contains("Keep 4/10"),
        "{}",
        late.body
    );
    // Sent again (the queue retrying), still nothing replaced.
    assert_eq!(
        app.post_form("/log/morning", queued).await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(mornings(&app, "2026-03-01").await, vec![(id.clone(), 4)]);
    // A page that listed the date shows the kept score's revision, which the queue sends.
    let form = app.get("/log/morning").await;
    let seen = late.hidden("seen").unwrap();
    assert!(
        form.body.contains(&format!(
            "data-kept=\"{{&#34;2026-03-01&#34;:&#34;{seen}&#34;}}\""
        )),
        "{}",
        form.body
    );
    // An older date than the page listed never replaces either.
    let r = app
        .post_json("/api/v1/mornings", r#"{"date":"2025-10-01","pain":2}"#)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let old = app
        .post_form("/log/morning", "date=2025-10-01&pain=5&seen=unknown")
        .await;
    assert_eq!(old.status, StatusCode::CONFLICT);
    assert_eq!(mornings(&app, "2025-10-01").await[0].1, 2);

    // The person chooses to replace it: the choice carries the version it showed.
    let choice = app
        .post_form(
            "/log/morning",
            &format!("date=2026-03-01&pain=7&client_ref=phone-1&seen={seen}"),
        )
        .await;
    assert_eq!(choice.status, StatusCode::SEE_OTHER, "{}", choice.body);
    assert_eq!(choice.location, format!("/today?saved={id}&replaced=4"));
    assert_eq!(mornings(&app, "2026-03-01").await, vec![(id.clone(), 7)]);
    // A queued score that saw 4 when 7 is kept now: refused, the newer value named.
    let stale = app
        .post_form(
            "/log/morning",
            &format!("date=2026-03-01&pain=2&seen={seen}"),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("Kept now: back pain 7/10"));
    assert_eq!(mornings(&app, "2026-03-01").await, vec![(id.clone(), 7)]);
    // A queued score for a free date is stored; the same score again stores nothing.
    let free = app
        .post_form("/log/morning", "date=2026-02-27&pain=3&seen=none")
        .await;
    assert_eq!(free.status, StatusCode::SEE_OTHER);
    let same = app
        .post_form("/log/morning", "date=2026-03-01&pain=7&seen=none")
        .await;
    assert_eq!(same.status, StatusCode::SEE_OTHER);
    assert_eq!(mornings(&app, "2026-03-01").await, vec![(id.clone(), 7)]);
    // A garbled seen is bad input.
    let bad = app
        .post_form("/log/morning", "date=2026-03-01&pain=1&seen=yesterday")
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Sent at once (no seen): today's documented behaviour, replaced with a note.
    let now = app
        .post_form("/log/morning", "date=2026-03-01&pain=1")
        .await;
    assert_eq!(now.status, StatusCode::SEE_OTHER);
    assert_eq!(now.location, format!("/today?saved={id}&replaced=7"));
    assert_eq!(mornings(&app, "2026-03-01").await, vec![(id, 1)]);
}

// ---- Text without control characters or direction overrides ----

#[tokio::test]
async fn the_api_and_the_forms_refuse_control_and_direction_characters() {
    let app = App::new();
    let r = app.post_json("/api/v1/assessments", BENIGN).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    // The API: the field and the character named (escaped), nothing stored.
    for (body, field, code) in [
        (
            r#"{"date":"2026-03-02","minutes":20,"pain_before":1,"pain_peak":2,"surface":"grass\u202e01/3"}"#,
            "surface",
            "U+202E, a right-to-left override",
        ),
        (
            r#"{"date":"2026-03-02","minutes":20,"pain_before":1,"pain_peak":2,"notes":"ding\u0007"}"#,
            "notes",
            "U+0007, a bell",
        ),
        (
            r#"{"date":"2026-03-02","minutes":20,"pain_before":1,"pain_peak":2,"shoes":"\u2066x\u2069"}"#,
            "shoes",
            "U+2066",
        ),
    ] {
        let r = app.post_json("/api/v1/walks", body).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            r.body
        );
        let v = r.json();
        assert_eq!(v["field"], field, "{}", r.body);
        assert!(v["error"].as_str().unwrap().contains(code), "{}", r.body);
        assert!(!r.body.contains('\u{202E}') && !r.body.contains('\u{7}'));
    }
    // A PSFS activity in a check-up sent to the API.
    let mut answers: Value = serde_json::from_str(BENIGN).unwrap();
    answers["instruments"]["psfs"] = serde_json::json!([{"activity": "walk\u{202E}", "score": 3}]);
    let r = app
        .post_json("/api/v1/assessments", &answers.to_string())
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("U+202E"), "{}", r.body);
    // Notes may span lines, a surface may not (the core's rule, beside the field).
    let ok = app
        .post_json(
            "/api/v1/walks",
            r#"{"date":"2026-03-02","minutes":20,"pain_before":1,"pain_peak":2,"notes":"first lap\nsecond\tlap"}"#,
        )
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
    let two_lines = app
        .post_json(
            "/api/v1/walks",
            r#"{"date":"2026-03-02","minutes":20,"pain_before":1,"pain_peak":2,"surface":"grass\nmud"}"#,
        )
        .await;
    assert_eq!(
        two_lines.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        two_lines.body
    );
    assert!(two_lines.body.contains("U+000A"), "{}", two_lines.body);
    // The web form: refused, nothing stored.
    let form = app
        .post_form(
            "/log/walk",
            "date=2026-03-02&minutes=20&pain_before=1&pain_peak=2&leg_spread=none&shoes=a%E2%80%AEb",
        )
        .await;
    assert_eq!(
        form.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        form.body
    );
    assert!(
        form.body.contains("shoes") && form.body.contains("U+202E"),
        "{}",
        form.body
    );
    let walks = app
        .kinds()
        .await
        .into_iter()
        .filter(|(k, _)| k == "walk")
        .count();
    assert_eq!(walks, 1, "only the walk with clean text");
}
