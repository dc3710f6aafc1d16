//! A walking bout's steps, stride length and speed by the Mobilise-D definitions the lab
//! reference uses (its cadence, the strides' rate, is `count::stride_rate`; the rate here, the
//! steps over the bout, is the fallback where no stride is found): the steps over the whole
//! bout, its turns and short pauses included (a break
//! of up to 3 s inside a bout is one slow, short step), and the speed the distance over the
//! bout's duration (Micó-Amigo et al., J NeuroEng Rehabil 20:78, 2023; Kirk et al., Sci Rep
//! 14:1754, 2024; the bout rules as in mobgap, Apache-2.0, <https://github.com/mobilise-d/mobgap>,
//! `wba/_wb_assembly.py`).
//!
//! The steps are counted robustly: each run of steps holds its duration over the bout's typical
//! step time (the mean of the middle half of its step times), so a missed or an extra contact
//! does not add or take away a step.

/// The standard measures of a bout.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Standard {
    pub(crate) cadence_spm: f64,
    pub(crate) stride_length_m: f64,
    pub(crate) speed_mps: f64,
}

/// A bout's standard measures from its runs of contacts (seconds), its typical step time and
/// step length (from the runs' steps), and the pendulum's length of each break between runs
/// (the short step the reference counts there; at most the typical step).
pub(crate) fn standard(
    runs: &[Vec<f64>],
    step_s: f64,
    step_m: f64,
    break_lengths_m: &[f64],
) -> Option<Standard> {
    let (first, last) = (runs.first()?.first()?, runs.last()?.last()?);
    let duration = last - first;
    if !(duration > 0.0 && step_s > 0.0 && step_m.is_finite()) {
        return None;
    }
    let walked: f64 = runs.iter().map(|r| (r[r.len() - 1] - r[0]) / step_s).sum();
    let breaks = runs.len() - 1;
    let steps = walked + breaks as f64;
    let distance = walked * step_m
        + break_lengths_m
            .iter()
            .take(breaks)
            .map(|l| l.clamp(0.0, step_m))
            .sum::<f64>();
    let cadence = 60.0 * steps / duration;
    let stride = 2.0 * distance / steps;
    Some(Standard {
        cadence_spm: cadence,
        stride_length_m: stride,
        speed_mps: distance / duration,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(from: f64, n: usize, step: f64) -> Vec<f64> {
        (0..n).map(|k| from + k as f64 * step).collect()
    }

    #[test]
    fn steady_steps_give_their_own_rate() {
        let s = standard(&[run(0.0, 21, 0.55)], 0.55, 0.6, &[]).unwrap();
        assert!((s.cadence_spm - 60.0 / 0.55).abs() < 1e-9, "{s:?}");
        assert!((s.stride_length_m - 1.2).abs() < 1e-9);
        assert!((s.speed_mps - s.stride_length_m * s.cadence_spm / 120.0).abs() < 1e-9);
    }

    #[test]
    fn a_pause_is_one_slow_short_step() {
        // 10 steps of 0.5 s, a 2 s pause, 10 steps: 21 steps in 12 s.
        let runs = [run(0.0, 11, 0.5), run(7.0, 11, 0.5)];
        let s = standard(&runs, 0.5, 0.7, &[0.1]).unwrap();
        assert!((s.cadence_spm - 60.0 * 21.0 / 12.0).abs() < 1e-9, "{s:?}");
        assert!((s.stride_length_m - 2.0 * (20.0 * 0.7 + 0.1) / 21.0).abs() < 1e-9);
        assert!((s.speed_mps - (20.0 * 0.7 + 0.1) / 12.0).abs() < 1e-9);
        // The break's step is never longer than the typical one.
        let long = standard(&runs, 0.5, 0.7, &[3.0]).unwrap();
        assert!((long.stride_length_m - 1.4).abs() < 1e-9);
    }
}
