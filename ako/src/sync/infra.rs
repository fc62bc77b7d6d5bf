//! Changes to controller objects ako shares with others: this cluster's static routes
//! in the VRF context (PATCH add/delete by `route_id`, only routes labelled with our
//! cluster) and the `clustername` label on SE groups (F9, F18, B4, B17).

use std::collections::BTreeMap;

use ipnet::IpNet;
use serde_json::{Value, json};

use super::cache::{AviCache, Observed};
use super::compare;
use super::owner;
use super::plan::{Op, StepKey};
use crate::avi::{AviClient, DEFAULT_TENANT};
use crate::model::{AviGraph, StaticRoute, VrfRoutes};

/// The client for VRF contexts and SE groups: they live in the `admin` tenant, and
/// the original AKO reads and writes them as `admin` whatever tenant it serves.
pub(crate) fn infra_client(client: &AviClient) -> AviClient {
    client.with_tenant(DEFAULT_TENANT)
}

/// What the infra part of a diff produced.
#[derive(Default)]
pub(crate) struct InfraDiff {
    pub ops: Vec<(StepKey, Op)>,
    pub problems: Vec<(StepKey, String)>,
    pub withheld: Vec<StepKey>,
}

pub(crate) fn diff(graph: &AviGraph, cache: &AviCache, may_delete: bool) -> InfraDiff {
    let mut out = InfraDiff::default();
    if let Some(vrf) = &graph.vrf {
        routes(vrf, cache, may_delete, &mut out);
    }
    se_groups(graph, cache, may_delete, &mut out);
    out
}

fn routes(want: &VrfRoutes, cache: &AviCache, may_delete: bool, out: &mut InfraDiff) {
    let key = StepKey::VrfRoutes(want.vrf.clone());
    let Some(vrf) = cache.vrf(&want.vrf) else {
        out.problems.push((
            key,
            format!(
                "vrfcontext {} was not read; static routes not synced",
                want.vrf
            ),
        ));
        return;
    };
    let cluster = cache.cluster();
    let ours: BTreeMap<&str, &Value> = vrf
        .body
        .get("static_routes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|r| owner::labelled_cluster(r) == Some(cluster))
        .filter_map(|r| Some((r.get("route_id")?.as_str()?, r)))
        .collect();
    let mut add = Vec::new();
    let mut delete = Vec::new();
    for (id, route) in &want.routes {
        let entry = match route_entry(id, route, cluster) {
            Ok(e) => e,
            Err(why) => {
                out.problems.push((key.clone(), why));
                continue;
            }
        };
        match ours.get(id.as_str()) {
            Some(have) if compare::contains(&entry, have) => {}
            // A changed route is replaced: delete by route_id, then add.
            Some(have) => {
                delete.push((*have).clone());
                add.push(entry);
            }
            None => add.push(entry),
        }
    }
    let gone: Vec<Value> = ours
        .iter()
        .filter(|(id, _)| !want.routes.contains_key(**id))
        .map(|(_, r)| (*r).clone())
        .collect();
    if !gone.is_empty() && !may_delete {
        out.withheld.push(key.clone());
    } else {
        delete.extend(gone);
    }
    if !add.is_empty() || !delete.is_empty() {
        let op = Op::Routes {
            vrf: want.vrf.clone(),
            vrf_uuid: vrf.uuid.clone(),
            delete,
            add,
        };
        out.ops.push((key, op));
    }
}

/// The `static_routes[]` entry for one route.
fn route_entry(id: &str, route: &StaticRoute, cluster: &str) -> Result<Value, String> {
    let net: IpNet = route.prefix.parse().map_err(|e| {
        format!(
            "static route {id} (node {}): bad prefix {:?}: {e}",
            route.node, route.prefix
        )
    })?;
    let hop: std::net::IpAddr = route.next_hop.parse().map_err(|e| {
        format!(
            "static route {id} (node {}): bad next hop {:?}: {e}",
            route.node, route.next_hop
        )
    })?;
    let family = |v6: bool| if v6 { "V6" } else { "V4" };
    Ok(json!({
        "route_id": id,
        "prefix": {
            "ip_addr": {"addr": net.network().to_string(), "type": family(net.addr().is_ipv6())},
            "mask": net.prefix_len(),
        },
        "next_hop": {"addr": hop.to_string(), "type": family(hop.is_ipv6())},
        "labels": [owner::cluster_label(cluster)],
    }))
}

fn se_groups(graph: &AviGraph, cache: &AviCache, may_delete: bool, out: &mut InfraDiff) {
    let cluster = cache.cluster();
    for name in &graph.se_group_labels {
        let key = StepKey::SeGroupLabel(name.clone());
        let Some(seg) = cache.se_group(name) else {
            out.problems.push((
                key,
                format!("serviceenginegroup {name} was not read; label not set"),
            ));
            continue;
        };
        match owner::labelled_cluster(&seg.body) {
            Some(c) if c == cluster => {}
            Some(other) => out.problems.push((
                key,
                format!("labels does not match with cluster name for SE group {name}: labelled for {other:?}, expected {cluster:?}"),
            )),
            None => out.ops.push((key, label_op(name, seg, Some(cluster)))),
        }
    }
    // SE groups we labelled that the graph no longer wants labelled (static routes off,
    // deleteConfig): unlabel, as a deletion.
    for name in cache.se_group_names() {
        let seg = cache.se_group(name);
        let labelled_ours = seg.is_some_and(|s| owner::labelled_cluster(&s.body) == Some(cluster));
        if !labelled_ours || graph.se_group_labels.contains(name) {
            continue;
        }
        let key = StepKey::SeGroupLabel(name.to_string());
        match seg {
            Some(seg) if may_delete => out.ops.push((key, label_op(name, seg, None))),
            _ => out.withheld.push(key),
        }
    }
}

/// PUT of the whole SE group with the cluster label set (or removed).
fn label_op(name: &str, seg: &Observed, cluster: Option<&str>) -> Op {
    let mut body = seg.body.clone();
    let labels: Vec<Value> = body
        .get("labels")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|l| l.get("key").and_then(Value::as_str) != Some(crate::naming::CLUSTER_MARKER_KEY))
        .cloned()
        .chain(cluster.map(owner::cluster_label))
        .collect();
    if let Some(obj) = body.as_object_mut() {
        obj.insert("labels".to_string(), Value::Array(labels));
    }
    Op::SeGroupLabel {
        name: name.to_string(),
        uuid: seg.uuid.clone(),
        body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_entry_wire_form() {
        let r = StaticRoute {
            prefix: "10.244.1.0/24".into(),
            next_hop: "192.168.1.10".into(),
            node: "n1".into(),
        };
        let e = route_entry("c1-n1-0", &r, "c1").unwrap();
        assert_eq!(
            e,
            json!({"route_id": "c1-n1-0",
                "prefix": {"ip_addr": {"addr": "10.244.1.0", "type": "V4"}, "mask": 24},
                "next_hop": {"addr": "192.168.1.10", "type": "V4"},
                "labels": [{"key": "clustername", "value": "c1"}]})
        );
        let bad = StaticRoute {
            prefix: "nope".into(),
            ..r
        };
        assert!(
            route_entry("c1-n1-0", &bad, "c1")
                .unwrap_err()
                .contains("node n1")
        );
    }
}
