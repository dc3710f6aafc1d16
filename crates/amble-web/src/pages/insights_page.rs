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
    /// Links to the other periods: (label, link, current).
    ranges: Vec<(&'static str, String, bool)>,
}

/// The journal's insights from the first walk (or `weeks` weeks back) to `today`.
pub(crate) fn insights_of(entries: &[Entry], today: Date, weeks: Option<u32>) -> Insights {
    let first = entries
        .iter()
        .find_map(|e| match e {
            Entry::Walk(w) => Some(w.date),
            _ => None,
        })
        .unwrap_or(today)
        .min(today);
    let first = match weeks {
        Some(n) => first.max(today.saturating_sub(jiff::Span::new().days(i64::from(n) * 7 - 1))),
        None => first,
    };
    amble_core::insights::insights(entries, first, today)
}

pub async fn insights(
    state: crate::authz::Scoped,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let day = q.date(&state)?;
    let weeks = q.period_weeks(None)?;
    let all = entries(&state).await?;
    Ok(render(&InsightsPage {
        title: "Insights".into(),
        nav: "insights",
        qs: q.qs(),
        i: insights_of(&all, day, weeks),
        ranges: period_links("/insights", &q, weeks),
    }))
}

/// `/report`: the report for a clinician (the last 12 weeks), printable, self-contained.
pub async fn clinician_report(
    state: crate::authz::Scoped,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let day = q.date(&state)?;
    let all = entries(&state).await?;
    let (from, to) = q.report_period(&all, day)?;
    let report = match build_report(&all, from, to, day, state.kb())? {
        Some(r) => r,
        None => return Ok(nothing_to_report(&q)),
    };
    let pdf_qs = format!("{}{}", q.qs().replacen('?', "&", 1), q.report_period_qs());
    match crate::clinician::render_page(&report, state.kb(), pdf_qs) {
        Some(html) => Ok(Html(html).into_response()),
        None => Ok(nothing_to_report(&q)),
    }
}

/// The report of `from`..=`to`: `None` before any check-up; a period that ends before the
/// first check-up is a 422 that says so.
fn build_report(
    all: &[Entry],
    from: Date,
    to: Date,
    day: Date,
    kb: &amble_core::knowledge::KnowledgeBase,
) -> Result<Option<amble_core::clinician::ClinicianReport>, PageError> {
    match amble_core::clinician::build_period(all, from, to, day, kb) {
        Ok(r) => Ok(Some(r)),
        Err(amble_core::clinician::NoReport::NoCheckup) => Ok(None),
        Err(e) => Err(PageError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message: e.to_string(),
        }),
    }
}

fn nothing_to_report(q: &PageQuery) -> Response {
    render(&MessagePage {
        title: "Report".into(),
        nav: "",
        qs: q.qs(),
        heading: "Nothing to report yet".into(),
        text: "Start with the check-up, then log your walks: the report for your doctor or physiotherapist appears here.".into(),
    })
}

/// `/report.pdf`: the same report as a PDF download (`?paper=a4|letter`, `?weeks=12|26|52`).
pub async fn clinician_report_pdf(
    state: crate::authz::Scoped,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let day = q.date(&state)?;
    let paper = q.paper()?;
    let all = entries(&state).await?;
    let (from, to) = q.report_period(&all, day)?;
    let st = state.clone();
    // Laying out and writing a PDF is CPU work: keep it off the async workers.
    let made = tokio::task::spawn_blocking(move || {
        let kb = st.kb();
        build_report(&all, from, to, day, kb)
            .map(|r| r.map(|c| amble_pdf::clinician_report_pdf(&c, kb, paper)))
    })
    .await
    .map_err(|e| PageError {
        status: StatusCode::INTERNAL_SERVER_ERROR,
        message: format!("the report could not be made: {e}"),
    })?;
    match made? {
        None => Ok(nothing_to_report(&q)),
        Some(Err(e)) => Err(PageError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: e.to_string(),
        }),
        Some(Ok(pdf)) => Ok((
            [
                (header::CONTENT_TYPE, "application/pdf".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"amble-report-{day}.pdf\""),
                ),
            ],
            pdf,
        )
            .into_response()),
    }
}

pub async fn report_css(headers: axum::http::HeaderMap) -> Response {
    static CSS: super::assets::Asset =
        super::assets::Asset::new("text/css; charset=utf-8", crate::clinician::REPORT_CSS);
    CSS.response(&headers)
}

/// `/calendar.ics`: the coming weeks' walks and check-ins for a calendar app to subscribe to
/// (the same as `amble remind --ics`). Event text says nothing about health.
pub async fn calendar_ics(
    state: crate::authz::Scoped,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let day = q.date(&state)?;
    let all = entries(&state).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "inline; filename=\"amble.ics\"",
            ),
        ],
        crate::ics::calendar(&all, day, state.kb()),
    )
        .into_response())
}
