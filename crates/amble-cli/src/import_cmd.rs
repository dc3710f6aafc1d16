//! `amble import`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use amble_imports::pipeline::{self, Options, Progress, Report};
use anyhow::Context;
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use amble_core::journal::Entry;
use amble_store::{Change, ImportSummary, Store, StoreError};

use crate::Global;
use crate::failure::Failure;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Files, folders or zip archives: .fit, .gpx, .tcx, an Apple Health export.zip or export.xml
    /// (or its unpacked folder).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Show what would be imported without changing the journal.
    #[arg(long)]
    dry_run: bool,
}

/// The journal of a dry run when there is none yet: empty, and never written.
struct NoJournal;

impl Store for NoJournal {
    fn add(&mut self, _: Entry) -> Result<Entry, StoreError> {
        Err(NoJournal::refused())
    }
    fn add_once(&mut self, _: Entry, _: &str) -> Result<(Entry, bool), StoreError> {
        Err(NoJournal::refused())
    }
    fn list(&self) -> Result<Vec<Entry>, StoreError> {
        Ok(Vec::new())
    }
    fn get(&self, _: &str) -> Result<Option<Entry>, StoreError> {
        Ok(None)
    }
    fn replace(&mut self, _: Entry) -> Result<(), StoreError> {
        Err(NoJournal::refused())
    }
    fn delete(&mut self, id: &str) -> Result<Entry, StoreError> {
        Err(StoreError::NotFound(id.to_string()))
    }
    fn import(&mut self, _: Vec<Entry>) -> Result<ImportSummary, StoreError> {
        Err(NoJournal::refused())
    }
    fn apply(&mut self, _: Vec<Change>) -> Result<Vec<Entry>, StoreError> {
        Err(NoJournal::refused())
    }
    fn version(&self) -> Result<i64, StoreError> {
        Ok(0)
    }
}

impl NoJournal {
    fn refused() -> StoreError {
        StoreError::Database("a dry run writes nothing".into())
    }
}

/// A progress bar on a terminal; nothing when stderr is piped.
struct Bar {
    bar: Option<ProgressBar>,
    done: u64,
}

impl Progress for Bar {
    fn start(&mut self, total: u64) {
        if std::io::stderr().is_terminal() {
            let bar =
                ProgressBar::with_draw_target(Some(total.max(1)), ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template(
                "{spinner} importing {bar:30} {bytes}/{total_bytes} {wide_msg}",
            ) {
                bar.set_style(style);
            }
            self.bar = Some(bar);
        }
    }
    fn file(&mut self, name: &str) {
        if let Some(b) = &self.bar {
            let file = name.rsplit('/').next().unwrap_or(name);
            b.set_message(crate::shown::name(file).into_owned());
        }
    }
    fn within(&mut self, bytes: u64) {
        if let Some(b) = &self.bar {
            if self.done + bytes > b.length().unwrap_or(0) {
                b.set_length(self.done + bytes);
            }
            b.set_position(self.done + bytes);
        }
    }
    fn done(&mut self, bytes: u64) {
        self.done += bytes;
        if let Some(b) = &self.bar {
            b.set_position(self.done);
        }
    }
}

pub fn run(global: &Global, args: &ImportArgs) -> Result<(), Failure> {
    let today = global.today()?;
    let opts = Options {
        dry_run: args.dry_run,
        today,
        tz: jiff::tz::TimeZone::system(),
    };
    let mut bar = Bar { bar: None, done: 0 };
    // A dry run reads the journal if there is one and never creates or changes anything.
    let report = match (args.dry_run, global.open_existing_store()?) {
        (true, None) => pipeline::run(&args.paths, &mut NoJournal, &opts, &mut bar)?,
        (true, Some(mut store)) => pipeline::run(&args.paths, &mut store, &opts, &mut bar)?,
        (false, _) => {
            let mut store = global.open_store()?;
            pipeline::run(&args.paths, &mut store, &opts, &mut bar)?
        }
    };
    if let Some(b) = &bar.bar {
        b.finish_and_clear();
    }
    let mut out = std::io::stdout().lock();
    if global.json {
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&report).context("cannot encode the report")?
        )?;
    } else {
        write!(out, "{}", human(&report, args.dry_run))?;
    }
    if report.errors.is_empty() {
        Ok(())
    } else {
        // Exit code 2: some files had errors; the others were imported and the report printed.
        // With --json (stdout stays one document) stderr names each file that failed and why
        // (contract: the message names the file); then one line sums up, in both modes.
        if global.json {
            for e in &report.errors {
                eprintln!(
                    "error: {}: {}",
                    crate::shown::name(&e.file),
                    crate::shown::name(&e.message)
                );
            }
        }
        eprintln!(
            "error: {} could not be imported ({} imported); see {}",
            amble_core::words::count(report.errors.len() as u64, "file", "files"),
            report.imported,
            if global.json {
                "\"errors\" in the report"
            } else {
                "the list above"
            }
        );
        Err(Failure::Reported)
    }
}

fn human(r: &Report, dry_run: bool) -> String {
    use amble_core::words::count;
    let mut s = String::new();
    let verb = if dry_run { "Would import" } else { "Imported" };
    s.push_str(&format!(
        "{verb} {}; {} already in the journal{}; {} of walking data{}.\n",
        count(r.imported as u64, "walk", "walks"),
        r.duplicates,
        if r.enriched > 0 {
            format!(" ({} given more detail)", r.enriched)
        } else {
            String::new()
        },
        count(r.daily_metrics as u64, "day", "days"),
        if dry_run {
            " (dry run: nothing was changed)"
        } else {
            ""
        }
    ));
    // Names come from folders and archives: shown with their control characters escaped.
    use crate::shown::name as shown;
    let width = r
        .skipped
        .iter()
        .map(|x| shown(&x.file).chars().count())
        .chain(r.errors.iter().map(|x| shown(&x.file).chars().count()))
        .max()
        .unwrap_or(0)
        .min(60);
    if !r.skipped.is_empty() {
        s.push_str(&format!("\nSkipped ({}):\n", r.skipped.len()));
        for x in &r.skipped {
            s.push_str(&format!(
                "  {:<width$}  {}\n",
                shown(&x.file),
                shown(&x.reason)
            ));
        }
    }
    if !r.errors.is_empty() {
        s.push_str(&format!(
            "\nErrors ({}), nothing imported from these files:\n",
            r.errors.len()
        ));
        for x in &r.errors {
            s.push_str(&format!(
                "  {:<width$}  {}\n",
                shown(&x.file),
                shown(&x.message)
            ));
        }
    }
    if r.imported > 0 && !dry_run {
        s.push_str(
            "\nAdd how your back felt on these walks: `amble journal --needs-pain` lists them.\n",
        );
    }
    s
}
