//! `amble plan` and `amble today`.

use std::io::Write;
use std::path::PathBuf;

use amble_core::journal::Entry;
use amble_core::knowledge::KnowledgeBase;
use amble_core::plan::{self, Replay, Status};
use amble_core::{assess, report};
use amble_store::Store;
use anyhow::Context;
use clap::Args;
use jiff::civil::Date;
use serde::Serialize;

use crate::Global;
use crate::assess_cmd::{load_kb, read_answers};
use crate::failure::Failure;

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The starting plan for an answers file (stateless) instead of the journal's current plan.
    #[arg(long, value_name = "FILE")]
    answers: Option<PathBuf>,
    /// Show every reviewed week in "How the plan got here" (by default the last 8).
    #[arg(long)]
    all_weeks: bool,
}

/// Reviewed weeks the text plan shows unless `--all-weeks` is given.
const RECENT_WEEKS: usize = 8;

pub fn journal_replay(
    global: &Global,
    kb: &KnowledgeBase,
) -> Result<(Replay, Vec<Entry>, Date), Failure> {
    let today = global.today()?;
    let entries = match global.open_existing_store()? {
        Some(store) => store.list()?,
        None => Vec::new(),
    };
    let replay = plan::replay(&entries, today, kb).map_err(|e| match e {
        plan::PlanError::NoAssessment => Failure::Other(anyhow::anyhow!(
            "no check-up is stored yet: run `amble assess` first"
        )),
    })?;
    Ok((replay, entries, today))
}

fn print_json<T: Serialize>(doc: &T) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(doc).context("cannot encode JSON")?;
    writeln!(std::io::stdout().lock(), "{text}")?;
    Ok(())
}

pub fn run_plan(global: &Global, args: &PlanArgs) -> Result<(), Failure> {
    let kb = load_kb()?;
    let (plan, history, patterns, earlier) = match &args.answers {
        Some(path) => {
            let answers = read_answers(path, &kb)?;
            let a = assess(&answers, &kb);
            let patterns = report::plan_context(&a, &answers);
            (
                plan::start_plan(&a, &answers, &kb),
                Vec::new(),
                patterns,
                None,
            )
        }
        None => {
            let (r, _, _) = journal_replay(global, &kb)?;
            let patterns = report::plan_context(&r.assessment, &r.answers);
            let mut history = r.history;
            if !args.all_weeks && history.len() > RECENT_WEEKS {
                history.drain(..history.len() - RECENT_WEEKS);
            }
            (r.plan, history, patterns, r.earlier_warning)
        }
    };
    if global.json {
        print_json(&plan)
    } else {
        write!(
            std::io::stdout().lock(),
            "{}",
            report::render_plan(&plan, &history, &kb, &patterns, earlier.as_ref())
        )?;
        Ok(())
    }
}

pub fn run_today(global: &Global) -> Result<(), Failure> {
    let kb = load_kb()?;
    let (r, entries, today) = journal_replay(global, &kb)?;
    let view = plan::today_view(&r, &entries, today, &kb);
    if global.json {
        return print_json(&view);
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "AMBLE TODAY - {} (week {})", view.date, view.week)?;
    writeln!(out)?;
    if let Some(paused) = &view.paused {
        writeln!(out, "{paused}")?;
        writeln!(out)?;
    }
    for line in &view.feedback {
        writeln!(out, "{line}")?;
    }
    if !view.feedback.is_empty() {
        writeln!(out)?;
    }
    writeln!(out, "{}", view.message)?;
    if view.walk_today
        && let Some(line) = report::walking_line(&r.plan)
    {
        writeln!(out, "  This week's walks: {line}.")?;
    }
    if !view.exercises_today.is_empty() && view.status != Status::Blocked {
        writeln!(
            out,
            "\n{}",
            if view.easier_today {
                "Gentle exercises for today (strength exercises wait until your back settles):"
            } else {
                "Exercises still to do this week:"
            }
        )?;
        for id in &view.exercises_today {
            if let (Some(e), Some(d)) = (
                kb.exercise(id),
                r.plan.exercises.iter().find(|d| &d.id == id),
            ) {
                writeln!(
                    out,
                    "  - {} ({})",
                    e.name,
                    amble_core::plan::describe_exercise_dose(d)
                )?;
            }
        }
    }
    // A blocked or suspended plan invites no walk or exercise: only the way back to a plan.
    if view.status == Status::Blocked {
        writeln!(
            out,
            "\nOnce you have been checked, run a new check-up with `amble assess`; see the plan with `amble plan`."
        )?;
    } else {
        writeln!(
            out,
            "\nLog a walk with `amble log walk`; see the whole plan with `amble plan`."
        )?;
    }
    Ok(())
}
