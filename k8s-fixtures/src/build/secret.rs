//! TLS Secret fixtures (`kubernetes.io/tls`) holding a real self-signed certificate and key
//! made with rcgen for the given host names, or deliberately broken PEM.

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;

use super::{meta, with_meta};

/// A PEM certificate and its PEM private key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsMaterial {
    pub cert_pem: String,
    pub key_pem: String,
}

/// rcgen could not make a certificate for these names.
#[derive(Debug, thiserror::Error)]
#[error("cannot generate a certificate for {hosts:?}: {source}")]
pub struct CertificateError {
    pub hosts: Vec<String>,
    #[source]
    pub source: rcgen::Error,
}

impl TlsMaterial {
    /// A fresh self-signed certificate whose subject alternative names are `hosts`.
    pub fn self_signed(hosts: &[&str]) -> Result<Self, CertificateError> {
        let hosts: Vec<String> = hosts.iter().map(|h| h.to_string()).collect();
        match rcgen::generate_simple_self_signed(hosts.clone()) {
            Ok(key) => Ok(TlsMaterial {
                cert_pem: key.cert.pem(),
                key_pem: key.signing_key.serialize_pem(),
            }),
            Err(source) => Err(CertificateError { hosts, source }),
        }
    }
}

/// Builds a `kubernetes.io/tls` Secret.
#[derive(Clone, Debug)]
pub struct SecretBuilder {
    obj: Secret,
    hosts: Vec<String>,
    broken: bool,
}
with_meta!(SecretBuilder, obj.metadata);

/// A TLS Secret `namespace/name` whose certificate covers `hosts`.
pub fn tls_secret(namespace: &str, name: &str, hosts: &[&str]) -> SecretBuilder {
    SecretBuilder {
        obj: Secret {
            metadata: meta(Some(namespace), name),
            type_: Some("kubernetes.io/tls".to_string()),
            ..Secret::default()
        },
        hosts: hosts.iter().map(|h| h.to_string()).collect(),
        broken: false,
    }
}

impl SecretBuilder {
    /// Puts PEM blocks in that do not parse: the API server takes the Secret, AKO must not.
    pub fn broken(mut self) -> Self {
        self.broken = true;
        self
    }

    /// The finished object with `tls.crt` and `tls.key`.
    pub fn build(mut self) -> Result<Secret, CertificateError> {
        let material = if self.broken {
            TlsMaterial {
                cert_pem:
                    "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n"
                        .to_string(),
                key_pem: "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n"
                    .to_string(),
            }
        } else {
            let hosts: Vec<&str> = self.hosts.iter().map(String::as_str).collect();
            TlsMaterial::self_signed(&hosts)?
        };
        self.obj.data = Some(
            [
                (
                    "tls.crt".to_string(),
                    ByteString(material.cert_pem.into_bytes()),
                ),
                (
                    "tls.key".to_string(),
                    ByteString(material.key_pem.into_bytes()),
                ),
            ]
            .into(),
        );
        Ok(self.obj)
    }
}
