//! The standalone kube-sim binary under kubectl (token, `/sim/*` controls), and the
//! protobuf bodies `kubectl create namespace|configmap|secret` send.

use std::process::Stdio;
use std::time::Duration;

use tokio::process::Command;

mod kubectl_common;
use kubectl_common::{Kubectl, tls_sim};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standalone_binary_with_token_and_sim_controls() {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kc.yaml");
    let mut child = Command::new(env!("CARGO_BIN_EXE_kube-sim"))
        .args([
            "--port",
            "0",
            "--token",
            "s3cret",
            "--ako-crds",
            "current",
            "--kubeconfig",
        ])
        .arg(&kubeconfig)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut ready = false;
    for _ in 0..200 {
        if std::fs::read_to_string(&kubeconfig).is_ok_and(|s| s.contains("s3cret")) {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(ready, "kube-sim wrote no kubeconfig");
    let Some(k) = Kubectl::new(&kubeconfig) else {
        return;
    };
    // The CRDs are installed just after the kubeconfig is written.
    let mut listed = k.run(&["get", "hostrules", "-A"], None).await;
    for _ in 0..100 {
        if listed.ok {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        listed = k.run(&["get", "hostrules", "-A"], None).await;
    }
    assert!(listed.ok, "{}", listed.stderr);
    let wrong = k.run(&["get", "ns", "--token", "wrong"], None).await;
    assert!(
        !wrong.ok && wrong.stderr.contains("Unauthorized"),
        "{}",
        wrong.stderr
    );
    let stats = k.ok(&["get", "--raw", "/sim/stats"], None).await;
    assert!(stats.contains("\"objects\""), "{stats}");
    k.ok(
        &["create", "--raw", "/sim/faults/outage?ms=60000", "-f", "-"],
        Some("{}"),
    )
    .await;
    let refused = k.run(&["get", "ns"], None).await;
    assert!(!refused.ok, "requests are refused during an outage");
    k.ok(&["delete", "--raw", "/sim/faults"], None).await;
    k.ok(&["get", "ns"], None).await;
    child.kill().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_create_generators_send_protobuf() {
    let sim = tls_sim().await;
    let Some(k) = Kubectl::new(sim.kubeconfig_path()) else {
        return;
    };
    k.ok(&["create", "namespace", "team"], None).await;
    k.ok(
        &[
            "-n",
            "team",
            "create",
            "configmap",
            "c1",
            "--from-literal=a=b",
        ],
        None,
    )
    .await;
    k.ok(
        &[
            "-n",
            "team",
            "create",
            "secret",
            "generic",
            "s1",
            "--from-literal=password=pw",
        ],
        None,
    )
    .await;
    let data = k
        .ok(
            &["-n", "team", "get", "cm", "c1", "-o", "jsonpath={.data.a}"],
            None,
        )
        .await;
    assert_eq!(data, "b");
    let secret = k
        .ok(
            &[
                "-n",
                "team",
                "get",
                "secret",
                "s1",
                "-o",
                "jsonpath={.type} {.data.password}",
            ],
            None,
        )
        .await;
    assert_eq!(secret, "Opaque cHc=");
    k.ok(&["delete", "namespace", "team"], None).await;
    assert!(
        !k.run(&["get", "namespace", "team"], None).await.ok,
        "the emptied namespace is gone"
    );
}
