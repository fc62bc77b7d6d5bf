//! The `ako run` binary against kube-sim (kubeconfig) and avi-sim: settings from the
//! ConfigMap, credentials from `avi-secret`, `/readyz` turning 200 once converged,
//! and SIGTERM ending it gracefully with exit 0 and the Lease released.

mod e2e_support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use e2e_support::*;
use k8s_fixtures::build::AKO_NAMESPACE;
use k8s_openapi::api::coordination::v1::Lease;
use kube::api::Api;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Status code of `GET path`, `None` while nothing listens.
fn status_of(port: u16, path: &str) -> Option<u16> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut text = String::new();
    s.read_to_string(&mut text).ok()?;
    text.split(' ').nth(1)?.parse().ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ako_run_converges_and_stops_on_sigterm() {
    let env = Env::new("c1").await;
    apply_sample(&env).await;
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ako"))
        .args(["run", "--namespace", AKO_NAMESPACE, "--identity", "ako-cli"])
        .arg("--kubeconfig")
        .arg(env.kube.kubeconfig_path())
        .args(["--http-addr", &format!("127.0.0.1:{port}")])
        .env_remove("POD_NAMESPACE")
        .env_remove("POD_NAME")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + PATIENCE;
    while status_of(port, "/readyz") != Some(200) {
        assert!(Instant::now() < deadline, "never ready");
        assert!(child.try_wait().unwrap().is_none(), "ako run exited early");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    kube_support::eventually("objects written by ako run", || {
        env.writes("ako-cli") > 0 && !env.owned().is_empty()
    })
    .await;

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + PATIENCE;
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        assert!(Instant::now() < deadline, "ako run ignored SIGTERM");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(exit.success(), "{exit:?}");
    let lease = Api::<Lease>::namespaced(env.client(), AKO_NAMESPACE)
        .get("ako-lease-lock")
        .await
        .unwrap();
    let holder = lease.spec.and_then(|s| s.holder_identity);
    assert_eq!(holder, None, "the Lease is released on SIGTERM");
}
