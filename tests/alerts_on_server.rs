//! The server computes a company's alerts with the same function as the devices, from the
//! documents it holds: on SQLite and on PostgreSQL, now and at later moments, the server and a
//! supervisor's device name the same alerts in the same states.

use fieldops_device::alerts::{Alert, AlertKind, AlertState};
use fieldops_device::model::equipment::EquipmentInfo;
use fieldops_device::model::now_ms;
use fieldops_device::model::order::OrderType;
use fieldops_device::model::plan::{PeriodUnit, Plan, PlanAnchor, PlanKind};
use fieldops_device::workspace::AlertFilter;
use fieldops_device::{DeviceError, ErrorCode};
use fieldops_scenarios::*;

const DAY_MS: i64 = 86_400_000;

async fn server_alerts(d: &Device, at: i64) -> fieldops_device::Result<Vec<Alert>> {
    d.http
        .as_ref()
        .expect("signed in")
        .get_json("/v1/admin/alerts", &[("at", at.to_string())])
        .await
}

fn device_alerts(d: &Device, at: i64) -> Vec<Alert> {
    d.ws()
        .alerts_at(&AlertFilter::default(), at)
        .unwrap()
        .alerts
        .into_iter()
        .map(|v| v.alert)
        .collect()
}

/// (key, state, reminder) of each alert, in a stable order.
fn summary(alerts: &[Alert]) -> Vec<(String, AlertState, i64)> {
    let mut s: Vec<_> = alerts
        .iter()
        .map(|a| (a.key.clone(), a.state, a.reminder))
        .collect();
    s.sort();
    s
}

async fn server_and_device_agree(backend: Backend) {
    let w = world(backend).await;
    let now = now_ms();
    let today = w.sup.ws().company_today();
    let (machine, plan_alert_key) = {
        let mut ws = w.sup.ws();
        let c = ws.create_customer(&customer("上海华东医疗")).unwrap();
        let info = |name: &str, warranty: Option<String>, every: Option<i64>| EquipmentInfo {
            installed_on: Some("2025-01-10".into()),
            warranty_until: warranty,
            maintenance_interval_days: every,
            ..equipment(&c, name)
        };
        let chiller = ws
            .create_equipment(&info(
                "2号冷水机组",
                Some((today + chrono::Days::new(20)).to_string()),
                None,
            ))
            .unwrap();
        ws.create_equipment(&info("1号水泵", None, Some(90)))
            .unwrap();
        ws.save_plan(
            &chiller.id,
            None,
            &Plan {
                name: "Monthly service".into(),
                kind: PlanKind::Maintenance,
                every: 1,
                unit: PeriodUnit::Months,
                start: (today + chrono::Days::new(3)).to_string(),
                end: None,
                anchor: PlanAnchor::Planned,
                order_type: OrderType::Maintenance,
                duration_min: 60,
                technician_id: Some(w.tech_a.user_id()),
                days_ahead: 5,
                rule: None,
            },
        )
        .unwrap();
        let key = ws
            .alerts_at(&AlertFilter::default(), now)
            .unwrap()
            .alerts
            .into_iter()
            .find(|a| {
                a.alert.plan_id.is_some()
                    && a.alert.kind == AlertKind::Maintenance
                    && a.equipment_name.as_deref() == Some("2号冷水机组")
            })
            .expect("the plan's visit is due soon")
            .alert
            .key;
        (chiller.id, key)
    };
    let r = w.sup.sync().await;
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);

    // Now, in 25 days (the warranty overdue: first reminder) and in 40 (third reminder).
    for at in [now, now + 25 * DAY_MS, now + 40 * DAY_MS] {
        let server = server_alerts(&w.sup, at).await.unwrap();
        assert!(!server.is_empty());
        assert_eq!(
            summary(&server),
            summary(&device_alerts(&w.sup, at)),
            "at {at}"
        );
    }
    let later = server_alerts(&w.sup, now + 40 * DAY_MS).await.unwrap();
    let warranty = later
        .iter()
        .find(|a| a.kind == AlertKind::Warranty)
        .unwrap();
    assert_eq!(
        (warranty.state, warranty.reminder),
        (AlertState::Overdue, 3)
    );

    // The visit's order, done by the technician: the server no longer names that visit.
    let order_id = {
        let mut ws = w.sup.ws();
        ws.create_order_from_alert_at(&plan_alert_key, "Monthly service", now)
            .unwrap()
            .summary
            .id
    };
    w.sup.sync().await;
    w.tech_a.sync().await;
    {
        let mut ws = w.tech_a.ws();
        ws.accept_order(&order_id).unwrap();
        let site = fieldops_device::geo::Position {
            lat: 39.9042,
            lon: 116.4074,
            accuracy_m: Some(10.0),
            altitude_m: None,
            mock: None,
            source: "gps".into(),
        };
        ws.check_in(&order_id, Some(site)).unwrap();
        for item in ws.get_order(&order_id).unwrap().checklist {
            if item.required {
                ws.set_checklist_item(&order_id, &item.id, true).unwrap();
            }
        }
        ws.complete_order(&order_id, "Filters changed").unwrap();
    }
    let r = w.tech_a.sync().await;
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    w.sup.sync().await;
    let server = server_alerts(&w.sup, now).await.unwrap();
    assert!(server.iter().all(|a| a.key != plan_alert_key));
    assert!(
        server
            .iter()
            .all(|a| !(a.equipment_id.as_deref() == Some(machine.as_str())
                && a.kind == AlertKind::Maintenance))
    );
    assert_eq!(summary(&server), summary(&device_alerts(&w.sup, now)));

    // Technicians do not read the company's alerts from the server.
    match server_alerts(&w.tech_a, now).await {
        Err(e @ DeviceError::Domain(_)) | Err(e @ DeviceError::Server { .. }) => {
            assert_eq!(e.code(), ErrorCode::Forbidden)
        }
        other => panic!("expected forbidden, got {other:?}"),
    }
}

/// Two supervisors, each offline, make the order of the same planned visit: both orders
/// arrive (nothing is refused or lost), the alert names one and counts two, and once the
/// extra one is cancelled it counts one.
async fn one_order_per_visit_from_two_offline_desks(backend: Backend) {
    let w = world(backend).await;
    w.db.add_user(T, "sup.two", "supervisor");
    let two = Device::signed_in(&w.server, T, "sup.two").await;
    let now = now_ms();
    let today = w.sup.ws().company_today();
    {
        let mut ws = w.sup.ws();
        let c = ws.create_customer(&customer("北京协和")).unwrap();
        let m = ws.create_equipment(&equipment(&c, "CT-1")).unwrap();
        ws.save_plan(
            &m.id,
            None,
            &Plan {
                name: "Quarterly".into(),
                kind: PlanKind::Inspection,
                every: 3,
                unit: PeriodUnit::Months,
                start: (today + chrono::Days::new(2)).to_string(),
                end: None,
                anchor: PlanAnchor::Planned,
                order_type: OrderType::Inspection,
                duration_min: 60,
                technician_id: None,
                days_ahead: 5,
                rule: None,
            },
        )
        .unwrap();
    }
    w.sup.sync().await;
    two.sync().await;
    let key = |d: &Device| {
        d.ws()
            .alerts_at(&AlertFilter::default(), now)
            .unwrap()
            .alerts
            .into_iter()
            .find(|a| a.alert.kind == AlertKind::Inspection)
            .unwrap()
            .alert
            .key
    };
    let (k1, k2) = (key(&w.sup), key(&two));
    assert_eq!(k1, k2);
    let first = w
        .sup
        .ws()
        .create_order_from_alert_at(&k1, "Quarterly", now)
        .unwrap();
    let second = two
        .ws()
        .create_order_from_alert_at(&k2, "Quarterly", now)
        .unwrap();
    let r1 = w.sup.sync().await;
    let r2 = two.sync().await;
    assert!(
        r1.rejected.is_empty() && r2.rejected.is_empty(),
        "{r1:?} {r2:?}"
    );
    w.sup.sync().await;
    let inspection = |alerts: Vec<Alert>| {
        alerts
            .into_iter()
            .find(|a| a.kind == AlertKind::Inspection)
            .unwrap()
    };
    for d in [&w.sup, &two] {
        let a = inspection(device_alerts(d, now));
        assert_eq!(a.visit_orders, 2);
        assert!(
            a.order_id == Some(first.summary.id.clone())
                || a.order_id == Some(second.summary.id.clone())
        );
    }
    let on_server = inspection(server_alerts(&w.sup, now).await.unwrap());
    assert_eq!(on_server.visit_orders, 2);
    // The extra order is cancelled: the visit keeps the other, counted once, not skipped.
    w.sup
        .ws()
        .cancel_order(&second.summary.id, "made twice")
        .unwrap();
    w.sup.sync().await;
    let after = inspection(server_alerts(&w.sup, now).await.unwrap());
    assert_eq!(after.visit_orders, 1);
    assert_eq!(after.order_id, Some(first.summary.id.clone()));
    assert_eq!(
        summary(&server_alerts(&w.sup, now).await.unwrap()),
        summary(&device_alerts(&w.sup, now))
    );
}

on_both!(
    server_and_device_agree,
    one_order_per_visit_from_two_offline_desks
);
