//! The attack suite: what a hostile or broken client can send, with the real server on
//! SQLite and on PostgreSQL. Each attempt gets its documented code (docs/PROTOCOL.md) and
//! stores nothing; the server goes on serving.

use fieldops_device::ErrorCode;
use fieldops_device::store::OrderFilter;
use fieldops_scenarios::*;

/// A technician's change holding maps nested hundreds deep used to overflow the server's
/// stack and abort the process (every tenant offline). It is refused with a code, stores
/// nothing, and the server goes on answering.
async fn deeply_nested_changes_are_refused_and_the_server_lives(backend: Backend) {
    let w = world(backend).await;
    for depth in [400, 20_000] {
        let doc_id = fieldops_device::model::new_id();
        let changes = {
            let mut doc = automerge::AutoCommit::new()
                .with_actor(automerge::ActorId::from(hex_actor(&w.tech_a)));
            use automerge::transaction::Transactable;
            doc.put(automerge::ROOT, "doc_type", "order").unwrap();
            doc.put(automerge::ROOT, "id", doc_id.as_str()).unwrap();
            let mut obj = automerge::ROOT;
            for _ in 0..depth {
                obj = doc.put_object(&obj, "x", automerge::ObjType::Map).unwrap();
            }
            doc.save()
        };
        let resp = raw_push(&w.tech_a, &doc_id, "order", &changes).await;
        assert!(resp.accepted.is_empty(), "depth {depth}: {resp:?}");
        assert_eq!(
            resp.rejected[0].code,
            ErrorCode::InvalidDocument,
            "depth {depth}"
        );
    }
    // Still serving, and nothing of it reached the feed.
    let fresh = Device::signed_in(&w.server, T, "sup").await;
    assert_eq!(fresh.sync().await.pulled, 1, "only the tenant's settings");
}

/// Damaged change bytes used to be answered "accepted" with nothing stored (automerge's
/// incremental load stops quietly at the first bad chunk). Accepted now means every change
/// sent is stored; anything else is `corrupt_changes`, and nothing of it is kept.
async fn damaged_change_bytes_are_refused_not_accepted(backend: Backend) {
    let w = world(backend).await;
    let id = dispatched_order(&w, "Check the pump").await;
    w.tech_a.sync().await;
    let tech_a = w.tech_a.user_id();
    // Two changes as two chunks: accept, then start travelling.
    let actor = automerge::ActorId::from(hex_actor(&w.tech_a));
    let (first, second) = {
        let (_, doc) = w.tech_a.ws().store.load(&id).unwrap().unwrap();
        let mut doc = doc.with_actor(actor);
        use fieldops_device::model::order::{EventKind, OrderEvent, append_event};
        let h0 = doc.get_heads();
        append_event(&mut doc, &OrderEvent::new(EventKind::Accepted, &tech_a)).unwrap();
        doc.commit();
        let first = doc.save_after(&h0);
        let h1 = doc.get_heads();
        append_event(&mut doc, &OrderEvent::new(EventKind::Travelling, &tech_a)).unwrap();
        doc.commit();
        (first, doc.save_after(&h1))
    };
    let whole = [first.clone(), second].concat();
    let mut flipped = whole.clone();
    *flipped.last_mut().unwrap() ^= 0x40;
    let mut bad_second_header = whole.clone();
    bad_second_header[first.len()] = 0;
    for (what, bytes) in [
        ("a byte of the second change flipped", flipped),
        (
            "the second change cut short",
            whole[..whole.len() - 3].to_vec(),
        ),
        ("the second chunk's header broken", bad_second_header),
    ] {
        let resp = raw_push(&w.tech_a, &id, "order", &bytes).await;
        assert!(resp.accepted.is_empty(), "{what}: {resp:?}");
        assert_eq!(resp.rejected[0].code, ErrorCode::CorruptChanges, "{what}");
    }
    w.sup.sync().await;
    assert_eq!(
        w.sup.ws().get_order(&id).unwrap().summary.status,
        "dispatched",
        "nothing of the damaged pushes was stored"
    );
    let resp = raw_push(&w.tech_a, &id, "order", &whole).await;
    assert_eq!(resp.accepted.len(), 1, "{resp:?}");
    w.sup.sync().await;
    assert_eq!(
        w.sup.ws().get_order(&id).unwrap().summary.status,
        "travelling"
    );
}

async fn foreign_actor_is_rejected(backend: Backend) {
    let w = world(backend).await;
    let id = dispatched_order(&w, "Calibrate sensors").await;
    w.tech_a.sync().await;
    // Tech A's device pushes a valid accept, but made under another actor id.
    let tech_a = w.tech_a.user_id();
    let changes = {
        let ws = w.tech_a.ws();
        let (_, doc) = ws.store.load(&id).unwrap().unwrap();
        let mut doc = doc.with_actor(automerge::ActorId::random());
        let before = doc.get_heads();
        fieldops_device::model::order::append_event(
            &mut doc,
            &fieldops_device::model::order::OrderEvent {
                at: fieldops_device::model::now_ms(),
                ..fieldops_device::model::order::OrderEvent::new(
                    fieldops_device::model::order::EventKind::Accepted,
                    &tech_a,
                )
            },
        )
        .unwrap();
        doc.save_after(&before)
    };
    let resp = raw_push(&w.tech_a, &id, "order", &changes).await;
    assert_eq!(resp.rejected.len(), 1);
    assert_eq!(resp.rejected[0].code, ErrorCode::ForeignActor);
    w.sup.sync().await;
    assert_eq!(
        w.sup.ws().get_order(&id).unwrap().summary.status,
        "dispatched"
    );
}

async fn bad_requests_get_clear_errors(backend: Backend) {
    let w = world(backend).await;
    let http = fieldops_device::net::http_client(std::time::Duration::from_secs(60)).unwrap();
    let url = format!("{}/v1/sync", w.server.url);
    let token = w.sup.http.as_ref().unwrap().token().to_string();
    let check = |resp: reqwest::Response, status: u16, code: &'static str| async move {
        assert_eq!(resp.status().as_u16(), status);
        let body: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(body["code"], code, "{body}");
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    };
    check(
        http.post(&url).body("{}").send().await.unwrap(),
        401,
        "unauthorized",
    )
    .await;
    check(
        http.post(&url)
            .bearer_auth("nope")
            .body("{}")
            .send()
            .await
            .unwrap(),
        401,
        "invalid_token",
    )
    .await;
    check(
        http.post(&url)
            .bearer_auth(&token)
            .body("{not json")
            .send()
            .await
            .unwrap(),
        400,
        "bad_request",
    )
    .await;
    check(
        http.post(&url)
            .bearer_auth(&token)
            .body(vec![b' '; 17 * 1024 * 1024])
            .send()
            .await
            .unwrap(),
        413,
        "too_large",
    )
    .await;
    // Compressed bodies are counted unpacked: 17 MiB of spaces in 17 kB of gzip is too large,
    // and damaged compression is a bad request, not a crash or a hang.
    let gzip = |bytes: &[u8]| {
        use std::io::Write;
        let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(bytes).unwrap();
        z.finish().unwrap()
    };
    let bomb = gzip(&vec![b' '; 17 * 1024 * 1024]);
    assert!(bomb.len() < 64 * 1024, "{}", bomb.len());
    let mut damaged = gzip(br#"{"cursor":0,"push":[],"directory_version":0}"#);
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0xff;
    for (body, status, code) in [(bomb, 413, "too_large"), (damaged, 400, "bad_request")] {
        let resp = http
            .post(&url)
            .bearer_auth(&token)
            .header("content-encoding", "gzip")
            .body(body)
            .send()
            .await
            .unwrap();
        check(resp, status, code).await;
    }
    // A well-formed compressed sync is answered compressed when the client asks for it.
    let resp = http
        .post(&url)
        .bearer_auth(&token)
        .header("content-encoding", "gzip")
        .header("accept-encoding", "gzip")
        .body(gzip(br#"{"cursor":0,"push":[],"directory_version":0}"#))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()
            .get("content-encoding")
            .map(|v| v.to_str().unwrap()),
        Some("gzip")
    );
    let doc = fieldops_device::model::new_id();
    let resp = raw_push(&w.sup, &doc, "spaceship", b"x").await;
    assert_eq!(resp.rejected[0].code, ErrorCode::UnknownDocType);
    let resp = raw_push(&w.sup, &doc, "order", b"definitely not automerge").await;
    assert_eq!(resp.rejected[0].code, ErrorCode::CorruptChanges);
    let resp = raw_push(&w.sup, "../etc/passwd", "order", b"x").await;
    assert_eq!(resp.rejected[0].code, ErrorCode::InvalidDocument);
    check(http.post(format!("{}/v1/login", w.server.url)).body(r#"{"tenant":"acme","login":"sup","password":"wrong password","device_actor":"ab"}"#).send().await.unwrap(), 401, "bad_credentials").await;
    // Nothing of the above reached the feed: a fresh device gets only the tenant's settings.
    let fresh = Device::signed_in(&w.server, T, "sup").await;
    assert_eq!(fresh.sync().await.pulled, 1);
    assert!(
        fresh
            .ws()
            .list_orders(&OrderFilter::default())
            .unwrap()
            .is_empty()
    );
    assert!(fresh.ws().list_customers().unwrap().is_empty());
}

async fn expired_token_is_refused(backend: Backend) {
    let w = world(backend).await;
    w.db.execute("UPDATE tokens SET expires_at = 1").await;
    let err = w.tech_a.try_sync().await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::TokenExpired);
    assert!(
        w.tech_a
            .ws()
            .sync_status()
            .unwrap()
            .last_error
            .unwrap()
            .code
            == ErrorCode::TokenExpired
    );
}

/// Wrong passwords for one login are slowed down: after five, the next attempt waits (even
/// with the right password) and is told so; a login that does not exist is treated alike;
/// other people sign in meanwhile; after the wait, the right password works.
async fn password_guessing_is_slowed_and_says_so(backend: Backend) {
    let w = world(backend).await;
    let http = fieldops_device::net::http_client(std::time::Duration::from_secs(60)).unwrap();
    let url = format!("{}/v1/login", w.server.url);
    let attempt = |login: &'static str, password: &'static str| {
        let request = http.post(&url).json(&serde_json::json!({
            // One device per person: a device is bound to whoever first signs in on it.
            "tenant": T, "login": login, "password": password,
            "device_actor": if login == "tech.a" { "cd" } else { "ab" }
        }));
        async move {
            let resp = request.send().await.unwrap();
            let status = resp.status().as_u16();
            let retry_after = resp
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().to_string());
            let body: serde_json::Value = resp.json().await.unwrap();
            (
                status,
                body["code"].as_str().unwrap_or("").to_string(),
                retry_after,
            )
        }
    };
    for login in ["sup", "nobody.here"] {
        for _ in 0..6 {
            let (status, code, _) = attempt(login, "wrong password").await;
            assert_eq!((status, code.as_str()), (401, "bad_credentials"), "{login}");
        }
        let (status, code, retry_after) = attempt(login, PASSWORD).await;
        assert_eq!(
            (status, code.as_str()),
            (429, "too_many_attempts"),
            "{login}"
        );
        assert_eq!(retry_after.as_deref(), Some("1"));
    }
    let (status, _, _) = attempt("tech.a", PASSWORD).await;
    assert_eq!(status, 200, "another login is not held up");
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let (status, _, _) = attempt("sup", PASSWORD).await;
    assert_eq!(status, 200, "after the wait the right password works");
}

/// The assigned technician forges, with their own device's actor, changes their role may not
/// make: the order's header, a supervisor's status move, an event in someone else's name, the
/// server's own stamps. Each is refused `forbidden` with where, stores nothing, and lands in
/// the audit log with its code.
async fn forged_changes_beyond_the_role_are_refused_and_audited(backend: Backend) {
    use fieldops_device::model::order::{EventKind, OrderEvent, append_event, set_number};
    let w = world(backend).await;
    let id = dispatched_order(&w, "Forgery target").await;
    {
        // An edit: the server now keeps the order parsed (a new document is not kept).
        let mut ws = w.sup.ws();
        let c = ws.list_customers().unwrap().remove(0);
        let mut input = order(&c, "Forgery target");
        input.priority = fieldops_device::model::order::Priority::Urgent;
        ws.update_order(&id, &input).unwrap();
    }
    w.sup.sync().await;
    w.tech_a.sync().await;
    let tech = w.tech_a.user_id();
    let sup = w.sup.user_id();
    let forge = |edit: &dyn Fn(&mut automerge::AutoCommit)| {
        let ws = w.tech_a.ws();
        let (_, mut doc) = ws.store.load(&id).unwrap().unwrap();
        let before = doc.get_heads();
        edit(&mut doc);
        doc.save_after(&before)
    };
    let event = |kind: EventKind, by: &str| OrderEvent {
        at: fieldops_device::model::now_ms(),
        ..OrderEvent::new(kind, by)
    };
    let attempts: Vec<(&str, Vec<u8>)> = vec![
        (
            "header",
            forge(&|doc| {
                let header =
                    fieldops_device::crdt::child_obj(doc, &automerge::ROOT, "header").unwrap();
                fieldops_device::crdt::update_text(doc, &header, "description", "forged").unwrap();
            }),
        ),
        (
            "events",
            forge(&|doc| append_event(doc, &event(EventKind::Cancelled, &tech)).unwrap()),
        ),
        (
            "events",
            forge(&|doc| append_event(doc, &event(EventKind::Accepted, &sup)).unwrap()),
        ),
        (
            "number",
            forge(&|doc| set_number(doc, "WO-000000-9999").unwrap()),
        ),
    ];
    for (path, changes) in &attempts {
        let resp = raw_push(&w.tech_a, &id, "order", changes).await;
        assert!(resp.accepted.is_empty(), "{path}: {resp:?}");
        assert_eq!(resp.rejected.len(), 1, "{path}");
        assert_eq!(resp.rejected[0].code, ErrorCode::Forbidden, "{path}");
        assert!(
            resp.rejected[0]
                .path
                .as_deref()
                .is_some_and(|p| p.starts_with(path)),
            "{path}: {:?}",
            resp.rejected[0].path
        );
    }
    // The server kept the order parsed since the supervisor's push, and each refused push
    // began on that copy: an accepted push after them carries none of what was refused.
    w.tech_a.ws().accept_order(&id).unwrap();
    let r = w.tech_a.sync().await;
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    w.sup.sync().await;
    let order = w.sup.ws().get_order(&id).unwrap();
    assert_eq!(order.summary.status, "accepted");
    assert_eq!(order.summary.description, "Forgery target");
    assert_ne!(order.summary.number.as_deref(), Some("WO-000000-9999"));
    // A supervisor device is not enough to read the audit log; sign the admin in.
    w.db.add_user(T, "boss", "admin");
    let boss = Device::signed_in(&w.server, T, "boss").await;
    let lines: Vec<fieldops_device::audit::AuditEntry> = boss
        .http
        .as_ref()
        .unwrap()
        .get_json("/v1/admin/audit", &[("kind", "sync_refused".to_string())])
        .await
        .unwrap();
    let forbidden = lines
        .iter()
        .filter(|l| {
            l.code == Some(ErrorCode::Forbidden) && l.subject.as_deref() == Some(id.as_str())
        })
        .count();
    assert_eq!(forbidden, attempts.len());
}

/// A token is useless once its session ended: replayed after sign-out on every endpoint
/// (`invalid_token`), and a revoked device's token gets `device_revoked` everywhere but
/// the sync that tells it to wipe.
async fn ended_and_revoked_tokens_open_nothing(backend: Backend) {
    let w = world(backend).await;
    let http = fieldops_device::net::http_client(std::time::Duration::from_secs(30)).unwrap();
    let hash = "a".repeat(64);
    let probe = |token: String| {
        let http = http.clone();
        let base = w.server.url.clone();
        let hash = hash.clone();
        async move {
            let mut codes = Vec::new();
            let requests = [
                http.post(format!("{base}/v1/sync")).body(r#"{"cursor":0}"#),
                http.get(format!("{base}/v1/events")),
                http.get(format!("{base}/v1/blobs/{hash}")),
                http.put(format!("{base}/v1/blobs/{hash}")).body("x"),
                http.get(format!("{base}/v1/admin/people")),
            ];
            for r in requests {
                let resp = r.bearer_auth(&token).send().await.unwrap();
                let body: serde_json::Value = resp.json().await.unwrap();
                codes.push(body["code"].as_str().unwrap_or("").to_string());
            }
            codes
        }
    };
    let token = w.tech_b.http.as_ref().unwrap().token().to_string();
    fieldops_device::sync::logout(w.tech_b.http.as_ref().unwrap())
        .await
        .unwrap();
    assert!(probe(token).await.iter().all(|c| c == "invalid_token"));

    w.db.add_user(T, "boss", "admin");
    let boss = Device::signed_in(&w.server, T, "boss").await;
    let device = w.tech_a.ws().session().unwrap().device_id.clone();
    let _: serde_json::Value = boss
        .http
        .as_ref()
        .unwrap()
        .send_json(
            reqwest::Method::POST,
            &format!("/v1/admin/devices/{device}/revoke"),
            &serde_json::json!({"keep_unsent": false}),
        )
        .await
        .unwrap();
    let token = w.tech_a.http.as_ref().unwrap().token().to_string();
    assert!(probe(token).await.iter().all(|c| c == "device_revoked"));
}

/// A crowd of syncs beyond what the server serves at once: the extra ones are told `busy`
/// (503, with Retry-After) instead of piling up in memory, and each succeeds on a retry.
async fn a_crowd_of_syncs_is_told_to_come_back(backend: Backend) {
    let db = TestDb::new(backend).await;
    db.add_user(T, "sup", "supervisor");
    let server = Server::start_with(&db, &["--syncs-at-once", "1", "--sync-wait-ms", "0"]);
    let sup = Device::signed_in(&server, T, "sup").await;
    {
        let mut ws = sup.ws();
        let c = ws.create_customer(&customer("华北电力设备公司")).unwrap();
        for i in 0..30 {
            ws.create_order(&order(&c, &format!("crowd {i}"))).unwrap();
        }
    }
    sup.sync().await;
    let token = sup.http.as_ref().unwrap().token().to_string();
    let http = fieldops_device::net::http_client(std::time::Duration::from_secs(60)).unwrap();
    let pull = || {
        http.post(format!("{}/v1/sync", server.url))
            .bearer_auth(&token)
            .body(r#"{"cursor":0}"#)
            .send()
    };
    let answers = futures_util::future::join_all((0..12).map(|_| pull())).await;
    let mut busy = 0;
    for answer in answers {
        let resp = answer.unwrap();
        match resp.status().as_u16() {
            200 => {}
            503 => {
                busy += 1;
                assert_eq!(resp.headers()["retry-after"], "5");
                let body: serde_json::Value = resp.json().await.unwrap();
                assert_eq!(body["code"], "busy");
            }
            other => panic!("unexpected status {other}"),
        }
    }
    assert!(
        busy > 0,
        "12 pulls at once against one turn: some are told to come back"
    );
    // Later, one at a time, each is served.
    for _ in 0..3 {
        assert_eq!(pull().await.unwrap().status(), 200);
    }
}

on_both!(
    deeply_nested_changes_are_refused_and_the_server_lives,
    damaged_change_bytes_are_refused_not_accepted,
    foreign_actor_is_rejected,
    bad_requests_get_clear_errors,
    expired_token_is_refused,
    password_guessing_is_slowed_and_says_so,
    forged_changes_beyond_the_role_are_refused_and_audited,
    ended_and_revoked_tokens_open_nothing,
    a_crowd_of_syncs_is_told_to_come_back,
);
