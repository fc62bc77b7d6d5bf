//! Markers on a host's own objects (spec §3.3, the original's `PopulateVSNodeMarkers`
//! and `PopulateHTTPPolicysetNodeMarkers`): the SNI child VS and its HTTP policy set
//! carry Namespace (of the Ingress that claims the host's TLS) and Host; so do a
//! DEDICATED VS and its policy set (Namespace of the host's first Ingress).

use ako::config::AkoConfig;
use ako::model::{self, AviGraph, AviKind, ClusterState};
use ako::shard::ShardSize;
use serde_json::{Value, json};

const HOST: &str = "portal.example.com";

/// Two Ingresses for one secure host: `team-a`'s (older) claims it.
fn cluster() -> ClusterState {
    let mut y = String::new();
    for (ns, created) in [("team-a", "2026-01-01"), ("team-b", "2026-01-02")] {
        y.push_str(&format!(
            "apiVersion: v1\nkind: Secret\nmetadata: {{name: tls, namespace: {ns}}}\nstringData:\n  tls.crt: \"-----BEGIN CERTIFICATE-----\\nx\\n\"\n  tls.key: \"-----BEGIN PRIVATE KEY-----\\ny\\n\"\n---\n\
             apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {{name: ing, namespace: {ns}, creationTimestamp: \"{created}T00:00:00Z\"}}\nspec:\n  tls: [{{hosts: [{HOST}], secretName: tls}}]\n  rules:\n  - host: {HOST}\n    http: {{paths: [{{path: /{ns}, pathType: Prefix, backend: {{service: {{name: web, port: {{number: 80}}}}}}}}]}}\n---\n"
        ));
    }
    let mut state = ClusterState::new();
    let errors = model::input::load(&mut state, &y);
    assert!(errors.is_empty(), "{errors:#?}");
    state
}

fn build(size: ShardSize) -> AviGraph {
    let mut cfg = AkoConfig::new("c1");
    cfg.shard_size = size;
    model::build(&cluster(), &cfg).0
}

/// The markers of the one object of `kind` whose Host marker is [`HOST`] and that
/// `pick` selects.
fn markers_of(graph: &AviGraph, kind: AviKind, pick: impl Fn(&Value) -> bool) -> Value {
    let found: Vec<&Value> = graph
        .objects
        .iter()
        .filter(|(k, _)| k.kind == kind)
        .map(|(_, o)| &o.body)
        .filter(|b| pick(b))
        .collect();
    assert_eq!(found.len(), 1, "{kind:?}: {found:#?}");
    found[0]["markers"].clone()
}

fn expected() -> Value {
    json!([
        {"key": "clustername", "values": ["c1"]},
        {"key": "Namespace", "values": ["team-a"]},
        {"key": "Host", "values": [HOST]},
    ])
}

#[test]
fn sni_child_and_its_policy_set_carry_namespace_and_host() {
    let graph = build(ShardSize::Small);
    let child = markers_of(&graph, AviKind::VirtualService, |b| {
        b["type"] == "VS_TYPE_VH_CHILD"
    });
    assert_eq!(child, expected());
    let ps = markers_of(&graph, AviKind::HttpPolicySet, |b| {
        b["name"].as_str().is_some_and(|n| n.contains(HOST))
    });
    assert_eq!(ps, expected());
}

#[test]
fn dedicated_vs_and_its_policy_set_carry_namespace_and_host() {
    let graph = build(ShardSize::Dedicated);
    let vs = markers_of(&graph, AviKind::VirtualService, |b| {
        b["name"]
            .as_str()
            .is_some_and(|n| n.ends_with("-L7-dedicated"))
    });
    assert_eq!(vs, expected());
    let ps = markers_of(&graph, AviKind::HttpPolicySet, |b| {
        b["name"].as_str().is_some_and(|n| n.contains("team-a"))
    });
    assert_eq!(ps, expected());
}
