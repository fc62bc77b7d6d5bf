//! v1alpha1 ↔ v1beta1 conversion of the `ako.vmware.com` objects at the JSON level, the way a
//! conversion webhook does it, so kube-sim can store at v1beta1 and serve at either version.
//!
//! v1beta1 has a few fields v1alpha1 lacks (spec §10.1). Going down to v1alpha1 they are moved
//! into the annotation [`PRESERVED_ANNOTATION`] (a JSON document holding only those fields);
//! going up again they are put back, so alpha → beta → alpha and beta → alpha → beta are
//! lossless. A field is only put back under a parent that still exists, and never over a value
//! the object already carries.

use serde_json::{Map, Value};

/// Annotation that carries the v1beta1-only fields while an object is seen as v1alpha1.
pub const PRESERVED_ANNOTATION: &str = "conversion.ako.vmware.com/v1beta1-fields";

const GROUP: &str = "ako.vmware.com";
const V1ALPHA1: &str = "ako.vmware.com/v1alpha1";
const V1BETA1: &str = "ako.vmware.com/v1beta1";

/// Why an object could not be converted; every message names the object.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConversionError {
    /// The input is not a JSON object.
    #[error("{key}: a Kubernetes object must be a JSON object")]
    NotAnObject { key: String },
    /// The kind or one of the two versions is not one this module converts.
    #[error("{key}: no conversion from {from} to {to} for kind {kind}")]
    Unsupported {
        key: String,
        kind: String,
        from: String,
        to: String,
    },
    /// The preserved-fields annotation exists but is not a JSON object.
    #[error("{key}: annotation {PRESERVED_ANNOTATION} is not a JSON object: {reason}")]
    BadAnnotation { key: String, reason: String },
}

/// One step of a path into an object: a map key, or every element of an array.
#[derive(Clone, Copy)]
enum Seg {
    Key(&'static str),
    Each,
}

use Seg::{Each, Key};

const HOSTRULE_BETA_ONLY: &[&[Seg]] = &[
    &[Key("spec"), Key("virtualhost"), Key("applicationRootPath")],
    &[Key("spec"), Key("virtualhost"), Key("l7Rule")],
    &[
        Key("spec"),
        Key("virtualhost"),
        Key("networkSecurityPolicy"),
    ],
    &[Key("spec"), Key("virtualhost"), Key("useRegex")],
    &[
        Key("spec"),
        Key("virtualhost"),
        Key("analyticsPolicy"),
        Key("fullClientLogs"),
        Key("duration"),
    ],
];

const HTTPRULE_BETA_ONLY: &[&[Seg]] = &[&[Key("spec"), Key("paths"), Each, Key("enableHTTP2")]];

/// The fields present in v1beta1 but not in v1alpha1, per kind; `None` for kinds not converted.
fn beta_only_fields(kind: &str) -> Option<&'static [&'static [Seg]]> {
    match kind {
        "HostRule" => Some(HOSTRULE_BETA_ONLY),
        "HTTPRule" => Some(HTTPRULE_BETA_ONLY),
        "AviInfraSetting" => Some(&[]),
        _ => None,
    }
}

/// Converts `obj` to `to_api_version` (`ako.vmware.com/v1alpha1` or `ako.vmware.com/v1beta1`).
///
/// An object already at that version is returned unchanged, whatever its kind.
pub fn convert(obj: &Value, to_api_version: &str) -> Result<Value, ConversionError> {
    let key = object_key(obj);
    let Some(map) = obj.as_object() else {
        return Err(ConversionError::NotAnObject { key });
    };
    let from = map.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    if from == to_api_version {
        return Ok(obj.clone());
    }
    let kind = map.get("kind").and_then(Value::as_str).unwrap_or("");
    let unsupported = || ConversionError::Unsupported {
        key: key.clone(),
        kind: kind.to_string(),
        from: from.to_string(),
        to: to_api_version.to_string(),
    };
    let fields = beta_only_fields(kind).ok_or_else(unsupported)?;
    let mut out = obj.clone();
    match (from, to_api_version) {
        (V1BETA1, V1ALPHA1) => down(&mut out, fields),
        (V1ALPHA1, V1BETA1) => up(&mut out, fields, &key)?,
        _ => return Err(unsupported()),
    }
    out["apiVersion"] = Value::String(to_api_version.to_string());
    Ok(out)
}

/// `true` when `api_version` is a version of the AKO group that [`convert`] handles.
pub fn is_convertible(api_version: &str) -> bool {
    api_version == V1ALPHA1 || api_version == V1BETA1
}

/// The `Kind/namespace/name` key used in error messages.
fn object_key(obj: &Value) -> String {
    let s = |v: &Value| v.as_str().unwrap_or("").to_string();
    let kind = s(&obj["kind"]);
    let ns = s(&obj["metadata"]["namespace"]);
    let name = s(&obj["metadata"]["name"]);
    match (kind.is_empty(), ns.is_empty()) {
        (true, _) => format!("{GROUP} object {name:?}"),
        (false, true) => format!("{kind}/{name}"),
        (false, false) => format!("{kind}/{ns}/{name}"),
    }
}

/// v1beta1 → v1alpha1: move the beta-only fields into the annotation.
fn down(obj: &mut Value, fields: &[&[Seg]]) {
    let mut saved = Value::Null;
    for path in fields {
        if let Some(taken) = take(obj, path) {
            merge_sparse(&mut saved, taken);
        }
    }
    // A stale annotation from an earlier trip must not survive next to the new one.
    remove_annotation(obj);
    if !saved.is_null() {
        let meta = obj.as_object_mut().map(|m| {
            m.entry("metadata")
                .or_insert_with(|| Value::Object(Map::new()))
        });
        if let Some(Value::Object(meta)) = meta {
            let annotations = meta
                .entry("annotations")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(annotations) = annotations {
                annotations.insert(
                    PRESERVED_ANNOTATION.to_string(),
                    Value::String(saved.to_string()),
                );
            }
        }
    }
}

/// v1alpha1 → v1beta1: put the preserved fields back and drop the annotation.
fn up(obj: &mut Value, fields: &[&[Seg]], key: &str) -> Result<(), ConversionError> {
    let Some(text) = obj["metadata"]["annotations"][PRESERVED_ANNOTATION].as_str() else {
        return Ok(());
    };
    let saved: Value = serde_json::from_str(text).map_err(|e| ConversionError::BadAnnotation {
        key: key.to_string(),
        reason: e.to_string(),
    })?;
    if !saved.is_object() {
        return Err(ConversionError::BadAnnotation {
            key: key.to_string(),
            reason: "not an object".to_string(),
        });
    }
    remove_annotation(obj);
    for path in fields {
        restore(obj, &saved, path);
    }
    Ok(())
}

/// Removes [`PRESERVED_ANNOTATION`], and the annotations map if that leaves it empty.
fn remove_annotation(obj: &mut Value) {
    let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) else {
        return;
    };
    let Some(Value::Object(annotations)) = meta.get_mut("annotations") else {
        return;
    };
    if annotations.remove(PRESERVED_ANNOTATION).is_some() && annotations.is_empty() {
        meta.remove("annotations");
    }
}

/// Removes the value at `path` from `value`; returns it wrapped in its parents (a sparse copy,
/// arrays keep their indices with `null` where nothing was taken).
fn take(value: &mut Value, path: &[Seg]) -> Option<Value> {
    let (first, rest) = path.split_first()?;
    match (first, value) {
        (Key(k), Value::Object(map)) => {
            let taken = if rest.is_empty() {
                map.remove(*k)?
            } else {
                take(map.get_mut(*k)?, rest)?
            };
            let mut out = Map::new();
            out.insert((*k).to_string(), taken);
            Some(Value::Object(out))
        }
        (Each, Value::Array(items)) => {
            let taken: Vec<Value> = items
                .iter_mut()
                .map(|item| take(item, rest).unwrap_or(Value::Null))
                .collect();
            taken
                .iter()
                .any(|v| !v.is_null())
                .then_some(Value::Array(taken))
        }
        _ => None,
    }
}

/// Merges two sparse copies made by [`take`].
fn merge_sparse(into: &mut Value, from: Value) {
    match (into, from) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                merge_sparse(a.entry(k).or_insert(Value::Null), v);
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            a.resize(a.len().max(b.len()), Value::Null);
            for (slot, v) in a.iter_mut().zip(b) {
                merge_sparse(slot, v);
            }
        }
        (into, from) if !from.is_null() => *into = from,
        _ => {}
    }
}

/// Puts the value at `path` in `saved` back into `value`, only under parents that exist and
/// only where `value` has nothing there yet.
fn restore(value: &mut Value, saved: &Value, path: &[Seg]) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    match (first, value, saved) {
        (Key(k), Value::Object(map), Value::Object(saved)) => {
            let Some(saved_child) = saved.get(*k) else {
                return;
            };
            if rest.is_empty() {
                if !map.contains_key(*k) {
                    map.insert((*k).to_string(), saved_child.clone());
                }
            } else if let Some(child) = map.get_mut(*k) {
                restore(child, saved_child, rest);
            }
        }
        (Each, Value::Array(items), Value::Array(saved)) => {
            for (item, saved_item) in items.iter_mut().zip(saved) {
                restore(item, saved_item, rest);
            }
        }
        _ => {}
    }
}
