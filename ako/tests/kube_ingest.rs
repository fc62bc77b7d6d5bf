//! `ako::kube::Ingestion` against kube-sim: the state mirrors the server for every
//! watched kind, blocked namespaces and Helm release Secrets stay out, a failed list
//! keeps `all_synced()` false (B2), and old CRDs fall back to v1alpha1 with F30's line.

mod kube_support;

use std::collections::BTreeSet;
use std::time::Duration;

use ako::crd::{AviInfraSetting, HTTPRule, HostRule, Route};
use ako::kube::{IngestConfig, Ingestion};
use ako::model::{Kind, ObjectKey, StateObject};
use k8s_fixtures::build;
use k8s_fixtures::crds::{all_crds, v1alpha1_only_crds};
use k8s_openapi::api::core::v1::{Namespace, Node, Pod, Secret, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::networking::v1::{Ingress, IngressClass};
use kube::api::{Api, DeleteParams, Patch, PatchParams};
use serde::Serialize;
use serde_json::json;

use kube_support::{
    Logs, api_for, create_json, eventually, failing_client, ingest_config, install_crds,
    openshift_sim, sim,
};

fn config(blocked: &[&str]) -> IngestConfig {
    IngestConfig {
        blocked_namespaces: blocked.iter().map(|s| s.to_string()).collect(),
        node_port_local: true,
        ..ingest_config()
    }
}

fn label_of<T: StateObject>(ing: &Ingestion, key: &ObjectKey) -> Option<Option<String>> {
    ing.with_state(|s| {
        s.get::<T>(&key.namespace, &key.name).map(|o| {
            o.meta()
                .labels
                .as_ref()
                .and_then(|l| l.get("step").cloned())
        })
    })
}

/// Create, update (a label) and delete `obj`; the state follows each step.
async fn roundtrip<T: StateObject>(client: &kube::Client, ing: &Ingestion, obj: impl Serialize) {
    let obj = serde_json::to_value(obj).unwrap();
    let ns = obj["metadata"]["namespace"].as_str().unwrap_or_default();
    let name = obj["metadata"]["name"].as_str().unwrap().to_owned();
    let key = ObjectKey::new(
        T::KIND,
        if T::KIND.is_namespaced() { ns } else { "" },
        &name,
    );
    let api = api_for(client, &obj);
    create_json(client, &obj).await;
    eventually(&format!("{key} ingested"), || {
        label_of::<T>(ing, &key).is_some()
    })
    .await;
    let patch = json!({"metadata": {"labels": {"step": "updated"}}});
    api.patch(&name, &PatchParams::default(), &Patch::Merge(&patch))
        .await
        .unwrap();
    eventually(&format!("{key} updated"), || {
        label_of::<T>(ing, &key) == Some(Some("updated".into()))
    })
    .await;
    api.delete(&name, &DeleteParams::default()).await.unwrap();
    eventually(&format!("{key} deleted"), || {
        label_of::<T>(ing, &key).is_none()
    })
    .await;
}

async fn synced(ing: &Ingestion) {
    eventually("all kinds listed", || ing.all_synced()).await;
}

#[tokio::test]
async fn state_mirrors_the_server_for_every_kind() {
    let sim = sim(all_crds()).await;
    let c = sim.client();
    let ing = Ingestion::start(c.clone(), config(&[])).await.unwrap();
    synced(&ing).await;
    assert!(!ing.openshift(), "kube-sim without routes is not OpenShift");
    assert_eq!(ing.crd_version(Kind::HostRule), Some("v1beta1"));
    let generation = *ing.changes().borrow();

    let svc = build::service("default", "web").tcp(80, 8080).build();
    roundtrip::<Namespace>(&c, &ing, build::namespace("rt").build()).await;
    roundtrip::<Node>(&c, &ing, build::node("n1").internal_ip("10.0.0.1").build()).await;
    roundtrip::<Secret>(&c, &ing, build::avi_secret("admin", "pw")).await;
    roundtrip::<Service>(&c, &ing, svc.clone()).await;
    let slice = build::endpoints_for(&svc)
        .ready("10.1.0.5", Some("n1"))
        .build_slice();
    roundtrip::<EndpointSlice>(&c, &ing, slice).await;
    roundtrip::<Pod>(
        &c,
        &ing,
        build::pod("default", "web-1").ip("10.1.0.5").build(),
    )
    .await;
    let ingress = build::ingress("default", "web")
        .rule("a.example.com", "/", "web", 80)
        .build();
    roundtrip::<Ingress>(&c, &ing, ingress).await;
    let class = build::ingress_class("avi-lb")
        .controller(build::AKO_INGRESS_CONTROLLER)
        .build();
    roundtrip::<IngressClass>(&c, &ing, class).await;
    let hr = json!({"apiVersion": "ako.vmware.com/v1beta1", "kind": "HostRule",
        "metadata": {"name": "hr", "namespace": "default"},
        "spec": {"virtualhost": {"fqdn": "a.example.com"}}});
    roundtrip::<HostRule>(&c, &ing, hr).await;
    let rr = json!({"apiVersion": "ako.vmware.com/v1beta1", "kind": "HTTPRule",
        "metadata": {"name": "rr", "namespace": "default"},
        "spec": {"fqdn": "a.example.com", "paths": [{"target": "/"}]}});
    roundtrip::<HTTPRule>(&c, &ing, rr).await;
    let infra = json!({"apiVersion": "ako.vmware.com/v1beta1", "kind": "AviInfraSetting",
        "metadata": {"name": "infra"}, "spec": {"seGroup": {"name": "se1"}}});
    roundtrip::<AviInfraSetting>(&c, &ing, infra).await;

    assert!(
        *ing.changes().borrow() > generation,
        "deltas bump the generation"
    );
    assert!(ing.all_synced());
}

#[tokio::test]
async fn openshift_mode_watches_routes_and_ingresses_to_report_them() {
    let sim = openshift_sim().await;
    let c = sim.client();
    let ingress = build::ingress("default", "web")
        .rule("a.example.com", "/", "web", 80)
        .build();
    kube_support::create(&c, &ingress).await;
    let ing = Ingestion::start(c.clone(), config(&[])).await.unwrap();
    synced(&ing).await;
    assert!(ing.openshift(), "route.openshift.io is served");
    let route = build::route("default", "web", "web")
        .host("a.example.com")
        .build();
    roundtrip::<Route>(&c, &ing, route).await;
    // Ingresses are ingested so the model can report each as ignored (F15).
    assert_eq!(ing.with_state(|s| s.count::<Ingress>()), 1);
    let later = build::ingress("default", "later")
        .rule("b.example.com", "/", "web", 80)
        .build();
    roundtrip::<Ingress>(&c, &ing, later).await;
}

#[tokio::test]
async fn blocked_namespaces_and_helm_release_secrets_stay_out() {
    let sim = sim(all_crds()).await;
    let c = sim.client();
    kube_support::create_namespace(&c, "blocked").await;
    let ing = Ingestion::start(c.clone(), config(&["blocked"]))
        .await
        .unwrap();
    synced(&ing).await;
    // Same kind, same watch stream: once the later object is in, the earlier was seen.
    kube_support::create(&c, &build::service("blocked", "hidden").tcp(80, 80).build()).await;
    let mut helm = build::avi_secret("u", "p");
    helm.metadata.name = Some("sh.helm.release.v1.ako.v1".into());
    helm.type_ = Some("helm.sh/release.v1".into());
    kube_support::create(&c, &helm).await;
    kube_support::create(&c, &build::service("default", "seen").tcp(80, 80).build()).await;
    let mut marker = build::avi_secret("u", "p");
    marker.metadata.name = Some("marker".into());
    kube_support::create(&c, &marker).await;
    eventually("later objects ingested", || {
        ing.with_state(|s| {
            s.get::<Service>("default", "seen").is_some()
                && s.get::<Secret>(build::AKO_NAMESPACE, "marker").is_some()
        })
    })
    .await;
    ing.with_state(|s| {
        assert!(
            s.get::<Service>("blocked", "hidden").is_none(),
            "blocked namespace"
        );
        let names: BTreeSet<String> = s.iter::<Secret>().map(|(k, _)| k.name.clone()).collect();
        assert!(
            !names.contains("sh.helm.release.v1.ako.v1"),
            "helm release secret: {names:?}"
        );
        assert!(
            s.get::<Namespace>("", "blocked").is_some(),
            "namespace objects themselves are kept"
        );
    });
}

#[tokio::test]
async fn a_failed_crd_list_keeps_all_synced_false_until_it_lists() {
    let sim = sim(all_crds()).await;
    let hr = json!({"apiVersion": "ako.vmware.com/v1beta1", "kind": "HostRule",
        "metadata": {"name": "hr", "namespace": "default"},
        "spec": {"virtualhost": {"fqdn": "a.example.com"}}});
    create_json(&sim.client(), &hr).await;
    let (client, switch) = failing_client(&sim, "/apis/ako.vmware.com/");
    let ing = Ingestion::start(client, config(&[])).await.unwrap();
    let crd_kinds = vec![Kind::AviInfraSetting, Kind::HostRule, Kind::HttpRule];
    eventually("every other kind listed", || ing.unsynced() == crd_kinds).await;
    // Several probe intervals of failures: still not synced, nothing invented.
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(
        !ing.all_synced(),
        "a kind whose list fails is never 'synced' (B2)"
    );
    assert_eq!(ing.unsynced(), crd_kinds);
    assert_eq!(ing.with_state(|s| s.count::<HostRule>()), 0);

    switch.set(false);
    synced(&ing).await;
    assert!(ing.with_state(|s| s.get::<HostRule>("default", "hr").is_some()));
}

#[tokio::test]
async fn old_crds_fall_back_to_v1alpha1_with_f30_line_and_switch_after_upgrade() {
    let (logs, _guard) = Logs::capture();
    let sim = sim(v1alpha1_only_crds()).await;
    let c = sim.client();
    let old = json!({"apiVersion": "ako.vmware.com/v1alpha1", "kind": "HostRule",
        "metadata": {"name": "old", "namespace": "default"},
        "spec": {"virtualhost": {"fqdn": "old.example.com"}}});
    create_json(&c, &old).await;
    let ing = Ingestion::start(c.clone(), config(&[])).await.unwrap();
    synced(&ing).await;
    eventually("v1alpha1 HostRule read", || {
        ing.with_state(|s| s.get::<HostRule>("default", "old").is_some())
    })
    .await;
    let fqdn = ing.with_state(|s| {
        s.get::<HostRule>("default", "old")
            .unwrap()
            .spec
            .virtualhost
            .fqdn
            .clone()
    });
    assert_eq!(fqdn, "old.example.com");
    assert_eq!(ing.crd_version(Kind::HostRule), Some("v1alpha1"));
    let text = logs.text();
    assert!(
        text.contains(
            "failed to list *v1beta1.HostRule: the server could not find the requested resource (get hostrules.ako.vmware.com)"
        ),
        "F30 line missing:\n{text}"
    );
    assert!(
        text.contains("kubectl apply -f ako-crds/"),
        "fix missing:\n{text}"
    );

    install_crds(&c, all_crds()).await;
    let new = json!({"apiVersion": "ako.vmware.com/v1beta1", "kind": "HostRule",
        "metadata": {"name": "new", "namespace": "default"},
        "spec": {"virtualhost": {"fqdn": "new.example.com", "useRegex": true}}});
    eventually("v1beta1 served to the ingestion", || {
        ing.crd_version(Kind::HostRule) == Some("v1beta1")
    })
    .await;
    create_json(&c, &new).await;
    eventually("v1beta1 HostRule read with its v1beta1-only field", || {
        ing.with_state(|s| {
            s.get::<HostRule>("default", "new")
                .is_some_and(|h| h.spec.virtualhost.use_regex == Some(true))
        })
    })
    .await;
    assert!(
        ing.with_state(|s| s.get::<HostRule>("default", "old").is_some()),
        "old objects kept"
    );
}

#[tokio::test]
async fn a_relist_after_expired_history_drops_a_missed_delete() {
    let sim = sim(vec![]).await;
    let admin = sim.client();
    for name in ["a", "b"] {
        kube_support::create(&admin, &build::service("default", name).tcp(80, 80).build()).await;
    }
    let ing = Ingestion::start(sim.client_named("ako-under-test").unwrap(), ingest_config())
        .await
        .unwrap();
    synced(&ing).await;
    let has = |name: &str| ing.with_state(|s| s.get::<Service>("default", name).is_some());
    eventually("a and b ingested", || has("a") && has("b")).await;

    // The watch misses the delete (held back), then its history expires (410).
    sim.faults()
        .lag_client("ako-under-test", Duration::from_secs(3600));
    Api::<Service>::namespaced(admin.clone(), "default")
        .delete("a", &DeleteParams::default())
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(has("a"), "the delete is held back from this client");
    sim.expire_history();
    eventually("the relist replaces the kind", || !has("a") && has("b")).await;
    sim.faults().clear();
    assert!(ing.all_synced());
}
