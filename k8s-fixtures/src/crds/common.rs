//! Types shared by several AKO CRDs: the `status` block every one of them carries, and the Avi
//! pool load-balancing enums that HTTPRule and L4Rule both use.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// API group of the AKO custom resources.
pub const GROUP: &str = "ako.vmware.com";

/// Outcome of AKO's validation of a CRD object.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
pub enum StatusValue {
    Accepted,
    Rejected,
}

/// `status` of every AKO CRD, written by AKO through the status subresource.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct CrdStatus {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<StatusValue>,
    /// Rejection reason; AKO writes `""` when accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Avi pool `lb_algorithm` (`NEAREST_SERVER` and `TOPOLOGY` are for GSLB pools only).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LbAlgorithm {
    LbAlgorithmLeastConnections,
    LbAlgorithmRoundRobin,
    LbAlgorithmFastestResponse,
    LbAlgorithmConsistentHash,
    LbAlgorithmLeastLoad,
    LbAlgorithmFewestServers,
    LbAlgorithmRandom,
    LbAlgorithmFewestTasks,
    LbAlgorithmNearestServer,
    LbAlgorithmCoreAffinity,
    LbAlgorithmTopology,
}

/// Avi pool `lb_algorithm_hash`, used with [`LbAlgorithm::LbAlgorithmConsistentHash`].
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LbAlgorithmHash {
    LbAlgorithmConsistentHashSourceIpAddress,
    LbAlgorithmConsistentHashSourceIpAddressAndPort,
    LbAlgorithmConsistentHashUri,
    LbAlgorithmConsistentHashCustomHeader,
    LbAlgorithmConsistentHashCustomString,
    LbAlgorithmConsistentHashCallid,
}
