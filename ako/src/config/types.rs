//! The enumerated and structured setting types of [`super::AkoConfig`], with the
//! spellings the original's values file, ConfigMap and env use.

use std::fmt;
use std::str::FromStr;

use ipnet::IpNet;
use serde::{Deserialize, Serialize};

use crate::shard::{UnknownValue, string_enum};

/// `L7Settings.serviceType`: how pool servers are found (spec §8.3).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum ServiceType {
    /// Pod IPs from EndpointSlices; static routes to pod CIDRs.
    #[default]
    ClusterIp,
    /// Node IPs x Service nodePort, nodes filtered by `nodePortSelector`.
    NodePort,
    /// Antrea NodePortLocal: per-pod node IP and port from the pod annotation.
    NodePortLocal,
}

impl ServiceType {
    pub const ALL: [ServiceType; 3] = [Self::ClusterIp, Self::NodePort, Self::NodePortLocal];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ClusterIp => "ClusterIP",
            Self::NodePort => "NodePort",
            Self::NodePortLocal => "NodePortLocal",
        }
    }
}

/// `AKOSettings.cniPlugin`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum CniPlugin {
    Calico,
    Canal,
    Flannel,
    Openshift,
    Antrea,
    Ncp,
    OvnKubernetes,
    Cilium,
}

impl CniPlugin {
    pub const ALL: [CniPlugin; 8] = [
        Self::Calico,
        Self::Canal,
        Self::Flannel,
        Self::Openshift,
        Self::Antrea,
        Self::Ncp,
        Self::OvnKubernetes,
        Self::Cilium,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Calico => "calico",
            Self::Canal => "canal",
            Self::Flannel => "flannel",
            Self::Openshift => "openshift",
            Self::Antrea => "antrea",
            Self::Ncp => "ncp",
            Self::OvnKubernetes => "ovn-kubernetes",
            Self::Cilium => "cilium",
        }
    }
}

/// `L7Settings.fqdnReusePolicy`: may one FQDN be claimed from several namespaces.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum FqdnReusePolicy {
    #[default]
    InterNamespaceAllowed,
    Strict,
}

impl FqdnReusePolicy {
    pub const ALL: [FqdnReusePolicy; 2] = [Self::InterNamespaceAllowed, Self::Strict];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::InterNamespaceAllowed => "InterNamespaceAllowed",
            Self::Strict => "Strict",
        }
    }
}

/// `L4Settings.autoFQDN`: the FQDN given to L4 virtual services (spec §1.7).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum AutoFqdn {
    /// `<svc>.<ns>.<subdomain>`.
    #[default]
    Default,
    /// `<svc>-<ns>.<subdomain>`.
    Flat,
    Disabled,
}

impl AutoFqdn {
    pub const ALL: [AutoFqdn; 3] = [Self::Default, Self::Flat, Self::Disabled];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Default => "default",
            Self::Flat => "flat",
            Self::Disabled => "disabled",
        }
    }
}

/// `AKOSettings.logLevel`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum LogLevel {
    Debug,
    Info,
    #[default]
    Warn,
    Error,
}

impl LogLevel {
    pub const ALL: [LogLevel; 4] = [Self::Debug, Self::Info, Self::Warn, Self::Error];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Debug => "DEBUG",
            Self::Info => "INFO",
            Self::Warn => "WARN",
            Self::Error => "ERROR",
        }
    }
}

string_enum!(ServiceType);
string_enum!(CniPlugin);
string_enum!(FqdnReusePolicy);
string_enum!(AutoFqdn);
string_enum!(LogLevel);

/// An Avi network named by name or uuid (uuid preferred when both are given),
/// with the CIDRs AKO may use on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkRef {
    pub name: Option<String>,
    pub uuid: Option<String>,
    pub cidrs: Vec<IpNet>,
}
