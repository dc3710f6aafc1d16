//! The human-readable check-up report. Pure text so the CLI prints it and the web app can show
//! the same words: what to do and how urgently first, always; then what may be contributing and
//! why; then scores; then next steps. Wording follows the brief's §8.3: never a diagnosis.

use std::fmt::Write as _;

use serde_json::Value;

use crate::answers::{Answers, Facts};
use crate::assessment::{Assessment, Because, FiredFlag, PatternScore, Strength};
use crate::instruments::{OdiBand, StartBackRisk};
use crate::knowledge::{KnowledgeBase, QuestionKind};
use crate::tier::{PlanStatus, Tier};

const WIDTH: usize = 78;

/// Source ids in the order the report first cites them.
#[derive(Default)]
struct Cited(Vec<String>);

impl Cited {
    fn extend<I: IntoIterator<Item = String>>(&mut self, ids: I) {
        for id in ids {
            self.insert(id);
        }
    }
    fn insert(&mut self, id: String) {
        if !self.0.contains(&id) {
            self.0.push(id);
        }
    }
}

/// Plain-language line for one answer, e.g. "sitting eases it" or "you answered yes to ...".
pub fn describe_answer(kb: &KnowledgeBase, path: &str, value: &Value) -> String {
    let Some(q) = kb.question(path) else {
        return match path {
            "derived.bmi" => format!("BMI {}", fmt_value(value)),
            _ => format!("{path} = {}", fmt_value(value)),
        };
    };
    let shown = match (q.kind, value) {
        (QuestionKind::Bool, Value::Bool(true)) => "yes".to_string(),
        (QuestionKind::Bool, Value::Bool(false)) => "no".to_string(),
        (QuestionKind::Choice | QuestionKind::Multi, Value::String(s)) => option_text(kb, path, s),
        (QuestionKind::Multi, Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(|s| option_text(kb, path, s))
            .collect::<Vec<_>>()
            .join(", "),
        _ => fmt_value(value),
    };
    format!("\"{}\" {}", q.text, shown)
}

fn option_text(kb: &KnowledgeBase, path: &str, option: &str) -> String {
    kb.question(path)
        .and_then(|q| {
            q.options
                .iter()
                .position(|o| o == option)
                .and_then(|i| q.option_text.get(i))
        })
        .map_or_else(|| option.to_string(), |t| t.to_lowercase())
}

fn fmt_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}

/// Word-wraps `text` to the report width; the first line starts with `indent` (which may end
/// in a bullet), the following lines with as many spaces.
fn wrap(out: &mut String, indent: &str, text: &str) {
    let hang = " ".repeat(indent.chars().count());
    let mut prefix = indent;
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty()
            && prefix.chars().count() + line.chars().count() + 1 + word.chars().count() > WIDTH
        {
            let _ = writeln!(out, "{prefix}{line}");
            prefix = &hang;
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{prefix}{line}");
    }
}

fn heading(out: &mut String, title: &str) {
    let _ = writeln!(out, "\n{title}\n{}", "-".repeat(title.chars().count()));
}

fn tier_marker(tier: Tier) -> &'static str {
    match tier {
        Tier::Emergency => "!!! EMERGENCY",
        Tier::Urgent => "!! URGENT",
        Tier::Soon => "! SOON",
        Tier::Routine => "NOTE",
        Tier::None => "OK",
    }
}

fn strength_words(s: Strength) -> &'static str {
    match s {
        Strength::Strong => "many of your answers fit this",
        Strength::Moderate => "several of your answers fit this",
        Strength::Weak => "a few of your answers fit this",
    }
}

/// Red-flag questions the person did not answer (unknown is not "no").
pub fn unanswered_red_flags<'a>(kb: &'a KnowledgeBase, answers: &Answers) -> Vec<&'a str> {
    let facts = answers.facts();
    kb.questions
        .iter()
        .filter(|q| q.is_red_flag() && facts.get(&q.id).is_none())
        .map(|q| q.text.as_str())
        .collect()
}

/// The full text report.
pub fn render_text(a: &Assessment, answers: &Answers, kb: &KnowledgeBase) -> String {
    let mut out = String::new();
    let mut cited = Cited::default();
    let _ = writeln!(out, "AMBLE CHECK-UP");
    wrap(
        &mut out,
        "",
        "Amble is a walking coach, not a diagnosis. It suggests what may be worth acting on; a doctor or physiotherapist can examine you.",
    );

    // 1. What to do now: always first.
    heading(&mut out, "WHAT TO DO NOW");
    let tier = a.tier();
    if let Some(t) = kb.tier_text(tier) {
        let _ = writeln!(out, "[{}] {}", tier_marker(tier), t.headline);
        wrap(&mut out, "  ", &t.action);
        cited.extend(t.sources.iter().cloned());
    }
    let facts = answers.facts();
    for f in &a.triage.flags {
        render_flag(&mut out, kb, &facts, f, &mut cited);
    }
    let unanswered = unanswered_red_flags(kb, answers);
    if !unanswered.is_empty() && tier < Tier::Urgent {
        let _ = writeln!(out);
        wrap(
            &mut out,
            "  ",
            &format!(
                "You left {} of the {} warning-sign questions unanswered, so Amble cannot rule them in or out. Please answer them (run `amble assess`) before you start the plan:",
                unanswered.len(),
                kb.questions.iter().filter(|q| q.is_red_flag()).count()
            ),
        );
        for q in &unanswered {
            wrap(&mut out, "    - ", q);
        }
    }

    // 2. What may be contributing. Held back when care comes first.
    heading(&mut out, "WHAT MAY BE CONTRIBUTING");
    if a.plan_status == PlanStatus::Blocked {
        wrap(
            &mut out,
            "  ",
            "Left out for now: getting checked comes first. Once a clinician has seen you, you can run the check-up again.",
        );
    } else {
        wrap(
            &mut out,
            "  ",
            "These are patterns your answers share with common causes of back pain on walks, most likely first. They are not a diagnosis, and more than one can apply.",
        );
        for (i, p) in a.patterns.iter().enumerate() {
            render_pattern(&mut out, kb, i + 1, p, &mut cited);
        }
    }

    // 3. Scores.
    heading(&mut out, "YOUR SCORES");
    render_scores(&mut out, a, answers, &mut cited);

    // 4. Next steps.
    heading(&mut out, "NEXT STEPS");
    let next = match a.plan_status {
        PlanStatus::Blocked => {
            "No walking or exercise plan is offered until you have been checked. If anything gets worse while you wait, treat it as an emergency."
        }
        PlanStatus::Paused => {
            "Until you have seen a doctor, Amble offers gentle walking only and will not increase it. Run `amble plan` to see it, and run the check-up again after your appointment."
        }
        PlanStatus::Allowed => {
            "Run `amble plan` for a walking and exercise plan that starts below what you can do today and builds slowly. Log your walks so the plan can adapt to how your back responds."
        }
    };
    wrap(&mut out, "  ", next);
    if answers.context.clinician_plan == Some(true) {
        wrap(
            &mut out,
            "  ",
            "You told us you already have a plan from a doctor or physiotherapist: follow that plan first, and use Amble only where it agrees with it.",
        );
    }

    // Sources.
    heading(&mut out, "SOURCES");
    for id in &cited.0 {
        if let Some(s) = kb.source(id) {
            wrap(&mut out, "  ", &format!("[{}] {}", s.id, s.citation));
        }
    }
    out
}

fn render_flag(
    out: &mut String,
    kb: &KnowledgeBase,
    facts: &Facts,
    f: &FiredFlag,
    cited: &mut Cited,
) {
    let Some(flag) = kb.flag(&f.id) else { return };
    let _ = writeln!(out);
    let _ = writeln!(out, "  * {} ({})", flag.title, f.tier.as_str());
    wrap(out, "    ", &flag.explain);
    if !f.because.is_empty() {
        let _ = writeln!(out, "    Because you answered:");
        for path in &f.because {
            let line = match (kb.question(path), facts.get(path)) {
                (Some(q), Some(serde_json::Value::Bool(true))) => {
                    format!("yes to \"{}\" [{path}]", q.text)
                }
                (_, Some(v)) => format!("{} [{path}]", describe_answer(kb, path, v)),
                (_, None) => path.clone(),
            };
            wrap(out, "      - ", &line);
        }
    }
    let _ = writeln!(out, "    Sources: {}", flag.sources.join(", "));
    cited.extend(flag.sources.iter().cloned());
}

fn render_pattern(
    out: &mut String,
    kb: &KnowledgeBase,
    n: usize,
    p: &PatternScore,
    cited: &mut Cited,
) {
    let Some(pattern) = kb.pattern(&p.id) else {
        return;
    };
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "  {n}. {} - {} (score {})",
        pattern.name,
        strength_words(p.strength),
        p.score
    );
    wrap(out, "     ", &pattern.summary);
    let (toward, away): (Vec<&Because>, Vec<&Because>) =
        p.because.iter().partition(|b| b.weight > 0.0);
    let why = |b: &Because| {
        pattern
            .rules
            .iter()
            .find(|r| r.condition.answer == b.answer && r.weight == b.weight)
            .map_or_else(|| b.answer.clone(), |r| r.why.clone())
    };
    if toward.is_empty() {
        wrap(
            out,
            "     ",
            "Listed because no other pattern fitted your answers.",
        );
    } else {
        let _ = writeln!(out, "     Pointing towards it:");
        for b in toward {
            wrap(
                out,
                "       + ",
                &format!("{} [{} {:+}]", why(b), b.answer, b.weight),
            );
        }
    }
    if !away.is_empty() {
        let _ = writeln!(out, "     Pointing away from it:");
        for b in away {
            wrap(
                out,
                "       - ",
                &format!("{} [{} {:+}]", why(b), b.answer, b.weight),
            );
        }
    }
    wrap(out, "     ", &format!("What to do: {}", pattern.care));
    let _ = writeln!(out, "     Sources: {}", pattern.sources.join(", "));
    cited.extend(pattern.sources.iter().cloned());
}

fn render_scores(out: &mut String, a: &Assessment, answers: &Answers, cited: &mut Cited) {
    let mut any = false;
    let pain = &answers.pain;
    let parts: Vec<String> = [
        ("now", pain.now),
        ("worst on a walk", pain.walk_peak),
        ("usual on waking", pain.usual_morning),
    ]
    .iter()
    .filter_map(|(label, v)| v.map(|v| format!("{label} {v}/10")))
    .collect();
    if !parts.is_empty() {
        any = true;
        let _ = writeln!(out, "  Pain (0-10): {}", parts.join("; "));
        wrap(
            out,
            "    ",
            "A change of 2 points or 30% is the smallest that people usually notice. [R34, R35]",
        );
        cited.extend(["R34".to_string(), "R35".to_string()]);
    }
    let ins = &a.instruments;
    if let Some(s) = ins.startback {
        any = true;
        let risk = match s.risk {
            StartBackRisk::Low => "low risk group: simple support and staying active usually suit",
            StartBackRisk::Medium => {
                "medium risk group: a physiotherapist-led exercise programme often suits"
            }
            StartBackRisk::High => {
                "high risk group: support that also covers worry and low mood often helps; worth discussing with a clinician"
            }
        };
        let _ = writeln!(
            out,
            "  STarT Back: total {}/9, distress subscale {}/5",
            s.total, s.psychosocial
        );
        wrap(
            out,
            "    ",
            &format!("{risk}. This screening score is meant to be read with a clinician. [R31]"),
        );
        cited.insert("R31".into());
    }
    if let Some(o) = ins.odi {
        any = true;
        match (o.percent, o.band) {
            (Some(p), Some(band)) => {
                let words = match band {
                    OdiBand::Minimal => "minimal",
                    OdiBand::Moderate => "moderate",
                    OdiBand::Severe => "severe",
                    OdiBand::VerySevere => "very severe",
                    OdiBand::Extreme => "extreme",
                };
                let _ = writeln!(
                    out,
                    "  Oswestry Disability Index: {p}% ({} of 10 sections answered)",
                    o.answered
                );
                let reliability = if o.answered < 10 {
                    " With sections missing, read it as a guide."
                } else {
                    ""
                };
                wrap(
                    out,
                    "    ",
                    &format!(
                        "{words} limitation in daily life. A 10-point or 30% drop is a meaningful improvement.{reliability} [R32, R34]"
                    ),
                );
            }
            _ => {
                let _ = writeln!(
                    out,
                    "  Oswestry Disability Index: not scored ({} of 10 sections answered; at least 8 are needed)",
                    o.answered
                );
            }
        }
        cited.extend(["R32".to_string(), "R34".to_string()]);
    }
    if let Some(r) = ins.rmdq {
        any = true;
        let _ = writeln!(out, "  Roland-Morris: {}/24", r.score);
        wrap(
            out,
            "    ",
            "Higher means more limited. 2 or less often goes with feeling recovered; a 5-point drop is meaningful. [R33, R34]",
        );
        cited.extend(["R33".to_string(), "R34".to_string()]);
    }
    if let Some(p) = ins.psfs {
        any = true;
        let _ = writeln!(
            out,
            "  Activities you find hard (PSFS): average {}/10",
            p.mean
        );
        if let Some(items) = &answers.instruments.psfs {
            for i in items {
                let _ = writeln!(out, "    - {}: {}/10", i.activity, i.score);
            }
        }
        wrap(
            out,
            "    ",
            "10 means as able as before the problem. A rise of 2 points on average is meaningful. [R36]",
        );
        cited.insert("R36".into());
    }
    if !any {
        wrap(out, "  ", "No pain ratings or questionnaires were given.");
    }
}

// ---------------------------------------------------------------------------------------------
// The plan

use crate::plan::{DecisionKind, Mode, Plan, Status, WeekRecord};

fn decision_words(kind: DecisionKind) -> &'static str {
    match kind {
        DecisionKind::Start => "Starting plan",
        DecisionKind::Progress => "Step up",
        DecisionKind::Hold => "Hold steady",
        DecisionKind::Regress => "Step back",
        DecisionKind::Flare => "Flare: keep moving gently",
        DecisionKind::Suspend => "Suspended",
    }
}

/// One line saying what to walk, e.g. "5 days a week: one 12-minute walk".
pub fn walking_line(plan: &Plan) -> Option<String> {
    let w = plan.walking.as_ref()?;
    Some(match w.mode {
        Mode::Continuous => format!(
            "{} days a week: one {}-minute walk at a comfortable pace",
            w.sessions_per_week, w.bout_minutes
        ),
        Mode::Interval => format!(
            "{} days a week: {} walks of {} minutes, sitting or leaning forward for {} minute(s) between them",
            w.sessions_per_week, w.bouts_per_session, w.bout_minutes, w.rest_minutes
        ),
        Mode::Gentle => format!(
            "{} days a week: {} short, easy walks of {} minutes, at different times of the day",
            w.sessions_per_week, w.bouts_per_session, w.bout_minutes
        ),
    })
}

/// The plan as text: status and what to do first, this week's walking and why, exercises with
/// doses and cues, what was left out and why, guidance, and the decision history.
pub fn render_plan(
    plan: &Plan,
    history: &[WeekRecord],
    kb: &KnowledgeBase,
    patterns: &[String],
) -> String {
    let mut out = String::new();
    let mut cited = Cited::default();
    let _ = writeln!(out, "AMBLE PLAN - week {}", plan.week);
    match plan.status {
        Status::Blocked => {
            heading(&mut out, "NO PLAN FOR NOW");
            for b in &plan.decision.because {
                wrap(&mut out, "  ", b);
            }
            return out;
        }
        Status::Paused => {
            heading(&mut out, "PAUSED: SEE A DOCTOR FIRST");
            wrap(
                &mut out,
                "  ",
                "Your check-up asks you to see a doctor in the next few days. Until then: gentle walking only, no increases.",
            );
        }
        Status::Active => {}
    }
    heading(&mut out, "THIS WEEK'S WALKING");
    if let (Some(line), Some(w)) = (walking_line(plan), plan.walking.as_ref()) {
        wrap(&mut out, "  ", &line);
        let _ = writeln!(
            out,
            "  {} minutes this week; target {} minutes on {} days",
            w.weekly_minutes, w.target.minutes_per_session, w.target.sessions_per_week
        );
    }
    let _ = writeln!(out, "\n  {}:", decision_words(plan.decision.kind));
    for b in &plan.decision.because {
        wrap(&mut out, "    - ", b);
    }

    if !plan.exercises.is_empty() {
        heading(&mut out, "EXERCISES");
        for d in &plan.exercises {
            let Some(e) = kb.exercise(&d.id) else {
                continue;
            };
            let hold = if d.hold_s > 0 {
                format!(", hold {} s", d.hold_s)
            } else {
                String::new()
            };
            let reps = if d.reps > 1 {
                format!(" x {}", d.reps)
            } else {
                String::new()
            };
            let _ = writeln!(out, "\n  {} [{}]", e.name, e.id);
            let _ = writeln!(
                out,
                "    {} set(s){reps}{hold}, {} days a week",
                d.sets, d.days_per_week
            );
            wrap(&mut out, "    For: ", &e.target);
            for c in &e.cues {
                wrap(&mut out, "    - ", c);
            }
            wrap(&mut out, "    Easier: ", &e.regression);
            wrap(
                &mut out,
                "    Harder (when it feels easy): ",
                &e.progression,
            );
            wrap(&mut out, "    Note: ", &e.caution);
            cited.extend(e.sources.iter().cloned());
        }
        let _ = writeln!(out);
        wrap(
            &mut out,
            "  ",
            "Use the same traffic light as for walks: stop an exercise that sends symptoms further down a leg.",
        );
    }
    if !plan.excluded.is_empty() {
        heading(&mut out, "LEFT OUT FOR YOU");
        for x in &plan.excluded {
            let Some(e) = kb.exercise(&x.id) else {
                continue;
            };
            let reason = e
                .avoid
                .iter()
                .find(|a| {
                    a.pattern.as_deref() == Some(x.because.as_str())
                        || a.context.as_deref() == Some(x.because.as_str())
                })
                .map_or("", |a| a.reason.as_str());
            wrap(
                &mut out,
                "  - ",
                &format!("{}: {reason} [{}]", e.name, x.because),
            );
        }
    }

    heading(&mut out, "GOOD TO KNOW");
    let mode = plan.walking.as_ref().map(|w| w.mode.as_str()).unwrap_or("");
    for n in &kb.guidance {
        if n.when.is_empty() || n.when.iter().any(|w| w == mode || patterns.contains(w)) {
            wrap(&mut out, "  - ", &n.text);
            cited.extend(n.sources.iter().cloned());
        }
    }
    wrap(
        &mut out,
        "  - ",
        "After each walk, log it (`amble log walk`), and your back pain the next morning (`amble log morning`): the plan adapts every 7 days.",
    );

    if !history.is_empty() {
        heading(&mut out, "HOW THE PLAN GOT HERE");
        for h in history {
            let _ = writeln!(
                out,
                "  Week {} (from {}): planned {} min, walked {:.0} min; {} green, {} amber, {} red -> {}",
                h.week,
                h.start,
                h.planned_weekly_minutes,
                h.walked_minutes,
                h.green,
                h.amber,
                h.red,
                decision_words(h.decision.kind).to_lowercase()
            );
        }
    }
    heading(&mut out, "SOURCES");
    for id in &cited.0 {
        if let Some(s) = kb.source(id) {
            wrap(&mut out, "  ", &format!("[{}] {}", s.id, s.citation));
        }
    }
    out
}
