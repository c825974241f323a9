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
use schema::{PROJECTION_VERSION, SCHEMA};

pub struct Store {
    conn: Connection,
    actor: ActorId,
}

/// One document row as sync needs it.
pub struct StoredDoc {
    pub id: String,
    pub doc_type: DocType,
    pub doc: AutoCommit,
    pub synced_heads: Vec<automerge::ChangeHash>,
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
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(SCHEMA)?;
        if get_meta(&conn, "projection_version")?.is_some_and(|v| v != PROJECTION_VERSION) {
            for t in PROJECTION_TABLES {
                conn.execute(&format!("DROP TABLE IF EXISTS {t}"), [])?;
            }
            conn.execute_batch(SCHEMA)?;
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
        let mut store = Store { conn, actor };
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
        self.conn
            .execute("DELETE FROM meta WHERE key = ?1", [key])?;
        Ok(())
    }

    /// Load a document, ready for local edits by this device's actor.
    pub fn load(&self, id: &str) -> Result<Option<(DocType, AutoCommit)>> {
        let row: Option<(String, Vec<u8>)> = self
            .conn
            .query_row(
                "SELECT doc_type, bytes FROM documents WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        match row {
            None => Ok(None),
            Some((t, bytes)) => {
                let mut doc = crdt::load(&bytes)?;
                doc.set_actor(self.actor.clone());
                Ok(Some((DocType::parse(&t)?, doc)))
            }
        }
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
        write_document(&tx, doc_type, id, doc, true)?;
        project(&tx, &typed)?;
        tx.commit()?;
        Ok(())
    }

    /// Persist local changes of several documents in one transaction. Each comes with what
    /// its projection needs: the document read into its domain shape, or for a ledger only
    /// the movements added (its projection only ever inserts rows).
    pub fn commit_local_many(
        &mut self,
        docs: &mut [(DocType, String, AutoCommit, TypedDoc)],
    ) -> Result<()> {
        self.commit_local_many_with_blobs(docs, &[])
    }

    /// `commit_local_many`, with new blobs (hash, content type, bytes) the documents reference:
    /// an import is kept or lost whole.
    pub fn commit_local_many_with_blobs(
        &mut self,
        docs: &mut [(DocType, String, AutoCommit, TypedDoc)],
        blobs: &[(&str, &str, &[u8])],
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        insert_blobs(&tx, blobs)?;
        for (t, id, doc, typed) in docs.iter_mut() {
            write_document(&tx, *t, id, doc, true)?;
            project(&tx, typed)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Persist a local change together with a new blob it references, in one transaction:
    /// a signature and the order that points at it are saved or lost together.
    pub fn commit_local_with_blobs(
        &mut self,
        doc_type: DocType,
        id: &str,
        doc: &mut AutoCommit,
        typed: &TypedDoc,
        blobs: &[(&str, &str, &[u8])],
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        insert_blobs(&tx, blobs)?;
        write_document(&tx, doc_type, id, doc, true)?;
        project(&tx, typed)?;
        tx.commit()?;
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
    pub fn dirty_docs(&self, limit: usize) -> Result<Vec<StoredDoc>> {
        // A refused document is not sent again until it is edited (which clears `rejected`).
        // A ledger goes after a location saved in the same instant: the server checks a
        // ledger's movements against its location, so it must know the location first.
        let mut stmt = self.conn.prepare(
            "SELECT id, doc_type, bytes, synced_heads FROM documents
             WHERE dirty = 1 AND rejected IS NULL ORDER BY updated_at, doc_type = 'ledger' LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Vec<u8>>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, t, bytes, synced) = row?;
            let synced: Vec<String> = serde_json::from_str(&synced).unwrap_or_default();
            out.push(StoredDoc {
                id,
                doc_type: DocType::parse(&t)?,
                doc: crdt::load(&bytes)?,
                synced_heads: crdt::heads_from_hex(&synced)?,
            });
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
        for t in PROJECTION_TABLES {
            tx.execute(&format!("DELETE FROM {t}"), [])?;
        }
        let docs: Vec<(String, Vec<u8>)> = {
            let mut stmt = tx.prepare("SELECT doc_type, bytes FROM documents")?;
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?
        };
        for (t, bytes) in docs {
            let doc = crdt::load(&bytes)?;
            project(&tx, &TypedDoc::parse(DocType::parse(&t)?, &doc)?)?;
        }
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

/// Upsert a document's bytes. `local` marks it dirty (a change to send); a merge of remote
/// changes leaves the dirty flag as it was.
pub(crate) fn write_document(
    tx: &Transaction<'_>,
    doc_type: DocType,
    id: &str,
    doc: &mut AutoCommit,
    local: bool,
) -> Result<()> {
    let heads = serde_json::to_string(&crdt::heads_to_hex(&doc.get_heads())).unwrap_or_default();
    let bytes = doc.save();
    tx.execute(
        "INSERT INTO documents(id, doc_type, bytes, heads, dirty, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(id) DO UPDATE SET bytes = excluded.bytes, heads = excluded.heads,
           dirty = MAX(documents.dirty, excluded.dirty),
           rejected = CASE WHEN excluded.dirty = 1 THEN NULL ELSE documents.rejected END,
           updated_at = excluded.updated_at",
        params![id, doc_type.as_str(), bytes, heads, local as i64, crate::model::now_ms()],
    )?;
    Ok(())
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
