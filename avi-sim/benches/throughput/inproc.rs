//! The in-process side of the throughput bench: a router (avi-sim's own from
//! `Handle::router()`, or the bare axum baseline) called with
//! `tower::ServiceExt::oneshot` back to back on the calling thread: the whole request
//! path (gate, session and CSRF checks, handlers, JSON) without sockets or HTTP parsing.

use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, Request, header};
use tower::ServiceExt;

use crate::http::Run;
use crate::procfs::{current_tid, thread_cpu};
use crate::{Op, SDK_VERSION};

/// A router plus the headers of a logged-in SDK client.
pub struct InProc {
    router: Router,
    headers: HeaderMap,
}

fn header_value(v: &str) -> HeaderValue {
    HeaderValue::from_str(v).expect("bench header value")
}

impl InProc {
    /// A caller without a session (for the bare router, which ignores sessions).
    pub fn anonymous(router: Router) -> InProc {
        InProc {
            router,
            headers: HeaderMap::new(),
        }
    }

    /// Logs in through the router itself, then sends what the HTTP client sends.
    /// `host` is the served address, so refs render as they do over HTTP.
    pub async fn login(router: Router, host: &str, user: &str, password: &str) -> InProc {
        let form = serde_urlencoded::to_string([("username", user), ("password", password)])
            .expect("login form");
        let req = Request::post("/login")
            .header(header::HOST, host)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form))
            .expect("login request");
        let resp = router.clone().oneshot(req).await.expect("login");
        assert!(resp.status().is_success(), "login: {}", resp.status());
        let cookie = |name: &str| {
            resp.headers()
                .get_all(header::SET_COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .find_map(|c| c.strip_prefix(name)?.strip_prefix('='))
                .and_then(|c| c.split(';').next())
                .unwrap_or_default()
                .to_string()
        };
        let (csrf, sid) = (cookie("csrftoken"), cookie("sessionid"));
        let mut headers = HeaderMap::new();
        let cookies = format!("csrftoken={csrf}; sessionid={sid}; avi-sessionid={sid}");
        headers.insert(header::HOST, header_value(host));
        headers.insert(header::COOKIE, header_value(&cookies));
        headers.insert("x-csrftoken", header_value(&csrf));
        headers.insert(header::REFERER, header_value(&format!("http://{host}")));
        headers.insert("x-avi-version", header_value(SDK_VERSION));
        headers.insert("x-avi-tenant", header_value("admin"));
        headers.insert("x-sim-client", header_value("bench"));
        headers.insert(header::CONTENT_TYPE, header_value("application/json"));
        InProc { router, headers }
    }

    fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Request<Body> {
        let body = body.map_or_else(Body::empty, |b| {
            Body::from(serde_json::to_vec(&b).expect("JSON body"))
        });
        let mut req = Request::new(body);
        *req.method_mut() = method;
        *req.uri_mut() = path.parse().expect("bench path");
        *req.headers_mut() = self.headers.clone();
        req
    }

    /// One call, the response body read in full; whether it succeeded.
    async fn call(&self, req: Request<Body>) -> bool {
        match self.router.clone().oneshot(req).await {
            Ok(resp) if resp.status().is_success() => {
                axum::body::to_bytes(resp.into_body(), usize::MAX)
                    .await
                    .is_ok()
            }
            _ => false,
        }
    }
}

/// Calls `op(0)`, `op(1)`, ... one after another on this thread for `time`. The CPU
/// time is this thread's, so "per core" means the same as for the HTTP servers.
pub async fn drive(c: &InProc, time: Duration, op: &Op) -> Run {
    let tid = current_tid();
    let cpu0 = thread_cpu(tid);
    let start = Instant::now();
    let (mut ok, mut failed, mut i) = (0, 0, 0);
    while start.elapsed() < time {
        let (method, path, body) = op(i);
        i += 1;
        if c.call(c.request(method, &path, body)).await {
            ok += 1;
        } else {
            failed += 1;
        }
    }
    Run {
        ok,
        failed,
        wall: start.elapsed(),
        server_cpu: thread_cpu(tid).saturating_sub(cpu0),
    }
}
