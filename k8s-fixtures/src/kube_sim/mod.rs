//! kube-sim: an in-memory Kubernetes API server for kube-rs and kubectl.
//!
//! `spawn().await` starts one on an ephemeral port and returns a [`Handle`] with a ready
//! `kube::Client`, the URL and a kubeconfig file; dropping the handle stops it. The
//! standalone binary (`kube-sim --port 6443 --kubeconfig out.yaml`) serves the same thing.
//!
//! Modules: `store` (objects, resourceVersions, event history), `resources` + `builtins` (registry of
//! kinds), `ops` (verbs and metadata lifecycle with `meta`), `list`/`watch`, `patch` with
//! `strategic`, `crd` + `schema` (CRDs and validation), `convert` (version conversion),
//! `defaults` + `typed` (server-side defaults and type checks of built-ins), `discovery`/`openapi`/`table`
//! (documents kubectl reads), `protobuf` (the bodies of
//! `kubectl create namespace|configmap|secret`), `faults` + `control` (fault
//! injection and `/sim/*`), `tls` (certificates and kubeconfig), `server` (HTTP routing).
//!
//! Faithful: discovery (legacy and aggregated v2), CRUD with uid / generation /
//! creationTimestamp / finalizers / deletionTimestamp, namespace cascade and the 403 for a
//! terminating or system namespace, 400 / 404 / 409 (AlreadyExists, Conflict) / 410 / 415 /
//! 422 `Status` bodies, status subresources, label and field selectors, limit/continue,
//! watch (resourceVersion "", "0" or N, bookmarks, timeoutSeconds, sendInitialEvents,
//! selector transitions), CRD served/storage versions with conversion, structural-schema
//! validation, pruning and defaulting, `fieldValidation=Strict`, `dryRun=All`, Table and
//! PartialObjectMetadata output, Service clusterIP/nodePort allocation.
//!
//! Simplified (differs from a real server): server-side apply merges without shared field
//! ownership (no managedFields, no conflicts; it only drops map fields the same manager
//! stops applying); strategic merge uses a table of merge keys (see `strategic`); built-ins
//! are type-checked but only Service ports and Ingress pathType are validated; lists are
//! served from the current state with the first page's resourceVersion (no MVCC
//! snapshots); core/v1 and events.k8s.io/v1 Events are stored separately; no garbage
//! collection of owner references; protobuf bodies only for Namespace, ConfigMap, Secret.

mod builtins;
mod control;
mod convert;
mod crd;
mod defaults;
mod discovery;
mod error;
mod faults;
mod list;
mod meta;
mod openapi;
mod ops;
mod patch;
mod protobuf;
mod request;
mod resources;
mod schema;
mod selectors;
mod server;
mod store;
mod strategic;
mod table;
mod tls;
mod typed;
mod watch;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderName, HeaderValue};
use parking_lot::RwLock;
use serde_json::json;

pub use convert::{Converter, Converters};
pub use error::ApiError;
pub use faults::{CLIENT_HEADER, FaultSettings, Faults};

use ops::{Sim, WriteOpts};
use resources::Registry;
use server::App;

/// Why kube-sim could not start.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("kube-sim: binding {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("kube-sim: writing kubeconfig {path}: {source}")]
    Kubeconfig {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("kube-sim: certificate: {0}")]
    Cert(#[from] rcgen::Error),
    #[error("kube-sim: TLS config: {0}")]
    Tls(#[from] rustls::Error),
    #[error("kube-sim: kube client: {0}")]
    Client(String),
    #[error("kube-sim: seeding {what}: {source}")]
    Seed { what: String, source: Box<ApiError> },
}

/// How to run kube-sim.
#[derive(Clone, Debug)]
pub struct Config {
    pub host: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    /// Serve HTTPS with a generated CA (in the kubeconfig) instead of plain HTTP.
    pub tls: bool,
    /// Require `Authorization: Bearer <token>` (written to the kubeconfig).
    pub token: Option<String>,
    /// Serve `route.openshift.io/v1` (an OpenShift cluster) or not.
    pub openshift: bool,
    /// Events kept for watches; older resourceVersions get `410 Gone`.
    pub history_limit: usize,
    /// How often watches that asked for bookmarks get one.
    pub bookmark_interval: Duration,
    /// Creating in a missing namespace is a 404, as on a real cluster.
    pub require_namespaces: bool,
    /// Namespaces that exist at start.
    pub namespaces: Vec<String>,
    /// CRD version converters per API group (`ako.vmware.com` is set by default).
    pub converters: Converters,
    /// Where to write the kubeconfig (default: a temporary file owned by the handle).
    pub kubeconfig_path: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        let mut converters = Converters::default();
        converters.insert(
            "ako.vmware.com",
            Arc::new(|obj: &serde_json::Value, to: &str| {
                crate::crds::convert::convert(obj, to).map_err(|e| e.to_string())
            }),
        );
        Self {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            tls: false,
            token: None,
            openshift: false,
            history_limit: 10_000,
            bookmark_interval: Duration::from_secs(5),
            require_namespaces: true,
            namespaces: ["default", "kube-system", "kube-public", "kube-node-lease"]
                .map(String::from)
                .to_vec(),
            converters,
            kubeconfig_path: None,
        }
    }
}

/// A running kube-sim. Dropping it stops the server and ends open watches.
pub struct Handle {
    url: String,
    kubeconfig: PathBuf,
    _tempdir: Option<tempfile::TempDir>,
    sim: Arc<Sim>,
    server: axum_server::Handle<SocketAddr>,
    client: kube::Client,
    kube_config: kube::Config,
}

/// Starts kube-sim with the default configuration.
pub async fn spawn() -> Result<Handle, Error> {
    spawn_with(Config::default()).await
}

fn namespace_obj(name: &str) -> serde_json::Value {
    json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
}

/// Starts kube-sim with `config`.
pub async fn spawn_with(config: Config) -> Result<Handle, Error> {
    let sim = Arc::new(Sim {
        store: store::Store::new(config.history_limit.max(1)),
        registry: RwLock::new(Registry::builtin(config.openshift)),
        converters: config.converters.clone(),
        faults: Faults::default(),
        require_namespaces: config.require_namespaces,
        applied: Default::default(),
        allocator: Default::default(),
        open_watches: Default::default(),
    });
    let ns_res = sim
        .resolve("", "v1", "namespaces")
        .map_err(|e| Error::Seed {
            what: "namespaces".into(),
            source: Box::new(e),
        })?;
    for ns in &config.namespaces {
        sim.create(&ns_res, None, namespace_obj(ns), WriteOpts::default())
            .map_err(|e| Error::Seed {
                what: format!("namespace {ns}"),
                source: Box::new(e),
            })?;
    }
    let addr = SocketAddr::new(config.host, config.port);
    let listener =
        std::net::TcpListener::bind(addr).map_err(|source| Error::Bind { addr, source })?;
    let local = listener
        .local_addr()
        .map_err(|source| Error::Bind { addr, source })?;
    let scheme = if config.tls { "https" } else { "http" };
    let url = format!("{scheme}://{local}");
    let app = Arc::new(App {
        sim: sim.clone(),
        token: config.token.clone(),
        url: url.clone(),
        bookmark_interval: config.bookmark_interval,
    });
    let router = server::router(app);
    let server = axum_server::Handle::new();
    let ca_pem = if config.tls {
        let hosts = vec![
            "localhost".to_string(),
            local.ip().to_string(),
            "127.0.0.1".to_string(),
        ];
        let cert = tls::generate(&hosts)?;
        let rustls_cfg =
            axum_server::tls_rustls::RustlsConfig::from_config(tls::server_config(&cert)?);
        let srv = axum_server::from_tcp_rustls(listener, rustls_cfg)
            .map_err(|source| Error::Bind { addr, source })?
            .handle(server.clone());
        tokio::spawn(async move {
            if let Err(e) = srv.serve(router.into_make_service()).await {
                tracing::error!(error = %e, "kube-sim https server stopped");
            }
        });
        Some(cert.ca_pem)
    } else {
        let srv = axum_server::from_tcp(listener)
            .map_err(|source| Error::Bind { addr, source })?
            .handle(server.clone());
        tokio::spawn(async move {
            if let Err(e) = srv.serve(router.into_make_service()).await {
                tracing::error!(error = %e, "kube-sim http server stopped");
            }
        });
        None
    };
    let kubeconfig_text = tls::kubeconfig(&url, ca_pem.as_deref(), config.token.as_deref());
    let (kubeconfig, tempdir) = match &config.kubeconfig_path {
        Some(p) => (p.clone(), None),
        None => {
            let dir = tempfile::tempdir().map_err(|source| Error::Kubeconfig {
                path: PathBuf::from("<tempdir>"),
                source,
            })?;
            (dir.path().join("kubeconfig.yaml"), Some(dir))
        }
    };
    std::fs::write(&kubeconfig, &kubeconfig_text).map_err(|source| Error::Kubeconfig {
        path: kubeconfig.clone(),
        source,
    })?;
    let kc: kube::config::Kubeconfig =
        serde_yaml::from_str(&kubeconfig_text).map_err(|e| Error::Client(e.to_string()))?;
    let kube_config =
        kube::Config::from_custom_kubeconfig(kc, &kube::config::KubeConfigOptions::default())
            .await
            .map_err(|e| Error::Client(e.to_string()))?;
    let client =
        kube::Client::try_from(kube_config.clone()).map_err(|e| Error::Client(e.to_string()))?;
    tracing::info!(%url, kubeconfig = %kubeconfig.display(), "kube-sim listening");
    Ok(Handle {
        url,
        kubeconfig,
        _tempdir: tempdir,
        sim,
        server,
        client,
        kube_config,
    })
}

impl Handle {
    /// Base URL, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn kubeconfig_path(&self) -> &Path {
        &self.kubeconfig
    }

    /// A client for this server (cheap clone).
    pub fn client(&self) -> kube::Client {
        self.client.clone()
    }

    /// A client that identifies itself as `name` (for per-client faults such as `lag_client`).
    pub fn client_named(&self, name: &str) -> Result<kube::Client, Error> {
        let mut cfg = self.kube_config.clone();
        let value = HeaderValue::from_str(name)
            .map_err(|e| Error::Client(format!("client name {name:?}: {e}")))?;
        cfg.headers
            .push((HeaderName::from_static(CLIENT_HEADER), value));
        kube::Client::try_from(cfg).map_err(|e| Error::Client(e.to_string()))
    }

    /// The `kube::Config` behind [`Handle::client`].
    pub fn kube_config(&self) -> &kube::Config {
        &self.kube_config
    }

    /// Fault controls: error rates, latency, outages, client lag, dropped watches.
    pub fn faults(&self) -> &Faults {
        &self.sim.faults
    }

    /// Ends every open watch stream; clients re-watch from their last resourceVersion.
    pub fn drop_watches(&self) {
        self.sim.faults.drop_watches();
    }

    /// Forgets the event history and ends every watch, so clients re-watching from an old
    /// resourceVersion get `410 Gone` and must re-list. Returns the new resourceVersion.
    pub fn expire_history(&self) -> u64 {
        let rv = self.sim.store.compact();
        self.sim.faults.drop_watches();
        rv
    }

    /// Watch streams currently open (tests use it to know a client is watching).
    pub fn open_watches(&self) -> usize {
        self.sim
            .open_watches
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Number of stored objects (all kinds).
    pub fn object_count(&self) -> usize {
        self.sim.store.object_count()
    }

    /// The current (latest) resourceVersion.
    pub fn resource_version(&self) -> u64 {
        self.sim.store.current_rv()
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.sim.faults.drop_watches();
        self.server.shutdown();
    }
}
