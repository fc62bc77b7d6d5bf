//! A (shrunk) transition sequence as a scenario file for `scenarios/regressions/`:
//! the same settings, the same seeded foreign objects (`avi_apply`), the same
//! manifests, restarts, crashes, second instance and Avi faults, each change followed
//! by `wait_converged` and the invariant that failed; restarts use the
//! "restart writes nothing" idiom. The file is validated with `Scenario::parse`
//! before it is written, and named `prop-<hash of its steps>.yaml`.

use std::path::{Path, PathBuf};

use ako_tests::scenario::Scenario;
use serde_json::{Value, json};

use super::foreign::{foreign_route, foreign_seed};
use super::harness::{CLUSTER, SHARD_SIZE};
use super::machine::{ChurnMachine, FaultEffect, RefState, SCOPE_LABEL, Transition};
use super::objects::kube_change;
use proptest_state_machine::ReferenceStateMachine;

/// The invariant a failure message names (`invariant 4: ...`), if any.
fn failed_invariant(failure: &str) -> Option<u8> {
    let at = failure.find("invariant ")? + "invariant ".len();
    failure[at..].chars().next()?.to_digit(10).map(|d| d as u8)
}

/// A B id the format accepts for `regressions/`, by the promise the invariant keeps.
fn covers(inv: Option<u8>, failure: &str) -> &'static str {
    match inv {
        Some(2) if failure.contains("foreign") || failure.contains("c1-b") => "B4",
        Some(2) => "B6",
        Some(3) => "B8",
        Some(4) => "B23",
        Some(6) => "B21",
        Some(7) => "B11",
        Some(_) => "B18",
        // No convergence: something kept failing or starved.
        None => "B12",
    }
}

/// The steps of `transitions` from the empty start.
fn steps(transitions: &[Transition], check: &Value) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    for (ty, name, fields) in foreign_seed() {
        out.push(json!({"avi_apply": {"type": ty, "name": name, "fields": fields}}));
    }
    out.push(json!({"avi_apply": {"type": "vrfcontext", "name": "global",
        "fields": {"static_routes": [foreign_route()]}}}));
    out.push(json!({"start": {}}));
    out.push(json!({"wait_converged": {}}));
    let mut state = RefState::default();
    let mut armed = false;
    for (i, t) in transitions.iter().enumerate() {
        let change = kube_change(&state, t);
        state = ChurnMachine::apply(state, t);
        let label = format!("t{}", i + 1);
        let restart = match t {
            Transition::AviFault(f) => {
                let mut fault = json!({"type": f.avi_type, "verb": f.verb, "count": f.count});
                match f.effect {
                    FaultEffect::Error(status) => fault["error"] = json!(status),
                    FaultEffect::DropResponse => fault["drop_response"] = json!(true),
                }
                out.push(json!({"avi_fault": fault}));
                armed = true;
                continue;
            }
            Transition::Restart => {
                out.push(json!({"label": label, "restart": {}}));
                true
            }
            Transition::Kill => {
                out.push(json!({"label": label, "kill": {}}));
                true
            }
            Transition::StartSecond => {
                out.push(json!({"start_second_instance": {}}));
                false
            }
            Transition::StopSecond => {
                out.push(json!({"stop_instance": "ako-1"}));
                false
            }
            _ => {
                if !change.apply.is_empty() {
                    out.push(json!({"apply": change.apply}));
                }
                for id in &change.delete {
                    out.push(json!({"delete": {"object": id.to_string()}}));
                }
                false
            }
        };
        out.push(json!({"wait_converged": {}}));
        if armed {
            out.push(json!({"clear_faults": {}}));
            armed = false;
        }
        if restart {
            out.push(json!({"expect_no_writes": {"since": label}}));
        }
        out.push(check.clone());
    }
    out.push(json!({"label": "final", "restart": {}}));
    out.push(json!({"wait_converged": {}}));
    out.push(json!({"expect_no_writes": {"since": "final"}}));
    out
}

/// The scenario for `transitions`, named after its steps' hash, checked loadable.
pub fn scenario(dir: &Path, transitions: &[Transition], failure: &str) -> Result<Scenario, String> {
    let inv = failed_invariant(failure);
    let only: Vec<u8> = match inv {
        Some(4) | None => vec![1, 2, 5, 6],
        Some(n) => vec![n],
    };
    let check = json!({"expect_invariants": {"only": only}});
    let steps = steps(transitions, &check);
    let digest = md5::compute(serde_json::to_vec(&steps).unwrap_or_default());
    let name = format!("prop-{}", &format!("{digest:x}")[..8]);
    let first = failure.lines().next().unwrap_or_default();
    let doc = json!({
        "name": name,
        "description": format!(
            "Shrunk by the churn property test (tests/tests/churn_props.rs): {first}"
        ),
        "covers": [covers(inv, failure)],
        "settings": {
            "clusterName": CLUSTER,
            "shardVSSize": SHARD_SIZE,
            "namespaceSelector": {"labelKey": SCOPE_LABEL.0, "labelValue": SCOPE_LABEL.1},
            "replicaCount": 2,
        },
        "autostart": false,
        "steps": steps,
    });
    let text = serde_yaml::to_string(&doc).map_err(|e| e.to_string())?;
    let path = dir.join(format!("{name}.yaml"));
    Scenario::parse(&text, &path).map_err(|e| format!("{e}\n{text}"))
}

/// Writes the scenario for `transitions` into `dir`; its path.
pub fn write(dir: &Path, transitions: &[Transition], failure: &str) -> Result<PathBuf, String> {
    let s = scenario(dir, transitions, failure)?;
    let text = s.to_yaml().map_err(|e| e.to_string())?;
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    std::fs::write(&s.path, text).map_err(|e| format!("{}: {e}", s.path.display()))?;
    Ok(s.path)
}
