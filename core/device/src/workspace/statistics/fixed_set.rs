//! The figures of a small fixed history, worked out by hand: a repair with travel and a
//! rating, a repeat repair on the same machine that is reopened and paid in another currency,
//! an installation that runs past midnight at a loss, a repair declined by one technician and
//! taken by another, and an order of the period before. Then a property: whatever happens, the
//! technicians' figures add up to the company's.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::*;
use crate::model::order::{
    ChargeKind, ChargeLine, CostKind, CostLine, OrderEvent, OrderHeader, Priority,
};

const H: i64 = 3_600_000;
const MIN: i64 = 60_000;
const LI: &str = "li";
const WANG: &str = "wang";
const SUP: &str = "sup";

/// Monday 2026-11-02, 00:00 in UTC+8.
fn monday() -> i64 {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 2)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp_millis()
        - 8 * H
}

/// `day` days after the Monday (negative: before), at `hh:mm` local time.
fn at(day: i64, hh: i64, mm: i64) -> i64 {
    monday() + day * DAY_MS + hh * H + mm * MIN
}

fn ev(kind: EventKind, at: i64, by: &str) -> OrderEvent {
    OrderEvent {
        id: format!("{kind:?}-{at}-{by}"),
        kind,
        at,
        by: by.into(),
        ..Default::default()
    }
}

fn dispatch(at: i64, to: &str) -> OrderEvent {
    OrderEvent {
        to: vec![to.into()],
        ..ev(EventKind::Dispatched, at, SUP)
    }
}

struct Order {
    id: &'static str,
    order_type: OrderType,
    customer: &'static str,
    machines: Vec<&'static str>,
    events: Vec<OrderEvent>,
    /// (currency, net charge, cost), minor units.
    money: Option<(&'static str, i64, i64)>,
    scheduled_end: Option<i64>,
}

impl Order {
    fn facts(self) -> Facts {
        let mut charges = BTreeMap::new();
        let mut costs = BTreeMap::new();
        if let Some((currency, charge, cost)) = self.money {
            charges.insert(
                "charge".to_string(),
                ChargeLine {
                    kind: ChargeKind::ServiceFee,
                    description: "service".into(),
                    quantity_milli: 1000,
                    unit_price_minor: charge,
                    discount_bp: 0,
                    tax_rate_bp: 0,
                    currency: currency.into(),
                    by: SUP.into(),
                    at: 0,
                    movement_id: None,
                },
            );
            if cost > 0 {
                costs.insert(
                    "cost".to_string(),
                    CostLine {
                        kind: CostKind::Labour,
                        description: "labour".into(),
                        quantity_milli: 1000,
                        unit_cost_minor: cost,
                        currency: currency.into(),
                        by: SUP.into(),
                        at: 0,
                        movement_id: None,
                    },
                );
            }
        }
        let doc = OrderDoc {
            doc_type: "order".into(),
            id: self.id.into(),
            number: None,
            header: OrderHeader {
                order_type: self.order_type,
                priority: Priority::Normal,
                customer_id: self.customer.into(),
                site_id: "site".into(),
                equipment_ids: self.machines.iter().map(|m| m.to_string()).collect(),
                project_id: None,
                description: self.id.into(),
                scheduled_start: None,
                scheduled_end: self.scheduled_end,
                signature_required: None,
                rating_asked: None,
                plan_visit: None,
                request: None,
            },
            events: self.events,
            checklist: BTreeMap::new(),
            charges,
            costs,
            received: BTreeMap::new(),
            signature: None,
            photos: BTreeMap::new(),
        };
        Facts::of(&doc, &doc.state())
    }
}

fn names() -> Names {
    let map = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    Names {
        teams: HashMap::from([("east".to_string(), BTreeSet::from([WANG.to_string()]))]),
        customers: map(&[("c1", "甲公司"), ("c2", "乙公司")]),
        regions: map(&[("c1", "华东"), ("c2", "华南")]),
        projects: HashMap::new(),
        models: map(&[("m1", "KX-200"), ("m2", "KX-200"), ("m3", "VMC-850")]),
        machines: map(&[("m1", "1号机 · SN1"), ("m2", "2号机"), ("m3", "3号机")]),
        faults: HashMap::new(),
    }
}

fn history() -> Vec<Facts> {
    use EventKind::*;
    let rated = OrderEvent {
        stars: Some(5),
        ..ev(Rated, at(1, 12, 40), LI)
    };
    vec![
        // O1: repair on machine 1; travel 1 h, on site 2 h, rated 5.
        Order {
            id: "O1",
            order_type: OrderType::Repair,
            customer: "c1",
            machines: vec!["m1"],
            events: vec![
                ev(Created, at(1, 8, 0), SUP),
                dispatch(at(1, 8, 10), LI),
                ev(Accepted, at(1, 8, 20), LI),
                ev(Travelling, at(1, 9, 0), LI),
                ev(CheckedIn, at(1, 10, 0), LI),
                ev(CheckedOut, at(1, 12, 0), LI),
                ev(Completed, at(1, 12, 30), LI),
                rated,
            ],
            money: Some(("CNY", 100_000, 30_000)),
            scheduled_end: None,
        },
        // O2: the same machine again a week later (a repeat repair), reopened the next
        // morning and finished again; paid in dollars, no costs.
        Order {
            id: "O2",
            order_type: OrderType::Repair,
            customer: "c1",
            machines: vec!["m1"],
            events: vec![
                ev(Created, at(8, 9, 0), SUP),
                dispatch(at(8, 9, 5), WANG),
                ev(Accepted, at(8, 9, 20), WANG),
                ev(CheckedIn, at(8, 11, 0), WANG),
                ev(Completed, at(8, 13, 0), WANG),
                ev(Reopened, at(9, 9, 0), SUP),
                ev(Accepted, at(9, 10, 0), WANG),
                ev(CheckedIn, at(9, 11, 0), WANG),
                ev(Completed, at(9, 12, 0), WANG),
            ],
            money: Some(("USD", 20_000, 0)),
            scheduled_end: None,
        },
        // O3: an installation from 23:00 to 01:30 the next day, sold below cost.
        Order {
            id: "O3",
            order_type: OrderType::Installation,
            customer: "c2",
            machines: vec!["m3"],
            events: vec![
                ev(Created, at(2, 20, 0), SUP),
                dispatch(at(2, 20, 10), LI),
                ev(Accepted, at(2, 20, 15), LI),
                ev(CheckedIn, at(2, 23, 0), LI),
                ev(Completed, at(3, 1, 30), LI),
            ],
            money: Some(("CNY", 50_000, 60_000)),
            scheduled_end: None,
        },
        // O4: declined by Li, taken by Wang, still open and past its end.
        Order {
            id: "O4",
            order_type: OrderType::Repair,
            customer: "c2",
            machines: vec!["m2"],
            events: vec![
                ev(Created, at(4, 8, 30), SUP),
                dispatch(at(4, 9, 0), LI),
                ev(Rejected, at(4, 9, 30), LI),
                dispatch(at(4, 10, 0), WANG),
                ev(Accepted, at(4, 10, 10), WANG),
            ],
            money: None,
            scheduled_end: Some(at(6, 0, 0)),
        },
        // O5: the week before the period.
        Order {
            id: "O5",
            order_type: OrderType::Repair,
            customer: "c1",
            machines: vec!["m3"],
            events: vec![
                ev(Created, at(-5, 10, 0), SUP),
                dispatch(at(-5, 10, 5), LI),
                ev(Accepted, at(-5, 10, 10), LI),
                ev(CheckedIn, at(-5, 11, 0), LI),
                ev(Completed, at(-5, 12, 0), LI),
            ],
            money: Some(("CNY", 10_000, 0)),
            scheduled_end: None,
        },
    ]
    .into_iter()
    .map(Order::facts)
    .collect()
}

fn two_weeks() -> StatsQuery {
    StatsQuery::period(at(0, 0, 0), at(14, 0, 0), 480)
}

fn ids(d: &Drill) -> Vec<&str> {
    let mut v: Vec<&str> = d.orders.iter().map(String::as_str).collect();
    v.sort();
    v
}

fn run(q: &StatsQuery) -> Statistics {
    compute(
        &history(),
        q,
        &ResponseTargets::default(),
        &names(),
        at(14, 0, 0),
    )
}

#[test]
fn the_company_figures_of_two_weeks() {
    let s = run(&two_weeks());
    let k = &s.kpis;
    assert_eq!(ids(&k.open), ["O4"]);
    assert_eq!(ids(&k.overdue), ["O4"]);
    assert_eq!(ids(&k.completed), ["O1", "O2", "O3"]);
    assert_eq!(ids(&k.reopened), ["O2"]);
    // Repairs on a machine: O1 (followed by O2 within 30 days) and O2 (not followed).
    assert_eq!(k.first_time_fix_bp, Some(5_000));
    assert_eq!(ids(&k.first_time_fix_orders), ["O1", "O2"]);
    // Creation to arrival: 2 h, 2 h, 3 h.
    assert_eq!(k.median_response_ms, Some(2 * H));
    assert_eq!(ids(&k.arrived), ["O1", "O2", "O3"]);
    assert_eq!(ids(&k.with_money), ["O1", "O2", "O3"]);
    assert_eq!(
        k.gross_profit,
        [
            CurrencyAmount {
                currency: "CNY".into(),
                minor: 70_000 - 10_000
            },
            CurrencyAmount {
                currency: "USD".into(),
                minor: 20_000
            }
        ]
    );
    assert_eq!(ids(&s.previous.completed), ["O5"]);
    assert_eq!(ids(&s.repeat_repairs_30d), ["O2"]);
    assert_eq!(ids(&s.repeat_repairs_90d), ["O2"]);

    let stage = |st: Stage| s.stages.iter().find(|t| t.stage == st).unwrap();
    // Dispatch after 10, 5, 10 and 30 minutes.
    let d = stage(Stage::Dispatched);
    assert_eq!(
        (d.count, d.median_ms, d.p90_ms),
        (4, Some(10 * MIN), Some(30 * MIN))
    );
    // Completion 4.5 h, 27 h (reopened) and 5.5 h after creation.
    let c = stage(Stage::Completed);
    assert_eq!(
        (c.count, c.median_ms, c.p90_ms),
        (3, Some(5 * H + 30 * MIN), Some(27 * H))
    );

    // Weekly buckets from Monday: three created and two completed (one past midnight) in
    // the first week, one of each in the second; the week before holds O5.
    let counts = |b: &[Bucket]| {
        b.iter()
            .map(|b| (b.starts.clone(), b.created.count, b.completed.count))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        counts(&s.trend),
        [("2026-11-02".into(), 3, 2), ("2026-11-09".into(), 1, 1)]
    );
    assert_eq!(
        counts(&s.previous_trend),
        [("2026-10-19".into(), 0, 0), ("2026-10-26".into(), 1, 1)]
    );
    // Week by week: O1 (not fixed the first time) and O3 (an installation) completed in the
    // first week, arriving after 2 h and 3 h; O2 (fixed) in the second, arriving after 2 h.
    let (first, second) = (&s.trend[0], &s.trend[1]);
    assert_eq!(
        (first.first_time_fix_bp, first.median_response_ms),
        (Some(0), Some(2 * H))
    );
    assert_eq!(
        first.gross_profit,
        [CurrencyAmount {
            currency: "CNY".into(),
            minor: 60_000
        }]
    );
    assert_eq!(
        (second.first_time_fix_bp, second.median_response_ms),
        (Some(10_000), Some(2 * H))
    );
    assert_eq!(
        second.gross_profit,
        [CurrencyAmount {
            currency: "USD".into(),
            minor: 20_000
        }]
    );

    let named = |v: &[NamedCount]| {
        v.iter()
            .map(|n| (n.label.clone(), n.orders.count))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        named(&s.repairs_by_customer),
        [("甲公司".into(), 2), ("乙公司".into(), 1)]
    );
    assert_eq!(named(&s.repairs_by_model), [("KX-200".into(), 3)]);
    assert_eq!(
        named(&s.repairs_by_machine),
        [("1号机 · SN1".into(), 2), ("2号机".into(), 1)]
    );
    assert_eq!(s.equipment_models, ["KX-200", "VMC-850"]);
    assert_eq!(s.regions, ["华东", "华南"]);
}

#[test]
fn each_technicians_workload() {
    let s = run(&two_weeks());
    let li = s.technicians.iter().find(|t| t.user_id == LI).unwrap();
    assert_eq!(
        (ids(&li.received), ids(&li.accepted), ids(&li.declined)),
        (vec!["O1", "O3", "O4"], vec!["O1", "O3"], vec!["O4"])
    );
    assert_eq!(ids(&li.completed), ["O1", "O3"]);
    assert_eq!((li.customers_served, li.machines_serviced), (2, 2));
    // On site 2 h (O1) + 2.5 h across midnight (O3); travelling 1 h.
    assert_eq!(li.on_site_ms, 4 * H + 30 * MIN);
    assert_eq!(li.travel_ms, H);
    assert_eq!(li.average_rating_centi, Some(500));
    assert_eq!(li.first_time_fix_bp, Some(0));
    assert_eq!(li.reopened.count, 0);

    let wang = s.technicians.iter().find(|t| t.user_id == WANG).unwrap();
    assert_eq!(
        (
            ids(&wang.received),
            ids(&wang.accepted),
            ids(&wang.declined)
        ),
        (vec!["O2", "O4"], vec!["O2", "O4"], vec![])
    );
    assert_eq!(ids(&wang.completed), ["O2"]);
    // Both visits to O2: 2 h and 1 h.
    assert_eq!(wang.on_site_ms, 3 * H);
    assert_eq!(wang.travel_ms, 0);
    assert_eq!(wang.first_time_fix_bp, Some(10_000));
    assert_eq!(ids(&wang.reopened), ["O2"]);
    // The busier technician first.
    assert_eq!(s.technicians[0].user_id, LI);
}

#[test]
fn money_per_currency_by_month_customer_type_and_technician() {
    let s = run(&two_weeks());
    let rows = |by: MoneyBy| {
        s.money
            .iter()
            .filter(|m| m.by == by)
            .map(|m| {
                (
                    m.label.clone(),
                    m.currency.clone(),
                    m.charges_net,
                    m.costs,
                    m.gross_profit,
                    m.margin_bp,
                )
            })
            .collect::<Vec<_>>()
    };
    let row = |l: &str, c: &str, ch, co, p, m| (l.to_string(), c.to_string(), ch, co, p, m);
    assert_eq!(
        rows(MoneyBy::Month),
        [
            row("2026-11", "CNY", 150_000, 90_000, 60_000, Some(4_000)),
            row("2026-11", "USD", 20_000, 0, 20_000, Some(10_000)),
        ]
    );
    assert_eq!(
        rows(MoneyBy::Customer),
        [
            row("甲公司", "CNY", 100_000, 30_000, 70_000, Some(7_000)),
            row("乙公司", "CNY", 50_000, 60_000, -10_000, Some(-2_000)),
            row("甲公司", "USD", 20_000, 0, 20_000, Some(10_000)),
        ]
    );
    assert_eq!(
        rows(MoneyBy::OrderType),
        [
            row("repair", "CNY", 100_000, 30_000, 70_000, Some(7_000)),
            row("installation", "CNY", 50_000, 60_000, -10_000, Some(-2_000)),
            row("repair", "USD", 20_000, 0, 20_000, Some(10_000)),
        ]
    );
    assert_eq!(
        rows(MoneyBy::Technician),
        [
            row(LI, "CNY", 150_000, 90_000, 60_000, Some(4_000)),
            row(WANG, "USD", 20_000, 0, 20_000, Some(10_000)),
        ]
    );
    assert_eq!(
        rows(MoneyBy::Project),
        [
            row("", "CNY", 150_000, 90_000, 60_000, Some(4_000)),
            row("", "USD", 20_000, 0, 20_000, Some(10_000)),
        ]
    );
}

#[test]
fn filters_by_model_technician_team_and_region() {
    let vmc = StatsQuery {
        equipment_model: Some("VMC-850".into()),
        ..two_weeks()
    };
    let s = run(&vmc);
    assert_eq!(ids(&s.kpis.completed), ["O3"]);
    assert_eq!(ids(&s.previous.completed), ["O5"]);
    let wang = StatsQuery {
        technician: Some(WANG.into()),
        ..two_weeks()
    };
    let s = run(&wang);
    assert_eq!(ids(&s.kpis.completed), ["O2"]);
    assert_eq!(ids(&s.kpis.open), ["O4"]);
    assert_eq!(s.technicians.len(), 1);
    // Wang's team: the orders any member worked on, and only its members' workload (Li
    // declined O4 before Wang took it: Li is not listed).
    let east = StatsQuery {
        team: Some("east".into()),
        ..two_weeks()
    };
    let s = run(&east);
    assert_eq!(ids(&s.kpis.completed), ["O2"]);
    assert_eq!(ids(&s.kpis.open), ["O4"]);
    let listed: Vec<&str> = s.technicians.iter().map(|t| t.user_id.as_str()).collect();
    assert_eq!(listed, [WANG]);
    // The south: 乙公司's orders only.
    let south = StatsQuery {
        region: Some("华南".into()),
        ..two_weeks()
    };
    let s = run(&south);
    assert_eq!(ids(&s.kpis.completed), ["O3"]);
    assert_eq!(ids(&s.kpis.open), ["O4"]);
    let nobody = StatsQuery {
        team: Some("no such team".into()),
        ..two_weeks()
    };
    assert_eq!(run(&nobody).kpis.open.count, 0);
}

/// One random order: its technician, customer, after how many hours it was finished (if it
/// was), and its money (in dollars or not, charge, cost).
type RandomOrder = (usize, usize, Option<i64>, Option<(bool, i64, i64)>);

fn random_order() -> impl Strategy<Value = RandomOrder> {
    (
        0..3usize,
        0..2usize,
        proptest::option::of(0..20 * 24i64),
        proptest::option::of((any::<bool>(), 1..1_000_000i64, 0..1_000_000i64)),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn the_technicians_figures_add_up_to_the_companys(
        orders in proptest::collection::vec(random_order(), 0..24)
    ) {
        let techs = ["t0", "t1", "t2"];
        let facts: Vec<Facts> = orders
            .iter()
            .enumerate()
            .map(|(i, (tech, customer, done_hours, money))| {
                let id: &'static str = Box::leak(format!("P{i}").into_boxed_str());
                let start = at(-3, 8, 0) + i as i64 * 7 * MIN;
                let mut events = vec![
                    ev(EventKind::Created, start, SUP),
                    dispatch(start + MIN, techs[*tech]),
                    ev(EventKind::Accepted, start + 2 * MIN, techs[*tech]),
                ];
                if let Some(h) = done_hours {
                    events.push(ev(EventKind::CheckedIn, start + 3 * MIN, techs[*tech]));
                    events.push(ev(EventKind::Completed, start + 4 * MIN + h * H, techs[*tech]));
                }
                Order {
                    id,
                    order_type: OrderType::Repair,
                    customer: ["c1", "c2"][*customer],
                    machines: vec![],
                    events,
                    money: money.map(|(usd, charge, cost)| {
                        (if usd { "USD" } else { "CNY" }, charge, cost)
                    }),
                    scheduled_end: None,
                }
                .facts()
            })
            .collect();
        let q = two_weeks();
        let s = compute(&facts, &q, &ResponseTargets::default(), &names(), at(14, 0, 0));
        let completed: u32 = s.technicians.iter().map(|t| t.completed.count).sum();
        prop_assert_eq!(completed, s.kpis.completed.count);
        let on_site: i64 = s.technicians.iter().map(|t| t.on_site_ms).sum();
        let company_on_site: i64 = facts
            .iter()
            .filter(|f| within(f.completed_at, q.from, q.to))
            .map(|f| f.on_site_ms)
            .sum();
        prop_assert_eq!(on_site, company_on_site);
        // Every grouping of money holds the same totals per currency, equal to the profit tile.
        let profit_tile: BTreeMap<String, i64> = s
            .kpis
            .gross_profit
            .iter()
            .map(|a| (a.currency.clone(), a.minor))
            .collect();
        for by in [
            MoneyBy::Month,
            MoneyBy::Customer,
            MoneyBy::Project,
            MoneyBy::OrderType,
            MoneyBy::Technician,
        ] {
            let mut sums: BTreeMap<String, (i64, i64, i64)> = BTreeMap::new();
            for m in s.money.iter().filter(|m| m.by == by) {
                let e = sums.entry(m.currency.clone()).or_default();
                e.0 += m.charges_net;
                e.1 += m.costs;
                e.2 += m.gross_profit;
            }
            let profits: BTreeMap<String, i64> =
                sums.iter().map(|(c, v)| (c.clone(), v.2)).collect();
            prop_assert_eq!(&profits, &profit_tile, "{:?}", by);
            for (charges, costs, profit) in sums.values() {
                prop_assert_eq!(charges - costs, *profit);
            }
        }
    }
}
