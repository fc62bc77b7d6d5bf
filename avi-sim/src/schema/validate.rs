//! The generic validator: walks a request body against a type's field tables, checks
//! shapes, enums, ranges, item limits and required fields, fills defaults, drops
//! read-only fields and resolves every ref field to its canonical `/api/<type>/<uuid>`.

use serde_json::{Map, Value};

use super::defs::{Def, Defs, Field, Shape};
use crate::error::{AviError, Result};
use crate::session::Version;

/// Turns a ref as the client wrote it into the stored target (`kind` is the field's
/// target kind, e.g. `Pool`).
pub trait Resolver {
    fn resolve(&self, kind: &str, raw: &str) -> Result<Target>;
}

/// A resolved ref: the canonical stored form and the target's uuid.
#[derive(Debug, Clone)]
pub struct Target {
    pub canonical: String,
    pub uuid: String,
}

/// Where a ref sits in the stored object (JSON pointer) and what it points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefAt {
    pub pointer: String,
    pub target: String,
}

pub struct Validator<'a> {
    pub defs: &'a Defs,
    pub resolver: &'a dyn Resolver,
    /// Refuse fields the table does not know (a real controller does).
    pub strict: bool,
    pub refs: Vec<RefAt>,
}

impl Validator<'_> {
    /// Validates `obj` as definition `def` in place.
    pub fn object(
        &mut self,
        def_name: &str,
        obj: &mut Map<String, Value>,
        path: &str,
        ptr: &str,
    ) -> Result<()> {
        let Some(def) = self.defs.get(def_name) else {
            return Ok(()); // a nested type the table does not describe: free-form
        };
        self.known_fields(def, obj, path)?;
        for (name, field) in &def.fields {
            let fpath = join(path, name);
            let fptr = format!("{ptr}/{}", escape(name));
            match (obj.get_mut(name), &field.default) {
                (Some(v), _) => self.value(field, &field.shape, v, &fpath, &fptr)?,
                (None, Some(d)) => {
                    obj.insert(name.clone(), d.clone());
                }
                (None, None) if field.required => {
                    return Err(AviError::bad_request(format!(
                        "Field '{fpath}' is required"
                    )));
                }
                (None, None) => {}
            }
        }
        Ok(())
    }

    fn known_fields(&self, def: &Def, obj: &mut Map<String, Value>, path: &str) -> Result<()> {
        // null means "not set"; read-only fields are the server's to fill.
        obj.retain(|k, v| !v.is_null() && !def.fields.get(k).is_some_and(|f| f.readonly));
        if self.strict
            && let Some(unknown) = obj.keys().find(|k| !def.fields.contains_key(*k))
        {
            return Err(AviError::bad_request(format!(
                "Unknown field '{}'",
                join(path, unknown)
            )));
        }
        Ok(())
    }

    fn value(
        &mut self,
        field: &Field,
        shape: &Shape,
        v: &mut Value,
        path: &str,
        ptr: &str,
    ) -> Result<()> {
        match shape {
            Shape::Arr(inner) => {
                let Some(items) = v.as_array_mut() else {
                    return Err(wrong_type(path, "a list"));
                };
                if let Some(max) = field.max_items
                    && items.len() > max
                {
                    return Err(AviError::bad_request(format!(
                        "Maximum of {max} items allowed for field {path} (got {})",
                        items.len()
                    )));
                }
                if let Some(min) = field.min_items
                    && items.len() < min
                {
                    return Err(AviError::bad_request(format!(
                        "Minimum of {min} items required for field {path}"
                    )));
                }
                for (i, item) in items.iter_mut().enumerate() {
                    self.value(
                        field,
                        inner,
                        item,
                        &format!("{path}[{i}]"),
                        &format!("{ptr}/{i}"),
                    )?;
                }
                Ok(())
            }
            Shape::Obj(def) => match v.as_object_mut() {
                Some(o) => self.object(def, o, path, ptr),
                None => Err(wrong_type(path, "an object")),
            },
            Shape::Str => {
                let Some(s) = v.as_str() else {
                    return Err(wrong_type(path, "a string"));
                };
                if let Some(allowed) = &field.enum_values
                    && !allowed.iter().any(|a| a == s)
                {
                    return Err(AviError::bad_request(format!(
                        "Invalid choice '{s}' for field {path}; valid choices are: {}",
                        allowed.join(", ")
                    )));
                }
                if let Some(kind) = &field.reference {
                    let t = self.resolver.resolve(kind, s)?;
                    *v = Value::String(t.canonical);
                    self.refs.push(RefAt {
                        pointer: ptr.to_string(),
                        target: t.uuid,
                    });
                }
                Ok(())
            }
            Shape::Int => {
                let Some(n) = v.as_i64().or_else(|| v.as_u64().map(|u| u as i64)) else {
                    return Err(wrong_type(path, "an integer"));
                };
                // A field's default is valid even where the range leaves it out (-1 = off).
                let is_default = field.default.as_ref().is_some_and(|d| d == v);
                if let Some((lo, hi)) = field.range
                    && (n < lo || n > hi)
                    && !is_default
                {
                    return Err(AviError::bad_request(format!(
                        "Value {n} of field {path} is out of range {lo}-{hi}"
                    )));
                }
                Ok(())
            }
            Shape::Num if v.is_number() => Ok(()),
            Shape::Num => Err(wrong_type(path, "a number")),
            Shape::Bool if v.is_boolean() => Ok(()),
            Shape::Bool => Err(wrong_type(path, "a boolean")),
        }
    }
}

fn wrong_type(path: &str, what: &str) -> AviError {
    AviError::bad_request(format!("Field {path} must be {what}"))
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

/// JSON-pointer escaping of one segment.
fn escape(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// Refuses fields newer than the API version the client speaks (the swagger `since`),
/// at every level of `obj` as definition `def_name`.
pub fn check_since(
    defs: &Defs,
    def_name: &str,
    obj: &Map<String, Value>,
    version: &Version,
    path: &str,
) -> Result<()> {
    let Some(def) = defs.get(def_name) else {
        return Ok(());
    };
    for (k, v) in obj {
        let Some(field) = def.fields.get(k) else {
            continue;
        };
        let fpath = join(path, k);
        if let Some(since) = field.since.as_ref().filter(|s| *s > version) {
            return Err(AviError::bad_request(format!(
                "Field '{fpath}' is not available in API version {version} (introduced in {since})"
            )));
        }
        let mut shape = &field.shape;
        while let Shape::Arr(inner) = shape {
            shape = inner;
        }
        let Shape::Obj(inner_def) = shape else {
            continue;
        };
        let items: Vec<&Value> = match v {
            Value::Array(items) => items.iter().collect(),
            other => vec![other],
        };
        for (i, item) in items.into_iter().enumerate() {
            if let Some(o) = item.as_object() {
                let ipath = if v.is_array() {
                    format!("{fpath}[{i}]")
                } else {
                    fpath.clone()
                };
                check_since(defs, inner_def, o, version, &ipath)?;
            }
        }
    }
    Ok(())
}

/// Removes fields newer than `version` from `obj` (definition `def_name`), at every
/// level, so a client only sees what its API version has.
pub fn hide_newer(defs: &Defs, def_name: &str, obj: &mut Map<String, Value>, version: &Version) {
    let Some(def) = defs.get(def_name) else {
        return;
    };
    obj.retain(|k, _| {
        def.fields
            .get(k)
            .and_then(|f| f.since.as_ref())
            .is_none_or(|s| s <= version)
    });
    for (k, v) in obj.iter_mut() {
        let Some(field) = def.fields.get(k) else {
            continue;
        };
        let mut shape = &field.shape;
        while let Shape::Arr(inner) = shape {
            shape = inner;
        }
        let Shape::Obj(inner_def) = shape else {
            continue;
        };
        match v {
            Value::Array(items) => {
                for o in items.iter_mut().filter_map(Value::as_object_mut) {
                    hide_newer(defs, inner_def, o, version);
                }
            }
            Value::Object(o) => hide_newer(defs, inner_def, o, version),
            _ => {}
        }
    }
}
