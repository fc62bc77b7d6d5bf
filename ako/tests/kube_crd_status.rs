//! CRD status through `ako::kube::StatusWriter` against kube-sim: `Accepted`, or
//! `Rejected` with the model's error, written once; at v1beta1, and at v1alpha1
//! while the cluster still serves only the old CRDs (F30).

mod kube_support;

use std::collections::BTreeMap;

use ako::kube::{Ingestion, StatusWriter};
use ako::model::{AviGraph, Diagnostic, Kind, ObjectKey};
use k8s_fixtures::crds::{all_crds, v1alpha1_only_crds};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use serde_json::{Value, json};
use tokio::sync::watch;

use kube_support::{caught_up, create_json, eventually, get_dynamic, ingest_config, sim};

async fn status_of(c: &kube::Client, key: &ObjectKey) -> Value {
    get_dynamic(c, key).await.data["status"].clone()
}

async fn accepted_then_rejected_then_fixed(crds: Vec<CustomResourceDefinition>, version: &str) {
    let sim = sim(crds).await;
    let c = sim.client();
    for (name, fqdn) in [("good", "a.example.com"), ("bad", "b.example.com")] {
        let obj = json!({"apiVersion": format!("ako.vmware.com/{version}"), "kind": "HostRule",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"virtualhost": {"fqdn": fqdn}}});
        create_json(&c, &obj).await;
    }
    let cfg = ingest_config();
    let ing = Ingestion::start(c.clone(), cfg).await.unwrap();
    eventually("synced", || ing.all_synced()).await;
    let good = ObjectKey::new(Kind::HostRule, "default", "good");
    let bad = ObjectKey::new(Kind::HostRule, "default", "bad");
    let keys = [good.clone(), bad.clone()];
    let state = caught_up(&ing, &c, &keys).await;
    let error = "sslKeyCertificate missing-cert not found";
    let diags = vec![Diagnostic::error(&bad, "InvalidHostRule", error)];
    let (_tx, leader) = watch::channel(true);
    let mut writer = StatusWriter::new(c.clone(), "c1", leader);
    let (graph, vips) = (AviGraph::default(), BTreeMap::new());

    assert_eq!(writer.sync(&state, &graph, &vips, &diags).await.written, 2);
    assert_eq!(status_of(&c, &good).await, json!({"status": "Accepted"}));
    assert_eq!(
        status_of(&c, &bad).await,
        json!({"status": "Rejected", "error": error})
    );
    let state = caught_up(&ing, &c, &keys).await;
    assert_eq!(
        writer.sync(&state, &graph, &vips, &diags).await.written,
        0,
        "unchanged"
    );
    assert_eq!(
        writer.sync(&state, &graph, &vips, &[]).await.written,
        1,
        "fixed"
    );
    assert_eq!(status_of(&c, &bad).await, json!({"status": "Accepted"}));
}

#[tokio::test]
async fn crd_status_is_accepted_or_rejected_with_the_error() {
    accepted_then_rejected_then_fixed(all_crds(), "v1beta1").await;
}

#[tokio::test]
async fn crd_status_is_written_at_v1alpha1_while_only_old_crds_are_served() {
    accepted_then_rejected_then_fixed(v1alpha1_only_crds(), "v1alpha1").await;
}
