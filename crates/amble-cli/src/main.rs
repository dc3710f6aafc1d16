//! `amble`: the command-line edge of Amble. Parses arguments, reads files and the terminal,
//! and prints; every decision is made by `amble-core`.

mod assess_cmd;
mod failure;
mod interactive;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// Amble: a walking coach for people whose back hurts when they walk.
///
/// Amble informs and coaches; it does not diagnose. Warning signs always come first.
#[derive(Debug, Parser)]
#[command(name = "amble", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Args, Clone)]
pub struct Global {
    /// Print one machine-readable JSON document on stdout, and nothing else.
    #[arg(long, global = true)]
    json: bool,
    /// Directory of the journal (default: the platform's data directory for amble).
    #[arg(long, global = true, env = "AMBLE_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// The date Amble takes as today (YYYY-MM-DD; default: the local date).
    #[arg(long, global = true, env = "AMBLE_TODAY", value_name = "YYYY-MM-DD")]
    today: Option<String>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the check-up: warning signs first, then what may be contributing, and your scores.
    ///
    /// Without --answers, asks the questions in the terminal (press Enter to skip one you
    /// are not sure about). With --answers FILE, reads an `amble.answers/1` JSON file.
    Assess(assess_cmd::AssessArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Assess(args) => assess_cmd::run(&cli.global, args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}
