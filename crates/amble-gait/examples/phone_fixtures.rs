//! Writes the phone-style variants of a lab recording that the accuracy test uses, as files, to
//! try `amble gait` on them:
//!
//!     cargo run -p amble-gait --example phone_fixtures -- OUT_DIR [RECORDING]
//!
//! RECORDING is one of the vendored trials (default HA_001_Test11_Trial1). Written: `turned.csv`,
//! `in-g.csv` (use `--acc-unit g`), `50hz-uneven.csv`, `phyphox.csv`, `phyphox-decimal-comma.csv`
//! and Sensor Logger folders `sensor-logger/` (Accelerometer.csv and Gravity.csv, iOS signs) and
//! `sensor-logger-gyroscope/` (the same with Gyroscope.csv).

#![allow(clippy::expect_used, clippy::unwrap_used)] // a developer tool may panic on bad setup

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::PathBuf;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(out) = args.next().map(PathBuf::from) else {
        eprintln!("usage: phone_fixtures OUT_DIR [RECORDING]");
        std::process::exit(2);
    };
    let name = args.next().unwrap_or_else(|| "HA_001_Test11_Trial1".into());
    if !common::RECORDINGS.contains(&name.as_str()) {
        eprintln!("RECORDING: one of {}", common::RECORDINGS.join(", "));
        std::process::exit(2);
    }
    let raw = common::load(&name);
    std::fs::create_dir_all(out.join("sensor-logger")).unwrap();
    let write = |file: &str, text: String| std::fs::write(out.join(file), text).unwrap();
    write(
        "turned.csv",
        common::contract_csv(&common::turn(&raw, 40.0, 70.0), false),
    );
    write("in-g.csv", common::contract_csv(&raw, true));
    write(
        "50hz-uneven.csv",
        common::contract_csv(&common::resample(&raw, 50.0, 0.3), false),
    );
    write(
        "phyphox.csv",
        common::phyphox_csv(&common::turn(&raw, -30.0, 100.0), false),
    );
    write(
        "phyphox-decimal-comma.csv",
        common::phyphox_csv(&common::resample(&raw, 100.0, 0.3), true),
    );
    let (acc, gravity) = common::sensor_logger(&common::turn(&raw, 60.0, -45.0), true);
    write("sensor-logger/Accelerometer.csv", acc.clone());
    write("sensor-logger/Gravity.csv", gravity.clone());
    // The same export with the phone's gyroscope switched on (turned with the accelerations).
    std::fs::create_dir_all(out.join("sensor-logger-gyroscope")).unwrap();
    let gyr = common::turn(&common::load_gyro(&name), 60.0, -45.0);
    write("sensor-logger-gyroscope/Accelerometer.csv", acc);
    write("sensor-logger-gyroscope/Gravity.csv", gravity);
    write(
        "sensor-logger-gyroscope/Gyroscope.csv",
        common::sensor_logger_gyroscope(&gyr, true),
    );
    println!(
        "wrote the variants of {name} to {} (sensor height {} m)",
        out.display(),
        common::SENSOR_HEIGHT_M
    );
}
