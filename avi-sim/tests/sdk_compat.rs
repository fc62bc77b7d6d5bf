//! Compatibility with the official Avi Python SDK (`avisdk`): starts the standalone
//! `avi-sim` binary on a free port (plain HTTP, and HTTPS with its generated
//! self-signed certificate and `--basic-auth`) and runs `tests/python/sdk_compat.py`
//! against it.
//!
//! The interpreter is `$AVISDK_PYTHON` (set by ci/test), else `<workspace>/.venv/bin/python`;
//! without either the test fails and says to run ci/test — CI must never skip it.

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Non-default login and version, so the script checks that the flags are honoured.
const PASSWORD: &str = "sdk-compat-secret";
const VERSION: &str = "31.1.1";
/// Far above the script's normal run time (a few seconds); only a hang reaches it.
const SCRIPT_DEADLINE: Duration = Duration::from_secs(300);

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("AVISDK_PYTHON").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    let venv = manifest_dir().join("../.venv/bin/python");
    assert!(
        venv.exists(),
        "no Python with avisdk: AVISDK_PYTHON is unset and {} does not exist; \
         run ci/test once (it creates .venv with ci/requirements.txt and exports AVISDK_PYTHON)",
        venv.display()
    );
    venv
}

/// A child process killed on drop, with its stdout and stderr collected.
struct Proc {
    child: Child,
    out: Option<JoinHandle<String>>,
    err: Option<JoinHandle<String>>,
}

fn drain(r: Option<impl Read + Send + 'static>) -> Option<JoinHandle<String>> {
    r.map(|mut r| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = r.read_to_end(&mut buf);
            String::from_utf8_lossy(&buf).into_owned()
        })
    })
}

impl Proc {
    fn start(cmd: &mut Command) -> Proc {
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {cmd:?}: {e}"));
        let out = drain(child.stdout.take());
        let err = drain(child.stderr.take());
        Proc { child, out, err }
    }

    /// Kills the process (if still running) and returns everything it printed.
    fn finish(&mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let take =
            |h: Option<JoinHandle<String>>| h.and_then(|h| h.join().ok()).unwrap_or_default();
        let out = take(self.out.take());
        let err = take(self.err.take());
        format!("--- stdout ---\n{out}--- stderr ---\n{err}")
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Starts `avi-sim` and waits until it accepts connections. Another process may take
/// the free port between the probe and the bind, so a failed start is retried.
fn start_sim(https: bool) -> (Proc, u16) {
    let mut last = String::new();
    for _ in 0..3 {
        let port = free_port();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_avi-sim"));
        cmd.args(["--port", &port.to_string(), "--password", PASSWORD])
            .args(["--controller-version", VERSION])
            .env("RUST_LOG", "warn");
        // HTTPS also switches basic auth on, so the script checks it off and on.
        cmd.arg(if https { "--basic-auth" } else { "--http" });
        let mut sim = Proc::start(&mut cmd);
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = sim.child.try_wait() {
                break;
            }
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return (sim, port);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        last = sim.finish();
    }
    panic!("avi-sim did not start listening:\n{last}");
}

fn run_script(https: bool) {
    let python = python();
    let (mut sim, port) = start_sim(https);
    let script = Path::new("tests/python/sdk_compat.py");
    let scheme = if https { "https" } else { "http" };
    let mut cmd = Command::new(&python);
    cmd.current_dir(manifest_dir())
        .arg(script)
        .args(["--host", "127.0.0.1", "--port", &port.to_string()])
        .args(["--scheme", scheme, "--username", avi_sim::DEFAULT_USERNAME])
        .args(["--password", PASSWORD, "--controller-version", VERSION]);
    if https {
        cmd.arg("--basic-auth");
    }
    let mut py = Proc::start(&mut cmd);
    let deadline = Instant::now() + SCRIPT_DEADLINE;
    let status = loop {
        match py.child.try_wait() {
            Ok(Some(s)) => break Some(s),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
            _ => break None,
        }
    };
    let output = py.finish();
    println!("{output}");
    match status {
        Some(s) if s.success() => {}
        Some(s) => panic!(
            "{} {} ({scheme}) failed with {s}:\n{output}\n--- avi-sim ---\n{}",
            python.display(),
            script.display(),
            sim.finish()
        ),
        None => panic!(
            "{} ({scheme}) did not finish within {SCRIPT_DEADLINE:?}:\n{output}",
            script.display()
        ),
    }
}

#[test]
fn python_sdk_against_standalone_http() {
    run_script(false);
}

#[test]
fn python_sdk_against_standalone_https() {
    run_script(true);
}
