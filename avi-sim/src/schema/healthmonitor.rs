//! HealthMonitor (System-HTTP, System-TCP, ...): swagger table, shared from admin.
use super::defs::Defs;
use super::{TypeSpec, summary_defs};

fn defs() -> &'static Defs {
    summary_defs("HealthMonitor")
}

pub static SPEC: TypeSpec = TypeSpec {
    path: "healthmonitor",
    kind: "HealthMonitor",
    defs,
    shared: true,
    ..TypeSpec::BASE
};
