//! `amble gait FILE`: walking bouts, cadence, stride length, speed and how they change over a
//! walk, from a lower-back sensor or a phone (contract §10); `--attach` stores it on a walk.

use std::io::Write;
use std::path::PathBuf;

use amble_core::gait_setup::{self, SHOWN_BOUTS};
use amble_core::journal::Entry;
use amble_imports::gait::{Choice, document, read_path, walk_gait};
use amble_store::Store;
use anyhow::Context;
use clap::{Args, ValueEnum};

use crate::Global;
use crate::failure::Failure;

#[derive(Debug, Clone, Copy, ValueEnum)]
enum AccUnit {
    #[value(name = "m/s2")]
    Ms2,
    G,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum GyrUnit {
    #[value(name = "deg/s")]
    Degs,
    #[value(name = "rad/s")]
    Rads,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormatArg {
    /// `time_s,acc_x,acc_y,acc_z[,gyr_x,gyr_y,gyr_z]`.
    Csv,
    /// phyphox's CSV export of "Acceleration with g" (the CSV or its zip).
    Phyphox,
    /// Sensor Logger's export (zip or folder; TotalAcceleration.csv, or Accelerometer.csv with
    /// Gravity.csv; Gyroscope.csv where it has one).
    SensorLogger,
}

#[derive(Debug, Args)]
pub struct GaitArgs {
    /// The recording: a CSV (`time_s,acc_x,acc_y,acc_z`), a phyphox export, or a Sensor Logger
    /// export (zip or folder).
    file: PathBuf,
    /// The file's format, when it is not found from the content.
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Unit of the accelerations in the CSV.
    #[arg(long, value_enum, default_value_t = AccUnit::Ms2)]
    acc_unit: AccUnit,
    /// Unit of the gyro columns in the CSV (the gyroscope finds turns and gait sequences).
    #[arg(long, value_enum, default_value_t = GyrUnit::Degs)]
    gyr_unit: GyrUnit,
    /// Your height, for the sensor's height (0.53 x height).
    #[arg(long, value_name = "CM", value_parser = body_height)]
    height_cm: Option<f64>,
    /// The sensor's height above the ground, if known (0.4 to 1.5 m).
    #[arg(long, value_name = "M")]
    sensor_height_m: Option<f64>,
    /// Store the result on this journal walk (its id, as `amble journal` lists it).
    #[arg(long, value_name = "WALK_ID")]
    attach: Option<String>,
}

/// `--height-cm`, within the core's bounds.
fn body_height(text: &str) -> Result<f64, String> {
    gait_setup::parse_body_height("--height-cm", text).map_err(|e| e.message)
}

fn sensor_height(global: &Global, args: &GaitArgs) -> Result<f64, Failure> {
    let bad = |e: amble_core::gait_setup::HeightError| Failure::BadInput(e.to_string());
    match (args.sensor_height_m, args.height_cm) {
        (Some(h), _) => gait_setup::check_sensor_height("--sensor-height-m", h).map_err(bad),
        (None, Some(cm)) => gait_setup::sensor_height_from_body("--height-cm", cm).map_err(bad),
        (None, None) => {
            let height = global
                .open_existing_store()
                .ok()
                .flatten()
                .and_then(|s| s.list().ok())
                .and_then(|entries| {
                    entries.iter().rev().find_map(|e| match e {
                        Entry::Assessment(a) => a.answers.height_cm,
                        _ => None,
                    })
                });
            let cm = height.ok_or_else(|| {
                Failure::BadInput(
                    "give --height-cm (or --sensor-height-m): stride length needs the sensor's height, and no check-up has a height".into(),
                )
            })?;
            gait_setup::sensor_height_from_body("the check-up's height", cm).map_err(bad)
        }
    }
}

pub fn run(global: &Global, args: &GaitArgs) -> Result<(), Failure> {
    let shown = args.file.display().to_string();
    let choice = args.format.map(|f| match f {
        FormatArg::Csv => Choice::Csv,
        FormatArg::Phyphox => Choice::Phyphox,
        FormatArg::SensorLogger => Choice::SensorLogger,
    });
    let options = amble_gait::CsvOptions {
        acc_in_g: matches!(args.acc_unit, AccUnit::G),
        gyro_unit: match args.gyr_unit {
            GyrUnit::Degs => amble_gait::GyroUnit::DegPerS,
            GyrUnit::Rads => amble_gait::GyroUnit::RadPerS,
        },
    };
    // Check the walk before the (longer) analysis.
    let mut target = match &args.attach {
        Some(id) => {
            let store = global.open_store()?;
            match store.get(id)? {
                Some(Entry::Walk(w)) => Some((store, w)),
                Some(other) => {
                    return Err(Failure::BadInput(format!(
                        "--attach: {id} is a {} entry, not a walk",
                        other.kind()
                    )));
                }
                None => {
                    return Err(Failure::BadInput(format!(
                        "--attach: no journal walk with id \"{id}\" (see `amble journal`)"
                    )));
                }
            }
        }
        None => None,
    };
    let rec = read_path(&args.file, choice, options).map_err(|e| Failure::BadInput(e.0))?;
    let height = sensor_height(global, args)?;
    let g = amble_gait::analyse(&rec, height);
    let file = args
        .file
        .file_name()
        .map_or(shown.clone(), |f| f.to_string_lossy().into_owned());
    let stored = walk_gait(&file, &g);
    if let Some((store, walk)) = target.as_mut() {
        let Some(gait) = stored.clone() else {
            return Err(Failure::BadInput(format!(
                "{shown}: no walking found (at least 4 strides in a row are needed), so nothing was attached to {}",
                walk.id
            )));
        };
        // The walk was read before the analysis: the gait is set on the walk as it is now, so
        // a correction made meanwhile (another process, the web app) is kept.
        amble_store::update(store, &walk.id, |e| match e {
            Entry::Walk(mut now) => {
                now.gait = Some(Box::new(gait.clone()));
                Ok(Entry::Walk(now))
            }
            other => Err(amble_store::StoreError::Invalid {
                id: other.id().to_string(),
                message: "is no longer a walk".into(),
            }),
        })?;
    }
    let mut out = std::io::stdout().lock();
    if global.json {
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&document(&file, &g)).context("cannot encode JSON")?
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "GAIT - {shown}: {}, {:.0} s of walking in {:.0} s",
        amble_core::words::count(g.bouts.len() as u64, "walking bout", "walking bouts"),
        g.walking_s(),
        g.duration_s
    )?;
    // A long recording has many bouts: the longest few, in time order, and a count of the rest.
    let shown = g.longest_bouts(SHOWN_BOUTS);
    for b in &shown {
        writeln!(
            out,
            "  {:>7.1}-{:<7.1} s  {:>3} steps  {:>5.1} steps/min  stride {:.2} m  {:.2} m/s",
            b.start_s, b.end_s, b.steps, b.cadence_spm, b.stride_length_m, b.speed_mps
        )?;
    }
    if g.bouts.len() > shown.len() {
        writeln!(
            out,
            "  (the {} longest bouts; {} in --json)",
            shown.len(),
            amble_core::words::count(
                (g.bouts.len() - shown.len()) as u64,
                "shorter one is",
                "shorter ones are"
            )
        )?;
    }
    if let Some(s) = &stored {
        writeln!(out, "\nIn all: {}.", s.summary())?;
        for line in s.drift_in_words().iter().chain(s.onset_in_words().iter()) {
            writeln!(out, "{line}")?;
        }
    } else {
        writeln!(
            out,
            "\nNo walking found: a bout needs at least 4 strides in a row."
        )?;
    }
    if let Some((_, w)) = &target {
        writeln!(out, "\nStored on walk {} ({}).", w.id, w.date)?;
    }
    writeln!(
        out,
        "\nThese numbers describe how you walked; they are not a diagnosis."
    )?;
    Ok(())
}
