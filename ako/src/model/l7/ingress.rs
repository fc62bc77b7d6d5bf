//! Ingresses → host table: class and namespace scope, per-path backends, TLS
//! claims (F10: the earliest Ingress's secret wins a host; a different secret on a
//! later Ingress is refused for it), and the F12 duplicate host/path diagnostic.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Secret, Service};
use k8s_openapi::api::networking::v1::{HTTPIngressPath, Ingress};

use super::table::{Backend, HostEntry, HostTable, PathRoute, Seniority, TlsMaterial};
use crate::config::ServiceType;
use crate::model::backend::{self, BackendProblem};
use crate::model::ctx::{Env, Out};
use crate::model::graph::Diagnostic;
use crate::model::key::{Kind, ObjectKey};
use crate::model::scope::{self, ClassDecision, Infras, Namespaces};
use crate::model::state::ClusterState;

/// (infra, host, path, exact) -> sources routing it, in seniority order.
type Seen<'s> = BTreeMap<(usize, &'s str, &'s str, bool), Vec<&'s ObjectKey>>;

pub fn collect<'s>(
    env: &Env<'_>,
    out: &mut Out,
    state: &'s ClusterState,
    namespaces: &Namespaces<'_>,
    infras: &Infras<'_>,
    table: &mut HostTable<'s>,
) {
    let mut candidates = Vec::new();
    for (key, ing) in state.iter::<Ingress>() {
        if !namespaces.serves(&key.namespace) {
            continue;
        }
        if env.cfg.openshift {
            out.diag(Diagnostic::warning(
                key,
                "IngressIgnoredOnOpenShift",
                "Ingresses are not processed on OpenShift; use a Route",
            ));
            continue;
        }
        if let ClassDecision::Serve(infra) =
            scope::ingress_class(state, infras, env.cfg, key, ing, out)
        {
            let created = ing.metadata.creation_timestamp.as_ref().map(|t| t.0);
            candidates.push(((created, key), ing.as_ref(), infra));
        }
    }
    candidates.sort_by(|a, b| a.0.cmp(&b.0));
    let mut seen = Seen::new();
    for (seniority, ing, infra) in candidates {
        ingress(env, out, state, seniority, ing, infra, table, &mut seen);
    }
}

#[allow(clippy::too_many_arguments)]
fn ingress<'s>(
    env: &Env<'_>,
    out: &mut Out,
    state: &'s ClusterState,
    seniority: Seniority<'s>,
    ing: &'s Ingress,
    infra: usize,
    table: &mut HostTable<'s>,
    seen: &mut Seen<'s>,
) {
    let key = seniority.1;
    let ns = key.namespace.as_str();
    let Some(spec) = ing.spec.as_ref() else {
        return;
    };
    // host -> secret name, from spec.tls.
    let mut tls_hosts: BTreeMap<&str, Option<&str>> = BTreeMap::new();
    for tls in spec.tls.iter().flatten() {
        for host in tls.hosts.iter().flatten() {
            tls_hosts.insert(host.as_str(), tls.secret_name.as_deref());
        }
    }
    for rule in spec.rules.iter().flatten() {
        let Some(host) = rule.host.as_deref().filter(|h| !h.is_empty()) else {
            out.diag(Diagnostic::warning(
                key,
                "EmptyHost",
                "a rule without host is not processed (no default domain to synthesise one)",
            ));
            continue;
        };
        let Some(http) = rule.http.as_ref().filter(|h| !h.paths.is_empty()) else {
            out.diag(Diagnostic::warning(
                key,
                "NoBackends",
                format!("rule for host {host} has no paths; not processed"),
            ));
            continue;
        };
        let secure = match tls_hosts.get(host) {
            None => None,
            Some(secret) => match tls_material(out, state, key, host, *secret) {
                Some(m) => Some(m),
                // Missing or invalid secret: no SNI child, and no insecure fallback.
                None => continue,
            },
        };
        let entry = table
            .entry((infra, host))
            .or_insert_with(|| HostEntry::new(seniority));
        if let Some(material) = secure {
            match &entry.tls {
                None => entry.tls = Some(material),
                Some(claim) if claim.cert == material.cert && claim.key == material.key => {}
                Some(claim) => {
                    out.diag(Diagnostic::error(
                        key,
                        "ConflictingTLSSecret",
                        format!(
                            "host {host} is already served with {} (claimed by {}); {} differs, so this Ingress's paths for {host} are not synced",
                            claim.origin, claim.claimed_by, material.origin
                        ),
                    ));
                    continue;
                }
            }
        }
        entry.sources.insert(key);
        let is_secure = tls_hosts.contains_key(host);
        for p in &http.paths {
            let Some(route) = path_route(env, out, state, key, ns, p) else {
                continue;
            };
            let others = seen
                .entry((infra, host, route.path, route.exact))
                .or_default();
            if others.contains(&key) {
                continue;
            }
            if !others.is_empty() {
                let list: Vec<String> = others
                    .iter()
                    .map(|k| format!("{:?}", k.ns_name()))
                    .collect();
                out.diag(Diagnostic::warning(
                    key,
                    "DuplicateHostPath",
                    format!(
                        "key: {key}, msg: Duplicate entries found for hostpath {}: {host}{} in ingresses: [{}]",
                        key.ns_name(),
                        route.path,
                        list.join(",")
                    ),
                ));
            }
            others.push(key);
            if is_secure {
                entry.secure.push(route);
            } else {
                entry.insecure.push(route);
            }
        }
    }
}

fn path_route<'s>(
    env: &Env<'_>,
    out: &mut Out,
    state: &'s ClusterState,
    key: &'s ObjectKey,
    ns: &str,
    p: &'s HTTPIngressPath,
) -> Option<PathRoute<'s>> {
    let path = p.path.as_deref().filter(|s| !s.is_empty()).unwrap_or("/");
    let Some(svc_ref) = p.backend.service.as_ref() else {
        out.diag(Diagnostic::warning(
            key,
            "UnsupportedBackend",
            format!("path {path}: only Service backends are supported"),
        ));
        return None;
    };
    let svc_name = svc_ref.name.as_str();
    let servers = match state.get::<Service>(ns, svc_name) {
        None => {
            out.diag(Diagnostic::warning(
                key,
                "BackendServiceNotFound",
                format!("path {path}: Service {ns}/{svc_name} not found; the pool has no servers"),
            ));
            Vec::new()
        }
        Some(svc) => service_servers(env, out, state, key, path, svc, svc_ref),
    };
    Some(PathRoute {
        source: key,
        path,
        exact: p.path_type == "Exact",
        backends: vec![Backend {
            svc: svc_name,
            named_in_pool: false,
            servers,
            ratio: 100,
        }],
    })
}

fn service_servers<'s>(
    env: &Env<'_>,
    out: &mut Out,
    state: &'s ClusterState,
    key: &ObjectKey,
    path: &str,
    svc: &'s Service,
    svc_ref: &k8s_openapi::api::networking::v1::IngressServiceBackend,
) -> Vec<crate::model::backend::Server<'s>> {
    let svc_key = ObjectKey::new(Kind::Service, &key.namespace, &svc_ref.name);
    let svc_type = svc
        .spec
        .as_ref()
        .and_then(|s| s.type_.as_deref())
        .unwrap_or("ClusterIP");
    if svc_type == "LoadBalancer" {
        out.diag(Diagnostic::warning(
            key,
            "BackendServiceLoadBalancer",
            format!("path {path}: backend {svc_key} is of type LoadBalancer; Ingress backends should be ClusterIP Services (F13)"),
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
    let port = svc_ref.port.as_ref();
    let found = backend::find_port(
        svc,
        port.and_then(|p| p.number),
        port.and_then(|p| p.name.as_deref()),
    );
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

/// The TLS secret of `host`, validated; a diagnostic and `None` when unusable.
fn tls_material<'s>(
    out: &mut Out,
    state: &'s ClusterState,
    key: &'s ObjectKey,
    host: &str,
    secret_name: Option<&str>,
) -> Option<TlsMaterial<'s>> {
    let Some(name) = secret_name.filter(|n| !n.is_empty()) else {
        out.diag(Diagnostic::error(
            key,
            "TLSSecretMissing",
            format!("spec.tls for host {host} names no secretName; the host is not synced"),
        ));
        return None;
    };
    let origin = ObjectKey::new(Kind::Secret, &key.namespace, name);
    let Some(secret) = state.get::<Secret>(&key.namespace, name) else {
        out.diag(Diagnostic::error(
            key,
            "TLSSecretNotFound",
            format!("{origin} for host {host} not found; the host is not synced"),
        ));
        return None;
    };
    let field = |k: &str| secret_field(secret, k);
    match (field("tls.crt"), field("tls.key")) {
        (Some(cert), Some(tls_key)) if is_pem(cert) && is_pem(tls_key) => Some(TlsMaterial {
            cert,
            key: tls_key,
            alt: field("alt.crt").zip(field("alt.key")),
            origin,
            claimed_by: key,
        }),
        _ => {
            out.diag(Diagnostic::error(
                key,
                "TLSSecretInvalid",
                format!("{origin} for host {host} lacks a PEM tls.crt and tls.key; the host is not synced"),
            ));
            None
        }
    }
}

/// A Secret value as text (`data` bytes, or `stringData` in manifests).
fn secret_field<'s>(secret: &'s Secret, k: &str) -> Option<&'s str> {
    if let Some(v) = secret.data.as_ref().and_then(|d| d.get(k)) {
        return std::str::from_utf8(&v.0).ok();
    }
    secret
        .string_data
        .as_ref()
        .and_then(|d| d.get(k))
        .map(String::as_str)
}

fn is_pem(text: &str) -> bool {
    text.contains("-----BEGIN ")
}
