//! Amble's journal store. [`Store`] is the storage interface the CLI and the web server use;
//! [`SqliteStore`] implements it on an embedded SQLite file (compiled in: no system library, no
//! server). A PostgreSQL backend can implement the same trait later.
//!
//! Guarantees: every write is one transaction (a crash or a killed process never leaves half an
//! entry); concurrent writers from several processes wait for each other instead of losing
//! entries (WAL, busy timeout, `BEGIN IMMEDIATE`); a file that is not an Amble journal, or one
//! written by a newer Amble, is refused with a clear error and never reset.

mod sqlite;

use amble_core::journal::Entry;
use std::path::PathBuf;

pub use sqlite::{SCHEMA_VERSION, Salvaged, SqliteStore};

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
    #[error("entry \"{id}\" already exists with different content")]
    Conflict { id: String },
    #[error("cannot open the journal folder {path}: {detail}")]
    Folder { path: PathBuf, detail: String },
    #[error("entry \"{id}\": {message}")]
    Invalid { id: String, message: String },
    #[error("journal error: {0}")]
    Database(String),
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
}

/// The journal: entries in journal order (oldest date first, then the order they were stored).
pub trait Store {
    /// Stores a new entry under a fresh id and returns it as stored.
    fn add(&mut self, entry: Entry) -> Result<Entry, StoreError>;
    /// Every entry, oldest first.
    fn list(&self) -> Result<Vec<Entry>, StoreError>;
    /// One entry by id.
    fn get(&self, id: &str) -> Result<Option<Entry>, StoreError>;
    /// Replaces the stored entry with the same id (a correction). The kind cannot change.
    fn replace(&mut self, entry: Entry) -> Result<(), StoreError>;
    /// Deletes an entry and returns what was deleted.
    fn delete(&mut self, id: &str) -> Result<Entry, StoreError>;
    /// Imports entries with their ids, all or nothing: identical entries are skipped, an id that
    /// exists with other content is a conflict and nothing is written.
    fn import(&mut self, entries: Vec<Entry>) -> Result<ImportSummary, StoreError>;
    /// Applies a batch of changes in one transaction: all of them, or (on any error) none.
    /// Returns the added entries with their ids.
    fn apply(&mut self, changes: Vec<Change>) -> Result<Vec<Entry>, StoreError>;
}
