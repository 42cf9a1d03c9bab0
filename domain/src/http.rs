//! HTTP clients to outside services (Twilio, a language model) and, in
//! tests and benchmarks, to the platform itself: one TLS set-up for all of
//! them (rustls with the `ring` provider, the system's certificates).

/// Installs `ring` as the process's TLS provider (once; later calls do
/// nothing).
pub fn install_tls() {
    // ring rather than aws-lc-rs: no C library to build with cmake; rustls
    // marks it deprecated only for its lack of post-quantum key exchange.
    #[allow(deprecated)]
    let provider = rustls::crypto::ring::default_provider();
    // Err only means a provider is already installed.
    let _ = provider.install_default();
}

/// A client builder with TLS ready.
pub fn client_builder() -> reqwest::ClientBuilder {
    install_tls();
    reqwest::Client::builder()
}

/// A client with TLS ready and no other setting.
pub fn client() -> reqwest::Client {
    client_builder()
        .build()
        .unwrap_or_else(|err| panic!("building an HTTP client: {err}"))
}
