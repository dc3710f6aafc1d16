//! Reading recordings: the contract's CSV, the phyphox CSV export and the Sensor Logger export,
//! all turned into one [`Recording`] on an even time grid. Text in, samples out (the edges read
//! files and zip archives).
//!
//! Every number is checked: a cell that is not a finite number is refused with its line and
//! column, time must not run backwards, the rate must be 20-1,000 Hz and the recording 5 s to
//! 24 h long.

mod formats;
mod grid;
mod lines;
mod table;

pub use formats::{
    CsvOptions, GyroUnit, InFile, SensorLoggerFiles, parse_csv, parse_phyphox, parse_sensor_logger,
    parse_sensor_logger_with_gyroscope,
};

use crate::G;

/// Lowest and highest sampling rates taken (Hz).
pub const MIN_RATE_HZ: f64 = 20.0;
pub const MAX_RATE_HZ: f64 = 1000.0;
/// Shortest and longest recordings taken (seconds).
pub const MIN_SECONDS: f64 = 5.0;
pub const MAX_SECONDS: f64 = 24.0 * 3600.0;
/// The even grid holds at most this many times the samples read (gaps bridged in a straight
/// line fill at most three quarters of it).
pub const MAX_GRID_FACTOR: f64 = 4.0;
/// The largest acceleration believed, m/s² (phones saturate at 8-16 g).
const MAX_ACC: f64 = 50.0 * G;
/// The largest angular rate believed, degrees per second (phones saturate at 2,000 deg/s, lab
/// sensors at 4,000 at most).
pub const MAX_GYR_DPS: f64 = 5000.0;

/// A recording on an even time grid: sampling rate, acceleration (m/s², sensor axes, gravity
/// included) and, where the file has one, the gyroscope (deg/s, the same axes and times).
#[derive(Debug, Clone, PartialEq)]
pub struct Recording {
    pub fs: f64,
    pub acc: Vec<[f64; 3]>,
    /// Angular rate (deg/s), one sample per acceleration sample; `None` when the file has no
    /// gyroscope (the analysis then uses acceleration alone).
    pub gyr: Option<Vec<[f64; 3]>>,
}

/// The formats read (contract §10).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `time_s,acc_x,acc_y,acc_z[,gyr_x,gyr_y,gyr_z]`.
    Contract,
    /// phyphox's CSV export of "Acceleration with g".
    Phyphox,
    /// One Sensor Logger CSV (`time,seconds_elapsed,z,y,x`).
    SensorLogger,
}

/// Which format a CSV's first line says it is.
pub fn detect(text: &str) -> Option<Format> {
    let header = lines::header(text)?;
    let lower = header.trim_start_matches('\u{feff}').to_ascii_lowercase();
    if lower.contains("time_s") && lower.contains("acc_x") {
        Some(Format::Contract)
    } else if lower.contains("time (s)") {
        Some(Format::Phyphox)
    } else if lower.contains("seconds_elapsed") {
        Some(Format::SensorLogger)
    } else {
        None
    }
}

/// Timed samples as read, before they are put on an even grid.
pub(crate) struct Samples {
    pub(crate) times: Vec<f64>,
    pub(crate) acc: Vec<[f64; 3]>,
    /// Angular rate (deg/s) per sample, where the file has a gyroscope.
    pub(crate) gyr: Option<Vec<[f64; 3]>>,
    /// The line each sample came from (for messages).
    pub(crate) lines: Vec<usize>,
}

/// A number echoed in a refusal, short: with `decimals` decimals while it is below a
/// billion, otherwise in exponent form with at most four significant digits (1e300,
/// 2.998e12), never the hundreds of digits of a huge value written out.
pub(crate) fn short(v: f64, decimals: usize) -> String {
    if v.is_finite() && v.abs() >= 1e9 {
        exponent(v)
    } else {
        format!("{v:.decimals$}")
    }
}

/// A number read from a file, echoed as Rust reads it back (0.52, 1e300, 1e-300): in exponent
/// form when it is huge or tiny, so that it stays short.
pub(crate) fn as_read(v: f64) -> String {
    if v.is_finite() && v != 0.0 && !(1e-4..1e9).contains(&v.abs()) {
        exponent(v)
    } else {
        format!("{v}")
    }
}

fn exponent(v: f64) -> String {
    let e = format!("{v:.3e}");
    match e.split_once('e') {
        Some((mantissa, exp)) => {
            let m = mantissa.trim_end_matches('0').trim_end_matches('.');
            format!("{m}e{exp}")
        }
        None => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::GaitError;

    #[test]
    fn numbers_are_echoed_short() {
        assert_eq!(short(6000.4, 0), "6000");
        assert_eq!(short(-250.0, 0), "-250");
        assert_eq!(short(30.25, 1), "30.2");
        assert_eq!(short(1e300, 0), "1e300");
        assert_eq!(short(-9.80665e300, 1), "-9.807e300");
        assert_eq!(short(2.5e9, 0), "2.5e9");
        assert_eq!(short(f64::MAX, 0), "1.798e308");
        assert_eq!(as_read(0.52), "0.52");
        assert_eq!(as_read(1e300), "1e300");
        assert_eq!(as_read(1e-300), "1e-300");
        assert_eq!(as_read(0.0), "0");
        // A file with one acceleration of 1e300: the message stays short.
        let mut s = String::from("time_s,acc_x,acc_y,acc_z\n");
        for k in 0..600 {
            let x = if k == 300 { "1e300" } else { "0" };
            s.push_str(&format!("{},{x},0,9.8\n", f64::from(k) * 0.01));
        }
        let err = parse_csv(&s, CsvOptions::default()).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("an acceleration of 1e300 m/s²"), "{text}");
        assert!(text.len() < 120, "{text}");
        assert!(matches!(err, GaitError::Parse { line: 302, .. }), "{err}");
        // A time of 1e300 among seconds: the backwards step and the span are short too.
        let late = s.replacen("3,1e300,0,9.8", "1e300,0,0,9.8", 1);
        let text = parse_csv(&late, CsvOptions::default())
            .unwrap_err()
            .to_string();
        assert!(text.contains("after 1e300") && text.len() < 120, "{text}");
        let last = s.replacen("3,1e300,0,9.8", "3,0,0,9.8", 1) + "1e300,0,0,9.8\n";
        let text = parse_csv(&last, CsvOptions::default())
            .unwrap_err()
            .to_string();
        assert!(text.len() < 160 && !text.contains("00000"), "{text}");
    }

    fn contract(rows: &[(f64, f64)]) -> String {
        let mut s = String::from("time_s,acc_x,acc_y,acc_z\n");
        for (t, x) in rows {
            s.push_str(&format!("{t},{x},0,9.8\n"));
        }
        s
    }

    #[test]
    fn uneven_times_are_put_on_an_even_grid() {
        // 50 Hz with jitter of up to a fifth of an interval.
        let rows: Vec<(f64, f64)> = (0..500)
            .map(|k| {
                let jitter = if k % 3 == 0 { 0.004 } else { -0.002 };
                (f64::from(k) * 0.02 + jitter, f64::from(k) / 100.0)
            })
            .collect();
        let rec = parse_csv(&contract(&rows), CsvOptions::default()).unwrap();
        assert!((rec.fs - 50.0).abs() < 5.0, "{}", rec.fs);
        // A ramp stays a ramp.
        assert!(rec.acc.windows(2).all(|w| w[1][0] >= w[0][0]));
    }

    #[test]
    fn time_backwards_names_the_line() {
        let mut rows: Vec<(f64, f64)> = (0..600).map(|k| (f64::from(k) * 0.01, 0.0)).collect();
        rows[100].0 = 0.5;
        let err = parse_csv(&contract(&rows), CsvOptions::default()).unwrap_err();
        assert_eq!(
            err,
            GaitError::Parse {
                line: 102,
                message: "time goes backwards (0.5 after 0.99)".into()
            }
        );
    }

    #[test]
    fn a_wrong_unit_is_caught() {
        // 60 "g" (a file in m/s² read as g).
        let rows: Vec<(f64, f64)> = (0..600).map(|k| (f64::from(k) * 0.01, 60.0)).collect();
        let err = parse_csv(
            &contract(&rows),
            CsvOptions {
                acc_in_g: true,
                ..CsvOptions::default()
            },
        )
        .unwrap_err();
        assert!(
            matches!(err, GaitError::Parse { line: 2, ref message } if message.contains("unit"))
        );
    }

    #[test]
    fn a_time_column_in_milliseconds_is_refused() {
        let rows: Vec<(f64, f64)> = (0..600).map(|k| (f64::from(k) * 10_000.0, 0.0)).collect();
        let err = parse_csv(&contract(&rows), CsvOptions::default()).unwrap_err();
        assert!(
            matches!(err, GaitError::Input(ref m) if m.contains("24 hours")),
            "{err}"
        );
    }

    #[test]
    fn a_grid_far_larger_than_its_samples_is_refused() {
        // The 119-byte upload: five samples 1 ms apart and a sixth a day later (86 million
        // grid points from six samples).
        let mut s = String::from("time_s,acc_x,acc_y,acc_z\n");
        for k in 0..5 {
            s.push_str(&format!("0.00{k},0,0,9.8\n"));
        }
        s.push_str("86000,0,0,9.8\n");
        let err = parse_csv(&s, CsvOptions::default()).unwrap_err();
        assert!(
            matches!(err, GaitError::Input(ref m) if m.contains("stray time")),
            "{err}"
        );
        // A recording with a dropout of a third of its time is still read.
        let rows: Vec<(f64, f64)> = (0..600)
            .map(|k| f64::from(k) * 0.01)
            .map(|t| if t >= 3.0 { t + 3.0 } else { t })
            .map(|t| {
                (
                    t + if (t * 100.0) as i64 % 2 == 0 {
                        0.002
                    } else {
                        0.0
                    },
                    0.0,
                )
            })
            .collect();
        let rec = parse_csv(&contract(&rows), CsvOptions::default()).unwrap();
        assert!(
            rec.acc.len() > 850 && rec.acc.len() < 950,
            "{}",
            rec.acc.len()
        );
    }

    #[test]
    fn gyro_columns_are_read_bounded_and_in_either_unit() {
        let mut s = String::from("time_s,acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z\n");
        for k in 0..600 {
            s.push_str(&format!("{},0,0,9.8,1.5,0,-2\n", f64::from(k) * 0.01));
        }
        let rec = parse_csv(&s, CsvOptions::default()).unwrap();
        let gyr = rec.gyr.as_ref().unwrap();
        assert_eq!(gyr.len(), rec.acc.len());
        assert_eq!(gyr[10], [1.5, 0.0, -2.0]);
        let in_rad = CsvOptions {
            gyro_unit: GyroUnit::RadPerS,
            ..CsvOptions::default()
        };
        let rad = parse_csv(&s, in_rad).unwrap();
        assert!((rad.gyr.unwrap()[0][0] - 1.5 * 180.0 / std::f64::consts::PI).abs() < 1e-9);
        // Without gyro columns there is no gyroscope.
        let rows: Vec<(f64, f64)> = (0..600).map(|k| (f64::from(k) * 0.01, 0.0)).collect();
        let plain = contract(&rows);
        assert_eq!(parse_csv(&plain, CsvOptions::default()).unwrap().gyr, None);
        // 6,000 deg/s is beyond any sensor: the line and the unit are named.
        let wild = s.replacen("1.5,0,-2", "6000,0,-2", 1);
        let err = parse_csv(&wild, CsvOptions::default()).unwrap_err();
        assert!(
            matches!(err, GaitError::Parse { line: 2, ref message } if message.contains("gyro's unit")),
            "{err}"
        );
        // A cell that is not a number names its column.
        let bad = s.replacen("1.5,0,-2", "1.5,x,-2", 1);
        assert_eq!(
            parse_csv(&bad, CsvOptions::default()).unwrap_err(),
            GaitError::Parse {
                line: 2,
                message: "gyr_y: expected a number, found \"x\"".into()
            }
        );
        // Uneven times: the gyroscope follows the accelerations onto the grid.
        let mut uneven = String::from("time_s,acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z\n");
        for k in 0..500 {
            let t = f64::from(k) * 0.02 + if k % 3 == 0 { 0.004 } else { -0.002 };
            uneven.push_str(&format!("{t},0,0,9.8,{},0,0\n", f64::from(k)));
        }
        let rec = parse_csv(&uneven, CsvOptions::default()).unwrap();
        let gyr = rec.gyr.unwrap();
        assert_eq!(gyr.len(), rec.acc.len());
        assert!(gyr.windows(2).all(|w| w[1][0] >= w[0][0]));
    }

    #[test]
    fn phyphox_with_decimal_commas() {
        let mut s = String::from(
            "\"Time (s)\";\"Acceleration x (m/s^2)\";\"Acceleration y (m/s^2)\";\"Acceleration z (m/s^2)\";\"Absolute acceleration (m/s^2)\"\n",
        );
        for k in 0..600 {
            s.push_str(&format!("{},{:02};0,1;9,8;0,2;9,8\n", k / 100, k % 100));
        }
        let rec = parse_phyphox(&s).unwrap();
        assert_eq!(rec.acc.len(), 600);
        assert!((rec.acc[0][1] - 9.8).abs() < 1e-9);
        let linear = s.replace("\"Acceleration x", "\"Linear Acceleration x");
        assert!(matches!(parse_phyphox(&linear), Err(GaitError::Input(m)) if m.contains("with g")));
    }

    #[test]
    fn sensor_logger_gyroscope_is_read_in_rad_per_s_and_bounded() {
        let mut total = String::from("time,seconds_elapsed,z,y,x\n");
        let mut gyro = String::from("time,seconds_elapsed,z,y,x\n");
        for k in 0..600 {
            let t = f64::from(k) * 0.01;
            total.push_str(&format!("1,{t},9.8,0,0\n"));
            // Logged at half the rate and at other moments: interpolated to the accelerometer's.
            if k % 2 == 1 {
                gyro.push_str(&format!("1,{},0,0,{}\n", t + 0.003, t));
            }
        }
        let files = SensorLoggerFiles {
            total: Some(&total),
            ..Default::default()
        };
        let rec = parse_sensor_logger_with_gyroscope(files, Some(&gyro)).unwrap();
        let gyr = rec.gyr.unwrap();
        assert_eq!(gyr.len(), rec.acc.len());
        // x = t rad/s, as deg/s, at the accelerometer's 2 s.
        let want = 2.0 * 180.0 / std::f64::consts::PI;
        assert!((gyr[200][0] - want).abs() < 0.5, "{:?}", gyr[200]);
        // Without the file, or with one holding no samples: no gyroscope.
        assert_eq!(parse_sensor_logger(files).unwrap().gyr, None);
        let empty = "time,seconds_elapsed,z,y,x\n";
        assert_eq!(
            parse_sensor_logger_with_gyroscope(files, Some(empty))
                .unwrap()
                .gyr,
            None
        );
        // 100 rad/s (5,730 deg/s) is beyond any sensor: the file and line are named.
        let wild = gyro.replacen(",0,0,0.01\n", ",0,0,100\n", 1);
        let err = parse_sensor_logger_with_gyroscope(files, Some(&wild)).unwrap_err();
        assert_eq!(err.file, "Gyroscope.csv");
        assert!(
            matches!(err.error, GaitError::Parse { line: 2, ref message } if message.contains("rad/s")),
            "{err}"
        );
    }

    #[test]
    fn sensor_logger_needs_gravity() {
        let acc = "time,seconds_elapsed,z,y,x\n1,0.0,0,0,0\n";
        let err = parse_sensor_logger(SensorLoggerFiles {
            accelerometer: Some(acc),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(err.file, "Gravity.csv");
    }

    #[test]
    fn detection_by_header() {
        assert_eq!(detect("time_s,acc_x,acc_y,acc_z\n"), Some(Format::Contract));
        assert_eq!(
            detect("\"Time (s)\",\"Acceleration x (m/s^2)\"\n"),
            Some(Format::Phyphox)
        );
        assert_eq!(
            detect("time,seconds_elapsed,z,y,x\n"),
            Some(Format::SensorLogger)
        );
        assert_eq!(detect("hello\n"), None);
        assert_eq!(detect(""), None);
    }
}
