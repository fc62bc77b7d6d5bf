//! End to end deleteConfig (F1, F23): `true` → StatefulSet annotation
//! `AviObjectDeletionStatus: Started`, every owned object deleted (static routes and
//! the SE-group label too), then `Done`; `false` → everything re-created and the
//! annotation removed; a restart half-way through still ends in `Done`.

mod e2e_support;

use ako::controller::{ControllerHandle, Phase};
use avi_sim::{Fault, FaultKind};
use e2e_support::*;
use k8s_fixtures::build::AKO_NAMESPACE;
use k8s_openapi::api::apps::v1::StatefulSet;
use kube::api::Api;

async fn deletion_status(env: &Env) -> Option<String> {
    let sts = Api::<StatefulSet>::namespaced(env.client(), AKO_NAMESPACE)
        .get("ako")
        .await
        .unwrap();
    sts.metadata
        .annotations
        .and_then(|a| a.get("AviObjectDeletionStatus").cloned())
}

/// Static routes and SE-group labels carrying `cluster`.
fn infra_marks(env: &Env, cluster: &str) -> usize {
    let vrf = env.avi_object("vrfcontext", "global").unwrap();
    let seg = env
        .avi_object("serviceenginegroup", "Default-Group")
        .unwrap();
    let ours = |list: &serde_json::Value| {
        list.as_array()
            .into_iter()
            .flatten()
            .filter(|l| l["key"] == "clustername" && l["value"] == cluster)
            .count()
    };
    let routes = vrf["static_routes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| ours(&r["labels"]) > 0)
        .count();
    routes + ours(&seg["labels"])
}

async fn wait_status(env: &Env, want: &str) {
    let deadline = std::time::Instant::now() + PATIENCE;
    while deletion_status(env).await.as_deref() != Some(want) {
        assert!(
            std::time::Instant::now() < deadline,
            "annotation never became {want}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// Converged on the sample, with objects and infra marks in Avi.
async fn converged_sample(env: &Env, ctl: &ControllerHandle, sample: &Sample) {
    let st = converged_on(ctl, sees_sample(sample)).await;
    env.assert_matches(&st);
    assert!(!env.owned().is_empty());
    assert_eq!(
        infra_marks(env, "c1"),
        3,
        "two routes and the SE-group label"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_config_cycle_started_done_and_recreate() {
    let env = Env::new("c1").await;
    let sample = apply_sample(&env).await;
    let ctl = env.start("ako-0");
    converged_sample(&env, &ctl, &sample).await;
    assert_eq!(deletion_status(&env).await, None);

    // Deletes fail for a while, so `Started` is visible before `Done`.
    let hold = env.avi.faults().add(
        Fault::new(FaultKind::Error {
            status: 503,
            message: None,
        })
        .verb("DELETE"),
    );
    env.set_config(&[("deleteConfig", "true")]).await;
    wait_status(&env, "Started").await;
    wait_for(&ctl, |s| s.phase == Phase::Deleting).await;
    assert!(!env.owned().is_empty());
    env.avi.faults().remove(hold);
    let st = wait_for(&ctl, |s| s.phase == Phase::Deleted).await;
    assert!(st.is_converged());
    assert_eq!(deletion_status(&env).await.as_deref(), Some("Done"));
    assert!(env.owned().is_empty(), "left: {:?}", env.owned());
    assert_eq!(
        infra_marks(&env, "c1"),
        0,
        "static routes and SE-group label removed"
    );

    // Idle while true: a full sync round writes nothing.
    let before = env.writes("ako-0");
    full_sync_round(&ctl).await;
    assert_eq!(env.writes("ako-0"), before);

    env.set_config(&[("deleteConfig", "false")]).await;
    let st = wait_for(&ctl, |s| s.is_converged() && s.phase == Phase::Converged).await;
    env.assert_matches(&st);
    assert!(!env.owned().is_empty());
    assert_eq!(infra_marks(&env, "c1"), 3);
    assert_eq!(deletion_status(&env).await, None, "annotation removed");
    ctl.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_mid_deletion_still_ends_done() {
    let env = Env::new("c1").await;
    let sample = apply_sample(&env).await;
    let ctl = env.start("ako-0");
    converged_sample(&env, &ctl, &sample).await;
    let hold = env.avi.faults().add(
        Fault::new(FaultKind::Error {
            status: 503,
            message: None,
        })
        .verb("DELETE")
        .object_type("pool"),
    );
    env.set_config(&[("deleteConfig", "true")]).await;
    wait_status(&env, "Started").await;
    wait_for(&ctl, |s| s.phase == Phase::Deleting && s.last_writes > 0).await;
    ctl.abort().await; // a crash half-way: some objects deleted, pools still there
    assert!(env.owned().iter().any(|(t, _)| t == "pool"));

    env.avi.faults().remove(hold);
    let ctl = env.start("ako-1");
    let st = wait_for(&ctl, |s| s.phase == Phase::Deleted).await;
    assert!(st.leader);
    assert_eq!(deletion_status(&env).await.as_deref(), Some("Done"));
    assert!(env.owned().is_empty(), "left: {:?}", env.owned());
    assert_eq!(infra_marks(&env, "c1"), 0);

    env.set_config(&[("deleteConfig", "false")]).await;
    let st = wait_for(&ctl, |s| s.is_converged() && s.phase == Phase::Converged).await;
    env.assert_matches(&st);
    assert_eq!(infra_marks(&env, "c1"), 3);
    ctl.shutdown().await;
}
