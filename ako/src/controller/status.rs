//! What the loop tells the outside world after every step: [`ControllerStatus`],
//! published on a `watch` channel. Tests and the scenario runner await convergence
//! on it; `/readyz` and the metrics follow it.

use std::sync::Arc;

use crate::model::{AviGraph, ClusterState, Diagnostic};
use crate::sync::PlanReport;

/// Where the loop is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Started, nothing read yet.
    Starting,
    /// The `avi-k8s-config` ConfigMap is missing, unreadable or invalid: paused, no
    /// writes, never a cleanup (B3, B26).
    WaitingForSettings(String),
    /// Avi credentials, login or the inventory read failed; retrying with backoff (F14).
    WaitingForAvi(String),
    /// Some watched kinds have not finished their initial list (B2).
    WaitingForKube(String),
    /// Another instance holds the Lease: caches warm, no writes, no status (F27, B14).
    Passive,
    /// A round ran and left work (errors backing off, withheld deletions, problems).
    Syncing,
    /// The last round left Avi equal to the model.
    Converged,
    /// deleteConfig: owned objects are being deleted (annotation `Started`).
    Deleting,
    /// deleteConfig: every owned object is gone (annotation `Done`); idle.
    Deleted,
}

/// One published snapshot of the loop.
#[derive(Clone, Debug)]
pub struct ControllerStatus {
    pub phase: Phase,
    /// This instance held the Lease at its last round.
    pub leader: bool,
    /// Settings read, every kind listed, Avi inventory read.
    pub ready: bool,
    /// Rounds run so far (passive rounds included).
    pub rounds: u64,
    /// A Kubernetes change arrived that no finished round has seen yet.
    pub pending: bool,
    /// The ingestion generation the last round was built from.
    pub generation: u64,
    /// Avi writes of the last round.
    pub last_writes: usize,
    /// Avi writes made by this instance since it started.
    pub total_writes: usize,
    /// What the last round built from (shared, cheap to clone).
    pub state: Arc<ClusterState>,
    pub graph: Arc<AviGraph>,
    pub diagnostics: Arc<Vec<Diagnostic>>,
    pub report: Arc<PlanReport>,
}

impl Default for ControllerStatus {
    fn default() -> Self {
        ControllerStatus {
            phase: Phase::Starting,
            leader: false,
            ready: false,
            rounds: 0,
            pending: false,
            generation: 0,
            last_writes: 0,
            total_writes: 0,
            state: Arc::default(),
            graph: Arc::default(),
            diagnostics: Arc::default(),
            report: Arc::default(),
        }
    }
}

impl ControllerStatus {
    /// Avi equals the model (or, under deleteConfig, everything owned is gone) and
    /// no newer change is waiting.
    pub fn is_converged(&self) -> bool {
        matches!(self.phase, Phase::Converged | Phase::Deleted) && !self.pending
    }
}
