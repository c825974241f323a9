//! Notifications: who hears of an alert and by which channels (part of each alert rule, in the
//! synced settings), the words of each message (templates in Chinese and English), and the
//! shapes of the server's channel settings, outbox and in-app inbox. The server decides and
//! sends; the rules of who and what live here once, so a device can show the same answer.
//!
//! Channel settings carry secrets (SMTP password, webhook keys, signing secrets): they live in
//! the server's database only, never in a synced document, and come back to the app without
//! them (`*_set` flags instead).

use serde::{Deserialize, Serialize};

use crate::alerts::{Alert, AlertKind, AlertState};
use crate::error::{DomainError, Field, Problem, Result};
use crate::model::{Role, check_text};
use crate::protocol::UserInfo;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The notification centre in the app (desktop and tablet).
    App,
    Email,
    /// A WeChat Work (企业微信) group robot.
    WechatWork,
    /// Text messages through the company's own SMS gateway.
    Sms,
}

pub const CHANNELS: [Channel; 4] = [
    Channel::App,
    Channel::Email,
    Channel::WechatWork,
    Channel::Sms,
];

impl Channel {
    pub fn name(self) -> &'static str {
        match self {
            Channel::App => "app",
            Channel::Email => "email",
            Channel::WechatWork => "wechat_work",
            Channel::Sms => "sms",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        CHANNELS.into_iter().find(|c| c.name() == s)
    }
}

/// Who hears of an alert, and how: part of each alert rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields, default)]
pub struct Notify {
    /// Everyone active with one of these roles.
    pub roles: Vec<Role>,
    /// Named people (user ids).
    pub users: Vec<String>,
    /// The technicians the work is for (the order's assignees, the plan's technician).
    pub technician: bool,
    /// The customer's contact (by text message, to the customer's phone).
    pub customer: bool,
    pub channels: Vec<Channel>,
}

impl Default for Notify {
    fn default() -> Self {
        Notify {
            roles: vec![Role::Supervisor],
            users: Vec::new(),
            technician: true,
            customer: false,
            channels: vec![Channel::App, Channel::Email],
        }
    }
}

const MAX_NAMED: usize = 50;

impl Notify {
    pub fn validate(&self) -> Result<()> {
        if self.users.len() > MAX_NAMED {
            return Err(DomainError::invalid(format!(
                "at most {MAX_NAMED} named people per rule"
            )));
        }
        Ok(())
    }

    /// The people (active user ids, sorted, once each) who hear of `alert`.
    pub fn people(&self, alert: &Alert, directory: &[UserInfo]) -> Vec<String> {
        let mut ids: Vec<String> = directory
            .iter()
            .filter(|u| u.active)
            .filter(|u| {
                self.roles.contains(&u.role)
                    || self.users.contains(&u.id)
                    || (self.technician && alert.technician_ids.contains(&u.id))
            })
            .map(|u| u.id.clone())
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }
}

/// The language of a message: the person's own, or the channel's for a group or a customer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub enum Language {
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
}

impl Language {
    /// The language as stored and sent (`zh-CN`, `en`).
    pub fn code(self) -> &'static str {
        match self {
            Language::ZhCn => "zh-CN",
            Language::En => "en",
        }
    }
}

/// A message's words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Message {
    pub subject: String,
    pub body: String,
}

/// Names the templates need that the alert holds only as ids.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlertNames {
    pub customer: String,
    pub machine: Option<String>,
    /// The order's number (late orders, or the order made for a planned visit).
    pub order: Option<String>,
}

/// The template of each kind of alert and stage, with `{customer}`, `{machine}`, `{order}`,
/// `{due}` (date or time), `{days}` / `{hours}` (how far from the due moment) placeholders.
fn template(kind: AlertKind, overdue: bool, lang: Language) -> (&'static str, &'static str) {
    use AlertKind::*;
    use Language::*;
    match (kind, overdue, lang) {
        (Warranty, false, ZhCn) => (
            "保修即将到期：{machine}",
            "{customer} 的 {machine} 保修将于 {due} 到期（还有 {days} 天）。请联系客户续保或安排检查。",
        ),
        (Warranty, true, ZhCn) => (
            "保修已过期：{machine}",
            "{customer} 的 {machine} 保修已于 {due} 到期（已过 {days} 天）。",
        ),
        (Warranty, false, En) => (
            "Warranty ends soon: {machine}",
            "The warranty of {machine} at {customer} ends on {due} ({days} days left). Offer an extension or plan a check.",
        ),
        (Warranty, true, En) => (
            "Warranty expired: {machine}",
            "The warranty of {machine} at {customer} ended on {due} ({days} days ago).",
        ),
        (Maintenance, false, ZhCn) => (
            "保养即将到期：{machine}",
            "{customer} 的 {machine} 应于 {due} 保养（还有 {days} 天）。{order}",
        ),
        (Maintenance, true, ZhCn) => (
            "保养已逾期：{machine}",
            "{customer} 的 {machine} 应于 {due} 保养，已逾期 {days} 天。{order}",
        ),
        (Maintenance, false, En) => (
            "Maintenance due soon: {machine}",
            "{machine} at {customer} is due for maintenance on {due} (in {days} days). {order}",
        ),
        (Maintenance, true, En) => (
            "Maintenance overdue: {machine}",
            "{machine} at {customer} was due for maintenance on {due}: {days} days overdue. {order}",
        ),
        (Inspection, false, ZhCn) => (
            "检验即将到期：{machine}",
            "{customer} 的 {machine} 应于 {due} 检验（还有 {days} 天）。{order}",
        ),
        (Inspection, true, ZhCn) => (
            "检验已逾期：{machine}",
            "{customer} 的 {machine} 应于 {due} 检验，已逾期 {days} 天。{order}",
        ),
        (Inspection, false, En) => (
            "Inspection due soon: {machine}",
            "{machine} at {customer} is due for inspection on {due} (in {days} days). {order}",
        ),
        (Inspection, true, En) => (
            "Inspection overdue: {machine}",
            "{machine} at {customer} was due for inspection on {due}: {days} days overdue. {order}",
        ),
        (NotAccepted, _, ZhCn) => (
            "工单未接单：{order}",
            "{customer} 的工单 {order} 派出后 {hours} 小时仍无人接单，请改派或联系技术员。",
        ),
        (NotAccepted, _, En) => (
            "Order not accepted: {order}",
            "Order {order} for {customer} has not been accepted {hours} hours after dispatch. Reassign it or call the technician.",
        ),
        (NotCompleted, false, ZhCn) => (
            "工单即将超时：{order}",
            "{customer} 的工单 {order} 应于 {due} 前完成（还有 {hours} 小时）。",
        ),
        (NotCompleted, true, ZhCn) => (
            "工单已超时：{order}",
            "{customer} 的工单 {order} 应于 {due} 前完成，已超时 {hours} 小时。",
        ),
        (NotCompleted, false, En) => (
            "Order due soon: {order}",
            "Order {order} for {customer} is to be completed by {due} ({hours} hours left).",
        ),
        (NotCompleted, true, En) => (
            "Order overdue: {order}",
            "Order {order} for {customer} was to be completed by {due}: {hours} hours late.",
        ),
    }
}

/// Replace each `{name}` with its value.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// The words of one alert's message. `due_text` is the due date, or the due moment already
/// written in the company's time zone for order alerts.
pub fn alert_message(alert: &Alert, names: &AlertNames, due_text: &str, lang: Language) -> Message {
    let overdue = alert.state == AlertState::Overdue || alert.left < 0;
    let (subject, body) = template(alert.kind, overdue, lang);
    let machine = names.machine.clone().unwrap_or_default();
    let order_line = match (&names.order, alert.kind.counts_hours(), lang) {
        (Some(n), true, _) => n.clone(),
        (Some(n), false, Language::ZhCn) => format!("工单 {n} 已创建。"),
        (Some(n), false, Language::En) => format!("Order {n} is made."),
        (None, true, _) => String::new(),
        (None, false, Language::ZhCn) => "尚未创建工单。".to_string(),
        (None, false, Language::En) => "No order is made yet.".to_string(),
    };
    let far = alert.left.abs().to_string();
    let values = [
        ("customer", names.customer.as_str()),
        ("machine", machine.as_str()),
        ("order", order_line.as_str()),
        ("due", due_text),
        ("days", far.as_str()),
        ("hours", far.as_str()),
    ];
    Message {
        subject: fill(subject, &values),
        body: fill(body, &values).trim().to_string(),
    }
}

/// The message an administrator's "send a test message" sends.
pub fn test_message(channel: Channel, lang: Language) -> Message {
    match lang {
        Language::ZhCn => Message {
            subject: "FieldOps 测试消息".into(),
            body: format!(
                "这是一条来自 FieldOps 的测试消息（渠道：{}）。收到即表示设置正确。",
                channel.name()
            ),
        },
        Language::En => Message {
            subject: "FieldOps test message".into(),
            body: format!(
                "This is a test message from FieldOps ({} channel). If it reached you, the channel works.",
                channel.name()
            ),
        },
    }
}

/// One outbox row's key: unique per alert occurrence (the due-soon warning or the n-th
/// overdue reminder), channel and recipient, so deciding twice never sends twice.
pub fn outbox_key(alert: &Alert, channel: Channel, recipient: &str) -> String {
    format!(
        "{}#{}>{}:{}",
        alert.key,
        alert.reminder,
        channel.name(),
        recipient
    )
}

// ---- Channel settings (server only) ----

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum SmtpSecurity {
    /// Plain SMTP (a relay on the same network).
    None,
    /// Plain connection upgraded with STARTTLS (port 587).
    #[default]
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
}

/// What an administrator sets for e-mail. `password: None` keeps the stored one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct EmailSetup {
    pub host: String,
    pub port: i64,
    pub security: SmtpSecurity,
    /// Empty: no authentication.
    pub username: String,
    pub password: Option<String>,
    /// The sender, e.g. `FieldOps <service@example.com>` or `service@example.com`.
    pub from: String,
}

/// A WeChat Work group robot. `webhook_url: None` keeps the stored one (it holds the key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct WechatWorkSetup {
    pub webhook_url: Option<String>,
    pub language: Language,
}

/// The company's SMS gateway: a signed HTTP webhook. `secret: None` keeps the stored one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SmsSetup {
    pub url: String,
    pub secret: Option<String>,
    /// For messages to customers.
    pub language: Language,
}

/// `PUT /v1/admin/notify/channels`: one channel's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "channel", rename_all = "snake_case")]
pub enum ChannelSetup {
    Email(EmailSetup),
    WechatWork(WechatWorkSetup),
    Sms(SmsSetup),
}

impl ChannelSetup {
    pub fn channel(&self) -> Channel {
        match self {
            ChannelSetup::Email(_) => Channel::Email,
            ChannelSetup::WechatWork(_) => Channel::WechatWork,
            ChannelSetup::Sms(_) => Channel::Sms,
        }
    }

    /// Checked before it is stored; the secrets a setup leaves out are taken from `stored`
    /// (a first setup must carry them).
    pub fn complete(self, stored: Option<&ChannelSetup>) -> Result<ChannelSetup> {
        let done = match (self, stored) {
            (ChannelSetup::Email(mut e), old) => {
                if e.password.is_none()
                    && let Some(ChannelSetup::Email(o)) = old
                {
                    e.password = o.password.clone();
                }
                ChannelSetup::Email(e)
            }
            (ChannelSetup::WechatWork(mut w), old) => {
                if w.webhook_url.is_none()
                    && let Some(ChannelSetup::WechatWork(o)) = old
                {
                    w.webhook_url = o.webhook_url.clone();
                }
                ChannelSetup::WechatWork(w)
            }
            (ChannelSetup::Sms(mut s), old) => {
                if s.secret.is_none()
                    && let Some(ChannelSetup::Sms(o)) = old
                {
                    s.secret = o.secret.clone();
                }
                ChannelSetup::Sms(s)
            }
        };
        done.validate()?;
        Ok(done)
    }

    fn validate(&self) -> Result<()> {
        match self {
            ChannelSetup::Email(e) => {
                check_text(Field::SmtpHost, &e.host, true, 253)?;
                if e.host.contains(char::is_whitespace) || e.host.contains('/') {
                    return Err(DomainError::bad_field(Field::SmtpHost, Problem::Malformed));
                }
                if !(1..=65535).contains(&e.port) {
                    return Err(DomainError::bad_field(
                        Field::SmtpPort,
                        Problem::OutOfRange { min: 1, max: 65535 },
                    ));
                }
                check_text(Field::Login, &e.username, false, 200)?;
                check_text(
                    Field::Password,
                    e.password.as_deref().unwrap_or(""),
                    false,
                    200,
                )?;
                check_text(Field::Sender, &e.from, true, 200)?;
                if mailbox_address(&e.from).is_none() {
                    return Err(DomainError::bad_field(Field::Sender, Problem::Malformed));
                }
                Ok(())
            }
            ChannelSetup::WechatWork(w) => {
                let url = w.webhook_url.as_deref().unwrap_or("");
                check_text(Field::WebhookUrl, url, true, 500)?;
                check_http_url(url)
            }
            ChannelSetup::Sms(s) => {
                check_text(Field::WebhookUrl, &s.url, true, 500)?;
                check_http_url(&s.url)?;
                let secret = s.secret.as_deref().unwrap_or("");
                check_text(Field::Secret, secret, true, 200)?;
                if secret.chars().count() < 16 {
                    return Err(DomainError::bad_field(
                        Field::Secret,
                        Problem::TooShort { min: 16 },
                    ));
                }
                Ok(())
            }
        }
    }

    /// What the app is shown: everything but the secrets.
    pub fn view(&self) -> ChannelView {
        match self {
            ChannelSetup::Email(e) => ChannelView::Email {
                host: e.host.clone(),
                port: e.port,
                security: e.security,
                username: e.username.clone(),
                password_set: e.password.as_deref().is_some_and(|p| !p.is_empty()),
                from: e.from.clone(),
            },
            ChannelSetup::WechatWork(w) => ChannelView::WechatWork {
                webhook_hint: w.webhook_url.as_deref().map(url_hint).unwrap_or_default(),
                language: w.language,
            },
            ChannelSetup::Sms(s) => ChannelView::Sms {
                url: s.url.clone(),
                secret_set: s.secret.is_some(),
                language: s.language,
            },
        }
    }
}

/// A channel's settings as the app sees them (no secrets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "channel", rename_all = "snake_case")]
pub enum ChannelView {
    Email {
        host: String,
        port: i64,
        security: SmtpSecurity,
        username: String,
        password_set: bool,
        from: String,
    },
    WechatWork {
        /// The address up to its key, e.g. `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…`.
        webhook_hint: String,
        language: Language,
    },
    Sms {
        url: String,
        secret_set: bool,
        language: Language,
    },
}

/// A webhook address without its query (where robots keep their key).
fn url_hint(url: &str) -> String {
    match url.split_once('?') {
        Some((base, _)) => format!("{base}?…"),
        None => url.to_string(),
    }
}

fn check_http_url(url: &str) -> Result<()> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(r) if !r.is_empty() && !r.starts_with('/') && !url.contains(char::is_whitespace) => {
            Ok(())
        }
        _ => Err(DomainError::bad_field(
            Field::WebhookUrl,
            Problem::Malformed,
        )),
    }
}

/// The bare address of `Name <a@b.c>` or `a@b.c`, when it is one.
pub fn mailbox_address(s: &str) -> Option<&str> {
    let s = s.trim();
    let addr = match (s.rfind('<'), s.ends_with('>')) {
        (Some(open), true) => &s[open + 1..s.len() - 1],
        (None, false) => s,
        _ => return None,
    };
    is_email(addr).then_some(addr)
}

/// A plain e-mail address: one `@`, a local part, a domain with a dot, no spaces or brackets.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let plain = |p: &str| {
        !p.is_empty()
            && p.chars()
                .all(|c| !c.is_whitespace() && !c.is_control() && !"<>()[],;:@\"\\".contains(c))
    };
    plain(local)
        && plain(domain)
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && s.len() <= 254
}

/// A person's e-mail address and mobile number as the administrator types them: trimmed,
/// empty for none; a malformed address is refused.
pub fn check_contact(email: &str, phone: &str) -> Result<(String, String)> {
    let email = email.trim();
    let phone = phone.trim();
    if !email.is_empty() && !is_email(email) {
        return Err(DomainError::bad_field(Field::Email, Problem::Malformed));
    }
    check_text(Field::Phone, phone, false, 30)?;
    if !phone
        .chars()
        .all(|c| c.is_ascii_digit() || "+- ()".contains(c))
    {
        return Err(DomainError::bad_field(Field::Phone, Problem::Malformed));
    }
    Ok((email.to_string(), phone.to_string()))
}

// ---- The outbox and the inbox as the app sees them ----

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Waiting for its first attempt.
    Pending,
    Sent,
    /// An attempt failed; the next is at `next_attempt_at`.
    Retrying,
    /// Gave up after `MAX_ATTEMPTS`.
    Failed,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Sent => "sent",
            DeliveryState::Retrying => "retrying",
            DeliveryState::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<DeliveryState> {
        [
            DeliveryState::Pending,
            DeliveryState::Sent,
            DeliveryState::Retrying,
            DeliveryState::Failed,
        ]
        .into_iter()
        .find(|d| d.as_str() == s)
    }
}

/// Attempts before a message is given up as failed (with backoff doubling from the first
/// retry interval, about a day in all at the default interval).
pub const MAX_ATTEMPTS: i64 = 12;

/// One message of the outbox (`GET /v1/admin/notify/outbox`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct OutboxEntry {
    pub key: String,
    pub created_at: i64,
    pub channel: Channel,
    /// Who it is for: a person's name, a customer's name, or the group.
    pub recipient: String,
    /// Where it goes: an e-mail address or a phone number (empty for the app and groups).
    pub address: String,
    pub subject: String,
    pub state: DeliveryState,
    pub attempts: i64,
    pub next_attempt_at: Option<i64>,
    pub last_error: Option<String>,
    pub sent_at: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields, default)]
pub struct OutboxQuery {
    pub state: Option<DeliveryState>,
    pub channel: Option<Channel>,
    pub limit: Option<u32>,
}

/// `POST /v1/admin/notify/test`: a test message through one channel; `to` is the e-mail
/// address or phone number (ignored for WeChat Work, which posts to its group).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct TestMessage {
    pub channel: Channel,
    pub to: String,
}

/// `POST /v1/admin/notify/scan`'s answer: how many messages the check queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ScanAnswer {
    pub queued: i64,
}

/// One message in a person's notification centre.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Notification {
    pub key: String,
    pub at: i64,
    pub subject: String,
    pub body: String,
    pub read: bool,
}

/// `GET /v1/notifications`: the newest messages and how many are unread.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Inbox {
    pub unread: i64,
    pub items: Vec<Notification>,
}

/// `POST /v1/notifications/read`: these keys, or everything when empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields, default)]
pub struct MarkRead {
    pub keys: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerts::AlertState;

    fn alert(kind: AlertKind, state: AlertState, left: i64) -> Alert {
        Alert {
            key: format!("{}:eq1:-:2027-01-20", kind.name()),
            kind,
            state,
            due_on: Some("2027-01-20".into()),
            due_at: None,
            left,
            reminder: if state == AlertState::Overdue { 1 } else { 0 },
            customer_id: "c1".into(),
            site_id: "s1".into(),
            equipment_id: Some("eq1".into()),
            plan_id: None,
            plan_kind: None,
            order_id: None,
            order_exists: false,
            visit_orders: 0,
            technician_ids: vec!["t1".into()],
            ack: None,
        }
    }

    fn user(id: &str, role: Role, active: bool) -> UserInfo {
        UserInfo {
            id: id.into(),
            login: id.into(),
            name: id.into(),
            role,
            active,
        }
    }

    #[test]
    fn recipients_are_the_roles_the_named_and_the_technician_once_each_and_only_active() {
        let dir = vec![
            user("s1", Role::Supervisor, true),
            user("s2", Role::Supervisor, false),
            user("t1", Role::Technician, true),
            user("t2", Role::Technician, true),
            user("w1", Role::Warehouse, true),
            user("a1", Role::Admin, true),
        ];
        let a = alert(AlertKind::Warranty, AlertState::DueSoon, 20);
        let mut n = Notify {
            users: vec!["w1".into(), "s1".into()],
            ..Notify::default()
        };
        assert_eq!(n.people(&a, &dir), vec!["s1", "t1", "w1"]);
        n.technician = false;
        n.roles = vec![Role::Admin];
        n.users.clear();
        assert_eq!(n.people(&a, &dir), vec!["a1"]);
    }

    #[test]
    fn messages_fill_every_placeholder_in_both_languages() {
        let names = AlertNames {
            customer: "华东医疗".into(),
            machine: Some("2号冷水机组".into()),
            order: None,
        };
        for state in [AlertState::DueSoon, AlertState::Overdue] {
            for kind in crate::alerts::ALERT_KINDS {
                for lang in [Language::ZhCn, Language::En] {
                    let m = alert_message(&alert(kind, state, 20), &names, "2027-01-20", lang);
                    assert!(!m.subject.contains('{'), "{m:?}");
                    assert!(!m.body.contains('{'), "{m:?}");
                    assert!(m.body.contains("华东医疗"), "{m:?}");
                }
            }
        }
        let m = alert_message(
            &alert(AlertKind::Warranty, AlertState::DueSoon, 20),
            &names,
            "2027-01-20",
            Language::ZhCn,
        );
        assert_eq!(m.subject, "保修即将到期：2号冷水机组");
        assert!(m.body.contains("还有 20 天"), "{}", m.body);
        let m = alert_message(
            &alert(AlertKind::Warranty, AlertState::Overdue, -8),
            &names,
            "2027-01-20",
            Language::En,
        );
        assert!(m.body.contains("(8 days ago)"), "{}", m.body);
    }

    #[test]
    fn keys_differ_per_reminder_channel_and_recipient() {
        let a = alert(AlertKind::Warranty, AlertState::DueSoon, 20);
        let mut b = alert(AlertKind::Warranty, AlertState::Overdue, -7);
        b.reminder = 1;
        let keys = [
            outbox_key(&a, Channel::Email, "u1"),
            outbox_key(&a, Channel::Email, "u2"),
            outbox_key(&a, Channel::App, "u1"),
            outbox_key(&b, Channel::Email, "u1"),
        ];
        let mut unique = keys.to_vec();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), keys.len());
        assert_eq!(keys[0], outbox_key(&a, Channel::Email, "u1"));
    }

    #[test]
    fn addresses_are_checked() {
        assert!(is_email("li.na@example.com"));
        for bad in [
            "",
            "li.na",
            "li na@example.com",
            "a@b",
            "a@.com",
            "a@b..com",
            "<a@b.com>",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
        assert_eq!(
            mailbox_address("FieldOps <service@example.com>"),
            Some("service@example.com")
        );
        assert_eq!(
            mailbox_address("service@example.com"),
            Some("service@example.com")
        );
        assert_eq!(mailbox_address("FieldOps <service@example"), None);
        assert!(check_contact("x@y", "").is_err());
        assert!(check_contact("", "138-0000-0000 abc").is_err());
        assert_eq!(
            check_contact(" x@y.cn ", " +86 138 0000 0000 ").unwrap(),
            ("x@y.cn".to_string(), "+86 138 0000 0000".to_string())
        );
    }

    #[test]
    fn a_setup_keeps_its_stored_secret_and_is_checked() {
        let stored = ChannelSetup::Sms(SmsSetup {
            url: "https://sms.example.com/send".into(),
            secret: Some("a-secret-of-twenty-chars".into()),
            language: Language::ZhCn,
        })
        .complete(None)
        .unwrap();
        let again = ChannelSetup::Sms(SmsSetup {
            url: "https://sms.example.com/v2/send".into(),
            secret: None,
            language: Language::En,
        })
        .complete(Some(&stored))
        .unwrap();
        assert!(
            matches!(&again, ChannelSetup::Sms(s) if s.secret.as_deref() == Some("a-secret-of-twenty-chars"))
        );
        assert!(matches!(
            again.view(),
            ChannelView::Sms {
                secret_set: true,
                ..
            }
        ));
        // A first setup without its secret, a bad address, a short secret.
        let no_secret = ChannelSetup::Sms(SmsSetup {
            url: "https://sms.example.com/send".into(),
            secret: None,
            language: Language::ZhCn,
        });
        assert!(no_secret.complete(None).is_err());
        let email = |host: &str, port: i64, from: &str| {
            ChannelSetup::Email(EmailSetup {
                host: host.into(),
                port,
                security: SmtpSecurity::Starttls,
                username: String::new(),
                password: None,
                from: from.into(),
            })
            .complete(None)
        };
        assert!(email("smtp.example.com", 587, "FieldOps <svc@example.com>").is_ok());
        assert!(email("smtp.example.com", 0, "svc@example.com").is_err());
        assert!(email("smtp example.com", 25, "svc@example.com").is_err());
        assert!(email("smtp.example.com", 25, "svc").is_err());
        let robot = ChannelSetup::WechatWork(WechatWorkSetup {
            webhook_url: Some(
                "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6".into(),
            ),
            language: Language::ZhCn,
        })
        .complete(None)
        .unwrap();
        let ChannelView::WechatWork { webhook_hint, .. } = robot.view() else {
            panic!("a robot's view");
        };
        assert!(!webhook_hint.contains("693a91f6"), "{webhook_hint}");
        let bad = ChannelSetup::WechatWork(WechatWorkSetup {
            webhook_url: Some("qyapi.weixin.qq.com/send".into()),
            language: Language::ZhCn,
        });
        assert!(bad.complete(None).is_err());
    }
}
