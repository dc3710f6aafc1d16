//! `amble plan` and `amble today`.

use std::io::Write;
use std::path::PathBuf;

use amble_core::journal::Entry;
use amble_core::knowledge::KnowledgeBase;
use amble_core::plan::{self, Plan, Replay, Status};
use amble_core::{assess, report};
use amble_store::Store;
use anyhow::Context;
use clap::Args;
use jiff::ToSpan;
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
}

pub fn journal_replay(
    global: &Global,
    kb: &KnowledgeBase,
) -> Result<(Replay, Vec<Entry>, Date), Failure> {
    let today = global.today()?;
    let entries = match global.open_existing_store()? {
        Some(store) => store.list()?,
        None => Vec::new(),
    };
    let replay =
        plan::replay(&entries, today, kb).map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))?;
    Ok((replay, entries, today))
}

fn print_json<T: Serialize>(doc: &T) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(doc).context("cannot encode JSON")?;
    writeln!(std::io::stdout().lock(), "{text}")?;
    Ok(())
}

pub fn run_plan(global: &Global, args: &PlanArgs) -> Result<(), Failure> {
    let kb = load_kb()?;
    let (plan, history, patterns) = match &args.answers {
        Some(path) => {
            let answers = read_answers(path, &kb)?;
            let a = assess(&answers, &kb);
            let patterns: Vec<String> = a.patterns.iter().map(|p| p.id.clone()).collect();
            (plan::start_plan(&a, &answers, &kb), Vec::new(), patterns)
        }
        None => {
            let (r, _, _) = journal_replay(global, &kb)?;
            let patterns: Vec<String> =
                r.assessment.patterns.iter().map(|p| p.id.clone()).collect();
            (r.plan, r.history, patterns)
        }
    };
    if global.json {
        print_json(&plan)
    } else {
        write!(
            std::io::stdout().lock(),
            "{}",
            report::render_plan(&plan, &history, &kb, &patterns)
        )?;
        Ok(())
    }
}

/// `amble.today/1`: what to do today given what is already logged this week.
#[derive(Debug, Serialize)]
struct Today {
    schema: &'static str,
    date: Date,
    week: u32,
    status: Status,
    /// Days left in this 7-day block, today included.
    days_left_in_week: i64,
    walks_done_this_week: u32,
    walks_left_this_week: u32,
    walked_today: bool,
    walk_today: bool,
    walking: Option<amble_core::plan::WalkingOut>,
    exercises_today: Vec<String>,
    message: String,
}

fn today_view(r: &Replay, entries: &[Entry], today: Date) -> Today {
    let plan: &Plan = &r.plan;
    let block_start = r.block_start();
    let block_end = block_start.saturating_add(7.days());
    let in_block = |d: Date| d >= block_start && d <= today && d < block_end && d >= r.start;
    let walk_days: std::collections::BTreeSet<Date> = entries
        .iter()
        .filter_map(|e| match e {
            Entry::Walk(w) if in_block(w.date) => Some(w.date),
            _ => None,
        })
        .collect();
    let walked_today = walk_days.contains(&today);
    let done = walk_days.len() as u32;
    let days_left = (block_end - today).get_days().max(1) as i64;
    let sessions = plan.walking.as_ref().map_or(0, |w| w.sessions_per_week);
    let left = sessions.saturating_sub(done);
    let walk_today = plan.status != Status::Blocked && !walked_today && left > 0;
    let exercises_today: Vec<String> = plan
        .exercises
        .iter()
        .filter(|d| {
            let sessions_done = entries
                .iter()
                .filter(
                    |e| matches!(e, Entry::Exercise(x) if x.exercise == d.id && in_block(x.date)),
                )
                .count() as u32;
            let done_today = entries
                .iter()
                .any(|e| matches!(e, Entry::Exercise(x) if x.exercise == d.id && x.date == today));
            !done_today && sessions_done < d.days_per_week
        })
        .map(|d| d.id.clone())
        .collect();
    let message = match plan.status {
        Status::Blocked => plan.decision.because.join(" "),
        _ if walked_today => {
            "You've walked today. Log tomorrow morning's back pain, and rest or do your exercises."
                .into()
        }
        _ if left == 0 => format!(
            "You've done all {sessions} walks for this week. A rest day, or gentle everyday walking, is fine."
        ),
        _ if i64::from(left) < days_left => format!(
            "Walk today if you feel like it: {left} walk(s) left this week and {days_left} day(s) to go."
        ),
        _ => format!("Walk today: {left} walk(s) left this week and {days_left} day(s) to go."),
    };
    Today {
        schema: "amble.today/1",
        date: today,
        week: plan.week,
        status: plan.status,
        days_left_in_week: days_left,
        walks_done_this_week: done,
        walks_left_this_week: left,
        walked_today,
        walk_today,
        walking: plan.walking.clone(),
        exercises_today,
        message,
    }
}

pub fn run_today(global: &Global) -> Result<(), Failure> {
    let kb = load_kb()?;
    let (r, entries, today) = journal_replay(global, &kb)?;
    let view = today_view(&r, &entries, today);
    if global.json {
        return print_json(&view);
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "AMBLE TODAY - {} (week {})", view.date, view.week)?;
    writeln!(out)?;
    writeln!(out, "{}", view.message)?;
    if view.walk_today
        && let Some(line) = report::walking_line(&r.plan)
    {
        writeln!(out, "  Today's walk: {line}.")?;
    }
    if !view.exercises_today.is_empty() && view.status != Status::Blocked {
        writeln!(out, "\nExercises still to do this week:")?;
        for id in &view.exercises_today {
            if let (Some(e), Some(d)) = (
                kb.exercise(id),
                r.plan.exercises.iter().find(|d| &d.id == id),
            ) {
                let hold = if d.hold_s > 0 {
                    format!(", hold {} s", d.hold_s)
                } else {
                    String::new()
                };
                writeln!(out, "  - {} ({} set(s) x {}{hold})", e.name, d.sets, d.reps)?;
            }
        }
    }
    writeln!(
        out,
        "\nLog a walk with `amble log walk`; see the whole plan with `amble plan`."
    )?;
    Ok(())
}
