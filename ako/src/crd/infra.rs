//! AviInfraSetting (cluster-scoped): SE group, VIP / node networks and the L7 shard
//! size for the Ingresses of an IngressClass (spec §10.2). v1alpha1 and v1beta1 have
//! identical schemas, so v1alpha1 wraps the v1beta1 spec.

pub mod v1beta1 {
    use kube::CustomResource;
    use schemars::JsonSchema;
    use serde::{Deserialize, Serialize};

    use crate::crd::CrdStatus;

    #[derive(
        CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema,
    )]
    #[kube(
        group = "ako.vmware.com",
        version = "v1beta1",
        kind = "AviInfraSetting",
        status = "CrdStatus"
    )]
    #[serde(rename_all = "camelCase")]
    pub struct AviInfraSettingSpec {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub se_group: Option<SeGroup>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub network: Option<InfraNetwork>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub l7_settings: Option<InfraL7Settings>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub nsx_settings: Option<NsxSettings>,
    }

    #[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
    pub struct SeGroup {
        pub name: String,
    }

    #[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct InfraNetwork {
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub vip_networks: Vec<VipNetwork>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub node_networks: Vec<NodeNetwork>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub enable_rhi: Option<bool>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub bgp_peer_labels: Vec<String>,
        #[serde(
            default,
            rename = "enablePublicIP",
            skip_serializing_if = "Option::is_none"
        )]
        pub enable_public_ip: Option<bool>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub listeners: Vec<Listener>,
    }

    /// A VIP network by `networkName` or `networkUUID` (F28), with optional subnets.
    #[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct VipNetwork {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub network_name: Option<String>,
        #[serde(
            default,
            rename = "networkUUID",
            skip_serializing_if = "Option::is_none"
        )]
        pub network_uuid: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub cidr: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub v6cidr: Option<String>,
    }

    #[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct NodeNetwork {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub network_name: Option<String>,
        #[serde(
            default,
            rename = "networkUUID",
            skip_serializing_if = "Option::is_none"
        )]
        pub network_uuid: Option<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub cidrs: Vec<String>,
    }

    #[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct Listener {
        pub port: u16,
        #[serde(default, rename = "enableSSL", skip_serializing_if = "Option::is_none")]
        pub enable_ssl: Option<bool>,
        #[serde(
            default,
            rename = "enableHTTP2",
            skip_serializing_if = "Option::is_none"
        )]
        pub enable_http2: Option<bool>,
    }

    /// `shardSize` stays a string here: an unknown value must become a diagnostic on
    /// this object, not a failure to read it.
    #[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct InfraL7Settings {
        pub shard_size: String,
    }

    #[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
    pub struct NsxSettings {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub t1lr: Option<String>,
    }
}

pub mod v1alpha1 {
    use kube::CustomResource;
    use schemars::JsonSchema;
    use serde::{Deserialize, Serialize};

    use crate::crd::CrdStatus;

    /// Same schema as v1beta1 (spec §10.1).
    #[derive(
        CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema,
    )]
    #[kube(
        group = "ako.vmware.com",
        version = "v1alpha1",
        kind = "AviInfraSetting",
        status = "CrdStatus"
    )]
    pub struct AviInfraSettingSpec {
        #[serde(flatten)]
        pub spec: super::v1beta1::AviInfraSettingSpec,
    }

    impl From<AviInfraSetting> for super::v1beta1::AviInfraSetting {
        fn from(old: AviInfraSetting) -> Self {
            Self {
                metadata: old.metadata,
                spec: old.spec.spec,
                status: old.status,
            }
        }
    }
}
