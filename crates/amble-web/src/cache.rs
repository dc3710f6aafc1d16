//! One long-lived reader connection and a cache of what the pages need, keyed by the journal's
//! version: the decoded entries, the replayed plan for the last few dates asked, and the
//! serialised journal document. A change from anywhere (this server, the CLI in another
//! process) changes SQLite's data version, and the next request reloads; the server's own
//! writes also clear the cache at once.
//!
//! The cache's own lock is held only to look things up and put them in, never across a
//! database read or a replay: the reader connection has a lock of its own (a SQLite connection
//! serves one read at a time, and its data version is its own), so a page already cached is
//! served while the journal is being read again.

use std::sync::{Arc, Mutex, MutexGuard};

use amble_core::coach::{Alert, AlertThresholds};
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

/// What the coach's list shows of one journal, as of one date: computed once per journal
/// version, never per view.
#[derive(Debug, Clone)]
pub(crate) struct Summary {
    pub plan_status: Option<&'static str>,
    pub last_entry: Option<String>,
    pub alerts: Vec<Alert>,
}

#[derive(Default)]
struct State {
    /// The reader's data version when `entries` was read.
    seen: Option<i64>,
    /// Bumped whenever the cached view is replaced, so derived values can tell.
    generation: u64,
    entries: Option<Arc<Vec<Entry>>>,
    replays: Vec<(Date, Option<Arc<Replay>>)>,
    journal_json: Option<Arc<String>>,
    /// (date, URI) -> response, for reads that depend only on the journal, the date and the URI.
    pages: Vec<((Date, String), Rendered)>,
    /// The coach's list's summary per date and thresholds.
    summaries: Vec<((Date, AlertThresholds), Arc<Summary>)>,
}

#[derive(Default)]
pub(crate) struct JournalCache {
    state: Mutex<State>,
    /// The long-lived reader, locked while it reads (never together with `state`'s lock held
    /// across the read).
    reader: Mutex<Option<DynStore>>,
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
        s.summaries.clear();
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

    /// The current entries (blocking: call from a blocking thread). The database is read with
    /// only the reader's lock held; the cache's lock is taken around it, briefly.
    pub fn snapshot(&self, db: &Database) -> Result<Snapshot, StoreError> {
        let mut reader = self.reader.lock().unwrap_or_else(|e| e.into_inner());
        if reader.is_none() {
            *reader = db.open_existing()?;
        }
        let Some(reader) = reader.as_ref() else {
            // No journal yet: nothing to cache.
            return Ok(Snapshot {
                generation: self.lock().generation,
                entries: Arc::new(Vec::new()),
            });
        };
        let version = reader.version()?;
        {
            let s = self.lock();
            if s.seen == Some(version)
                && let Some(entries) = &s.entries
            {
                return Ok(Snapshot {
                    generation: s.generation,
                    entries: entries.clone(),
                });
            }
        }
        let entries = Arc::new(reader.list()?);
        let mut s = self.lock();
        s.seen = Some(version);
        s.generation += 1;
        s.entries = Some(entries.clone());
        s.replays.clear();
        s.journal_json = None;
        s.pages.clear();
        s.summaries.clear();
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
        Ok((self.replay_of(&snap, kb, today), snap.entries))
    }

    /// The plan of a snapshot as of `today`, cached while the snapshot is current.
    fn replay_of(&self, snap: &Snapshot, kb: &KnowledgeBase, today: Date) -> Option<Arc<Replay>> {
        {
            let s = self.lock();
            if s.generation == snap.generation
                && let Some((_, r)) = s.replays.iter().find(|(d, _)| *d == today)
            {
                return r.clone();
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
        r
    }

    /// The coach's list's summary if the journal is still at `version` (read for many
    /// journals at once by the caller) and it was computed already: no database read.
    pub fn summary_at(
        &self,
        version: i64,
        today: Date,
        t: AlertThresholds,
    ) -> Option<Arc<Summary>> {
        let s = self.lock();
        if s.seen != Some(version) || s.entries.is_none() {
            return None;
        }
        s.summaries
            .iter()
            .find(|(k, _)| *k == (today, t))
            .map(|(_, v)| v.clone())
    }

    /// The coach's list's summary of the current journal as of `today`: computed once per
    /// journal version (the plan's status, the last entry's date, the alerts).
    pub fn summary(
        &self,
        db: &Database,
        kb: &KnowledgeBase,
        today: Date,
        t: AlertThresholds,
    ) -> Result<Arc<Summary>, StoreError> {
        let snap = self.snapshot(db)?;
        {
            let s = self.lock();
            if s.generation == snap.generation
                && let Some((_, v)) = s.summaries.iter().find(|(k, _)| *k == (today, t))
            {
                return Ok(v.clone());
            }
        }
        let replayed = self.replay_of(&snap, kb, today);
        let summary = Arc::new(Summary {
            plan_status: replayed.as_ref().map(|r| r.plan.status.as_str()),
            last_entry: snap
                .entries
                .iter()
                .map(Entry::date)
                .max()
                .map(|d| d.to_string()),
            alerts: amble_core::coach::alerts(&snap.entries, replayed.as_deref(), today, t),
        });
        let mut s = self.lock();
        if s.generation == snap.generation {
            if s.summaries.len() >= REPLAYS_KEPT {
                s.summaries.remove(0);
            }
            s.summaries.push(((today, t), summary.clone()));
        }
        Ok(summary)
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

/// What a coach's list was made from: the date, the thresholds, and each person (id, email,
/// journal version) in order. The same key, the same list.
pub(crate) type ListKey = (Date, AlertThresholds, Vec<(i64, String, i64)>);

/// Lists kept (coaches and forms) before the oldest are dropped.
const LISTS_KEPT: usize = 1024;

/// The coach's lists as sent, per coach and form (page or JSON), with what each was made from:
/// a view whose people and versions are all as before sends the same bytes again without
/// rendering 200 rows.
#[derive(Default)]
pub(crate) struct Lists {
    kept: Mutex<std::collections::HashMap<(i64, bool), (ListKey, axum::body::Bytes)>>,
}

impl Lists {
    fn lock(
        &self,
    ) -> MutexGuard<'_, std::collections::HashMap<(i64, bool), (ListKey, axum::body::Bytes)>> {
        self.kept.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The list kept for coach `who` (and form) if it was made from `key`.
    pub fn get(&self, who: (i64, bool), key: &ListKey) -> Option<axum::body::Bytes> {
        match self.lock().get(&who) {
            Some((k, body)) if k == key => Some(body.clone()),
            _ => None,
        }
    }

    pub fn keep(&self, who: (i64, bool), key: ListKey, body: axum::body::Bytes) {
        let mut kept = self.lock();
        if kept.len() >= LISTS_KEPT && !kept.contains_key(&who) {
            kept.clear();
        }
        kept.insert(who, (key, body));
    }
}
