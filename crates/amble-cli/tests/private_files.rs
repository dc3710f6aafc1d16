//! Files Amble writes hold health data: exports, reports and calendars are created 0600, also
//! when they replace a file that was readable by others.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures
#![cfg(unix)]

mod common;

use std::os::unix::fs::PermissionsExt;

use common::*;

fn mode(p: &std::path::Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn exports_reports_and_calendars_are_0600() {
    let j = Journal::new();
    let answers = manifest_dir().join("tests/contract-examples/benign-ache-after-30-min.json");
    j.ok(
        "2026-03-01",
        &["assess", "--answers", &answers.to_string_lossy()],
    );
    j.ok("2026-03-01", &["log", "morning", "--pain", "3"]);
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("journal.csv");
    let report = dir.path().join("report.html");
    let ics = dir.path().join("walks.ics");
    // A report that already exists, readable by everyone, is narrowed too.
    std::fs::write(&report, "old").unwrap();
    std::fs::set_permissions(&report, std::fs::Permissions::from_mode(0o644)).unwrap();
    j.ok(
        "2026-03-02",
        &["export", "--format", "csv", "-o", csv.to_str().unwrap()],
    );
    j.ok("2026-03-02", &["report", "-o", report.to_str().unwrap()]);
    j.ok(
        "2026-03-02",
        &["remind", "--ics", "-o", ics.to_str().unwrap()],
    );
    for f in [&csv, &report, &ics] {
        assert_eq!(mode(f), 0o600, "{}", f.display());
        assert!(std::fs::metadata(f).unwrap().len() > 3, "{}", f.display());
    }
}
