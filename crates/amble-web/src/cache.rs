//! One long-lived reader connection and a cache of what the pages need, keyed by the journal's
//! version: the decoded entries, the replayed plan for the last few dates asked, and the
//! serialised journal document. A change from anywhere (this server, the CLI in another
//! process) changes SQLite's data version, and the next request reloads; the server's own
//! writes also clear the cache at once.
//!
//! A write reads and replays only what it changed: the entries are kept with their places in
//! the journal and the store's change mark, so a new version reads only the entries written
//! since (`Store::changed_since`; everything again after a deletion), and the replay resumes
//! from the checkpoint of the week before the earliest change (`plan::replay_from`) instead of
//! week 1. The entries the pages read leave out a walk's per-minute gait windows (kept apart
//! by the store); the journal document reads the journal whole.
//!
//! The cache's own lock is held only to look things up and put them in, never across a
//! database read or a replay: the reader connection has a lock of its own (a SQLite connection
//! serves one read at a time, and its data version is its own), so a page already cached is
//! served while the journal is being read again.

use std::sync::{Arc, Mutex, MutexGuard};

use amble_core::coach::{Alert, AlertThresholds};
use amble_core::journal::Entry;
use amble_core::knowledge::KnowledgeBase;
use amble_core::plan::{self, Checkpoints, Replay};
use amble_store::{ChangeMark, Database, DynStore, LightEntries, Store, StoreError};
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
    /// Each entry's place in the journal (the store's sequence number), beside `entries`.
    places: Arc<Vec<i64>>,
    /// The store's change mark when `entries` was read (`None`: read everything next time).
    mark: Option<ChangeMark>,
    /// The replay's checkpoints last kept, and the earliest date changed in the journal since
    /// the entries they were replayed from (`None`: nothing changed since).
    seed: Option<(Checkpoints, Option<Date>)>,
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

    /// Forgets everything cached (after this server wrote). The entries and the replay's
    /// checkpoints stay as the base the next read brings up to date.
    pub fn invalidate(&self) {
        let mut s = self.lock();
        s.seen = None;
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
    /// only the reader's lock held; the cache's lock is taken around it, briefly. Only what was
    /// written since the entries held were read is read again, when the store can tell.
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
        let base = {
            let s = self.lock();
            if s.seen == Some(version)
                && let Some(entries) = &s.entries
            {
                return Ok(Snapshot {
                    generation: s.generation,
                    entries: entries.clone(),
                });
            }
            // Taken out, so that the merge below can reuse them without a copy; requests
            // meanwhile wait for the reader, then find the new entries.
            let mut s = s;
            let entries = s.entries.take();
            let places = std::mem::take(&mut s.places);
            entries.zip(s.mark).map(|(e, m)| (e, places, m))
        };
        // Only the reader's lock is held here: an incremental read when the store can tell
        // what changed, else everything.
        let read = match base {
            Some((entries, places, mark)) => match reader.changed_since(mark)? {
                Some(changed) => Read::Changed(merge(entries, places, changed)),
                None => Read::Whole(reader.list_light()?),
            },
            None => Read::Whole(reader.list_light()?),
        };
        let (entries, places, mark, changed_from) = match read {
            Read::Changed(m) => (
                Arc::new(m.entries),
                Arc::new(m.places),
                m.mark,
                m.changed_from,
            ),
            Read::Whole(all) => {
                let (places, entries): (Vec<i64>, Vec<Entry>) = all.entries.into_iter().unzip();
                (
                    Arc::new(entries),
                    Arc::new(places),
                    all.mark,
                    Some(Date::MIN),
                )
            }
        };
        let mut s = self.lock();
        s.seen = Some(version);
        s.generation += 1;
        s.entries = Some(entries.clone());
        s.places = places;
        s.mark = mark;
        s.seed = match (s.seed.take(), changed_from) {
            // Read whole: what changed is not known, so the next replay starts at week 1.
            (_, Some(Date::MIN)) | (None, _) => None,
            (Some((kept, before)), now) => Some((kept, earliest(before, now))),
        };
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
        // Replay outside the lock: other requests keep being served meanwhile. From the
        // checkpoint before the earliest change when there is one.
        let seed = {
            let s = self.lock();
            (s.generation == snap.generation)
                .then(|| s.seed.clone())
                .flatten()
        };
        let replayed = match &seed {
            Some((kept, changed_from)) => {
                plan::replay_from(&snap.entries, today, kb, kept, *changed_from)
            }
            None => plan::replay_kept(&snap.entries, today, kb),
        };
        let (r, kept) = match replayed {
            Ok((r, kept)) => (Some(Arc::new(r)), kept),
            Err(_) => (None, None),
        };
        let mut s = self.lock();
        if s.generation == snap.generation {
            if let Some(kept) = kept {
                s.seed = Some((kept, None));
            }
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

    /// The `amble.journal/1` document as JSON text: the journal read whole (with every walk's
    /// gait windows), once per journal version.
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
        let whole = {
            let reader = self.reader.lock().unwrap_or_else(|e| e.into_inner());
            match reader.as_ref() {
                Some(r) => r.list()?,
                None => Vec::new(),
            }
        };
        let doc = Doc {
            schema: amble_core::journal::JOURNAL_SCHEMA,
            entries: &whole,
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

/// What a read of the journal brought.
enum Read {
    Changed(Merged),
    Whole(LightEntries),
}

/// The entries held, brought up to date with what was written since.
struct Merged {
    entries: Vec<Entry>,
    places: Vec<i64>,
    mark: Option<ChangeMark>,
    /// The earliest date an entry was added at, or corrected from or to.
    changed_from: Option<Date>,
}

fn earliest(a: Option<Date>, b: Option<Date>) -> Option<Date> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// `entries` (in journal order, `places` beside them) with the entries written since put in:
/// a corrected entry (the same place) replaces the one held, a new one goes where its date and
/// place put it. The entries are taken over when nothing else holds them (no copy).
fn merge(entries: Arc<Vec<Entry>>, places: Arc<Vec<i64>>, changed: LightEntries) -> Merged {
    let mut entries = Arc::try_unwrap(entries).unwrap_or_else(|a| (*a).clone());
    let mut places = Arc::try_unwrap(places).unwrap_or_else(|a| (*a).clone());
    let mut changed_from = None;
    for (place, entry) in changed.entries {
        if let Some(at) = places.iter().position(|p| *p == place) {
            changed_from = earliest(changed_from, Some(entries[at].date()));
            entries.remove(at);
            places.remove(at);
        }
        changed_from = earliest(changed_from, Some(entry.date()));
        let key = (entry.date(), place);
        let (mut lo, mut hi) = (0, entries.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if (entries[mid].date(), places[mid]) < key {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        let at = lo;
        entries.insert(at, entry);
        places.insert(at, place);
    }
    Merged {
        entries,
        places,
        mark: changed.mark,
        changed_from,
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
        // Forms made with a one-time reference each time they are shown.
        && !matches!(path, "/checkup" | "/checkin" | "/screen")
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
