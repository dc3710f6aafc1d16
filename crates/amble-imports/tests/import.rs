//! Importing real device files and tricky ones: the values their sources give, skips with
//! reasons, per-file errors that leave nothing behind, idempotence and de-duplication.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

use std::io::Write;
use std::path::{Path, PathBuf};

use amble_core::journal::{DailyMetrics, Entry, Walk, WalkSource};
use amble_imports::pipeline::{Options, Quiet, Report, run};
use amble_store::{SqliteStore, Store};
use jiff::civil::date;

fn data(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel)
}

struct J {
    _dir: tempfile::TempDir,
    store: SqliteStore,
}

impl J {
    fn new() -> J {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        J { _dir: dir, store }
    }
    fn import(&mut self, paths: &[PathBuf]) -> Report {
        self.import_with(paths, false)
    }
    fn import_with(&mut self, paths: &[PathBuf], dry_run: bool) -> Report {
        let opts = Options {
            dry_run,
            today: date(2026, 11, 26),
            tz: jiff::tz::TimeZone::UTC,
        };
        run(paths, &mut self.store, &opts, &mut Quiet).unwrap()
    }
    fn walks(&self) -> Vec<Walk> {
        self.store
            .list()
            .unwrap()
            .into_iter()
            .filter_map(|e| {
                if let Entry::Walk(w) = e {
                    Some(w)
                } else {
                    None
                }
            })
            .collect()
    }
    fn days(&self) -> Vec<DailyMetrics> {
        self.store
            .list()
            .unwrap()
            .into_iter()
            .filter_map(|e| {
                if let Entry::DailyMetrics(d) = e {
                    Some(d)
                } else {
                    None
                }
            })
            .collect()
    }
}

fn expected() -> serde_json::Value {
    serde_json::from_str(
        &std::fs::read_to_string(data("imports/apple-health-3d/expected.json")).unwrap(),
    )
    .unwrap()
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

// ---- FIT ----

#[test]
fn fit_walk_matches_its_decoded_records() {
    let mut j = J::new();
    let r = j.import(&[data("fitparse/garmin-fenix-5-walk.fit")]);
    assert_eq!((r.imported, r.errors.len()), (1, 0), "{r:?}");
    let w = &j.walks()[0];
    // Ground truth: garmin-fenix-5-walk-records.csv (17 records, 07:32:51 to 07:33:37 PDT).
    let csv = std::fs::read_to_string(data("fitparse/garmin-fenix-5-walk-records.csv")).unwrap();
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let hr: Vec<f64> = rows.iter().map(|r| r[1].parse().unwrap()).collect();
    let last_distance: f64 = rows.last().unwrap()[4].parse().unwrap();
    assert_eq!(
        w.start.as_deref(),
        Some("2017-06-11T07:32:51-07:00"),
        "local time from the file's own offset"
    );
    assert_eq!(w.date, date(2017, 6, 11));
    assert!(
        close(w.distance_km.unwrap(), last_distance / 1000.0, 0.0005),
        "{:?}",
        w.distance_km
    );
    let mean_hr = hr.iter().sum::<f64>() / hr.len() as f64;
    assert!(
        close(w.avg_hr_bpm.unwrap(), mean_hr, 1.0),
        "{:?} vs {mean_hr}",
        w.avg_hr_bpm
    );
    assert!(close(w.elapsed_minutes.unwrap(), 45.379 / 60.0, 0.06));
    assert_eq!(w.steps, Some(82), "41 strides (one foot) are 82 steps");
    // Cadence is the session's own average (what the watch shows): 61.25 strides a minute is
    // 122.5 steps, close to the records' mean (twice the per-second cadence column).
    assert_eq!(w.cadence_spm, Some(122.5));
    let cad: Vec<f64> = rows.iter().map(|r| r[2].parse().unwrap()).collect();
    let mean_cad = 2.0 * cad.iter().sum::<f64>() / cad.len() as f64;
    assert!(close(w.cadence_spm.unwrap(), mean_cad, 3.0), "{mean_cad}");
    assert_eq!(w.source, WalkSource::Fit);
    assert_eq!(w.ascent_m, Some(1.0), "the session's own total_ascent");
    assert_eq!(w.pain_peak, None, "waiting for pain ratings");
}

#[test]
fn non_walks_and_non_activities_are_skipped_with_reasons() {
    let mut j = J::new();
    let r = j.import(&[
        data("imports/Settings.fit"),
        data("imports/MonitoringFile.fit"),
        data("imports/hrv-activity.fit"),
        data("imports/Activity.fit"),
        data("imports/20210119_run_garmin_fenix6.tcx"),
        data("imports/20210323_yoga.tcx"),
        data("imports/garmin-activity.gpx"),
        data("fitparse/garmin-fenix-5-run.fit"),
        data("fitparse/activity-small-fenix2-run.fit"),
    ]);
    assert_eq!((r.imported, r.errors.len()), (0, 0), "{r:?}");
    let reason = |name: &str| {
        r.skipped
            .iter()
            .find(|s| s.file.ends_with(name))
            .map(|s| s.reason.clone())
            .unwrap_or_default()
    };
    assert!(reason("Settings.fit").contains("settings"), "{r:?}");
    assert!(reason("MonitoringFile.fit").contains("monitoring"));
    assert!(reason("hrv-activity.fit").contains("cycling"));
    assert!(reason("20210119_run_garmin_fenix6.tcx").contains("running"));
    assert!(reason("20210323_yoga.tcx").contains("Other"));
    assert!(reason("garmin-activity.gpx").contains("running"));
    assert!(reason("garmin-fenix-5-run.fit").contains("running"));
    assert!(j.walks().is_empty(), "never silently turned into walks");
}

#[test]
fn broken_fit_files_are_errors_with_byte_offsets_and_others_still_import() {
    let mut j = J::new();
    let r = j.import(&[
        data("fitparse/activity-unexpected-eof.fit"),
        data("fitparse/activity-settings-corruptheader.fit"),
        data("fitparse/strava-android-app-201.10-b1218918.fit"),
        data("fitparse/garmin-fenix-5-walk.fit"),
    ]);
    assert_eq!(r.imported, 1, "the good file imports: {r:?}");
    assert_eq!(r.errors.len(), 3);
    let msg = |name: &str| {
        r.errors
            .iter()
            .find(|e| e.file.ends_with(name))
            .map(|e| e.message.clone())
            .unwrap_or_default()
    };
    assert!(
        msg("activity-unexpected-eof.fit").contains("truncated")
            && msg("activity-unexpected-eof.fit").contains("at byte"),
        "{r:?}"
    );
    assert!(msg("activity-settings-corruptheader.fit").contains("at byte"));
    assert!(msg("strava-android-app-201.10-b1218918.fit").contains("at byte"));
    assert_eq!(j.walks().len(), 1, "nothing partial from the failed files");
}

#[test]
fn chained_fit_with_a_bad_crc_is_read() {
    let mut j = J::new();
    let r = j.import(&[data("fitparse/activity-activity-filecrc.fit")]);
    assert!(r.errors.is_empty(), "{r:?}");
    assert_eq!(
        r.skipped
            .iter()
            .filter(|s| s.reason.contains("running"))
            .count(),
        2,
        "both sessions read: {r:?}"
    );
}

// ---- GPX ----

#[test]
fn gpx_hike_is_one_walk_from_its_timed_tracks() {
    let mut j = J::new();
    let r = j.import(&[data("imports/korita-zbevnica.gpx")]);
    assert_eq!(r.imported, 1, "{r:?}");
    let w = &j.walks()[0];
    // Timed tracks 3 and 4 (5 minutes apart) from 09:36:30 to 13:19:31 UTC; the untimed track 2
    // is ignored. 2D length of the timed tracks (haversine): 6261.5 m.
    assert_eq!(w.start.as_deref(), Some("2010-10-03T09:36:30+00:00"));
    assert!(close(w.elapsed_minutes.unwrap(), 223.0, 0.1));
    assert!(
        close(w.distance_km.unwrap(), 6.2615, 0.005),
        "{:?}",
        w.distance_km
    );
    assert!(
        w.minutes > 60.0 && w.minutes < w.elapsed_minutes.unwrap(),
        "moving time excludes stops: {}",
        w.minutes
    );
    // A hike from the coast road into the hills: the climb, with GPS noise below 2 m ignored.
    assert!(
        w.ascent_m.is_some_and(|a| (200.0..500.0).contains(&a)),
        "{:?}",
        w.ascent_m
    );
}

fn gpx_doc(body: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?>\n<gpx version=\"1.1\" creator=\"test\" xmlns=\"http://www.topografix.com/GPX/1/1\">{body}</gpx>"
    )
}

/// A straight walk north from (51.5, -0.12): `n` points every `dt` seconds, `step_m` metres apart.
fn track(start: &str, n: usize, dt: i64, step_m: f64) -> String {
    let t0: jiff::Timestamp = start.parse().unwrap();
    let mut s = String::from("<trk><trkseg>");
    for i in 0..n {
        let lat = 51.5 + (i as f64 * step_m) / 111_195.0;
        let t = t0
            .checked_add(jiff::SignedDuration::from_secs(i as i64 * dt))
            .unwrap();
        s.push_str(&format!(
            "<trkpt lat=\"{lat:.7}\" lon=\"-0.12\"><time>{t}</time></trkpt>"
        ));
    }
    s.push_str("</trkseg></trk>");
    s
}

fn write(dir: &Path, name: &str, text: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn gpx_quirks_are_tolerated() {
    let dir = tempfile::tempdir().unwrap();
    let walk = track("2024-05-01T08:00:00Z", 600, 2, 2.6);
    // A byte-order mark, no version attribute, GPX 1.0 namespace, and elements outside the schema.
    let quirky = format!(
        "\u{feff}<?xml version=\"1.0\"?><gpx creator=\"x\" xmlns=\"http://www.topografix.com/GPX/1/0\"><mystery><deep a=\"1\"/></mystery>{}<extensions><x:y xmlns:x=\"urn:x\">z</x:y></extensions></gpx>",
        walk.replace("<trkseg>", "<trkseg><unknown>ignored</unknown>")
    );
    let p = write(dir.path(), "quirky.gpx", quirky.as_bytes());
    let mut j = J::new();
    let r = j.import(&[p]);
    assert_eq!((r.imported, r.errors.len()), (1, 0), "{r:?}");
    let w = &j.walks()[0];
    assert!(
        close(w.distance_km.unwrap(), 599.0 * 2.6 / 1000.0, 0.01),
        "{:?}",
        w.distance_km
    );
    assert!(close(w.minutes, 1198.0 / 60.0, 0.1));
}

#[test]
fn routes_without_timestamps_and_car_speed_tracks_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let route = gpx_doc(
        "<rte><rtept lat=\"51.5\" lon=\"-0.1\"/><rtept lat=\"51.6\" lon=\"-0.1\"/></rte><trk><trkseg><trkpt lat=\"51.5\" lon=\"-0.1\"/></trkseg></trk>",
    );
    let car = gpx_doc(&track("2024-05-01T08:00:00Z", 300, 2, 40.0)); // 20 m/s
    let run_pace = gpx_doc(&track("2024-05-02T08:00:00Z", 300, 2, 7.0)); // 3.5 m/s
    // A planned route exported with one time on every point: skipped, never an error.
    let one_time = gpx_doc(&track("2024-05-03T08:00:00Z", 50, 0, 2.0));
    let mut j = J::new();
    let r = j.import(&[
        write(dir.path(), "route.gpx", route.as_bytes()),
        write(dir.path(), "car.gpx", car.as_bytes()),
        write(dir.path(), "run.gpx", run_pace.as_bytes()),
        write(dir.path(), "one-time.gpx", one_time.as_bytes()),
    ]);
    assert_eq!(r.imported, 0, "{r:?}");
    assert!(r.errors.is_empty(), "{r:?}");
    assert!(
        r.skipped
            .iter()
            .any(|s| s.file.ends_with("one-time.gpx") && s.reason.contains("without timing")),
        "{r:?}"
    );
    let reason = |name: &str| {
        r.skipped
            .iter()
            .find(|s| s.file.ends_with(name))
            .map(|s| s.reason.clone())
            .unwrap_or_default()
    };
    assert!(
        reason("route.gpx").contains("no timed track points"),
        "{r:?}"
    );
    assert!(reason("car.gpx").contains("car speed"), "{r:?}");
    assert!(reason("run.gpx").contains("running"), "{r:?}");
}

#[test]
fn absurd_values_are_errors_and_leave_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let fast_walk = gpx_doc(&format!(
        "<trk><type>walking</type>{}",
        &track("2024-05-03T08:00:00Z", 100, 2, 30.0)[5..]
    ));
    let mut j = J::new();
    let r = j.import(&[write(dir.path(), "fast.gpx", fast_walk.as_bytes())]);
    assert_eq!(r.errors.len(), 1, "{r:?}");
    assert!(r.errors[0].file.ends_with("fast.gpx"), "{r:?}");
    assert!(
        r.errors[0].message.contains("km/h is not plausible"),
        "{r:?}"
    );
    assert!(j.walks().is_empty());
}

/// A valid recording whose clock cannot be right (never set: 1901 or 1970; set in the future) is
/// a skip with its reason: the file is fine, its date cannot be trusted, and the run goes on.
#[test]
fn an_implausible_clock_is_a_skip_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let old = gpx_doc(&track("1901-06-01T09:00:00Z", 100, 2, 2.0));
    let epoch = gpx_doc(&track("1970-01-01T00:10:00Z", 100, 2, 2.0));
    let future = gpx_doc(&track("2031-01-01T08:00:00Z", 100, 2, 2.0));
    let fine = gpx_doc(&track("2024-05-03T08:00:00Z", 100, 2, 1.2));
    let mut j = J::new();
    let r = j.import(&[
        write(dir.path(), "old.gpx", old.as_bytes()),
        write(dir.path(), "epoch.gpx", epoch.as_bytes()),
        write(dir.path(), "future.gpx", future.as_bytes()),
        write(dir.path(), "fine.gpx", fine.as_bytes()),
    ]);
    assert!(r.errors.is_empty(), "{r:?}");
    assert_eq!(r.imported, 1, "{r:?}");
    let reason = |name: &str| {
        r.skipped
            .iter()
            .find(|e| e.file.ends_with(name))
            .map(|e| e.reason.clone())
            .unwrap_or_default()
    };
    assert!(
        reason("old.gpx").contains("1901-06-01") && reason("old.gpx").contains("not plausible"),
        "{r:?}"
    );
    assert!(reason("epoch.gpx").contains("1970-01-01"), "{r:?}");
    assert!(reason("future.gpx").contains("after today"), "{r:?}");
    assert_eq!(j.walks().len(), 1);
}

#[test]
fn wrong_format_and_xml_tricks_give_clear_errors_without_expansion() {
    let dir = tempfile::tempdir().unwrap();
    let not_fit = write(
        dir.path(),
        "notes.fit",
        b"this is a text file, not a FIT file at all",
    );
    let garbage = write(dir.path(), "garbage.gpx", b"<gpx><trk><trkseg><trkpt lat=\"1\" lon=\"2\"><time>2024-01-01T00:00:00Z</time></trkpt></trkseg><<<<");
    let laughs = "<?xml version=\"1.0\"?><!DOCTYPE gpx [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\"><!ENTITY e SYSTEM \"file:///etc/passwd\">]>";
    let bomb = write(
        dir.path(),
        "laughs.gpx",
        format!(
            "{laughs}{}",
            gpx_doc(&format!(
                "<metadata><desc>&d;&e;</desc></metadata>{}",
                track("2024-05-04T08:00:00Z", 100, 2, 2.0)
            ))
        )
        .as_bytes(),
    );
    let mut j = J::new();
    let r = j.import(&[not_fit, garbage, bomb]);
    let msg = |name: &str| {
        r.errors
            .iter()
            .find(|e| e.file.ends_with(name))
            .map(|e| e.message.clone())
    };
    assert!(
        msg("notes.fit").unwrap().contains("not a FIT file"),
        "{r:?}"
    );
    assert!(msg("garbage.gpx").unwrap().contains("at byte"), "{r:?}");
    // Entities are never expanded: the walk imports and nothing from /etc/passwd is anywhere.
    assert!(msg("laughs.gpx").is_none(), "{r:?}");
    assert_eq!(r.imported, 1);
    let journal = serde_json::to_string(&j.store.list().unwrap()).unwrap();
    assert!(!journal.contains("root:") && !journal.contains("aaaaaaaaaa"));
}

// ---- TCX ----

#[test]
fn tcx_walk_uses_the_device_laps() {
    let dir = tempfile::tempdir().unwrap();
    let mut points = String::new();
    for i in 0..300 {
        let lat = 51.5 + (i as f64 * 2.4) / 111_195.0;
        let t: jiff::Timestamp = "2024-05-05T07:00:00Z".parse().unwrap();
        let t = t
            .checked_add(jiff::SignedDuration::from_secs(i * 2))
            .unwrap();
        points.push_str(&format!("<Trackpoint><Time>{t}</Time><Position><LatitudeDegrees>{lat:.7}</LatitudeDegrees><LongitudeDegrees>-0.12</LongitudeDegrees></Position><HeartRateBpm><Value>{}</Value></HeartRateBpm><Extensions><TPX xmlns=\"http://www.garmin.com/xmlschemas/ActivityExtension/v2\"><RunCadence>55</RunCadence></TPX></Extensions></Trackpoint>", 100 + i % 3));
    }
    let doc = format!(
        "<?xml version=\"1.0\"?><TrainingCenterDatabase xmlns=\"http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2\"><Activities><Activity Sport=\"Walking\"><Id>2024-05-05T07:00:00Z</Id><Lap StartTime=\"2024-05-05T07:00:00Z\"><TotalTimeSeconds>590</TotalTimeSeconds><DistanceMeters>717.6</DistanceMeters><Track>{points}</Track></Lap></Activity></Activities></TrainingCenterDatabase>"
    );
    let mut j = J::new();
    let r = j.import(&[write(dir.path(), "walk.tcx", doc.as_bytes())]);
    assert_eq!(r.imported, 1, "{r:?}");
    let w = &j.walks()[0];
    assert!(
        close(w.minutes, 590.0 / 60.0, 0.05),
        "the lap's timer time: {}",
        w.minutes
    );
    assert!(
        close(w.distance_km.unwrap(), 0.7176, 0.0005),
        "the lap's own distance"
    );
    assert!(close(w.avg_hr_bpm.unwrap(), 101.0, 0.5));
    assert!(
        close(w.steps.unwrap() as f64, 110.0 * 598.0 / 60.0, 5.0),
        "RunCadence is per foot: {:?}",
        w.steps
    );
}

// ---- Apple Health ----

fn check_apple(j: &J) {
    let e = expected();
    let walks = j.walks();
    let workouts = e["workouts"].as_array().unwrap();
    assert_eq!(walks.len(), workouts.len());
    for (w, x) in walks.iter().zip(workouts) {
        let start = x["start"].as_str().unwrap(); // "2024-06-03 17:14:00 +0100"
        let want_start = format!("{}T{}+01:00", &start[..10], &start[11..19]);
        assert_eq!(w.start.as_deref(), Some(want_start.as_str()));
        assert!(
            close(
                w.minutes,
                x["active_duration_s"].as_f64().unwrap() / 60.0,
                0.05
            ),
            "moving time excludes the pause"
        );
        let elapsed = x["active_duration_s"].as_f64().unwrap() + x["pause_s"].as_f64().unwrap();
        assert!(close(w.elapsed_minutes.unwrap(), elapsed / 60.0, 0.05));
        assert_eq!(w.steps, x["steps"].as_u64());
        let want_km = x["route_distance_m"].as_f64().unwrap() / 1000.0;
        // The export's own distance to the metre; from the route GPX within 0.1 % (earth model).
        assert!(
            close(
                w.distance_km.unwrap(),
                want_km,
                0.0006_f64.max(0.001 * want_km)
            ),
            "{:?} vs {want_km}",
            w.distance_km
        );
        assert!(close(
            w.cadence_spm.unwrap(),
            x["steps"].as_f64().unwrap() / (x["active_duration_s"].as_f64().unwrap() / 60.0),
            0.1
        ));
        assert_eq!(w.source, WalkSource::AppleHealth);
    }
    let days = j.days();
    assert_eq!(days.len(), 3);
    for d in &days {
        let key = d.date.to_string();
        let m = &e["walking_metrics_by_day"][&key];
        assert!(
            close(
                d.walking_speed_mps.unwrap(),
                m["speed_mps"]["mean"].as_f64().unwrap(),
                1e-4
            ),
            "{key} speed"
        );
        assert!(
            close(
                d.step_length_m.unwrap(),
                m["step_length_m"]["mean"].as_f64().unwrap(),
                1e-4
            ),
            "{key} step length"
        );
        assert!(
            close(
                d.asymmetry_frac.unwrap(),
                m["asymmetry_frac"]["mean"].as_f64().unwrap(),
                1e-4
            ),
            "{key} asymmetry"
        );
        assert!(
            close(
                d.double_support_frac.unwrap(),
                m["double_support_frac"]["mean"].as_f64().unwrap(),
                1e-4
            ),
            "{key} double support"
        );
        let per_source: Vec<u64> = e["steps_by_day_source"][&key]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .collect();
        let steps = d.steps.unwrap();
        let (max, sum) = (
            *per_source.iter().max().unwrap(),
            per_source.iter().sum::<u64>(),
        );
        assert!(
            steps >= max && steps < sum,
            "{key}: de-duplicated {steps} lies between the larger source ({max}) and the raw sum ({sum})"
        );
        assert_eq!(d.source, WalkSource::AppleHealth);
    }
}

#[test]
fn apple_health_zip_gives_the_exported_values() {
    let mut j = J::new();
    let r = j.import(&[data("imports/apple-health-3d/export.zip")]);
    assert_eq!(
        (r.imported, r.daily_metrics, r.errors.len()),
        (3, 3, 0),
        "{r:?}"
    );
    check_apple(&j);
    // Re-importing changes nothing.
    let before = j.store.list().unwrap();
    let again = j.import(&[data("imports/apple-health-3d/export.zip")]);
    assert_eq!(
        (again.imported, again.duplicates, again.daily_metrics),
        (0, 3, 0),
        "{again:?}"
    );
    assert_eq!(j.store.list().unwrap(), before);
}

fn unzip(zip: &Path, into: &Path) {
    let mut a = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    a.extract(into).unwrap();
}

#[test]
fn apple_health_xml_and_folder_give_the_same() {
    let dir = tempfile::tempdir().unwrap();
    unzip(&data("imports/apple-health-3d/export.zip"), dir.path());
    let folder = dir.path().join("apple_health_export");
    let mut a = J::new();
    let ra = a.import(&[folder.join("export.xml")]);
    assert_eq!((ra.imported, ra.daily_metrics), (3, 3), "{ra:?}");
    check_apple(&a);
    let mut b = J::new();
    let rb = b.import(std::slice::from_ref(&folder));
    assert_eq!(
        (rb.imported, rb.daily_metrics, rb.skipped.len()),
        (3, 3, 0),
        "the route GPX files belong to the export: {rb:?}"
    );
    check_apple(&b);
}

#[test]
fn ios16_malformed_dtd_and_missing_distance_still_import() {
    let dir = tempfile::tempdir().unwrap();
    unzip(&data("imports/apple-health-3d/export.zip"), dir.path());
    let xml_path = dir.path().join("apple_health_export/export.xml");
    let xml = std::fs::read_to_string(&xml_path).unwrap();
    // iOS 16 shipped an ATTLIST with a duplicate, unterminated declaration; strict parsers fail.
    let broken = xml.replacen(
        "<!ATTLIST ExportDate",
        "<!ATTLIST Record\n  type CDATA #REQUIRED\n  type CDATA #REQUIRED\n<!ATTLIST Correlation sourceName CDATA #REQUIRED\n<!ATTLIST ExportDate",
        1,
    );
    // And drop the distance statistics so the route files give the distance.
    let broken: String = broken
        .lines()
        .filter(|l| !l.contains("DistanceWalkingRunning\" startDate"))
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&xml_path, broken).unwrap();
    let mut j = J::new();
    let r = j.import(&[dir.path().join("apple_health_export")]);
    assert_eq!((r.imported, r.errors.len()), (3, 0), "{r:?}");
    check_apple(&j);
}

#[test]
fn a_truncated_apple_export_is_an_error_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    unzip(&data("imports/apple-health-3d/export.zip"), dir.path());
    let xml_path = dir.path().join("apple_health_export/export.xml");
    let xml = std::fs::read(&xml_path).unwrap();
    let cut = xml.len() / 2;
    std::fs::write(&xml_path, &xml[..cut]).unwrap();
    let mut j = J::new();
    let r = j.import(&[xml_path, data("fitparse/garmin-fenix-5-walk.fit")]);
    assert_eq!(r.errors.len(), 1, "{r:?}");
    assert_eq!(r.imported, 1, "the other file still imports");
    assert!(
        j.days().is_empty(),
        "nothing partial from the failed export"
    );
}

// ---- Zips ----

#[test]
fn zip_members_import_and_a_zip_bomb_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let zpath = dir.path().join("bulk.zip");
    {
        let mut z = zip::ZipWriter::new(std::fs::File::create(&zpath).unwrap());
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        z.start_file("activities/walk.fit", opts).unwrap();
        z.write_all(&std::fs::read(data("fitparse/garmin-fenix-5-walk.fit")).unwrap())
            .unwrap();
        z.start_file("activities/bomb.gpx", opts).unwrap();
        let zeros = vec![b' '; 1024 * 1024];
        for _ in 0..64 {
            z.write_all(&zeros).unwrap();
        }
        z.start_file("readme.txt", opts).unwrap();
        z.write_all(b"hello").unwrap();
        z.finish().unwrap();
    }
    let mut j = J::new();
    let r = j.import(std::slice::from_ref(&zpath));
    assert_eq!(r.imported, 1, "{r:?}");
    let bomb = r
        .errors
        .iter()
        .find(|e| e.file.ends_with("bulk.zip!activities/bomb.gpx"))
        .expect("the bomb is reported with its member name");
    assert!(bomb.message.contains("zip bomb"), "{bomb:?}");
    assert!(
        r.skipped
            .iter()
            .any(|s| s.file.ends_with("bulk.zip!readme.txt"))
    );
}

// ---- De-duplication ----

/// The FIT walk written out as GPX, as another app would export the same walk.
fn fit_walk_as_gpx(dir: &Path) -> PathBuf {
    let csv = std::fs::read_to_string(data("fitparse/garmin-fenix-5-walk-records.csv")).unwrap();
    let t0: jiff::Timestamp = "2017-06-11T14:32:51Z".parse().unwrap();
    let mut pts = String::new();
    for (i, line) in csv.lines().skip(1).enumerate() {
        let f: Vec<&str> = line.split(',').collect();
        let secs = [
            0, 1, 5, 7, 11, 13, 15, 16, 17, 20, 22, 24, 25, 28, 29, 32, 46,
        ][i];
        let t = t0
            .checked_add(jiff::SignedDuration::from_secs(secs))
            .unwrap();
        let lat = f[5].parse::<f64>().unwrap() * 180.0 / 2_147_483_648.0;
        let lon = f[6].parse::<f64>().unwrap() * 180.0 / 2_147_483_648.0;
        pts.push_str(&format!(
            "<trkpt lat=\"{lat:.7}\" lon=\"{lon:.7}\"><time>{t}</time></trkpt>"
        ));
    }
    write(
        dir,
        "same-walk.gpx",
        gpx_doc(&format!(
            "<trk><type>walking</type><trkseg>{pts}</trkseg></trk>"
        ))
        .as_bytes(),
    )
}

#[test]
fn the_same_walk_from_fit_and_gpx_is_one_walk_keeping_the_richer_record() {
    let dir = tempfile::tempdir().unwrap();
    let gpx = fit_walk_as_gpx(dir.path());
    // GPX first, then the richer FIT: one walk, enriched with steps and heart rate.
    let mut j = J::new();
    let a = j.import(std::slice::from_ref(&gpx));
    assert_eq!(a.imported, 1, "{a:?}");
    // The person rates the walk before the FIT file arrives.
    let mut w = j.walks()[0].clone();
    w.pain_before = Some(2);
    w.pain_peak = Some(4);
    w.notes = Some("windy".into());
    j.store.replace(Entry::Walk(w)).unwrap();
    let b = j.import(&[data("fitparse/garmin-fenix-5-walk.fit")]);
    assert_eq!((b.imported, b.duplicates, b.enriched), (0, 1, 1), "{b:?}");
    let walks = j.walks();
    assert_eq!(walks.len(), 1);
    assert_eq!(walks[0].steps, Some(82), "the richer record's details");
    assert_eq!(
        (
            walks[0].pain_before,
            walks[0].pain_peak,
            walks[0].notes.as_deref()
        ),
        (Some(2), Some(4), Some("windy")),
        "the annotation stays"
    );
    // FIT first, then GPX: the GPX is a duplicate and changes nothing.
    let mut k = J::new();
    k.import(&[data("fitparse/garmin-fenix-5-walk.fit")]);
    let before = k.store.list().unwrap();
    let c = k.import(&[gpx]);
    assert_eq!((c.imported, c.duplicates, c.enriched), (0, 1, 0), "{c:?}");
    assert_eq!(k.store.list().unwrap(), before);
}

#[test]
fn importing_everything_twice_changes_nothing_and_dry_run_writes_nothing() {
    let paths = [data("imports"), data("fitparse")];
    let mut dry = J::new();
    let preview = dry.import_with(&paths, true);
    assert!(
        dry.store.list().unwrap().is_empty(),
        "a dry run writes nothing"
    );
    let mut j = J::new();
    let first = j.import(&paths);
    assert_eq!(
        (first.imported, first.daily_metrics),
        (preview.imported, preview.daily_metrics),
        "the dry run predicts the real run"
    );
    assert_eq!(first.imported, 5, "{first:?}");
    let before = j.store.list().unwrap();
    let second = j.import(&paths);
    assert_eq!(
        (second.imported, second.duplicates, second.daily_metrics),
        (0, first.imported, 0),
        "{second:?}"
    );
    assert_eq!(j.store.list().unwrap(), before);
}

#[test]
fn a_walk_logged_by_hand_is_enriched_not_doubled() {
    let mut j = J::new();
    let manual = Walk {
        id: String::new(),
        date: date(2017, 6, 11),
        start: None,
        minutes: 0.8,
        elapsed_minutes: None,
        bouts: 1,
        pain_before: Some(1),
        pain_peak: Some(3),
        leg_spread: None,
        new_symptoms: false,
        distance_km: None,
        steps: None,
        cadence_spm: None,
        avg_hr_bpm: None,
        ascent_m: None,
        surface: Some("park".into()),
        shoes: None,
        source: WalkSource::Manual,
        notes: None,
        gait: None,
    };
    j.store.add(Entry::Walk(manual)).unwrap();
    let r = j.import(&[data("fitparse/garmin-fenix-5-walk.fit")]);
    assert_eq!((r.imported, r.duplicates, r.enriched), (0, 1, 1), "{r:?}");
    let w = &j.walks()[0];
    assert_eq!(
        (w.pain_peak, w.surface.as_deref(), w.steps),
        (Some(3), Some("park"), Some(82))
    );
}

#[test]
fn apple_route_paths_cannot_leave_the_export() {
    let dir = tempfile::tempdir().unwrap();
    unzip(&data("imports/apple-health-3d/export.zip"), dir.path());
    let export = dir.path().join("apple_health_export");
    // The routes move outside the export, and the export points at them with `..`.
    let outside = dir.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    for e in std::fs::read_dir(export.join("workout-routes")).unwrap() {
        let p = e.unwrap().path();
        std::fs::rename(&p, outside.join(p.file_name().unwrap())).unwrap();
    }
    let xml_path = export.join("export.xml");
    let xml = std::fs::read_to_string(&xml_path).unwrap();
    let rewritten: String = xml
        .replace("path=\"/workout-routes/", "path=\"/../outside/")
        .lines()
        .filter(|l| !l.contains("DistanceWalkingRunning\" startDate"))
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&xml_path, rewritten).unwrap();
    let mut j = J::new();
    let r = j.import(std::slice::from_ref(&export));
    // Without their routes, the workouts have no distance: none may come from outside.
    assert!(
        j.walks().iter().all(|w| w.distance_km.is_none()),
        "a route outside the export was read: {r:?}"
    );
}

#[cfg(unix)]
#[test]
fn a_folder_that_links_back_to_itself_finishes() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("activities");
    std::fs::create_dir(&base).unwrap();
    std::fs::copy(
        data("fitparse/garmin-fenix-5-walk.fit"),
        base.join("walk.fit"),
    )
    .unwrap();
    std::os::unix::fs::symlink(&base, base.join("loop")).unwrap();
    std::os::unix::fs::symlink(dir.path(), base.join("up")).unwrap();
    let mut j = J::new();
    let r = j.import(std::slice::from_ref(&base));
    assert_eq!(r.imported, 1, "{r:?}");
    assert_eq!(
        r.skipped
            .iter()
            .filter(|s| s.reason.contains("linked folder"))
            .count(),
        2,
        "{r:?}"
    );
}

#[test]
fn a_zip_of_many_activity_files_is_read_in_one_pass() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let zip_path = dir.path().join("many.zip");
    let fit = std::fs::read(data("fitparse/garmin-fenix-5-walk.fit")).unwrap();
    let mut w = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..300 {
        w.start_file(format!("activities/{i:04}.fit"), opts)
            .unwrap();
        w.write_all(&fit).unwrap();
    }
    w.finish().unwrap();
    let mut j = J::new();
    let r = j.import(&[zip_path]);
    assert_eq!((r.imported, r.duplicates), (1, 299), "{r:?}");
}

#[test]
fn an_apple_export_declaring_entities_is_reported_not_silently_empty() {
    let dir = tempfile::tempdir().unwrap();
    unzip(&data("imports/apple-health-3d/export.zip"), dir.path());
    let xml_path = dir.path().join("apple_health_export/export.xml");
    let xml = std::fs::read_to_string(&xml_path).unwrap();
    let laughs = xml.replacen(
        "<!DOCTYPE HealthData [",
        "<!DOCTYPE HealthData [\n<!ENTITY a \"aaaaaaaaaa\">\n<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">",
        1,
    );
    std::fs::write(&xml_path, laughs).unwrap();
    let mut j = J::new();
    let r = j.import(&[xml_path]);
    assert_eq!(r.imported, 0);
    assert_eq!(r.errors.len(), 1, "{r:?}");
    assert!(r.errors[0].message.contains("entities"), "{r:?}");
}

#[test]
fn ios16_exports_whose_dtd_never_closes_still_import() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    unzip(&data("imports/apple-health-3d/export.zip"), dir.path());
    let xml_path = dir.path().join("apple_health_export/export.xml");
    let xml = std::fs::read_to_string(&xml_path).unwrap();
    // iOS 16: the last <!ATTLIST (VisionPrescription) lost its ">", so for a strict reader the
    // DOCTYPE never closes ("DOCTYPE not closed"); some values carry a stray \x0b.
    let end = xml.find("]>").unwrap();
    let gt = xml[..end].rfind('>').unwrap();
    let broken = format!("{}{}", &xml[..gt], &xml[gt + 1..]).replacen(
        "sourceName=\"",
        "sourceName=\"\u{b}",
        2,
    );
    std::fs::write(&xml_path, &broken).unwrap();
    let mut j = J::new();
    let r = j.import(&[dir.path().join("apple_health_export")]);
    assert_eq!((r.imported, r.errors.len()), (3, 0), "{r:?}");
    check_apple(&j);
    // The same export zipped, as the phone shares it.
    let zip_path = dir.path().join("export.zip");
    let mut w = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    let opts = zip::write::SimpleFileOptions::default();
    w.start_file("apple_health_export/export.xml", opts)
        .unwrap();
    w.write_all(broken.as_bytes()).unwrap();
    w.finish().unwrap();
    let mut k = J::new();
    let r = k.import(&[zip_path]);
    assert_eq!((r.imported, r.errors.len()), (3, 0), "{r:?}");
}

/// A journal where someone corrects walk w-1 just before the import's first write (the web
/// app's edit form while a long import runs).
struct CorrectedMeanwhile {
    inner: SqliteStore,
    done: bool,
}

impl Store for CorrectedMeanwhile {
    fn add(&mut self, e: Entry) -> Result<Entry, amble_store::StoreError> {
        self.inner.add(e)
    }
    fn add_once(&mut self, e: Entry, r: &str) -> Result<(Entry, bool), amble_store::StoreError> {
        self.inner.add_once(e, r)
    }
    fn list(&self) -> Result<Vec<Entry>, amble_store::StoreError> {
        self.inner.list()
    }
    fn get(&self, id: &str) -> Result<Option<Entry>, amble_store::StoreError> {
        self.inner.get(id)
    }
    fn replace(&mut self, e: Entry) -> Result<(), amble_store::StoreError> {
        self.inner.replace(e)
    }
    fn delete(&mut self, id: &str) -> Result<Entry, amble_store::StoreError> {
        self.inner.delete(id)
    }
    fn import(
        &mut self,
        e: Vec<Entry>,
    ) -> Result<amble_store::ImportSummary, amble_store::StoreError> {
        self.inner.import(e)
    }
    fn apply(
        &mut self,
        changes: Vec<amble_store::Change>,
    ) -> Result<Vec<Entry>, amble_store::StoreError> {
        if !self.done {
            self.done = true;
            if let Some(Entry::Walk(mut w)) = self.inner.get("w-1")? {
                w.pain_peak = Some(5);
                w.notes = Some("corrected meanwhile".into());
                self.inner.replace(Entry::Walk(w))?;
            }
        }
        self.inner.apply(changes)
    }
    fn version(&self) -> Result<i64, amble_store::StoreError> {
        self.inner.version()
    }
}

#[test]
fn an_enrichment_never_overwrites_a_correction_made_meanwhile() {
    let dir = tempfile::tempdir().unwrap();
    let gpx = fit_walk_as_gpx(dir.path());
    let mut j = J::new();
    assert_eq!(j.import(std::slice::from_ref(&gpx)).imported, 1);
    let mut store = CorrectedMeanwhile {
        inner: SqliteStore::open(j._dir.path()).unwrap(),
        done: false,
    };
    let opts = Options {
        dry_run: false,
        today: date(2026, 11, 26),
        tz: jiff::tz::TimeZone::UTC,
    };
    let r = run(
        &[data("fitparse/garmin-fenix-5-walk.fit")],
        &mut store,
        &opts,
        &mut Quiet,
    )
    .unwrap();
    assert!(store.done, "the correction happened during the import");
    assert_eq!((r.imported, r.duplicates, r.enriched), (0, 1, 1), "{r:?}");
    let walks = j.walks();
    assert_eq!(walks.len(), 1);
    assert_eq!(walks[0].steps, Some(82), "the richer record's details");
    assert_eq!(
        (walks[0].pain_peak, walks[0].notes.as_deref()),
        (Some(5), Some("corrected meanwhile")),
        "the correction made meanwhile stays"
    );
}

/// A folder's named pipe, a link to a device and a socket are skipped with their reason and
/// never opened (a pipe would wait for a writer for ever; /dev/zero never ends).
#[cfg(unix)]
#[test]
fn pipes_devices_and_sockets_are_skipped_unopened() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("trick");
    std::fs::create_dir(&base).unwrap();
    std::fs::copy(
        data("fitparse/garmin-fenix-5-walk.fit"),
        base.join("walk.fit"),
    )
    .unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(base.join("fifo.fit"))
        .status()
        .unwrap();
    assert!(made.success());
    std::os::unix::fs::symlink("/dev/zero", base.join("zero.gpx")).unwrap();
    let _socket = std::os::unix::net::UnixListener::bind(base.join("sock.tcx")).unwrap();
    // Run on a thread: a hang is a failure after a minute, not a test that never ends.
    let (tx, rx) = std::sync::mpsc::channel();
    let paths = vec![base.clone(), PathBuf::from("/dev/null")];
    std::thread::spawn(move || {
        let mut j = J::new();
        let r = j.import_with(&paths, true);
        let _ = tx.send(r);
    });
    let r = rx
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("the import finished without opening the pipe");
    assert_eq!(r.imported, 1, "{r:?}");
    assert!(r.errors.is_empty(), "{r:?}");
    let reason = |end: &str| {
        r.skipped
            .iter()
            .find(|s| s.file.ends_with(end))
            .map(|s| s.reason.clone())
            .unwrap_or_else(|| panic!("{end} skipped: {r:?}"))
    };
    assert!(reason("fifo.fit").contains("named pipe"), "{r:?}");
    assert!(reason("zero.gpx").contains("device"), "{r:?}");
    assert!(reason("/dev/null").contains("device"), "{r:?}");
    assert!(reason("sock.tcx").contains("socket"), "{r:?}");
}
