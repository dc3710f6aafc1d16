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
                    "Week by week: adherence and the plan's decisions",
                    "Current prescription",
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
                        if let amble_pdf::layout::Item::Text {
                            x, y, style, text, ..
                        } = item
                        {
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

/// The PDF is tagged and PDF/UA-1: krilla's validator is on at export (a document that does
/// not conform is refused, never written), so the file declares PDF/UA part 1, and it has a
/// structure tree, `MarkInfo` marked, a language, the title shown as the window's title, an
/// outline of the sections, and alternative text for every chart.
#[test]
fn the_pdf_is_tagged_and_pdf_ua() {
    let kb = KnowledgeBase::embedded().unwrap();
    for (kind, i) in [(CohortKind::Flare, 0), (CohortKind::Stenosis, 1)] {
        let c = report(kind, i, &kb);
        for paper in [Paper::A4, Paper::Letter] {
            let pdf = clinician_report_pdf(&c, &kb, paper).unwrap();
            let text = String::from_utf8_lossy(&pdf);
            for part in [
                "/StructTreeRoot",
                "/MarkInfo<</Marked true",
                "/Lang(en)",
                "/DisplayDocTitle true",
                "<pdfuaid:part>1</pdfuaid:part>",
                "/Outlines",
                "<dc:title>",
                &format!(">Amble report {} to {}<", c.from, c.to),
                "/S/Figure",
                "/S/Table",
                "/S/TH",
                "/S/L",
                "/S/H2",
            ] {
                assert!(text.contains(part), "{kind:?} {paper:?}: {part}");
            }
            // One alternative text per chart (minutes, pain, and the steps when imported).
            let charts = 2 + usize::from(c.steps_chart.is_some());
            assert_eq!(text.matches("/Alt(").count(), charts, "{kind:?} {paper:?}");
        }
    }
}

/// `qpdf --check` finds nothing wrong (run where qpdf is installed; in CI, which installs it,
/// a missing qpdf is a failure).
#[test]
fn qpdf_finds_no_error() {
    let Ok(version) = std::process::Command::new("qpdf").arg("--version").output() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI installs qpdf (.ci/run): the PDF check must run"
        );
        eprintln!("qpdf is not installed: skipped");
        return;
    };
    assert!(version.status.success());
    let kb = KnowledgeBase::embedded().unwrap();
    let dir = std::env::temp_dir().join(format!("amble-pdf-qpdf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (kind, i) in [(CohortKind::Flare, 0), (CohortKind::Missed, 2)] {
        let c = report(kind, i, &kb);
        for (paper, name) in [(Paper::A4, "a4"), (Paper::Letter, "letter")] {
            let file = dir.join(format!("{kind:?}-{name}.pdf"));
            std::fs::write(&file, clinician_report_pdf(&c, &kb, paper).unwrap()).unwrap();
            let out = std::process::Command::new("qpdf")
                .arg("--check")
                .arg(&file)
                .output()
                .unwrap();
            let said = String::from_utf8_lossy(&out.stdout).to_string()
                + &String::from_utf8_lossy(&out.stderr);
            assert!(
                out.status.success() && said.contains("No syntax or stream encoding errors"),
                "{kind:?} {name}: {said}"
            );
            assert!(!said.contains("WARNING"), "{kind:?} {name}: {said}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Over simulated lives, an easier week is always announced as one ("... easier week next")
/// and never follows a week whose decision reads "step up".
#[test]
fn easier_weeks_are_never_called_a_step_up() {
    let kb = KnowledgeBase::embedded().unwrap();
    let mut easier = 0;
    for kind in [CohortKind::Noise, CohortKind::Flare, CohortKind::Missed] {
        for i in 0..5 {
            let c = report(kind, i, &kb);
            for pair in c.weeks.windows(2) {
                if pair[1].week_type == "easier" {
                    easier += 1;
                    assert!(
                        pair[0].decision.ends_with("easier week next"),
                        "{kind:?} {i}: {pair:#?}"
                    );
                }
            }
        }
    }
    assert!(easier > 0, "the lives have easier weeks");
}

/// The PDF lays out the core's outline: every section heading, in the outline's order.
#[test]
fn the_pdf_follows_the_outline() {
    let kb = KnowledgeBase::embedded().unwrap();
    let m = Metrics::new().unwrap();
    let c = report(CohortKind::Flare, 1, &kb);
    let o = amble_core::clinician::outline::outline(&c, &kb);
    let text: String = clinician_pages(&c, &kb, Paper::A4, &m)
        .iter()
        .map(|p| p.text())
        .collect();
    let mut at = 0;
    for s in &o.sections {
        let found = text[at..]
            .find(&format!("{}\n", s.heading))
            .unwrap_or_else(|| panic!("{} after byte {at}:\n{text}", s.heading));
        at += found + s.heading.len();
    }
    assert!(o.sections.len() >= 8);
}
