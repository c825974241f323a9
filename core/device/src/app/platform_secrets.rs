//! The platform's secure store, where the bearer token and the database key live: Secret
//! Service on Linux, the Keychain on macOS, data-protected keychain items on iOS, the
//! Credential Manager on Windows, the Android Keystore. Where there is none (headless Linux
//! without a Secret Service, for instance) secrets are kept only in memory for this run, and
//! the UI says so. Who is signed in is kept in the device's store either way, so losing the
//! token never locks anyone out of their local work (`app::session`).
//!
//! It lives here rather than in the Tauri shell so that it is built and tested without Tauri,
//! on every platform the device core is tested on (the Windows tier runs it against the
//! Credential Manager).

use std::collections::HashMap;
use std::sync::Mutex;

use super::{NoKeyring, Secrets, TokenHome};

const SERVICE: &str = "com.fieldops.app";

pub struct PlatformSecrets {
    /// What was saved this run, so that a store that refused it still serves this run.
    memory: Mutex<HashMap<String, String>>,
    home: Mutex<TokenHome>,
}

impl PlatformSecrets {
    pub fn new() -> PlatformSecrets {
        let home = match install_platform_store() {
            Ok(()) => TokenHome::Keyring,
            Err(e) => {
                eprintln!("fieldops: no secure store for the token: {e}");
                TokenHome::Memory {
                    why: NoKeyring::Unavailable,
                }
            }
        };
        PlatformSecrets {
            memory: Mutex::default(),
            home: Mutex::new(home),
        }
    }
}

impl Default for PlatformSecrets {
    fn default() -> Self {
        PlatformSecrets::new()
    }
}

/// Make this platform's secure store keyring-core's default.
fn install_platform_store() -> keyring_core::Result<()> {
    #[cfg(target_os = "linux")]
    let store = dbus_secret_service_keyring_store::Store::new()?;
    #[cfg(target_os = "macos")]
    let store = apple_native_keyring_store::keychain::Store::new()?;
    #[cfg(target_os = "ios")]
    let store = apple_native_keyring_store::protected::Store::new()?;
    #[cfg(target_os = "windows")]
    let store = windows_native_keyring_store::Store::new()?;
    #[cfg(target_os = "android")]
    let store = android_native_keyring_store::Store::new()?;
    keyring_core::set_default_store(store);
    Ok(())
}

impl Secrets for PlatformSecrets {
    fn home(&self) -> TokenHome {
        self.home
            .lock()
            .map(|h| h.clone())
            .unwrap_or(TokenHome::Keyring)
    }

    fn save(&self, account: &str, secret: &str) -> TokenHome {
        let home =
            match keyring_core::Entry::new(SERVICE, account).and_then(|e| e.set_password(secret)) {
                Ok(()) => TokenHome::Keyring,
                Err(e) => {
                    eprintln!("fieldops: the system keyring refused the secret: {e}");
                    TokenHome::Memory {
                        why: NoKeyring::Unavailable,
                    }
                }
            };
        if let Ok(mut m) = self.memory.lock() {
            m.insert(account.to_string(), secret.to_string());
        }
        if let Ok(mut h) = self.home.lock() {
            *h = home.clone();
        }
        home
    }

    fn load(&self, account: &str) -> Option<String> {
        if let Some(kept) = self
            .memory
            .lock()
            .ok()
            .and_then(|m| m.get(account).cloned())
        {
            return Some(kept);
        }
        keyring_core::Entry::new(SERVICE, account)
            .and_then(|e| e.get_password())
            .ok()
    }

    fn delete(&self, account: &str) {
        if let Ok(mut m) = self.memory.lock() {
            m.remove(account);
        }
        if let Ok(e) = keyring_core::Entry::new(SERVICE, account) {
            // No entry (or no keyring) means there is nothing left to wipe.
            let _ = e.delete_credential();
        }
    }
}
