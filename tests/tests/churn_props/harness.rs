//! The system under test for one property case: avi-sim (one per process, reset per
//! case), a fresh kube-sim with AKO's namespace, ConfigMap, Secret, StatefulSet, pods,
//! IngressClass and CRDs (what the scenario runner installs), and controller instances
//! `ako-0` / `ako-1` started in-process with fast timings. Kubernetes objects are
//! applied as plain manifests so the same values can be written into a scenario.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use ako::controller::{
    Controller, ControllerDeps, ControllerHandle, ControllerOptions, ControllerStatus,
};
use ako::model::{ClusterState, StateObject};
use k8s_fixtures::build::{self, AKO_NAMESPACE};
use k8s_fixtures::kube_sim;
use k8s_openapi::api::core::v1::{Namespace, Node, Secret, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::networking::v1::Ingress;
use kube::api::{Api, ApiResource, DeleteParams, DynamicObject, GroupVersionKind, PostParams};
use serde_json::{Value, json};

use super::objects::{KubeChange, ObjId, id_of};

pub const CLUSTER: &str = "c1";
pub const SHARD_SIZE: &str = "MEDIUM";
pub const SHARD_COUNT: u32 = 4;
pub const VIP_NETWORKS: &str = r#"[{"networkName":"vip-network","cidr":"10.10.10.0/24"}]"#;
pub const INSTANCES: [&str; 2] = ["ako-0", "ako-1"];
/// Upper bound for one convergence; a hang is a failure, not a stuck CI job.
const PATIENCE: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(10);

struct Shared {
    rt: tokio::runtime::Runtime,
    avi: avi_sim::Handle,
}

fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime");
        let avi = rt
            .block_on(avi_sim::spawn(avi_sim::Config::default()))
            .expect("avi-sim starts");
        Shared { rt, avi }
    })
}

/// Runs `f` on the process-wide runtime that serves avi-sim.
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    shared().rt.block_on(f)
}

/// The ConfigMap data every case runs with (the scenario's `settings` say the same).
pub fn configmap_data(avi_url: &str) -> BTreeMap<String, String> {
    let (k, v) = super::machine::SCOPE_LABEL;
    [
        ("clusterName", CLUSTER),
        ("controllerIP", avi_url),
        ("vipNetworkList", VIP_NETWORKS),
        ("fullSyncFrequency", "0"),
        ("shardVSSize", SHARD_SIZE),
        ("nsSyncLabelKey", k),
        ("nsSyncLabelValue", v),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

pub struct World {
    pub avi: &'static avi_sim::Handle,
    /// Kept so kube-sim runs as long as the case.
    _kube: kube_sim::Handle,
    pub client: kube::Client,
    pub instances: BTreeMap<&'static str, ControllerHandle>,
    /// Churned objects that exist, with the resourceVersion last written.
    pub present: BTreeMap<ObjId, u64>,
    /// Churned objects deleted and not re-created.
    pub gone: BTreeSet<ObjId>,
}

fn api_for(client: &kube::Client, id: &ObjId) -> Api<DynamicObject> {
    let (group, version, plural, namespaced) = match id.kind {
        "Namespace" => ("", "v1", "namespaces", false),
        "Service" => ("", "v1", "services", true),
        "Secret" => ("", "v1", "secrets", true),
        "ConfigMap" => ("", "v1", "configmaps", true),
        "Pod" => ("", "v1", "pods", true),
        "Node" => ("", "v1", "nodes", false),
        "EndpointSlice" => ("discovery.k8s.io", "v1", "endpointslices", true),
        "Ingress" => ("networking.k8s.io", "v1", "ingresses", true),
        "IngressClass" => ("networking.k8s.io", "v1", "ingressclasses", false),
        "StatefulSet" => ("apps", "v1", "statefulsets", true),
        "CustomResourceDefinition" => (
            "apiextensions.k8s.io",
            "v1",
            "customresourcedefinitions",
            false,
        ),
        other => panic!("no API for kind {other}"),
    };
    let gvk = GroupVersionKind::gvk(group, version, id.kind);
    let ar = ApiResource::from_gvk_with_plural(&gvk, plural);
    match (&id.ns, namespaced) {
        (Some(ns), true) => Api::namespaced_with(client.clone(), ns, &ar),
        _ => Api::all_with(client.clone(), &ar),
    }
}

/// Create or replace (like `kubectl apply` of a whole object); the new resourceVersion.
async fn apply(client: &kube::Client, v: &Value) -> Result<u64, String> {
    let id = id_of(v);
    let api = api_for(client, &id);
    let mut obj: DynamicObject =
        serde_json::from_value(v.clone()).map_err(|e| format!("{id}: {e}"))?;
    let cur = api
        .get_opt(&id.name)
        .await
        .map_err(|e| format!("get {id}: {e}"))?;
    let stored = match cur {
        Some(cur) => {
            obj.metadata.resource_version = cur.metadata.resource_version;
            api.replace(&id.name, &PostParams::default(), &obj).await
        }
        None => api.create(&PostParams::default(), &obj).await,
    }
    .map_err(|e| format!("apply {id}: {e}"))?;
    Ok(rv_of(stored.metadata.resource_version.as_deref()))
}

fn rv_of(rv: Option<&str>) -> u64 {
    rv.and_then(|r| r.parse().ok()).unwrap_or(0)
}

fn seen_rv<T: StateObject>(state: &ClusterState, id: &ObjId) -> Option<u64> {
    let ns = id.ns.as_deref().unwrap_or("");
    state
        .get::<T>(ns, &id.name)
        .map(|o| rv_of(o.meta().resource_version.as_deref()))
}

/// The resourceVersion of `id` in the controller's view, if it has it.
fn seen(state: &ClusterState, id: &ObjId) -> Option<u64> {
    match id.kind {
        "Namespace" => seen_rv::<Namespace>(state, id),
        "Service" => seen_rv::<Service>(state, id),
        "EndpointSlice" => seen_rv::<EndpointSlice>(state, id),
        "Secret" => seen_rv::<Secret>(state, id),
        "Ingress" => seen_rv::<Ingress>(state, id),
        "Node" => seen_rv::<Node>(state, id),
        other => panic!("churn objects do not include kind {other}"),
    }
}

impl World {
    /// A fresh case: avi-sim reset, a new kube-sim with AKO installed, nothing started.
    pub async fn new() -> Result<World, String> {
        let avi = &shared().avi;
        avi.reset();
        let mut cfg = kube_sim::Config::default();
        cfg.namespaces.push(AKO_NAMESPACE.to_owned());
        let kube = kube_sim::spawn_with(cfg).await.map_err(|e| e.to_string())?;
        let client = kube.client();
        let mut setup: Vec<Value> = k8s_fixtures::crds::all_crds()
            .iter()
            .map(|c| serde_json::to_value(c).expect("CRD serialises"))
            .collect();
        setup.push(json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "avi-k8s-config", "namespace": AKO_NAMESPACE},
            "data": configmap_data(&avi.url()),
        }));
        setup.push(to(&build::avi_secret(avi.username(), avi.password())));
        setup.push(to(&build::ako_statefulset().replicas(2).build()));
        setup.push(to(&build::ingress_class("avi-lb").default_class().build()));
        for name in INSTANCES {
            setup.push(to(&build::pod(AKO_NAMESPACE, name).build()));
        }
        for v in &setup {
            apply(&client, v).await?;
        }
        Ok(World {
            avi,
            _kube: kube,
            client,
            instances: BTreeMap::new(),
            present: BTreeMap::new(),
            gone: BTreeSet::new(),
        })
    }

    pub fn start(&mut self, name: &'static str) {
        let mut deps = ControllerDeps::new(self.client.clone(), AKO_NAMESPACE, name);
        deps.options = ControllerOptions::fast();
        self.instances.insert(name, Controller::start(deps));
    }

    pub async fn stop(&mut self, name: &str) {
        if let Some(h) = self.instances.remove(name) {
            h.shutdown().await;
        }
    }

    pub async fn kill(&mut self, name: &str) {
        if let Some(h) = self.instances.remove(name) {
            h.abort().await;
        }
    }

    /// The instance holding the Lease by its own account, else `ako-0`.
    pub fn leader(&self) -> &'static str {
        self.instances
            .iter()
            .find(|(_, h)| h.status().leader)
            .map(|(n, _)| *n)
            .unwrap_or("ako-0")
    }

    pub async fn change(&mut self, c: &KubeChange) -> Result<(), String> {
        for v in &c.apply {
            let id = id_of(v);
            let rv = apply(&self.client, v).await?;
            self.gone.remove(&id);
            self.present.insert(id, rv);
        }
        for id in &c.delete {
            match api_for(&self.client, id)
                .delete(&id.name, &DeleteParams::default())
                .await
            {
                Ok(_) => {}
                Err(kube::Error::Api(e)) if e.code == 404 => {}
                Err(e) => return Err(format!("delete {id}: {e}")),
            }
        }
        for id in c.delete.iter().chain(&c.cascaded) {
            self.present.remove(id);
            self.gone.insert(id.clone());
        }
        Ok(())
    }

    /// Waits until the leader converged on a view holding every churned object at its
    /// latest version and none of the deleted ones.
    pub async fn converge(&self) -> Result<ControllerStatus, String> {
        let started = Instant::now();
        let up_to_date = |s: &ClusterState| {
            self.present
                .iter()
                .all(|(id, rv)| seen(s, id).is_some_and(|have| have >= *rv))
                && self.gone.iter().all(|id| seen(s, id).is_none())
        };
        loop {
            for h in self.instances.values() {
                let s = h.status();
                if s.leader && s.is_converged() && up_to_date(&s.state) {
                    return Ok(s);
                }
            }
            if started.elapsed() > PATIENCE {
                let states: Vec<String> = self
                    .instances
                    .iter()
                    .map(|(n, h)| {
                        let s = h.status();
                        format!(
                            "{n}: {:?} leader {} pending {} errors {:?}",
                            s.phase,
                            s.leader,
                            s.pending,
                            s.report.errors.iter().take(3).collect::<Vec<_>>()
                        )
                    })
                    .collect();
                return Err(format!(
                    "no convergence within {}s: {}",
                    PATIENCE.as_secs(),
                    states.join("; ")
                ));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The holder of the `ako-lease-lock` Lease.
    pub async fn lease_holder(&self) -> Option<String> {
        use k8s_openapi::api::coordination::v1::Lease;
        let api: Api<Lease> = Api::namespaced(self.client.clone(), AKO_NAMESPACE);
        let lease = api.get_opt(ako::kube::LEASE_NAME).await.ok()??;
        lease.spec?.holder_identity
    }

    pub async fn teardown(mut self) {
        let names: Vec<&'static str> = self.instances.keys().copied().collect();
        for n in names {
            self.stop(n).await;
        }
    }
}

fn to<T: serde::Serialize>(o: &T) -> Value {
    serde_json::to_value(o).expect("fixture serialises")
}
