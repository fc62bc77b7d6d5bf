//! B22: routing follows the Ingress `pathType` — Exact matches only itself, Prefix
//! matches on path-element boundaries, the longest match wins and Exact beats
//! Prefix of the same length. Checked for both routing devices the model emits:
//! the SNI child's HTTP policy rules (evaluated in index order, first match wins,
//! as Avi does) and the shared parent's DataScript table (evaluated the way its
//! Lua matcher does), against a reference implementation of the Kubernetes rules.

use std::collections::BTreeMap;

use ako::config::AkoConfig;
use ako::model::{self, AviGraph, AviKind, ClusterState};
use ako::shard::ShardSize;
use proptest::prelude::*;

const HOST: &str = "paths.example.com";

/// Reference: the path (with its type) that Kubernetes routes `req` to.
fn reference<'a>(paths: &'a [(String, bool)], req: &str) -> Option<&'a (String, bool)> {
    paths
        .iter()
        .filter_map(|entry| {
            let (p, exact) = entry;
            if *exact {
                return (req == p).then_some((p.len(), true, entry));
            }
            let pre = p.trim_end_matches('/');
            let ok = pre.is_empty() || req == pre || req.starts_with(&format!("{pre}/"));
            ok.then_some((pre.len(), false, entry))
        })
        .max_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)))
        .map(|(_, _, e)| e)
}

fn cluster(paths: &[(String, bool)], secure: bool) -> ClusterState {
    let mut y = String::from(
        "apiVersion: v1\nkind: Secret\nmetadata: {name: tls, namespace: ns}\nstringData:\n  tls.crt: \"-----BEGIN CERTIFICATE-----\\nx\\n\"\n  tls.key: \"-----BEGIN PRIVATE KEY-----\\ny\\n\"\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: ing, namespace: ns}\nspec:\n",
    );
    if secure {
        y.push_str(&format!("  tls: [{{hosts: [{HOST}], secretName: tls}}]\n"));
    }
    y.push_str(&format!(
        "  rules:\n  - host: {HOST}\n    http:\n      paths:\n"
    ));
    for (p, exact) in paths {
        let t = if *exact { "Exact" } else { "Prefix" };
        y.push_str(&format!(
            "      - {{path: \"{p}\", pathType: {t}, backend: {{service: {{name: web, port: {{number: 80}}}}}}}}\n"
        ));
    }
    let mut state = ClusterState::new();
    assert!(model::input::load(&mut state, &y).is_empty());
    state
}

fn build(paths: &[(String, bool)], secure: bool) -> AviGraph {
    let mut cfg = AkoConfig::new("c1");
    cfg.shard_size = ShardSize::Small;
    model::build(&cluster(paths, secure), &cfg).0
}

fn s<'a>(v: &'a serde_json::Value, k: &str) -> &'a str {
    v[k].as_str().unwrap_or_default()
}

fn name_of(r: &str) -> &str {
    r.split_once("?name=").map_or(r, |(_, n)| n)
}

/// SNI: first rule (by index) whose path match holds → its pool group → the Path
/// marker of the pool in it.
fn via_policy(graph: &AviGraph, req: &str) -> Option<String> {
    let ps = graph.get(AviKind::HttpPolicySet, &format!("c1--ns-{HOST}"))?;
    let mut rules: Vec<&serde_json::Value> = ps.body["http_request_policy"]["rules"]
        .as_array()?
        .iter()
        .collect();
    rules.sort_by_key(|r| r["index"].as_u64());
    let rule = rules.into_iter().find(|r| {
        let m = &r["match"]["path"];
        let strs = m["match_str"].as_array().unwrap();
        strs.iter().any(|x| {
            let x = x.as_str().unwrap();
            match s(m, "match_criteria") {
                "EQUALS" => req == x,
                "BEGINS_WITH" => req.starts_with(x),
                other => panic!("unexpected criteria {other}"),
            }
        })
    })?;
    let pg = graph.get(
        AviKind::PoolGroup,
        name_of(s(&rule["switching_action"], "pool_group_ref")),
    )?;
    let pool = graph.get(
        AviKind::Pool,
        name_of(s(&pg.body["members"][0], "pool_ref")),
    )?;
    let markers = pool.body["markers"].as_array()?;
    let path = markers.iter().find(|m| m["key"] == "Path")?;
    Some(path["values"][0].as_str()?.to_owned())
}

/// Shared parent: parse the DataScript's table for HOST and run its matcher.
fn via_datascript(graph: &AviGraph, req: &str) -> Option<String> {
    let ds = graph.get(AviKind::VsDataScriptSet, "c1--Shared-L7-0")?;
    let script = s(&ds.body["datascript"][0], "script");
    let line = script
        .lines()
        .find(|l| l.trim_start().starts_with(&format!("[\"{HOST}\"]")))?;
    let quoted: Vec<&str> = line.split('"').skip(1).step_by(2).collect();
    // quoted: host, then exact pairs (path, label)..., then prefix pairs.
    let (exact_part, prefix_part) = line.split_once("prefix =")?;
    let n_exact = exact_part.matches("] =").count() - 1;
    let exact: BTreeMap<&str, &str> = quoted[1..1 + 2 * n_exact]
        .chunks(2)
        .map(|c| (c[0], c[1]))
        .collect();
    let prefixes: Vec<(&str, &str)> = prefix_part
        .split('"')
        .skip(1)
        .step_by(2)
        .collect::<Vec<_>>()
        .chunks(2)
        .map(|c| (c[0], c[1]))
        .collect();
    let label = exact.get(req).copied().or_else(|| {
        prefixes
            .iter()
            .find(|(pre, _)| *pre == "/" || req == *pre || req.starts_with(&format!("{pre}/")))
            .map(|(_, l)| *l)
    })?;
    Some(label.strip_prefix(HOST)?.to_owned())
}

fn path() -> impl Strategy<Value = String> {
    proptest::collection::vec(prop_oneof![Just("a"), Just("b"), Just("ab")], 0..4)
        .prop_map(|segs| format!("/{}", segs.join("/")))
}

fn request() -> impl Strategy<Value = String> {
    (path(), any::<bool>()).prop_map(|(p, slash)| {
        if slash && p != "/" {
            format!("{p}/")
        } else {
            p
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn routing_follows_path_type(
        paths in proptest::collection::btree_map(path(), any::<bool>(), 1..6),
        requests in proptest::collection::vec(request(), 1..12),
    ) {
        let paths: Vec<(String, bool)> = paths.into_iter().collect();
        let secure = build(&paths, true);
        let insecure = build(&paths, false);
        for req in &requests {
            let want = reference(&paths, req).map(|(p, _)| p.clone());
            prop_assert_eq!(via_policy(&secure, req), want.clone(), "SNI, request {}", req);
            prop_assert_eq!(via_datascript(&insecure, req), want, "DataScript, request {}", req);
        }
    }
}

#[test]
fn nested_paths_do_not_collide() {
    let paths = [
        ("/api/v1".to_owned(), false),
        ("/api/v2".to_owned(), false),
        ("/api".to_owned(), false),
    ];
    let graph = build(&paths, false);
    assert_eq!(
        via_datascript(&graph, "/api/v2/users").as_deref(),
        Some("/api/v2")
    );
    assert_eq!(
        via_datascript(&graph, "/api/v1").as_deref(),
        Some("/api/v1")
    );
    assert_eq!(via_datascript(&graph, "/api/v3").as_deref(), Some("/api"));
    assert_eq!(via_datascript(&graph, "/apiv1"), None);
}
