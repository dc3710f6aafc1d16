//! A flare answered within days (docs/plan-rules.md), through the real binary: two red walks in
//! a week switch the rest of it to gentle walking with the flare advice at once, in `amble
//! plan` and `amble today`; the weekly review then decides as usual.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

mod common;

use common::*;

fn walk(j: &Journal, date: &str, before: &str, peak: &str) {
    j.ok(
        date,
        &[
            "log",
            "walk",
            "--date",
            date,
            "--minutes",
            "12",
            "--pain-before",
            before,
            "--pain-peak",
            peak,
        ],
    );
}

#[test]
fn two_red_walks_switch_the_week_to_the_flare_plan_at_once() {
    let j = Journal::new();
    let answers = manifest_dir().join("tests/contract-examples/benign-ache-after-30-min.json");
    j.ok(
        "2026-01-05",
        &["assess", "--answers", &answers.to_string_lossy()],
    );
    for d in ["2026-01-05", "2026-01-07", "2026-01-09"] {
        walk(&j, d, "1", "2");
    }
    let before = j.ok("2026-01-13", &["plan", "--json"]).json();
    assert_eq!(before["week"], 2);
    assert_ne!(before["decision"]["kind"], "flare");

    walk(&j, "2026-01-12", "2", "7");
    walk(&j, "2026-01-13", "2", "7");
    let plan = j.ok("2026-01-13", &["plan", "--json"]).json();
    assert_eq!(plan["week"], 2);
    assert_eq!(plan["decision"]["kind"], "flare", "{plan}");
    assert_eq!(plan["walking"]["mode"], "gentle", "{plan}");
    assert!(
        plan["walking"]["weekly_minutes"].as_u64().unwrap()
            <= before["walking"]["weekly_minutes"].as_u64().unwrap()
    );
    let because = plan["decision"]["because"].to_string();
    assert!(
        because.contains("switches to gentle walking now"),
        "{because}"
    );
    assert!(because.contains("contact your doctor"), "{because}");
    // Same journal and date: byte-identical plan.
    assert_eq!(
        j.ok("2026-01-13", &["plan", "--json"]).stdout,
        j.ok("2026-01-13", &["plan", "--json"]).stdout
    );
    let text = j.ok("2026-01-13", &["plan"]).stdout;
    assert!(text.contains("Flare: keep moving gently"), "{text}");
    let today = j.ok("2026-01-14", &["today"]).stdout;
    assert!(
        today.contains("flare week") && today.contains("contact your doctor"),
        "{today}"
    );
    let json = j.ok("2026-01-14", &["today", "--json"]).json();
    assert_eq!(json["easier_today"], false);
    assert_eq!(json["walking"]["mode"], "gentle");

    // The week's review decides as usual: two red walks step back.
    let next = j.ok("2026-01-19", &["plan", "--json"]).json();
    assert_eq!(next["week"], 3);
    assert_eq!(next["decision"]["kind"], "regress", "{next}");
}
