//! The table of settings: for each one, its `avi-k8s-config` ConfigMap key, where
//! it sits in a Helm values file, and its environment variable (spec §11). The
//! three sources are read through this one table, so a key cannot be known to one
//! source and missing from another by accident.

/// One setting, named in each source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Key {
    /// ConfigMap `avi-k8s-config` data key; also the canonical id of the setting.
    pub cm: &'static str,
    /// Dotted paths in a values file; the first one present wins.
    pub values: &'static [&'static str],
    /// Environment variable; `None` for settings the original only reads from the
    /// ConfigMap (they can change while running).
    pub env: Option<&'static str>,
}

const fn key(cm: &'static str, values: &'static [&'static str], env: &'static str) -> Key {
    Key {
        cm,
        values,
        env: Some(env),
    }
}

const fn cm_only(cm: &'static str, values: &'static [&'static str]) -> Key {
    Key {
        cm,
        values,
        env: None,
    }
}

/// Every setting AKO-rs reads. Keys marked "ours" do not exist in the original.
pub(crate) const KEYS: &[Key] = &[
    // AKOSettings
    key("clusterName", &["AKOSettings.clusterName"], "CLUSTER_NAME"),
    key("cniPlugin", &["AKOSettings.cniPlugin"], "CNI_PLUGIN"),
    key(
        "nsSyncLabelKey",
        &["AKOSettings.namespaceSelector.labelKey"],
        "NAMESPACE_SYNC_LABEL_KEY",
    ),
    key(
        "nsSyncLabelValue",
        &["AKOSettings.namespaceSelector.labelValue"],
        "NAMESPACE_SYNC_LABEL_VALUE",
    ),
    key(
        "blockedNamespaceList",
        &["AKOSettings.blockedNamespaceList"],
        "BLOCKED_NS_LIST",
    ),
    cm_only("layer7Only", &["AKOSettings.layer7Only"]),
    cm_only("deleteConfig", &["AKOSettings.deleteConfig"]),
    key(
        "disableStaticRouteSync",
        &["AKOSettings.disableStaticRouteSync"],
        "DISABLE_STATIC_ROUTE_SYNC",
    ),
    cm_only("enableEvents", &["AKOSettings.enableEvents"]),
    cm_only("logLevel", &["AKOSettings.logLevel"]),
    key(
        "apiServerPort",
        &["AKOSettings.apiServerPort"],
        "AKO_API_PORT",
    ),
    key(
        "fullSyncFrequency",
        &["AKOSettings.fullSyncFrequency"],
        "FULL_SYNC_INTERVAL",
    ),
    key(
        "primaryInstance",
        &["AKOSettings.primaryInstance"],
        "PRIMARY_AKO_FLAG",
    ),
    key("enableEVH", &["AKOSettings.enableEVH"], "ENABLE_EVH"),
    key(
        "vipPerNamespace",
        &["AKOSettings.vipPerNamespace"],
        "VIP_PER_NAMESPACE",
    ),
    // ours: force OpenShift mode (default: cniPlugin == openshift)
    key("openshift", &["AKOSettings.openshift"], "OPENSHIFT"),
    // NetworkSettings
    key(
        "vipNetworkList",
        &["NetworkSettings.vipNetworkList"],
        "VIP_NETWORK_LIST",
    ),
    key(
        "nodeNetworkList",
        &["NetworkSettings.nodeNetworkList"],
        "NODE_NETWORK_LIST",
    ),
    key(
        "defaultDomain",
        &["NetworkSettings.defaultDomain", "L4Settings.defaultDomain"],
        "DEFAULT_DOMAIN",
    ),
    // L7Settings
    key("shardVSSize", &["L7Settings.shardVSSize"], "SHARD_VS_SIZE"),
    key(
        "passthroughShardSize",
        &["L7Settings.passthroughShardSize"],
        "PASSTHROUGH_SHARD_SIZE",
    ),
    // ours: md5 | fnv1a
    key("shardHash", &["L7Settings.shardHash"], "SHARD_HASH"),
    key("serviceType", &["L7Settings.serviceType"], "SERVICE_TYPE"),
    key(
        "defaultIngController",
        &["L7Settings.defaultIngController"],
        "DEFAULT_ING_CONTROLLER",
    ),
    key(
        "fqdnReusePolicy",
        &["L7Settings.fqdnReusePolicy"],
        "FQDN_REUSE_POLICY",
    ),
    // L4Settings
    key(
        "defaultLBController",
        &["L4Settings.defaultLBController"],
        "DEFAULT_LB_CONTROLLER",
    ),
    key("autoFQDN", &["L4Settings.autoFQDN"], "AUTO_L4_FQDN"),
    // ControllerSettings
    key(
        "controllerIP",
        &["ControllerSettings.controllerHost"],
        "CTRL_IPADDRESS",
    ),
    key(
        "controllerVersion",
        &["ControllerSettings.controllerVersion"],
        "CTRL_VERSION",
    ),
    key("cloudName", &["ControllerSettings.cloudName"], "CLOUD_NAME"),
    key(
        "serviceEngineGroupName",
        &["ControllerSettings.serviceEngineGroupName"],
        "SEG_NAME",
    ),
    key(
        "tenantName",
        &["ControllerSettings.tenantName"],
        "TENANT_NAME",
    ),
    key("vrfName", &["ControllerSettings.vrfName"], "VRF_NAME"),
    // ours: Avi calls per second
    key(
        "apiRateLimit",
        &["ControllerSettings.apiRateLimit"],
        "AVI_API_RATE_LIMIT",
    ),
    // nodePortSelector
    key("nodeKey", &["nodePortSelector.key"], "NODE_KEY"),
    key("nodeValue", &["nodePortSelector.value"], "NODE_VALUE"),
    // Settings of the original AKO-rs does not implement: accepted at their
    // default so a stock values file loads, refused otherwise (see UNSUPPORTED).
    key("servicesAPI", &["AKOSettings.servicesAPI"], "SERVICES_API"),
    key(
        "istioEnabled",
        &["AKOSettings.istioEnabled"],
        "ISTIO_ENABLED",
    ),
    key("ipFamily", &["AKOSettings.ipFamily"], "IP_FAMILY"),
    key(
        "useDefaultSecretsOnly",
        &["AKOSettings.useDefaultSecretsOnly"],
        "USE_DEFAULT_SECRETS_ONLY",
    ),
    key("vpcMode", &["AKOSettings.vpcMode"], "VPC_MODE"),
    key("enableRHI", &["NetworkSettings.enableRHI"], "ENABLE_RHI"),
    key("nsxtT1LR", &["NetworkSettings.nsxtT1LR"], "NSXT_T1_LR"),
    key(
        "bgpPeerLabels",
        &["NetworkSettings.bgpPeerLabels"],
        "BGP_PEER_LABELS",
    ),
    cm_only("noPGForSNI", &["L7Settings.noPGForSNI"]),
    key("enableMCI", &["L7Settings.enableMCI"], "MCI_ENABLED"),
    key(
        "dedicatedTenantMode",
        &["ControllerSettings.dedicatedTenantMode"],
        "DEDICATED_TENANT_MODE",
    ),
];

/// Boolean settings of the original that AKO-rs does not implement: `false` (their
/// default) is accepted, `true` is refused with the reason.
pub(crate) const UNSUPPORTED_FLAGS: &[(&str, &str)] = &[
    ("enableEVH", "only SNI virtual hosting is implemented"),
    ("vipPerNamespace", "it requires EVH"),
    ("servicesAPI", "the Gateway/Services API is not implemented"),
    ("istioEnabled", "Istio integration is not implemented"),
    (
        "useDefaultSecretsOnly",
        "secrets are read from each Ingress's namespace",
    ),
    ("vpcMode", "VPC mode is not implemented"),
    ("enableRHI", "route health injection is not implemented"),
    ("noPGForSNI", "SNI paths always use pool groups"),
    ("enableMCI", "multi-cluster ingress is not implemented"),
    (
        "dedicatedTenantMode",
        "dedicated tenant mode is not implemented",
    ),
];

/// Values-file sections whose every key we know; anything else in them is
/// reported as ignored (the chart has keys AKO-rs does not use).
pub(crate) const SECTIONS: &[&str] = &[
    "AKOSettings",
    "NetworkSettings",
    "L7Settings",
    "L4Settings",
    "ControllerSettings",
    "nodePortSelector",
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_name_is_unique_per_source() {
        let cm: BTreeSet<_> = KEYS.iter().map(|k| k.cm).collect();
        assert_eq!(cm.len(), KEYS.len());
        let env: Vec<_> = KEYS.iter().filter_map(|k| k.env).collect();
        assert_eq!(env.iter().collect::<BTreeSet<_>>().len(), env.len());
        let values: Vec<_> = KEYS.iter().flat_map(|k| k.values.iter()).collect();
        assert_eq!(values.iter().collect::<BTreeSet<_>>().len(), values.len());
        for k in KEYS {
            for path in k.values {
                let section = path.split('.').next().unwrap_or_default();
                assert!(SECTIONS.contains(&section), "{path} outside known sections");
            }
        }
    }
}
