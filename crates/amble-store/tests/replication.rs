//! Read replicas and failover on Debian's PostgreSQL (docs/scale.md, contract §12): the test
//! starts a primary and a streaming replica of its own (`initdb`, `pg_basebackup -R`) on free
//! ports in a temporary folder. Reads through the replica-routing store see the process's own
//! writes at once; a stopped replica leaves reads working; with synchronous replication, the
//! primary stopped with `-m immediate` and the replica promoted, every acknowledged write is on
//! the new primary and writes resume through the multi-host address within 15 s.
//!
//! Runs when `AMBLE_TEST_REPLICATION=1` (`.ci/run` sets it); `AMBLE_TEST_PGBIN` may name the
//! folder of PostgreSQL's programs (else the newest `/usr/lib/postgresql/*/bin`). Run as root,
//! the servers run as the user `postgres`, as `.ci/run` does.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures
#![allow(clippy::too_many_lines)] // failover is one story: primary, replica, writes, a stop, a promotion

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use amble_core::journal::{Entry, Walk, WalkSource};
use amble_store::{DEFAULT_JOURNAL, PgDatabase, Store};
use jiff::civil::date;
use postgres::NoTls;

fn wanted() -> bool {
    std::env::var("AMBLE_TEST_REPLICATION").is_ok_and(|v| v == "1")
}

fn pg_bin() -> PathBuf {
    if let Ok(dir) = std::env::var("AMBLE_TEST_PGBIN") {
        return PathBuf::from(dir);
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("AMBLE_TEST_REPLICATION=1 needs PostgreSQL in /usr/lib/postgresql (Debian's postgresql)")
        .filter_map(|d| {
            let d = d.ok()?;
            let v: u32 = d.file_name().to_str()?.parse().ok()?;
            let bin = d.path().join("bin");
            bin.join("initdb").exists().then_some((v, bin))
        })
        .collect();
    found.sort();
    found.pop().expect("no /usr/lib/postgresql/*/bin/initdb").1
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// PostgreSQL's programs, run as `postgres` when the test runs as root (PostgreSQL refuses root).
struct Pg {
    bin: PathBuf,
    root: bool,
    dir: PathBuf,
}

impl Pg {
    fn run(&self, program: &str, args: &[&str]) {
        let program = self.bin.join(program);
        let mut cmd = if self.root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&program);
            c
        } else {
            Command::new(&program)
        };
        let out = cmd.args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{} {args:?} failed: {}{}",
            program.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn data(&self, name: &str) -> String {
        self.dir.join(name).display().to_string()
    }

    fn start(&self, name: &str, port: u16, extra: &str) {
        let opts = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60 {extra}",
            self.dir.display()
        );
        let log = self.data(&format!("{name}.log"));
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data(name),
                "-l",
                &log,
                "-w",
                "-o",
                &opts,
                "start",
            ],
        );
    }

    fn stop(&self, name: &str, mode: &str) {
        self.run(
            "pg_ctl",
            &["-D", &self.data(name), "-m", mode, "-w", "stop"],
        );
    }
}

/// Both servers stopped at the end, whatever happened.
struct Servers<'a>(&'a Pg);

impl Drop for Servers<'_> {
    fn drop(&mut self) {
        for name in ["primary", "replica"] {
            let pid = Path::new(&self.0.data(name)).join("postmaster.pid");
            if pid.exists() {
                let _ = std::panic::catch_unwind(|| self.0.stop(name, "immediate"));
            }
        }
    }
}

fn walk(minutes: f64) -> Entry {
    Entry::Walk(Walk {
        id: String::new(),
        date: date(2026, 3, 2),
        start: None,
        minutes,
        elapsed_minutes: None,
        bouts: 1,
        pain_before: Some(2),
        pain_peak: Some(3),
        leg_spread: None,
        new_symptoms: false,
        distance_km: None,
        steps: None,
        cadence_spm: None,
        avg_hr_bpm: None,
        ascent_m: None,
        surface: None,
        shoes: None,
        source: WalkSource::Manual,
        notes: None,
        gait: None,
    })
}

fn client(port: u16) -> postgres::Client {
    postgres::Client::connect(
        &format!("postgres://amble@127.0.0.1:{port}/postgres"),
        NoTls,
    )
    .unwrap()
}

/// Waits (up to 20 s) until `check` holds.
fn wait_for(what: &str, mut check: impl FnMut() -> bool) {
    let until = Instant::now() + Duration::from_secs(20);
    while !check() {
        assert!(Instant::now() < until, "gave up waiting: {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn streaming(primary: u16, sync: bool) -> bool {
    let Ok(mut c) = postgres::Client::connect(
        &format!("postgres://amble@127.0.0.1:{primary}/postgres"),
        NoTls,
    ) else {
        return false;
    };
    let want = if sync { "sync" } else { "async" };
    c.query(
        "SELECT 1 FROM pg_stat_replication WHERE state = 'streaming' AND sync_state = $1",
        &[&want],
    )
    .is_ok_and(|rows| !rows.is_empty())
}

#[test]
fn replicas_read_your_writes_and_failover_keeps_every_acknowledged_walk() {
    if !wanted() {
        eprintln!("skipped: set AMBLE_TEST_REPLICATION=1 to start a primary and a replica");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let root = is_root();
    if root {
        let ok = Command::new("chown")
            .arg("postgres")
            .arg(tmp.path())
            .status()
            .unwrap();
        assert!(ok.success());
    }
    let pg = Pg {
        bin: pg_bin(),
        root,
        dir: tmp.path().to_path_buf(),
    };
    let servers = Servers(&pg);
    let (p, r) = (free_port(), free_port());
    pg.run(
        "initdb",
        &[
            "-D",
            &pg.data("primary"),
            "-A",
            "trust",
            "-U",
            "amble",
            "--no-sync",
            "-E",
            "UTF8",
        ],
    );
    pg.start("primary", p, "");
    pg.run(
        "pg_basebackup",
        &[
            "-h",
            "127.0.0.1",
            "-p",
            &p.to_string(),
            "-U",
            "amble",
            "-D",
            &pg.data("replica"),
            "-R",
            "-X",
            "stream",
            "--no-sync",
            "--checkpoint=fast",
        ],
    );
    // The replica applies each commit 300 ms late at first, so that a read right after a
    // write would miss it there.
    pg.start("replica", r, "-c recovery_min_apply_delay=300ms");
    wait_for("the replica streams", || streaming(p, false));

    // The primary's address lists both hosts: after a failover, new connections find the one
    // that accepts writes.
    let primary_url = format!(
        "postgres://amble@127.0.0.1:{p},127.0.0.1:{r}/postgres?target_session_attrs=read-write"
    );
    let replica_url = format!("postgres://amble@127.0.0.1:{r}/postgres");
    let db = PgDatabase::connect(&primary_url)
        .unwrap()
        .with_replicas(std::slice::from_ref(&replica_url))
        .unwrap();
    let mut store = db.open(DEFAULT_JOURNAL).unwrap();
    // The schema reaches the replica; then reads go there.
    let mut on_replica = client(r);
    wait_for("the schema on the replica", || {
        on_replica
            .query_one("SELECT to_regclass('amble_meta') IS NOT NULL", &[])
            .is_ok_and(|row| row.get::<_, bool>(0))
    });
    wait_for("a read served by the replica", || {
        let before = db.replica_reads();
        store.version().unwrap();
        db.replica_reads() > before
    });

    // Read-your-writes: each write is seen by the very next read, whatever the replica has
    // replayed by then.
    let mut acked: Vec<String> = Vec::new();
    for i in 0..40 {
        let stored = store.add(walk(10.0 + f64::from(i))).unwrap();
        let listed = store.list().unwrap();
        assert!(
            listed.iter().any(|e| e.id() == stored.id()),
            "write {i} ({}) not seen by the next read",
            stored.id()
        );
        assert_eq!(store.get(stored.id()).unwrap().as_ref(), Some(&stored));
        acked.push(stored.id().to_string());
        if i == 0 {
            let there = on_replica
                .query("SELECT 1 FROM entries WHERE id = $1", &[&stored.id()])
                .unwrap();
            assert!(there.is_empty(), "the replica was meant to lag here");
        }
    }
    // Once the replica has replayed them, the journal reads from it again.
    wait_for("reads back on the replica after the writes", || {
        let before = db.replica_reads();
        let n = store.list().unwrap().len();
        assert_eq!(n, acked.len());
        db.replica_reads() > before
    });

    // A replica that lags is skipped: another server writes while the replica's replay is
    // paused, and a reader allowing no lag at all reads that write from the primary.
    let other = PgDatabase::connect(&format!("postgres://amble@127.0.0.1:{p}/postgres")).unwrap();
    let j2 = other.create_journal().unwrap();
    let strict = PgDatabase::connect(&primary_url)
        .unwrap()
        .with_replicas(std::slice::from_ref(&replica_url))
        .unwrap()
        .with_replica_max_lag(0);
    let reader = strict.open(j2).unwrap();
    wait_for("a strict read served by the replica", || {
        let before = strict.replica_reads();
        reader.version().unwrap();
        strict.replica_reads() > before
    });
    on_replica
        .batch_execute("SELECT pg_wal_replay_pause()")
        .unwrap();
    let theirs = other.open(j2).unwrap().add(walk(5.0)).unwrap();
    // The primary's position is read at most twice a second.
    std::thread::sleep(Duration::from_millis(600));
    let before = strict.replica_reads();
    let listed = reader.list().unwrap();
    assert!(
        listed.iter().any(|e| e.id() == theirs.id()),
        "the lagging replica was read"
    );
    assert_eq!(strict.replica_reads(), before);
    on_replica
        .batch_execute("SELECT pg_wal_replay_resume()")
        .unwrap();

    // A stopped replica: reads (and writes) keep working, from the primary.
    pg.stop("replica", "fast");
    let started = Instant::now();
    for i in 0..5 {
        let stored = store.add(walk(60.0 + f64::from(i))).unwrap();
        acked.push(stored.id().to_string());
        assert_eq!(store.list().unwrap().len(), acked.len());
    }
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "reads with the replica down took {:?}",
        started.elapsed()
    );
    pg.start("replica", r, "");
    wait_for("the replica streams again", || streaming(p, false));

    // Synchronous replication: a commit is acknowledged once the replica has it.
    let mut admin = client(p);
    admin
        .batch_execute("ALTER SYSTEM SET synchronous_standby_names = '*'")
        .unwrap();
    admin.batch_execute("SELECT pg_reload_conf()").unwrap();
    wait_for("the replica is synchronous", || streaming(p, true));

    // A writer keeps logging walks; the primary dies under it and the replica is promoted.
    let acked = Arc::new(Mutex::new(acked));
    let stop = Arc::new(AtomicBool::new(false));
    let last_ack: Arc<Mutex<Option<Instant>>> = Arc::new(Mutex::new(None));
    let writer = {
        let (acked, stop, last_ack) = (acked.clone(), stop.clone(), last_ack.clone());
        let db = db.clone();
        std::thread::spawn(move || {
            let mut store = db.open(DEFAULT_JOURNAL).unwrap();
            let mut failures = 0;
            while !stop.load(Ordering::Relaxed) {
                match store.add(walk(30.0)) {
                    Ok(e) => {
                        acked.lock().unwrap().push(e.id().to_string());
                        *last_ack.lock().unwrap() = Some(Instant::now());
                    }
                    Err(_) => {
                        failures += 1;
                        std::thread::sleep(Duration::from_millis(100));
                    }
                }
            }
            failures
        })
    };
    let before = acked.lock().unwrap().len();
    wait_for("writes before the failover", || {
        acked.lock().unwrap().len() >= before + 20
    });
    pg.stop("primary", "immediate");
    let killed = Instant::now();
    pg.run("pg_ctl", &["-D", &pg.data("replica"), "-w", "promote"]);
    wait_for("a write after the failover", || {
        last_ack.lock().unwrap().is_some_and(|t| t > killed)
    });
    let resumed = last_ack.lock().unwrap().unwrap().duration_since(killed);
    assert!(
        resumed < Duration::from_secs(15),
        "writes resumed {resumed:?} after the primary stopped"
    );
    let settled = acked.lock().unwrap().len();
    wait_for("more writes on the new primary", || {
        acked.lock().unwrap().len() >= settled + 5
    });
    stop.store(true, Ordering::Relaxed);
    let failures = writer.join().unwrap();
    eprintln!(
        "failover: writes resumed {resumed:?} after the primary stopped ({failures} failed attempts in between)"
    );

    // Every acknowledged walk is on the new primary, once each.
    let acked = acked.lock().unwrap().clone();
    let mut new_primary = client(r);
    let stored: Vec<String> = new_primary
        .query(
            "SELECT id FROM entries WHERE journal_id = $1",
            &[&DEFAULT_JOURNAL],
        )
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    let missing: Vec<&String> = acked.iter().filter(|id| !stored.contains(id)).collect();
    assert!(missing.is_empty(), "acknowledged but lost: {missing:?}");
    let mut unique = acked.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), acked.len(), "an id acknowledged twice");
    // And the routing store reads them all.
    let listed = store.list().unwrap();
    assert!(acked.iter().all(|id| listed.iter().any(|e| e.id() == id)));
    drop(servers);
}
