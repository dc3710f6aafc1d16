//! Accounts through the real binary (contract §12): `amble user add|link|token`, `--as`, and
//! what a journal with accounts refuses, on the SQLite journal of `--data-dir` always and on
//! PostgreSQL with `AMBLE_TEST_DATABASE_URL` (CI sets it; `AMBLE_PG_REQUIRED=1` makes its
//! absence a failure).

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

mod common;

use common::*;

/// A database of its own on the test server: its URL.
fn fresh_database(tag: &str) -> Option<String> {
    let url = std::env::var("AMBLE_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty());
    let Some(url) = url else {
        assert!(
            std::env::var("AMBLE_PG_REQUIRED").map_or(true, |v| v != "1"),
            "AMBLE_PG_REQUIRED=1 but AMBLE_TEST_DATABASE_URL is not set"
        );
        return None;
    };
    let name = format!("amble_cli_{tag}_{}", std::process::id());
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    let (base, _) = url.rsplit_once('/').unwrap();
    Some(format!("{base}/{name}"))
}

fn amble_db(url: &str, args: &[&str], stdin: &str) -> Run {
    let mut all = vec!["--database", url, "--today", "2026-03-02"];
    all.extend_from_slice(args);
    run_with_stdin(&all, stdin)
}

#[test]
fn accounts_tokens_and_journals_per_person_on_postgresql() {
    let Some(url) = fresh_database("accounts") else {
        return;
    };
    let dump = || {
        let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        c.query_one(
            "SELECT string_agg(t, ' ') FROM (SELECT password_hash AS t FROM users UNION ALL SELECT token_hash FROM api_tokens) x",
            &[],
        )
        .unwrap()
        .get::<_, String>(0)
    };
    accounts_flow(&|args, stdin| amble_db(&url, args, stdin), &dump);
}

#[test]
fn accounts_tokens_and_journals_per_person_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap().to_string();
    let file = dir.path().join("journal.db");
    let dump = || {
        let c = rusqlite::Connection::open(&file).unwrap();
        c.query_row(
            "SELECT group_concat(t, ' ') FROM (SELECT password_hash AS t FROM users UNION ALL SELECT token_hash FROM api_tokens)",
            [],
            |r| r.get::<_, String>(0),
        )
        .unwrap()
    };
    accounts_flow(
        &|args, stdin| {
            let mut all = vec!["--data-dir", data.as_str(), "--today", "2026-03-02"];
            all.extend_from_slice(args);
            run_with_stdin(&all, stdin)
        },
        &dump,
    );
}

/// The same commands and answers on either engine: `amble` runs the binary on the storage;
/// `stored` is every password and token hash kept, as one text.
fn accounts_flow(amble: &dyn Fn(&[&str], &str) -> Run, stored: &dyn Fn() -> String) {
    // Before any account: the single journal.
    let r = amble(&["log", "morning", "--pain", "2"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    // --as needs an account.
    let r = amble(&["--as", "ann@clinic.example", "journal"], "");
    assert_eq!(r.code, 2, "{}", r.stderr);
    // Accounts: the password only from stdin, at least 10 characters.
    let short = amble(
        &[
            "user",
            "add",
            "--email",
            "ann@clinic.example",
            "--role",
            "person",
            "--password-stdin",
        ],
        "short\n",
    );
    assert_eq!(short.code, 2, "{}", short.stderr);
    assert!(short.stderr.contains("at least 10 characters"));
    for (email, role) in [
        ("Ann@Clinic.example", "person"),
        ("bob@clinic.example", "person"),
        ("cat@clinic.example", "coach"),
    ] {
        let r = amble(
            &[
                "user",
                "add",
                "--email",
                email,
                "--role",
                role,
                "--password-stdin",
            ],
            "a long enough secret\n",
        );
        assert_eq!(r.code, 0, "{email}: {}", r.stderr);
    }
    let dup = amble(
        &[
            "user",
            "add",
            "--email",
            "ann@clinic.example",
            "--role",
            "coach",
            "--password-stdin",
        ],
        "a long enough secret\n",
    );
    assert_eq!(dup.code, 2, "{}", dup.stderr);
    // The first person added adopted the journal kept before there were accounts.
    let first = amble(&["--as", "ann@clinic.example", "journal", "--json"], "").json();
    let entries = first["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{first}");
    assert_eq!(entries[0]["id"], "m-1");
    // Now the database has accounts: a journal command must say whose journal.
    let who = amble(&["journal", "--json"], "");
    assert_eq!(who.code, 2);
    assert!(who.stderr.contains("--as EMAIL"), "{}", who.stderr);
    // Each person has a journal of their own.
    let ann = amble(
        &[
            "--as",
            "ann@clinic.example",
            "log",
            "morning",
            "--date",
            "2026-03-01",
            "--pain",
            "4",
            "--json",
        ],
        "",
    );
    assert_eq!(ann.code, 0, "{}", ann.stderr);
    assert_eq!(
        ann.json()["id"],
        "m-2",
        "ann goes on in her adopted journal"
    );
    let bob = amble(&["--as", "bob@clinic.example", "journal", "--json"], "").json();
    assert!(
        bob["entries"].as_array().unwrap().is_empty(),
        "bob sees nothing of ann's"
    );
    let bob_first = amble(
        &[
            "--as",
            "bob@clinic.example",
            "log",
            "morning",
            "--pain",
            "1",
            "--json",
        ],
        "",
    );
    assert_eq!(bob_first.json()["id"], "m-1", "ids are per journal");
    let coach = amble(&["--as", "cat@clinic.example", "journal"], "");
    assert_eq!(coach.code, 2);
    assert!(coach.stderr.contains("no journal of their own"));
    let nobody = amble(&["--as", "eve@clinic.example", "journal"], "");
    assert_eq!(nobody.code, 2);
    // Links and tokens.
    let link = amble(
        &[
            "user",
            "link",
            "--coach",
            "cat@clinic.example",
            "--person",
            "ann@clinic.example",
        ],
        "",
    );
    assert_eq!(link.code, 0, "{}", link.stderr);
    let wrong = amble(
        &[
            "user",
            "link",
            "--coach",
            "ann@clinic.example",
            "--person",
            "bob@clinic.example",
        ],
        "",
    );
    assert_eq!(wrong.code, 2, "a person cannot be a coach");
    let token = amble(&["user", "token", "--email", "ann@clinic.example"], "");
    assert_eq!(token.code, 0, "{}", token.stderr);
    let secret = token.stdout.lines().last().unwrap().trim().to_string();
    assert_eq!(secret.len(), 64);
    // Only hashes are stored: neither the token nor the password appears in the storage.
    let dump = stored();
    assert!(!dump.contains(&secret) && !dump.contains("a long enough secret"));
    assert!(dump.contains("$argon2id$"));
}

/// A household: one person's account; the CLI goes on without --as on that person's journal,
/// and the first `user add` says that the journal kept so far is now theirs.
#[test]
fn one_person_on_sqlite_needs_no_as() {
    let j = Journal::new();
    j.ok("2026-03-01", &["log", "morning", "--pain", "3"]);
    let dir = j.path().to_str().unwrap().to_string();
    let add = run_with_stdin(
        &[
            "--data-dir",
            &dir,
            "user",
            "add",
            "--email",
            "me@home.example",
            "--role",
            "person",
            "--password-stdin",
        ],
        "a long enough secret\n",
    );
    assert_eq!(add.code, 0, "{}", add.stderr);
    assert!(
        add.stdout
            .contains("adopts the journal kept so far (1 entry)"),
        "{}",
        add.stdout
    );
    let r = j.ok("2026-03-02", &["log", "morning", "--pain", "2", "--json"]);
    assert_eq!(r.json()["id"], "m-2", "{}", r.stdout);
    let doc = j.ok("2026-03-02", &["journal", "--json"]).json();
    assert_eq!(doc["entries"].as_array().unwrap().len(), 2);
}
