//! `ako run`: the controller against a cluster — in-cluster service account or a
//! kubeconfig; settings from the `avi-k8s-config` ConfigMap over `--values` files
//! and the environment; Avi credentials from `avi-secret` (or flags / env for
//! development); `/healthz`, `/readyz`, `/metrics`; graceful stop on SIGTERM/Ctrl-C
//! (the running batch finishes, the Lease is released).

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;

use ako::avi::Credentials;
use ako::config::ConfigSources;
use ako::controller::{Controller, ControllerDeps};
use ako::http;
use ako::kube::settings::AviSecret;

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Kubeconfig to use instead of the in-cluster service account.
    #[arg(long)]
    pub kubeconfig: Option<PathBuf>,
    /// AKO's namespace: ConfigMap, avi-secret, StatefulSet, Lease.
    #[arg(long, env = "POD_NAMESPACE", default_value = "avi-system")]
    pub namespace: String,
    /// This instance's name (Lease holder, Avi client id); defaults to the host name.
    #[arg(long, env = "POD_NAME")]
    pub identity: Option<String>,
    /// Helm-style values files, overlaid in order under the ConfigMap and env.
    #[arg(long = "values")]
    pub values: Vec<PathBuf>,
    /// Avi user for development; without it credentials come from `avi-secret`.
    #[arg(long, env = "AVI_USERNAME")]
    pub avi_username: Option<String>,
    #[arg(long, env = "AVI_PASSWORD", hide_env_values = true)]
    pub avi_password: Option<String>,
    #[arg(long, env = "AVI_AUTHTOKEN", hide_env_values = true)]
    pub avi_authtoken: Option<String>,
    /// Accept any Avi certificate (lab controllers only).
    #[arg(long)]
    pub avi_insecure: bool,
    /// Where to serve /healthz, /readyz, /metrics (default: apiServerPort on all addresses).
    #[arg(long)]
    pub http_addr: Option<SocketAddr>,
}

/// tracing to stderr, `RUST_LOG` or `info`.
pub fn init_logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // A second init (tests, demo after run) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

fn credentials(args: &RunArgs) -> anyhow::Result<Option<AviSecret>> {
    let Some(username) = args.avi_username.clone() else {
        return Ok(None);
    };
    let credentials = match (&args.avi_authtoken, &args.avi_password) {
        (Some(token), _) => Credentials::Token {
            username,
            token: token.clone(),
        },
        (None, Some(password)) => Credentials::Password {
            username,
            password: password.clone(),
        },
        (None, None) => anyhow::bail!("--avi-username needs --avi-password or --avi-authtoken"),
    };
    Ok(Some(AviSecret {
        credentials,
        ca_pem: None,
    }))
}

/// A client from `kubeconfig`, else `KUBECONFIG` / `~/.kube/config` / in-cluster.
pub(crate) async fn kube_client(kubeconfig: Option<&Path>) -> anyhow::Result<kube::Client> {
    let config = match kubeconfig {
        Some(path) => {
            let kc = kube::config::Kubeconfig::read_from(path)
                .with_context(|| format!("reading kubeconfig {}", path.display()))?;
            kube::Config::from_custom_kubeconfig(kc, &Default::default())
                .await
                .with_context(|| format!("kubeconfig {}", path.display()))?
        }
        None => kube::Config::infer()
            .await
            .context("no in-cluster config and no kubeconfig")?,
    };
    kube::Client::try_from(config).context("building the Kubernetes client")
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn terminated() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

pub fn run(args: RunArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    init_logs();
    let mut settings = ConfigSources::new();
    for path in &args.values {
        settings = settings.values_file(path)?;
    }
    let settings = settings.process_env();
    let identity = match &args.identity {
        Some(id) => id.clone(),
        None => std::env::var("HOSTNAME").unwrap_or_else(|_| "ako-0".to_owned()),
    };
    let avi_credentials = credentials(&args)?;
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        let kube = kube_client(args.kubeconfig.as_deref()).await?;
        // The port is read before the ConfigMap: values / env, else the chart default.
        let port = settings.build().map_or(8080, |c| c.api_server_port);
        let addr = args
            .http_addr
            .unwrap_or_else(|| SocketAddr::from(([0, 0, 0, 0], port)));
        let mut deps = ControllerDeps::new(kube, &args.namespace, &identity);
        deps.settings = settings;
        deps.avi_credentials = avi_credentials;
        deps.options.avi_insecure = args.avi_insecure;
        let server = http::Server::start(addr, deps.health.clone(), deps.metrics.clone())
            .await
            .with_context(|| format!("serving health and metrics on {addr}"))?;
        writeln!(
            out,
            "ako {identity}: namespace {}, health and metrics on http://{}",
            args.namespace,
            server.addr()
        )?;
        let handle = Controller::start(deps);
        terminated().await;
        tracing::info!("termination requested; finishing the running batch");
        handle.shutdown().await;
        drop(server);
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(())
}
