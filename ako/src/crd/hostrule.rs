//! HostRule (namespaced), keyed by `spec.virtualhost.fqdn`: per-FQDN overrides of the
//! virtual service (spec §10.3). v1alpha1 lacks `applicationRootPath`, `l7Rule`,
//! `networkSecurityPolicy`, `useRegex` and `analyticsPolicy.fullClientLogs.duration`;
//! its conversion fills them with their v1beta1 defaults.

pub mod v1beta1 {
    use kube::CustomResource;
    use schemars::JsonSchema;
    use serde::{Deserialize, Serialize};

    use crate::crd::CrdStatus;

    #[derive(
        CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema,
    )]
    #[kube(
        group = "ako.vmware.com",
        version = "v1beta1",
        kind = "HostRule",
        namespaced,
        status = "CrdStatus"
    )]
    pub struct HostRuleSpec {
        pub virtualhost: VirtualHost,
    }

    #[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct VirtualHost {
        pub fqdn: String,
        /// `Exact` (default), `Wildcard` or `Contains`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub fqdn_type: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub enable_virtual_host: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub tls: Option<HostTls>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub http_policy: Option<HttpPolicy>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub datascripts: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub waf_policy: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub application_profile: Option<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub icap_profile: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub analytics_profile: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub error_page_profile: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub analytics_policy: Option<AnalyticsPolicy>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub gslb: Option<Gslb>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub aliases: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub tcp_settings: Option<TcpSettings>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub use_regex: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub application_root_path: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub l7_rule: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub network_security_policy: Option<String>,
    }

    #[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct HostTls {
        pub ssl_key_certificate: SslKeyCertificate,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub ssl_profile: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub termination: Option<String>,
    }

    /// `type: ref` names an Avi sslkeyandcertificate; `type: secret` a Secret in
    /// AKO's own namespace.
    #[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct SslKeyCertificate {
        pub name: String,
        #[serde(rename = "type")]
        pub kind: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub alternate_certificate: Option<AlternateCertificate>,
    }

    #[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
    pub struct AlternateCertificate {
        pub name: String,
        #[serde(rename = "type")]
        pub kind: String,
    }

    #[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct HttpPolicy {
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub policy_sets: Vec<String>,
        #[serde(default)]
        pub overwrite: bool,
    }

    #[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct AnalyticsPolicy {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub full_client_logs: Option<FullClientLogs>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub log_all_headers: Option<bool>,
    }

    #[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
    pub struct FullClientLogs {
        pub enabled: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub throttle: Option<String>,
        #[serde(default)]
        pub duration: u32,
    }

    #[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct Gslb {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub fqdn: Option<String>,
        #[serde(default)]
        pub include_aliases: bool,
    }

    #[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct TcpSettings {
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub listeners: Vec<TcpListener>,
        #[serde(
            default,
            rename = "loadBalancerIP",
            skip_serializing_if = "Option::is_none"
        )]
        pub load_balancer_ip: Option<String>,
    }

    #[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct TcpListener {
        pub port: u16,
        #[serde(default, rename = "enableSSL")]
        pub enable_ssl: bool,
    }
}

pub mod v1alpha1 {
    use kube::CustomResource;
    use schemars::JsonSchema;
    use serde::{Deserialize, Serialize};

    use super::v1beta1 as beta;
    use crate::crd::CrdStatus;

    #[derive(
        CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema,
    )]
    #[kube(
        group = "ako.vmware.com",
        version = "v1alpha1",
        kind = "HostRule",
        namespaced,
        status = "CrdStatus"
    )]
    pub struct HostRuleSpec {
        pub virtualhost: VirtualHost,
    }

    /// The v1beta1 virtual host without the fields v1beta1 added.
    #[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct VirtualHost {
        pub fqdn: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub fqdn_type: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub enable_virtual_host: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub tls: Option<beta::HostTls>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub http_policy: Option<beta::HttpPolicy>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub datascripts: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub waf_policy: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub application_profile: Option<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub icap_profile: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub analytics_profile: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub error_page_profile: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub analytics_policy: Option<AnalyticsPolicy>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub gslb: Option<beta::Gslb>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub aliases: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub tcp_settings: Option<beta::TcpSettings>,
    }

    #[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct AnalyticsPolicy {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub full_client_logs: Option<FullClientLogs>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub log_all_headers: Option<bool>,
    }

    #[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
    pub struct FullClientLogs {
        pub enabled: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub throttle: Option<String>,
    }

    impl From<HostRule> for beta::HostRule {
        fn from(old: HostRule) -> Self {
            let v = old.spec.virtualhost;
            let analytics_policy = v.analytics_policy.map(|a| beta::AnalyticsPolicy {
                full_client_logs: a.full_client_logs.map(|f| beta::FullClientLogs {
                    enabled: f.enabled,
                    throttle: f.throttle,
                    duration: 0,
                }),
                log_all_headers: a.log_all_headers,
            });
            let virtualhost = beta::VirtualHost {
                fqdn: v.fqdn,
                fqdn_type: v.fqdn_type,
                enable_virtual_host: v.enable_virtual_host,
                tls: v.tls,
                http_policy: v.http_policy,
                datascripts: v.datascripts,
                waf_policy: v.waf_policy,
                application_profile: v.application_profile,
                icap_profile: v.icap_profile,
                analytics_profile: v.analytics_profile,
                error_page_profile: v.error_page_profile,
                analytics_policy,
                gslb: v.gslb,
                aliases: v.aliases,
                tcp_settings: v.tcp_settings,
                use_regex: None,
                application_root_path: None,
                l7_rule: None,
                network_security_policy: None,
            };
            Self {
                metadata: old.metadata,
                spec: beta::HostRuleSpec { virtualhost },
                status: old.status,
            }
        }
    }
}
