//! The server side of `POST /v1/sync`: validate and store pushed changes, then page through
//! the tenant's feed and return what entered, changed in, or left the caller's scope.

use automerge::{AutoCommit, ChangeHash};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use fieldops_domain::ErrorCode;
use fieldops_domain::authority;
use fieldops_domain::crdt;
use fieldops_domain::doc_cache::DocCache;
use fieldops_domain::model::TypedDoc;
use fieldops_domain::model::stock::{LedgerDoc, LocationDoc};
use fieldops_domain::model::{Actor, DocType, check_id};
use fieldops_domain::protocol::*;
use fieldops_domain::push::{PushChecked, check_push};

use crate::compaction;
use crate::error::{Result, ServerError};
use fieldops_domain::audit::AuditKind;

use crate::storage::{
    AuditRecord, AuthContext, DocCommit, DynStorage, PageFacts, PageReader, ReadRule,
    technician_scope,
};

/// Feed entries examined per response; the client repeats while `more`.
const PAGE_ENTRIES: u32 = 500;
/// Stop adding pulled documents to one response past this many bytes.
const PAGE_BYTES: usize = 8 * 1024 * 1024;
/// Documents of a first sync's scope sent per response (and bounded by `PAGE_BYTES`), unless
/// `serve --catch-up-page` says otherwise.
pub const CATCH_UP_DOCS: usize = 250;

pub async fn handle(
    storage: &DynStorage,
    kept: &DocCache,
    auth: &AuthContext,
    req: SyncRequest,
    address: Option<String>,
    catch_up_page: usize,
) -> Result<(SyncResponse, bool)> {
    if req.push.len() > MAX_PUSH_DOCS {
        return Err(ServerError::BadRequest(format!(
            "at most {MAX_PUSH_DOCS} documents per push"
        )));
    }
    let mut accepted = Vec::new();
    let mut rejected = Vec::new();
    let mut advanced = false;
    let outcomes = push_all(storage, kept, auth, &req.push, address.as_deref()).await;
    for (p, outcome) in req.push.iter().zip(outcomes) {
        match outcome {
            Ok((heads, stored)) => {
                advanced |= stored;
                accepted.push(Accepted {
                    doc: p.doc.clone(),
                    heads,
                });
            }
            Err(r) => rejected.push(r),
        }
    }
    if auth.revoked.is_some() {
        // A revoked device that may keep its unsent work: it pushed; it pulls nothing and
        // wipes itself now.
        return Ok((
            SyncResponse {
                accepted,
                rejected,
                pull: Vec::new(),
                cursor: req.cursor,
                more: false,
                directory: None,
                wipe: true,
                catch_up: None,
            },
            advanced,
        ));
    }
    let starting_over = req.cursor == 0 && req.catch_up.as_ref().is_none_or(|c| c.after.is_empty());
    if starting_over {
        // A fresh (or wiped) device holds nothing: send it everything in scope again.
        storage.device_reset(&auth.device_id).await?;
        let pushed: Vec<String> = accepted.iter().map(|a| a.doc.clone()).collect();
        storage.device_update(&auth.device_id, &pushed, &[]).await?;
    }
    let (pull, cursor, more, catch_up) = match &req.catch_up {
        Some(at) => catch_up(storage, auth, req.cursor, at, catch_up_page).await?,
        None => {
            let (pull, cursor, more) = pull_page(storage, auth, req.cursor).await?;
            (pull, cursor, more, None)
        }
    };
    let version = storage.directory_version(&auth.tenant).await?;
    let directory = if version != req.directory_version {
        let (version, users) = storage.directory(&auth.tenant).await?;
        Some(Directory { version, users })
    } else {
        None
    };
    Ok((
        SyncResponse {
            accepted,
            rejected,
            pull,
            cursor,
            more,
            directory,
            wipe: false,
            catch_up,
        },
        advanced,
    ))
}

fn reject(
    doc: &str,
    code: ErrorCode,
    path: Option<String>,
    message: impl Into<String>,
) -> Rejected {
    Rejected {
        doc: doc.to_string(),
        code,
        path,
        message: message.into(),
    }
}

/// What became of one pushed document: the heads it has now and whether anything new was
/// stored, or why it was refused.
type PushOutcome = std::result::Result<(Vec<String>, bool), Rejected>;

/// What a request does with a document once its commit is written: answer with its heads,
/// tell whoever waits on it (`after_commit`), and keep the parsed document for the next push.
struct Ready {
    heads: Vec<String>,
    new: TypedDoc,
    /// The parsed document, to keep if it was edited (not new): a document edited once is
    /// edited again (a month's ledger, an order under way), while a new one is mostly a first
    /// sync's, pushed once. A parsed order takes about 100 kB, 70 times its stored bytes.
    keep: Option<AutoCommit>,
    /// Its heads and size as stored.
    stored_heads: String,
    stored_len: usize,
}

impl Ready {
    async fn stored(self, storage: &DynStorage, kept: &DocCache, tenant: &str) -> Vec<String> {
        after_commit(storage, tenant, &self.new).await;
        if let Some(doc) = self.keep {
            let key = kept_key(tenant, self.new.id());
            kept.put(&key, &self.stored_heads, doc, self.stored_len);
        }
        self.heads
    }
}

/// A kept document's key: ids are unique within a tenant only.
pub(crate) fn kept_key(tenant: &str, doc_id: &str) -> String {
    format!("{tenant}/{doc_id}")
}

/// A pushed document that passed every check, with what storing it takes.
struct Checked {
    doc: AutoCommit,
    doc_type: DocType,
    old: Option<TypedDoc>,
    old_heads: Vec<ChangeHash>,
    /// The stored heads it was computed from (`None`: new), for optimistic concurrency.
    base_heads: Option<String>,
    /// And the stored bytes, which the new changes are appended to.
    base_bytes: Option<Vec<u8>>,
    new: TypedDoc,
}

enum Step {
    NothingNew(Vec<String>),
    Changed(Box<Checked>),
}

/// Validate and store one request's pushed documents, in order: one read of the stored
/// documents, one transaction for the order numbers and one for every commit. A document
/// another request changed meanwhile, or a batch the storage refuses as a whole, goes again
/// alone through `push_one`.
async fn push_all(
    storage: &DynStorage,
    kept: &DocCache,
    auth: &AuthContext,
    pushes: &[PushDoc],
    address: Option<&str>,
) -> Vec<PushOutcome> {
    let ids: Vec<String> = pushes.iter().map(|p| p.doc.clone()).collect();
    let mut stored = match storage.load_docs(&auth.tenant, &ids).await {
        Ok(stored) => stored,
        Err(e) => {
            let refuse = |p: &PushDoc| Err(reject(&p.doc, ErrorCode::Storage, None, e.to_string()));
            return pushes.iter().map(refuse).collect();
        }
    };
    let mut outcomes: Vec<Option<PushOutcome>> = Vec::with_capacity(pushes.len());
    let mut checked = Vec::new();
    for (i, p) in pushes.iter().enumerate() {
        // Taken, not copied: a document pushed twice in one request is checked as new the
        // second time, and its commit then finds it stored and goes again alone.
        let base = stored.remove(&p.doc);
        match check_one(storage, kept, auth, p, base).await {
            Ok(Step::NothingNew(heads)) => outcomes.push(Some(Ok((heads, false)))),
            Ok(Step::Changed(c)) => {
                outcomes.push(None);
                checked.push((i, *c));
            }
            Err(r) => outcomes.push(Some(Err(r))),
        }
    }
    drop(stored);
    let wanted: Vec<(String, String)> = checked
        .iter()
        .filter_map(|(_, c)| number_wanted(&c.new))
        .collect();
    let mut numbers = match storage.order_numbers(&auth.tenant, &wanted).await {
        Ok(numbers) => numbers.into_iter(),
        Err(e) => {
            for (i, _) in &checked {
                outcomes[*i] = Some(Err(reject(
                    &pushes[*i].doc,
                    ErrorCode::Storage,
                    None,
                    e.to_string(),
                )));
            }
            return outcomes.into_iter().flatten().collect();
        }
    };
    let (mut ready, mut commits) = (Vec::new(), Vec::new());
    for (i, c) in checked {
        let number = number_wanted(&c.new).and_then(|_| numbers.next());
        match ready_commit(auth, c, number, address) {
            Ok((commit, r)) => {
                commits.push(commit);
                ready.push((i, r));
            }
            Err(r) => outcomes[i] = Some(Err(r)),
        }
    }
    let written = storage.commit_docs(&commits).await.unwrap_or_else(|e| {
        tracing::warn!("a push's batch commit failed ({e}); its documents go again one by one");
        vec![None; commits.len()]
    });
    drop(commits);
    let mut stored_any = false;
    for ((i, r), seq) in ready.into_iter().zip(written) {
        outcomes[i] = Some(match seq {
            Some(_) => {
                stored_any = true;
                Ok((r.stored(storage, kept, &auth.tenant).await, true))
            }
            None => push_one(storage, kept, auth, &pushes[i], address).await,
        });
    }
    if stored_any {
        // A refusal may have rested on a document this request has just stored (a ledger of
        // a new location, an order that puts a customer in scope): pushed one by one in the
        // device's order, it would have passed.
        for (i, outcome) in outcomes.iter_mut().enumerate() {
            if matches!(outcome, Some(Err(_))) {
                *outcome = Some(push_one(storage, kept, auth, &pushes[i], address).await);
            }
        }
    }
    outcomes.into_iter().flatten().collect()
}

/// Validate and store one pushed document, reading it again whenever another push won the
/// race to store it.
async fn push_one(
    storage: &DynStorage,
    kept: &DocCache,
    auth: &AuthContext,
    p: &PushDoc,
    address: Option<&str>,
) -> PushOutcome {
    let doc_id = p.doc.as_str();
    for _ in 0..8 {
        let stored = storage
            .load_doc(&auth.tenant, doc_id)
            .await
            .map_err(|e| reject(doc_id, ErrorCode::Storage, None, e.to_string()))?;
        let checked = match check_one(storage, kept, auth, p, stored).await? {
            Step::NothingNew(heads) => return Ok((heads, false)),
            Step::Changed(c) => *c,
        };
        let number = take_number(storage, &auth.tenant, &checked.new)
            .await
            .map_err(|e| reject(doc_id, ErrorCode::Storage, None, e.to_string()))?;
        let (commit, ready) = ready_commit(auth, checked, number, address)?;
        match storage.commit_doc(&commit).await {
            Ok(_) => return Ok((ready.stored(storage, kept, &auth.tenant).await, true)),
            Err(ServerError::Concurrent) => continue,
            Err(e) => return Err(reject(doc_id, ErrorCode::Storage, None, e.to_string())),
        }
    }
    Err(reject(
        doc_id,
        ErrorCode::Busy,
        None,
        "the document is being changed by others; try again",
    ))
}

/// Every check of one pushed document against its stored state (`None`: not stored yet):
/// its id and type, the caller's scope, the changes themselves and the rules of the domain.
async fn check_one(
    storage: &DynStorage,
    kept: &DocCache,
    auth: &AuthContext,
    p: &PushDoc,
    stored: Option<crate::storage::StoredDoc>,
) -> std::result::Result<Step, Rejected> {
    let doc_id = p.doc.as_str();
    check_id("document", doc_id)
        .map_err(|e| reject(doc_id, ErrorCode::InvalidDocument, None, e.to_string()))?;
    let doc_type = DocType::parse(&p.doc_type)
        .map_err(|e| reject(doc_id, ErrorCode::UnknownDocType, None, e.to_string()))?;
    let changes = B64.decode(&p.changes).map_err(|_| {
        reject(
            doc_id,
            ErrorCode::InvalidChanges,
            None,
            "changes are not base64",
        )
    })?;
    let actor = Actor {
        user_id: auth.user_id.clone(),
        role: auth.role,
    };
    if let Some(s) = &stored
        && s.doc_type != doc_type.as_str()
    {
        return Err(reject(
            doc_id,
            ErrorCode::WrongDocType,
            None,
            format!("{doc_id} is a {}", s.doc_type),
        ));
    }
    let key = kept_key(&auth.tenant, doc_id);
    let (mut doc, old) = match &stored {
        Some(s) => {
            let doc = match kept.take(&key, &s.heads) {
                Some(doc) => doc,
                None => crdt::load(&s.bytes)
                    .map_err(|e| reject(doc_id, ErrorCode::Storage, None, e.to_string()))?,
            };
            let old = TypedDoc::parse(doc_type, &doc)
                .map_err(|e| reject(doc_id, ErrorCode::Storage, None, e.to_string()))?;
            (doc, Some(old))
        }
        None => (AutoCommit::new(), None),
    };
    let old_heads = doc.get_heads();
    if let Some(old) = &old
        && !auth.role.manages()
        && !technician_may_write(storage, auth, doc_type, doc_id, old).await?
    {
        return Err(reject(
            doc_id,
            ErrorCode::OutOfScope,
            None,
            "this document is not in your scope",
        ));
    }
    let new = match check_push(
        &mut doc,
        doc_type,
        doc_id,
        old.as_ref(),
        &changes,
        &auth.actor,
        &actor,
    ) {
        Ok(PushChecked::NothingNew) => {
            if let Some(s) = &stored {
                kept.put(&key, &s.heads, doc, s.bytes.len());
            }
            return Ok(Step::NothingNew(crdt::heads_to_hex(&old_heads)));
        }
        Ok(PushChecked::Changed(new)) => *new,
        Err(r) => return Err(reject(doc_id, r.code, r.path, r.message)),
    };
    if let TypedDoc::Ledger(ledger) = &new {
        check_ledger_location(storage, auth, &actor, old.as_ref(), ledger).await?;
    }
    Ok(Step::Changed(Box::new(Checked {
        doc,
        doc_type,
        old,
        old_heads,
        base_heads: stored.as_ref().map(|s| s.heads.clone()),
        base_bytes: stored.map(|s| s.bytes),
        new,
    })))
}

/// An order the server has not numbered yet: (its id, the month its number is taken in).
fn number_wanted(typed: &TypedDoc) -> Option<(String, String)> {
    match typed {
        TypedDoc::Order(o) if o.number.is_none() => {
            Some((o.id.clone(), chrono::Utc::now().format("%Y%m").to_string()))
        }
        _ => None,
    }
}

/// The number an order the server has not numbered yet takes (`None` for anything else).
async fn take_number(
    storage: &DynStorage,
    tenant: &str,
    typed: &TypedDoc,
) -> Result<Option<String>> {
    match number_wanted(typed) {
        Some((order, month)) => Ok(Some(storage.order_number(tenant, &order, &month).await?)),
        None => Ok(None),
    }
}

/// The commit of a checked document: the device's changes, the server's own stamps (the
/// order's `number`, when it needs one, and received times), the scope projection and the
/// audit line. Returns it with the heads the document will have, and the document.
fn ready_commit(
    auth: &AuthContext,
    c: Checked,
    number: Option<String>,
    address: Option<&str>,
) -> std::result::Result<(DocCommit, Ready), Rejected> {
    let Checked {
        mut doc,
        doc_type,
        old,
        old_heads,
        base_heads,
        base_bytes,
        new,
    } = c;
    let doc_id = new.id().to_string();
    let device_heads = doc.get_heads();
    // A new document's feed entry is the document saved whole (below), not its changes one by
    // one: encoding every change of a new order cost a tenth of a first sync's push, and the
    // entry is rarely sent (a device that lacks the document gets a snapshot instead).
    let device_changes = old.is_some().then(|| doc.save_after(&old_heads));
    let fields = crdt::touched_fields(&mut doc, &old_heads, &device_heads);
    let audit = AuditRecord {
        address: address.map(str::to_string),
        subject: Some(doc_id.clone()),
        detail: format!(
            "{}{}: {}",
            doc_type.as_str(),
            if old.is_none() { " created" } else { "" },
            fields.join(", ")
        ),
        ..AuditRecord::by(auth, AuditKind::ChangeAccepted)
    };
    let stamped = server_stamps(&auth.tenant, &mut doc, old.as_ref(), &new, number)
        .map_err(|e| reject(&doc_id, ErrorCode::Storage, None, e.to_string()))?;
    let heads = doc.get_heads();
    let (assignees, links) = scope_projection(&new);
    let blob_refs = blob_refs_of(&new);
    let server_changes = stamped.then(|| doc.save_after(&device_heads));
    let (bytes, compact_later) = stored_bytes(
        &mut doc,
        base_bytes,
        device_changes.as_deref().unwrap_or_default(),
        server_changes.as_deref(),
    );
    let device_changes = device_changes.unwrap_or_else(|| bytes.clone());
    let commit = DocCommit {
        tenant: auth.tenant.clone(),
        doc_id,
        doc_type: doc_type.as_str().to_string(),
        bytes,
        heads: heads_json(&heads),
        base_heads,
        changes: device_changes,
        origin_device: Some(auth.device_id.clone()),
        server_changes,
        blob_refs,
        compact_later,
        assignees,
        links,
        audit: Some(audit),
    };
    let ready = Ready {
        heads: crdt::heads_to_hex(&heads),
        new,
        keep: old.is_some().then_some(doc),
        stored_heads: commit.heads.clone(),
        stored_len: commit.bytes.len(),
    };
    Ok((commit, ready))
}

/// The bytes a pushed document is stored as: what was stored with the new changes appended
/// (a save of the whole document costs what its history holds), or a new document saved
/// whole. True when the appended changes have grown enough for `compaction` to save it whole
/// again; past four times the saved part, the push saves it whole itself.
fn stored_bytes(
    doc: &mut AutoCommit,
    base: Option<Vec<u8>>,
    device_changes: &[u8],
    server_changes: Option<&[u8]>,
) -> (Vec<u8>, bool) {
    let added = device_changes.len() + server_changes.map_or(0, <[u8]>::len);
    let appendable = base.and_then(|base| {
        let (whole, tail) = crdt::saved_parts(&base)?;
        let tail = tail + added;
        (whole > 0 && tail <= 4 * whole).then_some((base, whole, tail))
    });
    match appendable {
        Some((mut bytes, whole, tail)) => {
            bytes.reserve(added);
            bytes.extend_from_slice(device_changes);
            bytes.extend_from_slice(server_changes.unwrap_or_default());
            (bytes, compaction::due(whole, tail))
        }
        None => (doc.save(), false),
    }
}

/// What follows a stored change outside its transaction: a customer's request moved on, so
/// tell them (each step once).
async fn after_commit(storage: &DynStorage, tenant: &str, new: &TypedDoc) {
    if let TypedDoc::Order(o) = new
        && o.header.request.is_some()
    {
        crate::portal::tell_customer(storage, tenant, o).await;
    }
}

/// A ledger belongs to a known stock location, and what a technician may record there
/// depends on it (receipts only into their own van).
async fn check_ledger_location(
    storage: &DynStorage,
    auth: &AuthContext,
    actor: &Actor,
    old: Option<&TypedDoc>,
    ledger: &LedgerDoc,
) -> std::result::Result<(), Rejected> {
    let doc_id = ledger.id.as_str();
    let unknown = || {
        reject(
            doc_id,
            ErrorCode::InvalidDocument,
            Some("location_id".into()),
            "the ledger names an unknown stock location",
        )
    };
    let stored = storage
        .load_doc(&auth.tenant, &ledger.location_id)
        .await
        .map_err(|e| reject(doc_id, ErrorCode::Storage, None, e.to_string()))?
        .filter(|s| s.doc_type == DocType::Location.as_str())
        .ok_or_else(unknown)?;
    let doc = crdt::load(&stored.bytes)
        .map_err(|e| reject(doc_id, ErrorCode::Storage, None, e.to_string()))?;
    let location = LocationDoc::from_doc(&doc).map_err(|_| unknown())?;
    let old = match old {
        Some(TypedDoc::Ledger(l)) => Some(l.as_ref()),
        _ => None,
    };
    authority::check_ledger_location(actor, old, ledger, location.kind, location.owner.as_deref())
        .map_err(|v| reject(doc_id, ErrorCode::Forbidden, Some(v.path.clone()), v.rule))
}

/// The actor the server writes its own changes with (order numbers), one per tenant.
pub fn server_actor(tenant: &str) -> automerge::ActorId {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("fieldops-server:{tenant}").as_bytes());
    automerge::ActorId::from(&digest[..16])
}

/// What the server itself writes into an accepted order, as changes by its own actor: the
/// human number on first sight (`number`, taken by the caller), and the time it received each
/// new event. Returns whether the document changed (the pushing device must then pull it too).
fn server_stamps(
    tenant: &str,
    doc: &mut AutoCommit,
    old: Option<&TypedDoc>,
    typed: &TypedDoc,
    number: Option<String>,
) -> Result<bool> {
    let TypedDoc::Order(o) = typed else {
        return Ok(false);
    };
    let known: std::collections::BTreeSet<&str> = match old {
        Some(TypedDoc::Order(old)) => old.events.iter().map(|e| e.id.as_str()).collect(),
        _ => Default::default(),
    };
    let now = chrono::Utc::now();
    let stamps: Vec<(String, i64)> = o
        .events
        .iter()
        .filter(|e| !known.contains(e.id.as_str()) && !o.received.contains_key(&e.id))
        .map(|e| (e.id.clone(), now.timestamp_millis()))
        .collect();
    let number = number.filter(|_| o.number.is_none());
    if stamps.is_empty() && number.is_none() {
        return Ok(false);
    }
    let device_actor = doc.get_actor().clone();
    doc.set_actor(server_actor(tenant));
    if let Some(n) = &number {
        fieldops_domain::model::order::set_number(doc, n)?;
    }
    fieldops_domain::model::order::set_received(doc, &stamps)?;
    doc.commit();
    doc.set_actor(device_actor);
    Ok(true)
}

/// Blobs a document points at (the signature, photos and their thumbnails).
fn blob_refs_of(doc: &TypedDoc) -> Vec<String> {
    match doc {
        TypedDoc::Order(o) => o
            .signature
            .iter()
            .map(|s| s.hash.clone())
            .chain(
                o.photos
                    .values()
                    .flat_map(|p| [p.hash.clone(), p.thumb_hash.clone()]),
            )
            .collect(),
        TypedDoc::Part(p) => p.info.photo.iter().cloned().collect(),
        TypedDoc::Knowledge(k) => k.attachments.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

/// The `doc_links` type that names a document's owner (a user id).
pub const OWNER_LINK: &str = "owner";
/// The `doc_links` type that marks a knowledge entry as published (to the tenant id).
pub const PUBLISHED_LINK: &str = "published";

/// What scope needs to know of a document: an order's assignees, and what it points at.
fn scope_projection(doc: &TypedDoc) -> (Vec<String>, Vec<(String, String)>) {
    let assignees = match doc {
        TypedDoc::Order(o) => o.state().assignees,
        _ => Vec::new(),
    };
    let mut links: Vec<(String, String)> = doc
        .links()
        .into_iter()
        .map(|(id, t)| (id, t.as_str().to_string()))
        .collect();
    // Attendance and part requests belong to their person: only they (and managers) read them.
    match doc {
        TypedDoc::Attendance(a) => links.push((a.user_id.clone(), OWNER_LINK.to_string())),
        TypedDoc::PartRequest(r) => links.push((r.by.clone(), OWNER_LINK.to_string())),
        // Technicians carry the published entries and their own drafts.
        TypedDoc::Knowledge(k) => {
            links.push((k.created_by.clone(), OWNER_LINK.to_string()));
            if k.status == fieldops_domain::model::knowledge::EntryStatus::Published {
                links.push((k.id.clone(), PUBLISHED_LINK.to_string()));
            }
        }
        _ => {}
    }
    (assignees, links)
}

/// Make sure a tenant has its settings document (created by the server, so that every
/// device edits the same one).
pub async fn ensure_settings(storage: &DynStorage, tenant: &str) -> Result<()> {
    ensure_settings_with(storage, tenant, |_| Ok(())).await
}

/// `ensure_settings`, with `init` applied to the document when it is made here (a tenant's
/// first settings, as an operator's tool sets them up).
pub async fn ensure_settings_with(
    storage: &DynStorage,
    tenant: &str,
    init: impl FnOnce(&mut AutoCommit) -> fieldops_domain::error::Result<()>,
) -> Result<()> {
    let id = fieldops_domain::model::settings::settings_id(tenant);
    if storage.load_doc(tenant, &id).await?.is_some() {
        return Ok(());
    }
    let mut doc = AutoCommit::new().with_actor(server_actor(tenant));
    fieldops_domain::model::settings::new_settings_doc(&mut doc, tenant)?;
    init(&mut doc)?;
    match store_server_doc(storage, tenant, DocType::Settings, &mut doc).await {
        // Another process created it meanwhile: theirs stands.
        Ok(_) | Err(ServerError::Concurrent) => Ok(()),
        Err(e) => Err(e),
    }
}

pub fn heads_json(heads: &[ChangeHash]) -> String {
    serde_json::to_string(&crdt::heads_to_hex(heads)).unwrap_or_default()
}

/// A technician may write to orders in scope, and to orders once dispatched to them (work
/// done offline after a reassignment must still arrive, and becomes a visible conflict).
async fn technician_may_write(
    storage: &DynStorage,
    auth: &AuthContext,
    doc_type: DocType,
    doc_id: &str,
    old: &TypedDoc,
) -> std::result::Result<bool, Rejected> {
    let sees = sees(storage, auth, doc_id, doc_type.as_str())
        .await
        .map_err(|e| reject(doc_id, ErrorCode::Storage, None, e.to_string()))?;
    Ok(sees || matches!(old, TypedDoc::Order(o) if o.state().ever_assigned.contains(&auth.user_id)))
}

/// How the caller's role decides whether they read documents of `doc_type`: managers read
/// everything; warehouse keepers the catalogue, stock, part requests and settings (and
/// knowledge as technicians do); technicians what their orders bring (`technician_scope`).
fn read_rule(auth: &AuthContext, doc_type: &str) -> ReadRule {
    if auth.role.manages() {
        return ReadRule::Everyone;
    }
    if auth.role == fieldops_domain::model::Role::Warehouse && doc_type != "knowledge" {
        return if warehouse_reads(doc_type) {
            ReadRule::Everyone
        } else {
            ReadRule::Nobody
        };
    }
    technician_scope(doc_type)
}

/// `read_rule` for every document type.
fn read_rules(auth: &AuthContext) -> Vec<(&'static str, ReadRule)> {
    DocType::ALL
        .iter()
        .map(|t| (t.as_str(), read_rule(auth, t.as_str())))
        .collect()
}

/// Whether the caller may read a document (see `read_rule`).
pub(crate) async fn sees(
    storage: &DynStorage,
    auth: &AuthContext,
    doc_id: &str,
    doc_type: &str,
) -> Result<bool> {
    match read_rule(auth, doc_type) {
        ReadRule::Everyone => Ok(true),
        ReadRule::Nobody => Ok(false),
        ReadRule::Listed(_) | ReadRule::Large(_) => {
            storage
                .technician_sees(&auth.tenant, &auth.user_id, doc_id, doc_type)
                .await
        }
    }
}

/// `sees`, answered from what the page read at once.
fn sees_in_page(auth: &AuthContext, facts: &PageFacts, doc_id: &str, doc_type: &str) -> bool {
    match read_rule(auth, doc_type) {
        ReadRule::Everyone => true,
        ReadRule::Nobody => false,
        ReadRule::Listed(_) | ReadRule::Large(_) => facts.visible.contains(doc_id),
    }
}

/// What a warehouse keeper reads besides knowledge: the catalogue, stock, part requests and
/// settings.
fn warehouse_reads(doc_type: &str) -> bool {
    matches!(
        doc_type,
        "part" | "category" | "location" | "ledger" | "part_request" | "settings"
    )
}

async fn snapshot(
    storage: &DynStorage,
    auth: &AuthContext,
    doc_id: &str,
) -> Result<Option<PullDoc>> {
    Ok(storage
        .load_doc(&auth.tenant, doc_id)
        .await?
        .map(|s| PullDoc {
            doc: doc_id.to_string(),
            doc_type: s.doc_type,
            kind: PullKind::Snapshot,
            data: Some(B64.encode(&s.bytes)),
        }))
}

/// The last snapshot of an order the caller was dispatched to before and is not any more.
async fn farewell(
    storage: &DynStorage,
    auth: &AuthContext,
    doc_id: &str,
    doc_type: &str,
) -> Result<Option<PullDoc>> {
    if doc_type != DocType::Order.as_str() || auth.role.manages() {
        return Ok(None);
    }
    let Some(stored) = storage.load_doc(&auth.tenant, doc_id).await? else {
        return Ok(None);
    };
    let was_theirs = crdt::load(&stored.bytes)
        .ok()
        .and_then(|doc| TypedDoc::parse(DocType::Order, &doc).ok())
        .is_some_and(
            |t| matches!(&t, TypedDoc::Order(o) if o.state().ever_assigned.contains(&auth.user_id)),
        );
    Ok(was_theirs.then(|| PullDoc {
        doc: doc_id.to_string(),
        doc_type: stored.doc_type,
        kind: PullKind::Snapshot,
        data: Some(B64.encode(&stored.bytes)),
    }))
}

async fn pull_page(
    storage: &DynStorage,
    auth: &AuthContext,
    cursor: u64,
) -> Result<(Vec<PullDoc>, u64, bool)> {
    let follow_links = !auth.role.manages();
    let reader = PageReader {
        tenant: &auth.tenant,
        user_id: &auth.user_id,
        device_id: &auth.device_id,
        scoped: !auth.role.manages(),
        follow_links,
    };
    // A scoped reader reads only the entries that concern them, and jumps to the head after.
    let (entries, mut more, head) = if reader.scoped {
        let (entries, more, head) = storage
            .feed_for(&reader, &read_rules(auth), cursor, PAGE_ENTRIES)
            .await?;
        (entries, more, Some(head))
    } else {
        let (entries, more) = storage
            .feed_after(&auth.tenant, cursor, PAGE_ENTRIES)
            .await?;
        (entries, more, None)
    };
    let mut pull: Vec<PullDoc> = Vec::new();
    let mut new_cursor = cursor;
    let mut bytes = 0usize;
    let asked: Vec<(String, String)> = entries
        .iter()
        .filter(|e| e.origin_device.as_deref() != Some(auth.device_id.as_str()))
        .map(|e| (e.doc_id.clone(), e.doc_type.clone()))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let facts = storage.page_facts(&reader, &asked).await?;
    // What the device holds, as this page changes it; written once at the end.
    let mut holds = Holdings::default();
    // Changes to send: where in `pull`, and which feed entry's; read at once at the end.
    let mut changes_of: Vec<(usize, u64)> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        if bytes > PAGE_BYTES {
            more = more || i < entries.len();
            break;
        }
        new_cursor = e.seq;
        if e.origin_device.as_deref() == Some(auth.device_id.as_str()) {
            continue;
        }
        let visible = sees_in_page(auth, &facts, &e.doc_id, &e.doc_type);
        let has = holds.has(&facts, &e.doc_id);
        let already_in_page = pull
            .iter()
            .any(|p| p.doc == e.doc_id && p.kind == PullKind::Snapshot);
        match (visible, has) {
            (true, true) if !already_in_page => {
                bytes += e.changes_len;
                changes_of.push((pull.len(), e.seq));
                pull.push(PullDoc {
                    doc: e.doc_id.clone(),
                    doc_type: e.doc_type.clone(),
                    kind: PullKind::Changes,
                    data: None,
                });
            }
            (true, false) => {
                if let Some(s) = snapshot(storage, auth, &e.doc_id).await? {
                    bytes += s.data.as_ref().map_or(0, String::len);
                    pull.push(s);
                    holds.add(&e.doc_id);
                }
            }
            (false, true) => {
                // A technician taken off an order gets it once more as it is now, so their
                // device can say who took it over (and keep their unsent work) rather than
                // drop it without a word; nothing after that reaches them.
                match farewell(storage, auth, &e.doc_id, &e.doc_type).await? {
                    Some(s) => {
                        bytes += s.data.as_ref().map_or(0, String::len);
                        pull.push(s);
                    }
                    None => pull.push(PullDoc {
                        doc: e.doc_id.clone(),
                        doc_type: e.doc_type.clone(),
                        kind: PullKind::Revoked,
                        data: None,
                    }),
                }
                holds.remove(&e.doc_id);
            }
            _ => {}
        }
        // An order brings what it points at (customer, equipment, project) along, and takes
        // each away when the technician's last order pointing at it goes.
        if e.doc_type == DocType::Order.as_str() && follow_links {
            for (linked, linked_type) in facts.links.get(&e.doc_id).into_iter().flatten() {
                let l_visible = sees_in_page(auth, &facts, linked, linked_type);
                let l_has = holds.has(&facts, linked);
                if l_visible && !l_has {
                    if let Some(s) = snapshot(storage, auth, linked).await? {
                        bytes += s.data.as_ref().map_or(0, String::len);
                        pull.push(s);
                        holds.add(linked);
                    }
                } else if !l_visible && l_has {
                    pull.push(PullDoc {
                        doc: linked.clone(),
                        doc_type: linked_type.clone(),
                        kind: PullKind::Revoked,
                        data: None,
                    });
                    holds.remove(linked);
                }
            }
        }
    }
    if !changes_of.is_empty() {
        let seqs: Vec<u64> = changes_of.iter().map(|(_, seq)| *seq).collect();
        let mut found = storage.feed_changes(&auth.tenant, &seqs).await?;
        for (at, seq) in changes_of {
            let bytes = found.remove(&seq).ok_or_else(|| {
                ServerError::Storage(format!("feed entry {seq} vanished while being read"))
            })?;
            pull[at].data = Some(B64.encode(&bytes));
        }
    }
    let (added, removed) = holds.into_changes();
    storage
        .device_update(&auth.device_id, &added, &removed)
        .await?;
    if !more && let Some(head) = head {
        new_cursor = new_cursor.max(head);
    }
    Ok((pull, new_cursor, more))
}

/// One page of a first sync by scope: the next documents the caller reads, by id, as
/// snapshots. The feed position is taken before the first page lists anything, and every
/// answer of the catch-up carries it as `cursor`: each snapshot already holds every entry up
/// to it, and the walk that follows from it brings whatever changed meanwhile, documents
/// that entered or left the scope included (they are decided against what the device holds,
/// as always). A page whose answer was lost is cut again from the same `after`.
async fn catch_up(
    storage: &DynStorage,
    auth: &AuthContext,
    cursor: u64,
    at: &CatchUp,
    page_docs: usize,
) -> Result<(Vec<PullDoc>, u64, bool, Option<CatchUp>)> {
    let head = if at.after.is_empty() {
        storage.last_seq(&auth.tenant).await?
    } else {
        cursor
    };
    let scope = storage
        .readable_docs(&auth.tenant, &auth.user_id, &read_rules(auth))
        .await?;
    let start = scope.partition_point(|(id, _)| id.as_str() <= at.after.as_str());
    let mut pull = Vec::new();
    let mut bytes = 0usize;
    let mut next = start;
    while next < scope.len() && pull.len() < page_docs && bytes <= PAGE_BYTES {
        if let Some(s) = snapshot(storage, auth, &scope[next].0).await? {
            bytes += s.data.as_ref().map_or(0, String::len);
            pull.push(s);
        }
        next += 1;
    }
    let sent: Vec<String> = pull.iter().map(|p| p.doc.clone()).collect();
    storage.device_update(&auth.device_id, &sent, &[]).await?;
    if next < scope.len() {
        let progress = CatchUp {
            after: scope[next - 1].0.clone(),
            sent: next as u32,
            total: scope.len() as u32,
        };
        return Ok((pull, head, true, Some(progress)));
    }
    let more = storage.last_seq(&auth.tenant).await? > head;
    Ok((pull, head, more, None))
}

/// The documents a device holds, read from storage and changed in memory while one page is
/// built (so a document sent twice in a page is known to be there), written once at the end.
#[derive(Default)]
struct Holdings {
    changed: std::collections::BTreeMap<String, bool>,
}

impl Holdings {
    fn has(&self, before: &PageFacts, doc_id: &str) -> bool {
        match self.changed.get(doc_id) {
            Some(held) => *held,
            None => before.held.contains(doc_id),
        }
    }

    fn add(&mut self, doc_id: &str) {
        self.changed.insert(doc_id.to_string(), true);
    }

    fn remove(&mut self, doc_id: &str) {
        self.changed.insert(doc_id.to_string(), false);
    }

    fn into_changes(self) -> (Vec<String>, Vec<String>) {
        let (added, removed): (Vec<_>, Vec<_>) =
            self.changed.into_iter().partition(|(_, held)| *held);
        (
            added.into_iter().map(|(id, _)| id).collect(),
            removed.into_iter().map(|(id, _)| id).collect(),
        )
    }
}

/// Change a stored document as the server (a customer's rating from the portal): `edit`
/// writes with the server's actor on the stored state, retried when another writer won.
pub async fn update_server_doc<T>(
    storage: &DynStorage,
    tenant: &str,
    doc_id: &str,
    doc_type: DocType,
    mut edit: impl FnMut(&mut AutoCommit, &TypedDoc) -> Result<T>,
) -> Result<(T, TypedDoc)> {
    for _ in 0..8 {
        let stored = storage
            .load_doc(tenant, doc_id)
            .await?
            .filter(|s| s.doc_type == doc_type.as_str())
            .ok_or_else(|| ServerError::NotFound(format!("no {} {doc_id}", doc_type.as_str())))?;
        let mut doc = crdt::load(&stored.bytes)?.with_actor(server_actor(tenant));
        let old = TypedDoc::parse(doc_type, &doc)?;
        let old_heads = doc.get_heads();
        let out = edit(&mut doc, &old)?;
        doc.commit();
        let typed = TypedDoc::parse(doc_type, &doc)?;
        let number = take_number(storage, tenant, &typed).await?;
        server_stamps(tenant, &mut doc, Some(&old), &typed, number)?;
        let commit = server_commit(
            tenant,
            &typed,
            &mut doc,
            Some((stored.heads.clone(), &old_heads)),
        );
        match storage.commit_doc(&commit).await {
            Ok(_) => return Ok((out, typed)),
            Err(ServerError::Concurrent) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(ServerError::Concurrent)
}

/// Store a document written by the server itself (demo data, imports), through the same
/// validation as a push, without an origin device.
pub async fn store_server_doc(
    storage: &DynStorage,
    tenant: &str,
    doc_type: DocType,
    doc: &mut AutoCommit,
) -> Result<u64> {
    let typed = TypedDoc::parse(doc_type, doc)?;
    let number = take_number(storage, tenant, &typed).await?;
    server_stamps(tenant, doc, None, &typed, number)?;
    let commit = server_commit(tenant, &typed, doc, None);
    storage.commit_doc(&commit).await
}

/// The commit of a document the server wrote itself, with no origin device: a new document
/// whole, or a stored one (its stored heads, and the heads the change started from) with the
/// changes made since.
fn server_commit(
    tenant: &str,
    typed: &TypedDoc,
    doc: &mut AutoCommit,
    stored: Option<(String, &[ChangeHash])>,
) -> DocCommit {
    let (assignees, links) = scope_projection(typed);
    DocCommit {
        tenant: tenant.to_string(),
        doc_id: typed.id().to_string(),
        doc_type: typed.doc_type().as_str().to_string(),
        bytes: doc.save(),
        heads: heads_json(&doc.get_heads()),
        changes: match &stored {
            Some((_, since)) => doc.save_after(since),
            None => doc.save(),
        },
        base_heads: stored.map(|(heads, _)| heads),
        origin_device: None,
        server_changes: None,
        audit: None,
        blob_refs: blob_refs_of(typed),
        compact_later: false,
        assignees,
        links,
    }
}
