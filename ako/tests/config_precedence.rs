//! Precedence: defaults < values files (in order) < ConfigMap < environment.

use std::collections::BTreeMap;

use ako::config::ConfigSources;
use ako::shard::ShardSize;

fn cm(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
    move |k| {
        pairs
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| v.to_string())
    }
}

const VALUES: &str = "AKOSettings:\n  clusterName: from-values\n  layer7Only: true\nL7Settings:\n  shardVSSize: SMALL\nControllerSettings:\n  tenantName: values-tenant\n";

#[test]
fn configmap_overrides_values_and_env_overrides_both() {
    let data = cm(&[("clusterName", "from-cm"), ("shardVSSize", "MEDIUM")]);
    let c = ConfigSources::new()
        .values_yaml(VALUES)
        .unwrap()
        .configmap(&data)
        .env(env(&[("SHARD_VS_SIZE", "DEDICATED")]))
        .build()
        .unwrap();
    assert_eq!(c.cluster_name, "from-cm", "ConfigMap over values");
    assert_eq!(c.shard_size, ShardSize::Dedicated, "env over ConfigMap");
    assert_eq!(
        c.controller.tenant, "values-tenant",
        "values where nothing overrides"
    );
    assert!(c.layer7_only);
}

#[test]
fn precedence_does_not_depend_on_call_order() {
    let data = cm(&[("shardVSSize", "MEDIUM")]);
    let a = ConfigSources::new()
        .env(env(&[("CLUSTER_NAME", "e")]))
        .configmap(&data)
        .values_yaml(VALUES)
        .unwrap()
        .build()
        .unwrap();
    let b = ConfigSources::new()
        .values_yaml(VALUES)
        .unwrap()
        .configmap(&data)
        .env(env(&[("CLUSTER_NAME", "e")]))
        .build()
        .unwrap();
    assert_eq!(a, b);
    assert_eq!(a.cluster_name, "e");
    assert_eq!(a.shard_size, ShardSize::Medium);
}

#[test]
fn later_values_files_override_earlier_ones() {
    let c = ConfigSources::new()
        .values_yaml(VALUES)
        .unwrap()
        .values_yaml("L7Settings:\n  shardVSSize: LARGE\n")
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(c.shard_size, ShardSize::Large);
    assert_eq!(
        c.cluster_name, "from-values",
        "keys the later file lacks are kept"
    );
}

#[test]
fn empty_values_do_not_override() {
    let c = ConfigSources::new()
        .values_yaml(VALUES)
        .unwrap()
        .configmap(&cm(&[("clusterName", ""), ("shardVSSize", " ")]))
        .env(env(&[("CLUSTER_NAME", "")]))
        .build()
        .unwrap();
    assert_eq!(c.cluster_name, "from-values");
    assert_eq!(c.shard_size, ShardSize::Small);
}

#[test]
fn live_configmap_keys_have_no_environment_variable() {
    // deleteConfig is read from the ConfigMap only, as in the original.
    let c = ConfigSources::new()
        .configmap(&cm(&[("clusterName", "c"), ("deleteConfig", "true")]))
        .env(env(&[
            ("DELETE_CONFIG", "false"),
            ("deleteConfig", "false"),
        ]))
        .build()
        .unwrap();
    assert!(c.delete_config);
}

#[test]
fn a_new_configmap_replaces_the_old_one() {
    let s = ConfigSources::new().configmap(&cm(&[("clusterName", "c"), ("deleteConfig", "true")]));
    assert!(s.build().unwrap().delete_config);
    let s = s.configmap(&cm(&[("clusterName", "c")]));
    assert!(!s.build().unwrap().delete_config);
}
