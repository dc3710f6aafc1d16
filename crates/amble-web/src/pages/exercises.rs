//! The exercise library.

use super::*;

pub struct ExerciseCard {
    id: String,
    name: String,
    kind: &'static str,
    position: &'static str,
    target: String,
    dose: String,
    hold_s: u32,
    cues: Vec<String>,
    progression: String,
    regression: String,
    caution: String,
    in_plan: bool,
    left_out: Option<String>,
}

#[derive(Template)]
#[template(path = "exercises.html")]
pub(crate) struct ExercisesPage {
    title: String,
    nav: &'static str,
    qs: String,
    cards: Vec<ExerciseCard>,
}

// Exercises

pub async fn exercises(
    state: crate::authz::Scoped,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let day = q.date(&state)?;
    let current = replay(&state, day).await?.map(|(r, _)| r.plan.clone());
    let kb = state.kb();
    let cards = kb
        .exercises
        .iter()
        .map(|e| {
            let planned = current
                .as_ref()
                .and_then(|p| p.exercises.iter().find(|d| d.id == e.id));
            let left_out = current
                .as_ref()
                .and_then(|p| p.excluded.iter().find(|x| x.id == e.id))
                .and_then(|x| report::excluded_reason(kb, x).map(|(_, reason)| reason.to_string()));
            let (sets, reps, hold, days) = planned.map_or(
                (
                    e.dose.sets,
                    e.dose.reps,
                    e.dose.hold_s,
                    e.dose.days_per_week,
                ),
                |d| (d.sets, d.reps, d.hold_s, d.days_per_week),
            );
            ExerciseCard {
                id: e.id.clone(),
                name: e.name.clone(),
                kind: e.kind.as_str(),
                position: e.position.words(),
                target: e.target.clone(),
                dose: dose_text(sets, reps, hold, days),
                hold_s: hold,
                cues: e.cues.clone(),
                progression: e.progression.clone(),
                regression: e.regression.clone(),
                caution: e.caution.clone(),
                in_plan: planned.is_some(),
                left_out,
            }
        })
        .collect();
    Ok(render(&ExercisesPage {
        title: "Exercises".into(),
        nav: "exercises",
        qs: q.qs(),
        cards,
    }))
}
