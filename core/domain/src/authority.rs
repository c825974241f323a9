//! Who may change what. The same table is checked by the device before it commits a change
//! and by the server on every push, by comparing the document before and after the change.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::model::order::{EventKind, OrderDoc};
use crate::model::part_request::{RequestDoc, RequestEventKind};
use crate::model::stock::{LedgerDoc, LocationDoc, LocationKind, Movement, MovementKind};
use crate::model::{Actor, TypedDoc};

/// A refused change: where in the document, and which rule it broke.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    pub path: String,
    pub rule: String,
}

impl Violation {
    fn new(path: impl Into<String>, rule: impl Into<String>) -> Self {
        Violation {
            path: path.into(),
            rule: rule.into(),
        }
    }

    pub fn into_error(self) -> DomainError {
        DomainError::Forbidden(format!("{}: {}", self.path, self.rule))
    }
}

/// Check that `actor` may turn `old` (None for a new document) into `new`.
pub fn check(
    actor: &Actor,
    old: Option<&TypedDoc>,
    new: &TypedDoc,
) -> std::result::Result<(), Violation> {
    if let Some(old) = old {
        if old == new {
            return Ok(());
        }
        if old.id() != new.id() {
            return Err(Violation::new("id", "a document's id never changes"));
        }
    }
    match (old, new) {
        (None, TypedDoc::Customer(_)) | (Some(TypedDoc::Customer(_)), TypedDoc::Customer(_)) => {
            if actor.role.manages() {
                Ok(())
            } else {
                Err(Violation::new(
                    "customer",
                    "only supervisors and admins edit customers",
                ))
            }
        }
        (None, TypedDoc::Equipment(_))
        | (Some(TypedDoc::Equipment(_)), TypedDoc::Equipment(_))
        | (None, TypedDoc::Project(_))
        | (Some(TypedDoc::Project(_)), TypedDoc::Project(_)) => {
            if actor.role.manages() {
                Ok(())
            } else {
                Err(Violation::new(
                    new.doc_type().as_str(),
                    "only supervisors and admins edit equipment and projects",
                ))
            }
        }
        (None, TypedDoc::Part(_))
        | (Some(TypedDoc::Part(_)), TypedDoc::Part(_))
        | (None, TypedDoc::Category(_))
        | (Some(TypedDoc::Category(_)), TypedDoc::Category(_))
        | (None, TypedDoc::Location(_)) => {
            if actor.role.keeps_stock() {
                Ok(())
            } else {
                Err(Violation::new(
                    new.doc_type().as_str(),
                    "only supervisors, admins and warehouse keepers keep the catalogue and the stock locations",
                ))
            }
        }
        (Some(TypedDoc::Location(old)), TypedDoc::Location(new)) => {
            check_location_change(actor, old, new)
        }
        (None, TypedDoc::Ledger(new)) => check_ledger_change(actor, &BTreeMap::new(), new),
        (Some(TypedDoc::Ledger(old)), TypedDoc::Ledger(new)) => {
            if (&old.location_id, &old.month) != (&new.location_id, &new.month) {
                return Err(Violation::new(
                    "location_id",
                    "a ledger stays with its location and month",
                ));
            }
            check_ledger_change(actor, &old.movements, new)
        }
        (None, TypedDoc::PartRequest(new)) => check_new_request(actor, new),
        (Some(TypedDoc::PartRequest(old)), TypedDoc::PartRequest(new)) => {
            check_request_change(actor, old, new)
        }
        (None, TypedDoc::Attendance(a)) => {
            if a.user_id == actor.user_id {
                Ok(())
            } else {
                Err(Violation::new(
                    "attendance.user_id",
                    "people clock in and out only for themselves",
                ))
            }
        }
        (Some(TypedDoc::Attendance(_)), TypedDoc::Attendance(_)) => Err(Violation::new(
            "attendance",
            "a clock-in or clock-out is never changed once recorded",
        )),
        (None, TypedDoc::Settings(_)) | (Some(TypedDoc::Settings(_)), TypedDoc::Settings(_)) => {
            if actor.role == crate::model::Role::Admin {
                Ok(())
            } else {
                Err(Violation::new(
                    "settings",
                    "only administrators change settings and templates",
                ))
            }
        }
        (None, TypedDoc::Order(new)) => check_new_order(actor, new),
        (Some(TypedDoc::Order(old)), TypedDoc::Order(new)) => check_order_change(actor, old, new),
        _ => Err(Violation::new(
            "doc_type",
            "a document's type never changes",
        )),
    }
}

fn check_new_order(actor: &Actor, new: &OrderDoc) -> std::result::Result<(), Violation> {
    if !actor.role.manages() {
        return Err(Violation::new(
            "order",
            "only supervisors and admins create orders",
        ));
    }
    match new.events.first() {
        Some(created) if created.kind == EventKind::Created && created.by == actor.user_id => {
            // Whatever else was done offline before the first sync (a dispatch, say) is checked
            // as if appended to the freshly created order.
            let base = OrderDoc {
                events: vec![created.clone()],
                ..new.clone()
            };
            check_order_change(actor, &base, new)
        }
        _ => Err(Violation::new(
            "events",
            "a new order starts with a 'created' event by its author",
        )),
    }
}

fn check_order_change(
    actor: &Actor,
    old: &OrderDoc,
    new: &OrderDoc,
) -> std::result::Result<(), Violation> {
    let manages = actor.role.manages();
    let old_state = old.state();
    let assigned_ever = old_state.ever_assigned.contains(&actor.user_id);
    if old.header != new.header && !manages {
        let field = header_diff(old, new);
        return Err(Violation::new(
            format!("header.{field}"),
            "technicians may not edit the order header",
        ));
    }
    if old.number != new.number {
        return Err(Violation::new(
            "number",
            "the order number is assigned by the server",
        ));
    }
    if old.received != new.received {
        return Err(Violation::new(
            "received",
            "server-received times are written by the server",
        ));
    }
    if old.signature != new.signature {
        if !(manages || assigned_ever) {
            return Err(Violation::new(
                "signature",
                "only the assigned technicians capture the customer's signature",
            ));
        }
        if new
            .signature
            .as_ref()
            .is_some_and(|s| s.by != actor.user_id)
        {
            return Err(Violation::new(
                "signature.by",
                "a signature is recorded in the name of the user who sends it",
            ));
        }
        if !old_state.underlying.is_open() {
            return Err(Violation::new(
                "signature",
                "the signature cannot change after completion",
            ));
        }
    }
    check_events(actor, old, new, assigned_ever)?;
    check_checklist(actor, old, new, assigned_ever)?;
    let settled = old_state.underlying == crate::model::order::Status::Settled;
    check_lines(
        actor,
        "charges",
        &old.charges,
        &new.charges,
        |l| &l.by,
        settled,
        manages || assigned_ever,
    )?;
    check_lines(
        actor,
        "photos",
        &old.photos,
        &new.photos,
        |p| &p.by,
        settled,
        manages || assigned_ever,
    )?;
    // Technicians enter no costs, except the cost of a part they took from stock for the
    // order (a parts-cost line tied to the stock movement), so gross profit stays right.
    let part_cost = |l: &crate::model::order::CostLine| {
        l.kind == crate::model::order::CostKind::PartsCost && l.movement_id.is_some()
    };
    let only_part_costs = new
        .costs
        .iter()
        .filter(|(id, l)| old.costs.get(*id) != Some(*l))
        .all(|(_, l)| part_cost(l))
        && old
            .costs
            .iter()
            .filter(|(id, _)| !new.costs.contains_key(*id))
            .all(|(_, l)| part_cost(l));
    if old.costs != new.costs && !manages && !only_part_costs {
        return Err(Violation::new(
            "costs",
            "only supervisors and admins enter costs",
        ));
    }
    check_lines(
        actor,
        "costs",
        &old.costs,
        &new.costs,
        |l| &l.by,
        settled,
        manages || (assigned_ever && only_part_costs),
    )?;
    Ok(())
}

fn check_events(
    actor: &Actor,
    old: &OrderDoc,
    new: &OrderDoc,
    assigned_ever: bool,
) -> std::result::Result<(), Violation> {
    let new_by_id: BTreeMap<&str, _> = new.events.iter().map(|e| (e.id.as_str(), e)).collect();
    for e in &old.events {
        match new_by_id.get(e.id.as_str()) {
            Some(n) if *n == e => {}
            _ => {
                return Err(Violation::new(
                    format!("events[{}]", e.id),
                    "events are append-only",
                ));
            }
        }
    }
    let old_ids: BTreeSet<&str> = old.events.iter().map(|e| e.id.as_str()).collect();
    for e in new
        .events
        .iter()
        .filter(|e| !old_ids.contains(e.id.as_str()))
    {
        let path = format!("events[{}]", e.id);
        if e.by != actor.user_id {
            return Err(Violation::new(
                format!("{path}.by"),
                "an event is recorded by the user who sends it",
            ));
        }
        match e.kind {
            EventKind::Created => {
                return Err(Violation::new(path, "an order is created only once"));
            }
            k if k.is_field_work() && !assigned_ever => {
                return Err(Violation::new(
                    path,
                    "field work is recorded only by technicians the order was dispatched to",
                ));
            }
            k if k.is_field_work() => {}
            EventKind::Progress => {}
            _ if !actor.role.manages() => {
                return Err(Violation::new(
                    path,
                    "only supervisors and admins dispatch, cancel, reopen, settle and resolve",
                ));
            }
            _ => {}
        }
        if e.kind == EventKind::Completed {
            let missing = new.missing_required();
            if let Some(first) = missing.first() {
                return Err(Violation::new(
                    format!("{path}.checklist"),
                    format!(
                        "required checklist items and signature must be done before completion (missing: {first})"
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn check_checklist(
    actor: &Actor,
    old: &OrderDoc,
    new: &OrderDoc,
    assigned_ever: bool,
) -> std::result::Result<(), Violation> {
    if old.checklist == new.checklist {
        return Ok(());
    }
    let manages = actor.role.manages();
    let ids: BTreeSet<&String> = old.checklist.keys().chain(new.checklist.keys()).collect();
    for id in ids {
        let path = format!("checklist[{id}]");
        match (old.checklist.get(id), new.checklist.get(id)) {
            (Some(a), Some(b)) if a == b => {}
            (Some(a), Some(b))
                if a.label == b.label && a.required == b.required && a.position == b.position =>
            {
                if !(manages || assigned_ever) {
                    return Err(Violation::new(
                        path,
                        "only the assigned technicians tick checklist items",
                    ));
                }
                if b.done
                    && b.done_by.as_deref() != Some(actor.user_id.as_str())
                    && a.done_by != b.done_by
                {
                    return Err(Violation::new(
                        format!("{path}.done_by"),
                        "a tick is recorded in the name of the user who sends it",
                    ));
                }
            }
            _ if !manages => {
                return Err(Violation::new(
                    path,
                    "only supervisors and admins change the checklist itself",
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Lines are added, changed and removed only by their author (supervisors may change any),
/// and never after settlement.
fn check_lines<L: PartialEq>(
    actor: &Actor,
    what: &str,
    old: &BTreeMap<String, L>,
    new: &BTreeMap<String, L>,
    by: impl Fn(&L) -> &String,
    settled: bool,
    may_write: bool,
) -> std::result::Result<(), Violation> {
    if old == new {
        return Ok(());
    }
    if settled {
        return Err(Violation::new(
            what,
            format!("a settled order's {what} are final; reopen it first"),
        ));
    }
    if !may_write {
        return Err(Violation::new(
            what,
            format!("only the assigned technicians and supervisors change {what}"),
        ));
    }
    let ids: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for id in ids {
        let (a, b) = (old.get(id), new.get(id));
        if a == b {
            continue;
        }
        let path = format!("{what}[{id}]");
        if let Some(b) = b
            && by(b) != &actor.user_id
        {
            return Err(Violation::new(
                format!("{path}.by"),
                "a line is written in the name of the user who sends it",
            ));
        }
        if let Some(a) = a
            && by(a) != &actor.user_id
            && !actor.role.manages()
        {
            return Err(Violation::new(
                path,
                "technicians change only their own lines",
            ));
        }
    }
    Ok(())
}

fn header_diff(old: &OrderDoc, new: &OrderDoc) -> &'static str {
    let (a, b) = (&old.header, &new.header);
    if a.order_type != b.order_type {
        "order_type"
    } else if a.priority != b.priority {
        "priority"
    } else if a.customer_id != b.customer_id {
        "customer_id"
    } else if a.site_id != b.site_id {
        "site_id"
    } else if a.description != b.description {
        "description"
    } else if a.equipment_ids != b.equipment_ids {
        "equipment_ids"
    } else if a.project_id != b.project_id {
        "project_id"
    } else {
        "schedule"
    }
}

/// A location's name, kind and owner are kept by supervisors, admins and warehouse keepers.
/// Movements go into monthly ledgers; the ones a location document still holds from before
/// are never changed, and no new ones are added there.
fn check_location_change(
    actor: &Actor,
    old: &LocationDoc,
    new: &LocationDoc,
) -> std::result::Result<(), Violation> {
    if (old.kind, &old.name, &old.owner) != (new.kind, &new.name, &new.owner)
        && !actor.role.keeps_stock()
    {
        return Err(Violation::new(
            "location",
            "only supervisors, admins and warehouse keepers rename or reassign a stock location",
        ));
    }
    if old.movements != new.movements {
        return Err(Violation::new(
            "movements",
            "movements are recorded in the location's monthly ledger, never in the location itself",
        ));
    }
    Ok(())
}

/// The movements a ledger gains: those of `new` not in `old`.
pub fn new_movements<'a>(
    old: &'a BTreeMap<String, Movement>,
    new: &'a LedgerDoc,
) -> impl Iterator<Item = (&'a String, &'a Movement)> {
    new.movements
        .iter()
        .filter(|(id, _)| !old.contains_key(*id))
}

/// Stock ledgers: movements are never changed or removed; people record movements in their
/// own name, in the ledger of the month they happen; technicians record only field work
/// (issue to an order, return, defective part) and receipts (checked against the location by
/// [`check_ledger_location`]).
fn check_ledger_change(
    actor: &Actor,
    old: &BTreeMap<String, Movement>,
    new: &LedgerDoc,
) -> std::result::Result<(), Violation> {
    for (id, m) in old {
        if new.movements.get(id) != Some(m) {
            return Err(Violation::new(
                format!("movements[{id}]"),
                "stock movements are never changed; record a correction instead",
            ));
        }
    }
    for (id, m) in new_movements(old, new) {
        let path = format!("movements[{id}]");
        if m.by != actor.user_id {
            return Err(Violation::new(
                format!("{path}.by"),
                "a movement is recorded in the name of the user who sends it",
            ));
        }
        if crate::model::stock::ledger_month(m.at) != new.month {
            return Err(Violation::new(
                format!("{path}.at"),
                "a movement is recorded in the ledger of its month",
            ));
        }
        if !actor.role.keeps_stock() && !m.kind.is_field_work() {
            return Err(Violation::new(
                path,
                "technicians record only parts used, returned or taken back, and receipts into their van",
            ));
        }
    }
    Ok(())
}

/// The part of the ledger rules that needs the location itself: a technician confirms
/// receipt only into their own van.
pub fn check_ledger_location(
    actor: &Actor,
    old: Option<&LedgerDoc>,
    new: &LedgerDoc,
    kind: LocationKind,
    owner: Option<&str>,
) -> std::result::Result<(), Violation> {
    if actor.role.keeps_stock() {
        return Ok(());
    }
    let empty = BTreeMap::new();
    let own_van = kind == LocationKind::Van && owner == Some(actor.user_id.as_str());
    match new_movements(old.map_or(&empty, |o| &o.movements), new)
        .find(|(_, m)| m.kind == MovementKind::TransferIn && !own_van)
    {
        Some((id, _)) => Err(Violation::new(
            format!("movements[{id}]"),
            "a technician confirms receipt only into their own van",
        )),
        None => Ok(()),
    }
}

fn check_new_request(actor: &Actor, new: &RequestDoc) -> std::result::Result<(), Violation> {
    if new.by != actor.user_id {
        return Err(Violation::new(
            "by",
            "a request is made in the name of the user who sends it",
        ));
    }
    match new.events.first() {
        Some(first) if first.kind == RequestEventKind::Requested && first.by == actor.user_id => {
            let base = RequestDoc {
                events: vec![first.clone()],
                ..new.clone()
            };
            check_request_change(actor, &base, new)
        }
        _ => Err(Violation::new(
            "events",
            "a request starts with a 'requested' event by its author",
        )),
    }
}

fn check_request_change(
    actor: &Actor,
    old: &RequestDoc,
    new: &RequestDoc,
) -> std::result::Result<(), Violation> {
    if (&old.by, &old.to_location, &old.order_id, &old.lines)
        != (&new.by, &new.to_location, &new.order_id, &new.lines)
    {
        return Err(Violation::new(
            "lines",
            "a request's lines are fixed once made; decisions are events",
        ));
    }
    let known: BTreeSet<&str> = old.events.iter().map(|e| e.id.as_str()).collect();
    for e in &old.events {
        if !new.events.contains(e) {
            return Err(Violation::new(
                format!("events[{}]", e.id),
                "events are append-only",
            ));
        }
    }
    for e in new.events.iter().filter(|e| !known.contains(e.id.as_str())) {
        let path = format!("events[{}]", e.id);
        if e.by != actor.user_id {
            return Err(Violation::new(
                format!("{path}.by"),
                "an event is recorded by the user who sends it",
            ));
        }
        let allowed = match e.kind {
            RequestEventKind::Requested => false,
            RequestEventKind::Approved | RequestEventKind::Rejected | RequestEventKind::Issued => {
                actor.role.keeps_stock()
            }
            RequestEventKind::Received | RequestEventKind::Cancelled => new.by == actor.user_id,
        };
        if !allowed {
            return Err(Violation::new(
                path,
                "supervisors and warehouse keepers approve, reject and issue; the requester confirms receipt or cancels",
            ));
        }
    }
    Ok(())
}
