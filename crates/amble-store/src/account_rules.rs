//! What every account module shares, below them all: who a user is, secrets and what is stored
//! for them, an email as stored, and the time limits of invites, sessions and sign-in failures.
//! `accounts`, `admin`, `audit` and `sqlite_accounts` import it (and re-export it under their
//! own paths); it imports none of them.

use amble_core::access::Role;
use sha2::{Digest, Sha256};

use crate::StoreError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub role: Role,
    /// A person's journal; `None` for coaches and admins.
    pub journal: Option<i64>,
}

/// A new random secret: 32 bytes as 64 hex characters.
pub fn new_secret() -> Result<String, StoreError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| StoreError::Database(format!("no randomness available: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// What is stored for a secret: its SHA-256, hex.
pub fn secret_hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// An email as stored: trimmed, lower case; refused unless it looks like an address.
pub fn normalise_email(email: &str) -> Result<String, StoreError> {
    let e = email.trim().to_lowercase();
    let ok = e.len() <= 254
        && e.find('@').is_some_and(|at| at > 0 && at < e.len() - 1)
        && !e.chars().any(char::is_whitespace)
        && amble_core::text::refused(&e, amble_core::text::Lines::One).is_none();
    if ok {
        Ok(e)
    } else {
        Err(StoreError::Invalid {
            id: "email".into(),
            message: format!("{email:?} is not an email address"),
        })
    }
}

/// How long an invite link stays valid.
pub const INVITE_DAYS: i32 = 7;
/// How long a session lasts without signing in again.
pub const SESSION_DAYS: i32 = 14;
/// Failed sign-ins allowed in [`FAILURE_WINDOW_MINUTES`] per account and per address.
pub const FAILURES_PER_ACCOUNT: i64 = 5;
pub const FAILURES_PER_ADDRESS: i64 = 20;
pub const FAILURE_WINDOW_MINUTES: i32 = 15;
/// A pair's count starts again when its last failure is older than this, hours.
pub const PAIR_MEMORY_HOURS: i32 = 24;
