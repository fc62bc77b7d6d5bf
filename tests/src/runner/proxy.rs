//! The runner's Avi proxy: the controller instances talk to Avi through it, so the
//! runner sees every call as (client, verb, type, object name, answer) in both modes,
//! and can inject the format's Avi faults (scoped by type, verb and object name) in
//! front of avi-sim or a real controller alike, and arm `crash_between_writes`.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, StatusCode};
use parking_lot::Mutex;
use serde_json::Value;
use tokio::sync::{Notify, watch};

use super::avi_faults::leader_changed;
pub use super::avi_faults::{Effect, ProxyFault};

/// One call that reached the proxy and was answered.
#[derive(Debug, Clone)]
pub struct Call {
    pub seq: u64,
    pub client: String,
    pub method: String,
    /// Collection (`pool`), or `login` / `logout` / the path's first segment.
    pub object_type: String,
    /// The object's name where the request names one (POST body, or a known uuid).
    pub name: Option<String>,
    pub status: u16,
}

impl Call {
    pub fn is_write(&self) -> bool {
        is_write(&self.method, &self.object_type)
    }
}

/// An object write (logins and logouts are not).
fn is_write(method: &str, object_type: &str) -> bool {
    matches!(method, "POST" | "PUT" | "PATCH" | "DELETE")
        && !matches!(object_type, "login" | "logout")
}

#[derive(Default)]
struct Inner {
    seq: u64,
    calls: Vec<Call>,
    faults: Vec<ProxyFault>,
    next_fault: u64,
    uuid_names: HashMap<String, String>,
    /// Session ids invalidated by `reset_sessions`.
    dead_sessions: HashSet<String>,
    seen_sessions: HashSet<String>,
    leader_epoch: u32,
    /// `crash_between_writes`: (client, writes left before the crash).
    crash: Option<(String, u32)>,
    /// Clients whose calls hang until their instance is killed.
    frozen: HashSet<String>,
    /// Calls being served now, and when the last one started or ended.
    in_flight: usize,
    last_activity: Option<Instant>,
}

/// Shared state of a running proxy.
pub struct Proxy {
    inner: Mutex<Inner>,
    upstream: String,
    http: reqwest::Client,
    /// Told when an armed crash fires (the client's name is in `crashed`).
    pub crash_fired: Notify,
    crashed: Mutex<Option<String>>,
    thaw: watch::Sender<u64>,
}

/// A running proxy; dropping it stops the server.
pub struct ProxyHandle {
    pub proxy: Arc<Proxy>,
    pub url: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for ProxyHandle {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts a proxy on an ephemeral local port in front of `upstream`.
pub async fn spawn(upstream: &str) -> std::io::Result<ProxyHandle> {
    let http = reqwest::Client::builder()
        .danger_accept_invalid_certs(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(120))
        .build()
        .map_err(std::io::Error::other)?;
    let proxy = Arc::new(Proxy {
        inner: Mutex::new(Inner::default()),
        upstream: upstream.trim_end_matches('/').to_owned(),
        http,
        crash_fired: Notify::new(),
        crashed: Mutex::new(None),
        thaw: watch::channel(0).0,
    });
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
    let url = format!("http://{}", listener.local_addr()?);
    let app = axum::Router::new()
        .fallback(handle)
        .with_state(proxy.clone());
    let task = tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, app).await {
            tracing::error!(%error, "avi proxy stopped");
        }
    });
    Ok(ProxyHandle { proxy, url, task })
}

impl Proxy {
    /// Every call so far.
    pub fn calls(&self) -> Vec<Call> {
        self.inner.lock().calls.clone()
    }

    /// True when no call is being served and none started or ended for `quiet`.
    pub fn idle_for(&self, quiet: Duration) -> bool {
        let g = self.inner.lock();
        g.in_flight == 0 && g.last_activity.is_none_or(|t| t.elapsed() >= quiet)
    }

    fn activity(&self, delta: isize) {
        let mut g = self.inner.lock();
        g.in_flight = g.in_flight.saturating_add_signed(delta);
        g.last_activity = Some(Instant::now());
    }

    /// The next call's sequence number (a point to count from).
    pub fn mark(&self) -> u64 {
        self.inner.lock().seq + 1
    }

    pub fn add_fault(&self, mut fault: ProxyFault) {
        let mut g = self.inner.lock();
        g.next_fault += 1;
        fault.id = g.next_fault;
        if fault.effect == Effect::ResetSessions {
            let seen: Vec<String> = g.seen_sessions.iter().cloned().collect();
            g.dead_sessions.extend(seen);
            return;
        }
        if fault.effect == Effect::LeaderChange {
            g.leader_epoch += 1;
            return;
        }
        g.faults.push(fault);
    }

    pub fn clear_faults(&self) {
        self.inner.lock().faults.clear();
    }

    /// Ends the faults whose `until` names `label`.
    pub fn end_faults_until(&self, label: &str) {
        self.inner
            .lock()
            .faults
            .retain(|f| f.until_label.as_deref() != Some(label));
    }

    /// Arms a crash of `client` right after its `n`-th write from now.
    pub fn arm_crash(&self, client: &str, n: u32) {
        self.inner.lock().crash = Some((client.to_owned(), n));
    }

    /// The client whose armed crash fired, once.
    pub fn take_crashed(&self) -> Option<String> {
        self.crashed.lock().take()
    }

    /// Releases the calls held for `client` (its instance was killed): they are
    /// answered 503 without reaching Avi.
    pub fn thaw(&self, client: &str) {
        self.inner.lock().frozen.remove(client);
        self.thaw.send_modify(|n| *n += 1);
    }

    fn learn(&self, body: &Value) {
        let mut g = self.inner.lock();
        let mut note = |o: &Value| {
            if let (Some(u), Some(n)) = (o["uuid"].as_str(), o["name"].as_str()) {
                g.uuid_names.insert(u.to_owned(), n.to_owned());
            }
        };
        note(body);
        if let Some(results) = body["results"].as_array() {
            results.iter().for_each(note);
        }
    }

    /// The fault that hits this request now (spending its count).
    fn hit(&self, method: &str, ty: &str, name: Option<&str>) -> (Option<Duration>, Effect) {
        let mut g = self.inner.lock();
        let now = Instant::now();
        g.faults
            .retain(|f| f.until.is_none_or(|u| u > now) && f.count.is_none_or(|c| c > 0));
        let mut latency = None;
        let mut effect = Effect::None;
        for f in g.faults.iter_mut() {
            if !f.matches(method, ty, name) {
                continue;
            }
            f.credit += f.rate;
            if f.credit < 1.0 {
                continue;
            }
            f.credit -= 1.0;
            if let Some(c) = f.count.as_mut() {
                *c -= 1;
            }
            latency = latency.or(f.latency);
            if effect == Effect::None {
                effect = f.effect.clone();
            }
        }
        (latency, effect)
    }
}

fn session_of(headers: &HeaderMap) -> Option<String> {
    let cookie = headers.get(http::header::COOKIE)?.to_str().ok()?;
    cookie
        .split(';')
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == "sessionid" || *k == "avi-sessionid")
        .map(|(_, v)| v.to_owned())
}

fn object_type(path: &str) -> String {
    let rest = path.trim_start_matches('/');
    let rest = rest.strip_prefix("api/").unwrap_or(rest);
    rest.split('/').next().unwrap_or_default().to_owned()
}

fn uuid_in_path(path: &str) -> Option<&str> {
    let rest = path.trim_start_matches('/').strip_prefix("api/")?;
    let mut parts = rest.split('/');
    parts.next()?;
    parts.next().filter(|s| !s.is_empty())
}

fn avi_error(status: u16, message: &str) -> Response {
    let body = serde_json::json!({ "error": message }).to_string();
    Response::builder()
        .status(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap_or_default()
}

async fn handle(State(proxy): State<Arc<Proxy>>, req: Request) -> Response {
    // A guard: the handler is dropped mid-call when a killed instance's connection closes.
    struct InFlight(Arc<Proxy>);
    impl Drop for InFlight {
        fn drop(&mut self) {
            self.0.activity(-1);
        }
    }
    proxy.activity(1);
    let _guard = InFlight(proxy.clone());
    serve(&proxy, req).await
}

async fn serve(proxy: &Arc<Proxy>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let method = parts.method.as_str().to_owned();
    let path = parts.uri.path().to_owned();
    let client = parts
        .headers
        .get("x-sim-client")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("unknown")
        .to_owned();
    let body = match axum::body::to_bytes(body, 256 << 20).await {
        Ok(b) => b,
        Err(e) => return avi_error(400, &format!("proxy: reading the body: {e}")),
    };
    let ty = object_type(&path);
    let name = match method.as_str() {
        "POST" => serde_json::from_slice::<Value>(&body)
            .ok()
            .and_then(|v| v["name"].as_str().map(str::to_owned)),
        _ => uuid_in_path(&path).and_then(|u| proxy.inner.lock().uuid_names.get(u).cloned()),
    };
    let frozen = proxy.inner.lock().frozen.contains(&client);
    if frozen {
        return held(proxy, &client).await;
    }
    let session = session_of(&parts.headers);
    if let Some(s) = &session {
        let mut g = proxy.inner.lock();
        if g.dead_sessions.contains(s) && ty != "login" {
            drop(g);
            return record(
                proxy,
                &client,
                &method,
                &ty,
                name,
                avi_error(401, "Authentication credentials were not provided."),
            );
        }
        g.seen_sessions.insert(s.clone());
    }
    let (latency, effect) = proxy.hit(&method, &ty, name.as_deref());
    if let Some(d) = latency {
        tokio::time::sleep(d).await;
    }
    let resp = match effect {
        Effect::Error { status, message } => avi_error(
            status,
            message
                .as_deref()
                .unwrap_or(&format!("Injected fault on {method} {ty}")),
        ),
        Effect::Outage => avi_error(503, "Avi controller unreachable (injected outage)"),
        Effect::DropResponse => {
            let _ = forward(proxy, &parts.method, &parts.uri, &parts.headers, body).await;
            avi_error(504, "Injected timeout after the request was applied")
        }
        _ => match forward(proxy, &parts.method, &parts.uri, &parts.headers, body).await {
            Ok(r) => r,
            Err(e) => avi_error(502, &format!("proxy: upstream: {e}")),
        },
    };
    let is_write = is_write(&method, &ty);
    let resp = record(proxy, &client, &method, &ty, name, resp);
    if is_write && crash_now(proxy, &client) {
        return held(proxy, &client).await;
    }
    resp
}

/// Counts down an armed crash; true when this write was the last one allowed.
fn crash_now(proxy: &Proxy, client: &str) -> bool {
    let mut g = proxy.inner.lock();
    let Some((c, left)) = g.crash.as_mut() else {
        return false;
    };
    if c != client {
        return false;
    }
    *left = left.saturating_sub(1);
    if *left > 0 {
        return false;
    }
    g.crash = None;
    g.frozen.insert(client.to_owned());
    drop(g);
    *proxy.crashed.lock() = Some(client.to_owned());
    proxy.crash_fired.notify_one();
    true
}

/// Holds a call of a frozen client until it is thawed, then refuses it.
async fn held(proxy: &Proxy, client: &str) -> Response {
    let mut rx = proxy.thaw.subscribe();
    while proxy.inner.lock().frozen.contains(client) {
        if rx.changed().await.is_err() {
            break;
        }
    }
    avi_error(503, "instance was killed")
}

fn record(
    proxy: &Proxy,
    client: &str,
    method: &str,
    ty: &str,
    name: Option<String>,
    resp: Response,
) -> Response {
    let mut g = proxy.inner.lock();
    g.seq += 1;
    let seq = g.seq;
    g.calls.push(Call {
        seq,
        client: client.to_owned(),
        method: method.to_owned(),
        object_type: ty.to_owned(),
        name,
        status: resp.status().as_u16(),
    });
    resp
}

async fn forward(
    proxy: &Proxy,
    method: &http::Method,
    uri: &http::Uri,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<Response, reqwest::Error> {
    let path_q = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let url = format!("{}{}", proxy.upstream, path_q);
    let mut out = HeaderMap::new();
    for (k, v) in headers {
        if k != http::header::HOST && k != http::header::CONTENT_LENGTH {
            out.append(k.clone(), v.clone());
        }
    }
    let up = proxy
        .http
        .request(method.clone(), &url)
        .headers(out)
        .body(body)
        .send()
        .await?;
    let status = up.status();
    let up_headers = up.headers().clone();
    let bytes = up.bytes().await?;
    let mut bytes = bytes.to_vec();
    if let Ok(v) = serde_json::from_slice::<Value>(&bytes) {
        proxy.learn(&v);
        let epoch = proxy.inner.lock().leader_epoch;
        if epoch > 0 && uri.path().ends_with("/cluster/runtime") {
            bytes = leader_changed(v, epoch).to_string().into_bytes();
        }
    }
    let mut resp = Response::builder().status(status.as_u16());
    for (k, v) in &up_headers {
        if k != http::header::CONTENT_LENGTH && k != http::header::TRANSFER_ENCODING {
            resp = resp.header(k, v);
        }
    }
    Ok(resp
        .header(
            http::header::CONTENT_LENGTH,
            HeaderValue::from(bytes.len() as u64),
        )
        .body(Body::from(bytes))
        .unwrap_or_default())
}
