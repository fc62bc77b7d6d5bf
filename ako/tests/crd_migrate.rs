//! `ako crd migrate` (F29, F30) against kube-sim: objects written under the old
//! v1alpha1-only CRDs are re-stored at v1beta1 after the CRDs are upgraded, the CRDs
//! end with `storedVersions: [v1beta1]`, a second run and a dry run write nothing, and
//! old CRDs are refused before anything is written.
//!
//! Where an object is stored is seen through kube-sim's converter: reading at v1beta1
//! converts only objects stored at another version.

mod kube_support;

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::process::Output;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use ako::kube::migrate::{MigrateError, MigrateOptions, Outcome, Progress, Report, migrate};
use k8s_fixtures::crds::{all_crds, v1alpha1_only_crds};
use k8s_fixtures::kube_sim::{self, Handle};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Api, Patch, PatchParams};
use kube::client::{Body, ClientBuilder, DynBody};
use serde_json::{Value, json};

use kube_support::{create_json, dynamic, failing_client, install_crds};

const CRD_SOURCE: &str = "ako-crds/";
const ALPHA: &str = "ako.vmware.com/v1alpha1";
const BETA: &str = "ako.vmware.com/v1beta1";
const CRDS: [&str; 3] = [
    "hostrules.ako.vmware.com",
    "httprules.ako.vmware.com",
    "aviinfrasettings.ako.vmware.com",
];

/// (kind, namespace, name) of each object the old release wrote.
const OBJECTS: [(&str, Option<&str>, &str); 4] = [
    ("HostRule", Some("default"), "secure-off"),
    ("HostRule", Some("team"), "other"),
    ("HTTPRule", Some("default"), "app-rr"),
    ("AviInfraSetting", None, "small"),
];

fn old_objects() -> Vec<Value> {
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
struct Cluster {
    sim: Handle,
    conversions: Arc<Mutex<Vec<(String, String)>>>,
}

/// The old CRDs with the old objects (one with an Accepted status).
async fn old_cluster() -> Cluster {
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
async fn upgraded_cluster() -> Cluster {
    let c = old_cluster().await;
    install_crds(&c.sim.client(), all_crds()).await;
    c
}

impl Cluster {
    async fn get(&self, api_version: &str, (kind, ns, name): (&str, Option<&str>, &str)) -> Value {
        let o = dynamic(&self.sim.client(), api_version, kind, ns)
            .get(name)
            .await
            .unwrap();
        serde_json::to_value(o).unwrap()
    }

    /// The version an object is stored at.
    async fn stored_at(&self, obj: (&str, Option<&str>, &str)) -> String {
        self.conversions.lock().unwrap().clear();
        self.get(BETA, obj).await;
        let seen = self.conversions.lock().unwrap().clone();
        match seen.iter().find(|(_, to)| to == BETA) {
            Some((from, _)) => from.trim_start_matches("ako.vmware.com/").to_owned(),
            None => "v1beta1".to_owned(),
        }
    }

    async fn stored_versions(&self) -> BTreeMap<String, Value> {
        let api: Api<CustomResourceDefinition> = Api::all(self.sim.client());
        let mut out = BTreeMap::new();
        for name in CRDS {
            let crd = serde_json::to_value(api.get(name).await.unwrap()).unwrap();
            out.insert(name.to_owned(), crd["status"]["storedVersions"].clone());
        }
        out
    }
}

fn opts() -> MigrateOptions {
    MigrateOptions {
        crd_source: CRD_SOURCE.into(),
        ..MigrateOptions::default()
    }
}

fn all_stored(v: Value) -> BTreeMap<String, Value> {
    CRDS.iter().map(|c| (c.to_string(), v.clone())).collect()
}

fn progress<'a>(report: &'a Report, crd: &str) -> &'a Progress {
    let k = report.kinds.iter().find(|k| k.crd == crd).unwrap();
    match &k.outcome {
        Outcome::Migrated(p) => p,
        other => panic!("{crd}: {other:?}"),
    }
}

fn rewritten(report: &Report) -> Vec<String> {
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

const ALL_KEYS: [&str; 4] = [
    "AviInfraSetting/small",
    "HTTPRule/default/app-rr",
    "HostRule/default/secure-off",
    "HostRule/team/other",
];

#[tokio::test]
async fn migration_restores_every_object_at_v1beta1_and_records_it() {
    let c = upgraded_cluster().await;
    assert_eq!(
        c.stored_versions().await,
        all_stored(json!(["v1alpha1", "v1beta1"]))
    );
    let mut before = Vec::new();
    for obj in OBJECTS {
        assert_eq!(c.stored_at(obj).await, "v1alpha1", "{obj:?} before");
        before.push(c.get(BETA, obj).await);
    }

    let report = migrate(&c.sim.client(), &opts()).await.unwrap();

    assert_eq!(rewritten(&report), ALL_KEYS);
    assert_eq!(report.failures(), 0);
    for crd in CRDS {
        let p = progress(&report, crd);
        assert_eq!(p.stored_before, ["v1alpha1", "v1beta1"], "{crd}");
        assert_eq!(p.stored_after.as_deref(), Some(&["v1beta1".to_owned()][..]));
    }
    assert_eq!(c.stored_versions().await, all_stored(json!(["v1beta1"])));
    for (obj, old) in OBJECTS.into_iter().zip(before) {
        assert_eq!(c.stored_at(obj).await, "v1beta1", "{obj:?} after");
        let new = c.get(BETA, obj).await;
        assert_ne!(
            new["metadata"]["resourceVersion"], old["metadata"]["resourceVersion"],
            "{obj:?} rewritten"
        );
        for field in ["spec", "status"] {
            assert_eq!(new[field], old[field], "{obj:?} {field} unchanged");
        }
        assert_eq!(new["metadata"]["labels"], old["metadata"]["labels"]);
        let alpha = c.get(ALPHA, obj).await;
        assert_eq!(alpha["apiVersion"], ALPHA);
    }
    let hr = c.get(ALPHA, OBJECTS[0]).await;
    assert_eq!(hr["spec"]["virtualhost"]["fqdn"], "secure.example.com");
    assert_eq!(hr["spec"]["virtualhost"]["enableVirtualHost"], false);
    assert_eq!(hr["status"]["status"], "Accepted");
}

#[tokio::test]
async fn a_second_run_writes_nothing() {
    let c = upgraded_cluster().await;
    migrate(&c.sim.client(), &opts()).await.unwrap();
    let rv = c.sim.resource_version();

    let again = migrate(&c.sim.client(), &opts()).await.unwrap();

    assert_eq!(c.sim.resource_version(), rv, "no write on the second run");
    for k in &again.kinds {
        assert_eq!(k.outcome, Outcome::AlreadyMigrated, "{}", k.crd);
    }
    assert_eq!(c.stored_versions().await, all_stored(json!(["v1beta1"])));
}

#[tokio::test]
async fn dry_run_lists_the_work_and_writes_nothing() {
    let c = upgraded_cluster().await;
    let rv = c.sim.resource_version();

    let dry = MigrateOptions {
        dry_run: true,
        ..opts()
    };
    let report = migrate(&c.sim.client(), &dry).await.unwrap();

    assert!(report.dry_run);
    assert_eq!(rewritten(&report), ALL_KEYS);
    assert_eq!(
        progress(&report, CRDS[0]).stored_after.as_deref(),
        Some(&["v1beta1".to_owned()][..])
    );
    assert_eq!(c.sim.resource_version(), rv, "a dry run stores nothing");
    assert_eq!(
        c.stored_versions().await,
        all_stored(json!(["v1alpha1", "v1beta1"]))
    );
    for obj in OBJECTS {
        assert_eq!(c.stored_at(obj).await, "v1alpha1", "{obj:?}");
    }
}

#[tokio::test]
async fn old_crds_are_refused_with_the_fix_and_nothing_is_written() {
    let c = old_cluster().await;
    let rv = c.sim.resource_version();

    let err = migrate(&c.sim.client(), &opts()).await.unwrap_err();

    assert!(matches!(err, MigrateError::NotUpgraded { .. }), "{err:?}");
    let msg = err.to_string();
    for crd in CRDS {
        assert!(
            msg.contains(&format!("{crd} does not serve v1beta1")),
            "{msg}"
        );
    }
    assert!(
        msg.contains(&format!("kubectl apply -f {CRD_SOURCE}")),
        "{msg}"
    );
    assert_eq!(c.sim.resource_version(), rv);
}

#[tokio::test]
async fn one_old_crd_blocks_the_others_before_any_write() {
    let c = old_cluster().await;
    let hostrule_only: Vec<_> = all_crds()
        .into_iter()
        .filter(|crd| crd.metadata.name.as_deref() == Some(CRDS[0]))
        .collect();
    install_crds(&c.sim.client(), hostrule_only).await;
    let rv = c.sim.resource_version();

    let err = migrate(&c.sim.client(), &opts())
        .await
        .unwrap_err()
        .to_string();

    assert!(
        err.contains("httprules.ako.vmware.com does not serve v1beta1"),
        "{err}"
    );
    assert!(!err.contains("hostrules.ako.vmware.com"), "{err}");
    assert_eq!(c.sim.resource_version(), rv);
    assert_eq!(c.stored_at(OBJECTS[0]).await, "v1alpha1");
}

#[tokio::test]
async fn a_namespace_filter_migrates_that_namespace_and_keeps_stored_versions() {
    let c = upgraded_cluster().await;
    let team = MigrateOptions {
        namespace: Some("team".into()),
        ..opts()
    };

    let report = migrate(&c.sim.client(), &team).await.unwrap();

    assert_eq!(rewritten(&report), ["HostRule/team/other"]);
    let infra = report.kinds.iter().find(|k| k.crd == CRDS[2]).unwrap();
    assert_eq!(infra.outcome, Outcome::SkippedClusterScoped);
    assert_eq!(progress(&report, CRDS[0]).stored_after, None);
    assert_eq!(
        c.stored_versions().await,
        all_stored(json!(["v1alpha1", "v1beta1"]))
    );
    assert_eq!(c.stored_at(OBJECTS[1]).await, "v1beta1");
    assert_eq!(c.stored_at(OBJECTS[0]).await, "v1alpha1");
}

#[tokio::test]
async fn a_failed_object_keeps_its_crd_unfinished_and_a_rerun_finishes() {
    let c = upgraded_cluster().await;
    let (client, switch) = failing_client(&c.sim, "/hostrules/secure-off");

    let report = migrate(&client, &opts()).await.unwrap();

    assert_eq!(report.failures(), 1);
    let hr = progress(&report, CRDS[0]);
    assert!(
        hr.failed[0].contains("HostRule/default/secure-off"),
        "{hr:?}"
    );
    assert_eq!(hr.rewritten, ["HostRule/team/other"]);
    assert_eq!(hr.stored_after, None);
    let stored = c.stored_versions().await;
    assert_eq!(stored[CRDS[0]], json!(["v1alpha1", "v1beta1"]));
    assert_eq!(stored[CRDS[1]], json!(["v1beta1"]));

    switch.set(false);
    let again = migrate(&client, &opts()).await.unwrap();
    assert_eq!(
        progress(&again, CRDS[0]).rewritten,
        ["HostRule/default/secure-off", "HostRule/team/other"]
    );
    assert_eq!(c.stored_versions().await, all_stored(json!(["v1beta1"])));
    assert_eq!(c.stored_at(OBJECTS[0]).await, "v1beta1");
}

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

#[tokio::test]
async fn a_conflict_is_re_read_and_the_concurrent_change_is_kept() {
    let c = upgraded_cluster().await;
    let fired = Arc::new(AtomicBool::new(false));
    let (f, other_writer) = (fired.clone(), c.sim.client());
    let layer = tower::layer::layer_fn(move |inner: Inner| Interfere {
        inner,
        path: "/hostrules/secure-off".into(),
        fired: f.clone(),
        other_writer: other_writer.clone(),
    });
    let client = ClientBuilder::try_from(c.sim.kube_config().clone())
        .unwrap()
        .with_layer(&layer)
        .build();

    let report = migrate(&client, &opts()).await.unwrap();

    assert!(fired.load(Ordering::SeqCst));
    let hr = progress(&report, CRDS[0]);
    assert_eq!((hr.conflicts, hr.failed.len()), (1, 0), "{hr:?}");
    assert!(
        hr.rewritten
            .contains(&"HostRule/default/secure-off".to_owned())
    );
    assert_eq!(c.stored_at(OBJECTS[0]).await, "v1beta1");
    let obj = c.get(BETA, OBJECTS[0]).await;
    assert_eq!(
        obj["metadata"]["labels"],
        json!({"team": "web", "touched": "yes"})
    );
    assert_eq!(c.stored_versions().await, all_stored(json!(["v1beta1"])));
}

fn ako(args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_ako"))
        .args(args)
        .env_remove("KUBECONFIG")
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn cli_prints_a_summary_per_crd_and_refuses_old_crds() {
    let old = old_cluster().await;
    let kc = old.sim.kubeconfig_path().to_str().unwrap().to_owned();
    let refused = ako(&["crd", "migrate", "--kubeconfig", &kc]);
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused.stdout));
    let err = text(&refused.stderr);
    assert!(
        err.contains("hostrules.ako.vmware.com does not serve v1beta1"),
        "{err}"
    );
    assert!(err.contains("kubectl apply -f"), "{err}");

    install_crds(&old.sim.client(), all_crds()).await;
    let dry = ako(&["crd", "migrate", "--kubeconfig", &kc, "--dry-run"]);
    let out = text(&dry.stdout);
    assert!(dry.status.success(), "{}", text(&dry.stderr));
    assert!(
        out.contains("would rewrite HostRule/team/other at v1beta1"),
        "{out}"
    );
    assert!(
        out.contains("hostrules.ako.vmware.com: would rewrite 2 object(s) at v1beta1; would set storedVersions [v1alpha1, v1beta1] -> [v1beta1]"),
        "{out}"
    );

    let done = ako(&["crd", "migrate", "--kubeconfig", &kc]);
    let out = text(&done.stdout);
    assert!(done.status.success(), "{}", text(&done.stderr));
    assert!(
        out.contains("aviinfrasettings.ako.vmware.com: rewrote 1 object(s) at v1beta1; set storedVersions [v1alpha1, v1beta1] -> [v1beta1]"),
        "{out}"
    );
    for crd in CRDS {
        assert!(out.contains(crd), "{out}");
    }

    let again = ako(&["crd", "migrate", "--kubeconfig", &kc]);
    let out = text(&again.stdout);
    assert!(
        out.contains(
            "httprules.ako.vmware.com: already migrated (storedVersions [v1beta1]); nothing written"
        ),
        "{out}"
    );
}
