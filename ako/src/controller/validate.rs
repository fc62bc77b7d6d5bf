//! Validation against the Avi side. At boot (F18), after login and the inventory
//! read, before the first round: the cloud the settings name exists and has an IPAM
//! provider (VIPs are allocated from it), and the SE group exists and is not
//! labelled for another cluster; a failure keeps the instance not ready and writes
//! nothing, it never deletes anything. Every round: the networks each
//! AviInfraSetting names (by name or uuid, F28) exist; a missing one rejects that
//! setting only, with a message naming the network.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::avi_side::AviSide;
use super::runner::Runner;
use crate::avi::{AviClient, AviError, ListQuery};
use crate::config::{AkoConfig, ServiceType};
use crate::crd::AviInfraSetting;
use crate::kube::EventType;
use crate::model::{ClusterState, Diagnostic, NetworkId, ObjectKey};
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

/// One AviInfraSetting's networks as last looked up: for which spec, with which
/// problems. Kept until the spec changes or the inventory is read again (a network
/// created in Avi later counts from the next full sync).
#[derive(Clone, Debug)]
pub(super) struct NetworkCheck {
    spec_version: String,
    problems: Vec<Diagnostic>,
}

/// Changes when the setting's spec does: uid and generation (our own status writes
/// leave both alone), or the resourceVersion where the server keeps no generation.
fn spec_version(setting: &AviInfraSetting) -> String {
    let m = &setting.metadata;
    let uid = m.uid.as_deref().unwrap_or_default();
    match m.generation {
        Some(g) => format!("{uid}/g{g}"),
        None => format!(
            "{uid}/rv{}",
            m.resource_version.as_deref().unwrap_or_default()
        ),
    }
}

/// The networks one list names (`(networkName, networkUUID)` per entry), each with
/// the field that names it.
fn list_networks<'a>(
    list: &'static str,
    entries: impl Iterator<Item = (Option<&'a str>, Option<&'a str>)>,
) -> impl Iterator<Item = (String, NetworkId<'a>)> {
    entries.enumerate().filter_map(move |(i, (name, uuid))| {
        let id = NetworkId::of(name, uuid)?;
        let field = match id {
            NetworkId::Uuid(_) => "networkUUID",
            NetworkId::Name(_) => "networkName",
        };
        Some((format!("spec.network.{list}[{i}].{field}"), id))
    })
}

/// The networks `setting` names, each with the field that names it.
fn named_networks(setting: &AviInfraSetting) -> Vec<(String, NetworkId<'_>)> {
    let Some(net) = setting.spec.network.as_ref() else {
        return Vec::new();
    };
    let vip = net
        .vip_networks
        .iter()
        .map(|v| (v.network_name.as_deref(), v.network_uuid.as_deref()));
    let node = net
        .node_networks
        .iter()
        .map(|n| (n.network_name.as_deref(), n.network_uuid.as_deref()));
    list_networks("vipNetworks", vip)
        .chain(list_networks("nodeNetworks", node))
        .collect()
}

/// Whether the network exists: by uuid, or by name in `cloud` (names are unique per
/// cloud), as ako's client sees it (its tenant, then `admin`).
async fn network_exists(
    client: &AviClient,
    cloud: &str,
    id: &NetworkId<'_>,
) -> Result<bool, AviError> {
    match id {
        NetworkId::Uuid(uuid) => match client.get::<Value>("network", uuid).await {
            Ok(_) => Ok(true),
            Err(e) if e.is_not_found() => Ok(false),
            Err(e) => Err(e),
        },
        NetworkId::Name(name) => {
            let query = ListQuery::new()
                .name(name)
                .filter("cloud_ref.name", cloud)
                .fields(&["name"]);
            let found: Vec<Value> = client.list("network", &query).await?;
            Ok(!found.is_empty())
        }
    }
}

async fn check_setting(
    client: &AviClient,
    cloud: &str,
    key: &ObjectKey,
    setting: &AviInfraSetting,
) -> Result<Vec<Diagnostic>, AviError> {
    let mut problems = Vec::new();
    for (field, id) in named_networks(setting) {
        if network_exists(client, cloud, &id).await? {
            continue;
        }
        let (NetworkId::Name(n) | NetworkId::Uuid(n)) = id;
        problems.push(Diagnostic::error(
            key,
            "NetworkNotFound",
            format!("network {n:?} ({field}) not found on the Avi controller in cloud {cloud:?}"),
        ));
    }
    Ok(problems)
}

/// Errors for AviInfraSettings naming networks that do not exist in Avi. Each setting
/// is looked up once per spec and inventory; a failed lookup keeps what
/// the setting had (nothing at first) and is retried next round.
pub(super) async fn infra_networks(
    avi: &mut AviSide,
    state: &ClusterState,
    cloud: &str,
) -> Vec<Diagnostic> {
    let present: BTreeSet<&ObjectKey> = state.iter::<AviInfraSetting>().map(|(k, _)| k).collect();
    let checks: &mut BTreeMap<ObjectKey, NetworkCheck> = &mut avi.network_checks;
    checks.retain(|k, _| present.contains(k));
    let client = avi.syncer.client();
    let mut out = Vec::new();
    for (key, setting) in state.iter::<AviInfraSetting>() {
        let version = spec_version(setting);
        let known = checks.get(key);
        if let Some(c) = known.filter(|c| c.spec_version == version) {
            out.extend(c.problems.iter().cloned());
            continue;
        }
        match check_setting(client, cloud, key, setting).await {
            Ok(problems) => {
                out.extend(problems.iter().cloned());
                let check = NetworkCheck {
                    spec_version: version,
                    problems,
                };
                checks.insert(key.clone(), check);
            }
            Err(error) => {
                tracing::warn!(key = %key, %error, "networks of the AviInfraSetting not looked up; retried next round");
                out.extend(known.into_iter().flat_map(|c| c.problems.iter().cloned()));
            }
        }
    }
    out
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
    fn networks_are_named_by_uuid_first_with_their_field() {
        let setting: AviInfraSetting = serde_json::from_value(json!({
            "apiVersion": "ako.vmware.com/v1beta1",
            "kind": "AviInfraSetting",
            "metadata": {"name": "s"},
            "spec": {"network": {
                "vipNetworks": [{"cidr": "10.0.0.0/24"}, {"networkName": "a", "networkUUID": "network-1"}],
                "nodeNetworks": [{"networkName": "b", "networkUUID": ""}],
            }},
        }))
        .unwrap();
        assert_eq!(
            named_networks(&setting),
            [
                (
                    "spec.network.vipNetworks[1].networkUUID".to_owned(),
                    NetworkId::Uuid("network-1")
                ),
                (
                    "spec.network.nodeNetworks[0].networkName".to_owned(),
                    NetworkId::Name("b")
                ),
            ]
        );
    }

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
