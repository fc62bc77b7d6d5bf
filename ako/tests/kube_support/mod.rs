//! Helpers for the `kube_*` tests: kube-sim with AKO's namespace and CRDs, polling,
//! a client layer that fails chosen requests, and tracing capture.
#![allow(dead_code)]

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use k8s_fixtures::build::AKO_NAMESPACE;
use k8s_fixtures::kube_sim::{self, Handle};
use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Api, ApiResource, DynamicObject, GroupVersionKind, PostParams};
use kube::client::{Body, ClientBuilder};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// kube-sim with the AKO namespace; `crds` installed.
pub async fn sim(crds: Vec<CustomResourceDefinition>) -> Handle {
    spawn(kube_sim::Config::default(), crds).await
}

/// kube-sim serving `route.openshift.io/v1` (an OpenShift cluster) with AKO's CRDs.
pub async fn openshift_sim() -> Handle {
    let cfg = kube_sim::Config {
        openshift: true,
        ..Default::default()
    };
    spawn(cfg, k8s_fixtures::crds::all_crds()).await
}

/// kube-sim under `cfg` plus the AKO namespace; `crds` installed.
async fn spawn(mut cfg: kube_sim::Config, crds: Vec<CustomResourceDefinition>) -> Handle {
    cfg.namespaces.push(AKO_NAMESPACE.to_owned());
    let sim = kube_sim::spawn_with(cfg).await.unwrap();
    install_crds(&sim.client(), crds).await;
    sim
}

/// A dynamic API for `apiVersion` + `kind`, in `namespace` or cluster-wide.
pub fn dynamic(
    client: &kube::Client,
    api_version: &str,
    kind: &str,
    namespace: Option<&str>,
) -> Api<DynamicObject> {
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    let plural = match kind {
        "Ingress" => "ingresses".to_owned(),
        "IngressClass" => "ingressclasses".to_owned(),
        k => format!("{}s", k.to_lowercase()),
    };
    let gvk = GroupVersionKind::gvk(group, version, kind);
    let ar = ApiResource::from_gvk_with_plural(&gvk, &plural);
    match namespace {
        Some(ns) => Api::namespaced_with(client.clone(), ns, &ar),
        None => Api::all_with(client.clone(), &ar),
    }
}

/// A dynamic API for the kind of the JSON object `obj`, in its namespace.
pub fn api_for(client: &kube::Client, obj: &Value) -> Api<DynamicObject> {
    dynamic(
        client,
        obj["apiVersion"].as_str().unwrap(),
        obj["kind"].as_str().unwrap(),
        obj["metadata"]["namespace"].as_str(),
    )
}

/// Creates the JSON object `obj`.
pub async fn create_json(client: &kube::Client, obj: &Value) {
    let dynamic: DynamicObject = serde_json::from_value(obj.clone()).unwrap();
    if let Err(e) = api_for(client, obj)
        .create(&PostParams::default(), &dynamic)
        .await
    {
        panic!("creating {obj}: {e}");
    }
}

/// Creates or replaces CRDs (like `kubectl apply -f`).
pub async fn install_crds(client: &kube::Client, crds: Vec<CustomResourceDefinition>) {
    let api: Api<CustomResourceDefinition> = Api::all(client.clone());
    for mut crd in crds {
        let name = crd.metadata.name.clone().unwrap();
        match api.get_opt(&name).await.unwrap() {
            Some(existing) => {
                crd.metadata.resource_version = existing.metadata.resource_version;
                api.replace(&name, &PostParams::default(), &crd)
                    .await
                    .unwrap();
            }
            None => {
                api.create(&PostParams::default(), &crd).await.unwrap();
            }
        }
    }
}

pub async fn create_namespace(client: &kube::Client, name: &str) {
    let api: Api<Namespace> = Api::all(client.clone());
    api.create(
        &PostParams::default(),
        &k8s_fixtures::build::namespace(name).build(),
    )
    .await
    .unwrap();
}

/// Creates a namespaced object in its namespace.
pub async fn create<K>(client: &kube::Client, obj: &K) -> K
where
    K: kube::Resource<DynamicType = (), Scope = k8s_openapi::NamespaceResourceScope>
        + Clone
        + DeserializeOwned
        + Serialize
        + std::fmt::Debug,
{
    let ns = obj.meta().namespace.clone().unwrap();
    Api::<K>::namespaced(client.clone(), &ns)
        .create(&PostParams::default(), obj)
        .await
        .unwrap()
}

/// Polls `f` every 20 ms until it is true; panics with `what` after 20 s.
pub async fn eventually(what: &str, mut f: impl FnMut() -> bool) {
    eventually_async(what, || std::future::ready(f())).await;
}

/// Like [`eventually`] for an async check.
pub async fn eventually_async<F: Future<Output = bool>>(what: &str, mut f: impl FnMut() -> F) {
    let start = Instant::now();
    while !f().await {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out waiting for: {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A switch that makes a client's requests whose path contains `needle` fail.
#[derive(Clone)]
pub struct FailSwitch {
    needle: String,
    on: Arc<AtomicBool>,
}

impl FailSwitch {
    pub fn set(&self, on: bool) {
        self.on.store(on, Ordering::SeqCst);
    }
}

type Inner = tower::util::BoxService<http::Request<Body>, Resp, BoxError>;

pub struct FailService {
    inner: Inner,
    switch: FailSwitch,
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;
type Resp = http::Response<Box<kube::client::DynBody>>;

impl tower::Service<http::Request<Body>> for FailService {
    type Response = Resp;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Resp, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<Body>) -> Self::Future {
        if self.switch.on.load(Ordering::SeqCst) && req.uri().path().contains(&self.switch.needle) {
            let path = req.uri().path().to_owned();
            return Box::pin(async move { Err(format!("injected failure: {path}").into()) });
        }
        Box::pin(self.inner.call(req))
    }
}

/// A client for `sim` whose requests to paths containing `needle` fail while the
/// returned switch is on (it starts on).
pub fn failing_client(sim: &Handle, needle: &str) -> (kube::Client, FailSwitch) {
    let switch = FailSwitch {
        needle: needle.to_owned(),
        on: Arc::new(AtomicBool::new(true)),
    };
    let s = switch.clone();
    let layer = tower::layer::layer_fn(move |inner: Inner| FailService {
        inner,
        switch: s.clone(),
    });
    let client = ClientBuilder::try_from(sim.kube_config().clone())
        .unwrap()
        .with_layer(&layer)
        .build();
    (client, switch)
}

/// Captured log output of a thread-local subscriber (use a current-thread runtime).
#[derive(Clone, Default)]
pub struct Logs(Arc<Mutex<Vec<u8>>>);

impl Logs {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }

    /// Installs a subscriber for this thread; keep the guard alive.
    pub fn capture() -> (Self, tracing::subscriber::DefaultGuard) {
        let logs = Logs::default();
        let l = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_max_level(tracing::Level::INFO)
            .with_writer(move || LogWriter(l.clone()))
            .finish();
        (logs, tracing::subscriber::set_default(subscriber))
    }
}

struct LogWriter(Logs);

impl std::io::Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn state_rv<T: ako::model::StateObject>(
    s: &ako::model::ClusterState,
    key: &ako::model::ObjectKey,
) -> Option<String> {
    s.get::<T>(&key.namespace, &key.name)
        .and_then(|o| o.meta().resource_version.clone())
}

/// The object `key` from the server, at its kind's usual version or, for the AKO
/// CRDs on a cluster with only the old CRDs, at v1alpha1.
pub async fn get_dynamic(client: &kube::Client, key: &ako::model::ObjectKey) -> DynamicObject {
    let reference = ako::kube::object_reference(&ako::model::ClusterState::new(), key);
    let api_version = reference.api_version.unwrap();
    let ns = (!key.namespace.is_empty()).then_some(key.namespace.as_str());
    let kind = key.kind.as_str();
    match dynamic(client, &api_version, kind, ns).get(&key.name).await {
        Ok(o) => o,
        Err(e) if api_version.starts_with("ako.vmware.com/") => {
            dynamic(client, "ako.vmware.com/v1alpha1", kind, ns)
                .get(&key.name)
                .await
                .unwrap_or_else(|e2| panic!("{key}: {e}; at v1alpha1: {e2}"))
        }
        Err(e) => panic!("{key}: {e}"),
    }
}

/// Waits until the ingested state holds the server's current version of each key
/// (Service, Ingress, Route or HostRule) and returns that state.
pub async fn caught_up(
    ing: &ako::kube::Ingestion,
    client: &kube::Client,
    keys: &[ako::model::ObjectKey],
) -> ako::model::ClusterState {
    use ako::model::Kind;
    for key in keys {
        let rv = get_dynamic(client, key).await.metadata.resource_version;
        eventually(&format!("{key} at {rv:?}"), || {
            ing.with_state(|s| {
                let got = match key.kind {
                    Kind::Service => state_rv::<k8s_openapi::api::core::v1::Service>(s, key),
                    Kind::Ingress => state_rv::<k8s_openapi::api::networking::v1::Ingress>(s, key),
                    Kind::Route => state_rv::<ako::crd::Route>(s, key),
                    Kind::HostRule => state_rv::<ako::crd::HostRule>(s, key),
                    other => panic!("caught_up does not handle {other}"),
                };
                got == rv
            })
        })
        .await;
    }
    ing.snapshot()
}

/// Ingestion settings for tests: nothing blocked, OpenShift detected, a fast CRD probe.
pub fn ingest_config() -> ako::kube::IngestConfig {
    ako::kube::IngestConfig {
        blocked_namespaces: Default::default(),
        openshift: None,
        node_port_local: false,
        crd_probe_interval: Duration::from_millis(100),
        crd_source: "ako-crds/".into(),
    }
}
