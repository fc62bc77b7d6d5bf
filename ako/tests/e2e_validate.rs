//! End to end boot validation (F18) and deleteConfig events (F1): a cloud that does
//! not exist or has no IPAM, or an SE group labelled for another cluster, keeps the
//! instance not ready with a Warning Event on `avi-k8s-config` and no Avi write; a
//! settings fix recovers without a restart. deleteConfig transitions are announced
//! on the instance's Pod once each, not every round.

mod e2e_support;

use ako::controller::{ControllerHandle, ControllerStatus, Phase};
use e2e_support::*;
use k8s_fixtures::build::AKO_NAMESPACE;
use k8s_openapi::api::events::v1::Event;
use kube::api::{Api, ListParams};
use serde_json::Value;

/// Events about `kind/name` in AKO's namespace with `reason` (any reason if `None`).
async fn events(env: &Env, kind: &str, name: &str, reason: Option<&str>) -> Vec<Event> {
    Api::<Event>::namespaced(env.client(), AKO_NAMESPACE)
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|e| {
            let r = e.regarding.as_ref();
            r.and_then(|r| r.kind.as_deref()) == Some(kind)
                && r.and_then(|r| r.name.as_deref()) == Some(name)
                && reason.is_none_or(|want| e.reason.as_deref() == Some(want))
        })
        .collect()
}

/// Waits until validation failed with a reason containing `text`.
async fn invalid(ctl: &ControllerHandle, text: &str) -> ControllerStatus {
    let st = wait_for(
        ctl,
        |s| matches!(&s.phase, Phase::WaitingForSettings(why) if why.contains(text)),
    )
    .await;
    assert!(!st.ready);
    assert!(!ctl.health().is_ready());
    st
}

/// A Warning on the ConfigMap whose note contains `text`.
async fn warned(env: &Env, text: &str) -> bool {
    events(env, "ConfigMap", "avi-k8s-config", None)
        .await
        .iter()
        .any(|e| {
            e.type_.as_deref() == Some("Warning")
                && e.note.as_deref().is_some_and(|n| n.contains(text))
        })
}

/// An operator's out-of-band edit of `obj_type/name` (whole-object PUT).
async fn edit_avi(env: &Env, obj_type: &str, name: &str, edit: impl FnOnce(&mut Value)) {
    let operator = env.operator();
    let mut body: Value = operator.get_by_name(obj_type, name).await.unwrap().unwrap();
    edit(&mut body);
    let uuid = body["uuid"].as_str().unwrap().to_owned();
    let _: Value = operator.put(obj_type, &uuid, &body).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_cloud_is_reported_and_a_settings_fix_recovers() {
    let env = Env::new("c1").await;
    env.set_config(&[("cloudName", "NoSuchCloud")]).await;
    let sample = apply_sample(&env).await;
    let ctl = env.start("ako-0");
    let st = invalid(&ctl, "NoSuchCloud").await;
    assert_eq!(st.rounds, 0, "no round before the settings are valid");
    assert!(warned(&env, "NoSuchCloud").await);
    assert_eq!(env.writes("ako-0"), 0);

    // Re-checked on the settings change, no restart.
    env.set_config(&[]).await;
    let st = converged_on(&ctl, sees_sample(&sample)).await;
    assert!(st.ready);
    env.assert_matches(&st);
    ctl.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cloud_without_ipam_is_reported() {
    let env = Env::new("c1").await;
    edit_avi(&env, "cloud", "Default-Cloud", |c| {
        c["ipam_provider_ref"] = Value::Null
    })
    .await;
    apply_sample(&env).await;
    let ctl = env.start("ako-0");
    invalid(&ctl, "ipam_provider_ref").await;
    assert!(warned(&env, "Default-Cloud").await);
    assert_eq!(env.writes("ako-0"), 0);
    ctl.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn se_group_of_another_cluster_is_left_alone() {
    let env = Env::new("c1").await;
    edit_avi(&env, "serviceenginegroup", "Default-Group", |s| {
        s["labels"] = serde_json::json!([{"key": "clustername", "value": "c2"}])
    })
    .await;
    apply_sample(&env).await;
    let ctl = env.start("ako-0");
    invalid(&ctl, "labels does not match with cluster name").await;
    assert!(warned(&env, "Default-Group").await);
    assert_eq!(env.writes("ako-0"), 0);
    let labels = &env
        .avi_object("serviceenginegroup", "Default-Group")
        .unwrap()["labels"];
    assert_eq!(labels[0]["value"], "c2");
    ctl.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_config_events_once_per_transition() {
    let env = Env::new("c1").await;
    let sample = apply_sample(&env).await;
    let ctl = env.start("ako-0");
    converged_on(&ctl, sees_sample(&sample)).await;
    let count = |reason: &'static str| {
        let env = &env;
        async move { events(env, "Pod", "ako-0", Some(reason)).await.len() }
    };
    assert_eq!(count("AKODeleteConfigSet").await, 0);

    env.set_config(&[("deleteConfig", "true")]).await;
    wait_for(&ctl, |s| s.phase == Phase::Deleted).await;
    // A further round while deleted announces nothing again.
    full_sync_round(&ctl).await;
    assert_eq!(count("AKODeleteConfigSet").await, 1);
    assert_eq!(count("AKODeleteConfigDone").await, 1);
    assert_eq!(count("AKODeleteConfigUnset").await, 0);

    env.set_config(&[("deleteConfig", "false")]).await;
    wait_for(&ctl, |s| s.is_converged() && s.phase == Phase::Converged).await;
    full_sync_round(&ctl).await;
    assert_eq!(count("AKODeleteConfigUnset").await, 1);
    assert_eq!(count("AKODeleteConfigSet").await, 1);
    ctl.shutdown().await;
}
