//! What the sync status bar shows: pending changes, last sync, refusals.

use super::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct SyncStatus {
    pub signed_in: bool,
    pub pending: u64,
    /// Milliseconds since the Unix epoch of the last sync that completed.
    pub last_sync_at: Option<i64>,
    /// The last attempt's error in plain words; None once a sync succeeds.
    pub last_error: Option<String>,
    pub online: bool,
    /// Documents the server refused, with its reason.
    pub rejected: Vec<RejectedDoc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct RejectedDoc {
    pub doc: String,
    pub reason: String,
}

impl Workspace {
    pub fn sync_status(&self) -> Result<SyncStatus> {
        let rejected = {
            let mut stmt = self
                .store
                .conn()
                .prepare("SELECT id, rejected FROM documents WHERE rejected IS NOT NULL")?;
            stmt.query_map([], |r| {
                Ok(RejectedDoc {
                    doc: r.get(0)?,
                    reason: r.get(1)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?
        };
        Ok(SyncStatus {
            signed_in: self.session.is_some(),
            pending: self.store.pending_count()?,
            last_sync_at: self
                .store
                .meta("last_sync_at")?
                .and_then(|s| s.parse().ok()),
            last_error: self.store.meta("last_sync_error")?,
            online: self.store.meta("online")?.as_deref() == Some("1"),
            rejected,
        })
    }
}
