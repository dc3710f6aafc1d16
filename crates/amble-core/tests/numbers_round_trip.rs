//! Numbers written to the journal's JSON read back to the same bits: an export imported again
//! is the same journal (serde_json's `float_roundtrip`, without which a release build may read
//! the last digit one unit off).

use amble_core::journal::Entry;
use proptest::prelude::*;

/// A walk whose distance is `km`, as the journal document writes it.
fn walk_json(km: f64) -> String {
    // A finite f64 always has a JSON form (`{km:?}` would print Rust's own shortest form).
    let number = serde_json::Number::from_f64(km).map_or_else(String::new, |n| n.to_string());
    format!(
        r#"{{"kind":"walk","id":"w-1","date":"2026-01-05","minutes":30,"distance_km":{number}}}"#
    )
}

fn distance(entry: &Entry) -> Option<f64> {
    match entry {
        Entry::Walk(w) => w.distance_km,
        _ => None,
    }
}

#[test]
fn a_number_a_release_build_read_one_unit_off_reads_back_exactly() {
    let km = 1.250_229_537_951_496_3_f64;
    let entry: Entry = serde_json::from_str(&walk_json(km)).unwrap();
    assert_eq!(distance(&entry).map(f64::to_bits), Some(km.to_bits()));
}

proptest! {
    #[test]
    fn every_distance_reads_back_to_the_same_bits(km in 0.0f64..200.0) {
        let entry: Entry = serde_json::from_str(&walk_json(km)).unwrap();
        prop_assert_eq!(distance(&entry).map(f64::to_bits), Some(km.to_bits()));
        let again = serde_json::to_string(&entry).unwrap();
        let back: Entry = serde_json::from_str(&again).unwrap();
        prop_assert_eq!(distance(&back).map(f64::to_bits), Some(km.to_bits()));
    }
}
