//! `GET /api/<type>`: filters (`name`, `name.contains`, `name.icontains`, `name.in`,
//! `uuid.in`, `created_by`, `refers_to`, `referred_by`, `cloud_ref.name`,
//! `cloud_ref.uuid`, `cloud_uuid`, `search`, `isearch`), `sort`, paging (`page`,
//! `page_size`, `next`, `previous`), `fields`, `include_name` and `skip_default`.

use std::cmp::Ordering;

use serde_json::{Map, Value, json};

use super::render::{View, render};
use crate::error::{AviError, Result};
use crate::schema::TypeSpec;
use crate::session::Caller;
use crate::store::{Obj, Store};

const DEFAULT_PAGE_SIZE: usize = 25;
const MAX_PAGE_SIZE: usize = 200;

/// The query string as ordered pairs (`include_name` with no value is ("include_name", "")).
pub fn params(query: Option<&str>) -> Vec<(String, String)> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(query.unwrap_or_default())
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, _)| !k.is_empty())
        .collect()
}

pub fn param<'a>(params: &'a [(String, String)], key: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// `include_name`, `include_name=true` → true.
pub fn flag(params: &[(String, String)], key: &str) -> bool {
    param(params, key).is_some_and(|v| v.is_empty() || v.eq_ignore_ascii_case("true"))
}

pub fn fields(params: &[(String, String)]) -> Option<Vec<String>> {
    param(params, "fields").map(|f| {
        f.split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    })
}

fn number(params: &[(String, String)], key: &str, default: usize) -> Result<usize> {
    match param(params, key) {
        None => Ok(default),
        Some(v) => v
            .parse()
            .map_err(|_| AviError::bad_request(format!("Invalid value '{v}' for {key}"))),
    }
}

/// `<type>:<uuid>` of refers_to / referred_by.
fn target(v: &str) -> &str {
    v.split_once(':').map(|(_, u)| u).unwrap_or(v)
}

fn candidates<'s>(
    store: &'s Store,
    spec: &'static TypeSpec,
    caller: &Caller,
    p: &[(String, String)],
) -> Vec<&'s Obj> {
    let visible = |o: &&Obj| o.spec.path == spec.path && Store::visible(o, &caller.tenant);
    if let Some(name) = param(p, "name") {
        let mut v: Vec<&Obj> = store.named(spec, &caller.tenant, name).collect();
        if spec.shared && caller.tenant != "admin" {
            v.extend(store.named(spec, "admin", name));
        }
        v.sort_by_key(|o| o.seq);
        v.dedup_by_key(|o| o.seq);
        return v.into_iter().filter(visible).collect();
    }
    if let Some(t) = param(p, "refers_to") {
        let mut v: Vec<&Obj> = store.referrers(target(t)).filter(visible).collect();
        v.sort_by_key(|o| o.seq);
        return v;
    }
    if let Some(t) = param(p, "referred_by") {
        let Some(src) = store.get(target(t)) else {
            return Vec::new();
        };
        let mut v: Vec<&Obj> = src
            .refs
            .iter()
            .filter_map(|r| store.get(&r.target))
            .filter(visible)
            .collect();
        v.sort_by_key(|o| o.seq);
        v.dedup_by_key(|o| o.seq);
        return v;
    }
    store.of_type(spec.path).filter(visible).collect()
}

fn matches(store: &Store, o: &Obj, p: &[(String, String)]) -> bool {
    let cloud_uuid = o.cloud_ref();
    p.iter().all(|(k, v)| match k.as_str() {
        "name.contains" => o.name.contains(v.as_str()),
        "name.icontains" => o.name.to_lowercase().contains(&v.to_lowercase()),
        "name.in" => v.split(',').any(|n| n == &*o.name),
        "uuid.in" => v.split(',').any(|u| u == &*o.uuid),
        "created_by" => o.created_by() == Some(v.as_str()),
        "cloud_ref.uuid" | "cloud_uuid" => cloud_uuid == Some(v.as_str()),
        "cloud_ref.name" => cloud_uuid
            .and_then(|u| store.get(u))
            .is_some_and(|c| *c.name == **v),
        "search" => search(o, v, false),
        "isearch" => search(o, v, true),
        _ => true,
    })
}

/// `search=(field,value)`: the field's text contains `value`.
fn search(o: &Obj, spec: &str, insensitive: bool) -> bool {
    let inner = spec.trim().trim_start_matches('(').trim_end_matches(')');
    let Some((field, needle)) = inner.split_once(',') else {
        return false;
    };
    let hay = match o.field(field.trim()) {
        Some(Value::String(s)) => s,
        Some(v) => v.to_string(),
        None => return false,
    };
    if insensitive {
        hay.to_lowercase().contains(&needle.to_lowercase())
    } else {
        hay.contains(needle)
    }
}

fn compare(a: &Obj, b: &Obj, field: &str) -> Ordering {
    let key = |o: &Obj| o.field(field).unwrap_or(Value::Null);
    match (key(a), key(b)) {
        (Value::Number(x), Value::Number(y)) => x
            .as_f64()
            .unwrap_or(0.0)
            .partial_cmp(&y.as_f64().unwrap_or(0.0))
            .unwrap_or(Ordering::Equal),
        (Value::String(x), Value::String(y)) => x.cmp(&y),
        (x, y) => x.to_string().cmp(&y.to_string()),
    }
}

/// The list answer.
pub fn list(
    store: &Store,
    spec: &'static TypeSpec,
    caller: &Caller,
    base: &str,
    query: Option<&str>,
) -> Result<Value> {
    let p = params(query);
    let page = number(&p, "page", 1)?.max(1);
    let size = number(&p, "page_size", DEFAULT_PAGE_SIZE)?;
    if !(1..=MAX_PAGE_SIZE).contains(&size) {
        return Err(AviError::bad_request(format!(
            "page_size must be between 1 and {MAX_PAGE_SIZE}"
        )));
    }
    let mut found: Vec<&Obj> = candidates(store, spec, caller, &p)
        .into_iter()
        .filter(|o| matches(store, o, &p))
        .collect();
    if let Some(sort) = param(&p, "sort") {
        let (field, desc) = match sort.strip_prefix('-') {
            Some(f) => (f, true),
            None => (sort, false),
        };
        found.sort_by(|a, b| {
            if desc {
                compare(b, a, field)
            } else {
                compare(a, b, field)
            }
        });
    }
    let fields = fields(&p);
    let view = View {
        base,
        include_name: flag(&p, "include_name"),
        fields: fields.as_deref(),
        version: &caller.version,
        skip_default: flag(&p, "skip_default"),
    };
    let count = found.len();
    let results: Vec<Value> = found
        .into_iter()
        .skip((page - 1) * size)
        .take(size)
        .map(|o| render(store, o, &view))
        .collect();
    let mut out = Map::new();
    out.insert("count".into(), json!(count));
    out.insert("results".into(), Value::Array(results));
    let link = |n: usize| {
        let mut q: Vec<(String, String)> = p.iter().filter(|(k, _)| k != "page").cloned().collect();
        q.push(("page".into(), n.to_string()));
        format!(
            "{base}/api/{}?{}",
            spec.path,
            serde_urlencoded::to_string(&q).unwrap_or_default()
        )
    };
    if page * size < count {
        out.insert("next".into(), Value::String(link(page + 1)));
    }
    if page > 1 {
        out.insert("previous".into(), Value::String(link(page - 1)));
    }
    Ok(Value::Object(out))
}
