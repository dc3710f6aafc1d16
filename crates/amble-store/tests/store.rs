//! The SQLite journal: round trips, lossless import, refusal of files it must not touch, and
//! concurrent writers.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

use amble_core::journal::{Entry, ExerciseSession, LegSpread, Morning, Walk, WalkSource};
use amble_store::{SCHEMA_VERSION, SqliteStore, Store, StoreError};
use jiff::civil::date;

fn walk(day: i8, minutes: f64) -> Entry {
    Entry::Walk(Walk {
        id: String::new(),
        date: date(2026, 1, day),
        start: None,
        minutes,
        elapsed_minutes: Some(minutes + 2.5),
        bouts: 1,
        pain_before: Some(2),
        pain_peak: Some(4),
        leg_spread: Some(LegSpread::Usual),
        new_symptoms: false,
        distance_km: Some(1.68),
        steps: Some(2437),
        cadence_spm: Some(97.5),
        avg_hr_bpm: None,
        ascent_m: None,
        surface: Some("trail".into()),
        shoes: Some("old \"blue\" ones, size 9".into()),
        source: WalkSource::Manual,
        notes: Some("windy; ünïcode ✓".into()),
        gait: None,
    })
}

fn morning(day: i8, pain: u8) -> Entry {
    Entry::Morning(Morning {
        id: String::new(),
        date: date(2026, 1, day),
        pain,
    })
}

#[test]
fn entries_round_trip_in_journal_order_with_stable_ids() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = SqliteStore::open(dir.path()).unwrap();
    let a = s.add(walk(6, 20.0)).unwrap();
    let b = s.add(morning(7, 2)).unwrap();
    let c = s.add(walk(5, 15.0)).unwrap(); // earlier date, stored later
    let x = s
        .add(Entry::Exercise(ExerciseSession {
            id: String::new(),
            date: date(2026, 1, 7),
            exercise: "bird_dog".into(),
            sets: Some(2),
            pain_after: None,
        }))
        .unwrap();
    assert_eq!(
        (a.id(), b.id(), c.id(), x.id()),
        ("w-1", "m-1", "w-2", "x-1")
    );
    let listed = s.list().unwrap();
    let ids: Vec<&str> = listed.iter().map(|e| e.id()).collect();
    assert_eq!(
        ids,
        ["w-2", "w-1", "m-1", "x-1"],
        "oldest date first, then the order stored"
    );
    assert_eq!(listed[1], a, "stored exactly as given");
    drop(s);
    let s = SqliteStore::open(dir.path()).unwrap();
    assert_eq!(s.list().unwrap(), listed, "survives reopening");
}

#[test]
fn correct_and_delete() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = SqliteStore::open(dir.path()).unwrap();
    let mut w = s.add(walk(6, 20.0)).unwrap();
    if let Entry::Walk(inner) = &mut w {
        inner.pain_peak = Some(6);
        inner.date = date(2026, 1, 4);
    }
    s.replace(w.clone()).unwrap();
    assert_eq!(s.get("w-1").unwrap(), Some(w.clone()));
    // The kind of an entry cannot change under its id.
    let mut m = morning(5, 1);
    m.set_id("w-1".into());
    assert!(matches!(s.replace(m), Err(StoreError::Conflict { .. })));
    assert!(matches!(
        s.replace({
            let mut e = walk(1, 1.0);
            e.set_id("w-99".into());
            e
        }),
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(s.delete("w-1").unwrap(), w);
    assert!(s.list().unwrap().is_empty());
    assert!(matches!(s.delete("w-1"), Err(StoreError::NotFound(_))));
    // A deleted id is never reused.
    assert_eq!(s.add(walk(6, 10.0)).unwrap().id(), "w-2");
}

#[test]
fn import_is_lossless_idempotent_and_all_or_nothing() {
    let one = tempfile::tempdir().unwrap();
    let mut s = SqliteStore::open(one.path()).unwrap();
    for d in 1..=5 {
        s.add(walk(d, f64::from(d) * 3.5)).unwrap();
        s.add(morning(d + 1, (d % 3) as u8)).unwrap();
    }
    let exported = s.list().unwrap();

    let two = tempfile::tempdir().unwrap();
    let mut t = SqliteStore::open(two.path()).unwrap();
    let sum = t.import(exported.clone()).unwrap();
    assert_eq!((sum.added, sum.unchanged), (10, 0));
    assert_eq!(t.list().unwrap(), exported, "identical after a round trip");
    let again = t.import(exported.clone()).unwrap();
    assert_eq!(
        (again.added, again.unchanged),
        (0, 10),
        "importing twice changes nothing"
    );
    // New entries after an import get fresh ids.
    assert_eq!(t.add(walk(9, 5.0)).unwrap().id(), "w-6");

    // A conflicting entry rolls back the whole import.
    let mut changed = exported.clone();
    if let Entry::Walk(w) = &mut changed[0] {
        w.minutes += 1.0;
    }
    let three = tempfile::tempdir().unwrap();
    let mut u = SqliteStore::open(three.path()).unwrap();
    u.import(vec![exported[0].clone()]).unwrap();
    let mut batch = exported[1..].to_vec();
    batch.push(changed[0].clone());
    assert!(matches!(u.import(batch), Err(StoreError::Conflict { .. })));
    assert_eq!(
        u.list().unwrap().len(),
        1,
        "nothing from the failed import stays"
    );
}

#[test]
fn a_file_that_is_not_a_database_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = SqliteStore::file_in(dir.path());
    let garbage = b"this is my shopping list, not a database\n".repeat(200);
    std::fs::write(&path, &garbage).unwrap();
    let err = SqliteStore::open(dir.path()).err().expect("refused");
    assert!(matches!(err, StoreError::NotAJournal { .. }), "{err}");
    assert!(err.to_string().contains("has not been changed"));
    assert_eq!(std::fs::read(&path).unwrap(), garbage, "not reset");
}

#[test]
fn another_programs_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = SqliteStore::file_in(dir.path());
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch("CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('soup');")
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    assert!(matches!(
        SqliteStore::open(dir.path()),
        Err(StoreError::NotAJournal { .. })
    ));
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_newer_journal_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut s = SqliteStore::open(dir.path()).unwrap();
        s.add(walk(1, 10.0)).unwrap();
    }
    let path = SqliteStore::file_in(dir.path());
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(&format!("PRAGMA user_version = {};", SCHEMA_VERSION + 1))
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    match SqliteStore::open(dir.path()) {
        Err(StoreError::TooNew {
            found, supported, ..
        }) => {
            assert_eq!((found, supported), (SCHEMA_VERSION + 1, SCHEMA_VERSION));
        }
        other => panic!("expected TooNew, got {:?}", other.err()),
    }
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_version_1_journal_is_migrated_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = SqliteStore::file_in(dir.path());
    {
        // A journal as version 1 of the schema left it.
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(include_str!("../migrations/sqlite/0001_entries.sql"))
            .unwrap();
        c.execute_batch(&format!(
            "PRAGMA user_version = 1; PRAGMA application_id = {};",
            0x416D_626C
        ))
        .unwrap();
        let body = serde_json::to_string(&{
            let mut w = walk(3, 12.0);
            w.set_id("w-7".into());
            w
        })
        .unwrap();
        c.execute(
            "INSERT INTO entries (id, kind, date, body) VALUES ('w-7', 'walk', '2026-01-03', ?1)",
            [body],
        )
        .unwrap();
    }
    let mut s = SqliteStore::open(dir.path()).unwrap();
    assert_eq!(s.list().unwrap().len(), 1, "entries kept");
    assert_eq!(
        s.add(walk(4, 5.0)).unwrap().id(),
        "w-8",
        "counter seeded from existing ids"
    );
    let version: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
}

#[test]
fn migrations_are_numbered_in_order() {
    let mut names: Vec<String> =
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
    names.sort();
    // A version reserved for another change (a `SELECT 1; -- reserved` step) has no file yet.
    let with_files: Vec<i64> = amble_store::migrations::MIGRATIONS
        .iter()
        .filter(|m| !m.sqlite.contains("-- reserved"))
        .map(|m| m.version)
        .collect();
    for (n, v) in names.iter().zip(&with_files) {
        assert!(n.starts_with(&format!("{v:04}_")), "{n} is migration {v}");
    }
    assert_eq!(
        names.len(),
        with_files.len(),
        "every migration file is applied"
    );
}

#[test]
fn open_existing_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("not-yet");
    assert!(SqliteStore::open_existing(&sub).unwrap().is_none());
    assert!(!sub.exists());
}

#[test]
fn concurrent_writers_never_lose_an_entry() {
    let dir = tempfile::tempdir().unwrap();
    SqliteStore::open(dir.path()).unwrap();
    let threads: Vec<_> = (0..6)
        .map(|t| {
            let path = dir.path().to_path_buf();
            std::thread::spawn(move || {
                let mut s = SqliteStore::open(&path).unwrap();
                for i in 0..25 {
                    s.add(walk(1 + (i % 28) as i8, f64::from(t * 100 + i)))
                        .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let all = SqliteStore::open(dir.path()).unwrap().list().unwrap();
    assert_eq!(all.len(), 150);
    let ids: std::collections::BTreeSet<&str> = all.iter().map(|e| e.id()).collect();
    assert_eq!(ids.len(), 150, "every id unique");
}

#[test]
fn imported_ids_must_be_well_formed_so_later_ids_can_be_given() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(dir.path()).unwrap();
    for bad in ["m-99999999999999999999", "m--3", "w-1", "m-", "m-01"] {
        let mut e = morning(5, 2);
        e.set_id(bad.to_string());
        match store.import(vec![e]) {
            Err(StoreError::Invalid { id, .. }) => assert_eq!(id, bad),
            other => panic!("{bad}: {other:?}"),
        }
    }
    assert!(store.list().unwrap().is_empty());
    let mut e = morning(5, 2);
    e.set_id("m-1000000000000".into());
    store.import(vec![e]).unwrap();
    // The largest id is taken: the next one cannot be given, and the store says so.
    assert!(store.add(morning(6, 3)).is_err());
    assert_eq!(store.list().unwrap().len(), 1);
}

/// The body of every kind of entry, with every field set: its keys are part of the schema.
/// Changing them (a new field, a renamed one) needs a new schema version and a migration,
/// so an older Amble says "this journal is from a newer version" instead of failing on a row.
#[test]
fn the_body_format_belongs_to_the_schema_version() {
    use amble_core::journal::DailyMetrics;
    let full_walk = serde_json::from_value::<Entry>(serde_json::json!({
        "kind": "walk", "id": "w-1", "date": "2026-01-05", "start": "2026-01-05T10:00:00Z",
        "minutes": 20.0, "elapsed_minutes": 22.0, "bouts": 1, "pain_before": 1, "pain_peak": 2,
        "leg_spread": "none", "new_symptoms": false, "distance_km": 1.5, "steps": 2000,
        "cadence_spm": 100.0, "avg_hr_bpm": 100.0, "ascent_m": 5.0, "surface": "grass",
        "shoes": "old", "source": "gpx", "notes": "fine"
    }))
    .unwrap();
    let entries = [
        full_walk,
        morning(5, 2),
        Entry::Exercise(ExerciseSession {
            id: "x-1".into(),
            date: date(2026, 1, 5),
            exercise: "bird_dog".into(),
            sets: Some(2),
            pain_after: Some(1),
        }),
        Entry::DailyMetrics(DailyMetrics {
            id: "d-1".into(),
            date: date(2026, 1, 5),
            steps: Some(1),
            walking_speed_mps: Some(1.0),
            step_length_m: Some(0.7),
            asymmetry_frac: Some(0.1),
            double_support_frac: Some(0.3),
            steadiness_frac: Some(0.9),
            source: WalkSource::AppleHealth,
        }),
        Entry::Assessment(Box::new(amble_core::journal::StoredAssessment {
            id: "a-1".into(),
            date: date(2026, 1, 5),
            answers: amble_core::Answers::default(),
            rescreen: true,
            keep_level: true,
        })),
        Entry::Checkin(Box::new(amble_core::checkin::Checkin {
            id: "c-1".into(),
            date: date(2026, 1, 5),
            red_flags: Default::default(),
            change: Some(amble_core::checkin::GlobalChange::Better),
            pain: Some(2),
            instruments: amble_core::answers::InstrumentItems {
                rmdq: Some(vec![0; 24]),
                ..Default::default()
            },
            activity_limited: Some(false),
        })),
    ];
    let keys: Vec<String> = entries
        .iter()
        .map(|e| {
            let v = serde_json::to_value(e).unwrap();
            let mut k: Vec<&String> = v.as_object().unwrap().keys().collect();
            k.sort();
            format!(
                "{}: {}",
                e.kind(),
                k.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(",")
            )
        })
        .collect();
    let schema_5 = [
        "walk: ascent_m,avg_hr_bpm,bouts,cadence_spm,date,distance_km,elapsed_minutes,id,kind,leg_spread,minutes,new_symptoms,notes,pain_before,pain_peak,shoes,source,start,steps,surface",
        "morning: date,id,kind,pain",
        "exercise: date,exercise,id,kind,pain_after,sets",
        "daily_metrics: asymmetry_frac,date,double_support_frac,id,kind,source,steadiness_frac,step_length_m,steps,walking_speed_mps",
        "assessment: answers,date,id,keep_level,kind,rescreen",
        "checkin: activity_limited,change,date,id,instruments,kind,pain,red_flags",
    ];
    assert_eq!(
        SCHEMA_VERSION, 14,
        "a new schema version: record its body keys here (11: assessments may carry keep_level; 12: the audit log and 13: entries keyed by journal, bodies unchanged; 14: a walk's gait windows kept apart, read back whole)"
    );
    assert_eq!(
        keys, schema_5,
        "the body format changed: add a migration (a new schema version) and record the keys"
    );
}

#[test]
fn salvage_reads_what_it_can_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut s = SqliteStore::open(dir.path()).unwrap();
        s.add(walk(1, 10.0)).unwrap();
        s.add(morning(2, 3)).unwrap();
    }
    let path = SqliteStore::file_in(dir.path());
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(&format!(
            "UPDATE entries SET body = '{{\"kind\": \"morning\", \"id\": \"m-1\", \"date\": \"2026-01-02\", \"pain\": \"three\"}}' WHERE id = 'm-1'; PRAGMA user_version = {};",
            SCHEMA_VERSION + 1
        ))
        .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    assert!(matches!(
        SqliteStore::open(dir.path()),
        Err(StoreError::TooNew { .. })
    ));
    let (good, bad) = SqliteStore::salvage(dir.path()).unwrap();
    assert_eq!(good.len(), 1);
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0].0, "m-1");
    assert!(bad[0].1.contains("m-1"), "{:?}", bad[0]);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "salvage changes nothing"
    );
}

/// A journal as Amble's schema `version` left it (its migrations applied), with a walk and a
/// morning, written the way that version wrote them.
fn older_journal(path: &std::path::Path, version: i64) -> rusqlite::Connection {
    let c = rusqlite::Connection::open(path).unwrap();
    for m in &amble_store::migrations::MIGRATIONS[..usize::try_from(version).unwrap()] {
        c.execute_batch(m.sqlite).unwrap();
    }
    c.execute_batch(&format!(
        "PRAGMA user_version = {version}; PRAGMA application_id = {};",
        0x416D_626C
    ))
    .unwrap();
    for (id, e) in [("w-1", walk(1, 10.0)), ("m-1", morning(2, 3))] {
        let mut e = e;
        e.set_id(id.into());
        c.execute(
            "INSERT INTO entries (id, kind, date, body) VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![
                id,
                e.kind(),
                e.date().to_string(),
                serde_json::to_string(&e).unwrap()
            ],
        )
        .unwrap();
        c.execute(
            "INSERT INTO id_counters (prefix, last) VALUES (?1, 1)",
            [&id[..1]],
        )
        .unwrap();
    }
    c
}

/// A journal kept before accounts came to SQLite (schema 8) keeps every entry, id and counter
/// in journal 1, the journal opened without accounts; the first person added adopts it, and
/// the next person starts empty with ids of their own.
#[test]
fn a_schema_8_journal_migrates_to_accounts_keeping_everything_in_journal_1() {
    use amble_store::{AccountStore, SqliteAccounts};
    let dir = tempfile::tempdir().unwrap();
    let path = SqliteStore::file_in(dir.path());
    let c = older_journal(&path, 8);
    c.execute("DELETE FROM entries WHERE id = 'w-1'", [])
        .unwrap();
    drop(c);
    let mut s = SqliteStore::open(dir.path()).unwrap();
    assert_eq!(s.journal(), 1);
    let kept: Vec<String> = s
        .list()
        .unwrap()
        .iter()
        .map(|e| e.id().to_string())
        .collect();
    assert_eq!(kept, ["m-1"]);
    assert_eq!(
        s.add(walk(3, 5.0)).unwrap().id(),
        "w-2",
        "the id counter came along: w-1 is never reused"
    );
    let accounts = SqliteAccounts::open(dir.path()).unwrap();
    assert!(!accounts.has_users().unwrap());
    let coach = accounts
        .add_user(
            "cat@x.org",
            amble_core::access::Role::Coach,
            "a long enough secret",
        )
        .unwrap();
    assert_eq!(coach.journal, None);
    let ann = accounts
        .add_user(
            "ann@x.org",
            amble_core::access::Role::Person,
            "a long enough secret",
        )
        .unwrap();
    assert_eq!(ann.journal, Some(1), "the first person adopts journal 1");
    let bob = accounts
        .add_user(
            "bob@x.org",
            amble_core::access::Role::Person,
            "a long enough secret",
        )
        .unwrap();
    assert_ne!(bob.journal, Some(1));
    let mut b = SqliteStore::open_journal(dir.path(), bob.journal.unwrap()).unwrap();
    assert!(b.list().unwrap().is_empty(), "bob sees nothing of ann's");
    assert_eq!(
        b.add(morning(4, 1)).unwrap().id(),
        "m-1",
        "ids are per journal"
    );
    assert_eq!(
        s.list().unwrap().len(),
        2,
        "ann's journal is untouched by bob's"
    );
    assert!(SqliteStore::open_journal(dir.path(), 99).is_err());
}

/// A journal written before check-ins existed (schema 4) opens, migrates in place with every
/// entry kept, and then stores a check-in.
#[test]
fn a_schema_4_journal_migrates_to_check_ins_without_losing_anything() {
    let dir = tempfile::tempdir().unwrap();
    let path = SqliteStore::file_in(dir.path());
    {
        // A schema 4 journal (no 'checkin' in the kind check), as an older Amble left it.
        let c = older_journal(&path, 4);
        let refused = c.execute(
            "INSERT INTO entries (id, kind, date, body) VALUES ('c-9', 'checkin', '2026-01-05', '{}')",
            [],
        );
        assert!(refused.is_err(), "schema 4 refuses check-ins");
    }
    let mut s = SqliteStore::open(dir.path()).unwrap();
    let before = s.list().unwrap();
    assert_eq!(before.len(), 2);
    let c = s
        .add(Entry::Checkin(Box::new(amble_core::checkin::Checkin {
            id: String::new(),
            date: date(2026, 1, 6),
            red_flags: Default::default(),
            change: None,
            pain: Some(1),
            instruments: Default::default(),
            activity_limited: None,
        })))
        .unwrap();
    assert_eq!(c.id(), "c-1");
    let after = s.list().unwrap();
    assert_eq!(after.len(), 3);
    assert_eq!(&after[..2], &before[..]);
    let version: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
}

/// Many writers opening a brand-new journal at once: each sees it whole (never the tables of a
/// half-migrated one), so nobody is told the file belongs to another program.
#[test]
fn writers_opening_a_new_journal_together_all_succeed() {
    for _ in 0..20 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().to_path_buf();
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let p = path.clone();
                std::thread::spawn(move || SqliteStore::open(&p).map(drop))
            })
            .collect();
        for t in threads {
            if let Err(e) = t.join().unwrap() {
                panic!("{e}");
            }
        }
    }
}

/// A schema 13 journal whose walks carry gait windows in their bodies migrates to 14 with the
/// windows moved apart and the journal read back byte for byte as before; writes after it
/// leave change marks.
#[test]
fn a_schema_13_journal_moves_gait_windows_apart_and_exports_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let path = SqliteStore::file_in(dir.path());
    let c = older_journal(&path, 13);
    let mut w = walk(3, 40.0);
    w.set_id("w-2".into());
    if let Entry::Walk(x) = &mut w {
        x.gait = Some(Box::new(amble_core::gait::WalkGait {
            file: "walk.csv".into(),
            walking_s: 2400.0,
            steps: 4000,
            cadence_spm: 104.3,
            stride_length_m: 1.21,
            speed_mps: 1.05,
            step_time_cv: 0.031,
            symmetry: Some(0.91),
            windows: (0..40)
                .map(|k| amble_core::gait::GaitWindow {
                    start_s: 60.0 * f64::from(k),
                    cadence_spm: 104.0 + f64::from(k) / 3.0,
                    stride_length_m: 1.2 - f64::from(k) * 0.0071,
                    speed_mps: 1.0 / 3.0,
                    step_time_cv: 0.03,
                    symmetry: Some(0.1 + 0.2),
                })
                .collect(),
            deterioration_onset_s: Some(1234.5),
        }));
    }
    c.execute(
        "INSERT INTO entries (id, kind, date, body) VALUES ('w-2', 'walk', '2026-01-03', ?1)",
        [serde_json::to_string(&w).unwrap()],
    )
    .unwrap();
    // What schema 13 read back: every body parsed as it was stored.
    let before: Vec<Entry> = {
        let mut stmt = c
            .prepare("SELECT body FROM entries ORDER BY date, seq")
            .unwrap();
        stmt.query_map([], |r| r.get::<_, String>(0))
            .unwrap()
            .map(|b| serde_json::from_str(&b.unwrap()).unwrap())
            .collect()
    };
    drop(c);
    let s = SqliteStore::open(dir.path()).unwrap();
    assert_eq!(
        serde_json::to_string(&s.list().unwrap()).unwrap(),
        serde_json::to_string(&before).unwrap(),
        "the journal reads back byte for byte"
    );
    assert_eq!(s.gait_windows("w-2").unwrap().len(), 40);
    let (salvaged, bad) = SqliteStore::salvage(dir.path()).unwrap();
    assert!(bad.is_empty());
    assert_eq!(
        serde_json::to_string(&salvaged).unwrap(),
        serde_json::to_string(&before).unwrap(),
        "salvage reads the windows kept apart too"
    );
    let c = rusqlite::Connection::open(&path).unwrap();
    let body: String = c
        .query_row("SELECT body FROM entries WHERE id = 'w-2'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(body.contains("\"windows\":[]"), "{body}");
    assert!(body.contains("\"deterioration_onset_s\":1234.5"), "{body}");
    let light = s.list_light().unwrap();
    assert!(light.entries.iter().all(|(_, e)| match e {
        Entry::Walk(w) => w.gait.as_ref().is_none_or(|g| g.windows.is_empty()),
        _ => true,
    }));
    assert_eq!(light.entries.len(), before.len());
    let mark = light.mark.expect("a mark");
    let mut s = s;
    s.add(morning(9, 1)).unwrap();
    let changed = s.changed_since(mark).unwrap().expect("readable");
    assert_eq!(changed.entries.len(), 1);
}
