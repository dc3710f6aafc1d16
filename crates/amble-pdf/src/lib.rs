//! Amble's printable documents as PDF, made in Rust with no browser or other program: the
//! report for a clinician (contract §9), on A4 or Letter, with vector charts.

pub mod fonts;
pub mod layout;
mod paint;
mod report;

pub use layout::Paper;

use amble_core::clinician::ClinicianReport;
use amble_core::knowledge::KnowledgeBase;

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the built-in typeface could not be read")]
    Font,
    #[error("the page could not be laid out")]
    Layout,
    #[error("the PDF could not be written: {0}")]
    Write(String),
}

/// The report laid out on pages (what the PDF draws), for checks and tests.
pub fn clinician_pages<'a>(
    c: &'a ClinicianReport,
    kb: &KnowledgeBase,
    paper: Paper,
    m: &fonts::Metrics,
) -> Vec<layout::Page<'a>> {
    let o = amble_core::clinician::outline::outline(c, kb);
    let blocks = report::blocks(c, &o);
    let mut pages = layout::layout(m, paper, &blocks);
    report::footers(&mut pages, c, paper, m);
    pages
}

/// The report for a clinician as a PDF document: tagged (its structure follows the outline:
/// sections, headings, paragraphs, lists, tables and figures with alternative text, in reading
/// order) and exported with krilla's PDF/UA-1 validator, so a document that does not conform
/// is an error, never a file.
pub fn clinician_report_pdf(
    c: &ClinicianReport,
    kb: &KnowledgeBase,
    paper: Paper,
) -> Result<Vec<u8>, PdfError> {
    let m = fonts::Metrics::new()?;
    let o = amble_core::clinician::outline::outline(c, kb);
    let blocks = report::blocks(c, &o);
    let mut pages = layout::layout(&m, paper, &blocks);
    report::footers(&mut pages, c, paper, &m);
    paint::pdf(&pages, &blocks, paper, &m, &o.title)
}
