//! Coach mode over HTTP (contract §12), on both engines: accounts in the SQLite journal
//! always, and on PostgreSQL with `AMBLE_TEST_DATABASE_URL` (required when
//! `AMBLE_PG_REQUIRED=1`). Every request goes through the real router with
//! real sessions and tokens: no test helper skips the check. The role × route matrix, the
//! lessons of wger's 2026 advisories (a tenant check passing when both sides are empty, an
//! unscoped list, a lookup by raw id, cache keys without the user, a write to another
//! person's record, a state change on GET), sessions shared by two servers, rate limiting, the
//! audit log, and 200 concurrent writes across two servers.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures
#![allow(clippy::too_many_lines)] // the role × route matrix reads best as one table, top to bottom

mod common;

use axum::http::{StatusCode, header};
use common::*;

const BENIGN: &str =
    include_str!("../../amble-cli/tests/contract-examples/benign-ache-after-30-min.json");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_for_every_role() {
    for t in setups("matrix") {
        every_route_for_every_role_on(&t).await;
    }
}

/// The matrix derived from the router's own table (`amble_web::ROUTES`): every method of every
/// route, for nobody, a person, another person, a linked coach and an admin, so a route added
/// to the app is covered without being listed here.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_in_the_table_for_every_role() {
    for t in setups("table") {
        every_route_in_the_table_on(&t).await;
    }
}

/// A request body that passes the content-type checks, so the answer is the access check's.
fn probe_body(path: &str) -> Option<(&'static str, String)> {
    Some(if path.starts_with("/api/") {
        ("application/json", "{}".to_string())
    } else {
        ("application/x-www-form-urlencoded", String::new())
    })
}

async fn every_route_in_the_table_on(t: &Setup) {
    use amble_web::{Access, ROUTES};
    let engine = t.engine;
    let app = server(t);
    let ann = sign_in(&app, "ann@x.org").await;
    let bob = sign_in(&app, "bob@x.org").await;
    let cat = sign_in(&app, "cat@x.org").await;
    let adm = sign_in(&app, "adm@x.org").await;
    let r = send(
        &app,
        "POST",
        "/api/v1/walks",
        Some(&ann),
        Some((
            "application/json",
            r#"{"date":"2026-03-02","minutes":20,"notes":"ANN-SECRET"}"#.into(),
        )),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let denied = |s: StatusCode| s == StatusCode::UNAUTHORIZED || s == StatusCode::FORBIDDEN;
    let to_login = |r: &Resp| {
        r.status == StatusCode::SEE_OTHER
            && r.headers[header::LOCATION]
                .to_str()
                .unwrap()
                .starts_with("/login")
    };
    assert!(ROUTES.len() >= 60, "the whole table");
    for route in ROUTES {
        let path = route
            .path
            .replace("{id}", "w-1")
            .replace("{secret}", "no-such-invite")
            .replace("{file}", "no-such-feed.ics");
        let api = path.starts_with("/api/");
        for method in route.methods {
            let m = method.to_uppercase();
            let body = || (m != "GET").then(|| probe_body(&path)).flatten();
            let what = format!("{engine}: {m} {path}");
            // Nobody signed in.
            let r = send(&app, &m, &path, None, body()).await;
            match route.access {
                Access::Open => {
                    // (A sign-in with no password is refused by the sign-in itself: 401; signing out
                    // leads to the sign-in page.)
                    let signing_in = path == "/login" || path == "/api/v1/session";
                    assert!(
                        (path == "/logout" || !to_login(&r))
                            && r.status != StatusCode::FORBIDDEN
                            && (signing_in || r.status != StatusCode::UNAUTHORIZED),
                        "{what}: {}",
                        r.status
                    );
                    // Signing in and out and the feeds are for anyone; no account is needed.
                    continue;
                }
                _ if api => assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{what}"),
                _ => assert!(to_login(&r), "{what}: {} {:?}", r.status, r.headers),
            }
            match route.access {
                Access::Open => {}
                Access::Signed => {
                    for (who, c) in [("ann", &ann), ("cat", &cat), ("adm", &adm)] {
                        let r = send(&app, &m, &path, Some(c), body()).await;
                        assert!(
                            !denied(r.status) || r.status == StatusCode::FORBIDDEN && who != "ann",
                            "{what} {who}: {}",
                            r.status
                        );
                    }
                }
                Access::Coach => {
                    for (who, c) in [("ann", &ann), ("bob", &bob)] {
                        assert_eq!(
                            send(&app, &m, &path, Some(c), body()).await.status,
                            StatusCode::FORBIDDEN,
                            "{what} {who}"
                        );
                    }
                    for (who, c) in [("cat", &cat), ("adm", &adm)] {
                        let r = send(&app, &m, &path, Some(c), body()).await;
                        assert!(!denied(r.status), "{what} {who}: {}", r.status);
                    }
                }
                Access::Admin => {
                    for (who, c) in [("ann", &ann), ("bob", &bob), ("cat", &cat)] {
                        assert_eq!(
                            send(&app, &m, &path, Some(c), body()).await.status,
                            StatusCode::FORBIDDEN,
                            "{what} {who}"
                        );
                    }
                    let r = send(&app, &m, &path, Some(&adm), body()).await;
                    assert!(!denied(r.status), "{what} adm: {}", r.status);
                }
                Access::Journal => {
                    // The person: their own journal.
                    let r = send(&app, &m, &path, Some(&ann), body()).await;
                    assert!(!denied(r.status), "{what} ann: {} {}", r.status, r.body);
                    // Someone else's: a person or an admin never; a linked coach reads only.
                    let sep = if path.contains('?') { '&' } else { '?' };
                    let of_ann = format!("{path}{sep}person=ann@x.org");
                    for (who, c) in [("bob", &bob), ("adm", &adm)] {
                        let r = send(&app, &m, &of_ann, Some(c), body()).await;
                        assert_eq!(r.status, StatusCode::FORBIDDEN, "{what} {who} of ann");
                        assert!(!r.body.contains("ANN-SECRET"), "{what} {who}");
                    }
                    let r = send(&app, &m, &of_ann, Some(&cat), body()).await;
                    if m == "GET" {
                        assert!(!denied(r.status), "{what} cat of ann: {}", r.status);
                    } else {
                        assert_eq!(
                            r.status,
                            StatusCode::FORBIDDEN,
                            "{what}: a coach only reads"
                        );
                    }
                }
            }
        }
    }
}

async fn every_route_for_every_role_on(t: &Setup) {
    eprintln!("engine: {}", t.engine);
    let pg = &t.accounts;
    let engine = t.engine;
    let app = server(t);
    let ann = sign_in(&app, "ann@x.org").await;
    let bob = sign_in(&app, "bob@x.org").await;
    let cat = sign_in(&app, "cat@x.org").await;
    let adm = sign_in(&app, "adm@x.org").await;
    // Ann's journal: a check-up and a walk with a note only she wrote.
    let r = send(
        &app,
        "POST",
        "/api/v1/assessments",
        Some(&ann),
        Some(("application/json", BENIGN.into())),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = send(&app, "POST", "/api/v1/walks", Some(&ann), Some(("application/json", r#"{"date":"2026-03-02","minutes":20,"pain_before":1,"pain_peak":2,"leg_spread":"none","notes":"ANN-SECRET"}"#.into()))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);

    let reads = [
        "/today",
        "/plan",
        "/progress",
        "/journal",
        "/insights",
        "/report",
        "/checkin",
        "/calendar.ics",
        "/gait",
        "/api/v1/plan",
        "/api/v1/today",
        "/api/v1/journal",
        "/api/v1/insights",
    ];
    for path in reads {
        let api = path.starts_with("/api/");
        // Nobody signed in: pages go to the sign-in page, the API answers 401.
        let r = send(&app, "GET", path, None, None).await;
        if api {
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{path}");
        } else {
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}");
            assert!(
                r.headers[header::LOCATION]
                    .to_str()
                    .unwrap()
                    .starts_with("/login?next=")
            );
        }
        // Ann reads her own.
        assert_eq!(
            send(&app, "GET", path, Some(&ann), None).await.status,
            StatusCode::OK,
            "ann {path}"
        );
        // Cat, linked, reads Ann's; adm (not linked) and bob may not.
        let of_ann = format!("{path}?person=ann@x.org");
        assert_eq!(
            send(&app, "GET", &of_ann, Some(&cat), None).await.status,
            StatusCode::OK,
            "cat {of_ann}"
        );
        for (who, c) in [("bob", &bob), ("adm", &adm)] {
            let r = send(&app, "GET", &of_ann, Some(c), None).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{who} {of_ann}");
            assert!(
                !r.body.contains("ANN-SECRET") && !r.body.contains("w-1"),
                "{who} {of_ann}"
            );
        }
        // A coach or admin has no journal: their own is refused, never an empty one (wger's
        // None == None).
        for (who, c) in [("cat", &cat), ("adm", &adm)] {
            assert_eq!(
                send(&app, "GET", path, Some(c), None).await.status,
                StatusCode::FORBIDDEN,
                "{who} own {path}"
            );
        }
        // An unknown person looks like a forbidden one.
        assert_eq!(
            send(
                &app,
                "GET",
                &format!("{path}?person=eve@x.org"),
                Some(&cat),
                None
            )
            .await
            .status,
            StatusCode::FORBIDDEN
        );
    }
    let journal = send(
        &app,
        "GET",
        "/api/v1/journal?person=ann@x.org",
        Some(&cat),
        None,
    )
    .await;
    assert!(
        journal.body.contains("ANN-SECRET"),
        "the coach reads the linked journal"
    );
    // Writes: only the person; the coach is read-only.
    let walk =
        r#"{"date":"2026-03-02","minutes":10,"pain_before":1,"pain_peak":2,"leg_spread":"none"}"#;
    for (who, c) in [("cat", &cat), ("bob", &bob), ("adm", &adm)] {
        let r = send(
            &app,
            "POST",
            "/api/v1/walks?person=ann@x.org",
            Some(c),
            Some(("application/json", walk.into())),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who} writes ann's");
        // Nor may they store a gait recording on her walks.
        let r = send(
            &app,
            "POST",
            "/gait?person=ann@x.org",
            Some(c),
            Some((
                "multipart/form-data; boundary=x",
                "--x\r\nContent-Disposition: form-data; name=\"walk\"\r\n\r\nw-1\r\n--x--\r\n"
                    .into(),
            )),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who} uploads to ann's");
    }
    // wger: a write to another person's record by its id. Bob's edit of "w-1" as ann's: 403;
    // as his own journal: no such entry.
    let r = send(
        &app,
        "POST",
        "/journal/w-1/edit?person=ann@x.org",
        Some(&bob),
        Some(("application/x-www-form-urlencoded", "minutes=5".into())),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = send(&app, "GET", "/journal/w-1/edit", Some(&bob), None).await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "ids are per journal: bob has no w-1"
    );
    assert!(!r.body.contains("ANN-SECRET"));
    // wger: cache keys without the user. Ann's cached pages are never bob's.
    let ann_plan = send(&app, "GET", "/api/v1/journal", Some(&ann), None).await;
    let bob_plan = send(&app, "GET", "/api/v1/journal", Some(&bob), None).await;
    assert!(ann_plan.body.contains("ANN-SECRET") && !bob_plan.body.contains("ANN-SECRET"));
    let again = send(&app, "GET", "/plan", Some(&bob), None).await;
    assert_eq!(again.status, StatusCode::OK);
    assert!(
        !again.body.contains("Week 1: 0 green"),
        "bob's plan page is bob's"
    );
    // wger: an unscoped list. The coach's people are only the linked ones.
    let people = send(&app, "GET", "/api/v1/people", Some(&cat), None).await;
    assert_eq!(people.status, StatusCode::OK, "{}", people.body);
    assert!(
        people.body.contains("ann@x.org") && !people.body.contains("bob@x.org"),
        "{}",
        people.body
    );
    assert_eq!(
        send(&app, "GET", "/api/v1/people", Some(&ann), None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        send(&app, "GET", "/api/v1/people", None, None).await.status,
        StatusCode::UNAUTHORIZED
    );
    let adm_people = send(&app, "GET", "/api/v1/people", Some(&adm), None).await;
    assert!(
        !adm_people.body.contains("ann@x.org"),
        "an admin sees no health data unless linked"
    );
    // The coach's page: most urgent first, with the clinic's thresholds; a pain of 8 this week.
    let r = send(
        &app,
        "POST",
        "/api/v1/mornings",
        Some(&ann),
        Some((
            "application/json",
            r#"{"date":"2026-03-02","pain":8}"#.into(),
        )),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let page = send(&app, "GET", "/people", Some(&cat), None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("ann@x.org") && page.body.contains("pain of 8/10 this week"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("bob@x.org"));
    assert_eq!(
        send(&app, "GET", "/people", Some(&bob), None).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        send(&app, "GET", "/people", None, None).await.status,
        StatusCode::SEE_OTHER
    );
    // Invite links: a coach makes one; a person signs in, confirms, and is linked; once only.
    let inv = send(
        &app,
        "POST",
        "/people/invite",
        Some(&cat),
        Some(("application/x-www-form-urlencoded", String::new())),
    )
    .await;
    assert_eq!(inv.status, StatusCode::OK, "{}", inv.body);
    let at = inv.body.find("/join/").unwrap();
    let join: String = inv.body[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '/' || *c == '_')
        .collect();
    assert_eq!(join.len(), "/join/".len() + 64, "{join}");
    assert_eq!(
        send(
            &app,
            "POST",
            "/people/invite",
            Some(&ann),
            Some(("application/x-www-form-urlencoded", String::new()))
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        send(&app, "GET", &join, None, None).await.status,
        StatusCode::SEE_OTHER,
        "sign in first"
    );
    let ask = send(&app, "GET", &join, Some(&bob), None).await;
    assert!(
        ask.body.contains("cat@x.org") && ask.body.contains("Share with this coach"),
        "{}",
        ask.body
    );
    let yes = send(
        &app,
        "POST",
        &join,
        Some(&bob),
        Some(("application/x-www-form-urlencoded", String::new())),
    )
    .await;
    assert_eq!(yes.status, StatusCode::SEE_OTHER);
    assert!(
        send(&app, "GET", "/people", Some(&cat), None)
            .await
            .body
            .contains("bob@x.org"),
        "bob joined"
    );
    let again = send(
        &app,
        "POST",
        &join,
        Some(&ann),
        Some(("application/x-www-form-urlencoded", String::new())),
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "an invite works once");
    // The audit log is append-only, enforced by the database.
    assert!(!t.strings("SELECT action FROM audit_log").is_empty());
    let changed =
        t.refused("DELETE FROM audit_log") && t.refused("UPDATE audit_log SET action = 'x'");
    assert!(changed, "{engine}: UPDATE and DELETE are refused");
    // Ann's calendar at a secret address: no sign-in, only her walks; a new address revokes
    // the old one; a guessed one is nothing.
    let cal = send(
        &app,
        "POST",
        "/calendar/new",
        Some(&ann),
        Some(("application/x-www-form-urlencoded", String::new())),
    )
    .await;
    let at = cal.body.find("/calendar/").unwrap();
    let feed: String = cal.body[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '/' || *c == '.')
        .collect();
    let r = send(&app, "GET", &feed, None, None).await;
    assert_eq!(r.status, StatusCode::OK, "{feed}");
    assert!(r.body.starts_with("BEGIN:VCALENDAR") && r.body.contains("SUMMARY:Walk"));
    let _ = send(
        &app,
        "POST",
        "/calendar/new",
        Some(&ann),
        Some(("application/x-www-form-urlencoded", String::new())),
    )
    .await;
    assert_eq!(
        send(&app, "GET", &feed, None, None).await.status,
        StatusCode::NOT_FOUND,
        "revoked"
    );
    assert_eq!(
        send(
            &app,
            "GET",
            &format!("/calendar/{}.ics", "0".repeat(64)),
            None,
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        send(
            &app,
            "POST",
            "/calendar/new",
            Some(&cat),
            Some(("application/x-www-form-urlencoded", String::new()))
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    // wger: a state change on GET. Signing out and deleting need POST.
    assert_eq!(
        send(&app, "GET", "/logout", Some(&ann), None).await.status,
        StatusCode::METHOD_NOT_ALLOWED
    );
    let _ = send(&app, "GET", "/journal/w-1/delete", Some(&ann), None).await;
    let still = send(&app, "GET", "/api/v1/journal", Some(&ann), None).await;
    assert!(still.body.contains("ANN-SECRET"), "a GET changes nothing");
    // Bearer tokens work for scripts.
    let token = blocking(|| {
        let user = pg.user("ann@x.org").unwrap().unwrap();
        pg.add_token(user.id).unwrap()
    });
    let r = send(
        &app,
        "GET",
        "/api/v1/journal",
        Some(&format!("Bearer {token}")),
        None,
    )
    .await;
    assert!(r.body.contains("ANN-SECRET"));
    assert_eq!(
        send(&app, "GET", "/api/v1/journal", Some("Bearer nope"), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    // Every read of another person's data is in the audit log, reads included.
    let log = blocking(|| pg.audit_log().unwrap());
    assert!(log.iter().any(|(a, p, act, d)| a == "cat@x.org"
        && p.as_deref() == Some("ann@x.org")
        && act == "read"
        && d.contains("/api/v1/journal")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_are_shared_by_servers_and_end_everywhere() {
    for t in setups("sessions") {
        sessions_are_shared_on(&t).await;
    }
}

async fn sessions_are_shared_on(t: &Setup) {
    eprintln!("engine: {}", t.engine);
    let a = server(t);
    let b = server(t);
    let ann = sign_in(&a, "ann@x.org").await;
    let other = sign_in(&b, "ann@x.org").await;
    assert_eq!(
        send(&b, "GET", "/api/v1/journal", Some(&ann), None)
            .await
            .status,
        StatusCode::OK,
        "a session from server A works on B"
    );
    // Signing out ends every session of the account, on every server.
    let r = send(&b, "DELETE", "/api/v1/session", Some(&ann), None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.headers[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    for (app, c) in [(&a, &ann), (&a, &other), (&b, &other)] {
        assert_eq!(
            send(app, "GET", "/api/v1/journal", Some(c), None)
                .await
                .status,
            StatusCode::UNAUTHORIZED
        );
    }
    // The sign-in page: a wrong password, then too many.
    let login = send(&a, "GET", "/login?next=/plan", None, None).await;
    assert!(login.body.contains("name=\"password\"") && login.body.contains("value=\"/plan\""));
    let ok = send(
        &a,
        "POST",
        "/login",
        None,
        Some((
            "application/x-www-form-urlencoded",
            format!(
                "email=bob%40x.org&password={}&next=//evil.example",
                PASSWORD.replace(' ', "+")
            ),
        )),
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(
        ok.headers[header::LOCATION],
        "/",
        "never sent to another site"
    );
    // Three wrong passwords from one address cost nothing; then that account and address pair
    // waits a growing delay (tests/admin.rs: another address is never slowed).
    for _ in 0..3 {
        let r = send(
            &a,
            "POST",
            "/api/v1/session",
            None,
            Some((
                "application/json",
                r#"{"email":"bob@x.org","password":"wrong password!"}"#.into(),
            )),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = send(
        &b,
        "POST",
        "/api/v1/session",
        None,
        Some((
            "application/json",
            format!(r#"{{"email":"bob@x.org","password":"{PASSWORD}"}}"#),
        )),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password from that address, for a while, on any server"
    );
    // Only hashes are stored.
    let stored: Vec<String> = t.strings("SELECT token_hash FROM sessions");
    let secret = ok.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .split('=')
        .nth(1)
        .unwrap()
        .to_string();
    assert!(!stored.contains(&secret) && !stored.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_take_200_concurrent_walks() {
    for t in setups("concurrent") {
        two_servers_take_200_on(&t).await;
    }
}

async fn two_servers_take_200_on(t: &Setup) {
    eprintln!("engine: {}", t.engine);
    let a = server(t);
    let b = server(t);
    let ann = sign_in(&a, "ann@x.org").await;
    let r = send(
        &a,
        "POST",
        "/api/v1/assessments",
        Some(&ann),
        Some(("application/json", BENIGN.into())),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let mut tasks = Vec::new();
    for i in 0..200 {
        let app = if i % 2 == 0 { a.clone() } else { b.clone() };
        let c = ann.clone();
        tasks.push(tokio::spawn(async move {
            let body = format!(r#"{{"date":"2026-03-02","minutes":{},"pain_before":1,"pain_peak":2,"leg_spread":"none"}}"#, 5 + i % 20);
            send(&app, "POST", "/api/v1/walks", Some(&c), Some(("application/json", body))).await.status
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::CREATED);
    }
    let journal: serde_json::Value = serde_json::from_str(
        &send(&b, "GET", "/api/v1/journal", Some(&ann), None)
            .await
            .body,
    )
    .unwrap();
    let ids: std::collections::BTreeSet<String> = journal["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "walk")
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 200, "200 walks with unique ids");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_records_sign_ins_refusals_and_one_record_per_list() {
    for t in setups("audit") {
        audit_on(&t).await;
    }
}

async fn audit_on(t: &Setup) {
    eprintln!("engine: {}", t.engine);
    let pg = t.accounts.clone();
    blocking(|| pg.link("cat@x.org", "bob@x.org").unwrap());
    let app = server(t);
    let rows = |action: &str| {
        t.strings(&format!(
            "SELECT detail FROM audit_log WHERE action = '{action}' ORDER BY id"
        ))
    };
    // A wrong password for a known account and for an unknown one; then a sign-in.
    for email in ["ann@x.org", "nobody@x.org"] {
        let r = send(
            &app,
            "POST",
            "/api/v1/session",
            None,
            Some((
                "application/json",
                format!(r#"{{"email":"{email}","password":"not the password"}}"#),
            )),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    }
    let failed = rows("sign-in-failed");
    assert_eq!(failed.len(), 2, "{}: {failed:?}", t.engine);
    assert!(failed[0].starts_with("wrong password"), "{failed:?}");
    assert!(failed[1].starts_with("unknown account"), "{failed:?}");
    assert!(
        failed
            .iter()
            .all(|d| !d.contains("nobody") && !d.contains("not the password"))
    );
    let ann = sign_in(&app, "ann@x.org").await;
    let cat = sign_in(&app, "cat@x.org").await;
    assert_eq!(rows("sign-in").len(), 2, "{}", t.engine);
    // A refused request: Ann asks for Bob's journal, and for the coach's list.
    for uri in ["/api/v1/journal?person=bob%40x.org", "/api/v1/people"] {
        let r = send(&app, "GET", uri, Some(&ann), None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{uri}");
    }
    let refused = rows("refused");
    assert_eq!(refused.len(), 2, "{}: {refused:?}", t.engine);
    assert!(refused[0].contains("/api/v1/journal") && !refused[0].contains("bob"));
    // The coach's list, as a page and through the API: one record each, naming both people.
    let before = t.strings("SELECT id FROM audit_log").len();
    assert_eq!(
        send(&app, "GET", "/people", Some(&cat), None).await.status,
        StatusCode::OK
    );
    assert_eq!(
        send(&app, "GET", "/api/v1/people", Some(&cat), None)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        t.strings("SELECT id FROM audit_log").len(),
        before + 2,
        "{}: one record per view of the list",
        t.engine
    );
    let lists = rows("read-list");
    assert_eq!(lists.len(), 2);
    assert!(lists[0].starts_with("people list: 2 ("), "{lists:?}");
}
