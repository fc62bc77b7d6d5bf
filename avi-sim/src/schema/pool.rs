//! Pool: servers (max 5000, PATCH key ip + port), health monitors (max 50); the
//! server fills vrf and analytics refs.
use super::defs::Defs;
use super::{Implied, TypeSpec, summary_defs};

fn defs() -> &'static Defs {
    summary_defs("Pool")
}

pub static SPEC: TypeSpec = TypeSpec {
    path: "pool",
    kind: "Pool",
    defs,
    cloud_scoped: true,
    list_keys: &[("servers", &["ip", "port"])],
    implied: &[
        Implied {
            field: "vrf_ref",
            path: "vrfcontext",
            name: "global",
        },
        Implied {
            field: "analytics_profile_ref",
            path: "analyticsprofile",
            name: "System-Analytics-Profile",
        },
    ],
    ..TypeSpec::BASE
};
