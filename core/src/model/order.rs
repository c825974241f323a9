//! Work order documents: a header that supervisors edit field by field, and an append-only
//! event log. The status is never stored: it is a deterministic fold over the log, so two
//! devices that saw the same events agree on the status whatever order they merged in.

use std::collections::BTreeSet;

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ROOT};
use serde::{Deserialize, Serialize};

use super::{check_id, check_text, enum_name, new_id, now_ms};
use crate::crdt;
use crate::error::{CoreError, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    Normal,
    High,
    Urgent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Created,
    Dispatched,
    Accepted,
    Rejected,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Created, nobody assigned yet.
    New,
    Dispatched,
    Accepted,
    /// The assignee declined; waits for the supervisor to dispatch again.
    Rejected,
    /// Events that cannot all hold were merged; a supervisor must decide.
    Conflict,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Dispatched => "dispatched",
            Status::Accepted => "accepted",
            Status::Rejected => "rejected",
            Status::Conflict => "conflict",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderDoc {
    pub doc_type: String,
    pub id: String,
    pub header: OrderHeader,
    pub events: Vec<OrderEvent>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderHeader {
    pub order_type: OrderType,
    pub priority: Priority,
    pub customer_id: String,
    pub site_id: String,
    pub description: String,
    pub scheduled_start: Option<i64>,
    pub scheduled_end: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    /// Reject: why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// What a supervisor types to create or edit an order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderInput {
    pub order_type: OrderType,
    pub priority: Priority,
    pub customer_id: String,
    pub site_id: String,
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
        check_text("description", &self.description, true, 10_000)?;
        if let (Some(s), Some(e)) = (self.scheduled_start, self.scheduled_end)
            && e < s
        {
            return Err(CoreError::invalid(
                "the scheduled end is before the scheduled start",
            ));
        }
        Ok(())
    }
}

/// The result of folding the event log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderState {
    pub status: Status,
    /// Current assignees; the first one leads.
    pub assignees: Vec<String>,
    /// Everyone the order was ever dispatched to: they may still report work they did offline.
    pub ever_assigned: BTreeSet<String>,
    /// Why the order is in conflict, in words, one line per clash.
    pub conflicts: Vec<String>,
    pub accepted_by: Vec<String>,
}

impl OrderDoc {
    pub fn from_doc(doc: &AutoCommit) -> Result<OrderDoc> {
        let json = crdt::to_json(doc)?;
        let o: OrderDoc = serde_json::from_value(json)
            .map_err(|e| CoreError::CorruptDocument(format!("order: {e}")))?;
        o.check_invariants()?;
        Ok(o)
    }

    pub fn check_invariants(&self) -> Result<()> {
        if self.doc_type != "order" {
            return Err(CoreError::CorruptDocument("doc_type is not 'order'".into()));
        }
        check_id("order id", &self.id)?;
        check_id("customer", &self.header.customer_id)?;
        check_id("site", &self.header.site_id)?;
        check_text("description", &self.header.description, false, 10_000)?;
        let mut seen = BTreeSet::new();
        for e in &self.events {
            check_id("event id", &e.id)?;
            if !seen.insert(e.id.as_str()) {
                return Err(CoreError::CorruptDocument(format!(
                    "event {} appears twice",
                    e.id
                )));
            }
            if e.by.is_empty() {
                return Err(CoreError::CorruptDocument(format!(
                    "event {} has no author",
                    e.id
                )));
            }
            if e.kind == EventKind::Dispatched && e.to.is_empty() {
                return Err(CoreError::CorruptDocument("a dispatch names nobody".into()));
            }
            if let Some(r) = &e.reason {
                check_text("reason", r, false, 2_000)?;
            }
        }
        Ok(())
    }

    /// The events in fold order: device time, then author, then id.
    pub fn sorted_events(&self) -> Vec<&OrderEvent> {
        let mut ev: Vec<&OrderEvent> = self.events.iter().collect();
        ev.sort_by(|a, b| (a.at, &a.by, &a.id).cmp(&(b.at, &b.by, &b.id)));
        ev
    }

    pub fn state(&self) -> OrderState {
        fold(&self.sorted_events())
    }
}

/// The status machine. An event that is not valid where it lands in the fold is kept in the
/// log and recorded as a conflict; only a supervisor's new dispatch clears conflicts.
pub fn fold(events: &[&OrderEvent]) -> OrderState {
    let mut st = OrderState {
        status: Status::New,
        assignees: Vec::new(),
        ever_assigned: BTreeSet::new(),
        conflicts: Vec::new(),
        accepted_by: Vec::new(),
    };
    for e in events {
        match e.kind {
            EventKind::Created => {}
            EventKind::Dispatched => {
                st.assignees = e.to.clone();
                st.ever_assigned.extend(e.to.iter().cloned());
                st.accepted_by.clear();
                st.conflicts.clear();
                st.status = Status::Dispatched;
            }
            EventKind::Accepted => {
                let assigned = st.assignees.contains(&e.by);
                match st.status {
                    Status::Dispatched | Status::Accepted if assigned => {
                        if !st.accepted_by.contains(&e.by) {
                            st.accepted_by.push(e.by.clone());
                        }
                        st.status = Status::Accepted;
                    }
                    _ if !assigned => st.conflicts.push(format!(
                        "{} accepted, but the order is dispatched to {}",
                        e.by,
                        if st.assignees.is_empty() {
                            "nobody".to_string()
                        } else {
                            st.assignees.join(", ")
                        }
                    )),
                    other => st.conflicts.push(format!(
                        "{} accepted while the order was {}",
                        e.by,
                        other.as_str()
                    )),
                }
            }
            EventKind::Rejected => {
                let assigned = st.assignees.contains(&e.by);
                if assigned && matches!(st.status, Status::Dispatched | Status::Accepted) {
                    st.status = Status::Rejected;
                    st.accepted_by.retain(|u| u != &e.by);
                } else {
                    st.conflicts.push(format!(
                        "{} declined while the order was {} and dispatched to {}",
                        e.by,
                        st.status.as_str(),
                        if st.assignees.is_empty() {
                            "nobody".to_string()
                        } else {
                            st.assignees.join(", ")
                        }
                    ));
                }
            }
        }
    }
    if !st.conflicts.is_empty() {
        st.status = Status::Conflict;
    }
    st
}

/// Write a new order document with its `created` event.
pub fn new_order_doc(
    doc: &mut AutoCommit,
    user_id: &str,
    tz_offset_min: i32,
    input: &OrderInput,
) -> Result<String> {
    input.validate()?;
    let id = new_id();
    doc.put(ROOT, "doc_type", "order")?;
    doc.put(ROOT, "id", id.as_str())?;
    let header = doc.put_object(ROOT, "header", ObjType::Map)?;
    doc.put(&header, "scheduled_start", automerge::ScalarValue::Null)?;
    doc.put(&header, "scheduled_end", automerge::ScalarValue::Null)?;
    doc.put_object(ROOT, "events", ObjType::List)?;
    apply_header_edit(doc, input, None)?;
    append_event(
        doc,
        &OrderEvent {
            id: new_id(),
            kind: EventKind::Created,
            at: now_ms(),
            tz_offset_min,
            by: user_id.to_string(),
            to: vec![],
            reason: None,
        },
    )?;
    Ok(id)
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
    let len = automerge::ReadDoc::length(doc, &events);
    let value = serde_json::to_value(event).map_err(|e| CoreError::invalid(e.to_string()))?;
    crdt::insert_json(doc, &events, len, &value)
}
