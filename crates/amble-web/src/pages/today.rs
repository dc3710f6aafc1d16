//! Today and the home page.

use super::*;

#[derive(Template)]
#[template(path = "today.html")]
pub(crate) struct TodayPage {
    title: String,
    nav: &'static str,
    qs: String,
    has_plan: bool,
    blocked: bool,
    /// Imported walks still waiting for pain ratings.
    unrated: usize,
    view: Option<Today>,
    walking: String,
    exercises: Vec<ExerciseRow>,
    saved: Option<String>,
    /// What the entry just saved says (a walk's light and why), in one line.
    saved_note: Option<String>,
    /// Today's walk in words, from today's numbers.
    today_walk: String,
    /// The next check-in: (date, what, due now).
    checkin: Option<(String, String, bool)>,
    /// The plan is in maintenance (show the flare plan).
    maintenance: bool,
    /// Since when, and the walking that took it there (the core's words).
    maintenance_since: String,
    /// A blocked or suspended plan: the care message's heading and paragraphs.
    care_heading: String,
    care_lines: Vec<String>,
}

fn checkin_line(all: &[Entry], day: Date, maintenance: bool) -> Option<(String, String, bool)> {
    let due = amble_core::checkin::next_due(all, day, maintenance)?;
    let what = match (due.kind, due.milestone) {
        (amble_core::checkin::CheckinKind::Full, Some(m)) => format!("your {m} check-in"),
        (amble_core::checkin::CheckinKind::Monthly, _) => "your monthly check-in".into(),
        _ => "a short check-in".into(),
    };
    Some((due.date.to_string(), what, due.date <= day))
}

// Today and home

pub(crate) fn dose_text(sets: u32, reps: u32, hold_s: u32, days: u32) -> String {
    plan::dose_line(&plan::ExerciseDose {
        id: String::new(),
        sets,
        reps,
        hold_s,
        days_per_week: days,
        // Not part of the dose line.
        kind: amble_core::knowledge::ExerciseKind::Strength,
        position: amble_core::knowledge::Position::Standing,
        variant: plan::Variant::Standard,
    })
}

pub(crate) fn exercise_rows(
    kb: &KnowledgeBase,
    plan: &plan::Plan,
    only: Option<&[String]>,
) -> Vec<ExerciseRow> {
    plan.exercises
        .iter()
        .filter(|d| only.is_none_or(|ids| ids.contains(&d.id)))
        .filter_map(|d| {
            let e = kb.exercise(&d.id)?;
            Some(ExerciseRow {
                id: d.id.clone(),
                name: e.name.clone(),
                dose: plan::dose_line(d),
            })
        })
        .collect()
}

/// After a morning score replaced the one logged earlier for its date: which one is kept and
/// which one it replaced.
async fn replaced_note(
    state: &crate::authz::Scoped,
    q: &PageQuery,
) -> Result<Option<String>, PageError> {
    let (Some(id), Some(was)) = (q.saved.as_deref(), q.replaced.as_deref()) else {
        return Ok(None);
    };
    let Some(was) = was.parse::<u8>().ok().filter(|p| *p <= 10) else {
        return Ok(None);
    };
    let all = state.entries().await?;
    Ok(all.iter().find_map(|e| match e {
        Entry::Morning(m) if m.id == id => Some(format!(
            "Back pain {}/10 on {} is kept: it replaced the {was}/10 logged earlier for that morning (one score is kept per date).",
            m.pain, m.date
        )),
        _ => None,
    }))
}

pub async fn home(state: crate::authz::Scoped, q: Query<PageQuery>) -> Result<Response, PageError> {
    today(state, q).await
}

pub async fn today(
    state: crate::authz::Scoped,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let day = q.date(&state)?;
    let replaced_note = replaced_note(&state, &q).await?;
    let page = match replay(&state, day).await? {
        None => TodayPage {
            title: "Welcome".into(),
            nav: "today",
            qs: q.qs(),
            has_plan: false,
            blocked: false,
            unrated: 0,
            view: None,
            walking: String::new(),
            exercises: Vec::new(),
            saved: q.saved.clone(),
            saved_note: replaced_note,
            today_walk: String::new(),
            checkin: None,
            maintenance: false,
            maintenance_since: String::new(),
            care_heading: String::new(),
            care_lines: Vec::new(),
        },
        Some((r, all)) => {
            let view = plan::today_view(&r, &all, day, state.kb());
            let saved_note = q
                .saved
                .as_deref()
                .and_then(|id| plan::after_logging(&all, &r, id, day, state.kb()));
            let saved_note = match (replaced_note, saved_note) {
                (Some(a), Some(b)) => Some(format!("{a} {b}")),
                (a, b) => a.or(b),
            };
            let maintenance = r.plan.status == Status::Maintenance;
            let (care_heading, care_lines) = plan::blocked_words(&r).unwrap_or_default();
            TodayPage {
                care_heading,
                care_lines,
                title: "Today".into(),
                checkin: (r.plan.status != Status::Blocked)
                    .then(|| checkin_line(&all, day, maintenance))
                    .flatten(),
                maintenance,
                maintenance_since: plan::maintenance_since(&r.history)
                    .unwrap_or_else(|| "Your plan is in maintenance.".into()),
                nav: "today",
                qs: q.qs(),
                has_plan: true,
                blocked: r.plan.status == Status::Blocked,
                unrated: all
                    .iter()
                    .filter(|e| matches!(e, Entry::Walk(w) if w.pain_peak.is_none()))
                    .count(),
                walking: report::walking_line(&r.plan).unwrap_or_default(),
                today_walk: view
                    .walking
                    .as_ref()
                    .map(|w| plan::Prescription::from(w).day_words())
                    .unwrap_or_default(),
                exercises: exercise_rows(state.kb(), &r.plan, Some(&view.exercises_today)),
                saved_note,
                view: Some(view),
                saved: q.saved.clone(),
            }
        }
    };
    Ok(render(&page))
}
