//! The clinician report's outline: its sections in reading order, each with its content as
//! data (paragraphs, lists, tables, charts with their alternative text). The HTML page and the
//! PDF both render this one outline, so neither writes the order or the words of a section.
//!
//! The report speaks about the person in the third person ("the person reported ..."), never
//! to them, and shows no answer keys: every label comes from content.

use super::ClinicianReport;
use crate::charts::Figure;
use crate::knowledge::KnowledgeBase;

/// How a paragraph is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Emphasis {
    Body,
    /// Notes and footnotes.
    Small,
    /// The line that matters most in a section.
    Strong,
}

/// Which of the report's charts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartRef {
    Minutes,
    Pain,
    Steps,
}

/// One piece of a section.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Para(String, Emphasis),
    List(Vec<String>),
    /// Column shares of the width (summing to 1), the header row, the rows.
    Table {
        widths: Vec<f32>,
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    /// A chart and the text that stands in for it (what a screen reader reads).
    Chart {
        chart: ChartRef,
        alt: String,
    },
}

/// A section: a heading and what follows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// A stable id ("scores", "weeks" ...), for links and tests.
    pub id: &'static str,
    pub heading: String,
    pub parts: Vec<Part>,
}

/// The whole report in reading order.
#[derive(Debug, Clone, PartialEq)]
pub struct Outline {
    /// The document's title (the PDF's title, the HTML's `<title>`).
    pub title: String,
    /// The visible heading at the top.
    pub heading: String,
    /// What comes before the first section: the period and who the person is.
    pub intro: Vec<Part>,
    pub sections: Vec<Section>,
}

impl ClinicianReport {
    /// A chart of the report, when it has one.
    pub fn chart(&self, c: ChartRef) -> Option<&Figure> {
        match c {
            ChartRef::Minutes => Some(&self.minutes_chart),
            ChartRef::Pain => Some(&self.pain_chart),
            ChartRef::Steps => self.steps_chart.as_ref(),
        }
    }
}

/// The document title.
pub fn title(c: &ClinicianReport) -> String {
    format!("Amble report {} to {}", c.from, c.to)
}

/// Words addressed to the person ("you feel it in the buttock", "your doctor"), turned into
/// words about them ("they feel it in the buttock", "their doctor"). The report quotes rule
/// and question texts written for the person; this keeps it in the third person.
pub fn third_person(text: &str) -> String {
    // After these words "you" is the subject ("when you walk", "do you feel").
    const SUBJECT_AFTER: &[&str] = &[
        "", "and", "or", "but", "that", "when", "if", "as", "because", "while", "until", "since",
        "do", "does", "did", "have", "has", "had", "are", "were", "can", "could", "will", "would",
        "should", "where", "how", "what", "which", "so", "than", "before", "after",
    ];
    let mut out = String::with_capacity(text.len() + 16);
    let mut prev_word = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, prev_word: &mut String, out: &mut String| {
        if word.is_empty() {
            return;
        }
        let lower = word.to_lowercase();
        let replaced = match lower.as_str() {
            "you" if SUBJECT_AFTER.contains(&prev_word.as_str()) => Some("they"),
            "you" => Some("them"),
            "your" => Some("their"),
            "yours" => Some("theirs"),
            "yourself" => Some("themselves"),
            "you're" => Some("they're"),
            "you've" => Some("they've"),
            _ => None,
        };
        match replaced {
            Some(r) if word.starts_with(|c: char| c.is_uppercase()) => {
                let mut cs = r.chars();
                if let Some(f) = cs.next() {
                    out.extend(f.to_uppercase());
                    out.push_str(cs.as_str());
                }
            }
            Some(r) => out.push_str(r),
            None => out.push_str(word),
        }
        *prev_word = lower;
        word.clear();
    };
    for ch in text.chars() {
        if ch.is_alphanumeric() || ch == '\'' {
            word.push(ch);
        } else {
            flush(&mut word, &mut prev_word, &mut out);
            // A sentence or clause boundary: the next "you" starts it.
            if matches!(ch, '.' | '!' | '?' | ';' | ':' | '"' | '(' | ',') {
                prev_word.clear();
            }
            out.push(ch);
        }
    }
    flush(&mut word, &mut prev_word, &mut out);
    out
}

fn para(text: impl Into<String>) -> Part {
    Part::Para(text.into(), Emphasis::Body)
}

fn chart_alt(f: &Figure) -> String {
    third_person(&format!("{}. {}", f.title, f.desc))
}

/// The report's outline: every section in the order a clinician reads it, safety first.
pub fn outline(c: &ClinicianReport, kb: &KnowledgeBase) -> Outline {
    let about = if c.about.is_empty() {
        String::new()
    } else {
        format!(" · {}", c.about.join(", "))
    };
    let intro = vec![
        para(format!(
            "{} to {} · generated by Amble on {} from the person's own entries{about}.",
            c.from, c.to, c.generated
        )),
        Part::Para(
            "Amble is a walking coach, not a diagnostic tool: patterns are answers shared with common causes, not diagnoses. The person's answers are paraphrased in the third person.".into(),
            Emphasis::Small,
        ),
    ];
    let mut sections = vec![latest_checkup(c), events(c), scores(c, kb), prescription(c)];
    sections.push(weeks(c, kb));
    sections.push(Section {
        id: "minutes",
        heading: format!(
            "Walking: planned and done per week ({} walks, {:.0} minutes)",
            c.walks, c.minutes
        ),
        parts: vec![Part::Chart {
            chart: ChartRef::Minutes,
            alt: chart_alt(&c.minutes_chart),
        }],
    });
    sections.push(Section {
        id: "pain",
        heading: "Pain before, worst during, and the next morning (0-10)".into(),
        parts: vec![Part::Chart {
            chart: ChartRef::Pain,
            alt: chart_alt(&c.pain_chart),
        }],
    });
    sections.push(Section {
        id: "findings",
        heading: "What went with more or less pain (the person's own data)".into(),
        parts: vec![if c.findings.is_empty() {
            para(format!(
                "No finding passed the false-discovery threshold ({} comparisons tested).",
                c.tested
            ))
        } else {
            Part::List(c.findings.iter().map(|f| third_person(f)).collect())
        }],
    });
    if let Some(chart) = &c.steps_chart {
        let mut parts = Vec::new();
        if let Some(s) = &c.steps_summary {
            parts.push(para(s.clone()));
        }
        parts.push(Part::Chart {
            chart: ChartRef::Steps,
            alt: chart_alt(chart),
        });
        sections.push(Section {
            id: "steps",
            heading: "Imported daily steps".into(),
            parts,
        });
    }
    if let Some(s) = &c.gait_summary {
        sections.push(Section {
            id: "gait",
            heading: "Gait from body-worn recordings".into(),
            parts: vec![para(third_person(s))],
        });
    }
    Outline {
        title: title(c),
        heading: "Walking and back pain: report for a clinician".into(),
        intro,
        sections,
    }
}

fn latest_checkup(c: &ClinicianReport) -> Section {
    let k = &c.checkup;
    let mut parts = Vec::new();
    // What matters most first: a suspension under way, then the most recent warning-sign
    // answers with their date.
    if let Some(s) = &k.suspended {
        parts.push(Part::Para(third_person(s), Emphasis::Strong));
    }
    parts.push(Part::Para(third_person(&k.tier_line), Emphasis::Strong));
    for f in &k.flags {
        parts.push(para(third_person(f)));
    }
    if !k.unanswered.is_empty() {
        parts.push(para(format!(
            "Warning-sign questions the person left unanswered: {}",
            third_person(&k.unanswered.join(" "))
        )));
    }
    if let Some(e) = &k.earlier {
        parts.push(para(third_person(e)));
    }
    if k.screen.is_some() {
        parts.push(Part::Para(
            format!("Patterns from the latest check-up ({}):", k.date),
            Emphasis::Body,
        ));
    }
    if let Some(h) = &k.patterns_held_back {
        parts.push(para(third_person(h)));
    }
    if !k.patterns.is_empty() {
        parts.push(Part::List(
            k.patterns.iter().map(|p| third_person(p)).collect(),
        ));
    }
    let heading = match k.screen {
        Some((source, date)) => format!(
            "Latest warning-sign answers ({source} of {date}) and check-up ({})",
            k.date
        ),
        None => format!("Latest check-up ({})", k.date),
    };
    Section {
        id: "checkup",
        heading,
        parts,
    }
}

fn events(c: &ClinicianReport) -> Section {
    let parts = if c.events.is_empty() {
        vec![para(
            "No walk with new symptoms, no suspension and no check-in in this period.",
        )]
    } else {
        vec![Part::Table {
            widths: vec![0.14, 0.18, 0.68],
            header: vec!["Date".into(), "What".into(), "Details".into()],
            rows: c
                .events
                .iter()
                .map(|e| {
                    vec![
                        e.date.to_string(),
                        e.kind.to_string(),
                        third_person(&e.what),
                    ]
                })
                .collect(),
        }]
    };
    Section {
        id: "events",
        heading: "Warning signs, new symptoms, suspensions and check-ins in this period".into(),
        parts,
    }
}

fn scores(c: &ClinicianReport, kb: &KnowledgeBase) -> Section {
    let mut parts = vec![if c.scores.is_empty() {
        para("The person gave no pain rating or questionnaire.")
    } else {
        Part::Table {
            widths: vec![0.14, 0.12, 0.74],
            header: vec!["Date".into(), "Source".into(), "Scores".into()],
            rows: c
                .scores
                .iter()
                .map(|s| vec![s.date.to_string(), s.kind.to_string(), s.scores.clone()])
                .collect(),
        }
    }];
    if !c.changes.is_empty() {
        parts.push(Part::List(
            c.changes
                .iter()
                .map(|ch| format!("{}.", ch.words))
                .collect(),
        ));
    }
    if let Some(r) = &c.recovered {
        parts.push(para(r.clone()));
    }
    parts.push(Part::Para(
        format!(
            "{} PSFS: the person's own activities, each rated 0 (unable) to 10 (as before).",
            super::thresholds_line(kb)
        ),
        Emphasis::Small,
    ));
    Section {
        id: "scores",
        heading: "Scores over time (check-ups and check-ins)".into(),
        parts,
    }
}

fn prescription(c: &ClinicianReport) -> Section {
    let p = &c.prescription;
    let mut parts = vec![Part::Para(format!("{}.", p.status), Emphasis::Strong)];
    parts.push(para(match &p.walking {
        Some(w) => format!("Walking this week: {}", third_person(w)),
        None => "No walking is prescribed this week.".to_string(),
    }));
    if p.exercises.is_empty() {
        parts.push(para("No exercises are prescribed."));
    } else {
        parts.push(Part::Table {
            widths: vec![0.35, 0.65],
            header: vec!["Exercise".into(), "Dose".into()],
            rows: p
                .exercises
                .iter()
                .map(|(name, dose)| vec![name.clone(), third_person(dose)])
                .collect(),
        });
    }
    Section {
        id: "prescription",
        heading: if c.to == c.generated {
            "Current prescription".into()
        } else {
            format!("Prescription on {}", c.to)
        },
        parts,
    }
}

fn weeks(c: &ClinicianReport, kb: &KnowledgeBase) -> Section {
    let mut named = Vec::new();
    if c.easier_weeks > 0 {
        named.push(crate::words::count(
            c.easier_weeks as u64,
            "easier week",
            "easier weeks",
        ));
    }
    if c.flares > 0 {
        named.push(crate::words::count(c.flares as u64, "flare", "flares"));
    }
    let heading = if named.is_empty() {
        "Week by week: adherence and the plan's decisions".to_string()
    } else {
        format!(
            "Week by week: adherence and the plan's decisions ({})",
            named.join(", ")
        )
    };
    let mut parts = Vec::new();
    if let Some(a) = &c.adherence {
        parts.push(Part::Para(format!("Adherence: {a}"), Emphasis::Strong));
    }
    if c.weeks.is_empty() {
        parts.push(para(
            "No week of the plan overlaps this period and had ended by its last day.",
        ));
    } else {
        parts.push(Part::Table {
            widths: vec![0.06, 0.12, 0.27, 0.16, 0.21, 0.18],
            header: vec![
                "Week".into(),
                "From".into(),
                "Planned".into(),
                "Done".into(),
                "Walks rated".into(),
                "Then".into(),
            ],
            rows: c
                .weeks
                .iter()
                .map(|w| {
                    let kind = match w.week_type {
                        "full" => String::new(),
                        other => format!(", {other} week"),
                    };
                    let mut rated = format!("{} green, {} amber, {} red", w.green, w.amber, w.red);
                    if w.unrated > 0 {
                        rated.push_str(&format!(", {} unrated", w.unrated));
                    }
                    vec![
                        w.week.to_string(),
                        w.start.to_string(),
                        format!("{} walks, {} min{kind}", w.planned_walks, w.planned_minutes),
                        format!("{} walks, {:.0} min", w.done_walks, w.walked_minutes),
                        rated,
                        w.decision.to_string(),
                    ]
                })
                .collect(),
        });
        if !c.restarts.is_empty() {
            let days: Vec<String> = c.restarts.iter().map(|d| d.to_string()).collect();
            parts.push(para(format!(
                "A new check-up started the plan again on {}: its weeks count from 1 again.",
                days.join(", ")
            )));
        }
        let l = &kb.plan.lights;
        parts.push(Part::Para(
            format!(
                "Each walk is rated from the person's pain (0-10). Green: worst pain during it {} or less, at most {} above the pain before, and the next morning not raised; red: worst pain above {}, next-morning pain {} or more above the person's usual, or leg symptoms spreading further; amber: the rest; unrated: no pain logged. An easier week comes every few weeks to let the body adapt; in a flare the plan keeps the person walking gently.",
                l.green_peak_max, l.green_rise_max, l.amber_peak_max, l.morning_rise_red
            ),
            Emphasis::Small,
        ));
    }
    Section {
        id: "weeks",
        heading,
        parts,
    }
}

/// The outline as plain text (headings underlined, tables as rows), for reading and for the
/// golden reports in the tests.
pub fn to_text(o: &Outline) -> String {
    let mut out = format!("{}\n{}\n", o.heading, "=".repeat(o.heading.chars().count()));
    let parts_text = |out: &mut String, parts: &[Part]| {
        for p in parts {
            match p {
                Part::Para(t, _) => {
                    out.push_str(t);
                    out.push('\n');
                }
                Part::List(items) => {
                    for i in items {
                        out.push_str(&format!("- {i}\n"));
                    }
                }
                Part::Table { header, rows, .. } => {
                    out.push_str(&format!("| {} |\n", header.join(" | ")));
                    for r in rows {
                        out.push_str(&format!("| {} |\n", r.join(" | ")));
                    }
                }
                Part::Chart { alt, .. } => out.push_str(&format!("[chart: {alt}]\n")),
            }
        }
    };
    parts_text(&mut out, &o.intro);
    for s in &o.sections {
        out.push_str(&format!(
            "\n{}\n{}\n",
            s.heading,
            "-".repeat(s.heading.chars().count())
        ));
        parts_text(&mut out, &s.parts);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::third_person;

    #[test]
    fn words_to_the_person_become_words_about_them() {
        assert_eq!(
            third_person("you feel it in the buttock"),
            "they feel it in the buttock"
        );
        assert_eq!(
            third_person("Worth mentioning to your doctor"),
            "Worth mentioning to their doctor"
        );
        assert_eq!(
            third_person("yes to \"Does the pain wake you at night?\""),
            "yes to \"Does the pain wake them at night?\""
        );
        assert_eq!(
            third_person("You walk fewer than three times; as you tire"),
            "They walk fewer than three times; as they tire"
        );
        assert_eq!(third_person("young yourself"), "young themselves");
    }
}
