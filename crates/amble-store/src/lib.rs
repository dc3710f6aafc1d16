//! Amble's journal store. [`Store`] is the storage interface the CLI and the web server use;
//! [`SqliteStore`] implements it on an embedded SQLite file (compiled in: no system library, no
//! server), [`PgStore`] on PostgreSQL for a clinic's server. [`Database`] picks one from
//! `--database URL` (contract §12); the schema of both comes from [`migrations`].
//!
//! Guarantees: every write is one transaction (a crash or a killed process never leaves half an
//! entry); concurrent writers from several processes wait for each other instead of losing
//! entries (WAL, busy timeout, `BEGIN IMMEDIATE`); a file that is not an Amble journal, or one
//! written by a newer Amble, is refused with a clear error and never reset.

mod account_rules;
pub mod accounts;
pub mod admin;
pub mod audit;
pub mod migrations;
mod people_list;
mod pgpass;
mod postgres;
pub mod replicas;
mod roles;
mod sqlite;
mod sqlite_accounts;
mod windows;

use amble_core::journal::{Entry, GaitWindow};
pub use amble_core::revision::Revision;
use std::path::{Path, PathBuf};

pub use accounts::{AccountStore, Accounts};
pub use admin::AdminStore;
pub use audit::Purged;
pub use migrations::SCHEMA_VERSION;
pub use postgres::{DEFAULT_JOURNAL, PgDatabase, PgStore};
pub use roles::Migrated;
pub use sqlite::{Salvaged, SqliteStore};
pub use sqlite_accounts::SqliteAccounts;

/// Where the journal lives: the SQLite journal in a folder (the default), or a PostgreSQL
/// database (`postgres://...`). Cheap to clone (a PostgreSQL pool is shared).
#[derive(Clone)]
pub enum Database {
    /// The SQLite journal in a folder (journal 1 of its file: the only one without accounts).
    Sqlite(PathBuf),
    /// One person's journal in the SQLite file of a folder with accounts.
    SqliteJournal(PathBuf, i64),
    /// A PostgreSQL database and the journal in it ([`DEFAULT_JOURNAL`] without accounts).
    Postgres(PgDatabase, i64),
}

/// A client reference that breaks the rule of `amble_core::client_ref` (nothing is stored).
fn check_client_ref(client_ref: &str) -> Result<(), StoreError> {
    amble_core::client_ref::check(client_ref)
        .map(|_| ())
        .map_err(|e| StoreError::Invalid {
            id: String::new(),
            message: e.to_string(),
        })
}

/// A journal of either kind.
pub type DynStore = Box<dyn Store + Send>;

impl Database {
    /// From `--database URL`: `postgres://...` (or `postgresql://`), `sqlite://FOLDER`; the
    /// error says what is accepted.
    pub fn from_url(url: &str) -> Result<Database, StoreError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return PgDatabase::connect(url).map(|db| Database::Postgres(db, DEFAULT_JOURNAL));
        }
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(StoreError::Database(
                    "sqlite:// needs the journal's folder, e.g. sqlite:///home/me/amble".into(),
                ));
            }
            return Ok(Database::Sqlite(PathBuf::from(path)));
        }
        // A key-value connection string, as libpq takes (`host=/run/postgresql dbname=amble`).
        if !url.contains("://") && url.contains('=') {
            return PgDatabase::connect(url).map(|db| Database::Postgres(db, DEFAULT_JOURNAL));
        }
        // Never echoed: the text may hold a password.
        Err(StoreError::Database(match url.split_once("://") {
            Some((scheme, _)) => format!(
                "--database: expected postgres://USER@HOST/DB, a PostgreSQL key-value string (host=... dbname=...) or sqlite://FOLDER, found a {scheme}:// address"
            ),
            None => "--database: expected postgres://USER@HOST/DB, a PostgreSQL key-value string (host=... dbname=...) or sqlite://FOLDER".into(),
        }))
    }

    /// The SQLite journal in `dir`.
    pub fn sqlite(dir: &Path) -> Database {
        Database::Sqlite(dir.to_path_buf())
    }

    /// The journal, created if needed.
    pub fn open(&self) -> Result<DynStore, StoreError> {
        Ok(match self {
            Database::Sqlite(dir) => Box::new(SqliteStore::open(dir)?),
            Database::SqliteJournal(dir, journal) => {
                Box::new(SqliteStore::open_journal(dir, *journal)?)
            }
            Database::Postgres(db, journal) => Box::new(db.open(*journal)?),
        })
    }

    /// The journal if there is one (`None`: nothing was ever stored; nothing is created).
    pub fn open_existing(&self) -> Result<Option<DynStore>, StoreError> {
        Ok(match self {
            Database::Sqlite(dir) => {
                SqliteStore::open_existing(dir)?.map(|s| Box::new(s) as DynStore)
            }
            Database::SqliteJournal(dir, journal) => {
                if SqliteStore::file_in(dir).exists() {
                    Some(Box::new(SqliteStore::open_journal(dir, *journal)?))
                } else {
                    None
                }
            }
            Database::Postgres(db, journal) => {
                db.open_existing(*journal)?.map(|s| Box::new(s) as DynStore)
            }
        })
    }

    /// The accounts kept with this journal, if the storage exists (nothing is created): the
    /// SQLite file in the folder, or the PostgreSQL database. Whether there are any users is
    /// [`AccountStore::has_users`].
    pub fn accounts(&self) -> Result<Option<Accounts>, StoreError> {
        Ok(match self {
            Database::Sqlite(dir) | Database::SqliteJournal(dir, _) => {
                SqliteAccounts::open_existing(dir)?.map(Accounts::from)
            }
            Database::Postgres(db, _) => Some(Accounts::from(db.clone())),
        })
    }

    /// The accounts kept with this journal, creating the storage if needed.
    pub fn open_accounts(&self) -> Result<Accounts, StoreError> {
        Ok(match self {
            Database::Sqlite(dir) | Database::SqliteJournal(dir, _) => {
                Accounts::from(SqliteAccounts::open(dir)?)
            }
            Database::Postgres(db, _) => Accounts::from(db.clone()),
        })
    }

    /// The same storage for a server: on PostgreSQL the schema is never changed through it,
    /// only checked (contract §12); SQLite is unchanged (its file belongs to whoever runs it).
    pub fn for_server(self) -> Database {
        match self {
            Database::Postgres(db, journal) => Database::Postgres(db.for_server(), journal),
            other => other,
        }
    }

    /// Words for messages: the folder, or the database address without its password.
    pub fn describe(&self) -> String {
        match self {
            Database::Sqlite(dir) | Database::SqliteJournal(dir, _) => dir.display().to_string(),
            Database::Postgres(db, _) => db.describe(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "{path}: this file is not an Amble journal ({detail}); it has not been changed. Move it aside, or point --data-dir at another folder, to start a new journal."
    )]
    NotAJournal { path: PathBuf, detail: String },
    #[error(
        "{path}: this journal was written by a newer version of Amble (schema {found}; this version knows up to {supported}). Please update Amble; the journal has not been changed."
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error(
        "{path}: the journal file is damaged ({detail}); it has not been changed. Keep a copy of it; an export made earlier can be imported into a new journal."
    )]
    Corrupt { path: PathBuf, detail: String },
    #[error("no journal entry with id \"{0}\"")]
    NotFound(String),
    /// An entry that exists with other content (an import), or a correction made from a
    /// version of the entry that has changed since it was read (see `Store::replace_at`).
    #[error("entry \"{id}\" already exists with different content (or changed since it was read)")]
    Conflict { id: String },
    #[error("cannot open the journal folder {path}: {detail}")]
    Folder { path: PathBuf, detail: String },
    #[error("entry \"{id}\": {message}")]
    Invalid { id: String, message: String },
    #[error("journal error: {0}")]
    Database(String),
    /// An error of the database engine (SQLite, PostgreSQL, the pool), kept as the source so
    /// its own causes stay readable (`{:#}` in anyhow, `Error::source`).
    #[error("journal error: {context}: {source}")]
    Engine {
        /// Where: the journal file or the database address (without its password).
        context: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },
    /// Another writer holds the journal past the wait (after the busy timeout).
    #[error("the journal is busy: {0}")]
    Busy(String),
}

impl StoreError {
    /// An engine's error with where it happened.
    pub fn engine(
        context: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> StoreError {
        StoreError::Engine {
            context: context.into(),
            source: Box::new(source),
        }
    }

    /// The message with every cause below it, each said once (an engine's error often repeats
    /// its cause in its own message).
    pub fn full_message(&self) -> String {
        let mut text = self.to_string();
        let mut cause = std::error::Error::source(self);
        while let Some(c) = cause {
            let more = c.to_string();
            if !text.contains(&more) {
                text.push_str(": ");
                text.push_str(&more);
            }
            cause = c.source();
        }
        text
    }
}

/// What a lossless journal import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Entries newly stored.
    pub added: usize,
    /// Entries already present with identical content.
    pub unchanged: usize,
}

/// One change of a batch.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// A new entry (its id is assigned by the store).
    Add(Entry),
    /// A corrected entry, replacing the one with the same id.
    Replace(Entry),
    /// A corrected entry made from the version of it read at this revision: refused with
    /// [`StoreError::Conflict`] (and the whole batch with it) when the stored entry has changed
    /// since, so two edits never overwrite each other.
    ReplaceAt(Entry, Revision),
}

/// Where a reader stood in a journal's writes (schema version 14 on): how many writes and how
/// many deletions the journal had had. A reader that holds a mark reads again only what was
/// written since ([`Store::changed_since`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChangeMark {
    pub changes: i64,
    pub deletions: i64,
}

/// Entries as the pages read them, without a walk's gait windows, each with its place in the
/// journal (the store's sequence number: journal order is date, then this), and the mark they
/// were read at.
#[derive(Debug, Clone, Default)]
pub struct LightEntries {
    pub entries: Vec<(i64, Entry)>,
    pub mark: Option<ChangeMark>,
}

/// The journal: entries in journal order (oldest date first, then the order they were stored).
pub trait Store {
    /// Stores a new entry under a fresh id and returns it as stored.
    fn add(&mut self, entry: Entry) -> Result<Entry, StoreError>;
    /// Stores a new entry once per client reference (contract §13): when an entry of this
    /// journal already carries `client_ref`, nothing is stored and that entry comes back with
    /// `false`; otherwise `entry` is stored under a fresh id with the reference, and comes back
    /// with `true`. Two writers sending one reference at the same moment store one entry (a
    /// unique index per journal holds it). The reference is checked by
    /// `amble_core::client_ref::check` first; a deleted entry frees its reference.
    fn add_once(&mut self, entry: Entry, client_ref: &str) -> Result<(Entry, bool), StoreError>;
    /// Every entry, oldest first.
    fn list(&self) -> Result<Vec<Entry>, StoreError>;
    /// One entry by id.
    fn get(&self, id: &str) -> Result<Option<Entry>, StoreError>;
    /// Replaces the stored entry with the same id (a correction). The kind cannot change.
    fn replace(&mut self, entry: Entry) -> Result<(), StoreError>;
    /// Replaces the stored entry with the same id, but only if it is still the version read
    /// at `read_at` (`amble_core::revision`): otherwise nothing is written and the answer is
    /// [`StoreError::Conflict`] (read the entry again to show its newer values). The check and
    /// the write are one transaction.
    fn replace_at(&mut self, entry: Entry, read_at: &Revision) -> Result<(), StoreError> {
        self.apply(vec![Change::ReplaceAt(entry, read_at.clone())])
            .map(|_| ())
    }
    /// Deletes an entry and returns what was deleted.
    fn delete(&mut self, id: &str) -> Result<Entry, StoreError>;
    /// Deletes an entry only if it is still the version read at `read_at`: otherwise nothing
    /// is deleted and the answer is [`StoreError::Conflict`] (someone changed it after it was
    /// shown for deletion). Both engines check and delete in one transaction; this default,
    /// for journals of tests and stand-ins, reads and deletes in two steps.
    fn delete_at(&mut self, id: &str, read_at: &Revision) -> Result<Entry, StoreError> {
        match self.get(id)? {
            None => Err(StoreError::NotFound(id.to_string())),
            Some(e) if !read_at.matches(&e) => Err(StoreError::Conflict { id: id.to_string() }),
            Some(_) => self.delete(id),
        }
    }
    /// Imports entries with their ids, all or nothing: identical entries are skipped, an id that
    /// exists with other content is a conflict and nothing is written.
    fn import(&mut self, entries: Vec<Entry>) -> Result<ImportSummary, StoreError>;
    /// Applies a batch of changes in one transaction: all of them, or (on any error) none.
    /// Returns the added entries with their ids.
    fn apply(&mut self, changes: Vec<Change>) -> Result<Vec<Entry>, StoreError>;
    /// A number that changes whenever the journal changes, from this process or another (what
    /// the web app's cache is keyed on).
    fn version(&self) -> Result<i64, StoreError>;

    /// Every entry in journal order without a walk's gait windows (what the pages read), with
    /// the mark to ask [`Store::changed_since`] later. A store without marks gives the whole
    /// entries and no mark.
    fn list_light(&self) -> Result<LightEntries, StoreError> {
        Ok(LightEntries {
            entries: (0i64..).zip(self.list()?).collect(),
            mark: None,
        })
    }

    /// The entries written (added or replaced) since `mark`, without gait windows, and the new
    /// mark; `None` when that cannot be told from the marks alone (an entry was deleted since:
    /// read everything again).
    fn changed_since(&self, mark: ChangeMark) -> Result<Option<LightEntries>, StoreError> {
        let _ = mark;
        Ok(None)
    }

    /// The per-minute gait windows of walk `id` (empty when it has none or is no walk).
    fn gait_windows(&self, id: &str) -> Result<Vec<GaitWindow>, StoreError> {
        Ok(match self.get(id)? {
            Some(Entry::Walk(w)) => w.gait.map(|g| g.windows).unwrap_or_default(),
            _ => Vec::new(),
        })
    }
}

/// A boxed journal is a journal (so code written for any store takes either engine).
impl<S: Store + ?Sized> Store for Box<S> {
    fn add(&mut self, entry: Entry) -> Result<Entry, StoreError> {
        (**self).add(entry)
    }
    fn add_once(&mut self, entry: Entry, client_ref: &str) -> Result<(Entry, bool), StoreError> {
        (**self).add_once(entry, client_ref)
    }
    fn list(&self) -> Result<Vec<Entry>, StoreError> {
        (**self).list()
    }
    fn get(&self, id: &str) -> Result<Option<Entry>, StoreError> {
        (**self).get(id)
    }
    fn replace(&mut self, entry: Entry) -> Result<(), StoreError> {
        (**self).replace(entry)
    }
    fn replace_at(&mut self, entry: Entry, read_at: &Revision) -> Result<(), StoreError> {
        (**self).replace_at(entry, read_at)
    }
    fn delete(&mut self, id: &str) -> Result<Entry, StoreError> {
        (**self).delete(id)
    }
    fn delete_at(&mut self, id: &str, read_at: &Revision) -> Result<Entry, StoreError> {
        (**self).delete_at(id, read_at)
    }
    fn import(&mut self, entries: Vec<Entry>) -> Result<ImportSummary, StoreError> {
        (**self).import(entries)
    }
    fn apply(&mut self, changes: Vec<Change>) -> Result<Vec<Entry>, StoreError> {
        (**self).apply(changes)
    }
    fn version(&self) -> Result<i64, StoreError> {
        (**self).version()
    }
    fn list_light(&self) -> Result<LightEntries, StoreError> {
        (**self).list_light()
    }
    fn changed_since(&self, mark: ChangeMark) -> Result<Option<LightEntries>, StoreError> {
        (**self).changed_since(mark)
    }
    fn gait_windows(&self, id: &str) -> Result<Vec<GaitWindow>, StoreError> {
        (**self).gait_windows(id)
    }
}

/// How often [`update`] reads again when another writer changed the entry in between.
pub const UPDATE_ATTEMPTS: usize = 5;

/// Changes one stored entry without overwriting anyone: reads it, applies `change` to what is
/// stored now, and replaces it at the revision read; when another writer changed it in
/// between, reads it again and applies `change` to the newer version (up to
/// [`UPDATE_ATTEMPTS`] times, then [`StoreError::Conflict`]). For long operations that write
/// back to an entry read long before (a gait analysis, an import's enrichment): `change` is a
/// merge (e.g. "set the gait"), not a copy of an old version. Returns the entry as stored.
pub fn update<S: Store + ?Sized>(
    store: &mut S,
    id: &str,
    mut change: impl FnMut(Entry) -> Result<Entry, StoreError>,
) -> Result<Entry, StoreError> {
    for _ in 0..UPDATE_ATTEMPTS {
        let current = store
            .get(id)?
            .ok_or_else(|| StoreError::NotFound(id.to_string()))?;
        let read_at = Revision::of(&current);
        let changed = change(current)?;
        match store.replace_at(changed.clone(), &read_at) {
            Ok(()) => return Ok(changed),
            Err(StoreError::Conflict { .. }) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(StoreError::Conflict { id: id.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("db error")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn an_engine_error_keeps_its_source_and_says_each_cause_once() {
        let e = StoreError::engine(
            "postgres://db/amble",
            Outer(std::io::Error::other("database \"x\" does not exist")),
        );
        let source = std::error::Error::source(&e).map(ToString::to_string);
        assert_eq!(source.as_deref(), Some("db error"));
        assert_eq!(
            e.full_message(),
            "journal error: postgres://db/amble: db error: database \"x\" does not exist"
        );
    }
}
