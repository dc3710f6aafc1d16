//! Accuracy against the lab reference (INDIP) on the shared lower-back recordings: contact
//! detection and bout-level cadence, stride length and speed. Prints the errors (run with
//! `--nocapture`); fails when they are far off.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

use amble_gait::{analyse, initial_contacts, parse_csv};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
const RECORDINGS: &[&str] = &[
    "HA_001_Test5_Trial1",
    "HA_001_Test5_Trial2",
    "HA_001_Test11_Trial1",
];
const SENSOR_HEIGHT_M: f64 = 0.964;

fn rows(path: &str) -> Vec<csv::StringRecord> {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.records().map(|x| x.unwrap()).collect()
}

#[test]
fn contacts_and_bouts_against_indip() {
    let (mut matched, mut reference, mut found) = (0usize, 0usize, 0usize);
    let mut errs: Vec<(f64, f64, f64)> = Vec::new();
    for name in RECORDINGS {
        let text = std::fs::read_to_string(format!("{DIR}/{name}_imu.csv")).unwrap();
        let rec = parse_csv(&text, false).unwrap();
        let ics = initial_contacts(&rec);
        let refs: Vec<f64> = rows(&format!("{DIR}/{name}_ref_INDIP_ic.csv"))
            .iter()
            .map(|r| r[2].parse().unwrap())
            .collect();
        reference += refs.len();
        found += ics.len();
        matched += refs
            .iter()
            .filter(|t| ics.iter().any(|x| (x - **t).abs() <= 0.1))
            .count();
        let g = analyse(&rec, SENSOR_HEIGHT_M);
        for wb in rows(&format!("{DIR}/{name}_ref_INDIP_wb.csv")) {
            let (s, e): (f64, f64) = (wb[1].parse().unwrap(), wb[2].parse().unwrap());
            let cad: f64 = wb[9].parse().unwrap();
            let stride: f64 = wb[10].parse().unwrap();
            let speed: f64 = wb[8].parse().unwrap();
            // The detected bout overlapping this one most.
            let best = g.bouts.iter().max_by(|a, b| {
                let ov = |x: &amble_gait::Bout| (x.end_s.min(e) - x.start_s.max(s)).max(0.0);
                ov(a).total_cmp(&ov(b))
            });
            if let Some(b) = best.filter(|b| b.end_s > s && b.start_s < e) {
                eprintln!(
                    "{name} {s:.1}-{e:.1}: cadence {cad:.1}/{:.1}, stride {stride:.2}/{:.2}, speed {speed:.2}/{:.2}",
                    b.cadence_spm, b.stride_length_m, b.speed_mps
                );
                errs.push((
                    (b.cadence_spm - cad).abs(),
                    (b.stride_length_m - stride).abs(),
                    (b.speed_mps - speed).abs(),
                ));
            } else {
                eprintln!("{name} {s:.1}-{e:.1}: not found");
            }
        }
    }
    let n = errs.len() as f64;
    let mae = |f: fn(&(f64, f64, f64)) -> f64| errs.iter().map(f).sum::<f64>() / n;
    let (c, l, v) = (mae(|e| e.0), mae(|e| e.1), mae(|e| e.2));
    eprintln!(
        "contacts: {matched} of {reference} reference contacts found within 0.1 s ({found} detected); bouts matched {}; MAE cadence {c:.2} steps/min, stride {l:.3} m, speed {v:.3} m/s",
        errs.len()
    );
    assert!(
        matched as f64 >= 0.8 * reference as f64,
        "contact detection"
    );
    assert_eq!(errs.len(), 7, "every reference bout found");
    assert!(c < 4.0, "cadence MAE {c}");
    assert!(l < 0.3 && v < 0.3, "stride {l}, speed {v}");
}

/// Any orientation: the same recording turned in space gives the same contacts.
#[test]
fn a_turned_sensor_gives_the_same_contacts() {
    let text = std::fs::read_to_string(format!("{DIR}/HA_001_Test5_Trial1_imu.csv")).unwrap();
    let rec = parse_csv(&text, false).unwrap();
    // About 40 degrees about one axis, then 70 about another (a phone in a pocket).
    let (a, b) = (40f64.to_radians(), 70f64.to_radians());
    let turn = |v: [f64; 3]| {
        let v1 = [
            v[0] * a.cos() - v[1] * a.sin(),
            v[0] * a.sin() + v[1] * a.cos(),
            v[2],
        ];
        [
            v1[0],
            v1[1] * b.cos() - v1[2] * b.sin(),
            v1[1] * b.sin() + v1[2] * b.cos(),
        ]
    };
    let turned = amble_gait::Recording {
        fs: rec.fs,
        acc: rec.acc.iter().map(|v| turn(*v)).collect(),
    };
    let a_ics = initial_contacts(&rec);
    let b_ics = initial_contacts(&turned);
    assert_eq!(a_ics.len(), b_ics.len());
    assert!(a_ics.iter().zip(&b_ics).all(|(x, y)| (x - y).abs() < 0.02));
    // And in g instead of m/s².
    let in_g: String = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                return l.to_string();
            }
            let c: Vec<f64> = l.split(',').map(|x| x.parse().unwrap()).collect();
            format!(
                "{},{},{},{}",
                c[0],
                c[1] / amble_gait::G,
                c[2] / amble_gait::G,
                c[3] / amble_gait::G
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    let g_rec = parse_csv(
        &in_g.replace(
            "time_s,acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z",
            "time_s,acc_x,acc_y,acc_z",
        ),
        true,
    )
    .unwrap();
    assert_eq!(initial_contacts(&g_rec).len(), a_ics.len());
}

#[test]
fn bad_recordings_are_refused_with_a_reason() {
    use amble_gait::GaitError;
    assert!(matches!(parse_csv("", false), Err(GaitError::Input(_))));
    assert!(matches!(
        parse_csv("a,b\n1,2", false),
        Err(GaitError::Parse { line: 1, .. })
    ));
    let nan = "time_s,acc_x,acc_y,acc_z\n0,1,2,3\n0.01,NaN,2,3\n";
    assert!(matches!(
        parse_csv(nan, false),
        Err(GaitError::Parse { line: 3, .. })
    ));
    let slow: String = std::iter::once("time_s,acc_x,acc_y,acc_z".to_string())
        .chain((0..100).map(|i| format!("{},0,0,9.8", f64::from(i) * 0.1)))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(matches!(parse_csv(&slow, false), Err(GaitError::Input(m)) if m.contains("20 Hz")));
    let short: String = std::iter::once("time_s,acc_x,acc_y,acc_z".to_string())
        .chain((0..100).map(|i| format!("{},0,0,9.8", f64::from(i) * 0.01)))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(matches!(parse_csv(&short, false), Err(GaitError::Input(m)) if m.contains("5 s")));
}
