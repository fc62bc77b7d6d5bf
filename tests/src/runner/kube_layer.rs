//! The controller instances' Kubernetes client goes through this tower layer (in
//! process): it counts each instance's writes (`expect_kube_writes`) and answers the
//! requests a `kube_fault` error scopes (kind, verb, namespace, name) with a
//! Kubernetes `Status`, as the API server would.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use bytes::Bytes;
use http_body_util::BodyExt;
use kube::client::{Body, DynBody};
use parking_lot::Mutex;
use serde_json::json;

use super::coalesce::{CoalesceBody, Coalescing};

type BoxError = Box<dyn std::error::Error + Send + Sync>;
type Resp = http::Response<Box<DynBody>>;
type Inner = tower::util::BoxService<http::Request<Body>, Resp, BoxError>;

/// One write an instance made.
#[derive(Debug, Clone)]
pub struct KubeWrite {
    pub seq: u64,
    pub instance: String,
    /// Resource plural, e.g. `ingresses`, `events`.
    pub resource: String,
}

/// A scoped error answer.
#[derive(Debug, Clone)]
pub struct KubeErrorFault {
    /// Resource plural (`configmaps`), from the scenario's kind.
    pub resource: Option<String>,
    pub verb: Option<String>,
    pub namespace: Option<String>,
    pub name: Option<String>,
    pub status: u16,
    pub rate: f64,
    pub count: Option<u32>,
    pub until: Option<Instant>,
    pub until_label: Option<String>,
    pub credit: f64,
}

/// What the layer shares with the runner.
#[derive(Default)]
pub struct KubeTap {
    inner: Mutex<TapInner>,
    /// Active `coalesce` faults on watch streams.
    pub coalesce: Arc<Coalescing>,
}

#[derive(Default)]
struct TapInner {
    seq: u64,
    writes: Vec<KubeWrite>,
    faults: Vec<KubeErrorFault>,
}

impl KubeTap {
    pub fn writes(&self) -> Vec<KubeWrite> {
        self.inner.lock().writes.clone()
    }

    pub fn mark(&self) -> u64 {
        self.inner.lock().seq + 1
    }

    pub fn add_fault(&self, f: KubeErrorFault) {
        self.inner.lock().faults.push(f);
    }

    pub fn clear_faults(&self) {
        self.inner.lock().faults.clear();
    }

    pub fn end_faults_until(&self, label: &str) {
        self.inner
            .lock()
            .faults
            .retain(|f| f.until_label.as_deref() != Some(label));
    }

    fn hit(&self, r: &RequestInfo) -> Option<u16> {
        let mut g = self.inner.lock();
        let now = Instant::now();
        g.faults
            .retain(|f| f.until.is_none_or(|u| u > now) && f.count.is_none_or(|c| c > 0));
        for f in g.faults.iter_mut() {
            let hit = f.resource.as_deref().is_none_or(|x| x == r.resource)
                && f.verb.as_deref().is_none_or(|x| x == r.verb)
                && f.namespace
                    .as_deref()
                    .is_none_or(|x| Some(x) == r.namespace.as_deref())
                && f.name
                    .as_deref()
                    .is_none_or(|x| Some(x) == r.name.as_deref());
            if !hit {
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
            return Some(f.status);
        }
        None
    }

    fn record(&self, instance: &str, resource: &str) {
        let mut g = self.inner.lock();
        g.seq += 1;
        let seq = g.seq;
        g.writes.push(KubeWrite {
            seq,
            instance: instance.to_owned(),
            resource: resource.to_owned(),
        });
    }
}

/// The plural resource name of a kind, as in request paths.
pub fn plural(kind: &str) -> String {
    let lower = kind.to_ascii_lowercase();
    if lower.ends_with("ss") || lower.ends_with('x') {
        format!("{lower}es")
    } else if lower.ends_with('s') {
        lower
    } else if lower.ends_with('y') && !lower.ends_with("ey") {
        format!("{}ies", &lower[..lower.len() - 1])
    } else {
        format!("{lower}s")
    }
}

/// Verb, resource, namespace and name of an API request.
struct RequestInfo {
    verb: &'static str,
    resource: String,
    namespace: Option<String>,
    name: Option<String>,
}

fn request_info(method: &http::Method, uri: &http::Uri) -> RequestInfo {
    let segs: Vec<&str> = uri.path().trim_matches('/').split('/').collect();
    // /api/v1/... or /apis/<group>/<version>/...
    let rest: &[&str] = match segs.first() {
        Some(&"api") => segs.get(2..).unwrap_or(&[]),
        Some(&"apis") => segs.get(3..).unwrap_or(&[]),
        _ => &[],
    };
    let (namespace, rest) = match rest {
        ["namespaces", ns, tail @ ..] if !tail.is_empty() => (Some((*ns).to_owned()), tail),
        _ => (None, rest),
    };
    let resource = rest.first().copied().unwrap_or_default().to_owned();
    let name = rest.get(1).map(|s| (*s).to_owned());
    let watch = uri
        .query()
        .is_some_and(|q| q.contains("watch=true") || q.contains("watch=1"));
    let verb = match *method {
        http::Method::GET if watch => "watch",
        http::Method::GET if name.is_none() => "list",
        http::Method::GET => "get",
        http::Method::POST => "create",
        http::Method::PUT => "update",
        http::Method::PATCH => "patch",
        http::Method::DELETE => "delete",
        _ => "other",
    };
    RequestInfo {
        verb,
        resource,
        namespace,
        name,
    }
}

fn status_response(status: u16) -> Resp {
    let reason = match status {
        429 => "TooManyRequests",
        404 => "NotFound",
        500 => "InternalError",
        503 => "ServiceUnavailable",
        _ => "InternalError",
    };
    let msg = match status {
        404 => "the server could not find the requested resource".to_owned(),
        _ => format!("injected fault: HTTP {status}"),
    };
    let body = json!({
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": msg, "reason": reason, "code": status,
    })
    .to_string();
    let full = http_body_util::Full::new(Bytes::from(body))
        .map_err(|never| -> BoxError { match never {} });
    let mut b = http::Response::builder()
        .status(status)
        .header(http::header::CONTENT_TYPE, "application/json");
    if status == 429 {
        b = b.header(http::header::RETRY_AFTER, "1");
    }
    b.body(Box::new(full) as Box<DynBody>).unwrap_or_else(|_| {
        http::Response::new(Box::new(
            http_body_util::Empty::new().map_err(|never| -> BoxError { match never {} }),
        ) as Box<DynBody>)
    })
}

pub struct TapService {
    inner: Inner,
    tap: Arc<KubeTap>,
    instance: String,
}

impl tower::Service<http::Request<Body>> for TapService {
    type Response = Resp;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Resp, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<Body>) -> Self::Future {
        let info = request_info(req.method(), req.uri());
        if let Some(status) = self.tap.hit(&info) {
            return Box::pin(async move { Ok(status_response(status)) });
        }
        if matches!(info.verb, "create" | "update" | "patch" | "delete") {
            self.tap.record(&self.instance, &info.resource);
        }
        let fut = self.inner.call(req);
        if info.verb != "watch" || !self.tap.coalesce.any() {
            return Box::pin(fut);
        }
        let state = self.tap.coalesce.clone();
        Box::pin(async move {
            let resp = fut.await?;
            Ok(resp.map(|body| {
                Box::new(CoalesceBody::new(body, state, &info.resource)) as Box<DynBody>
            }))
        })
    }
}

/// A client from `config` whose requests go through `tap` as `instance`.
pub fn tapped_client(
    config: kube::Config,
    tap: Arc<KubeTap>,
    instance: &str,
) -> Result<kube::Client, kube::Error> {
    let instance = instance.to_owned();
    let layer = tower::layer::layer_fn(move |inner: Inner| TapService {
        inner,
        tap: tap.clone(),
        instance: instance.clone(),
    });
    Ok(kube::client::ClientBuilder::try_from(config)?
        .with_layer(&layer)
        .build())
}
