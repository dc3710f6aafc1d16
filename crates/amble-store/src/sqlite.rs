//! The embedded SQLite journal.

use std::path::{Path, PathBuf};
use std::time::Duration;

use amble_core::journal::{Entry, GaitWindow};
use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, TransactionBehavior, params};

use crate::windows;
use crate::{Change, ChangeMark, ImportSummary, LightEntries, Revision, Store, StoreError};

use crate::migrations::MIGRATIONS;
pub use crate::migrations::SCHEMA_VERSION;
/// `PRAGMA application_id` marking a file as an Amble journal ("Ambl").
const APPLICATION_ID: i64 = 0x416D_626C;
const FILE_NAME: &str = "journal.db";
/// The journal of a file without accounts (and the one the first person added adopts).
const DEFAULT_JOURNAL: i64 = crate::postgres::DEFAULT_JOURNAL;

/// What a salvage read: the readable entries, and (id, problem) for each of the others.
pub type Salvaged = (Vec<Entry>, Vec<(String, String)>);

pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
    /// Which journal of the file (1: the journal of a file without accounts; each person with
    /// an account has one).
    journal: i64,
    /// Test hook: create this file and wait before committing a write, so a test can kill the
    /// process mid-write.
    pause_before_commit: Option<PathBuf>,
}

impl SqliteStore {
    /// The journal file inside a data directory.
    pub fn file_in(dir: &Path) -> PathBuf {
        dir.join(FILE_NAME)
    }

    /// Opens (creating if needed) the journal in `dir`, applying migrations.
    pub fn open(dir: &Path) -> Result<SqliteStore, StoreError> {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::Folder {
            path: dir.to_path_buf(),
            detail: e.to_string(),
        })?;
        let path = Self::file_in(dir);
        let conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        )
        .map_err(|e| classify(&path, e))?;
        let mut store = SqliteStore {
            conn,
            path,
            journal: DEFAULT_JOURNAL,
            pause_before_commit: None,
        };
        // Several processes creating the same new journal at once: switching it to WAL and
        // migrating can meet a lock that SQLite reports at once instead of waiting for (its
        // busy handler is not used there); try again shortly, a bounded number of times.
        let mut attempt = 0u32;
        loop {
            match store.prepare() {
                Err(StoreError::Busy(_)) if attempt < 100 => {
                    attempt += 1;
                    std::thread::sleep(Duration::from_millis(5 + u64::from(attempt % 10) * 5));
                }
                Err(StoreError::Busy(detail)) => return Err(StoreError::Database(detail)),
                other => return other.map(|()| store),
            }
        }
    }

    /// Opens journal `journal` of the file in `dir` (a person's, with accounts); it must exist.
    pub fn open_journal(dir: &Path, journal: i64) -> Result<SqliteStore, StoreError> {
        let mut store = Self::open(dir)?;
        let found: Option<i64> = store
            .conn
            .query_row("SELECT id FROM journals WHERE id = ?1", [journal], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| store.err(e))?;
        if found.is_none() {
            return Err(StoreError::Database(format!(
                "{}: there is no journal {journal}",
                store.path.display()
            )));
        }
        store.journal = journal;
        Ok(store)
    }

    /// Which journal of the file this is.
    pub fn journal(&self) -> i64 {
        self.journal
    }

    /// The connection, for the accounts kept in the same file.
    pub(crate) fn into_connection(self) -> Connection {
        self.conn
    }

    /// Checks the file, sets it up, and migrates it when needed.
    fn prepare(&mut self) -> Result<(), StoreError> {
        self.configure()?;
        // Take the write lock only when there is something to migrate, so that readers never
        // wait behind another process's write.
        let version: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        if version != SCHEMA_VERSION {
            self.migrate()?;
        }
        Ok(())
    }

    /// Opens an existing journal without creating anything; `Ok(None)` when there is none yet.
    pub fn open_existing(dir: &Path) -> Result<Option<SqliteStore>, StoreError> {
        if !Self::file_in(dir).exists() {
            return Ok(None);
        }
        Self::open(dir).map(Some)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every entry that can still be read, and (id, problem) for the rest, without changing
    /// anything: for rescuing a damaged journal or one written by a newer Amble. The file is
    /// opened read-only; only its Amble mark is checked.
    pub fn salvage(dir: &Path) -> Result<Salvaged, StoreError> {
        let path = Self::file_in(dir);
        if !path.exists() {
            return Ok((Vec::new(), Vec::new()));
        }
        let conn = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| classify(&path, e))?;
        let app_id: i64 = conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .map_err(|e| classify(&path, e))?;
        if app_id != APPLICATION_ID {
            return Err(StoreError::NotAJournal {
                path,
                detail: "no Amble mark".into(),
            });
        }
        // Journal 1 only, when the file has several (an older file has one).
        let sql = match conn.prepare("SELECT journal_id FROM entries LIMIT 0") {
            Ok(_) => "SELECT id, body FROM entries WHERE journal_id = 1 ORDER BY date, seq",
            Err(_) => "SELECT id, body FROM entries ORDER BY date, seq",
        };
        let mut stmt = conn.prepare(sql).map_err(|e| classify(&path, e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, rusqlite::types::Value>(1)?,
                ))
            })
            .map_err(|e| classify(&path, e))?;
        let mut windows_apart = conn
            .prepare("SELECT windows FROM gait_windows WHERE journal_id = 1 AND entry_id = ?1")
            .ok();
        let (mut good, mut bad) = (Vec::new(), Vec::new());
        for row in rows {
            match row {
                Ok((id, rusqlite::types::Value::Text(body))) => {
                    match decode(&id, &body).and_then(|mut e| {
                        // Windows kept apart (schema 14 on) come back with their walk.
                        if let Some(Ok(t)) = windows_apart.as_mut().map(|q| {
                            q.query_row([&id], |r| r.get::<_, String>(0))
                                .optional()
                                .map(Option::unwrap_or_default)
                        }) && !t.is_empty()
                        {
                            windows::attach(&mut e, windows::parse(&id, &t)?);
                        }
                        Ok(e)
                    }) {
                        Ok(e) => good.push(e),
                        Err(e) => bad.push((id, e.to_string())),
                    }
                }
                Ok((id, _)) => bad.push((id, "the entry is not text".into())),
                Err(e) => bad.push(("?".into(), e.to_string())),
            }
        }
        Ok((good, bad))
    }

    /// A number that changes whenever another connection (this process or another) has
    /// committed a change to the journal since this connection last asked: a cheap way for a
    /// long-lived reader to know its cached view is stale (SQLite's `PRAGMA data_version`).
    pub fn data_version(&self) -> Result<i64, StoreError> {
        self.conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    pub fn set_pause_before_commit(&mut self, marker: Option<PathBuf>) {
        self.pause_before_commit = marker;
    }

    fn err(&self, e: rusqlite::Error) -> StoreError {
        classify(&self.path, e)
    }

    fn configure(&mut self) -> Result<(), StoreError> {
        self.conn
            .busy_timeout(Duration::from_secs(30))
            .map_err(|e| self.err(e))?;
        // Reading the header first turns "not a database" into a clear error before any write.
        // One read transaction, so another process migrating a new journal at this moment is
        // seen whole or not at all (never its tables without its application id).
        let path = self.path.clone();
        let (app_id, version, tables): (i64, i64, i64) = {
            let tx = self.conn.transaction().map_err(|e| classify(&path, e))?;
            let read = |sql: &str| tx.query_row(sql, [], |r| r.get::<_, i64>(0));
            let out = (
                read("PRAGMA application_id").map_err(|e| classify(&path, e))?,
                read("PRAGMA user_version").map_err(|e| classify(&path, e))?,
                read("SELECT count(*) FROM sqlite_schema").map_err(|e| classify(&path, e))?,
            );
            tx.commit().map_err(|e| classify(&path, e))?;
            out
        };
        if app_id != APPLICATION_ID && (app_id != 0 || tables > 0) {
            return Err(StoreError::NotAJournal {
                path: self.path.clone(),
                detail: "a SQLite database of another program".into(),
            });
        }
        if version > SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                path: self.path.clone(),
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        self.conn
            .execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| classify(&path, e))?;
        // Read again inside the lock: another process may have migrated meanwhile.
        let version: i64 = tx
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| classify(&path, e))?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                path,
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        for m in MIGRATIONS
            .iter()
            .skip(usize::try_from(version).unwrap_or(0))
        {
            tx.execute_batch(m.sqlite).map_err(|e| classify(&path, e))?;
            tx.execute_batch(&format!(
                "PRAGMA user_version = {}; PRAGMA application_id = {APPLICATION_ID};",
                m.version
            ))
            .map_err(|e| classify(&path, e))?;
        }
        tx.commit().map_err(|e| classify(&path, e))
    }
}

/// Test hook: see `SqliteStore::pause_before_commit`. Only in builds with debug assertions (what
/// `cargo test` runs); in a release build it does nothing.
fn pause_hook(marker: Option<&Path>) {
    #[cfg(debug_assertions)]
    if let Some(marker) = marker {
        let _ = std::fs::write(marker, b"in transaction");
        std::thread::sleep(Duration::from_secs(60));
    }
    #[cfg(not(debug_assertions))]
    let _ = marker;
}

fn classify(path: &Path, e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            StoreError::Busy(format!("{}: {e}", path.display()))
        }
        Some(ErrorCode::NotADatabase) => StoreError::NotAJournal {
            path: path.to_path_buf(),
            detail: "file is not a database".into(),
        },
        Some(ErrorCode::DatabaseCorrupt) => StoreError::Corrupt {
            path: path.to_path_buf(),
            detail: e.to_string(),
        },
        _ => StoreError::engine(path.display().to_string(), e),
    }
}

fn decode(id: &str, body: &str) -> Result<Entry, StoreError> {
    serde_json::from_str(body)
        .map_err(|e| StoreError::Database(format!("entry {id} cannot be read: {e}")))
}

/// The entry read whole: its body with the gait windows stored apart put back.
fn decode_whole(
    conn: &Connection,
    journal: i64,
    id: &str,
    body: &str,
) -> Result<Entry, StoreError> {
    let mut entry = decode(id, body)?;
    if matches!(&entry, Entry::Walk(w) if w.gait.is_some()) {
        let text: Option<String> = conn
            .query_row(
                "SELECT windows FROM gait_windows WHERE journal_id = ?1 AND entry_id = ?2",
                params![journal, id],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| StoreError::engine("gait windows", e))?;
        if let Some(t) = text {
            windows::attach(&mut entry, windows::parse(id, &t)?);
        }
    }
    Ok(entry)
}

/// Stores the windows of entry `id` apart (none: whatever was stored for it goes).
fn put_windows(
    conn: &Connection,
    journal: i64,
    id: &str,
    windows: Option<&str>,
) -> rusqlite::Result<()> {
    conn.execute(
        "DELETE FROM gait_windows WHERE journal_id = ?1 AND entry_id = ?2",
        params![journal, id],
    )?;
    if let Some(w) = windows {
        conn.execute(
            "INSERT INTO gait_windows (journal_id, entry_id, windows) VALUES (?1, ?2, ?3)",
            params![journal, id, w],
        )?;
    }
    Ok(())
}

/// The journal's change mark.
fn mark_of(conn: &Connection, journal: i64) -> rusqlite::Result<ChangeMark> {
    conn.query_row(
        "SELECT changes, deletions FROM journals WHERE id = ?1",
        [journal],
        |r| {
            Ok(ChangeMark {
                changes: r.get(0)?,
                deletions: r.get(1)?,
            })
        },
    )
}

/// Rows of `SELECT seq, id, body` as entries without their gait windows.
fn light_rows(
    stmt: &mut rusqlite::Statement<'_>,
    args: impl rusqlite::Params,
    path: &Path,
) -> Result<Vec<(i64, Entry)>, StoreError> {
    let rows = stmt
        .query_map(args, |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })
        .map_err(|e| classify(path, e))?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, id, body) = row.map_err(|e| classify(path, e))?;
        out.push((seq, decode(&id, &body)?));
    }
    Ok(out)
}

fn next_id(
    tx: &rusqlite::Transaction<'_>,
    journal: i64,
    prefix: &str,
) -> Result<String, rusqlite::Error> {
    // One past the highest number this prefix ever had (the counter survives deletes) or has
    // now (imports may bring higher ones). Runs inside BEGIN IMMEDIATE, so two processes can
    // never pick the same id.
    let pattern = format!("{prefix}-*");
    let in_use: Option<i64> = tx.query_row(
        "SELECT max(CAST(substr(id, ?2) AS INTEGER)) FROM entries WHERE journal_id = ?3 AND id GLOB ?1",
        params![pattern, prefix.len() as i64 + 2, journal],
        |r| r.get(0),
    )?;
    let counted: Option<i64> = tx
        .query_row(
            "SELECT last FROM id_counters WHERE journal_id = ?1 AND prefix = ?2",
            params![journal, prefix],
            |r| r.get(0),
        )
        .optional()?;
    let next = in_use
        .unwrap_or(0)
        .max(counted.unwrap_or(0))
        .checked_add(1)
        .filter(|n| u64::try_from(*n).is_ok_and(|n| n <= amble_core::journal::MAX_ID_NUMBER))
        .ok_or_else(|| {
            rusqlite::Error::ToSqlConversionFailure(
                format!("no id left for \"{prefix}\" entries").into(),
            )
        })?;
    tx.execute(
        "INSERT INTO id_counters (journal_id, prefix, last) VALUES (?1, ?2, ?3) ON CONFLICT (journal_id, prefix) DO UPDATE SET last = excluded.last",
        params![journal, prefix, next],
    )?;
    Ok(format!("{prefix}-{next}"))
}

impl Store for SqliteStore {
    fn add(&mut self, entry: Entry) -> Result<Entry, StoreError> {
        let added = self.apply(vec![Change::Add(entry)])?;
        added
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
        let path = self.path.clone();
        // BEGIN IMMEDIATE: writers take turns, so the look-up and the insert see the same
        // journal; the unique index stops a second copy whatever happens.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| classify(&path, e))?;
        let first: Option<(String, String)> = tx
            .query_row(
                "SELECT id, body FROM entries WHERE journal_id = ?1 AND client_ref = ?2",
                params![self.journal, client_ref],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(|e| classify(&path, e))?;
        if let Some((id, body)) = first {
            return Ok((decode_whole(&tx, self.journal, &id, &body)?, false));
        }
        let id = next_id(&tx, self.journal, entry.id_prefix()).map_err(|e| classify(&path, e))?;
        entry.set_id(id.clone());
        let (body, apart) = windows::split(&entry)?;
        tx.execute(
            "INSERT INTO entries (id, kind, date, body, journal_id, client_ref) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                id,
                entry.kind(),
                entry.date().to_string(),
                body,
                self.journal,
                client_ref
            ],
        )
        .map_err(|e| classify(&path, e))?;
        put_windows(&tx, self.journal, &id, apart.as_deref()).map_err(|e| classify(&path, e))?;
        pause_hook(self.pause_before_commit.as_deref());
        tx.commit().map_err(|e| classify(&path, e))?;
        Ok((entry, true))
    }

    fn list(&self) -> Result<Vec<Entry>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT e.id, e.body, g.windows FROM entries e LEFT JOIN gait_windows g ON g.journal_id = e.journal_id AND g.entry_id = e.id WHERE e.journal_id = ?1 ORDER BY e.date, e.seq",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([self.journal], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, body, apart) = row.map_err(|e| self.err(e))?;
            let mut entry = decode(&id, &body)?;
            if let Some(t) = apart {
                windows::attach(&mut entry, windows::parse(&id, &t)?);
            }
            out.push(entry);
        }
        Ok(out)
    }

    fn get(&self, id: &str) -> Result<Option<Entry>, StoreError> {
        let body: Option<String> = self
            .conn
            .query_row(
                "SELECT body FROM entries WHERE journal_id = ?1 AND id = ?2",
                params![self.journal, id],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        body.map(|b| decode_whole(&self.conn, self.journal, id, &b))
            .transpose()
    }

    fn replace(&mut self, entry: Entry) -> Result<(), StoreError> {
        let (path, journal) = (self.path.clone(), self.journal);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| classify(&path, e))?;
        let kind: Option<String> = tx
            .query_row(
                "SELECT kind FROM entries WHERE journal_id = ?1 AND id = ?2",
                params![journal, entry.id()],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| classify(&path, e))?;
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
            "UPDATE entries SET date = ?2, body = ?3, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE journal_id = ?4 AND id = ?1",
            params![entry.id(), entry.date().to_string(), body, journal],
        )
        .map_err(|e| classify(&path, e))?;
        put_windows(&tx, journal, entry.id(), apart.as_deref()).map_err(|e| classify(&path, e))?;
        tx.commit().map_err(|e| classify(&path, e))
    }

    fn delete(&mut self, id: &str) -> Result<Entry, StoreError> {
        self.delete_checked(id, None)
    }

    fn delete_at(&mut self, id: &str, read_at: &Revision) -> Result<Entry, StoreError> {
        self.delete_checked(id, Some(read_at))
    }

    fn import(&mut self, entries: Vec<Entry>) -> Result<ImportSummary, StoreError> {
        // Ids come from outside: only well-formed ones, so later ids can always be given.
        for entry in &entries {
            amble_core::journal::id_number(entry).map_err(|e| StoreError::Invalid {
                id: entry.id().to_string(),
                message: e.to_string(),
            })?;
        }
        let (path, journal) = (self.path.clone(), self.journal);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| classify(&path, e))?;
        let mut summary = ImportSummary::default();
        {
            let mut find = tx
                .prepare("SELECT body FROM entries WHERE journal_id = ?2 AND id = ?1")
                .map_err(|e| classify(&path, e))?;
            let mut insert = tx
                .prepare("INSERT INTO entries (id, kind, date, body, journal_id) VALUES (?1, ?2, ?3, ?4, ?5)")
                .map_err(|e| classify(&path, e))?;
            for entry in &entries {
                let existing: Option<String> = find
                    .query_row(params![entry.id(), journal], |r| r.get(0))
                    .optional()
                    .map_err(|e| classify(&path, e))?;
                match existing {
                    Some(body) if decode_whole(&tx, journal, entry.id(), &body)? == *entry => {
                        summary.unchanged += 1
                    }
                    Some(_) => {
                        return Err(StoreError::Conflict {
                            id: entry.id().to_string(),
                        });
                    }
                    None => {
                        let (body, apart) = windows::split(entry)?;
                        insert
                            .execute(params![
                                entry.id(),
                                entry.kind(),
                                entry.date().to_string(),
                                body,
                                journal
                            ])
                            .map_err(|e| classify(&path, e))?;
                        put_windows(&tx, journal, entry.id(), apart.as_deref())
                            .map_err(|e| classify(&path, e))?;
                        summary.added += 1;
                    }
                }
            }
        }
        pause_hook(self.pause_before_commit.as_deref());
        tx.commit().map_err(|e| classify(&path, e))?;
        Ok(summary)
    }

    fn apply(&mut self, changes: Vec<Change>) -> Result<Vec<Entry>, StoreError> {
        let (path, journal) = (self.path.clone(), self.journal);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| classify(&path, e))?;
        let mut added = Vec::new();
        for change in changes {
            match change {
                Change::Add(mut entry) => {
                    let id =
                        next_id(&tx, journal, entry.id_prefix()).map_err(|e| classify(&path, e))?;
                    entry.set_id(id.clone());
                    let (body, apart) = windows::split(&entry)?;
                    tx.execute(
                        "INSERT INTO entries (id, kind, date, body, journal_id) VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![id, entry.kind(), entry.date().to_string(), body, journal],
                    )
                    .map_err(|e| classify(&path, e))?;
                    put_windows(&tx, journal, &id, apart.as_deref())
                        .map_err(|e| classify(&path, e))?;
                    added.push(entry);
                }
                Change::ReplaceAt(entry, read_at) => {
                    let body: Option<String> = tx
                        .query_row(
                            "SELECT body FROM entries WHERE journal_id = ?1 AND id = ?2",
                            params![journal, entry.id()],
                            |r| r.get(0),
                        )
                        .optional()
                        .map_err(|e| classify(&path, e))?;
                    let Some(body) = body else {
                        return Err(StoreError::NotFound(entry.id().to_string()));
                    };
                    if !read_at.matches(&decode_whole(&tx, journal, entry.id(), &body)?) {
                        return Err(StoreError::Conflict {
                            id: entry.id().to_string(),
                        });
                    }
                    let (body, apart) = windows::split(&entry)?;
                    let n = tx
                        .execute(
                            "UPDATE entries SET date = ?2, body = ?3, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE journal_id = ?5 AND id = ?1 AND kind = ?4",
                            params![entry.id(), entry.date().to_string(), body, entry.kind(), journal],
                        )
                        .map_err(|e| classify(&path, e))?;
                    if n != 1 {
                        return Err(StoreError::NotFound(entry.id().to_string()));
                    }
                    put_windows(&tx, journal, entry.id(), apart.as_deref())
                        .map_err(|e| classify(&path, e))?;
                }
                Change::Replace(entry) => {
                    let (body, apart) = windows::split(&entry)?;
                    let n = tx
                        .execute(
                            "UPDATE entries SET date = ?2, body = ?3, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE journal_id = ?5 AND id = ?1 AND kind = ?4",
                            params![entry.id(), entry.date().to_string(), body, entry.kind(), journal],
                        )
                        .map_err(|e| classify(&path, e))?;
                    if n != 1 {
                        return Err(StoreError::NotFound(entry.id().to_string()));
                    }
                    put_windows(&tx, journal, entry.id(), apart.as_deref())
                        .map_err(|e| classify(&path, e))?;
                }
            }
        }
        pause_hook(self.pause_before_commit.as_deref());
        tx.commit().map_err(|e| classify(&path, e))?;
        Ok(added)
    }

    fn version(&self) -> Result<i64, StoreError> {
        self.data_version()
    }

    fn list_light(&self) -> Result<LightEntries, StoreError> {
        // One read transaction: the mark and the rows are of the same moment.
        let tx = self.conn.unchecked_transaction().map_err(|e| self.err(e))?;
        let mark = mark_of(&tx, self.journal).map_err(|e| self.err(e))?;
        let mut stmt = tx
            .prepare_cached(
                "SELECT seq, id, body FROM entries WHERE journal_id = ?1 ORDER BY date, seq",
            )
            .map_err(|e| self.err(e))?;
        let entries = light_rows(&mut stmt, [self.journal], &self.path)?;
        Ok(LightEntries {
            entries,
            mark: Some(mark),
        })
    }

    fn changed_since(&self, since: ChangeMark) -> Result<Option<LightEntries>, StoreError> {
        let tx = self.conn.unchecked_transaction().map_err(|e| self.err(e))?;
        let mark = mark_of(&tx, self.journal).map_err(|e| self.err(e))?;
        if mark.deletions != since.deletions || mark.changes < since.changes {
            return Ok(None);
        }
        let mut stmt = tx
            .prepare_cached(
                "SELECT seq, id, body FROM entries WHERE journal_id = ?1 AND changed > ?2 ORDER BY date, seq",
            )
            .map_err(|e| self.err(e))?;
        let entries = light_rows(&mut stmt, params![self.journal, since.changes], &self.path)?;
        Ok(Some(LightEntries {
            entries,
            mark: Some(mark),
        }))
    }

    fn gait_windows(&self, id: &str) -> Result<Vec<GaitWindow>, StoreError> {
        let text: Option<String> = self
            .conn
            .query_row(
                "SELECT windows FROM gait_windows WHERE journal_id = ?1 AND entry_id = ?2",
                params![self.journal, id],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        text.map_or(Ok(Vec::new()), |t| windows::parse(id, &t))
    }
}

impl SqliteStore {
    /// Deletes an entry in one transaction, refused as a conflict when `read_at` is given and the
    /// entry changed since it was read.
    fn delete_checked(
        &mut self,
        id: &str,
        read_at: Option<&Revision>,
    ) -> Result<Entry, StoreError> {
        let (path, journal) = (self.path.clone(), self.journal);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| classify(&path, e))?;
        let body: Option<String> = tx
            .query_row(
                "SELECT body FROM entries WHERE journal_id = ?1 AND id = ?2",
                params![journal, id],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| classify(&path, e))?;
        let Some(body) = body else {
            return Err(StoreError::NotFound(id.to_string()));
        };
        // The whole entry (its gait windows kept apart too), as the revision was taken of it.
        let entry = decode_whole(&tx, journal, id, &body)?;
        if read_at.is_some_and(|r| !r.matches(&entry)) {
            return Err(StoreError::Conflict { id: id.to_string() });
        }
        tx.execute(
            "DELETE FROM entries WHERE journal_id = ?1 AND id = ?2",
            params![journal, id],
        )
        .map_err(|e| classify(&path, e))?;
        tx.commit().map_err(|e| classify(&path, e))?;
        Ok(entry)
    }
}
