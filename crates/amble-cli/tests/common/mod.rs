//! Helpers shared by the end-to-end tests: run the real `amble` binary, and check JSON
//! documents against the scripting contract (docs/cli.md) key for key.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)]

pub mod browser;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Value {
        match serde_json::from_str(&self.stdout) {
            Ok(v) => v,
            Err(e) => panic!(
                "stdout is not one JSON document ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            ),
        }
    }
}

fn finish(out: Output) -> Run {
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn amble() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_amble"));
    // A command without --data-dir uses the platform's data folder: in the tests that is a
    // folder of this test process under target/, never the journal of whoever runs them.
    let home = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("default-data-{}", std::process::id()));
    c.env_remove("AMBLE_DATA_DIR")
        .env_remove("AMBLE_TODAY")
        .env("XDG_DATA_HOME", home)
        .env("NO_COLOR", "1");
    c
}

pub fn run(args: &[&str]) -> Run {
    finish(
        amble()
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("amble runs"),
    )
}

pub fn run_with_stdin(args: &[&str], input: &str) -> Run {
    let mut child = amble()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("amble starts");
    if let Some(mut stdin) = child.stdin.take() {
        // The program may stop reading early (an emergency answer ends the check-up).
        let _ = stdin.write_all(input.as_bytes());
    }
    finish(child.wait_with_output().expect("amble finishes"))
}

pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn vignette_dir() -> PathBuf {
    manifest_dir().join("tests/vignettes")
}

pub fn shared_dir() -> PathBuf {
    manifest_dir().join("../../../shared")
}

pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write test file");
    p
}

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    k.sort();
    k
}

fn assert_keys(v: &Value, want: &[&str], at: &str) {
    let mut want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(keys(v), want, "keys of {at}");
}

fn assert_one_of(v: &Value, options: &[&str], at: &str) {
    let s = v
        .as_str()
        .unwrap_or_else(|| panic!("{at} must be a string, got {v}"));
    assert!(
        options.contains(&s),
        "{at} = {s:?} is not one of {options:?}"
    );
}

pub const TIERS: &[&str] = &["emergency", "urgent", "soon", "routine", "none"];
pub const PATTERNS: &[&str] = &[
    "nslbp_fatigue",
    "posture_gait",
    "muscle_imbalance",
    "radicular",
    "lss_nc",
    "facet_ext",
    "sij",
    "vascular_claud",
    "foot_shoe",
    "overload",
    "weight",
];

pub fn tier_rank(t: &str) -> usize {
    TIERS.len() - TIERS.iter().position(|x| *x == t).unwrap_or(TIERS.len())
}

/// Checks an `amble.assessment/1` document against contract §2, key for key.
pub fn check_assessment_contract(doc: &Value) {
    assert_keys(
        doc,
        &["schema", "triage", "plan_status", "patterns", "instruments"],
        "assessment",
    );
    assert_eq!(doc["schema"], "amble.assessment/1");
    let triage = &doc["triage"];
    assert_keys(triage, &["tier", "flags", "unanswered"], "triage");
    let unanswered = triage["unanswered"]
        .as_array()
        .expect("unanswered is an array");
    assert!(
        unanswered
            .iter()
            .all(|q| q.as_str().is_some_and(|q| q.starts_with("red_flags.")))
    );
    assert_one_of(&triage["tier"], TIERS, "triage.tier");
    let flags = triage["flags"].as_array().expect("flags is an array");
    let mut most = "none";
    for (i, f) in flags.iter().enumerate() {
        assert_keys(f, &["id", "tier", "because"], &format!("flags[{i}]"));
        assert!(f["id"].is_string());
        assert_one_of(&f["tier"], TIERS, "flag tier");
        assert_ne!(f["tier"], "none", "a fired flag has a tier");
        let because = f["because"].as_array().expect("because is an array");
        assert!(!because.is_empty(), "flag {} says why", f["id"]);
        assert!(because.iter().all(Value::is_string));
        let t = f["tier"].as_str().unwrap_or("none");
        if tier_rank(t) > tier_rank(most) {
            most = t;
        }
        if i > 0 {
            let prev = flags[i - 1]["tier"].as_str().unwrap_or("none");
            assert!(
                tier_rank(prev) >= tier_rank(t),
                "flags are most urgent first"
            );
        }
    }
    assert_eq!(
        triage["tier"], most,
        "tier is the most urgent of the fired flags"
    );
    let status = match most {
        "emergency" | "urgent" => "blocked",
        "soon" => "paused",
        // Unanswered is not "no": the plan waits for the answers (contract §2).
        _ if !unanswered.is_empty() => "paused",
        _ => "allowed",
    };
    assert_eq!(doc["plan_status"], status, "plan_status follows the tier");
    let patterns = doc["patterns"].as_array().expect("patterns is an array");
    assert!(!patterns.is_empty(), "at least nslbp_fatigue is listed");
    let mut last = f64::INFINITY;
    for (i, p) in patterns.iter().enumerate() {
        assert_keys(
            p,
            &["id", "strength", "score", "because"],
            &format!("patterns[{i}]"),
        );
        assert_one_of(&p["id"], PATTERNS, "pattern id");
        assert_one_of(&p["strength"], &["strong", "moderate", "weak"], "strength");
        let score = p["score"].as_f64().expect("score is a number");
        assert!(score <= last, "patterns are most likely first");
        last = score;
        if patterns.len() > 1 || p["id"] != "nslbp_fatigue" {
            assert!(score > 0.0, "listed patterns score above zero");
        }
        for (j, b) in p["because"]
            .as_array()
            .expect("because is an array")
            .iter()
            .enumerate()
        {
            assert_keys(
                b,
                &["answer", "value", "weight"],
                &format!("patterns[{i}].because[{j}]"),
            );
            assert!(b["answer"].is_string());
            assert!(b["weight"].is_number());
        }
    }
    let ins = &doc["instruments"];
    assert!(ins.is_object());
    for key in keys(ins) {
        let v = &ins[&key];
        match key.as_str() {
            "startback" => {
                assert_keys(v, &["total", "psychosocial", "risk"], "startback");
                assert!(v["total"].is_u64() && v["psychosocial"].is_u64());
                assert_one_of(&v["risk"], &["low", "medium", "high"], "startback.risk");
            }
            "odi" => {
                assert_keys(v, &["percent", "answered", "band"], "odi");
                assert!(v["answered"].is_u64());
                if v["percent"].is_null() {
                    assert!(v["band"].is_null());
                } else {
                    assert!(v["percent"].is_u64());
                    assert_one_of(
                        &v["band"],
                        &["minimal", "moderate", "severe", "very_severe", "extreme"],
                        "odi.band",
                    );
                }
            }
            "rmdq" => {
                assert_keys(v, &["score"], "rmdq");
                assert!(v["score"].is_u64());
            }
            "psfs" => {
                assert_keys(v, &["mean"], "psfs");
                assert!(v["mean"].is_number());
            }
            "peg" => {
                assert_keys(v, &["score"], "peg");
                assert!(v["score"].is_number());
            }
            other => panic!("unexpected instrument key {other}"),
        }
    }
}

/// Checks an `amble.plan/1` document against contract §3, key for key.
pub fn check_plan_contract(doc: &Value) {
    assert_keys(
        doc,
        &[
            "schema",
            "status",
            "week",
            "decision",
            "walking",
            "exercises",
            "excluded",
        ],
        "plan",
    );
    assert_eq!(doc["schema"], "amble.plan/1");
    assert_one_of(
        &doc["status"],
        &["blocked", "paused", "active", "maintenance"],
        "status",
    );
    assert!(
        doc["week"].as_u64().is_some_and(|w| w >= 1),
        "week is a number from 1"
    );
    assert_keys(&doc["decision"], &["kind", "because"], "decision");
    assert_one_of(
        &doc["decision"]["kind"],
        &["start", "progress", "hold", "regress", "flare", "suspend"],
        "decision.kind",
    );
    assert!(
        doc["decision"]["because"]
            .as_array()
            .is_some_and(|b| !b.is_empty() && b.iter().all(Value::is_string))
    );
    let w = &doc["walking"];
    if doc["status"] == "blocked" {
        assert!(w.is_null(), "a blocked plan has no walking content");
        assert_eq!(doc["exercises"], serde_json::json!([]));
    } else {
        assert_keys(
            w,
            &[
                "mode",
                "sessions_per_week",
                "bouts_per_session",
                "bout_minutes",
                "rest_minutes",
                "weekly_minutes",
                "target",
            ],
            "walking",
        );
        assert_one_of(
            &w["mode"],
            &["continuous", "interval", "gentle"],
            "walking.mode",
        );
        let n = |k: &str| {
            w[k].as_u64()
                .unwrap_or_else(|| panic!("walking.{k} is a whole number"))
        };
        assert_eq!(
            n("weekly_minutes"),
            n("sessions_per_week") * n("bouts_per_session") * n("bout_minutes")
        );
        assert_keys(
            &w["target"],
            &["minutes_per_session", "sessions_per_week"],
            "walking.target",
        );
        if doc["status"] == "paused" {
            assert_eq!(w["mode"], "gentle", "paused means gentle mode only");
        }
    }
    for e in doc["exercises"].as_array().expect("exercises array") {
        assert_keys(
            e,
            &[
                "id",
                "sets",
                "reps",
                "hold_s",
                "days_per_week",
                "kind",
                "position",
            ],
            "exercise",
        );
        assert_one_of(&e["id"], EXERCISES, "exercise id");
        assert_one_of(
            &e["kind"],
            &["strength", "mobility", "stretch", "balance"],
            "exercise.kind",
        );
        assert_one_of(
            &e["position"],
            &["standing", "sitting", "floor"],
            "exercise.position",
        );
        for k in ["sets", "reps", "hold_s", "days_per_week"] {
            assert!(e[k].is_u64(), "exercise.{k} is a whole number");
        }
    }
    for x in doc["excluded"].as_array().expect("excluded array") {
        assert_keys(x, &["id", "because"], "excluded");
        assert_one_of(&x["id"], EXERCISES, "excluded id");
        assert!(x["because"].is_string());
        assert!(
            doc["exercises"]
                .as_array()
                .into_iter()
                .flatten()
                .all(|e| e["id"] != x["id"]),
            "an excluded exercise is never prescribed"
        );
    }
}

pub const EXERCISES: &[&str] = &[
    "front_plank",
    "side_plank",
    "mcgill_curl_up",
    "bird_dog",
    "glute_bridge",
    "clamshell",
    "sit_to_stand_squat",
    "split_squat",
    "dead_bug",
    "cat_camel",
    "knee_to_chest",
    "prone_press_up",
    "hip_flexor_stretch",
    "hamstring_stretch",
    "calf_stretch",
    "piriformis_stretch",
    "childs_pose",
    "tandem_stance",
    "single_leg_stance",
    "bent_knee_calf_stretch",
];

/// Checks an `amble.journal/1` document against contract §5.
pub fn check_journal_contract(doc: &Value) {
    assert_keys(doc, &["schema", "entries"], "journal");
    assert_eq!(doc["schema"], "amble.journal/1");
    let walk_keys = [
        "id",
        "kind",
        "date",
        "start",
        "minutes",
        "elapsed_minutes",
        "bouts",
        "pain_before",
        "pain_peak",
        "leg_spread",
        "new_symptoms",
        "distance_km",
        "steps",
        "cadence_spm",
        "avg_hr_bpm",
        "surface",
        "shoes",
        "source",
    ];
    let mut last = String::new();
    for e in doc["entries"].as_array().expect("entries") {
        assert!(e["id"].as_str().is_some_and(|s| !s.is_empty()));
        let date = e["date"].as_str().expect("date").to_string();
        assert_eq!(date.len(), 10);
        assert!(date >= last, "oldest first");
        last = date;
        match e["kind"].as_str().expect("kind") {
            "walk" => {
                for k in walk_keys {
                    assert!(e.get(k).is_some(), "walk has {k}");
                }
                assert!(e["minutes"].is_number());
            }
            "morning" => assert!(e["pain"].is_u64()),
            "assessment" | "exercise" | "activity" | "daily_metrics" => {}
            other => panic!("unknown kind {other}"),
        }
    }
}

/// A throwaway journal folder and a runner bound to it.
pub struct Journal {
    pub dir: tempfile::TempDir,
}

impl Journal {
    pub fn new() -> Journal {
        Journal {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }
    pub fn path(&self) -> &Path {
        self.dir.path()
    }
    pub fn run(&self, today: &str, args: &[&str]) -> Run {
        let mut full = vec![
            "--data-dir",
            self.path().to_str().unwrap_or_default(),
            "--today",
            today,
        ];
        full.extend_from_slice(args);
        run(&full)
    }
    pub fn ok(&self, today: &str, args: &[&str]) -> Run {
        let r = self.run(today, args);
        assert_eq!(r.code, 0, "amble {args:?} failed: {}", r.stderr);
        r
    }
    pub fn export(&self) -> String {
        self.ok("2026-12-31", &["export"]).stdout
    }
}
