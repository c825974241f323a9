use super::*;
use crate::store::RecordFilter;

/// A completed order with the given description and resolution, as seen by the supervisor.
fn completed(sup: &mut Workspace, customer: &str, description: &str, resolution: &str) -> String {
    let c = sup.create_customer(&customer_input(customer)).unwrap();
    let mut input = order_input(&c.id, &c.sites[0].id, description);
    input.order_type = crate::model::order::OrderType::Maintenance;
    let id = sup.create_order(&input).unwrap().summary.id;
    sup.dispatch_order(&id, &[TECH_A.to_string()], false)
        .unwrap();
    let mut tech = workspace(TECH_A, Role::Technician);
    exchange(sup, &mut tech);
    tech.accept_order(&id).unwrap();
    tech.check_in(&id, None).unwrap();
    tick_required(&mut tech, &id);
    tech.complete_order(&id, resolution).unwrap();
    exchange(&tech, sup);
    id
}

#[test]
fn completed_orders_are_archived_and_searchable_in_chinese() {
    let mut sup = workspace(SUPERVISOR, Role::Supervisor);
    let a = completed(
        &mut sup,
        "上海华东医疗设备有限公司",
        "年度保养：更换过滤器",
        "更换了压缩机阀门",
    );
    let b = completed(
        &mut sup,
        "Nordic Lab Instruments AB",
        "Semi-annual maintenance",
        "Calibrated spectrometer",
    );
    let find = |sup: &Workspace, text: &str| {
        sup.list_records(&RecordFilter {
            text: Some(text.into()),
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .map(|r| r.order_id)
        .collect::<Vec<_>>()
    };
    assert_eq!(
        find(&sup, "压缩机"),
        vec![a.clone()],
        "trigram match inside Chinese text"
    );
    assert_eq!(
        find(&sup, "保养"),
        vec![a.clone()],
        "two-character words fall back to LIKE"
    );
    assert_eq!(
        find(&sup, "华东医疗"),
        vec![a.clone()],
        "customer names are searched"
    );
    assert_eq!(find(&sup, "spectrometer"), vec![b.clone()]);
    assert!(find(&sup, "no such thing").is_empty());
    let all = sup.list_records(&RecordFilter::default()).unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].technicians, vec![TECH_A.to_string()]);
    let by_tech = sup
        .list_records(&RecordFilter {
            technician: Some(TECH_B.into()),
            ..Default::default()
        })
        .unwrap();
    assert!(by_tech.is_empty());
    let customer = sup.get_order(&a).unwrap().summary.customer_id;
    let history = sup
        .list_records(&RecordFilter {
            customer_id: Some(customer),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        history
            .iter()
            .map(|r| r.order_id.clone())
            .collect::<Vec<_>>(),
        vec![a.clone()]
    );
    let future = sup
        .list_records(&RecordFilter {
            from: Some(crate::model::now_ms() + 60_000),
            ..Default::default()
        })
        .unwrap();
    assert!(future.is_empty());
    // A reopened order leaves the archive; projections still rebuild to the same rows.
    sup.reopen_order(&a, "customer reports the noise is back")
        .unwrap();
    assert_eq!(find(&sup, "压缩机"), Vec::<String>::new());
    let before = sup.store.projection_dump().unwrap();
    sup.store.rebuild_projections().unwrap();
    assert_eq!(sup.store.projection_dump().unwrap(), before);
}

#[test]
fn the_settlement_list_asks_for_several_statuses() {
    let mut sup = workspace(SUPERVISOR, Role::Supervisor);
    let a = completed(&mut sup, "Settled Co", "one", "done");
    completed(&mut sup, "Completed Co", "two", "done");
    sup.settle_order(&a, true).unwrap();
    let list = sup
        .list_orders(&OrderFilter {
            statuses: Some(vec!["completed".into(), "settled".into()]),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(list.len(), 2);
    let open = sup
        .list_orders(&OrderFilter {
            statuses: Some(vec!["new".into()]),
            ..Default::default()
        })
        .unwrap();
    assert!(open.is_empty());
}

#[test]
fn the_settlement_gives_each_margin_and_totals_per_currency() {
    use crate::model::order::{ChargeKind, CostKind};
    use crate::workspace::{ChargeInput, CostInput};
    let mut sup = workspace(SUPERVISOR, Role::Supervisor);
    let charge = |currency: &str, unit: i64| ChargeInput {
        kind: ChargeKind::ServiceFee,
        description: "service".into(),
        quantity_milli: 1000,
        unit_price_minor: unit,
        discount_bp: 0,
        tax_rate_bp: 600,
        currency: currency.into(),
    };
    let yuan = completed(&mut sup, "Yuan Co", "one", "done");
    let yuan2 = completed(&mut sup, "Yuan Two", "two", "done");
    let dollar = completed(&mut sup, "Dollar Co", "three", "done");
    let free = completed(&mut sup, "Free Co", "four", "done");
    sup.put_charge(&yuan, None, &charge("CNY", 30_000)).unwrap();
    sup.put_cost(
        &yuan,
        None,
        &CostInput {
            kind: CostKind::Travel,
            description: "taxi".into(),
            quantity_milli: 1000,
            unit_cost_minor: 10_001,
            currency: "CNY".into(),
        },
    )
    .unwrap();
    sup.put_charge(&yuan2, None, &charge("CNY", 10_000))
        .unwrap();
    sup.put_charge(&dollar, None, &charge("USD", 5_000))
        .unwrap();
    let s = sup.settlement().unwrap();
    let margin = |id: &str| s.rows.iter().find(|r| r.order.id == id).unwrap().margin_bp;
    // (300.00 − 100.01) / 300.00 = 66.663 % → 6666 bp; tax is not income.
    assert_eq!(margin(&yuan), Some(6666));
    assert_eq!(margin(&dollar), Some(10_000));
    assert_eq!(margin(&free), None, "no charges, no margin");
    let mut totals: Vec<(&str, i64, i64, i64, i64)> = s
        .totals
        .iter()
        .map(|t| {
            (
                t.currency.as_str(),
                t.orders,
                t.charges_net,
                t.costs_total,
                t.gross_profit,
            )
        })
        .collect();
    totals.sort();
    // Yuan and dollars never add up; the order without money counts in neither.
    assert_eq!(
        totals,
        vec![
            ("CNY", 2, 40_000, 10_001, 29_999),
            ("USD", 1, 5_000, 0, 5_000)
        ]
    );
}
