//! The journal as one FHIR R4 `Bundle` of type `collection` (contract §9), for a clinic's
//! records: a `Patient` with only what the person entered, an `Observation` per pain rating,
//! walk, exercise session, daily step count, body measure and questionnaire score, and a
//! `QuestionnaireResponse` per check-up and check-in with item scores only (no licensed wording),
//! the scores of both made by one rule. Codes are LOINC where one exists, otherwise
//! [`AMBLE_CODES`]. Pure: a `serde_json::Value`.

use jiff::civil::Date;
use serde_json::{Value, json};

use crate::answers::{Answers, InstrumentItems, Sex};
use crate::instruments;
use crate::journal::{Entry, StoredAssessment, Walk};
use crate::knowledge::KnowledgeBase;

pub const LOINC: &str = "http://loinc.org";
pub const UCUM: &str = "http://unitsofmeasure.org";
const CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";
/// Amble's own codes, for what LOINC has no code for. A fixed UUID URN: globally unique, valid
/// wherever FHIR wants a URI, and owned by no one else (docs/fhir.md lists every code).
pub const AMBLE_CODES: &str = "urn:uuid:6f1c2b9e-3d4a-4c5e-9b7a-0e2d4f6a8c10";

/// Pain severity 0-10 verbal numeric rating, reported.
pub const LOINC_PAIN: &str = "72514-3";

/// A stable UUID for an entry id (FNV-1a, two seeds, version 8 / variant bits set), so the same
/// journal always exports the same `fullUrl`s and references.
pub fn uuid_for(key: &str) -> String {
    let h = |seed: u64| {
        key.bytes().fold(seed, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
    };
    let (a, b) = (h(0xcbf2_9ce4_8422_2325), h(0x8422_2325_cbf2_9ce4));
    let a = (a & !0xF000) | 0x8000; // version 8 in the third group
    let b = (b & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000; // RFC 4122 variant
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xFFFF,
        a & 0xFFFF,
        b >> 48,
        b & 0xFFFF_FFFF_FFFF
    )
}

fn coding(system: &str, code: &str, display: &str) -> Value {
    json!({"system": system, "code": code, "display": display})
}

fn category(code: &str, display: &str) -> Value {
    json!([{"coding": [coding(CATEGORY, code, display)]}])
}

fn quantity(value: f64, unit: &str, code: &str) -> Value {
    let v = (value * 1000.0).round() / 1000.0;
    json!({"value": v, "unit": unit, "system": UCUM, "code": code})
}

/// A walk's start when it carries a time zone (imports), else its date: FHIR wants a zone with
/// any time of day, and a time typed by hand has none.
fn effective(date: Date, start: Option<&str>) -> String {
    start
        .filter(|s| s.parse::<jiff::Timestamp>().is_ok())
        .map_or_else(|| date.to_string(), str::to_string)
}

struct Builder {
    patient: String,
    entries: Vec<Value>,
}

impl Builder {
    fn push(&mut self, key: &str, mut resource: Value) {
        let id = uuid_for(key);
        resource["id"] = json!(id);
        self.entries
            .push(json!({"fullUrl": format!("urn:uuid:{id}"), "resource": resource}));
    }

    fn observation(
        &self,
        category_code: (&str, &str),
        code: Vec<Value>,
        text: &str,
        when: &str,
    ) -> Value {
        json!({
            "resourceType": "Observation",
            "status": "final",
            "category": category(category_code.0, category_code.1),
            "code": {"coding": code, "text": text},
            "subject": {"reference": self.patient},
            "performer": [{"reference": self.patient}],
            "effectiveDateTime": when,
        })
    }

    fn pain(&mut self, key: &str, when: &str, context: (&str, &str), value: u8) {
        let mut o = self.observation(
            ("survey", "Survey"),
            vec![
                coding(
                    LOINC,
                    LOINC_PAIN,
                    "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
                ),
                coding(AMBLE_CODES, context.0, context.1),
            ],
            context.1,
            when,
        );
        o["valueInteger"] = json!(value);
        self.push(key, o);
    }

    fn walk(&mut self, w: &Walk) {
        let when = effective(w.date, w.start.as_deref());
        let mut o = self.observation(
            ("activity", "Activity"),
            vec![coding(LOINC, "73985-4", "Exercise activity")],
            "Walk",
            &when,
        );
        o["valueCodeableConcept"] =
            json!({"coding": [coding(AMBLE_CODES, "walking", "Walking")], "text": "Walking"});
        let mut components = vec![json!({
            "code": {"coding": [coding(LOINC, "55411-3", "Exercise duration")]},
            "valueQuantity": quantity(w.minutes, "min", "min"),
        })];
        if let Some(km) = w.distance_km {
            components.push(json!({
                "code": {"coding": [coding(LOINC, "55430-3", "Walking distance unspecified time Pedometer")]},
                "valueQuantity": quantity(km, "km", "km"),
            }));
        }
        if let Some(steps) = w.steps {
            components.push(json!({
                "code": {"coding": [coding(LOINC, "55423-8", "Number of steps in unspecified time Pedometer")]},
                "valueQuantity": quantity(steps as f64, "steps", "{steps}"),
            }));
        }
        if let Some(hr) = w.avg_hr_bpm {
            components.push(json!({
                "code": {"coding": [coding(LOINC, "55425-3", "Heart rate unspecified time mean by Pedometer")]},
                "valueQuantity": quantity(hr, "beats/minute", "/min"),
            }));
        }
        if w.bouts > 1 {
            components.push(json!({
                "code": {"coding": [coding(AMBLE_CODES, "walking-bouts", "Walking bouts in the session")]},
                "valueInteger": w.bouts,
            }));
        }
        o["component"] = json!(components);
        self.push(&w.id, o);
        if let Some(p) = w.pain_before {
            self.pain(
                &format!("{}/pain-before", w.id),
                &when,
                ("pain-before-walk", "Back pain before the walk"),
                p,
            );
        }
        if let Some(p) = w.pain_peak {
            self.pain(
                &format!("{}/pain-peak", w.id),
                &when,
                ("pain-worst-during-walk", "Worst back pain during the walk"),
                p,
            );
        }
    }

    /// An `Observation` per instrument score, derived from the entry's `QuestionnaireResponse`
    /// (`{id}/items`): one rule for check-ups and check-ins alike, so a score appears wherever
    /// its questionnaire was answered.
    fn scores(&mut self, id: &str, when: &str, items: &InstrumentItems) {
        let scores = instruments::score_all(items);
        let mut score = |code: &str, display: &str, value: Value| {
            let mut o = self.observation(
                ("survey", "Survey"),
                vec![coding(AMBLE_CODES, code, display)],
                display,
                when,
            );
            o["valueQuantity"] = value;
            o["derivedFrom"] =
                json!([{"reference": format!("urn:uuid:{}", uuid_for(&format!("{id}/items")))}]);
            self.push(&format!("{id}/{code}"), o);
        };
        if let Some(p) = scores.odi.as_ref().and_then(|o| o.percent) {
            score(
                "odi-percent",
                "Oswestry Disability Index, per cent",
                quantity(f64::from(p), "%", "%"),
            );
        }
        if let Some(r) = &scores.rmdq {
            score(
                "rmdq-score",
                "Roland-Morris Disability Questionnaire score (0-24)",
                quantity(f64::from(r.score), "score", "{score}"),
            );
        }
        if let Some(p) = &scores.psfs {
            score(
                "psfs-mean",
                "Patient-Specific Functional Scale, mean (0-10)",
                quantity(p.mean, "score", "{score}"),
            );
        }
        if let Some(sb) = &scores.startback {
            score(
                "startback-total",
                "STarT Back total score (0-9)",
                quantity(f64::from(sb.total), "score", "{score}"),
            );
        }
        if let Some(p) = &scores.peg {
            score(
                "peg-score",
                "PEG pain, enjoyment and activity score, mean (0-10)",
                quantity(p.score, "score", "{score}"),
            );
        }
    }

    fn checkup(&mut self, s: &StoredAssessment) {
        let when = s.date.to_string();
        let a = &s.answers;
        if let Some(p) = a.pain.now {
            let p = u8::try_from(p.clamp(0, 10)).unwrap_or(0);
            self.pain(
                &format!("{}/pain-now", s.id),
                &when,
                ("pain-now", "Back pain now, at the check-up"),
                p,
            );
        }
        let body = [
            (a.weight_kg, "29463-7", "Body weight", "kg", "kg"),
            (a.height_cm, "8302-2", "Body height", "cm", "cm"),
            (
                a.bmi(),
                "39156-5",
                "Body mass index (BMI) [Ratio]",
                "kg/m2",
                "kg/m2",
            ),
        ];
        for (value, code, display, unit, ucum) in body {
            if let Some(v) = value {
                let mut o = self.observation(
                    ("vital-signs", "Vital Signs"),
                    vec![coding(LOINC, code, display)],
                    display,
                    &when,
                );
                o["valueQuantity"] = quantity(v, unit, ucum);
                self.push(&format!("{}/{code}", s.id), o);
            }
        }
        self.scores(&s.id, &when, &a.instruments);
        if let Some(qr) = questionnaire_response(s, &self.patient) {
            self.push(&format!("{}/items", s.id), qr);
        }
    }
}

impl Builder {
    /// A check-in: its pain rating, its global rating of change, its instrument scores (as a
    /// check-up's) and its questionnaire items.
    fn checkin(&mut self, c: &crate::checkin::Checkin) {
        let when = c.date.to_string();
        if let Some(p) = c.pain {
            self.pain(
                &format!("{}/pain", c.id),
                &when,
                ("pain-now", "Back pain now, at a check-in"),
                p,
            );
        }
        if let Some(ch) = c.change {
            let mut o = self.observation(
                ("survey", "Survey"),
                vec![coding(
                    AMBLE_CODES,
                    "global-rating-of-change",
                    "Back since the last check-in (global rating of change)",
                )],
                "Back since the last check-in",
                &when,
            );
            o["valueCodeableConcept"] = json!({"coding": [coding(AMBLE_CODES, &format!("change-{}", ch.as_str()), ch.words())], "text": ch.words()});
            self.push(&format!("{}/change", c.id), o);
        }
        let as_checkup = StoredAssessment {
            id: c.id.clone(),
            date: c.date,
            answers: Answers {
                instruments: c.instruments.clone(),
                ..Answers::default()
            },
            rescreen: false,
            keep_level: false,
        };
        self.scores(&c.id, &when, &c.instruments);
        if let Some(qr) = questionnaire_response(&as_checkup, &self.patient) {
            self.push(&format!("{}/items", c.id), qr);
        }
    }
}

/// Item values of the instruments answered in a check-up, as `linkId`s like `odi-3`; `None`
/// when no instrument was answered.
fn questionnaire_response(s: &StoredAssessment, patient: &str) -> Option<Value> {
    let ins = &s.answers.instruments;
    let mut groups = Vec::new();
    let ints = |id: &str, items: &[Option<i64>]| {
        let answered: Vec<Value> = items
            .iter()
            .enumerate()
            .filter_map(|(i, v)| {
                v.map(|v| json!({"linkId": format!("{id}-{}", i + 1), "answer": [{"valueInteger": v}]}))
            })
            .collect();
        json!({"linkId": id, "item": answered})
    };
    if let Some(items) = &ins.startback {
        groups.push(ints(
            "startback",
            &items.iter().map(|v| Some(*v)).collect::<Vec<_>>(),
        ));
    }
    if let Some(items) = &ins.odi {
        groups.push(ints("odi", items));
    }
    if let Some(items) = &ins.rmdq {
        groups.push(ints(
            "rmdq",
            &items.iter().map(|v| Some(*v)).collect::<Vec<_>>(),
        ));
    }
    if let Some(items) = &ins.psfs {
        // The activities are the person's own words and stay out: scores only.
        groups.push(ints(
            "psfs",
            &items.iter().map(|p| Some(p.score)).collect::<Vec<_>>(),
        ));
    }
    if let Some(items) = &ins.peg {
        groups.push(ints(
            "peg",
            &items.iter().map(|v| Some(*v)).collect::<Vec<_>>(),
        ));
    }
    groups.retain(|g| g["item"].as_array().is_some_and(|a| !a.is_empty()));
    (!groups.is_empty()).then(|| {
        json!({
            "resourceType": "QuestionnaireResponse",
            "status": "completed",
            "subject": {"reference": patient},
            "author": {"reference": patient},
            "authored": s.date.to_string(),
            "item": groups,
        })
    })
}

fn patient(latest: Option<&Answers>) -> Value {
    let mut p = json!({"resourceType": "Patient"});
    if let Some(sex) = latest.and_then(|a| a.sex) {
        p["gender"] = json!(match sex {
            Sex::F => "female",
            Sex::M => "male",
            Sex::Other => "other",
        });
    }
    p
}

/// The bundle's entries one journal entry at a time (a Patient first), so a long journal can be
/// written out without holding the whole bundle: `{"resourceType": "Bundle", "type":
/// "collection", "entry": [...]}` around them is [`bundle`].
pub fn bundle_entries<'a>(
    entries: &'a [Entry],
    kb: &'a KnowledgeBase,
) -> impl Iterator<Item = Value> + 'a {
    let latest = entries.iter().rev().find_map(|e| match e {
        Entry::Assessment(s) if !s.rescreen => Some(&s.answers),
        _ => None,
    });
    let patient_ref = format!("urn:uuid:{}", uuid_for("patient"));
    let mut first = Builder {
        patient: patient_ref.clone(),
        entries: Vec::new(),
    };
    first.push("patient", patient(latest));
    first
        .entries
        .into_iter()
        .chain(entries.iter().flat_map(move |e| {
            let mut b = Builder {
                patient: patient_ref.clone(),
                entries: Vec::new(),
            };
            b.entry(e, kb);
            b.entries
        }))
}

/// The whole journal as a FHIR R4 collection Bundle.
pub fn bundle(entries: &[Entry], kb: &KnowledgeBase) -> Value {
    json!({
        "resourceType": "Bundle",
        "type": "collection",
        "entry": bundle_entries(entries, kb).collect::<Vec<_>>(),
    })
}

impl Builder {
    fn entry(&mut self, e: &Entry, kb: &KnowledgeBase) {
        let b = self;
        match e {
            Entry::Assessment(s) if !s.rescreen => b.checkup(s),
            Entry::Assessment(_) => {}
            Entry::Checkin(c) => b.checkin(c),
            Entry::Walk(w) => b.walk(w),
            Entry::Morning(m) => b.pain(
                &m.id,
                &m.date.to_string(),
                ("pain-next-morning", "Back pain on waking"),
                m.pain,
            ),
            Entry::Exercise(x) => {
                let when = x.date.to_string();
                let name = kb
                    .exercise(&x.exercise)
                    .map_or(x.exercise.as_str(), |e| e.name.as_str());
                let mut o = b.observation(
                    ("activity", "Activity"),
                    vec![coding(LOINC, "73985-4", "Exercise activity")],
                    name,
                    &when,
                );
                o["valueCodeableConcept"] = json!({"coding": [coding(AMBLE_CODES, &format!("exercise-{}", x.exercise), name)], "text": name});
                if let Some(sets) = x.sets {
                    o["component"] = json!([{
                        "code": {"coding": [coding(AMBLE_CODES, "exercise-sets", "Sets done")]},
                        "valueInteger": sets,
                    }]);
                }
                b.push(&x.id, o);
                if let Some(p) = x.pain_after {
                    b.pain(
                        &format!("{}/pain-after", x.id),
                        &when,
                        ("pain-after-exercise", "Back pain after the exercise"),
                        p,
                    );
                }
            }
            Entry::DailyMetrics(d) => {
                let when = d.date.to_string();
                if let Some(steps) = d.steps {
                    let mut o = b.observation(
                        ("activity", "Activity"),
                        vec![coding(
                            LOINC,
                            "41950-7",
                            "Number of steps in 24 hour Measured",
                        )],
                        "Steps in the day",
                        &when,
                    );
                    o["valueQuantity"] = quantity(steps as f64, "steps/day", "/d");
                    b.push(&format!("{}/steps", d.id), o);
                }
                if let Some(v) = d.walking_speed_mps {
                    let mut o = b.observation(
                        ("activity", "Activity"),
                        vec![coding(
                            AMBLE_CODES,
                            "walking-speed-day",
                            "Walking speed, mean of the day",
                        )],
                        "Walking speed",
                        &when,
                    );
                    o["valueQuantity"] = quantity(v, "m/s", "m/s");
                    b.push(&format!("{}/speed", d.id), o);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_stable_well_formed_and_distinct() {
        let a = uuid_for("w-1");
        assert_eq!(a, uuid_for("w-1"));
        assert_ne!(a, uuid_for("w-2"));
        assert_eq!(a.len(), 36);
        let parts: Vec<&str> = a.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('8'), "version 8: {a}");
        assert!(
            matches!(parts[3].chars().next(), Some('8' | '9' | 'a' | 'b')),
            "variant: {a}"
        );
        assert!(
            a.chars()
                .all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
    }

    #[test]
    fn a_time_without_a_zone_is_left_at_the_date() {
        let d = jiff::civil::date(2026, 3, 2);
        assert_eq!(effective(d, Some("07:30")), "2026-03-02");
        assert_eq!(effective(d, None), "2026-03-02");
        assert_eq!(
            effective(d, Some("2026-03-02T07:30:00+01:00")),
            "2026-03-02T07:30:00+01:00"
        );
    }
}
