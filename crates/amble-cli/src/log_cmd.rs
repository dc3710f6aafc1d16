//! `amble log walk|morning|exercise`: quick logging, with flags or one question per line.

use std::io::{BufRead, Write};

use amble_core::journal::{self, Entry, EntryError, LegSpread, NewWalk};
use amble_core::knowledge::KnowledgeBase;
use amble_store::Store;
use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use jiff::civil::Date;

use crate::Global;
use crate::assess_cmd::load_kb;
use crate::context::{parse_date, stdin_is_terminal};
use crate::failure::Failure;

#[derive(Debug, Subcommand)]
pub enum LogCommand {
    /// Log a walk: minutes, pain before and worst during (0-10), and how the legs were.
    Walk(WalkArgs),
    /// Log your back pain on waking (0-10), the morning after a walk.
    Morning(MorningArgs),
    /// Log an exercise session from your plan.
    Exercise(ExerciseArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Spread {
    /// No leg symptoms.
    None,
    /// Leg symptoms, but no further down the leg than usual.
    Usual,
    /// Leg symptoms went further down the leg than usual.
    Further,
}

impl From<Spread> for LegSpread {
    fn from(s: Spread) -> LegSpread {
        match s {
            Spread::None => LegSpread::None,
            Spread::Usual => LegSpread::Usual,
            Spread::Further => LegSpread::Further,
        }
    }
}

#[derive(Debug, Args, Default)]
pub struct WalkArgs {
    /// Date of the walk, YYYY-MM-DD (default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    /// Minutes walked (all bouts together, pauses excluded).
    #[arg(long, value_name = "M", allow_negative_numbers = true)]
    pub minutes: Option<f64>,
    /// Back pain before the walk, 0-10.
    #[arg(long, value_name = "0-10", allow_negative_numbers = true)]
    pub pain_before: Option<i64>,
    /// Worst pain during the walk, 0-10.
    #[arg(long, value_name = "0-10", allow_negative_numbers = true)]
    pub pain_peak: Option<i64>,
    /// Number of separate walking bouts.
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub bouts: Option<u32>,
    /// How far leg symptoms spread compared with usual.
    #[arg(long, value_enum)]
    pub leg_spread: Option<Spread>,
    /// New numbness, weakness, bladder, bowel or saddle symptoms (suspends the plan).
    #[arg(long)]
    pub new_symptoms: bool,
    /// Distance in kilometres.
    #[arg(long, value_name = "KM", allow_negative_numbers = true)]
    pub distance_km: Option<f64>,
    /// Surface, e.g. pavement, trail, treadmill.
    #[arg(long, value_name = "S")]
    pub surface: Option<String>,
    /// Shoes worn.
    #[arg(long, value_name = "NAME")]
    pub shoes: Option<String>,
    /// A note for yourself.
    #[arg(long, value_name = "TEXT")]
    pub notes: Option<String>,
    /// When the walk started, HH:MM (24-hour).
    #[arg(long, value_name = "HH:MM")]
    pub start: Option<String>,
    /// Your own reference for this log (1-64 characters): logging again with the same
    /// reference stores nothing and shows the entry logged first.
    #[arg(long, value_name = "REF")]
    pub client_ref: Option<String>,
}

#[derive(Debug, Args)]
pub struct MorningArgs {
    /// The morning's date, YYYY-MM-DD (default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    /// Back pain on waking, 0-10.
    #[arg(long, value_name = "0-10", allow_negative_numbers = true)]
    pub pain: Option<i64>,
    /// Replace the morning score already logged for that date (one is kept per date).
    #[arg(long)]
    pub replace: bool,
    /// Your own reference for this log (1-64 characters): logging again with the same
    /// reference stores nothing and shows the entry logged first.
    #[arg(long, value_name = "REF")]
    pub client_ref: Option<String>,
}

#[derive(Debug, Args)]
pub struct ExerciseArgs {
    /// Date, YYYY-MM-DD (default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    /// Exercise id from the library, e.g. bird_dog (see `amble plan`).
    #[arg(long = "id", value_name = "EXERCISE_ID")]
    pub exercise: Option<String>,
    /// Sets done.
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub sets: Option<u32>,
    /// Back pain after the session, 0-10.
    #[arg(long, value_name = "0-10", allow_negative_numbers = true)]
    pub pain_after: Option<i64>,
    /// Your own reference for this log (1-64 characters): logging again with the same
    /// reference stores nothing and shows the entry logged first.
    #[arg(long, value_name = "REF")]
    pub client_ref: Option<String>,
}

/// An entry error named by its command-line flag (`pain_peak` -> `--pain-peak`).
pub fn flag_error(e: EntryError) -> Failure {
    let flag = match e.field.as_str() {
        "exercise" => "id".to_string(),
        f => f.replace('_', "-"),
    };
    Failure::BadInput(format!("--{flag}: {}", e.message))
}

/// A date flag checked against today: entries can't be logged in the future.
pub fn entry_date(flag: &str, given: Option<&str>, today: Date) -> Result<Date, Failure> {
    let date = match given {
        Some(t) => parse_date(flag, t)?,
        None => today,
    };
    if date > today {
        return Err(Failure::BadInput(format!(
            "{flag}: {date} is after today ({today}); entries can't be logged in the future"
        )));
    }
    Ok(date)
}

/// The id of the exercise an answer names: its id, its name in any case, or its number in the
/// library's list.
fn exercise_named(kb: &KnowledgeBase, text: &str) -> String {
    let t = text.trim();
    if let Ok(n) = t.parse::<usize>()
        && let Some(e) = n.checked_sub(1).and_then(|i| kb.exercises.get(i))
    {
        return e.id.clone();
    }
    kb.exercises
        .iter()
        .find(|e| e.id == t || e.name.eq_ignore_ascii_case(t))
        .map_or_else(|| t.to_string(), |e| e.id.clone())
}

pub fn check_exercise(kb: &KnowledgeBase, id: &str) -> Result<(), Failure> {
    if kb.exercise(id).is_some() {
        return Ok(());
    }
    let known: Vec<&str> = kb.exercises.iter().map(|e| e.id.as_str()).collect();
    Err(Failure::BadInput(format!(
        "--id: unknown exercise \"{id}\"; expected one of: {}",
        known.join(", ")
    )))
}

/// Asks one question on the terminal; Enter takes the default.
fn ask(question: &str, default: Option<&str>) -> Result<Option<String>, Failure> {
    let mut err = std::io::stderr().lock();
    match default {
        Some(d) => write!(err, "{question} [{d}]: ")?,
        None => write!(err, "{question}: ")?,
    }
    err.flush()?;
    let mut line = String::new();
    if std::io::stdin().lock().read_line(&mut line)? == 0 {
        return Err(Failure::BadInput(
            "input ended before all answers were given; nothing was logged".into(),
        ));
    }
    let line = line.trim();
    Ok(if line.is_empty() {
        default.map(str::to_string)
    } else {
        Some(line.to_string())
    })
}

fn ask_until<T>(
    question: &str,
    default: Option<&str>,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<T, Failure> {
    loop {
        match ask(question, default)? {
            Some(v) => match parse(&v) {
                Ok(t) => return Ok(t),
                Err(msg) => eprintln!("  {msg}"),
            },
            None => eprintln!("  Please answer this one."),
        }
    }
}

fn parse_pain(s: &str) -> Result<i64, String> {
    amble_core::pain::Pain::parse("pain", s)
        .map(i64::from)
        .map_err(|_| "Please type a whole number from 0 to 10.".into())
}

fn parse_yes(s: &str) -> Result<bool, String> {
    match s.to_ascii_lowercase().as_str() {
        "y" | "yes" => Ok(true),
        "n" | "no" => Ok(false),
        _ => Err("Please type y or n.".into()),
    }
}

/// Fills missing walk answers by asking, one line each, with defaults from the plan.
fn complete_walk(
    args: &mut WalkArgs,
    global: &Global,
    kb: &KnowledgeBase,
    today: Date,
) -> Result<(), Failure> {
    let required_missing =
        args.minutes.is_none() || args.pain_before.is_none() || args.pain_peak.is_none();
    if !required_missing {
        return Ok(());
    }
    if !stdin_is_terminal() {
        let missing: Vec<&str> = [
            (args.minutes.is_none(), "--minutes"),
            (args.pain_before.is_none(), "--pain-before"),
            (args.pain_peak.is_none(), "--pain-peak"),
        ]
        .iter()
        .filter(|(m, _)| *m)
        .map(|(_, f)| *f)
        .collect();
        return Err(Failure::BadInput(format!(
            "missing {} (needed when not asking on a terminal)",
            missing.join(", ")
        )));
    }
    let planned = crate::plan_cmd::journal_replay(global, kb)
        .ok()
        .and_then(|(r, _, _)| r.plan.walking.map(|w| w.bouts_per_session * w.bout_minutes));
    eprintln!("Log a walk (press Enter to take the value in brackets).");
    if args.date.is_none() {
        let d = ask_until("Date", Some(&today.to_string()), |s| {
            Ok::<_, String>(s.to_string())
        })?;
        args.date = Some(d);
    }
    if args.minutes.is_none() {
        let default = planned.map(|m| m.to_string());
        args.minutes = Some(ask_until("Minutes walked", default.as_deref(), |s| {
            s.parse::<f64>()
                .ok()
                .filter(|m| *m > 0.0 && *m <= 1440.0)
                .ok_or_else(|| "Please type the minutes, e.g. 20.".to_string())
        })?);
    }
    if args.pain_before.is_none() {
        args.pain_before = Some(ask_until(
            "Back pain before the walk (0-10)",
            None,
            parse_pain,
        )?);
    }
    if args.pain_peak.is_none() {
        args.pain_peak = Some(ask_until(
            "Worst pain during the walk (0-10)",
            None,
            parse_pain,
        )?);
    }
    if args.leg_spread.is_none() {
        let s = ask_until(
            "Leg symptoms: none, usual, or further down than usual",
            Some("none"),
            |s| {
                Spread::from_str(s, true)
                    .map_err(|_| "Please type none, usual or further.".to_string())
            },
        )?;
        args.leg_spread = Some(s);
    }
    if !args.new_symptoms {
        args.new_symptoms = ask_until(
            "Anything new: numbness, weakness, bladder, bowel or saddle symptoms? (y/n)",
            Some("n"),
            parse_yes,
        )?;
    }
    Ok(())
}

/// What the entry just logged says, in one line (a walk's light and why; a morning against
/// the walk before it), when there is a plan to read it against.
fn light_line(global: &Global, kb: &KnowledgeBase, id: &str) -> Option<String> {
    let (r, entries, today) = crate::plan_cmd::journal_replay(global, kb).ok()?;
    amble_core::plan::after_logging(&entries, &r, id, today, kb).filter(|l| !l.is_empty())
}

/// Stores a log, once per `--client-ref` when one is given (contract §13): `Ok((entry,
/// false))` when an entry with that reference was stored before and nothing new was.
fn store(
    global: &Global,
    entry: Entry,
    client_ref: Option<&str>,
) -> Result<(Entry, bool), Failure> {
    match client_ref {
        None => Ok((global.open_store()?.add(entry)?, true)),
        Some(r) => {
            amble_core::client_ref::check(r)
                .map_err(|e| Failure::BadInput(format!("--client-ref: {}", e.message)))?;
            Ok(global.open_store()?.add_once(entry, r)?)
        }
    }
}

/// What a repeated `--client-ref` says instead of the usual line.
fn already(entry: &Entry) -> String {
    format!(
        "Already logged on {} with the same --client-ref: nothing new was stored.",
        entry.date()
    )
}

fn print_entry(global: &Global, entry: &Entry, human: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    if global.json {
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(entry).context("cannot encode the entry")?
        )?;
    } else {
        writeln!(out, "{human}")?;
    }
    Ok(())
}

pub fn run(global: &Global, cmd: LogCommand) -> Result<(), Failure> {
    let kb = load_kb()?;
    let today = global.today()?;
    match cmd {
        LogCommand::Walk(args) => log_walk(global, &kb, today, args),
        LogCommand::Morning(args) => log_morning(global, &kb, today, args),
        LogCommand::Exercise(args) => log_exercise(global, &kb, today, args),
    }
}

/// `amble log walk`: the walk, its traffic light, and what new symptoms need.
fn log_walk(
    global: &Global,
    kb: &KnowledgeBase,
    today: Date,
    mut args: WalkArgs,
) -> Result<(), Failure> {
    complete_walk(&mut args, global, kb, today)?;
    let date = match args.date.as_deref() {
        Some(d) => Some(parse_date("--date", d)?),
        None => None,
    };
    let new = NewWalk {
        date,
        minutes: args.minutes.unwrap_or_default(),
        pain_before: args.pain_before,
        pain_peak: args.pain_peak,
        bouts: args.bouts,
        leg_spread: args.leg_spread.map(Into::into),
        new_symptoms: args.new_symptoms,
        distance_km: args.distance_km,
        surface: args.surface,
        shoes: args.shoes,
        start: args.start,
        notes: args.notes,
    };
    let walk = new.into_walk(today).map_err(flag_error)?;
    let entry = Entry::Walk(walk);
    let (stored, new) = store(global, entry, args.client_ref.as_deref())?;
    if !new {
        return print_entry(global, &stored, &already(&stored));
    }
    let Entry::Walk(w) = &stored else {
        return Err(Failure::Other(anyhow::anyhow!(
            "stored entry is not a walk"
        )));
    };
    let mut human = format!(
        "Logged your walk on {}: {} min, pain {} -> {}.",
        w.date,
        w.minutes,
        w.pain_before.map_or("?".into(), |p| p.to_string()),
        w.pain_peak.map_or("?".into(), |p| p.to_string())
    );
    let light = light_line(global, kb, &w.id);
    if let (Some(line), false) = (&light, w.new_symptoms) {
        human.push_str(&format!("\n{line}"));
    }
    if w.new_symptoms {
        human.push_str("\n\nYou reported new symptoms, so your plan is suspended. What each kind of change needs:");
        for line in amble_core::new_symptoms::WHAT_EACH_NEEDS {
            human.push_str(&format!("\n- {line}"));
        }
        human.push_str("\n\nAnswer the warning-sign questions again now: `amble screen`. If they are all no and the symptoms settle back to your usual, the plan goes on; otherwise run a new check-up (`amble assess`) once you have been checked.");
    } else if light.is_none() {
        human.push_str(" Tomorrow, log your back pain on waking: `amble log morning`.");
    }
    print_entry(global, &stored, &human)
}

/// `amble log morning`: one score a date; one already kept is replaced only when asked.
fn log_morning(
    global: &Global,
    kb: &KnowledgeBase,
    today: Date,
    args: MorningArgs,
) -> Result<(), Failure> {
    let p = match args.pain {
        Some(p) => p,
        None if stdin_is_terminal() => {
            ask_until("Back pain on waking this morning (0-10)", None, parse_pain)?
        }
        None => {
            return Err(Failure::BadInput(
                "missing --pain (needed when not asking on a terminal)".into(),
            ));
        }
    };
    let date = entry_date("--date", args.date.as_deref(), today)?;
    let m = journal::NewMorning {
        date: Some(date),
        pain: p,
    }
    .into_morning(today)
    .map_err(flag_error)?;
    let (date, pain) = (m.date, m.pain);
    let entries = global.open_store()?.list()?;
    match journal::morning_slot(&entries, &m) {
        journal::MorningSlot::Free => {}
        journal::MorningSlot::Same(kept) => {
            let human =
                format!("Already logged on {date}: back pain {pain}/10; nothing new was stored.");
            return print_entry(global, &Entry::Morning(kept.clone()), &human);
        }
        journal::MorningSlot::Taken(kept) => {
            return replace_morning(global, kb, args.replace, kept, &m);
        }
    }
    let (stored, new) = store(global, Entry::Morning(m), args.client_ref.as_deref())?;
    if !new {
        return print_entry(global, &stored, &already(&stored));
    }
    let mut human = format!("Logged your morning on {date}: back pain {pain}/10.");
    if let Some(line) = light_line(global, kb, stored.id()) {
        human.push_str(&format!("\n{line}"));
    }
    print_entry(global, &stored, &human)
}

/// A morning logged for a date that already has another score: replaced with `--replace` or
/// a yes on the terminal, at the version asked about.
fn replace_morning(
    global: &Global,
    kb: &KnowledgeBase,
    replace: bool,
    kept: &journal::Morning,
    m: &journal::Morning,
) -> Result<(), Failure> {
    let (date, pain) = (m.date, m.pain);
    let yes = replace
        || (!global.json
            && stdin_is_terminal()
            && ask_until(
                &format!(
                    "You already logged back pain {}/10 on {date}; one morning score is kept per date. Replace it with {pain}/10? (y/n)",
                    kept.pain
                ),
                Some("n"),
                parse_yes,
            )?);
    if !yes && (global.json || !stdin_is_terminal()) {
        return Err(Failure::BadInput(format!(
            "--date: {}: add --replace to replace it with {pain}/10",
            journal::morning_taken(kept)
        )));
    }
    if !yes {
        eprintln!(
            "Kept back pain {}/10 on {date}; nothing was changed.",
            kept.pain
        );
        return Ok(());
    }
    let was = kept.pain;
    let new = journal::replaced_morning(kept, m);
    // Replaced at the version asked about: a score changed meanwhile (another
    // window, the web app) is not overwritten.
    let read_at = amble_store::Revision::of(&Entry::Morning(kept.clone()));
    match global
        .open_store()?
        .replace_at(Entry::Morning(new.clone()), &read_at)
    {
        Err(amble_store::StoreError::Conflict { .. }) => {
            return Err(Failure::BadInput(format!(
                "--date: the morning of {date} ({}) changed while this was being logged; nothing was changed: log it again",
                kept.id
            )));
        }
        other => other?,
    }
    let stored = Entry::Morning(new);
    let mut human = format!("Replaced your morning on {date}: back pain {pain}/10 (was {was}/10).");
    if let Some(line) = light_line(global, kb, stored.id()) {
        human.push_str(&format!("\n{line}"));
    }
    print_entry(global, &stored, &human)
}

/// `amble log exercise`: a session of an exercise from the library.
fn log_exercise(
    global: &Global,
    kb: &KnowledgeBase,
    today: Date,
    args: ExerciseArgs,
) -> Result<(), Failure> {
    let id = match args.exercise {
        Some(id) => exercise_named(kb, &id),
        None if stdin_is_terminal() => {
            for (i, e) in kb.exercises.iter().enumerate() {
                eprintln!("{:>3}. {}", i + 1, e.name);
            }
            ask_until("Which exercise (its number or name)", None, |s| {
                Ok::<_, String>(exercise_named(kb, s))
            })?
        }
        None => {
            return Err(Failure::BadInput(
                "missing --id (needed when not asking on a terminal)".into(),
            ));
        }
    };
    check_exercise(kb, &id)?;
    let date = entry_date("--date", args.date.as_deref(), today)?;
    let entry = Entry::Exercise(
        journal::NewExercise {
            date: Some(date),
            exercise: id,
            sets: args.sets,
            pain_after: args.pain_after,
        }
        .into_session(today, |x| kb.exercise(x).is_some())
        .map_err(flag_error)?,
    );
    let (stored, new) = store(global, entry, args.client_ref.as_deref())?;
    let human = if new {
        format!(
            "Logged your exercise session on {date}: {}.",
            stored.summary_in(kb)
        )
    } else {
        already(&stored)
    };
    print_entry(global, &stored, &human)
}
