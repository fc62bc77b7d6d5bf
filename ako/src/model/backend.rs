//! Pool servers of a Service port, by `serviceType` (spec §8.3): ClusterIP → ready
//! EndpointSlice addresses with the target port; NodePort → selected node IPs ×
//! nodePort (F19); NodePortLocal → Antrea's per-pod NPL annotation (F22).

use std::borrow::Cow;

use k8s_openapi::api::core::v1::{Node, Pod, Service, ServicePort};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde::Deserialize;

use super::state::ClusterState;
use crate::config::{AkoConfig, ServiceType};

/// Antrea's NodePortLocal pod annotation.
pub const NPL_ANNOTATION: &str = "nodeportlocal.antrea.io";
/// Service annotation forcing pod IPs in NodePort mode.
pub const SKIP_NODEPORT_ANNOTATION: &str = "skipnodeport.ako.vmware.com/enabled";

/// One pool server: IP and port.
pub type Server<'s> = (Cow<'s, str>, u16);

/// Why a backend has no servers to offer (for the diagnostic text).
#[derive(Debug, Clone, PartialEq)]
pub enum BackendProblem {
    /// The Service has no such port.
    NoSuchPort(String),
    /// NodePort mode, but the Service has no nodePort for this port.
    NoNodePort,
}

/// Servers for `port` of Service `svc`, in a stable order without duplicates.
pub fn servers<'s>(
    state: &'s ClusterState,
    cfg: &AkoConfig,
    svc: &'s Service,
    port: &'s ServicePort,
) -> Result<Vec<Server<'s>>, BackendProblem> {
    let ns = svc.metadata.namespace.as_deref().unwrap_or_default();
    let skip_nodeport = svc
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(SKIP_NODEPORT_ANNOTATION))
        .is_some_and(|v| v == "true");
    let mut out = match cfg.service_type {
        ServiceType::NodePort if !skip_nodeport => node_port(state, cfg, port)?,
        ServiceType::NodePortLocal => npl(state, ns, svc, port),
        _ => endpoints(state, ns, svc, port),
    };
    out.sort();
    out.dedup();
    Ok(out)
}

/// Finds the Service port an Ingress backend names (by number or by name).
pub fn find_port<'s>(
    svc: &'s Service,
    number: Option<i32>,
    name: Option<&str>,
) -> Result<&'s ServicePort, BackendProblem> {
    let ports = svc.spec.as_ref().and_then(|s| s.ports.as_ref());
    let found = ports.into_iter().flatten().find(|p| match (number, name) {
        (Some(n), _) if n != 0 => p.port == n,
        (_, Some(name)) => p.name.as_deref() == Some(name),
        _ => false,
    });
    found.ok_or_else(|| {
        BackendProblem::NoSuchPort(match (number, name) {
            (Some(n), _) if n != 0 => n.to_string(),
            (_, Some(name)) => name.to_owned(),
            _ => "<unset>".to_owned(),
        })
    })
}

fn endpoints<'s>(
    state: &'s ClusterState,
    ns: &str,
    svc: &Service,
    port: &ServicePort,
) -> Vec<Server<'s>> {
    let svc_name = svc.metadata.name.as_deref().unwrap_or_default();
    let mut out = Vec::new();
    for slice in state.endpoint_slices_of(ns, svc_name) {
        let slice_port = slice.ports.iter().flatten().find(|p| {
            p.name.as_deref().unwrap_or_default() == port.name.as_deref().unwrap_or_default()
        });
        let Some(number) = slice_port.and_then(|p| p.port).and_then(to_port) else {
            continue;
        };
        for ep in slice.endpoints.iter().flatten() {
            let ready = ep.conditions.as_ref().and_then(|c| c.ready) != Some(false);
            if ready {
                out.extend(
                    ep.addresses
                        .iter()
                        .map(|a| (Cow::Borrowed(a.as_str()), number)),
                );
            }
        }
    }
    out
}

fn node_port<'s>(
    state: &'s ClusterState,
    cfg: &AkoConfig,
    port: &ServicePort,
) -> Result<Vec<Server<'s>>, BackendProblem> {
    let number = port
        .node_port
        .and_then(to_port)
        .ok_or(BackendProblem::NoNodePort)?;
    Ok(state
        .iter::<Node>()
        .filter(|(_, n)| node_selected(cfg, n))
        .filter_map(|(_, n)| node_ip(n))
        .map(|ip| (Cow::Borrowed(ip), number))
        .collect())
}

/// `nodePortSelector`: a node is a pool server iff it carries every selector label.
pub fn node_selected(cfg: &AkoConfig, node: &Node) -> bool {
    let labels = node.metadata.labels.as_ref();
    cfg.node_port_selector
        .iter()
        .all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v))
}

/// The node's first InternalIP.
pub fn node_ip(node: &Node) -> Option<&str> {
    let addrs = node.status.as_ref()?.addresses.as_ref()?;
    addrs
        .iter()
        .find(|a| a.type_ == "InternalIP")
        .map(|a| a.address.as_str())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NplEntry {
    pod_port: i32,
    #[serde(rename = "nodeIP")]
    node_ip: String,
    node_port: i32,
}

fn npl<'s>(
    state: &'s ClusterState,
    ns: &'s str,
    svc: &Service,
    port: &ServicePort,
) -> Vec<Server<'s>> {
    let Some(selector) = svc.spec.as_ref().and_then(|s| s.selector.as_ref()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (_, pod) in state.in_namespace::<Pod>(ns) {
        let labels = pod.metadata.labels.as_ref();
        if !selector
            .iter()
            .all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v))
        {
            continue;
        }
        let Some(target) = target_port(pod, port) else {
            continue;
        };
        let annotation = pod
            .metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(NPL_ANNOTATION));
        // A malformed annotation is Antrea's to fix; the pod simply offers no server.
        let entries: Vec<NplEntry> = annotation
            .and_then(|a| serde_json::from_str(a).ok())
            .unwrap_or_default();
        out.extend(
            entries
                .into_iter()
                .filter(|e| e.pod_port == target)
                .filter_map(|e| Some((Cow::Owned(e.node_ip), to_port(e.node_port)?))),
        );
    }
    out
}

/// The pod port a Service port targets (a named targetPort resolves on the pod).
fn target_port(pod: &Pod, port: &ServicePort) -> Option<i32> {
    match &port.target_port {
        None => Some(port.port),
        Some(IntOrString::Int(n)) => Some(*n),
        Some(IntOrString::String(name)) => pod
            .spec
            .as_ref()?
            .containers
            .iter()
            .flat_map(|c| c.ports.iter().flatten())
            .find(|p| p.name.as_deref() == Some(name))
            .map(|p| p.container_port),
    }
}

fn to_port(n: i32) -> Option<u16> {
    u16::try_from(n).ok().filter(|p| *p != 0)
}
