//! ako's CRD types against the independent copy in k8s-fixtures (its generated
//! manifests under `k8s-fixtures/crds/`): every field ako reads must exist, with
//! the same spelling, in the served schema of the same version. Catches
//! `enablePublicIp` vs `enablePublicIP` style mistakes on either side.

use std::collections::BTreeSet;

use ako::crd;
use kube::CustomResourceExt;
use serde_json::Value;

/// Every property path (`spec.network.vipNetworks[].networkName`) of a schema.
fn paths(schema: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (name, sub) in props {
            let path = if prefix.is_empty() {
                name.clone()
            } else {
                format!("{prefix}.{name}")
            };
            out.insert(path.clone());
            paths(sub, &path, out);
        }
    }
    if let Some(items) = schema.get("items") {
        paths(items, &format!("{prefix}[]"), out);
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        for sub in schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            paths(sub, prefix, out);
        }
    }
}

fn version_paths(crd: &Value, version: &str) -> BTreeSet<String> {
    let versions = crd["spec"]["versions"].as_array().expect("versions");
    let v = versions
        .iter()
        .find(|v| v["name"] == version)
        .unwrap_or_else(|| panic!("no version {version}"));
    let mut out = BTreeSet::new();
    paths(&v["schema"]["openAPIV3Schema"], "", &mut out);
    out
}

fn fixture_manifest(file: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../k8s-fixtures/crds")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_yaml::from_str(&text).unwrap()
}

/// Divergences already reported to the k8s-fixtures owner, with the spelling the
/// real API uses. Each must still be missing there (so a fix removes it here).
const KNOWN_FIXTURE_BUGS: &[(&str, &str)] = &[];

fn check(ours: Value, file: &str, version: &str) {
    let ours = version_paths(&ours, version);
    let theirs = version_paths(&fixture_manifest(file), version);
    let known = |p: &str| KNOWN_FIXTURE_BUGS.contains(&(file, p));
    for (f, p) in KNOWN_FIXTURE_BUGS.iter().filter(|(f, _)| *f == file) {
        assert!(
            !theirs.contains(*p),
            "{f}: {p} is fixed upstream; drop it from KNOWN_FIXTURE_BUGS"
        );
    }
    // `status` is written by the status writer, not read by the model.
    let missing: Vec<_> = ours
        .iter()
        .filter(|p| !p.starts_with("status") && !theirs.contains(*p) && !known(p))
        .collect();
    assert!(
        missing.is_empty(),
        "{file} {version}: fields ako reads that the served schema lacks: {missing:#?}"
    );
}

fn json<T: CustomResourceExt>() -> Value {
    serde_json::to_value(T::crd()).unwrap()
}

#[test]
fn ako_crd_fields_exist_in_the_served_schemas() {
    check(
        json::<crd::AviInfraSetting>(),
        "aviinfrasettings.ako.vmware.com.yaml",
        "v1beta1",
    );
    check(
        json::<crd::infra::v1alpha1::AviInfraSetting>(),
        "aviinfrasettings.ako.vmware.com.yaml",
        "v1alpha1",
    );
    check(
        json::<crd::HostRule>(),
        "hostrules.ako.vmware.com.yaml",
        "v1beta1",
    );
    check(
        json::<crd::hostrule::v1alpha1::HostRule>(),
        "hostrules.ako.vmware.com.yaml",
        "v1alpha1",
    );
    check(
        json::<crd::HTTPRule>(),
        "httprules.ako.vmware.com.yaml",
        "v1beta1",
    );
    check(
        json::<crd::httprule::v1alpha1::HTTPRule>(),
        "httprules.ako.vmware.com.yaml",
        "v1alpha1",
    );
    check(json::<crd::Route>(), "routes.route.openshift.io.yaml", "v1");
}
