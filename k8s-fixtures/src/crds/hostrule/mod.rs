//! HostRule (namespaced, keyed by `spec.virtualhost.fqdn`): per-host overrides of the Avi virtual
//! service (spec §10.3). The nested types that both versions share live here; the virtual host
//! itself differs (v1beta1 adds fields, spec §10.1) and is defined per version.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub mod v1alpha1;
pub mod v1beta1;

/// How `fqdn` is matched against the FQDNs AKO programs.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, JsonSchema)]
pub enum FqdnType {
    #[default]
    Exact,
    /// `*.example.com` matches every FQDN with that suffix.
    Wildcard,
    /// Substring match, e.g. `Shared-L7-1` targets a shared parent VS.
    Contains,
}

/// `virtualhost.tls`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Tls {
    pub ssl_key_certificate: SslKeyCertificate,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl_profile: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub termination: Option<TlsTermination>,
}

/// The only TLS termination a HostRule accepts.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TlsTermination {
    Edge,
}

/// Certificate of the virtual host: an Avi object (`ref`) or a Secret in AKO's namespace.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SslKeyCertificate {
    pub name: String,
    #[serde(rename = "type")]
    pub type_: CertificateSource,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alternate_certificate: Option<CertificateRef>,
}

/// A second certificate (e.g. ECC next to RSA).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
pub struct CertificateRef {
    pub name: String,
    #[serde(rename = "type")]
    pub type_: CertificateSource,
}

/// Where a certificate name is looked up.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CertificateSource {
    /// An `sslkeyandcertificate` on the Avi controller.
    Ref,
    /// A Kubernetes Secret (only in AKO's namespace).
    Secret,
}

/// `virtualhost.httpPolicy`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HttpPolicy {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policy_sets: Vec<String>,
    /// Replace AKO's own policy sets instead of appending.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overwrite: Option<bool>,
}

/// `virtualhost.gslb`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Gslb {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fqdn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = false))]
    pub include_aliases: Option<bool>,
}

/// `virtualhost.analyticsPolicy.fullClientLogs.throttle`.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum Throttle {
    Low,
    Medium,
    High,
    Disabled,
}

/// `virtualhost.tcpSettings`: custom ports for a dedicated VS.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TcpSettings {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub listeners: Vec<TcpListener>,
    #[serde(rename = "loadBalancerIP", skip_serializing_if = "Option::is_none")]
    pub load_balancer_ip: Option<String>,
}

/// One port of `tcpSettings.listeners`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
pub struct TcpListener {
    #[schemars(range(min = 1, max = 65535))]
    pub port: u16,
    #[serde(rename = "enableSSL", skip_serializing_if = "Option::is_none")]
    pub enable_ssl: Option<bool>,
}
