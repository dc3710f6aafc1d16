//! Small signal tools: a centred moving average and a Gaussian-derivative filter (the first
//! derivative of a Gaussian, the "gaus1" wavelet at one scale).

/// Centred moving average over `w` samples (shorter at the ends).
pub fn moving_average(x: &[f64], w: usize) -> Vec<f64> {
    let w = w.max(1);
    let half = w / 2;
    let mut prefix = Vec::with_capacity(x.len() + 1);
    prefix.push(0.0);
    for v in x {
        prefix.push(prefix[prefix.len() - 1] + v);
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
pub fn gaussian_derivative(x: &[f64], sigma: f64) -> Vec<f64> {
    let sigma = sigma.max(1.0);
    let r = (4.0 * sigma).ceil() as isize;
    let kernel: Vec<f64> = (-r..=r)
        .map(|k| {
            let k = k as f64;
            -k / (sigma * sigma) * (-(k * k) / (2.0 * sigma * sigma)).exp()
        })
        .collect();
    let n = x.len() as isize;
    (0..n)
        .map(|i| {
            let mut s = 0.0;
            for (j, w) in kernel.iter().enumerate() {
                let k = (i + r - j as isize).clamp(0, n - 1);
                s += w * x[k as usize];
            }
            s
        })
        .collect()
}
