//! TLS Secrets hold a real certificate for the requested names and the matching key; broken
//! ones are accepted by the API server's shape rules but do not parse.

use std::sync::Arc;

use k8s_fixtures::build::{self, TlsMaterial};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// Parses PEM cert + key and asks rustls to pair them, which checks that the key matches.
fn pair(cert_pem: &[u8], key_pem: &[u8]) -> Result<CertificateDer<'static>, String> {
    let cert = CertificateDer::from_pem_slice(cert_pem).map_err(|e| e.to_string())?;
    let key = PrivateKeyDer::from_pem_slice(key_pem).map_err(|e| e.to_string())?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(vec![cert.clone()], key)
        .map_err(|e| e.to_string())?;
    Ok(cert)
}

#[test]
fn tls_secret_has_a_certificate_for_the_hosts_and_its_key() {
    let secret = build::tls_secret("red", "foo-tls", &["foo.com", "*.bar.com"])
        .build()
        .unwrap();
    assert_eq!(secret.type_.as_deref(), Some("kubernetes.io/tls"));
    assert_eq!(secret.metadata.namespace.as_deref(), Some("red"));
    let data = secret.data.as_ref().unwrap();
    let cert = pair(&data["tls.crt"].0, &data["tls.key"].0).unwrap();
    // Subject alternative names are stored as plain ASCII in the DER.
    for host in ["foo.com", "*.bar.com"] {
        assert!(
            cert.windows(host.len()).any(|w| w == host.as_bytes()),
            "{host} not in certificate"
        );
    }
    let json = serde_json::to_value(&secret).unwrap();
    let back: k8s_openapi::api::core::v1::Secret = serde_json::from_value(json).unwrap();
    assert_eq!(back, secret);
}

#[test]
fn each_secret_gets_a_fresh_key() {
    let a = TlsMaterial::self_signed(&["a.com"]).unwrap();
    let b = TlsMaterial::self_signed(&["a.com"]).unwrap();
    assert_ne!(a.key_pem, b.key_pem);
    assert!(
        pair(a.cert_pem.as_bytes(), b.key_pem.as_bytes()).is_err(),
        "mismatched key accepted"
    );
}

#[test]
fn broken_secret_keeps_the_shape_but_not_the_content() {
    let secret = build::tls_secret("red", "bad", &["foo.com"])
        .broken()
        .build()
        .unwrap();
    let data = secret.data.unwrap();
    assert!(data.contains_key("tls.crt") && data.contains_key("tls.key"));
    assert!(pair(&data["tls.crt"].0, &data["tls.key"].0).is_err());
}

#[test]
fn invalid_host_name_is_an_error_naming_it() {
    let err = TlsMaterial::self_signed(&["bücher.example"]).unwrap_err();
    assert!(err.to_string().contains("bücher.example"), "{err}");
}
