//! Rows to samples (bounded), and samples onto an even time grid.

use super::{
    MAX_ACC, MAX_GRID_FACTOR, MAX_GYR_DPS, MAX_RATE_HZ, MAX_SECONDS, MIN_RATE_HZ, MIN_SECONDS,
    Recording, Samples,
};
use crate::GaitError;

pub(super) fn lerp(a: [f64; 3], b: [f64; 3], f: f64) -> [f64; 3] {
    [
        a[0] + (b[0] - a[0]) * f,
        a[1] + (b[1] - a[1]) * f,
        a[2] + (b[2] - a[2]) * f,
    ]
}

/// Rows `[time, x, y, z]` to samples, accelerations times `scale`, each bounded.
pub(super) fn samples(rows: Vec<(usize, [f64; 4])>, scale: f64) -> Result<Samples, GaitError> {
    scaled(rows, scale, MAX_ACC, |v| {
        format!(
            "an acceleration of {} m/s² is beyond any sensor (check the unit)",
            super::short(v, 0)
        )
    })
}

/// Rows `[time, x, y, z]` to samples of vectors times `scale`, each component at most `bound`
/// in size; `beyond` words the refusal of the largest component.
pub(super) fn scaled(
    rows: Vec<(usize, [f64; 4])>,
    scale: f64,
    bound: f64,
    beyond: impl Fn(f64) -> String,
) -> Result<Samples, GaitError> {
    let mut s = Samples {
        times: Vec::with_capacity(rows.len()),
        acc: Vec::with_capacity(rows.len()),
        gyr: None,
        lines: Vec::with_capacity(rows.len()),
    };
    for (line, [t, x, y, z]) in rows {
        let a = [x * scale, y * scale, z * scale];
        if a.iter().any(|v| v.abs() > bound) {
            return Err(GaitError::Parse {
                line,
                message: beyond(a.iter().fold(0.0f64, |m, v| m.max(v.abs()))),
            });
        }
        s.times.push(t);
        s.acc.push(a);
        s.lines.push(line);
    }
    Ok(s)
}

/// Rows `[time, acc x, y, z, gyr x, y, z]` to samples with a gyroscope: accelerations times
/// `scale`, angular rates times `gyr_scale` (to deg/s), each bounded.
pub(super) fn samples_with_gyro(
    rows: Vec<(usize, [f64; 7])>,
    scale: f64,
    gyr_scale: f64,
) -> Result<Samples, GaitError> {
    let mut gyr = Vec::with_capacity(rows.len());
    let mut acc_rows = Vec::with_capacity(rows.len());
    for (line, r) in rows {
        let w = [r[4] * gyr_scale, r[5] * gyr_scale, r[6] * gyr_scale];
        if w.iter().any(|v| v.abs() > MAX_GYR_DPS) {
            return Err(GaitError::Parse {
                line,
                message: format!(
                    "an angular rate of {} deg/s is beyond any sensor (check the gyro's unit)",
                    super::short(w.iter().fold(0.0f64, |m, v| m.max(v.abs())), 0)
                ),
            });
        }
        gyr.push(w);
        acc_rows.push((line, [r[0], r[1], r[2], r[3]]));
    }
    let mut s = samples(acc_rows, scale)?;
    s.gyr = Some(gyr);
    Ok(s)
}

/// Time must not run backwards.
pub(super) fn check_order(s: &Samples) -> Result<(), GaitError> {
    for k in 1..s.times.len() {
        if s.times[k] < s.times[k - 1] {
            return Err(GaitError::Parse {
                line: s.lines[k],
                message: format!(
                    "time goes backwards ({} after {})",
                    super::as_read(s.times[k]),
                    super::as_read(s.times[k - 1])
                ),
            });
        }
    }
    Ok(())
}

impl Recording {
    /// Puts timed samples on an even grid at their typical rate (the median interval): phones
    /// never sample quite evenly. Repeated times are dropped; gaps are bridged in a straight
    /// line (no steps are found there).
    pub(super) fn from_samples(s: Samples) -> Result<Recording, GaitError> {
        check_order(&s)?;
        // Drop repeated times (keep the first).
        let mut times = Vec::with_capacity(s.times.len());
        let mut acc = Vec::with_capacity(s.acc.len());
        let mut gyr: Option<Vec<[f64; 3]>> = s.gyr.as_ref().map(|g| Vec::with_capacity(g.len()));
        for (k, (t, a)) in s.times.iter().zip(&s.acc).enumerate() {
            if times.last().is_none_or(|last| t > last) {
                times.push(*t);
                acc.push(*a);
                if let (Some(out), Some(from)) = (gyr.as_mut(), s.gyr.as_ref()) {
                    out.push(from[k]);
                }
            }
        }
        if times.len() < 2 {
            return Err(GaitError::Input(
                "too few samples (a recording needs at least 5 s)".into(),
            ));
        }
        let span = times[times.len() - 1] - times[0];
        if span < MIN_SECONDS {
            return Err(GaitError::Input(format!(
                "the recording is {span:.1} s long; at least {MIN_SECONDS:.0} s is needed"
            )));
        }
        if span > MAX_SECONDS {
            return Err(GaitError::Input(format!(
                "the recording spans {} hours; at most 24 hours are read (check the time column's unit)",
                super::short(span / 3600.0, 1)
            )));
        }
        // The interval: the mean of the intervals that are not gaps (a phone's scheduler makes
        // them uneven around the true one, so the mean rather than the median; a dropout longer
        // than twice the median is a gap).
        let intervals: Vec<f64> = times.windows(2).map(|w| w[1] - w[0]).collect();
        let mut sorted = intervals.clone();
        let mid = sorted.len() / 2;
        let typical = *sorted.select_nth_unstable_by(mid, f64::total_cmp).1;
        let regular: Vec<f64> = intervals
            .into_iter()
            .filter(|d| *d <= 2.0 * typical)
            .collect();
        let dt = regular.iter().sum::<f64>() / regular.len() as f64;
        let fs = 1.0 / dt;
        if fs < MIN_RATE_HZ {
            return Err(GaitError::Input(format!(
                "the sampling rate is {fs:.1} Hz; at least {MIN_RATE_HZ:.0} Hz is needed"
            )));
        }
        if fs > MAX_RATE_HZ {
            return Err(GaitError::Input(format!(
                "the sampling rate is {fs:.0} Hz; at most {MAX_RATE_HZ:.0} Hz is read"
            )));
        }
        // Already even (within 1 % of an interval everywhere): keep the samples as they are.
        let even = times
            .iter()
            .enumerate()
            .all(|(k, t)| (t - times[0] - k as f64 * dt).abs() <= 0.01 * dt);
        if even {
            return Ok(Recording { fs, acc, gyr });
        }
        // The grid is bounded by the samples it comes from: gaps bridged in a straight line may
        // fill at most three quarters of it. Five samples 1 ms apart and a sixth a day later
        // would otherwise ask for 86 million samples from six.
        let n_f = (span * fs).floor() + 1.0;
        let most = MAX_GRID_FACTOR * times.len() as f64;
        if n_f > most {
            return Err(GaitError::Input(format!(
                "the samples cover {:.0} % of the recording's time at its {fs:.0} Hz rate (gaps fill the rest); at least {:.0} % is needed (check for a stray time far from the others)",
                100.0 * times.len() as f64 / n_f,
                100.0 / MAX_GRID_FACTOR
            )));
        }
        let n = n_f as usize;
        let mut out = Vec::with_capacity(n);
        let mut gyr_out: Option<Vec<[f64; 3]>> = gyr.as_ref().map(|_| Vec::with_capacity(n));
        let mut j = 0;
        for k in 0..n {
            let t = times[0] + k as f64 * dt;
            while j + 2 < times.len() && times[j + 1] <= t {
                j += 1;
            }
            let f = ((t - times[j]) / (times[j + 1] - times[j])).clamp(0.0, 1.0);
            out.push(lerp(acc[j], acc[j + 1], f));
            if let (Some(o), Some(g)) = (gyr_out.as_mut(), gyr.as_ref()) {
                o.push(lerp(g[j], g[j + 1], f));
            }
        }
        Ok(Recording {
            fs,
            acc: out,
            gyr: gyr_out,
        })
    }

    /// A recording already on an even grid (for tests and tools that make their own).
    pub fn even(fs: f64, acc: Vec<[f64; 3]>) -> Recording {
        Recording { fs, acc, gyr: None }
    }
}
