//! The resource registry: which group/version/resource kube-sim serves, its kind, scope,
//! short names, served/storage versions and subresources — the built-in kinds AKO uses plus
//! every registered CRD. Lookups of unserved versions fail with the real 404.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde_json::Value;

use super::error::ApiError;

/// A version-independent resource: the key objects are stored under.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupResource {
    pub group: String,
    pub resource: String,
}

impl GroupResource {
    pub fn new(group: &str, resource: &str) -> Self {
        Self {
            group: group.to_string(),
            resource: resource.to_string(),
        }
    }
}

impl fmt::Display for GroupResource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.group.is_empty() {
            write!(f, "{}", self.resource)
        } else {
            write!(f, "{}.{}", self.resource, self.group)
        }
    }
}

/// One version of a resource.
#[derive(Clone, Debug)]
pub struct VersionInfo {
    pub name: String,
    pub served: bool,
    pub storage: bool,
    pub status_subresource: bool,
    /// `openAPIV3Schema` of a CRD version; `None` for built-ins (not validated).
    pub schema: Option<Value>,
    /// CRD `additionalPrinterColumns`.
    pub printer_columns: Vec<Value>,
}

/// A resource with all its versions.
#[derive(Clone, Debug)]
pub struct ResourceInfo {
    pub gr: GroupResource,
    pub singular: String,
    pub kind: String,
    pub list_kind: String,
    pub namespaced: bool,
    pub short_names: Vec<String>,
    pub categories: Vec<String>,
    pub versions: Vec<VersionInfo>,
    /// Built-ins whose create keeps a client-sent status (Nodes are registered by kubelets).
    pub keep_status_on_create: bool,
    /// Field selectors beyond metadata.name / metadata.namespace.
    pub selectable_fields: Vec<String>,
    /// Defined by a CustomResourceDefinition (merge patch only, schema validated).
    pub is_crd: bool,
}

impl ResourceInfo {
    pub fn version(&self, v: &str) -> Option<&VersionInfo> {
        self.versions.iter().find(|x| x.name == v)
    }

    pub fn storage_version(&self) -> &str {
        self.versions
            .iter()
            .find(|v| v.storage)
            .map_or("v1", |v| v.name.as_str())
    }

    pub fn api_version(&self, version: &str) -> String {
        if self.gr.group.is_empty() {
            version.to_string()
        } else {
            format!("{}/{}", self.gr.group, version)
        }
    }
}

/// A resolved request target: the resource and the served version asked for.
#[derive(Clone, Debug)]
pub struct Resolved {
    pub info: Arc<ResourceInfo>,
    pub version: String,
}

impl Resolved {
    pub fn version_info(&self) -> &VersionInfo {
        // resolve() only hands out versions that exist.
        self.info
            .version(&self.version)
            .unwrap_or(&self.info.versions[0])
    }
    pub fn api_version(&self) -> String {
        self.info.api_version(&self.version)
    }
}

/// Every served resource, built-in and CRD-defined.
#[derive(Clone, Debug, Default)]
pub struct Registry {
    resources: BTreeMap<GroupResource, Arc<ResourceInfo>>,
}

impl Registry {
    /// The built-in kinds; `openshift` adds `route.openshift.io/v1`.
    pub fn builtin(openshift: bool) -> Self {
        let mut r = Registry::default();
        for info in super::builtins::resources(openshift) {
            r.insert(info);
        }
        r
    }

    pub fn insert(&mut self, info: ResourceInfo) {
        self.resources.insert(info.gr.clone(), Arc::new(info));
    }

    pub fn remove(&mut self, gr: &GroupResource) {
        self.resources.remove(gr);
    }

    pub fn get(&self, gr: &GroupResource) -> Option<&Arc<ResourceInfo>> {
        self.resources.get(gr)
    }

    pub fn all(&self) -> impl Iterator<Item = &Arc<ResourceInfo>> {
        self.resources.values()
    }

    /// The served version `version` of `group`/`resource`, or the real "not found" 404.
    pub fn resolve(
        &self,
        group: &str,
        version: &str,
        resource: &str,
    ) -> Result<Resolved, ApiError> {
        let info = self
            .resources
            .get(&GroupResource::new(group, resource))
            .ok_or_else(ApiError::no_resource)?;
        match info.version(version) {
            Some(v) if v.served => Ok(Resolved {
                info: info.clone(),
                version: version.to_string(),
            }),
            _ => Err(ApiError::no_resource()),
        }
    }

    /// Served versions per group, each list in kube's preference order (GA > beta > alpha).
    pub fn groups(&self) -> BTreeMap<String, Vec<String>> {
        let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for info in self.resources.values() {
            for v in info.versions.iter().filter(|v| v.served) {
                let list = out.entry(info.gr.group.clone()).or_default();
                if !list.contains(&v.name) {
                    list.push(v.name.clone());
                }
            }
        }
        for list in out.values_mut() {
            list.sort_by(|a, b| version_priority(a, b));
        }
        out
    }

    /// Resources served at `group`/`version`.
    pub fn resources_at(&self, group: &str, version: &str) -> Vec<Arc<ResourceInfo>> {
        self.resources
            .values()
            .filter(|i| i.gr.group == group && i.version(version).is_some_and(|v| v.served))
            .cloned()
            .collect()
    }
}

/// Kubernetes version ordering: `v2 > v1 > v1beta2 > v1beta1 > v1alpha1 > other`, best first.
pub fn version_priority(a: &str, b: &str) -> Ordering {
    fn rank(v: &str) -> (u8, u32, u32) {
        let Some(rest) = v.strip_prefix('v') else {
            return (0, 0, 0);
        };
        let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        let Ok(major) = digits.parse::<u32>() else {
            return (0, 0, 0);
        };
        let tail = &rest[digits.len()..];
        let (stage, num) = if tail.is_empty() {
            (3, 0)
        } else if let Some(n) = tail.strip_prefix("beta") {
            (2, n.parse().unwrap_or(0))
        } else if let Some(n) = tail.strip_prefix("alpha") {
            (1, n.parse().unwrap_or(0))
        } else {
            return (0, 0, 0);
        };
        (stage, major, num)
    }
    let (ra, rb) = (rank(a), rank(b));
    // stage first (GA, beta, alpha), then major, then minor; unknown formats sort last by name.
    rb.0.cmp(&ra.0)
        .then(rb.1.cmp(&ra.1))
        .then(rb.2.cmp(&ra.2))
        .then(a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_sort_like_kube() {
        let mut v = vec![
            "v1alpha1", "v1", "v1beta1", "v2", "v1beta2", "foo", "v1alpha2",
        ];
        v.sort_by(|a, b| version_priority(a, b));
        assert_eq!(
            v,
            [
                "v2", "v1", "v1beta2", "v1beta1", "v1alpha2", "v1alpha1", "foo"
            ]
        );
    }

    #[test]
    fn openshift_routes_are_optional() {
        assert!(
            Registry::builtin(false)
                .resolve("route.openshift.io", "v1", "routes")
                .is_err()
        );
        assert!(
            Registry::builtin(true)
                .resolve("route.openshift.io", "v1", "routes")
                .is_ok()
        );
        let err = Registry::builtin(true)
            .resolve("", "v2", "services")
            .unwrap_err();
        assert_eq!(
            (err.code, err.message.as_str()),
            (404, "the server could not find the requested resource")
        );
    }
}
