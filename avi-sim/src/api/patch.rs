//! PATCH semantics: `{"add": {...}}`, `{"replace": {...}}`, `{"delete": {...}}` applied
//! per top-level field to the stored object; list items are matched by the type's
//! identity key (`route_id` for static routes, `vip_id` for vips, ...) or by equality.

use serde_json::{Map, Value};

use crate::error::{AviError, Result};
use crate::schema::TypeSpec;

/// Applies a PATCH body to `body` (the stored object).
pub fn apply(
    spec: &TypeSpec,
    body: &mut Map<String, Value>,
    patch: Map<String, Value>,
) -> Result<()> {
    if patch.is_empty()
        || patch
            .keys()
            .any(|k| !matches!(k.as_str(), "add" | "replace" | "delete"))
    {
        return Err(AviError::bad_request(
            "PATCH body must be an object with one of the keys add, replace or delete",
        ));
    }
    for op in ["replace", "add", "delete"] {
        let Some(fields) = patch.get(op) else {
            continue;
        };
        let Some(fields) = fields.as_object() else {
            return Err(AviError::bad_request(format!(
                "PATCH {op} must be an object"
            )));
        };
        for (k, v) in fields {
            let key = spec
                .list_keys
                .iter()
                .find(|(list, _)| list == k)
                .map(|(_, keys)| *keys);
            match op {
                "replace" => {
                    body.insert(k.clone(), v.clone());
                }
                "add" => add(body, k, v, key),
                _ => delete(body, k, v, key),
            }
        }
    }
    Ok(())
}

/// Whether two list items are the same entry: equal key fields, else equal items.
fn same(a: &Value, b: &Value, keys: Option<&[&str]>) -> bool {
    match keys {
        Some(keys) => keys.iter().all(|k| key_value(a, k) == key_value(b, k)),
        None => a == b,
    }
}

/// A key field's value; an `IpAddr` (`{addr, type}`) compares by its address.
fn key_value<'a>(item: &'a Value, k: &str) -> Option<&'a Value> {
    let v = item.get(k)?;
    Some(v.get("addr").unwrap_or(v))
}

fn add(body: &mut Map<String, Value>, k: &str, v: &Value, key: Option<&[&str]>) {
    let (Some(Value::Array(items)), Value::Array(new)) = (body.get_mut(k), v) else {
        body.insert(k.to_string(), v.clone());
        return;
    };
    for n in new {
        match items.iter_mut().find(|i| same(i, n, key)) {
            Some(existing) => *existing = n.clone(),
            None => items.push(n.clone()),
        }
    }
}

fn delete(body: &mut Map<String, Value>, k: &str, v: &Value, key: Option<&[&str]>) {
    match (body.get_mut(k), v) {
        (Some(Value::Array(items)), Value::Array(gone)) => {
            items.retain(|i| !gone.iter().any(|g| same(i, g, key)))
        }
        _ => {
            body.remove(k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema;
    use serde_json::json;

    #[test]
    fn add_and_delete_static_routes_by_route_id() {
        let spec = schema::by_path("vrfcontext").unwrap();
        let mut body = json!({"static_routes": [{"route_id": "1", "x": 1}]})
            .as_object()
            .unwrap()
            .clone();
        let p = json!({"add": {"static_routes": [{"route_id": "1", "x": 2}, {"route_id": "2"}]}});
        apply(spec, &mut body, p.as_object().unwrap().clone()).unwrap();
        assert_eq!(
            body["static_routes"],
            json!([{"route_id": "1", "x": 2}, {"route_id": "2"}])
        );
        let p = json!({"delete": {"static_routes": [{"route_id": "1"}]}});
        apply(spec, &mut body, p.as_object().unwrap().clone()).unwrap();
        assert_eq!(body["static_routes"], json!([{"route_id": "2"}]));
        assert!(
            apply(
                spec,
                &mut body,
                json!({"merge": {}}).as_object().unwrap().clone()
            )
            .is_err()
        );
    }
}
