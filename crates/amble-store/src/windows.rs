//! A walk's per-minute gait windows, kept apart from the walk (schema version 14): the body
//! stored for a walk carries `"windows": []`, the windows live in `gait_windows` as one JSON
//! array, and a walk read whole gets them back. The pages read entries without them
//! ([`crate::Store::list_light`]); a walk's gait page asks for them
//! ([`crate::Store::gait_windows`]).

use amble_core::journal::{Entry, GaitWindow};

use crate::StoreError;

/// The body to store for `entry`, and its windows as a JSON array when it has any.
pub(crate) fn split(entry: &Entry) -> Result<(String, Option<String>), StoreError> {
    let encode = |e: &Entry| {
        serde_json::to_string(e)
            .map_err(|e| StoreError::Database(format!("cannot encode entry: {e}")))
    };
    match entry {
        Entry::Walk(w) if w.gait.as_ref().is_some_and(|g| !g.windows.is_empty()) => {
            let mut light = w.clone();
            let windows = light
                .gait
                .as_mut()
                .map(|g| std::mem::take(&mut g.windows))
                .unwrap_or_default();
            let windows = serde_json::to_string(&windows)
                .map_err(|e| StoreError::Database(format!("cannot encode gait windows: {e}")))?;
            Ok((encode(&Entry::Walk(light))?, Some(windows)))
        }
        _ => Ok((encode(entry)?, None)),
    }
}

/// The windows stored for walk `id`, read from their JSON array.
pub(crate) fn parse(id: &str, text: &str) -> Result<Vec<GaitWindow>, StoreError> {
    serde_json::from_str(text)
        .map_err(|e| StoreError::Database(format!("the gait windows of {id} cannot be read: {e}")))
}

/// Puts the windows stored apart back into the walk they belong to.
pub(crate) fn attach(entry: &mut Entry, windows: Vec<GaitWindow>) {
    if let Entry::Walk(w) = entry
        && let Some(g) = w.gait.as_mut()
    {
        g.windows = windows;
    }
}

/// An entry read whole from its stored body and the windows stored apart (if any).
pub(crate) fn whole(id: &str, body: &str, windows: Option<&str>) -> Result<Entry, StoreError> {
    let mut entry: Entry = serde_json::from_str(body)
        .map_err(|e| StoreError::Database(format!("entry {id} cannot be read: {e}")))?;
    if let Some(t) = windows {
        attach(&mut entry, parse(id, t)?);
    }
    Ok(entry)
}
