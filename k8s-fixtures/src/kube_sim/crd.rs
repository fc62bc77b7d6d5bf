//! CustomResourceDefinitions: checking a CRD on write, filling its status (Established,
//! NamesAccepted, storedVersions), and turning it into the `ResourceInfo` the registry serves.

use serde_json::{Value, json};

use super::error::{ApiError, FieldError};
use super::meta::{name_of, now_rfc3339};
use super::resources::{GroupResource, ResourceInfo, VersionInfo};

const GROUP: &str = "apiextensions.k8s.io";

pub fn is_crd_definition(gr: &GroupResource) -> bool {
    gr.group == GROUP && gr.resource == "customresourcedefinitions"
}

fn is_crd_object(obj: &Value) -> bool {
    obj.get("kind").and_then(Value::as_str) == Some("CustomResourceDefinition")
        && obj.get("apiVersion").and_then(Value::as_str) == Some("apiextensions.k8s.io/v1")
}

fn str_at<'a>(obj: &'a Value, ptr: &str) -> &'a str {
    obj.pointer(ptr).and_then(Value::as_str).unwrap_or("")
}

/// The resource a CRD object defines.
pub fn defined_resource(obj: &Value) -> Option<GroupResource> {
    if !is_crd_object(obj) {
        return None;
    }
    let (group, plural) = (
        str_at(obj, "/spec/group"),
        str_at(obj, "/spec/names/plural"),
    );
    (!group.is_empty() && !plural.is_empty()).then(|| GroupResource::new(group, plural))
}

/// Checks a CRD and fills defaults and status, like the apiextensions registry does.
pub fn prepare_definition(obj: &mut Value) -> Result<(), ApiError> {
    let mut errs = Vec::new();
    let group = str_at(obj, "/spec/group").to_string();
    let plural = str_at(obj, "/spec/names/plural").to_string();
    let kind = str_at(obj, "/spec/names/kind").to_string();
    for (field, v) in [
        ("spec.group", &group),
        ("spec.names.plural", &plural),
        ("spec.names.kind", &kind),
    ] {
        if v.is_empty() {
            errs.push(FieldError::new(
                "FieldValueRequired",
                field,
                "Required value",
            ));
        }
    }
    let scope = str_at(obj, "/spec/scope");
    if scope != "Namespaced" && scope != "Cluster" {
        errs.push(FieldError::new(
            "FieldValueNotSupported",
            "spec.scope",
            format!(
                "Unsupported value: \"{scope}\": supported values: \"Cluster\", \"Namespaced\""
            ),
        ));
    }
    let versions = obj
        .pointer("/spec/versions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if versions.is_empty() {
        errs.push(FieldError::new(
            "FieldValueRequired",
            "spec.versions",
            "Required value",
        ));
    }
    let storage: Vec<&str> = versions
        .iter()
        .filter(|v| v["storage"] == true)
        .filter_map(|v| v["name"].as_str())
        .collect();
    if !versions.is_empty() && storage.len() != 1 {
        errs.push(FieldError::new(
            "FieldValueInvalid",
            "spec.versions",
            "Invalid value: must have exactly one version marked as storage version",
        ));
    }
    let name = name_of(obj).to_string();
    if !plural.is_empty() && !group.is_empty() && name != format!("{plural}.{group}") {
        errs.push(FieldError::new(
            "FieldValueInvalid",
            "metadata.name",
            format!("Invalid value: \"{name}\": must be spec.names.plural+\".\"+spec.group"),
        ));
    }
    if !errs.is_empty() {
        return Err(ApiError::invalid(
            "CustomResourceDefinition",
            GROUP,
            &name,
            &errs,
        ));
    }
    let names = &mut obj["spec"]["names"];
    if names.get("singular").is_none() {
        names["singular"] = json!(kind.to_lowercase());
    }
    if names.get("listKind").is_none() {
        names["listKind"] = json!(format!("{kind}List"));
    }
    let accepted = names.clone();
    let mut stored: Vec<Value> = obj
        .pointer("/status/storedVersions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if let Some(s) = storage.first()
        && !stored.iter().any(|v| v == s)
    {
        stored.push(json!(s));
    }
    let now = now_rfc3339();
    let cond = |t: &str, reason: &str, msg: &str| json!({"type": t, "status": "True", "lastTransitionTime": now, "reason": reason, "message": msg});
    obj["status"] = json!({
        "acceptedNames": accepted,
        "conditions": [
            cond("NamesAccepted", "NoConflicts", "no conflicts found"),
            cond("Established", "InitialNamesAccepted", "the initial names have been accepted"),
        ],
        "storedVersions": stored,
    });
    Ok(())
}

/// What the registry serves for a stored CRD object.
pub fn resource_info(obj: &Value) -> Option<ResourceInfo> {
    let gr = defined_resource(obj)?;
    let names = obj.pointer("/spec/names")?;
    let kind = names.get("kind")?.as_str()?.to_string();
    let strings = |k: &str| -> Vec<String> {
        names
            .get(k)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    let versions = obj
        .pointer("/spec/versions")?
        .as_array()?
        .iter()
        .map(|v| VersionInfo {
            name: v["name"].as_str().unwrap_or("").to_string(),
            served: v["served"] == true,
            storage: v["storage"] == true,
            status_subresource: v.pointer("/subresources/status").is_some(),
            schema: v.pointer("/schema/openAPIV3Schema").cloned(),
            printer_columns: v
                .get("additionalPrinterColumns")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
        })
        .collect();
    let selectable = obj
        .pointer("/spec/versions/0/selectableFields")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|f| f["jsonPath"].as_str())
                .map(|p| p.trim_start_matches('.').to_string())
                .collect()
        })
        .unwrap_or_default();
    Some(ResourceInfo {
        singular: names
            .get("singular")
            .and_then(Value::as_str)
            .map_or_else(|| kind.to_lowercase(), String::from),
        list_kind: names
            .get("listKind")
            .and_then(Value::as_str)
            .map_or_else(|| format!("{kind}List"), String::from),
        namespaced: str_at(obj, "/spec/scope") == "Namespaced",
        short_names: strings("shortNames"),
        categories: strings("categories"),
        versions,
        keep_status_on_create: false,
        selectable_fields: selectable,
        is_crd: true,
        kind,
        gr,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crd() -> Value {
        json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "hostrules.ako.vmware.com"},
        "spec": {"group": "ako.vmware.com", "scope": "Namespaced", "names": {"plural": "hostrules", "kind": "HostRule", "shortNames": ["hr"]},
            "versions": [
                {"name": "v1alpha1", "served": true, "storage": false},
                {"name": "v1beta1", "served": true, "storage": true, "subresources": {"status": {}}},
            ]}})
    }

    #[test]
    fn definition_gets_status_and_info() {
        let mut c = crd();
        prepare_definition(&mut c).unwrap();
        assert_eq!(c["status"]["storedVersions"], json!(["v1beta1"]));
        assert_eq!(c["status"]["conditions"][1]["type"], "Established");
        let info = resource_info(&c).unwrap();
        assert_eq!(
            (info.kind.as_str(), info.singular.as_str(), info.namespaced),
            ("HostRule", "hostrule", true)
        );
        assert_eq!(info.storage_version(), "v1beta1");
        assert!(
            info.version("v1beta1").unwrap().status_subresource
                && !info.version("v1alpha1").unwrap().status_subresource
        );
    }

    #[test]
    fn bad_definitions_are_invalid() {
        let mut c = crd();
        c["metadata"]["name"] = json!("wrong");
        c["spec"]["versions"][0]["storage"] = json!(true);
        let e = prepare_definition(&mut c).unwrap_err();
        assert_eq!(e.code, 422);
        assert!(
            e.message.contains("spec.versions") && e.message.contains("metadata.name"),
            "{}",
            e.message
        );
    }
}
