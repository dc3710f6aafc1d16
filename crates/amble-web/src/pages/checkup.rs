//! The check-up in steps, its result, and the "Something new or worse?" warning-sign screen.

use super::*;

use super::question_view::QView;

#[derive(Template)]
#[template(path = "checkup.html")]
pub(crate) struct CheckupPage {
    pub(crate) title: String,
    pub(crate) nav: &'static str,
    pub(crate) qs: String,
    pub(crate) step: u8,
    /// "Step 3 of 7": this step's place among the steps that apply, and how many apply.
    pub(crate) place: usize,
    pub(crate) of: usize,
    pub(crate) last: bool,
    pub(crate) intro: String,
    pub(crate) groups: Vec<(String, Vec<QView>)>,
    pub(crate) hidden: Vec<(String, String)>,
    /// Every error on the page, each with a link to its question.
    pub(crate) errors: Vec<(String, String)>,
    pub(crate) action: String,
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
    /// Library articles for the patterns shown: (pattern id, article id, title).
    articles: Vec<(String, String, String)>,
    /// What the check-up did to the plan: "Your plan keeps week N: …" or "starts again".
    plan_line: Option<String>,
}

impl ResultPage {
    fn tier_class(&self) -> &'static str {
        tier_class(self.r.tier)
    }

    /// What to do, with the emergency numbers as `tel:` links.
    fn action_html(&self) -> String {
        with_tel_links(&self.r.action)
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

/// The warning-sign questions of the first step (those that apply to everyone).
pub(crate) fn red_flag_questions(kb: &KnowledgeBase) -> impl Iterator<Item = &Question> {
    kb.topics
        .first()
        .into_iter()
        .flat_map(|t| kb.topic_questions(&t.id))
        .filter(|q| q.is_red_flag())
}

/// The check-up in short steps, one topic each (`content/questions.toml`): step `n` is topic
/// `n - 1`. A step whose questions do not apply to the answers so far is skipped.
pub(crate) fn step_questions<'a>(
    kb: &'a KnowledgeBase,
    step: u8,
    facts: &Facts,
) -> Vec<&'a Question> {
    match kb.topics.get(usize::from(step).saturating_sub(1)) {
        Some(t) if step >= 1 => kb
            .topic_questions(&t.id)
            .filter(|q| q.applies(facts))
            .collect(),
        _ => Vec::new(),
    }
}

fn last_step(kb: &KnowledgeBase) -> u8 {
    u8::try_from(kb.topics.len()).unwrap_or(u8::MAX)
}

/// The steps with questions for these answers, in order.
fn steps_that_apply(kb: &KnowledgeBase, facts: &Facts) -> Vec<u8> {
    (1..=last_step(kb))
        .filter(|&n| !step_questions(kb, n, facts).is_empty())
        .collect()
}

/// The steps a form says were shown (`seen=1,2,4`).
fn seen_steps(fields: &Fields) -> Vec<u8> {
    fields
        .get("seen")
        .unwrap_or("")
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .collect()
}

/// A step of the check-up with this step's questions, and every earlier answer carried along
/// hidden.
pub(crate) fn later_step(
    kb: &KnowledgeBase,
    step: u8,
    fields: &Fields,
    qs: &str,
    errors: &[FieldError],
) -> CheckupPage {
    let facts = crate::forms::answers(kb, kb.questions.iter(), fields)
        .map(|a| a.facts())
        .unwrap_or_default();
    let questions = step_questions(kb, step, &facts);
    let topic = kb.topics.get(usize::from(step).saturating_sub(1));
    let title = topic.map_or("About you", |t| t.title.as_str());
    let mut groups = vec![(
        title.to_string(),
        questions
            .iter()
            .map(|q| QView::new(q, fields, errors))
            .collect(),
    )];
    let applying = steps_that_apply(kb, &facts);
    let last = !applying.iter().any(|&n| n > step);
    // The last step also asks the PEG and the PSFS (brief §3.9).
    if last {
        groups.push(super::outcome_fields::group(kb, &[], fields, errors));
    }
    let mut shown: Vec<&str> = questions.iter().map(|q| q.id.as_str()).collect();
    if last {
        shown.extend(
            fields
                .0
                .iter()
                .map(|(k, _)| k.as_str())
                .filter(|k| k.starts_with("peg.") || k.starts_with("psfs.")),
        );
    }
    let mut seen = seen_steps(fields);
    seen.retain(|&n| n < step);
    seen.push(step);
    let mut hidden: Vec<(String, String)> = fields
        .0
        .iter()
        .filter(|(k, v)| {
            k != "step" && k != "seen" && !v.trim().is_empty() && !shown.contains(&k.as_str())
        })
        .cloned()
        .collect();
    hidden.push((
        "seen".into(),
        seen.iter().map(u8::to_string).collect::<Vec<_>>().join(","),
    ));
    // A form that came without a one-time reference (its first step posted from elsewhere)
    // gets one here, in an answer to a post that nothing keeps.
    if fields.get(ONCE).is_none() {
        hidden.extend(once_field(fields));
    }
    let place = applying.iter().filter(|&&n| n <= step).count().max(1);
    CheckupPage {
        title: format!("Check-up: {}", title.to_lowercase()),
        nav: "checkup",
        qs: qs.to_string(),
        step,
        place,
        of: applying.len().max(place),
        last,
        intro: topic.map_or(String::new(), |t| t.intro.clone()),
        groups,
        hidden,
        errors: error_links(errors),
        action: with_qs("/checkup", qs, ""),
    }
}

pub(crate) fn error_links(errors: &[FieldError]) -> Vec<(String, String)> {
    errors
        .iter()
        .map(|e| (e.field.replace('.', "-"), e.message.clone()))
        .collect()
}

pub(crate) fn step_one(
    kb: &KnowledgeBase,
    fields: &Fields,
    qs: &str,
    action: &str,
    title: &str,
    intro: &str,
    errors: &[FieldError],
) -> CheckupPage {
    screen_page(
        kb,
        red_flag_questions(kb).collect(),
        fields,
        qs,
        action,
        title,
        intro,
        errors,
    )
}

/// The warning-sign questions on one page (the check-up's first step, or the re-screen).
#[allow(clippy::too_many_arguments)]
fn screen_page(
    kb: &KnowledgeBase,
    questions: Vec<&Question>,
    fields: &Fields,
    qs: &str,
    action: &str,
    title: &str,
    intro: &str,
    errors: &[FieldError],
) -> CheckupPage {
    let facts = Facts::default();
    CheckupPage {
        title: title.into(),
        nav: "checkup",
        qs: qs.to_string(),
        step: 1,
        place: 1,
        of: steps_that_apply(kb, &facts).len(),
        last: false,
        intro: intro.into(),
        groups: vec![(
            "Warning signs".into(),
            questions
                .into_iter()
                .map(|q| QView::new(q, fields, errors))
                .collect(),
        )],
        hidden: std::iter::once(("seen".into(), "1".into()))
            .chain(once_field(fields))
            .collect(),
        errors: error_links(errors),
        action: with_qs(action, qs, ""),
    }
}

/// The form field of a check-up's (or a check-in's, or a re-screen's) one-time reference.
const ONCE: &str = "client_ref";

/// The one-time reference of a check-up form (contract §13, as the log forms have): made by
/// the server when the first step is shown (these pages are never kept by the browser or the
/// service worker) and carried hidden to the last step, so that the last step sent twice (a
/// double tap, a phone sending again after a slow answer) stores one check-up. A form that
/// already has one keeps it; without randomness the form has none and stores as before.
pub(crate) fn once_field(fields: &Fields) -> Option<(String, String)> {
    let value = match fields.get(ONCE) {
        Some(r) => r.to_string(),
        None => {
            let mut bytes = [0u8; 16];
            getrandom::fill(&mut bytes).ok()?;
            bytes.iter().map(|b| format!("{b:02x}")).collect()
        }
    };
    Some((ONCE.into(), value))
}

/// The one-time reference a form sent: `None` without one (a form from before references),
/// a 400 when it is not a reference (a garbled form).
pub(crate) fn sent_once(fields: &Fields) -> Result<Option<String>, PageError> {
    fields
        .get(ONCE)
        .map(|r| {
            amble_core::client_ref::check(r)
                .map(str::to_string)
                .map_err(|e| PageError {
                    status: StatusCode::BAD_REQUEST,
                    message: format!(
                        "The form was not complete ({}: {}). Please start it again.",
                        e.field, e.message
                    ),
                })
        })
        .transpose()
}

pub(crate) const STEP_ONE_INTRO: &str = "First, some questions about warning signs that need a doctor. Answer yes or no; choose \"not sure\" if you don't know.";

pub async fn checkup_form(state: crate::authz::Scoped, Query(q): Query<PageQuery>) -> Response {
    render(&step_one(
        state.kb(),
        &Fields::default(),
        &q.qs(),
        "/checkup",
        "Check-up: warning signs",
        STEP_ONE_INTRO,
        &[],
    ))
}

pub(crate) fn result_page(
    state: &crate::authz::Scoped,
    a: &Assessment,
    answers: &Answers,
    saved: Option<String>,
    qs: &str,
) -> ResultPage {
    ResultPage {
        title: "Your check-up".into(),
        nav: "checkup",
        qs: qs.to_string(),
        articles: amble_core::knowledge::PATTERN_IDS
            .iter()
            .filter_map(|p| {
                amble_core::learn::for_pattern(&state.kb().learn, p)
                    .map(|t| (p.to_string(), t.id.clone(), t.title.clone()))
            })
            .collect(),
        r: report::view(a, answers, state.kb()),
        saved,
        plan_url: with_qs("/plan", qs, ""),
        plan_line: None,
    }
}

/// Stores a check-up (or a re-screen) once per reference and returns its id and the answers
/// stored: a repeat of a form already stored stores nothing and answers with the first.
async fn store_checkup(
    state: &crate::authz::Scoped,
    date: Date,
    answers: &Answers,
    flags: (bool, bool),
    once: Option<String>,
) -> Result<(String, Answers), PageError> {
    let (rescreen, keep_level) = flags;
    let (stored, _) = state
        .add_entry_once(
            Entry::Assessment(Box::new(StoredAssessment {
                id: String::new(),
                date,
                answers: answers.clone(),
                rescreen,
                keep_level,
            })),
            once,
        )
        .await?;
    let kept = match &stored {
        Entry::Assessment(s) => s.answers.clone(),
        _ => answers.clone(),
    };
    Ok((stored.id().to_string(), kept))
}

/// The form field of the last step's plan choice, and its two values.
const PLAN_CHOICE: &str = "plan_choice";
const KEEP: &str = "keep";
const START_AGAIN: &str = "start_again";

/// The last step of a check-up, when a plan is running that the new answers may keep: the
/// choice "keep my level" (preselected) or "start again" (docs/plan-rules.md).
async fn with_plan_choice(
    state: &crate::authz::Scoped,
    today: Date,
    fields: &Fields,
    mut page: CheckupPage,
) -> Result<CheckupPage, PageError> {
    if !page.last {
        return Ok(page);
    }
    let Ok(answers) = crate::forms::answers(state.kb(), state.kb().questions.iter(), fields) else {
        return Ok(page);
    };
    let all = entries(state).await?;
    let Some(offer) = amble_core::plan::keep_offer(&all, &answers, today, state.kb()) else {
        return Ok(page);
    };
    page.hidden.retain(|(k, _)| k != PLAN_CHOICE);
    let mut chosen = fields.clone();
    if chosen.get(PLAN_CHOICE).is_none() {
        chosen.0.push((PLAN_CHOICE.into(), KEEP.into()));
    }
    let keep = format!(
        "Keep my level: week {}, {} a week ({})",
        offer.from_week,
        amble_core::words::count(offer.level.weekly_minutes(), "minute", "minutes"),
        offer.level.words()
    );
    page.groups.push((
        "Your plan".into(),
        vec![QView::custom(
            PLAN_CHOICE,
            "radio",
            "Nothing new or worse came up. Keep the level your plan has reached, or start again from week 1?",
            &[(KEEP, keep.as_str()), (START_AGAIN, "Start again from week 1")],
            ("", ""),
            &chosen,
            &[],
        )],
    ));
    Ok(page)
}

pub async fn checkup_submit(
    state: crate::authz::Scoped,
    Query(q): Query<PageQuery>,
    body: Bytes,
) -> Result<Response, PageError> {
    let today = q.date(&state)?;
    let qs = q.qs();
    let fields = form(&body)?;
    let kb = state.kb();
    let invalid =
        |page: CheckupPage| (StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response();
    let step: u8 = match fields.get("step").unwrap_or("1").parse() {
        Ok(n) if (1..=last_step(kb)).contains(&n) => n,
        _ => {
            return Err(PageError {
                status: StatusCode::BAD_REQUEST,
                message: "The check-up form was not complete. Please start it again.".into(),
            });
        }
    };
    // Every answer so far is checked at each step, so nothing wrong is carried forward.
    let answers = match crate::forms::answers(kb, kb.questions.iter(), &fields) {
        Ok(a) => a,
        Err(errors) if step == 1 => {
            return Ok(invalid(step_one(
                kb,
                &fields,
                &qs,
                "/checkup",
                "Check-up: warning signs",
                STEP_ONE_INTRO,
                &errors,
            )));
        }
        Err(errors) => {
            let page = later_step(kb, step, &fields, &qs, &errors);
            return Ok(invalid(
                with_plan_choice(&state, today, &fields, page).await?,
            ));
        }
    };
    let keep_level = match fields.get(PLAN_CHOICE) {
        None | Some(KEEP) => true,
        Some(START_AGAIN) => false,
        Some(_) => {
            return Err(PageError {
                status: StatusCode::BAD_REQUEST,
                message: "The choice for your plan was not understood: keep your level or start again. Please choose again.".into(),
            });
        }
    };
    let facts = answers.facts();
    // Steps come in order: a step that applies and was never shown is shown now (no skipping
    // ahead by editing the form or the address).
    let seen = seen_steps(&fields);
    if let Some(&missing) = steps_that_apply(kb, &facts)
        .iter()
        .find(|&&n| n < step && !seen.contains(&n))
    {
        let page = if missing == 1 {
            step_one(
                kb,
                &fields,
                &qs,
                "/checkup",
                "Check-up: warning signs",
                STEP_ONE_INTRO,
                &[],
            )
        } else {
            later_step(kb, missing, &fields, &qs, &[])
        };
        return Ok(invalid(
            with_plan_choice(&state, today, &fields, page).await?,
        ));
    }
    let asked_flags = step_questions(kb, step, &facts)
        .iter()
        .any(|q| q.is_red_flag());
    let a = amble_core::assess(&answers, kb);
    let next = steps_that_apply(kb, &facts).into_iter().find(|&n| n > step);
    let care_first = asked_flags && amble_core::checkup::care_comes_first(&a);
    if let Some(next) = next.filter(|_| !care_first) {
        let page = later_step(kb, next, &fields, &qs, &[]);
        return Ok(render(
            &with_plan_choice(&state, today, &fields, page).await?,
        ));
    }
    // The end: the PEG and the PSFS of the last step join the answers (brief §3.9).
    let mut answers = answers;
    if !care_first {
        match super::outcome_fields::parse(&fields) {
            Ok(items) => {
                answers.instruments.peg = items.peg;
                if items.psfs.is_some() {
                    answers.instruments.psfs = items.psfs;
                }
            }
            Err(errors) => {
                let page = later_step(kb, step, &fields, &qs, &errors);
                return Ok(invalid(
                    with_plan_choice(&state, today, &fields, page).await?,
                ));
            }
        }
    }
    // The end, or care comes first: store what was answered and show what to do (brief §2.4).
    // Stored as chosen only when there is a level to keep (a first check-up has none).
    let keep_level = keep_level
        && amble_core::plan::keep_offer(&entries(&state).await?, &answers, today, kb).is_some();
    let once = sent_once(&fields)?;
    let (stored, answers) =
        store_checkup(&state, today, &answers, (false, keep_level), once).await?;
    if care_first {
        // The result of the check-up stored (the first send's, when this one is a repeat).
        let a = amble_core::assess(&answers, kb);
        return Ok(render(&result_page(
            &state,
            &a,
            &answers,
            Some(stored),
            &qs,
        )));
    }
    Ok(Redirect::to(&with_qs(&format!("/checkup/{}", stored), &qs, "")).into_response())
}

pub async fn checkup_result(
    state: crate::authz::Scoped,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let entry = state
        .with_store(false, move |s| s.map_or(Ok(None), |s| s.get(&id)))
        .await?;
    match entry {
        Some(Entry::Assessment(stored)) => {
            // Read with the journal: a new neurological symptom since the last check-up.
            let all = entries(&state).await?;
            let a = match amble_core::new_symptoms::index_of(&all, &stored.id) {
                Some(i) => amble_core::new_symptoms::with_journal(
                    amble_core::assess(&stored.answers, state.kb()),
                    &all,
                    i,
                ),
                None => amble_core::assess(&stored.answers, state.kb()),
            };
            let mut page = result_page(
                &state,
                &a,
                &stored.answers,
                Some(stored.id.clone()),
                &q.qs(),
            );
            // What this check-up did to the plan, read on its own day.
            page.plan_line = amble_core::plan::replay(&all, stored.date, state.kb())
                .ok()
                .filter(|r| r.assessment_id == stored.id && !stored.rescreen)
                .and_then(|r| amble_core::plan::level_words(&r, &all));
            Ok(render(&page))
        }
        _ => Err(PageError {
            status: StatusCode::NOT_FOUND,
            message: "There is no check-up with that id.".into(),
        }),
    }
}

// "Something new or worse?": the warning-sign screen

pub(crate) const SCREEN_INTRO: &str = "Something new or worse? These questions check for warning signs that need a doctor. If any applies, Amble tells you what to do and how soon.";

/// The question asked on the re-screen while new symptoms suspend the plan.
const SETTLED: &str = "settled";
const SETTLED_TEXT: &str = "Have the new symptoms you logged settled back to your usual?";

/// The current warning-sign answers context (the latest check-up and re-screens) and whether
/// new symptoms suspend the plan now.
async fn screen_context(
    state: &crate::authz::Scoped,
    day: Date,
) -> Result<(Option<Answers>, bool), PageError> {
    Ok(match replay(state, day).await? {
        Some((r, _)) => (Some(r.answers.clone()), plan::rescreen_may_lift(&r)),
        None => (None, false),
    })
}

#[allow(clippy::too_many_arguments)]
fn rescreen_page(
    kb: &KnowledgeBase,
    previous: Option<&Answers>,
    suspended: bool,
    fields: &Fields,
    qs: &str,
    intro: &str,
    errors: &[FieldError],
) -> CheckupPage {
    let facts = previous.map(Answers::facts).unwrap_or_default();
    let mut page = screen_page(
        kb,
        kb.red_flag_questions_for(&facts).collect(),
        fields,
        qs,
        "/screen",
        "Something new or worse?",
        intro,
        errors,
    );
    if suspended {
        page.groups.push((
            "The new symptoms".into(),
            vec![QView {
                id: SETTLED.into(),
                kind: "bool",
                text: SETTLED_TEXT.into(),
                options: Vec::new(),
                min: String::new(),
                max: String::new(),
                step: "any",
                values: fields
                    .all(SETTLED)
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
                error: errors
                    .iter()
                    .find(|e| e.field == SETTLED)
                    .map(|e| e.message.clone()),
            }],
        ));
    }
    page
}

pub async fn screen_form(
    state: crate::authz::Scoped,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let day = q.date(&state)?;
    let (previous, suspended) = screen_context(&state, day).await?;
    let after_walk;
    let intro = if suspended || q.after.as_deref() == Some("new-symptoms") {
        // What each kind of change needs, in the same words as the terminal (brief §2.5).
        after_walk = format!(
            "You logged new symptoms with a walk, so your plan is paused. Please answer these questions now. What each kind of change needs: {}",
            amble_core::new_symptoms::WHAT_EACH_NEEDS.join(" ")
        );
        after_walk.as_str()
    } else {
        SCREEN_INTRO
    };
    Ok(render(&rescreen_page(
        state.kb(),
        previous.as_ref(),
        suspended,
        &Fields::default(),
        &q.qs(),
        intro,
        &[],
    )))
}

pub async fn screen_submit(
    state: crate::authz::Scoped,
    Query(q): Query<PageQuery>,
    body: Bytes,
) -> Result<Response, PageError> {
    let today = q.date(&state)?;
    let qs = q.qs();
    let fields = form(&body)?;
    let kb = state.kb();
    let (previous, suspended) = screen_context(&state, today).await?;
    let facts = previous.as_ref().map(Answers::facts).unwrap_or_default();
    let settled = match fields.get(SETTLED) {
        Some("yes") => Ok(Some(true)),
        Some("no") => Ok(Some(false)),
        None | Some("unsure") => Ok(None),
        Some(other) => Err(FieldError {
            field: SETTLED.into(),
            message: format!("expected yes, no or not sure, found \"{other}\""),
        }),
    };
    let flags = crate::forms::answers(kb, kb.red_flag_questions_for(&facts), &fields);
    let (flags, settled) = match (flags, settled) {
        (Ok(f), Ok(s)) => (f, s),
        (f, s) => {
            let mut errors = f.err().unwrap_or_default();
            errors.extend(s.err());
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&rescreen_page(
                    kb,
                    previous.as_ref(),
                    suspended,
                    &fields,
                    &qs,
                    SCREEN_INTRO,
                    &errors,
                )),
            )
                .into_response());
        }
    };
    // The new warning-sign answers, with everything else from the latest check-up, so the plan
    // follows the new tier at once without asking again about the back.
    let answers = amble_core::checkup::rescreen(previous.as_ref(), &flags);
    let a = amble_core::assess(&answers, kb);
    let outcome = amble_core::checkup::rescreen_outcome(&a, suspended, settled);
    let care_first = outcome == amble_core::checkup::RescreenOutcome::CareFirst;
    // Without an earlier check-up, only a warning sign is worth a journal entry.
    if outcome.stored() && (previous.is_some() || care_first) {
        let once = sent_once(&fields)?;
        let (stored, answers) = store_checkup(&state, today, &answers, (true, false), once).await?;
        if care_first {
            let a = amble_core::assess(&answers, kb);
            return Ok(render(&result_page(
                &state,
                &a,
                &answers,
                Some(stored),
                &qs,
            )));
        }
    }
    let (heading, text) = outcome.words();
    let mut text = text.to_string();
    // Which questions are still open (brief §2.5: "not sure" is never "no").
    if outcome == amble_core::checkup::RescreenOutcome::Unanswered {
        let open: Vec<String> = a
            .triage
            .unanswered
            .iter()
            .filter_map(|id| kb.question(id).map(|q| q.text.clone()))
            .collect();
        text = format!("{text} Still unanswered: {}", open.join(" "));
    }
    Ok(render(&MessagePage {
        title: "Something new or worse?".into(),
        nav: "",
        qs,
        heading: heading.into(),
        text,
    }))
}
