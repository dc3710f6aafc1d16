//! `amble experiment`: a small randomised trial of one person (docs/insights.md). The design is
//! given by the flags, and the same flags always give the same schedule, so `schedule` and
//! `analyse` agree without anything stored.

use std::io::Write;

use amble_core::insights::experiment::{self, Design, Factor};
use amble_store::Store;
use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};

use crate::Global;
use crate::context::parse_date;
use crate::failure::Failure;

#[derive(Debug, Subcommand)]
pub enum ExperimentCommand {
    /// Which option each day's walk should use, in randomly ordered 3-day periods.
    Schedule(DesignArgs),
    /// The result of the one comparison named in advance: next-morning pain, B minus A.
    Analyse(DesignArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FactorArg {
    Surface,
    Shoes,
    /// Morning, afternoon or evening, from each walk's start time.
    TimeOfDay,
}

#[derive(Debug, Args)]
pub struct DesignArgs {
    /// What is compared: the surface, the shoes or the time of day of each walk.
    #[arg(long, value_enum)]
    factor: FactorArg,
    /// Option A, as you log it (e.g. "flat").
    #[arg(long)]
    a: String,
    /// Option B, as you log it (e.g. "hills").
    #[arg(long)]
    b: String,
    /// First day of the trial (YYYY-MM-DD; default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    start: Option<String>,
    /// Length in weeks, 4 to 6.
    #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u32).range(4..=6))]
    weeks: u32,
    /// Seed of the random order (default: drawn from the start date and the options, so the
    /// same flags always give the same schedule).
    #[arg(long)]
    seed: Option<u64>,
}

fn design(global: &Global, a: &DesignArgs) -> Result<Design, Failure> {
    let start = match &a.start {
        Some(d) => parse_date("--start", d)?,
        None => global.today()?,
    };
    let factor = match a.factor {
        FactorArg::Surface => Factor::Surface,
        FactorArg::Shoes => Factor::Shoes,
        FactorArg::TimeOfDay => Factor::TimeOfDay,
    };
    experiment::design(factor, &a.a, &a.b, start, a.weeks, a.seed)
        .map_err(|e| Failure::BadInput(format!("--a and --b: {e}")))
}

pub fn run(global: &Global, cmd: &ExperimentCommand) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match cmd {
        ExperimentCommand::Schedule(args) => {
            let d = design(global, args)?;
            let periods = experiment::schedule(&d);
            if global.json {
                let doc = serde_json::json!({
                    "schema": experiment::EXPERIMENT_SCHEMA, "design": d, "periods": periods });
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&doc).context("cannot encode JSON")?
                )?;
                return Ok(());
            }
            writeln!(
                out,
                "AMBLE EXPERIMENT - {} vs {} ({} weeks from {})\n\nWalk as your plan says; only {} changes. Log it with each walk ({}).\n",
                d.a,
                d.b,
                d.weeks,
                d.start,
                d.factor.how_logged(),
                match d.factor {
                    Factor::Surface => "--surface",
                    Factor::Shoes => "--shoes",
                    Factor::TimeOfDay => "--start",
                }
            )?;
            for p in periods {
                writeln!(out, "  {} to {}: {}", p.from, p.to, p.option)?;
            }
            writeln!(
                out,
                "\nAt the end: amble experiment analyse with the same options."
            )?;
        }
        ExperimentCommand::Analyse(args) => {
            let d = design(global, args)?;
            let entries = match global.open_existing_store()? {
                Some(s) => s.list()?,
                None => Vec::new(),
            };
            let a = experiment::analyse(&d, &entries);
            if global.json {
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&a).context("cannot encode JSON")?
                )?;
            } else {
                writeln!(out, "{}", a.text)?;
                writeln!(
                    out,
                    "({} walks as scheduled, {} left out because they used the other option.)",
                    a.walks_as_scheduled, a.walks_off_schedule
                )?;
            }
        }
    }
    Ok(())
}
