//! Scale-out: three instances of the real server binary on one PostgreSQL database, behind a
//! round-robin balancer. What must hold whichever instance a request reaches: order numbers
//! unique and gapless per series, live events on every instance, a blob upload begun on one
//! instance finished on another, and nothing lost when an instance dies mid-push. Background
//! work done once by several instances is proven in `planned_orders.rs` (planned orders) and
//! `notifications.rs` (messages), three instances each.

use std::collections::BTreeMap;
use std::time::Duration;

use fieldops_device::store::OrderFilter;
use fieldops_device::sync::{SyncHttp, SyncReport};
use fieldops_scenarios::*;

const INSTANCES: usize = 3;
const WRITERS: usize = 4;
const ORDERS_EACH: usize = 6;

/// A company with four supervisors and a technician, and three instances on its database.
async fn cluster() -> (TestDb, Vec<Server>) {
    let db = TestDb::new(Backend::Postgres).await;
    for i in 0..WRITERS {
        db.add_user(T, &format!("sup{i}"), "supervisor");
    }
    db.add_user(T, "tech.a", "technician");
    // One after the other: each creates or checks the schema as it starts.
    let servers = (0..INSTANCES).map(|_| Server::start(&db)).collect();
    (db, servers)
}

async fn signed_in_at(url: &str, login: &str) -> Device {
    let mut d = Device::new();
    d.login(url, T, login).await;
    d
}

/// Sync, trying again while a request meets a dead instance (its connections cut), as the
/// app's background loop would.
async fn sync_until_done(d: &Device) -> SyncReport {
    let mut last = None;
    for _ in 0..30 {
        match d.try_sync().await {
            Ok(r) => {
                assert!(r.rejected.is_empty(), "{:?}", r.rejected);
                return r;
            }
            Err(e) => {
                last = Some(e);
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
    panic!("no instance took the sync: {last:?}");
}

/// Each writer's device records a customer and orders offline.
fn record_offline_orders(writers: &[Device], round: usize) {
    for (i, d) in writers.iter().enumerate() {
        let mut ws = d.ws();
        let c = ws
            .create_customer(&customer(&format!("客户 {round}-{i}")))
            .unwrap();
        for k in 0..ORDERS_EACH {
            ws.create_order(&order(&c, &format!("round {round}, writer {i}, order {k}")))
                .unwrap();
        }
    }
}

async fn all_push_at_once(writers: &[Device]) {
    futures_util::future::join_all(writers.iter().map(sync_until_done)).await;
}

/// Every series (one per month) numbered 1, 2, 3 … with no number twice and none skipped.
fn assert_gapless(numbers: &[String]) {
    let mut series: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for n in numbers {
        let (prefix, seq) = n.rsplit_once('-').unwrap();
        series.entry(prefix).or_default().push(seq.parse().unwrap());
    }
    for (prefix, mut seqs) in series {
        seqs.sort_unstable();
        let expected: Vec<u32> = (1..=seqs.len() as u32).collect();
        assert_eq!(seqs, expected, "series {prefix}");
    }
}

fn numbers_of(d: &Device) -> Vec<String> {
    d.ws()
        .list_orders(&OrderFilter::default())
        .unwrap()
        .into_iter()
        .map(|o| o.number.expect("every synced order has its number"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_instances_number_gaplessly_hear_every_push_and_survive_one_dying() {
    let (_db, mut servers) = cluster().await;
    let balancer = RoundRobin::start(&servers.iter().collect::<Vec<_>>()).await;

    // A listener on each instance, directly: its live stream must hear pushes that any
    // instance took.
    let mut listeners = Vec::new();
    let mut streams = Vec::new();
    for s in &servers {
        let d = signed_in_at(&s.url, "sup0").await;
        d.sync().await;
        let mut stream = d.http.as_ref().unwrap().events().await.unwrap();
        let first = stream.next().await.unwrap();
        streams.push((stream, first));
        listeners.push(d);
    }
    // Each instance subscribes to the database's announcements as it starts.
    tokio::time::sleep(Duration::from_millis(500)).await;

    let mut writers = Vec::new();
    for i in 0..WRITERS {
        writers.push(signed_in_at(&balancer.url, &format!("sup{i}")).await);
    }
    record_offline_orders(&writers, 1);
    let started = std::time::Instant::now();
    all_push_at_once(&writers).await;
    let pushes_take = started.elapsed();
    let taken = balancer.connections();
    assert!(
        taken.iter().all(|n| *n > 0),
        "every instance took connections: {taken:?}"
    );
    for (k, (stream, first)) in streams.iter_mut().enumerate() {
        let next = tokio::time::timeout(Duration::from_secs(10), stream.next())
            .await
            .unwrap_or_else(|_| panic!("instance {k} announced nothing within 10 s"))
            .unwrap();
        assert!(next > *first, "instance {k}");
    }

    // The second instance dies while the writers push their next round (a third into what
    // the first round's pushes took).
    record_offline_orders(&writers, 2);
    let pushes = all_push_at_once(&writers);
    let death = async {
        tokio::time::sleep(pushes_take / 3).await;
        servers[1].kill();
    };
    tokio::join!(pushes, death);

    let total = 2 * WRITERS * ORDERS_EACH;
    let fresh = signed_in_at(&balancer.url, "sup0").await;
    sync_until_done(&fresh).await;
    let numbers = numbers_of(&fresh);
    assert_eq!(numbers.len(), total);
    assert_gapless(&numbers);
    // The survivors serve the same orders under the same numbers.
    for k in [0, 2] {
        sync_until_done(&listeners[k]).await;
        let mut theirs = numbers_of(&listeners[k]);
        let mut all = numbers.clone();
        theirs.sort();
        all.sort();
        assert_eq!(theirs, all, "instance {k}");
    }
    // Every writer's device converged on the same numbers.
    for w in &writers {
        sync_until_done(w).await;
        assert_eq!(numbers_of(w).len(), total);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photo_upload_begun_on_one_instance_is_finished_on_another() {
    let (_db, servers) = cluster().await;
    let sup = signed_in_at(&servers[0].url, "sup0").await;
    let tech = signed_in_at(&servers[0].url, "tech.a").await;
    tech.sync().await;
    sup.sync().await;
    let id = {
        let mut ws = sup.ws();
        let c = ws.create_customer(&customer("华东机电")).unwrap();
        let o = ws.create_order(&order(&c, "压缩机异响")).unwrap();
        ws.dispatch_order(&o.summary.id, &[tech.user_id()], false)
            .unwrap();
        o.summary.id
    };
    sup.sync().await;
    tech.sync().await;
    let input = fieldops_device::workspace::PhotoInput {
        caption: "铭牌 nameplate".into(),
        event_id: None,
        position: None,
    };
    let photo_hash = {
        let mut ws = tech.ws();
        ws.accept_order(&id).unwrap();
        ws.check_in(&id, None).unwrap();
        let o = ws.attach_photo(&id, &textured_jpeg(7), &input).unwrap();
        o.photos[0].photo.hash.clone()
    };
    let pending = tech.ws().store.pending_blobs().unwrap();
    let chunk = fieldops_device::protocol::BLOB_CHUNK_BYTES;
    let all_bytes: usize = pending.iter().map(|(_, _, b)| b.len()).sum();
    let (_, content_type, photo) = pending
        .iter()
        .find(|(h, _, _)| *h == photo_hash)
        .expect("the photo waits to be sent")
        .clone();

    assert!(
        photo.len() > 2 * chunk,
        "the photo travels in chunks: {} bytes",
        photo.len()
    );

    // The first chunk reaches instance one; then the connection is lost.
    let token = tech.http.as_ref().unwrap().token().to_string();
    let half = chunk;
    let client = reqwest::Client::new();
    let first = client
        .put(format!(
            "{}/v1/blobs/{photo_hash}/upload?offset=0",
            servers[0].url
        ))
        .bearer_auth(&token)
        .header("content-type", &content_type)
        .header("x-blob-length", photo.len())
        .body(photo[..half].to_vec())
        .send()
        .await
        .unwrap();
    assert!(first.status().is_success(), "{}", first.status());
    let state: serde_json::Value = first.json().await.unwrap();
    assert_eq!(state["received"], half as u64);

    // The device's next sync reaches instance two, which knows where the upload stands.
    let on_second = SyncHttp::new(&servers[1].url, &token).unwrap();
    let r = fieldops_device::sync::sync_now(&tech.ws, &on_second)
        .await
        .unwrap();
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    assert_eq!(
        r.blob_bytes_sent as usize,
        all_bytes - half,
        "only the photo's remaining chunks and the other blobs were sent"
    );

    // A supervisor on instance three gets the whole photo, verified by its hash.
    let viewer = signed_in_at(&servers[2].url, "sup1").await;
    viewer.sync().await;
    let (ct, bytes) =
        fieldops_device::sync::fetch_blob(&viewer.ws, viewer.http.as_ref(), &photo_hash)
            .await
            .unwrap();
    assert_eq!(ct, content_type);
    assert_eq!(bytes, photo);
}

/// Each instance keeps the documents it parsed for the next push. A copy kept by one
/// instance goes stale the moment another instance stores the document; a push that reached
/// the first instance must then build on what is stored, never on its own copy (which would
/// write the other instance's change out of the document while its heads still matched).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copy_kept_by_one_instance_never_hides_what_another_stored() {
    use fieldops_device::model::order::Priority;
    let (_db, servers) = cluster().await;
    let first = signed_in_at(&servers[0].url, "sup0").await;
    let second = signed_in_at(&servers[1].url, "sup1").await;
    let (id, c) = {
        let mut ws = first.ws();
        let c = ws.create_customer(&customer("华东泵业")).unwrap();
        let o = ws.create_order(&order(&c, "Pump leaks")).unwrap();
        (o.summary.id, c)
    };
    sync_until_done(&first).await;
    // Edited: now kept parsed by the first instance (a new document is not kept).
    first
        .ws()
        .update_order(&id, &order(&c, "Pump leaks (seen)"))
        .unwrap();
    sync_until_done(&first).await;
    sync_until_done(&second).await;
    second
        .ws()
        .update_order(&id, &order(&c, "Pump leaks at the flange"))
        .unwrap();
    // Stored by the second instance: the first one's copy is now stale.
    sync_until_done(&second).await;
    {
        // Still offline: this device has not seen the second one's change.
        let mut ws = first.ws();
        let mut input = order(&c, "Pump leaks (seen)");
        input.priority = Priority::Urgent;
        ws.update_order(&id, &input).unwrap();
    }
    sync_until_done(&first).await;
    sync_until_done(&second).await;
    let fresh = signed_in_at(&servers[2].url, "sup2").await;
    sync_until_done(&fresh).await;
    for (who, d) in [("first", &first), ("second", &second), ("fresh", &fresh)] {
        let o = d.ws().get_order(&id).unwrap();
        assert_eq!(o.summary.priority, "urgent", "{who}");
        assert_eq!(o.summary.description, "Pump leaks at the flange", "{who}");
    }
}
