//! `amble report` against the real binary: the period asked for, exactly (review r3, findings
//! 5 and 6), the earlier weeks after a new check-up (finding 1), and `--json` (finding 16).

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

mod common;

use common::*;
use serde_json::Value;

fn example(name: &str) -> String {
    manifest_dir()
        .join("tests/contract-examples")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// A check-up on 2026-01-05, three walks a week for three weeks, a new check-up on
/// 2026-01-27.
fn journal() -> Journal {
    let j = Journal::new();
    let answers = example("benign-ache-after-30-min.json");
    j.ok("2026-01-05", &["assess", "--answers", &answers]);
    for d in [
        "2026-01-05",
        "2026-01-07",
        "2026-01-09",
        "2026-01-12",
        "2026-01-14",
        "2026-01-16",
        "2026-01-19",
        "2026-01-21",
        "2026-01-23",
    ] {
        j.ok(
            d,
            &[
                "log",
                "walk",
                "--date",
                d,
                "--minutes",
                "20",
                "--pain-before",
                "2",
                "--pain-peak",
                "3",
            ],
        );
    }
    j.ok("2026-01-27", &["assess", "--answers", &answers]);
    j
}

#[test]
fn the_period_is_the_one_asked_for() {
    let j = journal();
    // --json: one JSON document on stdout, the report's data.
    let doc = j.ok("2026-01-28", &["report", "--json"]).json();
    assert_eq!(doc["schema"], "amble.report/1");
    assert_eq!(
        (doc["from"].as_str(), doc["to"].as_str()),
        (Some("2026-01-05"), Some("2026-01-28"))
    );
    // The weeks of the plan before the new check-up stay.
    let weeks: Vec<&str> = doc["weeks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["start"].as_str().unwrap())
        .collect();
    assert_eq!(weeks, ["2026-01-05", "2026-01-12", "2026-01-19"], "{doc}");
    assert_eq!(doc["adherence"]["weeks"], 3);
    assert_eq!(doc["restarts"][0], "2026-01-27");
    assert_eq!(doc["walks"], 9);
    // --from and --to exactly: the table and the adherence count the same weeks.
    let doc = j
        .ok(
            "2026-01-28",
            &[
                "report",
                "--from",
                "2026-01-10",
                "--to",
                "2026-01-26",
                "--json",
            ],
        )
        .json();
    assert_eq!(
        (doc["from"].as_str(), doc["to"].as_str()),
        (Some("2026-01-10"), Some("2026-01-26"))
    );
    // The weeks that overlap the period and have ended by --to: the first (to 2026-01-11),
    // the second and the third, whose last day (2026-01-25) is before --to.
    let weeks: Vec<&str> = doc["weeks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["start"].as_str().unwrap())
        .collect();
    assert_eq!(weeks, ["2026-01-05", "2026-01-12", "2026-01-19"], "{doc}");
    assert_eq!(doc["adherence"]["weeks"], 3);
    assert_eq!(doc["walks"], 6);
    let html = j
        .ok(
            "2026-01-28",
            &[
                "report",
                "--from",
                "2026-01-10",
                "--to",
                "2026-01-26",
                "-o",
                "-",
            ],
        )
        .stdout;
    assert!(html.contains("2026-01-10 to 2026-01-26"));
    assert!(html.contains("over 3 reviewed weeks"), "{html}");
    assert!(html.contains("Prescription on 2026-01-26"));
    // With -o FILE, the file is written and the JSON is all there is on stdout.
    let file = j.path().join("r.html");
    let both = j.ok(
        "2026-01-28",
        &["report", "--json", "-o", file.to_str().unwrap()],
    );
    assert!(serde_json::from_str::<Value>(&both.stdout).is_ok());
    assert!(std::fs::read_to_string(&file).unwrap().contains("<svg"));
}

#[test]
fn a_period_that_cannot_be_reported_is_refused_with_why() {
    let j = journal();
    let future = j.run("2026-01-28", &["report", "--to", "2030-01-01", "-o", "-"]);
    assert_eq!(future.code, 2, "{}", future.stderr);
    assert!(
        future
            .stderr
            .contains("--to 2030-01-01 is after today (2026-01-28)"),
        "{}",
        future.stderr
    );
    assert!(future.stdout.is_empty());
    let before = j.run(
        "2026-01-28",
        &[
            "report",
            "--from",
            "2025-01-01",
            "--to",
            "2025-02-01",
            "-o",
            "-",
        ],
    );
    assert_eq!(before.code, 2, "{}", before.stderr);
    assert!(
        before
            .stderr
            .contains("before the first check-up (2026-01-05)"),
        "{}",
        before.stderr
    );
    assert!(!before.stderr.contains("no check-up is stored"));
    for (args, words) in [
        (vec!["report"], "-o FILE is needed"),
        (
            vec!["report", "--json", "-o", "-"],
            "--json prints the report's data",
        ),
        (
            vec![
                "report",
                "--from",
                "2026-01-20",
                "--to",
                "2026-01-10",
                "-o",
                "-",
            ],
            "is after --to",
        ),
    ] {
        let r = j.run("2026-01-28", &args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(words), "{args:?}: {}", r.stderr);
    }
}
