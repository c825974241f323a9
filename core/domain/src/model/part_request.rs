//! Part requests: a technician asks for parts (for an order, or to refill the van); a
//! supervisor approves (possibly fewer) or rejects; the warehouse issues, which moves the
//! parts out of the warehouse; the technician confirms receipt, which moves them into the van.
//! Every step is an appended event; the status is a fold over them, the same everywhere.
//! Two decisions made offline on one request end deterministically (the earlier one, by
//! device time then author then id, stands) and the other is kept and shown as a conflict.

use crate::error::Field;
use std::collections::BTreeMap;

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ROOT, ReadDoc};
use serde::{Deserialize, Serialize};

use super::{check_id, check_text, new_id, now_ms};
use crate::crdt;
use crate::error::{DomainError, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct RequestLine {
    pub part_id: String,
    pub qty: i64,
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum RequestEventKind {
    Requested,
    Approved,
    Rejected,
    Issued,
    Received,
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct RequestEvent {
    pub id: String,
    pub kind: RequestEventKind,
    pub by: String,
    pub at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Approved quantity per line id (may be less than asked, 0 to drop a line).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved: Option<BTreeMap<String, i64>>,
    /// The warehouse the parts left (issued).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_location: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct RequestDoc {
    pub doc_type: String,
    pub id: String,
    pub by: String,
    /// The van the parts go to.
    pub to_location: String,
    #[serde(default)]
    pub order_id: Option<String>,
    pub lines: BTreeMap<String, RequestLine>,
    pub events: Vec<RequestEvent>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    Requested,
    Approved,
    Rejected,
    Issued,
    Received,
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct RequestState {
    pub status: RequestStatus,
    /// Quantities in force per line (asked, then as approved).
    pub quantities: BTreeMap<String, i64>,
    pub decided_by: Option<String>,
    pub from_location: Option<String>,
    /// Events that could not hold where they landed, with a sentence each.
    pub conflicts: Vec<String>,
    pub conflict_events: Vec<String>,
    pub requested_at: i64,
    pub closed_at: Option<i64>,
}

impl RequestDoc {
    pub fn from_doc(doc: &AutoCommit) -> Result<RequestDoc> {
        let r: RequestDoc = serde_json::from_value(crdt::to_json(doc)?)
            .map_err(|e| DomainError::CorruptDocument(format!("part request: {e}")))?;
        if r.doc_type != "part_request" {
            return Err(DomainError::CorruptDocument(
                "doc_type is not 'part_request'".into(),
            ));
        }
        check_id("request id", &r.id)?;
        check_id("location", &r.to_location)?;
        if let Some(o) = &r.order_id {
            check_id("order", o)?;
        }
        if r.lines.is_empty() || r.lines.len() > 100 {
            return Err(DomainError::CorruptDocument(
                "a request has 1 to 100 lines".into(),
            ));
        }
        for (id, l) in &r.lines {
            check_id("request line", id)?;
            check_line(l).map_err(|e| DomainError::CorruptDocument(e.to_string()))?;
        }
        for e in &r.events {
            check_id("event", &e.id)?;
            if let Some(reason) = &e.reason {
                check_text(Field::Reason, reason, false, 1000)?;
            }
            if let Some(a) = &e.approved {
                for (line, q) in a {
                    if !r.lines.contains_key(line) || !(0..=super::stock::MAX_QUANTITY).contains(q)
                    {
                        return Err(DomainError::CorruptDocument(format!(
                            "approval of line {line}"
                        )));
                    }
                }
            }
        }
        Ok(r)
    }

    /// Events in fold order: device time, then author, then id.
    pub fn sorted_events(&self) -> Vec<&RequestEvent> {
        let mut v: Vec<&RequestEvent> = self.events.iter().collect();
        v.sort_by(|a, b| (a.at, &a.by, &a.id).cmp(&(b.at, &b.by, &b.id)));
        v
    }

    pub fn state(&self) -> RequestState {
        let mut st = RequestState {
            status: RequestStatus::Requested,
            quantities: self
                .lines
                .iter()
                .map(|(id, l)| (id.clone(), l.qty))
                .collect(),
            decided_by: None,
            from_location: None,
            conflicts: Vec::new(),
            conflict_events: Vec::new(),
            requested_at: self.events.iter().map(|e| e.at).min().unwrap_or(0),
            closed_at: None,
        };
        for e in self.sorted_events() {
            use RequestEventKind as K;
            use RequestStatus as S;
            let next = match (st.status, e.kind) {
                (_, K::Requested) => continue,
                (S::Requested, K::Approved) => {
                    if let Some(a) = &e.approved {
                        for (line, q) in a {
                            st.quantities.insert(line.clone(), *q);
                        }
                    }
                    st.decided_by = Some(e.by.clone());
                    Some(S::Approved)
                }
                (S::Requested, K::Rejected) => {
                    st.decided_by = Some(e.by.clone());
                    Some(S::Rejected)
                }
                (S::Requested, K::Cancelled) => Some(S::Cancelled),
                (S::Approved, K::Issued) => {
                    st.from_location = e.from_location.clone();
                    Some(S::Issued)
                }
                (S::Issued, K::Received) => Some(S::Received),
                _ => None,
            };
            match next {
                Some(s) => {
                    st.status = s;
                    if matches!(s, S::Rejected | S::Received | S::Cancelled) {
                        st.closed_at = Some(e.at);
                    }
                }
                None => {
                    st.conflicts.push(format!(
                        "{} by {} arrived when the request was already {}",
                        super::enum_name(&e.kind),
                        e.by,
                        super::enum_name(&st.status)
                    ));
                    st.conflict_events.push(e.id.clone());
                }
            }
        }
        st
    }
}

pub fn check_line(l: &RequestLine) -> Result<()> {
    check_id("part", &l.part_id)?;
    if !(1..=super::stock::MAX_QUANTITY).contains(&l.qty) {
        return Err(DomainError::invalid(
            "a requested quantity is between 1 and 1,000,000",
        ));
    }
    check_text(Field::Reason, &l.reason, false, 500)
}

pub fn new_request_doc(
    doc: &mut AutoCommit,
    user_id: &str,
    to_location: &str,
    order_id: Option<&str>,
    lines: &[RequestLine],
) -> Result<String> {
    check_id("location", to_location)?;
    if lines.is_empty() || lines.len() > 100 {
        return Err(DomainError::invalid("a request has 1 to 100 lines"));
    }
    for l in lines {
        check_line(l)?;
    }
    let id = new_id();
    doc.put(ROOT, "doc_type", "part_request")?;
    doc.put(ROOT, "id", id.as_str())?;
    doc.put(ROOT, "by", user_id)?;
    doc.put(ROOT, "to_location", to_location)?;
    match order_id {
        Some(o) => doc.put(ROOT, "order_id", o)?,
        None => doc.put(ROOT, "order_id", automerge::ScalarValue::Null)?,
    }
    let map = doc.put_object(ROOT, "lines", ObjType::Map)?;
    for l in lines {
        let value = serde_json::to_value(l).map_err(|e| DomainError::invalid(e.to_string()))?;
        crdt::put_json(doc, &map, &new_id(), &value)?;
    }
    doc.put_object(ROOT, "events", ObjType::List)?;
    append_event(
        doc,
        &RequestEvent {
            id: new_id(),
            kind: RequestEventKind::Requested,
            by: user_id.into(),
            at: now_ms(),
            reason: None,
            approved: None,
            from_location: None,
        },
    )?;
    Ok(id)
}

pub fn append_event(doc: &mut AutoCommit, e: &RequestEvent) -> Result<()> {
    let events = crdt::child_obj(doc, &ROOT, "events")?;
    let len = doc.length(&events);
    let value = serde_json::to_value(e).map_err(|err| DomainError::invalid(err.to_string()))?;
    crdt::insert_json(doc, &events, len, &value)
}
