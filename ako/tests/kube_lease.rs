//! `ako::kube::Leadership` on one `ako-lease-lock` Lease in kube-sim: a Lease even
//! with one replica (B11), exactly one leader of two, handover when the holder stops
//! (released or crashed), and a holder that finds another holder steps down (F27).

mod kube_support;

use std::time::{Duration, Instant};

use ako::kube::{LEASE_NAME, Leadership, LeaseConfig};
use k8s_fixtures::build::AKO_NAMESPACE;
use k8s_openapi::api::coordination::v1::Lease;
use kube::api::{Api, PostParams};

use kube_support::{Logs, eventually, sim};

fn cfg(identity: &str) -> LeaseConfig {
    LeaseConfig {
        lease_duration: Duration::from_secs(1),
        renew_deadline: Duration::from_millis(700),
        retry_period: Duration::from_millis(100),
        ..LeaseConfig::new(AKO_NAMESPACE, identity)
    }
}

async fn holder(client: &kube::Client) -> Option<String> {
    let api: Api<Lease> = Api::namespaced(client.clone(), AKO_NAMESPACE);
    api.get_opt(LEASE_NAME)
        .await
        .unwrap()
        .and_then(|l| l.spec?.holder_identity)
}

#[tokio::test]
async fn a_single_replica_still_takes_a_lease() {
    let sim = sim(vec![]).await;
    let a = Leadership::start(sim.client(), cfg("ako-0"));
    eventually("ako-0 leads", || a.is_leader()).await;
    assert_eq!(holder(&sim.client()).await.as_deref(), Some("ako-0"));
    a.ensure_leader().await.unwrap();
}

#[tokio::test]
async fn two_instances_have_exactly_one_leader() {
    let sim = sim(vec![]).await;
    let a = Leadership::start(sim.client(), cfg("ako-0"));
    let b = Leadership::start(sim.client(), cfg("ako-1"));
    eventually("someone leads", || a.is_leader() || b.is_leader()).await;
    // Over many renew periods (and more than a lease duration) never two leaders.
    for _ in 0..30 {
        assert!(
            a.is_leader() != b.is_leader(),
            "a={} b={}",
            a.is_leader(),
            b.is_leader()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (leader, follower) = if a.is_leader() { (&a, &b) } else { (&b, &a) };
    leader.ensure_leader().await.unwrap();
    assert!(
        follower.ensure_leader().await.is_err(),
        "the follower is fenced"
    );
    assert_eq!(
        holder(&sim.client()).await.as_deref(),
        Some(leader.identity())
    );
}

#[tokio::test]
async fn a_released_lease_is_taken_over() {
    let sim = sim(vec![]).await;
    let a = Leadership::start(sim.client(), cfg("ako-0"));
    eventually("ako-0 leads", || a.is_leader()).await;
    let b = Leadership::start(sim.client(), cfg("ako-1"));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!b.is_leader(), "a held lease is not taken");
    let stopped = Instant::now();
    a.shutdown().await;
    assert!(!a.is_leader());
    eventually("ako-1 takes over", || b.is_leader()).await;
    println!("handover after release: {:?}", stopped.elapsed());
    assert_eq!(holder(&sim.client()).await.as_deref(), Some("ako-1"));
}

#[tokio::test]
async fn a_crashed_holders_lease_expires_and_is_taken_over() {
    let sim = sim(vec![]).await;
    let a = Leadership::start(sim.client(), cfg("ako-0"));
    eventually("ako-0 leads", || a.is_leader()).await;
    let b = Leadership::start(sim.client(), cfg("ako-1"));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!b.is_leader());
    let stopped = Instant::now();
    drop(a); // no release: like a killed pod
    eventually("ako-1 takes over the expired lease", || b.is_leader()).await;
    println!(
        "handover after crash: {:?} (lease duration 1 s)",
        stopped.elapsed()
    );
    assert_eq!(holder(&sim.client()).await.as_deref(), Some("ako-1"));
}

/// Split brain: the Lease names another holder (it took over while we were cut off).
async fn steal(client: &kube::Client, to: &str) {
    let api: Api<Lease> = Api::namespaced(client.clone(), AKO_NAMESPACE);
    loop {
        let mut lease = api.get(LEASE_NAME).await.unwrap();
        lease.spec.as_mut().unwrap().holder_identity = Some(to.into());
        if api
            .replace(LEASE_NAME, &PostParams::default(), &lease)
            .await
            .is_ok()
        {
            return;
        }
    }
}

#[tokio::test]
async fn a_leader_that_finds_another_holder_steps_down_at_its_next_renew() {
    let sim = sim(vec![]).await;
    let a = Leadership::start(sim.client(), cfg("ako-0"));
    eventually("ako-0 leads", || a.is_leader()).await;
    let changes = a.subscribe();
    steal(&sim.client(), "ako-1").await;
    eventually("ako-0 steps down", || !a.is_leader()).await;
    assert!(
        changes.has_changed().unwrap(),
        "subscribers hear the step-down"
    );
    assert!(a.ensure_leader().await.is_err());
    // It does not grab the lease back while the other holder keeps it fresh.
    let b = Leadership::start(sim.client(), cfg("ako-1"));
    eventually("ako-1 leads", || b.is_leader()).await;
    for _ in 0..20 {
        assert!(!a.is_leader());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_leader_that_steps_down_logs_that_it_is_passive() {
    let (logs, _guard) = Logs::capture();
    let sim = sim(vec![]).await;
    let a = Leadership::start(sim.client(), cfg("ako-0"));
    eventually("ako-0 leads", || a.is_leader()).await;
    assert!(!logs.text().contains("passive"), "{}", logs.text());
    steal(&sim.client(), "ako-1").await;
    eventually("ako-0 steps down", || !a.is_leader()).await;
    let text = logs.text();
    let line = text
        .lines()
        .find(|l| l.contains("AKO is now passive"))
        .unwrap_or_else(|| panic!("no passive line in:\n{text}"));
    assert!(line.contains("identity=ako-0"), "{line}");
    assert!(line.contains(LEASE_NAME), "{line}");
    let lost = text.find("AKO lost the leadership").unwrap();
    assert!(
        lost < text.find("AKO is now passive").unwrap(),
        "the reason comes first:\n{text}"
    );
}

#[tokio::test]
async fn ensure_leader_fences_at_once_without_waiting_for_a_renew() {
    let sim = sim(vec![]).await;
    let slow = LeaseConfig {
        retry_period: Duration::from_secs(3600),
        lease_duration: Duration::from_secs(3600),
        renew_deadline: Duration::from_secs(3600),
        ..cfg("ako-0")
    };
    let a = Leadership::start(sim.client(), slow);
    eventually("ako-0 leads", || a.is_leader()).await;
    steal(&sim.client(), "ako-1").await;
    assert!(a.is_leader(), "no renew has run yet");
    let err = a.ensure_leader().await.unwrap_err();
    assert!(err.to_string().contains("ako-1"), "{err}");
    assert!(!a.is_leader(), "the fence steps down too");
}

#[tokio::test]
async fn a_leader_that_cannot_renew_steps_down_and_returns_after_the_outage() {
    let sim = sim(vec![]).await;
    let a = Leadership::start(sim.client(), cfg("ako-0"));
    eventually("ako-0 leads", || a.is_leader()).await;
    sim.faults().outage(Duration::from_secs(4));
    eventually("no confirmed lease, no leadership", || !a.is_leader()).await;
    assert!(
        a.ensure_leader().await.is_err(),
        "the fence fails while the API is down"
    );
    eventually("leads again once the API answers", || a.is_leader()).await;
    a.ensure_leader().await.unwrap();
}
