//! The device database's tables: documents, blobs, meta, and the projections that answer
//! queries (dropped and rebuilt from the documents when their shape changes).

pub(super) const SCHEMA: &str = r#"
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
-- Changes saved after a document's `bytes` (automerge change chunks, in order): a small edit of
-- a big document appends here instead of rewriting it; the next full save folds them in.
CREATE TABLE IF NOT EXISTS document_tails(
    id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    bytes BLOB NOT NULL,
    PRIMARY KEY(id, seq)
);
-- Pulled documents this device could not read (damaged bytes, an unknown shape): kept as
-- received, with why, until a later pull of the same document applies.
CREATE TABLE IF NOT EXISTS quarantine(
    doc TEXT PRIMARY KEY,
    doc_type TEXT NOT NULL,
    data TEXT NOT NULL,
    reason TEXT NOT NULL,
    at INTEGER NOT NULL
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
-- Knowledge entries this person pinned (their attachments kept on the device); a choice of
-- this device, not derived from documents.
CREATE TABLE IF NOT EXISTS knowledge_pins(id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS customers(
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    phone TEXT NOT NULL,
    sites TEXT NOT NULL,
    region TEXT NOT NULL DEFAULT '',
    -- JSON map of contacts by id; report language (zh, en, both).
    contacts TEXT NOT NULL DEFAULT '{}',
    report_language TEXT NOT NULL DEFAULT 'both'
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
    equipment_ids TEXT NOT NULL,
    dispatched_at INTEGER,
    plan_visit TEXT,
    -- The knowledge entry marked as the one that fixed it.
    fixed_with TEXT,
    -- The customer's name as last known here: kept when the customer's document goes (an
    -- order reassigned away still says whose it was).
    customer_name TEXT,
    -- What statistics need of the order (JSON of workspace::statistics::Facts), so that
    -- statistics over a company's history read rows instead of loading every document.
    stat_facts TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS orders_project ON orders(project_id);
CREATE INDEX IF NOT EXISTS orders_fixed_with ON orders(fixed_with);
-- Statistics read the orders with an event since a moment (and the open ones).
CREATE INDEX IF NOT EXISTS orders_updated ON orders(updated_at);
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
-- Levels as sums kept up to date with every movement row that comes or goes, so reading them
-- never adds up a location's whole history. Defective parts taken back are counted apart.
CREATE TABLE IF NOT EXISTS stock_levels(
    location_id TEXT NOT NULL,
    part_id TEXT NOT NULL,
    level INTEGER NOT NULL,
    defective INTEGER NOT NULL,
    PRIMARY KEY(location_id, part_id)
);
CREATE INDEX IF NOT EXISTS stock_levels_part ON stock_levels(part_id);
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
    notes TEXT NOT NULL,
    plans TEXT NOT NULL,
    acks TEXT NOT NULL
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
    description TEXT NOT NULL,
    plans TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS order_assignees(
    order_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    -- 0: dispatched to them earlier, reassigned since (their device keeps it until they say OK)
    current INTEGER NOT NULL DEFAULT 1,
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
CREATE TABLE IF NOT EXISTS knowledge(
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    title TEXT NOT NULL,
    created_by TEXT NOT NULL,
    revised_by TEXT NOT NULL,
    revised_at INTEGER NOT NULL,
    fault_code TEXT NOT NULL,
    models TEXT NOT NULL,
    -- '|kx200|kx300|': each model folded, for the model filter.
    model_keys TEXT NOT NULL,
    tags TEXT NOT NULL,
    tag_keys TEXT NOT NULL,
    order_types TEXT NOT NULL,
    -- What a snippet is cut from: the fault's fields and the body as plain text.
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS knowledge_status ON knowledge(status, revised_at);
-- The search terms of workspace/knowledge/search.rs (Chinese characters and pairs, words and
-- their parts), one row per entry under the `knowledge` row's rowid; bm25 ranks. No prefix
-- index: a Chinese pair is its own two-character prefix, so one would double the index, and
-- a word's beginning is found from the terms' b-tree without it. (`detail = column` made the
-- index smaller but bm25 six times slower.)
CREATE VIRTUAL TABLE IF NOT EXISTS knowledge_fts USING fts5(
    title, body, tokenize = 'unicode61'
);
"#;

/// The triggers that keep `stock_levels` up to date (part of the schema; a full rebuild drops
/// them, sums the levels in one statement, and puts them back).
pub(super) const STOCK_LEVEL_TRIGGERS: &str = r#"
CREATE TRIGGER IF NOT EXISTS stock_levels_add AFTER INSERT ON stock_movements BEGIN
    INSERT INTO stock_levels(location_id, part_id, level, defective)
    VALUES (new.location_id, new.part_id,
            CASE WHEN new.kind = 'defective' THEN 0 ELSE new.qty END,
            CASE WHEN new.kind = 'defective' THEN new.qty ELSE 0 END)
    ON CONFLICT(location_id, part_id) DO UPDATE
    SET level = level + excluded.level, defective = defective + excluded.defective;
END;
CREATE TRIGGER IF NOT EXISTS stock_levels_remove AFTER DELETE ON stock_movements BEGIN
    UPDATE stock_levels
    SET level = level - CASE WHEN old.kind = 'defective' THEN 0 ELSE old.qty END,
        defective = defective - CASE WHEN old.kind = 'defective' THEN old.qty ELSE 0 END
    WHERE location_id = old.location_id AND part_id = old.part_id;
    DELETE FROM stock_levels
    WHERE location_id = old.location_id AND part_id = old.part_id
      AND NOT EXISTS (SELECT 1 FROM stock_movements
                      WHERE location_id = old.location_id AND part_id = old.part_id);
END;
"#;

/// Bump when a projection table changes shape: the tables are then dropped and rebuilt from
/// the documents on open (the documents are the truth; projections are only a cache).
pub(super) const PROJECTION_VERSION: &str = "21";

/// Every projection table, for rebuilds and for the test that proves a rebuild is exact.
pub const PROJECTION_TABLES: [&str; 18] = [
    "attendance",
    "ledgers",
    "categories",
    "locations",
    "part_requests",
    "parts",
    "stock_movements",
    "stock_levels",
    "customers",
    "checkins",
    "equipment",
    "projects",
    "orders",
    "order_assignees",
    "records",
    "records_fts",
    "knowledge",
    "knowledge_fts",
];
