//! `kube_fault: {coalesce: true}`: while the fault lasts, watch events of the matching
//! objects are held back and only the latest event per object is delivered when it
//! ends (bookmarks are held too, so the client's resourceVersion does not run ahead of
//! what it was shown). Watches opened while a fault is active go through
//! [`CoalesceBody`] (adding a fault closes the open watches, so every watch is
//! re-opened through it); once the fault ends it passes data straight through.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use bytes::Bytes;
use http_body::{Body, Frame};
use kube::client::DynBody;
use parking_lot::Mutex;
use serde_json::Value;
use tokio::sync::watch;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// One active coalesce fault.
#[derive(Debug, Clone)]
pub struct CoalesceFault {
    pub resource: Option<String>,
    pub namespace: Option<String>,
    pub name: Option<String>,
    pub until: Option<Instant>,
    pub until_label: Option<String>,
}

/// The active coalesce faults and a signal bumped whenever one ends.
pub struct Coalescing {
    faults: Mutex<Vec<CoalesceFault>>,
    ended: watch::Sender<u64>,
}

impl Default for Coalescing {
    fn default() -> Self {
        Coalescing {
            faults: Mutex::new(Vec::new()),
            ended: watch::channel(0).0,
        }
    }
}

impl Coalescing {
    pub fn add(self: &Arc<Self>, f: CoalesceFault) {
        if let Some(until) = f.until {
            let me = self.clone();
            tokio::spawn(async move {
                tokio::time::sleep_until(until.into()).await;
                me.ended.send_modify(|n| *n += 1);
            });
        }
        self.faults.lock().push(f);
    }

    pub fn end(&self, label: Option<&str>) {
        self.faults
            .lock()
            .retain(|f| label.is_some_and(|l| f.until_label.as_deref() != Some(l)));
        self.ended.send_modify(|n| *n += 1);
    }

    /// An event of `resource` about `ns/name` is held now.
    fn holds(&self, resource: &str, ns: Option<&str>, name: Option<&str>) -> bool {
        let now = Instant::now();
        self.faults.lock().iter().any(|f| {
            f.until.is_none_or(|u| u > now)
                && f.resource.as_deref().is_none_or(|r| r == resource)
                && f.namespace.as_deref().is_none_or(|n| Some(n) == ns)
                && f.name.as_deref().is_none_or(|n| Some(n) == name)
        })
    }

    /// Any coalesce fault is active (new watches are wrapped then).
    pub fn any(&self) -> bool {
        let now = Instant::now();
        self.faults
            .lock()
            .iter()
            .any(|f| f.until.is_none_or(|u| u > now))
    }

    /// Any fault on `resource` is active (bookmarks are held then).
    fn active_on(&self, resource: &str) -> bool {
        self.faults.lock().iter().any(|f| {
            f.until.is_none_or(|u| u > Instant::now())
                && f.resource.as_deref().is_none_or(|r| r == resource)
        })
    }
}

type Changed = Pin<Box<dyn Future<Output = ()> + Send>>;
/// An object a watch event is about: (namespace, name).
type ObjKey = (Option<String>, Option<String>);

/// A watch response body with coalescing.
pub struct CoalesceBody {
    inner: Box<DynBody>,
    state: Arc<Coalescing>,
    resource: String,
    buf: Vec<u8>,
    out: VecDeque<Bytes>,
    /// Held events, latest per object, in order of their latest arrival.
    held: Vec<(ObjKey, Bytes)>,
    held_bookmark: Option<Bytes>,
    changed: Option<Changed>,
    done: bool,
}

impl CoalesceBody {
    pub fn new(inner: Box<DynBody>, state: Arc<Coalescing>, resource: &str) -> Self {
        CoalesceBody {
            inner,
            state,
            resource: resource.to_owned(),
            buf: Vec::new(),
            out: VecDeque::new(),
            held: Vec::new(),
            held_bookmark: None,
            changed: None,
            done: false,
        }
    }

    fn take_line(&mut self, line: Bytes) {
        let v: Value = serde_json::from_slice(&line).unwrap_or(Value::Null);
        let meta = &v["object"]["metadata"];
        let ns = meta["namespace"].as_str().map(str::to_owned);
        let name = meta["name"].as_str().map(str::to_owned);
        if v["type"] == "BOOKMARK" {
            if self.state.active_on(&self.resource) || !self.held.is_empty() {
                self.held_bookmark = Some(line);
            } else {
                self.out.push_back(line);
            }
            return;
        }
        if self
            .state
            .holds(&self.resource, ns.as_deref(), name.as_deref())
        {
            let key = (ns, name);
            self.held.retain(|(k, _)| *k != key);
            self.held.push((key, line));
        } else {
            self.out.push_back(line);
        }
    }

    fn release_if_ended(&mut self) {
        if (self.held.is_empty() && self.held_bookmark.is_none())
            || self.state.active_on(&self.resource)
        {
            return;
        }
        for (_, line) in self.held.drain(..) {
            self.out.push_back(line);
        }
        self.out.extend(self.held_bookmark.take());
    }
}

impl Body for CoalesceBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = &mut *self;
        loop {
            this.release_if_ended();
            if let Some(b) = this.out.pop_front() {
                return Poll::Ready(Some(Ok(Frame::data(b))));
            }
            if this.done {
                return Poll::Ready(None);
            }
            match Pin::new(&mut this.inner).poll_frame(cx) {
                Poll::Ready(Some(Ok(frame))) => match frame.into_data() {
                    Ok(data) => {
                        this.buf.extend_from_slice(&data);
                        while let Some(i) = this.buf.iter().position(|b| *b == b'\n') {
                            let line: Vec<u8> = this.buf.drain(..=i).collect();
                            this.take_line(Bytes::from(line));
                        }
                    }
                    Err(frame) => return Poll::Ready(Some(Ok(frame))),
                },
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(None) => {
                    this.done = true;
                    if !this.buf.is_empty() {
                        let rest = std::mem::take(&mut this.buf);
                        this.out.push_back(Bytes::from(rest));
                    }
                    for (_, line) in this.held.drain(..) {
                        this.out.push_back(line);
                    }
                }
                Poll::Pending => {
                    if this.held.is_empty() && this.held_bookmark.is_none() {
                        return Poll::Pending;
                    }
                    let fut = this.changed.get_or_insert_with(|| {
                        let mut rx = this.state.ended.subscribe();
                        Box::pin(async move {
                            let _ = rx.changed().await;
                        })
                    });
                    match fut.as_mut().poll(cx) {
                        Poll::Ready(()) => {
                            this.changed = None;
                            continue;
                        }
                        Poll::Pending => return Poll::Pending,
                    }
                }
            }
        }
    }
}
