//! `/sim/*`: the test-control API of a standalone kube-sim (not part of Kubernetes).
//!
//! | request | effect |
//! |---|---|
//! | `GET /sim/faults` | current rate faults |
//! | `POST /sim/faults` `{"errorRate":0.1,"errorCode":429,"latencyMs":50}` | set rate faults |
//! | `DELETE /sim/faults` | clear every fault |
//! | `POST /sim/faults/drop-watches` | end every open watch |
//! | `POST /sim/faults/outage?ms=N` | refuse every request for N ms |
//! | `POST /sim/faults/lag?client=ID&ms=N` | hold watch events back N ms for client ID |
//! | `POST /sim/compact` | forget the event history (old resourceVersions get 410) |
//! | `GET /sim/stats` | object count, resourceVersion and open watches |

use std::time::Duration;

use axum::response::{IntoResponse, Response};
use http::{Method, StatusCode};
use serde_json::json;

use super::error::ApiError;
use super::faults::FaultSettings;
use super::ops::Sim;
use super::server::json_response;

fn param(path: &str, key: &str) -> Option<u64> {
    let (_, query) = path.split_once('?')?;
    query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == key)
        .and_then(|(_, v)| v.parse().ok())
}

fn text_param<'a>(path: &'a str, key: &str) -> Option<&'a str> {
    let (_, query) = path.split_once('?')?;
    query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v)
}

/// Serves one `/sim/<path>` request (`path` may carry the query string).
pub fn handle(sim: &Sim, method: &Method, path_and_query: &str, body: &[u8]) -> Response {
    let path = path_and_query.split('?').next().unwrap_or("");
    let ok = || json_response(StatusCode::OK, &json!({"ok": true}));
    match (method.as_str(), path) {
        ("GET", "faults") => json_response(StatusCode::OK, &json!(sim.faults.settings())),
        ("POST", "faults") => match serde_json::from_slice::<FaultSettings>(body) {
            Ok(s) => {
                sim.faults.set(s);
                ok()
            }
            Err(e) => ApiError::bad_request(format!("fault settings: {e}")).into_response(),
        },
        ("DELETE", "faults") => {
            sim.faults.clear();
            ok()
        }
        ("POST", "faults/drop-watches") => {
            sim.faults.drop_watches();
            ok()
        }
        ("POST", "faults/outage") => {
            sim.faults.outage(Duration::from_millis(
                param(path_and_query, "ms").unwrap_or(1000),
            ));
            ok()
        }
        ("POST", "faults/lag") => match text_param(path_and_query, "client") {
            Some(client) => {
                sim.faults.lag_client(
                    client,
                    Duration::from_millis(param(path_and_query, "ms").unwrap_or(1000)),
                );
                ok()
            }
            None => ApiError::bad_request("lag needs ?client=ID&ms=N").into_response(),
        },
        ("POST", "compact") => json_response(
            StatusCode::OK,
            &json!({"resourceVersion": sim.store.compact().to_string()}),
        ),
        ("GET", "stats") => json_response(
            StatusCode::OK,
            &json!({
                "objects": sim.store.object_count(),
                "resourceVersion": sim.store.current_rv().to_string(),
                "openWatches": sim.open_watches.load(std::sync::atomic::Ordering::SeqCst),
            }),
        ),
        _ => ApiError::no_resource().into_response(),
    }
}
