//! Built-in objects: decoding into their Go-equivalent types (k8s-openapi's), the step in
//! which a real API server rejects a wrongly typed field with `400 BadRequest` ("cannot be
//! handled as a Service"), and the few field validations AKO's inputs hit (`422 Invalid`):
//! Service port ranges and Ingress path types.

use serde::de::DeserializeOwned;
use serde_json::Value;

use k8s_openapi::api::{apps, coordination, core, discovery, events, networking};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;

use super::error::{ApiError, FieldError};
use super::resources::Resolved;

fn check<T: DeserializeOwned>(obj: &Value) -> Result<(), serde_json::Error> {
    T::deserialize(obj).map(|_| ())
}

/// Decodes an object as one built-in type.
type Decoder = fn(&Value) -> Result<(), serde_json::Error>;

fn decoder(group: &str, resource: &str) -> Option<Decoder> {
    Some(match (group, resource) {
        ("", "namespaces") => check::<core::v1::Namespace>,
        ("", "nodes") => check::<core::v1::Node>,
        ("", "services") => check::<core::v1::Service>,
        ("", "endpoints") => check::<core::v1::Endpoints>,
        ("", "pods") => check::<core::v1::Pod>,
        ("", "secrets") => check::<core::v1::Secret>,
        ("", "configmaps") => check::<core::v1::ConfigMap>,
        ("", "events") => check::<core::v1::Event>,
        ("", "serviceaccounts") => check::<core::v1::ServiceAccount>,
        ("networking.k8s.io", "ingresses") => check::<networking::v1::Ingress>,
        ("networking.k8s.io", "ingressclasses") => check::<networking::v1::IngressClass>,
        ("discovery.k8s.io", "endpointslices") => check::<discovery::v1::EndpointSlice>,
        ("coordination.k8s.io", "leases") => check::<coordination::v1::Lease>,
        ("apps", "statefulsets") => check::<apps::v1::StatefulSet>,
        ("apps", "deployments") => check::<apps::v1::Deployment>,
        ("apps", "daemonsets") => check::<apps::v1::DaemonSet>,
        ("apps", "replicasets") => check::<apps::v1::ReplicaSet>,
        ("events.k8s.io", "events") => check::<events::v1::Event>,
        ("apiextensions.k8s.io", "customresourcedefinitions") => check::<CustomResourceDefinition>,
        _ => return None,
    })
}

/// Checks that a built-in object decodes as its type.
pub fn check_builtin(res: &Resolved, obj: &Value) -> Result<(), ApiError> {
    let Some(decode) = decoder(&res.info.gr.group, &res.info.gr.resource) else {
        return Ok(());
    };
    let Err(e) = decode(obj) else { return Ok(()) };
    let kind = &res.info.kind;
    let v = &res.version;
    Err(ApiError::bad_request(format!(
        "{kind} in version \"{v}\" cannot be handled as a {kind}: {e}"
    )))
}

/// Field validations of built-ins (only those listed in the module comment).
pub fn validate_builtin(res: &Resolved, obj: &Value) -> Result<(), ApiError> {
    let mut errs = Vec::new();
    let items = |ptr: &str| {
        obj.pointer(ptr)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    match (res.info.gr.group.as_str(), res.info.gr.resource.as_str()) {
        ("", "services") => {
            for (i, p) in items("/spec/ports").iter().enumerate() {
                // An absent port decodes as 0 (invalid); an absent nodePort means "allocate".
                let port = p.get("port").and_then(Value::as_i64).unwrap_or(0);
                let node_port = p.get("nodePort").and_then(Value::as_i64).unwrap_or(0);
                for (field, n, lo) in [("port", port, 1), ("nodePort", node_port, 0)] {
                    if !(lo..=65535).contains(&n) {
                        let msg =
                            format!("Invalid value: {n}: must be between 1 and 65535, inclusive");
                        errs.push(FieldError::new(
                            "FieldValueInvalid",
                            format!("spec.ports[{i}].{field}"),
                            msg,
                        ));
                    }
                }
            }
        }
        ("networking.k8s.io", "ingresses") => {
            for (r, rule) in items("/spec/rules").iter().enumerate() {
                let paths = rule
                    .pointer("/http/paths")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                for (i, p) in paths.iter().enumerate() {
                    let field = format!("spec.rules[{r}].http.paths[{i}].pathType");
                    match p.get("pathType").and_then(Value::as_str) {
                        None => errs.push(FieldError::new("FieldValueRequired", field, "Required value: pathType must be specified")),
                        Some("Exact" | "Prefix" | "ImplementationSpecific") => {}
                        Some(other) => errs.push(FieldError::new(
                            "FieldValueNotSupported",
                            field,
                            format!("Unsupported value: \"{other}\": supported values: \"Exact\", \"ImplementationSpecific\", \"Prefix\""),
                        )),
                    }
                }
            }
        }
        _ => {}
    }
    if errs.is_empty() {
        return Ok(());
    }
    let name = obj
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    Err(ApiError::invalid(
        &res.info.kind,
        &res.info.gr.group,
        name,
        &errs,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kube_sim::resources::Registry;
    use serde_json::json;

    #[test]
    fn wrong_types_are_400_and_missing_fields_422() {
        let svc = Registry::builtin(false)
            .resolve("", "v1", "services")
            .unwrap();
        let ok = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a"}, "spec": {"ports": [{"port": 80}]}});
        assert!(check_builtin(&svc, &ok).is_ok());
        let wrong = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a"}, "spec": {"ports": [{"port": "http"}]}});
        let e = check_builtin(&svc, &wrong).unwrap_err();
        assert_eq!(e.code, 400);
        assert!(
            e.message
                .starts_with("Service in version \"v1\" cannot be handled as a Service: "),
            "{}",
            e.message
        );
        let zero = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a"}, "spec": {"ports": [{"name": "x"}]}});
        assert!(
            check_builtin(&svc, &zero).is_ok(),
            "absent fields decode as zero values, like Go"
        );
        let e = validate_builtin(&svc, &zero).unwrap_err();
        assert_eq!(
            e.message,
            "Service \"a\" is invalid: spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive"
        );
        let ing = Registry::builtin(false)
            .resolve("networking.k8s.io", "v1", "ingresses")
            .unwrap();
        let no_type = json!({"metadata": {"name": "i"}, "spec": {"rules": [{"http": {"paths": [{"path": "/"}]}}]}});
        let e = validate_builtin(&ing, &no_type).unwrap_err();
        assert!(
            e.message.ends_with(
                "spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified"
            ),
            "{}",
            e.message
        );
    }
}
