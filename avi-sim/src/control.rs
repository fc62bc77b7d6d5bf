//! `/sim/*`: the test-control API (not part of a real controller, no auth): reset,
//! dump, request log, faults, upgrade mode, rate limit, and the read-only UI.
//! The same controls exist on the in-process `Handle`.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::config::RateLimit;
use crate::error::AviError;
use crate::faults::Fault;
use crate::sim::Sim;

pub fn router() -> Router<Arc<Sim>> {
    Router::new()
        .route("/reset", post(reset))
        .route("/dump", get(dump))
        .route("/log", get(log).delete(clear_log))
        .route("/log/clear", post(clear_log))
        .route("/faults", get(faults).post(add_fault).delete(clear_faults))
        .route("/faults/{id}", delete(remove_fault))
        .route("/upgrade", get(upgrade).put(set_upgrade))
        .route("/sessions/expire", post(expire_sessions))
        .route("/rate-limit", get(rate_limit).put(set_rate_limit))
        .route("/ui", get(crate::ui::index))
        .route("/ui/{type}", get(crate::ui::of_type))
}

async fn reset(State(sim): State<Arc<Sim>>) -> Response {
    match sim.reset() {
        Ok(()) => Json(json!({"reset": true})).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn dump(State(sim): State<Arc<Sim>>) -> Json<Value> {
    Json(json!({"objects": sim.snapshot()}))
}

#[derive(Deserialize)]
struct LogQuery {
    client: Option<String>,
    #[serde(default)]
    entries: Option<bool>,
}

/// Counts for everyone (or one `client`), with the entries unless `entries=false`.
async fn log(State(sim): State<Arc<Sim>>, Query(q): Query<LogQuery>) -> Json<Value> {
    let summary = sim.log.summary();
    let mut entries = if q.entries == Some(false) {
        Vec::new()
    } else {
        sim.log.entries()
    };
    let body = match &q.client {
        Some(c) => {
            entries.retain(|e| &e.client == c);
            json!({"client": c, "counts": sim.log.client_counts(c), "writes": sim.log.writes(Some(c)), "entries": entries})
        }
        None => {
            json!({"total": summary.total, "writes": sim.log.writes(None), "counts": summary.counts, "clients": summary.clients, "entries": entries})
        }
    };
    Json(body)
}

async fn clear_log(State(sim): State<Arc<Sim>>) -> StatusCode {
    sim.log.clear();
    StatusCode::NO_CONTENT
}

async fn faults(State(sim): State<Arc<Sim>>) -> Json<Vec<Fault>> {
    Json(sim.faults.list())
}

async fn add_fault(State(sim): State<Arc<Sim>>, body: axum::body::Bytes) -> Response {
    match serde_json::from_slice::<Fault>(&body) {
        Ok(f) => (StatusCode::CREATED, Json(json!({"id": sim.faults.add(f)}))).into_response(),
        Err(e) => AviError::bad_request(format!("invalid fault: {e}")).into_response(),
    }
}

async fn clear_faults(State(sim): State<Arc<Sim>>) -> StatusCode {
    sim.faults.clear();
    StatusCode::NO_CONTENT
}

async fn remove_fault(State(sim): State<Arc<Sim>>, Path(id): Path<u64>) -> Response {
    if sim.faults.remove(id) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        AviError::not_found(format!("no fault {id}")).into_response()
    }
}

async fn expire_sessions(State(sim): State<Arc<Sim>>) -> StatusCode {
    sim.sessions.clear();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct Upgrade {
    in_progress: bool,
}

async fn upgrade(State(sim): State<Arc<Sim>>) -> Json<Value> {
    Json(json!({"in_progress": sim.upgrade_in_progress()}))
}

async fn set_upgrade(State(sim): State<Arc<Sim>>, body: axum::body::Bytes) -> Response {
    match serde_json::from_slice::<Upgrade>(&body) {
        Ok(u) => {
            sim.set_upgrade_in_progress(u.in_progress);
            Json(json!({"in_progress": u.in_progress})).into_response()
        }
        Err(e) => AviError::bad_request(format!("expected {{\"in_progress\": bool}}: {e}"))
            .into_response(),
    }
}

async fn rate_limit(State(sim): State<Arc<Sim>>) -> Json<Option<RateLimit>> {
    Json(sim.limiter.get())
}

/// Body: `{"per_second": 32, "burst": 32}`, or `null` to switch the limit off.
async fn set_rate_limit(State(sim): State<Arc<Sim>>, body: axum::body::Bytes) -> Response {
    match serde_json::from_slice::<Option<RateLimit>>(&body) {
        Ok(l) => {
            sim.limiter.set(l);
            Json(l).into_response()
        }
        Err(e) => AviError::bad_request(format!(
            "expected {{\"per_second\", \"burst\"}} or null: {e}"
        ))
        .into_response(),
    }
}
