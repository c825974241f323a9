//! A new device's first sync goes by scope (docs/PROTOCOL.md, "First sync"): the documents a
//! person reads come as snapshots in pages, with progress, and an interrupted first sync goes
//! on where it stopped. Against the real server, on SQLite and on PostgreSQL.

use fieldops_device::model::knowledge::{EntryContent, EntryKind};
use fieldops_device::model::stock::{LocationKind, PartInfo};
use fieldops_device::protocol::CatchUp;
use fieldops_device::store::OrderFilter;
use fieldops_device::sync::{Pushed, apply_response, prepare_request};
use fieldops_device::workspace::{FirstSyncProgress, RequestLineInput};
use fieldops_scenarios::*;

/// Every document id a device holds, sorted.
fn held(d: &Device) -> Vec<String> {
    let ws = d.ws();
    let mut stmt = ws
        .store
        .conn()
        .prepare("SELECT id FROM documents ORDER BY id")
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// One round trip of the device's sync, applied as the app applies it.
async fn one_round(d: &Device) -> fieldops_device::protocol::SyncResponse {
    let (req, pushed) = prepare_request(&d.ws().store).unwrap();
    let (resp, _, _) = d.http.as_ref().unwrap().round_trip(&req).await.unwrap();
    let mut report = Default::default();
    apply_response(&mut d.ws().store, &pushed, &resp, &mut report).unwrap();
    resp
}

/// A first sync as a device that does not know the catch-up makes it: walking the whole
/// feed from 0 (what older devices still do, and the reference for what a scope is).
async fn first_sync_by_feed(d: &Device) {
    for _ in 0..1000 {
        let (mut req, _) = prepare_request(&d.ws().store).unwrap();
        req.catch_up = None;
        let (resp, _, _) = d.http.as_ref().unwrap().round_trip(&req).await.unwrap();
        assert!(resp.catch_up.is_none());
        let mut report = Default::default();
        apply_response(&mut d.ws().store, &Pushed::none(), &resp, &mut report).unwrap();
        if !resp.more {
            return;
        }
    }
    panic!("the feed walk did not end");
}

fn names(d: &Device) -> Vec<(String, String)> {
    let mut all: Vec<(String, String)> = d
        .ws()
        .list_customers()
        .unwrap()
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    all.sort();
    all
}

async fn a_first_sync_comes_in_pages_and_goes_on_where_it_stopped(backend: Backend) {
    let w = world(backend).await;
    {
        let mut ws = w.sup.ws();
        for i in 0..320 {
            ws.create_customer(&customer(&format!("客户 {i:03}")))
                .unwrap();
        }
    }
    let r = w.sup.sync().await;
    assert_eq!((r.accepted, r.rejected.len()), (320, 0));
    let everything = held(&w.sup);
    let total = everything.len() as u32;
    assert_eq!(total, 321, "320 customers and the settings");

    let mut fresh = Device::signed_in(&w.server, T, "sup").await;
    let (req, _) = prepare_request(&fresh.ws().store).unwrap();
    assert_eq!(
        req.catch_up,
        Some(CatchUp::default()),
        "a fresh device asks by scope"
    );
    let first = one_round(&fresh).await;
    assert_eq!(first.pull.len(), 250, "one page");
    assert!(first.more);
    let at = first.catch_up.clone().expect("more pages to come");
    assert_eq!((at.sent, at.total), (250, total));
    assert_eq!(at.after, everything[249], "pages go by id");
    assert_eq!(
        fresh.ws().sync_status().unwrap().first_sync,
        Some(FirstSyncProgress {
            received: 250,
            total
        })
    );

    // While the new device is away: one customer it already has changes, one it has not
    // received yet changes, and a new one appears.
    let (early, late) = (everything[0].clone(), everything[300].clone());
    let added = {
        let mut ws = w.sup.ws();
        for id in [&early, &late] {
            let mut input = customer("改名");
            input.name = format!("改名 {id}");
            if ws.get_customer(id).is_ok() {
                ws.update_customer(id, &input).unwrap();
            }
        }
        ws.create_customer(&customer("新客户")).unwrap().id
    };
    w.sup.sync().await;

    // The app is closed and opened again: the first sync goes on from the same page.
    fresh.reopen();
    let (req, _) = prepare_request(&fresh.ws().store).unwrap();
    assert_eq!(req.catch_up.as_ref(), Some(&at));
    assert_eq!(req.cursor, first.cursor);
    let rest = fresh.sync().await;
    // The 72 documents after the first page (the new customer among them), and the three
    // changes made meanwhile once more from the feed.
    assert!(
        rest.pulled <= (total + 1 - 250) + 3,
        "it did not start over: {} documents",
        rest.pulled
    );
    assert_eq!(fresh.ws().sync_status().unwrap().first_sync, None);
    assert_eq!(held(&fresh), held(&w.sup));
    assert_eq!(names(&fresh), names(&w.sup));
    assert!(names(&fresh).iter().any(|(id, _)| id == &added));
    assert_eq!(
        fresh.ws().get_customer(&early).unwrap().name,
        format!("改名 {early}")
    );
    // Nothing more to come.
    let idle = fresh.sync().await;
    assert_eq!((idle.round_trips, idle.pulled), (1, 0));
}

/// A lost answer: the device asks for the same page again and gets it whole.
async fn a_lost_page_is_sent_again(backend: Backend) {
    let w = world(backend).await;
    {
        let mut ws = w.sup.ws();
        for i in 0..260 {
            ws.create_customer(&customer(&format!("客户 {i:03}")))
                .unwrap();
        }
    }
    w.sup.sync().await;
    let fresh = Device::signed_in(&w.server, T, "sup").await;
    one_round(&fresh).await;
    // The second page's answer never arrives.
    let (req, _) = prepare_request(&fresh.ws().store).unwrap();
    let (lost, _, _) = fresh.http.as_ref().unwrap().round_trip(&req).await.unwrap();
    assert!(lost.catch_up.is_none(), "the last page");
    let again = one_round(&fresh).await;
    assert_eq!(
        again.pull.iter().map(|p| &p.doc).collect::<Vec<_>>(),
        lost.pull.iter().map(|p| &p.doc).collect::<Vec<_>>()
    );
    assert_eq!(held(&fresh), held(&w.sup));
}

/// What each role's new device receives by scope is exactly what walking the feed gives it.
async fn each_role_gets_by_scope_what_the_feed_walk_gives(backend: Backend) {
    let w = world(backend).await;
    w.db.add_user(T, "keeper", "warehouse");
    let a_order = dispatched_order(&w, "A 的工单").await;
    let b_order = {
        let mut ws = w.sup.ws();
        let c = ws.create_customer(&customer("B 的客户")).unwrap();
        let o = ws.create_order(&order(&c, "B 的工单")).unwrap();
        ws.dispatch_order(&o.summary.id, &[w.tech_b.user_id()], false)
            .unwrap();
        ws.create_order(&order(&c, "未派工")).unwrap();
        ws.create_part(&PartInfo {
            sku: "OIL-5L".into(),
            name_zh: "冷冻机油".into(),
            name_en: String::new(),
            category_id: None,
            unit: "can".into(),
            barcode: String::new(),
            sale_price_minor: 68_000,
            cost_minor: 41_000,
            currency: "CNY".into(),
            min_stock: 0,
            compatible_models: vec![],
            photo: None,
        })
        .unwrap();
        ws.create_location(LocationKind::Van, "A 的车", Some(&w.tech_a.user_id()))
            .unwrap();
        let content = |title: &str| EntryContent {
            title: title.into(),
            body: "检查冷凝器".into(),
            ..Default::default()
        };
        ws.create_entry(EntryKind::Article, &content("已发布"), true)
            .unwrap();
        ws.create_entry(EntryKind::Article, &content("草稿"), false)
            .unwrap();
        o.summary.id
    };
    let r = w.sup.sync().await;
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    // Tech A: a part request and a draft of their own; then the order moves to tech B and
    // back, so the scope changed along the feed.
    w.tech_a.sync().await;
    {
        let mut ws = w.tech_a.ws();
        let part = ws.list_parts(None).unwrap().remove(0).id;
        let van = ws.list_locations().unwrap().remove(0).id;
        ws.create_request(
            &van,
            None,
            &[RequestLineInput {
                part_id: part,
                qty: 1,
                reason: "refill".into(),
            }],
        )
        .unwrap();
        ws.create_entry(
            EntryKind::Article,
            &EntryContent {
                title: "A 的草稿".into(),
                body: "x".into(),
                ..Default::default()
            },
            false,
        )
        .unwrap();
    }
    let r = w.tech_a.sync().await;
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);

    for login in ["tech.a", "tech.b", "keeper", "sup"] {
        let by_scope = Device::signed_in(&w.server, T, login).await;
        let report = by_scope.sync().await;
        let by_feed = Device::signed_in(&w.server, T, login).await;
        first_sync_by_feed(&by_feed).await;
        assert_eq!(held(&by_scope), held(&by_feed), "{login}");
        assert_eq!(
            report.pulled as usize,
            held(&by_scope).len(),
            "{login}: each once"
        );
        let orders: Vec<String> = by_scope
            .ws()
            .list_orders(&OrderFilter::default())
            .unwrap()
            .into_iter()
            .map(|o| o.id)
            .collect();
        match login {
            "tech.a" => assert_eq!(orders, vec![a_order.clone()]),
            "tech.b" => assert_eq!(orders, vec![b_order.clone()]),
            "keeper" => assert!(orders.is_empty()),
            _ => assert_eq!(orders.len(), 3),
        }
    }
}

/// A technician's later pulls read only the entries of what they read or hold, and their
/// cursor jumps to the head: 600 customers of others are no page of theirs.
async fn a_technicians_pull_reads_only_what_concerns_them(backend: Backend) {
    let w = world(backend).await;
    {
        let mut ws = w.sup.ws();
        for i in 0..600 {
            ws.create_customer(&customer(&format!("别人的客户 {i:03}")))
                .unwrap();
        }
    }
    w.sup.sync().await;
    let id = dispatched_order(&w, "A 的工单").await;
    let r = w.tech_a.sync().await;
    assert_eq!(
        (r.round_trips, r.pulled),
        (1, 2),
        "one page: the order and its customer, not 600 entries of others"
    );
    let cursor = |d: &Device| fieldops_device::sync::cursor(&d.ws().store).unwrap();
    assert_eq!(cursor(&w.tech_a), cursor(&w.sup), "at the head");
    assert!(w.tech_a.ws().get_order(&id).is_ok());
    let fresh = Device::signed_in(&w.server, T, "tech.a").await;
    fresh.sync().await;
    assert_eq!(held(&w.tech_a), held(&fresh));
}

on_both!(
    a_technicians_pull_reads_only_what_concerns_them,
    a_first_sync_comes_in_pages_and_goes_on_where_it_stopped,
    a_lost_page_is_sent_again,
    each_role_gets_by_scope_what_the_feed_walk_gives,
);
