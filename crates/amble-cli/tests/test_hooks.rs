//! Test hooks (`AMBLE_TEST_PAUSE_BEFORE_COMMIT`, `AMBLE_TEST_FAIL_SAVE`, and any later
//! `AMBLE_TEST_*`) exist only in builds with debug assertions: what `cargo test` runs, never
//! a release binary. Each place that reads one sits right under `#[cfg(debug_assertions)]`.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

use std::path::Path;

fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push((
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            ));
        }
    }
}

#[test]
fn test_hooks_are_compiled_only_with_debug_assertions() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for c in std::fs::read_dir(&crates).unwrap() {
        let src = c.unwrap().path().join("src");
        if src.is_dir() {
            sources(&src, &mut files);
        }
    }
    let mut hooks = 0;
    for (name, text) in &files {
        let lines: Vec<&str> = text.lines().collect();
        for (n, line) in lines.iter().enumerate() {
            if !line.contains("env::var") || !line.contains("\"AMBLE_TEST_") {
                continue;
            }
            hooks += 1;
            let guarded = lines[n.saturating_sub(2)..n]
                .iter()
                .any(|l| l.trim() == "#[cfg(debug_assertions)]");
            assert!(
                guarded,
                "{name}:{}: a test hook outside #[cfg(debug_assertions)]: {line}",
                n + 1
            );
        }
    }
    assert!(hooks >= 2, "the hooks were found ({hooks})");
}

/// Every variable a test suite reads to run more (a database, a browser, replicas) is named in
/// the README's "Tests" section, so `cargo test` cannot skip a suite nobody knows how to run.
#[test]
fn the_readme_names_every_variable_the_suites_read() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let tests = readme
        .split("\n## Tests\n")
        .nth(1)
        .and_then(|t| t.split("\n## ").next())
        .expect("README.md has a Tests section");
    assert!(tests.contains("bash .ci/run"), "{tests}");
    let mut files = Vec::new();
    for c in std::fs::read_dir(root.join("crates")).unwrap() {
        let dir = c.unwrap().path().join("tests");
        if dir.is_dir() {
            sources(&dir, &mut files);
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for (_, text) in &files {
        for part in text.split('"').skip(1).step_by(2) {
            let var = part.trim();
            let suite = ["AMBLE_TEST_", "AMBLE_E2E_", "AMBLE_PG_"]
                .iter()
                .any(|p| var.starts_with(p));
            let hook = ["AMBLE_TEST_PAUSE_BEFORE_COMMIT", "AMBLE_TEST_FAIL_SAVE"].contains(&var);
            if suite && !hook && var.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
                seen.insert(var.to_string());
            }
        }
    }
    assert!(seen.contains("AMBLE_TEST_DATABASE_URL"), "{seen:?}");
    for var in &seen {
        assert!(
            tests.contains(var),
            "README.md's Tests section does not name {var}"
        );
    }
}
