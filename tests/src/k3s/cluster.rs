//! [`K3sCluster`]: a K3s API server in a Docker container (testcontainers' k3s module, its
//! default image) with the AKO CRDs installed, and a kubeconfig file on the host for the
//! runner's external mode. Needs a local Docker engine: the kubeconfig comes back through a
//! bind-mounted host directory.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Api, Patch, PatchParams};
use kube::runtime::wait::{await_condition, conditions};
use testcontainers::core::client::docker_client_instance;
use testcontainers::{ContainerAsync, ImageExt, TestcontainersError, runners::AsyncRunner};
use testcontainers_modules::k3s::{K3s, KUBE_SECURE_PORT};

use super::kubeconfig::{KubeconfigError, point_at};

/// How long the API server gets to answer once the container reports ready.
const API_DEADLINE: Duration = Duration::from_secs(120);
/// How long each CRD gets to become Established.
const CRD_DEADLINE: Duration = Duration::from_secs(60);
const FIELD_MANAGER: &str = "ako-tests-k3s";
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
    #[error("k3s API server at {server}: {message}")]
    Api { server: String, message: String },
    #[error("CustomResourceDefinition/{name}: {message}")]
    Crd { name: String, message: String },
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
        let client = cluster.client(&format!("https://{host}:{port}")).await?;
        install_crds(&client).await?;
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

    /// A client from the written kubeconfig, once the API server answers.
    async fn client(&self, server: &str) -> Result<kube::Client, K3sError> {
        let api_err = |message: String| K3sError::Api {
            server: server.to_owned(),
            message,
        };
        let text = std::fs::read_to_string(&self.kubeconfig).map_err(|e| K3sError::Io {
            path: self.kubeconfig.clone(),
            message: e.to_string(),
        })?;
        let kc = kube::config::Kubeconfig::from_yaml(&text).map_err(KubeconfigError::from)?;
        let config = kube::Config::from_custom_kubeconfig(kc, &Default::default())
            .await
            .map_err(|e| api_err(e.to_string()))?;
        let client = kube::Client::try_from(config).map_err(|e| api_err(e.to_string()))?;
        let deadline = Instant::now() + API_DEADLINE;
        loop {
            match client.apiserver_version().await {
                Ok(v) => {
                    tracing::info!(server, version = %v.git_version, "k3s API server answers");
                    return Ok(client);
                }
                Err(e) if Instant::now() > deadline => {
                    return Err(api_err(format!(
                        "no answer within {}s: {e}",
                        API_DEADLINE.as_secs()
                    )));
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(500)).await,
            }
        }
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

/// Applies the current AKO CRDs (the files under `k8s-fixtures/crds/` but the Route CRD,
/// which would make AKO treat the cluster as OpenShift) and waits until each is
/// Established, so the first scenario's custom resources are served at once.
async fn install_crds(client: &kube::Client) -> Result<(), K3sError> {
    let api: Api<CustomResourceDefinition> = Api::all(client.clone());
    let params = PatchParams::apply(FIELD_MANAGER).force();
    for crd in k8s_fixtures::crds::all_crds() {
        let name = crd.metadata.name.clone().unwrap_or_default();
        let crd_err = |message: String| K3sError::Crd {
            name: name.clone(),
            message,
        };
        api.patch(&name, &params, &Patch::Apply(&crd))
            .await
            .map_err(|e| crd_err(e.to_string()))?;
        let established = await_condition(api.clone(), &name, conditions::is_crd_established());
        tokio::time::timeout(CRD_DEADLINE, established)
            .await
            .map_err(|_| {
                crd_err(format!(
                    "not Established within {}s",
                    CRD_DEADLINE.as_secs()
                ))
            })?
            .map_err(|e| crd_err(e.to_string()))?;
        tracing::info!(crd = %name, "CRD established");
    }
    Ok(())
}
