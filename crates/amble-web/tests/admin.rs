//! A clinic's edges over HTTP (contract §12), on both engines: the admin page (admins only,
//! every change a checked form post), invites bound to an email, sign-in throttled per account
//! and address with growing delays (never a lock), `--trusted-proxy`, `--public-url` (links
//! from it, other Hosts refused with 421) and the footer's words on a server. SQLite always;
//! PostgreSQL with `AMBLE_TEST_DATABASE_URL`.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures
#![allow(clippy::too_many_lines)] // the admin page is one story: each change, then what it shows

mod common;

use common::*;
use std::net::SocketAddr;

use amble_web::{PublicUrl, TrustedProxy, router};
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

const SITE: &str = "amble.clinic.example";

fn public() -> PublicUrl {
    PublicUrl::parse(&format!("https://{SITE}")).unwrap()
}

/// One request from `peer` (the socket's address), with `Host` and `Origin` of the site.
struct Req<'a> {
    method: &'a str,
    uri: &'a str,
    who: Option<&'a str>,
    body: Option<(&'a str, String)>,
    peer: &'a str,
    host: &'a str,
    extra: Vec<(&'a str, &'a str)>,
}

impl<'a> Req<'a> {
    fn new(method: &'a str, uri: &'a str) -> Req<'a> {
        Req {
            method,
            uri,
            who: None,
            body: None,
            peer: "192.0.2.1",
            host: SITE,
            extra: Vec::new(),
        }
    }
    fn who(mut self, who: &'a str) -> Self {
        self.who = Some(who);
        self
    }
    fn form(mut self, body: &str) -> Self {
        self.body = Some(("application/x-www-form-urlencoded", body.to_string()));
        self
    }
    fn json(mut self, body: String) -> Self {
        self.body = Some(("application/json", body));
        self
    }
    fn peer(mut self, peer: &'a str) -> Self {
        self.peer = peer;
        self
    }
    fn host(mut self, host: &'a str) -> Self {
        self.host = host;
        self
    }
    fn header(mut self, k: &'a str, v: &'a str) -> Self {
        self.extra.push((k, v));
        self
    }

    async fn send(self, app: &Router) -> Resp {
        let mut req = Request::builder()
            .method(self.method)
            .uri(self.uri)
            .header(header::HOST, self.host)
            .header(header::ORIGIN, format!("https://{}", self.host));
        if let Some(c) = self.who {
            req = if c.starts_with("Bearer ") {
                req.header(header::AUTHORIZATION, c)
            } else {
                req.header(header::COOKIE, c)
            };
        }
        for (k, v) in &self.extra {
            req = req.header(*k, *v);
        }
        let body = match self.body {
            Some((ct, b)) => {
                req = req.header(header::CONTENT_TYPE, ct);
                Body::from(b)
            }
            None => Body::empty(),
        };
        let mut req = req.body(body).unwrap();
        let peer: SocketAddr = format!("{}:40000", self.peer).parse().unwrap();
        req.extensions_mut().insert(ConnectInfo(peer));
        let resp = app.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        Resp {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }
}

fn session_body(email: &str, password: &str) -> String {
    format!(r#"{{"email":"{email}","password":"{password}"}}"#)
}

async fn sign_in(app: &Router, email: &str) -> String {
    let r = Req::new("POST", "/api/v1/session")
        .json(session_body(email, PASSWORD))
        .send(app)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{email}: {}", r.body);
    let set = r.headers[header::SET_COOKIE].to_str().unwrap().to_string();
    set.split(';').next().unwrap().to_string()
}

/// The invite link in a page, up to the first space.
fn invite_link(body: &str) -> String {
    let start = body.find("https://").expect("a link");
    body[start..].split_whitespace().next().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_page_is_for_admins_and_every_change_is_a_checked_post() {
    for t in setups("admin") {
        eprintln!("engine: {}", t.engine);
        admin_page_on(&t).await;
    }
}

async fn admin_page_on(t: &Setup) {
    let acc = &t.accounts;
    let app = router(state(t).with_public_url(public()));
    let adm = sign_in(&app, "adm@x.org").await;
    let cat = sign_in(&app, "cat@x.org").await;
    let ann = sign_in(&app, "ann@x.org").await;
    let ann_user = blocking(|| acc.user("ann@x.org").unwrap().unwrap());
    let token = blocking(|| acc.add_token(ann_user.id).unwrap());
    let bearer = format!("Bearer {token}");

    // Only an admin: a coach and a person are refused, nobody signed in is sent to sign in.
    for path in ["/admin", "/admin?user=ann%40x.org"] {
        let r = Req::new("GET", path).who(&adm).send(&app).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", t.engine, r.body);
        for email in ["adm@x.org", "ann@x.org", "bob@x.org", "cat@x.org"] {
            assert!(r.body.contains(email), "{email}");
        }
    }
    for who in [&cat, &ann, &bearer] {
        let r = Req::new("GET", "/admin").who(who).send(&app).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", t.engine);
        assert!(!r.body.contains("bob@x.org"));
        for (path, form) in [
            ("/admin/invite", "email=".to_string()),
            (
                "/admin/token/revoke",
                format!("id={}", &amble_store::accounts::secret_hash(&token)[..16]),
            ),
            ("/admin/user/disable", "email=bob%40x.org".to_string()),
            (
                "/admin/unlink",
                "coach=cat%40x.org&person=ann%40x.org".to_string(),
            ),
        ] {
            let r = Req::new("POST", path).who(who).form(&form).send(&app).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
        }
    }
    let r = Req::new("GET", "/admin").send(&app).await;
    assert!(r.status.is_redirection());
    assert!(
        r.headers[header::LOCATION]
            .to_str()
            .unwrap()
            .starts_with("/login")
    );
    // Nothing changed for them.
    assert!(blocking(|| acc.user_by_token(&token).unwrap()).is_some());
    assert!(!blocking(|| acc.users().unwrap()).iter().any(|u| u.disabled));
    assert!(blocking(|| acc
        .is_linked(acc.user("cat@x.org").unwrap().unwrap().id, ann_user.id)
        .unwrap()));

    // A post from another site is refused before anything is read.
    let r = Req::new("POST", "/admin/user/disable")
        .who(&adm)
        .form("email=bob%40x.org")
        .header("sec-fetch-site", "cross-site")
        .send(&app)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", t.engine);

    // The token is listed and revoked by its id: it stops working at once.
    let page = Req::new("GET", "/admin").who(&adm).send(&app).await;
    let id = &amble_store::accounts::secret_hash(&token)[..16];
    assert!(page.body.contains(id), "the token's id");
    assert!(!page.body.contains(&token), "never the secret");
    let r = Req::new("POST", "/admin/token/revoke")
        .who(&adm)
        .form(&format!("id={id}"))
        .send(&app)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = Req::new("GET", "/api/v1/journal")
        .who(&bearer)
        .send(&app)
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", t.engine);
    let again = Req::new("POST", "/admin/token/revoke")
        .who(&adm)
        .form(&format!("id={id}"))
        .send(&app)
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    let bad = Req::new("POST", "/admin/token/revoke")
        .who(&adm)
        .form("id=%27%3B+drop")
        .send(&app)
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("id:"), "{}", bad.body);

    // An invite bound to bob: the link is built from --public-url; only bob can accept it.
    let made = Req::new("POST", "/admin/invite")
        .who(&adm)
        .form("email=Bob%40x.org")
        .send(&app)
        .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    let link = invite_link(&made.body);
    assert!(link.starts_with(&format!("https://{SITE}/join/")), "{link}");
    assert!(made.body.contains("Only bob@x.org can accept it"));
    let path = link
        .trim_start_matches(&format!("https://{SITE}"))
        .to_string();
    let r = Req::new("GET", &path).who(&ann).send(&app).await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "{}: bound to bob",
        t.engine
    );
    let r = Req::new("POST", &path).who(&ann).form("").send(&app).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", t.engine);
    let bob = sign_in(&app, "bob@x.org").await;
    let r = Req::new("GET", &path).who(&bob).send(&app).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("adm@x.org"));

    // An open invite, revoked from the page: it works for nobody after.
    let made = Req::new("POST", "/admin/invite")
        .who(&adm)
        .form("email=")
        .send(&app)
        .await;
    let open = invite_link(&made.body);
    let open_path = open
        .trim_start_matches(&format!("https://{SITE}"))
        .to_string();
    let secret = open_path.trim_start_matches("/join/");
    let open_id = &amble_store::accounts::secret_hash(secret)[..16];
    let page = Req::new("GET", "/admin").who(&adm).send(&app).await;
    assert!(page.body.contains(open_id) && page.body.contains("anyone"));
    assert!(!page.body.contains(secret), "never the secret again");
    let r = Req::new("POST", "/admin/invite/revoke")
        .who(&adm)
        .form(&format!("id={open_id}"))
        .send(&app)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = Req::new("POST", &open_path)
        .who(&ann)
        .form("")
        .send(&app)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}: revoked", t.engine);
    let r = Req::new("POST", &path).who(&bob).form("").send(&app).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}: bob accepts", t.engine);

    // Disable from the page: sessions end at once; enable again; unlink.
    let r = Req::new("POST", "/admin/user/disable")
        .who(&adm)
        .form("email=ann%40x.org")
        .send(&app)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = Req::new("GET", "/api/v1/journal")
        .who(&ann)
        .send(&app)
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", t.engine);
    let own = Req::new("POST", "/admin/user/disable")
        .who(&adm)
        .form("email=adm%40x.org")
        .send(&app)
        .await;
    assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY, "not oneself");
    let r = Req::new("POST", "/admin/user/enable")
        .who(&adm)
        .form("email=ann%40x.org")
        .send(&app)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    sign_in(&app, "ann@x.org").await;
    let r = Req::new("POST", "/admin/unlink")
        .who(&adm)
        .form("coach=cat%40x.org&person=ann%40x.org")
        .send(&app)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = Req::new("GET", "/api/v1/journal?person=ann%40x.org")
        .who(&cat)
        .send(&app)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", t.engine);
    let r = Req::new("POST", "/admin/user/disable")
        .who(&adm)
        .form("email=nobody%40x.org")
        .send(&app)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // The audit log with filters: each change is there; reads of ann's data by user.
    let all = Req::new("GET", "/admin").who(&adm).send(&app).await;
    for what in [
        "revoke token",
        "revoke invite",
        "disable ann@x.org",
        "enable ann@x.org",
        "unlink cat@x.org from ann@x.org",
    ] {
        assert!(all.body.contains(what), "{}: {what}", t.engine);
    }
    let admin_only = Req::new("GET", "/admin?action=admin&user=&from=&to=")
        .who(&adm)
        .send(&app)
        .await;
    assert_eq!(admin_only.status, StatusCode::OK);
    let audit = |body: &str| {
        body.split("id=\"audit\"")
            .nth(1)
            .unwrap_or_default()
            .to_string()
    };
    assert!(!audit(&admin_only.body).contains("<td data-label=\"Action\">read</td>"));
    assert!(audit(&admin_only.body).contains("<td data-label=\"Action\">admin</td>"));
    let none = Req::new("GET", "/admin?from=2030-01-01&to=2030-01-02")
        .who(&adm)
        .send(&app)
        .await;
    assert!(audit(&none.body).contains("0 lines"), "{}", t.engine);
    let bad = Req::new("GET", "/admin?from=2026-02-30")
        .who(&adm)
        .send(&app)
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("from:"));
    let bad = Req::new("GET", "/admin?user=a%40x.org&user=b%40x.org")
        .who(&adm)
        .send(&app)
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("could not be read"), "{}", bad.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_passwords_slow_one_account_and_address_pair_and_never_lock_the_owner_out() {
    for t in setups("throttle") {
        eprintln!("engine: {}", t.engine);
        throttle_on(&t).await;
    }
}

async fn throttle_on(t: &Setup) {
    let app = router(state(t));
    let wrong = || session_body("ann@x.org", "not the password");
    let right = || session_body("ann@x.org", PASSWORD);
    // Three wrong passwords from one address cost nothing; the fourth try waits.
    for _ in 0..3 {
        let r = Req::new("POST", "/api/v1/session")
            .json(wrong())
            .peer("203.0.113.9")
            .send(&app)
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
        let timing = r.headers["server-timing"].to_str().unwrap();
        assert!(timing.starts_with("password;dur="), "{timing}");
    }
    let r = Req::new("POST", "/api/v1/session")
        .json(right())
        .peer("203.0.113.9")
        .send(&app)
        .await;
    assert_eq!(
        r.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}: that pair waits",
        t.engine
    );
    assert_eq!(r.headers[header::RETRY_AFTER], "1");
    assert!(r.body.contains("1 second"), "{}", r.body);
    // A spoofed X-Forwarded-For from a peer nobody trusts changes nothing.
    let r = Req::new("POST", "/api/v1/session")
        .json(right())
        .peer("203.0.113.9")
        .header("x-forwarded-for", "198.51.100.1")
        .send(&app)
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", t.engine);
    // The owner from another address signs in at once; others from that address go on.
    let r = Req::new("POST", "/api/v1/session")
        .json(right())
        .peer("198.51.100.7")
        .send(&app)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}: {}", t.engine, r.body);
    let r = Req::new("POST", "/api/v1/session")
        .json(session_body("bob@x.org", PASSWORD))
        .peer("203.0.113.9")
        .send(&app)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", t.engine);
    // The page says so too.
    let r = Req::new("POST", "/login")
        .form("email=ann%40x.org&password=a+long+enough+secret")
        .peer("203.0.113.9")
        .send(&app)
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.body.contains("please wait"), "{}", r.body);
    // The delay passes: the same address gets in with the right password.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let r = Req::new("POST", "/api/v1/session")
        .json(right())
        .peer("203.0.113.9")
        .send(&app)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}: {}", t.engine, r.body);

    // Behind a trusted proxy the client is the address it forwards; a stranger's header is not.
    let proxied =
        router(state(t).with_trusted_proxies(vec![TrustedProxy::parse("10.0.0.0/8").unwrap()]));
    for _ in 0..3 {
        let r = Req::new("POST", "/api/v1/session")
            .json(session_body("bob@x.org", "not the password"))
            .peer("10.0.0.2")
            .header("x-forwarded-for", "198.51.100.20")
            .send(&proxied)
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let bob = || session_body("bob@x.org", PASSWORD);
    let r = Req::new("POST", "/api/v1/session")
        .json(bob())
        .peer("10.0.0.2")
        .header("x-forwarded-for", "198.51.100.20")
        .send(&proxied)
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", t.engine);
    let r = Req::new("POST", "/api/v1/session")
        .json(bob())
        .peer("10.0.0.2")
        .header("x-forwarded-for", "198.51.100.21")
        .send(&proxied)
        .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "{}: another client behind the proxy",
        t.engine
    );
    // The proxy's word on TLS counts (Secure cookie); a stranger's does not.
    assert!(
        !r.headers[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("; Secure")
    );
    let r = Req::new("POST", "/api/v1/session")
        .json(bob())
        .peer("10.0.0.2")
        .header("x-forwarded-for", "198.51.100.21")
        .header("x-forwarded-proto", "https")
        .send(&proxied)
        .await;
    assert!(
        r.headers[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("; Secure")
    );
    let r = Req::new("POST", "/api/v1/session")
        .json(bob())
        .peer("192.0.2.50")
        .header("x-forwarded-proto", "https")
        .send(&proxied)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        !r.headers[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("; Secure")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_url_builds_links_and_other_hosts_are_refused() {
    for t in setups("public") {
        eprintln!("engine: {}", t.engine);
        public_url_on(&t).await;
    }
}

async fn public_url_on(t: &Setup) {
    let app = router(state(t).with_public_url(public()));
    for host in [
        "evil.example",
        "127.0.0.1:8080",
        "amble.clinic.example:8443",
    ] {
        for (method, path) in [
            ("GET", "/login"),
            ("GET", "/api/v1/journal"),
            ("POST", "/api/v1/session"),
        ] {
            let r = Req::new(method, path)
                .host(host)
                .json(session_body("ann@x.org", PASSWORD))
                .send(&app)
                .await;
            assert_eq!(r.status, StatusCode::MISDIRECTED_REQUEST, "{host} {path}");
            assert!(
                r.body.contains("https://amble.clinic.example"),
                "{}",
                r.body
            );
        }
    }
    for host in [SITE, "AMBLE.clinic.example:443"] {
        let r = Req::new("GET", "/login").host(host).send(&app).await;
        assert_eq!(r.status, StatusCode::OK, "{host}");
    }
    // The session cookie is Secure: the public address is HTTPS.
    let r = Req::new("POST", "/api/v1/session")
        .json(session_body("ann@x.org", PASSWORD))
        .send(&app)
        .await;
    assert!(
        r.headers[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("; Secure")
    );
    let ann = r.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    // Calendar and coach invite links are built from it.
    let r = Req::new("POST", "/calendar/new")
        .who(&ann)
        .form("")
        .send(&app)
        .await;
    assert!(
        r.body.contains(&format!("https://{SITE}/calendar/")),
        "{}",
        r.body
    );
    let cat = sign_in(&app, "cat@x.org").await;
    let r = Req::new("POST", "/people/invite")
        .who(&cat)
        .form("")
        .send(&app)
        .await;
    assert!(
        r.body.contains(&format!("https://{SITE}/join/")),
        "{}",
        r.body
    );

    // Without --public-url, a server with accounts never builds a link from Host.
    let plain = router(state(t));
    let cat = sign_in(&plain, "cat@x.org").await;
    let r = Req::new("POST", "/people/invite")
        .who(&cat)
        .host("evil.example")
        .form("")
        .send(&plain)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains("evil.example/join"), "{}", r.body);
    assert!(r.body.contains("/join/") && r.body.contains("--public-url"));

    // The footer fits a server: no promise that the data stays on this computer; sign out shows.
    let today = Req::new("GET", "/today").who(&ann).send(&app).await;
    assert_eq!(today.status, StatusCode::OK, "{}", t.engine);
    assert!(!today.body.contains("stays on this computer"));
    assert!(today.body.contains("kept on this server"));
    assert!(
        today.body.contains("action=\"/logout\""),
        "a sign-out button"
    );
}

/// Ten wrong passwords sent at once from one address: the checks take their turns (one at a
/// time here), and each looks at the delay again when its turn comes, so only the three free
/// ones are checked at all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tries_sent_at_once_take_turns_and_do_not_slip_past_the_delay() {
    let t = blocking(sqlite_setup);
    let app = router(state(&t).with_hashing_limit(1));
    let tries = (0..10).map(|_| {
        let app = app.clone();
        tokio::spawn(async move {
            Req::new("POST", "/api/v1/session")
                .json(session_body("ann@x.org", "not the password"))
                .peer("203.0.113.50")
                .send(&app)
                .await
                .status
        })
    });
    let mut statuses = Vec::new();
    for t in tries.collect::<Vec<_>>() {
        statuses.push(t.await.unwrap());
    }
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let waited = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((checked, waited), (3, 7), "{statuses:?}");
}
