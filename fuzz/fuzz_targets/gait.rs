#![no_main]
use libfuzzer_sys::fuzz_target;

// Any bytes as an uploaded recording (text or zip): an error or a recording, and a recording
// always analyses.
fuzz_target!(|data: &[u8]| {
    if let Ok(rec) = amble_imports::gait::read_bytes_within(
        "fuzz.csv",
        data,
        None,
        amble_gait::CsvOptions::default(),
        1 << 20,
    ) {
        let g = amble_gait::analyse(&rec, 0.9);
        let _ = amble_gait::drift(&g, 60.0);
    }
});
