//! `ako plan`: the binary prints exactly the library's report for a fixture, and a
//! bad document is a warning on stderr, not a failure.

use std::process::Command;

use ako::config::ConfigSources;
use ako::model::{self, ClusterState};

const FIXTURE: &str = "tests/fixtures/clusters/l7_secure_sni.yaml";
const VALUES: &str = "tests/fixtures/values/_default.yaml";

#[test]
fn plan_prints_the_model_report() {
    let out = Command::new(env!("CARGO_BIN_EXE_ako"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["plan", "-f", FIXTURE, "--values", VALUES])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let cfg = ConfigSources::new()
        .values_file(&dir.join(VALUES))
        .unwrap()
        .build()
        .unwrap();
    let mut state = ClusterState::new();
    let text = std::fs::read_to_string(dir.join(FIXTURE)).unwrap();
    assert!(model::input::load(&mut state, &text).is_empty());
    let (graph, diags) = model::build(&state, &cfg);
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        model::report::to_yaml(&graph, &diags)
    );
}

#[test]
fn plan_warns_about_unreadable_documents() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.yaml");
    std::fs::write(
        &path,
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ako"))
        .args(["plan", "--cluster-name", "c9", "-f"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("kind not read by the model"), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("virtualservice/c9--Shared-L7-0"),
        "{stdout}"
    );
}
