//! Invites from the command line (contract §12): `amble user invite [--email E]` makes a link
//! (bound to that email when given), `amble user invites` lists them, `amble user revoke-invite`
//! ends one; on the SQLite journal of `--data-dir` always and on PostgreSQL with
//! `AMBLE_TEST_DATABASE_URL`. What each command did is read back through the same checks a
//! server makes. `amble serve` refuses a bad `--public-url` or `--trusted-proxy` by name.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

mod common;

use amble_store::Accounts;
use common::*;

const PASSWORD: &str = "a long enough secret";

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

#[test]
fn invites_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap().to_string();
    let open = || -> Accounts {
        amble_store::SqliteAccounts::open(dir.path())
            .unwrap()
            .into()
    };
    invites(
        &|args, stdin| {
            let mut all = vec!["--data-dir", data.as_str()];
            all.extend_from_slice(args);
            run_with_stdin(&all, stdin)
        },
        &open,
    );
}

#[test]
fn invites_on_postgresql() {
    let Some(url) = fresh_database("invites") else {
        return;
    };
    let open = || -> Accounts { amble_store::PgDatabase::connect(&url).unwrap().into() };
    invites(
        &|args, stdin| {
            let mut all = vec!["--database", url.as_str()];
            all.extend_from_slice(args);
            run_with_stdin(&all, stdin)
        },
        &open,
    );
}

fn invites(amble: &dyn Fn(&[&str], &str) -> Run, open: &dyn Fn() -> Accounts) {
    let ok = |args: &[&str]| -> Run {
        let r = amble(args, &format!("{PASSWORD}\n"));
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        r
    };
    for (email, role) in [
        ("ann@clinic.example", "person"),
        ("bob@clinic.example", "person"),
        ("cat@clinic.example", "coach"),
    ] {
        ok(&[
            "user",
            "add",
            "--email",
            email,
            "--role",
            role,
            "--password-stdin",
        ]);
    }
    let r = ok(&["user", "invites"]);
    assert_eq!(r.stdout.trim(), "No invites.");
    // Bound to bob, with the server's public address: the whole link, alone on the last line.
    let r = ok(&[
        "user",
        "invite",
        "--coach",
        "cat@clinic.example",
        "--email",
        "Bob@Clinic.example",
        "--public-url",
        "https://amble.clinic.example/",
    ]);
    let link = r.stdout.lines().last().unwrap().trim().to_string();
    let secret = link
        .strip_prefix("https://amble.clinic.example/join/")
        .unwrap_or_else(|| panic!("{link}"))
        .to_string();
    assert_eq!(secret.len(), 64);
    assert!(r.stderr.contains("only bob@clinic.example"), "{}", r.stderr);
    // Without an address: the path.
    let r = ok(&["user", "invite", "--coach", "cat@clinic.example"]);
    let path = r.stdout.lines().last().unwrap().trim().to_string();
    let open_secret = path.strip_prefix("/join/").unwrap().to_string();

    let acc = open();
    let ann = acc.user("ann@clinic.example").unwrap().unwrap();
    let bob = acc.user("bob@clinic.example").unwrap().unwrap();
    assert_eq!(acc.invite_for(&secret, &ann).unwrap(), None, "bound to bob");
    assert!(acc.invite_for(&secret, &bob).unwrap().is_some());

    let r = ok(&["user", "invites"]);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", r.stdout);
    assert!(r.stdout.contains("for bob@clinic.example") && r.stdout.contains("for anyone"));
    assert!(!r.stdout.contains(&secret), "never the secret");
    let id = &amble_store::accounts::secret_hash(&open_secret)[..16];
    let line = lines.iter().find(|l| l.starts_with(id)).unwrap();
    assert!(
        line.contains("open") && line.contains("from cat@clinic.example"),
        "{line}"
    );

    // Revoked: nobody can accept it; revoking again is bad input naming the flag.
    let r = ok(&["user", "revoke-invite", "--id", id]);
    assert!(r.stdout.contains("revoked"), "{}", r.stdout);
    assert!(!acc.accept_invite(&open_secret, &ann).unwrap());
    let again = amble(&["user", "revoke-invite", "--id", id], "");
    assert_eq!(again.code, 2, "{}", again.stderr);
    assert!(again.stderr.contains("--id"), "{}", again.stderr);
    let bad = amble(&["user", "revoke-invite", "--id", "xyz"], "");
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    let r = ok(&["user", "invites"]);
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with(id) && l.contains("revoked"))
    );

    // Bad input: unknown coach, a person as coach, a bad email or address; nothing is made.
    for args in [
        vec!["user", "invite", "--coach", "nobody@clinic.example"],
        vec!["user", "invite", "--coach", "ann@clinic.example"],
        vec![
            "user",
            "invite",
            "--coach",
            "cat@clinic.example",
            "--email",
            "not an email",
        ],
        vec![
            "user",
            "invite",
            "--coach",
            "cat@clinic.example",
            "--public-url",
            "amble.clinic.example",
        ],
    ] {
        let r = amble(&args, "");
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
    }
    assert_eq!(acc.invites().unwrap().len(), 2);
    // The bound invite still works for bob.
    assert!(acc.accept_invite(&secret, &bob).unwrap());
}

#[test]
fn serve_refuses_a_bad_public_url_or_trusted_proxy_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    for (flag, value) in [
        ("--public-url", "amble.clinic.example"),
        ("--public-url", "https://amble.clinic.example/app"),
        ("--trusted-proxy", "nginx"),
        ("--trusted-proxy", "10.0.0.0/40"),
    ] {
        let r = run(&[
            "--data-dir",
            data,
            "serve",
            "--bind",
            "127.0.0.1:0",
            flag,
            value,
        ]);
        assert_eq!(r.code, 2, "{flag} {value}: {}", r.stderr);
        assert!(r.stderr.contains(flag), "{}", r.stderr);
    }
}
