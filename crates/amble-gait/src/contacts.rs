//! The vertical acceleration and the initial contacts (heel strikes) found in it.

use crate::input::Recording;
use crate::signal::{gaussian_derivative, moving_average};

/// Shortest step time taken for walking, seconds (also the least gap between contacts).
pub const STEP_MIN_S: f64 = 0.25;

/// The least jolt of a contact, m/s² of smoothed vertical acceleration: far under any step's
/// (a slow walker's are several tenths of a m/s² and more), far over rounding. Without it a
/// still sensor's rounding noise, its "typical swing" near zero, would pass for contacts.
pub const MIN_SWING_MPS2: f64 = 0.1;

/// Vertical acceleration without gravity (m/s², up positive): each sample projected on the
/// direction of gravity, estimated as the mean over 4 s around it. Works in any orientation
/// and follows a phone that turns slowly in a pocket.
pub fn vertical(rec: &Recording) -> Vec<f64> {
    vertical_of(rec, &gravity(rec))
}

/// Gravity's direction per sample (not normalised), one series per sensor axis: the
/// acceleration averaged over 4 s around it.
pub(crate) fn gravity(rec: &Recording) -> [Vec<f64>; 3] {
    let w = (4.0 * rec.fs).round() as usize;
    let comp = |k: usize| rec.acc.iter().map(|a| a[k]).collect::<Vec<f64>>();
    [0, 1, 2].map(|k| moving_average(&comp(k), w))
}

/// The vertical acceleration given gravity's direction per sample.
pub(crate) fn vertical_of(rec: &Recording, g: &[Vec<f64>; 3]) -> Vec<f64> {
    rec.acc
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let (x, y, z) = (g[0][i], g[1][i], g[2][i]);
            let n = (x * x + y * y + z * z).sqrt().max(1e-9);
            (a[0] * x + a[1] * y + a[2] * z) / n - n
        })
        .collect()
}

/// Initial contacts (seconds) of a recording.
pub fn initial_contacts(rec: &Recording) -> Vec<f64> {
    contacts_in(&vertical(rec), rec.fs)
        .into_iter()
        .map(|i| i / rec.fs)
        .collect()
}

/// Initial contacts (sample positions, between samples where the peak lies between them) in the
/// vertical acceleration `v` sampled at `fs`: the
/// signal integrated, its slow drift (1 s moving average) removed, then differentiated with a
/// Gaussian derivative (σ 0.06 s, the "gaus1" wavelet at one scale); contacts are the peaks of
/// its negative, the moments the body stops falling onto the new foot (after McCamley et al.,
/// Gait Posture 36:316, 2012), at least one shortest step apart.
pub(crate) fn contacts_in(v: &[f64], fs: f64) -> Vec<f64> {
    contacts_with_strength(v, fs)
        .into_iter()
        .map(|(i, _)| i)
        .collect()
}

/// [`contacts_in`] with each contact's strength: the depth of its peak over the signal's
/// typical swing (the 90th percentile of its magnitude). A contact is a dip deeper than a
/// quarter of that swing and than [`MIN_SWING_MPS2`]: a constant signal has none.
pub(crate) fn contacts_with_strength(v: &[f64], fs: f64) -> Vec<(f64, f64)> {
    let mut u = Vec::with_capacity(v.len());
    let mut acc = 0.0;
    for x in v {
        acc += x / fs;
        u.push(acc);
    }
    let trend = moving_average(&u, (1.0 * fs).round() as usize);
    let u: Vec<f64> = u.iter().zip(&trend).map(|(a, b)| a - b).collect();
    let d: Vec<f64> = gaussian_derivative(&u, 0.06 * fs)
        .iter()
        .map(|x| -x)
        .collect();
    if d.is_empty() {
        return Vec::new();
    }
    // Minima well below the typical swing of the signal.
    let mut mags: Vec<f64> = d.iter().map(|x| x.abs()).collect();
    let k = mags.len() * 9 / 10;
    let typical = *mags.select_nth_unstable_by(k, f64::total_cmp).1;
    // The Gaussian derivative of the integral is the acceleration smoothed and scaled by
    // σ·√(2π) / fs (σ in samples, so 0.06 s · √(2π) whatever the rate).
    let floor = MIN_SWING_MPS2 * 0.06 * (2.0 * std::f64::consts::PI).sqrt();
    let threshold = -(0.25 * typical).max(floor);
    let min_gap = (STEP_MIN_S * fs) as usize;
    let mut ics: Vec<usize> = Vec::new();
    for i in 1..d.len().saturating_sub(1) {
        if d[i] < threshold && d[i] <= d[i - 1] && d[i] < d[i + 1] {
            match ics.last() {
                Some(&last) if i - last < min_gap => {
                    if d[i] < d[last] {
                        ics.pop();
                        ics.push(i);
                    }
                }
                _ => ics.push(i),
            }
        }
    }
    // The peak between samples: the top of a parabola through the three samples around it
    // (a step's timing to well under one sample, whatever the rate).
    ics.into_iter()
        .map(|i| {
            let (a, b, c) = (d[i - 1], d[i], d[i + 1]);
            let curve = a - 2.0 * b + c;
            let shift = if curve.abs() > f64::EPSILON {
                (0.5 * (a - c) / curve).clamp(-0.5, 0.5)
            } else {
                0.0
            };
            (i as f64 + shift, -b / typical.max(f64::MIN_POSITIVE))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_constant_or_still_signal_has_no_contacts() {
        let fs = 100.0;
        // A sensor lying still: gravity on one axis, nothing else.
        let still = Recording {
            fs,
            acc: vec![[9.81, 0.0, 0.0]; 1000],
            gyr: None,
        };
        assert_eq!(initial_contacts(&still), Vec::<f64>::new());
        // The same with a hum far under any step (0.01 m/s² at 7 Hz).
        let hum: Vec<f64> = (0..1000)
            .map(|i| 0.01 * (std::f64::consts::TAU * 7.0 * f64::from(i) / fs).sin())
            .collect();
        assert!(contacts_in(&hum, fs).is_empty());
        // Steps of 0.5 s with a 2 m/s² jolt are found.
        let steps: Vec<f64> = (0..1000)
            .map(|i| 2.0 * (std::f64::consts::TAU * 2.0 * f64::from(i) / fs).sin())
            .collect();
        let found = contacts_in(&steps, fs);
        assert!((17..=20).contains(&found.len()), "{found:?}");
    }
}
