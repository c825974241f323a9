//! Stored documents saved whole again in the background. A push appends its changes to the
//! stored bytes (`sync::stored_bytes`) instead of saving the whole document; once the appended
//! changes reach half the saved part, the document is queued, and this task saves it whole:
//! a first sync's snapshots stay compact, and loading a stored document stays one inflate.
//! Replacing the bytes is guarded by the heads they were read with, so a push that lands
//! meanwhile wins and the document is tried again later; several instances compacting the
//! same document write the same document.

use std::time::Duration;

use fieldops_domain::crdt;
use fieldops_domain::doc_cache::DocCache;

use crate::error::Result;
use crate::storage::{DynStorage, Sql};

/// Documents compacted per round.
const ROUND: i64 = 200;

/// Whether bytes of `whole` saved bytes and `tail` appended ones should be saved whole.
pub(crate) fn due(whole: usize, tail: usize) -> bool {
    tail * 2 >= whole
}

/// Compact what is queued every `every`, for as long as the server runs.
pub async fn run(state: std::sync::Arc<crate::http::AppState>, every: Duration) {
    loop {
        tokio::time::sleep(every).await;
        match compact_queued(&state.storage, &state.kept).await {
            Ok(0) => {}
            Ok(n) => tracing::debug!(documents = n, "stored documents saved whole again"),
            Err(e) => tracing::warn!(error = %e, "compaction failed; trying again later"),
        }
    }
}

/// One round: save whole each queued document (oldest first) and take it off the queue.
/// Returns how many were rewritten.
pub async fn compact_queued(storage: &DynStorage, kept: &DocCache) -> Result<usize> {
    let queued = storage
        .sql_query(
            "SELECT tenant, id FROM doc_compaction ORDER BY queued_at LIMIT $1",
            vec![Sql::int(ROUND)],
        )
        .await?;
    let mut rewritten = 0;
    for row in queued {
        let (Some(tenant), Some(id)) = (row[0].as_text(), row[1].as_text()) else {
            continue;
        };
        if compact_one(storage, kept, &tenant, &id).await? {
            rewritten += 1;
        }
    }
    Ok(rewritten)
}

async fn compact_one(
    storage: &DynStorage,
    kept: &DocCache,
    tenant: &str,
    id: &str,
) -> Result<bool> {
    let forget = || async {
        storage
            .sql_write(vec![(
                "DELETE FROM doc_compaction WHERE tenant = $1 AND id = $2".to_string(),
                vec![Sql::text(tenant), Sql::text(id)],
            )])
            .await
            .map(|_| false)
    };
    let Some(stored) = storage.load_doc(tenant, id).await? else {
        return forget().await;
    };
    if crdt::saved_parts(&stored.bytes).is_some_and(|(_, tail)| tail == 0) {
        // A push saved it whole meanwhile.
        return forget().await;
    }
    let key = crate::sync::kept_key(tenant, id);
    let mut doc = match kept.take(&key, &stored.heads) {
        Some(doc) => doc,
        None => match crdt::load(&stored.bytes) {
            Ok(doc) => doc,
            Err(e) => {
                // Never expected: stored bytes were checked when they came. Left as they are,
                // readable by whatever reads them now.
                tracing::error!(tenant, id, error = %e, "a stored document cannot be loaded to compact it");
                return forget().await;
            }
        },
    };
    let bytes = doc.save();
    let written = storage
        .replace_saved(tenant, id, &stored.heads, &bytes)
        .await?;
    if written {
        kept.put(&key, &stored.heads, doc, bytes.len());
    }
    Ok(written)
}
