//! The device side of the sync protocol: push what the server lacks, pull what changed in
//! the device's scope, repeat while the server says `more`. The store is locked only while a
//! request is prepared and while a response is applied, never across the network.

use std::sync::Mutex;
use std::time::Duration;

use automerge::ChangeHash;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Serialize};

use crate::crdt;
use crate::error::{DeviceError, Result};
use crate::model::DocType;
use crate::model::TypedDoc;
use crate::net::http_client;
use crate::protocol::*;
use crate::store::{Store, delete_document, project, set_meta_tx, write_document};
use crate::workspace::{Session, Workspace};
use crate::{ErrorBody, ErrorCode};
use fieldops_domain::wire;

/// An HTTP connection to one sync server with one bearer token.
#[derive(Clone)]
pub struct SyncHttp {
    client: reqwest::Client,
    base: String,
    token: String,
}

/// What one `sync_now` did, for the status bar, tests and benchmarks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct SyncReport {
    pub round_trips: u32,
    pub pushed: u32,
    pub accepted: u32,
    pub rejected: Vec<Rejected>,
    pub pulled: u32,
    pub revoked: u32,
    /// Pulled documents that could not be read, kept aside (see `apply_response`).
    pub quarantined: u32,
    pub cursor: u64,
    pub bytes_sent: u64,
    pub bytes_received: u64,
    pub blobs_uploaded: u32,
    pub blob_bytes_sent: u64,
}

/// Normalise a server URL typed by a person: trim, drop a trailing slash, require http(s).
pub fn normalise_server_url(url: &str) -> Result<String> {
    let typed = url.trim();
    let url = typed.trim_end_matches('/');
    if !typed.contains("://") {
        return Err(DeviceError::refused(
            crate::Refusal::ServerAddressWithoutScheme {
                typed: url.chars().take(200).collect(),
            },
        ));
    }
    let parsed = reqwest::Url::parse(url)
        .map_err(|_| DeviceError::refused(crate::Refusal::NotAServerAddress))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(DeviceError::refused(crate::Refusal::NotAServerAddress));
    }
    Ok(url.to_string())
}

async fn error_from_response(resp: reqwest::Response) -> DeviceError {
    let status = resp.status();
    let body = unpacked_body(resp)
        .await
        .ok()
        .and_then(|(bytes, _)| serde_json::from_slice::<ErrorBody>(&bytes).ok());
    match body {
        // A rule with words of its own (a field, a refusal): said as the device says it.
        Some(ErrorBody {
            field: Some(problem),
            ..
        }) => DeviceError::Domain(crate::DomainError::BadField(problem)),
        Some(ErrorBody {
            refusal: Some(refusal),
            ..
        }) => DeviceError::refused(refusal),
        Some(body) => DeviceError::Server {
            code: body.code,
            message: body.message,
        },
        None => DeviceError::Server {
            // Not one of our answers (a proxy's page, say): its status is all there is to go on.
            code: match status.as_u16() {
                401 => ErrorCode::Unauthorized,
                404 => ErrorCode::NotFound,
                413 => ErrorCode::TooLarge,
                _ => ErrorCode::Unknown,
            },
            message: format!("the server answered {status}"),
        },
    }
}

/// A response's body, unpacked when the server compressed it, and its size on the wire.
async fn unpacked_body(resp: reqwest::Response) -> Result<(Vec<u8>, u64)> {
    let gzipped = resp
        .headers()
        .get(reqwest::header::CONTENT_ENCODING)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"gzip"));
    let bytes = resp.bytes().await?;
    let on_wire = bytes.len() as u64;
    let body = if gzipped {
        wire::gunzip(&bytes, MAX_RESPONSE_BYTES)
            .map_err(|e| DeviceError::Network(format!("malformed answer: {e}")))?
    } else {
        bytes.to_vec()
    };
    Ok((body, on_wire))
}

/// Sign in: binds this device's actor id to the user on the server.
pub async fn login(
    ws: &Mutex<Workspace>,
    server_url: &str,
    tenant: &str,
    login: &str,
    password: &str,
    device_name: &str,
) -> Result<(Session, String)> {
    let base = normalise_server_url(server_url)?;
    let actor = lock(ws)?.begin_login(tenant, login)?;
    let req = LoginRequest {
        tenant: tenant.trim().to_string(),
        login: login.trim().to_string(),
        password: password.to_string(),
        device_actor: actor,
        device_name: device_name.to_string(),
        device: DeviceFacts {
            platform: std::env::consts::OS.to_string(),
            model: String::new(),
            app_version: env!("CARGO_PKG_VERSION").to_string(),
        },
    };
    let resp = http_client(Duration::from_secs(30))?
        .post(format!("{base}{API_PREFIX}/login"))
        .json(&req)
        .send()
        .await?;
    if !resp.status().is_success() {
        return Err(error_from_response(resp).await);
    }
    let body: LoginResponse = resp.json().await?;
    let session = Session {
        server_url: base,
        tenant: body.tenant.clone(),
        user: body.user.clone(),
        device_id: body.device_id.clone(),
    };
    lock(ws)?.set_session(session.clone(), login.trim())?;
    Ok((session, body.token))
}

pub(crate) fn lock(ws: &Mutex<Workspace>) -> Result<std::sync::MutexGuard<'_, Workspace>> {
    ws.lock().map_err(|_| {
        DeviceError::invalid("the local store is unavailable after an earlier failure")
    })
}

impl SyncHttp {
    pub fn new(server_url: &str, token: &str) -> Result<SyncHttp> {
        Ok(SyncHttp {
            client: http_client(Duration::from_secs(60))?,
            base: normalise_server_url(server_url)?,
            token: token.to_string(),
        })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    /// One request/response; returns the response and the body sizes on the wire. Both
    /// bodies travel gzip-compressed (the request from `COMPRESS_FROM_BYTES` on).
    pub async fn round_trip(&self, req: &SyncRequest) -> Result<(SyncResponse, u64, u64)> {
        let json = serde_json::to_vec(req).map_err(|e| DeviceError::invalid(e.to_string()))?;
        let compressed = json.len() >= COMPRESS_FROM_BYTES;
        let body = if compressed { wire::gzip(&json) } else { json };
        let sent = body.len() as u64;
        let send = || {
            let request = self
                .client
                .post(format!("{}{API_PREFIX}/sync", self.base))
                .bearer_auth(&self.token)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .header(reqwest::header::ACCEPT_ENCODING, "gzip");
            let request = if compressed {
                request.header(reqwest::header::CONTENT_ENCODING, "gzip")
            } else {
                request
            };
            request.body(body.clone()).send()
        };
        let resp = match send().await {
            // A kept-alive connection the server closed meanwhile (it restarted, a proxy timed
            // it out): the request never arrived whole. Once more on a fresh connection; a
            // sync is safe to repeat.
            Err(e) if e.is_request() && !e.is_connect() && !e.is_timeout() => send().await?,
            other => other?,
        };
        if !resp.status().is_success() {
            return Err(error_from_response(resp).await);
        }
        let (json, received) = unpacked_body(resp).await?;
        let parsed: SyncResponse = serde_json::from_slice(&json)
            .map_err(|e| DeviceError::Network(format!("malformed sync response: {e}")))?;
        Ok((parsed, sent, received))
    }

    /// `GET` an endpoint of this server (`/v1/…`) as JSON.
    pub async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T> {
        let resp = self
            .client
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .query(query)
            .send()
            .await?;
        Self::json_answer(resp).await
    }

    /// `POST` or `PATCH` JSON to an endpoint of this server; its JSON answer.
    pub async fn send_json<B: Serialize, T: serde::de::DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &B,
    ) -> Result<T> {
        let resp = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(body)
            .send()
            .await?;
        Self::json_answer(resp).await
    }

    async fn json_answer<T: serde::de::DeserializeOwned>(resp: reqwest::Response) -> Result<T> {
        if !resp.status().is_success() {
            return Err(error_from_response(resp).await);
        }
        let bytes = resp.bytes().await?;
        serde_json::from_slice(&bytes)
            .map_err(|e| DeviceError::Network(format!("malformed answer from the server: {e}")))
    }

    /// Wait for the server's next "feed advanced" message (Server-Sent Events). Returns the
    /// sequence number, or an error when the stream ends or cannot be opened.
    pub async fn events(&self) -> Result<EventStream> {
        let resp = crate::net::client_builder()
            .build()
            .map_err(|e| DeviceError::Network(e.to_string()))?
            .get(format!("{}{API_PREFIX}/events", self.base))
            .bearer_auth(&self.token)
            .send()
            .await?;
        if !resp.status().is_success() {
            return Err(error_from_response(resp).await);
        }
        Ok(EventStream {
            resp,
            buf: String::new(),
        })
    }
}

/// A live connection to `/v1/events`.
pub struct EventStream {
    resp: reqwest::Response,
    buf: String,
}

impl EventStream {
    /// The next feed sequence number the server announces.
    pub async fn next(&mut self) -> Result<u64> {
        loop {
            while let Some(pos) = self.buf.find("\n\n") {
                let message: String = self.buf.drain(..pos + 2).collect();
                for line in message.lines() {
                    if let Some(data) = line.strip_prefix("data:")
                        && let Ok(f) = serde_json::from_str::<FeedAdvanced>(data.trim())
                    {
                        return Ok(f.seq);
                    }
                }
            }
            match self.resp.chunk().await? {
                Some(chunk) => self.buf.push_str(&String::from_utf8_lossy(&chunk)),
                None => return Err(DeviceError::Network("the live event stream closed".into())),
            }
        }
    }
}

/// The heads each pushed document had when the request was built.
pub struct Pushed {
    docs: Vec<(String, Vec<ChangeHash>)>,
}

impl Pushed {
    /// A request that pushed nothing.
    pub fn none() -> Pushed {
        Pushed { docs: Vec::new() }
    }
}

/// The feed position this device has applied (0: it holds nothing from the server yet).
pub fn cursor(store: &Store) -> Result<u64> {
    Ok(store
        .meta("cursor")?
        .and_then(|c| c.parse().ok())
        .unwrap_or(0))
}

/// Where a first sync under way stands, as the server's last answer said (kept with the
/// documents by `apply_response`).
pub fn catch_up(store: &Store) -> Result<Option<CatchUp>> {
    Ok(store
        .meta("catch_up")?
        .and_then(|at| serde_json::from_str(&at).ok()))
}

/// Build one request: the cursor, and the changes of dirty documents the server lacks.
pub fn prepare_request(store: &Store) -> Result<(SyncRequest, Pushed)> {
    let cursor = cursor(store)?;
    let directory_version = store
        .meta("directory_version")?
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let mut push = Vec::new();
    let mut pushed = Vec::new();
    let mut budget = PUSH_BUDGET_BYTES;
    for d in store.dirty_docs(MAX_PUSH_DOCS)? {
        if d.changes.len() > budget && !push.is_empty() {
            break;
        }
        budget = budget.saturating_sub(d.changes.len());
        pushed.push((d.id.clone(), d.heads));
        push.push(PushDoc {
            doc: d.id,
            doc_type: d.doc_type.as_str().to_string(),
            changes: B64.encode(d.changes),
        });
    }
    // A first sync goes by scope (see `CatchUp`); one under way goes on where it stopped.
    let catch_up = catch_up(store)?.or_else(|| (cursor == 0).then(CatchUp::default));
    Ok((
        SyncRequest {
            cursor,
            push,
            directory_version,
            catch_up,
        },
        Pushed { docs: pushed },
    ))
}

/// Apply one response in one transaction: acknowledgements, refusals, merges, revocations,
/// the directory and the new cursor. A pulled document that cannot be read is kept aside
/// in `quarantine` (bytes and reason) rather than applied; only a local database failure
/// aborts the whole response, so the cursor never moves past something not kept.
pub fn apply_response(
    store: &mut Store,
    pushed: &Pushed,
    resp: &SyncResponse,
    report: &mut SyncReport,
) -> Result<()> {
    let actor = store.actor().clone();
    let tx = store.transaction()?;
    for a in &resp.accepted {
        if let Some((_, heads)) = pushed.docs.iter().find(|(id, _)| id == &a.doc) {
            let sent = serde_json::to_string(&crdt::heads_to_hex(heads)).unwrap_or_default();
            // Still clean only if nothing was edited while the request was in flight.
            tx.prepare_cached(
                "UPDATE documents SET synced_heads = ?2, dirty = CASE WHEN heads = ?2 THEN 0 ELSE 1 END, rejected = NULL WHERE id = ?1",
            )?
            .execute(rusqlite::params![a.doc, sent])?;
            report.accepted += 1;
        }
    }
    for r in &resp.rejected {
        let reason = crate::workspace::store_error(&ErrorBody {
            code: r.code,
            message: match &r.path {
                Some(p) => format!("{} ({p})", r.message),
                None => r.message.clone(),
            },
            field: None,
            refusal: None,
        });
        tx.prepare_cached("UPDATE documents SET rejected = ?2 WHERE id = ?1")?
            .execute(rusqlite::params![r.doc, reason])?;
        report.rejected.push(r.clone());
    }
    for p in &resp.pull {
        // Each pulled document in a savepoint of its own: one that cannot be read is set
        // aside with its bytes (nothing is lost, the sync bar says so) and the rest of the
        // response is applied, so one bad document can never stop every later sync.
        tx.execute_batch("SAVEPOINT pulled_doc")?;
        // A panic inside automerge on a damaged document is a damaged document too.
        let applied = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            apply_pulled(&tx, &actor, p, report)
        }))
        .unwrap_or_else(|_| {
            Err(DeviceError::corrupt_document(format!(
                "{} could not be read",
                p.doc
            )))
        });
        match applied {
            Ok(()) => {
                tx.execute_batch("RELEASE pulled_doc")?;
                tx.prepare_cached("DELETE FROM quarantine WHERE doc = ?1")?
                    .execute([&p.doc])?;
            }
            Err(e @ DeviceError::Storage(_)) => return Err(e),
            Err(e) => {
                tx.execute_batch("ROLLBACK TO pulled_doc; RELEASE pulled_doc")?;
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO quarantine(doc, doc_type, data, reason, at) VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(rusqlite::params![
                        p.doc,
                        p.doc_type,
                        p.data.as_deref().unwrap_or(""),
                        crate::workspace::store_error(&e.body()),
                        crate::model::now_ms()
                    ])?;
                report.quarantined += 1;
            }
        }
    }
    if let Some(dir) = &resp.directory {
        let users =
            serde_json::to_string(&dir.users).map_err(|e| DeviceError::invalid(e.to_string()))?;
        set_meta_tx(&tx, "directory", &users)?;
        set_meta_tx(&tx, "directory_version", &dir.version.to_string())?;
    }
    set_meta_tx(&tx, "cursor", &resp.cursor.to_string())?;
    match &resp.catch_up {
        Some(at) => set_meta_tx(
            &tx,
            "catch_up",
            &serde_json::to_string(at).map_err(|e| DeviceError::invalid(e.to_string()))?,
        )?,
        None => {
            tx.prepare_cached("DELETE FROM meta WHERE key = 'catch_up'")?
                .execute([])?;
        }
    }
    tx.commit()?;
    report.cursor = resp.cursor;
    Ok(())
}

/// Merge one pulled document (or drop a revoked one) and project it.
fn apply_pulled(
    tx: &rusqlite::Transaction<'_>,
    actor: &automerge::ActorId,
    p: &PullDoc,
    report: &mut SyncReport,
) -> Result<()> {
    crate::model::check_id("document", &p.doc)?;
    let doc_type = DocType::parse(&p.doc_type)?;
    if p.kind == PullKind::Revoked {
        delete_document(tx, &p.doc)?;
        report.revoked += 1;
        return Ok(());
    }
    let data = p.data.as_deref().ok_or_else(|| {
        DeviceError::corrupt_document(format!("pull of {} carries no data", p.doc))
    })?;
    let bytes = B64
        .decode(data)
        .map_err(|_| DeviceError::corrupt_document(format!("pull of {} is not base64", p.doc)))?;
    let dirty: Option<i64> = {
        use rusqlite::OptionalExtension;
        tx.prepare_cached("SELECT dirty FROM documents WHERE id = ?1")?
            .query_row([&p.doc], |r| r.get(0))
            .optional()?
    };
    let (mut doc, dirty) = match (dirty, crate::store::stored_bytes(tx, &p.doc)?) {
        (Some(dirty), Some(b)) => (crdt::load(&b)?, dirty == 1),
        _ => (automerge::AutoCommit::new(), false),
    };
    doc.set_actor(actor.clone());
    crdt::apply_strict(&mut doc, &bytes)
        .map_err(|e| DeviceError::corrupt_document(format!("{}: {e}", p.doc)))?;
    let typed = TypedDoc::parse(doc_type, &doc)?;
    if typed.id() != p.doc {
        return Err(DeviceError::corrupt_document(format!(
            "pulled document {} names itself {}",
            p.doc,
            typed.id()
        )));
    }
    write_document(tx, doc_type, &p.doc, &mut doc, false)?;
    if !dirty {
        // Everything we hold came from the server: its heads are now ours.
        let heads =
            serde_json::to_string(&crdt::heads_to_hex(&doc.get_heads())).unwrap_or_default();
        tx.prepare_cached("UPDATE documents SET synced_heads = ?2 WHERE id = ?1")?
            .execute(rusqlite::params![p.doc, heads])?;
    }
    project(tx, &typed)?;
    report.pulled += 1;
    Ok(())
}

/// What one pass over the upload queue sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BlobUploads {
    pub blobs: u32,
    /// Blob bytes sent; after an interrupted upload, only what the server did not have.
    pub bytes: u64,
}

/// Upload blobs the server does not have yet (the queue is the store's `blobs` table, so it
/// survives restarts; an upload is idempotent on the server, so a retry after a lost
/// response is harmless). Blobs over one chunk go up in chunks and resume where the server's
/// received bytes end, so a lost connection costs at most a chunk.
pub async fn upload_blobs(ws: &Mutex<Workspace>, http: &SyncHttp) -> Result<BlobUploads> {
    let pending = lock(ws)?.store.pending_blobs()?;
    let mut done = BlobUploads::default();
    for (hash, content_type, bytes) in pending {
        done.bytes += if bytes.len() <= BLOB_CHUNK_BYTES {
            let resp = http
                .client
                .put(format!("{}{API_PREFIX}/blobs/{hash}", http.base))
                .bearer_auth(&http.token)
                .header(reqwest::header::CONTENT_TYPE, &content_type)
                .body(bytes.clone())
                .send()
                .await?;
            if !resp.status().is_success() {
                return Err(error_from_response(resp).await);
            }
            bytes.len() as u64
        } else {
            upload_in_chunks(http, &hash, &content_type, &bytes).await?
        };
        lock(ws)?.store.mark_blob_uploaded(&hash)?;
        done.blobs += 1;
    }
    Ok(done)
}

/// Send a blob chunk by chunk from where the server's copy ends. Returns the bytes sent.
async fn upload_in_chunks(
    http: &SyncHttp,
    hash: &str,
    content_type: &str,
    bytes: &[u8],
) -> Result<u64> {
    let url = format!("{}{API_PREFIX}/blobs/{hash}/upload", http.base);
    let mut state = upload_state(http, &url).await?;
    let mut sent = 0u64;
    // Each chunk either advances the upload or, after a 409, re-reads where it stands; the
    // bound only stops a server that keeps answering 409.
    let mut conflicts = 0;
    while !state.complete {
        let start = usize::try_from(state.received)
            .ok()
            .filter(|s| *s < bytes.len())
            .unwrap_or(0);
        let chunk = &bytes[start..bytes.len().min(start + BLOB_CHUNK_BYTES)];
        let resp = http
            .client
            .put(format!("{url}?offset={start}"))
            .bearer_auth(&http.token)
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .header("x-blob-length", bytes.len())
            .body(chunk.to_vec())
            .send()
            .await?;
        if resp.status() == reqwest::StatusCode::CONFLICT && conflicts < 3 {
            conflicts += 1;
            state = upload_state(http, &url).await?;
            continue;
        }
        if !resp.status().is_success() {
            return Err(error_from_response(resp).await);
        }
        sent += chunk.len() as u64;
        state = resp
            .json()
            .await
            .map_err(|e| DeviceError::Network(format!("unreadable upload answer: {e}")))?;
    }
    Ok(sent)
}

async fn upload_state(http: &SyncHttp, url: &str) -> Result<UploadState> {
    let resp = http.client.get(url).bearer_auth(&http.token).send().await?;
    if !resp.status().is_success() {
        return Err(error_from_response(resp).await);
    }
    resp.json()
        .await
        .map_err(|e| DeviceError::Network(format!("unreadable upload state: {e}")))
}

/// A blob by hash: from the device if it has it, else from the server (verified, then kept).
pub async fn fetch_blob(
    ws: &Mutex<Workspace>,
    http: Option<&SyncHttp>,
    hash: &str,
) -> Result<(String, Vec<u8>)> {
    crate::blob::check_hash(hash)?;
    if let Some(found) = lock(ws)?.store.blob(hash)? {
        return Ok(found);
    }
    let http = http.ok_or(DeviceError::NotSignedIn)?;
    let resp = http
        .client
        .get(format!("{}{API_PREFIX}/blobs/{hash}", http.base))
        .bearer_auth(&http.token)
        .send()
        .await?;
    if !resp.status().is_success() {
        return Err(error_from_response(resp).await);
    }
    let content_type = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = resp.bytes().await?.to_vec();
    if crate::blob::sha256_hex(&bytes) != hash {
        return Err(DeviceError::Network(format!("blob {hash} arrived damaged")));
    }
    crate::blob::check_blob(&bytes, &content_type)?;
    lock(ws)?.store.cache_blob(hash, &content_type, &bytes)?;
    Ok((content_type, bytes))
}

/// Revoke this device's token on the server.
pub async fn logout(http: &SyncHttp) -> Result<()> {
    let resp = http
        .client
        .post(format!("{}{API_PREFIX}/logout", http.base))
        .bearer_auth(&http.token)
        .send()
        .await?;
    if !resp.status().is_success() {
        return Err(error_from_response(resp).await);
    }
    Ok(())
}

/// How long to wait before the next attempt after `failures` failed syncs in a row: a step of
/// 2 s, 4 s, 8 s … up to a minute (the regular interval), so an interrupted upload resumes soon
/// after the network returns without hammering a server that is down. The wait is drawn
/// between half the step and the whole step (`spread`, from 0 to 1, picks where): devices
/// turned away together (a restarted server, a busy morning) come back spread out, not in one
/// wave.
pub fn retry_delay(failures: u32, spread: f64) -> std::time::Duration {
    let step_ms = 1000 * 2u64.saturating_pow(failures.min(6)).min(60);
    let step_ms = if failures == 0 { 60_000 } else { step_ms };
    let spread = if spread.is_finite() {
        spread.clamp(0.0, 1.0)
    } else {
        1.0
    };
    std::time::Duration::from_millis(step_ms / 2 + (step_ms as f64 / 2.0 * spread) as u64)
}

/// Sync until the server has everything the device has and the device everything in its scope.
pub async fn sync_now(ws: &Mutex<Workspace>, http: &SyncHttp) -> Result<SyncReport> {
    sync_now_reporting(ws, http, &|| ()).await
}

/// `sync_now`, calling `after_round` after each round trip is applied (the app shows a first
/// sync's progress with it).
pub async fn sync_now_reporting(
    ws: &Mutex<Workspace>,
    http: &SyncHttp,
    after_round: &(dyn Fn() + Sync),
) -> Result<SyncReport> {
    let result = sync_rounds(ws, http, after_round).await;
    let mut guard = lock(ws)?;
    let now = crate::model::now_ms().to_string();
    match &result {
        Ok(_) => guard.store.update_meta(&[
            ("last_sync_at", Some(&now)),
            ("last_sync_error", None),
            ("online", Some("1")),
            ("offline_since", None),
        ])?,
        Err(e) => {
            let error = crate::workspace::store_error(&e.body());
            let reached = matches!(e, DeviceError::Server { .. });
            // The first failure to reach the server starts the offline time.
            let offline_since = if reached {
                None
            } else {
                Some(guard.store.meta("offline_since")?.unwrap_or(now))
            };
            guard.store.update_meta(&[
                ("last_sync_error", Some(&error)),
                ("online", Some(if reached { "1" } else { "0" })),
                ("offline_since", offline_since.as_deref()),
            ])?
        }
    }
    result
}

async fn sync_rounds(
    ws: &Mutex<Workspace>,
    http: &SyncHttp,
    after_round: &(dyn Fn() + Sync),
) -> Result<SyncReport> {
    let mut report = SyncReport::default();
    if lock(ws)?.session().is_none() {
        return Err(DeviceError::NotSignedIn);
    }
    // Blobs first, so documents never reference something the server cannot serve.
    let blobs = upload_blobs(ws, http).await?;
    report.blobs_uploaded = blobs.blobs;
    report.blob_bytes_sent = blobs.bytes;
    // A bound on rounds keeps a misbehaving server from looping us forever.
    for _ in 0..10_000 {
        let (req, pushed) = {
            let guard = lock(ws)?;
            if guard.session().is_none() {
                return Err(DeviceError::NotSignedIn);
            }
            prepare_request(&guard.store)?
        };
        let (resp, sent, received) = http.round_trip(&req).await?;
        report.round_trips += 1;
        report.pushed += req.push.len() as u32;
        report.bytes_sent += sent;
        report.bytes_received += received;
        let more_to_push = {
            let mut guard = lock(ws)?;
            apply_response(&mut guard.store, &pushed, &resp, &mut report)?;
            let again = prepare_request(&guard.store)?.0;
            !again.push.is_empty() && !resp.accepted.is_empty()
        };
        after_round();
        if resp.wipe && !more_to_push {
            // Revoked, with leave to send the unsent work first: it is sent; now the wipe.
            return Err(DeviceError::Server {
                code: ErrorCode::DeviceRevoked,
                message: "an administrator removed this device after it sent its work".into(),
            });
        }
        if !resp.more && !more_to_push {
            return Ok(report);
        }
    }
    Err(DeviceError::Network(
        "the server kept answering 'more'; sync stopped".into(),
    ))
}

#[cfg(test)]
mod retry_tests {
    use super::retry_delay;

    #[test]
    fn failed_syncs_back_off_up_to_the_regular_interval() {
        let longest: Vec<u64> = (0..9).map(|n| retry_delay(n, 1.0).as_secs()).collect();
        assert_eq!(longest, vec![60, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(retry_delay(u32::MAX, 1.0).as_secs(), 60);
    }

    #[test]
    fn devices_failing_together_come_back_spread_over_half_a_step() {
        let ms = |failures, spread| retry_delay(failures, spread).as_millis();
        assert_eq!(ms(3, 0.0), 4_000);
        assert_eq!(ms(3, 0.5), 6_000);
        assert_eq!(ms(3, 1.0), 8_000);
        assert_eq!(ms(0, 0.0), 30_000);
        // Whatever the draw, the wait stays within the step.
        assert_eq!(ms(1, -3.0), 1_000);
        assert_eq!(ms(1, 7.0), 2_000);
        assert_eq!(ms(1, f64::NAN), 2_000);
    }
}

#[cfg(test)]
mod address_tests {
    use super::normalise_server_url;
    use crate::Refusal;

    #[test]
    fn a_server_address_needs_its_scheme_and_says_how_to_fix_it() {
        assert_eq!(
            normalise_server_url(" https://ops.example.cn/ ").unwrap(),
            "https://ops.example.cn"
        );
        assert_eq!(
            normalise_server_url("ops.example.cn:8443")
                .unwrap_err()
                .body()
                .refusal,
            Some(Refusal::ServerAddressWithoutScheme {
                typed: "ops.example.cn:8443".into()
            })
        );
        for wrong in ["ftp://ops.example.cn", "http://", "https://exa mple"] {
            assert_eq!(
                normalise_server_url(wrong).unwrap_err().body().refusal,
                Some(Refusal::NotAServerAddress),
                "{wrong}"
            );
        }
    }
}

#[cfg(test)]
mod offline_tests {
    use super::*;
    use crate::model::Role;

    #[tokio::test]
    async fn the_first_failure_to_reach_the_server_starts_the_offline_time() {
        let ws = Mutex::new(crate::testing::workspace(
            crate::testing::TECH_A,
            Role::Technician,
        ));
        // Nothing listens on port 1: the request fails at once.
        let http = SyncHttp::new("http://127.0.0.1:1", "token").unwrap();
        assert!(sync_now(&ws, &http).await.is_err());
        let first = lock(&ws).unwrap().sync_status().unwrap();
        assert!(!first.online);
        let since = first.offline_since.expect("offline from the first failure");
        std::thread::sleep(std::time::Duration::from_millis(3));
        assert!(sync_now(&ws, &http).await.is_err());
        let second = lock(&ws).unwrap().sync_status().unwrap();
        assert_eq!(
            second.offline_since,
            Some(since),
            "offline since the first failure"
        );
        assert_eq!(
            second.last_error.map(|e| e.code),
            Some(crate::ErrorCode::Network)
        );
    }
}
