//! Where the bearer token lives: the OS keyring when there is one; otherwise (headless
//! Linux without a Secret Service, for instance) only in memory for this session, and the
//! UI says so.

use std::sync::Mutex;

use fieldops_device::app::{NoKeyring, Secrets, TokenHome};

const SERVICE: &str = "com.fieldops.app";

pub struct Tokens {
    memory: Mutex<Option<(String, String)>>,
    home: Mutex<TokenHome>,
}

impl Tokens {
    pub fn new() -> Tokens {
        Tokens {
            memory: Mutex::new(None),
            home: Mutex::new(TokenHome::Keyring),
        }
    }
}

impl Secrets for Tokens {
    fn home(&self) -> TokenHome {
        self.home
            .lock()
            .map(|h| h.clone())
            .unwrap_or(TokenHome::Keyring)
    }

    fn save(&self, account: &str, token: &str) -> TokenHome {
        let home = match keyring::Entry::new(SERVICE, account).and_then(|e| e.set_password(token)) {
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
        keyring::Entry::new(SERVICE, account)
            .and_then(|e| e.get_password())
            .ok()
    }

    fn delete(&self, account: &str) {
        if let Ok(mut m) = self.memory.lock() {
            *m = None;
        }
        if let Ok(e) = keyring::Entry::new(SERVICE, account) {
            // No entry (or no keyring) means there is nothing left to wipe.
            let _ = e.delete_credential();
        }
    }
}
