//! Speed on one hour of 100 Hz lower-back data (the daily-life lab trial tiled end to end):
//! reading the contract's CSV, the analysis, and both with the drift. Not part of `cargo test`.
//!
//!     cargo bench -p amble-gait --bench hour [-- RUNS]
//!
//! Prints the median and fastest of RUNS runs (default 15) of each stage.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a benchmark may panic on a broken setup

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

use amble_gait::{CsvOptions, analyse, drift, parse_csv};

const TRIAL: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/HA_001_Test11_Trial1_imu.csv"
);

/// One hour of the trial repeated, as the contract's CSV (with the gyro columns).
fn hour_csv() -> String {
    let text = std::fs::read_to_string(TRIAL).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let mut out = String::with_capacity(24 << 20);
    out.push_str(header);
    out.push('\n');
    for k in 0..360_000usize {
        let row = &rows[k % rows.len()];
        write!(out, "{:.2}", k as f64 / 100.0).unwrap();
        for cell in &row[1..] {
            out.push(',');
            out.push_str(cell);
        }
        out.push('\n');
    }
    out
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, Duration) {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            black_box(f());
            start.elapsed()
        })
        .collect();
    times.sort();
    (times[times.len() / 2], times[0])
}

fn main() {
    let runs: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(15);
    let csv = hour_csv();
    let rec = parse_csv(&csv, CsvOptions::default()).unwrap();
    let g = analyse(&rec, 0.964);
    println!(
        "one hour at 100 Hz: {} samples, {:.1} MB of CSV, {} bouts, {} steps",
        rec.acc.len(),
        csv.len() as f64 / 1e6,
        g.bouts.len(),
        g.steps.len()
    );
    let show = |what: &str, (median, min): (Duration, Duration)| {
        println!(
            "{what:<34} median {:>7.1} ms  fastest {:>7.1} ms  ({runs} runs)",
            median.as_secs_f64() * 1e3,
            min.as_secs_f64() * 1e3
        );
    };
    show(
        "read the CSV",
        time(runs, || parse_csv(&csv, CsvOptions::default()).unwrap()),
    );
    show(
        "analyse (bouts, steps, measures)",
        time(runs, || analyse(&rec, 0.964)),
    );
    show(
        "read + analyse + drift",
        time(runs, || {
            let rec = parse_csv(&csv, CsvOptions::default()).unwrap();
            let g = analyse(&rec, 0.964);
            drift(&g, 60.0)
        }),
    );
}
