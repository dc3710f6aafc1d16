//! Walking bouts from the contacts (Mobilise-D bout rules) and their measures.

use crate::contacts::{STEP_MIN_S, contacts_in, vertical};
use crate::input::Recording;
use crate::pendulum::step_length;
use crate::stats::{autocorr, interquartile_mean, mean_sd, median};

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
    pub steps: usize,
    pub cadence_spm: f64,
    pub stride_length_m: f64,
    pub speed_mps: f64,
    pub step_time_cv: f64,
    /// Step regularity: the autocorrelation of vertical acceleration at one step's lag
    /// (Moe-Nilssen & Helbostad, J Biomech 2004).
    pub regularity: f64,
    /// Step regularity over stride regularity (1: both steps alike).
    pub symmetry: f64,
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
    /// The vertical acceleration (for measures over any stretch of the walk).
    pub(crate) vertical: Vec<f64>,
}

impl Gait {
    /// Seconds spent walking (the bouts' lengths).
    pub fn walking_s(&self) -> f64 {
        self.bouts.iter().map(|b| b.end_s - b.start_s).sum()
    }

    /// Step regularity and symmetry of the stretch from `start_s` to `end_s`, for steps of
    /// `step_s` seconds.
    pub(crate) fn regularity(&self, start_s: f64, end_s: f64, step_s: f64) -> (f64, f64) {
        let fs = self.sample_rate_hz;
        let v = &self.vertical;
        let from = ((start_s * fs) as usize).min(v.len());
        let to = ((end_s * fs) as usize).clamp(from, v.len());
        let seg = &v[from..to];
        let lag = (step_s * fs).round() as usize;
        let step_reg = autocorr(seg, lag);
        let stride_reg = autocorr(seg, 2 * lag);
        let symmetry = if stride_reg > 0.0 {
            (step_reg / stride_reg).clamp(0.0, 1.0)
        } else {
            0.0
        };
        (step_reg, symmetry)
    }
}

/// Runs of contacts whose step times look like walking; a long pause or an odd step ends a run.
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
    // n contacts make n − 2 strides (each contact but the last two starts one).
    runs.retain(|r| r.len() >= MIN_STRIDES + 2);
    runs
}

/// Walking bouts and their measures, for a sensor `sensor_height_m` above the ground.
pub fn analyse(rec: &Recording, sensor_height_m: f64) -> Gait {
    let fs = rec.fs;
    let v = vertical(rec);
    let ics: Vec<f64> = contacts_in(&v, fs).into_iter().map(|i| i / fs).collect();
    let mut g = Gait {
        sample_rate_hz: fs,
        duration_s: rec.acc.len() as f64 / fs,
        initial_contacts_s: Vec::new(),
        bouts: Vec::new(),
        steps: Vec::new(),
        vertical: v,
    };
    for run in runs(&ics) {
        let times: Vec<f64> = run.windows(2).map(|w| w[1] - w[0]).collect();
        let lengths: Vec<f64> = run
            .windows(2)
            .map(|w| {
                step_length(
                    &g.vertical,
                    fs,
                    (w[0] * fs) as usize,
                    (w[1] * fs) as usize,
                    sensor_height_m,
                )
            })
            .collect();
        for ((w, t), l) in run.windows(2).zip(&times).zip(&lengths) {
            g.steps.push(Step {
                start_s: w[0],
                time_s: *t,
                length_m: *l,
            });
        }
        // Cadence from the middle half of the step times: a missed or an extra contact moves
        // it little, and averaging keeps the timing finer than one sample.
        let step_s = interquartile_mean(&times);
        let cadence = 60.0 / step_s;
        let (mean_t, sd) = mean_sd(&times);
        let stride = 2.0 * median(&lengths);
        let (start_s, end_s) = (run[0], run[run.len() - 1]);
        let (regularity, symmetry) = g.regularity(start_s, end_s, step_s);
        g.bouts.push(Bout {
            start_s,
            end_s,
            steps: run.len(),
            cadence_spm: cadence,
            stride_length_m: stride,
            speed_mps: stride * cadence / 120.0,
            step_time_cv: sd / mean_t,
            regularity,
            symmetry,
        });
    }
    g.initial_contacts_s = ics;
    g
}
