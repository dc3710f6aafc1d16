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
