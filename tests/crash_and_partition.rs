//! Crash and partition proofs with the real server on SQLite and on PostgreSQL: the server
//! killed with SIGKILL at random moments while several devices push, a device's sync cut off
//! at random points and the store reopened, and responses cut off mid-body by the network.
//! Every change the server acknowledged is kept, nothing unsent is lost, all converge.

use std::collections::BTreeSet;
use std::time::Duration;

use fieldops_device::store::OrderFilter;
use fieldops_device::sync::{self, SyncHttp};
use fieldops_scenarios::*;

/// A small random source (xorshift) with its seed printed, so that a failing run can be
/// repeated with `FIELDOPS_CRASH_SEED`.
struct Rng(u64);

impl Rng {
    fn new() -> Rng {
        let seed = std::env::var("FIELDOPS_CRASH_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
                    | 1
            });
        eprintln!("FIELDOPS_CRASH_SEED={seed}");
        Rng(seed)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// The documents a device still has to send.
fn unsent(d: &Device) -> BTreeSet<String> {
    let ws = d.ws();
    let (req, _) = sync::prepare_request(&ws.store).unwrap();
    req.push.into_iter().map(|p| p.doc).collect()
}

fn order_ids(d: &Device) -> BTreeSet<String> {
    d.ws()
        .list_orders(&OrderFilter::default())
        .unwrap()
        .into_iter()
        .map(|o| o.id)
        .collect()
}

/// Three supervisors' devices create orders offline and push at once; the server is killed
/// with SIGKILL after a random delay and restarted, over many cycles. Whatever a device was
/// told was accepted is on the server; in the end every device has every order.
async fn server_killed_while_devices_push_loses_nothing_acknowledged(backend: Backend) {
    const CYCLES: usize = 12;
    let db = TestDb::new(backend).await;
    for login in ["sup.1", "sup.2", "sup.3"] {
        db.add_user(T, login, "supervisor");
    }
    let mut server = Server::start(&db);
    let devices = [
        Device::signed_in(&server, T, "sup.1").await,
        Device::signed_in(&server, T, "sup.2").await,
        Device::signed_in(&server, T, "sup.3").await,
    ];
    devices[0]
        .ws()
        .create_customer(&customer("华北电力设备公司"))
        .unwrap();
    for d in &devices {
        d.sync().await;
    }
    let check = Device::signed_in(&server, T, "sup.1").await;
    // How long three devices' pushes of two orders take here (a debug build on a busy
    // machine is slow): the kills land from a quarter of that to half again as long, so
    // that some pushes are cut mid-way and some complete.
    let mut created: [BTreeSet<String>; 3] = Default::default();
    let span = {
        for (i, d) in devices.iter().enumerate() {
            let mut ws = d.ws();
            let c = ws.list_customers().unwrap().remove(0);
            for k in 0..2 {
                let text = format!("warm-up {i} {k}");
                created[i].insert(ws.create_order(&order(&c, &text)).unwrap().summary.id);
            }
        }
        let started = std::time::Instant::now();
        let (a, b, c) = tokio::join!(
            devices[0].try_sync(),
            devices[1].try_sync(),
            devices[2].try_sync()
        );
        let span = started.elapsed().as_millis() as u64;
        assert!(a.is_ok() && b.is_ok() && c.is_ok());
        span.max(20)
    };
    let mut rng = Rng::new();
    let mut acknowledged: BTreeSet<String> = created.iter().flatten().cloned().collect();
    let mut interrupted = 0;
    for cycle in 0..CYCLES {
        for (i, d) in devices.iter().enumerate() {
            let mut ws = d.ws();
            let c = ws.list_customers().unwrap().remove(0);
            for k in 0..2 {
                let text = format!("cycle {cycle} device {i} order {k}");
                created[i].insert(ws.create_order(&order(&c, &text)).unwrap().summary.id);
            }
        }
        let delay = Duration::from_millis(span / 4 + rng.below(span * 5 / 4));
        let killer = async {
            tokio::time::sleep(delay).await;
            server.kill();
        };
        let (a, b, c, ()) = tokio::join!(
            devices[0].try_sync(),
            devices[1].try_sync(),
            devices[2].try_sync(),
            killer
        );
        interrupted += [a.is_err(), b.is_err(), c.is_err()]
            .iter()
            .filter(|e| **e)
            .count();
        if std::env::var("FIELDOPS_CRASH_DEBUG").is_ok() {
            eprintln!(
                "cycle {cycle} delay {delay:?}: {:?} {:?} {:?}",
                a.err(),
                b.err(),
                c.err()
            );
        }
        for (i, d) in devices.iter().enumerate() {
            let waiting = unsent(d);
            acknowledged.extend(
                created[i]
                    .iter()
                    .filter(|id| !waiting.contains(*id))
                    .cloned(),
            );
        }
        server.restart();
        // What the server acknowledged is there after the kill, before anyone resends it.
        check.sync().await;
        let on_server = order_ids(&check);
        let missing: Vec<_> = acknowledged.difference(&on_server).collect();
        assert!(
            missing.is_empty(),
            "cycle {cycle}: acknowledged but lost: {missing:?}"
        );
    }
    eprintln!(
        "{CYCLES} cycles, kills {span} ms ± : {interrupted} of {} syncs cut off, {} of {} orders acknowledged before the end",
        CYCLES * 3,
        acknowledged.len(),
        created.iter().map(BTreeSet::len).sum::<usize>()
    );
    let created: BTreeSet<String> = created.into_iter().flatten().collect();
    for d in &devices {
        d.sync().await;
        d.sync().await;
    }
    let fresh = Device::signed_in(&server, T, "sup.2").await;
    fresh.sync().await;
    assert_eq!(order_ids(&fresh), created, "the server has every order");
    for d in &devices {
        d.sync().await;
        assert_eq!(order_ids(d), created, "every device converges");
        assert!(unsent(d).is_empty());
    }
}

/// A device's sync cut off at a random point (the app killed or the tablet's battery gone:
/// here the sync is dropped mid-flight and the store reopened from its file, which is what
/// a restart sees), many times: nothing written offline is lost or sent twice.
async fn a_device_stopped_mid_sync_loses_nothing_unsent(backend: Backend) {
    let db = TestDb::new(backend).await;
    db.add_user(T, "sup", "supervisor");
    let server = Server::start(&db);
    let mut d = Device::signed_in(&server, T, "sup").await;
    let customer_id = d
        .ws()
        .create_customer(&customer("华东制冷设备公司"))
        .unwrap()
        .id;
    let mut written = BTreeSet::new();
    let mut rng = Rng::new();
    for round in 0..15 {
        {
            let mut ws = d.ws();
            let c = ws.get_customer(&customer_id).unwrap();
            for k in 0..3 {
                let text = format!("round {round} order {k}");
                written.insert(ws.create_order(&order(&c, &text)).unwrap().summary.id);
            }
        }
        let cut = Duration::from_millis(1 + rng.below(40));
        let _ = tokio::time::timeout(cut, d.try_sync()).await;
        d.reopen();
        assert_eq!(
            order_ids(&d),
            written,
            "round {round}: local orders after reopening"
        );
    }
    d.sync().await;
    assert!(unsent(&d).is_empty());
    let fresh = Device::signed_in(&server, T, "sup").await;
    fresh.sync().await;
    assert_eq!(order_ids(&fresh), written, "each order once on the server");
}

/// The app's process killed with SIGKILL at random moments while it syncs on its own (the
/// background loop sends each change shortly after it is made), then started again on the
/// same folder, many times: every order written is still on the device after each restart,
/// and in the end the server has each exactly once.
async fn the_app_killed_mid_sync_loses_nothing_unsent(backend: Backend) {
    let db = TestDb::new(backend).await;
    db.add_user(T, "sup", "supervisor");
    let server = Server::start(&db);
    let data = tempfile::tempdir().unwrap();
    let sign_in = serde_json::json!({
        "serverUrl": server.url, "tenant": T, "login": "sup", "password": PASSWORD
    });
    let mut app = BridgeDevice::start(data.path());
    app.call("login", sign_in.clone()).await.unwrap();
    let c = app
        .call(
            "create_customer",
            serde_json::json!({"input": customer("华东制冷设备公司")}),
        )
        .await
        .unwrap();
    let mut written = BTreeSet::new();
    let mut rng = Rng::new();
    for round in 0..8 {
        for k in 0..3 {
            let input = serde_json::json!({
                "customer_id": c["id"], "site_id": c["sites"][0]["id"], "order_type": "repair",
                "priority": "normal", "description": format!("round {round} order {k}")
            });
            let o = app
                .call("create_order", serde_json::json!({ "input": input }))
                .await
                .unwrap();
            written.insert(o["id"].as_str().unwrap().to_string());
        }
        // The app syncs 0.7 s after the last change; the kill lands before, during or after.
        tokio::time::sleep(Duration::from_millis(400 + rng.below(900))).await;
        app.kill();
        app = BridgeDevice::start(data.path());
        let local: BTreeSet<String> = app
            .call("list_orders", serde_json::json!({"filter": {}}))
            .await
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(
            local, written,
            "round {round}: the orders after the restart"
        );
        // The token lived in the bridge's memory: the person signs in again and goes on.
        app.call("login", sign_in.clone()).await.unwrap();
    }
    app.call("sync_now", serde_json::json!({})).await.unwrap();
    let status = app
        .call("sync_status", serde_json::json!({}))
        .await
        .unwrap();
    assert_eq!(status["pending"], 0, "{status}");
    let fresh = Device::signed_in(&server, T, "sup").await;
    fresh.sync().await;
    assert_eq!(order_ids(&fresh), written, "each order once on the server");
}

/// A TCP relay to the server that passes requests whole and cuts every response after
/// `keep` bytes (0: the connection closes without a word).
async fn cutting_relay(server_url: &str, keep: usize) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let upstream = server_url.trim_start_matches("http://").to_string();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let upstream = upstream.clone();
            tokio::spawn(async move {
                let Ok(server) = tokio::net::TcpStream::connect(&upstream).await else {
                    return;
                };
                let (mut from_client, mut to_client) = client.into_split();
                let (mut from_server, mut to_server) = server.into_split();
                tokio::spawn(async move {
                    let _ = tokio::io::copy(&mut from_client, &mut to_server).await;
                });
                let mut passed = 0;
                let mut buf = [0u8; 4096];
                while passed < keep {
                    let Ok(n) = from_server.read(&mut buf).await else {
                        break;
                    };
                    if n == 0 {
                        break;
                    }
                    let take = n.min(keep - passed);
                    if to_client.write_all(&buf[..take]).await.is_err() {
                        break;
                    }
                    passed += take;
                }
                let _ = to_client.shutdown().await;
            });
        }
    });
    format!("http://{addr}")
}

/// Responses cut off mid-body by the network: the device notices, applies nothing of a
/// half answer (its unsent work stays unsent, its cursor stays), and the next whole sync
/// completes without duplicates; pulls cut off the same way.
async fn responses_cut_mid_body_change_nothing(backend: Backend) {
    let w = world(backend).await;
    // 0: closed at once; 40: inside the status line; 150: inside the headers; 250: just past
    // the headers (about 220 bytes), inside the body.
    for keep in [0, 40, 150, 250] {
        let text = format!("cut after {keep} bytes");
        {
            let mut ws = w.sup.ws();
            let c = ws.list_customers().unwrap().into_iter().next();
            let c = match c {
                Some(c) => c,
                None => ws.create_customer(&customer("华南设备公司")).unwrap(),
            };
            ws.create_order(&order(&c, &text)).unwrap();
        }
        let before = unsent(&w.sup);
        let cursor = |d: &Device| d.ws().store.meta("cursor").unwrap();
        let cursor_before = cursor(&w.sup);
        let relay = cutting_relay(&w.server.url, keep).await;
        let token = w.sup.http.as_ref().unwrap().token().to_string();
        let cut = SyncHttp::new(&relay, &token).unwrap();
        let result = sync::sync_now(&w.sup.ws, &cut).await;
        assert!(
            result.is_err(),
            "keep {keep}: a cut answer is an error: {result:?}"
        );
        assert_eq!(unsent(&w.sup), before, "keep {keep}: nothing marked sent");
        assert_eq!(
            cursor(&w.sup),
            cursor_before,
            "keep {keep}: cursor unchanged"
        );
        w.sup.sync().await;
        assert!(unsent(&w.sup).is_empty());
        // The technician's pull, cut the same way, applies nothing; the next one completes.
        let tech_cursor = cursor(&w.tech_a);
        let token = w.tech_a.http.as_ref().unwrap().token().to_string();
        let cut = SyncHttp::new(&relay, &token).unwrap();
        assert!(sync::sync_now(&w.tech_a.ws, &cut).await.is_err());
        assert_eq!(cursor(&w.tech_a), tech_cursor);
        w.tech_a.sync().await;
    }
    let fresh = Device::signed_in(&w.server, T, "sup").await;
    fresh.sync().await;
    let texts: Vec<String> = fresh
        .ws()
        .list_orders(&OrderFilter::default())
        .unwrap()
        .into_iter()
        .map(|o| o.description)
        .collect();
    assert_eq!(texts.len(), 4, "each order once: {texts:?}");
}

on_both!(
    server_killed_while_devices_push_loses_nothing_acknowledged,
    a_device_stopped_mid_sync_loses_nothing_unsent,
    the_app_killed_mid_sync_loses_nothing_unsent,
    responses_cut_mid_body_change_nothing,
);
