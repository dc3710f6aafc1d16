//! The starting dose over a grid of answers (clinical brief §2.5): walking done with pain at
//! most amber is never cut below half (or below the target for people who walk more), severity
//! never plans more days or minutes than the milder twin and never longer walks, and the start
//! never goes above the week-1 cap.

use std::sync::OnceLock;

use amble_core::answers::Answers;
use amble_core::assessment::assess;
use amble_core::knowledge::KnowledgeBase;
use amble_core::plan::start_plan;
use serde_json::json;

fn kb() -> &'static KnowledgeBase {
    static KB: OnceLock<KnowledgeBase> = OnceLock::new();
    KB.get_or_init(|| KnowledgeBase::embedded().unwrap_or_else(|e| panic!("{e}")))
}

fn no_flags() -> serde_json::Value {
    let mut m = serde_json::Map::new();
    for q in kb().questions.iter().filter(|q| q.is_red_flag()) {
        m.insert(
            q.id.trim_start_matches("red_flags.").to_string(),
            json!(false),
        );
    }
    serde_json::Value::Object(m)
}

/// (weekly minutes, days, walks a day, minutes a walk) of the starting plan.
fn week_one(v: serde_json::Value) -> (u32, u32, u32, u32) {
    let a = Answers::from_value(v, kb()).unwrap_or_else(|e| panic!("{e}"));
    let plan = start_plan(&assess(&a, kb()), &a, kb());
    let w = plan.walking.unwrap_or_else(|| panic!("walking"));
    (
        w.weekly_minutes,
        w.sessions_per_week,
        w.bouts_per_session,
        w.bout_minutes,
    )
}

#[test]
fn comfortable_walking_is_kept_and_severity_never_adds_walking() {
    let severities = [
        json!({"pain": {"now": 9}}),
        json!({"instruments": {"odi": [4, 4, 4, 3, 3, 4, 3, 4, 4, 4]}}),
        json!({"instruments": {"startback": [1, 1, 1, 1, 1, 1, 1, 1, 4]}}),
    ];
    let mut checked = 0;
    for (kind, age) in [
        ("back", 55),
        ("stenosis", 74),
        ("sciatica", 40),
        ("back", 78),
    ] {
        let stenosis = kind == "stenosis";
        for usual in [3.0, 8.0, 15.0, 25.0, 40.0, 60.0, 90.0] {
            for walks in [1, 3, 5, 7, 10] {
                for pain_free in [
                    None,
                    Some(2.0),
                    Some(6.0),
                    Some(12.0),
                    Some(30.0),
                    Some(90.0),
                ] {
                    for peak in [3, 5, 6] {
                        let symptoms = if kind == "sciatica" {
                            json!({"loc_back": true, "loc_below_knee": "one", "leg_worse_than_back": true,
                                   "leg_quality": ["sharp"], "cough_sneeze_leg": true})
                        } else if stenosis {
                            json!({"loc_back": true, "loc_buttock": "both", "loc_thigh": "both", "leg_quality": ["heaviness"],
                                   "standing_alone_provokes": true, "relief_by": ["sitting", "bending_forward"],
                                   "sitting_effect": "eases"})
                        } else {
                            json!({"loc_back": true, "loc_below_knee": "none", "relief_minutes": "lt2",
                                   "onset_in_walk": "varies"})
                        };
                        let mut walking = json!({"usual_minutes": usual, "walks_per_week": walks});
                        if let Some(t) = pain_free {
                            walking["pain_free_minutes"] = json!(t);
                        }
                        let base = json!({
                            "age": age, "red_flags": no_flags(), "symptoms": symptoms, "walking": walking,
                            "pain": {"now": 3, "walk_peak": peak, "usual_morning": 2}
                        });
                        let (m_week, m_days, _, m_bout) = week_one(base.clone());
                        let now = usual * f64::from(walks);
                        let cap = (now * 1.2).max(now + 10.0);
                        let need = if peak <= 5 {
                            let half = (now * 0.5).ceil() as u32;
                            if now > 150.0 { half.max(150) } else { half }
                        } else {
                            0
                        };
                        let case = format!(
                            "{kind} at {age}: usual {usual} x {walks}, pain-free {pain_free:?}, peak {peak}"
                        );
                        assert!(
                            f64::from(m_week) <= cap,
                            "{case}: {m_week} over the cap {cap}"
                        );
                        assert!(m_week >= need, "{case}: {m_week} under {need}");
                        for change in &severities {
                            let mut v = base.clone();
                            for (k, val) in change.as_object().unwrap_or_else(|| panic!()) {
                                for (kk, vv) in val.as_object().unwrap_or_else(|| panic!()) {
                                    v[k][kk] = vv.clone();
                                }
                            }
                            let (s_week, s_days, _, s_bout) = week_one(v);
                            assert!(
                                s_week <= m_week && s_days <= m_days && s_bout <= m_bout,
                                "{case} {change}: severe {s_week}/{s_days}/{s_bout} vs {m_week}/{m_days}/{m_bout}"
                            );
                            assert!(s_week >= need, "{case} {change}: {s_week} under {need}");
                            checked += 1;
                        }
                    }
                }
            }
        }
    }
    assert!(checked > 1000);
}

/// The exercise limits over a grid of ages, pain and patterns (brief §2.5).
#[test]
fn exercise_limits_hold_across_ages_pain_and_patterns() {
    let limits = &kb().exercise_limits;
    let symptom_sets = [
        json!({"loc_back": true, "loc_below_knee": "none", "relief_minutes": "lt2", "onset_in_walk": "varies"}),
        json!({"loc_back": true, "loc_buttock": "one", "single_leg_provokes": true, "loc_below_knee": "none"}),
        json!({"loc_back": true, "loc_below_knee": "one", "leg_worse_than_back": true,
               "leg_quality": ["sharp", "pins_needles"], "cough_sneeze_leg": true, "flexion_provokes": true}),
        json!({"loc_back": true, "loc_buttock": "both", "loc_thigh": "both", "leg_quality": ["heaviness"],
               "standing_alone_provokes": true, "relief_by": ["sitting", "bending_forward"], "sitting_effect": "eases"}),
        json!({"loc_back": true, "extension_provokes": true, "uphill_vs_downhill": "worse_downhill",
               "relief_by": ["sitting"], "loc_below_knee": "none"}),
    ];
    for symptoms in &symptom_sets {
        for age in [30, 66, 79, 80, 91] {
            for now in [2, 7, 8, 10] {
                for pregnant in [false, true] {
                    if pregnant && age > 50 {
                        continue;
                    }
                    let mut v = json!({
                        "age": age, "red_flags": no_flags(), "symptoms": symptoms,
                        "walking": {"usual_minutes": 20, "walks_per_week": 3, "pain_free_minutes": 15},
                        "pain": {"now": now, "walk_peak": 5, "usual_morning": 2}
                    });
                    if pregnant {
                        v["context"] = json!({"pregnant": true});
                    }
                    let a = Answers::from_value(v, kb()).unwrap_or_else(|e| panic!("{e}"));
                    let r = assess(&a, kb());
                    let plan = start_plan(&r, &a, kb());
                    let case = format!("{symptoms} age {age} pain {now} pregnant {pregnant}");
                    assert!(!plan.exercises.is_empty(), "{case}");
                    for e in &plan.exercises {
                        assert!(
                            plan.excluded.iter().all(|x| x.id != e.id),
                            "{case}: {} both chosen and left out",
                            e.id
                        );
                        let lib = kb().exercise(&e.id).unwrap_or_else(|| panic!("{}", e.id));
                        assert_eq!((e.kind, e.position), (lib.kind, lib.position));
                    }
                    let ids: Vec<&str> = plan.exercises.iter().map(|e| e.id.as_str()).collect();
                    assert!(
                        !(ids.contains(&"calf_stretch") && ids.contains(&"bent_knee_calf_stretch")),
                        "{case}: one calf stretch"
                    );
                    if age >= 80 {
                        let floor = plan
                            .exercises
                            .iter()
                            .filter(|e| e.position == amble_core::knowledge::Position::Floor)
                            .count();
                        assert!(floor <= limits.older_max_floor, "{case}: {ids:?}");
                        assert!(
                            plan.exercises
                                .iter()
                                .filter(|e| e.position == amble_core::knowledge::Position::Floor)
                                .all(|e| limits.older_floor_gentle.contains(&e.id)),
                            "{case}: only a gentle floor exercise from 80: {ids:?}"
                        );
                        assert!(
                            plan.exercises
                                .iter()
                                .any(|e| e.kind == amble_core::knowledge::ExerciseKind::Balance),
                            "{case}: {ids:?}"
                        );
                    }
                    let acute = r
                        .strength_of("radicular")
                        .is_some_and(|s| s >= amble_core::assessment::Strength::Moderate)
                        && now >= 8;
                    if acute {
                        assert!(ids.len() <= limits.radicular_max, "{case}: {ids:?}");
                        assert!(
                            ids.iter()
                                .all(|id| limits.radicular_gentle.iter().any(|g| g == id)),
                            "{case}: {ids:?}"
                        );
                        assert!(
                            !ids.contains(&"calf_stretch") && !ids.contains(&"hamstring_stretch")
                        );
                    }
                    if pregnant {
                        for id in [
                            "glute_bridge",
                            "dead_bug",
                            "knee_to_chest",
                            "piriformis_stretch",
                            "hamstring_stretch",
                            "front_plank",
                            "prone_press_up",
                            "mcgill_curl_up",
                        ] {
                            assert!(!ids.contains(&id), "{case}: {id}");
                        }
                    }
                }
            }
        }
    }
}
