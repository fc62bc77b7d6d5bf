//! Wire parsing: request paths to routes, query parameters, body decoding (JSON or YAML) and
//! the bits of content negotiation kube-sim honours.

use std::collections::HashMap;

use http::HeaderMap;
use serde_json::Value;

use super::error::ApiError;

/// A resource request: `/api/v1/...` or `/apis/<group>/<version>/...`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Target {
    pub group: String,
    pub version: String,
    pub resource: String,
    pub namespace: Option<String>,
    pub name: Option<String>,
    pub subresource: Option<String>,
    /// Legacy `/watch/` path prefix.
    pub watch_prefix: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Route {
    Version,
    Healthz,
    CoreVersions,
    Groups,
    Group(String),
    GroupVersion(String, String),
    Resource(Target),
    OpenApiV2,
    OpenApiV3Root,
    OpenApiV3(String),
    Sim(String),
    Unknown,
}

fn resource_target(group: &str, version: &str, rest: &[&str]) -> Route {
    let mut t = Target {
        group: group.into(),
        version: version.into(),
        ..Default::default()
    };
    let mut rest = rest;
    if rest.first() == Some(&"watch") {
        t.watch_prefix = true;
        rest = &rest[1..];
    }
    let namespaced =
        rest.len() >= 3 && rest[0] == "namespaces" && !matches!(rest[2], "status" | "finalize");
    if namespaced {
        t.namespace = Some(rest[1].to_string());
        rest = &rest[2..];
    }
    match rest {
        [] => return Route::GroupVersion(group.into(), version.into()),
        [r] => t.resource = (*r).into(),
        [r, n] => {
            t.resource = (*r).into();
            t.name = Some((*n).into());
        }
        [r, n, s] => {
            t.resource = (*r).into();
            t.name = Some((*n).into());
            t.subresource = Some((*s).into());
        }
        _ => return Route::Unknown,
    }
    Route::Resource(t)
}

/// Maps a request path to what serves it.
pub fn route(path: &str) -> Route {
    let segs: Vec<&str> = path
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    match segs.as_slice() {
        ["version"] => Route::Version,
        ["healthz"] | ["livez"] | ["readyz"] => Route::Healthz,
        ["api"] => Route::CoreVersions,
        ["api", "v1", rest @ ..] => resource_target("", "v1", rest),
        ["apis"] => Route::Groups,
        ["apis", g] => Route::Group((*g).into()),
        ["apis", g, v, rest @ ..] => resource_target(g, v, rest),
        ["openapi", "v2"] => Route::OpenApiV2,
        ["openapi", "v3"] => Route::OpenApiV3Root,
        ["openapi", "v3", rest @ ..] => Route::OpenApiV3(rest.join("/")),
        ["sim", rest @ ..] => Route::Sim(rest.join("/")),
        _ => Route::Unknown,
    }
}

/// Query parameters (last value wins).
#[derive(Debug, Clone, Default)]
pub struct Query(pub HashMap<String, String>);

impl Query {
    pub fn parse(q: Option<&str>) -> Self {
        Query(
            q.map(|q| {
                serde_urlencoded::from_str::<Vec<(String, String)>>(q)
                    .unwrap_or_default()
                    .into_iter()
                    .collect()
            })
            .unwrap_or_default(),
        )
    }
    pub fn get(&self, k: &str) -> Option<&str> {
        self.0.get(k).map(String::as_str)
    }
    pub fn flag(&self, k: &str) -> bool {
        matches!(self.get(k), Some("true" | "1"))
    }
}

pub fn content_type(headers: &HeaderMap) -> String {
    headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json")
        .to_ascii_lowercase()
}

/// Decodes a request body as JSON or (by content type) YAML, with kube-apiserver's 400 texts.
pub fn decode_body(headers: &HeaderMap, body: &[u8]) -> Result<Value, ApiError> {
    let ct = content_type(headers);
    if ct.contains("yaml") {
        serde_yaml::from_slice::<Value>(body)
            .map_err(|e| ApiError::bad_request(format!("error converting YAML to JSON: {e}")))
    } else if ct.contains("protobuf") {
        super::protobuf::decode(body)
    } else {
        serde_json::from_slice::<Value>(body).map_err(|e| {
            ApiError::bad_request(format!("couldn't get version/kind; json parse error: {e}"))
        })
    }
}

/// The representation a client asked for in `Accept` (`as=Table` is kubectl get's human
/// output, `as=PartialObjectMetadata` what metadata-only watchers use).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Full,
    Table,
    Metadata,
}

pub fn shape(headers: &HeaderMap) -> Shape {
    let accept = headers
        .get(http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    // The first listed representation wins (clients list their preference first).
    let first = accept.split(',').next().unwrap_or("");
    if first.contains("as=Table") {
        Shape::Table
    } else if first.contains("as=PartialObjectMetadata") {
        Shape::Metadata
    } else {
        Shape::Full
    }
}

/// Rejects Accept headers that allow neither JSON nor anything.
pub fn check_accept(headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(accept) = headers
        .get(http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
    else {
        return Ok(());
    };
    let ok = accept.is_empty()
        || accept.split(',').any(|a| {
            let a = a.trim();
            a.starts_with("application/json")
                || a.starts_with("*/*")
                || a.starts_with("application/*")
                || a.starts_with("application/yaml")
        });
    if ok {
        Ok(())
    } else {
        Err(ApiError::not_acceptable(accept))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        let t = |p| match route(p) {
            Route::Resource(t) => t,
            other => panic!("{p}: {other:?}"),
        };
        let a = t("/api/v1/namespaces/default/services/web/status");
        assert_eq!(
            (
                a.namespace.as_deref(),
                a.resource.as_str(),
                a.name.as_deref(),
                a.subresource.as_deref()
            ),
            (Some("default"), "services", Some("web"), Some("status"))
        );
        let ns = t("/api/v1/namespaces/default");
        assert_eq!(
            (ns.namespace, ns.resource.as_str(), ns.name.as_deref()),
            (None, "namespaces", Some("default"))
        );
        let nss = t("/api/v1/namespaces/x/status");
        assert_eq!(nss.subresource.as_deref(), Some("status"));
        let crd = t("/apis/ako.vmware.com/v1beta1/hostrules");
        assert_eq!(
            (crd.group.as_str(), crd.version.as_str(), crd.namespace),
            ("ako.vmware.com", "v1beta1", None)
        );
        assert_eq!(
            route("/apis/apps/v1"),
            Route::GroupVersion("apps".into(), "v1".into())
        );
        assert_eq!(route("/nope"), Route::Unknown);
    }
}
