//! Strategic merge patch for the built-in kinds AKO uses: a JSON merge patch in which the
//! lists below merge by key instead of being replaced, plus the `$patch`, `$retainKeys`,
//! `$setElementOrder/` and `$deleteFromPrimitiveList/` directives kubectl sends.
//!
//! Merge keys come from a table by field name (not the full OpenAPI `x-kubernetes-patch-*`
//! extensions): containers/initContainers/env/volumes/imagePullSecrets by `name`,
//! volumeMounts by `mountPath`, ports by `containerPort` (or `port` for Service ports),
//! conditions and node addresses by `type`, ownerReferences by `uid`, taints by `key`;
//! `finalizers` merge as a set. Every other list is replaced, as in a merge patch.

use serde_json::{Map, Value};

fn merge_key(field: &str, items: &[Value]) -> Option<&'static str> {
    Some(match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "env"
        | "volumes"
        | "imagePullSecrets" => "name",
        "volumeMounts" => "mountPath",
        "ports" => {
            if items.iter().any(|i| i.get("containerPort").is_some()) {
                "containerPort"
            } else {
                "port"
            }
        }
        "conditions" | "addresses" => "type",
        "ownerReferences" => "uid",
        "taints" => "key",
        _ => return None,
    })
}

fn is_directive(k: &str) -> bool {
    k == "$patch"
        || k == "$retainKeys"
        || k.starts_with("$setElementOrder/")
        || k.starts_with("$deleteFromPrimitiveList/")
}

/// A patch value with directives removed, as stored when it has no counterpart in the target.
fn clean(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, v)| !is_directive(k) && !v.is_null())
                .map(|(k, v)| (k.clone(), clean(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(
            a.iter()
                .filter(|i| i.get("$patch").is_none())
                .map(clean)
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Applies a strategic merge patch to `target`.
pub fn merge(target: &mut Value, patch: &Value) {
    match (target.as_object_mut(), patch.as_object()) {
        (Some(t), Some(p)) => merge_map(t, p),
        _ => *target = clean(patch),
    }
}

fn merge_map(target: &mut Map<String, Value>, patch: &Map<String, Value>) {
    if patch.get("$patch").and_then(Value::as_str) == Some("replace") {
        if let Value::Object(m) = clean(&Value::Object(patch.clone())) {
            *target = m;
        }
        return;
    }
    for (k, v) in patch {
        if let Some(field) = k.strip_prefix("$deleteFromPrimitiveList/") {
            if let (Some(Value::Array(list)), Some(drop)) = (target.get_mut(field), v.as_array()) {
                list.retain(|x| !drop.contains(x));
            }
            continue;
        }
        if is_directive(k) {
            continue;
        }
        match v {
            Value::Null => {
                target.remove(k);
            }
            Value::Object(pm) if pm.get("$patch").and_then(Value::as_str) == Some("delete") => {
                target.remove(k);
            }
            Value::Object(pm) => match target.get_mut(k).and_then(Value::as_object_mut) {
                Some(tm) => merge_map(tm, pm),
                None => {
                    target.insert(k.clone(), clean(v));
                }
            },
            Value::Array(items) => {
                let merged = merge_list(k, target.remove(k), items);
                target.insert(k.clone(), merged);
            }
            other => {
                target.insert(k.clone(), other.clone());
            }
        }
    }
    if let Some(Value::Array(keep)) = patch.get("$retainKeys") {
        target.retain(|k, _| keep.iter().any(|x| x.as_str() == Some(k)));
    }
}

fn merge_list(field: &str, target: Option<Value>, items: &[Value]) -> Value {
    if items
        .iter()
        .any(|i| i.get("$patch").and_then(Value::as_str) == Some("replace"))
    {
        return clean(&Value::Array(items.to_vec()));
    }
    let mut current = match target {
        Some(Value::Array(a)) => a,
        _ => Vec::new(),
    };
    if field == "finalizers" {
        for i in items {
            if !current.contains(i) {
                current.push(i.clone());
            }
        }
        return Value::Array(current);
    }
    let Some(key) = merge_key(field, items) else {
        return clean(&Value::Array(items.to_vec()));
    };
    for item in items {
        let Some(id) = item.get(key) else { continue };
        let pos = current.iter().position(|c| c.get(key) == Some(id));
        let delete = item.get("$patch").and_then(Value::as_str) == Some("delete");
        match (pos, item.as_object()) {
            (Some(p), _) if delete => {
                current.remove(p);
            }
            (Some(p), Some(pm)) => {
                if let Some(tm) = current[p].as_object_mut() {
                    merge_map(tm, pm);
                }
            }
            (None, _) if !delete => current.push(clean(item)),
            _ => {}
        }
    }
    Value::Array(current)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keyed_lists_merge_and_directives_apply() {
        let mut t = json!({
            "metadata": {"finalizers": ["a"], "labels": {"x": "1", "y": "2"}},
            "spec": {"ports": [{"port": 80, "name": "http"}, {"port": 443, "name": "https"}], "selector": {"app": "w"}},
        });
        let p = json!({
            "metadata": {"finalizers": ["b"], "labels": {"x": null}},
            "spec": {
                "$setElementOrder/ports": [{"port": 80}],
                "ports": [{"port": 80, "targetPort": 8080}, {"port": 443, "$patch": "delete"}, {"port": 53, "protocol": "UDP"}],
                "selector": {"$patch": "replace", "app": "v"},
            },
        });
        merge(&mut t, &p);
        assert_eq!(
            t,
            json!({
                "metadata": {"finalizers": ["a", "b"], "labels": {"y": "2"}},
                "spec": {"ports": [{"port": 80, "name": "http", "targetPort": 8080}, {"port": 53, "protocol": "UDP"}], "selector": {"app": "v"}},
            })
        );
    }

    #[test]
    fn unkeyed_lists_replace_and_primitive_deletes() {
        let mut t = json!({"spec": {"rules": [1, 2]}, "metadata": {"finalizers": ["a", "b"]}});
        merge(
            &mut t,
            &json!({"spec": {"rules": [3]}, "metadata": {"$deleteFromPrimitiveList/finalizers": ["a"]}}),
        );
        assert_eq!(
            t,
            json!({"spec": {"rules": [3]}, "metadata": {"finalizers": ["b"]}})
        );
    }
}
