//! The drift words checked on many simulated walks: a steady walk must rarely be told it
//! changed, and a real change must usually be named. Fixed seeds; targets in docs/gait.md.
//!
//!     cargo test -p amble-core --test gait_words -- --nocapture

use amble_core::gait::{GaitWindow, WalkGait};

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

/// A walk of `minutes` windows, each measure with `noise` per window; step length falls by
/// `drop` (a fraction) in a straight line over the last 10 minutes.
fn walk(rng: &mut Rng, minutes: usize, noise: f64, drop: f64) -> WalkGait {
    let windows: Vec<GaitWindow> = (0..minutes)
        .map(|k| {
            let into_last = (k as f64 - (minutes as f64 - 11.0)).max(0.0) / 10.0;
            let stride = 1.2 * (1.0 - drop * into_last) * (1.0 + noise * rng.normal());
            let cadence = 105.0 * (1.0 + noise * rng.normal());
            GaitWindow {
                start_s: 60.0 * k as f64,
                cadence_spm: cadence,
                stride_length_m: stride,
                speed_mps: stride * cadence / 120.0,
                step_time_cv: 0.03,
                symmetry: Some(0.9),
            }
        })
        .collect();
    WalkGait {
        file: "sim.csv".into(),
        walking_s: 60.0 * minutes as f64,
        steps: 105 * minutes as u64,
        cadence_spm: 105.0,
        stride_length_m: 1.2,
        speed_mps: 1.05,
        step_time_cv: 0.03,
        symmetry: Some(0.9),
        windows,
        deterioration_onset_s: None,
    }
}

const WALKS: usize = 1000;

#[test]
fn steady_walks_are_rarely_told_they_changed() {
    for noise in [0.03, 0.05] {
        let mut rng = Rng(0x1234_5678_9abc_def1);
        let mut claims = [0usize; 3];
        for k in 0..WALKS {
            let minutes = [5, 12, 20, 40][k % 4];
            let words = walk(&mut rng, minutes, noise, 0.0).drift_in_words();
            for (i, w) in words.iter().enumerate() {
                if !w.contains("about the same") {
                    claims[i] += 1;
                }
            }
        }
        eprintln!(
            "steady walks, {:.0} % noise per minute: a change claimed for step length {}, step rate {}, speed {} of {WALKS}",
            noise * 100.0,
            claims[0],
            claims[1],
            claims[2]
        );
        for c in claims {
            assert!(c as f64 <= 0.03 * WALKS as f64, "{c} at {noise}");
        }
    }
}

#[test]
fn a_real_shortening_is_named() {
    for (drop, named_at_least) in [(0.10, 0.7), (0.15, 0.97)] {
        let mut rng = Rng(0x0fed_cba9_8765_4321);
        let mut named = 0;
        let mut wrong_way = 0;
        for _ in 0..WALKS {
            let words = walk(&mut rng, 25, 0.03, drop).drift_in_words();
            if words[0].starts_with("Your steps shortened") {
                named += 1;
            }
            if words[0].starts_with("Your steps lengthened") {
                wrong_way += 1;
            }
        }
        eprintln!(
            "step length {:.0} % shorter over the last 10 minutes, 3 % noise: named in {named} of {WALKS} ({wrong_way} the wrong way)",
            drop * 100.0
        );
        assert!(
            named as f64 >= named_at_least * WALKS as f64,
            "{drop}: {named}"
        );
        assert_eq!(wrong_way, 0);
    }
}
