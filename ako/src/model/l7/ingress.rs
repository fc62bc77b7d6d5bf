//! Ingresses → host table: class and namespace scope (F15: none on OpenShift),
//! per-path backends and TLS secrets (claims and duplicates: `claims`).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::api::networking::v1::{HTTPIngressPath, Ingress};

use super::backends::{self, PortSel};
use super::claims::{self, Placement, Seen};
use super::table::{Backend, HostTable, Passthrough, PathRoute, Seniority, TlsMaterial};
use crate::config::FqdnReusePolicy;
use crate::model::ctx::{Env, Out};
use crate::model::graph::Diagnostic;
use crate::model::key::{Kind, ObjectKey, seniority};
use crate::model::scope::{self, ClassDecision, Infras, Namespaces};
use crate::model::state::ClusterState;

/// Ingress annotation sending every host's TLS stream through untouched (F16).
pub const PASSTHROUGH_ANNOTATION: &str = "passthrough.ako.vmware.com/enabled";

/// The last backend of an Ingress that resolved without a diagnostic, by (Service,
/// port number, port name): its paths mostly share one, resolved once. One that
/// gave a diagnostic is resolved again, so each path still reports its own.
type LastBackend<'s> = Option<((&'s str, Option<i32>, Option<&'s str>), Backend<'s>)>;

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
            candidates.push((seniority(key, ing.as_ref()), ing.as_ref(), infra));
        }
    }
    claims::senior_first(candidates, |senior, ing, infra, seen| {
        ingress(env, out, state, senior, ing, infra, table, seen);
    });
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
    let strict = env.cfg.fqdn_reuse_policy == FqdnReusePolicy::Strict;
    let Some(spec) = ing.spec.as_ref() else {
        return;
    };
    let passthrough = ing
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(PASSTHROUGH_ANNOTATION))
        .is_some_and(|v| v == "true");
    // host -> secret name, from spec.tls.
    let mut last: LastBackend<'s> = None;
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
        if passthrough {
            // The first path's Service receives the TLS stream (paths mean nothing here).
            let Some(route) = http
                .paths
                .first()
                .and_then(|p| path_route(env, out, state, key, p, &mut last))
            else {
                continue;
            };
            if let Some(entry) = claims::claim(out, table, infra, host, seniority, None, strict) {
                let pt = Passthrough {
                    source: key,
                    backends: route.backends,
                    redirect: false,
                };
                claims::set_passthrough(out, entry, host, pt);
            }
            continue;
        }
        let secure = match tls_hosts.get(host) {
            None => None,
            Some(secret) => match tls_material(out, state, key, host, *secret) {
                Some(m) => Some(m),
                // Missing or invalid secret: no SNI child, and no insecure fallback.
                None => continue,
            },
        };
        let Some(entry) = claims::claim(out, table, infra, host, seniority, secure, strict) else {
            continue;
        };
        let placement = if tls_hosts.contains_key(host) {
            Placement::Secure
        } else {
            Placement::Insecure
        };
        for p in &http.paths {
            if let Some(route) = path_route(env, out, state, key, p, &mut last) {
                claims::add_path(out, seen, entry, infra, host, route, placement, "ingresses");
            }
        }
    }
}

fn path_route<'s>(
    env: &Env<'_>,
    out: &mut Out,
    state: &'s ClusterState,
    key: &'s ObjectKey,
    p: &'s HTTPIngressPath,
    last: &mut LastBackend<'s>,
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
    if !backends::npl_backend_ok(env, out, state, key, path, &svc_ref.name) {
        return None;
    }
    let port = svc_ref.port.as_ref();
    let id = (
        svc_ref.name.as_str(),
        port.and_then(|p| p.number),
        port.and_then(|p| p.name.as_deref()),
    );
    let backend = match last {
        Some((seen, backend)) if *seen == id => backend.clone(),
        _ => {
            let sel = PortSel::Ingress(id.1, id.2);
            let before = out.diags.len();
            let backend = backends::resolve(env, out, state, key, path, id.0, sel, false, 100);
            *last = (out.diags.len() == before).then(|| (id, backend.clone()));
            backend
        }
    };
    Some(PathRoute {
        source: key,
        path,
        exact: p.path_type == "Exact",
        backends: vec![backend],
        reencrypt: None,
    })
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
            redirect: true,
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
