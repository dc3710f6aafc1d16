//! `amble serve`: Amble in the browser, on the same journal as the CLI, on the person's own
//! machine. Server-rendered HTML that works without JavaScript, and a JSON API under `/api/v1`
//! with the documents of the scripting contract. Every decision is made by `amble-core`.

mod api;
mod api_errors;
mod audit_events;
mod auth;
mod authz;
mod cache;
pub mod clinician;
pub mod coach;
mod forms;
mod hide_errors;
pub mod ics;
pub(crate) mod json_body;
mod pages;
mod phone;
mod request_log;
mod security;
pub mod tls;
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

/// Stack of the server's threads (the replay of a journal with hundreds of check-ups goes
/// deep; the default 2 MiB overflowed, which aborts the whole process). Reserved, not used.
const SERVER_THREAD_STACK: usize = 32 * 1024 * 1024;

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
    /// `amble serve --lan`: the names and addresses of this machine that `Host` may carry
    /// (besides loopback); any other is refused (DNS rebinding on the local network).
    lan_hosts: Option<Vec<String>>,
}

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
                alerts: coach::AlertThresholds::default(),
                kb: Arc::new(kb),
                today,
                latest: None,
                caches: Default::default(),
                lan_hosts: None,
            }),
        }
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
    pub(crate) fn journal_cache(&self, key: i64) -> Arc<cache::JournalCache> {
        let mut caches = self.inner.caches.lock().unwrap_or_else(|e| e.into_inner());
        caches.entry(key).or_default().clone()
    }
}

/// The whole application: pages, API, assets, security layers.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(pages::home))
        .route(
            "/checkup",
            get(pages::checkup_form).post(pages::checkup_submit),
        )
        .route("/checkup/{id}", get(pages::checkup_result))
        .route(
            "/screen",
            get(pages::screen_form).post(pages::screen_submit),
        )
        .route("/today", get(pages::today))
        .route("/walk", get(pages::walk))
        .route("/walk/track.mp3", get(pages::walk_track))
        .route(
            "/checkin",
            get(pages::checkin_form).post(pages::checkin_submit),
        )
        .route("/checkin/{id}", get(pages::checkin_result))
        .route("/plan", get(pages::plan))
        .route("/progress", get(pages::progress))
        .route("/insights", get(pages::insights))
        .route("/experiments", get(pages::experiments))
        .route("/report", get(pages::clinician_report))
        .route("/report.pdf", get(pages::clinician_report_pdf))
        .route("/calendar.ics", get(pages::calendar_ics))
        .route("/exercises", get(pages::exercises))
        .route("/exercises/{id}", get(pages::exercise_one))
        .route("/learn", get(pages::learn_index))
        .route("/learn/{id}", get(pages::learn_topic))
        .route("/log", get(pages::log_walk_form))
        .route("/log/walk", get(pages::log_walk_form).post(pages::log_walk))
        .route(
            "/log/morning",
            get(pages::log_morning_form).post(pages::log_morning),
        )
        .route(
            "/log/exercise",
            get(pages::log_exercise_form).post(pages::log_exercise),
        )
        .route("/journal", get(pages::journal))
        .route("/journal/{id}/gait", get(pages::walk_gait_page))
        .route(
            "/gait",
            get(pages::gait_form)
                .post(pages::gait_upload)
                .layer(DefaultBodyLimit::max(pages::GAIT_UPLOAD_LIMIT)),
        )
        .route(
            "/journal/needs-pain",
            get(pages::needs_pain_form).post(pages::needs_pain_submit),
        )
        .route(
            "/journal/{id}/edit",
            get(pages::edit_form).post(pages::edit_submit),
        )
        .route(
            "/journal/{id}/delete",
            get(pages::delete_form).post(pages::delete_submit),
        )
        .route("/login", get(auth::login_form).post(auth::login_submit))
        .route("/logout", post(auth::logout))
        .route("/people", get(coach::people_page))
        .route("/people/invite", post(coach::invite))
        .route(
            "/join/{secret}",
            get(coach::join_form).post(coach::join_submit),
        )
        .route("/calendar/new", post(coach::calendar_new))
        .route("/calendar/{file}", get(coach::calendar_feed))
        .route(
            "/api/v1/session",
            post(auth::session_create).delete(auth::session_delete),
        )
        .route("/assets/app.css", get(pages::css))
        .route("/assets/report.css", get(pages::report_css))
        .route("/assets/timer.js", get(pages::timer_js))
        .route("/assets/offline.js", get(phone::offline_js))
        .route("/assets/icon-192.png", get(phone::icon_192))
        .route("/assets/icon-512.png", get(phone::icon_512))
        .route("/assets/icon-maskable-512.png", get(phone::icon_maskable))
        .route("/manifest.webmanifest", get(phone::manifest))
        .route("/sw.js", get(phone::service_worker))
        .route("/favicon.ico", get(phone::favicon))
        .route("/assets/walk.js", get(pages::walk_js))
        .route("/assets/walk.css", get(pages::walk_css))
        .route("/api/v1/assess", post(api::assess))
        .route("/api/v1/assessments", post(api::store_assessment))
        .route("/api/v1/plan", get(api::plan))
        .route("/api/v1/today", get(api::today))
        .route("/api/v1/walks", post(api::walk))
        .route("/api/v1/mornings", post(api::morning))
        .route("/api/v1/exercises", post(api::exercise))
        .route("/api/v1/journal", get(api::journal))
        .route("/api/v1/insights", get(api::insights))
        .route("/api/v1/openapi.json", get(api::openapi))
        .route("/api/v1/people", get(api::people))
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
        .thread_stack_size(SERVER_THREAD_STACK)
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
                req.headers_mut().insert(
                    "x-forwarded-proto",
                    axum::http::HeaderValue::from_static("https"),
                );
                req
            },
        ));
        axum::serve(listener, app)
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
        .thread_stack_size(SERVER_THREAD_STACK)
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| ServeError::Bind { addr, source })?;
        let local = listener.local_addr().map_err(ServeError::Runtime)?;
        ready(&format!("http://{local}/"));
        axum::serve(listener, router(state))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(ServeError::Runtime)
    })
}
