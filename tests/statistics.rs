//! Statistics on two managers' devices: each computes the figures from its own synced store,
//! offline, and after sync both show the same numbers, down to the orders behind each one.

use fieldops_device::model::order::ChargeKind;
use fieldops_device::workspace::{ChargeInput, MoneyBy, StatsQuery};
use fieldops_scenarios::*;

const DAY_MS: i64 = 24 * 3600 * 1000;

fn charge(unit_price_minor: i64, currency: &str) -> ChargeInput {
    ChargeInput {
        kind: ChargeKind::ServiceFee,
        description: "上门服务".into(),
        quantity_milli: 1000,
        unit_price_minor,
        discount_bp: 0,
        tax_rate_bp: 0,
        currency: currency.into(),
    }
}

async fn two_managers_see_the_same_figures_after_sync(backend: Backend) {
    let w = world(backend).await;
    w.db.add_user(T, "boss", "admin");
    let admin = Device::signed_in(&w.server, T, "boss").await;
    let (done, open, paid_in_dollars) = {
        let mut ws = w.sup.ws();
        let c = ws.create_customer(&customer("华北电力设备公司")).unwrap();
        let machine = ws.create_equipment(&equipment(&c, "1号冷水机")).unwrap().id;
        let on_machine = |text: &str| fieldops_device::model::order::OrderInput {
            equipment_ids: vec![machine.clone()],
            ..order(&c, text)
        };
        let mut ids = Vec::new();
        for text in ["压缩机异响", "冷却塔漏水", "控制柜报警"] {
            let id = ws.create_order(&on_machine(text)).unwrap().summary.id;
            ids.push(id);
        }
        ws.dispatch_order(&ids[0], &[w.tech_a.user_id()], false)
            .unwrap();
        ws.dispatch_order(&ids[1], &[w.tech_b.user_id()], false)
            .unwrap();
        ws.dispatch_order(&ids[2], &[w.tech_b.user_id()], false)
            .unwrap();
        (ids[0].clone(), ids[1].clone(), ids[2].clone())
    };
    w.sup.sync().await;
    // Each technician works offline and syncs: one repair in yuan, one in dollars.
    for (tech, id, price, currency) in [
        (&w.tech_a, &done, 80_000, "CNY"),
        (&w.tech_b, &paid_in_dollars, 12_000, "USD"),
    ] {
        tech.sync().await;
        {
            let mut ws = tech.ws();
            ws.accept_order(id).unwrap();
            ws.check_in(id, None).unwrap();
            tick_required(&mut ws, id);
            ws.put_charge(id, None, &charge(price, currency)).unwrap();
            ws.complete_order(id, "修好了").unwrap();
        }
        let r = tech.sync().await;
        assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    }
    w.tech_b.sync().await;
    w.tech_b.ws().accept_order(&open).unwrap();
    w.tech_b.sync().await;
    w.sup.sync().await;
    admin.sync().await;

    let now = fieldops_device::model::now_ms();
    let q = StatsQuery::period(now - 7 * DAY_MS, now + DAY_MS, 480);
    let on_desk = w.sup.ws().statistics(&q).unwrap();
    let on_admins = admin.ws().statistics(&q).unwrap();
    assert_eq!(on_desk, on_admins);
    // And the figures are the ones the work makes.
    let mut completed = on_desk.kpis.completed.orders.clone();
    completed.sort();
    let mut expected = vec![done.clone(), paid_in_dollars.clone()];
    expected.sort();
    assert_eq!(completed, expected);
    assert_eq!(on_desk.kpis.open.orders, std::slice::from_ref(&open));
    let profit: Vec<(String, i64)> = on_desk
        .kpis
        .gross_profit
        .iter()
        .map(|a| (a.currency.clone(), a.minor))
        .collect();
    assert_eq!(
        profit,
        [("CNY".to_string(), 80_000), ("USD".to_string(), 12_000)]
    );
    let by_tech: Vec<(String, String, i64)> = on_desk
        .money
        .iter()
        .filter(|m| m.by == MoneyBy::Technician)
        .map(|m| (m.key.clone(), m.currency.clone(), m.charges_net))
        .collect();
    assert_eq!(
        by_tech,
        [
            (w.tech_a.user_id(), "CNY".to_string(), 80_000),
            (w.tech_b.user_id(), "USD".to_string(), 12_000)
        ]
    );
    // Three repairs on one machine, under its name.
    assert_eq!(on_desk.repairs_by_machine.len(), 1);
    assert_eq!(on_desk.repairs_by_machine[0].orders.count, 3);
    assert_eq!(on_desk.equipment_models, ["CH-200"]);
    // The exports agree as well.
    let directory = w.sup.ws().directory().unwrap();
    for table in [
        fieldops_device::workspace::StatsTable::Summary,
        fieldops_device::workspace::StatsTable::MoneyBy,
    ] {
        assert_eq!(
            w.sup.ws().statistics_csv(&q, &directory, table).unwrap(),
            admin.ws().statistics_csv(&q, &directory, table).unwrap()
        );
    }
}

on_both!(two_managers_see_the_same_figures_after_sync);
