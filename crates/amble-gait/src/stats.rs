//! Small statistics over slices.

/// The mean of the middle half of the values (the interquartile mean); NaN for none.
pub(crate) fn interquartile_mean(v: &[f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let q = s.len() / 4;
    let mid = &s[q..s.len() - q];
    mid.iter().sum::<f64>() / mid.len() as f64
}

/// Mean and (population) standard deviation.
pub(crate) fn mean_sd(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    let sd = (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / n).sqrt();
    (m, sd)
}

/// The slope of `y` over `x` (least squares), per unit of `x`.
pub(crate) fn slope(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let sxx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    if sxx > 0.0 { sxy / sxx } else { 0.0 }
}

/// The unbiased autocorrelation of `x` at `lag`, normalised to 1 at lag 0 (the plain
/// definition, which [`autocorr_peak`] is tested against).
#[cfg(test)]
pub(crate) fn autocorr(x: &[f64], lag: usize) -> f64 {
    if lag == 0 || lag >= x.len() {
        return 0.0;
    }
    let m = x.iter().sum::<f64>() / x.len() as f64;
    let var: f64 = x.iter().map(|a| (a - m).powi(2)).sum::<f64>() / x.len() as f64;
    if var <= 0.0 {
        return 0.0;
    }
    let n = x.len() - lag;
    let c: f64 = (0..n).map(|i| (x[i] - m) * (x[i + lag] - m)).sum::<f64>() / n as f64;
    c / var
}

/// The highest unbiased autocorrelation of `x` (normalised to 1 at lag 0) at a lag from `from`
/// to `to`, the mean and variance taken once; 0 for no such lag.
pub(crate) fn autocorr_peak(x: &[f64], from: usize, to: usize) -> f64 {
    let n = x.len();
    let to = to.min(n.saturating_sub(1));
    let from = from.max(1);
    if from > to {
        return 0.0;
    }
    let m = x.iter().sum::<f64>() / n as f64;
    let c: Vec<f64> = x.iter().map(|a| a - m).collect();
    let var = c.iter().map(|a| a * a).sum::<f64>() / n as f64;
    if var <= 0.0 {
        return 0.0;
    }
    (from..=to)
        .map(|lag| {
            let k = n - lag;
            c[..k]
                .iter()
                .zip(&c[lag..])
                .map(|(a, b)| a * b)
                .sum::<f64>()
                / k as f64
                / var
        })
        .fold(f64::NEG_INFINITY, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_statistics() {
        assert_eq!(interquartile_mean(&[1.0, 2.0, 3.0, 100.0]), 2.5);
        assert!(interquartile_mean(&[]).is_nan());
        assert_eq!(mean_sd(&[1.0, 3.0]), (2.0, 1.0));
        assert!((slope(&[0.0, 1.0, 2.0], &[1.0, 3.0, 5.0]) - 2.0).abs() < 1e-12);
        let sine: Vec<f64> = (0..400).map(|i| (f64::from(i) * 0.1).sin()).collect();
        // A period of 2π/0.1 ≈ 63 samples.
        assert!(autocorr(&sine, 63) > 0.95);
        assert!(autocorr(&sine, 31) < -0.9);
        // The peak near a lag is the plain autocorrelation's highest there.
        for (from, to) in [(50, 70), (1, 10), (120, 130), (30, 33)] {
            let plain = (from..=to)
                .map(|l| autocorr(&sine, l))
                .fold(f64::NEG_INFINITY, f64::max);
            assert!((autocorr_peak(&sine, from, to) - plain).abs() < 1e-12);
        }
        assert_eq!(autocorr_peak(&sine, 10, 5), 0.0);
        assert_eq!(autocorr_peak(&[1.0; 50], 1, 5), 0.0);
    }
}
