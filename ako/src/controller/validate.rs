//! Boot validation of the Avi side the settings name (F18), after login and the
//! inventory read, before the first round: the cloud exists and has an IPAM
//! provider (VIPs are allocated from it), and the SE group exists and is not
//! labelled for another cluster. A failure keeps the instance not ready and
//! writes nothing; it never deletes anything.

use serde_json::Value;

use super::avi_side::AviSide;
use super::runner::Runner;
use crate::config::{AkoConfig, ServiceType};
use crate::kube::EventType;
use crate::sync::labelled_cluster;

/// The settings a validation result holds for; a change validates again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct ValidationKey {
    cluster: String,
    cloud: String,
    se_group: String,
    labels_se_group: bool,
}

impl ValidationKey {
    pub fn of(cfg: &AkoConfig) -> Self {
        ValidationKey {
            cluster: cfg.cluster_name.clone(),
            cloud: cfg.controller.cloud_name.clone(),
            se_group: cfg.controller.se_group.clone(),
            // Only static-route sync labels the SE group with the cluster name.
            labels_se_group: cfg.service_type == ServiceType::ClusterIp
                && !cfg.disable_static_route_sync,
        }
    }
}

/// Why the settings cannot be served; the message names the Avi object.
#[derive(Debug, thiserror::Error)]
pub(super) enum Invalid {
    #[error("cloud {0:?} (cloudName) not found on the Avi controller")]
    NoCloud(String),
    #[error(
        "cloud {0:?} (cloudName) has no ipam_provider_ref: no IPAM provider to allocate VIPs from"
    )]
    NoIpam(String),
    #[error("SE group {0:?} (serviceEngineGroupName) not found on the Avi controller")]
    NoSeGroup(String),
    #[error(
        "labels does not match with cluster name for SE group {se_group:?}: labelled for {other:?}, expected {cluster:?}"
    )]
    OtherCluster {
        se_group: String,
        other: String,
        cluster: String,
    },
    #[error("cloud {cloud:?} could not be read: {error}")]
    Read { cloud: String, error: String },
}

fn has_ipam(cloud: &Value) -> bool {
    cloud
        .get("ipam_provider_ref")
        .and_then(Value::as_str)
        .is_some_and(|r| !r.is_empty())
}

/// Checks what `key` names against the controller (one GET) and the inventory.
pub(super) async fn validate(avi: &AviSide, key: &ValidationKey) -> Result<(), Invalid> {
    let client = avi.syncer.client();
    let cloud: Option<Value> =
        client
            .get_by_name("cloud", &key.cloud)
            .await
            .map_err(|e| Invalid::Read {
                cloud: key.cloud.clone(),
                error: e.to_string(),
            })?;
    match cloud {
        None => return Err(Invalid::NoCloud(key.cloud.clone())),
        Some(c) if !has_ipam(&c) => return Err(Invalid::NoIpam(key.cloud.clone())),
        Some(_) => {}
    }
    let Some(seg) = avi.syncer.cache().se_group(&key.se_group) else {
        return Err(Invalid::NoSeGroup(key.se_group.clone()));
    };
    match labelled_cluster(&seg.body) {
        Some(other) if key.labels_se_group && other != key.cluster => Err(Invalid::OtherCluster {
            se_group: key.se_group.clone(),
            other: other.to_owned(),
            cluster: key.cluster.clone(),
        }),
        _ => Ok(()),
    }
}

impl Runner {
    /// Validates the Avi side once per client and settings; a failure is logged and
    /// published on the ConfigMap once per distinct reason.
    pub(super) async fn ensure_valid(&mut self, cfg: &AkoConfig) -> Result<(), String> {
        let key = ValidationKey::of(cfg);
        if self.validated.as_ref() == Some(&key) {
            return Ok(());
        }
        let Some(avi) = &self.avi else {
            return Err("Avi controller not connected".into());
        };
        let why = match validate(avi, &key).await {
            Ok(()) => {
                self.validated = Some(key);
                self.invalid_reported = None;
                return Ok(());
            }
            Err(e) => e.to_string(),
        };
        if self.invalid_reported.as_deref() != Some(&why) {
            self.invalid_reported = Some(why.clone());
            tracing::error!(cloud = %key.cloud, se_group = %key.se_group, "sync paused: {why}");
            let regarding = self.config_map_ref();
            self.announce(&regarding, EventType::Warning, "InvalidAviSettings", &why)
                .await;
        }
        Err(why)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ipam_needs_a_non_empty_ref() {
        assert!(has_ipam(
            &json!({"ipam_provider_ref": "/api/ipamdnsproviderprofile/x"})
        ));
        assert!(!has_ipam(&json!({"ipam_provider_ref": null})));
        assert!(!has_ipam(&json!({"ipam_provider_ref": ""})));
        assert!(!has_ipam(&json!({"name": "Default-Cloud"})));
    }
}
