//! The API server's verbs over the store, independent of HTTP: get, create, replace (and the
//! read-modify-write that patch uses), delete with finalizers, namespace and CRD cascades.
//! Objects are stored at the storage version and converted on the way in and out.

use std::collections::HashMap;

use parking_lot::{Mutex, RwLock};
use serde_json::{Value, json};

use super::convert::Converters;
use super::crd;
use super::defaults;
use super::error::{ApiError, FieldError};
use super::faults::Faults;
use super::meta::{self, name_of, rv_of};
use super::patch::AppliedKey;
use super::resources::{GroupResource, Registry, Resolved};
use super::schema;
use super::store::{ObjKey, Store};
use super::typed;

/// Options of a write request.
#[derive(Debug, Clone, Copy, Default)]
pub struct WriteOpts {
    /// `fieldValidation=Strict`: unknown fields are a 400 instead of being pruned.
    pub strict: bool,
    /// `dryRun=All`: everything but storing.
    pub dry_run: bool,
}

/// The whole simulated API server state.
pub struct Sim {
    pub store: Store,
    pub registry: RwLock<Registry>,
    pub converters: Converters,
    pub faults: Faults,
    pub require_namespaces: bool,
    /// Last configuration each field manager applied (server-side apply removals).
    pub applied: Mutex<HashMap<AppliedKey, Value>>,
    /// clusterIP / nodePort allocation for Services.
    pub allocator: defaults::Allocator,
    /// Watch streams currently open.
    pub open_watches: std::sync::atomic::AtomicUsize,
}

enum PutError {
    Api(ApiError),
    Retry,
}

fn namespaces_gr() -> GroupResource {
    GroupResource::new("", "namespaces")
}

impl Sim {
    pub fn resolve(
        &self,
        group: &str,
        version: &str,
        resource: &str,
    ) -> Result<Resolved, ApiError> {
        self.registry.read().resolve(group, version, resource)
    }

    /// A resource at its storage version (for cascades that start from a group/resource).
    pub fn resolve_storage(&self, gr: &GroupResource) -> Option<Resolved> {
        let reg = self.registry.read();
        let info = reg.get(gr)?.clone();
        let version = info.storage_version().to_string();
        Some(Resolved { info, version })
    }

    /// A stored object as the client asked for it (converted to the request's version).
    pub fn at_version(&self, res: &Resolved, obj: &Value) -> Result<Value, ApiError> {
        if res.info.is_crd {
            self.converters.convert(obj, &res.api_version())
        } else {
            Ok(obj.clone())
        }
    }

    fn to_storage(&self, res: &Resolved, obj: Value) -> Result<Value, ApiError> {
        if res.info.is_crd {
            self.converters
                .convert(&obj, &res.info.api_version(res.info.storage_version()))
        } else {
            Ok(obj)
        }
    }

    pub fn key(res: &Resolved, ns: Option<&str>, name: &str) -> ObjKey {
        let ns = if res.info.namespaced {
            ns.unwrap_or("").to_string()
        } else {
            String::new()
        };
        (ns, name.to_string())
    }

    pub fn get(&self, res: &Resolved, ns: Option<&str>, name: &str) -> Result<Value, ApiError> {
        let (ns, name) = Self::key(res, ns, name);
        let obj = self
            .store
            .get(&res.info.gr, &ns, &name)
            .ok_or_else(|| ApiError::not_found(&res.info.gr, &name))?;
        self.at_version(res, &obj)
    }

    /// Schema validation and pruning of custom resources; CRD definitions get their checks
    /// and status.
    fn admit(&self, res: &Resolved, obj: &mut Value, opts: WriteOpts) -> Result<(), ApiError> {
        if res.info.is_crd
            && let Some(s) = &res.version_info().schema
        {
            let unknown = schema::prune(s, obj);
            schema::apply_defaults(s, obj);
            let mut errors = schema::validate(s, obj);
            if opts.strict && !unknown.is_empty() {
                let list: Vec<String> = unknown
                    .iter()
                    .map(|f| format!("unknown field \"{f}\""))
                    .collect();
                let (kind, v) = (&res.info.kind, &res.version);
                return Err(ApiError::bad_request(format!(
                    "{kind} in version \"{v}\" cannot be handled as a {kind}: strict decoding error: {}",
                    list.join(", ")
                )));
            }
            errors.extend(meta_errors(obj));
            if !errors.is_empty() {
                return Err(ApiError::invalid(
                    &res.info.kind,
                    &res.info.gr.group,
                    name_of(obj),
                    &errors,
                ));
            }
        }
        if !res.info.is_crd {
            typed::check_builtin(res, obj)?;
            typed::validate_builtin(res, obj)?;
        }
        if crd::is_crd_definition(&res.info.gr) {
            crd::prepare_definition(obj)?;
        }
        Ok(())
    }

    fn check_namespace(&self, res: &Resolved, ns: &str, name: &str) -> Result<(), ApiError> {
        if !res.info.namespaced || !self.require_namespaces {
            return Ok(());
        }
        match self.store.get(&namespaces_gr(), "", ns) {
            None => Err(ApiError::not_found(&namespaces_gr(), ns)),
            Some(n) if meta::is_terminating(&n) => Err(ApiError::forbidden(
                &res.info.gr,
                name,
                &format!(
                    "unable to create new content in namespace {ns} because it is being terminated"
                ),
            )),
            Some(_) => Ok(()),
        }
    }

    pub fn create(
        &self,
        res: &Resolved,
        ns: Option<&str>,
        body: Value,
        opts: WriteOpts,
    ) -> Result<Value, ApiError> {
        let mut obj = meta::prepare_create(res, ns, body)?;
        defaults::apply(&res.info.gr, &mut obj, None, &self.allocator);
        self.admit(res, &mut obj, opts)?;
        let key = Self::key(res, ns, name_of(&obj));
        self.check_namespace(res, &key.0, &key.1)?;
        let stored = self.to_storage(res, obj)?;
        if opts.dry_run {
            return self.at_version(res, &stored);
        }
        let gr = &res.info.gr;
        let stored = self.store.put(gr, key.clone(), stored, |cur| match cur {
            Some(_) => Err(ApiError::already_exists(gr, &key.1)),
            None => Ok(()),
        })?;
        self.after_write(&stored);
        self.at_version(res, &stored)
    }

    /// PUT: full replacement (of the object or its status).
    pub fn replace(
        &self,
        res: &Resolved,
        ns: Option<&str>,
        name: &str,
        body: Value,
        sub: Option<&str>,
        opts: WriteOpts,
    ) -> Result<Value, ApiError> {
        if rv_of(&body).is_none() && res.info.is_crd {
            let err = FieldError::new(
                "FieldValueInvalid",
                "metadata.resourceVersion",
                "Invalid value: 0x0: must be specified for an update",
            );
            return Err(ApiError::invalid(
                &res.info.kind,
                &res.info.gr.group,
                name,
                &[err],
            ));
        }
        self.write_existing(res, ns, name, sub, opts, &mut |_| Ok(body.clone()))
    }

    /// Read-modify-write of an existing object: `change` gets the current object at the
    /// request's version and returns the new body; a resourceVersion in that body is a
    /// precondition (409 when stale).
    pub fn write_existing(
        &self,
        res: &Resolved,
        ns: Option<&str>,
        name: &str,
        sub: Option<&str>,
        opts: WriteOpts,
        change: &mut dyn FnMut(&Value) -> Result<Value, ApiError>,
    ) -> Result<Value, ApiError> {
        let gr = &res.info.gr;
        let key = Self::key(res, ns, name);
        loop {
            let cur = self
                .store
                .get(gr, &key.0, &key.1)
                .ok_or_else(|| ApiError::not_found(gr, name))?;
            let cur_v = self.at_version(res, &cur)?;
            let new = change(&cur_v)?;
            let expected = rv_of(&new).map(str::to_string);
            let mut merged = meta::prepare_update(res, &cur_v, new, sub)?;
            defaults::apply(gr, &mut merged, Some(&cur_v), &self.allocator);
            self.admit(res, &mut merged, opts)?;
            let stored = self.to_storage(res, merged)?;
            if opts.dry_run {
                return self.at_version(res, &stored);
            }
            let read_rv = rv_of(&cur).map(str::to_string);
            let put = self.store.put(gr, key.clone(), stored, |now| {
                let now = now.ok_or_else(|| PutError::Api(ApiError::not_found(gr, name)))?;
                let now_rv = Some(now.to_string());
                if expected.is_some() && expected != now_rv {
                    return Err(PutError::Api(ApiError::conflict(gr, name)));
                }
                if now_rv != read_rv {
                    Err(PutError::Retry)
                } else {
                    Ok(())
                }
            });
            match put {
                Ok(stored) => {
                    let done = self.finish_if_released(res, &key, stored)?;
                    self.after_write(&done);
                    return self.at_version(res, &done);
                }
                Err(PutError::Retry) => continue,
                Err(PutError::Api(e)) => return Err(e),
            }
        }
    }

    /// An object whose deletion waited on finalizers goes away when the last one is removed.
    fn finish_if_released(
        &self,
        res: &Resolved,
        key: &ObjKey,
        stored: Value,
    ) -> Result<Value, ApiError> {
        if !(meta::is_terminating(&stored) && meta::finalizers_empty(&stored)) {
            return Ok(stored);
        }
        let removed = self
            .store
            .remove(&res.info.gr, key, |_| Ok::<(), ApiError>(()))?;
        let removed = removed.unwrap_or(stored);
        self.after_remove(res, key, &removed);
        Ok(removed)
    }

    /// DELETE. `preconditions` are DeleteOptions' resourceVersion and uid.
    pub fn delete(
        &self,
        res: &Resolved,
        ns: Option<&str>,
        name: &str,
        precondition_rv: Option<&str>,
        precondition_uid: Option<&str>,
    ) -> Result<Value, ApiError> {
        let gr = &res.info.gr;
        let key = Self::key(res, ns, name);
        let cur = self
            .store
            .get(gr, &key.0, &key.1)
            .ok_or_else(|| ApiError::not_found(gr, name))?;
        if precondition_rv.is_some_and(|rv| Some(rv) != rv_of(&cur))
            || precondition_uid.is_some_and(|uid| {
                Some(uid) != cur.pointer("/metadata/uid").and_then(Value::as_str)
            })
        {
            return Err(ApiError::conflict(gr, name));
        }
        if gr == &namespaces_gr() {
            if matches!(name, "default" | "kube-system" | "kube-public") {
                return Err(ApiError::forbidden(
                    gr,
                    name,
                    "this namespace may not be deleted",
                ));
            }
            return self.delete_namespace(res, name, &cur);
        }
        if crd::is_crd_definition(gr)
            && let Some(target) = crd::defined_resource(&cur)
        {
            self.delete_all(&target);
        }
        if !meta::finalizers_empty(&cur) {
            if meta::is_terminating(&cur) {
                return self.at_version(res, &cur);
            }
            let marked = self.store.put(gr, key, meta::mark_deleting(&cur), |_| {
                Ok::<(), ApiError>(())
            })?;
            return self.at_version(res, &marked);
        }
        let removed = self
            .store
            .remove(gr, &key, |_| Ok::<(), ApiError>(()))?
            .ok_or_else(|| ApiError::not_found(gr, name))?;
        self.after_remove(res, &key, &removed);
        self.at_version(res, &removed)
    }

    /// Deletes every object of a resource (CRD removal).
    fn delete_all(&self, gr: &GroupResource) {
        let Some(res) = self.resolve_storage(gr) else {
            return;
        };
        for (ns, name) in self.store.keys(gr) {
            let ns = (!ns.is_empty()).then_some(ns);
            // Objects may vanish concurrently; a 404 here is expected.
            let _ = self.delete(&res, ns.as_deref(), &name, None, None);
        }
    }

    fn delete_namespace(&self, res: &Resolved, name: &str, cur: &Value) -> Result<Value, ApiError> {
        let gr = &res.info.gr;
        let mut marked = if meta::is_terminating(cur) {
            cur.clone()
        } else {
            meta::mark_deleting(cur)
        };
        marked["status"] = json!({"phase": "Terminating"});
        let marked = self
            .store
            .put(gr, (String::new(), name.to_string()), marked, |_| {
                Ok::<(), ApiError>(())
            })?;
        for (obj_gr, obj_name) in self.store.keys_in_namespace(name) {
            if let Some(r) = self.resolve_storage(&obj_gr) {
                // Already-gone objects are fine; objects with finalizers stay until released.
                let _ = self.delete(&r, Some(name), &obj_name, None, None);
            }
        }
        Ok(self.finish_namespace(name).unwrap_or(marked))
    }

    /// Removes a terminating namespace once it holds no objects; returns it if removed.
    fn finish_namespace(&self, ns: &str) -> Option<Value> {
        let gr = namespaces_gr();
        let cur = self.store.get(&gr, "", ns)?;
        if !meta::is_terminating(&cur) || self.store.namespace_has_objects(ns) {
            return None;
        }
        let removed = self
            .store
            .remove(&gr, &(String::new(), ns.to_string()), |_| {
                Ok::<(), ApiError>(())
            })
            .ok()??;
        Some(removed)
    }

    fn after_write(&self, stored: &Value) {
        if let Some(info) = crd::resource_info(stored) {
            self.registry.write().insert(info);
        }
    }

    fn after_remove(&self, res: &Resolved, key: &ObjKey, removed: &Value) {
        self.applied
            .lock()
            .retain(|k, _| !(k.0 == res.info.gr && k.1 == *key));
        if crd::is_crd_definition(&res.info.gr)
            && let Some(gr) = crd::defined_resource(removed)
        {
            self.registry.write().remove(&gr);
        }
        if !key.0.is_empty() {
            self.finish_namespace(&key.0);
        }
    }
}

/// Metadata checks the schema does not cover (labels must be strings).
fn meta_errors(obj: &Value) -> Vec<FieldError> {
    let mut out = Vec::new();
    for field in ["labels", "annotations"] {
        if let Some(m) = obj
            .pointer(&format!("/metadata/{field}"))
            .and_then(Value::as_object)
        {
            for (k, v) in m {
                if !v.is_string() {
                    out.push(FieldError::new(
                        "FieldValueTypeInvalid",
                        format!("metadata.{field}.{k}"),
                        "Invalid value: must be a string",
                    ));
                }
            }
        }
    }
    out
}
