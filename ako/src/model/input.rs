//! Multi-document YAML manifests → `ClusterState` (for `ako plan` and fixture
//! tests). Dispatches on apiVersion/kind; v1alpha1 AKO CRDs are converted to
//! v1beta1. A bad document is reported with its position and name and skipped;
//! the others still load.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_yaml::Value;

use super::state::{ClusterState, StateObject};
use crate::crd::{self, AviInfraSetting, HTTPRule, HostRule, Route};
use k8s_openapi::api::core::v1::{Namespace, Node, Pod, Secret, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::networking::v1::{Ingress, IngressClass};

/// A manifest document that could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("document {index}: not YAML: {source}")]
    Yaml {
        index: usize,
        source: serde_yaml::Error,
    },
    #[error("document {index} ({api_version} {kind} {name}): {source}")]
    Invalid {
        index: usize,
        api_version: String,
        kind: String,
        name: String,
        source: serde_yaml::Error,
    },
    #[error("document {index} ({api_version} {kind} {name}): kind not read by the model")]
    Unsupported {
        index: usize,
        api_version: String,
        kind: String,
        name: String,
    },
}

fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn apply<T: StateObject + DeserializeOwned>(
    state: &mut ClusterState,
    v: Value,
) -> Result<(), serde_yaml::Error> {
    state.apply(serde_yaml::from_value::<T>(v)?);
    Ok(())
}

fn apply_converted<Old, New>(state: &mut ClusterState, v: Value) -> Result<(), serde_yaml::Error>
where
    Old: DeserializeOwned + Into<New>,
    New: StateObject,
{
    state.apply(serde_yaml::from_value::<Old>(v)?.into());
    Ok(())
}

/// Loads every document of `yaml` (`kind: List` expands to its items) into `state`.
pub fn load(state: &mut ClusterState, yaml: &str) -> Vec<InputError> {
    let mut errors = Vec::new();
    let mut index = 0;
    for doc in serde_yaml::Deserializer::from_str(yaml) {
        index += 1;
        match Value::deserialize(doc) {
            Ok(Value::Null) => {}
            Ok(v) => load_value(state, index, v, &mut errors),
            Err(source) => errors.push(InputError::Yaml { index, source }),
        }
    }
    errors
}

fn load_value(state: &mut ClusterState, index: usize, v: Value, errors: &mut Vec<InputError>) {
    let api_version = text(&v, "apiVersion");
    let kind = text(&v, "kind");
    if kind == "List" {
        if let Some(Value::Sequence(items)) = v.get("items").cloned() {
            for item in items {
                load_value(state, index, item, errors);
            }
        }
        return;
    }
    let name = v
        .get("metadata")
        .map(|m| {
            let ns = text(m, "namespace");
            let name = text(m, "name");
            if ns.is_empty() {
                name
            } else {
                format!("{ns}/{name}")
            }
        })
        .unwrap_or_default();
    let result = match (api_version.as_str(), kind.as_str()) {
        ("v1", "Namespace") => apply::<Namespace>(state, v),
        ("v1", "Node") => apply::<Node>(state, v),
        ("v1", "Secret") => apply::<Secret>(state, v),
        ("v1", "Service") => apply::<Service>(state, v),
        ("v1", "Pod") => apply::<Pod>(state, v),
        ("discovery.k8s.io/v1", "EndpointSlice") => apply::<EndpointSlice>(state, v),
        ("networking.k8s.io/v1", "Ingress") => apply::<Ingress>(state, v),
        ("networking.k8s.io/v1", "IngressClass") => apply::<IngressClass>(state, v),
        ("route.openshift.io/v1", "Route") => apply::<Route>(state, v),
        ("ako.vmware.com/v1beta1", "AviInfraSetting") => apply::<AviInfraSetting>(state, v),
        ("ako.vmware.com/v1beta1", "HostRule") => apply::<HostRule>(state, v),
        ("ako.vmware.com/v1beta1", "HTTPRule") => apply::<HTTPRule>(state, v),
        ("ako.vmware.com/v1alpha1", "AviInfraSetting") => {
            apply_converted::<crd::infra::v1alpha1::AviInfraSetting, AviInfraSetting>(state, v)
        }
        ("ako.vmware.com/v1alpha1", "HostRule") => {
            apply_converted::<crd::hostrule::v1alpha1::HostRule, HostRule>(state, v)
        }
        ("ako.vmware.com/v1alpha1", "HTTPRule") => {
            apply_converted::<crd::httprule::v1alpha1::HTTPRule, HTTPRule>(state, v)
        }
        _ => {
            errors.push(InputError::Unsupported {
                index,
                api_version,
                kind,
                name,
            });
            return;
        }
    };
    if let Err(source) = result {
        errors.push(InputError::Invalid {
            index,
            api_version,
            kind,
            name,
            source,
        });
    }
}
