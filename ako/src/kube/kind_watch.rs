//! One watcher task: a kube-rs `watcher` (with kube-runtime's default backoff,
//! 800 ms → 30 s with jitter) whose events become `ClusterState` deltas. A relist is
//! buffered and applied as one `reset`, so a half-listed kind is never visible.

use std::fmt::Debug;
use std::pin::pin;
use std::sync::Arc;

use futures::StreamExt;
use kube::Resource;
use kube::api::Api;
use kube::runtime::WatchStreamExt;
use kube::runtime::watcher::{self, Event};
use serde::de::DeserializeOwned;
use tokio::task::JoinHandle;

use super::ingest::Shared;
use crate::model::{StateObject, key_of};

/// Spawns a watcher for a kind stored as it is read.
pub(crate) fn spawn<K>(shared: &Arc<Shared>, api: Api<K>, cfg: watcher::Config) -> JoinHandle<()>
where
    K: StateObject + Resource<DynamicType = ()> + Clone + DeserializeOwned + Debug + Send + Sync,
{
    tokio::spawn(run(shared.clone(), api, cfg, std::convert::identity))
}

/// Watches `K` and stores each object as `T` (e.g. a v1alpha1 CRD as v1beta1).
pub(crate) async fn run<K, T>(
    shared: Arc<Shared>,
    api: Api<K>,
    cfg: watcher::Config,
    convert: fn(K) -> T,
) where
    K: Resource<DynamicType = ()> + Clone + DeserializeOwned + Debug + Send + 'static,
    T: StateObject + Send + Sync,
{
    let kind = T::KIND;
    let mut stream = pin!(kube::runtime::watcher(api, cfg).default_backoff());
    let mut buf: Vec<T> = Vec::new();
    while let Some(event) = stream.next().await {
        let event = match event {
            Ok(ev) => ev,
            Err(error) => {
                tracing::warn!(%kind, %error, "watch failed; retrying with backoff");
                continue;
            }
        };
        match event {
            Event::Init => buf.clear(),
            Event::InitApply(obj) => {
                if !shared.blocked(obj.meta().namespace.as_deref()) {
                    buf.push(convert(obj));
                }
            }
            Event::InitDone => {
                let list = std::mem::take(&mut buf);
                let n = list.len();
                shared.update(|s| s.reset(list));
                shared.mark_listed(kind);
                tracing::debug!(%kind, objects = n, "listed");
            }
            Event::Apply(obj) => {
                if !shared.blocked(obj.meta().namespace.as_deref()) {
                    let key = shared.update(|s| s.apply(convert(obj)));
                    tracing::debug!(key = %key, "applied");
                }
            }
            Event::Delete(obj) => {
                if !shared.blocked(obj.meta().namespace.as_deref()) {
                    let key = key_of(&convert(obj));
                    shared.update(|s| s.delete(&key));
                    tracing::debug!(key = %key, "deleted");
                }
            }
        }
    }
}
