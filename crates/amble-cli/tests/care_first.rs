//! Red flags always lead, through the real binary: after warning signs found at the first
//! check-up, at a check-in or at a re-screen after a walk with new symptoms (`amble screen`),
//! `amble today`, `amble plan` and `amble plan --json` lead with the tier's care message, name
//! the sign and its day, keep a suspended plan suspended (kind "suspend", its week count kept)
//! and never invite a walk. Tiers x paths, one table.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

mod common;

use common::*;
use serde_json::{Value, json};

fn example(name: &str) -> String {
    manifest_dir()
        .join("tests/contract-examples")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn benign() -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(example("benign-ache-after-30-min.json")).unwrap(),
    )
    .unwrap()
}

/// Every warning sign of the benign person answered no, but `key`.
fn flags_with(key: &str) -> Value {
    let mut f = benign()["red_flags"].clone();
    f[key] = json!(true);
    f
}

/// (tier, sign, the tier's headline as the check-up result shows it)
const TIERS: [(&str, &str, &str); 3] = [
    ("emergency", "saddle_numbness", "Get emergency care now"),
    ("urgent", "progressive_weakness", "Contact a doctor today"),
    (
        "soon",
        "constant_night_pain",
        "Book a doctor's appointment in the next few days",
    ),
];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Path {
    Checkup,
    Checkin,
    RescreenAfterWalk,
}

/// A plan in its second week (check-up 2026-11-02, three walks), then the sign on 2026-11-09;
/// or the sign at the check-up itself. Returns the journal and the day the sign was answered.
fn journey(path: Path, tier: &str, key: &str) -> (Journal, &'static str) {
    let j = Journal::new();
    if path == Path::Checkup {
        let file = if tier == "emergency" {
            // The shared example of the issue.
            example("red-flag-saddle-numbness.json")
        } else {
            let mut a = benign();
            a["red_flags"] = flags_with(key);
            write(j.path(), "answers.json", &a.to_string())
                .to_string_lossy()
                .into_owned()
        };
        j.ok("2026-11-02", &["assess", "--answers", &file]);
        return (j, "2026-11-02");
    }
    let benign = write(j.path(), "benign.json", &benign().to_string());
    j.ok(
        "2026-11-02",
        &["assess", "--answers", benign.to_str().unwrap()],
    );
    for d in ["2026-11-03", "2026-11-05", "2026-11-07"] {
        j.ok(
            d,
            &[
                "log",
                "walk",
                "--minutes",
                "15",
                "--pain-before",
                "2",
                "--pain-peak",
                "3",
                "--leg-spread",
                "none",
            ],
        );
    }
    match path {
        Path::Checkin => {
            let doc = json!({"red_flags": flags_with(key), "change": "worse", "pain": {"now": 5}});
            let f = write(j.path(), "checkin.json", &doc.to_string());
            j.ok("2026-11-09", &["checkin", "--answers", f.to_str().unwrap()]);
        }
        _ => {
            j.ok(
                "2026-11-09",
                &[
                    "log",
                    "walk",
                    "--minutes",
                    "9",
                    "--pain-before",
                    "2",
                    "--pain-peak",
                    "3",
                    "--leg-spread",
                    "none",
                    "--new-symptoms",
                ],
            );
            let f = write(
                j.path(),
                "screen.json",
                &json!({"red_flags": {key: true}}).to_string(),
            );
            j.ok("2026-11-09", &["screen", "--answers", f.to_str().unwrap()]);
        }
    }
    (j, "2026-11-09")
}

#[test]
fn today_and_plan_lead_with_the_care_message_for_every_tier_and_path() {
    let mut failures = Vec::new();
    for (tier, key, headline) in TIERS {
        for path in [Path::Checkup, Path::Checkin, Path::RescreenAfterWalk] {
            // A check-up at "soon" starts a paused plan (gentle walking), as before.
            if tier == "soon" && path == Path::Checkup {
                continue;
            }
            let (j, answered) = journey(path, tier, key);
            let today = if path == Path::Checkup {
                "2026-11-03"
            } else {
                "2026-11-10"
            };
            let mut check = |ok: bool, what: &str, shown: &str| {
                if !ok {
                    failures.push(format!("{tier} x {path:?}: {what}\n{shown}"));
                }
            };
            let plan = j.ok(today, &["plan", "--json"]).json();
            check_plan_contract(&plan);
            let shown = plan.to_string();
            check(plan["status"] == "blocked", "status blocked", &shown);
            let (kind, week) = if path == Path::Checkup {
                ("start", 1)
            } else {
                ("suspend", 2)
            };
            check(plan["decision"]["kind"] == kind, "decision kind", &shown);
            check(plan["week"] == week, "the plan's week", &shown);
            let because = plan["decision"]["because"].as_array().unwrap();
            check(
                because[0].as_str().unwrap().starts_with(headline),
                "leads with the care message",
                &shown,
            );
            check(
                shown.contains(&format!("On {answered} your ")),
                "names the day the sign was answered",
                &shown,
            );
            check(
                !shown.contains("need a clinician first"),
                "no generic words",
                &shown,
            );
            if tier != "emergency" {
                check(
                    !shown.contains("emergency department"),
                    "one urgency per output",
                    &shown,
                );
            }
            let t = j.ok(today, &["today"]).stdout;
            let first = t.lines().nth(2).unwrap_or_default();
            check(first.starts_with(headline), "today leads with it", &t);
            check(!t.contains("amble log walk"), "no invitation to walk", &t);
            check(
                t.contains("amble assess"),
                "the way back: a new check-up",
                &t,
            );
            let p = j.ok(today, &["plan"]).stdout;
            check(p.contains(headline), "the text plan says it", &p);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The review's reproduction: saddle numbness at the re-screen after a new-symptoms walk, then a
/// clean re-screen the next day does not lift it; a new check-up does.
#[test]
fn an_emergency_at_the_rescreen_holds_until_a_new_checkup() {
    let (j, _) = journey(Path::RescreenAfterWalk, "emergency", "saddle_numbness");
    let clean = write(
        j.path(),
        "clean.json",
        &json!({"red_flags": benign()["red_flags"]}).to_string(),
    );
    j.ok(
        "2026-11-10",
        &[
            "screen",
            "--answers",
            clean.to_str().unwrap(),
            "--settled",
            "yes",
        ],
    );
    let plan = j.ok("2026-11-17", &["plan", "--json"]).json();
    assert_eq!(plan["decision"]["kind"], "suspend", "{plan}");
    assert_eq!(plan["week"], 3, "{plan}");
    assert!(
        plan["decision"]["because"][0]
            .as_str()
            .unwrap()
            .starts_with("Get emergency care now"),
        "{plan}"
    );
    let benign = write(j.path(), "again.json", &benign().to_string());
    j.ok(
        "2026-11-18",
        &["assess", "--answers", benign.to_str().unwrap()],
    );
    let plan = j.ok("2026-11-18", &["plan", "--json"]).json();
    assert_eq!(plan["status"], "active", "{plan}");
}
