//! Who may change a part request: the asking technician, the deciding supervisor or
//! warehouse keeper, each step in order.

use super::*;

pub(super) fn check_new_request(
    actor: &Actor,
    new: &RequestDoc,
) -> std::result::Result<(), Violation> {
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

pub(super) fn check_request_change(
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
