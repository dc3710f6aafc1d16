//! `amble serve`: Amble in the browser, on the same journal as the CLI, on the person's own
//! machine. Server-rendered HTML that works without JavaScript, and a JSON API under `/api/v1`
//! with the documents of the scripting contract. Every decision is made by `amble-core`.

mod admin;
mod api;
mod api_errors;
mod audit_events;
mod auth;
mod authz;
mod cache;
mod client;
pub mod clinician;
pub mod coach;
mod credentials;
mod forms;
mod hide_errors;
pub mod ics;
pub(crate) mod json_body;
mod pages;
mod phone;
mod request_log;
mod security;
pub mod tls;
pub use client::{PublicUrl, TrustedProxy};
mod walk_track;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use amble_core::knowledge::KnowledgeBase;
use amble_store::Database;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use jiff::civil::Date;

/// Largest request body accepted (answers, a walk): far above any real form.
pub const BODY_LIMIT: usize = 64 * 1024;
/// The largest gait recording uploaded on `/gait`, bytes.
pub use pages::GAIT_UPLOAD_LIMIT;

/// The API routes, as (method, path) pairs; the OpenAPI file must describe exactly these.
pub const API_ROUTES: &[(&str, &str)] = &[
    ("post", "/api/v1/assess"),
    ("post", "/api/v1/assessments"),
    ("get", "/api/v1/plan"),
    ("get", "/api/v1/today"),
    ("post", "/api/v1/walks"),
    ("post", "/api/v1/mornings"),
    ("post", "/api/v1/exercises"),
    ("get", "/api/v1/journal"),
    ("get", "/api/v1/insights"),
    ("post", "/api/v1/session"),
    ("delete", "/api/v1/session"),
    ("get", "/api/v1/people"),
];

/// The OpenAPI description of the JSON API.
pub const OPENAPI: &str = include_str!("../openapi.json");

#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    db: Database,
    /// Accounts (a database or SQLite journal with users): every request is checked (`authz`).
    accounts: Option<amble_store::Accounts>,
    alerts: coach::AlertThresholds,
    kb: Arc<KnowledgeBase>,
    today: Option<Date>,
    /// The latest `?today=` accepted (default: the fixed today, or the clock plus a day).
    latest: Option<Date>,
    /// One cache per journal (key 0 without accounts), so nothing cached for one person is
    /// ever served to another.
    caches: std::sync::Mutex<std::collections::HashMap<i64, Arc<cache::JournalCache>>>,
    /// The coaches' lists as sent (`coach`).
    lists: cache::Lists,
    /// `amble serve --lan`: the names and addresses of this machine that `Host` may carry
    /// (besides loopback); any other is refused (DNS rebinding on the local network).
    lan_hosts: Option<Vec<String>>,
    /// Gait analyses running at once (each takes a core for up to a second or two per hour of
    /// recording), and how long an upload waits for one before the server answers 503.
    gait_analyses: GaitAnalyses,
    /// `--public-url`: links are built from it; with accounts, the only `Host` served.
    public_url: Option<client::PublicUrl>,
    /// `--trusted-proxy`: the peers whose `X-Forwarded-For` and `-Proto` are believed.
    trusted_proxies: Vec<client::TrustedProxy>,
    /// Password checks running at once (Argon2 takes 19 MiB and tens of milliseconds each).
    hashing: Arc<tokio::sync::Semaphore>,
}

/// The bound on gait analyses running at once (`/gait`): an upload waits up to `wait` for a
/// free slot, then gets 503 Service Unavailable with `Retry-After`.
#[derive(Clone)]
pub(crate) struct GaitAnalyses {
    pub(crate) slots: Arc<tokio::sync::Semaphore>,
    pub(crate) wait: std::time::Duration,
}

/// Gait analyses at once on a machine of `cores` cores: one core is left to the pages (an
/// analysis keeps a core busy for seconds), at least one analysis runs, at most four: on two
/// cores, one.
pub fn gait_slots(cores: usize) -> usize {
    cores.saturating_sub(1).clamp(1, 4)
}

/// How long an upload waits for a gait analysis slot before a 503 (seconds).
pub const GAIT_WAIT_S: u64 = 5;
/// What a 503 for a busy gait analysis asks the client to wait (`Retry-After`, seconds).
pub const GAIT_RETRY_AFTER_S: u64 = 10;

impl AppState {
    /// State for a journal folder. `today` fixes the date (like `--today`); `None` uses the
    /// local date of each request.
    pub fn new(data_dir: PathBuf, kb: KnowledgeBase, today: Option<Date>) -> AppState {
        AppState::with_database(Database::sqlite(&data_dir), kb, today)
    }

    /// State for any journal: the SQLite folder or a PostgreSQL database.
    pub fn with_database(db: Database, kb: KnowledgeBase, today: Option<Date>) -> AppState {
        AppState {
            inner: Arc::new(Inner {
                db,
                accounts: None,
                alerts: kb.coach.thresholds(),
                kb: Arc::new(kb),
                today,
                latest: None,
                caches: Default::default(),
                lists: Default::default(),
                lan_hosts: None,
                gait_analyses: GaitAnalyses {
                    slots: Arc::new(tokio::sync::Semaphore::new(gait_slots(
                        std::thread::available_parallelism().map_or(1, |n| n.get()),
                    ))),
                    wait: std::time::Duration::from_secs(GAIT_WAIT_S),
                },
                public_url: None,
                trusted_proxies: Vec::new(),
                hashing: Arc::new(tokio::sync::Semaphore::new(hashing_permits())),
            }),
        }
    }

    /// At most `slots` gait analyses at once; an upload waits up to `wait` for one, then gets
    /// 503 with `Retry-After` (the default: [`gait_slots`] of the machine's cores, 5 s).
    pub fn with_gait_analyses(mut self, slots: usize, wait: std::time::Duration) -> AppState {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.gait_analyses = GaitAnalyses {
                slots: Arc::new(tokio::sync::Semaphore::new(slots)),
                wait,
            };
        }
        self
    }

    pub(crate) fn gait_analyses(&self) -> &GaitAnalyses {
        &self.inner.gait_analyses
    }

    /// Accepts `?today=` up to `latest` (for tests and demonstrations that look ahead).
    pub fn with_latest_date(mut self, latest: Date) -> AppState {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.latest = Some(latest);
        }
        self
    }

    /// The date a request takes as today: `?today=` when given, which must be a real date from
    /// 1900 on and no later than the server's own today (its fixed date, or the clock plus a
    /// day for time zones); else the server's today. Errors are for the field `today`.
    pub(crate) fn today_from(&self, text: Option<&str>) -> Result<Date, String> {
        let Some(text) = text else {
            return Ok(self.today(None));
        };
        let d = amble_core::words::date(text).map_err(|e| format!("today: {e}"))?;
        let latest = self.inner.latest.or(self.inner.today).unwrap_or_else(|| {
            jiff::ZonedDateTime::now()
                .date()
                .saturating_add(jiff::ToSpan::days(1))
        });
        if d < amble_core::journal::EARLIEST_DATE || d > latest {
            return Err(format!(
                "today: {d} is out of range: it must be from {} to {latest}",
                amble_core::journal::EARLIEST_DATE
            ));
        }
        Ok(d)
    }

    pub fn kb(&self) -> &KnowledgeBase {
        &self.inner.kb
    }

    /// `?today=` if given, else the server's fixed date, else the local date.
    pub(crate) fn today(&self, query: Option<Date>) -> Date {
        query
            .or(self.inner.today)
            .unwrap_or_else(|| jiff::ZonedDateTime::now().date())
    }

    /// With accounts: every request signs in and is checked against `amble_core::access`.
    pub fn with_accounts(mut self, accounts: impl Into<amble_store::Accounts>) -> AppState {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.accounts = Some(accounts.into());
        }
        self
    }

    /// Serves the local network (`--lan`): only these names and addresses of this machine (and
    /// loopback) are accepted in `Host`, any port.
    pub fn with_lan_hosts(mut self, hosts: Vec<String>) -> AppState {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.lan_hosts = Some(hosts.into_iter().map(|h| h.to_ascii_lowercase()).collect());
        }
        self
    }

    pub(crate) fn lan_hosts(&self) -> Option<&[String]> {
        self.inner.lan_hosts.as_deref()
    }

    /// `--public-url`: links are built from it, and with accounts no other `Host` is served.
    pub fn with_public_url(mut self, url: PublicUrl) -> AppState {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.public_url = Some(url);
        }
        self
    }

    pub(crate) fn public_url(&self) -> Option<&PublicUrl> {
        self.inner.public_url.as_ref()
    }

    /// `--trusted-proxy`: only these peers' `X-Forwarded-For` and `-Proto` count.
    pub fn with_trusted_proxies(mut self, proxies: Vec<TrustedProxy>) -> AppState {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.trusted_proxies = proxies;
        }
        self
    }

    pub(crate) fn trusted_proxies(&self) -> &[TrustedProxy] {
        &self.inner.trusted_proxies
    }

    /// At most this many password checks at once (default: one per CPU).
    pub fn with_hashing_limit(mut self, permits: usize) -> AppState {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.hashing = Arc::new(tokio::sync::Semaphore::new(permits.max(1)));
        }
        self
    }

    pub(crate) fn hashing(&self) -> Arc<tokio::sync::Semaphore> {
        self.inner.hashing.clone()
    }

    /// The coach alerts' thresholds (a clinic's choice).
    pub fn with_alert_thresholds(mut self, t: coach::AlertThresholds) -> AppState {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.alerts = t;
        }
        self
    }

    pub(crate) fn alert_thresholds(&self) -> coach::AlertThresholds {
        self.inner.alerts
    }

    pub(crate) fn accounts(&self) -> Option<&amble_store::Accounts> {
        self.inner.accounts.as_ref()
    }

    pub(crate) fn database(&self) -> &Database {
        &self.inner.db
    }

    pub(crate) fn kb_arc(&self) -> Arc<KnowledgeBase> {
        self.inner.kb.clone()
    }

    /// The cache of one journal.
    /// The coaches' lists as sent, per coach.
    pub(crate) fn lists(&self) -> &cache::Lists {
        &self.inner.lists
    }

    pub(crate) fn journal_cache(&self, key: i64) -> Arc<cache::JournalCache> {
        let mut caches = self.inner.caches.lock().unwrap_or_else(|e| e.into_inner());
        caches.entry(key).or_default().clone()
    }
}

/// One password check at a time per CPU.
fn hashing_permits() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// Who may use a route, with accounts (without accounts there is one journal and no roles).
/// The role × route matrix of `tests/accounts.rs` is derived from [`ROUTES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone: assets, signing in and out, the API description, a calendar feed's secret
    /// address.
    Open,
    /// Anyone signed in (accepting an invite, a new calendar address).
    Signed,
    /// A coach or an admin: the people list and invites.
    Coach,
    /// One journal: its person reads and writes; a linked coach reads with `?person=`.
    Journal,
    /// An admin only: the clinic's accounts, links, invites, tokens and audit log.
    Admin,
}

/// One route of the app: its path, the methods it answers and who may use it.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    pub path: &'static str,
    /// Lower-case method names (`get`, `post`, `delete`).
    pub methods: &'static [&'static str],
    pub access: Access,
}

/// The route table: [`ROUTES`] and the router are made from the same lines, so a test that
/// walks [`ROUTES`] covers every route the app serves. A route is added here, never with
/// `.route(...)` elsewhere (tests/routes.rs checks).
macro_rules! route_table {
    ($( $path:literal, $access:ident $(, limit($lim:expr))? => $first:ident($h:expr) $(.$m:ident($hm:expr))* ; )*) => {
        /// Every route of the app (see [`Access`]).
        pub const ROUTES: &[Route] = &[
            $( Route {
                path: $path,
                methods: &[stringify!($first) $(, stringify!($m))*],
                access: Access::$access,
            }, )*
        ];

        fn with_routes(r: Router<AppState>) -> Router<AppState> {
            $(
                let method_router = $first($h) $(.$m($hm))*;
                $( let method_router = method_router.layer(DefaultBodyLimit::max($lim)); )?
                let r = r.route($path, method_router);
            )*
            r
        }
    };
}

route_table! {
    "/", Journal => get(pages::home);
    "/checkup", Journal => get(pages::checkup_form).post(pages::checkup_submit);
    "/checkup/{id}", Journal => get(pages::checkup_result);
    "/screen", Journal => get(pages::screen_form).post(pages::screen_submit);
    "/today", Journal => get(pages::today);
    "/walk", Journal => get(pages::walk);
    "/walk/track.mp3", Journal => get(pages::walk_track);
    "/checkin", Journal => get(pages::checkin_form).post(pages::checkin_submit);
    "/checkin/{id}", Journal => get(pages::checkin_result);
    "/plan", Journal => get(pages::plan);
    "/progress", Journal => get(pages::progress);
    "/insights", Journal => get(pages::insights);
    "/experiments", Journal => get(pages::experiments);
    "/report", Journal => get(pages::clinician_report);
    "/report.pdf", Journal => get(pages::clinician_report_pdf);
    "/calendar.ics", Journal => get(pages::calendar_ics);
    "/exercises", Journal => get(pages::exercises);
    "/exercises/{id}", Journal => get(pages::exercise_one);
    "/learn", Journal => get(pages::learn_index);
    "/learn/{id}", Journal => get(pages::learn_topic);
    "/log", Journal => get(pages::log_walk_form);
    "/log/walk", Journal => get(pages::log_walk_form).post(pages::log_walk);
    "/log/morning", Journal => get(pages::log_morning_form).post(pages::log_morning);
    "/log/exercise", Journal => get(pages::log_exercise_form).post(pages::log_exercise);
    "/journal", Journal => get(pages::journal);
    "/journal/{id}/gait", Journal => get(pages::walk_gait_page);
    "/gait", Journal, limit(pages::GAIT_UPLOAD_LIMIT) => get(pages::gait_form).post(pages::gait_upload);
    "/journal/needs-pain", Journal => get(pages::needs_pain_form).post(pages::needs_pain_submit);
    "/journal/{id}/edit", Journal => get(pages::edit_form).post(pages::edit_submit);
    "/journal/{id}/delete", Journal => get(pages::delete_form).post(pages::delete_submit);
    "/login", Open => get(auth::login_form).post(auth::login_submit);
    "/logout", Open => post(auth::logout);
    "/people", Coach => get(coach::people_page);
    "/people/invite", Coach => post(coach::invite);
    "/admin", Admin => get(admin::page);
    "/admin/invite", Admin => post(admin::invite);
    "/admin/invite/revoke", Admin => post(admin::revoke_invite);
    "/admin/token/revoke", Admin => post(admin::revoke_token);
    "/admin/user/disable", Admin => post(admin::disable);
    "/admin/user/enable", Admin => post(admin::enable);
    "/admin/unlink", Admin => post(admin::unlink);
    "/join/{secret}", Signed => get(coach::join_form).post(coach::join_submit);
    "/calendar/new", Signed => post(coach::calendar_new);
    "/calendar/{file}", Open => get(coach::calendar_feed);
    "/api/v1/session", Open => post(auth::session_create).delete(auth::session_delete);
    "/assets/app.css", Open => get(pages::css);
    "/assets/report.css", Open => get(pages::report_css);
    "/assets/timer.js", Open => get(pages::timer_js);
    "/assets/offline.js", Open => get(phone::offline_js);
    "/assets/icon-192.png", Open => get(phone::icon_192);
    "/assets/icon-512.png", Open => get(phone::icon_512);
    "/assets/icon-maskable-512.png", Open => get(phone::icon_maskable);
    "/manifest.webmanifest", Open => get(phone::manifest);
    "/sw.js", Open => get(phone::service_worker);
    "/favicon.ico", Open => get(phone::favicon);
    "/assets/walk.js", Open => get(pages::walk_js);
    "/assets/walk.css", Open => get(pages::walk_css);
    "/api/v1/assess", Journal => post(api::assess);
    "/api/v1/assessments", Journal => post(api::store_assessment);
    "/api/v1/plan", Journal => get(api::plan);
    "/api/v1/today", Journal => get(api::today);
    "/api/v1/walks", Journal => post(api::walk);
    "/api/v1/mornings", Journal => post(api::morning);
    "/api/v1/exercises", Journal => post(api::exercise);
    "/api/v1/journal", Journal => get(api::journal);
    "/api/v1/insights", Journal => get(api::insights);
    "/api/v1/openapi.json", Open => get(api::openapi);
    "/api/v1/people", Coach => get(api::people);
}

/// The whole application: pages, API, assets, security layers.
pub fn router(state: AppState) -> Router {
    with_routes(Router::new())
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn(cache::layer))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            phone::layer,
        ))
        .layer(axum::middleware::from_fn(request_log::note_user))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            authz::layer,
        ))
        .layer(axum::middleware::from_fn(json_body::require_json))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::guard,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            client::layer,
        ))
        .layer(axum::middleware::from_fn(api_errors::layer))
        .layer(axum::middleware::from_fn(hide_errors::layer))
        .layer(axum::middleware::from_fn(request_log::layer))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot start the server: {0}")]
    Runtime(std::io::Error),
}

/// Binds `addr`, calls `ready` with the URL being served (before any request is taken), and
/// serves until Ctrl-C. Builds its own runtime, so callers stay synchronous.
pub fn serve_blocking(
    addr: SocketAddr,
    state: AppState,
    ready: impl FnOnce(&str),
) -> Result<(), ServeError> {
    serve_blocking_with(addr, state, None, ready)
}

/// [`serve_blocking`], over HTTPS when given a TLS configuration ([`tls::server_config`]).
/// Requests that came over TLS are marked as such (`X-Forwarded-Proto: https`, replacing
/// anything the client sent), so session cookies get `Secure` and links say `https`.
pub fn serve_blocking_with(
    addr: SocketAddr,
    state: AppState,
    tls: Option<tokio_rustls::rustls::ServerConfig>,
    ready: impl FnOnce(&str),
) -> Result<(), ServeError> {
    let Some(config) = tls else {
        return serve_plain(addr, state, ready);
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    rt.block_on(async move {
        let tcp = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| ServeError::Bind { addr, source })?;
        let listener = tls::TlsListener::new(tcp, config).map_err(ServeError::Runtime)?;
        let local = axum::serve::Listener::local_addr(&listener).map_err(ServeError::Runtime)?;
        ready(&format!("https://{local}/"));
        let app = router(state).layer(axum::middleware::map_request(
            |mut req: axum::extract::Request| async move {
                req.extensions_mut().insert(client::OverTls);
                req
            },
        ));
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<client::TlsPeer>(),
        )
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(ServeError::Runtime)
    })
}

fn serve_plain(
    addr: SocketAddr,
    state: AppState,
    ready: impl FnOnce(&str),
) -> Result<(), ServeError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| ServeError::Bind { addr, source })?;
        let local = listener.local_addr().map_err(ServeError::Runtime)?;
        ready(&format!("http://{local}/"));
        axum::serve(
            listener,
            router(state).into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(ServeError::Runtime)
    })
}
