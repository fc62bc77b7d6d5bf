//! PURE: `ClusterState` + `AkoConfig` → `AviGraph` + diagnostics. No I/O, no clocks,
//! no randomness, no environment: the same input gives the same graph, byte for byte.
//!
//! Submodules: `state`/`key` (the input index), `graph` (the output), `wire` (Avi
//! body structs), `ctx` (shared refs, the output being built), `scope` (namespaces,
//! classes, infra settings), `rules` (HostRule / HTTPRule), `backend` (pool
//! servers), `objects` (VsVip / pool builders), `l4`, `l7` (Ingresses, Routes,
//! passthrough), `vrf` (static routes); `input` (YAML manifests → state) and
//! `report` (graph → reviewable YAML) serve `ako plan` and the tests.

mod backend;
mod ctx;
mod graph;
pub mod input;
mod key;
mod l4;
mod l7;
mod objects;
pub mod report;
mod rules;
mod scope;
mod state;
mod vrf;
mod wire;

pub use backend::{NPL_ANNOTATION, SKIP_NODEPORT_ANNOTATION};
pub use ctx::DEFAULT_VRF;
pub use graph::{
    AviGraph, AviKey, AviKind, AviObject, Diagnostic, LbStatus, Severity, StaticRoute, VrfRoutes,
    avi_ref,
};
pub use key::{Kind, ObjectKey};
pub use l4::{LB_CLASS, LB_IP_ANNOTATION};
pub use l7::MAX_FQDNS_PER_VS;
pub use scope::{AVI_CONTROLLER, DEFAULT_CLASS_ANNOTATION, INFRA_ANNOTATION, NetworkId};
pub use state::{ClusterState, SERVICE_NAME_LABEL, StateObject, key_of};
pub use vrf::POD_CIDRS_ANNOTATION;

use crate::config::AkoConfig;

/// Computes the Avi objects this cluster should have, and what is wrong with the
/// input. With `deleteConfig` the graph is empty (static routes cleared too).
pub fn build(state: &ClusterState, cfg: &AkoConfig) -> (AviGraph, Vec<Diagnostic>) {
    let env = ctx::Env::new(cfg);
    let mut out = ctx::Out::default();
    if cfg.delete_config {
        if vrf::enabled(&env) {
            out.graph.vrf = Some(VrfRoutes {
                vrf: env.vrf_name.to_owned(),
                routes: Default::default(),
            });
        }
        return (out.graph, out.diags);
    }
    let namespaces = scope::Namespaces::new(state, cfg);
    let infras = scope::Infras::new(state, cfg, &mut out);
    let rules = rules::resolve(state, &namespaces, &mut out);
    l4::build(&env, &mut out, state, &namespaces, &infras);
    l7::build(&env, &mut out, state, &namespaces, &infras, &rules);
    vrf::build(&env, &mut out, state, &infras);
    let mut diags = out.diags;
    diags.sort();
    diags.dedup();
    (out.graph, diags)
}
