//! `ObjectRef`: a Kubernetes object written `Kind/namespace/name` (namespaced) or
//! `Kind/name` (cluster-scoped) — the same spelling as the controller's log keys.

use std::fmt;
use std::str::FromStr;

use super::text::string_type;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ObjectRef {
    /// Kubernetes kind, e.g. `Ingress`, `HostRule`, `StatefulSet`.
    pub kind: String,
    /// `None` for cluster-scoped kinds (`Node`, `Namespace`, `AviInfraSetting`, ...).
    pub namespace: Option<String>,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid object reference {0:?}: write Kind/namespace/name or Kind/name (cluster-scoped), \
     e.g. Ingress/default/web"
)]
pub struct ObjectRefError(String);

impl FromStr for ObjectRef {
    type Err = ObjectRefError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ObjectRefError(s.to_owned());
        let parts: Vec<&str> = s.split('/').collect();
        if parts.iter().any(|p| p.is_empty() || p.trim() != *p) {
            return Err(err());
        }
        let kind = parts[0];
        let kind_ok = kind.starts_with(|c: char| c.is_ascii_uppercase())
            && kind.chars().all(|c| c.is_ascii_alphanumeric());
        if !kind_ok {
            return Err(err());
        }
        let (namespace, name) = match parts[1..] {
            [name] => (None, name),
            [ns, name] => (Some(ns.to_owned()), name),
            _ => return Err(err()),
        };
        Ok(Self {
            kind: kind.to_owned(),
            namespace,
            name: name.to_owned(),
        })
    }
}

impl fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{}/{}/{}", self.kind, ns, self.name),
            None => write!(f, "{}/{}", self.kind, self.name),
        }
    }
}

string_type!(
    ObjectRef,
    "ObjectRef",
    "an object reference such as Ingress/default/web",
    "^[A-Z][A-Za-z0-9]*/[^/\\s]+(/[^/\\s]+)?$",
    "A Kubernetes object: Kind/namespace/name, or Kind/name when cluster-scoped."
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaced_and_cluster_scoped_round_trip() {
        let r: ObjectRef = "Ingress/default/web".parse().unwrap();
        assert_eq!(r.namespace.as_deref(), Some("default"));
        assert_eq!(r.to_string(), "Ingress/default/web");
        let n: ObjectRef = "Node/worker-1".parse().unwrap();
        assert_eq!(
            (n.kind.as_str(), n.namespace, n.name.as_str()),
            ("Node", None, "worker-1")
        );
        for bad in [
            "ingress/default/web",
            "Ingress",
            "Ingress//web",
            "Ingress/a/b/c",
            "In gress/x",
        ] {
            assert!(bad.parse::<ObjectRef>().is_err(), "{bad}");
        }
    }
}
