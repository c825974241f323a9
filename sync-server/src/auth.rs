//! Passwords (argon2id) and opaque bearer tokens (random, stored only as SHA-256 hashes).

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use fieldops_domain::protocol::{LoginRequest, LoginResponse};
use rand::RngCore;
use sha2::{Digest, Sha256};

use std::net::IpAddr;
use std::time::Instant;

use fieldops_domain::ErrorCode;
use fieldops_domain::audit::AuditKind;

use crate::error::{Result, ServerError};
use crate::storage::{AuditRecord, AuthContext, DynStorage};
use crate::throttle::LoginThrottle;

pub const TOKEN_LIFETIME_MS: i64 = 30 * 24 * 3600 * 1000;

pub fn hash_password(password: &str) -> Result<String> {
    fieldops_domain::people::check_password(password)?;
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ServerError::Storage(format!("password hashing failed: {e}")))
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// Check a password against its hash on a blocking thread (argon2 takes tens of ms).
pub async fn verify_off_thread(password: String, hash: String) -> Result<bool> {
    tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| ServerError::Storage(e.to_string()))
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// A hash to verify against when the login does not exist, so that a wrong login and a
/// wrong password take the same time.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy-password-never-used").unwrap_or_default())
}

/// Sign in: check the password (unless the login or address must wait, see `throttle`), bind
/// the device, issue a token.
pub async fn login(
    storage: &DynStorage,
    throttle: &LoginThrottle,
    address: Option<IpAddr>,
    req: &LoginRequest,
) -> Result<LoginResponse> {
    let actor = req.device_actor.trim().to_ascii_lowercase();
    if actor.len() < 2 || actor.len() > 64 || hex::decode(&actor).is_err() {
        return Err(ServerError::BadRequest(
            "device_actor must be the device's automerge actor id in hex".into(),
        ));
    }
    if req.tenant.is_empty()
        || req.login.is_empty()
        || req.tenant.len() > 100
        || req.login.len() > 100
        || req.password.len() > 1000
    {
        return Err(ServerError::BadCredentials);
    }
    let failed = |detail: &str| AuditRecord {
        tenant: req.tenant.clone(),
        kind: AuditKind::SignInFailed,
        user_id: None,
        login: Some(req.login.chars().take(100).collect()),
        device_id: None,
        address: address.map(|a| a.to_string()),
        code: None,
        subject: None,
        detail: detail.to_string(),
    };
    if let Some(wait) = throttle.wait(&req.tenant, &req.login, address, Instant::now()) {
        if storage.tenant_exists(&req.tenant).await? {
            crate::audit::record(
                storage,
                AuditRecord {
                    code: Some(ErrorCode::TooManyAttempts),
                    ..failed("must wait")
                },
            )
            .await;
        }
        return Err(ServerError::TooManyAttempts(wait));
    }
    let user = storage.find_user(&req.tenant, &req.login).await?;
    let password = req.password.clone();
    let hash = user
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| decoy_hash().to_string());
    let ok = verify_off_thread(password, hash).await?;
    // A deactivated account gets the answer of a wrong password, after the same work.
    let user = match user {
        Some(u) if ok && u.info.active => u,
        other => {
            throttle.failed(&req.tenant, &req.login, address, Instant::now());
            let why = match other {
                None => "unknown login",
                Some(u) if !u.info.active => "deactivated",
                Some(_) => "wrong password",
            };
            // Only into a company that exists: nobody writes into the logs of a company by
            // naming it, or fills the database with invented ones.
            if storage.tenant_exists(&req.tenant).await? {
                crate::audit::record(
                    storage,
                    AuditRecord {
                        code: Some(ErrorCode::BadCredentials),
                        ..failed(why)
                    },
                )
                .await;
            }
            return Err(ServerError::BadCredentials);
        }
    };
    throttle.succeeded(&req.tenant, &req.login);
    let name = if req.device_name.trim().is_empty() {
        "device"
    } else {
        req.device_name.trim()
    };
    let device_id = storage
        .bind_device(
            &req.tenant,
            &user.info.id,
            &actor,
            &name.chars().take(100).collect::<String>(),
        )
        .await?;
    let record = AuditRecord {
        tenant: req.tenant.clone(),
        kind: AuditKind::SignIn,
        user_id: Some(user.info.id.clone()),
        login: Some(user.info.login.clone()),
        device_id: Some(device_id.clone()),
        address: address.map(|a| a.to_string()),
        code: None,
        subject: None,
        detail: format!(
            "{name} ({})",
            req.device.platform.chars().take(40).collect::<String>()
        ),
    };
    // A revoked device stays revoked: it signs in again only as a new device (after its wipe).
    if crate::accounts::revocation(storage, &device_id)
        .await?
        .is_some()
    {
        crate::audit::record(
            storage,
            AuditRecord {
                kind: AuditKind::SignInFailed,
                code: Some(ErrorCode::DeviceRevoked),
                ..record
            },
        )
        .await;
        return Err(device_revoked());
    }
    crate::accounts::device_signed_in(
        storage,
        &device_id,
        &req.device,
        address.map(|a| a.to_string()),
    )
    .await?;
    crate::audit::record(storage, record).await;
    let token = new_token();
    let expires_at = crate::storage::now_ms() + TOKEN_LIFETIME_MS;
    storage
        .create_token(&token_hash(&token), &device_id, expires_at)
        .await?;
    Ok(LoginResponse {
        token,
        tenant: req.tenant.clone(),
        user: user.info,
        device_id,
        expires_at,
    })
}

pub fn device_revoked() -> ServerError {
    ServerError::Refused {
        code: ErrorCode::DeviceRevoked,
        message: "an administrator removed this device: it deletes its local copy".into(),
    }
}

/// Resolve an `Authorization: Bearer …` header value to the caller; a revoked device is
/// refused (`device_revoked`).
pub async fn authenticate(storage: &DynStorage, header: Option<&str>) -> Result<AuthContext> {
    let ctx = authenticate_revoked_too(storage, header).await?;
    if ctx.revoked.is_some() {
        return Err(device_revoked());
    }
    Ok(ctx)
}

/// The caller of an upload: a revoked device allowed to send its unsent work may still upload
/// the photos and signatures that work references.
pub async fn authenticate_uploader(
    storage: &DynStorage,
    header: Option<&str>,
) -> Result<AuthContext> {
    let ctx = authenticate_revoked_too(storage, header).await?;
    match ctx.revoked {
        Some(r) if !r.keep_unsent => Err(device_revoked()),
        _ => Ok(ctx),
    }
}

/// The caller, revoked devices included (sync tells them to wipe; logout lets them go).
pub async fn authenticate_revoked_too(
    storage: &DynStorage,
    header: Option<&str>,
) -> Result<AuthContext> {
    let token = header
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or(ServerError::MissingToken)?;
    if token.len() > 200 {
        return Err(ServerError::InvalidToken);
    }
    let ctx = storage
        .authenticate(&token_hash(token))
        .await?
        .ok_or(ServerError::InvalidToken)?;
    if ctx.expires_at <= crate::storage::now_ms() {
        return Err(ServerError::TokenExpired);
    }
    Ok(ctx)
}
