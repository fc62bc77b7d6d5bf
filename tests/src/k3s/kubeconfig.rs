//! The kubeconfig K3s writes inside its container names `https://127.0.0.1:6443`; from the
//! host the API server is at the port Docker mapped. [`point_at`] rewrites every cluster's
//! server to that address and keeps everything else (CA, client certificate, contexts).
//! Pure, so it is compiled and tested without the `conformance` feature.

use kube::config::Kubeconfig;

#[derive(Debug, thiserror::Error)]
pub enum KubeconfigError {
    #[error("k3s kubeconfig: {0}")]
    Parse(#[from] kube::config::KubeconfigError),
    #[error("k3s kubeconfig: no cluster to point at {0}")]
    NoCluster(String),
    #[error("k3s kubeconfig: {0}")]
    Write(#[from] serde_yaml::Error),
}

/// `yaml` with every cluster's server set to `https://{host}:{port}`.
pub fn point_at(yaml: &str, host: &str, port: u16) -> Result<String, KubeconfigError> {
    let server = format!("https://{host}:{port}");
    let mut config = Kubeconfig::from_yaml(yaml)?;
    let mut pointed = 0;
    for cluster in config
        .clusters
        .iter_mut()
        .filter_map(|c| c.cluster.as_mut())
    {
        cluster.server = Some(server.clone());
        pointed += 1;
    }
    if pointed == 0 {
        return Err(KubeconfigError::NoCluster(server));
    }
    Ok(serde_yaml::to_string(&config)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Shaped like `/etc/rancher/k3s/k3s.yaml` (data shortened).
    const K3S_YAML: &str = "\
apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: Q0EtREFUQQ==
    server: https://127.0.0.1:6443
  name: default
contexts:
- context:
    cluster: default
    user: default
  name: default
current-context: default
preferences: {}
users:
- name: default
  user:
    client-certificate-data: Q0VSVA==
    client-key-data: S0VZ
";

    fn parsed(yaml: &str) -> Kubeconfig {
        Kubeconfig::from_yaml(yaml).unwrap()
    }

    #[test]
    fn the_server_moves_to_the_mapped_port_and_the_credentials_stay() {
        let out = parsed(&point_at(K3S_YAML, "localhost", 32771).unwrap());
        let before = parsed(K3S_YAML);
        let cluster = out.clusters[0].cluster.as_ref().unwrap();
        assert_eq!(cluster.server.as_deref(), Some("https://localhost:32771"));
        assert_eq!(
            cluster.certificate_authority_data,
            before.clusters[0]
                .cluster
                .as_ref()
                .unwrap()
                .certificate_authority_data
        );
        let user = out.auth_infos[0].auth_info.as_ref().unwrap();
        assert_eq!(user.client_certificate_data.as_deref(), Some("Q0VSVA=="));
        assert!(user.client_key_data.is_some(), "the client key is kept");
        assert_eq!(out.current_context.as_deref(), Some("default"));
        let context = out.contexts[0].context.as_ref().unwrap();
        assert_eq!(context.cluster, "default");
        assert_eq!(context.user.as_deref(), Some("default"));
    }

    #[test]
    fn every_cluster_is_pointed() {
        let two = K3S_YAML.replace(
            "contexts:",
            "- cluster:\n    server: https://10.0.0.1:6443\n  name: other\ncontexts:",
        );
        let out = parsed(&point_at(&two, "127.0.0.1", 40000).unwrap());
        let servers: Vec<_> = out
            .clusters
            .iter()
            .map(|c| c.cluster.as_ref().unwrap().server.clone().unwrap())
            .collect();
        assert_eq!(servers, ["https://127.0.0.1:40000"; 2]);
    }

    #[test]
    fn a_kubeconfig_without_clusters_is_an_error_naming_the_address() {
        let err = point_at("apiVersion: v1\nkind: Config\n", "localhost", 1).unwrap_err();
        assert!(
            err.to_string()
                .contains("no cluster to point at https://localhost:1"),
            "{err}"
        );
    }

    #[test]
    fn text_that_is_no_kubeconfig_is_an_error() {
        let err = point_at("clusters: 7", "localhost", 1).unwrap_err();
        assert!(err.to_string().starts_with("k3s kubeconfig:"), "{err}");
    }
}
