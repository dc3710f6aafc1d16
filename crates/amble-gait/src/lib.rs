//! Gait from one inertial sensor at the lower back (contract §10), first version: the vertical
//! found from gravity (any orientation), initial contacts from the smoothed, integrated vertical
//! acceleration (after McCamley et al., Gait Posture 2012), walking bouts by the Mobilise-D rules
//! (at least 4 strides, a pause over 3 s ends a bout), cadence from the contacts, and step
//! length from the inverted pendulum (Zijlstra & Hof, Gait Posture 2003). Pure: samples in,
//! numbers out.

mod signal;

pub use signal::{gaussian_derivative, moving_average};

/// Standard gravity, m/s².
pub const G: f64 = 9.80665;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum GaitError {
    #[error("line {line}: {message}")]
    Parse { line: usize, message: String },
    #[error("{0}")]
    Input(String),
}

/// A recording: sampling rate and acceleration (m/s², sensor axes, gravity included).
#[derive(Debug, Clone, PartialEq)]
pub struct Recording {
    pub fs: f64,
    pub acc: Vec<[f64; 3]>,
}

/// Reads the contract's CSV: a header with `time_s,acc_x,acc_y,acc_z` (gyro columns allowed and
/// unused for now); `acc_in_g` for accelerations in g.
pub fn parse_csv(text: &str, acc_in_g: bool) -> Result<Recording, GaitError> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let (_, header) = lines
        .next()
        .ok_or_else(|| GaitError::Input("the file is empty".into()))?;
    let cols: Vec<&str> = header.split(',').map(str::trim).collect();
    let at = |name: &str| {
        cols.iter()
            .position(|c| *c == name)
            .ok_or_else(|| GaitError::Parse {
                line: 1,
                message: format!("expected a column {name:?} in the header"),
            })
    };
    let (t, x, y, z) = (at("time_s")?, at("acc_x")?, at("acc_y")?, at("acc_z")?);
    let mut times = Vec::new();
    let mut acc = Vec::new();
    let scale = if acc_in_g { G } else { 1.0 };
    for (i, line) in lines {
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        let num = |k: usize, name: &str| -> Result<f64, GaitError> {
            cells
                .get(k)
                .and_then(|c| c.parse::<f64>().ok())
                .filter(|v| v.is_finite())
                .ok_or_else(|| GaitError::Parse {
                    line: i + 1,
                    message: format!("{name}: expected a number"),
                })
        };
        times.push(num(t, "time_s")?);
        acc.push([
            num(x, "acc_x")? * scale,
            num(y, "acc_y")? * scale,
            num(z, "acc_z")? * scale,
        ]);
    }
    if times.len() < 2 {
        return Err(GaitError::Input("too few samples".into()));
    }
    let span = times[times.len() - 1] - times[0];
    if span.is_nan() || span <= 0.0 {
        return Err(GaitError::Input("time_s must increase".into()));
    }
    let fs = (times.len() - 1) as f64 / span;
    if fs < 20.0 {
        return Err(GaitError::Input(format!(
            "the sampling rate is {fs:.1} Hz; at least 20 Hz is needed"
        )));
    }
    if span < 5.0 {
        return Err(GaitError::Input(format!(
            "the recording is {span:.1} s long; at least 5 s is needed"
        )));
    }
    Ok(Recording { fs, acc })
}

/// Vertical acceleration without gravity (m/s², up positive): each sample projected on the
/// direction of gravity, estimated as the mean over a few seconds around it.
pub fn vertical(rec: &Recording) -> Vec<f64> {
    let w = (4.0 * rec.fs).round() as usize;
    let comp = |k: usize| rec.acc.iter().map(|a| a[k]).collect::<Vec<f64>>();
    let (gx, gy, gz) = (
        moving_average(&comp(0), w),
        moving_average(&comp(1), w),
        moving_average(&comp(2), w),
    );
    rec.acc
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let n = (gx[i] * gx[i] + gy[i] * gy[i] + gz[i] * gz[i])
                .sqrt()
                .max(1e-9);
            (a[0] * gx[i] + a[1] * gy[i] + a[2] * gz[i]) / n - n
        })
        .collect()
}

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

/// The unbiased autocorrelation of `x` at `lag`, normalised to 1 at lag 0.
fn autocorr(x: &[f64], lag: usize) -> f64 {
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
}

/// One window of walking for the drift.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    pub start_s: f64,
    pub cadence_spm: f64,
    pub stride_length_m: f64,
    pub speed_mps: f64,
    pub step_time_cv: f64,
}

/// How gait changes over a walk: per-window values and straight-line changes per 10 minutes.
#[derive(Debug, Clone, PartialEq)]
pub struct Drift {
    pub window_s: f64,
    pub cadence_spm_per_10min: f64,
    pub stride_length_m_per_10min: f64,
    pub speed_mps_per_10min: f64,
    pub step_time_cv_change: f64,
    pub windows: Vec<Window>,
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The slope of `y` over `x` (least squares), per unit of `x`.
fn slope(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let sxx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    if sxx > 0.0 { sxy / sxx } else { 0.0 }
}

/// The drift over walking windows of `window_s` seconds of steps; `None` for less than 3
/// minutes of walking (contract §10).
pub fn drift(g: &Gait, window_s: f64) -> Option<Drift> {
    let walking: f64 = g.steps.iter().map(|s| s.time_s).sum();
    if walking < 180.0 {
        return None;
    }
    let mut windows = Vec::new();
    let mut chunk: Vec<Step> = Vec::new();
    let mut span = 0.0;
    for s in &g.steps {
        chunk.push(*s);
        span += s.time_s;
        if span >= window_s {
            let mut times: Vec<f64> = chunk.iter().map(|s| s.time_s).collect();
            let mut lens: Vec<f64> = chunk.iter().map(|s| s.length_m).collect();
            let mean_t = times.iter().sum::<f64>() / times.len() as f64;
            let sd = (times.iter().map(|t| (t - mean_t).powi(2)).sum::<f64>() / times.len() as f64)
                .sqrt();
            let cadence = 60.0 / median(&mut times);
            let stride = 2.0 * median(&mut lens);
            windows.push(Window {
                start_s: chunk[0].start_s,
                cadence_spm: cadence,
                stride_length_m: stride,
                speed_mps: stride * cadence / 120.0,
                step_time_cv: sd / mean_t,
            });
            chunk.clear();
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
        windows,
    })
}

/// Shortest and longest step time taken for walking, seconds.
const STEP_MIN_S: f64 = 0.25;
const STEP_MAX_S: f64 = 1.25;
/// A pause longer than this ends a bout (Mobilise-D).
const PAUSE_S: f64 = 3.0;
/// Fewest strides in a bout (Mobilise-D).
const MIN_STRIDES: usize = 4;
/// The inverted pendulum's correction factor (Zijlstra & Hof 2003 report about 1.25 for
/// walking; later lower-back work uses 1.1-1.25).
const PENDULUM_FACTOR: f64 = 1.25;

/// Initial contacts (seconds): minima of the integrated vertical acceleration smoothed by a
/// Gaussian derivative, the moments the body stops falling onto the new foot.
pub fn initial_contacts(rec: &Recording) -> Vec<f64> {
    let fs = rec.fs;
    let v = vertical(rec);
    // Integrate, remove the slow drift, then differentiate with a Gaussian (a smoothed slope).
    let mut u = Vec::with_capacity(v.len());
    let mut acc = 0.0;
    for x in &v {
        acc += x / fs;
        u.push(acc);
    }
    let trend = moving_average(&u, (1.0 * fs).round() as usize);
    let u: Vec<f64> = u.iter().zip(&trend).map(|(a, b)| a - b).collect();
    let d: Vec<f64> = gaussian_derivative(&u, 0.06 * fs)
        .iter()
        .map(|x| -x)
        .collect();
    // Minima well below the typical swing of the signal.
    let mut mags: Vec<f64> = d.iter().map(|x| x.abs()).collect();
    mags.sort_by(f64::total_cmp);
    let typical = mags[mags.len() * 9 / 10];
    let threshold = -0.25 * typical;
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
    ics.into_iter().map(|i| i as f64 / fs).collect()
}

/// Step lengths by the inverted pendulum, one per step between consecutive contacts: the
/// vertical excursion `h` of the sensor over the step (double-integrated, drift removed) and the
/// sensor's height `l` above the ground.
fn step_length(v: &[f64], fs: f64, from: usize, to: usize, l: f64) -> f64 {
    let seg = &v[from..to.min(v.len())];
    if seg.len() < 3 {
        return 0.0;
    }
    // Velocity with its mean removed (no net vertical velocity over a step), then position
    // with its linear trend removed.
    let mut vel: Vec<f64> = Vec::with_capacity(seg.len());
    let mut s = 0.0;
    for a in seg {
        s += a / fs;
        vel.push(s);
    }
    let mv = vel.iter().sum::<f64>() / vel.len() as f64;
    let mut pos = Vec::with_capacity(seg.len());
    let mut p = 0.0;
    for x in &vel {
        p += (x - mv) / fs;
        pos.push(p);
    }
    let n = pos.len() as f64;
    let (first, last) = (pos[0], pos[pos.len() - 1]);
    let detrended: Vec<f64> = pos
        .iter()
        .enumerate()
        .map(|(i, x)| x - (first + (last - first) * i as f64 / (n - 1.0)))
        .collect();
    let h = detrended.iter().cloned().fold(f64::MIN, f64::max)
        - detrended.iter().cloned().fold(f64::MAX, f64::min);
    let inside = (2.0 * l * h - h * h).max(0.0);
    PENDULUM_FACTOR * 2.0 * inside.sqrt()
}

/// Walking bouts and their measures, for a sensor `sensor_height_m` above the ground.
pub fn analyse(rec: &Recording, sensor_height_m: f64) -> Gait {
    let ics = initial_contacts(rec);
    let v = vertical(rec);
    let fs = rec.fs;
    // Runs of contacts whose step times look like walking; a long pause or an odd step ends a
    // run.
    let mut runs: Vec<Vec<f64>> = Vec::new();
    let mut cur: Vec<f64> = Vec::new();
    for &t in &ics {
        match cur.last() {
            Some(&prev) if (STEP_MIN_S..=STEP_MAX_S).contains(&(t - prev)) => cur.push(t),
            Some(&prev) if t - prev <= PAUSE_S && t - prev > STEP_MAX_S => {
                runs.push(std::mem::take(&mut cur));
                cur.push(t);
            }
            _ => {
                if !cur.is_empty() {
                    runs.push(std::mem::take(&mut cur));
                }
                cur.push(t);
            }
        }
    }
    runs.push(cur);
    let mut bouts = Vec::new();
    let mut all_steps = Vec::new();
    for run in runs.into_iter().filter(|r| r.len() >= MIN_STRIDES + 2) {
        let steps = run.len() - 1;
        let dur = run[run.len() - 1] - run[0];
        let _ = dur;
        let times: Vec<f64> = run.windows(2).map(|w| w[1] - w[0]).collect();
        // Cadence from the median step time: a missed or an extra contact moves it little.
        let mut sorted = times.clone();
        sorted.sort_by(f64::total_cmp);
        let cadence = 60.0 / sorted[sorted.len() / 2];
        let mean_t = times.iter().sum::<f64>() / times.len() as f64;
        let sd =
            (times.iter().map(|x| (x - mean_t).powi(2)).sum::<f64>() / times.len() as f64).sqrt();
        let lengths: Vec<f64> = run
            .windows(2)
            .map(|w| {
                step_length(
                    &v,
                    fs,
                    (w[0] * fs) as usize,
                    (w[1] * fs) as usize,
                    sensor_height_m,
                )
            })
            .collect();
        for ((w, t), l) in run.windows(2).zip(&times).zip(&lengths) {
            all_steps.push(Step {
                start_s: w[0],
                time_s: *t,
                length_m: *l,
            });
        }
        let mut ls = lengths.clone();
        ls.sort_by(f64::total_cmp);
        let step = ls[ls.len() / 2];
        let stride = 2.0 * step;
        let seg = &v[(run[0] * fs) as usize..((run[run.len() - 1] * fs) as usize).min(v.len())];
        let step_lag = (sorted[sorted.len() / 2] * fs).round() as usize;
        let step_reg = autocorr(seg, step_lag);
        let stride_reg = autocorr(seg, 2 * step_lag);
        bouts.push(Bout {
            regularity: step_reg,
            symmetry: if stride_reg > 0.0 {
                (step_reg / stride_reg).clamp(0.0, 1.0)
            } else {
                0.0
            },
            start_s: run[0],
            end_s: run[run.len() - 1],
            steps: steps + 1,
            cadence_spm: cadence,
            stride_length_m: stride,
            speed_mps: stride * cadence / 120.0,
            step_time_cv: sd / mean_t,
        });
    }
    Gait {
        sample_rate_hz: fs,
        duration_s: rec.acc.len() as f64 / fs,
        initial_contacts_s: ics,
        bouts,
        steps: all_steps,
    }
}
