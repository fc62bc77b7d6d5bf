//! OpenAPI documents, as far as kubectl needs them: the v3 root index, one v3 document per
//! group/version (paths whose PATCH advertises `fieldValidation`, so kubectl validates on
//! the server; CRD schemas under `components`, so `kubectl explain` works), and a JSON v2
//! document with the CRD definitions. Built-in kinds have no schemas here: their PATCH
//! operations do not offer strategic merge, so kubectl apply computes strategic patches
//! from its compiled-in types, exactly as with an old server.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use serde_json::{Map, Value, json};

use super::resources::{Registry, ResourceInfo};

const OBJECT_META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

fn gv_path(group: &str, version: &str) -> String {
    if group.is_empty() {
        format!("api/{version}")
    } else {
        format!("apis/{group}/{version}")
    }
}

fn schema_name(info: &ResourceInfo, version: &str) -> String {
    let group: Vec<&str> = info.gr.group.split('.').rev().collect();
    let prefix = if info.gr.group.is_empty() {
        "io.k8s.api.core".to_string()
    } else {
        group.join(".")
    };
    format!("{prefix}.{version}.{}", info.kind)
}

fn gvk(info: &ResourceInfo, version: &str) -> Value {
    json!({"group": info.gr.group, "version": version, "kind": info.kind})
}

fn object_meta() -> Value {
    let s = json!({"type": "string"});
    json!({
        "description": "ObjectMeta is metadata that all persisted resources must have.",
        "type": "object",
        "properties": {
            "name": s, "namespace": s, "generateName": s, "uid": s, "resourceVersion": s,
            "generation": {"type": "integer", "format": "int64"}, "creationTimestamp": s, "deletionTimestamp": s,
            "labels": {"type": "object", "additionalProperties": s},
            "annotations": {"type": "object", "additionalProperties": s},
            "finalizers": {"type": "array", "items": s},
        },
    })
}

fn operation(info: &ResourceInfo, version: &str, action: &str, body_types: &[&str]) -> Value {
    let mut op = json!({
        "operationId": format!("{action}{}", info.kind),
        "parameters": [
            {"name": "dryRun", "in": "query", "schema": {"type": "string", "uniqueItems": true}},
            {"name": "fieldManager", "in": "query", "schema": {"type": "string", "uniqueItems": true}},
            {"name": "fieldValidation", "in": "query", "schema": {"type": "string", "uniqueItems": true}},
        ],
        "responses": {"200": {"description": "OK"}},
        "x-kubernetes-action": action,
        "x-kubernetes-group-version-kind": gvk(info, version),
    });
    if !body_types.is_empty() {
        let content: Map<String, Value> = body_types
            .iter()
            .map(|t| (t.to_string(), json!({"schema": {"type": "object"}})))
            .collect();
        op["requestBody"] = json!({"content": content, "required": true});
    }
    op
}

fn paths_for(info: &ResourceInfo, version: &str, paths: &mut Map<String, Value>) {
    let base = format!("/{}", gv_path(&info.gr.group, version));
    let coll = if info.namespaced {
        format!("{base}/namespaces/{{namespace}}/{}", info.gr.resource)
    } else {
        format!("{base}/{}", info.gr.resource)
    };
    let patch_types = [
        "application/json-patch+json",
        "application/merge-patch+json",
        "application/apply-patch+yaml",
    ];
    paths.insert(
        coll.clone(),
        json!({
            "get": operation(info, version, "list", &[]),
            "post": operation(info, version, "post", &["application/json"]),
        }),
    );
    let item = json!({
        "get": operation(info, version, "get", &[]),
        "put": operation(info, version, "put", &["application/json"]),
        "patch": operation(info, version, "patch", &patch_types),
        "delete": operation(info, version, "delete", &[]),
    });
    paths.insert(format!("{coll}/{{name}}"), item.clone());
    if info.version(version).is_some_and(|v| v.status_subresource) {
        paths.insert(format!("{coll}/{{name}}/status"), item);
    }
}

/// A CRD version's schema with the Kubernetes extensions kubectl looks for.
fn crd_schema(info: &ResourceInfo, version: &str, meta_ref: &str) -> Option<Value> {
    let mut s = info.version(version)?.schema.clone()?;
    s["x-kubernetes-group-version-kind"] = json!([gvk(info, version)]);
    if let Some(props) = s.get_mut("properties").and_then(Value::as_object_mut) {
        props.insert(
            "metadata".into(),
            json!({"allOf": [{"$ref": meta_ref}], "description": "Standard object's metadata."}),
        );
    }
    Some(s)
}

fn v3_doc(reg: &Registry, group: &str, version: &str) -> Option<Value> {
    let infos = reg.resources_at(group, version);
    if infos.is_empty() {
        return None;
    }
    let mut paths = Map::new();
    let mut schemas = Map::new();
    schemas.insert(OBJECT_META.into(), object_meta());
    let meta_ref = format!("#/components/schemas/{OBJECT_META}");
    for info in &infos {
        paths_for(info, version, &mut paths);
        if let Some(s) = crd_schema(info, version, &meta_ref) {
            schemas.insert(schema_name(info, version), s);
        }
    }
    Some(json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": "v1.32.0-kube-sim"},
        "paths": paths,
        "components": {"schemas": schemas},
    }))
}

fn hash(v: &Value) -> String {
    let mut h = DefaultHasher::new();
    v.to_string().hash(&mut h);
    format!("{:016X}", h.finish())
}

/// `/openapi/v3`: one entry per served group/version, with a content hash.
pub fn v3_root(reg: &Registry) -> Value {
    let mut paths = Map::new();
    for (group, versions) in reg.groups() {
        for v in versions {
            if let Some(doc) = v3_doc(reg, &group, &v) {
                let p = gv_path(&group, &v);
                paths.insert(
                    p.clone(),
                    json!({"serverRelativeURL": format!("/openapi/v3/{p}?hash={}", hash(&doc))}),
                );
            }
        }
    }
    json!({"paths": paths})
}

/// `/openapi/v3/api/v1` or `/openapi/v3/apis/<group>/<version>`.
pub fn v3_group(reg: &Registry, path: &str) -> Option<Value> {
    let segs: Vec<&str> = path.split('/').collect();
    match segs.as_slice() {
        ["api", v] => v3_doc(reg, "", v),
        ["apis", g, v] => v3_doc(reg, g, v),
        _ => None,
    }
}

/// `/openapi/v2` as JSON: CRD definitions only.
pub fn v2(reg: &Registry) -> Value {
    let mut defs = Map::new();
    defs.insert(OBJECT_META.into(), object_meta());
    let meta_ref = format!("#/definitions/{OBJECT_META}");
    for info in reg.all() {
        for v in info.versions.iter().filter(|v| v.served) {
            if let Some(s) = crd_schema(info, &v.name, &meta_ref) {
                defs.insert(schema_name(info, &v.name), s);
            }
        }
    }
    json!({"swagger": "2.0", "info": {"title": "Kubernetes", "version": "v1.32.0-kube-sim"}, "paths": {}, "definitions": defs})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v3_index_and_patch_paths() {
        let reg = Registry::builtin(false);
        let root = v3_root(&reg);
        assert!(
            root["paths"]["api/v1"]["serverRelativeURL"]
                .as_str()
                .unwrap()
                .starts_with("/openapi/v3/api/v1?hash=")
        );
        let doc = v3_group(&reg, "apis/networking.k8s.io/v1").unwrap();
        let patch = &doc["paths"]["/apis/networking.k8s.io/v1/namespaces/{namespace}/ingresses/{name}"]
            ["patch"];
        assert_eq!(patch["x-kubernetes-group-version-kind"]["kind"], "Ingress");
        assert!(
            patch["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["name"] == "fieldValidation")
        );
        assert!(v3_group(&reg, "apis/nope/v1").is_none());
    }
}
