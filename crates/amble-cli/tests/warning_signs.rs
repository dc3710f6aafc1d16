//! Warning-sign personas through the real binary: besides the tier and flags that `assess.rs`
//! checks for every vignette, the keys below in `vignettes/expected.toml` hold the plan status
//! (`plan_status` of the assessment, `plan` of `amble plan`), exercises left out and why
//! (`excluded_for`, `exercises_lack`), and the words the person reads: what the check-up and the
//! plan must say (`says`, `plan_says`) and must never say beside it (`never_says`,
//! `plan_never_says`), so no text contradicts the tier.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

mod common;

use common::*;
use serde_json::Value;

fn expected() -> toml::Table {
    let text =
        std::fs::read_to_string(vignette_dir().join("expected.toml")).expect("expected.toml");
    toml::from_str(&text).expect("expected.toml parses")
}

fn strings(want: &toml::Table, key: &str) -> Vec<String> {
    want.get(key)
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

fn ok(args: &[&str]) -> Run {
    let r = run(args);
    assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    r
}

const KEYS: &[&str] = &[
    "plan_status",
    "plan",
    "excluded_for",
    "exercises_lack",
    "says",
    "never_says",
    "plan_says",
    "plan_never_says",
];

#[test]
fn personas_hold_their_plan_exercises_and_words() {
    let mut checked = 0;
    for (name, want) in expected() {
        let Some(want) = want.as_table() else {
            continue;
        };
        if !KEYS.iter().any(|k| want.contains_key(*k)) {
            continue;
        }
        checked += 1;
        let path = vignette_dir().join(format!("{name}.json"));
        let p = path.to_str().expect("utf-8 path");
        let assessment = ok(&["assess", "--answers", p, "--json"]).json();
        if let Some(s) = want.get("plan_status").and_then(|v| v.as_str()) {
            assert_eq!(assessment["plan_status"], s, "{name}: plan_status");
        }
        let plan = ok(&["plan", "--answers", p, "--json"]).json();
        check_plan_contract(&plan);
        if let Some(s) = want.get("plan").and_then(|v| v.as_str()) {
            assert_eq!(plan["status"], s, "{name}: plan status");
        }
        let listed = |key: &str| -> Vec<(String, String)> {
            plan[key]
                .as_array()
                .into_iter()
                .flatten()
                .map(|x| {
                    (
                        x["id"].as_str().unwrap_or_default().to_string(),
                        x["because"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        };
        let excluded = listed("excluded");
        let exercises = listed("exercises");
        if let Some(t) = want.get("excluded_for").and_then(|v| v.as_table()) {
            for (because, ids) in t {
                for id in ids
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.as_str())
                {
                    assert!(
                        excluded.iter().any(|(x, b)| x == id && b == because),
                        "{name}: {id} left out because of {because}: {excluded:?}"
                    );
                    assert!(
                        !exercises.iter().any(|(x, _)| x == id),
                        "{name}: {id} is not in the plan"
                    );
                }
            }
        }
        for id in strings(want, "exercises_lack") {
            assert!(
                !exercises.iter().any(|(x, _)| *x == id),
                "{name}: {id} is not in the plan: {exercises:?}"
            );
        }
        // Words are matched across the text's line breaks.
        let flat = |t: String| t.split_whitespace().collect::<Vec<_>>().join(" ");
        let report = flat(ok(&["assess", "--answers", p]).stdout);
        for s in strings(want, "says") {
            assert!(report.contains(&s), "{name}: says {s:?}:\n{report}");
        }
        for s in strings(want, "never_says") {
            assert!(!report.contains(&s), "{name}: never says {s:?}:\n{report}");
        }
        let plan_text = flat(ok(&["plan", "--answers", p]).stdout);
        for s in strings(want, "plan_says") {
            assert!(
                plan_text.contains(&s),
                "{name}: plan says {s:?}:\n{plan_text}"
            );
        }
        for s in strings(want, "plan_never_says") {
            assert!(
                !plan_text.contains(&s),
                "{name}: plan never says {s:?}:\n{plan_text}"
            );
        }
        // Care first: nothing to walk or exercise; otherwise never a blank plan.
        if assessment["plan_status"] == "blocked" {
            assert!(plan["walking"].is_null(), "{name}: no walking when blocked");
            assert_eq!(plan["exercises"], Value::Array(Vec::new()), "{name}");
        }
    }
    assert!(checked >= 15, "persona expectations found: {checked}");
}
