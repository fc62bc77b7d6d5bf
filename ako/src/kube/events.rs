//! Kubernetes Events (events.k8s.io/v1, reporting controller
//! `avi-kubernetes-operator`) and [`DiagnosticReporter`], which turns every model
//! diagnostic into one structured log line (`key = "Ingress/ns/name"`) and, on the
//! leader with events enabled, one Event — each only when it is new, not every loop.

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::{Namespace, Node, ObjectReference, Pod, Secret, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::events::v1::Event;
use k8s_openapi::api::networking::v1::{Ingress, IngressClass};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta};
use k8s_openapi::jiff::Timestamp;
use kube::api::{Api, PostParams};
use tokio::sync::watch;

use super::error::{KubeError, timed};
use crate::crd::{AviInfraSetting, HTTPRule, HostRule, Route};
use crate::model::{ClusterState, Diagnostic, Kind, ObjectKey, Severity, StateObject};

/// The original's event component name.
pub const COMPONENT: &str = "avi-kubernetes-operator";

/// Event severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    Normal,
    Warning,
}

/// Publishes Events as `avi-kubernetes-operator` / this instance.
#[derive(Clone)]
pub struct Events {
    client: kube::Client,
    instance: String,
}

fn api_version(kind: Kind) -> &'static str {
    match kind {
        Kind::Namespace | Kind::Node | Kind::Secret | Kind::Service | Kind::Pod => "v1",
        Kind::EndpointSlice => "discovery.k8s.io/v1",
        Kind::Ingress | Kind::IngressClass => "networking.k8s.io/v1",
        Kind::Route => "route.openshift.io/v1",
        Kind::AviInfraSetting | Kind::HostRule | Kind::HttpRule => "ako.vmware.com/v1beta1",
    }
}

fn uid<T: StateObject>(state: &ClusterState, key: &ObjectKey) -> Option<String> {
    state
        .get::<T>(&key.namespace, &key.name)
        .and_then(|o| o.meta().uid.clone())
}

/// A reference to `key` for an Event, with its uid when the state has the object.
pub fn object_reference(state: &ClusterState, key: &ObjectKey) -> ObjectReference {
    let uid = match key.kind {
        Kind::Namespace => uid::<Namespace>(state, key),
        Kind::Node => uid::<Node>(state, key),
        Kind::Secret => uid::<Secret>(state, key),
        Kind::Service => uid::<Service>(state, key),
        Kind::EndpointSlice => uid::<EndpointSlice>(state, key),
        Kind::Pod => uid::<Pod>(state, key),
        Kind::IngressClass => uid::<IngressClass>(state, key),
        Kind::Ingress => uid::<Ingress>(state, key),
        Kind::Route => uid::<Route>(state, key),
        Kind::AviInfraSetting => uid::<AviInfraSetting>(state, key),
        Kind::HostRule => uid::<HostRule>(state, key),
        Kind::HttpRule => uid::<HTTPRule>(state, key),
    };
    ObjectReference {
        api_version: Some(api_version(key.kind).to_owned()),
        kind: Some(key.kind.as_str().to_owned()),
        namespace: (!key.namespace.is_empty()).then(|| key.namespace.clone()),
        name: Some(key.name.clone()),
        uid,
        ..ObjectReference::default()
    }
}

impl Events {
    /// `instance` is this pod's name.
    pub fn new(client: kube::Client, instance: &str) -> Self {
        Self {
            client,
            instance: instance.to_owned(),
        }
    }

    /// Creates one Event about `regarding` (cluster-scoped objects: in `default`).
    pub async fn publish(
        &self,
        regarding: &ObjectReference,
        type_: EventType,
        reason: &str,
        note: &str,
    ) -> Result<(), KubeError> {
        let namespace = regarding
            .namespace
            .clone()
            .unwrap_or_else(|| "default".into());
        let now = Timestamp::now();
        let object = regarding.name.clone().unwrap_or_default();
        let event = Event {
            metadata: ObjectMeta {
                name: Some(format!("{object}.{:x}", now.as_nanosecond())),
                namespace: Some(namespace.clone()),
                ..ObjectMeta::default()
            },
            event_time: Some(MicroTime(now)),
            action: Some("Sync".into()),
            reason: Some(reason.to_owned()),
            // events.k8s.io caps the note at 1 kB.
            note: Some(note.chars().take(1000).collect()),
            regarding: Some(regarding.clone()),
            reporting_controller: Some(COMPONENT.into()),
            reporting_instance: Some(self.instance.clone()),
            type_: Some(
                match type_ {
                    EventType::Normal => "Normal",
                    EventType::Warning => "Warning",
                }
                .into(),
            ),
            ..Event::default()
        };
        let api: Api<Event> = Api::namespaced(self.client.clone(), &namespace);
        let kind = regarding.kind.as_deref().unwrap_or("object");
        let key = format!("{kind}/{namespace}/{object}");
        timed("create event for", key.clone(), async {
            api.create(&PostParams::default(), &event)
                .await
                .map(|_| ())
                .map_err(|e| KubeError::api("create event for", key.clone(), e))
        })
        .await
    }
}

/// Logs and publishes diagnostics once each (until they go away and come back).
pub struct DiagnosticReporter {
    events: Events,
    leader: watch::Receiver<bool>,
    logged: BTreeSet<Diagnostic>,
    published: BTreeSet<Diagnostic>,
}

impl DiagnosticReporter {
    /// Events are published only while `leader` is true (B14).
    pub fn new(events: Events, leader: watch::Receiver<bool>) -> Self {
        Self {
            events,
            leader,
            logged: BTreeSet::new(),
            published: BTreeSet::new(),
        }
    }

    /// Reports the diagnostics of one build; returns how many Events were created.
    pub async fn report(
        &mut self,
        state: &ClusterState,
        diagnostics: &[Diagnostic],
        enable_events: bool,
    ) -> usize {
        let current: BTreeSet<Diagnostic> = diagnostics.iter().cloned().collect();
        for d in current.difference(&self.logged) {
            match d.severity {
                Severity::Warning => {
                    tracing::warn!(key = %d.object, reason = %d.reason, "{}", d.message)
                }
                Severity::Error => {
                    tracing::error!(key = %d.object, reason = %d.reason, "{}", d.message)
                }
            }
        }
        self.logged = current.clone();
        self.published.retain(|d| current.contains(d));
        if !enable_events || !*self.leader.borrow() {
            return 0;
        }
        let mut created = 0;
        for d in current.difference(&self.published.clone()) {
            let reference = object_reference(state, &d.object);
            match self
                .events
                .publish(&reference, EventType::Warning, &d.reason, &d.message)
                .await
            {
                Ok(()) => {
                    self.published.insert(d.clone());
                    created += 1;
                }
                Err(error) => tracing::warn!(key = %d.object, %error, "event not published"),
            }
        }
        created
    }
}
