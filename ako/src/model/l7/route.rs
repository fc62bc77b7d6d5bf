//! OpenShift Routes → host table (F15: on OpenShift Routes are the L7 input):
//! insecure and `edge` Routes, weighted backends (`to` + `alternateBackends`),
//! key and certificate from the Route itself (F20), several backends naming one
//! Service rejected (F21), `reencrypt` (edge plus TLS to the backends, checked
//! against `destinationCACertificate`), and `passthrough` hosts (F16, F17).

use std::collections::BTreeSet;

use super::backends::{self, PortSel};
use super::claims::{self, Placement, Seen};
use super::table::{Backend, HostTable, Passthrough, PathRoute, Seniority, TlsMaterial};
use crate::config::FqdnReusePolicy;
use crate::crd::Route;
use crate::crd::route::RouteTarget;
use crate::model::ctx::{Env, Out};
use crate::model::graph::Diagnostic;
use crate::model::key::{ObjectKey, seniority};
use crate::model::scope::{self, Infras, Namespaces};
use crate::model::state::ClusterState;

pub fn collect<'s>(
    env: &Env<'_>,
    out: &mut Out,
    state: &'s ClusterState,
    namespaces: &Namespaces<'_>,
    infras: &Infras<'_>,
    table: &mut HostTable<'s>,
) {
    if !env.cfg.openshift {
        return;
    }
    let mut candidates = Vec::new();
    for (key, route) in state.iter::<Route>() {
        if !namespaces.serves(&key.namespace) {
            continue;
        }
        let annotations = route.metadata.annotations.as_ref();
        if let Some(infra) = scope::annotated_infra(infras, key, annotations, out) {
            candidates.push((seniority(key, route.as_ref()), route.as_ref(), infra));
        }
    }
    claims::senior_first(candidates, |senior, route, infra, seen| {
        one(env, out, state, senior, route, infra, table, seen);
    });
}

#[allow(clippy::too_many_arguments)]
fn one<'s>(
    env: &Env<'_>,
    out: &mut Out,
    state: &'s ClusterState,
    seniority: Seniority<'s>,
    route: &'s Route,
    infra: usize,
    table: &mut HostTable<'s>,
    seen: &mut Seen<'s>,
) {
    let key = seniority.1;
    let strict = env.cfg.fqdn_reuse_policy == FqdnReusePolicy::Strict;
    let spec = &route.spec;
    let host = spec.host.as_str();
    if host.is_empty() {
        out.diag(Diagnostic::warning(
            key,
            "EmptyHost",
            "spec.host is empty; not processed",
        ));
        return;
    }
    let targets: Vec<_> = std::iter::once(&spec.to)
        .chain(&spec.alternate_backends)
        .collect();
    let mut names = BTreeSet::new();
    if !targets.iter().all(|t| names.insert(t.name.as_str())) {
        out.diag(Diagnostic::error(
            key,
            "MultipleBackendsWithSameServiceError",
            "several backends name the same Service; the Route is rejected (F21)",
        ));
        return;
    }
    let reencrypt = spec
        .tls
        .as_ref()
        .filter(|t| t.termination == "reencrypt")
        .map(|t| t.destination_ca_certificate.as_deref());
    let (material, placement) = match spec.tls.as_ref() {
        None => (None, Placement::Insecure),
        Some(tls) if tls.termination == "edge" || tls.termination == "reencrypt" => {
            let (Some(cert), Some(tls_key)) = (tls.certificate.as_deref(), tls.key.as_deref())
            else {
                out.diag(Diagnostic::error(
                    key,
                    "RouteTLSMissing",
                    format!(
                        "{} termination needs spec.tls.certificate and spec.tls.key; not processed (F20)",
                        tls.termination
                    ),
                ));
                return;
            };
            let policy = tls.insecure_edge_termination_policy.as_deref();
            let allow = policy == Some("Allow");
            let material = TlsMaterial {
                cert,
                key: tls_key,
                alt: None,
                origin: key.clone(),
                claimed_by: key,
                redirect: policy == Some("Redirect"),
            };
            (
                Some(material),
                if allow {
                    Placement::Both
                } else {
                    Placement::Secure
                },
            )
        }
        Some(tls) if tls.termination == "passthrough" => {
            let redirect = match tls.insecure_edge_termination_policy.as_deref() {
                None | Some("" | "None") => false,
                Some("Redirect") => true,
                Some(other) => {
                    // Nothing terminates TLS, so plain HTTP cannot be served (F17).
                    out.diag(Diagnostic::error(
                        key,
                        "InsecureEdgeTerminationPolicyNotSupported",
                        format!(
                            "passthrough allows insecureEdgeTerminationPolicy None or Redirect, not {other:?}; not processed (F17)"
                        ),
                    ));
                    return;
                }
            };
            let backends = route_backends(env, out, state, route, key, "/", &targets);
            let Some(entry) = claims::claim(out, table, infra, host, seniority, None, strict)
            else {
                return;
            };
            let pt = Passthrough {
                source: key,
                backends,
                redirect,
            };
            claims::set_passthrough(out, entry, host, pt);
            return;
        }
        Some(tls) => {
            out.diag(Diagnostic::error(
                key,
                "UnsupportedTermination",
                format!(
                    "tls.termination {:?} is not supported yet; not processed",
                    tls.termination
                ),
            ));
            return;
        }
    };
    let path = spec
        .path
        .as_deref()
        .filter(|p| !p.is_empty())
        .unwrap_or("/");
    let backends = route_backends(env, out, state, route, key, path, &targets);
    let Some(entry) = claims::claim(out, table, infra, host, seniority, material, strict) else {
        return;
    };
    let path_route = PathRoute {
        source: key,
        path,
        exact: false,
        backends,
        reencrypt,
    };
    claims::add_path(
        out, seen, entry, infra, host, path_route, placement, "routes",
    );
}

/// The weighted backends (`to` + `alternateBackends`) of a Route.
fn route_backends<'s>(
    env: &Env<'_>,
    out: &mut Out,
    state: &'s ClusterState,
    route: &'s Route,
    key: &ObjectKey,
    path: &str,
    targets: &[&'s RouteTarget],
) -> Vec<Backend<'s>> {
    let target_port = route.spec.port.as_ref().map(|p| &p.target_port);
    targets
        .iter()
        .map(|t| {
            let ratio = t.weight.map_or(100, |w| u32::try_from(w).unwrap_or(0));
            let sel = PortSel::RouteTarget(target_port);
            backends::resolve(env, out, state, key, path, &t.name, sel, true, ratio)
        })
        .collect()
}
