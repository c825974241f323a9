//! Alerts (预警): which machines' warranties, maintenance and inspections are due soon or
//! overdue, and which orders are late, on a given day. One function from the documents' facts
//! and a date, so a tablet offline and the server agree.
//!
//! An alert is one (rule, object, due date): its key names the three. It ends by itself when
//! the thing is done (the visit completed, the warranty date moved, the order accepted or
//! completed) or when a supervisor sets it aside with a reason (an acknowledgement, kept in
//! the machine's document; for a planned visit it skips that visit).

use std::collections::BTreeMap;

use chrono::{NaiveDate, TimeZone};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::error::{DomainError, Field, Problem, Refusal, Result};
use crate::model::equipment::Equipment;
use crate::model::order::{OrderDoc, OrderType, Status};
use crate::model::plan::{AlertAck, PeriodUnit, Plan, PlanAnchor, PlanKind};
use crate::notify::Notify;

/// The company's calendar when it set none.
pub const DEFAULT_TIME_ZONE: &str = "Asia/Shanghai";

/// A time zone name of the IANA database, or why not.
pub fn parse_time_zone(name: &str) -> Result<Tz> {
    name.parse::<Tz>().map_err(|_| {
        DomainError::Refused(Refusal::UnknownTimeZone {
            name: name.chars().take(64).collect(),
        })
    })
}

/// The calendar date of an instant (ms since the epoch) in `tz`.
pub fn local_date(ms: i64, tz: Tz) -> NaiveDate {
    tz.timestamp_millis_opt(ms)
        .single()
        .map(|t| t.date_naive())
        .unwrap_or_default()
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// The machine's warranty ends.
    Warranty,
    /// A maintenance (or calibration) visit falls due.
    Maintenance,
    /// An inspection (or testing) visit falls due.
    Inspection,
    /// A dispatched order nobody accepted in time.
    NotAccepted,
    /// An open order past its scheduled end.
    NotCompleted,
}

pub const ALERT_KINDS: [AlertKind; 5] = [
    AlertKind::Warranty,
    AlertKind::Maintenance,
    AlertKind::Inspection,
    AlertKind::NotAccepted,
    AlertKind::NotCompleted,
];

impl AlertKind {
    pub fn name(self) -> &'static str {
        match self {
            AlertKind::Warranty => "warranty",
            AlertKind::Maintenance => "maintenance",
            AlertKind::Inspection => "inspection",
            AlertKind::NotAccepted => "not_accepted",
            AlertKind::NotCompleted => "not_completed",
        }
    }

    /// Whether the rule's `lead` counts hours (orders) rather than days (machines).
    pub fn counts_hours(self) -> bool {
        matches!(self, AlertKind::NotAccepted | AlertKind::NotCompleted)
    }

    pub fn of_plan(kind: PlanKind) -> AlertKind {
        match kind {
            PlanKind::Maintenance | PlanKind::Calibration => AlertKind::Maintenance,
            PlanKind::Inspection | PlanKind::Testing => AlertKind::Inspection,
        }
    }
}

/// A company's rule for one kind of alert (tenant settings, edited by administrators).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct AlertRule {
    pub enabled: bool,
    /// Machines: days before the due date the "due soon" warning starts. Not accepted: hours
    /// after dispatch. Not completed: hours before the scheduled end.
    pub lead: i64,
    /// Days between overdue reminders.
    pub repeat_every_days: i64,
    /// Who hears of it, by which channels (the server sends).
    #[serde(default)]
    pub notify: Notify,
}

impl AlertRule {
    pub fn default_for(kind: AlertKind) -> AlertRule {
        let (lead, repeat_every_days) = match kind {
            AlertKind::Warranty => (30, 7),
            AlertKind::Maintenance | AlertKind::Inspection => (7, 3),
            AlertKind::NotAccepted => (4, 1),
            AlertKind::NotCompleted => (2, 1),
        };
        AlertRule {
            enabled: true,
            lead,
            repeat_every_days,
            notify: Notify::default(),
        }
    }

    pub fn validate(&self, kind: AlertKind) -> Result<()> {
        let max = if kind.counts_hours() { 720 } else { 365 };
        if !(0..=max).contains(&self.lead) {
            return Err(DomainError::bad_field(
                Field::WarnBefore,
                Problem::OutOfRange {
                    min: 0,
                    max: max as i32,
                },
            ));
        }
        if !(1..=365).contains(&self.repeat_every_days) {
            return Err(DomainError::bad_field(
                Field::RepeatEvery,
                Problem::OutOfRange { min: 1, max: 365 },
            ));
        }
        self.notify.validate()
    }
}

/// Every kind's rule in force: the stored ones, defaults for the rest.
pub fn rules_in_force(stored: &BTreeMap<String, AlertRule>) -> BTreeMap<AlertKind, AlertRule> {
    ALERT_KINDS
        .iter()
        .map(|k| {
            let rule = stored
                .get(k.name())
                .cloned()
                .unwrap_or_else(|| AlertRule::default_for(*k));
            (*k, rule)
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum AlertState {
    Overdue,
    DueSoon,
    Acknowledged,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Alert {
    /// `{kind}:{object}:{plan or -}:{due}`: one alert per rule, object and due date.
    pub key: String,
    pub kind: AlertKind,
    pub state: AlertState,
    /// Machines: the due date (the company's calendar).
    pub due_on: Option<String>,
    /// Orders: the due instant (ms).
    pub due_at: Option<i64>,
    /// Machines: days until the due date (negative: overdue). Orders: hours.
    pub left: i64,
    /// 0 for the "due soon" warning; n ≥ 1 for the n-th overdue reminder.
    pub reminder: i64,
    pub customer_id: String,
    pub site_id: String,
    pub equipment_id: Option<String>,
    pub plan_id: Option<String>,
    pub plan_kind: Option<PlanKind>,
    /// The late order, or the order made for a planned visit (none made yet: none).
    pub order_id: Option<String>,
    /// Whether that order exists.
    pub order_exists: bool,
    /// Orders (not cancelled) made for this planned visit: more than one when two people made
    /// one offline at the same time; a supervisor then cancels the extra ones.
    pub visit_orders: i64,
    /// Who the work is for: the order's assignees or the plan's technician.
    pub technician_ids: Vec<String>,
    pub ack: Option<AlertAck>,
}

/// A completed order that named the machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Visit {
    pub order_type: OrderType,
    /// Completion day in the company's calendar.
    pub on: NaiveDate,
}

/// What alerts need to know of an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderFacts {
    pub id: String,
    pub status: Status,
    /// When it was last dispatched (ms).
    pub dispatched_at: Option<i64>,
    pub scheduled_end: Option<i64>,
    pub customer_id: String,
    pub site_id: String,
    pub assignees: Vec<String>,
}

/// The order made for a planned visit of a machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitOrder {
    pub plan_id: String,
    pub due: NaiveDate,
    pub order_id: String,
    pub status: Status,
}

/// What alerts learn from one order document.
pub struct FromOrder {
    pub status: Status,
    /// Its facts while it is open.
    pub open: Option<OrderFacts>,
    /// The visits it made when completed: one per machine it names, on its completion day.
    pub visits: Vec<(String, Visit)>,
    /// The planned visit it was made for (machine id, visit).
    pub visit_order: Option<(String, VisitOrder)>,
}

impl OrderFacts {
    /// What an order document tells alerts, in the company's calendar `tz`: what the server
    /// reads from documents and the device keeps in its projections.
    pub fn of_order(o: &OrderDoc, tz: Tz) -> FromOrder {
        let st = o.state();
        let visits = st
            .completed_at
            // As the business records count it: completed even while a conflict waits.
            .filter(|_| matches!(st.underlying, Status::Completed | Status::Settled))
            .map(|at| {
                let on = local_date(at, tz);
                o.header
                    .equipment_ids
                    .iter()
                    .map(|e| {
                        (
                            e.clone(),
                            Visit {
                                order_type: o.header.order_type,
                                on,
                            },
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let open = st.status.is_open().then(|| OrderFacts {
            id: o.id.clone(),
            status: st.status,
            dispatched_at: o.last_dispatched_at(),
            scheduled_end: o.header.scheduled_end,
            customer_id: o.header.customer_id.clone(),
            site_id: o.header.site_id.clone(),
            assignees: st.assignees.clone(),
        });
        let visit_order = o.header.plan_visit.as_ref().and_then(|v| {
            Some((
                v.equipment_id.clone(),
                VisitOrder {
                    plan_id: v.plan_id.clone(),
                    due: v.due_on.parse().ok()?,
                    order_id: o.id.clone(),
                    status: st.status,
                },
            ))
        });
        FromOrder {
            status: st.status,
            open,
            visits,
            visit_order,
        }
    }
}

/// What alerts need to know of a machine.
pub struct MachineFacts<'a> {
    pub equipment: &'a Equipment,
    /// Completed orders naming the machine, any order.
    pub visits: Vec<Visit>,
    /// Orders made for its planned visits.
    pub visit_orders: Vec<VisitOrder>,
}

impl MachineFacts<'_> {
    /// The day of the last completed order of this type naming the machine.
    pub fn last_visit(&self, order_type: OrderType) -> Option<NaiveDate> {
        self.visits
            .iter()
            .filter(|v| v.order_type == order_type)
            .map(|v| v.on)
            .max()
    }

    fn orders_of<'s>(
        &'s self,
        plan_id: &'s str,
        due: NaiveDate,
    ) -> impl Iterator<Item = &'s VisitOrder> {
        self.visit_orders
            .iter()
            .filter(move |v| v.plan_id == plan_id && v.due == due)
    }

    /// A visit set aside by someone, or whose every order was cancelled, was skipped.
    pub fn skipped(&self, kind: AlertKind, plan_id: &str, due: NaiveDate) -> bool {
        let e = self.equipment;
        if e.acks
            .contains_key(&machine_key(kind, &e.id, Some(plan_id), due))
        {
            return true;
        }
        let mut orders = self.orders_of(plan_id, due).peekable();
        orders.peek().is_some() && orders.all(|v| v.status == Status::Cancelled)
    }

    /// The visit of one of the machine's plans due now (none: the plan has ended).
    pub fn due_visit(&self, plan_id: &str, plan: &Plan) -> Option<NaiveDate> {
        let kind = AlertKind::of_plan(plan.kind);
        plan.due_date(self.last_visit(plan.order_type), |d| {
            self.skipped(kind, plan_id, d)
        })
    }

    /// The planned visits whose orders the server makes on `today`: each visit from the one
    /// due now up to `days_ahead` days ahead (fixed-calendar plans; a plan counted from the
    /// last visit has only the next), without an order yet (a cancelled one counts: a
    /// cancelled visit is not made again) and not set aside. Earlier missed occurrences are
    /// not made again: the one due now stands for them.
    pub fn visits_to_make(&self, today: NaiveDate) -> Vec<(String, NaiveDate)> {
        let mut out = Vec::new();
        for (plan_id, plan) in &self.equipment.plans {
            let Some(first) = self.due_visit(plan_id, plan) else {
                continue;
            };
            let Some(horizon) =
                today.checked_add_days(chrono::Days::new(plan.days_ahead.max(0) as u64))
            else {
                continue;
            };
            let dates: Vec<NaiveDate> = match plan.effective_anchor() {
                PlanAnchor::Planned => plan
                    .occurrences_until(horizon)
                    .into_iter()
                    .filter(|d| *d == first || (*d > first && *d >= today))
                    .collect(),
                PlanAnchor::LastDone => vec![first].into_iter().filter(|d| *d <= horizon).collect(),
            };
            let kind = AlertKind::of_plan(plan.kind);
            for d in dates {
                if self.orders_of(plan_id, d).next().is_none() && !self.skipped(kind, plan_id, d) {
                    out.push((plan_id.clone(), d));
                }
            }
        }
        out
    }
}

/// A machine with the plans of its project added (its own plan wins a shared id): a
/// project's plan brings a visit to each of its machines, each with its own orders and
/// set-asides.
pub fn add_project_plans(
    machines: &mut [Equipment],
    by_project: &std::collections::HashMap<String, BTreeMap<String, Plan>>,
) {
    for machine in machines {
        let Some(plans) = machine
            .info
            .project_id
            .as_ref()
            .and_then(|p| by_project.get(p))
        else {
            continue;
        };
        for (id, plan) in plans {
            machine
                .plans
                .entry(id.clone())
                .or_insert_with(|| plan.clone());
        }
    }
}

/// The key of an alert about a machine.
pub fn machine_key(
    kind: AlertKind,
    equipment_id: &str,
    plan_id: Option<&str>,
    due: NaiveDate,
) -> String {
    format!(
        "{}:{equipment_id}:{}:{due}",
        kind.name(),
        plan_id.unwrap_or("-")
    )
}

fn reminder(overdue: i64, repeat: i64) -> i64 {
    if overdue <= 0 {
        0
    } else {
        1 + (overdue - 1) / repeat.max(1)
    }
}

/// The pseudo-plan id of a machine's plain "every N days" maintenance interval.
pub const INTERVAL_PLAN: &str = "interval";

/// Every alert on `today` (the company's calendar) at `now` (ms): machines' alerts from their
/// warranty, plans, visits and visit orders; orders' from their dispatch and schedule.
/// Acknowledged alerts still current are returned with state `Acknowledged`.
pub fn compute(
    machines: &[MachineFacts<'_>],
    orders: &[OrderFacts],
    stored_rules: &BTreeMap<String, AlertRule>,
    today: NaiveDate,
    now_ms: i64,
) -> Vec<Alert> {
    let rules = rules_in_force(stored_rules);
    let mut out = Vec::new();
    for m in machines {
        machine_alerts(m, &rules, today, &mut out);
    }
    for o in orders {
        order_alerts(o, &rules, now_ms, &mut out);
    }
    out.sort_by(|a, b| (a.state, a.left, &a.key).cmp(&(b.state, b.left, &b.key)));
    out
}

struct Due<'a> {
    kind: AlertKind,
    plan_id: Option<&'a str>,
    plan: Option<&'a Plan>,
    date: NaiveDate,
}

fn machine_alerts(
    m: &MachineFacts<'_>,
    rules: &BTreeMap<AlertKind, AlertRule>,
    today: NaiveDate,
    out: &mut Vec<Alert>,
) {
    let e = m.equipment;
    let mut dues: Vec<Due<'_>> = Vec::new();
    if let Some(w) = e
        .info
        .warranty_until
        .as_deref()
        .and_then(|w| w.parse().ok())
    {
        dues.push(Due {
            kind: AlertKind::Warranty,
            plan_id: None,
            plan: None,
            date: w,
        });
    }
    for (plan_id, plan) in &e.plans {
        if let Some(d) = m.due_visit(plan_id, plan) {
            dues.push(Due {
                kind: AlertKind::of_plan(plan.kind),
                plan_id: Some(plan_id),
                plan: Some(plan),
                date: d,
            });
        }
    }
    // A machine with only an interval and no maintenance plan: due one interval after the last
    // maintenance (or the installation).
    let has_maintenance_plan = e
        .plans
        .values()
        .any(|p| AlertKind::of_plan(p.kind) == AlertKind::Maintenance);
    if let (Some(days), false) = (e.info.maintenance_interval_days, has_maintenance_plan) {
        let from = m
            .last_visit(OrderType::Maintenance)
            .or_else(|| e.info.installed_on.as_deref().and_then(|d| d.parse().ok()));
        if let Some(from) = from {
            let interval = Plan {
                name: String::new(),
                kind: PlanKind::Maintenance,
                every: days,
                unit: PeriodUnit::Days,
                start: from.to_string(),
                end: None,
                anchor: PlanAnchor::LastDone,
                order_type: OrderType::Maintenance,
                duration_min: 0,
                technician_id: None,
                days_ahead: 0,
                rule: None,
            };
            let skipped = |d| m.skipped(AlertKind::Maintenance, INTERVAL_PLAN, d);
            if let Some(d) = interval.due_date(Some(from), skipped) {
                dues.push(Due {
                    kind: AlertKind::Maintenance,
                    plan_id: Some(INTERVAL_PLAN),
                    plan: None,
                    date: d,
                });
            }
        }
    }
    for due in dues {
        let rule = &rules[&due.kind];
        if !rule.enabled {
            continue;
        }
        let left = (due.date - today).num_days();
        if left > rule.lead {
            continue;
        }
        let key = machine_key(due.kind, &e.id, due.plan_id, due.date);
        let ack = e.acks.get(&key).cloned();
        let state = match (&ack, left < 0) {
            (Some(_), _) => AlertState::Acknowledged,
            (None, true) => AlertState::Overdue,
            (None, false) => AlertState::DueSoon,
        };
        let live: Vec<&VisitOrder> = due
            .plan_id
            .map(|p| {
                m.orders_of(p, due.date)
                    .filter(|v| v.status != Status::Cancelled)
                    .collect()
            })
            .unwrap_or_default();
        let order_id = live.iter().map(|v| v.order_id.clone()).min();
        out.push(Alert {
            key,
            kind: due.kind,
            state,
            due_on: Some(due.date.to_string()),
            due_at: None,
            left,
            reminder: reminder(-left, rule.repeat_every_days),
            customer_id: e.info.customer_id.clone(),
            site_id: e.info.site_id.clone(),
            equipment_id: Some(e.id.clone()),
            plan_id: due.plan_id.map(str::to_string),
            plan_kind: due.plan.map(|p| p.kind),
            order_exists: order_id.is_some(),
            visit_orders: live.len() as i64,
            order_id,
            technician_ids: due
                .plan
                .and_then(|p| p.technician_id.clone())
                .into_iter()
                .collect(),
            ack,
        });
    }
}

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

fn order_alerts(
    o: &OrderFacts,
    rules: &BTreeMap<AlertKind, AlertRule>,
    now_ms: i64,
    out: &mut Vec<Alert>,
) {
    let mut push = |kind: AlertKind, due_at: i64, due_soon_from: i64| {
        let rule = &rules[&kind];
        if !rule.enabled || now_ms < due_soon_from {
            return;
        }
        let overdue_ms = now_ms - due_at;
        let state = if overdue_ms > 0 {
            AlertState::Overdue
        } else {
            AlertState::DueSoon
        };
        let overdue_days = if overdue_ms > 0 {
            overdue_ms / DAY_MS + 1
        } else {
            0
        };
        out.push(Alert {
            key: format!("{}:{}:-:{due_at}", kind.name(), o.id),
            kind,
            state,
            due_on: None,
            due_at: Some(due_at),
            left: (due_at - now_ms).div_euclid(HOUR_MS),
            reminder: reminder(overdue_days, rule.repeat_every_days),
            customer_id: o.customer_id.clone(),
            site_id: o.site_id.clone(),
            equipment_id: None,
            plan_id: None,
            plan_kind: None,
            order_id: Some(o.id.clone()),
            order_exists: true,
            visit_orders: 0,
            technician_ids: o.assignees.clone(),
            ack: None,
        });
    };
    if let (Status::Dispatched, Some(at)) = (o.status, o.dispatched_at) {
        let due = at + rules[&AlertKind::NotAccepted].lead * HOUR_MS;
        // Not accepted has no "due soon": it is late or it is fine.
        push(AlertKind::NotAccepted, due, due + 1);
    }
    if let (true, Some(end)) = (o.status.is_open(), o.scheduled_end) {
        let lead = rules[&AlertKind::NotCompleted].lead * HOUR_MS;
        push(AlertKind::NotCompleted, end, end - lead);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::equipment::EquipmentInfo;

    const EQ: &str = "00000000-0000-4000-8000-0000000000e1";
    const PLAN: &str = "00000000-0000-4000-8000-0000000000a1";

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn machine(warranty: Option<&str>) -> Equipment {
        Equipment {
            doc_type: "equipment".into(),
            id: EQ.into(),
            info: EquipmentInfo {
                name: "Chiller 2".into(),
                model: "CH-200".into(),
                serial: "S1".into(),
                customer_id: "00000000-0000-4000-8000-0000000000c1".into(),
                site_id: "00000000-0000-4000-8000-0000000000d1".into(),
                project_id: None,
                installed_on: Some("2024-01-10".into()),
                warranty_until: warranty.map(str::to_string),
                maintenance_interval_days: None,
                notes: String::new(),
            },
            created_at: 0,
            created_by: "u".into(),
            plans: BTreeMap::new(),
            acks: BTreeMap::new(),
        }
    }

    fn facts(e: &Equipment, visits: Vec<Visit>) -> MachineFacts<'_> {
        MachineFacts {
            equipment: e,
            visits,
            visit_orders: vec![],
        }
    }

    #[test]
    fn the_server_makes_each_visit_days_ahead_once_and_never_a_cancelled_or_set_aside_one() {
        let mut e = machine(None);
        e.plans.insert(PLAN.into(), monthly("2027-01-10"));
        let mut f = facts(&e, vec![]);
        let made = |f: &MachineFacts, on: &str| -> Vec<String> {
            f.visits_to_make(date(on))
                .into_iter()
                .map(|(_, d)| d.to_string())
                .collect()
        };
        assert!(made(&f, "2027-01-04").is_empty(), "six days before");
        assert_eq!(made(&f, "2027-01-05"), vec!["2027-01-10"]);
        f.visit_orders.push(VisitOrder {
            plan_id: PLAN.into(),
            due: date("2027-01-10"),
            order_id: "o1".into(),
            status: Status::Dispatched,
        });
        assert!(made(&f, "2027-01-05").is_empty(), "made already");
        // The January visit is still open when February's comes into range: both stand.
        assert_eq!(made(&f, "2027-02-05"), vec!["2027-02-10"]);
        f.visit_orders.push(VisitOrder {
            plan_id: PLAN.into(),
            due: date("2027-02-10"),
            order_id: "o2".into(),
            status: Status::Cancelled,
        });
        assert!(
            made(&f, "2027-02-06").is_empty(),
            "a cancelled visit is not made again"
        );
        // March set aside by a supervisor.
        let mut e2 = e.clone();
        e2.acks.insert(
            machine_key(AlertKind::Maintenance, EQ, Some(PLAN), date("2027-03-10")),
            AlertAck {
                by: "s".into(),
                at: 0,
                reason: "closed for the holiday".into(),
            },
        );
        let f2 = MachineFacts {
            equipment: &e2,
            visits: vec![],
            visit_orders: f.visit_orders.clone(),
        };
        assert!(made(&f2, "2027-03-07").is_empty());
        assert_eq!(made(&f2, "2027-04-05"), vec!["2027-04-10"]);
    }

    fn monthly(start: &str) -> Plan {
        Plan {
            name: "Monthly".into(),
            kind: PlanKind::Maintenance,
            every: 1,
            unit: PeriodUnit::Months,
            start: start.into(),
            end: None,
            anchor: PlanAnchor::Planned,
            order_type: OrderType::Maintenance,
            duration_min: 60,
            technician_id: None,
            days_ahead: 5,
            rule: None,
        }
    }

    fn alerts_on(e: &Equipment, visits: Vec<Visit>, today: &str) -> Vec<Alert> {
        compute(&[facts(e, visits)], &[], &BTreeMap::new(), date(today), 0)
    }

    #[test]
    fn a_warranty_warns_from_thirty_days_before_and_reminds_weekly_after() {
        let e = machine(Some("2026-12-31"));
        assert!(
            alerts_on(&e, vec![], "2026-11-30").is_empty(),
            "31 days before"
        );
        let a = &alerts_on(&e, vec![], "2026-12-01")[0];
        assert_eq!(
            (a.kind, a.state, a.left, a.reminder),
            (AlertKind::Warranty, AlertState::DueSoon, 30, 0)
        );
        let on_the_day = &alerts_on(&e, vec![], "2026-12-31")[0];
        assert_eq!(
            (on_the_day.state, on_the_day.left),
            (AlertState::DueSoon, 0)
        );
        let day_after = &alerts_on(&e, vec![], "2027-01-01")[0];
        assert_eq!(
            (day_after.state, day_after.reminder),
            (AlertState::Overdue, 1)
        );
        assert_eq!(alerts_on(&e, vec![], "2027-01-07")[0].reminder, 1);
        assert_eq!(alerts_on(&e, vec![], "2027-01-08")[0].reminder, 2);
        // The key names the date: extending the warranty ends this alert.
        assert_eq!(day_after.key, format!("warranty:{EQ}:-:2026-12-31"));
        assert!(alerts_on(&machine(Some("2027-06-30")), vec![], "2027-01-08").is_empty());
    }

    #[test]
    fn leap_days_and_month_ends_count_as_calendar_days() {
        let e = machine(Some("2028-02-29"));
        assert_eq!(alerts_on(&e, vec![], "2028-01-30")[0].left, 30);
        assert!(alerts_on(&e, vec![], "2028-01-29").is_empty());
        assert_eq!(
            alerts_on(&e, vec![], "2028-03-01")[0].state,
            AlertState::Overdue
        );
    }

    #[test]
    fn a_planned_visit_is_due_until_a_visit_covers_it() {
        let mut e = machine(None);
        e.plans.insert(PLAN.into(), monthly("2026-01-15"));
        let a = alerts_on(&e, vec![], "2026-01-10");
        assert_eq!(
            (a[0].kind, a[0].state, a[0].left),
            (AlertKind::Maintenance, AlertState::DueSoon, 5)
        );
        assert_eq!(a[0].order_id, None);
        assert!(!a[0].order_exists);
        let done = vec![Visit {
            order_type: OrderType::Maintenance,
            on: date("2026-01-14"),
        }];
        assert!(
            alerts_on(&e, done.clone(), "2026-01-20").is_empty(),
            "done: February is 26 days off"
        );
        assert_eq!(
            alerts_on(&e, done, "2026-02-09")[0].due_on.as_deref(),
            Some("2026-02-15")
        );
        // A repair is not a maintenance visit.
        let repair = vec![Visit {
            order_type: OrderType::Repair,
            on: date("2026-01-14"),
        }];
        assert_eq!(
            alerts_on(&e, repair, "2026-01-20")[0].state,
            AlertState::Overdue
        );
    }

    #[test]
    fn setting_a_visit_aside_or_cancelling_its_order_skips_it() {
        let mut e = machine(None);
        e.plans.insert(PLAN.into(), monthly("2026-01-15"));
        let key = machine_key(AlertKind::Maintenance, EQ, Some(PLAN), date("2026-01-15"));
        e.acks.insert(
            key,
            AlertAck {
                by: "s".into(),
                at: 1,
                reason: "site closed".into(),
            },
        );
        assert!(alerts_on(&e, vec![], "2026-01-20").is_empty());
        assert_eq!(
            alerts_on(&e, vec![], "2026-02-12")[0].due_on.as_deref(),
            Some("2026-02-15")
        );

        let e = {
            let mut e = machine(None);
            e.plans.insert(PLAN.into(), monthly("2026-01-15"));
            e
        };
        let order = |status| VisitOrder {
            plan_id: PLAN.into(),
            due: date("2026-01-15"),
            order_id: "o1".into(),
            status,
        };
        let with = |orders: Vec<VisitOrder>| {
            compute(
                &[MachineFacts {
                    equipment: &e,
                    visits: vec![],
                    visit_orders: orders,
                }],
                &[],
                &BTreeMap::new(),
                date("2026-01-20"),
                0,
            )
        };
        assert!(with(vec![order(Status::Cancelled)]).is_empty());
        // Made and still open: the alert stays and names its order.
        let open = with(vec![order(Status::Dispatched)]);
        assert_eq!(open[0].order_id.as_deref(), Some("o1"));
        assert!(open[0].order_exists);
        // One of two orders cancelled: the visit is not skipped, the other order is named.
        let two = with(vec![
            order(Status::Cancelled),
            VisitOrder {
                order_id: "o2".into(),
                ..order(Status::Accepted)
            },
        ]);
        assert_eq!(two[0].order_id.as_deref(), Some("o2"));
        assert_eq!(two[0].visit_orders, 1);
    }

    #[test]
    fn an_acknowledged_warranty_alert_stays_acknowledged() {
        let mut e = machine(Some("2026-12-31"));
        let key = machine_key(AlertKind::Warranty, EQ, None, date("2026-12-31"));
        e.acks.insert(
            key,
            AlertAck {
                by: "s".into(),
                at: 1,
                reason: "customer informed".into(),
            },
        );
        let a = &alerts_on(&e, vec![], "2027-02-01")[0];
        assert_eq!(a.state, AlertState::Acknowledged);
        assert_eq!(a.ack.as_ref().unwrap().reason, "customer informed");
    }

    #[test]
    fn a_plain_interval_counts_from_the_last_maintenance() {
        let mut e = machine(None);
        e.info.maintenance_interval_days = Some(90);
        // Installed 2024-01-10: due 2024-04-09.
        assert_eq!(
            alerts_on(&e, vec![], "2024-04-02")[0].due_on.as_deref(),
            Some("2024-04-09")
        );
        let v = vec![Visit {
            order_type: OrderType::Maintenance,
            on: date("2024-04-01"),
        }];
        assert_eq!(
            alerts_on(&e, v, "2024-06-29")[0].due_on.as_deref(),
            Some("2024-06-30")
        );
    }

    #[test]
    fn disabled_rules_raise_nothing_and_leads_come_from_the_rule() {
        let e = machine(Some("2026-12-31"));
        let mut rules = BTreeMap::new();
        rules.insert(
            "warranty".to_string(),
            AlertRule {
                enabled: true,
                lead: 60,
                repeat_every_days: 7,
                notify: Notify::default(),
            },
        );
        let run = |rules: &BTreeMap<String, AlertRule>| {
            compute(&[facts(&e, vec![])], &[], rules, date("2026-11-05"), 0)
        };
        assert_eq!(run(&rules).len(), 1);
        rules.insert(
            "warranty".to_string(),
            AlertRule {
                enabled: false,
                lead: 60,
                repeat_every_days: 7,
                notify: Notify::default(),
            },
        );
        assert!(run(&rules).is_empty());
    }

    #[test]
    fn late_orders_are_alerts_until_accepted_or_completed() {
        let o = OrderFacts {
            id: "o1".into(),
            status: Status::Dispatched,
            dispatched_at: Some(0),
            scheduled_end: Some(10 * HOUR_MS),
            customer_id: "c".into(),
            site_id: "s".into(),
            assignees: vec!["t".into()],
        };
        let at = |now: i64, o: &OrderFacts| {
            compute(
                &[],
                std::slice::from_ref(o),
                &BTreeMap::new(),
                date("2026-01-01"),
                now,
            )
        };
        assert!(
            at(4 * HOUR_MS, &o).is_empty(),
            "exactly 4 hours: not late yet"
        );
        let late = at(4 * HOUR_MS + 1, &o);
        assert_eq!(
            (late[0].kind, late[0].state),
            (AlertKind::NotAccepted, AlertState::Overdue)
        );
        let near_end = at(8 * HOUR_MS, &o);
        assert!(
            near_end
                .iter()
                .any(|a| a.kind == AlertKind::NotCompleted && a.state == AlertState::DueSoon)
        );
        let accepted = OrderFacts {
            status: Status::Accepted,
            ..o.clone()
        };
        let after_end = at(11 * HOUR_MS, &accepted);
        assert_eq!(after_end.len(), 1);
        assert_eq!(
            (after_end[0].kind, after_end[0].state),
            (AlertKind::NotCompleted, AlertState::Overdue)
        );
        let completed = OrderFacts {
            status: Status::Completed,
            ..o
        };
        assert!(at(11 * HOUR_MS, &completed).is_empty());
    }

    #[test]
    fn dates_are_the_company_calendar_not_utc() {
        let tz = parse_time_zone("Asia/Shanghai").unwrap();
        // 2026-12-31 17:00 UTC is already 1 January in Shanghai.
        let ms = chrono::Utc
            .with_ymd_and_hms(2026, 12, 31, 17, 0, 0)
            .unwrap()
            .timestamp_millis();
        assert_eq!(local_date(ms, tz), date("2027-01-01"));
        assert_eq!(
            local_date(ms, parse_time_zone("UTC").unwrap()),
            date("2026-12-31")
        );
        assert!(matches!(
            parse_time_zone("Mars/Olympus"),
            Err(DomainError::Refused(Refusal::UnknownTimeZone { .. }))
        ));
    }
}
