//! Maintenance that listens (docs/plan-rules.md, "Maintenance"), through the real binary: a
//! journal walked at the target reaches maintenance, and the words carry the minutes walked;
//! a monthly check-in answering "has back pain limited what you do?" with yes switches to the
//! flare plan at once in `amble checkin`, `amble plan` and `amble today`.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

mod common;

use common::*;
use jiff::ToSpan;
use jiff::civil::{Date, date};
use serde_json::{Value, json};

const START: Date = date(2026, 1, 5);

fn day(n: i64) -> String {
    START.saturating_add(n.days()).to_string()
}

fn checkup() -> Value {
    let path = manifest_dir().join("tests/contract-examples/benign-ache-after-30-min.json");
    let mut a: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    // Already walks 40 minutes on 5 days with little pain: the plan starts at the target.
    a["walking"] = json!({"usual_minutes": 40, "walks_per_week": 5, "pain_free_minutes": 40});
    a["pain"]["walk_peak"] = json!(2);
    a
}

/// Walks week `w` (1-based) as planned, each walk easy and followed by a calm morning.
fn walk_week(j: &Journal, w: i64) {
    let first = day((w - 1) * 7);
    let plan = j.ok(&first, &["plan", "--json"]).json();
    let walking = &plan["walking"];
    let days = walking["sessions_per_week"].as_i64().unwrap();
    let minutes =
        walking["bout_minutes"].as_i64().unwrap() * walking["bouts_per_session"].as_i64().unwrap();
    for k in 0..days {
        let d = day((w - 1) * 7 + k);
        let next = day((w - 1) * 7 + k + 1);
        j.ok(
            &d,
            &[
                "log",
                "walk",
                "--date",
                &d,
                "--minutes",
                &minutes.to_string(),
                "--pain-before",
                "1",
                "--pain-peak",
                "2",
            ],
        );
        j.ok(&next, &["log", "morning", "--date", &next, "--pain", "1"]);
    }
}

#[test]
fn a_checkin_yes_in_maintenance_shows_the_flare_plan_in_plan_and_today() {
    let j = Journal::new();
    let answers = write(j.path(), "checkup.json", &checkup().to_string());
    j.ok(&day(0), &["assess", "--answers", answers.to_str().unwrap()]);
    let mut w = 1;
    let plan = loop {
        let plan = j.ok(&day((w - 1) * 7), &["plan", "--json"]).json();
        if plan["status"] == "maintenance" || w > 8 {
            break plan;
        }
        walk_week(&j, w);
        w += 1;
    };
    assert_eq!(plan["status"], "maintenance", "{plan}");
    let words = plan["decision"]["because"].to_string();
    assert!(
        words.contains("you walked 150, 150, 150 and 150 minutes, on 5 days each week"),
        "{words}"
    );
    let text = j.ok(&day((w - 1) * 7), &["plan"]).stdout;
    assert!(text.contains("150, 150, 150 and 150 minutes"), "{text}");
    assert!(
        text.contains(&format!(
            "Your plan has been in maintenance since week {w}: in weeks"
        )),
        "{text}"
    );

    // Two days into the week, a walk and the monthly check-in: back pain has limited activity.
    let d = day((w - 1) * 7 + 1);
    j.ok(
        &d,
        &[
            "log",
            "walk",
            "--date",
            &d,
            "--minutes",
            "30",
            "--pain-before",
            "2",
            "--pain-peak",
            "3",
        ],
    );
    let checkin = json!({
        "red_flags": checkup()["red_flags"],
        "change": "worse",
        "pain": {"now": 3},
        "activity_limited": true,
    });
    let f = write(j.path(), "checkin.json", &checkin.to_string());
    let out = j
        .ok(&d, &["checkin", "--answers", f.to_str().unwrap()])
        .stdout;
    assert!(out.contains("YOUR PLAN CHANGES"), "{out}");
    assert!(out.contains("back pain has limited what you do"), "{out}");
    assert!(
        out.contains("leaves maintenance for the flare plan"),
        "{out}"
    );
    assert!(!out.contains("Your plan is in maintenance"), "{out}");

    let plan = j.ok(&d, &["plan", "--json"]).json();
    assert_eq!(plan["status"], "active", "{plan}");
    assert_eq!(plan["decision"]["kind"], "flare", "{plan}");
    assert_eq!(plan["walking"]["mode"], "gentle", "{plan}");
    let because = plan["decision"]["because"].to_string();
    assert!(because.contains("limited what you do"), "{because}");
    assert!(because.contains("contact your doctor"), "{because}");
    let text = j.ok(&d, &["plan"]).stdout;
    assert!(text.contains("limited what you do"), "{text}");
    let today = j.ok(&d, &["today"]).stdout;
    assert!(
        today.contains("flare week") && today.contains("contact your doctor"),
        "{today}"
    );
    let today = j.ok(&day((w - 1) * 7 + 2), &["today", "--json"]).json();
    assert_eq!(today["walking"]["mode"], "gentle", "{today}");

    // The week's review keeps the flare plan.
    let next = j.ok(&day(w * 7), &["plan", "--json"]).json();
    assert_eq!(next["decision"]["kind"], "flare", "{next}");
    assert_eq!(next["status"], "active");
}
