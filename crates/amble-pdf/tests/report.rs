//! The clinician report as PDF: 12 weeks of simulated lives fit two pages on A4 and Letter,
//! every section is there, and the file is a PDF with as many pages as the layout.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

use amble_core::clinician::{self, ClinicianReport};
use amble_core::journal::{Entry, StoredAssessment};
use amble_core::knowledge::KnowledgeBase;
use amble_pdf::fonts::Metrics;
use amble_pdf::{Paper, clinician_pages, clinician_report_pdf};
use amble_sim::person::{START, simulate_with};
use amble_sim::{Cohort, CohortKind};
use jiff::ToSpan;

/// A simulated person's 12 weeks, with an earlier check-up a week before (worse scores) so the
/// change against the first is reported.
fn journal(kind: CohortKind, i: usize, kb: &KnowledgeBase) -> (Vec<Entry>, jiff::civil::Date) {
    let cohort = Cohort::new(kind, i + 1, 7);
    let (p, seed) = &cohort.people[i];
    let t = simulate_with(p, 12, *seed, kb, true).unwrap();
    let mut entries = t.entries;
    let Entry::Assessment(first) = &entries[0] else {
        panic!("starts with a check-up")
    };
    let mut a = first.answers.clone();
    let mut earlier = a.clone();
    earlier.pain.now = Some(6);
    earlier.instruments.rmdq = Some([1; 12].iter().chain([0; 12].iter()).copied().collect());
    earlier.instruments.odi = Some(vec![Some(2); 10]);
    a.pain.now = Some(3);
    a.instruments.rmdq = Some([1; 5].iter().chain([0; 19].iter()).copied().collect());
    a.instruments.odi = Some(vec![Some(1); 10]);
    entries[0] = Entry::Assessment(Box::new(StoredAssessment {
        answers: a,
        ..(**first).clone()
    }));
    entries.insert(
        0,
        Entry::Assessment(Box::new(StoredAssessment {
            id: "a-earlier".into(),
            date: START.saturating_sub(7.days()),
            answers: earlier,
            rescreen: false,
            keep_level: false,
        })),
    );
    (entries, START.saturating_add(83.days()))
}

fn report(kind: CohortKind, i: usize, kb: &KnowledgeBase) -> ClinicianReport {
    let (entries, today) = journal(kind, i, kb);
    clinician::build(&entries, today, 12, kb).expect("a check-up is stored")
}

#[test]
fn twelve_weeks_fit_two_pages_on_a4_and_letter() {
    let kb = KnowledgeBase::embedded().unwrap();
    let m = Metrics::new().unwrap();
    for kind in [
        CohortKind::Noise,
        CohortKind::Flare,
        CohortKind::Missed,
        CohortKind::Stenosis,
    ] {
        for i in 0..5 {
            let c = report(kind, i, &kb);
            for paper in [Paper::A4, Paper::Letter] {
                let pages = clinician_pages(&c, &kb, paper, &m);
                let text: String = pages.iter().map(|p| p.text()).collect();
                assert!(
                    pages.len() <= 2,
                    "{kind:?} {i} {paper:?}: {} pages\n{text}",
                    pages.len()
                );
                for part in [
                    "report for a clinician",
                    "Latest check-up",
                    "Scores over time",
                    "Roland-Morris (RMDQ) fell from 12/24 to 5/24: an important improvement",
                    "Minutes walked each week",
                    "Pain before and during walks",
                    "Plan decisions",
                    "What went with more or less pain",
                    "Steps each day",
                    "page 2 of 2",
                ] {
                    assert!(
                        text.contains(part),
                        "{kind:?} {i} {paper:?}: {part}\n{text}"
                    );
                }
                let (w, h) = paper.size();
                for p in &pages {
                    for item in &p.items {
                        if let amble_pdf::layout::Item::Text { x, y, style, text } = item {
                            let right = x + m.width(text, style.size, style.bold);
                            assert!(
                                *x >= 30.0 && right <= w - 30.0,
                                "{text:?} runs off the side"
                            );
                            assert!(*y > 30.0 && *y < h - 25.0, "{text:?} runs off the page");
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn the_pdf_has_the_laid_out_pages() {
    let kb = KnowledgeBase::embedded().unwrap();
    let m = Metrics::new().unwrap();
    let c = report(CohortKind::Flare, 0, &kb);
    for paper in [Paper::A4, Paper::Letter] {
        let pdf = clinician_report_pdf(&c, &kb, paper).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.len() < 400_000, "fonts are subset: {} bytes", pdf.len());
        let text = String::from_utf8_lossy(&pdf);
        // Page objects: "/Type/Page" not followed by "s" (that is the page tree).
        let pages = text
            .match_indices("/Type/Page")
            .filter(|(i, m)| !text[i + m.len()..].starts_with('s'))
            .count();
        assert_eq!(
            pages,
            clinician_pages(&c, &kb, paper, &m).len(),
            "page objects"
        );
        let (w, h) = paper.size();
        assert!(text.contains(&format!("{w}")) || text.contains(&format!("{}", w as u32)));
        assert!(text.contains(&format!("{}", h as u32)));
    }
}

/// Writes sample reports for a visual check: `AMBLE_PDF_SAMPLES=DIR cargo test -p amble-pdf`.
#[test]
fn samples_for_review() {
    let Some(dir) = std::env::var_os("AMBLE_PDF_SAMPLES") else {
        return;
    };
    let kb = KnowledgeBase::embedded().unwrap();
    let c = report(CohortKind::Flare, 0, &kb);
    for (paper, name) in [(Paper::A4, "a4"), (Paper::Letter, "letter")] {
        let pdf = clinician_report_pdf(&c, &kb, paper).unwrap();
        std::fs::write(
            std::path::Path::new(&dir).join(format!("report-{name}.pdf")),
            pdf,
        )
        .unwrap();
    }
}
