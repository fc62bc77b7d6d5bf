//! The executor: runs a plan's steps as soon as what they depend on succeeded, at
//! most `concurrency` at a time (the client's token bucket sets the pace). A failing
//! step backs off on its own and blocks only its dependents (B12, B20); creates are
//! upserts by name (B5, B10); the cache follows every answer.

use futures::stream::{FuturesUnordered, StreamExt};
use serde_json::Value;
use tokio::time::Instant;

use super::cache::{AviCache, Observed};
use super::plan::{Op, Plan, StepKey};
use super::report::PlanReport;
use super::retry::RetryBook;
use super::{compare, infra, owner, preserve};
use crate::avi::{AviClient, AviError, PatchOp};
use crate::model::AviKey;

#[derive(Debug, thiserror::Error)]
pub enum StepError {
    #[error("{key}: {source}")]
    Avi {
        key: StepKey,
        #[source]
        source: Box<AviError>,
    },
    #[error("{key}: the name is taken by an object this cluster does not own; not adopted")]
    NotOwned { key: StepKey },
    #[error("{key}: the controller's answer has no uuid")]
    NoUuid { key: StepKey },
}

/// What a finished step changes in the cache.
enum Change {
    Object(AviKey, Observed),
    Gone(AviKey),
    Vrf(String, Observed),
    SeGroup(String, Observed),
}

struct Done {
    change: Change,
    writes: Vec<(&'static str, &'static str)>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Pending,
    Running,
    Finished,
    Stopped,
}

/// How much of a plan one call may run.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    /// Steps in flight at once.
    pub concurrency: usize,
    /// No step starts after this; the rest is postponed to the next round.
    pub deadline: Option<Instant>,
}

pub(crate) async fn execute(
    client: &AviClient,
    plan: &Plan,
    cache: &mut AviCache,
    book: &mut RetryBook,
    limits: Limits,
    report: &mut PlanReport,
) {
    let steps = &plan.steps;
    let cluster = cache.cluster().to_string();
    let mut waiting: Vec<usize> = steps.iter().map(|s| s.after.len()).collect();
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); steps.len()];
    for (i, s) in steps.iter().enumerate() {
        for &d in &s.after {
            dependents[d].push(i);
        }
    }
    let keys: Vec<StepKey> = steps.iter().map(|s| s.key()).collect();
    let mut state = vec![State::Pending; steps.len()];
    let mut ready: std::collections::VecDeque<usize> =
        (0..steps.len()).filter(|&i| waiting[i] == 0).collect();
    let mut running = FuturesUnordered::new();
    let mut out_of_time = false;
    loop {
        out_of_time = out_of_time || limits.deadline.is_some_and(|d| Instant::now() >= d);
        while !out_of_time
            && running.len() < limits.concurrency.max(1)
            && let Some(i) = ready.pop_front()
        {
            if book.is_waiting(&keys[i], Instant::now()) {
                report.deferred.push(keys[i].clone());
                state[i] = State::Stopped;
                stop_dependents(i, &dependents, &mut state, &keys, report);
                continue;
            }
            state[i] = State::Running;
            let cluster = cluster.as_str();
            running.push(async move { (i, run(client, cluster, &steps[i].op).await) });
        }
        let Some((i, result)) = running.next().await else {
            break;
        };
        state[i] = State::Finished;
        match result {
            Ok(done) => {
                book.succeeded(&keys[i]);
                for (verb, obj_type) in done.writes {
                    report.wrote(verb, obj_type);
                }
                apply(cache, done.change);
                for &d in &dependents[i] {
                    waiting[d] -= 1;
                    if waiting[d] == 0 && state[d] == State::Pending {
                        ready.push_back(d);
                    }
                }
            }
            Err(e) => {
                tracing::warn!(key = %keys[i], error = %e, "Avi write failed; backing off");
                book.failed(&keys[i], e.to_string(), Instant::now());
                report.errors.push((keys[i].clone(), e.to_string()));
                stop_dependents(i, &dependents, &mut state, &keys, report);
            }
        }
    }
    // Steps left pending were out of time, or sit in a dependency cycle.
    for (i, s) in state.iter().enumerate() {
        if *s == State::Pending {
            let list = if out_of_time {
                &mut report.postponed
            } else {
                &mut report.blocked
            };
            list.push(keys[i].clone());
        }
    }
}

/// Marks every transitive dependent of step `i` as blocked.
fn stop_dependents(
    i: usize,
    dependents: &[Vec<usize>],
    state: &mut [State],
    keys: &[StepKey],
    report: &mut PlanReport,
) {
    let mut stack: Vec<usize> = dependents[i].clone();
    while let Some(d) = stack.pop() {
        if state[d] == State::Pending {
            state[d] = State::Stopped;
            report.blocked.push(keys[d].clone());
            stack.extend(&dependents[d]);
        }
    }
}

fn apply(cache: &mut AviCache, change: Change) {
    match change {
        Change::Object(key, obs) => cache.insert(key, obs),
        Change::Gone(key) => cache.remove(&key),
        Change::Vrf(name, obs) => cache.set_vrf(&name, obs),
        Change::SeGroup(name, obs) => cache.set_se_group(&name, obs),
    }
}

async fn run(client: &AviClient, cluster: &str, op: &Op) -> Result<Done, StepError> {
    let key = op.key();
    let avi = |source: AviError| StepError::Avi {
        key: op.key(),
        source: Box::new(source),
    };
    match op {
        Op::Create { key: obj, body } => upsert(client, cluster, obj, body).await,
        Op::Update {
            key: obj,
            uuid,
            body,
        } => {
            match client
                .put::<_, Value>(obj.kind.api_path(), uuid, body)
                .await
            {
                Ok(answer) => object_done(obj, answer, vec![("PUT", obj.kind.api_path())]),
                // Deleted behind our back: create it again.
                Err(e) if e.is_not_found() => upsert(client, cluster, obj, body).await,
                Err(e) => Err(avi(e)),
            }
        }
        Op::Delete { key: obj, uuid } => {
            client
                .delete(obj.kind.api_path(), uuid)
                .await
                .map_err(avi)?;
            Ok(Done {
                change: Change::Gone(obj.clone()),
                writes: vec![("DELETE", obj.kind.api_path())],
            })
        }
        Op::Routes {
            vrf,
            vrf_uuid,
            delete,
            add,
        } => {
            let mut writes = Vec::new();
            let mut answer = Value::Null;
            for (patch, routes) in [(PatchOp::Delete, delete), (PatchOp::Add, add)] {
                if routes.is_empty() {
                    continue;
                }
                let body = serde_json::json!({ "static_routes": routes });
                answer = infra::infra_client(client)
                    .patch(VRF, vrf_uuid, patch, &body)
                    .await
                    .map_err(avi)?;
                writes.push(("PATCH", VRF));
            }
            let obs = Observed::from_body(answer).ok_or(StepError::NoUuid { key })?;
            Ok(Done {
                change: Change::Vrf(vrf.clone(), obs),
                writes,
            })
        }
        Op::SeGroupLabel { name, uuid, body } => {
            let answer: Value = infra::infra_client(client)
                .put(SEG, uuid, body)
                .await
                .map_err(avi)?;
            let obs = Observed::from_body(answer).ok_or(StepError::NoUuid { key })?;
            Ok(Done {
                change: Change::SeGroup(name.clone(), obs),
                writes: vec![("PUT", SEG)],
            })
        }
    }
}

const VRF: &str = "vrfcontext";
const SEG: &str = "serviceenginegroup";

/// POST; on 409 the object exists already (our earlier answer was lost, or another
/// instance made it): read it by name, adopt it if it is ours, PUT if it differs.
async fn upsert(
    client: &AviClient,
    cluster: &str,
    obj: &AviKey,
    body: &Value,
) -> Result<Done, StepError> {
    let key = StepKey::Object(obj.clone());
    let avi = |source: AviError| StepError::Avi {
        key: key.clone(),
        source: Box::new(source),
    };
    let path = obj.kind.api_path();
    let conflict = match client.create::<_, Value>(path, body).await {
        Ok(answer) => return object_done(obj, answer, vec![("POST", path)]),
        Err(e) if e.is_conflict() => e,
        Err(e) => return Err(avi(e)),
    };
    let Some(found) = client
        .get_by_name::<Value>(path, &obj.name)
        .await
        .map_err(avi)?
    else {
        return Err(avi(conflict));
    };
    if !owner::owns(obj.kind, &found, cluster) {
        return Err(StepError::NotOwned { key: key.clone() });
    }
    tracing::info!(key = %key, "create answered 409; adopted the existing object");
    let existing =
        Observed::from_body(found).ok_or_else(|| StepError::NoUuid { key: key.clone() })?;
    if compare::satisfies(obj.kind, body, &existing.body, &|_| None) {
        return Ok(Done {
            change: Change::Object(obj.clone(), existing),
            writes: Vec::new(),
        });
    }
    let put_body = preserve::put_body(obj.kind, body, &existing.body);
    let answer: Value = client
        .put(path, &existing.uuid, &put_body)
        .await
        .map_err(avi)?;
    object_done(obj, answer, vec![("PUT", path)])
}

fn object_done(
    obj: &AviKey,
    answer: Value,
    writes: Vec<(&'static str, &'static str)>,
) -> Result<Done, StepError> {
    let obs = Observed::from_body(answer).ok_or_else(|| StepError::NoUuid {
        key: StepKey::Object(obj.clone()),
    })?;
    Ok(Done {
        change: Change::Object(obj.clone(), obs),
        writes,
    })
}
