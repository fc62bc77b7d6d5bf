//! `ClusterState` (apply / delete / reset, the EndpointSlice index), `ObjectKey`
//! display, and manifest input (v1alpha1 conversion, bad documents reported
//! without losing the others).

use std::collections::BTreeMap;

use ako::crd::{AviInfraSetting, HTTPRule, HostRule};
use ako::model::{self, ClusterState, Kind, ObjectKey};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::networking::v1::Ingress;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

fn slice(name: &str, svc: &str) -> EndpointSlice {
    EndpointSlice {
        metadata: ObjectMeta {
            namespace: Some("ns".into()),
            name: Some(name.into()),
            labels: Some(BTreeMap::from([(
                model::SERVICE_NAME_LABEL.into(),
                svc.into(),
            )])),
            ..Default::default()
        },
        address_type: "IPv4".into(),
        endpoints: Default::default(),
        ports: None,
    }
}

fn names<'a>(it: impl Iterator<Item = &'a std::sync::Arc<EndpointSlice>>) -> Vec<String> {
    it.map(|s| s.metadata.name.clone().unwrap()).collect()
}

#[test]
fn object_key_displays_like_kubectl_paths() {
    assert_eq!(
        ObjectKey::new(Kind::Ingress, "ns", "web").to_string(),
        "Ingress/ns/web"
    );
    assert_eq!(ObjectKey::cluster(Kind::Node, "n1").to_string(), "Node/n1");
    assert_eq!(
        ObjectKey::new(Kind::HttpRule, "a", "b").to_string(),
        "HTTPRule/a/b"
    );
}

#[test]
fn endpoint_slice_index_follows_apply_delete_and_reset() {
    let mut state = ClusterState::new();
    state.apply(slice("a", "web"));
    state.apply(slice("b", "web"));
    assert_eq!(names(state.endpoint_slices_of("ns", "web")), ["a", "b"]);
    // Relabelled to another Service: leaves the old index entry.
    state.apply(slice("b", "api"));
    assert_eq!(names(state.endpoint_slices_of("ns", "web")), ["a"]);
    assert_eq!(names(state.endpoint_slices_of("ns", "api")), ["b"]);
    assert!(state.delete(&ObjectKey::new(Kind::EndpointSlice, "ns", "a")));
    assert!(!state.delete(&ObjectKey::new(Kind::EndpointSlice, "ns", "a")));
    assert_eq!(state.endpoint_slices_of("ns", "web").count(), 0);
    state.reset(vec![slice("c", "web")]);
    assert_eq!(names(state.endpoint_slices_of("ns", "web")), ["c"]);
    assert_eq!(state.endpoint_slices_of("ns", "api").count(), 0);
    assert_eq!(state.count::<EndpointSlice>(), 1);
}

#[test]
fn in_namespace_lists_only_that_namespace() {
    let mut state = ClusterState::new();
    for (ns, name) in [("a", "x"), ("ab", "y"), ("b", "z"), ("a", "w")] {
        state.apply(Ingress {
            metadata: ObjectMeta {
                namespace: Some(ns.into()),
                name: Some(name.into()),
                ..Default::default()
            },
            ..Default::default()
        });
    }
    let got: Vec<String> = state
        .in_namespace::<Ingress>("a")
        .map(|(k, _)| k.to_string())
        .collect();
    assert_eq!(got, ["Ingress/a/w", "Ingress/a/x"]);
}

#[test]
fn v1alpha1_crds_load_as_v1beta1() {
    let yaml = r#"
apiVersion: ako.vmware.com/v1alpha1
kind: HostRule
metadata: {name: hr, namespace: ns}
spec:
  virtualhost:
    fqdn: a.example.com
    analyticsPolicy: {fullClientLogs: {enabled: true, throttle: LOW}}
---
apiVersion: ako.vmware.com/v1alpha1
kind: HTTPRule
metadata: {name: rule, namespace: ns}
spec:
  fqdn: a.example.com
  paths: [{target: /x, healthMonitors: [hm]}]
---
apiVersion: ako.vmware.com/v1alpha1
kind: AviInfraSetting
metadata: {name: infra}
spec:
  seGroup: {name: seg}
  l7Settings: {shardSize: SMALL}
"#;
    let mut state = ClusterState::new();
    assert!(model::input::load(&mut state, yaml).is_empty());
    let hr = state.get::<HostRule>("ns", "hr").unwrap();
    let logs = hr
        .spec
        .virtualhost
        .analytics_policy
        .as_ref()
        .unwrap()
        .full_client_logs
        .as_ref()
        .unwrap();
    assert_eq!((logs.enabled, logs.duration), (true, 0));
    assert_eq!(hr.spec.virtualhost.use_regex, None);
    let rule = state.get::<HTTPRule>("ns", "rule").unwrap();
    assert_eq!(rule.spec.paths[0].health_monitors, ["hm"]);
    assert_eq!(rule.spec.paths[0].enable_http2, None);
    let infra = state.get::<AviInfraSetting>("", "infra").unwrap();
    assert_eq!(infra.spec.l7_settings.as_ref().unwrap().shard_size, "SMALL");
    assert_eq!(infra.spec.se_group.as_ref().unwrap().name, "seg");
}

#[test]
fn bad_documents_are_reported_and_the_rest_loads() {
    let yaml = r#"
apiVersion: v1
kind: ConfigMap
metadata: {name: cm, namespace: ns}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: broken, namespace: ns}
spec: {rules: 5}
---
apiVersion: v1
kind: List
items:
- apiVersion: networking.k8s.io/v1
  kind: Ingress
  metadata: {name: good, namespace: ns}
"#;
    let mut state = ClusterState::new();
    let errors: Vec<String> = model::input::load(&mut state, yaml)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors[0].contains("document 1 (v1 ConfigMap ns/cm)"),
        "{}",
        errors[0]
    );
    assert!(
        errors[1].contains("document 2 (networking.k8s.io/v1 Ingress ns/broken)"),
        "{}",
        errors[1]
    );
    assert!(state.get::<Ingress>("ns", "good").is_some());
    assert!(state.get::<Ingress>("ns", "broken").is_none());
}
