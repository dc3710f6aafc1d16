//! Small signal tools: a centred moving average and a Gaussian-derivative filter (the first
//! derivative of a Gaussian, the "gaus1" wavelet at one scale).

/// Centred moving average over `w` samples (shorter at the ends).
pub fn moving_average(x: &[f64], w: usize) -> Vec<f64> {
    let w = w.max(1);
    let half = w / 2;
    let mut prefix = Vec::with_capacity(x.len() + 1);
    prefix.push(0.0);
    let mut s = 0.0;
    for v in x {
        s += v;
        prefix.push(s);
    }
    (0..x.len())
        .map(|i| {
            let lo = i.saturating_sub(half);
            let hi = (i + half + 1).min(x.len());
            (prefix[hi] - prefix[lo]) / (hi - lo) as f64
        })
        .collect()
}

/// `x` convolved with the derivative of a Gaussian of width `sigma` samples: a smoothed slope.
/// The ends repeat the first and last samples.
pub fn gaussian_derivative(x: &[f64], sigma: f64) -> Vec<f64> {
    let sigma = sigma.max(1.0);
    let r = (4.0 * sigma).ceil() as usize;
    // The kernel is odd, w(-k) = -w(k): out[i] = Σ_k w(k) (x[i+k] - x[i-k]) with
    // w(k) = k/σ² e^(-k²/2σ²) for k = 1..=r.
    let weights: Vec<f64> = (1..=r)
        .map(|k| {
            let k = k as f64;
            k / (sigma * sigma) * (-(k * k) / (2.0 * sigma * sigma)).exp()
        })
        .collect();
    let n = x.len();
    let at = |i: isize| x[i.clamp(0, n as isize - 1) as usize];
    let edge = |i: usize| {
        weights
            .iter()
            .enumerate()
            .map(|(j, w)| {
                let k = (j + 1) as isize;
                w * (at(i as isize + k) - at(i as isize - k))
            })
            .sum::<f64>()
    };
    let mut out = vec![0.0; n];
    for (i, o) in out.iter_mut().enumerate() {
        if i < r || i + r >= n {
            *o = edge(i);
        } else {
            let mut s = 0.0;
            for (j, w) in weights.iter().enumerate() {
                s += w * (x[i + j + 1] - x[i - j - 1]);
            }
            *o = s;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_slope_of_a_ramp_is_its_gradient_inside() {
        let x: Vec<f64> = (0..200).map(|i| 0.5 * f64::from(i)).collect();
        let d = gaussian_derivative(&x, 4.0);
        // Constant inside, rising (positive) everywhere.
        let inside = &d[20..180];
        assert!(inside.iter().all(|v| (v - inside[0]).abs() < 1e-9));
        assert!(d.iter().all(|v| *v > 0.0));
        assert_eq!(moving_average(&[1.0, 2.0, 3.0], 3), vec![1.5, 2.0, 2.5]);
    }
}
