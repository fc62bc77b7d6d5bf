//! Route `route.openshift.io/v1`: host, path, weighted backends, target port and TLS
//! (edge / passthrough / reencrypt), with `status.ingress` written by the router (AKO).

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Spec of a Route.
#[allow(
    clippy::duplicated_attributes,
    reason = "false positive on the repeated type_ of kube printcolumn(...)"
)]
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    derive = "PartialEq",
    group = "route.openshift.io",
    version = "v1",
    kind = "Route",
    namespaced,
    status = "RouteStatus",
    doc = "An OpenShift Route: exposes a Service at a host name and path.",
    printcolumn(name = "Host", type_ = "string", json_path = ".spec.host"),
    printcolumn(name = "Path", type_ = "string", json_path = ".spec.path"),
    printcolumn(name = "Services", type_ = "string", json_path = ".spec.to.name"),
    printcolumn(
        name = "Termination",
        type_ = "string",
        json_path = ".spec.tls.termination"
    )
)]
#[serde(rename_all = "camelCase")]
pub struct RouteSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    pub to: RouteTargetReference,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternate_backends: Vec<RouteTargetReference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<RoutePort>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls: Option<TlsConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wildcard_policy: Option<String>,
}

/// A backend of the Route; traffic is split by `weight` (0-256, default 100).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct RouteTargetReference {
    /// Always `Service`.
    #[serde(default = "service_kind")]
    #[schemars(extend("default" = "Service"))]
    pub kind: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 256))]
    pub weight: Option<i32>,
}

fn service_kind() -> String {
    "Service".to_string()
}

/// `spec.port`: the Service port (name or number) the Route sends traffic to.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RoutePort {
    pub target_port: IntOrString,
}

/// `spec.tls`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TlsConfig {
    pub termination: Termination,
    /// PEM certificate (edge / reencrypt).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate: Option<String>,
    /// PEM private key (edge / reencrypt).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ca_certificate: Option<String>,
    /// CA that signs the backend's certificate (reencrypt). OpenShift spells it
    /// `destinationCACertificate`, not camel case.
    #[serde(
        rename = "destinationCACertificate",
        skip_serializing_if = "Option::is_none"
    )]
    pub destination_ca_certificate: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub insecure_edge_termination_policy: Option<InsecureEdgeTerminationPolicy>,
}

/// Where TLS ends.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Termination {
    Edge,
    Passthrough,
    Reencrypt,
}

/// What happens to plain HTTP on a TLS Route.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
pub enum InsecureEdgeTerminationPolicy {
    None,
    Allow,
    Redirect,
}

/// `status` of a Route.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct RouteStatus {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ingress: Vec<RouteIngress>,
}

/// One router's view of the Route (`status.ingress[]`).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RouteIngress {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub router_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub router_canonical_hostname: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wildcard_policy: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<RouteIngressCondition>,
}

/// A condition of one router's view, e.g. `Admitted`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RouteIngressCondition {
    #[serde(rename = "type")]
    pub type_: String,
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_transition_time: Option<String>,
}
