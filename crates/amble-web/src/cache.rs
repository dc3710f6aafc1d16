//! One long-lived reader connection and a cache of what the pages need, keyed by the journal's
//! version: the decoded entries, the replayed plan for the last few dates asked, and the
//! serialised journal document. A change from anywhere (this server, the CLI in another
//! process) changes SQLite's data version, and the next request reloads; the server's own
//! writes also clear the cache at once.

use std::sync::{Arc, Mutex, MutexGuard};

use amble_core::journal::Entry;
use amble_core::knowledge::KnowledgeBase;
use amble_core::plan::{self, Replay};
use amble_store::{Database, DynStore, Store, StoreError};
use jiff::civil::Date;

/// Replays kept per journal version (one per date asked: today, and `?today=` views).
const REPLAYS_KEPT: usize = 8;
/// Rendered responses kept per journal version.
const PAGES_KEPT: usize = 64;

/// A rendered response: its content type and body.
#[derive(Clone)]
pub(crate) struct Rendered {
    pub headers: axum::http::HeaderMap,
    pub body: axum::body::Bytes,
}

#[derive(Default)]
struct State {
    reader: Option<DynStore>,
    /// The reader's data version when `entries` was read.
    seen: Option<i64>,
    /// Bumped whenever the cached view is replaced, so derived values can tell.
    generation: u64,
    entries: Option<Arc<Vec<Entry>>>,
    replays: Vec<(Date, Option<Arc<Replay>>)>,
    journal_json: Option<Arc<String>>,
    /// (date, URI) -> response, for reads that depend only on the journal, the date and the URI.
    pages: Vec<((Date, String), Rendered)>,
}

#[derive(Default)]
pub(crate) struct JournalCache {
    state: Mutex<State>,
}

/// The plan as of a date (`None` before the first check-up) and the entries it came from.
pub(crate) type Current = (Option<Arc<Replay>>, Arc<Vec<Entry>>);

/// The journal as of one moment.
#[derive(Clone)]
pub(crate) struct Snapshot {
    pub generation: u64,
    pub entries: Arc<Vec<Entry>>,
}

impl JournalCache {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Forgets everything cached (after this server wrote).
    pub fn invalidate(&self) {
        let mut s = self.lock();
        s.entries = None;
        s.replays.clear();
        s.journal_json = None;
        s.pages.clear();
        s.generation += 1;
    }

    /// A cached response for `key` rendered from journal version `generation`.
    pub fn page(&self, generation: u64, key: &(Date, String)) -> Option<Rendered> {
        let s = self.lock();
        if s.generation != generation {
            return None;
        }
        s.pages
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, r)| r.clone())
    }

    /// Keeps a response rendered from journal version `generation`.
    pub fn keep_page(&self, generation: u64, key: (Date, String), page: Rendered) {
        let mut s = self.lock();
        if s.generation != generation {
            return;
        }
        if s.pages.len() >= PAGES_KEPT {
            s.pages.remove(0);
        }
        s.pages.push((key, page));
    }

    /// The current entries (blocking: call from a blocking thread).
    pub fn snapshot(&self, db: &Database) -> Result<Snapshot, StoreError> {
        let mut s = self.lock();
        if s.reader.is_none() {
            s.reader = db.open_existing()?;
        }
        let Some(reader) = s.reader.as_ref() else {
            // No journal yet: nothing to cache.
            return Ok(Snapshot {
                generation: s.generation,
                entries: Arc::new(Vec::new()),
            });
        };
        let version = reader.version()?;
        if s.seen == Some(version)
            && let Some(entries) = &s.entries
        {
            return Ok(Snapshot {
                generation: s.generation,
                entries: entries.clone(),
            });
        }
        let entries = Arc::new(reader.list()?);
        s.seen = Some(version);
        s.generation += 1;
        s.entries = Some(entries.clone());
        s.replays.clear();
        s.journal_json = None;
        s.pages.clear();
        Ok(Snapshot {
            generation: s.generation,
            entries,
        })
    }

    /// The plan replayed as of `today` for the current journal (`None`: no check-up yet).
    pub fn replay(
        &self,
        db: &Database,
        kb: &KnowledgeBase,
        today: Date,
    ) -> Result<Current, StoreError> {
        let snap = self.snapshot(db)?;
        {
            let s = self.lock();
            if s.generation == snap.generation
                && let Some((_, r)) = s.replays.iter().find(|(d, _)| *d == today)
            {
                return Ok((r.clone(), snap.entries));
            }
        }
        // Replay outside the lock: other requests keep being served meanwhile.
        let r = plan::replay(&snap.entries, today, kb).ok().map(Arc::new);
        let mut s = self.lock();
        if s.generation == snap.generation {
            if s.replays.len() >= REPLAYS_KEPT {
                s.replays.remove(0);
            }
            s.replays.push((today, r.clone()));
        }
        Ok((r, snap.entries))
    }

    /// The `amble.journal/1` document as JSON text.
    pub fn journal_json(&self, db: &Database) -> Result<Arc<String>, StoreError> {
        let snap = self.snapshot(db)?;
        {
            let s = self.lock();
            if s.generation == snap.generation
                && let Some(j) = &s.journal_json
            {
                return Ok(j.clone());
            }
        }
        #[derive(serde::Serialize)]
        struct Doc<'a> {
            schema: &'static str,
            entries: &'a [Entry],
        }
        let doc = Doc {
            schema: amble_core::journal::JOURNAL_SCHEMA,
            entries: &snap.entries,
        };
        let text =
            Arc::new(serde_json::to_string(&doc).map_err(|e| StoreError::Database(e.to_string()))?);
        let mut s = self.lock();
        if s.generation == snap.generation {
            s.journal_json = Some(text.clone());
        }
        Ok(text)
    }
}

/// Serves repeated reads from the cache: a GET page or API read depends only on the journal,
/// the date taken as today and the URI, so while none of them changes the rendered response is
/// reused. Only successful responses are kept; writes clear the cache.
pub(crate) async fn layer(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::{Method, StatusCode, header};
    use axum::response::IntoResponse;
    let path = req.uri().path();
    let cacheable = req.method() == Method::GET
        && !path.starts_with("/assets/")
        && path != "/api/v1/journal"
        // The walk's audio track: large, made from its address alone, served in ranges.
        && path != "/walk/track.mp3"
        && req.uri().query().is_none_or(|q| !q.contains("saved="));
    // The journal this request may use (set by the check before this layer); no scope, no
    // cache. The cache is the journal's own, so a page is never served to anyone else.
    let Some(scope) = req
        .extensions()
        .get::<std::sync::Arc<crate::authz::Scope>>()
        .cloned()
    else {
        return next.run(req).await;
    };
    if !cacheable {
        return next.run(req).await;
    }
    let Ok(generation) = crate::authz::generation_of(&scope).await else {
        return next.run(req).await;
    };
    // The page names the signed-in account (the sign-out control, the offline queue's key).
    let key = (
        scope.today,
        format!("{}{}", crate::phone::account_key(), req.uri()),
    );
    let cache = crate::authz::cache_of(&scope);
    if let Some(hit) = cache.page(generation, &key) {
        let mut resp = (StatusCode::OK, hit.body).into_response();
        resp.headers_mut().extend(hit.headers);
        return resp;
    }
    let resp = next.run(req).await;
    if resp.status() != StatusCode::OK {
        return resp;
    }
    if resp.headers().get(header::CONTENT_TYPE).is_none() {
        return resp;
    }
    // The response's own headers (type, a download's file name), not the security layer's.
    let headers: axum::http::HeaderMap = resp
        .headers()
        .iter()
        .filter(|(k, _)| *k == header::CONTENT_TYPE || *k == header::CONTENT_DISPOSITION)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let (parts, body) = resp.into_parts();
    match axum::body::to_bytes(body, 8 * 1024 * 1024).await {
        Ok(bytes) => {
            cache.keep_page(
                generation,
                key,
                Rendered {
                    headers,
                    body: bytes.clone(),
                },
            );
            axum::response::Response::from_parts(parts, axum::body::Body::from(bytes))
        }
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "the page could not be rendered",
        )
            .into_response(),
    }
}
