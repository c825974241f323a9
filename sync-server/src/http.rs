//! The HTTP surface: routes, body parsing with JSON errors, and the live event stream.

use fieldops_domain::doc_cache::DocCache;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::IntoResponse;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::{get, post};
use axum::{Json, Router};
use fieldops_domain::ErrorCode;
use fieldops_domain::audit::AuditKind;
use fieldops_domain::protocol::{
    FeedAdvanced, LoginRequest, LoginResponse, MAX_BODY_BYTES, SyncRequest, SyncResponse,
    UploadState,
};
use futures_util::Stream;
use serde::de::DeserializeOwned;
use tokio::sync::broadcast;
use tokio_stream::StreamExt;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::auth;
use crate::error::{Result, ServerError};
use crate::storage::{AuditRecord, DynStorage, UploadChunk, out_of_order};

pub struct AppState {
    pub storage: DynStorage,
    pub login_throttle: crate::throttle::LoginThrottle,
    /// (tenant, seq) each time a tenant's feed advances.
    pub feed: broadcast::Sender<(String, u64)>,
    /// Sessions that ended (sign-out, password reset, deactivation, revocation): their live
    /// streams close at once. (Other server instances notice within `RECHECK_STREAM`.)
    pub ended: broadcast::Sender<Ended>,
    /// Syncs served at once; a request waits `sync_wait` for a turn, then gets `busy`.
    pub sync_turns: Arc<tokio::sync::Semaphore>,
    pub sync_wait: Duration,
    /// Documents per page of a first sync (`SyncLimits::catch_up_page`).
    pub catch_up_page: usize,
    pub notifier: Arc<crate::notify::Notifier>,
    /// Parsed documents kept between pushes (checked against the stored heads before use, so
    /// other instances' writes are never hidden).
    pub kept: DocCache,
    /// How often the customer portal is asked, per address and token.
    pub portal_limits: crate::portal::limits::PortalLimits,
}

pub const DEFAULT_SYNCS_AT_ONCE: usize = 32;

/// Parsed documents the server keeps between pushes: at most this many stored bytes and
/// this many documents. The parsed form takes far more: about 70 times for an order with a
/// long description (automerge keeps every character as an operation), so 1 MB of stored
/// orders is about 70 MB of memory.
const KEPT_BYTES: usize = 1 << 20;
const KEPT_DOCS: usize = 512;

/// How many syncs are served at once, how long a request waits for its turn, and how many
/// documents a page of a first sync carries.
#[derive(Debug, Clone, Copy)]
pub struct SyncLimits {
    pub syncs_at_once: usize,
    pub sync_wait: Duration,
    pub catch_up_page: usize,
}

impl Default for SyncLimits {
    fn default() -> Self {
        SyncLimits {
            syncs_at_once: DEFAULT_SYNCS_AT_ONCE,
            sync_wait: Duration::from_secs(5),
            catch_up_page: crate::sync::CATCH_UP_DOCS,
        }
    }
}

/// What `busy` tells a device to wait (each device adds its own back-off on top).
const BUSY_RETRY: Duration = Duration::from_secs(5);

/// Whose sessions ended.
#[derive(Debug, Clone)]
pub enum Ended {
    Token(String),
    Person(String),
    Device(String),
    /// Every session of the person but the one with this token hash.
    OtherThan(String, String),
}

impl Ended {
    fn concerns(&self, ctx: &crate::storage::AuthContext, token_hash: &str) -> bool {
        match self {
            Ended::Token(h) => h == token_hash,
            Ended::Person(id) => *id == ctx.user_id,
            Ended::Device(id) => *id == ctx.device_id,
            Ended::OtherThan(person, keep) => *person == ctx.user_id && keep != token_hash,
        }
    }
}

/// How often a live stream checks that its token is still good.
const RECHECK_STREAM: Duration = Duration::from_secs(30);

impl AppState {
    /// At most `limits.syncs_at_once` syncs are served at the same time: the memory of a
    /// morning when every device re-pulls at once stays bounded; the others wait up to
    /// `limits.sync_wait`, then are told to come back.
    pub fn new(
        storage: DynStorage,
        limits: SyncLimits,
        notifier: Arc<crate::notify::Notifier>,
    ) -> Arc<AppState> {
        let (feed, _) = broadcast::channel(1024);
        let (ended, _) = broadcast::channel(256);
        Arc::new(AppState {
            storage,
            login_throttle: Default::default(),
            feed,
            ended,
            sync_turns: Arc::new(tokio::sync::Semaphore::new(limits.syncs_at_once.max(1))),
            sync_wait: limits.sync_wait,
            catch_up_page: limits.catch_up_page.max(1),
            notifier,
            kept: DocCache::new(KEPT_BYTES, KEPT_DOCS),
            portal_limits: Default::default(),
        })
    }

    pub(crate) fn end(&self, ended: Ended) {
        // Nobody listening is fine.
        let _ = self.ended.send(ended);
    }
}

type Peer = Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>;

fn address(peer: &Peer) -> Option<String> {
    peer.as_ref().map(|p| p.0.0.ip().to_string())
}

/// The style of the server's account pages (`/setup`, `/invite`).
async fn account_pages_css() -> impl axum::response::IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("account-pages.css"),
    )
}

pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route(
            "/healthz",
            get(|| async { Json(serde_json::json!({"status": "ok"})) }),
        )
        .route("/v1/login", post(login))
        .route("/v1/logout", post(logout))
        .route("/v1/password", post(change_password))
        // Sync answers (JSON with Base64 automerge bytes) shrink to about a third with gzip
        // when the client accepts it; the event stream and blobs are left alone.
        .route(
            "/v1/sync",
            post(sync).layer(tower_http::compression::CompressionLayer::new()),
        )
        .route("/v1/events", get(events))
        .route("/account-pages.css", get(account_pages_css))
        .route("/setup", get(crate::setup::page))
        .route("/v1/setup", post(crate::setup::complete))
        .route("/invite", get(crate::invitations::page))
        .route("/v1/invite", post(crate::invitations::accept_route))
        .route(
            "/v1/admin/invitations",
            post(crate::invitations::invite_route),
        )
        .route(
            "/v1/admin/people/{id}/invitation",
            post(crate::invitations::send_again_route),
        )
        .route(
            "/v1/admin/people",
            get(crate::admin::people).post(crate::admin::add_person),
        )
        .route(
            "/v1/admin/people/{id}",
            axum::routing::patch(crate::admin::change_person),
        )
        .route(
            "/v1/admin/people/{id}/password",
            post(crate::admin::reset_password),
        )
        .route(
            "/v1/admin/devices/{id}/revoke",
            post(crate::admin::revoke_device),
        )
        .route("/v1/admin/audit", get(crate::admin::audit))
        .route("/v1/admin/alerts", get(crate::alerts::list))
        .route(
            "/v1/admin/people/{id}/contact",
            axum::routing::put(crate::admin::set_contact),
        )
        .route("/v1/notifications", get(crate::notify::routes::inbox))
        .route(
            "/v1/notifications/read",
            post(crate::notify::routes::mark_read),
        )
        .route(
            "/v1/admin/notify/channels",
            get(crate::notify::routes::channels).put(crate::notify::routes::save_channel),
        )
        .route(
            "/v1/admin/notify/channels/{channel}",
            axum::routing::delete(crate::notify::routes::remove_channel),
        )
        .route(
            "/v1/admin/notify/test",
            post(crate::notify::routes::send_test),
        )
        .route("/v1/admin/notify/outbox", get(crate::notify::routes::list))
        .route("/v1/admin/notify/scan", post(crate::notify::routes::scan))
        .route(
            "/v1/blobs/{hash}",
            axum::routing::put(put_blob).get(get_blob),
        )
        .route(
            "/v1/blobs/{hash}/upload",
            axum::routing::put(put_blob_chunk).get(upload_state),
        )
        .merge(crate::portal::routes::router())
        .fallback(|| async { ServerError::NotFound("no such endpoint".into()) })
        // Every answer is data for a program, never a page: no sniffing, framing, caching
        // or referrer.
        .layer(header_if_absent(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header_if_absent(header::X_FRAME_OPTIONS, "DENY"))
        .layer(header_if_absent(header::REFERRER_POLICY, "no-referrer"))
        .layer(header_if_absent(header::CACHE_CONTROL, "no-store"))
        // Bodies are read by our own parser below so that an oversized body gets a JSON error.
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

fn header_if_absent(
    name: header::HeaderName,
    value: &'static str,
) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

/// A sync body as sent, unpacked when it says it is gzip. The limit counts unpacked bytes,
/// so a small compressed body that would unpack past it is refused like a large one.
fn unpacked(headers: &HeaderMap, body: Bytes) -> Result<Bytes> {
    match headers.get(header::CONTENT_ENCODING).map(|v| v.as_bytes()) {
        None => Ok(body),
        Some(e) if e.eq_ignore_ascii_case(b"gzip") => {
            match fieldops_domain::wire::gunzip(&body, MAX_BODY_BYTES) {
                Ok(b) => Ok(Bytes::from(b)),
                Err(fieldops_domain::wire::WireError::TooLarge { .. }) => {
                    Err(ServerError::TooLarge(MAX_BODY_BYTES))
                }
                Err(e) => Err(ServerError::BadRequest(e.to_string())),
            }
        }
        Some(_) => Err(ServerError::BadRequest(
            "unknown content encoding: send the body plain or as gzip".into(),
        )),
    }
}

pub(crate) fn parse_body<T: DeserializeOwned>(
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<T> {
    let bytes = body.map_err(|e| match e {
        BytesRejection::FailedToBufferBody(_) => ServerError::TooLarge(MAX_BODY_BYTES),
        other => ServerError::BadRequest(other.body_text()),
    })?;
    parse_json(&bytes)
}

fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    serde_json::from_slice(bytes)
        .map_err(|e| ServerError::BadRequest(format!("malformed request body: {e}")))
}

pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
}

async fn login(
    State(st): State<Arc<AppState>>,
    // Absent when the router is served without connection info: then only the login counts.
    peer: Peer,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<Json<LoginResponse>> {
    let req: LoginRequest = parse_body(body)?;
    let address = peer.map(|p| p.0.0.ip());
    Ok(Json(
        auth::login(&st.storage, &st.login_throttle, address, &req).await?,
    ))
}

async fn logout(
    State(st): State<Arc<AppState>>,
    peer: Peer,
    headers: HeaderMap,
) -> Result<Json<serde_json::Value>> {
    let ctx = auth::authenticate_revoked_too(&st.storage, bearer(&headers)).await?;
    if ctx.revoked.is_some() {
        // Its token stays: it is how the device, wherever it is, learns to wipe itself.
        return Err(auth::device_revoked());
    }
    if let Some(token) = bearer(&headers).and_then(|h| h.strip_prefix("Bearer ")) {
        let hash = auth::token_hash(token.trim());
        st.storage.revoke_token(&hash).await?;
        st.end(Ended::Token(hash));
    }
    crate::audit::record(
        &st.storage,
        AuditRecord {
            address: address(&peer),
            ..AuditRecord::by(&ctx, AuditKind::SignOut)
        },
    )
    .await;
    Ok(Json(serde_json::json!({"status": "signed_out"})))
}

/// `POST /v1/password`: the caller's own password, the current one proven; their other
/// sessions end (streams included), this one goes on.
async fn change_password(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<Json<serde_json::Value>> {
    let ctx = auth::authenticate(&st.storage, bearer(&headers)).await?;
    let change: fieldops_domain::people::PasswordChange = parse_body(body)?;
    let hash = bearer(&headers)
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(|t| auth::token_hash(t.trim()))
        .unwrap_or_default();
    if let Some(wait) =
        st.login_throttle
            .wait(&ctx.tenant, &ctx.login, None, std::time::Instant::now())
    {
        return Err(ServerError::TooManyAttempts(wait));
    }
    let changed = crate::accounts::change_own_password(
        &st.storage,
        &ctx,
        &hash,
        &change.current,
        &change.new,
    )
    .await;
    if let Err(e) = changed {
        if matches!(e, ServerError::BadCredentials) {
            // Guessing the current password through here counts like guessing at sign-in.
            st.login_throttle
                .failed(&ctx.tenant, &ctx.login, None, std::time::Instant::now());
        }
        return Err(e);
    }
    st.end(Ended::OtherThan(ctx.user_id.clone(), hash));
    Ok(Json(serde_json::json!({"status": "password_changed"})))
}

async fn sync(
    State(st): State<Arc<AppState>>,
    peer: Peer,
    headers: HeaderMap,
    // Read only once the request has its turn: a crowd waiting costs no bodies in memory.
    body: axum::body::Body,
) -> Result<Json<SyncResponse>> {
    let ctx = auth::authenticate_revoked_too(&st.storage, bearer(&headers)).await?;
    let _turn =
        match tokio::time::timeout(st.sync_wait, st.sync_turns.clone().acquire_owned()).await {
            Ok(Ok(turn)) => turn,
            _ => return Err(ServerError::Busy(BUSY_RETRY)),
        };
    let from = address(&peer);
    let refused = |code: ErrorCode, subject: Option<String>, detail: String| AuditRecord {
        address: from.clone(),
        code: Some(code),
        subject,
        detail,
        ..AuditRecord::by(&ctx, AuditKind::SyncRefused)
    };
    let keep_unsent = match ctx.revoked {
        None => false,
        Some(r) if r.keep_unsent => true,
        Some(_) => {
            crate::audit::record(
                &st.storage,
                AuditRecord {
                    address: from.clone(),
                    ..AuditRecord::by(&ctx, AuditKind::DeviceWiped)
                },
            )
            .await;
            return Err(auth::device_revoked());
        }
    };
    let body = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| ServerError::TooLarge(MAX_BODY_BYTES))
        .and_then(|b| unpacked(&headers, b));
    let req: SyncRequest = match body.and_then(|b| parse_json(&b)) {
        Ok(req) => req,
        Err(e) => {
            crate::audit::record(&st.storage, refused(e.code(), None, e.to_string())).await;
            return Err(e);
        }
    };
    crate::accounts::device_seen(&st.storage, &ctx.device_id, from.clone()).await?;
    let (resp, advanced) = match crate::sync::handle(
        &st.storage,
        &st.kept,
        &ctx,
        req,
        from.clone(),
        st.catch_up_page,
    )
    .await
    {
        Ok(done) => done,
        Err(e) => {
            crate::audit::record(&st.storage, refused(e.code(), None, e.to_string())).await;
            return Err(e);
        }
    };
    let mut lines: Vec<AuditRecord> = resp
        .rejected
        .iter()
        .map(|r| refused(r.code, Some(r.doc.clone()), r.message.clone()))
        .collect();
    if resp.wipe {
        lines.push(AuditRecord {
            address: from.clone(),
            detail: format!("after {} document(s) of unsent work", resp.accepted.len()),
            ..AuditRecord::by(&ctx, AuditKind::DeviceWiped)
        });
    }
    crate::audit::record_all(&st.storage, lines).await;
    debug_assert!(!resp.wipe || keep_unsent);
    if advanced && !st.storage.announces_feed() {
        let seq = st.storage.last_seq(&ctx.tenant).await?;
        // Nobody listening is fine.
        let _ = st.feed.send((ctx.tenant.clone(), seq));
    }
    Ok(Json(resp))
}

async fn events(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = std::result::Result<Event, Infallible>>>> {
    let ctx = auth::authenticate(&st.storage, bearer(&headers)).await?;
    let token_hash = bearer(&headers)
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(|t| auth::token_hash(t.trim()))
        .unwrap_or_default();
    let header = bearer(&headers).map(str::to_string);
    let current = st.storage.last_seq(&ctx.tenant).await?;
    let (tx, rx) = tokio::sync::mpsc::channel::<Event>(16);
    let mut feed = st.feed.subscribe();
    let mut ended = st.ended.subscribe();
    let storage = st.storage.clone();
    // The stream ends when the listener leaves, or when its session ends (sign-out, a new
    // password, deactivation, revocation): then the device's next request learns why.
    tokio::spawn(async move {
        let mut recheck = tokio::time::interval(RECHECK_STREAM);
        recheck.tick().await;
        if tx.send(feed_event(current)).await.is_err() {
            return;
        }
        loop {
            let event = tokio::select! {
                _ = tx.closed() => return,
                msg = feed.recv() => match msg {
                    Ok((tenant, seq)) if tenant == ctx.tenant => feed_event(seq),
                    Ok(_) => continue,
                    // A lagging listener only needs to know that the feed moved.
                    Err(broadcast::error::RecvError::Lagged(_)) => feed_event(0),
                    Err(broadcast::error::RecvError::Closed) => return,
                },
                gone = ended.recv() => match gone {
                    Ok(e) if e.concerns(&ctx, &token_hash) => return,
                    _ => continue,
                },
                _ = recheck.tick() => {
                    if auth::authenticate(&storage, header.as_deref()).await.is_err() {
                        return;
                    }
                    continue;
                }
            };
            if tx.send(event).await.is_err() {
                return;
            }
        }
    });
    let stream = tokio_stream::wrappers::ReceiverStream::new(rx).map(Ok);
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

fn feed_event(seq: u64) -> Event {
    Event::default()
        .event("feed")
        .data(serde_json::to_string(&FeedAdvanced { seq }).unwrap_or_default())
}

/// Store a blob whose bytes hash to its name and are the image type it claims to be; false
/// when it was already there.
async fn verify_and_store(
    st: &AppState,
    tenant: &str,
    hash: &str,
    content_type: &str,
    bytes: &[u8],
) -> Result<bool> {
    fieldops_domain::blob::check_blob(bytes, content_type).map_err(|e| ServerError::Refused {
        code: ErrorCode::InvalidBlob,
        message: e.to_string(),
    })?;
    if fieldops_domain::blob::sha256_hex(bytes) != hash {
        return Err(ServerError::Refused {
            code: ErrorCode::HashMismatch,
            message: "the body does not hash to the name it was sent under".into(),
        });
    }
    st.storage.put_blob(tenant, hash, content_type, bytes).await
}

/// `PUT /v1/blobs/{sha256}`: idempotent; the body must hash to the name and be the image type
/// it claims to be.
async fn put_blob(
    State(st): State<Arc<AppState>>,
    axum::extract::Path(hash): axum::extract::Path<String>,
    headers: HeaderMap,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<(axum::http::StatusCode, Json<serde_json::Value>)> {
    let ctx = auth::authenticate_uploader(&st.storage, bearer(&headers)).await?;
    checked_hash(&hash)?;
    let content_type = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = body.map_err(|_| ServerError::TooLarge(MAX_BODY_BYTES))?;
    let created = verify_and_store(&st, &ctx.tenant, &hash, &content_type, &bytes).await?;
    let status = if created {
        axum::http::StatusCode::CREATED
    } else {
        axum::http::StatusCode::OK
    };
    Ok((
        status,
        Json(serde_json::json!({"hash": hash, "created": created})),
    ))
}

fn checked_hash(hash: &str) -> Result<()> {
    fieldops_domain::blob::check_hash(hash).map_err(|e| ServerError::Refused {
        code: ErrorCode::InvalidHash,
        message: e.to_string(),
    })
}

/// `GET /v1/blobs/{sha256}/upload`: where this device's resumable upload of the blob stands.
async fn upload_state(
    State(st): State<Arc<AppState>>,
    axum::extract::Path(hash): axum::extract::Path<String>,
    headers: HeaderMap,
) -> Result<Json<UploadState>> {
    let ctx = auth::authenticate_uploader(&st.storage, bearer(&headers)).await?;
    checked_hash(&hash)?;
    if let Some(done) = stored_upload(&st, &ctx.tenant, &hash).await? {
        return Ok(Json(done));
    }
    let received = st
        .storage
        .upload_received(&ctx.tenant, &hash, &ctx.device_id)
        .await?;
    Ok(Json(UploadState {
        received,
        complete: false,
    }))
}

/// A complete upload, when the server already stores the blob.
async fn stored_upload(st: &AppState, tenant: &str, hash: &str) -> Result<Option<UploadState>> {
    Ok(st
        .storage
        .blob_size(tenant, hash)
        .await?
        .map(|received| UploadState {
            received,
            complete: true,
        }))
}

#[derive(serde::Deserialize)]
struct ChunkQuery {
    offset: u64,
}

/// `PUT /v1/blobs/{sha256}/upload?offset=N`: one chunk of a resumable upload, with the whole
/// blob's size in `X-Blob-Length` and its type in `Content-Type`. A chunk must start where
/// the received bytes end (409 otherwise: ask `GET …/upload` and go on from there). With the
/// last chunk the blob is checked (hash, size, type) and stored, as a whole `PUT` would.
async fn put_blob_chunk(
    State(st): State<Arc<AppState>>,
    axum::extract::Path(hash): axum::extract::Path<String>,
    query: std::result::Result<
        axum::extract::Query<ChunkQuery>,
        axum::extract::rejection::QueryRejection,
    >,
    headers: HeaderMap,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<Json<UploadState>> {
    let ctx = auth::authenticate_uploader(&st.storage, bearer(&headers)).await?;
    checked_hash(&hash)?;
    let offset = query
        .map_err(|_| ServerError::BadRequest("give the chunk's ?offset= in bytes".into()))?
        .offset;
    let total: u64 = headers
        .get("x-blob-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .filter(|n| (1..=fieldops_domain::blob::MAX_BLOB_BYTES as u64).contains(n))
        .ok_or_else(|| ServerError::Refused {
            code: ErrorCode::InvalidBlob,
            message: format!(
                "X-Blob-Length must give the blob's size, 1 to {} bytes",
                fieldops_domain::blob::MAX_BLOB_BYTES
            ),
        })?;
    let content_type = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = body.map_err(|_| ServerError::TooLarge(MAX_BODY_BYTES))?;
    if bytes.is_empty() || offset + bytes.len() as u64 > total {
        return Err(ServerError::BadRequest(format!(
            "a chunk holds 1 or more bytes and ends within the blob's {total} bytes"
        )));
    }
    // Already here (another device, or a lost response): nothing more to send.
    if let Some(done) = stored_upload(&st, &ctx.tenant, &hash).await? {
        return Ok(Json(done));
    }
    let received = st
        .storage
        .append_upload(&UploadChunk {
            tenant: &ctx.tenant,
            hash: &hash,
            device_id: &ctx.device_id,
            content_type: &content_type,
            total,
            offset,
            bytes: &bytes,
        })
        .await?;
    if received < total {
        return Ok(Json(UploadState {
            received,
            complete: false,
        }));
    }
    let (content_type, whole) = st
        .storage
        .take_upload(&ctx.tenant, &hash, &ctx.device_id)
        .await?
        .ok_or_else(|| out_of_order(0))?;
    verify_and_store(&st, &ctx.tenant, &hash, &content_type, &whole).await?;
    Ok(Json(UploadState {
        received,
        complete: true,
    }))
}

/// `GET /v1/blobs/{sha256}`: only to callers whose scope includes a document that references
/// the blob; anyone else gets the same 404 as for a blob that does not exist.
async fn get_blob(
    State(st): State<Arc<AppState>>,
    axum::extract::Path(hash): axum::extract::Path<String>,
    headers: HeaderMap,
) -> Result<axum::response::Response> {
    let ctx = auth::authenticate(&st.storage, bearer(&headers)).await?;
    checked_hash(&hash)?;
    let not_found = || ServerError::NotFound(format!("blob {hash}"));
    let mut allowed = false;
    for (doc, doc_type) in st.storage.blob_referrers(&ctx.tenant, &hash).await? {
        if crate::sync::sees(&st.storage, &ctx, &doc, &doc_type).await? {
            allowed = true;
            break;
        }
    }
    if !allowed {
        return Err(not_found());
    }
    let (content_type, bytes) = st
        .storage
        .get_blob(&ctx.tenant, &hash)
        .await?
        .ok_or_else(not_found)?;
    Ok(([(axum::http::header::CONTENT_TYPE, content_type)], bytes).into_response())
}
