//! Notifications. A scan decides, from the domain's one alert function over a company's
//! documents, which messages are due (the due-soon warning, each overdue reminder) and writes
//! them into the outbox in one transaction, one row per alert occurrence × recipient × channel
//! under a key that makes deciding twice insert once. A worker claims due rows with a lease
//! (a guarded UPDATE: of several server instances on one database exactly one wins each row),
//! delivers them, and records sent, or the reason and the next attempt with doubling backoff.
//! In-app messages are rows of the `app` channel that a person's devices read.

pub mod outbox;
pub mod routes;
pub mod send;

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use fieldops_domain::alerts::AlertState;
use fieldops_domain::crdt;
use fieldops_domain::model::customer::Customer;
use fieldops_domain::notify::{
    AlertNames, Channel, ChannelSetup, Language, alert_message, outbox_key,
};
use fieldops_domain::people::Contact;
use fieldops_domain::protocol::UserInfo;

use crate::alerts;
use crate::error::Result;
use crate::storage::{DynStorage, now_ms};
use outbox::NewMessage;

/// How the notification loops run.
#[derive(Debug, Clone, Copy)]
pub struct NotifyOptions {
    /// How often every company's alerts are checked; zero: only when an administrator asks.
    pub scan_every: Duration,
    /// How often the worker looks for messages due (it is also woken when some are queued).
    pub poll_every: Duration,
    /// The wait after a first failed attempt; each further failure doubles it (up to 6 h).
    pub retry_after: Duration,
    /// Tests only: a scan may be asked to decide at a given moment instead of now.
    pub test_clock: bool,
}

impl Default for NotifyOptions {
    fn default() -> Self {
        NotifyOptions {
            scan_every: Duration::from_secs(300),
            poll_every: Duration::from_secs(2),
            retry_after: Duration::from_secs(30),
            test_clock: false,
        }
    }
}

/// The notification machinery one server instance runs.
pub struct Notifier {
    pub options: NotifyOptions,
    /// Wakes the worker when messages were queued.
    pub wake: tokio::sync::Notify,
    pub http: reqwest::Client,
    /// This instance's name on the leases it takes.
    pub instance: String,
    /// The live feed's announcer, once the HTTP state exists.
    pub feed: std::sync::OnceLock<tokio::sync::broadcast::Sender<(String, u64)>>,
}

impl Notifier {
    pub fn new(options: NotifyOptions) -> Arc<Notifier> {
        Arc::new(Notifier {
            options,
            wake: tokio::sync::Notify::new(),
            http: send::http_client(),
            instance: uuid::Uuid::new_v4().to_string(),
            feed: std::sync::OnceLock::new(),
        })
    }

    /// Devices hear that a company's feed moved on (orders the server made). PostgreSQL
    /// announces it to every instance itself.
    async fn feed_advanced(&self, storage: &DynStorage, tenant: &str) {
        if storage.announces_feed() {
            return;
        }
        if let (Some(feed), Ok(seq)) = (self.feed.get(), storage.last_seq(tenant).await) {
            let _ = feed.send((tenant.to_string(), seq));
        }
    }
}

/// Every company's planned orders made and alerts decided at `now`; how many messages were new.
pub async fn scan_all(storage: &DynStorage, notifier: &Notifier, now: i64) -> Result<u64> {
    let tenants = storage
        .sql_query("SELECT id FROM tenants ORDER BY id", vec![])
        .await?;
    let mut queued = 0;
    for t in tenants {
        let tenant = t[0].as_text().unwrap_or_default();
        match scan_tenant(storage, notifier, &tenant, now).await {
            Ok(n) => queued += n,
            Err(e) => tracing::warn!(tenant, error = %e, "alert scan failed"),
        }
    }
    Ok(queued)
}

/// One company's scan at `now`: the orders of planned visits due to be made, then the
/// messages its alerts call for (one transaction); how many messages were new.
pub async fn scan_tenant(
    storage: &DynStorage,
    notifier: &Notifier,
    tenant: &str,
    now: i64,
) -> Result<u64> {
    let (_, directory) = storage.directory(tenant).await?;
    let mut company = alerts::facts(storage, tenant).await?;
    if !crate::planned::make_due_orders(storage, tenant, &company, &directory, now)
        .await?
        .is_empty()
    {
        notifier.feed_advanced(storage, tenant).await;
        company = alerts::facts(storage, tenant).await?;
    }
    let facts = company.alerts_at(now);
    let setups = outbox::channel_setups(storage, tenant).await?;
    let contacts: HashMap<String, Contact> = crate::accounts::contacts(storage, tenant)
        .await?
        .into_iter()
        .collect();
    let mut customers: HashMap<String, Option<Customer>> = HashMap::new();
    let mut messages = Vec::new();
    for alert in &facts.alerts {
        if alert.state == AlertState::Acknowledged {
            continue;
        }
        let Some(rule) = facts.rules.get(&alert.kind).filter(|r| r.enabled) else {
            continue;
        };
        if !customers.contains_key(&alert.customer_id) {
            let c = load_customer(storage, tenant, &alert.customer_id).await;
            customers.insert(alert.customer_id.clone(), c);
        }
        let customer = customers.get(&alert.customer_id).and_then(Option::as_ref);
        let names = AlertNames {
            customer: customer.map(|c| c.name.clone()).unwrap_or_default(),
            machine: alert
                .equipment_id
                .as_ref()
                .and_then(|id| facts.machines.get(id).cloned()),
            order: alert
                .order_id
                .as_ref()
                .filter(|_| alert.order_exists)
                .and_then(|id| facts.order_numbers.get(id).cloned()),
        };
        let due = match (&alert.due_on, alert.due_at) {
            (Some(d), _) => d.clone(),
            (None, Some(at)) => local_time(at, facts.tz),
            (None, None) => String::new(),
        };
        let words = |lang: Language| alert_message(alert, &names, &due, lang);
        let people = rule.notify.people(alert, &directory);
        let person = |id: &String| -> (&UserInfo, Contact) {
            let info = directory
                .iter()
                .find(|u| &u.id == id)
                .expect("people() names people of the directory");
            (info, contacts.get(id).cloned().unwrap_or_default())
        };
        for channel in rule
            .notify
            .channels
            .iter()
            .copied()
            .collect::<BTreeSet<_>>()
        {
            let setup = setups.get(&channel);
            if channel != Channel::App && setup.is_none() {
                // Nothing to send it through yet; messages start once the channel is set up.
                continue;
            }
            match channel {
                Channel::App | Channel::Email | Channel::Sms => {
                    for id in &people {
                        let (info, contact) = person(id);
                        let address = match channel {
                            Channel::App => String::new(),
                            Channel::Email => contact.email.clone(),
                            _ => contact.phone.clone(),
                        };
                        if channel != Channel::App && address.is_empty() {
                            continue;
                        }
                        messages.push(NewMessage {
                            key: outbox_key(alert, channel, id),
                            channel,
                            recipient: id.clone(),
                            recipient_name: info.name.clone(),
                            address,
                            mentions: Vec::new(),
                            message: words(contact.language),
                        });
                    }
                    if channel == Channel::Sms
                        && rule.notify.customer
                        && let Some(c) = customer.filter(|c| !c.phone.trim().is_empty())
                    {
                        let lang = match setup {
                            Some(ChannelSetup::Sms(s)) => s.language,
                            _ => Language::default(),
                        };
                        let recipient = format!("customer:{}", c.id);
                        messages.push(NewMessage {
                            key: outbox_key(alert, channel, &recipient),
                            channel,
                            recipient,
                            recipient_name: c.name.clone(),
                            address: c.phone.trim().to_string(),
                            mentions: Vec::new(),
                            message: words(lang),
                        });
                    }
                }
                Channel::WechatWork => {
                    let lang = match setup {
                        Some(ChannelSetup::WechatWork(w)) => w.language,
                        _ => Language::default(),
                    };
                    let mentions = people
                        .iter()
                        .map(|id| person(id).1.phone)
                        .filter(|p| !p.is_empty())
                        .collect();
                    messages.push(NewMessage {
                        key: outbox_key(alert, channel, "group"),
                        channel,
                        recipient: "group".into(),
                        recipient_name: String::new(),
                        address: String::new(),
                        mentions,
                        message: words(lang),
                    });
                }
            }
        }
    }
    outbox::insert(storage, tenant, &messages, now_ms()).await
}

async fn load_customer(storage: &DynStorage, tenant: &str, id: &str) -> Option<Customer> {
    let stored = storage.load_doc(tenant, id).await.ok()??;
    crdt::load(&stored.bytes)
        .and_then(|d| Customer::from_doc(&d))
        .ok()
}

/// A moment in the company's time zone, as people read it.
fn local_time(ms: i64, tz: chrono_tz::Tz) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// Check every company's alerts every `scan_every`, at the server's clock.
pub async fn run_scanner(storage: DynStorage, notifier: Arc<Notifier>) {
    if notifier.options.scan_every.is_zero() {
        return;
    }
    loop {
        match scan_all(&storage, &notifier, now_ms()).await {
            Ok(n) if n > 0 => {
                tracing::info!(queued = n, "notifications queued");
                notifier.wake.notify_one();
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "alert scan failed"),
        }
        tokio::time::sleep(notifier.options.scan_every).await;
    }
}

/// Deliver what is due, then wait to be woken or for the next poll.
pub async fn run_worker(storage: DynStorage, notifier: Arc<Notifier>) {
    loop {
        match outbox::deliver_due(&storage, &notifier).await {
            // A full batch: more may be waiting.
            Ok(n) if n >= outbox::BATCH => continue,
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "notification delivery failed"),
        }
        tokio::select! {
            _ = notifier.wake.notified() => {}
            _ = tokio::time::sleep(notifier.options.poll_every) => {}
        }
    }
}
