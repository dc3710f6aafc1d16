//! Server-rendered pages. Each works without JavaScript; forms post back to the same server and
//! redirect after a successful write, so a reload never logs a walk twice.

use std::sync::Arc;

use amble_core::Answers;
use amble_core::answers::Facts;
use amble_core::assessment::Assessment;
use amble_core::charts;
use amble_core::journal::{
    self, Entry, ExerciseSession, LegSpread, Morning, NewWalk, StoredAssessment,
};
use amble_core::knowledge::{KnowledgeBase, Question, QuestionKind};
use amble_core::plan::{self, Replay, Status, Today};
use amble_core::report::{self, ReportView};
use amble_core::tier::Tier;
use amble_store::{Store, StoreError};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use jiff::civil::Date;
use serde::Deserialize;

use crate::AppState;
use crate::forms::{FieldError, Fields, FormErrors};

mod assets;
mod checkin;
mod checkup;
mod exercises;
mod experiments;
mod gait;
mod insights_page;
mod journal_page;
mod learn;
mod log;
mod outcome_fields;
mod plan_page;
mod question_view;
mod rate;
mod today;
mod walk;

pub use assets::*;
pub use checkin::*;
pub use checkup::*;
pub use exercises::*;
pub use experiments::*;
pub use gait::*;
pub use insights_page::*;
pub use journal_page::*;
pub use learn::*;
pub use log::*;
pub use plan_page::*;
pub use rate::*;
pub use today::*;
pub use walk::*;

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
    /// With accounts: whose data a coach is reading (checked by `authz` before any handler).
    person: Option<String>,
    saved: Option<String>,
    /// After a morning score replaced another for the same date: the score it replaced.
    replaced: Option<String>,
    after: Option<String>,
    /// Journal page number (1 = newest).
    page: Option<String>,
    /// Progress charts: `12`, `26`, `52` or `all` weeks.
    weeks: Option<String>,
    /// Plan: `all` shows every reviewed week.
    history: Option<String>,
    /// Report PDF: `a4` or `letter`.
    paper: Option<String>,
    /// Report: the period's first and last day (YYYY-MM-DD), as the CLI's `--from`/`--to`.
    from: Option<String>,
    to: Option<String>,
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

    /// Weeks a period covers (insights, report): `None` for everything, `default` when not
    /// given.
    fn period_weeks(&self, default: Option<u32>) -> Result<Option<u32>, PageError> {
        match self.weeks.as_deref() {
            None => Ok(default),
            Some("all") => Ok(None),
            Some(w @ ("12" | "26" | "52")) => Ok(w.parse().ok()),
            Some(w) => Err(Self::bad(
                "weeks",
                format!("expected 12, 26, 52 or all, got {w:?}"),
            )),
        }
    }

    /// A report's period (see [`amble_core::clinician::period`]): `from`/`to`, or the last
    /// `weeks` weeks (12 when not given, from the first check-up for `all`). A date that cannot
    /// be read is a 400; `from` with `weeks`, `from` after `to` or `to` after today a 422.
    fn report_period(
        &self,
        entries: &[amble_core::journal::Entry],
        today: Date,
    ) -> Result<(Date, Date), PageError> {
        let read = |field: &str, text: &Option<String>| -> Result<Option<Date>, PageError> {
            text.as_deref()
                .map(|t| {
                    amble_core::words::date(t)
                        .map_err(|e| e.to_string())
                        .and_then(|d| {
                            amble_core::journal::check_date(field, d)
                                .map(|()| d)
                                .map_err(|e| e.to_string())
                        })
                        .map_err(|m| Self::bad(field, m))
                })
                .transpose()
        };
        let (from, to) = (read("from", &self.from)?, read("to", &self.to)?);
        let unprocessable = |message: String| PageError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message,
        };
        if from.is_some() && self.weeks.is_some() {
            return Err(unprocessable(
                "give either from (with to) or weeks, not both".into(),
            ));
        }
        let weeks = self
            .period_weeks(Some(crate::clinician::REPORT_WEEKS))?
            .unwrap_or(520);
        amble_core::clinician::period(entries, today, from, to, weeks)
            .map_err(|e| unprocessable(e.to_string()))
    }

    /// The period the report page shows, for its PDF links: `&weeks=...`, `&from=...&to=...`.
    fn report_period_qs(&self) -> String {
        let mut out = String::new();
        for (k, v) in [
            ("weeks", &self.weeks),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if let Some(v) = v {
                out.push_str(&format!("&{k}={}", enc(v)));
            }
        }
        out
    }

    /// The PDF's paper (A4 when not given).
    fn paper(&self) -> Result<amble_pdf::Paper, PageError> {
        match self.paper.as_deref() {
            None => Ok(amble_pdf::Paper::A4),
            Some(p) => amble_pdf::Paper::parse(p)
                .ok_or_else(|| Self::bad("paper", format!("expected a4 or letter, got {p:?}"))),
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

    /// The query string to carry on links and form actions (`?today=...&person=...`), or
    /// empty.
    fn qs(&self) -> String {
        let mut parts = Vec::new();
        if let Some(t) = &self.today {
            parts.push(format!("today={}", enc(t)));
        }
        if let Some(p) = &self.person {
            parts.push(format!("person={}", enc(p)));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

/// Links to the periods a page can show (12, 26, 52 weeks, everything): (label, link, current).
fn period_links(
    path: &str,
    q: &PageQuery,
    window: Option<u32>,
) -> Vec<(&'static str, String, bool)> {
    [
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
            with_qs(path, &q.qs(), &format!("weeks={v}")),
            current,
        )
    })
    .collect()
}

/// A query value, percent-encoded.
fn enc(v: &str) -> String {
    serde_urlencoded::to_string([("", v)])
        .map(|s| s.trim_start_matches('=').to_string())
        .unwrap_or_default()
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

async fn entries(state: &crate::authz::Scoped) -> Result<Arc<Vec<Entry>>, PageError> {
    Ok(state.entries().await?)
}

async fn replay(
    state: &crate::authz::Scoped,
    today: Date,
) -> Result<Option<(Arc<Replay>, Arc<Vec<Entry>>)>, PageError> {
    let (r, all) = state.replay(today).await?;
    Ok(r.map(|r| (r, all)))
}

/// Public for the API's `/today`.
pub fn today_view(r: &Replay, entries: &[Entry], today: Date, kb: &KnowledgeBase) -> Today {
    plan::today_view(r, entries, today, kb)
}

// ---------------------------------------------------------------------------------------------
// Shared templates

#[derive(Template)]
#[template(path = "message.html")]
pub(crate) struct MessagePage {
    title: String,
    nav: &'static str,
    qs: String,
    heading: String,
    text: String,
}

pub struct ExerciseRow {
    id: String,
    name: String,
    dose: String,
}

/// Text as HTML with the emergency and urgent-care numbers it names as tappable `tel:` links
/// (999, 112, 911, NHS 111). Everything else is escaped.
pub(crate) fn with_tel_links(text: &str) -> String {
    let mut html = String::with_capacity(text.len() + 64);
    for c in text.chars() {
        match c {
            '&' => html.push_str("&amp;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            '"' => html.push_str("&quot;"),
            '\'' => html.push_str("&#39;"),
            c => html.push(c),
        }
    }
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html.as_str();
    'scan: while !rest.is_empty() {
        for number in ["999", "112", "911", "111"] {
            if let Some(after) = rest.strip_prefix(number) {
                let before_ok = !out
                    .chars()
                    .last()
                    .is_some_and(|c| c.is_ascii_alphanumeric());
                let after_ok = !after
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphanumeric());
                if before_ok && after_ok {
                    out.push_str(&format!("<a href=\"tel:{number}\">{number}</a>"));
                    rest = after;
                    continue 'scan;
                }
            }
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            out.push(c);
        }
        rest = chars.as_str();
    }
    out
}

#[cfg(test)]
mod tel_tests {
    use super::with_tel_links;

    #[test]
    fn emergency_numbers_become_links_and_the_rest_is_escaped() {
        let html = with_tel_links("Call 999 (UK), 112 or 911; NHS 111. <b>1112</b>");
        assert!(html.contains("<a href=\"tel:999\">999</a>"));
        assert!(html.contains("<a href=\"tel:112\">112</a>"));
        assert!(html.contains("<a href=\"tel:911\">911</a>"));
        assert!(html.contains("NHS <a href=\"tel:111\">111</a>"));
        assert!(html.contains("&lt;b&gt;1112&lt;/b&gt;"), "{html}");
    }
}
