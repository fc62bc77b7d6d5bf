//! Leader election on the `coordination.k8s.io/v1` Lease `ako-lease-lock` (spec §12):
//! acquire when free or expired, renew, release on shutdown. A Lease is used even
//! with one replica, so scaling up never makes two writers (B11). Expiry is judged
//! like client-go: by how long the record has not changed on this instance's own
//! clock, never by comparing clocks. Every write carries the resourceVersion it
//! read, so two instances cannot both win. An instance that finds another holder
//! when renewing steps down at once (F27); [`Leadership::ensure_leader`] re-reads the
//! Lease as a fence before each batch of Avi writes.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta};
use k8s_openapi::jiff::Timestamp;
use kube::api::{Api, PostParams};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::error::{KubeError, is_conflict, is_not_found};

/// Name of AKO's Lease (one per cluster, not per replica).
pub const LEASE_NAME: &str = "ako-lease-lock";

/// Where the Lease is, who we are, and the timings (the original's by default).
#[derive(Clone, Debug)]
pub struct LeaseConfig {
    pub namespace: String,
    pub name: String,
    /// This instance (the pod name).
    pub identity: String,
    /// A record unchanged for this long is expired (15 s).
    pub lease_duration: Duration,
    /// A leader that could not renew for this long steps down (10 s).
    pub renew_deadline: Duration,
    /// Time between acquire / renew attempts (2 s).
    pub retry_period: Duration,
}

impl LeaseConfig {
    /// `ako-lease-lock` in `namespace` with the original's timings.
    pub fn new(namespace: &str, identity: &str) -> Self {
        Self {
            namespace: namespace.to_owned(),
            name: LEASE_NAME.to_owned(),
            identity: identity.to_owned(),
            lease_duration: Duration::from_secs(15),
            renew_deadline: Duration::from_secs(10),
            retry_period: Duration::from_secs(2),
        }
    }

    fn key(&self) -> String {
        format!("Lease/{}/{}", self.namespace, self.name)
    }
}

struct Inner {
    api: Api<Lease>,
    cfg: LeaseConfig,
    leader: watch::Sender<bool>,
    /// When this instance last wrote the Lease as holder.
    renewed: Mutex<Option<Instant>>,
    stop: watch::Sender<bool>,
    task: Mutex<Option<JoinHandle<()>>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some(t) = self
            .task
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        {
            t.abort();
        }
    }
}

/// A handle on this instance's leadership (cheap to clone). When the last handle
/// is dropped the election stops without releasing the Lease (like a crash);
/// [`Leadership::shutdown`] releases it.
#[derive(Clone)]
pub struct Leadership {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Leadership {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Leadership")
            .field("lease", &self.inner.cfg.key())
            .field("identity", &self.inner.cfg.identity)
            .field("leader", &self.is_leader())
            .finish()
    }
}

impl Leadership {
    /// Starts electing in the background.
    pub fn start(client: kube::Client, cfg: LeaseConfig) -> Self {
        let inner = Arc::new(Inner {
            api: Api::namespaced(client, &cfg.namespace),
            cfg,
            leader: watch::channel(false).0,
            renewed: Mutex::new(None),
            stop: watch::channel(false).0,
            task: Mutex::new(None),
        });
        let task = tokio::spawn(run(Arc::downgrade(&inner)));
        *inner.task.lock().unwrap_or_else(PoisonError::into_inner) = Some(task);
        Self { inner }
    }

    /// This instance's identity.
    pub fn identity(&self) -> &str {
        &self.inner.cfg.identity
    }

    /// Whether this instance holds the Lease and renewed it within its duration.
    pub fn is_leader(&self) -> bool {
        *self.inner.leader.borrow() && self.inner.fresh()
    }

    /// Changes to leadership (`true` = leader).
    pub fn subscribe(&self) -> watch::Receiver<bool> {
        self.inner.leader.subscribe()
    }

    /// The fence before a batch of writes: re-reads the Lease; `Ok` only if it names
    /// this instance and this instance renewed it recently. Another holder → step
    /// down now. A read error is an error (no writes on an unconfirmed lease).
    pub async fn ensure_leader(&self) -> Result<(), KubeError> {
        let inner = &self.inner;
        let not_leader = |reason: String| KubeError::NotLeader {
            lease: inner.cfg.key(),
            reason,
        };
        let lease = tokio::time::timeout(inner.cfg.renew_deadline, inner.api.get(&inner.cfg.name))
            .await
            .map_err(|_| {
                not_leader(format!(
                    "the lease could not be read within {:?}",
                    inner.cfg.renew_deadline
                ))
            })?
            .map_err(|e| KubeError::api("get", inner.cfg.key(), e))?;
        let holder = holder_of(&lease);
        if holder != inner.cfg.identity {
            inner.step_down(&format!("the lease is held by {holder:?}"));
            return Err(not_leader(format!("held by {holder:?}")));
        }
        if !self.is_leader() {
            return Err(not_leader("not renewed within the lease duration".into()));
        }
        Ok(())
    }

    /// Stops electing and, if this instance holds the Lease, releases it so a
    /// standby takes over at its next attempt.
    pub async fn shutdown(&self) {
        let inner = &self.inner;
        inner.stop.send_replace(true);
        let task = inner
            .task
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(t) = task {
            t.abort();
            let _ = t.await;
        }
        if inner.leader.send_replace(false) {
            inner.release().await;
        }
    }
}

fn holder_of(lease: &Lease) -> String {
    lease
        .spec
        .as_ref()
        .and_then(|s| s.holder_identity.clone())
        .unwrap_or_default()
}

fn now() -> MicroTime {
    MicroTime(Timestamp::now())
}

/// What identifies one version of the record (a change restarts the expiry clock).
fn fingerprint(lease: &Lease) -> (String, Option<String>) {
    (holder_of(lease), lease.metadata.resource_version.clone())
}

impl Inner {
    fn fresh(&self) -> bool {
        let renewed = *self.renewed.lock().unwrap_or_else(PoisonError::into_inner);
        renewed.is_some_and(|t| t.elapsed() < self.cfg.lease_duration)
    }

    fn become_leader(&self) {
        *self.renewed.lock().unwrap_or_else(PoisonError::into_inner) = Some(Instant::now());
        if !self.leader.send_replace(true) {
            tracing::info!(key = %self.cfg.key(), identity = %self.cfg.identity, "AKO became the leader");
        }
    }

    /// Leader → passive. Status, events and the Avi fence read the flag, so writing
    /// stops with this call; the log says so at the same moment (F27).
    fn step_down(&self, reason: &str) {
        if self.leader.send_replace(false) {
            tracing::warn!(key = %self.cfg.key(), identity = %self.cfg.identity, "AKO lost the leadership: {reason}");
            tracing::warn!(
                key = %self.cfg.key(),
                identity = %self.cfg.identity,
                "AKO is now passive: no Avi or Kubernetes writes until it holds the lease again"
            );
        }
    }

    fn spec(&self, old: Option<&LeaseSpec>, transition: bool) -> LeaseSpec {
        let t = now();
        let transitions = old.and_then(|s| s.lease_transitions).unwrap_or(0);
        LeaseSpec {
            holder_identity: Some(self.cfg.identity.clone()),
            lease_duration_seconds: Some(self.cfg.lease_duration.as_secs().max(1) as i32),
            acquire_time: if transition {
                Some(t.clone())
            } else {
                old.and_then(|s| s.acquire_time.clone())
            },
            renew_time: Some(t),
            lease_transitions: Some(transitions + i32::from(transition && old.is_some())),
            ..LeaseSpec::default()
        }
    }

    /// Writes `lease` back (with the resourceVersion it was read at). `Ok(false)`: someone else wrote first.
    async fn replace(&self, lease: &Lease) -> Result<bool, kube::Error> {
        match self
            .api
            .replace(&self.cfg.name, &PostParams::default(), lease)
            .await
        {
            Ok(_) => Ok(true),
            Err(e) if is_conflict(&e) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// One attempt as a follower.
    async fn try_acquire(
        &self,
        observed: &mut Option<((String, Option<String>), Instant)>,
    ) -> Result<(), kube::Error> {
        let mut lease = match self.api.get(&self.cfg.name).await {
            Ok(l) => l,
            Err(e) if is_not_found(&e) => {
                let lease = Lease {
                    metadata: ObjectMeta {
                        name: Some(self.cfg.name.clone()),
                        namespace: Some(self.cfg.namespace.clone()),
                        ..ObjectMeta::default()
                    },
                    spec: Some(self.spec(None, true)),
                };
                return match self.api.create(&PostParams::default(), &lease).await {
                    Ok(_) => {
                        self.become_leader();
                        Ok(())
                    }
                    Err(e) if is_conflict(&e) => Ok(()),
                    Err(e) => Err(e),
                };
            }
            Err(e) => return Err(e),
        };
        let fp = fingerprint(&lease);
        if observed.as_ref().is_none_or(|(seen, _)| *seen != fp) {
            *observed = Some((fp.clone(), Instant::now()));
        }
        let holder = fp.0;
        let expired = observed
            .as_ref()
            .is_some_and(|(_, at)| at.elapsed() >= self.cfg.lease_duration);
        if !(holder.is_empty() || holder == self.cfg.identity || expired) {
            return Ok(());
        }
        let transition = holder != self.cfg.identity;
        lease.spec = Some(self.spec(lease.spec.as_ref(), transition));
        if self.replace(&lease).await? {
            if transition && !holder.is_empty() {
                tracing::info!(key = %self.cfg.key(), previous = %holder, "took over an expired lease");
            }
            self.become_leader();
        }
        Ok(())
    }

    /// One renewal as the leader.
    async fn renew(&self) -> Result<(), kube::Error> {
        let mut lease = self.api.get(&self.cfg.name).await?;
        let holder = holder_of(&lease);
        if holder != self.cfg.identity {
            self.step_down(&format!("the lease is held by {holder:?}"));
            return Ok(());
        }
        lease.spec = Some(self.spec(lease.spec.as_ref(), false));
        if self.replace(&lease).await? {
            self.become_leader();
        } else {
            self.step_down("the lease was written by another instance");
        }
        Ok(())
    }

    async fn release(&self) {
        let result = async {
            let mut lease = self.api.get(&self.cfg.name).await?;
            if holder_of(&lease) != self.cfg.identity {
                return Ok(());
            }
            let mut spec = lease.spec.take().unwrap_or_default();
            spec.holder_identity = None;
            spec.lease_duration_seconds = Some(1);
            spec.renew_time = Some(now());
            lease.spec = Some(spec);
            self.replace(&lease).await.map(|_| ())
        }
        .await;
        match result {
            Ok(()) => tracing::info!(key = %self.cfg.key(), "lease released"),
            Err(error) => {
                tracing::warn!(key = %self.cfg.key(), %error, "releasing the lease failed")
            }
        }
    }
}

async fn run(weak: std::sync::Weak<Inner>) {
    let mut observed = None;
    loop {
        let Some(inner) = weak.upgrade() else { return };
        let mut stop = inner.stop.subscribe();
        if *stop.borrow() {
            return;
        }
        let leader = *inner.leader.borrow();
        // The client retries 503/429 for minutes; a lease attempt must not wait that long.
        let attempt = async {
            if leader {
                inner.renew().await
            } else {
                inner.try_acquire(&mut observed).await
            }
        };
        let error = match tokio::time::timeout(inner.cfg.renew_deadline, attempt).await {
            Ok(Ok(())) => None,
            Ok(Err(e)) => Some(e.to_string()),
            Err(_) => Some(format!("no answer within {:?}", inner.cfg.renew_deadline)),
        };
        if let Some(error) = error {
            tracing::warn!(key = %inner.cfg.key(), %error, "lease call failed");
            let renewed = *inner.renewed.lock().unwrap_or_else(PoisonError::into_inner);
            if leader && renewed.is_none_or(|t| t.elapsed() >= inner.cfg.renew_deadline) {
                inner.step_down("could not renew within the renew deadline");
            }
        }
        let period = inner.cfg.retry_period;
        drop(inner);
        tokio::select! {
            _ = tokio::time::sleep(period) => {}
            _ = stop.changed() => return,
        }
    }
}
