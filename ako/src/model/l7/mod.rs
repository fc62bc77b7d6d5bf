//! L7: Ingresses (and OpenShift Routes) → shared parents with insecure pools and
//! SNI children (F2, F4, F5, F10), or DEDICATED virtual services (F6), placed by
//! `shard::place`; passthrough Routes → passthrough VSes (F16, F17); the
//! 1000-FQDN limit per VS enforced deterministically (F8).

mod backends;
mod claims;
mod datascript;
mod ingress;
mod passthrough;
mod route;
mod shared;
mod switching;
mod table;
mod vhost;

use std::collections::BTreeMap;

use k8s_openapi::api::networking::v1::IngressClass;

use super::ctx::{Env, Out};
use super::graph::Diagnostic;
use super::rules::Rules;
use super::scope::{AVI_CONTROLLER, GLOBAL_INFRA, Infras, Namespaces};
use super::state::ClusterState;
use crate::naming;
use crate::shard::{self, Placement};
use table::{HostEntry, HostTable};

/// Avi's limit of DNS records (FQDNs) on one virtual service.
pub const MAX_FQDNS_PER_VS: usize = 1000;

struct Group<'t, 's> {
    infra: usize,
    hosts: Vec<(&'s str, &'t HostEntry<'s>)>,
}

pub fn build(
    env: &Env<'_>,
    out: &mut Out,
    state: &ClusterState,
    namespaces: &Namespaces<'_>,
    infras: &Infras<'_>,
    rules: &Rules<'_>,
) {
    let mut table = HostTable::new();
    ingress::collect(env, out, state, namespaces, infras, &mut table);
    route::collect(env, out, state, namespaces, infras, &mut table);

    let mut groups: BTreeMap<String, Group<'_, '_>> = BTreeMap::new();
    for idx in used_infras(state, infras) {
        let infra = infras.get(idx);
        for n in 0..infra.shard_size.count().unwrap_or(0) {
            groups.insert(
                naming::shared_vs(env.cluster, infra.name, n),
                Group {
                    infra: idx,
                    hosts: Vec::new(),
                },
            );
        }
    }
    let mut dedicated = Vec::new();
    let mut passthrough: BTreeMap<(String, String), Group<'_, '_>> = BTreeMap::new();
    let pt_count = env.cfg.passthrough_shard_size.count().unwrap_or(1);
    for ((idx, host), entry) in &table {
        let infra = infras.get(*idx);
        if entry.passthrough.is_some() {
            let n = shard::of(host, pt_count, env.cfg.shard_hash);
            let names = (
                naming::passthrough_vs(env.cluster, infra.name, n),
                naming::passthrough_insecure_vs(env.cluster, infra.name, n),
            );
            passthrough
                .entry(names)
                .or_insert_with(|| Group {
                    infra: *idx,
                    hosts: Vec::new(),
                })
                .hosts
                .push((host, entry));
        }
        if !entry.is_l7() {
            continue;
        }
        match shard::place(host, infra.shard_size, env.cfg.shard_hash) {
            Placement::Dedicated => dedicated.push((*idx, *host, entry)),
            at => groups
                .entry(naming::l7_parent_vs(env.cluster, infra.name, host, at))
                .or_insert_with(|| Group {
                    infra: *idx,
                    hosts: Vec::new(),
                })
                .hosts
                .push((host, entry)),
        }
    }
    for (name, group) in &mut groups {
        enforce_fqdn_limit(out, name, group, rules);
        shared::parent(env, out, infras.get(group.infra), name, &group.hosts, rules);
    }
    for (idx, host, entry) in dedicated {
        vhost::dedicated(env, out, infras.get(idx), host, entry, rules);
    }
    for ((vs, insecure_vs), group) in &mut passthrough {
        enforce_fqdn_limit(out, vs, group, rules);
        passthrough::parent(
            env,
            out,
            infras.get(group.infra),
            (vs, insecure_vs.clone()),
            &group.hosts,
        );
    }
}

/// The global infra and every AviInfraSetting an AKO IngressClass names: their
/// shared parents exist even without hosts (F2: created at boot; F3: kept).
fn used_infras(state: &ClusterState, infras: &Infras<'_>) -> Vec<usize> {
    let mut used = vec![GLOBAL_INFRA];
    for (_, class) in state.iter::<IngressClass>() {
        let Some(spec) = class.spec.as_ref() else {
            continue;
        };
        if spec.controller.as_deref() != Some(AVI_CONTROLLER) {
            continue;
        }
        let idx = spec
            .parameters
            .as_ref()
            .filter(|p| p.kind == "AviInfraSetting")
            .and_then(|p| infras.by_name(&p.name));
        used.extend(idx);
    }
    used.sort_unstable();
    used.dedup();
    used
}

/// Keeps at most [`MAX_FQDNS_PER_VS`] FQDNs on a parent: senior hosts (earliest
/// source) first; every source of a refused host gets a diagnostic (F8).
fn enforce_fqdn_limit(out: &mut Out, vs: &str, group: &mut Group<'_, '_>, rules: &Rules<'_>) {
    let fqdns = |host: &str, e: &HostEntry<'_>| {
        1 + if e.is_secure() {
            rules.alias_count(host)
        } else {
            0
        }
    };
    let total: usize = group.hosts.iter().map(|(h, e)| fqdns(h, e)).sum();
    if total <= MAX_FQDNS_PER_VS {
        return;
    }
    group
        .hosts
        .sort_by(|a, b| a.1.first.cmp(&b.1.first).then(a.0.cmp(b.0)));
    let mut used = 0;
    group.hosts.retain(|(host, entry)| {
        let n = fqdns(host, entry);
        if used + n <= MAX_FQDNS_PER_VS {
            used += n;
            return true;
        }
        for source in &entry.sources {
            out.diag(Diagnostic::error(
                source,
                "ShardFqdnLimit",
                format!(
                    "host {host} is not synced: virtual service {vs} already carries {MAX_FQDNS_PER_VS} FQDNs (the Avi limit); use a larger shardSize or an IngressClass whose AviInfraSetting sets its own shardSize"
                ),
            ));
        }
        false
    });
    group.hosts.sort_by(|a, b| a.0.cmp(b.0));
}
