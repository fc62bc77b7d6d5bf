//! One round: build the graph once from the whole cluster state (B1), then — only on
//! the leader, after the Lease fence (B11) — sync it to Avi, or under deleteConfig
//! delete everything owned with the StatefulSet annotation `Started` → `Done` (F1,
//! F23), then write Kubernetes status. A passive instance builds, logs diagnostics
//! and publishes, nothing more (B14).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde_json::Value;
use tokio::time::Instant;

use super::ControllerOptions;
use super::avi_side::AviSide;
use super::delete_config::{DeleteEvent, mark_deletion};
use super::runner::Runner;
use super::status::Phase;
use crate::config::AkoConfig;
use crate::kube::lifecycle::DeletionStatus;
use crate::kube::{Leadership, StatusWriter};
use crate::model::{self, AviGraph, AviKind, ClusterState, Diagnostic};
use crate::sync::{AviCache, PlanReport};

/// What the loop remembers between rounds.
pub(super) struct RoundState {
    /// The inventory was read since this instance last ran a round as passive; a new
    /// leader re-reads it first (B10).
    fresh: bool,
    /// A drift repair was asked for (or is due).
    pub full_sync_due: bool,
    last_full_sync: Instant,
    /// When to run again although nothing changed (retry of a round that left work).
    retry_at: Option<Instant>,
    unsettled: u32,
    /// The deletion annotation as last read or written (`None` = unknown).
    pub(super) deletion: Option<Option<DeletionStatus>>,
    /// The last deleteConfig transition announced on this instance's Pod.
    pub(super) announced: Option<DeleteEvent>,
    status_writer: Option<StatusWriter>,
    /// Namespaces blocked since the last round: their status is cleared (B15).
    pub newly_blocked: BTreeSet<String>,
    /// SE groups beyond the configured one that graphs asked to label (AviInfraSetting).
    pub se_groups: BTreeSet<String>,
    rounds: u64,
    total_writes: usize,
}

impl Default for RoundState {
    fn default() -> Self {
        RoundState {
            fresh: false,
            full_sync_due: false,
            last_full_sync: Instant::now(),
            retry_at: None,
            unsettled: 0,
            deletion: None,
            announced: None,
            status_writer: None,
            newly_blocked: BTreeSet::new(),
            se_groups: BTreeSet::new(),
            rounds: 0,
            total_writes: 0,
        }
    }
}

impl RoundState {
    /// A new client + inventory for `cluster`: fresh, and status written for it.
    pub fn on_new_inventory(&mut self, cluster: &str, kube: &kube::Client, lease: &Leadership) {
        self.fresh = true;
        self.last_full_sync = Instant::now();
        self.status_writer = Some(StatusWriter::new(kube.clone(), cluster, lease.subscribe()));
    }

    /// The next time a round is due without a change: per-object retry, retry of an
    /// unsettled round, or the periodic drift repair (F11, B23).
    pub fn next_wake(
        &self,
        cfg: &AkoConfig,
        options: &ControllerOptions,
        avi: Option<&AviSide>,
    ) -> Option<Instant> {
        let interval = options.full_sync_interval.unwrap_or(cfg.full_sync_interval);
        let full_sync = (!interval.is_zero()).then(|| self.last_full_sync + interval);
        let object_retry = avi.and_then(|a| a.syncer.next_retry());
        [full_sync, object_retry, self.retry_at]
            .into_iter()
            .flatten()
            .min()
    }
}

/// Observed addresses of every owned VsVip, for Kubernetes status.
fn observed_vips(cache: &AviCache) -> BTreeMap<String, Vec<String>> {
    let addr = |v: &Value, field: &str| {
        v.get(field)
            .and_then(|a| a.get("addr"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    cache
        .objects()
        .filter(|(k, _)| k.kind == AviKind::VsVip)
        .map(|(k, o)| {
            let ips = o
                .body
                .get("vip")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .flat_map(|v| [addr(v, "ip_address"), addr(v, "ip6_address")])
                .flatten()
                .collect();
            (k.name.clone(), ips)
        })
        .collect()
}

/// The addresses status may carry: a VsVip's only once a VS whose status names it
/// exists in Avi. A VIP whose VS was never created serves nothing, so publishing it
/// would send clients nowhere (B12).
fn published_vips(cache: &AviCache, graph: &AviGraph) -> BTreeMap<String, Vec<String>> {
    let serving: BTreeSet<&str> = graph
        .status
        .values()
        .flatten()
        .filter(|s| cache.get(&s.vs).is_some())
        .map(|s| s.vsvip.name.as_str())
        .collect();
    let mut vips = observed_vips(cache);
    vips.retain(|name, _| serving.contains(name.as_str()));
    vips
}

impl Runner {
    pub(super) async fn run_round(&mut self, cfg: &Arc<AkoConfig>) {
        let started = Instant::now();
        let Some(kube_side) = self.kube_side.as_mut() else {
            return;
        };
        let generation = *kube_side.changes.borrow_and_update();
        let state = Arc::new(kube_side.ingestion.snapshot());
        let mut cfg = (**cfg).clone();
        cfg.openshift = kube_side.ingestion.openshift();
        let (graph, mut diags) = model::build(&state, &cfg);
        if let Some(avi) = self.avi.as_mut() {
            let cloud = &cfg.controller.cloud_name;
            diags.extend(super::validate::infra_networks(avi, &state, cloud).await);
        }
        self.metrics.diagnostics(&diags);
        let unread = self
            .avi
            .as_ref()
            .map(|a| a.unread_se_groups(&graph.se_group_labels))
            .unwrap_or_default();
        if !unread.is_empty() {
            // The inventory must cover them before anything is planned: read it again.
            tracing::info!(se_groups = ?unread, "SE groups to label: reading the inventory again");
            self.round.se_groups.extend(unread);
            self.round.retry_at = Some(Instant::now());
            self.avi = None;
            return;
        }
        let interval = self
            .options
            .full_sync_interval
            .unwrap_or(cfg.full_sync_interval);
        let full_sync = std::mem::take(&mut self.round.full_sync_due)
            || (!interval.is_zero() && self.round.last_full_sync.elapsed() >= interval);
        let leader = self.leadership.is_leader();
        let (phase, report) = if leader {
            self.leader_round(&cfg, &state, &graph, &diags, full_sync)
                .await
        } else {
            self.passive_round(&state, &diags, full_sync).await
        };
        let report = Arc::new(report);
        let writes = report.write_count();
        let r = &mut self.round;
        r.rounds += 1;
        r.total_writes += writes;
        let settled = matches!(phase, Phase::Converged | Phase::Deleted | Phase::Passive);
        r.unsettled = if settled { 0 } else { r.unsettled + 1 };
        // Work postponed by the round's time budget goes on at once; other unsettled
        // rounds retry with backoff.
        let backoff = self.options.boot_backoff;
        r.retry_at = if report.postponed.is_empty() {
            (!settled).then(|| Instant::now() + backoff.delay(r.unsettled.saturating_sub(1)))
        } else {
            Some(Instant::now())
        };
        self.metrics.sync_round(started.elapsed());
        self.metrics.set_leader(leader);
        if let Some(avi) = &self.avi {
            self.metrics.owned_objects(avi.syncer.cache());
        }
        let pending = self
            .kube_side
            .as_ref()
            .is_some_and(|k| k.changes.has_changed().unwrap_or(false));
        let ready = !matches!(phase, Phase::WaitingForAvi(_));
        let (rounds, total_writes) = (r.rounds, r.total_writes);
        self.set_health(&phase, ready);
        // One update, so a waiter never sees the new phase with the old round's data.
        self.status_tx.send_modify(|s| {
            s.phase = phase;
            s.ready = ready;
            s.leader = leader;
            s.rounds = rounds;
            s.pending = pending;
            s.generation = generation;
            s.last_writes = writes;
            s.total_writes = total_writes;
            s.state = state;
            s.graph = Arc::new(graph);
            s.diagnostics = Arc::new(diags);
            s.report = report;
        });
    }

    async fn passive_round(
        &mut self,
        state: &ClusterState,
        diags: &[Diagnostic],
        full_sync: bool,
    ) -> (Phase, PlanReport) {
        self.round.fresh = false;
        if full_sync {
            self.round.last_full_sync = Instant::now();
        }
        self.reporter.report(state, diags, false).await;
        (Phase::Passive, PlanReport::default())
    }

    async fn leader_round(
        &mut self,
        cfg: &AkoConfig,
        state: &ClusterState,
        graph: &AviGraph,
        diags: &[Diagnostic],
        full_sync: bool,
    ) -> (Phase, PlanReport) {
        if let Err(error) = self.leadership.ensure_leader().await {
            tracing::warn!(identity = %self.identity, %error, "fence failed: no Avi writes this round");
            return (Phase::Passive, PlanReport::default());
        }
        let Some(avi) = self.avi.as_mut() else {
            return (
                Phase::WaitingForAvi("not connected".into()),
                PlanReport::default(),
            );
        };
        if !self.round.fresh || full_sync {
            self.round.last_full_sync = Instant::now();
            if let Err(e) = avi.reload().await {
                return (Phase::WaitingForAvi(e.to_string()), PlanReport::default());
            }
            self.round.fresh = true;
        }
        self.reporter.report(state, diags, cfg.enable_events).await;
        let budget = self.options.round_budget;
        let (phase, report) = if cfg.delete_config {
            if !matches!(
                self.round.announced,
                Some(DeleteEvent::Set | DeleteEvent::Done)
            ) {
                self.announce_deletion(cfg, DeleteEvent::Set).await;
            }
            let (phase, report) = self.delete_round(graph).await;
            if phase == Phase::Deleted && self.round.announced != Some(DeleteEvent::Done) {
                self.announce_deletion(cfg, DeleteEvent::Done).await;
            }
            (phase, report)
        } else {
            let cleared =
                mark_deletion(&self.kube, &self.namespace, &mut self.round.deletion, None).await;
            if let Err(error) = &cleared {
                tracing::warn!(%error, "deletion status not cleared");
            }
            // Unset after a deletion this instance saw, or one a predecessor marked.
            let was_deleting = matches!(
                self.round.announced,
                Some(DeleteEvent::Set | DeleteEvent::Done)
            );
            if was_deleting || matches!(cleared, Ok(true)) {
                self.announce_deletion(cfg, DeleteEvent::Unset).await;
            }
            let Some(avi) = self.avi.as_mut() else {
                return (
                    Phase::WaitingForAvi("not connected".into()),
                    PlanReport::default(),
                );
            };
            // Remember our VIPs before this round may delete their VsVips, so the
            // status of objects leaving scope is still recognised as ours (B15).
            if let Some(w) = self.round.status_writer.as_mut() {
                w.observe(&observed_vips(avi.syncer.cache()));
            }
            let report = avi.syncer.sync_within(graph, true, budget).await;
            let phase = if report.is_converged() {
                Phase::Converged
            } else {
                Phase::Syncing
            };
            (phase, report)
        };
        self.write_status(state, graph, diags).await;
        (phase, report)
    }

    async fn write_status(&mut self, state: &ClusterState, graph: &AviGraph, diags: &[Diagnostic]) {
        let (Some(avi), Some(writer)) = (&self.avi, &mut self.round.status_writer) else {
            return;
        };
        // Every owned address is ours (B15); only those with a VS are published (B12).
        let vips = observed_vips(avi.syncer.cache());
        writer.observe(&vips);
        let published = published_vips(avi.syncer.cache(), graph);
        let done = writer.sync(state, graph, &published, diags).await;
        if done.failed > 0 {
            tracing::warn!(
                failed = done.failed,
                "some status writes failed; retried next round"
            );
        }
        if !self.round.newly_blocked.is_empty() {
            match writer
                .clear_namespaces(&self.round.newly_blocked, &vips)
                .await
            {
                Ok(_) => self.round.newly_blocked.clear(),
                Err(error) => tracing::warn!(%error, "status of blocked namespaces not cleared"),
            }
        }
    }
}
