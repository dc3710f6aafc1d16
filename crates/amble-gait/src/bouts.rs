//! Walking bouts from the contacts (Mobilise-D bout rules) and their measures.

use crate::contacts::{STEP_MIN_S, contacts_with_strength, gravity, vertical_of};
use crate::count;
use crate::gsd::{gait_sequences, over_turns};
use crate::input::Recording;
use crate::mobilised::standard;
use crate::pendulum::{step_length, step_samples};
use crate::stats::{autocorr_peak, interquartile_mean, mean_sd};
use crate::turns::{Turn, turns};

/// Longest step time taken for walking, seconds.
pub const STEP_MAX_S: f64 = 1.25;
/// A pause longer than this ends a bout (Mobilise-D).
pub const PAUSE_S: f64 = 3.0;
/// Fewest strides in a bout (Mobilise-D).
pub const MIN_STRIDES: usize = 4;

/// A walking bout.
#[derive(Debug, Clone, PartialEq)]
pub struct Bout {
    pub start_s: f64,
    pub end_s: f64,
    /// The steps counted over the bout, rounded (runs of steps at the typical step time, each
    /// break one step; inside a gait sequence the second detector's): the stride length is the
    /// distance over them.
    pub steps: usize,
    /// Cadence as the lab reference takes it: the rate of the bout's strides (120 / a stride's
    /// seconds, strides of two steps of 0.25-1.25 s each, a break no stride), their median, the
    /// strides those of a second contact detector as mobgap counts its cadence (steps/min). A
    /// bout where it finds none: the steps counted over the bout's duration.
    pub cadence_spm: f64,
    /// Stride length by the Mobilise-D definition: twice the distance over the steps, a
    /// break's step short (m).
    pub stride_length_m: f64,
    /// Walking speed: the distance over the bout's duration, pauses included (m/s).
    pub speed_mps: f64,
    /// The rate of the steps walked: 60 / the mean of the middle half of the step times, the
    /// breaks between runs of steps left out (steps/min).
    pub walked_cadence_spm: f64,
    pub step_time_cv: f64,
    /// Step regularity: the autocorrelation of vertical acceleration at one step's lag
    /// (Moe-Nilssen & Helbostad, J Biomech 2004).
    pub regularity: f64,
    /// Step regularity over stride regularity (Moe-Nilssen & Helbostad 2004; 1: both steps
    /// alike, at most 1); `None` where the stride regularity is not positive (no stride to
    /// compare the steps with: unknown, not asymmetric).
    pub symmetry: Option<f64>,
}

/// One step inside a bout: when it started, how long it took, how long it was.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Step {
    pub start_s: f64,
    pub time_s: f64,
    pub length_m: f64,
}

/// The analysis of a recording.
#[derive(Debug, Clone, PartialEq)]
pub struct Gait {
    pub sample_rate_hz: f64,
    pub duration_s: f64,
    pub initial_contacts_s: Vec<f64>,
    pub bouts: Vec<Bout>,
    pub steps: Vec<Step>,
    /// Turns found with the gyroscope (none when the recording has no gyroscope).
    pub turns: Vec<Turn>,
    /// The vertical acceleration (for measures over any stretch of the walk).
    pub(crate) vertical: Vec<f64>,
}

impl Gait {
    /// Seconds spent walking (the bouts' lengths; 0.0, not -0.0, without bouts: an empty
    /// `f64` sum is -0.0, which prints as "-0").
    pub fn walking_s(&self) -> f64 {
        self.bouts
            .iter()
            .map(|b| b.end_s - b.start_s)
            .fold(0.0, |a, b| a + b)
    }

    /// The `n` longest bouts, in time order (a long recording has hundreds).
    pub fn longest_bouts(&self, n: usize) -> Vec<&Bout> {
        let mut b: Vec<&Bout> = self.bouts.iter().collect();
        b.sort_by(|x, y| (y.end_s - y.start_s).total_cmp(&(x.end_s - x.start_s)));
        b.truncate(n);
        b.sort_by(|x, y| x.start_s.total_cmp(&y.start_s));
        b
    }

    /// Step regularity and symmetry of the stretch from `start_s` to `end_s`, for steps of
    /// `step_s` seconds: the symmetry is the step regularity over the stride regularity, at most
    /// 1 (steps as alike as strides), at least 0 (steps unlike while strides repeat), and
    /// `None` when the stride regularity is not positive.
    pub(crate) fn regularity(&self, start_s: f64, end_s: f64, step_s: f64) -> (f64, Option<f64>) {
        let fs = self.sample_rate_hz;
        let v = &self.vertical;
        let from = ((start_s * fs) as usize).min(v.len());
        let to = ((end_s * fs) as usize).clamp(from, v.len());
        let seg = &v[from..to];
        let lag = (step_s * fs).round() as usize;
        // The autocorrelation's peaks near one step's and one stride's lag (its first and
        // second dominant peaks, as Moe-Nilssen & Helbostad define them): within a quarter of a
        // step either way, since the typical step time is an estimate and the two steps of a
        // stride differ in an uneven gait. At the fixed lags the stride's value is taken off
        // its peak more than the step's and the ratio reads 1 on most bouts.
        let reach = lag / 4;
        let step_reg = autocorr_peak(seg, lag.saturating_sub(reach), lag + reach);
        let stride_reg = autocorr_peak(seg, (2 * lag).saturating_sub(reach), 2 * lag + reach);
        (step_reg, symmetry(step_reg, stride_reg))
    }
}

/// The step regularity over the stride regularity within 0..=1, `None` unless the stride
/// regularity is positive (nor for a ratio that is not a number).
fn symmetry(step_reg: f64, stride_reg: f64) -> Option<f64> {
    let ratio = step_reg / stride_reg;
    (stride_reg > 0.0 && ratio.is_finite()).then(|| ratio.clamp(0.0, 1.0))
}

/// Runs of contacts whose step times look like walking; a gap outside the step times ends a
/// run.
fn runs(ics: &[f64]) -> Vec<Vec<f64>> {
    let mut runs: Vec<Vec<f64>> = Vec::new();
    let mut cur: Vec<f64> = Vec::new();
    for &t in ics {
        match cur.last() {
            Some(&prev) if (STEP_MIN_S..=STEP_MAX_S).contains(&(t - prev)) => cur.push(t),
            _ => {
                if !cur.is_empty() {
                    runs.push(std::mem::take(&mut cur));
                }
                cur.push(t);
            }
        }
    }
    runs.push(cur);
    runs
}

/// Walking bouts: runs of steps joined across breaks of up to 3 s (a longer pause ends a bout),
/// kept when they hold at least 4 strides (Mobilise-D bout rules). Each bout is its runs; the
/// breaks between them are not steps.
fn bouts_of(ics: &[f64]) -> Vec<Vec<Vec<f64>>> {
    assemble(runs(ics))
}

/// Bouts from runs of steps (the rules of [`bouts_of`]).
fn assemble(runs: Vec<Vec<f64>>) -> Vec<Vec<Vec<f64>>> {
    let strides = |runs: &[Vec<f64>]| -> usize {
        // n contacts in a row make n − 2 strides (each contact but the last two starts one).
        runs.iter().map(|r| r.len().saturating_sub(2)).sum()
    };
    let mut out: Vec<Vec<Vec<f64>>> = Vec::new();
    let mut cur: Vec<Vec<f64>> = Vec::new();
    for run in runs.into_iter().filter(|r| r.len() >= 2) {
        let joined = cur
            .last()
            .and_then(|r| r.last())
            .is_some_and(|&end| run[0] - end <= PAUSE_S);
        if !joined && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        cur.push(run);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out.retain(|b| strides(b) >= MIN_STRIDES);
    out
}

/// The vertical acceleration over one bout, with gravity's direction from the whole bout: while
/// walking, the trunk's tilt holds steady (turning is about the vertical), so the bout's mean
/// is the best estimate, and sitting or standing up next to the bout cannot leak in.
fn bout_vertical(acc: &[[f64; 3]]) -> Vec<f64> {
    let n = acc.len().max(1) as f64;
    let mut g = [0.0; 3];
    for a in acc {
        for k in 0..3 {
            g[k] += a[k] / n;
        }
    }
    let norm = (g[0] * g[0] + g[1] * g[1] + g[2] * g[2]).sqrt().max(1e-9);
    acc.iter()
        .map(|a| (a[0] * g[0] + a[1] * g[1] + a[2] * g[2]) / norm - norm)
        .collect()
}

/// Walking bouts and their measures, for a sensor `sensor_height_m` above the ground.
pub fn analyse(rec: &Recording, sensor_height_m: f64) -> Gait {
    let fs = rec.fs;
    let gravity = gravity(rec);
    let v = vertical_of(rec, &gravity);
    let turns = turns(rec, &gravity);
    drop(gravity);
    let found: Vec<(f64, f64)> = contacts_with_strength(&v, fs)
        .into_iter()
        .map(|(i, a)| (i / fs, a))
        .collect();
    let ics: Vec<f64> = found.iter().map(|(t, _)| *t).collect();
    let spans: Vec<(f64, f64)> = turns.iter().map(|t| (t.start_s, t.end_s)).collect();
    let sequences = over_turns(&gait_sequences(&found), &spans);
    let mut g = Gait {
        sample_rate_hz: fs,
        duration_s: rec.acc.len() as f64 / fs,
        initial_contacts_s: Vec::new(),
        bouts: Vec::new(),
        steps: Vec::new(),
        turns,
        vertical: v,
    };
    // Bouts by the Mobilise-D rules from all the contacts, each cut to the gait sequences
    // inside it (the fidgeting at its ends left out); a bout with no gait sequence of its own
    // (slow steps too weak for one) is kept whole. Only with a gyroscope: a turn's steps are
    // weak in the vertical acceleration, so without the turns to widen the sequences over them
    // the cut would take turns out of the bouts (strides and speeds then read long; docs/gait.md).
    // Each bout with whether it lies in a gait sequence.
    let mut bouts = Vec::new();
    for bout in bouts_of(&ics) {
        if rec.gyr.is_none() {
            bouts.push((bout, false));
            continue;
        }
        let inside: Vec<f64> = bout
            .iter()
            .flatten()
            .copied()
            .filter(|t| {
                // The sequences are in time order and apart: the last one starting by `t`.
                let k = sequences.partition_point(|(s, _)| s <= t);
                k > 0 && *t <= sequences[k - 1].1
            })
            .collect();
        let trimmed = bouts_of(&inside);
        if trimmed.is_empty() {
            bouts.push((bout, false));
        } else {
            bouts.extend(trimmed.into_iter().map(|b| (b, true)));
        }
    }
    // A "step" longer than the leg is the trunk rising or falling (standing up, sitting down):
    // the bouts are split there and put through the rules again.
    let bouts = bouts.into_iter().flat_map(|(b, in_sequence)| {
        split_at_rises(&b, rec, sensor_height_m)
            .into_iter()
            .map(move |b| (b, in_sequence))
    });
    for (bout, in_sequence) in bouts {
        let pairs: Vec<(f64, f64)> = bout
            .iter()
            .flat_map(|run| run.windows(2).map(|w| (w[0], w[1])))
            .collect();
        let times: Vec<f64> = pairs.iter().map(|(a, b)| b - a).collect();
        let first = (bout[0][0] * fs) as usize;
        let last = ((bout[bout.len() - 1][bout[bout.len() - 1].len() - 1] * fs) as usize + 1)
            .min(rec.acc.len());
        let own = bout_vertical(&rec.acc[first..last]);
        let lengths: Vec<f64> = pairs
            .iter()
            .map(|(a, b)| {
                let (from, to) = step_samples(*a, *b, fs, first);
                step_length(&own, fs, from, to, sensor_height_m)
            })
            .collect();
        for (((a, _), t), l) in pairs.iter().zip(&times).zip(&lengths) {
            g.steps.push(Step {
                start_s: *a,
                time_s: *t,
                length_m: *l,
            });
        }
        // Cadence from the middle half of the step times: a missed or an extra contact moves
        // it little, and averaging keeps the timing finer than one sample.
        let step_s = interquartile_mean(&times);
        let cadence = 60.0 / step_s;
        let (mean_t, sd) = mean_sd(&times);
        // Stride from the middle half of the step lengths too: turns' short steps count as in
        // the lab's average, a missed or an extra contact's odd step does not.
        let stride = 2.0 * interquartile_mean(&lengths);
        let start_s = bout[0][0];
        let end_s = bout[bout.len() - 1][bout[bout.len() - 1].len() - 1];
        let (regularity, symmetry) = g.regularity(start_s, end_s, step_s);
        // The Mobilise-D measures: the steps over the whole bout, each break between runs one
        // slow, short step (its pendulum length, at most the typical step's).
        let break_lengths: Vec<f64> = bout
            .windows(2)
            .map(|w| {
                let (from, to) = step_samples(w[0][w[0].len() - 1], w[1][0], fs, first);
                step_length(&own, fs, from, to, sensor_height_m)
            })
            .collect();
        let mut std = standard(&bout, step_s, stride / 2.0, &break_lengths);
        // The second detector's contacts (count.rs), found as mobgap's cadence finds them: Amble's
        // contacts come more often than the steps in slow turns. Inside a gait sequence its
        // steps are the ones counted (the distance and so the speed stay; the stride is the
        // distance over the steps counted); in every bout the cadence is its strides' median
        // rate, as the reference takes its cadence from its strides.
        let found: Vec<f64> = count::contacts(&rec.acc[first..last], fs)
            .into_iter()
            .map(|t| t + first as f64 / fs)
            .filter(|t| (start_s..=end_s).contains(t))
            .collect();
        if let (true, Some(s), Some(c)) = (
            in_sequence,
            std.as_mut(),
            count::counted_spm(&found, STEP_MIN_S, STEP_MAX_S),
        ) {
            s.cadence_spm = c;
            s.stride_length_m = 120.0 * s.speed_mps / c;
        }
        let counted_spm = std.map_or(cadence, |s| s.cadence_spm);
        let cadence_spm = count::stride_rate(&found, STEP_MIN_S, STEP_MAX_S).unwrap_or(counted_spm);
        g.bouts.push(Bout {
            start_s,
            end_s,
            steps: steps_counted(counted_spm, end_s - start_s),
            cadence_spm,
            stride_length_m: std.map_or(stride, |s| s.stride_length_m),
            speed_mps: std.map_or(stride * cadence / 120.0, |s| s.speed_mps),
            walked_cadence_spm: cadence,
            step_time_cv: sd / mean_t,
            regularity,
            symmetry,
        });
    }
    g.initial_contacts_s = ics;
    g
}

/// A bout's runs split at each "step" the pendulum makes longer than the leg (the sensor's
/// height): a step as long as the leg is already a fast stride (walking's steps are about 0.7-0.8
/// of the leg), so the trunk rising or falling that far between two contacts is standing up,
/// sitting down or a stair rather than a step on the level. The pieces are put through the bout
/// rules again (a lone contact left at a bout's end drops out).
fn split_at_rises(bout: &[Vec<f64>], rec: &Recording, l: f64) -> Vec<Vec<Vec<f64>>> {
    let fs = rec.fs;
    let (Some(s0), Some(e0)) = (
        bout.first().and_then(|r| r.first()),
        bout.last().and_then(|r| r.last()),
    ) else {
        return Vec::new();
    };
    let first = (s0 * fs) as usize;
    let last = ((e0 * fs) as usize + 1).min(rec.acc.len());
    let own = bout_vertical(&rec.acc[first..last]);
    let mut runs: Vec<Vec<f64>> = Vec::new();
    let mut split = false;
    for run in bout {
        let mut cur = vec![run[0]];
        for w in run.windows(2) {
            let (from, to) = step_samples(w[0], w[1], fs, first);
            if step_length(&own, fs, from, to, l) > l {
                split = true;
                runs.push(std::mem::take(&mut cur));
            }
            cur.push(w[1]);
        }
        runs.push(cur);
    }
    if !split {
        return vec![bout.to_vec()];
    }
    assemble(runs)
}

/// The whole steps a cadence (steps/min) counts over `duration_s` (0 for a figure that is not
/// a finite, positive number).
fn steps_counted(cadence_spm: f64, duration_s: f64) -> usize {
    let steps = (cadence_spm * duration_s / 60.0).round();
    if steps.is_finite() && steps > 0.0 {
        steps as usize
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rise_longer_than_the_leg_is_no_step() {
        // Steps of 0.5 s from 1 s to 5 s, the trunk rising and falling 3 cm over each; over the
        // first, 60 cm (standing up: the pendulum makes it about 2 m, over the 0.9 m leg).
        let (fs, l) = (100.0, 0.9);
        let w = std::f64::consts::TAU / 0.5;
        let acc: Vec<[f64; 3]> = (0..600)
            .map(|i| {
                let t = f64::from(i) / fs;
                let h = if (1.0..1.5).contains(&t) { 0.6 } else { 0.03 };
                [0.0, 0.0, 9.81 + h / 2.0 * w * w * (w * (t - 1.0)).cos()]
            })
            .collect();
        let rec = Recording { fs, acc, gyr: None };
        let contacts = steps(1.0, 9, 0.5);
        let out = split_at_rises(std::slice::from_ref(&contacts), &rec, l);
        assert_eq!(out, vec![vec![contacts[1..].to_vec()]], "the rise left out");
        // Without the rise the bout stays as it is.
        let out = split_at_rises(&[contacts[1..].to_vec()], &rec, l);
        assert_eq!(out, vec![vec![contacts[1..].to_vec()]]);
    }

    /// A walk's vertical acceleration: a wave per step, and for a limp a wave per stride on top.
    fn gait_of(step_s: f64, limp: f64) -> Gait {
        let fs = 100.0;
        let vertical = (0..2000)
            .map(|i| {
                let t = f64::from(i) / fs;
                (std::f64::consts::TAU * t / step_s).cos()
                    + limp * (std::f64::consts::TAU * t / (2.0 * step_s)).cos()
            })
            .collect();
        Gait {
            sample_rate_hz: fs,
            duration_s: 20.0,
            initial_contacts_s: Vec::new(),
            bouts: Vec::new(),
            steps: Vec::new(),
            turns: Vec::new(),
            vertical,
        }
    }

    #[test]
    fn regularity_is_read_at_the_autocorrelations_peaks() {
        // Even steps of 0.5 s, the typical step time estimated 10 % long: the peaks are found
        // (at the fixed lags the step regularity would read 0.81 and the stride's 0.31).
        let g = gait_of(0.5, 0.0);
        let (reg, sym) = g.regularity(0.0, 20.0, 0.55);
        assert!(reg > 0.95, "{reg}");
        assert!(sym.is_some_and(|s| s > 0.95), "{sym:?}");
        // A limp (every other step unlike): the steps repeat less than the strides.
        let g = gait_of(0.5, 0.8);
        let (reg, sym) = g.regularity(0.0, 20.0, 0.5);
        let sym = sym.unwrap_or(f64::NAN);
        assert!(reg < 0.5 && (0.0..0.6).contains(&sym), "{reg} {sym}");
    }

    #[test]
    fn symmetry_is_the_regularity_ratio_or_unknown() {
        assert_eq!(symmetry(0.45, 0.9), Some(0.5));
        assert_eq!(symmetry(0.9, 0.9), Some(1.0));
        assert_eq!(symmetry(0.95, 0.9), Some(1.0), "steps as alike as strides");
        assert_eq!(
            symmetry(-0.1, 0.5),
            Some(0.0),
            "strides repeat, steps do not"
        );
        assert_eq!(symmetry(0.1, 0.0), None, "no stride to compare with");
        assert_eq!(symmetry(0.1, -0.002), None);
        assert_eq!(symmetry(f64::NAN, 0.5), None);
    }

    #[test]
    fn no_bouts_are_no_walking_not_minus_zero() {
        let g = Gait {
            sample_rate_hz: 100.0,
            duration_s: 10.0,
            initial_contacts_s: Vec::new(),
            bouts: Vec::new(),
            steps: Vec::new(),
            turns: Vec::new(),
            vertical: Vec::new(),
        };
        let w = g.walking_s();
        assert_eq!(w, 0.0);
        assert!(w.is_sign_positive(), "{w:?}");
        assert_eq!(format!("{w}"), "0");
    }

    #[test]
    fn steps_are_the_ones_the_cadence_counts() {
        // 93.8 steps/min over 5.4 s are 8.44 steps: 8.
        assert_eq!(steps_counted(93.8, 5.4), 8);
        assert_eq!(steps_counted(120.0, 10.0), 20);
        assert_eq!(steps_counted(f64::NAN, 10.0), 0);
        assert_eq!(steps_counted(100.0, -1.0), 0);
    }

    fn steps(from: f64, n: usize, step: f64) -> Vec<f64> {
        (0..n).map(|k| from + k as f64 * step).collect()
    }

    #[test]
    fn bouts_follow_the_mobilise_d_rules() {
        // 4 contacts (2 strides), a 2 s break, 5 contacts (3 strides): one bout of 5 strides.
        let mut ics = steps(0.0, 4, 0.5);
        ics.extend(steps(3.5, 5, 0.5));
        let b = bouts_of(&ics);
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].len(), 2, "two runs, the break is not a step");
        // The same with a 4 s break: two bouts, each too short.
        let mut ics = steps(0.0, 4, 0.5);
        ics.extend(steps(5.5, 5, 0.5));
        assert!(bouts_of(&ics).is_empty());
        // 6 contacts in a row are 4 strides: a bout; 5 are not.
        assert_eq!(bouts_of(&steps(0.0, 6, 0.55)).len(), 1);
        assert!(bouts_of(&steps(0.0, 5, 0.55)).is_empty());
        // Contacts too close or too far apart for walking are not steps.
        assert!(bouts_of(&steps(0.0, 20, 0.2)).is_empty());
        assert!(bouts_of(&steps(0.0, 20, 1.5)).is_empty());
    }
}
