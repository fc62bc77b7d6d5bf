//! The checked-in manifests under `k8s-fixtures/crds/` equal what the types generate.
//! Regenerate with `UPDATE_CRDS=1 cargo test -p k8s-fixtures --test crds_manifests`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use k8s_fixtures::crds::manifest;

fn crds_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("crds")
}

/// Every `*.yaml` file under `dir`, relative to it.
fn yaml_files(dir: &Path, prefix: &str, out: &mut BTreeSet<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.map(Result::unwrap) {
        let name = entry.file_name().to_string_lossy().to_string();
        if entry.file_type().unwrap().is_dir() {
            yaml_files(&entry.path(), &format!("{prefix}{name}/"), out);
        } else if name.ends_with(".yaml") {
            out.insert(format!("{prefix}{name}"));
        }
    }
}

#[test]
fn checked_in_manifests_match_the_types() {
    let update = std::env::var_os("UPDATE_CRDS").is_some();
    let dir = crds_dir();
    let mut stale = Vec::new();
    let mut expected = BTreeSet::new();
    for (rel, crd) in manifest::files() {
        let text = manifest::to_yaml(&crd).unwrap();
        let path = dir.join(&rel);
        expected.insert(rel.clone());
        if update {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &text).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            stale.push(rel);
        }
    }
    let mut present = BTreeSet::new();
    yaml_files(&dir, "", &mut present);
    let extra: Vec<_> = present.difference(&expected).collect();
    assert!(
        stale.is_empty() && extra.is_empty(),
        "CRD manifests out of date: differing or missing {stale:?}, not generated {extra:?}.\n\
         Regenerate with: UPDATE_CRDS=1 cargo test -p k8s-fixtures --test crds_manifests\n\
         (and delete the files that are not generated any more)"
    );
}

#[test]
fn manifests_parse_back_to_the_same_crds() {
    for (rel, crd) in manifest::files() {
        let text = manifest::to_yaml(&crd).unwrap();
        let parsed: k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition =
            serde_yaml::from_str(&text).unwrap();
        assert_eq!(parsed, crd, "{rel}");
    }
}
