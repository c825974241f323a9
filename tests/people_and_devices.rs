//! People and devices managed by an administrator, with the real server on SQLite and on
//! PostgreSQL: sessions that end at once, revoked devices, the one-time setup link,
//! invitations by e-mail (through a real SMTP server) and the audit log.

use std::time::Duration;

use fieldops_device::audit::{AuditEntry, AuditKind};
use fieldops_device::notify::{ChannelSetup, ChannelView, EmailSetup, Language, SmtpSecurity};
use fieldops_device::people::{Invitation, InvitationSent, NewPerson, PersonChange, PersonView};
use fieldops_device::protocol::UserInfo;
use fieldops_device::sync::SyncHttp;
use fieldops_device::{DeviceError, ErrorCode, Field, Problem, Refusal};
use fieldops_scenarios::*;
use reqwest::Method;

struct Office {
    db: TestDb,
    server: Server,
    boss: Device,
    tech: Device,
}

async fn office(backend: Backend) -> Office {
    let db = TestDb::new(backend).await;
    db.add_user(T, "boss", "admin");
    db.add_user(T, "tech.a", "technician");
    let server = Server::start(&db);
    let boss = Device::signed_in(&server, T, "boss").await;
    let tech = Device::signed_in(&server, T, "tech.a").await;
    boss.sync().await;
    Office {
        db,
        server,
        boss,
        tech,
    }
}

fn http(d: &Device) -> &SyncHttp {
    d.http.as_ref().expect("signed in")
}

async fn people(d: &Device) -> fieldops_device::Result<Vec<PersonView>> {
    http(d).get_json("/v1/admin/people", &[]).await
}

async fn audit(d: &Device, kind: AuditKind) -> Vec<AuditEntry> {
    http(d)
        .get_json("/v1/admin/audit", &[("kind", kind.as_str().to_string())])
        .await
        .unwrap()
}

fn person<'a>(list: &'a [PersonView], login: &str) -> &'a PersonView {
    list.iter().find(|p| p.user.login == login).unwrap()
}

fn refusal(r: fieldops_device::Result<impl std::fmt::Debug>) -> Refusal {
    match r {
        Err(DeviceError::Domain(e)) => e.refusal().cloned().expect("a refusal"),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn code(r: fieldops_device::Result<impl std::fmt::Debug>) -> ErrorCode {
    r.expect_err("expected an error").code()
}

async fn sign_in_as(server: &Server, login: &str, password: &str) -> fieldops_device::Result<()> {
    let d = Device::new();
    fieldops_device::sync::login(&d.ws, &server.url, T, login, password, "phone")
        .await
        .map(|_| ())
}

/// The old password (`PASSWORD`) is refused like any wrong one; `new` signs in.
async fn only_the_new_password_works(server: &Server, login: &str, new: &str) {
    assert_eq!(
        code(sign_in_as(server, login, PASSWORD).await),
        ErrorCode::BadCredentials
    );
    sign_in_as(server, login, new).await.unwrap();
}

/// The administrator lists people with their devices, adds a person, changes a role, resets
/// a password and deactivates an account; every rule is the server's and says which.
async fn an_administrator_manages_people_and_devices(backend: Backend) {
    let o = office(backend).await;
    let list = people(&o.boss).await.unwrap();
    let tech = person(&list, "tech.a");
    assert_eq!(tech.devices.len(), 1);
    let device = &tech.devices[0];
    assert_eq!(device.platform, std::env::consts::OS);
    assert!(!device.app_version.is_empty());
    assert_eq!(device.last_address.as_deref(), Some("127.0.0.1"));
    assert!(device.signed_in && device.revoked.is_none());
    // Only administrators.
    assert_eq!(code(people(&o.tech).await), ErrorCode::Forbidden);

    let add = |login: &str, password: &str| NewPerson {
        login: login.into(),
        name: "李伟".into(),
        role: fieldops_device::model::Role::Technician,
        password: password.into(),
    };
    let added: UserInfo = http(&o.boss)
        .send_json(Method::POST, "/v1/admin/people", &add("li.wei", PASSWORD))
        .await
        .unwrap();
    assert!(added.active);
    let again = http(&o.boss)
        .send_json::<_, UserInfo>(Method::POST, "/v1/admin/people", &add("li.wei", PASSWORD))
        .await;
    assert_eq!(
        refusal(again),
        Refusal::LoginTaken {
            login: "li.wei".into()
        }
    );
    let short = http(&o.boss)
        .send_json::<_, UserInfo>(Method::POST, "/v1/admin/people", &add("wang.fang", "short"))
        .await;
    match short {
        Err(DeviceError::Domain(e)) => {
            let p = e.field_problem().unwrap();
            assert_eq!(
                (p.field, p.problem),
                (Field::Password, Problem::TooShort { min: 8 })
            );
        }
        other => panic!("{other:?}"),
    }
    let li = Device::signed_in(&o.server, T, "li.wei").await;
    li.sync().await;

    // A role change reaches every device's directory with its next sync.
    let path = format!("/v1/admin/people/{}", added.id);
    let promoted: UserInfo = http(&o.boss)
        .send_json(
            Method::PATCH,
            &path,
            &PersonChange {
                role: Some(fieldops_device::model::Role::Supervisor),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(promoted.role, fieldops_device::model::Role::Supervisor);
    o.tech.sync().await;
    let dir = o.tech.ws().directory().unwrap();
    assert_eq!(
        dir.iter().find(|u| u.login == "li.wei").unwrap().role,
        fieldops_device::model::Role::Supervisor
    );

    // The last administrator stays one; nobody deactivates themselves.
    let boss_id = o.boss.user_id();
    let demote_self = http(&o.boss)
        .send_json::<_, UserInfo>(
            Method::PATCH,
            &format!("/v1/admin/people/{boss_id}"),
            &PersonChange {
                active: Some(false),
                ..Default::default()
            },
        )
        .await;
    assert_eq!(refusal(demote_self), Refusal::OwnAccount);

    // A new password ends the person's sessions everywhere at once: the live stream closes,
    // the next sync is told to sign in again; the new password works, the old one not.
    let mut stream = http(&o.tech).events().await.unwrap();
    stream.next().await.unwrap();
    let reset: serde_json::Value = http(&o.boss)
        .send_json(
            Method::POST,
            &format!("/v1/admin/people/{}/password", o.tech.user_id()),
            &serde_json::json!({"password": "a brand new secret"}),
        )
        .await
        .unwrap();
    assert_eq!(reset["status"], "password_reset");
    let closed = tokio::time::timeout(Duration::from_secs(5), stream.next()).await;
    assert!(matches!(closed, Ok(Err(_))), "the stream ends: {closed:?}");
    assert_eq!(code(o.tech.try_sync().await), ErrorCode::InvalidToken);
    only_the_new_password_works(&o.server, "tech.a", "a brand new secret").await;

    // Deactivation: signed out at once, sign-in answered like a wrong password, the name
    // stays in the directory marked inactive.
    let off: UserInfo = http(&o.boss)
        .send_json(
            Method::PATCH,
            &path,
            &PersonChange {
                active: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(!off.active);
    assert_eq!(code(li.try_sync().await), ErrorCode::InvalidToken);
    assert_eq!(
        code(sign_in_as(&o.server, "li.wei", PASSWORD).await),
        ErrorCode::BadCredentials
    );
    o.boss.sync().await;
    let dir = o.boss.ws().directory().unwrap();
    assert!(!dir.iter().find(|u| u.login == "li.wei").unwrap().active);

    // All of it is in the audit log, with who, what and from where.
    let failed = audit(&o.boss, AuditKind::SignInFailed).await;
    assert!(
        failed
            .iter()
            .any(|e| e.login.as_deref() == Some("li.wei") && e.detail == "deactivated"),
        "{failed:?}"
    );
    let changed = audit(&o.boss, AuditKind::PersonChanged).await;
    assert!(
        changed
            .iter()
            .any(|e| e.detail.contains("role technician → supervisor"))
    );
    assert!(changed.iter().any(|e| e.detail.contains("deactivated")));
    let resets = audit(&o.boss, AuditKind::PasswordReset).await;
    assert_eq!(resets.len(), 1);
    assert_eq!(resets[0].login.as_deref(), Some("boss"));
    let sign_ins = audit(&o.boss, AuditKind::SignIn).await;
    assert!(
        sign_ins
            .iter()
            .all(|e| e.address.as_deref() == Some("127.0.0.1"))
    );
    assert!(sign_ins.len() >= 4);
}

/// Every accepted change is audited with its author, document and the fields it touched;
/// a refused one with its code. Searching finds them by words.
async fn accepted_and_refused_changes_are_audited(backend: Backend) {
    let o = office(backend).await;
    let order_id = {
        let mut ws = o.boss.ws();
        let c = ws.create_customer(&customer("华东制冷设备公司")).unwrap();
        let order = ws.create_order(&order(&c, "Compressor trips")).unwrap();
        order.summary.id
    };
    o.boss.sync().await;
    let accepted = audit(&o.boss, AuditKind::ChangeAccepted).await;
    let line = accepted
        .iter()
        .find(|e| e.subject.as_deref() == Some(order_id.as_str()))
        .expect("the order's creation is audited");
    assert_eq!(line.login.as_deref(), Some("boss"));
    assert!(
        line.detail.starts_with("order created: "),
        "{}",
        line.detail
    );
    assert!(line.detail.contains("header"), "{}", line.detail);
    // The technician writes into a document out of their scope: refused, and audited.
    let refused = o
        .tech
        .http
        .as_ref()
        .unwrap()
        .round_trip(&fieldops_device::protocol::SyncRequest {
            cursor: 0,
            push: vec![fieldops_device::protocol::PushDoc {
                doc: order_id.clone(),
                doc_type: "order".into(),
                changes: "AAAA".into(),
            }],
            directory_version: 0,
            catch_up: None,
        })
        .await
        .unwrap()
        .0;
    assert_eq!(refused.rejected.len(), 1);
    let lines = audit(&o.boss, AuditKind::SyncRefused).await;
    let refusal = lines
        .iter()
        .find(|e| e.subject.as_deref() == Some(order_id.as_str()))
        .unwrap();
    assert_eq!(refusal.code, Some(refused.rejected[0].code));
    assert_eq!(refusal.login.as_deref(), Some("tech.a"));
    // Search by words, newest first.
    let found: Vec<AuditEntry> = http(&o.boss)
        .get_json("/v1/admin/audit", &[("text", "TECH.A".to_string())])
        .await
        .unwrap();
    assert!(!found.is_empty());
    assert!(found.iter().all(
        |e| e.login.as_deref() == Some("tech.a") || e.detail.to_lowercase().contains("tech.a")
    ));
    assert!(found.windows(2).all(|w| w[0].seq > w[1].seq));
}

/// A device revoked with "keep its unsent work" sends that work, then is told to wipe; one
/// revoked without it is refused at once; neither signs in again as the same device, while
/// the person signs in on a new one.
async fn a_revoked_device_sends_only_what_it_may_and_is_told_to_wipe(backend: Backend) {
    let o = office(backend).await;
    let tablet = Device::signed_in(&o.server, T, "tech.a").await;
    let order_id = {
        let mut ws = o.boss.ws();
        let c = ws.create_customer(&customer("华东制冷设备公司")).unwrap();
        let order = ws.create_order(&order(&c, "Compressor trips")).unwrap();
        ws.dispatch_order(&order.summary.id, &[o.tech.user_id()], false)
            .unwrap();
        order.summary.id
    };
    o.boss.sync().await;
    o.tech.sync().await;
    tablet.sync().await;
    // Offline on each: the first device accepts and takes a photo on site.
    let photo_hash = {
        let mut ws = o.tech.ws();
        ws.accept_order(&order_id).unwrap();
        ws.check_in(
            &order_id,
            Some(fieldops_device::geo::Position {
                lat: 39.9042,
                lon: 116.4074,
                accuracy_m: Some(8.0),
                altitude_m: None,
                mock: None,
                source: "gps".into(),
            }),
        )
        .unwrap();
        let input = fieldops_device::workspace::PhotoInput {
            caption: "铭牌 nameplate".into(),
            event_id: None,
            position: None,
        };
        let o = ws
            .attach_photo(&order_id, &camera_jpeg(90), &input)
            .unwrap();
        o.photos[0].photo.hash.clone()
    };
    let list = people(&o.boss).await.unwrap();
    let devices = &person(&list, "tech.a").devices;
    assert_eq!(devices.len(), 2);
    let device_of = |d: &Device| d.ws().session().unwrap().device_id.clone();
    let revoke = |id: String, keep: bool| {
        let http = http(&o.boss).clone();
        async move {
            http.send_json::<_, serde_json::Value>(
                Method::POST,
                &format!("/v1/admin/devices/{id}/revoke"),
                &serde_json::json!({"keep_unsent": keep}),
            )
            .await
            .unwrap()
        }
    };
    revoke(device_of(&o.tech), true).await;
    revoke(device_of(&tablet), false).await;
    // Kept: the acceptance arrives, then the device hears it must wipe.
    assert_eq!(code(o.tech.try_sync().await), ErrorCode::DeviceRevoked);
    o.boss.sync().await;
    let seen = o.boss.ws().get_order(&order_id).unwrap();
    assert_eq!(seen.summary.status, "on_site");
    assert_eq!(seen.photos.len(), 1, "the photo's document arrived");
    // …and its file too: uploads of kept work are allowed to the revoked device.
    let file = fieldops_device::net::http_client(Duration::from_secs(30))
        .unwrap()
        .get(format!("{}/v1/blobs/{photo_hash}", o.server.url))
        .bearer_auth(http(&o.boss).token())
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), 200);
    // Not kept: refused before anything is read.
    assert_eq!(code(tablet.try_sync().await), ErrorCode::DeviceRevoked);
    let events = http(&tablet).events().await;
    assert_eq!(code(events.map(|_| ())), ErrorCode::DeviceRevoked);
    // The same device (its actor) cannot sign in again; a wiped one (new actor) can.
    let again =
        fieldops_device::sync::login(&tablet.ws, &o.server.url, T, "tech.a", PASSWORD, "t").await;
    assert_eq!(code(again.map(|_| ())), ErrorCode::DeviceRevoked);
    sign_in_as(&o.server, "tech.a", PASSWORD).await.unwrap();
    let list = people(&o.boss).await.unwrap();
    let devices = &person(&list, "tech.a").devices;
    assert_eq!(devices.iter().filter(|d| d.revoked.is_some()).count(), 2);
    assert!(
        devices
            .iter()
            .filter(|d| d.revoked.is_some())
            .all(|d| !d.signed_in)
    );
    let wiped = audit(&o.boss, AuditKind::DeviceWiped).await;
    assert!(wiped.len() >= 2, "{wiped:?}");
}

/// A new server has no account and no default password: `serve` prints a one-time link;
/// the first administrator is created through it once, and the link is spent.
async fn the_first_administrator_comes_from_a_one_time_link(backend: Backend) {
    let db = TestDb::new(backend).await;
    let (server, link) = Server::start_fresh(&db);
    let link = link.expect("a setup link on a server without accounts");
    let token = link.split_once('#').unwrap().1.to_string();
    let client = fieldops_device::net::http_client(Duration::from_secs(30)).unwrap();
    let page = client.get(&link).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("首次设置"));
    let setup = |token: String, password: &str| {
        client
            .post(format!("{}/v1/setup", server.url))
            .json(&serde_json::json!({
                "token": token, "tenant": "newco", "login": "first.admin",
                "name": "Zhang Min", "password": password
            }))
            .send()
    };
    let short = setup(token.clone(), "short").await.unwrap();
    assert_eq!(short.status(), 400);
    let body: serde_json::Value = short.json().await.unwrap();
    assert_eq!(body["field"]["field"], "password");
    let wrong = setup("0".repeat(64), PASSWORD).await.unwrap();
    assert_eq!(wrong.status(), 403);
    let done = setup(token.clone(), PASSWORD).await.unwrap();
    assert_eq!(done.status(), 200);
    let again = setup(token, PASSWORD).await.unwrap();
    assert_eq!(again.status(), 403);
    let body: serde_json::Value = again.json().await.unwrap();
    assert_eq!(body["code"], "setup_link_invalid");
    let admin = Device::signed_in(&server, "newco", "first.admin").await;
    admin.sync().await;
    let me = admin.ws().session().unwrap().user.clone();
    assert_eq!(me.role, fieldops_device::model::Role::Admin);
    // With an account in place, a restart prints no link.
    drop(server);
    let (_server, link) = Server::start_fresh(&db);
    assert!(link.is_none());
}

/// A person changes their own password, proving the current one: this device goes on, their
/// other devices sign in again, a wrong current password changes nothing.
async fn a_person_changes_their_own_password(backend: Backend) {
    let o = office(backend).await;
    let other = Device::signed_in(&o.server, T, "tech.a").await;
    let change = |current: &str, new: &str| {
        let http = http(&o.tech).clone();
        let body = serde_json::json!({"current": current, "new": new});
        async move {
            http.send_json::<_, serde_json::Value>(Method::POST, "/v1/password", &body)
                .await
        }
    };
    assert_eq!(
        code(change("not my password", "a brand new secret").await),
        ErrorCode::BadCredentials
    );
    match change(PASSWORD, "short").await {
        Err(DeviceError::Domain(e)) => {
            assert_eq!(e.field_problem().unwrap().field, Field::Password)
        }
        other => panic!("{other:?}"),
    }
    sign_in_as(&o.server, "tech.a", PASSWORD).await.unwrap();
    change(PASSWORD, "a brand new secret").await.unwrap();
    o.tech.sync().await;
    assert_eq!(code(other.try_sync().await), ErrorCode::InvalidToken);
    only_the_new_password_works(&o.server, "tech.a", "a brand new secret").await;
}

/// Two administrators demote each other at the same moment: one change wins, the other is
/// refused, and the company keeps an administrator.
async fn two_administrators_demoting_each_other_leave_one(backend: Backend) {
    let db = TestDb::new(backend).await;
    db.add_user(T, "boss", "admin");
    db.add_user(T, "boss.2", "admin");
    let server = Server::start(&db);
    let one = Device::signed_in(&server, T, "boss").await;
    let two = Device::signed_in(&server, T, "boss.2").await;
    let demote = |by: &Device, whom: String| {
        let http = http(by).clone();
        async move {
            http.send_json::<_, UserInfo>(
                Method::PATCH,
                &format!("/v1/admin/people/{whom}"),
                &PersonChange {
                    role: Some(fieldops_device::model::Role::Supervisor),
                    ..Default::default()
                },
            )
            .await
        }
    };
    let (a, b) = tokio::join!(demote(&one, two.user_id()), demote(&two, one.user_id()));
    assert_eq!(
        [a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count(),
        1,
        "{a:?} {b:?}"
    );
    // Met in the same instant, the loser's change is refused by the guard (`last_admin`);
    // a moment later it is no administrator any more (`forbidden`). Never both succeed.
    let refused = if a.is_err() { a } else { b };
    match refused {
        Err(DeviceError::Domain(e)) => assert_eq!(e.refusal(), Some(&Refusal::LastAdmin)),
        Err(e) => assert_eq!(e.code(), ErrorCode::Forbidden, "{e:?}"),
        Ok(_) => unreachable!(),
    }
    let directory = people(if one_is_admin(&one).await { &one } else { &two })
        .await
        .unwrap();
    let admins = directory
        .iter()
        .filter(|p| p.user.role == fieldops_device::model::Role::Admin && p.user.active)
        .count();
    assert_eq!(admins, 1);
}

/// `admin` e-mails `user_id` a link to choose a password.
async fn send_link(admin: &Device, user_id: &str) -> fieldops_device::Result<InvitationSent> {
    http(admin)
        .send_json(
            Method::POST,
            &format!("/v1/admin/people/{user_id}/invitation"),
            &serde_json::json!({}),
        )
        .await
}

async fn set_email(admin: &Device, user_id: &str, email: &str, language: Language) {
    let _: fieldops_device::people::Contact = http(admin)
        .send_json(
            Method::PUT,
            &format!("/v1/admin/people/{user_id}/contact"),
            &fieldops_device::people::Contact {
                email: email.into(),
                phone: String::new(),
                language,
            },
        )
        .await
        .unwrap();
}

/// The token of the newest invitation e-mailed to `to`, once it has arrived (`count` e-mails
/// to them in all), with the e-mail's subject and body.
async fn invitation_mail(smtp: &SmtpSink, to: &str, count: usize) -> (String, String, String) {
    eventually("the invitation e-mail", async || {
        smtp.messages().iter().filter(|m| m["to"][0] == to).count() >= count
    })
    .await;
    let mails: Vec<serde_json::Value> = smtp
        .messages()
        .into_iter()
        .filter(|m| m["to"][0] == to)
        .collect();
    assert_eq!(mails.len(), count, "one e-mail per invitation");
    let mail = mails.last().unwrap();
    let body = mail["body"].as_str().unwrap().to_string();
    let token = body
        .split("/invite#")
        .nth(1)
        .expect("the link in the e-mail")
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect::<String>();
    assert_eq!(token.len(), 64, "{body}");
    (token, mail["subject"].as_str().unwrap().to_string(), body)
}

/// An administrator adds someone by e-mail: nothing is created while e-mail is not set up;
/// the e-mail (a real SMTP server) carries a one-time link; until it is used nobody can sign
/// in as them; sending it again replaces the first link; the password chosen through the
/// page is the only one that works, the link works once and not after it expired; neither
/// the audit log nor the delivery list shows the link.
async fn a_person_invited_by_e_mail_chooses_their_own_password(backend: Backend) {
    let Office {
        db,
        server,
        boss,
        tech,
    } = office(backend).await;
    let smtp = SmtpSink::on(free_port());
    let invitation = |email: &str| Invitation {
        login: "wang.li".into(),
        name: "王力".into(),
        role: fieldops_device::model::Role::Technician,
        email: email.into(),
        language: Language::ZhCn,
    };
    let invite = async |d: &Device, email: &str| -> fieldops_device::Result<InvitationSent> {
        http(d)
            .send_json(Method::POST, "/v1/admin/invitations", &invitation(email))
            .await
    };

    assert_eq!(
        refusal(invite(&boss, "wang.li@acme.cn").await),
        Refusal::ChannelNotSetUp {
            channel: fieldops_device::notify::Channel::Email
        }
    );
    assert!(
        people(&boss)
            .await
            .unwrap()
            .iter()
            .all(|p| p.user.login != "wang.li")
    );
    let _: Vec<ChannelView> = http(&boss)
        .send_json(
            Method::PUT,
            "/v1/admin/notify/channels",
            &ChannelSetup::Email(EmailSetup {
                host: "127.0.0.1".into(),
                port: i64::from(smtp.port),
                security: SmtpSecurity::None,
                username: String::new(),
                password: None,
                from: "FieldOps <accounts@acme.cn>".into(),
            }),
        )
        .await
        .unwrap();
    assert_eq!(
        code(invite(&tech, "wang.li@acme.cn").await),
        ErrorCode::Forbidden
    );
    match invite(&boss, "wang.li").await {
        Err(DeviceError::Domain(e)) => {
            let p = e.field_problem().expect("a field problem");
            assert_eq!((p.field, p.problem), (Field::Email, Problem::Malformed));
        }
        other => panic!("{other:?}"),
    }

    let before = fieldops_device::model::now_ms();
    let sent = invite(&boss, "wang.li@acme.cn").await.unwrap();
    // The same login again stores nothing: no second link, e-mail or audit line.
    assert_eq!(
        refusal(invite(&boss, "other.person@acme.cn").await),
        Refusal::LoginTaken {
            login: "wang.li".into()
        }
    );
    assert_eq!(db.count("SELECT COUNT(*) FROM invitations").await, 1);
    assert_eq!(
        db.count("SELECT COUNT(*) FROM outbox WHERE address = 'other.person@acme.cn'")
            .await,
        0
    );
    assert_eq!(sent.email, "wang.li@acme.cn");
    let three_days = 3 * 24 * 3600 * 1000;
    assert!((before + three_days..before + three_days + 60_000).contains(&sent.expires_at));
    let send_again = async || -> InvitationSent { send_link(&boss, &sent.user.id).await.unwrap() };
    let listed = people(&boss).await.unwrap();
    let listed = person(&listed, "wang.li");
    assert_eq!(listed.contact.email, "wang.li@acme.cn");
    assert_eq!(listed.user.role, fieldops_device::model::Role::Technician);
    let (first, subject, body) = invitation_mail(&smtp, "wang.li@acme.cn", 1).await;
    assert_eq!(subject, "FieldOps：请设置您的密码");
    assert!(
        body.contains("登录名：wang.li") && body.contains(&format!("公司：{T}")),
        "{body}"
    );
    assert!(
        body.contains(&format!("{}/invite#{first}", server.url)),
        "{body}"
    );
    // Nobody can sign in as them before they choose a password.
    assert_eq!(
        code(sign_in_as(&server, "wang.li", PASSWORD).await),
        ErrorCode::BadCredentials
    );

    let client = fieldops_device::net::http_client(Duration::from_secs(30)).unwrap();
    let page = client
        .get(format!("{}/invite", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains("设置密码") && page.contains("/account-pages.css"));
    let style = client
        .get(format!("{}/account-pages.css", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(style.headers()["content-type"], "text/css; charset=utf-8");
    assert!(style.text().await.unwrap().contains("main {"));
    let accept = |token: String, password: &str| {
        client
            .post(format!("{}/v1/invite", server.url))
            .json(&serde_json::json!({ "token": token, "password": password }))
            .send()
    };
    let short = accept(first.clone(), "short").await.unwrap();
    assert_eq!(short.status(), 400);
    let short: serde_json::Value = short.json().await.unwrap();
    assert_eq!(short["field"]["field"], "password");

    // Sent again: the first link stops working.
    let again: InvitationSent = send_again().await;
    assert_eq!(again.email, "wang.li@acme.cn");
    let (second, _, _) = invitation_mail(&smtp, "wang.li@acme.cn", 2).await;
    assert_ne!(first, second);
    let replaced = accept(first.clone(), "wang-li-chose-this").await.unwrap();
    assert_eq!(replaced.status(), 403);
    let replaced: serde_json::Value = replaced.json().await.unwrap();
    assert_eq!(replaced["code"], "invitation_link_invalid");

    let done = accept(second.clone(), "wang-li-chose-this").await.unwrap();
    assert_eq!(done.status(), 200);
    let done: serde_json::Value = done.json().await.unwrap();
    assert_eq!(
        (done["tenant"].as_str(), done["login"].as_str()),
        (Some(T), Some("wang.li"))
    );
    sign_in_as(&server, "wang.li", "wang-li-chose-this")
        .await
        .unwrap();
    let refused_and_nothing_changed = async |token: String, password: &str| {
        assert_eq!(accept(token, password).await.unwrap().status(), 403);
        sign_in_as(&server, "wang.li", "wang-li-chose-this")
            .await
            .unwrap();
    };
    refused_and_nothing_changed(second.clone(), "another-password").await;

    // A link past its three days is refused, and changes nothing.
    let _: InvitationSent = send_again().await;
    let (third, _, _) = invitation_mail(&smtp, "wang.li@acme.cn", 3).await;
    db.execute("UPDATE invitations SET expires_at = 1 WHERE used_at IS NULL")
        .await;
    refused_and_nothing_changed(third.clone(), "too-late-for-this").await;

    // A changed address voids the link sent to the old one (a typo, say).
    let _: InvitationSent = send_again().await;
    let (fourth, _, _) = invitation_mail(&smtp, "wang.li@acme.cn", 4).await;
    set_email(&boss, &sent.user.id, "wang.li@acme.com.cn", Language::ZhCn).await;
    refused_and_nothing_changed(fourth.clone(), "typo-inbox-owner").await;

    // A link to someone who is deactivated meanwhile does nothing, and none is sent again.
    let _: InvitationSent = send_again().await;
    let (fifth, _, _) = invitation_mail(&smtp, "wang.li@acme.com.cn", 1).await;
    let _: UserInfo = http(&boss)
        .send_json(
            Method::PATCH,
            &format!("/v1/admin/people/{}", sent.user.id),
            &PersonChange {
                active: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        accept(fifth.clone(), "while-deactivated")
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        refusal(send_link(&boss, &sent.user.id).await),
        Refusal::PersonDeactivated {
            name: "王力".into()
        }
    );

    // An administrator of another company cannot reach this company's people.
    db.add_user("otherco", "boss2", "admin");
    let boss2 = Device::signed_in(&server, "otherco", "boss2").await;
    assert_eq!(
        code(send_link(&boss2, &sent.user.id).await),
        ErrorCode::NotFound
    );

    // Someone who already signs in may be sent a link: choosing through it ends their
    // sessions, as a new password does.
    set_email(&boss, &tech.user_id(), "tech.a@acme.cn", Language::En).await;
    let _: InvitationSent = send_link(&boss, &tech.user_id()).await.unwrap();
    let (techs, subject, _) = invitation_mail(&smtp, "tech.a@acme.cn", 1).await;
    assert_eq!(subject, "FieldOps: choose your password");
    tech.sync().await;
    assert_eq!(
        accept(techs, "tech-a-chose-this").await.unwrap().status(),
        200
    );
    assert_eq!(code(tech.try_sync().await), ErrorCode::InvalidToken);
    only_the_new_password_works(&server, "tech.a", "tech-a-chose-this").await;

    // Once sent, no e-mail keeps its link in the database (each is recorded as sent just
    // after the SMTP server took it).
    eventually("every invitation e-mail forgotten once sent", async || {
        db.count("SELECT COUNT(*) FROM outbox WHERE body LIKE '%/invite#%'")
            .await
            == 0
    })
    .await;
    assert!(
        db.count(
            "SELECT COUNT(*) FROM outbox WHERE msg_key LIKE 'invitation:%' AND state = 'sent'"
        )
        .await
            >= 1
    );

    let sent_lines = audit(&boss, AuditKind::InvitationSent).await;
    assert_eq!(sent_lines.len(), 6);
    let accepted = audit(&boss, AuditKind::InvitationAccepted).await;
    assert_eq!(accepted.len(), 2);
    assert_eq!(accepted[1].login.as_deref(), Some("wang.li"));
    assert!(accepted[1].detail.contains("boss"), "{:?}", accepted[1]);
    let everything: Vec<AuditEntry> = http(&boss)
        .get_json("/v1/admin/audit", &[("limit", "500".to_string())])
        .await
        .unwrap();
    let shown = serde_json::to_string(&everything).unwrap()
        + &http(&boss)
            .get_json::<serde_json::Value>("/v1/admin/notify/outbox", &[])
            .await
            .unwrap()
            .to_string();
    for token in [&first, &second, &third, &fourth, &fifth] {
        assert!(!shown.contains(token.as_str()), "a link reached a list");
    }
}

async fn one_is_admin(d: &Device) -> bool {
    people(d).await.is_ok()
}

on_both!(
    an_administrator_manages_people_and_devices,
    accepted_and_refused_changes_are_audited,
    a_revoked_device_sends_only_what_it_may_and_is_told_to_wipe,
    the_first_administrator_comes_from_a_one_time_link,
    a_person_changes_their_own_password,
    two_administrators_demoting_each_other_leave_one,
    a_person_invited_by_e_mail_chooses_their_own_password,
);
