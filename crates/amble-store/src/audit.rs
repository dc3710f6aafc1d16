//! The audit log's writers and its retention (contract §12), on both engines: an event with or
//! without an actor (a failed sign-in has none), and the purge of what has expired (sessions,
//! old sign-in failures, and audit records older than a clinic's retention period).
//!
//! On PostgreSQL the servers' role may only INSERT and SELECT on the audit log (`roles`), so
//! only the owner can purge it; expired sessions and failures can be purged by either role.

use rusqlite::{TransactionBehavior, params};

use crate::account_rules::{FAILURE_WINDOW_MINUTES, PAIR_MEMORY_HOURS};
use crate::{PgDatabase, SqliteAccounts, StoreError};

/// Sign-in failures are kept this long (longer than any throttling window), then purged.
pub const FAILURES_KEPT_HOURS: i32 = 24;
/// The longest audit retention accepted, in days (a hundred years: "keep it").
pub const MAX_RETENTION_DAYS: u32 = 36_500;

/// What a purge removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    /// Audit records older than the retention period.
    pub audit_records: u64,
    /// Sessions past their expiry.
    pub sessions: u64,
    /// Failed sign-ins older than [`FAILURES_KEPT_HOURS`], and account-and-address pairs
    /// forgotten a day after their last failure.
    pub sign_in_failures: u64,
}

const _: () = assert!(FAILURES_KEPT_HOURS * 60 > FAILURE_WINDOW_MINUTES);

fn check_days(days: Option<u32>) -> Result<(), StoreError> {
    match days {
        Some(d) if d == 0 || d > MAX_RETENTION_DAYS => Err(StoreError::Invalid {
            id: String::new(),
            message: format!(
                "--audit-retention-days: expected 1 to {MAX_RETENTION_DAYS} days, found {d}"
            ),
        }),
        _ => Ok(()),
    }
}

impl PgDatabase {
    /// Appends to the audit log; `actor` is `None` when nobody is known (a failed sign-in).
    pub fn audit_event(
        &self,
        actor: Option<i64>,
        person: Option<i64>,
        action: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        let mut c = self.client()?;
        c.execute(
            "INSERT INTO audit_log (actor_id, person_id, action, detail) VALUES ($1, $2, $3, $4)",
            &[&actor, &person, &action, &detail],
        )
        .map_err(|e| self.error(e))?;
        Ok(())
    }

    /// Removes expired sessions and old sign-in failures, and, with `audit_days`, audit
    /// records older than that many days (as the owner only: the servers' role may not).
    pub fn purge(&self, audit_days: Option<u32>) -> Result<Purged, StoreError> {
        check_days(audit_days)?;
        self.migrate_now()?;
        let mut c = self.client()?;
        let mut tx = c.transaction().map_err(|e| self.error(e))?;
        let mut out = Purged {
            sessions: tx
                .execute("DELETE FROM sessions WHERE expires_at <= now()", &[])
                .map_err(|e| self.error(e))?,
            sign_in_failures: tx
                .execute(
                    "DELETE FROM login_failures WHERE at < now() - make_interval(hours => $1)",
                    &[&FAILURES_KEPT_HOURS],
                )
                .map_err(|e| self.error(e))?,
            audit_records: 0,
        };
        // Account-and-address pairs whose failures are forgotten anyway (a day after the last).
        out.sign_in_failures += tx
            .execute(
                "DELETE FROM sign_in_throttle WHERE last_at < now() - make_interval(hours => $1)",
                &[&PAIR_MEMORY_HOURS],
            )
            .map_err(|e| self.error(e))?;
        if let Some(days) = audit_days {
            let days = i32::try_from(days).unwrap_or(i32::MAX);
            // The trigger lets through only rows older than this transaction's cutoff.
            tx.execute(
                "SELECT set_config('amble.audit_purge_before', (now() - make_interval(days => $1))::text, true)",
                &[&days],
            )
            .map_err(|e| self.error(e))?;
            out.audit_records = tx
                .execute(
                    "DELETE FROM audit_log WHERE at < now() - make_interval(days => $1)",
                    &[&days],
                )
                .map_err(|e| {
                    self.msg(format!(
                        "{e} (only the database's owner may purge the audit log: use the owner's address, as for amble db migrate)"
                    ))
                })?;
        }
        tx.commit().map_err(|e| self.error(e))?;
        Ok(out)
    }
}

impl SqliteAccounts {
    pub(crate) fn audit_event_sqlite(
        &self,
        actor: Option<i64>,
        person: Option<i64>,
        action: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        self.conn()
            .execute(
                "INSERT INTO audit_log (actor_id, person_id, action, detail) VALUES (?1, ?2, ?3, ?4)",
                params![actor, person, action, detail],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    pub(crate) fn purge_sqlite(&self, audit_days: Option<u32>) -> Result<Purged, StoreError> {
        check_days(audit_days)?;
        let mut c = self.conn();
        let tx = c
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.err(e))?;
        let mut out = Purged {
            sessions: tx
                .execute("DELETE FROM sessions WHERE expires_at <= unixepoch()", [])
                .map_err(|e| self.err(e))? as u64,
            sign_in_failures: tx
                .execute(
                    "DELETE FROM login_failures WHERE at < unixepoch() - ?1 * 3600",
                    [FAILURES_KEPT_HOURS],
                )
                .map_err(|e| self.err(e))? as u64,
            audit_records: 0,
        };
        // Account-and-address pairs whose failures are forgotten anyway (a day after the last).
        out.sign_in_failures += tx
            .execute(
                "DELETE FROM sign_in_throttle WHERE julianday(last_at) < julianday('now') - ?1 / 24.0",
                [PAIR_MEMORY_HOURS],
            )
            .map_err(|e| self.err(e))? as u64;
        if let Some(days) = audit_days {
            // The trigger lets through only rows older than the cutoff written here, for this
            // transaction only.
            let cutoff = format!("-{days} days");
            tx.execute(
                "INSERT INTO audit_purge (before) VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?1))",
                [&cutoff],
            )
            .map_err(|e| self.err(e))?;
            out.audit_records = tx
                .execute(
                    "DELETE FROM audit_log WHERE at < (SELECT before FROM audit_purge)",
                    [],
                )
                .map_err(|e| self.err(e))? as u64;
            tx.execute("DELETE FROM audit_purge", [])
                .map_err(|e| self.err(e))?;
        }
        tx.commit().map_err(|e| self.err(e))?;
        Ok(out)
    }
}
