//! `meta.k8s.io/v1` Table responses (what `kubectl get` prints): Name, the CRD's
//! additionalPrinterColumns, and Age.

use serde_json::{Value, json};

use super::resources::Resolved;

fn age(obj: &Value) -> String {
    let Some(ts) = obj
        .pointer("/metadata/creationTimestamp")
        .and_then(Value::as_str)
    else {
        return "<unknown>".into();
    };
    let Ok(t) = ts.parse::<jiff::Timestamp>() else {
        return "<unknown>".into();
    };
    let secs = jiff::Timestamp::now()
        .as_second()
        .saturating_sub(t.as_second())
        .max(0);
    match secs {
        s if s < 120 => format!("{s}s"),
        s if s < 7200 => format!("{}m", s / 60),
        s if s < 172_800 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86_400),
    }
}

/// Evaluates the JSONPath subset printer columns use: `.a.b`, `.a[0].b`, `.a[*].b`
/// (a wildcard joins the matches with commas, as kubectl prints them).
fn json_path(obj: &Value, path: &str) -> Value {
    let mut cur = vec![obj];
    let mut wildcard = false;
    for seg in path
        .trim_start_matches('.')
        .split('.')
        .filter(|s| !s.is_empty())
    {
        let (field, index) = match seg.split_once('[') {
            Some((f, rest)) => (f, Some(rest.trim_end_matches(']'))),
            None => (seg, None),
        };
        cur = cur.into_iter().filter_map(|v| v.get(field)).collect();
        match index {
            Some("*") => {
                wildcard = true;
                cur = cur
                    .into_iter()
                    .filter_map(Value::as_array)
                    .flatten()
                    .collect();
            }
            Some(n) => {
                let n: usize = n.parse().unwrap_or(usize::MAX);
                cur = cur.into_iter().filter_map(|v| v.get(n)).collect();
            }
            None => {}
        }
    }
    if wildcard {
        let parts: Vec<String> = cur
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), String::from))
            .collect();
        return json!(parts.join(","));
    }
    cur.first().map_or(Value::Null, |v| (*v).clone())
}

fn printer_columns(res: &Resolved) -> Vec<&Value> {
    res.version_info()
        .printer_columns
        .iter()
        .filter(|c| c["jsonPath"].as_str() != Some(".metadata.creationTimestamp"))
        .collect()
}

fn columns(res: &Resolved) -> Vec<Value> {
    let col = |name: &str, ty: &str, format: &str, desc: &str| json!({"name": name, "type": ty, "format": format, "description": desc, "priority": 0});
    let mut cols = vec![col(
        "Name",
        "string",
        "name",
        "Name must be unique within a namespace.",
    )];
    for c in printer_columns(res) {
        let mut c = c.clone();
        if let Some(m) = c.as_object_mut() {
            m.remove("jsonPath");
            m.entry("priority").or_insert(json!(0));
        }
        cols.push(c);
    }
    cols.push(col("Age", "string", "", "CreationTimestamp is a timestamp representing the server time when this object was created."));
    cols
}

fn row(res: &Resolved, obj: &Value) -> Value {
    let mut cells = vec![json!(super::meta::name_of(obj))];
    for c in printer_columns(res) {
        cells.push(json_path(obj, c["jsonPath"].as_str().unwrap_or("")));
    }
    cells.push(json!(age(obj)));
    json!({
        "cells": cells,
        "object": super::meta::partial(obj),
    })
}

fn table(res: &Resolved, rows: Vec<Value>, meta: Value) -> Value {
    json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": meta, "columnDefinitions": columns(res), "rows": rows})
}

pub fn from_list(res: &Resolved, items: &[Value], meta: &Value) -> Value {
    table(
        res,
        items.iter().map(|o| row(res, o)).collect(),
        meta.clone(),
    )
}

pub fn from_object(res: &Resolved, obj: &Value) -> Value {
    let rv = obj
        .pointer("/metadata/resourceVersion")
        .cloned()
        .unwrap_or(Value::Null);
    table(res, vec![row(res, obj)], json!({"resourceVersion": rv}))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kube_sim::resources::Registry;

    #[test]
    fn rows_carry_name_and_age() {
        let res = Registry::builtin(false)
            .resolve("", "v1", "configmaps")
            .unwrap();
        let t = from_object(
            &res,
            &json!({"metadata": {"name": "c", "creationTimestamp": "2000-01-01T00:00:00Z"}}),
        );
        assert_eq!(t["rows"][0]["cells"][0], "c");
        assert!(t["rows"][0]["cells"][1].as_str().unwrap().ends_with('d'));
        let o = json!({"spec": {"a": {"b": 1}, "rules": [{"host": "x"}, {"host": "y"}]}});
        assert_eq!(json_path(&o, ".spec.rules[*].host"), json!("x,y"));
        assert_eq!(json_path(&o, ".spec.rules[1].host"), json!("y"));
        assert_eq!(json_path(&o, ".spec.a.b"), json!(1));
    }
}
