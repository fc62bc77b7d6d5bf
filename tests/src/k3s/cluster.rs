//! [`K3sCluster`]: a K3s API server in a Docker container (testcontainers' k3s module, its
//! default image) with the AKO CRDs installed, and a kubeconfig file on the host for the
//! runner's external mode. Needs a local Docker engine: the kubeconfig comes back through a
//! bind-mounted host directory.

use std::path::{Path, PathBuf};
use std::time::Duration;

use testcontainers::core::client::docker_client_instance;
use testcontainers::{ContainerAsync, ImageExt, TestcontainersError, runners::AsyncRunner};
use testcontainers_modules::k3s::{K3s, KUBE_SECURE_PORT};

use super::kubeconfig::{KubeconfigError, point_at};
use super::setup::{SetupError, prepare};

/// How long the API server gets to answer once the container reports ready.
const API_DEADLINE: Duration = Duration::from_secs(120);
/// The module's command plus: no Traefik (its IngressClass would compete with `avi-lb` for
/// the default) and no ServiceLB (it would give LoadBalancer Services the IPs AKO gives).
const K3S_ARGS: [&str; 4] = [
    "server",
    "--snapshotter=native",
    "--disable=traefik",
    "--disable=servicelb",
];

#[derive(Debug, thiserror::Error)]
pub enum K3sError {
    #[error(
        "--k3s needs a Docker engine and none answers (DOCKER_HOST={host}; without it \
         testcontainers tries /var/run/docker.sock and the rootless socket): {message}"
    )]
    NoDocker { host: String, message: String },
    #[error("k3s container: {0}")]
    Container(#[from] TestcontainersError),
    #[error("k3s kubeconfig {path}: {message}")]
    Io { path: PathBuf, message: String },
    #[error(transparent)]
    Kubeconfig(#[from] KubeconfigError),
    #[error("k3s: {0}")]
    Setup(#[from] SetupError),
}

/// A running K3s server; [`K3sCluster::stop`] removes the container (so does dropping it).
pub struct K3sCluster {
    container: ContainerAsync<K3s>,
    dir: tempfile::TempDir,
    kubeconfig: PathBuf,
}

impl K3sCluster {
    /// Starts K3s, writes a kubeconfig pointing at the mapped API port, waits until the
    /// API server answers and installs the current AKO CRDs (`k8s-fixtures/crds/`).
    pub async fn start() -> Result<K3sCluster, K3sError> {
        docker_answers().await?;
        let dir = tempfile::tempdir().map_err(|e| K3sError::Io {
            path: std::env::temp_dir(),
            message: e.to_string(),
        })?;
        tracing::info!(image = "rancher/k3s", "starting the k3s container");
        let container = K3s::default()
            .with_conf_mount(dir.path())
            .with_privileged(true)
            .with_userns_mode("host")
            .with_cmd(K3S_ARGS)
            .start()
            .await?;
        let port = container.get_host_port_ipv4(KUBE_SECURE_PORT).await?;
        let host = container.get_host().await?.to_string();
        let inside = container
            .image()
            .read_kube_config()
            .map_err(|e| K3sError::Io {
                path: dir.path().join("k3s.yaml"),
                message: e.to_string(),
            })?;
        let kubeconfig = dir.path().join("kubeconfig.yaml");
        std::fs::write(&kubeconfig, point_at(&inside, &host, port)?).map_err(|e| K3sError::Io {
            path: kubeconfig.clone(),
            message: e.to_string(),
        })?;
        let cluster = K3sCluster {
            container,
            dir,
            kubeconfig,
        };
        prepare(&cluster.kubeconfig, API_DEADLINE).await?;
        Ok(cluster)
    }

    /// The host-side kubeconfig (`--kubeconfig` of the external mode).
    pub fn kubeconfig(&self) -> &Path {
        &self.kubeconfig
    }

    /// Removes the container and the kubeconfig directory.
    pub async fn stop(self) -> Result<(), K3sError> {
        self.container.rm().await?;
        // K3s wrote `k3s.yaml` as root; a non-root run may not remove it (nothing to do).
        let _ = self.dir.close();
        Ok(())
    }
}

/// Fails with [`K3sError::NoDocker`] unless a Docker engine answers a ping.
async fn docker_answers() -> Result<(), K3sError> {
    let no_docker = |message: String| K3sError::NoDocker {
        host: std::env::var("DOCKER_HOST").unwrap_or_else(|_| "<unset>".to_owned()),
        message,
    };
    let docker = docker_client_instance()
        .await
        .map_err(|e| no_docker(e.to_string()))?;
    docker
        .ping()
        .await
        .map(drop)
        .map_err(|e| no_docker(e.to_string()))
}
