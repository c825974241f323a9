//! Portal tokens. A machine's or customer's token is derived from the company's secret, the
//! target and a generation (HMAC-SHA256, 128 bits kept), so a label sheet printed twice
//! carries the same codes while "issue again" moves to the next generation and the old labels
//! stop working. A tracking token is derived the same way from its order. Only each token's
//! SHA-256 is stored: a request's token is hashed and looked up, so the time to answer says
//! nothing about a stored token. (The company's secret is in the same database: a copy of the
//! database can derive every token, and is to be kept like the secret it holds.)

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use fieldops_domain::portal::LinkKind;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::error::{Result, ServerError};
use crate::storage::{DynStorage, Sql, now_ms};

/// What a valid token opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub tenant: String,
    pub kind: LinkKind,
    pub target: String,
}

pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A token is 22 characters of URL-safe base64 (128 bits); anything else is not looked up.
pub fn well_formed(token: &str) -> bool {
    token.len() == 22
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

async fn stored_secret(storage: &DynStorage, tenant: &str) -> Result<Option<Vec<u8>>> {
    let rows = storage
        .sql_query(
            "SELECT secret FROM portal_secrets WHERE tenant = $1",
            vec![Sql::text(tenant)],
        )
        .await?;
    Ok(rows
        .first()
        .and_then(|r| r[0].as_text())
        .and_then(|s| hex::decode(s).ok()))
}

async fn secret(storage: &DynStorage, tenant: &str) -> Result<Vec<u8>> {
    if let Some(s) = stored_secret(storage, tenant).await? {
        return Ok(s);
    }
    let mut fresh = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut fresh);
    // The first instance to ask makes it; every later ask reads the same one.
    storage
        .sql_write(vec![(
            "INSERT INTO portal_secrets(tenant, secret) VALUES ($1, $2) ON CONFLICT (tenant) DO NOTHING"
                .into(),
            vec![Sql::text(tenant), Sql::text(hex::encode(fresh))],
        )])
        .await?;
    stored_secret(storage, tenant)
        .await?
        .ok_or_else(|| ServerError::Storage("the portal secret is missing".into()))
}

fn derive(secret: &[u8], kind: LinkKind, target: &str, generation: i64) -> Result<String> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret).map_err(|e| ServerError::Storage(e.to_string()))?;
    mac.update(format!("{}:{target}:{generation}", kind.as_str()).as_bytes());
    let digest = mac.finalize().into_bytes();
    Ok(URL_SAFE_NO_PAD.encode(&digest[..16]))
}

/// The newest generation of a target's token, and whether it was revoked.
async fn newest(
    storage: &DynStorage,
    tenant: &str,
    kind: LinkKind,
    target: &str,
) -> Result<Option<(i64, bool)>> {
    let rows = storage
        .sql_query(
            "SELECT generation, revoked_at FROM portal_tokens WHERE tenant = $1 AND kind = $2 AND target = $3 ORDER BY generation DESC LIMIT 1",
            vec![Sql::text(tenant), Sql::text(kind.as_str()), Sql::text(target)],
        )
        .await?;
    Ok(rows
        .first()
        .map(|r| (r[0].as_int().unwrap_or(0), r[1].as_int().is_some())))
}

async fn store(
    storage: &DynStorage,
    tenant: &str,
    kind: LinkKind,
    target: &str,
    generation: i64,
    token: &str,
) -> Result<()> {
    storage
        .sql_write(vec![(
            "INSERT INTO portal_tokens(hash, tenant, kind, target, generation, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING"
                .into(),
            vec![
                Sql::text(hash(token)),
                Sql::text(tenant),
                Sql::text(kind.as_str()),
                Sql::text(target),
                Sql::int(generation),
                Sql::int(now_ms()),
            ],
        )])
        .await?;
    Ok(())
}

/// The target's working token: the current one, or a new generation when there is none or it
/// was revoked.
pub async fn current(
    storage: &DynStorage,
    tenant: &str,
    kind: LinkKind,
    target: &str,
) -> Result<String> {
    let secret = secret(storage, tenant).await?;
    // A working token is only derived again (reading a page writes nothing); a new generation
    // is stored first.
    let (generation, stored) = match newest(storage, tenant, kind, target).await? {
        Some((g, false)) => (g, true),
        Some((g, true)) => (g + 1, false),
        None => (1, false),
    };
    let token = derive(&secret, kind, target, generation)?;
    if !stored {
        store(storage, tenant, kind, target, generation, &token).await?;
    }
    Ok(token)
}

/// Revoke the target's token (its labels stop working); true when there was one to revoke.
pub async fn revoke(
    storage: &DynStorage,
    tenant: &str,
    kind: LinkKind,
    target: &str,
) -> Result<bool> {
    let changed = storage
        .sql_write(vec![(
            "UPDATE portal_tokens SET revoked_at = $4 WHERE tenant = $1 AND kind = $2 AND target = $3 AND revoked_at IS NULL"
                .into(),
            vec![
                Sql::text(tenant),
                Sql::text(kind.as_str()),
                Sql::text(target),
                Sql::int(now_ms()),
            ],
        )])
        .await?;
    Ok(changed.iter().sum::<u64>() > 0)
}

/// A new token for the target; the old one stops working.
pub async fn reissue(
    storage: &DynStorage,
    tenant: &str,
    kind: LinkKind,
    target: &str,
) -> Result<String> {
    revoke(storage, tenant, kind, target).await?;
    current(storage, tenant, kind, target).await
}

/// What a token opens, if it is known and not revoked.
pub async fn resolve(storage: &DynStorage, token: &str) -> Result<Option<Link>> {
    if !well_formed(token) {
        return Ok(None);
    }
    let rows = storage
        .sql_query(
            "SELECT tenant, kind, target FROM portal_tokens WHERE hash = $1 AND revoked_at IS NULL",
            vec![Sql::text(hash(token))],
        )
        .await?;
    Ok(rows.first().and_then(|r| {
        Some(Link {
            tenant: r[0].as_text()?,
            kind: LinkKind::parse(&r[1].as_text()?)?,
            target: r[2].as_text()?,
        })
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_128_bits_of_url_safe_text_and_differ_per_generation() {
        let a = derive(b"secret", LinkKind::Machine, "m1", 1).unwrap();
        let b = derive(b"secret", LinkKind::Machine, "m1", 2).unwrap();
        let c = derive(b"secret", LinkKind::Customer, "m1", 1).unwrap();
        assert!(well_formed(&a), "{a}");
        assert_eq!(URL_SAFE_NO_PAD.decode(&a).unwrap().len(), 16);
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert_eq!(a, derive(b"secret", LinkKind::Machine, "m1", 1).unwrap());
        assert!(!well_formed("short"));
        assert!(!well_formed(&format!("{}/", &a[..21])));
    }
}
