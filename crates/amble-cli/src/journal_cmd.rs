//! `amble journal` (list, edit, delete, import) and `amble export`.

use std::io::Write;
use std::path::PathBuf;

use amble_core::Answers;
use amble_core::journal::{self, Entry, JOURNAL_SCHEMA, JournalDoc};
use amble_core::knowledge::KnowledgeBase;
use amble_store::{Store, StoreError};
use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use serde::Serialize;

use crate::Global;
use crate::assess_cmd::load_kb;
use crate::context::stdin_is_terminal;
use crate::failure::Failure;
use crate::log_cmd::{Spread, check_exercise, entry_date};

#[derive(Debug, Args)]
pub struct JournalArgs {
    /// List only walks still waiting for pain ratings.
    #[arg(long)]
    needs_pain: bool,
    #[command(subcommand)]
    action: Option<JournalAction>,
}

#[derive(Debug, Subcommand)]
enum JournalAction {
    /// Correct an entry: give only the fields to change.
    Edit(Box<EditArgs>),
    /// Delete an entry (asks first unless --yes).
    Delete {
        /// The entry's id, as shown by `amble journal`.
        id: String,
        /// Delete without asking.
        #[arg(long)]
        yes: bool,
    },
    /// Import an `amble.journal/1` file (from `amble export`), all or nothing.
    Import {
        /// The file to import ("-" for stdin).
        file: PathBuf,
    },
}

#[derive(Debug, Args)]
struct EditArgs {
    /// The entry's id, as shown by `amble journal`.
    id: String,
    /// New date, YYYY-MM-DD.
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<String>,
    /// Minutes walked (a walk).
    #[arg(long, value_name = "M", allow_negative_numbers = true)]
    minutes: Option<f64>,
    /// Back pain before the walk, 0-10.
    #[arg(long, value_name = "0-10", allow_negative_numbers = true)]
    pain_before: Option<i64>,
    /// Worst pain during the walk, 0-10.
    #[arg(long, value_name = "0-10", allow_negative_numbers = true)]
    pain_peak: Option<i64>,
    /// Separate walking bouts.
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    bouts: Option<u32>,
    /// How far leg symptoms spread compared with usual.
    #[arg(long, value_enum)]
    leg_spread: Option<Spread>,
    /// Set or clear the new-symptoms mark of a walk.
    #[arg(long, value_name = "true|false")]
    new_symptoms: Option<bool>,
    /// Distance in kilometres.
    #[arg(long, value_name = "KM", allow_negative_numbers = true)]
    distance_km: Option<f64>,
    /// Surface walked on.
    #[arg(long, value_name = "S")]
    surface: Option<String>,
    /// Shoes worn.
    #[arg(long, value_name = "NAME")]
    shoes: Option<String>,
    /// A note for yourself.
    #[arg(long, value_name = "TEXT")]
    notes: Option<String>,
    /// Morning pain (a morning entry).
    #[arg(long, value_name = "0-10", allow_negative_numbers = true)]
    pain: Option<i64>,
    /// Exercise id (an exercise entry).
    #[arg(long = "exercise", value_name = "EXERCISE_ID")]
    exercise: Option<String>,
    /// Sets done (an exercise session).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    sets: Option<u32>,
    /// Back pain after the session, 0-10.
    #[arg(long, value_name = "0-10", allow_negative_numbers = true)]
    pain_after: Option<i64>,
}

#[derive(Debug, Clone, Copy, ValueEnum, Default)]
pub enum Format {
    #[default]
    Json,
    Csv,
    /// One FHIR R4 Bundle (JSON) for a clinic's records.
    Fhir,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// json (lossless, re-importable), csv (for spreadsheets) or fhir (an R4 Bundle for a
    /// clinic's records).
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,
    /// Write to this file instead of stdout (written in full or not at all).
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Rescue mode for a damaged journal, or one from a newer Amble: export every entry that
    /// can be read (never changing the journal), list the others on stderr, and exit 1 if any
    /// could not be read.
    #[arg(long)]
    salvage: bool,
}

/// The entry in one line, exercises by name (the knowledge base is read once).
fn summary(e: &Entry) -> String {
    static KB: std::sync::OnceLock<Option<KnowledgeBase>> = std::sync::OnceLock::new();
    match KB.get_or_init(|| load_kb().ok()) {
        Some(kb) => e.summary_in(kb),
        None => e.summary(),
    }
}

fn print_json<T: Serialize>(doc: &T) -> Result<(), Failure> {
    writeln!(
        std::io::stdout().lock(),
        "{}",
        serde_json::to_string_pretty(doc).context("cannot encode JSON")?
    )?;
    Ok(())
}

pub fn run(global: &Global, args: JournalArgs) -> Result<(), Failure> {
    match args.action {
        None => list(global, args.needs_pain),
        Some(JournalAction::Edit(e)) => edit(global, *e),
        Some(JournalAction::Delete { id, yes }) => delete(global, &id, yes),
        Some(JournalAction::Import { file }) => import(global, &file),
    }
}

fn list(global: &Global, needs_pain: bool) -> Result<(), Failure> {
    let mut entries = match global.open_existing_store()? {
        Some(s) => s.list()?,
        None => Vec::new(),
    };
    if needs_pain {
        entries.retain(|e| matches!(e, Entry::Walk(w) if w.pain_peak.is_none()));
    }
    if global.json {
        return print_json(&JournalDoc {
            schema: JOURNAL_SCHEMA.into(),
            entries,
        });
    }
    let mut out = std::io::stdout().lock();
    if entries.is_empty() {
        writeln!(
            out,
            "{}",
            if needs_pain {
                "No walks are waiting for pain ratings."
            } else {
                "The journal is empty. Start with `amble assess`."
            }
        )?;
        return Ok(());
    }
    writeln!(out, "{:<8} {:<10}  ENTRY", "ID", "DATE")?;
    for e in &entries {
        writeln!(out, "{:<8} {:<10}  {}", e.id(), e.date(), summary(e))?;
        // A walk's gait section (its numbers are on the walk's line): how the walk changed and
        // when it began to slow.
        if let Entry::Walk(w) = e
            && let Some(g) = &w.gait
        {
            for line in g.drift_in_words().iter().chain(g.onset_in_words().iter()) {
                writeln!(out, "{:<20}{line}", "")?;
            }
        }
    }
    Ok(())
}

fn edit(global: &Global, a: EditArgs) -> Result<(), Failure> {
    let kb = load_kb()?;
    let today = global.today()?;
    let mut store = global.open_store()?;
    let mut entry = store
        .get(&a.id)?
        .ok_or_else(|| Failure::BadInput(format!("no journal entry with id \"{}\"", a.id)))?;
    let read_at = amble_store::Revision::of(&entry);
    let not_for = |flag: &str, kind: &str| {
        Failure::BadInput(format!(
            "{flag} does not apply to a {kind} entry ({})",
            a.id
        ))
    };
    let kind = entry.kind();
    let walk_flags = a.minutes.is_some()
        || a.pain_before.is_some()
        || a.pain_peak.is_some()
        || a.bouts.is_some()
        || a.leg_spread.is_some()
        || a.new_symptoms.is_some()
        || a.distance_km.is_some()
        || a.surface.is_some()
        || a.shoes.is_some()
        || a.notes.is_some();
    match &mut entry {
        Entry::Walk(w) => {
            if a.pain.is_some() {
                return Err(not_for("--pain", kind));
            }
            if a.exercise.is_some() || a.sets.is_some() || a.pain_after.is_some() {
                return Err(not_for("--exercise/--sets/--pain-after", kind));
            }
            let date = match &a.date {
                Some(d) => Some(entry_date("--date", Some(d), today)?),
                None => None,
            };
            let correction = journal::WalkCorrection {
                date,
                minutes: a.minutes,
                pain_before: a.pain_before.map(Some),
                pain_peak: a.pain_peak.map(Some),
                bouts: a.bouts,
                leg_spread: a.leg_spread.map(|s| Some(s.into())),
                new_symptoms: a.new_symptoms,
                distance_km: a.distance_km.map(Some),
                surface: a.surface.clone().map(Some),
                shoes: a.shoes.clone().map(Some),
                notes: a.notes.clone().map(Some),
            };
            *w = correction.apply(w, today).map_err(flag_error)?;
        }
        Entry::Morning(m) => {
            if walk_flags || a.exercise.is_some() || a.sets.is_some() || a.pain_after.is_some() {
                return Err(not_for("only --date and --pain apply; another flag", kind));
            }
            let date = match &a.date {
                Some(d) => Some(entry_date("--date", Some(d), today)?),
                None => None,
            };
            let correction = amble_core::correction::MorningCorrection { date, pain: a.pain };
            let entries = store.list()?;
            *m = correction
                .apply_in(m, &entries, today)
                .map_err(flag_error)?;
        }
        Entry::Exercise(x) => {
            if walk_flags || a.pain.is_some() {
                return Err(not_for(
                    "only --date, --exercise, --sets and --pain-after apply; another flag",
                    kind,
                ));
            }
            let date = match &a.date {
                Some(d) => Some(entry_date("--date", Some(d), today)?),
                None => None,
            };
            if let Some(id) = &a.exercise {
                check_exercise(&kb, id)?;
            }
            let correction = amble_core::correction::ExerciseCorrection {
                date,
                exercise: a.exercise.clone(),
                sets: a.sets.map(Some),
                pain_after: a.pain_after.map(Some),
            };
            *x = correction
                .apply(x, today, |id| kb.exercise(id).is_some())
                .map_err(flag_error)?;
        }
        Entry::DailyMetrics(_) => {
            return Err(Failure::BadInput(format!(
                "{} is imported daily data; import the export again to update it",
                a.id
            )));
        }
        Entry::Checkin(_) => {
            return Err(Failure::BadInput(format!(
                "{} is a check-in; delete it (amble journal delete {}) and check in again",
                a.id, a.id
            )));
        }
        Entry::Assessment(_) => {
            return Err(Failure::BadInput(format!(
                "{} is a check-up; run `amble assess` again instead of editing it",
                a.id
            )));
        }
    }
    journal::validate(&entry).map_err(|e| {
        Failure::BadInput(format!("--{}: {}", e.field.replace('_', "-"), e.message))
    })?;
    // Replaced at the version read above: a correction saved meanwhile (another window, the
    // web app) is not overwritten.
    match store.replace_at(entry.clone(), &read_at) {
        Err(StoreError::Conflict { .. }) => {
            return Err(Failure::BadInput(format!(
                "{} changed while it was being corrected (another window or device); nothing was changed: run the correction again",
                a.id
            )));
        }
        other => other?,
    }
    if global.json {
        print_json(&entry)
    } else {
        writeln!(
            std::io::stdout().lock(),
            "Corrected: {} on {}.",
            summary(&entry),
            entry.date()
        )?;
        Ok(())
    }
}

/// An entry error named by its command-line flag (`pain_after` -> `--pain-after`).
fn flag_error(e: journal::EntryError) -> Failure {
    Failure::BadInput(format!("--{}: {}", e.field.replace('_', "-"), e.message))
}

fn delete(global: &Global, id: &str, yes: bool) -> Result<(), Failure> {
    let mut store = global.open_store()?;
    let entry = store
        .get(id)?
        .ok_or_else(|| Failure::BadInput(format!("no journal entry with id \"{id}\"")))?;
    if !yes {
        if !stdin_is_terminal() {
            return Err(Failure::BadInput(format!(
                "deleting {id} needs confirmation: add --yes"
            )));
        }
        eprint!(
            "Delete {id} ({} on {})? [y/N] ",
            summary(&entry),
            entry.date()
        );
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        if !matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
            eprintln!("Nothing deleted.");
            return Ok(());
        }
    }
    let deleted = store.delete(id)?;
    if global.json {
        print_json(&deleted)
    } else {
        writeln!(
            std::io::stdout().lock(),
            "Deleted: {} on {}.",
            summary(&deleted),
            deleted.date()
        )?;
        Ok(())
    }
}

/// Parses and checks an `amble.journal/1` document; errors name the file and the entry.
pub fn read_journal_doc(file: &std::path::Path, kb: &KnowledgeBase) -> Result<Vec<Entry>, Failure> {
    let shown = file.display().to_string();
    let text = if shown == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)?;
        s
    } else {
        std::fs::read_to_string(file)
            .map_err(|e| Failure::BadInput(format!("{shown}: cannot read: {e}")))?
    };
    let de = &mut serde_json::Deserializer::from_str(&text);
    let doc: JournalDoc = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        Failure::BadInput(format!("{shown}: {path}: {inner}"))
    })?;
    if doc.schema != JOURNAL_SCHEMA {
        return Err(Failure::BadInput(format!(
            "{shown}: schema: expected \"{JOURNAL_SCHEMA}\", found \"{}\"",
            doc.schema
        )));
    }
    let mut seen = std::collections::BTreeSet::new();
    for (i, e) in doc.entries.iter().enumerate() {
        let at = format!("{shown}: entries[{i}] ({})", e.id());
        if e.id().trim().is_empty() || !seen.insert(e.id().to_string()) {
            return Err(Failure::BadInput(format!(
                "{at}: id: expected a unique, non-empty id"
            )));
        }
        journal::id_number(e).map_err(|err| Failure::BadInput(format!("{at}: {err}")))?;
        journal::validate(e).map_err(|err| Failure::BadInput(format!("{at}: {err}")))?;
        match e {
            Entry::Exercise(x) if kb.exercise(&x.exercise).is_none() => {
                return Err(Failure::BadInput(format!(
                    "{at}: exercise: unknown exercise \"{}\"",
                    x.exercise
                )));
            }
            Entry::Assessment(a) => Answers::validate(&a.answers, kb)
                .map_err(|err| Failure::BadInput(format!("{at}: answers.{err}")))?,
            _ => {}
        }
    }
    Ok(doc.entries)
}

fn import(global: &Global, file: &std::path::Path) -> Result<(), Failure> {
    let kb = load_kb()?;
    let entries = read_journal_doc(file, &kb)?;
    let total = entries.len();
    let summary = global.open_store()?.import(entries)?;
    if global.json {
        print_json(
            &serde_json::json!({"schema": "amble.journal-import/1", "entries": total, "added": summary.added, "unchanged": summary.unchanged}),
        )
    } else {
        writeln!(
            std::io::stdout().lock(),
            "Imported {}: {} new entries, {} already in the journal.",
            file.display(),
            summary.added,
            summary.unchanged
        )?;
        Ok(())
    }
}

const CSV_HEADER: [&str; 20] = [
    "id",
    "kind",
    "date",
    "minutes",
    "elapsed_minutes",
    "bouts",
    "pain_before",
    "pain_peak",
    "leg_spread",
    "new_symptoms",
    "distance_km",
    "steps",
    "cadence_spm",
    "surface",
    "shoes",
    "source",
    "pain",
    "exercise",
    "sets",
    "pain_after",
];

fn csv_row(e: &Entry) -> Vec<String> {
    let o = |v: Option<String>| v.unwrap_or_default();
    let mut row = vec![String::new(); CSV_HEADER.len()];
    row[0] = e.id().into();
    row[1] = e.kind().into();
    row[2] = e.date().to_string();
    match e {
        Entry::Walk(w) => {
            row[3] = w.minutes.to_string();
            row[4] = o(w.elapsed_minutes.map(|v| v.to_string()));
            row[5] = w.bouts.to_string();
            row[6] = o(w.pain_before.map(|v| v.to_string()));
            row[7] = o(w.pain_peak.map(|v| v.to_string()));
            row[8] = o(w
                .leg_spread
                .and_then(|s| serde_json::to_value(s).ok())
                .and_then(|v| v.as_str().map(str::to_string)));
            row[9] = w.new_symptoms.to_string();
            row[10] = o(w.distance_km.map(|v| v.to_string()));
            row[11] = o(w.steps.map(|v| v.to_string()));
            row[12] = o(w.cadence_spm.map(|v| v.to_string()));
            row[13] = o(w.surface.clone());
            row[14] = o(w.shoes.clone());
            row[15] = serde_json::to_value(w.source)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
        }
        Entry::Morning(m) => row[16] = m.pain.to_string(),
        Entry::Checkin(c) => row[16] = o(c.pain.map(|v| v.to_string())),
        Entry::Exercise(x) => {
            row[17] = x.exercise.clone();
            row[18] = o(x.sets.map(|v| v.to_string()));
            row[19] = o(x.pain_after.map(|v| v.to_string()));
        }
        Entry::Assessment(_) => {}
        Entry::DailyMetrics(d) => row[11] = o(d.steps.map(|v| v.to_string())),
    }
    row
}

pub fn export(global: &Global, args: &ExportArgs) -> Result<(), Failure> {
    let mut unreadable = Vec::new();
    let entries = if args.salvage {
        // The file as it is, before anything (accounts included) is read from it.
        let amble_store::Database::Sqlite(dir) = global.storage()? else {
            return Err(Failure::BadInput(
                "--salvage rescues a damaged SQLite journal; a PostgreSQL database is backed up and restored with its own tools (docs/deploy.md)".into(),
            ));
        };
        let (good, bad) = amble_store::SqliteStore::salvage(&dir)?;
        unreadable = bad;
        good
    } else {
        match global.open_existing_store()? {
            Some(s) => s.list()?,
            None => Vec::new(),
        }
    };
    let bytes: Vec<u8> = match args.format {
        Format::Json => {
            let mut text = serde_json::to_string_pretty(&JournalDoc {
                schema: JOURNAL_SCHEMA.into(),
                entries,
            })
            .context("cannot encode the journal")?;
            text.push('\n');
            text.into_bytes()
        }
        Format::Fhir => {
            // One resource at a time: five years of entries never sit in memory as one tree.
            let kb = crate::assess_cmd::load_kb()?;
            let mut out =
                b"{\"resourceType\": \"Bundle\", \"type\": \"collection\", \"entry\": [\n".to_vec();
            for (i, e) in amble_core::fhir::bundle_entries(&entries, &kb).enumerate() {
                if i > 0 {
                    out.extend_from_slice(b",\n");
                }
                serde_json::to_writer(&mut out, &e).context("cannot encode the FHIR bundle")?;
            }
            out.extend_from_slice(b"\n]}\n");
            out
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(CSV_HEADER).context("cannot write CSV")?;
            for e in &entries {
                w.write_record(csv_row(e)).context("cannot write CSV")?;
            }
            w.into_inner()
                .map_err(|e| anyhow::anyhow!("cannot write CSV: {e}"))?
        }
    };
    match &args.output {
        None => std::io::stdout().lock().write_all(&bytes)?,
        Some(path) => {
            // Write beside the target, then rename: the file is complete or absent.
            let tmp = path.with_extension("amble-tmp");
            crate::private_file::write(&tmp, &bytes)
                .with_context(|| format!("cannot write {}", tmp.display()))?;
            std::fs::rename(&tmp, path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("Exported the journal to {}.", path.display());
        }
    }
    if !unreadable.is_empty() {
        let mut err = std::io::stderr().lock();
        writeln!(
            err,
            "{} could not be read and {} left out (the journal is unchanged):",
            amble_core::words::count(unreadable.len() as u64, "entry", "entries"),
            if unreadable.len() == 1 { "is" } else { "are" }
        )?;
        for (id, problem) in &unreadable {
            writeln!(err, "  {id}: {problem}")?;
        }
        return Err(Failure::Other(anyhow::anyhow!(
            "the salvage export is incomplete: {} unreadable",
            amble_core::words::count(unreadable.len() as u64, "entry", "entries")
        )));
    }
    Ok(())
}
