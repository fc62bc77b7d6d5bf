//! WATCH streams: initial ADDED events for `resourceVersion` "" / "0" (with the
//! `k8s.io/initial-events-end` bookmark for `sendInitialEvents`), events from the history
//! after a given resourceVersion, selector transitions (MODIFIED into or out of a selector
//! becomes ADDED / DELETED), periodic bookmarks, `timeoutSeconds`, a `410 Gone` ERROR event
//! for a compacted resourceVersion, and the per-client lag fault.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::response::Response;
use bytes::Bytes;
use futures::StreamExt;
use serde_json::{Value, json};
use tokio::time::Instant;

use super::error::ApiError;
use super::ops::Sim;
use super::resources::Resolved;
use super::selectors::Selector;
use super::store::{EventType, StoredEvent, parse};

/// Where a watch starts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Start {
    /// Synthetic ADDED events for the current state, then changes.
    Snapshot { initial_events_end: bool },
    /// Changes after this resourceVersion.
    After(u64),
}

pub struct WatchSpec {
    pub res: Resolved,
    pub namespace: Option<String>,
    pub selector: Selector,
    pub start: Start,
    pub bookmarks: bool,
    pub bookmark_interval: Duration,
    pub timeout: Option<Duration>,
    pub client: String,
    /// Send `PartialObjectMetadata` instead of whole objects.
    pub metadata_only: bool,
}

const PAGE: usize = 1000;

fn line(kind: &str, obj: &Value) -> Bytes {
    let mut s = json!({"type": kind, "object": obj}).to_string();
    s.push('\n');
    Bytes::from(s)
}

fn bookmark(spec: &WatchSpec, rv: u64, initial_end: bool) -> Bytes {
    let mut meta = json!({"resourceVersion": rv.to_string()});
    if initial_end {
        meta["annotations"] = json!({"k8s.io/initial-events-end": "true"});
    }
    line(
        "BOOKMARK",
        &json!({"kind": spec.res.info.kind, "apiVersion": spec.res.api_version(), "metadata": meta}),
    )
}

/// The event type this watcher sees for a stored event, if any.
fn visible(spec: &WatchSpec, e: &StoredEvent) -> Option<&'static str> {
    if e.gr != spec.res.info.gr || spec.namespace.as_ref().is_some_and(|ns| *ns != e.namespace) {
        return None;
    }
    let now = spec.selector.matches_raw(&e.object);
    let before = e
        .previous
        .as_ref()
        .is_some_and(|p| spec.selector.matches_raw(p));
    match e.kind {
        EventType::Added => now.then_some("ADDED"),
        EventType::Deleted => now.then_some("DELETED"),
        EventType::Modified => match (before, now) {
            (true, true) => Some("MODIFIED"),
            (false, true) => Some("ADDED"),
            (true, false) => Some("DELETED"),
            (false, false) => None,
        },
    }
}

fn error_line(e: &ApiError) -> Bytes {
    line("ERROR", &e.status_body())
}

/// One event line for a stored object: built-ins go out as stored, custom resources are
/// converted to the watched version first.
fn object_line(sim: &Sim, spec: &WatchSpec, kind: &str, raw: &str) -> Bytes {
    if spec.metadata_only {
        return line(kind, &super::meta::partial(&parse(raw)));
    }
    if !spec.res.info.is_crd {
        return Bytes::from(format!("{{\"type\":\"{kind}\",\"object\":{raw}}}\n"));
    }
    match sim.at_version(&spec.res, &parse(raw)) {
        Ok(v) => line(kind, &v),
        Err(e) => error_line(&e),
    }
}

/// Counts a watch as open for as long as its stream lives.
struct OpenWatch(Arc<Sim>);

impl OpenWatch {
    fn new(sim: &Arc<Sim>) -> Self {
        sim.open_watches
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Self(sim.clone())
    }
}

impl Drop for OpenWatch {
    fn drop(&mut self) {
        self.0
            .open_watches
            .fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// The streaming response for one watch.
pub fn respond(sim: Arc<Sim>, spec: WatchSpec) -> Response {
    let stream = async_stream::stream! {
        let _open = OpenWatch::new(&sim);
        let mut notify = sim.store.subscribe();
        let mut epoch = sim.faults.watch_epoch();
        epoch.mark_unchanged();
        let deadline = spec.timeout.map(|t| Instant::now() + t);
        let mut cursor = match spec.start {
            Start::After(rv) => rv,
            Start::Snapshot { initial_events_end } => {
                let ns = spec.namespace.as_deref();
                let (items, _, _, rv) = sim.store.list(&spec.res.info.gr, ns, None, None, &|o| spec.selector.matches_raw(o));
                for o in items {
                    yield object_line(&sim, &spec, "ADDED", &o);
                }
                if initial_events_end {
                    yield bookmark(&spec, rv, true);
                }
                rv
            }
        };
        let mut next_bookmark = Instant::now() + spec.bookmark_interval;
        'outer: loop {
            let mut held_until = None;
            loop {
                let events = match sim.store.events_since(cursor, PAGE) {
                    Ok(ev) => ev,
                    Err(old) => {
                        yield error_line(&ApiError::gone(format!("too old resource version: {} ({})", old.requested, old.oldest)));
                        break 'outer;
                    }
                };
                let lag = sim.faults.lag_for(&spec.client);
                let full = events.len() == PAGE;
                for e in events {
                    if !lag.is_zero() {
                        let due = Instant::from_std(e.at) + lag;
                        if due > Instant::now() {
                            held_until = Some(due);
                            break;
                        }
                    }
                    cursor = e.rv;
                    if let Some(kind) = visible(&spec, &e) {
                        yield object_line(&sim, &spec, kind, &e.object);
                    }
                }
                if !full || held_until.is_some() {
                    break;
                }
            }
            if spec.bookmarks && Instant::now() >= next_bookmark {
                yield bookmark(&spec, cursor, false);
                next_bookmark = Instant::now() + spec.bookmark_interval;
            }
            let mut wake = next_bookmark;
            if let Some(h) = held_until {
                wake = wake.min(h);
            }
            if sim.faults.any_lag() {
                // Lag settings may change (or clear) at any time.
                wake = wake.min(Instant::now() + Duration::from_millis(100));
            }
            if let Some(d) = deadline {
                if Instant::now() >= d {
                    break;
                }
                wake = wake.min(d);
            }
            tokio::select! {
                changed = notify.changed() => if changed.is_err() { break },
                _ = epoch.changed() => break,
                _ = tokio::time::sleep_until(wake) => {}
            }
        }
    };
    let body = Body::from_stream(stream.map(Ok::<Bytes, Infallible>));
    Response::builder()
        .status(200)
        .header(http::header::CONTENT_TYPE, "application/json")
        .header(http::header::CACHE_CONTROL, "no-cache, private")
        .body(body)
        .unwrap_or_else(|_| Response::new(Body::empty()))
}
