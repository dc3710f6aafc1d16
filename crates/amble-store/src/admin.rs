//! What an admin sees and does (`/admin`, `amble user invite|invites|revoke-invite`), and the
//! sign-in throttle, on both engines with the same rules ([`AdminStore`], which every
//! [`crate::AccountStore`] has).
//!
//! Invites and API tokens are named by an id: the first [`ID_LEN`] hex characters of the hash
//! that is stored for their secret. The id never reveals the secret, so it may be shown and
//! typed; the secret itself is shown once, when it is made.
//!
//! Sign-in throttling (docs/web.md): failures are counted per account *and* address pair; from
//! the [`FREE_FAILURES`]th on, each further try of that pair waits a delay that doubles, up to
//! [`MAX_DELAY_SECS`]. Nothing locks an account: the right password from another address always
//! works, and from the same address once the delay has passed. A success clears the pair. Beside
//! it the per-address limit stays (`FAILURES_PER_ADDRESS` failures in `FAILURE_WINDOW_MINUTES`,
//! whatever the accounts).

use amble_core::access::Role;
use jiff::civil::Date;
use rusqlite::{OptionalExtension, params};

pub use crate::account_rules::PAIR_MEMORY_HOURS;
use crate::account_rules::{
    FAILURE_WINDOW_MINUTES, FAILURES_PER_ADDRESS, INVITE_DAYS, User, new_secret, normalise_email,
    secret_hash,
};
use crate::postgres::PgDatabase;
use crate::{SqliteAccounts, StoreError};

/// Hex characters of a secret's stored hash that name an invite or a token.
pub const ID_LEN: usize = 16;
/// Failures of one account and address pair that cost nothing.
pub const FREE_FAILURES: i64 = 3;
/// The longest delay between two tries of one pair, seconds.
pub const MAX_DELAY_SECS: f64 = 900.0;
/// Most audit lines one listing returns.
pub const AUDIT_LIMIT: u32 = 500;

/// The delay before the next try of a pair with `failures` failures, seconds: none for the first
/// [`FREE_FAILURES`], then 1, 2, 4, ... up to [`MAX_DELAY_SECS`].
pub fn sign_in_delay(failures: i64) -> f64 {
    if failures < FREE_FAILURES {
        0.0
    } else {
        let steps = (failures - FREE_FAILURES).min(30) as i32;
        2f64.powi(steps).min(MAX_DELAY_SECS)
    }
}

/// One account, as the admin page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    pub email: String,
    pub role: Role,
    pub disabled: bool,
    /// `YYYY-MM-DD HH:MM`, UTC.
    pub created: String,
}

/// A coach's (or admin's) link to a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRow {
    pub coach: String,
    pub person: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InviteState {
    Open,
    Used,
    Revoked,
    Expired,
}

impl InviteState {
    pub fn as_str(self) -> &'static str {
        match self {
            InviteState::Open => "open",
            InviteState::Used => "used",
            InviteState::Revoked => "revoked",
            InviteState::Expired => "expired",
        }
    }
}

/// One invite link (its secret is never kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteRow {
    pub id: String,
    pub coach: String,
    /// The only account that may accept it, when bound.
    pub email: Option<String>,
    pub created: String,
    pub expires: String,
    pub state: InviteState,
    pub used_by: Option<String>,
}

/// One API token (its secret is never kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    pub id: String,
    pub email: String,
    pub created: String,
    pub revoked: bool,
}

/// Which audit lines to list: all filters optional; dates inclusive, UTC.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Lines where this account acted or whose data it was.
    pub user: Option<String>,
    /// The action exactly (`read`, `write`, ...).
    pub action: Option<String>,
    pub from: Option<Date>,
    pub to: Option<Date>,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// `YYYY-MM-DD HH:MM:SS`, UTC.
    pub at: String,
    pub actor: Option<String>,
    pub person: Option<String>,
    pub action: String,
    pub detail: String,
}

/// An invite or token id as typed: hex, [`ID_LEN`] long.
fn check_id(id: &str) -> Result<String, StoreError> {
    let id = id.trim().to_ascii_lowercase();
    if id.len() == ID_LEN && id.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(id)
    } else {
        Err(StoreError::Invalid {
            id: "id".into(),
            message: format!("{id:?} is not an id: expected {ID_LEN} hex characters"),
        })
    }
}

fn bound_email(email: Option<&str>) -> Result<Option<String>, StoreError> {
    email
        .filter(|e| !e.trim().is_empty())
        .map(normalise_email)
        .transpose()
}

fn may_invite(coach: &User) -> Result<(), StoreError> {
    if coach.role == Role::Person {
        return Err(StoreError::Invalid {
            id: coach.email.clone(),
            message: "only a coach or admin can invite".into(),
        });
    }
    Ok(())
}

/// The account half of a throttle pair: the email as typed, trimmed, lower case, bounded (an
/// unknown or malformed one is counted too, so that guessing names costs the same).
fn key(email: &str) -> String {
    email.trim().to_lowercase().chars().take(254).collect()
}

/// The wait, whole seconds rounded up, from a delay and the time since the last failure.
fn remaining(delay: f64, age: f64) -> Option<u32> {
    let left = delay - age;
    (left > 0.0).then(|| left.ceil().clamp(1.0, MAX_DELAY_SECS) as u32)
}

/// What an admin sees and does, and the sign-in throttle (see the module documentation).
pub trait AdminStore {
    /// Every account, by email.
    fn users(&self) -> Result<Vec<UserRow>, StoreError>;
    /// Every link, by coach then person.
    fn links(&self) -> Result<Vec<LinkRow>, StoreError>;
    /// A new invite's secret from a coach (or admin), valid [`INVITE_DAYS`], once; bound to
    /// `email` when given (then only that account can accept it).
    fn create_invite_for(&self, coach: &User, email: Option<&str>) -> Result<String, StoreError>;
    /// The coach of an open invite that `person` may accept (unused, unexpired, not revoked, and
    /// bound to nobody or to them).
    fn invite_for(&self, secret: &str, person: &User) -> Result<Option<User>, StoreError>;
    /// Every invite, newest first.
    fn invites(&self) -> Result<Vec<InviteRow>, StoreError>;
    /// Revokes an open invite; `false` when there is no open invite with this id.
    fn revoke_invite(&self, id: &str) -> Result<bool, StoreError>;
    /// Every API token, newest first.
    fn tokens(&self) -> Result<Vec<TokenRow>, StoreError>;
    /// Revokes one live API token by its id; `false` when there is none.
    fn revoke_token_id(&self, id: &str) -> Result<bool, StoreError>;
    /// The audit log, newest first, at most [`AUDIT_LIMIT`] lines.
    fn audit_list(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError>;
    /// Seconds this account and address pair must still wait (its growing delay), or this
    /// address (too many failures for any account); `None`: go ahead.
    fn sign_in_wait(&self, email: &str, address: &str) -> Result<Option<u32>, StoreError>;
    /// A wrong password (or unknown account) for this pair.
    fn sign_in_failed(&self, email: &str, address: &str) -> Result<(), StoreError>;
    /// A success: the pair starts again from nothing.
    fn sign_in_succeeded(&self, email: &str, address: &str) -> Result<(), StoreError>;
}

fn role(text: &str) -> Result<Role, StoreError> {
    Role::parse(text).ok_or_else(|| StoreError::Database(format!("unknown role {text:?}")))
}

fn invite_state(used: bool, revoked: bool, expired: bool) -> InviteState {
    if used {
        InviteState::Used
    } else if revoked {
        InviteState::Revoked
    } else if expired {
        InviteState::Expired
    } else {
        InviteState::Open
    }
}

const PG_TIME: &str = "'YYYY-MM-DD HH24:MI'";

impl AdminStore for PgDatabase {
    fn users(&self) -> Result<Vec<UserRow>, StoreError> {
        self.migrate_now()?;
        let mut c = self.client()?;
        c.query(
            &format!("SELECT email, role, password_hash LIKE '$argon2id$disabled$%', to_char(created_at AT TIME ZONE 'UTC', {PG_TIME}) FROM users ORDER BY email"),
            &[],
        )
        .map_err(|e| self.error(e))?
        .iter()
        .map(|r| {
            Ok(UserRow {
                email: r.get(0),
                role: role(r.get(1))?,
                disabled: r.get(2),
                created: r.get(3),
            })
        })
        .collect()
    }

    fn links(&self) -> Result<Vec<LinkRow>, StoreError> {
        let mut c = self.client()?;
        Ok(c.query(
            "SELECT c.email, p.email FROM coach_links l JOIN users c ON c.id = l.coach_id JOIN users p ON p.id = l.person_id ORDER BY c.email, p.email",
            &[],
        )
        .map_err(|e| self.error(e))?
        .iter()
        .map(|r| LinkRow {
            coach: r.get(0),
            person: r.get(1),
        })
        .collect())
    }

    fn create_invite_for(&self, coach: &User, email: Option<&str>) -> Result<String, StoreError> {
        may_invite(coach)?;
        let email = bound_email(email)?;
        let secret = new_secret()?;
        let mut c = self.client()?;
        c.execute(
            "INSERT INTO invites (token_hash, coach_id, expires_at, email) VALUES ($1, $2, now() + make_interval(days => $3), $4)",
            &[&secret_hash(&secret), &coach.id, &INVITE_DAYS, &email],
        )
        .map_err(|e| self.error(e))?;
        Ok(secret)
    }

    fn invite_for(&self, secret: &str, person: &User) -> Result<Option<User>, StoreError> {
        let mut c = self.client()?;
        let row = c
            .query_opt(
                "SELECT u.email FROM invites i JOIN users u ON u.id = i.coach_id WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now() AND (i.email IS NULL OR i.email = $2)",
                &[&secret_hash(secret), &person.email],
            )
            .map_err(|e| self.error(e))?;
        drop(c);
        match row {
            Some(r) => self.user(r.get::<_, &str>(0)),
            None => Ok(None),
        }
    }

    fn invites(&self) -> Result<Vec<InviteRow>, StoreError> {
        let mut c = self.client()?;
        Ok(c.query(
            &format!("SELECT substr(i.token_hash, 1, {ID_LEN}), c.email, i.email, to_char(i.created_at AT TIME ZONE 'UTC', {PG_TIME}), to_char(i.expires_at AT TIME ZONE 'UTC', {PG_TIME}), i.used_at IS NOT NULL, i.revoked_at IS NOT NULL, i.expires_at <= now(), p.email FROM invites i JOIN users c ON c.id = i.coach_id LEFT JOIN users p ON p.id = i.used_by ORDER BY i.created_at DESC, i.token_hash"),
            &[],
        )
        .map_err(|e| self.error(e))?
        .iter()
        .map(|r| InviteRow {
            id: r.get(0),
            coach: r.get(1),
            email: r.get(2),
            created: r.get(3),
            expires: r.get(4),
            state: invite_state(r.get(5), r.get(6), r.get(7)),
            used_by: r.get(8),
        })
        .collect())
    }

    fn revoke_invite(&self, id: &str) -> Result<bool, StoreError> {
        let id = check_id(id)?;
        let mut c = self.client()?;
        Ok(c.execute(
            &format!("UPDATE invites SET revoked_at = now() WHERE substr(token_hash, 1, {ID_LEN}) = $1 AND used_at IS NULL AND revoked_at IS NULL"),
            &[&id],
        )
        .map_err(|e| self.error(e))?
            > 0)
    }

    fn tokens(&self) -> Result<Vec<TokenRow>, StoreError> {
        let mut c = self.client()?;
        Ok(c.query(
            &format!("SELECT substr(t.token_hash, 1, {ID_LEN}), u.email, to_char(t.created_at AT TIME ZONE 'UTC', {PG_TIME}), t.revoked_at IS NOT NULL FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.created_at DESC, t.token_hash"),
            &[],
        )
        .map_err(|e| self.error(e))?
        .iter()
        .map(|r| TokenRow {
            id: r.get(0),
            email: r.get(1),
            created: r.get(2),
            revoked: r.get(3),
        })
        .collect())
    }

    fn revoke_token_id(&self, id: &str) -> Result<bool, StoreError> {
        let id = check_id(id)?;
        let mut c = self.client()?;
        Ok(c.execute(
            &format!("UPDATE api_tokens SET revoked_at = now() WHERE substr(token_hash, 1, {ID_LEN}) = $1 AND revoked_at IS NULL"),
            &[&id],
        )
        .map_err(|e| self.error(e))?
            > 0)
    }

    fn audit_list(&self, f: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
        let user = f.user.as_deref().map(key);
        let from = f.from.map(|d| d.to_string());
        let to = f.to.map(|d| d.to_string());
        let limit = i64::from(AUDIT_LIMIT);
        let mut c = self.client()?;
        Ok(c.query(
            "SELECT to_char(l.at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), a.email, p.email, l.action, l.detail \
             FROM audit_log l LEFT JOIN users a ON a.id = l.actor_id LEFT JOIN users p ON p.id = l.person_id \
             WHERE ($1::text IS NULL OR a.email = $1 OR p.email = $1) \
               AND ($2::text IS NULL OR l.action = $2) \
               AND ($3::text IS NULL OR l.at >= ($3::text)::date::timestamp AT TIME ZONE 'UTC') \
               AND ($4::text IS NULL OR l.at < (($4::text)::date + 1)::timestamp AT TIME ZONE 'UTC') \
             ORDER BY l.id DESC LIMIT $5",
            &[&user, &f.action, &from, &to, &limit],
        )
        .map_err(|e| self.error(e))?
        .iter()
        .map(|r| AuditEntry {
            at: r.get(0),
            actor: r.get(1),
            person: r.get(2),
            action: r.get(3),
            detail: r.get(4),
        })
        .collect())
    }

    fn sign_in_wait(&self, email: &str, address: &str) -> Result<Option<u32>, StoreError> {
        self.migrate_now()?;
        let mut c = self.client()?;
        let pair = c
            .query_opt(
                "SELECT failures::bigint, EXTRACT(EPOCH FROM now() - last_at)::float8 FROM sign_in_throttle WHERE email = $1 AND address = $2",
                &[&key(email), &address],
            )
            .map_err(|e| self.error(e))?;
        if let Some(r) = pair
            && let Some(wait) = remaining(sign_in_delay(r.get(0)), r.get(1))
        {
            return Ok(Some(wait));
        }
        let window = f64::from(FAILURE_WINDOW_MINUTES) * 60.0;
        let r = c
            .query_one(
                "SELECT count(*), COALESCE(EXTRACT(EPOCH FROM now() - min(at))::float8, 0) FROM login_failures WHERE key = $1 AND at > now() - make_interval(mins => $2)",
                &[&format!("addr:{address}"), &FAILURE_WINDOW_MINUTES],
            )
            .map_err(|e| self.error(e))?;
        let count: i64 = r.get(0);
        Ok(if count >= FAILURES_PER_ADDRESS {
            Some(remaining(window, r.get(1)).unwrap_or(1))
        } else {
            None
        })
    }

    fn sign_in_failed(&self, email: &str, address: &str) -> Result<(), StoreError> {
        let mut c = self.client()?;
        let mut tx = c.transaction().map_err(|e| self.error(e))?;
        tx.execute(
            "INSERT INTO sign_in_throttle (email, address, failures) VALUES ($1, $2, 1) \
             ON CONFLICT (email, address) DO UPDATE SET failures = CASE WHEN sign_in_throttle.last_at < now() - make_interval(hours => $3) THEN 1 ELSE sign_in_throttle.failures + 1 END, last_at = now()",
            &[&key(email), &address, &PAIR_MEMORY_HOURS],
        )
        .map_err(|e| self.error(e))?;
        tx.execute(
            "INSERT INTO login_failures (key) VALUES ($1)",
            &[&format!("addr:{address}")],
        )
        .map_err(|e| self.error(e))?;
        // Pairs forgotten anyway are dropped as new ones come.
        tx.execute(
            "DELETE FROM sign_in_throttle WHERE last_at < now() - make_interval(hours => $1)",
            &[&PAIR_MEMORY_HOURS],
        )
        .map_err(|e| self.error(e))?;
        tx.commit().map_err(|e| self.error(e))
    }

    fn sign_in_succeeded(&self, email: &str, address: &str) -> Result<(), StoreError> {
        let mut c = self.client()?;
        c.execute(
            "DELETE FROM sign_in_throttle WHERE email = $1 AND address = $2",
            &[&key(email), &address],
        )
        .map_err(|e| self.error(e))?;
        Ok(())
    }
}

const SQ_TIME: &str = "'%Y-%m-%d %H:%M'";

impl AdminStore for SqliteAccounts {
    fn users(&self) -> Result<Vec<UserRow>, StoreError> {
        let c = self.conn();
        let mut stmt = c
            .prepare("SELECT email, role, password_hash LIKE '$argon2id$disabled$%', substr(replace(created_at, 'T', ' '), 1, 16) FROM users ORDER BY email")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get(2)?,
                    r.get(3)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        rows.map(|r| {
            let (email, role_text, disabled, created) = r.map_err(|e| self.err(e))?;
            Ok(UserRow {
                email,
                role: role(&role_text)?,
                disabled,
                created,
            })
        })
        .collect()
    }

    fn links(&self) -> Result<Vec<LinkRow>, StoreError> {
        let c = self.conn();
        let mut stmt = c
            .prepare("SELECT c.email, p.email FROM coach_links l JOIN users c ON c.id = l.coach_id JOIN users p ON p.id = l.person_id ORDER BY c.email, p.email")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(LinkRow {
                    coach: r.get(0)?,
                    person: r.get(1)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.map(|r| r.map_err(|e| self.err(e))).collect()
    }

    fn create_invite_for(&self, coach: &User, email: Option<&str>) -> Result<String, StoreError> {
        may_invite(coach)?;
        let email = bound_email(email)?;
        let secret = new_secret()?;
        self.conn()
            .execute(
                "INSERT INTO invites (token_hash, coach_id, expires_at, email) VALUES (?1, ?2, unixepoch() + ?3 * 86400, ?4)",
                params![secret_hash(&secret), coach.id, INVITE_DAYS, email],
            )
            .map_err(|e| self.err(e))?;
        Ok(secret)
    }

    fn invite_for(&self, secret: &str, person: &User) -> Result<Option<User>, StoreError> {
        let coach: Option<String> = self
            .conn()
            .query_row(
                "SELECT u.email FROM invites i JOIN users u ON u.id = i.coach_id WHERE i.token_hash = ?1 AND i.used_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > unixepoch() AND (i.email IS NULL OR i.email = ?2)",
                params![secret_hash(secret), person.email],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        match coach {
            Some(email) => crate::AccountStore::user(self, &email),
            None => Ok(None),
        }
    }

    fn invites(&self) -> Result<Vec<InviteRow>, StoreError> {
        let c = self.conn();
        let mut stmt = c
            .prepare(&format!("SELECT substr(i.token_hash, 1, {ID_LEN}), c.email, i.email, strftime({SQ_TIME}, i.created_at, 'unixepoch'), strftime({SQ_TIME}, i.expires_at, 'unixepoch'), i.used_at IS NOT NULL, i.revoked_at IS NOT NULL, i.expires_at <= unixepoch(), p.email FROM invites i JOIN users c ON c.id = i.coach_id LEFT JOIN users p ON p.id = i.used_by ORDER BY i.created_at DESC, i.token_hash"))
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(InviteRow {
                    id: r.get(0)?,
                    coach: r.get(1)?,
                    email: r.get(2)?,
                    created: r.get(3)?,
                    expires: r.get(4)?,
                    state: invite_state(r.get(5)?, r.get(6)?, r.get(7)?),
                    used_by: r.get(8)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.map(|r| r.map_err(|e| self.err(e))).collect()
    }

    fn revoke_invite(&self, id: &str) -> Result<bool, StoreError> {
        let id = check_id(id)?;
        Ok(self
            .conn()
            .execute(
                &format!("UPDATE invites SET revoked_at = unixepoch() WHERE substr(token_hash, 1, {ID_LEN}) = ?1 AND used_at IS NULL AND revoked_at IS NULL"),
                [id],
            )
            .map_err(|e| self.err(e))?
            > 0)
    }

    fn tokens(&self) -> Result<Vec<TokenRow>, StoreError> {
        let c = self.conn();
        let mut stmt = c
            .prepare(&format!("SELECT substr(t.token_hash, 1, {ID_LEN}), u.email, strftime({SQ_TIME}, t.created_at, 'unixepoch'), t.revoked_at IS NOT NULL FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.created_at DESC, t.token_hash"))
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(TokenRow {
                    id: r.get(0)?,
                    email: r.get(1)?,
                    created: r.get(2)?,
                    revoked: r.get(3)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.map(|r| r.map_err(|e| self.err(e))).collect()
    }

    fn revoke_token_id(&self, id: &str) -> Result<bool, StoreError> {
        let id = check_id(id)?;
        Ok(self
            .conn()
            .execute(
                &format!("UPDATE api_tokens SET revoked_at = unixepoch() WHERE substr(token_hash, 1, {ID_LEN}) = ?1 AND revoked_at IS NULL"),
                [id],
            )
            .map_err(|e| self.err(e))?
            > 0)
    }

    fn audit_list(&self, f: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
        let user = f.user.as_deref().map(key);
        let from = f.from.map(|d| d.to_string());
        let to = f.to.map(|d| d.to_string());
        let c = self.conn();
        let mut stmt = c
            .prepare(
                "SELECT substr(replace(l.at, 'T', ' '), 1, 19), a.email, p.email, l.action, l.detail \
                 FROM audit_log l LEFT JOIN users a ON a.id = l.actor_id LEFT JOIN users p ON p.id = l.person_id \
                 WHERE (?1 IS NULL OR a.email = ?1 OR p.email = ?1) \
                   AND (?2 IS NULL OR l.action = ?2) \
                   AND (?3 IS NULL OR substr(l.at, 1, 10) >= ?3) \
                   AND (?4 IS NULL OR substr(l.at, 1, 10) <= ?4) \
                 ORDER BY l.id DESC LIMIT ?5",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![user, f.action, from, to, AUDIT_LIMIT], |r| {
                Ok(AuditEntry {
                    at: r.get(0)?,
                    actor: r.get(1)?,
                    person: r.get(2)?,
                    action: r.get(3)?,
                    detail: r.get(4)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.map(|r| r.map_err(|e| self.err(e))).collect()
    }

    fn sign_in_wait(&self, email: &str, address: &str) -> Result<Option<u32>, StoreError> {
        let c = self.conn();
        let pair: Option<(i64, f64)> = c
            .query_row(
                "SELECT failures, (julianday('now') - julianday(last_at)) * 86400.0 FROM sign_in_throttle WHERE email = ?1 AND address = ?2",
                params![key(email), address],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        if let Some((failures, age)) = pair
            && let Some(wait) = remaining(sign_in_delay(failures), age)
        {
            return Ok(Some(wait));
        }
        let window = f64::from(FAILURE_WINDOW_MINUTES) * 60.0;
        let (count, age): (i64, f64) = c
            .query_row(
                "SELECT count(*), COALESCE(unixepoch() - min(at), 0) * 1.0 FROM login_failures WHERE key = ?1 AND at > unixepoch() - ?2 * 60",
                params![format!("addr:{address}"), FAILURE_WINDOW_MINUTES],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| self.err(e))?;
        Ok(if count >= FAILURES_PER_ADDRESS {
            Some(remaining(window, age).unwrap_or(1))
        } else {
            None
        })
    }

    fn sign_in_failed(&self, email: &str, address: &str) -> Result<(), StoreError> {
        let mut c = self.conn();
        let tx = c
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| self.err(e))?;
        tx.execute(
            "INSERT INTO sign_in_throttle (email, address, failures) VALUES (?1, ?2, 1) \
             ON CONFLICT (email, address) DO UPDATE SET failures = CASE WHEN julianday(sign_in_throttle.last_at) < julianday('now') - ?3 / 24.0 THEN 1 ELSE sign_in_throttle.failures + 1 END, last_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
            params![key(email), address, PAIR_MEMORY_HOURS],
        )
        .map_err(|e| self.err(e))?;
        tx.execute(
            "INSERT INTO login_failures (key) VALUES (?1)",
            [format!("addr:{address}")],
        )
        .map_err(|e| self.err(e))?;
        // Pairs forgotten anyway are dropped as new ones come.
        tx.execute(
            "DELETE FROM sign_in_throttle WHERE julianday(last_at) < julianday('now') - ?1 / 24.0",
            [PAIR_MEMORY_HOURS],
        )
        .map_err(|e| self.err(e))?;
        tx.commit().map_err(|e| self.err(e))
    }

    fn sign_in_succeeded(&self, email: &str, address: &str) -> Result<(), StoreError> {
        self.conn()
            .execute(
                "DELETE FROM sign_in_throttle WHERE email = ?1 AND address = ?2",
                params![key(email), address],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_start_after_the_free_failures_and_double_up_to_the_cap() {
        assert_eq!(sign_in_delay(0), 0.0);
        assert_eq!(sign_in_delay(FREE_FAILURES - 1), 0.0);
        assert_eq!(sign_in_delay(FREE_FAILURES), 1.0);
        assert_eq!(sign_in_delay(FREE_FAILURES + 1), 2.0);
        assert_eq!(sign_in_delay(FREE_FAILURES + 4), 16.0);
        assert_eq!(sign_in_delay(FREE_FAILURES + 20), MAX_DELAY_SECS);
        assert_eq!(sign_in_delay(i64::MAX), MAX_DELAY_SECS);
        assert_eq!(remaining(1.0, 0.2), Some(1));
        assert_eq!(remaining(4.0, 1.5), Some(3));
        assert_eq!(remaining(1.0, 1.5), None);
    }

    #[test]
    fn ids_are_hex_of_the_right_length() {
        assert_eq!(
            check_id(" 0123456789ABCDEF ").ok().as_deref(),
            Some("0123456789abcdef")
        );
        for bad in [
            "",
            "0123",
            "0123456789abcdeg",
            "0123456789abcdef0",
            "'; DROP TABLE x",
        ] {
            assert!(check_id(bad).is_err(), "{bad}");
        }
    }
}
