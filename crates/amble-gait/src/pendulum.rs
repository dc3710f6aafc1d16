//! Step length by the inverted pendulum (Zijlstra & Hof, Gait Posture 18:1, 2003): the body
//! vaults over the stance leg, so the vertical excursion `h` of the lower back over a step and
//! the sensor's height `l` give the step, 2·√(2lh − h²), times a correction factor for the
//! double-support phase the model leaves out.

/// The correction factor: Mobilise-D's, fitted on people with multiple sclerosis and used by
/// both of its validated pipelines for every cohort (4.587 / 4 on the model written as
/// 4·√(2lh − h²); mobgap, Apache-2.0, `stride_length/_sl_zijlstra.py`). Zijlstra & Hof 2003
/// report about 1.25 for healthy walking; with it, slow and short daily-life steps and the
/// straight walks of a person with MS read about 10 % long against the lab reference.
pub const PENDULUM_FACTOR: f64 = 4.587 / 4.0;

/// The step length (m) between samples `from` and `to` of the vertical acceleration `v`.
pub(crate) fn step_length(v: &[f64], fs: f64, from: usize, to: usize, l: f64) -> f64 {
    let seg = &v[from.min(v.len())..to.min(v.len())];
    if seg.len() < 3 {
        return 0.0;
    }
    // Velocity with its mean removed (no net vertical velocity over a step), then position
    // with its linear trend removed (the step starts and ends at the same height). Both by the
    // trapezoidal rule: a sum of samples lags half a sample, which at 50 Hz is 10 ms of a step.
    let vel = integrate(seg, fs);
    let mv = vel.iter().sum::<f64>() / vel.len() as f64;
    let centred: Vec<f64> = vel.iter().map(|x| x - mv).collect();
    let pos = integrate(&centred, fs);
    let n = pos.len() as f64;
    let (first, last) = (pos[0], pos[pos.len() - 1]);
    let (mut lo, mut hi) = (f64::MAX, f64::MIN);
    for (i, x) in pos.iter().enumerate() {
        let d = x - (first + (last - first) * i as f64 / (n - 1.0));
        lo = lo.min(d);
        hi = hi.max(d);
    }
    let h = hi - lo;
    let inside = (2.0 * l * h - h * h).max(0.0);
    PENDULUM_FACTOR * 2.0 * inside.sqrt()
}

/// The running integral of `x` sampled at `fs` by the trapezoidal rule, 0 at the first sample.
fn integrate(x: &[f64], fs: f64) -> Vec<f64> {
    let mut out = Vec::with_capacity(x.len());
    let mut s = 0.0;
    let mut prev = x.first().copied().unwrap_or(0.0);
    for &a in x {
        s += (a + prev) / 2.0 / fs;
        prev = a;
        out.push(s);
    }
    out
}

/// The samples of a step from the contact at `from_s` to the one at `to_s` (seconds), both ends
/// included at their nearest sample, as indices from sample `first`.
pub(crate) fn step_samples(from_s: f64, to_s: f64, fs: f64, first: usize) -> (usize, usize) {
    let at = |t: f64| ((t * fs).round().max(0.0) as usize).saturating_sub(first);
    (at(from_s), at(to_s) + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sensor moving up and down by `h` over each step (a cosine) gives the pendulum's step.
    #[test]
    fn a_known_excursion_gives_the_pendulum_step() {
        let (fs, step_s, h, l) = (100.0, 0.55, 0.04, 0.95);
        let w = std::f64::consts::TAU / step_s;
        // z = -h/2 cos(wt) → a = h/2 w² cos(wt)
        let v: Vec<f64> = (0..56)
            .map(|i| h / 2.0 * w * w * (w * f64::from(i) / fs).cos())
            .collect();
        let got = step_length(&v, fs, 0, 56, l);
        let want = PENDULUM_FACTOR * 2.0 * (2.0 * l * h - h * h).sqrt();
        assert!((got - want).abs() / want < 0.05, "{got} vs {want}");
    }

    /// The same excursion gives the same step at 50, 100 and 200 Hz (to 1 %).
    #[test]
    fn the_step_does_not_depend_on_the_rate() {
        let (step_s, h, l) = (0.55, 0.04, 0.95);
        let w = std::f64::consts::TAU / step_s;
        let at = |fs: f64| {
            let n = (step_s * fs).round() as usize + 1;
            let v: Vec<f64> = (0..n)
                .map(|i| h / 2.0 * w * w * (w * i as f64 / fs).cos())
                .collect();
            step_length(&v, fs, 0, n, l)
        };
        let (a, b, c) = (at(50.0), at(100.0), at(200.0));
        assert!(
            (a - c).abs() / c < 0.01 && (b - c).abs() / c < 0.01,
            "{a} {b} {c}"
        );
    }

    #[test]
    fn a_steps_samples_are_its_nearest() {
        assert_eq!(step_samples(1.004, 1.506, 100.0, 0), (100, 152));
        assert_eq!(step_samples(1.004, 1.506, 100.0, 90), (10, 62));
        assert_eq!(step_samples(0.001, 0.5, 50.0, 5), (0, 21));
    }
}
