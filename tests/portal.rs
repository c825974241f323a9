//! The customer portal end to end, with the real server binary on SQLite and PostgreSQL: a
//! customer (plain HTTP, as the phone page calls it) asks through a machine's label, the
//! supervisor's device sees the request and takes it on, the technician's device completes it,
//! the tracking link follows each step, the customer rates once, and the messages reach a real
//! SMTP server. Every token reaches only what it names; every refusal stores nothing.

use fieldops_device::model::order::{ChargeKind, Status};
use fieldops_device::portal::{LinkKind, LinksRequest, PortalLink};
use fieldops_device::workspace::{ChargeInput, CustomerView};
use fieldops_scenarios::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The customer's phone: no account, only the token of the link it opened.
struct Phone {
    http: reqwest::Client,
    base: String,
}

impl Phone {
    fn new(server: &Server) -> Phone {
        Phone {
            http: reqwest::Client::new(),
            base: server.url.clone(),
        }
    }

    async fn answer(resp: reqwest::Response) -> (StatusCode, Value) {
        let status = resp.status();
        let body = resp.json::<Value>().await.unwrap_or(Value::Null);
        (status, body)
    }

    async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        let resp = self
            .http
            .get(format!("{}{path}", self.base))
            .header("X-Portal-Token", token)
            .send()
            .await
            .unwrap();
        Self::answer(resp).await
    }

    async fn post(&self, path: &str, token: &str, body: &Value) -> (StatusCode, Value) {
        let resp = self
            .http
            .post(format!("{}{path}", self.base))
            .header("X-Portal-Token", token)
            .json(body)
            .send()
            .await
            .unwrap();
        Self::answer(resp).await
    }

    async fn photo(&self, token: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
        let resp = self
            .http
            .post(format!("{}/portal/api/photos", self.base))
            .header("X-Portal-Token", token)
            .header("Content-Type", "image/jpeg")
            .body(bytes)
            .send()
            .await
            .unwrap();
        Self::answer(resp).await
    }

    /// A 1600×1200 photo and its thumbnail, as the page sends them; the `photos` entry.
    async fn photos(&self, token: &str) -> Value {
        let full = jpeg(1600, 1200, 10);
        let thumb = jpeg(320, 240, 10);
        let (s1, a) = self.photo(token, full).await;
        let (s2, b) = self.photo(token, thumb).await;
        assert_eq!((s1, s2), (StatusCode::OK, StatusCode::OK), "{a} {b}");
        json!({"hash": a["hash"], "thumb_hash": b["hash"], "width": 1600, "height": 1200})
    }

    async fn request(&self, token: &str, body: &Value) -> (StatusCode, Value) {
        self.post("/portal/api/requests", token, body).await
    }
}

fn jpeg(w: u32, h: u32, seed: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([seed.wrapping_add((x % 200) as u8), (y % 200) as u8, 90])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
        .encode_image(&img)
        .unwrap();
    out
}

fn ask(description: &str) -> Value {
    json!({
        "order_type": "repair",
        "urgency": "high",
        "description": description,
        "contact_name": "李先生",
        "contact_phone": "138 0013 8000",
        "contact_email": "li@customer.example",
        "preferred_time": "明天上午",
        "photos": [],
        "language": "zh-CN",
    })
}

/// An administrator sets up one notification channel.
async fn set_channel(admin: &Device, setup: Value) {
    let _: Vec<fieldops_device::notify::ChannelView> = admin
        .http
        .as_ref()
        .unwrap()
        .send_json(Method::PUT, "/v1/admin/notify/channels", &setup)
        .await
        .unwrap();
}

/// The id of the order the supervisor's device knows under `number`.
fn order_by_number(sup: &Device, number: &str) -> String {
    sup.ws()
        .list_orders(&Default::default())
        .unwrap()
        .into_iter()
        .find(|o| o.number.as_deref() == Some(number))
        .unwrap()
        .id
}

fn token_of(url: &str) -> String {
    url.rsplit('/').next().unwrap().to_string()
}

fn refusal(body: &Value) -> &str {
    body["refusal"]["kind"].as_str().unwrap_or("")
}

async fn links(sup: &Device, kind: LinkKind, targets: &[&str], reissue: bool) -> Vec<PortalLink> {
    sup.http
        .as_ref()
        .unwrap()
        .send_json(
            Method::POST,
            "/v1/admin/portal/links",
            &LinksRequest {
                kind,
                targets: targets.iter().map(|t| t.to_string()).collect(),
                reissue,
            },
        )
        .await
        .unwrap()
}

/// A customer with one machine, made by the supervisor and synced.
async fn customer_with_machine(w: &World, name: &str, machine: &str) -> (CustomerView, String) {
    let (c, e) = {
        let mut ws = w.sup.ws();
        let c = ws.create_customer(&customer(name)).unwrap();
        let mut info = equipment(&c, machine);
        info.serial = format!("SN-{machine}");
        let e = ws.create_equipment(&info).unwrap();
        (c, e.id)
    };
    w.sup.sync().await;
    (c, e)
}

async fn machine_token(w: &World, machine: &str) -> String {
    let l = links(&w.sup, LinkKind::Machine, &[machine], false).await;
    assert!(l[0].url.starts_with(&w.server.url), "{}", l[0].url);
    assert!(l[0].url.contains("/portal/#m/"), "{}", l[0].url);
    token_of(&l[0].url)
}

async fn request_dispatch_complete_and_rate(backend: Backend) {
    let w = world(backend).await;
    let phone = Phone::new(&w.server);
    let (c, machine) = customer_with_machine(&w, "华北电力", "冷水机组 3").await;
    let token = machine_token(&w, &machine).await;
    // The label's link reads the same when printed again.
    assert_eq!(token, machine_token(&w, &machine).await);

    let page = reqwest::get(format!("{}/portal/", w.server.url))
        .await
        .unwrap();
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"));
    assert!(page.text().await.unwrap().contains("portal.js"));

    let (s, entry) = phone.get("/portal/api/entry", &token).await;
    assert_eq!(s, StatusCode::OK, "{entry}");
    assert_eq!(entry["customer"], "华北电力");
    assert_eq!(entry["machine"]["name"], "冷水机组 3");
    assert_eq!(entry["machine"]["serial"], "SN-冷水机组 3");

    let mut body = ask("压缩机运行十分钟后停机，显示 E07");
    body["photos"] = json!([phone.photos(&token).await]);
    let (s, made) = phone.request(&token, &body).await;
    assert_eq!(s, StatusCode::OK, "{made}");
    let number = made["number"].as_str().unwrap().to_string();
    assert!(number.starts_with("WO-"), "{number}");
    let track = made["track_token"].as_str().unwrap().to_string();
    assert!(
        made["track_url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("#t/{track}"))
    );

    // The supervisor's device sees the request with what the customer wrote.
    w.sup.sync().await;
    let id = {
        let ws = w.sup.ws();
        let list = ws.list_orders(&Default::default()).unwrap();
        let o = list
            .iter()
            .find(|o| o.number.as_deref() == Some(&number))
            .unwrap();
        assert_eq!(o.status, "requested");
        let d = ws.get_order(&o.id).unwrap();
        let r = d.request.clone().unwrap();
        assert_eq!(
            (r.contact_name.as_str(), r.via.as_str()),
            ("李先生", "machine")
        );
        assert_eq!(d.summary.customer_id, c.id);
        assert_eq!(d.photos.len(), 1);
        assert_eq!(d.photos[0].photo.by, "customer");
        assert!(
            d.actions
                .contains(&fieldops_device::workspace::Action::AcceptRequest)
        );
        o.id.clone()
    };
    let (_, t) = phone.get("/portal/api/track", &track).await;
    assert_eq!(t["current"], "received");

    // Taken on, dispatched, and a word for the customer.
    {
        let mut ws = w.sup.ws();
        ws.accept_request(&id).unwrap();
        ws.dispatch_order(&id, &[w.tech_a.user_id()], false)
            .unwrap();
        ws.share_with_customer(&id, "周二上午到，请准备好设备钥匙")
            .unwrap();
        ws.put_cost(
            &id,
            None,
            &fieldops_device::workspace::CostInput {
                kind: fieldops_device::model::order::CostKind::Travel,
                description: "internal: 出差补贴".into(),
                quantity_milli: 1000,
                unit_cost_minor: 12_345,
                currency: "CNY".into(),
            },
        )
        .unwrap();
    }
    w.sup.sync().await;
    let (_, t) = phone.get("/portal/api/track", &track).await;
    assert_eq!(t["current"], "assigned", "{t}");
    assert_eq!(t["notes"][0]["text"], "周二上午到，请准备好设备钥匙");
    // The scenario's people are named by their logins: "tech.a" is the whole of its name.
    assert_eq!(t["technician"], "tech.a");
    let text = t.to_string();
    assert!(
        t["technician_phone"].is_null(),
        "not shown unless the company chose so"
    );
    for secret in ["12345", "出差补贴", "costs", "charges", "13800", "李先生"] {
        assert!(
            !text.contains(secret),
            "the tracking page shows {secret}: {text}"
        );
    }

    // Rating before completion is refused and stores nothing.
    let (s, r) = phone
        .post("/portal/api/track/rating", &track, &json!({"stars": 5}))
        .await;
    assert_eq!(
        (s, refusal(&r)),
        (StatusCode::BAD_REQUEST, "not_now"),
        "{r}"
    );

    // The technician goes and completes it.
    w.tech_a.sync().await;
    {
        let mut ws = w.tech_a.ws();
        ws.accept_order(&id).unwrap();
        ws.start_travel(&id).unwrap();
    }
    w.tech_a.sync().await;
    let (_, t) = phone.get("/portal/api/track", &track).await;
    assert_eq!(t["current"], "on_the_way");
    {
        let mut ws = w.tech_a.ws();
        ws.check_in(&id, None).unwrap();
        for item in ws.get_order(&id).unwrap().checklist {
            if item.required {
                ws.set_checklist_item(&id, &item.id, true).unwrap();
            }
        }
        ws.put_charge(
            &id,
            None,
            &ChargeInput {
                kind: ChargeKind::ServiceFee,
                description: "上门服务".into(),
                quantity_milli: 1000,
                unit_price_minor: 50_000,
                discount_bp: 0,
                tax_rate_bp: 600,
                currency: "CNY".into(),
            },
        )
        .unwrap();
        ws.complete_order(&id, "更换了压缩机继电器").unwrap();
        ws.rate_order(&id, 4, "现场签字").unwrap();
    }
    w.tech_a.sync().await;
    let (_, t) = phone.get("/portal/api/track", &track).await;
    assert_eq!(t["current"], "completed", "{t}");
    assert_eq!(t["may_rate"], true);
    assert!(!t.to_string().contains("50000"));

    let (s, r) = phone
        .post("/portal/api/track/rating", &track, &json!({"stars": 6}))
        .await;
    assert_eq!(refusal(&r), "rating_out_of_range", "{s} {r}");
    let (s, r) = phone
        .post(
            "/portal/api/track/rating",
            &track,
            &json!({"stars": 5, "comment": "<script>alert(1)</script> 很快"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["rating"][0], 5);
    assert_eq!(r["may_rate"], false);
    let (s, r) = phone
        .post("/portal/api/track/rating", &track, &json!({"stars": 1}))
        .await;
    assert_eq!((s, refusal(&r)), (StatusCode::BAD_REQUEST, "already_rated"));

    // The rating is on the order, next to the one taken on the tablet, as the customer wrote it.
    w.sup.sync().await;
    let d = w.sup.ws().get_order(&id).unwrap();
    assert_eq!(
        d.customer_rating,
        Some((5, "<script>alert(1)</script> 很快".to_string()))
    );
    assert_eq!(d.summary.rating, Some(4));
    assert_eq!(d.summary.status, "completed");

    // A machine's token opens no tracking page, a tracking token no form.
    let (_, r) = phone.get("/portal/api/track", &token).await;
    assert_eq!(refusal(&r), "link_not_valid");
    let (_, r) = phone.get("/portal/api/entry", &track).await;
    assert_eq!(refusal(&r), "link_not_valid");
    // The machine's page lists the request with its tracking link.
    let (_, entry) = phone.get("/portal/api/entry", &token).await;
    assert_eq!(entry["requests"][0]["number"], number.as_str());
    assert_eq!(entry["requests"][0]["current"], "completed");
}

async fn tokens_reach_only_what_they_name(backend: Backend) {
    let w = world(backend).await;
    let phone = Phone::new(&w.server);
    let (a, machine_a) = customer_with_machine(&w, "客户甲", "甲-1").await;
    let (b, machine_b) = customer_with_machine(&w, "客户乙", "乙-1").await;
    let token_a = machine_token(&w, &machine_a).await;
    let token_b = machine_token(&w, &machine_b).await;
    let (s, made) = phone.request(&token_a, &ask("甲的设备漏水")).await;
    assert_eq!(s, StatusCode::OK, "{made}");
    let track_a = made["track_token"].as_str().unwrap().to_string();

    // Machine B's label shows B only; nothing of A's request.
    let (_, entry) = phone.get("/portal/api/entry", &token_b).await;
    assert_eq!(entry["customer"], "客户乙");
    assert_eq!(entry["requests"], json!([]));
    assert!(!entry.to_string().contains("漏水"));

    // A customer's link lists that customer's machines and requests only.
    let cust = links(&w.sup, LinkKind::Customer, &[&a.id, &b.id], false).await;
    let (cust_a, cust_b) = (token_of(&cust[0].url), token_of(&cust[1].url));
    let (_, entry) = phone.get("/portal/api/entry", &cust_a).await;
    assert_eq!(entry["machines"].as_array().unwrap().len(), 1);
    assert_eq!(entry["machines"][0]["id"], machine_a.as_str());
    assert_eq!(entry["requests"].as_array().unwrap().len(), 1);
    let (_, entry) = phone.get("/portal/api/entry", &cust_b).await;
    assert_eq!(entry["requests"], json!([]));
    // …and cannot ask for another customer's machine.
    let mut body = ask("借用别人的设备");
    body["equipment_id"] = json!(machine_a);
    let (s, r) = phone.request(&cust_b, &body).await;
    assert_eq!(
        (s, refusal(&r)),
        (StatusCode::BAD_REQUEST, "belongs_to_another_customer"),
        "{r}"
    );
    // Without a machine, the request is the customer's.
    let (s, made_b) = phone.request(&cust_b, &ask("整体巡检")).await;
    assert_eq!(s, StatusCode::OK, "{made_b}");

    // Issued again: the old label stops working, the new one works; revoked: nothing works.
    let again = links(&w.sup, LinkKind::Machine, &[&machine_a], true).await;
    let new_a = token_of(&again[0].url);
    assert_ne!(new_a, token_a);
    let (_, r) = phone.get("/portal/api/entry", &token_a).await;
    assert_eq!(refusal(&r), "link_not_valid");
    let (s, _) = phone.get("/portal/api/entry", &new_a).await;
    assert_eq!(s, StatusCode::OK);
    let revoked: Value = w
        .sup
        .http
        .as_ref()
        .unwrap()
        .send_json(
            Method::POST,
            "/v1/admin/portal/revoke",
            &json!({"kind": "machine", "target": machine_a}),
        )
        .await
        .unwrap();
    assert_eq!(revoked["revoked"], true);
    let (_, r) = phone.get("/portal/api/entry", &new_a).await;
    assert_eq!(refusal(&r), "link_not_valid");
    // The tracking link of the request made before lives on.
    let (s, _) = phone.get("/portal/api/track", &track_a).await;
    assert_eq!(s, StatusCode::OK);

    // Technicians do not hand out links.
    let tech = w
        .tech_a
        .http
        .as_ref()
        .unwrap()
        .send_json::<_, Value>(
            Method::POST,
            "/v1/admin/portal/links",
            &json!({"kind": "machine", "targets": [machine_b]}),
        )
        .await;
    assert!(tech.is_err(), "{tech:?}");

    // Bad input: each refused in words the page can translate, nothing stored.
    w.sup.sync().await;
    let before = w.sup.ws().list_orders(&Default::default()).unwrap().len();
    let (s, r) = phone.request(&token_b, &ask(&"很".repeat(34_000))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{r}");
    assert_eq!(r["field"]["field"], "description");
    assert_eq!(r["field"]["problem"]["kind"], "too_long");
    let (s, r) = phone
        .photo(&token_b, b"%PDF-1.7 not a photo".to_vec())
        .await;
    assert_eq!(
        (s, r["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_blob"))
    );
    let (s, r) = phone.photo(&token_b, vec![0xFF; 4 * 1024 * 1024]).await;
    assert_eq!(
        (s, r["code"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("too_large"))
    );
    // Answered while the phone was still sending, the connection would be cut under it and
    // the phone would see a network failure instead of the answer, now and then.
    for _ in 0..30 {
        let (s, _) = phone.photo(&token_b, vec![0xFF; 5 * 1024 * 1024]).await;
        assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    }
    let photo = phone.photos(&token_b).await;
    let mut body = ask("七张照片");
    body["photos"] = json!(vec![photo.clone(); 7]);
    let (_, r) = phone.request(&token_b, &body).await;
    assert_eq!(refusal(&r), "too_many_photos");
    let mut body = ask("照片没上传");
    body["photos"] = json!([{"hash": "ab".repeat(32), "thumb_hash": "cd".repeat(32), "width": 10, "height": 10}]);
    let (_, r) = phone.request(&token_b, &body).await;
    assert_eq!(r["code"], "invalid_blob");
    let mut body = ask("培训");
    body["order_type"] = json!("training");
    let (_, r) = phone.request(&token_b, &body).await;
    assert_eq!(refusal(&r), "type_not_offered");
    let mut body = ask("电话不对");
    body["contact_phone"] = json!("call me");
    let (_, r) = phone.request(&token_b, &body).await;
    assert_eq!(r["field"]["field"], "phone");
    let (_, r) = phone.request("", &ask("没有令牌")).await;
    assert_eq!(refusal(&r), "link_not_valid");
    w.sup.sync().await;
    assert_eq!(
        w.sup.ws().list_orders(&Default::default()).unwrap().len(),
        before
    );

    // Guessing: after 20 wrong tokens in ten minutes (the three refused above count) the
    // address waits, even with a right one.
    let mut refused = 0;
    loop {
        let (s, r) = phone
            .get(
                "/portal/api/entry",
                &format!("guess{refused:02}AbCdEfGhIjKlMnOp"),
            )
            .await;
        if s == StatusCode::TOO_MANY_REQUESTS {
            break;
        }
        assert_eq!(refusal(&r), "link_not_valid");
        refused += 1;
        assert!(refused <= 20, "guessing is never slowed");
    }
    assert_eq!(refused, 17);
    let (s, r) = phone.get("/portal/api/entry", &token_b).await;
    assert_eq!(
        (s, r["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("too_many_attempts"))
    );
}

async fn a_flood_from_one_address_is_stopped(backend: Backend) {
    let w = world(backend).await;
    let phone = Phone::new(&w.server);
    let (_, machine) = customer_with_machine(&w, "客户丙", "丙-1").await;
    let token = machine_token(&w, &machine).await;
    for i in 0..10 {
        let (s, r) = phone.request(&token, &ask(&format!("第 {i} 次"))).await;
        assert_eq!(s, StatusCode::OK, "{r}");
    }
    let (s, r) = phone.request(&token, &ask("第 11 次")).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{r}");
    assert_eq!(r["code"], "too_many_attempts");
    w.sup.sync().await;
    let requested = w
        .sup
        .ws()
        .list_orders(&Default::default())
        .unwrap()
        .iter()
        .filter(|o| o.status == "requested")
        .count();
    assert_eq!(requested, 10);
}

async fn the_customer_hears_each_step_once(backend: Backend) {
    let w = world(backend).await;
    w.db.add_user(T, "boss", "admin");
    let admin = Device::signed_in(&w.server, T, "boss").await;
    let sink = SmtpSink::on(free_port());
    set_channel(
        &admin,
        json!({"channel": "email", "host": "127.0.0.1", "port": sink.port, "security": "none",
               "username": "", "password": null, "from": "service@acme.example"}),
    )
    .await;
    let (gateway, gateway_url) = Receiver::start().await;
    set_channel(
        &admin,
        json!({"channel": "sms", "url": format!("{gateway_url}/sms"),
               "secret": "gateway-secret-0123456789", "language": "zh-CN"}),
    )
    .await;
    let texts = || -> Vec<Value> {
        gateway
            .accepted("/sms")
            .iter()
            .map(|r| serde_json::from_slice(&r.body).unwrap())
            .collect()
    };
    let phone = Phone::new(&w.server);
    let (_, machine) = customer_with_machine(&w, "客户丁", "丁-1").await;
    let token = machine_token(&w, &machine).await;
    let (s, made) = phone.request(&token, &ask("异响")).await;
    assert_eq!(s, StatusCode::OK, "{made}");
    let number = made["number"].as_str().unwrap().to_string();
    let track_url = made["track_url"].as_str().unwrap().to_string();
    eventually("the 'received' mail", async || sink.messages().len() == 1).await;
    let first = &sink.messages()[0];
    assert_eq!(first["to"][0], "li@customer.example");
    let text = first.to_string();
    assert!(
        text.contains(&number) && text.contains(&track_url),
        "{text}"
    );

    w.sup.sync().await;
    let id = order_by_number(&w.sup, &number);
    {
        let mut ws = w.sup.ws();
        ws.accept_request(&id).unwrap();
        ws.dispatch_order(&id, &[w.tech_a.user_id()], false)
            .unwrap();
    }
    w.sup.sync().await;
    eventually("the 'accepted' and 'assigned' mails", async || {
        sink.messages().len() == 3
    })
    .await;
    // The technician's mobile number reaches the customer only once the company shows it.
    let track = made["track_token"].as_str().unwrap().to_string();
    let (_, t) = phone.get("/portal/api/track", &track).await;
    assert!(t["technician_phone"].is_null(), "{t}");
    let _: Value = admin
        .http
        .as_ref()
        .unwrap()
        .send_json(
            Method::PUT,
            &format!("/v1/admin/people/{}/contact", w.tech_a.user_id()),
            &json!({"email": "", "phone": "139 0000 1111", "language": "zh-CN"}),
        )
        .await
        .unwrap();
    admin.sync().await;
    assert!(admin.ws().set_portal_shows_phone(true).unwrap());
    admin.sync().await;
    let (_, t) = phone.get("/portal/api/track", &track).await;
    assert_eq!(t["technician_phone"], "139 0000 1111", "{t}");

    // Another change (a note) and another sync tell nothing twice.
    w.sup.ws().share_with_customer(&id, "明天到").unwrap();
    w.sup.sync().await;
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(sink.messages().len(), 3, "{:?}", sink.messages());
    // Text messages start once a person took the request on (anyone holding a label can type
    // any number): "accepted" and "assigned", to the number the customer gave, with the link.
    let sms = texts();
    assert_eq!(sms.len(), 2, "{sms:?}");
    assert!(sms.iter().all(|m| m["to"] == "138 0013 8000"), "{sms:?}");
    assert!(
        sms.iter()
            .all(|m| m["text"].as_str().unwrap().contains(&track_url)),
        "{sms:?}"
    );
    let subjects: Vec<String> = sink
        .messages()
        .iter()
        .map(|m| m["subject"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(
        subjects.iter().any(|s| s.contains("已受理")),
        "{subjects:?}"
    );
    assert!(
        subjects.iter().any(|s| s.contains("已派工")),
        "{subjects:?}"
    );

    // Declining tells the customer why.
    let (_, made) = phone.request(&token, &ask("不是我们的设备")).await;
    let number = made["number"].as_str().unwrap().to_string();
    w.sup.sync().await;
    let id = order_by_number(&w.sup, &number);
    w.sup
        .ws()
        .cancel_order(&id, "该设备不在保修范围内")
        .unwrap();
    w.sup.sync().await;
    eventually("the 'declined' mail", async || sink.messages().len() == 5).await;
    assert!(
        sink.messages()
            .iter()
            .any(|m| m.to_string().contains("该设备不在保修范围内"))
    );
    let (_, t) = phone
        .get("/portal/api/track", made["track_token"].as_str().unwrap())
        .await;
    assert_eq!(t["current"], "declined");
    assert_eq!(t["reason"], "该设备不在保修范围内");
    assert_eq!(
        w.sup.ws().get_order(&id).unwrap().summary.status,
        Status::Cancelled.as_str()
    );
}

on_both!(
    request_dispatch_complete_and_rate,
    tokens_reach_only_what_they_name,
    a_flood_from_one_address_is_stopped,
    the_customer_hears_each_step_once,
);
