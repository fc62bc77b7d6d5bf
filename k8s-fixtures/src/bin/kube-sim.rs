//! `kube-sim`: run the in-memory Kubernetes API server standalone and write a kubeconfig
//! for kubectl / kube-rs clients. Test control lives under `/sim/*` (see the `control` module).

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Api, PostParams};

use k8s_fixtures::kube_sim;

#[derive(Parser, Debug)]
#[command(name = "kube-sim", about = "In-memory Kubernetes API server for tests")]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 6443)]
    port: u16,
    /// Where to write the kubeconfig.
    #[arg(long, default_value = "kube-sim.kubeconfig.yaml")]
    kubeconfig: PathBuf,
    /// Serve plain HTTP instead of HTTPS.
    #[arg(long)]
    http: bool,
    /// Require this bearer token (written to the kubeconfig).
    #[arg(long, env = "KUBE_SIM_TOKEN")]
    token: Option<String>,
    /// Serve route.openshift.io/v1 (simulate an OpenShift cluster).
    #[arg(long)]
    openshift: bool,
    /// Install the AKO CRDs at start: "current" (v1beta1 storage) or "v1alpha1" (an old AKO).
    #[arg(long, value_parser = ["current", "v1alpha1"])]
    ako_crds: Option<String>,
    /// Watch events kept; older resourceVersions get 410 Gone.
    #[arg(long, default_value_t = 10_000)]
    history: usize,
    /// Seconds between watch bookmarks.
    #[arg(long, default_value_t = 5)]
    bookmark_seconds: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let args = Args::parse();
    let config = kube_sim::Config {
        host: args.host,
        port: args.port,
        tls: !args.http,
        token: args.token.clone(),
        openshift: args.openshift,
        history_limit: args.history,
        bookmark_interval: Duration::from_secs(args.bookmark_seconds.max(1)),
        kubeconfig_path: Some(args.kubeconfig.clone()),
        ..Default::default()
    };
    let sim = kube_sim::spawn_with(config)
        .await
        .context("starting kube-sim")?;
    let crds = match args.ako_crds.as_deref() {
        Some("current") => k8s_fixtures::crds::all_crds(),
        Some(_) => k8s_fixtures::crds::v1alpha1_only_crds(),
        None => Vec::new(),
    };
    let api: Api<CustomResourceDefinition> = Api::all(sim.client());
    for crd in crds {
        let name = crd.metadata.name.clone().unwrap_or_default();
        api.create(&PostParams::default(), &crd)
            .await
            .with_context(|| format!("installing CRD {name}"))?;
    }
    println!(
        "kube-sim listening on {} (kubeconfig: {})",
        sim.url(),
        sim.kubeconfig_path().display()
    );
    tokio::signal::ctrl_c()
        .await
        .context("waiting for ctrl-c")?;
    Ok(())
}
