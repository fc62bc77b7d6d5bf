//! Shared by the `crd_migrate` tests: a kube-sim that records its CRD conversions
//! (so a test sees which version an object is stored at), the objects an old release
//! wrote, and a client whose first PUT of one object meets a concurrent write.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use ako::kube::migrate::{MigrateOptions, Outcome, Progress, Report};
use k8s_fixtures::crds::{all_crds, v1alpha1_only_crds};
use k8s_fixtures::kube_sim::{self, Handle};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Api, Patch, PatchParams};
use kube::client::{Body, ClientBuilder, DynBody};
use serde_json::{Value, json};

use crate::kube_support::{create_json, dynamic, install_crds};

pub const CRD_SOURCE: &str = "ako-crds/";
pub const ALPHA: &str = "ako.vmware.com/v1alpha1";
pub const BETA: &str = "ako.vmware.com/v1beta1";
pub const CRDS: [&str; 3] = [
    "hostrules.ako.vmware.com",
    "httprules.ako.vmware.com",
    "aviinfrasettings.ako.vmware.com",
];

/// (kind, namespace, name) of each object the old release wrote.
pub const OBJECTS: [(&str, Option<&str>, &str); 4] = [
    ("HostRule", Some("default"), "secure-off"),
    ("HostRule", Some("team"), "other"),
    ("HTTPRule", Some("default"), "app-rr"),
    ("AviInfraSetting", None, "small"),
];

pub fn old_objects() -> Vec<Value> {
    vec![
        json!({"apiVersion": ALPHA, "kind": "HostRule",
            "metadata": {"name": "secure-off", "namespace": "default", "labels": {"team": "web"}},
            "spec": {"virtualhost": {"fqdn": "secure.example.com", "enableVirtualHost": false}}}),
        json!({"apiVersion": ALPHA, "kind": "HostRule",
            "metadata": {"name": "other", "namespace": "team"},
            "spec": {"virtualhost": {"fqdn": "other.example.com"}}}),
        json!({"apiVersion": ALPHA, "kind": "HTTPRule",
            "metadata": {"name": "app-rr", "namespace": "default"},
            "spec": {"fqdn": "secure.example.com",
                "paths": [{"target": "/app", "loadBalancerPolicy": {"algorithm": "LB_ALGORITHM_ROUND_ROBIN"}}]}}),
        json!({"apiVersion": ALPHA, "kind": "AviInfraSetting",
            "metadata": {"name": "small"},
            "spec": {"l7Settings": {"shardSize": "SMALL"}}}),
    ]
}

/// kube-sim whose `ako.vmware.com` conversions are recorded as (from, to).
pub struct Cluster {
    pub sim: Handle,
    conversions: Arc<Mutex<Vec<(String, String)>>>,
}

/// The old CRDs with the old objects (one with an Accepted status).
pub async fn old_cluster() -> Cluster {
    let conversions = Arc::new(Mutex::new(Vec::new()));
    let log = conversions.clone();
    let mut cfg = kube_sim::Config::default();
    cfg.namespaces.push("team".into());
    cfg.converters.insert(
        "ako.vmware.com",
        Arc::new(move |obj: &Value, to: &str| {
            let from = obj["apiVersion"].as_str().unwrap_or_default().to_owned();
            log.lock().unwrap().push((from, to.to_owned()));
            k8s_fixtures::crds::convert::convert(obj, to).map_err(|e| e.to_string())
        }),
    );
    let sim = kube_sim::spawn_with(cfg).await.unwrap();
    install_crds(&sim.client(), v1alpha1_only_crds()).await;
    for obj in old_objects() {
        create_json(&sim.client(), &obj).await;
    }
    dynamic(&sim.client(), ALPHA, "HostRule", Some("default"))
        .patch_status(
            "secure-off",
            &PatchParams::default(),
            &Patch::Merge(json!({"status": {"status": "Accepted"}})),
        )
        .await
        .unwrap();
    Cluster { sim, conversions }
}

/// The old objects, then the current CRDs applied over the old ones.
pub async fn upgraded_cluster() -> Cluster {
    let c = old_cluster().await;
    install_crds(&c.sim.client(), all_crds()).await;
    c
}

impl Cluster {
    pub async fn get(
        &self,
        api_version: &str,
        (kind, ns, name): (&str, Option<&str>, &str),
    ) -> Value {
        let o = dynamic(&self.sim.client(), api_version, kind, ns)
            .get(name)
            .await
            .unwrap();
        serde_json::to_value(o).unwrap()
    }

    /// The version an object is stored at.
    pub async fn stored_at(&self, obj: (&str, Option<&str>, &str)) -> String {
        self.conversions.lock().unwrap().clear();
        self.get(BETA, obj).await;
        let seen = self.conversions.lock().unwrap().clone();
        match seen.iter().find(|(_, to)| to == BETA) {
            Some((from, _)) => from.trim_start_matches("ako.vmware.com/").to_owned(),
            None => "v1beta1".to_owned(),
        }
    }

    pub async fn stored_versions(&self) -> BTreeMap<String, Value> {
        let api: Api<CustomResourceDefinition> = Api::all(self.sim.client());
        let mut out = BTreeMap::new();
        for name in CRDS {
            let crd = serde_json::to_value(api.get(name).await.unwrap()).unwrap();
            out.insert(name.to_owned(), crd["status"]["storedVersions"].clone());
        }
        out
    }
}

pub fn opts() -> MigrateOptions {
    MigrateOptions {
        crd_source: CRD_SOURCE.into(),
        ..MigrateOptions::default()
    }
}

pub fn all_stored(v: Value) -> BTreeMap<String, Value> {
    CRDS.iter().map(|c| (c.to_string(), v.clone())).collect()
}

pub fn progress<'a>(report: &'a Report, crd: &str) -> &'a Progress {
    let k = report.kinds.iter().find(|k| k.crd == crd).unwrap();
    match &k.outcome {
        Outcome::Migrated(p) => p,
        other => panic!("{crd}: {other:?}"),
    }
}

pub fn rewritten(report: &Report) -> Vec<String> {
    let mut keys: Vec<String> = report
        .kinds
        .iter()
        .filter_map(|k| match &k.outcome {
            Outcome::Migrated(p) => Some(p.rewritten.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    keys.sort();
    keys
}

pub const ALL_KEYS: [&str; 4] = [
    "AviInfraSetting/small",
    "HTTPRule/default/app-rr",
    "HostRule/default/secure-off",
    "HostRule/team/other",
];

type BoxError = Box<dyn std::error::Error + Send + Sync>;
type Resp = http::Response<Box<DynBody>>;
type Inner = tower::util::BoxService<http::Request<Body>, Resp, BoxError>;

/// Lets another writer change the object just before the first PUT whose path ends
/// with `path` reaches the server, so that PUT carries a stale resourceVersion.
struct Interfere {
    inner: Inner,
    path: String,
    fired: Arc<AtomicBool>,
    other_writer: kube::Client,
}

impl tower::Service<http::Request<Body>> for Interfere {
    type Response = Resp;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Resp, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<Body>) -> Self::Future {
        let hit = req.method() == http::Method::PUT
            && req.uri().path().ends_with(&self.path)
            && !self.fired.swap(true, Ordering::SeqCst);
        let forwarded = self.inner.call(req);
        if !hit {
            return Box::pin(forwarded);
        }
        let client = self.other_writer.clone();
        Box::pin(async move {
            dynamic(&client, ALPHA, "HostRule", Some("default"))
                .patch(
                    "secure-off",
                    &PatchParams::default(),
                    &Patch::Merge(json!({"metadata": {"labels": {"touched": "yes"}}})),
                )
                .await
                .unwrap();
            forwarded.await
        })
    }
}

/// A client for `sim` whose first PUT to a path ending with `path` meets a
/// concurrent label change of HostRule default/secure-off; the flag says it happened.
pub fn interfering_client(sim: &Handle, path: &str) -> (kube::Client, Arc<AtomicBool>) {
    let fired = Arc::new(AtomicBool::new(false));
    let (f, other_writer, path) = (fired.clone(), sim.client(), path.to_owned());
    let layer = tower::layer::layer_fn(move |inner: Inner| Interfere {
        inner,
        path: path.clone(),
        fired: f.clone(),
        other_writer: other_writer.clone(),
    });
    let client = ClientBuilder::try_from(sim.kube_config().clone())
        .unwrap()
        .with_layer(&layer)
        .build();
    (client, fired)
}
