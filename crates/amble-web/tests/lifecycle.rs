//! The account lifecycle over HTTP (contract §12, "Account lifecycle"), on both engines: a new
//! password, a disabled account, revoked tokens and an ended link take effect at once on every
//! server, also for pages a server has cached; `DELETE /api/v1/session` with a bearer token
//! revokes that token. SQLite always; PostgreSQL with `AMBLE_TEST_DATABASE_URL`.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

mod common;

use amble_core::access::Role;
use axum::Router;
use axum::http::{StatusCode, header};
use common::*;

async fn get(app: &Router, uri: &str, who: &str) -> Resp {
    send(app, "GET", uri, Some(who), None).await
}

/// Whether a request was refused for want of a sign-in: 401 on the API, to `/login` on pages.
fn signed_out(r: &Resp) -> bool {
    r.status == StatusCode::UNAUTHORIZED
        || (r.status.is_redirection()
            && r.headers[header::LOCATION]
                .to_str()
                .unwrap()
                .starts_with("/login"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifecycle_takes_effect_at_once_on_every_server() {
    for t in setups("life") {
        eprintln!("engine: {}", t.engine);
        lifecycle_on(&t).await;
    }
}

async fn lifecycle_on(t: &Setup) {
    let acc = &t.accounts;
    // Two servers on the same storage, as behind a load balancer.
    let one = server(t);
    let two = server(t);
    let ann = blocking(|| acc.user("ann@x.org").unwrap().unwrap());
    let cat = blocking(|| acc.user("cat@x.org").unwrap().unwrap());
    let session = sign_in(&one, "ann@x.org").await;
    let token = format!("Bearer {}", blocking(|| acc.add_token(ann.id).unwrap()));
    // Both work on the other server, and its page cache holds ann's home page.
    for _ in 0..2 {
        let home = get(&two, "/", &session).await;
        assert_eq!(home.status, StatusCode::OK, "{}", home.body);
    }
    assert!(!signed_out(&get(&two, "/api/v1/journal", &token).await));

    // A new password ends every session and token, at once, on both servers.
    blocking(|| acc.set_password(ann.id, "another long secret").unwrap());
    for app in [&one, &two] {
        assert!(signed_out(&get(app, "/", &session).await), "{}", t.engine);
        assert!(signed_out(&get(app, "/api/v1/journal", &token).await));
    }
    let old = send(
        &one,
        "POST",
        "/api/v1/session",
        None,
        Some((
            "application/json",
            format!(r#"{{"email":"ann@x.org","password":"{PASSWORD}"}}"#),
        )),
    )
    .await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED, "the old password");
    blocking(|| acc.set_password(ann.id, PASSWORD).unwrap());

    // Disabled: sign-in refused (also with the right password), sessions and tokens ended.
    let session = sign_in(&one, "ann@x.org").await;
    let token = format!("Bearer {}", blocking(|| acc.add_token(ann.id).unwrap()));
    assert_eq!(get(&two, "/", &session).await.status, StatusCode::OK);
    assert!(blocking(|| acc.set_disabled(ann.id, true).unwrap()));
    assert!(
        !blocking(|| acc.set_disabled(ann.id, true).unwrap()),
        "already"
    );
    assert!(signed_out(&get(&two, "/", &session).await));
    assert!(signed_out(&get(&one, "/api/v1/journal", &token).await));
    let refused = send(
        &two,
        "POST",
        "/api/v1/session",
        None,
        Some((
            "application/json",
            format!(r#"{{"email":"ann@x.org","password":"{PASSWORD}"}}"#),
        )),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{}", refused.body);
    // A token made while disabled does not work either.
    let made = format!("Bearer {}", blocking(|| acc.add_token(ann.id).unwrap()));
    assert!(signed_out(&get(&one, "/api/v1/journal", &made).await));
    // Enabled again: the same password works; the data was kept.
    assert!(blocking(|| acc.set_disabled(ann.id, false).unwrap()));
    let session = sign_in(&two, "ann@x.org").await;
    assert_eq!(get(&one, "/", &session).await.status, StatusCode::OK);
    assert!(blocking(|| acc.user("ann@x.org").unwrap()).is_some());

    // Revoked tokens: every token of the account, not its sessions.
    let token = format!("Bearer {}", blocking(|| acc.add_token(ann.id).unwrap()));
    assert!(!signed_out(&get(&one, "/api/v1/journal", &token).await));
    // Two live: this one and the one an admin made while the account was disabled.
    assert_eq!(blocking(|| acc.revoke_tokens(ann.id).unwrap()), 2);
    assert!(signed_out(&get(&one, "/api/v1/journal", &made).await));
    assert!(signed_out(&get(&two, "/api/v1/journal", &token).await));
    assert_eq!(get(&two, "/", &session).await.status, StatusCode::OK);

    // Bearer sign-out revokes that token only.
    let a = format!("Bearer {}", blocking(|| acc.add_token(ann.id).unwrap()));
    let b = format!("Bearer {}", blocking(|| acc.add_token(ann.id).unwrap()));
    let out = send(&one, "DELETE", "/api/v1/session", Some(&a), None).await;
    assert_eq!(out.status, StatusCode::OK, "{}", out.body);
    assert!(signed_out(&get(&two, "/api/v1/journal", &a).await));
    assert!(!signed_out(&get(&two, "/api/v1/journal", &b).await));

    // Unlinked: the coach can no longer read ann's journal, on either server.
    let coach = sign_in(&one, "cat@x.org").await;
    let uri = "/api/v1/journal?person=ann@x.org";
    assert_eq!(get(&two, uri, &coach).await.status, StatusCode::OK);
    assert!(blocking(|| acc.unlink(cat.id, ann.id).unwrap()));
    assert!(
        !blocking(|| acc.unlink(cat.id, ann.id).unwrap()),
        "no link left"
    );
    for app in [&one, &two] {
        assert_eq!(get(app, uri, &coach).await.status, StatusCode::FORBIDDEN);
        let list = get(app, "/api/v1/people", &coach).await;
        assert!(!list.body.contains("ann@x.org"), "{}", list.body);
    }
}

/// Edges (contract §12): `next` after sign-in is a path on this site only, and a write to the
/// API must say it is JSON.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn next_stays_on_this_site_and_api_bodies_are_json() {
    let t = blocking(sqlite_setup);
    let app = server(&t);
    for (next, to) in [
        ("%2Fplan", "/plan"),
        ("%2F%09%2Fevil.example", "/"),
        ("%2F%0A%2Fevil.example", "/"),
        ("%2F%5Cevil.example", "/"),
        ("%2F%2Fevil.example", "/"),
        ("https%3A%2F%2Fevil.example", "/"),
    ] {
        let r = send(
            &app,
            "POST",
            "/login",
            None,
            Some((
                "application/x-www-form-urlencoded",
                format!("email=ann%40x.org&password=a+long+enough+secret&next={next}"),
            )),
        )
        .await;
        assert!(r.status.is_redirection(), "{next}: {}", r.status);
        assert_eq!(r.headers[header::LOCATION], to, "{next}");
    }
    let login = send(&app, "GET", "/login?next=%2F%09%2Fevil.example", None, None).await;
    assert!(!login.body.contains("evil.example"), "{}", login.body);

    let body = format!(r#"{{"email":"ann@x.org","password":"{PASSWORD}"}}"#);
    for ct in ["text/plain", "application/x-www-form-urlencoded"] {
        let r = send(
            &app,
            "POST",
            "/api/v1/session",
            None,
            Some((ct, body.clone())),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{ct}");
        assert!(
            r.headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("application/json")
        );
    }
    let ann = sign_in(&app, "ann@x.org").await;
    let walk =
        r#"{"date":"2026-03-02","minutes":20,"pain_before":1,"pain_peak":2,"leg_spread":"none"}"#;
    let plain = send(
        &app,
        "POST",
        "/api/v1/walks",
        Some(&ann),
        Some(("text/plain", walk.into())),
    )
    .await;
    assert_eq!(
        plain.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "{}",
        plain.body
    );
    let json = send(
        &app,
        "POST",
        "/api/v1/walks",
        Some(&ann),
        Some(("application/json; charset=utf-8", walk.into())),
    )
    .await;
    assert!(json.status.is_success(), "{}: {}", json.status, json.body);
}

/// Text with a NUL character is bad input (422), on forms and the API, on both engines
/// (PostgreSQL cannot store it: it used to be a 500 naming the database).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nul_in_text_is_a_422() {
    for t in setups("nul") {
        let app = server(&t);
        let ann = sign_in(&app, "ann@x.org").await;
        let walk = r#"{"date":"2026-03-02","minutes":20,"pain_before":1,"pain_peak":2,"leg_spread":"none","notes":"a\u0000b"}"#;
        let r = send(
            &app,
            "POST",
            "/api/v1/walks",
            Some(&ann),
            Some(("application/json", walk.into())),
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}: {}",
            t.engine,
            r.body
        );
        assert!(r.body.contains("NUL"), "{}", r.body);
        let form =
            "date=2026-03-02&minutes=20&pain_before=1&pain_peak=2&leg_spread=none&notes=a%00b";
        let r = send(
            &app,
            "POST",
            "/log/walk",
            Some(&ann),
            Some(("application/x-www-form-urlencoded", form.into())),
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}: {}",
            t.engine,
            r.body
        );
        for leak in ["postgres", "127.0.0.1", "journal.db", "SELECT", "INSERT"] {
            assert!(!r.body.contains(leak), "{leak}: {}", r.body);
        }
        // Nothing was written.
        let j = send(&app, "GET", "/api/v1/journal", Some(&ann), None).await;
        assert!(!j.body.contains("\"walk\""), "{}", j.body);
    }
}

/// A 500 names no file path, server address or query: the storage breaks under the server
/// (its entries table is gone) and the answers say only that they could not be given.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_500_names_no_path_or_query() {
    let t = blocking(sqlite_setup);
    let dir = t._dir.as_ref().unwrap().path().to_path_buf();
    let app = server(&t);
    let ann = sign_in(&app, "ann@x.org").await;
    let file = amble_store::SqliteStore::file_in(&dir);
    blocking(|| {
        let c = rusqlite::Connection::open(&file).unwrap();
        c.execute_batch("ALTER TABLE entries RENAME TO entries_gone")
            .unwrap();
    });
    let dir_text = dir.to_str().unwrap().to_string();
    for uri in ["/api/v1/journal", "/api/v1/plan", "/"] {
        let r = get(&app, uri, &ann).await;
        assert_eq!(
            r.status,
            StatusCode::INTERNAL_SERVER_ERROR,
            "{uri}: {}",
            r.body
        );
        for leak in [
            dir_text.as_str(),
            "journal.db",
            "entries",
            "SELECT",
            "no such table",
        ] {
            assert!(!r.body.contains(leak), "{uri} names {leak:?}: {}", r.body);
        }
        assert!(r.body.contains("could not answer"), "{uri}: {}", r.body);
        if uri.starts_with("/api/") {
            assert!(
                r.headers[header::CONTENT_TYPE]
                    .to_str()
                    .unwrap()
                    .starts_with("application/json")
            );
        }
    }
}

/// A coach signing in without a `next` lands on `/people`, an admin on `/admin` (they have no
/// journal of their own, so `/` would refuse them); a person lands on `/`; a `next` given is
/// kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coach_lands_on_people() {
    let t = blocking(sqlite_setup);
    let app = server(&t);
    for (email, next, to) in [
        ("cat%40x.org", "", "/people"),
        ("adm%40x.org", "", "/admin"),
        ("ann%40x.org", "", "/"),
        ("cat%40x.org", "&next=%2Fpeople%2Finvite", "/people/invite"),
    ] {
        let r = send(
            &app,
            "POST",
            "/login",
            None,
            Some((
                "application/x-www-form-urlencoded",
                format!("email={email}&password=a+long+enough+secret{next}"),
            )),
        )
        .await;
        assert!(r.status.is_redirection(), "{email}: {}", r.status);
        assert_eq!(r.headers[header::LOCATION], to, "{email}{next}");
    }
}

/// `/people` links carry the email URL-encoded: `ann+clinic@…` would otherwise arrive as
/// `ann clinic@…` and be refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_links_are_url_encoded() {
    let t = blocking(sqlite_setup);
    blocking(|| {
        t.accounts
            .add_user("ann+clinic@x.org", Role::Person, PASSWORD)
            .unwrap();
        t.accounts.link("cat@x.org", "ann+clinic@x.org").unwrap();
    });
    let app = server(&t);
    let cat = sign_in(&app, "cat@x.org").await;
    let page = get(&app, "/people", &cat).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let link = "/today?person=ann%2Bclinic%40x.org";
    assert!(page.body.contains(link), "{}", page.body);
    assert!(!page.body.contains("person=ann+clinic"), "{}", page.body);
    let today = get(&app, link, &cat).await;
    assert_eq!(today.status, StatusCode::OK, "{}", today.body);
}

/// The coach's list is computed once per journal version: a view with nothing changed shows
/// the same, and a write through another server (whose cache this one never hears of) shows
/// at the next view.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_coach_list_follows_writes_from_another_server() {
    for t in setups("list") {
        eprintln!("engine: {}", t.engine);
        let (one, two) = (server(&t), server(&t));
        let ann = sign_in(&one, "ann@x.org").await;
        let coach = sign_in(&two, "cat@x.org").await;
        let row = |body: &str| -> serde_json::Value {
            let v: serde_json::Value = serde_json::from_str(body).unwrap();
            v["people"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["email"] == "ann@x.org")
                .cloned()
                .unwrap()
        };
        let first = get(&two, "/api/v1/people", &coach).await;
        assert_eq!(first.status, StatusCode::OK, "{}", first.body);
        assert!(row(&first.body)["last_entry"].is_null(), "{}", first.body);
        for date in ["2026-02-27", "2026-03-01"] {
            let body = format!(
                r#"{{"date":"{date}","minutes":20,"pain_before":1,"pain_peak":2,"leg_spread":"none"}}"#
            );
            let r = send(
                &one,
                "POST",
                "/api/v1/walks",
                Some(&ann),
                Some(("application/json", body)),
            )
            .await;
            assert!(r.status.is_success(), "{}", r.body);
            let seen = get(&two, "/api/v1/people", &coach).await;
            assert_eq!(row(&seen.body)["last_entry"], date, "{}", seen.body);
            let again = get(&two, "/api/v1/people", &coach).await;
            assert_eq!(again.body, seen.body, "nothing changed, the same list");
            let page = get(&two, "/people", &coach).await;
            assert!(page.body.contains(date), "{}", page.body);
        }
        if t.engine == "postgres" {
            // Behind Amble's back: the entries gone, the version as it was. The list reads
            // no journal whose version it already knows, so it still shows the last walk;
            // once the version moves, it reads the journal again.
            let url = std::env::var("AMBLE_TEST_DATABASE_URL").unwrap();
            let (base, _) = url.rsplit_once('/').unwrap();
            let db_url = format!("{base}/amble_web_list_{}", std::process::id());
            let journal = blocking(|| {
                t.accounts
                    .user("ann@x.org")
                    .unwrap()
                    .unwrap()
                    .journal
                    .unwrap()
            });
            let sql = |q: String| {
                blocking(|| {
                    let mut c = postgres::Client::connect(&db_url, postgres::NoTls).unwrap();
                    c.batch_execute(&q).unwrap();
                })
            };
            sql(format!("DELETE FROM entries WHERE journal_id = {journal}"));
            let cached = get(&two, "/api/v1/people", &coach).await;
            assert_eq!(
                row(&cached.body)["last_entry"],
                "2026-03-01",
                "{}",
                cached.body
            );
            sql(format!(
                "UPDATE journals SET version = version + 1 WHERE id = {journal}"
            ));
            let read = get(&two, "/api/v1/people", &coach).await;
            assert!(row(&read.body)["last_entry"].is_null(), "{}", read.body);
        }
    }
}
