//! VrfContext (global, management per cloud): static routes keep unique route_ids;
//! changing admin's vrf from another tenant is the 400 AKO retries as tenant admin.
use super::defs::Defs;
use super::{NameScope, TypeSpec, summary_defs};

fn defs() -> &'static Defs {
    summary_defs("VrfContext")
}

pub static SPEC: TypeSpec = TypeSpec {
    path: "vrfcontext",
    kind: "VrfContext",
    defs,
    scope: NameScope::TenantCloud,
    shared: true,
    cloud_scoped: true,
    list_keys: &[("static_routes", &["route_id"])],
    unique_items: &[("static_routes", "route_id")],
    foreign_write_error: Some("Cannot modify VrfContext"),
    ..TypeSpec::BASE
};
