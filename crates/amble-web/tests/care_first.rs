//! Red flags always lead, on the web: after warning signs at the first check-up, at a check-in
//! or at the re-screen after a walk with new symptoms (POST /screen), /today, /walk, /plan,
//! GET /api/v1/plan and /api/v1/today lead with the tier's care message and name the sign with
//! its day; a suspended plan stays suspended (its week count kept); no page offers a walk or
//! exercises while it lasts. Tiers x paths, one table. Runs on SQLite, or on PostgreSQL with
//! `AMBLE_TEST_ENGINE=postgres` and `AMBLE_TEST_DATABASE_URL`.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

mod journal_app;

use amble_core::knowledge::KnowledgeBase;
use axum::http::StatusCode;
use journal_app::App;
use serde_json::Value;

const BENIGN: &str =
    include_str!("../../amble-cli/tests/contract-examples/benign-ache-after-30-min.json");

/// Every warning-sign question answered no in a form, but `key` (yes).
fn form_with(key: &str) -> String {
    let kb = KnowledgeBase::embedded().unwrap();
    kb.questions
        .iter()
        .filter(|q| q.is_red_flag())
        .map(|q| {
            let yes = q.id == format!("red_flags.{key}");
            format!("{}={}", q.id, if yes { "yes" } else { "no" })
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// (sign, the tier's headline as the check-up result shows it)
const TIERS: [(&str, &str); 3] = [
    ("saddle_numbness", "Get emergency care now"),
    ("progressive_weakness", "Contact a doctor today"),
    (
        "constant_night_pain",
        "Book a doctor&#39;s appointment in the next few days",
    ),
];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Path {
    Checkup,
    Checkin,
    RescreenAfterWalk,
}

/// A plan in its second week (check-up 2026-03-02, three walks), then the sign on
/// 2026-03-09; or the sign at the check-up itself. Returns the day to look on.
async fn journey(app: &App, path: Path, key: &str) -> &'static str {
    let mut answers: Value = serde_json::from_str(BENIGN).unwrap();
    if path == Path::Checkup {
        answers["red_flags"][key] = true.into();
        let r = app
            .post_json("/api/v1/assessments", &answers.to_string())
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        return "2026-03-03";
    }
    let r = app
        .post_json("/api/v1/assessments", &answers.to_string())
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    for d in ["2026-03-03", "2026-03-05", "2026-03-07"] {
        let r = app
            .post_form(
                &format!("/log/walk?today={d}"),
                &format!("date={d}&minutes=15&pain_before=2&pain_peak=3&leg_spread=none"),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    if path == Path::Checkin {
        let r = app
            .post_form(
                "/checkin?today=2026-03-09",
                &format!("{}&change=worse", form_with(key)),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    } else {
        let r = app
            .post_form(
                "/log/walk?today=2026-03-09",
                "date=2026-03-09&minutes=9&pain_before=2&pain_peak=3&leg_spread=none&new_symptoms=on",
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = app
            .post_form(
                "/screen?today=2026-03-09",
                &format!("{}&settled=no", form_with(key)),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    "2026-03-10"
}

#[tokio::test]
async fn every_page_leads_with_the_care_message_for_every_tier_and_path() {
    let mut failures = Vec::new();
    for (key, headline) in TIERS {
        for path in [Path::Checkup, Path::Checkin, Path::RescreenAfterWalk] {
            // A check-up at "soon" starts a paused plan (gentle walking), as before.
            if key == "constant_night_pain" && path == Path::Checkup {
                continue;
            }
            let app = App::new();
            let day = journey(&app, path, key).await;
            let mut check = |ok: bool, what: &str, shown: &str| {
                if !ok {
                    failures.push(format!("{key} x {path:?}: {what}\n{shown}"));
                }
            };
            let plain = headline.replace("&#39;", "'");
            let plan = app.get(&format!("/api/v1/plan?today={day}")).await.json();
            let shown = plan.to_string();
            check(plan["status"] == "blocked", "status blocked", &shown);
            let (kind, week) = if path == Path::Checkup {
                ("start", 1)
            } else {
                ("suspend", 2)
            };
            check(plan["decision"]["kind"] == kind, "decision kind", &shown);
            check(plan["week"] == week, "the plan's week", &shown);
            check(
                plan["decision"]["because"][0]
                    .as_str()
                    .is_some_and(|b| b.starts_with(&plain)),
                "the API plan leads with the care message",
                &shown,
            );
            let today = app.get(&format!("/api/v1/today?today={day}")).await.json();
            check(
                today["message"]
                    .as_str()
                    .is_some_and(|m| m.starts_with(&plain)),
                "the API today leads with it",
                &today.to_string(),
            );
            for page in ["/today", "/walk", "/plan"] {
                let r = app.get(&format!("{page}?today={day}")).await;
                check(r.status == StatusCode::OK, "the page", &r.body);
                let main = r.body.split("<main").nth(1).unwrap_or(&r.body);
                let at = main.find(headline);
                check(
                    at.is_some(),
                    &format!("{page} names the care message"),
                    main,
                );
                // It leads: the first card of the page says it.
                let first_card = main.find("<section").unwrap_or(usize::MAX);
                let first_end = main.find("</section>").unwrap_or(0);
                check(
                    at.is_some_and(|i| i > first_card && i < first_end),
                    &format!("{page} leads with it"),
                    main,
                );
                check(
                    main.contains("On 2026-03-"),
                    &format!("{page} names the day"),
                    main,
                );
                check(
                    !main.contains("need a clinician first"),
                    &format!("{page}: no generic words"),
                    main,
                );
                if page != "/plan" {
                    check(
                        !main.contains("href=\"/log/walk")
                            && !main.contains("guided-walk")
                            && !main.contains("id=\"walk-start\"")
                            && !main.contains("href=\"/log/exercise"),
                        &format!("{page} offers no walk or exercises"),
                        main,
                    );
                    check(
                        main.contains("href=\"/log/morning"),
                        &format!("{page} keeps this morning's pain"),
                        main,
                    );
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
