//! The human-readable check-up report. Pure text so the CLI prints it and the web app can show
//! the same words: what to do and how urgently first, always; then what may be contributing and
//! why; then scores; then next steps. Wording follows the brief's §8.3: never a diagnosis.

use std::fmt::Write as _;

use serde_json::Value;

use crate::answers::{Answers, Facts};
use crate::assessment::{Assessment, Because, PatternScore, Strength};
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

/// How well a pattern fits, in words that never claim more answers than there are: "many"
/// needs `many_answers` answers pointing towards it (and a strong score), "several" three
/// [heuristic wording rule, docs/clinical-rules.md].
fn strength_words(s: Strength, toward: usize, many: usize) -> String {
    let number = |n: usize| match n {
        1 => "one".to_string(),
        2 => "two".to_string(),
        3 => "three".to_string(),
        n => n.to_string(),
    };
    let fit = |n: usize| if n == 1 { "fits" } else { "fit" };
    match s {
        Strength::Strong if toward >= many.max(3) => "many of your answers fit this".into(),
        Strength::Strong => format!(
            "{} of your answers {} this closely",
            number(toward),
            fit(toward)
        ),
        Strength::Moderate if toward >= 3 => "several of your answers fit this".into(),
        Strength::Weak if toward >= 2 => "a few of your answers fit this".into(),
        _ => format!("{} of your answers {} this", number(toward), fit(toward)),
    }
}

/// A flag as shown to a person: what it is, why it fired (one line per answer), sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagView {
    pub id: String,
    pub tier: Tier,
    pub title: String,
    pub explain: String,
    pub because: Vec<String>,
    pub sources: Vec<String>,
}

/// A pattern as shown to a person.
#[derive(Debug, Clone, PartialEq)]
pub struct PatternView {
    pub id: String,
    pub name: String,
    pub strength: Strength,
    pub strength_words: String,
    pub score: f64,
    pub summary: String,
    /// The answers pointing towards and away from the pattern.
    pub toward: Vec<Reason>,
    pub away: Vec<Reason>,
    pub care: String,
    pub sources: Vec<String>,
}

/// One answer behind a pattern: plain words for the person, and the answer key and weight for
/// a clinician.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    /// "You said it settles within a couple of minutes of stopping."
    pub words: String,
    /// "symptoms.relief_minutes +1"
    pub detail: String,
    /// The rule's own words, as the text report has always shown them.
    plain: String,
}

impl std::fmt::Display for Reason {
    /// The text report's form: the rule's words (the key and weight stay in `--json` and in
    /// the web page's part for clinicians).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.plain)
    }
}

/// A score line ("Oswestry Disability Index: 54% ...") with its meaning and sub-lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreView {
    pub line: String,
    pub items: Vec<String>,
    pub meaning: Option<String>,
}

/// Everything the check-up report says, in order; rendered as text by the CLI and as HTML by the
/// web app, so both always say the same.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportView {
    pub intro: &'static str,
    pub tier: Tier,
    pub marker: &'static str,
    pub headline: String,
    pub action: String,
    pub flags: Vec<FlagView>,
    /// Warning-sign questions left unanswered (shown unless care already comes first).
    pub unanswered: Vec<String>,
    pub unanswered_note: Option<String>,
    /// `None` when the patterns are held back because care comes first.
    pub patterns: Option<Vec<PatternView>>,
    pub held_back: &'static str,
    pub patterns_intro: &'static str,
    /// Answers left out because an earlier answer means the question does not apply.
    pub set_aside: Option<String>,
    pub scores: Vec<ScoreView>,
    pub next_steps: Vec<String>,
    /// (id, citation) in the order first cited.
    pub sources: Vec<(String, String)>,
}

pub const INTRO: &str = "Amble is a walking coach, not a diagnosis. It suggests what may be worth acting on; a doctor or physiotherapist can examine you.";

impl ReportView {
    /// The flags a person sees. When care comes first (emergency or urgent), routine notes
    /// about the plan (pregnancy, a clinician's plan) are left out, so the page says only what
    /// to do now (one urgency per output, brief §2.4); `flags` keeps them for a clinician.
    pub fn flags_shown(&self) -> impl Iterator<Item = &FlagView> {
        let blocked = self.tier >= Tier::Urgent;
        self.flags
            .iter()
            .filter(move |f| !(blocked && f.tier <= Tier::Routine))
    }

    /// The label beside a flag: its tier when that is the page's own, otherwise words that do
    /// not set a second, slower timing beside the heading's (one urgency per output, §2.4).
    pub fn flag_label(&self, f: &FlagView) -> &'static str {
        if f.tier >= self.tier {
            f.tier.as_str()
        } else {
            "also mention it when you are seen"
        }
    }
}

/// Builds the report's content from an assessment.
pub fn view(a: &Assessment, answers: &Answers, kb: &KnowledgeBase) -> ReportView {
    let mut cited = Cited::default();
    let tier = a.tier();
    let (headline, action) = match kb.tier_text(tier) {
        // Unanswered is not "no": never "none of the warning signs" while questions are open.
        Some(_) if a.waiting_for_answers() => {
            cited.extend(kb.unanswered.sources.iter().cloned());
            (kb.unanswered.headline.clone(), kb.unanswered.action.clone())
        }
        Some(t) => {
            cited.extend(t.sources.iter().cloned());
            // The top tier's flags' own action when they agree (the plan's care uses the same).
            let top: Vec<&str> = a
                .triage
                .flags
                .iter()
                .filter(|f| f.tier == tier)
                .map(|f| f.id.as_str())
                .collect();
            crate::plan::care_words(tier, &top, kb)
                .unwrap_or_else(|| (t.headline.clone(), t.action.clone()))
        }
        None => (String::new(), String::new()),
    };
    let facts = answers.facts();
    let flags: Vec<FlagView> = a
        .triage
        .flags
        .iter()
        .filter_map(|f| {
            let flag = kb.flag(&f.id)?;
            cited.extend(flag.sources.iter().cloned());
            Some(FlagView {
                id: f.id.clone(),
                tier: f.tier,
                title: flag.title.clone(),
                explain: flag.explain.clone(),
                because: f
                    .because
                    .iter()
                    .map(|path| flag_reason(kb, &facts, path))
                    .collect(),
                sources: flag.sources.clone(),
            })
        })
        .collect();
    let unanswered: Vec<String> = if tier < Tier::Urgent {
        // The assessment's own list (one rule for which questions apply), in words.
        a.triage
            .unanswered
            .iter()
            .filter_map(|id| kb.question(id).map(|q| q.text.clone()))
            .collect()
    } else {
        Vec::new()
    };
    let unanswered_note = (!unanswered.is_empty()).then(|| {
        format!(
            "You left {} of the {} warning-sign questions unanswered, so Amble cannot rule them in or out. Please answer them in a new check-up before you start the plan:",
            unanswered.len(),
            kb.red_flag_questions_for(&facts).count()
        )
    });
    let severe = a.severity(answers);
    // The review advice is shown (Next steps): no pattern says a visit is not needed.
    let review = !severe.is_empty() && a.plan_status != PlanStatus::Blocked;
    let patterns = (a.plan_status != PlanStatus::Blocked).then(|| {
        a.patterns
            .iter()
            .filter_map(|p| {
                let v = pattern_view(kb, p, review)?;
                cited.extend(v.sources.iter().cloned());
                Some(v)
            })
            .collect()
    });
    let scores = score_views(a, answers, &mut cited);
    let mut next_steps = vec![
        match a.plan_status {
            PlanStatus::Paused if a.waiting_for_answers() => "Until every warning-sign question has a yes or no, Amble offers gentle walking only and will not increase it. Answer them in a new check-up to start your plan.",
            // The safety net matches the tier (one urgency per output, brief §2.4).
            PlanStatus::Blocked if tier == Tier::Emergency => "No walking or exercise plan is offered until you have been checked. Act on it now: don't wait to see whether it settles.",
            PlanStatus::Blocked => "No walking or exercise plan is offered until you have been checked. If you cannot be seen today, or anything gets worse while you wait, go to an emergency department or call your local emergency number.",
            PlanStatus::Paused => "Until you have seen a doctor, Amble offers gentle walking only and will not increase it. Your plan shows it; run the check-up again after your appointment. If things get worse before then, don't wait for it: a leg getting weaker needs a doctor today, and numbness around the genitals or back passage, or new bladder or bowel trouble, needs an emergency department now.",
            PlanStatus::Allowed => "Your walking and exercise plan starts below what you can do today and builds slowly. Log your walks so the plan can adapt to how your back responds.",
        }
        .to_string(),
    ];
    if review {
        next_steps.push(format!(
            "Because {}, consider asking a doctor or physiotherapist to review your back; meanwhile the plan keeps each walk short and builds slowly.",
            severe.join(" and ")
        ));
    }
    if answers.context.clinician_plan == Some(true) {
        next_steps.push("You told us you already have a plan from a doctor or physiotherapist: follow that plan first, and use Amble only where it agrees with it.".into());
    }
    let sources = cited
        .0
        .iter()
        .filter_map(|id| kb.source(id).map(|s| (s.id.clone(), s.citation.clone())))
        .collect();
    ReportView {
        intro: INTRO,
        tier,
        marker: if a.waiting_for_answers() {
            "? UNANSWERED"
        } else {
            tier_marker(tier)
        },
        headline,
        action,
        flags,
        unanswered,
        unanswered_note,
        patterns,
        set_aside: set_aside_note(a, answers, kb),
        held_back: "Left out for now: getting checked comes first. Once a clinician has seen you, you can run the check-up again.",
        patterns_intro: "These are patterns your answers share with common causes of back pain on walks, most likely first. They are not a diagnosis, and more than one can apply.",
        scores,
        next_steps,
        sources,
    }
}

/// Names the answers left out because they did not fit an earlier one (contradictory answers
/// are never used silently).
fn set_aside_note(a: &Assessment, answers: &Answers, kb: &KnowledgeBase) -> Option<String> {
    if a.set_aside.is_empty() {
        return None;
    }
    let facts = answers.facts();
    let items: Vec<String> = a
        .set_aside
        .iter()
        .filter_map(|id| {
            let v = facts.get(id)?;
            Some(describe_answer(kb, id, v))
        })
        .collect();
    Some(format!(
        "Left out: {}. Your other answers (where you feel it) mean {} not apply to you; if that is wrong, run the check-up again.",
        items.join("; "),
        if items.len() == 1 {
            "this question does"
        } else {
            "these questions do"
        }
    ))
}

fn flag_reason(kb: &KnowledgeBase, facts: &Facts, path: &str) -> String {
    match (kb.question(path), facts.get(path)) {
        (Some(q), Some(Value::Bool(true))) => format!("yes to \"{}\"", q.text),
        (_, Some(v)) => describe_answer(kb, path, v),
        (_, None) => describe_key(kb, path),
    }
}

/// A question's own wording for an answer key without a rule text (never the raw key).
fn describe_key(kb: &KnowledgeBase, key: &str) -> String {
    kb.question(key).map_or_else(
        || "something in your answers".to_string(),
        |q| format!("something about \"{}\"", q.text.trim_end_matches('?')),
    )
}

fn pattern_view(kb: &KnowledgeBase, p: &PatternScore, review: bool) -> Option<PatternView> {
    let pattern = kb.pattern(&p.id)?;
    let why = |b: &Because| {
        let rule = pattern
            .rules
            .iter()
            .find(|r| r.condition.answer == b.answer && r.weight == b.weight);
        let mut plain = rule.map_or_else(|| describe_key(kb, &b.answer), |r| r.why.clone());
        // A rule naming several options ("sitting, bending forward or lying down eases it")
        // says which of them the person picked, so it never cites one they did not report.
        if let Some(list) = rule.and_then(|r| r.condition.any_of.as_ref())
            && list.len() > 1
            && b.weight > 0.0
            && kb
                .question(&b.answer)
                .is_some_and(|q| q.kind == QuestionKind::Multi)
        {
            let picked: Vec<String> = match &b.value {
                Value::String(one) => vec![one.clone()],
                Value::Array(items) => items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect(),
                _ => Vec::new(),
            };
            if !picked.is_empty() && picked.len() < list.len() {
                let words: Vec<String> = picked
                    .iter()
                    .map(|o| option_text(kb, &b.answer, o))
                    .collect();
                plain.push_str(&format!(" (you picked: {})", words.join(", ")));
            }
        }
        let mut words = format!("You said {plain}");
        if !words.ends_with('.') {
            words.push('.');
        }
        Reason {
            words,
            plain,
            detail: format!("{} {:+}", b.answer, b.weight),
        }
    };
    Some(PatternView {
        id: p.id.clone(),
        name: pattern.name.clone(),
        strength: p.strength,
        strength_words: match p.because.iter().filter(|b| b.weight > 0.0).count() {
            0 => "none of your answers point here in particular".into(),
            n => strength_words(p.strength, n, kb.strength.many_answers),
        },
        score: p.score,
        summary: pattern.summary.clone(),
        toward: p
            .because
            .iter()
            .filter(|b| b.weight > 0.0)
            .map(why)
            .collect(),
        away: p
            .because
            .iter()
            .filter(|b| b.weight < 0.0)
            .map(|b| {
                let is_rule = pattern
                    .rules
                    .iter()
                    .any(|r| r.condition.answer == b.answer && r.weight == b.weight);
                match &p.missing_hallmark {
                    Some(what) if !is_rule => Reason {
                        words: format!(
                            "You did not report {what}, which this pattern usually has."
                        ),
                        plain: format!("you did not report {what}, which this pattern usually has"),
                        detail: format!("{} {:+} (hallmark missing)", b.answer, b.weight),
                    },
                    _ => why(b),
                }
            })
            .chain(hallmark_note(pattern, p))
            .collect(),
        care: if p.strength == Strength::Weak {
            kb.strength.weak_care.clone()
        } else if review && pattern.self_care {
            kb.strength.review_care.clone()
        } else {
            pattern.care.clone()
        },
        sources: pattern.sources.clone(),
    })
}

/// The denied defining feature, said once even when the score needed no holding back (the
/// pattern's name describes the pattern, never this person).
fn hallmark_note(pattern: &crate::knowledge::Pattern, p: &PatternScore) -> Option<Reason> {
    let what = p.missing_hallmark.as_ref()?;
    let held_back = p.because.iter().any(|b| {
        b.weight < 0.0
            && !pattern
                .rules
                .iter()
                .any(|r| r.condition.answer == b.answer && r.weight == b.weight)
    });
    if held_back {
        return None;
    }
    let answer = pattern
        .hallmarks
        .iter()
        .find(|h| &h.what == what)
        .and_then(|h| h.any.first())
        .map_or("", |c| c.answer.as_str());
    Some(Reason {
        words: format!("You did not report {what}, which this pattern usually has."),
        plain: format!("you did not report {what}, which this pattern usually has"),
        detail: format!("{answer} (hallmark missing)"),
    })
}

fn score_views(a: &Assessment, answers: &Answers, cited: &mut Cited) -> Vec<ScoreView> {
    let mut out = Vec::new();
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
        out.push(ScoreView {
            line: format!("Pain (0-10): {}", parts.join("; ")),
            items: Vec::new(),
            meaning: Some("A change of 2 points or 30% is the smallest that people usually notice. [R34, R35]".into()),
        });
        cited.extend(["R34".to_string(), "R35".to_string()]);
    }
    let ins = &a.instruments;
    if let Some(s) = ins.startback {
        let risk = match s.risk {
            StartBackRisk::Low => "low risk group: simple support and staying active usually suit",
            StartBackRisk::Medium => {
                "medium risk group: a physiotherapist-led exercise programme often suits"
            }
            StartBackRisk::High => {
                "high risk group: support that also covers worry and low mood often helps; worth discussing with a clinician"
            }
        };
        out.push(ScoreView {
            line: format!(
                "STarT Back: total {}/9, distress subscale {}/5",
                s.total, s.psychosocial
            ),
            items: Vec::new(),
            meaning: Some(format!(
                "{risk}. This screening score is meant to be read with a clinician. [R31]"
            )),
        });
        cited.insert("R31".into());
    }
    if let Some(o) = ins.odi {
        match (o.percent, o.band) {
            (Some(p), Some(band)) => {
                let words = match band {
                    OdiBand::Minimal => "minimal",
                    OdiBand::Moderate => "moderate",
                    OdiBand::Severe => "severe",
                    OdiBand::VerySevere => "very severe",
                    OdiBand::Extreme => "extreme",
                };
                let reliability = if o.answered < 10 { " With sections missing, read it as a guide." } else { "" };
                out.push(ScoreView {
                    line: format!("Oswestry Disability Index: {p}% ({} of 10 sections answered)", o.answered),
                    items: Vec::new(),
                    meaning: Some(format!("{words} limitation in daily life. A 10-point or 30% drop is a meaningful improvement.{reliability} [R32, R34]")),
                });
            }
            _ => out.push(ScoreView {
                line: format!("Oswestry Disability Index: not scored ({} of 10 sections answered; at least 8 are needed)", o.answered),
                items: Vec::new(),
                meaning: None,
            }),
        }
        cited.extend(["R32".to_string(), "R34".to_string()]);
    }
    if let Some(r) = ins.rmdq {
        out.push(ScoreView {
            line: format!("Roland-Morris: {}/24", r.score),
            items: Vec::new(),
            meaning: Some("Higher means more limited. 2 or less often goes with feeling recovered; a 5-point drop is meaningful. [R33, R34]".into()),
        });
        cited.extend(["R33".to_string(), "R34".to_string()]);
    }
    if let Some(p) = ins.psfs {
        out.push(ScoreView {
            line: format!("Activities you find hard (PSFS): average {}/10", p.mean),
            items: answers.instruments.psfs.iter().flatten().map(|i| format!("{}: {}/10", i.activity, i.score)).collect(),
            meaning: Some("10 means as able as before the problem. A rise of 2 points on average is meaningful. [R36]".into()),
        });
        cited.insert("R36".into());
    }
    if let Some(p) = ins.peg {
        out.push(ScoreView {
            line: format!("Pain and how much it gets in the way (PEG): {:.1}/10", p.score),
            items: Vec::new(),
            meaning: Some("The average of pain, its effect on enjoying life and on daily activity over the past week; higher means more affected. A drop of about 30% (1.5 to 2 points) is meaningful. [R-PEG]".into()),
        });
        cited.insert("R-PEG".into());
    }
    out
}

/// The full text report.
pub fn render_text(a: &Assessment, answers: &Answers, kb: &KnowledgeBase) -> String {
    let v = view(a, answers, kb);
    let mut out = String::new();
    let _ = writeln!(out, "AMBLE CHECK-UP");
    wrap(&mut out, "", v.intro);

    // 1. What to do now: always first.
    heading(&mut out, "WHAT TO DO NOW");
    let _ = writeln!(out, "[{}] {}", v.marker, v.headline);
    wrap(&mut out, "  ", &v.action);
    for f in v.flags_shown() {
        let _ = writeln!(out);
        let _ = writeln!(out, "  * {} ({})", f.title, v.flag_label(f));
        wrap(&mut out, "    ", &f.explain);
        if !f.because.is_empty() {
            let _ = writeln!(out, "    Because you answered:");
            for line in &f.because {
                wrap(&mut out, "      - ", line);
            }
        }
        let _ = writeln!(out, "    Sources: {}", f.sources.join(", "));
    }
    if let Some(note) = &v.unanswered_note {
        let _ = writeln!(out);
        wrap(&mut out, "  ", note);
        for q in &v.unanswered {
            wrap(&mut out, "    - ", q);
        }
    }

    // 2. What may be contributing. Held back when care comes first.
    heading(&mut out, "WHAT MAY BE CONTRIBUTING");
    match &v.patterns {
        None => wrap(&mut out, "  ", v.held_back),
        Some(patterns) => {
            wrap(&mut out, "  ", v.patterns_intro);
            for (i, p) in patterns.iter().enumerate() {
                let _ = writeln!(out);
                let score = if p.toward.is_empty() {
                    String::new()
                } else {
                    format!(" (score {})", p.score)
                };
                let _ = writeln!(out, "  {}. {} - {}{score}", i + 1, p.name, p.strength_words,);
                wrap(&mut out, "     ", &p.summary);
                if p.toward.is_empty() {
                    wrap(
                        &mut out,
                        "     ",
                        "Listed because no other pattern fitted your answers.",
                    );
                } else {
                    let _ = writeln!(out, "     Pointing towards it:");
                    for line in &p.toward {
                        wrap(&mut out, "       + ", &line.to_string());
                    }
                }
                if !p.away.is_empty() {
                    let _ = writeln!(out, "     Pointing away from it:");
                    for line in &p.away {
                        wrap(&mut out, "       - ", &line.to_string());
                    }
                }
                wrap(&mut out, "     ", &format!("What to do: {}", p.care));
                let _ = writeln!(out, "     Sources: {}", p.sources.join(", "));
            }
        }
    }

    if let (Some(_), Some(note)) = (&v.patterns, &v.set_aside) {
        let _ = writeln!(out);
        wrap(&mut out, "  ", note);
    }

    // 3. Scores.
    heading(&mut out, "YOUR SCORES");
    if v.scores.is_empty() {
        wrap(
            &mut out,
            "  ",
            "No pain ratings or questionnaires were given.",
        );
    }
    for s in &v.scores {
        let _ = writeln!(out, "  {}", s.line);
        for item in &s.items {
            let _ = writeln!(out, "    - {item}");
        }
        if let Some(m) = &s.meaning {
            wrap(&mut out, "    ", m);
        }
    }

    // 4. Next steps.
    heading(&mut out, "NEXT STEPS");
    for n in &v.next_steps {
        wrap(&mut out, "  ", n);
    }

    heading(&mut out, "SOURCES");
    for (id, citation) in &v.sources {
        wrap(&mut out, "  ", &format!("[{id}] {citation}"));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The plan

use crate::knowledge::GuidanceNote;
use crate::plan::{DecisionKind, EarlierWarning, Excluded, Plan, Status, WeekRecord};

/// Why an exercise was left out, in words ("arching backwards narrows ...").
pub fn excluded_reason<'a>(kb: &'a KnowledgeBase, x: &Excluded) -> Option<(&'a str, &'a str)> {
    let e = kb.exercise(&x.id)?;
    let reason = e
        .avoid
        .iter()
        .find(|a| {
            a.pattern.as_deref() == Some(x.because.as_str())
                || a.context.as_deref() == Some(x.because.as_str())
        })
        .map(|a| a.reason.as_str())
        .or_else(|| {
            // Left out by a limit of the library (brief §2.5).
            let l = &kb.exercise_limits;
            match x.because.as_str() {
                "age" => Some(l.older_reason.as_str()),
                "pain.now" if l.straight_knee.contains(&x.id) => {
                    Some(l.straight_knee_reason.as_str())
                }
                "pain.now" => Some(l.radicular_reason.as_str()),
                _ => None,
            }
        })
        .unwrap_or("");
    Some((e.name.as_str(), reason))
}

/// What makes guidance relevant for a plan: the patterns found, and situations from the answers
/// (`knowledge::SITUATIONS`): an existing clinician's plan, age 65 or more, pregnancy.
pub fn plan_context(a: &crate::assessment::Assessment, answers: &Answers) -> Vec<String> {
    let mut out: Vec<String> = a.patterns.iter().map(|p| p.id.clone()).collect();
    if answers.context.clinician_plan == Some(true) {
        out.push("clinician_plan".into());
    }
    if answers.age.is_some_and(|x| x >= 65.0) {
        out.push("older".into());
    }
    if answers.context.pregnant == Some(true) {
        out.push("pregnant".into());
    }
    if a.waiting_for_answers() {
        out.push(UNANSWERED.into());
    }
    out
}

/// The situation in `plan_context` when the plan waits for warning-sign answers.
const UNANSWERED: &str = "unanswered";

/// The heading and words of a paused plan, with the same timing as the check-up: a plan that
/// waits for warning-sign answers says so (and "today" if one might apply, as the check-up
/// does), never "see a doctor in the next few days".
pub fn paused_words(patterns: &[String]) -> (&'static str, &'static str) {
    crate::plan::paused_words(patterns.iter().any(|p| p == UNANSWERED))
}

/// The posture, footwear and pacing notes that apply to a plan and the patterns found.
pub fn relevant_guidance<'a>(
    kb: &'a KnowledgeBase,
    plan: &Plan,
    patterns: &'a [String],
) -> impl Iterator<Item = &'a GuidanceNote> + 'a {
    let mode = plan.walking.as_ref().map_or("", |w| w.mode.as_str());
    kb.guidance.iter().filter(move |n| {
        n.when.is_empty() || n.when.iter().any(|w| w == mode || patterns.contains(w))
    })
}

/// A reminder of an earlier check-up's warning signs (brief §2.4: never cleared silently).
pub fn earlier_warning_text(kb: &KnowledgeBase, w: &EarlierWarning) -> String {
    let titles: Vec<String> = w
        .flags
        .iter()
        .filter_map(|id| kb.flag(id).map(|f| f.title.to_lowercase()))
        .collect();
    let how_soon = match w.tier {
        Tier::Emergency => "needed emergency care",
        Tier::Urgent => "needed a doctor the same day",
        _ => "needed a doctor's appointment within days",
    };
    format!(
        "Your check-up on {} found warning signs that {how_soon} ({}). If you have not been checked by a doctor since, please do that before following this plan.",
        w.date,
        titles.join("; ")
    )
}

/// The decision kinds as a person reads them.
pub fn decision_words(kind: DecisionKind) -> &'static str {
    match kind {
        DecisionKind::Start => "Starting plan",
        DecisionKind::Progress => "Step up",
        DecisionKind::Hold => "Hold steady",
        DecisionKind::Regress => "Step back",
        DecisionKind::Flare => "Flare: keep moving gently",
        DecisionKind::Suspend => "Suspended",
    }
}

/// A decision's heading: its kind, except that a step up followed by an easier week (the
/// minutes drop next week) is never headed "Step up".
pub fn decision_heading(d: &crate::plan::Decision) -> &'static str {
    if d.kind == DecisionKind::Progress
        && d.because
            .iter()
            .any(|b| b.contains(crate::plan::EASIER_WEEK))
    {
        "Easier week first"
    } else {
        decision_words(d.kind)
    }
}

/// One exercise as a plan shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ExerciseView {
    pub id: String,
    pub name: String,
    pub dose: String,
    pub target: String,
    /// What it trains and where it is done: "balance, standing".
    pub about: String,
    pub cues: Vec<String>,
    pub easier: String,
    pub harder: String,
    /// The safety note for this exercise.
    pub note: String,
}

/// The parts of a plan that the text plan and the web page both show, in the same words.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanView {
    pub exercises: Vec<ExerciseView>,
    /// The traffic light for exercises (shown when there are any).
    pub exercise_safety: &'static str,
    /// (exercise name, why it is left out, the pattern or answer behind it).
    pub excluded: Vec<(String, String, String)>,
    pub notes: Vec<String>,
    /// (id, citation) of every source behind the exercises and notes, in the order cited.
    pub sources: Vec<(String, String)>,
    /// The heading and words shown when the plan is paused (`paused_words`).
    pub paused: (&'static str, &'static str),
}

pub const EXERCISE_SAFETY: &str = "Use the same traffic light as for walks: stop an exercise that sends symptoms further down a leg.";

/// The shared view of a plan's exercises, exclusions, notes and sources.
pub fn plan_view(plan: &Plan, kb: &KnowledgeBase, patterns: &[String]) -> PlanView {
    let mut cited = Cited::default();
    let exercises = plan
        .exercises
        .iter()
        .filter_map(|d| {
            let e = kb.exercise(&d.id)?;
            cited.extend(e.sources.iter().cloned());
            Some(ExerciseView {
                id: e.id.clone(),
                name: e.name.clone(),
                dose: crate::plan::dose_line(d),
                target: e.target.clone(),
                about: format!("{}, {}", e.kind.as_str(), e.position.words()),
                cues: e.cues.clone(),
                easier: e.regression.clone(),
                harder: e.progression.clone(),
                note: e.caution.clone(),
            })
        })
        .collect();
    let excluded = plan
        .excluded
        .iter()
        .filter_map(|x| {
            excluded_reason(kb, x)
                .map(|(name, reason)| (name.to_string(), reason.to_string(), x.because.clone()))
        })
        .collect();
    let notes = relevant_guidance(kb, plan, patterns)
        .map(|n| {
            cited.extend(n.sources.iter().cloned());
            n.text.clone()
        })
        .collect();
    let sources = cited
        .0
        .iter()
        .filter_map(|id| kb.source(id).map(|s| (s.id.clone(), s.citation.clone())))
        .collect();
    PlanView {
        exercises,
        exercise_safety: EXERCISE_SAFETY,
        excluded,
        notes,
        sources,
        paused: paused_words(patterns),
    }
}

/// One line saying what to walk, e.g. "5 days a week: one 12-minute walk".
pub fn walking_line(plan: &Plan) -> Option<String> {
    plan.walking
        .as_ref()
        .map(|w| crate::plan::Prescription::from(w).words())
}

/// The plan as text: status and what to do first, this week's walking and why, exercises with
/// doses and cues, what was left out and why, guidance, and the decision history.
pub fn render_plan(
    plan: &Plan,
    history: &[WeekRecord],
    kb: &KnowledgeBase,
    patterns: &[String],
    earlier: Option<&EarlierWarning>,
) -> String {
    let mut out = String::new();
    let mut cited = Cited::default();
    let _ = writeln!(out, "AMBLE PLAN - week {}", plan.week);
    if let Some(w) = earlier {
        heading(&mut out, "EARLIER WARNING SIGNS");
        wrap(&mut out, "  ", &earlier_warning_text(kb, w));
    }
    match plan.status {
        Status::Blocked => {
            heading(&mut out, "NO PLAN FOR NOW");
            for b in &plan.decision.because {
                wrap(&mut out, "  ", b);
            }
            return out;
        }
        Status::Paused => {
            let (title, words) = paused_words(patterns);
            heading(&mut out, &title.to_uppercase());
            wrap(&mut out, "  ", words);
        }
        Status::Active => {}
        Status::Maintenance => {
            heading(&mut out, "MAINTENANCE: KEEP IT UP");
            let since = crate::plan::maintenance_since(history)
                .unwrap_or_else(|| "Your plan is in maintenance.".into());
            wrap(
                &mut out,
                "  ",
                &format!(
                    "{since} Keep walking about 30 minutes on 5 days, check in once a month (amble checkin), and if your back flares, follow your flare plan (amble learn flares)."
                ),
            );
        }
    }
    heading(&mut out, "THIS WEEK'S WALKING");
    if let (Some(line), Some(w)) = (walking_line(plan), plan.walking.as_ref()) {
        wrap(&mut out, "  ", &line);
        let _ = writeln!(
            out,
            "  {} this week; target {} minutes on {} days",
            crate::words::count(w.weekly_minutes, "minute", "minutes"),
            w.target.minutes_per_session,
            w.target.sessions_per_week
        );
    }
    let _ = writeln!(out, "\n  {}:", decision_heading(&plan.decision));
    for b in &plan.decision.because {
        wrap(&mut out, "    - ", b);
    }

    let view = plan_view(plan, kb, patterns);
    if !view.exercises.is_empty() {
        heading(&mut out, "EXERCISES");
        for e in &view.exercises {
            let _ = writeln!(out, "\n  {} ({})", e.name, e.about);
            let _ = writeln!(out, "    {}", e.dose);
            wrap(&mut out, "    For: ", &e.target);
            for c in &e.cues {
                wrap(&mut out, "    - ", c);
            }
            wrap(&mut out, "    Easier: ", &e.easier);
            wrap(&mut out, "    Harder (when it feels easy): ", &e.harder);
            wrap(&mut out, "    Note: ", &e.note);
        }
        let _ = writeln!(out);
        wrap(&mut out, "  ", view.exercise_safety);
        wrap(
            &mut out,
            "  ",
            "Log a session with `amble log exercise`; on a terminal it asks which one.",
        );
    }
    if !view.excluded.is_empty() {
        heading(&mut out, "LEFT OUT FOR YOU");
        // Why, in words; the pattern or answer behind it stays in `--json`.
        for (name, reason, _) in &view.excluded {
            wrap(&mut out, "  - ", &format!("{name}: {reason}"));
        }
    }

    heading(&mut out, "GOOD TO KNOW");
    for n in &view.notes {
        wrap(&mut out, "  - ", n);
    }
    cited.extend(view.sources.iter().map(|(id, _)| id.clone()));
    wrap(
        &mut out,
        "  - ",
        "After each walk, log it (`amble log walk`), and your back pain the next morning (`amble log morning`): the plan adapts every 7 days.",
    );

    if !history.is_empty() {
        heading(&mut out, "HOW THE PLAN GOT HERE");
        if history.first().is_some_and(|h| h.week > 1) {
            let _ = writeln!(
                out,
                "  (the last {}; `amble plan --all-weeks` shows all {})",
                crate::words::count(history.len() as u64, "week", "weeks"),
                history.last().map_or(0, |h| h.week)
            );
        }
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
                decision_heading(&h.decision).to_lowercase()
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
