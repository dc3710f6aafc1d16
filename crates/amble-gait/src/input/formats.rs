//! The formats: the contract's CSV, phyphox's CSV export and the Sensor Logger export.

use super::grid::{check_order, lerp, samples, samples_with_gyro, scaled};
use super::table::Table;
use super::{MAX_GYR_DPS, Recording, Samples};
use crate::{G, GaitError};

/// Options of the contract's CSV.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CsvOptions {
    /// Accelerations in g rather than m/s².
    pub acc_in_g: bool,
    /// The unit of the gyro columns (deg/s unless told).
    pub gyro_unit: GyroUnit,
}

/// The unit of a CSV's gyro columns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum GyroUnit {
    /// Degrees per second (the contract's default).
    #[default]
    DegPerS,
    /// Radians per second (`--gyr-unit rad/s`).
    RadPerS,
}

/// Reads the contract's CSV: a header with `time_s,acc_x,acc_y,acc_z` and optionally
/// `gyr_x,gyr_y,gyr_z` (deg/s, or rad/s as the options say; contract §10; all three or none
/// are read).
pub fn parse_csv(text: &str, options: CsvOptions) -> Result<Recording, GaitError> {
    let table = Table::new(text)?;
    let named = |n: &'static str| move |c: &str| c == n;
    let cols = [
        table.column("\"time_s\"", named("time_s"))?,
        table.column("\"acc_x\"", named("acc_x"))?,
        table.column("\"acc_y\"", named("acc_y"))?,
        table.column("\"acc_z\"", named("acc_z"))?,
    ];
    let scale = if options.acc_in_g { G } else { 1.0 };
    let gyr_cols = [
        table.column("\"gyr_x\"", named("gyr_x")),
        table.column("\"gyr_y\"", named("gyr_y")),
        table.column("\"gyr_z\"", named("gyr_z")),
    ];
    if let [Ok(gx), Ok(gy), Ok(gz)] = gyr_cols {
        let gyr_scale = match options.gyro_unit {
            GyroUnit::DegPerS => 1.0,
            GyroUnit::RadPerS => 180.0 / std::f64::consts::PI,
        };
        let rows = table.read(
            [cols[0], cols[1], cols[2], cols[3], gx, gy, gz],
            [
                "time_s", "acc_x", "acc_y", "acc_z", "gyr_x", "gyr_y", "gyr_z",
            ],
        )?;
        return samples_with_gyro(rows, scale, gyr_scale).and_then(Recording::from_samples);
    }
    let rows = table.read(cols, ["time_s", "acc_x", "acc_y", "acc_z"])?;
    samples(rows, scale).and_then(Recording::from_samples)
}

/// Reads phyphox's CSV export of "Acceleration with g" (comma, tab or semicolon with decimal
/// commas; the column names carry the unit).
pub fn parse_phyphox(text: &str) -> Result<Recording, GaitError> {
    let table = Table::new(text)?;
    if table
        .header
        .iter()
        .any(|c| c.to_ascii_lowercase().starts_with("linear acceleration"))
    {
        return Err(GaitError::Input(
            "this is phyphox's \"Linear Acceleration\", which has gravity taken out; record with \"Acceleration with g\" instead".into(),
        ));
    }
    let axis = |a: char| {
        move |c: &str| {
            let name = c.split('(').next().unwrap_or("").trim();
            name == format!("acceleration {a}") || name == a.to_string()
        }
    };
    let cols = [
        table.column("\"Time (s)\"", |c| c.starts_with("time"))?,
        table.column("\"Acceleration x (m/s^2)\"", axis('x'))?,
        table.column("\"Acceleration y (m/s^2)\"", axis('y'))?,
        table.column("\"Acceleration z (m/s^2)\"", axis('z'))?,
    ];
    let rows = table.read(cols, ["Time", "x", "y", "z"])?;
    samples(rows, 1.0).and_then(Recording::from_samples)
}

/// One Sensor Logger CSV (`time,seconds_elapsed,z,y,x`), as timed vectors in m/s².
fn sensor_logger_vectors(text: &str) -> Result<Samples, GaitError> {
    let table = Table::new(text)?;
    let named = |n: &'static str| move |c: &str| c == n;
    let cols = [
        table.column("\"seconds_elapsed\"", named("seconds_elapsed"))?,
        table.column("\"x\"", named("x"))?,
        table.column("\"y\"", named("y"))?,
        table.column("\"z\"", named("z"))?,
    ];
    let rows = table.read(cols, ["seconds_elapsed", "x", "y", "z"])?;
    samples(rows, 1.0)
}

/// Sensor Logger's `Gyroscope.csv` (`time,seconds_elapsed,z,y,x`, rad/s) as timed vectors in
/// deg/s, each bounded.
fn sensor_logger_gyroscope(text: &str) -> Result<Samples, GaitError> {
    let table = Table::new(text)?;
    let named = |n: &'static str| move |c: &str| c == n;
    let cols = [
        table.column("\"seconds_elapsed\"", named("seconds_elapsed"))?,
        table.column("\"x\"", named("x"))?,
        table.column("\"y\"", named("y"))?,
        table.column("\"z\"", named("z"))?,
    ];
    let rows = table.read(cols, ["seconds_elapsed", "x", "y", "z"])?;
    let s = scaled(rows, 180.0 / std::f64::consts::PI, MAX_GYR_DPS, |v| {
        format!(
            "an angular rate of {} deg/s is beyond any sensor (Sensor Logger writes rad/s)",
            super::short(v, 0)
        )
    })?;
    check_order(&s)?;
    Ok(s)
}

/// The vectors of `src` at `times` (each interpolated between its neighbours; before the first
/// or after the last, the nearest).
fn at_times(src: &Samples, times: &[f64]) -> Vec<[f64; 3]> {
    let mut out = Vec::with_capacity(times.len());
    let mut j = 0;
    for t in times {
        while j + 1 < src.times.len() && src.times[j + 1] <= *t {
            j += 1;
        }
        out.push(if j + 1 < src.times.len() && src.times[j] <= *t {
            let span = src.times[j + 1] - src.times[j];
            let f = if span > 0.0 {
                (t - src.times[j]) / span
            } else {
                0.0
            };
            lerp(src.acc[j], src.acc[j + 1], f)
        } else {
            src.acc[j]
        });
    }
    out
}

/// The files of a Sensor Logger export that carry acceleration.
#[derive(Debug, Clone, Copy, Default)]
pub struct SensorLoggerFiles<'a> {
    /// `TotalAcceleration.csv` (Android; gravity included).
    pub total: Option<&'a str>,
    /// `Accelerometer.csv` (gravity taken out).
    pub accelerometer: Option<&'a str>,
    /// `Gravity.csv`.
    pub gravity: Option<&'a str>,
}

/// Where in a Sensor Logger export a message comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct InFile {
    pub file: &'static str,
    pub error: GaitError,
}

impl std::fmt::Display for InFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file, self.error)
    }
}

/// Reads a Sensor Logger export: the total acceleration where the phone logged it, else the
/// accelerometer plus the gravity vector (the same axes and units), gravity interpolated to the
/// accelerometer's times.
pub fn parse_sensor_logger(files: SensorLoggerFiles<'_>) -> Result<Recording, InFile> {
    parse_sensor_logger_with_gyroscope(files, None)
}

/// [`parse_sensor_logger`] with the export's `Gyroscope.csv` (rad/s, the accelerometer's axes),
/// interpolated to the accelerometer's times; a gyroscope file without samples is no gyroscope.
pub fn parse_sensor_logger_with_gyroscope(
    files: SensorLoggerFiles<'_>,
    gyroscope: Option<&str>,
) -> Result<Recording, InFile> {
    let at = |file: &'static str| move |error: GaitError| InFile { file, error };
    let gyro = gyroscope
        .map(sensor_logger_gyroscope)
        .transpose()
        .map_err(at("Gyroscope.csv"))?
        .filter(|g| !g.times.is_empty());
    let with_gyro = |mut s: Samples| {
        if let Some(g) = &gyro {
            s.gyr = Some(at_times(g, &s.times));
        }
        s
    };
    if let Some(total) = files.total {
        let s = sensor_logger_vectors(total).map_err(at("TotalAcceleration.csv"))?;
        return Recording::from_samples(with_gyro(s)).map_err(at("TotalAcceleration.csv"));
    }
    let (Some(acc), Some(gravity)) = (files.accelerometer, files.gravity) else {
        return Err(InFile {
            file: if files.accelerometer.is_some() {
                "Gravity.csv"
            } else {
                "Accelerometer.csv"
            },
            error: GaitError::Input(
                "not in the export; Sensor Logger's accelerometer has gravity taken out, so both Accelerometer.csv and Gravity.csv (or TotalAcceleration.csv) are needed".into(),
            ),
        });
    };
    let mut a = sensor_logger_vectors(acc).map_err(at("Accelerometer.csv"))?;
    let g = sensor_logger_vectors(gravity).map_err(at("Gravity.csv"))?;
    check_order(&g).map_err(at("Gravity.csv"))?;
    if g.times.is_empty() {
        return Err(InFile {
            file: "Gravity.csv",
            error: GaitError::Input("the file has no samples".into()),
        });
    }
    for (v, gv) in a.acc.iter_mut().zip(at_times(&g, &a.times)) {
        for k in 0..3 {
            v[k] += gv[k];
        }
    }
    Recording::from_samples(with_gyro(a)).map_err(at("Accelerometer.csv"))
}
