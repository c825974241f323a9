//! Statistics over a company's history on a supervisor's device. Prints JSON.
//! - `statistics_10k`: the dashboard's one `statistics` call (KPIs, stage times, technicians,
//!   money per month, repeats, trends and repairs by customer and model) for a year, over a
//!   store holding 10,000 completed orders of 200 customers and 50 technicians, each with
//!   dispatch, acceptance, check-in, completion and a charge line.
//!
//! `cargo bench -p fieldops-device --bench statistics` (also part of `make bench`).

mod common;
use common::{SUPERVISOR, supervisor_store, time};

use automerge::AutoCommit;
use fieldops_device::model::DocType;
use fieldops_device::model::order::{
    self, ChargeKind, ChargeLine, EventKind, OrderEvent, OrderInput, OrderType, Priority,
};
use fieldops_device::model::settings::default_template;
use fieldops_device::workspace::StatsQuery;

const ORDERS: usize = 10_000;
const TECHNICIANS: usize = 50;
const CUSTOMERS: usize = 200;
const DAY: i64 = 86_400_000;

fn tech(i: usize) -> String {
    format!("00000000-0000-7000-8000-{:012x}", 0x100 + i % TECHNICIANS)
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = supervisor_store(&dir.path().join("device.sqlite"));
    let customers: Vec<_> = (0..CUSTOMERS)
        .map(|i| {
            ws.create_customer(&fieldops_device::model::customer::CustomerInput {
                name: format!("客户 {i}"),
                phone: String::new(),
                sites: vec![fieldops_device::model::customer::SiteInput {
                    id: None,
                    name: "厂区".into(),
                    address: String::new(),
                    lat: 31.0,
                    lon: 121.0,
                    geofence_m: None,
                }],
            })
            .expect("customer")
        })
        .collect();
    let now = fieldops_device::model::now_ms();
    let year_ago = now - 365 * DAY;
    let template = default_template(OrderType::Repair);
    for i in 0..ORDERS {
        let c = &customers[i % CUSTOMERS];
        let created = year_ago + (i as i64 * 365 * DAY) / ORDERS as i64;
        let input = OrderInput {
            order_type: if i % 3 == 0 {
                OrderType::Maintenance
            } else {
                OrderType::Repair
            },
            priority: Priority::Normal,
            customer_id: c.id.clone(),
            site_id: c.sites[0].id.clone(),
            equipment_ids: vec![],
            project_id: None,
            description: format!("order {i}"),
            scheduled_start: None,
            scheduled_end: None,
        };
        let mut doc = AutoCommit::new();
        let id = order::new_order_doc(&mut doc, SUPERVISOR, 480, &input, &template).expect("order");
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
            step(EventKind::CheckedIn, &t, created + 7_200_000),
        ];
        events.push(OrderEvent {
            resolution: Some("fixed".into()),
            ..step(EventKind::Completed, &t, created + 10_800_000)
        });
        for e in &events {
            order::append_event(&mut doc, e).expect("event");
        }
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
        ws.store
            .commit_local(DocType::Order, &id, &mut doc)
            .expect("commit");
    }
    let q = StatsQuery {
        from: year_ago,
        to: now + DAY,
        technician: None,
        customer_id: None,
        order_type: None,
        project_id: None,
        tz_offset_min: 480,
    };
    let (ms, stats) = time(3, || ws.statistics(&q).expect("statistics"));
    let completed: u32 = stats.trend.iter().map(|b| b.completed.count).sum();
    let out = serde_json::json!({
        "statistics_10k": {"orders": ORDERS, "technicians": TECHNICIANS, "customers": CUSTOMERS,
                           "completed_in_trend": completed, "ms": ms}
    });
    println!("{}", serde_json::to_string_pretty(&out).expect("json"));
}
