//! HostRule (namespaced, keyed by `spec.virtualhost.fqdn`): per-host overrides of the Avi virtual
//! service (spec §10.3). The nested types both versions share live here, and
//! [`hostrule_version`] declares the per-version structs (v1beta1 adds fields, spec §10.1).

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

/// Declares `HostRuleSpec` (and the derived `HostRule`), `VirtualHost`, `AnalyticsPolicy` and
/// `FullClientLogs` at one version; v1beta1 passes the fields v1alpha1 lacks.
macro_rules! hostrule_version {
    (
        $version:tt,
        virtualhost_extra: { $($virtualhost_extra:tt)* },
        full_client_logs_extra: { $($full_client_logs_extra:tt)* }
    ) => {
        /// Spec of a HostRule.
        #[allow(
            clippy::duplicated_attributes,
            reason = "false positive on the repeated type_ of kube printcolumn(...)"
        )]
        #[derive(
            kube::CustomResource,
            serde::Serialize,
            serde::Deserialize,
            Clone,
            Debug,
            PartialEq,
            Eq,
            schemars::JsonSchema,
        )]
        #[kube(
            derive = "PartialEq",
            group = "ako.vmware.com",
            version = $version,
            kind = "HostRule",
            namespaced,
            shortname = "hostrule",
            shortname = "hr",
            status = "crate::crds::common::CrdStatus",
            doc = "Overrides for the Avi virtual service of one FQDN.",
            printcolumn(name = "Host", type_ = "string", json_path = ".spec.virtualhost.fqdn"),
            printcolumn(name = "Status", type_ = "string", json_path = ".status.status"),
            printcolumn(
                name = "Age",
                type_ = "date",
                json_path = ".metadata.creationTimestamp"
            )
        )]
        pub struct HostRuleSpec {
            pub virtualhost: VirtualHost,
        }

        #[doc = concat!("`spec.virtualhost` at ", $version, ".")]
        #[derive(
            serde::Serialize,
            serde::Deserialize,
            Clone,
            Debug,
            Default,
            PartialEq,
            Eq,
            schemars::JsonSchema,
        )]
        #[serde(rename_all = "camelCase")]
        pub struct VirtualHost {
            pub fqdn: String,
            #[serde(skip_serializing_if = "Option::is_none")]
            #[schemars(extend("default" = "Exact"))]
            pub fqdn_type: Option<$crate::crds::hostrule::FqdnType>,
            #[serde(skip_serializing_if = "Option::is_none")]
            pub enable_virtual_host: Option<bool>,
            #[serde(skip_serializing_if = "Option::is_none")]
            pub tls: Option<$crate::crds::hostrule::Tls>,
            #[serde(skip_serializing_if = "Option::is_none")]
            pub http_policy: Option<$crate::crds::hostrule::HttpPolicy>,
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub datascripts: Vec<String>,
            #[serde(skip_serializing_if = "Option::is_none")]
            pub waf_policy: Option<String>,
            #[serde(skip_serializing_if = "Option::is_none")]
            pub application_profile: Option<String>,
            /// At most one ICAP profile.
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            #[schemars(length(max = 1))]
            pub icap_profile: Vec<String>,
            #[serde(skip_serializing_if = "Option::is_none")]
            pub analytics_profile: Option<String>,
            #[serde(skip_serializing_if = "Option::is_none")]
            pub error_page_profile: Option<String>,
            #[serde(skip_serializing_if = "Option::is_none")]
            pub analytics_policy: Option<AnalyticsPolicy>,
            #[serde(skip_serializing_if = "Option::is_none")]
            pub gslb: Option<$crate::crds::hostrule::Gslb>,
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub aliases: Vec<String>,
            #[serde(skip_serializing_if = "Option::is_none")]
            pub tcp_settings: Option<$crate::crds::hostrule::TcpSettings>,
            $($virtualhost_extra)*
        }

        #[doc = concat!("`virtualhost.analyticsPolicy` at ", $version, ".")]
        #[derive(
            serde::Serialize,
            serde::Deserialize,
            Clone,
            Debug,
            Default,
            PartialEq,
            Eq,
            schemars::JsonSchema,
        )]
        #[serde(rename_all = "camelCase")]
        pub struct AnalyticsPolicy {
            #[serde(skip_serializing_if = "Option::is_none")]
            pub full_client_logs: Option<FullClientLogs>,
            #[serde(skip_serializing_if = "Option::is_none")]
            #[schemars(extend("default" = false))]
            pub log_all_headers: Option<bool>,
        }

        #[doc = concat!("`analyticsPolicy.fullClientLogs` at ", $version, ".")]
        #[derive(
            serde::Serialize,
            serde::Deserialize,
            Clone,
            Debug,
            Default,
            PartialEq,
            Eq,
            schemars::JsonSchema,
        )]
        pub struct FullClientLogs {
            #[serde(skip_serializing_if = "Option::is_none")]
            #[schemars(extend("default" = false))]
            pub enabled: Option<bool>,
            #[serde(skip_serializing_if = "Option::is_none")]
            #[schemars(extend("default" = "HIGH"))]
            pub throttle: Option<$crate::crds::hostrule::Throttle>,
            $($full_client_logs_extra)*
        }
    };
}
use hostrule_version;
