//! `differential`: two step orders that reach the same cluster state must yield the
//! same Avi state. Branch `a` plays in the running world; for branch `b` the runner
//! builds fresh simulators and replays the scenario's actions up to the differential
//! (the saved state, re-created), plays `b`, and compares the normalised Avi states.
//! The scenario continues in the world of `b`.

use std::time::Duration;

use serde_json::Value;

use super::report::StepStatus;
use super::world::World;
use crate::scenario::{Differential, Step, StepKind};

const BRANCH_TIMEOUT: Duration = Duration::from_secs(60);

impl World {
    pub async fn differential(&mut self, d: &Differential) -> Result<String, String> {
        let upto = self.current_step;
        self.play_branch(&d.a, "a").await?;
        let a = self.owned_state().await?;
        let mut b_world = World::new(self.scenario.clone(), &self.target)
            .await
            .map_err(|e| e.to_string())?;
        b_world.logs = self.logs.clone();
        if b_world.scenario.autostart {
            b_world.start_instance("ako-0")?;
        }
        let prefix: Vec<Step> = self.scenario.steps[..upto].to_vec();
        for (j, s) in prefix.iter().enumerate() {
            if s.kind.is_assertion() || matches!(s.kind, StepKind::Snapshot(_)) {
                continue;
            }
            b_world.current_step = j;
            let line = Box::pin(b_world.play_step(s, format!("steps[{j}]"))).await;
            if line.status == StepStatus::Failed {
                return Err(format!(
                    "re-creating the state before the differential: steps[{j}] {}: {}",
                    line.key, line.detail
                ));
            }
        }
        b_world.current_step = upto;
        b_world.play_branch(&d.b, "b").await?;
        let b = b_world.owned_state().await?;
        let mut old = std::mem::replace(self, b_world);
        old.teardown().await;
        let diffs = differences(
            &serde_json::to_value(&a).unwrap_or_default(),
            &serde_json::to_value(&b).unwrap_or_default(),
            "",
        );
        if diffs.is_empty() {
            let n: usize = a.values().map(|m| m.len()).sum();
            return Ok(format!(
                "orders a and b reach the same Avi state ({n} objects)"
            ));
        }
        Err(format!(
            "orders a and b reach different Avi states:\n{}",
            diffs.into_iter().take(20).collect::<Vec<_>>().join("\n")
        ))
    }

    async fn play_branch(&mut self, steps: &[Step], branch: &str) -> Result<(), String> {
        for (j, s) in steps.iter().enumerate() {
            let line = Box::pin(self.play_step(s, format!("{branch}[{j}]"))).await;
            if line.status == StepStatus::Failed {
                return Err(format!(
                    "branch {branch}[{j}] {}: {}",
                    line.key, line.detail
                ));
            }
        }
        self.wait_converged_for(BRANCH_TIMEOUT, false)
            .await
            .map(drop)
            .map_err(|e| format!("branch {branch}: {e}"))
    }
}

/// `path: a-value != b-value` for every leaf that differs.
fn differences(a: &Value, b: &Value, path: &str) -> Vec<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut out = Vec::new();
            for k in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                let p = format!("{path}/{k}");
                match (x.get(k), y.get(k)) {
                    (Some(u), Some(v)) => out.extend(differences(u, v, &p)),
                    (Some(_), None) => out.push(format!("  {p}: only after a")),
                    (None, Some(_)) => out.push(format!("  {p}: only after b")),
                    (None, None) => {}
                }
            }
            out
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .flat_map(|(i, (u, v))| differences(u, v, &format!("{path}[{i}]")))
            .collect(),
        _ if a == b => Vec::new(),
        _ => vec![format!("  {path}: {a} after a, {b} after b")],
    }
}
