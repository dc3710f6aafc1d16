//! `/experiments`: a small randomised trial of one person (docs/insights.md). The design lives
//! in the page's address: the same choices always give the same schedule, so bookmarking the
//! page is all it takes to come back, and nothing is stored.

use super::*;
use amble_core::insights::experiment::{self, Analysis, Factor, Period};

use crate::forms::{FieldError, FormErrors};

#[derive(Debug, Deserialize, Default)]
pub struct ExperimentQuery {
    today: Option<String>,
    factor: Option<String>,
    a: Option<String>,
    b: Option<String>,
    first_day: Option<String>,
    weeks: Option<String>,
}

/// The schedule as shown: (from, to, option, under way today).
type Row = (String, String, String, bool);

#[derive(Template)]
#[template(path = "experiments.html")]
pub(crate) struct ExperimentsPage {
    title: String,
    nav: &'static str,
    qs: String,
    errors: FormErrors,
    factor: String,
    a: String,
    b: String,
    start: String,
    weeks: String,
    /// Set once the choices make a design.
    how_logged: Option<&'static str>,
    rows: Vec<Row>,
    today_option: Option<String>,
    analysis: Option<Analysis>,
}

fn field(field: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        field: field.into(),
        message: message.into(),
    }
}

pub async fn experiments(
    state: crate::authz::Scoped,
    Query(q): Query<ExperimentQuery>,
) -> Result<Response, PageError> {
    let day = state
        .today_from(q.today.as_deref())
        .map_err(|message| PageError {
            status: StatusCode::BAD_REQUEST,
            message,
        })?;
    let qs = q
        .today
        .as_ref()
        .map_or(String::new(), |t| format!("?today={t}"));
    let text = |v: &Option<String>| v.as_deref().unwrap_or("").trim().to_string();
    let mut page = ExperimentsPage {
        title: "Experiments".into(),
        nav: "insights",
        qs,
        errors: FormErrors::default(),
        factor: text(&q.factor),
        a: text(&q.a),
        b: text(&q.b),
        start: q.first_day.clone().unwrap_or_else(|| day.to_string()),
        weeks: q.weeks.clone().unwrap_or_else(|| "6".into()),
        how_logged: None,
        rows: Vec::new(),
        today_option: None,
        analysis: None,
    };
    // Nothing chosen yet: the empty form.
    if q.factor.is_none() && q.a.is_none() && q.b.is_none() {
        return Ok(render(&page));
    }
    let mut errors = FormErrors::default();
    let factor = match page.factor.as_str() {
        "surface" => Some(Factor::Surface),
        "shoes" => Some(Factor::Shoes),
        "time_of_day" => Some(Factor::TimeOfDay),
        other => {
            errors.push(field(
                "factor",
                format!("choose surface, shoes or time of day, not {other:?}"),
            ));
            None
        }
    };
    let start = match amble_core::words::date(&page.start) {
        Ok(d)
            if (amble_core::journal::EARLIEST_DATE
                ..=day.saturating_add(jiff::Span::new().days(366)))
                .contains(&d) =>
        {
            Some(d)
        }
        Ok(d) => {
            errors.push(field(
                "first_day",
                format!("{d} is too far away: choose a day within the coming year"),
            ));
            None
        }
        Err(message) => {
            errors.push(field("first_day", message));
            None
        }
    };
    let weeks = match page.weeks.parse::<u32>() {
        Ok(w) if (4..=6).contains(&w) => Some(w),
        _ => {
            errors.push(field("weeks", "choose 4, 5 or 6 weeks"));
            None
        }
    };
    if page.a.is_empty() {
        errors.push(field("a", "give the first option"));
    }
    if page.b.is_empty() {
        errors.push(field("b", "give the second option"));
    }
    if let (Some(f), Some(s), Some(w), true) = (factor, start, weeks, errors.is_empty()) {
        match experiment::design(f, &page.a, &page.b, s, w, None) {
            Err(e) => errors.push(field("b", e)),
            Ok(d) => {
                let all = entries(&state).await?;
                let periods: Vec<Period> = experiment::schedule(&d);
                page.today_option = periods
                    .iter()
                    .find(|p| p.from <= day && day <= p.to)
                    .map(|p| p.option.clone());
                page.rows = periods
                    .iter()
                    .map(|p| {
                        (
                            p.from.to_string(),
                            p.to.to_string(),
                            p.option.clone(),
                            p.from <= day && day <= p.to,
                        )
                    })
                    .collect();
                page.how_logged = Some(f.how_logged());
                page.analysis = Some(experiment::analyse(&d, &all));
            }
        }
    }
    page.errors = errors;
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, render(&page)).into_response())
}
