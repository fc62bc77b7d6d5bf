//! [`load_yaml`]: multi-document YAML (as `kubectl apply -f` takes it) into typed fixtures.

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::{ConfigMap, Endpoints, Namespace, Node, Pod, Secret, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::networking::v1::{Ingress, IngressClass};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::DynamicObject;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::crds::{aviinfrasetting, hostrule, httprule, l4rule, route};

/// One object read from YAML: typed when its `apiVersion` + `kind` is one the fixtures know
/// (AKO CRDs at the version AKO reads: v1beta1, L4Rule v1alpha2), else a [`DynamicObject`].
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum Fixture {
    Namespace(Namespace),
    Node(Node),
    Service(Service),
    Endpoints(Endpoints),
    EndpointSlice(EndpointSlice),
    Pod(Pod),
    Secret(Secret),
    ConfigMap(ConfigMap),
    Ingress(Ingress),
    IngressClass(IngressClass),
    StatefulSet(StatefulSet),
    Lease(Lease),
    Route(route::v1::Route),
    CustomResourceDefinition(Box<CustomResourceDefinition>),
    AviInfraSetting(aviinfrasetting::v1beta1::AviInfraSetting),
    HostRule(hostrule::v1beta1::HostRule),
    HTTPRule(httprule::v1beta1::HTTPRule),
    L4Rule(l4rule::v1alpha2::L4Rule),
    /// Any other kind or version (v1alpha1 AKO objects included).
    Other(DynamicObject),
}

impl Fixture {
    /// The object as JSON, `apiVersion` and `kind` included.
    pub fn to_value(&self) -> Result<Value, serde_json::Error> {
        serde_json::to_value(self)
    }
}

/// Why YAML could not be loaded; documents are counted from 1.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("YAML document {document}: {source}")]
    Yaml {
        document: usize,
        source: serde_yaml::Error,
    },
    #[error("YAML document {document}: apiVersion and kind are required")]
    MissingTypeMeta { document: usize },
    #[error("YAML document {document}: {key}: {source}")]
    Object {
        document: usize,
        key: String,
        source: serde_json::Error,
    },
}

/// Reads every object of a multi-document YAML text; empty documents are skipped and `v1`
/// `List` objects are expanded into their items.
pub fn load_yaml(text: &str) -> Result<Vec<Fixture>, LoadError> {
    let mut out = Vec::new();
    for (i, doc) in serde_yaml::Deserializer::from_str(text).enumerate() {
        let document = i + 1;
        let value =
            Value::deserialize(doc).map_err(|source| LoadError::Yaml { document, source })?;
        if value.is_null() {
            continue;
        }
        if value["kind"] == "List" {
            for item in value["items"].as_array().into_iter().flatten() {
                out.push(typed(document, item.clone())?);
            }
        } else {
            out.push(typed(document, value)?);
        }
    }
    Ok(out)
}

fn typed(document: usize, value: Value) -> Result<Fixture, LoadError> {
    let (Some(api_version), Some(kind)) = (value["apiVersion"].as_str(), value["kind"].as_str())
    else {
        return Err(LoadError::MissingTypeMeta { document });
    };
    let key = format!(
        "{kind}/{}",
        [&value["metadata"]["namespace"], &value["metadata"]["name"]]
            .iter()
            .filter_map(|v| v.as_str())
            .collect::<Vec<_>>()
            .join("/")
    );
    let (api_version, kind) = (api_version.to_string(), kind.to_string());
    let parse = |v: Value| -> Result<Fixture, serde_json::Error> {
        use serde_json::from_value as f;
        Ok(match (api_version.as_str(), kind.as_str()) {
            ("v1", "Namespace") => Fixture::Namespace(f(v)?),
            ("v1", "Node") => Fixture::Node(f(v)?),
            ("v1", "Service") => Fixture::Service(f(v)?),
            ("v1", "Endpoints") => Fixture::Endpoints(f(v)?),
            ("discovery.k8s.io/v1", "EndpointSlice") => Fixture::EndpointSlice(f(v)?),
            ("v1", "Pod") => Fixture::Pod(f(v)?),
            ("v1", "Secret") => Fixture::Secret(f(v)?),
            ("v1", "ConfigMap") => Fixture::ConfigMap(f(v)?),
            ("networking.k8s.io/v1", "Ingress") => Fixture::Ingress(f(v)?),
            ("networking.k8s.io/v1", "IngressClass") => Fixture::IngressClass(f(v)?),
            ("apps/v1", "StatefulSet") => Fixture::StatefulSet(f(v)?),
            ("coordination.k8s.io/v1", "Lease") => Fixture::Lease(f(v)?),
            ("route.openshift.io/v1", "Route") => Fixture::Route(f(v)?),
            ("apiextensions.k8s.io/v1", "CustomResourceDefinition") => {
                Fixture::CustomResourceDefinition(Box::new(f(v)?))
            }
            ("ako.vmware.com/v1beta1", "AviInfraSetting") => Fixture::AviInfraSetting(f(v)?),
            ("ako.vmware.com/v1beta1", "HostRule") => Fixture::HostRule(f(v)?),
            ("ako.vmware.com/v1beta1", "HTTPRule") => Fixture::HTTPRule(f(v)?),
            ("ako.vmware.com/v1alpha2", "L4Rule") => Fixture::L4Rule(f(v)?),
            _ => Fixture::Other(f(v)?),
        })
    };
    parse(value).map_err(|source| LoadError::Object {
        document,
        key,
        source,
    })
}
