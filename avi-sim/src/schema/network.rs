//! Network: configured subnets with static IP ranges that IPAM allocates VIPs from.
use super::defs::Defs;
use super::{Implied, NameScope, TypeSpec, summary_defs};

fn defs() -> &'static Defs {
    summary_defs("Network")
}

pub static SPEC: TypeSpec = TypeSpec {
    path: "network",
    kind: "Network",
    defs,
    scope: NameScope::TenantCloud,
    shared: true,
    cloud_scoped: true,
    implied: &[Implied {
        field: "vrf_context_ref",
        path: "vrfcontext",
        name: "global",
    }],
    ..TypeSpec::BASE
};
