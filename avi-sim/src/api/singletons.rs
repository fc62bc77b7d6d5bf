//! The non-collection endpoints clients call: `/api/initial-data`, `/api/cluster`
//! (+ `/runtime`, `/status`, `/version`), `/api/systemconfiguration`,
//! `/api/user-token`, `/api/ipamdnsproviderprofiledomainlist`, and the empty runtime
//! lists `/api/nsxtsegmentruntime`, `/api/vcenterserver`, `/api/serviceengine`.

use axum::Json;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::objects::{Req, parse_body};
use crate::error::{AviError, Result};
use crate::sim::Sim;

/// The `version` object of /login and /api/initial-data.
pub fn version_json(sim: &Sim) -> Value {
    let v = sim.version.to_string();
    let min: Vec<String> = sim
        .min_version
        .0
        .iter()
        .take(2)
        .map(u32::to_string)
        .collect();
    json!({
        "Version": v,
        "build": 9046,
        "Tag": format!("{v}-9046-20250101.000000"),
        "ProductName": "Avi Cloud Controller",
        "Product": "controller",
        "min_version": min.join(".").parse::<f64>().unwrap_or(18.2),
        "Date": "2025-01-01T00:00:00+00:00",
    })
}

pub fn handle(req: &Req<'_>, method: &Method, segs: &[&str], bytes: &[u8]) -> Result<Response> {
    let sim = req.sim;
    let base = &req.base;
    let body = match (method, segs) {
        (&Method::GET, ["initial-data"]) => {
            json!({"version": version_json(sim), "user_initialized": true, "setup_failed": false})
        }
        (&Method::GET, ["cluster"]) => json!({
            "url": format!("{base}/api/cluster"),
            "uuid": "cluster-avi-sim",
            "name": "cluster-0-1",
            "tenant_ref": format!("{base}/api/tenant/admin"),
            "nodes": [{"name": "127.0.0.1", "ip": {"addr": "127.0.0.1", "type": "V4"}}],
        }),
        (&Method::GET, ["cluster", "runtime"]) => json!({
            "node_states": [{"name": "127.0.0.1", "role": "CLUSTER_LEADER", "state": "CLUSTER_ACTIVE"}],
            "cluster_state": {"state": "CLUSTER_UP_NO_HA", "progress": 100},
        }),
        (&Method::GET, ["cluster", "status"]) => {
            json!({"cluster_state": {"state": "CLUSTER_UP_NO_HA", "progress": 100}})
        }
        (&Method::GET, ["cluster", "version"]) => version_json(sim),
        (&Method::GET, ["systemconfiguration"]) => json!({
            "url": format!("{base}/api/systemconfiguration"),
            "uuid": "default",
            "default_license_tier": "ENTERPRISE",
            "portal_configuration": {"allow_basic_authentication": sim.config.basic_auth},
        }),
        (_, ["user-token", ..]) => return user_token(req, method, segs, bytes),
        (&Method::GET, ["ipamdnsproviderprofiledomainlist"]) => domain_list(req),
        // Runtime collections of clouds the simulator does not model: always empty.
        (&Method::GET, ["nsxtsegmentruntime" | "vcenterserver" | "serviceengine"]) => {
            json!({"count": 0, "results": []})
        }
        _ => {
            return Err(AviError::not_found(format!(
                "Unknown API path {}",
                req.uri.path()
            )));
        }
    };
    Ok(Json(body).into_response())
}

fn user_token(req: &Req<'_>, method: &Method, segs: &[&str], bytes: &[u8]) -> Result<Response> {
    match (method, segs) {
        (&Method::GET, [_]) => {
            let results = req.sim.sessions.tokens_of(&req.caller.user);
            Ok(Json(json!({"count": results.len(), "results": results})).into_response())
        }
        (&Method::POST, [_]) => {
            let body = parse_body(bytes)?;
            let hours = body.get("hours").and_then(Value::as_u64).unwrap_or(24);
            Ok((
                StatusCode::CREATED,
                Json(req.sim.sessions.new_token(&req.caller.user, hours)),
            )
                .into_response())
        }
        (&Method::DELETE, [_, uuid]) => match req.sim.sessions.remove_token(uuid) {
            true => Ok(StatusCode::NO_CONTENT.into_response()),
            false => Err(AviError::not_found(format!(
                "UserToken object not found! ({uuid})"
            ))),
        },
        _ => Err(AviError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            format!("Method \"{method}\" not allowed."),
        )),
    }
}

/// DNS domains of the cloud's DNS profile (`?cloud_uuid=`).
fn domain_list(req: &Req<'_>) -> Value {
    let store = req.sim.store.read();
    let p = super::list::params(req.uri.query());
    let cloud = super::list::param(&p, "cloud_uuid").and_then(|u| store.get(u));
    let profile = cloud
        .and_then(|c| c.field("dns_provider_ref"))
        .and_then(|r| {
            r.as_str()
                .and_then(|r| store.get(r.rsplit('/').next().unwrap_or_default()))
                .map(|p| p.body())
        });
    let domains: Vec<Value> = profile
        .as_ref()
        .and_then(|p| p.get("internal_profile"))
        .and_then(|i| i.get("dns_service_domain"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|d| d.get("domain_name").cloned())
        .collect();
    json!({"domains": domains})
}
