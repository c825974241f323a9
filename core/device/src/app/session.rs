//! Signing in and out, the session the UI shows, and syncing.

use serde::Serialize;

use crate::sync::{self, SyncHttp, SyncReport};
use crate::workspace::{Session, SyncStatus};
use crate::{DeviceError, Result};

use super::App;

/// Where the bearer token lives: the OS keyring when there is one; otherwise only in memory
/// for this run, and the UI says so.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TokenHome {
    Keyring,
    /// Kept for this run only; `why` says why no secure store could be used.
    Memory {
        why: NoKeyring,
    },
}

/// Why a token is kept in memory only (the store's own error goes to the log, not to people).
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum NoKeyring {
    /// The system offers no secure store, or it refused (locked, absent, no Secret Service).
    Unavailable,
    /// The development bridge never keeps secrets.
    DevelopmentBridge,
}

/// Who is signed in, and where the token is kept.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct SessionInfo {
    pub session: Session,
    pub token_home: TokenHome,
    /// Whether this device holds a token to sync with. Without one (it was kept in memory
    /// only, or the platform's store lost it) the person keeps working on the local data
    /// and signs in again to send it.
    pub can_sync: bool,
    /// Whether the local database is encrypted on this device.
    pub at_rest: crate::store::at_rest::AtRest,
}

/// What the sign-in screen starts with.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Defaults {
    pub server_url: String,
    pub tenant: String,
}

/// The key a token is kept under: one per server, company and user.
pub(super) fn account_key(s: &Session) -> String {
    format!("{}|{}|{}", s.server_url, s.tenant, s.user.id)
}

commands! {
    /// The sign-in screen's starting values (FIELDOPS_SERVER_URL, FIELDOPS_TENANT).
    task fn defaults(app) -> Defaults {
        let _ = app;
        Ok(Defaults {
            server_url: std::env::var("FIELDOPS_SERVER_URL")
                .unwrap_or_else(|_| "http://127.0.0.1:8787".into()),
            tenant: std::env::var("FIELDOPS_TENANT").unwrap_or_default(),
        })
    }
    /// Who is signed in on this device. The session is kept in the local store, so it
    /// survives a restart without network or token: the token is needed only to sync.
    task fn session(app) -> Option<SessionInfo> {
        let session = app.workspace()?.session().cloned();
        Ok(session.map(|session| SessionInfo {
            session,
            token_home: app.platform.secrets().home(),
            can_sync: app.http().is_some(),
            at_rest: app.at_rest,
        }))
    }
    /// Sign in; binds this device to the user on the server.
    task fn login(app, server_url: String, tenant: String, login: String, password: String) -> SessionInfo {
        sign_in(&app, &server_url, &tenant, &login, &password).await
    }
    /// Sign out; `discard` also deletes this device's local data.
    task fn logout(app, discard: bool) -> () {
        let session = app.workspace()?.session().cloned();
        if let Some(http) = app.http() {
            // Best effort: the token is wiped locally whether or not the server is reachable;
            // but a device the administrator revoked erases its copy on the way out.
            if let Err(DeviceError::Server { code: crate::ErrorCode::DeviceRevoked, .. }) =
                sync::logout(&http).await
            {
                app.wipe_revoked();
                app.set_http(None);
                return Ok(());
            }
        }
        if let Some(s) = session {
            app.platform.secrets().delete(&account_key(&s));
        }
        app.workspace()?.sign_out(discard)?;
        app.set_http(None);
        Ok(())
    }
    /// Change one's own password (the current one proven); one's other devices sign in again.
    task fn change_password(app, current: String, new_password: String) -> () {
        let http = app.http().ok_or(DeviceError::NotSignedIn)?;
        let change = crate::people::PasswordChange { current, new: new_password };
        let _: serde_json::Value = http
            .send_json(reqwest::Method::POST, "/v1/password", &change)
            .await?;
        Ok(())
    }
    read fn sync_status(ws) -> SyncStatus { ws.sync_status() }
    /// The language this device's screens were last shown in ("en" or "zh-CN"), kept with its
    /// data, so two installations with different data folders keep their own.
    read fn ui_language(ws) -> Option<String> { ws.store.meta("ui_language") }
    write fn set_ui_language(ws, lang: String) -> () {
        if !matches!(lang.as_str(), "en" | "zh-CN") {
            return Err(DeviceError::invalid(format!("unknown language {lang}")));
        }
        ws.store.set_meta("ui_language", &lang)
    }
    /// The desktop's side pane width (pixels) as last dragged, kept with the device's data.
    read fn side_pane_width(ws) -> Option<i64> {
        Ok(ws.store.meta("side_pane_width")?.and_then(|w| w.parse().ok()))
    }
    write fn set_side_pane_width(ws, px: i64) -> () {
        if !(200..=4000).contains(&px) {
            return Err(DeviceError::invalid(format!("a side pane of {px} px")));
        }
        ws.store.set_meta("side_pane_width", &px.to_string())
    }
    /// Sync at once (push, then pull until the server has nothing more).
    task fn sync_now(app) -> SyncReport {
        let http = app.http().ok_or(DeviceError::NotSignedIn)?;
        let result = app.sync_once(&http).await;
        app.after_sync(&result);
        result
    }
}

async fn sign_in(
    app: &App,
    server_url: &str,
    tenant: &str,
    login: &str,
    password: &str,
) -> Result<SessionInfo> {
    let device = app.platform.device_name();
    let (session, token) =
        match sync::login(&app.ws, server_url, tenant, login, password, &device).await {
            Err(DeviceError::Server {
                code: crate::ErrorCode::DeviceRevoked,
                message,
            }) => {
                // Revoked while it held no token (signed out, or its token ended): the copy
                // goes now; signed in again, it is a new device.
                app.wipe_revoked();
                return Err(DeviceError::Server {
                    code: crate::ErrorCode::DeviceRevoked,
                    message,
                });
            }
            other => other?,
        };
    let token_home = app.platform.secrets().save(&account_key(&session), &token);
    let http = SyncHttp::new(&session.server_url, &token)?;
    // The first sync belongs to signing in: the person's orders are there when the app
    // opens. A failure is not a failed sign-in; the sync status shows it and the loop retries.
    let first = app.sync_once(&http).await;
    app.set_http(Some(http));
    app.after_sync(&first);
    if first.is_err() {
        // Try again soon rather than at the next regular round.
        app.wake.notify_one();
    }
    Ok(SessionInfo {
        session,
        token_home,
        can_sync: true,
        at_rest: app.at_rest,
    })
}

/// `make run` signs the demo user in: FIELDOPS_SERVER_URL, FIELDOPS_TENANT, FIELDOPS_LOGIN
/// and FIELDOPS_PASSWORD, used only when nobody is signed in yet.
pub(super) async fn auto_login(app: &App) {
    if app.http().is_some() {
        return;
    }
    let vars = [
        "FIELDOPS_SERVER_URL",
        "FIELDOPS_TENANT",
        "FIELDOPS_LOGIN",
        "FIELDOPS_PASSWORD",
    ]
    .map(|k| std::env::var(k).ok());
    if let [Some(url), Some(tenant), Some(login), Some(password)] = vars {
        match sign_in(app, &url, &tenant, &login, &password).await {
            Ok(info) => app.emit("signed-in", info),
            Err(e) => eprintln!("automatic sign-in failed: {e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde_json::json;

    use crate::app::App;
    use crate::app::test_platform::TestPlatform;
    use crate::location::NoLocation;
    use crate::model::Role;
    use crate::testing::{SUPERVISOR, customer_input, order_input};
    use crate::workspace::Workspace;

    #[tokio::test]
    async fn each_data_folder_keeps_its_own_language_and_pane_width_through_a_sign_out() {
        let (one, two) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let open = |dir: &std::path::Path| {
            App::open(dir, Box::new(TestPlatform::new(NoLocation))).unwrap()
        };
        let (a, b) = (open(one.path()), open(two.path()));
        a.call("set_ui_language", json!({"lang": "zh-CN"}))
            .await
            .unwrap();
        assert_eq!(a.call("ui_language", json!({})).await.unwrap(), "zh-CN");
        assert_eq!(b.call("ui_language", json!({})).await.unwrap(), json!(null));
        assert!(
            b.call("set_ui_language", json!({"lang": "fr"}))
                .await
                .is_err()
        );
        a.call("set_side_pane_width", json!({"px": 620}))
            .await
            .unwrap();
        assert!(
            a.call("set_side_pane_width", json!({"px": 5}))
                .await
                .is_err()
        );
        assert_eq!(
            b.call("side_pane_width", json!({})).await.unwrap(),
            json!(null)
        );
        a.workspace().unwrap().store.wipe(true).unwrap();
        assert_eq!(a.call("ui_language", json!({})).await.unwrap(), "zh-CN");
        assert_eq!(a.call("side_pane_width", json!({})).await.unwrap(), 620);
    }

    #[tokio::test]
    async fn a_restart_without_token_or_network_opens_the_local_orders() {
        let dir = tempfile::tempdir().unwrap();
        {
            // Signed in, then the app closed (the server unreachable ever since).
            let mut ws = Workspace::open(&dir.path().join("fieldops.sqlite")).unwrap();
            let seeded = crate::testing::workspace(SUPERVISOR, Role::Supervisor);
            let session = seeded.session().unwrap().clone();
            ws.begin_login("acme", "sup").unwrap();
            ws.set_session(session, "sup").unwrap();
            let c = ws
                .create_customer(&customer_input("上海精密仪器有限公司"))
                .unwrap();
            ws.create_order(&order_input(&c.id, &c.sites[0].id, "Spindle vibration"))
                .unwrap();
            // The last run ended online.
            ws.store.set_meta("online", "1").unwrap();
        }
        let app: Arc<App> = App::open(dir.path(), Box::new(TestPlatform::new(NoLocation))).unwrap();
        let info = app.call("session", json!({})).await.unwrap();
        assert_eq!(info["session"]["user"]["login"], "sup");
        assert_eq!(info["can_sync"], false);
        let orders = app
            .call("list_orders", json!({"filter": {}}))
            .await
            .unwrap();
        assert_eq!(orders.as_array().unwrap().len(), 1);
        // Work goes on offline and waits to be sent.
        let c = app.call("list_customers", json!({})).await.unwrap();
        let customer = &c[0];
        app.call(
            "create_order",
            json!({"input": {
                "customer_id": customer["id"], "site_id": customer["sites"][0]["id"],
                "order_type": "repair", "priority": "normal", "description": "Noise at start-up"
            }}),
        )
        .await
        .unwrap();
        let status = app.call("sync_status", json!({})).await.unwrap();
        assert_eq!(status["pending"], 3);
        assert_eq!(
            status["online"], false,
            "no token: not connected, whatever the last run saw"
        );
        // Syncing needs a token: it says so (in the person's words, from its code).
        let err = app.call("sync_now", json!({})).await.unwrap_err();
        assert_eq!(err.code, crate::ErrorCode::NotSignedIn);
    }
}
