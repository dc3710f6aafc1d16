//! A new check-up keeps your level (docs/plan-rules.md), through the real binary: `amble
//! assess` again keeps the level the plan reached (by default, `--keep-level`, or asked when
//! interactive) or starts again (`--start-again`); a new warning sign keeps today's rules.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

mod common;

use common::*;
use serde_json::Value;

fn benign() -> String {
    manifest_dir()
        .join("tests/contract-examples/benign-ache-after-30-min.json")
        .to_string_lossy()
        .into_owned()
}

fn date(n: i64) -> String {
    use jiff::ToSpan;
    jiff::civil::date(2026, 1, 5)
        .saturating_add(n.days())
        .to_string()
}

/// A journal started on 2026-01-05 with six weeks in which every planned walk was walked and
/// went well: the plan has built up. Returns the plan of week 7 (on day 42).
fn six_good_weeks(j: &Journal) -> Value {
    j.ok(&date(0), &["assess", "--answers", &benign()]);
    for week in 0..6 {
        let plan = j.ok(&date(7 * week), &["plan", "--json"]).json();
        let w = &plan["walking"];
        let bouts = w["bouts_per_session"].as_u64().unwrap();
        let minutes = bouts * w["bout_minutes"].as_u64().unwrap();
        for k in 0..w["sessions_per_week"].as_i64().unwrap() {
            let d = date(7 * week + k);
            j.ok(
                &d,
                &[
                    "log",
                    "walk",
                    "--date",
                    &d,
                    "--minutes",
                    &minutes.to_string(),
                    "--bouts",
                    &bouts.to_string(),
                    "--pain-before",
                    "1",
                    "--pain-peak",
                    "2",
                ],
            );
        }
    }
    j.ok(&date(42), &["plan", "--json"]).json()
}

fn weekly(plan: &Value) -> u64 {
    plan["walking"]["weekly_minutes"].as_u64().unwrap()
}

fn last_entry(j: &Journal) -> Value {
    let journal = j.ok(&date(42), &["journal", "--json"]).json();
    journal["entries"]
        .as_array()
        .unwrap()
        .iter()
        .rfind(|e| e["kind"] == "assessment")
        .unwrap()
        .clone()
}

#[test]
fn a_new_checkup_keeps_the_level_by_default_and_says_so() {
    let j = Journal::new();
    let fresh = weekly(
        &j.ok(&date(0), &["plan", "--answers", &benign(), "--json"])
            .json(),
    );
    let before = six_good_weeks(&j);
    assert_eq!(before["week"], 7);
    assert!(weekly(&before) > fresh, "{before}");
    let out = j.ok(&date(42), &["assess", "--answers", &benign()]).stdout;
    assert_eq!(last_entry(&j)["keep_level"], true);
    let plan = j.ok(&date(42), &["plan", "--json"]).json();
    check_plan_contract(&plan);
    assert_eq!(plan["week"], 1, "weeks count from the new check-up");
    // The level reached: this week's walking, or more when week 7 is an easier week.
    assert!(weekly(&plan) >= weekly(&before), "{plan}");
    let w = &plan["walking"];
    let day_minutes =
        w["bouts_per_session"].as_u64().unwrap() * w["bout_minutes"].as_u64().unwrap();
    let line = format!(
        "Your plan keeps week 7: {day_minutes} minutes on {} days",
        w["sessions_per_week"]
    );
    assert!(out.contains(&line), "{line} in:\n{out}");
    let because = plan["decision"]["because"].to_string();
    assert!(because.contains("chose to keep your level"), "{because}");
    let text = j.ok(&date(42), &["plan"]).stdout;
    assert!(text.contains("chose to keep your level"), "{text}");
}

#[test]
fn start_again_restarts_at_week_1_and_says_so() {
    let j = Journal::new();
    let fresh = j
        .ok(&date(0), &["plan", "--answers", &benign(), "--json"])
        .json();
    six_good_weeks(&j);
    let out = j
        .ok(
            &date(42),
            &["assess", "--answers", &benign(), "--start-again"],
        )
        .stdout;
    assert!(out.contains("Your plan starts again from week 1:"), "{out}");
    assert!(last_entry(&j).get("keep_level").is_none());
    let plan = j.ok(&date(42), &["plan", "--json"]).json();
    assert_eq!(plan["week"], 1);
    assert_eq!(plan["walking"], fresh["walking"]);
    assert_eq!(plan["decision"]["kind"], "start");

    // Both flags at once is a mistake, said as one.
    let r = j.run(
        &date(42),
        &[
            "assess",
            "--answers",
            &benign(),
            "--keep-level",
            "--start-again",
        ],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--start-again"), "{}", r.stderr);
}

#[test]
fn a_new_warning_sign_keeps_todays_rules_even_with_keep_level() {
    let j = Journal::new();
    six_good_weeks(&j);
    let mut worse: Value =
        serde_json::from_str(&std::fs::read_to_string(benign()).unwrap()).unwrap();
    worse["red_flags"]["constant_night_pain"] = true.into();
    let file = write(j.path(), "worse.json", &worse.to_string());
    let out = j
        .ok(
            &date(42),
            &[
                "assess",
                "--answers",
                file.to_str().unwrap(),
                "--keep-level",
            ],
        )
        .stdout;
    assert!(!out.contains("Your plan keeps week"), "{out}");
    assert!(last_entry(&j).get("keep_level").is_none());
    let plan = j.ok(&date(42), &["plan", "--json"]).json();
    assert_eq!(plan["status"], "paused", "{plan}");
}

/// The interactive check-up ends with the question, keeping as the default; "s" starts again.
#[test]
fn the_interactive_checkup_asks_keep_or_start_again() {
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
    input.push('\n'); // the PEG, skipped
    input.push('\n'); // no PSFS activity
    for (reply, kept) in [("s\n", false), ("\n", true)] {
        let j = Journal::new();
        six_good_weeks(&j);
        let mut args = vec!["--data-dir", j.path().to_str().unwrap(), "--today"];
        let today = date(42);
        args.push(&today);
        args.push("assess");
        let r = run_with_stdin(&args, &format!("{input}{reply}"));
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(
            r.stderr
                .contains("Keep my level (k) or start again from week 1 (s)?"),
            "{}",
            r.stderr
        );
        assert!(
            r.stderr.contains("Your plan had reached week 7"),
            "{}",
            r.stderr
        );
        let said = if kept {
            "Your plan keeps week 7:"
        } else {
            "Your plan starts again from week 1:"
        };
        assert!(r.stdout.contains(said), "{said} in {}", r.stdout);
        assert_eq!(last_entry(&j).get("keep_level").is_some(), kept);
    }
}
