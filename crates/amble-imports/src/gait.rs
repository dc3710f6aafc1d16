//! Reading a gait recording from a file, a folder or a zip archive: the contract's CSV, the
//! phyphox CSV export (also zipped, as phyphox shares it) and the Sensor Logger export (zip or
//! folder). The format is found from the content; a choice overrides it. Sizes are bounded.

use std::io::{Cursor, Read};
use std::path::Path;

use amble_gait::{CsvOptions, Format, GaitError, Recording, SensorLoggerFiles};

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

/// [`read_bytes`] with a lower bound on what a zip member may unpack to (an upload to a shared
/// server takes less than a person's own machine: a small zip must not unpack to gigabytes).
pub fn read_bytes_within(
    name: &str,
    bytes: &[u8],
    choice: Option<Choice>,
    options: CsvOptions,
    max_member_bytes: u64,
) -> Result<Recording, ReadError> {
    if bytes.starts_with(b"PK\x03\x04") {
        return read_zip(name, bytes, max_member_bytes.min(MAX_BYTES));
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
            sensor_logger(&name, Some(text.to_string()), None, None)
        }
    }
}

fn sensor_logger(
    name: &dyn std::fmt::Display,
    total: Option<String>,
    accelerometer: Option<String>,
    gravity: Option<String>,
) -> Result<Recording, ReadError> {
    if total.is_none() && accelerometer.is_none() && gravity.is_none() {
        return Err(err(
            name,
            "no TotalAcceleration.csv, Accelerometer.csv or Gravity.csv: not a Sensor Logger export",
        ));
    }
    amble_gait::parse_sensor_logger(SensorLoggerFiles {
        total: total.as_deref(),
        accelerometer: accelerometer.as_deref(),
        gravity: gravity.as_deref(),
    })
    .map_err(|e| err(name, e))
}

fn read_zip(name: &str, bytes: &[u8], max: u64) -> Result<Recording, ReadError> {
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
        read_limited_to(f, max)
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
        return sensor_logger(&name, total, acc, gravity);
    }
    // phyphox shares a zip of one CSV per table ("Raw Data.csv") and a meta folder.
    for full in names
        .iter()
        .filter(|n| n.to_ascii_lowercase().ends_with(".csv") && !n.contains("meta/"))
    {
        let f = zip.by_name(full).map_err(|e| err(name, e))?;
        let content = read_limited_to(f, max)
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

/// The window length of the drift, seconds (contract §10).
pub const DRIFT_WINDOW_S: f64 = 60.0;

fn round(v: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (v * f).round() / f
}

/// A mean over the bouts weighted by their length; `None` without bouts.
fn weighted(g: &amble_gait::Gait, f: fn(&amble_gait::Bout) -> f64) -> Option<f64> {
    let total = g.walking_s();
    (total > 0.0).then(|| {
        g.bouts
            .iter()
            .map(|b| f(b) * (b.end_s - b.start_s))
            .sum::<f64>()
            / total
    })
}

/// What is stored on a walk: the summary, the drift's windows and the onset of slowing.
/// `None` when the recording holds no walking.
pub fn walk_gait(file: &str, g: &amble_gait::Gait) -> Option<amble_core::gait::WalkGait> {
    let w = |f: fn(&amble_gait::Bout) -> f64| weighted(g, f).map(|v| round(v, 3));
    let drift = amble_gait::drift(g, DRIFT_WINDOW_S);
    Some(amble_core::gait::WalkGait {
        file: file.chars().take(200).collect(),
        walking_s: round(g.walking_s(), 1),
        steps: g.bouts.iter().map(|b| b.steps as u64).sum(),
        cadence_spm: w(|b| b.cadence_spm)?,
        stride_length_m: w(|b| b.stride_length_m)?,
        speed_mps: w(|b| b.speed_mps)?,
        step_time_cv: w(|b| b.step_time_cv)?,
        symmetry: w(|b| b.symmetry)?,
        windows: drift
            .as_ref()
            .map(|d| {
                d.windows
                    .iter()
                    .take(amble_core::gait::MAX_WINDOWS)
                    .map(|x| amble_core::gait::GaitWindow {
                        start_s: round(x.start_s, 2),
                        cadence_spm: round(x.cadence_spm, 1),
                        stride_length_m: round(x.stride_length_m, 3),
                        speed_mps: round(x.speed_mps, 3),
                        step_time_cv: round(x.step_time_cv, 4),
                        symmetry: round(x.symmetry, 3),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        deterioration_onset_s: drift
            .as_ref()
            .and_then(amble_gait::deterioration_onset)
            .map(|t| round(t, 1)),
    })
}

/// The `amble.gait/1` document (contract §10).
pub fn document(file: &str, g: &amble_gait::Gait) -> serde_json::Value {
    use serde_json::json;
    let drift = amble_gait::drift(g, DRIFT_WINDOW_S).map(|d| {
        json!({
            "window_s": d.window_s,
            "cadence_spm_per_10min": round(d.cadence_spm_per_10min, 2),
            "stride_length_m_per_10min": round(d.stride_length_m_per_10min, 3),
            "speed_mps_per_10min": round(d.speed_mps_per_10min, 3),
            "step_time_cv_change": round(d.step_time_cv_change, 4),
            "symmetry_change": round(d.symmetry_change, 3),
            "windows": d.windows.iter().map(|w| json!({
                "start_s": round(w.start_s, 2), "cadence_spm": round(w.cadence_spm, 1),
                "stride_length_m": round(w.stride_length_m, 3), "speed_mps": round(w.speed_mps, 3),
                "step_time_cv": round(w.step_time_cv, 4), "symmetry": round(w.symmetry, 3),
            })).collect::<Vec<_>>(),
        })
    });
    let w = |f: fn(&amble_gait::Bout) -> f64| weighted(g, f).map(|v| round(v, 3));
    json!({
        "schema": "amble.gait/1",
        "file": file,
        "sample_rate_hz": round(g.sample_rate_hz, 2),
        "duration_s": round(g.duration_s, 2),
        "walking_s": round(g.walking_s(), 2),
        "bouts": g.bouts.iter().map(|b| json!({
            "start_s": round(b.start_s, 2), "end_s": round(b.end_s, 2), "steps": b.steps,
            "cadence_spm": round(b.cadence_spm, 1), "stride_length_m": round(b.stride_length_m, 3),
            "speed_mps": round(b.speed_mps, 3), "step_time_cv": round(b.step_time_cv, 4),
            "regularity": round(b.regularity, 3), "symmetry": round(b.symmetry, 3),
        })).collect::<Vec<_>>(),
        "summary": {
            "steps": g.bouts.iter().map(|b| b.steps).sum::<usize>(),
            "cadence_spm": w(|b| b.cadence_spm),
            "stride_length_m": w(|b| b.stride_length_m),
            "speed_mps": w(|b| b.speed_mps),
        },
        "drift": drift,
        "initial_contacts_s": g.initial_contacts_s.iter().map(|t| round(*t, 2)).collect::<Vec<_>>(),
    })
}
