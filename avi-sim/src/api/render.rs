//! Stored objects to wire JSON: canonical refs become `<base>/api/<type>/<uuid>`
//! (`#<name>` with include_name and on write answers), `url` goes first, redacted
//! fields are masked, `fields=` trims, and fields newer than the caller's API version
//! are hidden.

use serde_json::{Map, Value};

use crate::session::Version;
use crate::store::{Obj, Store};

pub struct View<'a> {
    pub base: &'a str,
    pub include_name: bool,
    pub fields: Option<&'a [String]>,
    pub version: &'a Version,
}

/// `<base><canonical>[#name]` for a stored ref.
fn ref_url(store: &Store, view: &View<'_>, canonical: &str, target: &str) -> String {
    let mut s = format!("{}{canonical}", view.base);
    if view.include_name
        && let Some(t) = store.get(target)
    {
        s.push('#');
        s.push_str(&t.name);
    }
    s
}

pub fn render(store: &Store, obj: &Obj, view: &View<'_>) -> Value {
    let mut body = obj.body.clone();
    for r in &obj.refs {
        if let Some(Value::String(s)) = pointer_mut(&mut body, &r.pointer) {
            *s = ref_url(store, view, s, &r.target);
        }
    }
    let defs = (obj.spec.defs)();
    let top = defs.get(obj.spec.kind);
    let mut out = Map::with_capacity(body.len() + 1);
    out.insert(
        "url".into(),
        Value::String(ref_url(store, view, &obj.canonical(), &obj.uuid)),
    );
    for (k, v) in body {
        let wanted = view
            .fields
            .is_none_or(|f| f.contains(&k) || k == "name" || k == "uuid");
        let too_new = top
            .and_then(|d| d.fields.get(&k))
            .and_then(|f| f.since.as_deref())
            .and_then(Version::parse)
            .is_some_and(|since| since > *view.version);
        if !wanted || too_new {
            continue;
        }
        let v = if obj.spec.redacted.contains(&k.as_str()) {
            Value::String("<sensitive>".into())
        } else {
            v
        };
        out.insert(k, v);
    }
    Value::Object(out)
}

/// `Value::pointer_mut` for a map.
fn pointer_mut<'a>(body: &'a mut Map<String, Value>, pointer: &str) -> Option<&'a mut Value> {
    let mut parts = pointer.strip_prefix('/')?.splitn(2, '/');
    let first = parts.next()?.replace("~1", "/").replace("~0", "~");
    let v = body.get_mut(&first)?;
    match parts.next() {
        Some(rest) => v.pointer_mut(&format!("/{rest}")),
        None => Some(v),
    }
}
