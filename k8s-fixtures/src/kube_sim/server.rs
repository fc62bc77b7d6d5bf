//! HTTP front: one axum fallback handler that routes every path (discovery, OpenAPI,
//! resources, `/sim/*`), checks the bearer token, applies request faults, and maps verbs
//! to `Sim` operations with real API server status codes.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, Method, StatusCode, Uri};
use serde_json::{Value, json};

use super::error::ApiError;
use super::ops::{Sim, WriteOpts};
use super::patch::{PatchKind, PatchRequest};
use super::request::{self, Query, Route, Shape, Target};
use super::watch::{self, Start, WatchSpec};
use super::{control, discovery, list, meta, openapi, table};

/// What the router needs besides the simulation itself.
pub struct App {
    pub sim: Arc<Sim>,
    pub token: Option<String>,
    pub url: String,
    pub bookmark_interval: Duration,
}

/// Request bodies up to 3 MiB, kube-apiserver's limit (axum's default is 2 MiB).
const MAX_BODY: usize = 3 * 1024 * 1024;

pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .fallback(dispatch)
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        .with_state(app)
}

pub fn json_response(code: StatusCode, v: &Value) -> Response {
    (
        code,
        [(http::header::CONTENT_TYPE, "application/json")],
        v.to_string(),
    )
        .into_response()
}

fn client_id(headers: &HeaderMap) -> String {
    let h = |n: &str| {
        headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .map(String::from)
    };
    h(super::faults::CLIENT_HEADER)
        .or_else(|| h("user-agent"))
        .unwrap_or_default()
}

fn authorized(app: &App, headers: &HeaderMap) -> bool {
    let Some(token) = &app.token else { return true };
    headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|t| t == token)
}

async fn dispatch(
    State(app): State<Arc<App>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let route = request::route(uri.path());
    let query = Query::parse(uri.query());
    if !authorized(&app, &headers) {
        return ApiError::unauthorized().into_response();
    }
    if let Route::Sim(path) = &route {
        return control::handle(
            &app.sim,
            &method,
            &format!("{path}?{}", uri.query().unwrap_or("")),
            &body,
        );
    }
    if let Err(e) = app.sim.faults.before_request().await {
        return e.into_response();
    }
    tracing::debug!(%method, path = uri.path(), "kube-sim request");
    match serve(&app, route, &method, &query, &headers, &body) {
        Ok(r) => r,
        Err(e) => {
            tracing::debug!(%method, path = uri.path(), code = e.code, message = %e.message, "kube-sim error");
            e.into_response()
        }
    }
}

fn serve(
    app: &Arc<App>,
    route: Route,
    method: &Method,
    q: &Query,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response, ApiError> {
    let sim = &app.sim;
    let accept = headers
        .get(http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let aggregated = discovery::wants_aggregated(accept);
    let get_only = |v: Option<Value>| -> Result<Response, ApiError> {
        if method != Method::GET {
            return Err(ApiError::method_not_allowed(method.as_str()));
        }
        v.map(|v| json_response(StatusCode::OK, &v))
            .ok_or_else(ApiError::no_resource)
    };
    match route {
        Route::Version => get_only(Some(discovery::version())),
        Route::Healthz => Ok((StatusCode::OK, "ok").into_response()),
        Route::CoreVersions | Route::Groups if aggregated && method == Method::GET => {
            let doc = discovery::aggregated(&sim.registry.read(), route == Route::CoreVersions);
            Ok((
                StatusCode::OK,
                [(http::header::CONTENT_TYPE, discovery::AGGREGATED)],
                doc.to_string(),
            )
                .into_response())
        }
        Route::CoreVersions => get_only(Some(discovery::core_versions(&app.url))),
        Route::Groups => get_only(Some(discovery::groups(&sim.registry.read()))),
        Route::Group(g) => get_only(discovery::group(&sim.registry.read(), &g)),
        Route::GroupVersion(g, v) => {
            get_only(discovery::resource_list(&sim.registry.read(), &g, &v))
        }
        // Only JSON: a protobuf-only client (kubectl) gets a clean 406 and falls back.
        Route::OpenApiV2 => {
            request::check_accept(headers)?;
            get_only(Some(openapi::v2(&sim.registry.read())))
        }
        Route::OpenApiV3Root => get_only(Some(openapi::v3_root(&sim.registry.read()))),
        Route::OpenApiV3(path) => get_only(openapi::v3_group(&sim.registry.read(), &path)),
        Route::Resource(t) => resource(app, t, method, q, headers, body),
        Route::Sim(_) | Route::Unknown => Err(ApiError::no_resource()),
    }
}

fn write_opts(q: &Query) -> WriteOpts {
    WriteOpts {
        strict: q.get("fieldValidation") == Some("Strict"),
        dry_run: q.get("dryRun") == Some("All"),
    }
}

fn resource(
    app: &Arc<App>,
    t: Target,
    method: &Method,
    q: &Query,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response, ApiError> {
    let sim = &app.sim;
    let res = sim.resolve(&t.group, &t.version, &t.resource)?;
    let sub = t.subresource.as_deref();
    if sub.is_some_and(|s| s != "status" || !res.version_info().status_subresource) {
        return Err(ApiError::no_resource());
    }
    // A namespace in the URL of a cluster-scoped kind (or a named namespaced object without
    // one) is not a path the real server has.
    if (!res.info.namespaced && t.namespace.is_some())
        || (res.info.namespaced && t.namespace.is_none() && t.name.is_some())
    {
        return Err(ApiError::no_resource());
    }
    request::check_accept(headers)?;
    let ns = t.namespace.as_deref();
    let ok = |v: Value| Ok(json_response(StatusCode::OK, &v));
    match (method.clone(), t.name.as_deref()) {
        (Method::GET, None) if t.watch_prefix || q.flag("watch") => {
            Ok(watch_response(app, &res, ns, q, headers)?)
        }
        (Method::GET, None) => {
            let l = list::list(sim, &res, ns, q)?;
            match request::shape(headers) {
                Shape::Table => ok(table::from_list(&res, &l.parsed_items(), &l.meta)),
                Shape::Metadata => {
                    let items: Vec<Value> = l.parsed_items().iter().map(meta::partial).collect();
                    ok(
                        json!({"kind": "PartialObjectMetadataList", "apiVersion": "meta.k8s.io/v1", "metadata": l.meta, "items": items}),
                    )
                }
                Shape::Full => Ok((
                    StatusCode::OK,
                    [(http::header::CONTENT_TYPE, "application/json")],
                    l.body(),
                )
                    .into_response()),
            }
        }
        (Method::POST, None) => {
            let obj = request::decode_body(headers, body)?;
            Ok(json_response(
                StatusCode::CREATED,
                &sim.create(&res, ns, obj, write_opts(q))?,
            ))
        }
        (Method::DELETE, None) => {
            let mut q = q.clone();
            q.0.remove("limit");
            q.0.remove("continue");
            let l = list::list(sim, &res, ns, &q)?;
            let mut deleted = Vec::new();
            for item in &l.parsed_items() {
                let name = meta::name_of(item);
                let item_ns = item.pointer("/metadata/namespace").and_then(Value::as_str);
                match sim.delete(&res, item_ns, name, None, None) {
                    Ok(v) => deleted.push(v),
                    Err(e) if e.code == 404 => {}
                    Err(e) => return Err(e),
                }
            }
            ok(
                json!({"kind": res.info.list_kind, "apiVersion": res.api_version(), "metadata": {}, "items": deleted}),
            )
        }
        (Method::GET, Some(name)) => {
            let obj = sim.get(&res, ns, name)?;
            match request::shape(headers) {
                Shape::Table => ok(table::from_object(&res, &obj)),
                Shape::Metadata => ok(meta::partial(&obj)),
                Shape::Full => ok(obj),
            }
        }
        (Method::PUT, Some(name)) => {
            let obj = request::decode_body(headers, body)?;
            ok(sim.replace(&res, ns, name, obj, sub, write_opts(q))?)
        }
        (Method::PATCH, Some(name)) => {
            let kind = PatchKind::from_content_type(&request::content_type(headers))?;
            let req = PatchRequest {
                kind,
                body,
                field_manager: q.get("fieldManager").unwrap_or(""),
            };
            ok(sim.patch(&res, ns, name, req, sub, write_opts(q))?)
        }
        (Method::DELETE, Some(name)) => {
            let opts: Value = if body.is_empty() {
                json!({})
            } else {
                serde_json::from_slice(body).unwrap_or_else(|_| json!({}))
            };
            let rv = opts
                .pointer("/preconditions/resourceVersion")
                .and_then(Value::as_str);
            let uid = opts.pointer("/preconditions/uid").and_then(Value::as_str);
            ok(sim.delete(&res, ns, name, rv, uid)?)
        }
        (m, _) => Err(ApiError::method_not_allowed(m.as_str())),
    }
}

fn watch_response(
    app: &Arc<App>,
    res: &super::resources::Resolved,
    ns: Option<&str>,
    q: &Query,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let selector = list::selector(res, q)?;
    let start = match q.get("resourceVersion").unwrap_or("") {
        "" | "0" => Start::Snapshot {
            initial_events_end: q.flag("sendInitialEvents"),
        },
        rv => Start::After(
            rv.parse()
                .map_err(|_| ApiError::bad_request(format!("invalid resource version: {rv}")))?,
        ),
    };
    let spec = WatchSpec {
        res: res.clone(),
        namespace: if res.info.namespaced {
            ns.map(String::from)
        } else {
            None
        },
        selector,
        start,
        bookmarks: q.flag("allowWatchBookmarks"),
        bookmark_interval: app.bookmark_interval,
        timeout: q
            .get("timeoutSeconds")
            .and_then(|t| t.parse::<u64>().ok())
            .map(Duration::from_secs),
        client: client_id(headers),
        metadata_only: request::shape(headers) == Shape::Metadata,
    };
    Ok(watch::respond(app.sim.clone(), spec))
}
