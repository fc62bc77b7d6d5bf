//! Snapshot of graph + diagnostics for every fixture cluster under
//! `fixtures/clusters/` (values: `fixtures/values/_default.yaml`, overlaid by
//! `fixtures/values/<name>.yaml` when present). Review changes with `cargo insta`.

use std::path::Path;

use ako::config::{AkoConfig, ConfigSources};
use ako::model::{self, ClusterState};

fn config(fixture: &Path) -> AkoConfig {
    let dir = fixture.parent().unwrap().parent().unwrap().join("values");
    let mut sources = ConfigSources::new()
        .values_file(&dir.join("_default.yaml"))
        .unwrap();
    let own = dir.join(fixture.file_name().unwrap());
    if own.exists() {
        sources = sources.values_file(&own).unwrap();
    }
    sources.build().unwrap()
}

fn plan(fixture: &Path) -> String {
    let cfg = config(fixture);
    let mut state = ClusterState::new();
    let errors = model::input::load(&mut state, &std::fs::read_to_string(fixture).unwrap());
    assert!(errors.is_empty(), "{}: {errors:#?}", fixture.display());
    let (graph, diags) = model::build(&state, &cfg);
    // Same input, same bytes: a second build must not differ.
    let (again, diags_again) = model::build(&state, &cfg);
    assert_eq!((&graph, &diags), (&again, &diags_again));
    model::report::to_yaml(&graph, &diags)
}

#[test]
fn fixture_clusters() {
    insta::glob!("fixtures/clusters/*.yaml", |path| {
        insta::assert_snapshot!(plan(path));
    });
}
