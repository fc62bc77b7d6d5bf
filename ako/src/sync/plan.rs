//! `diff(&AviGraph, &AviCache) -> Plan`: the writes that make the controller equal to
//! the graph, each with the steps that must succeed before it — refs are created
//! before their referrers, referrers are changed or deleted before what they referred
//! to. Unchanged objects get no step; deletions only when the caller and the cache
//! both allow them (B2, B21); shared parents' VsVips are never deleted (F3).

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::Value;

use super::cache::AviCache;
use super::{compare, infra, preserve};
use crate::avi::refs;
use crate::model::{AviGraph, AviKey, AviKind};
use crate::naming;

/// What one step changes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StepKey {
    Object(AviKey),
    /// This cluster's static routes in the named VRF context.
    VrfRoutes(String),
    /// The `clustername` label of the named SE group.
    SeGroupLabel(String),
}

impl fmt::Display for StepKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StepKey::Object(k) => write!(f, "{k}"),
            StepKey::VrfRoutes(vrf) => write!(f, "vrfcontext/{vrf}/static_routes"),
            StepKey::SeGroupLabel(seg) => write!(f, "serviceenginegroup/{seg}/labels"),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// POST; on 409 the existing object is adopted (B5, B10).
    Create {
        key: AviKey,
        body: Value,
    },
    /// PUT of the whole desired body (allocated VIPs carried over).
    Update {
        key: AviKey,
        uuid: String,
        body: Value,
    },
    Delete {
        key: AviKey,
        uuid: String,
    },
    /// PATCH `delete` then `add` of `static_routes` entries (by `route_id`).
    Routes {
        vrf: String,
        vrf_uuid: String,
        delete: Vec<Value>,
        add: Vec<Value>,
    },
    /// PUT of the SE group with its labels changed.
    SeGroupLabel {
        name: String,
        uuid: String,
        body: Value,
    },
}

impl Op {
    pub fn key(&self) -> StepKey {
        match self {
            Op::Create { key, .. } | Op::Update { key, .. } | Op::Delete { key, .. } => {
                StepKey::Object(key.clone())
            }
            Op::Routes { vrf, .. } => StepKey::VrfRoutes(vrf.clone()),
            Op::SeGroupLabel { name, .. } => StepKey::SeGroupLabel(name.clone()),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub op: Op,
    /// Indices (into `Plan::steps`) of the steps that must succeed first (lower, except
    /// for steps caught in a dependency cycle, which never run).
    pub after: Vec<usize>,
}

impl Step {
    pub fn key(&self) -> StepKey {
        self.op.key()
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plan {
    /// In dependency order.
    pub steps: Vec<Step>,
    /// Desired objects already as wanted.
    pub unchanged: usize,
    /// Deletions not planned because deleting is not allowed this round.
    pub withheld: Vec<StepKey>,
    /// Things the plan cannot do, with why (unread VRF, SE group of another cluster, ...).
    pub problems: Vec<(StepKey, String)>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }
}

/// The plan that turns `cache` into `graph`. `may_delete` is the caller's consent
/// (every Kubernetes kind listed, Lease held); the cache must also be complete.
pub fn diff(graph: &AviGraph, cache: &AviCache, may_delete: bool) -> Plan {
    let may_delete = may_delete && cache.is_complete();
    let mut plan = Plan::default();
    let mut ops: BTreeMap<StepKey, Op> = BTreeMap::new();
    let name_of = |r: &refs::AviRef| cache.name_of(r);
    for (key, want) in &graph.objects {
        let op = match cache.get(key) {
            Some(have)
                if compare::satisfies(key.kind, &want.body, &have.body, &name_of)
                    && !keeps_dropped_refs(key, &want.body, &have.body, cache) =>
            {
                plan.unchanged += 1;
                continue;
            }
            Some(have) => Op::Update {
                key: key.clone(),
                uuid: have.uuid.clone(),
                body: preserve::put_body(key.kind, &want.body, &have.body),
            },
            None => Op::Create {
                key: key.clone(),
                body: want.body.clone(),
            },
        };
        ops.insert(StepKey::Object(key.clone()), op);
    }
    let kept_vips: BTreeSet<String> = graph
        .shared_parents
        .iter()
        .map(|p| naming::shared_vsvip(p))
        .collect();
    for (key, have) in cache.objects() {
        if graph.objects.contains_key(key)
            || (key.kind == AviKind::VsVip && kept_vips.contains(&key.name))
        {
            continue;
        }
        let step_key = StepKey::Object(key.clone());
        if may_delete {
            ops.insert(
                step_key,
                Op::Delete {
                    key: key.clone(),
                    uuid: have.uuid.clone(),
                },
            );
        } else {
            plan.withheld.push(step_key);
        }
    }
    let infra = infra::diff(graph, cache, may_delete);
    plan.withheld.extend(infra.withheld);
    plan.problems = infra.problems;
    ops.extend(infra.ops);
    let deps = dependencies(graph, cache, &ops);
    plan.steps = order(ops, deps);
    plan
}

/// Whether the observed body still refers to an object of ours that the desired body
/// no longer names. The desired body omits what it does not want (an empty list of
/// HTTP policies is not sent), so the field-subset test alone calls such an object
/// unchanged; it needs a PUT, and that PUT is what lets the dropped object be deleted.
fn keeps_dropped_refs(key: &AviKey, want: &Value, have: &Value, cache: &AviCache) -> bool {
    let wanted = body_refs(want, cache);
    body_refs(have, cache)
        .iter()
        .any(|r| r != key && !wanted.contains(r) && cache.get(r).is_some())
}

/// For each step, the steps that must run before it.
fn dependencies(
    graph: &AviGraph,
    cache: &AviCache,
    ops: &BTreeMap<StepKey, Op>,
) -> BTreeMap<StepKey, BTreeSet<StepKey>> {
    let mut deps: BTreeMap<StepKey, BTreeSet<StepKey>> = BTreeMap::new();
    // A created or updated object goes after the writes of what it will refer to.
    for (key, op) in ops {
        let StepKey::Object(obj) = key else { continue };
        if matches!(op, Op::Create { .. } | Op::Update { .. })
            && let Some(want) = graph.objects.get(obj)
        {
            let before = want
                .refs
                .iter()
                .cloned()
                .chain(body_refs(&want.body, cache))
                .map(StepKey::Object)
                .filter(|r| r != key && ops.contains_key(r));
            deps.entry(key.clone()).or_default().extend(before);
        }
    }
    // A deleted object goes after every change to an object that refers to it now, as
    // observed (the graph no longer names it): deleting the referrer, or updating it to
    // refer elsewhere.
    for (referrer, have) in cache.objects() {
        let referrer_key = StepKey::Object(referrer.clone());
        if !matches!(
            ops.get(&referrer_key),
            Some(Op::Delete { .. } | Op::Update { .. })
        ) {
            continue;
        }
        for target in body_refs(&have.body, cache) {
            let target_key = StepKey::Object(target);
            if target_key != referrer_key && matches!(ops.get(&target_key), Some(Op::Delete { .. }))
            {
                deps.entry(target_key)
                    .or_default()
                    .insert(referrer_key.clone());
            }
        }
    }
    deps
}

/// Objects of the kinds ako writes that a body (desired or observed) refers to, by
/// key, whatever the wire form of the ref; uuid-only refs are named through the cache.
fn body_refs(body: &Value, cache: &AviCache) -> BTreeSet<AviKey> {
    let mut found = BTreeSet::new();
    let mut stack = vec![body];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(m) => stack.extend(m.values()),
            Value::Array(a) => stack.extend(a.iter()),
            Value::String(s) => {
                let Some(r) = refs::parse(s) else { continue };
                let Some(kind) = AviKind::ALL
                    .into_iter()
                    .find(|k| k.api_path() == r.obj_type)
                else {
                    continue;
                };
                if let Some(name) = r.name.clone().or_else(|| cache.name_of(&r)) {
                    found.insert(AviKey::new(kind, name));
                }
            }
            _ => {}
        }
    }
    found
}

/// Topological order (Kahn), ties broken for a readable plan: creates and updates in
/// kind order, deletes in reverse kind order, then by name. Steps caught in a cycle
/// (not expected from the model) keep their unmet dependencies and end up blocked.
fn order(ops: BTreeMap<StepKey, Op>, deps: BTreeMap<StepKey, BTreeSet<StepKey>>) -> Vec<Step> {
    type Rank = (u8, Reverse<Option<AviKind>>, Option<AviKind>, StepKey);
    let rank = |key: &StepKey, op: &Op| -> Rank {
        let kind = match key {
            StepKey::Object(k) => Some(k.kind),
            _ => None,
        };
        match op {
            Op::Delete { .. } => (1, Reverse(kind), None, key.clone()),
            _ => (0, Reverse(None), kind, key.clone()),
        }
    };
    let mut waiting: BTreeMap<StepKey, usize> = ops
        .keys()
        .map(|k| (k.clone(), deps.get(k).map_or(0, BTreeSet::len)))
        .collect();
    let mut dependents: BTreeMap<&StepKey, Vec<&StepKey>> = BTreeMap::new();
    for (k, before) in &deps {
        for b in before {
            dependents.entry(b).or_default().push(k);
        }
    }
    let mut ready: BTreeSet<Rank> = ops
        .iter()
        .filter(|(k, _)| waiting[*k] == 0)
        .map(|(k, op)| rank(k, op))
        .collect();
    let mut sorted: Vec<StepKey> = Vec::with_capacity(ops.len());
    while let Some(next) = ready.pop_first() {
        let key = next.3;
        for d in dependents.get(&key).into_iter().flatten() {
            if let Some(n) = waiting.get_mut(*d) {
                *n -= 1;
                if *n == 0 {
                    ready.insert(rank(d, &ops[*d]));
                }
            }
        }
        sorted.push(key);
    }
    let placed: BTreeSet<StepKey> = sorted.iter().cloned().collect();
    sorted.extend(ops.keys().filter(|k| !placed.contains(*k)).cloned());
    let index: BTreeMap<&StepKey, usize> = sorted.iter().enumerate().map(|(i, k)| (k, i)).collect();
    let mut steps: Vec<Step> = Vec::with_capacity(sorted.len());
    for key in &sorted {
        let mut after: Vec<usize> = deps
            .get(key)
            .into_iter()
            .flatten()
            .filter_map(|d| index.get(d).copied())
            .collect();
        after.sort_unstable();
        steps.push(Step {
            op: ops[key].clone(),
            after,
        });
    }
    steps
}
