//! `Ingestion`: one kube-rs watcher per watched kind feeding one shared
//! [`ClusterState`], a generation counter that changes on every applied delta, and
//! per-kind "initial list done in this process" tracking (B2).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

use k8s_openapi::api::core::v1::{Namespace, Node, Pod, Secret, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::networking::v1::{Ingress, IngressClass};
use kube::api::{Api, ListParams};
use kube::runtime::watcher;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::crd_watch::{self, CrdWatch};
use super::error::{KubeError, is_not_found};
use super::kind_watch;
use crate::config::{AkoConfig, ServiceType};
use crate::crd::Route;
use crate::model::{ClusterState, Kind};

/// Secrets Helm stores releases in: never needed, often large (spec §13.1).
pub const SECRET_FIELD_SELECTOR: &str = "type!=helm.sh/release.v1";

/// Where the current CRD manifests are, for the fix AKO prints when they are old (F30).
pub const DEFAULT_CRD_SOURCE: &str = "k8s-fixtures/crds/";

/// What to watch.
#[derive(Debug, Clone)]
pub struct IngestConfig {
    /// Namespaces whose objects are never stored (`blockedNamespaceList`).
    pub blocked_namespaces: BTreeSet<String>,
    /// `Some` forces OpenShift mode on or off; `None` detects it: the cluster serves
    /// `route.openshift.io/v1` Routes → Routes are watched and processed; Ingresses
    /// are still watched, only to report each as ignored (F15).
    pub openshift: Option<bool>,
    /// NodePortLocal mode: Pods are watched too.
    pub node_port_local: bool,
    /// How often an old-CRD fallback checks whether v1beta1 is served yet.
    pub crd_probe_interval: Duration,
    /// The path or URL printed in the `kubectl apply -f` fix of F30.
    pub crd_source: String,
}

impl IngestConfig {
    /// Watch what `cfg` needs. OpenShift mode is forced by `cfg.openshift`, else detected.
    pub fn from_config(cfg: &AkoConfig) -> Self {
        Self {
            blocked_namespaces: cfg.blocked_namespaces.clone(),
            openshift: cfg.openshift.then_some(true),
            node_port_local: cfg.service_type == ServiceType::NodePortLocal,
            crd_probe_interval: Duration::from_secs(30),
            crd_source: DEFAULT_CRD_SOURCE.to_owned(),
        }
    }
}

/// State shared by every watcher task.
pub(crate) struct Shared {
    state: RwLock<ClusterState>,
    generation: watch::Sender<u64>,
    /// Watched kinds → whether their initial list completed in this process.
    listed: Mutex<BTreeMap<Kind, bool>>,
    blocked: BTreeSet<String>,
}

impl Shared {
    /// Whether objects of `namespace` are dropped at ingestion.
    pub(crate) fn blocked(&self, namespace: Option<&str>) -> bool {
        namespace.is_some_and(|ns| self.blocked.contains(ns))
    }

    /// Changes the state and announces a new generation.
    pub(crate) fn update<R>(&self, f: impl FnOnce(&mut ClusterState) -> R) -> R {
        let r = f(&mut self.state.write().unwrap_or_else(PoisonError::into_inner));
        self.generation.send_modify(|g| *g += 1);
        r
    }

    pub(crate) fn mark_listed(&self, kind: Kind) {
        let mut listed = self.listed.lock().unwrap_or_else(PoisonError::into_inner);
        if listed.insert(kind, true) != Some(true) {
            tracing::info!(%kind, "initial list complete");
        }
    }
}

/// The running watchers. Dropping it stops them.
pub struct Ingestion {
    shared: Arc<Shared>,
    openshift: bool,
    crd: Arc<CrdWatch>,
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for Ingestion {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

impl Ingestion {
    /// Starts every watcher. Fails only if OpenShift detection could not get an
    /// answer (a read error never decides the mode); list failures of single kinds
    /// are retried in the background and keep [`Ingestion::all_synced`] false.
    pub async fn start(client: kube::Client, cfg: IngestConfig) -> Result<Self, KubeError> {
        let openshift = match cfg.openshift {
            Some(o) => o,
            None => detect_openshift(&client).await?,
        };
        let mut kinds = vec![
            Kind::Namespace,
            Kind::Node,
            Kind::Secret,
            Kind::Service,
            Kind::EndpointSlice,
            Kind::AviInfraSetting,
            Kind::HostRule,
            Kind::HttpRule,
            // On OpenShift too: the model reports each Ingress as ignored (F15).
            Kind::Ingress,
        ];
        kinds.push(if openshift {
            Kind::Route
        } else {
            Kind::IngressClass
        });
        if cfg.node_port_local {
            kinds.push(Kind::Pod);
        }
        let shared = Arc::new(Shared {
            state: RwLock::new(ClusterState::new()),
            generation: watch::channel(0).0,
            listed: Mutex::new(kinds.iter().map(|k| (*k, false)).collect()),
            blocked: cfg.blocked_namespaces.clone(),
        });
        let crd = Arc::new(CrdWatch::new(
            cfg.crd_probe_interval,
            cfg.crd_source.clone(),
        ));
        let all = watcher::Config::default();
        let s = &shared;
        let mut tasks = vec![
            kind_watch::spawn::<Namespace>(s, Api::all(client.clone()), all.clone()),
            kind_watch::spawn::<Node>(s, Api::all(client.clone()), all.clone()),
            kind_watch::spawn::<Secret>(
                s,
                Api::all(client.clone()),
                all.clone().fields(SECRET_FIELD_SELECTOR),
            ),
            kind_watch::spawn::<Service>(s, Api::all(client.clone()), all.clone()),
            kind_watch::spawn::<EndpointSlice>(s, Api::all(client.clone()), all.clone()),
            kind_watch::spawn::<Ingress>(s, Api::all(client.clone()), all.clone()),
        ];
        tasks.push(if openshift {
            kind_watch::spawn::<Route>(s, Api::all(client.clone()), all)
        } else {
            kind_watch::spawn::<IngressClass>(s, Api::all(client.clone()), all)
        });
        if cfg.node_port_local {
            tasks.push(kind_watch::spawn::<Pod>(
                s,
                Api::all(client.clone()),
                Default::default(),
            ));
        }
        tasks.extend(crd_watch::spawn_all(s, &crd, &client));
        tracing::info!(openshift, kinds = ?kinds, "kubernetes ingestion started");
        Ok(Self {
            shared,
            openshift,
            crd,
            tasks,
        })
    }

    /// Whether Routes are watched (and Ingresses only reported as ignored); the
    /// model must use the same mode.
    pub fn openshift(&self) -> bool {
        self.openshift
    }

    /// A copy of the current state (objects are shared, so this copies pointers).
    pub fn snapshot(&self) -> ClusterState {
        self.with_state(ClusterState::clone)
    }

    /// Runs `f` on the current state under the read lock (keep it short, no awaits).
    pub fn with_state<R>(&self, f: impl FnOnce(&ClusterState) -> R) -> R {
        f(&self
            .shared
            .state
            .read()
            .unwrap_or_else(PoisonError::into_inner))
    }

    /// A receiver whose value (a generation counter) changes on every applied delta.
    pub fn changes(&self) -> watch::Receiver<u64> {
        self.shared.generation.subscribe()
    }

    /// True once every watched kind completed its initial list in this process.
    /// Until then nothing may be deleted from Avi (B2).
    pub fn all_synced(&self) -> bool {
        self.unsynced().is_empty()
    }

    /// Watched kinds whose initial list has not completed yet.
    pub fn unsynced(&self) -> Vec<Kind> {
        let listed = self
            .shared
            .listed
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        listed
            .iter()
            .filter(|(_, ok)| !**ok)
            .map(|(k, _)| *k)
            .collect()
    }

    /// The version a CRD kind is read at right now (`v1beta1`, `v1alpha1` in the
    /// old-CRD fallback of F30), `None` while unknown or when the CRD is absent.
    pub fn crd_version(&self, kind: Kind) -> Option<&'static str> {
        self.crd.version(kind)
    }
}

/// OpenShift iff listing Routes succeeds; a 404 means "not OpenShift"; any other
/// error is returned (the mode is never guessed from a failed read).
async fn detect_openshift(client: &kube::Client) -> Result<bool, KubeError> {
    let api: Api<Route> = Api::all(client.clone());
    match api.list(&ListParams::default().limit(1)).await {
        Ok(_) => Ok(true),
        Err(e) if is_not_found(&e) => Ok(false),
        Err(e) => Err(KubeError::api("list", "routes.route.openshift.io", e)),
    }
}
