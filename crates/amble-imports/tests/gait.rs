//! Reading gait recordings as people bring them: a CSV, phyphox's CSV (and its zip), Sensor
//! Logger's zip or folder; and the files that are not recordings.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

#[path = "../../amble-gait/tests/common/mod.rs"]
mod common;

use std::io::Write;

use amble_gait::CsvOptions;
use amble_imports::gait::{Choice, read_bytes, read_bytes_within, read_path, walk_gait};

const TRIAL: &str = "HA_001_Test5_Trial1";

fn zip_of(files: &[(&str, &str)]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, text) in files {
            z.start_file(*name, opts).unwrap();
            z.write_all(text.as_bytes()).unwrap();
        }
        z.finish().unwrap();
    }
    buf.into_inner()
}

fn steps(rec: &amble_gait::Recording) -> usize {
    amble_gait::analyse(rec, common::SENSOR_HEIGHT_M)
        .bouts
        .iter()
        .map(|b| b.steps)
        .sum()
}

#[test]
fn every_format_gives_the_same_walk() {
    let raw = common::load(TRIAL);
    let original = read_bytes(
        "walk.csv",
        common::imu_text(TRIAL).as_bytes(),
        None,
        CsvOptions::default(),
    )
    .unwrap();
    let want = steps(&original);
    assert!(want >= 8, "{want}");

    let phyphox = common::phyphox_csv(&common::turn(&raw, 20.0, 80.0), false);
    let (acc, gravity) = common::sensor_logger(&common::turn(&raw, 50.0, -60.0), true);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Accelerometer.csv"), &acc).unwrap();
    std::fs::write(dir.path().join("Gravity.csv"), &gravity).unwrap();
    std::fs::write(
        dir.path().join("Gyroscope.csv"),
        "time,seconds_elapsed,z,y,x\n",
    )
    .unwrap();
    let cases: Vec<(&str, amble_gait::Recording)> = vec![
        (
            "phyphox CSV",
            read_bytes(
                "Raw Data.csv",
                phyphox.as_bytes(),
                None,
                CsvOptions::default(),
            )
            .unwrap(),
        ),
        (
            "phyphox zip",
            read_bytes(
                "Acceleration with g 2026-11-30.zip",
                &zip_of(&[
                    ("meta/device.csv", "\"property\",\"value\"\n"),
                    ("Raw Data.csv", &phyphox),
                ]),
                None,
                CsvOptions::default(),
            )
            .unwrap(),
        ),
        (
            "Sensor Logger zip (in a folder inside)",
            read_bytes(
                "walk.zip",
                &zip_of(&[
                    ("2026-11-30_17-14-00/Accelerometer.csv", &acc),
                    ("2026-11-30_17-14-00/Gravity.csv", &gravity),
                    ("2026-11-30_17-14-00/Metadata.csv", "version\n3\n"),
                ]),
                None,
                CsvOptions::default(),
            )
            .unwrap(),
        ),
        (
            "Sensor Logger folder",
            read_path(dir.path(), None, CsvOptions::default()).unwrap(),
        ),
    ];
    for (what, rec) in cases {
        let got = steps(&rec);
        assert!(got.abs_diff(want) <= 1, "{what}: {got} steps, want {want}");
    }
}

/// A Sensor Logger export with its Gyroscope.csv (zip or folder) is read with the gyroscope:
/// the daily-life trial's turns and bouts are the lab file's; a contract CSV's gyro columns in
/// rad/s read as the same file in deg/s.
#[test]
fn the_gyroscope_is_read_with_every_format_that_has_one() {
    let name = "HA_001_Test11_Trial1";
    let lab = amble_gait::analyse(
        &read_bytes(
            "lab.csv",
            common::imu_text(name).as_bytes(),
            None,
            CsvOptions::default(),
        )
        .unwrap(),
        common::SENSOR_HEIGHT_M,
    );
    assert!(lab.turns.len() >= 5, "{:?}", lab.turns);
    let (raw, gyr) = (common::load(name), common::load_gyro(name));
    let (acc, gravity) = common::sensor_logger(&raw, true);
    let gyroscope = common::sensor_logger_gyroscope(&gyr, true);
    let dir = tempfile::tempdir().unwrap();
    for (file, text) in [
        ("Accelerometer.csv", &acc),
        ("Gravity.csv", &gravity),
        ("Gyroscope.csv", &gyroscope),
    ] {
        std::fs::write(dir.path().join(file), text).unwrap();
    }
    let zipped = zip_of(&[
        ("export/Accelerometer.csv", &acc),
        ("export/Gravity.csv", &gravity),
        ("export/Gyroscope.csv", &gyroscope),
    ]);
    let in_rad = {
        let mut s = String::from("time_s,acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z\n");
        let k = std::f64::consts::PI / 180.0;
        for ((t, a), w) in raw.t.iter().zip(&raw.acc).zip(&gyr.acc) {
            s.push_str(&format!(
                "{t},{},{},{},{},{},{}\n",
                a[0],
                a[1],
                a[2],
                w[0] * k,
                w[1] * k,
                w[2] * k
            ));
        }
        s
    };
    let rad_opts = CsvOptions {
        gyro_unit: amble_gait::GyroUnit::RadPerS,
        ..CsvOptions::default()
    };
    let cases = [
        (
            "Sensor Logger folder",
            read_path(dir.path(), None, CsvOptions::default()).unwrap(),
        ),
        (
            "Sensor Logger zip",
            read_bytes("walk.zip", &zipped, None, CsvOptions::default()).unwrap(),
        ),
        (
            "CSV in rad/s",
            read_bytes("rad.csv", in_rad.as_bytes(), None, rad_opts).unwrap(),
        ),
    ];
    for (what, rec) in cases {
        assert!(rec.gyr.is_some(), "{what}: no gyroscope read");
        let got = amble_gait::analyse(&rec, common::SENSOR_HEIGHT_M);
        assert_eq!(got.turns.len(), lab.turns.len(), "{what}: {:?}", got.turns);
        for (x, y) in got.turns.iter().zip(&lab.turns) {
            assert!(
                (x.angle_deg - y.angle_deg).abs() < 3.0,
                "{what}: {x:?} {y:?}"
            );
        }
        assert_eq!(got.bouts.len(), lab.bouts.len(), "{what}");
    }
    // The same CSV read as deg/s turns 57 times slower: no turn reaches 45°.
    let as_deg = read_bytes("rad.csv", in_rad.as_bytes(), None, CsvOptions::default()).unwrap();
    let slow = amble_gait::analyse(&as_deg, common::SENSOR_HEIGHT_M);
    assert!(slow.turns.is_empty(), "{:?}", slow.turns);
}

#[test]
fn files_that_are_not_recordings_say_why() {
    let opts = CsvOptions::default();
    let e = read_bytes("x.csv", b"", None, opts).unwrap_err().0;
    assert_eq!(e, "x.csv: the file is empty");
    let e = read_bytes("x.csv", b"name,age\nAnn,3\n", None, opts)
        .unwrap_err()
        .0;
    assert!(e.starts_with("x.csv: not a recording Amble reads"), "{e}");
    let e = read_bytes("x.bin", &[0xff, 0xfe, 0x00, 0x41], None, opts)
        .unwrap_err()
        .0;
    assert!(e.contains("not a text (CSV) file"), "{e}");
    let e = read_bytes("x.zip", b"PK\x03\x04garbage", None, opts)
        .unwrap_err()
        .0;
    assert!(e.contains("not a readable zip archive"), "{e}");
    let e = read_bytes("x.zip", &zip_of(&[("notes.txt", "hello")]), None, opts)
        .unwrap_err()
        .0;
    assert!(
        e.contains("neither a Sensor Logger export nor a phyphox CSV"),
        "{e}"
    );
    // Sensor Logger's accelerometer alone has no gravity.
    let (acc, _) = common::sensor_logger(&common::load(TRIAL), false);
    let e = read_bytes("Accelerometer.csv", acc.as_bytes(), None, opts)
        .unwrap_err()
        .0;
    assert!(e.contains("Gravity.csv"), "{e}");
    let e = read_bytes(
        "walk.zip",
        &zip_of(&[("Accelerometer.csv", &acc)]),
        None,
        opts,
    )
    .unwrap_err()
    .0;
    assert!(
        e.starts_with("walk.zip: Gravity.csv: not in the export"),
        "{e}"
    );
    // A NaN deep inside a member names the member and the line.
    let (acc, gravity) = common::sensor_logger(&common::load(TRIAL), false);
    let broken: String = acc
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 300 {
                "1700000000000000000,2.99,NaN,0,0".to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let e = read_bytes(
        "walk.zip",
        &zip_of(&[("Accelerometer.csv", &broken), ("Gravity.csv", &gravity)]),
        None,
        opts,
    )
    .unwrap_err()
    .0;
    assert_eq!(
        e,
        "walk.zip: Accelerometer.csv: line 301: z: expected a number, found \"NaN\""
    );
    // A format forced on the wrong file.
    let e = read_bytes(
        "walk.csv",
        common::imu_text(TRIAL).as_bytes(),
        Some(Choice::Phyphox),
        opts,
    )
    .unwrap_err()
    .0;
    assert!(
        e.contains("expected a column \"Acceleration x (m/s^2)\""),
        "{e}"
    );
}

#[test]
fn the_stored_gait_holds_the_summary_and_passes_validation() {
    let rec = read_bytes(
        "walk.csv",
        common::imu_text("HA_001_Test11_Trial1").as_bytes(),
        None,
        CsvOptions::default(),
    )
    .unwrap();
    let g = amble_gait::analyse(&rec, common::SENSOR_HEIGHT_M);
    let stored = walk_gait("walk.csv", &g).unwrap();
    assert!(stored.problems().is_empty(), "{:?}", stored.problems());
    assert!((80.0..120.0).contains(&stored.cadence_spm));
    // Under 3 minutes of walking: no windows, no drift words.
    assert!(stored.windows.is_empty());
    assert!(stored.drift_in_words().is_empty());
    // Nothing walked: nothing to store.
    let still: String = std::iter::once("time_s,acc_x,acc_y,acc_z".to_string())
        .chain((0..3000).map(|i| format!("{},0,0,9.8", f64::from(i) * 0.01)))
        .collect::<Vec<_>>()
        .join("\n");
    let rec = read_bytes("still.csv", still.as_bytes(), None, CsvOptions::default()).unwrap();
    assert!(walk_gait("still.csv", &amble_gait::analyse(&rec, 0.9)).is_none());
}

/// A small zip that unpacks to more than the bound is refused while unpacking.
#[test]
fn a_zip_bomb_stops_at_the_bound() {
    let big = "0".repeat(3 << 20);
    let z = zip_of(&[("TotalAcceleration.csv", &big)]);
    assert!(z.len() < 100 << 10, "compresses well: {}", z.len());
    let e = amble_imports::gait::read_bytes_within(
        "walk.zip",
        &z,
        None,
        CsvOptions::default(),
        1 << 20,
    )
    .unwrap_err()
    .0;
    assert_eq!(
        e,
        "walk.zip: TotalAcceleration.csv: larger than 1 MB; split the recording"
    );
}

/// A tiny upload cannot ask for a huge grid: five samples 1 ms apart and a sixth almost a day
/// later are refused with the reason, not spread over 86 million samples.
#[test]
fn a_stray_time_does_not_fill_a_day() {
    let text = "time_s,acc_x,acc_y,acc_z\n0,0,0,9.8\n0.001,0,0,9.8\n0.002,0,0,9.8\n0.003,0,0,9.8\n0.004,0,0,9.8\n86000,0,0,9.8\n";
    assert!(text.len() < 130, "{}", text.len());
    let started = std::time::Instant::now();
    let e = read_bytes("tiny.csv", text.as_bytes(), None, CsvOptions::default())
        .unwrap_err()
        .0;
    assert!(
        e.starts_with("tiny.csv: ") && e.contains("stray time"),
        "{e}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
}

/// The bound holds for all members together: three members just under it each are refused.
#[test]
fn a_zip_bomb_in_many_members_stops_at_the_total_bound() {
    let part = "0".repeat((1 << 20) - 10);
    let z = zip_of(&[
        ("TotalAcceleration.csv", &part),
        ("Accelerometer.csv", &part),
        ("Gravity.csv", &part),
    ]);
    let e = amble_imports::gait::read_bytes_within(
        "walk.zip",
        &z,
        None,
        CsvOptions::default(),
        2 << 20,
    )
    .unwrap_err()
    .0;
    assert_eq!(
        e,
        "walk.zip: Gravity.csv: the archive's members unpack to more than 2 MB together; split the recording"
    );
    // phyphox: every CSV read counts.
    let z = zip_of(&[("a.csv", &part), ("b.csv", &part), ("c.csv", &part)]);
    let e = amble_imports::gait::read_bytes_within(
        "phyphox.zip",
        &z,
        None,
        CsvOptions::default(),
        2 << 20,
    )
    .unwrap_err()
    .0;
    assert!(
        e.contains("c.csv: the archive's members unpack to more than 2 MB together"),
        "{e}"
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn mutate(mut bytes: Vec<u8>, cut: usize, flips: &[(usize, u8)]) -> Vec<u8> {
        bytes.truncate(cut.min(bytes.len()));
        for (at, b) in flips {
            if !bytes.is_empty() {
                let i = at % bytes.len();
                bytes[i] = *b;
            }
        }
        bytes
    }

    fn check(bytes: &[u8]) {
        if let Ok(rec) = read_bytes_within("p.csv", bytes, None, CsvOptions::default(), 1 << 20) {
            let g = amble_gait::analyse(&rec, 0.9);
            for b in &g.bouts {
                assert!(b.cadence_spm.is_finite() && b.stride_length_m.is_finite());
            }
            if let Some(s) = walk_gait("p.csv", &g) {
                assert!(s.problems().is_empty(), "{:?}", s.problems());
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

        /// Random bytes: an error or a recording, never a panic.
        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
            check(&bytes);
        }

        /// Rows of random numbers under each header.
        #[test]
        fn random_rows_never_panic(
            header in prop_oneof![
                Just("time_s,acc_x,acc_y,acc_z"),
                Just("\"Time (s)\",\"Acceleration x (m/s^2)\",\"Acceleration y (m/s^2)\",\"Acceleration z (m/s^2)\""),
                Just("time,seconds_elapsed,z,y,x"),
            ],
            rows in proptest::collection::vec(
                (-1e3f64..1e6, -600f64..600.0, -600f64..600.0, -600f64..600.0), 0..700),
        ) {
            let mut text = format!("{header}\n");
            for (t, x, y, z) in rows {
                if header.starts_with("time,") {
                    text.push_str(&format!("0,{t},{z},{y},{x}\n"));
                } else {
                    text.push_str(&format!("{t},{x},{y},{z}\n"));
                }
            }
            check(text.as_bytes());
        }

        /// A real recording cut short with bytes flipped, as text and zipped.
        #[test]
        fn damaged_recordings_never_panic(
            cut in 0usize..80_000,
            flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..8),
        ) {
            let real = common::imu_text(TRIAL).into_bytes();
            let damaged = mutate(real.clone(), cut, &flips);
            check(&damaged);
            let zipped = zip_of(&[("TotalAcceleration.csv", &String::from_utf8_lossy(&damaged))]);
            check(&mutate(zipped, usize::MAX, &flips));
        }
    }
}
