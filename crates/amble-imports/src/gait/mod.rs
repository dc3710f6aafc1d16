//! Reading a gait recording from a file, a folder or a zip archive: the contract's CSV, the
//! phyphox CSV export (also zipped, as phyphox shares it) and the Sensor Logger export (zip or
//! folder). The format is found from the content; a choice overrides it. Sizes are bounded.

use std::io::{Cursor, Read};
use std::path::Path;

use amble_gait::{CsvOptions, Format, GaitError, Recording, SensorLoggerFiles};

mod document;

pub use document::{DRIFT_WINDOW_S, document, walk_gait};

/// The largest file (or zip member) read, bytes: about two days of 100 Hz samples as text.
pub const MAX_BYTES: u64 = 1 << 30;

/// A format chosen by the person (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Csv,
    Phyphox,
    SensorLogger,
}

/// Why a recording cannot be read; the message names the file (and the member of an archive).
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("{0}")]
pub struct ReadError(pub String);

fn err(what: impl std::fmt::Display, why: impl std::fmt::Display) -> ReadError {
    ReadError(format!("{what}: {why}"))
}

/// Reads the recording at `path` (a file, a zip archive or a Sensor Logger folder).
pub fn read_path(
    path: &Path,
    choice: Option<Choice>,
    options: CsvOptions,
) -> Result<Recording, ReadError> {
    let shown = path.display();
    if path.is_dir() {
        let read = |name: &str| -> Result<Option<String>, ReadError> {
            let p = path.join(name);
            if !p.is_file() {
                return Ok(None);
            }
            read_limited(std::fs::File::open(&p).map_err(|e| err(p.display(), e))?)
                .and_then(text)
                .map(Some)
                .map_err(|e| err(p.display(), e))
        };
        return sensor_logger(
            &shown,
            read("TotalAcceleration.csv")?,
            read("Accelerometer.csv")?,
            read("Gravity.csv")?,
            read("Gyroscope.csv")?,
        );
    }
    let file = std::fs::File::open(path).map_err(|e| err(&shown, e))?;
    let bytes = read_limited(file).map_err(|e| err(&shown, e))?;
    read_bytes(&shown.to_string(), &bytes, choice, options)
}

/// Reads a recording from its bytes, `name` naming it in messages.
pub fn read_bytes(
    name: &str,
    bytes: &[u8],
    choice: Option<Choice>,
    options: CsvOptions,
) -> Result<Recording, ReadError> {
    read_bytes_within(name, bytes, choice, options, MAX_BYTES)
}

/// [`read_bytes`] with a lower bound on what a zip archive may unpack to, all its members
/// together (an upload to a shared server takes less than a person's own machine: a small zip
/// must not unpack to gigabytes, in one member or in many).
pub fn read_bytes_within(
    name: &str,
    bytes: &[u8],
    choice: Option<Choice>,
    options: CsvOptions,
    max_unpacked_bytes: u64,
) -> Result<Recording, ReadError> {
    if bytes.starts_with(b"PK\x03\x04") {
        return read_zip(name, bytes, max_unpacked_bytes.min(MAX_BYTES));
    }
    if bytes.is_empty() {
        return Err(err(name, "the file is empty"));
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| err(name, "not a text (CSV) file or a zip archive"))?;
    let file_name = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let format = match choice {
        Some(Choice::Csv) => Format::Contract,
        Some(Choice::Phyphox) => Format::Phyphox,
        Some(Choice::SensorLogger) => Format::SensorLogger,
        None => amble_gait::detect(text).ok_or_else(|| {
            err(
                name,
                "not a recording Amble reads: expected a CSV with the header time_s,acc_x,acc_y,acc_z, a phyphox export or a Sensor Logger export",
            )
        })?,
    };
    match format {
        Format::Contract => amble_gait::parse_csv(text, options).map_err(|e| err(name, e)),
        Format::Phyphox => amble_gait::parse_phyphox(text).map_err(|e| err(name, e)),
        Format::SensorLogger => {
            // One CSV of a Sensor Logger export: only the total acceleration stands alone.
            if file_name.eq_ignore_ascii_case("Accelerometer.csv") {
                return Err(err(
                    name,
                    "Sensor Logger's Accelerometer.csv has gravity taken out; give the whole export (the zip or its folder) so Gravity.csv is read with it",
                ));
            }
            sensor_logger(&name, Some(text.to_string()), None, None, None)
        }
    }
}

/// A Sensor Logger export from its members; the gyroscope, where the export has one, is read
/// with the acceleration (turns and gait sequences need it).
fn sensor_logger(
    name: &dyn std::fmt::Display,
    total: Option<String>,
    accelerometer: Option<String>,
    gravity: Option<String>,
    gyroscope: Option<String>,
) -> Result<Recording, ReadError> {
    if total.is_none() && accelerometer.is_none() && gravity.is_none() {
        return Err(err(
            name,
            "no TotalAcceleration.csv, Accelerometer.csv or Gravity.csv: not a Sensor Logger export",
        ));
    }
    amble_gait::parse_sensor_logger_with_gyroscope(
        SensorLoggerFiles {
            total: total.as_deref(),
            accelerometer: accelerometer.as_deref(),
            gravity: gravity.as_deref(),
        },
        gyroscope.as_deref(),
    )
    .map_err(|e| err(name, e))
}

/// Reads the members a recording needs from a zip archive; `max` bounds what they unpack to
/// together (each member read takes from one budget).
fn read_zip(name: &str, bytes: &[u8], max: u64) -> Result<Recording, ReadError> {
    let left = std::cell::Cell::new(max);
    let unpack = |f: zip::read::ZipFile<'_, Cursor<&[u8]>>| -> Result<Vec<u8>, String> {
        let budget = left.get();
        let out = read_limited_to(f, budget).map_err(|e| {
            if budget < max {
                format!(
                    "the archive's members unpack to more than {} MB together; split the recording",
                    max >> 20
                )
            } else {
                e
            }
        })?;
        left.set(budget - out.len() as u64);
        Ok(out)
    };
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| err(name, format!("not a readable zip archive: {e}")))?;
    let names: Vec<String> = zip
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .collect();
    let member = |zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
                  want: &str|
     -> Result<Option<String>, ReadError> {
        let Some(full) = names.iter().find(|n| {
            n.rsplit('/')
                .next()
                .is_some_and(|f| f.eq_ignore_ascii_case(want))
        }) else {
            return Ok(None);
        };
        let f = zip.by_name(full).map_err(|e| err(name, e))?;
        unpack(f)
            .and_then(text)
            .map(Some)
            .map_err(|e| err(format!("{name}: {full}"), e))
    };
    let (total, acc, gravity) = (
        member(&mut zip, "TotalAcceleration.csv")?,
        member(&mut zip, "Accelerometer.csv")?,
        member(&mut zip, "Gravity.csv")?,
    );
    if total.is_some() || acc.is_some() || gravity.is_some() {
        let gyroscope = member(&mut zip, "Gyroscope.csv")?;
        return sensor_logger(&name, total, acc, gravity, gyroscope);
    }
    // phyphox shares a zip of one CSV per table ("Raw Data.csv") and a meta folder.
    for full in names
        .iter()
        .filter(|n| n.to_ascii_lowercase().ends_with(".csv") && !n.contains("meta/"))
    {
        let f = zip.by_name(full).map_err(|e| err(name, e))?;
        let content = unpack(f)
            .and_then(text)
            .map_err(|e| err(format!("{name}: {full}"), e))?;
        if amble_gait::detect(&content) == Some(Format::Phyphox) {
            return amble_gait::parse_phyphox(&content)
                .map_err(|e: GaitError| err(format!("{name}: {full}"), e));
        }
    }
    Err(err(
        name,
        "this zip archive holds neither a Sensor Logger export nor a phyphox CSV",
    ))
}

fn read_limited(r: impl Read) -> Result<Vec<u8>, String> {
    read_limited_to(r, MAX_BYTES)
}

fn read_limited_to(r: impl Read, max: u64) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    r.take(max + 1)
        .read_to_end(&mut out)
        .map_err(|e| e.to_string())?;
    if out.len() as u64 > max {
        return Err(format!("larger than {} MB; split the recording", max >> 20));
    }
    Ok(out)
}

fn text(bytes: Vec<u8>) -> Result<String, String> {
    String::from_utf8(bytes).map_err(|_| "not a text (CSV) file".to_string())
}
