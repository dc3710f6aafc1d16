//! The PEG and the PSFS as form fields (brief §3.9), asked at the end of the check-up and at
//! every check-in, in Amble's words (`content/outcomes.toml`). Field names: `peg.1` to `peg.3`,
//! `psfs.activity.N` and `psfs.score.N` (N = 1 to 3). Every field may be left empty.

use super::question_view::QView;
use super::*;
use amble_core::answers::{InstrumentItems, PsfsItem};

use crate::forms::FieldError;

/// The longest activity name kept (the core's, for every edge).
const ACTIVITY_MAX: usize = amble_core::answers::PSFS_ACTIVITY_MAX_CHARS;

/// The group of fields. `earlier` activities (the last PSFS) fill the activity names on a
/// fresh form, so the same activities are rated again.
pub(crate) fn group(
    kb: &KnowledgeBase,
    earlier: &[String],
    fields: &Fields,
    errors: &[FieldError],
) -> (String, Vec<QView>) {
    let asked = &kb.outcomes.asked;
    let mut shown = fields.clone();
    for (i, a) in earlier
        .iter()
        .take(amble_core::outcomes::PSFS_ASKED)
        .enumerate()
    {
        let key = format!("psfs.activity.{}", i + 1);
        if !fields.0.iter().any(|(k, _)| *k == key) {
            shown.0.push((key, a.clone()));
        }
    }
    let mut qs: Vec<QView> = asked
        .peg
        .iter()
        .enumerate()
        .map(|(i, q)| {
            QView::custom(
                &format!("peg.{}", i + 1),
                "integer",
                &format!("{} 0 = {}, 10 = {}", q.text, q.low, q.high),
                &[],
                ("0", "10"),
                &shown,
                errors,
            )
        })
        .collect();
    for n in 1..=amble_core::outcomes::PSFS_ASKED {
        qs.push(QView::custom(
            &format!("psfs.activity.{n}"),
            "text",
            &format!("Activity {n}: {}", asked.psfs_name),
            &[],
            ("", ""),
            &shown,
            errors,
        ));
        qs.push(QView::custom(
            &format!("psfs.score.{n}"),
            "integer",
            &format!("Activity {n}: {}", asked.psfs_rate),
            &[],
            ("0", "10"),
            &shown,
            errors,
        ));
    }
    (asked.intro.clone(), qs)
}

fn score(fields: &Fields, key: &str, errors: &mut Vec<FieldError>) -> Option<i64> {
    match fields.parsed::<i64>(key, "a whole number from 0 to 10") {
        Ok(Some(v)) if (0..=10).contains(&v) => Some(v),
        Ok(Some(v)) => {
            errors.push(FieldError {
                field: key.into(),
                message: format!("expected a whole number from 0 to 10, found {v}"),
            });
            None
        }
        Ok(None) => None,
        Err(e) => {
            errors.push(e);
            None
        }
    }
}

/// The PEG (all three items, or none) and the PSFS activities rated, or every problem at once.
pub(crate) fn parse(fields: &Fields) -> Result<InstrumentItems, Vec<FieldError>> {
    let mut errors = Vec::new();
    let peg: Vec<Option<i64>> = (1..=3)
        .map(|i| score(fields, &format!("peg.{i}"), &mut errors))
        .collect();
    let given = peg.iter().filter(|v| v.is_some()).count();
    if given > 0 && given < 3 {
        for (i, v) in peg.iter().enumerate() {
            if v.is_none() && !errors.iter().any(|e| e.field == format!("peg.{}", i + 1)) {
                errors.push(FieldError {
                    field: format!("peg.{}", i + 1),
                    message: "answer all three of these questions (0 to 10), or none".into(),
                });
            }
        }
    }
    let mut psfs = Vec::new();
    for n in 1..=amble_core::outcomes::PSFS_ASKED {
        let name_key = format!("psfs.activity.{n}");
        let score_key = format!("psfs.score.{n}");
        let name = fields.get(&name_key);
        let s = score(fields, &score_key, &mut errors);
        match (name, s) {
            (Some(a), _) if a.chars().count() > ACTIVITY_MAX => errors.push(FieldError {
                field: name_key,
                message: format!("keep the activity to {ACTIVITY_MAX} characters"),
            }),
            (Some(a), _)
                if amble_core::text::refused(a, amble_core::text::Lines::One).is_some() =>
            {
                errors.push(FieldError {
                    field: name_key,
                    message: amble_core::text::problem(a, amble_core::text::Lines::One)
                        .unwrap_or_default(),
                });
            }
            (Some(a), Some(v)) => psfs.push(PsfsItem {
                activity: a.to_string(),
                score: v,
            }),
            (Some(_), None) => {
                if !errors.iter().any(|e| e.field == score_key) {
                    errors.push(FieldError {
                        field: score_key,
                        message: "rate this activity from 0 to 10, or clear its name".into(),
                    });
                }
            }
            (None, Some(_)) => errors.push(FieldError {
                field: name_key,
                message: "name the activity you rated".into(),
            }),
            (None, None) => {}
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(InstrumentItems {
        peg: (given == 3).then(|| peg.into_iter().flatten().collect()),
        psfs: (!psfs.is_empty()).then_some(psfs),
        ..Default::default()
    })
}
