//! `scenario --k3s`. Without the `conformance` feature the flag fails with an error that
//! names the feature. With it, a missing Docker engine fails with an error that names
//! Docker (forced by a `DOCKER_HOST` that points nowhere, so it runs on any machine), and
//! the suite plays against a real K3s API server. That last test is `#[ignore]`d because
//! it needs a Docker engine (and the `rancher/k3s` image from Docker Hub), which this
//! project's CI machines lack; where Docker is available run it with
//! `cargo test -p ako-tests --features conformance --test k3s_mode -- --ignored`.

use std::path::Path;
use std::process::{Command, Output};

/// `scenario --k3s` on `names` (under `scenarios/`), with `DOCKER_HOST` set if given.
fn k3s(docker_host: Option<&str>, names: &[&str]) -> Output {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_scenario"));
    if let Some(host) = docker_host {
        cmd.env("DOCKER_HOST", host);
    }
    cmd.arg("--k3s")
        .args(names.iter().map(|n| dir.join(n)))
        .output()
        .expect("scenario runs")
}

fn text(out: &Output) -> String {
    format!(
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The run failed before playing anything, with every one of `needles` on stderr.
fn assert_refused(out: &Output, needles: &[&str]) {
    assert!(!out.status.success(), "{}", text(out));
    assert!(out.stdout.is_empty(), "nothing played: {}", text(out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for needle in needles {
        assert!(stderr.contains(needle), "no {needle:?} in {}", text(out));
    }
}

#[cfg(not(feature = "conformance"))]
#[test]
fn k3s_without_the_conformance_feature_names_the_feature() {
    let out = k3s(None, &["faq/f04-insecure-pool-group.yaml"]);
    assert_refused(&out, &["built without the `conformance` feature"]);
}

#[cfg(feature = "conformance")]
#[test]
fn k3s_without_docker_names_docker_and_its_address() {
    let socket = "unix:///nonexistent/ako-tests/docker.sock";
    let out = k3s(Some(socket), &["faq/f04-insecure-pool-group.yaml"]);
    assert_refused(
        &out,
        &["--k3s needs a Docker engine and none answers", socket],
    );
}

#[cfg(feature = "conformance")]
#[test]
#[ignore = "needs a Docker engine; run with --ignored where Docker is available"]
fn scenarios_play_against_k3s() {
    // The scenarios tests/tests/external_mode.rs plays against kube-sim, in one run: one
    // container serves them all, as it serves the whole suite.
    let out = k3s(
        None,
        &[
            "faq/f04-insecure-pool-group.yaml",
            "faq/f13-loadbalancer-backend.yaml",
            "faq/f24-cluster-markers.yaml",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("3 scenarios: 3 passed, 0 failed"),
        "{}",
        text(&out)
    );
}
