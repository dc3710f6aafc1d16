//! Free text refuses control characters and direction overrides (docs/core-rules.md, "Text"):
//! answers files, logged walks and imported journals, each naming the file, the field and the
//! character by its code point.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

mod common;

use common::*;
use serde_json::Value;

fn answers_with_activity(activity: &str) -> String {
    let path = manifest_dir().join("tests/contract-examples/with-instruments.json");
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    v["instruments"]["psfs"][0]["activity"] = Value::String(activity.into());
    v.to_string()
}

#[test]
fn an_answers_file_with_a_direction_override_or_a_bell_is_refused() {
    let j = Journal::new();
    for (activity, code) in [
        (
            "walk the dog\u{202E} 3/10",
            "U+202E, a right-to-left override",
        ),
        ("stand\u{7} in a queue", "U+0007, a bell"),
        ("two\nlines", "U+000A, a line break"),
        ("isolate \u{2067}", "U+2067"),
    ] {
        let f = write(j.path(), "inj.json", &answers_with_activity(activity));
        let r = j.run("2026-11-02", &["assess", "--answers", f.to_str().unwrap()]);
        assert_eq!(r.code, 2, "{activity:?}: {}", r.stderr);
        assert!(
            r.stderr.contains("inj.json")
                && r.stderr.contains("instruments.psfs[0].activity")
                && r.stderr.contains(code),
            "{activity:?}: {}",
            r.stderr
        );
        assert!(
            !r.stderr.contains('\u{202E}') && !r.stderr.contains('\u{7}'),
            "the character is named, not printed"
        );
    }
    // Nothing was stored; the same file without it is taken.
    let f = write(j.path(), "ok.json", &answers_with_activity("walk the dog"));
    j.ok("2026-11-02", &["assess", "--answers", f.to_str().unwrap()]);
}

#[test]
fn a_walk_with_a_control_character_is_refused_and_notes_keep_their_lines() {
    let j = Journal::new();
    let walk = |extra: &[&str]| {
        let mut args = vec![
            "log",
            "walk",
            "--minutes",
            "15",
            "--pain-before",
            "2",
            "--pain-peak",
            "3",
        ];
        args.extend_from_slice(extra);
        j.run("2026-11-02", &args)
    };
    let r = walk(&["--surface", "gravel\u{1b}[31m"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("surface") && r.stderr.contains("U+001B"),
        "{}",
        r.stderr
    );
    let r = walk(&["--notes", "felt fine \u{202D}reversed"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("notes") && r.stderr.contains("U+202D"),
        "{}",
        r.stderr
    );
    walk(&["--notes", "first lap easy\nsecond\tslower"]);
    let journal: Value = serde_json::from_str(&j.export()).unwrap();
    let entries = journal["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "only the clean walk: {journal}");
    assert_eq!(entries[0]["notes"], "first lap easy\nsecond\tslower");
}

#[test]
fn a_journal_holding_a_direction_override_is_refused_on_import_naming_the_entry() {
    let j = Journal::new();
    j.ok(
        "2026-11-02",
        &[
            "log",
            "walk",
            "--minutes",
            "15",
            "--pain-before",
            "2",
            "--pain-peak",
            "3",
            "--shoes",
            "trail shoes",
        ],
    );
    let clean = j.export();
    let tampered = clean.replace("trail shoes", "trail\u{202E}shoes");
    assert_ne!(clean, tampered);
    let k = Journal::new();
    let f = write(k.path(), "old.json", &tampered);
    let r = k.run("2026-11-03", &["journal", "import", f.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("old.json")
            && r.stderr.contains("entries[0] (w-1)")
            && r.stderr.contains("shoes")
            && r.stderr.contains("U+202E"),
        "{}",
        r.stderr
    );
    let f = write(k.path(), "clean.json", &clean);
    k.ok("2026-11-03", &["journal", "import", f.to_str().unwrap()]);
}

/// The interactive questions keep what text may hold of what was typed (as they keep the
/// first 80 characters), so a stray key never ends a long check-up with an error.
#[test]
fn the_interactive_psfs_question_leaves_refused_characters_out() {
    let kb = amble_core::KnowledgeBase::embedded().unwrap();
    let facts = amble_core::Answers::default().facts();
    let flags = kb.red_flag_questions_for(&facts).count();
    let others = kb
        .questions
        .iter()
        .filter(|q| !q.is_red_flag() && q.applies(&facts))
        .count();
    let mut input = "n\n".repeat(flags);
    input.push_str(&"\n".repeat(others));
    input.push_str("5\n4\n6\n"); // the PEG
    input.push_str("walk to the\u{7} shops\u{202E}\n4\n\n");
    let j = Journal::new();
    let args = [
        "--data-dir",
        j.path().to_str().unwrap(),
        "--today",
        "2026-01-05",
        "assess",
        "--json",
    ];
    let r = run_with_stdin(&args, &input);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let journal = j.ok("2026-01-05", &["journal", "--json"]).json();
    assert_eq!(
        journal["entries"][0]["answers"]["instruments"]["psfs"][0]["activity"],
        "walk to the shops"
    );
}
