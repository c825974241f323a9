//! Alerts and maintenance plans on the device: the domain's one alert function over the
//! machines and orders this device holds, on today's date in the company's calendar, so a
//! technician sees their customers' due machines offline and the server agrees.

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, TimeZone};

use super::*;
use crate::Field;
use crate::alerts::{
    self, Alert, AlertKind, AlertRule, AlertState, MachineFacts, OrderFacts, Visit, VisitOrder,
};
use crate::model::equipment::{Equipment, EquipmentInfo};
use crate::model::order::PlanVisit;
use crate::model::plan::{self, AlertAck, Plan};

/// Which alerts to list (all of them when nothing is set).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(optional_fields = nullable)]
pub struct AlertFilter {
    #[serde(default)]
    pub state: Option<AlertState>,
    #[serde(default)]
    pub kind: Option<AlertKind>,
    #[serde(default)]
    pub customer_id: Option<String>,
    #[serde(default)]
    pub technician_id: Option<String>,
    #[serde(default)]
    pub equipment_id: Option<String>,
}

/// An alert with the names a person reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct AlertView {
    #[serde(flatten)]
    pub alert: Alert,
    pub customer_name: Option<String>,
    pub site_name: Option<String>,
    pub equipment_name: Option<String>,
    pub equipment_model: Option<String>,
    pub plan_name: Option<String>,
    /// The order's number, provisional (WO-DRAFT-…) until the server gives one.
    pub order_number: Option<String>,
    pub technician_names: Vec<String>,
    pub acknowledged_by_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct AlertList {
    /// Today in the company's calendar (YYYY-MM-DD) and that calendar's name.
    pub today: String,
    pub time_zone: String,
    pub alerts: Vec<AlertView>,
    /// Open alerts (due soon and overdue) by kind, before the filter.
    pub open_counts: BTreeMap<String, i64>,
}

/// A plan of a machine, with the visit due now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct PlanView {
    pub id: String,
    #[serde(flatten)]
    pub plan: Plan,
    /// The visit due now (None: the plan has ended).
    pub next_due: Option<String>,
    pub technician_name: Option<String>,
    /// The project whose plan this is (edited on the project), when it is not the machine's own.
    pub project_id: Option<String>,
}

/// One planned visit in a period, for the calendar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct PlannedVisit {
    pub date: String,
    pub equipment_id: String,
    pub equipment_name: String,
    pub customer_name: Option<String>,
    pub plan_id: String,
    pub plan: Plan,
    /// The visit's order, when it has been made.
    pub order_id: Option<String>,
    pub order_status: Option<Status>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct AlertSettings {
    pub time_zone: String,
    pub rules: Vec<KindRule>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct KindRule {
    pub kind: AlertKind,
    #[serde(flatten)]
    pub rule: AlertRule,
}

/// The most days the calendar shows at once.
const MAX_CALENDAR_DAYS: i64 = 400;

/// Everything one alert computation reads: the company's calendar and rules (one read of the
/// settings document) and the machines and orders from the projections.
struct Facts {
    tz: chrono_tz::Tz,
    zone: String,
    rules: BTreeMap<String, AlertRule>,
    machines: Vec<Equipment>,
    visits: HashMap<String, Vec<Visit>>,
    /// Orders made for planned visits, by machine.
    visit_orders: HashMap<String, Vec<VisitOrder>>,
    orders: Vec<OrderFacts>,
    numbers: HashMap<String, String>,
    /// Each project's plans, which its machines carry too.
    project_plans: HashMap<String, BTreeMap<String, Plan>>,
}

impl Facts {
    fn machine<'a>(&'a self, e: &'a Equipment) -> MachineFacts<'a> {
        MachineFacts {
            equipment: e,
            visits: self.visits.get(&e.id).cloned().unwrap_or_default(),
            visit_orders: self.visit_orders.get(&e.id).cloned().unwrap_or_default(),
        }
    }

    fn today(&self, now: i64) -> NaiveDate {
        alerts::local_date(now, self.tz)
    }

    /// Every alert on the company's day of `now`.
    fn compute(&self, now: i64) -> Vec<Alert> {
        let machines: Vec<MachineFacts<'_>> =
            self.machines.iter().map(|e| self.machine(e)).collect();
        alerts::compute(&machines, &self.orders, &self.rules, self.today(now), now)
    }
}

impl Workspace {
    pub fn company_time_zone(&self) -> Result<chrono_tz::Tz> {
        Ok(self
            .settings()?
            .map_or(chrono_tz::Asia::Shanghai, |s| s.time_zone()))
    }

    /// Today in the company's calendar.
    pub fn company_today(&self) -> NaiveDate {
        let tz = self
            .company_time_zone()
            .unwrap_or(chrono_tz::Asia::Shanghai);
        alerts::local_date(now_ms(), tz)
    }

    fn alert_facts(&self) -> Result<Facts> {
        let settings = self.settings()?;
        let tz = settings
            .as_ref()
            .map_or(chrono_tz::Asia::Shanghai, |s| s.time_zone());
        let zone = settings
            .as_ref()
            .map_or(alerts::DEFAULT_TIME_ZONE, |s| s.time_zone_name())
            .to_string();
        let rules = settings.map(|s| s.alert_rules).unwrap_or_default();
        let conn = self.store.conn();
        let mut stmt = conn.prepare(
            "SELECT id, name, model, serial, customer_id, site_id, project_id, installed_on,
                    warranty_until, maintenance_interval_days, notes, plans, acks FROM equipment",
        )?;
        let machines = stmt
            .query_map([], |r| {
                let plans: String = r.get(11)?;
                let acks: String = r.get(12)?;
                Ok(Equipment {
                    doc_type: "equipment".into(),
                    id: r.get(0)?,
                    info: EquipmentInfo {
                        name: r.get(1)?,
                        model: r.get(2)?,
                        serial: r.get(3)?,
                        customer_id: r.get(4)?,
                        site_id: r.get(5)?,
                        project_id: r.get(6)?,
                        installed_on: r.get(7)?,
                        warranty_until: r.get(8)?,
                        maintenance_interval_days: r.get(9)?,
                        notes: r.get(10)?,
                    },
                    created_at: 0,
                    created_by: String::new(),
                    plans: serde_json::from_str(&plans).unwrap_or_default(),
                    acks: serde_json::from_str(&acks).unwrap_or_default(),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut stmt = conn.prepare("SELECT id, plans FROM projects WHERE plans <> '{}'")?;
        let project_plans: HashMap<String, BTreeMap<String, Plan>> = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?
            .into_iter()
            .map(|(id, plans)| (id, serde_json::from_str(&plans).unwrap_or_default()))
            .collect();
        let mut machines = machines;
        alerts::add_project_plans(&mut machines, &project_plans);
        let mut visits: HashMap<String, Vec<Visit>> = HashMap::new();
        let mut stmt =
            conn.prepare("SELECT order_type, completed_at, equipment_ids FROM records")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (ty, at, ids) = row?;
            let Some(order_type) = crate::model::enum_from_name::<OrderType>(&ty) else {
                continue;
            };
            let on = alerts::local_date(at, tz);
            for id in serde_json::from_str::<Vec<String>>(&ids).unwrap_or_default() {
                visits.entry(id).or_default().push(Visit { order_type, on });
            }
        }
        let mut visit_orders: HashMap<String, Vec<VisitOrder>> = HashMap::new();
        let mut numbers = HashMap::new();
        let mut orders = Vec::new();
        let mut stmt = conn.prepare(
            "SELECT id, status, dispatched_at, scheduled_end, customer_id, site_id, assignees, number,
                    plan_visit
             FROM orders",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<i64>>(2)?,
                r.get::<_, Option<i64>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, Option<String>>(7)?,
                r.get::<_, Option<String>>(8)?,
            ))
        })?;
        for row in rows {
            let (
                id,
                status,
                dispatched_at,
                scheduled_end,
                customer_id,
                site_id,
                assignees,
                number,
                plan_visit,
            ) = row?;
            let Some(status) = crate::model::enum_from_name::<Status>(&status) else {
                continue;
            };
            let visit = plan_visit.and_then(|v| serde_json::from_str::<PlanVisit>(&v).ok());
            if let Some(v) = visit
                && let Ok(due) = v.due_on.parse()
            {
                visit_orders
                    .entry(v.equipment_id)
                    .or_default()
                    .push(VisitOrder {
                        plan_id: v.plan_id,
                        due,
                        order_id: id.clone(),
                        status,
                    });
            }
            if let Some(n) = number {
                numbers.insert(id.clone(), n);
            }
            if status.is_open() {
                orders.push(OrderFacts {
                    id,
                    status,
                    dispatched_at,
                    scheduled_end,
                    customer_id,
                    site_id,
                    assignees: serde_json::from_str(&assignees).unwrap_or_default(),
                });
            }
        }
        Ok(Facts {
            tz,
            zone,
            rules,
            machines,
            visits,
            visit_orders,
            orders,
            numbers,
            project_plans,
        })
    }

    /// Every current alert this device can see, filtered.
    pub fn alerts(&self, filter: &AlertFilter) -> Result<AlertList> {
        self.alerts_at(filter, now_ms())
    }

    /// `alerts` at a given instant (tests move the clock).
    pub fn alerts_at(&self, filter: &AlertFilter, now: i64) -> Result<AlertList> {
        let facts = self.alert_facts()?;
        let computed = facts.compute(now);
        let mut open_counts = BTreeMap::new();
        for a in computed
            .iter()
            .filter(|a| a.state != AlertState::Acknowledged)
        {
            *open_counts.entry(a.kind.name().to_string()).or_insert(0) += 1;
        }
        let wanted = |a: &Alert| {
            filter.state.is_none_or(|s| s == a.state)
                && filter.kind.is_none_or(|k| k == a.kind)
                && filter
                    .customer_id
                    .as_ref()
                    .is_none_or(|c| *c == a.customer_id)
                && filter
                    .equipment_id
                    .as_ref()
                    .is_none_or(|e| a.equipment_id.as_ref() == Some(e))
                && filter
                    .technician_id
                    .as_ref()
                    .is_none_or(|t| a.technician_ids.contains(t))
        };
        let directory = self.directory()?;
        let name_of = |id: &str| {
            directory
                .iter()
                .find(|u| u.id == id)
                .map(|u| u.name.clone())
        };
        let machines: HashMap<&str, &Equipment> =
            facts.machines.iter().map(|e| (e.id.as_str(), e)).collect();
        let mut customers: HashMap<String, Option<CustomerView>> = HashMap::new();
        let mut alerts = Vec::new();
        for a in computed.into_iter().filter(|a| wanted(a)) {
            let customer = customers
                .entry(a.customer_id.clone())
                .or_insert_with(|| self.get_customer(&a.customer_id).ok())
                .clone();
            let machine = a.equipment_id.as_deref().and_then(|e| machines.get(e));
            alerts.push(AlertView {
                customer_name: customer.as_ref().map(|c| c.name.clone()),
                site_name: customer.as_ref().and_then(|c| {
                    c.sites
                        .iter()
                        .find(|s| s.id == a.site_id)
                        .map(|s| s.name.clone())
                }),
                equipment_name: machine.map(|m| m.info.name.clone()),
                equipment_model: machine.map(|m| m.info.model.clone()),
                plan_name: machine
                    .zip(a.plan_id.as_deref())
                    .and_then(|(m, p)| m.plans.get(p))
                    .map(|p| p.name.clone()),
                // Until the server numbers it, the provisional number the order list shows.
                order_number: a.order_id.as_ref().map(|o| {
                    facts
                        .numbers
                        .get(o)
                        .cloned()
                        .unwrap_or_else(|| super::provisional_number(o))
                }),
                technician_names: a.technician_ids.iter().filter_map(|t| name_of(t)).collect(),
                acknowledged_by_name: a.ack.as_ref().and_then(|k| name_of(&k.by)),
                alert: a,
            });
        }
        Ok(AlertList {
            today: facts.today(now).to_string(),
            time_zone: facts.zone.clone(),
            alerts,
            open_counts,
        })
    }

    /// The current alert with this key, or why not.
    fn open_alert(&self, key: &str, now: i64) -> Result<(Alert, Facts)> {
        let facts = self.alert_facts()?;
        let found = facts.compute(now).into_iter().find(|a| a.key == key);
        match found {
            Some(a) if a.state != AlertState::Acknowledged => Ok((a, facts)),
            _ => Err(DeviceError::refused(Refusal::AlertNotOpen)),
        }
    }

    /// A supervisor sets an alert aside with a reason (a planned visit is then skipped).
    pub fn acknowledge_alert(&mut self, key: &str, reason: &str) -> Result<AlertList> {
        self.acknowledge_alert_at(key, reason, now_ms())
    }

    pub fn acknowledge_alert_at(&mut self, key: &str, reason: &str, now: i64) -> Result<AlertList> {
        check_text(Field::Reason, reason, true, 500)?;
        let (alert, _) = self.open_alert(key, now)?;
        // Late orders end when the order moves on; only machines' alerts are set aside.
        let Some(equipment_id) = alert.equipment_id.clone() else {
            return Err(DeviceError::refused(Refusal::AlertNotOpen));
        };
        self.change(DocType::Equipment, Some(&equipment_id), |doc, actor| {
            plan::put_ack(
                doc,
                key,
                &AlertAck {
                    by: actor.user_id.clone(),
                    at: now_ms(),
                    reason: reason.trim().to_string(),
                },
            )?;
            Ok(equipment_id.clone())
        })?;
        self.alerts_at(&AlertFilter::default(), now)
    }

    /// Make the order of a due maintenance or inspection visit, marked as that visit's (an
    /// alert whose visit has an order opens it instead), dispatched to the plan's technician.
    pub fn create_order_from_alert(&mut self, key: &str, description: &str) -> Result<OrderDetail> {
        self.create_order_from_alert_at(key, description, now_ms())
    }

    pub fn create_order_from_alert_at(
        &mut self,
        key: &str,
        description: &str,
        now: i64,
    ) -> Result<OrderDetail> {
        let (alert, facts) = self.open_alert(key, now)?;
        let (Some(equipment_id), Some(plan_id), Some(due)) = (
            alert.equipment_id.as_deref(),
            alert.plan_id.as_deref(),
            alert.due_on.as_deref(),
        ) else {
            return Err(DeviceError::refused(Refusal::AlertHasNoVisit));
        };
        if let Some(order_id) = alert.order_id.as_deref() {
            return self.get_order(order_id);
        }
        let tz = facts.tz;
        let machine = facts
            .machines
            .into_iter()
            .find(|e| e.id == equipment_id)
            .ok_or(DeviceError::refused(Refusal::Unknown {
                thing: Thing::Equipment,
            }))?;
        let plan = machine.plans.get(plan_id).cloned();
        let order_type = plan
            .as_ref()
            .map_or(OrderType::Maintenance, |p| p.order_type);
        let template = self.template(order_type)?;
        let duration = plan
            .as_ref()
            .map_or(template.default_duration_min, |p| p.duration_min);
        let day: NaiveDate = due
            .parse()
            .map_err(|_| DeviceError::refused(Refusal::AlertNotOpen))?;
        // The visit starts at 09:00 on its day in the company's calendar.
        let start = day
            .and_hms_opt(9, 0, 0)
            .and_then(|t| tz.from_local_datetime(&t).earliest())
            .map(|t| t.timestamp_millis());
        let input = OrderInput {
            order_type,
            priority: order::Priority::Normal,
            customer_id: machine.info.customer_id.clone(),
            site_id: machine.info.site_id.clone(),
            equipment_ids: vec![machine.id.clone()],
            project_id: machine.info.project_id.clone(),
            description: description.trim().to_string(),
            scheduled_start: start,
            scheduled_end: start.map(|s| s + duration * 60_000),
        };
        self.check_order_refs(&input)?;
        let tz_offset = local_offset_min();
        let visit = PlanVisit {
            equipment_id: machine.id.clone(),
            plan_id: plan_id.to_string(),
            due_on: due.to_string(),
        };
        let id = self.change(DocType::Order, None, |doc, actor| {
            let id = order::new_order_doc(doc, &actor.user_id, tz_offset, &input, &template)?;
            order::set_plan_visit(doc, &visit)?;
            Ok(id)
        })?;
        let technician = plan.and_then(|p| p.technician_id);
        let dispatchable = technician.as_ref().is_some_and(|t| {
            self.directory()
                .ok()
                .and_then(|d| d.into_iter().find(|u| &u.id == t))
                .is_some_and(|u| u.role == Role::Technician && u.active)
        });
        match technician {
            Some(t) if dispatchable => self.dispatch_order(&id, &[t], false),
            _ => self.get_order(&id),
        }
    }

    /// A machine's plans with the visit each has due now.
    pub fn equipment_plans(&self, equipment_id: &str) -> Result<Vec<PlanView>> {
        check_id("equipment", equipment_id)?;
        let facts = self.alert_facts()?;
        let machine =
            facts
                .machines
                .iter()
                .find(|e| e.id == equipment_id)
                .ok_or(DeviceError::refused(Refusal::Unknown {
                    thing: Thing::Equipment,
                }))?;
        let facts_of = facts.machine(machine);
        let directory = self.directory()?;
        let project = machine.info.project_id.as_ref();
        let of_project = project.and_then(|p| facts.project_plans.get(p));
        Ok(machine
            .plans
            .iter()
            .map(|(id, p)| {
                let from_project = of_project.is_some_and(|plans| plans.get(id) == Some(p));
                plan_view(
                    id,
                    p,
                    facts_of.due_visit(id, p),
                    &directory,
                    project.filter(|_| from_project),
                )
            })
            .collect())
    }

    /// A project's plans (each visits every machine of the project); the next due is left to
    /// each machine.
    pub fn project_plans(&self, project_id: &str) -> Result<Vec<PlanView>> {
        check_id("project", project_id)?;
        let facts = self.alert_facts()?;
        let directory = self.directory()?;
        let project = project_id.to_string();
        Ok(facts
            .project_plans
            .get(project_id)
            .map(|plans| {
                plans
                    .iter()
                    .map(|(id, p)| plan_view(id, p, None, &directory, Some(&project)))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Add a plan to a project (no id) or change one: every machine of the project gets its
    /// visits.
    pub fn save_project_plan(
        &mut self,
        project_id: &str,
        plan_id: Option<&str>,
        plan: &Plan,
    ) -> Result<Vec<PlanView>> {
        self.check_plan(plan)?;
        let plan_id = plan_id.map_or_else(new_id, str::to_string);
        self.change(DocType::Project, Some(project_id), |doc, _| {
            plan::put_plan(doc, &plan_id, plan)?;
            Ok(project_id.to_string())
        })?;
        self.project_plans(project_id)
    }

    pub fn delete_project_plan(
        &mut self,
        project_id: &str,
        plan_id: &str,
    ) -> Result<Vec<PlanView>> {
        self.change(DocType::Project, Some(project_id), |doc, _| {
            plan::delete_plan(doc, plan_id)?;
            Ok(project_id.to_string())
        })?;
        self.project_plans(project_id)
    }

    /// Add a plan to a machine (no id) or change one. Orders already made keep what they were
    /// made with.
    pub fn save_plan(
        &mut self,
        equipment_id: &str,
        plan_id: Option<&str>,
        plan: &Plan,
    ) -> Result<Vec<PlanView>> {
        self.check_plan(plan)?;
        let plan_id = plan_id.map_or_else(new_id, str::to_string);
        self.change(DocType::Equipment, Some(equipment_id), |doc, _| {
            plan::put_plan(doc, &plan_id, plan)?;
            Ok(equipment_id.to_string())
        })?;
        self.equipment_plans(equipment_id)
    }

    /// A plan as typed, with its technician known to this device.
    fn check_plan(&self, plan: &Plan) -> Result<()> {
        plan.validate()?;
        if let Some(t) = &plan.technician_id {
            let known = self
                .directory()?
                .into_iter()
                .any(|u| &u.id == t && u.role == Role::Technician);
            if !known {
                return Err(DeviceError::refused(Refusal::Unknown {
                    thing: Thing::Technician,
                }));
            }
        }
        Ok(())
    }

    pub fn delete_plan(&mut self, equipment_id: &str, plan_id: &str) -> Result<Vec<PlanView>> {
        self.change(DocType::Equipment, Some(equipment_id), |doc, _| {
            plan::delete_plan(doc, plan_id)?;
            Ok(equipment_id.to_string())
        })?;
        self.equipment_plans(equipment_id)
    }

    /// Every planned visit from `from` to `to` (dates, at most 400 days), for the calendar.
    pub fn planned_visits(&self, from: &str, to: &str) -> Result<Vec<PlannedVisit>> {
        let from = crate::model::check_date(Field::From, from)?;
        let to = crate::model::check_date(Field::To, to)?;
        if to < from || (to - from).num_days() > MAX_CALENDAR_DAYS {
            return Err(DeviceError::refused(Refusal::PeriodTooLong));
        }
        let facts = self.alert_facts()?;
        let mut customers: HashMap<String, Option<String>> = HashMap::new();
        let mut out = Vec::new();
        for e in &facts.machines {
            let made = facts.visit_orders.get(&e.id);
            for (plan_id, p) in &e.plans {
                for date in p.occurrences_until(to).into_iter().filter(|d| *d >= from) {
                    // The visit's order: an open one first, else a cancelled one.
                    let order = made.and_then(|orders| {
                        let mut of_visit: Vec<&VisitOrder> = orders
                            .iter()
                            .filter(|v| &v.plan_id == plan_id && v.due == date)
                            .collect();
                        of_visit.sort_by_key(|v| v.status == Status::Cancelled);
                        of_visit.first().copied()
                    });
                    let customer_name = customers
                        .entry(e.info.customer_id.clone())
                        .or_insert_with(|| {
                            self.get_customer(&e.info.customer_id).ok().map(|c| c.name)
                        })
                        .clone();
                    out.push(PlannedVisit {
                        date: date.to_string(),
                        equipment_id: e.id.clone(),
                        equipment_name: e.info.name.clone(),
                        customer_name,
                        plan_id: plan_id.clone(),
                        plan: p.clone(),
                        order_id: order.map(|v| v.order_id.clone()),
                        order_status: order.map(|v| v.status),
                    });
                }
            }
        }
        out.sort_by(|a, b| (&a.date, &a.equipment_name).cmp(&(&b.date, &b.equipment_name)));
        Ok(out)
    }

    pub fn alert_settings(&self) -> Result<AlertSettings> {
        let settings = self.settings()?;
        let stored = settings
            .as_ref()
            .map(|s| s.alert_rules.clone())
            .unwrap_or_default();
        Ok(AlertSettings {
            time_zone: settings
                .as_ref()
                .map_or(alerts::DEFAULT_TIME_ZONE.to_string(), |s| {
                    s.time_zone_name().to_string()
                }),
            rules: alerts::rules_in_force(&stored)
                .into_iter()
                .map(|(kind, rule)| KindRule { kind, rule })
                .collect(),
        })
    }

    /// Administrators change one kind's alert rule.
    pub fn save_alert_rule(&mut self, kind: AlertKind, rule: &AlertRule) -> Result<AlertSettings> {
        rule.validate(kind)?;
        self.change_settings(|doc| settings::put_alert_rule(doc, kind, rule))?;
        self.alert_settings()
    }

    /// Administrators set the company's calendar (an IANA time zone such as Asia/Shanghai).
    pub fn set_time_zone(&mut self, name: &str) -> Result<AlertSettings> {
        alerts::parse_time_zone(name.trim())?;
        self.change_settings(|doc| settings::set_time_zone(doc, name))?;
        self.alert_settings()
    }
}

fn plan_view(
    id: &str,
    p: &Plan,
    next_due: Option<chrono::NaiveDate>,
    directory: &[crate::protocol::UserInfo],
    project_id: Option<&String>,
) -> PlanView {
    PlanView {
        id: id.to_string(),
        plan: p.clone(),
        next_due: next_due.map(|d| d.to_string()),
        technician_name: p
            .technician_id
            .as_ref()
            .and_then(|t| directory.iter().find(|u| &u.id == t))
            .map(|u| u.name.clone()),
        project_id: project_id.cloned(),
    }
}

#[cfg(test)]
mod tests {
    use chrono::Days;

    use super::*;
    use crate::alerts::AlertKind;
    use crate::model::plan::{PeriodUnit, PlanAnchor, PlanKind};
    use crate::testing::*;
    use crate::{ErrorCode, Refusal};

    fn today() -> NaiveDate {
        alerts::local_date(now_ms(), chrono_tz::Asia::Shanghai)
    }

    fn monthly(start: NaiveDate, technician: Option<&str>) -> Plan {
        Plan {
            name: "Monthly service".into(),
            kind: PlanKind::Maintenance,
            every: 1,
            unit: PeriodUnit::Months,
            start: start.to_string(),
            end: None,
            anchor: PlanAnchor::Planned,
            order_type: OrderType::Maintenance,
            duration_min: 90,
            technician_id: technician.map(str::to_string),
            days_ahead: 5,
            rule: None,
        }
    }

    /// A supervisor's device with a customer and one machine whose warranty ends in 20 days.
    fn supervisor_with_machine() -> (Workspace, String) {
        let mut sup = workspace(SUPERVISOR, Role::Supervisor);
        with_settings(&mut sup);
        let c = sup
            .create_customer(&customer_input("上海华东医疗"))
            .unwrap();
        let e = sup
            .create_equipment(&EquipmentInfo {
                name: "2号冷水机组".into(),
                model: "CH-200".into(),
                serial: "SN-1".into(),
                customer_id: c.id.clone(),
                site_id: c.sites[0].id.clone(),
                project_id: None,
                installed_on: Some("2024-01-10".into()),
                warranty_until: Some((today() + Days::new(20)).to_string()),
                maintenance_interval_days: None,
                notes: String::new(),
            })
            .unwrap();
        (sup, e.id)
    }

    #[test]
    fn a_plan_raises_its_alert_and_its_order_is_made_once_and_done_by_the_technician() {
        let (mut sup, eq) = supervisor_with_machine();
        let start = today() + Days::new(3);
        let plans = sup
            .save_plan(&eq, None, &monthly(start, Some(TECH_A)))
            .unwrap();
        assert_eq!(
            plans[0].next_due.as_deref(),
            Some(start.to_string().as_str())
        );
        assert_eq!(plans[0].technician_name.as_deref(), Some("Tech A"));

        let list = sup.alerts(&AlertFilter::default()).unwrap();
        assert_eq!(list.time_zone, "Asia/Shanghai");
        let kinds: Vec<AlertKind> = list.alerts.iter().map(|a| a.alert.kind).collect();
        assert_eq!(
            kinds,
            [AlertKind::Maintenance, AlertKind::Warranty],
            "nearest first"
        );
        let visit = &list.alerts[0];
        assert_eq!(visit.alert.left, 3);
        assert_eq!(visit.equipment_name.as_deref(), Some("2号冷水机组"));
        assert_eq!(visit.customer_name.as_deref(), Some("上海华东医疗"));
        assert_eq!(visit.technician_names, ["Tech A"]);
        assert!(!visit.alert.order_exists);

        let order = sup
            .create_order_from_alert(&visit.alert.key, "Monthly service")
            .unwrap();
        assert_eq!(visit.alert.order_id, None, "no order before");
        assert_eq!(order.summary.status, "dispatched");
        assert_eq!(order.summary.order_type, "maintenance");
        let again = sup
            .create_order_from_alert(&visit.alert.key, "Monthly service")
            .unwrap();
        assert_eq!(again.summary.id, order.summary.id, "one order per visit");
        let now_named = sup.alerts(&AlertFilter::default()).unwrap().alerts[0].clone();
        assert_eq!(now_named.alert.order_id.as_ref(), Some(&order.summary.id));
        assert_eq!(
            now_named.order_number.as_ref(),
            Some(&order.summary.display_number),
            "the provisional number until the server numbers it"
        );
        // Editing the plan later leaves the order made for it as it was.
        let mut longer = monthly(start, Some(TECH_A));
        longer.duration_min = 240;
        longer.name = "Renamed".into();
        let plan_id = plans[0].id.clone();
        sup.save_plan(&eq, Some(&plan_id), &longer).unwrap();
        let kept = sup.get_order(&order.summary.id).unwrap();
        assert_eq!(kept.summary.description, "Monthly service");
        assert_eq!(
            kept.summary.scheduled_end.unwrap() - kept.summary.scheduled_start.unwrap(),
            90 * 60_000
        );
        let count: i64 = sup
            .store
            .conn()
            .query_row("SELECT COUNT(*) FROM orders", [], |r| r.get(0))
            .unwrap();
        assert_eq!(count, 1);

        // The technician's device, offline after a sync, shows the same alert.
        let mut tech = workspace(TECH_A, Role::Technician);
        exchange(&sup, &mut tech);
        let theirs = tech.alerts(&AlertFilter::default()).unwrap();
        let keys = |l: &AlertList| {
            l.alerts
                .iter()
                .map(|a| a.alert.key.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            keys(&theirs),
            keys(&sup.alerts(&AlertFilter::default()).unwrap())
        );
        assert!(theirs.alerts[0].alert.order_exists);

        // Done: the visit's alert ends on both devices, next month's is not due yet.
        tech.accept_order(&order.summary.id).unwrap();
        tech.check_in(&order.summary.id, Some(gps(31.2304, 121.4737, 10.0)))
            .unwrap();
        tick_required(&mut tech, &order.summary.id);
        tech.complete_order(&order.summary.id, "Filters changed")
            .unwrap();
        exchange(&tech, &mut sup);
        let after = sup.alerts(&AlertFilter::default()).unwrap();
        assert_eq!(
            after
                .alerts
                .iter()
                .map(|a| a.alert.kind)
                .collect::<Vec<_>>(),
            [AlertKind::Warranty]
        );
        let plans = sup.equipment_plans(&eq).unwrap();
        assert_eq!(
            plans[0].next_due.as_deref(),
            Some(
                monthly(start, None)
                    .step(start, 1)
                    .unwrap()
                    .to_string()
                    .as_str()
            )
        );
    }

    #[test]
    fn an_alert_set_aside_keeps_its_reason_and_cannot_be_set_aside_twice() {
        let (mut sup, _) = supervisor_with_machine();
        let key = sup.alerts(&AlertFilter::default()).unwrap().alerts[0]
            .alert
            .key
            .clone();
        let err = sup.acknowledge_alert(&key, "  ").unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput);
        let list = sup
            .acknowledge_alert(&key, "Customer told, renewal quoted")
            .unwrap();
        let a = &list.alerts[0];
        assert_eq!(a.alert.state, AlertState::Acknowledged);
        assert_eq!(
            a.alert.ack.as_ref().unwrap().reason,
            "Customer told, renewal quoted"
        );
        assert_eq!(a.acknowledged_by_name.as_deref(), Some("Supervisor"));
        assert!(list.open_counts.is_empty());
        assert!(matches!(
            sup.acknowledge_alert(&key, "again")
                .unwrap_err()
                .body()
                .refusal,
            Some(Refusal::AlertNotOpen)
        ));
        // A technician sees the alert but does not set it aside.
        let mut tech = workspace(TECH_A, Role::Technician);
        exchange(&sup, &mut tech);
        let (mut sup2, eq2) = supervisor_with_machine();
        exchange(&sup2, &mut tech);
        let open_key = tech
            .alerts(&AlertFilter {
                equipment_id: Some(eq2.clone()),
                ..AlertFilter::default()
            })
            .unwrap()
            .alerts[0]
            .alert
            .key
            .clone();
        assert_eq!(
            tech.acknowledge_alert(&open_key, "not mine")
                .unwrap_err()
                .code(),
            ErrorCode::Forbidden
        );
        assert!(sup2.acknowledge_alert(&open_key, "ok").is_ok());
    }

    #[test]
    fn rules_and_the_company_calendar_are_checked_and_used() {
        let (mut admin, _) = supervisor_with_machine();
        admin.session.as_mut().unwrap().user.role = Role::Admin;
        assert!(matches!(
            admin
                .set_time_zone("Mars/Olympus")
                .unwrap_err()
                .body()
                .refusal,
            Some(Refusal::UnknownTimeZone { .. })
        ));
        assert_eq!(
            admin.set_time_zone("Europe/Berlin").unwrap().time_zone,
            "Europe/Berlin"
        );
        let too_long = AlertRule {
            enabled: true,
            lead: 400,
            repeat_every_days: 7,
            notify: Default::default(),
        };
        assert_eq!(
            admin
                .save_alert_rule(AlertKind::Warranty, &too_long)
                .unwrap_err()
                .code(),
            ErrorCode::InvalidInput
        );
        // A 10-day warning: the warranty ending in 20 days is no alert yet.
        let short = AlertRule {
            lead: 10,
            ..too_long
        };
        let settings = admin.save_alert_rule(AlertKind::Warranty, &short).unwrap();
        assert!(
            settings
                .rules
                .iter()
                .any(|r| r.kind == AlertKind::Warranty && r.rule == short)
        );
        assert!(
            admin
                .alerts(&AlertFilter::default())
                .unwrap()
                .alerts
                .is_empty()
        );
        // A supervisor does not change the company's rules.
        let (mut sup, _) = supervisor_with_machine();
        assert_eq!(
            sup.save_alert_rule(AlertKind::Warranty, &short)
                .unwrap_err()
                .code(),
            ErrorCode::Forbidden
        );
    }

    #[test]
    fn technicians_do_not_edit_plans_and_bad_plans_are_refused() {
        let (mut sup, eq) = supervisor_with_machine();
        let mut bad = monthly(today(), None);
        bad.end = Some((today() - Days::new(1)).to_string());
        assert!(matches!(
            sup.save_plan(&eq, None, &bad).unwrap_err().body().refusal,
            Some(Refusal::PlanEndsBeforeStart)
        ));
        let stranger = monthly(today(), Some("00000000-0000-7000-8000-00000000ffff"));
        assert!(matches!(
            sup.save_plan(&eq, None, &stranger)
                .unwrap_err()
                .body()
                .refusal,
            Some(Refusal::Unknown { .. })
        ));
        let mut tech = workspace(TECH_A, Role::Technician);
        exchange(&sup, &mut tech);
        assert_eq!(
            tech.save_plan(&eq, None, &monthly(today(), None))
                .unwrap_err()
                .code(),
            ErrorCode::Forbidden
        );
        let plans = sup.save_plan(&eq, None, &monthly(today(), None)).unwrap();
        let plans = sup.delete_plan(&eq, &plans[0].id).unwrap();
        assert!(plans.is_empty());
    }

    #[test]
    fn the_calendar_lists_each_planned_visit_in_the_period() {
        let (mut sup, eq) = supervisor_with_machine();
        sup.save_plan(&eq, None, &monthly("2026-01-31".parse().unwrap(), None))
            .unwrap();
        let visits = sup.planned_visits("2026-02-01", "2026-04-30").unwrap();
        let dates: Vec<&str> = visits.iter().map(|v| v.date.as_str()).collect();
        assert_eq!(dates, ["2026-02-28", "2026-03-31", "2026-04-30"]);
        assert!(matches!(
            sup.planned_visits("2026-01-01", "2027-12-31")
                .unwrap_err()
                .body()
                .refusal,
            Some(Refusal::PeriodTooLong)
        ));
    }
}
