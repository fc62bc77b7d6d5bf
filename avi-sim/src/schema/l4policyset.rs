//! L4PolicySet: multi-port L4 rules selecting pools / pool groups.
use super::defs::Defs;
use super::{TypeSpec, summary_defs};

fn defs() -> &'static Defs {
    summary_defs("L4PolicySet")
}

pub static SPEC: TypeSpec = TypeSpec {
    path: "l4policyset",
    kind: "L4PolicySet",
    defs,

    ..TypeSpec::BASE
};
