//! Readying a fresh API server for the suite: a client from a kubeconfig file, once the
//! server answers, and the current AKO CRDs installed and Established. Needs no container,
//! so it is compiled in every build and tested against kube-sim.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Api, Patch, PatchParams};
use kube::runtime::wait::{await_condition, conditions};

/// How long each CRD gets to become Established.
const CRD_DEADLINE: Duration = Duration::from_secs(60);
const FIELD_MANAGER: &str = "ako-tests-k3s";

#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("kubeconfig {path}: {message}")]
    Kubeconfig { path: PathBuf, message: String },
    #[error("API server at {server}: {message}")]
    Api { server: String, message: String },
    #[error("CustomResourceDefinition/{name}: {message}")]
    Crd { name: String, message: String },
}

/// A client from `kubeconfig` once its API server answers (within `wait`), after the
/// current AKO CRDs are installed there and Established.
pub async fn prepare(kubeconfig: &Path, wait: Duration) -> Result<kube::Client, SetupError> {
    let file_err = |message: String| SetupError::Kubeconfig {
        path: kubeconfig.to_owned(),
        message,
    };
    let text = std::fs::read_to_string(kubeconfig).map_err(|e| file_err(e.to_string()))?;
    let kc = kube::config::Kubeconfig::from_yaml(&text).map_err(|e| file_err(e.to_string()))?;
    let config = kube::Config::from_custom_kubeconfig(kc, &Default::default())
        .await
        .map_err(|e| file_err(e.to_string()))?;
    let server = config.cluster_url.to_string();
    let api_err = |message: String| SetupError::Api {
        server: server.clone(),
        message,
    };
    let client = kube::Client::try_from(config).map_err(|e| api_err(e.to_string()))?;
    let deadline = Instant::now() + wait;
    loop {
        match client.apiserver_version().await {
            Ok(v) => {
                tracing::info!(server, version = %v.git_version, "API server answers");
                break;
            }
            Err(e) if Instant::now() >= deadline => {
                return Err(api_err(format!(
                    "no answer within {}s: {e}",
                    wait.as_secs()
                )));
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(250)).await,
        }
    }
    install_crds(&client).await?;
    Ok(client)
}

/// Applies the current AKO CRDs (the files under `k8s-fixtures/crds/` but the Route CRD,
/// which would make AKO treat the cluster as OpenShift) and waits until each is
/// Established, so the first scenario's custom resources are served at once.
async fn install_crds(client: &kube::Client) -> Result<(), SetupError> {
    let api: Api<CustomResourceDefinition> = Api::all(client.clone());
    let params = PatchParams::apply(FIELD_MANAGER).force();
    for crd in k8s_fixtures::crds::all_crds() {
        let name = crd.metadata.name.clone().unwrap_or_default();
        let crd_err = |message: String| SetupError::Crd {
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

#[cfg(test)]
mod tests {
    use k8s_fixtures::kube_sim;

    use super::*;
    use crate::k3s::kubeconfig::point_at;

    fn established(crd: &CustomResourceDefinition) -> bool {
        crd.status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|cs| {
                cs.iter()
                    .any(|c| c.type_ == "Established" && c.status == "True")
            })
    }

    /// kube-sim over TLS stands in for K3s; its kubeconfig goes through the same rewrite.
    #[tokio::test]
    async fn prepare_installs_every_ako_crd_established_through_a_rewritten_kubeconfig() {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let sim = kube_sim::spawn_with(kube_sim::Config {
            tls: true,
            ..kube_sim::Config::default()
        })
        .await
        .unwrap();
        let api: Api<CustomResourceDefinition> = Api::all(sim.client());
        let before = api.list(&Default::default()).await.unwrap().items;
        assert!(
            before.iter().all(|c| !c
                .metadata
                .name
                .as_deref()
                .unwrap_or_default()
                .ends_with(".ako.vmware.com")),
            "kube-sim starts without AKO CRDs"
        );
        let port = url::Url::parse(sim.url()).unwrap().port().unwrap();
        let text = std::fs::read_to_string(sim.kubeconfig_path()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let kubeconfig = dir.path().join("kubeconfig.yaml");
        std::fs::write(&kubeconfig, point_at(&text, "127.0.0.1", port).unwrap()).unwrap();

        prepare(&kubeconfig, Duration::from_secs(10)).await.unwrap();

        for want in k8s_fixtures::crds::all_crds() {
            let name = want.metadata.name.unwrap();
            let crd = api.get(&name).await.unwrap();
            assert!(established(&crd), "{name}: {:?}", crd.status);
        }
        assert!(
            api.get_opt("routes.route.openshift.io")
                .await
                .unwrap()
                .is_none(),
            "no Route CRD: AKO would take the cluster for OpenShift"
        );
    }

    #[tokio::test]
    async fn an_api_server_that_does_not_answer_is_an_error_naming_it() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let dir = tempfile::tempdir().unwrap();
        let kubeconfig = dir.path().join("kubeconfig.yaml");
        let yaml = format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: http://127.0.0.1:{port}\n\
             contexts:\n- name: c\n  context: {{cluster: c, user: u}}\ncurrent-context: c\nusers:\n- name: u\n  user: {{}}\n"
        );
        std::fs::write(&kubeconfig, yaml).unwrap();
        let Err(err) = prepare(&kubeconfig, Duration::ZERO).await else {
            panic!("nothing listens on {port}");
        };
        let text = err.to_string();
        assert!(text.contains(&format!("127.0.0.1:{port}")), "{text}");
        assert!(text.contains("no answer within 0s"), "{text}");
    }

    #[tokio::test]
    async fn a_missing_kubeconfig_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope.yaml");
        let Err(err) = prepare(&missing, Duration::ZERO).await else {
            panic!("{} does not exist", missing.display());
        };
        assert!(
            err.to_string()
                .starts_with(&format!("kubeconfig {}:", missing.display())),
            "{err}"
        );
    }
}
