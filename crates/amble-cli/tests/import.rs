//! `amble import` end to end: the `amble.import/1` document, exit codes, dry runs, and imported
//! walks in the journal and the plan.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

mod common;

use common::*;

fn data(rel: &str) -> String {
    manifest_dir()
        .join("../amble-imports/tests/data")
        .join(rel)
        .to_string_lossy()
        .into_owned()
}

fn check_import_contract(doc: &serde_json::Value) {
    assert_eq!(doc["schema"], "amble.import/1");
    for k in ["imported", "duplicates", "daily_metrics"] {
        assert!(doc[k].is_u64(), "{k}");
    }
    for s in doc["skipped"].as_array().unwrap() {
        assert!(s["file"].is_string() && s["reason"].is_string());
    }
    for e in doc["errors"].as_array().unwrap() {
        assert!(e["file"].is_string() && e["message"].is_string());
    }
}

#[test]
fn import_reports_exits_and_is_idempotent() {
    let j = Journal::new();
    let walk = data("fitparse/garmin-fenix-5-walk.fit");
    let zip = data("imports/apple-health-3d/export.zip");
    let settings = data("imports/Settings.fit");
    let r = j.ok("2026-11-26", &["import", &walk, &zip, &settings, "--json"]);
    let doc = r.json();
    check_import_contract(&doc);
    assert_eq!(
        (
            doc["imported"].as_u64(),
            doc["daily_metrics"].as_u64(),
            doc["duplicates"].as_u64()
        ),
        (Some(4), Some(3), Some(0))
    );
    assert_eq!(
        doc["skipped"][0]["file"],
        settings.as_str(),
        "files are named as given"
    );
    assert!(
        doc["skipped"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("settings")
    );
    let again = j
        .ok("2026-11-26", &["import", &walk, &zip, "--json"])
        .json();
    assert_eq!(
        (
            again["imported"].as_u64(),
            again["duplicates"].as_u64(),
            again["daily_metrics"].as_u64()
        ),
        (Some(0), Some(4), Some(0))
    );

    // Journal: walks from devices, waiting for pain ratings; daily metrics as their own kind.
    let journal = j.ok("2026-11-26", &["journal", "--json"]).json();
    check_journal_contract(&journal);
    let entries = journal["entries"].as_array().unwrap();
    assert_eq!(
        entries
            .iter()
            .filter(|e| e["kind"] == "daily_metrics")
            .count(),
        3
    );
    let needs = j
        .ok("2026-11-26", &["journal", "--needs-pain", "--json"])
        .json();
    assert_eq!(needs["entries"].as_array().unwrap().len(), 4);
    let apple = entries
        .iter()
        .find(|e| e["source"] == "apple_health")
        .unwrap();
    assert_eq!(apple["start"], "2024-06-03T17:14:00+01:00");
    assert_eq!(apple["steps"], 2437);
}

#[test]
fn a_file_with_errors_exits_2_and_still_imports_the_rest() {
    let j = Journal::new();
    let r = j.run(
        "2026-11-26",
        &[
            "import",
            &data("fitparse/activity-unexpected-eof.fit"),
            &data("fitparse/garmin-fenix-5-walk.fit"),
            "--json",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    // With --json, stderr names the file that failed and why (contract: the message names the
    // file), then sums up; stdout stays the one document.
    let lines: Vec<&str> = r.stderr.trim().lines().collect();
    assert_eq!(
        lines.len(),
        2,
        "one line per failed file and a summary: {}",
        r.stderr
    );
    assert!(
        lines[0].contains("activity-unexpected-eof.fit") && lines[0].contains("truncated"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("garmin-fenix-5-walk.fit"),
        "only failed files are named: {}",
        r.stderr
    );
    assert!(
        lines[1].contains("1 file could not be imported"),
        "{}",
        r.stderr
    );
    let doc = r.json();
    check_import_contract(&doc);
    assert_eq!(doc["imported"], 1);
    assert!(
        doc["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("truncated")
    );
    assert!(
        doc["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("byte 768"),
        "{doc}"
    );
    let human = j.run(
        "2026-11-26",
        &["import", &data("fitparse/activity-unexpected-eof.fit")],
    );
    assert_eq!(human.code, 2);
    assert!(
        human.stdout.contains("Errors (1)") && human.stdout.contains("activity-unexpected-eof.fit"),
        "{}",
        human.stdout
    );
    assert!(
        !human.stderr.contains("importing"),
        "no progress bar when not on a terminal"
    );
}

/// Two broken files: stderr names each of them with --json.
#[test]
fn with_json_stderr_names_every_file_that_failed() {
    let j = Journal::new();
    let dir = tempfile::tempdir().unwrap();
    let notes = write(
        dir.path(),
        "notes.fit",
        "a text file, not a FIT file at all",
    );
    let eof = data("fitparse/activity-unexpected-eof.fit");
    let r = j.run(
        "2026-11-26",
        &["import", &eof, notes.to_str().unwrap(), "--json"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    let doc = r.json();
    check_import_contract(&doc);
    assert_eq!(doc["errors"].as_array().unwrap().len(), 2, "{doc}");
    for e in doc["errors"].as_array().unwrap() {
        let file = e["file"].as_str().unwrap();
        let message = e["message"].as_str().unwrap();
        assert!(
            r.stderr
                .lines()
                .any(|l| l.contains(file) && l.contains(message)),
            "stderr names {file} with its message: {}",
            r.stderr
        );
    }
    assert!(
        r.stderr.contains("2 files could not be imported"),
        "{}",
        r.stderr
    );
}

/// A valid GPX whose clock says 1901 is a skip with its reason: the run succeeds and the other
/// file imports.
#[test]
fn a_recording_dated_1901_is_a_skip_not_an_error() {
    let j = Journal::new();
    let dir = tempfile::tempdir().unwrap();
    let mut points = String::new();
    for i in 0..100 {
        let lat = 51.5 + f64::from(i) * 2.0 / 111_195.0;
        points.push_str(&format!(
            "<trkpt lat=\"{lat:.7}\" lon=\"-0.12\"><time>1901-06-01T09:{:02}:{:02}Z</time></trkpt>",
            i * 2 / 60,
            i * 2 % 60
        ));
    }
    let gpx = format!(
        "<?xml version=\"1.0\"?>\n<gpx version=\"1.1\" creator=\"test\" xmlns=\"http://www.topografix.com/GPX/1/1\"><trk><trkseg>{points}</trkseg></trk></gpx>"
    );
    let old = write(dir.path(), "old-clock.gpx", &gpx);
    let walk = data("fitparse/garmin-fenix-5-walk.fit");
    let r = j.run(
        "2026-11-26",
        &["import", old.to_str().unwrap(), &walk, "--json"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.trim().is_empty(), "{}", r.stderr);
    let doc = r.json();
    check_import_contract(&doc);
    assert_eq!(doc["imported"], 1, "{doc}");
    assert_eq!(doc["errors"].as_array().unwrap().len(), 0, "{doc}");
    let skipped = doc["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1, "{doc}");
    assert_eq!(skipped[0]["file"], old.to_str().unwrap());
    let reason = skipped[0]["reason"].as_str().unwrap();
    assert!(
        reason.contains("1901-06-01") && reason.contains("not plausible"),
        "{reason}"
    );
    // Without --json the skip and its reason are listed, and the run still succeeds.
    let human = j.run("2026-11-26", &["import", old.to_str().unwrap()]);
    assert_eq!(human.code, 0, "{}", human.stderr);
    assert!(
        human.stdout.contains("Skipped (1)") && human.stdout.contains("old-clock.gpx"),
        "{}",
        human.stdout
    );
}

#[test]
fn dry_run_changes_nothing() {
    let j = Journal::new();
    let r = j.ok(
        "2026-11-26",
        &[
            "import",
            "--dry-run",
            &data("imports"),
            &data("fitparse/garmin-fenix-5-walk.fit"),
        ],
    );
    assert!(
        r.stdout.contains("Would import") && r.stdout.contains("dry run"),
        "{}",
        r.stdout
    );
    // Not even a journal file is created.
    assert!(
        std::fs::read_dir(j.path()).unwrap().next().is_none(),
        "a dry run created files"
    );
    assert_eq!(
        j.ok("2026-11-26", &["journal", "--json"]).json()["entries"],
        serde_json::json!([])
    );
}

#[test]
fn imported_walks_count_in_the_plan() {
    let j = Journal::new();
    j.ok(
        "2024-06-03",
        &[
            "assess",
            "--answers",
            &manifest_dir()
                .join("tests/contract-examples/benign-ache-after-30-min.json")
                .to_string_lossy(),
        ],
    );
    j.ok(
        "2024-06-10",
        &["import", &data("imports/apple-health-3d/export.zip")],
    );
    let plan = j.ok("2024-06-10", &["plan", "--json"]).json();
    assert_eq!(plan["week"], 2);
    let human = j.ok("2024-06-10", &["plan"]).stdout;
    // 22.5 + 50.5 + 44.5 minutes walked in week 1, none rated yet.
    assert!(human.contains("walked 118 min"), "{human}");
    assert!(human.contains("3 walks without pain"), "{human}");
}

#[test]
fn imported_daily_steps_show_on_the_progress_page() {
    let j = Journal::new();
    j.ok(
        "2024-06-03",
        &[
            "assess",
            "--answers",
            &manifest_dir()
                .join("tests/contract-examples/benign-ache-after-30-min.json")
                .to_string_lossy(),
        ],
    );
    j.ok(
        "2024-06-06",
        &["import", &data("imports/apple-health-3d/export.zip")],
    );
    // The web app reads the same journal: start it and fetch the progress page.
    let mut child = amble()
        .args([
            "--data-dir",
            j.path().to_str().unwrap(),
            "--today",
            "2024-06-06",
            "serve",
            "--bind",
            "127.0.0.1:0",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let port: u16 = line
        .trim()
        .trim_start_matches("http://127.0.0.1:")
        .trim_end_matches('/')
        .parse()
        .unwrap();
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    std::io::Write::write_all(
        &mut s,
        b"GET /progress HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    )
    .unwrap();
    let mut page = String::new();
    std::io::Read::read_to_string(&mut s, &mut page).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(page.contains("Steps each day"), "{page}");
    assert!(
        page.contains("2024-06-03: 40670 steps, walking speed 4.0 km/h."),
        "the day's de-duplicated total and speed"
    );
}

/// Names from a folder or an archive reach the terminal with their control characters escaped:
/// a name cannot clear the screen, colour the output or print a line of its own (with or
/// without --json; the JSON document keeps the name as it is, JSON-escaped).
#[cfg(unix)]
#[test]
fn control_characters_in_names_are_shown_escaped() {
    let j = Journal::new();
    let dir = tempfile::tempdir().unwrap();
    let trick = "\u{1b}[2J\u{1b}[31mred\nImported 99 walks.\r.gpx";
    write(dir.path(), trick, "not a GPX file");
    write(dir.path(), "skip\u{1b}[31m.txt", "nothing");
    let folder = dir.path().to_str().unwrap();
    for json in [false, true] {
        let mut args = vec!["import", folder, "--dry-run"];
        if json {
            args.push("--json");
        }
        let r = j.run("2026-11-26", &args);
        assert_eq!(r.code, 2, "{}", r.stderr);
        for (stream, text) in [("stdout", &r.stdout), ("stderr", &r.stderr)] {
            assert!(
                !text.contains(['\u{1b}', '\r']),
                "{stream} (--json {json}) holds raw control characters: {text:?}"
            );
            assert!(
                !text.lines().any(|l| l.starts_with("Imported 99")),
                "{stream}: a line of its own: {text}"
            );
        }
        let shown = if json { &r.stderr } else { &r.stdout };
        assert!(
            shown.contains("\\u{1b}[2J\\u{1b}[31mred\\nImported 99 walks.\\r.gpx"),
            "the name escaped: {shown}"
        );
        if json {
            let doc = r.json();
            assert!(
                doc["errors"][0]["file"]
                    .as_str()
                    .is_some_and(|f| f.ends_with(trick)),
                "{doc}"
            );
        } else {
            assert!(r.stdout.contains("skip\\u{1b}[31m.txt"), "{}", r.stdout);
        }
    }
}
