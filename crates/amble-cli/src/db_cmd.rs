//! `amble db migrate | purge` (contract §12): the schema is changed by the database's owner
//! only, never by a server; what has expired is purged on a schedule the clinic chooses.

use amble_store::{Database, SqliteAccounts, SqliteStore};
use clap::{Args, Subcommand};

use crate::Global;
use crate::failure::Failure;

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Create or update the schema, as the database's owner. With --app-role (PostgreSQL),
    /// grant the servers' role only what they need: on the audit log INSERT and SELECT.
    Migrate(MigrateArgs),
    /// Remove expired sessions and old sign-in failures; with --audit-retention-days, also
    /// audit records older than that (on PostgreSQL: as the owner).
    Purge(PurgeArgs),
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The role the servers connect as (it must exist, and not be the owner or a superuser).
    #[arg(long, value_name = "ROLE")]
    app_role: Option<String>,
}

#[derive(Debug, Args)]
pub struct PurgeArgs {
    /// Keep audit records this many days (1 to 36500); without it the audit log is kept whole.
    #[arg(long, value_name = "DAYS")]
    audit_retention_days: Option<u32>,
}

pub fn run(global: &Global, cmd: DbCommand) -> Result<(), Failure> {
    match cmd {
        DbCommand::Migrate(args) => migrate(global, &args),
        DbCommand::Purge(args) => purge(global, &args),
    }
}

fn migrate(global: &Global, args: &MigrateArgs) -> Result<(), Failure> {
    let storage = global.storage()?;
    let (from, to, role) = match &storage {
        Database::Postgres(db, _) => {
            let m = db.migrate_as_owner(args.app_role.as_deref())?;
            (Some(m.from), m.to, m.app_role)
        }
        Database::Sqlite(dir) | Database::SqliteJournal(dir, _) => {
            if args.app_role.is_some() {
                return Err(Failure::BadInput(
                    "--app-role: roles are PostgreSQL's; a SQLite journal belongs to whoever can open its file (leave --app-role out)".into(),
                ));
            }
            SqliteStore::open(dir)?;
            (None, amble_store::SCHEMA_VERSION, None)
        }
    };
    if global.json {
        println!(
            "{}",
            serde_json::json!({"schema_version": to, "from": from, "app_role": role})
        );
    } else {
        let was = from.map_or(String::new(), |f| format!(" (was {f})"));
        match &role {
            Some(r) => println!(
                "{}: schema version {to}{was}; role {r} may use it as a server (on the audit log INSERT and SELECT only).",
                storage.describe()
            ),
            None => println!("{}: schema version {to}{was}.", storage.describe()),
        }
    }
    Ok(())
}

fn purge(global: &Global, args: &PurgeArgs) -> Result<(), Failure> {
    let storage = global.storage()?;
    let purged = match &storage {
        Database::Postgres(db, _) => db.purge(args.audit_retention_days)?,
        Database::Sqlite(dir) | Database::SqliteJournal(dir, _) => {
            match SqliteAccounts::open_existing(dir)? {
                Some(a) => amble_store::AccountStore::purge(&a, args.audit_retention_days)?,
                None => {
                    // Nothing stored yet; still check the flag.
                    if let Some(d) = args.audit_retention_days
                        && (d == 0 || d > amble_store::audit::MAX_RETENTION_DAYS)
                    {
                        return Err(Failure::BadInput(format!(
                            "--audit-retention-days: expected 1 to {} days, found {d}",
                            amble_store::audit::MAX_RETENTION_DAYS
                        )));
                    }
                    amble_store::Purged::default()
                }
            }
        }
    };
    if global.json {
        println!(
            "{}",
            serde_json::json!({
                "audit_records": purged.audit_records,
                "sessions": purged.sessions,
                "sign_in_failures": purged.sign_in_failures,
            })
        );
    } else {
        println!(
            "Purged {} expired session(s), {} old sign-in failure(s) and {} audit record(s){}.",
            purged.sessions,
            purged.sign_in_failures,
            purged.audit_records,
            match args.audit_retention_days {
                Some(d) => format!(" older than {d} days"),
                None => " (the audit log is kept whole without --audit-retention-days)".into(),
            }
        );
    }
    Ok(())
}
