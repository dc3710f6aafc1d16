//! The steps of a bout inside a gait sequence, counted from contacts found the way mobgap's
//! cadence finds them rather than from Amble's contacts (which come more often than the steps
//! in slow turns). After the improved HKLee detector (Lee et al., Electronics Letters
//! 46:1185, 2010, as improved by Paraschiv-Ionescu et al., IEEE EMBC 2020; mobgap, Apache-2.0,
//! <https://github.com/mobilise-d/mobgap>, `initial_contacts/_hklee_algo_improved.py`, the
//! contacts mobgap's `CadFromIcDetector` counts for impaired walking; this code is Amble's own):
//! the acceleration's magnitude is filtered hard to about one wave per step, and each step is
//! the top of a narrow peak found by a morphological closing and opening. mobgap's chain (two
//! Savitzky-Golay filters, the EPFL gait filter, two Mexican-hat wavelets at 1.2 Hz, three
//! Gaussians, all at 40 Hz) is linear up to the peaks and dominated by its Gaussian parts, so
//! it is taken here as one kernel: the fourth derivative of one Gaussian whose width sums
//! theirs (on the three lab participants' daily-life tests it finds about as many contacts as
//! mobgap's detector, 95-97 % of mobgap's with one of these within 0.1 s).

use crate::stats::interquartile_mean;

/// Width of the Gaussian whose fourth derivative filters the magnitude (s): the two wavelets'
/// Gaussians (σ 0.177 s each for gaus2 at 1.2 Hz) and the low-pass and smoothing Gaussians
/// (0.05 s, 0.1 s) added in quadrature.
pub(crate) const KERNEL_SIGMA_S: f64 = 0.274;
/// The closing and opening widths (s): mobgap's 32 and 18 samples at 120 Hz.
const CLOSING_S: f64 = 32.0 / 120.0;
const OPENING_S: f64 = 18.0 / 120.0;

/// Contacts (seconds from the slice's start) in a stretch of acceleration sampled at `fs`.
pub(crate) fn contacts(acc: &[[f64; 3]], fs: f64) -> Vec<f64> {
    let n = acc.len();
    if n < 3 || fs.is_nan() || fs <= 0.0 {
        return Vec::new();
    }
    let norm: Vec<f64> = acc
        .iter()
        .map(|a| (a[0] * a[0] + a[1] * a[1] + a[2] * a[2]).sqrt())
        .collect();
    let x = fourth_derivative(&norm, KERNEL_SIGMA_S * fs);
    let closing = (CLOSING_S * fs).round().max(2.0) as usize;
    let opening = (OPENING_S * fs).round().max(2.0) as usize;
    let c = erode(&dilate(&x, closing), closing);
    let o = dilate(&erode(&c, opening), opening);
    // Each stretch of at least two samples where the closing stands over the opening is a
    // step; its contact is where it stands highest.
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        if c[i] - o[i] > 0.0 {
            let mut j = i;
            while j + 1 < n && c[j + 1] - o[j + 1] > 0.0 {
                j += 1;
            }
            if j > i {
                let top = (i..=j)
                    .max_by(|&a, &b| (c[a] - o[a]).total_cmp(&(c[b] - o[b])))
                    .unwrap_or(i);
                out.push(top as f64 / fs);
            }
            i = j + 1;
        } else {
            i += 1;
        }
    }
    out
}

/// `x` convolved with the fourth derivative of a Gaussian of width `sigma` samples (up to a
/// constant factor); the ends repeat the first and last samples.
fn fourth_derivative(x: &[f64], sigma: f64) -> Vec<f64> {
    let sigma = sigma.max(1.0);
    let r = (4.0 * sigma).ceil() as usize;
    // The kernel is even, w(-k) = w(k): out[i] = w(0) x[i] + Σ_k w(k) (x[i+k] + x[i-k]).
    let weights: Vec<f64> = (0..=r)
        .map(|k| {
            let u = k as f64 / sigma;
            (-0.5 * u * u).exp() * (u.powi(4) - 6.0 * u * u + 3.0)
        })
        .collect();
    // The signal with its end samples repeated r times at each end: no clamping inside.
    let (Some(&first), Some(&last)) = (x.first(), x.last()) else {
        return Vec::new();
    };
    let mut padded = Vec::with_capacity(x.len() + 2 * r);
    padded.extend(std::iter::repeat_n(first, r));
    padded.extend_from_slice(x);
    padded.extend(std::iter::repeat_n(last, r));
    (r..r + x.len())
        .map(|i| {
            let mut s = weights[0] * padded[i];
            for (k, w) in weights.iter().enumerate().skip(1) {
                s += w * (padded[i + k] + padded[i - k]);
            }
            s
        })
        .collect()
}

/// The greatest value over a window of `size` samples (zero outside the signal).
fn dilate(x: &[f64], size: usize) -> Vec<f64> {
    window(x, size, f64::max)
}

/// The least value over the same window (zero outside the signal).
fn erode(x: &[f64], size: usize) -> Vec<f64> {
    window(x, size, f64::min)
}

/// The value `pick` prefers (the greater or the lesser) over the window from `size / 2` samples
/// before each sample to `(size - 1) / 2` after it, zero outside the signal: one pass with a
/// queue of the candidates still in the window.
fn window(x: &[f64], size: usize, pick: fn(f64, f64) -> f64) -> Vec<f64> {
    let n = x.len();
    let (before, after) = (size / 2, (size - 1) / 2);
    // Zero outside the signal: it counts for every window that reaches past an end.
    let at = |k: usize| -> f64 {
        if k < before || k - before >= n {
            0.0
        } else {
            x[k - before]
        }
    };
    let prefers = |a: f64, b: f64| pick(a, b) == a;
    let mut queue: std::collections::VecDeque<usize> = std::collections::VecDeque::new();
    let mut out = Vec::with_capacity(n);
    // Padded positions 0..n + before + after; output i covers padded i..=i + before + after.
    let span = before + after;
    for k in 0..n + span {
        let v = at(k);
        while queue.back().is_some_and(|&j| prefers(v, at(j))) {
            queue.pop_back();
        }
        queue.push_back(k);
        if k >= span {
            let i = k - span;
            while queue.front().is_some_and(|&j| j < i) {
                queue.pop_front();
            }
            if let Some(&j) = queue.front() {
                out.push(at(j));
            }
        }
    }
    out
}

/// A bout's cadence (steps/min) as the lab reference takes it: the rate of each stride (two
/// steps over the stride's time, 120 / seconds), of the strides whose two steps each last
/// `step_min_s` to `step_max_s` (a break is no stride), and of those the median. INDIP's
/// cadence is the mean of its strides' rates, its breaks left out (its `Cadence` equals that
/// mean on every reference bout of mobgap's lab recordings); the median is that centre where one
/// missed or extra contact would otherwise make a stride of half or twice the time. `None`
/// without a stride.
pub(crate) fn stride_rate(contacts: &[f64], step_min_s: f64, step_max_s: f64) -> Option<f64> {
    let step = |d: f64| (step_min_s..=step_max_s).contains(&d);
    let mut rates: Vec<f64> = contacts
        .windows(3)
        .filter(|w| step(w[1] - w[0]) && step(w[2] - w[1]))
        .map(|w| 120.0 / (w[2] - w[0]))
        .collect();
    median(&mut rates)
}

/// The median (the mean of the middle two of an even count); `None` for none.
fn median(v: &mut [f64]) -> Option<f64> {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2]),
        _ => Some((v[n / 2 - 1] + v[n / 2]) / 2.0),
    }
}

/// A bout's steps per minute from contacts counted as Amble counts its own: runs of steps of
/// `step_min_s` to `step_max_s`, each its duration over the typical step (the mean of the
/// middle half of the step times), a break between runs one step; over the time from the first
/// contact of the first run to the last of the last. `None` without two steps.
pub(crate) fn counted_spm(contacts: &[f64], step_min_s: f64, step_max_s: f64) -> Option<f64> {
    let mut runs: Vec<Vec<f64>> = Vec::new();
    for &t in contacts {
        match runs.last_mut() {
            Some(run)
                if run
                    .last()
                    .is_some_and(|p| (step_min_s..=step_max_s).contains(&(t - p))) =>
            {
                run.push(t)
            }
            _ => runs.push(vec![t]),
        }
    }
    runs.retain(|r| r.len() >= 2);
    let times: Vec<f64> = runs
        .iter()
        .flat_map(|r| r.windows(2).map(|w| w[1] - w[0]))
        .collect();
    let step_s = interquartile_mean(&times);
    let (first, last) = (runs.first()?.first()?, runs.last()?.last()?);
    let duration = last - first;
    if !(duration > 0.0 && step_s > 0.0) {
        return None;
    }
    let walked: f64 = runs.iter().map(|r| (r[r.len() - 1] - r[0]) / step_s).sum();
    Some(60.0 * (walked + (runs.len() - 1) as f64) / duration)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A synthetic walk: the magnitude rises at each step, `step_s` apart.
    fn walk(fs: f64, seconds: f64, step_s: f64) -> Vec<[f64; 3]> {
        (0..(seconds * fs) as usize)
            .map(|i| {
                let t = i as f64 / fs;
                let phase = (t / step_s).fract();
                let bump = 3.0 * (-((phase - 0.1) / 0.06).powi(2)).exp();
                [
                    9.81 + bump + 0.3 * (2.0 * std::f64::consts::PI * t / step_s).sin(),
                    0.0,
                    0.0,
                ]
            })
            .collect()
    }

    #[test]
    fn one_contact_per_step_at_any_rate() {
        for (fs, step_s) in [(100.0, 0.55), (50.0, 0.5), (100.0, 0.8), (60.0, 1.1)] {
            let c = contacts(&walk(fs, 20.0, step_s), fs);
            let inside: Vec<f64> = c
                .iter()
                .copied()
                .filter(|t| (2.0..18.0).contains(t))
                .collect();
            let want = 16.0 / step_s;
            assert!(
                (inside.len() as f64 - want).abs() <= 1.0,
                "{fs} Hz, {step_s} s: {} contacts, want {want}",
                inside.len()
            );
            for w in inside.windows(2) {
                assert!(
                    (w[1] - w[0] - step_s).abs() < 0.05,
                    "{fs} Hz, {step_s} s: {w:?}"
                );
            }
        }
        // Standing still (a constant magnitude) has no steps; too little data has none either.
        assert!(contacts(&vec![[0.0, 0.0, 9.81]; 1000], 100.0).is_empty());
        assert!(contacts(&[[0.0, 0.0, 9.81]; 2], 100.0).is_empty());
    }

    #[test]
    fn the_running_window_is_the_plain_one() {
        let x: Vec<f64> = (0..200)
            .map(|i| (f64::from(i) * 0.37).sin() * f64::from(i % 7) - 2.0)
            .collect();
        for size in [2, 3, 8, 27] {
            let (before, after) = (size / 2, (size - 1) / 2);
            let plain = |pick: fn(f64, f64) -> f64| -> Vec<f64> {
                (0..x.len() as isize)
                    .map(|i| {
                        (i - before as isize..=i + after as isize)
                            .map(|k| usize::try_from(k).ok().and_then(|k| x.get(k)).copied())
                            .map(|v| v.unwrap_or(0.0))
                            .fold(x[i as usize], pick)
                    })
                    .collect()
            };
            assert_eq!(dilate(&x, size), plain(f64::max), "{size}");
            assert_eq!(erode(&x, size), plain(f64::min), "{size}");
        }
    }

    #[test]
    fn cadence_is_the_median_strides_rate() {
        // Steps of 0.5 s: strides of 1 s, 120 steps/min.
        let steady: Vec<f64> = (0..21).map(|k| f64::from(k) * 0.5).collect();
        assert!((stride_rate(&steady, 0.25, 1.25).unwrap() - 120.0).abs() < 1e-9);
        // An extra contact in the middle of a step makes two short strides; the median holds.
        let mut extra = steady.clone();
        extra.insert(10, 4.75);
        let r = stride_rate(&extra, 0.2, 1.25).unwrap();
        assert!((r - 120.0).abs() < 1e-9, "{r}");
        // A break of 2 s is no stride: the strides either side keep their rates.
        let two: Vec<f64> = (0..6)
            .map(|k| f64::from(k) * 0.6)
            .chain((0..6).map(|k| 5.0 + f64::from(k) * 0.6))
            .collect();
        let r = stride_rate(&two, 0.25, 1.25).unwrap();
        assert!((r - 100.0).abs() < 1e-9, "{r}");
        // Too few contacts, or steps outside walking's times: no stride.
        assert_eq!(stride_rate(&[1.0, 1.5], 0.25, 1.25), None);
        assert_eq!(stride_rate(&[1.0, 3.0, 5.0], 0.25, 1.25), None);
        assert_eq!(median(&mut [3.0, 1.0, 2.0, 10.0]), Some(2.5));
    }

    #[test]
    fn cadence_counts_runs_and_breaks() {
        let run = |from: f64, n: usize| (0..n).map(move |k| from + k as f64 * 0.5);
        // 21 contacts 0.5 s apart: 120 steps/min.
        let steady: Vec<f64> = run(0.0, 21).collect();
        assert!((counted_spm(&steady, 0.25, 1.25).unwrap() - 120.0).abs() < 1e-9);
        // Two runs of 10 steps with a 2 s break: 21 steps in 12 s.
        let two: Vec<f64> = run(0.0, 11).chain(run(7.0, 11)).collect();
        let c = counted_spm(&two, 0.25, 1.25).unwrap();
        assert!((c - 60.0 * 21.0 / 12.0).abs() < 1e-9, "{c}");
        assert_eq!(counted_spm(&[1.0], 0.25, 1.25), None);
        assert_eq!(counted_spm(&[1.0, 5.0], 0.25, 1.25), None);
    }
}
