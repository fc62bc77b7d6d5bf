//! HTTPRule (namespaced, keyed by fqdn + path): pool settings for the paths of one host
//! (spec §10.4). Both versions share the nested types here and are declared by
//! [`httprule_version`]; v1beta1 adds `paths[].enableHTTP2`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::crds::common::{LbAlgorithm, LbAlgorithmHash};

pub mod v1alpha1;
pub mod v1beta1;

/// `paths[].loadBalancerPolicy`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LoadBalancerPolicy {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub algorithm: Option<LbAlgorithm>,
    /// Only with `LB_ALGORITHM_CONSISTENT_HASH`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hash: Option<LbAlgorithmHash>,
    /// Only with `LB_ALGORITHM_CONSISTENT_HASH_CUSTOM_HEADER`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_header: Option<String>,
}

/// `paths[].tls`: re-encrypt towards the pool.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PathTls {
    #[serde(rename = "type")]
    pub type_: PathTlsType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl_profile: Option<String>,
    /// PEM CA bundle; mutually exclusive with `pkiProfile`.
    #[serde(rename = "destinationCA", skip_serializing_if = "Option::is_none")]
    pub destination_ca: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pki_profile: Option<String>,
}

/// The only pool TLS mode an HTTPRule accepts.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PathTlsType {
    Reencrypt,
}

/// Declares `HTTPRuleSpec` (and the derived `HTTPRule`) and `Path` at one version; v1beta1
/// passes the path fields v1alpha1 lacks.
macro_rules! httprule_version {
    ($version:tt, path_extra: { $($path_extra:tt)* }) => {
        /// Spec of an HTTPRule.
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
            Default,
            PartialEq,
            Eq,
            schemars::JsonSchema,
        )]
        #[kube(
            derive = "PartialEq",
            group = "ako.vmware.com",
            version = $version,
            kind = "HTTPRule",
            namespaced,
            shortname = "httprule",
            status = "crate::crds::common::CrdStatus",
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

        #[doc = concat!("One entry of `spec.paths` at ", $version, ".")]
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
        pub struct Path {
            /// Path prefix, starting with `/`.
            #[schemars(regex(pattern = r"^/"))]
            pub target: String,
            #[serde(skip_serializing_if = "Option::is_none")]
            pub load_balancer_policy: Option<$crate::crds::httprule::LoadBalancerPolicy>,
            #[serde(skip_serializing_if = "Option::is_none")]
            pub tls: Option<$crate::crds::httprule::PathTls>,
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub health_monitors: Vec<String>,
            #[serde(skip_serializing_if = "Option::is_none")]
            pub application_persistence: Option<String>,
            $($path_extra)*
        }
    };
}
use httprule_version;
