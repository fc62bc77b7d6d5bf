//! Scenario settings (Helm leaf names) → the `avi-k8s-config` ConfigMap data AKO
//! reads (ako::config's ConfigMap keys): most keys keep their name, selectors split
//! into two keys, lists go as JSON, durations as whole seconds. `replicaCount` is the
//! StatefulSet's, not the ConfigMap's.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::scenario::Settings;

/// The seeded VIP network of avi-sim, used when a scenario sets no `vipNetworkList`.
pub const DEFAULT_VIP_NETWORKS: &str = r#"[{"networkName":"vip-network","cidr":"10.10.10.0/24"}]"#;

/// ConfigMap data for `settings`, talking to Avi at `controller`.
pub fn render(settings: &Settings, controller: &str) -> BTreeMap<String, String> {
    let mut data = BTreeMap::new();
    data.insert("controllerIP".to_owned(), controller.to_owned());
    data.insert("vipNetworkList".to_owned(), DEFAULT_VIP_NETWORKS.to_owned());
    // The runner moves time itself (advance_time); no periodic full sync by default.
    data.insert("fullSyncFrequency".to_owned(), "0".to_owned());
    let Ok(Value::Object(map)) = serde_json::to_value(settings) else {
        return data;
    };
    for (key, value) in map {
        match key.as_str() {
            "replicaCount" => {}
            "namespaceSelector" => {
                put(&mut data, "nsSyncLabelKey", &value["labelKey"]);
                put(&mut data, "nsSyncLabelValue", &value["labelValue"]);
            }
            "nodePortSelector" => {
                put(&mut data, "nodeKey", &value["key"]);
                put(&mut data, "nodeValue", &value["value"]);
            }
            "fullSyncFrequency" => {
                let secs = settings
                    .full_sync_frequency
                    .map(|d| d.as_std().as_secs())
                    .unwrap_or_default();
                data.insert(key, secs.to_string());
            }
            _ => put(&mut data, &key, &value),
        }
    }
    data
}

fn put(data: &mut BTreeMap<String, String>, key: &str, value: &Value) {
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Null => return,
        Value::Array(_) | Value::Object(_) => value.to_string(),
        other => other.to_string(),
    };
    data.insert(key.to_owned(), text);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_follow_the_configmap_names() {
        let s: Settings = serde_yaml::from_str(
            "{clusterName: c1, shardVSSize: SMALL, namespaceSelector: {labelKey: app, labelValue: x}, \
             blockedNamespaceList: [a, b], fullSyncFrequency: 5m, replicaCount: 2, deleteConfig: true}",
        )
        .unwrap();
        let d = render(&s, "http://127.0.0.1:1");
        assert_eq!(d["clusterName"], "c1");
        assert_eq!(d["shardVSSize"], "SMALL");
        assert_eq!(d["nsSyncLabelKey"], "app");
        assert_eq!(d["nsSyncLabelValue"], "x");
        assert_eq!(d["blockedNamespaceList"], r#"["a","b"]"#);
        assert_eq!(d["fullSyncFrequency"], "300");
        assert_eq!(d["deleteConfig"], "true");
        assert!(!d.contains_key("replicaCount"));
        // ako reads what we render
        let cfg = ako::config::ConfigSources::new()
            .configmap(&d)
            .build()
            .unwrap();
        let _ = cfg;
    }
}
