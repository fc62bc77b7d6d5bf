//! The `ako.vmware.com` custom resources (AviInfraSetting, HostRule, HTTPRule, L4Rule) and
//! OpenShift Routes: typed Rust structs per kind and version, the CRD manifests generated from
//! them, and the v1alpha1 ↔ v1beta1 conversion kube-sim applies on read and write.
//!
//! Manifests are checked in under `k8s-fixtures/crds/`; the test `crds_manifests` keeps them
//! equal to these types (`UPDATE_CRDS=1 cargo test -p k8s-fixtures --test crds_manifests`).

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::CustomResourceExt;
use kube::core::crd::merge_crds;

pub mod aviinfrasetting;
pub mod common;
pub mod convert;
pub mod hostrule;
pub mod httprule;
pub mod l4rule;
pub mod manifest;
pub mod route;

/// The version every multi-version AKO CRD stores.
pub const STORAGE_VERSION: &str = "v1beta1";

/// The CRDs of the current AKO: AviInfraSetting, HostRule and HTTPRule serving v1alpha1 and
/// v1beta1 (storage), and L4Rule at v1alpha2. Routes are not included (see [`route_crd`]).
pub fn all_crds() -> Vec<CustomResourceDefinition> {
    vec![
        merged(vec![
            aviinfrasetting::v1alpha1::AviInfraSetting::crd(),
            aviinfrasetting::v1beta1::AviInfraSetting::crd(),
        ]),
        merged(vec![
            hostrule::v1alpha1::HostRule::crd(),
            hostrule::v1beta1::HostRule::crd(),
        ]),
        merged(vec![
            httprule::v1alpha1::HTTPRule::crd(),
            httprule::v1beta1::HTTPRule::crd(),
        ]),
        l4rule::v1alpha2::L4Rule::crd(),
    ]
}

/// The CRDs of an older AKO that knew only v1alpha1 (stored at v1alpha1, no L4Rule); upgrade
/// tests install these first and then replace them with [`all_crds`].
pub fn v1alpha1_only_crds() -> Vec<CustomResourceDefinition> {
    vec![
        aviinfrasetting::v1alpha1::AviInfraSetting::crd(),
        hostrule::v1alpha1::HostRule::crd(),
        httprule::v1alpha1::HTTPRule::crd(),
    ]
}

/// The `route.openshift.io/v1` Route CRD. Kept apart from [`all_crds`] because AKO takes a
/// cluster that serves Routes for OpenShift and then ignores Ingresses.
pub fn route_crd() -> CustomResourceDefinition {
    route::v1::Route::crd()
}

/// One CRD holding every version of a kind, v1beta1 the storage version.
fn merged(versions: Vec<CustomResourceDefinition>) -> CustomResourceDefinition {
    // The inputs are our own single-version CRDs of one kind; a failure is a bug in this
    // module, which `tests/crds_manifests.rs` would show at once.
    merge_crds(versions, STORAGE_VERSION).expect("AKO CRD versions of one kind merge")
}
