//! `amble import`: files, folders and zip archives in; walks and daily metrics into the journal.
//!
//! Each input file is one unit of work: it is parsed completely, checked, de-duplicated, and its
//! changes are written in one transaction, so a file that fails leaves nothing behind and the
//! other files still import. Re-importing changes nothing.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use amble_core::journal::{self, DailyMetrics, Entry, Walk, WalkSource};
use amble_store::{Change, Revision, Store, StoreError};
use jiff::civil::Date;
use serde::Serialize;

use crate::model::{Activity, ParseError, Parsed, Sport};
use crate::{apple, fit, gpx, tcx};

/// Largest single FIT/GPX/TCX file read (they are small; this stops a bomb).
pub const MAX_ACTIVITY_FILE: u64 = 256 * 1024 * 1024;
/// Largest Apple Health export read.
pub const MAX_EXPORT: u64 = 16 * 1024 * 1024 * 1024;
/// A zip member that expands more than this many times is refused as a zip bomb.
pub const MAX_RATIO: u64 = 200;

/// The summary of an import run: `amble.import/1`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Report {
    pub schema: &'static str,
    pub imported: usize,
    pub duplicates: usize,
    pub daily_metrics: usize,
    /// Duplicates whose journal entry gained details from a richer file.
    pub enriched: usize,
    pub skipped: Vec<Skipped>,
    pub errors: Vec<FileError>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Skipped {
    pub file: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileError {
    pub file: String,
    pub message: String,
}

/// How the run behaves.
#[derive(Debug, Clone)]
pub struct Options {
    pub dry_run: bool,
    /// Walks dated after this are implausible.
    pub today: Date,
    /// Time zone for files that carry no UTC offset (GPX, TCX, most FIT).
    pub tz: jiff::tz::TimeZone,
}

/// Progress reporting (a progress bar on a terminal; nothing otherwise).
pub trait Progress {
    fn start(&mut self, _total_bytes: u64) {}
    fn file(&mut self, _name: &str) {}
    /// Bytes done so far in the current file.
    fn within(&mut self, _bytes: u64) {}
    /// The current file is done; it was this many bytes.
    fn done(&mut self, _bytes: u64) {}
}

/// No progress output.
pub struct Quiet;
impl Progress for Quiet {}

// ---------------------------------------------------------------------------------------------
// Inputs

/// Something to import, named as the user will see it.
enum Unit {
    File {
        path: PathBuf,
        shown: String,
    },
    /// The activity files of one zip archive, read with the archive opened once.
    ZipMembers {
        archive: PathBuf,
        members: Vec<(usize, String)>,
    },
    AppleXml {
        xml: PathBuf,
        shown: String,
    },
    AppleZip {
        archive: PathBuf,
        index: usize,
        prefix: String,
        shown: String,
    },
    Skip {
        shown: String,
        reason: String,
    },
    Error {
        shown: String,
        message: String,
    },
}

fn ext(name: &str) -> String {
    Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

fn is_apple_xml(path: &Path) -> bool {
    let mut head = [0u8; 4096];
    let n = File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    let s = String::from_utf8_lossy(&head[..n]);
    s.contains("<HealthData") || s.contains("HealthKit Export")
}

fn expand(path: &Path, shown: String, units: &mut Vec<Unit>) {
    if path.is_dir() {
        if path.join("export.xml").is_file() && is_apple_xml(&path.join("export.xml")) {
            // An unpacked Apple export: its workout-routes belong to it.
            units.push(Unit::AppleXml {
                xml: path.join("export.xml"),
                shown: format!("{shown}/export.xml"),
            });
            return;
        }
        let mut children: Vec<PathBuf> = match std::fs::read_dir(path) {
            Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(e) => {
                units.push(Unit::Error {
                    shown,
                    message: format!("cannot read the folder: {e}"),
                });
                return;
            }
        };
        children.sort();
        for c in children {
            let name = c
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_string();
            if name.starts_with('.') {
                continue;
            }
            let child = format!("{}/{name}", shown.trim_end_matches('/'));
            // Linked folders are not followed: a link back up would never end.
            if c.symlink_metadata()
                .is_ok_and(|m| m.file_type().is_symlink())
                && c.is_dir()
            {
                units.push(Unit::Skip {
                    shown: child,
                    reason: "a linked folder is not followed (give its own path to import it)"
                        .into(),
                });
                continue;
            }
            expand(&c, child, units);
        }
        return;
    }
    if !path.exists() {
        units.push(Unit::Error {
            shown,
            message: "no such file or folder".into(),
        });
        return;
    }
    if let Some(reason) = not_a_regular_file(path) {
        units.push(Unit::Skip {
            shown,
            reason: reason.into(),
        });
        return;
    }
    match ext(&shown).as_str() {
        "fit" | "gpx" | "tcx" => units.push(Unit::File { path: path.to_path_buf(), shown }),
        "xml" if is_apple_xml(path) => units.push(Unit::AppleXml { xml: path.to_path_buf(), shown }),
        "zip" => expand_zip(path, &shown, units),
        _ => units.push(Unit::Skip { shown, reason: "not an activity file (Amble reads .fit, .gpx, .tcx, Apple Health export.xml and .zip)".into() }),
    }
}

/// Why something that is neither a folder nor a regular file is not read, found without
/// opening it (a named pipe would wait for a writer for ever; a device such as /dev/zero never
/// ends). A link is followed: a link to a device is a device.
fn not_a_regular_file(path: &Path) -> Option<&'static str> {
    let kind = std::fs::metadata(path).ok()?.file_type();
    if kind.is_file() || kind.is_dir() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Some("a named pipe (FIFO), not a file: not read (Amble reads regular files)");
        }
        if kind.is_char_device() || kind.is_block_device() {
            return Some("a device, not a file: not read (Amble reads regular files)");
        }
        if kind.is_socket() {
            return Some("a socket, not a file: not read (Amble reads regular files)");
        }
    }
    Some("not a regular file: not read (Amble reads regular files)")
}

fn expand_zip(path: &Path, shown: &str, units: &mut Vec<Unit>) {
    let archive = match File::open(path)
        .map_err(|e| e.to_string())
        .and_then(|f| zip::ZipArchive::new(f).map_err(|e| e.to_string()))
    {
        Ok(a) => a,
        Err(e) => {
            units.push(Unit::Error {
                shown: shown.to_string(),
                message: format!("not a readable zip archive: {e}"),
            });
            return;
        }
    };
    let names: Vec<String> = archive
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.to_string()))
        .collect();
    // An Apple Health export.zip: apple_health_export/export.xml (the folder name varies by locale).
    if let Some(xml) = names
        .iter()
        .find(|n| n.ends_with("export.xml") && !n.contains("cda"))
        && let Some(index) = archive.index_for_name(xml)
    {
        let prefix = xml.trim_end_matches("export.xml").to_string();
        units.push(Unit::AppleZip {
            archive: path.to_path_buf(),
            index,
            prefix,
            shown: format!("{shown}!{xml}"),
        });
        return;
    }
    let mut members = Vec::new();
    for (index, name) in names.iter().enumerate() {
        if name.ends_with('/') {
            continue;
        }
        let member = format!("{shown}!{name}");
        match ext(name).as_str() {
            "fit" | "gpx" | "tcx" => members.push((index, member)),
            "zip" => units.push(Unit::Skip {
                shown: member,
                reason: "a zip inside a zip is not opened".into(),
            }),
            _ => units.push(Unit::Skip {
                shown: member,
                reason: "not an activity file".into(),
            }),
        }
    }
    if !members.is_empty() {
        units.push(Unit::ZipMembers {
            archive: path.to_path_buf(),
            members,
        });
    }
}

fn open_zip(path: &Path) -> Result<zip::ZipArchive<File>, ParseError> {
    let f = File::open(path).map_err(|e| ParseError::new(format!("cannot open: {e}")))?;
    zip::ZipArchive::new(f).map_err(|e| ParseError::new(format!("not a readable zip archive: {e}")))
}

/// Reads at most `limit` bytes; more is an error (a bomb, or not the file it claims to be).
fn read_limited(mut r: impl Read, limit: u64) -> Result<Vec<u8>, ParseError> {
    let mut out = Vec::new();
    r.by_ref()
        .take(limit + 1)
        .read_to_end(&mut out)
        .map_err(|e| ParseError::new(format!("cannot read: {e}")))?;
    if out.len() as u64 > limit {
        return Err(ParseError::new(format!(
            "larger than {} MB: not an activity file Amble can read",
            limit / (1024 * 1024)
        )));
    }
    Ok(out)
}

fn check_member(f: &zip::read::ZipFile<'_, File>, limit: u64) -> Result<(), ParseError> {
    let (size, packed) = (f.size(), f.compressed_size().max(1));
    if size > limit {
        return Err(ParseError::new(format!(
            "expands to {} MB, more than Amble reads",
            size / (1024 * 1024)
        )));
    }
    if size > 1024 * 1024 && size / packed > MAX_RATIO {
        return Err(ParseError::new(format!(
            "expands {}-fold: refused as a zip bomb",
            size / packed
        )));
    }
    Ok(())
}

fn parse_activity_bytes(name: &str, bytes: &[u8]) -> Result<Parsed, ParseError> {
    match ext(name).as_str() {
        "fit" => fit::parse(bytes),
        "gpx" => gpx::parse(bytes, WalkSource::Gpx),
        "tcx" => tcx::parse(bytes),
        _ => Err(ParseError::new("unknown file type")),
    }
}

// ---------------------------------------------------------------------------------------------
// Activities to walks

enum Verdict {
    Walk(Box<Walk>),
    Skip(String),
}

fn kmh(mps: f64) -> f64 {
    mps * 3.6
}

/// Decides whether an activity is a walk, checks its values, and builds the journal entry.
fn to_walk(a: &Activity, opts: &Options) -> Result<Verdict, ParseError> {
    let declared = a.declared.clone().unwrap_or_default();
    if let Sport::Other(name) = &a.sport {
        return Ok(Verdict::Skip(format!("another sport ({name}), not a walk")));
    }
    // Plausibility.
    // A clock that cannot be right (never set, or set in the future) makes the recording a skip
    // with its reason, not an error: the file itself is fine, only its dates cannot be trusted.
    let Ok(start) = jiff::Timestamp::from_millisecond((a.start * 1000.0).round() as i64) else {
        return Ok(Verdict::Skip(
            "the recording's clock is out of range (a device clock that was never set?): not imported"
                .into(),
        ));
    };
    let tz = match a.offset_s {
        Some(off) => jiff::tz::Offset::from_seconds(off)
            .map(jiff::tz::TimeZone::fixed)
            .unwrap_or_else(|_| opts.tz.clone()),
        None => opts.tz.clone(),
    };
    let zoned = start.to_zoned_datetime(tz);
    let date = zoned.date();
    // The core's rule for a walk's date (as for walks logged by hand), with a day's slack for
    // the recording's time zone.
    match journal::walk_date(date, opts.today.saturating_add(jiff::ToSpan::days(1))) {
        Some(journal::WalkDate::TooEarly) => {
            return Ok(Verdict::Skip(format!(
                "the recording is dated {date}, which is not plausible (a device clock that was never set?): not imported"
            )));
        }
        Some(journal::WalkDate::TooLate) => {
            return Ok(Verdict::Skip(format!(
                "the recording is dated {date}, after today ({}) (a device clock set wrong?): not imported",
                opts.today
            )));
        }
        None => {}
    }
    if a.elapsed_s.is_nan() || a.moving_s.is_nan() || a.elapsed_s < 0.0 || a.moving_s < 0.0 {
        return Err(ParseError::new("the recording has a negative duration"));
    }
    if a.elapsed_s > 24.0 * 3600.0 {
        return Err(ParseError::new(format!(
            "the recording lasts {:.0} hours, which is not plausible for one walk",
            a.elapsed_s / 3600.0
        )));
    }
    let moving = if a.moving_s > 0.0 {
        a.moving_s.min(a.elapsed_s.max(a.moving_s))
    } else {
        a.elapsed_s
    };
    if moving <= 0.0 {
        return Ok(Verdict::Skip(
            "a route without timing (no time passes between its points): not a recorded walk"
                .into(),
        ));
    }
    let speed = a.distance_m.map(|d| d / moving);
    let walkish = matches!(a.sport, Sport::Walking | Sport::Hiking);
    match (walkish, speed) {
        (true, Some(v)) if v > 3.5 => {
            return Err(ParseError::new(format!(
                "a walk at {:.0} km/h is not plausible (GPS or device error?)",
                kmh(v)
            )));
        }
        (false, None) => {
            let what = if declared.is_empty() {
                String::new()
            } else {
                format!(" (sport \"{declared}\")")
            };
            return Ok(Verdict::Skip(format!(
                "no distance or route recorded: cannot tell whether this was a walk{what}"
            )));
        }
        (false, Some(v)) if v > 8.0 => {
            return Ok(Verdict::Skip(format!(
                "moves at car speed ({:.0} km/h): not a walk",
                kmh(v)
            )));
        }
        (false, Some(v)) if v > 2.2 => {
            return Ok(Verdict::Skip(format!(
                "moves at running or cycling speed ({:.1} km/h): not a walk",
                kmh(v)
            )));
        }
        (false, Some(v)) if v < 0.1 => return Ok(Verdict::Skip("hardly moves: not a walk".into())),
        _ => {}
    }
    let minutes = (moving / 60.0 * 10.0).round() / 10.0;
    // The device's own average cadence when it has one (what the watch showed), else steps
    // over moving time.
    let cadence = a
        .cadence_spm
        .map(|c| (c * 10.0).round() / 10.0)
        .or_else(|| {
            a.steps
                .filter(|s| *s > 0)
                .map(|s| ((s as f64) / (moving / 60.0) * 10.0).round() / 10.0)
        });
    if cadence.is_some_and(|c| c > 250.0) {
        return Err(ParseError::new(
            "the step count is not plausible for the time walked",
        ));
    }
    let walk = Walk {
        id: String::new(),
        date,
        start: Some(zoned.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()),
        minutes,
        elapsed_minutes: Some((a.elapsed_s / 60.0 * 10.0).round() / 10.0),
        bouts: 1,
        pain_before: None,
        pain_peak: None,
        leg_spread: None,
        new_symptoms: false,
        distance_km: a.distance_m.map(|d| (d / 1000.0 * 1000.0).round() / 1000.0),
        steps: a.steps,
        cadence_spm: cadence,
        avg_hr_bpm: a
            .avg_hr
            .map(|h| (h * 10.0).round() / 10.0)
            .filter(|h| *h > 20.0 && *h < 250.0),
        ascent_m: a
            .ascent_m
            .map(|x| (x * 10.0).round() / 10.0)
            .filter(|x| *x <= 9000.0),
        surface: None,
        shoes: None,
        source: a.source,
        notes: None,
        gait: None,
    };
    journal::validate(&Entry::Walk(walk.clone()))
        .map_err(|e| ParseError::new(format!("{}: {}", e.field, e.message)))?;
    Ok(Verdict::Walk(Box::new(walk)))
}

// ---------------------------------------------------------------------------------------------
// De-duplication

fn start_secs(w: &Walk) -> Option<i64> {
    w.start
        .as_deref()
        .and_then(|s| s.parse::<jiff::Timestamp>().ok())
        .map(|t| t.as_second())
}

/// The same walk: starts within 2 minutes and lasts about as long (within 2 minutes or 10 %);
/// a walk logged by hand (no start time) matches on its date and minutes (within 15 %).
fn same_walk(a: &Walk, b: &Walk) -> bool {
    match (start_secs(a), start_secs(b)) {
        (Some(x), Some(y)) => {
            let (da, db) = (
                a.elapsed_minutes.unwrap_or(a.minutes),
                b.elapsed_minutes.unwrap_or(b.minutes),
            );
            (x - y).abs() <= 120 && (da - db).abs() <= 2.0_f64.max(0.1 * da.max(db))
        }
        (None, Some(_)) | (Some(_), None) => {
            a.date == b.date
                && (a.minutes - b.minutes).abs() <= 0.15 * a.minutes.max(b.minutes) + 1.0
        }
        (None, None) => false,
    }
}

fn richness(w: &Walk) -> usize {
    [
        w.start.is_some(),
        w.elapsed_minutes.is_some(),
        w.distance_km.is_some(),
        w.steps.is_some(),
        w.cadence_spm.is_some(),
        w.avg_hr_bpm.is_some(),
    ]
    .iter()
    .filter(|x| **x)
    .count()
}

/// The stored walk with the imported device details, keeping everything the person added.
fn enrich(old: &Walk, new: &Walk) -> Walk {
    Walk {
        id: old.id.clone(),
        date: new.date,
        start: new.start.clone(),
        minutes: new.minutes,
        elapsed_minutes: new.elapsed_minutes,
        bouts: old.bouts,
        pain_before: old.pain_before,
        pain_peak: old.pain_peak,
        leg_spread: old.leg_spread,
        new_symptoms: old.new_symptoms,
        distance_km: new.distance_km.or(old.distance_km),
        steps: new.steps.or(old.steps),
        cadence_spm: new.cadence_spm.or(old.cadence_spm),
        avg_hr_bpm: new.avg_hr_bpm.or(old.avg_hr_bpm),
        ascent_m: new.ascent_m.or(old.ascent_m),
        surface: old.surface.clone(),
        shoes: old.shoes.clone(),
        source: new.source,
        notes: old.notes.clone(),
        gait: None,
    }
}

/// The journal as the run sees it (updated as files are imported, also in a dry run).
struct Journal {
    walks: Vec<Walk>,
    days: Vec<DailyMetrics>,
}

// ---------------------------------------------------------------------------------------------
// The run

/// Imports `paths` into `store` (or, with `dry_run`, only reports what would happen).
/// The walks and daily data of the journal as stored now.
fn read_journal(store: &dyn Store) -> Result<Journal, StoreError> {
    let existing = store.list()?;
    Ok(Journal {
        walks: existing
            .iter()
            .filter_map(|e| {
                if let Entry::Walk(w) = e {
                    Some(w.clone())
                } else {
                    None
                }
            })
            .collect(),
        days: existing
            .into_iter()
            .filter_map(|e| {
                if let Entry::DailyMetrics(d) = e {
                    Some(d)
                } else {
                    None
                }
            })
            .collect(),
    })
}

pub fn run(
    paths: &[PathBuf],
    store: &mut dyn Store,
    opts: &Options,
    progress: &mut dyn Progress,
) -> Result<Report, StoreError> {
    let mut journal = read_journal(store)?;
    let mut units = Vec::new();
    for p in paths {
        expand(p, p.display().to_string(), &mut units);
    }
    let total: u64 = units
        .iter()
        .map(|u| match u {
            Unit::File { path, .. } | Unit::AppleXml { xml: path, .. } => {
                std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
            }
            _ => 0,
        })
        .sum();
    progress.start(total);
    let mut report = Report {
        schema: "amble.import/1",
        ..Report::default()
    };
    for unit in units {
        process(unit, store, opts, progress, &mut journal, &mut report)?;
    }
    Ok(report)
}

fn process(
    unit: Unit,
    store: &mut dyn Store,
    opts: &Options,
    progress: &mut dyn Progress,
    journal: &mut Journal,
    report: &mut Report,
) -> Result<(), StoreError> {
    let (shown, result): (String, Result<Outcome, ParseError>) = match unit {
        Unit::Skip { shown, reason } => {
            report.skipped.push(Skipped {
                file: shown,
                reason,
            });
            return Ok(());
        }
        Unit::Error { shown, message } => {
            report.errors.push(FileError {
                file: shown,
                message,
            });
            return Ok(());
        }
        Unit::File { path, shown } => {
            progress.file(&shown);
            let r = File::open(&path)
                .map_err(|e| ParseError::new(format!("cannot open: {e}")))
                .and_then(|f| read_limited(f, MAX_ACTIVITY_FILE))
                .and_then(|bytes| {
                    progress.done(bytes.len() as u64);
                    parse_activity_bytes(&shown, &bytes)
                })
                .map(Outcome::Parsed);
            (shown, r)
        }
        Unit::ZipMembers { archive, members } => {
            let mut z = match open_zip(&archive) {
                Ok(z) => z,
                Err(e) => {
                    for (_, shown) in members {
                        report.errors.push(FileError {
                            file: shown,
                            message: e.to_string(),
                        });
                    }
                    return Ok(());
                }
            };
            for (index, shown) in members {
                progress.file(&shown);
                let r = (|| {
                    let member = z
                        .by_index(index)
                        .map_err(|e| ParseError::new(format!("cannot read the member: {e}")))?;
                    check_member(&member, MAX_ACTIVITY_FILE)?;
                    let bytes = read_limited(member, MAX_ACTIVITY_FILE)?;
                    parse_activity_bytes(&shown, &bytes)
                })()
                .map(Outcome::Parsed);
                finish(shown, r, store, opts, journal, report)?;
            }
            return Ok(());
        }
        Unit::AppleXml { xml, shown } => {
            progress.file(&shown);
            let base = xml.parent().map(Path::to_path_buf).unwrap_or_default();
            let r = File::open(&xml)
                .map_err(|e| ParseError::new(format!("cannot open: {e}")))
                .and_then(|f| {
                    let data = apple::parse(
                        BufReader::with_capacity(256 * 1024, f.take(MAX_EXPORT)),
                        &mut |b| progress.within(b),
                    )?;
                    let routes = |path: &str| -> Option<Vec<u8>> {
                        let p = base.join(route_path(path)?);
                        // Only a regular file: never a device, a FIFO or a folder.
                        if !std::fs::symlink_metadata(&p).is_ok_and(|m| m.is_file()) {
                            return None;
                        }
                        File::open(p)
                            .ok()
                            .and_then(|f| read_limited(f, MAX_ACTIVITY_FILE).ok())
                    };
                    Ok(Outcome::Apple(with_routes(data, routes)))
                });
            (shown, r)
        }
        Unit::AppleZip {
            archive,
            index,
            prefix,
            shown,
        } => {
            progress.file(&shown);
            let r = (|| {
                let mut z = open_zip(&archive)?;
                let data = {
                    let member = z
                        .by_index(index)
                        .map_err(|e| ParseError::new(format!("cannot read the export: {e}")))?;
                    check_member(&member, MAX_EXPORT)?;
                    apple::parse(
                        BufReader::with_capacity(256 * 1024, member.take(MAX_EXPORT)),
                        &mut |b| progress.within(b),
                    )?
                };
                let mut routes = |path: &str| -> Option<Vec<u8>> {
                    let name = format!("{prefix}{}", route_path(path)?.to_str()?);
                    let m = z.by_name(&name).ok()?;
                    check_member(&m, MAX_ACTIVITY_FILE).ok()?;
                    read_limited(m, MAX_ACTIVITY_FILE).ok()
                };
                Ok(Outcome::Apple(with_routes_mut(data, &mut routes)))
            })();
            (shown, r)
        }
    };
    finish(shown, result, store, opts, journal, report)
}

/// Records a file's result: its error, or what it brought into the journal.
fn finish(
    shown: String,
    result: Result<Outcome, ParseError>,
    store: &mut dyn Store,
    opts: &Options,
    journal: &mut Journal,
    report: &mut Report,
) -> Result<(), StoreError> {
    match result {
        Err(e) => report.errors.push(FileError {
            file: shown,
            message: e.to_string(),
        }),
        Ok(outcome) => apply_outcome(&shown, outcome, store, opts, journal, report)?,
    }
    Ok(())
}

/// A workout route's path inside an Apple export (`/workout-routes/route_….gpx`), as a relative
/// path of plain names: anything with `..`, a drive or an absolute root inside is refused, so an
/// export can never open a file outside itself.
fn route_path(path: &str) -> Option<PathBuf> {
    use std::path::Component;
    let rel = Path::new(path.trim_start_matches('/'));
    let mut out = PathBuf::new();
    for c in rel.components() {
        match c {
            Component::Normal(n) => out.push(n),
            Component::CurDir => {}
            _ => return None,
        }
    }
    (!out.as_os_str().is_empty()).then_some(out)
}

enum Outcome {
    Parsed(Parsed),
    Apple(apple::AppleData),
}

fn with_routes(
    data: apple::AppleData,
    routes: impl Fn(&str) -> Option<Vec<u8>>,
) -> apple::AppleData {
    let mut r = |p: &str| routes(p);
    with_routes_mut(data, &mut r)
}

/// Fills in a workout's distance from its route when the export has none.
fn with_routes_mut(
    mut data: apple::AppleData,
    routes: &mut dyn FnMut(&str) -> Option<Vec<u8>>,
) -> apple::AppleData {
    for w in &mut data.workouts {
        if w.activity.distance_m.is_some() {
            continue;
        }
        let Some(path) = &w.route else { continue };
        if let Some(bytes) = routes(path)
            && let Ok(Parsed::Activities(acts)) =
                gpx::parse(bytes.as_slice(), WalkSource::AppleHealth)
        {
            let d: f64 = acts.iter().filter_map(|a| a.distance_m).sum();
            if d > 0.0 {
                w.activity.distance_m = Some(d);
            }
        }
    }
    data
}

/// Checks, de-duplicates and writes one file's findings in a single transaction.
fn apply_outcome(
    shown: &str,
    outcome: Outcome,
    store: &mut dyn Store,
    opts: &Options,
    journal: &mut Journal,
    report: &mut Report,
) -> Result<(), StoreError> {
    let (activities, days) = match outcome {
        Outcome::Parsed(Parsed::NotActivity(reason)) => {
            report.skipped.push(Skipped {
                file: shown.to_string(),
                reason,
            });
            return Ok(());
        }
        Outcome::Parsed(Parsed::Activities(a)) => (a, Default::default()),
        Outcome::Apple(data) => (
            data.workouts.into_iter().map(|w| w.activity).collect(),
            data.days,
        ),
    };
    // An enrichment replaces a walk read at the start of the run: when something else changed
    // it since (a correction in the web app), the journal is read again and the file's
    // findings are matched against it anew, so the correction is kept.
    for attempt in 1..=amble_store::UPDATE_ATTEMPTS {
        match write_findings(shown, &activities, &days, store, opts, journal, report) {
            Err(StoreError::Conflict { .. }) if attempt < amble_store::UPDATE_ATTEMPTS => {
                *journal = read_journal(store)?;
            }
            done => return done,
        }
    }
    Ok(())
}

/// De-duplicates one file's walks and daily data against the journal and writes them in one
/// transaction; report counts change only once it is written.
fn write_findings(
    shown: &str,
    activities: &[Activity],
    days: &std::collections::BTreeMap<String, crate::model::DayMetrics>,
    store: &mut dyn Store,
    opts: &Options,
    journal: &mut Journal,
    report: &mut Report,
) -> Result<(), StoreError> {
    let several = activities.len() > 1;
    let mut changes: Vec<Change> = Vec::new();
    let mut imported = 0;
    let mut duplicates = 0;
    let mut enriched = 0;
    let mut skipped = Vec::new();
    let mut new_walks: Vec<Walk> = Vec::new();
    for a in activities {
        let label = if several {
            format!(" (activity {})", a.index + 1)
        } else {
            String::new()
        };
        match to_walk(a, opts) {
            Err(e) => {
                // A file with an implausible activity is an error as a whole: nothing from it.
                report.errors.push(FileError {
                    file: shown.to_string(),
                    message: format!("{e}{label}"),
                });
                return Ok(());
            }
            Ok(Verdict::Skip(reason)) => skipped.push(Skipped {
                file: shown.to_string(),
                reason: format!("{reason}{label}"),
            }),
            Ok(Verdict::Walk(w)) => {
                let w = *w;
                if let Some(i) = journal.walks.iter().position(|old| same_walk(old, &w)) {
                    duplicates += 1;
                    let old = journal.walks[i].clone();
                    if richness(&w) > richness(&old) && !old.id.is_empty() {
                        let better = enrich(&old, &w);
                        changes.push(Change::ReplaceAt(
                            Entry::Walk(better.clone()),
                            Revision::of(&Entry::Walk(old)),
                        ));
                        journal.walks[i] = better;
                        enriched += 1;
                    }
                } else if new_walks.iter().any(|n| same_walk(n, &w)) {
                    duplicates += 1;
                } else {
                    imported += 1;
                    new_walks.push(w.clone());
                    changes.push(Change::Add(Entry::Walk(w)));
                }
            }
        }
    }
    let mut day_changes = 0;
    for (day, m) in days {
        let m = m.clone();
        let Ok(date) = day.parse::<Date>() else {
            continue;
        };
        if date.year() < 2000 || date > opts.today.saturating_add(jiff::ToSpan::days(1)) {
            continue;
        }
        let entry = DailyMetrics {
            id: String::new(),
            date,
            steps: m.steps,
            walking_speed_mps: m.walking_speed_mps.map(|v| round(v, 4)),
            step_length_m: m.step_length_m.map(|v| round(v, 4)),
            asymmetry_frac: m.asymmetry_frac.map(|v| round(v, 4)),
            double_support_frac: m.double_support_frac.map(|v| round(v, 4)),
            steadiness_frac: m.steadiness_frac.map(|v| round(v, 4)),
            source: WalkSource::AppleHealth,
        };
        if journal::validate(&Entry::DailyMetrics(entry.clone())).is_err() {
            continue;
        }
        match journal
            .days
            .iter()
            .position(|d| d.date == date && d.source == WalkSource::AppleHealth)
        {
            Some(i) => {
                let stored = &journal.days[i];
                let same = DailyMetrics {
                    id: stored.id.clone(),
                    ..entry.clone()
                } == *stored;
                if !same {
                    let updated = DailyMetrics {
                        id: stored.id.clone(),
                        ..entry
                    };
                    changes.push(Change::ReplaceAt(
                        Entry::DailyMetrics(updated.clone()),
                        Revision::of(&Entry::DailyMetrics(stored.clone())),
                    ));
                    journal.days[i] = updated;
                    day_changes += 1;
                }
            }
            None => {
                changes.push(Change::Add(Entry::DailyMetrics(entry.clone())));
                journal.days.push(entry);
                day_changes += 1;
            }
        }
    }
    if !opts.dry_run && !changes.is_empty() {
        let added = store.apply(changes)?;
        // Keep the run's view of the journal in step with the ids the store gave.
        for e in added {
            match e {
                Entry::Walk(w) => journal.walks.push(w),
                Entry::DailyMetrics(d) => {
                    if let Some(x) = journal
                        .days
                        .iter_mut()
                        .find(|x| x.id.is_empty() && x.date == d.date)
                    {
                        *x = d;
                    }
                }
                _ => {}
            }
        }
    } else {
        journal.walks.extend(new_walks);
    }
    report.imported += imported;
    report.duplicates += duplicates;
    report.enriched += enriched;
    report.daily_metrics += day_changes;
    report.skipped.extend(skipped);
    Ok(())
}

fn round(v: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (v * f).round() / f
}
