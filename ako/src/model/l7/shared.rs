//! A shared parent VS (F2, F4): its VsVip with every host's FQDN, the insecure
//! host/path pools as priority-labelled members of its pool group, the DataScript
//! selecting them, and the HTTP→HTTPS redirect for its secure hosts.

use super::datascript;
use super::switching::{self, add_status};
use super::table::{HostEntry, PathRoute};
use super::vhost;
use crate::model::ctx::{Env, Out, json};
use crate::model::graph::{AviKey, AviKind, avi_ref};
use crate::model::objects::{self, PoolSettings};
use crate::model::rules::Rules;
use crate::model::scope::Infra;
use crate::model::wire;
use crate::naming;

/// Builds parent `name` and everything on it for `hosts` (sorted by host).
pub fn parent(
    env: &Env<'_>,
    out: &mut Out,
    infra: &Infra<'_>,
    name: &str,
    hosts: &[(&str, &HostEntry<'_>)],
    rules: &Rules<'_>,
) {
    let vsvip = naming::shared_vsvip(name);
    let pg_name = naming::shared_poolgroup(name);
    let ds_name = naming::shared_datascript(name);
    let mut fqdns: Vec<&str> = Vec::with_capacity(hosts.len());
    let mut members = Vec::new();
    let mut pool_keys = Vec::new();
    let mut secure_hosts = Vec::new();
    let mut labels: Vec<String> = Vec::new();
    for (host, entry) in hosts {
        fqdns.push(host);
        for route in &entry.insecure {
            insecure_pools(
                env,
                out,
                infra,
                host,
                route,
                &route.pool_settings(rules.path(host, route.path)),
                &mut labels,
                &mut members,
                &mut pool_keys,
            );
        }
        if let Some(tls) = &entry.tls {
            if let Some(ho) = rules.host(host) {
                fqdns.extend(ho.aliases.iter().copied());
            }
            if tls.redirect {
                secure_hosts.push((*host).to_owned());
            }
            vhost::sni_child(env, out, infra, host, entry, tls, name, rules);
        }
        add_status(out, entry.sources.iter().copied(), name, &vsvip, host);
    }
    fqdns.sort_unstable();
    fqdns.dedup();
    objects::vsvip(env, out, vsvip.clone(), infra, &fqdns, None);

    let pg = wire::PoolGroup {
        common: env.common(AviKind::PoolGroup, &pg_name, &[]),
        members: members
            .into_iter()
            .zip(labels.iter())
            .map(|(m, label)| wire::PoolGroupMember {
                priority_label: Some(label),
                ..m
            })
            .collect(),
        implicit_priority_labels: true,
    };
    out.insert(AviKind::PoolGroup, json(&pg), pg_name.clone(), pool_keys);
    let pg_key = AviKey::new(AviKind::PoolGroup, pg_name);

    let insecure: Vec<(&str, &[PathRoute<'_>])> = hosts
        .iter()
        .map(|(h, e)| (*h, e.insecure.as_slice()))
        .collect();
    let ds = wire::VsDataScriptSet {
        common: env.common(AviKind::VsDataScriptSet, &ds_name, &[]),
        datascript: vec![wire::DataScript {
            evt: datascript::EVENT,
            script: datascript::script(&pg_key.name, &insecure),
        }],
        pool_group_refs: vec![pg_key.to_ref()],
        protocol_parser_refs: Vec::new(),
    };
    out.insert(
        AviKind::VsDataScriptSet,
        json(&ds),
        ds_name.clone(),
        vec![pg_key.clone()],
    );

    let mut refs = vec![
        AviKey::new(AviKind::VsVip, vsvip.clone()),
        pg_key.clone(),
        AviKey::new(AviKind::VsDataScriptSet, ds_name.clone()),
    ];
    let mut vs = wire::VirtualService::new(
        env.common(AviKind::VirtualService, name, &[]),
        &infra.seg_ref,
        &env.vrf_ref,
    );
    vs.kind = Some("VS_TYPE_VH_PARENT");
    vs.vsvip_ref = Some(avi_ref("vsvip", &vsvip));
    vs.services = vec![
        wire::Service {
            port: 80,
            enable_ssl: false,
            override_network_profile_ref: None,
        },
        wire::Service {
            port: 443,
            enable_ssl: true,
            override_network_profile_ref: None,
        },
    ];
    vs.application_profile_ref = avi_ref("applicationprofile", "System-HTTP");
    vs.network_profile_ref = Some(avi_ref("networkprofile", "System-TCP-Proxy"));
    vs.pool_group_ref = Some(pg_key.to_ref());
    vs.vs_datascripts = vec![wire::VsDataScript {
        index: 0,
        vs_datascript_set_ref: avi_ref("vsdatascriptset", &ds_name),
    }];
    if !secure_hosts.is_empty() {
        let redirect = switching::redirect_policy(
            env,
            out,
            naming::shared_redirect_policy(name),
            secure_hosts,
        );
        vs.http_policies = vec![wire::HttpPolicies {
            index: 0,
            http_policy_set_ref: redirect.to_ref(),
        }];
        refs.push(redirect);
    }
    out.insert(AviKind::VirtualService, json(&vs), name.to_owned(), refs);
    out.graph.shared_parents.insert(name.to_owned());
}

#[allow(clippy::too_many_arguments)]
fn insecure_pools(
    env: &Env<'_>,
    out: &mut Out,
    infra: &Infra<'_>,
    host: &str,
    route: &PathRoute<'_>,
    settings: &PoolSettings<'_>,
    labels: &mut Vec<String>,
    members: &mut Vec<wire::PoolGroupMember<'static>>,
    pool_keys: &mut Vec<AviKey>,
) {
    let ns = route.source.namespace.as_str();
    let ing = route.source.name.as_str();
    for b in &route.backends {
        let route_svc = b.named_in_pool.then_some(b.svc);
        let pool_name = naming::l7_insecure_pool(
            env.cluster,
            infra.name,
            host,
            route.path,
            ns,
            ing,
            route_svc,
        );
        // Pools of a shared parent carry the cluster marker only (spec §4.3).
        let (key, member) = switching::pool_member(env, out, infra, pool_name, &[], b, settings);
        members.push(member);
        labels.push(naming::priority_label(host, route.path));
        pool_keys.push(key);
    }
}
