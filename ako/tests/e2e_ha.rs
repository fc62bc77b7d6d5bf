//! End to end HA (F27, B10, B11, B14): two instances share the Lease; only the leader
//! writes to Avi (per-client request log); stopping the leader hands over within the
//! lease duration, and the new leader starts from a fresh inventory (no 409 storm);
//! a crashed leader is replaced once its lease expires.

mod e2e_support;

use std::time::Duration;

use ako::controller::{ControllerHandle, ControllerOptions, ControllerStatus, Phase};
use e2e_support::*;
use k8s_openapi::api::networking::v1::Ingress;

/// Waits at most `limit` for `pred` (the handover deadline is the rule under test).
async fn within(
    limit: Duration,
    ctl: &ControllerHandle,
    pred: impl Fn(&ControllerStatus) -> bool,
) -> ControllerStatus {
    tokio::time::timeout(limit, ctl.wait_for(pred))
        .await
        .unwrap_or_else(|_| panic!("{} did not take over within {limit:?}", ctl.identity()))
        .unwrap()
}

/// Sequence numbers of one client's object writes in avi-sim's log.
fn write_seqs(env: &Env, client: &str) -> Vec<u64> {
    env.avi
        .request_log()
        .entries()
        .into_iter()
        .filter(|e| e.client == client && e.is_write() && e.object_type != "login")
        .map(|e| e.seq)
        .collect()
}

async fn pair(env: &Env, sample: &Sample) -> (ControllerHandle, ControllerHandle) {
    let a = env.start("ako-0");
    let st = converged_on(&a, sees_sample(sample)).await;
    assert!(st.leader);
    let b = env.start("ako-1");
    let st = wait_for(&b, |s| s.phase == Phase::Passive && s.rounds > 0).await;
    assert!(
        !st.leader && st.ready,
        "a passive instance is ready and warm"
    );
    (a, b)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_leader_writes_and_stop_hands_over() {
    let env = Env::new("c1").await;
    let sample = apply_sample(&env).await;
    let (a, b) = pair(&env, &sample).await;
    let shop = env.apply(&shop_ingress("/v2")).await;
    converged_on(&a, has::<Ingress>("red", "shop", Some(&rv(&shop)))).await;
    wait_for(&b, |s| {
        has::<Ingress>("red", "shop", Some(&rv(&shop)))(&s.state)
    })
    .await;
    assert_eq!(env.writes("ako-1"), 0, "the passive instance never writes");

    a.shutdown().await; // releases the Lease
    let lease = ControllerOptions::fast().lease_duration;
    let st = within(lease, &b, |s| s.leader && s.is_converged()).await;
    env.assert_matches(&st);
    assert_eq!(
        env.writes("ako-1"),
        0,
        "fresh inventory, nothing to redo: {:?}",
        env.write_log("ako-1")
    );

    let shop = env.apply(&shop_ingress("/v3")).await;
    let st = converged_on(&b, has::<Ingress>("red", "shop", Some(&rv(&shop)))).await;
    env.assert_matches(&st);
    let (wa, wb) = (write_seqs(&env, "ako-0"), write_seqs(&env, "ako-1"));
    assert!(!wb.is_empty());
    assert!(wa.iter().max() < wb.iter().min(), "one writer at a time");
    b.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crashed_leader_is_replaced_after_lease_expiry() {
    let env = Env::new("c1").await;
    let sample = apply_sample(&env).await;
    let (a, b) = pair(&env, &sample).await;
    a.abort().await; // no release: the standby waits for the lease to expire
    let o = ControllerOptions::fast();
    let limit = o.lease_duration + o.lease_duration + o.lease_retry_period;
    let st = within(limit, &b, |s| s.leader && s.is_converged()).await;
    env.assert_matches(&st);
    let shop = env.apply(&shop_ingress("/after-crash")).await;
    let st = converged_on(&b, has::<Ingress>("red", "shop", Some(&rv(&shop)))).await;
    env.assert_matches(&st);
    assert!(env.writes("ako-1") > 0);
    b.shutdown().await;
}
