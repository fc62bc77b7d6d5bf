//! HTTPRule (namespaced, keyed by fqdn + path): pool settings for the paths of one host
//! (spec §10.4). Both versions share the nested types here; v1beta1 adds `paths[].enableHTTP2`.

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
