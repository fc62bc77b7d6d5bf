//! The Kubernetes side of AKO-rs: ingestion into `ClusterState`, settings, status,
//! events, the StatefulSet deletion annotation and leader election.
//!
//! Contract for the controller loop:
//! - [`Ingestion::start`] starts one kube-rs watcher per kind (Services,
//!   EndpointSlices, Nodes, Secrets without Helm releases, Namespaces; Ingresses +
//!   IngressClasses, or Routes in OpenShift mode; Pods in NodePortLocal mode;
//!   HostRule / HTTPRule / AviInfraSetting at v1beta1 with the v1alpha1 fallback of
//!   F30). All feed one `ClusterState` ([`Ingestion::snapshot`],
//!   [`Ingestion::with_state`]); [`Ingestion::changes`] is a `watch` of a generation
//!   counter bumped on every delta (the loop debounces). [`Ingestion::all_synced`]
//!   is false until every watched kind listed in this process: no Avi deletion
//!   before that (B2). Objects of `blockedNamespaceList` are dropped here; every
//!   other filter is the model's. The loop must build with
//!   `cfg.openshift = ingestion.openshift()`.
//! - [`settings`]: [`settings::read_config`] / [`settings::read_avi_secret`] are
//!   `Result`s — a missing or unreadable ConfigMap is an error, never `deleteConfig`
//!   (B3, B26); [`settings::ConfigWatch`] follows live changes (deleteConfig flips).
//! - [`StatusWriter`]: Ingress / Service `.status.loadBalancer.ingress`, Route
//!   `status.ingress`, CRD `.status` from `AviGraph.status` + observed VsVip
//!   addresses, only when different (compared with the watched object), clearing
//!   status this cluster wrote on objects that left scope (B15). Only the leader
//!   writes (B14). [`DiagnosticReporter`]: a structured log line and a Kubernetes
//!   Event per new model diagnostic, deduplicated across loops.
//! - [`lifecycle`]: `AviObjectDeletionStatus` on the `ako` StatefulSet.
//! - [`Leadership`]: the `ako-lease-lock` Lease; [`Leadership::ensure_leader`] is the
//!   fence before each batch of Avi writes (B11); a holder that finds another
//!   holder at renew steps down at once (F27).

mod crd_status;
mod crd_watch;
mod error;
mod events;
mod ingest;
mod kind_watch;
mod lb_status;
mod lease;
pub mod lifecycle;
pub mod migrate;
mod npl;
pub mod settings;
mod status;

pub use error::KubeError;
pub use events::{COMPONENT, DiagnosticReporter, EventType, Events, object_reference};
pub use ingest::{DEFAULT_CRD_SOURCE, IngestConfig, Ingestion, SECRET_FIELD_SELECTOR};
pub use lease::{LEASE_NAME, Leadership, LeaseConfig};
pub use npl::NPL_ENABLED;
pub use status::{StatusReport, StatusWriter};
