//! The report for a doctor or physiotherapist (contract §9) as one self-contained HTML document
//! (inline styles and vector charts, nothing fetched), printable on two pages for 12 weeks.
//! The facts come from [`amble_core::clinician`]; the PDF lays out the same ones.

use askama::Template;
use jiff::civil::Date;

use amble_core::clinician::{self, ClinicianReport};
use amble_core::journal::Entry;
use amble_core::knowledge::KnowledgeBase;

pub use amble_core::clinician::REPORT_WEEKS;

/// The report's styles: inline in a saved file (self-contained), a stylesheet on the web (the
/// content security policy allows no inline styles).
pub const REPORT_CSS: &str = include_str!("../assets/report.css");

#[derive(Template)]
#[template(path = "clinician_report.html")]
struct ClinicianPage<'a> {
    inline_css: bool,
    css: &'static str,
    c: &'a ClinicianReport,
    thresholds: String,
    minutes_svg: String,
    pain_svg: String,
    steps_svg: Option<String>,
    /// Download links (the web page) or none (a saved file).
    pdf_links: bool,
}

/// The report as HTML, for the journal as of `today`, covering the last `weeks` weeks. `None`
/// when there is no check-up to report on. `inline_css` for a saved file; `pdf_links` adds the
/// PDF downloads (the web page).
pub fn clinician_report_html(
    entries: &[Entry],
    today: Date,
    weeks: u32,
    kb: &KnowledgeBase,
    inline_css: bool,
) -> Option<String> {
    let c = clinician::build(entries, today, weeks, kb)?;
    render(&c, kb, inline_css, !inline_css)
}

/// Renders a built report.
pub fn render(
    c: &ClinicianReport,
    kb: &KnowledgeBase,
    inline_css: bool,
    pdf_links: bool,
) -> Option<String> {
    ClinicianPage {
        inline_css,
        css: REPORT_CSS,
        c,
        thresholds: clinician::thresholds_line(kb),
        minutes_svg: c.minutes_chart.to_svg(),
        pain_svg: c.pain_chart.to_svg(),
        steps_svg: c.steps_chart.as_ref().map(|f| f.to_svg()),
        pdf_links,
    }
    .render()
    .ok()
}
