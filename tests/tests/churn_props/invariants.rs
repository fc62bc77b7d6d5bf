//! The invariants of DESIGN.md ("Scenarios"), checked after every convergence of a
//! property case from avi-sim's store and request log, kube-sim's objects and the
//! Lease — never from the controller's own account of what it did:
//!
//! 1. Avi = `model::build(cluster as listed from kube-sim)`: every desired object
//!    exists, and `ako::sync::diff` of the desired graph against a fresh inventory
//!    plans nothing (bodies as field subsets, refs by name — sync's own comparison);
//! 2. no object owned by `c1` (created_by or marker) outside the graph; the look-alike
//!    cluster `c1-b`'s objects (and `c1x`'s `c1--foreign-pool`) byte-identical;
//! 3. every in-scope host on the VsVip of `shard::of(host)`, and a host present before
//!    and after a transition kept its VS and its VIP;
//! 5. no VsVip with more than 1000 FQDNs;
//! 6. no DELETE of an object desired both before and after the transition;
//! 7. writes of one transition come from one instance, or from two in sequence (no
//!    interleaving) only across a restart/crash/stop; the last writer holds the Lease.
//!
//! 4 (a restart writes nothing) is checked where the machine restarts.

use std::collections::{BTreeMap, BTreeSet};

use ako::avi::{AviClient, AviClientConfig, Credentials, RateLimit};
use ako::config::{AkoConfig, ConfigSources};
use ako::model::{AviGraph, ClusterState, DEFAULT_VRF, MAX_FQDNS_PER_VS};
use ako::sync::{AviCache, InfraScope, diff};
use avi_sim::Entry;
use k8s_openapi::api::core::v1::{Namespace, Node, Pod, Secret, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::networking::v1::{Ingress, IngressClass};
use kube::api::{Api, ListParams};
use serde_json::{Value, json};

use super::foreign;
use super::harness::{CLUSTER, INSTANCES, SHARD_COUNT, World, configmap_data};
use super::machine::{RefState, Transition};

pub struct Checker {
    client: AviClient,
    config: AkoConfig,
    /// Foreign objects by uuid, as seeded.
    foreign: BTreeMap<String, Value>,
    /// host -> (vsvip, VIP) at the last convergence.
    placement: BTreeMap<String, (String, Option<String>)>,
    /// (type, name) the graph wanted at the last convergence.
    wanted: BTreeSet<(String, String)>,
    /// uuid -> (type, name) of owned objects at the last convergence.
    uuids: BTreeMap<String, (String, String)>,
    /// Request log position at the last convergence.
    pub mark: u64,
}

fn msg(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// Owned by `c1` by either signal (a half-marked object is an orphan too).
fn looks_owned(body: &Value) -> bool {
    body["created_by"] == format!("ako-{CLUSTER}").as_str()
        || body["markers"].as_array().is_some_and(|ms| {
            ms.iter()
                .any(|m| m["key"] == "clustername" && m["values"] == json!([CLUSTER]))
        })
}

/// Controller writes (logins aside) after `mark`.
pub fn writes_since(world: &World, mark: u64) -> Vec<Entry> {
    world
        .avi
        .request_log()
        .entries()
        .into_iter()
        .filter(|e| e.seq > mark && e.is_write() && INSTANCES.contains(&e.client.as_str()))
        .filter(|e| e.object_type != "login" && e.object_type != "logout")
        .collect()
}

pub fn log_position(world: &World) -> u64 {
    world
        .avi
        .request_log()
        .entries()
        .last()
        .map_or(0, |e| e.seq)
}

pub fn describe(entries: &[Entry]) -> String {
    let lines: Vec<String> = entries
        .iter()
        .take(12)
        .map(|e| format!("{} {} {} -> {}", e.client, e.method, e.path, e.status))
        .collect();
    lines.join(", ")
}

async fn list_into<K>(client: &kube::Client, state: &mut ClusterState) -> Result<(), String>
where
    K: ako::model::StateObject
        + Clone
        + serde::de::DeserializeOwned
        + std::fmt::Debug
        + kube::Resource<DynamicType = ()>,
{
    let list = Api::<K>::all(client.clone())
        .list(&ListParams::default())
        .await
        .map_err(msg)?;
    for o in list.items {
        state.apply(o);
    }
    Ok(())
}

/// The cluster as kube-sim holds it, independent of the controller's watches.
async fn cluster_state(client: &kube::Client) -> Result<ClusterState, String> {
    let mut s = ClusterState::new();
    list_into::<Namespace>(client, &mut s).await?;
    list_into::<Service>(client, &mut s).await?;
    list_into::<EndpointSlice>(client, &mut s).await?;
    list_into::<Secret>(client, &mut s).await?;
    list_into::<Ingress>(client, &mut s).await?;
    list_into::<IngressClass>(client, &mut s).await?;
    list_into::<Node>(client, &mut s).await?;
    list_into::<Pod>(client, &mut s).await?;
    Ok(s)
}

impl Checker {
    /// Seeds the foreign objects and records them.
    pub async fn new(world: &World) -> Result<Checker, String> {
        let url = url::Url::parse(&world.avi.url()).map_err(msg)?;
        let mut c = AviClientConfig::new(
            url,
            Credentials::Password {
                username: world.avi.username().into(),
                password: world.avi.password().into(),
            },
        );
        c.client_id = "checker".into();
        // The checker's reads are not the controller's budget to pace.
        c.rate_limit = RateLimit {
            per_second: 10_000.0,
            burst: 10_000,
        };
        let client = AviClient::new(c).map_err(msg)?;
        let foreign = foreign::seed(&client, world).await?;
        let config = ConfigSources::new()
            .configmap(&configmap_data(&world.avi.url()))
            .build()
            .map_err(msg)?;
        Ok(Checker {
            client,
            config,
            foreign,
            placement: BTreeMap::new(),
            wanted: BTreeSet::new(),
            uuids: BTreeMap::new(),
            mark: log_position(world),
        })
    }

    /// Every invariant but 4, after `t` (None: the initial boot) converged.
    pub async fn after(
        &mut self,
        world: &World,
        state: &RefState,
        t: Option<&Transition>,
    ) -> Result<(), String> {
        let cluster = cluster_state(&world.client).await?;
        let (graph, _) = ako::model::build(&cluster, &self.config);
        let wanted: BTreeSet<(String, String)> = graph
            .objects
            .keys()
            .map(|k| (k.kind.api_path().to_owned(), k.name.clone()))
            .collect();
        let writes = writes_since(world, self.mark);
        // The request-log checks first: they name the cause of what 1-3 would see.
        self.no_delete_while_wanted(&writes, &wanted)?;
        one_writer(world, &writes, t).await?;
        self.model_equals_avi(world, &graph, &wanted).await?;
        foreign::untouched(world, &self.foreign)?;
        let placement = self.placement_holds(world, state)?;
        self.placement = placement;
        self.wanted = wanted;
        self.uuids = owned(world)
            .into_iter()
            .map(|(uuid, ty, name, _)| (uuid, (ty, name)))
            .collect();
        self.mark = log_position(world);
        Ok(())
    }

    /// 1 and 2 (own objects).
    async fn model_equals_avi(
        &self,
        world: &World,
        graph: &AviGraph,
        wanted: &BTreeSet<(String, String)>,
    ) -> Result<(), String> {
        let kept: BTreeSet<String> = graph
            .shared_parents
            .iter()
            .map(|p| ako::naming::shared_vsvip(p))
            .collect();
        let have: BTreeSet<(String, String)> = owned(world)
            .into_iter()
            .map(|(_, ty, name, _)| (ty, name))
            .collect();
        let missing: Vec<_> = wanted.difference(&have).collect();
        let orphans: Vec<_> = have
            .difference(wanted)
            .filter(|(t, n)| !(t == "vsvip" && kept.contains(n)))
            .collect();
        if !missing.is_empty() || !orphans.is_empty() {
            return Err(format!(
                "invariant 1/2: Avi differs from model::build: missing {missing:?}, orphans {orphans:?}"
            ));
        }
        let c = &self.config.controller;
        let scope = InfraScope {
            vrf: Some(c.vrf.clone().unwrap_or_else(|| DEFAULT_VRF.to_owned())),
            se_groups: BTreeSet::from([c.se_group.clone()]),
        };
        let cache = AviCache::load(&self.client, CLUSTER, &scope).await;
        if !cache.is_complete() {
            return Err(format!("inventory read failed: {:?}", cache.read_errors()));
        }
        let plan = diff(graph, &cache, true);
        if !plan.is_empty() {
            let ops: Vec<String> = plan.steps.iter().map(|s| format!("{:?}", s.op)).collect();
            return Err(format!(
                "invariant 1: Avi bodies differ from model::build; sync would still do: {}",
                ops.join("; ")
            ));
        }
        Ok(())
    }

    /// 3 and 5: the new placement of every host.
    fn placement_holds(
        &self,
        world: &World,
        state: &RefState,
    ) -> Result<BTreeMap<String, (String, Option<String>)>, String> {
        let mut at: BTreeMap<String, (String, Option<String>)> = BTreeMap::new();
        for (_, ty, name, body) in owned(world) {
            if ty != "vsvip" {
                continue;
            }
            let fqdns = body["dns_info"].as_array().cloned().unwrap_or_default();
            if fqdns.len() > MAX_FQDNS_PER_VS {
                return Err(format!(
                    "invariant 5: vsvip {name} carries {} FQDNs",
                    fqdns.len()
                ));
            }
            let vip = body["vip"][0]["ip_address"]["addr"]
                .as_str()
                .map(str::to_owned);
            for f in fqdns.iter().filter_map(|d| d["fqdn"].as_str()) {
                if let Some((other, _)) = at.insert(f.to_owned(), (name.clone(), vip.clone())) {
                    return Err(format!("invariant 3: {f} is on both {other} and {name}"));
                }
            }
        }
        for host in state.hosts_in_scope() {
            let shard = ako::shard::of(host, SHARD_COUNT, ako::shard::ShardHash::Md5);
            let vs = ako::naming::shared_vs(CLUSTER, None, shard);
            let want = ako::naming::shared_vsvip(&vs);
            match at.get(host) {
                Some((v, _)) if *v == want => {}
                Some((v, _)) => {
                    return Err(format!(
                        "invariant 3: {host} is on {v}, shard::of says {want}"
                    ));
                }
                None => return Err(format!("invariant 3: {host} is on no VS (wanted {want})")),
            }
        }
        for (host, (vsvip, vip)) in &at {
            if let Some((was, was_vip)) = self.placement.get(host)
                && (was != vsvip || was_vip != vip)
            {
                return Err(format!(
                    "invariant 3: {host} moved from {was} ({was_vip:?}) to {vsvip} ({vip:?})"
                ));
            }
        }
        Ok(at)
    }

    /// 6.
    fn no_delete_while_wanted(
        &self,
        writes: &[Entry],
        wanted: &BTreeSet<(String, String)>,
    ) -> Result<(), String> {
        for e in writes.iter().filter(|e| e.method == "DELETE") {
            let uuid = e
                .path
                .split('?')
                .next()
                .and_then(|p| p.rsplit('/').next())
                .unwrap_or_default();
            if let Some(key) = self.uuids.get(uuid)
                && self.wanted.contains(key)
                && wanted.contains(key)
            {
                return Err(format!(
                    "invariant 6: {} deleted {}/{} (status {}) while its source existed and was in scope",
                    e.client, key.0, key.1, e.status
                ));
            }
        }
        Ok(())
    }
}

/// 7.
async fn one_writer(world: &World, writes: &[Entry], t: Option<&Transition>) -> Result<(), String> {
    let mut runs: Vec<&str> = Vec::new();
    for e in writes {
        if runs.last() != Some(&e.client.as_str()) {
            runs.push(&e.client);
        }
    }
    let handover = matches!(
        t,
        None | Some(Transition::Restart | Transition::Kill | Transition::StopSecond)
    );
    if runs.len() > 2 || (runs.len() == 2 && !handover) {
        return Err(format!(
            "invariant 7: writers interleaved ({}) during {t:?}: {}",
            runs.join(" -> "),
            describe(writes)
        ));
    }
    if let Some(last) = runs.last() {
        let holder = world.lease_holder().await;
        if holder.as_deref() != Some(last) {
            return Err(format!(
                "invariant 7: {last} wrote but the Lease is held by {holder:?}"
            ));
        }
    }
    Ok(())
}

/// (uuid, type, name, body) of every object that looks owned by `c1`.
fn owned(world: &World) -> Vec<(String, String, String, Value)> {
    world
        .avi
        .store()
        .iter()
        .filter_map(|o| {
            let body = Value::Object(o.body());
            looks_owned(&body).then(|| {
                (
                    o.uuid.to_string(),
                    o.type_path().to_owned(),
                    o.name.to_string(),
                    body,
                )
            })
        })
        .collect()
}
