//! The report for a doctor or physiotherapist (contract §9): one self-contained HTML document
//! (inline styles and vector charts, nothing fetched), printable on two pages for 12 weeks.
//! Shared by `amble report` and `/report`.

use askama::Template;
use jiff::civil::Date;

use amble_core::journal::Entry;
use amble_core::knowledge::KnowledgeBase;
use amble_core::plan::{self, DecisionKind};
use amble_core::{assess, charts, report};

/// The report's styles: inline in a saved file (self-contained), a stylesheet on the web (the
/// content security policy allows no inline styles).
pub const REPORT_CSS: &str = include_str!("../assets/report.css");

/// Weeks the report covers unless asked otherwise.
pub const REPORT_WEEKS: u32 = 12;

#[derive(Template)]
#[template(path = "clinician_report.html")]
struct ClinicianReport {
    inline_css: bool,
    css: &'static str,
    generated: Date,
    from: Date,
    to: Date,
    about: Vec<String>,
    checkup_date: String,
    r: report::ReportView,
    scores_over_time: Vec<(String, String)>,
    minutes_svg: String,
    pain_svg: String,
    steps_svg: Option<String>,
    decisions: Vec<(u32, String, &'static str, String)>,
    findings: Vec<String>,
    tested: usize,
    walks: usize,
    minutes: f64,
}

fn kind_words(k: DecisionKind) -> &'static str {
    match k {
        DecisionKind::Start => "start",
        DecisionKind::Progress => "step up",
        DecisionKind::Hold => "hold",
        DecisionKind::Regress => "step back",
        DecisionKind::Flare => "flare",
        DecisionKind::Suspend => "suspended",
    }
}

/// The report as HTML, for the journal as of `today`, covering the last `weeks` weeks. `None`
/// when there is no check-up to report on.
pub fn clinician_report_html(
    entries: &[Entry],
    today: Date,
    weeks: u32,
    kb: &KnowledgeBase,
    inline_css: bool,
) -> Option<String> {
    let r = plan::replay(entries, today, kb).ok()?;
    let from = today
        .saturating_sub(jiff::Span::new().days(i64::from(weeks) * 7 - 1))
        .max(r.start.min(today));
    let a = &r.answers;
    let mut about = Vec::new();
    if let Some(age) = a.age {
        about.push(format!("age {age:.0}"));
    }
    if let Some(sex) = a.sex {
        about.push(
            match sex {
                amble_core::answers::Sex::F => "female",
                amble_core::answers::Sex::M => "male",
                amble_core::answers::Sex::Other => "sex not given",
            }
            .into(),
        );
    }
    if let Some(bmi) = a.bmi() {
        about.push(format!("BMI {bmi:.1}"));
    }
    let view = report::view(&r.assessment, a, kb);
    // Every check-up in the period with its scores, oldest first.
    let scores_over_time = entries
        .iter()
        .filter_map(|e| match e {
            Entry::Assessment(s) if !s.rescreen && s.date <= today => Some(s),
            _ => None,
        })
        .map(|s| {
            let x = assess(&s.answers, kb);
            let mut parts = Vec::new();
            if let Some(p) = s.answers.pain.now {
                parts.push(format!("pain now {p}/10"));
            }
            if let Some(o) = x.instruments.odi.as_ref().and_then(|o| o.percent) {
                parts.push(format!("ODI {o}%"));
            }
            if let Some(rm) = &x.instruments.rmdq {
                parts.push(format!("RMDQ {}/24", rm.score));
            }
            if let Some(sb) = &x.instruments.startback {
                parts.push(format!("STarT Back {} ({:?} risk)", sb.total, sb.risk).to_lowercase());
            }
            if let Some(ps) = &x.instruments.psfs {
                parts.push(format!("PSFS {:.1}", ps.mean));
            }
            (
                s.date.to_string(),
                if parts.is_empty() {
                    "no scores given".into()
                } else {
                    parts.join(", ")
                },
            )
        })
        .collect();
    let data = charts::progress_data(&r, entries, today, Some(weeks));
    let days = charts::daily_steps(entries, today, i64::from(weeks) * 7);
    let decisions = r
        .history
        .iter()
        .filter(|h| h.start >= from.saturating_sub(jiff::Span::new().days(7)))
        .map(|h| {
            (
                h.week,
                h.start.to_string(),
                kind_words(h.decision.kind),
                h.decision.because.first().cloned().unwrap_or_default(),
            )
        })
        .collect();
    let ins = amble_core::insights::insights(entries, from, today);
    let (walks, minutes) = entries.iter().fold((0, 0.0), |(n, m), e| match e {
        Entry::Walk(w) if w.date >= from && w.date <= today => (n + 1, m + w.minutes),
        _ => (n, m),
    });
    let page = ClinicianReport {
        inline_css,
        css: REPORT_CSS,
        generated: today,
        from,
        to: today,
        about,
        checkup_date: r.start.to_string(),
        r: view,
        scores_over_time,
        minutes_svg: charts::weekly_minutes_svg(&data.weeks),
        pain_svg: charts::pain_svg(&data.pain, &data.markers),
        steps_svg: (!days.is_empty()).then(|| charts::daily_steps_svg(&days)),
        decisions,
        findings: ins.findings.iter().map(|f| f.text.clone()).collect(),
        tested: ins.tested.len(),
        walks,
        minutes,
    };
    page.render().ok()
}
