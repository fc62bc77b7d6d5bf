//! The one error type of the simulator: every refusal renders as Avi's
//! `{"error": "..."}` body (plus `obj_name` where a real controller adds it) with the
//! status code a real controller uses for that case.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// A refused request. The message texts are the ones clients match on (spec §6).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{status}: {message}")]
pub struct AviError {
    pub status: StatusCode,
    pub message: String,
    pub obj_name: Option<String>,
}

pub type Result<T, E = AviError> = std::result::Result<T, E>;

impl AviError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            obj_name: None,
        }
    }
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, message)
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, message)
    }
    pub fn with_obj_name(mut self, name: impl Into<String>) -> Self {
        self.obj_name = Some(name.into());
        self
    }

    /// The real controller's CSRF refusal (observed as 401, not 403).
    pub fn csrf() -> Self {
        Self::unauthorized("CSRF token missing or incorrect.")
    }
    /// No or unknown session.
    pub fn no_session() -> Self {
        Self::unauthorized("Authentication credentials were not provided.")
    }
    /// `<Kind> object not found!` — the wording AKO matches for unresolvable refs.
    pub fn ref_not_found(kind: &str, reference: &str) -> Self {
        Self::bad_request(format!("{kind} object not found! ({reference})"))
    }
    pub fn upgrade_in_progress() -> Self {
        Self::forbidden("Configuration is disallowed during upgrade")
    }
    pub fn invalid_version(version: &str) -> Self {
        Self::bad_request(format!("Invalid version {version}"))
    }
    pub fn unknown_tenant(name: &str) -> Self {
        Self::forbidden(format!("Tenant '{name}' does not exist!"))
    }
    pub fn no_free_ip(network: &str) -> Self {
        Self::bad_request(format!("No available free IPs in network {network}"))
    }

    pub fn body(&self) -> serde_json::Value {
        match &self.obj_name {
            Some(n) => json!({"error": self.message, "obj_name": n}),
            None => json!({"error": self.message}),
        }
    }
}

impl IntoResponse for AviError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body())).into_response()
    }
}
