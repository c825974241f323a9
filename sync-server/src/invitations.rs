//! Invitations: an administrator adds a person by e-mail, and the person chooses their own
//! password through a one-time link (`/invite#<token>`: the token in the fragment, so it
//! never reaches a log), valid for three days. Sending the link again replaces the earlier
//! one; so do a changed e-mail address and a deactivation. The link goes out through the
//! notification outbox's e-mail channel, stored in the same transaction as the invitation;
//! only the token's hash is kept, the e-mail's body is forgotten once it is sent, and the
//! outbox list the administrator sees has no message bodies.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Html;
use fieldops_domain::audit::AuditKind;
use fieldops_domain::notify::{Channel, Language};
use fieldops_domain::people::{
    INVITATION_VALID_MS, Invitation, InvitationAccepted, InvitationSent, check_password,
    invitation_message,
};
use fieldops_domain::protocol::UserInfo;
use fieldops_domain::{DomainError, ErrorCode, Field, Problem, Refusal};
use rand::RngCore;

use crate::accounts;
use crate::auth::token_hash;
use crate::error::{Result, ServerError};
use crate::http::{AppState, Ended, parse_body};
use crate::notify::outbox::{self, NewMessage, SECRET_KEY_PREFIX};
use crate::storage::{AuditRecord, AuthContext, DynStorage, Sql, now_ms};

type Body = std::result::Result<Bytes, BytesRejection>;

fn random_hex() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

async fn require_email_channel(storage: &DynStorage, tenant: &str) -> Result<()> {
    if outbox::channel_setups(storage, tenant)
        .await?
        .contains_key(&Channel::Email)
    {
        Ok(())
    } else {
        Err(DomainError::Refused(Refusal::ChannelNotSetUp {
            channel: Channel::Email,
        })
        .into())
    }
}

/// A new person who cannot sign in until they choose a password through the link: their
/// password until then is random and known to nobody. The person, their address, the link
/// and its e-mail are stored in one transaction.
pub async fn invite(
    storage: &DynStorage,
    admin: &AuthContext,
    invitation: &Invitation,
) -> Result<InvitationSent> {
    invitation.check()?;
    require_email_channel(storage, &admin.tenant).await?;
    let user = UserInfo {
        id: uuid::Uuid::now_v7().to_string(),
        login: invitation.login.trim().to_string(),
        name: invitation.name.trim().to_string(),
        role: invitation.role,
        active: true,
    };
    let unusable = accounts::hash_off_thread(random_hex()).await?;
    let email = invitation.email.trim().to_string();
    let mut statements = vec![
        (
            "INSERT INTO users(id, tenant, login, name, role, password_hash)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING"
                .to_string(),
            vec![
                Sql::text(&user.id),
                Sql::text(&admin.tenant),
                Sql::text(&user.login),
                Sql::text(&user.name),
                Sql::text(user.role.as_str()),
                Sql::text(unusable),
            ],
        ),
        (
            "UPDATE tenants SET directory_version = directory_version + 1 WHERE id = $1".into(),
            vec![Sql::text(&admin.tenant)],
        ),
        AuditRecord {
            subject: Some(user.id.clone()),
            detail: format!(
                "{} ({}) as {}, invited by e-mail",
                user.name,
                user.login,
                user.role.as_str()
            ),
            ..AuditRecord::by(admin, AuditKind::PersonAdded)
        }
        .statement(),
        (
            "INSERT INTO user_contacts(user_id, email, phone, language) VALUES ($1, $2, '', $3)"
                .to_string(),
            vec![
                Sql::text(&user.id),
                Sql::text(&email),
                Sql::text(invitation.language.code()),
            ],
        ),
    ];
    let (link, sent) = link_statements(admin, &user, &email, invitation.language);
    statements.extend(link);
    if storage.sql_write_guarded(statements, 0).await?.is_none() {
        return Err(DomainError::Refused(Refusal::LoginTaken { login: user.login }).into());
    }
    Ok(sent)
}

/// The link again, to the e-mail address of the person's contact (a lost or expired link,
/// or someone who was added with a first password and should choose their own).
pub async fn send_again(
    storage: &DynStorage,
    admin: &AuthContext,
    user_id: &str,
) -> Result<InvitationSent> {
    let info = accounts::person(storage, &admin.tenant, user_id).await?;
    if !info.active {
        return Err(DomainError::Refused(Refusal::PersonDeactivated { name: info.name }).into());
    }
    let contact = accounts::contact_of(storage, user_id)
        .await?
        .filter(|c| !c.email.is_empty())
        .ok_or_else(|| DomainError::bad_field(Field::Email, Problem::Required))?;
    require_email_channel(storage, &admin.tenant).await?;
    let (statements, sent) = link_statements(admin, &info, &contact.email, contact.language);
    storage.sql_write(statements).await?;
    Ok(sent)
}

/// Every unused link of the person stops working, and their e-mails not yet sent are not
/// sent (a new link, a changed address, a deactivation).
pub fn void_links(user_id: &str) -> Vec<(String, Vec<Sql>)> {
    vec![
        (
            "DELETE FROM invitations WHERE user_id = $1 AND used_at IS NULL".into(),
            vec![Sql::text(user_id)],
        ),
        (
            "DELETE FROM outbox WHERE msg_key LIKE $1 AND state IN ('pending', 'retrying')".into(),
            vec![Sql::text(format!("{SECRET_KEY_PREFIX}{user_id}:%"))],
        ),
    ]
}

/// The statements that store a new link for `user` (earlier unused ones stop working), its
/// e-mail and its audit line; and what the administrator is told.
fn link_statements(
    admin: &AuthContext,
    user: &UserInfo,
    email: &str,
    language: Language,
) -> (Vec<(String, Vec<Sql>)>, InvitationSent) {
    let token = random_hex();
    let now = now_ms();
    let expires_at = now + INVITATION_VALID_MS;
    let link = format!("{}/invite#{token}", crate::portal::public_url());
    let message = NewMessage {
        key: format!("{SECRET_KEY_PREFIX}{}:{}", user.id, uuid::Uuid::now_v7()),
        channel: Channel::Email,
        recipient: user.id.clone(),
        recipient_name: user.name.clone(),
        address: email.to_string(),
        mentions: Vec::new(),
        message: invitation_message(language, &admin.tenant, &user.name, &user.login, &link),
    };
    let mut statements = void_links(&user.id);
    statements.extend([
        (
            "INSERT INTO invitations(hash, tenant, user_id, invited_by, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6)"
                .into(),
            vec![
                Sql::text(token_hash(&token)),
                Sql::text(&admin.tenant),
                Sql::text(&user.id),
                Sql::text(&admin.login),
                Sql::int(now),
                Sql::int(expires_at),
            ],
        ),
        outbox::insert_statement(&admin.tenant, &message, now),
        AuditRecord {
            subject: Some(user.id.clone()),
            detail: format!("{}: link to choose a password e-mailed", user.login),
            ..AuditRecord::by(admin, AuditKind::InvitationSent)
        }
        .statement(),
    ]);
    let sent = InvitationSent {
        user: user.clone(),
        email: email.to_string(),
        expires_at,
    };
    (statements, sent)
}

fn link_invalid() -> ServerError {
    ServerError::Refused {
        code: ErrorCode::InvitationLinkInvalid,
        message: "this invitation link was used already, has expired or was replaced".into(),
    }
}

/// Who chose a password through a link.
pub struct Accepted {
    pub tenant: String,
    pub user_id: String,
    pub login: String,
}

/// The invited person's password. The link is spent in the same transaction that sets the
/// password and ends any session the person had: of two tabs racing one link, one wins. A
/// person deactivated meanwhile gets nothing.
pub async fn accept(storage: &DynStorage, req: &InvitationAccepted) -> Result<Accepted> {
    if req.token.len() != 64 {
        return Err(link_invalid());
    }
    check_password(&req.password)?;
    let hash = token_hash(&req.token);
    let now = now_ms();
    let rows = storage
        .sql_query(
            "SELECT i.tenant, i.user_id, u.login, i.invited_by FROM invitations i
             JOIN users u ON u.id = i.user_id
             WHERE i.hash = $1 AND i.used_at IS NULL AND i.expires_at > $2",
            vec![Sql::text(&hash), Sql::int(now)],
        )
        .await?;
    let Some([tenant, user_id, login, invited_by]) = rows.into_iter().next().and_then(|r| {
        let texts: Vec<String> = r.iter().map(|v| v.as_text().unwrap_or_default()).collect();
        <[String; 4]>::try_from(texts).ok()
    }) else {
        return Err(link_invalid());
    };
    let password_hash = accounts::hash_off_thread(req.password.clone()).await?;
    let statements = vec![
        (
            "UPDATE invitations SET used_at = $1 WHERE hash = $2 AND used_at IS NULL
               AND expires_at > $1
               AND NOT EXISTS (SELECT 1 FROM deactivated_users x WHERE x.user_id = invitations.user_id)"
                .into(),
            vec![Sql::int(now_ms()), Sql::text(&hash)],
        ),
        (
            "UPDATE users SET password_hash = $1 WHERE id = $2".into(),
            vec![Sql::text(password_hash), Sql::text(&user_id)],
        ),
        accounts::end_tokens_of_user(&user_id),
        AuditRecord {
            tenant: tenant.clone(),
            kind: AuditKind::InvitationAccepted,
            user_id: Some(user_id.clone()),
            login: Some(login.clone()),
            device_id: None,
            address: None,
            code: None,
            subject: Some(user_id.clone()),
            detail: format!("{login}: password chosen through the link {invited_by} sent"),
        }
        .statement(),
    ];
    if storage.sql_write_guarded(statements, 0).await?.is_none() {
        return Err(link_invalid());
    }
    Ok(Accepted {
        tenant,
        user_id,
        login,
    })
}

/// `POST /v1/admin/invitations`.
pub async fn invite_route(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<InvitationSent>> {
    let ctx = crate::admin::admin(&st, &headers).await?;
    let invitation: Invitation = parse_body(body)?;
    let sent = invite(&st.storage, &ctx, &invitation).await?;
    st.notifier.wake.notify_one();
    crate::admin::directory_changed(&st, &ctx.tenant).await;
    Ok(Json(sent))
}

/// `POST /v1/admin/people/{id}/invitation`.
pub async fn send_again_route(
    State(st): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<InvitationSent>> {
    let ctx = crate::admin::admin(&st, &headers).await?;
    let sent = send_again(&st.storage, &ctx, &id).await?;
    st.notifier.wake.notify_one();
    Ok(Json(sent))
}

/// `POST /v1/invite`: the person's password, with the link's token.
pub async fn accept_route(
    State(st): State<Arc<AppState>>,
    body: Body,
) -> Result<Json<serde_json::Value>> {
    let req: InvitationAccepted = parse_body(body)?;
    let done = accept(&st.storage, &req).await?;
    st.end(Ended::Person(done.user_id));
    Ok(Json(
        serde_json::json!({"tenant": done.tenant, "login": done.login}),
    ))
}

/// `GET /invite`: the form, in Chinese and English; it reads the token from the fragment.
pub async fn page() -> Html<&'static str> {
    Html(include_str!("invite.html"))
}
