//! TLS for HTTPS mode (rustls with the ring provider): a self-signed certificate for
//! `localhost` / `127.0.0.1` generated at start, or PEM files.

use axum_server::tls_rustls::RustlsConfig;

use crate::config::Tls;
use crate::sim::StartError;

/// The server's TLS config and its certificate (PEM), which clients may trust.
pub async fn rustls_config(tls: &Tls) -> Result<(RustlsConfig, String), StartError> {
    // Another part of the process may have installed a provider already; that is fine.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let err = |e: &dyn std::fmt::Display| StartError::Tls(e.to_string());
    let (cert_pem, key_pem) = match tls {
        Tls::SelfSigned => {
            let names = vec!["localhost".to_string(), "127.0.0.1".to_string()];
            let cert = rcgen::generate_simple_self_signed(names).map_err(|e| err(&e))?;
            (cert.cert.pem(), cert.signing_key.serialize_pem())
        }
        Tls::Pem { cert, key } => {
            let read = |p: &std::path::Path| {
                std::fs::read_to_string(p)
                    .map_err(|e| StartError::Tls(format!("{}: {e}", p.display())))
            };
            (read(cert)?, read(key)?)
        }
    };
    let config = RustlsConfig::from_pem(cert_pem.clone().into_bytes(), key_pem.into_bytes())
        .await
        .map_err(|e| err(&e))?;
    Ok((config, cert_pem))
}
