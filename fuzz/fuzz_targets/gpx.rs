#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = amble_imports::gpx::parse(data, amble_core::journal::WalkSource::Gpx);
});
