//! The first administrator of a new server. `serve` on a database without any account
//! prints a one-time link (`/setup#<token>`, the token in the fragment so it never reaches a
//! log); whoever opens it names the company and the administrator once. No default password
//! exists anywhere.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::response::Html;
use fieldops_domain::audit::AuditKind;
use fieldops_domain::model::Role;
use fieldops_domain::people::{NewPerson, SetupRequest};
use fieldops_domain::{DomainError, ErrorCode, Field, Problem};
use rand::RngCore;

use crate::auth::token_hash;
use crate::error::{Result, ServerError};
use crate::http::{AppState, parse_body};
use crate::storage::{AuditRecord, DynStorage, Sql, now_ms};

async fn has_accounts(storage: &DynStorage) -> Result<bool> {
    let rows = storage
        .sql_query("SELECT COUNT(*) FROM users", Vec::new())
        .await?;
    Ok(rows.first().and_then(|r| r[0].as_int()).unwrap_or(0) > 0)
}

/// A fresh one-time token when the server has no account yet (earlier unused ones stop
/// working); None otherwise.
pub async fn prepare(storage: &DynStorage) -> Result<Option<String>> {
    if has_accounts(storage).await? {
        return Ok(None);
    }
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    storage
        .sql_write(vec![
            (
                "DELETE FROM setup_links WHERE used_at IS NULL".into(),
                Vec::new(),
            ),
            (
                "INSERT INTO setup_links(hash, created_at) VALUES ($1, $2)".into(),
                vec![Sql::text(token_hash(&token)), Sql::int(now_ms())],
            ),
        ])
        .await?;
    Ok(Some(token))
}

fn link_invalid() -> ServerError {
    ServerError::Refused {
        code: ErrorCode::SetupLinkInvalid,
        message: "this setup link was used already or belongs to another start of the server"
            .into(),
    }
}

/// A company's id as people type it at sign-in: 1–40 of a–z, 0–9, `-`, `_`, `.`.
fn check_tenant(tenant: &str) -> Result<(), DomainError> {
    if tenant.is_empty() {
        return Err(DomainError::bad_field(Field::Company, Problem::Required));
    }
    if tenant.len() > 40 {
        return Err(DomainError::bad_field(
            Field::Company,
            Problem::TooLong { max: 40 },
        ));
    }
    if !tenant
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c))
    {
        return Err(DomainError::bad_field(
            Field::Company,
            Problem::ControlCharacters,
        ));
    }
    Ok(())
}

/// `POST /v1/setup`: the company and its first administrator, once.
pub async fn complete(
    State(st): State<Arc<AppState>>,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<Json<serde_json::Value>> {
    let req: SetupRequest = parse_body(body)?;
    if req.token.len() != 64 || has_accounts(&st.storage).await? {
        return Err(link_invalid());
    }
    let tenant = req.tenant.trim().to_string();
    check_tenant(&tenant)?;
    let person = NewPerson {
        login: req.login.trim().to_string(),
        name: req.name.trim().to_string(),
        role: Role::Admin,
        password: req.password.clone(),
    };
    person.check()?;
    // Spend the token first: of two people racing with the same link, one wins.
    if !storage_use_token(&st.storage, &req.token).await? {
        return Err(link_invalid());
    }
    st.storage.ensure_tenant(&tenant).await?;
    crate::sync::ensure_settings(&st.storage, &tenant).await?;
    let info = crate::accounts::create_person(&st.storage, &tenant, &person).await?;
    crate::audit::record(
        &st.storage,
        AuditRecord {
            tenant: tenant.clone(),
            kind: AuditKind::SetupCompleted,
            user_id: Some(info.id.clone()),
            login: Some(info.login.clone()),
            device_id: None,
            address: None,
            code: None,
            subject: Some(info.id.clone()),
            detail: format!("{} ({}) as admin", info.name, info.login),
        },
    )
    .await;
    Ok(Json(
        serde_json::json!({"tenant": tenant, "login": info.login}),
    ))
}

async fn storage_use_token(storage: &DynStorage, token: &str) -> Result<bool> {
    let changed = storage
        .sql_write(vec![(
            "UPDATE setup_links SET used_at = $1 WHERE hash = $2 AND used_at IS NULL".into(),
            vec![Sql::int(now_ms()), Sql::text(token_hash(token))],
        )])
        .await?;
    Ok(changed.first().copied() == Some(1))
}

/// `GET /setup`: the form, in Chinese and English; it reads the token from the fragment.
pub async fn page() -> Html<&'static str> {
    Html(include_str!("setup.html"))
}
