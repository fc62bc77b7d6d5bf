//! AKO-rs: keeps an Avi controller equal to what a Kubernetes cluster asks for.
//!
//! Data path: kube ingestion -> `model::build` (pure) -> `sync` diff/plan -> Avi REST.
//! See DESIGN.md at the repository root of the shared docs for the contracts.

pub mod avi;
pub mod config;
pub mod controller;
pub mod crd;
pub mod http;
pub mod kube;
pub mod metrics;
pub mod model;
pub mod naming;
pub mod shard;
pub mod sync;
