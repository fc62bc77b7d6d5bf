//! `ClusterState`: the in-memory index of every Kubernetes object the model reads,
//! one ordered map per kind (linkerd policy-controller style). Ingestion calls
//! `apply` / `delete` / `reset`; `model::build` only reads it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use k8s_openapi::api::core::v1::{Namespace, Node, Pod, Secret, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::networking::v1::{Ingress, IngressClass};
use kube::Resource;

use super::key::{KeyView, Kind, ObjectKey};
use crate::crd::{AviInfraSetting, HTTPRule, HostRule, Route};

/// Label that ties an EndpointSlice to its Service.
pub const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";

type Index<T> = BTreeMap<ObjectKey, Arc<T>>;

/// Everything the model reads, indexed by [`ObjectKey`].
#[derive(Debug, Clone, Default)]
pub struct ClusterState {
    namespaces: Index<Namespace>,
    nodes: Index<Node>,
    secrets: Index<Secret>,
    services: Index<Service>,
    endpoint_slices: Index<EndpointSlice>,
    pods: Index<Pod>,
    ingress_classes: Index<IngressClass>,
    ingresses: Index<Ingress>,
    routes: Index<Route>,
    infra_settings: Index<AviInfraSetting>,
    host_rules: Index<HostRule>,
    http_rules: Index<HTTPRule>,
    /// namespace -> service -> its EndpointSlices.
    slices_by_service: BTreeMap<String, BTreeMap<String, BTreeSet<ObjectKey>>>,
}

/// A kind `ClusterState` indexes.
pub trait StateObject: Resource + Sized + 'static {
    const KIND: Kind;
    fn index(state: &ClusterState) -> &Index<Self>;
    fn index_mut(state: &mut ClusterState) -> &mut Index<Self>;
}

macro_rules! state_object {
    ($ty:ty, $kind:expr, $field:ident) => {
        impl StateObject for $ty {
            const KIND: Kind = $kind;
            fn index(state: &ClusterState) -> &Index<Self> {
                &state.$field
            }
            fn index_mut(state: &mut ClusterState) -> &mut Index<Self> {
                &mut state.$field
            }
        }
    };
}

state_object!(Namespace, Kind::Namespace, namespaces);
state_object!(Node, Kind::Node, nodes);
state_object!(Secret, Kind::Secret, secrets);
state_object!(Service, Kind::Service, services);
state_object!(EndpointSlice, Kind::EndpointSlice, endpoint_slices);
state_object!(Pod, Kind::Pod, pods);
state_object!(IngressClass, Kind::IngressClass, ingress_classes);
state_object!(Ingress, Kind::Ingress, ingresses);
state_object!(Route, Kind::Route, routes);
state_object!(AviInfraSetting, Kind::AviInfraSetting, infra_settings);
state_object!(HostRule, Kind::HostRule, host_rules);
state_object!(HTTPRule, Kind::HttpRule, http_rules);

/// The key of a typed object.
pub fn key_of<T: StateObject>(obj: &T) -> ObjectKey {
    let meta = obj.meta();
    let namespace = if T::KIND.is_namespaced() {
        meta.namespace.clone().unwrap_or_default()
    } else {
        String::new()
    };
    ObjectKey::new(T::KIND, namespace, meta.name.clone().unwrap_or_default())
}

fn slice_service(slice: &EndpointSlice) -> Option<(String, String)> {
    let svc = slice.metadata.labels.as_ref()?.get(SERVICE_NAME_LABEL)?;
    Some((
        slice.metadata.namespace.clone().unwrap_or_default(),
        svc.clone(),
    ))
}

impl ClusterState {
    pub fn new() -> Self {
        Self::default()
    }

    /// Inserts or replaces an object; returns its key.
    pub fn apply<T: StateObject>(&mut self, obj: T) -> ObjectKey {
        self.apply_arc(Arc::new(obj))
    }

    /// Inserts or replaces an already shared object; returns its key.
    pub fn apply_arc<T: StateObject>(&mut self, obj: Arc<T>) -> ObjectKey {
        let key = key_of(obj.as_ref());
        if T::KIND == Kind::EndpointSlice {
            self.unindex_slice(&key);
        }
        T::index_mut(self).insert(key.clone(), obj);
        if T::KIND == Kind::EndpointSlice {
            self.index_slice(&key);
        }
        key
    }

    /// Removes an object; returns whether it was present.
    pub fn delete(&mut self, key: &ObjectKey) -> bool {
        match key.kind {
            Kind::Namespace => self.namespaces.remove(key).is_some(),
            Kind::Node => self.nodes.remove(key).is_some(),
            Kind::Secret => self.secrets.remove(key).is_some(),
            Kind::Service => self.services.remove(key).is_some(),
            Kind::EndpointSlice => {
                self.unindex_slice(key);
                self.endpoint_slices.remove(key).is_some()
            }
            Kind::Pod => self.pods.remove(key).is_some(),
            Kind::IngressClass => self.ingress_classes.remove(key).is_some(),
            Kind::Ingress => self.ingresses.remove(key).is_some(),
            Kind::Route => self.routes.remove(key).is_some(),
            Kind::AviInfraSetting => self.infra_settings.remove(key).is_some(),
            Kind::HostRule => self.host_rules.remove(key).is_some(),
            Kind::HttpRule => self.http_rules.remove(key).is_some(),
        }
    }

    /// Replaces every object of one kind (a watcher's relist).
    pub fn reset<T: StateObject>(&mut self, list: impl IntoIterator<Item = T>) {
        if T::KIND == Kind::EndpointSlice {
            self.slices_by_service.clear();
        }
        T::index_mut(self).clear();
        for obj in list {
            self.apply(obj);
        }
    }

    /// The object `ns/name` of kind `T` (`ns` empty for cluster-scoped kinds).
    pub fn get<T: StateObject>(&self, ns: &str, name: &str) -> Option<&Arc<T>> {
        T::index(self).get(&(T::KIND, ns, name) as &dyn KeyView)
    }

    /// Every object of kind `T`, in key order.
    pub fn iter<T: StateObject>(&self) -> impl Iterator<Item = (&ObjectKey, &Arc<T>)> {
        T::index(self).iter()
    }

    /// Objects of kind `T` in namespace `ns`, in key order.
    pub fn in_namespace<'a, T: StateObject>(
        &'a self,
        ns: &'a str,
    ) -> impl Iterator<Item = (&'a ObjectKey, &'a Arc<T>)> + 'a {
        let start = ObjectKey::new(T::KIND, ns, "");
        T::index(self)
            .range(start..)
            .take_while(move |(k, _)| k.namespace == ns)
    }

    /// Number of objects of kind `T`.
    pub fn count<T: StateObject>(&self) -> usize {
        T::index(self).len()
    }

    /// The EndpointSlices of Service `ns/svc`, in key order.
    pub fn endpoint_slices_of<'a>(
        &'a self,
        ns: &str,
        svc: &str,
    ) -> impl Iterator<Item = &'a Arc<EndpointSlice>> + 'a {
        self.slices_by_service
            .get(ns)
            .and_then(|by_svc| by_svc.get(svc))
            .into_iter()
            .flatten()
            .filter_map(|k| self.endpoint_slices.get(k))
    }

    fn index_slice(&mut self, key: &ObjectKey) {
        if let Some((ns, svc)) = self.endpoint_slices.get(key).and_then(|s| slice_service(s)) {
            self.slices_by_service
                .entry(ns)
                .or_default()
                .entry(svc)
                .or_default()
                .insert(key.clone());
        }
    }

    fn unindex_slice(&mut self, key: &ObjectKey) {
        let Some((ns, svc)) = self.endpoint_slices.get(key).and_then(|s| slice_service(s)) else {
            return;
        };
        let Some(by_svc) = self.slices_by_service.get_mut(&ns) else {
            return;
        };
        if let Some(set) = by_svc.get_mut(&svc) {
            set.remove(key);
            if set.is_empty() {
                by_svc.remove(&svc);
            }
        }
        if by_svc.is_empty() {
            self.slices_by_service.remove(&ns);
        }
    }
}
