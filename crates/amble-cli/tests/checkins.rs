//! Check-ins, new symptoms and the outcomes people record, as journeys through the real binary
//! (issue 21 points 3, 5, 6, 7 and 14; brief §2.5 and §3.9): "not sure" at a check-in is never
//! "no", new numbness after a walk with new symptoms is never "none" and never restarts the plan
//! above where it was, the clinician report keeps the whole story, and the PEG is asked and read
//! against its smallest important change.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

mod common;

use common::*;
use serde_json::{Value, json};

fn example(name: &str) -> String {
    manifest_dir()
        .join("tests/contract-examples")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// The benign person of the contract examples (52, back ache after 30 minutes, every warning
/// sign answered no).
fn benign() -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(example("benign-ache-after-30-min.json")).unwrap(),
    )
    .unwrap()
}

/// Every warning sign that applies to the benign person, answered no.
fn all_no() -> Value {
    benign()["red_flags"].clone()
}

fn walk(j: &Journal, date: &str, minutes: &str, before: &str, peak: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "log",
        "walk",
        "--date",
        date,
        "--minutes",
        minutes,
        "--pain-before",
        before,
        "--pain-peak",
        peak,
    ];
    args.extend_from_slice(extra);
    j.ok(date, &args)
}

fn morning(j: &Journal, date: &str, pain: &str) {
    j.ok(date, &["log", "morning", "--date", date, "--pain", pain]);
}

/// A good first week: three easy walks, each with a calm next morning.
fn good_week(j: &Journal) {
    for (d, next) in [
        ("2026-01-05", "2026-01-06"),
        ("2026-01-07", "2026-01-08"),
        ("2026-01-09", "2026-01-10"),
    ] {
        walk(j, d, "25", "1", "2", &[]);
        morning(j, next, "1");
    }
}

fn checkin(j: &Journal, today: &str, doc: &Value) -> Run {
    let f = write(j.path(), "checkin.json", &doc.to_string());
    j.ok(
        today,
        &["checkin", "--answers", f.to_str().unwrap(), "--json"],
    )
}

/// Point 3: a check-in with the saddle question left "not sure" lists it in
/// `triage.unanswered`, says how to find out, and the plan does not step up; its twin with
/// every answer no steps up; answering it at the next check-in lets the plan go on.
#[test]
fn a_check_in_left_not_sure_is_listed_and_holds_the_plan() {
    let run = |unsure: bool| {
        let j = Journal::new();
        j.ok(
            "2026-01-05",
            &[
                "assess",
                "--answers",
                &example("benign-ache-after-30-min.json"),
            ],
        );
        good_week(&j);
        let mut flags = all_no();
        if unsure {
            flags.as_object_mut().unwrap().remove("saddle_numbness");
        }
        let doc = checkin(
            &j,
            "2026-01-10",
            &json!({"red_flags": flags, "change": "better", "pain": {"now": 1}}),
        )
        .json();
        (j, doc)
    };
    let (j, doc) = run(true);
    let week1 = j.ok("2026-01-10", &["plan", "--json"]).json()["walking"]["weekly_minutes"]
        .as_u64()
        .unwrap();
    assert_eq!(doc["schema"], "amble.checkin/1");
    assert_eq!(doc["triage"]["tier"], "none");
    assert_eq!(
        doc["triage"]["unanswered"],
        json!(["red_flags.saddle_numbness"])
    );
    assert_eq!(
        doc["plan_status"], "paused",
        "at least paused while unanswered"
    );
    assert_eq!(doc["new_warning_signs"], json!([]));
    // The person is told which question, how to find out, and that the plan holds.
    let f = write(
        j.path(),
        "again.json",
        &json!({"red_flags": {"bladder_change": false}}).to_string(),
    );
    let human = j.ok("2026-01-10", &["checkin", "--answers", f.to_str().unwrap()]);
    assert!(
        human
            .stdout
            .starts_with("SOME WARNING-SIGN QUESTIONS ARE STILL UNANSWERED"),
        "{}",
        human.stdout
    );
    assert!(human.stdout.contains("saddle"), "{}", human.stdout);
    assert!(
        human.stdout.contains("ask someone who knows you well")
            && human.stdout.contains("does not step up"),
        "{}",
        human.stdout
    );
    assert!(!human.stdout.contains("None of the warning signs"));
    // The week's review holds instead of stepping up.
    let plan = j.ok("2026-01-12", &["plan", "--json"]).json();
    assert_eq!(plan["decision"]["kind"], "hold", "{plan}");
    let because = plan["decision"]["because"].to_string();
    assert!(because.contains("unanswered"), "{because}");
    assert!(
        !because.contains("so the plan takes one step up"),
        "{because}"
    );
    assert_eq!(
        plan["walking"]["weekly_minutes"], week1,
        "held where it was"
    );
    // The twin who answered every question no steps up.
    let (twin, doc) = run(false);
    assert_eq!(doc["triage"]["unanswered"], json!([]));
    assert_eq!(doc["plan_status"], "active");
    let up = twin.ok("2026-01-12", &["plan", "--json"]).json();
    assert_eq!(up["decision"]["kind"], "progress", "{up}");
    assert!(up["walking"]["weekly_minutes"].as_u64().unwrap() > week1);
    // Answered at the next check-in: the hold ends.
    checkin(
        &j,
        "2026-01-11",
        &json!({"red_flags": all_no(), "change": "better"}),
    );
    let plan = j.ok("2026-01-12", &["plan", "--json"]).json();
    assert_eq!(plan["decision"]["kind"], "progress", "{plan}");
}

/// Point 5: after a walk with new symptoms the terminal says what each kind of change needs
/// (the web re-screen's words) and offers the re-screen, `amble screen`; a clean re-screen with
/// the symptoms settled lets the plan go on, "not sure" keeps it waiting.
#[test]
fn new_symptoms_say_what_each_change_needs_and_offer_the_re_screen() {
    let j = Journal::new();
    j.ok(
        "2026-01-05",
        &[
            "assess",
            "--answers",
            &example("benign-ache-after-30-min.json"),
        ],
    );
    let r = walk(&j, "2026-01-06", "20", "1", "4", &["--new-symptoms"]);
    for needle in [
        "A leg getting weaker",
        "today",
        "bladder or bowels",
        "emergency department now",
        "in the next few days",
        "amble screen",
    ] {
        assert!(r.stdout.contains(needle), "{needle}: {}", r.stdout);
    }
    assert_eq!(
        j.ok("2026-01-06", &["plan", "--json"]).json()["decision"]["kind"],
        "suspend"
    );
    // "Not sure" on one question: stored, the plan waits for the answer.
    let mut flags = all_no();
    flags.as_object_mut().unwrap().remove("both_legs_new");
    let f = write(
        j.path(),
        "screen.json",
        &json!({ "red_flags": flags }).to_string(),
    );
    let unsure = j.ok(
        "2026-01-07",
        &[
            "screen",
            "--answers",
            f.to_str().unwrap(),
            "--settled",
            "yes",
        ],
    );
    assert!(
        unsure.stdout.contains("still unanswered")
            && unsure.stdout.to_lowercase().contains("both legs"),
        "{}",
        unsure.stdout
    );
    let plan = j.ok("2026-01-07", &["plan", "--json"]).json();
    assert_eq!(plan["decision"]["kind"], "suspend", "still waiting: {plan}");
    // Every answer no, and the symptoms have settled: the plan goes on.
    let f = write(
        j.path(),
        "screen.json",
        &json!({ "red_flags": all_no() }).to_string(),
    );
    let clean = j
        .ok(
            "2026-01-08",
            &[
                "screen",
                "--answers",
                f.to_str().unwrap(),
                "--settled",
                "yes",
                "--json",
            ],
        )
        .json();
    assert_eq!(clean["outcome"], "lifted");
    let plan = j.ok("2026-01-08", &["plan", "--json"]).json();
    assert_eq!(plan["status"], "active", "{plan}");
    // A screen file with other keys is refused, nothing stored.
    let before = j.export();
    let bad = write(j.path(), "bad.json", r#"{"red_flags": {}, "age": 50}"#);
    let r = j.run(
        "2026-01-08",
        &["screen", "--answers", bad.to_str().unwrap()],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("age"), "{}", r.stderr);
    assert_eq!(j.export(), before);
}

/// The check-up after new symptoms: the benign person with new numbness below the knee.
fn numb_answers(checked: bool) -> Value {
    let mut a = benign();
    a["symptoms"]["loc_thigh"] = json!("one");
    a["symptoms"]["loc_below_knee"] = json!("one");
    a["symptoms"]["leg_quality"] = json!(["ache", "numbness"]);
    if checked {
        a["context"] = json!({"clinician_checked": true});
    }
    a
}

/// The journey of points 6 and 7: a flare week, new symptoms two days into the flare plan, a
/// worse check-in, a check-up reporting new numbness below the knee (soon, never "none"; the
/// plan no bigger than the flare plan), a later check-up once checked (the plan still no
/// bigger), and the clinician report over the whole period showing the new-symptom walk, the
/// suspension and the worse check-in although newer check-ups exist.
#[test]
fn new_numbness_after_new_symptoms_is_soon_and_never_restarts_higher() {
    let j = Journal::new();
    j.ok(
        "2026-01-05",
        &[
            "assess",
            "--answers",
            &example("benign-ache-after-30-min.json"),
        ],
    );
    for d in ["2026-01-05", "2026-01-07", "2026-01-09"] {
        walk(&j, d, "25", "2", "8", &[]);
    }
    let flare = j.ok("2026-01-12", &["plan", "--json"]).json();
    assert_eq!(flare["decision"]["kind"], "flare", "{flare}");
    let flare_minutes = flare["walking"]["weekly_minutes"].as_u64().unwrap();
    walk(&j, "2026-01-14", "10", "3", "5", &["--new-symptoms"]);
    checkin(
        &j,
        "2026-01-15",
        &json!({"red_flags": all_no(), "change": "worse", "pain": {"now": 6},
                "instruments": {"peg": [6, 5, 6]}}),
    );
    // The new check-up reports the numbness: soon, paused, gentle, not above the flare plan.
    let f = write(j.path(), "numb.json", &numb_answers(false).to_string());
    let a = j
        .ok(
            "2026-01-16",
            &["assess", "--answers", f.to_str().unwrap(), "--json"],
        )
        .json();
    check_assessment_contract(&a);
    assert_eq!(a["triage"]["tier"], "soon", "{a}");
    assert_eq!(a["plan_status"], "paused");
    let flag = &a["triage"]["flags"][0];
    assert_eq!(flag["id"], "new_neuro_since_checkup");
    assert_eq!(
        flag["because"],
        json!(["symptoms.leg_quality", "symptoms.loc_below_knee"])
    );
    let human = j.ok("2026-01-16", &["plan"]);
    assert!(!human.stdout.contains("None of the warning signs"));
    let plan = j.ok("2026-01-16", &["plan", "--json"]).json();
    check_plan_contract(&plan);
    assert_eq!(plan["status"], "paused");
    assert!(plan["walking"]["weekly_minutes"].as_u64().unwrap() <= flare_minutes);
    // Checked by a doctor, the numbness known: no longer new, and the restart is still no
    // bigger than the flare plan before the new symptoms.
    let f = write(j.path(), "checked.json", &numb_answers(true).to_string());
    let a = j
        .ok(
            "2026-01-30",
            &["assess", "--answers", f.to_str().unwrap(), "--json"],
        )
        .json();
    assert_eq!(a["triage"]["tier"], "none", "{a}");
    let plan = j.ok("2026-01-30", &["plan", "--json"]).json();
    assert_eq!(plan["status"], "active");
    let minutes = plan["walking"]["weekly_minutes"].as_u64().unwrap();
    assert!(minutes <= flare_minutes, "{minutes} > {flare_minutes}");
    assert!(
        plan["decision"]["because"]
            .to_string()
            .contains("no higher than where it was before them"),
        "{plan}"
    );
    // The same check-up without the new symptoms before it starts higher: the cap is what
    // holds it.
    let twin = Journal::new();
    twin.ok(
        "2026-01-30",
        &["assess", "--answers", f.to_str().unwrap(), "--json"],
    );
    let free = twin.ok("2026-01-30", &["plan", "--json"]).json();
    assert!(free["walking"]["weekly_minutes"].as_u64().unwrap() > minutes);

    // Point 7: the report over the period keeps the story, in HTML and PDF.
    let html = j
        .ok("2026-02-01", &["report", "--from", "2026-01-05", "-o", "-"])
        .stdout;
    let events = html
        .split("id=\"events\"")
        .nth(1)
        .expect("the events section")
        .split("</section>")
        .next()
        .unwrap()
        .to_string();
    for needle in [
        "2026-01-14</td><td>New symptoms",
        "2026-01-14</td><td>Plan suspended",
        "until the check-up of 2026-01-16",
        "2026-01-15</td><td>Check-in (worse)",
        "Back worse since the last check-in; pain now 6/10; PEG 5.7/10",
        "2026-01-16</td><td>Check-up</td><td>Book a doctor",
    ] {
        assert!(events.contains(needle), "{needle}: {events}");
    }
    assert!(
        html.contains("2026-01-05 to 2026-02-01"),
        "the period asked for"
    );
    let pdf = j.path().join("report.pdf");
    j.ok(
        "2026-02-01",
        &[
            "report",
            "--from",
            "2026-01-05",
            "--format",
            "pdf",
            "-o",
            pdf.to_str().unwrap(),
        ],
    );
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
}

/// Point 14: the PEG in the answers is scored in the assessment (`instruments.peg.score`), and a
/// check-in reads it against the first and the last score with the smallest important change
/// (30 % or 1.5 points); the report's thresholds name it.
#[test]
fn the_peg_is_scored_and_read_against_the_first_and_the_last_score() {
    let j = Journal::new();
    let mut a = benign();
    a["instruments"] = json!({"peg": [6, 5, 4],
                              "psfs": [{"activity": "walk to the shops", "score": 4}]});
    let f = write(j.path(), "a.json", &a.to_string());
    let doc = j
        .ok(
            "2026-01-05",
            &["assess", "--answers", f.to_str().unwrap(), "--json"],
        )
        .json();
    check_assessment_contract(&doc);
    assert_eq!(doc["instruments"]["peg"], json!({"score": 5.0}));
    let human = j.ok(
        "2026-01-05",
        &["assess", "--answers", f.to_str().unwrap(), "--no-save"],
    );
    assert!(human.stdout.contains("(PEG): 5.0/10"), "{}", human.stdout);
    // Out of range or the wrong length: exit 2, the key named.
    for (bad, key) in [
        (json!([1, 2]), "instruments.peg"),
        (json!([1, 2, 11]), "instruments.peg[2]"),
    ] {
        let mut x = benign();
        x["instruments"] = json!({ "peg": bad });
        let f = write(j.path(), "bad.json", &x.to_string());
        let r = j.run("2026-01-05", &["assess", "--answers", f.to_str().unwrap()]);
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(r.stderr.contains(key), "{key}: {}", r.stderr);
    }
    let first = checkin(
        &j,
        "2026-01-12",
        &json!({"red_flags": all_no(), "instruments": {"peg": [5, 5, 4],
                "psfs": [{"activity": "walk to the shops", "score": 5}]}}),
    )
    .json();
    // 5.0 to 4.67: a third of a point, under the smallest important change.
    assert_eq!(first["outcomes"]["peg"]["baseline"], 5.0);
    assert_eq!(first["outcomes"]["peg"]["important"], false);
    assert!(first["outcomes"]["peg"].get("since_last").is_none());
    let second = checkin(
        &j,
        "2026-01-19",
        &json!({"red_flags": all_no(), "instruments": {"peg": [3, 3, 3],
                "psfs": [{"activity": "walk to the shops", "score": 7}]}}),
    )
    .json();
    let peg = &second["outcomes"]["peg"];
    assert_eq!(
        (peg["baseline"].as_f64(), peg["now"].as_f64()),
        (Some(5.0), Some(3.0))
    );
    assert_eq!(peg["important"], true, "2 points, 40 %");
    assert_eq!(peg["since_last"]["last"], 4.67);
    assert_eq!(peg["since_last"]["important"], true, "1.67 points, 36 %");
    assert_eq!(second["outcomes"]["psfs"]["important"], true, "3 points");
    assert_eq!(
        second["outcomes"]["psfs"]["since_last"]["important"], true,
        "2 points"
    );
    let human = j.ok("2026-01-19", &["report", "-o", "-"]).stdout;
    assert!(
        human.contains("PEG 1.5 points or 30%"),
        "the thresholds line"
    );
}

/// Point 14 in the terminal: the interactive check-up ends with the PEG and the PSFS (every
/// other question skipped), and they are stored with the check-up.
#[test]
fn the_interactive_check_up_asks_the_peg_and_the_psfs() {
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
    input.push_str("walk to the shops\n4\n\n"); // one activity, then done
    let j = Journal::new();
    let mut args = vec![
        "--data-dir",
        j.path().to_str().unwrap(),
        "--today",
        "2026-01-05",
    ];
    args.extend(["assess", "--json"]);
    let r = run_with_stdin(&args, &input);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("got in the way of enjoying life"),
        "{}",
        r.stderr
    );
    let doc = r.json();
    assert_eq!(doc["instruments"]["peg"]["score"], 5.0, "{doc}");
    assert_eq!(doc["instruments"]["psfs"]["mean"], 4.0);
    let journal = j.ok("2026-01-05", &["journal", "--json"]).json();
    assert_eq!(
        journal["entries"][0]["answers"]["instruments"],
        json!({"peg": [5, 4, 6], "psfs": [{"activity": "walk to the shops", "score": 4}]})
    );
    // The input ending at the PEG loses nothing already answered.
    let mut short = "n\n".repeat(flags);
    short.push_str(&"\n".repeat(others));
    short.push_str("5\n");
    let r = run_with_stdin(&args, &short);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.json()["instruments"].get("peg").is_none());
}
