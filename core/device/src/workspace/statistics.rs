//! Order statistics for a period, computed on the device from its own store, offline: the
//! supervisor's dashboard figures (open, overdue, completed, first-time fix, response), times
//! from creation to each step (median and 90th percentile), each technician's workload,
//! money per month and currency (never mixed), and repeat repairs on the same machine. Every
//! figure that counts orders carries their ids, so the UI can list the orders behind it.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::OptionalExtension;
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
    /// The viewer's UTC offset, for months.
    pub tz_offset_min: i64,
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
    /// Median time from creation to arrival on site of the orders that arrived in the period.
    pub median_response_ms: Option<i64>,
    /// Gross profit of the orders completed in the period, per currency (minor units).
    pub gross_profit: Vec<CurrencyAmount>,
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
    /// Average stars × 100 of their rated completed orders.
    pub average_rating_centi: Option<i64>,
    pub first_time_fix_bp: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct MonthMoney {
    /// YYYY-MM in the viewer's time zone.
    pub month: String,
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
    pub money: Vec<MonthMoney>,
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
    /// By the knowledge base's entry marked as the fix ("E-04 高压报警停机").
    pub repairs_by_fault: Vec<NamedCount>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Bucket {
    /// Where the week (Monday) or month starts, in the viewer's time zone: YYYY-MM-DD.
    pub starts: String,
    pub created: Drill,
    pub completed: Drill,
}

/// A count of orders under a name (a customer, an equipment model).
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct NamedCount {
    pub label: String,
    pub orders: Drill,
}

/// What statistics need of one order.
struct Facts {
    id: String,
    doc: OrderDoc,
    /// The fold of the order's events, done once per statistics call.
    state: OrderState,
    created: i64,
    first: BTreeMap<&'static str, i64>,
}

fn first_times(doc: &OrderDoc) -> BTreeMap<&'static str, i64> {
    let mut first = BTreeMap::new();
    for e in doc.sorted_events() {
        let key = match e.kind {
            EventKind::Dispatched => "dispatched",
            EventKind::Accepted => "accepted",
            EventKind::CheckedIn => "on_site",
            _ => continue,
        };
        first.entry(key).or_insert(e.at);
    }
    first
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
        let all = self.order_facts()?;
        let now = crate::model::now_ms();
        let chosen: Vec<&Facts> = all.iter().filter(|f| self::matches(f, q)).collect();
        let len = q.to - q.from;
        Ok(Statistics {
            kpis: kpis(&all, &chosen, q.from, q.to, now),
            previous: kpis(&all, &chosen, q.from - len, q.from, now),
            stages: stages(&chosen, q.from, q.to, &self.response_targets()?),
            technicians: technicians(&all, &chosen, q),
            money: money(&chosen, q),
            repeat_repairs_30d: repeats(&all, &chosen, q, 30 * DAY_MS),
            repeat_repairs_90d: repeats(&all, &chosen, q, 90 * DAY_MS),
            trend: trend(&chosen, q.from, q.to, q.tz_offset_min),
            previous_trend: trend(&chosen, q.from - len, q.from, q.tz_offset_min),
            repairs_by_customer: self.repairs_by(
                &chosen,
                q,
                |f| vec![f.doc.header.customer_id.clone()],
                "SELECT name FROM customers WHERE id = ?1",
            )?,
            repairs_by_model: self.repairs_by(
                &chosen,
                q,
                |f| f.doc.header.equipment_ids.clone(),
                "SELECT model FROM equipment WHERE id = ?1",
            )?,
            repairs_by_fault: self.repairs_by(
                &chosen,
                q,
                |f| f.state.fixed_with.iter().cloned().collect(),
                "SELECT CASE WHEN fault_code = '' OR substr(title, 1, length(fault_code)) = fault_code
                    THEN title ELSE fault_code || ' ' || title END
                 FROM knowledge WHERE id = ?1",
            )?,
        })
    }

    /// Repairs created in the period counted under the name `name_sql` gives each of the
    /// ids `keys` picks from an order (an order with two machines of one model counts once).
    fn repairs_by(
        &self,
        chosen: &[&Facts],
        q: &StatsQuery,
        keys: impl Fn(&Facts) -> Vec<String>,
        name_sql: &str,
    ) -> Result<Vec<NamedCount>> {
        let mut stmt = self.store.conn().prepare(name_sql)?;
        let mut by: BTreeMap<String, Drill> = BTreeMap::new();
        for f in chosen {
            if f.doc.header.order_type != OrderType::Repair
                || f.created < q.from
                || f.created >= q.to
            {
                continue;
            }
            let mut names = BTreeSet::new();
            for key in keys(f) {
                let name: Option<String> = stmt
                    .query_row([&key], |r| r.get(0))
                    .optional()?
                    .filter(|n: &String| !n.trim().is_empty());
                if let Some(name) = name {
                    names.insert(name);
                }
            }
            for name in names {
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
        Ok(out)
    }

    /// Every order as the projection keeps it (read from its document when it was stored):
    /// rows, not automerge loads.
    fn order_facts(&self) -> Result<Vec<Facts>> {
        let rows: Vec<(String, String)> = {
            let mut stmt = self
                .store
                .conn()
                .prepare("SELECT id, doc_json FROM orders")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut facts = Vec::with_capacity(rows.len());
        for (id, json) in rows {
            let doc: OrderDoc = serde_json::from_str(&json).map_err(|e| {
                crate::DeviceError::invalid(format!("order {id} in the projection: {e}"))
            })?;
            let state = doc.state();
            let created = doc.sorted_events().first().map_or(0, |e| e.at);
            facts.push(Facts {
                first: first_times(&doc),
                state,
                created,
                id,
                doc,
            });
        }
        Ok(facts)
    }
}

fn matches(f: &Facts, q: &StatsQuery) -> bool {
    q.customer_id
        .as_ref()
        .is_none_or(|c| *c == f.doc.header.customer_id)
        && q.order_type.is_none_or(|t| t == f.doc.header.order_type)
        && q.project_id
            .as_ref()
            .is_none_or(|p| f.doc.header.project_id.as_ref() == Some(p))
        && q.technician
            .as_ref()
            .is_none_or(|t| f.state.ever_assigned.contains(t))
}

fn within(at: Option<i64>, from: i64, to: i64) -> bool {
    at.is_some_and(|t| t >= from && t < to)
}

/// A moment of each order per machine, sorted: "was there an order for this machine between
/// these moments" is a binary search, not a pass over every order.
struct MachineTimes<'a>(std::collections::HashMap<&'a str, Vec<i64>>);

impl<'a> MachineTimes<'a> {
    fn of(all: &'a [Facts], at: impl Fn(&Facts) -> Option<i64>) -> Self {
        let mut by_machine: std::collections::HashMap<&str, Vec<i64>> = Default::default();
        for o in all {
            let Some(t) = at(o) else { continue };
            for m in &o.doc.header.equipment_ids {
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
    let done = f.state.completed_at?;
    if f.doc.header.order_type != OrderType::Repair || f.doc.header.equipment_ids.is_empty() {
        return None;
    }
    let follow_up = f.doc.header.equipment_ids.iter().any(|m| {
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

fn kpis(all: &[Facts], chosen: &[&Facts], from: i64, to: i64, now: i64) -> Kpis {
    let follow_ups = MachineTimes::of(all, |o| Some(o.created));
    let mut k = Kpis::default();
    let mut fixed = 0;
    let mut eligible = 0;
    let mut responses = Vec::new();
    let mut profit: BTreeMap<String, i64> = BTreeMap::new();
    for f in chosen {
        if f.state.status.is_open() {
            k.open.add(&f.id);
            if f.doc.header.scheduled_end.is_some_and(|end| end < now) {
                k.overdue.add(&f.id);
            }
        }
        if within(f.state.completed_at, from, to) {
            k.completed.add(&f.id);
            if let Some(first) = fixed_first_time(&follow_ups, f) {
                eligible += 1;
                fixed += u32::from(first);
            }
            let totals = f.doc.totals();
            if let Some(currency) = totals.currency {
                *profit.entry(currency).or_default() += totals.gross_profit;
            }
        }
        if let Some(&arrived) = f.first.get("on_site")
            && arrived >= from
            && arrived < to
        {
            responses.push(arrived - f.created);
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
        (Stage::Dispatched, "dispatched", targets.dispatched_min),
        (Stage::Accepted, "accepted", targets.accepted_min),
        (Stage::OnSite, "on_site", targets.on_site_min),
        (Stage::Completed, "completed", targets.completed_min),
    ]
    .into_iter()
    .map(|(stage, key, target_min)| {
        let mut took: Vec<(i64, &str)> = chosen
            .iter()
            .filter_map(|f| {
                let reached = if key == "completed" {
                    f.state.completed_at
                } else {
                    f.first.get(key).copied()
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

fn technicians(all: &[Facts], chosen: &[&Facts], q: &StatsQuery) -> Vec<TechnicianFigures> {
    let follow_ups = MachineTimes::of(all, |o| Some(o.created));
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
        for e in f.doc.sorted_events() {
            if e.at < q.from || e.at >= q.to {
                continue;
            }
            match e.kind {
                EventKind::Dispatched => {
                    for user in &e.to {
                        figures(&mut by, user);
                        let t = by.get_mut(user).expect("just added");
                        if !t.received.orders.contains(&f.id) {
                            t.received.add(&f.id);
                        }
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
                    if !drill.orders.contains(&f.id) {
                        drill.add(&f.id);
                    }
                }
                _ => {}
            }
        }
        if !within(f.state.completed_at, q.from, q.to) {
            continue;
        }
        let state = &f.state;
        for user in &state.ever_assigned {
            if !state.accepted_by.contains(user) && !state.assignees.contains(user) {
                continue;
            }
            figures(&mut by, user);
            let t = by.get_mut(user).expect("just added");
            t.completed.add(&f.id);
            t.on_site_ms += state.on_site_ms;
            customers
                .entry(user.clone())
                .or_default()
                .insert(f.doc.header.customer_id.clone());
            machines
                .entry(user.clone())
                .or_default()
                .extend(f.doc.header.equipment_ids.iter().cloned());
            if let Some((s, _)) = &state.rating {
                let e = stars.entry(user.clone()).or_default();
                e.0 += s;
                e.1 += 1;
            }
            if let Some(first) = fixed_first_time(&follow_ups, f) {
                let e = ftf.entry(user.clone()).or_default();
                e.0 += u32::from(first);
                e.1 += 1;
            }
        }
    }
    let mut out: Vec<TechnicianFigures> = by
        .into_values()
        .filter(|t| q.technician.as_ref().is_none_or(|only| *only == t.user_id))
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

fn money(chosen: &[&Facts], q: &StatsQuery) -> Vec<MonthMoney> {
    let mut months: BTreeMap<(String, String), MonthMoney> = BTreeMap::new();
    for f in chosen {
        let Some(done) = f.state.completed_at.filter(|&t| t >= q.from && t < q.to) else {
            continue;
        };
        let totals = f.doc.totals();
        let Some(currency) = totals.currency else {
            continue;
        };
        let local = chrono::DateTime::from_timestamp_millis(done + q.tz_offset_min * 60_000)
            .map(|t| t.format("%Y-%m").to_string())
            .unwrap_or_default();
        let m = months
            .entry((local.clone(), currency.clone()))
            .or_insert_with(|| MonthMoney {
                month: local,
                currency,
                charges_net: 0,
                costs: 0,
                gross_profit: 0,
                margin_bp: None,
                orders: Vec::new(),
            });
        m.charges_net += totals.charges_net;
        m.costs += totals.costs_total;
        m.gross_profit += totals.gross_profit;
        m.orders.push(f.id.clone());
    }
    months
        .into_values()
        .map(|mut m| {
            m.margin_bp = (m.charges_net != 0).then(|| m.gross_profit * 10_000 / m.charges_net);
            m
        })
        .collect()
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
            ]
        };
        let labels = [
            "未完成 Open",
            "逾期 Overdue",
            "完成 Completed",
            "一次修复率 First-time fix",
            "到场中位数（小时）Median to site (h)",
            "毛利 Gross profit",
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
                .map(|m| {
                    vec![
                        Cell::Text(m.month.clone()),
                        Cell::Text(m.currency.clone()),
                        Cell::Number(m.charges_net as f64 / 100.0),
                        Cell::Number(m.costs as f64 / 100.0),
                        Cell::Number(m.gross_profit as f64 / 100.0),
                        share(m.margin_bp),
                    ]
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
                    ]
                })
                .collect(),
        )?;
        let mut repairs: Vec<Vec<Cell>> = Vec::new();
        for (kind, list) in [
            ("客户 Customer", &s.repairs_by_customer),
            ("型号 Model", &s.repairs_by_model),
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
            StatsTable::Trend => "trend",
            StatsTable::Repairs => "repairs",
        }
    }
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

fn trend(chosen: &[&Facts], from: i64, to: i64, tz_offset_min: i64) -> Vec<Bucket> {
    let starts = buckets(from, to, tz_offset_min);
    let mut out: Vec<Bucket> = starts
        .iter()
        .map(|(_, label)| Bucket {
            starts: label.clone(),
            created: Drill::default(),
            completed: Drill::default(),
        })
        .collect();
    let index = |at: i64| {
        (at >= from && at < to)
            .then(|| starts.iter().rposition(|(start, _)| *start <= at))
            .flatten()
    };
    for f in chosen {
        if let Some(i) = index(f.created) {
            out[i].created.add(&f.id);
        }
        if let Some(i) = f.state.completed_at.and_then(index) {
            out[i].completed.add(&f.id);
        }
    }
    out
}

fn repeats(all: &[Facts], chosen: &[&Facts], q: &StatsQuery, window: i64) -> Drill {
    let mut drill = Drill::default();
    // When each machine's repairs were completed (an order completes after it is created, so
    // a repair never counts as its own earlier one).
    let repairs_done = MachineTimes::of(all, |o| {
        (o.doc.header.order_type == OrderType::Repair)
            .then_some(o.state.completed_at)
            .flatten()
    });
    for f in chosen {
        if f.doc.header.order_type != OrderType::Repair
            || f.created < q.from
            || f.created >= q.to
            || f.doc.header.equipment_ids.is_empty()
        {
            continue;
        }
        let earlier = f
            .doc
            .header
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
        StatsQuery {
            from: now - DAY_MS,
            to: now + DAY_MS,
            technician: None,
            customer_id: None,
            order_type: None,
            project_id: None,
            tz_offset_min: 480,
        }
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
        sup.dispatch_order(&first, &[TECH_A.to_string()]).unwrap();
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
            sup.dispatch_order(id, &[TECH_A.to_string()]).unwrap();
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
        assert_eq!(s.money.len(), 1);
        assert_eq!(
            (
                s.money[0].currency.as_str(),
                s.money[0].charges_net,
                s.money[0].gross_profit
            ),
            ("CNY", 50_000, 50_000)
        );
        assert_eq!(s.money[0].margin_bp, Some(10_000));
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
            admin.dispatch_order(&id, &[TECH_A.to_string()]).unwrap();
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
        let mut facts = admin.order_facts().unwrap();
        for f in facts.iter_mut().filter(|f| f.id == ids[1]) {
            f.created -= 2 * 3_600_000;
        }
        let chosen: Vec<&Facts> = facts.iter().collect();
        let got = stages(&chosen, now - DAY_MS, now + DAY_MS, &targets);
        assert_eq!(got[0].within_target_bp, Some(5_000));
        assert_eq!(got[0].over_target.orders, [ids[1].clone()]);
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
