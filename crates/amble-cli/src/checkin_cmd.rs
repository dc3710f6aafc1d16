//! `amble checkin`: the warning signs again, how the back has been, pain, and (at the
//! milestones) the questionnaires; stored in the journal and read against the first scores
//! (contract §11).

use std::io::Write;
use std::path::PathBuf;

use amble_core::checkin::{self, CheckinAnswers, CheckinKind, GlobalChange};
use amble_core::checkin_doc;
use amble_core::journal::Entry;
use amble_core::plan::Status;
use amble_store::Store;
use anyhow::Context;
use clap::Args;
use serde_json::Value;

use crate::Global;
use crate::assess_cmd::load_kb;
use crate::context::stdin_is_terminal;
use crate::failure::Failure;
use crate::log_cmd::entry_date;

#[derive(Debug, Args)]
pub struct CheckinArgs {
    /// Read the check-in from a JSON file ("-" for stdin): `red_flags`, `change`
    /// (much_better, better, same, worse, much_worse), `pain` ({"now": 0-10}), `instruments`
    /// and `activity_limited`, with the keys of an answers file.
    #[arg(long, value_name = "FILE")]
    answers: Option<PathBuf>,
    /// Date of the check-in (YYYY-MM-DD; default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<String>,
}

fn read(path: &PathBuf, kb: &amble_core::KnowledgeBase) -> Result<CheckinAnswers, Failure> {
    let shown = path.display().to_string();
    let text = if shown == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
            .map_err(|e| Failure::BadInput(format!("stdin: cannot read the check-in: {e}")))?;
        s
    } else {
        std::fs::read_to_string(path)
            .map_err(|e| Failure::BadInput(format!("{shown}: cannot read the check-in: {e}")))?
    };
    CheckinAnswers::from_json(&text, kb).map_err(|e| Failure::BadInput(format!("{shown}: {e}")))
}

fn ask_line(question: &str) -> Result<Option<String>, Failure> {
    let mut err = std::io::stderr().lock();
    write!(err, "{question} ")?;
    err.flush()?;
    let mut line = String::new();
    if std::io::stdin().read_line(&mut line)? == 0 {
        return Ok(None);
    }
    Ok(Some(line.trim().to_string()))
}

/// The check-in asked in the terminal.
fn ask(
    kb: &amble_core::KnowledgeBase,
    base: &amble_core::Answers,
    maintenance: bool,
    earlier_activities: &[String],
) -> Result<CheckinAnswers, Failure> {
    let cancelled = || {
        Failure::BadInput("the check-in was cancelled (the input ended); nothing was stored".into())
    };
    eprintln!(
        "Amble check-in. First the warning signs again; press Enter if you are not sure (the plan then does not step up until that question has a yes or no).\n"
    );
    let flags = crate::interactive::ask_warning_signs(kb, base)?.ok_or_else(cancelled)?;
    let red_flags = serde_json::from_value(Value::Object(flags))
        .context("cannot read the warning-sign answers")?;
    let change = loop {
        let Some(line) = ask_line(
            "\nSince your last check-in, your back is: 1) much better 2) better 3) about the same 4) worse 5) much worse (Enter to skip):",
        )?
        else {
            return Err(cancelled());
        };
        match line.as_str() {
            "" => break None,
            n => match n.parse::<usize>().ok().filter(|n| (1..=5).contains(n)) {
                Some(n) => break Some(GlobalChange::ALL[n - 1]),
                None => eprintln!("  Type a number from 1 to 5."),
            },
        }
    };
    let pain = loop {
        let Some(line) = ask_line("Back pain right now, 0 (none) to 10 (worst imaginable):")?
        else {
            return Err(cancelled());
        };
        match line.as_str() {
            "" => break None,
            n => match amble_core::pain::Pain::parse("pain", n) {
                Ok(p) => break Some(i64::from(p)),
                Err(_) => eprintln!("  Type a whole number from 0 to 10."),
            },
        }
    };
    let activity_limited = if maintenance {
        loop {
            let Some(line) =
                ask_line("Since your last check-in, has back pain limited what you do? [y/n]")?
            else {
                return Err(cancelled());
            };
            match line.to_lowercase().as_str() {
                "" => break None,
                "y" | "yes" => break Some(true),
                "n" | "no" => break Some(false),
                _ => eprintln!("  Type y or n."),
            }
        }
    } else {
        None
    };
    let instruments = crate::interactive::ask_outcomes(kb, earlier_activities)?;
    Ok(CheckinAnswers {
        red_flags,
        change,
        pain: amble_core::answers::Pain {
            now: pain,
            ..Default::default()
        },
        instruments,
        activity_limited,
        ..Default::default()
    })
}

pub fn run(global: &Global, args: &CheckinArgs) -> Result<(), Failure> {
    let kb = load_kb()?;
    let today = global.today()?;
    let date = entry_date("--date", args.date.as_deref(), today)?;
    let store = global.open_existing_store()?;
    let entries = match &store {
        Some(s) => s.list()?,
        None => Vec::new(),
    };
    let r = amble_core::plan::replay(&entries, today, &kb).map_err(|_| {
        Failure::BadInput("no check-up is stored yet: run `amble assess` first".into())
    })?;
    let given = match &args.answers {
        Some(path) => read(path, &kb)?,
        None if stdin_is_terminal() => ask(
            &kb,
            &r.answers,
            r.plan.status == Status::Maintenance,
            &amble_core::outcomes::last_psfs_activities(&entries, date),
        )?,
        None => {
            return Err(Failure::BadInput(
                "give the check-in with --answers FILE (or run it in a terminal to be asked)"
                    .into(),
            ));
        }
    };
    let stored = global
        .open_store()?
        .add(Entry::Checkin(Box::new(given.into_checkin(date))))?;
    let Entry::Checkin(c) = &stored else {
        return Err(Failure::Other(anyhow::anyhow!(
            "the store returned another kind of entry"
        )));
    };
    let entries = global.open_store()?.list()?;
    let doc = checkin_doc::document(&entries, c, today, &kb)
        .ok_or_else(|| anyhow::anyhow!("the plan could not be read after the check-in"))?;
    let mut out = std::io::stdout().lock();
    if global.json {
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&doc).context("cannot encode JSON")?
        )?;
        return Ok(());
    }
    // What to do comes first when a warning sign is new.
    if !doc.new_warning_signs.is_empty()
        && let Some(t) = kb.tier_text(doc.triage.tier)
    {
        writeln!(out, "{}\n{}\n", t.headline.to_uppercase(), t.action)?;
        for id in &doc.new_warning_signs {
            if let Some(f) = kb.flag(id) {
                writeln!(out, "  - {}", f.title)?;
            }
        }
        writeln!(
            out,
            "\nYour walking plan is suspended until you run a new check-up (amble assess).\n"
        )?;
    }
    // "Not sure" is never "no": the questions left open, how to find out, and the hold.
    if doc.new_warning_signs.is_empty()
        && let Some((heading, questions, advice)) = checkin::unanswered_words(&doc.triage, &kb)
    {
        writeln!(out, "{}", heading.to_uppercase())?;
        for q in &questions {
            writeln!(out, "  - {q}")?;
        }
        writeln!(out, "{advice}\n")?;
    }
    writeln!(out, "Check-in {} stored for {}.", c.id, c.date)?;
    if let Some(ch) = c.change {
        writeln!(out, "Since the last check-in: {}.", ch.words())?;
    }
    for o in doc.outcomes.values() {
        writeln!(out, "- Since the first score: {}.", o.words)?;
        if let Some(l) = &o.since_last {
            writeln!(out, "  Since {}: {}.", l.date, l.words)?;
        }
    }
    // A check-in that takes the plan out of maintenance says why and what to do.
    if !doc.plan_words.is_empty() {
        writeln!(out, "\nYOUR PLAN CHANGES")?;
        for line in &doc.plan_words {
            writeln!(out, "{line}")?;
        }
        writeln!(out, "See `amble today` for today's walk.")?;
    }
    if doc.plan_status == Status::Maintenance {
        writeln!(
            out,
            "Your plan is in maintenance: keep walking at the target; if your back flares, see `amble learn flares`."
        )?;
    }
    if let Some(next) = doc
        .next_checkin
        .as_ref()
        .filter(|_| doc.new_warning_signs.is_empty())
    {
        let what = match (next.kind, next.milestone) {
            (CheckinKind::Full, Some(m)) => format!("the {m} check-in, with the questionnaires"),
            (CheckinKind::Monthly, _) => "your monthly check-in".into(),
            _ => "a short check-in".into(),
        };
        writeln!(out, "Next: {what} on {}.", next.date)?;
    }
    Ok(())
}
