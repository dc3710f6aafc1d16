//! One morning score is kept per date: a second, different score for the same date replaces
//! the first only when asked to (`--replace`); without it, off a terminal, nothing changes.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

mod common;

use common::*;

fn mornings(j: &Journal) -> Vec<serde_json::Value> {
    j.ok("2026-03-02", &["journal", "--json"]).json()["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "morning")
        .cloned()
        .collect()
}

#[test]
fn a_second_score_for_a_date_is_refused_without_replace_and_replaces_with_it() {
    let j = Journal::new();
    let first = ["log", "morning", "--date", "2026-03-01", "--pain", "2"];
    j.ok("2026-03-02", &first);

    // Off a terminal: exit 2, naming --replace and the score kept; nothing changes.
    let second = ["log", "morning", "--date", "2026-03-01", "--pain", "6"];
    let r = j.run("2026-03-02", &second);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("--replace"), "{}", r.stderr);
    assert!(r.stderr.contains("2/10"), "{}", r.stderr);
    let r = j.run(
        "2026-03-02",
        &[
            "--json",
            "log",
            "morning",
            "--date",
            "2026-03-01",
            "--pain",
            "6",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert_eq!(mornings(&j).len(), 1);
    assert_eq!(mornings(&j)[0]["pain"], 2);

    // The same score again stores nothing and says so.
    let r = j.ok("2026-03-02", &first);
    assert!(r.stdout.contains("Already logged"), "{}", r.stdout);
    assert_eq!(mornings(&j).len(), 1);

    // --replace keeps one morning for the date, with the new score and the same id.
    let r = j.ok(
        "2026-03-02",
        &[
            "log",
            "morning",
            "--date",
            "2026-03-01",
            "--pain",
            "6",
            "--replace",
        ],
    );
    assert!(
        r.stdout
            .contains("Replaced your morning on 2026-03-01: back pain 6/10 (was 2/10)"),
        "{}",
        r.stdout
    );
    let kept = mornings(&j);
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0]["pain"], 6);
    assert_eq!(kept[0]["id"], "m-1");

    // With --json, the kept entry.
    let r = j.ok(
        "2026-03-02",
        &[
            "--json",
            "log",
            "morning",
            "--date",
            "2026-03-01",
            "--pain",
            "4",
            "--replace",
        ],
    );
    assert_eq!(r.json()["pain"], 4);
    assert_eq!(r.json()["id"], "m-1");

    // Another date is a new morning.
    j.ok("2026-03-02", &["log", "morning", "--pain", "6"]);
    assert_eq!(mornings(&j).len(), 2);
}

/// A correction never puts a second morning on a date: `journal edit --date` onto a date that
/// already has a score is refused with the words of `log morning`, naming the entry there.
#[test]
fn an_edit_does_not_move_a_morning_onto_a_date_that_has_one() {
    let j = Journal::new();
    j.ok(
        "2026-03-02",
        &["log", "morning", "--date", "2026-02-27", "--pain", "3"],
    );
    j.ok(
        "2026-03-02",
        &["log", "morning", "--date", "2026-03-01", "--pain", "4"],
    );
    let r = j.run(
        "2026-03-02",
        &["journal", "edit", "m-2", "--date", "2026-02-27"],
    );
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(
            "--date: back pain 3/10 is already logged for 2026-02-27 (m-1); one morning score is kept per date"
        ),
        "{}",
        r.stderr
    );
    let kept: Vec<_> = mornings(&j)
        .iter()
        .map(|m| (m["id"].clone(), m["date"].clone()))
        .collect();
    assert_eq!(
        kept,
        [
            ("m-1".into(), "2026-02-27".into()),
            ("m-2".into(), "2026-03-01".into())
        ]
    );
    // Its own date with a new score, or a free date, are corrected as before.
    j.ok(
        "2026-03-02",
        &[
            "journal",
            "edit",
            "m-2",
            "--date",
            "2026-03-01",
            "--pain",
            "5",
        ],
    );
    j.ok(
        "2026-03-02",
        &["journal", "edit", "m-2", "--date", "2026-02-28"],
    );
    assert_eq!(mornings(&j)[1]["date"], "2026-02-28");
    assert_eq!(mornings(&j)[1]["pain"], 5);
}
