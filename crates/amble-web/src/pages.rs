//! Server-rendered pages. Each works without JavaScript; forms post back to the same server and
//! redirect after a successful write, so a reload never logs a walk twice.

use std::sync::Arc;

use amble_core::Answers;
use amble_core::assessment::Assessment;
use amble_core::charts;
use amble_core::journal::{
    self, Entry, ExerciseSession, LegSpread, Morning, NewWalk, StoredAssessment,
};
use amble_core::knowledge::{ExerciseKind, KnowledgeBase, Question, QuestionKind};
use amble_core::plan::{self, Replay, Status, Today};
use amble_core::report::{self, ReportView};
use amble_core::tier::{PlanStatus, Tier};
use amble_store::{Store, StoreError};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use jiff::civil::Date;
use serde::Deserialize;

use crate::AppState;
use crate::forms::{FieldError, Fields};

// ---------------------------------------------------------------------------------------------
// Plumbing

/// A page-level failure, shown as a page with a way back.
pub struct PageError {
    status: StatusCode,
    message: String,
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> PageError {
        let status = match e {
            StoreError::NotFound(_) => StatusCode::NOT_FOUND,
            StoreError::Conflict { .. } => StatusCode::CONFLICT,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        PageError {
            status,
            message: e.to_string(),
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let page = MessagePage {
            title: "Something went wrong".into(),
            nav: "",
            qs: String::new(),
            heading: if self.status == StatusCode::NOT_FOUND {
                "Not found".into()
            } else {
                "Something went wrong".into()
            },
            text: self.message,
        };
        (self.status, render(&page)).into_response()
    }
}

fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("page error: {e}"),
        )
            .into_response(),
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct PageQuery {
    today: Option<String>,
    saved: Option<String>,
    after: Option<String>,
    /// Journal page number (1 = newest).
    page: Option<String>,
    /// Progress charts: `12`, `26`, `52` or `all` weeks.
    weeks: Option<String>,
    /// Plan: `all` shows every reviewed week.
    history: Option<String>,
}

/// Entries per journal page.
const JOURNAL_PAGE: usize = 50;
/// Reviewed weeks shown on the plan page before "show all".
const RECENT_WEEKS: usize = 8;
/// Weeks the progress charts show unless asked otherwise.
const CHART_WEEKS: u32 = 26;

impl PageQuery {
    fn bad(field: &str, message: String) -> PageError {
        PageError {
            status: StatusCode::BAD_REQUEST,
            message: format!("{field}: {message}"),
        }
    }

    /// The journal page asked for (1 when not given).
    fn page(&self) -> Result<usize, PageError> {
        match &self.page {
            None => Ok(1),
            Some(p) => p
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=1_000_000).contains(n))
                .ok_or_else(|| Self::bad("page", format!("expected a page number, got {p:?}"))),
        }
    }

    /// Weeks the charts show: `None` for all of them.
    fn chart_weeks(&self) -> Result<Option<u32>, PageError> {
        match self.weeks.as_deref() {
            None => Ok(Some(CHART_WEEKS)),
            Some("all") => Ok(None),
            Some(w @ ("12" | "26" | "52")) => Ok(w.parse().ok()),
            Some(w) => Err(Self::bad(
                "weeks",
                format!("expected 12, 26, 52 or all, got {w:?}"),
            )),
        }
    }

    fn date(&self, state: &AppState) -> Result<Date, PageError> {
        state
            .today_from(self.today.as_deref())
            .map_err(|message| PageError {
                status: StatusCode::BAD_REQUEST,
                message,
            })
    }

    /// The query string to carry on links and form actions (`?today=...`), or empty.
    fn qs(&self) -> String {
        self.today
            .as_ref()
            .map_or(String::new(), |t| format!("?today={t}"))
    }
}

fn with_qs(path: &str, qs: &str, extra: &str) -> String {
    match (qs.is_empty(), extra.is_empty()) {
        (true, true) => path.to_string(),
        (true, false) => format!("{path}?{extra}"),
        (false, true) => format!("{path}{qs}"),
        (false, false) => format!("{path}{qs}&{extra}"),
    }
}

/// A submitted form, or 400 when the body is not a form at all.
fn form(body: &[u8]) -> Result<Fields, PageError> {
    Fields::parse(body).map_err(|message| PageError {
        status: StatusCode::BAD_REQUEST,
        message,
    })
}

async fn entries(state: &AppState) -> Result<Arc<Vec<Entry>>, PageError> {
    Ok(state.entries().await?)
}

async fn add(state: &AppState, entry: Entry) -> Result<Entry, PageError> {
    Ok(state.add_entry(entry).await?)
}

async fn replay(
    state: &AppState,
    today: Date,
) -> Result<Option<(Arc<Replay>, Arc<Vec<Entry>>)>, PageError> {
    let (r, all) = state.replay(today).await?;
    Ok(r.map(|r| (r, all)))
}

/// Public for the API's `/today`.
pub fn today_view(r: &Replay, entries: &[Entry], today: Date) -> Today {
    plan::today_view(r, entries, today)
}

// ---------------------------------------------------------------------------------------------
// Templates

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    title: String,
    nav: &'static str,
    qs: String,
    heading: String,
    text: String,
}

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
struct CheckupPage {
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
struct ResultPage {
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

fn tier_class(t: Tier) -> &'static str {
    match t {
        Tier::Emergency => "card emergency",
        Tier::Urgent => "card urgent",
        Tier::Soon => "card soon",
        Tier::Routine => "card routine",
        Tier::None => "card ok",
    }
}

pub struct ExerciseRow {
    id: String,
    name: String,
    dose: String,
}

#[derive(Template)]
#[template(path = "today.html")]
struct TodayPage {
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
}

pub struct HistoryRow {
    week: u32,
    start: String,
    planned: u32,
    walked: String,
    lights: String,
    decision: String,
    because: Vec<String>,
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    title: String,
    nav: &'static str,
    qs: String,
    status: &'static str,
    week: u32,
    /// A reminder of an earlier check-up's warning signs.
    earlier: Option<String>,
    walking: String,
    weekly: String,
    decision: String,
    because: Vec<String>,
    exercises: Vec<ExerciseRow>,
    excluded: Vec<(String, String)>,
    notes: Vec<String>,
    /// Earlier reviewed weeks not shown, with the link that shows them.
    history_hidden: usize,
    all_history: String,
    history: Vec<HistoryRow>,
}

#[derive(Template)]
#[template(path = "progress.html")]
struct ProgressPage {
    title: String,
    nav: &'static str,
    qs: String,
    minutes_svg: String,
    pain_svg: String,
    /// Imported daily steps (Apple Health), when there are any.
    steps_svg: Option<String>,
    weeks: Vec<(u32, String, u32, String)>,
    pain: Vec<(String, String, String, String)>,
    /// (label, link, current) for the chart ranges.
    ranges: Vec<(&'static str, String, bool)>,
    shown: String,
}

pub struct ExerciseCard {
    id: String,
    name: String,
    kind: &'static str,
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
struct ExercisesPage {
    title: String,
    nav: &'static str,
    qs: String,
    cards: Vec<ExerciseCard>,
}

#[derive(Template)]
#[template(path = "log_walk.html")]
struct LogWalkPage {
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
struct LogMorningPage {
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
struct LogExercisePage {
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

#[derive(Template)]
#[template(path = "journal.html")]
struct JournalPage {
    title: String,
    nav: &'static str,
    qs: String,
    rows: Vec<(String, String, &'static str, String, bool)>,
    saved: Option<String>,
    page: usize,
    pages: usize,
    total: usize,
    newer: Option<String>,
    older: Option<String>,
}

pub struct RateRow {
    id: String,
    date: String,
    summary: String,
}

#[derive(Template)]
#[template(path = "needs_pain.html")]
struct NeedsPainPage {
    title: String,
    nav: &'static str,
    qs: String,
    walks: Vec<RateRow>,
    action: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "delete.html")]
struct DeletePage {
    title: String,
    nav: &'static str,
    qs: String,
    id: String,
    date: String,
    summary: String,
    action: String,
}

// ---------------------------------------------------------------------------------------------
// Assets and fallbacks

pub async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("../assets/app.css"),
    )
        .into_response()
}

pub async fn timer_js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("../assets/timer.js"),
    )
        .into_response()
}

pub async fn not_found() -> Response {
    PageError {
        status: StatusCode::NOT_FOUND,
        message: "There is no page here. Use the menu to find your way.".into(),
    }
    .into_response()
}

// ---------------------------------------------------------------------------------------------
// Check-up

fn red_flag_questions(kb: &KnowledgeBase) -> impl Iterator<Item = &Question> {
    kb.questions.iter().filter(|q| q.is_red_flag())
}

fn group_title(id: &str) -> &'static str {
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

fn step_questions(kb: &KnowledgeBase, step: u8) -> Vec<&Question> {
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
fn later_step(
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

fn step_one(
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

const STEP_ONE_INTRO: &str = "First, some questions about warning signs that need a doctor. Answer yes or no; choose \"not sure\" if you don't know.";

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

fn result_page(
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
        if a.plan_status == PlanStatus::Blocked {
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

// ---------------------------------------------------------------------------------------------
// "Something new or worse?": the warning-sign screen

const SCREEN_INTRO: &str = "Something new or worse? These questions check for warning signs that need a doctor. If any applies, Amble tells you what to do and how soon.";

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
    let mut answers = previous.unwrap_or_default();
    answers.red_flags = flags.red_flags;
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

// ---------------------------------------------------------------------------------------------
// Today and home

fn dose_text(sets: u32, reps: u32, hold_s: u32, days: u32) -> String {
    plan::dose_line(&plan::ExerciseDose {
        id: String::new(),
        sets,
        reps,
        hold_s,
        days_per_week: days,
        variant: plan::Variant::Standard,
    })
}

fn exercise_rows(
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

pub async fn home(state: State<AppState>, q: Query<PageQuery>) -> Result<Response, PageError> {
    today(state, q).await
}

pub async fn today(
    State(state): State<AppState>,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let day = q.date(&state)?;
    let page = match replay(&state, day).await? {
        None => TodayPage {
            title: "Amble".into(),
            nav: "today",
            qs: q.qs(),
            has_plan: false,
            blocked: false,
            unrated: 0,
            view: None,
            walking: String::new(),
            exercises: Vec::new(),
            saved: q.saved.clone(),
        },
        Some((r, all)) => {
            let view = plan::today_view(&r, &all, day);
            TodayPage {
                title: "Today".into(),
                nav: "today",
                qs: q.qs(),
                has_plan: true,
                blocked: r.plan.status == Status::Blocked,
                unrated: all
                    .iter()
                    .filter(|e| matches!(e, Entry::Walk(w) if w.pain_peak.is_none()))
                    .count(),
                walking: report::walking_line(&r.plan).unwrap_or_default(),
                exercises: exercise_rows(state.kb(), &r.plan, Some(&view.exercises_today)),
                view: Some(view),
                saved: q.saved.clone(),
            }
        }
    };
    Ok(render(&page))
}

// ---------------------------------------------------------------------------------------------
// Plan and progress

pub async fn plan(
    State(state): State<AppState>,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let day = q.date(&state)?;
    let Some((r, _)) = replay(&state, day).await? else {
        return Ok(render(&MessagePage {
            title: "Plan".into(),
            nav: "plan",
            qs: q.qs(),
            heading: "No plan yet".into(),
            text: "Start with the check-up: it takes a few minutes, and your plan starts from it."
                .into(),
        }));
    };
    let kb = state.kb();
    let p = &r.plan;
    let patterns: Vec<String> = r.assessment.patterns.iter().map(|x| x.id.clone()).collect();
    let notes = report::relevant_guidance(kb, p, &patterns)
        .map(|n| n.text.clone())
        .collect();
    let excluded = p
        .excluded
        .iter()
        .filter_map(|x| {
            report::excluded_reason(kb, x)
                .map(|(name, reason)| (name.to_string(), reason.to_string()))
        })
        .collect();
    let show_all = q.history.as_deref() == Some("all");
    let hidden = if show_all {
        0
    } else {
        r.history.len().saturating_sub(RECENT_WEEKS)
    };
    let history = r
        .history
        .iter()
        .skip(hidden)
        .map(|h| HistoryRow {
            week: h.week,
            start: h.start.to_string(),
            planned: h.planned_weekly_minutes,
            walked: format!("{:.0}", h.walked_minutes),
            lights: format!("{} green, {} amber, {} red", h.green, h.amber, h.red),
            decision: report::decision_words(h.decision.kind).into(),
            because: h.decision.because.clone(),
        })
        .collect();
    let page = PlanPage {
        title: "Your plan".into(),
        nav: "plan",
        qs: q.qs(),
        status: match p.status {
            Status::Active => "active",
            Status::Paused => "paused",
            Status::Blocked => "blocked",
        },
        week: p.week,
        earlier: r
            .earlier_warning
            .as_ref()
            .map(|w| report::earlier_warning_text(kb, w)),
        walking: report::walking_line(p).unwrap_or_default(),
        weekly: p.walking.as_ref().map_or(String::new(), |w| {
            format!(
                "{} this week; the target is {} minutes on {} days.",
                amble_core::words::count(w.weekly_minutes, "minute", "minutes"),
                w.target.minutes_per_session,
                w.target.sessions_per_week
            )
        }),
        decision: report::decision_words(p.decision.kind).into(),
        because: p.decision.because.clone(),
        exercises: exercise_rows(kb, p, None),
        excluded,
        notes,
        history,
        history_hidden: hidden,
        all_history: format!("{}#hist", with_qs("/plan", &q.qs(), "history=all")),
    };
    Ok(render(&page))
}

pub async fn progress(
    State(state): State<AppState>,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let day = q.date(&state)?;
    let Some((r, all)) = replay(&state, day).await? else {
        return Ok(render(&MessagePage {
            title: "Progress".into(),
            nav: "progress",
            qs: q.qs(),
            heading: "Nothing to show yet".into(),
            text: "Start with the check-up, then log your walks: your progress appears here."
                .into(),
        }));
    };
    let window = q.chart_weeks()?;
    let data = charts::progress_data(&r, &all, day, window);
    let ranges = [
        ("12 weeks", "12"),
        ("26 weeks", "26"),
        ("a year", "52"),
        ("everything", "all"),
    ]
    .into_iter()
    .map(|(label, v)| {
        let current = match window {
            Some(n) => v == n.to_string(),
            None => v == "all",
        };
        (
            label,
            with_qs("/progress", &q.qs(), &format!("weeks={v}")),
            current,
        )
    })
    .collect();
    let shown = match window {
        Some(n) => format!("the last {n} weeks"),
        None => "every week since the check-up".into(),
    };
    let f = |v: Option<u8>| v.map_or("-".to_string(), |v| v.to_string());
    let page = ProgressPage {
        title: "Progress".into(),
        nav: "progress",
        qs: q.qs(),
        minutes_svg: charts::weekly_minutes_svg(&data.weeks),
        pain_svg: charts::pain_svg(&data.pain, &data.markers),
        steps_svg: {
            let days = charts::daily_steps(&all, day, 60);
            (!days.is_empty()).then(|| charts::daily_steps_svg(&days))
        },
        weeks: data
            .weeks
            .iter()
            .map(|w| {
                (
                    w.week,
                    w.start.to_string(),
                    w.planned,
                    format!("{:.0}", w.walked),
                )
            })
            .collect(),
        pain: data
            .pain
            .iter()
            .map(|p| (p.date.to_string(), f(p.before), f(p.peak), f(p.morning)))
            .collect(),
        ranges,
        shown,
    };
    Ok(render(&page))
}

// ---------------------------------------------------------------------------------------------
// Exercises

pub async fn exercises(
    State(state): State<AppState>,
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
                kind: match e.kind {
                    ExerciseKind::Strength => "strength",
                    ExerciseKind::Mobility => "mobility",
                    ExerciseKind::Stretch => "stretch",
                },
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

// ---------------------------------------------------------------------------------------------
// Logging

fn walk_page(
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

fn parse_new_walk(fields: &Fields) -> Result<NewWalk, FieldError> {
    let num = |k: &str| -> Result<Option<f64>, FieldError> {
        fields
            .get(k)
            .map(|v| {
                v.parse::<f64>().map_err(|_| FieldError {
                    field: k.into(),
                    message: format!("expected a number, found \"{v}\""),
                })
            })
            .transpose()
    };
    let int = |k: &str| -> Result<Option<i64>, FieldError> {
        fields
            .get(k)
            .map(|v| {
                v.parse::<i64>().map_err(|_| FieldError {
                    field: k.into(),
                    message: format!("expected a whole number, found \"{v}\""),
                })
            })
            .transpose()
    };
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

fn morning_page(
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

fn parse_morning(fields: &Fields, today: Date) -> Result<(Date, u8), FieldError> {
    let date = match fields.get("date") {
        None => today,
        Some(d) => d.parse::<Date>().map_err(|e| FieldError {
            field: "date".into(),
            message: format!("\"{d}\" is not a real date ({e})"),
        })?,
    };
    journal::check_not_future("date", date, today).map_err(|e| FieldError {
        field: e.field,
        message: e.message,
    })?;
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
    let pain = journal::pain_score("pain", Some(pain))
        .map_err(|e| FieldError {
            field: e.field,
            message: e.message,
        })?
        .unwrap_or_default();
    Ok((date, pain))
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

fn exercise_page(
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

fn parse_exercise(
    kb: &KnowledgeBase,
    fields: &Fields,
    today: Date,
) -> Result<ExerciseSession, FieldError> {
    let err = |f: &str, m: String| FieldError {
        field: f.into(),
        message: m,
    };
    let date = match fields.get("date") {
        None => today,
        Some(d) => d
            .parse::<Date>()
            .map_err(|e| err("date", format!("\"{d}\" is not a real date ({e})")))?,
    };
    journal::check_not_future("date", date, today).map_err(|e| err(&e.field, e.message))?;
    let id = fields
        .get("exercise")
        .ok_or(err("exercise", "choose an exercise".into()))?;
    if kb.exercise(id).is_none() {
        return Err(err("exercise", format!("unknown exercise \"{id}\"")));
    }
    let sets = fields
        .get("sets")
        .map(|s| {
            s.parse::<u32>()
                .map_err(|_| err("sets", "expected a whole number of sets".into()))
        })
        .transpose()?;
    let pain_after = fields
        .get("pain_after")
        .map(|s| {
            s.parse::<i64>()
                .map_err(|_| err("pain_after", "expected 0 to 10".into()))
        })
        .transpose()?;
    let x = ExerciseSession {
        id: String::new(),
        date,
        exercise: id.to_string(),
        sets,
        pain_after: journal::pain_score("pain_after", pain_after)
            .map_err(|e| err(&e.field, e.message))?,
    };
    journal::validate(&Entry::Exercise(x.clone())).map_err(|e| err(&e.field, e.message))?;
    Ok(x)
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

// ---------------------------------------------------------------------------------------------
// Journal: list, edit, delete

pub async fn journal(
    State(state): State<AppState>,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let all = entries(&state).await?;
    let total = all.len();
    let pages = total.div_ceil(JOURNAL_PAGE).max(1);
    let page = q.page()?;
    if page > pages {
        return Err(PageError {
            status: StatusCode::NOT_FOUND,
            message: format!(
                "page: the journal has {}, so there is no page {page}.",
                amble_core::words::count(pages as u64, "page", "pages")
            ),
        });
    }
    let link = |n: usize| with_qs("/journal", &q.qs(), &format!("page={n}"));
    let rows = all
        .iter()
        .rev()
        .skip((page - 1) * JOURNAL_PAGE)
        .take(JOURNAL_PAGE)
        .map(|e| {
            (
                e.id().to_string(),
                e.date().to_string(),
                e.kind(),
                e.summary(),
                !matches!(e, Entry::Assessment(_) | Entry::DailyMetrics(_)),
            )
        })
        .collect();
    Ok(render(&JournalPage {
        title: "Journal".into(),
        nav: "journal",
        qs: q.qs(),
        rows,
        saved: q.saved.clone(),
        page,
        pages,
        total,
        newer: (page > 1).then(|| link(page - 1)),
        older: (page < pages).then(|| link(page + 1)),
    }))
}

async fn get_entry(state: &AppState, id: &str) -> Result<Entry, PageError> {
    let key = id.to_string();
    state
        .with_store(false, move |s| s.map_or(Ok(None), |s| s.get(&key)))
        .await?
        .ok_or_else(|| PageError {
            status: StatusCode::NOT_FOUND,
            message: format!("There is no journal entry \"{id}\"."),
        })
}

fn fields_of(e: &Entry) -> Fields {
    let mut f = Fields::default();
    let mut put = |k: &str, v: Option<String>| {
        if let Some(v) = v {
            f.0.push((k.into(), v));
        }
    };
    match e {
        Entry::Walk(w) => {
            put("date", Some(w.date.to_string()));
            put("minutes", Some(w.minutes.to_string()));
            put("bouts", Some(w.bouts.to_string()));
            put("pain_before", w.pain_before.map(|p| p.to_string()));
            put("pain_peak", w.pain_peak.map(|p| p.to_string()));
            put(
                "leg_spread",
                w.leg_spread.map(|s| match s {
                    LegSpread::None => "none".to_string(),
                    LegSpread::Usual => "usual".to_string(),
                    LegSpread::Further => "further".to_string(),
                }),
            );
            put("new_symptoms", w.new_symptoms.then(|| "on".to_string()));
            put("distance_km", w.distance_km.map(|d| d.to_string()));
            put("surface", w.surface.clone());
            put("shoes", w.shoes.clone());
            put("notes", w.notes.clone());
        }
        Entry::Morning(m) => {
            put("date", Some(m.date.to_string()));
            put("pain", Some(m.pain.to_string()));
        }
        Entry::Exercise(x) => {
            put("date", Some(x.date.to_string()));
            put("exercise", Some(x.exercise.clone()));
            put("sets", x.sets.map(|s| s.to_string()));
            put("pain_after", x.pain_after.map(|p| p.to_string()));
        }
        Entry::Assessment(_) | Entry::DailyMetrics(_) => {}
    }
    f
}

fn edit_page(
    state: &AppState,
    e: &Entry,
    fields: &Fields,
    qs: &str,
    day: Date,
    error: Option<FieldError>,
) -> Response {
    let action = with_qs(&format!("/journal/{}/edit", e.id()), qs, "");
    let heading = format!("Correct {}", e.id());
    match e {
        Entry::Walk(_) => render(&walk_page(
            qs,
            action,
            &heading,
            day,
            fields,
            String::new(),
            error,
        )),
        Entry::Morning(_) => render(&morning_page(qs, action, &heading, day, fields, error)),
        Entry::Exercise(_) => render(&exercise_page(
            state.kb(),
            qs,
            action,
            &heading,
            day,
            fields,
            error,
        )),
        Entry::Assessment(_) | Entry::DailyMetrics(_) => PageError {
            status: StatusCode::BAD_REQUEST,
            message: "A check-up can't be edited; run a new check-up instead.".into(),
        }
        .into_response(),
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let day = q.date(&state)?;
    let e = get_entry(&state, &id).await?;
    Ok(edit_page(&state, &e, &fields_of(&e), &q.qs(), day, None))
}

pub async fn edit_submit(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
    body: Bytes,
) -> Result<Response, PageError> {
    let day = q.date(&state)?;
    let old = get_entry(&state, &id).await?;
    let fields = form(&body)?;
    let updated: Result<Entry, FieldError> = match &old {
        // Only what the form shows changes; imported details (and any field added later) stay.
        Entry::Walk(w) => parse_new_walk(&fields).and_then(|n| {
            journal::WalkCorrection::from_form(n)
                .apply(w, day)
                .map(Entry::Walk)
                .map_err(|e| FieldError {
                    field: e.field,
                    message: e.message,
                })
        }),
        Entry::Morning(m) => parse_morning(&fields, day).map(|(date, pain)| {
            Entry::Morning(Morning {
                id: m.id.clone(),
                date,
                pain,
            })
        }),
        Entry::Exercise(x) => parse_exercise(state.kb(), &fields, day).map(|mut n| {
            n.id = x.id.clone();
            Entry::Exercise(n)
        }),
        Entry::Assessment(_) | Entry::DailyMetrics(_) => Err(FieldError {
            field: "id".into(),
            message: "a check-up can't be edited".into(),
        }),
    };
    match updated {
        Ok(entry) => {
            state
                .with_store(true, move |s| {
                    s.map_or(Err(StoreError::Database("no store".into())), |s| {
                        s.replace(entry)
                    })
                })
                .await?;
            Ok(Redirect::to(&with_qs("/journal", &q.qs(), &format!("saved={id}"))).into_response())
        }
        Err(e) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            edit_page(&state, &old, &fields, &q.qs(), day, Some(e)),
        )
            .into_response()),
    }
}

pub async fn delete_form(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let e = get_entry(&state, &id).await?;
    Ok(render(&DeletePage {
        title: format!("Delete {id}?"),
        nav: "journal",
        qs: q.qs(),
        id: id.clone(),
        date: e.date().to_string(),
        summary: e.summary(),
        action: with_qs(&format!("/journal/{id}/delete"), &q.qs(), ""),
    }))
}

pub async fn delete_submit(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
    body: Bytes,
) -> Result<Response, PageError> {
    let fields = form(&body)?;
    if fields.get("confirm") != Some("yes") {
        return Ok(Redirect::to(&with_qs("/journal", &q.qs(), "")).into_response());
    }
    let key = id.clone();
    state
        .with_store(true, move |s| {
            s.map_or(Err(StoreError::NotFound(key.clone())), |s| s.delete(&key))
        })
        .await?;
    Ok(Redirect::to(&with_qs("/journal", &q.qs(), "")).into_response())
}

// ---------------------------------------------------------------------------------------------
// Rating imported walks in one go

async fn unrated(state: &AppState) -> Result<Vec<journal::Walk>, PageError> {
    Ok(entries(state)
        .await?
        .iter()
        .filter_map(|e| match e {
            Entry::Walk(w) if w.pain_peak.is_none() => Some(w.clone()),
            _ => None,
        })
        .collect())
}

fn needs_pain_page(walks: &[journal::Walk], qs: &str, error: Option<String>) -> NeedsPainPage {
    NeedsPainPage {
        title: "Walks waiting for pain ratings".into(),
        nav: "journal",
        qs: qs.to_string(),
        walks: walks
            .iter()
            .map(|w| RateRow {
                id: w.id.clone(),
                date: w.date.to_string(),
                summary: Entry::Walk(w.clone()).summary(),
            })
            .collect(),
        action: with_qs("/journal/needs-pain", qs, ""),
        error,
    }
}

pub async fn needs_pain_form(
    State(state): State<AppState>,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    Ok(render(&needs_pain_page(
        &unrated(&state).await?,
        &q.qs(),
        None,
    )))
}

/// Saves every walk that got both ratings, in one transaction; walks left blank stay unrated.
pub async fn needs_pain_submit(
    State(state): State<AppState>,
    Query(q): Query<PageQuery>,
    body: Bytes,
) -> Result<Response, PageError> {
    let fields = form(&body)?;
    let walks = unrated(&state).await?;
    let mut changes = Vec::new();
    for w in &walks {
        let before = fields.get(&format!("pain_before.{}", w.id));
        let peak = fields.get(&format!("pain_peak.{}", w.id));
        let (Some(before), Some(peak)) = (before, peak) else {
            if before.is_some() || peak.is_some() {
                let msg = format!(
                    "{} on {}: choose both the pain before and the worst pain during",
                    w.id, w.date
                );
                return Ok((
                    StatusCode::UNPROCESSABLE_ENTITY,
                    render(&needs_pain_page(&walks, &q.qs(), Some(msg))),
                )
                    .into_response());
            }
            continue;
        };
        let parse = |field: &str, v: &str| -> Result<Option<u8>, String> {
            let n: i64 = v
                .parse()
                .map_err(|_| format!("{}: {field}: expected 0 to 10", w.id))?;
            journal::pain_score(field, Some(n)).map_err(|e| format!("{}: {e}", w.id))
        };
        let rated = match (parse("pain_before", before), parse("pain_peak", peak)) {
            (Ok(b), Ok(p)) => journal::Walk {
                pain_before: b,
                pain_peak: p,
                leg_spread: match fields.get(&format!("leg_spread.{}", w.id)) {
                    Some("usual") => Some(LegSpread::Usual),
                    Some("further") => Some(LegSpread::Further),
                    _ => Some(LegSpread::None),
                },
                ..w.clone()
            },
            (Err(m), _) | (_, Err(m)) => {
                return Ok((
                    StatusCode::UNPROCESSABLE_ENTITY,
                    render(&needs_pain_page(&walks, &q.qs(), Some(m))),
                )
                    .into_response());
            }
        };
        changes.push(amble_store::Change::Replace(Entry::Walk(rated)));
    }
    let n = changes.len();
    if n > 0 {
        state
            .with_store(true, move |s| {
                s.map_or(Err(StoreError::Database("no store".into())), |s| {
                    s.apply(changes).map(|_| ())
                })
            })
            .await?;
    }
    Ok(Redirect::to(&with_qs(
        "/today",
        &q.qs(),
        &format!(
            "saved={n}+{}",
            amble_core::words::noun(n as u64, "rating", "ratings")
        ),
    ))
    .into_response())
}
