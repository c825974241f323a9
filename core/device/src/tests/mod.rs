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
    let d = sup
        .dispatch_order(&id, &[TECH_A.to_string()], false)
        .unwrap();
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
    sup.dispatch_order(&other, &[TECH_B.to_string()], false)
        .unwrap();
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
    // The orders behind a dashboard figure, by id (an unknown id is no order).
    let listed = sup
        .list_orders(&OrderFilter {
            ids: Some(vec![other.clone(), "nope".into()]),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        listed.iter().map(|o| o.id.as_str()).collect::<Vec<_>>(),
        [other.as_str()]
    );
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
        sup.dispatch_order(&id, &[], false).unwrap_err().code(),
        crate::ErrorCode::InvalidInput
    );
    assert!(
        sup.dispatch_order(&id, &[SUPERVISOR.to_string()], false)
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
    sup.dispatch_order(&id, &[TECH_A.to_string()], false)
        .unwrap();
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
    assert!(
        tech.dispatch_order(&id, &[TECH_B.to_string()], false)
            .is_err()
    );
    // A technician not assigned cannot accept.
    let mut other = workspace(TECH_B, Role::Technician);
    exchange(&sup, &mut other);
    assert!(other.accept_order(&id).is_err());
    assert_eq!(other.store.pending_count().unwrap(), 0);
}

#[test]
fn allow_list_refuses_tampered_documents() {
    let (mut sup, id) = supervisor_with_order();
    sup.dispatch_order(&id, &[TECH_A.to_string()], false)
        .unwrap();
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

/// Two people add a contact to the same customer offline, one of them also edits the first
/// contact's phone: after sync every change is there, and search finds each contact.
#[test]
fn contacts_added_on_two_devices_both_survive_and_are_found() {
    use crate::model::customer::{Contact, ContactInput};
    let contact = |name: &str, phone: &str| ContactInput {
        id: None,
        contact: Contact {
            name: name.into(),
            role: "设备科".into(),
            phone: phone.into(),
            email: String::new(),
        },
    };
    let mut sup = workspace(SUPERVISOR, Role::Supervisor);
    let mut input = customer_input("上海精密仪器有限公司");
    input.contacts = vec![contact("王建国", "+86 139 0000 0001")];
    let c = sup.create_customer(&input).unwrap();
    let mut other = workspace(SUPERVISOR, Role::Supervisor);
    exchange(&sup, &mut other);
    let as_input = |c: &crate::workspace::CustomerView| {
        let mut i = customer_input(&c.name);
        i.sites[0].id = Some(c.sites[0].id.clone());
        i.contacts = c
            .contacts
            .iter()
            .map(|k| ContactInput {
                id: Some(k.id.clone()),
                contact: k.contact.clone(),
            })
            .collect();
        i
    };
    let mut a = as_input(&c);
    a.contacts.push(contact("李敏", "+86 139 0000 0002"));
    sup.update_customer(&c.id, &a).unwrap();
    let mut b = as_input(&other.get_customer(&c.id).unwrap());
    b.contacts[0].contact.phone = "+86 139 0000 0009".into();
    b.contacts.push(contact("Sarah Chen", "+86 139 0000 0003"));
    other.update_customer(&c.id, &b).unwrap();
    exchange(&other, &mut sup);
    exchange(&sup, &mut other);
    for ws in [&sup, &other] {
        let got = ws.get_customer(&c.id).unwrap();
        let mut names: Vec<&str> = got
            .contacts
            .iter()
            .map(|k| k.contact.name.as_str())
            .collect();
        names.sort_unstable();
        assert_eq!(names, ["Sarah Chen", "李敏", "王建国"]);
        assert_eq!(got.contacts[0].contact.phone, "+86 139 0000 0009");
        assert_eq!(ws.search_customers("sarah").unwrap().len(), 1);
        assert_eq!(ws.search_customers("李敏 设备科").unwrap().len(), 1);
        assert!(ws.search_customers("nobody").unwrap().is_empty());
    }
    // A malformed e-mail is refused and nothing changes.
    let mut bad = as_input(&sup.get_customer(&c.id).unwrap());
    bad.contacts[0].contact.email = "wang@".into();
    assert!(sup.update_customer(&c.id, &bad).is_err());
    assert_eq!(sup.get_customer(&c.id).unwrap().contacts.len(), 3);
}

/// Supervisor and technician replicas of one dispatched order.
pub(super) fn dispatched() -> (Workspace, Workspace, String) {
    let (mut sup, id) = supervisor_with_order();
    sup.dispatch_order(&id, &[TECH_A.to_string()], false)
        .unwrap();
    let mut tech = workspace(TECH_A, Role::Technician);
    exchange(&sup, &mut tech);
    (sup, tech, id)
}

#[test]
fn a_technician_lets_go_of_a_reassigned_order_only_once_their_work_is_sent() {
    let (mut sup, mut tech, id) = dispatched();
    tech.accept_order(&id).unwrap();
    sup.dispatch_order(&id, &[TECH_B.to_string()], false)
        .unwrap();
    exchange(&sup, &mut tech);
    // The server takes the customer's document away with the order's scope: the order still
    // says whose it is.
    let customer = tech.get_order(&id).unwrap().summary.customer_id;
    tech.store.forget_document(&customer).unwrap();
    assert_eq!(
        tech.get_order(&id)
            .unwrap()
            .summary
            .customer_name
            .as_deref(),
        Some("上海精密仪器有限公司")
    );
    let o = tech.get_order(&id).unwrap();
    let moved = o.reassigned.expect("the technician is told");
    assert_eq!(
        (moved.to, moved.by.as_str()),
        (vec![TECH_B.to_string()], SUPERVISOR)
    );
    assert!(o.actions.is_empty());
    assert_eq!(
        tech.acknowledge_reassignment(&id)
            .unwrap_err()
            .body()
            .refusal,
        Some(crate::Refusal::UnsentWork)
    );
    assert!(tech.get_order(&id).is_ok(), "kept with its unsent work");
    // Someone still on the order has nothing to acknowledge.
    assert!(sup.acknowledge_reassignment(&id).is_err());
}

#[test]
fn reassignment_while_offline_accept_is_a_conflict_not_a_loss() {
    let (mut sup, id) = supervisor_with_order();
    sup.dispatch_order(&id, &[TECH_A.to_string()], false)
        .unwrap();
    let mut tech = workspace(TECH_A, Role::Technician);
    exchange(&sup, &mut tech);
    std::thread::sleep(std::time::Duration::from_millis(3));
    sup.dispatch_order(&id, &[TECH_B.to_string()], false)
        .unwrap();
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
    sup.dispatch_order(&id, &[TECH_A.to_string(), TECH_B.to_string()], false)
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
    assert!(
        matches!(
            err.body().refusal,
            Some(crate::Refusal::UnsentWorkOfAnotherAccount { pending, .. }) if pending > 0
        ),
        "unsent changes must not be wiped silently: {err}"
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
                    let _ = reps[r as usize % 2].dispatch_order(&id, &[to.to_string()], false);
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
                        _ => ws.settle_order(&id, true),
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

mod damaged_pulls;

mod workflow;

mod records;

mod server_written_fields;

mod templates;

mod report;
