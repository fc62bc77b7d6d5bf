//! Property tests of `model::build`: independent of input order and repeated runs;
//! every host on `shard::of(host)`; adding or removing one host changes no object
//! of another host; no VS carries more than 1000 FQDNs.

use std::collections::{BTreeMap, BTreeSet};

use ako::config::AkoConfig;
use ako::model::{self, AviGraph, AviKind, ClusterState, Diagnostic};
use ako::naming;
use ako::shard::{self, ShardHash, ShardSize};
use k8s_openapi::api::core::v1::{Secret, Service, ServicePort, ServiceSpec};
use k8s_openapi::api::discovery::v1::{Endpoint, EndpointPort, EndpointSlice};
use k8s_openapi::api::networking::v1::{
    HTTPIngressPath, HTTPIngressRuleValue, Ingress, IngressBackend, IngressRule,
    IngressServiceBackend, IngressSpec, IngressTLS, ServiceBackendPort,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use proptest::prelude::*;

/// One generated Ingress: namespace index, host, paths, TLS.
#[derive(Debug, Clone)]
struct Spec {
    ns: usize,
    host: String,
    paths: Vec<(String, bool)>,
    secure: bool,
}

#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)] // test input; size is irrelevant
enum Obj {
    Ingress(Box<Ingress>),
    Service(Service),
    Slice(EndpointSlice),
    Secret(Secret),
}

fn meta(ns: &str, name: &str) -> ObjectMeta {
    ObjectMeta {
        namespace: Some(ns.to_owned()),
        name: Some(name.to_owned()),
        ..Default::default()
    }
}

fn ns_name(i: usize) -> String {
    format!("ns{i}")
}

/// The objects for `specs` (Ingress `ing-<host>` per spec, one Service, slice and
/// TLS secret per namespace), in a canonical order.
fn objects(specs: &[Spec]) -> Vec<Obj> {
    let mut out = Vec::new();
    let namespaces: BTreeSet<usize> = specs.iter().map(|s| s.ns).collect();
    for ns in namespaces {
        let ns = ns_name(ns);
        out.push(Obj::Service(Service {
            metadata: meta(&ns, "web"),
            spec: Some(ServiceSpec {
                ports: Some(vec![ServicePort {
                    port: 80,
                    ..Default::default()
                }]),
                ..Default::default()
            }),
            ..Default::default()
        }));
        let mut slice_meta = meta(&ns, "web-1");
        slice_meta.labels = Some(BTreeMap::from([(
            model::SERVICE_NAME_LABEL.to_owned(),
            "web".to_owned(),
        )]));
        out.push(Obj::Slice(EndpointSlice {
            metadata: slice_meta,
            address_type: "IPv4".to_owned(),
            ports: Some(vec![EndpointPort {
                port: Some(8080),
                ..Default::default()
            }]),
            endpoints: vec![Endpoint {
                addresses: vec!["10.244.0.1".to_owned()],
                ..Default::default()
            }]
            .into(),
        }));
        out.push(Obj::Secret(Secret {
            metadata: meta(&ns, "tls"),
            string_data: Some(BTreeMap::from([
                (
                    "tls.crt".to_owned(),
                    "-----BEGIN CERTIFICATE-----\nx\n".to_owned(),
                ),
                (
                    "tls.key".to_owned(),
                    "-----BEGIN PRIVATE KEY-----\ny\n".to_owned(),
                ),
            ])),
            ..Default::default()
        }));
    }
    for s in specs {
        let ns = ns_name(s.ns);
        let paths = s
            .paths
            .iter()
            .map(|(p, exact)| HTTPIngressPath {
                path: Some(p.clone()),
                path_type: if *exact { "Exact" } else { "Prefix" }.to_owned(),
                backend: IngressBackend {
                    service: Some(IngressServiceBackend {
                        name: "web".to_owned(),
                        port: Some(ServiceBackendPort {
                            number: Some(80),
                            name: None,
                        }),
                    }),
                    resource: None,
                },
            })
            .collect();
        out.push(Obj::Ingress(Box::new(Ingress {
            metadata: meta(&ns, &format!("ing-{}", s.host)),
            spec: Some(IngressSpec {
                rules: Some(vec![IngressRule {
                    host: Some(s.host.clone()),
                    http: Some(HTTPIngressRuleValue { paths }),
                }]),
                tls: s.secure.then(|| {
                    vec![IngressTLS {
                        hosts: Some(vec![s.host.clone()]),
                        secret_name: Some("tls".to_owned()),
                    }]
                }),
                ..Default::default()
            }),
            ..Default::default()
        })));
    }
    out
}

fn state_of(objs: impl IntoIterator<Item = Obj>) -> ClusterState {
    let mut state = ClusterState::new();
    for o in objs {
        match o {
            Obj::Ingress(x) => state.apply(*x),
            Obj::Service(x) => state.apply(x),
            Obj::Slice(x) => state.apply(x),
            Obj::Secret(x) => state.apply(x),
        };
    }
    state
}

fn cfg(size: ShardSize, hash: ShardHash) -> AkoConfig {
    let mut cfg = AkoConfig::new("c1");
    cfg.shard_size = size;
    cfg.shard_hash = hash;
    cfg
}

fn host_strategy() -> impl Strategy<Value = String> {
    "[a-z]{1,6}(-[a-z0-9]{1,4})?".prop_map(|h| format!("{h}.example.com"))
}

fn path_strategy() -> impl Strategy<Value = (String, bool)> {
    ("(/[a-z]{1,3}){0,3}", any::<bool>())
        .prop_map(|(p, exact)| (if p.is_empty() { "/".to_owned() } else { p }, exact))
}

fn specs_strategy(max: usize) -> impl Strategy<Value = Vec<Spec>> {
    proptest::collection::btree_map(
        host_strategy(),
        (
            0..3usize,
            proptest::collection::btree_set(path_strategy(), 1..4),
            any::<bool>(),
        ),
        1..max,
    )
    .prop_map(|m| {
        m.into_iter()
            .map(|(host, (ns, paths, secure))| Spec {
                ns,
                host,
                paths: paths.into_iter().collect(),
                secure,
            })
            .collect()
    })
}

fn size_strategy() -> impl Strategy<Value = ShardSize> {
    prop_oneof![
        Just(ShardSize::Large),
        Just(ShardSize::Medium),
        Just(ShardSize::Small),
        Just(ShardSize::Dedicated)
    ]
}

fn hash_strategy() -> impl Strategy<Value = ShardHash> {
    prop_oneof![Just(ShardHash::Md5), Just(ShardHash::Fnv1a)]
}

fn fqdns(graph: &AviGraph, vsvip: &str) -> Vec<String> {
    graph
        .get(AviKind::VsVip, vsvip)
        .and_then(|o| o.body.get("dns_info"))
        .and_then(|d| d.as_array())
        .map(|list| {
            list.iter()
                .filter_map(|e| e.get("fqdn")?.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Objects that belong to no single host: shared parents and their companions.
fn shared_objects(graph: &AviGraph) -> BTreeSet<String> {
    graph.shared_parents.iter().cloned().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn independent_of_input_order_and_runs(
        specs in specs_strategy(30),
        seed in any::<u64>(),
        size in size_strategy(),
        hash in hash_strategy(),
    ) {
        let cfg = cfg(size, hash);
        let mut objs = objects(&specs);
        let (graph, diags) = model::build(&state_of(objs.clone()), &cfg);
        // Deterministic shuffle from the seed (no randomness in the property itself).
        let mut s = seed | 1;
        for i in (1..objs.len()).rev() {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            objs.swap(i, (s % (i as u64 + 1)) as usize);
        }
        let (again, diags_again) = model::build(&state_of(objs), &cfg);
        prop_assert_eq!(&graph, &again);
        prop_assert_eq!(&diags, &diags_again);
        let (third, _) = model::build(&state_of(objects(&specs)), &cfg);
        prop_assert_eq!(model::report::to_yaml(&graph, &diags), model::report::to_yaml(&third, &diags_again));
    }

    #[test]
    fn every_host_on_its_shard(
        specs in specs_strategy(40),
        size in size_strategy(),
        hash in hash_strategy(),
    ) {
        let cfg = cfg(size, hash);
        let (graph, _) = model::build(&state_of(objects(&specs)), &cfg);
        for s in &specs {
            let at = shard::place(&s.host, size, hash);
            let vs = naming::l7_parent_vs("c1", None, &s.host, at);
            prop_assert!(graph.get(AviKind::VirtualService, &vs).is_some(), "missing VS {vs}");
            let on = fqdns(&graph, &naming::shared_vsvip(&vs));
            prop_assert!(on.contains(&s.host), "{} not on {vs}: {on:?}", s.host);
            if let Some(count) = size.count() {
                // On no other shard.
                for n in (0..count).filter(|n| Some(*n) != match at { shard::Placement::Shared(k) => Some(k), _ => None }) {
                    let other = naming::shared_vs("c1", None, n);
                    prop_assert!(!fqdns(&graph, &other).contains(&s.host));
                }
            }
            if s.secure && size.count().is_some() {
                let child = graph.get(AviKind::VirtualService, &naming::sni_child_vs("c1", None, &s.host));
                let parent = child.and_then(|c| c.body.get("vh_parent_vs_ref")).and_then(|r| r.as_str());
                let expected = format!("/api/virtualservice?name={vs}");
                prop_assert_eq!(parent, Some(expected.as_str()));
            }
        }
    }

    #[test]
    fn one_host_changes_no_object_of_another(
        specs in specs_strategy(20),
        extra in (host_strategy(), 0..3usize, proptest::collection::btree_set(path_strategy(), 1..4), any::<bool>()),
        size in size_strategy(),
        hash in hash_strategy(),
    ) {
        let (host, ns, paths, secure) = extra;
        prop_assume!(specs.iter().all(|s| s.host != host));
        let cfg = cfg(size, hash);
        let (before, _) = model::build(&state_of(objects(&specs)), &cfg);
        let mut more = specs.clone();
        more.push(Spec { ns, host: host.clone(), paths: paths.into_iter().collect(), secure });
        let (after, _) = model::build(&state_of(objects(&more)), &cfg);
        let shared = shared_objects(&after);
        let keys: BTreeSet<_> = before.objects.keys().chain(after.objects.keys()).collect();
        let marker = format!("-{host}");
        for key in keys {
            if before.objects.get(key) == after.objects.get(key) {
                continue;
            }
            let of_new_host = key.name.contains(&marker);
            prop_assert!(
                of_new_host || shared.contains(&key.name),
                "adding {host} changed {key}, which belongs to another host"
            );
        }
        // And every other host keeps its status.
        for (k, v) in &before.status {
            prop_assert_eq!(Some(v), after.status.get(k));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn no_vs_over_1000_fqdns(extra in 1usize..40, secure_every in 2usize..7) {
        let specs: Vec<Spec> = (0..model::MAX_FQDNS_PER_VS + extra)
            .map(|i| Spec {
                ns: i % 3,
                host: format!("h{i}.example.com"),
                paths: vec![("/".to_owned(), false)],
                secure: i % secure_every == 0,
            })
            .collect();
        let cfg = cfg(ShardSize::Small, ShardHash::Md5);
        let (graph, diags) = model::build(&state_of(objects(&specs)), &cfg);
        for key in graph.objects.keys().filter(|k| k.kind == AviKind::VsVip) {
            prop_assert!(fqdns(&graph, &key.name).len() <= model::MAX_FQDNS_PER_VS);
        }
        let refused: Vec<&Diagnostic> = diags.iter().filter(|d| d.reason == "ShardFqdnLimit").collect();
        prop_assert_eq!(refused.len(), extra);
        prop_assert_eq!(fqdns(&graph, "c1--Shared-L7-0").len(), model::MAX_FQDNS_PER_VS);
    }
}
