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

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents(
    id TEXT PRIMARY KEY,
    doc_type TEXT NOT NULL,
    bytes BLOB NOT NULL,
    heads TEXT NOT NULL,
    synced_heads TEXT NOT NULL DEFAULT '[]',
    dirty INTEGER NOT NULL DEFAULT 0,
    rejected TEXT,
    updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS blobs(
    hash TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    bytes BLOB NOT NULL,
    uploaded INTEGER NOT NULL DEFAULT 0
);
-- Addresses a reverse-geocoding service gave for positions (rounded to ~1 m); not
-- derived from documents, so projection rebuilds keep it.
CREATE TABLE IF NOT EXISTS geocode_cache(
    key TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS customers(
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    phone TEXT NOT NULL,
    sites TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS orders(
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    order_type TEXT NOT NULL,
    priority TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    site_id TEXT NOT NULL,
    description TEXT NOT NULL,
    scheduled_start INTEGER,
    scheduled_end INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    assignees TEXT NOT NULL,
    conflicts TEXT NOT NULL,
    number TEXT,
    currency TEXT,
    charges_net INTEGER NOT NULL,
    charges_total INTEGER NOT NULL,
    costs_total INTEGER NOT NULL,
    gross_profit INTEGER NOT NULL,
    completed_at INTEGER,
    rating INTEGER,
    project_id TEXT,
    equipment_ids TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS orders_project ON orders(project_id);
CREATE TABLE IF NOT EXISTS checkins(
    event_id TEXT PRIMARY KEY,
    order_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    at INTEGER NOT NULL,
    lat REAL,
    lon REAL,
    accuracy_m REAL,
    source TEXT
);
CREATE INDEX IF NOT EXISTS checkins_at ON checkins(at);
CREATE TABLE IF NOT EXISTS attendance(
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    at INTEGER NOT NULL,
    tz_offset_min INTEGER NOT NULL,
    lat REAL,
    lon REAL,
    accuracy_m REAL,
    source TEXT
);
CREATE INDEX IF NOT EXISTS attendance_user_at ON attendance(user_id, at);
CREATE TABLE IF NOT EXISTS parts(
    id TEXT PRIMARY KEY,
    sku TEXT NOT NULL,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    category_id TEXT,
    unit TEXT NOT NULL,
    barcode TEXT NOT NULL,
    sale_price_minor INTEGER NOT NULL,
    cost_minor INTEGER NOT NULL,
    currency TEXT NOT NULL,
    min_stock INTEGER NOT NULL,
    compatible_models TEXT NOT NULL,
    photo TEXT
);
CREATE INDEX IF NOT EXISTS parts_sku ON parts(sku);
CREATE TABLE IF NOT EXISTS categories(
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    parent_id TEXT
);
CREATE TABLE IF NOT EXISTS locations(
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    owner TEXT
);
CREATE TABLE IF NOT EXISTS stock_movements(
    id TEXT PRIMARY KEY,
    -- The ledger (or, for movements from before monthly ledgers, the location) holding it.
    doc_id TEXT NOT NULL,
    location_id TEXT NOT NULL,
    part_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    qty INTEGER NOT NULL,
    by_user TEXT NOT NULL,
    at INTEGER NOT NULL,
    order_id TEXT,
    request_id TEXT,
    counterpart TEXT,
    note TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS stock_movements_level ON stock_movements(location_id, part_id, qty);
CREATE INDEX IF NOT EXISTS stock_movements_part ON stock_movements(part_id, location_id);
CREATE INDEX IF NOT EXISTS stock_movements_doc ON stock_movements(doc_id);
CREATE TABLE IF NOT EXISTS ledgers(
    id TEXT PRIMARY KEY,
    location_id TEXT NOT NULL,
    month TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ledgers_location ON ledgers(location_id, month);
CREATE TABLE IF NOT EXISTS part_requests(
    id TEXT PRIMARY KEY,
    by_user TEXT NOT NULL,
    to_location TEXT NOT NULL,
    order_id TEXT,
    status TEXT NOT NULL,
    requested_at INTEGER NOT NULL,
    closed_at INTEGER,
    conflicts TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS checkins_order ON checkins(order_id);
CREATE TABLE IF NOT EXISTS equipment(
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    model TEXT NOT NULL,
    serial TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    site_id TEXT NOT NULL,
    project_id TEXT,
    installed_on TEXT,
    warranty_until TEXT,
    maintenance_interval_days INTEGER,
    notes TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS equipment_customer ON equipment(customer_id);
CREATE TABLE IF NOT EXISTS projects(
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    code TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    status TEXT NOT NULL,
    start_on TEXT,
    end_on TEXT,
    budget_minor INTEGER,
    currency TEXT NOT NULL,
    description TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS order_assignees(
    order_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    PRIMARY KEY(order_id, user_id)
);
CREATE INDEX IF NOT EXISTS order_assignees_user ON order_assignees(user_id);
CREATE INDEX IF NOT EXISTS orders_status ON orders(status);
CREATE TABLE IF NOT EXISTS records(
    order_id TEXT PRIMARY KEY,
    order_type TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    technicians TEXT NOT NULL,
    equipment_ids TEXT NOT NULL,
    completed_at INTEGER NOT NULL,
    resolution TEXT
);
CREATE INDEX IF NOT EXISTS records_customer ON records(customer_id, completed_at);
CREATE VIRTUAL TABLE IF NOT EXISTS records_fts USING fts5(
    order_id UNINDEXED, customer_id UNINDEXED, number, customer_name, description, resolution, notes,
    tokenize = 'trigram'
);
"#;

/// Bump when a projection table changes shape: the tables are then dropped and rebuilt from
/// the documents on open (the documents are the truth; projections are only a cache).
const PROJECTION_VERSION: &str = "9";

/// Every projection table, for rebuilds and for the test that proves a rebuild is exact.
pub const PROJECTION_TABLES: [&str; 15] = [
    "attendance",
    "ledgers",
    "categories",
    "locations",
    "part_requests",
    "parts",
    "stock_movements",
    "customers",
    "checkins",
    "equipment",
    "projects",
    "orders",
    "order_assignees",
    "records",
    "records_fts",
];

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
        Self::init(Connection::open(path)?)
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
        let tx = self.conn.transaction()?;
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
        for blob in blobs {
            tx.execute(
                "INSERT OR IGNORE INTO blobs(hash, content_type, bytes, uploaded) VALUES (?1, ?2, ?3, 0)",
                params![blob.0, blob.1, blob.2],
            )?;
        }
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
            "DELETE FROM meta WHERE key NOT IN ('actor', 'projection_version')",
            [],
        )?;
        if !keep_actor {
            let actor = random_actor();
            set_meta(&tx, "actor", &actor.to_hex_string())?;
            self.actor = actor;
        }
        tx.commit()?;
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

pub(crate) fn delete_document(tx: &Transaction<'_>, id: &str) -> Result<()> {
    tx.execute("DELETE FROM documents WHERE id = ?1", [id])?;
    tx.execute("DELETE FROM customers WHERE id = ?1", [id])?;
    tx.execute("DELETE FROM equipment WHERE id = ?1", [id])?;
    tx.execute("DELETE FROM projects WHERE id = ?1", [id])?;
    tx.execute("DELETE FROM orders WHERE id = ?1", [id])?;
    tx.execute("DELETE FROM order_assignees WHERE order_id = ?1", [id])?;
    tx.execute("DELETE FROM checkins WHERE order_id = ?1", [id])?;
    tx.execute("DELETE FROM attendance WHERE id = ?1", [id])?;
    for table in [
        "parts",
        "categories",
        "locations",
        "part_requests",
        "ledgers",
    ] {
        tx.execute(&format!("DELETE FROM {table} WHERE id = ?1"), [id])?;
    }
    tx.execute("DELETE FROM stock_movements WHERE doc_id = ?1", [id])?;
    tx.execute("DELETE FROM records WHERE order_id = ?1", [id])?;
    tx.execute("DELETE FROM records_fts WHERE order_id = ?1", [id])?;
    Ok(())
}

/// Write the query rows of one document.
pub(crate) fn project(tx: &Transaction<'_>, doc: &TypedDoc) -> Result<()> {
    match doc {
        TypedDoc::Customer(c) => project_customer(tx, c),
        TypedDoc::Order(o) => project_order(tx, o),
        // Settings are read from the document itself; they need no query rows.
        TypedDoc::Settings(_) => Ok(()),
        TypedDoc::Equipment(e) => project_equipment(tx, e),
        TypedDoc::Project(p) => project_project(tx, p),
        TypedDoc::Part(p) => {
            let i = &p.info;
            tx.execute(
                "INSERT OR REPLACE INTO parts(id, sku, name_zh, name_en, category_id, unit, barcode,
                    sale_price_minor, cost_minor, currency, min_stock, compatible_models, photo)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                params![
                    p.id,
                    i.sku,
                    i.name_zh,
                    i.name_en,
                    i.category_id,
                    i.unit,
                    i.barcode,
                    i.sale_price_minor,
                    i.cost_minor,
                    i.currency,
                    i.min_stock,
                    json_text(&i.compatible_models),
                    i.photo
                ],
            )?;
            Ok(())
        }
        TypedDoc::Category(c) => {
            tx.execute(
                "INSERT OR REPLACE INTO categories(id, name, parent_id) VALUES (?1, ?2, ?3)",
                params![c.id, c.name, c.parent_id],
            )?;
            Ok(())
        }
        TypedDoc::Location(l) => {
            tx.execute(
                "INSERT OR REPLACE INTO locations(id, kind, name, owner) VALUES (?1, ?2, ?3, ?4)",
                params![l.id, enum_name(&l.kind), l.name, l.owner],
            )?;
            project_movements(tx, &l.id, &l.id, &l.movements)
        }
        TypedDoc::Ledger(l) => {
            tx.execute(
                "INSERT OR IGNORE INTO ledgers(id, location_id, month) VALUES (?1, ?2, ?3)",
                params![l.id, l.location_id, l.month],
            )?;
            project_movements(tx, &l.id, &l.location_id, &l.movements)
        }
        TypedDoc::PartRequest(r) => {
            let st = r.state();
            tx.execute(
                "INSERT OR REPLACE INTO part_requests(id, by_user, to_location, order_id, status, requested_at, closed_at, conflicts)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    r.id,
                    r.by,
                    r.to_location,
                    r.order_id,
                    enum_name(&st.status),
                    st.requested_at,
                    st.closed_at,
                    json_text(&st.conflicts)
                ],
            )?;
            Ok(())
        }
        TypedDoc::Attendance(a) => {
            let p = a.position.as_ref();
            tx.execute(
                "INSERT OR REPLACE INTO attendance(id, user_id, kind, at, tz_offset_min, lat, lon, accuracy_m, source)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    a.id,
                    a.user_id,
                    enum_name(&a.kind),
                    a.at,
                    a.tz_offset_min,
                    p.map(|p| p.lat),
                    p.map(|p| p.lon),
                    p.and_then(|p| p.accuracy_m),
                    p.map(|p| p.source.as_str())
                ],
            )?;
            Ok(())
        }
    }
}

/// Movements are append-only, so only new ones need rows.
fn project_movements(
    tx: &Transaction<'_>,
    doc_id: &str,
    location_id: &str,
    movements: &std::collections::BTreeMap<String, crate::model::stock::Movement>,
) -> Result<()> {
    let mut insert = tx.prepare_cached(
        "INSERT OR IGNORE INTO stock_movements(id, doc_id, location_id, part_id, kind, qty, by_user, at,
            order_id, request_id, counterpart, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    for (id, m) in movements {
        insert.execute(params![
            id,
            doc_id,
            location_id,
            m.part_id,
            enum_name(&m.kind),
            m.qty,
            m.by,
            m.at,
            m.order_id,
            m.request_id,
            m.counterpart,
            m.note
        ])?;
    }
    Ok(())
}

fn project_equipment(tx: &Transaction<'_>, e: &Equipment) -> Result<()> {
    let i = &e.info;
    tx.execute(
        "INSERT OR REPLACE INTO equipment(id, name, model, serial, customer_id, site_id, project_id,
            installed_on, warranty_until, maintenance_interval_days, notes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            e.id,
            i.name,
            i.model,
            i.serial,
            i.customer_id,
            i.site_id,
            i.project_id,
            i.installed_on,
            i.warranty_until,
            i.maintenance_interval_days,
            i.notes
        ],
    )?;
    Ok(())
}

fn project_project(tx: &Transaction<'_>, p: &Project) -> Result<()> {
    let i = &p.info;
    tx.execute(
        "INSERT OR REPLACE INTO projects(id, name, code, customer_id, status, start_on, end_on,
            budget_minor, currency, description)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            p.id,
            i.name,
            i.code,
            i.customer_id,
            enum_name(&i.status),
            i.start_on,
            i.end_on,
            i.budget_minor,
            i.currency,
            i.description
        ],
    )?;
    Ok(())
}

fn project_customer(tx: &Transaction<'_>, c: &Customer) -> Result<()> {
    let sites = serde_json::to_string(&c.sites).map_err(|e| DeviceError::invalid(e.to_string()))?;
    tx.execute(
        "INSERT OR REPLACE INTO customers(id, name, phone, sites) VALUES (?1, ?2, ?3, ?4)",
        params![c.id, c.name, c.phone, sites],
    )?;
    // Business records search by customer name too, whichever document arrived first.
    tx.execute(
        "UPDATE records_fts SET customer_name = ?2 WHERE customer_id = ?1",
        params![c.id, c.name],
    )?;
    Ok(())
}

fn project_order(tx: &Transaction<'_>, o: &OrderDoc) -> Result<()> {
    let st = o.state();
    let created_at = o.events.iter().map(|e| e.at).min().unwrap_or(0);
    let updated_at = o.events.iter().map(|e| e.at).max().unwrap_or(0);
    let totals = o.totals();
    tx.execute(
        "INSERT OR REPLACE INTO orders(id, status, order_type, priority, customer_id, site_id, description,
            scheduled_start, scheduled_end, created_at, updated_at, assignees, conflicts, number, currency,
            charges_net, charges_total, costs_total, gross_profit, completed_at, rating, project_id, equipment_ids)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)",
        params![
            o.id,
            st.status.as_str(),
            enum_name(&o.header.order_type),
            enum_name(&o.header.priority),
            o.header.customer_id,
            o.header.site_id,
            o.header.description,
            o.header.scheduled_start,
            o.header.scheduled_end,
            created_at,
            updated_at,
            json_text(&st.assignees),
            json_text(&st.conflicts),
            o.number,
            totals.currency,
            totals.charges_net,
            totals.charges_total,
            totals.costs_total,
            totals.gross_profit,
            st.completed_at,
            st.rating.as_ref().map(|r| r.0),
            o.header.project_id,
            json_text(&o.header.equipment_ids),
        ],
    )?;
    tx.execute("DELETE FROM order_assignees WHERE order_id = ?1", [&o.id])?;
    for u in &st.assignees {
        tx.execute(
            "INSERT OR IGNORE INTO order_assignees(order_id, user_id) VALUES (?1, ?2)",
            params![o.id, u],
        )?;
    }
    tx.execute("DELETE FROM checkins WHERE order_id = ?1", [&o.id])?;
    for e in o.events.iter().filter(|e| {
        matches!(
            e.kind,
            crate::model::order::EventKind::CheckedIn | crate::model::order::EventKind::CheckedOut
        )
    }) {
        let p = e.position.as_ref();
        tx.execute(
            "INSERT OR REPLACE INTO checkins(event_id, order_id, user_id, kind, at, lat, lon, accuracy_m, source)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                e.id,
                o.id,
                e.by,
                enum_name(&e.kind),
                e.at,
                p.map(|p| p.lat),
                p.map(|p| p.lon),
                p.and_then(|p| p.accuracy_m),
                p.map(|p| p.source.as_str())
            ],
        )?;
    }
    project_record(tx, o, &st)?;
    Ok(())
}

/// Completed (and settled) orders are archived as business records of their type; a reopened
/// order leaves the archive until it is completed again.
fn project_record(
    tx: &Transaction<'_>,
    o: &OrderDoc,
    st: &crate::model::order::OrderState,
) -> Result<()> {
    tx.execute("DELETE FROM records WHERE order_id = ?1", [&o.id])?;
    tx.execute("DELETE FROM records_fts WHERE order_id = ?1", [&o.id])?;
    let Some(completed_at) = st.completed_at else {
        return Ok(());
    };
    if !matches!(
        st.underlying,
        crate::model::order::Status::Completed | crate::model::order::Status::Settled
    ) {
        return Ok(());
    }
    let technicians: Vec<&String> = {
        let mut t: Vec<&String> = o
            .events
            .iter()
            .filter(|e| {
                e.kind == crate::model::order::EventKind::Completed
                    || e.kind == crate::model::order::EventKind::CheckedIn
            })
            .map(|e| &e.by)
            .collect();
        t.sort();
        t.dedup();
        t
    };
    tx.execute(
        "INSERT INTO records(order_id, order_type, customer_id, technicians, equipment_ids, completed_at, resolution)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            o.id,
            enum_name(&o.header.order_type),
            o.header.customer_id,
            json_text(&technicians),
            json_text(&o.header.equipment_ids),
            completed_at,
            st.resolution
        ],
    )?;
    let customer_name: Option<String> = tx
        .query_row(
            "SELECT name FROM customers WHERE id = ?1",
            [&o.header.customer_id],
            |r| r.get(0),
        )
        .optional()?;
    let notes: Vec<&str> = o
        .events
        .iter()
        .filter_map(|e| e.note.as_deref().or(e.reason.as_deref()))
        .collect();
    tx.execute(
        "INSERT INTO records_fts(order_id, customer_id, number, customer_name, description, resolution, notes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![o.id, o.header.customer_id, o.number, customer_name.unwrap_or_default(), o.header.description, st.resolution, notes.join("\n")],
    )?;
    Ok(())
}

fn json_text<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
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
