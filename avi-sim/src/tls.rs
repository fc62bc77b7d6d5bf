//! TLS for HTTPS mode (rustls with the ring provider): a self-signed certificate for
//! `localhost` / `127.0.0.1` generated at start, or PEM files.

use axum_server::tls_rustls::RustlsConfig;

use crate::config::Tls;
use crate::sim::StartError;

pub async fn rustls_config(tls: &Tls) -> Result<RustlsConfig, StartError> {
    // Another part of the process may have installed a provider already; that is fine.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let err = |e: &dyn std::fmt::Display| StartError::Tls(e.to_string());
    match tls {
        Tls::SelfSigned => {
            let names = vec!["localhost".to_string(), "127.0.0.1".to_string()];
            let cert = rcgen::generate_simple_self_signed(names).map_err(|e| err(&e))?;
            let cert_pem = cert.cert.pem().into_bytes();
            let key_pem = cert.signing_key.serialize_pem().into_bytes();
            RustlsConfig::from_pem(cert_pem, key_pem)
                .await
                .map_err(|e| err(&e))
        }
        Tls::Pem { cert, key } => RustlsConfig::from_pem_file(cert, key)
            .await
            .map_err(|e| StartError::Tls(format!("{} / {}: {e}", cert.display(), key.display()))),
    }
}
