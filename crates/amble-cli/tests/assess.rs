//! End-to-end tests of `amble assess` against the real binary.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

mod common;

use common::*;
use serde_json::Value;

fn vignette_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(vignette_dir())
        .expect("vignettes folder")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_suffix(".json"))
                .map(str::to_string)
        })
        .collect();
    names.sort();
    names
}

fn expected() -> toml::Table {
    let text =
        std::fs::read_to_string(vignette_dir().join("expected.toml")).expect("expected.toml");
    toml::from_str(&text).expect("expected.toml parses")
}

fn assess_json(path: &std::path::Path) -> Value {
    let path = path.to_str().expect("utf-8 path");
    let r = run(&["assess", "--answers", path, "--json"]);
    assert_eq!(r.code, 0, "{path}: {}", r.stderr);
    assert!(
        r.stderr.is_empty(),
        "nothing on stderr for a good file: {}",
        r.stderr
    );
    r.json()
}

/// The contract's example answers, as copied into this repository; when the shared folder
/// sits beside the checkout, its current copies are checked too.
fn example_dirs() -> Vec<std::path::PathBuf> {
    let mut dirs = vec![manifest_dir().join("tests/contract-examples")];
    let shared = shared_dir().join("examples/answers");
    if shared.is_dir() {
        dirs.push(shared);
    }
    dirs
}

#[test]
fn shared_examples_match_the_contract() {
    let mut seen = 0;
    for dir in example_dirs() {
        for entry in std::fs::read_dir(&dir).expect("examples folder") {
            let path = entry.expect("entry").path();
            if path.extension().and_then(|e| e.to_str()) != Some("json") {
                continue;
            }
            let doc = assess_json(&path);
            check_assessment_contract(&doc);
            seen += 1;
        }
    }
    assert!(seen >= 4, "found the contract examples");
}

#[test]
fn shared_examples_give_the_expected_results() {
    let dir = manifest_dir().join("tests/contract-examples");
    let red = assess_json(&dir.join("red-flag-saddle-numbness.json"));
    assert_eq!(red["triage"]["tier"], "emergency");
    assert_eq!(red["plan_status"], "blocked");
    assert_eq!(red["triage"]["flags"][0]["id"], "cauda_equina");
    assert_eq!(
        red["triage"]["flags"][0]["because"][0],
        "red_flags.saddle_numbness"
    );

    let older = assess_json(&dir.join("older-walker-legs-heavy.json"));
    assert_eq!(older["patterns"][0]["id"], "lss_nc");
    assert_eq!(older["patterns"][0]["strength"], "strong");
    // At 74 the minor-fall question applies (contract §1) and this example leaves it open, so
    // the plan waits for it; answered no, the plan is allowed.
    assert_eq!(
        older["triage"]["unanswered"],
        serde_json::json!(["red_flags.minor_trauma"])
    );
    assert_eq!(older["plan_status"], "paused");
    let text = std::fs::read_to_string(dir.join("older-walker-legs-heavy.json")).expect("example");
    let mut answered: Value = serde_json::from_str(&text).expect("json");
    answered["red_flags"]["minor_trauma"] = Value::Bool(false);
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = write(tmp.path(), "older.json", &answered.to_string());
    assert_eq!(assess_json(&path)["plan_status"], "allowed");

    let benign = assess_json(&dir.join("benign-ache-after-30-min.json"));
    assert_eq!(benign["triage"]["tier"], "none");
    assert_eq!(benign["patterns"][0]["id"], "nslbp_fatigue");

    let ins = assess_json(&dir.join("with-instruments.json"));
    assert_eq!(
        ins["instruments"]["startback"],
        serde_json::json!({"total": 4, "psychosocial": 1, "risk": "medium"})
    );
    assert_eq!(
        ins["instruments"]["odi"],
        serde_json::json!({"percent": 36, "answered": 9, "band": "moderate"})
    );
    assert_eq!(ins["instruments"]["psfs"]["mean"], 4.0);
    assert!(
        ins["instruments"].get("rmdq").is_none(),
        "an instrument appears only when given"
    );
    assert_eq!(
        ins["patterns"][0]["id"], "nslbp_fatigue",
        "nothing else scores: nslbp_fatigue is listed"
    );
}

#[test]
fn every_vignette_matches_the_contract_and_its_expectations() {
    let expected = expected();
    let names = vignette_names();
    assert!(
        names.len() >= 25,
        "at least 25 vignettes, found {}",
        names.len()
    );
    for name in &names {
        let want = expected
            .get(name)
            .and_then(|v| v.as_table())
            .unwrap_or_else(|| panic!("{name} has no entry in expected.toml"));
        let doc = assess_json(&vignette_dir().join(format!("{name}.json")));
        check_assessment_contract(&doc);
        let tier = want
            .get("tier")
            .and_then(|v| v.as_str())
            .unwrap_or_else(|| panic!("{name}: tier"));
        assert_eq!(doc["triage"]["tier"], tier, "{name}: tier");
        let mut flags: Vec<&str> = doc["triage"]["flags"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f["id"].as_str())
            .collect();
        let mut want_flags: Vec<&str> = want["flags"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str())
            .collect();
        flags.sort();
        want_flags.sort();
        assert_eq!(flags, want_flags, "{name}: flags");
        let listed = |id: &str| {
            doc["patterns"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|p| p["id"] == id)
                .cloned()
        };
        if let Some(top) = want.get("top").and_then(|v| v.as_str()) {
            assert_eq!(doc["patterns"][0]["id"], top, "{name}: most likely pattern");
        }
        for id in want
            .get("has")
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str())
        {
            assert!(listed(id).is_some(), "{name}: {id} listed");
        }
        for id in want
            .get("lacks")
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str())
        {
            assert!(listed(id).is_none(), "{name}: {id} not listed");
        }
        for id in want
            .get("strong")
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str())
        {
            assert_eq!(
                listed(id).map(|p| p["strength"].clone()),
                Some(Value::from("strong")),
                "{name}: {id} strong"
            );
        }
        let ids = |key: &str| -> Vec<String> {
            want.get(key)
                .and_then(|v| v.as_array())
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        };
        for id in ids("weak") {
            let strength = listed(&id).map(|p| p["strength"].clone());
            assert!(
                strength.is_none() || strength == Some(Value::from("weak")),
                "{name}: {id} at most weak, found {strength:?}"
            );
        }
        for id in ids("not_top") {
            assert_ne!(
                doc["patterns"][0]["id"],
                id.as_str(),
                "{name}: {id} not first"
            );
        }
        for key in ["startback", "odi"] {
            if let Some(t) = want.get(key).and_then(|v| v.as_table()) {
                for (k, v) in t {
                    let got = &doc["instruments"][key][k];
                    let ok = match v {
                        toml::Value::Integer(i) => got.as_i64() == Some(*i),
                        toml::Value::String(s) => got.as_str() == Some(s.as_str()),
                        _ => false,
                    };
                    assert!(ok, "{name}: instruments.{key}.{k} = {got}, want {v:?}");
                }
            }
        }
        if key_is(&doc, "odi", "answered", 7) {
            assert!(
                doc["instruments"]["odi"]["percent"].is_null(),
                "{name}: ODI with < 8 sections is not scored"
            );
        }
        if let Some(r) = want.get("rmdq").and_then(|v| v.as_integer()) {
            assert_eq!(
                doc["instruments"]["rmdq"]["score"].as_i64(),
                Some(r),
                "{name}: rmdq"
            );
        }
        if let Some(p) = want.get("psfs").and_then(|v| v.as_float()) {
            assert_eq!(
                doc["instruments"]["psfs"]["mean"].as_f64(),
                Some(p),
                "{name}: psfs"
            );
        }
    }
}

fn key_is(doc: &Value, ins: &str, key: &str, want: i64) -> bool {
    doc["instruments"][ins][key].as_i64() == Some(want)
}

#[test]
fn every_red_flag_leads_the_human_report() {
    for name in vignette_names() {
        let path = vignette_dir().join(format!("{name}.json"));
        let doc = assess_json(&path);
        let tier = doc["triage"]["tier"].as_str().unwrap_or("none").to_string();
        let r = run(&["assess", "--answers", path.to_str().unwrap_or_default()]);
        assert_eq!(r.code, 0);
        let what_to_do = r
            .stdout
            .find("WHAT TO DO NOW")
            .unwrap_or_else(|| panic!("{name}: no action section"));
        let contributing = r
            .stdout
            .find("WHAT MAY BE CONTRIBUTING")
            .unwrap_or(usize::MAX);
        assert!(what_to_do < contributing, "{name}: what to do comes first");
        let open_questions = !doc["triage"]["unanswered"]
            .as_array()
            .is_none_or(|u| u.is_empty());
        let headline = match tier.as_str() {
            "emergency" => "Get emergency care now",
            "urgent" => "Contact a doctor today",
            "soon" => "Book a doctor's appointment",
            _ if open_questions => "Some warning-sign questions are still unanswered",
            "routine" => "Worth mentioning",
            _ => "None of the warning signs",
        };
        if open_questions {
            assert!(
                !r.stdout.contains("None of the warning signs"),
                "{name}: never \"none\" with questions unanswered"
            );
        }
        let at = r
            .stdout
            .find(headline)
            .unwrap_or_else(|| panic!("{name}: headline {headline:?} missing"));
        assert!(
            at < contributing,
            "{name}: the headline is in the first section"
        );
        if tier == "emergency" || tier == "urgent" {
            assert!(
                r.stdout.contains("Left out for now"),
                "{name}: patterns held back when care comes first"
            );
            assert!(
                r.stdout.contains("No walking or exercise plan"),
                "{name}: no plan offered"
            );
        }
        let care_first = tier == "emergency" || tier == "urgent";
        for flag in doc["triage"]["flags"].as_array().into_iter().flatten() {
            if care_first && flag["tier"] == "routine" {
                // One urgency: a routine note (pregnancy, ...) never stands beside "act now".
                assert!(
                    !r.stdout.contains("(routine)"),
                    "{name}: routine notes are left out when care comes first"
                );
                continue;
            }
            for path in flag["because"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                // In words (the question's own wording), never the key.
                assert!(
                    !path.contains('.') || !r.stdout.contains(path),
                    "{name}: {path} is shown in words"
                );
                let kb = amble_core::KnowledgeBase::embedded().unwrap();
                let Some(q) = kb.question(path) else { continue };
                let flat = r.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
                let words: String = q
                    .text
                    .split_whitespace()
                    .take(4)
                    .collect::<Vec<_>>()
                    .join(" ");
                let pos = flat
                    .find(&words)
                    .unwrap_or_else(|| panic!("{name}: {path} explained as {words:?}"));
                let contributing_flat = flat.find("WHAT MAY BE CONTRIBUTING").unwrap_or(flat.len());
                assert!(
                    pos < contributing_flat,
                    "{name}: the answers behind each flag are shown before anything else"
                );
            }
        }
    }
}

#[test]
fn assessment_is_deterministic_and_stores_nothing() {
    let path = vignette_dir().join("mixed-stenosis-and-nerve-root.json");
    let dir = tempfile::tempdir().expect("tempdir");
    let p = path.to_str().unwrap_or_default();
    let a = run(&["assess", "--answers", p, "--json"]);
    let b = run(&["assess", "--answers", p, "--json"]);
    assert_eq!(a.stdout, b.stdout, "byte-identical output");
    assert_eq!(
        std::fs::read_dir(dir.path())
            .map(|d| d.count())
            .unwrap_or(1),
        0
    );
}

#[test]
fn answers_can_come_from_stdin() {
    let text = std::fs::read_to_string(vignette_dir().join("rf-fever.json")).expect("read");
    let r = run_with_stdin(&["assess", "--answers", "-", "--json"], &text);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["triage"]["tier"], "urgent");
}

// ---- Bad input: exit 2, one message naming the file, the key path and what was expected ----

fn bad(json: &str) -> Run {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = write(dir.path(), "answers.json", json);
    let r = run(&[
        "assess",
        "--answers",
        p.to_str().unwrap_or_default(),
        "--json",
    ]);
    assert_eq!(r.code, 2, "exit code 2 for {json}: stderr {}", r.stderr);
    assert!(r.stdout.is_empty(), "nothing on stdout on error");
    assert!(
        r.stderr.contains("answers.json"),
        "names the file: {}",
        r.stderr
    );
    assert_eq!(
        r.stderr.trim().lines().count(),
        1,
        "one message: {}",
        r.stderr
    );
    r
}

#[test]
fn malformed_json_is_rejected_with_its_position() {
    let r = bad("{\n  \"age\": 50,\n  \"sex\": \"f\"\n  \"pain\": {}\n}");
    assert!(r.stderr.contains("line 4"), "{}", r.stderr);
    let r = bad("");
    assert!(
        r.stderr.contains("EOF") || r.stderr.contains("line 1"),
        "{}",
        r.stderr
    );
    let r = bad("[1, 2]");
    assert!(
        r.stderr.contains("expected struct Answers") || r.stderr.contains("invalid type"),
        "{}",
        r.stderr
    );
}

#[test]
fn unknown_keys_are_rejected_with_their_path() {
    let r = bad(r#"{"symptoms": {"loc_bak": true}}"#);
    assert!(r.stderr.contains("symptoms"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("unknown key \"loc_bak\" (did you mean \"loc_back\"?)"),
        "{}",
        r.stderr
    );
    let r = bad(r#"{"agee": 50}"#);
    assert!(
        r.stderr
            .contains("unknown key \"agee\" (did you mean \"age\"?)"),
        "{}",
        r.stderr
    );
    let r = bad(r#"{"walking": {"favourite_route": "park"}}"#);
    assert!(r.stderr.contains("walking.favourite_route: unknown key \"favourite_route\"; expected one of: usual_minutes"), "{}", r.stderr);
    let r = bad(r#"{"red_flags": {"saddle": true}}"#);
    assert!(
        r.stderr.contains("red_flags") && r.stderr.contains("saddle"),
        "{}",
        r.stderr
    );
}

#[test]
fn wrong_types_are_rejected_with_their_path() {
    let r = bad(r#"{"red_flags": {"saddle_numbness": "yes"}}"#);
    assert!(
        r.stderr.contains("red_flags.saddle_numbness"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("expected a boolean"), "{}", r.stderr);
    let r = bad(r#"{"pain": {"now": 3.5}}"#);
    assert!(
        r.stderr.contains("pain.now") && r.stderr.contains("expected an integer"),
        "{}",
        r.stderr
    );
    let r = bad(r#"{"walking": {"walks_per_week": 2.5}}"#);
    assert!(r.stderr.contains("walking.walks_per_week"), "{}", r.stderr);
    let r = bad(r#"{"age": "fifty"}"#);
    assert!(r.stderr.contains("age"), "{}", r.stderr);
    let r = bad(r#"{"symptoms": {"relief_by": "sitting"}}"#);
    assert!(r.stderr.contains("symptoms.relief_by"), "{}", r.stderr);
}

#[test]
fn fractional_numbers_are_accepted_where_the_contract_allows() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = write(
        dir.path(),
        "a.json",
        r#"{"age": 58.5, "symptoms": {"duration_weeks": 0.5}, "walking": {"usual_minutes": 12.5}}"#,
    );
    let r = run(&[
        "assess",
        "--answers",
        p.to_str().unwrap_or_default(),
        "--json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn out_of_range_values_are_rejected() {
    let r = bad(r#"{"pain": {"now": 11}}"#);
    assert!(
        r.stderr.contains("pain.now") && r.stderr.contains("from 0 to 10"),
        "{}",
        r.stderr
    );
    let r = bad(r#"{"pain": {"walk_peak": -1}}"#);
    assert!(r.stderr.contains("pain.walk_peak"), "{}", r.stderr);
    let r = bad(r#"{"age": 250}"#);
    assert!(r.stderr.contains("age"), "{}", r.stderr);
    let r = bad(r#"{"instruments": {"startback": [0, 1, 1, 0, 1, 0, 1, 0, 5]}}"#);
    assert!(
        r.stderr.contains("instruments.startback[8]") && r.stderr.contains("0 to 4"),
        "{}",
        r.stderr
    );
    let r = bad(r#"{"instruments": {"startback": [0, 2, 1, 0, 1, 0, 1, 0, 1]}}"#);
    assert!(
        r.stderr.contains("instruments.startback[1]"),
        "{}",
        r.stderr
    );
    let r = bad(r#"{"instruments": {"startback": [0, 1]}}"#);
    assert!(r.stderr.contains("exactly 9"), "{}", r.stderr);
    let r = bad(r#"{"instruments": {"odi": [2, 1, 6, 2, 1, 2, 1, null, 2, 1]}}"#);
    assert!(r.stderr.contains("instruments.odi[2]"), "{}", r.stderr);
    let r = bad(r#"{"instruments": {"rmdq": [0, 1]}}"#);
    assert!(r.stderr.contains("instruments.rmdq"), "{}", r.stderr);
    let r = bad(r#"{"instruments": {"psfs": [{"activity": "walk", "score": 12}]}}"#);
    assert!(
        r.stderr.contains("instruments.psfs[0].score"),
        "{}",
        r.stderr
    );
}

#[test]
fn invalid_enum_values_are_rejected_with_the_options() {
    let r = bad(r#"{"symptoms": {"loc_buttock": "left"}}"#);
    assert!(
        r.stderr.contains("symptoms.loc_buttock") && r.stderr.contains("`both`"),
        "{}",
        r.stderr
    );
    let r = bad(r#"{"symptoms": {"relief_by": ["sitting", "dancing"]}}"#);
    assert!(
        r.stderr.contains("symptoms.relief_by[1]") && r.stderr.contains("dancing"),
        "{}",
        r.stderr
    );
    let r = bad(r#"{"sex": "x"}"#);
    assert!(r.stderr.contains("sex"), "{}", r.stderr);
    let r = bad(r#"{"schema": "amble.answers/2"}"#);
    assert!(
        r.stderr.contains("schema") && r.stderr.contains("amble.answers/1"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_missing_file_is_bad_input() {
    let r = run(&["assess", "--answers", "/nonexistent/answers.json", "--json"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("/nonexistent/answers.json"),
        "{}",
        r.stderr
    );
}

// ---- Interactive check-up ----

#[test]
fn interactive_emergency_answer_stops_the_questionnaire() {
    // First question is saddle numbness.
    let r = run_with_stdin(&["assess"], "y\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("Stopping the check-up"), "{}", r.stderr);
    assert!(
        !r.stderr.contains("How old are you"),
        "no further questions after an emergency answer"
    );
    assert!(r.stdout.starts_with("AMBLE CHECK-UP"), "{}", r.stdout);
    assert!(r.stdout.contains("Get emergency care now"));
}

#[test]
fn interactive_urgent_answer_stops_after_the_warning_signs() {
    // 9 "no" answers, then yes to progressive weakness (10th), then no to the rest of the red flags.
    let mut input = "n\n".repeat(9);
    input.push_str("y\n");
    input.push_str(&"n\n".repeat(8));
    input.push_str("60\n");
    let r = run_with_stdin(&["assess", "--json"], &input);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc = r.json();
    assert_eq!(doc["triage"]["tier"], "urgent");
    assert!(
        !r.stderr.contains("How old are you"),
        "stops once care comes first"
    );
}

#[test]
fn interactive_check_up_runs_to_the_end_with_skips_and_retries() {
    let mut input = "n\n".repeat(18);
    input.push_str("72\n"); // age
    input.push_str("\n\n\n"); // skip sex, height, weight
    input.push_str("n\nn\nn\nn\nn\nn\n"); // context (pregnant, surgery, thin bones, steroids, plan, checked)
    input.push_str("y\n\n3\n3\n\nn\nn\n"); // back, above belt (skip), buttock both, thigh both, below knee skip, calf only, leg worse
    input.push_str("6,1\n"); // heaviness, ache
    input.push_str("banana\n1\n"); // onset: a bad answer is asked again
    input.push_str("y\n1,2\n2\n2\n1\n"); // standing provokes; relief sitting+bending; 2to10; worse downhill; sitting eases
    // everything else skipped (Enter): the rest stays unknown
    input.push_str(&"\n".repeat(200));
    let r = run_with_stdin(&["assess", "--json"], &input);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("Please type a number"),
        "a bad answer is explained: {}",
        r.stderr
    );
    let doc = r.json();
    check_assessment_contract(&doc);
    assert_eq!(doc["triage"]["tier"], "none");
    assert_eq!(doc["patterns"][0]["id"], "lss_nc");
    // From 65 a minor fall, lift or knock is asked (contract §1); skipped, it stays open.
    assert!(r.stderr.contains("did you have a fall"), "{}", r.stderr);
    assert_eq!(
        doc["triage"]["unanswered"],
        serde_json::json!(["red_flags.minor_trauma"])
    );
    assert_eq!(doc["plan_status"], "paused");
}

#[test]
fn interactive_check_up_asks_about_a_minor_fall_only_where_it_applies() {
    let ask = |age: &str, thin_bones: &str| {
        let mut input = "n\n".repeat(18);
        input.push_str(&format!("{age}\n\n\n\n"));
        input.push_str(&format!("n\nn\n{thin_bones}\nn\nn\nn\n"));
        input.push_str(&"\n".repeat(200));
        let r = run_with_stdin(&["assess", "--json"], &input);
        assert_eq!(r.code, 0, "{}", r.stderr);
        (r.stderr.contains("did you have a fall"), r.json())
    };
    let (asked, doc) = ask("40", "n");
    assert!(!asked, "not asked at 40 without thin bones or steroids");
    assert!(
        !doc["triage"]["unanswered"]
            .to_string()
            .contains("minor_trauma")
    );
    let (asked, _) = ask("40", "y");
    assert!(asked, "asked with thin bones");
    let (asked, _) = ask("82", "n");
    assert!(asked, "asked from 65");
}

#[test]
fn end_of_input_mid_check_up_cancels_and_stores_nothing() {
    let j = Journal::new();
    let mut full = vec![
        "--data-dir",
        j.path().to_str().unwrap(),
        "--today",
        "2026-01-05",
    ];
    full.push("assess");
    // The warning signs all "no", then the input ends in the middle.
    let r = run_with_stdin(&full, &"n\n".repeat(18));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("cancelled") && r.stderr.contains("nothing was stored"));
    let doc = j.ok("2026-01-05", &["journal", "--json"]).json();
    assert_eq!(doc["entries"], serde_json::json!([]), "no partial check-up");
    // A warning sign answered before the end still leads the message.
    let mut input = "n\n".repeat(13);
    input.push_str("y\n"); // cancer history (14th): see a doctor soon
    let r = run_with_stdin(&full, &input);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let error = r
        .stderr
        .split("error:")
        .nth(1)
        .unwrap_or_default()
        .to_lowercase();
    let (doctor, cancelled) = (error.find("doctor"), error.find("cancelled"));
    assert!(
        doctor.is_some() && doctor < cancelled,
        "what to do comes first: {}",
        r.stderr
    );
    let doc = j.ok("2026-01-05", &["journal", "--json"]).json();
    assert_eq!(doc["entries"], serde_json::json!([]));
}

// ---- Snapshots of the human report ----

#[test]
fn human_report_snapshots() {
    for name in [
        "rf-emergency-wins-over-everything",
        "rf-cancer-with-weakness",
        "pattern-vascular-claudication",
        "pattern-lss-neurogenic-claudication",
        "pattern-radicular",
        "instr-odi-all-answered-severe",
        "instr-odi-seven-answered",
        "empty-answers",
    ] {
        let path = vignette_dir().join(format!("{name}.json"));
        let r = run(&["assess", "--answers", path.to_str().unwrap_or_default()]);
        assert_eq!(r.code, 0);
        insta::assert_snapshot!(name, r.stdout);
    }
}

/// Explanations and plans describe what the person reported: no leg-symptom talk for someone
/// without leg symptoms, and a weak pattern never asks for a doctor or takes exercises out.
#[test]
fn hallmark_vignettes_never_describe_denied_symptoms() {
    for name in [
        "hallmark-buttock-only-not-stenosis",
        "hallmark-radicular-without-below-knee",
        "hallmark-vascular-without-leg-symptoms",
        "hallmark-extension-denied",
    ] {
        let path = vignette_dir().join(format!("{name}.json"));
        let p = path.to_str().unwrap_or_default();
        let plan = run(&["plan", "--answers", p]);
        assert_eq!(plan.code, 0, "{name}: {}", plan.stderr);
        for denied in [
            "leg symptoms reaching",
            "interval walking",
            "sit or forward lean",
        ] {
            assert!(
                !plan.stdout.contains(denied),
                "{name}: plan says {denied:?}"
            );
        }
        let report = run(&["assess", "--answers", p]).stdout;
        for advice in ["circulation check", "within about 2 weeks", "same day"] {
            assert!(!report.contains(advice), "{name}: report says {advice:?}");
        }
        assert!(report.contains("You did not report") || report.contains("you did not report"));
    }
    let vascular = vignette_dir().join("hallmark-vascular-without-leg-symptoms.json");
    let plan = run(&[
        "plan",
        "--answers",
        vascular.to_str().unwrap_or_default(),
        "--json",
    ]);
    let doc: Value = serde_json::from_str(&plan.stdout).unwrap_or_default();
    assert!(
        doc["excluded"].as_array().is_some_and(|x| x.is_empty()),
        "a weak circulation pattern takes nothing out: {}",
        doc["excluded"]
    );
}

/// A file given as the data folder is named as such, before any question and by every command.
#[test]
fn a_file_as_the_data_folder_says_so_before_any_question() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write(dir.path(), "notes.txt", "not a folder");
    let f = file.to_str().unwrap_or_default();
    let r = run_with_stdin(&["assess", "--data-dir", f], "n\n");
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("this is a file, not a folder"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("saddle"),
        "no question was asked: {}",
        r.stderr
    );
    let plan = run(&["plan", "--data-dir", f]);
    assert!(
        plan.stderr.contains("this is a file, not a folder"),
        "{}",
        plan.stderr
    );
    assert!(!plan.stderr.contains("no check-up"), "{}", plan.stderr);
}

/// When saving fails after the questions, the answers are written to a file that the message
/// names, and that file stores the check-up later.
#[test]
fn answers_are_kept_in_a_named_file_when_saving_fails() {
    use std::io::Write as _;
    use std::process::Stdio;
    let work = tempfile::tempdir().expect("tempdir");
    let data = work.path().join("journal");
    let mut child = amble()
        .args([
            "assess",
            "--data-dir",
            data.to_str().unwrap_or_default(),
            "--today",
            "2026-03-02",
        ])
        .env("AMBLE_TEST_FAIL_SAVE", "1")
        .current_dir(work.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("amble starts");
    let mut input = "n\n".repeat(18);
    input.push_str("58\n");
    input.push_str(&"\n".repeat(80)); // skip the rest
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(input.as_bytes());
    }
    let out = child.wait_with_output().expect("amble finishes");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0));
    assert!(
        stderr.contains("Your answers are kept in amble-answers-"),
        "{stderr}"
    );
    let kept: Vec<_> = std::fs::read_dir(work.path())
        .expect("list")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    assert_eq!(kept.len(), 1, "one answers file");
    let text = std::fs::read_to_string(&kept[0]).expect("read kept");
    assert!(text.contains("\"age\": 58"), "{text}");
    // The report was still shown, and the kept file stores the check-up.
    assert!(String::from_utf8_lossy(&out.stdout).contains("AMBLE CHECK-UP"));
    let r = run(&[
        "assess",
        "--answers",
        kept[0].to_str().unwrap_or_default(),
        "--data-dir",
        data.to_str().unwrap_or_default(),
        "--json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// `amble plan` repeats what `assess` says about an existing clinician's plan, and gives an
/// older person advice on getting down to the floor and up.
#[test]
fn plan_mentions_a_clinicians_plan_and_floor_safety() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text =
        std::fs::read_to_string(vignette_dir().join("pattern-lss-neurogenic-claudication.json"))
            .expect("read");
    let mut v: Value = serde_json::from_str(&text).expect("json");
    v["age"] = Value::from(84);
    v["context"] = serde_json::json!({"clinician_plan": true});
    let p = write(dir.path(), "a.json", &v.to_string());
    let r = run(&["plan", "--answers", p.to_str().unwrap_or_default()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Follow that plan first"), "{}", r.stdout);
    assert!(
        r.stdout.contains("To get down to the floor"),
        "{}",
        r.stdout
    );
}

/// A moderate sciatica score does not take the flexion exercises out of a strong stenosis plan.
#[test]
fn a_moderate_sciatica_score_keeps_stenosis_flexion_exercises() {
    let p = vignette_dir().join("stenosis-with-moderate-sciatica-score.json");
    let r = run(&[
        "plan",
        "--answers",
        p.to_str().unwrap_or_default(),
        "--json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc = r.json();
    let excluded: Vec<&str> = doc["excluded"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|x| x["id"].as_str())
        .collect();
    for id in ["knee_to_chest", "childs_pose"] {
        assert!(!excluded.contains(&id), "{id} excluded: {excluded:?}");
    }
    assert!(
        excluded.contains(&"prone_press_up"),
        "extension still out for stenosis"
    );
}
