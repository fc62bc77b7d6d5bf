//! `StatusWriter`: writes what the model and the observed VIPs say into Kubernetes —
//! Service / Ingress `.status.loadBalancer.ingress`, Route `status.ingress`, and the
//! AKO CRDs' `.status` — with JSON merge patches on the status subresource.
//!
//! No write storms: an object is patched only when its watched status differs from
//! the desired one, and not again while the watch has not yet delivered our own
//! write (same resourceVersion as when we wrote). Status this cluster wrote is
//! cleared from objects that left scope (B15): an address is ours when it is one of
//! this cluster's VsVip addresses seen by this process. Only the leader writes (B14).
//! Each pass also puts the NodePortLocal annotation on the Services the model lists
//! (`npl`, F22), the other per-object write the model drives.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::networking::v1::Ingress;
use kube::Resource;
use kube::api::{
    Api, ApiResource, DynamicObject, GroupVersionKind, ListParams, Patch, PatchParams,
};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::sync::watch;

use super::crd_status;
use super::error::{KubeError, is_not_found, timed};
use super::lb_status::{self, Desired, LbObject, Vips};
use super::npl::NplAnnotator;
use crate::crd::{self, AviInfraSetting, HTTPRule, HostRule, Route};
use crate::model::{
    AviGraph, ClusterState, Diagnostic, Kind, LbStatus, ObjectKey, StateObject, key_of,
};

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct StatusReport {
    pub written: usize,
    pub failed: usize,
}

struct Job {
    key: ObjectKey,
    rv: Option<String>,
    now: Value,
    desired: Desired,
}

/// Writes status for the leader; see the module docs.
pub struct StatusWriter {
    client: kube::Client,
    router: String,
    leader: watch::Receiver<bool>,
    ours: BTreeSet<String>,
    /// Key → (resourceVersion we wrote over, value we wrote).
    pending: HashMap<ObjectKey, (Option<String>, Value)>,
    npl: NplAnnotator,
}

type DiagIndex<'d> = BTreeMap<&'d ObjectKey, Vec<&'d Diagnostic>>;

impl StatusWriter {
    /// `cluster_name` names our Route router (`ako-<cluster>`); writes happen only
    /// while `leader` is true.
    pub fn new(client: kube::Client, cluster_name: &str, leader: watch::Receiver<bool>) -> Self {
        Self {
            client,
            router: format!("ako-{cluster_name}"),
            leader,
            ours: BTreeSet::new(),
            pending: HashMap::new(),
            npl: NplAnnotator::default(),
        }
    }

    /// Remembers `vips` as this cluster's addresses. Call it with the Avi cache's
    /// VsVips before a sync that may delete some: after a restart the first round
    /// deletes an out-of-scope object's VsVip before any status pass, and its
    /// address would otherwise never be recognised as ours (B15).
    pub fn observe(&mut self, vips: &Vips) {
        self.ours.extend(vips.values().flatten().cloned());
    }

    /// One pass over every Service, Ingress, Route and AKO CRD in `state`. `vips`
    /// maps each VsVip name to its observed addresses (the sync layer's view).
    pub async fn sync(
        &mut self,
        state: &ClusterState,
        graph: &AviGraph,
        vips: &Vips,
        diagnostics: &[Diagnostic],
    ) -> StatusReport {
        if !*self.leader.borrow() {
            return StatusReport::default();
        }
        self.observe(vips);
        let mut diags: DiagIndex = BTreeMap::new();
        for d in diagnostics {
            diags.entry(&d.object).or_default().push(d);
        }
        let wanted = |k: &ObjectKey| graph.status.get(k).map(Vec::as_slice);
        let mut jobs = Vec::new();
        for (key, svc) in state.iter::<Service>() {
            jobs.extend(self.lb_job(svc.as_ref(), wanted(key), vips));
        }
        for (key, ing) in state.iter::<Ingress>() {
            jobs.extend(self.lb_job(ing.as_ref(), wanted(key), vips));
        }
        let now = jiff_now();
        for (key, route) in state.iter::<Route>() {
            let d = diags.get(key).map(Vec::as_slice).unwrap_or_default();
            jobs.extend(self.route_job(route, wanted(key), vips, d, &now));
        }
        crd_jobs::<HostRule>(state, &diags, &mut jobs);
        crd_jobs::<HTTPRule>(state, &diags, &mut jobs);
        crd_jobs::<AviInfraSetting>(state, &diags, &mut jobs);
        let seen: BTreeSet<ObjectKey> = jobs.iter().map(|j| j.key.clone()).collect();
        self.pending.retain(|k, _| seen.contains(k));
        let mut report = self.run(jobs).await;
        let (written, failed) = self.npl.sync(&self.client, state, graph).await;
        report.written += written;
        report.failed += failed;
        report
    }

    /// Clears this cluster's addresses from Services and Ingresses (and our Route
    /// entries) in `namespaces`, read from the API server: objects of blocked
    /// namespaces are not ingested, so a pass over the state cannot see them (B15).
    pub async fn clear_namespaces(
        &mut self,
        namespaces: &BTreeSet<String>,
        vips: &Vips,
    ) -> Result<StatusReport, KubeError> {
        if !*self.leader.borrow() {
            return Ok(StatusReport::default());
        }
        self.observe(vips);
        let mut jobs = Vec::new();
        for ns in namespaces {
            for svc in list::<Service>(&self.client, ns).await? {
                jobs.extend(self.lb_job(&svc, None, vips));
            }
            for ing in list::<Ingress>(&self.client, ns).await? {
                jobs.extend(self.lb_job(&ing, None, vips));
            }
            let routes = match list::<Route>(&self.client, ns).await {
                Err(KubeError::NotFound { .. }) => Vec::new(),
                other => other?,
            };
            let now = jiff_now();
            for route in routes {
                jobs.extend(self.route_job(&route, None, vips, &[], &now));
            }
        }
        Ok(self.run(jobs).await)
    }

    fn lb_job<T: LbObject + StateObject>(
        &self,
        obj: &T,
        wanted: Option<&[LbStatus]>,
        vips: &Vips,
    ) -> Option<Job> {
        lb_status::load_balancer(obj, wanted, vips, &self.ours).map(|desired| Job {
            key: key_of(obj),
            rv: obj.meta().resource_version.clone(),
            now: lb_status::entries_json(&obj.lb_entries()),
            desired,
        })
    }

    fn route_job(
        &self,
        route: &Route,
        wanted: Option<&[LbStatus]>,
        vips: &Vips,
        diagnostics: &[&Diagnostic],
        now: &str,
    ) -> Option<Job> {
        lb_status::route(route, &self.router, wanted, vips, diagnostics, now).map(|desired| Job {
            key: key_of(route),
            rv: route.metadata.resource_version.clone(),
            now: lb_status::route_now(route),
            desired,
        })
    }

    async fn run(&mut self, jobs: Vec<Job>) -> StatusReport {
        let mut report = StatusReport::default();
        for job in jobs {
            if job.now == job.desired.compare {
                self.pending.remove(&job.key);
                continue;
            }
            if self
                .pending
                .get(&job.key)
                .is_some_and(|(rv, v)| *rv == job.rv && *v == job.desired.compare)
            {
                continue;
            }
            match timed(
                "patch status of",
                job.key.to_string(),
                self.patch(&job.key, &job.desired.patch),
            )
            .await
            {
                Ok(()) => {
                    tracing::info!(key = %job.key, status = %job.desired.compare, "status updated");
                    self.pending.insert(job.key, (job.rv, job.desired.compare));
                    report.written += 1;
                }
                Err(error) => {
                    tracing::warn!(key = %job.key, %error, "status update failed");
                    report.failed += 1;
                }
            }
        }
        report
    }

    async fn patch(&self, key: &ObjectKey, body: &Value) -> Result<(), KubeError> {
        let pp = PatchParams::default();
        let patch = Patch::Merge(body);
        let (ns, name) = (key.namespace.as_str(), key.name.as_str());
        let c = self.client.clone();
        let res = match key.kind {
            Kind::Service => Api::<Service>::namespaced(c, ns)
                .patch_status(name, &pp, &patch)
                .await
                .map(drop),
            Kind::Ingress => Api::<Ingress>::namespaced(c, ns)
                .patch_status(name, &pp, &patch)
                .await
                .map(drop),
            Kind::Route => Api::<Route>::namespaced(c, ns)
                .patch_status(name, &pp, &patch)
                .await
                .map(drop),
            Kind::HostRule => return self.patch_crd::<HostRule>(key, &patch).await,
            Kind::HttpRule => return self.patch_crd::<HTTPRule>(key, &patch).await,
            Kind::AviInfraSetting => return self.patch_crd::<AviInfraSetting>(key, &patch).await,
            other => {
                return Err(KubeError::invalid(
                    key.to_string(),
                    format!("{other} has no status AKO writes"),
                ));
            }
        };
        res.map_err(|e| KubeError::api("patch status of", key.to_string(), e))
    }

    /// CRD status at v1beta1, or at v1alpha1 while only the old CRDs are served (F30).
    async fn patch_crd<T: Resource<DynamicType = ()>>(
        &self,
        key: &ObjectKey,
        patch: &Patch<&Value>,
    ) -> Result<(), KubeError> {
        let mut last = None;
        for version in ["v1beta1", "v1alpha1"] {
            let gvk = GroupVersionKind::gvk(crd::GROUP, version, &T::kind(&()));
            let ar = ApiResource::from_gvk_with_plural(&gvk, &T::plural(&()));
            let api: Api<DynamicObject> = if key.namespace.is_empty() {
                Api::all_with(self.client.clone(), &ar)
            } else {
                Api::namespaced_with(self.client.clone(), &key.namespace, &ar)
            };
            match api
                .patch_status(&key.name, &PatchParams::default(), patch)
                .await
            {
                Ok(_) => return Ok(()),
                Err(e) if is_not_found(&e) => last = Some(e),
                Err(e) => return Err(KubeError::api("patch status of", key.to_string(), e)),
            }
        }
        Err(match last {
            Some(e) => KubeError::api("patch status of", key.to_string(), e),
            None => KubeError::invalid(key.to_string(), "no CRD version to write status at"),
        })
    }
}

fn jiff_now() -> String {
    k8s_openapi::jiff::Timestamp::now().to_string()
}

fn crd_jobs<T>(state: &ClusterState, diags: &DiagIndex, jobs: &mut Vec<Job>)
where
    T: StateObject + HasCrdStatus,
{
    for (key, obj) in state.iter::<T>() {
        let d = diags.get(key).map(Vec::as_slice).unwrap_or_default();
        let status = crd_status::desired(d);
        let now =
            serde_json::to_value(obj.crd_status().cloned().unwrap_or_default()).unwrap_or_default();
        let compare = serde_json::to_value(&status).unwrap_or_default();
        jobs.push(Job {
            key: key.clone(),
            rv: obj.meta().resource_version.clone(),
            now,
            desired: Desired {
                compare,
                patch: crd_status::patch(&status),
            },
        });
    }
}

/// The AKO CRDs' shared status.
trait HasCrdStatus {
    fn crd_status(&self) -> Option<&crd::CrdStatus>;
}

macro_rules! has_crd_status {
    ($($t:ty),*) => {$(
        impl HasCrdStatus for $t {
            fn crd_status(&self) -> Option<&crd::CrdStatus> {
                self.status.as_ref()
            }
        }
    )*};
}
has_crd_status!(HostRule, HTTPRule, AviInfraSetting);

async fn list<T>(client: &kube::Client, ns: &str) -> Result<Vec<T>, KubeError>
where
    T: Resource<DynamicType = (), Scope = k8s_openapi::NamespaceResourceScope>
        + Clone
        + DeserializeOwned
        + std::fmt::Debug,
{
    let api: Api<T> = Api::namespaced(client.clone(), ns);
    match api.list(&ListParams::default()).await {
        Ok(l) => Ok(l.items),
        Err(e) if is_not_found(&e) => Err(KubeError::NotFound {
            object: format!("{}/{ns}", T::plural(&())),
            hint: String::new(),
        }),
        Err(e) => Err(KubeError::api(
            "list",
            format!("{}/{ns}", T::plural(&())),
            e,
        )),
    }
}
