//! Per-request context of an /api call: the authenticated caller (session or basic
//! auth, CSRF, API version, tenant) and the base URL refs are rendered with.

use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::Response;

use crate::error::Result;
use crate::session::{self, Caller, Version};
use crate::sim::Sim;

/// Authenticates and scopes a request.
pub fn caller(sim: &Sim, method: &Method, headers: &HeaderMap) -> Result<Caller> {
    let user = session::authenticate(&sim.sessions, &sim.auth_policy(), method, headers)?;
    let version = session::api_version(headers, &sim.min_version, &sim.version)?;
    let tenant = session::tenant(headers, &sim.store.read())?;
    Ok(Caller {
        user,
        tenant,
        version,
    })
}

/// `https://<Host header>` (or `http://` when serving plain HTTP).
pub fn base_url(sim: &Sim, headers: &HeaderMap) -> String {
    let scheme = if sim.tls() { "https" } else { "http" };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    format!("{scheme}://{host}")
}

/// Adds the `AVI_API_VERSION` header a controller answers with.
pub fn with_version(mut resp: Response, version: &Version) -> Response {
    if let Ok(v) = HeaderValue::from_str(&version.to_string()) {
        resp.headers_mut().insert("avi_api_version", v);
    }
    resp
}
