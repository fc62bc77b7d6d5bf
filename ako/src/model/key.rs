//! `Kind` and `ObjectKey`: how the model names a Kubernetes object (`Ingress/ns/name`).

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;

use jiff::Timestamp;

use serde::{Serialize, Serializer};

/// The Kubernetes kinds the model reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Namespace,
    Node,
    Secret,
    Service,
    EndpointSlice,
    Pod,
    IngressClass,
    Ingress,
    Route,
    AviInfraSetting,
    HostRule,
    HttpRule,
}

impl Kind {
    pub const ALL: [Kind; 12] = [
        Kind::Namespace,
        Kind::Node,
        Kind::Secret,
        Kind::Service,
        Kind::EndpointSlice,
        Kind::Pod,
        Kind::IngressClass,
        Kind::Ingress,
        Kind::Route,
        Kind::AviInfraSetting,
        Kind::HostRule,
        Kind::HttpRule,
    ];

    /// The Kubernetes `kind` spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Namespace => "Namespace",
            Kind::Node => "Node",
            Kind::Secret => "Secret",
            Kind::Service => "Service",
            Kind::EndpointSlice => "EndpointSlice",
            Kind::Pod => "Pod",
            Kind::IngressClass => "IngressClass",
            Kind::Ingress => "Ingress",
            Kind::Route => "Route",
            Kind::AviInfraSetting => "AviInfraSetting",
            Kind::HostRule => "HostRule",
            Kind::HttpRule => "HTTPRule",
        }
    }

    /// Cluster-scoped kinds have an empty namespace in their key.
    pub fn is_namespaced(self) -> bool {
        !matches!(
            self,
            Kind::Namespace | Kind::Node | Kind::IngressClass | Kind::AviInfraSetting
        )
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One Kubernetes object: kind, namespace (empty when cluster-scoped) and name.
/// Displays as `Ingress/ns/name` (namespaced) or `Node/name`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectKey {
    pub kind: Kind,
    pub namespace: String,
    pub name: String,
}

impl ObjectKey {
    pub fn new(kind: Kind, namespace: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            kind,
            namespace: namespace.into(),
            name: name.into(),
        }
    }

    /// A cluster-scoped object's key.
    pub fn cluster(kind: Kind, name: impl Into<String>) -> Self {
        Self::new(kind, String::new(), name)
    }

    /// `<ns>/<name>`, the form AKO messages use.
    pub fn ns_name(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }
}

impl fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.namespace.is_empty() {
            write!(f, "{}/{}", self.kind, self.name)
        } else {
            write!(f, "{}/{}/{}", self.kind, self.namespace, self.name)
        }
    }
}

impl Serialize for ObjectKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Sort key of a source object: creation time, then key. The senior object wins
/// every conflict (TLS claims, duplicate rules), so results do not depend on the
/// order objects arrived in.
pub type Seniority<'s> = (Option<Timestamp>, &'s ObjectKey);

/// The seniority of `obj`, whose key is `key`.
pub fn seniority<'s, T: kube::Resource>(key: &'s ObjectKey, obj: &T) -> Seniority<'s> {
    (obj.meta().creation_timestamp.as_ref().map(|t| t.0), key)
}

/// A borrowed view of an [`ObjectKey`], so maps keyed by `ObjectKey` can be
/// searched with `(Kind, &str, &str)` without allocating a key.
pub trait KeyView {
    fn parts(&self) -> (Kind, &str, &str);
}

impl KeyView for ObjectKey {
    fn parts(&self) -> (Kind, &str, &str) {
        (self.kind, &self.namespace, &self.name)
    }
}

impl KeyView for (Kind, &str, &str) {
    fn parts(&self) -> (Kind, &str, &str) {
        *self
    }
}

impl<'a> Borrow<dyn KeyView + 'a> for ObjectKey {
    fn borrow(&self) -> &(dyn KeyView + 'a) {
        self
    }
}

// Same order as the derived `Ord` of `ObjectKey` (kind, namespace, name).
impl Ord for dyn KeyView + '_ {
    fn cmp(&self, other: &Self) -> Ordering {
        self.parts().cmp(&other.parts())
    }
}

impl PartialOrd for dyn KeyView + '_ {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for dyn KeyView + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.parts() == other.parts()
    }
}

impl Eq for dyn KeyView + '_ {}
