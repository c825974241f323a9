//! The portal's HTTP surface: the page and its two files, the customer's JSON API (a token in
//! the `X-Portal-Token` header, or `?token=` for the live stream, which a browser's
//! `EventSource` cannot give headers), and the supervisors' link administration.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use fieldops_domain::audit::AuditKind;
use fieldops_domain::model::DocType;
use fieldops_domain::portal::{
    Entry, LinkKind, LinksRequest, MAX_LINKS, MAX_PHOTO_BYTES, MAX_PORTAL_BODY, PortalLink,
    RatingInput, RequestInput, RequestMade, RevokeLink, Tracking, link_url,
};
use fieldops_domain::{DomainError, ErrorCode, Refusal};
use futures_util::Stream;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use tokio::sync::broadcast;
use tokio_stream::StreamExt;

use super::limits::{self, Limit};
use super::tokens::{self, Link};
use crate::auth;
use crate::error::{Result, ServerError};
use crate::http::{AppState, bearer};
use crate::storage::AuditRecord;

const PAGE: &str = include_str!("page/index.html");
const SCRIPT: &str = include_str!("page/portal.js");
const STYLE: &str = include_str!("page/portal.css");

/// The page loads only its own script and style, talks only to this server, and is never
/// framed; photos show from `blob:` URLs made in the page.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

type Body = std::result::Result<Bytes, BytesRejection>;
type Peer = Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/portal", get(|| async { Redirect::permanent("/portal/") }))
        .route("/portal/", get(page))
        .route("/portal/portal.js", get(script))
        .route("/portal/portal.css", get(style))
        .route("/portal/api/entry", get(entry))
        .route("/portal/api/photos", post(photo))
        .route("/portal/api/requests", post(request))
        .route("/portal/api/track", get(track))
        .route("/portal/api/track/rating", post(rate))
        .route("/portal/api/track/events", get(track_events))
        .route("/v1/admin/portal/links", post(links))
        .route("/v1/admin/portal/revoke", post(revoke))
        // No portal body is larger than a photo: a bigger one is cut off before it is read
        // (a photo reads its own body, `read_photo`).
        .layer(axum::extract::DefaultBodyLimit::max(MAX_PHOTO_BYTES + 1024))
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(CSP),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response()
}

async fn page() -> Response {
    asset("text/html; charset=utf-8", PAGE)
}

async fn script() -> Response {
    asset("text/javascript; charset=utf-8", SCRIPT)
}

async fn style() -> Response {
    asset("text/css; charset=utf-8", STYLE)
}

/// The customer's address for the limits: the connection's, or behind a trusted reverse
/// proxy the last address it put in `X-Forwarded-For` (the one it saw the request come from).
fn address(peer: &Peer, headers: &HeaderMap) -> String {
    if super::trusts_forwarded_for()
        && let Some(ip) = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|a| a.trim().parse::<std::net::IpAddr>().ok())
            .next_back()
    {
        return ip.to_string();
    }
    peer.as_ref()
        .map_or_else(|| "unknown".to_string(), |p| p.0.0.ip().to_string())
}

/// The link a token opens. Every call counts against its address; an unknown or revoked token
/// counts against the address's few allowed failures, after which the address waits.
async fn open(
    st: &AppState,
    peer: &Peer,
    headers: &HeaderMap,
    token: Option<&str>,
) -> Result<(Link, String)> {
    let from = address(peer, headers);
    if let Some(wait) = st
        .portal_limits
        .exhausted(limits::BAD_TOKENS_PER_ADDRESS, &from)
    {
        return Err(ServerError::TooManyAttempts(
            wait.max(Duration::from_secs(1)),
        ));
    }
    st.portal_limits.take(limits::CALLS_PER_ADDRESS, &from)?;
    let token = token.unwrap_or("").trim();
    match tokens::resolve(&st.storage, token).await? {
        Some(link) => {
            let hash = tokens::hash(token);
            st.portal_limits.take(limits::CALLS_PER_TOKEN, &hash)?;
            Ok((link, hash))
        }
        None => {
            st.portal_limits
                .take(limits::BAD_TOKENS_PER_ADDRESS, &from)
                .ok();
            Err(super::link_not_valid())
        }
    }
}

fn header_token(headers: &HeaderMap) -> Option<&str> {
    headers.get("x-portal-token").and_then(|v| v.to_str().ok())
}

fn take(st: &AppState, limit: Limit, key: &str) -> Result<()> {
    st.portal_limits.take(limit, key)
}

fn json_body<T: DeserializeOwned>(body: Body) -> Result<T> {
    let bytes = body.map_err(|_| ServerError::TooLarge(MAX_PORTAL_BODY))?;
    if bytes.len() > MAX_PORTAL_BODY {
        return Err(ServerError::TooLarge(MAX_PORTAL_BODY));
    }
    serde_json::from_slice(&bytes)
        .map_err(|e| ServerError::BadRequest(format!("malformed request body: {e}")))
}

/// Devices and open tracking pages hear that the company's feed moved on.
async fn announce(st: &AppState, tenant: &str) {
    if st.storage.announces_feed() {
        return;
    }
    if let Ok(seq) = st.storage.last_seq(tenant).await {
        let _ = st.feed.send((tenant.to_string(), seq));
    }
}

/// `GET /portal/api/entry`: the form of a machine's label or a customer's link.
async fn entry(
    State(st): State<Arc<AppState>>,
    peer: Peer,
    headers: HeaderMap,
) -> Result<Json<Entry>> {
    let (link, _) = open(&st, &peer, &headers, header_token(&headers)).await?;
    Ok(Json(super::entry(&st.storage, &link).await?))
}

/// `POST /portal/api/photos`: one JPEG the page resized, checked as a device's photos are;
/// answers its hash for the request to name.
async fn photo(
    State(st): State<Arc<AppState>>,
    peer: Peer,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Result<Json<serde_json::Value>> {
    let bytes = read_photo(body).await;
    let (link, token_hash) = open(&st, &peer, &headers, header_token(&headers)).await?;
    super::require(&link, &[LinkKind::Machine, LinkKind::Customer])?;
    take(&st, limits::PHOTOS_PER_ADDRESS, &address(&peer, &headers))?;
    take(&st, limits::PHOTOS_PER_TOKEN, &token_hash)?;
    let bytes = bytes?;
    fieldops_domain::blob::check_blob(&bytes, "image/jpeg").map_err(|e| ServerError::Refused {
        code: ErrorCode::InvalidBlob,
        message: e.to_string(),
    })?;
    let hash = fieldops_domain::blob::sha256_hex(&bytes);
    st.storage
        .put_blob(&link.tenant, &hash, "image/jpeg", &bytes)
        .await?;
    Ok(Json(serde_json::json!({ "hash": hash })))
}

/// A photo's bytes, at most `MAX_PHOTO_BYTES`. A larger one is still read to its end, up to
/// as much again, before it is refused `too_large`: answered while the phone was still
/// sending, the connection would be cut under it and the page would see a network failure
/// instead of the answer. Past that, reading stops and the connection is cut.
async fn read_photo(body: axum::body::Body) -> Result<Bytes> {
    let mut stream = body.into_data_stream();
    let mut bytes = Vec::new();
    let mut seen = 0usize;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| ServerError::BadRequest("the photo was cut off".into()))?;
        seen = seen.saturating_add(chunk.len());
        if seen > 2 * MAX_PHOTO_BYTES {
            break;
        }
        if seen <= MAX_PHOTO_BYTES {
            bytes.extend_from_slice(&chunk);
        }
    }
    if seen > MAX_PHOTO_BYTES {
        return Err(ServerError::TooLarge(MAX_PHOTO_BYTES));
    }
    Ok(Bytes::from(bytes))
}

/// `POST /portal/api/requests`: the customer's request becomes an order.
async fn request(
    State(st): State<Arc<AppState>>,
    peer: Peer,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<RequestMade>> {
    let (link, token_hash) = open(&st, &peer, &headers, header_token(&headers)).await?;
    take(&st, limits::REQUESTS_PER_ADDRESS, &address(&peer, &headers))?;
    take(&st, limits::REQUESTS_PER_TOKEN, &token_hash)?;
    let input: RequestInput = json_body(body)?;
    let made = super::make_request(&st.storage, &link, &input).await?;
    announce(&st, &link.tenant).await;
    st.notifier.wake.notify_one();
    tracing::info!(tenant = %link.tenant, via = link.kind.as_str(), "portal request made");
    Ok(Json(made))
}

/// `GET /portal/api/track`: where the order stands.
async fn track(
    State(st): State<Arc<AppState>>,
    peer: Peer,
    headers: HeaderMap,
) -> Result<Json<Tracking>> {
    let (link, _) = open(&st, &peer, &headers, header_token(&headers)).await?;
    Ok(Json(super::tracking(&st.storage, &link).await?))
}

/// `POST /portal/api/track/rating`: the customer's rating, once, after completion.
async fn rate(
    State(st): State<Arc<AppState>>,
    peer: Peer,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Tracking>> {
    let (link, token_hash) = open(&st, &peer, &headers, header_token(&headers)).await?;
    take(&st, limits::RATINGS_PER_TOKEN, &token_hash)?;
    let rating: RatingInput = json_body(body)?;
    let view = super::rate(&st.storage, &link, &rating).await?;
    announce(&st, &link.tenant).await;
    Ok(Json(view))
}

#[derive(Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

/// How often a live tracking stream looks at its order when the company's feed moves.
const LOOK_AT_MOST_EVERY: Duration = Duration::from_millis(500);

/// `GET /portal/api/track/events?token=…`: a `changed` event whenever the order changes.
async fn track_events(
    State(st): State<Arc<AppState>>,
    peer: Peer,
    headers: HeaderMap,
    query: std::result::Result<Query<TokenQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Sse<impl Stream<Item = std::result::Result<Event, Infallible>>>> {
    let token = query.ok().and_then(|q| q.0.token);
    let (link, token_hash) = open(&st, &peer, &headers, token.as_deref()).await?;
    super::require(&link, &[LinkKind::Track])?;
    let slot = st
        .portal_limits
        .open_stream(&token_hash, &address(&peer, &headers))?;
    let storage = st.storage.clone();
    let heads_of = |storage: crate::storage::DynStorage, link: Link| async move {
        storage
            .load_doc(&link.tenant, &link.target)
            .await
            .ok()
            .flatten()
            .map(|d| d.heads)
    };
    let mut last = heads_of(storage.clone(), link.clone()).await;
    let mut feed = st.feed.subscribe();
    let (tx, rx) = tokio::sync::mpsc::channel::<Event>(4);
    tokio::spawn(async move {
        // Counted as open until this task ends.
        let _slot = slot;
        loop {
            let moved = tokio::select! {
                _ = tx.closed() => return,
                msg = feed.recv() => match msg {
                    Ok((tenant, _)) => tenant == link.tenant,
                    Err(broadcast::error::RecvError::Lagged(_)) => true,
                    Err(broadcast::error::RecvError::Closed) => return,
                },
            };
            if !moved {
                continue;
            }
            tokio::time::sleep(LOOK_AT_MOST_EVERY).await;
            // Everything announced while waiting is covered by the one look below.
            while feed.try_recv().is_ok() {}
            let now = heads_of(storage.clone(), link.clone()).await;
            if now != last {
                last = now;
                if tx
                    .send(Event::default().event("changed").data("{}"))
                    .await
                    .is_err()
                {
                    return;
                }
            }
        }
    });
    let stream = tokio_stream::wrappers::ReceiverStream::new(rx).map(Ok);
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

async fn manager(st: &AppState, headers: &HeaderMap) -> Result<crate::storage::AuthContext> {
    let ctx = auth::authenticate(&st.storage, bearer(headers)).await?;
    if !ctx.role.manages() {
        return Err(ServerError::Domain(DomainError::Forbidden(
            "only supervisors and admins manage portal links".into(),
        )));
    }
    Ok(ctx)
}

fn target_type(kind: LinkKind) -> Result<DocType> {
    match kind {
        LinkKind::Machine => Ok(DocType::Equipment),
        LinkKind::Customer => Ok(DocType::Customer),
        LinkKind::Track => Err(ServerError::BadRequest(
            "tracking links come with their request".into(),
        )),
    }
}

/// `POST /v1/admin/portal/links`: the portal address of each machine or customer named, new
/// ones (old labels stop working) when `reissue`.
async fn links(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Vec<PortalLink>>> {
    let ctx = manager(&st, &headers).await?;
    let ask: LinksRequest = crate::http::parse_body(body)?;
    let doc_type = target_type(ask.kind)?;
    if ask.targets.len() > MAX_LINKS {
        return Err(ServerError::Domain(DomainError::Refused(
            Refusal::TooManyLines {
                max: MAX_LINKS as u32,
            },
        )));
    }
    let mut out = Vec::new();
    for target in &ask.targets {
        let known = st
            .storage
            .load_doc(&ctx.tenant, target)
            .await?
            .is_some_and(|d| d.doc_type == doc_type.as_str());
        if !known {
            // Not on the server yet (made offline and not synced) or gone.
            return Err(ServerError::Domain(DomainError::Refused(
                Refusal::Unknown {
                    thing: match ask.kind {
                        LinkKind::Customer => fieldops_domain::Thing::Customer,
                        _ => fieldops_domain::Thing::Equipment,
                    },
                },
            )));
        }
        let token = if ask.reissue {
            let t = tokens::reissue(&st.storage, &ctx.tenant, ask.kind, target).await?;
            crate::audit::record(
                &st.storage,
                AuditRecord {
                    subject: Some(target.clone()),
                    detail: format!("{} link issued again", ask.kind.as_str()),
                    ..AuditRecord::by(&ctx, AuditKind::PortalLinkChanged)
                },
            )
            .await;
            t
        } else {
            tokens::current(&st.storage, &ctx.tenant, ask.kind, target).await?
        };
        out.push(PortalLink {
            target: target.clone(),
            url: link_url(super::public_url(), ask.kind, &token),
        });
    }
    Ok(Json(out))
}

/// `POST /v1/admin/portal/revoke`: the machine's or customer's link stops working.
async fn revoke(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<serde_json::Value>> {
    let ctx = manager(&st, &headers).await?;
    let ask: RevokeLink = crate::http::parse_body(body)?;
    target_type(ask.kind)?;
    let revoked = tokens::revoke(&st.storage, &ctx.tenant, ask.kind, &ask.target).await?;
    crate::audit::record(
        &st.storage,
        AuditRecord {
            subject: Some(ask.target.clone()),
            detail: format!("{} link revoked", ask.kind.as_str()),
            ..AuditRecord::by(&ctx, AuditKind::PortalLinkChanged)
        },
    )
    .await;
    Ok(Json(serde_json::json!({ "revoked": revoked })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behind_a_trusted_proxy_the_last_forwarded_address_counts() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("203.0.113.9, not-an-address, 198.51.100.7"),
        );
        assert_eq!(address(&None, &headers), "unknown");
        super::super::set_trust_forwarded_for(true);
        assert_eq!(address(&None, &headers), "198.51.100.7");
        assert_eq!(address(&None, &HeaderMap::new()), "unknown");
    }
}
