//! Property tests of the parsers: any bytes, including real files cut short or with bytes
//! flipped, give a value or an error, never a panic or a hang.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

use amble_core::journal::WalkSource;
use amble_imports::{apple, fit, gpx, tcx};
use proptest::prelude::*;

fn real(rel: &str) -> Vec<u8> {
    std::fs::read(
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(rel),
    )
    .unwrap()
}

fn mutate(mut bytes: Vec<u8>, cut: usize, flips: &[(usize, u8)]) -> Vec<u8> {
    for (i, b) in flips {
        if !bytes.is_empty() {
            let n = bytes.len();
            bytes[i % n] ^= b;
        }
    }
    bytes.truncate(cut.min(bytes.len()));
    bytes
}

proptest! {
    // No failure files in the tree: a case proptest once found is kept as a test of its own.
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn fit_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = fit::parse(&bytes);
    }

    #[test]
    fn fit_survives_cuts_and_flips(cut in 0usize..6000, flips in proptest::collection::vec((any::<usize>(), 1u8..=255), 0..8)) {
        let bytes = mutate(real("fitparse/garmin-fenix-5-walk.fit"), cut, &flips);
        let _ = fit::parse(&bytes);
    }

    #[test]
    fn a_cut_fit_file_is_an_error_not_a_walk(cut in 14usize..5180) {
        let bytes = real("fitparse/garmin-fenix-5-walk.fit");
        prop_assert!(fit::parse(&bytes[..cut]).is_err(), "cut at {cut}");
    }

    #[test]
    fn gpx_and_tcx_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = gpx::parse(bytes.as_slice(), WalkSource::Gpx);
        let _ = tcx::parse(bytes.as_slice());
    }

    #[test]
    fn xml_parsers_survive_cuts_and_flips(cut in 0usize..20000, flips in proptest::collection::vec((any::<usize>(), 1u8..=255), 0..8)) {
        let g = mutate(real("imports/korita-zbevnica.gpx"), cut, &flips);
        let _ = gpx::parse(g.as_slice(), WalkSource::Gpx);
        let t = mutate(real("imports/20210323_yoga.tcx"), cut, &flips);
        let _ = tcx::parse(t.as_slice());
    }

    #[test]
    fn apple_never_panics(body in "[<>/a-zA-Z =\"0-9:+.-]{0,400}") {
        let doc = format!("<HealthData><Record {body}/><Workout {body}>{body}</Workout></HealthData>");
        let _ = apple::parse(doc.as_bytes(), &mut |_| {});
    }
}

/// The cut proptest once found (`a_cut_fit_file_is_an_error_not_a_walk`, cut = 3266).
#[test]
fn a_fit_file_cut_at_3266_bytes_is_an_error() {
    let bytes = real("fitparse/garmin-fenix-5-walk.fit");
    assert!(fit::parse(&bytes[..3266]).is_err());
}

/// Inputs that once broke a parser (or found a bug), replayed on every `cargo test`. Each must
/// give an error or a value without panicking; these in particular must be errors or non-walks.
#[test]
fn fuzz_regressions_are_replayed() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let mut seen = 0;
    for target in ["fit", "gpx", "tcx", "apple"] {
        for entry in std::fs::read_dir(dir.join(target)).unwrap() {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            let walks = match target {
                "fit" => fit::parse(&bytes)
                    .ok()
                    .map(|p| matches!(p, amble_imports::model::Parsed::Activities(_))),
                "gpx" => gpx::parse(bytes.as_slice(), WalkSource::Gpx)
                    .ok()
                    .map(|p| matches!(p, amble_imports::model::Parsed::Activities(_))),
                "tcx" => tcx::parse(bytes.as_slice())
                    .ok()
                    .map(|p| matches!(p, amble_imports::model::Parsed::Activities(_))),
                _ => apple::parse(bytes.as_slice(), &mut |_| {})
                    .ok()
                    .map(|d| !d.workouts.is_empty()),
            };
            assert_ne!(
                walks,
                Some(true),
                "{} must not give activities",
                path.display()
            );
            seen += 1;
        }
    }
    assert!(seen >= 4);
}
