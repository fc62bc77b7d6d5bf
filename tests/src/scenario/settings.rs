//! `Settings`: the AKO settings a scenario runs with, keyed like the Helm chart's
//! values (the leaf names under AKOSettings / NetworkSettings / L7Settings /
//! L4Settings / ControllerSettings, flattened). Every key is optional; a scenario's
//! `settings:` is laid over the controller's defaults and each `settings` step is
//! laid over the settings in force (key by key, see [`Settings::overlay`]).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::duration::Duration;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Settings {
    /// AKOSettings.clusterName: prefix of every Avi object name (`<clusterName>--...`).
    /// Required at the top level of every scenario.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_name: Option<String>,
    /// AKOSettings.deleteConfig: `true` deletes every Avi object of this cluster (live).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delete_config: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_level: Option<LogLevel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_events: Option<bool>,
    /// AKOSettings.fullSyncFrequency (the chart writes seconds; scenarios a duration).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full_sync_frequency: Option<Duration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disable_static_route_sync: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cni_plugin: Option<CniPlugin>,
    #[serde(rename = "enableEVH", skip_serializing_if = "Option::is_none")]
    pub enable_evh: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layer7_only: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace_selector: Option<NamespaceSelector>,
    /// Exact namespace names whose objects are ignored entirely.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocked_namespace_list: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vip_per_namespace: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_family: Option<IpFamily>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_instance: Option<bool>,
    /// NetworkSettings.vipNetworkList; the runner defaults it to the network the
    /// simulator seeds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vip_network_list: Option<Vec<VipNetwork>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_network_list: Option<Vec<NodeNetwork>>,
    #[serde(rename = "enableRHI", skip_serializing_if = "Option::is_none")]
    pub enable_rhi: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bgp_peer_labels: Option<Vec<String>>,
    #[serde(rename = "nsxtT1LR", skip_serializing_if = "Option::is_none")]
    pub nsxt_t1_lr: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_domain: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_ing_controller: Option<bool>,
    #[serde(rename = "noPGForSNI", skip_serializing_if = "Option::is_none")]
    pub no_pg_for_sni: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_type: Option<ServiceType>,
    /// L7Settings.shardVSSize: LARGE = 8 shared VSes, MEDIUM = 4, SMALL = 1, DEDICATED.
    #[serde(rename = "shardVSSize", skip_serializing_if = "Option::is_none")]
    pub shard_vs_size: Option<ShardSize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passthrough_shard_size: Option<ShardSize>,
    /// AKO-rs only: host -> shard hash (`md5`, the default, or the original's `fnv1a`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shard_hash: Option<ShardHash>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fqdn_reuse_policy: Option<FqdnReusePolicy>,
    #[serde(
        rename = "defaultLBController",
        skip_serializing_if = "Option::is_none"
    )]
    pub default_lb_controller: Option<bool>,
    #[serde(rename = "autoFQDN", skip_serializing_if = "Option::is_none")]
    pub auto_fqdn: Option<AutoFqdn>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_engine_group_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub controller_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cloud_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vrf_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dedicated_tenant_mode: Option<bool>,
    /// nodePortSelector (NodePort mode): only nodes with this label are pool servers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_port_selector: Option<NodePortSelector>,
    /// replicaCount of the `ako` StatefulSet (1, or 2 for active/passive HA).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replica_count: Option<u8>,
}

impl Settings {
    /// `self` with every key that `top` sets replaced by `top`'s value.
    pub fn overlay(&self, top: &Settings) -> Settings {
        let mut base = match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(m)) => m,
            _ => serde_json::Map::new(),
        };
        if let Ok(serde_json::Value::Object(m)) = serde_json::to_value(top) {
            base.extend(m);
        }
        // Every value came from a `Settings`, so it reads back as one.
        serde_json::from_value(serde_json::Value::Object(base)).unwrap_or_else(|_| top.clone())
    }

    /// The keys this value sets, in declaration order (camelCase, as written).
    pub fn keys(&self) -> Vec<String> {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(m)) => m.keys().cloned().collect(),
            _ => Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NamespaceSelector {
    pub label_key: String,
    pub label_value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NodePortSelector {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VipNetwork {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_name: Option<String>,
    #[serde(rename = "networkUUID", skip_serializing_if = "Option::is_none")]
    pub network_uuid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cidr: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub v6cidr: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NodeNetwork {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_name: Option<String>,
    #[serde(rename = "networkUUID", skip_serializing_if = "Option::is_none")]
    pub network_uuid: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cidrs: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum LogLevel {
    Debug,
    Info,
    Warn,
    Error,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CniPlugin {
    Calico,
    Canal,
    Flannel,
    Openshift,
    Antrea,
    Ncp,
    OvnKubernetes,
    Cilium,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum IpFamily {
    V4,
    V6,
    #[serde(rename = "V4_V6")]
    V4V6,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ServiceType {
    ClusterIP,
    NodePort,
    NodePortLocal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum ShardSize {
    Large,
    Medium,
    Small,
    Dedicated,
}

impl ShardSize {
    /// Number of shared VSes; `None` for DEDICATED (one VS per host).
    pub fn count(self) -> Option<u32> {
        match self {
            Self::Large => Some(8),
            Self::Medium => Some(4),
            Self::Small => Some(1),
            Self::Dedicated => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ShardHash {
    Md5,
    Fnv1a,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum FqdnReusePolicy {
    InterNamespaceAllowed,
    Strict,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AutoFqdn {
    Default,
    Flat,
    Disabled,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlay_replaces_only_the_keys_set_on_top() {
        let base: Settings =
            serde_yaml::from_str("{clusterName: c1, shardVSSize: LARGE, serviceType: ClusterIP}")
                .unwrap();
        let top: Settings =
            serde_yaml::from_str("{shardVSSize: SMALL, deleteConfig: true}").unwrap();
        let merged = base.overlay(&top);
        assert_eq!(merged.cluster_name.as_deref(), Some("c1"));
        assert_eq!(merged.shard_vs_size, Some(ShardSize::Small));
        assert_eq!(merged.service_type, Some(ServiceType::ClusterIP));
        assert_eq!(merged.delete_config, Some(true));
        assert_eq!(top.keys(), ["deleteConfig", "shardVSSize"]);
    }
}
