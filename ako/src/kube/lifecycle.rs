//! The `AviObjectDeletionStatus` annotation on AKO's StatefulSet `ako` (F1, spec §5
//! and §7): `Started` when a deleteConfig cleanup begins, `Done` when every owned
//! object is gone, `Timeout` when it gave up; removed when deleteConfig is unset.
//! Read back at boot so a cleanup interrupted by a restart is finished (F1, beyond).

use std::fmt;
use std::str::FromStr;

use k8s_openapi::api::apps::v1::StatefulSet;
use kube::api::{Api, Patch, PatchParams};
use serde_json::json;

use super::error::{KubeError, is_not_found};

/// AKO's StatefulSet name.
pub const STATEFULSET_NAME: &str = "ako";
/// The annotation key.
pub const DELETION_STATUS_ANNOTATION: &str = "AviObjectDeletionStatus";

/// Progress of a deleteConfig cleanup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeletionStatus {
    Started,
    Done,
    Timeout,
}

impl DeletionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeletionStatus::Started => "Started",
            DeletionStatus::Done => "Done",
            DeletionStatus::Timeout => "Timeout",
        }
    }
}

impl fmt::Display for DeletionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DeletionStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "Started" => Ok(DeletionStatus::Started),
            "Done" => Ok(DeletionStatus::Done),
            "Timeout" => Ok(DeletionStatus::Timeout),
            other => Err(format!("unknown {DELETION_STATUS_ANNOTATION} {other:?}")),
        }
    }
}

fn key(namespace: &str) -> String {
    format!("StatefulSet/{namespace}/{STATEFULSET_NAME}")
}

/// Sets (`Some`) or removes (`None`) the annotation with a JSON merge patch.
pub async fn set_deletion_status(
    client: &kube::Client,
    namespace: &str,
    status: Option<DeletionStatus>,
) -> Result<(), KubeError> {
    let api: Api<StatefulSet> = Api::namespaced(client.clone(), namespace);
    let value = status.map(DeletionStatus::as_str);
    let patch = json!({"metadata": {"annotations": {DELETION_STATUS_ANNOTATION: value}}});
    match api
        .patch(
            STATEFULSET_NAME,
            &PatchParams::default(),
            &Patch::Merge(&patch),
        )
        .await
    {
        Ok(_) => {
            tracing::info!(key = %key(namespace), status = ?value, "{DELETION_STATUS_ANNOTATION} set");
            Ok(())
        }
        Err(e) if is_not_found(&e) => Err(not_found(namespace)),
        Err(e) => Err(KubeError::api("patch", key(namespace), e)),
    }
}

/// The annotation's current value (`None` when absent).
pub async fn deletion_status(
    client: &kube::Client,
    namespace: &str,
) -> Result<Option<DeletionStatus>, KubeError> {
    let api: Api<StatefulSet> = Api::namespaced(client.clone(), namespace);
    let sts = match api.get(STATEFULSET_NAME).await {
        Ok(s) => s,
        Err(e) if is_not_found(&e) => return Err(not_found(namespace)),
        Err(e) => return Err(KubeError::api("get", key(namespace), e)),
    };
    let Some(v) = sts
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(DELETION_STATUS_ANNOTATION))
    else {
        return Ok(None);
    };
    v.parse()
        .map(Some)
        .map_err(|reason| KubeError::invalid(key(namespace), reason))
}

fn not_found(namespace: &str) -> KubeError {
    KubeError::NotFound {
        object: key(namespace),
        hint: " (deletion progress is reported on it)".into(),
    }
}
