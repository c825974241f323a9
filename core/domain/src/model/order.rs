//! Work order documents: a header that supervisors edit field by field, an append-only event
//! log, a checklist, charge lines (technician) and cost lines (supervisor). The status is
//! never stored: it is a deterministic fold over the log, so two devices that saw the same
//! events agree on the status whatever order they merged in.

use crate::error::Field;
use std::collections::{BTreeMap, BTreeSet};

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ROOT, ReadDoc};
use serde::{Deserialize, Serialize};

use super::money::{self, LineAmounts};
use super::{check_id, check_text, enum_name, new_id, now_ms};
use crate::crdt;
use crate::error::{DomainError, Result};
use crate::geo::{Position, check_position};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum OrderType {
    Installation,
    Repair,
    Upgrade,
    Maintenance,
    Inspection,
    Testing,
    Training,
    Complaint,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    Normal,
    High,
    Urgent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    #[default]
    Created,
    Dispatched,
    Accepted,
    Rejected,
    Travelling,
    CheckedIn,
    Progress,
    CheckedOut,
    Completed,
    Rated,
    Settled,
    Reopened,
    Cancelled,
    /// A supervisor's decision on conflicting events (listed in `resolves`).
    Resolved,
    /// A customer asked for this order on the portal (the first event of such an order,
    /// written by the server in the name of `CUSTOMER_USER`).
    Requested,
    /// A supervisor took the customer's request into the normal flow.
    RequestAccepted,
    /// Words a supervisor shares with the customer on the tracking page (`comment`).
    SharedNote,
    /// The customer's own rating on the tracking page (`stars`, `comment`), once.
    CustomerRated,
    /// The knowledge entry (`entry`) that fixed the problem; the last one counts.
    FixedWith,
    /// A supervisor withdrew the customer's signature (`reason`) so the worksheet can change.
    SignatureWithdrawn,
}

impl EventKind {
    /// Field work the assigned technician records.
    pub fn is_field_work(self) -> bool {
        matches!(
            self,
            EventKind::Accepted
                | EventKind::Rejected
                | EventKind::Travelling
                | EventKind::CheckedIn
                | EventKind::Progress
                | EventKind::CheckedOut
                | EventKind::Completed
                | EventKind::Rated
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Asked for by a customer on the portal; a supervisor accepts or declines it.
    Requested,
    /// Created, nobody assigned yet.
    New,
    Dispatched,
    Accepted,
    /// The assignee declined; waits for the supervisor to dispatch again.
    Rejected,
    Travelling,
    OnSite,
    /// Left the site, work not finished (another visit follows).
    CheckedOut,
    Completed,
    Settled,
    Cancelled,
    /// Events that cannot all hold were merged; a supervisor must decide.
    Conflict,
}

impl Status {
    /// Every status, in the order of work.
    pub const ALL: [Status; 12] = [
        Status::Requested,
        Status::New,
        Status::Dispatched,
        Status::Accepted,
        Status::Rejected,
        Status::Travelling,
        Status::OnSite,
        Status::CheckedOut,
        Status::Completed,
        Status::Settled,
        Status::Cancelled,
        Status::Conflict,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Requested => "requested",
            Status::New => "new",
            Status::Dispatched => "dispatched",
            Status::Accepted => "accepted",
            Status::Rejected => "rejected",
            Status::Travelling => "travelling",
            Status::OnSite => "on_site",
            Status::CheckedOut => "checked_out",
            Status::Completed => "completed",
            Status::Settled => "settled",
            Status::Cancelled => "cancelled",
            Status::Conflict => "conflict",
        }
    }

    /// Still work to do: may be dispatched, worked, cancelled.
    pub fn is_open(self) -> bool {
        !matches!(
            self,
            Status::Completed | Status::Settled | Status::Cancelled
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct OrderDoc {
    pub doc_type: String,
    pub id: String,
    /// The human number (WO-202611-0042), written by the server on first sync.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    pub header: OrderHeader,
    pub events: Vec<OrderEvent>,
    #[serde(default)]
    pub checklist: BTreeMap<String, ChecklistItem>,
    #[serde(default)]
    pub charges: BTreeMap<String, ChargeLine>,
    #[serde(default)]
    pub costs: BTreeMap<String, CostLine>,
    /// Server-received time (ms) per event id, written by the server when the event arrives.
    #[serde(default)]
    pub received: BTreeMap<String, i64>,
    /// The customer's signature, captured on the technician's device (a blob reference).
    #[serde(default)]
    pub signature: Option<SignatureRef>,
    /// Site photos by photo id (blob references; absent in orders made before photos).
    #[serde(default)]
    pub photos: BTreeMap<String, PhotoRef>,
}

/// The longest edge of a stored site photo, in pixels (the photo pipeline resizes to it).
pub const PHOTO_MAX_EDGE: u32 = 2048;

/// A site photo: the stored JPEG and its thumbnail are blobs; when and where it was taken is
/// kept here, never in the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct PhotoRef {
    pub hash: String,
    pub thumb_hash: String,
    #[serde(default)]
    pub caption: String,
    pub width: i64,
    pub height: i64,
    pub by: String,
    /// Device time of capture (attachment), ms since the epoch.
    pub at: i64,
    /// The progress note or check-in the photo belongs to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SignatureRef {
    /// SHA-256 of the PNG, lowercase hex.
    pub hash: String,
    pub signer: String,
    pub by: String,
    pub at: i64,
}

/// Whether an order type needs the customer's signature before it may be completed.
pub fn signature_required(order_type: OrderType) -> bool {
    matches!(order_type, OrderType::Installation)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct OrderHeader {
    pub order_type: OrderType,
    pub priority: Priority,
    pub customer_id: String,
    pub site_id: String,
    #[serde(default)]
    pub equipment_ids: Vec<String>,
    #[serde(default)]
    pub project_id: Option<String>,
    pub description: String,
    pub scheduled_start: Option<i64>,
    pub scheduled_end: Option<i64>,
    /// From the order type's template when the order was created (absent: the type's default).
    #[serde(default)]
    pub signature_required: Option<bool>,
    #[serde(default)]
    pub rating_asked: Option<bool>,
    /// The planned visit this order was made for (set at creation, never changed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_visit: Option<PlanVisit>,
    /// What the customer told the portal when asking for this order (set at creation by the
    /// server, never changed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<CustomerRequest>,
}

/// The customer's side of a portal request: who to call and when it suits them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CustomerRequest {
    pub contact_name: String,
    pub contact_phone: String,
    #[serde(default)]
    pub contact_email: String,
    #[serde(default)]
    pub preferred_time: String,
    /// `zh-CN` or `en`: the language of the customer's messages.
    pub language: String,
    /// Whether it came through a machine's label (`machine`) or the customer's link.
    pub via: String,
}

/// Which planned visit an order does: the machine, its plan and the visit's date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct PlanVisit {
    pub equipment_id: String,
    /// A plan id, or `interval` for the machine's plain maintenance interval.
    pub plan_id: String,
    /// YYYY-MM-DD.
    pub due_on: String,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct OrderEvent {
    pub id: String,
    pub kind: EventKind,
    /// Device time, milliseconds since the Unix epoch (UTC).
    pub at: i64,
    /// The device's UTC offset in minutes when the event was recorded, for display.
    #[serde(default)]
    pub tz_offset_min: i32,
    /// The user who recorded the event.
    pub by: String,
    /// Dispatch: the assignees; the first one leads.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub to: Vec<String>,
    /// Reject, reopen, cancel: why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Progress note, or a supervisor's resolution note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Completed: what was done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
    /// Check-in / check-out: where the device was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
    /// Rated: 1 to 5 stars and the customer's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stars: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Resolved: the ids of the conflicting events this decision settles.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resolves: Vec<String>,
    /// FixedWith: the knowledge entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
    /// Dispatched: the dispatcher saw that the technicians taken off had work under way and
    /// reassigned anyway. Without it, such a reassignment (made offline, or before their work
    /// arrived) is a conflict for a supervisor to look at.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub over_work: bool,
}

impl OrderEvent {
    /// A new event of `kind` by `by`, now.
    pub fn new(kind: EventKind, by: &str) -> OrderEvent {
        OrderEvent {
            id: new_id(),
            kind,
            at: now_ms(),
            by: by.to_string(),
            ..OrderEvent::default()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ChecklistItem {
    pub label: String,
    pub required: bool,
    pub position: i64,
    pub done: bool,
    #[serde(default)]
    pub done_by: Option<String>,
    #[serde(default)]
    pub done_at: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ChargeKind {
    PartsFee,
    ServiceFee,
    TravelFee,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum CostKind {
    PartsCost,
    Labour,
    Travel,
    Other,
}

/// What the customer is charged (entered by the technician at completion).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ChargeLine {
    pub kind: ChargeKind,
    pub description: String,
    pub quantity_milli: i64,
    pub unit_price_minor: i64,
    pub discount_bp: i64,
    pub tax_rate_bp: i64,
    pub currency: String,
    pub by: String,
    pub at: i64,
    /// Set when the line records a part taken from stock (the movement in the location's ledger).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub movement_id: Option<String>,
}

/// What the order cost us (entered by the supervisor at accounting).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CostLine {
    pub kind: CostKind,
    pub description: String,
    pub quantity_milli: i64,
    pub unit_cost_minor: i64,
    pub currency: String,
    pub by: String,
    pub at: i64,
    /// Set when the line is the cost of a part taken from stock; the technician who used the
    /// part records it with the part's catalogue cost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub movement_id: Option<String>,
}

impl ChargeLine {
    pub fn amounts(&self) -> LineAmounts {
        money::line_amounts(
            self.quantity_milli,
            self.unit_price_minor,
            self.discount_bp,
            self.tax_rate_bp,
        )
    }
}

impl CostLine {
    pub fn amount(&self) -> i64 {
        money::line_amounts(self.quantity_milli, self.unit_cost_minor, 0, 0).total
    }
}

/// Order-level money, all in one currency (minor units).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS)]
pub struct Totals {
    pub currency: Option<String>,
    pub charges_net: i64,
    pub charges_tax: i64,
    pub charges_total: i64,
    pub costs_total: i64,
    /// Net charges minus costs (tax is passed through, not income).
    pub gross_profit: i64,
    /// Gross profit ÷ net charges, basis points; None without charges.
    pub margin_bp: Option<i64>,
    /// Lines in another currency than the first line's are left out and listed here.
    pub other_currency_lines: Vec<String>,
}

/// What a supervisor types to create or edit an order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct OrderInput {
    pub order_type: OrderType,
    pub priority: Priority,
    pub customer_id: String,
    pub site_id: String,
    #[serde(default)]
    pub equipment_ids: Vec<String>,
    #[serde(default)]
    pub project_id: Option<String>,
    pub description: String,
    #[serde(default)]
    pub scheduled_start: Option<i64>,
    #[serde(default)]
    pub scheduled_end: Option<i64>,
}

impl OrderInput {
    pub fn validate(&self) -> Result<()> {
        check_id("customer", &self.customer_id)?;
        check_id("site", &self.site_id)?;
        for e in &self.equipment_ids {
            check_id("equipment", e)?;
        }
        if let Some(p) = &self.project_id {
            check_id("project", p)?;
        }
        check_text(Field::Description, &self.description, true, 10_000)?;
        if let (Some(s), Some(e)) = (self.scheduled_start, self.scheduled_end)
            && e < s
        {
            return Err(DomainError::invalid(
                "the scheduled end is before the scheduled start",
            ));
        }
        Ok(())
    }
}

/// The checklist an order type starts with: (label, required).
pub fn default_checklist(order_type: OrderType) -> &'static [(&'static str, bool)] {
    match order_type {
        OrderType::Installation => &[
            ("Site prepared / 现场准备就绪", true),
            ("Unit installed and levelled / 设备安装调平", true),
            ("Commissioning test passed / 调试通过", true),
            ("Customer trained / 客户培训", false),
        ],
        OrderType::Repair => &[
            ("Fault confirmed / 故障确认", true),
            ("Root cause found / 找到原因", true),
            ("Repair verified / 维修验证", true),
            ("Area cleaned / 现场清理", false),
        ],
        OrderType::Upgrade => &[
            ("Backup taken / 已备份", true),
            ("Upgrade applied / 升级完成", true),
            ("Function test passed / 功能测试通过", true),
        ],
        OrderType::Maintenance => &[
            ("Filters replaced / 更换滤网", true),
            ("Lubrication / 润滑", true),
            ("Calibration / 校准", false),
            ("Safety check / 安全检查", true),
        ],
        OrderType::Inspection => &[
            ("Visual inspection / 外观检查", true),
            ("Readings recorded / 记录读数", true),
            ("Safety devices tested / 安全装置测试", true),
        ],
        OrderType::Testing => &[
            ("Test plan agreed / 测试方案确认", true),
            ("Measurements recorded / 记录测量值", true),
            ("Report handed over / 提交报告", false),
        ],
        OrderType::Training => &[
            ("Attendance recorded / 签到", true),
            ("Hands-on session / 实操", true),
            ("Feedback collected / 收集反馈", false),
        ],
        OrderType::Complaint => &[
            ("Complaint understood / 了解投诉", true),
            ("Corrective action / 纠正措施", true),
            ("Customer agrees / 客户认可", true),
        ],
    }
}

/// The result of folding the event log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct OrderState {
    pub status: Status,
    /// The status the log gives when conflicts are set aside.
    pub underlying: Status,
    /// Current assignees; the first one leads.
    pub assignees: Vec<String>,
    /// Everyone the order was ever dispatched to: they may still report work they did offline.
    pub ever_assigned: BTreeSet<String>,
    /// Why the order is in conflict, in words, one line per unresolved clash.
    pub conflicts: Vec<String>,
    /// The events behind `conflicts`, in the same order.
    pub conflict_events: Vec<String>,
    /// The same clashes as `conflicts`, as data for the screen to put into words.
    #[serde(default)]
    pub clashes: Vec<Clash>,
    /// Per current assignee, the last step of field work they recorded since the order was
    /// dispatched to them (accepted, set off, checked in, …): their work under way.
    #[serde(default)]
    pub working: BTreeMap<String, EventKind>,
    pub accepted_by: Vec<String>,
    pub resolution: Option<String>,
    pub rating: Option<(i64, String)>,
    /// The customer's own rating from the tracking page.
    pub customer_rating: Option<(i64, String)>,
    /// Declined: cancelled while it was still a customer's request.
    pub declined: bool,
    /// Milliseconds between check-ins and the following check-outs (time on site).
    pub on_site_ms: i64,
    /// Milliseconds between setting off (`travelling`) and the following check-in.
    #[serde(default)]
    pub travel_ms: i64,
    /// How many times the order was reopened after it was finished.
    #[serde(default)]
    pub reopened: u32,
    pub completed_at: Option<i64>,
    /// The knowledge entry marked as the one that fixed it.
    pub fixed_with: Option<String>,
}

impl OrderDoc {
    pub fn from_doc(doc: &AutoCommit) -> Result<OrderDoc> {
        let json = crdt::to_json(doc)?;
        let o: OrderDoc = serde_json::from_value(json)
            .map_err(|e| DomainError::CorruptDocument(format!("order: {e}")))?;
        o.check_invariants()?;
        Ok(o)
    }

    pub fn check_invariants(&self) -> Result<()> {
        if self.doc_type != "order" {
            return Err(DomainError::CorruptDocument(
                "doc_type is not 'order'".into(),
            ));
        }
        check_id("order id", &self.id)?;
        check_id("customer", &self.header.customer_id)?;
        check_id("site", &self.header.site_id)?;
        check_text(Field::Description, &self.header.description, false, 10_000)?;
        if let Some(n) = &self.number {
            check_text(Field::OrderNumber, n, true, 40)?;
        }
        let mut seen = BTreeSet::new();
        for e in &self.events {
            check_id("event id", &e.id)?;
            if !seen.insert(e.id.as_str()) {
                return Err(DomainError::CorruptDocument(format!(
                    "event {} appears twice",
                    e.id
                )));
            }
            if e.by.is_empty() {
                return Err(DomainError::CorruptDocument(format!(
                    "event {} has no author",
                    e.id
                )));
            }
            if e.kind == EventKind::Dispatched && e.to.is_empty() {
                return Err(DomainError::CorruptDocument(
                    "a dispatch names nobody".into(),
                ));
            }
            for t in [&e.reason, &e.note, &e.resolution, &e.comment]
                .into_iter()
                .flatten()
            {
                check_text(Field::EventText, t, false, 5_000)?;
            }
            if let Some(s) = e.stars
                && !(1..=5).contains(&s)
            {
                return Err(DomainError::CorruptDocument(format!(
                    "a rating of {s} stars"
                )));
            }
            if let Some(p) = &e.position {
                check_position(p)?;
            }
        }
        if let Some(r) = &self.header.request {
            for (field, text, max) in [
                (Field::PersonName, &r.contact_name, 60),
                (Field::Phone, &r.contact_phone, 30),
                (Field::Email, &r.contact_email, 254),
                (Field::PreferredTime, &r.preferred_time, 100),
                (Field::Note, &r.language, 10),
                (Field::Note, &r.via, 10),
            ] {
                check_text(field, text, false, max)?;
            }
        }
        if let Some(sig) = &self.signature {
            crate::blob::check_hash(&sig.hash)
                .map_err(|e| DomainError::CorruptDocument(e.to_string()))?;
            check_text(Field::Signer, &sig.signer, false, 200)?;
        }
        if self.photos.len() > 500 {
            return Err(DomainError::CorruptDocument("more than 500 photos".into()));
        }
        for (id, p) in &self.photos {
            check_id("photo", id)?;
            for h in [&p.hash, &p.thumb_hash] {
                crate::blob::check_hash(h)
                    .map_err(|e| DomainError::CorruptDocument(e.to_string()))?;
            }
            check_text(Field::PhotoCaption, &p.caption, false, 500)?;
            if !(1..=PHOTO_MAX_EDGE as i64).contains(&p.width)
                || !(1..=PHOTO_MAX_EDGE as i64).contains(&p.height)
            {
                return Err(DomainError::CorruptDocument(format!(
                    "photo {id} claims {}×{} pixels",
                    p.width, p.height
                )));
            }
            if let Some(pos) = &p.position {
                check_position(pos)?;
            }
        }
        for (id, c) in &self.checklist {
            check_id("checklist item", id)?;
            check_text(Field::ChecklistItem, &c.label, true, 500)?;
        }
        for (id, c) in &self.charges {
            check_id("charge line", id)?;
            check_text(Field::ChargeDescription, &c.description, false, 500)?;
            money::check_line(
                c.quantity_milli,
                c.unit_price_minor,
                c.discount_bp,
                c.tax_rate_bp,
                &c.currency,
            )
            .map_err(|e| DomainError::CorruptDocument(format!("charge {id}: {e}")))?;
        }
        for (id, c) in &self.costs {
            check_id("cost line", id)?;
            check_text(Field::CostDescription, &c.description, false, 500)?;
            money::check_line(c.quantity_milli, c.unit_cost_minor, 0, 0, &c.currency)
                .map_err(|e| DomainError::CorruptDocument(format!("cost {id}: {e}")))?;
        }
        Ok(())
    }

    /// The events in fold order: device time, then author, then id.
    /// When the order was last dispatched (ms), if ever.
    pub fn last_dispatched_at(&self) -> Option<i64> {
        self.events
            .iter()
            .filter(|e| e.kind == EventKind::Dispatched)
            .map(|e| e.at)
            .max()
    }

    pub fn sorted_events(&self) -> Vec<&OrderEvent> {
        let mut ev: Vec<&OrderEvent> = self.events.iter().collect();
        ev.sort_by(|a, b| (a.at, &a.by, &a.id).cmp(&(b.at, &b.by, &b.id)));
        ev
    }

    pub fn state(&self) -> OrderState {
        fold(&self.sorted_events())
    }

    /// What completion still needs: required checklist items not yet ticked, and the
    /// customer's signature where the order type requires one.
    pub fn missing_required(&self) -> Vec<&str> {
        let mut items: Vec<&ChecklistItem> = self
            .checklist
            .values()
            .filter(|c| c.required && !c.done)
            .collect();
        items.sort_by_key(|c| c.position);
        let mut out: Vec<&str> = items.into_iter().map(|c| c.label.as_str()).collect();
        if self.needs_signature() && self.signature.is_none() {
            out.push("Customer signature / 客户签名");
        }
        out
    }

    pub fn needs_signature(&self) -> bool {
        self.header
            .signature_required
            .unwrap_or_else(|| signature_required(self.header.order_type))
    }

    pub fn asks_rating(&self) -> bool {
        self.header.rating_asked.unwrap_or(true)
    }

    pub fn totals(&self) -> Totals {
        let mut t = Totals::default();
        let mut charges: Vec<(&String, &ChargeLine)> = self.charges.iter().collect();
        charges.sort_by_key(|(id, c)| (c.at, *id));
        let mut costs: Vec<(&String, &CostLine)> = self.costs.iter().collect();
        costs.sort_by_key(|(id, c)| (c.at, *id));
        let first = charges
            .first()
            .map(|(_, c)| c.currency.clone())
            .or_else(|| costs.first().map(|(_, c)| c.currency.clone()));
        t.currency = first.clone();
        for (id, c) in charges {
            if Some(&c.currency) != first.as_ref() {
                t.other_currency_lines.push((*id).clone());
                continue;
            }
            let a = c.amounts();
            t.charges_net += a.net;
            t.charges_tax += a.tax;
            t.charges_total += a.total;
        }
        for (id, c) in costs {
            if Some(&c.currency) != first.as_ref() {
                t.other_currency_lines.push((*id).clone());
                continue;
            }
            t.costs_total += c.amount();
        }
        t.gross_profit = t.charges_net - t.costs_total;
        t.margin_bp = (t.charges_net != 0)
            .then(|| money::mul_div_round(t.gross_profit, 10_000, t.charges_net));
        t
    }
}

/// Why an event does not fit where it lands in the order's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "clash", rename_all = "snake_case")]
pub enum Clash {
    /// Field work by someone the order was not dispatched to (any more).
    NotAssigned {
        by: String,
        event: EventKind,
        assignees: Vec<String>,
    },
    /// A step the order's status did not allow then.
    NotNow {
        by: String,
        event: EventKind,
        status: Status,
    },
    /// Completed a second time with another resolution.
    CompletedAgain { by: String },
    /// Reassigned away from technicians whose work was under way, without the dispatcher
    /// having seen it: who was taken off and the last step each had recorded.
    ReassignedOverWork {
        by: String,
        to: Vec<String>,
        taken_off: Vec<(String, EventKind)>,
    },
}

impl Clash {
    /// The clash in English words, for logs and exports (the screen translates the data).
    pub fn describe(&self) -> String {
        match self {
            Clash::NotAssigned {
                by,
                event,
                assignees,
            } => format!(
                "{by} recorded '{}', but the order is dispatched to {}",
                enum_name(event),
                if assignees.is_empty() {
                    "nobody".to_string()
                } else {
                    assignees.join(", ")
                }
            ),
            Clash::NotNow { by, event, status } => format!(
                "{by} recorded '{}' while the order was {}",
                enum_name(event),
                status.as_str()
            ),
            Clash::CompletedAgain { by } => {
                format!("{by} completed the order again with another resolution")
            }
            Clash::ReassignedOverWork { by, to, taken_off } => format!(
                "{by} reassigned the order to {} while {} had work under way",
                to.join(", "),
                taken_off
                    .iter()
                    .map(|(u, k)| format!("{u} ({})", enum_name(k)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

impl OrderState {
    /// The current assignees a dispatch to `to` would take off while their work is under way,
    /// with the last step each recorded.
    pub fn work_taken_off(&self, to: &[String]) -> Vec<(String, EventKind)> {
        self.working
            .iter()
            .filter(|(u, _)| !to.contains(u))
            .map(|(u, k)| (u.clone(), *k))
            .collect()
    }
}

/// The status machine. An event that is not valid where it lands in the fold is kept in the
/// log and recorded as a conflict, until a supervisor's `resolved` event names it.
pub fn fold(events: &[&OrderEvent]) -> OrderState {
    let mut st = OrderState {
        status: Status::New,
        underlying: Status::New,
        assignees: Vec::new(),
        ever_assigned: BTreeSet::new(),
        conflicts: Vec::new(),
        conflict_events: Vec::new(),
        clashes: Vec::new(),
        working: BTreeMap::new(),
        accepted_by: Vec::new(),
        resolution: None,
        rating: None,
        customer_rating: None,
        declined: false,
        on_site_ms: 0,
        travel_ms: 0,
        reopened: 0,
        completed_at: None,
        fixed_with: None,
    };
    let mut s = Status::New;
    let mut checked_in_at: Option<i64> = None;
    let mut set_off_at: Option<i64> = None;
    for e in events {
        let assigned = st.assignees.contains(&e.by);
        let clash = Some;
        let outcome: Option<Clash> = match e.kind {
            EventKind::Created => None,
            EventKind::Requested if s == Status::New && st.ever_assigned.is_empty() => {
                s = Status::Requested;
                None
            }
            EventKind::RequestAccepted if s == Status::Requested => {
                s = Status::New;
                None
            }
            EventKind::SharedNote | EventKind::SignatureWithdrawn => None,
            EventKind::FixedWith => {
                st.fixed_with = e.entry.clone();
                None
            }
            EventKind::CustomerRated
                if matches!(s, Status::Completed | Status::Settled)
                    && st.customer_rating.is_none() =>
            {
                st.customer_rating = e.stars.map(|n| (n, e.comment.clone().unwrap_or_default()));
                None
            }
            EventKind::Dispatched if s.is_open() => {
                let taken_off = st.work_taken_off(&e.to);
                // Everyone who stays keeps their place in the work; those taken off keep
                // what they recorded, in the log.
                st.working.retain(|u, _| e.to.contains(u));
                st.assignees = e.to.clone();
                st.ever_assigned.extend(e.to.iter().cloned());
                st.accepted_by.clear();
                s = Status::Dispatched;
                (!taken_off.is_empty() && !e.over_work).then(|| Clash::ReassignedOverWork {
                    by: e.by.clone(),
                    to: e.to.clone(),
                    taken_off,
                })
            }
            EventKind::Dispatched => clash(Clash::NotNow {
                by: e.by.clone(),
                event: e.kind,
                status: s,
            }),
            EventKind::Reopened if !s.is_open() => {
                s = if st.assignees.is_empty() {
                    Status::New
                } else {
                    Status::Dispatched
                };
                st.accepted_by.clear();
                st.working.clear();
                st.resolution = None;
                st.completed_at = None;
                st.declined = false;
                st.reopened += 1;
                None
            }
            EventKind::Cancelled if s.is_open() => {
                st.declined = s == Status::Requested;
                s = Status::Cancelled;
                None
            }
            EventKind::Settled if s == Status::Completed => {
                s = Status::Settled;
                None
            }
            EventKind::Resolved => {
                let mut i = 0;
                while i < st.conflict_events.len() {
                    if e.resolves.contains(&st.conflict_events[i]) {
                        st.conflict_events.remove(i);
                        st.conflicts.remove(i);
                        st.clashes.remove(i);
                    } else {
                        i += 1;
                    }
                }
                None
            }
            k if k.is_field_work() && !assigned => clash(Clash::NotAssigned {
                by: e.by.clone(),
                event: k,
                assignees: st.assignees.clone(),
            }),
            EventKind::Accepted if matches!(s, Status::Dispatched | Status::Accepted) => {
                if !st.accepted_by.contains(&e.by) {
                    st.accepted_by.push(e.by.clone());
                }
                s = Status::Accepted;
                None
            }
            EventKind::Rejected if matches!(s, Status::Dispatched | Status::Accepted) => {
                st.accepted_by.retain(|u| u != &e.by);
                s = Status::Rejected;
                None
            }
            EventKind::Travelling if matches!(s, Status::Accepted | Status::CheckedOut) => {
                set_off_at = Some(e.at);
                s = Status::Travelling;
                None
            }
            EventKind::CheckedIn
                if matches!(
                    s,
                    Status::Accepted | Status::Travelling | Status::CheckedOut
                ) =>
            {
                if let Some(t) = set_off_at.take() {
                    st.travel_ms += (e.at - t).max(0);
                }
                checked_in_at = Some(e.at);
                s = Status::OnSite;
                None
            }
            EventKind::Progress
                if matches!(
                    s,
                    Status::Accepted | Status::Travelling | Status::OnSite | Status::CheckedOut
                ) =>
            {
                None
            }
            EventKind::CheckedOut if s == Status::OnSite => {
                if let Some(t) = checked_in_at.take() {
                    st.on_site_ms += (e.at - t).max(0);
                }
                s = Status::CheckedOut;
                None
            }
            EventKind::Completed if matches!(s, Status::OnSite | Status::CheckedOut) => {
                if let Some(t) = checked_in_at.take() {
                    st.on_site_ms += (e.at - t).max(0);
                }
                st.resolution = e.resolution.clone();
                st.completed_at = Some(e.at);
                s = Status::Completed;
                None
            }
            EventKind::Completed if s == Status::Completed && st.resolution == e.resolution => None,
            EventKind::Completed if s == Status::Completed => {
                clash(Clash::CompletedAgain { by: e.by.clone() })
            }
            EventKind::Rated if s == Status::Completed || s == Status::Settled => {
                st.rating = e.stars.map(|n| (n, e.comment.clone().unwrap_or_default()));
                None
            }
            k => clash(Clash::NotNow {
                by: e.by.clone(),
                event: k,
                status: s,
            }),
        };
        if let Some(why) = outcome {
            st.conflicts.push(why.describe());
            st.conflict_events.push(e.id.clone());
            st.clashes.push(why);
        } else if e.kind == EventKind::Rejected {
            st.working.remove(&e.by);
        } else if e.kind.is_field_work() && assigned && e.kind != EventKind::Rated {
            st.working.insert(e.by.clone(), e.kind);
        }
    }
    st.underlying = s;
    st.status = if st.conflicts.is_empty() {
        s
    } else {
        Status::Conflict
    };
    st
}

/// Write a new order document with its `created` event and its type's template.
pub fn new_order_doc(
    doc: &mut AutoCommit,
    user_id: &str,
    tz_offset_min: i32,
    input: &OrderInput,
    template: &super::settings::Template,
) -> Result<String> {
    new_order_doc_with_id(doc, &new_id(), user_id, tz_offset_min, input, template)
}

/// Who the server's own orders (those it makes for planned visits) name as their author.
pub const SYSTEM_USER: &str = "system";

/// Who the customer's portal requests and ratings name as their author.
pub const CUSTOMER_USER: &str = "customer";

/// As `new_order_doc`, under an id the caller chose (the server's planned orders derive theirs
/// from the plan and the visit's date, so that no retry or second instance makes two).
pub fn new_order_doc_with_id(
    doc: &mut AutoCommit,
    id: &str,
    user_id: &str,
    tz_offset_min: i32,
    input: &OrderInput,
    template: &super::settings::Template,
) -> Result<String> {
    input.validate()?;
    let id = id.to_string();
    doc.put(ROOT, "doc_type", "order")?;
    doc.put(ROOT, "id", id.as_str())?;
    let header = doc.put_object(ROOT, "header", ObjType::Map)?;
    doc.put(&header, "scheduled_start", automerge::ScalarValue::Null)?;
    doc.put(&header, "scheduled_end", automerge::ScalarValue::Null)?;
    doc.put_object(ROOT, "events", ObjType::List)?;
    let checklist = doc.put_object(ROOT, "checklist", ObjType::Map)?;
    for (i, item) in template.checklist.iter().enumerate() {
        let item = ChecklistItem {
            label: item.label.clone(),
            required: item.required,
            position: i as i64,
            done: false,
            done_by: None,
            done_at: None,
        };
        crdt::put_json(doc, &checklist, &new_id(), &to_value(&item)?)?;
    }
    doc.put(&header, "signature_required", template.signature_required)?;
    doc.put(&header, "rating_asked", template.rating_asked)?;
    doc.put_object(ROOT, "charges", ObjType::Map)?;
    doc.put_object(ROOT, "costs", ObjType::Map)?;
    doc.put_object(ROOT, "photos", ObjType::Map)?;
    apply_header_edit(doc, input, None)?;
    append_event(
        doc,
        &OrderEvent {
            tz_offset_min,
            ..OrderEvent::new(EventKind::Created, user_id)
        },
    )?;
    Ok(id)
}

/// Keep what the customer told the portal on a new order.
pub fn set_request(doc: &mut AutoCommit, request: &CustomerRequest) -> Result<()> {
    let header = crdt::child_obj(doc, &ROOT, "header")?;
    crdt::put_json(doc, &header, "request", &to_value(request)?)
}

/// Mark a new order as the one made for a planned visit.
pub fn set_plan_visit(doc: &mut AutoCommit, visit: &PlanVisit) -> Result<()> {
    super::check_id("equipment", &visit.equipment_id)?;
    super::check_date(crate::error::Field::StartDate, &visit.due_on)?;
    if visit.plan_id.is_empty() || visit.plan_id.len() > 100 {
        return Err(DomainError::invalid("not a plan of the machine"));
    }
    let header = crdt::child_obj(doc, &ROOT, "header")?;
    crdt::put_json(doc, &header, "plan_visit", &to_value(visit)?)
}

fn to_value<T: Serialize>(v: &T) -> Result<serde_json::Value> {
    serde_json::to_value(v).map_err(|e| DomainError::invalid(e.to_string()))
}

/// Move an order in time (the dispatcher's schedule): only its window changes, so an edit of
/// its description made meanwhile elsewhere survives.
pub fn set_schedule(doc: &mut AutoCommit, start: Option<i64>, end: Option<i64>) -> Result<()> {
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        return Err(DomainError::invalid(
            "the scheduled end is before the scheduled start",
        ));
    }
    let header = crdt::child_obj(doc, &ROOT, "header")?;
    for (key, value) in [("scheduled_start", start), ("scheduled_end", end)] {
        match value {
            Some(v) => doc.put(&header, key, v)?,
            None => doc.put(&header, key, automerge::ScalarValue::Null)?,
        }
    }
    Ok(())
}

/// Write the header fields that differ from `current`.
pub fn apply_header_edit(
    doc: &mut AutoCommit,
    input: &OrderInput,
    current: Option<&OrderHeader>,
) -> Result<()> {
    input.validate()?;
    let header = crdt::child_obj(doc, &ROOT, "header")?;
    let fields: [(&str, String, Option<String>); 4] = [
        (
            "order_type",
            enum_name(&input.order_type),
            current.map(|c| enum_name(&c.order_type)),
        ),
        (
            "priority",
            enum_name(&input.priority),
            current.map(|c| enum_name(&c.priority)),
        ),
        (
            "customer_id",
            input.customer_id.clone(),
            current.map(|c| c.customer_id.clone()),
        ),
        (
            "site_id",
            input.site_id.clone(),
            current.map(|c| c.site_id.clone()),
        ),
    ];
    for (key, new, old) in fields {
        if old.as_deref() != Some(new.as_str()) {
            doc.put(&header, key, new)?;
        }
    }
    if current.map(|c| &c.equipment_ids) != Some(&input.equipment_ids) {
        crdt::put_json(
            doc,
            &header,
            "equipment_ids",
            &to_value(&input.equipment_ids)?,
        )?;
    }
    if current.map(|c| &c.project_id) != Some(&input.project_id) {
        match &input.project_id {
            Some(p) => doc.put(&header, "project_id", p.as_str())?,
            None => doc.put(&header, "project_id", automerge::ScalarValue::Null)?,
        }
    }
    crdt::update_text(doc, &header, "description", input.description.trim())?;
    for (key, new, old) in [
        (
            "scheduled_start",
            input.scheduled_start,
            current.map(|c| c.scheduled_start),
        ),
        (
            "scheduled_end",
            input.scheduled_end,
            current.map(|c| c.scheduled_end),
        ),
    ] {
        if old != Some(new) {
            match new {
                Some(v) => doc.put(&header, key, v)?,
                None => doc.put(&header, key, automerge::ScalarValue::Null)?,
            }
        }
    }
    Ok(())
}

pub fn append_event(doc: &mut AutoCommit, event: &OrderEvent) -> Result<()> {
    let events = crdt::child_obj(doc, &ROOT, "events")?;
    let len = doc.length(&events);
    crdt::insert_json(doc, &events, len, &to_value(event)?)
}

/// A map object at the root (`charges`, `costs`, `checklist`), created if an older document lacks it.
fn root_map(doc: &mut AutoCommit, key: &str) -> Result<automerge::ObjId> {
    match doc.get(ROOT, key)? {
        Some((automerge::Value::Object(ObjType::Map), id)) => Ok(id),
        _ => Ok(doc.put_object(ROOT, key, ObjType::Map)?),
    }
}

pub fn set_checklist_done(doc: &mut AutoCommit, item_id: &str, done: bool, by: &str) -> Result<()> {
    let checklist = root_map(doc, "checklist")?;
    let item = match doc.get(&checklist, item_id)? {
        Some((automerge::Value::Object(ObjType::Map), id)) => id,
        _ => return Err(DomainError::NotFound(format!("checklist item {item_id}"))),
    };
    doc.put(&item, "done", done)?;
    if done {
        doc.put(&item, "done_by", by)?;
        doc.put(&item, "done_at", now_ms())?;
    } else {
        doc.put(&item, "done_by", automerge::ScalarValue::Null)?;
        doc.put(&item, "done_at", automerge::ScalarValue::Null)?;
    }
    Ok(())
}

/// Put (add or replace) a line under `charges` or `costs`.
pub fn put_line<T: Serialize>(
    doc: &mut AutoCommit,
    map: &str,
    line_id: &str,
    line: &T,
) -> Result<()> {
    let obj = root_map(doc, map)?;
    crdt::put_json(doc, &obj, line_id, &to_value(line)?)
}

pub fn delete_line(doc: &mut AutoCommit, map: &str, line_id: &str) -> Result<()> {
    let obj = root_map(doc, map)?;
    if doc.get(&obj, line_id)?.is_none() {
        return Err(DomainError::NotFound(format!("line {line_id}")));
    }
    doc.delete(&obj, line_id)?;
    Ok(())
}

/// The server stamps when it received events (by id).
pub fn set_received(doc: &mut AutoCommit, stamps: &[(String, i64)]) -> Result<()> {
    let map = root_map(doc, "received")?;
    for (id, at) in stamps {
        doc.put(&map, id.as_str(), *at)?;
    }
    Ok(())
}

/// Add a photo. Orders from before photos get the map on their first photo.
pub fn put_photo(doc: &mut AutoCommit, photo_id: &str, photo: &PhotoRef) -> Result<()> {
    let photos = match doc.get(ROOT, "photos")? {
        Some((automerge::Value::Object(ObjType::Map), id)) => id,
        _ => doc.put_object(ROOT, "photos", ObjType::Map)?,
    };
    crdt::put_json(doc, &photos, photo_id, &to_value(photo)?)
}

pub fn set_signature(doc: &mut AutoCommit, signature: &SignatureRef) -> Result<()> {
    crdt::put_json(doc, &ROOT, "signature", &to_value(signature)?)
}

/// Remove the customer's signature (a supervisor withdrew it; the customer signs again).
pub fn clear_signature(doc: &mut AutoCommit) -> Result<()> {
    if doc.get(ROOT, "signature")?.is_some() {
        doc.delete(ROOT, "signature")?;
    }
    Ok(())
}

/// The server writes the human number once.
pub fn set_number(doc: &mut AutoCommit, number: &str) -> Result<()> {
    doc.put(ROOT, "number", number)?;
    Ok(())
}
