//! Kubernetes objects as the scenario names them: `Kind/ns/name` resolved to an API
//! through discovery (the server's preferred version unless one is given), and the
//! `apply` (create or replace, like `kubectl apply`), `delete`, merge `patch` and read
//! the steps need — all on untyped JSON.

use kube::api::{Api, DeleteParams, DynamicObject, Patch, PatchParams, PostParams};
use kube::core::GroupVersionKind;
use kube::discovery::{self, ApiResource, Scope};
use serde_json::Value;

use crate::scenario::{KubeObject, ObjectRef};

#[derive(Debug, thiserror::Error)]
pub enum KubeOpError {
    #[error("{object}: {message}")]
    Resolve { object: String, message: String },
    #[error("{object}: {source}")]
    Api {
        object: String,
        source: Box<kube::Error>,
    },
    #[error("{object}: {message}")]
    Bad { object: String, message: String },
}

/// API group of the kinds scenarios name without an `apiVersion`.
fn group_of(kind: &str) -> &'static str {
    match kind {
        "Ingress" | "IngressClass" | "NetworkPolicy" => "networking.k8s.io",
        "StatefulSet" | "Deployment" | "DaemonSet" | "ReplicaSet" => "apps",
        "EndpointSlice" => "discovery.k8s.io",
        "Lease" => "coordination.k8s.io",
        "Route" => "route.openshift.io",
        "CustomResourceDefinition" => "apiextensions.k8s.io",
        "HostRule"
        | "HTTPRule"
        | "AviInfraSetting"
        | "L4Rule"
        | "L7Rule"
        | "SSORule"
        | "MultiClusterIngress"
        | "ServiceImport" => "ako.vmware.com",
        _ => "",
    }
}

/// The API resource and scope of `kind`, at `api_version` or the preferred version.
pub async fn resolve(
    client: &kube::Client,
    kind: &str,
    api_version: Option<&str>,
) -> Result<(ApiResource, bool), KubeOpError> {
    let err = |message: String| KubeOpError::Resolve {
        object: kind.to_owned(),
        message,
    };
    match api_version {
        Some(av) => {
            let (group, version) = av.rsplit_once('/').unwrap_or(("", av));
            let gvk = GroupVersionKind::gvk(group, version, kind);
            let (ar, caps) = discovery::pinned_kind(client, &gvk)
                .await
                .map_err(|e| err(format!("{av} is not served: {e}")))?;
            Ok((ar, caps.scope == Scope::Namespaced))
        }
        None => {
            let group = group_of(kind);
            let g = discovery::group(client, group)
                .await
                .map_err(|e| err(format!("API group {group:?} is not served: {e}")))?;
            let (ar, caps) = g
                .recommended_kind(kind)
                .ok_or_else(|| err(format!("kind {kind} is not served in {group:?}")))?;
            Ok((ar, caps.scope == Scope::Namespaced))
        }
    }
}

fn api(
    client: &kube::Client,
    ar: &ApiResource,
    namespaced: bool,
    ns: Option<&str>,
) -> Api<DynamicObject> {
    match (namespaced, ns) {
        (true, Some(ns)) => Api::namespaced_with(client.clone(), ns, ar),
        (true, None) => Api::default_namespaced_with(client.clone(), ar),
        (false, _) => Api::all_with(client.clone(), ar),
    }
}

async fn api_for(
    client: &kube::Client,
    r: &ObjectRef,
    api_version: Option<&str>,
) -> Result<Api<DynamicObject>, KubeOpError> {
    let (ar, namespaced) = resolve(client, &r.kind, api_version).await?;
    Ok(api(client, &ar, namespaced, r.namespace.as_deref()))
}

fn api_err(object: &str) -> impl Fn(kube::Error) -> KubeOpError + '_ {
    move |e| KubeOpError::Api {
        object: object.to_owned(),
        source: Box::new(e),
    }
}

/// Creates `obj`, or replaces the stored object, like `kubectl apply` (status is the
/// server's business: `patch` with `subresource: status` sets it).
pub async fn apply(client: &kube::Client, obj: &KubeObject) -> Result<(), KubeOpError> {
    let key = obj.to_string();
    let (ar, namespaced) = resolve(client, obj.kind(), Some(obj.api_version())).await?;
    let api = api(client, &ar, namespaced, obj.namespace());
    let mut dynamic: DynamicObject =
        serde_json::from_value(Value::Object(obj.0.clone())).map_err(|e| KubeOpError::Bad {
            object: key.clone(),
            message: e.to_string(),
        })?;
    match api.get_opt(obj.name()).await.map_err(api_err(&key))? {
        Some(existing) => {
            dynamic.metadata.resource_version = existing.metadata.resource_version.clone();
            api.replace(obj.name(), &PostParams::default(), &dynamic)
                .await
                .map_err(api_err(&key))?;
        }
        None => {
            api.create(&PostParams::default(), &dynamic)
                .await
                .map_err(api_err(&key))?;
        }
    }
    Ok(())
}

/// Deletes one object; an object already gone is not an error.
pub async fn delete(
    client: &kube::Client,
    r: &ObjectRef,
    api_version: Option<&str>,
) -> Result<(), KubeOpError> {
    let key = r.to_string();
    let api = api_for(client, r, api_version).await?;
    match api.delete(&r.name, &DeleteParams::default()).await {
        Ok(_) => Ok(()),
        Err(kube::Error::Api(e)) if e.code == 404 => Ok(()),
        Err(e) => Err(api_err(&key)(e)),
    }
}

/// JSON merge patch on the object or its status.
pub async fn patch(
    client: &kube::Client,
    r: &ObjectRef,
    api_version: Option<&str>,
    status: bool,
    patch: &Value,
) -> Result<(), KubeOpError> {
    let key = r.to_string();
    let api = api_for(client, r, api_version).await?;
    let pp = PatchParams::default();
    let res = if status {
        api.patch_status(&r.name, &pp, &Patch::Merge(patch)).await
    } else {
        api.patch(&r.name, &pp, &Patch::Merge(patch)).await
    };
    res.map(drop).map_err(api_err(&key))
}

/// The object as JSON, or `None` when it does not exist.
pub async fn get(
    client: &kube::Client,
    r: &ObjectRef,
    api_version: Option<&str>,
) -> Result<Option<Value>, KubeOpError> {
    let key = r.to_string();
    // Read at a version the server does not serve: the object is not there (404).
    let api = match api_for(client, r, api_version).await {
        Ok(api) => api,
        Err(KubeOpError::Resolve { .. }) if api_version.is_some() => return Ok(None),
        Err(e) => return Err(e),
    };
    let obj = api.get_opt(&r.name).await.map_err(api_err(&key))?;
    Ok(obj.and_then(|o| serde_json::to_value(o).ok()))
}

/// Every Event in the object's namespace (core/v1 and events.k8s.io/v1) about it.
pub async fn events_about(client: &kube::Client, r: &ObjectRef) -> Result<Vec<Value>, KubeOpError> {
    let key = r.to_string();
    let ns = r.namespace.clone().unwrap_or_else(|| "default".to_owned());
    let mut out = Vec::new();
    for (av, field) in [("v1", "involvedObject"), ("events.k8s.io/v1", "regarding")] {
        let Ok((ar, _)) = resolve(client, "Event", Some(av)).await else {
            continue;
        };
        let api: Api<DynamicObject> = Api::all_with(client.clone(), &ar);
        let list = api.list(&Default::default()).await.map_err(api_err(&key))?;
        for e in list.items {
            let Ok(v) = serde_json::to_value(&e) else {
                continue;
            };
            let about = &v[field];
            let ns_ok = r.namespace.is_none()
                || about["namespace"].as_str() == Some(ns.as_str())
                || about["namespace"].is_null();
            if about["kind"] == r.kind.as_str() && about["name"] == r.name.as_str() && ns_ok {
                out.push(normalise_event(v));
            }
        }
    }
    Ok(out)
}

/// events.k8s.io/v1 keeps the message in `note`; one shape for both versions.
fn normalise_event(mut v: Value) -> Value {
    if v["message"].is_null() && !v["note"].is_null() {
        v["message"] = v["note"].clone();
    }
    v
}
