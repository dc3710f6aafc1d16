//! End-to-end tests of the plan, logging and journal commands against the real binary.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

mod common;

use common::*;
use serde_json::Value;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn example(name: &str) -> String {
    manifest_dir()
        .join("tests/contract-examples")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn log_walk(j: &Journal, date: &str, minutes: u32, before: u8, peak: u8) {
    j.ok(
        "2026-12-31",
        &[
            "log",
            "walk",
            "--date",
            date,
            "--minutes",
            &minutes.to_string(),
            "--pain-before",
            &before.to_string(),
            "--pain-peak",
            &peak.to_string(),
        ],
    );
}

#[test]
fn stateless_plan_for_every_example_matches_the_contract() {
    for dir in [
        manifest_dir().join("tests/contract-examples"),
        vignette_dir(),
    ] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().and_then(|e| e.to_str()) != Some("json") {
                continue;
            }
            let p = path.to_str().unwrap();
            let r = run(&["plan", "--answers", p, "--json"]);
            assert_eq!(r.code, 0, "{p}: {}", r.stderr);
            let plan = r.json();
            check_plan_contract(&plan);
            let a = run(&["assess", "--answers", p, "--json"]).json();
            let want = match a["plan_status"].as_str().unwrap() {
                "blocked" => "blocked",
                "paused" => "paused",
                _ => "active",
            };
            assert_eq!(plan["status"], want, "{p}");
            assert_eq!(plan["week"], 1);
            assert_eq!(plan["decision"]["kind"], "start");
        }
    }
    // At 74 the minor-fall question applies (contract §1): answered no, the plan starts.
    let mut answers: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(example("older-walker-legs-heavy.json")).unwrap(),
    )
    .unwrap();
    answers["red_flags"]["minor_trauma"] = serde_json::Value::Bool(false);
    let tmp = tempfile::tempdir().unwrap();
    let path = write(tmp.path(), "older.json", &answers.to_string());
    let older = run(&["plan", "--answers", path.to_str().unwrap(), "--json"]).json();
    assert_eq!(older["walking"]["mode"], "interval");
    assert!(
        older["excluded"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == "prone_press_up" && x["because"] == "lss_nc")
    );
}

#[test]
fn a_newcomer_assesses_logs_weeks_and_watches_the_plan_respond() {
    let j = Journal::new();
    // The check-up is stored when a journal is named, and the plan starts that day.
    j.ok(
        "2026-01-05",
        &[
            "assess",
            "--answers",
            &example("benign-ache-after-30-min.json"),
            "--json",
        ],
    );
    let journal = j.ok("2026-01-05", &["journal", "--json"]).json();
    check_journal_contract(&journal);
    assert_eq!(journal["entries"][0]["kind"], "assessment");
    let start = j.ok("2026-01-05", &["plan", "--json"]).json();
    check_plan_contract(&start);
    assert_eq!(
        (start["status"].as_str(), start["week"].as_u64()),
        (Some("active"), Some(1))
    );
    let bout = start["walking"]["bout_minutes"].as_u64().unwrap() as u32;
    assert!(bout < 30, "starts below the 30 pain-free minutes");

    // Week 1: three easy walks with settled mornings -> progress.
    for (d, m) in [("05", "06"), ("07", "08"), ("09", "10")] {
        log_walk(&j, &format!("2026-01-{d}"), bout, 1, 2);
        j.ok(
            "2026-12-31",
            &[
                "log",
                "morning",
                "--date",
                &format!("2026-01-{m}"),
                "--pain",
                "1",
            ],
        );
    }
    let week2 = j.ok("2026-01-12", &["plan", "--json"]).json();
    check_plan_contract(&week2);
    assert_eq!(week2["week"], 2);
    assert_eq!(week2["decision"]["kind"], "progress");
    assert!(
        week2["walking"]["weekly_minutes"].as_u64() > start["walking"]["weekly_minutes"].as_u64()
    );

    // Week 2: two red walks -> step back.
    log_walk(&j, "2026-01-12", bout, 3, 7);
    log_walk(&j, "2026-01-14", bout, 3, 6);
    log_walk(&j, "2026-01-16", bout, 2, 3);
    let week3 = j.ok("2026-01-19", &["plan", "--json"]).json();
    check_plan_contract(&week3);
    assert_eq!(week3["decision"]["kind"], "regress");
    assert!(
        week3["walking"]["weekly_minutes"].as_u64() < week2["walking"]["weekly_minutes"].as_u64()
    );

    // Same journal, same day: byte-identical.
    let a = j.ok("2026-01-19", &["plan", "--json"]).stdout;
    let b = j.ok("2026-01-19", &["plan", "--json"]).stdout;
    assert_eq!(a, b);

    // The human plan explains itself and shows the history.
    let human = j.ok("2026-01-19", &["plan"]).stdout;
    assert!(
        human.contains("Step back") && human.contains("2 walks went red"),
        "{human}"
    );
    assert!(
        human.contains("HOW THE PLAN GOT HERE") && human.contains("Week 1"),
        "{human}"
    );

    // Today: what's left this week.
    let today = j.ok("2026-01-19", &["today", "--json"]).json();
    assert_eq!(today["schema"], "amble.today/1");
    assert_eq!(today["walks_done_this_week"], 0);
    assert_eq!(today["walk_today"], true);
}

#[test]
fn new_symptoms_suspend_the_plan_until_a_new_check_up() {
    let j = Journal::new();
    j.ok(
        "2026-02-02",
        &[
            "assess",
            "--answers",
            &example("benign-ache-after-30-min.json"),
        ],
    );
    let r = j.ok(
        "2026-02-03",
        &[
            "log",
            "walk",
            "--date",
            "2026-02-03",
            "--minutes",
            "10",
            "--pain-before",
            "1",
            "--pain-peak",
            "3",
            "--new-symptoms",
        ],
    );
    assert!(
        r.stdout.contains("suspended") && r.stdout.contains("emergency department"),
        "{}",
        r.stdout
    );
    let plan = j.ok("2026-02-03", &["plan", "--json"]).json();
    check_plan_contract(&plan);
    assert_eq!(
        (plan["status"].as_str(), plan["decision"]["kind"].as_str()),
        (Some("blocked"), Some("suspend"))
    );
    assert!(plan["walking"].is_null());
    j.ok(
        "2026-02-04",
        &[
            "assess",
            "--answers",
            &example("benign-ache-after-30-min.json"),
        ],
    );
    let plan = j.ok("2026-02-04", &["plan", "--json"]).json();
    assert_eq!(
        (plan["status"].as_str(), plan["decision"]["kind"].as_str()),
        (Some("active"), Some("start"))
    );
}

#[test]
fn an_emergency_check_up_stores_and_blocks_the_plan() {
    let j = Journal::new();
    j.ok(
        "2026-02-02",
        &[
            "assess",
            "--answers",
            &example("red-flag-saddle-numbness.json"),
        ],
    );
    let plan = j.ok("2026-02-02", &["plan", "--json"]).json();
    check_plan_contract(&plan);
    assert_eq!(plan["status"], "blocked");
    let human = j.ok("2026-02-02", &["plan"]).stdout;
    assert!(human.contains("NO PLAN FOR NOW"), "{human}");
    let today = j.ok("2026-02-02", &["today", "--json"]).json();
    assert_eq!(today["walk_today"], false);
}

#[test]
fn plan_without_a_check_up_says_what_to_do() {
    let j = Journal::new();
    let r = j.run("2026-01-01", &["plan", "--json"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("amble assess"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert!(
        std::fs::read_dir(j.path()).unwrap().next().is_none(),
        "reading creates nothing"
    );
}

#[test]
fn assess_with_answers_and_no_journal_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let r = amble()
        .args([
            "assess",
            "--answers",
            &example("benign-ache-after-30-min.json"),
        ])
        .env("HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path())
        .output()
        .unwrap();
    assert!(r.status.success());
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none());
}

// ---- Bad input: exit 2, a precise message, and the journal unchanged ----

/// Bad log and edit input, each with a part of the message it must give.
const BAD_LOG_INPUT: &[(&[&str], &str)] = &[
    (
        &[
            "log",
            "walk",
            "--minutes",
            "10",
            "--pain-before",
            "1",
            "--pain-peak",
            "11",
        ],
        "--pain-peak: expected a pain score from 0 to 10, found 11",
    ),
    (
        &[
            "log",
            "walk",
            "--minutes",
            "10",
            "--pain-before",
            "-1",
            "--pain-peak",
            "2",
        ],
        "--pain-before",
    ),
    (
        &[
            "log",
            "walk",
            "--date",
            "2026-02-30",
            "--minutes",
            "10",
            "--pain-before",
            "1",
            "--pain-peak",
            "2",
        ],
        "--date: the date 2026-02-30 does not exist: February 2026 has 28 days",
    ),
    (
        &[
            "log",
            "walk",
            "--date",
            "03/02/2026",
            "--minutes",
            "10",
            "--pain-before",
            "1",
            "--pain-peak",
            "2",
        ],
        "--date",
    ),
    (
        &[
            "log",
            "walk",
            "--date",
            "2026-03-09",
            "--minutes",
            "10",
            "--pain-before",
            "1",
            "--pain-peak",
            "2",
        ],
        "after today",
    ),
    (
        &[
            "log",
            "walk",
            "--minutes",
            "-5",
            "--pain-before",
            "1",
            "--pain-peak",
            "2",
        ],
        "--minutes",
    ),
    (
        &[
            "log",
            "walk",
            "--minutes",
            "0",
            "--pain-before",
            "1",
            "--pain-peak",
            "2",
        ],
        "--minutes: expected at least 0.5 minutes",
    ),
    (
        &[
            "log",
            "walk",
            "--minutes",
            "1e-300",
            "--pain-before",
            "1",
            "--pain-peak",
            "2",
        ],
        "--minutes: expected at least 0.5 minutes (half a minute), found 1e-300",
    ),
    (
        &[
            "log",
            "walk",
            "--minutes",
            "20",
            "--distance-km",
            "1e308",
            "--pain-before",
            "1",
            "--pain-peak",
            "2",
        ],
        "expected at most 200, found 1e308",
    ),
    (
        &[
            "log",
            "walk",
            "--date",
            "1901-01-01",
            "--minutes",
            "20",
            "--pain-before",
            "1",
            "--pain-peak",
            "2",
        ],
        "not a plausible date for a walk",
    ),
    (
        &["log", "walk", "--minutes", "10", "--pain-before", "1"],
        "missing --pain-peak",
    ),
    (
        &[
            "log",
            "walk",
            "--minutes",
            "10",
            "--pain-before",
            "1",
            "--pain-peak",
            "2",
            "--leg-spread",
            "lots",
        ],
        "--leg-spread",
    ),
    (
        &["log", "morning", "--pain", "12"],
        "--pain: expected a pain score from 0 to 10, found 12",
    ),
    (
        &["log", "exercise", "--id", "burpee"],
        "unknown exercise \"burpee\"",
    ),
    (
        &["log", "exercise", "--id", "bird_dog", "--pain-after", "99"],
        "--pain-after",
    ),
    (
        &["journal", "edit", "w-1", "--pain-peak", "14"],
        "--pain-peak",
    ),
    (
        &["journal", "edit", "w-1", "--pain", "3"],
        "--pain does not apply to a walk entry",
    ),
    (
        &["journal", "edit", "w-404", "--minutes", "3"],
        "no journal entry with id \"w-404\"",
    ),
    (&["journal", "delete", "w-404", "--yes"], "no journal entry"),
    (&["journal", "delete", "w-1"], "add --yes"),
];

#[test]
fn bad_log_input_is_rejected_and_changes_nothing() {
    let j = Journal::new();
    j.ok(
        "2026-03-02",
        &[
            "assess",
            "--answers",
            &example("benign-ache-after-30-min.json"),
        ],
    );
    log_walk(&j, "2026-03-02", 10, 1, 2);
    let before = j.export();
    for (args, needle) in BAD_LOG_INPUT {
        let r = j.run("2026-03-02", args);
        assert_eq!(r.code, 2, "{args:?} should be bad input: {}", r.stderr);
        assert!(
            r.stderr.contains(needle),
            "{args:?}: {:?} should mention {needle:?}",
            r.stderr
        );
        assert!(r.stdout.is_empty(), "{args:?}: nothing on stdout");
        assert_eq!(j.export(), before, "{args:?} changed the journal");
    }
    // A PSFS activity is held to 80 characters, as on the web.
    let dir = tempfile::tempdir().unwrap();
    let long = format!(
        r#"{{"instruments": {{"psfs": [{{"activity": "{}", "score": 4}}]}}}}"#,
        "a".repeat(81)
    );
    let file = write(dir.path(), "checkin.json", &long);
    let r = j.run(
        "2026-03-02",
        &["checkin", "--answers", file.to_str().unwrap()],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("instruments.psfs[0].activity") && r.stderr.contains("80 characters"),
        "{}",
        r.stderr
    );
    assert_eq!(j.export(), before, "the check-in was not stored");
}

#[test]
fn a_corrupt_or_newer_journal_gives_a_clear_error_never_a_reset() {
    let j = Journal::new();
    let file = j.path().join("journal.db");
    std::fs::write(
        &file,
        b"not a database at all, just some bytes ".repeat(100),
    )
    .unwrap();
    let before = std::fs::read(&file).unwrap();
    for args in [
        &["journal"][..],
        &["plan"],
        &["log", "morning", "--pain", "2"],
    ] {
        let r = j.run("2026-01-01", args);
        assert_eq!(r.code, 1, "{args:?}");
        assert!(
            r.stderr.contains("not an Amble journal") && r.stderr.contains("has not been changed"),
            "{}",
            r.stderr
        );
    }
    assert_eq!(std::fs::read(&file).unwrap(), before);

    let k = Journal::new();
    k.ok("2026-01-01", &["log", "morning", "--pain", "2"]);
    let kfile = k.path().join("journal.db");
    {
        let c = Command::new("sqlite3")
            .arg(&kfile)
            .arg("PRAGMA user_version = 42;")
            .output();
        if c.map(|o| !o.status.success()).unwrap_or(true) {
            // No sqlite3 tool here: set the header field directly (offset 60, big-endian).
            let mut bytes = std::fs::read(&kfile).unwrap();
            bytes[60..64].copy_from_slice(&42u32.to_be_bytes());
            std::fs::write(&kfile, bytes).unwrap();
        }
    }
    let r = k.run("2026-01-01", &["journal"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("newer version of Amble"), "{}", r.stderr);
}

// ---- Corrections, deletion, export and import ----

#[test]
fn entries_can_be_corrected_deleted_and_listed() {
    let j = Journal::new();
    log_walk(&j, "2026-01-05", 20, 2, 4);
    j.ok(
        "2026-01-06",
        &["log", "morning", "--date", "2026-01-06", "--pain", "3"],
    );
    j.ok(
        "2026-01-06",
        &[
            "log",
            "exercise",
            "--date",
            "2026-01-06",
            "--id",
            "bird_dog",
            "--sets",
            "2",
        ],
    );
    let fixed = j
        .ok(
            "2026-01-06",
            &[
                "journal",
                "edit",
                "w-1",
                "--pain-peak",
                "5",
                "--minutes",
                "22.5",
                "--json",
            ],
        )
        .json();
    assert_eq!(
        (fixed["pain_peak"].as_u64(), fixed["minutes"].as_f64()),
        (Some(5), Some(22.5))
    );
    let listed = j.ok("2026-01-06", &["journal"]).stdout;
    assert!(
        listed.contains("w-1") && listed.contains("walk 22.5 min, pain 2 -> 5"),
        "{listed}"
    );
    j.ok("2026-01-06", &["journal", "delete", "m-1", "--yes"]);
    let doc = j.ok("2026-01-06", &["journal", "--json"]).json();
    check_journal_contract(&doc);
    let ids: Vec<&str> = doc["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["w-1", "x-1"]);
}

#[test]
fn needs_pain_lists_only_walks_without_ratings() {
    let j = Journal::new();
    log_walk(&j, "2026-01-05", 20, 2, 4);
    let doc = serde_json::json!({"schema": "amble.journal/1", "entries": [
        {"id": "w-100", "kind": "walk", "date": "2026-01-04", "start": "2026-01-04T17:14:00+01:00", "minutes": 25.0,
         "elapsed_minutes": 27.5, "bouts": 1, "pain_before": null, "pain_peak": null, "leg_spread": null, "new_symptoms": false,
         "distance_km": 1.68, "steps": 2437, "cadence_spm": 97.5, "avg_hr_bpm": 104.0, "surface": null, "shoes": null, "source": "fit"}
    ]});
    let f = write(j.path(), "import.json", &doc.to_string());
    j.ok("2026-01-06", &["journal", "import", f.to_str().unwrap()]);
    let needs = j
        .ok("2026-01-06", &["journal", "--needs-pain", "--json"])
        .json();
    let ids: Vec<&str> = needs["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["w-100"]);
    j.ok(
        "2026-01-06",
        &[
            "journal",
            "edit",
            "w-100",
            "--pain-before",
            "1",
            "--pain-peak",
            "3",
        ],
    );
    let needs = j
        .ok("2026-01-06", &["journal", "--needs-pain", "--json"])
        .json();
    assert_eq!(needs["entries"], serde_json::json!([]));
}

#[test]
fn export_and_import_round_trip_losslessly() {
    let j = Journal::new();
    j.ok(
        "2026-01-05",
        &["assess", "--answers", &example("with-instruments.json")],
    );
    j.ok(
        "2026-01-05",
        &[
            "log",
            "walk",
            "--minutes",
            "12.5",
            "--pain-before",
            "2",
            "--pain-peak",
            "4",
            "--bouts",
            "2",
            "--leg-spread",
            "usual",
            "--distance-km",
            "1.1",
            "--surface",
            "grass, wet",
            "--shoes",
            "trail \"X\"",
            "--notes",
            "windy, ünïcode",
        ],
    );
    j.ok("2026-01-06", &["log", "morning", "--pain", "2"]);
    j.ok(
        "2026-01-06",
        &[
            "log",
            "exercise",
            "--id",
            "glute_bridge",
            "--sets",
            "2",
            "--pain-after",
            "1",
        ],
    );
    let exported = j.export();
    check_journal_contract(&serde_json::from_str(&exported).unwrap());

    let k = Journal::new();
    let f = write(k.path(), "backup.json", &exported);
    let r = k.ok("2026-01-07", &["journal", "import", f.to_str().unwrap()]);
    assert!(r.stdout.contains("4 new entries"), "{}", r.stdout);
    assert_eq!(k.export(), exported, "byte-identical after a round trip");
    let again = k
        .ok(
            "2026-01-07",
            &["journal", "import", f.to_str().unwrap(), "--json"],
        )
        .json();
    assert_eq!(
        (again["added"].as_u64(), again["unchanged"].as_u64()),
        (Some(0), Some(4))
    );
    assert_eq!(k.export(), exported);
    // The plan is the same on both journals.
    assert_eq!(
        j.ok("2026-01-20", &["plan", "--json"]).stdout,
        k.ok("2026-01-20", &["plan", "--json"]).stdout
    );

    // To a file: complete, and the CSV has a header and one row per entry.
    let out = k.path().join("journal.csv");
    k.ok(
        "2026-01-07",
        &[
            "export",
            "--format",
            "csv",
            "--output",
            out.to_str().unwrap(),
        ],
    );
    let csv = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("id,kind,date,minutes"));
    assert_eq!(lines.len(), 5);
    assert!(csv.contains("\"grass, wet\""), "CSV quoting: {csv}");

    // FHIR: one R4 collection Bundle with a Patient and an Observation per walk and rating
    // (validated against the R4 schema in amble-core's tests).
    let fhir = k.path().join("journal.fhir.json");
    k.ok(
        "2026-01-07",
        &["export", "--format", "fhir", "-o", fhir.to_str().unwrap()],
    );
    let b: Value = serde_json::from_str(&std::fs::read_to_string(&fhir).unwrap()).unwrap();
    assert_eq!(
        (b["resourceType"].as_str(), b["type"].as_str()),
        (Some("Bundle"), Some("collection"))
    );
    let kinds: Vec<&str> = b["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["resource"]["resourceType"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.iter().filter(|k| **k == "Patient").count(), 1);
    assert!(
        kinds.iter().filter(|k| **k == "Observation").count() >= 4,
        "{kinds:?}"
    );
    assert!(
        !std::fs::read_to_string(&fhir).unwrap().contains("grass"),
        "free text stays home"
    );
}

#[test]
fn a_broken_import_file_changes_nothing() {
    let j = Journal::new();
    log_walk(&j, "2026-01-05", 20, 2, 4);
    let before = j.export();
    let bad_docs = [
        ("{\"schema\": \"amble.journal/1\", \"entries\": [", "EOF"),
        (r#"{"schema": "amble.journal/2", "entries": []}"#, "schema"),
        (
            r#"{"schema": "amble.journal/1", "entries": [{"id": "m-9", "kind": "morning", "date": "2026-01-07", "pain": 3}, {"id": "m-10", "kind": "morning", "date": "2026-01-08", "pain": 30}]}"#,
            "entries[1] (m-10): pain",
        ),
        (
            r#"{"schema": "amble.journal/1", "entries": [{"id": "m-9", "kind": "morning", "date": "2026-02-30", "pain": 3}]}"#,
            "entries[0]: parsed date is not valid",
        ),
        (
            r#"{"schema": "amble.journal/1", "entries": [{"id": "x-9", "kind": "exercise", "date": "2026-01-07", "exercise": "burpee"}]}"#,
            "unknown exercise",
        ),
        (
            r#"{"schema": "amble.journal/1", "entries": [{"id": "w-1", "kind": "walk", "date": "2026-01-05", "minutes": 99.0, "source": "manual"}]}"#,
            "already exists with different content",
        ),
        (
            r#"{"schema": "amble.journal/1", "entries": [{"id": "w-1", "kind": "morning", "date": "2026-01-07", "pain": 3}]}"#,
            "expected an id like \"m-12\"",
        ),
        (
            r#"{"schema": "amble.journal/1", "entries": [{"id": "m-9", "kind": "morning", "date": "2026-01-07", "pain": 3, "mood": "fine"}]}"#,
            "mood",
        ),
    ];
    for (text, needle) in bad_docs {
        let f = write(j.path(), "bad.json", text);
        let r = j.run("2026-01-09", &["journal", "import", f.to_str().unwrap()]);
        assert_eq!(r.code, 2, "{text}: {}", r.stderr);
        assert!(
            r.stderr.contains(needle),
            "{text}: {:?} should mention {needle:?}",
            r.stderr
        );
        assert_eq!(j.export(), before, "{text} changed the journal");
    }
}

// ---- Crash safety and concurrency, across real processes ----

#[test]
fn two_processes_writing_at_once_never_lose_an_entry() {
    let j = Journal::new();
    j.ok("2026-01-01", &["log", "morning", "--pain", "1"]); // create the journal first
    let children: Vec<_> = (0..6)
        .map(|p| {
            let dir = j.path().to_path_buf();
            std::thread::spawn(move || {
                for i in 0..8 {
                    let r = amble()
                        .args([
                            "--data-dir",
                            dir.to_str().unwrap(),
                            "--today",
                            "2026-01-31",
                            "log",
                            "walk",
                            "--date",
                            &format!("2026-01-{:02}", 1 + (p * 8 + i) % 28),
                            "--minutes",
                            "10",
                            "--pain-before",
                            "1",
                            "--pain-peak",
                            "2",
                        ])
                        .stdin(Stdio::null())
                        .output()
                        .unwrap();
                    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
                }
            })
        })
        .collect();
    for c in children {
        c.join().unwrap();
    }
    let doc = j.ok("2026-01-31", &["journal", "--json"]).json();
    let walks: Vec<&Value> = doc["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "walk")
        .collect();
    assert_eq!(walks.len(), 48);
    let ids: std::collections::BTreeSet<&str> =
        walks.iter().map(|w| w["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 48);
}

#[test]
fn a_process_killed_mid_write_leaves_no_half_entry() {
    let j = Journal::new();
    log_walk(&j, "2026-01-05", 20, 2, 4);
    let before = j.export();
    let mut child = writer_paused_in_its_transaction(
        &j,
        &[
            "log",
            "walk",
            "--minutes",
            "30",
            "--pain-before",
            "1",
            "--pain-peak",
            "2",
        ],
    );
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    child.wait().unwrap();
    assert_eq!(j.export(), before, "the killed write left nothing behind");
    // The journal is healthy and takes the next write.
    log_walk(&j, "2026-01-06", 25, 1, 2);
    let doc = j.ok("2026-01-07", &["journal", "--json"]).json();
    assert_eq!(doc["entries"].as_array().unwrap().len(), 2);
}

/// Interactive logging through a real pseudo-terminal (util-linux `script`): one line per
/// answer, Enter takes the default.
#[test]
fn interactive_walk_logging_asks_one_line_per_answer() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: no `script` to provide a terminal");
        return;
    }
    let j = Journal::new();
    j.ok(
        "2026-01-05",
        &[
            "assess",
            "--answers",
            &example("benign-ache-after-30-min.json"),
        ],
    );
    let cmd = format!(
        "{} --data-dir {} --today 2026-01-06 log walk",
        env!("CARGO_BIN_EXE_amble"),
        j.path().display()
    );
    // Date: Enter (today); minutes: Enter (the plan's); pain before 2; a bad peak, then 4;
    // leg symptoms: Enter (none); new symptoms: Enter (no).
    let r = run_script(&cmd, "\n\n2\neleven\n4\n\n\n");
    assert!(r.contains("Logged your walk on 2026-01-06"), "{r}");
    assert!(r.contains("Please type a whole number from 0 to 10"), "{r}");
    let doc = j.ok("2026-01-06", &["journal", "--json"]).json();
    let walk = &doc["entries"][1];
    assert_eq!(
        (walk["pain_before"].as_u64(), walk["pain_peak"].as_u64()),
        (Some(2), Some(4))
    );
    assert_eq!(walk["leg_spread"], "none");
    assert_eq!(walk["new_symptoms"], false);
    let planned = j.ok("2026-01-05", &["plan", "--json"]).json();
    assert_eq!(
        walk["minutes"].as_f64(),
        planned["walking"]["bout_minutes"].as_f64(),
        "default minutes come from the plan"
    );
}

fn run_script(cmd: &str, input: &str) -> String {
    use std::io::Write;
    let mut child = Command::new("script")
        .args(["-qec", cmd, "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for line in input.split_inclusive('\n') {
        // One answer at a time, as a person types.
        std::thread::sleep(Duration::from_millis(150));
        let _ = stdin.write_all(line.as_bytes());
        let _ = stdin.flush();
    }
    std::thread::sleep(Duration::from_millis(300));
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn earlier_warning_signs_are_not_cleared_silently() {
    let j = Journal::new();
    j.ok(
        "2026-02-02",
        &[
            "assess",
            "--answers",
            &example("red-flag-saddle-numbness.json"),
        ],
    );
    j.ok(
        "2026-02-09",
        &[
            "assess",
            "--answers",
            &example("benign-ache-after-30-min.json"),
        ],
    );
    let plan = j.ok("2026-02-09", &["plan", "--json"]).json();
    assert_eq!(
        plan["status"], "active",
        "the newer check-up starts a plan (contract §4)"
    );
    let human = j.ok("2026-02-09", &["plan"]).stdout;
    let warn = human
        .find("EARLIER WARNING SIGNS")
        .expect("a reminder of the earlier warning signs");
    assert!(
        warn < human.find("THIS WEEK'S WALKING").unwrap(),
        "before the walking"
    );
    assert!(
        human.contains("2026-02-02")
            && human.contains("needed emergency care")
            && human.contains("checked by a doctor"),
        "{human}"
    );
    // A calm history has no reminder.
    let k = Journal::new();
    k.ok(
        "2026-02-02",
        &[
            "assess",
            "--answers",
            &example("benign-ache-after-30-min.json"),
        ],
    );
    k.ok(
        "2026-02-09",
        &[
            "assess",
            "--answers",
            &example("benign-ache-after-30-min.json"),
        ],
    );
    assert!(
        !k.ok("2026-02-09", &["plan"])
            .stdout
            .contains("EARLIER WARNING SIGNS")
    );
}

#[test]
fn a_bad_id_or_date_in_an_import_is_refused_and_the_journal_keeps_working() {
    let j = Journal::new();
    for (id, date, needle) in [
        ("m-99999999999999999999", "2026-01-05", "id"),
        ("m-0", "2026-01-05", "id"),
        ("w-3", "2026-01-05", "id"),
        ("m-007", "2026-01-05", "id"),
        ("m-5", "1850-01-05", "date"),
    ] {
        let f = write(
            j.path(),
            "bad.json",
            &format!(
                r#"{{"schema": "amble.journal/1", "entries": [{{"id": "{id}", "kind": "morning", "date": "{date}", "pain": 2}}]}}"#
            ),
        );
        let r = j.run("2026-01-06", &["journal", "import", f.to_str().unwrap()]);
        assert_eq!(r.code, 2, "{id} {date}: {}", r.stderr);
        assert!(r.stderr.contains(needle), "{id}: {}", r.stderr);
    }
    // Nothing was stored, and new entries still get ids.
    j.ok("2026-01-06", &["log", "morning", "--pain", "2"]);
    j.ok(
        "2026-01-06",
        &["log", "morning", "--date", "2026-01-05", "--pain", "3"],
    );
    let journal = j.ok("2026-01-06", &["journal", "--json"]).json();
    let ids: Vec<&str> = journal["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2, "{ids:?}");
    // Dates outside 1900-2199 are refused everywhere.
    for bad in ["1899-12-31", "2200-01-01"] {
        let r = j.run(bad, &["plan"]);
        assert_eq!(r.code, 2, "{bad}");
        assert!(r.stderr.contains("--today"), "{}", r.stderr);
    }
}

#[test]
fn readers_do_not_wait_behind_a_writer() {
    let j = Journal::new();
    log_walk(&j, "2026-01-05", 20, 2, 4);
    let mut child = writer_paused_in_its_transaction(&j, &["log", "morning", "--pain", "2"]);
    // The writer holds the write lock for a minute; reading must not wait for it (before, every
    // open took the lock to migrate and failed with "database is locked" after 30 s).
    let doc = j.ok("2026-01-07", &["journal", "--json"]).json();
    assert_eq!(doc["entries"].as_array().unwrap().len(), 1);
    child.kill().unwrap();
    child.wait().unwrap();
}

/// Starts `amble ARGS` as a writer that stops inside its write transaction (the test hook) and
/// returns once it is there.
fn writer_paused_in_its_transaction(j: &Journal, args: &[&str]) -> std::process::Child {
    let marker = j.path().join("in-transaction");
    let _ = std::fs::remove_file(&marker);
    let child = amble()
        .args([
            "--data-dir",
            j.path().to_str().unwrap(),
            "--today",
            "2026-01-06",
        ])
        .args(args)
        .env("AMBLE_TEST_PAUSE_BEFORE_COMMIT", &marker)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let t0 = Instant::now();
    while !marker.exists() {
        assert!(
            t0.elapsed() < Duration::from_secs(30),
            "the writer reached its transaction"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

#[test]
fn salvage_exports_what_can_be_read_from_a_damaged_or_newer_journal() {
    let j = Journal::new();
    log_walk(&j, "2026-01-05", 20, 2, 4);
    j.ok("2026-01-06", &["log", "morning", "--pain", "2"]);
    let db = j.path().join("journal.db");
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.execute_batch(
            "UPDATE entries SET body = '{\"kind\": \"morning\", \"id\": \"m-1\", \"date\": \"2026-01-06\", \"pain\": \"two\"}' WHERE id = 'm-1'; PRAGMA user_version = 99;",
        )
        .unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    let r = j.run("2026-01-07", &["journal"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("newer version"), "{}", r.stderr);
    let r = j.run("2026-01-07", &["export", "--salvage"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let doc = r.json();
    assert_eq!(
        doc["entries"].as_array().unwrap().len(),
        1,
        "the walk is rescued"
    );
    assert!(
        r.stderr.contains("m-1") && r.stderr.contains("could not be read"),
        "{}",
        r.stderr
    );
    assert_eq!(
        std::fs::read(&db).unwrap(),
        before,
        "the journal is unchanged"
    );
}

/// Logging a walk or a morning says its light and why in one line; `amble today` then steps
/// down after a red walk.
#[test]
fn logging_names_the_light_and_today_reacts() {
    let j = Journal::new();
    j.ok(
        "2026-01-05",
        &[
            "assess",
            "--answers",
            &example("benign-ache-after-30-min.json"),
        ],
    );
    let walk = j.ok(
        "2026-01-06",
        &[
            "log",
            "walk",
            "--minutes",
            "20",
            "--pain-before",
            "3",
            "--pain-peak",
            "7",
        ],
    );
    assert!(
        walk.stdout
            .contains("Red: pain during the walk reached 7/10."),
        "{}",
        walk.stdout
    );
    let morning = j.ok("2026-01-07", &["log", "morning", "--pain", "2"]);
    assert!(
        morning.stdout.contains("Your walk the day before: Red"),
        "{}",
        morning.stdout
    );
    let today = j.ok("2026-01-07", &["today"]).stdout;
    assert!(
        today.contains("was red") && today.contains("Take it easier today"),
        "{today}"
    );
    let json = j.ok("2026-01-07", &["today", "--json"]).json();
    assert_eq!(json["easier_today"], true);
}

/// `amble insights --json` keeps the contract (§8) key for key; a planted difference shows as a
/// finding with its interval, the rest is listed as tested or as needing more data.
#[test]
fn insights_follow_the_contract() {
    let j = Journal::new();
    let start = jiff::civil::date(2026, 1, 5);
    let mut entries = Vec::new();
    for d in 0..84i64 {
        let day = start.saturating_add(jiff::Span::new().days(d));
        let hills = d % 3 == 0;
        // A gentle wobble in pain that has nothing to do with the surface, and a planted
        // 2-point rise the morning after hills.
        let base = 3 + (d % 5 == 0) as i64 - (d % 7 == 3) as i64;
        entries.push(serde_json::json!({"id": format!("w-{}", d + 1), "kind": "walk", "date": day.to_string(),
            "start": format!("{day}T{:02}:00:00+00:00", 8 + d % 10), "minutes": 15.0 + (d % 4) as f64 * 5.0,
            "bouts": 1, "pain_before": base, "pain_peak": base + 1, "leg_spread": null, "new_symptoms": false,
            "surface": if hills { "hills" } else { "flat" }, "shoes": if d % 2 == 0 { "old" } else { "new" }, "source": "manual"}));
        let next = day.saturating_add(jiff::Span::new().days(1));
        entries.push(serde_json::json!({"id": format!("m-{}", d + 1), "kind": "morning", "date": next.to_string(),
            "pain": base + if hills { 2 } else { 0 } + (d % 4 == 1) as i64}));
    }
    let doc = serde_json::json!({"schema": "amble.journal/1", "entries": entries});
    let f = write(j.path(), "import.json", &doc.to_string());
    j.ok("2026-04-01", &["journal", "import", f.to_str().unwrap()]);
    let r = j.ok("2026-04-01", &["insights", "--json"]).json();
    assert_eq!(r["schema"], "amble.insights/1");
    for key in [
        "from",
        "to",
        "data",
        "findings",
        "tested",
        "not_enough_data",
        "trends",
    ] {
        assert!(r.get(key).is_some(), "{key}");
    }
    assert_eq!(r["data"]["walks_rated"], 84);
    let finding = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["factor"] == "surface" && f["outcome"] == "next_morning")
        .unwrap_or_else(|| panic!("the planted difference is found: {r:#}"));
    for key in [
        "factor", "level", "outcome", "effect", "unit", "ci95", "n", "q", "text",
    ] {
        assert!(finding.get(key).is_some(), "finding.{key}");
    }
    assert!(finding["q"].as_f64().unwrap() < 0.05);
    assert!(
        finding["text"]
            .as_str()
            .unwrap()
            .contains("not proof of a cause")
    );
    assert!(
        r["not_enough_data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["factor"] == "ascent_m")
    );
    // Walk minutes and bouts are tested like every factor (contract §8); as the plan sets them
    // from recent pain, their words say so and that a trial is the way to be sure. Bouts are
    // always one walk here, so they wait for more data.
    let results: Vec<&serde_json::Value> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .chain(r["tested"].as_array().unwrap())
        .collect();
    let minutes: Vec<&&serde_json::Value> = results
        .iter()
        .filter(|t| t["factor"] == "minutes")
        .collect();
    assert!(!minutes.is_empty(), "minutes is tested: {r:#}");
    for t in minutes {
        assert_eq!(t["unit"], "points per 10 min", "{t}");
        let text = t["text"].as_str().unwrap();
        assert!(
            text.contains("from your recent pain") && text.contains("the way to be sure"),
            "{text}"
        );
    }
    let left = r["not_enough_data"].as_array().unwrap();
    assert!(
        left.iter()
            .any(|l| l["factor"] == "bouts" && l["kind"] == "more_data"),
        "{r:#}"
    );
    assert!(left.iter().all(|l| l["kind"] == "more_data"), "{r:#}");
    let human = j.ok("2026-04-01", &["insights"]).stdout;
    assert!(
        human.contains("WHAT WENT WITH MORE OR LESS PAIN"),
        "{human}"
    );
    assert!(
        !human.contains("NOT READ FROM YOUR JOURNAL")
            && human.contains("minutes")
            && human.contains("rests on the way:"),
        "{human}"
    );
    let bad = j.run(
        "2026-04-01",
        &["insights", "--from", "2026-05-01", "--to", "2026-04-01"],
    );
    assert_eq!(bad.code, 2);
}

/// `amble experiment`: the same flags give the same schedule; the analysis says when there is
/// not enough yet; bad options are refused.
#[test]
fn experiments_schedule_and_analyse() {
    let j = Journal::new();
    let flags = [
        "--factor",
        "surface",
        "--a",
        "Flat",
        "--b",
        "hills",
        "--start",
        "2026-03-02",
    ];
    let mut args = vec!["experiment", "schedule"];
    args.extend(flags);
    args.push("--json");
    let one = j.ok("2026-03-01", &args).json();
    let two = j.ok("2026-03-01", &args).json();
    assert_eq!(one, two, "repeatable");
    assert_eq!(one["periods"].as_array().unwrap().len(), 14);
    assert_eq!(one["design"]["a"], "flat");
    let mut analyse = vec!["experiment", "analyse"];
    analyse.extend(flags);
    let r = j.ok("2026-04-20", &analyse).stdout;
    assert!(r.contains("Not enough yet: 0 pairs"), "{r}");
    let bad = j.run(
        "2026-03-01",
        &[
            "experiment",
            "schedule",
            "--factor",
            "shoes",
            "--a",
            "x",
            "--b",
            "X",
        ],
    );
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    let weeks = j.run(
        "2026-03-01",
        &[
            "experiment",
            "schedule",
            "--factor",
            "shoes",
            "--a",
            "x",
            "--b",
            "y",
            "--weeks",
            "9",
        ],
    );
    assert_eq!(weeks.code, 2);
}

/// `amble report` writes one self-contained HTML document with the facts a clinician needs,
/// or the same report as a PDF on A4 or Letter.
#[test]
fn the_clinician_report_is_self_contained() {
    let j = Journal::new();
    j.ok(
        "2026-01-05",
        &[
            "assess",
            "--answers",
            &example("benign-ache-after-30-min.json"),
        ],
    );
    log_walk(&j, "2026-01-06", 20, 2, 4);
    let out = j.path().join("report.html");
    j.ok("2026-01-20", &["report", "-o", out.to_str().unwrap()]);
    let html = std::fs::read_to_string(&out).unwrap();
    for part in [
        "Latest check-up (2026-01-05)",
        "Scores over time",
        "<svg",
        "<style>",
        "@page",
        "Week by week: adherence",
    ] {
        assert!(html.contains(part), "{part}");
    }
    assert!(
        !html.contains("<script") && !html.contains("href=\"http") && !html.contains("/assets/")
    );
    // The sections of the core's outline, in its order (the PDF lays out the same outline).
    let ids: Vec<&str> = html
        .split("<section id=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    assert_eq!(
        ids,
        [
            "checkup",
            "events",
            "scores",
            "prescription",
            "weeks",
            "minutes",
            "pain",
            "findings"
        ]
    );
    for paper in ["a4", "letter"] {
        let file = j.path().join(format!("report-{paper}.pdf"));
        j.ok(
            "2026-01-20",
            &[
                "report",
                "--format",
                "pdf",
                "--paper",
                paper,
                "-o",
                file.to_str().unwrap(),
            ],
        );
        let pdf = std::fs::read(&file).unwrap();
        assert!(pdf.starts_with(b"%PDF-"), "{paper}");
        let size = if paper == "a4" {
            "595.28 841.89"
        } else {
            "612 792"
        };
        assert!(
            String::from_utf8_lossy(&pdf).contains(size),
            "{paper}: page size {size}"
        );
    }
    let legal = j.run(
        "2026-01-20",
        &[
            "report", "--format", "pdf", "--paper", "legal", "-o", "x.pdf",
        ],
    );
    assert_eq!(legal.code, 2, "{}", legal.stderr);
    let empty = Journal::new().run("2026-01-20", &["report", "-o", "-"]);
    assert_eq!(empty.code, 2, "{}", empty.stderr);
}

/// `amble checkin`: stored in the journal, outcomes against the first scores with the
/// documented thresholds, a new warning sign leads with what to do and suspends the plan until
/// a new check-up; bad input is refused with the key named and nothing stored.
#[test]
fn check_ins_store_read_outcomes_and_suspend_on_a_warning_sign() {
    let j = Journal::new();
    j.ok(
        "2026-01-05",
        &[
            "assess",
            "--answers",
            &example("benign-ache-after-30-min.json"),
        ],
    );
    // Every warning sign answered (a check-in left "not sure" holds the plan: tests/checkins.rs).
    let answers: Value = serde_json::from_str(
        &std::fs::read_to_string(example("benign-ache-after-30-min.json")).unwrap(),
    )
    .unwrap();
    let first = common::write(
        j.path(),
        "c1.json",
        &format!(
            r#"{{"change": "better", "pain": {{"now": 0}}, "red_flags": {},
            "instruments": {{"rmdq": [1,1,1,1,1,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}}}}"#,
            answers["red_flags"]
        ),
    );
    let doc = j
        .ok(
            "2026-01-12",
            &["checkin", "--answers", first.to_str().unwrap(), "--json"],
        )
        .json();
    assert_eq!(doc["schema"], "amble.checkin/1");
    assert_eq!(doc["plan_status"], "active");
    assert_eq!(doc["triage"]["tier"], "none");
    assert_eq!(doc["next_checkin"]["date"], "2026-01-19");
    // Pain 1 at the check-up, 0 now: one point is 100 % of the first score, an important
    // improvement by the share rule; RMDQ has no earlier score yet.
    assert_eq!(doc["outcomes"]["nprs"]["baseline"], 1.0);
    assert_eq!(doc["outcomes"]["nprs"]["important"], true);
    assert!(doc["outcomes"].get("rmdq").is_none());
    let second = common::write(
        j.path(),
        "c2.json",
        r#"{"change": "much_better", "pain": {"now": 0},
            "instruments": {"rmdq": [1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}}"#,
    );
    let doc = j
        .ok(
            "2026-01-19",
            &["checkin", "--answers", second.to_str().unwrap(), "--json"],
        )
        .json();
    assert_eq!(doc["outcomes"]["rmdq"]["baseline"], 6.0);
    assert_eq!(doc["outcomes"]["rmdq"]["change"], -5.0);
    assert_eq!(doc["outcomes"]["rmdq"]["important"], true, "5 points");
    // A new warning sign: what to do first, then the suspension.
    let bad = common::write(
        j.path(),
        "c3.json",
        r#"{"red_flags": {"saddle_numbness": true}}"#,
    );
    let human = j.ok(
        "2026-01-20",
        &["checkin", "--answers", bad.to_str().unwrap()],
    );
    assert!(
        human.stdout.starts_with("GET EMERGENCY CARE NOW"),
        "{}",
        human.stdout
    );
    assert!(
        human
            .stdout
            .contains("suspended until you run a new check-up")
    );
    let plan = j.ok("2026-01-27", &["plan", "--json"]).json();
    assert_eq!(plan["status"], "blocked");
    assert_eq!(plan["decision"]["kind"], "suspend");
    j.ok(
        "2026-01-28",
        &[
            "assess",
            "--answers",
            &example("benign-ache-after-30-min.json"),
        ],
    );
    assert_eq!(
        j.ok("2026-01-28", &["plan", "--json"]).json()["status"],
        "active"
    );
    // Check-ins are journal entries: listed, exported, deleted like the others.
    let journal = j.ok("2026-01-28", &["journal", "--json"]).json();
    let kinds: Vec<&str> = journal["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "checkin")
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["c-1", "c-2", "c-3"]);
    // Bad input names the key; nothing is stored.
    let before = j.export();
    for (text, needle) in [
        (r#"{"change": "fine"}"#, "change"),
        (r#"{"pain": {"now": 11}}"#, "pain.now"),
        (r#"{"instruments": {"rmdq": [1, 2]}}"#, "instruments.rmdq"),
        (r#"{"mood": "ok"}"#, "mood"),
    ] {
        let f = common::write(j.path(), "bad.json", text);
        let r = j.run("2026-01-29", &["checkin", "--answers", f.to_str().unwrap()]);
        assert_eq!(r.code, 2, "{text}: {}", r.stderr);
        assert!(r.stderr.contains(needle), "{text}: {}", r.stderr);
    }
    assert_eq!(j.export(), before);
    let none = Journal::new().run(
        "2026-01-29",
        &["checkin", "--answers", first.to_str().unwrap()],
    );
    assert_eq!(none.code, 2);
    assert!(none.stderr.contains("amble assess"));
}

/// `amble learn`: the list, one article with its sources, search, JSON in the contract's shape.
#[test]
fn the_library_reads_searches_and_prints_json() {
    let list = common::run(&["learn", "--json"]).json();
    assert_eq!(list["schema"], "amble.learn/1");
    let topics = list["topics"].as_array().unwrap();
    assert!(topics.len() >= 15);
    for t in topics {
        for k in ["id", "title", "summary", "sources"] {
            assert!(t.get(k).is_some(), "{k}");
        }
        assert!(!t["sources"].as_array().unwrap().is_empty());
    }
    let one = common::run(&["learn", "stenosis"]);
    assert_eq!(one.code, 0);
    assert!(one.stdout.contains("INTERVAL WALKING") && one.stdout.contains("Sources:"));
    let found = common::run(&["learn", "--search", "back belt", "--json"]).json();
    assert_eq!(found["topics"][0]["id"], "back-belts");
    let missing = common::run(&["learn", "stenosiss"]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("did you mean `stenosis`"));
}

/// `amble gait`: the contract's document for a lab recording; bad input is exit 2 with a reason.
#[test]
fn gait_reads_a_recording_and_refuses_bad_ones() {
    let file = manifest_dir().join("../amble-gait/tests/data/HA_001_Test11_Trial1_imu.csv");
    let r = run(&[
        "gait",
        file.to_str().unwrap(),
        "--sensor-height-m",
        "0.964",
        "--json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc = r.json();
    assert_eq!(doc["schema"], "amble.gait/1");
    for k in [
        "file",
        "sample_rate_hz",
        "duration_s",
        "walking_s",
        "bouts",
        "summary",
        "drift",
        "initial_contacts_s",
    ] {
        assert!(doc.get(k).is_some(), "{k}");
    }
    assert_eq!(doc["sample_rate_hz"], 100.0);
    assert!(doc["drift"].is_null(), "under 3 minutes of walking");
    let bouts = doc["bouts"].as_array().unwrap();
    assert!(bouts.len() >= 5);
    for k in [
        "start_s",
        "end_s",
        "steps",
        "cadence_spm",
        "stride_length_m",
        "speed_mps",
        "step_time_cv",
        "regularity",
        "symmetry",
    ] {
        assert!(bouts[0].get(k).is_some(), "{k}");
    }
    // Symmetry is the step-to-stride regularity ratio within 0-1, or null where the stride
    // regularity is not positive (unknown, not 0; the rule's own test is in amble-gait). Read at
    // the autocorrelation's peaks, one bout of this trial reads below 1 (0.70), the rest 1.
    let symmetry: Vec<&serde_json::Value> = bouts.iter().map(|b| &b["symmetry"]).collect();
    assert!(
        symmetry
            .iter()
            .all(|s| s.is_null() || s.as_f64().is_some_and(|v| (0.0..=1.0).contains(&v))),
        "{symmetry:?}"
    );
    assert!(
        symmetry
            .iter()
            .any(|s| s.as_f64().is_some_and(|v| (0.5..0.9).contains(&v))),
        "{symmetry:?}"
    );
    let j = Journal::new();
    // A still sensor: no walking (0, not -0), no contacts.
    let still: String = std::iter::once("time_s,acc_x,acc_y,acc_z".to_string())
        .chain((0..1000).map(|i| format!("{:.2},9.81,0,0", f64::from(i) / 100.0)))
        .collect::<Vec<_>>()
        .join("\n");
    let still = common::write(j.path(), "still.csv", &still);
    let args = ["gait", still.to_str().unwrap(), "--sensor-height-m", "0.96"];
    let r = run(&[&args[..], &["--json"]].concat());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("\"walking_s\": 0.0"), "{}", r.stdout);
    let doc = r.json();
    assert_eq!(doc["bouts"], serde_json::json!([]));
    assert_eq!(doc["initial_contacts_s"], serde_json::json!([]));
    let r = run(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("-0"), "{}", r.stdout);
    let bad = common::write(
        j.path(),
        "bad.csv",
        "time_s,acc_x,acc_y,acc_z\n0,1,2,3\n0.01,x,2,3\n",
    );
    let r = run(&["gait", bad.to_str().unwrap(), "--height-cm", "170"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("line 3") && r.stderr.contains("acc_x"),
        "{}",
        r.stderr
    );
    // Every kind of bad file: exit 2 with the file named and a reason.
    let slow: String = std::iter::once("time_s,acc_x,acc_y,acc_z".to_string())
        .chain((0..100).map(|i| format!("{},0,0,9.8", f64::from(i) * 0.1)))
        .collect::<Vec<_>>()
        .join("\n");
    let short: String = std::iter::once("time_s,acc_x,acc_y,acc_z".to_string())
        .chain((0..100).map(|i| format!("{},0,0,9.8", f64::from(i) * 0.01)))
        .collect::<Vec<_>>()
        .join("\n");
    for (name, content, words) in [
        ("empty.csv", String::new(), "empty"),
        (
            "words.csv",
            "Dear diary, I walked today.\n".to_string(),
            "not a recording",
        ),
        (
            "nan.csv",
            "time_s,acc_x,acc_y,acc_z\n0,1,2,3\n0.01,NaN,2,3\n".to_string(),
            "line 3",
        ),
        ("slow.csv", slow, "20 Hz"),
        ("short.csv", short, "5 s"),
    ] {
        let f = common::write(j.path(), name, &content);
        let r = run(&["gait", f.to_str().unwrap(), "--height-cm", "170"]);
        assert_eq!(r.code, 2, "{name}");
        assert!(
            r.stderr.contains(name) && r.stderr.contains(words),
            "{name}: {}",
            r.stderr
        );
    }
    let missing = run(&["gait", "/nonexistent/walk.csv", "--height-cm", "170"]);
    assert_eq!(missing.code, 2);
    let no_height = run(&[
        "--data-dir",
        j.path().to_str().unwrap(),
        "gait",
        file.to_str().unwrap(),
    ]);
    assert_eq!(no_height.code, 2);
    assert!(no_height.stderr.contains("--height-cm"));
}

/// Eight minutes of walking (the daily-life lab trial three times over and its straight walks),
/// as a phone's Sensor Logger folder.
fn long_recording_folder(dir: &std::path::Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(
        manifest_dir().join("../amble-gait/tests/data/HA_001_Test11_Trial1_imu.csv"),
    )
    .unwrap();
    let rows: Vec<Vec<f64>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(|c| c.parse().unwrap()).collect())
        .collect();
    let folder = dir.join("Walk 2026-01-05");
    std::fs::create_dir_all(&folder).unwrap();
    let mut total = String::from("time,seconds_elapsed,z,y,x\n");
    for k in 0..(rows.len() * 5) {
        let r = &rows[k % rows.len()];
        let t = k as f64 / 100.0;
        total.push_str(&format!(
            "{},{t:.3},{},{},{}\n",
            1_767_600_000_000_000_000u64 + (t * 1e9) as u64,
            r[3],
            r[2],
            r[1]
        ));
    }
    std::fs::write(folder.join("TotalAcceleration.csv"), total).unwrap();
    folder
}

/// `amble gait --attach`: the gait is stored on the walk, shown by `amble journal`, kept in the
/// journal's JSON, and the walk is checked before the recording is read.
#[test]
fn gait_attaches_to_a_walk() {
    let j = Journal::new();
    let r = j.run(
        "2026-01-05",
        &[
            "log",
            "walk",
            "--minutes",
            "12",
            "--pain-before",
            "2",
            "--pain-peak",
            "3",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let folder = long_recording_folder(j.path());
    let f = folder.to_str().unwrap();
    let r = j.run(
        "2026-01-05",
        &["gait", f, "--height-cm", "159", "--attach", "w-1"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Stored on walk w-1"), "{}", r.stdout);
    assert!(r.stdout.contains("In all: about"), "{}", r.stdout);
    assert!(r.stdout.contains("not a diagnosis"), "{}", r.stdout);
    let r = j.run("2026-01-05", &["journal"]);
    assert!(r.stdout.contains("gait "), "{}", r.stdout);
    assert!(
        r.stdout.contains("over the last 10 minutes of this walk")
            || r.stdout.contains("from the start to the end of this walk"),
        "the walk's gait section: {}",
        r.stdout
    );
    let r = j.run("2026-01-05", &["journal", "--json"]);
    let doc = r.json();
    let gait = &doc["entries"][0]["gait"];
    assert_eq!(gait["file"], "Walk 2026-01-05");
    assert!(gait["cadence_spm"].as_f64().unwrap() > 60.0);
    assert!(gait["windows"].as_array().unwrap().len() >= 2, "{gait}");
    // The JSON document of a longer walk has a drift with every key.
    let r = j.run("2026-01-05", &["gait", f, "--height-cm", "159", "--json"]);
    let drift = &r.json()["drift"];
    for k in [
        "window_s",
        "cadence_spm_per_10min",
        "stride_length_m_per_10min",
        "speed_mps_per_10min",
        "step_time_cv_change",
        "symmetry_change",
        "windows",
    ] {
        // symmetry_change is null with fewer than two windows of known symmetry.
        assert!(
            drift[k].is_number() || drift[k].is_array() || k == "symmetry_change",
            "{k}: {drift}"
        );
        assert!(drift.get(k).is_some(), "{k}");
    }
    let s = &drift["windows"][0]["symmetry"];
    assert!(s.is_number() || s.is_null(), "{s}");
    // A wrong id or kind is refused before the recording is read.
    let r = j.run(
        "2026-01-05",
        &["gait", f, "--height-cm", "159", "--attach", "w-9"],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("no journal walk with id \"w-9\""),
        "{}",
        r.stderr
    );
    j.run("2026-01-05", &["log", "morning", "--pain", "2"]);
    let r = j.run(
        "2026-01-06",
        &["gait", f, "--height-cm", "159", "--attach", "m-1"],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not a walk"), "{}", r.stderr);
}
