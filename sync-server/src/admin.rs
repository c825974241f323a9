//! `/v1/admin/…`: people, devices and the audit log, for administrators only. The rules are
//! in `accounts` and `audit`; here the HTTP shapes and the sessions that end at once.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use fieldops_domain::audit::{AuditEntry, AuditQuery};
use fieldops_domain::people::{
    Contact, DeviceRevoke, NewPerson, PasswordReset, PersonChange, PersonView,
};
use fieldops_domain::protocol::UserInfo;

use crate::accounts::{self, require_admin};
use crate::auth;
use crate::error::{Result, ServerError};
use crate::http::{AppState, Ended, bearer, parse_body};
use crate::storage::AuthContext;

type Body = std::result::Result<Bytes, BytesRejection>;

pub(crate) async fn admin(st: &AppState, headers: &HeaderMap) -> Result<AuthContext> {
    let ctx = auth::authenticate(&st.storage, bearer(headers)).await?;
    require_admin(&ctx)?;
    Ok(ctx)
}

/// Devices hold the directory: wake them so they fetch the new one.
pub(crate) async fn directory_changed(st: &AppState, tenant: &str) {
    if let Ok(seq) = st.storage.last_seq(tenant).await {
        let _ = st.feed.send((tenant.to_string(), seq));
    }
}

pub async fn people(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Json<Vec<PersonView>>> {
    let ctx = admin(&st, &headers).await?;
    Ok(Json(accounts::people(&st.storage, &ctx.tenant).await?))
}

pub async fn add_person(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<UserInfo>> {
    let ctx = admin(&st, &headers).await?;
    let new: NewPerson = parse_body(body)?;
    let info = accounts::add_person(&st.storage, &ctx, &new).await?;
    directory_changed(&st, &ctx.tenant).await;
    Ok(Json(info))
}

pub async fn change_person(
    State(st): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<UserInfo>> {
    let ctx = admin(&st, &headers).await?;
    let change: PersonChange = parse_body(body)?;
    let info = accounts::change_person(&st.storage, &ctx, &id, &change).await?;
    if !info.active {
        st.end(Ended::Person(id));
    }
    directory_changed(&st, &ctx.tenant).await;
    Ok(Json(info))
}

pub async fn set_contact(
    State(st): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Contact>> {
    let ctx = admin(&st, &headers).await?;
    let contact: Contact = parse_body(body)?;
    Ok(Json(
        accounts::set_contact(&st.storage, &ctx, &id, &contact).await?,
    ))
}

pub async fn reset_password(
    State(st): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<serde_json::Value>> {
    let ctx = admin(&st, &headers).await?;
    let reset: PasswordReset = parse_body(body)?;
    accounts::reset_password(&st.storage, &ctx, &id, &reset.password).await?;
    st.end(Ended::Person(id));
    Ok(Json(serde_json::json!({"status": "password_reset"})))
}

pub async fn revoke_device(
    State(st): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<serde_json::Value>> {
    let ctx = admin(&st, &headers).await?;
    let revoke: DeviceRevoke = parse_body(body)?;
    accounts::revoke_device(&st.storage, &ctx, &id, revoke.keep_unsent).await?;
    st.end(Ended::Device(id));
    Ok(Json(serde_json::json!({"status": "revoked"})))
}

pub async fn audit(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    query: std::result::Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Json<Vec<AuditEntry>>> {
    let ctx = admin(&st, &headers).await?;
    let Query(query) = query.map_err(|e| ServerError::BadRequest(e.body_text()))?;
    Ok(Json(
        crate::audit::search(&st.storage, &ctx.tenant, &query).await?,
    ))
}
