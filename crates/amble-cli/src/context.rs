//! Where the journal lives and what day it is: the edges every journal command shares.

use std::io::IsTerminal;
use std::path::PathBuf;

use amble_store::{Database, DynStore, SqliteStore, StoreError};
use jiff::civil::Date;

use crate::Global;
use crate::failure::Failure;

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(_) | StoreError::Conflict { .. } | StoreError::Invalid { .. } => {
                Failure::BadInput(e.to_string())
            }
            // Every cause, each said once (the sources stay readable without repeating).
            other => Failure::Other(anyhow::Error::msg(other.full_message())),
        }
    }
}

impl Global {
    /// The journal folder: --data-dir, AMBLE_DATA_DIR, or the platform's data directory.
    pub fn data_dir(&self) -> Result<PathBuf, Failure> {
        let dir = match &self.data_dir {
            Some(d) => d.clone(),
            None => dirs::data_dir().map(|d| d.join("amble")).ok_or_else(|| {
                Failure::Other(anyhow::anyhow!(
                    "cannot find a data directory for this user; pass --data-dir DIR"
                ))
            })?,
        };
        if dir.exists() && !dir.is_dir() {
            return Err(Failure::BadInput(format!(
                "{}: this is a file, not a folder. The data folder holds Amble's journal (journal.db); pass --data-dir with a folder.",
                dir.display()
            )));
        }
        Ok(dir)
    }

    /// Where the journal lives: --database URL (or AMBLE_DATABASE_URL), else the SQLite
    /// journal in the data folder. With accounts (on either engine), `--as EMAIL` picks the
    /// person's journal; without it, the only person's journal when there is one person, else
    /// an error asking for `--as`.
    pub fn database(&self) -> Result<Database, Failure> {
        let db = self.storage()?;
        let accounts = db.accounts()?;
        match (accounts, self.as_user.as_deref()) {
            (Some(accounts), Some(email)) => {
                let user = accounts.user(email)?.ok_or_else(|| {
                    Failure::BadInput(format!("--as {email}: there is no such account"))
                })?;
                let journal = user.journal.ok_or_else(|| {
                    Failure::BadInput(format!(
                        "--as {email}: a {} has no journal of their own",
                        user.role.as_str()
                    ))
                })?;
                Ok(accounts.journal(journal))
            }
            (None, Some(email)) => Err(Failure::BadInput(format!(
                "--as {email}: there is no such account (this journal has no accounts yet: amble user add)"
            ))),
            (Some(accounts), None) if accounts.has_users()? => {
                let people = accounts.people()?;
                match people.as_slice() {
                    [one] => {
                        Ok(accounts.journal(one.journal.unwrap_or(amble_store::DEFAULT_JOURNAL)))
                    }
                    _ => Err(Failure::BadInput(
                        "this database has accounts: choose whose journal with --as EMAIL".into(),
                    )),
                }
            }
            (_, None) => Ok(db),
        }
    }

    /// The storage named by --database (or the SQLite folder), before choosing a journal.
    pub fn storage(&self) -> Result<Database, Failure> {
        match self.database.as_deref().filter(|u| !u.is_empty()) {
            Some(url) => Database::from_url(url).map_err(|e| Failure::BadInput(e.to_string())),
            None => Ok(Database::sqlite(&self.data_dir()?)),
        }
    }

    /// Checks that the journal can be opened for writing (creating it if needed), before a
    /// person spends time answering questions.
    pub fn check_store(&self) -> Result<(), Failure> {
        let db = self.database()?;
        db.open().map(drop).map_err(|e| {
            Failure::Other(anyhow::anyhow!(
                "cannot use the journal at {}: {e}. Nothing has been asked yet; fix it, choose another with --data-dir or --database, or add --no-save.",
                db.describe()
            ))
        })
    }

    /// Whether the user chose a journal explicitly (flag or environment).
    pub fn data_dir_given(&self) -> bool {
        self.data_dir.is_some() || self.database.as_deref().is_some_and(|u| !u.is_empty())
    }

    /// --today, AMBLE_TODAY, or the local date.
    pub fn today(&self) -> Result<Date, Failure> {
        match &self.today {
            Some(t) => parse_date("--today", t),
            None => Ok(jiff::ZonedDateTime::now().date()),
        }
    }

    pub fn open_store(&self) -> Result<DynStore, Failure> {
        match self.database()? {
            Database::Sqlite(dir) => {
                #[cfg_attr(not(debug_assertions), allow(unused_mut))]
                let mut store = SqliteStore::open(&dir)?;
                // Test hook for crash-safety tests: pause inside the write transaction. Only in
                // builds with debug assertions (what `cargo test` runs); a release binary has
                // no test hook.
                #[cfg(debug_assertions)]
                if let Some(marker) = std::env::var_os("AMBLE_TEST_PAUSE_BEFORE_COMMIT") {
                    store.set_pause_before_commit(Some(PathBuf::from(marker)));
                }
                Ok(Box::new(store))
            }
            db => Ok(db.open()?),
        }
    }

    /// Opens the journal for reading; `None` when there is none yet (nothing is created).
    pub fn open_existing_store(&self) -> Result<Option<DynStore>, Failure> {
        Ok(self.database()?.open_existing()?)
    }
}

/// Parses a YYYY-MM-DD date named by `what` (a flag or a key), with a message that says why not.
pub fn parse_date(what: &str, text: &str) -> Result<Date, Failure> {
    let d = amble_core::words::date(text).map_err(|e| Failure::BadInput(format!("{what}: {e}")))?;
    amble_core::journal::check_date(what, d)
        .map(|()| d)
        .map_err(|e| Failure::BadInput(e.to_string()))
}

pub fn stdin_is_terminal() -> bool {
    std::io::stdin().is_terminal()
}
