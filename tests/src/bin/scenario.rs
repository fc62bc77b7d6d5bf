//! `scenario`: plays scenario files (or every scenario under directories) and prints
//! a step-by-step report and a summary; exit status 1 when one fails. In-process by
//! default; `--kubeconfig K --avi URL` plays the same files against a cluster and an
//! Avi controller (controllers still run in this process).

use std::path::PathBuf;
use std::process::ExitCode;

use ako_tests::runner::{Outcome, Target, run_file};
use ako_tests::scenario::discover;
use clap::Parser;

#[derive(Parser)]
#[command(about = "Play AKO-rs scenario files")]
struct Args {
    /// Scenario files or directories (every scenario below them).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Play against this cluster instead of an in-process kube-sim (needs --avi).
    #[arg(long, requires = "avi")]
    kubeconfig: Option<PathBuf>,
    /// Avi controller URL (needs --kubeconfig).
    #[arg(long, requires = "kubeconfig")]
    avi: Option<String>,
    #[arg(long, default_value = avi_sim::DEFAULT_USERNAME)]
    avi_username: String,
    #[arg(long, default_value = avi_sim::DEFAULT_PASSWORD, env = "AVI_PASSWORD")]
    avi_password: String,
}

fn main() -> anyhow::Result<ExitCode> {
    let args = Args::parse();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let target = match (&args.kubeconfig, &args.avi) {
        (Some(k), Some(a)) => Target::External {
            kubeconfig: k.clone(),
            avi_url: a.clone(),
            username: args.avi_username.clone(),
            password: args.avi_password.clone(),
        },
        _ => Target::InProcess,
    };
    let mut files = Vec::new();
    for p in &args.paths {
        if p.is_dir() {
            files.extend(discover(p)?);
        } else {
            files.push(p.clone());
        }
    }
    let (mut passed, mut failed, mut pending, mut unsupported) = (0, 0, 0, 0);
    for f in &files {
        let report = run_file(f, &target);
        print!("{report}");
        unsupported += report.unsupported();
        match report.outcome {
            Outcome::Passed => passed += 1,
            Outcome::Pending(_) => pending += 1,
            Outcome::Failed(_) | Outcome::Error(_) => failed += 1,
        }
    }
    println!(
        "\n{} scenarios: {passed} passed, {failed} failed, {pending} pending ({unsupported} steps unsupported by the runner)",
        files.len()
    );
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
