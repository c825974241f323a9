//! Behaviour of the typed API, the allow-list, projections and convergence.

use proptest::prelude::*;

use crate::authority;
use crate::model::TypedDoc;
use crate::model::order::{OrderDoc, Priority};
use crate::model::{Actor, DocType, Role};
use crate::store::OrderFilter;
use crate::testing::*;
use crate::workspace::{Action, Workspace};

/// The path of the rule a forged order document breaks for `actor`.
fn refused_path(actor: &Actor, old: &TypedDoc, forged: &automerge::AutoCommit) -> String {
    authority::check(
        actor,
        Some(old),
        &TypedDoc::parse(DocType::Order, forged).unwrap(),
    )
    .unwrap_err()
    .path
}

fn supervisor_with_order() -> (Workspace, String) {
    let mut sup = workspace(SUPERVISOR, Role::Supervisor);
    let c = sup
        .create_customer(&customer_input("上海精密仪器有限公司"))
        .unwrap();
    let o = sup
        .create_order(&order_input(
            &c.id,
            &c.sites[0].id,
            "Spindle vibration above 8 mm/s",
        ))
        .unwrap();
    (sup, o.summary.id)
}

#[test]
fn order_flows_from_create_to_accept() {
    let (mut sup, id) = supervisor_with_order();
    assert_eq!(sup.get_order(&id).unwrap().summary.status, "new");
    let d = sup.dispatch_order(&id, &[TECH_A.to_string()]).unwrap();
    assert_eq!(d.summary.status, "dispatched");
    assert_eq!(d.summary.assignees, vec![TECH_A.to_string()]);
    assert!(d.summary.pending);

    let mut tech = workspace(TECH_A, Role::Technician);
    exchange(&sup, &mut tech);
    let seen = tech.get_order(&id).unwrap();
    assert_eq!(seen.actions, vec![Action::Accept, Action::Reject]);
    let accepted = tech.accept_order(&id).unwrap();
    assert_eq!(accepted.summary.status, "accepted");
    assert_eq!(accepted.events.len(), 3);
    assert_eq!(
        tech.list_orders(&OrderFilter {
            assignee: Some(TECH_A.into()),
            ..Default::default()
        })
        .unwrap()
        .len(),
        1
    );
}

#[test]
fn list_filters_by_status_assignee_and_text() {
    let (mut sup, id) = supervisor_with_order();
    let c = sup.list_customers().unwrap().remove(0);
    let other = sup
        .create_order(&order_input(&c.id, &c.sites[0].id, "年度保养 annual check"))
        .unwrap()
        .summary
        .id;
    sup.dispatch_order(&other, &[TECH_B.to_string()]).unwrap();
    let by_text = |t: &str| {
        sup.list_orders(&OrderFilter {
            text: Some(t.into()),
            ..Default::default()
        })
        .unwrap()
    };
    assert_eq!(by_text("保养").len(), 1);
    assert_eq!(by_text("精密").len(), 2, "customer names are searched");
    assert_eq!(by_text("100%").len(), 0, "LIKE wildcards are literal");
    let new = sup
        .list_orders(&OrderFilter {
            status: Some("new".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        new.iter().map(|o| o.id.clone()).collect::<Vec<_>>(),
        vec![id]
    );
    let b = sup
        .list_orders(&OrderFilter {
            assignee: Some(TECH_B.into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(b[0].id, other);
}

#[test]
fn invalid_input_is_refused_and_nothing_is_saved() {
    let (mut sup, id) = supervisor_with_order();
    let before = sup.store.projection_dump().unwrap();
    let mut bad = customer_input("x");
    bad.sites[0].lat = f64::NAN;
    assert_eq!(
        sup.create_customer(&bad).unwrap_err().code(),
        crate::ErrorCode::InvalidInput
    );
    bad = customer_input("   ");
    assert_eq!(
        sup.create_customer(&bad).unwrap_err().code(),
        crate::ErrorCode::InvalidInput
    );
    let c = sup.list_customers().unwrap().remove(0);
    let mut o = order_input(&c.id, &c.sites[0].id, "");
    assert_eq!(
        sup.create_order(&o).unwrap_err().code(),
        crate::ErrorCode::InvalidInput
    );
    o.description = "x".into();
    o.site_id = crate::model::new_id();
    assert!(
        sup.create_order(&o)
            .unwrap_err()
            .to_string()
            .contains("sites")
    );
    assert_eq!(
        sup.dispatch_order(&id, &[]).unwrap_err().code(),
        crate::ErrorCode::InvalidInput
    );
    assert!(
        sup.dispatch_order(&id, &[SUPERVISOR.to_string()])
            .unwrap_err()
            .to_string()
            .contains("not a technician")
    );
    assert_eq!(
        sup.get_order("not-an-id").unwrap_err().code(),
        crate::ErrorCode::InvalidInput
    );
    assert_eq!(sup.store.projection_dump().unwrap(), before);
}

#[test]
fn technician_cannot_do_supervisor_work() {
    let (mut sup, id) = supervisor_with_order();
    sup.dispatch_order(&id, &[TECH_A.to_string()]).unwrap();
    let mut tech = workspace(TECH_A, Role::Technician);
    exchange(&sup, &mut tech);
    let c = tech.list_customers().unwrap().remove(0);
    assert_eq!(
        tech.create_customer(&customer_input("Mine"))
            .unwrap_err()
            .code(),
        crate::ErrorCode::Forbidden
    );
    assert_eq!(
        tech.update_customer(&c.id, &customer_input("Renamed"))
            .unwrap_err()
            .code(),
        crate::ErrorCode::Forbidden
    );
    let mut edit = order_input(&c.id, &c.sites[0].id, "changed by tech");
    edit.priority = Priority::Urgent;
    assert_eq!(
        tech.update_order(&id, &edit).unwrap_err().code(),
        crate::ErrorCode::Forbidden
    );
    assert_eq!(
        tech.create_order(&edit).unwrap_err().code(),
        crate::ErrorCode::Forbidden
    );
    assert!(tech.dispatch_order(&id, &[TECH_B.to_string()]).is_err());
    // A technician not assigned cannot accept.
    let mut other = workspace(TECH_B, Role::Technician);
    exchange(&sup, &mut other);
    assert!(other.accept_order(&id).is_err());
    assert_eq!(other.store.pending_count().unwrap(), 0);
}

#[test]
fn allow_list_refuses_tampered_documents() {
    let (mut sup, id) = supervisor_with_order();
    sup.dispatch_order(&id, &[TECH_A.to_string()]).unwrap();
    let (_, mut doc) = sup.store.load(&id).unwrap().unwrap();
    let old = TypedDoc::parse(DocType::Order, &doc).unwrap();
    let tech = Actor {
        user_id: TECH_A.into(),
        role: Role::Technician,
    };

    // An accept recorded in someone else's name.
    let mut forged = doc.fork();
    crate::model::order::append_event(
        &mut forged,
        &crate::model::order::OrderEvent {
            at: 1,
            ..crate::model::order::OrderEvent::new(crate::model::order::EventKind::Accepted, TECH_B)
        },
    )
    .unwrap();
    let v = authority::check(
        &tech,
        Some(&old),
        &TypedDoc::parse(DocType::Order, &forged).unwrap(),
    )
    .unwrap_err();
    assert!(v.path.ends_with(".by"), "{v:?}");

    // Rewriting history.
    use automerge::transaction::Transactable;
    let events = crate::crdt::child_obj(&doc, &automerge::ROOT, "events").unwrap();
    let first = match automerge::ReadDoc::get(&doc, &events, 0).unwrap() {
        Some((_, obj)) => obj,
        None => panic!("no created event"),
    };
    doc.put(&first, "at", 42_i64).unwrap();
    let v = authority::check(
        &Actor {
            user_id: SUPERVISOR.into(),
            role: Role::Supervisor,
        },
        Some(&old),
        &TypedDoc::parse(DocType::Order, &doc).unwrap(),
    )
    .unwrap_err();
    assert_eq!(v.rule, "events are append-only");
}

#[test]
fn unknown_fields_make_a_document_invalid() {
    let (sup, id) = supervisor_with_order();
    let (_, mut doc) = sup.store.load(&id).unwrap().unwrap();
    use automerge::transaction::Transactable;
    doc.put(automerge::ROOT, "smuggled", "x").unwrap();
    assert_eq!(
        OrderDoc::from_doc(&doc).unwrap_err().code(),
        crate::ErrorCode::CorruptDocument
    );
}

#[test]
fn concurrent_edits_of_different_fields_both_survive() {
    let (mut sup, id) = supervisor_with_order();
    let mut other = workspace(SUPERVISOR, Role::Supervisor);
    exchange(&sup, &mut other);
    let c = sup.list_customers().unwrap().remove(0);
    let mut a = order_input(&c.id, &c.sites[0].id, "Spindle vibration above 8 mm/s");
    a.priority = Priority::Urgent;
    sup.update_order(&id, &a).unwrap();
    let mut b = order_input(
        &c.id,
        &c.sites[0].id,
        "Spindle vibration above 8 mm/s, bearing noise",
    );
    b.priority = Priority::Normal;
    other.update_order(&id, &b).unwrap();
    exchange(&other, &mut sup);
    exchange(&sup, &mut other);
    for ws in [&sup, &other] {
        let o = ws.get_order(&id).unwrap();
        assert_eq!(o.summary.priority, "urgent");
        assert_eq!(
            o.summary.description,
            "Spindle vibration above 8 mm/s, bearing noise"
        );
    }
}

#[test]
fn reassignment_while_offline_accept_is_a_conflict_not_a_loss() {
    let (mut sup, id) = supervisor_with_order();
    sup.dispatch_order(&id, &[TECH_A.to_string()]).unwrap();
    let mut tech = workspace(TECH_A, Role::Technician);
    exchange(&sup, &mut tech);
    std::thread::sleep(std::time::Duration::from_millis(3));
    sup.dispatch_order(&id, &[TECH_B.to_string()]).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(3));
    tech.accept_order(&id).unwrap();
    exchange(&tech, &mut sup);
    let o = sup.get_order(&id).unwrap();
    assert_eq!(o.summary.status, "conflict");
    assert_eq!(o.events.len(), 4, "every event is kept");
    assert!(o.summary.conflicts[0].contains(TECH_A));
}

#[test]
fn projections_rebuild_to_the_same_rows() {
    let (mut sup, id) = supervisor_with_order();
    sup.dispatch_order(&id, &[TECH_A.to_string(), TECH_B.to_string()])
        .unwrap();
    let c = sup.list_customers().unwrap().remove(0);
    sup.create_order(&order_input(&c.id, &c.sites[0].id, "second"))
        .unwrap();
    let before = sup.store.projection_dump().unwrap();
    assert!(before.len() >= 5);
    sup.store
        .conn()
        .execute("UPDATE orders SET status = 'tampered'", [])
        .unwrap();
    assert_ne!(sup.store.projection_dump().unwrap(), before);
    sup.store.rebuild_projections().unwrap();
    assert_eq!(sup.store.projection_dump().unwrap(), before);
}

#[test]
fn a_different_account_starts_clean_but_unsent_work_blocks_it() {
    let (mut sup, _) = supervisor_with_order();
    let actor = sup.store.actor().clone();
    let err = sup.begin_login("acme", "someone-else").unwrap_err();
    assert_eq!(
        err.code(),
        crate::ErrorCode::Forbidden,
        "unsent changes must not be wiped silently"
    );
    sup.store
        .conn()
        .execute("UPDATE documents SET dirty = 0", [])
        .unwrap();
    sup.begin_login("acme", "someone-else").unwrap();
    assert_ne!(sup.store.actor(), &actor);
    assert!(sup.list_customers().unwrap().is_empty());
}

#[test]
fn local_store_survives_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("device.sqlite");
    let id;
    let actor;
    {
        let mut ws = Workspace::open(&path).unwrap();
        ws.begin_login("acme", "sup").unwrap();
        let user = directory().remove(0);
        ws.set_session(
            crate::workspace::Session {
                server_url: "http://x".into(),
                tenant: "acme".into(),
                user,
                device_id: "d".into(),
            },
            "sup",
        )
        .unwrap();
        let c = ws.create_customer(&customer_input("Persisted")).unwrap();
        id = c.id;
        actor = ws.store.actor().clone();
    }
    let ws = Workspace::open(&path).unwrap();
    assert_eq!(ws.get_customer(&id).unwrap().name, "Persisted");
    assert_eq!(ws.store.actor(), &actor);
    assert!(ws.session().is_some());
    assert_eq!(ws.store.pending_count().unwrap(), 1);
}

/// One random step on one replica.
#[derive(Debug, Clone)]
enum Op {
    EditDescription(u8, String),
    EditPriority(u8),
    Dispatch(u8, bool),
    Accept,
    Reject,
    FieldStep(u8),
    SupervisorStep(u8, u8),
    Merge(u8, u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0u8..3, "[a-z 中文]{0,12}").prop_map(|(r, s)| Op::EditDescription(r, s)),
        (0u8..3).prop_map(Op::EditPriority),
        (0u8..3, any::<bool>()).prop_map(|(r, b)| Op::Dispatch(r, b)),
        Just(Op::Accept),
        Just(Op::Reject),
        (0u8..5).prop_map(Op::FieldStep),
        (0u8..3, 0u8..3).prop_map(|(r, k)| Op::SupervisorStep(r, k)),
        (0u8..3, 0u8..3).prop_map(|(a, b)| Op::Merge(a, b)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    /// Three replicas (two supervisors and a technician) edit one order concurrently and
    /// merge in a random order; after everyone has everything, documents and projections agree.
    #[test]
    fn random_concurrent_edits_converge(ops in proptest::collection::vec(op(), 1..25), final_order in Just(()).prop_perturb(|_, mut rng| {
        let mut v = vec![0u8, 1, 2];
        for i in (1..3).rev() { let j = (rng.next_u32() as usize) % (i + 1); v.swap(i, j); }
        v
    })) {
        let (sup, id) = supervisor_with_order();
        let mut reps = vec![sup, workspace(SUPERVISOR, Role::Supervisor), workspace(TECH_A, Role::Technician)];
        // The second supervisor acts as a different user with the same role.
        let base = reps.remove(0);
        let mut r1 = reps.remove(0);
        let mut r2 = reps.remove(0);
        exchange(&base, &mut r1);
        exchange(&base, &mut r2);
        let mut reps = [base, r1, r2];
        let c = reps[0].list_customers().unwrap().remove(0);
        for op in ops {
            match op {
                Op::EditDescription(r, s) => {
                    let ws = &mut reps[r as usize % 2];
                    let cur = ws.get_order(&id).unwrap();
                    let mut input = order_input(&c.id, &c.sites[0].id, &format!("{} {}", cur.summary.description, s));
                    input.priority = serde_json::from_value(serde_json::Value::String(cur.summary.priority.clone())).unwrap();
                    let _ = ws.update_order(&id, &input);
                }
                Op::EditPriority(r) => {
                    let ws = &mut reps[r as usize % 2];
                    let cur = ws.get_order(&id).unwrap();
                    let mut input = order_input(&c.id, &c.sites[0].id, &cur.summary.description);
                    input.priority = if cur.summary.priority == "urgent" { Priority::Low } else { Priority::Urgent };
                    let _ = ws.update_order(&id, &input);
                }
                Op::Dispatch(r, to_a) => {
                    let to = if to_a { TECH_A } else { TECH_B };
                    let _ = reps[r as usize % 2].dispatch_order(&id, &[to.to_string()]);
                }
                Op::Accept => { let _ = reps[2].accept_order(&id); }
                Op::Reject => { let _ = reps[2].reject_order(&id, "too far"); }
                Op::FieldStep(k) => {
                    let t = &mut reps[2];
                    let _ = match k {
                        0 => t.start_travel(&id),
                        1 => t.check_in(&id, None),
                        2 => t.check_out(&id, None),
                        3 => {
                            let items = t.get_order(&id).map(|o| o.checklist).unwrap_or_default();
                            for i in items.into_iter().filter(|c| c.required) {
                                let _ = t.set_checklist_item(&id, &i.id, true);
                            }
                            t.complete_order(&id, "done")
                        }
                        _ => t.add_progress(&id, "note"),
                    };
                }
                Op::SupervisorStep(r, k) => {
                    let ws = &mut reps[r as usize % 2];
                    let _ = match k {
                        0 => ws.cancel_order(&id, "no longer needed"),
                        1 => ws.reopen_order(&id, "customer called again"),
                        _ => ws.settle_order(&id),
                    };
                }
                Op::Merge(a, b) if a != b => {
                    let (a, b) = (a as usize, b as usize);
                    let (src, dst) = if a < b {
                        let (l, r) = reps.split_at_mut(b);
                        (&l[a], &mut r[0])
                    } else {
                        let (l, r) = reps.split_at_mut(a);
                        (&r[0], &mut l[b])
                    };
                    exchange(src, dst);
                }
                Op::Merge(..) => {}
            }
        }
        let events_before: std::collections::BTreeSet<String> = reps
            .iter()
            .flat_map(|w| w.get_order(&id).map(|o| o.events.into_iter().map(|e| e.id).collect::<Vec<_>>()).unwrap_or_default())
            .collect();
        // Everyone sends to everyone, in a random order, twice round.
        for _ in 0..2 {
            for &i in &final_order {
                for j in 0..3usize {
                    if i as usize != j {
                        let i = i as usize;
                        let (src, dst) = if i < j { let (l, r) = reps.split_at_mut(j); (&l[i], &mut r[0]) } else { let (l, r) = reps.split_at_mut(i); (&r[0], &mut l[j]) };
                        exchange(src, dst);
                    }
                }
            }
        }
        let docs: Vec<_> = reps.iter().map(|w| {
            let (_, d) = w.store.load(&id).unwrap().unwrap();
            crate::crdt::to_json(&d).unwrap()
        }).collect();
        prop_assert_eq!(&docs[0], &docs[1]);
        prop_assert_eq!(&docs[0], &docs[2]);
        let events_after: std::collections::BTreeSet<String> = reps[0].get_order(&id).unwrap().events.into_iter().map(|e| e.id).collect();
        prop_assert_eq!(events_before, events_after, "every event survives the merge");
        let statuses: Vec<String> = reps.iter().map(|w| w.get_order(&id).unwrap().summary.status).collect();
        prop_assert!(statuses.iter().all(|s| s == &statuses[0]));
        let dumps: Vec<_> = reps.iter().map(|w| w.store.projection_dump().unwrap()).collect();
        prop_assert_eq!(&dumps[0], &dumps[1]);
        prop_assert_eq!(&dumps[0], &dumps[2]);
    }
}

mod workflow {
    use super::*;
    use crate::geo::Position;
    use crate::model::order::{ChargeKind, CostKind, EventKind, OrderEvent};
    use crate::workspace::{ChargeInput, CostInput};

    fn manual(lat: f64, lon: f64) -> Option<Position> {
        Some(Position {
            lat,
            lon,
            accuracy_m: None,
            altitude_m: None,
            mock: None,
            source: "manual".into(),
        })
    }

    /// Supervisor and technician replicas of one dispatched order.
    fn dispatched() -> (Workspace, Workspace, String) {
        let (mut sup, id) = supervisor_with_order();
        sup.dispatch_order(&id, &[TECH_A.to_string()]).unwrap();
        let mut tech = workspace(TECH_A, Role::Technician);
        exchange(&sup, &mut tech);
        (sup, tech, id)
    }

    #[test]
    fn happy_path_with_money_and_settlement() {
        let (mut sup, mut tech, id) = dispatched();
        tech.accept_order(&id).unwrap();
        tech.start_travel(&id).unwrap();
        let o = tech.check_in(&id, manual(31.2304, 121.4737)).unwrap();
        assert_eq!(o.summary.status, "on_site");
        assert!(o.actions.contains(&Action::Complete));
        tech.add_progress(&id, "Bearing replaced / 更换轴承")
            .unwrap();
        let err = tech.complete_order(&id, "Replaced bearing").unwrap_err();
        assert!(err.to_string().contains("Fault confirmed"), "{err}");
        tick_required(&mut tech, &id);
        tech.put_charge(
            &id,
            None,
            &ChargeInput {
                kind: ChargeKind::ServiceFee,
                description: "2 h labour".into(),
                quantity_milli: 2000,
                unit_price_minor: 30_000,
                discount_bp: 1000,
                tax_rate_bp: 600,
                currency: "CNY".into(),
            },
        )
        .unwrap();
        tech.put_charge(
            &id,
            None,
            &ChargeInput {
                kind: ChargeKind::PartsFee,
                description: "Bearing 6204".into(),
                quantity_milli: 1000,
                unit_price_minor: 12_345,
                discount_bp: 0,
                tax_rate_bp: 1300,
                currency: "CNY".into(),
            },
        )
        .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(5));
        let done = tech
            .complete_order(&id, "Replaced bearing, vibration 1.2 mm/s")
            .unwrap();
        assert_eq!(done.summary.status, "completed");
        assert!(done.on_site_ms > 0);
        let rated = tech.rate_order(&id, 5, "很好 great").unwrap();
        assert_eq!(rated.summary.rating, Some(5));
        assert!(!rated.actions.contains(&Action::Rate));

        exchange(&tech, &mut sup);
        sup.put_cost(
            &id,
            None,
            &CostInput {
                kind: CostKind::PartsCost,
                description: "Bearing".into(),
                quantity_milli: 1000,
                unit_cost_minor: 6_000,
                currency: "CNY".into(),
            },
        )
        .unwrap();
        sup.add_labour_cost(&id, 8_000, "CNY").unwrap();
        let o = sup.get_order(&id).unwrap();
        // Service: 2 × 300.00 = 600.00, −10 % = 540.00, +6 % = 32.40. Parts: 123.45 + 13 % = 16.05 (16.0485).
        assert_eq!(o.totals.charges_net, 54_000 + 12_345);
        assert_eq!(o.totals.charges_tax, 3_240 + 1_605);
        let labour = o
            .costs
            .iter()
            .find(|c| c.line.kind == CostKind::Labour)
            .unwrap();
        assert_eq!(o.totals.costs_total, 6_000 + labour.amount);
        assert_eq!(
            o.totals.gross_profit,
            o.totals.charges_net - o.totals.costs_total
        );
        let settled = sup.settle_order(&id).unwrap();
        assert_eq!(settled.summary.status, "settled");
        let err = sup
            .put_cost(
                &id,
                None,
                &CostInput {
                    kind: CostKind::Other,
                    description: String::new(),
                    quantity_milli: 1000,
                    unit_cost_minor: 1,
                    currency: "CNY".into(),
                },
            )
            .unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::InvalidInput);
        assert_eq!(settled.events.len(), 9, "every step is in the timeline");
        let listed = sup
            .list_orders(&OrderFilter {
                status: Some("settled".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(listed[0].gross_profit, o.totals.gross_profit);
    }

    #[test]
    fn a_tampered_completion_without_the_checklist_is_refused() {
        let (_, mut tech, id) = dispatched();
        tech.accept_order(&id).unwrap();
        tech.check_in(&id, None).unwrap();
        let (_, doc) = tech.store.load(&id).unwrap().unwrap();
        let old = TypedDoc::parse(DocType::Order, &doc).unwrap();
        let mut forged = doc.clone();
        crate::model::order::append_event(
            &mut forged,
            &OrderEvent {
                resolution: Some("done".into()),
                ..OrderEvent::new(EventKind::Completed, TECH_A)
            },
        )
        .unwrap();
        let v = authority::check(
            &Actor {
                user_id: TECH_A.into(),
                role: Role::Technician,
            },
            Some(&old),
            &TypedDoc::parse(DocType::Order, &forged).unwrap(),
        )
        .unwrap_err();
        assert!(v.path.ends_with(".checklist"), "{v:?}");
    }

    #[test]
    fn technicians_cannot_enter_costs_or_touch_others_lines_or_the_number() {
        let (mut sup, mut tech, id) = dispatched();
        tech.accept_order(&id).unwrap();
        assert_eq!(
            tech.put_cost(
                &id,
                None,
                &CostInput {
                    kind: CostKind::Travel,
                    description: String::new(),
                    quantity_milli: 1000,
                    unit_cost_minor: 100,
                    currency: "CNY".into()
                }
            )
            .unwrap_err()
            .code(),
            crate::ErrorCode::InvalidInput
        );
        let (_, doc) = tech.store.load(&id).unwrap().unwrap();
        let old = TypedDoc::parse(DocType::Order, &doc).unwrap();
        let actor = Actor {
            user_id: TECH_A.into(),
            role: Role::Technician,
        };
        let mut forged = doc.clone();
        crate::model::order::set_number(&mut forged, "WO-209901-0001").unwrap();
        assert_eq!(refused_path(&actor, &old, &forged), "number");
        let mut forged = doc.clone();
        crate::model::order::put_line(
            &mut forged,
            "costs",
            &crate::model::new_id(),
            &crate::model::order::CostLine {
                kind: CostKind::Travel,
                description: String::new(),
                quantity_milli: 1000,
                unit_cost_minor: 1,
                currency: "CNY".into(),
                by: TECH_A.into(),
                at: 1,
                movement_id: Some(crate::model::new_id()),
            },
        )
        .unwrap();
        assert_eq!(
            refused_path(&actor, &old, &forged),
            "costs",
            "only parts-cost lines tied to a stock movement are the technician's"
        );
        // A supervisor's charge line is not the technician's to change.
        exchange(&tech, &mut sup);
        let o = sup
            .put_charge(
                &id,
                None,
                &ChargeInput {
                    kind: ChargeKind::Other,
                    description: "call-out".into(),
                    quantity_milli: 1000,
                    unit_price_minor: 5_000,
                    discount_bp: 0,
                    tax_rate_bp: 0,
                    currency: "CNY".into(),
                },
            )
            .unwrap();
        exchange(&sup, &mut tech);
        let line = o.charges[0].id.clone();
        assert_eq!(
            tech.delete_charge(&id, &line).unwrap_err().code(),
            crate::ErrorCode::Forbidden
        );
    }

    #[test]
    fn complete_after_cancel_is_a_conflict_until_resolved() {
        let (mut sup, mut tech, id) = dispatched();
        tech.accept_order(&id).unwrap();
        tech.check_in(&id, None).unwrap();
        exchange(&tech, &mut sup);
        tick_required(&mut tech, &id);
        // Offline on both sides: the supervisor cancels, the technician completes later.
        sup.cancel_order(&id, "customer withdrew").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(5));
        tech.complete_order(&id, "fixed anyway").unwrap();
        exchange(&tech, &mut sup);
        exchange(&sup, &mut tech);
        let o = sup.get_order(&id).unwrap();
        assert_eq!(o.summary.status, "conflict");
        assert_eq!(o.underlying_status, "cancelled");
        assert!(
            o.summary.conflicts[0].contains("completed"),
            "{:?}",
            o.summary.conflicts
        );
        assert_eq!(
            tech.get_order(&id).unwrap().summary.status,
            "conflict",
            "both replicas agree"
        );
        let resolved = sup
            .resolve_conflicts(&id, "Keep cancelled; no charge")
            .unwrap();
        assert_eq!(resolved.summary.status, "cancelled");
        assert!(
            resolved
                .events
                .iter()
                .any(|e| e.kind == EventKind::Completed),
            "the completion stays in the log"
        );
    }

    #[test]
    fn two_completions_with_different_resolutions_conflict() {
        let (mut sup, mut tech, id) = dispatched();
        sup.dispatch_order(&id, &[TECH_A.to_string(), TECH_B.to_string()])
            .unwrap();
        exchange(&sup, &mut tech);
        let mut tech_b = workspace(TECH_B, Role::Technician);
        exchange(&sup, &mut tech_b);
        for t in [&mut tech, &mut tech_b] {
            t.accept_order(&id).unwrap();
        }
        exchange(&tech_b, &mut tech);
        exchange(&tech, &mut tech_b);
        tech.check_in(&id, None).unwrap();
        exchange(&tech, &mut tech_b);
        tick_required(&mut tech, &id);
        exchange(&tech, &mut tech_b);
        tech.complete_order(&id, "replaced pump").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(3));
        tech_b.complete_order(&id, "cleaned filter").unwrap();
        exchange(&tech_b, &mut tech);
        let o = tech.get_order(&id).unwrap();
        assert_eq!(o.summary.status, "conflict");
        assert_eq!(o.resolution.as_deref(), Some("replaced pump"));
    }

    #[test]
    fn check_ins_are_judged_against_the_site_fence_and_never_refused() {
        use crate::geo::FenceVerdict;
        let (mut sup, mut tech, id) = dispatched();
        tech.accept_order(&id).unwrap();
        // The test site is at 31.2304, 121.4737; ~445 m north is outside the default 200 m.
        let gps = |lat: f64, acc: f64| Position {
            lat,
            lon: 121.4737,
            accuracy_m: Some(acc),
            altitude_m: Some(12.0),
            mock: Some(false),
            source: "gps".into(),
        };
        tech.check_in(&id, Some(gps(31.2344, 10.0))).unwrap();
        tech.check_out(&id, Some(gps(31.2305, 10.0))).unwrap();
        tech.check_in(&id, manual(31.2304, 121.4737)).unwrap();
        let o = tech.get_order(&id).unwrap();
        let verdicts: Vec<_> = o
            .check_ins
            .iter()
            .map(|c| c.fence.as_ref().unwrap().verdict)
            .collect();
        assert_eq!(
            verdicts,
            vec![
                FenceVerdict::Outside,
                FenceVerdict::Verified,
                FenceVerdict::Manual
            ]
        );
        let outside = o.check_ins[0].fence.as_ref().unwrap();
        assert!(
            (outside.distance_m.unwrap() - 444.8).abs() < 2.0,
            "{outside:?}"
        );
        assert_eq!(outside.radius_m, 200);
        assert_eq!(
            o.summary.status, "on_site",
            "a flagged check-in still counts"
        );

        // A wider fence on the site, set by the supervisor, turns the first one verified.
        exchange(&tech, &mut sup);
        let c = sup.list_customers().unwrap().remove(0);
        let mut input = customer_input(&c.name);
        input.sites[0].id = Some(c.sites[0].id.clone());
        input.sites[0].geofence_m = Some(500);
        sup.update_customer(&c.id, &input).unwrap();
        let o = sup.get_order(&id).unwrap();
        assert_eq!(
            o.check_ins[0].fence.as_ref().unwrap().verdict,
            FenceVerdict::Verified
        );
        assert_eq!(
            o.check_ins[0].position.as_ref().unwrap().altitude_m,
            Some(12.0)
        );
        input.sites[0].geofence_m = Some(5);
        assert!(
            sup.update_customer(&c.id, &input)
                .unwrap_err()
                .to_string()
                .contains("radius")
        );

        // Impossible positions are refused and nothing is recorded.
        let before = tech.get_order(&id).unwrap().events.len();
        for bad in [gps(f64::NAN, 10.0), gps(95.0, 10.0), gps(31.0, 0.0)] {
            assert!(tech.check_out(&id, Some(bad)).is_err());
        }
        assert_eq!(tech.get_order(&id).unwrap().events.len(), before);
    }

    #[test]
    fn photos_are_processed_queued_and_guarded() {
        use crate::workspace::PhotoInput;
        let (mut sup, mut tech, id) = dispatched();
        let jpeg = fieldops_media::samples::jpeg(&fieldops_media::samples::marked(2400, 1200));
        // Not before the technician accepted the order.
        assert!(
            tech.attach_photo(&id, &jpeg, &PhotoInput::default())
                .is_err()
        );
        tech.accept_order(&id).unwrap();
        let checked = tech.check_in(&id, manual(31.2304, 121.4737)).unwrap();
        let event_id = checked.events.last().unwrap().id.clone();
        let o = tech
            .attach_photo(
                &id,
                &jpeg,
                &PhotoInput {
                    caption: "铭牌 nameplate".into(),
                    event_id: Some(event_id.clone()),
                    position: None,
                },
            )
            .unwrap();
        assert_eq!(o.photos.len(), 1);
        let p = &o.photos[0].photo;
        assert_eq!((p.width, p.height), (2048, 1024));
        assert_eq!(p.event_id.as_deref(), Some(event_id.as_str()));
        assert_eq!(p.by, TECH_A);
        // Both files wait in the upload queue, committed with the order.
        let queued: Vec<String> = tech
            .store
            .pending_blobs()
            .unwrap()
            .into_iter()
            .map(|b| b.0)
            .collect();
        assert!(
            queued.contains(&p.hash) && queued.contains(&p.thumb_hash),
            "{queued:?}"
        );
        assert_eq!(
            tech.store.blob(&p.thumb_hash).unwrap().unwrap().0,
            "image/jpeg"
        );

        // Bad input: nothing is saved.
        let before = tech.store.pending_blobs().unwrap().len();
        assert!(
            tech.attach_photo(&id, b"GIF89a...", &PhotoInput::default())
                .is_err()
        );
        let long = PhotoInput {
            caption: "x".repeat(501),
            ..Default::default()
        };
        assert!(tech.attach_photo(&id, &jpeg, &long).is_err());
        let foreign = PhotoInput {
            event_id: Some(crate::model::new_id()),
            ..Default::default()
        };
        assert!(
            tech.attach_photo(&id, &jpeg, &foreign)
                .unwrap_err()
                .to_string()
                .contains("not on this order")
        );
        assert_eq!(tech.store.pending_blobs().unwrap().len(), before);
        assert_eq!(tech.get_order(&id).unwrap().photos.len(), 1);

        // The supervisor's device gets the reference; another technician may not remove it.
        exchange(&tech, &mut sup);
        assert_eq!(sup.get_order(&id).unwrap().photos.len(), 1);
        let (_, doc) = tech.store.load(&id).unwrap().unwrap();
        let old = TypedDoc::parse(DocType::Order, &doc).unwrap();
        let mut forged = doc.clone();
        {
            use automerge::transaction::Transactable;
            let photos = crate::crdt::child_obj(&forged, &automerge::ROOT, "photos").unwrap();
            forged.delete(&photos, o.photos[0].id.as_str()).unwrap();
        }
        let tech_b = Actor {
            user_id: TECH_B.into(),
            role: Role::Technician,
        };
        assert_eq!(refused_path(&tech_b, &old, &forged), "photos");
    }

    #[test]
    fn the_map_shows_sites_check_ins_and_last_positions() {
        use crate::geo::FenceVerdict;
        let (mut sup, mut tech, id) = dispatched();
        tech.accept_order(&id).unwrap();
        let gps = |lat: f64| crate::testing::gps(lat, 121.4737, 10.0);
        tech.check_in(&id, Some(gps(31.2305))).unwrap();
        tech.check_out(&id, Some(gps(31.2344))).unwrap();
        tech.check_in(&id, None).unwrap();
        exchange(&tech, &mut sup);
        let now = crate::model::now_ms();
        let day = sup.map_data(now - 3_600_000, now + 3_600_000).unwrap();
        assert_eq!(day.sites.len(), 1);
        assert_eq!(
            (day.sites[0].status.as_str(), day.sites[0].lat),
            ("on_site", 31.2304)
        );
        let verdicts: Vec<_> = day
            .check_ins
            .iter()
            .map(|c| (c.kind.as_str(), c.verdict))
            .collect();
        assert_eq!(
            verdicts,
            vec![
                ("checked_in", Some(FenceVerdict::Verified)),
                ("checked_out", Some(FenceVerdict::Outside))
            ],
            "the check-in without a position has no point on the map"
        );
        assert_eq!(day.last_positions.len(), 1);
        assert_eq!(
            (
                day.last_positions[0].user_id.as_str(),
                day.last_positions[0].lat
            ),
            (TECH_A, 31.2344)
        );
        // Another day: the open order's site is still there, no check-ins.
        let earlier = sup
            .map_data(now - 10 * 86_400_000, now - 9 * 86_400_000)
            .unwrap();
        assert_eq!((earlier.sites.len(), earlier.check_ins.len()), (1, 0));
        assert!(sup.map_data(now, now).is_err());
    }

    #[test]
    fn check_ins_are_named_by_site_gazetteer_or_the_geocoding_service() {
        use crate::address::AddressSource;
        let (_sup, mut tech, id) = dispatched();
        tech.accept_order(&id).unwrap();
        let at = |lat: f64, lon: f64| crate::testing::gps(lat, lon, 10.0);
        tech.check_in(&id, Some(at(31.2305, 121.4737))).unwrap();
        tech.check_out(&id, Some(at(39.9087, 116.3975))).unwrap();
        let o = tech.get_order(&id).unwrap();
        let a = o.check_ins[0].address.clone().unwrap();
        assert_eq!(a.source, AddressSource::Site);
        assert!(
            a.text.starts_with("上海精密仪器有限公司 · Main plant"),
            "{a:?}"
        );
        let b = o.check_ins[1].address.clone().unwrap();
        assert_eq!(b.source, AddressSource::Gazetteer);
        assert!(b.text.contains("Beijing"), "{b:?}");
        assert_eq!(tech.positions_to_geocode(&id).unwrap().len(), 2);
        tech.cache_geocoded(39.9087, 116.3975, "天安门广场, 东城区, 北京市, 中国")
            .unwrap();
        assert!(tech.cache_geocoded(1.0, 1.0, " ").is_err());
        let o = tech.get_order(&id).unwrap();
        let b = o.check_ins[1].address.clone().unwrap();
        assert_eq!(
            (b.source, b.text.as_str()),
            (AddressSource::Provider, "天安门广场, 东城区, 北京市, 中国")
        );
        assert_eq!(
            tech.positions_to_geocode(&id).unwrap(),
            vec![(31.2305, 121.4737)]
        );
    }
}

mod records {
    use super::*;
    use crate::store::RecordFilter;

    /// A completed order with the given description and resolution, as seen by the supervisor.
    fn completed(
        sup: &mut Workspace,
        customer: &str,
        description: &str,
        resolution: &str,
    ) -> String {
        let c = sup.create_customer(&customer_input(customer)).unwrap();
        let mut input = order_input(&c.id, &c.sites[0].id, description);
        input.order_type = crate::model::order::OrderType::Maintenance;
        let id = sup.create_order(&input).unwrap().summary.id;
        sup.dispatch_order(&id, &[TECH_A.to_string()]).unwrap();
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
        sup.settle_order(&a).unwrap();
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
}

mod server_written_fields {
    use super::*;
    use crate::model::order::SignatureRef;

    #[test]
    fn devices_cannot_forge_received_times_or_anothers_signature() {
        let (mut sup, id) = supervisor_with_order();
        sup.dispatch_order(&id, &[TECH_A.to_string()]).unwrap();
        let mut tech = workspace(TECH_A, Role::Technician);
        exchange(&sup, &mut tech);
        tech.accept_order(&id).unwrap();
        let (_, doc) = tech.store.load(&id).unwrap().unwrap();
        let old = TypedDoc::parse(DocType::Order, &doc).unwrap();
        let actor = Actor {
            user_id: TECH_A.into(),
            role: Role::Technician,
        };
        let event = old_event_id(&old);
        let mut forged = doc.clone();
        crate::model::order::set_received(&mut forged, &[(event, 1)]).unwrap();
        assert_eq!(refused_path(&actor, &old, &forged), "received");
        let mut forged = doc.clone();
        let sig = SignatureRef {
            hash: crate::blob::sha256_hex(b"x"),
            signer: "someone".into(),
            by: TECH_B.into(),
            at: 1,
        };
        crate::model::order::set_signature(&mut forged, &sig).unwrap();
        assert_eq!(refused_path(&actor, &old, &forged), "signature.by");
        // Tech B, never dispatched to this order, may not sign it at all.
        let b = Actor {
            user_id: TECH_B.into(),
            role: Role::Technician,
        };
        assert_eq!(refused_path(&b, &old, &forged), "signature");
        // The real capture path stores the blob and the reference together.
        let png = crate::blob::tiny_png();
        let o = tech.capture_signature(&id, &png, "王先生").unwrap();
        let hash = o.signature.unwrap().hash;
        assert_eq!(tech.store.blob(&hash).unwrap().unwrap().1, png);
        assert_eq!(tech.store.pending_blobs().unwrap().len(), 1);
    }

    fn old_event_id(doc: &TypedDoc) -> String {
        match doc {
            TypedDoc::Order(o) => o.events[0].id.clone(),
            _ => unreachable!("an order"),
        }
    }
}

mod templates {
    use super::*;
    use crate::model::order::OrderType;
    use crate::model::settings::{self, Template, TemplateItem};

    /// Put the tenant's settings document into a store, as the server's first sync would.
    #[test]
    fn administrators_set_the_default_geofence() {
        let mut admin = workspace(SUPERVISOR, Role::Admin);
        assert!(
            admin
                .set_geofence_default(300)
                .unwrap_err()
                .to_string()
                .contains("sync first")
        );
        with_settings(&mut admin);
        assert_eq!(admin.geofence_default().unwrap(), 200);
        assert_eq!(admin.set_geofence_default(350).unwrap(), 350);
        assert!(admin.set_geofence_default(0).is_err());
        let mut sup = workspace(SUPERVISOR, Role::Supervisor);
        with_settings(&mut sup);
        let err = sup.set_geofence_default(100).unwrap_err();
        assert!(err.code() == crate::ErrorCode::Forbidden, "{err}");
    }

    #[test]
    fn watermarking_is_a_company_choice_and_names_time_place_and_order() {
        use crate::workspace::PhotoInput;
        let mut admin = workspace(SUPERVISOR, Role::Admin);
        with_settings(&mut admin);
        let c = admin
            .create_customer(&customer_input("上海华东医疗"))
            .unwrap();
        let id = admin
            .create_order(&order_input(&c.id, &c.sites[0].id, "visit"))
            .unwrap()
            .summary
            .id;
        assert_eq!(
            admin.watermark_lines(&id, &PhotoInput::default()).unwrap(),
            None
        );
        assert!(admin.set_photo_watermark(true).unwrap());
        let lines = admin
            .watermark_lines(&id, &PhotoInput::default())
            .unwrap()
            .unwrap();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[1], "上海华东医疗 · Main plant");
        assert!(lines[2].starts_with("WO-DRAFT-"), "{lines:?}");
        let mut sup = workspace(SUPERVISOR, Role::Supervisor);
        with_settings(&mut sup);
        assert!(sup.set_photo_watermark(true).unwrap_err().code() == crate::ErrorCode::Forbidden);
    }

    fn with_settings(ws: &mut Workspace) {
        let mut doc = automerge::AutoCommit::new();
        let id = settings::new_settings_doc(&mut doc, "acme").unwrap();
        ws.store
            .commit_local(DocType::Settings, &id, &mut doc)
            .unwrap();
        ws.store
            .conn()
            .execute("UPDATE documents SET dirty = 0", [])
            .unwrap();
    }

    #[test]
    fn an_administrators_template_shapes_new_orders() {
        let mut admin = workspace("00000000-0000-7000-8000-00000000ad01", Role::Admin);
        with_settings(&mut admin);
        let custom = Template {
            checklist: vec![TemplateItem {
                label: "Photo of the nameplate / 铭牌照片".into(),
                required: true,
            }],
            signature_required: true,
            rating_asked: false,
            default_duration_min: 45,
        };
        admin.save_template(OrderType::Repair, &custom).unwrap();
        assert!(
            admin
                .save_template(
                    OrderType::Repair,
                    &Template {
                        default_duration_min: -1,
                        ..custom.clone()
                    }
                )
                .is_err()
        );

        let mut sup = workspace(SUPERVISOR, Role::Supervisor);
        exchange(&admin, &mut sup);
        let changed = Template {
            rating_asked: true,
            ..custom.clone()
        };
        assert_eq!(
            sup.save_template(OrderType::Repair, &changed)
                .unwrap_err()
                .code(),
            crate::ErrorCode::Forbidden
        );
        let c = sup.create_customer(&customer_input("Template Co")).unwrap();
        let mut input = order_input(&c.id, &c.sites[0].id, "uses the template");
        input.scheduled_start = Some(1_800_000_000_000);
        let o = sup.create_order(&input).unwrap();
        assert_eq!(
            o.checklist
                .iter()
                .map(|c| c.label.as_str())
                .collect::<Vec<_>>(),
            vec!["Photo of the nameplate / 铭牌照片"]
        );
        assert!(o.signature_required);
        assert_eq!(
            o.summary.scheduled_end,
            Some(1_800_000_000_000 + 45 * 60_000)
        );
        // Other types keep their defaults.
        let mut maint = input.clone();
        maint.order_type = OrderType::Maintenance;
        assert_eq!(
            sup.create_order(&maint).unwrap().checklist.len(),
            settings::default_template(OrderType::Maintenance)
                .checklist
                .len()
        );

        // No rating asked: after completion the technician is not offered one.
        sup.dispatch_order(&o.summary.id, &[TECH_A.to_string()])
            .unwrap();
        let mut tech = workspace(TECH_A, Role::Technician);
        exchange(&sup, &mut tech);
        let id = o.summary.id;
        tech.accept_order(&id).unwrap();
        tech.check_in(&id, None).unwrap();
        tick_required(&mut tech, &id);
        assert!(
            tech.complete_order(&id, "done")
                .unwrap_err()
                .to_string()
                .contains("signature")
        );
        tech.capture_signature(&id, &crate::blob::tiny_png(), "客户")
            .unwrap();
        let done = tech.complete_order(&id, "done").unwrap();
        assert!(!done.actions.contains(&Action::Rate));
    }
}

mod report {
    use super::*;

    #[test]
    fn the_service_report_is_a_pdf_whose_chinese_text_extracts() {
        let (mut sup, id) = supervisor_with_order();
        sup.dispatch_order(&id, &[TECH_A.to_string()]).unwrap();
        let mut tech = workspace(TECH_A, Role::Technician);
        exchange(&sup, &mut tech);
        tech.accept_order(&id).unwrap();
        tech.check_in(&id, None).unwrap();
        tick_required(&mut tech, &id);
        tech.put_charge(
            &id,
            None,
            &crate::workspace::ChargeInput {
                kind: crate::model::order::ChargeKind::ServiceFee,
                description: "上门服务".into(),
                quantity_milli: 2000,
                unit_price_minor: 30_000,
                discount_bp: 0,
                tax_rate_bp: 600,
                currency: "CNY".into(),
            },
        )
        .unwrap();
        tech.capture_signature(&id, &crate::blob::tiny_png(), "王先生")
            .unwrap();
        assert!(
            crate::report::service_report(&tech, &id, "华东服务公司", &[], 0).is_err(),
            "not completed yet"
        );
        tech.complete_order(&id, "更换主轴轴承，振动恢复正常")
            .unwrap();
        let (font, index) = crate::report::find_cjk_font()
            .expect("a CJK font (make test installs fonts-wqy-microhei)");
        let pdf = crate::report::service_report(
            &tech,
            &id,
            "华东服务公司 East China Service",
            &font,
            index,
        )
        .unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.len() < 400_000, "fonts are subset: {} bytes", pdf.len());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.pdf");
        std::fs::write(&path, &pdf).unwrap();
        let out = std::process::Command::new("pdftotext")
            .arg(&path)
            .arg("-")
            .output()
            .expect("pdftotext (poppler-utils)");
        let text = String::from_utf8_lossy(&out.stdout);
        for expected in [
            "华东服务公司",
            "服务报告",
            "上海精密仪器有限公司",
            "更换主轴轴承",
            "上门服务",
            "CNY 636.00",
            "王先生",
            "Fault confirmed / 故障确认",
        ] {
            assert!(
                text.contains(expected),
                "'{expected}' missing from:\n{text}"
            );
        }
    }
}
