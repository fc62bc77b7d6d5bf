//! `Cluster`: what the Kubernetes side looks like before the first step — flavour
//! (plain or OpenShift), which `ako.vmware.com` CRD versions are installed, versions.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cluster {
    /// Serve `route.openshift.io/v1` (the controller then processes Routes, not Ingresses).
    #[serde(default, skip_serializing_if = "super::skip::is_false")]
    pub openshift: bool,
    /// The AKO CRDs installed at start (default `current`).
    #[serde(default, skip_serializing_if = "super::skip::is_default")]
    pub crds: CrdSet,
    /// Kubernetes version reported by `/version`, e.g. "1.31" (default: the simulator's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kubernetes_version: Option<String>,
    /// Avi controller version reported by `/api/initial-data`, e.g. "22.1.3".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avi_version: Option<String>,
}

/// A set of `ako.vmware.com` CRD manifests (HostRule, HTTPRule, AviInfraSetting, ...).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CrdSet {
    /// This release's CRDs: v1alpha1 and v1beta1 served, v1beta1 stored.
    #[default]
    Current,
    /// The CRDs of a release before the v1beta1 move: only v1alpha1 served and stored.
    V1alpha1Only,
    /// No AKO CRDs at all.
    None,
}
