//! The store contract: one suite, run unchanged against every engine — the SQLite journal
//! always, PostgreSQL when `AMBLE_TEST_DATABASE_URL` names a database (CI starts a throwaway
//! server and sets it; `AMBLE_PG_REQUIRED=1` makes its absence a failure instead of a skip).
//! Each test gets a journal of its own (a folder for SQLite, a new journal in the database for
//! PostgreSQL). Accounts (contract §12) run on both engines too, each test in storage of its
//! own.

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

/// Fresh accounts on one engine (a folder of its own, or a database of its own: accounts are
/// database-wide), and a way to run raw SQL on the same storage (what the database itself
/// refuses).
/// Runs raw SQL on the storage: `Err` when the database refuses it.
type RawSql = Box<dyn Fn(&str) -> Result<(), String>>;

struct AccountsUnderTest {
    accounts: amble_store::Accounts,
    raw: RawSql,
    _dir: Option<tempfile::TempDir>,
}

fn sqlite_accounts() -> AccountsUnderTest {
    let dir = tempfile::tempdir().unwrap();
    let path = SqliteStore::file_in(dir.path());
    AccountsUnderTest {
        accounts: amble_store::SqliteAccounts::open(dir.path())
            .unwrap()
            .into(),
        raw: Box::new(move |sql| {
            rusqlite::Connection::open(&path)
                .unwrap()
                .execute_batch(sql)
                .map_err(|e| e.to_string())
        }),
        _dir: Some(dir),
    }
}

fn postgres_accounts(url: &str, tag: &str) -> AccountsUnderTest {
    let name = format!("amble_store_{tag}_{}", std::process::id());
    let mut admin = postgres::Client::connect(url, postgres::NoTls).unwrap();
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    let db_url = replace_db(url, &name);
    let db = PgDatabase::connect(&db_url).unwrap();
    AccountsUnderTest {
        accounts: db.into(),
        raw: Box::new(move |sql| {
            postgres::Client::connect(&db_url, postgres::NoTls)
                .unwrap()
                .batch_execute(sql)
                .map_err(|e| e.to_string())
        }),
        _dir: None,
    }
}

/// Runs `test` on the accounts of every engine available.
fn each_accounts(tag: &str, test: impl Fn(&str, AccountsUnderTest)) {
    test("sqlite", sqlite_accounts());
    if let Some(url) = postgres_url() {
        test("postgres", postgres_accounts(&url, tag));
    }
}

const SECRET: &str = "a long enough secret";

#[test]
fn accounts_people_coaches_and_their_journals() {
    use amble_core::access::Role;
    each_accounts("people", |engine, t| {
        let a = &t.accounts;
        // A journal kept before any account: the first person adopts it.
        a.journal(amble_store::DEFAULT_JOURNAL)
            .open()
            .unwrap()
            .add(morning(5, 2))
            .unwrap();
        assert!(!a.has_users().unwrap(), "{engine}");
        assert!(
            matches!(
                a.add_user("x@y.org", Role::Person, "short"),
                Err(StoreError::Invalid { .. })
            ),
            "{engine}: at least 10 characters"
        );
        assert!(a.add_user("not an email", Role::Person, SECRET).is_err());
        let cat = a.add_user("cat@x.org", Role::Coach, SECRET).unwrap();
        let ann = a.add_user(" Ann@X.org ", Role::Person, SECRET).unwrap();
        let bob = a.add_user("bob@x.org", Role::Person, SECRET).unwrap();
        let adm = a.add_user("adm@x.org", Role::Admin, SECRET).unwrap();
        assert!(a.has_users().unwrap());
        assert_eq!(ann.email, "ann@x.org", "{engine}: emails are normalised");
        assert_eq!((cat.journal, adm.journal), (None, None), "{engine}");
        assert_eq!(
            ann.journal,
            Some(amble_store::DEFAULT_JOURNAL),
            "{engine}: the first person adopts the journal kept so far"
        );
        assert!(bob.journal.is_some() && bob.journal != ann.journal);
        assert!(
            matches!(
                a.add_user("ANN@x.org", Role::Coach, SECRET),
                Err(StoreError::Conflict { .. })
            ),
            "{engine}"
        );
        assert_eq!(a.user("ann@x.org").unwrap(), Some(ann.clone()));
        assert_eq!(a.user("eve@x.org").unwrap(), None);
        // Each person's journal is their own; ids are per journal.
        let mut ann_j = a.journal(ann.journal.unwrap()).open().unwrap();
        let mut bob_j = a.journal(bob.journal.unwrap()).open().unwrap();
        assert_eq!(ids(&ann_j), ["m-1"], "{engine}: adopted with its entries");
        assert!(ids(&bob_j).is_empty(), "{engine}");
        assert_eq!(bob_j.add(morning(6, 1)).unwrap().id(), "m-1");
        assert_eq!(ann_j.add(morning(6, 3)).unwrap().id(), "m-2");
        assert!(matches!(bob_j.delete("m-2"), Err(StoreError::NotFound(_))));
        // Passwords: the right one, a wrong one, an unknown account, all without telling which.
        assert_eq!(
            a.check_password("ANN@x.org", SECRET).unwrap(),
            Some(ann.clone())
        );
        assert_eq!(
            a.check_password("ann@x.org", "wrong secret!").unwrap(),
            None
        );
        assert_eq!(a.check_password("eve@x.org", SECRET).unwrap(), None);
        assert_eq!(a.check_password("", SECRET).unwrap(), None);
        // Links: a coach or admin to a person, never the other way round.
        a.link("cat@x.org", "ann@x.org").unwrap();
        a.link("cat@x.org", "ann@x.org").unwrap();
        assert!(a.link("ann@x.org", "bob@x.org").is_err(), "{engine}");
        assert!(a.link("cat@x.org", "adm@x.org").is_err(), "{engine}");
        assert!(matches!(
            a.link("cat@x.org", "eve@x.org"),
            Err(StoreError::NotFound(_))
        ));
        assert!(a.is_linked(cat.id, ann.id).unwrap());
        assert!(!a.is_linked(cat.id, bob.id).unwrap());
        assert!(!a.is_linked(adm.id, ann.id).unwrap());
        assert_eq!(a.linked_people(cat.id).unwrap(), vec![ann.clone()]);
        assert!(a.linked_people(adm.id).unwrap().is_empty());
    });
}

#[test]
fn accounts_tokens_sessions_invites_feeds_and_throttling() {
    use amble_core::access::Role;
    each_accounts("secrets", |engine, t| {
        let a = &t.accounts;
        let ann = a.add_user("ann@x.org", Role::Person, SECRET).unwrap();
        let bob = a.add_user("bob@x.org", Role::Person, SECRET).unwrap();
        let cat = a.add_user("cat@x.org", Role::Coach, SECRET).unwrap();
        // API tokens: shown once, found by their secret only.
        let token = a.add_token(ann.id).unwrap();
        assert_eq!(token.len(), 64);
        assert_eq!(
            a.user_by_token(&token).unwrap(),
            Some(ann.clone()),
            "{engine}"
        );
        assert_eq!(a.user_by_token("nope").unwrap(), None);
        // Sessions: signing out ends every session of that account, nobody else's.
        let s1 = a.create_session(ann.id).unwrap();
        let s2 = a.create_session(ann.id).unwrap();
        let sb = a.create_session(bob.id).unwrap();
        assert_eq!(a.user_by_session(&s2).unwrap(), Some(ann.clone()));
        a.end_sessions(&s1).unwrap();
        assert_eq!(a.user_by_session(&s1).unwrap(), None, "{engine}");
        assert_eq!(a.user_by_session(&s2).unwrap(), None, "{engine}");
        assert_eq!(a.user_by_session(&sb).unwrap(), Some(bob.clone()));
        // Invites: from a coach only, accepted once, by a person only.
        assert!(a.create_invite(&ann).is_err());
        let inv = a.create_invite(&cat).unwrap();
        assert_eq!(a.invite_coach(&inv).unwrap(), Some(cat.clone()), "{engine}");
        assert!(
            !a.accept_invite(&inv, &cat).unwrap(),
            "{engine}: not a person"
        );
        assert!(a.accept_invite(&inv, &bob).unwrap(), "{engine}");
        assert!(a.is_linked(cat.id, bob.id).unwrap());
        assert!(!a.accept_invite(&inv, &ann).unwrap(), "{engine}: once");
        assert_eq!(a.invite_coach(&inv).unwrap(), None);
        // Calendar feeds: one live address per person; a new one revokes the old.
        assert!(a.new_calendar_feed(&cat).is_err(), "{engine}: no journal");
        let f1 = a.new_calendar_feed(&ann).unwrap();
        assert_eq!(a.calendar_feed_owner(&f1).unwrap(), Some(ann.clone()));
        let f2 = a.new_calendar_feed(&ann).unwrap();
        assert_eq!(a.calendar_feed_owner(&f1).unwrap(), None, "{engine}");
        assert_eq!(a.calendar_feed_owner(&f2).unwrap(), Some(ann.clone()));
        a.revoke_calendar_feeds(&ann).unwrap();
        assert_eq!(a.calendar_feed_owner(&f2).unwrap(), None, "{engine}");
        // Throttling per account and per address: five failures pause the account from every
        // address; other accounts from that address go on.
        for _ in 0..5 {
            assert!(!a.too_many_failures("bob@x.org", "10.0.0.1").unwrap());
            a.record_failure("bob@x.org", "10.0.0.1").unwrap();
        }
        assert!(
            a.too_many_failures("BOB@x.org", "10.0.0.9").unwrap(),
            "{engine}"
        );
        assert!(
            !a.too_many_failures("ann@x.org", "10.0.0.1").unwrap(),
            "{engine}"
        );
        // The audit log: appended and read in order; UPDATE and DELETE refused by the database.
        a.audit(cat.id, Some(ann.id), "read", "GET /api/v1/journal")
            .unwrap();
        a.audit(ann.id, None, "sign-in", "").unwrap();
        let log = a.audit_log().unwrap();
        assert_eq!(
            log[0],
            (
                "cat@x.org".to_string(),
                Some("ann@x.org".to_string()),
                "read".to_string(),
                "GET /api/v1/journal".to_string()
            ),
            "{engine}"
        );
        assert_eq!(log[1].1, None);
        assert!(
            (t.raw)("UPDATE audit_log SET action = 'x'").is_err(),
            "{engine}"
        );
        assert!((t.raw)("DELETE FROM audit_log").is_err(), "{engine}");
        assert_eq!(a.audit_log().unwrap().len(), 2);
    });
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

#[test]
fn admin_lists_bound_and_revoked_invites_tokens_and_the_audit_log() {
    use amble_core::access::Role;
    use amble_store::admin::{AuditFilter, InviteState};
    each_accounts("admin", |engine, t| {
        let a = &t.accounts;
        let ann = a.add_user("ann@x.org", Role::Person, SECRET).unwrap();
        let bob = a.add_user("bob@x.org", Role::Person, SECRET).unwrap();
        let cat = a.add_user("cat@x.org", Role::Coach, SECRET).unwrap();
        let adm = a.add_user("adm@x.org", Role::Admin, SECRET).unwrap();
        a.link("cat@x.org", "ann@x.org").unwrap();
        a.set_disabled(bob.id, true).unwrap();
        let users = a.users().unwrap();
        let emails: Vec<_> = users.iter().map(|u| u.email.as_str()).collect();
        assert_eq!(emails, ["adm@x.org", "ann@x.org", "bob@x.org", "cat@x.org"]);
        assert!(users[2].disabled && !users[1].disabled, "{engine}");
        assert_eq!(users[3].role, Role::Coach);
        assert_eq!(users[0].created.len(), 16, "{engine}: {}", users[0].created);
        let links = a.links().unwrap();
        assert_eq!(
            (
                links[0].coach.as_str(),
                links[0].person.as_str(),
                links.len()
            ),
            ("cat@x.org", "ann@x.org", 1)
        );
        a.set_disabled(bob.id, false).unwrap();
        // A bound invite is accepted by that email only; a revoked one by nobody.
        assert!(a.create_invite_for(&ann, None).is_err(), "{engine}");
        assert!(a.create_invite_for(&cat, Some("not an email")).is_err());
        let bound = a.create_invite_for(&cat, Some(" Bob@X.org ")).unwrap();
        assert_eq!(a.invite_for(&bound, &ann).unwrap(), None, "{engine}");
        assert_eq!(a.invite_for(&bound, &bob).unwrap(), Some(cat.clone()));
        assert!(!a.accept_invite(&bound, &ann).unwrap(), "{engine}: bound");
        let open = a.create_invite_for(&adm, None).unwrap();
        let list = a.invites().unwrap();
        assert_eq!(list.len(), 2);
        let row = |secret: &str| {
            let id = &amble_store::accounts::secret_hash(secret)[..amble_store::admin::ID_LEN];
            a.invites()
                .unwrap()
                .into_iter()
                .find(|i| i.id == id)
                .unwrap()
        };
        assert_eq!(row(&bound).email.as_deref(), Some("bob@x.org"));
        assert_eq!(row(&bound).state, InviteState::Open, "{engine}");
        assert_eq!(row(&open).coach, "adm@x.org");
        assert!(a.revoke_invite(&row(&open).id).unwrap(), "{engine}");
        assert!(!a.revoke_invite(&row(&open).id).unwrap(), "{engine}: once");
        assert!(a.revoke_invite("not an id").is_err());
        assert_eq!(row(&open).state, InviteState::Revoked);
        assert!(!a.accept_invite(&open, &ann).unwrap(), "{engine}: revoked");
        assert_eq!(a.invite_coach(&open).unwrap(), None, "{engine}");
        assert!(a.accept_invite(&bound, &bob).unwrap(), "{engine}");
        assert!(a.is_linked(cat.id, bob.id).unwrap());
        let used = row(&bound);
        assert_eq!(
            (used.state, used.used_by.as_deref()),
            (InviteState::Used, Some("bob@x.org"))
        );
        assert!(!a.revoke_invite(&used.id).unwrap(), "{engine}: used");
        // Tokens: listed by id; one revoked by its id, the others go on.
        let t1 = a.add_token(ann.id).unwrap();
        let t2 = a.add_token(ann.id).unwrap();
        let tokens = a.tokens().unwrap();
        assert_eq!(tokens.len(), 2);
        assert!(tokens.iter().all(|t| t.email == "ann@x.org" && !t.revoked));
        assert!(
            tokens.iter().all(|t| !t1.starts_with(&t.id)),
            "ids are not secrets"
        );
        let id1 = &amble_store::accounts::secret_hash(&t1)[..amble_store::admin::ID_LEN];
        assert!(a.revoke_token_id(id1).unwrap(), "{engine}");
        assert!(!a.revoke_token_id(id1).unwrap());
        assert_eq!(a.user_by_token(&t1).unwrap(), None, "{engine}");
        assert_eq!(a.user_by_token(&t2).unwrap(), Some(ann.clone()));
        // The audit log, newest first, filtered by user, action and dates.
        a.audit(cat.id, Some(ann.id), "read", "GET /api/v1/journal")
            .unwrap();
        a.audit(ann.id, Some(ann.id), "write", "POST /api/v1/walks")
            .unwrap();
        a.audit(adm.id, None, "admin", "revoke invite").unwrap();
        let all = a.audit_list(&AuditFilter::default()).unwrap();
        assert_eq!(all.len(), 3, "{engine}");
        assert_eq!(all[0].action, "admin");
        assert_eq!(all[0].person, None);
        assert_eq!(all[2].actor.as_deref(), Some("cat@x.org"));
        assert_eq!(all[2].at.len(), 19, "{engine}: {}", all[2].at);
        let of_ann = |f: AuditFilter| a.audit_list(&f).unwrap().len();
        let user = |u: &str| AuditFilter {
            user: Some(u.into()),
            ..Default::default()
        };
        assert_eq!(of_ann(user("ANN@x.org")), 2, "{engine}: as actor or person");
        assert_eq!(of_ann(user("cat@x.org")), 1);
        assert_eq!(of_ann(user("nobody@x.org")), 0);
        let action = AuditFilter {
            action: Some("write".into()),
            ..Default::default()
        };
        assert_eq!(of_ann(action), 1, "{engine}");
        let today = jiff::tz::TimeZone::UTC
            .to_datetime(jiff::Timestamp::now())
            .date();
        let span = |from: jiff::civil::Date, to: jiff::civil::Date| AuditFilter {
            from: Some(from),
            to: Some(to),
            ..Default::default()
        };
        assert_eq!(of_ann(span(today, today)), 3, "{engine}: today, inclusive");
        let tomorrow = today.tomorrow().unwrap();
        assert_eq!(of_ann(span(tomorrow, tomorrow)), 0, "{engine}");
        let yesterday = today.yesterday().unwrap();
        assert_eq!(of_ann(span(yesterday, yesterday)), 0, "{engine}");
    });
}

#[test]
fn sign_in_throttle_slows_one_account_and_address_pair_and_never_locks() {
    use amble_core::access::Role;
    use amble_store::admin::FREE_FAILURES;
    each_accounts("throttle", |engine, t| {
        let a = &t.accounts;
        a.add_user("ann@x.org", Role::Person, SECRET).unwrap();
        for _ in 0..FREE_FAILURES - 1 {
            a.sign_in_failed("ann@x.org", "10.0.0.1").unwrap();
            assert_eq!(a.sign_in_wait("ann@x.org", "10.0.0.1").unwrap(), None);
        }
        a.sign_in_failed("ANN@x.org", "10.0.0.1").unwrap();
        assert_eq!(
            a.sign_in_wait("ann@x.org", "10.0.0.1").unwrap(),
            Some(1),
            "{engine}: the first delay"
        );
        a.sign_in_failed("ann@x.org", "10.0.0.1").unwrap();
        assert_eq!(a.sign_in_wait("ann@x.org", "10.0.0.1").unwrap(), Some(2));
        // Only that pair: the account from elsewhere, and others from that address, go on.
        assert_eq!(
            a.sign_in_wait("ann@x.org", "10.0.0.2").unwrap(),
            None,
            "{engine}"
        );
        assert_eq!(
            a.sign_in_wait("bob@x.org", "10.0.0.1").unwrap(),
            None,
            "{engine}"
        );
        // The delay passes; a success clears the pair.
        std::thread::sleep(std::time::Duration::from_millis(2100));
        assert_eq!(
            a.sign_in_wait("ann@x.org", "10.0.0.1").unwrap(),
            None,
            "{engine}"
        );
        a.sign_in_succeeded("ann@x.org", "10.0.0.1").unwrap();
        a.sign_in_failed("ann@x.org", "10.0.0.1").unwrap();
        assert_eq!(
            a.sign_in_wait("ann@x.org", "10.0.0.1").unwrap(),
            None,
            "{engine}"
        );
        // The per-address limit stays: many accounts tried from one address.
        for i in 0..amble_store::accounts::FAILURES_PER_ADDRESS {
            a.sign_in_failed(&format!("u{i}@x.org"), "10.0.0.9")
                .unwrap();
        }
        let wait = a.sign_in_wait("new@x.org", "10.0.0.9").unwrap();
        assert!(wait.is_some_and(|w| w > 800), "{engine}: {wait:?}");
        assert_eq!(a.sign_in_wait("new@x.org", "10.0.0.8").unwrap(), None);
    });
}

#[test]
fn sign_in_pairs_are_forgotten_a_day_after_their_last_failure() {
    use amble_core::access::Role;
    each_accounts("forget", |engine, t| {
        let a = &t.accounts;
        a.add_user("ann@x.org", Role::Person, SECRET).unwrap();
        for _ in 0..5 {
            a.sign_in_failed("ann@x.org", "10.0.0.1").unwrap();
        }
        assert!(a.sign_in_wait("ann@x.org", "10.0.0.1").unwrap().is_some());
        // Two days pass for this pair (its time moved back); the next failure starts afresh
        // and drops it.
        let back = if engine == "sqlite" {
            "UPDATE sign_in_throttle SET last_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-2 days')"
        } else {
            "UPDATE sign_in_throttle SET last_at = now() - interval '2 days'"
        };
        (t.raw)(back).unwrap();
        assert_eq!(
            a.sign_in_wait("ann@x.org", "10.0.0.1").unwrap(),
            None,
            "{engine}"
        );
        a.sign_in_failed("bob@x.org", "10.0.0.2").unwrap();
        a.sign_in_failed("ann@x.org", "10.0.0.1").unwrap();
        assert_eq!(
            a.sign_in_wait("ann@x.org", "10.0.0.1").unwrap(),
            None,
            "{engine}: one failure since, free"
        );
    });
}

/// Two edits of one entry never overwrite each other (issue #26.4): a correction carries the
/// revision it was read at, and one made from a version that has changed since is refused.
#[test]
fn a_stale_correction_is_refused_and_changes_nothing() {
    use amble_store::Revision;
    each(|engine, j| {
        let mut s = (j.open)();
        let stored = s.add(walk(5, 20.0)).unwrap();
        let read_at = Revision::of(&stored);
        // Another tab saves first.
        let mut theirs = stored.clone();
        if let Entry::Walk(w) = &mut theirs {
            w.minutes = 25.0;
        }
        (j.open)().replace_at(theirs.clone(), &read_at).unwrap();
        // Ours was read before that: refused, and the journal keeps theirs.
        let mut ours = stored.clone();
        if let Entry::Walk(w) = &mut ours {
            w.pain_peak = Some(6);
        }
        let r = s.replace_at(ours.clone(), &read_at);
        assert!(
            matches!(&r, Err(StoreError::Conflict { id }) if id == "w-1"),
            "{engine}: {r:?}"
        );
        let now = s.get("w-1").unwrap().unwrap();
        assert_eq!(now, theirs, "{engine}: the newer values stay");
        // Made again from the newer version, it is stored.
        s.replace_at(ours.clone(), &Revision::of(&now)).unwrap();
        assert_eq!(s.get("w-1").unwrap().unwrap(), ours, "{engine}");
        // In a batch, a stale correction refuses the whole batch.
        let r = s.apply(vec![
            Change::Add(morning(6, 1)),
            Change::ReplaceAt(theirs.clone(), Revision::of(&now)),
        ]);
        assert!(matches!(r, Err(StoreError::Conflict { .. })), "{engine}");
        assert_eq!(ids(&s), ["w-1"], "{engine}: the add was rolled back");
        // A missing entry is not found, whatever the revision.
        let mut gone = walk(7, 5.0);
        gone.set_id("w-9".into());
        let r = s.replace_at(gone, &read_at);
        assert!(matches!(r, Err(StoreError::NotFound(_))), "{engine}");
    });
}

/// A delete made from a page shown before the entry changed deletes nothing (issue #26.4).
#[test]
fn a_stale_delete_is_refused_and_deletes_nothing() {
    use amble_store::Revision;
    each(|engine, j| {
        let mut s = (j.open)();
        let stored = s.add(walk(5, 20.0)).unwrap();
        let shown = Revision::of(&stored);
        // Another device corrects the walk after the delete page was shown.
        let mut theirs = stored.clone();
        if let Entry::Walk(w) = &mut theirs {
            w.minutes = 25.0;
        }
        (j.open)().replace_at(theirs.clone(), &shown).unwrap();
        let r = s.delete_at("w-1", &shown);
        assert!(
            matches!(&r, Err(StoreError::Conflict { id }) if id == "w-1"),
            "{engine}: {r:?}"
        );
        assert_eq!(
            s.get("w-1").unwrap(),
            Some(theirs.clone()),
            "{engine}: kept"
        );
        // Shown again (the newer version), it is deleted and comes back as it was.
        let deleted = s.delete_at("w-1", &Revision::of(&theirs)).unwrap();
        assert_eq!(deleted, theirs, "{engine}");
        assert!(ids(&s).is_empty(), "{engine}");
        let r = s.delete_at("w-1", &shown);
        assert!(matches!(r, Err(StoreError::NotFound(_))), "{engine}: {r:?}");
        // Racing deletes from one read: one deletes, the other finds nothing.
        let m = s.add(morning(6, 2)).unwrap();
        let read_at = Revision::of(&m);
        let (a, b) = (
            (j.open)().delete_at(m.id(), &read_at),
            s.delete_at(m.id(), &read_at),
        );
        assert!(
            a.is_ok() && matches!(b, Err(StoreError::NotFound(_))),
            "{engine}: {b:?}"
        );
    });
}

/// Writers racing to correct one entry from the same read: exactly one wins.
#[test]
fn simultaneous_corrections_from_one_read_store_one() {
    use amble_store::Revision;
    each(|engine, j| {
        let stored = (j.open)().add(morning(3, 2)).unwrap();
        let read_at = Revision::of(&stored);
        let gate = Arc::new(std::sync::Barrier::new(6));
        let threads: Vec<_> = (0..6u8)
            .map(|k| {
                let open = j.open.clone();
                let gate = gate.clone();
                let (read_at, mut mine) = (read_at.clone(), stored.clone());
                std::thread::spawn(move || {
                    if let Entry::Morning(m) = &mut mine {
                        m.pain = k + 3;
                    }
                    let mut s = open();
                    gate.wait();
                    s.replace_at(mine, &read_at)
                })
            })
            .collect();
        let results: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        assert_eq!(
            results.iter().filter(|r| r.is_ok()).count(),
            1,
            "{engine}: {results:?}"
        );
        assert!(
            results
                .iter()
                .all(|r| r.is_ok() || matches!(r, Err(StoreError::Conflict { .. }))),
            "{engine}: the others are conflicts, not errors: {results:?}"
        );
    });
}

/// A long operation writing back to an entry read long before (a gait analysis) merges into
/// the entry as it is now: `update` reads again when another writer got there first.
#[test]
fn an_update_merges_into_a_correction_made_meanwhile() {
    each(|engine, j| {
        let mut s = (j.open)();
        s.add(walk(5, 20.0)).unwrap();
        let mut calls = 0;
        let stored = amble_store::update(&mut s, "w-1", |e| {
            calls += 1;
            if calls == 1 {
                // Someone corrects the walk while the analysis runs.
                let mut other = (j.open)();
                let mut corrected = other.get("w-1").unwrap().unwrap();
                if let Entry::Walk(w) = &mut corrected {
                    w.pain_peak = Some(6);
                }
                other.replace(corrected).unwrap();
            }
            let Entry::Walk(mut w) = e else {
                panic!("a walk")
            };
            w.notes = Some("gait attached".into());
            Ok(Entry::Walk(w))
        })
        .unwrap();
        assert_eq!(calls, 2, "{engine}: read again after the conflict");
        let Some(Entry::Walk(w)) = s.get("w-1").unwrap() else {
            panic!("a walk")
        };
        assert_eq!(
            (w.pain_peak, w.notes.as_deref()),
            (Some(6), Some("gait attached")),
            "{engine}: both changes kept"
        );
        assert_eq!(Entry::Walk(w), stored, "{engine}");
        let missing = amble_store::update(&mut s, "w-9", Ok);
        assert!(matches!(missing, Err(StoreError::NotFound(_))), "{engine}");
    });
}

fn gait_walk(day: i8, minutes: usize) -> Entry {
    let mut e = walk(day, minutes as f64);
    if let Entry::Walk(w) = &mut e {
        w.gait = Some(Box::new(amble_core::gait::WalkGait {
            file: "walk.csv".into(),
            walking_s: 60.0 * minutes as f64,
            steps: 100 * minutes as u64,
            cadence_spm: 104.25,
            stride_length_m: 1.2,
            speed_mps: 1.04,
            step_time_cv: 0.031,
            symmetry: Some(0.9),
            windows: (0..minutes)
                .map(|k| amble_core::gait::GaitWindow {
                    start_s: 60.0 * k as f64,
                    cadence_spm: 104.0 + k as f64 / 3.0,
                    stride_length_m: 1.2 - k as f64 * 0.0071,
                    speed_mps: 1.0 / 3.0,
                    step_time_cv: 0.03,
                    symmetry: Some(0.1 + 0.2),
                })
                .collect(),
            deterioration_onset_s: Some(123.4),
        }));
    }
    e
}

/// An entry as any store reads it back from its JSON body (numbers parsed again).
fn as_read(e: &Entry) -> Entry {
    serde_json::from_str(&serde_json::to_string(e).unwrap()).unwrap()
}

fn windows_of(e: &Entry) -> usize {
    match e {
        Entry::Walk(w) => w.gait.as_ref().map_or(0, |g| g.windows.len()),
        _ => 0,
    }
}

#[test]
fn gait_windows_are_kept_apart_and_read_back_whole() {
    each(|engine, j| {
        let mut s = (j.open)();
        let a = s.add(gait_walk(5, 40)).unwrap();
        let b = s.add(morning(6, 2)).unwrap();
        let c = s.add(gait_walk(7, 2)).unwrap();
        // Read whole (the journal document): byte for byte what a store keeping the walk in
        // one body read back (and what it exported before the windows moved apart).
        let whole = serde_json::to_string(&vec![as_read(&a), as_read(&b), as_read(&c)]).unwrap();
        assert_eq!(
            serde_json::to_string(&s.list().unwrap()).unwrap(),
            whole,
            "{engine}"
        );
        assert_eq!(s.get(a.id()).unwrap(), Some(as_read(&a)), "{engine}");
        assert_eq!(s.gait_windows(a.id()).unwrap().len(), 40, "{engine}");
        assert!(s.gait_windows(b.id()).unwrap().is_empty(), "{engine}");
        // Read light (the pages): the same entries, without the windows.
        let light = s.list_light().unwrap();
        let got: Vec<&Entry> = light.entries.iter().map(|(_, e)| e).collect();
        assert_eq!(got.len(), 3, "{engine}");
        assert!(got.iter().all(|e| windows_of(e) == 0), "{engine}");
        let mut back = got[0].clone();
        if let Entry::Walk(w) = &mut back {
            w.gait.as_mut().unwrap().windows = s.gait_windows(a.id()).unwrap();
        }
        assert_eq!(back, as_read(&a), "{engine}");
        // A correction carries its windows (fewer now), a revision sees them, a delete returns
        // them, an import compares whole entries.
        let mut fewer = gait_walk(5, 10);
        fewer.set_id(a.id().to_string());
        let fewer = as_read(&fewer);
        s.replace_at(
            fewer.clone(),
            &amble_core::revision::Revision::of(&s.get(a.id()).unwrap().unwrap()),
        )
        .unwrap();
        assert_eq!(s.gait_windows(a.id()).unwrap().len(), 10, "{engine}");
        assert_eq!(s.get(a.id()).unwrap(), Some(fewer.clone()), "{engine}");
        let summary = s.import(vec![fewer.clone()]).unwrap();
        assert_eq!(summary.unchanged, 1, "{engine}");
        let gone = s.delete(a.id()).unwrap();
        assert_eq!(gone, fewer, "{engine}");
        assert!(s.gait_windows(a.id()).unwrap().is_empty(), "{engine}");
        // Without windows (under 3 minutes): nothing apart, the walk as it was.
        assert_eq!(s.get(c.id()).unwrap(), Some(as_read(&c)), "{engine}");
        // An import of walks with windows into a fresh journal keeps them.
        let j2 = match engine {
            "sqlite" => sqlite(),
            _ => postgres(&postgres_url().unwrap()),
        };
        let mut s2 = (j2.open)();
        let mut more = gait_walk(9, 30);
        more.set_id("w-77".into());
        let mut all = s.list().unwrap();
        all.push(as_read(&more));
        s2.import(all.clone()).unwrap();
        assert_eq!(
            serde_json::to_string(&s2.list().unwrap()).unwrap(),
            serde_json::to_string(&all).unwrap(),
            "{engine}"
        );
        assert_eq!(s2.gait_windows("w-77").unwrap().len(), 30, "{engine}");
    });
}

#[test]
fn a_reader_reads_again_only_what_changed_since_its_mark() {
    each(|engine, j| {
        let mut s = (j.open)();
        let reader = (j.open)();
        let a = s.add(walk(5, 20.0)).unwrap();
        let b = s.add(morning(6, 2)).unwrap();
        let first = reader.list_light().unwrap();
        let Some(mark) = first.mark else {
            panic!("{engine}: no mark")
        };
        assert_eq!(first.entries.len(), 2, "{engine}");
        // Nothing since: nothing to read.
        let none = reader.changed_since(mark).unwrap().expect("readable");
        assert!(none.entries.is_empty(), "{engine}");
        assert_eq!(none.mark, Some(mark), "{engine}");
        // An added entry and a corrected one, each once, in journal order, with their places.
        let c = s.add(gait_walk(4, 12)).unwrap();
        let mut b2 = b.clone();
        if let Entry::Morning(m) = &mut b2 {
            m.pain = 5;
        }
        s.replace(b2.clone()).unwrap();
        let changed = reader.changed_since(mark).unwrap().expect("readable");
        let got: Vec<&str> = changed.entries.iter().map(|(_, e)| e.id()).collect();
        assert_eq!(got, [c.id(), b.id()], "{engine}");
        assert_eq!(changed.entries[1].1, b2, "{engine}");
        assert_eq!(windows_of(&changed.entries[0].1), 0, "{engine}: read light");
        let places: Vec<i64> = reader
            .list_light()
            .unwrap()
            .entries
            .iter()
            .map(|(seq, _)| *seq)
            .collect();
        let seq_of = |id: &str| {
            reader
                .list_light()
                .unwrap()
                .entries
                .iter()
                .find(|(_, e)| e.id() == id)
                .map(|(q, _)| *q)
        };
        assert_eq!(Some(changed.entries[0].0), seq_of(c.id()), "{engine}");
        assert_eq!(places.len(), 3, "{engine}");
        let mark2 = changed.mark.unwrap();
        assert!(mark2.changes > mark.changes, "{engine}");
        // A batch counts each entry it touched.
        s.apply(vec![
            Change::Add(morning(8, 1)),
            Change::Replace(b2.clone()),
        ])
        .unwrap();
        let batch = reader.changed_since(mark2).unwrap().expect("readable");
        assert_eq!(batch.entries.len(), 2, "{engine}");
        // A deletion cannot be told from the marks: read everything again.
        s.delete(a.id()).unwrap();
        assert!(reader.changed_since(mark2).unwrap().is_none(), "{engine}");
        let after = reader.list_light().unwrap();
        assert_eq!(after.entries.len(), 3, "{engine}");
        assert!(
            reader
                .changed_since(after.mark.unwrap())
                .unwrap()
                .expect("readable")
                .entries
                .is_empty(),
            "{engine}"
        );
    });
}

/// A PostgreSQL database at schema 13 whose walks carry gait windows in their bodies migrates
/// to 14 with the windows moved apart, reads back byte for byte as before, and leaves marks.
#[test]
fn a_schema_13_database_moves_gait_windows_apart_and_reads_the_same() {
    let Some(url) = postgres_url() else { return };
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let name = format!("amble_v13_{}", std::process::id());
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    let other = replace_db(&url, &name);
    let mut c = postgres::Client::connect(&other, postgres::NoTls).unwrap();
    for m in &amble_store::migrations::MIGRATIONS[..13] {
        c.batch_execute(m.postgres).unwrap();
    }
    c.batch_execute(
        "CREATE TABLE amble_meta (key TEXT PRIMARY KEY, value BIGINT NOT NULL);
         INSERT INTO amble_meta (key, value) VALUES ('schema_version', 13);",
    )
    .unwrap();
    let mut w = gait_walk(5, 40);
    w.set_id("w-1".into());
    let mut m = morning(6, 3);
    m.set_id("m-1".into());
    for e in [&w, &m] {
        c.execute(
            "INSERT INTO entries (journal_id, id, kind, date, body) VALUES (1, $1, $2, $3::text::date, $4::text::jsonb)",
            &[&e.id(), &e.kind(), &e.date().to_string(), &serde_json::to_string(e).unwrap()],
        )
        .unwrap();
    }
    // What schema 13 read back: every body parsed as it was stored.
    let before: Vec<Entry> = c
        .query(
            "SELECT body::text FROM entries WHERE journal_id = 1 ORDER BY date, seq",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| serde_json::from_str(r.get::<_, &str>(0)).unwrap())
        .collect();
    let db = PgDatabase::connect(&other).unwrap();
    let mut s = db.open(amble_store::DEFAULT_JOURNAL).unwrap();
    assert_eq!(
        serde_json::to_string(&s.list().unwrap()).unwrap(),
        serde_json::to_string(&before).unwrap()
    );
    assert_eq!(s.gait_windows("w-1").unwrap().len(), 40);
    let body: String = c
        .query_one("SELECT body::text FROM entries WHERE id = 'w-1'", &[])
        .unwrap()
        .get(0);
    assert!(body.contains("\"windows\": []"), "{body}");
    let light = s.list_light().unwrap();
    assert!(light.entries.iter().all(|(_, e)| windows_of(e) == 0));
    let mark = light.mark.expect("a mark");
    s.add(morning(9, 1)).unwrap();
    assert_eq!(
        s.changed_since(mark)
            .unwrap()
            .expect("readable")
            .entries
            .len(),
        1
    );
    drop(s);
    drop(db);
    drop(c);
    let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
}
