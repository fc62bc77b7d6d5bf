//! A stored object and its forms: `Draft` (a validated body about to be stored),
//! `Obj` (stored compactly) and `Saved` (the state-file / `/sim/dump` form).
//!
//! `Obj` keeps the body as JSON text without what can be rebuilt: refs (kept as
//! (pointer, type, uuid) beside it, with uuid and pointer strings shared with the
//! store), top-level fields equal to their schema default, `uuid` and
//! `_last_modified`. `body()` rebuilds the full object. This keeps 100k objects in
//! well under 200 MB.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::schema::validate::RefAt;
use crate::schema::{self, TypeSpec};

/// A validated object, not stored yet.
#[derive(Debug, Clone)]
pub struct Draft {
    pub spec: &'static TypeSpec,
    pub uuid: String,
    pub tenant: String,
    /// Cloud uuid for names unique per cloud.
    pub cloud: Option<String>,
    pub system: bool,
    pub body: Map<String, Value>,
    pub refs: Vec<RefAt>,
}

/// A ref inside a stored object: where (JSON pointer) and to what (type, uuid).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRef {
    pub pointer: Arc<str>,
    /// Collection of the target (`pool`).
    pub path: &'static str,
    pub target: Arc<str>,
}

impl StoredRef {
    /// `/api/<type>/<uuid>`.
    pub fn canonical(&self) -> String {
        format!("/api/{}/{}", self.path, self.target)
    }
}

/// One stored object.
#[derive(Debug, Clone)]
pub struct Obj {
    pub spec: &'static TypeSpec,
    pub uuid: Arc<str>,
    pub name: Box<str>,
    /// Uuid of the owning tenant (`admin` for global types).
    pub tenant: Arc<str>,
    /// Uuid of the cloud for cloud-scoped names.
    pub cloud: Option<Arc<str>>,
    /// Creation order: lists are returned in it.
    pub seq: u64,
    /// Seeded system default: cannot be deleted.
    pub system: bool,
    pub refs: Box<[StoredRef]>,
    created_by: Option<Box<str>>,
    last_modified: u64,
    /// The body without refs, defaults, uuid and `_last_modified`, as JSON text.
    compact: Box<str>,
}

/// Shares strings between objects and the store's indexes.
pub(crate) trait Interner {
    fn uuid(&self, s: &str) -> Arc<str>;
    fn pointer(&mut self, s: &str) -> Arc<str>;
}

fn str_field<'a>(body: &'a Map<String, Value>, f: &str) -> Option<&'a str> {
    body.get(f).and_then(Value::as_str)
}

/// `Value::pointer_mut` for a map.
pub(crate) fn pointer_mut<'a>(
    body: &'a mut Map<String, Value>,
    pointer: &str,
) -> Option<&'a mut Value> {
    let mut parts = pointer.strip_prefix('/')?.splitn(2, '/');
    let first = parts.next()?.replace("~1", "/").replace("~0", "~");
    let v = body.get_mut(&first)?;
    match parts.next() {
        Some(rest) => v.pointer_mut(&format!("/{rest}")),
        None => Some(v),
    }
}

impl Obj {
    pub(crate) fn new(d: Draft, seq: u64, interner: &mut impl Interner) -> Obj {
        let mut compact = d.body;
        let name: Box<str> = str_field(&compact, "name").unwrap_or_default().into();
        let created_by = str_field(&compact, "created_by").map(Into::into);
        let last_modified = str_field(&compact, "_last_modified")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        compact.remove("uuid");
        compact.remove("_last_modified");
        let mut refs = Vec::with_capacity(d.refs.len());
        for r in d.refs {
            let Some(slot) = pointer_mut(&mut compact, &r.pointer) else {
                continue;
            };
            let path = slot
                .as_str()
                .and_then(|c| c.strip_prefix("/api/"))
                .and_then(|c| c.split('/').next())
                .and_then(schema::by_path)
                .map(|s| s.path);
            let Some(path) = path else { continue };
            *slot = Value::Null;
            refs.push(StoredRef {
                pointer: interner.pointer(&r.pointer),
                path,
                target: interner.uuid(&r.target),
            });
        }
        if let Some(top) = (d.spec.defs)().get(d.spec.kind) {
            compact.retain(|k, v| top.fields.get(k).and_then(|f| f.default.as_ref()) != Some(v));
        }
        Obj {
            spec: d.spec,
            name,
            created_by,
            last_modified,
            compact: Value::Object(compact).to_string().into(),
            uuid: d.uuid.into(),
            tenant: interner.uuid(&d.tenant),
            cloud: d.cloud.as_deref().map(|c| interner.uuid(c)),
            seq,
            system: d.system,
            refs: refs.into(),
        }
    }

    /// Collection name of the object's type (`pool`).
    pub fn type_path(&self) -> &'static str {
        self.spec.path
    }
    pub fn canonical(&self) -> String {
        format!("/api/{}/{}", self.spec.path, self.uuid)
    }
    /// `_last_modified`: microseconds since the epoch.
    pub fn last_modified(&self) -> u64 {
        self.last_modified
    }
    pub fn created_by(&self) -> Option<&str> {
        self.created_by.as_deref()
    }
    /// Uuid of the object's cloud (its `cloud_ref`).
    pub fn cloud_ref(&self) -> Option<&str> {
        self.refs
            .iter()
            .find(|r| &*r.pointer == "/cloud_ref")
            .map(|r| &*r.target)
    }

    /// The stored body with refs in canonical `/api/<type>/<uuid>` form.
    pub fn body(&self) -> Map<String, Value> {
        self.body_with(|r| Value::String(r.canonical()), true)
    }

    /// The stored body, each ref written by `render_ref`; top-level fields equal to
    /// their default only `with_defaults` (off for `skip_default=true`).
    pub fn body_with(
        &self,
        render_ref: impl Fn(&StoredRef) -> Value,
        with_defaults: bool,
    ) -> Map<String, Value> {
        // The text was written from a JSON object by `Obj::new`.
        let mut body: Map<String, Value> = serde_json::from_str(&self.compact).unwrap_or_default();
        for r in self.refs.iter() {
            if let Some(slot) = pointer_mut(&mut body, &r.pointer) {
                *slot = render_ref(r);
            }
        }
        if let Some(top) = (self.spec.defs)()
            .get(self.spec.kind)
            .filter(|_| with_defaults)
        {
            for (k, d) in &top.defaults {
                if !body.contains_key(k) {
                    body.insert(k.clone(), d.clone());
                }
            }
        }
        body.insert("uuid".into(), Value::String(self.uuid.to_string()));
        body.insert(
            "_last_modified".into(),
            Value::String(self.last_modified.to_string()),
        );
        body
    }

    /// One top-level field of the body.
    pub fn field(&self, name: &str) -> Option<Value> {
        self.body().remove(name)
    }

    /// The draft an update starts from.
    pub fn to_draft(&self) -> Draft {
        Draft {
            spec: self.spec,
            uuid: self.uuid.to_string(),
            tenant: self.tenant.to_string(),
            cloud: self.cloud.as_deref().map(str::to_string),
            system: self.system,
            body: self.body(),
            refs: self
                .refs
                .iter()
                .map(|r| RefAt {
                    pointer: r.pointer.to_string(),
                    target: r.target.to_string(),
                })
                .collect(),
        }
    }
}

/// One object as written to a state file and to `/sim/dump`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Saved {
    pub r#type: String,
    pub uuid: String,
    pub tenant: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud: Option<String>,
    #[serde(default)]
    pub system: bool,
    pub body: Map<String, Value>,
    /// (JSON pointer, target uuid) of every ref in `body`.
    #[serde(default)]
    pub refs: Vec<(String, String)>,
}

impl From<&Obj> for Saved {
    fn from(o: &Obj) -> Self {
        let d = o.to_draft();
        Saved {
            r#type: o.spec.path.to_string(),
            uuid: d.uuid,
            tenant: d.tenant,
            cloud: d.cloud,
            system: d.system,
            body: d.body,
            refs: d.refs.into_iter().map(|r| (r.pointer, r.target)).collect(),
        }
    }
}
