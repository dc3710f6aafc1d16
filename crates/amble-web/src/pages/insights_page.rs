//! Insights: what in the journal went with more or less pain (findings first, then what was
//! tested, then what needs more data).

use super::*;
use amble_core::insights::Insights;

#[derive(Template)]
#[template(path = "insights.html")]
pub(crate) struct InsightsPage {
    title: String,
    nav: &'static str,
    qs: String,
    i: Insights,
}

/// The journal's insights from the first walk to `today`.
pub(crate) fn insights_of(entries: &[Entry], today: Date) -> Insights {
    let first = entries
        .iter()
        .find_map(|e| match e {
            Entry::Walk(w) => Some(w.date),
            _ => None,
        })
        .unwrap_or(today)
        .min(today);
    amble_core::insights::insights(entries, first, today)
}

pub async fn insights(
    State(state): State<AppState>,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let day = q.date(&state)?;
    let all = entries(&state).await?;
    Ok(render(&InsightsPage {
        title: "Insights".into(),
        nav: "insights",
        qs: q.qs(),
        i: insights_of(&all, day),
    }))
}

/// `/report`: the report for a clinician (the last 12 weeks), printable, self-contained.
pub async fn clinician_report(
    State(state): State<AppState>,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let day = q.date(&state)?;
    let all = entries(&state).await?;
    match crate::clinician::clinician_report_html(
        &all,
        day,
        crate::clinician::REPORT_WEEKS,
        state.kb(),
        false,
    ) {
        Some(html) => Ok(Html(html).into_response()),
        None => Ok(render(&MessagePage {
            title: "Report".into(),
            nav: "",
            qs: q.qs(),
            heading: "Nothing to report yet".into(),
            text: "Start with the check-up, then log your walks: the report for your doctor or physiotherapist appears here.".into(),
        })),
    }
}

pub async fn report_css() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        crate::clinician::REPORT_CSS,
    )
        .into_response()
}
