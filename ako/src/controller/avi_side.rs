//! The Avi side of a controller: which controller, tenant and cluster the settings
//! name ([`AviTarget`]), the client (credentials from `avi-secret` or given), the
//! login, and the [`Syncer`] whose inventory must be read completely before the loop
//! builds anything (B2, B21), with the AviInfraSetting network lookups made against
//! it. Any failure is an error the loop retries with backoff without a restart (F14).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use url::Url;

use super::ControllerOptions;
use super::validate::NetworkCheck;
use crate::avi::{AviClient, AviClientConfig, AviError, RateLimit, TlsOptions};
use crate::config::AkoConfig;
use crate::kube::KubeError;
use crate::kube::settings::{self, AviSecret};
use crate::metrics::Metrics;
use crate::model::{DEFAULT_VRF, ObjectKey};
use crate::sync::{InfraScope, SyncOptions, Syncer};

/// The settings an Avi connection and its inventory depend on; a change means a new
/// client and a fresh inventory.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct AviTarget {
    host: String,
    version: Option<String>,
    tenant: String,
    cluster: String,
    rate_limit: u32,
    scope: InfraScope,
}

impl AviTarget {
    /// The target `cfg` names; `se_groups` adds SE groups an AviInfraSetting uses
    /// (their `clustername` label is ako's to set and remove).
    pub fn from_config(cfg: &AkoConfig, se_groups: &BTreeSet<String>) -> Self {
        let c = &cfg.controller;
        AviTarget {
            host: c.host.clone(),
            version: c.version.clone(),
            tenant: c.tenant.clone(),
            cluster: cfg.cluster_name.clone(),
            rate_limit: cfg.api_rate_limit,
            scope: InfraScope {
                vrf: Some(c.vrf.clone().unwrap_or_else(|| DEFAULT_VRF.to_owned())),
                se_groups: se_groups
                    .iter()
                    .cloned()
                    .chain([c.se_group.clone()])
                    .collect(),
            },
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub(super) enum AviSideError {
    #[error("ControllerSettings.controllerHost {host:?}: {reason}")]
    Host { host: String, reason: String },
    #[error("Avi credentials: {0}")]
    Credentials(#[from] KubeError),
    #[error("Avi controller: {0}")]
    Avi(#[from] AviError),
    #[error("Avi inventory incomplete: {0}")]
    Inventory(String),
}

/// A connected controller with its inventory.
pub(super) struct AviSide {
    pub target: AviTarget,
    pub syncer: Syncer,
    /// AviInfraSetting network lookups (validate.rs); emptied with every re-read.
    pub network_checks: BTreeMap<ObjectKey, NetworkCheck>,
}

/// `https://<host>` unless the host names its scheme.
fn controller_url(host: &str) -> Result<Url, AviSideError> {
    let err = |reason: String| AviSideError::Host {
        host: host.to_owned(),
        reason,
    };
    if host.trim().is_empty() {
        return Err(err("not set; AKO cannot reach the Avi controller".into()));
    }
    let text = if host.contains("://") {
        host.to_owned()
    } else {
        format!("https://{host}")
    };
    Url::parse(&text).map_err(|e| err(e.to_string()))
}

/// What connecting needs besides the settings.
pub(super) struct Connect<'a> {
    pub kube: &'a kube::Client,
    pub namespace: &'a str,
    pub given: Option<&'a AviSecret>,
    pub identity: &'a str,
    pub options: &'a ControllerOptions,
    pub metrics: &'a Arc<Metrics>,
}

impl Connect<'_> {
    /// Logs in and reads the whole inventory.
    pub async fn connect(&self, target: AviTarget) -> Result<AviSide, AviSideError> {
        let secret = match self.given {
            Some(s) => s.clone(),
            None => settings::read_avi_secret(self.kube, self.namespace).await?,
        };
        let mut client_cfg =
            AviClientConfig::new(controller_url(&target.host)?, secret.credentials);
        client_cfg.tenant = target.tenant.clone();
        client_cfg.api_version = target.version.clone();
        client_cfg.tls = TlsOptions {
            ca_pem: secret.ca_pem,
            insecure_skip_verify: self.options.avi_insecure,
        };
        client_cfg.client_id = self.identity.to_owned();
        let per_second = f64::from(target.rate_limit.max(1));
        client_cfg.rate_limit = RateLimit {
            per_second,
            burst: target.rate_limit.clamp(1, 10),
        };
        client_cfg.retry = self.options.avi_retry;
        client_cfg.request_timeout = self.options.avi_timeout;
        client_cfg.observer = Some(self.metrics.call_observer());
        let client = AviClient::new(client_cfg)?;
        client.login().await?;
        let opts = SyncOptions {
            concurrency: self.options.concurrency,
            object_backoff: self.options.object_backoff,
            scope: target.scope.clone(),
        };
        let syncer = Syncer::boot(client, &target.cluster, opts).await;
        let side = AviSide {
            target,
            syncer,
            network_checks: BTreeMap::new(),
        };
        side.check_complete()?;
        tracing::info!(
            cluster = %side.target.cluster,
            owned = side.syncer.cache().len(),
            "Avi inventory read"
        );
        Ok(side)
    }
}

impl AviSide {
    /// Whether the inventory (objects and infra) was read completely in this process.
    /// SE groups the graph labels that the inventory does not read yet.
    pub fn unread_se_groups(&self, wanted: &BTreeSet<String>) -> BTreeSet<String> {
        wanted
            .difference(&self.target.scope.se_groups)
            .cloned()
            .collect()
    }

    pub fn check_complete(&self) -> Result<(), AviSideError> {
        let errors = self.syncer.cache().read_errors();
        if errors.is_empty() {
            return Ok(());
        }
        let text: Vec<String> = errors
            .iter()
            .map(|(what, e)| format!("{what}: {e}"))
            .collect();
        Err(AviSideError::Inventory(text.join("; ")))
    }

    /// Re-reads the inventory (a failed boot read, a new leader, drift repair).
    pub async fn reload(&mut self) -> Result<(), AviSideError> {
        self.network_checks.clear();
        self.syncer.reload().await;
        self.check_complete()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controller_url_defaults_to_https() {
        assert_eq!(
            controller_url("10.0.0.1").unwrap().as_str(),
            "https://10.0.0.1/"
        );
        assert_eq!(
            controller_url("http://127.0.0.1:9443").unwrap().as_str(),
            "http://127.0.0.1:9443/"
        );
        assert!(
            controller_url(" ")
                .unwrap_err()
                .to_string()
                .contains("not set")
        );
    }
}
