//! `amble`: the command-line edge of Amble. Parses arguments, reads files and the terminal,
//! and prints; every decision is made by `amble-core`.

mod assess_cmd;
mod checkin_cmd;
mod context;
mod db_cmd;
mod experiment_cmd;
mod failure;
mod gait_cmd;
mod import_cmd;
mod insights_cmd;
mod interactive;
mod journal_cmd;
mod lan;
mod learn_cmd;
mod log_cmd;
mod logs;
mod plan_cmd;
mod private_file;
mod remind_cmd;
mod report_cmd;
mod screen_cmd;
mod serve_cmd;
mod shown;
mod user_cmd;

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
    /// Where the journal lives: postgres://USER@HOST/DB (a clinic's server) or
    /// sqlite://FOLDER; default: the SQLite journal in the data directory.
    #[arg(
        long,
        global = true,
        env = "AMBLE_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    database: Option<String>,
    /// With accounts (SQLite or PostgreSQL): act on this person's journal.
    #[arg(long = "as", global = true, value_name = "EMAIL")]
    as_user: Option<String>,
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
    /// This week's walking and exercises, and why (the starting plan with --answers).
    Plan(plan_cmd::PlanArgs),
    /// What to do today, given what is already logged this week.
    Today,
    /// Log a walk, next-morning pain or an exercise session.
    #[command(subcommand)]
    Log(log_cmd::LogCommand),
    /// List journal entries; correct, delete or import them.
    Journal(journal_cmd::JournalArgs),
    /// Export the whole journal as JSON (lossless) or CSV.
    Export(journal_cmd::ExportArgs),
    /// Open Amble in your browser: the check-up, your plan, logging and progress.
    Serve(serve_cmd::ServeArgs),
    /// Import walks from watches and phones: FIT, GPX, TCX files, folders, zips, Apple Health.
    Import(import_cmd::ImportArgs),
    /// What in your own journal went with more or less pain, with honest statistics.
    Insights(insights_cmd::InsightsArgs),
    /// A self-contained report for your doctor or physiotherapist (HTML, printable).
    Report(report_cmd::ReportArgs),
    /// A small randomised trial of one person: two options of one factor, in random order.
    #[command(subcommand)]
    Experiment(experiment_cmd::ExperimentCommand),
    /// Check in: the warning signs again, how your back has been, pain, and the
    /// questionnaires at 6 weeks, 3, 6 and 12 months.
    Checkin(checkin_cmd::CheckinArgs),
    /// Something new or worse? The warning-sign questions again (after new symptoms on a walk):
    /// a clean answer with the symptoms settled lets a suspended plan go on.
    Screen(screen_cmd::ScreenArgs),
    /// Short articles with sources: causes, posture, shoes, pacing, flares, questions people ask.
    Learn(learn_cmd::LearnArgs),
    /// Reminders for your calendar: the coming 4 weeks' walking days and check-ins (.ics).
    Remind(remind_cmd::RemindArgs),
    /// Accounts (in the journal of --data-dir, or a --database): add people, coaches and
    /// admins, link a coach to a person, make an API token.
    #[command(subcommand)]
    User(user_cmd::UserCommand),
    /// The database: create or update the schema as its owner (granting the servers' role
    /// only what it needs), and purge what has expired.
    #[command(subcommand)]
    Db(db_cmd::DbCommand),
    /// Gait from a sensor at the lower back: walking bouts, cadence, stride length, speed.
    Gait(gait_cmd::GaitArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let global = cli.global.clone();
    let result = match cli.command {
        Command::Assess(args) => assess_cmd::run(&global, &args),
        Command::Plan(args) => plan_cmd::run_plan(&global, &args),
        Command::Today => plan_cmd::run_today(&global),
        Command::Log(cmd) => log_cmd::run(&global, cmd),
        Command::Journal(args) => journal_cmd::run(&global, args),
        Command::Export(args) => journal_cmd::export(&global, &args),
        Command::Serve(args) => serve_cmd::run(&global, &args),
        Command::Import(args) => import_cmd::run(&global, &args),
        Command::Insights(args) => insights_cmd::run(&global, &args),
        Command::Experiment(cmd) => experiment_cmd::run(&global, &cmd),
        Command::Report(args) => report_cmd::run(&global, &args),
        Command::Checkin(args) => checkin_cmd::run(&global, &args),
        Command::Screen(args) => screen_cmd::run(&global, &args),
        Command::Learn(args) => learn_cmd::run(&global, &args),
        Command::Remind(args) => remind_cmd::run(&global, &args),
        Command::User(cmd) => user_cmd::run(&global, cmd),
        Command::Gait(args) => gait_cmd::run(&global, &args),
        Command::Db(cmd) => db_cmd::run(&global, cmd),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}
