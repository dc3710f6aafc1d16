//! `amble log … --client-ref REF` (contract §13): logging again with the same reference stores
//! nothing and shows the entry logged first, from the CLI as from the phone.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

mod common;

use common::*;

fn entries(j: &Journal) -> Vec<serde_json::Value> {
    j.ok("2026-03-02", &["journal", "--json"]).json()["entries"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn a_repeated_client_ref_stores_nothing_and_shows_the_first_entry() {
    let j = Journal::new();
    let walk = [
        "log",
        "walk",
        "--date",
        "2026-03-01",
        "--minutes",
        "20",
        "--pain-before",
        "2",
        "--pain-peak",
        "3",
        "--client-ref",
        "watch-41",
    ];
    let first = j.ok("2026-03-02", &walk);
    assert!(
        first.stdout.contains("Logged your walk on 2026-03-01"),
        "{}",
        first.stdout
    );
    let again = j.ok("2026-03-02", &walk);
    assert!(
        again.stdout.contains("Already logged on 2026-03-01"),
        "{}",
        again.stdout
    );
    let mut json = walk.to_vec();
    json.insert(0, "--json");
    assert_eq!(j.ok("2026-03-02", &json).json()["id"], "w-1");
    for args in [
        ["log", "morning", "--pain", "2", "--client-ref", "m"],
        ["log", "exercise", "--id", "bird_dog", "--client-ref", "x"],
    ] {
        j.ok("2026-03-02", &args);
        let r = j.ok("2026-03-02", &args);
        assert!(r.stdout.contains("Already logged on"), "{}", r.stdout);
    }
    let kinds: Vec<String> = entries(&j)
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(kinds, ["walk", "morning", "exercise"]);
}

#[test]
fn a_bad_client_ref_is_exit_2_and_stores_nothing() {
    let j = Journal::new();
    let long = "r".repeat(65);
    let r = j.run(
        "2026-03-02",
        &["log", "morning", "--pain", "2", "--client-ref", &long],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--client-ref"), "{}", r.stderr);
    assert!(entries(&j).is_empty());
}
