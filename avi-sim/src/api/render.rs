//! Stored objects to wire JSON: canonical refs become `<base>/api/<type>/<uuid>`
//! (`#<name>` with include_name and on write answers), `url` goes first, redacted
//! fields are masked, `fields=` trims, and fields newer than the caller's API version
//! are hidden.

use serde_json::{Map, Value};

use crate::schema::validate::hide_newer;
use crate::session::Version;

/// The swagger tables' newest version: clients speaking it see every field.
static NEWEST: std::sync::LazyLock<Version> =
    std::sync::LazyLock::new(crate::schema::newest_version);
use crate::store::{Obj, Store};

pub struct View<'a> {
    pub base: &'a str,
    pub include_name: bool,
    pub fields: Option<&'a [String]>,
    pub version: &'a Version,
    /// `skip_default=true`: leave out top-level fields equal to their default.
    pub skip_default: bool,
}

/// `<base>/api/<type>/<uuid>[#name]`.
fn ref_url(store: &Store, view: &View<'_>, path: &str, target: &str) -> String {
    let mut s = format!("{}/api/{path}/{target}", view.base);
    if view.include_name
        && let Some(t) = store.get(target)
    {
        s.push('#');
        s.push_str(&t.name);
    }
    s
}

pub fn render(store: &Store, obj: &Obj, view: &View<'_>) -> Value {
    let mut body = obj.body_with(
        |r| Value::String(ref_url(store, view, r.path, &r.target)),
        !view.skip_default,
    );
    let defs = (obj.spec.defs)();
    if *view.version < *NEWEST {
        hide_newer(defs, obj.spec.kind, &mut body, view.version);
    }
    let mut out = Map::with_capacity(body.len() + 1);
    out.insert(
        "url".into(),
        Value::String(ref_url(store, view, obj.spec.path, &obj.uuid)),
    );
    for (k, v) in body {
        if view
            .fields
            .is_some_and(|f| !f.contains(&k) && k != "name" && k != "uuid")
        {
            continue;
        }
        let v = if obj.spec.redacted.contains(&k.as_str()) {
            Value::String(crate::write::REDACTED.into())
        } else {
            v
        };
        out.insert(k, v);
    }
    Value::Object(out)
}
