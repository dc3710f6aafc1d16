//! The knowledge base loads, and every kind of broken content is caught at start-up.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

use amble_core::answers::{Answers, DERIVED_KEYS};
use amble_core::knowledge::{ContentFile, EMBEDDED, KnowledgeBase, KnowledgeError, PATTERN_IDS};
use std::collections::BTreeSet;

fn with_change(file: &str, from: &str, to: &str) -> Result<KnowledgeBase, KnowledgeError> {
    let texts: Vec<(String, String)> = EMBEDDED
        .iter()
        .map(|f| {
            let text = if f.name.ends_with(file) {
                assert!(f.text.contains(from), "{file} contains {from:?}");
                f.text.replacen(from, to, 1)
            } else {
                f.text.to_string()
            };
            (f.name.to_string(), text)
        })
        .collect();
    let files: Vec<ContentFile<'_>> = texts
        .iter()
        .map(|(n, t)| ContentFile { name: n, text: t })
        .collect();
    KnowledgeBase::load(&files)
}

fn expect_invalid(file: &str, from: &str, to: &str, needle: &str) {
    match with_change(file, from, to) {
        Ok(_) => panic!("changing {from:?} to {to:?} in {file} should be rejected"),
        Err(e) => {
            let msg = e.to_string();
            assert!(
                msg.contains(needle),
                "message {msg:?} should mention {needle:?}"
            );
            assert!(msg.contains(file), "message {msg:?} names the file");
        }
    }
}

#[test]
fn embedded_knowledge_base_is_valid() {
    let kb = KnowledgeBase::embedded().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(kb.patterns.len(), PATTERN_IDS.len());
    assert!(kb.flags.len() >= 15);
    assert_eq!(kb.questions.iter().filter(|q| q.is_red_flag()).count(), 20);
}

#[test]
fn red_flag_questions_come_first() {
    let kb = KnowledgeBase::embedded().unwrap_or_else(|e| panic!("{e}"));
    let first_other = kb
        .questions
        .iter()
        .position(|q| !q.is_red_flag())
        .unwrap_or(0);
    assert!(kb.questions[..first_other].iter().all(|q| q.is_red_flag()));
    assert_eq!(kb.topics[0].id, "warning_signs");
    assert!(kb.topic_questions("warning_signs").all(|q| q.is_red_flag()));
    for q in kb.questions[first_other..]
        .iter()
        .filter(|q| q.is_red_flag())
    {
        assert!(
            !q.only_if.is_empty() && !q.ask_if_unknown,
            "{}: a warning sign asked later applies only to some people",
            q.id
        );
    }
}

#[test]
fn a_condition_must_look_at_an_earlier_topic() {
    expect_invalid(
        "questions.toml",
        "only_if = [{ answer = \"symptoms.loc_below_knee\", any_of = [\"one\", \"both\"] }]",
        "only_if = [{ answer = \"walking.usual_minutes\", min = 1 }]",
        "not asked in an earlier topic",
    );
    expect_invalid(
        "questions.toml",
        "topic = \"circulation\"\nkind = \"bool\"\ntext = \"Do you smoke",
        "topic = \"circulaton\"\nkind = \"bool\"\ntext = \"Do you smoke",
        "unknown topic",
    );
    expect_invalid(
        "questions.toml",
        "topic = \"today\"\nkind = \"integer\"\nmin = 0\nmax = 10\ntext = \"Your back pain right now",
        "topic = \"where\"\nkind = \"integer\"\nmin = 0\nmax = 10\ntext = \"Your back pain right now",
        "out of order",
    );
}

/// Every answer key of the contract has a question, and every question is a contract key.
#[test]
fn questions_cover_exactly_the_answers_schema() {
    let kb = KnowledgeBase::embedded().unwrap_or_else(|e| panic!("{e}"));
    let full = serde_json::json!({
        "age": 50, "sex": "f", "height_cm": 170, "weight_kg": 70,
        "red_flags": {
            "saddle_numbness": false, "bladder_change": false, "bowel_change": false,
            "both_legs_new": false, "sexual_dysfunction_new": false, "progressive_weakness": false,
            "spreading_numbness_unsteady": false, "cancer_history": false, "weight_loss_unexplained": false,
            "fever_unwell": false, "infection_risk": false, "significant_trauma": false,
            "minor_trauma_bone_risk": false, "constant_night_pain": false, "aaa_signs": false,
            "sudden_cold_pale_leg": false, "foot_rest_pain_or_ulcer": false, "chest_symptoms_on_exertion": false,
            "pregnancy_warning_signs": false, "minor_trauma": false
        },
        "symptoms": {
            "loc_back": true, "loc_buttock": "none", "loc_thigh": "none", "loc_below_knee": "none",
            "loc_calf_only": false, "pain_above_l5": true, "leg_worse_than_back": false,
            "leg_quality": ["ache"], "onset_in_walk": "start", "standing_alone_provokes": false,
            "relief_by": ["sitting"], "relief_minutes": "lt2", "uphill_vs_downhill": "same",
            "sitting_effect": "eases", "flexion_provokes": false, "extension_provokes": false,
            "cough_sneeze_leg": false, "single_leg_provokes": false, "morning_stiffness_min": 10,
            "night_pain": "none", "onset_age_lt45": false, "duration_weeks": 10, "first_episode": false,
            "pain_worse_with_rest_better_with_exercise": false, "inflammatory_features": ["none"], "stress_leaking": false, "recent_load_increase_pct": 0,
            "new_or_worn_shoes": false, "shoe_age_km": 300, "risk_smoker": false, "risk_diabetes": false,
            "risk_cvd": false, "feet_cold_pale": false
        },
        "walking": { "usual_minutes": 20, "walks_per_week": 3, "pain_free_minutes": 12 },
        "pain": { "now": 3, "walk_peak": 6, "usual_morning": 2 },
        "context": { "pregnant": false, "pregnancy_weeks": 20, "osteoporosis": false, "long_term_steroids": false, "spine_surgery_last_3_months": false, "clinician_plan": false, "clinician_checked": false }
    });
    let answers = Answers::from_value(full, &kb).unwrap_or_else(|e| panic!("{e}"));
    let facts: BTreeSet<String> = answers
        .facts()
        .0
        .keys()
        .filter(|k| !DERIVED_KEYS.contains(&k.as_str()))
        .cloned()
        .collect();
    let questions: BTreeSet<String> = kb.questions.iter().map(|q| q.id.clone()).collect();
    assert_eq!(facts, questions);
}

#[test]
fn a_duplicate_id_is_rejected() {
    expect_invalid(
        "patterns.toml",
        "id = \"posture_gait\"",
        "id = \"nslbp_fatigue\"",
        "duplicate id",
    );
    expect_invalid(
        "red_flags.toml",
        "id = \"aaa\"",
        "id = \"cardiac\"",
        "duplicate id",
    );
    expect_invalid(
        "questions.toml",
        "id = \"red_flags.bladder_change\"",
        "id = \"red_flags.saddle_numbness\"",
        "duplicate id",
    );
    expect_invalid("sources.toml", "id = \"R4\"", "id = \"R3\"", "duplicate id");
}

#[test]
fn a_rule_naming_an_unknown_answer_is_rejected() {
    expect_invalid(
        "patterns.toml",
        "answer = \"symptoms.cough_sneeze_leg\"",
        "answer = \"symptoms.cough_sneeze\"",
        "unknown answer",
    );
    expect_invalid(
        "red_flags.toml",
        "answer = \"red_flags.aaa_signs\"",
        "answer = \"red_flags.aaa\"",
        "unknown answer",
    );
}

#[test]
fn an_unknown_option_value_is_rejected() {
    expect_invalid(
        "patterns.toml",
        "contains = \"bending_forward\"",
        "contains = \"bending\"",
        "not an option",
    );
    expect_invalid(
        "red_flags.toml",
        "is = \"constant\"",
        "is = \"always\"",
        "not an option",
    );
}

#[test]
fn a_wrong_kind_of_test_is_rejected() {
    expect_invalid(
        "red_flags.toml",
        "{ answer = \"red_flags.aaa_signs\", is = true }",
        "{ answer = \"red_flags.aaa_signs\", is = \"yes\" }",
        "yes/no",
    );
    expect_invalid(
        "patterns.toml",
        "answer = \"symptoms.shoe_age_km\"\n  min = 800",
        "answer = \"symptoms.shoe_age_km\"\n  is = 800",
        "use a range",
    );
}

#[test]
fn a_missing_or_unknown_source_is_rejected() {
    expect_invalid(
        "patterns.toml",
        "sources = [\"R17\"]",
        "sources = []",
        "missing source",
    );
    expect_invalid(
        "patterns.toml",
        "sources = [\"R17\"]",
        "sources = [\"R999\"]",
        "unknown source \"R999\"",
    );
    expect_invalid(
        "red_flags.toml",
        "sources = [\"R29\"]",
        "sources = [\"R2999\"]",
        "unknown source",
    );
}

#[test]
fn a_broken_pattern_reference_is_rejected() {
    expect_invalid(
        "red_flags.toml",
        "from_pattern = { id = \"vascular_claud\"",
        "from_pattern = { id = \"vascular\"",
        "unknown pattern",
    );
}

#[test]
fn a_missing_pattern_or_tier_is_rejected() {
    expect_invalid(
        "patterns.toml",
        "id = \"weight\"",
        "id = \"heft\"",
        "not a pattern id of the contract",
    );
    expect_invalid(
        "red_flags.toml",
        "id = \"routine\"\nheadline",
        "id = \"soon\"\nheadline",
        "duplicate tier",
    );
}

#[test]
fn unknown_keys_and_bad_toml_are_rejected() {
    expect_invalid(
        "patterns.toml",
        "why = \"your weight for your height (BMI) is 30 or more\"",
        "why = \"x\"\n  wieght = 2",
        "wieght",
    );
    expect_invalid(
        "questions.toml",
        "version = 1",
        "version = 1\n[[question",
        "questions.toml",
    );
    expect_invalid(
        "sources.toml",
        "version = 1",
        "version = 2",
        "expected content version 1",
    );
}

/// The wording guide (brief §8.3): Amble never diagnoses, never reassures a risk away, never
/// tells people to push through pain, and never blames posture or recommends orthotics.
#[test]
fn content_follows_the_wording_guide() {
    let forbidden = [
        // Naming a condition as fact (the person's own answers may be echoed: "you have diabetes").
        "you have sciatica",
        "you have stenosis",
        "you have spinal",
        "you have a disc",
        "you have a slipped",
        "you have arthritis",
        "you have a fracture",
        "you have cancer",
        "you have an aneurysm",
        "you have cauda",
        "you've got",
        "this is muscular",
        "diagnosis is",
        "nothing serious",
        "not serious",
        "safe to carry on",
        "no need to see",
        "push through",
        "no pain, no gain",
        "cures ",
        "treats ",
        "heals ",
        "bad posture",
        "poor posture",
        "correct posture",
        "wrong posture",
        "you should get orthotics",
        "buy insoles",
    ];
    for file in EMBEDDED {
        // Only user-facing text: skip comment lines.
        let text: String = file
            .text
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .collect::<Vec<_>>()
            .join("\n")
            .to_lowercase();
        for phrase in forbidden {
            assert!(!text.contains(phrase), "{}: contains {phrase:?}", file.name);
        }
    }
    let kb = KnowledgeBase::embedded().unwrap_or_else(|e| panic!("{e}"));
    let shoes = kb
        .guidance
        .iter()
        .find(|n| n.id == "shoes")
        .map(|n| n.text.to_lowercase())
        .unwrap_or_default();
    assert!(
        shoes.contains("not recommended"),
        "insoles and belts are named as not recommended"
    );
}

#[test]
fn every_exercise_has_a_full_entry() {
    let kb = KnowledgeBase::embedded().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        kb.exercises.len(),
        amble_core::knowledge::EXERCISE_IDS.len()
    );
    for e in &kb.exercises {
        assert!(
            !e.target.is_empty()
                && !e.progression.is_empty()
                && !e.regression.is_empty()
                && !e.caution.is_empty(),
            "{}",
            e.id
        );
        assert!(e.cues.len() >= 2, "{} has form cues", e.id);
    }
    let press_up = kb
        .exercise("prone_press_up")
        .unwrap_or_else(|| panic!("prone_press_up"));
    assert!(
        press_up
            .avoid
            .iter()
            .any(|a| a.pattern.as_deref() == Some("lss_nc"))
    );
}

#[test]
fn a_broken_exercise_reference_is_rejected() {
    expect_invalid(
        "exercises.toml",
        "pattern = \"lss_nc\"",
        "pattern = \"stenosis\"",
        "avoids unknown pattern",
    );
    expect_invalid(
        "exercises.toml",
        "context = \"context.pregnant\"",
        "context = \"context.pregant\"",
        "which is not a yes/no answer",
    );
    expect_invalid(
        "exercises.toml",
        "id = \"childs_pose\"",
        "id = \"childs_pose_2\"",
        "not an exercise id",
    );
    expect_invalid(
        "exercises.toml",
        "sources = [\"R51\", \"R11\"]",
        "sources = [\"R5100\"]",
        "unknown source",
    );
    expect_invalid(
        "guidance.toml",
        "when = [\"radicular\"]",
        "when = [\"sciatica\"]",
        "unknown pattern, mode or situation",
    );
}

#[test]
fn broken_plan_numbers_are_caught() {
    expect_invalid(
        "plan.toml",
        r#"sources = ["R5", "R22", "R39", "heuristic"]"#,
        r#"sources = ["R999"]"#,
        "unknown source",
    );
    expect_invalid(
        "plan.toml",
        "regress_fraction = 0.75",
        "regress_fraction = 1.5",
        "steps.regress_fraction",
    );
    expect_invalid(
        "plan.toml",
        "cap_one_week = 1.20",
        "cap_one_week = 0.9",
        "cap_one_week",
    );
    expect_invalid(
        "plan.toml",
        "fraction = 0.5",
        "fraction = 0.9",
        "away.restart",
    );
    expect_invalid("plan.toml", "min_bout = 5", "min_bout = 0", "min_bout");
}

/// The exercise library's kinds, positions, stand-ins and limits (brief §2.5) are checked.
#[test]
fn exercise_kinds_positions_and_limits_are_checked() {
    expect_invalid(
        "exercises.toml",
        "position = \"standing\"",
        "position = \"lying\"",
        "position",
    );
    expect_invalid(
        "exercises.toml",
        "alternative_to = \"calf_stretch\"",
        "alternative_to = \"calf_strech\"",
        "alternative_to",
    );
    expect_invalid(
        "exercises.toml",
        "straight_knee = [\"calf_stretch\", \"hamstring_stretch\"]",
        "straight_knee = [\"calf_stretch\", \"hamstring\"]",
        "not an exercise of the library",
    );
    expect_invalid(
        "exercises.toml",
        "radicular_max = 3",
        "radicular_max = 0",
        "radicular_max",
    );
    expect_invalid(
        "patterns.toml",
        "self_care = true\ncare = \"No clinician visit is needed for this pattern alone. If",
        "care = \"No clinician visit is needed for this pattern alone. If",
        "self_care",
    );
}

#[test]
fn only_soon_triggers_can_rest_on_history() {
    expect_invalid(
        "red_flags.toml",
        "  tier = \"emergency\"\n  when = [{ answer = \"red_flags.significant_trauma\", is = true }]",
        "  tier = \"emergency\"\n  history = true\n  when = [{ answer = \"red_flags.significant_trauma\", is = true }]",
        "never released",
    );
}

/// One urgency per report, from the warning-sign tier: pattern texts never set their own
/// timing, and every hallmark looks at answers that exist.
#[test]
fn pattern_texts_never_name_their_own_urgency() {
    let kb = KnowledgeBase::embedded().unwrap_or_else(|e| panic!("{e}"));
    let timing = [
        "urgent",
        "same day",
        "today",
        "within about",
        "in the next few days",
        "emergency care",
        "soon (",
    ];
    for p in &kb.patterns {
        for text in [&p.care, &p.summary] {
            for t in timing {
                assert!(!text.contains(t), "{}: {t:?} in {text:?}", p.id);
            }
        }
    }
    for t in timing {
        assert!(!kb.strength.weak_care.contains(t));
    }
    // A flag's words never set a timing of their own either: the tier heading does (one
    // urgency per report, brief §2.4), so a combination that raises the tier never reads
    // "the same day" under an emergency heading.
    for f in &kb.flags {
        for t in ["today", "same day", "next few days", "within", " soon."] {
            assert!(
                !f.explain.contains(t),
                "flag {}: {t:?} in {:?}",
                f.id,
                f.explain
            );
        }
    }
    for id in ["radicular", "lss_nc", "vascular_claud"] {
        assert!(
            !kb.pattern(id).unwrap().hallmarks.is_empty(),
            "{id} has its hallmarks"
        );
    }
    expect_invalid(
        "patterns.toml",
        "any = [{ answer = \"symptoms.loc_below_knee\", any_of = [\"one\", \"both\"] }]",
        "any = [{ answer = \"symptoms.loc_below_knees\", any_of = [\"one\", \"both\"] }]",
        "unknown answer",
    );
}

#[test]
fn broken_outcome_rules_are_rejected() {
    expect_invalid(
        "outcomes.toml",
        r#"sources = ["R38"]"#,
        r#"sources = ["R999"]"#,
        "unknown source \"R999\"",
    );
    expect_invalid(
        "outcomes.toml",
        "important_points = 10",
        "important_points = 0",
        "measure \"odi\".important_points",
    );
    expect_invalid(
        "outcomes.toml",
        "important_percent = 30\nsources = [\"R34\", \"R35\"]",
        "important_percent = 300\nsources = [\"R34\", \"R35\"]",
        "measure \"nprs\".important_percent",
    );
    expect_invalid(
        "outcomes.toml",
        "id = \"rmdq\"",
        "id = \"rmq\"",
        "expected the measures",
    );
    expect_invalid(
        "outcomes.toml",
        "rmdq_max = 2",
        "rmdq_max = \"2\"",
        "rmdq_max",
    );
}

/// The library: every pattern the check-up can name and every plan decision links to an
/// article, every article has sources, and the search finds each article by its own words.
#[test]
fn the_library_covers_the_checkup_and_is_searchable() {
    use amble_core::learn::{for_decision, for_pattern, search};
    use amble_core::plan::DecisionKind;
    let kb = KnowledgeBase::embedded().unwrap_or_else(|e| panic!("{e}"));
    assert!(kb.learn.len() >= 15);
    for p in PATTERN_IDS {
        assert!(
            for_pattern(&kb.learn, p).is_some(),
            "no article for pattern {p}"
        );
    }
    assert_eq!(
        for_pattern(&kb.learn, "lss_nc").map(|t| t.id.as_str()),
        Some("stenosis")
    );
    assert_eq!(
        for_pattern(&kb.learn, "radicular").map(|t| t.id.as_str()),
        Some("nerve-pain")
    );
    for k in [
        DecisionKind::Start,
        DecisionKind::Progress,
        DecisionKind::Hold,
        DecisionKind::Regress,
        DecisionKind::Flare,
        DecisionKind::Suspend,
    ] {
        assert!(for_decision(&kb.learn, k).is_some(), "{k:?}");
    }
    for t in &kb.learn {
        assert!(!t.sources.is_empty(), "{}", t.id);
        let by_title = search(&kb.learn, &t.title);
        assert!(
            by_title.iter().take(3).any(|x| x.id == t.id),
            "{}: searching its title finds {:?}",
            t.id,
            by_title.iter().map(|x| &x.id).collect::<Vec<_>>()
        );
        for k in &t.keywords {
            assert!(
                search(&kb.learn, k).iter().any(|x| x.id == t.id),
                "{}: keyword {k:?} does not find it",
                t.id
            );
        }
    }
    let first = |q: &str| search(&kb.learn, q).first().map(|t| t.id.clone());
    assert_eq!(first("back belt").as_deref(), Some("back-belts"));
    assert_eq!(first("stenossis").as_deref(), Some("stenosis"), "a typo");
    assert_eq!(first("flares").as_deref(), Some("flares"), "a plural");
    assert_eq!(
        first("should I walk through pain?").as_deref(),
        Some("walk-through-pain")
    );
    assert!(search(&kb.learn, "").is_empty());
    assert!(
        search(&kb.learn, "the and of").is_empty(),
        "stop words only"
    );
    assert!(search(&kb.learn, "xylophone").is_empty());
}

#[test]
fn broken_library_entries_are_rejected() {
    expect_invalid(
        "learn.toml",
        "\"R5\", \"R6\", \"R42\"",
        "\"R5\", \"R99\"",
        "unknown source \"R99\"",
    );
    expect_invalid(
        "learn.toml",
        "patterns = [\"lss_nc\"]",
        "patterns = [\"lss\"]",
        "unknown pattern \"lss\"",
    );
    expect_invalid(
        "learn.toml",
        "id = \"hills\"",
        "id = \"running\"",
        "used twice",
    );
    expect_invalid(
        "learn.toml",
        "group = \"questions\"",
        "group = \"faq\"",
        "group",
    );
}

/// The learn articles that say when to get help use the check-up's timings (one urgency
/// everywhere, brief §2.4): a leg getting weaker needs a doctor today; bladder or bowel trouble
/// needs an emergency department now; no vaguer "at once" or "a day or two".
#[test]
fn learn_articles_use_the_check_ups_timings() {
    let kb = KnowledgeBase::embedded().unwrap_or_else(|e| panic!("{e}"));
    for id in ["when-to-see-someone", "nerve-pain", "stenosis", "flares"] {
        let t = kb
            .learn
            .iter()
            .find(|t| t.id == id)
            .unwrap_or_else(|| panic!("article {id}"));
        let mut weaker = false;
        let mut bladder = false;
        for sentence in t.body.iter().flat_map(|p| p.split(". ")) {
            let s = sentence.to_lowercase();
            for vague in ["at once", "a day or two", "see a doctor soon"] {
                assert!(!s.contains(vague), "{id}: {vague:?} in {sentence:?}");
            }
            if s.contains("weaker") {
                weaker = true;
                assert!(s.contains("today"), "{id}: {sentence:?}");
            }
            if s.contains("bladder") || s.contains("bowel") {
                bladder = true;
                assert!(s.contains("emergency department"), "{id}: {sentence:?}");
            }
        }
        assert!(
            weaker && bladder,
            "{id} names both a weakening leg and bladder or bowel trouble"
        );
    }
}

/// The coach's alert thresholds are content: sourced and bounded like the plan's numbers.
#[test]
fn broken_coach_thresholds_are_caught() {
    let kb = KnowledgeBase::embedded().expect("embedded content");
    let t = kb.coach.thresholds();
    assert_eq!((t.pain_rise, t.pain_high, t.quiet_days), (2, 7, 14));
    expect_invalid(
        "coach.toml",
        r#"sources = ["heuristic"]"#,
        r#"sources = ["R999"]"#,
        "quiet.sources",
    );
    expect_invalid(
        "coach.toml",
        r#"sources = ["heuristic"]"#,
        "sources = []",
        "missing source",
    );
    expect_invalid("coach.toml", "high = 7", "high = 11", "pain.high");
    expect_invalid(
        "coach.toml",
        "rise_points = 2",
        "rise_points = 0",
        "pain.rise_points",
    );
    expect_invalid("coach.toml", "days = 14", "days = 0", "quiet.days");
    expect_invalid("coach.toml", "days = 14", "dayz = 14", "unknown field");
}
