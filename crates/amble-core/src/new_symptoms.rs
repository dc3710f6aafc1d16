//! New symptoms between two check-ups (brief §2.5): a new neurological symptom since the last
//! check-up is at least "soon", read from the journal rather than from one answers file, and a
//! check-up that follows new symptoms never restarts the plan above where it was before them.

use jiff::civil::Date;

use crate::answers::{Answers, LegQuality, Sides};
use crate::assessment::{Assessment, FiredFlag};
use crate::journal::{Entry, LegSpread, StoredAssessment};
use crate::tier::{PlanStatus, Tier};

/// What each kind of new symptom needs, and how soon, in the check-up's timings (brief §2.3,
/// §2.5): shown after a walk logged with new symptoms (terminal and web) and on the re-screen.
pub const WHAT_EACH_NEEDS: [&str; 4] = [
    "Numbness around the genitals or back passage, new trouble passing urine or controlling your bladder or bowels, or new symptoms in both legs: go to an emergency department now, or call your local emergency number (999 in the UK, 112 in the EU, 911 in the US).",
    "A leg getting weaker, your foot catching or slapping, numbness that keeps spreading or walking that has become unsteady, or a fever or feeling unwell with the back pain: contact a doctor or an urgent care service (such as NHS 111) today.",
    "New numbness, pins and needles or leg pain reaching further than before, with no weakness: book an appointment with a doctor or physiotherapist in the next few days, and walk only gently until then.",
    "More pain of the kind you know, with nothing new: rest from the plan today; the flare plan in the library helps (amble learn flares).",
];

/// The flag (content/red_flags.toml, `journal = true`) raised from the journal.
pub const FLAG_ID: &str = "new_neuro_since_checkup";

/// How far below the knee the leg symptoms reach: 0 none (or unknown), 1 one leg, 2 both.
fn below_knee(a: &Answers) -> u8 {
    match a.symptoms.loc_below_knee {
        Some(Sides::One) => 1,
        Some(Sides::Both) => 2,
        _ => 0,
    }
}

/// Numbness or pins and needles in the leg.
fn sensory(a: &Answers) -> bool {
    a.symptoms
        .leg_quality
        .as_ref()
        .is_some_and(|q| q.contains(&LegQuality::Numbness) || q.contains(&LegQuality::PinsNeedles))
}

/// The full check-up before the one at `index` (by date, then journal order), if any.
fn previous_checkup(entries: &[Entry], index: usize) -> Option<(usize, &StoredAssessment)> {
    let Some(Entry::Assessment(this)) = entries.get(index) else {
        return None;
    };
    entries
        .iter()
        .enumerate()
        .filter_map(|(i, e)| match e {
            Entry::Assessment(a) if !a.rescreen && (a.date, i) < (this.date, index) => {
                Some((i, a.as_ref()))
            }
            _ => None,
        })
        .max_by_key(|(i, a)| (a.date, *i))
}

/// Walks logged with new symptoms (or symptoms spreading further down the leg) after the
/// previous check-up and up to this one: their dates.
fn changed_walks(entries: &[Entry], from: Date, to: Date) -> Vec<Date> {
    entries
        .iter()
        .filter_map(|e| match e {
            Entry::Walk(w)
                if w.date >= from
                    && w.date <= to
                    && (w.new_symptoms || w.leg_spread == Some(LegSpread::Further)) =>
            {
                Some(w.date)
            }
            _ => None,
        })
        .collect()
}

/// The answers that show a new neurological symptom in the check-up at `index` compared with
/// the check-up before it: numbness or pins and needles that were not reported then, leg
/// symptoms reaching further below the knee, or, after a walk logged with new symptoms, any
/// numbness, pins and needles or symptoms below the knee. Empty when there is none (or no
/// earlier check-up to compare with).
pub fn new_neuro_answers(entries: &[Entry], index: usize) -> Vec<String> {
    let Some(Entry::Assessment(this)) = entries.get(index) else {
        return Vec::new();
    };
    if this.rescreen {
        return Vec::new();
    }
    let Some((_, before)) = previous_checkup(entries, index) else {
        return Vec::new();
    };
    let (now, then) = (&this.answers, &before.answers);
    let after_walk = !changed_walks(entries, before.date, this.date).is_empty();
    let mut because = Vec::new();
    if sensory(now) && (!sensory(then) || after_walk) {
        because.push("symptoms.leg_quality".to_string());
    }
    if below_knee(now) > 0 && (below_knee(now) > below_knee(then) || after_walk) {
        because.push("symptoms.loc_below_knee".to_string());
    }
    because
}

/// The check-up at `index` read with the journal: its assessment, with the new-neurological-
/// symptom flag at "soon" when [`new_neuro_answers`] finds one (brief §2.5). The plan is then
/// paused at gentle walking until a doctor has looked at it.
pub fn with_journal(mut a: Assessment, entries: &[Entry], index: usize) -> Assessment {
    let because = new_neuro_answers(entries, index);
    if because.is_empty() {
        return a;
    }
    // Flags stay most urgent first.
    let at = a
        .triage
        .flags
        .iter()
        .position(|f| f.tier < Tier::Soon)
        .unwrap_or(a.triage.flags.len());
    a.triage.flags.insert(
        at,
        FiredFlag {
            id: FLAG_ID.into(),
            tier: Tier::Soon,
            because,
        },
    );
    if a.triage.tier < Tier::Soon {
        a.triage.tier = Tier::Soon;
    }
    if a.plan_status == PlanStatus::Allowed {
        a.plan_status = PlanStatus::Paused;
    }
    a
}

/// The index of the stored check-up `id` in `entries`.
pub fn index_of(entries: &[Entry], id: &str) -> Option<usize> {
    entries
        .iter()
        .position(|e| matches!(e, Entry::Assessment(a) if a.id == id))
}

/// Whether anything between the previous check-up and the one at `index` may have suspended
/// or paused the plan it replaced (so the restart needs a cap): new symptoms, a check-in, or a
/// previous check-up that itself paused the plan.
pub(crate) fn may_need_cap(entries: &[Entry], index: usize, kb: &crate::KnowledgeBase) -> bool {
    let Some(Entry::Assessment(this)) = entries.get(index) else {
        return false;
    };
    let Some((at, before)) = previous_checkup(entries, index) else {
        return false;
    };
    let between = entries.iter().any(|e| match e {
        Entry::Walk(w) => w.new_symptoms && w.date >= before.date && w.date <= this.date,
        Entry::Checkin(c) => c.date >= before.date && c.date <= this.date,
        _ => false,
    });
    between
        || with_journal(crate::assess(&before.answers, kb), entries, at).plan_status
            != PlanStatus::Allowed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::Walk;
    use jiff::civil::date;

    fn checkup(id: &str, d: Date, v: serde_json::Value) -> Entry {
        let kb = crate::KnowledgeBase::embedded().unwrap_or_else(|e| panic!("{e}"));
        Entry::Assessment(Box::new(StoredAssessment {
            id: id.into(),
            date: d,
            answers: Answers::from_value(v, &kb).unwrap_or_else(|e| panic!("{e}")),
            rescreen: false,
            keep_level: false,
        }))
    }

    fn walk(d: Date, new_symptoms: bool) -> Entry {
        let mut w: Walk = serde_json::from_value(serde_json::json!({
            "id": "w-1", "date": d.to_string(), "minutes": 20.0,
            "pain_before": 2, "pain_peak": 4, "new_symptoms": new_symptoms
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        w.date = d;
        Entry::Walk(w)
    }

    #[test]
    fn new_numbness_since_the_last_checkup_is_found() {
        let first =
            serde_json::json!({"symptoms": {"loc_below_knee": "none", "leg_quality": ["ache"]}});
        let numb =
            serde_json::json!({"symptoms": {"loc_below_knee": "one", "leg_quality": ["numbness"]}});
        let j = vec![
            checkup("a-1", date(2026, 1, 5), first.clone()),
            walk(date(2026, 1, 20), true),
            checkup("a-2", date(2026, 1, 22), numb.clone()),
        ];
        assert_eq!(
            new_neuro_answers(&j, 2),
            ["symptoms.leg_quality", "symptoms.loc_below_knee"]
        );
        // The same numbness already at the first check-up, and no new symptoms since: nothing new.
        let j = vec![
            checkup("a-1", date(2026, 1, 5), numb.clone()),
            walk(date(2026, 1, 20), false),
            checkup("a-2", date(2026, 1, 22), numb.clone()),
        ];
        assert!(new_neuro_answers(&j, 2).is_empty());
        // The same, but a walk logged with new symptoms in between: it counts.
        let j = vec![
            checkup("a-1", date(2026, 1, 5), numb.clone()),
            walk(date(2026, 1, 20), true),
            checkup("a-2", date(2026, 1, 22), numb),
        ];
        assert_eq!(new_neuro_answers(&j, 2).len(), 2);
        // The first check-up has nothing to compare with.
        assert!(new_neuro_answers(&j, 0).is_empty());
    }
}
