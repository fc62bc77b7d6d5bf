//! The object store: objects per (group, resource, namespace, name) kept as compact JSON
//! text (a parsed `serde_json::Value` costs ~10x the memory), one global resourceVersion
//! counter, and a bounded event history that watches read from. Knows nothing about HTTP or
//! metadata rules; it only versions, stores and records.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::ops::Bound;
use std::sync::Arc;
use std::time::Instant;

use parking_lot::RwLock;
use serde_json::Value;
use tokio::sync::watch;

use super::resources::GroupResource;

/// (namespace, name); namespace is empty for cluster-scoped objects.
pub type ObjKey = (String, String);

/// A stored object's JSON text.
pub type Raw = Arc<str>;

/// Parses stored JSON (written by this store, so it always parses).
pub fn parse(raw: &str) -> Value {
    serde_json::from_str(raw).unwrap_or(Value::Null)
}

#[derive(Clone)]
struct Entry {
    rv: u64,
    raw: Raw,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventType {
    Added,
    Modified,
    Deleted,
}

/// One change, as kept in the history.
#[derive(Debug)]
pub struct StoredEvent {
    pub rv: u64,
    pub gr: GroupResource,
    pub kind: EventType,
    pub namespace: String,
    /// The object after the change (for deletions: as it was, with the deletion's rv).
    pub object: Raw,
    /// The object before the change (selector transitions turn MODIFIED into ADDED/DELETED).
    pub previous: Option<Raw>,
    pub at: Instant,
}

/// Why a watch or continue cannot be served from the history.
#[derive(Debug, Clone, Copy)]
pub struct TooOld {
    pub requested: u64,
    pub oldest: u64,
}

struct Inner {
    rv: u64,
    tables: HashMap<GroupResource, BTreeMap<ObjKey, Entry>>,
    history: VecDeque<Arc<StoredEvent>>,
    /// Events with rv > compacted are all in `history`.
    compacted: u64,
    history_limit: usize,
}

/// Thread-safe store. Readers get the JSON text; writers get the stored object back.
pub struct Store {
    inner: RwLock<Inner>,
    notify: watch::Sender<u64>,
}

fn set_rv(obj: &mut Value, rv: u64) {
    if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.insert("resourceVersion".into(), Value::String(rv.to_string()));
    }
}

impl Store {
    pub fn new(history_limit: usize) -> Self {
        let inner = Inner {
            rv: 1,
            tables: HashMap::new(),
            history: VecDeque::new(),
            compacted: 1,
            history_limit,
        };
        Self {
            inner: RwLock::new(inner),
            notify: watch::channel(1).0,
        }
    }

    pub fn current_rv(&self) -> u64 {
        self.inner.read().rv
    }

    /// Wakes whenever the store changes (value: latest rv).
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.notify.subscribe()
    }

    pub fn get_raw(&self, gr: &GroupResource, ns: &str, name: &str) -> Option<Raw> {
        let inner = self.inner.read();
        inner
            .tables
            .get(gr)?
            .get(&(ns.to_string(), name.to_string()))
            .map(|e| e.raw.clone())
    }

    /// The stored object, parsed.
    pub fn get(&self, gr: &GroupResource, ns: &str, name: &str) -> Option<Value> {
        self.get_raw(gr, ns, name).map(|r| parse(&r))
    }

    /// Objects of `gr` (in `ns` if given) after `start` (exclusive), in key order, that pass
    /// `keep`, at most `limit`; plus whether more matched and the store's rv.
    pub fn list(
        &self,
        gr: &GroupResource,
        ns: Option<&str>,
        start: Option<&ObjKey>,
        limit: Option<usize>,
        keep: &dyn Fn(&str) -> bool,
    ) -> (Vec<Raw>, Option<ObjKey>, usize, u64) {
        let inner = self.inner.read();
        let mut out = Vec::new();
        let mut remaining = 0usize;
        let mut last = None;
        if let Some(table) = inner.tables.get(gr) {
            let lower = match (start, ns) {
                (Some(k), _) => Bound::Excluded(k.clone()),
                (None, Some(ns)) => Bound::Included((ns.to_string(), String::new())),
                (None, None) => Bound::Unbounded,
            };
            for (key, entry) in table.range((lower, Bound::Unbounded)) {
                if ns.is_some_and(|ns| key.0 != ns) {
                    break;
                }
                if !keep(&entry.raw) {
                    continue;
                }
                if limit.is_some_and(|l| out.len() >= l) {
                    remaining += 1;
                    continue;
                }
                last = Some(key.clone());
                out.push(entry.raw.clone());
            }
        }
        let more = if remaining > 0 { last } else { None };
        (out, more, remaining, inner.rv)
    }

    /// Namespaces that still hold at least one object of any kind.
    pub fn namespace_has_objects(&self, ns: &str) -> bool {
        let inner = self.inner.read();
        inner.tables.values().any(|t| {
            t.range((ns.to_string(), String::new())..)
                .next()
                .is_some_and(|(k, _)| k.0 == ns)
        })
    }

    /// Every (resource, name) in namespace `ns`.
    pub fn keys_in_namespace(&self, ns: &str) -> Vec<(GroupResource, String)> {
        let inner = self.inner.read();
        let mut out = Vec::new();
        for (gr, t) in &inner.tables {
            for (k, _) in t
                .range((ns.to_string(), String::new())..)
                .take_while(|(k, _)| k.0 == ns)
            {
                out.push((gr.clone(), k.1.clone()));
            }
        }
        out
    }

    /// Every name of `gr` across namespaces.
    pub fn keys(&self, gr: &GroupResource) -> Vec<ObjKey> {
        let inner = self.inner.read();
        inner
            .tables
            .get(gr)
            .map(|t| t.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// Stores `obj` (new or replacing) if `check` passes; stamps and returns the new rv.
    /// `check` sees the current object's resourceVersion (if any) under the write lock, so
    /// checks are atomic.
    pub fn put<E>(
        &self,
        gr: &GroupResource,
        key: ObjKey,
        mut obj: Value,
        check: impl FnOnce(Option<u64>) -> Result<(), E>,
    ) -> Result<Value, E> {
        let mut inner = self.inner.write();
        let previous = inner.tables.get(gr).and_then(|t| t.get(&key)).cloned();
        check(previous.as_ref().map(|e| e.rv))?;
        inner.rv += 1;
        let rv = inner.rv;
        set_rv(&mut obj, rv);
        let raw: Raw = Arc::from(obj.to_string());
        inner.tables.entry(gr.clone()).or_default().insert(
            key.clone(),
            Entry {
                rv,
                raw: raw.clone(),
            },
        );
        let kind = if previous.is_some() {
            EventType::Modified
        } else {
            EventType::Added
        };
        Self::record(&mut inner, gr, kind, key.0, raw, previous.map(|e| e.raw));
        drop(inner);
        self.notify.send_replace(rv);
        Ok(obj)
    }

    /// Removes an object if its resourceVersion passes `check`; returns it stamped with the
    /// deletion's rv.
    pub fn remove<E>(
        &self,
        gr: &GroupResource,
        key: &ObjKey,
        check: impl FnOnce(u64) -> Result<(), E>,
    ) -> Result<Option<Value>, E> {
        let mut inner = self.inner.write();
        let Some(current) = inner.tables.get(gr).and_then(|t| t.get(key)).cloned() else {
            return Ok(None);
        };
        check(current.rv)?;
        if let Some(t) = inner.tables.get_mut(gr) {
            t.remove(key);
        }
        inner.rv += 1;
        let rv = inner.rv;
        let mut gone = parse(&current.raw);
        set_rv(&mut gone, rv);
        Self::record(
            &mut inner,
            gr,
            EventType::Deleted,
            key.0.clone(),
            Arc::from(gone.to_string()),
            Some(current.raw),
        );
        drop(inner);
        self.notify.send_replace(rv);
        Ok(Some(gone))
    }

    fn record(
        inner: &mut Inner,
        gr: &GroupResource,
        kind: EventType,
        namespace: String,
        object: Raw,
        previous: Option<Raw>,
    ) {
        let rv = inner.rv;
        inner.history.push_back(Arc::new(StoredEvent {
            rv,
            gr: gr.clone(),
            kind,
            namespace,
            object,
            previous,
            at: Instant::now(),
        }));
        while inner.history.len() > inner.history_limit {
            if let Some(e) = inner.history.pop_front() {
                inner.compacted = e.rv;
            }
        }
    }

    /// Events after `rv`, or `TooOld` when the history no longer reaches back that far.
    pub fn events_since(&self, rv: u64, max: usize) -> Result<Vec<Arc<StoredEvent>>, TooOld> {
        let inner = self.inner.read();
        if rv < inner.compacted {
            return Err(TooOld {
                requested: rv,
                oldest: inner.compacted,
            });
        }
        let start = inner.history.partition_point(|e| e.rv <= rv);
        Ok(inner.history.range(start..).take(max).cloned().collect())
    }

    /// Checks that `rv` can still be served (continue tokens, exact lists).
    pub fn check_not_compacted(&self, rv: u64) -> Result<(), TooOld> {
        let inner = self.inner.read();
        if rv < inner.compacted {
            Err(TooOld {
                requested: rv,
                oldest: inner.compacted,
            })
        } else {
            Ok(())
        }
    }

    /// Forgets the whole history and moves the rv on, so every older resourceVersion is
    /// `410 Gone` (what an etcd compaction does to a lagging watcher).
    pub fn compact(&self) -> u64 {
        let mut inner = self.inner.write();
        inner.rv += 1;
        inner.compacted = inner.rv;
        inner.history.clear();
        let rv = inner.rv;
        drop(inner);
        self.notify.send_replace(rv);
        rv
    }

    /// Number of stored objects (all kinds).
    pub fn object_count(&self) -> usize {
        self.inner.read().tables.values().map(BTreeMap::len).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(name: &str) -> Value {
        json!({"metadata": {"name": name}})
    }

    #[test]
    fn history_is_bounded_and_reports_too_old() {
        let s = Store::new(3);
        let gr = GroupResource::new("", "configmaps");
        for i in 0..5 {
            s.put::<()>(
                &gr,
                ("ns".into(), format!("c{i}")),
                obj(&format!("c{i}")),
                |_| Ok(()),
            )
            .unwrap();
        }
        // rv went 1 -> 6; only the last three events (4, 5, 6) are kept.
        assert_eq!(s.current_rv(), 6);
        assert!(s.events_since(1, 100).is_err());
        let ev = s.events_since(3, 100).unwrap();
        assert_eq!(ev.iter().map(|e| e.rv).collect::<Vec<_>>(), [4, 5, 6]);
        let rv = s.compact();
        assert!(s.events_since(rv - 1, 10).is_err());
        assert!(s.events_since(rv, 10).unwrap().is_empty());
    }

    #[test]
    fn list_pages_within_a_namespace() {
        let s = Store::new(100);
        let gr = GroupResource::new("", "configmaps");
        for ns in ["a", "b"] {
            for i in 0..3 {
                s.put::<()>(&gr, (ns.into(), format!("c{i}")), obj("x"), |_| Ok(()))
                    .unwrap();
            }
        }
        let (page, more, remaining, _) = s.list(&gr, Some("b"), None, Some(2), &|_| true);
        assert_eq!((page.len(), remaining), (2, 1));
        let (page, more, _, _) = s.list(&gr, Some("b"), more.as_ref(), Some(2), &|_| true);
        assert_eq!(page.len(), 1);
        assert!(more.is_none());
        let (all, ..) = s.list(&gr, None, None, None, &|_| true);
        assert_eq!(all.len(), 6);
    }
}
