//! The AKO CRDs (HostRule, HTTPRule, AviInfraSetting) are read at v1beta1. When the
//! cluster still has the old CRDs (v1beta1 not served, 404) AKO says so with F30's
//! line and the command that fixes it, reads v1alpha1 converted to v1beta1 meanwhile,
//! and switches to v1beta1 as soon as the new CRDs are applied. A CRD that is not
//! installed at all has no objects (listed, empty); any other list error leaves the
//! kind un-listed, so nothing is deleted because of it (B2).

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use kube::Resource;
use kube::api::{Api, ListParams};
use kube::runtime::watcher;
use serde::de::DeserializeOwned;
use tokio::task::JoinHandle;

use super::error::is_not_found;
use super::ingest::Shared;
use super::kind_watch;
use crate::crd::{self, AviInfraSetting, HTTPRule, HostRule};
use crate::model::{Kind, StateObject};

/// Which version each CRD kind is read at, and how the fallback behaves.
pub(crate) struct CrdWatch {
    probe_interval: Duration,
    source: String,
    versions: Mutex<BTreeMap<Kind, &'static str>>,
}

impl CrdWatch {
    pub(crate) fn new(probe_interval: Duration, source: String) -> Self {
        Self {
            probe_interval,
            source,
            versions: Mutex::default(),
        }
    }

    pub(crate) fn version(&self, kind: Kind) -> Option<&'static str> {
        self.lock().get(&kind).copied()
    }

    fn set(&self, kind: Kind, version: Option<&'static str>) {
        let mut v = self.lock();
        match version {
            Some(ver) => v.insert(kind, ver),
            None => v.remove(&kind),
        };
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<Kind, &'static str>> {
        self.versions.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Starts the three CRD supervisors.
pub(crate) fn spawn_all(
    shared: &Arc<Shared>,
    crd: &Arc<CrdWatch>,
    client: &kube::Client,
) -> Vec<JoinHandle<()>> {
    vec![
        tokio::spawn(supervise::<HostRule, crd::hostrule::v1alpha1::HostRule>(
            shared.clone(),
            crd.clone(),
            client.clone(),
        )),
        tokio::spawn(supervise::<HTTPRule, crd::httprule::v1alpha1::HTTPRule>(
            shared.clone(),
            crd.clone(),
            client.clone(),
        )),
        tokio::spawn(supervise::<
            AviInfraSetting,
            crd::infra::v1alpha1::AviInfraSetting,
        >(shared.clone(), crd.clone(), client.clone())),
    ]
}

enum Probe {
    Served,
    NotServed,
    Failed(kube::Error),
}

async fn probe<K>(api: &Api<K>) -> Probe
where
    K: Resource + Clone + DeserializeOwned + Debug,
{
    match api.list(&ListParams::default().limit(1)).await {
        Ok(_) => Probe::Served,
        Err(e) if is_not_found(&e) => Probe::NotServed,
        Err(e) => Probe::Failed(e),
    }
}

/// Aborts a spawned task when dropped (so aborting the supervisor stops its child).
struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

async fn supervise<B, A>(shared: Arc<Shared>, crd: Arc<CrdWatch>, client: kube::Client)
where
    B: StateObject + Resource<DynamicType = ()> + Clone + DeserializeOwned + Debug + Send + Sync,
    A: Resource<DynamicType = ()> + Clone + DeserializeOwned + Debug + Send + Sync + 'static,
    A: Into<B>,
{
    let kind = B::KIND;
    let resource = format!("{}.{}", B::plural(&()), crd::GROUP);
    let beta: Api<B> = Api::all(client.clone());
    let alpha: Api<A> = Api::all(client);
    let mut absent = false;
    loop {
        match probe(&beta).await {
            Probe::Served => {
                crd.set(kind, Some("v1beta1"));
                kind_watch::run(
                    shared,
                    beta,
                    watcher::Config::default(),
                    std::convert::identity,
                )
                .await;
                return;
            }
            Probe::Failed(error) => {
                tracing::warn!(%kind, %error, "listing {resource} failed; retrying");
                tokio::time::sleep(crd.probe_interval).await;
                continue;
            }
            Probe::NotServed => {}
        }
        match probe(&alpha).await {
            Probe::Served => {
                // F30's line, as the original prints it, plus what fixes it.
                tracing::error!(
                    fix = %format!("kubectl apply -f {}", crd.source),
                    "failed to list *v1beta1.{kind}: the server could not find the requested \
                     resource (get {resource}); reading v1alpha1 until the CRDs are upgraded"
                );
                absent = false;
                crd.set(kind, Some("v1alpha1"));
                let convert: fn(A) -> B = Into::into;
                let old = AbortOnDrop(tokio::spawn(kind_watch::run(
                    shared.clone(),
                    alpha.clone(),
                    watcher::Config::default(),
                    convert,
                )));
                while !matches!(probe(&beta).await, Probe::Served) {
                    tokio::time::sleep(crd.probe_interval).await;
                }
                drop(old);
                tracing::info!(%kind, "v1beta1 is served now; reading {resource} at v1beta1");
            }
            Probe::NotServed => {
                crd.set(kind, None);
                if !absent {
                    absent = true;
                    tracing::warn!(%kind, "CRD {resource} is not installed; no {kind} objects");
                    shared.update(|s| s.reset::<B>(Vec::new()));
                    shared.mark_listed(kind);
                }
                tokio::time::sleep(crd.probe_interval).await;
            }
            Probe::Failed(error) => {
                tracing::warn!(%kind, %error, "listing {resource} at v1alpha1 failed; retrying");
                tokio::time::sleep(crd.probe_interval).await;
            }
        }
    }
}
