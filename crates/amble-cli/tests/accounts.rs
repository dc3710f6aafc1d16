//! Accounts on PostgreSQL through the real binary (contract §12): `amble user add|link|token`,
//! `--as`, and what a database with accounts refuses. Needs `AMBLE_TEST_DATABASE_URL` (CI sets
//! it; `AMBLE_PG_REQUIRED=1` makes its absence a failure).

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
fn accounts_tokens_and_journals_per_person() {
    let Some(url) = fresh_database("accounts") else {
        return;
    };
    // Before any account: the single journal, as with SQLite.
    let r = amble_db(&url, &["log", "morning", "--pain", "2"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Accounts: the password only from stdin, at least 10 characters.
    let short = amble_db(
        &url,
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
        let r = amble_db(
            &url,
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
    let dup = amble_db(
        &url,
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
    // Now the database has accounts: a journal command must say whose journal.
    let who = amble_db(&url, &["journal", "--json"], "");
    assert_eq!(who.code, 2);
    assert!(who.stderr.contains("--as EMAIL"), "{}", who.stderr);
    // Each person has a journal of their own.
    let ann = amble_db(
        &url,
        &[
            "--as",
            "ann@clinic.example",
            "log",
            "morning",
            "--pain",
            "4",
            "--json",
        ],
        "",
    );
    assert_eq!(ann.code, 0, "{}", ann.stderr);
    assert_eq!(ann.json()["id"], "m-1", "ids are per journal");
    let bob = amble_db(
        &url,
        &["--as", "bob@clinic.example", "journal", "--json"],
        "",
    )
    .json();
    assert!(
        bob["entries"].as_array().unwrap().is_empty(),
        "bob sees nothing of ann's"
    );
    let coach = amble_db(&url, &["--as", "cat@clinic.example", "journal"], "");
    assert_eq!(coach.code, 2);
    assert!(coach.stderr.contains("no journal of their own"));
    let nobody = amble_db(&url, &["--as", "eve@clinic.example", "journal"], "");
    assert_eq!(nobody.code, 2);
    // Links and tokens.
    let link = amble_db(
        &url,
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
    let wrong = amble_db(
        &url,
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
    let token = amble_db(
        &url,
        &["user", "token", "--email", "ann@clinic.example"],
        "",
    );
    assert_eq!(token.code, 0, "{}", token.stderr);
    let secret = token.stdout.lines().last().unwrap().trim().to_string();
    assert_eq!(secret.len(), 64);
    // Only hashes are stored: neither the token nor the password appears in the database.
    let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let dump: String = c
        .query_one(
            "SELECT string_agg(t, ' ') FROM (SELECT password_hash AS t FROM users UNION ALL SELECT token_hash FROM api_tokens) x",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(!dump.contains(&secret) && !dump.contains("a long enough secret"));
    assert!(dump.contains("$argon2id$"));
    // Accounts need PostgreSQL.
    let j = Journal::new();
    let sqlite = j.run(
        "2026-03-02",
        &[
            "user",
            "add",
            "--email",
            "x@y.z",
            "--role",
            "person",
            "--password-stdin",
        ],
    );
    assert_eq!(sqlite.code, 2);
    assert!(sqlite.stderr.contains("PostgreSQL"));
}
