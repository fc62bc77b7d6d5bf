//! Shared by the `avi_*` and `sync_*` tests: an avi-sim instance and clients for it.
#![allow(dead_code)] // each test binary uses a different part

use std::time::Duration;

use std::collections::BTreeSet;

use ako::avi::{
    AviClient, AviClientConfig, Backoff, Credentials, ListQuery, RateLimit, RetryPolicy,
};
use ako::model::{AviGraph, AviKey, AviKind};
use ako::sync::{InfraScope, PlanReport, SyncOptions, Syncer};
use avi_sim::{Config, Entry, Handle};
use serde_json::Value;

pub async fn sim() -> Handle {
    avi_sim::spawn(Config::default())
        .await
        .expect("avi-sim starts")
}

/// Fast retries so fault tests take milliseconds; a generous rate budget.
pub fn config(sim: &Handle, client_id: &str) -> AviClientConfig {
    let url = url::Url::parse(&sim.url()).expect("sim url");
    let mut cfg = AviClientConfig::new(
        url,
        Credentials::Password {
            username: sim.username().to_string(),
            password: sim.password().to_string(),
        },
    );
    cfg.client_id = client_id.to_string();
    cfg.rate_limit = RateLimit {
        per_second: 1000.0,
        burst: 1000,
    };
    cfg.retry = RetryPolicy {
        max_attempts: 5,
        backoff: Backoff::new(Duration::from_millis(5), Duration::from_millis(50)),
        max_relogins: 3,
    };
    cfg.request_timeout = Duration::from_secs(10);
    cfg
}

pub fn client(sim: &Handle, client_id: &str) -> AviClient {
    AviClient::new(config(sim, client_id)).expect("client builds")
}

/// Request-log entries of one client.
pub fn entries(sim: &Handle, client_id: &str) -> Vec<Entry> {
    sim.request_log()
        .entries()
        .into_iter()
        .filter(|e| e.client == client_id)
        .collect()
}

/// `(method, object_type, status)` of one client's requests, in order.
pub fn calls(sim: &Handle, client_id: &str) -> Vec<(String, String, u16)> {
    entries(sim, client_id)
        .into_iter()
        .map(|e| (e.method, e.object_type, e.status))
        .collect()
}

/// Object write requests (not logins) of one client as `"<VERB> <type>"`, in order.
pub fn writes(sim: &Handle, client_id: &str) -> Vec<String> {
    entries(sim, client_id)
        .into_iter()
        .filter(|e| e.is_write() && e.object_type != "login")
        .map(|e| format!("{} {}", e.method, e.object_type))
        .collect()
}

/// Cluster `c`'s settings against avi-sim's seeded VIP network.
pub fn values(cluster: &str) -> ako::config::AkoConfig {
    let yaml = format!(
        "AKOSettings:\n  clusterName: {cluster}\nL7Settings:\n  shardVSSize: SMALL\n\
         NetworkSettings:\n  vipNetworkList:\n  - networkName: vip-network\n    cidr: 10.10.10.0/24\n"
    );
    ako::config::ConfigSources::new()
        .values_yaml(&yaml)
        .expect("values parse")
        .build()
        .expect("values valid")
}

/// A small cluster: an L4 Service, an Ingress with an insecure and a TLS host, two
/// nodes (static routes).
pub const CLUSTER: &str = r#"
apiVersion: v1
kind: Service
metadata: {name: dns, namespace: infra}
spec:
  type: LoadBalancer
  ports: [{name: dns-tcp, port: 53, protocol: TCP, targetPort: 5353}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: dns-1, namespace: infra, labels: {kubernetes.io/service-name: dns}}
addressType: IPv4
ports: [{name: dns-tcp, port: 5353, protocol: TCP}]
endpoints: [{addresses: [10.244.5.1]}, {addresses: [10.244.5.2]}]
---
apiVersion: v1
kind: Secret
metadata: {name: shop-tls, namespace: shop}
type: kubernetes.io/tls
stringData:
  tls.crt: "-----BEGIN CERTIFICATE-----\nMIIshop\n-----END CERTIFICATE-----\n"
  tls.key: "-----BEGIN PRIVATE KEY-----\nMIIshopkey\n-----END PRIVATE KEY-----\n"
---
apiVersion: v1
kind: Service
metadata: {name: app, namespace: shop}
spec:
  ports: [{name: web, port: 8080}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: app-1, namespace: shop, labels: {kubernetes.io/service-name: app}}
addressType: IPv4
ports: [{name: web, port: 8080}]
endpoints: [{addresses: [10.244.0.10, 10.244.0.11]}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop, namespace: shop}
spec:
  tls:
  - hosts: [secure.shop.example.com]
    secretName: shop-tls
  rules:
  - host: secure.shop.example.com
    http:
      paths:
      - {path: /cart, pathType: Prefix, backend: {service: {name: app, port: {name: web}}}}
  - host: plain.shop.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: app, port: {number: 8080}}}}
---
apiVersion: v1
kind: Node
metadata: {name: node-a}
spec: {podCIDR: 10.244.0.0/24}
status:
  addresses: [{type: InternalIP, address: 192.168.1.10}]
---
apiVersion: v1
kind: Node
metadata: {name: node-b}
spec: {podCIDR: 10.244.1.0/24}
status:
  addresses: [{type: InternalIP, address: 192.168.1.11}]
"#;

/// The model's graph of [`CLUSTER`] for `cluster`.
pub fn graph(cluster: &str) -> AviGraph {
    graph_for(&values(cluster))
}

/// The model's graph of [`CLUSTER`] under `cfg`.
pub fn graph_for(cfg: &ako::config::AkoConfig) -> AviGraph {
    let mut state = ako::model::ClusterState::new();
    let errors = ako::model::input::load(&mut state, CLUSTER);
    assert!(errors.is_empty(), "{errors:?}");
    let (graph, _diags) = ako::model::build(&state, cfg);
    graph
}

// ---- sync tests ----

pub fn options() -> SyncOptions {
    SyncOptions {
        concurrency: 8,
        object_backoff: Backoff::new(Duration::from_millis(10), Duration::from_millis(40)),
        scope: InfraScope {
            vrf: Some("global".into()),
            se_groups: BTreeSet::from(["Default-Group".to_string()]),
        },
    }
}

pub async fn syncer(sim: &Handle, cluster: &str, client_id: &str) -> Syncer {
    Syncer::boot(client(sim, client_id), cluster, options()).await
}

pub fn assert_converged(report: &PlanReport) {
    assert!(report.is_converged(), "{report:#?}");
}

/// A syncer for `cluster` that has applied `g` and converged.
pub async fn synced(sim: &Handle, cluster: &str, client_id: &str, g: &AviGraph) -> Syncer {
    let mut s = syncer(sim, cluster, client_id).await;
    assert_converged(&s.sync(g, true).await);
    s
}

/// One converged round of `g`; the request log is cleared first, so [`writes`]
/// afterwards shows this round's writes only.
pub async fn round(sim: &Handle, s: &mut Syncer, g: &AviGraph) -> PlanReport {
    sim.request_log().clear();
    let report = s.sync(g, true).await;
    assert_converged(&report);
    report
}

/// Asserts that `client_id` wrote nothing since the request log was last cleared.
pub fn assert_no_writes(sim: &Handle, client_id: &str) {
    let done = writes(sim, client_id);
    assert!(done.is_empty(), "{client_id} wrote {done:?}");
}

/// [`writes`], sorted: for rounds whose writes run concurrently.
pub fn sorted_writes(sim: &Handle, client_id: &str) -> Vec<String> {
    let mut done = writes(sim, client_id);
    done.sort();
    done
}

/// The keys of `g`'s objects of `kind`, in key order.
pub fn keys_of(g: &AviGraph, kind: AviKind) -> Vec<AviKey> {
    g.objects
        .keys()
        .filter(|k| k.kind == kind)
        .cloned()
        .collect()
}

/// The `global` VRF, as `s` last saw it, holds routes and all are cluster c1-b's.
pub fn assert_only_c1_b_routes(s: &Syncer) {
    let vrf = &s.cache().vrf("global").unwrap().body;
    let ids: Vec<&str> = vrf["static_routes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["route_id"].as_str().unwrap())
        .collect();
    assert!(
        !ids.is_empty() && ids.iter().all(|id| id.starts_with("c1-b-")),
        "{ids:?}"
    );
}

/// Every object of `kind` on the controller.
pub async fn listed(sim: &Handle, kind: AviKind) -> Vec<Value> {
    client(sim, "inspector")
        .list(kind.api_path(), &ListQuery::new())
        .await
        .unwrap()
}

/// Names of every object of `kind` on the controller.
pub async fn names(sim: &Handle, kind: AviKind) -> Vec<String> {
    listed(sim, kind)
        .await
        .iter()
        .map(|o| o["name"].as_str().unwrap().to_string())
        .collect()
}
