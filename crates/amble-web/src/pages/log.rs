//! Logging walks, mornings and exercises.

use super::*;

#[derive(Template)]
#[template(path = "log_walk.html")]
pub(crate) struct LogWalkPage {
    title: String,
    nav: &'static str,
    qs: String,
    action: String,
    heading: String,
    date: String,
    today: String,
    minutes: String,
    bouts: String,
    pain_before: String,
    pain_peak: String,
    leg_spread: String,
    new_symptoms: bool,
    distance_km: String,
    surface: String,
    shoes: String,
    notes: String,
    hint: String,
    error: Option<FieldError>,
}

#[derive(Template)]
#[template(path = "log_morning.html")]
pub(crate) struct LogMorningPage {
    title: String,
    nav: &'static str,
    qs: String,
    action: String,
    heading: String,
    date: String,
    today: String,
    pain: String,
    error: Option<FieldError>,
}

#[derive(Template)]
#[template(path = "log_exercise.html")]
pub(crate) struct LogExercisePage {
    title: String,
    nav: &'static str,
    qs: String,
    action: String,
    heading: String,
    date: String,
    today: String,
    exercise: String,
    sets: String,
    pain_after: String,
    choices: Vec<(String, String)>,
    error: Option<FieldError>,
}

// Logging

pub(crate) fn walk_page(
    qs: &str,
    action: String,
    heading: &str,
    today: Date,
    fields: &Fields,
    hint: String,
    error: Option<FieldError>,
) -> LogWalkPage {
    let g = |k: &str| fields.get(k).unwrap_or("").to_string();
    LogWalkPage {
        title: heading.into(),
        nav: "log",
        qs: qs.to_string(),
        action,
        heading: heading.into(),
        date: fields.get("date").map_or(today.to_string(), str::to_string),
        today: today.to_string(),
        minutes: g("minutes"),
        bouts: fields.get("bouts").unwrap_or("1").to_string(),
        pain_before: g("pain_before"),
        pain_peak: g("pain_peak"),
        leg_spread: fields.get("leg_spread").unwrap_or("none").to_string(),
        new_symptoms: fields.get("new_symptoms").is_some(),
        distance_km: g("distance_km"),
        surface: g("surface"),
        shoes: g("shoes"),
        notes: g("notes"),
        hint,
        error,
    }
}

pub async fn log_walk_form(
    State(state): State<AppState>,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let day = q.date(&state)?;
    let mut fields = Fields::default();
    let mut hint = String::new();
    if let Some((r, _)) = replay(&state, day).await?
        && let Some(w) = &r.plan.walking
    {
        // Defaults from the plan: a few taps for a walk as planned.
        fields.0.push((
            "minutes".into(),
            (w.bout_minutes * w.bouts_per_session).to_string(),
        ));
        fields
            .0
            .push(("bouts".into(), w.bouts_per_session.to_string()));
        hint = format!(
            "Planned: {}.",
            report::walking_line(&r.plan).unwrap_or_default()
        );
    }
    Ok(render(&walk_page(
        &q.qs(),
        with_qs("/log/walk", &q.qs(), ""),
        "Log a walk",
        day,
        &fields,
        hint,
        None,
    )))
}

pub(crate) fn parse_new_walk(fields: &Fields) -> Result<NewWalk, FieldError> {
    let num = |k: &str| fields.parsed::<f64>(k, "a number");
    let int = |k: &str| fields.parsed::<i64>(k, "a whole number");
    let date = fields
        .get("date")
        .map(|d| {
            d.parse::<Date>().map_err(|e| FieldError {
                field: "date".into(),
                message: format!("\"{d}\" is not a real date ({e})"),
            })
        })
        .transpose()?;
    let leg_spread = match fields.get("leg_spread") {
        None | Some("none") => Some(LegSpread::None),
        Some("usual") => Some(LegSpread::Usual),
        Some("further") => Some(LegSpread::Further),
        Some(other) => {
            return Err(FieldError {
                field: "leg_spread".into(),
                message: format!("\"{other}\" is not one of the choices"),
            });
        }
    };
    let minutes = num("minutes")?.ok_or(FieldError {
        field: "minutes".into(),
        message: "how many minutes did you walk?".into(),
    })?;
    let pain_before = int("pain_before")?;
    let pain_peak = int("pain_peak")?;
    if pain_before.is_none() {
        return Err(FieldError {
            field: "pain_before".into(),
            message: "choose your pain before the walk (0-10)".into(),
        });
    }
    if pain_peak.is_none() {
        return Err(FieldError {
            field: "pain_peak".into(),
            message: "choose the worst pain during the walk (0-10)".into(),
        });
    }
    Ok(NewWalk {
        date,
        minutes,
        pain_before,
        pain_peak,
        bouts: int("bouts")?.map(|b| b.clamp(0, 1000) as u32),
        leg_spread,
        new_symptoms: fields.get("new_symptoms").is_some(),
        distance_km: num("distance_km")?,
        surface: fields.get("surface").map(str::to_string),
        shoes: fields.get("shoes").map(str::to_string),
        notes: fields.get("notes").map(str::to_string),
    })
}

pub async fn log_walk(
    State(state): State<AppState>,
    Query(q): Query<PageQuery>,
    body: Bytes,
) -> Result<Response, PageError> {
    let day = q.date(&state)?;
    let fields = form(&body)?;
    let walk = parse_new_walk(&fields).and_then(|n| {
        n.into_walk(day).map_err(|e| FieldError {
            field: e.field,
            message: e.message,
        })
    });
    let walk = match walk {
        Ok(w) => w,
        Err(e) => {
            let page = walk_page(
                &q.qs(),
                with_qs("/log/walk", &q.qs(), ""),
                "Log a walk",
                day,
                &fields,
                String::new(),
                Some(e),
            );
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response());
        }
    };
    let new_symptoms = walk.new_symptoms;
    let stored = add(&state, Entry::Walk(walk)).await?;
    if new_symptoms {
        return Ok(
            Redirect::to(&with_qs("/screen", &q.qs(), "after=new-symptoms")).into_response(),
        );
    }
    Ok(Redirect::to(&with_qs(
        "/today",
        &q.qs(),
        &format!("saved={}", stored.id()),
    ))
    .into_response())
}

pub(crate) fn morning_page(
    qs: &str,
    action: String,
    heading: &str,
    today: Date,
    fields: &Fields,
    error: Option<FieldError>,
) -> LogMorningPage {
    LogMorningPage {
        title: heading.into(),
        nav: "log",
        qs: qs.to_string(),
        action,
        heading: heading.into(),
        date: fields.get("date").map_or(today.to_string(), str::to_string),
        today: today.to_string(),
        pain: fields.get("pain").unwrap_or("").to_string(),
        error,
    }
}

pub async fn log_morning_form(
    State(state): State<AppState>,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let day = q.date(&state)?;
    Ok(render(&morning_page(
        &q.qs(),
        with_qs("/log/morning", &q.qs(), ""),
        "Back pain this morning",
        day,
        &Fields::default(),
        None,
    )))
}

pub(crate) fn parse_morning(fields: &Fields, today: Date) -> Result<(Date, u8), FieldError> {
    let date = form_date(fields)?;
    let pain = fields
        .get("pain")
        .ok_or(FieldError {
            field: "pain".into(),
            message: "choose your back pain on waking (0-10)".into(),
        })?
        .parse::<i64>()
        .map_err(|_| FieldError {
            field: "pain".into(),
            message: "expected a whole number from 0 to 10".into(),
        })?;
    let m = journal::NewMorning { date, pain }
        .into_morning(today)
        .map_err(field_error)?;
    Ok((m.date, m.pain))
}

/// The `date` field, if given: a real date.
fn form_date(fields: &Fields) -> Result<Option<Date>, FieldError> {
    fields
        .get("date")
        .map(|d| {
            d.parse::<Date>().map_err(|e| FieldError {
                field: "date".into(),
                message: format!("\"{d}\" is not a real date ({e})"),
            })
        })
        .transpose()
}

fn field_error(e: journal::EntryError) -> FieldError {
    FieldError {
        field: e.field,
        message: e.message,
    }
}

pub async fn log_morning(
    State(state): State<AppState>,
    Query(q): Query<PageQuery>,
    body: Bytes,
) -> Result<Response, PageError> {
    let day = q.date(&state)?;
    let fields = form(&body)?;
    match parse_morning(&fields, day) {
        Ok((date, pain)) => {
            let stored = add(
                &state,
                Entry::Morning(Morning {
                    id: String::new(),
                    date,
                    pain,
                }),
            )
            .await?;
            Ok(Redirect::to(&with_qs(
                "/today",
                &q.qs(),
                &format!("saved={}", stored.id()),
            ))
            .into_response())
        }
        Err(e) => {
            let page = morning_page(
                &q.qs(),
                with_qs("/log/morning", &q.qs(), ""),
                "Back pain this morning",
                day,
                &fields,
                Some(e),
            );
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
    }
}

pub(crate) fn exercise_page(
    kb: &KnowledgeBase,
    qs: &str,
    action: String,
    heading: &str,
    today: Date,
    fields: &Fields,
    error: Option<FieldError>,
) -> LogExercisePage {
    LogExercisePage {
        title: heading.into(),
        nav: "log",
        qs: qs.to_string(),
        action,
        heading: heading.into(),
        date: fields.get("date").map_or(today.to_string(), str::to_string),
        today: today.to_string(),
        exercise: fields.get("exercise").unwrap_or("").to_string(),
        sets: fields.get("sets").unwrap_or("").to_string(),
        pain_after: fields.get("pain_after").unwrap_or("").to_string(),
        choices: kb
            .exercises
            .iter()
            .map(|e| (e.id.clone(), e.name.clone()))
            .collect(),
        error,
    }
}

pub async fn log_exercise_form(
    State(state): State<AppState>,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let day = q.date(&state)?;
    Ok(render(&exercise_page(
        state.kb(),
        &q.qs(),
        with_qs("/log/exercise", &q.qs(), ""),
        "Log exercises",
        day,
        &Fields::default(),
        None,
    )))
}

pub(crate) fn parse_exercise(
    kb: &KnowledgeBase,
    fields: &Fields,
    today: Date,
) -> Result<ExerciseSession, FieldError> {
    let err = |f: &str, m: String| FieldError {
        field: f.into(),
        message: m,
    };
    let date = form_date(fields)?;
    let exercise = fields
        .get("exercise")
        .ok_or(err("exercise", "choose an exercise".into()))?
        .to_string();
    let sets = fields.parsed::<u32>("sets", "a whole number of sets")?;
    let pain_after = fields.parsed::<i64>("pain_after", "a pain score from 0 to 10")?;
    journal::NewExercise {
        date,
        exercise,
        sets,
        pain_after,
    }
    .into_session(today, |id| kb.exercise(id).is_some())
    .map_err(field_error)
}

pub async fn log_exercise(
    State(state): State<AppState>,
    Query(q): Query<PageQuery>,
    body: Bytes,
) -> Result<Response, PageError> {
    let day = q.date(&state)?;
    let fields = form(&body)?;
    match parse_exercise(state.kb(), &fields, day) {
        Ok(x) => {
            let stored = add(&state, Entry::Exercise(x)).await?;
            Ok(Redirect::to(&with_qs(
                "/today",
                &q.qs(),
                &format!("saved={}", stored.id()),
            ))
            .into_response())
        }
        Err(e) => {
            let page = exercise_page(
                state.kb(),
                &q.qs(),
                with_qs("/log/exercise", &q.qs(), ""),
                "Log exercises",
                day,
                &fields,
                Some(e),
            );
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
    }
}
