//! Where the bearer token lives: the platform's secure store (Secret Service on Linux, the
//! Keychain on macOS, data-protected keychain items on iOS, the Credential Manager on
//! Windows, the Android Keystore); where there is none (headless Linux without a Secret
//! Service, for instance) only in memory for this run, and the UI says so. Who is signed in
//! is kept in the device's store either way, so losing the token never locks anyone out of
//! their local work (`app::session`).

use std::sync::Mutex;

use fieldops_device::app::{NoKeyring, Secrets, TokenHome};

const SERVICE: &str = "com.fieldops.app";

pub struct Tokens {
    memory: Mutex<Option<(String, String)>>,
    home: Mutex<TokenHome>,
}

impl Tokens {
    pub fn new() -> Tokens {
        let home = match install_platform_store() {
            Ok(()) => TokenHome::Keyring,
            Err(e) => {
                eprintln!("fieldops: no secure store for the token: {e}");
                TokenHome::Memory {
                    why: NoKeyring::Unavailable,
                }
            }
        };
        Tokens {
            memory: Mutex::new(None),
            home: Mutex::new(home),
        }
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

impl Secrets for Tokens {
    fn home(&self) -> TokenHome {
        self.home
            .lock()
            .map(|h| h.clone())
            .unwrap_or(TokenHome::Keyring)
    }

    fn save(&self, account: &str, token: &str) -> TokenHome {
        let home =
            match keyring_core::Entry::new(SERVICE, account).and_then(|e| e.set_password(token)) {
                Ok(()) => TokenHome::Keyring,
                Err(e) => {
                    eprintln!("fieldops: the system keyring refused the token: {e}");
                    TokenHome::Memory {
                        why: NoKeyring::Unavailable,
                    }
                }
            };
        if let Ok(mut m) = self.memory.lock() {
            *m = Some((account.to_string(), token.to_string()));
        }
        if let Ok(mut h) = self.home.lock() {
            *h = home.clone();
        }
        home
    }

    fn load(&self, account: &str) -> Option<String> {
        if let Ok(m) = self.memory.lock()
            && let Some((a, t)) = m.as_ref()
            && a == account
        {
            return Some(t.clone());
        }
        keyring_core::Entry::new(SERVICE, account)
            .and_then(|e| e.get_password())
            .ok()
    }

    fn delete(&self, account: &str) {
        if let Ok(mut m) = self.memory.lock() {
            *m = None;
        }
        if let Ok(e) = keyring_core::Entry::new(SERVICE, account) {
            // No entry (or no keyring) means there is nothing left to wipe.
            let _ = e.delete_credential();
        }
    }
}
