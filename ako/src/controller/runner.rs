//! The loop of one instance: gates (settings read, Kubernetes side started, Avi
//! inventory read, every kind listed) checked in order before any round, then rounds
//! on debounced changes, leadership flips, per-object retry times and the drift
//! repair period. Waiting never blocks shutdown; a gate that fails is retried with
//! backoff and never turns into a write (B2, B3, F14).

use std::collections::BTreeSet;
use std::future::pending;
use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::core::v1::ObjectReference;
use tokio::sync::watch;
use tokio::time::Instant;

use super::avi_side::{AviSide, AviTarget, Connect};
use super::round::RoundState;
use super::status::{ControllerStatus, Phase};
use super::validate::ValidationKey;
use super::{ControllerDeps, ControllerOptions};
use crate::config::{AkoConfig, ServiceType};
use crate::http::Health;
use crate::kube::settings::{AviSecret, ConfigState, ConfigWatch};
use crate::kube::{
    DiagnosticReporter, EventType, Events, IngestConfig, Ingestion, Leadership, LeaseConfig,
};
use crate::metrics::Metrics;

/// What an Ingestion was started for; a change restarts it.
#[derive(Clone, Debug, PartialEq)]
struct IngestKey {
    blocked: BTreeSet<String>,
    openshift: bool,
    node_port_local: bool,
}

impl IngestKey {
    fn of(cfg: &AkoConfig) -> Self {
        IngestKey {
            blocked: cfg.blocked_namespaces.clone(),
            openshift: cfg.openshift,
            node_port_local: cfg.service_type == ServiceType::NodePortLocal,
        }
    }
}

pub(super) struct KubeSide {
    key: IngestKey,
    pub ingestion: Ingestion,
    pub changes: watch::Receiver<u64>,
}

enum Wake {
    Stop,
    Config,
    Change,
    Leader,
    Resync,
    Timer,
}

pub(super) struct Runner {
    pub kube: kube::Client,
    pub namespace: String,
    pub identity: String,
    given: Option<AviSecret>,
    pub options: ControllerOptions,
    pub health: Arc<Health>,
    pub metrics: Arc<Metrics>,
    pub status_tx: watch::Sender<ControllerStatus>,
    stop: watch::Receiver<bool>,
    resync: watch::Receiver<u64>,
    pub leadership: Leadership,
    leader_rx: watch::Receiver<bool>,
    _config_watch: ConfigWatch,
    config_rx: watch::Receiver<ConfigState>,
    pub kube_side: Option<KubeSide>,
    pub avi: Option<AviSide>,
    pub events: Events,
    pub reporter: DiagnosticReporter,
    pub round: RoundState,
    boot_failures: u32,
    /// Settings problem already reported (event + log) — once per distinct reason.
    reported: Option<String>,
    /// The ConfigMap watch answered at least once (before that "not read yet" is no error).
    config_answered: bool,
    /// Settings the Avi side was validated for with the current client (F18).
    pub validated: Option<ValidationKey>,
    /// Validation failure already reported (event + log) — once per distinct reason.
    pub invalid_reported: Option<String>,
}

async fn changed<T>(rx: &mut watch::Receiver<T>) {
    if rx.changed().await.is_err() {
        pending::<()>().await;
    }
}

/// Resolves when the value differs from `last` (a renewal re-sends `true`).
async fn flipped(rx: &mut watch::Receiver<bool>, last: bool) {
    loop {
        changed(rx).await;
        if *rx.borrow_and_update() != last {
            return;
        }
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => pending::<()>().await,
    }
}

impl Runner {
    pub fn new(
        deps: ControllerDeps,
        status_tx: watch::Sender<ControllerStatus>,
        stop: watch::Receiver<bool>,
        resync: watch::Receiver<u64>,
    ) -> Self {
        let o = &deps.options;
        let lease = LeaseConfig {
            lease_duration: o.lease_duration,
            renew_deadline: o.renew_deadline,
            retry_period: o.lease_retry_period,
            ..LeaseConfig::new(&deps.namespace, &deps.identity)
        };
        let leadership = Leadership::start(deps.kube.clone(), lease);
        let leader_rx = leadership.subscribe();
        let config_watch =
            ConfigWatch::start(deps.kube.clone(), &deps.namespace, deps.settings.clone());
        let config_rx = config_watch.subscribe();
        let events = Events::new(deps.kube.clone(), &deps.identity);
        let reporter = DiagnosticReporter::new(events.clone(), leadership.subscribe());
        Runner {
            kube: deps.kube,
            namespace: deps.namespace,
            identity: deps.identity,
            given: deps.avi_credentials,
            options: deps.options,
            health: deps.health,
            metrics: deps.metrics,
            status_tx,
            stop,
            resync,
            leadership,
            leader_rx,
            _config_watch: config_watch,
            config_rx,
            kube_side: None,
            avi: None,
            events,
            reporter,
            round: RoundState::default(),
            boot_failures: 0,
            reported: None,
            config_answered: false,
            validated: None,
            invalid_reported: None,
        }
    }

    pub async fn run(mut self) {
        loop {
            if *self.stop.borrow() {
                break;
            }
            if self.config_rx.has_changed().unwrap_or(false) {
                self.config_answered = true;
            }
            let state = self.config_rx.borrow_and_update().clone();
            let cfg = match state {
                ConfigState::Ready(cfg) => cfg,
                ConfigState::Unavailable(why) => {
                    self.settings_unavailable(&why).await;
                    match self.wait(None, false).await {
                        Wake::Stop => break,
                        Wake::Config => self.config_answered = true,
                        _ => {}
                    }
                    continue;
                }
            };
            self.reported = None;
            if let Err(why) = self.ensure_kube(&cfg).await {
                if !self.gate_failed(Phase::WaitingForKube(why)).await {
                    break;
                }
                continue;
            }
            if let Err(why) = self.ensure_avi(&cfg).await {
                if !self.gate_failed(Phase::WaitingForAvi(why)).await {
                    break;
                }
                continue;
            }
            if let Err(why) = self.ensure_valid(&cfg).await {
                if !self.gate_failed(Phase::WaitingForSettings(why)).await {
                    break;
                }
                continue;
            }
            let unsynced = self.kube_side().map(|k| k.ingestion.unsynced());
            if let Some(kinds) = unsynced.filter(|k| !k.is_empty()) {
                let kinds: Vec<String> = kinds.iter().map(ToString::to_string).collect();
                let why = format!("initial list not complete: {}", kinds.join(", "));
                self.set_phase(Phase::WaitingForKube(why), false);
                // Listing completes without a dedicated signal: look again shortly.
                let at = Instant::now() + Duration::from_millis(100);
                match self.wait(Some(at), true).await {
                    Wake::Stop => break,
                    _ => continue,
                }
            }
            self.boot_failures = 0;
            self.run_round(&cfg).await;
            let at = self.round.next_wake(&cfg, &self.options, self.avi.as_ref());
            match self.wait(at, true).await {
                Wake::Stop => break,
                Wake::Change => {
                    self.status_tx.send_modify(|s| s.pending = true);
                    let quiet = Instant::now() + self.options.debounce;
                    if let Wake::Stop = self.wait_quiet(quiet).await {
                        break;
                    }
                }
                Wake::Resync => self.round.full_sync_due = true,
                Wake::Timer | Wake::Config | Wake::Leader => {}
            }
        }
        tracing::info!(identity = %self.identity, "controller stopping");
        self.health.set_not_ready("stopping");
        self.leadership.shutdown().await;
    }

    fn kube_side(&self) -> Option<&KubeSide> {
        self.kube_side.as_ref()
    }

    /// Waits for the first of: stop, settings change, leadership change, Kubernetes
    /// change (if `changes`), a full-sync request, or `at`.
    async fn wait(&mut self, at: Option<Instant>, changes: bool) -> Wake {
        let Runner {
            stop,
            config_rx,
            leader_rx,
            resync,
            kube_side,
            leadership,
            ..
        } = self;
        let leader_now = leadership.is_leader();
        let kube_changes = async {
            match kube_side.as_mut() {
                Some(k) if changes => changed(&mut k.changes).await,
                _ => pending::<()>().await,
            }
        };
        tokio::select! {
            _ = changed(stop) => Wake::Stop,
            _ = changed(config_rx) => Wake::Config,
            _ = flipped(leader_rx, leader_now) => Wake::Leader,
            _ = changed(resync) => Wake::Resync,
            _ = kube_changes => Wake::Change,
            _ = sleep_until(at) => Wake::Timer,
        }
    }

    /// Debounce: returns once no Kubernetes change arrived for `debounce`, or on stop;
    /// a steady stream of changes waits at most ten debounce periods (no starvation).
    async fn wait_quiet(&mut self, mut until: Instant) -> Wake {
        let cap = Instant::now() + self.options.debounce * 10;
        loop {
            match self.wait(Some(until.min(cap)), true).await {
                Wake::Change => until = Instant::now() + self.options.debounce,
                Wake::Stop => return Wake::Stop,
                _ => return Wake::Timer,
            }
        }
    }

    /// After a failed gate: not ready, then wait out the boot backoff (or a change).
    /// Returns false on stop.
    async fn gate_failed(&mut self, phase: Phase) -> bool {
        tracing::warn!(identity = %self.identity, ?phase, "controller waiting");
        self.set_phase(phase, false);
        let delay = self.options.boot_backoff.delay(self.boot_failures);
        self.boot_failures = self.boot_failures.saturating_add(1);
        !matches!(
            self.wait(Some(Instant::now() + delay), false).await,
            Wake::Stop
        )
    }

    pub fn set_phase(&mut self, phase: Phase, ready: bool) {
        self.set_health(&phase, ready);
        self.status_tx.send_modify(|s| {
            s.phase = phase;
            s.ready = ready;
        });
    }

    /// `/readyz` and the `ready` metric follow the phase.
    pub fn set_health(&self, phase: &Phase, ready: bool) {
        match phase {
            Phase::WaitingForSettings(why)
            | Phase::WaitingForAvi(why)
            | Phase::WaitingForKube(why) => self.health.set_not_ready(why.clone()),
            _ if ready => self.health.set_ready(),
            _ => self.health.set_not_ready(format!("{phase:?}")),
        }
        self.metrics.set_ready(self.health.is_ready());
    }

    /// The ConfigMap is missing, unreadable or invalid: pause (no writes, no cleanup),
    /// not ready, one log line and one Event per distinct reason (B3, B26).
    async fn settings_unavailable(&mut self, why: &str) {
        self.set_phase(Phase::WaitingForSettings(why.to_owned()), false);
        if !self.config_answered || self.reported.as_deref() == Some(why) {
            return;
        }
        self.reported = Some(why.to_owned());
        tracing::error!(namespace = %self.namespace, "sync paused: {why}");
        let regarding = self.config_map_ref();
        self.announce(&regarding, EventType::Warning, "SettingsUnavailable", why)
            .await;
    }

    /// The `avi-k8s-config` ConfigMap, for Events about the settings.
    pub fn config_map_ref(&self) -> ObjectReference {
        ObjectReference {
            api_version: Some("v1".into()),
            kind: Some("ConfigMap".into()),
            namespace: Some(self.namespace.clone()),
            name: Some(crate::config::CONFIGMAP_NAME.into()),
            ..Default::default()
        }
    }

    /// Publishes one Event; a failure is logged, never fatal.
    pub async fn announce(
        &self,
        regarding: &ObjectReference,
        type_: EventType,
        reason: &str,
        note: &str,
    ) {
        if let Err(error) = self.events.publish(regarding, type_, reason, note).await {
            tracing::warn!(%error, reason, "event not published");
        }
    }

    /// Starts (or restarts, when its settings changed) the watchers.
    async fn ensure_kube(&mut self, cfg: &AkoConfig) -> Result<(), String> {
        let key = IngestKey::of(cfg);
        if self.kube_side.as_ref().is_some_and(|k| k.key == key) {
            return Ok(());
        }
        let newly_blocked: BTreeSet<String> = match &self.kube_side {
            Some(old) => key.blocked.difference(&old.key.blocked).cloned().collect(),
            // First start: every blocked namespace may still carry our status (B15).
            None => key.blocked.clone(),
        };
        self.kube_side = None;
        let ingestion = Ingestion::start(self.kube.clone(), IngestConfig::from_config(cfg))
            .await
            .map_err(|e| e.to_string())?;
        let changes = ingestion.changes();
        self.kube_side = Some(KubeSide {
            key,
            ingestion,
            changes,
        });
        self.round.newly_blocked.extend(newly_blocked);
        Ok(())
    }

    /// Connects to Avi and reads the inventory, or re-reads an incomplete one.
    async fn ensure_avi(&mut self, cfg: &AkoConfig) -> Result<(), String> {
        let target = AviTarget::from_config(cfg, &self.round.se_groups);
        if let Some(side) = &mut self.avi {
            if side.target == target {
                if side.check_complete().is_ok() {
                    return Ok(());
                }
                return side.reload().await.map_err(|e| e.to_string());
            }
            tracing::info!("Avi settings changed: new client and inventory");
            self.avi = None;
        }
        let connect = Connect {
            kube: &self.kube,
            namespace: &self.namespace,
            given: self.given.as_ref(),
            identity: &self.identity,
            options: &self.options,
            metrics: &self.metrics,
        };
        let side = connect.connect(target).await.map_err(|e| e.to_string())?;
        self.round
            .on_new_inventory(&cfg.cluster_name, &self.kube, &self.leadership);
        self.avi = Some(side);
        self.validated = None;
        Ok(())
    }
}
