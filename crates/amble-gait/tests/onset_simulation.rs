//! The "began to slow" rule checked on many simulated walks: steady walks must rarely be called
//! slowing, and a real slowing must be found near where it starts. Window-level simulation
//! (speed per minute with noise), fixed seeds. Targets in docs/gait.md:
//!
//!     cargo test -p amble-gait --test onset_simulation -- --nocapture

use amble_gait::{Drift, Window, deterioration_onset};

/// A small deterministic generator (xorshift) with normal draws (Box-Muller).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.next().max(1e-12), self.next());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

/// A walk of `minutes` one-minute windows at 1.1 m/s with `noise` (a fraction, per window),
/// slowing by `drop` (a fraction) over 3 minutes from minute `from`.
fn walk(rng: &mut Rng, minutes: usize, noise: f64, slowing: Option<(usize, f64)>) -> Drift {
    let windows = (0..minutes)
        .map(|k| {
            let factor = match slowing {
                Some((from, drop)) if k >= from => {
                    1.0 - drop * ((k - from + 1) as f64 / 3.0).min(1.0)
                }
                _ => 1.0,
            };
            let speed = 1.1 * factor * (1.0 + noise * rng.normal());
            Window {
                start_s: 60.0 * k as f64,
                cadence_spm: 105.0,
                stride_length_m: speed * 120.0 / 105.0,
                speed_mps: speed,
                step_time_cv: 0.03,
                symmetry: Some(0.9),
            }
        })
        .collect();
    Drift {
        window_s: 60.0,
        cadence_spm_per_10min: 0.0,
        stride_length_m_per_10min: 0.0,
        speed_mps_per_10min: 0.0,
        step_time_cv_change: 0.0,
        symmetry_change: Some(0.0),
        windows,
    }
}

const WALKS: usize = 1000;

#[test]
fn steady_walks_are_rarely_called_slowing() {
    for (noise, most) in [(0.03, 0.01), (0.05, 0.05)] {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut called = 0;
        for k in 0..WALKS {
            let minutes = [10, 20, 30, 45][k % 4];
            if deterioration_onset(&walk(&mut rng, minutes, noise, None)).is_some() {
                called += 1;
            }
        }
        let rate = called as f64 / WALKS as f64;
        eprintln!(
            "steady walks, {:.0} % noise per minute: {called} of {WALKS} called slowing",
            noise * 100.0
        );
        assert!(rate <= most, "{rate} > {most} at noise {noise}");
    }
}

#[test]
fn a_real_slowing_is_found_near_its_start() {
    for (drop, found_at_least) in [(0.15, 0.95), (0.25, 0.99)] {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        let (mut found, mut errors) = (0, Vec::new());
        for k in 0..WALKS {
            let from = [8, 12, 16, 20][k % 4];
            let d = walk(&mut rng, 30, 0.03, Some((from, drop)));
            if let Some(t) = deterioration_onset(&d) {
                found += 1;
                errors.push(t / 60.0 - from as f64);
            }
        }
        errors.sort_by(f64::total_cmp);
        let median = errors[errors.len() / 2];
        let within = errors.iter().filter(|e| (-1.0..=3.0).contains(*e)).count();
        eprintln!(
            "{:.0} % slowing from minute 8-20 of 30, 3 % noise: found in {found} of {WALKS}; onset median {median:+.0} min from the true start, {within} within -1..+3 min",
            drop * 100.0
        );
        assert!(
            found as f64 >= found_at_least * WALKS as f64,
            "{drop}: {found}"
        );
        assert!((0.0..=2.0).contains(&median), "{drop}: median {median}");
        assert!(
            within as f64 >= 0.9 * found as f64,
            "{drop}: {within} of {found}"
        );
    }
}

/// A slowing that recovers (a stop to chat, a hill) is not where the walk began to slow.
#[test]
fn a_dip_that_recovers_is_not_an_onset() {
    let mut rng = Rng(0xdead_beef_cafe_f00d);
    let mut called = 0;
    for k in 0..WALKS {
        let from = [6, 10, 14][k % 3];
        let mut d = walk(&mut rng, 30, 0.03, Some((from, 0.15)));
        // Back to the usual pace five minutes later.
        for x in d.windows.iter_mut().skip(from + 5) {
            x.speed_mps = 1.1 * (1.0 + 0.03 * rng.normal());
        }
        if deterioration_onset(&d).is_some() {
            called += 1;
        }
    }
    eprintln!("15 % dips for 5 minutes that recover: {called} of {WALKS} called slowing");
    assert!(called as f64 <= 0.01 * WALKS as f64, "{called}");
}
