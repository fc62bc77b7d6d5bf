//! NetworkProfile (System-TCP-Proxy, System-UDP-Fast-Path, ...): swagger table, shared from admin.
use super::defs::Defs;
use super::{TypeSpec, summary_defs};

fn defs() -> &'static Defs {
    summary_defs("NetworkProfile")
}

pub static SPEC: TypeSpec = TypeSpec {
    path: "networkprofile",
    kind: "NetworkProfile",
    defs,
    shared: true,
    ..TypeSpec::BASE
};
