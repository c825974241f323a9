//! The device application: every command the UI can call, declared once (the feature modules
//! below, through `commands!`), with the session, the background sync and the policies that
//! go with them. The Tauri shell serves it over IPC, the development bridge over loopback
//! HTTP; the TypeScript client and types are generated from the same declarations
//! (`bindings.rs`). Nothing here depends on Tauri.

#[macro_use]
mod declare;
mod alerts;
pub mod bindings;
mod field;
mod knowledge;
mod notify;
mod orders;
mod parts;
mod people;
mod places;
#[cfg(feature = "os-keyring")]
mod platform_secrets;
mod portal;
mod scan;
mod session;
mod settings;
mod statistics;
#[cfg(test)]
mod test_platform;

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;
use tokio::sync::Notify;

use crate::location::LocationProvider;
use crate::sync::{self, SyncHttp, SyncReport};
use crate::workspace::Workspace;
use crate::{DeviceError, ErrorBody, Result};

pub use bindings::typescript;
#[cfg(feature = "os-keyring")]
pub use platform_secrets::PlatformSecrets;
pub use session::{Defaults, NoKeyring, SessionInfo, TokenHome};

/// What the device's platform provides: the shell (keyring, window events, GPS) or the
/// development bridge (memory, server-sent events, a scripted position).
pub trait Platform: Send + Sync + 'static {
    /// Tell the UI something happened (`sync-status`, `data-changed`, `signed-in`, `signed-out`).
    fn emit(&self, event: &str, payload: Value);
    /// Where the bearer token is kept between runs.
    fn secrets(&self) -> &dyn Secrets;
    fn location(&self) -> &dyn LocationProvider;
    /// The folder under which files the user asked for are written (exports/, reports/).
    fn files_dir(&self) -> PathBuf;
    /// How this device names itself to the server.
    fn device_name(&self) -> String;
}

/// A place for the bearer token (the OS keyring, or memory where there is none).
pub trait Secrets: Send + Sync {
    fn save(&self, account: &str, token: &str) -> TokenHome;
    fn load(&self, account: &str) -> Option<String>;
    fn delete(&self, account: &str);
    fn home(&self) -> TokenHome;
}

/// The device: its store, its connection to the server and its platform.
pub struct App {
    /// Whether the local database is encrypted, for the UI's notice.
    at_rest: crate::store::at_rest::AtRest,
    ws: Arc<Mutex<Workspace>>,
    http: Mutex<Option<SyncHttp>>,
    platform: Box<dyn Platform>,
    /// Wakes the sync task: a local change, a live event, or "sync now".
    wake: Notify,
    /// Wakes the live-event listener when the session changes.
    session_changed: Notify,
    /// One sync at a time: "sync now" while the background loop syncs waits for it, so two
    /// responses are never applied over each other.
    syncing: tokio::sync::Mutex<()>,
}

impl App {
    /// Open the device's store in `dir` and pick up a saved session and its token.
    pub fn open(dir: &std::path::Path, platform: Box<dyn Platform>) -> Result<Arc<App>> {
        std::fs::create_dir_all(dir)
            .map_err(|e| DeviceError::invalid(format!("cannot create {}: {e}", dir.display())))?;
        let file = dir.join("fieldops.sqlite");
        let (key, at_rest) = crate::store::at_rest::prepare(&file, platform.secrets())?;
        let ws = Workspace::open_with_key(&file, key.as_ref())?;
        let http = ws.session().and_then(|s| {
            platform
                .secrets()
                .load(&session::account_key(s))
                .and_then(|t| SyncHttp::new(&s.server_url, &t).ok())
        });
        if http.is_none() {
            // Without a token this device cannot reach its server, whatever the last run saw.
            ws.store.set_meta("online", "0")?;
        }
        Ok(Arc::new(App {
            at_rest,
            ws: Arc::new(Mutex::new(ws)),
            http: Mutex::new(http),
            platform,
            wake: Notify::new(),
            session_changed: Notify::new(),
            syncing: tokio::sync::Mutex::new(()),
        }))
    }

    /// Run a command by name with its arguments as JSON (camelCase keys, as the generated
    /// client sends them); the answer as JSON, or the error the UI translates.
    pub async fn call(self: &Arc<Self>, command: &str, args: Value) -> Result<Value, ErrorBody> {
        declare::dispatch(self, command, args).await
    }

    /// The workspace, for the shell's own tests and tools.
    pub fn workspace(&self) -> Result<MutexGuard<'_, Workspace>> {
        sync::lock(&self.ws)
    }

    fn http(&self) -> Option<SyncHttp> {
        self.http.lock().ok().and_then(|h| h.clone())
    }

    fn set_http(&self, http: Option<SyncHttp>) {
        if let Ok(mut h) = self.http.lock() {
            *h = http;
        }
        self.session_changed.notify_waiters();
    }

    fn read<T>(&self, f: impl FnOnce(&Workspace) -> Result<T>) -> Result<T> {
        f(&*self.workspace()?)
    }

    /// Run a change, show at once that it waits to be sent, and schedule a sync.
    fn mutate<T>(&self, f: impl FnOnce(&mut Workspace) -> Result<T>) -> Result<T> {
        let out = f(&mut *self.workspace()?)?;
        // Without this the sync bar kept saying "all changes sent" until the next sync ended,
        // and a person (or a test) could sign out believing a fresh change had gone.
        self.announce(None);
        self.wake.notify_one();
        Ok(out)
    }

    /// Write a file the user asked for under the files folder; the name comes from
    /// validated input.
    fn save_file(&self, folder: &str, name: &str, bytes: &[u8]) -> Result<String> {
        let dir = self.platform.files_dir().join(folder);
        let io = |e: std::io::Error| DeviceError::invalid(format!("cannot save {name}: {e}"));
        std::fs::create_dir_all(&dir).map_err(io)?;
        let path = dir.join(name);
        std::fs::write(&path, bytes).map_err(io)?;
        Ok(path.display().to_string())
    }

    fn emit(&self, event: &str, payload: impl Serialize) {
        self.platform
            .emit(event, serde_json::to_value(payload).unwrap_or(Value::Null));
    }

    /// Tell the UI the sync state changed (and whether data arrived).
    fn announce(&self, report: Option<&SyncReport>) {
        if let Ok(status) = self.read(|ws| ws.sync_status()) {
            self.emit("sync-status", status);
        }
        if report.is_some_and(|r| {
            r.pulled > 0 || r.revoked > 0 || r.accepted > 0 || !r.rejected.is_empty()
        }) {
            self.emit("data-changed", ());
        }
    }

    /// Sync now, after any sync already under way.
    async fn sync_once(&self, http: &SyncHttp) -> Result<SyncReport> {
        let _turn = self.syncing.lock().await;
        // Each round shows at once, so a long first sync shows its progress.
        sync::sync_now_reporting(&self.ws, http, &|| self.announce(None)).await
    }

    /// Tell the UI what a sync did. When the server no longer takes this device's token, the
    /// person is asked to sign in again; when an administrator revoked the device, its local
    /// copy (documents, photos, token) is erased first.
    fn after_sync(&self, result: &Result<SyncReport>) {
        if let Err(DeviceError::Server { code, .. }) = result
            && code.ends_session()
        {
            if *code == crate::ErrorCode::DeviceRevoked {
                self.wipe_revoked();
            }
            self.set_http(None);
            self.emit("signed-out", *code);
        }
        self.announce(result.as_ref().ok());
    }

    /// An administrator revoked this device: its documents, photos and signatures go (the
    /// file rewritten so no free page keeps them), the files it saved (exports, reports), and
    /// its token last, so that a wipe that failed is tried again at the next contact.
    pub(crate) fn wipe_revoked(&self) {
        let Ok(mut ws) = self.workspace() else {
            return;
        };
        let session = ws.session().cloned();
        if let Err(e) = ws.sign_out(true) {
            eprintln!("wiping the revoked device failed: {e}");
            return;
        }
        for folder in ["exports", "reports"] {
            let _ = std::fs::remove_dir_all(self.platform.files_dir().join(folder));
        }
        if let Some(s) = session {
            self.platform.secrets().delete(&session::account_key(&s));
        }
    }
    /// Keep the device in sync for as long as the app runs: sign in from the environment
    /// when asked to (`make run`), listen to the server's live feed, and sync on start, after
    /// local changes (debounced), on live events and every minute as a fallback.
    pub async fn run_background(self: Arc<Self>) {
        session::auto_login(&self).await;
        tokio::spawn(self.clone().live_events());
        self.sync_loop().await;
    }

    async fn sync_loop(self: Arc<Self>) {
        let mut failures = 0u32;
        loop {
            if let Some(http) = self.http() {
                let result = self.sync_once(&http).await;
                failures = match &result {
                    // Unreachable, or too busy to serve: wait longer each time.
                    Err(DeviceError::Network(_))
                    | Err(DeviceError::Server {
                        code: crate::ErrorCode::Busy,
                        ..
                    }) => failures.saturating_add(1),
                    _ => 0,
                };
                self.after_sync(&result);
            }
            tokio::select! {
                _ = self.wake.notified() => {
                    // Debounce: gather a burst of edits into one sync.
                    tokio::time::sleep(Duration::from_millis(700)).await;
                }
                _ = tokio::time::sleep(sync::retry_delay(failures, rand::random())) => {}
            }
        }
    }

    /// Listen to the server's live feed and wake the sync task when it advances.
    async fn live_events(self: Arc<Self>) {
        loop {
            let Some(http) = self.http() else {
                self.session_changed.notified().await;
                continue;
            };
            match http.events().await {
                Ok(mut stream) => loop {
                    tokio::select! {
                        next = stream.next() => match next {
                            Ok(_) => self.wake.notify_one(),
                            Err(_) => {
                                // The server went away: sync now, so the person learns at
                                // once that the device is offline.
                                self.wake.notify_one();
                                break;
                            }
                        },
                        _ = self.session_changed.notified() => break,
                    }
                },
                Err(_) => {
                    tokio::select! {
                        _ = tokio::time::sleep(Duration::from_secs(5)) => {}
                        _ = self.session_changed.notified() => {}
                    }
                }
            }
        }
    }
}

/// Base64 from the UI (photos, signatures, files), bounded before it is decoded: a file over
/// the limit is refused with the limit, in words the UI translates.
fn decode_base64(data: &str, max_bytes: usize, what: &str) -> Result<Vec<u8>> {
    use base64::Engine;
    if data.len() > max_bytes / 3 * 4 + 8 {
        return Err(DeviceError::refused(crate::Refusal::FileTooLarge {
            max_mb: u32::try_from(max_bytes / (1024 * 1024)).unwrap_or(u32::MAX),
        }));
    }
    base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .map_err(|_| DeviceError::invalid(format!("the {what} is not valid base64")))
}

fn encode_base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
