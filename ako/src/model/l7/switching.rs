//! Per-path pools, pool groups and the HTTP policy set that switches between them,
//! for a host with a VS of its own (SNI child, or a dedicated VS). Rules are
//! ordered longest match first, Exact before Prefix, and a Prefix matches on
//! path-element boundaries (`/api` matches `/api` and `/api/x`, not `/apix`).

use super::table::{Backend, PathRoute};
use crate::model::ctx::{Env, Out, json};
use crate::model::graph::{AviKey, AviKind, LbStatus};
use crate::model::objects::{self, PoolSettings};
use crate::model::rules::Rules;
use crate::model::scope::Infra;
use crate::model::wire;
use crate::naming::{self, SniPath};

/// The switching objects of one host; returns the policy set key. The policy set
/// carries `ps_markers`, those of the host's VS (spec §3.3).
#[allow(clippy::too_many_arguments)]
pub fn path_policy(
    env: &Env<'_>,
    out: &mut Out,
    infra: &Infra<'_>,
    host: &str,
    routes: &[&PathRoute<'_>],
    rules: &Rules<'_>,
    dedicated: bool,
    ps_name: String,
    ps_markers: &[(&'static str, &str)],
) -> AviKey {
    let mut sorted: Vec<&PathRoute<'_>> = routes.to_vec();
    sorted.sort_by(|a, b| a.precedence().cmp(&b.precedence()));
    let mut http_rules = Vec::with_capacity(sorted.len() * 2);
    let mut refs = Vec::with_capacity(sorted.len());
    for route in sorted {
        let ns = route.source.namespace.as_str();
        let ing = route.source.name.as_str();
        let base = SniPath {
            ns,
            host,
            path: route.path,
            ing,
            route_svc: None,
            dedicated,
        };
        let pg_name = naming::sni_poolgroup(env.cluster, infra.name, &base);
        let settings = &route.pool_settings(rules.path(host, route.path));
        let mut members = Vec::with_capacity(route.backends.len());
        let mut pool_keys = Vec::with_capacity(route.backends.len());
        for b in &route.backends {
            let p = SniPath {
                route_svc: b.named_in_pool.then_some(b.svc),
                ..base
            };
            let pool_name = naming::sni_pool(env.cluster, infra.name, &p);
            let mut markers = vec![
                (naming::MARKER_NAMESPACE, ns),
                (naming::MARKER_HOST, host),
                (naming::MARKER_PATH, route.path),
                (naming::MARKER_INGRESS_NAME, ing),
            ];
            if let Some(infra_name) = infra.name {
                markers.push((naming::MARKER_INFRA_SETTING_NAME, infra_name));
            }
            let (key, member) = pool_member(env, out, infra, pool_name, &markers, b, settings);
            members.push(member);
            pool_keys.push(key);
        }
        let pg = wire::PoolGroup {
            common: env.common(
                AviKind::PoolGroup,
                &pg_name,
                &[(naming::MARKER_NAMESPACE, ns), (naming::MARKER_HOST, host)],
            ),
            members,
            implicit_priority_labels: false,
        };
        out.insert(AviKind::PoolGroup, json(&pg), pg_name.clone(), pool_keys);
        let pg_key = AviKey::new(AviKind::PoolGroup, pg_name);
        for path_match in path_matches(route) {
            let index = http_rules.len();
            http_rules.push(wire::HttpRequestRule {
                name: naming::http_policy_rule(&ps_name, index),
                index,
                enable: true,
                matches: wire::MatchTarget {
                    path: Some(path_match),
                    ..Default::default()
                },
                switching_action: Some(wire::SwitchingAction {
                    action: "HTTP_SWITCHING_SELECT_POOLGROUP",
                    pool_group_ref: pg_key.to_ref(),
                }),
                redirect_action: None,
            });
        }
        refs.push(pg_key);
    }
    let body = wire::HttpPolicySet {
        common: env.common(AviKind::HttpPolicySet, &ps_name, ps_markers),
        http_request_policy: wire::HttpRequestPolicy { rules: http_rules },
    };
    out.insert(AviKind::HttpPolicySet, json(&body), ps_name.clone(), refs);
    AviKey::new(AviKind::HttpPolicySet, ps_name)
}

/// A backend's pool and its pool-group member (no priority label).
#[allow(clippy::too_many_arguments)]
pub fn pool_member(
    env: &Env<'_>,
    out: &mut Out,
    infra: &Infra<'_>,
    pool_name: String,
    markers: &[(&'static str, &str)],
    b: &Backend<'_>,
    settings: &PoolSettings<'_>,
) -> (AviKey, wire::PoolGroupMember<'static>) {
    objects::pool(
        env,
        out,
        pool_name.clone(),
        infra,
        markers,
        &b.servers,
        env.hm_ref("TCP"),
        settings,
    );
    let key = AviKey::new(AviKind::Pool, pool_name);
    let member = wire::PoolGroupMember {
        pool_ref: key.to_ref(),
        priority_label: None,
        ratio: b.ratio,
    };
    (key, member)
}

fn path_match(criteria: &'static str, s: String) -> wire::PathMatch {
    wire::PathMatch {
        match_criteria: criteria,
        match_case: "SENSITIVE",
        match_str: vec![s],
    }
}

/// The Avi path matches equivalent to one Ingress path.
fn path_matches(route: &PathRoute<'_>) -> Vec<wire::PathMatch> {
    if route.exact {
        return vec![path_match("EQUALS", route.path.to_owned())];
    }
    match route.prefix() {
        "/" => vec![path_match("BEGINS_WITH", "/".to_owned())],
        pre => vec![
            path_match("EQUALS", pre.to_owned()),
            path_match("BEGINS_WITH", format!("{pre}/")),
        ],
    }
}

/// The HTTP→HTTPS redirect policy set for `hosts` on port 80 (spec §3.3).
pub fn redirect_policy(env: &Env<'_>, out: &mut Out, name: String, hosts: Vec<String>) -> AviKey {
    let body = wire::HttpPolicySet {
        common: env.common(AviKind::HttpPolicySet, &name, &[]),
        http_request_policy: wire::HttpRequestPolicy {
            rules: vec![wire::HttpRequestRule {
                name: naming::http_policy_rule(&name, 0),
                index: 0,
                enable: true,
                matches: wire::MatchTarget {
                    host_hdr: Some(wire::HostHdrMatch {
                        match_criteria: "HDR_EQUALS",
                        value: hosts,
                    }),
                    vs_port: Some(wire::PortMatch {
                        match_criteria: "IS_IN",
                        ports: vec![80],
                    }),
                    ..Default::default()
                },
                switching_action: None,
                redirect_action: Some(wire::RedirectAction {
                    protocol: "HTTPS",
                    port: 443,
                    status_code: "HTTP_REDIRECT_STATUS_CODE_302",
                }),
            }],
        },
    };
    out.insert(
        AviKind::HttpPolicySet,
        json(&body),
        name.clone(),
        Vec::new(),
    );
    AviKey::new(AviKind::HttpPolicySet, name)
}

/// Adds `host` to the status of each of its sources, served by `vs` / `vsvip`.
pub fn add_status<'s>(
    out: &mut Out,
    sources: impl IntoIterator<Item = &'s crate::model::key::ObjectKey>,
    vs: &str,
    vsvip: &str,
    host: &str,
) {
    for source in sources {
        if !out.graph.status.contains_key(source) {
            out.graph.status.insert(source.clone(), Vec::new());
        }
        let Some(list) = out.graph.status.get_mut(source) else {
            continue;
        };
        match list.iter_mut().find(|s| s.vs.name == vs) {
            Some(s) => s.hostnames.push(host.to_owned()),
            None => list.push(LbStatus {
                vs: AviKey::new(AviKind::VirtualService, vs),
                vsvip: AviKey::new(AviKind::VsVip, vsvip),
                hostnames: vec![host.to_owned()],
            }),
        }
    }
}
