//! What the sync status bar shows: pending changes, last sync, refusals.

use super::*;
use crate::{ErrorBody, ErrorCode};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct SyncStatus {
    pub signed_in: bool,
    pub pending: u64,
    /// Milliseconds since the Unix epoch of the last sync that completed.
    pub last_sync_at: Option<i64>,
    /// Why the last attempt failed (its code says it in the person's language); None once a
    /// sync succeeds.
    pub last_error: Option<ErrorBody>,
    pub online: bool,
    /// Since when the server has not been reachable (milliseconds since the epoch); None
    /// while online.
    pub offline_since: Option<i64>,
    /// Documents the server refused, with its reason.
    pub rejected: Vec<RejectedDoc>,
    /// Documents received that this device could not read, kept aside, with why.
    pub quarantined: Vec<RejectedDoc>,
    /// A first sync under way (it goes on where it stopped after a restart or a lost
    /// connection); None otherwise.
    pub first_sync: Option<FirstSyncProgress>,
}

/// How far a first sync has come: documents received of those the person may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct FirstSyncProgress {
    pub received: u32,
    pub total: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct RejectedDoc {
    pub doc: String,
    /// The server's refusal: its code, and its words for support.
    pub reason: ErrorBody,
}

/// A stored error, as `store_error` wrote it. Text from an older build (plain words) reads as
/// an unknown error with those words.
fn stored_error(text: String) -> ErrorBody {
    serde_json::from_str(&text).unwrap_or(ErrorBody {
        code: ErrorCode::Unknown,
        message: text,
        field: None,
        refusal: None,
    })
}

/// How an error is kept in the store until the status bar shows it.
pub(crate) fn store_error(error: &ErrorBody) -> String {
    serde_json::to_string(error).unwrap_or_else(|_| error.message.clone())
}

impl Workspace {
    pub fn sync_status(&self) -> Result<SyncStatus> {
        let with_reasons = |sql: &str| -> Result<Vec<RejectedDoc>> {
            let mut stmt = self.store.conn().prepare(sql)?;
            let rows = stmt
                .query_map([], |r| {
                    Ok(RejectedDoc {
                        doc: r.get(0)?,
                        reason: stored_error(r.get(1)?),
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        };
        let rejected =
            with_reasons("SELECT id, rejected FROM documents WHERE rejected IS NOT NULL")?;
        let quarantined = with_reasons("SELECT doc, reason FROM quarantine ORDER BY at")?;
        Ok(SyncStatus {
            signed_in: self.session.is_some(),
            pending: self.store.pending_count()?,
            last_sync_at: self
                .store
                .meta("last_sync_at")?
                .and_then(|s| s.parse().ok()),
            last_error: self.store.meta("last_sync_error")?.map(stored_error),
            online: self.store.meta("online")?.as_deref() == Some("1"),
            offline_since: self
                .store
                .meta("offline_since")?
                .and_then(|s| s.parse().ok()),
            rejected,
            quarantined,
            first_sync: crate::sync::catch_up(&self.store)?.map(|at| FirstSyncProgress {
                received: at.sent,
                total: at.total,
            }),
        })
    }
}
