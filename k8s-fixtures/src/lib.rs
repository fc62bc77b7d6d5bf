//! AKO CRD types and manifests, Kubernetes fixture builders, and kube-sim, an in-memory
//! Kubernetes API server.

pub mod build;
pub mod crds;
pub mod kube_sim;
