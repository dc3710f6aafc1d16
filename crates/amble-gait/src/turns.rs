//! Turns from the gyroscope, where the recording has one: the rate of turning about the vertical,
//! smoothed, its peaks over 15 deg/s each taken out to where it falls under 5 deg/s, turns of
//! 0.5-10 s through at least 45° kept (after El-Gohary et al., Sensors 14:356, 2014, as mobgap's
//! `TdElGohary` sets it; mobgap, Apache-2.0, <https://github.com/mobilise-d/mobgap>,
//! `turning/_td_elgohary.py`; this code is Amble's own).
//!
//! mobgap takes the sensor's own vertical axis and smooths with a 0.5 Hz Butterworth filter; here
//! the vertical is gravity's direction (as for the contacts, so a phone at any angle reads the
//! same turns) and the smoothing two 1 s moving averages in a row (a triangle of 2 s, about
//! the same 0.45 Hz cut-off; no filter crate needed).

use crate::input::Recording;
use crate::signal::moving_average;

/// A turning rate over this is a turn's peak (deg/s).
pub const TURN_PEAK_DPS: f64 = 15.0;
/// A turn lasts while the turning rate is over this (deg/s).
const TURN_EDGE_DPS: f64 = 5.0;
/// The least angle of a turn (degrees).
pub const TURN_MIN_DEG: f64 = 45.0;
/// A turn's shortest and longest duration (s).
const TURN_DURATION_S: (f64, f64) = (0.5, 10.0);

/// A turn: when it started and ended (s), and its angle (degrees; positive to the left of the
/// sensor's up, the sign means nothing on a phone turned over).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Turn {
    pub start_s: f64,
    pub end_s: f64,
    pub angle_deg: f64,
}

/// The rate of turning about the vertical (deg/s): the gyroscope projected on gravity's
/// direction (`gravity`, one series per axis, any length).
fn yaw_rate(gyr: &[[f64; 3]], g: &[Vec<f64>; 3]) -> Vec<f64> {
    gyr.iter()
        .enumerate()
        .map(|(i, w)| {
            let (x, y, z) = (g[0][i], g[1][i], g[2][i]);
            let n = (x * x + y * y + z * z).sqrt().max(1e-9);
            (w[0] * x + w[1] * y + w[2] * z) / n
        })
        .collect()
}

/// The turns of a recording with a gyroscope (none without one), given gravity's direction per
/// sample (one series per axis).
pub(crate) fn turns(rec: &Recording, gravity: &[Vec<f64>; 3]) -> Vec<Turn> {
    let Some(gyr) = rec.gyr.as_deref() else {
        return Vec::new();
    };
    if gyr.is_empty() || gravity.iter().any(|g| g.len() != gyr.len()) {
        return Vec::new();
    }
    let fs = rec.fs;
    let yaw = yaw_rate(gyr, gravity);
    let w = fs.round().max(1.0) as usize;
    let smooth = moving_average(&moving_average(&yaw, w), w);
    let abs: Vec<f64> = smooth.iter().map(|x| x.abs()).collect();
    // The yaw angle, integrated from the raw rate (trapezoids).
    let mut angle = Vec::with_capacity(yaw.len());
    let mut a = 0.0;
    angle.push(0.0);
    for k in 1..yaw.len() {
        a += 0.5 * (yaw[k - 1] + yaw[k]) / fs;
        angle.push(a);
    }
    // Each peak over the threshold, widened to where the rate falls under the edge.
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let n = abs.len();
    for i in 1..n.saturating_sub(1) {
        if abs[i] > TURN_PEAK_DPS && abs[i] >= abs[i - 1] && abs[i] > abs[i + 1] {
            if spans.last().is_some_and(|&(_, end)| i < end) {
                continue;
            }
            let mut s = i;
            while s > 0 && abs[s - 1] >= TURN_EDGE_DPS {
                s -= 1;
            }
            let mut e = i;
            while e + 1 < n && abs[e + 1] >= TURN_EDGE_DPS {
                e += 1;
            }
            spans.push((s, e + 1));
        }
    }
    // Neighbouring spans turning the same way, closer than 0.05 s, are one turn.
    let gap = (0.05 * fs).round() as usize;
    let sign = |(s, e): (usize, usize)| (angle[e - 1] - angle[s]).signum();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for span in spans {
        match merged.last_mut() {
            Some(last) if span.0 <= last.1 + gap && sign(*last) == sign(span) => {
                last.1 = last.1.max(span.1);
            }
            _ => merged.push(span),
        }
    }
    merged
        .into_iter()
        .map(|(s, e)| Turn {
            start_s: s as f64 / fs,
            end_s: e as f64 / fs,
            angle_deg: angle[e - 1] - angle[s],
        })
        .filter(|t| {
            let d = t.end_s - t.start_s;
            (TURN_DURATION_S.0..=TURN_DURATION_S.1).contains(&d)
                && t.angle_deg.abs() >= TURN_MIN_DEG
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(yaw_dps: impl Fn(f64) -> f64, seconds: f64) -> (Recording, [Vec<f64>; 3]) {
        let fs = 100.0;
        let n = (seconds * fs) as usize;
        let acc = vec![[0.0, 0.0, 9.81]; n];
        // The sensor's x axis is vertical here: gravity along x.
        let gyr = (0..n)
            .map(|i| [yaw_dps(i as f64 / fs), 3.0, -2.0])
            .collect();
        let gravity = [vec![9.81; n], vec![0.0; n], vec![0.0; n]];
        (
            Recording {
                fs,
                acc,
                gyr: Some(gyr),
            },
            gravity,
        )
    }

    #[test]
    fn a_half_turn_is_found_with_its_angle() {
        // 180° over 2 s (90 deg/s), from 5 s to 7 s, in 12 s of walking straight.
        let (r, g) = rec(|t| if (5.0..7.0).contains(&t) { 90.0 } else { 0.0 }, 12.0);
        let t = turns(&r, &g);
        assert_eq!(t.len(), 1, "{t:?}");
        assert!((t[0].angle_deg - 180.0).abs() < 5.0, "{t:?}");
        assert!(t[0].start_s > 3.0 && t[0].start_s < 5.0, "{t:?}");
        assert!(t[0].end_s > 7.0 && t[0].end_s < 9.0, "{t:?}");
    }

    #[test]
    fn small_sways_and_no_gyro_are_no_turns() {
        // A sway of ±20 deg/s at the stride's rhythm turns nowhere.
        let (r, g) = rec(|t| 20.0 * (std::f64::consts::TAU * t).sin(), 12.0);
        assert!(turns(&r, &g).is_empty());
        // 30° slowly: under the least angle.
        let (r, g) = rec(|t| if (2.0..4.0).contains(&t) { 15.0 } else { 0.0 }, 12.0);
        assert!(turns(&r, &g).is_empty());
        let (mut r, g) = rec(|_| 90.0, 12.0);
        r.gyr = None;
        assert!(turns(&r, &g).is_empty());
    }
}
