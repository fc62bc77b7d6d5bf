//! Structural-schema checks for custom resources: validation against a CRD version's
//! `openAPIV3Schema` (types, required, enums, bounds, nested objects and arrays) with
//! kube-apiserver's field error texts, and pruning of fields the schema does not know.

use serde_json::{Map, Value};

use super::error::FieldError;

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn type_ok(want: &str, v: &Value) -> bool {
    match want {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "boolean" => v.is_boolean(),
        "integer" => v.is_i64() || v.is_u64() || v.as_f64().is_some_and(|f| f.fract() == 0.0),
        "number" => v.is_number(),
        _ => true,
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Every violation of `schema` in `obj` (top-level apiVersion/kind/metadata are not checked).
pub fn validate(schema: &Value, obj: &Value) -> Vec<FieldError> {
    let mut out = Vec::new();
    walk(schema, obj, "", &mut out);
    out
}

fn walk(schema: &Value, v: &Value, path: &str, out: &mut Vec<FieldError>) {
    if v.is_null() {
        if !schema
            .get("nullable")
            .and_then(Value::as_bool)
            .unwrap_or(false)
            && schema.get("type").is_some()
        {
            let t = schema["type"].as_str().unwrap_or("");
            out.push(FieldError::new(
                "FieldValueTypeInvalid",
                path,
                format!("Invalid value: \"null\": {path} in body must be of type {t}: \"null\""),
            ));
        }
        return;
    }
    let int_or_string = schema
        .get("x-kubernetes-int-or-string")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if int_or_string {
        if !(v.is_string() || type_ok("integer", v)) {
            out.push(FieldError::new(
                "FieldValueTypeInvalid",
                path,
                format!(
                    "Invalid value: \"{}\": {path} in body must be of type integer-or-string",
                    type_name(v)
                ),
            ));
        }
        return;
    }
    if let Some(t) = schema.get("type").and_then(Value::as_str)
        && !type_ok(t, v)
    {
        let actual = type_name(v);
        out.push(FieldError::new(
            "FieldValueTypeInvalid",
            path,
            format!(
                "Invalid value: \"{actual}\": {path} in body must be of type {t}: \"{actual}\""
            ),
        ));
        return;
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !allowed.contains(v)
    {
        let list: Vec<String> = allowed.iter().map(Value::to_string).collect();
        out.push(FieldError::new(
            "FieldValueNotSupported",
            path,
            format!(
                "Unsupported value: {v}: supported values: {}",
                list.join(", ")
            ),
        ));
    }
    bounds(schema, v, path, out);
    match v {
        Value::Object(m) => walk_object(schema, m, path, out),
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    walk(item_schema, item, &format!("{path}[{i}]"), out);
                }
            }
        }
        _ => {}
    }
}

fn walk_object(schema: &Value, m: &Map<String, Value>, path: &str, out: &mut Vec<FieldError>) {
    let root = path.is_empty();
    if let Some(req) = schema.get("required").and_then(Value::as_array) {
        for k in req.iter().filter_map(Value::as_str) {
            let system = root && matches!(k, "apiVersion" | "kind" | "metadata");
            if !(m.contains_key(k) || system) {
                out.push(FieldError::new(
                    "FieldValueRequired",
                    join(path, k),
                    "Required value",
                ));
            }
        }
    }
    let props = schema.get("properties").and_then(Value::as_object);
    let extra = schema.get("additionalProperties").filter(|a| a.is_object());
    for (k, val) in m {
        if root && matches!(k.as_str(), "apiVersion" | "kind" | "metadata") {
            continue;
        }
        match (props.and_then(|p| p.get(k)), extra) {
            (Some(s), _) | (None, Some(s)) => walk(s, val, &join(path, k), out),
            (None, None) => {}
        }
    }
}

fn bounds(schema: &Value, v: &Value, path: &str, out: &mut Vec<FieldError>) {
    let num = |k: &str| schema.get(k).and_then(Value::as_f64);
    let invalid = |msg: String| {
        FieldError::new(
            "FieldValueInvalid",
            path,
            format!("Invalid value: {v}: {path} in body {msg}"),
        )
    };
    if let Some(x) = v.as_f64() {
        if let Some(min) = num("minimum").filter(|m| x < *m) {
            out.push(invalid(format!("should be greater than or equal to {min}")));
        }
        if let Some(max) = num("maximum").filter(|m| x > *m) {
            out.push(invalid(format!("should be less than or equal to {max}")));
        }
    }
    let len = match v {
        Value::String(s) => Some((
            s.chars().count() as f64,
            "minLength",
            "maxLength",
            "chars long",
        )),
        Value::Array(a) => Some((a.len() as f64, "minItems", "maxItems", "items")),
        _ => None,
    };
    if let Some((n, lo, hi, unit)) = len {
        if let Some(min) = num(lo).filter(|m| n < *m) {
            out.push(invalid(format!("should be at least {min} {unit}")));
        }
        if let Some(max) = num(hi).filter(|m| n > *m) {
            out.push(invalid(format!("may not be more than {max} {unit}")));
        }
    }
}

/// Fills in `default`s of absent fields under objects that exist, as structural-schema
/// defaulting does on every write.
pub fn apply_defaults(schema: &Value, v: &mut Value) {
    match v {
        Value::Object(m) => {
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                for (k, s) in props {
                    if let Some(d) = s.get("default")
                        && !m.contains_key(k)
                    {
                        m.insert(k.clone(), d.clone());
                    }
                    if let Some(child) = m.get_mut(k) {
                        apply_defaults(s, child);
                    }
                }
            }
            if let Some(extra) = schema.get("additionalProperties").filter(|e| e.is_object()) {
                let declared = schema.get("properties").and_then(Value::as_object);
                for (k, child) in m.iter_mut() {
                    if !declared.is_some_and(|p| p.contains_key(k)) {
                        apply_defaults(extra, child);
                    }
                }
            }
        }
        Value::Array(items) => {
            if let Some(s) = schema.get("items") {
                for item in items {
                    apply_defaults(s, item);
                }
            }
        }
        _ => {}
    }
}

/// Removes fields the schema does not declare (unless it preserves unknown fields); returns
/// their paths, for `fieldValidation=Strict`.
pub fn prune(schema: &Value, obj: &mut Value) -> Vec<String> {
    let mut out = Vec::new();
    prune_at(schema, obj, "", &mut out);
    out
}

fn prune_at(schema: &Value, v: &mut Value, path: &str, out: &mut Vec<String>) {
    if schema
        .get("x-kubernetes-preserve-unknown-fields")
        .and_then(Value::as_bool)
        .unwrap_or(false)
    {
        return;
    }
    match v {
        Value::Object(m) => {
            let props = schema.get("properties").and_then(Value::as_object);
            let extra = schema.get("additionalProperties");
            let root = path.is_empty();
            let keys: Vec<String> = m.keys().cloned().collect();
            for k in keys {
                if root && matches!(k.as_str(), "apiVersion" | "kind" | "metadata") {
                    continue;
                }
                let sub = props
                    .and_then(|p| p.get(&k))
                    .or_else(|| extra.filter(|e| e.is_object()));
                match sub {
                    Some(s) => {
                        if let Some(child) = m.get_mut(&k) {
                            prune_at(s, child, &join(path, &k), out);
                        }
                    }
                    None if extra.and_then(Value::as_bool) == Some(true) => {}
                    None => {
                        m.remove(&k);
                        out.push(join(path, &k));
                    }
                }
            }
        }
        Value::Array(items) => {
            if let Some(s) = schema.get("items") {
                for (i, item) in items.iter_mut().enumerate() {
                    prune_at(s, item, &format!("{path}[{i}]"), out);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Value {
        json!({"type": "object", "properties": {"spec": {"type": "object", "required": ["fqdn"], "properties": {
            "fqdn": {"type": "string", "minLength": 1},
            "mode": {"type": "string", "enum": ["a", "b"]},
            "port": {"type": "integer", "maximum": 65535},
            "rules": {"type": "array", "items": {"type": "object", "properties": {"host": {"type": "string"}}}},
            "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
        }}}})
    }

    #[test]
    fn reports_each_violation_with_its_path() {
        let obj = json!({"apiVersion": "x/v1", "kind": "K", "metadata": {}, "spec": {"mode": "c", "port": "80", "rules": [{"host": 1}]}});
        let errs = validate(&schema(), &obj);
        let fields: Vec<(&str, &str)> = errs.iter().map(|e| (e.field.as_str(), e.reason)).collect();
        assert_eq!(
            fields,
            [
                ("spec.fqdn", "FieldValueRequired"),
                ("spec.mode", "FieldValueNotSupported"),
                ("spec.port", "FieldValueTypeInvalid"),
                ("spec.rules[0].host", "FieldValueTypeInvalid"),
            ]
        );
        assert_eq!(
            errs[1].message,
            "Unsupported value: \"c\": supported values: \"a\", \"b\""
        );
        assert!(validate(&schema(), &json!({"spec": {"fqdn": "x", "port": 80}})).is_empty());
    }

    #[test]
    fn defaults_fill_absent_fields_of_present_objects() {
        let s = json!({"properties": {"spec": {"type": "object", "properties": {
            "mode": {"type": "string", "default": "a"},
            "inner": {"type": "object", "properties": {"n": {"type": "integer", "default": 3}}},
        }}}});
        let mut obj = json!({"spec": {"inner": {}}});
        apply_defaults(&s, &mut obj);
        assert_eq!(obj, json!({"spec": {"mode": "a", "inner": {"n": 3}}}));
        let mut empty = json!({});
        apply_defaults(&s, &mut empty);
        assert_eq!(empty, json!({}), "no spec, nothing to default");
    }

    #[test]
    fn prunes_unknown_fields_but_keeps_preserved_ones() {
        let mut obj = json!({"apiVersion": "x/v1", "metadata": {"name": "n"}, "spec": {"fqdn": "x", "bogus": 1, "free": {"any": 1}, "rules": [{"host": "h", "x": 2}]}, "extra": true});
        let removed = prune(&schema(), &mut obj);
        assert_eq!(removed, ["spec.bogus", "spec.rules[0].x", "extra"]);
        assert_eq!(
            obj,
            json!({"apiVersion": "x/v1", "metadata": {"name": "n"}, "spec": {"fqdn": "x", "free": {"any": 1}, "rules": [{"host": "h"}]}})
        );
    }
}
