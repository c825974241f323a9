//! People and devices: the administrator's list, adding people, roles, passwords,
//! deactivation and revoking devices; and what a device's sign-ins and syncs tell about it.
//! Plain SQL through `Storage::sql_query`/`sql_write`, the same for both databases.

use fieldops_domain::audit::AuditKind;
use fieldops_domain::model::Role;
use fieldops_domain::people::{
    Contact, DeviceView, NewPerson, PersonChange, PersonView, Revocation, check_password,
};
use fieldops_domain::protocol::{DeviceFacts, UserInfo};
use fieldops_domain::{DomainError, Refusal};

use crate::auth;
use crate::error::{Result, ServerError};
use crate::storage::{AuditRecord, AuthContext, DynStorage, Sql, UserRecord, now_ms};

/// How often a sync refreshes a device's "last seen" (every sync would write every time).
const SEEN_EVERY_MS: i64 = 60_000;

/// Only administrators manage people and devices and read the audit log.
pub fn require_admin(ctx: &AuthContext) -> Result<()> {
    if ctx.role == Role::Admin {
        Ok(())
    } else {
        Err(
            DomainError::Forbidden("only an administrator manages people and devices".into())
                .into(),
        )
    }
}

fn clip(s: &str) -> String {
    s.trim().chars().take(100).collect()
}

/// A sign-in: the device's facts and address, first and last seen.
pub async fn device_signed_in(
    storage: &DynStorage,
    device_id: &str,
    facts: &DeviceFacts,
    address: Option<String>,
) -> Result<()> {
    let now = now_ms();
    storage
        .sql_write(vec![(
            "INSERT INTO device_facts(device_id, platform, model, app_version, first_seen, last_seen, last_address)
             VALUES ($1, $2, $3, $4, $5, $5, $6)
             ON CONFLICT (device_id) DO UPDATE SET platform = excluded.platform, model = excluded.model,
               app_version = excluded.app_version, last_seen = excluded.last_seen, last_address = excluded.last_address"
                .into(),
            vec![
                Sql::text(device_id),
                Sql::text(clip(&facts.platform)),
                Sql::text(clip(&facts.model)),
                Sql::text(clip(&facts.app_version)),
                Sql::int(now),
                Sql::opt_text(address),
            ],
        )])
        .await?;
    Ok(())
}

/// A sync: refresh "last seen" at most once a minute.
pub async fn device_seen(
    storage: &DynStorage,
    device_id: &str,
    address: Option<String>,
) -> Result<()> {
    let now = now_ms();
    storage
        .sql_write(vec![(
            "UPDATE device_facts SET last_seen = $1, last_address = COALESCE($2, last_address)
             WHERE device_id = $3 AND last_seen < $4"
                .into(),
            vec![
                Sql::int(now),
                Sql::opt_text(address),
                Sql::text(device_id),
                Sql::int(now - SEEN_EVERY_MS),
            ],
        )])
        .await?;
    Ok(())
}

/// Whether the device was revoked (signing in again with its actor is refused).
pub async fn revocation(storage: &DynStorage, device_id: &str) -> Result<Option<Revocation>> {
    let rows = storage
        .sql_query(
            "SELECT at, keep_unsent FROM revoked_devices WHERE device_id = $1",
            vec![Sql::text(device_id)],
        )
        .await?;
    Ok(rows.first().map(|r| Revocation {
        at: r[0].as_int().unwrap_or(0),
        keep_unsent: r[1].as_int() == Some(1),
    }))
}

/// Every person of the company with their devices.
pub async fn people(storage: &DynStorage, tenant: &str) -> Result<Vec<PersonView>> {
    let (_, users) = storage.directory(tenant).await?;
    let now = now_ms();
    let rows = storage
        .sql_query(
            "SELECT d.id, d.user_id, d.name, COALESCE(f.platform, ''), COALESCE(f.model, ''),
                    COALESCE(f.app_version, ''), COALESCE(f.first_seen, d.created_at),
                    COALESCE(f.last_seen, d.created_at), f.last_address, r.at, r.keep_unsent,
                    (SELECT COUNT(*) FROM tokens t WHERE t.device_id = d.id AND t.expires_at > $2)
             FROM devices d
             LEFT JOIN device_facts f ON f.device_id = d.id
             LEFT JOIN revoked_devices r ON r.device_id = d.id
             WHERE d.tenant = $1
             ORDER BY COALESCE(f.last_seen, d.created_at) DESC",
            vec![Sql::text(tenant), Sql::int(now)],
        )
        .await?;
    let mut people: Vec<PersonView> = users
        .into_iter()
        .map(|user| PersonView {
            user,
            devices: Vec::new(),
            contact: Contact::default(),
        })
        .collect();
    for (user_id, contact) in contacts(storage, tenant).await? {
        if let Some(p) = people.iter_mut().find(|p| p.user.id == user_id) {
            p.contact = contact;
        }
    }
    for r in rows {
        let owner = r[1].as_text().unwrap_or_default();
        let Some(person) = people.iter_mut().find(|p| p.user.id == owner) else {
            continue;
        };
        let revoked = r[9].as_int().map(|at| Revocation {
            at,
            keep_unsent: r[10].as_int() == Some(1),
        });
        person.devices.push(DeviceView {
            id: r[0].as_text().unwrap_or_default(),
            name: r[2].as_text().unwrap_or_default(),
            platform: r[3].as_text().unwrap_or_default(),
            model: r[4].as_text().unwrap_or_default(),
            app_version: r[5].as_text().unwrap_or_default(),
            first_seen: r[6].as_int().unwrap_or(0),
            last_seen: r[7].as_int().unwrap_or(0),
            last_address: r[8].as_text(),
            signed_in: revoked.is_none() && r[11].as_int().unwrap_or(0) > 0,
            revoked,
        });
    }
    Ok(people)
}

/// Every person's contact of `tenant` that was set, by user id.
pub async fn contacts(storage: &DynStorage, tenant: &str) -> Result<Vec<(String, Contact)>> {
    let rows = storage
        .sql_query(
            "SELECT c.user_id, c.email, c.phone, c.language FROM user_contacts c
             JOIN users u ON u.id = c.user_id WHERE u.tenant = $1",
            vec![Sql::text(tenant)],
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let language = serde_json::from_value(serde_json::Value::String(
                r[3].as_text().unwrap_or_default(),
            ))
            .unwrap_or_default();
            (
                r[0].as_text().unwrap_or_default(),
                Contact {
                    email: r[1].as_text().unwrap_or_default(),
                    phone: r[2].as_text().unwrap_or_default(),
                    language,
                },
            )
        })
        .collect())
}

/// One person's contact, if it was set (one row, where `contacts` reads the whole company).
pub async fn contact_of(storage: &DynStorage, user_id: &str) -> Result<Option<Contact>> {
    let rows = storage
        .sql_query(
            "SELECT email, phone, language FROM user_contacts WHERE user_id = $1",
            vec![Sql::text(user_id)],
        )
        .await?;
    Ok(rows.into_iter().next().map(|r| Contact {
        email: r[0].as_text().unwrap_or_default(),
        phone: r[1].as_text().unwrap_or_default(),
        language: serde_json::from_value(serde_json::Value::String(
            r[2].as_text().unwrap_or_default(),
        ))
        .unwrap_or_default(),
    }))
}

/// Where a person's notifications go; audited without the address itself.
pub async fn set_contact(
    storage: &DynStorage,
    admin: &AuthContext,
    user_id: &str,
    contact: &Contact,
) -> Result<Contact> {
    let contact = contact.checked()?;
    let before = person(storage, &admin.tenant, user_id).await?;
    let earlier_email = contact_of(storage, user_id)
        .await?
        .map(|c| c.email)
        .unwrap_or_default();
    let language = contact.language.code();
    let mut statements = vec![
        (
            "INSERT INTO user_contacts(user_id, email, phone, language) VALUES ($1, $2, $3, $4)
             ON CONFLICT (user_id) DO UPDATE SET email = excluded.email, phone = excluded.phone,
               language = excluded.language"
                .into(),
            vec![
                Sql::text(user_id),
                Sql::text(&contact.email),
                Sql::text(&contact.phone),
                Sql::text(language),
            ],
        ),
        AuditRecord {
            subject: Some(user_id.to_string()),
            detail: format!("{}: contact for notifications", before.login),
            ..AuditRecord::by(admin, AuditKind::PersonChanged)
        }
        .statement(),
    ];
    // A link sent to the address that was (a typo, say) must not work any more.
    if earlier_email != contact.email {
        statements.extend(crate::invitations::void_links(user_id));
    }
    storage.sql_write(statements).await?;
    Ok(contact)
}

pub(crate) async fn person(storage: &DynStorage, tenant: &str, user_id: &str) -> Result<UserInfo> {
    let (_, users) = storage.directory(tenant).await?;
    users
        .into_iter()
        .find(|u| u.id == user_id)
        .ok_or_else(|| ServerError::NotFound("no such person in this company".into()))
}

/// A new person of `tenant` (which must exist): the input checked, the password hashed
/// off the async threads, a taken login refused in words. The one way people are created
/// (administrators in the app, the setup link, the command line).
pub async fn create_person(
    storage: &DynStorage,
    tenant: &str,
    new: &NewPerson,
) -> Result<UserInfo> {
    new.check()?;
    let password_hash = hash_off_thread(new.password.clone()).await?;
    let info = UserInfo {
        id: uuid::Uuid::now_v7().to_string(),
        login: new.login.trim().to_string(),
        name: new.name.trim().to_string(),
        role: new.role,
        active: true,
    };
    let record = UserRecord {
        info: info.clone(),
        password_hash,
    };
    match storage.add_user(tenant, &record).await {
        Err(ServerError::Conflict(_)) => Err(DomainError::Refused(Refusal::LoginTaken {
            login: info.login.clone(),
        })
        .into()),
        other => other.map(|()| info),
    }
}

pub async fn add_person(
    storage: &DynStorage,
    admin: &AuthContext,
    new: &NewPerson,
) -> Result<UserInfo> {
    let info = create_person(storage, &admin.tenant, new).await?;
    crate::audit::record(
        storage,
        AuditRecord {
            subject: Some(info.id.clone()),
            detail: format!("{} ({}) as {}", info.name, info.login, info.role.as_str()),
            ..AuditRecord::by(admin, AuditKind::PersonAdded)
        },
    )
    .await;
    Ok(info)
}

/// Name, role and active. Deactivation ends every token of the person at once; the caller
/// closes their live streams.
pub async fn change_person(
    storage: &DynStorage,
    admin: &AuthContext,
    user_id: &str,
    change: &PersonChange,
) -> Result<UserInfo> {
    change.check()?;
    let before = person(storage, &admin.tenant, user_id).await?;
    let role = change.role.unwrap_or(before.role);
    let active = change.active.unwrap_or(before.active);
    let stays_admin = role == Role::Admin && active;
    if before.role == Role::Admin && before.active && !stays_admin {
        if user_id == admin.user_id {
            return Err(DomainError::Refused(Refusal::OwnAccount).into());
        }
        let (_, users) = storage.directory(&admin.tenant).await?;
        let others = users
            .iter()
            .filter(|u| u.id != user_id && u.role == Role::Admin && u.active)
            .count();
        if others == 0 {
            return Err(DomainError::Refused(Refusal::LastAdmin).into());
        }
    }
    let name = change
        .name
        .as_deref()
        .map(str::trim)
        .unwrap_or(&before.name)
        .to_string();
    let removes_an_admin = before.role == Role::Admin && before.active && !stays_admin;
    // The tenant row first: in PostgreSQL it orders concurrent changes of the company's people,
    // so that two administrators demoting each other at once cannot both succeed.
    let mut statements = vec![
        (
            "UPDATE tenants SET directory_version = directory_version + 1 WHERE id = $1".into(),
            vec![Sql::text(&admin.tenant)],
        ),
        (
            "UPDATE users SET name = $1, role = $2 WHERE id = $3 AND tenant = $4
               AND (CAST($5 AS BIGINT) = 0 OR EXISTS (SELECT 1 FROM users o WHERE o.tenant = $4 AND o.id <> $3
                 AND o.role = 'admin'
                 AND NOT EXISTS (SELECT 1 FROM deactivated_users x WHERE x.user_id = o.id)))"
                .to_string(),
            vec![
                Sql::text(&name),
                Sql::text(role.as_str()),
                Sql::text(user_id),
                Sql::text(&admin.tenant),
                Sql::int(i64::from(removes_an_admin)),
            ],
        ),
    ];
    if active && !before.active {
        statements.push((
            "DELETE FROM deactivated_users WHERE user_id = $1".into(),
            vec![Sql::text(user_id)],
        ));
    }
    if !active && before.active {
        statements.push((
            "INSERT INTO deactivated_users(user_id, at) VALUES ($1, $2)".into(),
            vec![Sql::text(user_id), Sql::int(now_ms())],
        ));
        statements.push(end_tokens_of_user(user_id));
        statements.extend(crate::invitations::void_links(user_id));
    }
    let mut detail = Vec::new();
    if name != before.name {
        detail.push(format!("name {} → {name}", before.name));
    }
    if role != before.role {
        detail.push(format!("role {} → {}", before.role.as_str(), role.as_str()));
    }
    if active != before.active {
        detail.push(if active { "reactivated" } else { "deactivated" }.to_string());
    }
    statements.push(
        AuditRecord {
            subject: Some(user_id.to_string()),
            detail: format!("{}: {}", before.login, detail.join(", ")),
            ..AuditRecord::by(admin, AuditKind::PersonChanged)
        }
        .statement(),
    );
    if storage.sql_write_guarded(statements, 1).await?.is_none() {
        return Err(DomainError::Refused(Refusal::LastAdmin).into());
    }
    person(storage, &admin.tenant, user_id).await
}

pub(crate) fn end_tokens_of_user(user_id: &str) -> (String, Vec<Sql>) {
    (
        // A revoked device keeps its token: it is how the device learns to wipe itself.
        "DELETE FROM tokens WHERE device_id IN (SELECT id FROM devices WHERE user_id = $1
           AND id NOT IN (SELECT device_id FROM revoked_devices))"
            .into(),
        vec![Sql::text(user_id)],
    )
}

/// A new password; every token of the person ends (they sign in again on every device).
pub async fn reset_password(
    storage: &DynStorage,
    admin: &AuthContext,
    user_id: &str,
    password: &str,
) -> Result<()> {
    check_password(password)?;
    let who = person(storage, &admin.tenant, user_id).await?;
    let hash = hash_off_thread(password.to_string()).await?;
    storage
        .sql_write(vec![
            (
                "UPDATE users SET password_hash = $1 WHERE id = $2 AND tenant = $3".into(),
                vec![
                    Sql::text(hash),
                    Sql::text(user_id),
                    Sql::text(&admin.tenant),
                ],
            ),
            end_tokens_of_user(user_id),
            AuditRecord {
                subject: Some(user_id.to_string()),
                detail: who.login,
                ..AuditRecord::by(admin, AuditKind::PasswordReset)
            }
            .statement(),
        ])
        .await?;
    Ok(())
}

/// A person changes their own password, proving the current one: their other devices'
/// tokens end (they sign in again there); this device's stays.
pub async fn change_own_password(
    storage: &DynStorage,
    ctx: &AuthContext,
    token_hash: &str,
    current: &str,
    new: &str,
) -> Result<()> {
    check_password(new)?;
    let me = storage
        .find_user(&ctx.tenant, &ctx.login)
        .await?
        .ok_or(ServerError::InvalidToken)?;
    if !auth::verify_off_thread(current.to_string(), me.password_hash).await? {
        return Err(ServerError::BadCredentials);
    }
    let hash = hash_off_thread(new.to_string()).await?;
    storage
        .sql_write(vec![
            (
                "UPDATE users SET password_hash = $1 WHERE id = $2".into(),
                vec![Sql::text(hash), Sql::text(&ctx.user_id)],
            ),
            (
                "DELETE FROM tokens WHERE hash <> $1 AND device_id IN (SELECT id FROM devices WHERE user_id = $2
                   AND id NOT IN (SELECT device_id FROM revoked_devices))"
                    .into(),
                vec![Sql::text(token_hash), Sql::text(&ctx.user_id)],
            ),
            AuditRecord {
                subject: Some(ctx.user_id.clone()),
                detail: "own password changed".into(),
                ..AuditRecord::by(ctx, AuditKind::PasswordReset)
            }
            .statement(),
        ])
        .await?;
    Ok(())
}

/// Cut a device off. Its tokens stay so that it learns, at its next request, to wipe itself
/// (sending its unsent work first when `keep_unsent`); nothing else is served to it.
pub async fn revoke_device(
    storage: &DynStorage,
    admin: &AuthContext,
    device_id: &str,
    keep_unsent: bool,
) -> Result<String> {
    let rows = storage
        .sql_query(
            "SELECT d.user_id, d.name, u.login FROM devices d JOIN users u ON u.id = d.user_id
             WHERE d.id = $1 AND d.tenant = $2",
            vec![Sql::text(device_id), Sql::text(&admin.tenant)],
        )
        .await?;
    let row = rows
        .first()
        .ok_or_else(|| ServerError::NotFound("no such device in this company".into()))?;
    let owner = row[0].as_text().unwrap_or_default();
    storage
        .sql_write(vec![
            (
                "INSERT INTO revoked_devices(device_id, at, keep_unsent) VALUES ($1, $2, $3)
                 ON CONFLICT (device_id) DO UPDATE SET keep_unsent = excluded.keep_unsent"
                    .into(),
                vec![
                    Sql::text(device_id),
                    Sql::int(now_ms()),
                    Sql::int(i64::from(keep_unsent)),
                ],
            ),
            AuditRecord {
                subject: Some(device_id.to_string()),
                detail: format!(
                    "{} of {}{}",
                    row[1].as_text().unwrap_or_default(),
                    row[2].as_text().unwrap_or_default(),
                    if keep_unsent {
                        ", unsent work kept"
                    } else {
                        ""
                    }
                ),
                ..AuditRecord::by(admin, AuditKind::DeviceRevoked)
            }
            .statement(),
        ])
        .await?;
    Ok(owner)
}

pub(crate) async fn hash_off_thread(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || auth::hash_password(&password))
        .await
        .map_err(|e| ServerError::Storage(e.to_string()))?
}
