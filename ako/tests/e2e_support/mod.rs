//! Shared by the `e2e_*` tests: avi-sim + kube-sim in-process with AKO's namespace,
//! ConfigMap, `avi-secret`, StatefulSet and CRDs; controllers started against them;
//! a sample cluster; and the checks every test makes from avi-sim's store and
//! per-client request log (never from timing).
#![allow(dead_code)] // each test binary uses a different part

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::time::Duration;

use ako::controller::{
    Controller, ControllerDeps, ControllerHandle, ControllerOptions, ControllerStatus,
};
use ako::model::{AviKind, ClusterState, StateObject};
use k8s_fixtures::build::{self, AKO_NAMESPACE};
use k8s_fixtures::kube_sim;
use k8s_openapi::NamespaceResourceScope;
use kube::Resource;
use kube::api::{Api, DeleteParams, PostParams};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

#[path = "../kube_support/mod.rs"]
pub mod kube_support;
mod sample;

pub use sample::*;

/// Upper bound for any awaited condition; a hang fails the test instead of blocking CI.
pub const PATIENCE: Duration = Duration::from_secs(60);

pub struct Env {
    pub avi: avi_sim::Handle,
    pub kube: kube_sim::Handle,
    pub cluster: String,
}

/// ConfigMap data for `cluster` against `avi`: SMALL shards (one shared VS), the
/// seeded VIP network, no periodic full sync unless a test asks.
pub fn configmap(cluster: &str, avi: &avi_sim::Handle) -> build::AkoConfigBuilder {
    build::ako_config()
        .cluster_name(cluster)
        .controller_ip(&avi.url())
        .shard_vs_size("SMALL")
        .vip_network_list(&json!([{"networkName": "vip-network", "cidr": "10.10.10.0/24"}]))
        .set("fullSyncFrequency", "0")
}

impl Env {
    /// Simulators with AKO's objects installed for `cluster`.
    pub async fn new(cluster: &str) -> Env {
        Env::with_openshift(cluster, false).await
    }

    /// Like [`Env::new`]; `openshift` makes kube-sim serve `route.openshift.io/v1`,
    /// so AKO takes Routes (not Ingresses) as its L7 input.
    pub async fn with_openshift(cluster: &str, openshift: bool) -> Env {
        // Logs on demand: RUST_LOG=ako=debug cargo test ...
        let filter = tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("off"));
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_test_writer()
            .try_init();
        let avi = avi_sim::spawn(avi_sim::Config::default()).await.unwrap();
        let mut cfg = kube_sim::Config {
            openshift,
            ..kube_sim::Config::default()
        };
        cfg.namespaces.push(AKO_NAMESPACE.to_owned());
        let kube = kube_sim::spawn_with(cfg).await.unwrap();
        kube_support::install_crds(&kube.client(), k8s_fixtures::crds::all_crds()).await;
        let env = Env {
            avi,
            kube,
            cluster: cluster.to_owned(),
        };
        env.apply(&configmap(cluster, &env.avi).build()).await;
        env.apply(&build::avi_secret(env.avi.username(), env.avi.password()))
            .await;
        env.apply(&build::ako_statefulset().build()).await;
        env
    }

    pub fn client(&self) -> kube::Client {
        self.kube.client()
    }

    /// Fast-timing deps for instance `identity` (its Avi client id too).
    pub fn deps(&self, identity: &str) -> ControllerDeps {
        self.deps_with(self.client(), identity)
    }

    pub fn deps_with(&self, client: kube::Client, identity: &str) -> ControllerDeps {
        let mut deps = ControllerDeps::new(client, AKO_NAMESPACE, identity);
        deps.options = ControllerOptions::fast();
        deps
    }

    pub fn start(&self, identity: &str) -> ControllerHandle {
        Controller::start(self.deps(identity))
    }

    /// Creates or replaces a namespaced object; returns it as stored.
    pub async fn apply<K>(&self, obj: &K) -> K
    where
        K: Resource<DynamicType = (), Scope = NamespaceResourceScope>
            + Clone
            + DeserializeOwned
            + Serialize
            + Debug,
    {
        let ns = obj.meta().namespace.clone().unwrap();
        apply_in(Api::<K>::namespaced(self.client(), &ns), obj).await
    }

    /// Creates or replaces a cluster-scoped object.
    pub async fn apply_global<K>(&self, obj: &K) -> K
    where
        K: Resource<DynamicType = ()> + Clone + DeserializeOwned + Serialize + Debug,
    {
        apply_in(Api::<K>::all(self.client()), obj).await
    }

    pub async fn delete<K>(&self, ns: &str, name: &str)
    where
        K: Resource<DynamicType = (), Scope = NamespaceResourceScope>
            + Clone
            + DeserializeOwned
            + Debug,
    {
        Api::<K>::namespaced(self.client(), ns)
            .delete(name, &DeleteParams::default())
            .await
            .unwrap();
    }

    pub async fn delete_global<K>(&self, name: &str)
    where
        K: Resource<DynamicType = ()> + Clone + DeserializeOwned + Debug,
    {
        Api::<K>::all(self.client())
            .delete(name, &DeleteParams::default())
            .await
            .unwrap();
    }

    /// Sets ConfigMap keys (e.g. `deleteConfig`).
    pub async fn set_config(&self, pairs: &[(&str, &str)]) {
        let mut b = configmap(&self.cluster, &self.avi);
        for (k, v) in pairs {
            b = b.set(k, v);
        }
        self.apply(&b.build()).await;
    }

    /// Avi object writes (POST/PUT/PATCH/DELETE, logins left out) by one client so far.
    pub fn writes(&self, client: &str) -> u64 {
        self.avi
            .request_log()
            .client_counts(client)
            .iter()
            .filter(|(k, _)| {
                let mut parts = k.split(' ');
                let verb = parts.next().unwrap_or_default();
                let ty = parts.next().unwrap_or_default();
                matches!(verb, "POST" | "PUT" | "PATCH" | "DELETE")
                    && ty != "login"
                    && ty != "logout"
            })
            .map(|(_, n)| n)
            .sum()
    }

    /// `"<VERB> <type>"` of one client's writes, in order.
    pub fn write_log(&self, client: &str) -> Vec<String> {
        self.avi
            .request_log()
            .entries()
            .into_iter()
            .filter(|e| e.client == client && e.is_write() && e.object_type != "login")
            .map(|e| format!("{} {} {}", e.method, e.object_type, e.status))
            .collect()
    }

    /// An Avi client acting as a human operator (client id `operator`).
    pub fn operator(&self) -> ako::avi::AviClient {
        let mut c = ako::avi::AviClientConfig::new(
            url::Url::parse(&self.avi.url()).unwrap(),
            ako::avi::Credentials::Password {
                username: self.avi.username().into(),
                password: self.avi.password().into(),
            },
        );
        c.client_id = "operator".into();
        ako::avi::AviClient::new(c).unwrap()
    }

    /// `(type, name)` of every object in avi-sim owned by `cluster` (marker exact).
    pub fn owned_by(&self, cluster: &str) -> BTreeSet<(String, String)> {
        let store = self.avi.store();
        store
            .iter()
            .filter(|o| marked(&o.body(), cluster))
            .map(|o| (o.type_path().to_owned(), o.name.to_string()))
            .collect()
    }

    pub fn owned(&self) -> BTreeSet<(String, String)> {
        self.owned_by(&self.cluster)
    }

    /// The stored body of `type/name`.
    pub fn avi_object(&self, obj_type: &str, name: &str) -> Option<Value> {
        let store = self.avi.store();
        store
            .of_type(obj_type)
            .find(|o| &*o.name == name)
            .map(|o| Value::Object(o.body()))
    }

    /// Asserts avi-sim holds exactly what the last round's graph wants (shared
    /// parents' VsVips may stay, F3): no missing object, no orphan, no duplicate.
    pub fn assert_matches(&self, status: &ControllerStatus) {
        let want: BTreeSet<(String, String)> = status
            .graph
            .objects
            .keys()
            .map(|k| (k.kind.api_path().to_owned(), k.name.clone()))
            .collect();
        let kept: BTreeSet<String> = status
            .graph
            .shared_parents
            .iter()
            .map(|p| ako::naming::shared_vsvip(p))
            .collect();
        let have = self.owned();
        let missing: Vec<_> = want.difference(&have).collect();
        let extra: Vec<_> = have
            .difference(&want)
            .filter(|(t, n)| !(t == AviKind::VsVip.api_path() && kept.contains(n)))
            .collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "avi-sim differs from the graph: missing {missing:?}, extra {extra:?}"
        );
        let store = self.avi.store();
        let mut names = BTreeSet::new();
        for o in store.iter().filter(|o| marked(&o.body(), &self.cluster)) {
            assert!(
                names.insert((o.type_path(), o.name.to_string())),
                "duplicate {}/{}",
                o.type_path(),
                o.name
            );
        }
    }
}

async fn apply_in<K>(api: Api<K>, obj: &K) -> K
where
    K: Resource<DynamicType = ()> + Clone + DeserializeOwned + Serialize + Debug,
{
    let name = obj.meta().name.clone().unwrap();
    match api.get_opt(&name).await.unwrap() {
        Some(existing) => {
            let mut obj = obj.clone();
            obj.meta_mut().resource_version = existing.meta().resource_version.clone();
            api.replace(&name, &PostParams::default(), &obj)
                .await
                .unwrap()
        }
        None => api.create(&PostParams::default(), obj).await.unwrap(),
    }
}

/// `markers` carries `clustername = cluster` (ownership as ako decides it).
fn marked(body: &serde_json::Map<String, Value>, cluster: &str) -> bool {
    body.get("markers")
        .and_then(Value::as_array)
        .is_some_and(|ms| {
            ms.iter()
                .any(|m| m["key"] == "clustername" && m["values"] == json!([cluster]))
        })
}

/// `converged_on` predicate: the state has `K ns/name` at `rv` or later (our own
/// status writes move it on; kube-sim's resourceVersions are increasing numbers),
/// or, with `None`, not at all.
pub fn has<K: StateObject>(
    ns: &str,
    name: &str,
    rv: Option<&str>,
) -> impl Fn(&ClusterState) -> bool + use<K> {
    let (ns, name) = (ns.to_owned(), name.to_owned());
    let want: Option<u64> = rv.map(|r| r.parse().unwrap());
    move |s: &ClusterState| {
        let got = s.get::<K>(&ns, &name).map(|o| {
            o.meta()
                .resource_version
                .as_deref()
                .and_then(|r| r.parse::<u64>().ok())
                .unwrap_or(0)
        });
        match (want, got) {
            (Some(want), Some(got)) => got >= want,
            (None, None) => true,
            _ => false,
        }
    }
}

/// The resourceVersion of a stored object.
pub fn rv<K: Resource>(obj: &K) -> String {
    obj.meta().resource_version.clone().unwrap()
}

/// Waits (bounded by [`PATIENCE`]) for a converged round whose state satisfies `seen`.
pub async fn converged_on(
    ctl: &ControllerHandle,
    seen: impl Fn(&ClusterState) -> bool,
) -> ControllerStatus {
    tokio::time::timeout(PATIENCE, ctl.converged_on(seen))
        .await
        .expect("controller did not converge in time")
        .expect("controller running")
}

/// Waits (bounded by [`PATIENCE`]) for a status satisfying `pred`.
pub async fn wait_for(
    ctl: &ControllerHandle,
    pred: impl Fn(&ControllerStatus) -> bool,
) -> ControllerStatus {
    tokio::time::timeout(PATIENCE, ctl.wait_for(pred))
        .await
        .expect("condition not reached in time")
        .expect("controller running")
}

/// Runs one more drift-repair round and waits for it to converge.
pub async fn full_sync_round(ctl: &ControllerHandle) -> ControllerStatus {
    let before = ctl.status().rounds;
    ctl.full_sync();
    wait_for(ctl, |s| s.rounds > before && s.is_converged()).await
}
