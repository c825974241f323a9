//! Notifications: a person's notification centre, and the administrator's channels, test
//! messages, delivery list and "check alerts now". The server holds all of it (channel
//! secrets never reach a device); these commands ask it and carry the answers.

use reqwest::Method;

use crate::notify::{
    Channel, ChannelSetup, ChannelView, Inbox, MarkRead, OutboxEntry, OutboxQuery, ScanAnswer,
    TestMessage,
};
use crate::{DeviceError, Result};

use super::App;

fn online(app: &App) -> Result<crate::sync::SyncHttp> {
    app.http().ok_or(DeviceError::NotSignedIn)
}

fn outbox_params(q: &OutboxQuery) -> Vec<(&'static str, String)> {
    let mut params = Vec::new();
    if let Some(s) = q.state {
        params.push(("state", s.as_str().to_string()));
    }
    if let Some(c) = q.channel {
        params.push(("channel", c.name().to_string()));
    }
    if let Some(l) = q.limit {
        params.push(("limit", l.to_string()));
    }
    params
}

commands! {
    /// The newest messages for the signed-in person and how many are unread.
    task fn notifications(app) -> Inbox {
        online(&app)?.get_json("/v1/notifications", &[]).await
    }
    /// Mark these messages read (all of them when none are named).
    task fn mark_notifications_read(app, keys: Vec<String>) -> Inbox {
        online(&app)?.send_json(Method::POST, "/v1/notifications/read", &MarkRead { keys }).await
    }
    /// The channels the company has set up, without their secrets (administrators).
    task fn notification_channels(app) -> Vec<ChannelView> {
        online(&app)?.get_json("/v1/admin/notify/channels", &[]).await
    }
    /// Set up or change one channel; a secret left empty keeps the stored one.
    task fn save_notification_channel(app, setup: ChannelSetup) -> Vec<ChannelView> {
        online(&app)?.send_json(Method::PUT, "/v1/admin/notify/channels", &setup).await
    }
    task fn remove_notification_channel(app, channel: Channel) -> Vec<ChannelView> {
        let path = format!("/v1/admin/notify/channels/{}", channel.name());
        online(&app)?.send_json(Method::DELETE, &path, &serde_json::json!({})).await
    }
    /// Queue a test message; its delivery shows in the outbox.
    task fn send_test_message(app, test: TestMessage) -> OutboxEntry {
        online(&app)?.send_json(Method::POST, "/v1/admin/notify/test", &test).await
    }
    /// The company's messages, newest first, with their delivery state.
    task fn notification_outbox(app, query: OutboxQuery) -> Vec<OutboxEntry> {
        online(&app)?.get_json("/v1/admin/notify/outbox", &outbox_params(&query)).await
    }
    /// Decide the company's messages now instead of at the server's next check.
    task fn check_alerts_now(app) -> ScanAnswer {
        online(&app)?.send_json(Method::POST, "/v1/admin/notify/scan", &serde_json::json!({})).await
    }
}
