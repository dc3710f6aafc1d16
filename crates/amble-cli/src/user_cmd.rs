//! `amble user add|link|token|passwd|unlink|disable|enable|revoke-tokens|invite|invites|revoke-invite`
//! (contract §12): accounts in the SQLite journal of `--data-dir` or in a PostgreSQL database,
//! with the same rules.

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
    /// Set a new password (read from stdin); every session and API token of the account ends.
    Passwd(PasswdArgs),
    /// End a coach's (or admin's) access to a person's journal.
    Unlink(LinkArgs),
    /// Refuse sign-in and end every session and API token; the data is kept.
    Disable(TokenArgs),
    /// Allow a disabled account to sign in again (with its password).
    Enable(TokenArgs),
    /// Revoke every API token of an account.
    RevokeTokens(TokenArgs),
    /// Make an invite link from a coach (or admin), valid 7 days, once; with --email only that
    /// account can accept it. The link (or its path) is alone on the last line.
    Invite(InviteArgs),
    /// List every invite: id, state, from whom, for whom, made, expires.
    Invites,
    /// Revoke an open invite by its id (from amble user invites).
    RevokeInvite(RevokeInviteArgs),
}

#[derive(Debug, Args)]
pub struct InviteArgs {
    /// The coach (or admin) the person will be linked to.
    #[arg(long)]
    coach: String,
    /// Only the account with this email can accept the invite.
    #[arg(long)]
    email: Option<String>,
    /// The server's address (as amble serve --public-url), to print the whole link.
    #[arg(long, value_name = "URL")]
    public_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct RevokeInviteArgs {
    /// The invite's id: 16 hex characters.
    #[arg(long)]
    id: String,
}

#[derive(Debug, Args)]
pub struct PasswdArgs {
    #[arg(long)]
    email: String,
    /// Read the new password from the first line of stdin.
    #[arg(long, required = true)]
    password_stdin: bool,
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

/// The account with this email, or bad input naming the flag.
fn find(db: &Accounts, flag: &str, email: &str) -> Result<amble_store::accounts::User, Failure> {
    db.user(email)?
        .ok_or_else(|| Failure::BadInput(format!("{flag} {email}: there is no such account")))
}

fn read_password() -> Result<String, Failure> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// The accounts kept with the journal (created with it when there is none yet).
fn accounts(global: &Global) -> Result<Accounts, Failure> {
    Ok(global.storage()?.open_accounts()?)
}

pub fn run(global: &Global, cmd: UserCommand) -> Result<(), Failure> {
    let db = accounts(global)?;
    let mut out = std::io::stdout().lock();
    let out: &mut dyn Write = &mut out;
    match cmd {
        UserCommand::Add(a) => add(&db, out, a),
        UserCommand::Link(a) => link(&db, out, a),
        UserCommand::Token(a) => token(&db, out, a),
        UserCommand::Passwd(a) => passwd(&db, out, a),
        UserCommand::Unlink(a) => unlink(&db, out, a),
        UserCommand::Disable(a) => disable(&db, out, a),
        UserCommand::Enable(a) => enable(&db, out, a),
        UserCommand::RevokeTokens(a) => revoke_tokens(&db, out, a),
        UserCommand::Invite(a) => invite(&db, out, a),
        UserCommand::Invites => invites(&db, out),
        UserCommand::RevokeInvite(a) => revoke_invite(&db, out, a),
    }
}

/// `amble user add`: adds an account; the first person adopts the journal kept before accounts.
fn add(db: &Accounts, out: &mut dyn Write, a: AddArgs) -> Result<(), Failure> {
    let _ = a.password_stdin;
    let password = read_password()?;
    let password = password.as_str();
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
    Ok(())
}

/// `amble user link`: lets a coach read a person's journal.
fn link(db: &Accounts, out: &mut dyn Write, a: LinkArgs) -> Result<(), Failure> {
    db.link(&a.coach, &a.person)?;
    writeln!(
        out,
        "{} can now read {}'s journal (read-only).",
        a.coach.trim().to_lowercase(),
        a.person.trim().to_lowercase()
    )?;
    Ok(())
}

/// `amble user token`: makes an API token, printed once.
fn token(db: &Accounts, out: &mut dyn Write, a: TokenArgs) -> Result<(), Failure> {
    let user = find(db, "--email", &a.email)?;
    let secret = db.add_token(user.id)?;
    eprintln!(
        "A new API token for {} (shown once; keep it secret):",
        user.email
    );
    writeln!(out, "{secret}")?;
    Ok(())
}

/// `amble user passwd`: sets a new password read from stdin.
fn passwd(db: &Accounts, out: &mut dyn Write, a: PasswdArgs) -> Result<(), Failure> {
    let _ = a.password_stdin;
    let user = find(db, "--email", &a.email)?;
    let password = read_password()?;
    db.set_password(user.id, &password)?;
    writeln!(
        out,
        "New password for {}; its sessions and API tokens have ended.",
        user.email
    )?;
    Ok(())
}

/// `amble user unlink`: ends a coach's access to a person's journal.
fn unlink(db: &Accounts, out: &mut dyn Write, a: LinkArgs) -> Result<(), Failure> {
    let coach = find(db, "--coach", &a.coach)?;
    let person = find(db, "--person", &a.person)?;
    if db.unlink(coach.id, person.id)? {
        writeln!(
            out,
            "{} can no longer read {}'s journal.",
            coach.email, person.email
        )?;
    } else {
        writeln!(
            out,
            "{} was not linked to {}; nothing changed.",
            coach.email, person.email
        )?;
    }
    Ok(())
}

/// `amble user disable`: refuses sign-in and ends every session and token.
fn disable(db: &Accounts, out: &mut dyn Write, a: TokenArgs) -> Result<(), Failure> {
    let user = find(db, "--email", &a.email)?;
    let changed = db.set_disabled(user.id, true)?;
    writeln!(
        out,
        "{} is disabled{}: sign-in is refused and its sessions and API tokens have ended; its data is kept.",
        user.email,
        if changed { "" } else { " (it already was)" }
    )?;
    Ok(())
}

/// `amble user enable`: allows a disabled account to sign in again.
fn enable(db: &Accounts, out: &mut dyn Write, a: TokenArgs) -> Result<(), Failure> {
    let user = find(db, "--email", &a.email)?;
    let changed = db.set_disabled(user.id, false)?;
    writeln!(
        out,
        "{} {} sign in again with its password.",
        user.email,
        if changed {
            "can"
        } else {
            "was not disabled; it can"
        }
    )?;
    Ok(())
}

/// `amble user revoke-tokens`: revokes every API token of an account.
fn revoke_tokens(db: &Accounts, out: &mut dyn Write, a: TokenArgs) -> Result<(), Failure> {
    let user = find(db, "--email", &a.email)?;
    let n = db.revoke_tokens(user.id)?;
    writeln!(
        out,
        "Revoked {n} API {} of {}.",
        if n == 1 { "token" } else { "tokens" },
        user.email
    )?;
    Ok(())
}

/// `amble user invite`: makes an invite link; its id and terms go to stderr, the link alone to stdout.
fn invite(db: &Accounts, out: &mut dyn Write, a: InviteArgs) -> Result<(), Failure> {
    let site = a
        .public_url
        .as_deref()
        .map(amble_web::PublicUrl::parse)
        .transpose()
        .map_err(Failure::BadInput)?;
    let coach = find(db, "--coach", &a.coach)?;
    let secret = db.create_invite_for(&coach, a.email.as_deref())?;
    let id = &amble_store::accounts::secret_hash(&secret)[..amble_store::admin::ID_LEN];
    let whom = match &a.email {
        Some(e) => format!("only {} can accept it", e.trim().to_lowercase()),
        None => "anyone with an account who has it can accept it".into(),
    };
    eprintln!(
        "A new invite {id} from {} (shown once; it works once, for {} days; {whom}):",
        coach.email,
        amble_store::accounts::INVITE_DAYS
    );
    let path = format!("/join/{secret}");
    match site {
        Some(s) => writeln!(out, "{}{path}", s.origin())?,
        None => writeln!(out, "{path}")?,
    }
    Ok(())
}

/// `amble user invites`: lists every invite.
fn invites(db: &Accounts, out: &mut dyn Write) -> Result<(), Failure> {
    let invites = db.invites()?;
    if invites.is_empty() {
        writeln!(out, "No invites.")?;
    }
    for i in invites {
        writeln!(
            out,
            "{}  {:<7}  from {}  for {}  made {}  expires {}{}",
            i.id,
            i.state.as_str(),
            i.coach,
            i.email.as_deref().unwrap_or("anyone"),
            i.created,
            i.expires,
            i.used_by
                .map(|u| format!("  used by {u}"))
                .unwrap_or_default()
        )?;
    }
    Ok(())
}

/// `amble user revoke-invite`: revokes an open invite by its id.
fn revoke_invite(db: &Accounts, out: &mut dyn Write, a: RevokeInviteArgs) -> Result<(), Failure> {
    if db.revoke_invite(&a.id)? {
        writeln!(
            out,
            "Invite {} is revoked: it works for nobody now.",
            a.id.trim().to_lowercase()
        )?;
    } else {
        return Err(Failure::BadInput(format!(
            "--id {}: there is no open invite with this id (amble user invites lists them)",
            a.id
        )));
    }
    Ok(())
}
