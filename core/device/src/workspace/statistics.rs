//! Order statistics for a period, computed on the device from its own store, offline: the
//! supervisor's dashboard figures (open, overdue, completed, first-time fix, response), times
//! from creation to each step (median and 90th percentile), each technician's workload,
//! money per month and currency (never mixed), and repeat repairs on the same machine. Every
//! figure that counts orders carries their ids, so the UI can list the orders behind it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use super::Workspace;
use crate::Refusal;
use crate::error::{DeviceError, Result};
use crate::model::order::{EventKind, OrderDoc, OrderState, OrderType};
use crate::model::settings::ResponseTargets;

const DAY_MS: i64 = 24 * 3600 * 1000;
/// A completed repair counts as fixed the first time when no other order for the same machine
/// is created within this long after it.
const FOLLOW_UP_MS: i64 = 30 * DAY_MS;
/// The longest look back for repeat repairs.
const REPEAT_WINDOW_MS: i64 = 90 * DAY_MS;

/// Which orders and which period: times in ms, `[from, to)`.
#[derive(Debug, Clone, PartialEq, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
#[ts(optional_fields = nullable)]
pub struct StatsQuery {
    pub from: i64,
    pub to: i64,
    #[serde(default)]
    pub technician: Option<String>,
    #[serde(default)]
    pub customer_id: Option<String>,
    #[serde(default)]
    pub order_type: Option<OrderType>,
    /// Only the orders of this project.
    #[serde(default)]
    pub project_id: Option<String>,
    /// Only the orders on a machine of this equipment model.
    #[serde(default)]
    pub equipment_model: Option<String>,
    /// Only the orders and technicians of this team (its id).
    #[serde(default)]
    pub team: Option<String>,
    /// Only the orders of customers in this region.
    #[serde(default)]
    pub region: Option<String>,
    /// The viewer's UTC offset, for months.
    pub tz_offset_min: i64,
}

impl StatsQuery {
    /// Every order of `[from, to)`, unfiltered.
    pub fn period(from: i64, to: i64, tz_offset_min: i64) -> StatsQuery {
        StatsQuery {
            from,
            to,
            technician: None,
            customer_id: None,
            order_type: None,
            project_id: None,
            equipment_model: None,
            team: None,
            region: None,
            tz_offset_min,
        }
    }
}

/// A number of orders, and which.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
pub struct Drill {
    pub count: u32,
    pub orders: Vec<String>,
}

impl Drill {
    fn add(&mut self, id: &str) {
        self.count += 1;
        self.orders.push(id.to_string());
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
pub struct Kpis {
    /// Open now (snapshot, not of the period).
    pub open: Drill,
    /// Open now and past their scheduled end.
    pub overdue: Drill,
    /// Completed in the period.
    pub completed: Drill,
    /// Of the repairs completed in the period on a machine, those without another order for
    /// the machine within 30 days, in basis points; None when there were none.
    pub first_time_fix_bp: Option<i64>,
    /// The repairs that rate counts.
    pub first_time_fix_orders: Drill,
    /// Median time from creation to arrival on site of the orders that arrived in the period.
    pub median_response_ms: Option<i64>,
    /// The orders that median counts.
    pub arrived: Drill,
    /// Gross profit of the orders completed in the period, per currency (minor units).
    pub gross_profit: Vec<CurrencyAmount>,
    /// The orders that profit counts (completed in the period, with charges or costs).
    pub with_money: Drill,
    /// Orders reopened in the period after they had been finished.
    pub reopened: Drill,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct CurrencyAmount {
    pub currency: String,
    pub minor: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Dispatched,
    Accepted,
    OnSite,
    Completed,
}

/// Time from an order's creation to the first time it reached `stage`, over the orders that
/// reached it in the period.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct StageTimes {
    pub stage: Stage,
    pub count: u32,
    pub median_ms: Option<i64>,
    pub p90_ms: Option<i64>,
    /// The company's target for this stage, if it set one.
    pub target_ms: Option<i64>,
    /// Of the orders counted, those that reached the stage within the target (basis points).
    pub within_target_bp: Option<i64>,
    /// The orders that took longer than the target.
    pub over_target: Drill,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
pub struct TechnicianFigures {
    pub user_id: String,
    /// Orders dispatched to them in the period.
    pub received: Drill,
    pub accepted: Drill,
    pub declined: Drill,
    /// Orders they were on that were completed in the period.
    pub completed: Drill,
    pub customers_served: u32,
    pub machines_serviced: u32,
    /// Time on site (check-in to check-out) of their completed orders.
    pub on_site_ms: i64,
    /// Time travelling (setting off to check-in) of their completed orders.
    pub travel_ms: i64,
    /// Orders they had completed that were reopened in the period.
    pub reopened: Drill,
    /// Average stars × 100 of their rated completed orders.
    pub average_rating_centi: Option<i64>,
    pub first_time_fix_bp: Option<i64>,
}

/// What money is grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum MoneyBy {
    /// `key` and `label`: YYYY-MM in the viewer's time zone (of the completion).
    Month,
    /// `key`: the customer's id, `label` its name.
    Customer,
    /// `key`: the project's id, `label` its name; both empty for orders of no project.
    Project,
    /// `key`: the order type (the UI names it in the user's language).
    OrderType,
    /// `key`: the lead technician's user id (the UI names them from the directory).
    Technician,
}

/// Charges, costs and profit of the orders completed in the period under one key, in one
/// currency (minor units; currencies are never added together).
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct MoneyGroup {
    pub by: MoneyBy,
    pub key: String,
    pub label: String,
    pub currency: String,
    pub charges_net: i64,
    pub costs: i64,
    pub gross_profit: i64,
    pub margin_bp: Option<i64>,
    pub orders: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Statistics {
    pub kpis: Kpis,
    /// The same figures for the period of the same length just before.
    pub previous: Kpis,
    pub stages: Vec<StageTimes>,
    pub technicians: Vec<TechnicianFigures>,
    /// By month (in order), then by customer, project, order type and technician (largest
    /// charges first).
    pub money: Vec<MoneyGroup>,
    /// Repairs created in the period on a machine that had another repair completed in the
    /// 30 (90) days before.
    pub repeat_repairs_30d: Drill,
    pub repeat_repairs_90d: Drill,
    /// Orders created and completed per week (periods up to 92 days) or month, and the same
    /// for the period before (as many buckets, in order), for comparison.
    pub trend: Vec<Bucket>,
    pub previous_trend: Vec<Bucket>,
    /// Repairs created in the period per customer and per equipment model, most first.
    pub repairs_by_customer: Vec<NamedCount>,
    pub repairs_by_model: Vec<NamedCount>,
    /// Per machine ("1号机床 · SN-0042").
    pub repairs_by_machine: Vec<NamedCount>,
    /// By the knowledge base's entry marked as the fix ("E-04 高压报警停机").
    pub repairs_by_fault: Vec<NamedCount>,
    /// The equipment models on this device, for the model filter.
    pub equipment_models: Vec<String>,
    /// The customers' regions on this device, for the region filter.
    pub regions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Bucket {
    /// Where the week (Monday) or month starts, in the viewer's time zone: YYYY-MM-DD.
    pub starts: String,
    pub created: Drill,
    pub completed: Drill,
    /// Of the repairs on a machine completed in the bucket, those fixed the first time.
    pub first_time_fix_bp: Option<i64>,
    /// Median time from creation to arrival of the orders that arrived in the bucket.
    pub median_response_ms: Option<i64>,
    /// Gross profit of the orders completed in the bucket, per currency.
    pub gross_profit: Vec<CurrencyAmount>,
}

/// A count of orders under a name (a customer, an equipment model).
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct NamedCount {
    pub label: String,
    pub orders: Drill,
}

/// What statistics need of one order: its fold, a few times and the steps the workload
/// counts. The projection keeps it beside the order's row (`orders.stat_facts`, written in the
/// same transaction), so a call reads a few hundred bytes per order and never a document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Facts {
    id: String,
    order_type: OrderType,
    customer_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    project_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    equipment_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    scheduled_end: Option<i64>,
    created: i64,
    /// The first dispatch, acceptance and check-in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    dispatched: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    accepted: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    on_site: Option<i64>,
    open: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    completed_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    ever_assigned: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    accepted_by: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    assignees: Vec<String>,
    on_site_ms: i64,
    travel_ms: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rating: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fixed_with: Option<String>,
    /// Charges and costs in the order's currency (lines in another are left out, as on the
    /// order itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    money: Option<OrderMoney>,
    /// Dispatches, acceptances, refusals, completions and reopenings, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct OrderMoney {
    currency: String,
    charges_net: i64,
    costs: i64,
    gross_profit: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Step {
    kind: EventKind,
    at: i64,
    by: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    to: Vec<String>,
}

/// The value below which `share` (0–100) of the sorted values lie (nearest rank).
fn percentile(sorted: &[i64], share: usize) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (share * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

fn ratio_bp(part: u32, whole: u32) -> Option<i64> {
    (whole > 0).then(|| i64::from(part) * 10_000 / i64::from(whole))
}

impl Workspace {
    /// Order statistics for the period and filters of `q` (supervisors and administrators).
    pub fn statistics(&self, q: &StatsQuery) -> Result<Statistics> {
        if !self.actor()?.role.manages() {
            return Err(DeviceError::forbidden(
                "statistics are for supervisors and administrators",
            ));
        }
        if q.to <= q.from {
            return Err(DeviceError::refused(Refusal::PeriodReversed));
        }
        if q.to - q.from > 400 * DAY_MS {
            return Err(DeviceError::refused(Refusal::PeriodTooLong));
        }
        if !(-14 * 60..=14 * 60).contains(&q.tz_offset_min) {
            return Err(DeviceError::invalid("the UTC offset is out of range"));
        }
        // Every figure looks at most this far back: the period before (as long as the period)
        // and the repairs of the 90 days before a repair in the period.
        let since = q.from - (q.to - q.from).max(REPEAT_WINDOW_MS);
        let all = self.order_facts(since)?;
        let names = self.stat_names()?;
        Ok(compute(
            &all,
            q,
            &self.response_targets()?,
            &names,
            crate::model::now_ms(),
        ))
    }

    /// The names the figures are shown under, read once per call.
    fn stat_names(&self) -> Result<Names> {
        let conn = self.store.conn();
        let pairs = |sql: &str| -> Result<HashMap<String, String>> {
            let mut stmt = conn.prepare(sql)?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        };
        Ok(Names {
            teams: self
                .teams()?
                .into_iter()
                .map(|t| (t.id, t.team.members.into_iter().collect()))
                .collect(),
            customers: pairs("SELECT id, name FROM customers")?,
            regions: pairs("SELECT id, region FROM customers WHERE region <> ''")?,
            projects: pairs("SELECT id, name FROM projects")?,
            models: pairs("SELECT id, model FROM equipment")?,
            machines: pairs(
                "SELECT id, CASE WHEN serial = '' THEN name ELSE name || ' · ' || serial END
                 FROM equipment",
            )?,
            faults: pairs(
                "SELECT id, CASE WHEN fault_code = '' OR substr(title, 1, length(fault_code)) = fault_code
                    THEN title ELSE fault_code || ' ' || title END
                 FROM knowledge",
            )?,
        })
    }

    /// The facts of every order with an event since `since`, and of every open order: the
    /// orders any figure of the period can count (an order's `updated_at` is its latest event;
    /// both columns are indexed). Rows, not automerge loads.
    fn order_facts(&self, since: i64) -> Result<Vec<Facts>> {
        // The open statuses by name, so that the status index finds them.
        let open: Vec<String> = crate::model::order::Status::ALL
            .iter()
            .filter(|s| s.is_open())
            .map(|s| format!("'{}'", s.as_str()))
            .collect();
        let mut stmt = self.store.conn().prepare(&format!(
            "SELECT id, stat_facts FROM orders WHERE updated_at >= ?1
             UNION ALL
             SELECT id, stat_facts FROM orders WHERE status IN ({}) AND updated_at < ?1",
            open.join(", ")
        ))?;
        let mut rows = stmt.query([since])?;
        let mut facts = Vec::new();
        while let Some(row) = rows.next()? {
            let json: String = row.get(1)?;
            facts.push(serde_json::from_str(&json).map_err(|e| {
                let id: String = row.get(0).unwrap_or_default();
                DeviceError::invalid(format!("order {id} in the projection: {e}"))
            })?);
        }
        // Oldest first, whatever order the rows were stored in: every device lists the orders
        // behind a figure the same way.
        facts.sort_unstable_by(|a: &Facts, b: &Facts| (a.created, &a.id).cmp(&(b.created, &b.id)));
        Ok(facts)
    }
}

/// Names by id: customers, projects, machines (and their models), knowledge entries; and the
/// teams' members.
#[derive(Default)]
struct Names {
    teams: HashMap<String, BTreeSet<String>>,
    regions: HashMap<String, String>,
    customers: HashMap<String, String>,
    projects: HashMap<String, String>,
    models: HashMap<String, String>,
    machines: HashMap<String, String>,
    faults: HashMap<String, String>,
}

impl Facts {
    /// The facts of an order, as the projection stores them.
    pub(crate) fn of(doc: &OrderDoc, state: &OrderState) -> Facts {
        let events = doc.sorted_events();
        let first = |kind: EventKind| events.iter().find(|e| e.kind == kind).map(|e| e.at);
        let totals = doc.totals();
        Facts {
            id: doc.id.clone(),
            order_type: doc.header.order_type,
            customer_id: doc.header.customer_id.clone(),
            project_id: doc.header.project_id.clone(),
            equipment_ids: doc.header.equipment_ids.clone(),
            scheduled_end: doc.header.scheduled_end,
            created: events.first().map_or(0, |e| e.at),
            dispatched: first(EventKind::Dispatched),
            accepted: first(EventKind::Accepted),
            on_site: first(EventKind::CheckedIn),
            open: state.status.is_open(),
            completed_at: state.completed_at,
            ever_assigned: state.ever_assigned.iter().cloned().collect(),
            accepted_by: state.accepted_by.clone(),
            assignees: state.assignees.clone(),
            on_site_ms: state.on_site_ms,
            travel_ms: state.travel_ms,
            rating: state.rating.as_ref().map(|r| r.0),
            fixed_with: state.fixed_with.clone(),
            money: totals.currency.map(|currency| OrderMoney {
                currency,
                charges_net: totals.charges_net,
                costs: totals.costs_total,
                gross_profit: totals.gross_profit,
            }),
            steps: events
                .iter()
                .filter(|e| {
                    matches!(
                        e.kind,
                        EventKind::Dispatched
                            | EventKind::Accepted
                            | EventKind::Rejected
                            | EventKind::Completed
                            | EventKind::Reopened
                    )
                })
                .map(|e| Step {
                    kind: e.kind,
                    at: e.at,
                    by: e.by.clone(),
                    to: e.to.clone(),
                })
                .collect(),
        }
    }
}

/// Every figure, from the orders' facts alone.
fn compute(
    all: &[Facts],
    q: &StatsQuery,
    targets: &ResponseTargets,
    names: &Names,
    now: i64,
) -> Statistics {
    let chosen: Vec<&Facts> = all.iter().filter(|f| matches(f, q, names)).collect();
    let len = q.to - q.from;
    // When each machine's orders were created, and its repairs completed (over every order,
    // chosen or not: a follow-up by another technician still undoes a first-time fix).
    let follow_ups = MachineTimes::of(all, |o| Some(o.created));
    let repairs_done = MachineTimes::of(all, |o| {
        (o.order_type == OrderType::Repair)
            .then_some(o.completed_at)
            .flatten()
    });
    let named = |map: &HashMap<String, String>, id: &str| {
        map.get(id)
            .filter(|n| !n.trim().is_empty())
            .cloned()
            .into_iter()
            .collect::<Vec<_>>()
    };
    let on_machines = |map: &HashMap<String, String>, f: &Facts| {
        f.equipment_ids
            .iter()
            .flat_map(|m| named(map, m))
            .collect::<Vec<_>>()
    };
    Statistics {
        kpis: kpis(&follow_ups, &chosen, q.from, q.to, now),
        previous: kpis(&follow_ups, &chosen, q.from - len, q.from, now),
        stages: stages(&chosen, q.from, q.to, targets),
        technicians: technicians(&follow_ups, &chosen, q, names),
        money: money(&chosen, q, names),
        repeat_repairs_30d: repeats(&repairs_done, &chosen, q, 30 * DAY_MS),
        repeat_repairs_90d: repeats(&repairs_done, &chosen, q, REPEAT_WINDOW_MS),
        trend: trend(&follow_ups, &chosen, q.from, q.to, q.tz_offset_min),
        previous_trend: trend(&follow_ups, &chosen, q.from - len, q.from, q.tz_offset_min),
        repairs_by_customer: repairs_by(&chosen, q, |f| named(&names.customers, &f.customer_id)),
        repairs_by_model: repairs_by(&chosen, q, |f| on_machines(&names.models, f)),
        repairs_by_machine: repairs_by(&chosen, q, |f| on_machines(&names.machines, f)),
        repairs_by_fault: repairs_by(&chosen, q, |f| {
            f.fixed_with
                .iter()
                .flat_map(|e| named(&names.faults, e))
                .collect()
        }),
        equipment_models: distinct(names.models.values()),
        regions: distinct(names.regions.values()),
    }
}

/// The non-blank values, each once, sorted (a filter's choices).
fn distinct<'a>(values: impl Iterator<Item = &'a String>) -> Vec<String> {
    values
        .filter(|v| !v.trim().is_empty())
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// Repairs created in the period counted under each of the names `labels` gives an order
/// (an order with two machines of one model counts once under it).
fn repairs_by(
    chosen: &[&Facts],
    q: &StatsQuery,
    labels: impl Fn(&Facts) -> Vec<String>,
) -> Vec<NamedCount> {
    let mut by: BTreeMap<String, Drill> = BTreeMap::new();
    for f in chosen {
        if f.order_type != OrderType::Repair || f.created < q.from || f.created >= q.to {
            continue;
        }
        for name in labels(f).into_iter().collect::<BTreeSet<_>>() {
            by.entry(name).or_default().add(&f.id);
        }
    }
    let mut out: Vec<NamedCount> = by
        .into_iter()
        .map(|(label, orders)| NamedCount { label, orders })
        .collect();
    out.sort_by(|a, b| {
        b.orders
            .count
            .cmp(&a.orders.count)
            .then(a.label.cmp(&b.label))
    });
    out
}

fn matches(f: &Facts, q: &StatsQuery, names: &Names) -> bool {
    q.customer_id.as_ref().is_none_or(|c| *c == f.customer_id)
        && q.order_type.is_none_or(|t| t == f.order_type)
        && q.project_id
            .as_ref()
            .is_none_or(|p| f.project_id.as_ref() == Some(p))
        && q.technician
            .as_ref()
            .is_none_or(|t| f.ever_assigned.contains(t))
        && q.region
            .as_ref()
            .is_none_or(|r| names.regions.get(&f.customer_id) == Some(r))
        && q.team.as_ref().is_none_or(|team| {
            names
                .teams
                .get(team)
                .is_some_and(|members| f.ever_assigned.iter().any(|u| members.contains(u)))
        })
        && q.equipment_model.as_ref().is_none_or(|model| {
            f.equipment_ids
                .iter()
                .any(|m| names.models.get(m) == Some(model))
        })
}

fn within(at: Option<i64>, from: i64, to: i64) -> bool {
    at.is_some_and(|t| t >= from && t < to)
}

/// A moment of each order per machine, sorted: "was there an order for this machine between
/// these moments" is a binary search, not a pass over every order.
struct MachineTimes<'a>(HashMap<&'a str, Vec<i64>>);

impl<'a> MachineTimes<'a> {
    fn of(all: &'a [Facts], at: impl Fn(&Facts) -> Option<i64>) -> Self {
        let mut by_machine: HashMap<&str, Vec<i64>> = Default::default();
        for o in all {
            let Some(t) = at(o) else { continue };
            for m in &o.equipment_ids {
                by_machine.entry(m.as_str()).or_default().push(t);
            }
        }
        for times in by_machine.values_mut() {
            times.sort_unstable();
        }
        MachineTimes(by_machine)
    }

    /// A moment for `machine` within `range`.
    fn any(&self, machine: &str, range: impl std::ops::RangeBounds<i64>) -> bool {
        use std::ops::Bound;
        self.0.get(machine).is_some_and(|times| {
            let i = match range.start_bound() {
                Bound::Included(s) => times.partition_point(|t| t < s),
                Bound::Excluded(s) => times.partition_point(|t| t <= s),
                Bound::Unbounded => 0,
            };
            times.get(i).is_some_and(|t| range.contains(t))
        })
    }
}

/// Was this completed order on a machine followed by another order for it within 30 days?
/// (The order itself was created before it was completed, so it never counts.)
fn fixed_first_time(created: &MachineTimes, f: &Facts) -> Option<bool> {
    let done = f.completed_at?;
    if f.order_type != OrderType::Repair || f.equipment_ids.is_empty() {
        return None;
    }
    let follow_up = f.equipment_ids.iter().any(|m| {
        created.any(
            m,
            (
                std::ops::Bound::Excluded(done),
                std::ops::Bound::Included(done + FOLLOW_UP_MS),
            ),
        )
    });
    Some(!follow_up)
}

/// Who had completed the order before each of its reopenings in [from, to).
fn reopenings(f: &Facts, from: i64, to: i64) -> Vec<Option<String>> {
    let mut last_completed_by = None;
    let mut out = Vec::new();
    for e in &f.steps {
        match e.kind {
            EventKind::Completed => last_completed_by = Some(e.by.clone()),
            EventKind::Reopened if e.at >= from && e.at < to => {
                out.push(last_completed_by.clone());
            }
            _ => {}
        }
    }
    out
}

fn kpis(follow_ups: &MachineTimes, chosen: &[&Facts], from: i64, to: i64, now: i64) -> Kpis {
    let mut k = Kpis::default();
    let mut fixed = 0;
    let mut eligible = 0;
    let mut responses = Vec::new();
    let mut profit: BTreeMap<String, i64> = BTreeMap::new();
    for f in chosen {
        if f.open {
            k.open.add(&f.id);
            if f.scheduled_end.is_some_and(|end| end < now) {
                k.overdue.add(&f.id);
            }
        }
        if within(f.completed_at, from, to) {
            k.completed.add(&f.id);
            if let Some(first) = fixed_first_time(follow_ups, f) {
                eligible += 1;
                fixed += u32::from(first);
                k.first_time_fix_orders.add(&f.id);
            }
            if let Some(m) = &f.money {
                *profit.entry(m.currency.clone()).or_default() += m.gross_profit;
                k.with_money.add(&f.id);
            }
        }
        if !reopenings(f, from, to).is_empty() {
            k.reopened.add(&f.id);
        }
        if let Some(arrived) = f.on_site
            && arrived >= from
            && arrived < to
        {
            responses.push(arrived - f.created);
            k.arrived.add(&f.id);
        }
    }
    responses.sort_unstable();
    k.first_time_fix_bp = ratio_bp(fixed, eligible);
    k.median_response_ms = percentile(&responses, 50);
    k.gross_profit = profit
        .into_iter()
        .map(|(currency, minor)| CurrencyAmount { currency, minor })
        .collect();
    k
}

fn stages(chosen: &[&Facts], from: i64, to: i64, targets: &ResponseTargets) -> Vec<StageTimes> {
    [
        (Stage::Dispatched, targets.dispatched_min),
        (Stage::Accepted, targets.accepted_min),
        (Stage::OnSite, targets.on_site_min),
        (Stage::Completed, targets.completed_min),
    ]
    .into_iter()
    .map(|(stage, target_min)| {
        let mut took: Vec<(i64, &str)> = chosen
            .iter()
            .filter_map(|f| {
                let reached = match stage {
                    Stage::Dispatched => f.dispatched,
                    Stage::Accepted => f.accepted,
                    Stage::OnSite => f.on_site,
                    Stage::Completed => f.completed_at,
                };
                reached
                    .filter(|&at| at >= from && at < to)
                    .map(|at| (at - f.created, f.id.as_str()))
            })
            .collect();
        took.sort_unstable();
        let times: Vec<i64> = took.iter().map(|(t, _)| *t).collect();
        let target_ms = target_min.map(|m| m * 60_000);
        let mut over_target = Drill::default();
        if let Some(limit) = target_ms {
            for (_, id) in took.iter().filter(|(t, _)| *t > limit) {
                over_target.add(id);
            }
        }
        StageTimes {
            stage,
            count: times.len() as u32,
            median_ms: percentile(&times, 50),
            p90_ms: percentile(&times, 90),
            within_target_bp: target_ms
                .and_then(|_| ratio_bp(times.len() as u32 - over_target.count, times.len() as u32)),
            target_ms,
            over_target,
        }
    })
    .collect()
}

fn technicians(
    follow_ups: &MachineTimes,
    chosen: &[&Facts],
    q: &StatsQuery,
    names: &Names,
) -> Vec<TechnicianFigures> {
    let mut by: BTreeMap<String, TechnicianFigures> = BTreeMap::new();
    let mut customers: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut machines: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stars: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    let mut ftf: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    let figures = |by: &mut BTreeMap<String, TechnicianFigures>, user: &str| {
        by.entry(user.to_string())
            .or_insert_with(|| TechnicianFigures {
                user_id: user.to_string(),
                ..Default::default()
            });
    };
    for f in chosen {
        // An order counts once per figure however often it was, say, accepted: the drill's
        // last order is this one when it was counted already.
        let once = |d: &mut Drill, id: &str| {
            if d.orders.last().is_none_or(|last| last != id) {
                d.add(id);
            }
        };
        for e in &f.steps {
            if e.at < q.from || e.at >= q.to {
                continue;
            }
            match e.kind {
                EventKind::Dispatched => {
                    for user in &e.to {
                        figures(&mut by, user);
                        let t = by.get_mut(user).expect("just added");
                        once(&mut t.received, &f.id);
                    }
                }
                EventKind::Accepted | EventKind::Rejected => {
                    figures(&mut by, &e.by);
                    let t = by.get_mut(&e.by).expect("just added");
                    let drill = if e.kind == EventKind::Accepted {
                        &mut t.accepted
                    } else {
                        &mut t.declined
                    };
                    once(drill, &f.id);
                }
                _ => {}
            }
        }
        for completer in reopenings(f, q.from, q.to).into_iter().flatten() {
            figures(&mut by, &completer);
            let t = by.get_mut(&completer).expect("just added");
            once(&mut t.reopened, &f.id);
        }
        if !within(f.completed_at, q.from, q.to) {
            continue;
        }
        for user in &f.ever_assigned {
            if !f.accepted_by.contains(user) && !f.assignees.contains(user) {
                continue;
            }
            figures(&mut by, user);
            let t = by.get_mut(user).expect("just added");
            t.completed.add(&f.id);
            t.on_site_ms += f.on_site_ms;
            t.travel_ms += f.travel_ms;
            customers
                .entry(user.clone())
                .or_default()
                .insert(f.customer_id.clone());
            machines
                .entry(user.clone())
                .or_default()
                .extend(f.equipment_ids.iter().cloned());
            if let Some(s) = f.rating {
                let e = stars.entry(user.clone()).or_default();
                e.0 += s;
                e.1 += 1;
            }
            if let Some(first) = fixed_first_time(follow_ups, f) {
                let e = ftf.entry(user.clone()).or_default();
                e.0 += u32::from(first);
                e.1 += 1;
            }
        }
    }
    let mut out: Vec<TechnicianFigures> = by
        .into_values()
        .filter(|t| q.technician.as_ref().is_none_or(|only| *only == t.user_id))
        .filter(|t| {
            q.team.as_ref().is_none_or(|team| {
                names
                    .teams
                    .get(team)
                    .is_some_and(|members| members.contains(&t.user_id))
            })
        })
        .map(|mut t| {
            t.customers_served = customers.get(&t.user_id).map_or(0, |s| s.len() as u32);
            t.machines_serviced = machines.get(&t.user_id).map_or(0, |s| s.len() as u32);
            t.average_rating_centi = stars
                .get(&t.user_id)
                .filter(|(_, n)| *n > 0)
                .map(|(sum, n)| sum * 100 / n);
            t.first_time_fix_bp = ftf.get(&t.user_id).and_then(|(a, b)| ratio_bp(*a, *b));
            t
        })
        .collect();
    out.sort_by(|a, b| {
        b.completed
            .count
            .cmp(&a.completed.count)
            .then(a.user_id.cmp(&b.user_id))
    });
    out
}

/// The technician an order's money is counted under: the lead assignee (the first), so that
/// every order counts once and the technicians' figures add up to the company's.
fn lead(f: &Facts) -> String {
    f.assignees.first().cloned().unwrap_or_default()
}

fn money(chosen: &[&Facts], q: &StatsQuery, names: &Names) -> Vec<MoneyGroup> {
    let mut groups: BTreeMap<(MoneyBy, String, String), MoneyGroup> = BTreeMap::new();
    for f in chosen {
        let Some(done) = f.completed_at.filter(|&t| t >= q.from && t < q.to) else {
            continue;
        };
        let Some(totals) = &f.money else {
            continue;
        };
        let currency = &totals.currency;
        let month = chrono::DateTime::from_timestamp_millis(done + q.tz_offset_min * 60_000)
            .map(|t| t.format("%Y-%m").to_string())
            .unwrap_or_default();
        let project = f.project_id.clone().unwrap_or_default();
        let keys = [
            (MoneyBy::Month, month.clone(), month),
            (
                MoneyBy::Customer,
                f.customer_id.clone(),
                names
                    .customers
                    .get(&f.customer_id)
                    .cloned()
                    .unwrap_or_default(),
            ),
            (
                MoneyBy::Project,
                project.clone(),
                names.projects.get(&project).cloned().unwrap_or_default(),
            ),
            (
                MoneyBy::OrderType,
                crate::model::enum_name(&f.order_type),
                crate::model::enum_name(&f.order_type),
            ),
            (MoneyBy::Technician, lead(f), lead(f)),
        ];
        for (by, key, label) in keys {
            let g = groups
                .entry((by, key.clone(), currency.clone()))
                .or_insert_with(|| MoneyGroup {
                    by,
                    key,
                    label,
                    currency: currency.clone(),
                    charges_net: 0,
                    costs: 0,
                    gross_profit: 0,
                    margin_bp: None,
                    orders: Vec::new(),
                });
            g.charges_net += totals.charges_net;
            g.costs += totals.costs;
            g.gross_profit += totals.gross_profit;
            g.orders.push(f.id.clone());
        }
    }
    let mut out: Vec<MoneyGroup> = groups
        .into_values()
        .map(|mut g| {
            g.margin_bp = (g.charges_net != 0).then(|| g.gross_profit * 10_000 / g.charges_net);
            g
        })
        .collect();
    // Months in time order; every other grouping largest charges first.
    out.sort_by(|a, b| {
        a.by.cmp(&b.by).then_with(|| {
            if a.by == MoneyBy::Month {
                (&a.key, &a.currency).cmp(&(&b.key, &b.currency))
            } else {
                b.charges_net
                    .cmp(&a.charges_net)
                    .then_with(|| (&a.label, &a.currency).cmp(&(&b.label, &b.currency)))
            }
        })
    });
    out
}

impl Workspace {
    /// The statistics as a workbook: summary, technicians, times, money, trend and repairs, with
    /// headers in Chinese and English (the file goes to people in either language).
    /// Every table of the statistics as an XLSX workbook, one sheet each.
    pub fn statistics_xlsx(
        &self,
        q: &StatsQuery,
        directory: &[crate::protocol::UserInfo],
    ) -> Result<Vec<u8>> {
        let xl = |e: rust_xlsxwriter::XlsxError| {
            DeviceError::invalid(format!("the workbook cannot be written: {e}"))
        };
        let mut book = rust_xlsxwriter::Workbook::new();
        for (_, table) in self.statistics_tables(q, directory)? {
            let ws = book.add_worksheet();
            ws.set_name(&table.title).map_err(xl)?;
            for (c, h) in table.head.iter().enumerate() {
                ws.write_string(0, c as u16, h).map_err(xl)?;
            }
            for (r, row) in table.rows.iter().enumerate() {
                for (c, cell) in row.iter().enumerate() {
                    let (r, c) = ((r + 1) as u32, c as u16);
                    match cell {
                        Cell::Text(t) => ws.write_string(r, c, t).map_err(xl)?,
                        Cell::Number(n) => ws.write_number(r, c, *n).map_err(xl)?,
                        Cell::Empty => ws,
                    };
                }
            }
        }
        book.save_to_buffer().map_err(xl)
    }

    /// One table of the statistics as CSV (UTF-8 with a byte-order mark, so spreadsheet
    /// programs read the Chinese headings right).
    pub fn statistics_csv(
        &self,
        q: &StatsQuery,
        directory: &[crate::protocol::UserInfo],
        which: StatsTable,
    ) -> Result<String> {
        let table = self
            .statistics_tables(q, directory)?
            .into_iter()
            .find(|(t, _)| *t == which)
            .map(|(_, t)| t)
            .ok_or_else(|| DeviceError::invalid("no such table"))?;
        let line = |cells: Vec<String>| {
            cells
                .iter()
                .map(|c| super::csv_field(c))
                .collect::<Vec<_>>()
                .join(",")
        };
        let mut out = String::from("\u{feff}");
        out.push_str(&line(table.head.clone()));
        out.push('\n');
        for row in &table.rows {
            out.push_str(&line(
                row.iter()
                    .map(|c| match c {
                        Cell::Text(t) => t.clone(),
                        Cell::Number(n) => n.to_string(),
                        Cell::Empty => String::new(),
                    })
                    .collect(),
            ));
            out.push('\n');
        }
        Ok(out)
    }

    fn statistics_tables(
        &self,
        q: &StatsQuery,
        directory: &[crate::protocol::UserInfo],
    ) -> Result<Vec<(StatsTable, Table)>> {
        let s = self.statistics(q)?;
        let name_of = |id: &str| {
            directory
                .iter()
                .find(|u| u.id == id)
                .map_or_else(|| id.to_string(), |u| u.name.clone())
        };
        let mut tables = Vec::new();
        let mut sheet =
            |which: StatsTable, title: &str, head: &[&str], rows: Vec<Vec<Cell>>| -> Result<()> {
                tables.push((
                    which,
                    Table {
                        title: title.to_string(),
                        head: head.iter().map(|h| h.to_string()).collect(),
                        rows,
                    },
                ));
                Ok(())
            };
        let hours =
            |ms: Option<i64>| ms.map_or(Cell::Empty, |m| Cell::Number(m as f64 / 3_600_000.0));
        let share = |bp: Option<i64>| bp.map_or(Cell::Empty, |b| Cell::Number(b as f64 / 10_000.0));
        let count = |d: &Drill| Cell::Number(f64::from(d.count));
        let money_text = |v: &[CurrencyAmount]| {
            Cell::Text(
                v.iter()
                    .map(|a| format!("{} {:.2}", a.currency, a.minor as f64 / 100.0))
                    .collect::<Vec<_>>()
                    .join(" + "),
            )
        };
        let kpi_rows = |k: &Kpis| {
            vec![
                count(&k.open),
                count(&k.overdue),
                count(&k.completed),
                share(k.first_time_fix_bp),
                hours(k.median_response_ms),
                money_text(&k.gross_profit),
                count(&k.reopened),
            ]
        };
        let labels = [
            "未完成 Open",
            "逾期 Overdue",
            "完成 Completed",
            "一次修复率 First-time fix",
            "到场中位数（小时）Median to site (h)",
            "毛利 Gross profit",
            "返工 Reopened",
        ];
        let (now, before) = (kpi_rows(&s.kpis), kpi_rows(&s.previous));
        sheet(
            StatsTable::Summary,
            "概览 Summary",
            &["指标 Figure", "本期 This period", "上期 Period before"],
            labels
                .iter()
                .zip(now.into_iter().zip(before))
                .map(|(l, (a, b))| vec![Cell::Text((*l).into()), a, b])
                .collect(),
        )?;
        sheet(
            StatsTable::Technicians,
            "工程师 Technicians",
            &[
                "工程师 Technician",
                "接收 Received",
                "接受 Accepted",
                "拒绝 Declined",
                "完成 Completed",
                "客户 Customers",
                "设备 Machines",
                "现场（小时）On site (h)",
                "路途（小时）Travelling (h)",
                "返工 Reopened",
                "评分 Rating",
                "一次修复率 First-time fix",
            ],
            s.technicians
                .iter()
                .map(|t| {
                    vec![
                        Cell::Text(name_of(&t.user_id)),
                        count(&t.received),
                        count(&t.accepted),
                        count(&t.declined),
                        count(&t.completed),
                        Cell::Number(f64::from(t.customers_served)),
                        Cell::Number(f64::from(t.machines_serviced)),
                        hours(Some(t.on_site_ms)),
                        hours(Some(t.travel_ms)),
                        count(&t.reopened),
                        t.average_rating_centi
                            .map_or(Cell::Empty, |r| Cell::Number(r as f64 / 100.0)),
                        share(t.first_time_fix_bp),
                    ]
                })
                .collect(),
        )?;
        sheet(
            StatsTable::Times,
            "用时 Times",
            &[
                "自创建至 From creation to",
                "工单 Orders",
                "中位数（小时）Median (h)",
                "90%（小时）90 % (h)",
            ],
            s.stages
                .iter()
                .map(|t| {
                    let stage = match t.stage {
                        Stage::Dispatched => "派工 dispatched",
                        Stage::Accepted => "接单 accepted",
                        Stage::OnSite => "到场 on site",
                        Stage::Completed => "完成 completed",
                    };
                    vec![
                        Cell::Text(stage.into()),
                        Cell::Number(f64::from(t.count)),
                        hours(t.median_ms),
                        hours(t.p90_ms),
                    ]
                })
                .collect(),
        )?;
        sheet(
            StatsTable::Money,
            "收支 Money",
            &[
                "月份 Month",
                "币种 Currency",
                "收费 Charges (net)",
                "成本 Costs",
                "毛利 Gross profit",
                "毛利率 Margin",
            ],
            s.money
                .iter()
                .filter(|m| m.by == MoneyBy::Month)
                .map(|m| {
                    let mut row = vec![Cell::Text(m.key.clone())];
                    row.extend(money_cells(m));
                    row
                })
                .collect(),
        )?;
        sheet(
            StatsTable::MoneyBy,
            "收支分组 Money by",
            &[
                "按 By",
                "名称 Name",
                "币种 Currency",
                "收费 Charges (net)",
                "成本 Costs",
                "毛利 Gross profit",
                "毛利率 Margin",
            ],
            s.money
                .iter()
                .filter(|m| m.by != MoneyBy::Month)
                .map(|m| {
                    let (by, name) = match m.by {
                        MoneyBy::Month => ("月份 Month", m.label.clone()),
                        MoneyBy::Customer => ("客户 Customer", m.label.clone()),
                        MoneyBy::Project if m.key.is_empty() => {
                            ("项目 Project", "（无项目）No project".to_string())
                        }
                        MoneyBy::Project => ("项目 Project", m.label.clone()),
                        MoneyBy::OrderType => ("工单类型 Order type", order_type_words(&m.key)),
                        MoneyBy::Technician => ("工程师 Technician", name_of(&m.key)),
                    };
                    let mut row = vec![Cell::Text(by.into()), Cell::Text(name)];
                    row.extend(money_cells(m));
                    row
                })
                .collect(),
        )?;
        sheet(
            StatsTable::Trend,
            "趋势 Trend",
            &[
                "起始 Starts",
                "新建 Created",
                "完成 Completed",
                "上期新建 Created before",
                "上期完成 Completed before",
                "一次修复率 First-time fix",
                "到场中位数（小时）Median to site (h)",
                "毛利 Gross profit",
            ],
            s.trend
                .iter()
                .enumerate()
                .map(|(i, b)| {
                    let before = s.previous_trend.get(i);
                    vec![
                        Cell::Text(b.starts.clone()),
                        count(&b.created),
                        count(&b.completed),
                        before.map_or(Cell::Empty, |p| count(&p.created)),
                        before.map_or(Cell::Empty, |p| count(&p.completed)),
                        share(b.first_time_fix_bp),
                        hours(b.median_response_ms),
                        money_text(&b.gross_profit),
                    ]
                })
                .collect(),
        )?;
        let mut repairs: Vec<Vec<Cell>> = Vec::new();
        for (kind, list) in [
            ("客户 Customer", &s.repairs_by_customer),
            ("型号 Model", &s.repairs_by_model),
            ("设备 Machine", &s.repairs_by_machine),
            ("故障 Fault", &s.repairs_by_fault),
        ] {
            repairs.extend(list.iter().map(|n| {
                vec![
                    Cell::Text(kind.into()),
                    Cell::Text(n.label.clone()),
                    count(&n.orders),
                ]
            }));
        }
        sheet(
            StatsTable::Repairs,
            "维修 Repairs",
            &["按 By", "名称 Name", "维修 Repairs"],
            repairs,
        )?;
        Ok(tables)
    }
}

/// The tables of the statistics, in the order they are made (and the workbook's sheets).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum StatsTable {
    Summary,
    Technicians,
    Times,
    Money,
    MoneyBy,
    Trend,
    Repairs,
}

impl StatsTable {
    pub fn name(self) -> &'static str {
        match self {
            StatsTable::Summary => "summary",
            StatsTable::Technicians => "technicians",
            StatsTable::Times => "times",
            StatsTable::Money => "money",
            StatsTable::MoneyBy => "money-by",
            StatsTable::Trend => "trend",
            StatsTable::Repairs => "repairs",
        }
    }
}

/// Currency, charges, costs, profit and margin, as a table's cells.
fn money_cells(m: &MoneyGroup) -> Vec<Cell> {
    vec![
        Cell::Text(m.currency.clone()),
        Cell::Number(m.charges_net as f64 / 100.0),
        Cell::Number(m.costs as f64 / 100.0),
        Cell::Number(m.gross_profit as f64 / 100.0),
        m.margin_bp
            .map_or(Cell::Empty, |b| Cell::Number(b as f64 / 10_000.0)),
    ]
}

/// An order type in both languages, for files that go to readers of either.
fn order_type_words(key: &str) -> String {
    match crate::model::enum_from_name::<OrderType>(key) {
        Some(OrderType::Installation) => "安装 Installation",
        Some(OrderType::Repair) => "维修 Repair",
        Some(OrderType::Upgrade) => "升级 Upgrade",
        Some(OrderType::Maintenance) => "保养 Maintenance",
        Some(OrderType::Inspection) => "巡检 Inspection",
        Some(OrderType::Testing) => "检测 Testing",
        Some(OrderType::Training) => "培训 Training",
        Some(OrderType::Complaint) => "投诉 Complaint",
        None => key,
    }
    .to_string()
}

struct Table {
    title: String,
    head: Vec<String>,
    rows: Vec<Vec<Cell>>,
}

enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

/// Week (Monday) or month starts covering [from, to) in local time, as (start ms, label).
fn buckets(from: i64, to: i64, tz_offset_min: i64) -> Vec<(i64, String)> {
    use chrono::{Datelike, Duration, NaiveDate};
    let offset = tz_offset_min * 60_000;
    let local_day = |ms: i64| {
        chrono::DateTime::from_timestamp_millis(ms + offset)
            .map(|t| t.date_naive())
            .unwrap_or_default()
    };
    let start_ms = |d: NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .map_or(0, |t| t.and_utc().timestamp_millis() - offset)
    };
    let weekly = to - from <= 92 * DAY_MS;
    let first = local_day(from);
    let mut day = if weekly {
        first - Duration::days(i64::from(first.weekday().num_days_from_monday()))
    } else {
        first.with_day(1).unwrap_or(first)
    };
    let mut out = Vec::new();
    while start_ms(day) < to && out.len() < 120 {
        out.push((start_ms(day), day.format("%Y-%m-%d").to_string()));
        day = if weekly {
            day + Duration::days(7)
        } else {
            day.checked_add_months(chrono::Months::new(1))
                .unwrap_or(day)
        };
    }
    out
}

/// Each bucket's orders created and completed, and the rates and sums of its completions and
/// arrivals (as the tiles count them for the whole period), in one pass over the orders.
fn trend(
    follow_ups: &MachineTimes,
    chosen: &[&Facts],
    from: i64,
    to: i64,
    tz_offset_min: i64,
) -> Vec<Bucket> {
    let starts = buckets(from, to, tz_offset_min);
    let mut out: Vec<Bucket> = starts
        .iter()
        .map(|(_, label)| Bucket {
            starts: label.clone(),
            created: Drill::default(),
            completed: Drill::default(),
            first_time_fix_bp: None,
            median_response_ms: None,
            gross_profit: Vec::new(),
        })
        .collect();
    // Per bucket: (fixed first time, eligible), times to site, profit per currency.
    let mut fixes = vec![(0u32, 0u32); starts.len()];
    let mut responses: Vec<Vec<i64>> = vec![Vec::new(); starts.len()];
    let mut profits: Vec<BTreeMap<String, i64>> = vec![BTreeMap::new(); starts.len()];
    let index = |at: i64| {
        (at >= from && at < to)
            .then(|| starts.iter().rposition(|(start, _)| *start <= at))
            .flatten()
    };
    for f in chosen {
        if let Some(i) = index(f.created) {
            out[i].created.add(&f.id);
        }
        if let Some(i) = f.completed_at.and_then(index) {
            out[i].completed.add(&f.id);
            if let Some(first) = fixed_first_time(follow_ups, f) {
                fixes[i].0 += u32::from(first);
                fixes[i].1 += 1;
            }
            if let Some(m) = &f.money {
                *profits[i].entry(m.currency.clone()).or_default() += m.gross_profit;
            }
        }
        if let Some(arrived) = f.on_site
            && let Some(i) = index(arrived)
        {
            responses[i].push(arrived - f.created);
        }
    }
    for (i, b) in out.iter_mut().enumerate() {
        b.first_time_fix_bp = ratio_bp(fixes[i].0, fixes[i].1);
        responses[i].sort_unstable();
        b.median_response_ms = percentile(&responses[i], 50);
        b.gross_profit = std::mem::take(&mut profits[i])
            .into_iter()
            .map(|(currency, minor)| CurrencyAmount { currency, minor })
            .collect();
    }
    out
}

/// Repairs created in the period on a machine with another repair completed in the `window`
/// before (an order completes after it is created, so a repair never counts as its own
/// earlier one).
fn repeats(repairs_done: &MachineTimes, chosen: &[&Facts], q: &StatsQuery, window: i64) -> Drill {
    let mut drill = Drill::default();
    for f in chosen {
        if f.order_type != OrderType::Repair
            || f.created < q.from
            || f.created >= q.to
            || f.equipment_ids.is_empty()
        {
            continue;
        }
        let earlier = f
            .equipment_ids
            .iter()
            .any(|m| repairs_done.any(m, f.created - window..f.created));
        if earlier {
            drill.add(&f.id);
        }
    }
    drill
}

#[cfg(test)]
mod fixed_set;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::Position;
    use crate::model::Role;
    use crate::model::order::{ChargeKind, OrderInput};
    use crate::testing::*;
    use crate::workspace::ChargeInput;

    /// `libreoffice --headless --convert-to` into `dir/out`, with its own profile; the file
    /// made. LibreOffice is installed by `make deps`; a missing one fails the test.
    fn libreoffice_converts(
        input: &std::path::Path,
        filter: &str,
        dir: &std::path::Path,
    ) -> std::path::PathBuf {
        let outdir = dir.join("out");
        let profile = format!(
            "-env:UserInstallation=file://{}",
            dir.join("lo-profile").display()
        );
        let out = std::process::Command::new("libreoffice")
            .args([&profile, "--headless", "--convert-to", filter, "--outdir"])
            .arg(&outdir)
            .arg(input)
            .output()
            .expect(
                "LibreOffice is needed for this test (make deps installs it); it does not skip",
            );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let ext = filter.split(':').next().unwrap();
        outdir.join(input.with_extension(ext).file_name().unwrap())
    }

    /// A typed position on the site itself.
    fn at_site(site: &crate::workspace::SiteView) -> Position {
        Position {
            lat: site.lat,
            lon: site.lon,
            accuracy_m: Some(5.0),
            altitude_m: None,
            mock: None,
            source: "manual".into(),
        }
    }

    fn period(now: i64) -> StatsQuery {
        StatsQuery::period(now - DAY_MS, now + DAY_MS, 480)
    }

    /// A repair completed on a machine is fixed first time until another order for that
    /// machine follows within 30 days; that order is then a repeat repair.
    #[test]
    fn a_follow_up_order_on_the_machine_undoes_the_first_time_fix_and_counts_as_a_repeat() {
        let now = crate::model::now_ms();
        let mut sup = workspace(SUPERVISOR, Role::Supervisor);
        let c = sup
            .create_customer(&customer_input("上海精密仪器有限公司"))
            .unwrap();
        let site = &c.sites[0];
        let machine = sup
            .create_equipment(&crate::model::equipment::EquipmentInfo {
                name: "1号机床".into(),
                model: "VMC-850".into(),
                serial: String::new(),
                customer_id: c.id.clone(),
                site_id: site.id.clone(),
                project_id: None,
                installed_on: None,
                warranty_until: None,
                maintenance_interval_days: None,
                notes: String::new(),
            })
            .unwrap()
            .id;
        let on_machine = |text: &str| OrderInput {
            equipment_ids: vec![machine.clone()],
            ..order_input(&c.id, &site.id, text)
        };
        let first = sup
            .create_order(&on_machine("spindle noise"))
            .unwrap()
            .summary
            .id;
        sup.dispatch_order(&first, &[TECH_A.to_string()], false)
            .unwrap();
        let mut tech = workspace(TECH_A, Role::Technician);
        exchange(&sup, &mut tech);
        tech.accept_order(&first).unwrap();
        let here = at_site(site);
        tech.check_in(&first, Some(here)).unwrap();
        tick_required(&mut tech, &first);
        tech.complete_order(&first, "bearing replaced").unwrap();
        exchange(&tech, &mut sup);
        let s = sup.statistics(&period(now)).unwrap();
        assert_eq!(s.kpis.first_time_fix_bp, Some(10_000));
        assert_eq!(s.technicians[0].first_time_fix_bp, Some(10_000));
        assert_eq!(s.repeat_repairs_30d.count, 0);

        // The noise is back: a second repair on the same machine, and one on no machine.
        let again = sup
            .create_order(&on_machine("noise again"))
            .unwrap()
            .summary
            .id;
        sup.create_order(&order_input(&c.id, &site.id, "other"))
            .unwrap();
        let s = sup.statistics(&period(now)).unwrap();
        assert_eq!(s.kpis.first_time_fix_bp, Some(0));
        assert_eq!(s.technicians[0].first_time_fix_bp, Some(0));
        assert_eq!(s.repeat_repairs_30d.orders, vec![again.clone()]);
        assert_eq!(s.repeat_repairs_90d.orders, vec![again]);
    }

    #[test]
    fn machine_times_answer_open_and_closed_ranges() {
        let times = MachineTimes(std::collections::HashMap::from([("m", vec![10, 20, 30])]));
        use std::ops::Bound::{Excluded, Included};
        assert!(times.any("m", 10..11));
        assert!(!times.any("m", 11..20));
        assert!(times.any("m", (Excluded(10), Included(20))));
        assert!(!times.any("m", (Excluded(30), Included(99))));
        assert!(!times.any("other", 0..99));
    }

    /// Three orders: A worked to completion with a charge, B accepted and past its scheduled
    /// end, C never dispatched. The figures and the orders behind them follow.
    #[test]
    fn the_dashboard_counts_what_happened_and_names_the_orders() {
        let now = crate::model::now_ms();
        let mut sup = workspace(SUPERVISOR, Role::Supervisor);
        let c = sup
            .create_customer(&customer_input("上海精密仪器有限公司"))
            .unwrap();
        let site = &c.sites[0];
        let a = sup
            .create_order(&order_input(&c.id, &site.id, "A"))
            .unwrap()
            .summary
            .id;
        let late = OrderInput {
            scheduled_start: Some(now - 3 * 3_600_000),
            scheduled_end: Some(now - 3_600_000),
            ..order_input(&c.id, &site.id, "B")
        };
        let b = sup.create_order(&late).unwrap().summary.id;
        let untouched = sup
            .create_order(&order_input(&c.id, &site.id, "C"))
            .unwrap()
            .summary
            .id;
        for id in [&a, &b] {
            sup.dispatch_order(id, &[TECH_A.to_string()], false)
                .unwrap();
        }
        let mut tech = workspace(TECH_A, Role::Technician);
        exchange(&sup, &mut tech);
        tech.accept_order(&a).unwrap();
        tech.accept_order(&b).unwrap();
        let here = at_site(site);
        tech.check_in(&a, Some(here)).unwrap();
        tick_required(&mut tech, &a);
        tech.put_charge(
            &a,
            None,
            &ChargeInput {
                kind: ChargeKind::ServiceFee,
                description: "labour".into(),
                quantity_milli: 1000,
                unit_price_minor: 50_000,
                discount_bp: 0,
                tax_rate_bp: 0,
                currency: "CNY".into(),
            },
        )
        .unwrap();
        tech.complete_order(&a, "done").unwrap();
        exchange(&tech, &mut sup);

        let s = sup.statistics(&period(now)).unwrap();
        assert_eq!(s.kpis.completed.orders, vec![a.clone()]);
        let mut open = s.kpis.open.orders.clone();
        open.sort();
        let mut expected = vec![b.clone(), untouched.clone()];
        expected.sort();
        assert_eq!(open, expected);
        assert_eq!(s.kpis.overdue.orders, vec![b.clone()]);
        assert_eq!(
            s.kpis.gross_profit,
            vec![CurrencyAmount {
                currency: "CNY".into(),
                minor: 50_000
            }]
        );
        assert!(s.kpis.median_response_ms.is_some());
        assert_eq!(s.previous.completed.count, 0);
        let count = |stage: Stage| s.stages.iter().find(|t| t.stage == stage).unwrap().count;
        assert_eq!((count(Stage::Dispatched), count(Stage::Accepted)), (2, 2));
        assert_eq!((count(Stage::OnSite), count(Stage::Completed)), (1, 1));
        let t = &s.technicians[0];
        assert_eq!(t.user_id, TECH_A);
        assert_eq!(
            (t.received.count, t.accepted.count, t.completed.count),
            (2, 2, 1)
        );
        assert_eq!(t.customers_served, 1);
        // One completed order, under each grouping once.
        assert_eq!(s.money.len(), 5);
        for m in &s.money {
            assert_eq!(
                (m.currency.as_str(), m.charges_net, m.gross_profit),
                ("CNY", 50_000, 50_000)
            );
            assert_eq!(m.margin_bp, Some(10_000));
        }
        let under = |by: MoneyBy| s.money.iter().find(|m| m.by == by).unwrap();
        assert_eq!(under(MoneyBy::Customer).label, "上海精密仪器有限公司");
        assert_eq!(under(MoneyBy::Technician).key, TECH_A);
        assert_eq!(under(MoneyBy::OrderType).key, "repair");
        assert_eq!(under(MoneyBy::Project).key, "");
        // This week's bucket holds the three orders created and the one completed.
        let created: u32 = s.trend.iter().map(|b| b.created.count).sum();
        let completed: u32 = s.trend.iter().map(|b| b.completed.count).sum();
        assert_eq!((created, completed), (3, 1));
        assert_eq!(
            s.previous_trend
                .iter()
                .map(|b| b.created.count)
                .sum::<u32>(),
            0
        );
        assert_eq!(s.repairs_by_customer.len(), 1);
        assert_eq!(s.repairs_by_customer[0].label, "上海精密仪器有限公司");
        assert_eq!(s.repairs_by_customer[0].orders.count, 3);
        // The workbook opens and holds the same figures.
        let book = sup.statistics_xlsx(&period(now), &directory()).unwrap();
        let mut wb: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(book)).unwrap();
        use calamine::Reader;
        let summary = wb.worksheet_range("概览 Summary").unwrap();
        let completed = summary
            .rows()
            .find(|r| r[0].to_string().contains("Completed"))
            .unwrap();
        assert_eq!(completed[1].to_string(), "1");
        assert!(wb.sheet_names().iter().any(|n| n == "工程师 Technicians"));
        // LibreOffice opens both exports: the workbook (its first sheet back as CSV) and the
        // money table's CSV (back as a workbook).
        let dir = tempfile::tempdir().unwrap();
        let xlsx = dir.path().join("statistics.xlsx");
        std::fs::write(
            &xlsx,
            sup.statistics_xlsx(&period(now), &directory()).unwrap(),
        )
        .unwrap();
        let summary_csv = libreoffice_converts(
            &xlsx,
            "csv:Text - txt - csv (StarCalc):44,34,76,1",
            dir.path(),
        );
        let summary_csv = std::fs::read_to_string(summary_csv).unwrap();
        assert!(
            summary_csv
                .lines()
                .any(|l| l.replace('"', "").starts_with("完成 Completed,1,")),
            "{summary_csv}"
        );
        let money = sup
            .statistics_csv(&period(now), &directory(), StatsTable::Money)
            .unwrap();
        assert!(
            money.starts_with('\u{feff}'),
            "a byte-order mark for spreadsheets"
        );
        let csv = dir.path().join("money.csv");
        std::fs::write(&csv, &money).unwrap();
        let back = libreoffice_converts(&csv, "xlsx:Calc MS Excel 2007 XML", dir.path());
        let mut wb: calamine::Xlsx<_> = calamine::open_workbook(back).unwrap();
        let range = wb.worksheet_range_at(0).unwrap().unwrap();
        let row = range.rows().nth(1).unwrap();
        assert_eq!(row[1].to_string(), "CNY");
        assert_eq!(row[2].to_string(), "500");
        // Filters narrow every figure; another customer's view is empty.
        let other = StatsQuery {
            customer_id: Some("nobody".into()),
            ..period(now)
        };
        assert_eq!(sup.statistics(&other).unwrap().kpis.open.count, 0);
        let no_project = StatsQuery {
            project_id: Some("00000000-0000-4000-8000-000000000999".into()),
            ..period(now)
        };
        assert_eq!(sup.statistics(&no_project).unwrap().kpis.open.count, 0);
        // Rules: only managers; a period that ends before it starts is refused.
        assert!(tech.statistics(&period(now)).is_err());
        let reversed = StatsQuery {
            to: now - 2 * DAY_MS,
            ..period(now)
        };
        assert_eq!(
            sup.statistics(&reversed).unwrap_err().body().refusal,
            Some(Refusal::PeriodReversed)
        );
    }

    #[test]
    fn weeks_start_on_monday_and_months_on_the_first_in_local_time() {
        // 2026-12-02 is a Wednesday; in UTC+8 midnight is 16:00 UTC the day before.
        let wed = chrono::NaiveDate::from_ymd_opt(2026, 12, 2)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap()
            .and_utc()
            .timestamp_millis();
        let weeks = buckets(wed, wed + 14 * DAY_MS, 480);
        assert_eq!(weeks[0].1, "2026-11-30");
        assert_eq!(weeks.len(), 3);
        assert_eq!(weeks[0].0 % DAY_MS, 16 * 3_600_000);
        let months = buckets(wed, wed + 120 * DAY_MS, 480);
        assert_eq!(months[0].1, "2026-12-01");
        assert_eq!(months[1].1, "2027-01-01");
    }

    #[test]
    fn stage_times_are_measured_against_the_companys_targets() {
        let now = crate::model::now_ms();
        let mut admin = workspace(SUPERVISOR, Role::Admin);
        with_settings(&mut admin);
        let c = admin.create_customer(&customer_input("Acme")).unwrap();
        let mut ids = Vec::new();
        for text in ["fast", "slow"] {
            let id = admin
                .create_order(&order_input(&c.id, &c.sites[0].id, text))
                .unwrap()
                .summary
                .id;
            admin
                .dispatch_order(&id, &[TECH_A.to_string()], false)
                .unwrap();
            ids.push(id);
        }
        assert_eq!(
            admin
                .set_response_targets(&ResponseTargets {
                    dispatched_min: Some(0),
                    ..ResponseTargets::default()
                })
                .unwrap_err()
                .code(),
            crate::ErrorCode::InvalidInput
        );
        let targets = ResponseTargets {
            dispatched_min: Some(60),
            ..ResponseTargets::default()
        };
        assert_eq!(admin.set_response_targets(&targets).unwrap(), targets);
        let s = admin.statistics(&period(now)).unwrap();
        let dispatched = &s.stages[0];
        assert_eq!(dispatched.stage, Stage::Dispatched);
        assert_eq!(dispatched.target_ms, Some(3_600_000));
        assert_eq!(dispatched.within_target_bp, Some(10_000));
        assert_eq!(s.stages[1].target_ms, None, "no target for acceptance");
        assert_eq!(s.stages[1].within_target_bp, None);
        // The "slow" order as if created two hours before its dispatch: over the target.
        let mut facts = admin.order_facts(0).unwrap();
        for f in facts.iter_mut().filter(|f| f.id == ids[1]) {
            f.created -= 2 * 3_600_000;
        }
        let chosen: Vec<&Facts> = facts.iter().collect();
        let got = stages(&chosen, now - DAY_MS, now + DAY_MS, &targets);
        assert_eq!(got[0].within_target_bp, Some(5_000));
        assert_eq!(got[0].over_target.orders, [ids[1].clone()]);
    }

    /// A call reads the orders with an event since its look-back and every open one; an order
    /// finished before that cannot count and is not read.
    #[test]
    fn only_recent_and_open_orders_are_read() {
        let now = crate::model::now_ms();
        let mut sup = workspace(SUPERVISOR, Role::Supervisor);
        let c = sup.create_customer(&customer_input("Acme")).unwrap();
        let site = c.sites[0].clone();
        let open = sup
            .create_order(&order_input(&c.id, &site.id, "open"))
            .unwrap()
            .summary
            .id;
        let done = sup
            .create_order(&order_input(&c.id, &site.id, "done"))
            .unwrap()
            .summary
            .id;
        sup.dispatch_order(&done, &[TECH_A.to_string()], false)
            .unwrap();
        let mut tech = workspace(TECH_A, Role::Technician);
        exchange(&sup, &mut tech);
        tech.accept_order(&done).unwrap();
        tech.check_in(&done, Some(at_site(&site))).unwrap();
        tick_required(&mut tech, &done);
        tech.complete_order(&done, "fixed").unwrap();
        exchange(&tech, &mut sup);
        let read = |since| -> Vec<String> {
            let mut ids: Vec<String> = sup
                .order_facts(since)
                .unwrap()
                .into_iter()
                .map(|f| f.id)
                .collect();
            ids.sort();
            ids
        };
        let mut both = vec![open.clone(), done.clone()];
        both.sort();
        assert_eq!(read(now - DAY_MS), both);
        assert_eq!(read(now + DAY_MS), [open]);
    }

    #[test]
    fn a_project_filter_keeps_the_projects_orders() {
        let now = crate::model::now_ms();
        let mut sup = workspace(SUPERVISOR, Role::Supervisor);
        let c = sup.create_customer(&customer_input("Acme")).unwrap();
        let p = sup
            .create_project(&crate::model::project::ProjectInfo {
                name: "Fit-out".into(),
                code: "PRJ-1".into(),
                customer_id: c.id.clone(),
                status: crate::model::project::ProjectStatus::Active,
                start_on: None,
                end_on: None,
                budget_minor: None,
                currency: "CNY".into(),
                description: String::new(),
            })
            .unwrap();
        let inside = sup
            .create_order(&OrderInput {
                project_id: Some(p.id.clone()),
                ..order_input(&c.id, &c.sites[0].id, "in the project")
            })
            .unwrap()
            .summary
            .id;
        sup.create_order(&order_input(&c.id, &c.sites[0].id, "outside"))
            .unwrap();
        assert_eq!(sup.statistics(&period(now)).unwrap().kpis.open.count, 2);
        let q = StatsQuery {
            project_id: Some(p.id.clone()),
            ..period(now)
        };
        assert_eq!(sup.statistics(&q).unwrap().kpis.open.orders, [inside]);
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<i64> = (1..=10).collect();
        assert_eq!(percentile(&v, 50), Some(5));
        assert_eq!(percentile(&v, 90), Some(9));
        assert_eq!(percentile(&[7], 90), Some(7));
        assert_eq!(percentile(&[], 50), None);
        assert_eq!(ratio_bp(1, 3), Some(3333));
        assert_eq!(ratio_bp(0, 0), None);
    }
}
