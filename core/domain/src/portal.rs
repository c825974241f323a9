//! The customer portal's rules: what a customer may ask for and how it is checked, the
//! progress a tracking page shows (computed from the order's event log, never stored), which
//! steps tell the customer, and the words of those messages. The server serves the portal; the
//! device shows the same request to supervisors. Nothing here knows of tokens or HTTP.

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, Field, Problem, Refusal, Result};
use crate::model::check_text;
use crate::model::order::{CustomerRequest, EventKind, OrderDoc, OrderType, Priority, Status};
use crate::notify::{Language, Message, fill, is_email};

/// Photos one request carries at most.
pub const MAX_PHOTOS: usize = 6;
/// Characters of the fault's description at most.
pub const MAX_DESCRIPTION: usize = 2_000;
/// The longest comment with a rating.
pub const MAX_RATING_COMMENT: usize = 1_000;
/// Bytes of one JSON body the portal accepts (a request's text; photos travel on their own).
/// Larger than any valid request, so that a too-long description is refused by its field
/// and the customer is told which one.
pub const MAX_PORTAL_BODY: usize = 256 * 1024;
/// Bytes of one photo (the page resizes to at most `PHOTO_EDGE` pixels before upload).
pub const MAX_PHOTO_BYTES: usize = 3 * 1024 * 1024;
/// The longest edge the page resizes a photo to, and its thumbnail's.
pub const PHOTO_EDGE: u32 = 1600;
pub const THUMB_EDGE: u32 = 320;

/// The order types a customer may ask for.
pub const OFFERED_TYPES: [OrderType; 4] = [
    OrderType::Repair,
    OrderType::Maintenance,
    OrderType::Installation,
    OrderType::Complaint,
];

/// What a portal link opens: a machine's label, a customer's own link, or one order's tracking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    Machine,
    Customer,
    Track,
}

impl LinkKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::Machine => "machine",
            LinkKind::Customer => "customer",
            LinkKind::Track => "track",
        }
    }

    pub fn parse(s: &str) -> Option<LinkKind> {
        match s {
            "machine" => Some(LinkKind::Machine),
            "customer" => Some(LinkKind::Customer),
            "track" => Some(LinkKind::Track),
            _ => None,
        }
    }

    /// The letter a link's fragment starts with (`/portal/#m/<token>`).
    pub fn letter(self) -> char {
        match self {
            LinkKind::Machine => 'm',
            LinkKind::Customer => 'c',
            LinkKind::Track => 't',
        }
    }
}

/// The address a customer opens: the page, with the kind and token in the fragment (a fragment
/// never reaches a server log or a `Referer`).
pub fn link_url(base: &str, kind: LinkKind, token: &str) -> String {
    format!(
        "{}/portal/#{}/{}",
        base.trim_end_matches('/'),
        kind.letter(),
        token
    )
}

/// A supervisor's ask for portal links: the current link of each machine or customer, or new
/// ones that replace them (`reissue`: the old labels stop working).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct LinksRequest {
    pub kind: LinkKind,
    pub targets: Vec<String>,
    #[serde(default)]
    pub reissue: bool,
}

/// Links asked for at most at once (one label sheet).
pub const MAX_LINKS: usize = 200;

/// One machine's or customer's portal address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct PortalLink {
    pub target: String,
    pub url: String,
}

/// Stop a machine's or customer's link without a new one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct RevokeLink {
    pub kind: LinkKind,
    pub target: String,
}

/// A machine as the request form shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct MachineCard {
    pub id: String,
    pub name: String,
    pub model: String,
    pub serial: String,
    pub site: String,
}

/// One of the customer's earlier requests, with its tracking address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct RequestSummary {
    pub number: Option<String>,
    pub created_at: i64,
    pub description: String,
    pub current: Step,
    pub track_url: String,
}

/// What a machine's label or a customer's link opens: the form, filled in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Entry {
    pub kind: LinkKind,
    pub company: String,
    pub customer: String,
    /// The label's machine (machine links).
    pub machine: Option<MachineCard>,
    /// The customer's machines to pick from (customer links).
    pub machines: Vec<MachineCard>,
    pub requests: Vec<RequestSummary>,
    pub offered: Vec<OrderType>,
    pub max_photos: u32,
}

/// The answer to a request: its number and where to follow it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct RequestMade {
    pub number: Option<String>,
    pub track_url: String,
    pub track_token: String,
}

/// A photo the page resized and uploaded: the picture and its thumbnail, both JPEG blobs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct PortalPhoto {
    pub hash: String,
    pub thumb_hash: String,
    pub width: i64,
    pub height: i64,
}

/// What a customer sends to ask for service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct RequestInput {
    pub order_type: OrderType,
    pub urgency: Priority,
    pub description: String,
    pub contact_name: String,
    pub contact_phone: String,
    #[serde(default)]
    pub contact_email: String,
    #[serde(default)]
    pub preferred_time: String,
    /// Through a customer's link: which of their machines, if one.
    #[serde(default)]
    pub equipment_id: Option<String>,
    #[serde(default)]
    pub photos: Vec<PortalPhoto>,
    #[serde(default)]
    pub language: Language,
}

impl RequestInput {
    /// Check every field; the request as it will be stored, trimmed.
    pub fn check(&self) -> Result<RequestInput> {
        if !OFFERED_TYPES.contains(&self.order_type) {
            return Err(DomainError::Refused(Refusal::TypeNotOffered));
        }
        let description = self.description.trim();
        check_text(Field::Description, description, true, MAX_DESCRIPTION)?;
        let name = self.contact_name.trim();
        check_text(Field::PersonName, name, true, 60)?;
        let phone = self.contact_phone.trim();
        check_text(Field::Phone, phone, true, 30)?;
        let digits = phone.chars().filter(char::is_ascii_digit).count();
        if digits < 5
            || !phone
                .chars()
                .all(|c| c.is_ascii_digit() || "+- ()".contains(c))
        {
            return Err(DomainError::bad_field(Field::Phone, Problem::Malformed));
        }
        let email = self.contact_email.trim();
        if !email.is_empty() && !is_email(email) {
            return Err(DomainError::bad_field(Field::Email, Problem::Malformed));
        }
        let preferred = self.preferred_time.trim();
        check_text(Field::PreferredTime, preferred, false, 100)?;
        if let Some(e) = &self.equipment_id {
            crate::model::check_id("equipment", e)?;
        }
        if self.photos.len() > MAX_PHOTOS {
            return Err(DomainError::Refused(Refusal::TooManyPhotos {
                max: MAX_PHOTOS as u32,
            }));
        }
        for p in &self.photos {
            for h in [&p.hash, &p.thumb_hash] {
                crate::blob::check_hash(h).map_err(|e| DomainError::invalid(e.to_string()))?;
            }
            let edge = PHOTO_EDGE as i64;
            if !(1..=edge).contains(&p.width) || !(1..=edge).contains(&p.height) {
                return Err(DomainError::invalid(format!(
                    "a photo of {}×{} pixels (at most {edge} on a side)",
                    p.width, p.height
                )));
            }
        }
        Ok(RequestInput {
            description: description.to_string(),
            contact_name: name.to_string(),
            contact_phone: phone.to_string(),
            contact_email: email.to_string(),
            preferred_time: preferred.to_string(),
            ..self.clone()
        })
    }

    /// The customer's side as the order keeps it.
    pub fn customer_request(&self, via: LinkKind) -> CustomerRequest {
        CustomerRequest {
            contact_name: self.contact_name.clone(),
            contact_phone: self.contact_phone.clone(),
            contact_email: self.contact_email.clone(),
            preferred_time: self.preferred_time.clone(),
            language: language_tag(self.language).to_string(),
            via: via.as_str().to_string(),
        }
    }
}

pub fn language_tag(l: Language) -> &'static str {
    match l {
        Language::ZhCn => "zh-CN",
        Language::En => "en",
    }
}

pub fn parse_language(tag: &str) -> Language {
    if tag == "en" {
        Language::En
    } else {
        Language::ZhCn
    }
}

/// A customer's rating from the tracking page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct RatingInput {
    pub stars: i64,
    #[serde(default)]
    pub comment: String,
}

/// Whether the customer may rate `order` now: once, after completion, 1 to 5 stars.
pub fn check_rating(order: &OrderDoc, rating: &RatingInput) -> Result<RatingInput> {
    let state = order.state();
    if state.customer_rating.is_some() {
        return Err(DomainError::Refused(Refusal::AlreadyRated));
    }
    if !matches!(state.underlying, Status::Completed | Status::Settled) {
        return Err(DomainError::Refused(Refusal::NotNow {
            status: state.status,
        }));
    }
    if !(1..=5).contains(&rating.stars) {
        return Err(DomainError::Refused(Refusal::RatingOutOfRange));
    }
    let comment = rating.comment.trim();
    check_text(Field::Comment, comment, false, MAX_RATING_COMMENT)?;
    Ok(RatingInput {
        stars: rating.stars,
        comment: comment.to_string(),
    })
}

/// The steps a customer follows, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Received,
    Accepted,
    Assigned,
    OnTheWay,
    OnSite,
    Completed,
    /// The company declined the request (its reason is shown).
    Declined,
    /// The order was cancelled after it was accepted.
    Cancelled,
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Received => "received",
            Step::Accepted => "accepted",
            Step::Assigned => "assigned",
            Step::OnTheWay => "on_the_way",
            Step::OnSite => "on_site",
            Step::Completed => "completed",
            Step::Declined => "declined",
            Step::Cancelled => "cancelled",
        }
    }
}

impl Step {
    /// The events that reach this step.
    pub fn events(self) -> &'static [EventKind] {
        match self {
            Step::Received => &[EventKind::Requested],
            Step::Accepted => &[EventKind::RequestAccepted, EventKind::Dispatched],
            Step::Assigned => &[EventKind::Dispatched],
            Step::OnTheWay => &[EventKind::Travelling],
            Step::OnSite => &[EventKind::CheckedIn],
            Step::Completed => &[EventKind::Completed],
            Step::Declined | Step::Cancelled => &[EventKind::Cancelled],
        }
    }
}

/// One step and when it was reached (ms), if it was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct StepReached {
    pub step: Step,
    pub at: Option<i64>,
}

/// Words a supervisor shared with the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct SharedNote {
    pub at: i64,
    pub text: String,
}

/// Everything a tracking page shows: no prices, costs, internal notes or other orders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Tracking {
    pub company: String,
    pub number: Option<String>,
    pub order_type: OrderType,
    pub urgency: Priority,
    pub description: String,
    pub machine: Option<String>,
    pub preferred_time: String,
    /// The six steps of the normal path, each with its time once reached.
    pub steps: Vec<StepReached>,
    /// Where the order stands now.
    pub current: Step,
    /// Why the company declined or cancelled.
    pub reason: Option<String>,
    /// The lead technician as the customer may know them (a first name, or 张师傅).
    pub technician: Option<String>,
    /// Their mobile number, only where the company chose to show it.
    pub technician_phone: Option<String>,
    pub notes: Vec<SharedNote>,
    pub rating: Option<(i64, String)>,
    pub may_rate: bool,
    pub photos: u32,
    pub language: Language,
}

/// How a customer may know a technician: the first word of a Western name, or the family
/// name and 师傅 ("master") for a Chinese one. Never the phone or the full name.
pub fn public_name(full: &str) -> String {
    let full = full.trim();
    let first = full.chars().next();
    match first {
        Some(c) if ('\u{4e00}'..='\u{9fff}').contains(&c) => format!("{c}师傅"),
        Some(_) => full.split_whitespace().next().unwrap_or("").to_string(),
        None => String::new(),
    }
}

/// The steps reached so far, each with the first time it was reached (a reassignment moves
/// "assigned" to its latest time).
pub fn steps(order: &OrderDoc) -> (Vec<StepReached>, Step, Option<String>) {
    let state = order.state();
    let events = order.sorted_events();
    let first = |kinds: &[EventKind]| {
        events
            .iter()
            .filter(|e| kinds.contains(&e.kind))
            .map(|e| e.at)
            .next()
    };
    let last = |kinds: &[EventKind]| {
        events
            .iter()
            .filter(|e| kinds.contains(&e.kind))
            .map(|e| e.at)
            .next_back()
    };
    let received = first(Step::Received.events()).or_else(|| first(&[EventKind::Created]));
    let accepted = first(Step::Accepted.events());
    let assigned = (!state.assignees.is_empty())
        .then(|| last(Step::Assigned.events()))
        .flatten();
    let open_or_done = |at: Option<i64>| {
        if state.underlying == Status::Cancelled {
            None
        } else {
            at
        }
    };
    let on_the_way = open_or_done(first(Step::OnTheWay.events()));
    let on_site = open_or_done(first(Step::OnSite.events()));
    let completed = state.completed_at;
    let reached = vec![
        StepReached {
            step: Step::Received,
            at: received,
        },
        StepReached {
            step: Step::Accepted,
            at: accepted,
        },
        StepReached {
            step: Step::Assigned,
            at: assigned,
        },
        StepReached {
            step: Step::OnTheWay,
            at: on_the_way,
        },
        StepReached {
            step: Step::OnSite,
            at: on_site,
        },
        StepReached {
            step: Step::Completed,
            at: completed,
        },
    ];
    let reason = || {
        events
            .iter()
            .rev()
            .find(|e| e.kind == EventKind::Cancelled)
            .and_then(|e| e.reason.clone().or_else(|| e.comment.clone()))
    };
    let (current, why) = match state.underlying {
        Status::Cancelled if state.declined => (Step::Declined, reason()),
        Status::Cancelled => (Step::Cancelled, reason()),
        _ => (
            reached
                .iter()
                .rev()
                .find(|s| s.at.is_some())
                .map_or(Step::Received, |s| s.step),
            None,
        ),
    };
    (reached, current, why)
}

/// The tracking page's view of `order`. `name_of` gives a user's full name; `phone_of` their
/// mobile number where the company shows it to customers (None otherwise).
pub fn tracking(
    order: &OrderDoc,
    company: &str,
    machine: Option<String>,
    name_of: impl Fn(&str) -> Option<String>,
    phone_of: impl Fn(&str) -> Option<String>,
) -> Tracking {
    let state = order.state();
    let (steps, current, reason) = steps(order);
    let technician = state
        .assignees
        .first()
        .and_then(|id| name_of(id))
        .map(|n| public_name(&n))
        .filter(|n| !n.is_empty());
    let technician_phone = state
        .assignees
        .first()
        .and_then(|id| phone_of(id))
        .filter(|p| !p.is_empty());
    let notes = order
        .sorted_events()
        .into_iter()
        .filter(|e| e.kind == EventKind::SharedNote)
        .filter_map(|e| e.comment.clone().map(|text| SharedNote { at: e.at, text }))
        .collect();
    let request = order.header.request.as_ref();
    Tracking {
        company: company.to_string(),
        number: order.number.clone(),
        order_type: order.header.order_type,
        urgency: order.header.priority,
        description: order.header.description.clone(),
        machine,
        preferred_time: request
            .map(|r| r.preferred_time.clone())
            .unwrap_or_default(),
        steps,
        current,
        reason,
        technician,
        technician_phone,
        notes,
        rating: state.customer_rating.clone(),
        may_rate: state.customer_rating.is_none()
            && matches!(state.underlying, Status::Completed | Status::Settled),
        photos: order
            .photos
            .values()
            .filter(|p| p.by == crate::model::order::CUSTOMER_USER)
            .count() as u32,
        language: request.map_or(Language::ZhCn, |r| parse_language(&r.language)),
    }
}

/// The steps the customer hears of by message (each once): received, accepted, assigned, on
/// the way, completed, declined or cancelled. Arriving on site is shown on the page only.
pub fn steps_to_tell(order: &OrderDoc) -> Vec<Step> {
    let (reached, current, _) = steps(order);
    let mut out: Vec<Step> = reached
        .iter()
        .filter(|s| s.at.is_some() && s.step != Step::OnSite)
        .map(|s| s.step)
        .collect();
    if matches!(current, Step::Declined | Step::Cancelled) {
        out.push(current);
    }
    out
}

/// The message for one step. `{number}` is the order's number, `{link}` the tracking page.
pub fn step_message(
    step: Step,
    number: &str,
    company: &str,
    link: &str,
    technician: Option<&str>,
    reason: Option<&str>,
    lang: Language,
) -> Message {
    let (subject, body) = match (step, lang) {
        (Step::Received, Language::ZhCn) => (
            "已收到您的报修 {number}",
            "{company} 已收到您的报修 {number}，我们会尽快处理。查看进度：{link}",
        ),
        (Step::Received, Language::En) => (
            "Request {number} received",
            "{company} has received your request {number} and will handle it soon. Follow it here: {link}",
        ),
        (Step::Accepted, Language::ZhCn) => (
            "报修 {number} 已受理",
            "{company} 已受理您的报修 {number}，正在安排技术员。查看进度：{link}",
        ),
        (Step::Accepted, Language::En) => (
            "Request {number} accepted",
            "{company} has accepted your request {number} and is arranging a technician. Follow it here: {link}",
        ),
        (Step::Assigned, Language::ZhCn) => (
            "报修 {number} 已派工",
            "已为您的报修 {number} 安排技术员 {technician}。查看进度：{link}",
        ),
        (Step::Assigned, Language::En) => (
            "A technician for request {number}",
            "{technician} will handle your request {number}. Follow it here: {link}",
        ),
        (Step::OnTheWay, Language::ZhCn) => (
            "技术员正在前往：{number}",
            "技术员 {technician} 正在前往现场处理报修 {number}。查看进度：{link}",
        ),
        (Step::OnTheWay, Language::En) => (
            "Technician on the way: {number}",
            "{technician} is on the way for your request {number}. Follow it here: {link}",
        ),
        (Step::OnSite, Language::ZhCn) => (
            "技术员已到达：{number}",
            "技术员 {technician} 已到达现场。查看进度：{link}",
        ),
        (Step::OnSite, Language::En) => (
            "Technician on site: {number}",
            "{technician} has arrived. Follow it here: {link}",
        ),
        (Step::Completed, Language::ZhCn) => (
            "报修 {number} 已完成",
            "您的报修 {number} 已完成。欢迎在此为本次服务评分：{link}",
        ),
        (Step::Completed, Language::En) => (
            "Request {number} completed",
            "Your request {number} is completed. Please rate the service here: {link}",
        ),
        (Step::Declined, Language::ZhCn) => (
            "报修 {number} 未被受理",
            "很抱歉，{company} 未能受理您的报修 {number}。原因：{reason}",
        ),
        (Step::Declined, Language::En) => (
            "Request {number} declined",
            "Sorry, {company} cannot take on your request {number}. Reason: {reason}",
        ),
        (Step::Cancelled, Language::ZhCn) => (
            "报修 {number} 已取消",
            "您的报修 {number} 已取消。原因：{reason}",
        ),
        (Step::Cancelled, Language::En) => (
            "Request {number} cancelled",
            "Your request {number} was cancelled. Reason: {reason}",
        ),
    };
    let technician = technician.unwrap_or(match lang {
        Language::ZhCn => "技术员",
        Language::En => "A technician",
    });
    let reason = reason.filter(|r| !r.is_empty()).unwrap_or("-");
    let values = [
        ("number", number),
        ("company", company),
        ("link", link),
        ("technician", technician),
        ("reason", reason),
    ];
    Message {
        subject: fill(subject, &values),
        body: fill(body, &values),
    }
}

/// Where a request is for: the customer and site, and the machine when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestTarget {
    pub customer_id: String,
    pub site_id: String,
    pub equipment_id: Option<String>,
    pub project_id: Option<String>,
    pub machine_name: Option<String>,
}

/// Write the order a portal request becomes: created and requested in the customer's name,
/// with what they told and the photos they sent, waiting for a supervisor.
pub fn new_request_order(
    doc: &mut automerge::AutoCommit,
    id: &str,
    input: &RequestInput,
    via: LinkKind,
    target: &RequestTarget,
    tz_offset_min: i32,
    template: &crate::model::settings::Template,
) -> Result<()> {
    use crate::model::order::{self, CUSTOMER_USER, OrderEvent, OrderInput, PhotoRef};
    let description = match &target.machine_name {
        Some(m) => format!("{m}: {}", input.description),
        None => input.description.clone(),
    };
    let order_input = OrderInput {
        order_type: input.order_type,
        priority: input.urgency,
        customer_id: target.customer_id.clone(),
        site_id: target.site_id.clone(),
        equipment_ids: target.equipment_id.iter().cloned().collect(),
        project_id: target.project_id.clone(),
        description,
        scheduled_start: None,
        scheduled_end: None,
    };
    order::new_order_doc_with_id(
        doc,
        id,
        CUSTOMER_USER,
        tz_offset_min,
        &order_input,
        template,
    )?;
    order::set_request(doc, &input.customer_request(via))?;
    let now = crate::model::now_ms();
    for p in &input.photos {
        order::put_photo(
            doc,
            &crate::model::new_id(),
            &PhotoRef {
                hash: p.hash.clone(),
                thumb_hash: p.thumb_hash.clone(),
                caption: String::new(),
                width: p.width,
                height: p.height,
                by: CUSTOMER_USER.to_string(),
                at: now,
                event_id: None,
                position: None,
            },
        )?;
    }
    order::append_event(
        doc,
        &OrderEvent {
            tz_offset_min,
            ..OrderEvent::new(EventKind::Requested, CUSTOMER_USER)
        },
    )
}

/// The outbox key of one step's message to one address: a step is told once per channel.
pub fn message_key(order_id: &str, step: Step, channel: &str) -> String {
    format!("portal:{order_id}:{}>{channel}", step.as_str())
}

#[cfg(test)]
mod tests;
