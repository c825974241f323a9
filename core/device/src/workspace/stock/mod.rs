//! Spare parts on the device: catalogue, locations and their ledgers, levels and alerts,
//! parts used on orders, and part requests from request to receipt.

use std::collections::BTreeMap;

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::{Action, OrderDetail, PreparedChange, Workspace};
use crate::authority;
use crate::error::{DeviceError, Result};
use crate::model::TypedDoc;
use crate::model::order::{self, ChargeKind, ChargeLine, CostKind, CostLine};
use crate::model::part_request::{
    self, RequestEvent, RequestEventKind, RequestLine, RequestStatus,
};
use crate::model::stock::{self, LedgerDoc, LocationKind, Movement, MovementKind, PartInfo};
use crate::model::{DocType, Role, check_id, check_text, enum_name, new_id, now_ms};
use crate::{Refusal, Thing};

mod catalogue;
mod levels;
mod locations;
mod requests;

pub use catalogue::{CategoryView, PartView};
pub use levels::{AlertKind, LevelView, MovementView, StockAlert, StockCount, StockTakeLine};
pub use locations::LocationView;
pub use requests::{RequestLineInput, RequestLineView, RequestView};

/// (id, name, parent id) as stored.
type CategoryRow = (String, String, Option<String>);

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::testing::*;

    pub(crate) fn part_info(sku: &str) -> PartInfo {
        PartInfo {
            sku: sku.into(),
            name_zh: "压缩机阀片".into(),
            name_en: "Compressor valve plate".into(),
            category_id: None,
            unit: "pcs".into(),
            barcode: "6901234567892".into(),
            sale_price_minor: 45_000,
            cost_minor: 28_000,
            currency: "CNY".into(),
            min_stock: 2,
            compatible_models: vec!["Carrier 30XA-252".into()],
            photo: None,
        }
    }

    /// A supervisor with a warehouse holding `qty` of one part, and a van for tech A.
    /// Technician A's device, synced with `sup`, asking for `qty` of a part into `van`.
    fn tech_a_asks(sup: &Workspace, van: &str, part: &str, qty: i64) -> (Workspace, RequestView) {
        let mut tech = workspace(TECH_A, Role::Technician);
        exchange(sup, &mut tech);
        let r = tech
            .create_request(
                van,
                None,
                &[RequestLineInput {
                    part_id: part.to_string(),
                    qty,
                    reason: String::new(),
                }],
            )
            .unwrap();
        (tech, r)
    }

    /// A customer and one dispatched order each for technicians A and B.
    fn an_order_for_each_technician(sup: &mut Workspace) -> Vec<String> {
        let c = sup.create_customer(&customer_input("Acme")).unwrap();
        [TECH_A, TECH_B]
            .into_iter()
            .map(|tech| {
                let id = sup
                    .create_order(&order_input(&c.id, &c.sites[0].id, "valve"))
                    .unwrap()
                    .summary
                    .id;
                sup.dispatch_order(&id, &[tech.to_string()], false).unwrap();
                id
            })
            .collect()
    }

    fn stocked(qty: i64) -> (Workspace, String, String, String) {
        let mut sup = workspace(SUPERVISOR, Role::Supervisor);
        let part = sup.create_part(&part_info("VP-30XA")).unwrap().id;
        let wh = sup
            .create_location(LocationKind::Warehouse, "上海总仓", None)
            .unwrap()
            .id;
        let van = sup
            .create_location(LocationKind::Van, "张伟的车", Some(TECH_A))
            .unwrap()
            .id;
        sup.record_movement(&wh, &part, MovementKind::Receive, qty, "PO-1")
            .unwrap();
        (sup, part, wh, van)
    }

    #[test]
    fn a_stock_take_records_the_differences_and_nothing_when_a_count_is_wrong() {
        let (mut sup, part, wh, _) = stocked(10);
        let other = sup.create_part(&part_info("OIL-5L")).unwrap().id;
        let third = sup.create_part(&part_info("FLT-2")).unwrap().id;
        sup.record_movement(&wh, &third, MovementKind::Receive, 4, "")
            .unwrap();
        let count = |part_id: &str, counted| StockCount {
            part_id: part_id.to_string(),
            counted,
        };
        let movements_before = sup.movements(&wh, &part).unwrap().len();
        // Refusals save nothing: a negative count, a part counted twice, an unknown part.
        for bad in [
            vec![count(&part, 8), count(&other, -1)],
            vec![count(&part, 8), count(&part, 9)],
            vec![count(&part, 8), count(crate::testing::TECH_A, 1)],
            vec![],
        ] {
            assert!(sup.stock_take(&wh, &bad, "").is_err(), "{bad:?}");
        }
        assert_eq!(sup.movements(&wh, &part).unwrap().len(), movements_before);
        let lines = sup
            .stock_take(
                &wh,
                &[count(&part, 8), count(&other, 2), count(&third, 4)],
                "year end",
            )
            .unwrap();
        let got: Vec<(i64, i64, i64)> = lines
            .iter()
            .map(|l| (l.was, l.counted, l.adjustment))
            .collect();
        assert_eq!(got, vec![(10, 8, -2), (0, 2, 2), (4, 4, 0)]);
        let level = |p: &str| sup.levels(Some(&wh), Some(p)).unwrap()[0].level;
        assert_eq!((level(&part), level(&other), level(&third)), (8, 2, 4));
        let adjust = sup.movements(&wh, &part).unwrap().pop().unwrap();
        assert_eq!(
            (adjust.kind, adjust.qty, adjust.note.as_str()),
            (
                MovementKind::Adjust,
                -2,
                "stock-take: counted 8, was 10. year end"
            )
        );
        assert_eq!(
            sup.movements(&wh, &third).unwrap().len(),
            1,
            "agreed: nothing"
        );
        // Technicians do not count warehouses.
        let mut tech = workspace(crate::testing::TECH_A, Role::Technician);
        exchange(&sup, &mut tech);
        assert!(tech.stock_take(&wh, &[count(&part, 1)], "").is_err());
    }

    #[test]
    fn categories_and_locations_are_renamed_moved_and_reassigned() {
        let (mut sup, part, wh, van) = stocked(5);
        let hvac = sup.create_category("暖通", None).unwrap();
        let comp = sup.create_category("压缩机", Some(&hvac.id)).unwrap();
        let valves = sup.create_category("阀片", Some(&comp.id)).unwrap();
        // Never inside itself or one of its own; only known parents.
        for (parent, why) in [(&hvac.id, "itself"), (&valves.id, "its own")] {
            assert!(
                sup.update_category(&hvac.id, "暖通", Some(parent))
                    .unwrap_err()
                    .to_string()
                    .contains("itself or one of its own"),
                "{why}"
            );
        }
        assert!(sup.update_category(&hvac.id, "暖通", Some(&wh)).is_err());
        assert!(sup.update_category(&hvac.id, " ", None).is_err());
        let moved = sup
            .update_category(&valves.id, "阀片 Valves", Some(&hvac.id))
            .unwrap();
        assert_eq!(moved.path, "暖通 / 阀片 Valves");
        let top = sup.update_category(&comp.id, "压缩机", None).unwrap();
        assert_eq!((top.path.as_str(), top.depth), ("压缩机", 0));

        assert_eq!(
            sup.update_location(&wh, "上海总仓 Shanghai", None)
                .unwrap()
                .name,
            "上海总仓 Shanghai"
        );
        assert!(
            sup.update_location(&wh, "x", Some(TECH_A)).is_err(),
            "warehouse"
        );
        assert!(
            sup.update_location(&van, "x", None).is_err(),
            "van without owner"
        );
        assert!(
            sup.update_location(&van, "x", Some(SUPERVISOR)).is_err(),
            "not a technician"
        );
        // The van goes from A to B: B takes parts from it, A no longer can.
        let orders = an_order_for_each_technician(&mut sup);
        sup.transfer(&wh, &van, &part, 2, "").unwrap();
        // Not while a request into the van is open: its receipt would have no one to make it.
        let (a, asked) = tech_a_asks(&sup, &van, &part, 1);
        exchange(&a, &mut sup);
        assert!(
            sup.update_location(&van, "李娜的车", Some(TECH_B))
                .unwrap_err()
                .to_string()
                .contains("still open")
        );
        assert!(
            sup.update_location(&van, "张伟的车 A", Some(TECH_A))
                .is_ok(),
            "a rename is fine"
        );
        sup.reject_request(&asked.id, "van changes hands").unwrap();
        let moved = sup.update_location(&van, "李娜的车", Some(TECH_B)).unwrap();
        assert_eq!(moved.owner.as_deref(), Some(TECH_B));
        for (tech, order, allowed) in [(TECH_A, &orders[0], false), (TECH_B, &orders[1], true)] {
            let mut ws = workspace(tech, Role::Technician);
            exchange(&sup, &mut ws);
            ws.accept_order(order).unwrap();
            assert_eq!(
                ws.use_part(order, &part, 1, &van).is_ok(),
                allowed,
                "{tech}"
            );
        }
    }

    #[test]
    fn the_catalogue_refuses_duplicates_and_keeps_a_category_tree() {
        let mut sup = workspace(SUPERVISOR, Role::Supervisor);
        let hvac = sup.create_category("暖通 HVAC", None).unwrap();
        let comp = sup
            .create_category("压缩机 Compressors", Some(&hvac.id))
            .unwrap();
        assert_eq!(comp.path, "暖通 HVAC / 压缩机 Compressors");
        assert_eq!(comp.depth, 1);
        let p = sup
            .create_part(&PartInfo {
                category_id: Some(comp.id.clone()),
                ..part_info("VP-1")
            })
            .unwrap();
        assert_eq!(
            p.category_path.as_deref(),
            Some("暖通 HVAC / 压缩机 Compressors")
        );
        let err = sup.create_part(&part_info("VP-1")).unwrap_err();
        assert!(
            err.to_string().contains("already in the catalogue"),
            "{err}"
        );
        for bad in [
            PartInfo {
                sku: "A B".into(),
                ..part_info("x")
            },
            PartInfo {
                sale_price_minor: -1,
                ..part_info("VP-2")
            },
            PartInfo {
                currency: "rmb".into(),
                ..part_info("VP-3")
            },
            PartInfo {
                category_id: Some(crate::model::new_id()),
                ..part_info("VP-4")
            },
        ] {
            assert!(sup.create_part(&bad).unwrap_err().code() == crate::ErrorCode::InvalidInput);
        }
        assert!(
            sup.create_category("x", Some(&crate::model::new_id()))
                .is_err()
        );
        assert_eq!(
            sup.list_parts(Some("30XA")).unwrap().len(),
            1,
            "found by compatible model"
        );
        assert_eq!(sup.list_parts(Some("阀片")).unwrap().len(), 1);
        // A picture of the part: processed, queued for upload with the change, kept on import.
        let jpeg = fieldops_media::samples::jpeg(&fieldops_media::samples::marked(800, 600));
        assert!(sup.set_part_photo(&p.id, b"not a picture").is_err());
        let with_photo = sup.set_part_photo(&p.id, &jpeg).unwrap();
        let hash = with_photo.info.photo.clone().unwrap();
        assert!(
            sup.store
                .pending_blobs()
                .unwrap()
                .iter()
                .any(|b| b.0 == hash)
        );
        let csv = sup.export_parts_csv().unwrap();
        let report = sup
            .import_parts(csv.as_bytes(), crate::workspace::TableFormat::Csv)
            .unwrap();
        assert_eq!(report.unchanged, 1, "{report:?}");
        assert_eq!(sup.get_part(&p.id).unwrap().info.photo, Some(hash));
        let mut tech = workspace(TECH_A, Role::Technician);
        assert!(
            tech.create_part(&part_info("VP-9")).unwrap_err().code() == crate::ErrorCode::Forbidden
        );
    }

    #[test]
    fn levels_are_sums_of_movements_and_transfers_move_both_sides() {
        let (mut sup, part, wh, van) = stocked(10);
        sup.transfer(&wh, &van, &part, 3, "refill").unwrap();
        sup.record_movement(&wh, &part, MovementKind::Adjust, -1, "stock-take")
            .unwrap();
        sup.record_movement(&van, &part, MovementKind::Defective, 1, "old valve")
            .unwrap();
        let levels = sup.levels(None, Some(&part)).unwrap();
        let of = |loc: &str| {
            levels
                .iter()
                .find(|l| l.location_id == loc)
                .unwrap()
                .clone()
        };
        assert_eq!(
            (of(&wh).level, of(&van).level, of(&van).defective),
            (6, 3, 1)
        );
        assert_eq!(sup.get_part(&part).unwrap().total_level, 9);
        // What the fast ledger path projected is what the documents say.
        let before = sup.levels(None, None).unwrap();
        sup.store.rebuild_projections().unwrap();
        assert_eq!(sup.levels(None, None).unwrap(), before);
        let month = stock::ledger_month(now_ms());
        let (t, doc) = sup
            .store
            .load(&stock::ledger_id(&wh, &month))
            .unwrap()
            .unwrap();
        assert_eq!(t, DocType::Ledger);
        let stored = LedgerDoc::from_doc(&doc).unwrap();
        assert_eq!(
            (stored.location_id.as_str(), stored.month.as_str()),
            (wh.as_str(), month.as_str())
        );
        assert_eq!(
            stored.movements.len(),
            sup.movements(&wh, &part).unwrap().len()
        );
        assert!(
            sup.record_movement(&wh, &part, MovementKind::Receive, -2, "")
                .is_err(),
            "sign"
        );
        assert!(
            sup.record_movement(&wh, &part, MovementKind::Issue, -2, "")
                .is_err(),
            "issues go through orders"
        );
        assert!(sup.transfer(&wh, &wh, &part, 1, "").is_err());
        let mut tech = workspace(TECH_A, Role::Technician);
        exchange(&sup, &mut tech);
        let err = tech
            .record_movement(&wh, &part, MovementKind::Receive, 5, "")
            .unwrap_err();
        assert!(err.code() == crate::ErrorCode::Forbidden, "{err}");
        // Low stock: the van holds 3, the warehouse 6, the minimum is 2 — no alert yet.
        assert!(sup.stock_alerts().unwrap().is_empty());
        sup.record_movement(&van, &part, MovementKind::Adjust, -2, "lost")
            .unwrap();
        let alerts = sup.stock_alerts().unwrap();
        assert_eq!(alerts.len(), 1);
        assert_eq!(
            (alerts[0].kind, alerts[0].level.level),
            (AlertKind::LowStock, 1)
        );
    }

    #[test]
    fn levels_come_by_location_name_then_sku_and_each_filter_reads_the_same_rows() {
        let mut sup = workspace(SUPERVISOR, Role::Supervisor);
        // Made in an order that is neither the names' nor the SKUs'.
        let parts: Vec<String> = ["VP-3", "AA-9", "VP-10", "MM-1"]
            .into_iter()
            .map(|sku| sup.create_part(&part_info(sku)).unwrap().id)
            .collect();
        let places: Vec<String> = ["Zhabei", "Anting", "Minhang"]
            .into_iter()
            .map(|name| {
                sup.create_location(LocationKind::Warehouse, name, None)
                    .unwrap()
                    .id
            })
            .collect();
        for (i, place) in places.iter().enumerate() {
            for (j, part) in parts.iter().enumerate().skip(i) {
                let qty = (10 * i + j + 1) as i64;
                sup.record_movement(place, part, MovementKind::Receive, qty, "")
                    .unwrap();
            }
        }
        let all = sup.levels(None, None).unwrap();
        let order: Vec<(&str, &str, i64)> = all
            .iter()
            .map(|l| (&*l.location_name, &*l.sku, l.level))
            .collect();
        assert_eq!(
            order,
            [
                ("Anting", "AA-9", 12),
                ("Anting", "MM-1", 14),
                ("Anting", "VP-10", 13),
                ("Minhang", "MM-1", 24),
                ("Minhang", "VP-10", 23),
                ("Zhabei", "AA-9", 2),
                ("Zhabei", "MM-1", 4),
                ("Zhabei", "VP-10", 3),
                ("Zhabei", "VP-3", 1),
            ]
        );
        for place in &places {
            let expected: Vec<_> = all
                .iter()
                .filter(|l| &l.location_id == place)
                .cloned()
                .collect();
            assert_eq!(sup.levels(Some(place), None).unwrap(), expected);
            for part in &parts {
                let both: Vec<_> = expected
                    .iter()
                    .filter(|l| &l.part_id == part)
                    .cloned()
                    .collect();
                assert_eq!(sup.levels(Some(place), Some(part)).unwrap(), both);
            }
        }
        for part in &parts {
            let expected: Vec<_> = all.iter().filter(|l| &l.part_id == part).cloned().collect();
            assert_eq!(sup.levels(None, Some(part)).unwrap(), expected);
        }
        assert!(sup.levels(Some("nowhere"), None).unwrap().is_empty());
    }

    #[test]
    fn parts_used_on_an_order_feed_its_charges_and_costs() {
        let (mut sup, part, wh, van) = stocked(5);
        sup.transfer(&wh, &van, &part, 2, "").unwrap();
        let c = sup.create_customer(&customer_input("Acme")).unwrap();
        let id = sup
            .create_order(&order_input(&c.id, &c.sites[0].id, "valve"))
            .unwrap()
            .summary
            .id;
        sup.dispatch_order(&id, &[TECH_A.to_string()], false)
            .unwrap();
        let mut tech = workspace(TECH_A, Role::Technician);
        exchange(&sup, &mut tech);
        assert!(
            tech.use_part(&id, &part, 1, &van).is_err(),
            "not before accepting"
        );
        tech.accept_order(&id).unwrap();
        let o = tech.use_part(&id, &part, 2, &van).unwrap();
        assert_eq!(
            (
                o.totals.charges_net,
                o.totals.costs_total,
                o.totals.gross_profit
            ),
            (90_000, 56_000, 34_000)
        );
        let charge = &o.charges[0].line;
        assert!(o.costs.is_empty(), "the technician does not see cost lines");
        exchange(&tech, &mut sup);
        let seen = sup.get_order(&id).unwrap();
        let cost = &seen.costs[0].line;
        assert_eq!(
            (charge.kind, cost.kind),
            (ChargeKind::PartsFee, CostKind::PartsCost)
        );
        assert!(charge.movement_id.is_some() && charge.movement_id == cost.movement_id);
        assert_eq!(tech.levels(Some(&van), Some(&part)).unwrap()[0].level, 0);
        // Another technician's van is not theirs to take from.
        let other = sup
            .create_location(LocationKind::Van, "李娜的车", Some(TECH_B))
            .unwrap()
            .id;
        exchange(&sup, &mut tech);
        assert!(
            tech.use_part(&id, &part, 1, &other)
                .unwrap_err()
                .to_string()
                .contains("your own van")
        );
        // The supervisor's device gets both documents, and the same numbers.
        exchange(&tech, &mut sup);
        assert_eq!(sup.levels(Some(&van), Some(&part)).unwrap()[0].level, 0);
        let o = sup.get_order(&id).unwrap();
        assert_eq!(o.totals.gross_profit, 34_000);
        assert_eq!(o.costs[0].catalogue_cost_minor, None, "as in the catalogue");
        // The catalogue cost changes later: the line stays as recorded, and says so.
        let mut info = sup.get_part(&part).unwrap().info;
        info.cost_minor = 30_000;
        sup.update_part(&part, &info).unwrap();
        let o = sup.get_order(&id).unwrap();
        assert_eq!(o.costs[0].catalogue_cost_minor, Some(30_000));
        assert_eq!(o.totals.gross_profit, 34_000);
    }

    #[test]
    fn two_technicians_take_the_last_unit_offline_and_the_merge_says_oversold() {
        let (mut sup, part, wh, _van) = stocked(1);
        let orders = an_order_for_each_technician(&mut sup);
        let mut a = workspace(TECH_A, Role::Technician);
        let mut b = workspace(TECH_B, Role::Technician);
        exchange(&sup, &mut a);
        exchange(&sup, &mut b);
        for (ws, id) in [(&mut a, &orders[0]), (&mut b, &orders[1])] {
            ws.accept_order(id).unwrap();
            ws.use_part(id, &part, 1, &wh).unwrap();
            assert_eq!(
                ws.levels(Some(&wh), Some(&part)).unwrap()[0].level,
                0,
                "each saw the last one"
            );
        }
        exchange(&a, &mut sup);
        exchange(&b, &mut sup);
        assert_eq!(sup.levels(Some(&wh), Some(&part)).unwrap()[0].level, -1);
        let alerts = sup.stock_alerts().unwrap();
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].kind, AlertKind::Oversold);
        let by: Vec<&str> = alerts[0].movements.iter().map(|m| m.by.as_str()).collect();
        assert_eq!(by.len(), 2);
        assert!(by.contains(&TECH_A) && by.contains(&TECH_B), "{by:?}");
    }

    #[test]
    fn a_request_goes_from_asked_to_received_and_moves_the_stock() {
        let (mut sup, part, wh, van) = stocked(10);
        let mut tech = workspace(TECH_A, Role::Technician);
        exchange(&sup, &mut tech);
        let line = RequestLineInput {
            part_id: part.clone(),
            qty: 4,
            reason: "refill".into(),
        };
        let foreign = sup
            .create_location(LocationKind::Van, "李娜的车", Some(TECH_B))
            .unwrap()
            .id;
        exchange(&sup, &mut tech);
        assert!(
            tech.create_request(&foreign, None, std::slice::from_ref(&line))
                .is_err()
        );
        let r = tech.create_request(&van, None, &[line]).unwrap();
        assert_eq!(r.status, RequestStatus::Requested);
        assert!(
            tech.approve_request(&r.id, &BTreeMap::new()).is_err(),
            "technicians do not approve"
        );
        exchange(&tech, &mut sup);
        let line_id = r.lines[0].id.clone();
        let too_many = BTreeMap::from([(line_id.clone(), 5)]);
        assert!(sup.approve_request(&r.id, &too_many).is_err());
        let r = sup
            .approve_request(&r.id, &BTreeMap::from([(line_id, 3)]))
            .unwrap();
        assert_eq!(
            (r.status, r.lines[0].qty, r.lines[0].asked),
            (RequestStatus::Approved, 3, 4)
        );
        let r = sup.issue_request(&r.id, &wh).unwrap();
        assert_eq!(r.status, RequestStatus::Issued);
        assert_eq!(
            sup.levels(Some(&wh), Some(&part)).unwrap()[0].level,
            7,
            "left the warehouse"
        );
        exchange(&sup, &mut tech);
        let r = tech.receive_request(&r.id).unwrap();
        assert_eq!(r.status, RequestStatus::Received);
        assert_eq!(
            tech.levels(Some(&van), Some(&part)).unwrap()[0].level,
            3,
            "arrived in the van"
        );
        let kinds: Vec<RequestEventKind> = r.events.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            vec![
                RequestEventKind::Requested,
                RequestEventKind::Approved,
                RequestEventKind::Issued,
                RequestEventKind::Received
            ]
        );
        assert!(tech.receive_request(&r.id).is_err(), "only once");
    }

    #[test]
    fn a_warehouse_keeper_keeps_stock_and_decides_requests_but_not_orders() {
        let (mut sup, part, wh, van) = stocked(10);
        let (tech, r) = tech_a_asks(&sup, &van, &part, 2);
        let mut keeper = workspace("00000000-0000-7000-8000-0000000000c1", Role::Warehouse);
        exchange(&sup, &mut keeper);
        exchange(&tech, &mut keeper);
        keeper
            .record_movement(&wh, &part, MovementKind::Receive, 5, "PO-9")
            .unwrap();
        keeper.approve_request(&r.id, &BTreeMap::new()).unwrap();
        let r = keeper.issue_request(&r.id, &wh).unwrap();
        assert_eq!(r.status, RequestStatus::Issued);
        assert_eq!(keeper.levels(Some(&wh), Some(&part)).unwrap()[0].level, 13);
        keeper.create_part(&part_info("NEW-1")).unwrap();
        let c = sup.create_customer(&customer_input("Acme")).unwrap();
        exchange(&sup, &mut keeper);
        let err = keeper
            .create_order(&order_input(&c.id, &c.sites[0].id, "x"))
            .unwrap_err();
        assert!(err.code() == crate::ErrorCode::Forbidden, "{err}");
    }

    #[test]
    fn two_offline_decisions_end_deterministically_with_a_visible_conflict() {
        let (mut sup, part, _wh, van) = stocked(10);
        let (tech, r) = tech_a_asks(&sup, &van, &part, 2);
        let mut sup2 = workspace(SUPERVISOR, Role::Supervisor);
        exchange(&sup, &mut sup2);
        exchange(&tech, &mut sup);
        exchange(&tech, &mut sup2);
        sup.approve_request(&r.id, &BTreeMap::new()).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(3));
        sup2.reject_request(&r.id, "budget frozen").unwrap();
        exchange(&sup2, &mut sup);
        exchange(&sup, &mut sup2);
        let (x, y) = (
            sup.get_request(&r.id).unwrap(),
            sup2.get_request(&r.id).unwrap(),
        );
        assert_eq!(
            x.status,
            RequestStatus::Approved,
            "the earlier decision stands"
        );
        assert_eq!((x.status, &x.conflicts), (y.status, &y.conflicts));
        assert_eq!(x.conflicts.len(), 1);
        assert!(x.conflicts[0].contains("rejected"), "{:?}", x.conflicts);
        assert_eq!(x.events.len(), 3, "nothing dropped");
    }
}

#[cfg(test)]
mod ledger_properties {
    use super::*;
    use crate::testing::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        /// Random movements on three replicas, merged pairwise in a random order and then all
        /// together: every replica ends with the same level, the sum of every movement made,
        /// and with every movement.
        #[test]
        fn random_ledgers_merge_to_the_same_levels(
            ops in proptest::collection::vec((0usize..3, -5i64..=5), 1..30),
            merges in proptest::collection::vec((0usize..3, 0usize..3), 0..8),
        ) {
            let mut replicas: Vec<Workspace> = (0..3).map(|_| workspace(SUPERVISOR, Role::Supervisor)).collect();
            let part = replicas[0].create_part(&tests::part_info("P-1")).unwrap().id;
            let wh = replicas[0].create_location(LocationKind::Warehouse, "WH", None).unwrap().id;
            for i in 1..3 {
                let (head, tail) = replicas.split_at_mut(i);
                exchange(&head[0], &mut tail[0]);
            }
            let mut expected = 0;
            let mut made = 0;
            for (r, qty) in ops {
                if qty == 0 {
                    continue;
                }
                let kind = if qty > 0 { MovementKind::Receive } else { MovementKind::Adjust };
                replicas[r].record_movement(&wh, &part, kind, qty, "").unwrap();
                expected += qty;
                made += 1;
            }
            let pair = |replicas: &mut Vec<Workspace>, from: usize, to: usize| {
                if from == to {
                    return;
                }
                let src = std::mem::replace(&mut replicas[from], Workspace::open_in_memory().unwrap());
                exchange(&src, &mut replicas[to]);
                replicas[from] = src;
            };
            for (from, to) in merges {
                pair(&mut replicas, from, to);
            }
            for _ in 0..2 {
                for from in 0..3 {
                    for to in 0..3 {
                        pair(&mut replicas, from, to);
                    }
                }
            }
            for ws in &replicas {
                let level = ws.levels(Some(&wh), Some(&part)).unwrap().first().map_or(0, |l| l.level);
                prop_assert_eq!(level, expected);
                prop_assert_eq!(ws.movements(&wh, &part).unwrap().len(), made);
            }
        }
    }
}
