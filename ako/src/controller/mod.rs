//! The controller loop, level-based like kube-runtime's: settings → Kubernetes
//! lists → Avi inventory → build once → diff → apply (leader only, fenced) → status,
//! then again on every debounced change, per-object retry and periodic drift repair.
//!
//! [`Controller::start`] runs one instance in the background and returns a
//! [`ControllerHandle`]: its [`ControllerStatus`] stream (convergence, phase,
//! readiness, the last graph and report), [`ControllerHandle::shutdown`] (finish the
//! batch, release the Lease) and [`ControllerHandle::abort`] (a crash). Instances are
//! independent, so tests and the scenario runner start and stop them in-process.
//!
//! Modules: `avi_side` (client, login, inventory), `runner` (the loop and its waits),
//! `round` (one build → sync → status pass), `delete_config` (the deleteConfig cycle), `status` (what is published),
//! `validate` (the cloud and SE group the settings name, before the first round).

mod avi_side;
mod delete_config;
mod round;
mod runner;
mod status;
mod validate;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use status::{ControllerStatus, Phase};

use crate::avi::{Backoff, RetryPolicy};
use crate::config::ConfigSources;
use crate::http::Health;
use crate::kube::settings::AviSecret;
use crate::metrics::Metrics;
use crate::model::ClusterState;
use crate::sync::DEFAULT_OBJECT_BACKOFF;

/// Timings and limits; [`Default`] is production, [`ControllerOptions::fast`] suits
/// in-process tests.
#[derive(Clone, Debug)]
pub struct ControllerOptions {
    /// Quiet time after a Kubernetes change before a round starts (changes coalesce).
    pub debounce: Duration,
    /// Retry pacing while settings, lists or the Avi controller are not there yet.
    pub boot_backoff: Backoff,
    /// Lease timings (the original's 15 s / 10 s / 2 s by default).
    pub lease_duration: Duration,
    pub renew_deadline: Duration,
    pub lease_retry_period: Duration,
    /// Retries of one Avi call.
    pub avi_retry: RetryPolicy,
    pub avi_timeout: Duration,
    /// Accept any Avi certificate (lab controllers); never the default.
    pub avi_insecure: bool,
    /// Per-object backoff after a failed write (B12).
    pub object_backoff: Backoff,
    /// Avi writes in flight at once.
    pub concurrency: usize,
    /// Overrides `fullSyncFrequency` (drift repair period); zero disables.
    pub full_sync_interval: Option<Duration>,
    /// No Avi write starts later than this into a round: a large plan (cold sync)
    /// spreads over rounds and new Kubernetes changes are served in between (B20).
    pub round_budget: Duration,
}

impl Default for ControllerOptions {
    fn default() -> Self {
        ControllerOptions {
            debounce: Duration::from_millis(100),
            boot_backoff: Backoff::new(Duration::from_millis(800), Duration::from_secs(30)),
            lease_duration: Duration::from_secs(15),
            renew_deadline: Duration::from_secs(10),
            lease_retry_period: Duration::from_secs(2),
            avi_retry: RetryPolicy::default(),
            avi_timeout: Duration::from_secs(60),
            avi_insecure: false,
            object_backoff: DEFAULT_OBJECT_BACKOFF,
            concurrency: 8,
            full_sync_interval: None,
            round_budget: Duration::from_secs(10),
        }
    }
}

impl ControllerOptions {
    /// Short timings for simulators in the same process (milliseconds, not seconds).
    pub fn fast() -> Self {
        ControllerOptions {
            debounce: Duration::from_millis(20),
            boot_backoff: Backoff::new(Duration::from_millis(50), Duration::from_millis(500)),
            lease_duration: Duration::from_secs(3),
            renew_deadline: Duration::from_secs(2),
            lease_retry_period: Duration::from_millis(200),
            avi_retry: RetryPolicy {
                max_attempts: 3,
                backoff: Backoff::new(Duration::from_millis(5), Duration::from_millis(50)),
                max_relogins: 3,
            },
            avi_timeout: Duration::from_secs(5),
            avi_insecure: false,
            object_backoff: Backoff::new(Duration::from_millis(50), Duration::from_millis(500)),
            concurrency: 8,
            full_sync_interval: None,
            round_budget: Duration::from_secs(5),
        }
    }
}

/// Everything one controller instance needs.
pub struct ControllerDeps {
    pub kube: kube::Client,
    /// AKO's namespace: ConfigMap, `avi-secret`, StatefulSet, Lease, events.
    pub namespace: String,
    /// Values files and environment; the ConfigMap is read and followed live on top.
    pub settings: ConfigSources,
    /// Avi credentials given directly (development); `None` reads `avi-secret`.
    pub avi_credentials: Option<AviSecret>,
    /// This instance: Lease holder identity, Avi client id, event reporter.
    pub identity: String,
    pub options: ControllerOptions,
    pub health: Arc<Health>,
    pub metrics: Arc<Metrics>,
}

impl ControllerDeps {
    /// Defaults for all but the client, namespace and identity.
    pub fn new(kube: kube::Client, namespace: &str, identity: &str) -> Self {
        ControllerDeps {
            kube,
            namespace: namespace.to_owned(),
            settings: ConfigSources::new(),
            avi_credentials: None,
            identity: identity.to_owned(),
            options: ControllerOptions::default(),
            health: Arc::default(),
            metrics: Arc::default(),
        }
    }
}

/// Starts controller instances.
pub struct Controller;

impl Controller {
    /// Runs one instance in the background until its handle shuts it down.
    pub fn start(deps: ControllerDeps) -> ControllerHandle {
        let (status_tx, status_rx) = watch::channel(ControllerStatus::default());
        let (stop_tx, stop_rx) = watch::channel(false);
        let (resync_tx, resync_rx) = watch::channel(0u64);
        let health = deps.health.clone();
        let metrics = deps.metrics.clone();
        let identity = deps.identity.clone();
        let task = tokio::spawn(async move {
            let runner = runner::Runner::new(deps, status_tx, stop_rx, resync_rx);
            runner.run().await;
        });
        ControllerHandle {
            identity,
            status: status_rx,
            stop: stop_tx,
            resync: resync_tx,
            task,
            health,
            metrics,
        }
    }
}

/// The controller stopped before the awaited condition held.
#[derive(Debug, thiserror::Error)]
#[error("controller {identity} stopped")]
pub struct Stopped {
    pub identity: String,
}

/// A running instance.
pub struct ControllerHandle {
    identity: String,
    status: watch::Receiver<ControllerStatus>,
    stop: watch::Sender<bool>,
    resync: watch::Sender<u64>,
    task: JoinHandle<()>,
    health: Arc<Health>,
    metrics: Arc<Metrics>,
}

impl ControllerHandle {
    pub fn identity(&self) -> &str {
        &self.identity
    }

    /// The latest status.
    pub fn status(&self) -> ControllerStatus {
        self.status.borrow().clone()
    }

    /// Every status change.
    pub fn subscribe(&self) -> watch::Receiver<ControllerStatus> {
        self.status.clone()
    }

    /// Waits until `pred` holds for a published status.
    pub async fn wait_for(
        &self,
        pred: impl Fn(&ControllerStatus) -> bool,
    ) -> Result<ControllerStatus, Stopped> {
        let mut rx = self.status.clone();
        let stopped = || Stopped {
            identity: self.identity.clone(),
        };
        rx.wait_for(|s| pred(s))
            .await
            .map(|s| s.clone())
            .map_err(|_| stopped())
    }

    /// Waits until a round converged with nothing pending.
    pub async fn converged(&self) -> Result<ControllerStatus, Stopped> {
        self.wait_for(ControllerStatus::is_converged).await
    }

    /// Waits until a round converged on a cluster state for which `seen` holds, e.g.
    /// "has Ingress ns/a at resourceVersion 42" after a test changed it.
    pub async fn converged_on(
        &self,
        seen: impl Fn(&ClusterState) -> bool,
    ) -> Result<ControllerStatus, Stopped> {
        self.wait_for(|s| s.is_converged() && seen(&s.state)).await
    }

    /// Asks for a drift repair now (re-read the inventory, re-diff), as the periodic
    /// full sync does; returns at once.
    pub fn full_sync(&self) {
        self.resync.send_modify(|n| *n += 1);
    }

    pub fn health(&self) -> &Arc<Health> {
        &self.health
    }

    pub fn metrics(&self) -> &Arc<Metrics> {
        &self.metrics
    }

    /// Graceful stop: the running batch finishes, the Lease is released.
    pub async fn shutdown(self) {
        self.stop.send_replace(true);
        if let Err(error) = self.task.await {
            tracing::error!(identity = %self.identity, %error, "controller task failed");
        }
    }

    /// A crash: the task is dropped mid-flight and the Lease is left to expire.
    pub async fn abort(self) {
        self.task.abort();
        let _ = self.task.await;
    }
}
