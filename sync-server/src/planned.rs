//! Orders the server makes for planned visits, ahead of time. Which visits are due to be made
//! is the domain's rule (`MachineFacts::visits_to_make`); the order's id is derived from
//! (plan, visit date), so a retry, a crash or a second server instance finds it made (the
//! database's key refuses a second document under it) and never makes two. Numbers come from
//! the same per-order allocation as pushed orders: gapless, once each. A device offline for
//! a week finds these orders when it syncs, dispatched to the plan's technician.

use automerge::AutoCommit;
use chrono::{Offset, TimeZone};
use fieldops_domain::alerts::local_date;
use fieldops_domain::model::DocType;
use fieldops_domain::model::Role;
use fieldops_domain::model::order::{
    self, EventKind, OrderEvent, OrderInput, PlanVisit, Priority, SYSTEM_USER,
};
use fieldops_domain::model::plan::occurrence_order_id;
use fieldops_domain::model::settings::default_template;
use fieldops_domain::protocol::UserInfo;

use crate::alerts::CompanyFacts;
use crate::error::{Result, ServerError};
use crate::storage::DynStorage;
use crate::sync::{server_actor, store_server_doc};

/// Make the orders of every planned visit due to be made at `now`; the ids of those made.
pub async fn make_due_orders(
    storage: &DynStorage,
    tenant: &str,
    facts: &CompanyFacts,
    directory: &[UserInfo],
    now: i64,
) -> Result<Vec<String>> {
    let today = local_date(now, facts.tz);
    let offset_min = facts
        .tz
        .offset_from_utc_datetime(
            &chrono::DateTime::from_timestamp_millis(now)
                .unwrap_or_default()
                .naive_utc(),
        )
        .fix()
        .local_minus_utc()
        / 60;
    let mut made = Vec::new();
    for machine in facts.machine_facts() {
        for (plan_id, due) in machine.visits_to_make(today) {
            let e = machine.equipment;
            let Some(plan) = e.plans.get(&plan_id) else {
                continue;
            };
            let id = occurrence_order_id(&e.id, &plan_id, due);
            if storage.load_doc(tenant, &id).await?.is_some() {
                continue;
            }
            let template = facts.settings.as_ref().map_or_else(
                || default_template(plan.order_type),
                |s| s.template(plan.order_type),
            );
            // The visit starts at 09:00 on its day in the company's calendar.
            let start = due
                .and_hms_opt(9, 0, 0)
                .and_then(|t| facts.tz.from_local_datetime(&t).earliest())
                .map(|t| t.timestamp_millis());
            let input = OrderInput {
                order_type: plan.order_type,
                priority: Priority::Normal,
                customer_id: e.info.customer_id.clone(),
                site_id: e.info.site_id.clone(),
                equipment_ids: vec![e.id.clone()],
                project_id: e.info.project_id.clone(),
                description: format!("{} · {}", plan.name, e.info.name),
                scheduled_start: start,
                scheduled_end: start.map(|s| s + plan.duration_min * 60_000),
            };
            let mut doc = AutoCommit::new().with_actor(server_actor(tenant));
            order::new_order_doc_with_id(
                &mut doc,
                &id,
                SYSTEM_USER,
                offset_min,
                &input,
                &template,
            )?;
            order::set_plan_visit(
                &mut doc,
                &PlanVisit {
                    equipment_id: e.id.clone(),
                    plan_id: plan_id.clone(),
                    due_on: due.to_string(),
                },
            )?;
            let technician = plan.technician_id.as_ref().filter(|t| {
                directory
                    .iter()
                    .any(|u| &u.id == *t && u.role == Role::Technician && u.active)
            });
            if let Some(t) = technician {
                order::append_event(
                    &mut doc,
                    &OrderEvent {
                        to: vec![t.clone()],
                        tz_offset_min: offset_min,
                        ..OrderEvent::new(EventKind::Dispatched, SYSTEM_USER)
                    },
                )?;
            }
            doc.commit();
            match store_server_doc(storage, tenant, DocType::Order, &mut doc).await {
                Ok(_) => made.push(id),
                // Another instance made it a moment ago: theirs stands.
                Err(ServerError::Concurrent) => {}
                Err(e) => {
                    tracing::warn!(tenant, plan = %plan_id, %due, error = %e, "planned order not made");
                }
            }
        }
    }
    if !made.is_empty() {
        tracing::info!(tenant, made = made.len(), "planned orders made");
    }
    Ok(made)
}
