//! The report for a clinician as blocks: the core's outline ([`outline::outline`]) laid out,
//! section by section, in the order and words the HTML page shows too.

use amble_core::clinician::ClinicianReport;
use amble_core::clinician::outline::{self, Emphasis, Outline, Part};

use crate::fonts::Metrics;
use crate::layout::{BODY, Block, Item, MARGIN, Mark, Page, Paper, SMALL, STRONG, Style};

pub fn title(c: &ClinicianReport) -> String {
    outline::title(c)
}

fn style(e: Emphasis) -> Style {
    match e {
        Emphasis::Body => BODY,
        Emphasis::Small => SMALL,
        Emphasis::Strong => STRONG,
    }
}

fn part<'a>(c: &'a ClinicianReport, p: &Part) -> Option<Block<'a>> {
    Some(match p {
        Part::Para(t, e) => Block::Para(t.clone(), style(*e)),
        Part::List(items) => Block::Bullets(items.clone()),
        Part::Table {
            widths,
            header,
            rows,
        } => Block::Table {
            widths: widths.clone(),
            header: header.clone(),
            rows: rows.clone(),
        },
        Part::Chart { chart, alt } => Block::Chart(c.chart(*chart)?, alt.clone()),
    })
}

/// The outline as blocks: the title, the introduction, then each section's heading and parts.
pub fn blocks<'a>(c: &'a ClinicianReport, o: &Outline) -> Vec<Block<'a>> {
    let mut b = vec![Block::Title(o.heading.clone())];
    b.extend(o.intro.iter().filter_map(|p| part(c, p)));
    for s in &o.sections {
        b.push(Block::Heading(s.heading.clone()));
        b.extend(s.parts.iter().filter_map(|p| part(c, p)));
    }
    b
}

/// "Amble report ... · page i of n" at the foot of every page (page furniture, not read).
pub fn footers(pages: &mut [Page<'_>], c: &ClinicianReport, paper: Paper, m: &Metrics) {
    let (w, h) = paper.size();
    let n = pages.len();
    for (i, p) in pages.iter_mut().enumerate() {
        let t = format!("{} · page {} of {n}", title(c), i + 1);
        let x = w - MARGIN - m.width(&t, SMALL.size, false);
        p.items.push(Item::Text {
            x,
            y: h - MARGIN + 4.0,
            style: SMALL,
            text: t,
            mark: Mark::Artifact,
        });
    }
}
