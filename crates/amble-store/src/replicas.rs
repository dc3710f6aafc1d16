//! Read replicas with read-your-writes (contract §12, `amble serve --replica URL`).
//!
//! Journal reads (a journal's entries, one entry, its version) go to a streaming replica of the
//! PostgreSQL primary; writes, accounts and everything else stay on the primary. A process
//! remembers, per journal, the primary's WAL position just after each of its writes to that
//! journal committed (`pg_current_wal_lsn()`), and reads that journal from a replica only once
//! the replica's `pg_last_wal_replay_lsn()` has reached it; until then the read goes to the
//! primary. A journal this process has not written reads from a replica straight away (another
//! server's write is seen when the replica has replayed it, as a page already sees another
//! server's write through the journal's version).
//!
//! A replica is skipped when it does not answer (for [`DOWN_FOR`], then tried again; one whose
//! connections were all busy for a moment is skipped for that read only), when a query on it
//! fails (the read is done again on the primary), and when it lags: when its replay position
//! is more than [`MAX_LAG_BYTES`] behind the primary's. Replicas take turns.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::postgres::{PgDatabase, ReadReplicas};
use crate::{Database, StoreError};

/// A replica further behind the primary than this (bytes of WAL) is skipped: 16 MiB, one WAL
/// segment (a replica that keeps up is a few kilobytes behind at most).
pub const MAX_LAG_BYTES: i64 = 16 * 1024 * 1024;
/// How long a replica's replay position, and the primary's position, are taken as known
/// before being asked again.
const FRESH_FOR: Duration = Duration::from_millis(500);
/// How long a replica that did not answer is left alone.
pub const DOWN_FOR: Duration = Duration::from_secs(5);
/// How long a replica may take to accept a connection (then it counts as down).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
/// Journals remembered before those every replica has replayed are forgotten.
const REMEMBERED: usize = 4096;

/// A WAL position as bytes from the start (`pg_lsn - '0/0'`); `None` from a server not in
/// recovery (a promoted replica, which has everything it holds).
const REPLAYED: &str = "SELECT CASE WHEN pg_is_in_recovery() \
     THEN (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint END";
const CURRENT: &str = "SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint";

/// The replicas of one primary, shared by every clone of its [`PgDatabase`].
pub(crate) struct Replicas {
    list: Vec<Replica>,
    /// Per journal: the primary's position after this process's last write to it.
    written: Mutex<HashMap<i64, i64>>,
    /// The primary's position, and when it was read.
    primary: Mutex<Option<(i64, Instant)>>,
    next: AtomicUsize,
    /// A replica further behind than this (bytes of WAL) is skipped.
    max_lag: AtomicI64,
    /// Reads served by a replica (for tests and diagnostics).
    served: AtomicU64,
}

struct Replica {
    db: PgDatabase,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Replayed up to here when last asked (`i64::MAX`: not in recovery).
    replayed: Option<(i64, Instant)>,
    down_until: Option<Instant>,
}

/// A poisoned lock still holds usable positions (they only grow).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Replicas {
    fn connect(urls: &[String]) -> Result<Replicas, StoreError> {
        let list = urls
            .iter()
            .map(|url| {
                if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
                    return Err(StoreError::Database(
                        "--replica: expected a postgres://USER@HOST/DB address".into(),
                    ));
                }
                Ok(Replica {
                    db: PgDatabase::connect_with(url, CONNECT_TIMEOUT, Some(CONNECT_TIMEOUT))?,
                    state: Mutex::new(State::default()),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Replicas {
            list,
            written: Mutex::new(HashMap::new()),
            primary: Mutex::new(None),
            next: AtomicUsize::new(0),
            max_lag: AtomicI64::new(MAX_LAG_BYTES),
            served: AtomicU64::new(0),
        })
    }

    /// After a write to `journal` committed on `c` (the primary): remember where the primary
    /// is now. If it cannot say, the journal is read from the primary from now on.
    fn remember_write(&self, c: &mut postgres::Client, journal: i64) {
        let at = c
            .query_one(CURRENT, &[])
            .ok()
            .and_then(|r| r.get::<_, Option<i64>>(0))
            .unwrap_or(i64::MAX);
        let mut written = lock(&self.written);
        if written.len() >= REMEMBERED {
            let everywhere = self
                .list
                .iter()
                .map(|r| lock(&r.state).replayed.map_or(0, |(p, _)| p))
                .min()
                .unwrap_or(0);
            written.retain(|_, p| *p > everywhere);
        }
        let p = written.entry(journal).or_insert(at);
        *p = (*p).max(at);
        drop(written);
        if at != i64::MAX {
            let mut primary = lock(&self.primary);
            if primary.is_none_or(|(p, _)| p < at) {
                *primary = Some((at, Instant::now()));
            }
        }
    }

    /// `f` on a replica that has replayed this process's writes to `journal` and does not
    /// lag; false when there is none (then the caller reads from the primary).
    fn read_from_any(
        &self,
        primary: &PgDatabase,
        journal: i64,
        f: &mut dyn FnMut(&mut postgres::Client) -> Result<(), postgres::Error>,
    ) -> bool {
        let need = lock(&self.written).get(&journal).copied();
        if need == Some(i64::MAX) {
            return false;
        }
        let n = self.list.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        for i in 0..n {
            let replica = &self.list[(start + i) % n];
            if self.read_on(replica, primary, need.unwrap_or(0), f) {
                self.served.fetch_add(1, Ordering::Relaxed);
                return true;
            }
        }
        false
    }

    fn read_on(
        &self,
        replica: &Replica,
        primary: &PgDatabase,
        need: i64,
        f: &mut dyn FnMut(&mut postgres::Client) -> Result<(), postgres::Error>,
    ) -> bool {
        let now = Instant::now();
        let known = {
            let s = lock(&replica.state);
            if s.down_until.is_some_and(|t| t > now) {
                return false;
            }
            s.replayed
                .filter(|(_, at)| now.duration_since(*at) < FRESH_FOR)
                .map(|(p, _)| p)
        };
        let Some(mut c) = replica.db.try_client() else {
            // Busy is not down: every connection to it was in use for a second.
            if !replica.db.saturated() {
                replica.down(now);
            }
            return false;
        };
        // A position known a moment ago is a lower bound of where the replica is now.
        let replayed = match known {
            Some(p) if p >= need => p,
            _ => match c.query_one(REPLAYED, &[]) {
                Ok(row) => {
                    let p = row.get::<_, Option<i64>>(0).unwrap_or(i64::MAX);
                    lock(&replica.state).replayed = Some((p, Instant::now()));
                    p
                }
                Err(_) => {
                    replica.down(now);
                    return false;
                }
            },
        };
        if replayed < need {
            return false;
        }
        if let Some(at) = self.primary_position(primary)
            && at.saturating_sub(replayed) > self.max_lag.load(Ordering::Relaxed)
        {
            return false;
        }
        match f(&mut c) {
            Ok(()) => true,
            Err(_) => {
                // A lost connection puts the replica aside; an answer it cannot give (a journal
                // it has not replayed yet) is asked of the primary, the replica kept.
                if c.is_closed() {
                    replica.down(now);
                }
                false
            }
        }
    }

    /// Where the primary is (read at most every [`FRESH_FOR`]); `None` if it cannot say.
    fn primary_position(&self, primary: &PgDatabase) -> Option<i64> {
        let now = Instant::now();
        if let Some((p, at)) = *lock(&self.primary)
            && now.duration_since(at) < FRESH_FOR
        {
            return Some(p);
        }
        let mut c = primary.try_client()?;
        let p = c.query_one(CURRENT, &[]).ok()?.get::<_, Option<i64>>(0)?;
        *lock(&self.primary) = Some((p, now));
        Some(p)
    }
}

impl ReadReplicas for Replicas {
    fn read(
        &self,
        primary: &PgDatabase,
        journal: i64,
        f: &mut dyn FnMut(&mut postgres::Client) -> Result<(), postgres::Error>,
    ) -> bool {
        self.read_from_any(primary, journal, f)
    }

    fn wrote(&self, c: &mut postgres::Client, journal: i64) {
        self.remember_write(c, journal);
    }

    fn set_max_lag(&self, bytes: i64) {
        self.max_lag.store(bytes, Ordering::Relaxed);
    }

    fn served(&self) -> u64 {
        self.served.load(Ordering::Relaxed)
    }
}

impl Replica {
    fn down(&self, now: Instant) {
        let mut s = lock(&self.state);
        s.down_until = Some(now + DOWN_FOR);
        s.replayed = None;
    }
}

impl PgDatabase {
    /// The same database with journal reads sent to these streaming replicas (module
    /// documentation). No replica is contacted yet: one that is down is skipped when used.
    pub fn with_replicas(mut self, urls: &[String]) -> Result<PgDatabase, StoreError> {
        self.replicas = if urls.is_empty() {
            None
        } else {
            Some(std::sync::Arc::new(Replicas::connect(urls)?))
        };
        Ok(self)
    }

    /// A replica more than `bytes` of WAL behind the primary is skipped (default
    /// [`MAX_LAG_BYTES`]; the primary's position is read at most twice a second).
    pub fn with_replica_max_lag(self, bytes: u32) -> PgDatabase {
        if let Some(r) = &self.replicas {
            r.set_max_lag(i64::from(bytes));
        }
        self
    }

    /// How many journal reads a replica has served so far.
    pub fn replica_reads(&self) -> u64 {
        self.replicas.as_ref().map_or(0, |r| r.served())
    }
}

impl Database {
    /// The same storage with journal reads sent to replicas (`amble serve --replica URL`);
    /// only for PostgreSQL.
    pub fn with_replicas(self, urls: &[String]) -> Result<Database, StoreError> {
        match self {
            _ if urls.is_empty() => Ok(self),
            Database::Postgres(db, journal) => {
                Ok(Database::Postgres(db.with_replicas(urls)?, journal))
            }
            _ => Err(StoreError::Database(
                "--replica needs a PostgreSQL --database (a SQLite journal has no replicas)".into(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replicas_are_for_postgres_and_named_by_a_postgres_address() {
        let sqlite = Database::sqlite(std::path::Path::new("/nonexistent"));
        let e = sqlite
            .clone()
            .with_replicas(&["postgres://amble@replica/amble".into()])
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("--replica needs a PostgreSQL --database"), "{e}");
        assert!(sqlite.with_replicas(&[]).is_ok());

        let pg = Database::from_url("postgres://amble@primary/amble").ok();
        let e = pg
            .map(|db| db.with_replicas(&["sqlite:///tmp/x".into()]))
            .and_then(Result::err)
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("--replica: expected a postgres://"), "{e}");
    }

    #[test]
    fn a_replica_that_never_answers_leaves_reads_to_the_primary() {
        // Nothing listens on port 1: the replica is skipped, not waited for.
        let Ok(db) = PgDatabase::connect("postgres://amble@127.0.0.1:1/amble") else {
            panic!("a valid address");
        };
        let Ok(db) = db.with_replicas(&["postgres://amble@127.0.0.1:1/amble".into()]) else {
            panic!("a valid replica address");
        };
        let started = Instant::now();
        let replicas = db.replicas.clone().unwrap_or_else(|| unreachable!());
        let served = replicas.read(&db, 1, &mut |_c| Ok(()));
        assert!(!served);
        assert_eq!(db.replica_reads(), 0);
        // Down now: the next read does not try it again.
        let again = Instant::now();
        assert!(!replicas.read(&db, 1, &mut |_c| Ok(())));
        assert!(again.elapsed() < Duration::from_millis(100));
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
