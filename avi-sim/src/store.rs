//! The object store: every object by uuid, per-type creation order, a name index for
//! uniqueness and GET-by-name, and the refs index (referrers of each object) that
//! serves `refers_to` / `referred_by` and protects referenced objects from deletion.
//! Objects are JSON maps validated by the schema tables; refs inside them are stored
//! in the canonical `/api/<type>/<uuid>` form.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::ipam::UsedIps;
use crate::schema::validate::RefAt;
use crate::schema::{self, NameScope, TypeSpec};

/// One stored object.
#[derive(Debug, Clone)]
pub struct Obj {
    pub spec: &'static TypeSpec,
    pub uuid: String,
    pub name: String,
    /// Uuid of the owning tenant (`admin` for global types).
    pub tenant: String,
    /// Uuid of the cloud for cloud-scoped names.
    pub cloud: Option<String>,
    /// Creation order: lists are returned in it.
    pub seq: u64,
    /// Seeded system default: cannot be deleted.
    pub system: bool,
    pub body: Map<String, Value>,
    pub refs: Vec<RefAt>,
}

impl Obj {
    /// Collection name of the object's type (`pool`).
    pub fn type_path(&self) -> &'static str {
        self.spec.path
    }
    pub fn canonical(&self) -> String {
        format!("/api/{}/{}", self.spec.path, self.uuid)
    }
    pub fn last_modified(&self) -> Option<&str> {
        self.body.get("_last_modified").and_then(Value::as_str)
    }
}

type NameKey = (&'static str, String, String);

#[derive(Debug, Default)]
pub struct Store {
    objs: HashMap<String, Obj>,
    order: HashMap<&'static str, BTreeMap<u64, String>>,
    names: HashMap<NameKey, Vec<String>>,
    referrers: HashMap<String, BTreeSet<String>>,
    pub(crate) used_ips: UsedIps,
    seq: u64,
    last_modified: u64,
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
            || obj.tenant == tenant
            || (obj.spec.shared && obj.tenant == "admin")
    }

    fn name_key(spec: &'static TypeSpec, tenant: &str, name: &str) -> NameKey {
        let t = if spec.scope == NameScope::Global {
            ""
        } else {
            tenant
        };
        (spec.path, t.to_string(), name.to_string())
    }

    /// Objects of `spec` named `name` owned by `tenant` (several for cloud-scoped names).
    pub fn named(
        &self,
        spec: &'static TypeSpec,
        tenant: &str,
        name: &str,
    ) -> impl Iterator<Item = &Obj> {
        self.names
            .get(&Self::name_key(spec, tenant, name))
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
            let mut found: Vec<&Obj> = self.named(spec, t, name).collect();
            found.sort_by_key(|o| (o.cloud.as_deref() != cloud, o.seq));
            found.into_iter().next()
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
            Some(o.uuid.as_str()) != except
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
    pub fn commit(&mut self, mut obj: Obj) -> &Obj {
        let lm = self.next_last_modified();
        obj.body.insert("_last_modified".into(), Value::String(lm));
        let uuid = obj.uuid.clone();
        self.put(obj);
        &self.objs[&uuid]
    }

    /// Inserts or replaces an object, keeping every index in step. A replaced object
    /// keeps its creation order.
    pub fn put(&mut self, mut obj: Obj) {
        match self.remove_indexes(&obj.uuid) {
            Some(seq) => obj.seq = seq,
            None => {
                self.seq += 1;
                obj.seq = self.seq;
            }
        }
        self.order
            .entry(obj.spec.path)
            .or_default()
            .insert(obj.seq, obj.uuid.clone());
        self.names
            .entry(Self::name_key(obj.spec, &obj.tenant, &obj.name))
            .or_default()
            .push(obj.uuid.clone());
        for r in &obj.refs {
            self.referrers
                .entry(r.target.clone())
                .or_default()
                .insert(obj.uuid.clone());
        }
        self.used_ips.add(&obj);
        self.objs.insert(obj.uuid.clone(), obj);
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
        let key = Self::name_key(obj.spec, &obj.tenant, &obj.name);
        if let Some(v) = self.names.get_mut(&key) {
            v.retain(|u| u != uuid);
            if v.is_empty() {
                self.names.remove(&key);
            }
        }
        for r in &obj.refs {
            if let Some(s) = self.referrers.get_mut(&r.target) {
                s.remove(uuid);
                if s.is_empty() {
                    self.referrers.remove(&r.target);
                }
            }
        }
        self.used_ips.remove(obj);
        Some(obj.seq)
    }

    /// Every object in creation order, as saved to a state file.
    pub fn snapshot(&self) -> Vec<Saved> {
        let mut all: Vec<&Obj> = self.objs.values().collect();
        all.sort_by_key(|o| o.seq);
        all.into_iter().map(Saved::from).collect()
    }

    /// Rebuilds a store from a snapshot. Unknown types are refused with their name.
    pub fn restore(saved: Vec<Saved>) -> Result<Self, String> {
        let mut store = Store::default();
        for s in saved {
            let spec = schema::by_path(&s.r#type)
                .ok_or_else(|| format!("unknown object type {}", s.r#type))?;
            let name = s
                .body
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let lm: u64 = s
                .body
                .get("_last_modified")
                .and_then(Value::as_str)
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            store.last_modified = store.last_modified.max(lm);
            store.put(Obj {
                spec,
                uuid: s.uuid,
                name,
                tenant: s.tenant,
                cloud: s.cloud,
                seq: 0,
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
        Saved {
            r#type: o.spec.path.to_string(),
            uuid: o.uuid.clone(),
            tenant: o.tenant.clone(),
            cloud: o.cloud.clone(),
            system: o.system,
            body: o.body.clone(),
            refs: o
                .refs
                .iter()
                .map(|r| (r.pointer.clone(), r.target.clone()))
                .collect(),
        }
    }
}
