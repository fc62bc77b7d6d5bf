//! L4Rule `ako.vmware.com/v1alpha2`, the only version (served and stored).

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::crds::common::{CrdStatus, LbAlgorithm, LbAlgorithmHash};

/// Spec of an L4Rule: Avi refs by name, applied to the L4 VS and its pools.
#[derive(
    CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema,
)]
#[kube(
    derive = "PartialEq",
    group = "ako.vmware.com",
    version = "v1alpha2",
    kind = "L4Rule",
    namespaced,
    shortname = "l4rule",
    status = "CrdStatus",
    doc = "Overrides for the L4 virtual service of a Service of type LoadBalancer.",
    printcolumn(name = "Status", type_ = "string", json_path = ".status.status"),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    )
)]
#[serde(rename_all = "camelCase")]
pub struct L4RuleSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "System-Analytics-Profile"))]
    pub analytics_profile_ref: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "System-L4-Application"))]
    pub application_profile_ref: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "System-TCP-Proxy"))]
    pub network_profile_ref: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_security_policy_ref: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_policy_ref: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vs_datascript_refs: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ssl_key_and_certificate_refs: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl_profile_ref: Option<String>,
    #[serde(rename = "loadBalancerIP", skip_serializing_if = "Option::is_none")]
    pub load_balancer_ip: Option<String>,
    /// NSX-T clouds only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoke_vip_route: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub performance_limits: Option<PerformanceLimits>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub analytics_policy: Option<AnalyticsPolicy>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub listener_properties: Vec<ListenerProperties>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub backend_properties: Vec<BackendProperties>,
}

/// `spec.performanceLimits`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PerformanceLimits {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_concurrent_connections: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_throughput: Option<u32>,
}

/// `spec.analyticsPolicy`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AnalyticsPolicy {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full_client_logs: Option<FullClientLogs>,
}

/// `analyticsPolicy.fullClientLogs`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct FullClientLogs {
    pub enabled: bool,
    /// Minutes; 0 means forever.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 30))]
    pub duration: Option<u32>,
    /// Logs per second.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 10))]
    pub throttle: Option<u32>,
}

/// L4 protocol of a port.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum Protocol {
    Tcp,
    Udp,
    Sctp,
}

/// One VS front-end port (`spec.listenerProperties[]`); only TCP listeners can enable SSL.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListenerProperties {
    #[schemars(range(min = 1, max = 65535))]
    pub port: u16,
    pub protocol: Protocol,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_ssl: Option<bool>,
}

/// Pool settings for one Service port (`spec.backendProperties[]`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BackendProperties {
    #[schemars(range(min = 1, max = 65535))]
    pub port: u16,
    pub protocol: Protocol,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lb_algorithm: Option<LbAlgorithm>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lb_algorithm_hash: Option<LbAlgorithmHash>,
    /// Header name for `LB_ALGORITHM_CONSISTENT_HASH_CUSTOM_HEADER`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lb_algorithm_consistent_hash_hdr: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub health_monitor_refs: Vec<String>,
    /// Names of `ako.vmware.com` HealthMonitor objects.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub health_monitor_crd_refs: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_persistence_profile_ref: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl_profile_ref: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pki_profile_ref: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl_key_and_certificate_ref: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_servers_up: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub analytics_policy: Option<PoolAnalyticsPolicy>,
}

/// `backendProperties[].analyticsPolicy`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PoolAnalyticsPolicy {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_realtime_metrics: Option<bool>,
}
