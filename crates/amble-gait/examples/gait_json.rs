//! The walking bouts of one recording as JSON, for comparing Amble with other pipelines
//! (`scripts/gait-vs-mobgap.py` runs it):
//!
//!     cargo run -p amble-gait --example gait_json -- FILE SENSOR_HEIGHT_M [--acc-unit g]
//!
//! FILE is the contract's CSV (`time_s,acc_x,acc_y,acc_z[,gyr_x,gyr_y,gyr_z]`). Prints
//! `{"analysis_s" (reading and analysis), "analyse_s" (the analysis of the samples read),
//! "bouts": [{"start_s", "end_s", "steps", "cadence_spm", "stride_length_m",
//! "speed_mps", "walked_cadence_spm"}]}`; exit 2 with the reason on bad input.

use std::time::Instant;

use amble_gait::{CsvOptions, analyse, parse_csv};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(file), Some(height)) = (args.first(), args.get(1)) else {
        eprintln!("usage: gait_json FILE SENSOR_HEIGHT_M [--acc-unit g]");
        std::process::exit(2);
    };
    let height: f64 = match height.parse() {
        Ok(h) if (0.3..=1.5).contains(&h) => h,
        _ => {
            eprintln!("SENSOR_HEIGHT_M: a number of metres, 0.3 to 1.5; found {height:?}");
            std::process::exit(2);
        }
    };
    let acc_in_g = args.windows(2).any(|w| w[0] == "--acc-unit" && w[1] == "g");
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{file}: {e}");
            std::process::exit(2);
        }
    };
    let started = Instant::now();
    let rec = match parse_csv(
        &text,
        CsvOptions {
            acc_in_g,
            ..CsvOptions::default()
        },
    ) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{file}: {e}");
            std::process::exit(2);
        }
    };
    let read = started.elapsed().as_secs_f64();
    let g = analyse(&rec, height);
    let took = started.elapsed().as_secs_f64();
    let analyse_s = took - read;
    let bouts: Vec<String> = g
        .bouts
        .iter()
        .map(|b| {
            format!(
                "{{\"start_s\":{:.3},\"end_s\":{:.3},\"steps\":{},\"cadence_spm\":{:.3},\"stride_length_m\":{:.4},\"speed_mps\":{:.4},\"walked_cadence_spm\":{:.3}}}",
                b.start_s,
                b.end_s,
                b.steps,
                b.cadence_spm,
                b.stride_length_m,
                b.speed_mps,
                b.walked_cadence_spm
            )
        })
        .collect();
    let contacts = if args.iter().any(|a| a == "--contacts") {
        let ics: Vec<String> = g
            .initial_contacts_s
            .iter()
            .map(|t| format!("{t:.3}"))
            .collect();
        let turns: Vec<String> = g
            .turns
            .iter()
            .map(|t| {
                format!(
                    "{{\"start_s\":{:.2},\"end_s\":{:.2},\"angle_deg\":{:.0}}}",
                    t.start_s, t.end_s, t.angle_deg
                )
            })
            .collect();
        format!(
            ",\"initial_contacts_s\":[{}],\"turns\":[{}]",
            ics.join(","),
            turns.join(",")
        )
    } else {
        String::new()
    };
    println!(
        "{{\"analysis_s\":{took:.6},\"analyse_s\":{analyse_s:.6},\"bouts\":[{}]{contacts}}}",
        bouts.join(",")
    );
}
