//! The object store: every object by uuid, per-type creation order, a name index for
//! uniqueness and GET-by-name (hash lookups by borrowed strings, no allocation), and
//! the refs index (referrers of each object) that serves `refers_to` / `referred_by`
//! and protects referenced objects from deletion. Uuid strings are shared (`Arc<str>`)
//! between the object and every index.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use serde_json::Value;

use crate::ipam::UsedIps;
use crate::object::Interner;
pub use crate::object::{Draft, Obj, Saved};
use crate::schema::validate::RefAt;
use crate::schema::{self, NameScope, TypeSpec};

/// type → tenant ("" for controller-wide names) → name → uuids.
type Names = HashMap<&'static str, HashMap<Box<str>, HashMap<Box<str>, Vec<Arc<str>>>>>;

#[derive(Debug, Default)]
pub struct Store {
    objs: HashMap<Arc<str>, Obj>,
    order: HashMap<&'static str, BTreeMap<u64, Arc<str>>>,
    names: Names,
    referrers: HashMap<Arc<str>, BTreeSet<Arc<str>>>,
    /// Ref pointers (`/cloud_ref`, `/members/0/pool_ref`), shared by every object.
    pointers: HashSet<Arc<str>>,
    pub(crate) used_ips: UsedIps,
    seq: u64,
    last_modified: u64,
}

fn name_tenant<'a>(spec: &TypeSpec, tenant: &'a str) -> &'a str {
    if spec.scope == NameScope::Global {
        ""
    } else {
        tenant
    }
}

impl Store {
    pub fn len(&self) -> usize {
        self.objs.len()
    }
    pub fn is_empty(&self) -> bool {
        self.objs.is_empty()
    }

    /// Every object, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &Obj> {
        self.objs.values()
    }

    pub fn get(&self, uuid: &str) -> Option<&Obj> {
        self.objs.get(uuid)
    }

    /// Whether a request in `tenant` may see `obj`.
    pub fn visible(obj: &Obj, tenant: &str) -> bool {
        !obj.spec.tenant_scoped
            || &*obj.tenant == tenant
            || (obj.spec.shared && &*obj.tenant == "admin")
    }

    /// Objects of `spec` named `name` owned by `tenant` (several for cloud-scoped names).
    pub fn named(
        &self,
        spec: &'static TypeSpec,
        tenant: &str,
        name: &str,
    ) -> impl Iterator<Item = &Obj> {
        self.names
            .get(spec.path)
            .and_then(|t| t.get(name_tenant(spec, tenant)))
            .and_then(|n| n.get(name))
            .into_iter()
            .flatten()
            .filter_map(|u| self.objs.get(u))
    }

    /// Name lookup as refs and `?name=` do it: the request tenant first, then shared
    /// objects of `admin`; among several, the one in `cloud` wins.
    pub fn find(
        &self,
        spec: &'static TypeSpec,
        tenant: &str,
        name: &str,
        cloud: Option<&str>,
    ) -> Option<&Obj> {
        let pick = |t: &str| {
            self.named(spec, t, name)
                .min_by_key(|o| (o.cloud.as_deref() != cloud, o.seq))
        };
        pick(tenant).or_else(|| {
            if spec.shared && tenant != "admin" {
                pick("admin")
            } else {
                None
            }
        })
    }

    /// The object (other than `except`) whose name clashes with a new `name`.
    pub fn name_clash(
        &self,
        spec: &'static TypeSpec,
        tenant: &str,
        cloud: Option<&str>,
        name: &str,
        except: Option<&str>,
    ) -> Option<&Obj> {
        self.named(spec, tenant, name).find(|o| {
            Some(&*o.uuid) != except
                && (spec.scope != NameScope::TenantCloud || o.cloud.as_deref() == cloud)
        })
    }

    /// Every object of a type, in creation order.
    pub fn of_type(&self, path: &str) -> impl DoubleEndedIterator<Item = &Obj> {
        self.order
            .get(path)
            .into_iter()
            .flat_map(|m| m.values())
            .filter_map(|u| self.objs.get(u))
    }

    /// Objects that hold a ref to `uuid`.
    pub fn referrers(&self, uuid: &str) -> impl Iterator<Item = &Obj> {
        self.referrers
            .get(uuid)
            .into_iter()
            .flatten()
            .filter_map(|u| self.objs.get(u))
    }

    /// A `_last_modified` (microseconds since the epoch) later than every earlier one.
    fn next_last_modified(&mut self) -> String {
        let now = jiff::Timestamp::now().as_microsecond().max(0) as u64;
        self.last_modified = now.max(self.last_modified + 1);
        self.last_modified.to_string()
    }

    /// Stamps `_last_modified` on a validated object and stores it.
    pub(crate) fn commit(&mut self, mut draft: Draft) -> &Obj {
        let lm = self.next_last_modified();
        draft
            .body
            .insert("_last_modified".into(), Value::String(lm));
        let uuid = draft.uuid.clone();
        self.put(draft);
        &self.objs[uuid.as_str()]
    }

    /// Inserts or replaces an object, keeping every index in step. A replaced object
    /// keeps its creation order.
    pub(crate) fn put(&mut self, draft: Draft) {
        let seq = match self.remove_indexes(&draft.uuid) {
            Some(seq) => seq,
            None => {
                self.seq += 1;
                self.seq
            }
        };
        self.used_ips.add(draft.spec, &draft.body);
        let mut interner = StoreInterner {
            objs: &self.objs,
            pointers: &mut self.pointers,
        };
        let mut obj = Obj::new(draft, seq, &mut interner);
        if let Some((k, _)) = self.objs.get_key_value(&*obj.uuid) {
            obj.uuid = k.clone();
        }
        let uuid = obj.uuid.clone();
        self.order
            .entry(obj.spec.path)
            .or_default()
            .insert(seq, uuid.clone());
        self.names
            .entry(obj.spec.path)
            .or_default()
            .entry(name_tenant(obj.spec, &obj.tenant).into())
            .or_default()
            .entry(obj.name.clone())
            .or_default()
            .push(uuid.clone());
        for r in obj.refs.iter() {
            self.referrers
                .entry(r.target.clone())
                .or_default()
                .insert(uuid.clone());
        }
        self.objs.insert(uuid, obj);
    }

    pub fn remove(&mut self, uuid: &str) -> Option<Obj> {
        self.remove_indexes(uuid)?;
        self.objs.remove(uuid)
    }

    /// Drops `uuid` from every index but the object map; returns its seq.
    fn remove_indexes(&mut self, uuid: &str) -> Option<u64> {
        let obj = self.objs.get(uuid)?;
        if let Some(m) = self.order.get_mut(obj.spec.path) {
            m.remove(&obj.seq);
        }
        let tenants = self.names.get_mut(obj.spec.path);
        if let Some(names) = tenants.and_then(|t| t.get_mut(name_tenant(obj.spec, &obj.tenant)))
            && let Some(v) = names.get_mut(&*obj.name)
        {
            v.retain(|u| &**u != uuid);
            if v.is_empty() {
                names.remove(&*obj.name);
            }
        }
        for r in obj.refs.iter() {
            if let Some(s) = self.referrers.get_mut(&r.target) {
                s.remove(uuid);
                if s.is_empty() {
                    self.referrers.remove(&r.target);
                }
            }
        }
        if obj.spec.path == "vsvip" {
            self.used_ips.remove(obj.spec, &obj.body());
        }
        Some(obj.seq)
    }

    /// Every object in creation order, as saved to a state file.
    pub fn snapshot(&self) -> Vec<Saved> {
        let mut all: Vec<&Obj> = self.objs.values().collect();
        all.sort_by_key(|o| o.seq);
        all.into_iter().map(Saved::from).collect()
    }

    /// Rebuilds a store from a snapshot. Unknown types are refused with their name.
    pub fn restore(saved: impl IntoIterator<Item = Saved>) -> Result<Self, String> {
        let mut store = Store::default();
        for s in saved {
            let spec = schema::by_path(&s.r#type)
                .ok_or_else(|| format!("unknown object type {}", s.r#type))?;
            let lm = s
                .body
                .get("_last_modified")
                .and_then(Value::as_str)
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            store.last_modified = store.last_modified.max(lm);
            store.put(Draft {
                spec,
                uuid: s.uuid,
                tenant: s.tenant,
                cloud: s.cloud,
                system: s.system,
                body: s.body,
                refs: s
                    .refs
                    .into_iter()
                    .map(|(pointer, target)| RefAt { pointer, target })
                    .collect(),
            });
        }
        Ok(store)
    }
}

struct StoreInterner<'a> {
    objs: &'a HashMap<Arc<str>, Obj>,
    pointers: &'a mut HashSet<Arc<str>>,
}

impl Interner for StoreInterner<'_> {
    fn uuid(&self, s: &str) -> Arc<str> {
        self.objs
            .get_key_value(s)
            .map(|(k, _)| k.clone())
            .unwrap_or_else(|| s.into())
    }
    fn pointer(&mut self, s: &str) -> Arc<str> {
        if let Some(p) = self.pointers.get(s) {
            return p.clone();
        }
        let p: Arc<str> = s.into();
        self.pointers.insert(p.clone());
        p
    }
}
