//! The device's local store: automerge bytes per document are the truth; the projection
//! tables answer queries and are rewritten in the same transaction as every change or merge,
//! so they can always be rebuilt from the documents.

use std::path::Path;

use automerge::{ActorId, AutoCommit};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};

use crate::crdt;
use crate::error::{DeviceError, Result};
use crate::model::TypedDoc;
use crate::model::customer::Customer;
use crate::model::equipment::Equipment;
use crate::model::order::OrderDoc;
use crate::model::project::Project;
use crate::model::{DocType, enum_name};

pub mod at_rest;
mod projection;
mod schema;

pub(crate) use projection::{delete_document, project};
pub use schema::PROJECTION_TABLES;
use schema::{PROJECTION_VERSION, SCHEMA, STOCK_LEVEL_TRIGGERS};

pub struct Store {
    conn: Connection,
    actor: ActorId,
    /// Documents as last loaded or committed, so a tap does not parse a big document again.
    cache: fieldops_domain::doc_cache::DocCache,
}

/// One document row as sync needs it.
/// A document with changes the server lacks, ready to push.
pub struct DirtyDoc {
    pub id: String,
    pub doc_type: DocType,
    /// The automerge bytes to send: what was saved after the heads the server has, or the
    /// stored bytes whole for a document the server has never seen.
    pub changes: Vec<u8>,
    /// The heads the server will have once it takes `changes`.
    pub heads: Vec<automerge::ChangeHash>,
}

impl Store {
    pub fn open(path: &Path) -> Result<Store> {
        Self::open_with_key(path, None)
    }

    /// Open the database at `path`, encrypted with `key` when there is one (`at_rest`).
    pub fn open_with_key(path: &Path, key: Option<&at_rest::DbKey>) -> Result<Store> {
        let conn = Connection::open(path)?;
        if let Some(key) = key {
            at_rest::apply_key(&conn, key)?;
        }
        Self::init(conn)
    }

    pub fn open_in_memory() -> Result<Store> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> Result<Store> {
        // WAL for concurrent readers; FULL so that a commit the UI was told about survives power loss.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        // Every per-document write runs through cached statements; rusqlite keeps 16.
        conn.set_prepared_statement_cache_capacity(128);
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // A big company's projection is hundreds of megabytes; SQLite's default 2 MB page
        // cache re-reads (and with encryption at rest, decrypts) a list's pages on every query.
        conn.pragma_update(None, "cache_size", -32_768)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(SCHEMA)?;
        conn.execute_batch(STOCK_LEVEL_TRIGGERS)?;
        if get_meta(&conn, "projection_version")?.is_some_and(|v| v != PROJECTION_VERSION) {
            for t in PROJECTION_TABLES {
                conn.execute(&format!("DROP TABLE IF EXISTS {t}"), [])?;
            }
            conn.execute_batch(SCHEMA)?;
            conn.execute_batch(STOCK_LEVEL_TRIGGERS)?;
        }
        let actor = match get_meta(&conn, "actor")? {
            Some(hex) => ActorId::from(
                hex::decode(&hex).map_err(|_| DeviceError::corrupt_document("stored actor id"))?,
            ),
            None => {
                let actor = random_actor();
                set_meta(&conn, "actor", &actor.to_hex_string())?;
                actor
            }
        };
        let rebuild = get_meta(&conn, "projection_version")?.as_deref() != Some(PROJECTION_VERSION);
        let mut store = Store {
            conn,
            actor,
            // A busy month's ledgers and the orders open on screen; their parsed form takes a
            // few times the 16 MB of stored bytes.
            cache: fieldops_domain::doc_cache::DocCache::new(16 << 20, 256),
        };
        if rebuild {
            store.rebuild_projections()?;
            store.set_meta("projection_version", PROJECTION_VERSION)?;
        }
        Ok(store)
    }

    /// This device's automerge actor id; the server binds it to the signed-in user.
    pub fn actor(&self) -> &ActorId {
        &self.actor
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        get_meta(&self.conn, key)
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        set_meta(&self.conn, key, value)
    }

    pub fn delete_meta(&self, key: &str) -> Result<()> {
        delete_meta(&self.conn, key)
    }

    /// Set (Some) or remove (None) several keys in one transaction: one write to disk, where
    /// one per key cost a sync to disk each.
    pub fn update_meta(&mut self, changes: &[(&str, Option<&str>)]) -> Result<()> {
        let tx = self.conn.transaction()?;
        for (key, value) in changes {
            match value {
                Some(value) => set_meta(&tx, key, value)?,
                None => delete_meta(&tx, key)?,
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Load a document, ready for local edits by this device's actor. A copy kept in memory
    /// is used while the stored heads still match it (whoever wrote since, sync included).
    pub fn load(&self, id: &str) -> Result<Option<(DocType, AutoCommit)>> {
        self.load_kept(id, false)
    }

    /// `load` for an edit about to be committed: the copy kept in memory is handed over
    /// rather than copied, and the commit keeps the new state (an edit that is not committed
    /// leaves the next load to parse the stored bytes).
    pub fn load_for_edit(&self, id: &str) -> Result<Option<(DocType, AutoCommit)>> {
        self.load_kept(id, true)
    }

    fn load_kept(&self, id: &str, take: bool) -> Result<Option<(DocType, AutoCommit)>> {
        let row: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT doc_type, heads FROM documents WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((t, heads)) = row else {
            self.cache.forget(id);
            return Ok(None);
        };
        let doc_type = DocType::parse(&t)?;
        let kept = if take {
            self.cache.take(id, &heads)
        } else {
            self.cache.get(id, &heads)
        };
        let mut doc = match kept {
            Some(doc) => doc,
            None => {
                let bytes = self.document_bytes(id)?.unwrap_or_default();
                let doc = crdt::load(&bytes)?;
                if !take {
                    self.cache.put(id, &heads, doc.clone(), bytes.len());
                }
                doc
            }
        };
        doc.set_actor(self.actor.clone());
        Ok(Some((doc_type, doc)))
    }

    /// A stored document's automerge bytes: its last full save and every change saved after.
    pub fn document_bytes(&self, id: &str) -> Result<Option<Vec<u8>>> {
        stored_bytes(&self.conn, id)
    }

    /// After a commit: keep what was written for the next load.
    fn remember(&self, written: &Written, doc: AutoCommit) {
        self.cache
            .put(&written.id, &written.heads, doc, written.stored_len);
    }

    pub fn new_doc(&self) -> AutoCommit {
        AutoCommit::new().with_actor(self.actor.clone())
    }

    /// Persist a local change: document bytes, dirty flag and projection in one transaction.
    pub fn commit_local(
        &mut self,
        doc_type: DocType,
        id: &str,
        doc: &mut AutoCommit,
    ) -> Result<()> {
        let typed = TypedDoc::parse(doc_type, doc)?;
        let tx = self.conn.transaction()?;
        let written = write_document(&tx, doc_type, id, doc, true)?;
        project(&tx, &typed)?;
        tx.commit()?;
        self.remember(&written, doc.clone());
        Ok(())
    }

    /// Persist local changes of several documents in one transaction. Each comes with what
    /// its projection needs: the document read into its domain shape, or for a ledger only
    /// the movements added (its projection only ever inserts rows).
    pub fn commit_local_many(
        &mut self,
        docs: Vec<(DocType, String, AutoCommit, TypedDoc)>,
    ) -> Result<()> {
        self.commit_local_many_with_blobs(docs, &[])
    }

    /// `commit_local_many`, with new blobs (hash, content type, bytes) the documents reference:
    /// an import is kept or lost whole.
    pub fn commit_local_many_with_blobs(
        &mut self,
        mut docs: Vec<(DocType, String, AutoCommit, TypedDoc)>,
        blobs: &[(&str, &str, &[u8])],
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        insert_blobs(&tx, blobs)?;
        let mut written = Vec::with_capacity(docs.len());
        for (t, id, doc, typed) in docs.iter_mut() {
            written.push(write_document(&tx, *t, id, doc, true)?);
            project(&tx, typed)?;
        }
        tx.commit()?;
        for (w, d) in written.iter().zip(docs) {
            self.remember(w, d.2);
        }
        Ok(())
    }

    /// Persist a local change together with a new blob it references, in one transaction:
    /// a signature and the order that points at it are saved or lost together.
    pub fn commit_local_with_blobs(
        &mut self,
        doc_type: DocType,
        id: &str,
        mut doc: AutoCommit,
        typed: &TypedDoc,
        blobs: &[(&str, &str, &[u8])],
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        insert_blobs(&tx, blobs)?;
        let written = write_document(&tx, doc_type, id, &mut doc, true)?;
        project(&tx, typed)?;
        tx.commit()?;
        self.remember(&written, doc);
        Ok(())
    }

    /// Blobs waiting for upload (the queue survives restarts: it is this table).
    pub fn pending_blobs(&self) -> Result<Vec<(String, String, Vec<u8>)>> {
        let mut stmt = self.conn.prepare(
            "SELECT hash, content_type, bytes FROM blobs WHERE uploaded = 0 ORDER BY rowid",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    pub fn mark_blob_uploaded(&self, hash: &str) -> Result<()> {
        self.conn
            .execute("UPDATE blobs SET uploaded = 1 WHERE hash = ?1", [hash])?;
        Ok(())
    }

    pub fn blob(&self, hash: &str) -> Result<Option<(String, Vec<u8>)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT content_type, bytes FROM blobs WHERE hash = ?1",
                [hash],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// Keep a blob fetched from the server (already uploaded by definition).
    pub fn cache_blob(&self, hash: &str, content_type: &str, bytes: &[u8]) -> Result<()> {
        self.conn.execute(
            "INSERT OR IGNORE INTO blobs(hash, content_type, bytes, uploaded) VALUES (?1, ?2, ?3, 1)",
            params![hash, content_type, bytes],
        )?;
        Ok(())
    }

    /// Documents with changes the server has not acknowledged.
    pub fn dirty_docs(&self, limit: usize) -> Result<Vec<DirtyDoc>> {
        // A refused document is not sent again until it is edited (which clears `rejected`).
        // A ledger goes after a location saved in the same instant: the server checks a
        // ledger's movements against its location, so it must know the location first.
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, doc_type, synced_heads, heads FROM documents
             WHERE dirty = 1 AND rejected IS NULL ORDER BY updated_at, doc_type = 'ledger' LIMIT ?1",
        )?;
        let rows: Vec<(String, String, String, String)> = stmt
            .query_map([limit as i64], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::new();
        for (id, doc_type, synced, heads) in rows {
            let synced: Vec<String> = serde_json::from_str(&synced).unwrap_or_default();
            let synced = crdt::heads_from_hex(&synced)?;
            let doc_type = DocType::parse(&doc_type)?;
            let dirty = if synced.is_empty() {
                // The server has none of it: the stored bytes are exactly what to send, and
                // cost no load (the server takes a whole document faster than its changes).
                let heads: Vec<String> = serde_json::from_str(&heads).unwrap_or_default();
                let Some(changes) = self.document_bytes(&id)? else {
                    continue;
                };
                DirtyDoc {
                    id,
                    doc_type,
                    changes,
                    heads: crdt::heads_from_hex(&heads)?,
                }
            } else {
                let Some((doc_type, mut doc)) = self.load(&id)? else {
                    continue;
                };
                DirtyDoc {
                    changes: doc.save_after(&synced),
                    heads: doc.get_heads(),
                    id,
                    doc_type,
                }
            };
            out.push(dirty);
        }
        Ok(out)
    }

    /// Number of documents with changes not yet acknowledged by the server.
    pub fn pending_count(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM documents WHERE dirty = 1", [], |r| {
                r.get::<_, i64>(0)
            })? as u64)
    }

    pub fn is_pending(&self, id: &str) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT dirty FROM documents WHERE id = ?1", [id], |r| {
                r.get::<_, i64>(0)
            })
            .optional()?
            == Some(1))
    }

    /// Clear projections and write them again from the document bytes.
    pub fn rebuild_projections(&mut self) -> Result<()> {
        let tx = self.conn.transaction()?;
        // Levels are summed once at the end rather than row by row as movements go in.
        tx.execute_batch("DROP TRIGGER stock_levels_add; DROP TRIGGER stock_levels_remove;")?;
        for t in PROJECTION_TABLES {
            tx.execute(&format!("DELETE FROM {t}"), [])?;
        }
        let docs: Vec<(String, String)> = {
            let mut stmt = tx.prepare("SELECT id, doc_type FROM documents")?;
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?
        };
        for (id, t) in docs {
            let doc = crdt::load(&stored_bytes(&tx, &id)?.unwrap_or_default())?;
            project(&tx, &TypedDoc::parse(DocType::parse(&t)?, &doc)?)?;
        }
        tx.execute(
            "INSERT INTO stock_levels(location_id, part_id, level, defective)
             SELECT location_id, part_id,
                    SUM(CASE WHEN kind = 'defective' THEN 0 ELSE qty END),
                    SUM(CASE WHEN kind = 'defective' THEN qty ELSE 0 END)
             FROM stock_movements GROUP BY location_id, part_id",
            [],
        )?;
        tx.execute_batch(STOCK_LEVEL_TRIGGERS)?;
        tx.commit()?;
        Ok(())
    }

    /// Every projection row as text, sorted: two stores with equal dumps answer queries alike.
    pub fn projection_dump(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for t in PROJECTION_TABLES {
            let mut stmt = self.conn.prepare(&format!("SELECT * FROM {t}"))?;
            let cols = stmt.column_count();
            let rows = stmt.query_map([], |r| {
                let mut line = format!("{t}:");
                for i in 0..cols {
                    let v: rusqlite::types::Value = r.get(i)?;
                    line.push_str(&format!("{v:?}|"));
                }
                Ok(line)
            })?;
            for row in rows {
                out.push(row?);
            }
        }
        out.sort();
        Ok(out)
    }

    /// Let go of a document and its projection rows (one the server no longer sends here).
    pub fn forget_document(&mut self, id: &str) -> Result<()> {
        let tx = self.conn.transaction()?;
        projection::delete_document(&tx, id)?;
        tx.commit()?;
        Ok(())
    }

    pub fn transaction(&mut self) -> Result<Transaction<'_>> {
        Ok(self.conn.transaction()?)
    }

    /// Wipe all documents and projections (sign-out of a user). The device keeps its actor id
    /// only if `keep_actor`; a new user on this device gets a fresh one.
    pub fn wipe(&mut self, keep_actor: bool) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM documents", [])?;
        tx.execute("DELETE FROM document_tails", [])?;
        tx.execute("DELETE FROM blobs", [])?;
        for t in PROJECTION_TABLES {
            tx.execute(&format!("DELETE FROM {t}"), [])?;
        }
        tx.execute(
            "DELETE FROM meta WHERE key NOT IN ('actor', 'projection_version', 'ui_language', 'side_pane_width')",
            [],
        )?;
        if !keep_actor {
            let actor = random_actor();
            set_meta(&tx, "actor", &actor.to_hex_string())?;
            self.actor = actor;
        }
        tx.commit()?;
        self.cache.clear();
        // Deleted rows stay in free pages (and the write-ahead log) until rewritten: a lost or
        // revoked tablet must not keep them.
        self.conn
            .execute_batch("VACUUM; PRAGMA wal_checkpoint(TRUNCATE);")?;
        Ok(())
    }
}

fn random_actor() -> ActorId {
    ActorId::from(uuid::Uuid::new_v4().as_bytes().as_slice())
}

fn get_meta(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()?)
}

fn set_meta(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

fn delete_meta(conn: &Connection, key: &str) -> Result<()> {
    conn.prepare_cached("DELETE FROM meta WHERE key = ?1")?
        .execute([key])?;
    Ok(())
}

/// New blobs, queued for upload (one already held stays as it is).
fn insert_blobs(tx: &Transaction<'_>, blobs: &[(&str, &str, &[u8])]) -> Result<()> {
    for blob in blobs {
        tx.execute(
            "INSERT OR IGNORE INTO blobs(hash, content_type, bytes, uploaded) VALUES (?1, ?2, ?3, 0)",
            params![blob.0, blob.1, blob.2],
        )?;
    }
    Ok(())
}

pub(crate) fn set_meta_tx(tx: &Transaction<'_>, key: &str, value: &str) -> Result<()> {
    set_meta(tx, key, value)
}

/// What a write left in the store: the heads it recorded and the stored size of the document.
pub(crate) struct Written {
    id: String,
    heads: String,
    stored_len: usize,
}

/// At most this many saved tails per document before the next write saves it whole.
const MAX_TAILS: i64 = 64;

/// Upsert a document. `local` marks it dirty (a change to send); a merge of remote changes
/// leaves the dirty flag as it was. When the stored copy is an ancestor of `doc` and its
/// tails are still small, only the changes after it are appended (a tap on a document that
/// grows with history costs what the tap added); otherwise the whole document is saved
/// compactly and its tails folded in.
pub(crate) fn write_document(
    tx: &Transaction<'_>,
    doc_type: DocType,
    id: &str,
    doc: &mut AutoCommit,
    local: bool,
) -> Result<Written> {
    let now_heads = doc.get_heads();
    let heads = serde_json::to_string(&crdt::heads_to_hex(&now_heads)).unwrap_or_default();
    let stored: Option<(String, i64, i64, i64)> = tx
        .query_row(
            "SELECT d.heads, LENGTH(d.bytes), COUNT(t.seq), COALESCE(SUM(LENGTH(t.bytes)), 0)
             FROM documents d LEFT JOIN document_tails t ON t.id = d.id WHERE d.id = ?1 GROUP BY d.id",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let tail = stored.and_then(|(old_heads, base_len, tails, tails_len)| {
        let old: Vec<String> = serde_json::from_str(&old_heads).ok()?;
        let old = crdt::heads_from_hex(&old).ok()?;
        if !old.iter().all(|h| doc.get_change_meta_by_hash(h).is_some()) || tails >= MAX_TAILS {
            return None;
        }
        let tail = doc.save_after(&old);
        // Tails up to half the compact size (at least 64 kB) load about as fast as one save.
        let room = (base_len / 2).max(64 * 1024);
        (tails_len + tail.len() as i64 <= room).then_some((tail, base_len + tails_len))
    });
    let stored_len = match tail {
        Some((tail, before)) => {
            if !tail.is_empty() {
                tx.prepare_cached(
                    "INSERT INTO document_tails(id, seq, bytes)
                     VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM document_tails WHERE id = ?1), ?2)",
                )?
                .execute(params![id, tail])?;
            }
            tx.prepare_cached(
                "UPDATE documents SET heads = ?2, dirty = MAX(dirty, ?3),
                   rejected = CASE WHEN ?3 = 1 THEN NULL ELSE rejected END, updated_at = ?4
                 WHERE id = ?1",
            )?
            .execute(params![id, heads, local as i64, crate::model::now_ms()])?;
            before as usize + tail.len()
        }
        None => {
            let bytes = doc.save();
            tx.prepare_cached("DELETE FROM document_tails WHERE id = ?1")?
                .execute([id])?;
            tx.prepare_cached(
                "INSERT INTO documents(id, doc_type, bytes, heads, dirty, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(id) DO UPDATE SET bytes = excluded.bytes, heads = excluded.heads,
                   dirty = MAX(documents.dirty, excluded.dirty),
                   rejected = CASE WHEN excluded.dirty = 1 THEN NULL ELSE documents.rejected END,
                   updated_at = excluded.updated_at",
            )?
            .execute(params![
                id,
                doc_type.as_str(),
                bytes,
                heads,
                local as i64,
                crate::model::now_ms()
            ])?;
            bytes.len()
        }
    };
    Ok(Written {
        id: id.to_string(),
        heads,
        stored_len,
    })
}

/// A document's full save followed by the changes saved after it, as one loadable byte string.
pub(crate) fn stored_bytes(conn: &Connection, id: &str) -> Result<Option<Vec<u8>>> {
    let base: Option<Vec<u8>> = conn
        .prepare_cached("SELECT bytes FROM documents WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    let Some(mut bytes) = base else {
        return Ok(None);
    };
    let mut stmt =
        conn.prepare_cached("SELECT bytes FROM document_tails WHERE id = ?1 ORDER BY seq")?;
    for tail in stmt.query_map([id], |r| r.get::<_, Vec<u8>>(0))? {
        bytes.extend_from_slice(&tail?);
    }
    Ok(Some(bytes))
}

/// Query side: filters the order list accepts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(optional_fields = nullable)]
pub struct OrderFilter {
    #[serde(default)]
    #[ts(as = "Option<crate::model::order::Status>")]
    pub status: Option<String>,
    /// Any of these statuses (the settlement list asks for completed and settled).
    #[serde(default)]
    #[ts(as = "Option<Vec<crate::model::order::Status>>")]
    pub statuses: Option<Vec<String>>,
    #[serde(default)]
    pub assignee: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub project_id: Option<String>,
    #[serde(default)]
    pub equipment_id: Option<String>,
    /// Only these orders (the ones behind a figure of the dashboard).
    #[serde(default)]
    pub ids: Option<Vec<String>>,
    /// With `assignee`: also the orders reassigned away from them (the technician's own list,
    /// which keeps such an order until they have seen who took it over).
    #[serde(default)]
    pub reassigned_away: Option<bool>,
}

/// Filters of the business-record archive.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(optional_fields = nullable)]
pub struct RecordFilter {
    #[serde(default)]
    #[ts(as = "Option<crate::model::order::OrderType>")]
    pub order_type: Option<String>,
    #[serde(default)]
    pub customer_id: Option<String>,
    #[serde(default)]
    pub equipment_id: Option<String>,
    #[serde(default)]
    pub technician: Option<String>,
    /// Completed at or after (ms since the epoch).
    #[serde(default)]
    pub from: Option<i64>,
    /// Completed before (ms since the epoch).
    #[serde(default)]
    pub to: Option<i64>,
    /// Full text over number, customer, description, resolution and notes.
    #[serde(default)]
    pub text: Option<String>,
}

#[cfg(test)]
mod tests;
