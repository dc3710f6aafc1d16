//! The report for a doctor or physiotherapist (contract §9) as one self-contained HTML document
//! (inline styles and vector charts, nothing fetched). The sections, their order and their
//! words come from the core's outline ([`amble_core::clinician::outline`]); the PDF renders the
//! same outline.

use askama::Template;
use jiff::civil::Date;

use amble_core::clinician::outline::{ChartRef, Emphasis, Outline, Part};
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
    /// The core's outline: the sections, their order and their words (the PDF renders the
    /// same one).
    o: Outline,
    /// Download links (the web page) or none (a saved file).
    pdf_links: bool,
    /// What the download links carry after `paper=` (`&today=...&weeks=...`): the page's
    /// period, so the PDF is the report shown.
    pdf_qs: String,
}

impl ClinicianPage<'_> {
    /// A chart of the report as SVG (empty when the report has no such chart).
    fn svg(&self, chart: &ChartRef) -> String {
        self.c.chart(*chart).map(|f| f.to_svg()).unwrap_or_default()
    }
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
        o: clinician::outline::outline(c, kb),
        pdf_links,
        pdf_qs: String::new(),
    }
    .render()
    .ok()
}

/// The web page of the report, its PDF links carrying `pdf_qs` (`&today=...&weeks=...`).
pub fn render_page(c: &ClinicianReport, kb: &KnowledgeBase, pdf_qs: String) -> Option<String> {
    ClinicianPage {
        inline_css: false,
        css: REPORT_CSS,
        c,
        o: clinician::outline::outline(c, kb),
        pdf_links: true,
        pdf_qs,
    }
    .render()
    .ok()
}
