//! End to end safety rules (spec/original-ako-bugs.md): a kind whose list fails at
//! boot means no Avi write at all, so nothing is deleted (B2, B21); a ConfigMap read
//! error or a missing ConfigMap is never a cleanup (B3, B26); a cluster named
//! `<cluster>-b` is never touched, even by a full deleteConfig (B4).

mod e2e_support;

use std::collections::BTreeMap;
use std::time::Duration;

use ako::controller::{Controller, Phase};
use e2e_support::kube_support::failing_client;
use e2e_support::*;
use k8s_fixtures::build::AKO_NAMESPACE;
use k8s_openapi::api::core::v1::ConfigMap;
use k8s_openapi::api::events::v1::Event;
use k8s_openapi::api::networking::v1::Ingress;
use kube::api::{Api, ListParams};

/// Lets a paused controller run a while: if it were going to write, it would have
/// (not a timing assertion: the check that follows is on the request log).
async fn give_it_a_chance() {
    tokio::time::sleep(Duration::from_millis(700)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_list_at_boot_deletes_nothing() {
    let env = Env::new("c1").await;
    let sample = apply_sample(&env).await;
    let first = env.start("ako-0");
    converged_on(&first, sees_sample(&sample)).await;
    first.shutdown().await;
    // While no controller runs, an Ingress goes away; then the next one cannot list Ingresses.
    env.delete::<Ingress>("red", "shop").await;
    let owned = env.owned();
    let (client, switch) = failing_client(&env.kube, "/ingresses");
    let ctl = Controller::start(env.deps_with(client, "ako-1"));
    kube_support::eventually("Avi inventory read by the new instance", || {
        env.avi
            .request_log()
            .client_counts("ako-1")
            .contains_key("GET virtualservice")
    })
    .await;
    give_it_a_chance().await;
    assert_eq!(env.writes("ako-1"), 0, "{:?}", env.write_log("ako-1"));
    let st = ctl.status();
    assert!(
        matches!(&st.phase, Phase::WaitingForKube(why) if why.contains("Ingress")),
        "{:?}",
        st.phase
    );
    assert_eq!(env.owned(), owned);

    switch.set(false);
    let st = converged_on(&ctl, has::<Ingress>("red", "shop", None)).await;
    env.assert_matches(&st);
    assert!(
        env.write_log("ako-1")
            .iter()
            .any(|w| w.starts_with("DELETE")),
        "the removed Ingress's objects go now"
    );
    ctl.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn configmap_read_error_or_absence_triggers_no_cleanup() {
    let env = Env::new("c1").await;
    let sample = apply_sample(&env).await;
    let first = env.start("ako-0");
    converged_on(&first, sees_sample(&sample)).await;
    first.shutdown().await;
    let owned = env.owned();

    // The ConfigMap cannot be read.
    let (client, switch) = failing_client(&env.kube, "/configmaps");
    let ctl = Controller::start(env.deps_with(client, "ako-1"));
    wait_for(&ctl, |s| matches!(s.phase, Phase::WaitingForSettings(_))).await;
    give_it_a_chance().await;
    assert!(matches!(ctl.status().phase, Phase::WaitingForSettings(_)));
    assert!(!ctl.health().is_ready());
    assert_eq!(env.writes("ako-1"), 0);
    switch.set(false);
    let st = converged_on(&ctl, sees_sample(&sample)).await;
    assert_eq!(
        env.writes("ako-1"),
        0,
        "nothing changed: {:?}",
        env.write_log("ako-1")
    );
    env.assert_matches(&st);
    ctl.shutdown().await;

    // The ConfigMap is gone.
    env.delete::<ConfigMap>(AKO_NAMESPACE, "avi-k8s-config")
        .await;
    let ctl = env.start("ako-2");
    let st = wait_for(
        &ctl,
        |s| matches!(&s.phase, Phase::WaitingForSettings(why) if why.contains("not found")),
    )
    .await;
    assert!(!st.ready);
    give_it_a_chance().await;
    assert_eq!(env.writes("ako-2"), 0);
    assert_eq!(env.owned(), owned);
    let events = Api::<Event>::namespaced(env.client(), AKO_NAMESPACE)
        .list(&ListParams::default())
        .await
        .unwrap();
    assert!(
        events
            .items
            .iter()
            .any(|e| e.reason.as_deref() == Some("SettingsUnavailable")),
        "an event tells the operator"
    );
    env.set_config(&[]).await;
    converged_on(&ctl, sees_sample(&sample)).await;
    assert_eq!(env.writes("ako-2"), 0);
    ctl.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lookalike_cluster_is_never_touched() {
    let env = Env::new("c1").await;
    let sample = apply_sample(&env).await;
    // Cluster c1-b converges first on the same controller.
    env.apply(&configmap("c1-b", &env.avi).build()).await;
    let other = env.start("ako-b");
    converged_on(&other, sees_sample(&sample)).await;
    other.shutdown().await;
    let theirs: BTreeMap<(String, String), serde_json::Value> = env
        .owned_by("c1-b")
        .into_iter()
        .map(|(t, n)| {
            let body = env.avi_object(&t, &n).unwrap();
            ((t, n), body)
        })
        .collect();
    assert!(!theirs.is_empty());

    // c1 (with its own SE group) converges, then deletes everything it owns.
    let seg: serde_json::Value = env
        .operator()
        .create(
            "serviceenginegroup",
            &serde_json::json!({"name": "c1-group", "cloud_ref": "/api/cloud?name=Default-Cloud"}),
        )
        .await
        .unwrap();
    assert_eq!(seg["name"], "c1-group");
    env.set_config(&[("serviceEngineGroupName", "c1-group")])
        .await;
    let ctl = env.start("ako-0");
    converged_on(&ctl, sees_sample(&sample)).await;
    assert!(!env.owned().is_empty());
    env.set_config(&[
        ("serviceEngineGroupName", "c1-group"),
        ("deleteConfig", "true"),
    ])
    .await;
    wait_for(&ctl, |s| s.phase == Phase::Deleted).await;
    assert!(env.owned().is_empty());
    ctl.shutdown().await;

    for ((t, n), body) in &theirs {
        let now = env
            .avi_object(t, n)
            .unwrap_or_else(|| panic!("{t}/{n} of c1-b deleted"));
        assert_eq!(&now, body, "{t}/{n} of c1-b changed");
    }
    let vrf = env.avi_object("vrfcontext", "global").unwrap();
    let their_routes = vrf["static_routes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["labels"].to_string().contains(r#""value":"c1-b""#))
        .count();
    assert_eq!(their_routes, 2, "c1-b's static routes stay");
}
