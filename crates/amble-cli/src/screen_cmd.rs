//! `amble screen`: "Something new or worse?", the warning-sign questions again (the web app's
//! `/screen`), offered after a walk logged with new symptoms. A clean screen with the new
//! symptoms settled lets a suspended plan go on; a warning sign leads with what to do; a
//! question left "not sure" keeps the plan at gentle walking until answered.

use std::io::Write;
use std::path::PathBuf;

use amble_core::checkup::{self, RescreenOutcome};
use amble_core::journal::{Entry, StoredAssessment};
use amble_core::{Answers, report};
use amble_store::Store;
use anyhow::Context;
use clap::Args;
use serde_json::Value;

use crate::Global;
use crate::assess_cmd::load_kb;
use crate::context::stdin_is_terminal;
use crate::failure::Failure;

#[derive(Debug, Args)]
pub struct ScreenArgs {
    /// Read the warning-sign answers from a JSON file ("-" for stdin): `{"red_flags": {...}}`
    /// with the keys of an answers file; a key left out counts as "not sure".
    #[arg(long, value_name = "FILE")]
    answers: Option<PathBuf>,
    /// Whether the new symptoms have settled back to your usual (yes, no or unsure).
    #[arg(long, value_name = "yes|no|unsure")]
    settled: Option<String>,
}

fn read(path: &PathBuf, kb: &amble_core::KnowledgeBase) -> Result<Answers, Failure> {
    let shown = path.display().to_string();
    let text = if shown == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
            .map_err(|e| Failure::BadInput(format!("stdin: cannot read the answers: {e}")))?;
        s
    } else {
        std::fs::read_to_string(path)
            .map_err(|e| Failure::BadInput(format!("{shown}: cannot read the answers: {e}")))?
    };
    let value: Value = serde_json::from_str(&text)
        .map_err(|e| Failure::BadInput(format!("{shown}: not JSON: {e}")))?;
    if let Some(other) = value
        .as_object()
        .and_then(|o| o.keys().find(|k| *k != "red_flags" && *k != "schema"))
    {
        return Err(Failure::BadInput(format!(
            "{shown}: {other}: a re-screen asks only the warning signs (red_flags)"
        )));
    }
    Answers::from_value(value, kb).map_err(|e| Failure::BadInput(format!("{shown}: {e}")))
}

fn parse_settled(s: &str) -> Result<Option<bool>, String> {
    match s.trim().to_lowercase().as_str() {
        "y" | "yes" => Ok(Some(true)),
        "n" | "no" => Ok(Some(false)),
        "" | "?" | "unsure" | "not sure" => Ok(None),
        other => Err(format!("expected yes, no or unsure, found \"{other}\"")),
    }
}

pub fn run(global: &Global, args: &ScreenArgs) -> Result<(), Failure> {
    let kb = load_kb()?;
    let today = global.today()?;
    let settled_flag = args
        .settled
        .as_deref()
        .map(parse_settled)
        .transpose()
        .map_err(|e| Failure::BadInput(format!("--settled: {e}")))?
        .flatten();
    let store = global.open_existing_store()?;
    let entries = match &store {
        Some(s) => s.list()?,
        None => Vec::new(),
    };
    let r = amble_core::plan::replay(&entries, today, &kb).ok();
    let previous = r.as_ref().map(|r| r.answers.clone());
    // Suspended so that a clean re-screen may lift it (not by a sign that needs a new check-up).
    let suspended = r.as_ref().is_some_and(amble_core::plan::rescreen_may_lift);
    let (flags, settled) = match &args.answers {
        Some(path) => (read(path, &kb)?, settled_flag),
        None if stdin_is_terminal() => {
            eprintln!(
                "Something new or worse? The warning-sign questions again; press Enter to skip one you are not sure about.\n"
            );
            for line in amble_core::new_symptoms::WHAT_EACH_NEEDS {
                eprintln!("- {line}");
            }
            eprintln!();
            let base = previous.clone().unwrap_or_default();
            let Some(map) = crate::interactive::ask_warning_signs(&kb, &base)? else {
                return Err(Failure::BadInput(
                    "the re-screen was cancelled (the input ended); nothing was stored".into(),
                ));
            };
            let flags = Answers::from_value(serde_json::json!({ "red_flags": map }), &kb)
                .map_err(|e| Failure::BadInput(e.to_string()))?;
            let settled = if suspended && args.settled.is_none() {
                loop {
                    eprint!(
                        "Have the new symptoms settled back to your usual? [y/n, Enter if not sure] "
                    );
                    std::io::stderr().flush()?;
                    let mut line = String::new();
                    if std::io::stdin().read_line(&mut line)? == 0 {
                        break None;
                    }
                    match parse_settled(&line) {
                        Ok(s) => break s,
                        Err(e) => eprintln!("  {e}"),
                    }
                }
            } else {
                settled_flag
            };
            (flags, settled)
        }
        None => {
            return Err(Failure::BadInput(
                "give the answers with --answers FILE (or run it in a terminal to be asked)".into(),
            ));
        }
    };
    let answers = checkup::rescreen(previous.as_ref(), &flags);
    let a = amble_core::assess(&answers, &kb);
    let outcome = checkup::rescreen_outcome(&a, suspended, settled);
    let care_first = outcome == RescreenOutcome::CareFirst;
    let stored = if outcome.stored() && (previous.is_some() || care_first) {
        Some(
            global
                .open_store()?
                .add(Entry::Assessment(Box::new(StoredAssessment {
                    id: String::new(),
                    date: today,
                    answers: answers.clone(),
                    rescreen: true,
                    keep_level: false,
                })))?,
        )
    } else {
        None
    };
    let mut out = std::io::stdout().lock();
    if global.json {
        let doc = serde_json::json!({
            "schema": "amble.screen/1",
            "outcome": format!("{outcome:?}").to_lowercase(),
            "stored": stored.as_ref().map(|e| e.id().to_string()),
            "triage": a.triage,
            "plan_status": a.plan_status,
        });
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&doc).context("cannot encode JSON")?
        )?;
        return Ok(());
    }
    if care_first {
        write!(out, "{}", report::render_text(&a, &answers, &kb))?;
    } else {
        let (heading, text) = outcome.words();
        writeln!(out, "{heading}\n{text}")?;
        if outcome == RescreenOutcome::Unanswered {
            for id in &a.triage.unanswered {
                if let Some(q) = kb.question(id) {
                    writeln!(out, "  - {}", q.text)?;
                }
            }
            writeln!(out, "When you know, run `amble screen` again.")?;
        }
    }
    if let Some(e) = stored {
        writeln!(out, "\nSaved this re-screen to your journal as {}.", e.id())?;
    }
    Ok(())
}
