//! `amble user add|link|token` (contract §12): accounts in a PostgreSQL database.

use std::io::{BufRead, Write};

use amble_core::access::Role;
use amble_store::{Database, PgDatabase};
use clap::{Args, Subcommand, ValueEnum};

use crate::Global;
use crate::failure::Failure;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add an account; a person gets a journal of their own.
    Add(AddArgs),
    /// Let a coach (or admin) read a person's journal.
    Link(LinkArgs),
    /// Make an API token for scripts (printed once, alone on the last line).
    Token(TokenArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum RoleArg {
    Person,
    Coach,
    Admin,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    #[arg(long)]
    email: String,
    #[arg(long, value_enum)]
    role: RoleArg,
    /// Read the password from the first line of stdin (never from a flag: flags show in the
    /// process list and shell history).
    #[arg(long, required = true)]
    password_stdin: bool,
}

#[derive(Debug, Args)]
pub struct LinkArgs {
    #[arg(long)]
    coach: String,
    #[arg(long)]
    person: String,
}

#[derive(Debug, Args)]
pub struct TokenArgs {
    #[arg(long)]
    email: String,
}

fn postgres(global: &Global) -> Result<PgDatabase, Failure> {
    match global.storage()? {
        Database::Postgres(db, _) => Ok(db),
        Database::Sqlite(_) => Err(Failure::BadInput(
            "accounts live in a PostgreSQL database: add --database postgres://USER@HOST/DB (docs/deploy.md)".into(),
        )),
    }
}

pub fn run(global: &Global, cmd: UserCommand) -> Result<(), Failure> {
    let db = postgres(global)?;
    let mut out = std::io::stdout().lock();
    match cmd {
        UserCommand::Add(a) => {
            let _ = a.password_stdin;
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            let password = line.trim_end_matches(['\r', '\n']);
            let role = match a.role {
                RoleArg::Person => Role::Person,
                RoleArg::Coach => Role::Coach,
                RoleArg::Admin => Role::Admin,
            };
            let user = db.add_user(&a.email, role, password)?;
            writeln!(out, "Added {} ({}).", user.email, user.role.as_str())?;
        }
        UserCommand::Link(a) => {
            db.link(&a.coach, &a.person)?;
            writeln!(
                out,
                "{} can now read {}'s journal (read-only).",
                a.coach.trim().to_lowercase(),
                a.person.trim().to_lowercase()
            )?;
        }
        UserCommand::Token(a) => {
            let user = db.user(&a.email)?.ok_or_else(|| {
                Failure::BadInput(format!("--email {}: there is no such account", a.email))
            })?;
            let secret = db.add_token(user.id)?;
            eprintln!(
                "A new API token for {} (shown once; keep it secret):",
                user.email
            );
            writeln!(out, "{secret}")?;
        }
    }
    Ok(())
}
