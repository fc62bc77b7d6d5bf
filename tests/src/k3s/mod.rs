//! `scenario --k3s`: the scenario suite against a real Kubernetes API server (K3s in a
//! Docker container, cargo feature `conformance`). [`kubeconfig`] and [`setup`] need no
//! container and are compiled (and tested) in every build; the container itself is
//! behind the feature.

#[cfg(feature = "conformance")]
mod cluster;
pub mod kubeconfig;
pub mod setup;

#[cfg(feature = "conformance")]
pub use cluster::{K3sCluster, K3sError};
