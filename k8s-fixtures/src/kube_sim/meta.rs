//! Object metadata rules of a real API server: names and generateName, uid,
//! creationTimestamp, generation bumps, status handling for kinds with a status subresource,
//! resourceVersion preconditions. Pure functions over JSON.

use rand::Rng;
use serde_json::{Map, Value, json};

use super::error::{ApiError, FieldError};
use super::resources::Resolved;

pub fn now_rfc3339() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

pub fn name_of(obj: &Value) -> &str {
    obj.pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
}

pub fn rv_of(obj: &Value) -> Option<&str> {
    obj.pointer("/metadata/resourceVersion")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

pub fn meta_mut(obj: &mut Value) -> Option<&mut Map<String, Value>> {
    obj.get_mut("metadata").and_then(Value::as_object_mut)
}

fn is_subdomain(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|l| {
            !l.is_empty()
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
}

fn invalid(res: &Resolved, name: &str, err: FieldError) -> ApiError {
    ApiError::invalid(&res.info.kind, &res.info.gr.group, name, &[err])
}

/// Checks `apiVersion`/`kind` of a request body against the URL's resource.
pub fn check_type(res: &Resolved, obj: &Value) -> Result<(), ApiError> {
    if !obj.is_object() {
        return Err(ApiError::bad_request(
            "the object provided is unrecognized (must be a JSON object)",
        ));
    }
    let want = res.api_version();
    match obj.get("apiVersion").and_then(Value::as_str) {
        Some(v) if v != want => {
            return Err(ApiError::bad_request(format!(
                "the API version in the data ({v}) does not match the expected API version ({want})"
            )));
        }
        None => {
            return Err(ApiError::bad_request(format!(
                "Object 'apiVersion' is missing in '{obj}'"
            )));
        }
        _ => {}
    }
    match obj.get("kind").and_then(Value::as_str) {
        Some(k) if k == res.info.kind => Ok(()),
        Some(k) => Err(ApiError::bad_request(format!(
            "the kind in the data ({k}) does not match the expected kind ({})",
            res.info.kind
        ))),
        None => Err(ApiError::bad_request(format!(
            "Object 'Kind' is missing in '{obj}'"
        ))),
    }
}

fn random_suffix() -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut rng = rand::rng();
    (0..5)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Fills and checks metadata for a create at `ns`; returns the object ready to store.
pub fn prepare_create(res: &Resolved, ns: Option<&str>, mut obj: Value) -> Result<Value, ApiError> {
    check_type(res, &obj)?;
    if !obj.get("metadata").is_some_and(Value::is_object) {
        obj["metadata"] = json!({});
    }
    let meta =
        meta_mut(&mut obj).ok_or_else(|| ApiError::bad_request("metadata must be an object"))?;
    if res.info.namespaced {
        let ns = ns.ok_or_else(|| {
            ApiError::bad_request("the namespace of the object is missing from the request URL")
        })?;
        match meta.get("namespace").and_then(Value::as_str) {
            Some(b) if !b.is_empty() && b != ns => {
                return Err(ApiError::bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request",
                ));
            }
            _ => {
                meta.insert("namespace".into(), json!(ns));
            }
        }
    } else {
        meta.remove("namespace");
    }
    let mut name = meta
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if name.is_empty() {
        if let Some(prefix) = meta.get("generateName").and_then(Value::as_str) {
            name = format!("{prefix}{}", random_suffix());
            meta.insert("name".into(), json!(name));
        } else {
            return Err(invalid(
                res,
                "",
                FieldError::new(
                    "FieldValueRequired",
                    "metadata.name",
                    "Required value: name or generateName is required",
                ),
            ));
        }
    }
    if !is_subdomain(&name) {
        return Err(invalid(
            res,
            &name,
            FieldError::new(
                "FieldValueInvalid",
                "metadata.name",
                format!(
                    "Invalid value: \"{name}\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric \
                     characters, '-' or '.', and must start and end with an alphanumeric character"
                ),
            ),
        ));
    }
    meta.insert("uid".into(), json!(uuid::Uuid::new_v4().to_string()));
    meta.insert("creationTimestamp".into(), json!(now_rfc3339()));
    meta.insert("generation".into(), json!(1));
    for k in [
        "resourceVersion",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
        "selfLink",
        "managedFields",
    ] {
        meta.remove(k);
    }
    let vinfo = res.version_info();
    if vinfo.status_subresource
        && !res.info.keep_status_on_create
        && let Some(o) = obj.as_object_mut()
    {
        o.remove("status");
    }
    if res.info.gr.group.is_empty() && res.info.gr.resource == "namespaces" {
        obj["status"] = json!({"phase": "Active"});
        obj["spec"] = json!({"finalizers": ["kubernetes"]});
    }
    Ok(obj)
}

/// The object with `metadata` and (for status-subresource kinds) `status` left out, i.e. the
/// part whose change bumps `generation`.
fn generation_view(obj: &Value, drop_status: bool) -> Value {
    let mut v = obj.clone();
    if let Some(o) = v.as_object_mut() {
        o.remove("metadata");
        if drop_status {
            o.remove("status");
        }
    }
    v
}

/// Merges an update (`new`) onto the current object (`old`, at the same version): identity
/// and system fields come from `old`; a `status` subresource write changes only status; a
/// main-resource write ignores status when the kind has a status subresource.
pub fn prepare_update(
    res: &Resolved,
    old: &Value,
    new: Value,
    subresource: Option<&str>,
) -> Result<Value, ApiError> {
    check_type(res, &new)?;
    let name = name_of(old).to_string();
    if !new.get("metadata").is_some_and(Value::is_object) {
        return Err(invalid(
            res,
            &name,
            FieldError::new("FieldValueRequired", "metadata", "Required value"),
        ));
    }
    if name_of(&new) != name {
        return Err(ApiError::bad_request(format!(
            "the name of the object ({}) does not match the name on the URL ({name})",
            name_of(&new)
        )));
    }
    let has_status = res.version_info().status_subresource;
    let mut out = if subresource == Some("status") {
        let mut o = old.clone();
        match new.get("status") {
            Some(s) => o["status"] = s.clone(),
            None => {
                if let Some(m) = o.as_object_mut() {
                    m.remove("status");
                }
            }
        }
        o
    } else {
        let mut n = new;
        if has_status && let Some(m) = n.as_object_mut() {
            match old.get("status") {
                Some(s) => {
                    m.insert("status".into(), s.clone());
                }
                None => {
                    m.remove("status");
                }
            }
        }
        n
    };
    let old_meta = old.get("metadata").cloned().unwrap_or_else(|| json!({}));
    let generation = old_meta
        .get("generation")
        .and_then(Value::as_i64)
        .unwrap_or(1);
    let bumped = generation_view(old, has_status) != generation_view(&out, has_status);
    let meta =
        meta_mut(&mut out).ok_or_else(|| ApiError::bad_request("metadata must be an object"))?;
    for k in [
        "uid",
        "creationTimestamp",
        "namespace",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
    ] {
        match old_meta.get(k) {
            Some(v) => meta.insert(k.into(), v.clone()),
            None => meta.remove(k),
        };
    }
    meta.insert(
        "generation".into(),
        json!(if bumped { generation + 1 } else { generation }),
    );
    meta.remove("managedFields");
    Ok(out)
}

/// The `PartialObjectMetadata` form of an object (metadata-only clients).
pub fn partial(obj: &Value) -> Value {
    json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": obj.get("metadata").cloned().unwrap_or_else(|| json!({}))})
}

/// Whether a (possibly terminating) object has no finalizers left.
pub fn finalizers_empty(obj: &Value) -> bool {
    obj.pointer("/metadata/finalizers")
        .and_then(Value::as_array)
        .is_none_or(Vec::is_empty)
}

pub fn is_terminating(obj: &Value) -> bool {
    obj.pointer("/metadata/deletionTimestamp")
        .is_some_and(|v| !v.is_null())
}

/// Marks an object as being deleted (finalizers still pending).
pub fn mark_deleting(obj: &Value) -> Value {
    let mut o = obj.clone();
    if let Some(m) = meta_mut(&mut o) {
        m.insert("deletionTimestamp".into(), json!(now_rfc3339()));
        m.insert("deletionGracePeriodSeconds".into(), json!(0));
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kube_sim::resources::Registry;

    fn svc() -> Resolved {
        Registry::builtin(false)
            .resolve("", "v1", "services")
            .unwrap()
    }

    #[test]
    fn create_fills_metadata_and_drops_status() {
        let o = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"generateName": "web-"}, "spec": {}, "status": {"x": 1}});
        let o = prepare_create(&svc(), Some("default"), o).unwrap();
        assert!(name_of(&o).starts_with("web-") && name_of(&o).len() == 9);
        assert_eq!(o["metadata"]["namespace"], "default");
        assert_eq!(o["metadata"]["generation"], 1);
        assert!(o.get("status").is_none());
        let bad = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "Web"}});
        assert_eq!(
            prepare_create(&svc(), Some("default"), bad)
                .unwrap_err()
                .code,
            422
        );
        let wrong_kind = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "w"}});
        assert_eq!(
            prepare_create(&svc(), Some("default"), wrong_kind)
                .unwrap_err()
                .code,
            400
        );
    }

    #[test]
    fn update_keeps_identity_and_bumps_generation_on_spec_change() {
        let old = prepare_create(&svc(), Some("d"), json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "w"}, "spec": {"a": 1}})).unwrap();
        let mut new = old.clone();
        new["metadata"]["uid"] = json!("forged");
        new["metadata"]["labels"] = json!({"x": "y"});
        new["status"] = json!({"ignored": true});
        let same = prepare_update(&svc(), &old, new.clone(), None).unwrap();
        assert_eq!(same["metadata"]["uid"], old["metadata"]["uid"]);
        assert_eq!(same["metadata"]["generation"], 1);
        assert!(same.get("status").is_none());
        new["spec"]["a"] = json!(2);
        assert_eq!(
            prepare_update(&svc(), &old, new.clone(), None).unwrap()["metadata"]["generation"],
            2
        );
        let st = prepare_update(&svc(), &old, new, Some("status")).unwrap();
        assert_eq!(
            (st["spec"]["a"].clone(), st["status"]["ignored"].clone()),
            (json!(1), json!(true))
        );
    }
}
