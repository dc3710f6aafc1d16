//! `amble serve --replica URL` as a program (contract §12, docs/scale.md): a primary and a
//! streaming replica started by the test, the replica applying each commit 500 ms late; a walk
//! logged through the API is in the very next read of the journal, and the journal's reads
//! reach the replica. Runs when `AMBLE_TEST_REPLICATION=1` (`.ci/run`); run as root, the
//! servers run as the user `postgres`. The failover itself is tested in
//! `amble-store/tests/replication.rs`.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

mod common;

use common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn pg_bin() -> PathBuf {
    if let Ok(dir) = std::env::var("AMBLE_TEST_PGBIN") {
        return PathBuf::from(dir);
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("AMBLE_TEST_REPLICATION=1 needs Debian's postgresql")
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
            "{} {args:?}: {}",
            program.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn data(&self, name: &str) -> String {
        self.dir.join(name).display().to_string()
    }

    fn start(&self, name: &str, port: u16, extra: &str) {
        let opts = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off {extra}",
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
}

impl Drop for Pg {
    fn drop(&mut self) {
        for name in ["replica", "primary"] {
            if Path::new(&self.data(name)).join("postmaster.pid").exists() {
                let data = self.data(name);
                let _ = std::panic::catch_unwind(|| {
                    self.run("pg_ctl", &["-D", &data, "-m", "immediate", "stop"]);
                });
            }
        }
    }
}

fn http(port: u16, method: &str, target: &str, body: &str) -> (u16, String) {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut req =
        format!("{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    if !body.is_empty() {
        req.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    let status = resp
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, resp)
}

/// How many times the replica's log shows a journal's version being read.
fn version_reads(log: &str) -> usize {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .matches("SELECT version FROM journals")
        .count()
}

#[test]
fn serve_with_a_replica_reads_its_own_writes_at_once() {
    if std::env::var("AMBLE_TEST_REPLICATION").map_or(true, |v| v != "1") {
        eprintln!("skipped: set AMBLE_TEST_REPLICATION=1 to start a primary and a replica");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if root {
        assert!(
            Command::new("chown")
                .arg("postgres")
                .arg(tmp.path())
                .status()
                .unwrap()
                .success()
        );
    }
    let pg = Pg {
        bin: pg_bin(),
        root,
        dir: tmp.path().to_path_buf(),
    };
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
        ],
    );
    pg.start("primary", p, "");
    let primary = format!("postgres://amble@127.0.0.1:{p}/postgres");
    let replica = format!("postgres://amble@127.0.0.1:{r}/postgres");
    let migrated = run(&["--database", &primary, "db", "migrate"]);
    assert_eq!(migrated.code, 0, "{}", migrated.stderr);
    let port = p.to_string();
    pg.run(
        "pg_basebackup",
        &[
            "-h",
            "127.0.0.1",
            "-p",
            &port,
            "-U",
            "amble",
            "-D",
            &pg.data("replica"),
            "-R",
            "--no-sync",
            "--checkpoint=fast",
        ],
    );
    pg.start(
        "replica",
        r,
        "-c recovery_min_apply_delay=500ms -c log_statement=all",
    );
    let replica_log = pg.data("replica.log");

    let mut server = amble()
        .args([
            "--database",
            &primary,
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--replica",
            &replica,
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let web: u16 = line
        .trim()
        .trim_start_matches("http://127.0.0.1:")
        .trim_end_matches('/')
        .parse()
        .unwrap_or_else(|_| panic!("no address printed: {line:?}"));

    for i in 0..10 {
        let (status, body) = http(
            web,
            "POST",
            "/api/v1/walks",
            &format!(
                r#"{{"date": "2026-03-02", "minutes": {}, "bouts": 1}}"#,
                10 + i
            ),
        );
        assert!(status == 201 || status == 200, "{body}");
        let id = body
            .split("\"id\":\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("no id in {body}"))
            .to_string();
        let (status, journal) = http(web, "GET", "/api/v1/journal", "");
        assert_eq!(status, 200, "{journal}");
        assert!(
            journal.contains(&format!("\"id\":\"{id}\"")),
            "walk {id} missing from the next read"
        );
    }
    // Once the replica has caught up, the journal's reads go there (its log shows them).
    let until = Instant::now() + Duration::from_secs(20);
    loop {
        let before = version_reads(&replica_log);
        for i in 0..5 {
            let (status, _) = http(web, "GET", &format!("/api/v1/journal?n={i}"), "");
            assert_eq!(status, 200);
        }
        if version_reads(&replica_log) > before {
            break;
        }
        assert!(Instant::now() < until, "no read reached the replica");
        std::thread::sleep(Duration::from_millis(100));
    }
    server.kill().unwrap();
    server.wait().unwrap();
}
