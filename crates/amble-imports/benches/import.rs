//! Import benchmark (not part of `cargo test`): generates a synthetic Apple Health export of a
//! given size and a folder of activity files, imports them end to end into a fresh journal, and
//! prints throughput and peak memory.
//!
//!     cargo bench -p amble-imports --bench import -- [APPLE_MB] [FILES]
//!
//! Defaults: a 1024 MB export and 1000 files. Peak memory is the process's peak resident set
//! size (VmHWM), reset just before each import so the generator does not count.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a benchmark may panic on a broken setup

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use amble_imports::pipeline::{Options, Quiet, run};
use amble_store::SqliteStore;

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn reset_peak() {
    // Linux: writing 5 to clear_refs resets the peak RSS counter.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

const DTD: &str = include_str!("export-header.xml");

/// Writes an export.xml of about `mb` megabytes: a realistic mix of heart-rate samples (most of a
/// real export), step counts from an iPhone and a Watch that overlap, walking metrics, and a
/// walking workout each day.
fn generate_export(path: &Path, mb: u64) -> u64 {
    let mut w = BufWriter::with_capacity(1 << 20, File::create(path).unwrap());
    w.write_all(DTD.as_bytes()).unwrap();
    let target = mb * 1024 * 1024;
    let mut written = DTD.len() as u64;
    let mut day: i64 = 0;
    let iphone = "sourceName=\"Alex’s iPhone\" sourceVersion=\"17.5.1\" device=\"&lt;&lt;HKDevice: 0x2836b4f00&gt;, name:iPhone, manufacturer:Apple Inc., model:iPhone, hardware:iPhone14,5, software:17.5.1&gt;\"";
    let watch = "sourceName=\"Alex’s Apple Watch\" sourceVersion=\"10.5\" device=\"&lt;&lt;HKDevice: 0x2836b5400&gt;, name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:Watch6,2, software:10.5&gt;\"";
    while written < target {
        // Days from 2001-01-01.
        // Very large exports wrap around after 25 years (the same days again: their workouts are
        // then found as duplicates, as a real re-export would be).
        let date = jiff::civil::date(2001, 1, 1)
            .checked_add(jiff::Span::new().days(day % 9000))
            .unwrap();
        let mut s = String::with_capacity(1 << 20);
        for i in 0..600 {
            let (h, m) = (6 + i / 40, (i % 40) + 10);
            let t = format!("{date} {h:02}:{m:02}:00 +0100");
            let t2 = format!("{date} {h:02}:{:02}:30 +0100", m + 1);
            s.push_str(&format!(
                " <Record type=\"HKQuantityTypeIdentifierHeartRate\" {watch} unit=\"count/min\" creationDate=\"{t}\" startDate=\"{t}\" endDate=\"{t}\" value=\"{}\">\n  <MetadataEntry key=\"HKMetadataKeyHeartRateMotionContext\" value=\"0\"/>\n </Record>\n",
                60 + i % 50
            ));
            if i % 6 == 0 {
                s.push_str(&format!(" <Record type=\"HKQuantityTypeIdentifierStepCount\" {iphone} unit=\"count\" creationDate=\"{t2}\" startDate=\"{t}\" endDate=\"{t2}\" value=\"{}\"/>\n", 80 + i % 90));
                s.push_str(&format!(" <Record type=\"HKQuantityTypeIdentifierStepCount\" {watch} unit=\"count\" creationDate=\"{t2}\" startDate=\"{t}\" endDate=\"{t2}\" value=\"{}\"/>\n", 90 + i % 80));
                s.push_str(&format!(" <Record type=\"HKQuantityTypeIdentifierDistanceWalkingRunning\" {iphone} unit=\"km\" creationDate=\"{t2}\" startDate=\"{t}\" endDate=\"{t2}\" value=\"0.0{}\"/>\n", 50 + i % 40));
            }
            if i % 50 == 0 {
                s.push_str(&format!(" <Record type=\"HKQuantityTypeIdentifierWalkingSpeed\" {iphone} unit=\"km/hr\" creationDate=\"{t2}\" startDate=\"{t}\" endDate=\"{t2}\" value=\"4.{}\"/>\n", i % 9));
                s.push_str(&format!(" <Record type=\"HKQuantityTypeIdentifierWalkingStepLength\" {iphone} unit=\"cm\" creationDate=\"{t2}\" startDate=\"{t}\" endDate=\"{t2}\" value=\"6{}.5\"/>\n", i % 9));
            }
        }
        s.push_str(&format!(
            " <Workout workoutActivityType=\"HKWorkoutActivityTypeWalking\" duration=\"30.5\" durationUnit=\"min\" {watch} creationDate=\"{date} 18:40:05 +0100\" startDate=\"{date} 18:00:00 +0100\" endDate=\"{date} 18:33:00 +0100\">\n  <MetadataEntry key=\"HKIndoorWorkout\" value=\"0\"/>\n  <WorkoutEvent type=\"HKWorkoutEventTypePause\" date=\"{date} 18:10:00 +0100\"/>\n  <WorkoutEvent type=\"HKWorkoutEventTypeResume\" date=\"{date} 18:12:30 +0100\"/>\n  <WorkoutStatistics type=\"HKQuantityTypeIdentifierStepCount\" startDate=\"{date} 18:00:00 +0100\" endDate=\"{date} 18:33:00 +0100\" sum=\"3300\" unit=\"count\"/>\n  <WorkoutStatistics type=\"HKQuantityTypeIdentifierDistanceWalkingRunning\" startDate=\"{date} 18:00:00 +0100\" endDate=\"{date} 18:33:00 +0100\" sum=\"2.4\" unit=\"km\"/>\n </Workout>\n"
        ));
        w.write_all(s.as_bytes()).unwrap();
        written += s.len() as u64;
        day += 1;
    }
    w.write_all(b"</HealthData>\n").unwrap();
    w.flush().unwrap();
    written + 14
}

fn gpx_walk(start: jiff::Timestamp, minutes: i64) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gpx version=\"1.1\" creator=\"bench\" xmlns=\"http://www.topografix.com/GPX/1/1\" xmlns:gpxtpx=\"http://www.garmin.com/xmlschemas/TrackPointExtension/v1\">\n<trk><type>walking</type><trkseg>\n",
    );
    for i in 0..minutes * 60 {
        let t = start
            .checked_add(jiff::SignedDuration::from_secs(i))
            .unwrap();
        let lat = 51.5 + (i as f64 * 1.3) / 111_195.0;
        s.push_str(&format!("<trkpt lat=\"{lat:.7}\" lon=\"-0.1200000\"><ele>12.{}</ele><time>{t}</time><extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>{}</gpxtpx:hr></gpxtpx:TrackPointExtension></extensions></trkpt>\n", i % 10, 90 + i % 20));
    }
    s.push_str("</trkseg></trk></gpx>\n");
    s
}

fn tcx_walk(start: jiff::Timestamp, minutes: i64) -> String {
    let mut s = format!(
        "<?xml version=\"1.0\"?>\n<TrainingCenterDatabase xmlns=\"http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2\"><Activities><Activity Sport=\"Walking\"><Id>{start}</Id><Lap StartTime=\"{start}\"><TotalTimeSeconds>{}</TotalTimeSeconds><DistanceMeters>{}</DistanceMeters><Track>\n",
        minutes * 60,
        minutes * 78
    );
    for i in 0..minutes * 60 {
        let t = start
            .checked_add(jiff::SignedDuration::from_secs(i))
            .unwrap();
        let lat = 51.5 + (i as f64 * 1.3) / 111_195.0;
        s.push_str(&format!("<Trackpoint><Time>{t}</Time><Position><LatitudeDegrees>{lat:.7}</LatitudeDegrees><LongitudeDegrees>-0.12</LongitudeDegrees></Position><HeartRateBpm><Value>{}</Value></HeartRateBpm></Trackpoint>\n", 90 + i % 20));
    }
    s.push_str("</Track></Lap></Activity></Activities></TrainingCenterDatabase>\n");
    s
}

/// A folder of `n` files: 40 % GPX and 30 % TCX walks of 20-60 minutes (1 Hz), 30 % real FIT
/// files (the same walk again and again: parsed in full, then found to be duplicates).
fn generate_folder(dir: &Path, n: usize) -> u64 {
    let fit = std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/fitparse/garmin-fenix-5-walk.fit"),
    )
    .unwrap();
    let mut bytes = 0;
    let t0: jiff::Timestamp = "2022-01-01T08:00:00Z".parse().unwrap();
    for i in 0..n {
        let start = t0
            .checked_add(jiff::SignedDuration::from_hours(i as i64 * 20))
            .unwrap();
        let minutes = 20 + (i as i64 % 41);
        let (name, body): (String, Vec<u8>) = match i % 10 {
            0..=3 => (
                format!("walk-{i:04}.gpx"),
                gpx_walk(start, minutes).into_bytes(),
            ),
            4..=6 => (
                format!("walk-{i:04}.tcx"),
                tcx_walk(start, minutes).into_bytes(),
            ),
            _ => (format!("walk-{i:04}.fit"), fit.clone()),
        };
        bytes += body.len() as u64;
        std::fs::write(dir.join(name), body).unwrap();
    }
    bytes
}

fn import(paths: &[PathBuf]) -> (amble_imports::pipeline::Report, f64, f64) {
    let journal = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(journal.path()).unwrap();
    let opts = Options {
        dry_run: false,
        today: jiff::civil::date(2026, 11, 26),
        tz: jiff::tz::TimeZone::UTC,
    };
    reset_peak();
    let t = Instant::now();
    let report = run(paths, &mut store, &opts, &mut Quiet).unwrap();
    (report, t.elapsed().as_secs_f64(), peak_rss_mb())
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let apple_mb: u64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(1024);
    let files: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let work = tempfile::tempdir().unwrap();

    if apple_mb > 0 {
        let xml = work.path().join("export.xml");
        let t = Instant::now();
        let size = generate_export(&xml, apple_mb);
        eprintln!(
            "generated {:.0} MB export in {:.1} s",
            size as f64 / 1048576.0,
            t.elapsed().as_secs_f64()
        );
        let (r, secs, peak) = import(std::slice::from_ref(&xml));
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        println!(
            "apple health export.xml: {:.0} MB in {:.2} s = {:.0} MB/s; peak memory {:.0} MB; {} walks, {} days of metrics",
            size as f64 / 1048576.0,
            secs,
            size as f64 / 1048576.0 / secs,
            peak,
            r.imported,
            r.daily_metrics
        );
        // The same export as Apple ships it: export.zip (deflate).
        let zpath = work.path().join("export.zip");
        {
            let mut z = zip::ZipWriter::new(BufWriter::new(File::create(&zpath).unwrap()));
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .compression_level(Some(1))
                .large_file(true);
            z.start_file("apple_health_export/export.xml", opts)
                .unwrap();
            std::io::copy(&mut File::open(&xml).unwrap(), &mut z).unwrap();
            z.finish().unwrap();
        }
        std::fs::remove_file(&xml).unwrap();
        let zsize = std::fs::metadata(&zpath).unwrap().len();
        let (r, secs, peak) = import(std::slice::from_ref(&zpath));
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        println!(
            "apple health export.zip ({:.0} MB compressed): {:.0} MB of XML in {:.2} s = {:.0} MB/s; peak memory {:.0} MB",
            zsize as f64 / 1048576.0,
            size as f64 / 1048576.0,
            secs,
            size as f64 / 1048576.0 / secs,
            peak
        );
        std::fs::remove_file(&zpath).unwrap();
    }
    if files > 0 {
        let dir = work.path().join("folder");
        std::fs::create_dir(&dir).unwrap();
        let bytes = generate_folder(&dir, files);
        let (r, secs, peak) = import(&[dir]);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        println!(
            "folder of {files} files ({:.0} MB: GPX, TCX, FIT): {:.2} s = {:.0} files/s; peak memory {:.0} MB; {} walks, {} duplicates",
            bytes as f64 / 1048576.0,
            secs,
            files as f64 / secs,
            peak,
            r.imported,
            r.duplicates
        );
    }
}
