//! The account lifecycle through the real binary (contract §12): `amble user passwd | unlink |
//! disable | enable | revoke-tokens`, on the SQLite journal of `--data-dir` always and on
//! PostgreSQL with `AMBLE_TEST_DATABASE_URL`. What each command ends is read back through the
//! same account checks a server makes on every request.

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
fn lifecycle_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap().to_string();
    let open = || -> Accounts {
        amble_store::SqliteAccounts::open(dir.path())
            .unwrap()
            .into()
    };
    lifecycle(
        &|args, stdin| {
            let mut all = vec!["--data-dir", data.as_str()];
            all.extend_from_slice(args);
            run_with_stdin(&all, stdin)
        },
        &open,
    );
}

#[test]
fn lifecycle_on_postgresql() {
    let Some(url) = fresh_database("lifecycle") else {
        return;
    };
    let open = || -> Accounts { amble_store::PgDatabase::connect(&url).unwrap().into() };
    lifecycle(
        &|args, stdin| {
            let mut all = vec!["--database", url.as_str()];
            all.extend_from_slice(args);
            run_with_stdin(&all, stdin)
        },
        &open,
    );
}

fn lifecycle(amble: &dyn Fn(&[&str], &str) -> Run, open: &dyn Fn() -> Accounts) {
    let ok = |args: &[&str], stdin: &str| -> Run {
        let r = amble(args, stdin);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        r
    };
    for (email, role) in [
        ("ann@clinic.example", "person"),
        ("cat@clinic.example", "coach"),
    ] {
        ok(
            &[
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
    }
    ok(
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
    let token = |email: &str| -> String {
        let r = ok(&["user", "token", "--email", email], "");
        r.stdout.lines().last().unwrap().trim().to_string()
    };
    let acc = open();
    let ann = acc.user("ann@clinic.example").unwrap().unwrap();
    let cat = acc.user("cat@clinic.example").unwrap().unwrap();
    let live = |t: &str| acc.user_by_token(t).unwrap().is_some();
    let signed = |s: &str| acc.user_by_session(s).unwrap().is_some();

    // passwd: the new password works, the old does not; sessions and tokens end.
    let t1 = token("ann@clinic.example");
    let s1 = acc.create_session(ann.id).unwrap();
    assert!(live(&t1) && signed(&s1));
    let short = amble(
        &[
            "user",
            "passwd",
            "--email",
            "ann@clinic.example",
            "--password-stdin",
        ],
        "short\n",
    );
    assert_eq!(short.code, 2, "{}", short.stderr);
    assert!(
        short.stderr.contains("at least 10 characters"),
        "{}",
        short.stderr
    );
    assert!(live(&t1), "a refused password changes nothing");
    let r = ok(
        &[
            "user",
            "passwd",
            "--email",
            "ann@clinic.example",
            "--password-stdin",
        ],
        "another long secret\n",
    );
    assert!(
        r.stdout.contains("sessions and API tokens have ended"),
        "{}",
        r.stdout
    );
    assert!(!live(&t1) && !signed(&s1));
    assert!(
        acc.check_password("ann@clinic.example", PASSWORD)
            .unwrap()
            .is_none()
    );
    assert!(
        acc.check_password("ann@clinic.example", "another long secret")
            .unwrap()
            .is_some()
    );
    let nobody = amble(
        &[
            "user",
            "passwd",
            "--email",
            "eve@clinic.example",
            "--password-stdin",
        ],
        "another long secret\n",
    );
    assert_eq!(nobody.code, 2);
    assert!(
        nobody.stderr.contains("--email eve@clinic.example"),
        "{}",
        nobody.stderr
    );

    // disable / enable: sign-in refused, sessions and tokens ended, data kept.
    let t2 = token("ann@clinic.example");
    let s2 = acc.create_session(ann.id).unwrap();
    let r = ok(&["user", "disable", "--email", "ann@clinic.example"], "");
    assert!(r.stdout.contains("is disabled"), "{}", r.stdout);
    assert!(!live(&t2) && !signed(&s2));
    assert!(
        acc.check_password("ann@clinic.example", "another long secret")
            .unwrap()
            .is_none()
    );
    assert!(
        acc.user("ann@clinic.example").unwrap().is_some(),
        "data kept"
    );
    let again = ok(&["user", "disable", "--email", "ann@clinic.example"], "");
    assert!(again.stdout.contains("already"), "{}", again.stdout);
    ok(&["user", "enable", "--email", "ann@clinic.example"], "");
    assert!(
        acc.check_password("ann@clinic.example", "another long secret")
            .unwrap()
            .is_some()
    );
    assert!(!live(&t2), "enabling brings no token back");

    // revoke-tokens: every token, not the sessions.
    let t3 = token("ann@clinic.example");
    let t4 = token("ann@clinic.example");
    let s3 = acc.create_session(ann.id).unwrap();
    let r = ok(
        &["user", "revoke-tokens", "--email", "ann@clinic.example"],
        "",
    );
    assert!(r.stdout.contains("Revoked 2 API tokens"), "{}", r.stdout);
    assert!(!live(&t3) && !live(&t4) && signed(&s3));

    // unlink: the coach loses access; a second time changes nothing.
    assert!(acc.is_linked(cat.id, ann.id).unwrap());
    let args = [
        "user",
        "unlink",
        "--coach",
        "cat@clinic.example",
        "--person",
        "ann@clinic.example",
    ];
    let r = ok(&args, "");
    assert!(r.stdout.contains("can no longer read"), "{}", r.stdout);
    assert!(!acc.is_linked(cat.id, ann.id).unwrap());
    let r = ok(&args, "");
    assert!(r.stdout.contains("nothing changed"), "{}", r.stdout);
}
