//! Running Amble for a clinic (contract §12): `amble db migrate --app-role` as the owner, the
//! servers' role held to what it needs (the audit log cannot be wiped through it), servers that
//! never migrate, `amble db purge`, the audit of sign-ins and refused requests, and the request
//! log (`--log-format json`). PostgreSQL parts run with `AMBLE_TEST_DATABASE_URL`.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures
#![allow(clippy::too_many_lines)] // the servers' role is one scenario, step by step, on a database of its own

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Stdio};

use common::*;

const PASSWORD: &str = "a long enough secret";

fn admin_url() -> Option<String> {
    let url = std::env::var("AMBLE_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty());
    if url.is_none() {
        assert!(
            std::env::var("AMBLE_PG_REQUIRED").map_or(true, |v| v != "1"),
            "AMBLE_PG_REQUIRED=1 but AMBLE_TEST_DATABASE_URL is not set"
        );
    }
    url
}

/// `postgres://ROLE@HOST:PORT/DB` on the test server (trust authentication).
fn url_as(admin: &str, role: &str, db: &str) -> String {
    let rest = admin.split_once("://").unwrap().1;
    let host_and_db = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    let host = host_and_db.split_once('/').unwrap().0;
    format!("postgres://{role}@{host}/{db}")
}

fn start_server(args: &[&str]) -> (Child, u16) {
    let mut child = amble()
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line
        .trim()
        .trim_start_matches("http://127.0.0.1:")
        .trim_end_matches('/')
        .parse()
        .unwrap_or_else(|_| panic!("no URL on stdout: {line:?}"));
    (child, port)
}

fn stop(mut child: Child) -> String {
    child.kill().unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// One HTTP/1.1 request; the status and the whole answer.
fn http(port: u16, method: &str, target: &str, headers: &[&str], body: &str) -> (u16, String) {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut req =
        format!("{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    for h in headers {
        req.push_str(h);
        req.push_str("\r\n");
    }
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

#[test]
fn the_servers_role_cannot_wipe_the_audit_and_servers_never_migrate() {
    let Some(admin) = admin_url() else {
        return;
    };
    let pid = std::process::id();
    let (owner, app, name) = (
        format!("amble_owner_{pid}"),
        format!("amble_app_{pid}"),
        format!("amble_cli_ops_{pid}"),
    );
    let mut su = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
    // One statement each: DROP and CREATE DATABASE cannot share a transaction.
    for sql in [
        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        format!("DROP ROLE IF EXISTS {owner}"),
        format!("DROP ROLE IF EXISTS {app}"),
        format!("CREATE ROLE {owner} LOGIN"),
        format!("CREATE ROLE {app} LOGIN"),
        format!("CREATE DATABASE {name} OWNER {owner}"),
    ] {
        su.batch_execute(&sql).unwrap();
    }
    let owner_url = url_as(&admin, &owner, &name);
    let app_url = url_as(&admin, &app, &name);

    // A server on a database without the schema refuses, naming the command; it creates nothing.
    let r = run(&["--database", &app_url, "serve", "--bind", "127.0.0.1:0"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("amble db migrate"), "{}", r.stderr);
    let mut as_owner = postgres::Client::connect(&owner_url, postgres::NoTls).unwrap();
    let tables: i64 = as_owner
        .query_one(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(tables, 0, "a server created nothing");

    // The app role must be a plain role of its own.
    let r = run(&[
        "--database",
        &owner_url,
        "db",
        "migrate",
        "--app-role",
        &owner,
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("owner"), "{}", r.stderr);
    let r = run(&[
        "--database",
        &owner_url,
        "db",
        "migrate",
        "--app-role",
        "nobody_here",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("no such role"), "{}", r.stderr);

    let r = run(&[
        "--json",
        "--database",
        &owner_url,
        "db",
        "migrate",
        "--app-role",
        &app,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc = r.json();
    assert_eq!(doc["from"], 0);
    assert_eq!(doc["schema_version"], amble_store::SCHEMA_VERSION);
    // Again: nothing to migrate, the grants set afresh.
    let r = run(&[
        "--database",
        &owner_url,
        "db",
        "migrate",
        "--app-role",
        &app,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);

    // Accounts through the servers' role.
    for (email, role) in [("ann@x.org", "person"), ("cat@x.org", "coach")] {
        let r = run_with_stdin(
            &[
                "--database",
                &app_url,
                "user",
                "add",
                "--email",
                email,
                "--role",
                role,
                "--password-stdin",
            ],
            &format!("{PASSWORD}\n"),
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let r = run_with_stdin(
        &[
            "--database",
            &app_url,
            "user",
            "add",
            "--email",
            "bob@x.org",
            "--role",
            "person",
            "--password-stdin",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);

    // A server as the app role: sign-ins (both kinds), a refused request and the coach's list
    // are in the audit log.
    let (server, port) = start_server(&["--database", &app_url, "serve", "--bind", "127.0.0.1:0"]);
    let (status, _) = http(
        port,
        "POST",
        "/api/v1/session",
        &[],
        r#"{"email":"ann@x.org","password":"wrong password!"}"#,
    );
    assert_eq!(status, 401);
    let (status, resp) = http(
        port,
        "POST",
        "/api/v1/session",
        &[],
        &format!(r#"{{"email":"ann@x.org","password":"{PASSWORD}"}}"#),
    );
    assert_eq!(status, 200, "{resp}");
    let cookie = resp
        .lines()
        .find_map(|l| {
            l.strip_prefix("set-cookie: ")
                .or_else(|| l.strip_prefix("Set-Cookie: "))
        })
        .and_then(|c| c.split(';').next())
        .unwrap()
        .to_string();
    let cookie_header = format!("Cookie: {cookie}");
    let (status, _) = http(
        port,
        "GET",
        "/api/v1/journal?person=bob%40x.org",
        &[&cookie_header],
        "",
    );
    assert_eq!(status, 403);
    let (status, _) = http(port, "GET", "/api/v1/people", &[&cookie_header], "");
    assert_eq!(status, 403);
    let log = stop(server);
    assert!(
        !log.contains("bob%40x.org") && !log.contains("bob@x.org"),
        "{log}"
    );

    let actions: Vec<(Option<i64>, Option<i64>, String, String)> = as_owner
        .query(
            "SELECT actor_id, person_id, action, detail FROM audit_log ORDER BY id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    let has = |action: &str, detail: &str| {
        actions
            .iter()
            .any(|(_, _, a, d)| a == action && d.contains(detail))
    };
    assert!(has("sign-in-failed", "wrong password"), "{actions:?}");
    assert!(has("sign-in", "from "), "{actions:?}");
    assert!(has("refused", "GET /api/v1/journal"), "{actions:?}");
    assert!(has("refused", "GET /api/v1/people"), "{actions:?}");
    assert!(
        actions
            .iter()
            .all(|(_, _, _, d)| !d.contains(PASSWORD) && !d.contains("wrong password!"))
    );

    // What the servers' role cannot do to the audit log (nor to the schema).
    let mut as_app = postgres::Client::connect(&app_url, postgres::NoTls).unwrap();
    for sql in [
        "TRUNCATE audit_log",
        "DELETE FROM audit_log",
        "UPDATE audit_log SET action = 'x'",
        "ALTER TABLE audit_log DISABLE TRIGGER ALL",
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
        "DROP TABLE audit_log",
        "DROP TRIGGER audit_log_append_only ON audit_log",
        "UPDATE amble_meta SET value = 1",
        "CREATE TABLE mine (x int)",
        "TRUNCATE entries",
    ] {
        let e = as_app.batch_execute(sql);
        assert!(e.is_err(), "the servers' role could run: {sql}");
    }
    let n = actions.len() as i64;
    let now: i64 = as_app
        .query_one("SELECT count(*) FROM audit_log", &[])
        .unwrap()
        .get(0);
    assert_eq!(now, n, "nothing was removed");
    as_app
        .execute(
            "INSERT INTO audit_log (actor_id, action) VALUES (NULL, 'test')",
            &[],
        )
        .unwrap();
    // The owner's careless tools are stopped by the trigger.
    assert!(as_owner.batch_execute("TRUNCATE audit_log").is_err());
    assert!(as_owner.batch_execute("DELETE FROM audit_log").is_err());

    // Retention: only the owner purges the audit log, and only what is older than the period.
    let r = run(&[
        "--database",
        &app_url,
        "db",
        "purge",
        "--audit-retention-days",
        "30",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("owner"), "{}", r.stderr);
    let r = run(&[
        "--database",
        &app_url,
        "db",
        "purge",
        "--audit-retention-days",
        "0",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    // Backdate one record as the superuser (who alone can switch the trigger off).
    let mut su_db =
        postgres::Client::connect(&url_as(&admin, admin_role(&admin), &name), postgres::NoTls)
            .unwrap();
    su_db
        .batch_execute(
            "ALTER TABLE audit_log DISABLE TRIGGER USER;
             UPDATE audit_log SET at = now() - interval '40 days' WHERE action = 'test';
             ALTER TABLE audit_log ENABLE TRIGGER USER;
             INSERT INTO sessions (token_hash, user_id, expires_at) SELECT 'old', id, now() - interval '1 day' FROM users LIMIT 1;
             INSERT INTO login_failures (key, at) VALUES ('addr:x', now() - interval '3 days');",
        )
        .unwrap();
    let r = run(&[
        "--json",
        "--database",
        &owner_url,
        "db",
        "purge",
        "--audit-retention-days",
        "30",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc = r.json();
    assert_eq!(doc["audit_records"], 1, "{doc}");
    assert_eq!(doc["sessions"], 1, "{doc}");
    assert!(doc["sign_in_failures"].as_u64().unwrap() >= 1, "{doc}");
    let left: i64 = as_owner
        .query_one("SELECT count(*) FROM audit_log", &[])
        .unwrap()
        .get(0);
    assert_eq!(left, n, "only the old record went");

    drop((as_app, as_owner, su_db));
    for sql in [
        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        format!("DROP ROLE IF EXISTS {owner}"),
        format!("DROP ROLE IF EXISTS {app}"),
    ] {
        su.batch_execute(&sql).unwrap();
    }
}

/// The role of the admin URL (the test server's superuser).
fn admin_role(admin: &str) -> &str {
    let rest = admin.split_once("://").unwrap().1;
    let userinfo = rest.rsplit_once('@').map_or("postgres", |(u, _)| u);
    userinfo.split(':').next().unwrap()
}

#[test]
fn sqlite_migrates_and_purges_without_roles() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let r = run(&["--data-dir", d, "db", "migrate", "--app-role", "x"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--app-role"), "{}", r.stderr);
    let r = run(&["--json", "--data-dir", d, "db", "migrate"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["schema_version"], amble_store::SCHEMA_VERSION);
    let r = run(&[
        "--data-dir",
        d,
        "db",
        "purge",
        "--audit-retention-days",
        "0",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = run_with_stdin(
        &[
            "--data-dir",
            d,
            "user",
            "add",
            "--email",
            "ann@x.org",
            "--role",
            "person",
            "--password-stdin",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&[
        "--json",
        "--data-dir",
        d,
        "db",
        "purge",
        "--audit-retention-days",
        "30",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["audit_records"], 0);
}

#[test]
fn each_request_is_one_log_record_without_query_or_email() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let (server, port) = start_server(&[
        "--data-dir",
        d,
        "--today",
        "2026-03-02",
        "serve",
        "--bind",
        "127.0.0.1:0",
        "--log-format",
        "json",
    ]);
    let (status, _) = http(
        port,
        "GET",
        "/api/v1/journal?today=2026-03-01&note=ann%40x.org",
        &[],
        "",
    );
    assert_eq!(status, 200);
    let (status, _) = http(port, "GET", "/checkup/a-7?x=secret", &[], "");
    assert!(status >= 200, "{status}");
    let log = stop(server);
    let records: Vec<serde_json::Value> = log
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .filter(|v: &serde_json::Value| v["target"] == "amble::request")
        .collect();
    let journal = records
        .iter()
        .find(|r| r["route"] == "/api/v1/journal")
        .unwrap_or_else(|| panic!("no record of the request in:\n{log}"));
    assert_eq!(journal["method"], "GET");
    assert_eq!(journal["status"], 200);
    assert!(journal["duration_ms"].as_f64().is_some(), "{journal}");
    assert_eq!(journal["user_id"], "-", "no accounts: no user");
    assert_eq!(journal["level"], "INFO");
    // The route template, not the path with its id.
    assert!(
        records.iter().any(|r| r["route"] == "/checkup/{id}"),
        "{log}"
    );
    for secret in ["today=", "ann", "%40", "a-7", "secret"] {
        assert!(!log.contains(secret), "{secret} in the log:\n{log}");
    }
    // Text, the default: one line per request with the same fields.
    let (server, port) = start_server(&["--data-dir", d, "serve", "--bind", "127.0.0.1:0"]);
    http(port, "GET", "/api/v1/journal?today=2026-03-01", &[], "");
    let log = stop(server);
    let line = log
        .lines()
        .find(|l| l.contains("amble::request"))
        .unwrap_or_else(|| panic!("{log}"));
    for field in [
        "method=GET",
        "route=/api/v1/journal",
        "status=200",
        "duration_ms=",
        "user_id=-",
    ] {
        assert!(line.contains(field), "{field} not in {line}");
    }
    assert!(!log.contains("today="), "{log}");
    // A level that is not one is bad input, named.
    let r = amble()
        .args(["--data-dir", d, "serve", "--bind", "127.0.0.1:0"])
        .env("AMBLE_LOG", "loud")
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("AMBLE_LOG"));
}
