//! A platform for tests of the device's app: a secure store in memory that keeps nothing
//! across a restart (as keyring 3's mock store did on Android), the events it was told, and
//! the location provider the test gives. `probe()` lets the test look inside afterwards.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::Value;

use super::{NoKeyring, Platform, Secrets, TokenHome};
use crate::location::LocationProvider;

/// What a test can look at: the tokens kept and the events emitted.
#[derive(Default)]
pub struct Probe {
    pub secrets: Mutex<HashMap<String, String>>,
    pub events: Mutex<Vec<(String, Value)>>,
}

pub struct Forgetful(Arc<Probe>);

impl Secrets for Forgetful {
    fn save(&self, account: &str, token: &str) -> TokenHome {
        if let Ok(mut s) = self.0.secrets.lock() {
            s.insert(account.to_string(), token.to_string());
        }
        self.home()
    }
    fn load(&self, account: &str) -> Option<String> {
        self.0.secrets.lock().ok()?.get(account).cloned()
    }
    fn delete(&self, account: &str) {
        if let Ok(mut s) = self.0.secrets.lock() {
            s.remove(account);
        }
    }
    fn home(&self) -> TokenHome {
        TokenHome::Memory {
            why: NoKeyring::Unavailable,
        }
    }
}

pub struct TestPlatform<L> {
    location: L,
    secrets: Forgetful,
}

impl<L: LocationProvider> TestPlatform<L> {
    pub fn new(location: L) -> Self {
        TestPlatform {
            location,
            secrets: Forgetful(Arc::default()),
        }
    }

    pub fn probe(&self) -> Arc<Probe> {
        self.secrets.0.clone()
    }
}

impl<L: LocationProvider + 'static> Platform for TestPlatform<L> {
    fn emit(&self, event: &str, payload: Value) {
        if let Ok(mut e) = self.secrets.0.events.lock() {
            e.push((event.to_string(), payload));
        }
    }
    fn secrets(&self) -> &dyn Secrets {
        &self.secrets
    }
    fn location(&self) -> &dyn LocationProvider {
        &self.location
    }
    fn files_dir(&self) -> std::path::PathBuf {
        std::env::temp_dir()
    }
    fn device_name(&self) -> String {
        "test".into()
    }
}
