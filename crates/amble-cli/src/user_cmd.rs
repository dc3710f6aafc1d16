//! `amble user add|link|token` (contract §12): accounts in the SQLite journal of `--data-dir`
//! or in a PostgreSQL database, with the same rules.

use std::io::{BufRead, Write};

use amble_core::access::Role;
use amble_store::{Accounts, DEFAULT_JOURNAL, Store};
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

/// The accounts kept with the journal (created with it when there is none yet).
fn accounts(global: &Global) -> Result<Accounts, Failure> {
    Ok(global.storage()?.open_accounts()?)
}

pub fn run(global: &Global, cmd: UserCommand) -> Result<(), Failure> {
    let db = accounts(global)?;
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
            if user.journal == Some(DEFAULT_JOURNAL) {
                // The first person adopts the journal kept before there were accounts.
                let kept = db
                    .journal(DEFAULT_JOURNAL)
                    .open_existing()?
                    .map_or(Ok(0), |s| s.list().map(|e| e.len()))?;
                if kept > 0 {
                    writeln!(
                        out,
                        "{} adopts the journal kept so far ({kept} {}).",
                        user.email,
                        if kept == 1 { "entry" } else { "entries" }
                    )?;
                }
            }
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
