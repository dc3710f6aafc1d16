//! `amble gait FILE`: walking bouts, cadence, stride length and speed from a lower-back sensor
//! or a phone (contract §10; first version: the contract's CSV).

use std::io::Write;
use std::path::PathBuf;

use amble_store::Store;
use anyhow::Context;
use clap::{Args, ValueEnum};
use serde_json::json;

use crate::Global;
use crate::failure::Failure;

#[derive(Debug, Clone, Copy, ValueEnum)]
enum AccUnit {
    #[value(name = "m/s2")]
    Ms2,
    G,
}

#[derive(Debug, Args)]
pub struct GaitArgs {
    /// A CSV with the header `time_s,acc_x,acc_y,acc_z` (gyro columns allowed).
    file: PathBuf,
    /// Unit of the accelerations.
    #[arg(long, value_enum, default_value_t = AccUnit::Ms2)]
    acc_unit: AccUnit,
    /// Your height, for the sensor's height (0.53 x height).
    #[arg(long, value_name = "CM", value_parser = clap::value_parser!(u32).range(100..=230))]
    height_cm: Option<u32>,
    /// The sensor's height above the ground, if known.
    #[arg(long, value_name = "M")]
    sensor_height_m: Option<f64>,
}

fn round(v: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (v * f).round() / f
}

pub fn run(global: &Global, args: &GaitArgs) -> Result<(), Failure> {
    let shown = args.file.display().to_string();
    let text = std::fs::read_to_string(&args.file)
        .map_err(|e| Failure::BadInput(format!("{shown}: cannot read the recording: {e}")))?;
    let rec = amble_gait::parse_csv(&text, matches!(args.acc_unit, AccUnit::G))
        .map_err(|e| Failure::BadInput(format!("{shown}: {e}")))?;
    let sensor_height = match (args.sensor_height_m, args.height_cm) {
        (Some(h), _) if (0.4..=1.5).contains(&h) => h,
        (Some(h), _) => {
            return Err(Failure::BadInput(format!(
                "--sensor-height-m: expected 0.4 to 1.5 m, found {h}"
            )));
        }
        (None, Some(cm)) => 0.53 * f64::from(cm) / 100.0,
        (None, None) => {
            let height = global
                .open_existing_store()
                .ok()
                .flatten()
                .and_then(|s| s.list().ok())
                .and_then(|entries| {
                    entries.iter().rev().find_map(|e| match e {
                        amble_core::journal::Entry::Assessment(a) => a.answers.height_cm,
                        _ => None,
                    })
                });
            match height {
                Some(cm) => 0.53 * cm / 100.0,
                None => {
                    return Err(Failure::BadInput(
                        "give --height-cm (or --sensor-height-m): stride length needs the sensor's height".into(),
                    ));
                }
            }
        }
    };
    let g = amble_gait::analyse(&rec, sensor_height);
    let total: f64 = g.bouts.iter().map(|b| b.end_s - b.start_s).sum();
    let weighted = |f: fn(&amble_gait::Bout) -> f64| {
        if total > 0.0 {
            Some(round(
                g.bouts
                    .iter()
                    .map(|b| f(b) * (b.end_s - b.start_s))
                    .sum::<f64>()
                    / total,
                3,
            ))
        } else {
            None
        }
    };
    let drift = amble_gait::drift(&g, 60.0).map(|d| {
        json!({
            "window_s": d.window_s,
            "cadence_spm_per_10min": round(d.cadence_spm_per_10min, 2),
            "stride_length_m_per_10min": round(d.stride_length_m_per_10min, 3),
            "speed_mps_per_10min": round(d.speed_mps_per_10min, 3),
            "step_time_cv_change": round(d.step_time_cv_change, 4),
            "symmetry_change": null,
            "windows": d.windows.iter().map(|w| json!({
                "start_s": round(w.start_s, 2), "cadence_spm": round(w.cadence_spm, 1),
                "stride_length_m": round(w.stride_length_m, 3), "speed_mps": round(w.speed_mps, 3),
                "step_time_cv": round(w.step_time_cv, 4), "symmetry": null,
            })).collect::<Vec<_>>(),
        })
    });
    let doc = json!({
        "schema": "amble.gait/1",
        "file": args.file.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or(shown.clone()),
        "sample_rate_hz": round(g.sample_rate_hz, 2),
        "duration_s": round(g.duration_s, 2),
        "walking_s": round(total, 2),
        "bouts": g.bouts.iter().map(|b| json!({
            "start_s": round(b.start_s, 2), "end_s": round(b.end_s, 2), "steps": b.steps,
            "cadence_spm": round(b.cadence_spm, 1), "stride_length_m": round(b.stride_length_m, 3),
            "speed_mps": round(b.speed_mps, 3), "step_time_cv": round(b.step_time_cv, 4),
            "regularity": round(b.regularity, 3), "symmetry": round(b.symmetry, 3),
        })).collect::<Vec<_>>(),
        "summary": {
            "steps": g.bouts.iter().map(|b| b.steps).sum::<usize>(),
            "cadence_spm": weighted(|b| b.cadence_spm),
            "stride_length_m": weighted(|b| b.stride_length_m),
            "speed_mps": weighted(|b| b.speed_mps),
        },
        "drift": drift,
        "initial_contacts_s": g.initial_contacts_s.iter().map(|t| round(*t, 2)).collect::<Vec<_>>(),
    });
    let mut out = std::io::stdout().lock();
    if global.json {
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&doc).context("cannot encode JSON")?
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "GAIT - {shown}: {} walking bouts, {:.0} s of walking in {:.0} s",
        g.bouts.len(),
        total,
        g.duration_s
    )?;
    for b in &g.bouts {
        writeln!(
            out,
            "  {:>7.1}-{:<7.1} s  {:>3} steps  {:>5.1} steps/min  stride {:.2} m  {:.2} m/s",
            b.start_s, b.end_s, b.steps, b.cadence_spm, b.stride_length_m, b.speed_mps
        )?;
    }
    Ok(())
}
