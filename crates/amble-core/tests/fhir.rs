//! The FHIR export validates against the official FHIR R4 JSON schema, for journals with every
//! kind of entry, and carries the codes and values it should.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

use std::io::Read;

use amble_core::KnowledgeBase;
use amble_core::answers::Answers;
use amble_core::fhir::{AMBLE_CODES, LOINC, LOINC_PAIN, bundle};
use amble_core::journal::{DailyMetrics, Entry, ExerciseSession, Morning, StoredAssessment, Walk};
use jiff::civil::date;
use serde_json::{Value, json};

fn validator() -> jsonschema::Validator {
    let gz = include_bytes!("data/fhir-r4-4.0.1.schema.json.gz");
    let mut text = String::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_string(&mut text)
        .unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft6)
        .build(&schema)
        .unwrap()
}

fn answers() -> Answers {
    serde_json::from_value(json!({
        "schema": "amble.answers/1",
        "age": 52, "sex": "f", "height_cm": 168, "weight_kg": 74.5,
        "pain": {"now": 5},
        "instruments": {
            "startback": [1, 0, 1, 0, 1, 0, 0, 1, 2],
            "odi": [2, 1, null, 2, 1, 0, 1, 2, 1, 1],
            "rmdq": [1, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0],
            "psfs": [{"activity": "walking the dog", "score": 4}, {"activity": "gardening", "score": 6}]
        }
    }))
    .unwrap()
}

fn journal() -> Vec<Entry> {
    let d = date(2026, 3, 2);
    vec![
        Entry::Assessment(Box::new(StoredAssessment {
            id: "a-1".into(),
            date: d,
            answers: answers(),
            rescreen: false,
            keep_level: false,
        })),
        Entry::Walk(Walk {
            id: "w-2".into(),
            date: d,
            start: Some("2026-03-02T07:30:00+01:00".into()),
            minutes: 24.5,
            elapsed_minutes: Some(27.0),
            bouts: 2,
            pain_before: Some(2),
            pain_peak: Some(4),
            leg_spread: None,
            new_symptoms: false,
            distance_km: Some(2.1),
            steps: Some(3100),
            cadence_spm: Some(104.0),
            avg_hr_bpm: Some(98.0),
            ascent_m: Some(12.0),
            surface: Some("trail".into()),
            shoes: None,
            source: Default::default(),
            notes: Some("a private note".into()),
            gait: None,
        }),
        Entry::Walk(Walk {
            id: "w-3".into(),
            date: date(2026, 3, 3),
            start: Some("18:45".into()),
            minutes: 15.0,
            elapsed_minutes: None,
            bouts: 1,
            pain_before: None,
            pain_peak: None,
            leg_spread: None,
            new_symptoms: false,
            distance_km: None,
            steps: None,
            cadence_spm: None,
            avg_hr_bpm: None,
            ascent_m: None,
            surface: None,
            shoes: None,
            source: Default::default(),
            notes: None,
            gait: None,
        }),
        Entry::Morning(Morning {
            id: "m-4".into(),
            date: date(2026, 3, 3),
            pain: 3,
        }),
        Entry::Exercise(ExerciseSession {
            id: "x-5".into(),
            date: date(2026, 3, 3),
            exercise: "bird_dog".into(),
            sets: Some(2),
            pain_after: Some(1),
        }),
        Entry::DailyMetrics(DailyMetrics {
            id: "d-6".into(),
            date: date(2026, 3, 3),
            steps: Some(8123),
            walking_speed_mps: Some(1.21),
            step_length_m: None,
            asymmetry_frac: None,
            double_support_frac: None,
            steadiness_frac: None,
            source: amble_core::journal::WalkSource::AppleHealth,
        }),
        Entry::Assessment(Box::new(StoredAssessment {
            id: "a-7".into(),
            date: date(2026, 3, 4),
            answers: answers(),
            rescreen: true,
            keep_level: false,
        })),
    ]
}

fn resources<'a>(b: &'a Value, kind: &str) -> Vec<&'a Value> {
    b["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["resource"])
        .filter(|r| r["resourceType"] == kind)
        .collect()
}

fn has_code(r: &Value, system: &str, code: &str) -> bool {
    r["code"]["coding"]
        .as_array()
        .is_some_and(|c| c.iter().any(|c| c["system"] == system && c["code"] == code))
}

#[test]
fn the_bundle_is_valid_fhir_r4() {
    let kb = KnowledgeBase::embedded().unwrap();
    let v = validator();
    let b = bundle(&journal(), &kb);
    let errors: Vec<String> = v
        .iter_errors(&b)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The validator does catch a broken bundle.
    let mut broken = b.clone();
    broken["type"] = json!("pile");
    assert!(!v.is_valid(&broken));
    let mut broken = b.clone();
    broken["entry"][1]["resource"]["status"] = json!("done-ish");
    assert!(!v.is_valid(&broken));
    let mut broken = b.clone();
    let walk = broken["entry"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|e| e["resource"]["code"]["text"] == "Walk")
        .unwrap();
    walk["resource"]["effectiveDateTime"] = json!("2026-03-03T18:45:00");
    assert!(!v.is_valid(&broken), "a time of day needs a zone");
    let mut broken = b.clone();
    broken["entry"][0]["resource"]["nickname"] = json!("x");
    assert!(!v.is_valid(&broken), "unknown elements are refused");
    // An empty journal is a valid bundle with a Patient only.
    let empty = bundle(&[], &kb);
    assert!(v.is_valid(&empty));
    assert_eq!(empty["entry"].as_array().unwrap().len(), 1);
}

#[test]
fn the_bundle_carries_the_journal() {
    let kb = KnowledgeBase::embedded().unwrap();
    let b = bundle(&journal(), &kb);
    assert_eq!(b["resourceType"], "Bundle");
    assert_eq!(b["type"], "collection");
    let patients = resources(&b, "Patient");
    assert_eq!(patients.len(), 1);
    assert_eq!(patients[0]["gender"], "female");
    assert!(patients[0].get("identifier").is_none() && patients[0].get("name").is_none());
    let obs = resources(&b, "Observation");
    let pain: Vec<&&Value> = obs
        .iter()
        .filter(|o| has_code(o, LOINC, LOINC_PAIN))
        .collect();
    // Now (check-up), before and worst (walk), morning, after an exercise; the re-screen adds none.
    assert_eq!(pain.len(), 5);
    assert!(
        pain.iter()
            .all(|o| o["valueInteger"].as_u64().is_some_and(|v| v <= 10))
    );
    let morning = pain
        .iter()
        .find(|o| has_code(o, AMBLE_CODES, "pain-next-morning"))
        .unwrap();
    assert_eq!(morning["valueInteger"], 3);
    assert_eq!(morning["effectiveDateTime"], "2026-03-03");
    let walks: Vec<&&Value> = obs
        .iter()
        .filter(|o| has_code(o, LOINC, "73985-4") && o["code"]["text"] == "Walk")
        .collect();
    assert_eq!(walks.len(), 2);
    assert_eq!(walks[0]["effectiveDateTime"], "2026-03-02T07:30:00+01:00");
    assert_eq!(
        walks[1]["effectiveDateTime"], "2026-03-03",
        "a time without a zone stays a date"
    );
    let comp = |code: &str| {
        walks[0]["component"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"]["coding"][0]["code"] == code)
            .map(|c| c["valueQuantity"]["value"].clone())
    };
    assert_eq!(comp("55411-3"), Some(json!(24.5)));
    assert_eq!(comp("55430-3"), Some(json!(2.1)));
    assert_eq!(comp("55423-8"), Some(json!(3100.0)));
    assert!(
        obs.iter()
            .any(|o| has_code(o, LOINC, "41950-7") && o["valueQuantity"]["value"] == 8123.0)
    );
    assert!(
        obs.iter()
            .any(|o| has_code(o, LOINC, "29463-7") && o["valueQuantity"]["value"] == 74.5)
    );
    assert!(
        obs.iter()
            .any(|o| has_code(o, AMBLE_CODES, "rmdq-score") && o["valueQuantity"]["value"] == 6.0)
    );
    assert!(obs.iter().any(|o| has_code(o, AMBLE_CODES, "odi-percent")));
    let qr = resources(&b, "QuestionnaireResponse");
    assert_eq!(qr.len(), 1, "one per full check-up, none for the re-screen");
    let groups: Vec<&str> = qr[0]["item"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["linkId"].as_str().unwrap())
        .collect();
    assert_eq!(groups, ["startback", "odi", "rmdq", "psfs"]);
    // Nine ODI items were answered (one left blank); item scores only.
    assert_eq!(qr[0]["item"][1]["item"].as_array().unwrap().len(), 9);
    let text = b.to_string();
    for private in ["walking the dog", "gardening", "a private note", "trail"] {
        assert!(
            !text.contains(private),
            "{private} must not leave in the export"
        );
    }
    // Every reference points at a resource in the bundle.
    let urls: Vec<&str> = b["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["fullUrl"].as_str().unwrap())
        .collect();
    for r in text.split("\"reference\":\"").skip(1) {
        let target = &r[..r.find('"').unwrap()];
        assert!(urls.contains(&target), "{target} is not in the bundle");
    }
    // The same journal always gives the same bundle.
    assert_eq!(bundle(&journal(), &kb), b);
}

proptest::proptest! {
    // No failure files in the source tree (a failure prints its case).
    #![proptest_config(proptest::prelude::ProptestConfig { failure_persistence: None, ..proptest::prelude::ProptestConfig::with_cases(64) })]
    /// Any walk and morning the journal accepts exports as valid FHIR.
    #[test]
    fn any_logged_walk_exports_valid_fhir(
        minutes in 0.5f64..600.0,
        before in proptest::option::of(0u8..=10),
        peak in proptest::option::of(0u8..=10),
        km in proptest::option::of(0.01f64..100.0),
        steps in proptest::option::of(0u64..200_000),
        hr in proptest::option::of(30.0f64..220.0),
        bouts in 1u32..6,
        start in proptest::option::of(proptest::sample::select(vec![
            "06:05", "2026-03-02T07:30:00+01:00", "2026-03-02T23:59:59Z", "2026-03-02T07:30:00-05:00",
        ])),
        morning in 0u8..=10,
    ) {
        let kb = KnowledgeBase::embedded().unwrap();
        let mut j = journal();
        if let Entry::Walk(w) = &mut j[1] {
            w.minutes = minutes;
            w.pain_before = before;
            w.pain_peak = peak;
            w.distance_km = km;
            w.steps = steps;
            w.avg_hr_bpm = hr;
            w.bouts = bouts;
            w.start = start.map(str::to_string);
        }
        if let Entry::Morning(m) = &mut j[3] {
            m.pain = morning;
        }
        let b = bundle(&j, &kb);
        let v = VALIDATOR.get_or_init(validator);
        let errors: Vec<String> = v.iter_errors(&b).map(|e| format!("{e} at {}", e.instance_path())).collect();
        proptest::prop_assert!(errors.is_empty(), "{:#?}", errors);
    }
}

static VALIDATOR: std::sync::OnceLock<jsonschema::Validator> = std::sync::OnceLock::new();

/// A check-up followed by a check-in that answers every instrument again, PEG and RMDQ
/// included (the check-up had no PEG).
fn journal_with_checkin() -> Vec<Entry> {
    let mut j = journal();
    let mut first = answers();
    first.instruments.rmdq = None;
    if let Entry::Assessment(s) = &mut j[0] {
        s.answers = first;
    }
    let checkin: amble_core::journal::Checkin = serde_json::from_value(json!({
        "id": "c-8",
        "date": "2026-03-30",
        "change": "better",
        "pain": 2,
        "instruments": {
            "startback": [0, 0, 1, 0, 1, 0, 0, 0, 0],
            "odi": [1, 1, 0, 1, 0, 0, 1, 1, 0, 1],
            "rmdq": [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            "psfs": [{"activity": "walking the dog", "score": 7}, {"activity": "gardening", "score": 6}],
            "peg": [3, 2, 3]
        }
    }))
    .unwrap();
    j.push(Entry::Checkin(Box::new(checkin)));
    j
}

/// The score Observations of one date, code -> value.
fn scores_on(b: &Value, when: &str) -> Vec<(String, f64)> {
    let mut s: Vec<(String, f64)> = resources(b, "Observation")
        .into_iter()
        .filter(|o| o["effectiveDateTime"] == when && o.get("derivedFrom").is_some())
        .map(|o| {
            assert_eq!(o["code"]["coding"][0]["system"], AMBLE_CODES);
            (
                o["code"]["coding"][0]["code"].as_str().unwrap().to_string(),
                o["valueQuantity"]["value"].as_f64().unwrap(),
            )
        })
        .collect();
    s.sort_by(|a, b| a.0.cmp(&b.0));
    s
}

#[test]
fn a_checkin_exports_its_scores_as_a_checkup_does() {
    let kb = KnowledgeBase::embedded().unwrap();
    let b = bundle(&journal_with_checkin(), &kb);
    let errors: Vec<String> = validator()
        .iter_errors(&b)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The check-up: ODI 11/45 = 24 %, PSFS (4 + 6) / 2, STarT Back 4; no RMDQ or PEG asked.
    assert_eq!(
        scores_on(&b, "2026-03-02"),
        [
            ("odi-percent".to_string(), 24.0),
            ("psfs-mean".to_string(), 5.0),
            ("startback-total".to_string(), 4.0),
        ]
    );
    // The check-in: every instrument it asked, dated by the check-in, with the same codes:
    // ODI 6/50, PEG (3 + 2 + 3) / 3, PSFS (7 + 6) / 2, three RMDQ statements, STarT Back 2.
    assert_eq!(
        scores_on(&b, "2026-03-30"),
        [
            ("odi-percent".to_string(), 12.0),
            ("peg-score".to_string(), 2.67),
            ("psfs-mean".to_string(), 6.5),
            ("rmdq-score".to_string(), 3.0),
            ("startback-total".to_string(), 2.0),
        ]
    );
    // Each score points at the check-in's own QuestionnaireResponse, which holds item values.
    let qr = resources(&b, "QuestionnaireResponse");
    assert_eq!(qr.len(), 2, "one for the check-up, one for the check-in");
    let checkin_qr = qr.iter().find(|q| q["authored"] == "2026-03-30").unwrap();
    let groups: Vec<&str> = checkin_qr["item"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["linkId"].as_str().unwrap())
        .collect();
    assert_eq!(groups, ["startback", "odi", "rmdq", "psfs", "peg"]);
    let checkin_url = b["entry"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["resource"]["authored"] == "2026-03-30")
        .map(|e| e["fullUrl"].clone())
        .unwrap();
    for o in resources(&b, "Observation")
        .into_iter()
        .filter(|o| o["effectiveDateTime"] == "2026-03-30" && o.get("derivedFrom").is_some())
    {
        assert_eq!(o["derivedFrom"][0]["reference"], checkin_url);
    }
    // The activities are the person's words and stay home here too.
    assert!(!b.to_string().contains("walking the dog"));
    // A PEG answered at a check-up is scored there by the same rule.
    let mut j = journal_with_checkin();
    if let Entry::Assessment(s) = &mut j[0] {
        s.answers.instruments.peg = Some(vec![5, 4, 6]);
    }
    let b = bundle(&j, &kb);
    assert!(
        scores_on(&b, "2026-03-02").contains(&("peg-score".to_string(), 5.0)),
        "{:?}",
        scores_on(&b, "2026-03-02")
    );
}
