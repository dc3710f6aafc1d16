//! Accounts in the SQLite journal (contract §12: a SQLite journal with users behaves as a
//! PostgreSQL database with accounts). The same rules as `accounts`' PostgreSQL methods, on the
//! tables of migration 9, in the journal file itself: each person's entries are a journal of
//! their own inside the one file. Every write is one `BEGIN IMMEDIATE` transaction, so several
//! processes (a server and `amble user ...`) share the file safely.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use amble_core::access::Role;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::accounts::{
    AccountStore, AuditRow, FAILURE_WINDOW_MINUTES, FAILURES_PER_ACCOUNT, FAILURES_PER_ADDRESS,
    INVITE_DAYS, SESSION_DAYS, User, dummy_hash, hash_password, new_secret, normalise_email,
    secret_hash, verify_password,
};
use crate::{DEFAULT_JOURNAL, Database, SqliteStore, StoreError};

/// The accounts of the SQLite journal in a folder. Cheap to clone (one shared connection; the
/// slow part, password hashing, runs outside its lock).
#[derive(Clone)]
pub struct SqliteAccounts {
    dir: PathBuf,
    conn: Arc<Mutex<Connection>>,
}

const USER: &str = "u.id, u.email, u.role, u.journal_id";

fn user_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, String, String, Option<i64>)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
}

fn to_user(
    (id, email, role, journal): (i64, String, String, Option<i64>),
) -> Result<User, StoreError> {
    Ok(User {
        id,
        email,
        role: Role::parse(&role)
            .ok_or_else(|| StoreError::Database(format!("unknown role {role:?}")))?,
        journal,
    })
}

impl SqliteAccounts {
    /// The accounts of the journal in `dir` (created and migrated like the journal itself).
    pub fn open(dir: &Path) -> Result<SqliteAccounts, StoreError> {
        let store = SqliteStore::open(dir)?;
        Ok(SqliteAccounts {
            dir: dir.to_path_buf(),
            conn: Arc::new(Mutex::new(store.into_connection())),
        })
    }

    /// The accounts if the journal exists (`None`: nothing stored yet, nothing created).
    pub fn open_existing(dir: &Path) -> Result<Option<SqliteAccounts>, StoreError> {
        if !SqliteStore::file_in(dir).exists() {
            return Ok(None);
        }
        Self::open(dir).map(Some)
    }

    pub(crate) fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn err(&self, e: rusqlite::Error) -> StoreError {
        let path = SqliteStore::file_in(&self.dir);
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                StoreError::Busy(format!("{}: {e}", path.display()))
            }
            _ => StoreError::engine(path.display().to_string(), e),
        }
    }

    fn one_user(&self, sql: &str, arg: &str) -> Result<Option<User>, StoreError> {
        self.conn()
            .query_row(sql, [arg], user_from)
            .optional()
            .map_err(|e| self.err(e))?
            .map(to_user)
            .transpose()
    }
}

impl AccountStore for SqliteAccounts {
    fn has_users(&self) -> Result<bool, StoreError> {
        self.conn()
            .query_row("SELECT EXISTS (SELECT 1 FROM users)", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    fn add_user(&self, email: &str, role: Role, password: &str) -> Result<User, StoreError> {
        let email = normalise_email(email)?;
        let hash = hash_password(password)?;
        let mut c = self.conn();
        let tx = c
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.err(e))?;
        let taken: Option<i64> = tx
            .query_row("SELECT 1 FROM users WHERE email = ?1", [&email], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.err(e))?;
        if taken.is_some() {
            return Err(StoreError::Conflict { id: email });
        }
        // The first person adopts journal 1 (the journal kept before there were accounts).
        let journal = if role != Role::Person {
            None
        } else {
            let adopted: Option<i64> = tx
                .query_row(
                    "SELECT 1 FROM users WHERE journal_id = ?1",
                    [DEFAULT_JOURNAL],
                    |r| r.get(0),
                )
                .optional()
                .map_err(|e| self.err(e))?;
            if adopted.is_none() {
                Some(DEFAULT_JOURNAL)
            } else {
                tx.execute("INSERT INTO journals DEFAULT VALUES", [])
                    .map_err(|e| self.err(e))?;
                Some(tx.last_insert_rowid())
            }
        };
        tx.execute(
            "INSERT INTO users (email, role, password_hash, journal_id) VALUES (?1, ?2, ?3, ?4)",
            params![email, role.as_str(), hash, journal],
        )
        .map_err(|e| self.err(e))?;
        let id = tx.last_insert_rowid();
        tx.commit().map_err(|e| self.err(e))?;
        Ok(User {
            id,
            email,
            role,
            journal,
        })
    }

    fn user(&self, email: &str) -> Result<Option<User>, StoreError> {
        let email = normalise_email(email)?;
        self.one_user(
            &format!("SELECT {USER} FROM users u WHERE u.email = ?1"),
            &email,
        )
    }

    fn check_password(&self, email: &str, password: &str) -> Result<Option<User>, StoreError> {
        let Ok(email) = normalise_email(email) else {
            return Ok(None);
        };
        let row = self
            .conn()
            .query_row(
                &format!("SELECT {USER}, u.password_hash FROM users u WHERE u.email = ?1"),
                [&email],
                |r| Ok((user_from(r)?, r.get::<_, String>(4)?)),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        // Hashing outside the connection's lock; an unknown email costs one hash too.
        let hash = row.as_ref().map_or_else(dummy_hash, |(_, h)| h.clone());
        let ok = verify_password(&hash, password);
        match row {
            Some((u, _)) if ok => to_user(u).map(Some),
            _ => Ok(None),
        }
    }

    fn link(&self, coach_email: &str, person_email: &str) -> Result<(), StoreError> {
        let coach = self
            .user(coach_email)?
            .ok_or_else(|| StoreError::NotFound(coach_email.to_string()))?;
        let person = self
            .user(person_email)?
            .ok_or_else(|| StoreError::NotFound(person_email.to_string()))?;
        if coach.role == Role::Person {
            return Err(StoreError::Invalid {
                id: coach.email,
                message: "is a person, not a coach or admin".into(),
            });
        }
        if person.role != Role::Person {
            return Err(StoreError::Invalid {
                id: person.email,
                message: "is not a person with a journal".into(),
            });
        }
        self.conn()
            .execute(
                "INSERT INTO coach_links (coach_id, person_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                params![coach.id, person.id],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    fn is_linked(&self, coach: i64, person: i64) -> Result<bool, StoreError> {
        self.conn()
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM coach_links WHERE coach_id = ?1 AND person_id = ?2)",
                params![coach, person],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }

    fn linked_people(&self, coach: i64) -> Result<Vec<User>, StoreError> {
        let c = self.conn();
        let mut stmt = c
            .prepare(&format!(
                "SELECT {USER} FROM coach_links l JOIN users u ON u.id = l.person_id WHERE l.coach_id = ?1 ORDER BY u.email"
            ))
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([coach], user_from)
            .map_err(|e| self.err(e))?;
        rows.map(|r| r.map_err(|e| self.err(e)).and_then(to_user))
            .collect()
    }

    fn people(&self) -> Result<Vec<User>, StoreError> {
        let c = self.conn();
        let mut stmt = c
            .prepare(&format!(
                "SELECT {USER} FROM users u WHERE u.role = 'person' ORDER BY u.email"
            ))
            .map_err(|e| self.err(e))?;
        let rows = stmt.query_map([], user_from).map_err(|e| self.err(e))?;
        rows.map(|r| r.map_err(|e| self.err(e)).and_then(to_user))
            .collect()
    }

    fn add_token(&self, user: i64) -> Result<String, StoreError> {
        let secret = new_secret()?;
        self.conn()
            .execute(
                "INSERT INTO api_tokens (token_hash, user_id) VALUES (?1, ?2)",
                params![secret_hash(&secret), user],
            )
            .map_err(|e| self.err(e))?;
        Ok(secret)
    }

    fn user_by_token(&self, secret: &str) -> Result<Option<User>, StoreError> {
        self.one_user(
            &format!("SELECT {USER} FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?1 AND t.revoked_at IS NULL AND u.password_hash NOT LIKE '$argon2id$disabled$%'"),
            &secret_hash(secret),
        )
    }

    fn create_invite(&self, coach: &User) -> Result<String, StoreError> {
        if coach.role == Role::Person {
            return Err(StoreError::Invalid {
                id: coach.email.clone(),
                message: "only a coach or admin can invite".into(),
            });
        }
        let secret = new_secret()?;
        self.conn()
            .execute(
                "INSERT INTO invites (token_hash, coach_id, expires_at) VALUES (?1, ?2, unixepoch() + ?3 * 86400)",
                params![secret_hash(&secret), coach.id, INVITE_DAYS],
            )
            .map_err(|e| self.err(e))?;
        Ok(secret)
    }

    fn invite_coach(&self, secret: &str) -> Result<Option<User>, StoreError> {
        self.one_user(
            &format!("SELECT {USER} FROM invites i JOIN users u ON u.id = i.coach_id WHERE i.token_hash = ?1 AND i.used_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > unixepoch()"),
            &secret_hash(secret),
        )
    }

    fn accept_invite(&self, secret: &str, person: &User) -> Result<bool, StoreError> {
        if person.role != Role::Person {
            return Ok(false);
        }
        let mut c = self.conn();
        let tx = c
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.err(e))?;
        let coach: Option<i64> = tx
            .query_row(
                "UPDATE invites SET used_by = ?2, used_at = unixepoch() WHERE token_hash = ?1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > unixepoch() AND (email IS NULL OR email = ?3) RETURNING coach_id",
                params![secret_hash(secret), person.id, person.email],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        let Some(coach) = coach else {
            return Ok(false);
        };
        tx.execute(
            "INSERT INTO coach_links (coach_id, person_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            params![coach, person.id],
        )
        .map_err(|e| self.err(e))?;
        tx.commit().map_err(|e| self.err(e))?;
        Ok(true)
    }

    fn new_calendar_feed(&self, person: &User) -> Result<String, StoreError> {
        if person.journal.is_none() {
            return Err(StoreError::Invalid {
                id: person.email.clone(),
                message: "has no journal, so no calendar".into(),
            });
        }
        let secret = new_secret()?;
        let mut c = self.conn();
        let tx = c
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.err(e))?;
        tx.execute(
            "UPDATE calendar_feeds SET revoked_at = unixepoch() WHERE user_id = ?1 AND revoked_at IS NULL",
            [person.id],
        )
        .map_err(|e| self.err(e))?;
        tx.execute(
            "INSERT INTO calendar_feeds (token_hash, user_id) VALUES (?1, ?2)",
            params![secret_hash(&secret), person.id],
        )
        .map_err(|e| self.err(e))?;
        tx.commit().map_err(|e| self.err(e))?;
        Ok(secret)
    }

    fn revoke_calendar_feeds(&self, person: &User) -> Result<(), StoreError> {
        self.conn()
            .execute(
                "UPDATE calendar_feeds SET revoked_at = unixepoch() WHERE user_id = ?1 AND revoked_at IS NULL",
                [person.id],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    fn calendar_feed_owner(&self, secret: &str) -> Result<Option<User>, StoreError> {
        self.one_user(
            &format!("SELECT {USER} FROM calendar_feeds f JOIN users u ON u.id = f.user_id WHERE f.token_hash = ?1 AND f.revoked_at IS NULL"),
            &secret_hash(secret),
        )
    }

    fn create_session(&self, user: i64) -> Result<String, StoreError> {
        let secret = new_secret()?;
        self.conn()
            .execute(
                "INSERT INTO sessions (token_hash, user_id, expires_at) VALUES (?1, ?2, unixepoch() + ?3 * 86400)",
                params![secret_hash(&secret), user, SESSION_DAYS],
            )
            .map_err(|e| self.err(e))?;
        Ok(secret)
    }

    fn user_by_session(&self, secret: &str) -> Result<Option<User>, StoreError> {
        self.one_user(
            &format!("SELECT {USER} FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?1 AND s.expires_at > unixepoch() AND u.password_hash NOT LIKE '$argon2id$disabled$%'"),
            &secret_hash(secret),
        )
    }

    fn end_sessions(&self, secret: &str) -> Result<(), StoreError> {
        self.conn()
            .execute(
                "DELETE FROM sessions WHERE user_id = (SELECT user_id FROM sessions WHERE token_hash = ?1)",
                [secret_hash(secret)],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    fn too_many_failures(&self, email: &str, address: &str) -> Result<bool, StoreError> {
        let c = self.conn();
        let count = |key: String| -> Result<i64, StoreError> {
            c.query_row(
                "SELECT count(*) FROM login_failures WHERE key = ?1 AND at > unixepoch() - ?2 * 60",
                params![key, FAILURE_WINDOW_MINUTES],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
        };
        let account = count(format!("email:{}", email.trim().to_lowercase()))?;
        let addr = count(format!("addr:{address}"))?;
        Ok(account >= FAILURES_PER_ACCOUNT || addr >= FAILURES_PER_ADDRESS)
    }

    fn record_failure(&self, email: &str, address: &str) -> Result<(), StoreError> {
        let mut c = self.conn();
        let tx = c
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.err(e))?;
        for key in [
            format!("email:{}", email.trim().to_lowercase()),
            format!("addr:{address}"),
        ] {
            tx.execute("INSERT INTO login_failures (key) VALUES (?1)", [key])
                .map_err(|e| self.err(e))?;
        }
        tx.commit().map_err(|e| self.err(e))
    }

    fn audit(
        &self,
        actor: i64,
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

    fn audit_event(
        &self,
        actor: Option<i64>,
        person: Option<i64>,
        action: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        self.audit_event_sqlite(actor, person, action, detail)
    }

    fn purge(&self, audit_days: Option<u32>) -> Result<crate::audit::Purged, StoreError> {
        self.purge_sqlite(audit_days)
    }

    fn audit_log(&self) -> Result<Vec<AuditRow>, StoreError> {
        let c = self.conn();
        let mut stmt = c
            .prepare("SELECT coalesce(a.email, ''), p.email, l.action, l.detail FROM audit_log l LEFT JOIN users a ON a.id = l.actor_id LEFT JOIN users p ON p.id = l.person_id ORDER BY l.id")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .map_err(|e| self.err(e))?;
        rows.map(|r| r.map_err(|e| self.err(e))).collect()
    }

    fn set_password(&self, user: i64, password: &str) -> Result<(), StoreError> {
        let hash = hash_password(password)?;
        let mut c = self.conn();
        let tx = c
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.err(e))?;
        // A disabled account stays disabled with its new password.
        tx.execute(
            "UPDATE users SET password_hash = CASE WHEN password_hash LIKE '$argon2id$disabled$%' THEN '$argon2id$disabled$' || ?2 ELSE ?2 END WHERE id = ?1",
            params![user, hash],
        )
        .map_err(|e| self.err(e))?;
        end_everything(&tx, user).map_err(|e| self.err(e))?;
        tx.commit().map_err(|e| self.err(e))
    }

    fn unlink(&self, coach: i64, person: i64) -> Result<bool, StoreError> {
        Ok(self
            .conn()
            .execute(
                "DELETE FROM coach_links WHERE coach_id = ?1 AND person_id = ?2",
                params![coach, person],
            )
            .map_err(|e| self.err(e))?
            > 0)
    }

    fn set_disabled(&self, user: i64, disabled: bool) -> Result<bool, StoreError> {
        let mut c = self.conn();
        let tx = c
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.err(e))?;
        let sql = if disabled {
            "UPDATE users SET password_hash = '$argon2id$disabled$' || password_hash WHERE id = ?1 AND password_hash NOT LIKE '$argon2id$disabled$%'"
        } else {
            "UPDATE users SET password_hash = substr(password_hash, 20) WHERE id = ?1 AND password_hash LIKE '$argon2id$disabled$%'"
        };
        let changed = tx.execute(sql, [user]).map_err(|e| self.err(e))?;
        if disabled {
            end_everything(&tx, user).map_err(|e| self.err(e))?;
        }
        tx.commit().map_err(|e| self.err(e))?;
        Ok(changed > 0)
    }

    fn revoke_tokens(&self, user: i64) -> Result<u64, StoreError> {
        let n = self
            .conn()
            .execute(
                "UPDATE api_tokens SET revoked_at = unixepoch() WHERE user_id = ?1 AND revoked_at IS NULL",
                [user],
            )
            .map_err(|e| self.err(e))?;
        Ok(n as u64)
    }

    fn revoke_token(&self, secret: &str) -> Result<(), StoreError> {
        self.conn()
            .execute(
                "UPDATE api_tokens SET revoked_at = unixepoch() WHERE token_hash = ?1 AND revoked_at IS NULL",
                [secret_hash(secret)],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    fn journal(&self, journal: i64) -> Database {
        Database::SqliteJournal(self.dir.clone(), journal)
    }
}

/// Ends every session and API token of an account, inside a transaction.
fn end_everything(tx: &rusqlite::Transaction<'_>, user: i64) -> rusqlite::Result<()> {
    tx.execute("DELETE FROM sessions WHERE user_id = ?1", [user])?;
    tx.execute(
        "UPDATE api_tokens SET revoked_at = unixepoch() WHERE user_id = ?1 AND revoked_at IS NULL",
        [user],
    )?;
    Ok(())
}
