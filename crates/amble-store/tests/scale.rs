//! A schema ready to shard, on PostgreSQL (docs/scale.md): the entries keyed and partitioned
//! by journal, migrations serialised by a lock row (not only by advisory locks), and a database
//! of schema version 12 migrated with every entry kept. Runs when `AMBLE_TEST_DATABASE_URL`
//! names a database (`AMBLE_PG_REQUIRED=1` makes its absence a failure); each test works in a
//! database of its own on the same server.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

use std::sync::mpsc;
use std::time::Duration;

use amble_core::journal::{Entry, Morning, Walk, WalkSource};
use amble_store::migrations::MIGRATIONS;
use amble_store::{DEFAULT_JOURNAL, PgDatabase, SCHEMA_VERSION, Store};
use jiff::civil::date;
use postgres::NoTls;

fn postgres_url() -> Option<String> {
    let url = std::env::var("AMBLE_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty());
    if url.is_none() && std::env::var("AMBLE_PG_REQUIRED").is_ok_and(|v| v == "1") {
        panic!("AMBLE_PG_REQUIRED=1 but AMBLE_TEST_DATABASE_URL is not set");
    }
    url
}

/// An empty database of its own on the test server, dropped with the guard.
struct Scratch {
    admin: postgres::Client,
    name: String,
    url: String,
}

impl Scratch {
    fn new(url: &str, tag: &str) -> Scratch {
        let mut admin = postgres::Client::connect(url, NoTls).unwrap();
        let name = format!("amble_scale_{tag}_{}", std::process::id());
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .unwrap();
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        let (base, _) = url.rsplit_once('/').unwrap();
        let url = format!("{base}/{name}");
        Scratch { admin, name, url }
    }

    fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url, NoTls).unwrap()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = self.admin.batch_execute(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ));
    }
}

fn walk(id: &str, day: i8, minutes: f64) -> Entry {
    Entry::Walk(Walk {
        id: id.into(),
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
        shoes: Some("old \"blue\" ones".into()),
        source: WalkSource::Manual,
        notes: Some("ünïcode ✓".into()),
        gait: None,
    })
}

fn morning(id: &str, day: i8, pain: u8) -> Entry {
    Entry::Morning(Morning {
        id: id.into(),
        date: date(2026, 1, day),
        pain,
    })
}

/// What the schema looks like: (partitions of `entries`, its primary key columns).
fn shape(c: &mut postgres::Client) -> (i64, String) {
    let partitions: i64 = c
        .query_one(
            "SELECT count(*) FROM pg_inherits WHERE inhparent = 'entries'::regclass",
            &[],
        )
        .unwrap()
        .get(0);
    let key: String = c
        .query_one(
            "SELECT string_agg(a.attname, ',' ORDER BY k.n)
             FROM pg_constraint p
             CROSS JOIN LATERAL unnest(p.conkey) WITH ORDINALITY AS k(attnum, n)
             JOIN pg_attribute a ON a.attrelid = p.conrelid AND a.attnum = k.attnum
             WHERE p.conrelid = 'entries'::regclass AND p.contype = 'p'",
            &[],
        )
        .unwrap()
        .get(0);
    (partitions, key)
}

fn stored_version(c: &mut postgres::Client) -> i64 {
    c.query_one(
        "SELECT value FROM amble_meta WHERE key = 'schema_version'",
        &[],
    )
    .unwrap()
    .get(0)
}

#[test]
fn migrators_starting_together_migrate_once_and_the_schema_is_keyed_by_journal() {
    let Some(url) = postgres_url() else {
        return;
    };
    let db = Scratch::new(&url, "race");
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let url = db.url.clone();
            std::thread::spawn(move || {
                let pg = PgDatabase::connect(&url).unwrap();
                pg.open(DEFAULT_JOURNAL)
                    .and_then(|mut s| s.add(walk("", 5, 10.0 + f64::from(i))))
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap().unwrap();
    }
    let mut c = db.client();
    assert_eq!(stored_version(&mut c), SCHEMA_VERSION);
    assert_eq!(shape(&mut c), (16, "journal_id,seq".to_string()));
    let rows: i64 = c
        .query_one("SELECT count(*) FROM amble_migration_lock", &[])
        .unwrap()
        .get(0);
    assert_eq!(rows, 1, "one lock row");
    let mut ids: Vec<String> = PgDatabase::connect(&db.url)
        .unwrap()
        .open(DEFAULT_JOURNAL)
        .unwrap()
        .list()
        .unwrap()
        .iter()
        .map(|e| e.id().to_string())
        .collect();
    ids.sort();
    assert_eq!(
        ids,
        ["w-1", "w-2", "w-3", "w-4"],
        "every writer's walk, once"
    );
}

#[test]
fn migrators_on_an_engine_without_advisory_locks_still_migrate_once() {
    let Some(url) = postgres_url() else {
        return;
    };
    let db = Scratch::new(&url, "noadv");
    // An engine without advisory locks: the name resolves to a function that refuses.
    let mut c = db.client();
    c.batch_execute(&format!(
        "CREATE FUNCTION public.pg_advisory_xact_lock(bigint) RETURNS void LANGUAGE plpgsql AS
           $$ BEGIN RAISE EXCEPTION 'advisory locks are not supported'; END $$;
         ALTER DATABASE {} SET search_path = public, pg_catalog;",
        db.name
    ))
    .unwrap();
    let mut probe = db.client();
    assert!(
        probe
            .batch_execute("SELECT pg_advisory_xact_lock(1)")
            .is_err(),
        "no advisory locks here"
    );
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let url = db.url.clone();
            std::thread::spawn(move || {
                let pg = PgDatabase::connect(&url).unwrap();
                pg.open(DEFAULT_JOURNAL)
                    .and_then(|mut s| s.add(morning("", 5 + i, 2)))
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap().unwrap();
    }
    let mut c = db.client();
    assert_eq!(stored_version(&mut c), SCHEMA_VERSION);
    assert_eq!(shape(&mut c), (16, "journal_id,seq".to_string()));
    let n: i64 = c
        .query_one("SELECT count(*) FROM entries", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 4);
}

#[test]
fn a_migrator_waits_for_the_lock_row_without_any_advisory_lock() {
    let Some(url) = postgres_url() else {
        return;
    };
    let db = Scratch::new(&url, "wait");
    // A new database (an up-to-date one is never locked: the version is read first) whose lock
    // row another migrator holds, with no advisory lock.
    let mut holder = db.client();
    holder
        .batch_execute(
            "CREATE TABLE amble_migration_lock (id INTEGER PRIMARY KEY CHECK (id = 1));
             INSERT INTO amble_migration_lock (id) VALUES (1);",
        )
        .unwrap();
    let mut tx = holder.transaction().unwrap();
    tx.execute(
        "SELECT id FROM amble_migration_lock WHERE id = 1 FOR UPDATE",
        &[],
    )
    .unwrap();
    let (done, finished) = mpsc::channel();
    let url2 = db.url.clone();
    let waiter = std::thread::spawn(move || {
        let r = PgDatabase::connect(&url2)
            .unwrap()
            .open(DEFAULT_JOURNAL)
            .map(|_| ());
        let _ = done.send(r);
    });
    assert!(
        finished.recv_timeout(Duration::from_millis(700)).is_err(),
        "the second migrator waits for the lock row"
    );
    tx.commit().unwrap();
    finished
        .recv_timeout(Duration::from_secs(20))
        .expect("it goes on once the row is free")
        .unwrap();
    waiter.join().unwrap();
    let mut c = db.client();
    assert_eq!(stored_version(&mut c), SCHEMA_VERSION);
}

#[test]
fn a_version_12_database_keeps_every_entry_through_the_migration() {
    let Some(url) = postgres_url() else {
        return;
    };
    let db = Scratch::new(&url, "v12");
    // The database as Amble's schema version 12 left it, written the way that version wrote.
    let mut c = db.client();
    let mut tx = c.transaction().unwrap();
    tx.batch_execute("CREATE TABLE amble_meta (key TEXT PRIMARY KEY, value BIGINT NOT NULL)")
        .unwrap();
    for m in &MIGRATIONS[..12] {
        assert!(m.version <= 12);
        tx.batch_execute(m.postgres).unwrap();
    }
    tx.batch_execute(
        "INSERT INTO amble_meta (key, value) VALUES ('schema_version', 12);
         INSERT INTO journals DEFAULT VALUES;
         INSERT INTO journals DEFAULT VALUES;",
    )
    .unwrap();
    let rows = [
        (1_i64, walk("w-1", 5, 20.0), Some("phone-1")),
        (1, morning("m-1", 6, 3), None),
        (1, walk("w-2", 4, 15.0), None),
        (2, walk("w-1", 7, 30.0), Some("phone-1")),
        (3, morning("m-1", 8, 1), None),
    ];
    for (journal, entry, client_ref) in &rows {
        tx.execute(
            "INSERT INTO entries (journal_id, id, kind, date, body, client_ref)
             VALUES ($1, $2, $3, $4::text::date, $5::text::jsonb, $6)",
            &[
                journal,
                &entry.id(),
                &entry.kind(),
                &entry.date().to_string(),
                &serde_json::to_string(entry).unwrap(),
                client_ref,
            ],
        )
        .unwrap();
    }
    // A deleted walk: its id is never given again.
    tx.batch_execute("INSERT INTO id_counters (journal_id, prefix, last) VALUES (1, 'w', 3)")
        .unwrap();
    tx.commit().unwrap();
    let before: Vec<(i64, i64, String)> = c
        .query("SELECT journal_id, seq, id FROM entries ORDER BY seq", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    assert_eq!(shape(&mut c), (0, "seq".to_string()), "the old schema");

    let pg = PgDatabase::connect(&db.url).unwrap();
    let mut one = pg.open(1).unwrap();
    assert_eq!(stored_version(&mut c), SCHEMA_VERSION);
    assert_eq!(shape(&mut c), (16, "journal_id,seq".to_string()));
    let after: Vec<(i64, i64, String)> = c
        .query("SELECT journal_id, seq, id FROM entries ORDER BY seq", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    assert_eq!(after, before, "every row, with its sequence number");

    // Journal order (date, then sequence), the entries as written.
    assert_eq!(
        one.list().unwrap(),
        [
            walk("w-2", 4, 15.0),
            walk("w-1", 5, 20.0),
            morning("m-1", 6, 3)
        ]
    );
    assert_eq!(pg.open(2).unwrap().list().unwrap(), [walk("w-1", 7, 30.0)]);
    assert_eq!(pg.open(3).unwrap().list().unwrap(), [morning("m-1", 8, 1)]);
    // Client references still store once; ids go on where they stopped.
    let (again, stored) = one.add_once(walk("", 5, 20.0), "phone-1").unwrap();
    assert!(!stored && again == walk("w-1", 5, 20.0));
    assert_eq!(one.add(walk("", 9, 12.0)).unwrap().id(), "w-4");
    let seq: i64 = c
        .query_one(
            "SELECT seq FROM entries WHERE journal_id = 1 AND id = 'w-4'",
            &[],
        )
        .unwrap()
        .get(0);
    let last = before.iter().map(|r| r.1).max().unwrap();
    assert!(seq > last, "the sequence goes on: {seq} after {last}");
    // The database still refuses what it refused: a second entry with one reference.
    assert!(
        c.execute(
            "INSERT INTO entries (journal_id, id, kind, date, body, client_ref)
             VALUES (2, 'w-9', 'walk', '2026-01-05', '{}', 'phone-1')",
            &[],
        )
        .is_err()
    );
}
