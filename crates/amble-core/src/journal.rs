//! Journal entries: stored check-ups, walks, next-morning pain and exercise sessions. These are
//! values (serde) that the store persists and the plan replays; no IO here.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::answers::{Answers, InstrumentItems, RedFlags};

pub const JOURNAL_SCHEMA: &str = "amble.journal/1";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LegSpread {
    None,
    Usual,
    Further,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WalkSource {
    #[default]
    Manual,
    Fit,
    Gpx,
    Tcx,
    AppleHealth,
}

/// A walk (contract §5). `None` serialises as `null`: unknown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Walk {
    pub id: String,
    pub date: Date,
    #[serde(default)]
    pub start: Option<String>,
    pub minutes: f64,
    #[serde(default)]
    pub elapsed_minutes: Option<f64>,
    #[serde(default = "one")]
    pub bouts: u32,
    #[serde(default)]
    pub pain_before: Option<u8>,
    #[serde(default)]
    pub pain_peak: Option<u8>,
    #[serde(default)]
    pub leg_spread: Option<LegSpread>,
    #[serde(default)]
    pub new_symptoms: bool,
    #[serde(default)]
    pub distance_km: Option<f64>,
    #[serde(default)]
    pub steps: Option<u64>,
    #[serde(default)]
    pub cadence_spm: Option<f64>,
    #[serde(default)]
    pub avg_hr_bpm: Option<f64>,
    /// Total climb in metres, where the device recorded elevation.
    #[serde(default)]
    pub ascent_m: Option<f64>,
    #[serde(default)]
    pub surface: Option<String>,
    #[serde(default)]
    pub shoes: Option<String>,
    #[serde(default)]
    pub source: WalkSource,
    #[serde(default)]
    pub notes: Option<String>,
    /// Gait from a sensor recording of this walk (`amble gait --attach`); absent when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gait: Option<Box<WalkGait>>,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Morning {
    pub id: String,
    pub date: Date,
    pub pain: u8,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExerciseSession {
    pub id: String,
    pub date: Date,
    /// Exercise id from the library (e.g. `bird_dog`).
    pub exercise: String,
    #[serde(default)]
    pub sets: Option<u32>,
    #[serde(default)]
    pub pain_after: Option<u8>,
}

/// A stored check-up: the answers as given. The assessment is recomputed from them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoredAssessment {
    pub id: String,
    pub date: Date,
    pub answers: Answers,
    /// A "Something new or worse?" re-screen: the warning-sign answers given that day, with
    /// everything else carried from the check-up before. It never restarts the plan; a clean
    /// one lifts a new-symptoms suspension (`plan::replay`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub rescreen: bool,
    /// A full check-up after which the person chose to keep the level their plan had reached
    /// ("keep my level"), rather than start again (`plan::replay`, docs/plan-rules.md). Absent
    /// in journals written before the choice existed: those check-ups started the plan again,
    /// and still do, so a replayed journal never changes.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub keep_level: bool,
}

/// A day of imported walking data (Apple Health): the de-duplicated step total and Apple's
/// walking metrics as daily means. Fractions are 0-1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DailyMetrics {
    pub id: String,
    pub date: Date,
    #[serde(default)]
    pub steps: Option<u64>,
    #[serde(default)]
    pub walking_speed_mps: Option<f64>,
    #[serde(default)]
    pub step_length_m: Option<f64>,
    #[serde(default)]
    pub asymmetry_frac: Option<f64>,
    #[serde(default)]
    pub double_support_frac: Option<f64>,
    #[serde(default)]
    pub steadiness_frac: Option<f64>,
    pub source: WalkSource,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Entry {
    Assessment(Box<StoredAssessment>),
    Walk(Walk),
    Morning(Morning),
    Exercise(ExerciseSession),
    DailyMetrics(DailyMetrics),
    Checkin(Box<Checkin>),
}

impl Entry {
    pub fn id(&self) -> &str {
        match self {
            Entry::Assessment(e) => &e.id,
            Entry::Walk(e) => &e.id,
            Entry::Morning(e) => &e.id,
            Entry::Exercise(e) => &e.id,
            Entry::DailyMetrics(e) => &e.id,
            Entry::Checkin(e) => &e.id,
        }
    }

    pub fn set_id(&mut self, id: String) {
        match self {
            Entry::Assessment(e) => e.id = id,
            Entry::Walk(e) => e.id = id,
            Entry::Morning(e) => e.id = id,
            Entry::Exercise(e) => e.id = id,
            Entry::DailyMetrics(e) => e.id = id,
            Entry::Checkin(e) => e.id = id,
        }
    }

    pub fn date(&self) -> Date {
        match self {
            Entry::Assessment(e) => e.date,
            Entry::Walk(e) => e.date,
            Entry::Morning(e) => e.date,
            Entry::Exercise(e) => e.date,
            Entry::DailyMetrics(e) => e.date,
            Entry::Checkin(e) => e.date,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Entry::Assessment(_) => "assessment",
            Entry::Walk(_) => "walk",
            Entry::Morning(_) => "morning",
            Entry::Exercise(_) => "exercise",
            Entry::DailyMetrics(_) => "daily_metrics",
            Entry::Checkin(_) => "checkin",
        }
    }

    /// Prefix of ids the store gives this kind of entry.
    pub fn id_prefix(&self) -> &'static str {
        match self {
            Entry::Assessment(_) => "a",
            Entry::Walk(_) => "w",
            Entry::Morning(_) => "m",
            Entry::Exercise(_) => "x",
            Entry::DailyMetrics(_) => "d",
            Entry::Checkin(_) => "c",
        }
    }
}

/// `amble.journal/1`: every entry, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JournalDoc {
    pub schema: String,
    pub entries: Vec<Entry>,
}

/// A problem with an entry's values, named by field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct EntryError {
    pub field: String,
    pub message: String,
}

fn bad(field: &str, message: impl Into<String>) -> EntryError {
    EntryError {
        field: field.into(),
        message: message.into(),
    }
}

use crate::words::number;

fn check_pain(field: &str, v: Option<u8>) -> Result<(), EntryError> {
    pain_score(field, v.map(i64::from)).map(|_| ())
}

fn check_non_negative(field: &str, v: Option<f64>, max: f64) -> Result<(), EntryError> {
    match v {
        Some(x) if !x.is_finite() || x < 0.0 => Err(bad(
            field,
            format!("expected a number of 0 or more, found {}", number(x)),
        )),
        Some(x) if x > max => Err(bad(
            field,
            format!("expected at most {max}, found {}", number(x)),
        )),
        _ => Ok(()),
    }
}

/// The earliest and latest dates Amble accepts anywhere (entries, `--today`, `?today=`).
pub const EARLIEST_DATE: Date = jiff::civil::date(1900, 1, 1);
pub const LATEST_DATE: Date = jiff::civil::date(2199, 12, 31);
/// The largest number in an entry id (`w-123`): far beyond any journal, far below overflow.
pub const MAX_ID_NUMBER: u64 = 1_000_000_000_000;
/// Daily step totals above this are not a real day of walking.
pub const MAX_DAILY_STEPS: u64 = 300_000;
/// Steps in one walk (at most a day of walking).
pub const MAX_WALK_STEPS: u64 = 200_000;
/// Longest free text kept in an entry (surface, shoes, notes).
pub const MAX_TEXT: usize = 2_000;

/// The shortest walk a person logs or corrects, minutes. The plan's shortest bout is 1 minute
/// (with rests, when tolerance is very low), and a walk stopped halfway through it because the
/// pain rose is still a walk whose pain the plan needs (the guided walk logs what the clock
/// says); under half a minute is a slip of the keys (0.0001, 1e-300), not a walk the plan can
/// count. Imported recordings keep their own rules (their moving time), and a stored walk
/// keeps its minutes when other fields of it are corrected.
pub const MIN_LOGGED_MINUTES: f64 = 0.5;
/// The first year a walk can be dated. A recording dated earlier comes from a device clock
/// that was never set (an import skips it); a walk logged earlier is a slip of the keys. One
/// rule for both (`walk_date`).
pub const EARLIEST_WALK_YEAR: i16 = 2000;

/// Why a walk's date cannot be right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WalkDate {
    /// Before [`EARLIEST_WALK_YEAR`].
    TooEarly,
    /// After the latest date taken (today, or a day later for a recording's time zone).
    TooLate,
}

/// Whether a walk dated `date` is plausible when nothing after `latest` is: `None` when it
/// is. Imports (with a day's slack for time zones) and every walk logged or corrected by hand
/// use this one rule.
pub fn walk_date(date: Date, latest: Date) -> Option<WalkDate> {
    if date.year() < EARLIEST_WALK_YEAR {
        Some(WalkDate::TooEarly)
    } else if date > latest {
        Some(WalkDate::TooLate)
    } else {
        None
    }
}

/// A walk logged or corrected by hand: its date within [`walk_date`] (not after `today`).
fn check_walk_date(field: &str, date: Date, today: Date) -> Result<(), EntryError> {
    check_not_future(field, date, today)?;
    match walk_date(date, today) {
        Some(WalkDate::TooEarly) => Err(bad(
            field,
            format!(
                "{date} is not a plausible date for a walk (expected {EARLIEST_WALK_YEAR}-01-01 or later)"
            ),
        )),
        _ => Ok(()),
    }
}

/// Minutes of a walk logged or corrected by hand: at least [`MIN_LOGGED_MINUTES`].
fn check_logged_minutes(minutes: f64) -> Result<(), EntryError> {
    if minutes.is_finite() && minutes < MIN_LOGGED_MINUTES {
        return Err(bad(
            "minutes",
            format!(
                "expected at least {MIN_LOGGED_MINUTES} minutes (half a minute), found {}",
                number(minutes)
            ),
        ));
    }
    Ok(())
}

/// A date Amble can work with: from 1900 to 2199.
pub fn check_date(field: &str, date: Date) -> Result<(), EntryError> {
    if date < EARLIEST_DATE || date > LATEST_DATE {
        return Err(bad(
            field,
            format!("{date} is not a date Amble can use (from {EARLIEST_DATE} to {LATEST_DATE})"),
        ));
    }
    Ok(())
}

/// The number of an id of the form `PREFIX-N` for this entry's kind (N from 1 to
/// [`MAX_ID_NUMBER`], no leading zeros).
pub fn id_number(entry: &Entry) -> Result<u64, EntryError> {
    let id = entry.id();
    let prefix = entry.id_prefix();
    let expected = || {
        bad(
            "id",
            format!(
                "expected an id like \"{prefix}-12\" for a {} entry, found \"{id}\"",
                entry.kind()
            ),
        )
    };
    let digits = id
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('-'))
        .ok_or_else(expected)?;
    if digits.is_empty()
        || digits.len() > 13
        || digits.starts_with('0')
        || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(expected());
    }
    match digits.parse::<u64>() {
        Ok(n) if (1..=MAX_ID_NUMBER).contains(&n) => Ok(n),
        _ => Err(bad(
            "id",
            format!("the number in \"{id}\" is out of range (1 to {MAX_ID_NUMBER})"),
        )),
    }
}

fn check_text(field: &str, v: Option<&String>) -> Result<(), EntryError> {
    // Notes may span lines; a surface or a pair of shoes is one line.
    let lines = if field == "notes" {
        crate::text::Lines::Many
    } else {
        crate::text::Lines::One
    };
    match v {
        Some(t) if t.chars().count() > MAX_TEXT => Err(bad(
            field,
            format!("expected at most {MAX_TEXT} characters"),
        )),
        Some(t) => crate::text::problem(t, lines).map_or(Ok(()), |m| Err(bad(field, m))),
        None => Ok(()),
    }
}

fn check_count(field: &str, v: Option<u64>, max: u64) -> Result<(), EntryError> {
    match v {
        Some(x) if x > max => Err(bad(field, format!("expected at most {max}, found {x}"))),
        _ => Ok(()),
    }
}

/// Known exercise ids are checked by the caller (the knowledge base owns the library).
/// Every problem with an entry, each naming its field (forms show them all at once).
pub fn problems(entry: &Entry) -> Vec<EntryError> {
    let mut out = Vec::new();
    let mut note = |r: Result<(), EntryError>| {
        if let Err(e) = r {
            out.push(e);
        }
    };
    note(check_date("date", entry.date()));
    match entry {
        Entry::Walk(w) => {
            if !w.minutes.is_finite() || w.minutes <= 0.0 {
                note(Err(bad(
                    "minutes",
                    format!(
                        "expected a duration above 0 minutes, found {}",
                        number(w.minutes)
                    ),
                )));
            }
            if w.minutes > 24.0 * 60.0 {
                note(Err(bad(
                    "minutes",
                    format!(
                        "expected at most 1440 minutes (one day), found {}",
                        number(w.minutes)
                    ),
                )));
            }
            note(check_non_negative(
                "elapsed_minutes",
                w.elapsed_minutes,
                24.0 * 60.0 * 2.0,
            ));
            if w.bouts == 0 || w.bouts > 50 {
                note(Err(bad(
                    "bouts",
                    format!("expected 1 to 50 bouts, found {}", w.bouts),
                )));
            }
            note(check_pain("pain_before", w.pain_before));
            note(check_pain("pain_peak", w.pain_peak));
            note(check_non_negative("distance_km", w.distance_km, 200.0));
            note(check_non_negative("cadence_spm", w.cadence_spm, 300.0));
            note(check_non_negative("avg_hr_bpm", w.avg_hr_bpm, 260.0));
            note(check_non_negative("ascent_m", w.ascent_m, 9000.0));
            note(check_count("steps", w.steps, MAX_WALK_STEPS));
            note(check_text("surface", w.surface.as_ref()));
            note(check_text("shoes", w.shoes.as_ref()));
            note(check_text("notes", w.notes.as_ref()));
            if let Some(g) = &w.gait {
                out.extend(g.problems());
            }
        }
        Entry::Morning(m) => note(check_pain("pain", Some(m.pain))),
        Entry::Exercise(x) => {
            note(check_pain("pain_after", x.pain_after));
            if x.sets == Some(0) || x.sets.is_some_and(|s| s > 20) {
                note(Err(bad("sets", "expected 1 to 20 sets")));
            }
        }
        Entry::Assessment(_) => {}
        Entry::Checkin(c) => {
            note(check_pain("pain", c.pain));
            let as_answers = crate::answers::Answers {
                instruments: c.instruments.clone(),
                ..Default::default()
            };
            if let Err(e) = as_answers.validate_instruments() {
                note(Err(bad(&e.path, e.message)));
            }
        }
        Entry::DailyMetrics(d) => {
            for (field, v) in [
                ("asymmetry_frac", d.asymmetry_frac),
                ("double_support_frac", d.double_support_frac),
                ("steadiness_frac", d.steadiness_frac),
            ] {
                if v.is_some_and(|x| !(0.0..=1.0).contains(&x)) {
                    note(Err(bad(field, "expected a fraction from 0 to 1")));
                }
            }
            note(check_non_negative(
                "walking_speed_mps",
                d.walking_speed_mps,
                5.0,
            ));
            note(check_count("steps", d.steps, MAX_DAILY_STEPS));
            note(check_non_negative("step_length_m", d.step_length_m, 3.0));
        }
    }
    out
}

/// The first problem with an entry, if any.
pub fn validate(entry: &Entry) -> Result<(), EntryError> {
    problems(entry).into_iter().next().map_or(Ok(()), Err)
}

/// A walk as a person logs it (CLI flags, a web form or a JSON body): validated into a [`Walk`]
/// by [`NewWalk::into_walk`], with errors naming the field.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewWalk {
    #[serde(default)]
    pub date: Option<Date>,
    pub minutes: f64,
    #[serde(default)]
    pub pain_before: Option<i64>,
    #[serde(default)]
    pub pain_peak: Option<i64>,
    #[serde(default)]
    pub bouts: Option<u32>,
    #[serde(default)]
    pub leg_spread: Option<LegSpread>,
    #[serde(default)]
    pub new_symptoms: bool,
    #[serde(default)]
    pub distance_km: Option<f64>,
    #[serde(default)]
    pub surface: Option<String>,
    #[serde(default)]
    pub shoes: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    /// When the walk started, local time "HH:MM".
    #[serde(default)]
    pub start: Option<String>,
}

/// A start time "HH:MM" (24-hour), named by `field`; blank is none.
pub fn start_time(field: &str, v: Option<String>) -> Result<Option<String>, EntryError> {
    let Some(t) = v.map(|t| t.trim().to_string()).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let ok = t.len() == 5
        && t.as_bytes()[2] == b':'
        && t[..2]
            .parse::<u8>()
            .is_ok_and(|h| h < 24 && t[..2].bytes().all(|b| b.is_ascii_digit()))
        && t[3..]
            .parse::<u8>()
            .is_ok_and(|m| m < 60 && t[3..].bytes().all(|b| b.is_ascii_digit()));
    if ok {
        Ok(Some(t))
    } else {
        Err(bad(
            field,
            format!("expected a time of day as HH:MM (24-hour, e.g. 07:30), found {t:?}"),
        ))
    }
}

/// A pain score 0-10 named by `field`.
pub fn pain_score(field: &str, v: Option<i64>) -> Result<Option<u8>, EntryError> {
    crate::pain::Pain::optional(field, v)
        .map(|p| p.map(u8::from))
        .map_err(|e| bad(field, e.message()))
}

/// Entries can't be dated in the future.
pub fn check_not_future(field: &str, date: Date, today: Date) -> Result<(), EntryError> {
    check_date(field, date)?;
    if date > today {
        return Err(bad(
            field,
            format!("{date} is after today ({today}); entries can't be logged in the future"),
        ));
    }
    Ok(())
}

impl NewWalk {
    /// The walk to store, or every problem with it at once (each naming its field).
    pub fn into_walk_checked(self, today: Date) -> Result<Walk, Vec<EntryError>> {
        let mut errors = Vec::new();
        let date = self.date.unwrap_or(today);
        if let Err(e) = check_walk_date("date", date, today) {
            errors.push(e);
        }
        if let Err(e) = check_logged_minutes(self.minutes) {
            errors.push(e);
        }
        let mut pain = |field: &str, v: Option<i64>| {
            pain_score(field, v).unwrap_or_else(|e| {
                errors.push(e);
                None
            })
        };
        let (before, peak) = (
            pain("pain_before", self.pain_before),
            pain("pain_peak", self.pain_peak),
        );
        let start = start_time("start", self.start).unwrap_or_else(|e| {
            errors.push(e);
            None
        });
        let empty = |s: Option<String>| s.map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
        let walk = Walk {
            id: String::new(),
            date,
            start,
            minutes: self.minutes,
            elapsed_minutes: None,
            bouts: self.bouts.unwrap_or(1),
            pain_before: before,
            pain_peak: peak,
            leg_spread: self.leg_spread,
            new_symptoms: self.new_symptoms,
            distance_km: self.distance_km,
            steps: None,
            cadence_spm: None,
            avg_hr_bpm: None,
            ascent_m: None,
            surface: empty(self.surface),
            shoes: empty(self.shoes),
            source: WalkSource::Manual,
            notes: empty(self.notes),
            gait: None,
        };
        for e in problems(&Entry::Walk(walk.clone())) {
            if !errors.iter().any(|x| x.field == e.field) {
                errors.push(e);
            }
        }
        if errors.is_empty() {
            Ok(walk)
        } else {
            Err(errors)
        }
    }

    /// The walk to store (id empty until the store gives one); the first problem, if any.
    pub fn into_walk(self, today: Date) -> Result<Walk, EntryError> {
        self.into_walk_checked(today).map_err(|errors| {
            errors
                .into_iter()
                .next()
                .unwrap_or_else(|| bad("walk", "invalid"))
        })
    }
}

/// Next-morning pain as a person logs it (CLI, web form, JSON body).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewMorning {
    #[serde(default)]
    pub date: Option<Date>,
    pub pain: i64,
}

impl NewMorning {
    /// The morning to store (id empty until the store gives one); errors name the field.
    pub fn into_morning(self, today: Date) -> Result<Morning, EntryError> {
        let date = self.date.unwrap_or(today);
        check_not_future("date", date, today)?;
        let pain = pain_score("pain", Some(self.pain))?.unwrap_or_default();
        Ok(Morning {
            id: String::new(),
            date,
            pain,
        })
    }
}

/// What a new morning score for a date does to the journal, which keeps one morning score per
/// date: a first one is added; one equal to the score already kept changes nothing (a repeat,
/// e.g. a form sent twice); a different one replaces the kept one only when asked to.
#[derive(Debug, Clone, PartialEq)]
pub enum MorningSlot<'a> {
    /// No morning is logged for the date yet.
    Free,
    /// The same score is already logged for the date: nothing to store.
    Same(&'a Morning),
    /// Another score is logged for the date: replacing it needs a yes.
    Taken(&'a Morning),
}

/// Where a new morning score lands (see [`MorningSlot`]); when a journal holds more than one
/// morning for the date (imported from elsewhere), the latest stored one is the kept one.
/// A stored morning is never its own neighbour: the entry with `new`'s id is passed over, so a
/// correction asks the same question as a new score.
pub fn morning_slot<'a>(entries: &'a [Entry], new: &Morning) -> MorningSlot<'a> {
    match entries.iter().rev().find_map(|e| match e {
        Entry::Morning(m) if m.date == new.date && (new.id.is_empty() || m.id != new.id) => Some(m),
        _ => None,
    }) {
        None => MorningSlot::Free,
        Some(m) if m.pain == new.pain => MorningSlot::Same(m),
        Some(m) => MorningSlot::Taken(m),
    }
}

/// The words of the one-morning-per-date rule when `kept` holds the date: the same for a new
/// score (`amble log morning`, the API) and a correction that would move a morning onto it.
pub fn morning_taken(kept: &Morning) -> String {
    format!(
        "back pain {}/10 is already logged for {} ({}); one morning score is kept per date",
        kept.pain, kept.date, kept.id
    )
}

/// The kept morning with a new score, under the id of the one it replaces.
pub fn replaced_morning(kept: &Morning, new: &Morning) -> Morning {
    Morning {
        id: kept.id.clone(),
        date: kept.date,
        pain: new.pain,
    }
}

/// An exercise session as a person logs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewExercise {
    pub date: Option<Date>,
    pub exercise: String,
    pub sets: Option<u32>,
    pub pain_after: Option<i64>,
}

impl NewExercise {
    /// The session to store; `known` says whether an exercise id is in the library.
    pub fn into_session(
        self,
        today: Date,
        known: impl Fn(&str) -> bool,
    ) -> Result<ExerciseSession, EntryError> {
        let date = self.date.unwrap_or(today);
        check_not_future("date", date, today)?;
        if !known(&self.exercise) {
            return Err(bad(
                "exercise",
                format!("unknown exercise \"{}\"", self.exercise),
            ));
        }
        let x = ExerciseSession {
            id: String::new(),
            date,
            exercise: self.exercise,
            sets: self.sets,
            pain_after: pain_score("pain_after", self.pain_after)?,
        };
        validate(&Entry::Exercise(x.clone()))?;
        Ok(x)
    }
}

/// A correction to a stored walk: only the fields given (`Some`) change; everything else the
/// walk holds (imported details such as `ascent_m`, and any field added later) is kept. Used
/// by `amble journal edit` and the web app's edit form alike.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WalkCorrection {
    pub date: Option<Date>,
    pub minutes: Option<f64>,
    /// `Some(None)` clears the rating.
    pub pain_before: Option<Option<i64>>,
    pub pain_peak: Option<Option<i64>>,
    pub bouts: Option<u32>,
    pub leg_spread: Option<Option<LegSpread>>,
    pub new_symptoms: Option<bool>,
    pub distance_km: Option<Option<f64>>,
    pub surface: Option<Option<String>>,
    pub shoes: Option<Option<String>>,
    pub notes: Option<Option<String>>,
}

impl WalkCorrection {
    /// Every field a logging form shows, from what the form submitted.
    pub fn from_form(n: NewWalk) -> WalkCorrection {
        WalkCorrection {
            date: n.date,
            minutes: Some(n.minutes),
            pain_before: Some(n.pain_before),
            pain_peak: Some(n.pain_peak),
            bouts: Some(n.bouts.unwrap_or(1)),
            leg_spread: Some(n.leg_spread),
            new_symptoms: Some(n.new_symptoms),
            distance_km: Some(n.distance_km),
            surface: Some(n.surface),
            shoes: Some(n.shoes),
            notes: Some(n.notes),
        }
    }

    /// The corrected walk, validated (errors name the field); `old` is unchanged.
    pub fn apply(self, old: &Walk, today: Date) -> Result<Walk, EntryError> {
        let text = |s: Option<String>| s.map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
        let mut w = old.clone();
        if let Some(d) = self.date {
            if d != old.date {
                check_walk_date("date", d, today)?;
            }
            check_not_future("date", d, today)?;
            w.date = d;
        }
        if let Some(m) = self.minutes {
            if m != old.minutes {
                check_logged_minutes(m)?;
            }
            w.minutes = m;
        }
        if let Some(p) = self.pain_before {
            w.pain_before = pain_score("pain_before", p)?;
        }
        if let Some(p) = self.pain_peak {
            w.pain_peak = pain_score("pain_peak", p)?;
        }
        if let Some(b) = self.bouts {
            w.bouts = b;
        }
        if let Some(s) = self.leg_spread {
            w.leg_spread = s;
        }
        if let Some(n) = self.new_symptoms {
            w.new_symptoms = n;
        }
        if let Some(d) = self.distance_km {
            w.distance_km = d;
        }
        if let Some(s) = self.surface {
            w.surface = text(s);
        }
        if let Some(s) = self.shoes {
            w.shoes = text(s);
        }
        if let Some(s) = self.notes {
            w.notes = text(s);
        }
        validate(&Entry::Walk(w.clone()))?;
        Ok(w)
    }
}

impl Entry {
    /// One line describing the entry, e.g. "walk 25 min, pain 2 -> 4".
    pub fn summary(&self) -> String {
        let p = |v: Option<u8>| v.map_or("?".to_string(), |p| p.to_string());
        match self {
            Entry::Assessment(_) => "check-up".into(),
            Entry::Walk(w) => {
                let mut s = format!(
                    "walk {} min, pain {} -> {}",
                    w.minutes,
                    p(w.pain_before),
                    p(w.pain_peak)
                );
                if w.bouts > 1 {
                    s.push_str(&format!(", {} bouts", w.bouts));
                }
                if w.leg_spread == Some(LegSpread::Further) {
                    s.push_str(", leg symptoms spread further");
                }
                if w.new_symptoms {
                    s.push_str(", NEW SYMPTOMS");
                }
                if let Some(g) = &w.gait {
                    s.push_str(&format!(
                        ", gait {:.0} steps/min, stride {:.2} m, {:.1} km/h",
                        g.cadence_spm,
                        g.stride_length_m,
                        g.speed_mps * 3.6
                    ));
                }
                if w.pain_peak.is_none() {
                    s.push_str(" (needs pain ratings)");
                }
                s
            }
            Entry::Morning(m) => format!("morning pain {}", m.pain),
            Entry::Checkin(c) => {
                let mut s = String::from("check-in");
                if let Some(ch) = c.change {
                    s.push_str(&format!(", {}", ch.words()));
                }
                if let Some(p) = c.pain {
                    s.push_str(&format!(", pain {p}"));
                }
                if !c.instruments.is_empty() {
                    s.push_str(", with questionnaires");
                }
                s
            }
            Entry::Exercise(x) => format!(
                "exercise {}{}",
                x.exercise,
                x.sets.map_or(String::new(), |s| format!(
                    ", {}",
                    crate::words::count(s, "set", "sets")
                ))
            ),
            Entry::DailyMetrics(d) => {
                let mut s = String::from("day of walking data");
                if let Some(steps) = d.steps {
                    s.push_str(&format!(", {steps} steps"));
                }
                if let Some(v) = d.walking_speed_mps {
                    s.push_str(&format!(", walking speed {v:.2} m/s"));
                }
                s
            }
        }
    }
}

/// "Since the last check-in, your back is ...": the global rating of change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GlobalChange {
    MuchBetter,
    Better,
    Same,
    Worse,
    MuchWorse,
}

impl GlobalChange {
    pub const ALL: [GlobalChange; 5] = [
        GlobalChange::MuchBetter,
        GlobalChange::Better,
        GlobalChange::Same,
        GlobalChange::Worse,
        GlobalChange::MuchWorse,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            GlobalChange::MuchBetter => "much_better",
            GlobalChange::Better => "better",
            GlobalChange::Same => "same",
            GlobalChange::Worse => "worse",
            GlobalChange::MuchWorse => "much_worse",
        }
    }

    pub fn words(self) -> &'static str {
        match self {
            GlobalChange::MuchBetter => "much better",
            GlobalChange::Better => "better",
            GlobalChange::Same => "about the same",
            GlobalChange::Worse => "worse",
            GlobalChange::MuchWorse => "much worse",
        }
    }

    pub fn parse(s: &str) -> Option<GlobalChange> {
        GlobalChange::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// A stored check-in (journal entry `kind: "checkin"`, ids `c-N`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkin {
    pub id: String,
    pub date: Date,
    #[serde(default)]
    pub red_flags: RedFlags,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<GlobalChange>,
    /// Pain now, 0-10.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pain: Option<u8>,
    #[serde(default, skip_serializing_if = "InstrumentItems::is_empty")]
    pub instruments: InstrumentItems,
    /// The monthly maintenance question: has back pain limited your activity since the last
    /// check-in?
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity_limited: Option<bool>,
}

/// The gait of one walk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WalkGait {
    /// The recording's file name.
    pub file: String,
    /// Seconds of walking found in the recording.
    pub walking_s: f64,
    pub steps: u64,
    pub cadence_spm: f64,
    pub stride_length_m: f64,
    pub speed_mps: f64,
    pub step_time_cv: f64,
    /// Step over stride regularity, 0-1; `null` where it is unknown (the stride regularity
    /// not positive; a walk's, where no bout's is known).
    pub symmetry: Option<f64>,
    /// Windows of 60 s of walking, in order (empty under 3 minutes of walking).
    #[serde(default)]
    pub windows: Vec<GaitWindow>,
    /// When the walk started to slow for good (seconds from the start of the recording).
    #[serde(default)]
    pub deterioration_onset_s: Option<f64>,
}

/// One window of walking.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GaitWindow {
    pub start_s: f64,
    pub cadence_spm: f64,
    pub stride_length_m: f64,
    pub speed_mps: f64,
    pub step_time_cv: f64,
    /// Step over stride regularity, 0-1; `null` where it is unknown (the stride regularity
    /// not positive; a walk's, where no bout's is known).
    pub symmetry: Option<f64>,
}

/// The most windows stored (a day of walking in minutes).
pub const MAX_WINDOWS: usize = 1440;

impl WalkGait {
    /// Every number within what walking can be.
    pub fn problems(&self) -> Vec<EntryError> {
        let mut out = Vec::new();
        let mut range = |field: &str, v: f64, lo: f64, hi: f64| {
            if !v.is_finite() || v < lo || v > hi {
                out.push(EntryError {
                    field: format!("gait.{field}"),
                    message: format!("expected {lo} to {hi}, found {}", number(v)),
                });
            }
        };
        range("walking_s", self.walking_s, 0.0, 86_400.0);
        range("steps", self.steps as f64, 0.0, 200_000.0);
        range("cadence_spm", self.cadence_spm, 0.0, 300.0);
        range("stride_length_m", self.stride_length_m, 0.0, 4.0);
        range("speed_mps", self.speed_mps, 0.0, 5.0);
        range("step_time_cv", self.step_time_cv, 0.0, 5.0);
        if let Some(v) = self.symmetry {
            range("symmetry", v, 0.0, 1.0);
        }
        if let Some(t) = self.deterioration_onset_s {
            range("deterioration_onset_s", t, 0.0, 86_400.0);
        }
        for w in &self.windows {
            range("windows.start_s", w.start_s, 0.0, 86_400.0);
            range("windows.cadence_spm", w.cadence_spm, 0.0, 300.0);
            range("windows.stride_length_m", w.stride_length_m, 0.0, 4.0);
            range("windows.speed_mps", w.speed_mps, 0.0, 5.0);
            range("windows.step_time_cv", w.step_time_cv, 0.0, 5.0);
            if let Some(v) = w.symmetry {
                range("windows.symmetry", v, 0.0, 1.0);
            }
        }
        if self.windows.len() > MAX_WINDOWS {
            out.push(EntryError {
                field: "gait.windows".into(),
                message: format!("expected at most {MAX_WINDOWS} windows"),
            });
        }
        if self.file.chars().count() > 200 {
            out.push(EntryError {
                field: "gait.file".into(),
                message: "expected a file name of at most 200 characters".into(),
            });
        }
        out
    }
}

/// The tail of a journal from `from` on: a binary search when the entries are in journal order
/// (by date, as the store returns them), else all of them. Lets views of recent weeks skip
/// years of history.
pub fn since(entries: &[Entry], from: Date) -> &[Entry] {
    if entries.is_sorted_by_key(Entry::date) {
        &entries[entries.partition_point(|e| e.date() < from)..]
    } else {
        entries
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod bounds_tests {
    use super::*;

    fn day(steps: u64) -> Entry {
        Entry::DailyMetrics(DailyMetrics {
            id: "d-1".into(),
            date: jiff::civil::date(2026, 1, 5),
            steps: Some(steps),
            walking_speed_mps: None,
            step_length_m: None,
            asymmetry_frac: None,
            double_support_frac: None,
            steadiness_frac: None,
            source: WalkSource::AppleHealth,
        })
    }

    #[test]
    fn implausible_numbers_and_dates_are_refused_with_the_field_named() {
        assert!(validate(&day(25_000)).is_ok());
        for steps in [100_000_000_000, u64::MAX] {
            let e = validate(&day(steps)).unwrap_err();
            assert_eq!(e.field, "steps");
        }
        let mut m = Entry::Morning(Morning {
            id: "m-1".into(),
            date: jiff::civil::date(1899, 12, 31),
            pain: 2,
        });
        assert_eq!(validate(&m).unwrap_err().field, "date");
        m.set_id("m-1".into());
        assert_eq!(id_number(&m), Ok(1));
        m.set_id("m-99999999999999999999".into());
        assert_eq!(id_number(&m).unwrap_err().field, "id");
        m.set_id("w-1".into());
        assert!(id_number(&m).is_err());
    }

    #[test]
    fn a_walk_logged_by_hand_is_half_a_minute_or_more_on_a_plausible_date() {
        let today = jiff::civil::date(2026, 3, 2);
        let log = |minutes: f64, date: Date| {
            NewWalk {
                date: Some(date),
                minutes,
                ..Default::default()
            }
            .into_walk(today)
        };
        assert!(log(0.5, today).is_ok());
        assert!(log(12.5, jiff::civil::date(2000, 1, 1)).is_ok());
        for minutes in [0.0001, 1e-300, 0.49] {
            let e = log(minutes, today).unwrap_err();
            assert_eq!(e.field, "minutes", "{minutes}");
            assert!(e.message.contains("at least 0.5 minutes"), "{e}");
            assert!(e.message.len() < 80, "a short echo: {e}");
        }
        let e = log(20.0, jiff::civil::date(1901, 1, 1)).unwrap_err();
        assert_eq!(e.field, "date");
        assert!(e.message.contains("not a plausible date for a walk"), "{e}");
        // Huge numbers are echoed short.
        let e = NewWalk {
            minutes: 20.0,
            distance_km: Some(1e308),
            ..Default::default()
        }
        .into_walk(today)
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "distance_km: expected at most 200, found 1e308"
        );
        let e = log(1e308, today).unwrap_err();
        assert!(e.message.ends_with("found 1e308"), "{e}");
        // One rule with the imports (which allow a day for time zones).
        assert_eq!(
            walk_date(jiff::civil::date(1999, 12, 31), today),
            Some(WalkDate::TooEarly)
        );
        assert_eq!(
            walk_date(jiff::civil::date(2026, 3, 3), today),
            Some(WalkDate::TooLate)
        );
        assert_eq!(walk_date(today, today), None);
    }

    #[test]
    fn a_correction_checks_only_what_it_changes() {
        let today = jiff::civil::date(2026, 3, 2);
        // An imported walk of 12 seconds keeps its minutes when its pain is rated.
        let old = NewWalk {
            date: Some(today),
            minutes: 20.0,
            ..Default::default()
        }
        .into_walk(today)
        .unwrap();
        let short = Walk {
            minutes: 0.2,
            ..old
        };
        let rated = WalkCorrection {
            minutes: Some(0.2),
            pain_peak: Some(Some(3)),
            ..Default::default()
        }
        .apply(&short, today)
        .unwrap();
        assert_eq!((rated.minutes, rated.pain_peak), (0.2, Some(3)));
        let e = WalkCorrection {
            minutes: Some(0.3),
            ..Default::default()
        }
        .apply(&short, today)
        .unwrap_err();
        assert_eq!(e.field, "minutes");
        let e = WalkCorrection {
            date: Some(jiff::civil::date(1901, 1, 1)),
            ..Default::default()
        }
        .apply(&short, today)
        .unwrap_err();
        assert_eq!(e.field, "date");
    }
}
