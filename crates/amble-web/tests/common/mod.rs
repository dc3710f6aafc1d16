//! What the account tests over HTTP share (`accounts.rs`, `admin.rs`, `lifecycle.rs`): accounts
//! on both engines (the SQLite journal always, a PostgreSQL database of its own with
//! `AMBLE_TEST_DATABASE_URL`), with ann and bob (people), cat (coach of ann) and adm (admin);
//! a server on them; one request through the real router; signing in through the API.

#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)] // each test file uses a part

use amble_core::access::Role;
use amble_core::knowledge::KnowledgeBase;
use amble_store::{Accounts, DEFAULT_JOURNAL, Database, PgDatabase, SqliteAccounts};
use amble_web::{AppState, router};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

pub const PASSWORD: &str = "a long enough secret";

pub fn blocking<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| s.spawn(f).join().unwrap())
}

/// Runs raw SQL on the storage: the first column of each row as text, `Err` when refused.
pub type RawSql = Box<dyn Fn(&str) -> Result<Vec<String>, String> + Send + Sync>;

/// Accounts on one engine with ann and bob (people), cat (coach of ann) and adm (admin): the
/// SQLite journal in a folder of its own, or a PostgreSQL database of its own.
pub struct Setup {
    pub engine: &'static str,
    pub accounts: Accounts,
    pub db: Database,
    /// Runs raw SQL on the same storage: `Err` when the database refuses it.
    pub raw: RawSql,
    pub _dir: Option<tempfile::TempDir>,
}

impl Setup {
    /// The first column of each row of a query, as text.
    pub fn strings(&self, sql: &str) -> Vec<String> {
        blocking(|| (self.raw)(sql)).unwrap()
    }

    pub fn refused(&self, sql: &str) -> bool {
        blocking(|| (self.raw)(sql)).is_err()
    }
}

pub fn people(accounts: &Accounts) {
    for (email, role) in [
        ("ann@x.org", Role::Person),
        ("bob@x.org", Role::Person),
        ("cat@x.org", Role::Coach),
        ("adm@x.org", Role::Admin),
    ] {
        accounts.add_user(email, role, PASSWORD).unwrap();
    }
    accounts.link("cat@x.org", "ann@x.org").unwrap();
}

pub fn sqlite_setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let accounts: Accounts = SqliteAccounts::open(dir.path()).unwrap().into();
    people(&accounts);
    let file = amble_store::SqliteStore::file_in(dir.path());
    Setup {
        engine: "sqlite",
        accounts,
        db: Database::sqlite(dir.path()),
        raw: Box::new(move |sql| {
            let c = rusqlite::Connection::open(&file).map_err(|e| e.to_string())?;
            let mut stmt = c.prepare(sql).map_err(|e| e.to_string())?;
            let rows = stmt
                .query_map([], |r| {
                    Ok(r.get::<_, Option<String>>(0)
                        .ok()
                        .flatten()
                        .unwrap_or_default())
                })
                .map_err(|e| e.to_string())?;
            rows.collect::<Result<Vec<_>, _>>()
                .map_err(|e| e.to_string())
        }),
        _dir: Some(dir),
    }
}

pub fn postgres_setup(url: &str, tag: &str) -> Setup {
    blocking(|| {
        let name = format!("amble_web_{tag}_{}", std::process::id());
        let mut admin = postgres::Client::connect(url, postgres::NoTls).unwrap();
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .unwrap();
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        let (base, _) = url.rsplit_once('/').unwrap();
        let db_url = format!("{base}/{name}");
        let pg = PgDatabase::connect(&db_url).unwrap();
        let accounts: Accounts = pg.clone().into();
        people(&accounts);
        Setup {
            engine: "postgres",
            accounts,
            db: Database::Postgres(pg, DEFAULT_JOURNAL),
            raw: Box::new(move |sql| {
                let mut c = postgres::Client::connect(&db_url, postgres::NoTls)
                    .map_err(|e| e.to_string())?;
                let rows = c.query(sql, &[]).map_err(|e| e.to_string())?;
                Ok(rows
                    .iter()
                    .map(|r| r.try_get::<_, String>(0).unwrap_or_default())
                    .collect())
            }),
            _dir: None,
        }
    })
}

/// The engines to run on: SQLite always, PostgreSQL with `AMBLE_TEST_DATABASE_URL`.
pub fn setups(tag: &str) -> Vec<Setup> {
    let url = std::env::var("AMBLE_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty());
    if url.is_none() {
        assert!(
            std::env::var("AMBLE_PG_REQUIRED").map_or(true, |v| v != "1"),
            "AMBLE_PG_REQUIRED=1 but AMBLE_TEST_DATABASE_URL is not set"
        );
    }
    let mut out = vec![blocking(sqlite_setup)];
    if let Some(url) = url {
        out.push(postgres_setup(&url, tag));
    }
    out
}

/// The app's state on a setup's storage and accounts, on 2026-03-02.
pub fn state(t: &Setup) -> AppState {
    let kb = KnowledgeBase::embedded().unwrap();
    AppState::with_database(t.db.clone(), kb, Some(jiff::civil::date(2026, 3, 2)))
        .with_accounts(t.accounts.clone())
}

/// A server on a setup (dates up to 2030 accepted, as a long journal needs).
pub fn server(t: &Setup) -> Router {
    router(state(t).with_latest_date(jiff::civil::date(2030, 12, 31)))
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

pub async fn send(
    app: &Router,
    method: &str,
    uri: &str,
    cookie: Option<&str>,
    body: Option<(&str, String)>,
) -> Resp {
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::HOST, "amble.clinic.example")
        .header(header::ORIGIN, "http://amble.clinic.example");
    if let Some(c) = cookie {
        req = if c.starts_with("Bearer ") {
            req.header(header::AUTHORIZATION, c)
        } else {
            req.header(header::COOKIE, c)
        };
    }
    let body = match body {
        Some((ct, b)) => {
            req = req.header(header::CONTENT_TYPE, ct);
            Body::from(b)
        }
        None => Body::empty(),
    };
    let resp = app.clone().oneshot(req.body(body).unwrap()).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    Resp {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// Signs in through the API: the session cookie.
pub async fn sign_in(app: &Router, email: &str) -> String {
    let r = send(
        app,
        "POST",
        "/api/v1/session",
        None,
        Some((
            "application/json",
            format!(r#"{{"email":"{email}","password":"{PASSWORD}"}}"#),
        )),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{email}: {}", r.body);
    let set = r.headers[header::SET_COOKIE].to_str().unwrap().to_string();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    set.split(';').next().unwrap().to_string()
}
