//! The server's view of a company's alerts: the domain's one alert function over every
//! machine and order the company has, so what the server will notify about is what the
//! devices show. `GET /v1/admin/alerts?at=<ms>` (supervisors and administrators) answers it
//! for a moment (now when absent), which is also how the notification scan will call it.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use fieldops_domain::DomainError;
use fieldops_domain::alerts::{
    self, Alert, AlertKind, AlertRule, MachineFacts, OrderFacts, Visit, VisitOrder,
};
use fieldops_domain::crdt;
use fieldops_domain::model::equipment::Equipment;
use fieldops_domain::model::order::OrderDoc;
use fieldops_domain::model::project::Project;
use fieldops_domain::model::settings::{SettingsDoc, settings_id};
use serde::Deserialize;

use crate::auth;
use crate::error::{Result, ServerError};
use crate::http::{AppState, bearer};
use crate::storage::DynStorage;

/// A company's alerts at one moment, with what messages about them need to name.
pub struct TenantAlerts {
    pub alerts: Vec<Alert>,
    pub rules: BTreeMap<AlertKind, AlertRule>,
    pub tz: chrono_tz::Tz,
    /// Machine names and order numbers by id.
    pub machines: HashMap<String, String>,
    pub order_numbers: HashMap<String, String>,
}

/// Every alert of `tenant` at `now` (ms), acknowledged ones included, nearest first.
pub async fn tenant_alerts(storage: &DynStorage, tenant: &str, now: i64) -> Result<Vec<Alert>> {
    Ok(load(storage, tenant, now).await?.alerts)
}

/// What the alert function reads of a company: its settings, machines and orders.
pub struct CompanyFacts {
    pub settings: Option<SettingsDoc>,
    pub tz: chrono_tz::Tz,
    pub machines: Vec<Equipment>,
    visits: HashMap<String, Vec<Visit>>,
    visit_orders: HashMap<String, Vec<VisitOrder>>,
    orders: Vec<OrderFacts>,
    order_numbers: HashMap<String, String>,
}

impl CompanyFacts {
    /// Each machine with its visits and visit orders.
    pub fn machine_facts(&self) -> Vec<MachineFacts<'_>> {
        self.machines
            .iter()
            .map(|e| MachineFacts {
                equipment: e,
                visits: self.visits.get(&e.id).cloned().unwrap_or_default(),
                visit_orders: self.visit_orders.get(&e.id).cloned().unwrap_or_default(),
            })
            .collect()
    }

    pub fn alerts_at(self, now: i64) -> TenantAlerts {
        let stored_rules = self
            .settings
            .as_ref()
            .map(|s| s.alert_rules.clone())
            .unwrap_or_default();
        let alerts = alerts::compute(
            &self.machine_facts(),
            &self.orders,
            &stored_rules,
            alerts::local_date(now, self.tz),
            now,
        );
        TenantAlerts {
            alerts,
            rules: alerts::rules_in_force(&stored_rules),
            tz: self.tz,
            machines: self
                .machines
                .iter()
                .map(|e| (e.id.clone(), e.info.name.clone()))
                .collect(),
            order_numbers: self.order_numbers,
        }
    }
}

/// The alerts of `tenant` at `now` and the rules and names around them.
pub async fn load(storage: &DynStorage, tenant: &str, now: i64) -> Result<TenantAlerts> {
    Ok(facts(storage, tenant).await?.alerts_at(now))
}

/// Read a company's settings, machines and orders from the stored documents.
pub async fn facts(storage: &DynStorage, tenant: &str) -> Result<CompanyFacts> {
    let settings = match storage.load_doc(tenant, &settings_id(tenant)).await? {
        Some(stored) => Some(SettingsDoc::from_doc(&crdt::load(&stored.bytes)?)?),
        None => None,
    };
    let tz = settings
        .as_ref()
        .map_or(chrono_tz::Asia::Shanghai, |s| s.time_zone());
    let mut visits: HashMap<String, Vec<Visit>> = HashMap::new();
    let mut visit_orders: HashMap<String, Vec<VisitOrder>> = HashMap::new();
    let mut orders = Vec::<OrderFacts>::new();
    let mut order_numbers = HashMap::new();
    for id in storage.doc_ids(tenant, "order").await? {
        let Some(stored) = storage.load_doc(tenant, &id).await? else {
            continue;
        };
        // A document the server holds was checked when it was pushed; one that no longer
        // reads (a newer schema) is left out rather than failing every alert.
        let Ok(order) = crdt::load(&stored.bytes).and_then(|d| OrderDoc::from_doc(&d)) else {
            tracing::warn!(tenant, order = %id, "order left out of alerts: unreadable");
            continue;
        };
        if let Some(n) = &order.number {
            order_numbers.insert(order.id.clone(), n.clone());
        }
        let from = OrderFacts::of_order(&order, tz);
        orders.extend(from.open);
        for (machine, visit) in from.visits {
            visits.entry(machine).or_default().push(visit);
        }
        if let Some((machine, made)) = from.visit_order {
            visit_orders.entry(machine).or_default().push(made);
        }
    }
    let mut machines = Vec::<Equipment>::new();
    for id in storage.doc_ids(tenant, "equipment").await? {
        let Some(stored) = storage.load_doc(tenant, &id).await? else {
            continue;
        };
        match crdt::load(&stored.bytes).and_then(|d| Equipment::from_doc(&d)) {
            Ok(e) => machines.push(e),
            Err(e) => tracing::warn!(tenant, equipment = %id, "machine left out of alerts: {e}"),
        }
    }
    // A project's plans visit each of its machines.
    let mut project_plans = HashMap::new();
    for id in storage.doc_ids(tenant, "project").await? {
        let Some(stored) = storage.load_doc(tenant, &id).await? else {
            continue;
        };
        match crdt::load(&stored.bytes).and_then(|d| Project::from_doc(&d)) {
            Ok(p) if !p.plans.is_empty() => {
                project_plans.insert(p.id, p.plans);
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(tenant, project = %id, "project left out of alerts: {e}"),
        }
    }
    alerts::add_project_plans(&mut machines, &project_plans);
    Ok(CompanyFacts {
        settings,
        tz,
        machines,
        visits,
        visit_orders,
        orders,
        order_numbers,
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertsQuery {
    /// The moment to compute for (ms since the epoch); now when absent.
    pub at: Option<i64>,
}

pub async fn list(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    query: std::result::Result<Query<AlertsQuery>, QueryRejection>,
) -> Result<Json<Vec<Alert>>> {
    let ctx = auth::authenticate(&st.storage, bearer(&headers)).await?;
    if !ctx.role.manages() {
        return Err(DomainError::Forbidden(
            "only supervisors and administrators see the company's alerts".into(),
        )
        .into());
    }
    let Query(query) = query.map_err(|e| ServerError::BadRequest(e.body_text()))?;
    let now = query.at.unwrap_or_else(fieldops_domain::model::now_ms);
    Ok(Json(tenant_alerts(&st.storage, &ctx.tenant, now).await?))
}
