//! Gait from one inertial sensor at the lower back or a phone (contract §10): the vertical
//! found from gravity (any orientation), initial contacts from the smoothed, integrated vertical
//! acceleration (after McCamley et al., Gait Posture 2012), walking bouts by the Mobilise-D rules
//! (at least 4 strides, a pause over 3 s ends a bout), with a gyroscope turns (after El-Gohary
//! et al., Sensors 2014) and gait sequences widened over them that cut the bouts to their
//! walking (after Paraschiv-Ionescu et al., J NeuroEng Rehabil 2019; both as mobgap sets them),
//! cadence, stride length and speed per bout by the Mobilise-D definitions (cadence the median
//! rate of the bout's strides, as the lab reference takes its cadence from its strides; the
//! steps over the whole bout, pauses included, for stride and speed; the strides, and inside
//! gait sequences the steps, from a second contact detector after mobgap's improved HKLee), step length
//! from the inverted pendulum (Zijlstra & Hof, Gait Posture 2003), regularity and symmetry from
//! the autocorrelation (Moe-Nilssen & Helbostad, J Biomech 2004), and the drift over a walk.
//! Pure: text or samples in, numbers out.

mod bouts;
mod contacts;
mod count;
mod drift;
mod gsd;
mod input;
mod mobilised;
mod pendulum;
mod signal;
mod stats;
mod turns;

pub use bouts::{Bout, Gait, MIN_STRIDES, PAUSE_S, STEP_MAX_S, Step, analyse};
pub use contacts::{STEP_MIN_S, initial_contacts, vertical};
pub use drift::{Drift, MIN_WALKING_S, ONSET_DROP, Window, deterioration_onset, drift};
pub use input::{
    CsvOptions, Format, GyroUnit, InFile, MAX_GRID_FACTOR, MAX_GYR_DPS, MAX_RATE_HZ, MAX_SECONDS,
    MIN_RATE_HZ, MIN_SECONDS, Recording, SensorLoggerFiles, detect, parse_csv, parse_phyphox,
    parse_sensor_logger, parse_sensor_logger_with_gyroscope,
};
pub use pendulum::PENDULUM_FACTOR;
pub use signal::{gaussian_derivative, moving_average};
pub use turns::{TURN_MIN_DEG, TURN_PEAK_DPS, Turn};

/// Standard gravity, m/s².
pub const G: f64 = 9.80665;

/// Why a recording cannot be read.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum GaitError {
    #[error("line {line}: {message}")]
    Parse { line: usize, message: String },
    #[error("{0}")]
    Input(String),
}
