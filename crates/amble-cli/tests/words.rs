//! Words for people in the terminal: the human output of every command, run on a journal with
//! a bit of everything, shows no program names (exercise, pattern or answer ids, factor keys,
//! bracketed keys, entry ids) and none of the known slips; parser messages are in words.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

mod common;

use amble_core::knowledge::KnowledgeBase;
use common::{Journal, Run, run, write};

/// Program names and slips in a text, each with a few words around it.
fn program_names(text: &str, ids: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    let words: Vec<&str> = text.split_whitespace().collect();
    let around = |i: usize| words[i.saturating_sub(4)..(i + 5).min(words.len())].join(" ");
    for (i, raw) in words.iter().enumerate() {
        // Commands and flags to type are program text on purpose (`amble log morning`,
        // --pain-before): skip what is quoted in backticks or starts with a dash.
        if raw.contains('`') || raw.starts_with('-') {
            continue;
        }
        let w =
            raw.trim_matches(|c: char| !(c.is_alphanumeric() || c == '_' || c == '[' || c == ']'));
        let core = w.trim_matches(|c| c == '[' || c == ']');
        if core.contains('_') && core.chars().any(|c| c.is_ascii_lowercase()) {
            found.push(format!("snake_case {core:?}: {}", around(i)));
        } else if ids.iter().any(|id| id == core) {
            found.push(format!("id {core:?}: {}", around(i)));
        }
        if raw.starts_with('[')
            && raw[1..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_lowercase())
            && (raw.contains('.') || raw.contains('_'))
        {
            found.push(format!("bracketed key {raw:?}: {}", around(i)));
        }
        let bare = raw.trim_matches(|c: char| !c.is_alphanumeric());
        if let Some((a, n)) = bare.split_once('-')
            && a.len() == 1
            && a.chars().all(|c| c.is_ascii_lowercase())
            && !n.is_empty()
            && n.chars().all(|c| c.is_ascii_digit())
        {
            found.push(format!("entry id {bare:?}: {}", around(i)));
        }
        if raw.contains("docs/") || raw.ends_with(".md") {
            found.push(format!("path {raw:?}: {}", around(i)));
        }
        if *raw == "1" && i + 1 < words.len() {
            let next = words[i + 1].trim_matches(|c: char| !c.is_alphanumeric());
            let next2 = words
                .get(i + 2)
                .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
                .unwrap_or("");
            let plural = |w: &str| {
                w.len() > 3
                    && w.starts_with(|c: char| c.is_ascii_lowercase())
                    && w.ends_with('s')
                    && !w.ends_with("ss")
                    && !w.ends_with("us")
            };
            if plural(next) || (next.ends_with("ing") && plural(next2)) {
                found.push(format!("plural after 1: {}", around(i)));
            }
        }
    }
    for raw in ["..=", "parameter '", "invalid digit", "Amble - Amble"] {
        if text.contains(raw) {
            found.push(format!("{raw:?}"));
        }
    }
    found
}

fn content_ids(kb: &KnowledgeBase) -> Vec<String> {
    let mut ids: Vec<String> = kb.exercises.iter().map(|e| e.id.clone()).collect();
    ids.extend(kb.patterns.iter().map(|p| p.id.clone()));
    ids.extend(kb.flags.iter().map(|f| f.id.clone()));
    ids.extend(kb.questions.iter().map(|q| q.id.clone()));
    ids.retain(|id| id.contains('_') || id.contains('.'));
    ids
}

#[test]
fn the_terminal_speaks_in_words() {
    let kb = KnowledgeBase::embedded().unwrap();
    let ids = content_ids(&kb);
    let j = Journal::new();
    let answers =
        common::manifest_dir().join("tests/contract-examples/benign-ache-after-30-min.json");
    let answers = answers.to_str().unwrap();
    let today = "2026-04-06";
    let mut outputs: Vec<(String, Run)> = Vec::new();
    let mut keep = |what: &str, r: Run| outputs.push((what.to_string(), r));
    keep(
        "assess",
        j.run("2026-03-02", &["assess", "--answers", answers]),
    );
    log_five_weeks(&j, today, &mut keep);
    for (what, args) in [
        ("plan", vec!["plan"]),
        ("today", vec!["today"]),
        ("insights", vec!["insights"]),
        ("learn", vec!["learn"]),
        ("journal --needs-pain", vec!["journal", "--needs-pain"]),
        ("plan --answers", vec!["plan", "--answers", answers]),
        (
            "assess --answers (stateless)",
            vec!["assess", "--answers", answers],
        ),
        (
            "experiment schedule",
            vec!["experiment", "schedule", "--factor", "surface"],
        ),
        (
            "bad date",
            vec!["log", "morning", "--date", "2026-02-30", "--pain", "2"],
        ),
        ("bad month", vec!["insights", "--from", "2026-13-01"]),
        (
            "journal edit",
            vec!["journal", "edit", "m-1", "--pain", "3"],
        ),
        ("journal delete", vec!["journal", "delete", "m-2", "--yes"]),
    ] {
        keep(what, j.run(today, &args));
    }
    let examples = common::manifest_dir().join("tests/contract-examples");
    for name in [
        "older-walker-legs-heavy.json",
        "with-instruments.json",
        "red-flag-saddle-numbness.json",
    ] {
        let f = examples.join(name);
        let f = f.to_str().unwrap();
        keep("assess an example", run(&["assess", "--answers", f]));
        keep("plan an example", run(&["plan", "--answers", f]));
    }
    let out = tempfile::tempdir().unwrap();
    for (what, args) in [
        ("report", vec!["report", "-o"]),
        ("remind", vec!["remind", "--ics", "-o"]),
        ("export", vec!["export", "--format", "csv", "-o"]),
    ] {
        let file = out.path().join(what);
        let mut args = args.clone();
        args.push(file.to_str().unwrap());
        keep(what, j.run(today, &args));
    }
    for t in &kb.learn {
        keep("learn topic", j.run(today, &["learn", &t.id]));
    }
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "x.json", "{");
    keep(
        "assess a broken file",
        run(&["assess", "--answers", f.to_str().unwrap()]),
    );
    // The journal listing keeps each entry's id in its own column: it is the handle that
    // `amble journal edit ID` and `delete ID` take. Everything after it is words.
    let listing = j.run(today, &["journal"]);
    assert_eq!(listing.code, 0, "{}", listing.stderr);
    let rest: String = listing
        .stdout
        .lines()
        .map(|l| l.split_once(' ').map_or(l, |(_, r)| r))
        .collect::<Vec<_>>()
        .join("\n");
    let mut problems: Vec<String> = program_names(&rest, &ids)
        .into_iter()
        .map(|p| format!("journal: {p}"))
        .collect();
    let mut seen = std::collections::BTreeSet::new();
    for (what, r) in &outputs {
        assert!(
            r.code == 0
                || what.starts_with("bad")
                || what.contains("broken")
                || what.starts_with("experiment"),
            "{what}: {}",
            r.stderr
        );
        for p in program_names(&r.stdout, &ids)
            .into_iter()
            .chain(program_names(&r.stderr, &ids))
        {
            if seen.insert(format!("{what}: {p}")) {
                problems.push(format!("{what}: {p}"));
            }
        }
    }
    let bad = &outputs.iter().find(|(w, _)| w == "bad date").unwrap().1;
    assert!(
        bad.stderr.contains("the date 2026-02-30 does not exist"),
        "{}",
        bad.stderr
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Five weeks of walks (one with a pain of 6), mornings and exercise sessions, each logged by
/// the CLI; `keep` takes each run.
fn log_five_weeks(j: &Journal, today: &str, keep: &mut impl FnMut(&str, Run)) {
    for d in 0..35u32 {
        let date = format!("2026-{:02}-{:02}", 3 + (d + 1) / 32, 1 + (d + 1) % 32);
        let Ok(date) = amble_core::words::date(&date) else {
            continue;
        };
        let date = date.to_string();
        if d % 2 == 0 {
            let peak = if d == 12 { "6" } else { "2" };
            let minutes = (15 + d / 3).to_string();
            keep(
                "log walk",
                j.run(
                    today,
                    &[
                        "log",
                        "walk",
                        "--date",
                        &date,
                        "--minutes",
                        &minutes,
                        "--pain-before",
                        "1",
                        "--pain-peak",
                        peak,
                        "--bouts",
                        "1",
                    ],
                ),
            );
        }
        if d % 3 == 0 {
            keep(
                "log morning",
                j.run(today, &["log", "morning", "--date", &date, "--pain", "2"]),
            );
        }
        if d % 5 == 0 {
            keep(
                "log exercise",
                j.run(
                    today,
                    &[
                        "log", "exercise", "--date", &date, "--id", "bird_dog", "--sets", "2",
                    ],
                ),
            );
        }
    }
}
