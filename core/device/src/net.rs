//! Every HTTP client the device makes (sync, live events, geocoding) comes from here, so all
//! of them verify servers the same way.
//!
//! TLS is rustls with the `ring` provider (aws-lc, reqwest's default, does not cross-build for
//! Android here). Certificates are checked against the operating system's trust store (a
//! company's own CA installed on the laptop or the iPad counts), except on Android, where
//! that check needs the app's Java side to hand over a JNI context first; there the bundled
//! Mozilla roots are used, as before.

use std::time::Duration;

use crate::error::{DeviceError, Result};

fn install_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Losing the race to another thread installing the same provider is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

/// A client builder with the device's TLS set-up and a 5 s connect timeout.
pub fn client_builder() -> reqwest::ClientBuilder {
    install_crypto_provider();
    let builder = reqwest::Client::builder().connect_timeout(Duration::from_secs(5));
    with_trust_roots(builder)
}

#[cfg(target_os = "android")]
fn with_trust_roots(builder: reqwest::ClientBuilder) -> reqwest::ClientBuilder {
    let roots = webpki_root_certs::TLS_SERVER_ROOT_CERTS
        .iter()
        .filter_map(|der| reqwest::Certificate::from_der(der.as_ref()).ok());
    builder.tls_certs_only(roots)
}

#[cfg(not(target_os = "android"))]
fn with_trust_roots(builder: reqwest::ClientBuilder) -> reqwest::ClientBuilder {
    builder
}

/// A client whose requests give up after `timeout` in all.
pub fn http_client(timeout: Duration) -> Result<reqwest::Client> {
    client_builder()
        .timeout(timeout)
        .build()
        .map_err(|e| DeviceError::Network(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_builds_with_the_ring_provider_and_the_trust_roots() {
        let client = http_client(Duration::from_secs(1));
        assert!(client.is_ok(), "{:?}", client.err());
        assert!(rustls::crypto::CryptoProvider::get_default().is_some());
    }
}
