//! A gait analysis as the `amble.gait/1` document (contract §10) and as the `gait` object
//! stored on a walk.

/// The window length of the drift, seconds (contract §10).
pub const DRIFT_WINDOW_S: f64 = 60.0;

fn round(v: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (v * f).round() / f
}

/// A mean over the bouts weighted by their length; `None` without bouts.
fn weighted(g: &amble_gait::Gait, f: fn(&amble_gait::Bout) -> f64) -> Option<f64> {
    let total = g.walking_s();
    (total > 0.0).then(|| {
        g.bouts
            .iter()
            .map(|b| f(b) * (b.end_s - b.start_s))
            .sum::<f64>()
            / total
    })
}

/// The mean of the bouts' known symmetries weighted by their length; `None` where no bout's is
/// known (a bout whose stride regularity is not positive has none: unknown, not 0).
fn weighted_symmetry(g: &amble_gait::Gait) -> Option<f64> {
    let (sum, total) = g
        .bouts
        .iter()
        .filter_map(|b| b.symmetry.map(|s| (s, b.end_s - b.start_s)))
        .fold((0.0, 0.0), |(sum, total), (s, d)| (sum + s * d, total + d));
    (total > 0.0).then(|| sum / total)
}

/// What is stored on a walk: the summary, the drift's windows and the onset of slowing.
/// `None` when the recording holds no walking.
pub fn walk_gait(file: &str, g: &amble_gait::Gait) -> Option<amble_core::gait::WalkGait> {
    let w = |f: fn(&amble_gait::Bout) -> f64| weighted(g, f).map(|v| round(v, 3));
    let drift = amble_gait::drift(g, DRIFT_WINDOW_S);
    Some(amble_core::gait::WalkGait {
        file: file.chars().take(200).collect(),
        walking_s: round(g.walking_s(), 1),
        steps: g.bouts.iter().map(|b| b.steps as u64).sum(),
        cadence_spm: w(|b| b.cadence_spm)?,
        stride_length_m: w(|b| b.stride_length_m)?,
        speed_mps: w(|b| b.speed_mps)?,
        step_time_cv: w(|b| b.step_time_cv)?,
        symmetry: weighted_symmetry(g).map(|v| round(v, 3)),
        windows: drift
            .as_ref()
            .map(|d| {
                d.windows
                    .iter()
                    .take(amble_core::gait::MAX_WINDOWS)
                    .map(|x| amble_core::gait::GaitWindow {
                        start_s: round(x.start_s, 2),
                        cadence_spm: round(x.cadence_spm, 1),
                        stride_length_m: round(x.stride_length_m, 3),
                        speed_mps: round(x.speed_mps, 3),
                        step_time_cv: round(x.step_time_cv, 4),
                        symmetry: x.symmetry.map(|v| round(v, 3)),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        deterioration_onset_s: drift
            .as_ref()
            .and_then(amble_gait::deterioration_onset)
            .map(|t| round(t, 1)),
    })
}

/// The `amble.gait/1` document (contract §10).
pub fn document(file: &str, g: &amble_gait::Gait) -> serde_json::Value {
    use serde_json::json;
    let drift = amble_gait::drift(g, DRIFT_WINDOW_S).map(|d| {
        json!({
            "window_s": d.window_s,
            "cadence_spm_per_10min": round(d.cadence_spm_per_10min, 2),
            "stride_length_m_per_10min": round(d.stride_length_m_per_10min, 3),
            "speed_mps_per_10min": round(d.speed_mps_per_10min, 3),
            "step_time_cv_change": round(d.step_time_cv_change, 4),
            "symmetry_change": d.symmetry_change.map(|v| round(v, 3)),
            "windows": d.windows.iter().map(|w| json!({
                "start_s": round(w.start_s, 2), "cadence_spm": round(w.cadence_spm, 1),
                "stride_length_m": round(w.stride_length_m, 3), "speed_mps": round(w.speed_mps, 3),
                "step_time_cv": round(w.step_time_cv, 4), "symmetry": w.symmetry.map(|v| round(v, 3)),
            })).collect::<Vec<_>>(),
        })
    });
    let w = |f: fn(&amble_gait::Bout) -> f64| weighted(g, f).map(|v| round(v, 3));
    json!({
        "schema": "amble.gait/1",
        "file": file,
        "sample_rate_hz": round(g.sample_rate_hz, 2),
        "duration_s": round(g.duration_s, 2),
        "walking_s": round(g.walking_s(), 2),
        "bouts": g.bouts.iter().map(|b| json!({
            "start_s": round(b.start_s, 2), "end_s": round(b.end_s, 2), "steps": b.steps,
            "cadence_spm": round(b.cadence_spm, 1), "stride_length_m": round(b.stride_length_m, 3),
            "speed_mps": round(b.speed_mps, 3), "step_time_cv": round(b.step_time_cv, 4),
            "regularity": round(b.regularity, 3), "symmetry": b.symmetry.map(|v| round(v, 3)),
        })).collect::<Vec<_>>(),
        "summary": {
            "steps": g.bouts.iter().map(|b| b.steps).sum::<usize>(),
            "cadence_spm": w(|b| b.cadence_spm),
            "stride_length_m": w(|b| b.stride_length_m),
            "speed_mps": w(|b| b.speed_mps),
        },
        "drift": drift,
        "initial_contacts_s": g.initial_contacts_s.iter().map(|t| round(*t, 2)).collect::<Vec<_>>(),
    })
}
