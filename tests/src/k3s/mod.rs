//! `scenario --k3s`: the scenario suite against a real Kubernetes API server (K3s in a
//! Docker container, cargo feature `conformance`). [`kubeconfig`] is pure and always
//! compiled; the container itself is behind the feature.

#[cfg(feature = "conformance")]
mod cluster;
pub mod kubeconfig;

#[cfg(feature = "conformance")]
pub use cluster::{K3sCluster, K3sError};
