//! The `avi-sim` binary: flags, the listening line, `--state` saved on SIGTERM and
//! loaded at the next start, `--version` as the controller version.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use common::*;
use serde_json::json;

/// Starts the binary on an ephemeral port; returns it and its base URL.
fn start(args: &[&str]) -> (Child, String) {
    // Its stdout stays open (the child keeps writing to it) until the child exits.
    let mut child = Command::new(env!("CARGO_BIN_EXE_avi-sim"))
        .args(["--port", "0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("listening line");
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http"))
        .expect("url in the listening line")
        .to_string();
    (child, url)
}

fn terminate(child: &mut Child) {
    let status = Command::new("sh")
        // The shell's builtin `kill`: no dependency on a kill binary.
        .args(["-c", &format!("kill -TERM {}", child.id())])
        .status()
        .expect("kill runs");
    assert!(status.success());
    assert!(
        child.wait().expect("exits").success(),
        "clean exit on SIGTERM"
    );
}

#[tokio::test]
async fn state_is_saved_on_sigterm_and_loaded_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let state_arg = state.to_str().unwrap();
    let (mut first, url) = start(&["--http", "--state", state_arg, "--version", "22.1.3"]);
    assert!(url.starts_with("http://"));
    let api = login_url(&url, "admin", "password").await;
    let (_, v) = api.get("/api/initial-data").await;
    assert_eq!(v["version"]["Version"], "22.1.3");
    api.create("pool", json!({"name": "survivor"})).await;
    terminate(&mut first);
    assert!(
        std::fs::read_to_string(&state)
            .unwrap()
            .contains("survivor")
    );

    let (mut second, url) = start(&[
        "--http",
        "--state",
        state_arg,
        "--username",
        "ops",
        "--password",
        "s3cret",
    ]);
    let api = login_url(&url, "ops", "s3cret").await;
    api.by_name("pool", "survivor").await;
    terminate(&mut second);
}

#[tokio::test]
async fn https_by_default_with_a_generated_certificate() {
    let (mut child, url) = start(&[]);
    assert!(url.starts_with("https://"), "{url}");
    let api = login_url(&url, "admin", "password").await;
    let (s, _) = api.get("/api/cluster").await;
    assert_eq!(s, reqwest::StatusCode::OK);
    terminate(&mut child);
}
