//! `scenario`: plays scenario files (or every scenario under directories) and prints
//! a step-by-step report and a summary; exit status 1 when one fails. In-process by
//! default; `--kubeconfig K --avi URL` plays the same files against a cluster and an
//! Avi controller (controllers still run in this process); `--k3s` (cargo feature
//! `conformance`, needs Docker) starts a K3s API server for that external mode, with an
//! in-process avi-sim unless `--avi` is given.

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
    #[arg(long, group = "cluster", requires = "avi")]
    kubeconfig: Option<PathBuf>,
    /// Play against a K3s API server started in Docker (build with `--features
    /// conformance`); Avi is an in-process avi-sim unless --avi is given.
    #[arg(long, group = "cluster")]
    k3s: bool,
    /// Avi controller URL (needs --kubeconfig or --k3s).
    #[arg(long, requires = "cluster")]
    avi: Option<String>,
    #[arg(long, default_value = avi_sim::DEFAULT_USERNAME)]
    avi_username: String,
    #[arg(long, default_value = avi_sim::DEFAULT_PASSWORD, env = "AVI_PASSWORD")]
    avi_password: String,
}

fn main() -> anyhow::Result<ExitCode> {
    let args = Args::parse();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut files = Vec::new();
    for p in &args.paths {
        if p.is_dir() {
            files.extend(discover(p)?);
        } else {
            files.push(p.clone());
        }
    }
    if args.k3s {
        return k3s::play(&args, &files);
    }
    let target = match (&args.kubeconfig, &args.avi) {
        (Some(k), Some(a)) => Target::External {
            kubeconfig: k.clone(),
            avi_url: a.clone(),
            username: args.avi_username.clone(),
            password: args.avi_password.clone(),
        },
        _ => Target::InProcess,
    };
    Ok(play_all(&files, &target))
}

/// Plays `files` against `target`, prints each report and the summary (every mode).
fn play_all(files: &[PathBuf], target: &Target) -> ExitCode {
    let (mut passed, mut failed, mut pending, mut unsupported) = (0, 0, 0, 0);
    for f in files {
        let report = run_file(f, target);
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
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

#[cfg(feature = "conformance")]
mod k3s {
    use std::path::PathBuf;
    use std::process::ExitCode;

    use ako_tests::k3s::K3sCluster;
    use ako_tests::runner::Target;

    use super::{Args, play_all};

    /// Starts K3s (and avi-sim unless `--avi`), plays `files` in external mode against
    /// them, then removes the container.
    pub fn play(args: &Args, files: &[PathBuf]) -> anyhow::Result<ExitCode> {
        // Serves the container client and avi-sim while `run_file` blocks this thread on
        // a runtime of its own per scenario.
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        let cluster = rt.block_on(K3sCluster::start())?;
        eprintln!(
            "k3s: API server up, kubeconfig {}",
            cluster.kubeconfig().display()
        );
        let (_avi_sim, avi_url, username, password) = match &args.avi {
            Some(url) => (
                None,
                url.clone(),
                args.avi_username.clone(),
                args.avi_password.clone(),
            ),
            None => {
                let sim = rt.block_on(avi_sim::spawn(avi_sim::Config::default()))?;
                let (url, user, pass) = (
                    sim.url(),
                    sim.username().to_owned(),
                    sim.password().to_owned(),
                );
                (Some(sim), url, user, pass)
            }
        };
        let target = Target::External {
            kubeconfig: cluster.kubeconfig().to_owned(),
            avi_url,
            username,
            password,
        };
        let code = play_all(files, &target);
        rt.block_on(cluster.stop())?;
        Ok(code)
    }
}

#[cfg(not(feature = "conformance"))]
mod k3s {
    use std::path::PathBuf;
    use std::process::ExitCode;

    use super::Args;

    pub fn play(_: &Args, _: &[PathBuf]) -> anyhow::Result<ExitCode> {
        anyhow::bail!(
            "--k3s: this `scenario` binary was built without the `conformance` feature; \
             run `cargo run -p ako-tests --features conformance --bin scenario -- --k3s ...` \
             (needs Docker)"
        )
    }
}
