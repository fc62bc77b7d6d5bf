//! AviInfraSetting `ako.vmware.com/v1alpha1` (served for old manifests, same schema as v1beta1).

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{L7Settings, Network, NsxSettings, SeGroup};
use crate::crds::common::CrdStatus;

/// Spec of an AviInfraSetting.
#[derive(
    CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema,
)]
#[kube(
    group = "ako.vmware.com",
    version = "v1alpha1",
    kind = "AviInfraSetting",
    shortname = "aviinfra",
    status = "CrdStatus",
    doc = "Avi infrastructure (SE group, networks, shard size) for the objects it is attached to.",
    printcolumn(name = "Status", type_ = "string", json_path = ".status.status"),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    )
)]
#[serde(rename_all = "camelCase")]
pub struct AviInfraSettingSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub se_group: Option<SeGroup>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network: Option<Network>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub l7_settings: Option<L7Settings>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nsx_settings: Option<NsxSettings>,
}
