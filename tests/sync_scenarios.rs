//! Scenarios with the real server process and several client stores, on SQLite and on
//! PostgreSQL. Every scenario runs on both backends.

use fieldops_device::ErrorCode;
use fieldops_device::Refusal;
use fieldops_device::model::equipment::EquipmentInfo;
use fieldops_device::model::order::{Clash, EventKind, OrderType, Priority};
use fieldops_device::model::project::{ProjectInfo, ProjectStatus};
use fieldops_device::model::stock::PartInfo;
use fieldops_device::store::OrderFilter;
use fieldops_device::workspace::Action;
use fieldops_scenarios::*;

async fn dispatch_then_accept(backend: Backend) {
    let w = world(backend).await;
    let id = dispatched_order(&w, "变压器温度过高 transformer overheating").await;
    let r = w.tech_a.sync().await;
    assert_eq!(r.pulled, 2, "the order and its customer");
    {
        let ws = w.tech_a.ws();
        let o = ws.get_order(&id).unwrap();
        assert_eq!(o.summary.status, "dispatched");
        assert_eq!(o.summary.customer_name.as_deref(), Some("华北电力设备公司"));
        assert_eq!(o.site.as_ref().unwrap().name, "HQ");
    }
    w.tech_a.ws().accept_order(&id).unwrap();
    assert_eq!(w.tech_a.ws().sync_status().unwrap().pending, 1);
    let r = w.tech_a.sync().await;
    assert_eq!((r.accepted, r.rejected.len()), (1, 0));
    assert_eq!(w.tech_a.ws().sync_status().unwrap().pending, 0);
    w.sup.sync().await;
    assert_eq!(
        w.sup.ws().get_order(&id).unwrap().summary.status,
        "accepted"
    );
    // Tech B saw nothing of it.
    w.tech_b.sync().await;
    assert!(
        w.tech_b
            .ws()
            .list_orders(&OrderFilter::default())
            .unwrap()
            .is_empty()
    );
    assert!(w.tech_b.ws().list_customers().unwrap().is_empty());
}

async fn offline_edits_of_different_fields_merge(backend: Backend) {
    let w = world(backend).await;
    let id = dispatched_order(&w, "Pump leaks").await;
    w.tech_a.sync().await;
    let sup2 = Device::signed_in(&w.server, T, "sup").await;
    sup2.sync().await;
    // All three offline: supervisor changes priority, second supervisor device the text, tech accepts.
    {
        let mut ws = w.sup.ws();
        let c = ws.list_customers().unwrap().remove(0);
        let mut input = order(&c, "Pump leaks");
        input.priority = Priority::Urgent;
        ws.update_order(&id, &input).unwrap();
    }
    {
        let mut ws = sup2.ws();
        let c = ws.list_customers().unwrap().remove(0);
        ws.update_order(
            &id,
            &order(&c, "Pump leaks at the flange; bring gasket kit"),
        )
        .unwrap();
    }
    w.tech_a.ws().accept_order(&id).unwrap();
    for d in [&w.sup, &sup2, &w.tech_a, &w.sup, &sup2, &w.tech_a] {
        let r = d.sync().await;
        assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    }
    let views: Vec<_> = [&w.sup, &sup2, &w.tech_a]
        .iter()
        .map(|d| d.ws().get_order(&id).unwrap())
        .collect();
    for v in &views {
        assert_eq!(v.summary.priority, "urgent");
        assert_eq!(
            v.summary.description,
            "Pump leaks at the flange; bring gasket kit"
        );
        assert_eq!(v.summary.status, "accepted");
        assert_eq!(v.events, views[0].events);
    }
}

async fn scope_is_enforced_and_reassignment_revokes(backend: Backend) {
    let w = world(backend).await;
    let id = dispatched_order(&w, "Boiler inspection").await;
    w.tech_a.sync().await;
    w.tech_b.sync().await;
    assert!(
        w.tech_b.ws().get_order(&id).is_err(),
        "tech B cannot pull it"
    );

    // Tech B forges a push to tech A's order, bypassing the client-side check.
    let (doc_bytes, changes) = {
        let ws = w.tech_a.ws();
        let (_, mut doc) = ws.store.load(&id).unwrap().unwrap();
        let before = doc.get_heads();
        let mut forged = doc
            .fork()
            .with_actor(automerge::ActorId::from(hex_actor(&w.tech_b)));
        fieldops_device::model::order::append_event(
            &mut forged,
            &fieldops_device::model::order::OrderEvent {
                at: 1,
                ..fieldops_device::model::order::OrderEvent::new(
                    fieldops_device::model::order::EventKind::Accepted,
                    &w.tech_b.user_id(),
                )
            },
        )
        .unwrap();
        (doc.save(), forged.save_after(&before))
    };
    let _ = doc_bytes;
    let resp = raw_push(&w.tech_b, &id, "order", &changes).await;
    assert_eq!(resp.rejected.len(), 1);
    assert_eq!(resp.rejected[0].code, ErrorCode::OutOfScope);

    // Tech A may not change the header: refused with path and rule, nothing stored.
    let header_change = {
        let ws = w.tech_a.ws();
        let (_, mut doc) = ws.store.load(&id).unwrap().unwrap();
        let before = doc.get_heads();
        use automerge::transaction::Transactable;
        let header = fieldops_device::crdt::child_obj(&doc, &automerge::ROOT, "header").unwrap();
        doc.put(&header, "priority", "urgent").unwrap();
        doc.save_after(&before)
    };
    let resp = raw_push(&w.tech_a, &id, "order", &header_change).await;
    assert_eq!(resp.rejected[0].code, ErrorCode::Forbidden);
    assert_eq!(resp.rejected[0].path.as_deref(), Some("header.priority"));
    w.sup.sync().await;
    assert_eq!(
        w.sup.ws().get_order(&id).unwrap().summary.priority,
        "normal",
        "nothing of the refused push was stored"
    );

    // Reassign to tech B: A's device is told who took the order over and keeps it, read-only,
    // until A has seen it; its customer leaves at once. Then the order reaches B's device.
    w.sup
        .ws()
        .dispatch_order(&id, &[w.tech_b.user_id()], false)
        .unwrap();
    w.sup.sync().await;
    let r = w.tech_a.sync().await;
    assert_eq!(r.revoked, 1, "the customer is revoked");
    let seen = w.tech_a.ws().get_order(&id).unwrap();
    let reassigned = seen.reassigned.expect("A is told");
    assert_eq!(
        (reassigned.to, reassigned.by),
        (vec![w.tech_b.user_id()], w.sup.user_id())
    );
    assert!(seen.actions.is_empty(), "read-only on A's device");
    w.tech_a.ws().acknowledge_reassignment(&id).unwrap();
    assert!(w.tech_a.ws().get_order(&id).is_err());
    assert!(w.tech_a.ws().list_customers().unwrap().is_empty());
    w.tech_b.sync().await;
    let tech_b = w.tech_b.user_id();
    assert_eq!(
        w.tech_b.ws().get_order(&id).unwrap().summary.assignees,
        vec![tech_b]
    );
}

fn machine(c: &fieldops_device::workspace::CustomerView, name: &str) -> EquipmentInfo {
    EquipmentInfo {
        name: name.into(),
        model: "Siemens 3AH5".into(),
        serial: format!("SN-{name}"),
        customer_id: c.id.clone(),
        site_id: c.sites[0].id.clone(),
        project_id: None,
        installed_on: Some("2025-05-20".into()),
        warranty_until: None,
        maintenance_interval_days: Some(180),
        notes: String::new(),
    }
}

async fn equipment_and_projects_follow_the_orders_that_name_them(backend: Backend) {
    let w = world(backend).await;
    let (id, x, y, p, c) = {
        let mut ws = w.sup.ws();
        let c = ws.create_customer(&customer("国网变电站")).unwrap();
        let p = ws
            .create_project(&ProjectInfo {
                name: "变电站改造".into(),
                code: "P-1".into(),
                customer_id: c.id.clone(),
                status: ProjectStatus::Active,
                start_on: None,
                end_on: None,
                budget_minor: Some(1_000_000),
                currency: "CNY".into(),
                description: String::new(),
            })
            .unwrap();
        let x = ws.create_equipment(&machine(&c, "breaker-1")).unwrap();
        let y = ws.create_equipment(&machine(&c, "breaker-2")).unwrap();
        let mut input = order(&c, "断路器跳闸 breaker trips");
        input.equipment_ids = vec![x.id.clone()];
        input.project_id = Some(p.id.clone());
        let o = ws.create_order(&input).unwrap();
        ws.dispatch_order(&o.summary.id, &[w.tech_a.user_id()], false)
            .unwrap();
        (o.summary.id, x.id, y.id, p.id, c)
    };
    let r = w.sup.sync().await;
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    let r = w.tech_a.sync().await;
    assert_eq!(
        r.pulled, 4,
        "order, customer, the named machine and the project"
    );
    {
        let ws = w.tech_a.ws();
        let o = ws.get_order(&id).unwrap();
        assert_eq!(o.equipment.len(), 1);
        assert_eq!(o.equipment[0].info.serial, "SN-breaker-1");
        assert_eq!(o.project.as_ref().unwrap().info.name, "变电站改造");
        assert!(
            ws.get_equipment(&y).is_err(),
            "a machine no order names stays away"
        );
    }
    w.tech_b.sync().await;
    assert!(w.tech_b.ws().get_equipment(&x).is_err());
    assert!(w.tech_b.ws().get_project(&p).is_err());

    // The supervisor's later edit of the machine reaches the technician.
    {
        let mut ws = w.sup.ws();
        let mut info = ws.get_equipment(&x).unwrap().info;
        info.serial = "SN-REPLACED".into();
        ws.update_equipment(&x, &info).unwrap();
    }
    w.sup.sync().await;
    w.tech_a.sync().await;
    assert_eq!(
        w.tech_a.ws().get_equipment(&x).unwrap().info.serial,
        "SN-REPLACED"
    );

    // A technician's forged edit of the machine is refused with path and rule.
    let forged = {
        let ws = w.tech_a.ws();
        let (_, mut doc) = ws.store.load(&x).unwrap().unwrap();
        let before = doc.get_heads();
        use automerge::transaction::Transactable;
        let info = fieldops_device::crdt::child_obj(&doc, &automerge::ROOT, "info").unwrap();
        doc.put(&info, "serial", "SN-FAKE").unwrap();
        doc.save_after(&before)
    };
    let resp = raw_push(&w.tech_a, &x, "equipment", &forged).await;
    assert_eq!(
        resp.rejected[0].code,
        ErrorCode::Forbidden,
        "{:?}",
        resp.rejected
    );
    assert_eq!(resp.rejected[0].path.as_deref(), Some("equipment"));

    // The order now names the other machine: it arrives, the first one leaves.
    {
        let mut ws = w.sup.ws();
        let mut input = order(&c, "断路器跳闸 breaker trips");
        input.equipment_ids = vec![y.clone()];
        input.project_id = Some(p.clone());
        ws.update_order(&id, &input).unwrap();
    }
    w.sup.sync().await;
    let r = w.tech_a.sync().await;
    assert_eq!((r.revoked, r.rejected.len()), (1, 0), "{r:?}");
    assert!(w.tech_a.ws().get_equipment(&x).is_err());
    assert_eq!(
        w.tech_a.ws().get_equipment(&y).unwrap().info.serial,
        "SN-breaker-2"
    );

    // Reassigned: everything the order brought leaves tech A's device and reaches tech B's;
    // the order itself comes once more (A is told who took it over) and goes once A says OK.
    w.sup
        .ws()
        .dispatch_order(&id, &[w.tech_b.user_id()], false)
        .unwrap();
    w.sup.sync().await;
    let r = w.tech_a.sync().await;
    assert_eq!(
        (r.revoked, r.pulled),
        (3, 1),
        "customer, machine, project revoked; the order's last state: {r:?}"
    );
    assert!(w.tech_a.ws().get_project(&p).is_err());
    assert!(w.tech_a.ws().get_order(&id).unwrap().reassigned.is_some());
    w.tech_a.ws().acknowledge_reassignment(&id).unwrap();
    assert!(w.tech_a.ws().get_order(&id).is_err());
    w.tech_b.sync().await;
    let ws = w.tech_b.ws();
    assert!(ws.get_equipment(&y).is_ok() && ws.get_project(&p).is_ok());
    assert_eq!(ws.get_order(&id).unwrap().equipment.len(), 1);
}

/// A camera-sized JPEG (3000×2000) with a coloured corner, as the tablet would hand it over.
/// Where a resumable upload stands, as the server tells the device with `token`.
async fn upload_state(
    http: &reqwest::Client,
    url: &str,
    token: &str,
) -> fieldops_device::protocol::UploadState {
    http.get(url)
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// A catalogue part priced in CNY, with no minimum stock.
fn part(sku: &str, name_zh: &str, unit: &str, sale_price_minor: i64, cost_minor: i64) -> PartInfo {
    PartInfo {
        sku: sku.into(),
        name_zh: name_zh.into(),
        name_en: String::new(),
        category_id: None,
        unit: unit.into(),
        barcode: String::new(),
        sale_price_minor,
        cost_minor,
        currency: "CNY".into(),
        min_stock: 0,
        compatible_models: vec![],
        photo: None,
    }
}

async fn offline_check_in_with_photos_reaches_the_supervisor(backend: Backend) {
    use fieldops_device::geo::FenceVerdict;
    use fieldops_device::geo::Position;
    use fieldops_device::workspace::PhotoInput;
    let mut w = world(backend).await;
    let id = dispatched_order(&w, "配电柜发热 switchgear hot").await;
    w.tech_a.sync().await;
    // Offline: accept, check in ~450 m from the site (39.9042, 116.4074), two photos.
    {
        let mut ws = w.tech_a.ws();
        ws.accept_order(&id).unwrap();
        let pos = Position {
            lat: 39.9083,
            lon: 116.4074,
            accuracy_m: Some(12.0),
            altitude_m: None,
            mock: None,
            source: "gps".into(),
        };
        let o = ws.check_in(&id, Some(pos)).unwrap();
        let visit = o.events.last().unwrap().id.clone();
        for (i, caption) in ["柜体 cabinet", "热像 thermal"].iter().enumerate() {
            let input = PhotoInput {
                caption: (*caption).into(),
                event_id: Some(visit.clone()),
                position: None,
            };
            // The thermal picture is finely textured: too big for one upload chunk.
            let taken = if i == 0 {
                camera_jpeg(30)
            } else {
                textured_jpeg(7)
            };
            ws.attach_photo(&id, &taken, &input).unwrap();
        }
        assert_eq!(ws.store.pending_blobs().unwrap().len(), 4);
    }
    // The connection drops half way: the three small files reached the server whole, the
    // big photo only its first chunk; then the server went away. The device still holds
    // everything and says so.
    let pending = w.tech_a.ws().store.pending_blobs().unwrap();
    let chunk = fieldops_device::protocol::BLOB_CHUNK_BYTES;
    let (big, small): (Vec<_>, Vec<_>) = pending.iter().partition(|b| b.2.len() > chunk);
    assert_eq!((big.len(), small.len()), (1, 3));
    let (big_hash, big_type, big_bytes) = big[0];
    let http = fieldops_device::net::http_client(std::time::Duration::from_secs(60)).unwrap();
    let token_a = w.tech_a.http.as_ref().unwrap().token().to_string();
    for (hash, ct, bytes) in &small {
        let resp = http
            .put(format!("{}/v1/blobs/{hash}", w.server.url))
            .bearer_auth(&token_a)
            .header("content-type", ct.as_str())
            .body(bytes.clone())
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_success(), "{}", resp.status());
    }
    let upload = format!("{}/v1/blobs/{big_hash}/upload", w.server.url);
    let put_chunk = |offset: usize, body: Vec<u8>, length: usize| {
        http.put(format!("{upload}?offset={offset}"))
            .bearer_auth(&token_a)
            .header("content-type", big_type.as_str())
            .header("x-blob-length", length)
            .body(body)
            .send()
    };
    let first = put_chunk(0, big_bytes[..chunk].to_vec(), big_bytes.len())
        .await
        .unwrap();
    assert!(first.status().is_success(), "{}", first.status());
    // A chunk that does not start where the upload stands is refused, and changes nothing.
    let skipped = put_chunk(
        2 * chunk,
        big_bytes[2 * chunk..3 * chunk].to_vec(),
        big_bytes.len(),
    )
    .await
    .unwrap();
    assert_eq!(skipped.status().as_u16(), 409);
    let state = upload_state(&http, &upload, &token_a).await;
    assert_eq!((state.received, state.complete), (chunk as u64, false));
    w.server.kill();
    assert!(w.tech_a.try_sync().await.is_err());
    assert_eq!(w.tech_a.ws().store.pending_blobs().unwrap().len(), 4);
    assert_eq!(w.tech_a.ws().sync_status().unwrap().pending, 1);
    // Back online: the upload resumes. The small files go again (no-ops on the server); of
    // the big photo only what the server lacks is sent.
    w.server.restart();
    let r = w.tech_a.sync().await;
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    assert_eq!(r.blobs_uploaded, 4);
    let small_bytes: usize = small.iter().map(|b| b.2.len()).sum();
    assert_eq!(
        r.blob_bytes_sent as usize,
        small_bytes + big_bytes.len() - chunk
    );
    assert!(w.tech_a.ws().store.pending_blobs().unwrap().is_empty());

    // The supervisor gets the check-in with its flag, and the thumbnails.
    w.sup.sync().await;
    let o = w.sup.ws().get_order(&id).unwrap();
    let fence = o.check_ins[0].fence.clone().unwrap();
    assert_eq!(fence.verdict, FenceVerdict::Outside);
    assert!((fence.distance_m.unwrap() - 456.0).abs() < 5.0, "{fence:?}");
    assert_eq!(o.photos.len(), 2);
    for p in &o.photos {
        assert_eq!((p.photo.width, p.photo.height), (2048, 1365));
        let (ct, thumb) =
            fieldops_device::sync::fetch_blob(&w.sup.ws, w.sup.http.as_ref(), &p.photo.thumb_hash)
                .await
                .unwrap();
        assert_eq!(ct, "image/jpeg");
        let decoded = image::load_from_memory(&thumb).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (320, 213));
    }
    // The big photo arrived whole from its chunks.
    let (_, whole) = fieldops_device::sync::fetch_blob(&w.sup.ws, w.sup.http.as_ref(), big_hash)
        .await
        .unwrap();
    assert_eq!(&whole, big_bytes);
    // Chunks that do not add up to the blob they name are thrown away, never stored.
    let mut damaged = big_bytes.clone();
    damaged[10] ^= 0xff;
    let fake_hash = fieldops_device::blob::sha256_hex(b"not these bytes");
    let fake = format!("{}/v1/blobs/{fake_hash}/upload", w.server.url);
    let mut last = None;
    for start in (0..damaged.len()).step_by(chunk) {
        let end = damaged.len().min(start + chunk);
        last = Some(
            http.put(format!("{fake}?offset={start}"))
                .bearer_auth(&token_a)
                .header("content-type", "image/jpeg")
                .header("x-blob-length", damaged.len())
                .body(damaged[start..end].to_vec())
                .send()
                .await
                .unwrap(),
        );
    }
    let last = last.unwrap();
    assert_eq!(last.status().as_u16(), 400);
    assert!(last.text().await.unwrap().contains("hash_mismatch"));
    let state = upload_state(&http, &fake, &token_a).await;
    assert_eq!((state.received, state.complete), (0, false));
    // Tech B sees nothing of them.
    let token_b = w.tech_b.http.as_ref().unwrap().token().to_string();
    let status = http
        .get(format!(
            "{}/v1/blobs/{}",
            w.server.url, o.photos[0].photo.hash
        ))
        .bearer_auth(&token_b)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status.as_u16(), 404);
}

async fn attendance_reaches_supervisors_and_no_other_technician(backend: Backend) {
    use fieldops_device::model::attendance::ClockKind;
    let w = world(backend).await;
    let a = w.tech_a.user_id();
    w.tech_a.ws().clock(ClockKind::ClockIn, None).unwrap();
    w.tech_a.ws().clock(ClockKind::ClockOut, None).unwrap();
    let r = w.tech_a.sync().await;
    assert_eq!((r.accepted, r.rejected.len()), (2, 0), "{r:?}");
    w.sup.sync().await;
    w.tech_b.sync().await;
    let day = chrono_day();
    let rows = w.sup.ws().attendance_report(&day, &day, 0).unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].user_id, a);
    assert!(rows[0].clock_in.is_some() && rows[0].clock_out.is_some());
    assert!(
        w.tech_b
            .ws()
            .attendance_report(&day, &day, 0)
            .unwrap()
            .is_empty()
    );
    // Tech B clocks in on A's behalf with a forged document: refused, nothing stored.
    let forged = {
        let mut doc =
            automerge::AutoCommit::new().with_actor(automerge::ActorId::from(hex_actor(&w.tech_b)));
        let id = fieldops_device::model::attendance::new_attendance_doc(
            &mut doc,
            &a,
            ClockKind::ClockIn,
            1_764_000_000_000,
            0,
            None,
        )
        .unwrap();
        (id, doc.save())
    };
    let resp = raw_push(&w.tech_b, &forged.0, "attendance", &forged.1).await;
    assert_eq!(
        resp.rejected[0].code,
        ErrorCode::Forbidden,
        "{:?}",
        resp.rejected
    );
    assert_eq!(resp.rejected[0].path.as_deref(), Some("attendance.user_id"));
    w.sup.sync().await;
    let stored: i64 = w
        .sup
        .ws()
        .store
        .conn()
        .query_row("SELECT COUNT(*) FROM attendance", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, 2, "only A's own two clock events");
}

/// Today's UTC date, YYYY-MM-DD.
fn chrono_day() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let month = chrono_month();
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    format!("{}-{}-{d:02}", &month[..4], &month[4..])
}

/// On the supervisor's device: a part, a warehouse that received `received` of it (if any),
/// and an order for each technician. Returns (part, warehouse, [A's order, B's order]).
fn part_in_a_warehouse_and_an_order_each(
    w: &World,
    info: PartInfo,
    warehouse: &str,
    received: i64,
) -> (String, String, Vec<String>) {
    use fieldops_device::model::stock::{LocationKind, MovementKind};
    let mut ws = w.sup.ws();
    let part = ws.create_part(&info).unwrap().id;
    let wh = ws
        .create_location(LocationKind::Warehouse, warehouse, None)
        .unwrap()
        .id;
    if received > 0 {
        ws.record_movement(&wh, &part, MovementKind::Receive, received, "PO-7")
            .unwrap();
    }
    let c = ws.create_customer(&customer("国网变电站")).unwrap();
    let mut orders = Vec::new();
    for tech in [w.tech_a.user_id(), w.tech_b.user_id()] {
        let id = ws.create_order(&order(&c, "更换备件")).unwrap().summary.id;
        ws.dispatch_order(&id, &[tech], false).unwrap();
        orders.push(id);
    }
    (part, wh, orders)
}

async fn the_last_unit_taken_twice_offline_is_oversold_with_both_movements(backend: Backend) {
    use fieldops_device::workspace::AlertKind;
    let w = world(backend).await;
    let (part, wh, orders) = part_in_a_warehouse_and_an_order_each(
        &w,
        part("VP-30XA", "压缩机阀片", "pcs", 45_000, 28_000),
        "上海总仓",
        1,
    );
    let r = w.sup.sync().await;
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    // Both technicians sync once (catalogue, stock, their order), then work offline.
    for (tech, id) in [(&w.tech_a, &orders[0]), (&w.tech_b, &orders[1])] {
        tech.sync().await;
        let mut ws = tech.ws();
        assert_eq!(ws.levels(Some(&wh), Some(&part)).unwrap()[0].level, 1);
        ws.accept_order(id).unwrap();
        ws.use_part(id, &part, 1, &wh).unwrap();
        assert_eq!(ws.levels(Some(&wh), Some(&part)).unwrap()[0].level, 0);
    }
    for tech in [&w.tech_a, &w.tech_b] {
        let r = tech.sync().await;
        assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    }
    w.sup.sync().await;
    w.tech_a.sync().await;
    let ws = w.sup.ws();
    assert_eq!(ws.levels(Some(&wh), Some(&part)).unwrap()[0].level, -1);
    assert_eq!(ws.movements(&wh, &part).unwrap().len(), 3, "nothing lost");
    let alerts = ws.stock_alerts().unwrap();
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].kind, AlertKind::Oversold);
    let mut by: Vec<String> = alerts[0].movements.iter().map(|m| m.by.clone()).collect();
    by.sort();
    let mut expected = vec![w.tech_a.user_id(), w.tech_b.user_id()];
    expected.sort();
    assert_eq!(by, expected);
    // Each order carries its part's charge and cost.
    for id in &orders {
        assert_eq!(ws.get_order(id).unwrap().totals.gross_profit, 17_000);
    }
    // Technicians see every location's stock too (the merged level, after their next sync).
    assert_eq!(
        w.tech_a.ws().levels(Some(&wh), Some(&part)).unwrap()[0].level,
        -1
    );
}

/// Two devices start the same month's ledger of a location offline (its id is derived from
/// the location and the month): the server and every device end with both movements. The
/// server also checks a ledger against its location: a technician cannot book a receipt into
/// a warehouse, nor write a ledger for a location that does not exist.
async fn a_month_ledger_started_on_two_devices_keeps_both(backend: Backend) {
    use fieldops_device::model::stock::{self, Movement, MovementKind};
    let w = world(backend).await;
    // Nothing received: no movement yet, so no ledger for this month anywhere.
    let (part, wh, orders) = part_in_a_warehouse_and_an_order_each(
        &w,
        part("FLT-2", "干燥过滤器", "pcs", 12_000, 7_000),
        "北京仓",
        0,
    );
    w.sup.sync().await;
    for (tech, id) in [(&w.tech_a, &orders[0]), (&w.tech_b, &orders[1])] {
        tech.sync().await;
        let mut ws = tech.ws();
        ws.accept_order(id).unwrap();
        ws.use_part(id, &part, 1, &wh).unwrap();
    }
    let month = stock::ledger_month(fieldops_device::model::now_ms());
    let ledger = stock::ledger_id(&wh, &month);
    for tech in [&w.tech_a, &w.tech_b] {
        let r = tech.sync().await;
        assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    }
    w.sup.sync().await;
    w.tech_a.sync().await;
    for d in [&w.sup, &w.tech_a] {
        let ws = d.ws();
        assert_eq!(ws.movements(&wh, &part).unwrap().len(), 2, "both kept");
        assert_eq!(ws.levels(Some(&wh), Some(&part)).unwrap()[0].level, -2);
        let (_, doc) = ws.store.load(&ledger).unwrap().unwrap();
        assert_eq!(stock::LedgerDoc::from_doc(&doc).unwrap().movements.len(), 2);
    }
    // A forged receipt into the warehouse, written past the app's own checks.
    let tech_a = w.tech_a.user_id();
    let receipt = Movement {
        part_id: part.clone(),
        kind: MovementKind::TransferIn,
        qty: 50,
        by: tech_a.clone(),
        at: fieldops_device::model::now_ms(),
        order_id: None,
        request_id: None,
        counterpart: None,
        note: String::new(),
    };
    let forged = {
        let ws = w.tech_a.ws();
        let (_, mut doc) = ws.store.load(&ledger).unwrap().unwrap();
        let before = doc.get_heads();
        let mid = fieldops_device::model::new_id();
        stock::add_movement(&mut doc, &mid, &receipt).unwrap();
        (mid, doc.save_after(&before))
    };
    let resp = raw_push(&w.tech_a, &ledger, "ledger", &forged.1).await;
    assert_eq!(resp.rejected.len(), 1, "{resp:?}");
    assert_eq!(resp.rejected[0].code, ErrorCode::Forbidden);
    assert_eq!(
        resp.rejected[0].path.as_deref(),
        Some(format!("movements[{}]", forged.0).as_str())
    );
    // A ledger for a location the server has never seen.
    let nowhere = fieldops_device::model::new_id();
    let orphan = {
        let mut doc = w.tech_a.ws().store.new_doc();
        stock::start_ledger_doc(&mut doc, &nowhere, &month).unwrap();
        let mut issue = receipt.clone();
        issue.kind = MovementKind::Issue;
        issue.qty = -1;
        issue.order_id = Some(orders[0].clone());
        stock::add_movement(&mut doc, &fieldops_device::model::new_id(), &issue).unwrap();
        doc.save()
    };
    let resp = raw_push(
        &w.tech_a,
        &stock::ledger_id(&nowhere, &month),
        "ledger",
        &orphan,
    )
    .await;
    assert_eq!(resp.rejected.len(), 1, "{resp:?}");
    assert_eq!(resp.rejected[0].code, ErrorCode::InvalidDocument);
    assert_eq!(resp.rejected[0].path.as_deref(), Some("location_id"));
    w.sup.sync().await;
    assert_eq!(
        w.sup.ws().levels(Some(&wh), Some(&part)).unwrap()[0].level,
        -2,
        "nothing forged arrived"
    );
}

async fn a_warehouse_keeper_sees_stock_and_requests_but_no_orders(backend: Backend) {
    use fieldops_device::model::stock::LocationKind;
    use fieldops_device::workspace::RequestLineInput;
    let w = world(backend).await;
    w.db.add_user(T, "keeper", "warehouse");
    let (part, van) = {
        let mut ws = w.sup.ws();
        let part = ws
            .create_part(&part("OIL-5L", "冷冻机油", "can", 68_000, 41_000))
            .unwrap()
            .id;
        ws.create_location(LocationKind::Warehouse, "总仓", None)
            .unwrap();
        let van = ws
            .create_location(LocationKind::Van, "A 的车", Some(&w.tech_a.user_id()))
            .unwrap()
            .id;
        (part, van)
    };
    w.sup.sync().await;
    dispatched_order(&w, "not for the warehouse").await;
    w.tech_a.sync().await;
    let r = w
        .tech_a
        .ws()
        .create_request(
            &van,
            None,
            &[RequestLineInput {
                part_id: part,
                qty: 2,
                reason: "refill".into(),
            }],
        )
        .unwrap();
    w.tech_a.sync().await;
    let keeper = Device::signed_in(&w.server, T, "keeper").await;
    keeper.sync().await;
    {
        let ws = keeper.ws();
        assert!(
            ws.list_orders(&OrderFilter::default()).unwrap().is_empty(),
            "no orders"
        );
        assert!(ws.list_customers().unwrap().is_empty(), "no customers");
        assert_eq!(ws.list_parts(None).unwrap().len(), 1);
        assert_eq!(ws.list_locations().unwrap().len(), 2);
    }
    keeper
        .ws()
        .approve_request(&r.id, &Default::default())
        .unwrap();
    let sent = keeper.sync().await;
    assert!(sent.rejected.is_empty(), "{:?}", sent.rejected);
    w.tech_a.sync().await;
    assert_eq!(
        w.tech_a.ws().get_request(&r.id).unwrap().status,
        fieldops_device::model::part_request::RequestStatus::Approved
    );
    // Tech B sees neither A's request nor its decision.
    w.tech_b.sync().await;
    assert!(w.tech_b.ws().get_request(&r.id).is_err());
}

async fn sigkill_loses_nothing_acknowledged(backend: Backend) {
    let mut w = world(backend).await;
    let id = dispatched_order(&w, "Replace fan").await;
    w.tech_a.sync().await;
    w.tech_a.ws().accept_order(&id).unwrap();
    let r = w.tech_a.sync().await;
    assert_eq!(r.accepted, 1);
    w.server.kill();
    // Offline: the device keeps working and reports the failure in plain words.
    {
        let mut ws = w.sup.ws();
        let c = ws.list_customers().unwrap().remove(0);
        ws.create_order(&order(&c, "written while the server was down"))
            .unwrap();
    }
    assert_eq!(
        w.sup.try_sync().await.unwrap_err().code(),
        ErrorCode::Network
    );
    let status = w.sup.ws().sync_status().unwrap();
    assert!(!status.online && status.last_error.is_some() && status.pending == 1);
    w.server.restart();
    w.sup.sync().await;
    let fresh = Device::signed_in(&w.server, T, "sup").await;
    fresh.sync().await;
    let ws = fresh.ws();
    assert_eq!(ws.get_order(&id).unwrap().summary.status, "accepted");
    assert_eq!(ws.list_orders(&OrderFilter::default()).unwrap().len(), 2);
}

async fn idle_reconnect_is_one_small_request(backend: Backend) {
    let w = world(backend).await;
    {
        let mut ws = w.sup.ws();
        let c = ws.create_customer(&customer("Many orders Ltd")).unwrap();
        for i in 0..60 {
            ws.create_order(&order(&c, &format!("order {i}"))).unwrap();
        }
    }
    w.sup.sync().await;
    let other = Device::signed_in(&w.server, T, "sup").await;
    let first = other.sync().await;
    assert_eq!(
        first.pulled, 62,
        "60 orders, their customer and the tenant's settings"
    );
    let idle = other.sync().await;
    assert_eq!(idle.round_trips, 1);
    assert_eq!(idle.pulled, 0);
    assert!(
        idle.bytes_sent + idle.bytes_received < 300,
        "idle sync moved {} bytes",
        idle.bytes_sent + idle.bytes_received
    );
}

async fn live_events_announce_feed_advances(backend: Backend) {
    let w = world(backend).await;
    let mut stream = w.tech_a.http.as_ref().unwrap().events().await.unwrap();
    let first = stream.next().await.unwrap();
    dispatched_order(&w, "Live event check").await;
    let next = tokio::time::timeout(std::time::Duration::from_secs(10), stream.next())
        .await
        .expect("an event within 10 s")
        .unwrap();
    assert!(next > first, "feed advanced from {first} to {next}");
    let r = w.tech_a.sync().await;
    assert_eq!(r.pulled, 2);
}

async fn order_numbers_are_gapless_under_concurrent_first_syncs(backend: Backend) {
    let w = world(backend).await;
    let c = w
        .sup
        .ws()
        .create_customer(&customer("Numbering Co"))
        .unwrap();
    w.sup.sync().await;
    let devices = [
        Device::signed_in(&w.server, T, "sup").await,
        Device::signed_in(&w.server, T, "sup").await,
        Device::signed_in(&w.server, T, "sup").await,
    ];
    for d in &devices {
        d.sync().await;
        let mut ws = d.ws();
        for i in 0..5 {
            let o = ws
                .create_order(&order(&c, &format!("numbered {i}")))
                .unwrap();
            assert!(o.summary.number.is_none());
            assert!(
                o.summary.display_number.starts_with("WO-DRAFT-"),
                "provisional: {}",
                o.summary.display_number
            );
        }
    }
    let (a, b, cc) = tokio::join!(devices[0].sync(), devices[1].sync(), devices[2].sync());
    for r in [a, b, cc] {
        assert_eq!(r.accepted, 5);
    }
    // A retry of an already accepted push changes nothing and takes no new number.
    let first = devices[0]
        .ws()
        .list_orders(&OrderFilter::default())
        .unwrap()[0]
        .id
        .clone();
    let changes = {
        let ws = devices[0].ws();
        let (_, mut doc) = ws.store.load(&first).unwrap().unwrap();
        doc.save()
    };
    raw_push(&devices[0], &first, "order", &changes).await;
    w.sup.sync().await;
    let month = chrono_month();
    let mut numbers: Vec<String> = w
        .sup
        .ws()
        .list_orders(&OrderFilter::default())
        .unwrap()
        .into_iter()
        .map(|o| o.number.expect("numbered after sync"))
        .collect();
    numbers.sort();
    let expected: Vec<String> = (1..=15).map(|i| format!("WO-{month}-{i:04}")).collect();
    assert_eq!(numbers, expected);
    // The devices that created them see the real numbers, and numbers are searchable.
    devices[1].sync().await;
    let mine = devices[1]
        .ws()
        .list_orders(&OrderFilter {
            text: Some(format!("WO-{month}-00")),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(mine.len(), 15);
    assert!(
        mine.iter()
            .all(|o| o.display_number == *o.number.as_ref().unwrap())
    );
}

fn chrono_month() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    // Civil date from days since the epoch (Howard Hinnant's algorithm), to avoid a chrono dependency here.
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    format!("{y:04}{m:02}")
}

async fn full_workflow_across_devices(backend: Backend) {
    use fieldops_device::model::order::ChargeKind;
    use fieldops_device::workspace::ChargeInput;
    let w = world(backend).await;
    let id = dispatched_order(&w, "Full workflow").await;
    w.tech_a.sync().await;
    {
        let mut ws = w.tech_a.ws();
        ws.accept_order(&id).unwrap();
        ws.start_travel(&id).unwrap();
        ws.check_in(&id, None).unwrap();
        tick_required(&mut ws, &id);
        ws.put_charge(
            &id,
            None,
            &ChargeInput {
                kind: ChargeKind::ServiceFee,
                description: "visit".into(),
                quantity_milli: 1000,
                unit_price_minor: 50_000,
                discount_bp: 0,
                tax_rate_bp: 600,
                currency: "CNY".into(),
            },
        )
        .unwrap();
        ws.complete_order(&id, "replaced the relay").unwrap();
        ws.rate_order(&id, 4, "fast").unwrap();
    }
    let r = w.tech_a.sync().await;
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    w.sup.sync().await;
    let o = w.sup.ws().get_order(&id).unwrap();
    assert_eq!(o.summary.status, "completed");
    assert_eq!(o.totals.charges_total, 53_000);
    assert_eq!(o.summary.rating, Some(4));
    assert!(
        o.events
            .iter()
            .all(|e| o.received.get(&e.id).is_some_and(|r| *r >= e.at - 60_000)),
        "every event carries the time the server received it"
    );
    w.sup.ws().settle_order(&id, true).unwrap();
    w.sup.sync().await;
    w.tech_a.sync().await;
    assert_eq!(
        w.tech_a.ws().get_order(&id).unwrap().summary.status,
        "settled"
    );
}

async fn reassignment_while_the_first_technician_works_offline(backend: Backend) {
    let w = world(backend).await;
    let id = dispatched_order(&w, "Reassigned while offline").await;
    w.tech_a.sync().await;
    // The supervisor gives the order to B; tech A, offline and unaware, then starts work.
    let tech_b = w.tech_b.user_id();
    w.sup.ws().dispatch_order(&id, &[tech_b], false).unwrap();
    w.sup.sync().await;
    std::thread::sleep(std::time::Duration::from_millis(5));
    w.tech_a.ws().accept_order(&id).unwrap();
    w.tech_a.ws().check_in(&id, None).unwrap();
    // A reconnects: the work is accepted by the server (A was dispatched to this order); A's
    // device now says who took the order over and offers no further step; the supervisor sees
    // a conflict with both stories.
    let r = w.tech_a.sync().await;
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    let on_a = w.tech_a.ws().get_order(&id).unwrap();
    assert_eq!(on_a.reassigned.unwrap().to, vec![w.tech_b.user_id()]);
    assert!(!on_a.actions.contains(&Action::Complete));
    let tech_a = w.tech_a.user_id();
    let mine = |reassigned_away| {
        w.tech_a
            .ws()
            .list_orders(&OrderFilter {
                assignee: Some(tech_a.clone()),
                reassigned_away: Some(reassigned_away),
                ..Default::default()
            })
            .unwrap()
            .len()
    };
    assert_eq!(
        (mine(false), mine(true)),
        (0, 1),
        "kept in A's own list only"
    );
    w.sup.sync().await;
    let o = w.sup.ws().get_order(&id).unwrap();
    assert_eq!(o.summary.status, "conflict", "{:?}", o.summary.conflicts);
    assert!(
        o.events.iter().any(|e| e.by == w.tech_a.user_id()),
        "A's work is kept"
    );
    w.tech_a.ws().acknowledge_reassignment(&id).unwrap();
    assert!(
        w.tech_a.ws().get_order(&id).is_err(),
        "gone once A has seen it"
    );
}

async fn reassigning_over_work_under_way_asks_and_otherwise_is_a_conflict(backend: Backend) {
    let w = world(backend).await;
    let (tech_a, tech_b) = (w.tech_a.user_id(), w.tech_b.user_id());
    // Seen: the supervisor knows A is on site, so reassigning asks first, naming A's step.
    let id = dispatched_order(&w, "Seen on site").await;
    w.tech_a.sync().await;
    w.tech_a.ws().accept_order(&id).unwrap();
    w.tech_a.ws().check_in(&id, None).unwrap();
    w.tech_a.sync().await;
    w.sup.sync().await;
    let err = w
        .sup
        .ws()
        .dispatch_order(&id, std::slice::from_ref(&tech_b), false)
        .unwrap_err();
    match err.body().refusal {
        Some(Refusal::WorkUnderWay { taken_off }) => {
            assert_eq!(taken_off.len(), 1);
            assert_eq!(taken_off[0].1, EventKind::CheckedIn);
        }
        other => panic!("{other:?}"),
    }
    let o = w
        .sup
        .ws()
        .dispatch_order(&id, std::slice::from_ref(&tech_b), true)
        .unwrap();
    assert_eq!(
        o.summary.status, "dispatched",
        "a deliberate reassignment is no conflict"
    );
    w.sup.sync().await;

    // Unseen: A checks in offline before the supervisor, unaware, gives the order to B.
    let id = dispatched_order(&w, "Unseen on site").await;
    w.tech_a.sync().await;
    w.tech_a.ws().accept_order(&id).unwrap();
    w.tech_a.ws().check_in(&id, None).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(5));
    w.sup
        .ws()
        .dispatch_order(&id, std::slice::from_ref(&tech_b), false)
        .unwrap();
    w.sup.sync().await;
    w.tech_a.sync().await;
    w.sup.sync().await;
    let o = w.sup.ws().get_order(&id).unwrap();
    assert_eq!(o.summary.status, "conflict");
    assert_eq!(
        o.clashes,
        vec![Clash::ReassignedOverWork {
            by: w.sup.user_id(),
            to: vec![tech_b.clone()],
            taken_off: vec![(tech_a.clone(), EventKind::CheckedIn)],
        }]
    );
    assert!(o.actions.contains(&Action::Resolve));
    // B can take it on; A's device shows who did.
    w.tech_b.sync().await;
    assert!(
        w.tech_b
            .ws()
            .get_order(&id)
            .unwrap()
            .actions
            .contains(&Action::Accept)
    );
    assert_eq!(
        w.tech_a.ws().get_order(&id).unwrap().reassigned.unwrap().to,
        vec![tech_b]
    );
}

const TINY_PNG_HEX: &str = "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63606060f80f00010401005fe5c34b0000000049454e44ae426082";

async fn signature_is_required_uploaded_and_served_only_in_scope(backend: Backend) {
    let w = world(backend).await;
    let (id, c) = {
        let mut ws = w.sup.ws();
        let c = ws
            .create_customer(&customer("安装客户 Install Co"))
            .unwrap();
        let mut input = order(&c, "Install a chiller");
        input.order_type = OrderType::Installation;
        let o = ws.create_order(&input).unwrap();
        (o.summary.id, c)
    };
    let _ = c;
    let tech_a = w.tech_a.user_id();
    w.sup.ws().dispatch_order(&id, &[tech_a], false).unwrap();
    w.sup.sync().await;
    w.tech_a.sync().await;
    let png = hex_decode(TINY_PNG_HEX);
    {
        let mut ws = w.tech_a.ws();
        ws.accept_order(&id).unwrap();
        ws.check_in(&id, None).unwrap();
        tick_required(&mut ws, &id);
        let err = ws.complete_order(&id, "installed").unwrap_err();
        assert!(err.to_string().contains("signature"), "{err}");
        assert_eq!(
            ws.capture_signature(&id, b"not a png", "王先生")
                .unwrap_err()
                .code(),
            ErrorCode::InvalidInput
        );
        ws.capture_signature(&id, &png, "王先生").unwrap();
        ws.complete_order(&id, "installed and commissioned")
            .unwrap();
    }
    let r = w.tech_a.sync().await;
    assert_eq!(r.blobs_uploaded, 1);
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    w.sup.sync().await;
    let hash = w.sup.ws().get_order(&id).unwrap().signature.unwrap().hash;
    // A fresh supervisor device fetches the image from the server, verified by its hash.
    let other = Device::signed_in(&w.server, T, "sup").await;
    other.sync().await;
    let (ct, bytes) = fieldops_device::sync::fetch_blob(&other.ws, other.http.as_ref(), &hash)
        .await
        .unwrap();
    assert_eq!(
        (ct.as_str(), bytes.as_slice()),
        ("image/png", png.as_slice())
    );
    // Tech B's scope has no document referencing it: 404, as if it did not exist.
    let http = fieldops_device::net::http_client(std::time::Duration::from_secs(60)).unwrap();
    let url = format!("{}/v1/blobs/{hash}", w.server.url);
    let token_b = w.tech_b.http.as_ref().unwrap().token().to_string();
    assert_eq!(
        http.get(&url)
            .bearer_auth(&token_b)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );
    // Uploads are verified and idempotent.
    let token_a = w.tech_a.http.as_ref().unwrap().token().to_string();
    let put = |body: Vec<u8>, name: String, ct: &'static str| {
        let http = http.clone();
        let url = format!("{}/v1/blobs/{name}", w.server.url);
        let token = token_a.clone();
        async move {
            http.put(url)
                .bearer_auth(token)
                .header("content-type", ct)
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };
    let again = put(png.clone(), hash.clone(), "image/png").await;
    assert_eq!(again.status().as_u16(), 200);
    let wrong = put(png.clone(), "0".repeat(64), "image/png").await;
    assert_eq!(wrong.status().as_u16(), 400);
    assert_eq!(
        wrong.json::<serde_json::Value>().await.unwrap()["code"],
        "hash_mismatch"
    );
    let text = b"plain text".to_vec();
    let name = fieldops_device::blob::sha256_hex(&text);
    let not_image = put(text, name, "image/png").await;
    assert_eq!(
        not_image.json::<serde_json::Value>().await.unwrap()["code"],
        "invalid_blob"
    );
}

/// Scale-out: two server instances on one PostgreSQL database. A device connected to the
/// second hears about a push taken by the first (LISTEN/NOTIFY) and syncs it from there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_instances_share_live_events() {
    let w = world(Backend::Postgres).await;
    let second = Server::start(&w.db);
    let tech_on_second = Device::signed_in(&second, T, "tech.a").await;
    tech_on_second.sync().await;
    let mut stream = tech_on_second
        .http
        .as_ref()
        .unwrap()
        .events()
        .await
        .unwrap();
    let first = stream.next().await.unwrap();
    // The listener subscribes at start-up; give it a moment on a loaded machine.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let id = dispatched_order(&w, "Pushed to instance one").await;
    let next = tokio::time::timeout(std::time::Duration::from_secs(10), stream.next())
        .await
        .expect("an event from the other instance within 10 s")
        .unwrap();
    assert!(next > first);
    tech_on_second.sync().await;
    assert_eq!(
        tech_on_second.ws().get_order(&id).unwrap().summary.status,
        "dispatched"
    );
}

async fn administrators_templates_reach_every_device(backend: Backend) {
    use fieldops_device::model::settings::{Template, TemplateItem};
    let w = world(backend).await;
    w.db.add_user(T, "admin", "admin");
    let admin = Device::signed_in(&w.server, T, "admin").await;
    admin.sync().await;
    let template = Template {
        checklist: vec![TemplateItem {
            label: "Leak test / 检漏".into(),
            required: true,
        }],
        signature_required: false,
        rating_asked: true,
        default_duration_min: 60,
    };
    admin
        .ws()
        .save_template(OrderType::Repair, &template)
        .unwrap();
    let r = admin.sync().await;
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    // A technician may read the templates but not change them; the server refuses a forced push.
    w.tech_a.sync().await;
    let forced = w.tech_a.ws().save_template(
        OrderType::Repair,
        &Template {
            rating_asked: false,
            ..template.clone()
        },
    );
    assert_eq!(forced.unwrap_err().code(), ErrorCode::Forbidden);
    w.sup.sync().await;
    let c = w
        .sup
        .ws()
        .create_customer(&customer("Template user"))
        .unwrap();
    let o = w
        .sup
        .ws()
        .create_order(&order(&c, "leaking valve"))
        .unwrap();
    assert_eq!(
        o.checklist
            .iter()
            .map(|i| i.label.as_str())
            .collect::<Vec<_>>(),
        vec!["Leak test / 检漏"]
    );
}

/// SIGTERM stops the server cleanly (status 0) with what it acknowledged kept; every answer
/// carries the headers that keep a browser from treating it as a page.
async fn sigterm_stops_cleanly_and_answers_carry_security_headers(backend: Backend) {
    let mut w = world(backend).await;
    let http = fieldops_device::net::http_client(std::time::Duration::from_secs(60)).unwrap();
    let resp = http
        .get(format!("{}/healthz", w.server.url))
        .send()
        .await
        .unwrap();
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
        ("cache-control", "no-store"),
    ] {
        assert_eq!(resp.headers()[name], value, "{name}");
    }
    let id = dispatched_order(&w, "Before the stop").await;
    let exit = w.server.terminate();
    assert!(exit.success(), "{exit:?}");
    w.server.restart();
    let fresh = Device::signed_in(&w.server, T, "sup").await;
    fresh.sync().await;
    assert!(fresh.ws().get_order(&id).is_ok());
}

/// A request's pushed documents are stored together (one read, one transaction), yet each
/// is judged as if pushed alone in the device's order: a ledger sent before the new location
/// it books into, and the same document twice in one request (its creation, then an edit
/// on top), are all accepted; every order of the batch gets its own number in sequence.
async fn one_requests_pushes_are_stored_together_in_any_order(backend: Backend) {
    use fieldops_device::model::stock::{LocationKind, MovementKind};
    let w = world(backend).await;
    let bytes = |id: &str| w.sup.ws().store.document_bytes(id).unwrap().unwrap();
    let (wh, part, ledger) = {
        let mut ws = w.sup.ws();
        let part = ws.create_part(&part("VP-30XA", "压缩机阀片", "pcs", 45_000, 28_000));
        let part = part.unwrap().id;
        let wh = ws.create_location(LocationKind::Warehouse, "一号仓", None);
        let wh = wh.unwrap().id;
        ws.record_movement(&wh, &part, MovementKind::Receive, 7, "PO-1")
            .unwrap();
        let month = fieldops_device::model::stock::ledger_month(fieldops_device::model::now_ms());
        let ledger = fieldops_device::model::stock::ledger_id(&wh, &month);
        (wh, part, ledger)
    };
    let cust = w.sup.ws().create_customer(&customer("甲公司")).unwrap();
    let created = bytes(&cust.id);
    let mut edited = customer("甲公司");
    edited.region = "华东".into();
    // The edit gives the customer its sites anew: orders name the edited customer's.
    let cust = w.sup.ws().update_customer(&cust.id, &edited).unwrap();
    let orders: Vec<String> = (0..3)
        .map(|i| {
            let mut ws = w.sup.ws();
            ws.create_order(&order(&cust, &format!("巡检 {i}")))
                .unwrap()
                .summary
                .id
        })
        .collect();
    let mut push: Vec<(String, &str, Vec<u8>)> = vec![
        (ledger.clone(), "ledger", bytes(&ledger)),
        (wh.clone(), "location", bytes(&wh)),
        (part.clone(), "part", bytes(&part)),
        (cust.id.clone(), "customer", created),
        (cust.id.clone(), "customer", bytes(&cust.id)),
    ];
    push.extend(orders.iter().map(|id| (id.clone(), "order", bytes(id))));
    let docs: Vec<(&str, &str, &[u8])> = push
        .iter()
        .map(|(id, t, b)| (id.as_str(), *t, b.as_slice()))
        .collect();
    let resp = raw_push_many(&w.sup, &docs).await;
    assert!(resp.rejected.is_empty(), "{:?}", resp.rejected);
    assert_eq!(resp.accepted.len(), push.len());
    assert!(resp.accepted.iter().all(|a| !a.heads.is_empty()));

    // A device that starts now gets all of it from the server.
    let fresh = Device::signed_in(&w.server, T, "sup").await;
    fresh.sync().await;
    let ws = fresh.ws();
    assert_eq!(ws.levels(Some(&wh), Some(&part)).unwrap()[0].level, 7);
    assert_eq!(ws.get_customer(&cust.id).unwrap().region, "华东");
    let mut numbers: Vec<String> = orders
        .iter()
        .map(|id| ws.get_order(id).unwrap().summary.number.unwrap())
        .collect();
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), 3, "{numbers:?}");
    let seq = |n: &str| n.rsplit('-').next().unwrap().parse::<u32>().unwrap();
    assert_eq!(
        seq(&numbers[2]) - seq(&numbers[0]),
        2,
        "gapless: {numbers:?}"
    );
}

/// A push appends its changes to the bytes the server stored (no whole save per push); the
/// background compaction later saves the document whole and takes it off its queue. A new
/// device reads every change either way.
async fn appended_changes_are_read_and_later_saved_whole(backend: Backend) {
    use fieldops_device::crdt::saved_parts;
    let db = TestDb::new(backend).await;
    db.add_user(T, "sup", "supervisor");
    let mut slow = Server::start_with(&db, &["--compact-every-ms", "3600000"]);
    let mut sup = Device::signed_in(&slow, T, "sup").await;
    let (id, c) = {
        let mut ws = sup.ws();
        let c = ws.create_customer(&customer("西南冷链")).unwrap();
        (ws.create_order(&order(&c, "edit 0")).unwrap().summary.id, c)
    };
    sup.sync().await;
    let (whole, tail) = saved_parts(&db.stored_bytes(T, &id).await).unwrap();
    assert!(whole > 0 && tail == 0, "a new document is saved whole");
    let mut edits = 0;
    loop {
        edits += 1;
        assert!(
            edits <= 40,
            "forty edits never queued the order for compaction"
        );
        sup.ws()
            .update_order(&id, &order(&c, &format!("edit {edits}")))
            .unwrap();
        let r = sup.sync().await;
        assert!(r.rejected.is_empty(), "{:?}", r.rejected);
        let (now_whole, tail) = saved_parts(&db.stored_bytes(T, &id).await).unwrap();
        assert_eq!(
            now_whole, whole,
            "the saved part is kept, the edit appended"
        );
        assert!(tail > 0);
        if db.count("SELECT count(*) FROM doc_compaction").await == 1 {
            break;
        }
    }
    let last = format!("edit {edits}");
    let reader = Device::signed_in(&slow, T, "sup").await;
    reader.sync().await;
    assert_eq!(
        reader.ws().get_order(&id).unwrap().summary.description,
        last
    );

    slow.kill();
    let fast = Server::start_with(&db, &["--compact-every-ms", "50"]);
    let mut waited = 0;
    while db.count("SELECT count(*) FROM doc_compaction").await > 0 {
        waited += 1;
        assert!(waited < 200, "not compacted within 10 s");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let (_, tail) = saved_parts(&db.stored_bytes(T, &id).await).unwrap();
    assert_eq!(tail, 0, "saved whole again");
    let reader = Device::signed_in(&fast, T, "sup").await;
    reader.sync().await;
    assert_eq!(
        reader.ws().get_order(&id).unwrap().summary.description,
        last
    );
    // The device that wrote it goes on from the compacted bytes.
    sup.ws()
        .update_order(&id, &order(&c, "after compaction"))
        .unwrap();
    sup.login(&fast.url, T, "sup").await;
    let r = sup.sync().await;
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    reader.sync().await;
    assert_eq!(
        reader.ws().get_order(&id).unwrap().summary.description,
        "after compaction"
    );
}

on_both!(
    appended_changes_are_read_and_later_saved_whole,
    dispatch_then_accept,
    offline_edits_of_different_fields_merge,
    scope_is_enforced_and_reassignment_revokes,
    sigkill_loses_nothing_acknowledged,
    idle_reconnect_is_one_small_request,
    sigterm_stops_cleanly_and_answers_carry_security_headers,
    live_events_announce_feed_advances,
    order_numbers_are_gapless_under_concurrent_first_syncs,
    full_workflow_across_devices,
    reassignment_while_the_first_technician_works_offline,
    reassigning_over_work_under_way_asks_and_otherwise_is_a_conflict,
    signature_is_required_uploaded_and_served_only_in_scope,
    administrators_templates_reach_every_device,
    equipment_and_projects_follow_the_orders_that_name_them,
    offline_check_in_with_photos_reaches_the_supervisor,
    attendance_reaches_supervisors_and_no_other_technician,
    the_last_unit_taken_twice_offline_is_oversold_with_both_movements,
    a_warehouse_keeper_sees_stock_and_requests_but_no_orders,
    a_month_ledger_started_on_two_devices_keeps_both,
    one_requests_pushes_are_stored_together_in_any_order,
);
