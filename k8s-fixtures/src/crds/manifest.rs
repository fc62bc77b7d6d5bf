//! Rendering of the CRDs as the YAML files checked in under `k8s-fixtures/crds/`, and the list
//! of those files (path relative to that directory, CRD).

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;

/// First lines of every generated manifest.
pub const HEADER: &str = "# Generated from the types in k8s-fixtures/src/crds; do not edit.\n\
# Regenerate: UPDATE_CRDS=1 cargo test -p k8s-fixtures --test crds_manifests\n";

/// Sub-directory holding the CRDs of an AKO that knew only v1alpha1.
pub const V1ALPHA1_ONLY_DIR: &str = "v1alpha1-only";

/// Every generated manifest: `<crd name>.yaml` for [`super::all_crds`] and [`super::route_crd`],
/// and `v1alpha1-only/<crd name>.yaml` for [`super::v1alpha1_only_crds`].
pub fn files() -> Vec<(String, CustomResourceDefinition)> {
    let current = super::all_crds()
        .into_iter()
        .chain([super::route_crd()])
        .map(|crd| (file_name(&crd), crd));
    let old = super::v1alpha1_only_crds()
        .into_iter()
        .map(|crd| (format!("{V1ALPHA1_ONLY_DIR}/{}", file_name(&crd)), crd));
    current.chain(old).collect()
}

/// `<plural>.<group>.yaml`, the CRD's own name.
pub fn file_name(crd: &CustomResourceDefinition) -> String {
    format!("{}.yaml", crd.metadata.name.as_deref().unwrap_or_default())
}

/// The manifest text: [`HEADER`] then the CRD as YAML.
pub fn to_yaml(crd: &CustomResourceDefinition) -> Result<String, serde_yaml::Error> {
    Ok(format!("{HEADER}{}", serde_yaml::to_string(crd)?))
}
