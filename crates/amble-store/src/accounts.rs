//! Accounts (contract §12): people, coaches and admins, links from coaches to people, API
//! tokens, sessions, invites, calendar feeds and the audit log. [`AccountStore`] is the one
//! interface; PostgreSQL implements it here, the SQLite journal in `sqlite_accounts`, with the
//! same rules. Passwords are kept as Argon2id hashes (OWASP's parameters: 19 MiB, 2 passes, 1
//! lane) and tokens as SHA-256 hashes of their secrets; neither is ever logged.
//!
//! The first person added adopts journal 1, the journal kept before there were accounts, with
//! everything in it; each person after gets a new, empty journal.

use amble_core::access::Role;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::StoreError;
pub use crate::account_rules::{
    FAILURE_WINDOW_MINUTES, FAILURES_PER_ACCOUNT, FAILURES_PER_ADDRESS, INVITE_DAYS, SESSION_DAYS,
    User, new_secret, normalise_email, secret_hash,
};
use crate::postgres::PgDatabase;

/// Shortest password accepted.
pub const MIN_PASSWORD: usize = 10;

fn argon() -> Result<Argon2<'static>, StoreError> {
    let params = Params::new(19 * 1024, 2, 1, None)
        .map_err(|e| StoreError::Database(format!("password hashing: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// An Argon2id hash of `password` (PHC string, salted).
pub fn hash_password(password: &str) -> Result<String, StoreError> {
    if password.chars().count() < MIN_PASSWORD {
        return Err(StoreError::Invalid {
            id: "password".into(),
            message: format!("use at least {MIN_PASSWORD} characters"),
        });
    }
    argon()?
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Database(format!("password hashing: {e}")))
}

/// Marks a disabled account's stored hash: sign-in is refused while it is there, and enabling
/// the account again takes it off, so the password is kept. It starts like every stored hash
/// (the tables check that), so disabling needs no change of schema. The SQL of both engines
/// spells it out (`LIKE '$argon2id$disabled$%'`, `substr(password_hash, 20)`).
pub const DISABLED_MARK: &str = "$argon2id$disabled$";

/// Whether `password` matches `hash` (constant-time in the hash comparison). A disabled
/// account's hash never matches, but is checked all the same, so that the answer takes as long.
pub fn verify_password(hash: &str, password: &str) -> bool {
    let (disabled, hash) = match hash.strip_prefix(DISABLED_MARK) {
        Some(h) => (true, h),
        None => (false, hash),
    };
    let Ok(parsed) = argon2::password_hash::phc::PasswordHash::new(hash) else {
        return false;
    };
    let ok = argon().is_ok_and(|a| a.verify_password(password.as_bytes(), &parsed).is_ok());
    ok && !disabled
}

/// A real hash of a throwaway password: checking it keeps the time the same when the email is
/// unknown.
pub(crate) fn dummy_hash() -> String {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY
        .get_or_init(|| hash_password("no account has this password").unwrap_or_default())
        .clone()
}

fn user_from(row: &postgres::Row) -> Result<User, StoreError> {
    let role: String = row.get("role");
    Ok(User {
        id: row.get("id"),
        email: row.get("email"),
        role: Role::parse(&role)
            .ok_or_else(|| StoreError::Database(format!("unknown role {role:?}")))?,
        journal: row.get("journal_id"),
    })
}

impl PgDatabase {
    /// Whether any account exists (then every page and route needs a signed-in user).
    pub fn has_users(&self) -> Result<bool, StoreError> {
        self.migrate_now()?;
        let mut c = self.client()?;
        Ok(c.query_one("SELECT EXISTS (SELECT 1 FROM users)", &[])
            .map_err(|e| self.error(e))?
            .get(0))
    }

    /// A new account; a person gets a journal of their own.
    pub fn add_user(&self, email: &str, role: Role, password: &str) -> Result<User, StoreError> {
        let email = normalise_email(email)?;
        let hash = hash_password(password)?;
        self.migrate_now()?;
        let mut c = self.client()?;
        let mut tx = c.transaction().map_err(|e| self.error(e))?;
        if tx
            .query_opt("SELECT 1 FROM users WHERE email = $1", &[&email])
            .map_err(|e| self.error(e))?
            .is_some()
        {
            return Err(StoreError::Conflict { id: email });
        }
        // The first person adopts the journal kept before there were accounts (journal 1);
        // everyone after gets a new one.
        let journal: Option<i64> = if role != Role::Person {
            None
        } else if tx
            .query_opt(
                "SELECT 1 FROM users WHERE journal_id = $1",
                &[&crate::DEFAULT_JOURNAL],
            )
            .map_err(|e| self.error(e))?
            .is_none()
        {
            Some(crate::DEFAULT_JOURNAL)
        } else {
            Some(
                tx.query_one("INSERT INTO journals DEFAULT VALUES RETURNING id", &[])
                    .map_err(|e| self.error(e))?
                    .get(0),
            )
        };
        let row = tx
            .query_one(
                "INSERT INTO users (email, role, password_hash, journal_id) VALUES ($1, $2, $3, $4) RETURNING id, email, role, journal_id",
                &[&email, &role.as_str(), &hash, &journal],
            )
            .map_err(|e| self.error(e))?;
        let user = user_from(&row)?;
        tx.commit().map_err(|e| self.error(e))?;
        Ok(user)
    }

    pub fn user(&self, email: &str) -> Result<Option<User>, StoreError> {
        let email = normalise_email(email)?;
        self.migrate_now()?;
        let mut c = self.client()?;
        c.query_opt(
            "SELECT id, email, role, journal_id FROM users WHERE email = $1",
            &[&email],
        )
        .map_err(|e| self.error(e))?
        .map(|r| user_from(&r))
        .transpose()
    }

    /// The account for an email and password, or `None` (unknown email and wrong password are
    /// not told apart, and both cost one hash).
    pub fn check_password(&self, email: &str, password: &str) -> Result<Option<User>, StoreError> {
        let Ok(email) = normalise_email(email) else {
            return Ok(None);
        };
        self.migrate_now()?;
        let mut c = self.client()?;
        let row = c
            .query_opt(
                "SELECT id, email, role, journal_id, password_hash FROM users WHERE email = $1",
                &[&email],
            )
            .map_err(|e| self.error(e))?;
        let hash: String = row
            .as_ref()
            .map_or(dummy_hash(), |r| r.get("password_hash"));
        let ok = verify_password(&hash, password);
        match row {
            Some(r) if ok => user_from(&r).map(Some),
            _ => Ok(None),
        }
    }

    /// Links a coach (or admin) to a person, so they may read that person's journal.
    pub fn link(&self, coach_email: &str, person_email: &str) -> Result<(), StoreError> {
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
        let mut c = self.client()?;
        c.execute(
            "INSERT INTO coach_links (coach_id, person_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&coach.id, &person.id],
        )
        .map_err(|e| self.error(e))?;
        Ok(())
    }

    /// Whether `coach` is linked to `person`.
    pub fn is_linked(&self, coach: i64, person: i64) -> Result<bool, StoreError> {
        let mut c = self.client()?;
        Ok(c.query_one(
            "SELECT EXISTS (SELECT 1 FROM coach_links WHERE coach_id = $1 AND person_id = $2)",
            &[&coach, &person],
        )
        .map_err(|e| self.error(e))?
        .get(0))
    }

    /// The people linked to a coach, by email.
    pub fn linked_people(&self, coach: i64) -> Result<Vec<User>, StoreError> {
        let mut c = self.client()?;
        c.query(
            "SELECT u.id, u.email, u.role, u.journal_id FROM coach_links l JOIN users u ON u.id = l.person_id WHERE l.coach_id = $1 ORDER BY u.email",
            &[&coach],
        )
        .map_err(|e| self.error(e))?
        .iter()
        .map(user_from)
        .collect()
    }

    /// A new API token for an account: the secret, shown once; only its hash is kept.
    pub fn add_token(&self, user: i64) -> Result<String, StoreError> {
        let secret = new_secret()?;
        let mut c = self.client()?;
        c.execute(
            "INSERT INTO api_tokens (token_hash, user_id) VALUES ($1, $2)",
            &[&secret_hash(&secret), &user],
        )
        .map_err(|e| self.error(e))?;
        Ok(secret)
    }

    /// The account an API token belongs to, unless it was revoked.
    pub fn user_by_token(&self, secret: &str) -> Result<Option<User>, StoreError> {
        self.migrate_now()?;
        let mut c = self.client()?;
        c.query_opt(
            "SELECT u.id, u.email, u.role, u.journal_id FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.password_hash NOT LIKE '$argon2id$disabled$%'",
            &[&secret_hash(secret)],
        )
        .map_err(|e| self.error(e))?
        .map(|r| user_from(&r))
        .transpose()
    }
}

impl PgDatabase {
    /// A new invite link's secret from a coach (or admin): valid for [`INVITE_DAYS`], once.
    pub fn create_invite(&self, coach: &User) -> Result<String, StoreError> {
        if coach.role == Role::Person {
            return Err(StoreError::Invalid {
                id: coach.email.clone(),
                message: "only a coach or admin can invite".into(),
            });
        }
        let secret = new_secret()?;
        let mut c = self.client()?;
        c.execute(
            "INSERT INTO invites (token_hash, coach_id, expires_at) VALUES ($1, $2, now() + make_interval(days => $3))",
            &[&secret_hash(&secret), &coach.id, &INVITE_DAYS],
        )
        .map_err(|e| self.error(e))?;
        Ok(secret)
    }

    /// The coach an unused, unexpired invite comes from.
    pub fn invite_coach(&self, secret: &str) -> Result<Option<User>, StoreError> {
        let mut c = self.client()?;
        c.query_opt(
            "SELECT u.id, u.email, u.role, u.journal_id FROM invites i JOIN users u ON u.id = i.coach_id WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now()",
            &[&secret_hash(secret)],
        )
        .map_err(|e| self.error(e))?
        .map(|r| user_from(&r))
        .transpose()
    }

    /// A person accepts an invite: linked to the coach; the invite is used up. `false` when the
    /// invite is unknown, used or expired.
    pub fn accept_invite(&self, secret: &str, person: &User) -> Result<bool, StoreError> {
        if person.role != Role::Person {
            return Ok(false);
        }
        let mut c = self.client()?;
        let mut tx = c.transaction().map_err(|e| self.error(e))?;
        let row = tx
            .query_opt(
                "UPDATE invites SET used_by = $2, used_at = now() WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now() AND (email IS NULL OR email = $3) RETURNING coach_id",
                &[&secret_hash(secret), &person.id, &person.email],
            )
            .map_err(|e| self.error(e))?;
        let Some(row) = row else {
            return Ok(false);
        };
        let coach: i64 = row.get(0);
        tx.execute(
            "INSERT INTO coach_links (coach_id, person_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&coach, &person.id],
        )
        .map_err(|e| self.error(e))?;
        tx.commit().map_err(|e| self.error(e))?;
        Ok(true)
    }
}

impl PgDatabase {
    /// A new secret calendar-feed address for a person; earlier ones are revoked (one feed at a
    /// time, so a leaked address is shut by making a new one).
    pub fn new_calendar_feed(&self, person: &User) -> Result<String, StoreError> {
        if person.journal.is_none() {
            return Err(StoreError::Invalid {
                id: person.email.clone(),
                message: "has no journal, so no calendar".into(),
            });
        }
        let secret = new_secret()?;
        let mut c = self.client()?;
        let mut tx = c.transaction().map_err(|e| self.error(e))?;
        tx.execute(
            "UPDATE calendar_feeds SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL",
            &[&person.id],
        )
        .map_err(|e| self.error(e))?;
        tx.execute(
            "INSERT INTO calendar_feeds (token_hash, user_id) VALUES ($1, $2)",
            &[&secret_hash(&secret), &person.id],
        )
        .map_err(|e| self.error(e))?;
        tx.commit().map_err(|e| self.error(e))?;
        Ok(secret)
    }

    /// Revokes every calendar feed of a person.
    pub fn revoke_calendar_feeds(&self, person: &User) -> Result<(), StoreError> {
        let mut c = self.client()?;
        c.execute(
            "UPDATE calendar_feeds SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL",
            &[&person.id],
        )
        .map_err(|e| self.error(e))?;
        Ok(())
    }

    /// The person a live calendar-feed secret belongs to.
    pub fn calendar_feed_owner(&self, secret: &str) -> Result<Option<User>, StoreError> {
        self.migrate_now()?;
        let mut c = self.client()?;
        c.query_opt(
            "SELECT u.id, u.email, u.role, u.journal_id FROM calendar_feeds f JOIN users u ON u.id = f.user_id WHERE f.token_hash = $1 AND f.revoked_at IS NULL",
            &[&secret_hash(secret)],
        )
        .map_err(|e| self.error(e))?
        .map(|r| user_from(&r))
        .transpose()
    }
}

/// One line of the audit log: (actor email, person email, action, detail).
pub type AuditRow = (String, Option<String>, String, String);

impl PgDatabase {
    /// A new session for a user: the secret for the cookie; only its hash is kept, in the
    /// database, so any server process accepts it.
    pub fn create_session(&self, user: i64) -> Result<String, StoreError> {
        let secret = new_secret()?;
        let mut c = self.client()?;
        c.execute(
            "INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, now() + make_interval(days => $3))",
            &[&secret_hash(&secret), &user, &SESSION_DAYS],
        )
        .map_err(|e| self.error(e))?;
        Ok(secret)
    }

    /// The user a session belongs to, while it lasts.
    pub fn user_by_session(&self, secret: &str) -> Result<Option<User>, StoreError> {
        self.migrate_now()?;
        let mut c = self.client()?;
        c.query_opt(
            "SELECT u.id, u.email, u.role, u.journal_id FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > now() AND u.password_hash NOT LIKE '$argon2id$disabled$%'",
            &[&secret_hash(secret)],
        )
        .map_err(|e| self.error(e))?
        .map(|r| user_from(&r))
        .transpose()
    }

    /// Signs out everywhere: every session of the user the secret belongs to ends.
    pub fn end_sessions(&self, secret: &str) -> Result<(), StoreError> {
        let mut c = self.client()?;
        c.execute(
            "DELETE FROM sessions WHERE user_id = (SELECT user_id FROM sessions WHERE token_hash = $1)",
            &[&secret_hash(secret)],
        )
        .map_err(|e| self.error(e))?;
        Ok(())
    }

    /// Whether sign-ins for this account or from this address are paused for too many
    /// failures.
    pub fn too_many_failures(&self, email: &str, address: &str) -> Result<bool, StoreError> {
        self.migrate_now()?;
        let mut c = self.client()?;
        let count = |c: &mut postgres::Client, key: String| -> Result<i64, StoreError> {
            Ok(c.query_one(
                "SELECT count(*) FROM login_failures WHERE key = $1 AND at > now() - make_interval(mins => $2)",
                &[&key, &FAILURE_WINDOW_MINUTES],
            )
            .map_err(|e| self.error(e))?
            .get(0))
        };
        let account = count(&mut c, format!("email:{}", email.trim().to_lowercase()))?;
        let addr = count(&mut c, format!("addr:{address}"))?;
        Ok(account >= FAILURES_PER_ACCOUNT || addr >= FAILURES_PER_ADDRESS)
    }

    /// Records a failed sign-in for the account and the address.
    pub fn record_failure(&self, email: &str, address: &str) -> Result<(), StoreError> {
        let mut c = self.client()?;
        for key in [
            format!("email:{}", email.trim().to_lowercase()),
            format!("addr:{address}"),
        ] {
            c.execute("INSERT INTO login_failures (key) VALUES ($1)", &[&key])
                .map_err(|e| self.error(e))?;
        }
        Ok(())
    }

    /// Appends to the audit log: who read or changed whose data.
    pub fn audit(
        &self,
        actor: i64,
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

    /// The audit log, newest last.
    pub fn audit_log(&self) -> Result<Vec<AuditRow>, StoreError> {
        let mut c = self.client()?;
        Ok(c.query(
            "SELECT coalesce(a.email, ''), p.email, l.action, l.detail FROM audit_log l LEFT JOIN users a ON a.id = l.actor_id LEFT JOIN users p ON p.id = l.person_id ORDER BY l.id",
            &[],
        )
        .map_err(|e| self.error(e))?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect())
    }
}

impl PgDatabase {
    /// A new password; every session and API token of the account ends.
    pub fn set_password(&self, user: i64, password: &str) -> Result<(), StoreError> {
        let hash = hash_password(password)?;
        let mut c = self.client()?;
        let mut tx = c.transaction().map_err(|e| self.error(e))?;
        // A disabled account stays disabled with its new password.
        tx.execute(
            "UPDATE users SET password_hash = CASE WHEN password_hash LIKE '$argon2id$disabled$%' THEN '$argon2id$disabled$' || $2 ELSE $2 END WHERE id = $1",
            &[&user, &hash],
        )
        .map_err(|e| self.error(e))?;
        end_everything_pg(self, &mut tx, user)?;
        tx.commit().map_err(|e| self.error(e))
    }

    /// Ends a coach's link to a person; `false` when there was none.
    pub fn unlink(&self, coach: i64, person: i64) -> Result<bool, StoreError> {
        let mut c = self.client()?;
        Ok(c.execute(
            "DELETE FROM coach_links WHERE coach_id = $1 AND person_id = $2",
            &[&coach, &person],
        )
        .map_err(|e| self.error(e))?
            > 0)
    }

    /// Disables an account (sign-in refused, sessions and tokens ended, data kept) or enables
    /// it again. `false` when it already was so.
    pub fn set_disabled(&self, user: i64, disabled: bool) -> Result<bool, StoreError> {
        let mut c = self.client()?;
        let mut tx = c.transaction().map_err(|e| self.error(e))?;
        let changed = if disabled {
            tx.execute(
                "UPDATE users SET password_hash = '$argon2id$disabled$' || password_hash WHERE id = $1 AND password_hash NOT LIKE '$argon2id$disabled$%'",
                &[&user],
            )
        } else {
            tx.execute(
                "UPDATE users SET password_hash = substr(password_hash, 20) WHERE id = $1 AND password_hash LIKE '$argon2id$disabled$%'",
                &[&user],
            )
        }
        .map_err(|e| self.error(e))?;
        if disabled {
            end_everything_pg(self, &mut tx, user)?;
        }
        tx.commit().map_err(|e| self.error(e))?;
        Ok(changed > 0)
    }

    /// Revokes every API token of an account; how many were live.
    pub fn revoke_tokens(&self, user: i64) -> Result<u64, StoreError> {
        let mut c = self.client()?;
        c.execute(
            "UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL",
            &[&user],
        )
        .map_err(|e| self.error(e))
    }

    /// Revokes one API token (a bearer sign-out).
    pub fn revoke_token(&self, secret: &str) -> Result<(), StoreError> {
        let mut c = self.client()?;
        c.execute(
            "UPDATE api_tokens SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL",
            &[&secret_hash(secret)],
        )
        .map_err(|e| self.error(e))?;
        Ok(())
    }
}

/// Ends every session and API token of an account, inside a transaction.
fn end_everything_pg(
    pg: &PgDatabase,
    tx: &mut postgres::Transaction<'_>,
    user: i64,
) -> Result<(), StoreError> {
    tx.execute("DELETE FROM sessions WHERE user_id = $1", &[&user])
        .map_err(|e| pg.error(e))?;
    tx.execute(
        "UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL",
        &[&user],
    )
    .map_err(|e| pg.error(e))?;
    Ok(())
}

/// Accounts, whichever engine keeps them: the same methods, rules and answers on PostgreSQL
/// and in the SQLite journal (the store contract suite runs on both).
pub trait AccountStore: crate::admin::AdminStore + Send + Sync {
    /// Whether any account exists (then every page and route needs a signed-in user).
    fn has_users(&self) -> Result<bool, StoreError>;
    /// A new account; a person gets a journal (the first person adopts journal 1).
    fn add_user(&self, email: &str, role: Role, password: &str) -> Result<User, StoreError>;
    fn user(&self, email: &str) -> Result<Option<User>, StoreError>;
    /// The account for an email and password, or `None`.
    fn check_password(&self, email: &str, password: &str) -> Result<Option<User>, StoreError>;
    fn link(&self, coach_email: &str, person_email: &str) -> Result<(), StoreError>;
    fn is_linked(&self, coach: i64, person: i64) -> Result<bool, StoreError>;
    fn linked_people(&self, coach: i64) -> Result<Vec<User>, StoreError>;
    /// The people linked to a coach, by email, each with their journal's version where the
    /// engine can tell it in the same query (`None`: ask the journal).
    fn linked_people_versions(&self, coach: i64) -> Result<Vec<(User, Option<i64>)>, StoreError> {
        Ok(self
            .linked_people(coach)?
            .into_iter()
            .map(|u| (u, None))
            .collect())
    }
    /// Every person (with a journal), by email.
    fn people(&self) -> Result<Vec<User>, StoreError>;
    fn add_token(&self, user: i64) -> Result<String, StoreError>;
    fn user_by_token(&self, secret: &str) -> Result<Option<User>, StoreError>;
    fn create_invite(&self, coach: &User) -> Result<String, StoreError>;
    fn invite_coach(&self, secret: &str) -> Result<Option<User>, StoreError>;
    fn accept_invite(&self, secret: &str, person: &User) -> Result<bool, StoreError>;
    fn new_calendar_feed(&self, person: &User) -> Result<String, StoreError>;
    fn revoke_calendar_feeds(&self, person: &User) -> Result<(), StoreError>;
    fn calendar_feed_owner(&self, secret: &str) -> Result<Option<User>, StoreError>;
    fn create_session(&self, user: i64) -> Result<String, StoreError>;
    fn user_by_session(&self, secret: &str) -> Result<Option<User>, StoreError>;
    fn end_sessions(&self, secret: &str) -> Result<(), StoreError>;
    fn too_many_failures(&self, email: &str, address: &str) -> Result<bool, StoreError>;
    fn record_failure(&self, email: &str, address: &str) -> Result<(), StoreError>;
    fn audit(
        &self,
        actor: i64,
        person: Option<i64>,
        action: &str,
        detail: &str,
    ) -> Result<(), StoreError>;
    /// Appends to the audit log; `actor` is `None` when nobody is known (a failed sign-in).
    fn audit_event(
        &self,
        actor: Option<i64>,
        person: Option<i64>,
        action: &str,
        detail: &str,
    ) -> Result<(), StoreError>;
    /// Removes expired sessions and old sign-in failures and, with `audit_days`, audit records
    /// older than that many days (`amble db purge`).
    fn purge(&self, audit_days: Option<u32>) -> Result<crate::audit::Purged, StoreError>;
    fn audit_log(&self) -> Result<Vec<AuditRow>, StoreError>;
    /// A new password; every session and API token of the account ends at once.
    fn set_password(&self, user: i64, password: &str) -> Result<(), StoreError>;
    /// Ends a coach's link to a person; `false` when there was none.
    fn unlink(&self, coach: i64, person: i64) -> Result<bool, StoreError>;
    /// Disables an account (sign-in refused, sessions and tokens ended, data kept) or enables
    /// it again; `false` when it already was so.
    fn set_disabled(&self, user: i64, disabled: bool) -> Result<bool, StoreError>;
    /// Revokes every API token of an account; how many were live.
    fn revoke_tokens(&self, user: i64) -> Result<u64, StoreError>;
    /// Revokes one API token (a bearer sign-out).
    fn revoke_token(&self, secret: &str) -> Result<(), StoreError>;
    /// One person's journal in the same storage.
    fn journal(&self, journal: i64) -> crate::Database;
}

/// Accounts of either engine, cheap to clone.
#[derive(Clone)]
pub struct Accounts(std::sync::Arc<dyn AccountStore>);

impl Accounts {
    pub fn new(store: impl AccountStore + 'static) -> Accounts {
        Accounts(std::sync::Arc::new(store))
    }
}

impl std::ops::Deref for Accounts {
    type Target = dyn AccountStore;
    fn deref(&self) -> &Self::Target {
        &*self.0
    }
}

impl From<PgDatabase> for Accounts {
    fn from(pg: PgDatabase) -> Accounts {
        Accounts::new(pg)
    }
}

impl From<crate::SqliteAccounts> for Accounts {
    fn from(s: crate::SqliteAccounts) -> Accounts {
        Accounts::new(s)
    }
}

/// PostgreSQL's accounts: the methods above.
impl AccountStore for PgDatabase {
    fn has_users(&self) -> Result<bool, StoreError> {
        PgDatabase::has_users(self)
    }
    fn add_user(&self, email: &str, role: Role, password: &str) -> Result<User, StoreError> {
        PgDatabase::add_user(self, email, role, password)
    }
    fn user(&self, email: &str) -> Result<Option<User>, StoreError> {
        PgDatabase::user(self, email)
    }
    fn check_password(&self, email: &str, password: &str) -> Result<Option<User>, StoreError> {
        PgDatabase::check_password(self, email, password)
    }
    fn link(&self, coach_email: &str, person_email: &str) -> Result<(), StoreError> {
        PgDatabase::link(self, coach_email, person_email)
    }
    fn is_linked(&self, coach: i64, person: i64) -> Result<bool, StoreError> {
        PgDatabase::is_linked(self, coach, person)
    }
    fn linked_people(&self, coach: i64) -> Result<Vec<User>, StoreError> {
        PgDatabase::linked_people(self, coach)
    }
    fn linked_people_versions(&self, coach: i64) -> Result<Vec<(User, Option<i64>)>, StoreError> {
        PgDatabase::linked_people_versions(self, coach)
    }
    fn people(&self) -> Result<Vec<User>, StoreError> {
        self.migrate_now()?;
        let mut c = self.client()?;
        c.query(
            "SELECT id, email, role, journal_id FROM users WHERE role = 'person' ORDER BY email",
            &[],
        )
        .map_err(|e| self.error(e))?
        .iter()
        .map(user_from)
        .collect()
    }
    fn add_token(&self, user: i64) -> Result<String, StoreError> {
        PgDatabase::add_token(self, user)
    }
    fn user_by_token(&self, secret: &str) -> Result<Option<User>, StoreError> {
        PgDatabase::user_by_token(self, secret)
    }
    fn create_invite(&self, coach: &User) -> Result<String, StoreError> {
        PgDatabase::create_invite(self, coach)
    }
    fn invite_coach(&self, secret: &str) -> Result<Option<User>, StoreError> {
        PgDatabase::invite_coach(self, secret)
    }
    fn accept_invite(&self, secret: &str, person: &User) -> Result<bool, StoreError> {
        PgDatabase::accept_invite(self, secret, person)
    }
    fn new_calendar_feed(&self, person: &User) -> Result<String, StoreError> {
        PgDatabase::new_calendar_feed(self, person)
    }
    fn revoke_calendar_feeds(&self, person: &User) -> Result<(), StoreError> {
        PgDatabase::revoke_calendar_feeds(self, person)
    }
    fn calendar_feed_owner(&self, secret: &str) -> Result<Option<User>, StoreError> {
        PgDatabase::calendar_feed_owner(self, secret)
    }
    fn create_session(&self, user: i64) -> Result<String, StoreError> {
        PgDatabase::create_session(self, user)
    }
    fn user_by_session(&self, secret: &str) -> Result<Option<User>, StoreError> {
        PgDatabase::user_by_session(self, secret)
    }
    fn end_sessions(&self, secret: &str) -> Result<(), StoreError> {
        PgDatabase::end_sessions(self, secret)
    }
    fn too_many_failures(&self, email: &str, address: &str) -> Result<bool, StoreError> {
        PgDatabase::too_many_failures(self, email, address)
    }
    fn record_failure(&self, email: &str, address: &str) -> Result<(), StoreError> {
        PgDatabase::record_failure(self, email, address)
    }
    fn audit(
        &self,
        actor: i64,
        person: Option<i64>,
        action: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        PgDatabase::audit(self, actor, person, action, detail)
    }
    fn audit_event(
        &self,
        actor: Option<i64>,
        person: Option<i64>,
        action: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        PgDatabase::audit_event(self, actor, person, action, detail)
    }
    fn purge(&self, audit_days: Option<u32>) -> Result<crate::audit::Purged, StoreError> {
        PgDatabase::purge(self, audit_days)
    }
    fn audit_log(&self) -> Result<Vec<AuditRow>, StoreError> {
        PgDatabase::audit_log(self)
    }
    fn set_password(&self, user: i64, password: &str) -> Result<(), StoreError> {
        PgDatabase::set_password(self, user, password)
    }
    fn unlink(&self, coach: i64, person: i64) -> Result<bool, StoreError> {
        PgDatabase::unlink(self, coach, person)
    }
    fn set_disabled(&self, user: i64, disabled: bool) -> Result<bool, StoreError> {
        PgDatabase::set_disabled(self, user, disabled)
    }
    fn revoke_tokens(&self, user: i64) -> Result<u64, StoreError> {
        PgDatabase::revoke_tokens(self, user)
    }
    fn revoke_token(&self, secret: &str) -> Result<(), StoreError> {
        PgDatabase::revoke_token(self, secret)
    }
    fn journal(&self, journal: i64) -> crate::Database {
        crate::Database::Postgres(self.clone(), journal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let h = hash_password("correct horse battery").unwrap_or_else(|e| panic!("{e}"));
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_password(&h, "correct horse battery"));
        assert!(!verify_password(&h, "correct horse batterz"));
        assert!(!verify_password("not a hash", "x"));
        assert!(hash_password("short").is_err());
        assert_eq!(DISABLED_MARK.len() + 1, 20, "the SQL's substr");
        let disabled = format!("{DISABLED_MARK}{h}");
        assert!(!verify_password(&disabled, "correct horse battery"));
        let again = hash_password("correct horse battery").unwrap_or_else(|e| panic!("{e}"));
        assert_ne!(h, again, "salted");
    }

    #[test]
    fn secrets_are_random_and_stored_hashed() {
        let a = new_secret().unwrap_or_else(|e| panic!("{e}"));
        let b = new_secret().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(secret_hash(&a).len(), 64);
        assert_ne!(secret_hash(&a), a);
        assert_eq!(
            secret_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            normalise_email(" Ann@Clinic.Example ").ok().as_deref(),
            Some("ann@clinic.example")
        );
        for bad in [
            "",
            "ann",
            "@x",
            "ann@",
            "a nn@x.org",
            "ann\u{7}@x.org",
            "gro.x@\u{202E}ann",
            "ann@x.org\u{2069}",
        ] {
            assert!(normalise_email(bad).is_err(), "{bad}");
        }
    }
}
