//! Loading AkoConfig from each source: a values file in the original chart's
//! layout, the avi-k8s-config ConfigMap data, the environment.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use ako::config::{
    AkoConfig, AutoFqdn, CniPlugin, ConfigSources, FqdnReusePolicy, LogLevel, NetworkRef,
    ServiceType,
};
use ako::shard::{ShardHash, ShardSize};

const CHART_VALUES: &str = r#"
replicaCount: 1
image:
  repository: projects.registry.vmware.com/ako/ako
AKOSettings:
  primaryInstance: true
  enableEvents: 'false'
  logLevel: INFO
  fullSyncFrequency: '600'
  apiServerPort: 8081
  deleteConfig: 'false'
  disableStaticRouteSync: 'true'
  clusterName: prod-1
  cniPlugin: antrea
  enableEVH: false
  layer7Only: true
  namespaceSelector:
    labelKey: ako
    labelValue: "yes"
  blockedNamespaceList: [kube-system, secret-ns]
  istioEnabled: false
  someFutureKey: 1
NetworkSettings:
  nodeNetworkList:
    - networkName: node-net
      cidrs: [10.0.0.0/24, 10.0.1.0/24]
    - networkUUID: dvportgroup-42
      cidrs: []
  enableRHI: false
  vipNetworkList:
    - networkName: vip-net
      cidr: 10.10.10.0/24
      v6cidr: 2001:db8::/64
  defaultDomain: ""
L7Settings:
  defaultIngController: 'false'
  noPGForSNI: false
  serviceType: NodePortLocal
  shardVSSize: MEDIUM
  passthroughShardSize: LARGE
  shardHash: fnv1a
  fqdnReusePolicy: strict
L4Settings:
  defaultDomain: apps.example.com
  autoFQDN: flat
  defaultLBController: false
ControllerSettings:
  serviceEngineGroupName: seg-a
  controllerVersion: '22.1.3'
  cloudName: vc-cloud
  controllerHost: avi.example.com
  tenantName: team-a
  vrfName: vrf-1
  apiRateLimit: 12
nodePortSelector:
  key: role
  value: edge
"#;

#[test]
fn values_file_in_the_chart_layout_sets_every_field() {
    let c = ConfigSources::new()
        .values_yaml(CHART_VALUES)
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(c.cluster_name, "prod-1");
    assert_eq!(c.cni_plugin, Some(CniPlugin::Antrea));
    assert_eq!(c.namespace_selector, Some(("ako".into(), "yes".into())));
    assert_eq!(
        c.blocked_namespaces,
        BTreeSet::from(["kube-system".to_owned(), "secret-ns".to_owned()])
    );
    assert!(c.layer7_only);
    assert!(!c.delete_config);
    assert!(c.disable_static_route_sync);
    assert!(!c.enable_events);
    assert_eq!(c.log_level, LogLevel::Info);
    assert_eq!(c.api_server_port, 8081);
    assert_eq!(c.full_sync_interval, Duration::from_secs(600));
    assert!(!c.openshift);
    assert_eq!(
        c.node_networks,
        vec![
            NetworkRef {
                name: Some("node-net".into()),
                uuid: None,
                cidrs: vec![
                    "10.0.0.0/24".parse().unwrap(),
                    "10.0.1.0/24".parse().unwrap()
                ],
            },
            NetworkRef {
                name: None,
                uuid: Some("dvportgroup-42".into()),
                cidrs: vec![],
            },
        ]
    );
    assert_eq!(
        c.vip_networks,
        vec![NetworkRef {
            name: Some("vip-net".into()),
            uuid: None,
            cidrs: vec![
                "10.10.10.0/24".parse().unwrap(),
                "2001:db8::/64".parse().unwrap()
            ],
        }]
    );
    // NetworkSettings.defaultDomain is empty, so L4Settings.defaultDomain applies.
    assert_eq!(c.default_domain.as_deref(), Some("apps.example.com"));
    assert_eq!(c.shard_size, ShardSize::Medium);
    assert_eq!(c.passthrough_shard_size, ShardSize::Large);
    assert_eq!(c.shard_hash, ShardHash::Fnv1a);
    assert_eq!(c.service_type, ServiceType::NodePortLocal);
    assert!(!c.default_ing_controller);
    assert_eq!(c.fqdn_reuse_policy, FqdnReusePolicy::Strict);
    assert!(!c.default_lb_controller);
    assert_eq!(c.auto_fqdn, AutoFqdn::Flat);
    assert_eq!(
        c.node_port_selector,
        BTreeMap::from([("role".to_owned(), "edge".to_owned())])
    );
    assert_eq!(c.controller.host, "avi.example.com");
    assert_eq!(c.controller.version.as_deref(), Some("22.1.3"));
    assert_eq!(c.controller.cloud_name, "vc-cloud");
    assert_eq!(c.controller.se_group, "seg-a");
    assert_eq!(c.controller.tenant, "team-a");
    assert_eq!(c.controller.vrf.as_deref(), Some("vrf-1"));
    assert_eq!(c.api_rate_limit, 12);
}

#[test]
fn unset_settings_take_the_chart_defaults() {
    let c = ConfigSources::new()
        .values_yaml("AKOSettings:\n  clusterName: c1\n  cniPlugin: \"\"\n")
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(c, AkoConfig::new("c1"));
    assert_eq!(c.shard_size, ShardSize::Large);
    assert_eq!(c.passthrough_shard_size, ShardSize::Small);
    assert_eq!(c.shard_hash, ShardHash::Md5);
    assert_eq!(c.service_type, ServiceType::ClusterIp);
    assert_eq!(c.cni_plugin, None);
    assert_eq!(c.controller.tenant, "admin");
    assert_eq!(c.controller.cloud_name, "Default-Cloud");
    assert_eq!(c.controller.se_group, "Default-Group");
    assert_eq!(c.full_sync_interval, Duration::from_secs(1800));
    assert!(c.api_rate_limit > 0 && c.api_rate_limit < 32);
    assert!(c.default_ing_controller);
}

#[test]
fn unread_keys_in_known_sections_are_reported() {
    let s = ConfigSources::new()
        .values_yaml(CHART_VALUES)
        .unwrap()
        .values_yaml("L7Settings:\n  shardVsSize: SMALL\n")
        .unwrap()
        .configmap(&BTreeMap::from([
            ("clusterName".into(), "c".into()),
            ("bogus".into(), "1".into()),
        ]));
    let ignored = s.ignored();
    assert!(
        ignored.contains(&"values L7Settings.shardVsSize".to_owned()),
        "{ignored:?}"
    );
    assert!(ignored.contains(&"values AKOSettings.someFutureKey".to_owned()));
    assert!(
        !ignored.iter().any(|k| k.contains("istioEnabled")),
        "read, at its default"
    );
    assert!(ignored.contains(&"ConfigMap bogus".to_owned()));
    // Sections outside the ones AKO reads (image, replicaCount) are not reported.
    assert!(!ignored.iter().any(|k| k.contains("image")));
    // The misspelt key did not change the shard size.
    assert_eq!(s.build().unwrap().shard_size, ShardSize::Medium);
}

fn cm(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn configmap_keys_as_the_chart_renders_them() {
    let data = cm(&[
        ("clusterName", "cm-cluster"),
        ("controllerIP", "10.1.1.1"),
        ("shardVSSize", "SMALL"),
        ("serviceType", "NodePort"),
        ("nodeKey", "pool"),
        ("nodeValue", "a"),
        ("blockedNamespaceList", r#"["x","y"]"#),
        (
            "vipNetworkList",
            r#"[{"networkUUID":"net-1","cidr":"192.168.0.0/16"}]"#,
        ),
        ("deleteConfig", "true"),
        ("cniPlugin", "openshift"),
        ("nsSyncLabelKey", ""),
        ("nsSyncLabelValue", ""),
    ]);
    let c = ConfigSources::new().configmap(&data).build().unwrap();
    assert_eq!(c.cluster_name, "cm-cluster");
    assert_eq!(c.controller.host, "10.1.1.1");
    assert_eq!(c.shard_size, ShardSize::Small);
    assert_eq!(c.service_type, ServiceType::NodePort);
    assert_eq!(
        c.node_port_selector,
        BTreeMap::from([("pool".into(), "a".into())])
    );
    assert_eq!(c.blocked_namespaces.len(), 2);
    assert_eq!(c.vip_networks[0].uuid.as_deref(), Some("net-1"));
    assert!(c.delete_config);
    assert!(c.openshift, "cniPlugin openshift implies OpenShift");
    assert_eq!(c.namespace_selector, None);
}

#[test]
fn environment_uses_the_original_names() {
    let env = BTreeMap::from([
        ("CLUSTER_NAME", "env-cluster"),
        ("CTRL_IPADDRESS", "avi:9443"),
        ("SHARD_VS_SIZE", "DEDICATED"),
        ("SHARD_HASH", "fnv1a"),
        ("PASSTHROUGH_SHARD_SIZE", "MEDIUM"),
        ("BLOCKED_NS_LIST", r#"["kube-system"]"#),
        ("NAMESPACE_SYNC_LABEL_KEY", "team"),
        ("NAMESPACE_SYNC_LABEL_VALUE", "blue"),
        ("FULL_SYNC_INTERVAL", "0"),
        ("TENANT_NAME", "t1"),
        ("AVI_API_RATE_LIMIT", "5"),
        ("OPENSHIFT", "true"),
    ]);
    let c = ConfigSources::new()
        .env(|k| env.get(k).map(|v| v.to_string()))
        .build()
        .unwrap();
    assert_eq!(c.cluster_name, "env-cluster");
    assert_eq!(c.controller.host, "avi:9443");
    assert_eq!(c.shard_size, ShardSize::Dedicated);
    assert_eq!(c.shard_hash, ShardHash::Fnv1a);
    assert_eq!(c.passthrough_shard_size, ShardSize::Medium);
    assert_eq!(
        c.blocked_namespaces,
        BTreeSet::from(["kube-system".to_owned()])
    );
    assert_eq!(c.namespace_selector, Some(("team".into(), "blue".into())));
    assert_eq!(c.full_sync_interval, Duration::ZERO);
    assert_eq!(c.controller.tenant, "t1");
    assert_eq!(c.api_rate_limit, 5);
    assert!(c.openshift);
}

#[test]
fn values_file_is_read_from_disk() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("values.yaml");
    std::fs::write(&path, CHART_VALUES).unwrap();
    let c = ConfigSources::new()
        .values_file(&path)
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(c.cluster_name, "prod-1");
    let missing = ConfigSources::new().values_file(&dir.path().join("nope.yaml"));
    let err = missing.unwrap_err().to_string();
    assert!(
        err.starts_with("values file ") && err.contains("nope.yaml"),
        "{err}"
    );
}

/// Every key of the original chart's default values.yaml (1.x), at its default.
const STOCK_VALUES: &str = r#"
replicaCount: 1
AKOSettings:
  primaryInstance: true
  enableEvents: "true"
  logLevel: "WARN"
  fullSyncFrequency: "1800"
  apiServerPort: 8080
  deleteConfig: "false"
  disableStaticRouteSync: "false"
  clusterName: "my-cluster"
  cniPlugin: ""
  enableEVH: false
  layer7Only: false
  namespaceSelector:
    labelKey: ""
    labelValue: ""
  servicesAPI: false
  vipPerNamespace: "false"
  istioEnabled: false
  blockedNamespaceList: []
  ipFamily: ""
  useDefaultSecretsOnly: "false"
  vpcMode: false
NetworkSettings:
  nodeNetworkList: []
  enableRHI: false
  nsxtT1LR: ""
  bgpPeerLabels: []
  vipNetworkList: []
  defaultDomain: ""
L7Settings:
  defaultIngController: "true"
  noPGForSNI: false
  serviceType: ClusterIP
  shardVSSize: "LARGE"
  passthroughShardSize: "SMALL"
  enableMCI: "false"
  fqdnReusePolicy: "InterNamespaceAllowed"
L4Settings:
  defaultDomain: ""
  autoFQDN: "default"
  defaultLBController: "true"
ControllerSettings:
  serviceEngineGroupName: "Default-Group"
  controllerVersion: ""
  cloudName: "Default-Cloud"
  controllerHost: ""
  tenantName: "admin"
  vrfName: ""
  dedicatedTenantMode: false
nodePortSelector:
  key: ""
  value: ""
avicredentials:
  username:
  password:
"#;

#[test]
fn the_stock_chart_values_load_with_nothing_ignored() {
    let s = ConfigSources::new().values_yaml(STOCK_VALUES).unwrap();
    assert_eq!(s.ignored(), [] as [String; 0]);
    assert_eq!(s.build().unwrap(), AkoConfig::new("my-cluster"));
}
