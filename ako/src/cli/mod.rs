//! The `ako` command line: one [`Command`] variant and one module per subcommand.
//!
//! Adding a subcommand: a module with a clap `Args` struct and a `run` function,
//! a variant in [`Command`], an arm in [`Command::run`].

mod crd;
#[cfg(feature = "demo")]
mod demo;
mod plan;
pub(crate) mod run;
mod shard;
mod version;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// AKO-rs: keeps an Avi controller equal to what a Kubernetes cluster asks for.
#[derive(Debug, Parser)]
#[command(name = "ako", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print which shared virtual service hosts land on, or with --plan which
    /// hosts a shard size / hash change would move.
    Shard(shard::ShardArgs),
    /// Print the Avi objects and diagnostics the model builds for manifests, offline.
    Plan(plan::PlanArgs),
    /// Run the controller against a cluster and an Avi controller.
    Run(run::RunArgs),
    /// Run avi-sim, kube-sim and the controller in this process on a sample cluster.
    #[cfg(feature = "demo")]
    Demo(demo::DemoArgs),
    /// Upgrade chores for the ako.vmware.com CRDs (`crd migrate`).
    Crd(crd::CrdArgs),
    /// Print the version of this build.
    Version,
}

impl Command {
    /// Runs the subcommand, writing its report to `out`.
    pub fn run(self, out: &mut dyn Write) -> anyhow::Result<()> {
        match self {
            Command::Shard(args) => shard::run(args, out),
            Command::Plan(args) => plan::run(args, out),
            Command::Run(args) => run::run(args, out),
            #[cfg(feature = "demo")]
            Command::Demo(args) => demo::run(args, out),
            Command::Crd(args) => crd::run(args, out),
            Command::Version => version::run(out),
        }
    }
}

/// Entry point of the binary: errors go to stderr with exit code 1.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut stdout = std::io::stdout().lock();
    match cli.command.run(&mut stdout) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
