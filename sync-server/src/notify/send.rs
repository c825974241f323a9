//! Delivering one message through its channel: e-mail over SMTP (lettre), a WeChat Work
//! group robot (its documented JSON), and SMS through a provider trait whose one built-in
//! provider is a signed HTTP webhook to the company's own gateway. A failure comes back as
//! words for the administrator's delivery list, never with a secret in them (reqwest errors
//! lose their URL, which holds the robot's key).

use std::time::Duration;

use async_trait::async_trait;
use fieldops_domain::notify::{ChannelSetup, EmailSetup, SmsSetup, SmtpSecurity};
use hmac::{Hmac, Mac};
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use sha2::{Digest, Sha256};

/// How long one attempt may take before it counts as failed.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(20);

/// One message to deliver.
pub struct Outgoing<'a> {
    pub key: &'a str,
    pub address: &'a str,
    /// Mobile numbers a group message mentions.
    pub mentions: &'a [String],
    pub subject: &'a str,
    pub body: &'a str,
}

/// Deliver `m` through the channel `setup` describes.
pub async fn deliver(
    http: &reqwest::Client,
    setup: &ChannelSetup,
    m: &Outgoing<'_>,
) -> Result<(), String> {
    match setup {
        ChannelSetup::Email(e) => send_email(e, m).await,
        ChannelSetup::WechatWork(w) => {
            let url = w.webhook_url.as_deref().unwrap_or_default();
            send_wechat_work(http, url, m).await
        }
        ChannelSetup::Sms(s) => {
            WebhookSms::new(http, s)
                .send(m.address, &format!("{}\n{}", m.subject, m.body), m.key)
                .await
        }
    }
}

/// A stable Message-ID from the outbox key: a receiver that dedupes on it never shows a
/// message twice, even if a crash between sending and recording sent it again.
fn message_id(key: &str) -> String {
    format!(
        "<{}@fieldops.notify>",
        hex::encode(&Sha256::digest(key)[..16])
    )
}

async fn send_email(e: &EmailSetup, m: &Outgoing<'_>) -> Result<(), String> {
    let from: Mailbox = e
        .from
        .parse()
        .map_err(|err| format!("sender address: {err}"))?;
    let to: Mailbox = m
        .address
        .parse()
        .map_err(|err| format!("recipient address: {err}"))?;
    let message = Message::builder()
        .from(from)
        .to(to)
        .subject(m.subject)
        .message_id(Some(message_id(m.key)))
        .header(ContentType::TEXT_PLAIN)
        .body(m.body.to_string())
        .map_err(|err| format!("message: {err}"))?;
    let builder = match e.security {
        SmtpSecurity::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&e.host),
        SmtpSecurity::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&e.host)
            .map_err(|err| format!("SMTP server: {err}"))?,
        SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&e.host)
            .map_err(|err| format!("SMTP server: {err}"))?,
    };
    let port = u16::try_from(e.port).map_err(|_| "SMTP port out of range".to_string())?;
    let mut builder = builder.port(port).timeout(Some(ATTEMPT_TIMEOUT));
    if !e.username.is_empty() {
        builder = builder.credentials(Credentials::new(
            e.username.clone(),
            e.password.clone().unwrap_or_default(),
        ));
    }
    let transport = builder.build();
    transport
        .send(message)
        .await
        .map(|_| ())
        .map_err(|err| format!("SMTP: {err}"))
}

/// A WeChat Work group robot: `{"msgtype":"text","text":{"content":…,"mentioned_mobile_list":[…]}}`;
/// the robot answers `{"errcode":0,"errmsg":"ok"}` when it took the message.
async fn send_wechat_work(
    http: &reqwest::Client,
    url: &str,
    m: &Outgoing<'_>,
) -> Result<(), String> {
    let body = serde_json::json!({
        "msgtype": "text",
        "text": {
            "content": format!("{}\n{}", m.subject, m.body),
            "mentioned_mobile_list": m.mentions,
        }
    });
    let answer = http
        .post(url)
        .timeout(ATTEMPT_TIMEOUT)
        .json(&body)
        .send()
        .await
        .map_err(|e| format!("WeChat Work: {}", e.without_url()))?;
    let status = answer.status();
    let reply: serde_json::Value = answer
        .json()
        .await
        .map_err(|_| format!("WeChat Work answered {status} without its JSON"))?;
    match reply.get("errcode").and_then(serde_json::Value::as_i64) {
        Some(0) => Ok(()),
        Some(code) => Err(format!(
            "WeChat Work refused it: errcode {code} {}",
            reply
                .get("errmsg")
                .and_then(serde_json::Value::as_str)
                .unwrap_or("")
                .chars()
                .take(200)
                .collect::<String>()
        )),
        None => Err(format!("WeChat Work answered {status} without an errcode")),
    }
}

/// Sends text messages. The company's provider (Aliyun, Tencent Cloud …) sits behind its own
/// gateway; tests use a local receiver.
#[async_trait]
pub trait SmsProvider: Send + Sync {
    /// `id` is stable across retries, so the gateway can drop a repeat.
    async fn send(&self, to: &str, text: &str, id: &str) -> Result<(), String>;
}

/// `POST {url}` with `{"id","to","text"}`; headers `X-FieldOps-Timestamp` (ms) and
/// `X-FieldOps-Signature: sha256=<hex HMAC-SHA256(secret, "{timestamp}.{body}")>`. Any 2xx
/// answer means the gateway took it.
pub struct WebhookSms<'a> {
    http: &'a reqwest::Client,
    setup: &'a SmsSetup,
}

impl<'a> WebhookSms<'a> {
    pub fn new(http: &'a reqwest::Client, setup: &'a SmsSetup) -> Self {
        WebhookSms { http, setup }
    }
}

/// The signature a gateway checks: hex HMAC-SHA256 of `{timestamp}.{body}`.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

#[async_trait]
impl SmsProvider for WebhookSms<'_> {
    async fn send(&self, to: &str, text: &str, id: &str) -> Result<(), String> {
        let body = serde_json::to_vec(&serde_json::json!({ "id": id, "to": to, "text": text }))
            .map_err(|e| e.to_string())?;
        let timestamp = chrono::Utc::now().timestamp_millis();
        let signature = sign(
            self.setup.secret.as_deref().unwrap_or_default(),
            timestamp,
            &body,
        );
        let answer = self
            .http
            .post(&self.setup.url)
            .timeout(ATTEMPT_TIMEOUT)
            .header("content-type", "application/json")
            .header("x-fieldops-timestamp", timestamp.to_string())
            .header("x-fieldops-signature", format!("sha256={signature}"))
            .body(body)
            .send()
            .await
            .map_err(|e| format!("SMS gateway: {}", e.without_url()))?;
        if answer.status().is_success() {
            Ok(())
        } else {
            Err(format!("SMS gateway answered {}", answer.status()))
        }
    }
}

/// The HTTP client for webhooks: rustls with the ring provider, the system's trust roots.
pub fn http_client() -> reqwest::Client {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Losing the race to another thread installing the same provider is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .build()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_cover_time_and_body_and_the_message_id_is_stable() {
        let a = sign("s3cret-s3cret-s3cret", 1000, b"{}");
        assert_eq!(a, sign("s3cret-s3cret-s3cret", 1000, b"{}"));
        assert_ne!(a, sign("s3cret-s3cret-s3cret", 1001, b"{}"));
        assert_ne!(a, sign("s3cret-s3cret-s3cret", 1000, b"{ }"));
        assert_ne!(a, sign("other-secret-other", 1000, b"{}"));
        assert_eq!(message_id("k"), message_id("k"));
        assert_ne!(message_id("k"), message_id("k2"));
    }
}
