//! HTTPRule (namespaced), keyed by fqdn + path target: pool-level settings (LB
//! algorithm, health monitors, persistence, re-encrypt) for the matching host/paths
//! (spec §10.4). v1alpha1 lacks `paths[].enableHTTP2`.

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
        kind = "HTTPRule",
        namespaced,
        status = "CrdStatus"
    )]
    pub struct HTTPRuleSpec {
        pub fqdn: String,
        #[serde(default)]
        pub paths: Vec<HttpRulePath>,
    }

    #[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct HttpRulePath {
        pub target: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub load_balancer_policy: Option<LoadBalancerPolicy>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub tls: Option<PathTls>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub health_monitors: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub application_persistence: Option<String>,
        #[serde(
            default,
            rename = "enableHTTP2",
            skip_serializing_if = "Option::is_none"
        )]
        pub enable_http2: Option<bool>,
    }

    #[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct LoadBalancerPolicy {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub algorithm: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub hash: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub host_header: Option<String>,
    }

    /// Re-encryption to the backends (`type: reencrypt`).
    #[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct PathTls {
        #[serde(rename = "type")]
        pub kind: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub ssl_profile: Option<String>,
        #[serde(
            default,
            rename = "destinationCA",
            skip_serializing_if = "Option::is_none"
        )]
        pub destination_ca: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub pki_profile: Option<String>,
    }
}

pub mod v1alpha1 {
    use kube::CustomResource;
    use schemars::JsonSchema;
    use serde::{Deserialize, Serialize};

    use super::v1beta1 as beta;
    use crate::crd::CrdStatus;

    #[derive(
        CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema,
    )]
    #[kube(
        group = "ako.vmware.com",
        version = "v1alpha1",
        kind = "HTTPRule",
        namespaced,
        status = "CrdStatus"
    )]
    pub struct HTTPRuleSpec {
        pub fqdn: String,
        #[serde(default)]
        pub paths: Vec<HttpRulePath>,
    }

    #[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct HttpRulePath {
        pub target: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub load_balancer_policy: Option<beta::LoadBalancerPolicy>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub tls: Option<beta::PathTls>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub health_monitors: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub application_persistence: Option<String>,
    }

    impl From<HTTPRule> for beta::HTTPRule {
        fn from(old: HTTPRule) -> Self {
            let paths = old
                .spec
                .paths
                .into_iter()
                .map(|p| beta::HttpRulePath {
                    target: p.target,
                    load_balancer_policy: p.load_balancer_policy,
                    tls: p.tls,
                    health_monitors: p.health_monitors,
                    application_persistence: p.application_persistence,
                    enable_http2: None,
                })
                .collect();
            Self {
                metadata: old.metadata,
                spec: beta::HTTPRuleSpec {
                    fqdn: old.spec.fqdn,
                    paths,
                },
                status: old.status,
            }
        }
    }
}
