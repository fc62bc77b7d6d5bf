//! Merged raw settings -> validated [`AkoConfig`]: parsing of each value, the
//! checks between settings, and every error at once.

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;
use std::time::Duration;

use ipnet::IpNet;
use serde::Deserialize;

use super::error::{ConfigError, ConfigErrors};
use super::keys::{KEYS, UNSUPPORTED_FLAGS};
use super::source::{Layer, Raw};
use super::{
    AkoConfig, CniPlugin, FqdnReusePolicy, NetworkRef, ServiceType, is_valid_cluster_name,
};
use crate::shard::UnknownValue;

/// Most node networks the original accepts.
const MAX_NODE_NETWORKS: usize = 5;

struct Parser<'a> {
    raw: &'a Layer,
    errors: Vec<ConfigError>,
}

impl<'a> Parser<'a> {
    fn get(&self, cm: &str) -> Option<&'a Raw> {
        debug_assert!(KEYS.iter().any(|k| k.cm == cm), "unknown key {cm}");
        self.raw.get(cm)
    }

    fn string(&self, cm: &str) -> Option<String> {
        self.get(cm).map(|r| r.value.trim().to_owned())
    }

    /// An enumerated value (`FromStr` listing the allowed spellings on error).
    fn enumerated<T: FromStr<Err = UnknownValue>>(&mut self, cm: &str, default: T) -> T {
        self.optional(cm).unwrap_or(default)
    }

    /// An enumerated value; `None` when unset or invalid (then with an error).
    fn optional<T: FromStr<Err = UnknownValue>>(&mut self, cm: &str) -> Option<T> {
        let raw = self.get(cm)?;
        match raw.value.trim().parse() {
            Ok(v) => Some(v),
            Err(source) => {
                let key = raw.name.clone();
                self.errors.push(ConfigError::NotOneOf { key, source });
                None
            }
        }
    }

    /// A boolean, spelled like Go's `strconv.ParseBool` accepts (the original's parser).
    fn boolean(&mut self, cm: &str, default: bool) -> bool {
        let Some(raw) = self.get(cm) else {
            return default;
        };
        match raw.value.trim() {
            "1" | "t" | "T" | "true" | "TRUE" | "True" => true,
            "0" | "f" | "F" | "false" | "FALSE" | "False" => false,
            other => {
                let source = UnknownValue::new(other, ["true", "false"]);
                let key = raw.name.clone();
                self.errors.push(ConfigError::NotOneOf { key, source });
                default
            }
        }
    }

    fn number<T: FromStr>(&mut self, cm: &str, default: T, what: &str) -> T {
        let Some(raw) = self.get(cm) else {
            return default;
        };
        raw.value.trim().parse().unwrap_or_else(|_| {
            let e = ConfigError::invalid(&raw.name, &raw.value, format!("expected {what}"));
            self.errors.push(e);
            default
        })
    }

    /// A JSON-rendered list (the chart renders lists with `toJson`).
    fn json<T: for<'de> Deserialize<'de>>(&mut self, cm: &str) -> Option<(T, String)> {
        let raw = self.get(cm)?;
        match serde_json::from_str(&raw.value) {
            Ok(v) => Some((v, raw.name.clone())),
            Err(e) => {
                let e = ConfigError::invalid(&raw.name, &raw.value, e.to_string());
                self.errors.push(e);
                None
            }
        }
    }

    fn invalid(&mut self, cm: &str, reason: impl Into<String>) {
        if let Some(raw) = self.get(cm) {
            let e = ConfigError::invalid(&raw.name, &raw.value, reason);
            self.errors.push(e);
        }
    }

    /// A boolean setting of the original we do not implement, allowed only at its default.
    fn unsupported_unless(&mut self, cm: &str, default: bool, reason: &str) {
        if self.boolean(cm, default) != default {
            self.unsupported(cm, reason);
        }
    }

    fn unsupported(&mut self, cm: &str, reason: &str) {
        if let Some(raw) = self.get(cm) {
            self.errors.push(ConfigError::Unsupported {
                key: raw.name.clone(),
                value: raw.value.clone(),
                reason: reason.to_owned(),
            });
        }
    }

    fn networks(&mut self, cm: &str) -> Vec<NetworkRef> {
        let Some((entries, name)) = self.json::<Vec<NetworkEntry>>(cm) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, e) in entries.into_iter().enumerate() {
            let at = format!("{name}[{i}]");
            let name = non_empty(e.network_name);
            let uuid = non_empty(e.network_uuid);
            if name.is_none() && uuid.is_none() {
                let reason = "needs networkName or networkUUID";
                self.errors.push(ConfigError::invalid(&at, "", reason));
            }
            let texts = e.cidrs.into_iter().chain(e.cidr).chain(e.v6cidr);
            let mut cidrs = Vec::new();
            for text in texts.filter(|c| !c.trim().is_empty()) {
                match text.trim().parse::<IpNet>() {
                    Ok(net) => cidrs.push(net),
                    Err(err) => {
                        let key = format!("{at} cidr");
                        let e = ConfigError::invalid(&key, &text, err.to_string());
                        self.errors.push(e);
                    }
                }
            }
            out.push(NetworkRef { name, uuid, cidrs });
        }
        out
    }
}

/// One entry of vipNetworkList (`cidr`, `v6cidr`) or nodeNetworkList (`cidrs`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NetworkEntry {
    network_name: Option<String>,
    #[serde(rename = "networkUUID")]
    network_uuid: Option<String>,
    #[serde(default)]
    cidrs: Vec<String>,
    cidr: Option<String>,
    v6cidr: Option<String>,
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// Builds the configuration from merged settings; every invalid one is reported.
pub(crate) fn build(raw: &Layer) -> Result<AkoConfig, ConfigErrors> {
    let mut p = Parser {
        raw,
        errors: Vec::new(),
    };
    let cluster = p.string("clusterName").unwrap_or_default();
    if p.get("clusterName").is_none() {
        p.errors.push(ConfigError::Missing {
            key: "clusterName".to_owned(),
            names: "AKOSettings.clusterName, ConfigMap clusterName or env CLUSTER_NAME".to_owned(),
        });
    } else if !is_valid_cluster_name(&cluster) {
        p.invalid(
            "clusterName",
            "only letters, digits, '-' and '_' are allowed",
        );
    }
    let mut c = AkoConfig::new(&cluster);

    c.cni_plugin = p.optional("cniPlugin");
    c.namespace_selector = match (p.string("nsSyncLabelKey"), p.string("nsSyncLabelValue")) {
        (Some(k), Some(v)) => Some((k, v)),
        (None, None) => None,
        (Some(_), None) => {
            p.invalid(
                "nsSyncLabelKey",
                "namespaceSelector.labelValue is empty; set both or neither",
            );
            None
        }
        (None, Some(_)) => {
            p.invalid(
                "nsSyncLabelValue",
                "namespaceSelector.labelKey is empty; set both or neither",
            );
            None
        }
    };
    if let Some((list, _)) = p.json::<Vec<String>>("blockedNamespaceList") {
        c.blocked_namespaces = list
            .into_iter()
            .filter(|n| !n.is_empty())
            .collect::<BTreeSet<_>>();
    }
    c.layer7_only = p.boolean("layer7Only", c.layer7_only);
    c.delete_config = p.boolean("deleteConfig", c.delete_config);
    c.disable_static_route_sync = p.boolean("disableStaticRouteSync", c.disable_static_route_sync);
    c.enable_events = p.boolean("enableEvents", c.enable_events);
    c.log_level = p.enumerated("logLevel", c.log_level);
    c.api_server_port = p.number(
        "apiServerPort",
        c.api_server_port,
        "a port number (0-65535)",
    );
    let secs = c.full_sync_interval.as_secs();
    c.full_sync_interval =
        Duration::from_secs(p.number("fullSyncFrequency", secs, "whole seconds"));
    p.unsupported_unless(
        "primaryInstance",
        true,
        "one AKO-rs instance set per cluster",
    );
    for (cm, reason) in UNSUPPORTED_FLAGS {
        p.unsupported_unless(cm, false, reason);
    }
    if p.string("ipFamily").is_some_and(|f| f != "V4") {
        p.unsupported("ipFamily", "only IPv4 (V4) is implemented");
    }
    if p.get("nsxtT1LR").is_some() {
        p.unsupported("nsxtT1LR", "NSX-T clouds are not implemented");
    }
    if p.json::<Vec<serde_json::Value>>("bgpPeerLabels")
        .is_some_and(|(l, _)| !l.is_empty())
    {
        p.unsupported("bgpPeerLabels", "it requires enableRHI");
    }
    let openshift_cni = c.cni_plugin == Some(CniPlugin::Openshift);
    c.openshift = p.boolean("openshift", openshift_cni);

    c.vip_networks = p.networks("vipNetworkList");
    c.node_networks = p.networks("nodeNetworkList");
    if c.node_networks.len() > MAX_NODE_NETWORKS {
        p.invalid(
            "nodeNetworkList",
            format!("at most {MAX_NODE_NETWORKS} entries"),
        );
    }
    c.default_domain = p
        .string("defaultDomain")
        .map(|d| d.trim_start_matches('.').to_owned());

    c.shard_size = p.enumerated("shardVSSize", c.shard_size);
    c.passthrough_shard_size = p.enumerated("passthroughShardSize", c.passthrough_shard_size);
    c.shard_hash = p.enumerated("shardHash", c.shard_hash);
    c.service_type = p.enumerated("serviceType", c.service_type);
    if c.service_type == ServiceType::NodePortLocal && c.cni_plugin != Some(CniPlugin::Antrea) {
        p.invalid("serviceType", "NodePortLocal requires cniPlugin antrea");
    }
    c.default_ing_controller = p.boolean("defaultIngController", c.default_ing_controller);
    c.fqdn_reuse_policy = fqdn_reuse_policy(&mut p, c.fqdn_reuse_policy);
    c.default_lb_controller = p.boolean("defaultLBController", c.default_lb_controller);
    c.auto_fqdn = p.enumerated("autoFQDN", c.auto_fqdn);

    let ctl = &mut c.controller;
    if let Some(host) = p.string("controllerIP") {
        ctl.host = host;
    }
    ctl.version = p.string("controllerVersion");
    ctl.cloud_name = p
        .string("cloudName")
        .unwrap_or(std::mem::take(&mut ctl.cloud_name));
    ctl.se_group = p
        .string("serviceEngineGroupName")
        .unwrap_or(std::mem::take(&mut ctl.se_group));
    ctl.tenant = p
        .string("tenantName")
        .unwrap_or(std::mem::take(&mut ctl.tenant));
    ctl.vrf = p.string("vrfName");
    c.api_rate_limit = p.number(
        "apiRateLimit",
        c.api_rate_limit,
        "calls per second (a whole number)",
    );
    if c.api_rate_limit == 0 {
        p.invalid("apiRateLimit", "must be at least 1");
    }

    c.node_port_selector = match (p.string("nodeKey"), p.string("nodeValue")) {
        (Some(k), v) => BTreeMap::from([(k, v.unwrap_or_default())]),
        (None, Some(_)) => {
            p.invalid(
                "nodeValue",
                "nodePortSelector.value is set without nodePortSelector.key",
            );
            BTreeMap::new()
        }
        (None, None) => BTreeMap::new(),
    };

    if p.errors.is_empty() {
        Ok(c)
    } else {
        Err(ConfigErrors(p.errors))
    }
}

/// The original lower-cases this one before comparing, so any case is accepted.
fn fqdn_reuse_policy(p: &mut Parser<'_>, default: FqdnReusePolicy) -> FqdnReusePolicy {
    let Some(raw) = p.get("fqdnReusePolicy") else {
        return default;
    };
    let found = FqdnReusePolicy::ALL
        .into_iter()
        .find(|v| v.as_str().eq_ignore_ascii_case(raw.value.trim()));
    found.unwrap_or_else(|| {
        let source = UnknownValue::new(
            raw.value.trim(),
            FqdnReusePolicy::ALL.map(FqdnReusePolicy::as_str),
        );
        let key = raw.name.clone();
        p.errors.push(ConfigError::NotOneOf { key, source });
        default
    })
}
