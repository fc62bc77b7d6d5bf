//! A path's backend Service → pool servers, with the diagnostics of F13 (missing
//! Service, LoadBalancer-type backend) and of unusable ports, shared by Ingresses
//! and Routes.

use k8s_openapi::api::core::v1::{Service, ServicePort};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::table::Backend;
use crate::config::ServiceType;
use crate::model::backend::{self, BackendProblem, Server};
use crate::model::ctx::{Env, Out};
use crate::model::graph::Diagnostic;
use crate::model::key::{Kind, ObjectKey};
use crate::model::state::ClusterState;

/// How a path names its Service port.
#[derive(Debug, Clone, Copy)]
pub enum PortSel<'a> {
    /// Ingress `port.number` / `port.name`.
    Ingress(Option<i32>, Option<&'a str>),
    /// Route `spec.port.targetPort` (unset: the Service's first port).
    RouteTarget(Option<&'a IntOrString>),
}

/// The backend `svc_name` of a path of `key` (namespace of `key`).
#[allow(clippy::too_many_arguments)]
pub fn resolve<'s>(
    env: &Env<'_>,
    out: &mut Out,
    state: &'s ClusterState,
    key: &ObjectKey,
    path: &str,
    svc_name: &'s str,
    sel: PortSel<'_>,
    named_in_pool: bool,
    ratio: u32,
) -> Backend<'s> {
    let servers = match state.get::<Service>(&key.namespace, svc_name) {
        None => {
            out.diag(Diagnostic::warning(
                key,
                "BackendServiceNotFound",
                format!(
                    "path {path}: Service {}/{svc_name} not found; the pool has no servers",
                    key.namespace
                ),
            ));
            Vec::new()
        }
        Some(svc) => {
            if env.cfg.service_type == ServiceType::NodePortLocal {
                let svc_key = ObjectKey::new(Kind::Service, &key.namespace, svc_name);
                out.graph.npl_services.insert(svc_key);
            }
            servers(env, out, state, key, path, svc, sel)
        }
    };
    Backend {
        svc: svc_name,
        named_in_pool,
        servers,
        ratio,
    }
}

fn servers<'s>(
    env: &Env<'_>,
    out: &mut Out,
    state: &'s ClusterState,
    key: &ObjectKey,
    path: &str,
    svc: &'s Service,
    sel: PortSel<'_>,
) -> Vec<Server<'s>> {
    let name = svc.metadata.name.as_deref().unwrap_or_default();
    let svc_key = ObjectKey::new(Kind::Service, &key.namespace, name);
    let svc_type = svc
        .spec
        .as_ref()
        .and_then(|s| s.type_.as_deref())
        .unwrap_or("ClusterIP");
    if svc_type == "LoadBalancer" {
        out.diag(Diagnostic::warning(
            key,
            "BackendServiceLoadBalancer",
            format!(
                "path {path}: backend {svc_key} is of type LoadBalancer; backends should be ClusterIP Services (F13)"
            ),
        ));
    }
    if env.cfg.service_type == ServiceType::NodePort && svc_type == "ClusterIP" {
        out.diag(Diagnostic::warning(
            key,
            "BackendServiceNotNodePort",
            format!(
                "path {path}: backend {svc_key} is ClusterIP, which NodePort mode does not process"
            ),
        ));
        return Vec::new();
    }
    let found = match sel {
        PortSel::Ingress(number, name) => backend::find_port(svc, number, name),
        PortSel::RouteTarget(target) => route_port(svc, target),
    };
    match found.and_then(|sp| backend::servers(state, env.cfg, svc, sp)) {
        Ok(servers) => servers,
        Err(problem) => {
            let text = match problem {
                BackendProblem::NoSuchPort(p) => format!("{svc_key} has no port {p}"),
                BackendProblem::NoNodePort => format!("{svc_key} has no nodePort"),
            };
            out.diag(Diagnostic::warning(
                key,
                "BackendPortNotFound",
                format!("path {path}: {text}; the pool has no servers"),
            ));
            Vec::new()
        }
    }
}

/// NodePortLocal mode takes only ClusterIP Ingress backends (F22): any other type is
/// reported on `key` and the path skipped (`false`). A missing Service passes here
/// and is reported by [`resolve`].
pub fn npl_backend_ok(
    env: &Env<'_>,
    out: &mut Out,
    state: &ClusterState,
    key: &ObjectKey,
    path: &str,
    svc_name: &str,
) -> bool {
    if env.cfg.service_type != ServiceType::NodePortLocal {
        return true;
    }
    let Some(svc) = state.get::<Service>(&key.namespace, svc_name) else {
        return true;
    };
    let svc_type = svc
        .spec
        .as_ref()
        .and_then(|s| s.type_.as_deref())
        .unwrap_or("ClusterIP");
    if svc_type == "ClusterIP" {
        return true;
    }
    out.diag(Diagnostic::error(
        key,
        "BackendServiceNotClusterIP",
        format!(
            "path {path}: backend Service {}/{svc_name} is {svc_type}; NodePortLocal mode takes only ClusterIP backends, the path is not synced",
            key.namespace
        ),
    ));
    false
}

/// A Route's `targetPort`: the Service port with that target (number) or name.
fn route_port<'s>(
    svc: &'s Service,
    target: Option<&IntOrString>,
) -> Result<&'s ServicePort, BackendProblem> {
    let ports = svc
        .spec
        .as_ref()
        .and_then(|s| s.ports.as_deref())
        .unwrap_or_default();
    let found = match target {
        None => ports.first(),
        Some(IntOrString::Int(n)) => ports.iter().find(|p| match &p.target_port {
            Some(IntOrString::Int(t)) => t == n,
            _ => p.port == *n,
        }),
        Some(IntOrString::String(name)) => ports.iter().find(|p| {
            p.name.as_deref() == Some(name)
                || matches!(&p.target_port, Some(IntOrString::String(t)) if t == name)
        }),
    };
    found.ok_or_else(|| {
        BackendProblem::NoSuchPort(match target {
            None => "<any>".to_owned(),
            Some(IntOrString::Int(n)) => n.to_string(),
            Some(IntOrString::String(s)) => s.clone(),
        })
    })
}
