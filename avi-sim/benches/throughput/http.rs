//! The HTTP side of the throughput bench: servers alone on one core (a current_thread
//! runtime on their own thread), the bare axum baseline router and server, a logged-in
//! reqwest client sending what the SDKs send, and the load driver.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use serde_json::{Value, json};

use crate::procfs::{current_tid, thread_cpu};
use crate::{Op, SDK_VERSION};

pub struct Server {
    pub url: String,
    pub tid: u32,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Runs the server `start` makes on a current_thread runtime of its own thread.
pub fn one_core_server<F, Fut, G>(start: F) -> (Server, G)
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = (String, G)>,
    G: Clone + Send + 'static,
{
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let (url, guard) = start().await;
            let _ = ready_tx.send((url, current_tid(), guard.clone()));
            let _ = stop_rx.await;
            drop(guard);
        });
    });
    let (url, tid, guard) = ready_rx.recv().expect("server thread started");
    let server = Server {
        url,
        tid,
        stop: Some(stop_tx),
        thread: Some(thread),
    };
    (server, guard)
}

/// What the bare axum server answers: a pool as avi-sim renders it and a page of them.
pub struct Bare {
    pub one: Value,
    pub page: Value,
}

async fn bare_get(State(b): State<Arc<Bare>>, RawQuery(q): RawQuery) -> impl IntoResponse {
    let v = if q.unwrap_or_default().contains("name=") {
        &b.one
    } else {
        &b.page
    };
    let body = serde_json::to_vec(v).unwrap_or_default();
    ([(header::CONTENT_TYPE, "application/json")], body)
}

async fn bare_post(body: axum::body::Bytes) -> impl IntoResponse {
    let mut v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    v["uuid"] = json!(format!("pool-{}", uuid::Uuid::new_v4()));
    let out = serde_json::to_vec(&v).unwrap_or_default();
    (
        StatusCode::CREATED,
        [(header::CONTENT_TYPE, "application/json")],
        out,
    )
}

/// The baseline: one axum route answering a stored JSON value, or echoing a POST.
pub fn bare_router(bare: Arc<Bare>) -> Router {
    Router::new()
        .route("/api/pool", get(bare_get).post(bare_post))
        .with_state(bare)
}

pub async fn bare_server(bare: Arc<Bare>) -> (String, ()) {
    let app = bare_router(bare);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, ())
}

// ---- client ----------------------------------------------------------------------

/// A logged-in reqwest client sending what the SDKs send.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    cookie: String,
    csrf: String,
}

impl Client {
    /// A client without a session (for the bare server, which ignores sessions).
    pub fn anonymous(base: &str) -> Client {
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(1024)
            .build()
            .expect("client");
        Client {
            http,
            base: base.to_string(),
            cookie: String::new(),
            csrf: String::new(),
        }
    }

    pub async fn login(base: &str, user: &str, password: &str) -> Client {
        let Client { http, .. } = Client::anonymous(base);
        let resp = http
            .post(format!("{base}/login"))
            .form(&[("username", user), ("password", password)])
            .send()
            .await
            .expect("login");
        let mut jar = HashMap::new();
        for c in resp.cookies() {
            jar.insert(c.name().to_string(), c.value().to_string());
        }
        let csrf = jar.get("csrftoken").cloned().unwrap_or_default();
        let sid = jar.get("sessionid").cloned().unwrap_or_default();
        Client {
            http,
            base: base.to_string(),
            cookie: format!("csrftoken={csrf}; sessionid={sid}; avi-sessionid={sid}"),
            csrf,
        }
    }

    pub fn req(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .header("Cookie", &self.cookie)
            .header("X-CSRFToken", &self.csrf)
            .header("Referer", &self.base)
            .header("X-Avi-Version", SDK_VERSION)
            .header("X-Avi-Tenant", "admin")
            .header("Content-Type", "application/json")
    }
}

pub fn pool_body(name: &str) -> Value {
    json!({"name": name, "created_by": "bench",
        "health_monitor_refs": ["/api/healthmonitor?name=System-HTTP"],
        "servers": [{"ip": {"addr": "10.1.1.1", "type": "V4"}, "port": 8080},
                    {"ip": {"addr": "10.1.1.2", "type": "V4"}, "port": 8080}]})
}

/// The HTTP form of a benchmarked operation.
fn request(c: &Client, op: &Op, i: u64) -> reqwest::RequestBuilder {
    let (method, path, body) = op(i);
    let r = c.req(method, &path);
    match body {
        Some(b) => r.json(&b),
        None => r,
    }
}

pub struct Run {
    pub ok: u64,
    pub failed: u64,
    pub wall: Duration,
    pub server_cpu: Duration,
}

impl Run {
    pub fn per_sec(&self) -> f64 {
        self.ok as f64 / self.wall.as_secs_f64()
    }
    /// Requests per second of server CPU: the rate one fully busy core would serve.
    pub fn per_core(&self) -> f64 {
        self.ok as f64 / self.server_cpu.as_secs_f64().max(1e-3)
    }
}

/// `concurrency` tasks each sending requests back to back on kept-alive connections.
pub async fn drive(client: &Client, tid: u32, time: Duration, concurrency: u64, op: &Op) -> Run {
    let counter = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let ok = Arc::new(AtomicU64::new(0));
    let cpu0 = thread_cpu(tid);
    let start = Instant::now();
    let deadline = start + time;
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let (c, op, counter) = (client.clone(), op.clone(), counter.clone());
            let (ok, failed) = (ok.clone(), failed.clone());
            tokio::spawn(async move {
                while Instant::now() < deadline {
                    let i = counter.fetch_add(1, Ordering::Relaxed);
                    let good = match request(&c, &op, i).send().await {
                        Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                        Err(_) => false,
                    };
                    let n = if good { &ok } else { &failed };
                    n.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for t in tasks {
        let _ = t.await;
    }
    Run {
        ok: ok.load(Ordering::Relaxed),
        failed: failed.load(Ordering::Relaxed),
        wall: start.elapsed(),
        server_cpu: thread_cpu(tid).saturating_sub(cpu0),
    }
}
