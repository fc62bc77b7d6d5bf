//! The objects AKO's Helm chart creates in its namespace: the `avi-k8s-config` ConfigMap (with
//! every key of spec §11 at its chart default), the `avi-secret` credentials Secret and the
//! `ako` StatefulSet.

use std::collections::BTreeMap;

use k8s_openapi::ByteString;
use k8s_openapi::api::apps::v1::{StatefulSet, StatefulSetSpec, StatefulSetStatus};
use k8s_openapi::api::core::v1::{
    ConfigMap, Container, EnvVar, EnvVarSource, ObjectFieldSelector, PodSpec, PodTemplateSpec,
    Secret,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};

use super::{meta, with_meta};

/// Namespace AKO runs in.
pub const AKO_NAMESPACE: &str = "avi-system";
/// Name of AKO's ConfigMap.
pub const CONFIGMAP_NAME: &str = "avi-k8s-config";

/// ConfigMap keys and their chart defaults (spec §11). `nodeKey` / `nodeValue` are left out:
/// the chart renders them only in NodePort mode ([`AkoConfigBuilder::node_port_selector`]).
const DEFAULTS: &[(&str, &str)] = &[
    ("primaryInstance", "true"),
    ("enableEvents", "true"),
    ("logLevel", "WARN"),
    ("fullSyncFrequency", "1800"),
    ("apiServerPort", "8080"),
    ("deleteConfig", "false"),
    ("disableStaticRouteSync", "false"),
    ("clusterName", "my-cluster"),
    ("cniPlugin", ""),
    ("enableEVH", "false"),
    ("layer7Only", "false"),
    ("nsSyncLabelKey", ""),
    ("nsSyncLabelValue", ""),
    ("servicesAPI", "false"),
    ("vipPerNamespace", "false"),
    ("istioEnabled", "false"),
    ("blockedNamespaceList", "[]"),
    ("ipFamily", ""),
    ("useDefaultSecretsOnly", "false"),
    ("vpcMode", "false"),
    ("nodeNetworkList", "[]"),
    ("enableRHI", "false"),
    ("nsxtT1LR", ""),
    ("bgpPeerLabels", "[]"),
    ("vipNetworkList", "[]"),
    ("defaultDomain", ""),
    ("defaultIngController", "true"),
    ("noPGForSNI", "false"),
    ("serviceType", "ClusterIP"),
    ("shardVSSize", "LARGE"),
    ("passthroughShardSize", "SMALL"),
    ("enableMCI", "false"),
    ("fqdnReusePolicy", "InterNamespaceAllowed"),
    ("defaultLBController", "true"),
    ("autoFQDN", "default"),
    ("serviceEngineGroupName", "Default-Group"),
    ("controllerVersion", ""),
    ("cloudName", "Default-Cloud"),
    ("controllerIP", ""),
    ("tenantName", "admin"),
    ("vrfName", ""),
    ("dedicatedTenantMode", "false"),
    ("enablePrometheus", "false"),
    ("akoCRDOperatorEnabled", "true"),
];

/// Builds the `avi-system/avi-k8s-config` ConfigMap.
#[derive(Clone, Debug)]
pub struct AkoConfigBuilder {
    meta: ObjectMeta,
    data: BTreeMap<String, String>,
}
with_meta!(AkoConfigBuilder, meta);

/// The ConfigMap with every key at its chart default.
pub fn ako_config() -> AkoConfigBuilder {
    AkoConfigBuilder {
        meta: meta(Some(AKO_NAMESPACE), CONFIGMAP_NAME),
        data: DEFAULTS
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

impl AkoConfigBuilder {
    /// Sets any key (also ones AKO does not know, to test that they are reported).
    pub fn set(mut self, key: &str, value: &str) -> Self {
        self.data.insert(key.to_string(), value.to_string());
        self
    }

    /// Removes a key, as if the chart had not rendered it.
    pub fn remove(mut self, key: &str) -> Self {
        self.data.remove(key);
        self
    }

    /// `clusterName`.
    pub fn cluster_name(self, name: &str) -> Self {
        self.set("clusterName", name)
    }

    /// `controllerIP`: host (and port) of the Avi controller.
    pub fn controller_ip(self, host: &str) -> Self {
        self.set("controllerIP", host)
    }

    /// `shardVSSize`: LARGE, MEDIUM, SMALL or DEDICATED.
    pub fn shard_vs_size(self, size: &str) -> Self {
        self.set("shardVSSize", size)
    }

    /// `serviceType`: ClusterIP, NodePort or NodePortLocal.
    pub fn service_type(self, service_type: &str) -> Self {
        self.set("serviceType", service_type)
    }

    /// `cniPlugin`.
    pub fn cni_plugin(self, cni: &str) -> Self {
        self.set("cniPlugin", cni)
    }

    /// `deleteConfig`.
    pub fn delete_config(self, delete: bool) -> Self {
        self.set("deleteConfig", if delete { "true" } else { "false" })
    }

    /// `vipNetworkList` as the JSON the chart renders, e.g.
    /// `json!([{"networkName": "vip-net", "cidr": "10.10.10.0/24"}])`.
    pub fn vip_network_list(self, networks: &serde_json::Value) -> Self {
        self.set("vipNetworkList", &networks.to_string())
    }

    /// `nodeKey` / `nodeValue`, the NodePort node selector.
    pub fn node_port_selector(self, key: &str, value: &str) -> Self {
        self.set("nodeKey", key).set("nodeValue", value)
    }

    /// The finished object.
    pub fn build(self) -> ConfigMap {
        ConfigMap {
            metadata: self.meta,
            data: Some(self.data),
            ..ConfigMap::default()
        }
    }
}

/// The `avi-system/avi-secret` Secret with the controller credentials AKO reads at boot.
pub fn avi_secret(username: &str, password: &str) -> Secret {
    Secret {
        metadata: meta(Some(AKO_NAMESPACE), "avi-secret"),
        type_: Some("Opaque".to_string()),
        data: Some(
            [
                (
                    "username".to_string(),
                    ByteString(username.as_bytes().to_vec()),
                ),
                (
                    "password".to_string(),
                    ByteString(password.as_bytes().to_vec()),
                ),
            ]
            .into(),
        ),
        ..Secret::default()
    }
}

/// Builds the `avi-system/ako` StatefulSet (AKO reads its replica count and annotations).
#[derive(Clone, Debug)]
pub struct AkoStatefulSetBuilder {
    meta: ObjectMeta,
    replicas: i32,
    image: String,
}
with_meta!(AkoStatefulSetBuilder, meta);

/// The StatefulSet with one replica.
pub fn ako_statefulset() -> AkoStatefulSetBuilder {
    AkoStatefulSetBuilder {
        meta: meta(Some(AKO_NAMESPACE), "ako"),
        replicas: 1,
        image: "ako-rs:latest".to_string(),
    }
}

fn field_env(name: &str, path: &str) -> EnvVar {
    EnvVar {
        name: name.to_string(),
        value_from: Some(EnvVarSource {
            field_ref: Some(ObjectFieldSelector {
                field_path: path.to_string(),
                ..ObjectFieldSelector::default()
            }),
            ..EnvVarSource::default()
        }),
        ..EnvVar::default()
    }
}

impl AkoStatefulSetBuilder {
    /// `spec.replicas` (2 for active/passive HA through the Lease).
    pub fn replicas(mut self, replicas: i32) -> Self {
        self.replicas = replicas;
        self
    }

    /// The container image.
    pub fn image(mut self, image: &str) -> Self {
        self.image = image.to_string();
        self
    }

    /// The finished object, with status showing every replica ready.
    pub fn build(self) -> StatefulSet {
        let labels: BTreeMap<String, String> =
            [("app.kubernetes.io/name".to_string(), "ako".to_string())].into();
        let mut metadata = self.meta;
        metadata
            .labels
            .get_or_insert_default()
            .extend(labels.clone());
        StatefulSet {
            metadata,
            spec: StatefulSetSpec {
                replicas: Some(self.replicas),
                service_name: Some("ako".to_string()),
                selector: LabelSelector {
                    match_labels: Some(labels.clone()),
                    ..LabelSelector::default()
                },
                template: PodTemplateSpec {
                    metadata: Some(ObjectMeta {
                        labels: Some(labels),
                        ..ObjectMeta::default()
                    }),
                    spec: Some(PodSpec {
                        service_account_name: Some("ako-sa".to_string()),
                        containers: vec![Container {
                            name: "ako".to_string(),
                            image: Some(self.image),
                            env: Some(vec![
                                field_env("POD_NAME", "metadata.name"),
                                field_env("POD_NAMESPACE", "metadata.namespace"),
                            ]),
                            ..Container::default()
                        }],
                        ..PodSpec::default()
                    }),
                },
                ..StatefulSetSpec::default()
            },
            status: Some(StatefulSetStatus {
                replicas: self.replicas,
                ready_replicas: Some(self.replicas),
                ..StatefulSetStatus::default()
            }),
        }
    }
}
