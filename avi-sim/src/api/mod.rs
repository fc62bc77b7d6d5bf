//! The HTTP surface: `/login`, `/logout` and `/api/*` behind one gate (rate limit,
//! injected faults, request log), plus the `/sim/*` control API outside it.

mod context;
mod list;
mod login;
mod objects;
mod patch;
pub mod render;
mod singletons;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, post};

use crate::error::AviError;
use crate::faults::FaultKind;
use crate::reqlog::{Seen, Touched};
use crate::sim::Sim;

pub fn router(sim: Arc<Sim>) -> Router {
    let gated = Router::new()
        .route("/login", post(login::login))
        .route("/logout", post(login::logout))
        .route("/api/{*rest}", any(objects::api))
        .layer(middleware::from_fn_with_state(sim.clone(), gate));
    Router::new()
        .merge(gated)
        .nest("/sim", crate::control::router())
        .fallback(|| async { AviError::not_found("Not found") })
        .with_state(sim)
}

/// Who sent a request: the `X-Sim-Client` header, else the remote IP address.
fn client_of(req: &Request, addr: Option<SocketAddr>) -> String {
    match req
        .headers()
        .get("x-sim-client")
        .and_then(|v| v.to_str().ok())
    {
        Some(c) => c.to_string(),
        None => addr
            .map(|a| a.ip().to_string())
            .unwrap_or_else(|| "unknown".into()),
    }
}

/// `/api/pool/x` → `pool`, `/login` → `login`.
fn object_type_of(path: &str) -> String {
    let rest = path
        .strip_prefix("/api/")
        .unwrap_or(path.trim_start_matches('/'));
    rest.split('/').next().unwrap_or_default().to_string()
}

async fn gate(State(sim): State<Arc<Sim>>, req: Request, next: Next) -> Response {
    let addr = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    let client = client_of(&req, addr);
    let method = req.method().as_str().to_string();
    let path = req.uri().path().to_string();
    let object_type = object_type_of(&path);
    let resp = if sim.limiter.admit(&client) {
        let hit = sim.faults.hit(&method, &object_type, &client);
        if let Some(d) = hit.latency {
            tokio::time::sleep(d).await;
        }
        match hit.action {
            None => next.run(req).await,
            Some(FaultKind::Latency { .. }) => next.run(req).await,
            Some(FaultKind::Error { status, message }) => {
                let msg =
                    message.unwrap_or_else(|| format!("Injected fault on {method} {object_type}"));
                AviError::new(status_code(status), msg).into_response()
            }
            Some(FaultKind::ApplyThenError { status }) => {
                let done = next.run(req).await;
                tracing::info!(%method, %object_type, applied = %done.status(), "dropping the response");
                let err = AviError::new(
                    status_code(status),
                    "Injected fault after the request was applied",
                );
                keep_touched(&done, err.into_response())
            }
            Some(FaultKind::ApplyThenHang { ms }) => {
                let done = next.run(req).await;
                tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
                let err = AviError::new(
                    StatusCode::GATEWAY_TIMEOUT,
                    "Injected timeout after the request was applied",
                );
                keep_touched(&done, err.into_response())
            }
        }
    } else {
        AviError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "Request was throttled: too many requests from this client",
        )
        .into_response()
    };
    sim.log.record(Seen {
        client: &client,
        method: &method,
        path: &path,
        object_type: &object_type,
        status: resp.status().as_u16(),
        touched: resp.extensions().get::<Touched>(),
    });
    resp
}

/// The log still learns which object a dropped answer's write touched.
fn keep_touched(done: &Response, mut replacement: Response) -> Response {
    if let Some(t) = done.extensions().get::<Touched>() {
        replacement.extensions_mut().insert(t.clone());
    }
    replacement
}

fn status_code(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}
