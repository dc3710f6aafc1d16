//! The check-up in steps, its result, and the "Something new or worse?" warning-sign screen.

use super::*;

/// A question as a form field.
pub struct QView {
    id: String,
    kind: &'static str,
    text: String,
    options: Vec<(String, String)>,
    min: String,
    max: String,
    step: &'static str,
    /// Current values (for re-showing a form after an error).
    values: Vec<String>,
}

impl QView {
    fn new(q: &Question, fields: &Fields) -> QView {
        let kind = match q.kind {
            QuestionKind::Bool => "bool",
            QuestionKind::Choice => "choice",
            QuestionKind::Multi => "multi",
            QuestionKind::Number => "number",
            QuestionKind::Integer => "integer",
        };
        let fmt = |x: Option<f64>| x.map_or(String::new(), |v| format!("{v}"));
        QView {
            id: q.id.clone(),
            kind,
            text: q.text.clone(),
            options: q
                .options
                .iter()
                .cloned()
                .zip(q.option_text.iter().cloned())
                .collect(),
            min: fmt(q.min),
            max: fmt(q.max),
            step: if q.kind == QuestionKind::Integer {
                "1"
            } else {
                "any"
            },
            values: fields.all(&q.id).into_iter().map(str::to_string).collect(),
        }
    }

    fn has(&self, v: &str) -> bool {
        self.values.iter().any(|x| x == v)
    }

    fn value(&self) -> &str {
        self.values.first().map_or("", String::as_str)
    }

    /// An id safe for HTML `id` attributes.
    fn html_id(&self) -> String {
        self.id.replace('.', "-")
    }
}

#[derive(Template)]
#[template(path = "checkup.html")]
pub(crate) struct CheckupPage {
    title: String,
    nav: &'static str,
    qs: String,
    step: u8,
    intro: String,
    groups: Vec<(String, Vec<QView>)>,
    hidden: Vec<(String, String)>,
    error: Option<FieldError>,
    action: String,
}

#[derive(Template)]
#[template(path = "result.html")]
pub(crate) struct ResultPage {
    title: String,
    nav: &'static str,
    qs: String,
    r: ReportView,
    saved: Option<String>,
    plan_url: String,
}

impl CheckupPage {
    fn anchor(&self, field: &str) -> String {
        field.replace('.', "-")
    }
}

impl ResultPage {
    fn tier_class(&self) -> &'static str {
        tier_class(self.r.tier)
    }
}

pub(crate) fn tier_class(t: Tier) -> &'static str {
    match t {
        Tier::Emergency => "card emergency",
        Tier::Urgent => "card urgent",
        Tier::Soon => "card soon",
        Tier::Routine => "card routine",
        Tier::None => "card ok",
    }
}

// Check-up

pub(crate) fn red_flag_questions(kb: &KnowledgeBase) -> impl Iterator<Item = &Question> {
    kb.questions.iter().filter(|q| q.is_red_flag())
}

pub(crate) fn group_title(id: &str) -> &'static str {
    match id.split_once('.').map(|(s, _)| s) {
        Some("symptoms") => "Your back and legs",
        Some("walking") => "Walking now",
        Some("pain") => "Pain today",
        Some("context") => "About you",
        _ => "About you",
    }
}

/// The check-up in short steps: warning signs, then about you, your back and legs, and walking
/// and pain today.
pub const LAST_STEP: u8 = 4;

pub(crate) fn step_questions(kb: &KnowledgeBase, step: u8) -> Vec<&Question> {
    kb.questions
        .iter()
        .filter(|q| match step {
            1 => q.is_red_flag(),
            2 => {
                !q.is_red_flag()
                    && !q.id.starts_with("symptoms.")
                    && !q.id.starts_with("walking.")
                    && !q.id.starts_with("pain.")
            }
            3 => q.id.starts_with("symptoms."),
            _ => q.id.starts_with("walking.") || q.id.starts_with("pain."),
        })
        .collect()
}

/// Steps 2 to 4: this step's questions, and every earlier answer carried along hidden.
pub(crate) fn later_step(
    kb: &KnowledgeBase,
    step: u8,
    fields: &Fields,
    qs: &str,
    error: Option<FieldError>,
) -> CheckupPage {
    let questions = step_questions(kb, step);
    let mut groups: Vec<(String, Vec<QView>)> = Vec::new();
    for q in &questions {
        let title = group_title(&q.id);
        match groups.last_mut() {
            Some((t, list)) if t == title => list.push(QView::new(q, fields)),
            _ => groups.push((title.to_string(), vec![QView::new(q, fields)])),
        }
    }
    let shown: Vec<&str> = questions.iter().map(|q| q.id.as_str()).collect();
    let hidden = fields
        .0
        .iter()
        .filter(|(k, v)| k != "step" && !v.trim().is_empty() && !shown.contains(&k.as_str()))
        .cloned()
        .collect();
    let intro = match step {
        2 => "Thank you. Now a little about you. Skip any question you are not sure about.",
        3 => "Where you feel it, and what brings it on or eases it.",
        _ => "Last step: your walking and your pain today.",
    };
    CheckupPage {
        title: format!(
            "Check-up: {}",
            groups
                .first()
                .map_or("about you", |g| g.0.as_str())
                .to_lowercase()
        ),
        nav: "checkup",
        qs: qs.to_string(),
        step,
        intro: intro.into(),
        groups,
        hidden,
        error,
        action: with_qs("/checkup", qs, ""),
    }
}

pub(crate) fn step_one(
    kb: &KnowledgeBase,
    fields: &Fields,
    qs: &str,
    action: &str,
    title: &str,
    intro: &str,
    error: Option<FieldError>,
) -> CheckupPage {
    CheckupPage {
        title: title.into(),
        nav: "checkup",
        qs: qs.to_string(),
        step: 1,
        intro: intro.into(),
        groups: vec![(
            "Warning signs".into(),
            red_flag_questions(kb)
                .map(|q| QView::new(q, fields))
                .collect(),
        )],
        hidden: Vec::new(),
        error,
        action: with_qs(action, qs, ""),
    }
}

pub(crate) const STEP_ONE_INTRO: &str = "First, some questions about warning signs that need a doctor. Answer yes or no; choose \"not sure\" if you don't know.";

pub async fn checkup_form(State(state): State<AppState>, Query(q): Query<PageQuery>) -> Response {
    render(&step_one(
        state.kb(),
        &Fields::default(),
        &q.qs(),
        "/checkup",
        "Check-up: warning signs",
        STEP_ONE_INTRO,
        None,
    ))
}

pub(crate) fn result_page(
    state: &AppState,
    a: &Assessment,
    answers: &Answers,
    saved: Option<String>,
    qs: &str,
) -> ResultPage {
    ResultPage {
        title: "Your check-up".into(),
        nav: "checkup",
        qs: qs.to_string(),
        r: report::view(a, answers, state.kb()),
        saved,
        plan_url: with_qs("/plan", qs, ""),
    }
}

pub async fn checkup_submit(
    State(state): State<AppState>,
    Query(q): Query<PageQuery>,
    body: Bytes,
) -> Result<Response, PageError> {
    let today = q.date(&state)?;
    let qs = q.qs();
    let fields = form(&body)?;
    let kb = state.kb();
    let step = fields.get("step").unwrap_or("1");
    if step == "1" {
        let answers = match crate::forms::answers(kb, red_flag_questions(kb), &fields) {
            Ok(a) => a,
            Err(e) => {
                return Ok((
                    StatusCode::UNPROCESSABLE_ENTITY,
                    render(&step_one(
                        kb,
                        &fields,
                        &qs,
                        "/checkup",
                        "Check-up: warning signs",
                        STEP_ONE_INTRO,
                        Some(e),
                    )),
                )
                    .into_response());
            }
        };
        let a = amble_core::assess(&answers, kb);
        if amble_core::checkup::care_comes_first(&a) {
            // Care comes first: show what to do now, and keep the answers (brief §2.4).
            let stored = add(
                &state,
                Entry::Assessment(Box::new(StoredAssessment {
                    id: String::new(),
                    date: today,
                    answers: answers.clone(),
                })),
            )
            .await?;
            return Ok(render(&result_page(
                &state,
                &a,
                &answers,
                Some(stored.id().to_string()),
                &qs,
            )));
        }
        return Ok(render(&later_step(kb, 2, &fields, &qs, None)));
    }
    let step: u8 = step.parse().unwrap_or(LAST_STEP).clamp(2, LAST_STEP);
    // Every answer so far is checked at each step, so nothing wrong is carried forward.
    let answers = match crate::forms::answers(kb, kb.questions.iter(), &fields) {
        Ok(a) => a,
        Err(e) => {
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&later_step(kb, step, &fields, &qs, Some(e))),
            )
                .into_response());
        }
    };
    if step < LAST_STEP {
        return Ok(render(&later_step(kb, step + 1, &fields, &qs, None)));
    }
    let stored = add(
        &state,
        Entry::Assessment(Box::new(StoredAssessment {
            id: String::new(),
            date: today,
            answers,
        })),
    )
    .await?;
    Ok(Redirect::to(&with_qs(&format!("/checkup/{}", stored.id()), &qs, "")).into_response())
}

pub async fn checkup_result(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let entry = state
        .with_store(false, move |s| s.map_or(Ok(None), |s| s.get(&id)))
        .await?;
    match entry {
        Some(Entry::Assessment(stored)) => {
            let a = amble_core::assess(&stored.answers, state.kb());
            Ok(render(&result_page(
                &state,
                &a,
                &stored.answers,
                Some(stored.id.clone()),
                &q.qs(),
            )))
        }
        _ => Err(PageError {
            status: StatusCode::NOT_FOUND,
            message: "There is no check-up with that id.".into(),
        }),
    }
}

// "Something new or worse?": the warning-sign screen

pub(crate) const SCREEN_INTRO: &str = "Something new or worse? These questions check for warning signs that need a doctor. If any applies, Amble tells you what to do and how soon.";

pub async fn screen_form(State(state): State<AppState>, Query(q): Query<PageQuery>) -> Response {
    let intro = if q.after.as_deref() == Some("new-symptoms") {
        "You logged new symptoms with a walk, so your plan is paused. Please answer these questions now. If you have numbness around the genitals or back passage, new bladder or bowel trouble, or new symptoms in both legs, go to an emergency department now."
    } else {
        SCREEN_INTRO
    };
    render(&step_one(
        state.kb(),
        &Fields::default(),
        &q.qs(),
        "/screen",
        "Something new or worse?",
        intro,
        None,
    ))
}

pub async fn screen_submit(
    State(state): State<AppState>,
    Query(q): Query<PageQuery>,
    body: Bytes,
) -> Result<Response, PageError> {
    let today = q.date(&state)?;
    let qs = q.qs();
    let fields = form(&body)?;
    let kb = state.kb();
    let flags = match crate::forms::answers(kb, red_flag_questions(kb), &fields) {
        Ok(a) => a,
        Err(e) => {
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&step_one(
                    kb,
                    &fields,
                    &qs,
                    "/screen",
                    "Something new or worse?",
                    SCREEN_INTRO,
                    Some(e),
                )),
            )
                .into_response());
        }
    };
    let a = amble_core::assess(&flags, kb);
    if a.triage.flags.is_empty() {
        let page = MessagePage {
            title: "Something new or worse?".into(),
            nav: "",
            qs: qs.clone(),
            heading: "None of the warning signs we ask about".into(),
            text: "Your answers don't include the warning signs we ask about. If that changes, come back to this page. If you logged new symptoms with a walk, run a new check-up to restart your plan; if things are not improving, or you are worried, talk to your doctor or a physiotherapist.".into(),
        };
        return Ok(render(&page));
    }
    // A warning sign: store a new check-up that keeps the earlier answers about the back, with
    // these warning-sign answers, so the plan follows the new tier at once.
    let previous = entries(&state).await?.iter().rev().find_map(|e| match e {
        Entry::Assessment(s) => Some(s.answers.clone()),
        _ => None,
    });
    let answers = amble_core::checkup::rescreen(previous.as_ref(), &flags);
    let a = amble_core::assess(&answers, kb);
    let stored = add(
        &state,
        Entry::Assessment(Box::new(StoredAssessment {
            id: String::new(),
            date: today,
            answers: answers.clone(),
        })),
    )
    .await?;
    Ok(render(&result_page(
        &state,
        &a,
        &answers,
        Some(stored.id().to_string()),
        &qs,
    )))
}
