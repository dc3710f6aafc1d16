//! The store contract: one suite, run unchanged against every engine — the SQLite journal
//! always, PostgreSQL when `AMBLE_TEST_DATABASE_URL` names a database (CI starts a throwaway
//! server and sets it; `AMBLE_PG_REQUIRED=1` makes its absence a failure instead of a skip).
//! Each test gets a journal of its own (a folder for SQLite, a new journal in the database for
//! PostgreSQL).

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

use std::sync::Arc;

use amble_core::journal::{Entry, Morning, Walk, WalkSource};
use amble_store::{Change, DynStore, PgDatabase, SCHEMA_VERSION, SqliteStore, Store, StoreError};
use jiff::civil::date;

/// A fresh journal on one engine: a way to open (another handle to) it, and engine hooks.
struct Journal {
    open: Arc<dyn Fn() -> DynStore + Send + Sync>,
    /// Starts a write and abandons it (a killed writer): nothing may be stored.
    abandon: Box<dyn Fn()>,
    /// Marks the storage as written by a newer Amble.
    make_newer: Box<dyn Fn()>,
    /// Opening after `make_newer`: must fail with TooNew.
    reopen: Box<dyn Fn() -> Result<DynStore, StoreError>>,
    _dir: Option<tempfile::TempDir>,
}

fn sqlite() -> Journal {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let p1 = path.clone();
    let p2 = path.clone();
    let p3 = path.clone();
    Journal {
        open: Arc::new(move || Box::new(SqliteStore::open(&p1).unwrap()) as DynStore),
        abandon: Box::new(move || {
            let c = rusqlite::Connection::open(SqliteStore::file_in(&p2)).unwrap();
            c.execute_batch(
                "BEGIN IMMEDIATE; INSERT INTO entries (id, kind, date, body) VALUES ('w-999', 'walk', '2026-01-09', '{}');",
            )
            .unwrap();
            drop(c); // closed without COMMIT
        }),
        make_newer: Box::new(move || {
            let c = rusqlite::Connection::open(SqliteStore::file_in(&p3)).unwrap();
            c.execute_batch(&format!("PRAGMA user_version = {};", SCHEMA_VERSION + 1))
                .unwrap();
        }),
        reopen: Box::new(move || SqliteStore::open(&path).map(|s| Box::new(s) as DynStore)),
        _dir: Some(dir),
    }
}

fn postgres_url() -> Option<String> {
    let url = std::env::var("AMBLE_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty());
    if url.is_none() && std::env::var("AMBLE_PG_REQUIRED").is_ok_and(|v| v == "1") {
        panic!("AMBLE_PG_REQUIRED=1 but AMBLE_TEST_DATABASE_URL is not set");
    }
    url
}

fn postgres(url: &str) -> Journal {
    let db = PgDatabase::connect(url).unwrap();
    let journal = db.create_journal().unwrap();
    let (d1, d3) = (db.clone(), db.clone());
    let (u2, u3) = (url.to_string(), url.to_string());
    Journal {
        open: Arc::new(move || Box::new(d1.open(journal).unwrap()) as DynStore),
        abandon: Box::new(move || {
            let mut c = postgres::Client::connect(&u2, postgres::NoTls).unwrap();
            let mut tx = c.transaction().unwrap();
            tx.execute(
                "INSERT INTO entries (journal_id, id, kind, date, body) VALUES ($1, 'w-999', 'walk', '2026-01-09', '{}')",
                &[&journal],
            )
            .unwrap();
            drop(tx); // rolled back
            drop(c);
        }),
        // A newer schema is a database-wide fact: checked on a database of its own below.
        make_newer: Box::new(|| {}),
        reopen: Box::new(move || {
            let _ = &u3;
            d3.open(journal).map(|s| Box::new(s) as DynStore)
        }),
        _dir: None,
    }
}

/// Runs `test` on every engine available.
fn each(test: impl Fn(&str, Journal)) {
    test("sqlite", sqlite());
    if let Some(url) = postgres_url() {
        test("postgres", postgres(&url));
    }
}

fn walk(day: i8, minutes: f64) -> Entry {
    Entry::Walk(Walk {
        id: String::new(),
        date: date(2026, 1, day),
        start: Some("2026-01-05T07:30:00+01:00".into()),
        minutes,
        elapsed_minutes: Some(minutes + 2.5),
        bouts: 1,
        pain_before: Some(2),
        pain_peak: Some(4),
        leg_spread: None,
        new_symptoms: false,
        distance_km: Some(1.68),
        steps: Some(2437),
        cadence_spm: None,
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

fn ids(s: &DynStore) -> Vec<String> {
    s.list()
        .unwrap()
        .iter()
        .map(|e| e.id().to_string())
        .collect()
}

#[test]
fn adds_list_in_journal_order_with_stable_ids() {
    each(|engine, j| {
        let mut s = (j.open)();
        let a = s.add(walk(6, 20.0)).unwrap();
        let b = s.add(morning(7, 2)).unwrap();
        let c = s.add(walk(5, 15.0)).unwrap();
        assert_eq!((a.id(), b.id(), c.id()), ("w-1", "m-1", "w-2"), "{engine}");
        assert_eq!(
            ids(&s),
            ["w-2", "w-1", "m-1"],
            "{engine}: by date, then as stored"
        );
        assert_eq!(
            s.get("w-1").unwrap(),
            Some(a.clone()),
            "{engine}: exactly as given"
        );
        assert_eq!(s.get("w-7").unwrap(), None);
        let again = (j.open)();
        assert_eq!(
            again.list().unwrap(),
            s.list().unwrap(),
            "{engine}: another handle"
        );
    });
}

#[test]
fn corrections_and_deletes_and_ids_never_reused() {
    each(|engine, j| {
        let mut s = (j.open)();
        let mut w = s.add(walk(6, 20.0)).unwrap();
        if let Entry::Walk(inner) = &mut w {
            inner.minutes = 25.0;
        }
        s.replace(w.clone()).unwrap();
        assert_eq!(s.get("w-1").unwrap(), Some(w), "{engine}");
        let mut wrong_kind = morning(6, 3);
        wrong_kind.set_id("w-1".into());
        assert!(
            matches!(s.replace(wrong_kind), Err(StoreError::Conflict { .. })),
            "{engine}"
        );
        let mut missing = walk(6, 1.0);
        missing.set_id("w-9".into());
        assert!(
            matches!(s.replace(missing), Err(StoreError::NotFound(_))),
            "{engine}"
        );
        let gone = s.delete("w-1").unwrap();
        assert_eq!(gone.id(), "w-1");
        assert!(
            matches!(s.delete("w-1"), Err(StoreError::NotFound(_))),
            "{engine}"
        );
        assert_eq!(
            s.add(walk(7, 10.0)).unwrap().id(),
            "w-2",
            "{engine}: never reused"
        );
    });
}

#[test]
fn imports_are_lossless_idempotent_and_all_or_nothing() {
    each(|engine, j| {
        let mut s = (j.open)();
        let mut a = walk(5, 20.0);
        a.set_id("w-40".into());
        let mut b = morning(6, 2);
        b.set_id("m-3".into());
        let summary = s.import(vec![a.clone(), b.clone()]).unwrap();
        assert_eq!((summary.added, summary.unchanged), (2, 0), "{engine}");
        let again = s.import(vec![a.clone(), b.clone()]).unwrap();
        assert_eq!((again.added, again.unchanged), (0, 2), "{engine}");
        let mut c = morning(8, 1);
        c.set_id("m-4".into());
        let mut clash = b.clone();
        if let Entry::Morning(m) = &mut clash {
            m.pain = 9;
        }
        let before = s.list().unwrap();
        assert!(
            matches!(s.import(vec![c, clash]), Err(StoreError::Conflict { .. })),
            "{engine}"
        );
        assert_eq!(s.list().unwrap(), before, "{engine}: nothing written");
        let mut bad = morning(8, 1);
        bad.set_id("m-x".into());
        assert!(
            matches!(s.import(vec![bad]), Err(StoreError::Invalid { .. })),
            "{engine}"
        );
        assert_eq!(
            s.add(walk(9, 5.0)).unwrap().id(),
            "w-41",
            "{engine}: above the imported id"
        );
    });
}

#[test]
fn a_batch_is_all_or_nothing() {
    each(|engine, j| {
        let mut s = (j.open)();
        let mut missing = walk(6, 1.0);
        missing.set_id("w-77".into());
        let r = s.apply(vec![Change::Add(walk(5, 10.0)), Change::Replace(missing)]);
        assert!(matches!(r, Err(StoreError::NotFound(_))), "{engine}");
        assert!(
            s.list().unwrap().is_empty(),
            "{engine}: the add was rolled back"
        );
        let added = s
            .apply(vec![Change::Add(walk(5, 10.0)), Change::Add(morning(6, 1))])
            .unwrap();
        assert_eq!(added.len(), 2);
    });
}

#[test]
fn the_version_changes_with_every_write() {
    each(|engine, j| {
        let mut s = (j.open)();
        let reader = (j.open)();
        let v0 = reader.version().unwrap();
        s.add(walk(5, 10.0)).unwrap();
        let v1 = reader.version().unwrap();
        assert_ne!(v0, v1, "{engine}: a write from another handle is seen");
        s.delete("w-1").unwrap();
        assert_ne!(reader.version().unwrap(), v1, "{engine}");
    });
}

#[test]
fn concurrent_writers_never_lose_an_entry_or_share_an_id() {
    each(|engine, j| {
        let open = j.open.clone();
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let open = open.clone();
                std::thread::spawn(move || {
                    let mut s = open();
                    for k in 0..25 {
                        s.add(morning(1 + ((t * 25 + k) % 28) as i8, 2)).unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let all = ids(&(j.open)());
        assert_eq!(all.len(), 200, "{engine}");
        let unique: std::collections::BTreeSet<&String> = all.iter().collect();
        assert_eq!(unique.len(), 200, "{engine}: unique ids");
    });
}

#[test]
fn a_killed_writer_leaves_nothing_behind() {
    each(|engine, j| {
        let mut s = (j.open)();
        s.add(walk(5, 10.0)).unwrap();
        (j.abandon)();
        assert_eq!(ids(&(j.open)()), ["w-1"], "{engine}");
        assert_eq!(
            s.add(walk(6, 10.0)).unwrap().id(),
            "w-2",
            "{engine}: writes go on"
        );
    });
}

#[test]
fn a_journal_from_a_newer_version_is_refused_and_left_alone() {
    each(|engine, j| {
        if engine == "postgres" {
            return; // below, on a database of its own
        }
        let mut s = (j.open)();
        s.add(walk(5, 10.0)).unwrap();
        drop(s);
        (j.make_newer)();
        match (j.reopen)() {
            Err(StoreError::TooNew { found, .. }) => assert_eq!(found, SCHEMA_VERSION + 1),
            Err(e) => panic!("{engine}: {e}"),
            Ok(_) => panic!("{engine}: a newer journal was opened"),
        }
    });
    if let Some(url) = postgres_url() {
        // A database of its own, marked newer: refused, nothing changed.
        let admin = postgres::Client::connect(&url, postgres::NoTls);
        let mut admin = admin.unwrap();
        let name = format!("amble_newer_{}", std::process::id());
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .unwrap();
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        let other = replace_db(&url, &name);
        let db = PgDatabase::connect(&other).unwrap();
        db.open(amble_store::DEFAULT_JOURNAL)
            .unwrap()
            .add(walk(5, 10.0))
            .unwrap();
        let mut c = postgres::Client::connect(&other, postgres::NoTls).unwrap();
        c.execute(
            "UPDATE amble_meta SET value = $1 WHERE key = 'schema_version'",
            &[&(SCHEMA_VERSION + 1)],
        )
        .unwrap();
        let fresh = PgDatabase::connect(&other).unwrap();
        match fresh.open(amble_store::DEFAULT_JOURNAL) {
            Err(StoreError::TooNew { found, .. }) => assert_eq!(found, SCHEMA_VERSION + 1),
            Err(e) => panic!("postgres: {e}"),
            Ok(_) => panic!("postgres: a newer database was opened"),
        }
        assert!(matches!(
            fresh.open_existing(amble_store::DEFAULT_JOURNAL),
            Err(StoreError::TooNew { .. })
        ));
        let n: i64 = c
            .query_one("SELECT count(*) FROM entries", &[])
            .unwrap()
            .get(0);
        assert_eq!(n, 1, "left alone");
        drop(c);
        drop(db);
        drop(fresh);
        let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
    }
}

/// The same server, another database name.
fn replace_db(url: &str, name: &str) -> String {
    let (base, _) = url.rsplit_once('/').unwrap();
    format!("{base}/{name}")
}

#[test]
fn journals_in_one_database_are_separate() {
    let Some(url) = postgres_url() else {
        return;
    };
    let a = postgres(&url);
    let b = postgres(&url);
    (a.open)().add(walk(5, 10.0)).unwrap();
    assert!(
        (b.open)().list().unwrap().is_empty(),
        "another journal sees nothing"
    );
    assert_eq!(
        (b.open)().add(walk(5, 10.0)).unwrap().id(),
        "w-1",
        "ids are per journal"
    );
    assert!(matches!(
        (b.open)().delete("w-2"),
        Err(StoreError::NotFound(_))
    ));
}

#[test]
fn a_client_ref_stores_once_and_answers_with_the_first_entry() {
    each(|engine, j| {
        let mut s = (j.open)();
        let (first, stored) = s.add_once(walk(5, 20.0), "phone-7f3a").unwrap();
        assert!(stored, "{engine}");
        assert_eq!(first.id(), "w-1", "{engine}");
        // The same send again, and even other content under the same reference: nothing new.
        let (again, stored) = s.add_once(walk(5, 20.0), "phone-7f3a").unwrap();
        assert!(!stored, "{engine}");
        assert_eq!(again, first, "{engine}: the first entry, as stored");
        let (other, stored) = (j.open)().add_once(morning(6, 3), "phone-7f3a").unwrap();
        assert!(!stored && other == first, "{engine}: another handle");
        assert_eq!(ids(&s), ["w-1"], "{engine}");
        // Another reference, and a plain add, are new entries.
        let (m, stored) = s.add_once(morning(6, 3), "phone-8b21").unwrap();
        assert!(stored && m.id() == "m-1", "{engine}");
        s.add(morning(7, 1)).unwrap();
        assert_eq!(ids(&s), ["w-1", "m-1", "m-2"], "{engine}");
        // Corrections keep the reference; a delete frees it.
        let mut corrected = first.clone();
        if let Entry::Walk(w) = &mut corrected {
            w.minutes = 25.0;
        }
        s.replace(corrected.clone()).unwrap();
        assert_eq!(
            s.add_once(walk(5, 20.0), "phone-7f3a").unwrap(),
            (corrected, false),
            "{engine}: the entry as it is now"
        );
        s.delete("w-1").unwrap();
        let (back, stored) = s.add_once(walk(5, 20.0), "phone-7f3a").unwrap();
        assert!(stored && back.id() == "w-2", "{engine}: {back:?}");
    });
}

#[test]
fn a_bad_client_ref_stores_nothing() {
    each(|engine, j| {
        let mut s = (j.open)();
        for bad in [String::new(), "x".repeat(65), "a\u{0}b".into()] {
            assert!(
                matches!(
                    s.add_once(walk(5, 20.0), &bad),
                    Err(StoreError::Invalid { .. })
                ),
                "{engine}: {bad:?}"
            );
        }
        assert!(s.list().unwrap().is_empty(), "{engine}");
        let longest = "é".repeat(64);
        assert!(s.add_once(walk(5, 20.0), &longest).unwrap().1, "{engine}");
    });
}

#[test]
fn simultaneous_sends_of_one_client_ref_store_one_entry() {
    each(|engine, j| {
        for round in 0..5 {
            let reference = format!("round-{round}");
            let gate = Arc::new(std::sync::Barrier::new(8));
            let threads: Vec<_> = (0..8)
                .map(|_| {
                    let open = j.open.clone();
                    let gate = gate.clone();
                    let reference = reference.clone();
                    std::thread::spawn(move || {
                        let mut s = open();
                        gate.wait();
                        s.add_once(morning(3, 2), &reference).unwrap()
                    })
                })
                .collect();
            let answers: Vec<(Entry, bool)> =
                threads.into_iter().map(|t| t.join().unwrap()).collect();
            assert_eq!(
                answers.iter().filter(|(_, stored)| *stored).count(),
                1,
                "{engine}: one of them stored it"
            );
            assert!(
                answers.iter().all(|(e, _)| *e == answers[0].0),
                "{engine}: all answered with the same entry"
            );
        }
        assert_eq!(
            ids(&(j.open)()),
            ["m-1", "m-2", "m-3", "m-4", "m-5"],
            "{engine}"
        );
    });
}

#[test]
fn the_schema_itself_refuses_a_second_entry_with_one_client_ref() {
    // Below the store: the unique index, whatever code writes.
    let dir = tempfile::tempdir().unwrap();
    SqliteStore::open(dir.path())
        .unwrap()
        .add_once(walk(5, 10.0), "r1")
        .unwrap();
    let c = rusqlite::Connection::open(SqliteStore::file_in(dir.path())).unwrap();
    let dup = c.execute(
        "INSERT INTO entries (id, kind, date, body, client_ref) VALUES ('w-9', 'walk', '2026-01-05', '{}', 'r1')",
        [],
    );
    assert!(dup.is_err(), "sqlite: {dup:?}");
    let Some(url) = postgres_url() else {
        return;
    };
    let db = PgDatabase::connect(&url).unwrap();
    let journal = db.create_journal().unwrap();
    db.open(journal)
        .unwrap()
        .add_once(walk(5, 10.0), "r1")
        .unwrap();
    let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let dup = c.execute(
        "INSERT INTO entries (journal_id, id, kind, date, body, client_ref) VALUES ($1, 'w-9', 'walk', '2026-01-05', '{}', 'r1')",
        &[&journal],
    );
    assert!(dup.is_err(), "postgres: {dup:?}");
    // Another journal in the same database has references of its own.
    let other = postgres(&url);
    assert!((other.open)().add_once(walk(5, 10.0), "r1").unwrap().1);
}
