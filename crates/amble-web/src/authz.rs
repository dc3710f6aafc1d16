//! Who is asking and whose journal they may use, decided in one place for every request
//! (contract §12). The only way for a handler to reach journal data is a [`Scoped`] state,
//! made here from the request after the check; a route that skipped the check has none and
//! fails closed.
//!
//! Without accounts (a SQLite journal, or a PostgreSQL database with no user) every request is
//! scoped to the one journal, as before. With accounts: a session cookie or an API token names
//! the user; `?person=EMAIL` names whose data (default: one's own); the table in
//! `amble_core::access` decides; every access is written to the audit log.

use std::sync::Arc;

use amble_core::access::{self, Action, Relation};
use amble_store::accounts::User;
use amble_store::{Database, DynStore, StoreError};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::civil::Date;

use crate::AppState;
use crate::cache::{self, JournalCache};
use crate::credentials::{bearer_token, session_cookie};

/// The journal a request may use, after the check. Made only by [`layer`].
pub(crate) struct Scope {
    db: Database,
    cache: Arc<JournalCache>,
    /// The server's today when the request came (keys the page cache).
    pub today: Date,
}

/// A signed-in coach or admin on a route that reads no single journal (`/api/v1/people`).
#[derive(Clone)]
pub(crate) struct Signed(pub User);

/// The accounts database and the signed-in user, on routes the check marked [`Signed`];
/// `None` without accounts.
pub(crate) fn signed_in(
    app: &AppState,
    signed: Option<axum::Extension<Signed>>,
) -> Option<(amble_store::Accounts, User)> {
    match (app.accounts().cloned(), signed) {
        (Some(pg), Some(axum::Extension(Signed(user)))) => Some((pg, user)),
        _ => None,
    }
}

/// The app state for one request, bound to the journal the check allowed.
pub(crate) struct Scoped {
    app: AppState,
    scope: Arc<Scope>,
}

impl std::ops::Deref for Scoped {
    type Target = AppState;
    fn deref(&self) -> &AppState {
        &self.app
    }
}

impl FromRequestParts<AppState> for Scoped {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, Response> {
        match parts.extensions.get::<Arc<Scope>>() {
            Some(scope) => Ok(Scoped {
                app: app.clone(),
                scope: scope.clone(),
            }),
            None => Err((StatusCode::FORBIDDEN, "not signed in").into_response()),
        }
    }
}

impl Scoped {
    /// Runs `f` with the journal's cache on a blocking thread.
    async fn cached<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&JournalCache, &Database) -> Result<T, StoreError> + Send + 'static,
    {
        let scope = self.scope.clone();
        tokio::task::spawn_blocking(move || f(&scope.cache, &scope.db))
            .await
            .map_err(|e| StoreError::Database(format!("background task failed: {e}")))?
    }

    /// Every entry, oldest first (cached per journal version).
    pub(crate) async fn entries(&self) -> Result<Arc<Vec<amble_core::journal::Entry>>, StoreError> {
        self.cached(|c, db| c.snapshot(db).map(|s| s.entries)).await
    }

    /// The plan as of `today` and the entries it came from, cached per journal version and date.
    pub(crate) async fn replay(&self, today: Date) -> Result<cache::Current, StoreError> {
        let kb = self.app.kb_arc();
        self.cached(move |c, db| c.replay(db, &kb, today)).await
    }

    /// The `amble.journal/1` document as JSON (cached per journal version).
    pub(crate) async fn journal_json(&self) -> Result<Arc<String>, StoreError> {
        self.cached(|c, db| c.journal_json(db)).await
    }

    /// Stores a new entry and returns it with its id.
    pub(crate) async fn add_entry(
        &self,
        entry: amble_core::journal::Entry,
    ) -> Result<amble_core::journal::Entry, StoreError> {
        self.with_store(true, move |s| match s {
            Some(s) => amble_store::Store::add(s, entry),
            None => Err(StoreError::Database(
                "the journal could not be opened".into(),
            )),
        })
        .await
    }

    /// Stores a new entry once per client reference (contract §13): `true` when stored now,
    /// `false` with the first entry when the reference was already used in this journal.
    /// Without a reference, a plain add.
    pub(crate) async fn add_entry_once(
        &self,
        entry: amble_core::journal::Entry,
        client_ref: Option<String>,
    ) -> Result<(amble_core::journal::Entry, bool), StoreError> {
        let Some(client_ref) = client_ref else {
            return self.add_entry(entry).await.map(|e| (e, true));
        };
        self.with_store(true, move |s| match s {
            Some(s) => amble_store::Store::add_once(s, entry, &client_ref),
            None => Err(StoreError::Database(
                "the journal could not be opened".into(),
            )),
        })
        .await
    }

    /// Runs a store operation on a blocking thread (the store is synchronous).
    pub(crate) async fn with_store<T, F>(&self, write: bool, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(Option<&mut DynStore>) -> Result<T, StoreError> + Send + 'static,
    {
        let scope = self.scope.clone();
        tokio::task::spawn_blocking(move || {
            if write {
                let mut s = scope.db.open()?;
                let out = f(Some(&mut s));
                scope.cache.invalidate();
                out
            } else {
                match scope.db.open_existing()? {
                    Some(mut s) => f(Some(&mut s)),
                    None => f(None),
                }
            }
        })
        .await
        .map_err(|e| StoreError::Database(format!("background task failed: {e}")))?
    }
}

/// The journal's version (for the page cache layer).
pub(crate) async fn generation_of(scope: &Arc<Scope>) -> Result<u64, StoreError> {
    let scope = scope.clone();
    tokio::task::spawn_blocking(move || scope.cache.snapshot(&scope.db).map(|s| s.generation))
        .await
        .map_err(|e| StoreError::Database(format!("background task failed: {e}")))?
}

/// The journal's cache (for the page cache layer).
pub(crate) fn cache_of(scope: &Arc<Scope>) -> Arc<JournalCache> {
    scope.cache.clone()
}

/// Routes open without signing in.
fn open_route(method: &Method, path: &str) -> bool {
    let _ = method;
    path.starts_with("/assets/")
        // A calendar feed's secret address is its own key (calendar apps cannot sign in).
        || (path.starts_with("/calendar/") && path.ends_with(".ics"))
        || path == "/login"
        || path == "/logout"
        || path == "/api/v1/session"
        || path == "/api/v1/openapi.json"
        || crate::phone::open_route(path)
}

/// Checks every request and gives it its scope (see the module documentation).
pub(crate) async fn layer(State(app): State<AppState>, mut req: Request, next: Next) -> Response {
    let Some(pg) = app.accounts() else {
        // No accounts: the one journal.
        let scope = Arc::new(Scope {
            db: app.database().clone(),
            cache: app.journal_cache(0),
            today: app.today(None),
        });
        req.extensions_mut().insert(scope);
        return next.run(req).await;
    };
    let path = req.uri().path().to_string();
    if open_route(req.method(), &path) {
        return next.run(req).await;
    }
    let api = path.starts_with("/api/");
    let join = path.starts_with("/join/") || path == "/calendar/new";
    // The admin page: admins only (and no journal is opened).
    let admin = path == "/admin" || path.starts_with("/admin/");
    if path == "/api/v1/people" || path == "/people" || path == "/people/invite" || join || admin {
        // The coach's list and invites: signed in as a coach or admin; no journal of anyone's
        // is opened here, only the linked people's (the handler asks the same check for each).
        // An invite is accepted by whoever signed in (the handler takes people only).
        let pg2 = pg.clone();
        let headers = req.headers().clone();
        let who = tokio::task::spawn_blocking(move || user_of(&pg2, &headers)).await;
        return match who {
            Ok(Ok(Some(u)))
                if (admin && u.role == amble_core::access::Role::Admin)
                    || (!admin && (join || u.role != amble_core::access::Role::Person)) =>
            {
                req.extensions_mut().insert(crate::phone::Account(u.id));
                req.extensions_mut().insert(Signed(u));
                next.run(req).await
            }
            Ok(Ok(Some(u))) => {
                let (pg2, method) = (pg.clone(), req.method().clone());
                let _ =
                    tokio::task::spawn_blocking(move || refused(&pg2, &u, None, &method, &path))
                        .await;
                (
                    StatusCode::FORBIDDEN,
                    axum::Json(serde_json::json!({"error": "not allowed"})),
                )
                    .into_response()
            }
            Ok(Ok(None)) if !api => {
                Redirect::to(&format!("/login?next={}", url_encode(&path))).into_response()
            }
            Ok(Ok(None)) => (
                StatusCode::UNAUTHORIZED,
                axum::Json(serde_json::json!({"error": "sign in first"})),
            )
                .into_response(),
            _ => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the check could not be made",
            )
                .into_response(),
        };
    }
    let headers = req.headers().clone();
    let query = req.uri().query().map(str::to_string);
    let method = req.method().clone();
    let pg2 = pg.clone();
    let decided = tokio::task::spawn_blocking(move || {
        decide(&pg2, &headers, query.as_deref(), &method, &path)
    })
    .await
    .unwrap_or(Err(Denied::Error));
    match decided {
        Ok((actor, _person, journal)) => {
            let scope = Arc::new(Scope {
                db: pg.journal(journal),
                cache: app.journal_cache(journal),
                today: app.today(None),
            });
            req.extensions_mut().insert(scope);
            req.extensions_mut().insert(crate::phone::Account(actor.id));
            next.run(req).await
        }
        Err(Denied::NotSignedIn) if api => (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            axum::Json(serde_json::json!({"error": "sign in first: POST /api/v1/session, or Authorization: Bearer TOKEN"})),
        )
            .into_response(),
        Err(Denied::NotSignedIn) => {
            let back = req.uri().path_and_query().map_or("/", |p| p.as_str());
            let next_q: String = url_encode(back);
            Redirect::to(&format!("/login?next={next_q}")).into_response()
        }
        Err(Denied::Forbidden) => (
            StatusCode::FORBIDDEN,
            if api {
                axum::Json(serde_json::json!({"error": "not allowed"})).into_response()
            } else {
                "Not allowed: this is not yours to see or change.".into_response()
            },
        )
            .into_response(),
        Err(Denied::Error) => (StatusCode::INTERNAL_SERVER_ERROR, "the check could not be made").into_response(),
    }
}

pub(crate) fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

enum Denied {
    NotSignedIn,
    Forbidden,
    Error,
}

/// The signed-in user from a session cookie or a bearer token.
pub(crate) fn user_of(
    pg: &amble_store::Accounts,
    headers: &axum::http::HeaderMap,
) -> Result<Option<User>, StoreError> {
    if let Some(token) = bearer_token(headers) {
        return pg.user_by_token(&token);
    }
    match session_cookie(headers) {
        Some(secret) => pg.user_by_session(&secret),
        None => Ok(None),
    }
}

fn decide(
    pg: &amble_store::Accounts,
    headers: &axum::http::HeaderMap,
    query: Option<&str>,
    method: &Method,
    path: &str,
) -> Result<(User, User, i64), Denied> {
    let actor = user_of(pg, headers)
        .map_err(|_| Denied::Error)?
        .ok_or(Denied::NotSignedIn)?;
    // Whose data: ?person=EMAIL, else one's own.
    let wanted: Option<String> = query.and_then(|q| {
        serde_urlencoded::from_str::<Vec<(String, String)>>(q)
            .ok()?
            .into_iter()
            .find(|(k, _)| k == "person")
            .map(|(_, v)| v)
    });
    let person = match &wanted {
        None => actor.clone(),
        Some(email) => match pg.user(email) {
            Ok(Some(u)) => u,
            // An unknown or malformed email looks the same as one not linked: no probing.
            _ => return Err(refused(pg, &actor, None, method, path)),
        },
    };
    let relation = if person.id == actor.id {
        Relation::Own
    } else if pg
        .is_linked(actor.id, person.id)
        .map_err(|_| Denied::Error)?
    {
        Relation::Linked
    } else {
        Relation::Other
    };
    let action = if *method == Method::GET || *method == Method::HEAD {
        Action::ReadHealth
    } else {
        Action::WriteHealth
    };
    if !access::allowed(actor.role, relation, action) {
        return Err(refused(pg, &actor, Some(person.id), method, path));
    }
    let Some(journal) = person.journal else {
        return Err(refused(pg, &actor, Some(person.id), method, path));
    };
    // Reads too: who looked at whose data.
    pg.audit(
        actor.id,
        Some(person.id),
        if action == Action::ReadHealth {
            "read"
        } else {
            "write"
        },
        &format!("{method} {path}"),
    )
    .map_err(|_| Denied::Error)?;
    Ok((actor, person, journal))
}

/// A refused request, in the audit log (who asked, for whose data if known, which route):
/// `Forbidden`, or `Error` when the record could not be written.
fn refused(
    pg: &amble_store::Accounts,
    actor: &User,
    person: Option<i64>,
    method: &Method,
    path: &str,
) -> Denied {
    match pg.audit_event(
        Some(actor.id),
        person,
        "refused",
        &format!("{method} {path}"),
    ) {
        Ok(()) => Denied::Forbidden,
        Err(_) => Denied::Error,
    }
}

/// The journals of the people linked to a coach (or admin), each through the same decision as
/// a single request: `(person, journal, version)`, the version where the engine tells it with
/// the list (one query for the list, the links and the versions: being on the list is the
/// link). Audited as one record per view of the list.
pub(crate) fn linked_journals(
    pg: &amble_store::Accounts,
    actor: &User,
) -> Result<Vec<(User, Database, Option<i64>)>, StoreError> {
    let mut out = Vec::new();
    for (person, version) in pg.linked_people_versions(actor.id)? {
        if !access::allowed(actor.role, Relation::Linked, Action::ReadHealth) {
            continue;
        }
        let Some(journal) = person.journal else {
            continue;
        };
        out.push((person, pg.journal(journal), version));
    }
    // One record per view of the list, naming whose data it showed (ids, never emails).
    let ids: Vec<String> = out.iter().map(|(p, _, _)| p.id.to_string()).collect();
    pg.audit_event(
        Some(actor.id),
        None,
        "read-list",
        &format!("people list: {} ({})", ids.len(), ids.join(",")),
    )?;
    Ok(out)
}
