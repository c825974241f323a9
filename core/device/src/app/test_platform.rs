//! A platform for tests of the device's app: a secure store that keeps nothing across a
//! restart (as keyring 3's mock store did on Android), no events, and the location provider
//! the test gives.

use serde_json::Value;

use super::{NoKeyring, Platform, Secrets, TokenHome};
use crate::location::LocationProvider;

pub struct Forgetful;

impl Secrets for Forgetful {
    fn save(&self, _: &str, _: &str) -> TokenHome {
        self.home()
    }
    fn load(&self, _: &str) -> Option<String> {
        None
    }
    fn delete(&self, _: &str) {}
    fn home(&self) -> TokenHome {
        TokenHome::Memory {
            why: NoKeyring::Unavailable,
        }
    }
}

pub struct TestPlatform<L> {
    location: L,
}

impl<L: LocationProvider> TestPlatform<L> {
    pub fn new(location: L) -> Self {
        TestPlatform { location }
    }
}

impl<L: LocationProvider + 'static> Platform for TestPlatform<L> {
    fn emit(&self, _: &str, _: Value) {}
    fn secrets(&self) -> &dyn Secrets {
        &Forgetful
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
