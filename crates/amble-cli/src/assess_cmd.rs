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
    let answers = match &args.answers {
        Some(path) => read_answers(path, &kb)?,
        None => interactive::ask(&kb)?,
    };
    let assessment = assess(&answers, &kb);
    let save = !args.no_save && (args.answers.is_none() || global.data_dir_given());
    let stored = if save {
        let today = global.today()?;
        let entry = Entry::Assessment(Box::new(StoredAssessment {
            id: String::new(),
            date: today,
            answers: answers.clone(),
            rescreen: false,
        }));
        Some(global.open_store()?.add(entry)?)
    } else {
        None
    };
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
                "\nSaved this check-up to your journal as {} ({}). A new plan starts from it.",
                entry.id(),
                entry.date()
            )?;
        }
    }
    Ok(())
}
