//! The server makes the orders of planned visits ahead of time, with the real server binary on
//! SQLite and on PostgreSQL and an injected clock: a monthly plan over a simulated year makes
//! twelve orders, each once, numbered without gaps, under ids derived from (plan, date),
//! dispatched to the plan's technician, whose device receives them; three server instances on
//! one PostgreSQL make each once.

use std::collections::BTreeSet;

use fieldops_device::model::equipment::EquipmentInfo;
use fieldops_device::model::now_ms;
use fieldops_device::model::order::OrderType;
use fieldops_device::model::plan::{PeriodUnit, Plan, PlanAnchor, PlanKind, occurrence_order_id};
use fieldops_device::store::OrderFilter;
use fieldops_device::workspace::OrderSummary;
use fieldops_scenarios::*;

const DAY_MS: i64 = 86_400_000;

struct Company {
    db: TestDb,
    _server: Server,
    admin: Device,
    sup: Device,
    tech: Device,
}

async fn company(backend: Backend) -> Company {
    let db = TestDb::new(backend).await;
    db.add_user(T, "admin", "admin");
    db.add_user(T, "sup", "supervisor");
    db.add_user(T, "tech.a", "technician");
    let server = Server::start_with(&db, &TEST_CLOCK);
    let admin = Device::signed_in(&server, T, "admin").await;
    let sup = Device::signed_in(&server, T, "sup").await;
    let tech = Device::signed_in(&server, T, "tech.a").await;
    for d in [&admin, &sup, &tech] {
        d.sync().await;
    }
    Company {
        db,
        _server: server,
        admin,
        sup,
        tech,
    }
}

/// A machine with a monthly plan whose first visit is in three days, made five days ahead,
/// for the technician; the machine's and the plan's ids.
async fn monthly_plan(c: &Company) -> (String, String) {
    let ids = {
        let mut ws = c.sup.ws();
        let today = ws.company_today();
        let cust = ws.create_customer(&customer("杭州湾石化")).unwrap();
        let machine = ws.create_equipment(&equipment(&cust, "1号压缩机")).unwrap();
        let plans = ws
            .save_plan(&machine.id, None, &monthly(today, c.tech.user_id()))
            .unwrap();
        (machine.id.clone(), plans[0].id.clone())
    };
    assert!(c.sup.sync().await.rejected.is_empty());
    ids
}

fn monthly(today: chrono::NaiveDate, technician: String) -> Plan {
    Plan {
        name: "月度保养 Monthly service".into(),
        kind: PlanKind::Maintenance,
        every: 1,
        unit: PeriodUnit::Months,
        start: (today + chrono::Days::new(3)).to_string(),
        end: None,
        anchor: PlanAnchor::Planned,
        order_type: OrderType::Maintenance,
        duration_min: 90,
        technician_id: Some(technician),
        days_ahead: 5,
        rule: None,
    }
}

fn orders_of(d: &Device) -> Vec<OrderSummary> {
    d.ws().list_orders(&OrderFilter::default()).unwrap()
}

/// The day an order's visit is planned for: it starts at 09:00 that day, company time.
fn visit_day(o: &OrderSummary) -> chrono::NaiveDate {
    let start = chrono::DateTime::from_timestamp_millis(o.scheduled_start.unwrap())
        .unwrap()
        .with_timezone(&chrono_tz::Asia::Shanghai);
    assert_eq!(start.format("%H:%M").to_string(), "09:00");
    start.date_naive()
}

/// Each order is the plan's, under the id derived from its visit day, once per day.
fn check_orders(
    orders: &[OrderSummary],
    machine_id: &str,
    plan_id: &str,
) -> BTreeSet<chrono::NaiveDate> {
    let mut days = BTreeSet::new();
    for o in orders {
        let day = visit_day(o);
        assert_eq!(o.id, occurrence_order_id(machine_id, plan_id, day));
        assert!(days.insert(day), "two orders for {day}");
    }
    days
}

/// Every fifth day of a year, as the server's periodic check would (its window is five days).
async fn a_year_of_checks(admin: &Device, now: i64) {
    for day in (0..=360).step_by(5) {
        scan_at(admin, now + day * DAY_MS).await;
    }
}

async fn a_monthly_plan_makes_twelve_orders_over_a_year_once_each(backend: Backend) {
    let c = company(backend).await;
    let (machine_id, plan_id) = monthly_plan(&c).await;
    let now = now_ms();
    a_year_of_checks(&c.admin, now).await;
    // The same checks again make nothing new.
    a_year_of_checks(&c.admin, now).await;

    c.sup.sync().await;
    let orders = orders_of(&c.sup);
    assert_eq!(orders.len(), 12, "{orders:#?}");
    let days = check_orders(&orders, &machine_id, &plan_id);
    assert_eq!(days.len(), 12);
    let mut numbers: Vec<String> = orders.iter().map(|o| o.number.clone().unwrap()).collect();
    numbers.sort();
    let month = numbers[0][..10].to_string();
    let expected: Vec<String> = (1..=12).map(|n| format!("{month}{n:04}")).collect();
    assert_eq!(numbers, expected, "gapless numbers");
    for o in &orders {
        assert_eq!(o.status, "dispatched");
        assert_eq!(o.assignees, vec![c.tech.user_id()]);
    }
    // The technician's device, which never saw the plan, receives its orders.
    c.tech.sync().await;
    assert_eq!(orders_of(&c.tech).len(), 12);
}

/// A project's plan visits each of its machines: one order per machine and date.
async fn a_project_plan_makes_each_machines_orders(backend: Backend) {
    let c = company(backend).await;
    let (project_id, machines) = {
        let mut ws = c.sup.ws();
        let today = ws.company_today();
        let cust = ws.create_customer(&customer("舟山港务")).unwrap();
        let project = ws
            .create_project(&fieldops_device::model::project::ProjectInfo {
                name: "码头设备维保 Pier upkeep".into(),
                code: "PRJ-7".into(),
                customer_id: cust.id.clone(),
                status: fieldops_device::model::project::ProjectStatus::Active,
                start_on: None,
                end_on: None,
                budget_minor: None,
                currency: "CNY".into(),
                description: String::new(),
            })
            .unwrap();
        let machines: Vec<String> = ["1号吊机", "2号吊机"]
            .iter()
            .map(|name| {
                ws.create_equipment(&EquipmentInfo {
                    project_id: Some(project.id.clone()),
                    ..equipment(&cust, name)
                })
                .unwrap()
                .id
            })
            .collect();
        let plans = ws
            .save_project_plan(&project.id, None, &monthly(today, c.tech.user_id()))
            .unwrap();
        assert_eq!(plans[0].project_id.as_deref(), Some(project.id.as_str()));
        // Each machine shows the project's plan with its visit due.
        let on_machine = ws.equipment_plans(&machines[0]).unwrap();
        assert_eq!(
            on_machine[0].project_id.as_deref(),
            Some(project.id.as_str())
        );
        assert!(on_machine[0].next_due.is_some());
        (project.id, machines)
    };
    assert!(c.sup.sync().await.rejected.is_empty());
    let plan_id = c.sup.ws().project_plans(&project_id).unwrap()[0].id.clone();
    let now = now_ms();
    for day in (0..=40).step_by(5) {
        scan_at(&c.admin, now + day * DAY_MS).await;
    }
    c.sup.sync().await;
    let orders = orders_of(&c.sup);
    for m in &machines {
        let mine: Vec<&OrderSummary> = orders
            .iter()
            .filter(|o| o.id == occurrence_order_id(m, &plan_id, visit_day(o)))
            .collect();
        // Two visits within the first 45 days of a monthly plan starting in three.
        assert_eq!(mine.len(), 2, "machine {m}: {orders:#?}");
    }
    assert_eq!(orders.len(), 4);
}

on_both!(
    a_monthly_plan_makes_twelve_orders_over_a_year_once_each,
    a_project_plan_makes_each_machines_orders,
);

/// Three instances on one PostgreSQL checking at the same moments make each order once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_instances_on_one_postgresql_make_each_planned_order_once() {
    let c = company(Backend::Postgres).await;
    let (machine_id, plan_id) = monthly_plan(&c).await;
    let second = Server::start_with(&c.db, &TEST_CLOCK);
    let third = Server::start_with(&c.db, &TEST_CLOCK);
    let admin_two = Device::signed_in(&second, T, "admin").await;
    let admin_three = Device::signed_in(&third, T, "admin").await;
    let now = now_ms();
    tokio::join!(
        a_year_of_checks(&c.admin, now),
        a_year_of_checks(&admin_two, now),
        a_year_of_checks(&admin_three, now)
    );
    c.sup.sync().await;
    let orders = orders_of(&c.sup);
    assert_eq!(orders.len(), 12);
    check_orders(&orders, &machine_id, &plan_id);
    let mut numbers: BTreeSet<String> = BTreeSet::new();
    for o in &orders {
        assert!(numbers.insert(o.number.clone().unwrap()));
    }
}
