//! The journal on PostgreSQL, for a clinic's server: many journals in one database (one per
//! person; journal 1 is the single-person journal), a connection pool shared by every request,
//! and the same guarantees as the SQLite journal: every write one transaction, writers to one
//! journal one after another (the journal's row is locked), ids never reused, a database written
//! by a newer Amble refused and never changed.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use amble_core::journal::{Entry, GaitWindow};
use postgres::{NoTls, Transaction};
use r2d2_postgres::PostgresConnectionManager;

use crate::migrations::{MIGRATIONS, SCHEMA_VERSION};
use crate::windows;
use crate::{Change, ChangeMark, ImportSummary, LightEntries, Revision, Store, StoreError};

type Pool = r2d2::Pool<PostgresConnectionManager<NoTls>>;

/// The single-person journal (no accounts).
pub const DEFAULT_JOURNAL: i64 = 1;
/// Advisory lock taken while migrating (where the engine has advisory locks), so two servers
/// starting at once migrate once; the row of `amble_migration_lock` does the same everywhere.
const MIGRATION_LOCK: i64 = 0x416D_626C;
/// How often a migration is tried again after racing another migrator to create the lock table.
const MIGRATION_ATTEMPTS: u32 = 5;

/// A failed migration attempt: worth another try (a lost race), or final.
enum Retry {
    Again(StoreError),
    Fail(StoreError),
}

/// The pool, closed on a thread of its own: closing a connection blocks, and the last owner
/// may be an async task (a web server shutting down), where blocking is not allowed.
struct PoolOwner(Option<Pool>);

impl Drop for PoolOwner {
    fn drop(&mut self) {
        if let Some(pool) = self.0.take() {
            let _ = std::thread::spawn(move || drop(pool)).join();
        }
    }
}

impl std::ops::Deref for PoolOwner {
    type Target = Pool;
    fn deref(&self) -> &Pool {
        // Present until drop.
        self.0
            .as_ref()
            .unwrap_or_else(|| unreachable!("the pool is only taken when dropped"))
    }
}

/// A PostgreSQL database: a pool of connections, cheap to clone.
#[derive(Clone)]
pub struct PgDatabase {
    /// The connection settings (to say why a connection failed).
    config: Arc<postgres::Config>,
    pool: Arc<PoolOwner>,
    /// The URL without its password, for messages.
    shown: Arc<str>,
    migrated: Arc<OnceLock<()>>,
    /// A server's connection: never changes the schema, only checks its version (§12).
    check_only: bool,
    /// Streaming replicas that journal reads may use (`crate::replicas`).
    pub(crate) replicas: Option<Arc<dyn ReadReplicas>>,
}

/// Where journal reads may go besides the primary, and what they must be told of every write:
/// the streaming replicas of `crate::replicas` (which sits above this module and builds on
/// [`PgDatabase`]).
pub(crate) trait ReadReplicas: Send + Sync {
    /// Runs `f` on a replica that has replayed this process's writes to `journal` and does not
    /// lag; false when there is none (then the caller reads from the primary).
    fn read(
        &self,
        primary: &PgDatabase,
        journal: i64,
        f: &mut dyn FnMut(&mut postgres::Client) -> Result<(), postgres::Error>,
    ) -> bool;
    /// After a write to `journal` committed on `c` (the primary).
    fn wrote(&self, c: &mut postgres::Client, journal: i64);
    /// A replica further behind the primary than this (bytes of WAL) is skipped.
    fn set_max_lag(&self, bytes: i64);
    /// Journal reads a replica has served so far.
    fn served(&self) -> u64;
}

/// `postgres://user:secret@host/db` without the secret (also `?password=` in the URL, and
/// `password=` in a key-value connection string).
fn redact(url: &str) -> String {
    let url = redact_password_option(url);
    let url = url.as_str();
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// `password=VALUE` (a key-value string or a URL's query) as `password=***`.
fn redact_password_option(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("password=") {
        let before_ok = i == 0 || matches!(rest.as_bytes()[i - 1], b' ' | b'?' | b'&');
        out.push_str(&rest[..i + 9]);
        rest = &rest[i + 9..];
        if before_ok {
            let end = if let Some(quoted) = rest.strip_prefix('\'') {
                quoted.find('\'').map_or(rest.len(), |e| e + 2)
            } else {
                rest.find([' ', '&']).unwrap_or(rest.len())
            };
            out.push_str("***");
            rest = &rest[end..];
        }
    }
    out.push_str(rest);
    out
}

impl PgDatabase {
    /// A pool for `url` (`postgres://...`). Connects lazily: a server that is down is reported
    /// by the first use, with the address.
    pub fn connect(url: &str) -> Result<PgDatabase, StoreError> {
        Self::connect_with(url, Duration::from_secs(5), None)
    }

    /// [`Self::connect`] with the time to wait for a pooled connection and, when given, the
    /// time to wait for a server to answer a new connection (replicas use short ones).
    pub(crate) fn connect_with(
        url: &str,
        wait: Duration,
        connect_timeout: Option<Duration>,
    ) -> Result<PgDatabase, StoreError> {
        let shown: Arc<str> = redact(url).into();
        let mut config: postgres::Config = url.parse().map_err(|e| {
            StoreError::Database(format!("{shown}: not a PostgreSQL address ({e})"))
        })?;
        // As libpq: PGPASSWORD, else the password file, when the address has no password.
        crate::pgpass::fill_password(&mut config);
        if let Some(t) = connect_timeout {
            config.connect_timeout(t);
        }
        let pool = r2d2::Pool::builder()
            .max_size(8)
            .min_idle(Some(0))
            .connection_timeout(wait)
            .build_unchecked(PostgresConnectionManager::new(config.clone(), NoTls));
        Ok(PgDatabase {
            config: Arc::new(config),
            pool: Arc::new(PoolOwner(Some(pool))),
            shown,
            migrated: Arc::new(OnceLock::new()),
            check_only: false,
            replicas: None,
        })
    }

    /// The same database, for a server: the schema is never created or changed through it
    /// (contract §12); an older schema is an error naming `amble db migrate`.
    pub fn for_server(mut self) -> PgDatabase {
        self.check_only = true;
        self
    }

    /// Fails unless the schema is this Amble's (a server's check at start).
    pub fn check_schema(&self) -> Result<(), StoreError> {
        let mut c = self.conn()?;
        let version = self.stored_version(&mut c)?;
        if version > SCHEMA_VERSION {
            return Err(self.too_new(version));
        }
        if version < SCHEMA_VERSION {
            return Err(self.needs_migration(version));
        }
        Ok(())
    }

    fn needs_migration(&self, found: i64) -> StoreError {
        let what = if found == 0 {
            "has no Amble schema yet".to_string()
        } else {
            format!("has Amble's schema version {found}")
        };
        StoreError::Database(format!(
            "{}: the database {what} and this Amble needs version {SCHEMA_VERSION}; a server never changes the schema. As the database's owner, run: amble db migrate --database OWNER_URL --app-role ROLE (docs/deploy.md)",
            self.shown
        ))
    }

    /// The address without its password.
    pub fn describe(&self) -> String {
        self.shown.to_string()
    }

    fn location(&self) -> PathBuf {
        PathBuf::from(self.shown.as_ref())
    }

    fn err(&self, e: impl std::error::Error + Send + Sync + 'static) -> StoreError {
        StoreError::engine(self.shown.to_string(), e)
    }

    /// A message of Amble's own about this database (no engine error below it).
    pub(crate) fn msg(&self, m: impl std::fmt::Display) -> StoreError {
        StoreError::Database(format!("{}: {m}", self.shown))
    }

    fn conn(&self) -> Result<r2d2::PooledConnection<PostgresConnectionManager<NoTls>>, StoreError> {
        self.pool.get().map_err(|e| {
            // The pool keeps only "db error"; one direct attempt says why (a wrong password,
            // no such database, nobody listening), in the server's words.
            match self.config.connect(NoTls) {
                Err(why) => self.msg(crate::pgpass::explain(&why)),
                Ok(_) => self.err(e),
            }
        })
    }

    /// The schema version stored, 0 for a database Amble has never used.
    fn stored_version(&self, c: &mut postgres::Client) -> Result<i64, StoreError> {
        let exists: bool = c
            .query_one("SELECT to_regclass('amble_meta') IS NOT NULL", &[])
            .map_err(|e| self.err(e))?
            .get(0);
        if !exists {
            return Ok(0);
        }
        let row = c
            .query_opt(
                "SELECT value FROM amble_meta WHERE key = 'schema_version'",
                &[],
            )
            .map_err(|e| self.err(e))?;
        Ok(row.map_or(0, |r| r.get(0)))
    }

    fn too_new(&self, found: i64) -> StoreError {
        StoreError::TooNew {
            path: self.location(),
            found,
            supported: SCHEMA_VERSION,
        }
    }

    /// Brings the schema up to date (once per process), refusing a newer one.
    fn migrate(&self) -> Result<(), StoreError> {
        if self.migrated.get().is_some() {
            return Ok(());
        }
        let mut c = self.conn()?;
        // Up to date: nothing to create (and nothing a role without CREATE could not do).
        let stored = self.stored_version(&mut c)?;
        if stored == SCHEMA_VERSION {
            let _ = self.migrated.set(());
            return Ok(());
        }
        if stored > SCHEMA_VERSION {
            return Err(self.too_new(stored));
        }
        if self.check_only {
            return Err(self.needs_migration(stored));
        }
        self.migrate_in(&mut c, None)?;
        let _ = self.migrated.set(());
        Ok(())
    }

    /// The migration itself (see [`Self::migrate_once`]), tried again when it lost the race to
    /// create the lock table; with `app_role`, the grants of that role are set in the same
    /// transaction (`roles`). The versions before and after.
    pub(crate) fn migrate_in(
        &self,
        c: &mut postgres::Client,
        app_role: Option<&str>,
    ) -> Result<(i64, i64), StoreError> {
        let mut attempt = 0;
        loop {
            match self.migrate_once(c, app_role) {
                Err(Retry::Again(_)) if attempt < MIGRATION_ATTEMPTS => {
                    // Another migrator created the lock table at the same moment: it exists now.
                    attempt += 1;
                    std::thread::sleep(Duration::from_millis(50 * u64::from(attempt)));
                }
                Err(Retry::Again(e)) | Err(Retry::Fail(e)) => return Err(e),
                Ok(versions) => return Ok(versions),
            }
        }
    }

    /// One migration attempt, in one transaction. Two migrators never run at once: each takes
    /// the row of `amble_migration_lock` (a plain row lock, held to the end of the
    /// transaction, so it works behind a pooler in transaction mode and on engines without
    /// advisory locks), and where the engine has them, an advisory lock first as well (which
    /// also excludes an older Amble, which only knows the advisory lock).
    fn migrate_once(
        &self,
        c: &mut postgres::Client,
        app_role: Option<&str>,
    ) -> Result<(i64, i64), Retry> {
        let mut tx = c.transaction().map_err(|e| Retry::Fail(self.err(e)))?;
        tx.batch_execute("SAVEPOINT amble_advisory")
            .map_err(|e| Retry::Fail(self.err(e)))?;
        match tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]) {
            Ok(_) => tx.batch_execute("RELEASE SAVEPOINT amble_advisory"),
            // No advisory locks here: the lock row below is enough.
            Err(_) => tx.batch_execute("ROLLBACK TO SAVEPOINT amble_advisory"),
        }
        .map_err(|e| Retry::Fail(self.err(e)))?;
        // Creating the lock table can race with another migrator creating it (without an
        // advisory lock): that attempt fails and is tried again.
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS amble_migration_lock (id INTEGER PRIMARY KEY CHECK (id = 1));
             INSERT INTO amble_migration_lock (id) VALUES (1) ON CONFLICT (id) DO NOTHING;",
        )
        .map_err(|e| Retry::Again(self.err(e)))?;
        tx.execute(
            "SELECT id FROM amble_migration_lock WHERE id = 1 FOR UPDATE",
            &[],
        )
        .map_err(|e| Retry::Fail(self.err(e)))?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS amble_meta (key TEXT PRIMARY KEY, value BIGINT NOT NULL)",
        )
        .map_err(|e| Retry::Fail(self.err(e)))?;
        let version: i64 = tx
            .query_opt(
                "SELECT value FROM amble_meta WHERE key = 'schema_version'",
                &[],
            )
            .map_err(|e| Retry::Fail(self.err(e)))?
            .map_or(0, |r| r.get(0));
        if version > SCHEMA_VERSION {
            return Err(Retry::Fail(self.too_new(version)));
        }
        for m in MIGRATIONS.iter().filter(|m| m.version > version) {
            tx.batch_execute(m.postgres)
                .map_err(|e| Retry::Fail(self.msg(format!("migration {}: {e}", m.version))))?;
            tx.execute(
                "INSERT INTO amble_meta (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &[&m.version],
            )
            .map_err(|e| Retry::Fail(self.err(e)))?;
        }
        if let Some(role) = app_role {
            crate::roles::grant(self, &mut tx, role).map_err(Retry::Fail)?;
        }
        tx.commit().map_err(|e| Retry::Fail(self.err(e)))?;
        Ok((version, SCHEMA_VERSION))
    }

    /// Brings the schema up to date now (accounts use it directly).
    pub(crate) fn migrate_now(&self) -> Result<(), StoreError> {
        self.migrate()
    }

    /// A read of journal `journal`: on a replica when one has replayed this process's last
    /// write to the journal (`crate::replicas`), else on the primary.
    pub(crate) fn read<T>(
        &self,
        journal: i64,
        f: impl Fn(&mut postgres::Client) -> Result<T, postgres::Error>,
    ) -> Result<T, StoreError> {
        if let Some(replicas) = &self.replicas {
            let mut out = None;
            let served = replicas.read(self, journal, &mut |c| {
                out = Some(f(c)?);
                Ok(())
            });
            if served && let Some(out) = out {
                return Ok(out);
            }
        }
        let mut c = self.conn()?;
        f(&mut c).map_err(|e| self.err(e))
    }

    /// A pooled connection, or `None` when the pool cannot give one within its wait (a
    /// replica that does not answer is skipped, not explained).
    pub(crate) fn try_client(
        &self,
    ) -> Option<r2d2::PooledConnection<PostgresConnectionManager<NoTls>>> {
        self.pool.get().ok()
    }

    /// Every connection of the pool is open and in use (a wait for one says nothing about
    /// the server).
    pub(crate) fn saturated(&self) -> bool {
        let state = self.pool.state();
        state.connections >= self.pool.max_size() && state.idle_connections == 0
    }

    /// A pooled connection (for the accounts module).
    pub(crate) fn client(
        &self,
    ) -> Result<r2d2::PooledConnection<PostgresConnectionManager<NoTls>>, StoreError> {
        self.conn()
    }

    /// An error naming this database.
    pub(crate) fn error(&self, e: impl std::error::Error + Send + Sync + 'static) -> StoreError {
        self.err(e)
    }

    /// Journal `journal` for reading and writing, creating the schema first if needed.
    pub fn open(&self, journal: i64) -> Result<PgStore, StoreError> {
        self.migrate()?;
        let mut c = self.conn()?;
        let found = c
            .query_opt("SELECT 1 FROM journals WHERE id = $1", &[&journal])
            .map_err(|e| self.err(e))?;
        if found.is_none() {
            return Err(self.msg(format!("there is no journal {journal}")));
        }
        Ok(PgStore {
            db: self.clone(),
            journal,
        })
    }

    /// A new, empty journal (for a new person); its id.
    pub fn create_journal(&self) -> Result<i64, StoreError> {
        self.migrate()?;
        let mut c = self.conn()?;
        Ok(
            c.query_one("INSERT INTO journals DEFAULT VALUES RETURNING id", &[])
                .map_err(|e| self.err(e))?
                .get(0),
        )
    }

    /// Journal `journal` if Amble has used this database before (`None` otherwise; nothing is
    /// created). A newer schema is refused.
    pub fn open_existing(&self, journal: i64) -> Result<Option<PgStore>, StoreError> {
        let version = {
            let mut c = self.conn()?;
            self.stored_version(&mut c)?
        };
        if version == 0 {
            return Ok(None);
        }
        if version > SCHEMA_VERSION {
            return Err(self.too_new(version));
        }
        self.open(journal).map(Some)
    }
}

/// One journal in a PostgreSQL database.
pub struct PgStore {
    db: PgDatabase,
    journal: i64,
}

/// Stores the windows of entry `id` apart (none: whatever was stored for it goes).
fn put_windows(
    db: &PgDatabase,
    tx: &mut Transaction<'_>,
    journal: i64,
    id: &str,
    windows: Option<&str>,
) -> Result<(), StoreError> {
    tx.execute(
        "DELETE FROM gait_windows WHERE journal_id = $1 AND entry_id = $2",
        &[&journal, &id],
    )
    .map_err(|e| db.err(e))?;
    if let Some(w) = windows {
        tx.execute(
            "INSERT INTO gait_windows (journal_id, entry_id, windows) VALUES ($1, $2, $3::text::jsonb)",
            &[&journal, &id, &w],
        )
        .map_err(|e| db.err(e))?;
    }
    Ok(())
}

/// A whole entry's body and its windows stored apart, by `e.journal_id` and `e.id`.
const WHOLE: &str = "e.body::text, g.windows::text FROM entries e LEFT JOIN gait_windows g ON g.journal_id = e.journal_id AND g.entry_id = e.id";

/// The rows of a light read: (version, deletions, seq, id, body), the entry's columns null for
/// a journal without entries. On PostgreSQL a mark's `changes` is the journal's version (each
/// write raises it once and marks the rows it wrote with it).
fn light_rows(rows: &[postgres::Row]) -> Result<LightEntries, StoreError> {
    let mut out = LightEntries::default();
    for r in rows {
        out.mark = Some(ChangeMark {
            changes: r.get(0),
            deletions: r.get(1),
        });
        if let (Some(seq), Some(id), Some(body)) = (
            r.get::<_, Option<i64>>(2),
            r.get::<_, Option<&str>>(3),
            r.get::<_, Option<&str>>(4),
        ) {
            out.entries.push((seq, windows::whole(id, body, None)?));
        }
    }
    Ok(out)
}

impl PgStore {
    /// A write: the journal's row locked (writers to one journal take turns), `f`, the
    /// journal's version bumped, committed; on any error nothing is written.
    fn write<T>(
        &mut self,
        f: impl FnOnce(&mut Transaction<'_>, i64) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let db = self.db.clone();
        let mut c = db.conn()?;
        let mut tx = c.transaction().map_err(|e| db.err(e))?;
        tx.query_one(
            "SELECT version FROM journals WHERE id = $1 FOR UPDATE",
            &[&self.journal],
        )
        .map_err(|e| db.err(e))?;
        let out = f(&mut tx, self.journal)?;
        tx.execute(
            "UPDATE journals SET version = version + 1 WHERE id = $1",
            &[&self.journal],
        )
        .map_err(|e| db.err(e))?;
        tx.commit().map_err(|e| db.err(e))?;
        if let Some(replicas) = &db.replicas {
            replicas.wrote(&mut c, self.journal);
        }
        Ok(out)
    }

    pub fn journal(&self) -> i64 {
        self.journal
    }
}

fn next_id(
    db: &PgDatabase,
    tx: &mut Transaction<'_>,
    journal: i64,
    prefix: &str,
) -> Result<String, StoreError> {
    let pattern = format!("{prefix}-%");
    let in_use: Option<i64> = tx
        .query_one(
            "SELECT max(split_part(id, '-', 2)::bigint) FROM entries WHERE journal_id = $1 AND id LIKE $2",
            &[&journal, &pattern],
        )
        .map_err(|e| db.err(e))?
        .get(0);
    let counted: Option<i64> = tx
        .query_opt(
            "SELECT last FROM id_counters WHERE journal_id = $1 AND prefix = $2",
            &[&journal, &prefix],
        )
        .map_err(|e| db.err(e))?
        .map(|r| r.get(0));
    let next = in_use
        .unwrap_or(0)
        .max(counted.unwrap_or(0))
        .checked_add(1)
        .filter(|n| u64::try_from(*n).is_ok_and(|n| n <= amble_core::journal::MAX_ID_NUMBER))
        .ok_or_else(|| db.msg(format!("no id left for \"{prefix}\" entries")))?;
    tx.execute(
        "INSERT INTO id_counters (journal_id, prefix, last) VALUES ($1, $2, $3) ON CONFLICT (journal_id, prefix) DO UPDATE SET last = excluded.last",
        &[&journal, &prefix, &next],
    )
    .map_err(|e| db.err(e))?;
    Ok(format!("{prefix}-{next}"))
}

fn insert(
    db: &PgDatabase,
    tx: &mut Transaction<'_>,
    journal: i64,
    entry: &Entry,
) -> Result<(), StoreError> {
    let (body, apart) = windows::split(entry)?;
    tx.execute(
        "INSERT INTO entries (journal_id, id, kind, date, body) VALUES ($1, $2, $3, $4::text::date, $5::text::jsonb)",
        &[&journal, &entry.id(), &entry.kind(), &entry.date().to_string(), &body],
    )
    .map_err(|e| db.err(e))?;
    put_windows(db, tx, journal, entry.id(), apart.as_deref())
}

impl Store for PgStore {
    fn add(&mut self, entry: Entry) -> Result<Entry, StoreError> {
        self.apply(vec![Change::Add(entry)])?
            .into_iter()
            .next()
            .ok_or_else(|| StoreError::Database("the entry was not stored".into()))
    }

    fn add_once(
        &mut self,
        mut entry: Entry,
        client_ref: &str,
    ) -> Result<(Entry, bool), StoreError> {
        crate::check_client_ref(client_ref)?;
        let db = self.db.clone();
        // Writers to the journal take turns on its row lock, and each statement reads what
        // was committed before it (READ COMMITTED), so the look-up sees a concurrent send that
        // finished first; the unique index stops a second copy whatever happens.
        self.write(|tx, journal| {
            let first = tx
                .query_opt(
                    &format!("SELECT e.id, {WHOLE} WHERE e.journal_id = $1 AND e.client_ref = $2"),
                    &[&journal, &client_ref],
                )
                .map_err(|e| db.err(e))?;
            if let Some(r) = first {
                return Ok((
                    windows::whole(r.get::<_, &str>(0), r.get::<_, &str>(1), r.get(2))?,
                    false,
                ));
            }
            let id = next_id(&db, tx, journal, entry.id_prefix())?;
            entry.set_id(id);
            let (body, apart) = windows::split(&entry)?;
            tx.execute(
                "INSERT INTO entries (journal_id, id, kind, date, body, client_ref) VALUES ($1, $2, $3, $4::text::date, $5::text::jsonb, $6)",
                &[&journal, &entry.id(), &entry.kind(), &entry.date().to_string(), &body, &client_ref],
            )
            .map_err(|e| db.err(e))?;
            put_windows(&db, tx, journal, entry.id(), apart.as_deref())?;
            Ok((entry, true))
        })
    }

    fn list(&self) -> Result<Vec<Entry>, StoreError> {
        let rows = self.db.read(self.journal, |c| {
            c.query(
                &format!("SELECT e.id, {WHOLE} WHERE e.journal_id = $1 ORDER BY e.date, e.seq"),
                &[&self.journal],
            )
        })?;
        rows.iter()
            .map(|r| windows::whole(r.get::<_, &str>(0), r.get::<_, &str>(1), r.get(2)))
            .collect()
    }

    fn get(&self, id: &str) -> Result<Option<Entry>, StoreError> {
        let row = self.db.read(self.journal, |c| {
            c.query_opt(
                &format!("SELECT {WHOLE} WHERE e.journal_id = $1 AND e.id = $2"),
                &[&self.journal, &id],
            )
        })?;
        row.map(|r| windows::whole(id, r.get::<_, &str>(0), r.get(1)))
            .transpose()
    }

    fn replace(&mut self, entry: Entry) -> Result<(), StoreError> {
        let db = self.db.clone();
        self.write(|tx, journal| {
            let kind: Option<String> = tx
                .query_opt(
                    "SELECT kind FROM entries WHERE journal_id = $1 AND id = $2",
                    &[&journal, &entry.id()],
                )
                .map_err(|e| db.err(e))?
                .map(|r| r.get(0));
            match kind {
                None => return Err(StoreError::NotFound(entry.id().to_string())),
                Some(k) if k != entry.kind() => {
                    return Err(StoreError::Conflict {
                        id: entry.id().to_string(),
                    });
                }
                Some(_) => {}
            }
            let (body, apart) = windows::split(&entry)?;
            tx.execute(
                "UPDATE entries SET date = $3::text::date, body = $4::text::jsonb, updated_at = now() WHERE journal_id = $1 AND id = $2",
                &[&journal, &entry.id(), &entry.date().to_string(), &body],
            )
            .map_err(|e| db.err(e))?;
            put_windows(&db, tx, journal, entry.id(), apart.as_deref())
        })
    }

    fn delete(&mut self, id: &str) -> Result<Entry, StoreError> {
        self.delete_checked(id, None)
    }

    fn delete_at(&mut self, id: &str, read_at: &Revision) -> Result<Entry, StoreError> {
        self.delete_checked(id, Some(read_at))
    }

    fn import(&mut self, entries: Vec<Entry>) -> Result<ImportSummary, StoreError> {
        for entry in &entries {
            amble_core::journal::id_number(entry).map_err(|e| StoreError::Invalid {
                id: entry.id().to_string(),
                message: e.to_string(),
            })?;
        }
        let db = self.db.clone();
        self.write(|tx, journal| {
            let mut summary = ImportSummary::default();
            // What the journal holds, read once; inserts through one prepared statement.
            let existing: std::collections::HashMap<String, (String, Option<String>)> = tx
                .query(
                    &format!("SELECT e.id, {WHOLE} WHERE e.journal_id = $1"),
                    &[&journal],
                )
                .map_err(|e| db.err(e))?
                .iter()
                .map(|r| (r.get::<_, String>(0), (r.get::<_, String>(1), r.get(2))))
                .collect();
            let insert_stmt = tx
                .prepare(
                    "INSERT INTO entries (journal_id, id, kind, date, body) VALUES ($1, $2, $3, $4::text::date, $5::text::jsonb)",
                )
                .map_err(|e| db.err(e))?;
            // Entries of this batch already inserted: a repeat counts like a stored one.
            let mut inserted: std::collections::HashMap<String, &Entry> = std::collections::HashMap::new();
            for entry in &entries {
                if let Some(prev) = inserted.get(entry.id()) {
                    if *prev == entry {
                        summary.unchanged += 1;
                        continue;
                    }
                    return Err(StoreError::Conflict {
                        id: entry.id().to_string(),
                    });
                }
                match existing.get(entry.id()) {
                    Some((body, apart))
                        if windows::whole(entry.id(), body, apart.as_deref())? == *entry =>
                    {
                        summary.unchanged += 1;
                    }
                    Some(_) => {
                        return Err(StoreError::Conflict {
                            id: entry.id().to_string(),
                        });
                    }
                    None => {
                        inserted.insert(entry.id().to_string(), entry);
                        let (body, apart) = windows::split(entry)?;
                        tx.execute(
                            &insert_stmt,
                            &[&journal, &entry.id(), &entry.kind(), &entry.date().to_string(), &body],
                        )
                        .map_err(|e| db.err(e))?;
                        if apart.is_some() {
                            put_windows(&db, tx, journal, entry.id(), apart.as_deref())?;
                        }
                        summary.added += 1;
                    }
                }
            }
            Ok(summary)
        })
    }

    fn apply(&mut self, changes: Vec<Change>) -> Result<Vec<Entry>, StoreError> {
        let db = self.db.clone();
        self.write(|tx, journal| {
            let mut added = Vec::new();
            for change in changes {
                match change {
                    Change::Add(mut entry) => {
                        let id = next_id(&db, tx, journal, entry.id_prefix())?;
                        entry.set_id(id);
                        insert(&db, tx, journal, &entry)?;
                        added.push(entry);
                    }
                    Change::ReplaceAt(entry, read_at) => {
                        // FOR UPDATE: the row stays as read until this transaction ends.
                        let row = tx
                            .query_opt(
                                &format!("SELECT {WHOLE} WHERE e.journal_id = $1 AND e.id = $2 FOR UPDATE OF e"),
                                &[&journal, &entry.id()],
                            )
                            .map_err(|e| db.err(e))?;
                        let Some(row) = row else {
                            return Err(StoreError::NotFound(entry.id().to_string()));
                        };
                        if !read_at.matches(&windows::whole(entry.id(), row.get::<_, &str>(0), row.get(1))?) {
                            return Err(StoreError::Conflict {
                                id: entry.id().to_string(),
                            });
                        }
                        let (body, apart) = windows::split(&entry)?;
                        let n = tx
                            .execute(
                                "UPDATE entries SET date = $3::text::date, body = $4::text::jsonb, updated_at = now() WHERE journal_id = $1 AND id = $2 AND kind = $5",
                                &[&journal, &entry.id(), &entry.date().to_string(), &body, &entry.kind()],
                            )
                            .map_err(|e| db.err(e))?;
                        if n != 1 {
                            return Err(StoreError::NotFound(entry.id().to_string()));
                        }
                        put_windows(&db, tx, journal, entry.id(), apart.as_deref())?;
                    }
                    Change::Replace(entry) => {
                        let (body, apart) = windows::split(&entry)?;
                        let n = tx
                            .execute(
                                "UPDATE entries SET date = $3::text::date, body = $4::text::jsonb, updated_at = now() WHERE journal_id = $1 AND id = $2 AND kind = $5",
                                &[&journal, &entry.id(), &entry.date().to_string(), &body, &entry.kind()],
                            )
                            .map_err(|e| db.err(e))?;
                        if n != 1 {
                            return Err(StoreError::NotFound(entry.id().to_string()));
                        }
                        put_windows(&db, tx, journal, entry.id(), apart.as_deref())?;
                    }
                }
            }
            Ok(added)
        })
    }

    fn version(&self) -> Result<i64, StoreError> {
        let row = self.db.read(self.journal, |c| {
            c.query_one(
                "SELECT version FROM journals WHERE id = $1",
                &[&self.journal],
            )
        })?;
        Ok(row.get(0))
    }

    fn list_light(&self) -> Result<LightEntries, StoreError> {
        // One statement: the mark and the rows are of the same moment.
        let rows = self.db.read(self.journal, |c| {
            c.query(
                "SELECT j.version, j.deletions, e.seq, e.id, e.body::text FROM journals j LEFT JOIN entries e ON e.journal_id = j.id WHERE j.id = $1 ORDER BY e.date, e.seq",
                &[&self.journal],
            )
        })?;
        light_rows(&rows)
    }

    fn changed_since(&self, since: ChangeMark) -> Result<Option<LightEntries>, StoreError> {
        let rows = self.db.read(self.journal, |c| {
            c.query(
                "SELECT j.version, j.deletions, e.seq, e.id, e.body::text FROM journals j LEFT JOIN entries e ON e.journal_id = j.id AND e.changed > $2 WHERE j.id = $1 ORDER BY e.date, e.seq",
                &[&self.journal, &since.changes],
            )
        })?;
        let out = light_rows(&rows)?;
        match out.mark {
            Some(m) if m.deletions == since.deletions && m.changes >= since.changes => {
                Ok(Some(out))
            }
            _ => Ok(None),
        }
    }

    fn gait_windows(&self, id: &str) -> Result<Vec<GaitWindow>, StoreError> {
        let row = self.db.read(self.journal, |c| {
            c.query_opt(
                "SELECT windows::text FROM gait_windows WHERE journal_id = $1 AND entry_id = $2",
                &[&self.journal, &id],
            )
        })?;
        row.map_or(Ok(Vec::new()), |r| windows::parse(id, r.get::<_, &str>(0)))
    }
}

impl PgStore {
    /// Deletes an entry in one transaction, refused as a conflict when `read_at` is given and the
    /// entry changed since it was read.
    fn delete_checked(
        &mut self,
        id: &str,
        read_at: Option<&Revision>,
    ) -> Result<Entry, StoreError> {
        let db = self.db.clone();
        self.write(|tx, journal| {
            // FOR UPDATE: the row stays as read until this transaction ends.
            let row = tx
                .query_opt(
                    &format!(
                        "SELECT {WHOLE} WHERE e.journal_id = $1 AND e.id = $2 FOR UPDATE OF e"
                    ),
                    &[&journal, &id],
                )
                .map_err(|e| db.err(e))?;
            let Some(row) = row else {
                return Err(StoreError::NotFound(id.to_string()));
            };
            // The whole entry (its gait windows kept apart too), as the revision was taken of it.
            let entry = windows::whole(id, row.get::<_, &str>(0), row.get(1))?;
            if read_at.is_some_and(|r| !r.matches(&entry)) {
                return Err(StoreError::Conflict { id: id.to_string() });
            }
            tx.execute(
                "DELETE FROM entries WHERE journal_id = $1 AND id = $2",
                &[&journal, &id],
            )
            .map_err(|e| db.err(e))?;
            Ok(entry)
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            super::redact("postgres://amble:s3cret@db.example/amble"),
            "postgres://amble:***@db.example/amble"
        );
        assert_eq!(super::redact("postgres://db/amble"), "postgres://db/amble");
        assert_eq!(
            super::redact("host=/run/postgresql user=amble password=s3cret dbname=amble"),
            "host=/run/postgresql user=amble password=*** dbname=amble"
        );
        assert_eq!(
            super::redact("host=db password='a b' dbname=x"),
            "host=db password=*** dbname=x"
        );
        assert_eq!(
            super::redact("postgres://amble@db/amble?password=s3cret&sslmode=disable"),
            "postgres://amble@db/amble?password=***&sslmode=disable"
        );
    }
}
