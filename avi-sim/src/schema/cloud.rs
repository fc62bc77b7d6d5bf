//! Cloud (Default-Cloud): globally unique name, shared by every tenant.
use super::defs::Defs;
use super::{NameScope, TypeSpec, summary_defs};

fn defs() -> &'static Defs {
    summary_defs("Cloud")
}

pub static SPEC: TypeSpec = TypeSpec {
    path: "cloud",
    kind: "Cloud",
    defs,
    scope: NameScope::Global,
    shared: true,
    ..TypeSpec::BASE
};
