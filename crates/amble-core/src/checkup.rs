//! The check-up's flow rules, shared by the terminal and the web app: when the questionnaire
//! stops because care comes first, and how a re-screen of the warning signs combines with the
//! earlier check-up.

use crate::answers::Answers;
use crate::assessment::Assessment;
use crate::tier::{PlanStatus, Tier};

/// After this answer, ask nothing more: it needs emergency care now (brief §2.4).
pub fn stop_at_once(a: &Assessment) -> bool {
    a.tier() == Tier::Emergency
}

/// After the warning-sign questions: care comes first (emergency or urgent), so the rest of the
/// check-up is not asked and no plan is offered; the answers so far are kept.
pub fn care_comes_first(a: &Assessment) -> bool {
    a.plan_status == PlanStatus::Blocked
}

/// What a re-screen ("Something new or worse?") leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RescreenOutcome {
    /// A warning sign that needs a doctor: the report leads with what to do and how soon.
    CareFirst,
    /// Some questions were left "not sure": the plan stays at gentle walking until answered.
    Unanswered,
    /// Every warning sign answered no, but the new symptoms have not settled: the suspension
    /// stays (nothing is stored).
    StillUnsettled,
    /// Every warning sign answered no and the new symptoms have settled: the plan goes on.
    Lifted,
    /// Every warning sign answered no, and the plan was not suspended.
    Clear,
}

impl RescreenOutcome {
    /// Whether the re-screen is stored in the journal (it then holds the current warning-sign
    /// answers). An unsettled clean screen changes nothing.
    pub fn stored(self) -> bool {
        self != RescreenOutcome::StillUnsettled
    }

    /// What the person is told, in words.
    pub fn words(self) -> (&'static str, &'static str) {
        match self {
            RescreenOutcome::CareFirst => ("", ""),
            RescreenOutcome::Unanswered => (
                "Some warning-sign questions are still unanswered",
                "Until each has a yes or no, your plan stays at gentle walking. If you are not sure, ask someone who knows you well, or your doctor or pharmacist. If one of them might apply to you now, treat it as a yes: numbness around your genitals or back passage, or new trouble with your bladder or bowels, needs an emergency department now; for the others, contact your doctor today.",
            ),
            RescreenOutcome::StillUnsettled => (
                "None of the warning signs we ask about",
                "Your plan stays paused while the new symptoms last. When they have settled back to your usual, answer these questions again and your plan goes on. If they do not settle within a few days, or they get worse, contact your doctor or a physiotherapist.",
            ),
            RescreenOutcome::Lifted => (
                "None of the warning signs: your plan goes on",
                "The new symptoms have settled and none of the warning signs applies, so your plan goes on from where it was. If anything new appears, stop and come back to this page.",
            ),
            RescreenOutcome::Clear => (
                "None of the warning signs we ask about",
                "Your answers don't include the warning signs we ask about. If that changes, come back to this page. If things are not improving, or you are worried, talk to your doctor or a physiotherapist.",
            ),
        }
    }
}

/// The outcome of a re-screen assessed with [`rescreen`]'s answers, given whether the plan
/// is suspended by new symptoms and whether the person says they have settled.
pub fn rescreen_outcome(a: &Assessment, suspended: bool, settled: Option<bool>) -> RescreenOutcome {
    if a.tier() >= Tier::Soon {
        RescreenOutcome::CareFirst
    } else if !a.triage.unanswered.is_empty() {
        RescreenOutcome::Unanswered
    } else if !suspended {
        RescreenOutcome::Clear
    } else if settled == Some(true) {
        RescreenOutcome::Lifted
    } else {
        RescreenOutcome::StillUnsettled
    }
}

/// A re-screen ("Something new or worse?"): the new warning-sign answers, with everything else
/// from the latest check-up, so the plan follows the new tier at once without asking again
/// about the back.
pub fn rescreen(previous: Option<&Answers>, flags: &Answers) -> Answers {
    let mut answers = previous.cloned().unwrap_or_default();
    answers.red_flags = flags.red_flags.clone();
    answers
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::KnowledgeBase;

    fn answers(v: serde_json::Value, kb: &KnowledgeBase) -> Answers {
        Answers::from_value(v, kb).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_rescreen_lifts_only_when_clean_and_settled() {
        let kb = KnowledgeBase::embedded().unwrap_or_else(|e| panic!("{e}"));
        let all_no: serde_json::Map<String, serde_json::Value> = kb
            .red_flag_questions_for(&Answers::default().facts())
            .map(|q| {
                (
                    q.id.trim_start_matches("red_flags.").to_string(),
                    false.into(),
                )
            })
            .collect();
        let clean = answers(serde_json::json!({ "red_flags": all_no }), &kb);
        let a = crate::assess(&clean, &kb);
        use RescreenOutcome::*;
        assert_eq!(rescreen_outcome(&a, true, Some(true)), Lifted);
        assert_eq!(rescreen_outcome(&a, true, Some(false)), StillUnsettled);
        assert_eq!(rescreen_outcome(&a, true, None), StillUnsettled);
        assert_eq!(rescreen_outcome(&a, false, None), Clear);
        assert!(!StillUnsettled.stored() && Lifted.stored());
        let mut open = all_no.clone();
        open.remove("fever_unwell");
        let a = crate::assess(&answers(serde_json::json!({ "red_flags": open }), &kb), &kb);
        assert_eq!(rescreen_outcome(&a, true, Some(true)), Unanswered);
        let mut weak = all_no;
        weak.insert("progressive_weakness".into(), true.into());
        let a = crate::assess(&answers(serde_json::json!({ "red_flags": weak }), &kb), &kb);
        assert_eq!(rescreen_outcome(&a, true, Some(true)), CareFirst);
    }

    #[test]
    fn a_rescreen_keeps_the_back_and_replaces_the_warning_signs() {
        let kb = KnowledgeBase::embedded().unwrap_or_else(|e| panic!("{e}"));
        let before = Answers::from_value(
            serde_json::json!({"age": 60, "red_flags": {"cancer_history": true},
                               "walking": {"pain_free_minutes": 12}}),
            &kb,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let flags = Answers::from_value(
            serde_json::json!({"red_flags": {"saddle_numbness": true}}),
            &kb,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let after = rescreen(Some(&before), &flags);
        assert_eq!(after.age, Some(60.0));
        assert_eq!(after.walking.pain_free_minutes, Some(12.0));
        assert_eq!(after.red_flags, flags.red_flags);
        let a = crate::assess(&after, &kb);
        assert!(stop_at_once(&a) && care_comes_first(&a));
    }
}
