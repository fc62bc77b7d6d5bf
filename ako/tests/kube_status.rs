//! `ako::kube::StatusWriter` and `DiagnosticReporter` against kube-sim: status is
//! written once and not rewritten while unchanged, follows VIP changes, is cleared
//! when an object leaves scope (B15) without touching other controllers' addresses,
//! is never written by a passive instance (B14); CRD status Accepted / Rejected (also
//! at v1alpha1 with old CRDs); Route status; diagnostics → Events, deduplicated.

mod kube_support;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use ako::crd::{HostRule, Route};
use ako::kube::{DiagnosticReporter, Events, IngestConfig, Ingestion, StatusWriter};
use ako::model::{AviGraph, AviKey, AviKind, ClusterState, Diagnostic, Kind, LbStatus, ObjectKey};
use k8s_fixtures::build;
use k8s_fixtures::crds::{all_crds, v1alpha1_only_crds};
use k8s_fixtures::kube_sim;
use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::events::v1::Event;
use k8s_openapi::api::networking::v1::Ingress;
use kube::api::{
    Api, ApiResource, DynamicObject, GroupVersionKind, ListParams, Patch, PatchParams, PostParams,
};
use serde_json::{Value, json};
use tokio::sync::watch;

use kube_support::{Logs, create, eventually, install_crds, sim};

type Vips = BTreeMap<String, Vec<String>>;

fn ingest_cfg() -> IngestConfig {
    IngestConfig {
        blocked_namespaces: BTreeSet::new(),
        openshift: None,
        node_port_local: false,
        crd_probe_interval: Duration::from_millis(100),
        crd_source: "crds/".into(),
    }
}

fn lb(vsvip: &str, hosts: &[&str]) -> LbStatus {
    LbStatus {
        vs: AviKey::new(AviKind::VirtualService, vsvip),
        vsvip: AviKey::new(AviKind::VsVip, vsvip),
        hostnames: hosts.iter().map(|h| h.to_string()).collect(),
    }
}

fn vips(pairs: &[(&str, &str)]) -> Vips {
    pairs
        .iter()
        .map(|(n, ip)| (n.to_string(), vec![ip.to_string()]))
        .collect()
}

async fn svc_status(c: &kube::Client, ns: &str, name: &str) -> Value {
    let svc = Api::<Service>::namespaced(c.clone(), ns)
        .get(name)
        .await
        .unwrap();
    let ingress = svc
        .status
        .and_then(|s| s.load_balancer)
        .and_then(|l| l.ingress)
        .unwrap_or_default();
    serde_json::to_value(ingress).unwrap()
}

async fn ing_status(c: &kube::Client, ns: &str, name: &str) -> Value {
    let ing = Api::<Ingress>::namespaced(c.clone(), ns)
        .get(name)
        .await
        .unwrap();
    let ingress = ing
        .status
        .and_then(|s| s.load_balancer)
        .and_then(|l| l.ingress)
        .unwrap_or_default();
    serde_json::to_value(ingress).unwrap()
}

/// Waits until the ingested state shows the server's current resourceVersions.
async fn caught_up(ing: &Ingestion, c: &kube::Client, keys: &[ObjectKey]) -> ClusterState {
    for key in keys {
        let rv = match key.kind {
            Kind::Service => {
                Api::<Service>::namespaced(c.clone(), &key.namespace)
                    .get(&key.name)
                    .await
                    .unwrap()
                    .metadata
                    .resource_version
            }
            Kind::Ingress => {
                Api::<Ingress>::namespaced(c.clone(), &key.namespace)
                    .get(&key.name)
                    .await
                    .unwrap()
                    .metadata
                    .resource_version
            }
            Kind::HostRule => match hostrules(c, "v1beta1").get(&key.name).await {
                Ok(o) => o.metadata.resource_version,
                Err(_) => {
                    hostrules(c, "v1alpha1")
                        .get(&key.name)
                        .await
                        .unwrap()
                        .metadata
                        .resource_version
                }
            },
            Kind::Route => {
                Api::<Route>::namespaced(c.clone(), &key.namespace)
                    .get(&key.name)
                    .await
                    .unwrap()
                    .metadata
                    .resource_version
            }
            other => panic!("{other}"),
        };
        eventually(&format!("{key} at {rv:?}"), || {
            ing.with_state(|s| {
                let got = match key.kind {
                    Kind::Service => s
                        .get::<Service>(&key.namespace, &key.name)
                        .map(|o| o.metadata.resource_version.clone()),
                    Kind::Ingress => s
                        .get::<Ingress>(&key.namespace, &key.name)
                        .map(|o| o.metadata.resource_version.clone()),
                    Kind::HostRule => s
                        .get::<HostRule>(&key.namespace, &key.name)
                        .map(|o| o.metadata.resource_version.clone()),
                    _ => s
                        .get::<Route>(&key.namespace, &key.name)
                        .map(|o| o.metadata.resource_version.clone()),
                };
                got == Some(rv.clone())
            })
        })
        .await;
    }
    ing.snapshot()
}

#[tokio::test]
async fn lb_status_is_written_once_follows_vips_and_is_cleared_out_of_scope() {
    let sim = sim(all_crds()).await;
    let c = sim.client();
    create(
        &c,
        &build::service("default", "web")
            .tcp(80, 80)
            .load_balancer()
            .build(),
    )
    .await;
    create(
        &c,
        &build::service("default", "other")
            .tcp(80, 80)
            .load_balancer()
            .build(),
    )
    .await;
    create(
        &c,
        &build::ingress("default", "ing")
            .rule("a.example.com", "/", "web", 80)
            .rule("b.example.com", "/", "web", 80)
            .build(),
    )
    .await;
    // Another controller's address on a Service AKO does not handle.
    let foreign = json!({"status": {"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}}});
    Api::<Service>::namespaced(c.clone(), "default")
        .patch_status("other", &PatchParams::default(), &Patch::Merge(&foreign))
        .await
        .unwrap();
    let ing = Ingestion::start(c.clone(), ingest_cfg()).await.unwrap();
    eventually("synced", || ing.all_synced()).await;
    let svc = ObjectKey::new(Kind::Service, "default", "web");
    let other = ObjectKey::new(Kind::Service, "default", "other");
    let ingress = ObjectKey::new(Kind::Ingress, "default", "ing");
    let keys = [svc.clone(), other.clone(), ingress.clone()];
    let state = caught_up(&ing, &c, &keys).await;

    let mut graph = AviGraph::default();
    graph.status.insert(
        svc.clone(),
        vec![lb("c1--default-web", &["web.example.com"])],
    );
    graph.status.insert(
        ingress.clone(),
        vec![lb("c1--Shared-L7-0", &["a.example.com", "b.example.com"])],
    );
    let mut v = vips(&[
        ("c1--default-web", "10.0.0.5"),
        ("c1--Shared-L7-0", "10.0.0.9"),
    ]);
    let (_tx, leader) = watch::channel(true);
    let mut writer = StatusWriter::new(c.clone(), "c1", leader);

    assert_eq!(writer.sync(&state, &graph, &v, &[]).await.written, 2);
    assert_eq!(
        svc_status(&c, "default", "web").await,
        json!([{"ip": "10.0.0.5", "hostname": "web.example.com"}])
    );
    assert_eq!(
        ing_status(&c, "default", "ing").await,
        json!([{"ip": "10.0.0.9", "hostname": "a.example.com"}, {"ip": "10.0.0.9", "hostname": "b.example.com"}])
    );
    assert_eq!(
        svc_status(&c, "default", "other").await,
        json!([{"ip": "1.2.3.4"}])
    );
    // The watch has not delivered our writes yet: no second write.
    assert_eq!(
        writer.sync(&state, &graph, &v, &[]).await.written,
        0,
        "no rewrite before the watch catches up"
    );
    let state = caught_up(&ing, &c, &keys).await;
    assert_eq!(
        writer.sync(&state, &graph, &v, &[]).await.written,
        0,
        "unchanged status is not rewritten"
    );

    v.insert("c1--default-web".into(), vec!["10.0.0.6".into()]);
    assert_eq!(writer.sync(&state, &graph, &v, &[]).await.written, 1);
    assert_eq!(
        svc_status(&c, "default", "web").await,
        json!([{"ip": "10.0.0.6", "hostname": "web.example.com"}])
    );

    // The Service leaves scope (e.g. a new class): its VIP is cleared, nothing else.
    graph.status.remove(&svc);
    let state = caught_up(&ing, &c, &keys).await;
    assert_eq!(writer.sync(&state, &graph, &v, &[]).await.written, 1);
    assert_eq!(svc_status(&c, "default", "web").await, json!([]));
    assert_eq!(
        svc_status(&c, "default", "other").await,
        json!([{"ip": "1.2.3.4"}])
    );
    let state = caught_up(&ing, &c, &keys).await;
    assert_eq!(writer.sync(&state, &graph, &v, &[]).await.written, 0);
}

#[tokio::test]
async fn a_vip_not_observed_yet_leaves_status_alone() {
    let sim = sim(vec![]).await;
    let c = sim.client();
    create(
        &c,
        &build::service("default", "web")
            .tcp(80, 80)
            .load_balancer()
            .build(),
    )
    .await;
    let ing = Ingestion::start(c.clone(), ingest_cfg()).await.unwrap();
    eventually("synced", || ing.all_synced()).await;
    let key = ObjectKey::new(Kind::Service, "default", "web");
    let state = caught_up(&ing, &c, std::slice::from_ref(&key)).await;
    let mut graph = AviGraph::default();
    graph.status.insert(key, vec![lb("c1--default-web", &[])]);
    let (_tx, leader) = watch::channel(true);
    let mut writer = StatusWriter::new(c.clone(), "c1", leader);
    assert_eq!(
        writer.sync(&state, &graph, &Vips::new(), &[]).await.written,
        0
    );
    assert_eq!(
        writer
            .sync(
                &state,
                &graph,
                &vips(&[("c1--default-web", "10.0.0.5")]),
                &[]
            )
            .await
            .written,
        1
    );
    assert_eq!(
        svc_status(&c, "default", "web").await,
        json!([{"ip": "10.0.0.5"}])
    );
}

#[tokio::test]
async fn a_passive_instance_writes_no_status() {
    let sim = sim(all_crds()).await;
    let c = sim.client();
    create(
        &c,
        &build::service("default", "web")
            .tcp(80, 80)
            .load_balancer()
            .build(),
    )
    .await;
    let ing = Ingestion::start(c.clone(), ingest_cfg()).await.unwrap();
    eventually("synced", || ing.all_synced()).await;
    let key = ObjectKey::new(Kind::Service, "default", "web");
    let state = caught_up(&ing, &c, std::slice::from_ref(&key)).await;
    let mut graph = AviGraph::default();
    graph.status.insert(key, vec![lb("vip", &[])]);
    let (tx, leader) = watch::channel(false);
    let mut writer = StatusWriter::new(c.clone(), "c1", leader);
    let v = vips(&[("vip", "10.0.0.5")]);
    assert_eq!(writer.sync(&state, &graph, &v, &[]).await.written, 0);
    assert_eq!(
        writer
            .clear_namespaces(&["default".to_string()].into(), &v)
            .await
            .unwrap()
            .written,
        0
    );
    assert_eq!(svc_status(&c, "default", "web").await, json!([]));
    tx.send_replace(true);
    assert_eq!(
        writer.sync(&state, &graph, &v, &[]).await.written,
        1,
        "the new leader writes"
    );
}

#[tokio::test]
async fn blocked_namespaces_lose_our_addresses_only() {
    let sim = sim(vec![]).await;
    let c = sim.client();
    kube_support::create_namespace(&c, "blocked").await;
    create(
        &c,
        &build::service("blocked", "web")
            .tcp(80, 80)
            .load_balancer()
            .build(),
    )
    .await;
    let both =
        json!({"status": {"loadBalancer": {"ingress": [{"ip": "10.0.0.5"}, {"ip": "1.2.3.4"}]}}});
    Api::<Service>::namespaced(c.clone(), "blocked")
        .patch_status("web", &PatchParams::default(), &Patch::Merge(&both))
        .await
        .unwrap();
    let (_tx, leader) = watch::channel(true);
    let mut writer = StatusWriter::new(c.clone(), "c1", leader);
    let report = writer
        .clear_namespaces(
            &["blocked".to_string()].into(),
            &vips(&[("vip", "10.0.0.5")]),
        )
        .await
        .unwrap();
    assert_eq!(report.written, 1);
    assert_eq!(
        svc_status(&c, "blocked", "web").await,
        json!([{"ip": "1.2.3.4"}])
    );
}

fn hostrule_json(version: &str, name: &str, fqdn: &str) -> Value {
    json!({"apiVersion": format!("ako.vmware.com/{version}"), "kind": "HostRule",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"virtualhost": {"fqdn": fqdn}}})
}

fn hostrules(c: &kube::Client, version: &str) -> Api<DynamicObject> {
    let gvk = GroupVersionKind::gvk("ako.vmware.com", version, "HostRule");
    Api::namespaced_with(
        c.clone(),
        "default",
        &ApiResource::from_gvk_with_plural(&gvk, "hostrules"),
    )
}

async fn crd_status_of(c: &kube::Client, version: &str, name: &str) -> Value {
    hostrules(c, version).get(name).await.unwrap().data["status"].clone()
}

async fn crd_status_round(
    crds: Vec<k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition>,
    version: &str,
) {
    let sim = sim(crds).await;
    let c = sim.client();
    for (name, fqdn) in [("good", "a.example.com"), ("bad", "b.example.com")] {
        let obj: DynamicObject =
            serde_json::from_value(hostrule_json(version, name, fqdn)).unwrap();
        hostrules(&c, version)
            .create(&PostParams::default(), &obj)
            .await
            .unwrap();
    }
    let ing = Ingestion::start(c.clone(), ingest_cfg()).await.unwrap();
    eventually("synced", || ing.all_synced()).await;
    let good = ObjectKey::new(Kind::HostRule, "default", "good");
    let bad = ObjectKey::new(Kind::HostRule, "default", "bad");
    let state = caught_up(&ing, &c, &[good.clone(), bad.clone()]).await;
    let diags = vec![Diagnostic::error(
        &bad,
        "InvalidHostRule",
        "sslKeyCertificate missing-cert not found",
    )];
    let (_tx, leader) = watch::channel(true);
    let mut writer = StatusWriter::new(c.clone(), "c1", leader);
    let graph = AviGraph::default();
    assert_eq!(
        writer
            .sync(&state, &graph, &Vips::new(), &diags)
            .await
            .written,
        2
    );
    assert_eq!(
        crd_status_of(&c, version, "good").await,
        json!({"status": "Accepted"})
    );
    assert_eq!(
        crd_status_of(&c, version, "bad").await,
        json!({"status": "Rejected", "error": "sslKeyCertificate missing-cert not found"})
    );
    let state = caught_up(&ing, &c, &[good, bad.clone()]).await;
    assert_eq!(
        writer
            .sync(&state, &graph, &Vips::new(), &diags)
            .await
            .written,
        0
    );
    // Fixed: accepted again, error gone.
    assert_eq!(
        writer.sync(&state, &graph, &Vips::new(), &[]).await.written,
        1
    );
    assert_eq!(
        crd_status_of(&c, version, "bad").await,
        json!({"status": "Accepted"})
    );
}

#[tokio::test]
async fn crd_status_is_accepted_or_rejected_with_the_error() {
    crd_status_round(all_crds(), "v1beta1").await;
}

#[tokio::test]
async fn crd_status_is_written_at_v1alpha1_while_only_old_crds_are_served() {
    crd_status_round(v1alpha1_only_crds(), "v1alpha1").await;
}

#[tokio::test]
async fn route_status_admits_with_the_vip_and_keeps_other_routers() {
    let mut cfg = kube_sim::Config {
        openshift: true,
        ..Default::default()
    };
    cfg.namespaces.push(build::AKO_NAMESPACE.into());
    let sim = kube_sim::spawn_with(cfg).await.unwrap();
    install_crds(&sim.client(), all_crds()).await;
    let c = sim.client();
    let route: Route = serde_json::from_value(
        serde_json::to_value(
            build::route("default", "web", "web")
                .host("a.example.com")
                .build(),
        )
        .unwrap(),
    )
    .unwrap();
    create(&c, &route).await;
    let theirs = json!({"status": {"ingress": [{"host": "a.example.com", "routerName": "default",
        "conditions": [{"type": "Admitted", "status": "True"}]}]}});
    let routes: Api<Route> = Api::namespaced(c.clone(), "default");
    routes
        .patch_status("web", &PatchParams::default(), &Patch::Merge(&theirs))
        .await
        .unwrap();
    let ing = Ingestion::start(c.clone(), ingest_cfg()).await.unwrap();
    eventually("synced", || ing.all_synced()).await;
    let key = ObjectKey::new(Kind::Route, "default", "web");
    let state = caught_up(&ing, &c, std::slice::from_ref(&key)).await;
    let mut graph = AviGraph::default();
    graph
        .status
        .insert(key.clone(), vec![lb("c1--Shared-L7-0", &["a.example.com"])]);
    let v = vips(&[("c1--Shared-L7-0", "10.0.0.9")]);
    let (_tx, leader) = watch::channel(true);
    let mut writer = StatusWriter::new(c.clone(), "c1", leader);
    assert_eq!(writer.sync(&state, &graph, &v, &[]).await.written, 1);
    let status = routes.get("web").await.unwrap().status.unwrap();
    let ours: Vec<_> = status
        .ingress
        .iter()
        .filter(|e| e.router_name.as_deref() == Some("ako-c1"))
        .collect();
    assert_eq!(ours.len(), 1);
    let cond = &ours[0].conditions[0];
    assert_eq!(
        (
            cond.kind.as_str(),
            cond.status.as_str(),
            cond.message.as_deref()
        ),
        ("Admitted", "True", Some("10.0.0.9"))
    );
    assert!(
        status
            .ingress
            .iter()
            .any(|e| e.router_name.as_deref() == Some("default")),
        "other router kept"
    );
    let state = caught_up(&ing, &c, std::slice::from_ref(&key)).await;
    assert_eq!(
        writer.sync(&state, &graph, &v, &[]).await.written,
        0,
        "timestamps do not cause rewrites"
    );
}

async fn events(c: &kube::Client) -> Vec<Event> {
    Api::<Event>::namespaced(c.clone(), "default")
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
}

#[tokio::test]
async fn diagnostics_become_one_log_line_and_one_event_each() {
    let (logs, _guard) = Logs::capture();
    let sim = sim(vec![]).await;
    let c = sim.client();
    let state = ClusterState::new();
    let web = ObjectKey::new(Kind::Ingress, "default", "web");
    let d1 = Diagnostic::warning(
        &web,
        "DuplicateHostPath",
        "Duplicate entries found for hostpath default/web: a.example.com/ in ingresses: [\"default/other\"]",
    );
    let d2 = Diagnostic::error(&web, "InvalidSecret", "secret default/tls not found");
    let (tx, leader) = watch::channel(true);
    let mut reporter = DiagnosticReporter::new(Events::new(c.clone(), "ako-0"), leader);

    assert_eq!(
        reporter
            .report(&state, std::slice::from_ref(&d1), true)
            .await,
        1
    );
    assert_eq!(
        reporter
            .report(&state, std::slice::from_ref(&d1), true)
            .await,
        0,
        "unchanged: no new event"
    );
    let list = events(&c).await;
    assert_eq!(list.len(), 1);
    let e = &list[0];
    assert_eq!(e.reason.as_deref(), Some("DuplicateHostPath"));
    assert_eq!(
        e.reporting_controller.as_deref(),
        Some("avi-kubernetes-operator")
    );
    assert_eq!(e.type_.as_deref(), Some("Warning"));
    let regarding = e.regarding.as_ref().unwrap();
    assert_eq!(
        (regarding.kind.as_deref(), regarding.name.as_deref()),
        (Some("Ingress"), Some("web"))
    );
    assert_eq!(
        logs.text().matches("key=Ingress/default/web").count(),
        1,
        "{}",
        logs.text()
    );

    assert_eq!(
        reporter
            .report(&state, &[d1.clone(), d2.clone()], true)
            .await,
        1,
        "only the new one"
    );
    assert_eq!(reporter.report(&state, &[], true).await, 0);
    assert_eq!(
        reporter
            .report(&state, std::slice::from_ref(&d1), true)
            .await,
        1,
        "back again: reported again"
    );
    assert_eq!(events(&c).await.len(), 3);

    tx.send_replace(false);
    assert_eq!(
        reporter
            .report(&state, &[d1.clone(), d2.clone()], true)
            .await,
        0,
        "passive: no events (B14)"
    );
    assert_eq!(
        reporter.report(&state, &[d1, d2], false).await,
        0,
        "events disabled"
    );
    assert_eq!(events(&c).await.len(), 3);
}
