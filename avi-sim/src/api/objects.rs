//! `/api/<type>[/<uuid>]` for every object type: list, GET, POST (201), PUT, PATCH,
//! DELETE (204), with the controller's status codes; other `/api/*` paths go to the
//! singletons. Paths work with and without a trailing slash.

use std::sync::Arc;

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use super::context::{base_url, caller, with_version};
use super::render::{View, render};
use super::{list, patch, singletons};
use crate::error::{AviError, Result};
use crate::reqlog::Touched;
use crate::schema::validate::check_since;
use crate::schema::{self, TypeSpec};
use crate::seed::new_uuid;
use crate::session::Caller;
use crate::sim::Sim;
use crate::store::{Draft, Obj, Store};
use crate::write;
use parking_lot::RwLockWriteGuard;

pub async fn api(
    State(sim): State<Arc<Sim>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let bytes = match axum::body::to_bytes(body, sim.config.body_limit).await {
        Ok(b) => b,
        Err(_) => {
            let msg = format!(
                "Request body exceeds the limit of {} bytes",
                sim.config.body_limit
            );
            return AviError::new(StatusCode::PAYLOAD_TOO_LARGE, msg).into_response();
        }
    };
    let caller = match caller(&sim, &method, &headers) {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    let req = Req {
        sim: &sim,
        caller: &caller,
        base: base_url(&sim, &headers),
        headers: &headers,
        uri: &uri,
    };
    let resp = dispatch(&req, &method, &bytes).unwrap_or_else(IntoResponse::into_response);
    with_version(resp, &caller.version)
}

pub struct Req<'a> {
    pub sim: &'a Sim,
    pub caller: &'a Caller,
    pub base: String,
    pub headers: &'a HeaderMap,
    pub uri: &'a Uri,
}

fn dispatch(req: &Req<'_>, method: &Method, bytes: &[u8]) -> Result<Response> {
    let path = req.uri.path().strip_prefix("/api/").unwrap_or_default();
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let Some(&first) = segs.first() else {
        return Err(AviError::not_found("Unknown API path"));
    };
    let Some(spec) = schema::by_path(first) else {
        return singletons::handle(req, method, &segs, bytes);
    };
    let is_write = *method != Method::GET && *method != Method::HEAD;
    if is_write && req.sim.upgrade_in_progress() {
        return Err(AviError::upgrade_in_progress());
    }
    match (method.clone(), &segs[1..]) {
        (Method::GET, []) => {
            let store = req.sim.store.read();
            Ok(Json(list::list(
                &store,
                spec,
                req.caller,
                &req.base,
                req.uri.query(),
            )?)
            .into_response())
        }
        (Method::GET, [uuid]) => get(req, spec, uuid),
        (Method::POST, []) => create(req, spec, client_body(req, spec, bytes, false)?),
        (Method::PUT, [uuid]) => update(
            req,
            spec,
            uuid,
            client_body(req, spec, bytes, false)?,
            false,
        ),
        (Method::PATCH, [uuid]) => {
            update(req, spec, uuid, client_body(req, spec, bytes, true)?, true)
        }
        (Method::DELETE, [uuid]) => delete(req, spec, uuid),
        (_, [] | [_]) => Err(AviError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            format!("Method \"{method}\" not allowed."),
        )),
        _ => Err(AviError::not_found(format!(
            "Unknown API path {}",
            req.uri.path()
        ))),
    }
}

/// A JSON object body, or the 400 a controller gives for anything else.
pub fn parse_body(bytes: &[u8]) -> Result<Map<String, Value>> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(AviError::bad_request("Request body must be a JSON object")),
        Err(e) => Err(AviError::bad_request(format!("JSON parse error - {e}"))),
    }
}

/// A write body, refusing fields newer than the caller's API version (for PATCH, in
/// each operation's payload).
fn client_body(
    req: &Req<'_>,
    spec: &TypeSpec,
    bytes: &[u8],
    is_patch: bool,
) -> Result<Map<String, Value>> {
    let body = parse_body(bytes)?;
    let defs = (spec.defs)();
    let v = &req.caller.version;
    if is_patch {
        for op in body.values().filter_map(Value::as_object) {
            check_since(defs, spec.kind, op, v, "")?;
        }
    } else {
        check_since(defs, spec.kind, &body, v, "")?;
    }
    Ok(body)
}

/// The visible object `uuid` of `spec`, or 404.
fn find<'s>(store: &'s Store, spec: &TypeSpec, caller: &Caller, uuid: &str) -> Result<&'s Obj> {
    store
        .get(uuid)
        .filter(|o| o.spec.path == spec.path && Store::visible(o, &caller.tenant))
        .ok_or_else(|| AviError::not_found(format!("{} object not found! ({uuid})", spec.kind)))
}

fn get(req: &Req<'_>, spec: &TypeSpec, uuid: &str) -> Result<Response> {
    let store = req.sim.store.read();
    let obj = find(&store, spec, req.caller, uuid)?;
    let p = list::params(req.uri.query());
    let fields = list::fields(&p);
    let view = View {
        base: &req.base,
        include_name: list::flag(&p, "include_name"),
        fields: fields.as_deref(),
        version: &req.caller.version,
        skip_default: list::flag(&p, "skip_default"),
    };
    Ok(Json(render(&store, obj, &view)).into_response())
}

/// A write answer: the stored object with `#name` refs.
fn written(req: &Req<'_>, store: &Store, obj: &Obj, status: StatusCode) -> Response {
    let view = View {
        base: &req.base,
        include_name: true,
        fields: None,
        version: &req.caller.version,
        skip_default: false,
    };
    let body = render(store, obj, &view);
    let location = body
        .get("url")
        .and_then(Value::as_str)
        .and_then(|u| HeaderValue::from_str(u).ok());
    let mut resp = (status, Json(body)).into_response();
    if let (StatusCode::CREATED, Some(l)) = (status, location) {
        resp.headers_mut().insert(header::LOCATION, l);
    }
    resp
}

fn create(req: &Req<'_>, spec: &'static TypeSpec, body: Map<String, Value>) -> Result<Response> {
    let slug = req
        .headers
        .get("slug")
        .and_then(|v| v.to_str().ok())
        .filter(|s| !s.is_empty());
    let uuid = slug
        .map(str::to_string)
        .unwrap_or_else(|| new_uuid(spec.path));
    let store = req.sim.store.write();
    if store.get(&uuid).is_some() {
        return Err(AviError::conflict(format!(
            "{} with this Uuid already exists.",
            spec.kind
        )));
    }
    let draft = write::build(
        &store,
        spec,
        &req.caller.tenant,
        body,
        None,
        uuid,
        req.sim.config.strict_fields,
    )?;
    commit_and_answer(req, store, draft, StatusCode::CREATED)
}

/// Stores a draft and answers with the stored object, rendering under a read lock.
fn commit_and_answer(
    req: &Req<'_>,
    mut store: RwLockWriteGuard<'_, Store>,
    draft: Draft,
    status: StatusCode,
) -> Result<Response> {
    let obj = store.commit(draft);
    tracing::debug!(kind = obj.spec.kind, name = %obj.name, uuid = %obj.uuid, %status, "stored");
    let uuid = obj.uuid.clone();
    let store = RwLockWriteGuard::downgrade(store);
    let obj = store
        .get(&uuid)
        .ok_or_else(|| AviError::not_found(uuid.to_string()))?;
    let mut resp = written(req, &store, obj, status);
    resp.extensions_mut().insert(Touched {
        name: obj.name.to_string(),
        uuid: uuid.to_string(),
    });
    Ok(resp)
}

fn update(
    req: &Req<'_>,
    spec: &'static TypeSpec,
    uuid: &str,
    body: Map<String, Value>,
    is_patch: bool,
) -> Result<Response> {
    let store = req.sim.store.write();
    let old = find(&store, spec, req.caller, uuid)?.clone();
    if spec.tenant_scoped && *old.tenant != *req.caller.tenant {
        let from = format!("{} {} of another tenant", spec.kind, old.name);
        return Err(match spec.foreign_write_error {
            Some(text) => AviError::bad_request(format!("{text}: {from}")),
            None => AviError::forbidden(format!("{from} cannot be modified from this tenant")),
        });
    }
    let body = if is_patch {
        let mut merged = old.body();
        patch::apply(spec, &mut merged, body)?;
        merged
    } else {
        if let Some(given) = body.get("_last_modified").and_then(Value::as_str)
            && given.parse::<u64>().ok() != Some(old.last_modified())
        {
            return Err(AviError::new(
                StatusCode::PRECONDITION_FAILED,
                format!("Need to reload object data {}", spec.kind),
            )
            .with_obj_name(&*old.name));
        }
        body
    };
    let uuid = old.uuid.to_string();
    let draft = write::build(
        &store,
        spec,
        &req.caller.tenant,
        body,
        Some(&old),
        uuid,
        req.sim.config.strict_fields,
    )?;
    commit_and_answer(req, store, draft, StatusCode::OK)
}

fn delete(req: &Req<'_>, spec: &'static TypeSpec, uuid: &str) -> Result<Response> {
    let mut store = req.sim.store.write();
    let obj = find(&store, spec, req.caller, uuid)?;
    if spec.tenant_scoped && *obj.tenant != *req.caller.tenant {
        return Err(AviError::forbidden(format!(
            "{} {} belongs to another tenant",
            spec.kind, obj.name
        )));
    }
    write::check_delete(&store, obj)?;
    let touched = Touched {
        name: obj.name.to_string(),
        uuid: obj.uuid.to_string(),
    };
    store.remove(uuid);
    let mut resp = StatusCode::NO_CONTENT.into_response();
    resp.extensions_mut().insert(touched);
    Ok(resp)
}
