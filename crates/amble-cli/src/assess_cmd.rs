//! `amble assess`.

use std::io::Write;
use std::path::PathBuf;

use amble_core::journal::{Entry, StoredAssessment};
use amble_core::{Answers, KnowledgeBase, assess, report};
use amble_store::Store;
use anyhow::Context;
use clap::Args;

use crate::Global;
use crate::failure::Failure;
use crate::interactive;

#[derive(Debug, Args)]
pub struct AssessArgs {
    /// Read answers from an `amble.answers/1` JSON file ("-" for stdin) instead of asking.
    #[arg(long, value_name = "FILE")]
    answers: Option<PathBuf>,
    /// Don't store this check-up in the journal.
    ///
    /// The interactive check-up is stored by default; with --answers it is stored only when a
    /// journal is named with --data-dir or AMBLE_DATA_DIR.
    #[arg(long)]
    no_save: bool,
    /// After a new check-up with nothing new or worse, keep the level your plan has reached
    /// (the default; asked when the check-up is interactive).
    #[arg(long, conflicts_with = "start_again")]
    keep_level: bool,
    /// After a new check-up, start the plan again from week 1 instead of keeping its level.
    #[arg(long)]
    start_again: bool,
}

pub fn load_kb() -> Result<KnowledgeBase, Failure> {
    KnowledgeBase::embedded()
        .context("Amble's built-in knowledge base is invalid")
        .map_err(Failure::Other)
}

/// Reads and validates an answers file; errors name the file, the key path and what was expected.
pub fn read_answers(path: &PathBuf, kb: &KnowledgeBase) -> Result<Answers, Failure> {
    let shown = path.display().to_string();
    let text = if shown == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
            .map_err(|e| Failure::BadInput(format!("stdin: cannot read answers: {e}")))?;
        s
    } else {
        std::fs::read_to_string(path)
            .map_err(|e| Failure::BadInput(format!("{shown}: cannot read answers file: {e}")))?
    };
    Answers::from_json(&text, kb).map_err(|e| Failure::BadInput(format!("{shown}: {e}")))
}

pub fn run(global: &Global, args: &AssessArgs) -> Result<(), Failure> {
    let kb = load_kb()?;
    let save = !args.no_save && (args.answers.is_none() || global.data_dir_given());
    let today = global.today()?;
    if save && args.answers.is_none() {
        // Before the first question: a journal that can't be written would lose the answers.
        global.check_store()?;
    }
    let answers = match &args.answers {
        Some(path) => read_answers(path, &kb)?,
        None => {
            // The activities of the last PSFS are rated again (the same ones each time).
            let earlier = match global.open_existing_store()? {
                Some(s) => amble_core::outcomes::last_psfs_activities(&s.list()?, today),
                None => Vec::new(),
            };
            interactive::ask(&kb, &earlier)?
        }
    };
    let mut assessment = assess(&answers, &kb);
    let mut lost: Option<Failure> = None;
    let keep_level = save && keep_level(global, args, &answers, today, &kb)?;
    let stored = if save {
        let entry = Entry::Assessment(Box::new(StoredAssessment {
            id: String::new(),
            date: today,
            answers: answers.clone(),
            rescreen: false,
            keep_level,
        }));
        match save_entry(global, entry) {
            Ok(e) => Some(e),
            Err(e) if args.answers.is_none() => {
                lost = Some(keep_answers(&answers, &e, global));
                None
            }
            Err(e) => return Err(e),
        }
    } else {
        None
    };
    // Stored: read with the journal too (a new neurological symptom since the last check-up),
    // and what the new plan does with the level reached.
    let mut level_line = None;
    if let Some(entry) = &stored {
        let entries = global.open_store()?.list()?;
        if let Some(i) = amble_core::new_symptoms::index_of(&entries, entry.id()) {
            assessment = amble_core::new_symptoms::with_journal(assessment, &entries, i);
        }
        level_line = amble_core::plan::replay(&entries, today, &kb)
            .ok()
            .filter(|r| r.assessment_id == entry.id())
            .and_then(|r| amble_core::plan::level_words(&r, &entries));
    }
    let mut stdout = std::io::stdout().lock();
    if global.json {
        let doc =
            serde_json::to_string_pretty(&assessment).context("cannot encode the assessment")?;
        writeln!(stdout, "{doc}")?;
    } else {
        write!(
            stdout,
            "{}",
            report::render_text(&assessment, &answers, &kb)
        )?;
        if let Some(entry) = stored {
            writeln!(
                stdout,
                "\nSaved this check-up to your journal ({}). A new plan starts from it.",
                entry.date()
            )?;
            if let Some(line) = level_line {
                writeln!(stdout, "{line}")?;
            }
        }
    }
    lost.map_or(Ok(()), Err)
}

/// Whether this check-up keeps the level the plan has reached: `--start-again` says no,
/// `--keep-level` yes; otherwise, when the plan may keep it, an interactive check-up asks
/// (keeping is the default, also when the input ends), and a scripted one keeps it.
fn keep_level(
    global: &Global,
    args: &AssessArgs,
    answers: &Answers,
    today: jiff::civil::Date,
    kb: &KnowledgeBase,
) -> Result<bool, Failure> {
    if args.start_again {
        return Ok(false);
    }
    let Some(store) = global.open_existing_store()? else {
        return Ok(false);
    };
    let Some(offer) = amble_core::plan::keep_offer(&store.list()?, answers, today, kb) else {
        return Ok(false);
    };
    let interactive = args.answers.is_none()
        || (crate::context::stdin_is_terminal()
            && args.answers.as_ref().is_some_and(|p| p.as_os_str() != "-"));
    if args.keep_level || global.json || !interactive {
        return Ok(true);
    }
    let mut err = std::io::stderr().lock();
    writeln!(
        err,
        "\nYour plan had reached week {}: {} a week ({}).",
        offer.from_week,
        amble_core::words::count(offer.reached.weekly_minutes(), "minute", "minutes"),
        offer.reached.words()
    )?;
    if offer.limited_by_answers {
        writeln!(
            err,
            "Your new answers say you walk less, or with more pain, than before: keeping starts no higher than those answers' start ({} a week).",
            amble_core::words::count(offer.level.weekly_minutes(), "minute", "minutes"),
        )?;
    }
    loop {
        write!(
            err,
            "Keep my level (k) or start again from week 1 (s)? [k]: "
        )?;
        err.flush()?;
        let mut line = String::new();
        if std::io::BufRead::read_line(&mut std::io::stdin().lock(), &mut line)? == 0 {
            writeln!(err)?;
            return Ok(true);
        }
        match line.trim().to_ascii_lowercase().as_str() {
            "" | "k" | "keep" | "keep my level" => return Ok(true),
            "s" | "start" | "start again" => return Ok(false),
            _ => writeln!(
                err,
                "  Please type k to keep your level or s to start again."
            )?,
        }
    }
}

fn save_entry(global: &Global, entry: Entry) -> Result<Entry, Failure> {
    // Test hook: make the save fail after the questions (a disk that fills up, a folder that
    // goes away), to prove that the answers are kept. Only in builds with debug assertions
    // (what `cargo test` runs); a release binary has no test hook.
    #[cfg(debug_assertions)]
    if std::env::var_os("AMBLE_TEST_FAIL_SAVE").is_some() {
        return Err(Failure::Other(anyhow::anyhow!(
            "the journal could not be written (test)"
        )));
    }
    Ok(global.open_store()?.add(entry)?)
}

/// Saving failed after the questions: write the answers to a file (the current folder, else the
/// system's temporary folder) and say where, so nothing typed is lost.
fn keep_answers(answers: &Answers, why: &Failure, global: &Global) -> Failure {
    let why = match why {
        Failure::BadInput(m) => m.clone(),
        Failure::Other(e) => format!("{e:#}"),
        Failure::Reported => "see above".into(),
    };
    let name = format!(
        "amble-answers-{}.json",
        jiff::Timestamp::now().strftime("%Y%m%d-%H%M%S")
    );
    let text = serde_json::to_string_pretty(answers).unwrap_or_default();
    let written = [PathBuf::from(&name), std::env::temp_dir().join(&name)]
        .into_iter()
        .find(|p| std::fs::write(p, &text).is_ok());
    let dir = global
        .data_dir()
        .map(|d| d.display().to_string())
        .unwrap_or_else(|_| "DIR".into());
    Failure::Other(anyhow::anyhow!(match written {
        Some(p) => format!(
            "the check-up could not be saved to the journal ({why}). Your answers are kept in {}; when the data folder works again, store them with: amble assess --answers {} --data-dir {dir}",
            p.display(),
            p.display()
        ),
        None => format!(
            "the check-up could not be saved to the journal ({why}), and the answers could not be written to a file either; the report above shows what you answered"
        ),
    }))
}
