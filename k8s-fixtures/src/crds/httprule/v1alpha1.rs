//! HTTPRule `ako.vmware.com/v1alpha1`: served for old manifests, not stored; no `enableHTTP2`.

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{LoadBalancerPolicy, PathTls};
use crate::crds::common::CrdStatus;

/// Spec of an HTTPRule.
#[allow(
    clippy::duplicated_attributes,
    reason = "false positive on the repeated type_ of kube printcolumn(...)"
)]
#[derive(
    CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema,
)]
#[kube(
    group = "ako.vmware.com",
    version = "v1alpha1",
    kind = "HTTPRule",
    namespaced,
    shortname = "httprule",
    status = "CrdStatus",
    doc = "Pool settings for paths of one FQDN.",
    printcolumn(name = "Host", type_ = "string", json_path = ".spec.fqdn"),
    printcolumn(name = "Status", type_ = "string", json_path = ".status.status"),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    )
)]
pub struct HTTPRuleSpec {
    pub fqdn: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<Path>,
}

/// One entry of `spec.paths` at v1alpha1.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Path {
    /// Path prefix, starting with `/`.
    #[schemars(regex(pattern = r"^/"))]
    pub target: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load_balancer_policy: Option<LoadBalancerPolicy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls: Option<PathTls>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub health_monitors: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_persistence: Option<String>,
}
