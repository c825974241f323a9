//! Statistics over a company's history on a supervisor's device. Prints JSON.
//!
//! The data set (made here, through the same commit and projection path as the app's own
//! writes): 100,000 orders over three years, 50 technicians, 2,000 customers and 10,000
//! machines; every order on a machine, dispatched, accepted, travelled to, checked in and,
//! but for the last weeks' share, completed with a charge line and a cost; one in 40 reopened
//! and finished again; one in 10 an installation or maintenance.
//! - `dashboard_30_days`: the dashboard's one `statistics` call for the last 30 days (its
//!   default): every figure, with the 30 days before for comparison;
//! - `year`: the same call for the last 365 days;
//! - `technician_year`, `model_year`: a year narrowed to one technician or one model.
//!
//! `cargo bench -p fieldops-device --bench statistics` (also part of `make bench`);
//! `FIELDOPS_BENCH_ORDERS=10000` for a smaller company.

mod common;
use common::{SUPERVISOR, supervisor_store, time};

use automerge::AutoCommit;
use fieldops_device::model::order::{
    self, ChargeKind, ChargeLine, CostKind, CostLine, EventKind, OrderEvent, OrderInput, OrderType,
    Priority,
};
use fieldops_device::model::settings::default_template;
use fieldops_device::model::{DocType, TypedDoc};
use fieldops_device::workspace::StatsQuery;

const TECHNICIANS: usize = 50;
const CUSTOMERS: usize = 2_000;
const MACHINES: usize = 10_000;
const DAY: i64 = 86_400_000;

fn tech(i: usize) -> String {
    format!("00000000-0000-7000-8000-{:012x}", 0x100 + i % TECHNICIANS)
}

/// The order was created at `at`, not now (its first event is written with the clock).
fn backdate_creation(doc: &mut AutoCommit, at: i64) {
    use automerge::transaction::Transactable;
    use automerge::{ROOT, ReadDoc};
    let (_, events) = doc.get(ROOT, "events").expect("read").expect("events");
    let (_, created) = doc.get(&events, 0).expect("read").expect("created event");
    doc.put(&created, "at", at).expect("backdate");
}

fn main() {
    let orders: usize = std::env::var("FIELDOPS_BENCH_ORDERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = supervisor_store(&dir.path().join("device.sqlite"));
    let made = std::time::Instant::now();
    let customers: Vec<_> = (0..CUSTOMERS)
        .map(|i| {
            ws.create_customer(&fieldops_device::model::customer::CustomerInput {
                name: format!("客户 {i}"),
                phone: String::new(),
                region: ["华东", "华北", "华南", "西南"][i % 4].into(),
                sites: vec![fieldops_device::model::customer::SiteInput {
                    id: None,
                    name: "厂区".into(),
                    address: String::new(),
                    lat: 31.0,
                    lon: 121.0,
                    geofence_m: None,
                }],
                contacts: Vec::new(),
                report_language: Default::default(),
            })
            .expect("customer")
        })
        .collect();
    let machines: Vec<(usize, String)> = (0..MACHINES)
        .map(|m| {
            let c = m % CUSTOMERS;
            let info = fieldops_device::model::equipment::EquipmentInfo {
                name: format!("{m}号机"),
                model: format!("KX-{}", 100 + (m % 40) * 10),
                serial: format!("SN{m:06}"),
                customer_id: customers[c].id.clone(),
                site_id: customers[c].sites[0].id.clone(),
                project_id: None,
                installed_on: None,
                warranty_until: None,
                maintenance_interval_days: None,
                notes: String::new(),
            };
            (c, ws.create_equipment(&info).expect("machine").id)
        })
        .collect();
    let now = fieldops_device::model::now_ms();
    let start = now - 3 * 365 * DAY;
    let template = default_template(OrderType::Repair);
    let mut batch = Vec::new();
    for i in 0..orders {
        let (c, machine) = &machines[(i * 7919) % MACHINES];
        let c = &customers[*c];
        let created = start + (i as i64 * 3 * 365 * DAY) / orders as i64;
        let input = OrderInput {
            order_type: match i % 10 {
                0 => OrderType::Installation,
                1 => OrderType::Maintenance,
                _ => OrderType::Repair,
            },
            priority: Priority::Normal,
            customer_id: c.id.clone(),
            site_id: c.sites[0].id.clone(),
            equipment_ids: vec![machine.clone()],
            project_id: None,
            description: format!("order {i}"),
            scheduled_start: None,
            scheduled_end: Some(created + 2 * DAY),
        };
        let mut doc = AutoCommit::new();
        let id = order::new_order_doc(&mut doc, SUPERVISOR, 480, &input, &template).expect("order");
        backdate_creation(&mut doc, created);
        let t = tech(i);
        let step = |kind, by: &str, at| OrderEvent {
            at,
            ..OrderEvent::new(kind, by)
        };
        let mut events = vec![
            OrderEvent {
                to: vec![t.clone()],
                ..step(EventKind::Dispatched, SUPERVISOR, created + 600_000)
            },
            step(EventKind::Accepted, &t, created + 1_200_000),
            step(EventKind::Travelling, &t, created + 3_600_000),
            step(EventKind::CheckedIn, &t, created + 7_200_000),
        ];
        // The last two weeks' orders are still open.
        let finished = created < now - 14 * DAY;
        if finished {
            events.push(OrderEvent {
                resolution: Some("fixed".into()),
                ..step(EventKind::Completed, &t, created + 10_800_000)
            });
            if i % 40 == 0 {
                events.push(step(EventKind::Reopened, SUPERVISOR, created + DAY));
                events.push(step(EventKind::Accepted, &t, created + DAY + 600_000));
                events.push(step(EventKind::CheckedIn, &t, created + DAY + 3_600_000));
                events.push(OrderEvent {
                    resolution: Some("fixed".into()),
                    ..step(EventKind::Completed, &t, created + DAY + 7_200_000)
                });
            }
        }
        for e in &events {
            order::append_event(&mut doc, e).expect("event");
        }
        if finished {
            order::put_line(
                &mut doc,
                "charges",
                &fieldops_device::model::new_id(),
                &ChargeLine {
                    kind: ChargeKind::ServiceFee,
                    description: "visit".into(),
                    quantity_milli: 1000,
                    unit_price_minor: 50_000 + (i as i64 % 7) * 1000,
                    discount_bp: 0,
                    tax_rate_bp: 600,
                    currency: "CNY".into(),
                    by: t.clone(),
                    at: created + 10_000_000,
                    movement_id: None,
                },
            )
            .expect("charge");
            order::put_line(
                &mut doc,
                "costs",
                &fieldops_device::model::new_id(),
                &CostLine {
                    kind: CostKind::Labour,
                    description: "labour".into(),
                    quantity_milli: 1000,
                    unit_cost_minor: 20_000 + (i as i64 % 5) * 1000,
                    currency: "CNY".into(),
                    by: SUPERVISOR.into(),
                    at: created + 10_000_000,
                    movement_id: None,
                },
            )
            .expect("cost");
        }
        let typed = TypedDoc::parse(DocType::Order, &doc).expect("typed");
        batch.push((DocType::Order, id, doc, typed));
        if batch.len() == 1000 {
            ws.store
                .commit_local_many(std::mem::take(&mut batch))
                .expect("commit");
        }
    }
    ws.store.commit_local_many(batch).expect("commit");
    let made_s = made.elapsed().as_secs_f64();
    let db_mb = std::fs::metadata(dir.path().join("device.sqlite"))
        .map(|m| m.len() as f64 / 1e6)
        .unwrap_or(0.0);

    let runs = |q: &StatsQuery| {
        let (ms, stats) = time(5, || ws.statistics(q).expect("statistics"));
        serde_json::json!({"ms": ms, "completed": stats.kpis.completed.count,
                           "open": stats.kpis.open.count,
                           "technicians": stats.technicians.len()})
    };
    let month = StatsQuery::period(now - 29 * DAY, now + DAY, 480);
    let year = StatsQuery::period(now - 364 * DAY, now + DAY, 480);
    let one_tech = StatsQuery {
        technician: Some(tech(7)),
        ..year.clone()
    };
    let one_model = StatsQuery {
        equipment_model: Some("KX-200".into()),
        ..year.clone()
    };
    let out = serde_json::json!({
        "statistics": {
            "orders": orders, "technicians": TECHNICIANS, "customers": CUSTOMERS,
            "machines": MACHINES, "made_s": made_s, "database_mb": db_mb,
            "dashboard_30_days": runs(&month),
            "year": runs(&year),
            "technician_year": runs(&one_tech),
            "model_year": runs(&one_model),
        }
    });
    println!("{}", serde_json::to_string_pretty(&out).expect("json"));
}
