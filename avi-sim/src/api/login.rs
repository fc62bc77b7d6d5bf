//! `POST /login` (form-encoded or JSON; password or API token) and `POST /logout`.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::context::{base_url, with_version};
use super::singletons::version_json;
use crate::error::{AviError, Result};
use crate::session;
use crate::sim::Sim;

fn credentials(headers: &HeaderMap, body: &[u8]) -> Option<Map<String, Value>> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.contains("json"))
        || body.trim_ascii_start().starts_with(b"{");
    if is_json {
        return serde_json::from_slice(body).ok();
    }
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).ok()?;
    Some(
        pairs
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect(),
    )
}

pub async fn login(State(sim): State<Arc<Sim>>, headers: HeaderMap, body: Bytes) -> Response {
    match do_login(&sim, &headers, &body) {
        Ok(r) => with_version(r, &sim.version),
        Err(e) => e.into_response(),
    }
}

fn do_login(sim: &Sim, headers: &HeaderMap, body: &[u8]) -> Result<Response> {
    let invalid = || AviError::unauthorized("Invalid credentials");
    let creds = credentials(headers, body).ok_or_else(invalid)?;
    let field = |k: &str| creds.get(k).and_then(Value::as_str);
    let user = field("username").ok_or_else(invalid)?;
    let ok = match (field("password"), field("token")) {
        (Some(p), _) => user == sim.config.username && p == sim.config.password,
        (None, Some(t)) => sim.sessions.token_user(t).as_deref() == Some(user),
        _ => false,
    };
    if !ok {
        return Err(invalid());
    }
    let (sid, s) = sim.sessions.open(user);
    let base = base_url(sim, headers);
    let tenant_url = format!("{base}/api/tenant/admin");
    let body = json!({
        "version": version_json(sim),
        "user": {
            "username": user, "name": user, "full_name": user, "email": "",
            "is_superuser": true, "local": true, "uuid": "user-1",
            "default_tenant_ref": tenant_url, "ui_property": "{}",
        },
        "tenants": [{"url": tenant_url, "uuid": "admin", "name": "admin", "local": true}],
        "system_config": {"url": format!("{base}/api/systemconfiguration"), "uuid": "default"},
        "controller": {"api_idle_timeout": 15},
        "session_cookie_name": "avi-sessionid",
        "user_initialized": true,
    });
    let secure = if sim.tls() { "; Secure" } else { "" };
    let mut resp = Json(body).into_response();
    let cookies = [
        format!("csrftoken={}; Path=/; Max-Age=31449600{secure}", s.csrf),
        format!("sessionid={sid}; Path=/; HttpOnly; Max-Age=86400{secure}"),
        format!("avi-sessionid={sid}; Path=/; HttpOnly; Max-Age=86400{secure}"),
    ];
    for c in cookies {
        if let Ok(v) = HeaderValue::from_str(&c) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    Ok(resp)
}

pub async fn logout(State(sim): State<Arc<Sim>>, headers: HeaderMap) -> Response {
    let auth = session::authenticate(&sim.sessions, &sim.auth_policy(), &Method::POST, &headers);
    if let Err(e) = auth {
        return e.into_response();
    }
    if let Some((sid, _)) = sim.sessions.session_of(&headers) {
        sim.sessions.close(&sid);
    }
    Json(json!({})).into_response()
}
