//! Who may change an order: field work by the assigned technicians, dispatch and money by
//! supervisors, the event list append-only, the checklist and lines by their rules.

use super::*;

pub(super) fn check_new_order(actor: &Actor, new: &OrderDoc) -> std::result::Result<(), Violation> {
    if !actor.role.manages() {
        return Err(Violation::new(
            "order",
            "only supervisors and admins create orders",
        ));
    }
    if new.header.request.is_some() {
        return Err(Violation::new(
            "header.request",
            "customer requests are made on the portal, through the server",
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

pub(super) fn check_order_change(
    actor: &Actor,
    old: &OrderDoc,
    new: &OrderDoc,
) -> std::result::Result<(), Violation> {
    let manages = actor.role.manages();
    if old.header.plan_visit.is_some() && old.header.plan_visit != new.header.plan_visit {
        return Err(Violation::new(
            "header.plan_visit",
            "an order made for a planned visit stays that visit's",
        ));
    }
    if old.header.request != new.header.request {
        return Err(Violation::new(
            "header.request",
            "what the customer asked for on the portal stays as they wrote it",
        ));
    }
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
            EventKind::Requested | EventKind::CustomerRated => {
                return Err(Violation::new(
                    path,
                    "customers ask and rate on the portal, through the server",
                ));
            }
            EventKind::FixedWith if !(assigned_ever || actor.role.manages()) => {
                return Err(Violation::new(
                    path,
                    "the order's technicians and supervisors say what fixed it",
                ));
            }
            EventKind::FixedWith
                if e.entry
                    .as_deref()
                    .is_none_or(|id| crate::model::check_id("entry", id).is_err()) =>
            {
                return Err(Violation::new(
                    format!("{path}.entry"),
                    "names the knowledge entry that fixed the problem",
                ));
            }
            EventKind::FixedWith => {}
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
    } else if a.plan_visit != b.plan_visit {
        "plan_visit"
    } else if a.request != b.request {
        "request"
    } else {
        "schedule"
    }
}
