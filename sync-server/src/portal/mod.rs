//! The customer portal (报修): a phone page served under `/portal/`, its JSON API under
//! `/portal/api/`, the supervisors' link administration, and the customer's messages. A
//! customer has no account: a token names one machine, one customer or one order, and the
//! portal reaches only what it names. What a request must hold, the progress a customer sees
//! and the words of the messages are the domain's (`fieldops_domain::portal`); this module
//! stores, scopes and serves.

pub mod limits;
pub mod routes;
pub mod tokens;

use std::sync::OnceLock;

use automerge::AutoCommit;
use fieldops_domain::crdt;
use fieldops_domain::model::DocType;
use fieldops_domain::model::customer::Customer;
use fieldops_domain::model::equipment::Equipment;
use fieldops_domain::model::order::{self, CUSTOMER_USER, EventKind, OrderDoc, OrderEvent};
use fieldops_domain::model::settings::{SettingsDoc, default_template, settings_id};
use fieldops_domain::notify::{Channel, ChannelSetup};
use fieldops_domain::portal::{
    self as rules, Entry, LinkKind, MachineCard, OFFERED_TYPES, RatingInput, RequestInput,
    RequestMade, RequestSummary, RequestTarget, Step, Tracking, link_url, parse_language,
};
use fieldops_domain::{DomainError, Refusal};

use crate::error::{Result, ServerError};
use crate::notify::outbox::{self, NewMessage};
use crate::storage::{DynStorage, Sql, now_ms};
use crate::sync::{store_server_doc, update_server_doc};
use tokens::Link;

/// The address customers reach this server at (`--public-url`), for links in labels and
/// messages. Set once at start.
static PUBLIC_URL: OnceLock<String> = OnceLock::new();

pub fn set_public_url(url: &str) {
    let _ = PUBLIC_URL.set(url.trim_end_matches('/').to_string());
}

/// Whether the client's address is read from `X-Forwarded-For` (behind a reverse proxy that
/// sets it: `--trust-forwarded-for`); otherwise the connection's own address counts.
static TRUST_FORWARDED_FOR: OnceLock<bool> = OnceLock::new();

pub fn set_trust_forwarded_for(on: bool) {
    let _ = TRUST_FORWARDED_FOR.set(on);
}

pub fn trusts_forwarded_for() -> bool {
    TRUST_FORWARDED_FOR.get().copied().unwrap_or(false)
}

pub fn public_url() -> &'static str {
    PUBLIC_URL
        .get()
        .map_or("http://127.0.0.1:8080", String::as_str)
}

/// A step is told by message only while it is fresh: a channel set up later does not send a
/// month-old "received".
const TELL_WITHIN_MS: i64 = 24 * 3600 * 1000;

pub(crate) fn link_not_valid() -> ServerError {
    ServerError::Domain(DomainError::Refused(Refusal::LinkNotValid))
}

/// Refused unless the link is of one of these kinds (a tracking token opens no form, a
/// machine's label no tracking page).
pub(crate) fn require(link: &Link, kinds: &[LinkKind]) -> Result<()> {
    if kinds.contains(&link.kind) {
        Ok(())
    } else {
        Err(link_not_valid())
    }
}

async fn load<T>(
    storage: &DynStorage,
    tenant: &str,
    id: &str,
    doc_type: DocType,
    read: fn(&AutoCommit) -> fieldops_domain::Result<T>,
) -> Result<Option<T>> {
    match storage.load_doc(tenant, id).await? {
        Some(s) if s.doc_type == doc_type.as_str() => Ok(Some(read(&crdt::load(&s.bytes)?)?)),
        _ => Ok(None),
    }
}

async fn settings(storage: &DynStorage, tenant: &str) -> Result<Option<SettingsDoc>> {
    load(
        storage,
        tenant,
        &settings_id(tenant),
        DocType::Settings,
        SettingsDoc::from_doc,
    )
    .await
}

/// The customer a link reaches; a link to one that is gone is not valid.
async fn customer(storage: &DynStorage, tenant: &str, id: &str) -> Result<Customer> {
    load(storage, tenant, id, DocType::Customer, Customer::from_doc)
        .await?
        .ok_or_else(link_not_valid)
}

/// The machine a link or a request names; one that is gone makes the link not valid.
async fn machine(storage: &DynStorage, tenant: &str, id: &str) -> Result<Equipment> {
    load(storage, tenant, id, DocType::Equipment, Equipment::from_doc)
        .await?
        .ok_or_else(link_not_valid)
}

/// How the company is named to its customers.
fn company_name(tenant: &str) -> String {
    tenant.to_string()
}

fn card(e: &Equipment, customer: Option<&Customer>) -> MachineCard {
    MachineCard {
        id: e.id.clone(),
        name: e.info.name.clone(),
        model: e.info.model.clone(),
        serial: e.info.serial.clone(),
        site: customer
            .and_then(|c| c.sites.get(&e.info.site_id))
            .map(|s| s.name.clone())
            .unwrap_or_default(),
    }
}

/// The orders linked to `target` (a machine or a customer) that customers asked for, newest
/// first.
async fn requested_orders(
    storage: &DynStorage,
    tenant: &str,
    target: &str,
) -> Result<Vec<OrderDoc>> {
    let rows = storage
        .sql_query(
            "SELECT d.id FROM doc_links l JOIN docs d ON d.tenant = l.tenant AND d.id = l.from_id
             WHERE l.tenant = $1 AND l.to_id = $2 AND l.active = 1 AND d.doc_type = 'order'
             ORDER BY d.updated_at DESC LIMIT 200",
            vec![Sql::text(tenant), Sql::text(target)],
        )
        .await?;
    let mut out = Vec::new();
    for r in rows {
        let Some(id) = r[0].as_text() else { continue };
        if let Some(o) = load(storage, tenant, &id, DocType::Order, OrderDoc::from_doc).await?
            && o.header.request.is_some()
        {
            out.push(o);
        }
        if out.len() >= 20 {
            break;
        }
    }
    Ok(out)
}

async fn summaries(
    storage: &DynStorage,
    tenant: &str,
    target: &str,
    customer_id: &str,
) -> Result<Vec<RequestSummary>> {
    let mut out = Vec::new();
    // A machine that changed hands shows its new owner none of the old owner's requests.
    for o in requested_orders(storage, tenant, target)
        .await?
        .into_iter()
        .filter(|o| o.header.customer_id == customer_id)
    {
        let token = tokens::current(storage, tenant, LinkKind::Track, &o.id).await?;
        let (_, current, _) = rules::steps(&o);
        out.push(RequestSummary {
            number: o.number.clone(),
            created_at: o.events.first().map_or(0, |e| e.at),
            description: o.header.description.chars().take(120).collect(),
            current,
            track_url: link_url(public_url(), LinkKind::Track, &token),
        });
    }
    Ok(out)
}

/// What a machine's or customer's link opens.
pub async fn entry(storage: &DynStorage, link: &Link) -> Result<Entry> {
    let tenant = &link.tenant;
    let (customer_id, machine) = match link.kind {
        LinkKind::Machine => {
            let e = machine(storage, tenant, &link.target).await?;
            (e.info.customer_id.clone(), Some(e))
        }
        LinkKind::Customer => (link.target.clone(), None),
        LinkKind::Track => return Err(link_not_valid()),
    };
    let customer = customer(storage, tenant, &customer_id).await?;
    let machines = match &machine {
        Some(_) => Vec::new(),
        None => customer_machines(storage, tenant, &customer_id)
            .await?
            .iter()
            .map(|e| card(e, Some(&customer)))
            .collect(),
    };
    Ok(Entry {
        kind: link.kind,
        company: company_name(tenant),
        customer: customer.name.clone(),
        machine: machine.as_ref().map(|e| card(e, Some(&customer))),
        machines,
        requests: summaries(storage, tenant, &link.target, &customer_id).await?,
        offered: OFFERED_TYPES.to_vec(),
        max_photos: rules::MAX_PHOTOS as u32,
    })
}

async fn customer_machines(
    storage: &DynStorage,
    tenant: &str,
    customer_id: &str,
) -> Result<Vec<Equipment>> {
    // Machines name their customer inside the document only: read each (a company's machine
    // list is thousands at most, and this runs when a customer opens their link).
    let mut out = Vec::new();
    for id in storage.doc_ids(tenant, DocType::Equipment.as_str()).await? {
        if let Some(e) = load(
            storage,
            tenant,
            &id,
            DocType::Equipment,
            Equipment::from_doc,
        )
        .await?
            && e.info.customer_id == customer_id
        {
            out.push(e);
        }
    }
    out.sort_by(|a, b| a.info.name.cmp(&b.info.name));
    Ok(out)
}

/// Make the order a customer asked for; its number and tracking link.
pub async fn make_request(
    storage: &DynStorage,
    link: &Link,
    input: &RequestInput,
) -> Result<RequestMade> {
    let tenant = &link.tenant;
    let input = input.check()?;
    for p in &input.photos {
        for h in [&p.hash, &p.thumb_hash] {
            if storage.blob_size(tenant, h).await?.is_none() {
                return Err(ServerError::Refused {
                    code: fieldops_domain::ErrorCode::InvalidBlob,
                    message: "a photo of the request was not uploaded".into(),
                });
            }
        }
    }
    let equipment_id = match link.kind {
        LinkKind::Machine => Some(link.target.clone()),
        LinkKind::Customer => input.equipment_id.clone(),
        LinkKind::Track => return Err(link_not_valid()),
    };
    let machine = match &equipment_id {
        Some(id) => Some(machine(storage, tenant, id).await?),
        None => None,
    };
    let customer_id = match (&machine, link.kind) {
        (Some(m), LinkKind::Customer) if m.info.customer_id != link.target => {
            return Err(ServerError::Domain(DomainError::Refused(
                Refusal::BelongsToAnotherCustomer {
                    name: String::new(),
                },
            )));
        }
        (Some(m), _) => m.info.customer_id.clone(),
        (None, _) => link.target.clone(),
    };
    let customer = customer(storage, tenant, &customer_id).await?;
    let site_id = match &machine {
        Some(m) => m.info.site_id.clone(),
        None => customer
            .sites
            .keys()
            .next()
            .cloned()
            .ok_or_else(link_not_valid)?,
    };
    let settings = settings(storage, tenant).await?;
    let template = settings.as_ref().map_or_else(
        || default_template(input.order_type),
        |s| s.template(input.order_type),
    );
    let tz = settings
        .as_ref()
        .map_or(chrono_tz::Asia::Shanghai, |s| s.time_zone());
    let offset_min = offset_minutes(tz);
    let target = RequestTarget {
        customer_id,
        site_id,
        equipment_id,
        project_id: machine.as_ref().and_then(|m| m.info.project_id.clone()),
        machine_name: machine.as_ref().map(|m| m.info.name.clone()),
    };
    let id = fieldops_domain::model::new_id();
    let mut doc = AutoCommit::new().with_actor(crate::sync::server_actor(tenant));
    rules::new_request_order(
        &mut doc, &id, &input, link.kind, &target, offset_min, &template,
    )?;
    doc.commit();
    store_server_doc(storage, tenant, DocType::Order, &mut doc).await?;
    let order = OrderDoc::from_doc(&doc)?;
    let token = tokens::current(storage, tenant, LinkKind::Track, &id).await?;
    tell_customer(storage, tenant, &order).await;
    Ok(RequestMade {
        number: order.number.clone(),
        track_url: link_url(public_url(), LinkKind::Track, &token),
        track_token: token,
    })
}

fn offset_minutes(tz: chrono_tz::Tz) -> i32 {
    use chrono::{Offset, TimeZone};
    tz.offset_from_utc_datetime(&chrono::Utc::now().naive_utc())
        .fix()
        .local_minus_utc()
        / 60
}

/// The tracking page of the order a tracking token names.
pub async fn tracking(storage: &DynStorage, link: &Link) -> Result<Tracking> {
    require(link, &[LinkKind::Track])?;
    let order = load(
        storage,
        &link.tenant,
        &link.target,
        DocType::Order,
        OrderDoc::from_doc,
    )
    .await?
    .ok_or_else(link_not_valid)?;
    view_of(storage, &link.tenant, &order).await
}

async fn view_of(storage: &DynStorage, tenant: &str, order: &OrderDoc) -> Result<Tracking> {
    let (_, directory) = storage.directory(tenant).await?;
    let machine = match order.header.equipment_ids.first() {
        Some(id) => load(storage, tenant, id, DocType::Equipment, Equipment::from_doc)
            .await?
            .map(|e| e.info.name),
        None => None,
    };
    // The technician's mobile number reaches customers only where the company chose so.
    let shows_phone = settings(storage, tenant)
        .await?
        .and_then(|s| s.portal_shows_phone)
        .unwrap_or(false);
    let phones = if shows_phone {
        crate::accounts::contacts(storage, tenant).await?
    } else {
        Vec::new()
    };
    Ok(rules::tracking(
        order,
        &company_name(tenant),
        machine,
        |id| {
            directory
                .iter()
                .find(|u| u.id == id)
                .map(|u| u.name.clone())
        },
        |id| {
            phones
                .iter()
                .find(|(user, _)| user == id)
                .map(|(_, c)| c.phone.clone())
        },
    ))
}

/// Record the customer's rating on the order a tracking token names.
pub async fn rate(storage: &DynStorage, link: &Link, rating: &RatingInput) -> Result<Tracking> {
    require(link, &[LinkKind::Track])?;
    let (_, typed) = update_server_doc(
        storage,
        &link.tenant,
        &link.target,
        DocType::Order,
        |doc, old| {
            let fieldops_domain::model::TypedDoc::Order(o) = old else {
                return Err(link_not_valid());
            };
            let ok = rules::check_rating(o, rating)?;
            // After every event in the log, whatever the devices' clocks said: a rating that
            // sorted before the completion would not count.
            let last = o.events.iter().map(|e| e.at).max().unwrap_or(0);
            let mut event = OrderEvent {
                stars: Some(ok.stars),
                comment: (!ok.comment.is_empty()).then_some(ok.comment),
                ..OrderEvent::new(EventKind::CustomerRated, CUSTOMER_USER)
            };
            event.at = event.at.max(last + 1);
            order::append_event(doc, &event)?;
            Ok(())
        },
    )
    .await?;
    let fieldops_domain::model::TypedDoc::Order(o) = typed else {
        return Err(link_not_valid());
    };
    view_of(storage, &link.tenant, &o).await
}

/// Queue the messages of every fresh step of a customer's request that the customer has not
/// been told yet, by e-mail and SMS where the company set those up and the customer gave an
/// address. Each (order, step, channel) is one outbox key: told once, whichever instance and
/// however often this runs. Failures are logged: a message never fails the change behind it.
pub async fn tell_customer(storage: &DynStorage, tenant: &str, order: &OrderDoc) {
    if let Err(e) = try_tell_customer(storage, tenant, order).await {
        tracing::warn!(tenant, order = %order.id, error = %e, "customer messages not queued");
    }
}

async fn try_tell_customer(storage: &DynStorage, tenant: &str, order: &OrderDoc) -> Result<()> {
    let Some(request) = &order.header.request else {
        return Ok(());
    };
    let setups = outbox::channel_setups(storage, tenant).await?;
    let mut channels: Vec<(Channel, String)> = Vec::new();
    if setups.contains_key(&Channel::Email) && !request.contact_email.is_empty() {
        channels.push((Channel::Email, request.contact_email.clone()));
    }
    if let Some(ChannelSetup::Sms(_)) = setups.get(&Channel::Sms) {
        channels.push((Channel::Sms, request.contact_phone.clone()));
    }
    if channels.is_empty() {
        return Ok(());
    }
    let now = now_ms();
    let (reached, _, reason) = rules::steps(order);
    // Fresh by the time the server received the step's event (a device offline for a day
    // still tells the customer it is done), or by its device time before that.
    let received = |step: Step| {
        order
            .events
            .iter()
            .filter(|e| step.events().contains(&e.kind))
            .filter_map(|e| order.received.get(&e.id).copied())
            .max()
    };
    let fresh = |step: Step| {
        let at = received(step).or_else(|| reached.iter().find(|r| r.step == step)?.at);
        match step {
            Step::Declined | Step::Cancelled => true,
            _ => at.is_some_and(|at| now - at < TELL_WITHIN_MS),
        }
    };
    let steps: Vec<Step> = rules::steps_to_tell(order)
        .into_iter()
        .filter(|s| fresh(*s))
        .collect();
    if steps.is_empty() {
        return Ok(());
    }
    let view = view_of(storage, tenant, order).await?;
    let token = tokens::current(storage, tenant, LinkKind::Track, &order.id).await?;
    let link = link_url(public_url(), LinkKind::Track, &token);
    let lang = parse_language(&request.language);
    let number = order.number.clone().unwrap_or_default();
    let company = company_name(tenant);
    let mut messages = Vec::new();
    for step in steps {
        let message = rules::step_message(
            step,
            &number,
            &company,
            &link,
            view.technician.as_deref(),
            reason.as_deref(),
            lang,
        );
        for (channel, address) in &channels {
            // Anyone holding a label can type any number: no text message goes out before a
            // person at the company has taken the request on (the page shows its link at once).
            if *channel == Channel::Sms && step == Step::Received {
                continue;
            }
            messages.push(NewMessage {
                key: rules::message_key(&order.id, step, channel.name()),
                channel: *channel,
                recipient: format!("customer:{}", order.id),
                recipient_name: request.contact_name.clone(),
                address: address.clone(),
                mentions: Vec::new(),
                message: message.clone(),
            });
        }
    }
    outbox::insert(storage, tenant, &messages, now).await?;
    Ok(())
}
