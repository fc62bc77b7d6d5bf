//! `ako plan -f manifests.yaml [--values values.yaml]`: builds the Avi graph for a
//! set of Kubernetes manifests offline and prints it with the diagnostics as YAML.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use ako::config::{AkoConfig, ConfigSources};
use ako::model::{self, ClusterState};

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Multi-document YAML manifests (repeatable; `-` reads stdin).
    #[arg(short = 'f', long = "filename", required = true)]
    pub files: Vec<PathBuf>,
    /// Helm-style values files, overlaid in order (like `helm -f`).
    #[arg(long = "values")]
    pub values: Vec<PathBuf>,
    /// clusterName when no values file sets it.
    #[arg(long, default_value = "my-cluster")]
    pub cluster_name: String,
}

pub fn run(args: PlanArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let cfg = config(&args)?;
    let mut state = ClusterState::new();
    for path in &args.files {
        let text = if path.as_os_str() == "-" {
            std::io::read_to_string(std::io::stdin()).context("reading stdin")?
        } else {
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?
        };
        for e in model::input::load(&mut state, &text) {
            eprintln!("warning: {}: {e}", path.display());
        }
    }
    let (graph, diags) = model::build(&state, &cfg);
    out.write_all(model::report::to_yaml(&graph, &diags).as_bytes())?;
    Ok(())
}

fn config(args: &PlanArgs) -> anyhow::Result<AkoConfig> {
    if args.values.is_empty() {
        return Ok(AkoConfig::new(&args.cluster_name));
    }
    let mut sources = ConfigSources::new();
    for path in &args.values {
        sources = sources.values_file(path)?;
    }
    Ok(sources.build()?)
}
