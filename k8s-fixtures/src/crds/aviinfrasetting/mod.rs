//! AviInfraSetting (cluster-scoped): SE group, VIP / node networks, RHI, listeners and shard size
//! for the Ingresses, Routes and Services it is attached to (spec §10.2). The v1alpha1 and
//! v1beta1 schemas are identical: both versions are declared by [`infra_setting_version`] over
//! the nested types defined here.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub mod v1alpha1;
pub mod v1beta1;

/// `spec.seGroup`: the Service Engine group for the virtual services.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
pub struct SeGroup {
    pub name: String,
}

/// `spec.network`: where VIPs and pool servers are placed.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Network {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vip_networks: Vec<VipNetwork>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub node_networks: Vec<NodeNetwork>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_rhi: Option<bool>,
    /// Only allowed with `enableRhi: true`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bgp_peer_labels: Vec<String>,
    #[serde(rename = "enablePublicIP", skip_serializing_if = "Option::is_none")]
    pub enable_public_ip: Option<bool>,
    /// Custom L7 front-end ports; at least one must have `enableSSL`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub listeners: Vec<Listener>,
}

/// One VIP network, by name or UUID, with optional CIDRs.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VipNetwork {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_name: Option<String>,
    #[serde(rename = "networkUUID", skip_serializing_if = "Option::is_none")]
    pub network_uuid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cidr: Option<String>,
    #[serde(rename = "v6cidr", skip_serializing_if = "Option::is_none")]
    pub v6_cidr: Option<String>,
}

/// One node (pool placement) network.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct NodeNetwork {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_name: Option<String>,
    #[serde(rename = "networkUUID", skip_serializing_if = "Option::is_none")]
    pub network_uuid: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cidrs: Vec<String>,
}

/// One L7 front-end port.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Listener {
    #[schemars(range(min = 1, max = 65535))]
    pub port: u16,
    #[serde(rename = "enableSSL", skip_serializing_if = "Option::is_none")]
    pub enable_ssl: Option<bool>,
    #[serde(rename = "enableHTTP2", skip_serializing_if = "Option::is_none")]
    pub enable_http2: Option<bool>,
}

/// `spec.l7Settings`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct L7Settings {
    pub shard_size: ShardSize,
}

/// Shard size: how many shared L7 parent VSes the hosts are spread over.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum ShardSize {
    Small,
    Medium,
    Large,
    Dedicated,
}

/// `spec.nsxSettings`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct NsxSettings {
    /// NSX-T tier-1 logical router path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub t1lr: Option<String>,
}

/// Declares `AviInfraSettingSpec` (and the derived `AviInfraSetting`) at one version.
macro_rules! infra_setting_version {
    ($version:tt) => {
        /// Spec of an AviInfraSetting.
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
            kind = "AviInfraSetting",
            shortname = "aviinfra",
            status = "crate::crds::common::CrdStatus",
            doc = "Avi SE group, networks and shard size for the objects it is attached to.",
            printcolumn(name = "Status", type_ = "string", json_path = ".status.status"),
            printcolumn(name = "Age", type_ = "date", json_path = ".metadata.creationTimestamp")
        )]
        #[serde(rename_all = "camelCase")]
        pub struct AviInfraSettingSpec {
            #[serde(skip_serializing_if = "Option::is_none")]
            pub se_group: Option<$crate::crds::aviinfrasetting::SeGroup>,
            #[serde(skip_serializing_if = "Option::is_none")]
            pub network: Option<$crate::crds::aviinfrasetting::Network>,
            #[serde(skip_serializing_if = "Option::is_none")]
            pub l7_settings: Option<$crate::crds::aviinfrasetting::L7Settings>,
            #[serde(skip_serializing_if = "Option::is_none")]
            pub nsx_settings: Option<$crate::crds::aviinfrasetting::NsxSettings>,
        }
    };
}
use infra_setting_version;
