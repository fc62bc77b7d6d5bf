//! F8: a shared VS carries at most 1000 FQDNs. The hosts past the limit are refused
//! deterministically — the youngest sources lose (creation time, then key), never
//! a host that is already served — with an Error diagnostic on each offending Ingress.

use std::fmt::Write;

use ako::config::AkoConfig;
use ako::model::{self, AviKind, ClusterState, Severity};
use ako::shard::ShardSize;

/// `n` Ingresses, one host each; Ingress i is created at second `n - i`, so
/// alphabetical and seniority order disagree.
fn cluster(n: usize) -> ClusterState {
    let mut y = String::new();
    for i in 0..n {
        let _ = write!(
            y,
            "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {{name: ing{i:04}, namespace: default, creationTimestamp: \"2026-01-01T{:02}:{:02}:{:02}Z\"}}\nspec:\n  rules:\n  - host: h{i:04}.example.com\n    http: {{paths: [{{path: /, pathType: Prefix, backend: {{service: {{name: web, port: {{number: 80}}}}}}}}]}}\n",
            (n - i) / 3600,
            (n - i) / 60 % 60,
            (n - i) % 60
        );
    }
    let mut state = ClusterState::new();
    assert!(model::input::load(&mut state, &y).is_empty());
    state
}

#[test]
fn hosts_past_1000_are_refused_youngest_first() {
    let mut cfg = AkoConfig::new("c1");
    cfg.shard_size = ShardSize::Small;
    let (graph, diags) = model::build(&cluster(1003), &cfg);
    let vsvip = graph.get(AviKind::VsVip, "c1--Shared-L7-0").unwrap();
    let fqdns = vsvip.body["dns_info"].as_array().unwrap();
    assert_eq!(fqdns.len(), model::MAX_FQDNS_PER_VS);
    let refused: Vec<_> = diags
        .iter()
        .filter(|d| d.reason == "ShardFqdnLimit")
        .collect();
    // Ingresses 1000..1002 are the youngest (created first are the highest i).
    let objects: Vec<String> = refused.iter().map(|d| d.object.to_string()).collect();
    assert_eq!(
        objects,
        [
            "Ingress/default/ing0000",
            "Ingress/default/ing0001",
            "Ingress/default/ing0002"
        ]
    );
    assert!(refused.iter().all(|d| d.severity == Severity::Error));
    assert!(!fqdns.iter().any(|f| f["fqdn"] == "h0000.example.com"));
    assert!(fqdns.iter().any(|f| f["fqdn"] == "h1002.example.com"));
    assert!(
        graph
            .get(AviKind::Pool, "c1--h0000.example.com_-default-ing0000")
            .is_none()
    );
    assert!(!graph.status.contains_key(&refused[0].object));
    insta::assert_yaml_snapshot!(refused);
}

#[test]
fn at_the_limit_nothing_is_refused() {
    let mut cfg = AkoConfig::new("c1");
    cfg.shard_size = ShardSize::Small;
    let (_, diags) = model::build(&cluster(model::MAX_FQDNS_PER_VS), &cfg);
    assert!(diags.iter().all(|d| d.reason != "ShardFqdnLimit"));
}
