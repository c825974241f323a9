//! Where the server keeps tenants, users, devices, tokens, documents and the feed. Two
//! implementations behind one trait: SQLite (embedded default) and PostgreSQL (scale-out).
//! Both use plain SQL only, so PostgreSQL-compatible distributed databases work too.

pub mod postgres;
pub mod sqlite;

use std::sync::Arc;

use async_trait::async_trait;
use fieldops_domain::ErrorCode;
use fieldops_domain::audit::AuditKind;
use fieldops_domain::model::Role;
use fieldops_domain::protocol::UserInfo;

use crate::error::{Result, ServerError};

#[derive(Debug, Clone)]
pub struct UserRecord {
    pub info: UserInfo,
    pub password_hash: String,
}

/// Who a valid token belongs to.
#[derive(Debug, Clone)]
pub struct AuthContext {
    pub tenant: String,
    pub user_id: String,
    pub role: Role,
    pub device_id: String,
    /// The automerge actor id (hex) bound to the device at login.
    pub actor: String,
    pub expires_at: i64,
    pub login: String,
    /// The administrator revoked this device.
    pub revoked: Option<Revocation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Revocation {
    /// The device may push its unsent work (and nothing else) before it wipes itself.
    pub keep_unsent: bool,
}

/// Who presented a token: a person whose account is active. Revoked devices are in it with
/// their revocation; deactivated people are not (their tokens are gone too).
/// A revoked device of a deactivated person still authenticates, only to learn that it is
/// revoked.
pub(crate) const AUTHENTICATE: &str = "SELECT d.tenant, u.id, u.role, d.id, d.actor, t.expires_at, u.login, r.keep_unsent, r.at FROM tokens t
     JOIN devices d ON d.id = t.device_id JOIN users u ON u.id = d.user_id
     LEFT JOIN revoked_devices r ON r.device_id = d.id
     WHERE t.hash = $1
       AND (r.device_id IS NOT NULL OR NOT EXISTS (SELECT 1 FROM deactivated_users x WHERE x.user_id = u.id))";

/// How long after its revocation a device allowed to keep its unsent work may still send it;
/// after that it is told to wipe at once like any other.
pub const KEEP_UNSENT_MS: i64 = 3 * 24 * 3600 * 1000;

impl Revocation {
    /// From the stored row: whether unsent work may still come, and since when.
    pub(crate) fn from_row(keep_unsent: i64, at: i64) -> Revocation {
        Revocation {
            keep_unsent: keep_unsent == 1 && now_ms() - at < KEEP_UNSENT_MS,
        }
    }
}

/// A value bound to, or read from, the plain SQL of `Storage::sql_query` and `sql_write`.
/// Typed even when absent, because PostgreSQL binds by type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sql {
    Int(Option<i64>),
    Text(Option<String>),
}

impl Sql {
    pub fn int(v: i64) -> Sql {
        Sql::Int(Some(v))
    }

    pub fn text(v: impl Into<String>) -> Sql {
        Sql::Text(Some(v.into()))
    }

    pub fn opt_text(v: Option<impl Into<String>>) -> Sql {
        Sql::Text(v.map(Into::into))
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Sql::Int(v) => *v,
            Sql::Text(v) => v.as_deref().and_then(|t| t.parse().ok()),
        }
    }

    pub fn as_text(&self) -> Option<String> {
        match self {
            Sql::Text(v) => v.clone(),
            Sql::Int(v) => v.map(|n| n.to_string()),
        }
    }
}

/// `$1`, `$2` … as SQLite's `?1`, `?2` …
pub(crate) fn sqlite_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    out
}

/// One line for the audit log.
#[derive(Debug, Clone)]
pub struct AuditRecord {
    pub tenant: String,
    pub kind: AuditKind,
    pub user_id: Option<String>,
    pub login: Option<String>,
    pub device_id: Option<String>,
    pub address: Option<String>,
    pub code: Option<ErrorCode>,
    pub subject: Option<String>,
    pub detail: String,
}

impl AuditRecord {
    /// A record of something the caller of `ctx` did.
    pub fn by(ctx: &AuthContext, kind: AuditKind) -> AuditRecord {
        AuditRecord {
            tenant: ctx.tenant.clone(),
            kind,
            user_id: Some(ctx.user_id.clone()),
            login: Some(ctx.login.clone()),
            device_id: Some(ctx.device_id.clone()),
            address: None,
            code: None,
            subject: None,
            detail: String::new(),
        }
    }

    pub(crate) fn params(&self) -> Vec<Sql> {
        vec![
            Sql::text(&self.tenant),
            Sql::int(now_ms()),
            Sql::text(self.kind.as_str()),
            Sql::opt_text(self.user_id.clone()),
            Sql::opt_text(self.login.clone()),
            Sql::opt_text(self.device_id.clone()),
            Sql::opt_text(self.address.clone()),
            Sql::opt_text(self.code.map(|c| c.as_str())),
            Sql::opt_text(self.subject.clone()),
            Sql::text(&self.detail),
        ]
    }

    /// The statement that appends this record, for `sql_write`.
    pub fn statement(&self) -> (String, Vec<Sql>) {
        (AUDIT_INSERT.to_string(), self.params())
    }
}

pub(crate) const AUDIT_INSERT: &str = "INSERT INTO audit(tenant, at, kind, user_id, login, device_id, address, code, subject, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

#[derive(Debug, Clone)]
pub struct StoredDoc {
    pub doc_type: String,
    pub bytes: Vec<u8>,
    /// JSON array of hex change hashes, as stored; used for optimistic concurrency.
    pub heads: String,
}

/// One accepted push, written in one transaction with its feed entry.
#[derive(Debug, Clone)]
pub struct DocCommit {
    pub tenant: String,
    pub doc_id: String,
    pub doc_type: String,
    pub bytes: Vec<u8>,
    pub heads: String,
    /// The heads the new state was computed from; the write fails with `Concurrent` if the
    /// stored document moved on in the meantime.
    pub base_heads: Option<String>,
    /// The automerge bytes of the changes this commit adds (what devices pull); for a new
    /// document, the document saved whole.
    pub changes: Vec<u8>,
    pub origin_device: Option<String>,
    /// Changes the server itself added (number, received times): a second feed entry with no
    /// origin device, so the pushing device pulls just these.
    pub server_changes: Option<Vec<u8>>,
    /// Orders: the current assignees and the documents the order points at (customer,
    /// equipment, project) as (id, type): the scope projection.
    pub assignees: Vec<String>,
    pub links: Vec<(String, String)>,
    /// Blob hashes the document references (signatures, photos), for blob access checks.
    pub blob_refs: Vec<String>,
    /// `bytes` end with appended changes enough to save the document whole again
    /// (`compaction`): it is queued for that.
    pub compact_later: bool,
    /// The audit line for this change, written in the same transaction.
    pub audit: Option<AuditRecord>,
}

#[derive(Debug, Clone)]
pub struct FeedEntry {
    pub seq: u64,
    pub doc_id: String,
    pub doc_type: String,
    /// The size of the entry's change bytes; the bytes themselves are read (`feed_changes`)
    /// only for the entries a page sends, as most are not in a technician's scope.
    pub changes_len: usize,
    pub origin_device: Option<String>,
}

#[async_trait]
pub trait Storage: Send + Sync {
    async fn ensure_tenant(&self, tenant: &str) -> Result<()>;
    async fn tenant_exists(&self, tenant: &str) -> Result<bool>;
    /// Adds a user and bumps the tenant's directory version.
    async fn add_user(&self, tenant: &str, user: &UserRecord) -> Result<()>;
    async fn find_user(&self, tenant: &str, login: &str) -> Result<Option<UserRecord>>;
    async fn directory(&self, tenant: &str) -> Result<(u64, Vec<UserInfo>)>;
    async fn directory_version(&self, tenant: &str) -> Result<u64>;
    /// The device for (user, actor); an actor bound to another user is refused.
    async fn bind_device(
        &self,
        tenant: &str,
        user_id: &str,
        actor: &str,
        name: &str,
    ) -> Result<String>;
    async fn create_token(&self, token_hash: &str, device_id: &str, expires_at: i64) -> Result<()>;
    async fn authenticate(&self, token_hash: &str) -> Result<Option<AuthContext>>;
    async fn revoke_token(&self, token_hash: &str) -> Result<()>;
    async fn load_doc(&self, tenant: &str, doc_id: &str) -> Result<Option<StoredDoc>>;
    /// Several documents in one read, by id; ids not stored are absent from the map.
    async fn load_docs(
        &self,
        tenant: &str,
        doc_ids: &[String],
    ) -> Result<std::collections::HashMap<String, StoredDoc>>;
    /// Ids of every document of one type in a tenant (for operators' tools, not for sync).
    async fn doc_ids(&self, tenant: &str, doc_type: &str) -> Result<Vec<String>>;
    /// Store the document and append a feed entry, atomically; returns the entry's sequence.
    async fn commit_doc(&self, commit: &DocCommit) -> Result<u64> {
        let seqs = self.commit_docs(std::slice::from_ref(commit)).await?;
        seqs.first()
            .copied()
            .flatten()
            .ok_or(crate::error::ServerError::Concurrent)
    }
    /// Several commits in one transaction (one request's push), in order. Each is `Some(seq)`,
    /// or `None` when its document moved on since it was read (nothing of it is written; the
    /// caller retries it alone). Any other error writes nothing at all.
    async fn commit_docs(&self, commits: &[DocCommit]) -> Result<Vec<Option<u64>>>;
    /// Replace a document's stored bytes with the same document saved whole, if it still has
    /// `heads`, and take it off the compaction queue; false (nothing written) if it moved on.
    async fn replace_saved(
        &self,
        tenant: &str,
        doc_id: &str,
        heads: &str,
        bytes: &[u8],
    ) -> Result<bool>;
    /// Store a blob; false when it was already there (uploads are idempotent).
    async fn put_blob(
        &self,
        tenant: &str,
        hash: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Result<bool>;
    async fn get_blob(&self, tenant: &str, hash: &str) -> Result<Option<(String, Vec<u8>)>>;
    /// The size of a stored blob, without reading it.
    async fn blob_size(&self, tenant: &str, hash: &str) -> Result<Option<u64>>;
    /// Bytes of a resumable blob upload received so far from one device.
    async fn upload_received(&self, tenant: &str, hash: &str, device_id: &str) -> Result<u64>;
    /// Add a chunk to a resumable upload. It must start where the received bytes end (else
    /// `Conflict`); a chunk at offset 0 starts the upload over. Returns the bytes received.
    async fn append_upload(&self, chunk: &UploadChunk<'_>) -> Result<u64>;
    /// The assembled upload (content type, bytes), removed from the partial uploads.
    async fn take_upload(
        &self,
        tenant: &str,
        hash: &str,
        device_id: &str,
    ) -> Result<Option<(String, Vec<u8>)>>;
    /// Documents that reference a blob.
    async fn blob_referrers(&self, tenant: &str, hash: &str) -> Result<Vec<(String, String)>>;
    /// The human number of an order (WO-YYYYMM-NNNN): allocated once per order and returned
    /// again on every later call, so retries never leave gaps.
    async fn order_number(&self, tenant: &str, order_id: &str, month: &str) -> Result<String> {
        let wanted = [(order_id.to_string(), month.to_string())];
        let numbers = self.order_numbers(tenant, &wanted).await?;
        numbers
            .into_iter()
            .next()
            .ok_or_else(|| crate::error::ServerError::Storage("no order number taken".into()))
    }
    /// `order_number` for several (order id, month) pairs in one transaction, in order.
    async fn order_numbers(&self, tenant: &str, wanted: &[(String, String)])
    -> Result<Vec<String>>;
    /// Feed entries after `cursor`, oldest first, at most `limit`; and whether more follow.
    async fn feed_after(
        &self,
        tenant: &str,
        cursor: u64,
        limit: u32,
    ) -> Result<(Vec<FeedEntry>, bool)>;
    /// `feed_after` for a reader whose documents `rules` decide (everyone but managers): only
    /// the entries of documents they read or their device holds now (any other entry changes
    /// nothing for them), up to the feed's head as it stood when asked. Also that head: the
    /// cursor moves there once no more entries follow, so a technician never reads the rest
    /// of the company's feed again.
    async fn feed_for(
        &self,
        reader: &PageReader<'_>,
        rules: &[(&'static str, ReadRule)],
        cursor: u64,
        limit: u32,
    ) -> Result<(Vec<FeedEntry>, bool, u64)>;
    /// The change bytes of the feed entries `seqs`, by seq.
    async fn feed_changes(
        &self,
        tenant: &str,
        seqs: &[u64],
    ) -> Result<std::collections::HashMap<u64, Vec<u8>>>;
    async fn last_seq(&self, tenant: &str) -> Result<u64>;
    /// May `user_id` (a technician) read the document? Managers read everything.
    async fn technician_sees(
        &self,
        tenant: &str,
        user_id: &str,
        doc_id: &str,
        doc_type: &str,
    ) -> Result<bool>;
    /// What one pull page must know of the documents its feed entries name (`docs`, as
    /// (id, type)), read in one go rather than in three queries per entry: see `PageFacts`.
    async fn page_facts(
        &self,
        reader: &PageReader<'_>,
        docs: &[(String, String)],
    ) -> Result<PageFacts>;
    /// Every stored document a reader reads, (id, type), sorted by id: `rules` gives each
    /// document type's rule (a first sync's scope, listed once per page).
    async fn readable_docs(
        &self,
        tenant: &str,
        user_id: &str,
        rules: &[(&'static str, ReadRule)],
    ) -> Result<Vec<(String, String)>>;
    /// Record that the device now holds `added` and no longer holds `removed`, in one
    /// transaction (one per sync answer, not one per document).
    async fn device_update(
        &self,
        device_id: &str,
        added: &[String],
        removed: &[String],
    ) -> Result<()>;
    async fn device_reset(&self, device_id: &str) -> Result<()>;
    /// Whether the database itself announces feed advances to every server instance
    /// (PostgreSQL NOTIFY); otherwise the instance that took the push announces it.
    fn announces_feed(&self) -> bool {
        false
    }
    /// Plain SQL for features that need nothing backend-specific: `$1`, `$2` … placeholders,
    /// values as `Sql`; every row as its columns.
    async fn sql_query(&self, sql: &str, params: Vec<Sql>) -> Result<Vec<Vec<Sql>>>;
    /// Statements run in one transaction; how many rows each changed.
    async fn sql_write(&self, statements: Vec<(String, Vec<Sql>)>) -> Result<Vec<u64>> {
        self.sql_write_guarded(statements, usize::MAX)
            .await
            .map(Option::unwrap_or_default)
    }
    /// As `sql_write`, but when the statement at `guard` changes no row, everything is rolled
    /// back and the answer is None: a condition checked and acted on in one transaction.
    async fn sql_write_guarded(
        &self,
        statements: Vec<(String, Vec<Sql>)>,
        guard: usize,
    ) -> Result<Option<Vec<u64>>>;
}

pub type DynStorage = Arc<dyn Storage>;

/// Open the storage a `--database` URL names.
pub async fn open(url: &str) -> Result<DynStorage> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        Ok(Arc::new(sqlite::SqliteStorage::open(path)?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(postgres::PgStorage::connect(url).await?))
    } else {
        Err(ServerError::BadRequest(format!(
            "unsupported database URL '{url}': use sqlite://PATH or postgres://..."
        )))
    }
}

/// Chunks of an upload nobody continued for this long are deleted (by the next upload).
pub(crate) const ABANDONED_UPLOAD_MS: i64 = 7 * 24 * 3600 * 1000;

/// One chunk of a resumable blob upload.
pub struct UploadChunk<'a> {
    pub tenant: &'a str,
    pub hash: &'a str,
    pub device_id: &'a str,
    pub content_type: &'a str,
    /// The whole blob's size, as announced with every chunk.
    pub total: u64,
    pub offset: u64,
    pub bytes: &'a [u8],
}

/// Why a chunk cannot be added: the client should ask where the upload stands and go on
/// from there.
pub(crate) fn out_of_order(received: u64) -> ServerError {
    ServerError::Conflict(format!(
        "the upload has {received} bytes; send the chunk that starts there"
    ))
}

/// The schema, in SQL both databases accept. BLOB/BYTEA, the integer type and the
/// auto-numbered key differ, so each backend substitutes its own for `{blob}`, `{int}` and
/// `{serial}`.
pub(crate) const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS tenants(id TEXT PRIMARY KEY, feed_seq {int} NOT NULL DEFAULT 0, directory_version {int} NOT NULL DEFAULT 0)",
    "CREATE TABLE IF NOT EXISTS users(id TEXT PRIMARY KEY, tenant TEXT NOT NULL REFERENCES tenants(id), login TEXT NOT NULL, name TEXT NOT NULL, role TEXT NOT NULL, password_hash TEXT NOT NULL, UNIQUE(tenant, login))",
    "CREATE TABLE IF NOT EXISTS devices(id TEXT PRIMARY KEY, tenant TEXT NOT NULL, user_id TEXT NOT NULL REFERENCES users(id), actor TEXT NOT NULL UNIQUE, name TEXT NOT NULL, created_at {int} NOT NULL)",
    "CREATE TABLE IF NOT EXISTS tokens(hash TEXT PRIMARY KEY, device_id TEXT NOT NULL REFERENCES devices(id), expires_at {int} NOT NULL)",
    "CREATE TABLE IF NOT EXISTS docs(tenant TEXT NOT NULL, id TEXT NOT NULL, doc_type TEXT NOT NULL, bytes {blob} NOT NULL, heads TEXT NOT NULL, customer_id TEXT, updated_at {int} NOT NULL, PRIMARY KEY(tenant, id))",
    "CREATE INDEX IF NOT EXISTS docs_customer ON docs(tenant, customer_id)",
    // A first sync lists every document of a type the reader reads (`readable_docs`).
    "CREATE INDEX IF NOT EXISTS docs_type ON docs(tenant, doc_type, id)",
    // What orders point at; `active = 0` keeps links an order dropped, so the documents can be
    // taken away from technicians who no longer need them.
    "CREATE TABLE IF NOT EXISTS doc_links(tenant TEXT NOT NULL, from_id TEXT NOT NULL, to_id TEXT NOT NULL, to_type TEXT NOT NULL, active {int} NOT NULL, PRIMARY KEY(tenant, from_id, to_id))",
    "CREATE INDEX IF NOT EXISTS doc_links_to ON doc_links(tenant, to_id)",
    // Databases from before doc_links kept an order's customer in docs.customer_id.
    "INSERT INTO doc_links(tenant, from_id, to_id, to_type, active) SELECT tenant, id, customer_id, 'customer', 1 FROM docs WHERE doc_type = 'order' AND customer_id IS NOT NULL ON CONFLICT DO NOTHING",
    "UPDATE docs SET customer_id = NULL WHERE customer_id IS NOT NULL",
    "CREATE TABLE IF NOT EXISTS order_assignees(tenant TEXT NOT NULL, order_id TEXT NOT NULL, user_id TEXT NOT NULL, PRIMARY KEY(tenant, order_id, user_id))",
    // A technician's orders, read from the index alone (the scope of every page they pull).
    "DROP INDEX IF EXISTS order_assignees_user",
    "CREATE INDEX IF NOT EXISTS order_assignees_by_user ON order_assignees(tenant, user_id, order_id)",
    // Documents whose stored bytes end with enough appended changes to be saved whole again.
    "CREATE TABLE IF NOT EXISTS doc_compaction(tenant TEXT NOT NULL, id TEXT NOT NULL, queued_at {int} NOT NULL, PRIMARY KEY(tenant, id))",
    "CREATE TABLE IF NOT EXISTS feed(tenant TEXT NOT NULL, seq {int} NOT NULL, doc_id TEXT NOT NULL, doc_type TEXT NOT NULL, changes {blob} NOT NULL, origin_device TEXT, received_at {int} NOT NULL, PRIMARY KEY(tenant, seq))",
    "CREATE TABLE IF NOT EXISTS order_numbers(tenant TEXT NOT NULL, order_id TEXT NOT NULL, number TEXT NOT NULL UNIQUE, PRIMARY KEY(tenant, order_id))",
    "CREATE TABLE IF NOT EXISTS number_counters(tenant TEXT NOT NULL, month TEXT NOT NULL, last {int} NOT NULL, PRIMARY KEY(tenant, month))",
    "CREATE TABLE IF NOT EXISTS blobs(tenant TEXT NOT NULL, hash TEXT NOT NULL, content_type TEXT NOT NULL, size {int} NOT NULL, bytes {blob} NOT NULL, created_at {int} NOT NULL, PRIMARY KEY(tenant, hash))",
    // Resumable uploads: the chunks received so far, per uploading device, until complete.
    "CREATE TABLE IF NOT EXISTS blob_upload_chunks(tenant TEXT NOT NULL, hash TEXT NOT NULL, device_id TEXT NOT NULL, offset_bytes {int} NOT NULL, len {int} NOT NULL, total {int} NOT NULL, content_type TEXT NOT NULL, bytes {blob} NOT NULL, created_at {int} NOT NULL, PRIMARY KEY(tenant, hash, device_id, offset_bytes))",
    "CREATE TABLE IF NOT EXISTS blob_refs(tenant TEXT NOT NULL, hash TEXT NOT NULL, doc_id TEXT NOT NULL, doc_type TEXT NOT NULL, PRIMARY KEY(tenant, hash, doc_id))",
    "CREATE TABLE IF NOT EXISTS device_docs(device_id TEXT NOT NULL, doc_id TEXT NOT NULL, PRIMARY KEY(device_id, doc_id))",
    // People and devices as the administrator manages them (`accounts`).
    "CREATE TABLE IF NOT EXISTS deactivated_users(user_id TEXT PRIMARY KEY REFERENCES users(id), at {int} NOT NULL)",
    "CREATE TABLE IF NOT EXISTS device_facts(device_id TEXT PRIMARY KEY REFERENCES devices(id), platform TEXT NOT NULL, model TEXT NOT NULL, app_version TEXT NOT NULL, first_seen {int} NOT NULL, last_seen {int} NOT NULL, last_address TEXT)",
    "CREATE TABLE IF NOT EXISTS revoked_devices(device_id TEXT PRIMARY KEY REFERENCES devices(id), at {int} NOT NULL, keep_unsent {int} NOT NULL)",
    "CREATE TABLE IF NOT EXISTS setup_links(hash TEXT PRIMARY KEY, created_at {int} NOT NULL, used_at {int})",
    // Invitations (`invitations`): one-time links to choose a password; only their hashes.
    "CREATE TABLE IF NOT EXISTS invitations(hash TEXT PRIMARY KEY, tenant TEXT NOT NULL, user_id TEXT NOT NULL REFERENCES users(id), invited_by TEXT NOT NULL, created_at {int} NOT NULL, expires_at {int} NOT NULL, used_at {int})",
    "CREATE INDEX IF NOT EXISTS invitations_user ON invitations(user_id)",
    // Append-only: rows are only ever inserted, and deleted when older than the retention.
    "CREATE TABLE IF NOT EXISTS audit(seq {serial}, tenant TEXT NOT NULL, at {int} NOT NULL, kind TEXT NOT NULL, user_id TEXT, login TEXT, device_id TEXT, address TEXT, code TEXT, subject TEXT, detail TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS audit_tenant ON audit(tenant, seq)",
    "CREATE INDEX IF NOT EXISTS audit_at ON audit(at)",
    // Notifications (`notify`): where each person's messages go, each channel's settings
    // (secrets included: they never leave the server), and the outbox: one row per message,
    // keyed so that deciding twice inserts once; `lease_*` marks the instance sending it.
    "CREATE TABLE IF NOT EXISTS user_contacts(user_id TEXT PRIMARY KEY REFERENCES users(id), email TEXT NOT NULL, phone TEXT NOT NULL, language TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS notify_channels(tenant TEXT NOT NULL, channel TEXT NOT NULL, setup TEXT NOT NULL, updated_at {int} NOT NULL, PRIMARY KEY(tenant, channel))",
    "CREATE TABLE IF NOT EXISTS outbox(tenant TEXT NOT NULL, msg_key TEXT NOT NULL, created_at {int} NOT NULL, channel TEXT NOT NULL, recipient TEXT NOT NULL, recipient_name TEXT NOT NULL, address TEXT NOT NULL, mentions TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL, state TEXT NOT NULL, attempts {int} NOT NULL, next_at {int} NOT NULL, last_error TEXT, sent_at {int}, lease_owner TEXT, lease_until {int}, read_at {int}, PRIMARY KEY(tenant, msg_key))",
    "CREATE INDEX IF NOT EXISTS outbox_due ON outbox(state, next_at)",
    "CREATE INDEX IF NOT EXISTS outbox_inbox ON outbox(tenant, channel, recipient, created_at)",
    "CREATE INDEX IF NOT EXISTS outbox_recent ON outbox(tenant, created_at)",
    // The customer portal (`portal`): each company's secret its link tokens derive from, and
    // each token's SHA-256 with what it opens (never the token itself).
    "CREATE TABLE IF NOT EXISTS portal_secrets(tenant TEXT PRIMARY KEY, secret TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS portal_tokens(hash TEXT PRIMARY KEY, tenant TEXT NOT NULL, kind TEXT NOT NULL, target TEXT NOT NULL, generation {int} NOT NULL, created_at {int} NOT NULL, revoked_at {int}, UNIQUE(tenant, kind, target, generation))",
];

/// How a reader's right to read the documents of one type is decided: `sync::read_rule` picks
/// the rule for a role, `technician_scope` is the technicians' table. Written with
/// PostgreSQL's placeholders (`$1` tenant, `$2` user, `$3` document; `sqlite_placeholders`
/// for SQLite).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadRule {
    Everyone,
    Nobody,
    /// Every id the reader reads (column `id`), with `$1` and `$2`: a set the size of their
    /// own work, read whole once per pull page.
    Listed(&'static str),
    /// The same form, for sets too large to read whole for every page (published
    /// knowledge): a page asks for each document (`one_query`); a first sync lists it once.
    Large(&'static str),
}

impl ReadRule {
    /// The statement that answers for one document (`$3`), if a statement is needed.
    pub(crate) fn one_query(&self) -> Option<String> {
        match self {
            ReadRule::Everyone | ReadRule::Nobody => None,
            ReadRule::Listed(sql) | ReadRule::Large(sql) => {
                Some(format!("SELECT 1 FROM ({sql}) s WHERE s.id = $3 LIMIT 1"))
            }
        }
    }

    /// The statement that lists the stored documents of type `$3` the reader reads (column
    /// `id`), if a statement beyond "every document of the type" is needed.
    pub(crate) fn listing(&self) -> Option<String> {
        match self {
            ReadRule::Everyone | ReadRule::Nobody => None,
            ReadRule::Listed(sql) | ReadRule::Large(sql) => Some(format!(
                "SELECT d.id FROM docs d WHERE d.tenant = $1 AND d.doc_type = $3 AND d.id IN ({sql})"
            )),
        }
    }
}

pub(crate) fn technician_scope(doc_type: &str) -> ReadRule {
    match doc_type {
        "order" => ReadRule::Listed(
            "SELECT order_id AS id FROM order_assignees WHERE tenant = $1 AND user_id = $2",
        ),
        // What an order points at: a technician assigned to an order that points at it.
        // (CROSS JOIN: SQLite starts from the technician's few orders rather than from every
        // link of the company; PostgreSQL plans it as any inner join.)
        "customer" | "equipment" | "project" => ReadRule::Listed(
            "SELECT l.to_id AS id FROM order_assignees a CROSS JOIN doc_links l
             WHERE a.tenant = $1 AND a.user_id = $2 AND l.tenant = a.tenant AND l.from_id = a.order_id AND l.active = 1",
        ),
        // Their own clock events and part requests.
        "attendance" | "part_request" => ReadRule::Listed(
            "SELECT from_id AS id FROM doc_links WHERE tenant = $1 AND to_id = $2 AND to_type = 'owner'",
        ),
        // Published knowledge entries, and their own drafts.
        "knowledge" => ReadRule::Large(
            "SELECT from_id AS id FROM doc_links WHERE tenant = $1 AND active = 1
               AND (to_type = 'published' OR (to_type = 'owner' AND to_id = $2))",
        ),
        // The catalogue, every location's stock, and the tenant's settings.
        "part" | "category" | "location" | "ledger" | "settings" => ReadRule::Everyone,
        _ => ReadRule::Nobody,
    }
}

/// The statement of `Storage::feed_for` (PostgreSQL placeholders: `$1` tenant, `$2` user,
/// `$3` device, `$4` cursor, `$5` limit; `head` is where the feed stands, a placeholder or an
/// expression), built from the same rules that decide a single document; `length` is the
/// backend's byte length function.
pub(crate) fn feed_for_sql(rules: &[(&'static str, ReadRule)], length: &str, head: &str) -> String {
    let mut any =
        vec!["f.doc_id IN (SELECT doc_id FROM device_docs WHERE device_id = $3)".to_string()];
    let quoted = |types: &[&str]| {
        types
            .iter()
            .map(|t| format!("'{t}'"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let everyone: Vec<&str> = rules
        .iter()
        .filter(|(_, r)| *r == ReadRule::Everyone)
        .map(|(t, _)| *t)
        .collect();
    if !everyone.is_empty() {
        any.push(format!("f.doc_type IN ({})", quoted(&everyone)));
    }
    // Types that share a rule share its list (customers, machines and projects).
    let mut listed: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for (t, r) in rules {
        if let ReadRule::Listed(sql) | ReadRule::Large(sql) = r {
            listed.entry(sql).or_default().push(t);
        }
    }
    for (sql, types) in listed {
        any.push(format!(
            "(f.doc_type IN ({}) AND f.doc_id IN ({sql}))",
            quoted(&types)
        ));
    }
    format!(
        "SELECT f.seq, f.doc_id, f.doc_type, {length}(f.changes) AS changes_len, f.origin_device
         FROM feed f
         WHERE f.tenant = $1 AND f.seq > $4 AND f.seq <= {head} AND ({})
         ORDER BY f.seq LIMIT $5",
        any.join(" OR ")
    )
}

/// Who a pull page is for.
pub struct PageReader<'a> {
    pub tenant: &'a str,
    pub user_id: &'a str,
    pub device_id: &'a str,
    /// Decide each document's visibility by the technicians' scope (everyone but managers).
    pub scoped: bool,
    /// Follow orders to what they point at (technicians and warehouse keepers: their copy
    /// of a customer or machine comes and goes with the orders that bring it).
    pub follow_links: bool,
}

/// What a pull page knows of its documents and of what their orders point at.
#[derive(Debug, Default)]
pub struct PageFacts {
    /// Each order's links, (id, type), as they are or once were: whether a technician still
    /// sees each must be decided again whenever the order changes (with `follow_links`).
    pub links: std::collections::HashMap<String, Vec<(String, String)>>,
    /// Of the documents asked about and linked, those the device holds now.
    pub held: std::collections::HashSet<String>,
    /// Of the documents asked about and linked, those the reader's scope lets them read
    /// (with `scoped`; see `technician_scope`).
    pub visible: std::collections::HashSet<String>,
}

impl PageFacts {
    /// The documents asked about and those their orders link to, each once, with its type.
    pub(crate) fn universe(&self, docs: &[(String, String)]) -> Vec<(String, String)> {
        let mut all: std::collections::BTreeMap<&str, &str> = docs
            .iter()
            .map(|(id, ty)| (id.as_str(), ty.as_str()))
            .collect();
        for links in self.links.values() {
            for (id, ty) in links {
                all.entry(id).or_insert(ty);
            }
        }
        all.into_iter()
            .map(|(id, ty)| (id.to_string(), ty.to_string()))
            .collect()
    }
}

pub(crate) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

pub(crate) fn format_number(month: &str, seq: i64) -> String {
    format!("WO-{month}-{seq:04}")
}
