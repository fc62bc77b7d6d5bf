//! End to end under Avi trouble: errors and an outage injected mid-sync still end in
//! exactly the model's objects (no duplicate, none missing); Avi down at boot means
//! no writes and `/readyz` 503 until it answers, then convergence without a restart
//! (F14); a create whose answer was lost is adopted on the retry's 409 (B5); a
//! LoadBalancer Service whose VS cannot be created gets no status IP meanwhile (B12).

mod e2e_support;

use std::time::Duration;

use ako::controller::{Controller, Phase};
use ako::http;
use ako::model::{Kind, ObjectKey};
use avi_sim::{Fault, FaultKind};
use e2e_support::*;
use k8s_fixtures::build;
use k8s_openapi::api::core::v1::Service;
use kube::api::Api;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// `GET path` on a local HTTP server: (status code, body).
async fn get(addr: std::net::SocketAddr, path: &str) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    stream.write_all(req.as_bytes()).await.unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).await.unwrap();
    let code = text.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap();
    let body = text.split("\r\n\r\n").nth(1).unwrap_or_default().to_owned();
    (code, body)
}

fn failed_calls(env: &Env, client: &str) -> usize {
    env.avi
        .request_log()
        .entries()
        .iter()
        .filter(|e| e.client == client && e.status >= 500)
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_and_outage_mid_sync_converge_exactly() {
    let env = Env::new("c1").await;
    let sample = apply_sample(&env).await;
    // Every second create fails; the first writes are slowed so the outage lands mid-sync.
    env.avi.faults().add(
        Fault::new(FaultKind::Error {
            status: 500,
            message: None,
        })
        .verb("POST")
        .rate(0.5),
    );
    env.avi.faults().add(
        Fault::new(FaultKind::Latency { ms: 50 })
            .verb("write")
            .count(6),
    );
    let ctl = env.start("ako-0");
    kube_support::eventually("first writes", || env.writes("ako-0") >= 3).await;
    env.avi
        .faults()
        .add(Fault::outage(Duration::from_millis(400)));
    let st = converged_on(&ctl, sees_sample(&sample)).await;
    env.assert_matches(&st);
    assert!(failed_calls(&env, "ako-0") > 0, "faults were hit");
    env.avi.faults().clear();
    let before = env.writes("ako-0");
    full_sync_round(&ctl).await;
    assert_eq!(env.writes("ako-0"), before, "nothing left to repair");
    ctl.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn avi_down_at_boot_then_back_converges_without_restart() {
    let env = Env::new("c1").await;
    let sample = apply_sample(&env).await;
    let outage = env.avi.faults().add(Fault::new(FaultKind::Error {
        status: 503,
        message: None,
    }));
    let ctl = Controller::start(env.deps("ako-0"));
    let server = http::Server::start(
        "127.0.0.1:0".parse().unwrap(),
        ctl.health().clone(),
        ctl.metrics().clone(),
    )
    .await
    .unwrap();
    // Several login attempts fail: the controller keeps trying, and writes nothing.
    kube_support::eventually("repeated login attempts", || {
        let logins = env.avi.request_log().client_counts("ako-0");
        logins.get("POST login").copied().unwrap_or(0) >= 6
    })
    .await;
    let st = ctl.status();
    assert!(
        matches!(st.phase, Phase::WaitingForAvi(_)),
        "{:?}",
        st.phase
    );
    assert!(!st.ready);
    assert_eq!(env.writes("ako-0"), 0);
    let (code, body) = get(server.addr(), "/readyz").await;
    assert_eq!(code, 503, "{body}");
    assert_eq!(get(server.addr(), "/healthz").await.0, 200);

    env.avi.faults().remove(outage);
    let st = converged_on(&ctl, sees_sample(&sample)).await;
    env.assert_matches(&st);
    assert_eq!(get(server.addr(), "/readyz").await.0, 200);
    let (_, metrics) = get(server.addr(), "/metrics").await;
    assert!(
        metrics.contains(r#"ako_avi_calls_total{verb="POST",object_type="login",status="503"}"#),
        "{metrics}"
    );
    assert!(
        metrics.contains("ako_sync_duration_seconds_count"),
        "{metrics}"
    );
    ctl.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_create_answer_is_adopted_without_duplicate() {
    let env = Env::new("c1").await;
    let sample = apply_sample(&env).await;
    env.avi.faults().add(
        Fault::new(FaultKind::ApplyThenError { status: 504 })
            .verb("POST")
            .object_type("pool")
            .count(1),
    );
    let ctl = env.start("ako-0");
    let st = converged_on(&ctl, sees_sample(&sample)).await;
    env.assert_matches(&st);
    let log = env.write_log("ako-0");
    assert!(log.contains(&"POST pool 504".to_owned()), "{log:?}");
    assert!(
        log.contains(&"POST pool 409".to_owned()),
        "the retry met the object: {log:?}"
    );
    ctl.shutdown().await;
}

/// The IPs in a Service's `.status.loadBalancer.ingress` on the server.
async fn lb_ips(env: &Env, ns: &str, name: &str) -> Vec<String> {
    let svc = Api::<Service>::namespaced(env.client(), ns)
        .get(name)
        .await
        .unwrap();
    let lb = svc.status.and_then(|s| s.load_balancer);
    let entries = lb.and_then(|l| l.ingress).unwrap_or_default();
    entries.into_iter().filter_map(|e| e.ip).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_whose_vs_is_not_created_gets_no_status_until_it_is() {
    let env = Env::new("c1").await;
    let svc = build::service("default", "bad")
        .load_balancer()
        .selector("app", "bad")
        .tcp(80, 8080)
        .build();
    env.apply(&svc).await;
    // Every pool create fails: the VsVip is created, the VS (which needs the pool) never.
    let fault = env.avi.faults().add(
        Fault::new(FaultKind::Error {
            status: 500,
            message: None,
        })
        .verb("POST")
        .object_type("pool"),
    );
    let ctl = env.start("ako-0");
    let key = ObjectKey::new(Kind::Service, "default", "bad");
    let st = wait_for(&ctl, |s| s.graph.status.contains_key(&key)).await;
    let lb = st.graph.status[&key][0].clone();
    kube_support::eventually("the VsVip is created", || {
        env.avi_object("vsvip", &lb.vsvip.name).is_some()
    })
    .await;
    // Two more rounds (each ends with a status pass) after the VsVip exists.
    let rounds = ctl.status().rounds;
    wait_for(&ctl, |s| s.rounds > rounds + 1).await;
    assert!(env.avi_object("virtualservice", &lb.vs.name).is_none());
    assert_eq!(
        lb_ips(&env, "default", "bad").await,
        Vec::<String>::new(),
        "no status IP without a VS behind it"
    );
    env.avi.faults().remove(fault);
    converged_on(&ctl, |_| true).await;
    assert!(env.avi_object("virtualservice", &lb.vs.name).is_some());
    let vip = env.avi_object("vsvip", &lb.vsvip.name).unwrap()["vip"][0]["ip_address"]["addr"]
        .as_str()
        .unwrap()
        .to_owned();
    kube_support::eventually_async("the status IP once the VS exists", || async {
        lb_ips(&env, "default", "bad").await == vec![vip.clone()]
    })
    .await;
    ctl.shutdown().await;
}
