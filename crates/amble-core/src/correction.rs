//! Corrections of mornings and exercise sessions, merged like a walk's
//! [`WalkCorrection`](crate::journal::WalkCorrection): only the fields given (`Some`) change,
//! everything else the entry holds is kept, and the result is validated (errors name the
//! field). `amble journal edit` and the web app's edit form use the same merge.

use crate::journal::{
    self, EntryError, ExerciseSession, Morning, NewExercise, NewMorning, check_not_future,
    pain_score,
};
use jiff::civil::Date;

/// A correction to a stored morning.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MorningCorrection {
    pub date: Option<Date>,
    pub pain: Option<i64>,
}

impl MorningCorrection {
    /// Every field the logging form shows.
    pub fn from_form(n: NewMorning) -> MorningCorrection {
        MorningCorrection {
            date: n.date,
            pain: Some(n.pain),
        }
    }

    /// The corrected morning, validated; `old` is unchanged.
    pub fn apply(self, old: &Morning, today: Date) -> Result<Morning, EntryError> {
        let mut m = old.clone();
        if let Some(d) = self.date {
            check_not_future("date", d, today)?;
            m.date = d;
        }
        if let Some(p) = pain_score("pain", self.pain)? {
            m.pain = p;
        }
        journal::validate(&journal::Entry::Morning(m.clone()))?;
        Ok(m)
    }

    /// [`apply`](Self::apply), and the journal keeps one morning score per date: a correction
    /// that moves the morning onto a date another morning holds is refused with the words of
    /// `amble log morning` (naming the entry already there). A morning left on its date is
    /// never refused for a neighbour imported before this rule.
    pub fn apply_in(
        self,
        old: &Morning,
        entries: &[journal::Entry],
        today: Date,
    ) -> Result<Morning, EntryError> {
        let m = self.apply(old, today)?;
        if m.date == old.date {
            return Ok(m);
        }
        match journal::morning_slot(entries, &m) {
            journal::MorningSlot::Free => Ok(m),
            journal::MorningSlot::Same(kept) | journal::MorningSlot::Taken(kept) => {
                Err(EntryError {
                    field: "date".into(),
                    message: format!(
                        "{}: correct {} or delete one of the two instead",
                        journal::morning_taken(kept),
                        kept.id
                    ),
                })
            }
        }
    }
}

/// A correction to a stored exercise session.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExerciseCorrection {
    pub date: Option<Date>,
    pub exercise: Option<String>,
    /// `Some(None)` clears the number of sets.
    pub sets: Option<Option<u32>>,
    /// `Some(None)` clears the rating.
    pub pain_after: Option<Option<i64>>,
}

impl ExerciseCorrection {
    /// Every field the logging form shows.
    pub fn from_form(n: NewExercise) -> ExerciseCorrection {
        ExerciseCorrection {
            date: n.date,
            exercise: Some(n.exercise),
            sets: Some(n.sets),
            pain_after: Some(n.pain_after),
        }
    }

    /// The corrected session, validated; `known` says whether an exercise id is in the
    /// library. `old` is unchanged.
    pub fn apply(
        self,
        old: &ExerciseSession,
        today: Date,
        known: impl Fn(&str) -> bool,
    ) -> Result<ExerciseSession, EntryError> {
        let mut x = old.clone();
        if let Some(d) = self.date {
            check_not_future("date", d, today)?;
            x.date = d;
        }
        if let Some(id) = self.exercise {
            if !known(&id) {
                return Err(EntryError {
                    field: "exercise".into(),
                    message: format!("unknown exercise \"{id}\""),
                });
            }
            x.exercise = id;
        }
        if let Some(s) = self.sets {
            x.sets = s;
        }
        if let Some(p) = self.pain_after {
            x.pain_after = pain_score("pain_after", p)?;
        }
        journal::validate(&journal::Entry::Exercise(x.clone()))?;
        Ok(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Date {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn a_morning_keeps_what_is_not_given_and_checks_the_rest() {
        let old = Morning {
            id: "m-1".into(),
            date: day("2026-03-02"),
            pain: 4,
        };
        let today = day("2026-03-10");
        let only_pain = MorningCorrection {
            pain: Some(6),
            ..Default::default()
        };
        assert_eq!(
            only_pain.apply(&old, today).map(|m| (m.date, m.pain)),
            Ok((old.date, 6))
        );
        let bad = MorningCorrection {
            pain: Some(11),
            ..Default::default()
        };
        assert_eq!(
            bad.apply(&old, today).map_err(|e| e.field),
            Err("pain".into())
        );
        let future = MorningCorrection {
            date: Some(day("2026-04-01")),
            ..Default::default()
        };
        assert_eq!(
            future.apply(&old, today).map_err(|e| e.field),
            Err("date".into())
        );
    }

    #[test]
    fn a_morning_is_not_moved_onto_a_date_another_morning_holds() {
        use crate::journal::Entry;
        let m = |id: &str, d: &str, pain| Morning {
            id: id.into(),
            date: day(d),
            pain,
        };
        let entries = vec![
            Entry::Morning(m("m-4", "2026-09-07", 3)),
            Entry::Morning(m("m-5", "2026-09-09", 3)),
        ];
        let today = day("2026-10-30");
        let onto = MorningCorrection {
            date: Some(day("2026-09-07")),
            ..Default::default()
        };
        let e = onto.apply_in(&m("m-5", "2026-09-09", 3), &entries, today);
        assert_eq!(
            e.map_err(|e| (e.field, e.message)),
            Err((
                "date".into(),
                "back pain 3/10 is already logged for 2026-09-07 (m-4); one morning score is kept per date: correct m-4 or delete one of the two instead".into()
            ))
        );
        // Its own date, a free date, and a new score on its own date are fine.
        let same = MorningCorrection {
            date: Some(day("2026-09-09")),
            pain: Some(5),
        };
        assert_eq!(
            same.apply_in(&m("m-5", "2026-09-09", 3), &entries, today)
                .map(|m| m.pain),
            Ok(5)
        );
        let free = MorningCorrection {
            date: Some(day("2026-09-08")),
            ..Default::default()
        };
        assert_eq!(
            free.apply_in(&m("m-5", "2026-09-09", 3), &entries, today)
                .map(|m| m.date),
            Ok(day("2026-09-08"))
        );
    }

    #[test]
    fn an_exercise_keeps_what_is_not_given_and_checks_the_rest() {
        let old = ExerciseSession {
            id: "x-1".into(),
            date: day("2026-03-02"),
            exercise: "bird_dog".into(),
            sets: Some(2),
            pain_after: Some(3),
        };
        let today = day("2026-03-10");
        let known = |id: &str| id == "bird_dog" || id == "side_plank";
        let sets = ExerciseCorrection {
            sets: Some(Some(3)),
            ..Default::default()
        };
        let x = sets.apply(&old, today, known);
        assert_eq!(
            x.map(|x| (x.exercise, x.sets, x.pain_after)),
            Ok(("bird_dog".to_string(), Some(3), Some(3)))
        );
        let unknown = ExerciseCorrection {
            exercise: Some("juggling".into()),
            ..Default::default()
        };
        assert_eq!(
            unknown.apply(&old, today, known).map_err(|e| e.field),
            Err("exercise".into())
        );
        let clear = ExerciseCorrection {
            pain_after: Some(None),
            ..Default::default()
        };
        assert_eq!(
            clear.apply(&old, today, known).map(|x| x.pain_after),
            Ok(None)
        );
    }
}
