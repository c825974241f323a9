//! The outbox and the channel settings in the database: plain SQL, the same for SQLite and
//! PostgreSQL.

use std::collections::HashMap;

use fieldops_domain::notify::{
    Channel, ChannelSetup, DeliveryState, Inbox, MAX_ATTEMPTS, Message, Notification, OutboxEntry,
    OutboxQuery,
};

use super::Notifier;
use super::send::{self, Outgoing};
use crate::error::{Result, ServerError};
use crate::storage::{DynStorage, Sql, now_ms};

/// Messages whose body carries a one-time secret (an invitation's link): the body is
/// forgotten once the message is sent or given up, so the database never keeps a working link.
pub const SECRET_KEY_PREFIX: &str = "invitation:";

/// Rows claimed per round.
pub const BATCH: usize = 20;

/// How long a claimed row stays with the instance that claimed it. An instance killed while
/// sending leaves it to another (or to itself after a restart) once this has passed.
const LEASE_MS: i64 = 120_000;

/// The longest wait between two attempts.
const MAX_RETRY_MS: i64 = 6 * 3600 * 1000;

/// A message decided and not yet stored.
pub struct NewMessage {
    pub key: String,
    pub channel: Channel,
    /// A user id, `customer:{id}`, `group`, or `test:{id}`.
    pub recipient: String,
    pub recipient_name: String,
    pub address: String,
    pub mentions: Vec<String>,
    pub message: Message,
}

/// Store the messages (one transaction; a key already stored is left as it is); how many
/// were new. In-app messages are delivered by being stored.
pub async fn insert(
    storage: &DynStorage,
    tenant: &str,
    messages: &[NewMessage],
    now: i64,
) -> Result<u64> {
    if messages.is_empty() {
        return Ok(0);
    }
    let statements = messages
        .iter()
        .map(|m| insert_statement(tenant, m, now))
        .collect();
    Ok(storage.sql_write(statements).await?.iter().sum())
}

/// The statement that stores one message, for a caller that stores it together with what
/// the message is about (an invitation and its link).
pub fn insert_statement(tenant: &str, m: &NewMessage, now: i64) -> (String, Vec<Sql>) {
    let app = m.channel == Channel::App;
    (
        "INSERT INTO outbox(tenant, msg_key, created_at, channel, recipient, recipient_name,
           address, mentions, subject, body, state, attempts, next_at, sent_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0, $3, $12)
         ON CONFLICT (tenant, msg_key) DO NOTHING"
            .to_string(),
        vec![
            Sql::text(tenant),
            Sql::text(&m.key),
            Sql::int(now),
            Sql::text(m.channel.name()),
            Sql::text(&m.recipient),
            Sql::text(&m.recipient_name),
            Sql::text(&m.address),
            Sql::text(serde_json::to_string(&m.mentions).unwrap_or_default()),
            Sql::text(&m.message.subject),
            Sql::text(&m.message.body),
            Sql::text(if app { "sent" } else { "pending" }),
            Sql::Int(app.then_some(now)),
        ],
    )
}

/// Every channel a company has set up, secrets included (server use only).
pub async fn channel_setups(
    storage: &DynStorage,
    tenant: &str,
) -> Result<HashMap<Channel, ChannelSetup>> {
    let rows = storage
        .sql_query(
            "SELECT setup FROM notify_channels WHERE tenant = $1",
            vec![Sql::text(tenant)],
        )
        .await?;
    Ok(rows
        .iter()
        .filter_map(|r| serde_json::from_str::<ChannelSetup>(&r[0].as_text()?).ok())
        .map(|s| (s.channel(), s))
        .collect())
}

/// Store a channel's settings (checked, stored secrets kept when left out), with an audit
/// line that names the channel and nothing of its settings.
pub async fn save_setup(
    storage: &DynStorage,
    tenant: &str,
    setup: ChannelSetup,
    audit: crate::storage::AuditRecord,
) -> Result<ChannelSetup> {
    let stored = channel_setups(storage, tenant).await?;
    let channel = setup.channel();
    let setup = setup.complete(stored.get(&channel))?;
    let json = serde_json::to_string(&setup).map_err(|e| ServerError::Storage(e.to_string()))?;
    storage
        .sql_write(vec![
            (
                "INSERT INTO notify_channels(tenant, channel, setup, updated_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (tenant, channel) DO UPDATE SET setup = excluded.setup, updated_at = excluded.updated_at"
                    .into(),
                vec![
                    Sql::text(tenant),
                    Sql::text(setup.channel().name()),
                    Sql::text(json),
                    Sql::int(now_ms()),
                ],
            ),
            audit.statement(),
        ])
        .await?;
    Ok(setup)
}

pub async fn remove_setup(
    storage: &DynStorage,
    tenant: &str,
    channel: Channel,
    audit: crate::storage::AuditRecord,
) -> Result<()> {
    storage
        .sql_write(vec![
            (
                "DELETE FROM notify_channels WHERE tenant = $1 AND channel = $2".into(),
                vec![Sql::text(tenant), Sql::text(channel.name())],
            ),
            audit.statement(),
        ])
        .await?;
    Ok(())
}

/// The wait before attempt `attempts + 1`, doubling from `first`.
pub fn backoff_ms(first_ms: i64, attempts: i64) -> i64 {
    let doublings = u32::try_from((attempts - 1).clamp(0, 20)).unwrap_or(20);
    first_ms
        .saturating_mul(1_i64 << doublings)
        .min(MAX_RETRY_MS)
}

/// Claim and deliver the messages due now; how many were claimed.
pub async fn deliver_due(storage: &DynStorage, notifier: &Notifier) -> Result<usize> {
    let now = now_ms();
    let due = storage
        .sql_query(
            &format!(
                "SELECT tenant, msg_key FROM outbox
                 WHERE state IN ('pending', 'retrying') AND next_at <= $1
                   AND (lease_until IS NULL OR lease_until < $1)
                 ORDER BY next_at LIMIT {BATCH}"
            ),
            vec![Sql::int(now)],
        )
        .await?;
    let mut setups: HashMap<String, HashMap<Channel, ChannelSetup>> = HashMap::new();
    let mut claimed = 0;
    for row in due {
        let tenant = row[0].as_text().unwrap_or_default();
        let key = row[1].as_text().unwrap_or_default();
        let now = now_ms();
        // Of several instances that saw the row, the first UPDATE wins; the others change
        // nothing (their condition no longer holds once the winner committed).
        let won = storage
            .sql_write_guarded(
                vec![(
                    "UPDATE outbox SET lease_owner = $1, lease_until = $2
                     WHERE tenant = $3 AND msg_key = $4 AND state IN ('pending', 'retrying')
                       AND (lease_until IS NULL OR lease_until < $5)"
                        .into(),
                    vec![
                        Sql::text(&notifier.instance),
                        Sql::int(now + LEASE_MS),
                        Sql::text(&tenant),
                        Sql::text(&key),
                        Sql::int(now),
                    ],
                )],
                0,
            )
            .await?;
        if won.is_none() {
            continue;
        }
        claimed += 1;
        if !setups.contains_key(&tenant) {
            setups.insert(tenant.clone(), channel_setups(storage, &tenant).await?);
        }
        let (outcome, attempts) = attempt(storage, notifier, &tenant, &key, &setups[&tenant]).await;
        record(storage, notifier, &tenant, &key, outcome, attempts).await?;
    }
    Ok(claimed)
}

async fn attempt(
    storage: &DynStorage,
    notifier: &Notifier,
    tenant: &str,
    key: &str,
    setups: &HashMap<Channel, ChannelSetup>,
) -> (std::result::Result<(), String>, i64) {
    let rows = match storage
        .sql_query(
            "SELECT channel, address, mentions, subject, body, attempts FROM outbox WHERE tenant = $1 AND msg_key = $2",
            vec![Sql::text(tenant), Sql::text(key)],
        )
        .await
    {
        Ok(rows) => rows,
        Err(e) => return (Err(e.to_string()), 0),
    };
    let Some(row) = rows.first() else {
        return (Err("the message is gone".into()), 0);
    };
    let attempts = row[5].as_int().unwrap_or(0);
    (send_row(notifier, key, row, setups).await, attempts)
}

/// Deliver one outbox row (channel, address, mentions, subject, body).
async fn send_row(
    notifier: &Notifier,
    key: &str,
    row: &[Sql],
    setups: &HashMap<Channel, ChannelSetup>,
) -> std::result::Result<(), String> {
    let text = |i: usize| row[i].as_text().unwrap_or_default();
    let channel = Channel::parse(&text(0)).ok_or("unknown channel")?;
    let setup = setups
        .get(&channel)
        .ok_or_else(|| format!("the {} channel is not set up", channel.name()))?;
    let mentions: Vec<String> = serde_json::from_str(&text(2)).unwrap_or_default();
    let (address, subject, body) = (text(1), text(3), text(4));
    send::deliver(
        &notifier.http,
        setup,
        &Outgoing {
            key,
            address: &address,
            mentions: &mentions,
            subject: &subject,
            body: &body,
        },
    )
    .await
}

/// The assignment that forgets a secret message's body once it has reached an end.
fn forget_secret(key: &str, ended: bool) -> &'static str {
    if ended && key.starts_with(SECRET_KEY_PREFIX) {
        ", body = ''"
    } else {
        ""
    }
}

async fn record(
    storage: &DynStorage,
    notifier: &Notifier,
    tenant: &str,
    key: &str,
    outcome: std::result::Result<(), String>,
    attempts_before: i64,
) -> Result<()> {
    let now = now_ms();
    let statement = match outcome {
        Ok(()) => (
            format!(
                "UPDATE outbox SET state = 'sent', sent_at = $1, attempts = attempts + 1, last_error = NULL,
                   lease_owner = NULL, lease_until = NULL{}
                 WHERE tenant = $2 AND msg_key = $3 AND lease_owner = $4",
                forget_secret(key, true)
            ),
            vec![
                Sql::int(now),
                Sql::text(tenant),
                Sql::text(key),
                Sql::text(&notifier.instance),
            ],
        ),
        Err(reason) => {
            tracing::info!(tenant, key, %reason, "notification not delivered");
            let first = i64::try_from(notifier.options.retry_after.as_millis()).unwrap_or(30_000);
            let attempts = attempts_before + 1;
            let state = if attempts >= MAX_ATTEMPTS {
                DeliveryState::Failed
            } else {
                DeliveryState::Retrying
            };
            (
                format!(
                    "UPDATE outbox SET state = $1, attempts = $2, next_at = $3, last_error = $4,
                       lease_owner = NULL, lease_until = NULL{}
                     WHERE tenant = $5 AND msg_key = $6 AND lease_owner = $7",
                    forget_secret(key, state == DeliveryState::Failed)
                ),
                vec![
                    Sql::text(state.as_str()),
                    Sql::int(attempts),
                    Sql::int(now + backoff_ms(first, attempts)),
                    Sql::text(reason.chars().take(500).collect::<String>()),
                    Sql::text(tenant),
                    Sql::text(key),
                    Sql::text(&notifier.instance),
                ],
            )
        }
    };
    storage.sql_write(vec![statement]).await?;
    Ok(())
}

const ENTRY_COLUMNS: &str = "msg_key, created_at, channel, recipient_name, address, subject, state, attempts, next_at, last_error, sent_at";

fn entry(r: &[Sql]) -> Option<OutboxEntry> {
    let state = DeliveryState::parse(&r[6].as_text()?)?;
    Some(OutboxEntry {
        key: r[0].as_text()?,
        created_at: r[1].as_int()?,
        channel: Channel::parse(&r[2].as_text()?)?,
        recipient: r[3].as_text().unwrap_or_default(),
        address: r[4].as_text().unwrap_or_default(),
        subject: r[5].as_text().unwrap_or_default(),
        state,
        attempts: r[7].as_int().unwrap_or(0),
        next_attempt_at: matches!(state, DeliveryState::Pending | DeliveryState::Retrying)
            .then(|| r[8].as_int())
            .flatten(),
        last_error: r[9].as_text(),
        sent_at: r[10].as_int(),
    })
}

/// The newest messages of a company, as the administrator's delivery list shows them.
pub async fn list(storage: &DynStorage, tenant: &str, q: &OutboxQuery) -> Result<Vec<OutboxEntry>> {
    let limit = q.limit.unwrap_or(100).clamp(1, 500);
    let rows = storage
        .sql_query(
            &format!(
                "SELECT {ENTRY_COLUMNS} FROM outbox
                 WHERE tenant = $1 AND (CAST($2 AS TEXT) IS NULL OR state = $2)
                   AND (CAST($3 AS TEXT) IS NULL OR channel = $3)
                 ORDER BY created_at DESC, msg_key LIMIT {limit}"
            ),
            vec![
                Sql::text(tenant),
                Sql::opt_text(q.state.map(DeliveryState::as_str)),
                Sql::opt_text(q.channel.map(Channel::name)),
            ],
        )
        .await?;
    Ok(rows.iter().filter_map(|r| entry(r)).collect())
}

pub async fn one(storage: &DynStorage, tenant: &str, key: &str) -> Result<OutboxEntry> {
    let rows = storage
        .sql_query(
            &format!("SELECT {ENTRY_COLUMNS} FROM outbox WHERE tenant = $1 AND msg_key = $2"),
            vec![Sql::text(tenant), Sql::text(key)],
        )
        .await?;
    rows.first()
        .and_then(|r| entry(r))
        .ok_or_else(|| ServerError::NotFound("no such message".into()))
}

/// How many messages a person's notification centre shows.
const INBOX_SIZE: i64 = 50;

/// A person's in-app messages, newest first, and how many are unread.
pub async fn inbox(storage: &DynStorage, tenant: &str, user_id: &str) -> Result<Inbox> {
    let rows = storage
        .sql_query(
            &format!(
                "SELECT msg_key, created_at, subject, body, read_at FROM outbox
                 WHERE tenant = $1 AND channel = 'app' AND recipient = $2
                 ORDER BY created_at DESC, msg_key LIMIT {INBOX_SIZE}"
            ),
            vec![Sql::text(tenant), Sql::text(user_id)],
        )
        .await?;
    let unread = storage
        .sql_query(
            "SELECT COUNT(*) FROM outbox WHERE tenant = $1 AND channel = 'app' AND recipient = $2 AND read_at IS NULL",
            vec![Sql::text(tenant), Sql::text(user_id)],
        )
        .await?
        .first()
        .and_then(|r| r[0].as_int())
        .unwrap_or(0);
    Ok(Inbox {
        unread,
        items: rows
            .iter()
            .map(|r| Notification {
                key: r[0].as_text().unwrap_or_default(),
                at: r[1].as_int().unwrap_or(0),
                subject: r[2].as_text().unwrap_or_default(),
                body: r[3].as_text().unwrap_or_default(),
                read: r[4].as_int().is_some(),
            })
            .collect(),
    })
}

/// Mark a person's messages read: these keys, or all when none are named.
pub async fn mark_read(
    storage: &DynStorage,
    tenant: &str,
    user_id: &str,
    keys: &[String],
) -> Result<()> {
    let now = now_ms();
    let base = "UPDATE outbox SET read_at = $1 WHERE tenant = $2 AND channel = 'app' AND recipient = $3 AND read_at IS NULL";
    let statements = if keys.is_empty() {
        vec![(
            base.to_string(),
            vec![Sql::int(now), Sql::text(tenant), Sql::text(user_id)],
        )]
    } else {
        keys.iter()
            .take(500)
            .map(|k| {
                (
                    format!("{base} AND msg_key = $4"),
                    vec![
                        Sql::int(now),
                        Sql::text(tenant),
                        Sql::text(user_id),
                        Sql::text(k),
                    ],
                )
            })
            .collect()
    };
    storage.sql_write(statements).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_the_first_wait_and_stops_at_six_hours() {
        assert_eq!(backoff_ms(30_000, 1), 30_000);
        assert_eq!(backoff_ms(30_000, 2), 60_000);
        assert_eq!(backoff_ms(30_000, 4), 240_000);
        assert_eq!(backoff_ms(30_000, 12), MAX_RETRY_MS);
        assert_eq!(backoff_ms(30_000, 0), 30_000);
    }
}
