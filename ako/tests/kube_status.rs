//! `ako::kube::StatusWriter` for Services, Ingresses and Routes against kube-sim:
//! status is written once and not rewritten while unchanged, follows VIP changes, is
//! cleared when an object leaves scope without touching other controllers' addresses
//! (B15), is never written by a passive instance (B14); Route status keeps other
//! routers' entries; addresses observed before their VsVip is deleted are still
//! recognised as ours; NodePortLocal Services are annotated once (F22).

mod kube_support;

use std::collections::{BTreeMap, BTreeSet};

use ako::crd::Route;
use ako::kube::{Ingestion, StatusWriter};
use ako::model::{AviGraph, AviKey, AviKind, ClusterState, Kind, LbStatus, ObjectKey};
use k8s_fixtures::build;
use k8s_fixtures::crds::all_crds;
use k8s_fixtures::kube_sim::Handle;
use k8s_openapi::api::core::v1::Service;
use kube::api::{Api, Patch, PatchParams};
use serde_json::{Value, json};
use tokio::sync::watch;

use kube_support::{caught_up, create, eventually, get_dynamic, ingest_config, openshift_sim, sim};

type Vips = BTreeMap<String, Vec<String>>;

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

fn svc_key(ns: &str, name: &str) -> ObjectKey {
    ObjectKey::new(Kind::Service, ns, name)
}

/// `.status.loadBalancer.ingress` of a Service or Ingress on the server.
async fn lb_json(c: &kube::Client, key: &ObjectKey) -> Value {
    let obj = get_dynamic(c, key).await;
    let v = &obj.data["status"]["loadBalancer"]["ingress"];
    if v.is_null() { json!([]) } else { v.clone() }
}

async fn set_lb(c: &kube::Client, key: &ObjectKey, ips: &[&str]) {
    let entries: Vec<Value> = ips.iter().map(|ip| json!({"ip": ip})).collect();
    let patch = json!({"status": {"loadBalancer": {"ingress": entries}}});
    Api::<Service>::namespaced(c.clone(), &key.namespace)
        .patch_status(&key.name, &PatchParams::default(), &Patch::Merge(&patch))
        .await
        .unwrap();
}

async fn lb_service(c: &kube::Client, ns: &str, name: &str) -> ObjectKey {
    create(
        c,
        &build::service(ns, name).tcp(80, 80).load_balancer().build(),
    )
    .await;
    svc_key(ns, name)
}

/// Waits until `ing` holds the server's current version of `key`.
async fn caught_up_on(ing: &Ingestion, c: &kube::Client, key: &ObjectKey) -> ClusterState {
    caught_up(ing, c, std::slice::from_ref(key)).await
}

/// A status writer for cluster `c1`, leader or not as `leader` says (the sender flips it).
fn status_writer(c: &kube::Client, leader: bool) -> (watch::Sender<bool>, StatusWriter) {
    let (tx, rx) = watch::channel(leader);
    (tx, StatusWriter::new(c.clone(), "c1", rx))
}

/// Route `default/web` for host `a.example.com`, created; its API and key.
async fn web_route(c: &kube::Client) -> (Api<Route>, ObjectKey) {
    let fixture = build::route("default", "web", "web")
        .host("a.example.com")
        .build();
    let route: Route = serde_json::from_value(serde_json::to_value(fixture).unwrap()).unwrap();
    create(c, &route).await;
    let key = ObjectKey::new(Kind::Route, "default", "web");
    (Api::namespaced(c.clone(), "default"), key)
}

/// How many objects one status round of `writer` wrote (no diagnostics).
async fn written(
    writer: &mut StatusWriter,
    state: &ClusterState,
    graph: &AviGraph,
    vips: &Vips,
) -> usize {
    writer.sync(state, graph, vips, &[]).await.written
}

async fn ingestion(c: &kube::Client) -> Ingestion {
    let cfg = ingest_config();
    let ing = Ingestion::start(c.clone(), cfg).await.unwrap();
    eventually("synced", || ing.all_synced()).await;
    ing
}

/// One LoadBalancer Service `default/web`, ingested; a writer with `leader`.
async fn one_service(
    leader: bool,
) -> (
    Handle,
    Ingestion,
    ObjectKey,
    ClusterState,
    StatusWriter,
    watch::Sender<bool>,
) {
    let sim = sim(vec![]).await;
    let c = sim.client();
    let key = lb_service(&c, "default", "web").await;
    let ing = ingestion(&c).await;
    let state = caught_up_on(&ing, &c, &key).await;
    let (tx, writer) = status_writer(&c, leader);
    (sim, ing, key, state, writer, tx)
}

#[tokio::test]
async fn lb_status_is_written_once_follows_vips_and_is_cleared_out_of_scope() {
    let sim = sim(all_crds()).await;
    let c = sim.client();
    let svc = lb_service(&c, "default", "web").await;
    let other = lb_service(&c, "default", "other").await;
    let ingress = build::ingress("default", "ing")
        .rule("a.example.com", "/", "web", 80)
        .rule("b.example.com", "/", "web", 80)
        .build();
    create(&c, &ingress).await;
    let ingress = ObjectKey::new(Kind::Ingress, "default", "ing");
    // Another controller's address on a Service AKO does not handle.
    set_lb(&c, &other, &["1.2.3.4"]).await;
    let ing = ingestion(&c).await;
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
    let (_tx, mut writer) = status_writer(&c, true);

    assert_eq!(written(&mut writer, &state, &graph, &v).await, 2);
    assert_eq!(
        lb_json(&c, &svc).await,
        json!([{"ip": "10.0.0.5", "hostname": "web.example.com"}])
    );
    assert_eq!(
        lb_json(&c, &ingress).await,
        json!([{"ip": "10.0.0.9", "hostname": "a.example.com"},
               {"ip": "10.0.0.9", "hostname": "b.example.com"}])
    );
    assert_eq!(lb_json(&c, &other).await, json!([{"ip": "1.2.3.4"}]));
    assert_eq!(
        written(&mut writer, &state, &graph, &v).await,
        0,
        "no rewrite while the watch has not delivered our write"
    );
    let state = caught_up(&ing, &c, &keys).await;
    assert_eq!(
        written(&mut writer, &state, &graph, &v).await,
        0,
        "unchanged"
    );

    v.insert("c1--default-web".into(), vec!["10.0.0.6".into()]);
    assert_eq!(written(&mut writer, &state, &graph, &v).await, 1);
    assert_eq!(
        lb_json(&c, &svc).await,
        json!([{"ip": "10.0.0.6", "hostname": "web.example.com"}])
    );

    // The Service leaves scope (e.g. another class): our VIPs go, nothing else.
    graph.status.remove(&svc);
    let state = caught_up(&ing, &c, &keys).await;
    assert_eq!(written(&mut writer, &state, &graph, &v).await, 1);
    assert_eq!(lb_json(&c, &svc).await, json!([]));
    assert_eq!(lb_json(&c, &other).await, json!([{"ip": "1.2.3.4"}]));
    let state = caught_up(&ing, &c, &keys).await;
    assert_eq!(written(&mut writer, &state, &graph, &v).await, 0);
}

#[tokio::test]
async fn a_vip_not_observed_yet_leaves_status_alone() {
    let (sim, _ing, key, state, mut writer, _tx) = one_service(true).await;
    let mut graph = AviGraph::default();
    graph
        .status
        .insert(key.clone(), vec![lb("c1--default-web", &[])]);
    assert_eq!(written(&mut writer, &state, &graph, &Vips::new()).await, 0);
    let v = vips(&[("c1--default-web", "10.0.0.5")]);
    assert_eq!(written(&mut writer, &state, &graph, &v).await, 1);
    assert_eq!(
        lb_json(&sim.client(), &key).await,
        json!([{"ip": "10.0.0.5"}])
    );
}

#[tokio::test]
async fn a_passive_instance_writes_no_status() {
    let (sim, _ing, key, state, mut writer, tx) = one_service(false).await;
    let mut graph = AviGraph::default();
    graph.status.insert(key.clone(), vec![lb("vip", &[])]);
    let v = vips(&[("vip", "10.0.0.5")]);
    assert_eq!(written(&mut writer, &state, &graph, &v).await, 0);
    let default = BTreeSet::from(["default".to_string()]);
    assert_eq!(
        writer.clear_namespaces(&default, &v).await.unwrap().written,
        0
    );
    assert_eq!(lb_json(&sim.client(), &key).await, json!([]));
    tx.send_replace(true);
    assert_eq!(
        written(&mut writer, &state, &graph, &v).await,
        1,
        "the new leader writes"
    );
}

#[tokio::test]
async fn blocked_namespaces_lose_our_addresses_only() {
    let sim = sim(vec![]).await;
    let c = sim.client();
    kube_support::create_namespace(&c, "blocked").await;
    let key = lb_service(&c, "blocked", "web").await;
    set_lb(&c, &key, &["10.0.0.5", "1.2.3.4"]).await;
    let (_tx, mut writer) = status_writer(&c, true);
    let blocked = BTreeSet::from(["blocked".to_string()]);
    let report = writer
        .clear_namespaces(&blocked, &vips(&[("vip", "10.0.0.5")]))
        .await
        .unwrap();
    assert_eq!(report.written, 1);
    assert_eq!(lb_json(&c, &key).await, json!([{"ip": "1.2.3.4"}]));
}

#[tokio::test]
async fn route_status_admits_with_the_vip_and_keeps_other_routers() {
    let sim = openshift_sim().await;
    let c = sim.client();
    let (routes, key) = web_route(&c).await;
    let theirs = json!({"status": {"ingress": [{"host": "a.example.com", "routerName": "default",
        "conditions": [{"type": "Admitted", "status": "True"}]}]}});
    routes
        .patch_status("web", &PatchParams::default(), &Patch::Merge(&theirs))
        .await
        .unwrap();
    let ing = ingestion(&c).await;
    let state = caught_up_on(&ing, &c, &key).await;
    let mut graph = AviGraph::default();
    graph
        .status
        .insert(key.clone(), vec![lb("c1--Shared-L7-0", &["a.example.com"])]);
    let v = vips(&[("c1--Shared-L7-0", "10.0.0.9")]);
    let (_tx, mut writer) = status_writer(&c, true);
    assert_eq!(written(&mut writer, &state, &graph, &v).await, 1);
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
    let state = caught_up_on(&ing, &c, &key).await;
    assert_eq!(
        written(&mut writer, &state, &graph, &v).await,
        0,
        "timestamps do not cause rewrites"
    );
}

#[tokio::test]
async fn a_rejected_route_says_why_and_a_route_out_of_scope_loses_our_entry() {
    let sim = openshift_sim().await;
    let c = sim.client();
    let (routes, key) = web_route(&c).await;
    let ing = ingestion(&c).await;
    let state = caught_up_on(&ing, &c, &key).await;
    let why = "edge route default/web has no key and certificate";
    let diags = vec![ako::model::Diagnostic::error(&key, "InvalidRoute", why)];
    let (_tx, mut writer) = status_writer(&c, true);
    let graph = AviGraph::default();
    assert_eq!(
        writer
            .sync(&state, &graph, &Vips::new(), &diags)
            .await
            .written,
        1
    );
    let status = routes.get("web").await.unwrap().status.unwrap();
    let cond = &status.ingress[0].conditions[0];
    assert_eq!(
        (
            status.ingress[0].router_name.as_deref(),
            cond.status.as_str(),
            cond.message.as_deref()
        ),
        (Some("ako-c1"), "False", Some(why))
    );
    let state = caught_up_on(&ing, &c, &key).await;
    assert_eq!(written(&mut writer, &state, &graph, &Vips::new()).await, 1);
    let status = routes.get("web").await.unwrap().status.unwrap();
    assert!(status.ingress.is_empty(), "{status:?}");
}

#[tokio::test]
async fn npl_services_are_annotated_once_and_the_annotation_stays() {
    let (sim, ing, key, state, mut writer, _tx) = one_service(true).await;
    let c = sim.client();
    let annotation = |svc: Service| {
        svc.metadata
            .annotations
            .unwrap_or_default()
            .get(ako::kube::NPL_ENABLED)
            .cloned()
    };
    let api = Api::<Service>::namespaced(c.clone(), "default");
    let mut graph = AviGraph::default();
    assert_eq!(written(&mut writer, &state, &graph, &Vips::new()).await, 0);
    assert_eq!(annotation(api.get("web").await.unwrap()), None);

    graph.npl_services.insert(key.clone());
    assert_eq!(written(&mut writer, &state, &graph, &Vips::new()).await, 1);
    assert_eq!(
        annotation(api.get("web").await.unwrap()).as_deref(),
        Some("true")
    );
    assert_eq!(
        written(&mut writer, &state, &graph, &Vips::new()).await,
        0,
        "no rewrite while the watch has not delivered our write"
    );
    let state = caught_up_on(&ing, &c, &key).await;
    assert_eq!(written(&mut writer, &state, &graph, &Vips::new()).await, 0);

    // No longer needed (e.g. cleanup, F23): the annotation is left in place.
    graph.npl_services.clear();
    assert_eq!(written(&mut writer, &state, &graph, &Vips::new()).await, 0);
    assert_eq!(
        annotation(api.get("web").await.unwrap()).as_deref(),
        Some("true")
    );
}

#[tokio::test]
async fn addresses_observed_before_their_vsvip_is_deleted_are_cleared() {
    let (sim, ing, key, _, mut writer, tx) = one_service(true).await;
    let c = sim.client();
    set_lb(&c, &key, &["10.0.0.5", "1.2.3.4"]).await;
    let state = caught_up_on(&ing, &c, &key).await;
    // Out of scope, and its VsVip already deleted when status is written.
    let graph = AviGraph::default();
    let mut fresh = StatusWriter::new(c.clone(), "c1", tx.subscribe());
    assert_eq!(written(&mut fresh, &state, &graph, &Vips::new()).await, 0);

    writer.observe(&vips(&[("c1--default-web", "10.0.0.5")]));
    assert_eq!(written(&mut writer, &state, &graph, &Vips::new()).await, 1);
    assert_eq!(lb_json(&c, &key).await, json!([{"ip": "1.2.3.4"}]));
}
