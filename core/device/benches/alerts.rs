//! Alerts and plans at scale. Prints JSON.
//! - `core_100k`: the domain's alert function over 100,000 machines, each with a warranty, a
//!   monthly plan and four past visits (what the server will run for a large company);
//! - `device_5k`: the `alerts` command's work on a device store holding 5,000 such machines
//!   (projection reads, the function, names);
//! - `plans_10k_year`: every visit date and order id of 10,000 plans over a year (the ids
//!   collected in a set: `visits` is also the proof that no two visits share an id).
//!
//! Memory is the process's peak resident set (VmHWM) after each part, so each figure includes
//! the parts before it.
//! `cargo bench -p fieldops-device --bench alerts` (also part of `make bench`).

mod common;
use common::{SUPERVISOR, supervisor_store, time};
use std::collections::BTreeMap;

use automerge::AutoCommit;
use chrono::{Days, NaiveDate};
use fieldops_device::alerts::{self, MachineFacts, Visit};
use fieldops_device::model::DocType;
use fieldops_device::model::equipment::{self, Equipment, EquipmentInfo};
use fieldops_device::model::order::OrderType;
use fieldops_device::model::plan::{self, PeriodUnit, Plan, PlanAnchor, PlanKind};
use fieldops_device::workspace::AlertFilter;

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn id(n: usize, kind: u8) -> String {
    format!("{:08x}-0000-4000-8{kind:03x}-{n:012x}", n)
}

fn plan(i: usize, start: NaiveDate) -> Plan {
    Plan {
        name: String::new(),
        kind: if i.is_multiple_of(3) {
            PlanKind::Inspection
        } else {
            PlanKind::Maintenance
        },
        every: 1 + (i % 6) as i64,
        unit: if i.is_multiple_of(2) {
            PeriodUnit::Months
        } else {
            PeriodUnit::Weeks
        },
        start: (start + Days::new((i % 28) as u64)).to_string(),
        end: None,
        anchor: if i.is_multiple_of(4) {
            PlanAnchor::LastDone
        } else {
            PlanAnchor::Planned
        },
        order_type: OrderType::Maintenance,
        duration_min: 60,
        technician_id: None,
        days_ahead: 7,
        rule: None,
    }
}

fn machine(i: usize, today: NaiveDate) -> Equipment {
    let mut plans = BTreeMap::new();
    plans.insert(id(i, 0xa), plan(i, today - Days::new(400)));
    Equipment {
        doc_type: "equipment".into(),
        id: id(i, 0xe),
        info: EquipmentInfo {
            name: format!("Machine {i}"),
            model: format!("M-{}", i % 40),
            serial: format!("SN{i}"),
            customer_id: id(i % 500, 0xc),
            site_id: id(i % 500, 0xd),
            project_id: None,
            installed_on: Some((today - Days::new(700)).to_string()),
            warranty_until: Some((today + Days::new((i % 90) as u64)).to_string()),
            maintenance_interval_days: None,
            notes: String::new(),
        },
        created_at: 0,
        created_by: SUPERVISOR.into(),
        plans,
        acks: BTreeMap::new(),
    }
}

fn main() {
    let today: NaiveDate = "2026-12-02".parse().unwrap();
    let mut out = serde_json::Map::new();

    // The domain function over 100,000 machines.
    let machines: Vec<Equipment> = (0..100_000).map(|i| machine(i, today)).collect();
    let visits: Vec<Vec<Visit>> = (0..100_000)
        .map(|i| {
            (1..=4)
                .map(|k| Visit {
                    order_type: OrderType::Maintenance,
                    on: today - Days::new(((i + k * 37) % 300) as u64),
                })
                .collect()
        })
        .collect();
    let (ms, count) = time(3, || {
        let facts: Vec<MachineFacts<'_>> = machines
            .iter()
            .zip(&visits)
            .map(|(e, v)| MachineFacts {
                equipment: e,
                visits: v.clone(),
                visit_orders: vec![],
            })
            .collect();
        alerts::compute(&facts, &[], &BTreeMap::new(), today, 0).len()
    });
    out.insert(
        "core_100k".into(),
        serde_json::json!({"machines": 100_000, "alerts": count, "ms": ms, "peak_rss_mb": peak_rss_mb()}),
    );
    drop(machines);
    drop(visits);

    // The device: 5,000 machines with plans in a store.
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = supervisor_store(&dir.path().join("device.sqlite"));
    let real_today = ws.company_today();
    for i in 0..5_000 {
        let m = machine(i, real_today);
        let mut doc = AutoCommit::new();
        let eq = equipment::new_equipment_doc(&mut doc, SUPERVISOR, &m.info).expect("machine");
        for (pid, p) in &m.plans {
            plan::put_plan(&mut doc, pid, p).expect("plan");
        }
        ws.store
            .commit_local(DocType::Equipment, &eq, &mut doc)
            .expect("commit");
    }
    let (ms, list) = time(5, || ws.alerts(&AlertFilter::default()).expect("alerts"));
    out.insert(
        "device_5k".into(),
        serde_json::json!({"machines": 5_000, "alerts": list.alerts.len(), "ms": ms, "peak_rss_mb": peak_rss_mb()}),
    );

    // Plan generation: 10,000 plans, every visit of a year and its order id.
    let plans: Vec<Plan> = (0..10_000).map(|i| plan(i, today)).collect();
    let until = today + Days::new(365);
    let (ms, visits) = time(3, || {
        let mut ids = std::collections::HashSet::new();
        for (i, p) in plans.iter().enumerate() {
            let pid = id(i, 0xa);
            for d in p.occurrences_until(until) {
                ids.insert(plan::occurrence_order_id("bench-machine", &pid, d));
            }
        }
        ids.len()
    });
    out.insert(
        "plans_10k_year".into(),
        serde_json::json!({"plans": 10_000, "visits": visits, "ms": ms, "peak_rss_mb": peak_rss_mb()}),
    );
    println!("{}", serde_json::to_string_pretty(&out).expect("json"));
}
