//! rustls client configuration for the controller: ring provider, CA bundle or system
//! roots, or (opt-in) no verification for self-signed lab controllers.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

use super::config::TlsOptions;
use super::error::AviError;

/// Builds the rustls config with the ring provider set explicitly (no process default).
/// `https` false (a plain-HTTP simulator) needs no trust roots at all.
pub fn client_config(opts: &TlsOptions, https: bool) -> Result<ClientConfig, AviError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| AviError::Setup(format!("TLS protocol versions: {e}")))?;
    if opts.insecure_skip_verify {
        let verifier = AcceptAnyCert {
            algorithms: provider.signature_verification_algorithms,
        };
        return Ok(builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth());
    }
    let roots = match &opts.ca_pem {
        Some(pem) => roots_from_pem(pem)?,
        None if https => system_roots()?,
        None => RootCertStore::empty(),
    };
    Ok(builder.with_root_certificates(roots).with_no_client_auth())
}

fn roots_from_pem(pem: &str) -> Result<RootCertStore, AviError> {
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
        let cert = cert.map_err(|e| AviError::Setup(format!("CA bundle: {e}")))?;
        roots
            .add(cert)
            .map_err(|e| AviError::Setup(format!("CA bundle: {e}")))?;
    }
    if roots.is_empty() {
        return Err(AviError::Setup("CA bundle holds no certificate".into()));
    }
    Ok(roots)
}

fn system_roots() -> Result<RootCertStore, AviError> {
    let found = rustls_native_certs::load_native_certs();
    let mut roots = RootCertStore::empty();
    let (added, _ignored) = roots.add_parsable_certificates(found.certs);
    if added == 0 {
        let why = found
            .errors
            .first()
            .map(ToString::to_string)
            .unwrap_or_default();
        return Err(AviError::Setup(format!(
            "no system CA certificates found ({why}); give a CA bundle or skip verification"
        )));
    }
    Ok(roots)
}

/// Checks handshake signatures but trusts any certificate chain and name.
#[derive(Debug)]
struct AcceptAnyCert {
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for AcceptAnyCert {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_ca_bundle_is_a_setup_error() {
        let opts = TlsOptions {
            ca_pem: Some("not a certificate".into()),
            insecure_skip_verify: false,
        };
        let err = client_config(&opts, true).err().map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("Avi client setup: CA bundle holds no certificate")
        );
    }

    #[test]
    fn insecure_mode_builds() {
        let opts = TlsOptions {
            ca_pem: None,
            insecure_skip_verify: true,
        };
        assert!(client_config(&opts, true).is_ok());
    }
}
