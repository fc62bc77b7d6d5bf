//! VRF static routes (spec §6, F9): one route per node pod CIDR → node IP, in
//! ClusterIP mode only, ids stable across restarts, kept while the node object
//! exists (NotReady included). Also the SE groups that carry the cluster label.

use std::collections::BTreeMap;

use ipnet::IpNet;
use k8s_openapi::api::core::v1::Node;

use super::backend::node_ip;
use super::ctx::{Env, Out};
use super::graph::{Diagnostic, StaticRoute, VrfRoutes};
use super::scope::Infras;
use super::state::ClusterState;
use crate::config::{CniPlugin, ServiceType};
use crate::naming;

/// Node annotation listing pod CIDRs (comma separated), preferred over `spec.podCIDRs`.
pub const POD_CIDRS_ANNOTATION: &str = "ako.vmware.com/pod-cidrs";
/// Calico's node IP annotation (`<ip>/<mask>`).
pub const CALICO_IPV4_ANNOTATION: &str = "projectcalico.org/IPv4Address";

/// Whether this configuration syncs static routes at all.
pub fn enabled(env: &Env<'_>) -> bool {
    env.cfg.service_type == ServiceType::ClusterIp && !env.cfg.disable_static_route_sync
}

pub fn build(env: &Env<'_>, out: &mut Out, state: &ClusterState, infras: &Infras<'_>) {
    if !enabled(env) {
        return;
    }
    let mut routes = BTreeMap::new();
    let mut owner: BTreeMap<IpNet, &str> = BTreeMap::new();
    for (key, node) in state.iter::<Node>() {
        let name = key.name.as_str();
        let Some(ip) = ip_of(env, node) else {
            out.diag(Diagnostic::warning(
                key,
                "NoNodeIP",
                "node has no InternalIP; no static route",
            ));
            continue;
        };
        for (index, text) in pod_cidrs(node).into_iter().enumerate() {
            let Ok(cidr) = text.trim().parse::<IpNet>() else {
                out.diag(Diagnostic::warning(
                    key,
                    "InvalidPodCIDR",
                    format!("pod CIDR {text:?} is not a CIDR; no static route for it"),
                ));
                continue;
            };
            let cidr = cidr.trunc();
            if let Some(first) = owner.get(&cidr) {
                out.diag(Diagnostic::warning(
                    key,
                    "DuplicatePodCIDR",
                    format!("static route prefix {cidr} is already routed to node {first}"),
                ));
                continue;
            }
            owner.insert(cidr, name);
            routes.insert(
                naming::static_route_id(env.cluster, name, index),
                StaticRoute {
                    prefix: cidr.to_string(),
                    next_hop: ip.to_owned(),
                    node: name.to_owned(),
                },
            );
        }
    }
    out.graph.vrf = Some(VrfRoutes {
        vrf: env.vrf_name.to_owned(),
        routes,
    });
    out.graph.se_group_labels = infras.se_groups();
}

fn ip_of<'n>(env: &Env<'_>, node: &'n Node) -> Option<&'n str> {
    if env.cfg.cni_plugin == Some(CniPlugin::Calico)
        && let Some(ip) = node
            .metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(CALICO_IPV4_ANNOTATION))
    {
        return ip.split('/').next();
    }
    node_ip(node)
}

fn pod_cidrs(node: &Node) -> Vec<&str> {
    if let Some(list) = node
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(POD_CIDRS_ANNOTATION))
    {
        return list.split(',').filter(|s| !s.trim().is_empty()).collect();
    }
    let spec = node.spec.as_ref();
    match spec.and_then(|s| s.pod_cidrs.as_ref()) {
        Some(list) if !list.is_empty() => list.iter().map(String::as_str).collect(),
        _ => spec
            .and_then(|s| s.pod_cidr.as_deref())
            .into_iter()
            .collect(),
    }
}
