//! The controller's HTTP endpoints on `apiServerPort`: `/healthz` (the process
//! answers), `/readyz` (settings read, every Kubernetes kind listed and the Avi
//! inventory read; 503 with the reason otherwise) and Prometheus `/metrics`.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use tokio::task::JoinHandle;

use crate::metrics::Metrics;

/// Readiness as the controller loop last set it.
#[derive(Debug)]
pub struct Health {
    /// `None` = ready; `Some(why)` = not ready, and why.
    not_ready: Mutex<Option<String>>,
}

impl Default for Health {
    fn default() -> Self {
        Health {
            not_ready: Mutex::new(Some("starting".to_owned())),
        }
    }
}

impl Health {
    pub fn set_ready(&self) {
        *self
            .not_ready
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = None;
    }

    pub fn set_not_ready(&self, why: impl Into<String>) {
        *self
            .not_ready
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(why.into());
    }

    pub fn is_ready(&self) -> bool {
        self.reason().is_none()
    }

    /// Why the controller is not ready, if it is not.
    pub fn reason(&self) -> Option<String> {
        self.not_ready
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

#[derive(Clone)]
struct App {
    health: Arc<Health>,
    metrics: Arc<Metrics>,
}

/// The routes, for serving or for calling in-process.
pub fn router(health: Arc<Health>, metrics: Arc<Metrics>) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics_text))
        .with_state(App { health, metrics })
}

async fn readyz(State(app): State<App>) -> impl IntoResponse {
    match app.health.reason() {
        None => (StatusCode::OK, "ready".to_owned()),
        Some(why) => (StatusCode::SERVICE_UNAVAILABLE, format!("not ready: {why}")),
    }
}

async fn metrics_text(State(app): State<App>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        app.metrics.encode(),
    )
}

/// A running server; dropping it stops it.
pub struct Server {
    addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Server {
    /// Binds `addr` (port 0 picks a free one) and serves in the background.
    pub async fn start(
        addr: SocketAddr,
        health: Arc<Health>,
        metrics: Arc<Metrics>,
    ) -> std::io::Result<Server> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let app = router(health, metrics);
        let task = tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, app).await {
                tracing::error!(%error, "health/metrics server stopped");
            }
        });
        tracing::info!(%addr, "serving /healthz, /readyz, /metrics");
        Ok(Server { addr, task })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}
