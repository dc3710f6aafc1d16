//! Property tests of the check-up engine: red flags always win, unknown is never less careful,
//! and results are deterministic.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

use amble_core::instruments::{StartBackRisk, score_odi, score_startback};
use amble_core::knowledge::{KnowledgeBase, QuestionKind};
use amble_core::{Answers, PlanStatus, Tier, assess};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::{Map, Value};
use std::sync::OnceLock;

fn kb() -> &'static KnowledgeBase {
    static KB: OnceLock<KnowledgeBase> = OnceLock::new();
    KB.get_or_init(|| KnowledgeBase::embedded().unwrap_or_else(|e| panic!("{e}")))
}

/// One optional answer for each question, drawn from its kind and range.
fn answer_for(
    kind: QuestionKind,
    options: Vec<String>,
    min: f64,
    max: f64,
) -> BoxedStrategy<Option<Value>> {
    let value: BoxedStrategy<Value> = match kind {
        QuestionKind::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        QuestionKind::Choice => proptest::sample::select(options)
            .prop_map(Value::String)
            .boxed(),
        QuestionKind::Multi => proptest::sample::subsequence(options.clone(), 0..=options.len())
            .prop_map(|v| Value::Array(v.into_iter().map(Value::String).collect()))
            .boxed(),
        QuestionKind::Integer => ((min as i64)..=(max as i64)).prop_map(Value::from).boxed(),
        QuestionKind::Number => (min..=max)
            .prop_map(|x| Value::from((x * 2.0).round() / 2.0))
            .boxed(),
    };
    proptest::option::weighted(0.7, value).boxed()
}

fn answers_strategy() -> impl Strategy<Value = Answers> {
    let parts: Vec<BoxedStrategy<(String, Option<Value>)>> = kb()
        .questions
        .iter()
        .map(|q| {
            let id = q.id.clone();
            answer_for(
                q.kind,
                q.options.clone(),
                q.min.unwrap_or(0.0),
                q.max.unwrap_or(100.0),
            )
            .prop_map(move |v| (id.clone(), v))
            .boxed()
        })
        .collect();
    parts.prop_map(|pairs| {
        let mut doc = Map::new();
        for (path, v) in pairs {
            let Some(v) = v else { continue };
            match path.split_once('.') {
                Some((section, key)) => {
                    if let Value::Object(m) = doc
                        .entry(section.to_string())
                        .or_insert_with(|| Value::Object(Map::new()))
                    {
                        m.insert(key.to_string(), v);
                    }
                }
                None => {
                    doc.insert(path, v);
                }
            }
        }
        Answers::from_value(Value::Object(doc), kb())
            .unwrap_or_else(|e| panic!("generated answers are valid: {e}"))
    })
}

fn red_flag_ids() -> Vec<String> {
    kb().questions
        .iter()
        .filter(|q| q.is_red_flag())
        .map(|q| q.id.clone())
        .collect()
}

/// The properties' configuration: 300 cases unless `PROPTEST_CASES` asks for more (or fewer),
/// and no failure files written into the source tree (a failure prints its case; a case worth
/// keeping becomes an explicit test below).
fn config() -> ProptestConfig {
    let mut c = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        c.cases = 300;
    }
    c.failure_persistence = None;
    c
}

/// Whether `red_flags.minor_trauma` applies (contract §1): from 65 (an unknown age keeps it:
/// unknown is never less careful), or with thin bones or long-term steroids.
fn minor_trauma_applies(a: &Answers) -> bool {
    a.age.is_none_or(|age| age >= 65.0)
        || a.context.osteoporosis == Some(true)
        || a.context.long_term_steroids == Some(true)
}

/// The least a yes to one warning sign gives on its own, under the current rules (brief §2.3-2.5):
/// every sign asks for a clinician (soon or more), except where the rules say otherwise.
fn floor_for(id: &str, a: &Answers) -> Tier {
    let checked = a.context.clinician_checked == Some(true);
    match id {
        // A raised infection risk alone is a note (clinical review); with constant pain, urgent.
        "red_flags.infection_risk" => Tier::Routine,
        // History: released to a note once a clinician has checked this back pain (§2.4).
        "red_flags.cancer_history" if checked => Tier::Routine,
        // Trauma belongs to this episode: pain that has lasted 6 weeks or more has outlasted it.
        "red_flags.significant_trauma" if a.symptoms.duration_weeks.is_some_and(|w| w >= 6.0) => {
            Tier::None
        }
        // A minor fall, lift or knock counts from 65 or with thin bones or steroids (§2.5),
        // and a clinician's check releases it to a note.
        "red_flags.minor_trauma" if !minor_trauma_applies(a) => Tier::None,
        "red_flags.minor_trauma" if checked => Tier::Routine,
        _ => Tier::Soon,
    }
}

fn with_answer(a: &Answers, path: &str, value: Option<Value>) -> Answers {
    let mut doc = serde_json::to_value(a).unwrap_or(Value::Null);
    if let Some((section, key)) = path.split_once('.') {
        if let Some(Value::Object(m)) = doc.get_mut(section) {
            match value {
                Some(v) => m.insert(key.to_string(), v),
                None => m.remove(key),
            };
        }
    } else if let Value::Object(m) = &mut doc {
        match value {
            Some(v) => m.insert(path.to_string(), v),
            None => m.remove(path),
        };
    }
    Answers::from_value(doc, kb()).unwrap_or_else(|e| panic!("{e}"))
}

fn unanswered_is_not_no(a: Answers, id: &str) -> Result<(), TestCaseError> {
    // The pregnancy warning signs apply only in pregnancy, a minor fall only from 65 (or with
    // thin bones or steroids).
    let a = match id {
        "red_flags.pregnancy_warning_signs" => {
            with_answer(&a, "context.pregnant", Some(Value::Bool(true)))
        }
        "red_flags.minor_trauma" => with_answer(&a, "age", Some(Value::from(70))),
        _ => a,
    };
    let open = with_answer(&a, id, None);
    let r = assess(&open, kb());
    prop_assert!(r.triage.unanswered.iter().any(|q| q == id), "{id}");
    prop_assert_ne!(r.plan_status, PlanStatus::Allowed);
    let view = amble_core::report::view(&r, &open, kb());
    prop_assert!(
        !view.headline.contains("None of the warning signs"),
        "{}",
        view.headline
    );
    let plan = amble_core::plan::start_plan(&r, &open, kb());
    prop_assert_ne!(plan.status, amble_core::plan::Status::Active);
    Ok(())
}

fn adding_a_red_flag(a: &Answers, id: &str) -> Result<(), TestCaseError> {
    let before = assess(a, kb()).tier();
    let after = assess(&with_answer(a, id, Some(Value::Bool(true))), kb()).tier();
    prop_assert!(after >= before, "{id}: {before:?} -> {after:?}");
    let floor = floor_for(id, a);
    prop_assert!(after >= floor, "{id} gave {after:?}, below {floor:?}");
    Ok(())
}

fn forgetting_never_rules_out(a: &Answers, id: &str) -> Result<(), TestCaseError> {
    let known = assess(a, kb());
    let forgotten = assess(&with_answer(a, id, None), kb());
    for p in &known.patterns {
        // A pattern whose hallmark the person denied is held half a point under the best of the
        // others (`hold_back_denied`): forgetting an answer that raised another pattern lowers
        // that cap, by design. It stays weak either way and raises no flag on its own; the
        // explicit test below keeps such a case.
        if p.missing_hallmark.is_some() {
            continue;
        }
        let weights: Vec<f64> = p
            .because
            .iter()
            .filter(|b| b.answer == id)
            .map(|b| b.weight)
            .collect();
        // Only answers that pointed away and nowhere else (a list such as "ache, numbness" can
        // point both ways at once).
        if !weights.is_empty() && weights.iter().all(|w| *w < 0.0) {
            let after = forgotten
                .patterns
                .iter()
                .find(|q| q.id == p.id)
                .map_or(0.0, |q| q.score);
            prop_assert!(
                after >= p.score,
                "{}: {} -> {} after forgetting {id}",
                p.id,
                p.score,
                after
            );
        }
    }
    Ok(())
}

/// Found by the property above: calf pain eased by moving on (vascular claudication's hallmark,
/// relief by standing still, denied) is held under the best other pattern; forgetting that
/// standing alone brings it on lowers the other pattern and so the cap, never below weak.
#[test]
fn a_held_back_pattern_moves_with_its_cap_and_stays_weak_when_an_answer_is_forgotten() {
    let doc = serde_json::json!({ "age": 16, "symptoms": {
        "loc_calf_only": true, "standing_alone_provokes": true, "relief_by": ["keep_moving"],
        "uphill_vs_downhill": "worse_uphill", "risk_cvd": true } });
    let known = assess(&answers(doc.clone()), kb());
    let mut forgotten_doc = doc;
    forgotten_doc["symptoms"]
        .as_object_mut()
        .unwrap()
        .remove("standing_alone_provokes");
    let forgotten = assess(&answers(forgotten_doc), kb());
    for a in [&known, &forgotten] {
        let v = a
            .patterns
            .iter()
            .find(|p| p.id == "vascular_claud")
            .unwrap();
        assert!(v.missing_hallmark.is_some());
        assert_eq!(v.strength, amble_core::assessment::Strength::Weak);
    }
}

fn answers(doc: Value) -> Answers {
    Answers::from_value(doc, kb()).unwrap_or_else(|e| panic!("{e}"))
}

// Cases proptest once found, kept as explicit tests over every question they could pick.

#[test]
fn a_leg_described_as_ache_and_numbness_is_never_ruled_out_by_forgetting() {
    let a = answers(serde_json::json!({
        "symptoms": { "leg_quality": ["ache", "numbness"] }, "walking": { "walks_per_week": 0 }
    }));
    for q in &kb().questions {
        forgetting_never_rules_out(&a, &q.id).unwrap_or_else(|e| panic!("{e}"));
    }
}

#[test]
fn a_clinicians_check_alone_never_hides_a_new_warning_sign() {
    let a = answers(serde_json::json!({ "context": { "clinician_checked": true } }));
    for id in red_flag_ids() {
        adding_a_red_flag(&a, &id).unwrap_or_else(|e| panic!("{e}"));
    }
}

#[test]
fn every_warning_sign_left_open_on_empty_answers_pauses_the_plan() {
    for id in red_flag_ids() {
        unanswered_is_not_no(Answers::default(), &id).unwrap_or_else(|e| panic!("{e}"));
    }
}

/// The failure the property once hit about 1 run in 40: a serious accident long before an
/// episode of 6 weeks or more is not a flag on its own (trauma is bound to the episode).
#[test]
fn old_trauma_is_not_a_flag_but_recent_or_unknown_is() {
    let long = answers(serde_json::json!({ "symptoms": { "duration_weeks": 8 } }));
    adding_a_red_flag(&long, "red_flags.significant_trauma").unwrap_or_else(|e| panic!("{e}"));
    let t = |a: &Answers| {
        assess(
            &with_answer(a, "red_flags.significant_trauma", Some(Value::Bool(true))),
            kb(),
        )
        .tier()
    };
    assert_eq!(t(&long), Tier::None);
    assert_eq!(t(&Answers::default()), Tier::Emergency);
    let recent = answers(serde_json::json!({ "symptoms": { "duration_weeks": 2 } }));
    assert_eq!(t(&recent), Tier::Emergency);
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn tier_is_the_most_urgent_fired_flag(a in answers_strategy()) {
        let r = assess(&a, kb());
        let most = r.triage.flags.iter().map(|f| f.tier).max().unwrap_or(Tier::None);
        prop_assert_eq!(r.triage.tier, most);
        let status = match most {
            Tier::Emergency | Tier::Urgent => PlanStatus::Blocked,
            Tier::Soon => PlanStatus::Paused,
            _ if !r.triage.unanswered.is_empty() => PlanStatus::Paused,
            _ => PlanStatus::Allowed,
        };
        prop_assert_eq!(r.plan_status, status);
        prop_assert!(r.triage.flags.windows(2).all(|w| w[0].tier >= w[1].tier), "most urgent first");
        prop_assert!(r.triage.flags.iter().all(|f| !f.because.is_empty()));
    }

    /// Unanswered is not "no": with any warning-sign question open, no plan is active and no
    /// output says that none of the warning signs was found.
    #[test]
    fn unanswered_warning_signs_never_give_an_active_plan_or_a_none_heading(a in answers_strategy(), pick in any::<prop::sample::Index>()) {
        let ids = red_flag_ids();
        unanswered_is_not_no(a, &ids[pick.index(ids.len())])?;
    }

    /// A question that applies only to some people is never asked of others, and an answer to
    /// it is set aside (never a warning sign, which always counts).
    #[test]
    fn questions_that_do_not_apply_are_never_missing(a in answers_strategy()) {
        let r = assess(&a, kb());
        let facts = a.facts();
        if facts.get("context.pregnant") != Some(&Value::Bool(true)) {
            prop_assert!(!r.triage.unanswered.iter().any(|q| q == "red_flags.pregnancy_warning_signs"));
        }
        if !(a.age.is_some_and(|x| x >= 65.0) || a.context.osteoporosis == Some(true) || a.context.long_term_steroids == Some(true)) {
            prop_assert!(!r.triage.unanswered.iter().any(|q| q == "red_flags.minor_trauma"));
        }
        for id in &r.set_aside {
            prop_assert!(!id.starts_with("red_flags."));
            let q = kb().question(id).unwrap();
            prop_assert!(!q.only_if.is_empty());
        }
    }

    /// The starting plan's words end with week 1 as planned, made from its own numbers; a
    /// pain-free time is never quoted that the person did not give.
    #[test]
    fn starting_texts_agree_with_the_numbers(a in answers_strategy()) {
        let r = assess(&a, kb());
        let plan = amble_core::plan::start_plan(&r, &a, kb());
        if let Some(w) = &plan.walking {
            let line = amble_core::plan::Prescription::from(w).week_line(1);
            prop_assert_eq!(plan.decision.because.last(), Some(&line));
        }
        if a.walking.pain_free_minutes.is_none() {
            for b in &plan.decision.because {
                prop_assert!(!b.contains("before pain starts") || b.contains("didn't say"), "{}", b);
            }
        }
    }

    #[test]
    fn adding_a_red_flag_never_lowers_the_tier(a in answers_strategy(), pick in any::<prop::sample::Index>()) {
        let ids = red_flag_ids();
        adding_a_red_flag(&a, &ids[pick.index(ids.len())])?;
    }

    #[test]
    fn an_unanswered_red_flag_is_never_less_careful_than_no(a in answers_strategy(), pick in any::<prop::sample::Index>()) {
        let ids = red_flag_ids();
        let id = &ids[pick.index(ids.len())];
        let unknown = assess(&with_answer(&a, id, None), kb()).tier();
        let no = assess(&with_answer(&a, id, Some(Value::Bool(false))), kb()).tier();
        prop_assert!(unknown >= no);
    }

    /// Forgetting an answer that pointed away from a pattern never lowers that pattern's score.
    #[test]
    fn an_unknown_answer_never_rules_a_pattern_out(a in answers_strategy(), pick in any::<prop::sample::Index>()) {
        let qs = &kb().questions;
        forgetting_never_rules_out(&a, &qs[pick.index(qs.len())].id)?;
    }

    /// Warning signs win everywhere: when care comes first there is no plan at all and no
    /// routine note beside it, an emergency never says "while you wait", and a soon tier gives
    /// gentle walking only, with no exercises.
    #[test]
    fn care_first_pages_offer_nothing_else(a in answers_strategy()) {
        let r = assess(&a, kb());
        let plan = amble_core::plan::start_plan(&r, &a, kb());
        let view = amble_core::report::view(&r, &a, kb());
        let tier = r.tier();
        if tier >= Tier::Urgent {
            prop_assert_eq!(plan.status, amble_core::plan::Status::Blocked);
            prop_assert!(plan.walking.is_none() && plan.exercises.is_empty());
            prop_assert!(view.flags_shown().all(|f| f.tier > Tier::Routine));
            prop_assert!(view.patterns.is_none());
            prop_assert!(view.next_steps.iter().all(|s| !s.contains("plan starts")));
        }
        if tier == Tier::Emergency {
            prop_assert!(view.next_steps.iter().all(|s| !s.contains("while you wait")));
        }
        if tier == Tier::Soon {
            prop_assert_eq!(plan.status, amble_core::plan::Status::Paused);
            prop_assert!(plan.exercises.is_empty());
        }
    }

    /// A minor fall, lift or knock where it applies (from 65, thin bones, steroids) always asks
    /// for a doctor and never gives planks, curl-ups or loaded floor work until checked.
    #[test]
    fn a_minor_fall_where_it_applies_asks_for_a_check_and_leaves_out_loaded_floor_work(a in answers_strategy(), age in 65u8..=110) {
        let a = with_answer(&a, "age", Some(Value::from(age)));
        let a = with_answer(&a, "red_flags.minor_trauma", Some(Value::Bool(true)));
        let r = assess(&a, kb());
        let plan = amble_core::plan::start_plan(&r, &a, kb());
        if a.context.clinician_checked != Some(true) {
            prop_assert!(r.tier() >= Tier::Soon);
            for id in ["front_plank", "side_plank", "mcgill_curl_up", "bird_dog", "glute_bridge", "dead_bug"] {
                prop_assert!(plan.exercises.iter().all(|e| e.id != id), "{id}");
                prop_assert!(plan.excluded.iter().any(|e| e.id == id), "{id} left out with a reason");
            }
        } else {
            prop_assert!(r.tier() >= Tier::Routine);
        }
    }

    #[test]
    fn assessment_is_deterministic(a in answers_strategy()) {
        let one = serde_json::to_string(&assess(&a, kb())).unwrap_or_default();
        let two = serde_json::to_string(&assess(&a.clone(), kb())).unwrap_or_default();
        prop_assert_eq!(one, two);
    }

    #[test]
    fn patterns_are_listed_most_likely_first_and_explained(a in answers_strategy()) {
        let r = assess(&a, kb());
        prop_assert!(!r.patterns.is_empty());
        prop_assert!(r.patterns.windows(2).all(|w| w[0].score >= w[1].score));
        for p in &r.patterns {
            let sum: f64 = p.because.iter().map(|b| b.weight).sum();
            if p.score > 0.0 {
                prop_assert!((sum - p.score).abs() < 1e-9, "{}: because adds up to the score", p.id);
            }
        }
    }

    #[test]
    fn odi_is_bounded_and_needs_eight_sections(items in proptest::collection::vec(proptest::option::of(0i64..=5), 10)) {
        let odi = score_odi(&items);
        let answered = items.iter().flatten().count();
        prop_assert_eq!(usize::from(odi.answered), answered);
        prop_assert_eq!(odi.percent.is_some(), answered >= 8);
        if let Some(p) = odi.percent {
            prop_assert!(p <= 100);
            let exact = 100.0 * items.iter().flatten().sum::<i64>() as f64 / (5.0 * answered as f64);
            prop_assert!((f64::from(p) - exact).abs() <= 0.5);
        }
    }

    #[test]
    fn startback_groups_follow_the_cut_offs(first in proptest::collection::vec(0i64..=1, 8), last in 0i64..=4) {
        let mut items = first.clone();
        items.push(last);
        let s = score_startback(&items).unwrap_or_else(|| panic!("nine items"));
        prop_assert!(s.total <= 9 && s.psychosocial <= 5 && s.psychosocial <= s.total);
        let want = if s.total <= 3 { StartBackRisk::Low } else if s.psychosocial >= 4 { StartBackRisk::High } else { StartBackRisk::Medium };
        prop_assert_eq!(s.risk, want);
    }
}
