//! `ako demo [--once]`: avi-sim + kube-sim + the controller in this process, with a
//! sample cluster; prints the Avi objects as a tree (see `crate::demo`).

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use crate::demo::{self, DemoOptions};

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Exit 0 after the first convergence (CI smoke test).
    #[arg(long)]
    pub once: bool,
    /// avi-sim port (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    pub avi_port: u16,
    /// kube-sim port (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    pub kube_port: u16,
    /// Where to write kube-sim's kubeconfig (default: a temporary file).
    #[arg(long)]
    pub kubeconfig: Option<PathBuf>,
}

pub fn run(args: DemoArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    super::run::init_logs();
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let opts = DemoOptions {
        once: args.once,
        avi_port: args.avi_port,
        kube_port: args.kube_port,
        kubeconfig: args.kubeconfig,
    };
    runtime.block_on(demo::run(opts, out))
}
