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
    /// The picture (SVG from the core's figure).
    svg: String,
}

#[derive(Template)]
#[template(path = "exercises.html")]
pub(crate) struct ExercisesPage {
    title: String,
    nav: &'static str,
    qs: String,
    cards: Vec<ExerciseCard>,
    /// One exercise on its own page (no link to itself).
    single: bool,
}

// Exercises

pub async fn exercises(
    state: crate::authz::Scoped,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let cards = cards(&state, &q).await?;
    Ok(render(&ExercisesPage {
        title: "Exercises".into(),
        nav: "exercises",
        qs: q.qs(),
        cards,
        single: false,
    }))
}

/// One exercise with its picture, on its own page.
pub async fn exercise_one(
    state: crate::authz::Scoped,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let card = cards(&state, &q)
        .await?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(|| PageError {
            status: StatusCode::NOT_FOUND,
            message: "No such exercise: the exercises page lists them all.".into(),
        })?;
    Ok(render(&ExercisesPage {
        title: card.name.clone(),
        nav: "exercises",
        qs: q.qs(),
        cards: vec![card],
        single: true,
    }))
}

/// Every exercise as a card: the person's own first (in the plan's order), then the rest of
/// the library, then those left out for them.
async fn cards(
    state: &crate::authz::Scoped,
    q: &PageQuery,
) -> Result<Vec<ExerciseCard>, PageError> {
    let day = q.date(state)?;
    let current = replay(state, day).await?.map(|(r, _)| r.plan.clone());
    let kb = state.kb();
    let mut cards: Vec<(usize, ExerciseCard)> = kb
        .exercises
        .iter()
        .enumerate()
        .map(|(i, e)| {
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
            let rank = match (planned, &left_out) {
                (Some(_), _) => current
                    .as_ref()
                    .and_then(|p| p.exercises.iter().position(|d| d.id == e.id))
                    .unwrap_or(i),
                (None, None) => 1000 + i,
                (None, Some(_)) => 2000 + i,
            };
            let card = ExerciseCard {
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
                svg: e
                    .pose
                    .as_ref()
                    .map(|p| charts::pose::exercise(e, p).to_svg())
                    .unwrap_or_default(),
            };
            (rank, card)
        })
        .collect();
    cards.sort_by_key(|(rank, _)| *rank);
    Ok(cards.into_iter().map(|(_, c)| c).collect())
}
