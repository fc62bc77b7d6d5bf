//! The deleteConfig cycle (F1, F23): the StatefulSet annotation
//! `AviObjectDeletionStatus` `Started` → `Done` around the deletion of every owned
//! object, and one Event on the AKO Pod per transition (set, done, unset).

use k8s_openapi::api::core::v1::ObjectReference;

use super::avi_side::AviSide;
use super::runner::Runner;
use super::status::Phase;
use crate::config::AkoConfig;
use crate::kube::lifecycle::{self, DeletionStatus};
use crate::kube::{EventType, KubeError};
use crate::model::AviGraph;
use crate::sync::PlanReport;

/// A deleteConfig transition, announced once as an Event on the AKO Pod (F1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum DeleteEvent {
    Set,
    Done,
    Unset,
}

impl DeleteEvent {
    fn reason(self) -> &'static str {
        match self {
            DeleteEvent::Set => "AKODeleteConfigSet",
            DeleteEvent::Done => "AKODeleteConfigDone",
            DeleteEvent::Unset => "AKODeleteConfigUnset",
        }
    }

    fn note(self, cluster: &str) -> String {
        match self {
            DeleteEvent::Set => {
                format!("deleteConfig set: deleting every Avi object of cluster {cluster}")
            }
            DeleteEvent::Done => {
                format!("deleteConfig: every Avi object of cluster {cluster} is deleted")
            }
            DeleteEvent::Unset => {
                format!("deleteConfig unset: Avi objects of cluster {cluster} are created again")
            }
        }
    }
}

/// Writes the deletion annotation unless it already has `want` (`None` removes it);
/// true when it changed. A missing StatefulSet (AKO run outside its chart) is noted,
/// not an error.
pub(super) async fn mark_deletion(
    kube: &kube::Client,
    namespace: &str,
    known: &mut Option<Option<DeletionStatus>>,
    want: Option<DeletionStatus>,
) -> Result<bool, KubeError> {
    if known.is_none() {
        match lifecycle::deletion_status(kube, namespace).await {
            Ok(now) => *known = Some(now),
            Err(KubeError::NotFound { object, .. }) => {
                tracing::warn!(key = %object, "no StatefulSet to carry the deletion status");
                *known = Some(want);
                return Ok(false);
            }
            Err(e) => return Err(e),
        }
    }
    if *known == Some(want) {
        return Ok(false);
    }
    *known = None;
    lifecycle::set_deletion_status(kube, namespace, want).await?;
    *known = Some(want);
    Ok(true)
}

impl Runner {
    /// One deleteConfig transition: an Event on this instance's Pod (leader only, as
    /// rounds that write are; `enableEvents` respected), remembered either way.
    pub(super) async fn announce_deletion(&mut self, cfg: &AkoConfig, event: DeleteEvent) {
        self.round.announced = Some(event);
        tracing::info!(cluster = %cfg.cluster_name, reason = event.reason(), "{}", event.note(&cfg.cluster_name));
        if !cfg.enable_events {
            return;
        }
        let pod = ObjectReference {
            api_version: Some("v1".into()),
            kind: Some("Pod".into()),
            namespace: Some(self.namespace.clone()),
            name: Some(self.identity.clone()),
            ..Default::default()
        };
        let note = event.note(&cfg.cluster_name);
        self.announce(&pod, EventType::Normal, event.reason(), &note)
            .await;
    }

    /// deleteConfig: `Started`, delete every owned object (the model's graph is empty:
    /// static routes and SE-group labels go too), then `Done`; idle afterwards. A
    /// restart half-way finds objects left and finishes (F1 beyond).
    pub(super) async fn delete_round(&mut self, graph: &AviGraph) -> (Phase, PlanReport) {
        let Some(avi) = self.avi.as_mut() else {
            return (
                Phase::WaitingForAvi("not connected".into()),
                PlanReport::default(),
            );
        };
        let (kube, ns, known) = (&self.kube, &self.namespace, &mut self.round.deletion);
        let budget = self.options.round_budget;
        let mut report = PlanReport::default();
        let busy = |avi: &AviSide| {
            !avi.syncer.cache().is_empty() || !avi.syncer.plan(graph, true).is_empty()
        };
        if busy(avi) {
            if let Err(error) = mark_deletion(kube, ns, known, Some(DeletionStatus::Started)).await
            {
                tracing::warn!(%error, "deletion status Started not written; deleting anyway");
            }
            report = avi.syncer.sync_within(graph, true, budget).await;
            if !report.is_converged() || busy(avi) {
                return (Phase::Deleting, report);
            }
        }
        match mark_deletion(kube, ns, known, Some(DeletionStatus::Done)).await {
            Ok(_) => (Phase::Deleted, report),
            Err(error) => {
                tracing::warn!(%error, "deletion status Done not written; retrying");
                (Phase::Deleting, report)
            }
        }
    }
}
