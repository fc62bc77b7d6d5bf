//! AKO-rs settings: the validated [`AkoConfig`] every other module reads, and
//! [`ConfigSources`], which loads it.
//!
//! Sources and precedence (later wins, per setting):
//! 1. defaults — the Helm chart's defaults, kept only in [`AkoConfig::new`];
//! 2. Helm-style values files with the original's keys (`AKOSettings`,
//!    `NetworkSettings`, `L7Settings`, `L4Settings`, `ControllerSettings`,
//!    `nodePortSelector`), several files overlaying in the order given, like
//!    `helm -f a.yaml -f b.yaml`;
//! 3. the `avi-k8s-config` ConfigMap data (the keys the chart renders);
//! 4. environment variables (the original's names, e.g. `SHARD_VS_SIZE`).
//!
//! This mirrors how a deployed AKO sees them: the chart renders values into the
//! ConfigMap, and the StatefulSet copies ConfigMap keys into the environment.
//! Settings the original reads live from the ConfigMap (`deleteConfig`,
//! `layer7Only`, `logLevel`, `enableEvents`) have no environment variable, so the
//! ConfigMap decides them. An empty value counts as unset at every level. Keys
//! marked "ours" in `keys.rs` (`shardHash`, `apiRateLimit`, `openshift`) do not
//! exist in the original. Every invalid setting is reported at once, each naming
//! the key as its source spells it and the allowed values.

mod error;
mod keys;
mod parse;
mod source;
mod types;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;

use serde::Serialize;

use crate::shard::{ShardHash, ShardSize};

pub use error::{ConfigError, ConfigErrors};
pub use types::{AutoFqdn, CniPlugin, FqdnReusePolicy, LogLevel, NetworkRef, ServiceType};

/// The original's clusterName rule (`^[a-zA-Z0-9-_]*$`), non-empty.
pub fn is_valid_cluster_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Name of the ConfigMap the chart renders the settings into.
pub const CONFIGMAP_NAME: &str = "avi-k8s-config";

/// The inputs of one configuration load; [`ConfigSources::build`] merges them in
/// the documented precedence whatever order they were added in.
#[derive(Debug, Clone, Default)]
pub struct ConfigSources {
    values: source::Layer,
    configmap: source::Layer,
    env: source::Layer,
    ignored: Vec<String>,
}

impl ConfigSources {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a values file's text; a later file overrides an earlier one per key.
    pub fn values_yaml(mut self, text: &str) -> Result<Self, ConfigError> {
        let (layer, ignored) = source::from_values(text)?;
        self.values.overlay(&layer);
        self.ignored
            .extend(ignored.into_iter().map(|k| format!("values {k}")));
        Ok(self)
    }

    /// Reads and adds a values file.
    pub fn values_file(self, path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: path.to_owned(),
            source,
        })?;
        self.values_yaml(&text)
    }

    /// Sets the `avi-k8s-config` data (replacing earlier data: there is one ConfigMap).
    pub fn configmap(mut self, data: &BTreeMap<String, String>) -> Self {
        let (layer, ignored) = source::from_configmap(data);
        self.configmap = layer;
        self.ignored.retain(|k| !k.starts_with("ConfigMap "));
        self.ignored
            .extend(ignored.into_iter().map(|k| format!("ConfigMap {k}")));
        self
    }

    /// Sets the environment, read through `lookup`.
    pub fn env(mut self, lookup: impl Fn(&str) -> Option<String>) -> Self {
        self.env = source::from_env(lookup);
        self
    }

    /// Sets the environment from this process's environment.
    pub fn process_env(self) -> Self {
        self.env(|k| std::env::var(k).ok())
    }

    /// Keys present in the values files (known sections only) or the ConfigMap that
    /// AKO-rs does not read, e.g. `values L7Settings.shardVsSize` — worth a warning.
    pub fn ignored(&self) -> &[String] {
        &self.ignored
    }

    /// Merges the sources and validates the result.
    pub fn build(&self) -> Result<AkoConfig, ConfigErrors> {
        let mut merged = self.values.clone();
        merged.overlay(&self.configmap);
        merged.overlay(&self.env);
        parse::build(&merged)
    }
}

/// Every setting the controller uses, validated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AkoConfig {
    /// `AKOSettings.clusterName`: prefix of every Avi name, `created_by` and marker value.
    pub cluster_name: String,
    /// `AKOSettings.cniPlugin`; `None` when unset.
    pub cni_plugin: Option<CniPlugin>,
    /// `AKOSettings.namespaceSelector` (labelKey, labelValue); set only when both are non-blank.
    pub namespace_selector: Option<(String, String)>,
    /// `AKOSettings.blockedNamespaceList`: exact namespace names ignored for every kind.
    pub blocked_namespaces: BTreeSet<String>,
    /// `AKOSettings.layer7Only`: no L4 virtual services for Services of type LoadBalancer.
    pub layer7_only: bool,
    /// `AKOSettings.deleteConfig`: delete every object this cluster owns.
    pub delete_config: bool,
    /// `AKOSettings.disableStaticRouteSync`.
    pub disable_static_route_sync: bool,
    /// `AKOSettings.enableEvents`.
    pub enable_events: bool,
    /// `AKOSettings.logLevel`.
    pub log_level: LogLevel,
    /// `AKOSettings.apiServerPort`: the liveness/metrics HTTP port.
    pub api_server_port: u16,
    /// `AKOSettings.fullSyncFrequency`; zero disables the periodic full sync.
    pub full_sync_interval: Duration,
    /// Whether this is an OpenShift cluster (Routes processed, Ingresses ignored, F15).
    /// Defaults to `cniPlugin == openshift`; `AKOSettings.openshift` (ours) overrides.
    pub openshift: bool,
    /// `NetworkSettings.vipNetworkList`.
    pub vip_networks: Vec<NetworkRef>,
    /// `NetworkSettings.nodeNetworkList` (at most 5).
    pub node_networks: Vec<NetworkRef>,
    /// `NetworkSettings.defaultDomain` (falls back to `L4Settings.defaultDomain`).
    pub default_domain: Option<String>,
    /// `L7Settings.shardVSSize`.
    pub shard_size: ShardSize,
    /// `L7Settings.passthroughShardSize`.
    pub passthrough_shard_size: ShardSize,
    /// `L7Settings.shardHash` (ours): md5 by default, fnv1a to keep the original's placement.
    pub shard_hash: ShardHash,
    /// `L7Settings.serviceType`.
    pub service_type: ServiceType,
    /// `L7Settings.defaultIngController`: `avi-lb` is the default IngressClass.
    pub default_ing_controller: bool,
    /// `L7Settings.fqdnReusePolicy`.
    pub fqdn_reuse_policy: FqdnReusePolicy,
    /// `L4Settings.defaultLBController`: handle LoadBalancer Services without a class.
    pub default_lb_controller: bool,
    /// `L4Settings.autoFQDN`.
    pub auto_fqdn: AutoFqdn,
    /// `nodePortSelector.{key,value}`: in NodePort mode only nodes carrying every
    /// label here are pool servers (empty = all nodes).
    pub node_port_selector: BTreeMap<String, String>,
    /// `ControllerSettings`.
    pub controller: ControllerSettings,
    /// `ControllerSettings.apiRateLimit` (ours): Avi calls per second this client
    /// makes at most (a default Avi controller answers 429 above ~32/s per client).
    pub api_rate_limit: u32,
}

/// `ControllerSettings`: where and as whom objects are written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ControllerSettings {
    /// `controllerHost` (host or host:port, optionally with scheme); required to run.
    pub host: String,
    /// `controllerVersion`; `None` = read from `/api/initial-data`.
    pub version: Option<String>,
    /// `cloudName`.
    pub cloud_name: String,
    /// `serviceEngineGroupName`.
    pub se_group: String,
    /// `tenantName`.
    pub tenant: String,
    /// `vrfName`; `None` = the cloud's VRF (`global` by default).
    pub vrf: Option<String>,
}

/// Default `api_rate_limit`: below the ~32/s a default Avi controller allows.
pub const DEFAULT_API_RATE_LIMIT: u32 = 25;

impl AkoConfig {
    /// The Helm chart's defaults for a cluster named `cluster_name`.
    pub fn new(cluster_name: &str) -> Self {
        Self {
            cluster_name: cluster_name.to_owned(),
            cni_plugin: None,
            namespace_selector: None,
            blocked_namespaces: BTreeSet::new(),
            layer7_only: false,
            delete_config: false,
            disable_static_route_sync: false,
            enable_events: true,
            log_level: LogLevel::Warn,
            api_server_port: 8080,
            full_sync_interval: Duration::from_secs(1800),
            openshift: false,
            vip_networks: Vec::new(),
            node_networks: Vec::new(),
            default_domain: None,
            shard_size: ShardSize::Large,
            passthrough_shard_size: ShardSize::Small,
            shard_hash: ShardHash::Md5,
            service_type: ServiceType::ClusterIp,
            default_ing_controller: true,
            fqdn_reuse_policy: FqdnReusePolicy::InterNamespaceAllowed,
            default_lb_controller: true,
            auto_fqdn: AutoFqdn::Default,
            node_port_selector: BTreeMap::new(),
            controller: ControllerSettings {
                host: String::new(),
                version: None,
                cloud_name: "Default-Cloud".to_owned(),
                se_group: "Default-Group".to_owned(),
                tenant: "admin".to_owned(),
                vrf: None,
            },
            api_rate_limit: DEFAULT_API_RATE_LIMIT,
        }
    }

    /// Defaults for tests: [`AkoConfig::new`] (no controller host needed offline).
    pub fn for_tests(cluster_name: &str) -> Self {
        Self::new(cluster_name)
    }
}
