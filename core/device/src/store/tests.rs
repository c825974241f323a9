//! The store's incremental saves and kept copies: what is read back is always the whole,
//! current document, whoever wrote it last.

use super::*;
use crate::model::stock::{self, LedgerDoc, LocationKind, MovementKind};
use crate::model::{Role, now_ms};
use crate::testing::*;
use crate::workspace::Workspace;

fn part(sku: &str) -> stock::PartInfo {
    stock::PartInfo {
        sku: sku.into(),
        name_zh: "阀片".into(),
        name_en: "Valve plate".into(),
        category_id: None,
        unit: "pcs".into(),
        barcode: String::new(),
        sale_price_minor: 100,
        cost_minor: 50,
        currency: "CNY".into(),
        min_stock: 0,
        compatible_models: vec![],
        photo: None,
    }
}

fn tails(store: &Store, id: &str) -> i64 {
    store
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM document_tails WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap()
}

/// A part, a warehouse, and the id of the warehouse's ledger of this month: (part, warehouse, ledger).
fn a_part_and_this_months_warehouse_ledger(sup: &mut Workspace) -> (String, String, String) {
    let part = sup.create_part(&part("VP-1")).unwrap().id;
    let wh = sup
        .create_location(LocationKind::Warehouse, "总仓", None)
        .unwrap()
        .id;
    let ledger = stock::ledger_id(&wh, &stock::ledger_month(now_ms()));
    (part, wh, ledger)
}

/// The ledger as a fresh parse of what is stored says it (no kept copy involved).
fn stored_ledger(store: &Store, id: &str) -> LedgerDoc {
    let doc = crdt::load(&store.document_bytes(id).unwrap().unwrap()).unwrap();
    LedgerDoc::from_doc(&doc).unwrap()
}

#[test]
fn small_edits_append_tails_that_read_back_whole_and_fold_into_one_save() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("device.db");
    let mut sup = workspace(SUPERVISOR, Role::Supervisor);
    // The same device on a file, so the store can be reopened with nothing kept in memory.
    let mut file = Workspace::open(&path).unwrap();
    exchange(&sup, &mut file);
    let (part, wh, ledger) = a_part_and_this_months_warehouse_ledger(&mut sup);
    sup.record_movement(&wh, &part, MovementKind::Receive, 100, "first")
        .unwrap();
    assert_eq!(
        tails(&sup.store, &ledger),
        0,
        "a new document is saved whole"
    );
    for i in 0..10 {
        sup.record_movement(&wh, &part, MovementKind::Adjust, -1, &format!("n{i}"))
            .unwrap();
    }
    assert_eq!(
        tails(&sup.store, &ledger),
        10,
        "each edit appends its changes"
    );
    let read = stored_ledger(&sup.store, &ledger);
    assert_eq!(read.movements.len(), 11);
    let (_, kept) = sup.store.load(&ledger).unwrap().unwrap();
    assert_eq!(
        crdt::to_json(&kept).unwrap(),
        crdt::to_json(&crdt::load(&sup.store.document_bytes(&ledger).unwrap().unwrap()).unwrap())
            .unwrap()
    );
    // Past the tail limit the next save is whole again, and nothing is lost on the way.
    for i in 0..MAX_TAILS {
        sup.record_movement(&wh, &part, MovementKind::Adjust, -1, &format!("m{i}"))
            .unwrap();
    }
    assert!(tails(&sup.store, &ledger) < MAX_TAILS);
    let read = stored_ledger(&sup.store, &ledger);
    assert_eq!(read.movements.len(), 11 + MAX_TAILS as usize);
    assert_eq!(
        sup.levels(Some(&wh), Some(&part)).unwrap()[0].level,
        100 - 10 - MAX_TAILS
    );
    // Another device receives the document with its tails, and a reopened store reads the same.
    exchange(&sup, &mut file);
    drop(file);
    let mut file = Workspace::open(&path).unwrap();
    assert_eq!(
        stored_ledger(&file.store, &ledger).movements.len(),
        11 + MAX_TAILS as usize
    );
    assert_eq!(
        file.levels(Some(&wh), Some(&part)).unwrap()[0].level,
        100 - 10 - MAX_TAILS
    );
    let before = file.store.projection_dump().unwrap();
    file.store.rebuild_projections().unwrap();
    assert_eq!(file.store.projection_dump().unwrap(), before);
}

#[test]
fn a_kept_copy_is_not_used_once_a_sync_wrote_the_document() {
    let mut a = workspace(SUPERVISOR, Role::Supervisor);
    let mut b = workspace(SUPERVISOR, Role::Supervisor);
    let c = a.create_customer(&customer_input("Acme")).unwrap();
    exchange(&a, &mut b);
    // B reads (and so keeps) the customer, then a pull brings A's rename.
    assert_eq!(b.get_customer(&c.id).unwrap().name, "Acme");
    assert!(b.store.load(&c.id).unwrap().is_some());
    a.update_customer(&c.id, &customer_input("Acme East"))
        .unwrap();
    exchange(&a, &mut b);
    let (_, doc) = b.store.load(&c.id).unwrap().unwrap();
    assert_eq!(
        crate::model::customer::Customer::from_doc(&doc)
            .unwrap()
            .name,
        "Acme East"
    );
    assert_eq!(tails(&b.store, &c.id), 1, "the pull appended what was new");
    // B's own edit starts from the merged document, not from what it kept before.
    let phone = crate::model::customer::CustomerInput {
        phone: "+86 21 5555 0199".into(),
        ..customer_input("Acme East")
    };
    b.update_customer(&c.id, &phone).unwrap();
    exchange(&b, &mut a);
    let merged = a.get_customer(&c.id).unwrap();
    assert_eq!(
        (merged.name.as_str(), merged.phone.as_str()),
        ("Acme East", "+86 21 5555 0199")
    );
    // A wipe leaves nothing to be read back.
    b.store.wipe(true).unwrap();
    assert!(b.store.load(&c.id).unwrap().is_none());
}

#[test]
fn an_edit_takes_the_kept_copy_and_one_that_fails_leaves_the_stored_document() {
    let mut sup = workspace(SUPERVISOR, Role::Supervisor);
    let (part, wh, ledger) = a_part_and_this_months_warehouse_ledger(&mut sup);
    sup.record_movement(&wh, &part, MovementKind::Receive, 5, "")
        .unwrap();
    assert!(
        sup.store
            .cache
            .get(&ledger, &stored_heads(&sup.store, &ledger))
            .is_some(),
        "kept after its commit"
    );
    // An edit that is never committed: the kept copy went with it, nothing stale stays.
    let (_, mut taken) = sup.store.load_for_edit(&ledger).unwrap().unwrap();
    assert!(
        sup.store
            .cache
            .get(&ledger, &stored_heads(&sup.store, &ledger))
            .is_none()
    );
    stock::add_movement(
        &mut taken,
        &crate::model::new_id(),
        &stock::Movement {
            part_id: part.clone(),
            kind: MovementKind::Receive,
            qty: 99,
            by: SUPERVISOR.into(),
            at: now_ms(),
            order_id: None,
            request_id: None,
            counterpart: None,
            note: String::new(),
        },
    )
    .unwrap();
    drop(taken);
    let (_, reread) = sup.store.load_for_edit(&ledger).unwrap().unwrap();
    assert_eq!(LedgerDoc::from_doc(&reread).unwrap().movements.len(), 1);
    // A movement refused after the ledger was taken (a receipt with a minus sign) loses
    // nothing either; the next one commits on top of what is stored.
    assert!(
        sup.record_movement(&wh, &part, MovementKind::Receive, -1, "")
            .is_err()
    );
    sup.record_movement(&wh, &part, MovementKind::Receive, 2, "")
        .unwrap();
    assert_eq!(stored_ledger(&sup.store, &ledger).movements.len(), 2);
    assert_eq!(sup.levels(Some(&wh), Some(&part)).unwrap()[0].level, 7);
}

fn stored_heads(store: &Store, id: &str) -> String {
    store
        .conn()
        .query_row("SELECT heads FROM documents WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .unwrap()
}
