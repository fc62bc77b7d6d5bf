//! External mode end to end: `kube-sim` and `avi-sim` run as separate processes (as a
//! kind cluster and a real Avi controller would), and the `scenario` binary plays
//! scenario files against them with `--kubeconfig` / `--avi`. The simulators' binaries
//! come from the shared target directory when a workspace build made them, otherwise
//! they are built into a target directory of their own.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SCENARIOS: [&str; 3] = [
    "faq/f04-insecure-pool-group.yaml",
    "faq/f13-loadbalancer-backend.yaml",
    "faq/f24-cluster-markers.yaml",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `target/debug` of this test binary (`target/debug/deps/external_mode-*`).
fn profile_dir() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.parent()?.to_owned())
}

/// The binary `name` of package `package`: next to this test, or built apart.
fn binary(package: &str, name: &str) -> PathBuf {
    let file = format!("{name}{}", std::env::consts::EXE_SUFFIX);
    if let Some(p) = profile_dir().map(|d| d.join(&file))
        && p.is_file()
    {
        return p;
    }
    // A target dir of its own: the shared one is locked by the running `cargo test`.
    let target = root().join("target/external-mode");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "-p", package, "--bin", name])
        .env("CARGO_TARGET_DIR", &target)
        .current_dir(root())
        .status()
        .expect("cargo runs");
    assert!(status.success(), "building {name}");
    target.join("debug").join(file)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Kills the process when dropped.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn wait_until(what: &str, mut ok: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !ok() {
        assert!(Instant::now() < deadline, "{what} did not come up");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn port_open(port: u16) -> bool {
    std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
}

/// Starts kube-sim and avi-sim; returns them with the kubeconfig path and Avi URL.
fn simulators(dir: &Path) -> (Proc, Proc, PathBuf, String) {
    let kubeconfig = dir.join("kubeconfig.yaml");
    let kport = free_port();
    let kube = Command::new(binary("k8s-fixtures", "kube-sim"))
        .args(["--http", "--port", &kport.to_string(), "--kubeconfig"])
        .arg(&kubeconfig)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("kube-sim starts");
    let kube = Proc(kube);
    let aport = free_port();
    let avi = Command::new(binary("avi-sim", "avi-sim"))
        .args(["--http", "--port", &aport.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("avi-sim starts");
    let avi = Proc(avi);
    wait_until("kube-sim", || port_open(kport) && kubeconfig.is_file());
    wait_until("avi-sim", || port_open(aport));
    (kube, avi, kubeconfig, format!("http://127.0.0.1:{aport}"))
}

#[test]
fn scenarios_play_against_separate_simulator_processes() {
    for scenario in SCENARIOS {
        let dir = tempfile::tempdir().unwrap();
        let (_kube, _avi, kubeconfig, avi_url) = simulators(dir.path());
        let out = Command::new(env!("CARGO_BIN_EXE_scenario"))
            .arg("--kubeconfig")
            .arg(&kubeconfig)
            .args(["--avi", &avi_url])
            .arg(root().join("scenarios").join(scenario))
            .output()
            .expect("scenario runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{scenario} failed externally:\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.contains("1 passed, 0 failed"), "{stdout}");
    }
}

#[test]
fn a_failing_scenario_fails_externally_too() {
    let dir = tempfile::tempdir().unwrap();
    let (_kube, _avi, kubeconfig, avi_url) = simulators(dir.path());
    let text = std::fs::read_to_string(root().join("scenarios/faq/f13-loadbalancer-backend.yaml"))
        .unwrap()
        .replace("name: f13-loadbalancer-backend", "name: wrong")
        .replace(
            "../manifests/",
            &format!("{}/", root().join("scenarios/manifests").display()),
        )
        .replace(
            "steps:\n",
            "steps:\n  - expect_avi: [{type: pool, name: c1--no-such-pool}]\n",
        );
    let file = dir.path().join("wrong.yaml");
    std::fs::write(&file, text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_scenario"))
        .arg("--kubeconfig")
        .arg(&kubeconfig)
        .args(["--avi", &avi_url])
        .arg(&file)
        .output()
        .expect("scenario runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{stdout}");
    assert!(
        stdout.contains("c1--no-such-pool does not exist"),
        "{stdout}"
    );
}
