//! `avi-sim`: run the simulator standalone (HTTPS with a self-signed certificate by
//! default). `--state FILE` loads the store at start and saves it on SIGINT/SIGTERM.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use avi_sim::{Config, RateLimit, Tls};
use clap::Parser;

#[derive(Parser, Debug)]
#[command(
    name = "avi-sim",
    about = "An in-memory Avi controller",
    disable_version_flag = true
)]
struct Args {
    /// Port to listen on.
    #[arg(long, default_value_t = 9443)]
    port: u16,
    /// Address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// Serve plain HTTP instead of HTTPS.
    #[arg(long)]
    http: bool,
    /// PEM certificate (with --key); a self-signed one is generated otherwise.
    #[arg(long, requires = "key")]
    cert: Option<PathBuf>,
    #[arg(long, requires = "cert")]
    key: Option<PathBuf>,
    /// Load the store from FILE at start (if it exists) and save it there on exit.
    #[arg(long)]
    state: Option<PathBuf>,
    #[arg(long, default_value = avi_sim::DEFAULT_USERNAME)]
    username: String,
    #[arg(long, default_value = avi_sim::DEFAULT_PASSWORD)]
    password: String,
    /// Controller version reported, and the newest X-Avi-Version accepted.
    #[arg(
        long = "controller-version",
        visible_alias = "version",
        default_value = "30.2.1"
    )]
    controller_version: String,
    /// Oldest X-Avi-Version accepted.
    #[arg(long, default_value = "18.2.6")]
    min_version: String,
    /// Accept `Authorization: Basic` (off by default, like a real controller).
    #[arg(long)]
    basic_auth: bool,
    /// Requests per second per client before 429 (32 matches a default controller).
    #[arg(long)]
    rate_limit: Option<f64>,
    /// Accept fields the swagger tables do not know.
    #[arg(long)]
    lenient: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let tls = match (args.http, args.cert, args.key) {
        (true, _, _) => None,
        (false, Some(cert), Some(key)) => Some(Tls::Pem { cert, key }),
        _ => Some(Tls::SelfSigned),
    };
    let config = Config {
        addr: SocketAddr::new(args.bind, args.port),
        tls,
        username: args.username,
        password: args.password,
        controller_version: args.controller_version,
        min_version: args.min_version,
        basic_auth: args.basic_auth,
        rate_limit: args.rate_limit.map(|n| RateLimit {
            per_second: n,
            burst: n,
        }),
        strict_fields: !args.lenient,
        state_file: args.state.clone(),
        ..Config::default()
    };
    let sim = avi_sim::spawn(config).await.context("starting avi-sim")?;
    println!(
        "avi-sim {} listening on {} (user {})",
        sim.controller_version(),
        sim.url(),
        sim.username()
    );
    wait_for_signal().await?;
    if let Some(path) = &args.state {
        sim.save_state(path)
            .with_context(|| format!("saving state to {}", path.display()))?;
        tracing::info!(path = %path.display(), "state saved");
    }
    sim.shutdown();
    Ok(())
}

async fn wait_for_signal() -> anyhow::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).context("installing SIGTERM handler")?;
    tokio::select! {
        r = tokio::signal::ctrl_c() => r.context("waiting for SIGINT")?,
        _ = term.recv() => {}
    }
    Ok(())
}
