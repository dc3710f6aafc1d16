//! How gait changes over a walk: measures per window of walking and their straight-line change
//! per 10 minutes (contract §10), and when a walk starts to deteriorate.

use crate::bouts::{Gait, Step};
use crate::stats::{interquartile_mean, mean_sd, slope};

/// Least walking for a drift (contract §10), seconds.
pub const MIN_WALKING_S: f64 = 180.0;

/// One window of walking.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    pub start_s: f64,
    pub cadence_spm: f64,
    pub stride_length_m: f64,
    pub speed_mps: f64,
    pub step_time_cv: f64,
    /// `None` where the stride regularity is not positive (see [`crate::Bout::symmetry`]).
    pub symmetry: Option<f64>,
}

/// How gait changes over a walk: per-window values and straight-line changes per 10 minutes.
#[derive(Debug, Clone, PartialEq)]
pub struct Drift {
    pub window_s: f64,
    pub cadence_spm_per_10min: f64,
    pub stride_length_m_per_10min: f64,
    pub speed_mps_per_10min: f64,
    pub step_time_cv_change: f64,
    /// The change over the windows whose symmetry is known; `None` with fewer than two.
    pub symmetry_change: Option<f64>,
    pub windows: Vec<Window>,
}

fn window(g: &Gait, chunk: &[Step]) -> Window {
    let times: Vec<f64> = chunk.iter().map(|s| s.time_s).collect();
    let lens: Vec<f64> = chunk.iter().map(|s| s.length_m).collect();
    let (mean_t, sd) = mean_sd(&times);
    let step_s = interquartile_mean(&times);
    let cadence = 60.0 / step_s;
    let stride = 2.0 * interquartile_mean(&lens);
    // Symmetry over the window's bouts' stretches (steps are contiguous inside a bout).
    let first = chunk[0];
    let last = chunk[chunk.len() - 1];
    let (_, symmetry) = g.regularity(first.start_s, last.start_s + last.time_s, step_s);
    Window {
        start_s: first.start_s,
        cadence_spm: cadence,
        stride_length_m: stride,
        speed_mps: stride * cadence / 120.0,
        step_time_cv: sd / mean_t,
        symmetry,
    }
}

/// The drift over windows of `window_s` seconds of steps; `None` for less than 3 minutes of
/// walking (contract §10).
pub fn drift(g: &Gait, window_s: f64) -> Option<Drift> {
    let walking: f64 = g.steps.iter().map(|s| s.time_s).sum();
    if walking < MIN_WALKING_S {
        return None;
    }
    let mut windows = Vec::new();
    let mut from = 0;
    let mut span = 0.0;
    for (k, s) in g.steps.iter().enumerate() {
        span += s.time_s;
        if span >= window_s {
            windows.push(window(g, &g.steps[from..=k]));
            from = k + 1;
            span = 0.0;
        }
    }
    if windows.len() < 2 {
        return None;
    }
    let x: Vec<f64> = windows.iter().map(|w| w.start_s).collect();
    let per10 =
        |f: fn(&Window) -> f64| slope(&x, &windows.iter().map(f).collect::<Vec<_>>()) * 600.0;
    Some(Drift {
        window_s,
        cadence_spm_per_10min: per10(|w| w.cadence_spm),
        stride_length_m_per_10min: per10(|w| w.stride_length_m),
        speed_mps_per_10min: per10(|w| w.speed_mps),
        step_time_cv_change: per10(|w| w.step_time_cv),
        symmetry_change: {
            let (x, y): (Vec<f64>, Vec<f64>) = windows
                .iter()
                .filter_map(|w| w.symmetry.map(|s| (w.start_s, s)))
                .unzip();
            (x.len() >= 2).then(|| slope(&x, &y) * 600.0)
        },
        windows,
    })
}

/// How much slower than the walk's start counts as deteriorating (a tenth: about three times the
/// minute-to-minute wobble of a steady walk's speed estimate).
pub const ONSET_DROP: f64 = 0.10;
/// Windows at the start that set the walk's own pace.
const BASELINE_WINDOWS: usize = 3;

fn median3(a: f64, b: f64, c: f64) -> f64 {
    a.max(b).min(a.min(b).max(c))
}

/// When the walk starts to deteriorate (seconds from the start of the recording): the start of
/// the first window from which speed stays at least [`ONSET_DROP`] below the walk's own pace
/// (the median of its first three windows) to the end, for at least two windows. Each window's
/// speed is first taken as the median of it and its neighbours, so one odd minute neither makes
/// nor breaks an onset. `None` when it never does. Checked on simulated walks
/// (`tests/onset_simulation.rs`; targets in docs/gait.md).
pub fn deterioration_onset(d: &Drift) -> Option<f64> {
    let w = &d.windows;
    if w.len() < BASELINE_WINDOWS + 2 {
        return None;
    }
    let speed: Vec<f64> = w.iter().map(|x| x.speed_mps).collect();
    let base = median3(speed[0], speed[1], speed[2]);
    let n = speed.len();
    let smooth: Vec<f64> = (0..n)
        .map(|k| {
            let prev = speed[k.saturating_sub(1)];
            let next = speed[(k + 1).min(n - 1)];
            median3(prev, speed[k], next)
        })
        .collect();
    // Hysteresis: the slowing holds while speed stays at least half the drop below the pace;
    // it starts at the first window of that stretch a full drop below.
    let holds = |v: f64| v <= base * (1.0 - ONSET_DROP / 2.0);
    let mut from = n;
    while from > BASELINE_WINDOWS && holds(smooth[from - 1]) {
        from -= 1;
    }
    (from..n)
        .find(|&k| smooth[k] <= base * (1.0 - ONSET_DROP))
        .filter(|&k| n - k >= 2)
        .map(|k| w[k].start_s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drift_of(speeds: &[f64]) -> Drift {
        Drift {
            window_s: 60.0,
            cadence_spm_per_10min: 0.0,
            stride_length_m_per_10min: 0.0,
            speed_mps_per_10min: 0.0,
            step_time_cv_change: 0.0,
            symmetry_change: Some(0.0),
            windows: speeds
                .iter()
                .enumerate()
                .map(|(k, s)| Window {
                    start_s: 60.0 * k as f64,
                    cadence_spm: 100.0,
                    stride_length_m: 1.2,
                    speed_mps: *s,
                    step_time_cv: 0.03,
                    symmetry: Some(0.9),
                })
                .collect(),
        }
    }

    #[test]
    fn onset_is_where_the_slowing_stays() {
        let d = drift_of(&[1.2, 1.2, 1.18, 1.21, 1.05, 1.0, 0.95]);
        assert_eq!(deterioration_onset(&d), Some(240.0));
        // A dip that recovers is not an onset.
        let d = drift_of(&[1.2, 1.2, 1.0, 1.2, 1.19, 1.2]);
        assert_eq!(deterioration_onset(&d), None);
        // A single slow last window is not enough.
        let d = drift_of(&[1.2, 1.2, 1.2, 1.2, 1.0]);
        assert_eq!(deterioration_onset(&d), None);
        // Steady.
        assert_eq!(deterioration_onset(&drift_of(&[1.1; 8])), None);
    }
}
