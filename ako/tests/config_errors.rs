//! Invalid settings: each error names the key as its source spells it and, for
//! enumerations, the allowed values; every error of one load is reported.

use std::collections::BTreeMap;

use ako::config::{ConfigError, ConfigErrors, ConfigSources};

fn from_cm(pairs: &[(&str, &str)]) -> Result<ako::config::AkoConfig, ConfigErrors> {
    let mut data: BTreeMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    data.entry("clusterName".into())
        .or_insert_with(|| "c1".into());
    ConfigSources::new().configmap(&data).build()
}

fn messages(r: Result<ako::config::AkoConfig, ConfigErrors>) -> Vec<String> {
    r.unwrap_err().0.iter().map(ToString::to_string).collect()
}

#[test]
fn shard_size_error_names_the_key_in_each_source() {
    assert_eq!(
        messages(from_cm(&[("shardVSSize", "HUGE")])),
        [r#"shardVSSize: "HUGE" is not one of LARGE, MEDIUM, SMALL, DEDICATED"#]
    );
    let values = "AKOSettings:\n  clusterName: c1\nL7Settings:\n  shardVSSize: HUGE\n";
    let r = ConfigSources::new().values_yaml(values).unwrap().build();
    assert_eq!(
        messages(r),
        [r#"L7Settings.shardVSSize: "HUGE" is not one of LARGE, MEDIUM, SMALL, DEDICATED"#]
    );
    let r = ConfigSources::new()
        .env(|k| match k {
            "CLUSTER_NAME" => Some("c1".into()),
            "PASSTHROUGH_SHARD_SIZE" => Some("tiny".into()),
            _ => None,
        })
        .build();
    assert_eq!(
        messages(r),
        [r#"PASSTHROUGH_SHARD_SIZE: "tiny" is not one of LARGE, MEDIUM, SMALL, DEDICATED"#]
    );
}

#[test]
fn each_enumeration_lists_its_values() {
    let cases = [
        ("shardHash", "sha1", "md5, fnv1a"),
        (
            "serviceType",
            "LoadBalancer",
            "ClusterIP, NodePort, NodePortLocal",
        ),
        (
            "cniPlugin",
            "weave",
            "calico, canal, flannel, openshift, antrea, ncp, ovn-kubernetes, cilium",
        ),
        ("fqdnReusePolicy", "Loose", "InterNamespaceAllowed, Strict"),
        ("autoFQDN", "fancy", "default, flat, disabled"),
        ("logLevel", "TRACE", "DEBUG, INFO, WARN, ERROR"),
        ("layer7Only", "yes", "true, false"),
    ];
    for (key, value, allowed) in cases {
        let got = messages(from_cm(&[(key, value)]));
        assert_eq!(got, [format!("{key}: {value:?} is not one of {allowed}")]);
    }
}

#[test]
fn cluster_name_is_required_and_checked() {
    let err = ConfigSources::new().build().unwrap_err();
    assert!(
        matches!(err.0.as_slice(), [ConfigError::Missing { .. }]),
        "{err}"
    );
    assert!(err.to_string().contains("CLUSTER_NAME"));
    for bad in ["my cluster", "c1.prod", "ü"] {
        let got = messages(from_cm(&[("clusterName", bad)]));
        assert_eq!(
            got,
            [format!(
                "clusterName: {bad:?} is invalid: only letters, digits, '-' and '_' are allowed"
            )]
        );
    }
    for good in ["c1", "My_Cluster-2", "a"] {
        assert_eq!(
            from_cm(&[("clusterName", good)]).unwrap().cluster_name,
            good
        );
    }
}

#[test]
fn node_port_local_needs_antrea() {
    let got = messages(from_cm(&[
        ("serviceType", "NodePortLocal"),
        ("cniPlugin", "calico"),
    ]));
    assert_eq!(
        got,
        [r#"serviceType: "NodePortLocal" is invalid: NodePortLocal requires cniPlugin antrea"#]
    );
    assert!(from_cm(&[("serviceType", "NodePortLocal"), ("cniPlugin", "antrea")]).is_ok());
}

#[test]
fn network_lists_are_checked() {
    let got = messages(from_cm(&[(
        "vipNetworkList",
        r#"[{"cidr":"10.0.0.0/24"},{"networkName":"n","cidr":"10.0.0.0/33"}]"#,
    )]));
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(
        got[0],
        r#"vipNetworkList[0]: "" is invalid: needs networkName or networkUUID"#
    );
    assert!(
        got[1].starts_with(r#"vipNetworkList[1] cidr: "10.0.0.0/33" is invalid"#),
        "{got:?}"
    );

    let six = format!("[{}]", [r#"{"networkName":"n"}"#; 6].join(","));
    let got = messages(from_cm(&[("nodeNetworkList", &six)]));
    assert_eq!(got.len(), 1);
    assert!(got[0].ends_with("is invalid: at most 5 entries"), "{got:?}");

    let got = messages(from_cm(&[("blockedNamespaceList", "kube-system")]));
    assert!(
        got[0].starts_with(r#"blockedNamespaceList: "kube-system" is invalid"#),
        "{got:?}"
    );
}

#[test]
fn numbers_are_checked() {
    let got = messages(from_cm(&[
        ("fullSyncFrequency", "30m"),
        ("apiServerPort", "70000"),
        ("apiRateLimit", "0"),
    ]));
    assert_eq!(
        got,
        [
            r#"apiServerPort: "70000" is invalid: expected a port number (0-65535)"#,
            r#"fullSyncFrequency: "30m" is invalid: expected whole seconds"#,
            r#"apiRateLimit: "0" is invalid: must be at least 1"#,
        ]
    );
}

#[test]
fn half_set_selectors_are_rejected() {
    let got = messages(from_cm(&[("nsSyncLabelKey", "team")]));
    assert_eq!(
        got,
        [
            r#"nsSyncLabelKey: "team" is invalid: namespaceSelector.labelValue is empty; set both or neither"#
        ]
    );
    let got = messages(from_cm(&[("nodeValue", "edge")]));
    assert_eq!(
        got,
        [
            r#"nodeValue: "edge" is invalid: nodePortSelector.value is set without nodePortSelector.key"#
        ]
    );
}

#[test]
fn unsupported_modes_are_refused_not_ignored() {
    let got = messages(from_cm(&[
        ("enableEVH", "true"),
        ("primaryInstance", "false"),
        ("vipPerNamespace", "false"),
    ]));
    assert_eq!(
        got,
        [
            r#"primaryInstance: "false" is not supported by AKO-rs: one AKO-rs instance set per cluster"#,
            r#"enableEVH: "true" is not supported by AKO-rs: only SNI virtual hosting is implemented"#,
        ]
    );
}

#[test]
fn all_errors_of_one_load_are_reported_together() {
    let err = from_cm(&[
        ("shardVSSize", "HUGE"),
        ("shardHash", "crc"),
        ("clusterName", "bad name"),
    ])
    .unwrap_err();
    assert_eq!(err.0.len(), 3);
    let text = err.to_string();
    assert!(
        text.starts_with("3 invalid settings\n  clusterName:"),
        "{text}"
    );
}

#[test]
fn malformed_values_files_are_reported() {
    let err = ConfigSources::new()
        .values_yaml("AKOSettings: [unclosed")
        .unwrap_err();
    assert!(err.to_string().starts_with("values file: "), "{err}");
    let err = ConfigSources::new().values_yaml("- a\n- b\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "values file: the top level is not a mapping"
    );
}

#[test]
fn unimplemented_features_of_the_original_are_refused_when_enabled() {
    let cases = [
        ("servicesAPI", "true"),
        ("istioEnabled", "true"),
        ("useDefaultSecretsOnly", "true"),
        ("vpcMode", "true"),
        ("enableRHI", "true"),
        ("noPGForSNI", "true"),
        ("enableMCI", "true"),
        ("dedicatedTenantMode", "true"),
        ("vipPerNamespace", "true"),
        ("ipFamily", "V6"),
        ("nsxtT1LR", "/infra/tier-1s/t1"),
        ("bgpPeerLabels", r#"["peer1"]"#),
    ];
    for (key, value) in cases {
        let got = messages(from_cm(&[(key, value)]));
        assert_eq!(got.len(), 1, "{key}: {got:?}");
        let prefix = format!("{key}: {value:?} is not supported by AKO-rs: ");
        assert!(got[0].starts_with(&prefix), "{got:?}");
    }
    let defaults = [
        ("ipFamily", "V4"),
        ("bgpPeerLabels", "[]"),
        ("enableRHI", "false"),
    ];
    assert!(from_cm(&defaults).is_ok());
}
