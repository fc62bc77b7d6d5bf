//! Settings from the cluster: the `avi-k8s-config` ConfigMap (read once, then
//! watched for live changes such as `deleteConfig`) and the `avi-secret` Secret.
//!
//! A read error or a missing ConfigMap is an error, never a value: it never turns
//! into `deleteConfig: true` (B3, B26). While the ConfigMap is missing or invalid,
//! [`ConfigState::Unavailable`] tells the loop to pause (and report not-ready).

use std::collections::BTreeMap;
use std::pin::pin;
use std::sync::Arc;

use futures::StreamExt;
use k8s_openapi::api::core::v1::{ConfigMap, Secret};
use kube::api::Api;
use kube::runtime::WatchStreamExt;
use kube::runtime::watcher::{self, Event};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::error::{KubeError, is_not_found};
use crate::avi::Credentials;
use crate::config::{AkoConfig, CONFIGMAP_NAME, ConfigSources};

/// The Secret holding the Avi controller credentials.
pub const SECRET_NAME: &str = "avi-secret";

/// Avi credentials from `avi-secret`: `username` + `password` or `authtoken`, and an
/// optional `certificateAuthorityData` (PEM) to trust the controller with.
#[derive(Clone, Debug)]
pub struct AviSecret {
    pub credentials: Credentials,
    pub ca_pem: Option<String>,
}

fn configmap_key(namespace: &str) -> String {
    format!("ConfigMap/{namespace}/{CONFIGMAP_NAME}")
}

/// The ConfigMap's data. Missing → `NotFound`; any read error → `Api`.
pub async fn read_configmap(
    client: &kube::Client,
    namespace: &str,
) -> Result<BTreeMap<String, String>, KubeError> {
    let api: Api<ConfigMap> = Api::namespaced(client.clone(), namespace);
    match api.get(CONFIGMAP_NAME).await {
        Ok(cm) => Ok(cm.data.unwrap_or_default()),
        Err(e) if is_not_found(&e) => Err(KubeError::NotFound {
            object: configmap_key(namespace),
            hint: " (AKO needs it to run; it is never read as deleteConfig)".into(),
        }),
        Err(e) => Err(KubeError::api("get", configmap_key(namespace), e)),
    }
}

/// `base` (values files, environment) overlaid with the ConfigMap's data, validated.
pub async fn read_config(
    client: &kube::Client,
    namespace: &str,
    base: &ConfigSources,
) -> Result<AkoConfig, KubeError> {
    let data = read_configmap(client, namespace).await?;
    build(namespace, base, &data)
}

fn build(
    namespace: &str,
    base: &ConfigSources,
    data: &BTreeMap<String, String>,
) -> Result<AkoConfig, KubeError> {
    base.clone()
        .configmap(data)
        .build()
        .map_err(|source| KubeError::Config {
            object: configmap_key(namespace),
            source,
        })
}

/// Reads `avi-secret` from `namespace`.
pub async fn read_avi_secret(
    client: &kube::Client,
    namespace: &str,
) -> Result<AviSecret, KubeError> {
    let key = format!("Secret/{namespace}/{SECRET_NAME}");
    let api: Api<Secret> = Api::namespaced(client.clone(), namespace);
    let secret = match api.get(SECRET_NAME).await {
        Ok(s) => s,
        Err(e) if is_not_found(&e) => {
            return Err(KubeError::NotFound {
                object: key,
                hint: " (it holds the Avi controller credentials)".into(),
            });
        }
        Err(e) => return Err(KubeError::api("get", key, e)),
    };
    parse_secret(&key, &secret)
}

fn parse_secret(key: &str, secret: &Secret) -> Result<AviSecret, KubeError> {
    let data = secret.data.clone().unwrap_or_default();
    let field = |name: &str| -> Result<Option<String>, KubeError> {
        let Some(bytes) = data.get(name) else {
            return Ok(None);
        };
        let text = String::from_utf8(bytes.0.clone())
            .map_err(|_| KubeError::invalid(key, format!("{name} is not UTF-8")))?;
        let text = text.trim().to_owned();
        Ok((!text.is_empty()).then_some(text))
    };
    let username =
        field("username")?.ok_or_else(|| KubeError::invalid(key, "username is missing"))?;
    let credentials = match (field("authtoken")?, field("password")?) {
        (Some(token), _) => Credentials::Token { username, token },
        (None, Some(password)) => Credentials::Password { username, password },
        (None, None) => {
            return Err(KubeError::invalid(key, "needs password or authtoken"));
        }
    };
    Ok(AviSecret {
        credentials,
        ca_pem: field("certificateAuthorityData")?,
    })
}

/// What the ConfigMap says right now.
#[derive(Clone, Debug, PartialEq)]
pub enum ConfigState {
    /// Read and valid.
    Ready(Arc<AkoConfig>),
    /// Not read yet, missing, deleted or invalid: pause, report not-ready, never clean up.
    Unavailable(String),
}

/// Follows the ConfigMap. Read errors are logged and change nothing; the state
/// changes only on what was actually read (or on the ConfigMap's absence).
pub struct ConfigWatch {
    rx: watch::Receiver<ConfigState>,
    task: JoinHandle<()>,
}

impl Drop for ConfigWatch {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl ConfigWatch {
    /// Starts watching `namespace/avi-k8s-config`; `base` holds the other sources.
    pub fn start(client: kube::Client, namespace: &str, base: ConfigSources) -> Self {
        let (tx, rx) = watch::channel(ConfigState::Unavailable(format!(
            "{} not read yet",
            configmap_key(namespace)
        )));
        let namespace = namespace.to_owned();
        let task = tokio::spawn(async move {
            let api: Api<ConfigMap> = Api::namespaced(client, &namespace);
            let cfg = watcher::Config::default().fields(&format!("metadata.name={CONFIGMAP_NAME}"));
            let mut stream = pin!(kube::runtime::watcher(api, cfg).default_backoff());
            let mut seen = false;
            let key = configmap_key(&namespace);
            while let Some(event) = stream.next().await {
                let next = match event {
                    Err(error) => {
                        tracing::warn!(key = %key, %error, "watch failed; settings unchanged");
                        continue;
                    }
                    Ok(Event::Init) => {
                        seen = false;
                        continue;
                    }
                    Ok(Event::InitApply(cm) | Event::Apply(cm)) => {
                        seen = true;
                        let data = cm.data.unwrap_or_default();
                        match build(&namespace, &base, &data) {
                            Ok(cfg) => ConfigState::Ready(Arc::new(cfg)),
                            Err(e) => ConfigState::Unavailable(e.to_string()),
                        }
                    }
                    Ok(Event::InitDone) if seen => continue,
                    Ok(Event::InitDone) => ConfigState::Unavailable(format!("{key} not found")),
                    Ok(Event::Delete(_)) => ConfigState::Unavailable(format!("{key} was deleted")),
                };
                if let ConfigState::Unavailable(why) = &next {
                    tracing::error!(key = %key, "settings unavailable, sync paused: {why}");
                }
                tx.send_if_modified(|cur| {
                    let changed = *cur != next;
                    *cur = next;
                    changed
                });
            }
        });
        Self { rx, task }
    }

    /// A receiver of every change.
    pub fn subscribe(&self) -> watch::Receiver<ConfigState> {
        self.rx.clone()
    }

    /// The state now.
    pub fn current(&self) -> ConfigState {
        self.rx.borrow().clone()
    }
}
