//! Notifications end to end, with the real server binary on SQLite and on PostgreSQL, a real
//! SMTP server (aiosmtpd, started here) and a local HTTP receiver standing in for the WeChat
//! Work robot and the company's SMS gateway. The server's clock for deciding is injected
//! (`--test-clock`): no test waits for a date to come.

use std::sync::atomic::Ordering;
use std::time::Duration;

use fieldops_device::ErrorCode;
use fieldops_device::alerts::{AlertKind, AlertRule};
use fieldops_device::model::equipment::EquipmentInfo;
use fieldops_device::model::now_ms;
use fieldops_device::notify::{
    Channel, ChannelSetup, ChannelView, DeliveryState, EmailSetup, Inbox, Language, MarkRead,
    Notify, OutboxEntry, SmsSetup, SmtpSecurity, TestMessage, WechatWorkSetup,
};
use fieldops_device::people::Contact;
use fieldops_scenarios::*;
use hmac::{Hmac, Mac};
use reqwest::Method;
use serde_json::{Value, json};
use sha2::Sha256;

const DAY_MS: i64 = 86_400_000;
const SMS_SECRET: &str = "gateway-secret-0123456789";
const ROBOT_KEY: &str = "robot-key-5f1e2d";
struct Company {
    db: TestDb,
    server: Server,
    admin: Device,
    sup: Device,
    smtp: SmtpSink,
    hooks: Receiver,
    hooks_url: String,
}

async fn send<T: serde::de::DeserializeOwned>(
    d: &Device,
    method: Method,
    path: &str,
    body: &impl serde::Serialize,
) -> fieldops_device::Result<T> {
    d.http
        .as_ref()
        .expect("signed in")
        .send_json(method, path, body)
        .await
}

async fn get<T: serde::de::DeserializeOwned>(
    d: &Device,
    path: &str,
    query: &[(&str, String)],
) -> fieldops_device::Result<T> {
    d.http
        .as_ref()
        .expect("signed in")
        .get_json(path, query)
        .await
}

async fn outbox(d: &Device) -> Vec<OutboxEntry> {
    get(d, "/v1/admin/notify/outbox", &[("limit", "500".into())])
        .await
        .unwrap()
}

/// Every queued message has reached an end (sent, or given up).
async fn settled(d: &Device) {
    eventually("every message sent", async || {
        outbox(d)
            .await
            .iter()
            .all(|m| m.state == DeliveryState::Sent)
    })
    .await;
}

/// A company with an administrator, a supervisor and a technician; people's contacts and
/// the three channels set up against the local SMTP server and receiver.
async fn company(backend: Backend, smtp: SmtpSink) -> Company {
    company_retrying_after(backend, smtp, "300").await
}

/// As `company`, with failed messages tried again after `retry_ms` (doubling).
async fn company_retrying_after(backend: Backend, smtp: SmtpSink, retry_ms: &str) -> Company {
    let db = TestDb::new(backend).await;
    db.add_user(T, "admin", "admin");
    db.add_user(T, "sup", "supervisor");
    db.add_user(T, "tech.a", "technician");
    let mut options = TEST_CLOCK.to_vec();
    let at = options
        .iter()
        .position(|o| *o == "--notify-retry-ms")
        .unwrap();
    options[at + 1] = retry_ms;
    let server = Server::start_with(&db, &options);
    let admin = Device::signed_in(&server, T, "admin").await;
    let sup = Device::signed_in(&server, T, "sup").await;
    admin.sync().await;
    sup.sync().await;
    let (hooks, hooks_url) = Receiver::start().await;
    let _: Contact = send(
        &admin,
        Method::PUT,
        &format!("/v1/admin/people/{}/contact", sup.user_id()),
        &Contact {
            email: "chen.jing@acme.cn".into(),
            phone: "13800000001".into(),
            language: Language::ZhCn,
        },
    )
    .await
    .unwrap();
    for setup in [
        ChannelSetup::Email(EmailSetup {
            host: "127.0.0.1".into(),
            port: i64::from(smtp.port),
            security: SmtpSecurity::None,
            username: String::new(),
            password: None,
            from: "FieldOps <alerts@acme.cn>".into(),
        }),
        ChannelSetup::WechatWork(WechatWorkSetup {
            webhook_url: Some(format!("{hooks_url}/cgi-bin/webhook/send?key={ROBOT_KEY}")),
            language: Language::ZhCn,
        }),
        ChannelSetup::Sms(SmsSetup {
            url: format!("{hooks_url}/sms"),
            secret: Some(SMS_SECRET.into()),
            language: Language::ZhCn,
        }),
    ] {
        let _: Vec<ChannelView> = send(&admin, Method::PUT, "/v1/admin/notify/channels", &setup)
            .await
            .unwrap();
    }
    // The warranty rule: 30 days ahead, weekly reminders, to supervisors and the customer,
    // through every channel.
    {
        let mut ws = admin.ws();
        ws.save_alert_rule(
            AlertKind::Warranty,
            &AlertRule {
                enabled: true,
                lead: 30,
                repeat_every_days: 7,
                notify: Notify {
                    customer: true,
                    channels: vec![
                        Channel::App,
                        Channel::Email,
                        Channel::WechatWork,
                        Channel::Sms,
                    ],
                    ..Notify::default()
                },
            },
        )
        .unwrap();
    }
    assert!(admin.sync().await.rejected.is_empty());
    Company {
        db,
        server,
        admin,
        sup,
        smtp,
        hooks,
        hooks_url,
    }
}

/// A machine whose warranty ends `days` from today; its id.
async fn machine_with_warranty(c: &Company, name: &str, days: u64) -> String {
    let id = {
        let mut ws = c.sup.ws();
        let today = ws.company_today();
        let cust = ws.create_customer(&customer("上海华东医疗")).unwrap();
        ws.create_equipment(&machine_info(&cust, name, today + chrono::Days::new(days)))
            .unwrap()
            .id
    };
    assert!(c.sup.sync().await.rejected.is_empty());
    id
}

fn machine_info(
    cust: &fieldops_device::workspace::CustomerView,
    name: &str,
    warranty: chrono::NaiveDate,
) -> EquipmentInfo {
    EquipmentInfo {
        installed_on: Some("2025-01-10".into()),
        warranty_until: Some(warranty.to_string()),
        ..equipment(cust, name)
    }
}

fn emails_to(c: &Company, to: &str) -> Vec<Value> {
    c.smtp
        .messages()
        .into_iter()
        .filter(|m| m["to"][0] == to)
        .collect()
}

async fn a_warranty_alert_reaches_each_person_once_and_reminds_until_extended(backend: Backend) {
    let c = company(backend, SmtpSink::on(free_port())).await;
    let machine = machine_with_warranty(&c, "2号冷水机组", 20).await;
    let now = now_ms();

    // Supervisor: app + e-mail + SMS; the customer: SMS; the group: one robot message.
    assert_eq!(scan_at(&c.admin, now).await, 5);
    settled(&c.admin).await;
    let mails = emails_to(&c, "chen.jing@acme.cn");
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(mails[0]["subject"], "保修即将到期：2号冷水机组");
    assert!(
        mails[0]["body"].as_str().unwrap().contains("还有 20 天"),
        "{mails:?}"
    );
    assert_eq!(mails[0]["from"], "alerts@acme.cn");
    let robot = c.hooks.accepted("/cgi-bin/webhook/send");
    assert_eq!(robot.len(), 1);
    let said: Value = serde_json::from_slice(&robot[0].body).unwrap();
    assert_eq!(said["msgtype"], "text");
    assert!(
        said["text"]["content"]
            .as_str()
            .unwrap()
            .contains("2号冷水机组")
    );
    assert_eq!(
        said["text"]["mentioned_mobile_list"],
        json!(["13800000001"])
    );
    let sms = c.hooks.accepted("/sms");
    let mut to: Vec<String> = sms
        .iter()
        .map(|r| {
            serde_json::from_slice::<Value>(&r.body).unwrap()["to"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    to.sort();
    assert_eq!(to, vec!["+86 10 1234 5678", "13800000001"]);
    for r in &sms {
        let at = r.headers["x-fieldops-timestamp"].to_str().unwrap();
        let mut mac = Hmac::<Sha256>::new_from_slice(SMS_SECRET.as_bytes()).unwrap();
        mac.update(format!("{at}.").as_bytes());
        mac.update(&r.body);
        let expected = format!("sha256={}", hex_string(&mac.finalize().into_bytes()));
        assert_eq!(
            r.headers["x-fieldops-signature"].to_str().unwrap(),
            expected
        );
    }

    // Deciding again, now or the next day, sends nothing new.
    assert_eq!(scan_at(&c.admin, now).await, 0);
    assert_eq!(scan_at(&c.admin, now + DAY_MS).await, 0);

    // The supervisor's notification centre.
    let inbox: Inbox = get(&c.sup, "/v1/notifications", &[]).await.unwrap();
    assert_eq!(inbox.unread, 1);
    assert_eq!(inbox.items[0].subject, "保修即将到期：2号冷水机组");
    let key = inbox.items[0].key.clone();
    let inbox: Inbox = send(
        &c.sup,
        Method::POST,
        "/v1/notifications/read",
        &MarkRead { keys: vec![key] },
    )
    .await
    .unwrap();
    assert_eq!(inbox.unread, 0);
    assert!(inbox.items[0].read);
    // The administrator is not a recipient of this rule.
    let theirs: Inbox = get(&c.admin, "/v1/notifications", &[]).await.unwrap();
    assert!(theirs.items.is_empty());

    // Five days after the end: the first overdue reminder; two days later nothing new; a week
    // after the first reminder, the next.
    assert_eq!(scan_at(&c.admin, now + 25 * DAY_MS).await, 5);
    assert_eq!(scan_at(&c.admin, now + 27 * DAY_MS).await, 0);
    assert_eq!(scan_at(&c.admin, now + 34 * DAY_MS).await, 5);
    settled(&c.admin).await;
    let mails = emails_to(&c, "chen.jing@acme.cn");
    assert_eq!(mails.len(), 3);
    assert_eq!(mails[1]["subject"], "保修已过期：2号冷水机组");
    assert_eq!(
        distinct_message_ids(&mails),
        3,
        "one Message-ID per message"
    );

    // The warranty is extended: no more reminders.
    {
        let mut ws = c.sup.ws();
        let today = ws.company_today();
        let cust = ws.list_customers().unwrap().remove(0);
        ws.update_equipment(
            &machine,
            &machine_info(&cust, "2号冷水机组", today + chrono::Days::new(400)),
        )
        .unwrap();
    }
    assert!(c.sup.sync().await.rejected.is_empty());
    assert_eq!(scan_at(&c.admin, now + 41 * DAY_MS).await, 0);
    assert_eq!(emails_to(&c, "chen.jing@acme.cn").len(), 3);
    let _ = (&c.db, &c.server, &c.hooks_url);
}

/// How many different Message-IDs the mails carry (a message sent twice repeats its own).
fn distinct_message_ids(mails: &[Value]) -> usize {
    mails
        .iter()
        .map(|m| m["message_id"].as_str().unwrap())
        .collect::<std::collections::BTreeSet<_>>()
        .len()
}

fn hex_string(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn channels_are_tested_from_the_app_and_never_show_their_secrets(backend: Backend) {
    let c = company(backend, SmtpSink::on(free_port())).await;
    let views: Vec<ChannelView> = get(&c.admin, "/v1/admin/notify/channels", &[])
        .await
        .unwrap();
    assert_eq!(views.len(), 3);
    let text = serde_json::to_string(&views).unwrap();
    assert!(
        !text.contains(SMS_SECRET) && !text.contains(ROBOT_KEY),
        "{text}"
    );
    assert!(views.iter().any(|v| matches!(
        v,
        ChannelView::Sms {
            secret_set: true,
            ..
        }
    )));

    // Changing the gateway's address without retyping its secret keeps the secret.
    let _: Vec<ChannelView> = send(
        &c.admin,
        Method::PUT,
        "/v1/admin/notify/channels",
        &ChannelSetup::Sms(SmsSetup {
            url: format!("{}/sms/v2", c.hooks_url),
            secret: None,
            language: Language::En,
        }),
    )
    .await
    .unwrap();

    for (channel, to) in [
        (Channel::Email, "it@acme.cn"),
        (Channel::Sms, "13900000009"),
        (Channel::WechatWork, ""),
    ] {
        let queued: OutboxEntry = send(
            &c.admin,
            Method::POST,
            "/v1/admin/notify/test",
            &TestMessage {
                channel,
                to: to.into(),
            },
        )
        .await
        .unwrap();
        assert_eq!(queued.channel, channel);
    }
    settled(&c.admin).await;
    let mail = emails_to(&c, "it@acme.cn");
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0]["subject"], "FieldOps 测试消息");
    let sms = c.hooks.accepted("/sms/v2");
    assert_eq!(sms.len(), 1);
    let at = sms[0].headers["x-fieldops-timestamp"].to_str().unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(SMS_SECRET.as_bytes()).unwrap();
    mac.update(format!("{at}.").as_bytes());
    mac.update(&sms[0].body);
    assert_eq!(
        sms[0].headers["x-fieldops-signature"].to_str().unwrap(),
        format!("sha256={}", hex_string(&mac.finalize().into_bytes()))
    );
    assert_eq!(c.hooks.accepted("/cgi-bin/webhook/send").len(), 1);

    // Refused in words: a malformed address, a channel that is not set up, not an administrator.
    let bad: fieldops_device::Result<OutboxEntry> = send(
        &c.admin,
        Method::POST,
        "/v1/admin/notify/test",
        &TestMessage {
            channel: Channel::Email,
            to: "it@acme".into(),
        },
    )
    .await;
    let bad = bad.unwrap_err();
    assert_eq!(bad.code(), ErrorCode::InvalidInput);
    assert!(format!("{bad:?}").contains("Email"), "{bad:?}");
    let _: Vec<ChannelView> = send(
        &c.admin,
        Method::DELETE,
        "/v1/admin/notify/channels/wechat_work",
        &json!({}),
    )
    .await
    .unwrap();
    let unset: fieldops_device::Result<OutboxEntry> = send(
        &c.admin,
        Method::POST,
        "/v1/admin/notify/test",
        &TestMessage {
            channel: Channel::WechatWork,
            to: String::new(),
        },
    )
    .await;
    assert!(format!("{:?}", unset.unwrap_err()).contains("ChannelNotSetUp"));
    let not_admin: fieldops_device::Result<Vec<ChannelView>> =
        get(&c.sup, "/v1/admin/notify/channels", &[]).await;
    assert_eq!(not_admin.unwrap_err().code(), ErrorCode::Forbidden);
    let malformed: fieldops_device::Result<Vec<ChannelView>> = send(
        &c.admin,
        Method::PUT,
        "/v1/admin/notify/channels",
        &json!({"channel": "email", "host": "smtp.acme.cn", "port": 99999, "security": "starttls",
                "username": "", "password": null, "from": "alerts@acme.cn"}),
    )
    .await;
    let malformed = malformed.unwrap_err();
    assert_eq!(malformed.code(), ErrorCode::InvalidInput);
    assert!(
        format!("{malformed:?}").contains("SmtpPort"),
        "{malformed:?}"
    );
}

async fn a_channel_that_is_down_is_retried_and_delivers_once_when_back(backend: Backend) {
    let mut c = company(backend, SmtpSink::down()).await;
    c.hooks.failing.store(true, Ordering::SeqCst);
    machine_with_warranty(&c, "1号空压机", 10).await;
    assert_eq!(scan_at(&c.admin, now_ms()).await, 5);
    eventually("e-mail and robot retrying with their reasons", async || {
        let rows = outbox(&c.admin).await;
        let email = rows.iter().find(|m| m.channel == Channel::Email);
        let robot = rows.iter().find(|m| m.channel == Channel::WechatWork);
        matches!((email, robot), (Some(e), Some(r))
            if e.state == DeliveryState::Retrying && e.last_error.is_some() && e.next_attempt_at.is_some()
            && r.state == DeliveryState::Retrying
            && r.last_error.as_deref().is_some_and(|m| m.contains("93000")))
    })
    .await;
    // No secret in the reasons.
    for m in outbox(&c.admin).await {
        let reason = m.last_error.unwrap_or_default();
        assert!(
            !reason.contains(ROBOT_KEY) && !reason.contains(SMS_SECRET),
            "{reason}"
        );
    }
    c.smtp.start();
    c.hooks.failing.store(false, Ordering::SeqCst);
    settled(&c.admin).await;
    assert_eq!(emails_to(&c, "chen.jing@acme.cn").len(), 1);
    assert_eq!(c.hooks.accepted("/cgi-bin/webhook/send").len(), 1);
    assert_eq!(c.hooks.accepted("/sms").len(), 2);
}

async fn a_server_killed_before_delivering_delivers_after_its_restart_once(backend: Backend) {
    // Five seconds between attempts: the kill lands between two, not during one (a server
    // killed while sending leaves its lease for two minutes, see docs/ARCHITECTURE.md).
    let mut c = company_retrying_after(backend, SmtpSink::down(), "5000").await;
    machine_with_warranty(&c, "3号锅炉", 5).await;
    assert_eq!(scan_at(&c.admin, now_ms()).await, 5);
    // Killed when the e-mail waits for its next attempt and nothing else is being sent.
    eventually(
        "the e-mail waiting for its SMTP server, the rest sent",
        async || {
            outbox(&c.admin).await.iter().all(|m| match m.channel {
                Channel::Email => m.state == DeliveryState::Retrying,
                _ => m.state == DeliveryState::Sent,
            })
        },
    )
    .await;
    c.server.kill();
    c.smtp.start();
    c.server.restart();
    settled(&c.admin).await;
    assert_eq!(emails_to(&c, "chen.jing@acme.cn").len(), 1);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(emails_to(&c, "chen.jing@acme.cn").len(), 1);
}

on_both!(
    a_warranty_alert_reaches_each_person_once_and_reminds_until_extended,
    channels_are_tested_from_the_app_and_never_show_their_secrets,
    a_channel_that_is_down_is_retried_and_delivers_once_when_back,
    a_server_killed_before_delivering_delivers_after_its_restart_once,
);

/// Three server instances on one PostgreSQL all decide and all deliver: every message goes
/// out once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_instances_on_one_postgresql_deliver_each_message_once() {
    let c = company(Backend::Postgres, SmtpSink::on(free_port())).await;
    for i in 0..8 {
        machine_with_warranty(&c, &format!("{i}号机组"), 10 + i).await;
    }
    let second = Server::start_with(&c.db, &TEST_CLOCK);
    let third = Server::start_with(&c.db, &TEST_CLOCK);
    let admin_two = Device::signed_in(&second, T, "admin").await;
    let admin_three = Device::signed_in(&third, T, "admin").await;
    let now = now_ms();
    let (a, b, d) = tokio::join!(
        scan_at(&c.admin, now),
        scan_at(&admin_two, now),
        scan_at(&admin_three, now)
    );
    assert_eq!(
        a + b + d,
        8 * 5,
        "each message decided once: {a} + {b} + {d}"
    );
    settled(&c.admin).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mails = emails_to(&c, "chen.jing@acme.cn");
    assert_eq!(mails.len(), 8, "{mails:?}");
    assert_eq!(distinct_message_ids(&mails), 8);
    assert_eq!(c.hooks.accepted("/cgi-bin/webhook/send").len(), 8);
    assert_eq!(c.hooks.accepted("/sms").len(), 16);
}
