//! `AviGraph`: the desired Avi state the model computes — objects by (type, name),
//! this cluster's VRF static routes, SE-group labels, which virtual services are
//! shared parents, and the load-balancer status each Kubernetes object should get.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;

use super::key::ObjectKey;

/// The Avi object types AKO writes, in create order (a type only refers to types
/// before it, except a child VS to its parent VS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum AviKind {
    SslKeyAndCertificate,
    PkiProfile,
    VsVip,
    Pool,
    PoolGroup,
    HttpPolicySet,
    VsDataScriptSet,
    L4PolicySet,
    VirtualService,
}

impl AviKind {
    pub const ALL: [AviKind; 9] = [
        AviKind::SslKeyAndCertificate,
        AviKind::PkiProfile,
        AviKind::VsVip,
        AviKind::Pool,
        AviKind::PoolGroup,
        AviKind::HttpPolicySet,
        AviKind::VsDataScriptSet,
        AviKind::L4PolicySet,
        AviKind::VirtualService,
    ];

    /// The collection under `/api/`.
    pub fn api_path(self) -> &'static str {
        match self {
            AviKind::SslKeyAndCertificate => "sslkeyandcertificate",
            AviKind::PkiProfile => "pkiprofile",
            AviKind::VsVip => "vsvip",
            AviKind::Pool => "pool",
            AviKind::PoolGroup => "poolgroup",
            AviKind::HttpPolicySet => "httppolicyset",
            AviKind::VsDataScriptSet => "vsdatascriptset",
            AviKind::L4PolicySet => "l4policyset",
            AviKind::VirtualService => "virtualservice",
        }
    }

    /// Whether Avi's schema for this type has `created_by` (VsVip has not).
    pub fn has_created_by(self) -> bool {
        self != AviKind::VsVip
    }
}

impl fmt::Display for AviKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.api_path())
    }
}

/// An Avi object by type and name (names are unique per type within a tenant).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AviKey {
    pub kind: AviKind,
    pub name: String,
}

impl AviKey {
    pub fn new(kind: AviKind, name: impl Into<String>) -> Self {
        Self {
            kind,
            name: name.into(),
        }
    }

    /// The name-query reference Avi accepts on input: `/api/<type>?name=<name>`.
    pub fn to_ref(&self) -> String {
        avi_ref(self.kind.api_path(), &self.name)
    }
}

impl fmt::Display for AviKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.kind.api_path(), self.name)
    }
}

impl Serialize for AviKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// `/api/<type>?name=<name>` for any Avi type, ours or the controller's own
/// (cloud, tenant, profiles, health monitors).
pub fn avi_ref(api_path: &str, name: &str) -> String {
    format!("/api/{api_path}?name={name}")
}

/// One desired Avi object: the JSON body to send and the graph objects it refers to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AviObject {
    pub body: serde_json::Value,
    /// Our own objects this body references (the sync layer creates them first).
    pub refs: Vec<AviKey>,
}

/// A VRF static route: pod CIDR -> node IP.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct StaticRoute {
    /// Pod CIDR, e.g. `10.244.1.0/24`.
    pub prefix: String,
    /// Node IP.
    pub next_hop: String,
    /// Owning node (for diagnostics and status; not sent to Avi).
    pub node: String,
}

/// This cluster's static routes in one VRF context (ClusterIP mode only, F9).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct VrfRoutes {
    pub vrf: String,
    /// `route_id` -> route. Every route carries label `clustername=<cluster>`.
    pub routes: BTreeMap<String, StaticRoute>,
}

/// Where a Kubernetes object's `.status.loadBalancer.ingress` comes from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct LbStatus {
    /// The VS serving these hostnames (for an SNI host: its parent, which owns the VIP).
    pub vs: AviKey,
    /// The VsVip whose observed addresses are the status IPs.
    pub vsvip: AviKey,
    /// Hostnames to report with the IPs (empty for an L4 Service without FQDN).
    pub hostnames: Vec<String>,
}

/// The whole desired state for one cluster.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AviGraph {
    pub objects: BTreeMap<AviKey, AviObject>,
    /// Shared parent VS names: sync never deletes their VsVips (F3).
    pub shared_parents: BTreeSet<String>,
    /// `None` when static routes are off (NodePort / NodePortLocal / disabled).
    pub vrf: Option<VrfRoutes>,
    /// SE groups that must carry label `clustername=<cluster>` (static-route mode).
    pub se_group_labels: BTreeSet<String>,
    /// Status per Kubernetes object (Service, Ingress, Route).
    pub status: BTreeMap<ObjectKey, Vec<LbStatus>>,
    /// NodePortLocal mode: Services whose pods need Antrea NPL ports, i.e. that
    /// must carry `nodeportlocal.antrea.io/enabled: "true"` (F22).
    pub npl_services: BTreeSet<ObjectKey>,
}

impl AviGraph {
    pub fn get(&self, kind: AviKind, name: &str) -> Option<&AviObject> {
        self.objects.get(&AviKey::new(kind, name))
    }

    /// Number of objects of one type.
    pub fn count(&self, kind: AviKind) -> usize {
        self.objects.keys().filter(|k| k.kind == kind).count()
    }
}

/// How bad a diagnostic is: `Warning` objects are still synced, `Error` parts are not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Severity {
    Warning,
    Error,
}

/// A problem with one Kubernetes object, for logs, events and status.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Diagnostic {
    pub object: ObjectKey,
    pub severity: Severity,
    /// Machine-readable reason (also the Kubernetes event reason).
    pub reason: String,
    pub message: String,
}

impl Diagnostic {
    pub fn warning(object: &ObjectKey, reason: &str, message: impl Into<String>) -> Self {
        Self {
            object: object.clone(),
            severity: Severity::Warning,
            reason: reason.to_owned(),
            message: message.into(),
        }
    }

    pub fn error(object: &ObjectKey, reason: &str, message: impl Into<String>) -> Self {
        Self {
            object: object.clone(),
            severity: Severity::Error,
            reason: reason.to_owned(),
            message: message.into(),
        }
    }
}
