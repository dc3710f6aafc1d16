//! The interactive check-up in the terminal. Prompts go to stderr so stdout carries only the
//! report (or the JSON document with --json). Warning signs are asked first; an emergency
//! answer stops the questionnaire at once.

use std::io::{BufRead, Write};

use amble_core::knowledge::{KnowledgeBase, Question, QuestionKind};
use amble_core::{Answers, Tier, assess};
use serde_json::{Map, Value};

use crate::failure::Failure;

enum Reply {
    Value(Value),
    Skip,
    Eof,
}

/// One typed line: `Ok(None)` for Enter (skip), `Err(())` when the input has ended.
fn line(
    prompt: &str,
    input: &mut impl BufRead,
    err: &mut impl Write,
) -> Result<Result<Option<String>, ()>, Failure> {
    write!(err, "{prompt} ")?;
    err.flush()?;
    let mut l = String::new();
    if input.read_line(&mut l)? == 0 {
        writeln!(err)?;
        return Ok(Err(()));
    }
    let t = l.trim();
    Ok(Ok((!t.is_empty() && t != "?").then(|| t.to_string())))
}

/// A score from 0 to 10, asked until it is one (or skipped).
fn score(
    prompt: &str,
    input: &mut impl BufRead,
    err: &mut impl Write,
) -> Result<Result<Option<i64>, ()>, Failure> {
    loop {
        match line(prompt, input, err)? {
            Err(()) => return Ok(Err(())),
            Ok(None) => return Ok(Ok(None)),
            Ok(Some(t)) => match amble_core::pain::Pain::parse("pain", &t) {
                Ok(p) => return Ok(Ok(Some(i64::from(p)))),
                Err(_) => writeln!(err, "  Type a whole number from 0 to 10.")?,
            },
        }
    }
}

/// The PEG and the PSFS (brief §3.9), in Amble's words (`content/outcomes.toml`): asked at the
/// end of the check-up and at every check-in. `earlier` are the activities of the last PSFS,
/// re-rated when given (the same activities each time); otherwise up to three are named. Enter
/// skips; the input ending here skips the rest and loses nothing already answered.
pub fn ask_outcomes(
    kb: &KnowledgeBase,
    earlier: &[String],
) -> Result<amble_core::answers::InstrumentItems, Failure> {
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut err = std::io::stderr().lock();
    let asked = &kb.outcomes.asked;
    let mut items = amble_core::answers::InstrumentItems::default();
    writeln!(err, "\n{}\n", asked.intro)?;
    let mut peg = Vec::new();
    for q in &asked.peg {
        match score(
            &format!("{} 0 ({}) to 10 ({}):", q.text, q.low, q.high),
            &mut input,
            &mut err,
        )? {
            Err(()) => return Ok(items),
            Ok(Some(n)) => peg.push(n),
            Ok(None) => break,
        }
    }
    if peg.len() == asked.peg.len() {
        items.peg = Some(peg);
    }
    let mut psfs = Vec::new();
    if earlier.is_empty() {
        while psfs.len() < amble_core::outcomes::PSFS_ASKED {
            let name = match line(&format!("\n{}", asked.psfs_name), &mut input, &mut err)? {
                Err(()) => break,
                Ok(None) => break,
                // What free text may hold (a control character, such as the escape an arrow
                // key types into a plain terminal, is left out), at most 80 characters of it.
                Ok(Some(n)) => n
                    .chars()
                    .filter(|&c| amble_core::text::allowed(c, amble_core::text::Lines::One))
                    .take(amble_core::answers::PSFS_ACTIVITY_MAX_CHARS)
                    .collect::<String>(),
            };
            match score(
                &format!("{} ({name}):", asked.psfs_rate),
                &mut input,
                &mut err,
            )? {
                Err(()) => break,
                Ok(Some(n)) => psfs.push(amble_core::answers::PsfsItem {
                    activity: name,
                    score: n,
                }),
                Ok(None) => {}
            }
        }
    } else {
        writeln!(err, "\n{}", asked.psfs_rerate)?;
        for a in earlier.iter().take(5) {
            match score(&format!("  {a}:"), &mut input, &mut err)? {
                Err(()) => break,
                Ok(Some(n)) => psfs.push(amble_core::answers::PsfsItem {
                    activity: a.clone(),
                    score: n,
                }),
                Ok(None) => {}
            }
        }
    }
    if !psfs.is_empty() {
        items.psfs = Some(psfs);
    }
    Ok(items)
}

pub fn ask(kb: &KnowledgeBase, earlier_activities: &[String]) -> Result<Answers, Failure> {
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut err = std::io::stderr().lock();
    let mut doc = Map::new();
    doc.insert(
        "schema".into(),
        Value::String(amble_core::answers::ANSWERS_SCHEMA.into()),
    );

    writeln!(
        err,
        "Amble check-up. Press Enter to skip a question you are not sure about."
    )?;
    let current = |doc: &Map<String, Value>| {
        Answers::from_value(Value::Object(doc.clone()), kb)
            .map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))
    };
    // One topic at a time, in order; a question is asked only when it applies to the answers so
    // far (leg questions only with leg symptoms, pregnancy questions only in pregnancy).
    for (n, topic) in kb.topics.iter().enumerate() {
        let mut asked_any = false;
        let mut asked_flag = false;
        for q in kb.topic_questions(&topic.id) {
            if !q.applies(&current(&doc)?.facts()) {
                continue;
            }
            if !asked_any {
                asked_any = true;
                let intro = if n == 0 {
                    topic.intro.clone()
                } else {
                    format!("\n{}", topic.intro)
                };
                writeln!(err, "{intro}\n")?;
            }
            match prompt(q, &mut input, &mut err)? {
                Reply::Value(v) => amble_core::answers::set_path(&mut doc, &q.id, v),
                Reply::Skip => {}
                Reply::Eof => return Err(cancelled(&doc, kb)),
            }
            if q.is_red_flag() {
                asked_flag = true;
                if amble_core::checkup::stop_at_once(&assess(&current(&doc)?, kb)) {
                    writeln!(
                        err,
                        "\nStopping the check-up: this answer needs emergency care.\n"
                    )?;
                    return current(&doc);
                }
            }
        }
        // After warning signs: if care comes first, stop here (the answers are kept).
        if asked_flag && amble_core::checkup::care_comes_first(&assess(&current(&doc)?, kb)) {
            writeln!(err)?;
            return current(&doc);
        }
    }
    drop(input);
    drop(err);
    let outcomes = ask_outcomes(kb, earlier_activities)?;
    if !outcomes.is_empty() {
        let ins = doc
            .entry("instruments".to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if let (Value::Object(m), Ok(Value::Object(given))) = (ins, serde_json::to_value(&outcomes))
        {
            m.extend(given);
        }
    }
    writeln!(std::io::stderr())?;
    current(&doc)
}

/// Asks the warning-sign questions that apply to a person with these answers (a check-in, a
/// re-screen): the answers as a `red_flags` object. `None` when the input ends.
pub fn ask_warning_signs(
    kb: &KnowledgeBase,
    base: &Answers,
) -> Result<Option<Map<String, Value>>, Failure> {
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut err = std::io::stderr().lock();
    let facts = base.facts();
    let mut doc = Map::new();
    for q in kb.red_flag_questions_for(&facts) {
        match prompt(q, &mut input, &mut err)? {
            Reply::Value(v) => amble_core::answers::set_path(&mut doc, &q.id, v),
            Reply::Skip => {}
            Reply::Eof => return Ok(None),
        }
    }
    Ok(Some(
        doc.get("red_flags")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default(),
    ))
}

/// Input ended before the check-up did: nothing is stored (a partial check-up must never
/// become the latest one and restart the plan). Warning signs already answered still lead.
fn cancelled(doc: &Map<String, Value>, kb: &KnowledgeBase) -> Failure {
    let mut msg = String::from(
        "the check-up was cancelled before the end (the input ended); nothing was stored",
    );
    if let Ok(answers) = Answers::from_value(Value::Object(doc.clone()), kb) {
        let tier = assess(&answers, kb).tier();
        if tier >= Tier::Soon
            && let Some(t) = kb.tier_text(tier)
        {
            msg = format!("{}. {}\n\n{msg}", t.headline, t.action);
        }
    }
    Failure::BadInput(msg)
}

fn prompt(q: &Question, input: &mut impl BufRead, err: &mut impl Write) -> Result<Reply, Failure> {
    loop {
        match q.kind {
            QuestionKind::Bool => write!(err, "{} [y/n] ", q.text)?,
            QuestionKind::Choice | QuestionKind::Multi => {
                writeln!(err, "{}", q.text)?;
                for (i, t) in q.option_text.iter().enumerate() {
                    writeln!(err, "  {}) {t}", i + 1)?;
                }
                let hint = if q.kind == QuestionKind::Multi {
                    "numbers separated by commas"
                } else {
                    "a number"
                };
                write!(err, "Your answer ({hint}): ")?;
            }
            QuestionKind::Number | QuestionKind::Integer => write!(err, "{} ", q.text)?,
        }
        err.flush()?;
        let mut line = String::new();
        if input.read_line(&mut line)? == 0 {
            writeln!(err)?;
            return Ok(Reply::Eof);
        }
        let line = line.trim();
        if line.is_empty() || line == "?" {
            return Ok(Reply::Skip);
        }
        match parse_reply(q, line) {
            Ok(v) => return Ok(Reply::Value(v)),
            Err(msg) => writeln!(err, "  {msg}")?,
        }
    }
}

/// Turns one typed line into an answer value, or says what was expected.
pub fn parse_reply(q: &Question, line: &str) -> Result<Value, String> {
    let pick = |token: &str| -> Result<String, String> {
        let token = token.trim();
        if let Ok(n) = token.parse::<usize>()
            && n >= 1
            && n <= q.options.len()
        {
            return Ok(q.options[n - 1].clone());
        }
        q.option_named(token).map(str::to_string).ok_or_else(|| {
            format!(
                "Please type a number from 1 to {}, or press Enter to skip.",
                q.options.len()
            )
        })
    };
    match q.kind {
        QuestionKind::Bool => match line.to_ascii_lowercase().as_str() {
            "y" | "yes" => Ok(Value::Bool(true)),
            "n" | "no" => Ok(Value::Bool(false)),
            _ => Err("Please type y or n, or press Enter to skip.".into()),
        },
        QuestionKind::Choice => pick(line).map(Value::String),
        QuestionKind::Multi => {
            let mut picked: Vec<Value> = Vec::new();
            for token in line.split(',').filter(|t| !t.trim().is_empty()) {
                let v = Value::String(pick(token)?);
                if !picked.contains(&v) {
                    picked.push(v);
                }
            }
            Ok(Value::Array(picked))
        }
        QuestionKind::Number | QuestionKind::Integer => q
            .number_from(line)
            .map_err(|e| format!("Please type a number: {e}. Or press Enter to skip.")),
    }
}
