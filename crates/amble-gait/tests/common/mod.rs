//! The shared lab recordings and the phone-style variants made from them (turned, resampled
//! with jitter, in g, phyphox and Sensor Logger formats), and the evaluation against the lab
//! reference (INDIP). Used by this crate's accuracy test and by the readers' tests.

#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)] // test support

/// Reads one variant of a named lab recording.
pub type Reader = Box<dyn Fn(&str) -> amble_gait::Recording>;

use std::fmt::Write as _;

pub const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../amble-gait/tests/data");
pub const RECORDINGS: &[&str] = &[
    "HA_001_Test5_Trial1",
    "HA_001_Test5_Trial2",
    "HA_001_Test11_Trial1",
];
/// The participant's sensor height (from the recordings' index).
pub const SENSOR_HEIGHT_M: f64 = 0.964;
const G: f64 = 9.80665;

/// Timed samples (m/s², gravity included).
#[derive(Clone)]
pub struct Raw {
    pub t: Vec<f64>,
    pub acc: Vec<[f64; 3]>,
}

fn rows(path: &str) -> Vec<csv::StringRecord> {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.records().map(|x| x.unwrap()).collect()
}

pub fn imu_text(name: &str) -> String {
    std::fs::read_to_string(format!("{DIR}/{name}_imu.csv")).unwrap()
}

pub fn load(name: &str) -> Raw {
    let mut raw = Raw {
        t: Vec::new(),
        acc: Vec::new(),
    };
    for r in rows(&format!("{DIR}/{name}_imu.csv")) {
        let v: Vec<f64> = (0..4).map(|k| r[k].parse().unwrap()).collect();
        raw.t.push(v[0]);
        raw.acc.push([v[1], v[2], v[3]]);
    }
    raw
}

/// The gyroscope of a named lab recording (deg/s), as a `Raw` of the same times (so that it can
/// be turned and resampled as the accelerations are).
pub fn load_gyro(name: &str) -> Raw {
    let mut raw = Raw {
        t: Vec::new(),
        acc: Vec::new(),
    };
    for r in rows(&format!("{DIR}/{name}_imu.csv")) {
        raw.t.push(r[0].parse().unwrap());
        raw.acc.push([4, 5, 6].map(|k| r[k].parse().unwrap()));
    }
    raw
}

/// The contract's CSV with the gyro columns (`gyr` at the same times as `raw`, deg/s).
pub fn contract_csv_with_gyro(raw: &Raw, gyr: &Raw, in_g: bool) -> String {
    let s = if in_g { 1.0 / G } else { 1.0 };
    let mut out = String::from("time_s,acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z\n");
    for ((t, a), w) in raw.t.iter().zip(&raw.acc).zip(&gyr.acc) {
        writeln!(
            out,
            "{t:.4},{:.6},{:.6},{:.6},{:.5},{:.5},{:.5}",
            a[0] * s,
            a[1] * s,
            a[2] * s,
            w[0],
            w[1],
            w[2]
        )
        .unwrap();
    }
    out
}

/// Turned by `a` degrees about z, then `b` about x (a phone at an angle in a pocket).
pub fn turn(raw: &Raw, a: f64, b: f64) -> Raw {
    let (a, b) = (a.to_radians(), b.to_radians());
    let acc = raw
        .acc
        .iter()
        .map(|v| {
            let v1 = [
                v[0] * a.cos() - v[1] * a.sin(),
                v[0] * a.sin() + v[1] * a.cos(),
                v[2],
            ];
            [
                v1[0],
                v1[1] * b.cos() - v1[2] * b.sin(),
                v1[1] * b.sin() + v1[2] * b.cos(),
            ]
        })
        .collect();
    Raw {
        t: raw.t.clone(),
        acc,
    }
}

fn at(raw: &Raw, t: f64) -> [f64; 3] {
    let k = raw.t.partition_point(|x| *x <= t).clamp(1, raw.t.len() - 1);
    let (t0, t1) = (raw.t[k - 1], raw.t[k]);
    let f = ((t - t0) / (t1 - t0)).clamp(0.0, 1.0);
    let (a, b) = (raw.acc[k - 1], raw.acc[k]);
    [
        a[0] + (b[0] - a[0]) * f,
        a[1] + (b[1] - a[1]) * f,
        a[2] + (b[2] - a[2]) * f,
    ]
}

/// Resampled at `fs` Hz with each time off by up to `jitter` of an interval (a repeating,
/// uneven pattern, like a phone's scheduler).
pub fn resample(raw: &Raw, fs: f64, jitter: f64) -> Raw {
    let end = raw.t[raw.t.len() - 1];
    let pattern = [0.0, 0.7, -0.4, 0.9, -0.8, 0.2, -0.1];
    let mut out = Raw {
        t: Vec::new(),
        acc: Vec::new(),
    };
    let mut k = 0usize;
    loop {
        let t = k as f64 / fs + pattern[k % pattern.len()] * jitter / fs;
        if t > end {
            break;
        }
        out.t.push(t.max(0.0));
        out.acc.push(at(raw, t));
        k += 1;
    }
    out
}

pub fn contract_csv(raw: &Raw, in_g: bool) -> String {
    let s = if in_g { 1.0 / G } else { 1.0 };
    let mut out = String::from("time_s,acc_x,acc_y,acc_z\n");
    for (t, a) in raw.t.iter().zip(&raw.acc) {
        writeln!(
            out,
            "{t:.4},{:.6},{:.6},{:.6}",
            a[0] * s,
            a[1] * s,
            a[2] * s
        )
        .unwrap();
    }
    out
}

/// phyphox's "Acceleration with g" export; with decimal commas and semicolons as phyphox writes
/// for many European locales.
pub fn phyphox_csv(raw: &Raw, decimal_comma: bool) -> String {
    let sep = if decimal_comma { ";" } else { "," };
    let head = [
        "Time (s)",
        "Acceleration x (m/s^2)",
        "Acceleration y (m/s^2)",
        "Acceleration z (m/s^2)",
        "Absolute acceleration (m/s^2)",
    ];
    let mut out = head
        .iter()
        .map(|h| format!("\"{h}\""))
        .collect::<Vec<_>>()
        .join(sep);
    out.push('\n');
    for (t, a) in raw.t.iter().zip(&raw.acc) {
        let abs = (a[0] * a[0] + a[1] * a[1] + a[2] * a[2]).sqrt();
        let cells = [*t, a[0], a[1], a[2], abs].map(|v| {
            let s = format!("{v:.9E}");
            if decimal_comma {
                s.replace('.', ",")
            } else {
                s
            }
        });
        out.push_str(&cells.join(sep));
        out.push('\n');
    }
    out
}

/// Sensor Logger's Accelerometer.csv (gravity taken out) and Gravity.csv (a 1 s average,
/// logged at half the rate and at other moments); `ios` flips every sign as iOS reports them.
pub fn sensor_logger(raw: &Raw, ios: bool) -> (String, String) {
    let sign = if ios { -1.0 } else { 1.0 };
    let n = raw.acc.len();
    let w = 50;
    let gravity: Vec<[f64; 3]> = (0..n)
        .map(|i| {
            let (lo, hi) = (i.saturating_sub(w), (i + w + 1).min(n));
            let mut s = [0.0; 3];
            for a in &raw.acc[lo..hi] {
                for k in 0..3 {
                    s[k] += a[k];
                }
            }
            s.map(|x| x / (hi - lo) as f64)
        })
        .collect();
    let epoch = 1_700_000_000_000_000_000u64;
    let line = |t: f64, v: [f64; 3]| {
        format!(
            "{},{t:.6},{:.8},{:.8},{:.8}\n",
            epoch + (t * 1e9) as u64,
            sign * v[2],
            sign * v[1],
            sign * v[0]
        )
    };
    let mut acc = String::from("time,seconds_elapsed,z,y,x\n");
    for ((t, a), g) in raw.t.iter().zip(&raw.acc).zip(&gravity) {
        acc.push_str(&line(*t, [a[0] - g[0], a[1] - g[1], a[2] - g[2]]));
    }
    let mut grav = String::from("time,seconds_elapsed,z,y,x\n");
    for i in (1..n).step_by(2) {
        grav.push_str(&line(raw.t[i] + 0.003, gravity[i]));
    }
    (acc, grav)
}

/// Sensor Logger's Gyroscope.csv from a gyroscope in deg/s (written in rad/s, as Sensor Logger
/// does; `ios` flips every sign as for the accelerations).
pub fn sensor_logger_gyroscope(gyr: &Raw, ios: bool) -> String {
    let sign = if ios { -1.0 } else { 1.0 };
    let k = sign * std::f64::consts::PI / 180.0;
    let mut out = String::from("time,seconds_elapsed,z,y,x\n");
    for (t, w) in gyr.t.iter().zip(&gyr.acc) {
        writeln!(
            out,
            "{},{t:.6},{:.8},{:.8},{:.8}",
            1_700_000_000_000_000_000u64 + (t * 1e9) as u64,
            k * w[2],
            k * w[1],
            k * w[0]
        )
        .unwrap();
    }
    out
}

/// Accuracy of one variant of every recording against INDIP.
#[derive(Debug, Default, Clone, Copy)]
pub struct Accuracy {
    pub reference_contacts: usize,
    pub matched_contacts: usize,
    pub detected_contacts: usize,
    pub reference_bouts: usize,
    pub matched_bouts: usize,
    pub cadence_mae: f64,
    pub stride_mae: f64,
    pub speed_mae: f64,
    /// The same over the bouts without a pause inside (no reference step over 1.25 s): the
    /// lab counts a pause as one slow step in its rates, Amble's rates are those of the steps.
    pub steady_bouts: usize,
    pub steady_cadence_mae: f64,
    pub steady_stride_mae: f64,
    pub steady_speed_mae: f64,
    /// Per recording (in the order of [`RECORDINGS`]), the absolute errors in cadence, stride
    /// and speed weighted by the reference bouts' durations (the figures of
    /// `scripts/gait-vs-mobgap.py`), and the same over all three recordings.
    pub weighted: [[f64; 3]; 3],
    pub pooled: [f64; 3],
}

impl std::fmt::Display for Accuracy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "contacts {}/{} within 0.1 s ({} detected), bouts {}/{}, MAE cadence {:.2} steps/min, stride {:.3} m, speed {:.3} m/s; {} bouts without a pause: {:.2}, {:.3}, {:.3}",
            self.matched_contacts,
            self.reference_contacts,
            self.detected_contacts,
            self.matched_bouts,
            self.reference_bouts,
            self.cadence_mae,
            self.stride_mae,
            self.speed_mae,
            self.steady_bouts,
            self.steady_cadence_mae,
            self.steady_stride_mae,
            self.steady_speed_mae
        )
    }
}

/// Evaluates `read(name)` (a recording of each lab trial) against the reference. Times of the
/// variant must match the original's (resampling keeps them).
pub fn evaluate(mut read: impl FnMut(&str) -> amble_gait::Recording, verbose: bool) -> Accuracy {
    let mut acc = Accuracy::default();
    let mut errs: Vec<(f64, f64, f64)> = Vec::new();
    let mut steady: Vec<(f64, f64, f64)> = Vec::new();
    let mut pooled = ([0.0; 3], 0.0);
    for (k, name) in RECORDINGS.iter().enumerate() {
        let mut sums = ([0.0; 3], 0.0);
        let rec = read(name);
        let g = amble_gait::analyse(&rec, SENSOR_HEIGHT_M);
        let refs: Vec<f64> = rows(&format!("{DIR}/{name}_ref_INDIP_ic.csv"))
            .iter()
            .map(|r| r[2].parse().unwrap())
            .collect();
        acc.reference_contacts += refs.len();
        acc.detected_contacts += g.initial_contacts_s.len();
        acc.matched_contacts += refs
            .iter()
            .filter(|t| g.initial_contacts_s.iter().any(|x| (x - **t).abs() <= 0.1))
            .count();
        for wb in rows(&format!("{DIR}/{name}_ref_INDIP_wb.csv")) {
            acc.reference_bouts += 1;
            let (s, e): (f64, f64) = (wb[1].parse().unwrap(), wb[2].parse().unwrap());
            let cad: f64 = wb[9].parse().unwrap();
            let stride: f64 = wb[10].parse().unwrap();
            let speed: f64 = wb[8].parse().unwrap();
            // The detected bout overlapping this one most.
            let ov = |x: &amble_gait::Bout| (x.end_s.min(e) - x.start_s.max(s)).max(0.0);
            let best = g
                .bouts
                .iter()
                .max_by(|a, b| ov(a).total_cmp(&ov(b)))
                .filter(|b| ov(b) > 0.0);
            if let Some(b) = best {
                if verbose {
                    eprintln!(
                        "  {name} {s:.1}-{e:.1} s: cadence {cad:.1} / {:.1}, stride {stride:.2} / {:.2}, speed {speed:.2} / {:.2} (reference / Amble)",
                        b.cadence_spm, b.stride_length_m, b.speed_mps
                    );
                }
                let err = (
                    (b.cadence_spm - cad).abs(),
                    (b.stride_length_m - stride).abs(),
                    (b.speed_mps - speed).abs(),
                );
                errs.push(err);
                let w = e - s;
                for (sum, x) in sums.0.iter_mut().zip([err.0, err.1, err.2]) {
                    *sum += w * x;
                }
                sums.1 += w;
                let inside: Vec<f64> = refs
                    .iter()
                    .copied()
                    .filter(|t| *t >= s - 1e-6 && *t <= e + 1e-6)
                    .collect();
                if inside
                    .windows(2)
                    .all(|w| w[1] - w[0] <= amble_gait::STEP_MAX_S)
                {
                    steady.push(err);
                }
            } else if verbose {
                eprintln!("  {name} {s:.1}-{e:.1} s: not found");
            }
        }
        for m in 0..3 {
            acc.weighted[k][m] = sums.0[m] / sums.1.max(1e-9);
            pooled.0[m] += sums.0[m];
        }
        pooled.1 += sums.1;
    }
    for m in 0..3 {
        acc.pooled[m] = pooled.0[m] / pooled.1.max(1e-9);
    }
    acc.matched_bouts = errs.len();
    let mae = |v: &[(f64, f64, f64)]| {
        let n = v.len().max(1) as f64;
        (
            v.iter().map(|e| e.0).sum::<f64>() / n,
            v.iter().map(|e| e.1).sum::<f64>() / n,
            v.iter().map(|e| e.2).sum::<f64>() / n,
        )
    };
    (acc.cadence_mae, acc.stride_mae, acc.speed_mae) = mae(&errs);
    acc.steady_bouts = steady.len();
    (
        acc.steady_cadence_mae,
        acc.steady_stride_mae,
        acc.steady_speed_mae,
    ) = mae(&steady);
    acc
}
