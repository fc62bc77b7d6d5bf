//! NodePortLocal (F22): puts `nodeportlocal.antrea.io/enabled: "true"` on every
//! Service the model lists in `AviGraph::npl_services`, so Antrea allocates NPL
//! ports for its pods. A metadata merge patch, only while the annotation is missing,
//! and not again until the watch has delivered a newer resourceVersion (no write
//! storms). The annotation is never removed: cleanup leaves it in place (F23).

use std::collections::HashMap;

use k8s_openapi::api::core::v1::Service;
use kube::api::{Api, Patch, PatchParams};
use serde_json::json;

use super::error::{KubeError, timed};
use crate::model::{AviGraph, ClusterState, ObjectKey};

/// The Service annotation Antrea reads.
pub const NPL_ENABLED: &str = "nodeportlocal.antrea.io/enabled";

/// Services of `graph.npl_services` present in `state` without the annotation set
/// to `"true"`, with the resourceVersion they were seen at.
pub(crate) fn missing<'s>(
    state: &'s ClusterState,
    graph: &'s AviGraph,
) -> Vec<(&'s ObjectKey, Option<&'s String>)> {
    graph
        .npl_services
        .iter()
        .filter_map(|key| {
            let svc = state.get::<Service>(&key.namespace, &key.name)?;
            let annotations = svc.metadata.annotations.as_ref();
            let set = annotations
                .and_then(|a| a.get(NPL_ENABLED))
                .map(String::as_str);
            (set != Some("true")).then_some((key, svc.metadata.resource_version.as_ref()))
        })
        .collect()
}

/// Annotates Services for NodePortLocal; see the module docs.
#[derive(Default)]
pub(crate) struct NplAnnotator {
    /// Key → resourceVersion we patched over.
    pending: HashMap<ObjectKey, Option<String>>,
}

impl NplAnnotator {
    /// One pass; returns (written, failed).
    pub async fn sync(
        &mut self,
        client: &kube::Client,
        state: &ClusterState,
        graph: &AviGraph,
    ) -> (usize, usize) {
        let todo = missing(state, graph);
        self.pending
            .retain(|k, rv| todo.iter().any(|(t, trv)| *t == k && trv == &rv.as_ref()));
        let (mut written, mut failed) = (0, 0);
        for (key, rv) in todo {
            if self.pending.contains_key(key) {
                continue;
            }
            match timed("annotate", key.to_string(), annotate(client, key)).await {
                Ok(()) => {
                    tracing::info!(%key, annotation = NPL_ENABLED, "Service annotated for NodePortLocal");
                    self.pending.insert(key.clone(), rv.cloned());
                    written += 1;
                }
                Err(error) => {
                    tracing::warn!(%key, %error, "NodePortLocal annotation not written");
                    failed += 1;
                }
            }
        }
        (written, failed)
    }
}

async fn annotate(client: &kube::Client, key: &ObjectKey) -> Result<(), KubeError> {
    let api: Api<Service> = Api::namespaced(client.clone(), &key.namespace);
    let body = json!({"metadata": {"annotations": {NPL_ENABLED: "true"}}});
    api.patch(&key.name, &PatchParams::default(), &Patch::Merge(&body))
        .await
        .map(drop)
        .map_err(|e| KubeError::api("annotate", key.to_string(), e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Kind;

    fn svc(name: &str, enabled: Option<&str>) -> Service {
        let mut s = Service::default();
        s.metadata.name = Some(name.to_owned());
        s.metadata.namespace = Some("default".to_owned());
        s.metadata.resource_version = Some("1".to_owned());
        if let Some(v) = enabled {
            s.metadata.annotations = Some([(NPL_ENABLED.to_owned(), v.to_owned())].into());
        }
        s
    }

    #[test]
    fn only_listed_services_without_the_annotation_are_missing() {
        let mut state = ClusterState::default();
        for s in [
            svc("bare", None),
            svc("done", Some("true")),
            svc("off", Some("false")),
            svc("unused", None),
        ] {
            state.apply(s);
        }
        let mut graph = AviGraph::default();
        for n in ["bare", "done", "off", "gone"] {
            graph
                .npl_services
                .insert(ObjectKey::new(Kind::Service, "default", n));
        }
        let names: Vec<&str> = missing(&state, &graph)
            .into_iter()
            .map(|(k, _)| k.name.as_str())
            .collect();
        assert_eq!(names, ["bare", "off"]);
    }
}
