//! The HTTP surface of notifications: a person's own notification centre
//! (`/v1/notifications`), and the administrator's channels, test messages, delivery list and
//! "check alerts now" (`/v1/admin/notify/…`).

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use fieldops_domain::audit::AuditKind;
use fieldops_domain::notify::{
    Channel, ChannelView, Inbox, MarkRead, OutboxEntry, OutboxQuery, ScanAnswer, TestMessage,
    check_contact, is_email,
};
use fieldops_domain::{DomainError, Field, Problem, Refusal};
use serde::Deserialize;

use super::outbox::{self, NewMessage};
use crate::accounts::require_admin;
use crate::auth;
use crate::error::{Result, ServerError};
use crate::http::{AppState, bearer, parse_body};
use crate::storage::{AuditRecord, AuthContext, now_ms};

type Body = std::result::Result<Bytes, BytesRejection>;

async fn admin(st: &AppState, headers: &HeaderMap) -> Result<AuthContext> {
    let ctx = auth::authenticate(&st.storage, bearer(headers)).await?;
    require_admin(&ctx)?;
    Ok(ctx)
}

pub async fn inbox(State(st): State<Arc<AppState>>, headers: HeaderMap) -> Result<Json<Inbox>> {
    let ctx = auth::authenticate(&st.storage, bearer(&headers)).await?;
    Ok(Json(
        outbox::inbox(&st.storage, &ctx.tenant, &ctx.user_id).await?,
    ))
}

pub async fn mark_read(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Inbox>> {
    let ctx = auth::authenticate(&st.storage, bearer(&headers)).await?;
    let marks: MarkRead = parse_body(body)?;
    outbox::mark_read(&st.storage, &ctx.tenant, &ctx.user_id, &marks.keys).await?;
    Ok(Json(
        outbox::inbox(&st.storage, &ctx.tenant, &ctx.user_id).await?,
    ))
}

async fn views(st: &AppState, tenant: &str) -> Result<Vec<ChannelView>> {
    let mut setups: Vec<_> = outbox::channel_setups(&st.storage, tenant)
        .await?
        .into_values()
        .collect();
    setups.sort_by_key(|s| s.channel());
    Ok(setups.iter().map(|s| s.view()).collect())
}

pub async fn channels(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Json<Vec<ChannelView>>> {
    let ctx = admin(&st, &headers).await?;
    Ok(Json(views(&st, &ctx.tenant).await?))
}

pub async fn save_channel(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Vec<ChannelView>>> {
    let ctx = admin(&st, &headers).await?;
    let setup: fieldops_domain::notify::ChannelSetup = parse_body(body)?;
    let audit = AuditRecord {
        subject: Some(setup.channel().name().to_string()),
        detail: format!("{} channel set up", setup.channel().name()),
        ..AuditRecord::by(&ctx, AuditKind::ChannelChanged)
    };
    outbox::save_setup(&st.storage, &ctx.tenant, setup, audit).await?;
    Ok(Json(views(&st, &ctx.tenant).await?))
}

fn channel_in_path(name: &str) -> Result<Channel> {
    Channel::parse(name)
        .filter(|c| *c != Channel::App)
        .ok_or_else(|| ServerError::NotFound(format!("no channel '{name}'")))
}

pub async fn remove_channel(
    State(st): State<Arc<AppState>>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Vec<ChannelView>>> {
    let ctx = admin(&st, &headers).await?;
    let channel = channel_in_path(&name)?;
    let audit = AuditRecord {
        subject: Some(channel.name().to_string()),
        detail: format!("{} channel removed", channel.name()),
        ..AuditRecord::by(&ctx, AuditKind::ChannelChanged)
    };
    outbox::remove_setup(&st.storage, &ctx.tenant, channel, audit).await?;
    Ok(Json(views(&st, &ctx.tenant).await?))
}

/// Queue a test message through one channel and wake the worker; the answer is the message
/// as queued (its state follows in the delivery list).
pub async fn send_test(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<OutboxEntry>> {
    let ctx = admin(&st, &headers).await?;
    let test: TestMessage = parse_body(body)?;
    let setups = outbox::channel_setups(&st.storage, &ctx.tenant).await?;
    if test.channel == Channel::App || !setups.contains_key(&test.channel) {
        return Err(DomainError::Refused(Refusal::ChannelNotSetUp {
            channel: test.channel,
        })
        .into());
    }
    let to = test.to.trim().to_string();
    let address = match test.channel {
        Channel::Email if !is_email(&to) => {
            return Err(DomainError::bad_field(Field::Email, Problem::Malformed).into());
        }
        Channel::Sms if to.is_empty() => {
            return Err(DomainError::bad_field(Field::Phone, Problem::Required).into());
        }
        Channel::Sms => check_contact("", &to)?.1,
        Channel::Email => to,
        _ => String::new(),
    };
    let contacts = crate::accounts::contacts(&st.storage, &ctx.tenant).await?;
    let lang = contacts
        .iter()
        .find(|(id, _)| *id == ctx.user_id)
        .map(|(_, c)| c.language)
        .unwrap_or_default();
    let key = format!("test:{}", uuid::Uuid::now_v7());
    let message = NewMessage {
        key: key.clone(),
        channel: test.channel,
        recipient: format!("test:{}", ctx.user_id),
        recipient_name: ctx.login.clone(),
        address,
        mentions: Vec::new(),
        message: fieldops_domain::notify::test_message(test.channel, lang),
    };
    outbox::insert(&st.storage, &ctx.tenant, &[message], now_ms()).await?;
    st.notifier.wake.notify_one();
    Ok(Json(outbox::one(&st.storage, &ctx.tenant, &key).await?))
}

pub async fn list(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    query: std::result::Result<Query<OutboxQuery>, QueryRejection>,
) -> Result<Json<Vec<OutboxEntry>>> {
    let ctx = admin(&st, &headers).await?;
    let Query(query) = query.map_err(|e| ServerError::BadRequest(e.body_text()))?;
    Ok(Json(outbox::list(&st.storage, &ctx.tenant, &query).await?))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScanRequest {
    /// Only on a server started with `--test-clock`: decide as if it were this moment (ms).
    pub at: Option<i64>,
}

/// Check the company's alerts now (the scan also runs on its own every few minutes).
pub async fn scan(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<ScanAnswer>> {
    let ctx = admin(&st, &headers).await?;
    let request: ScanRequest = match body {
        Ok(b) if b.is_empty() => ScanRequest::default(),
        other => parse_body(other)?,
    };
    let now = match request.at {
        Some(at) if st.notifier.options.test_clock => at,
        Some(_) => {
            return Err(ServerError::BadRequest(
                "this server decides at its own clock".into(),
            ));
        }
        None => now_ms(),
    };
    let queued = super::scan_tenant(&st.storage, &st.notifier, &ctx.tenant, now).await?;
    if queued > 0 {
        st.notifier.wake.notify_one();
    }
    Ok(Json(ScanAnswer {
        queued: i64::try_from(queued).unwrap_or(i64::MAX),
    }))
}
