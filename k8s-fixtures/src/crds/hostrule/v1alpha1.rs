//! HostRule `ako.vmware.com/v1alpha1`: served for old manifests, not stored. Lacks the v1beta1
//! fields `useRegex`, `applicationRootPath`, `l7Rule`, `networkSecurityPolicy` and
//! `analyticsPolicy.fullClientLogs.duration` (see `crds::convert` for how they survive).

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{FqdnType, Gslb, HttpPolicy, TcpSettings, Throttle, Tls};
use crate::crds::common::CrdStatus;

/// Spec of a HostRule.
#[allow(
    clippy::duplicated_attributes,
    reason = "false positive on the repeated type_ of kube printcolumn(...)"
)]
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[kube(
    group = "ako.vmware.com",
    version = "v1alpha1",
    kind = "HostRule",
    namespaced,
    shortname = "hostrule",
    shortname = "hr",
    status = "CrdStatus",
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

/// `spec.virtualhost` at v1alpha1.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VirtualHost {
    pub fqdn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "Exact"))]
    pub fqdn_type: Option<FqdnType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_virtual_host: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls: Option<Tls>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_policy: Option<HttpPolicy>,
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
    pub gslb: Option<Gslb>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tcp_settings: Option<TcpSettings>,
}

/// `virtualhost.analyticsPolicy` at v1alpha1.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AnalyticsPolicy {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full_client_logs: Option<FullClientLogs>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = false))]
    pub log_all_headers: Option<bool>,
}

/// `analyticsPolicy.fullClientLogs` at v1alpha1.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct FullClientLogs {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = false))]
    pub enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "HIGH"))]
    pub throttle: Option<Throttle>,
}
