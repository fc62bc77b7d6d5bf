//! PoolGroup: members ref pools (a referenced pool cannot be deleted).
use super::defs::Defs;
use super::{TypeSpec, summary_defs};

fn defs() -> &'static Defs {
    summary_defs("PoolGroup")
}

pub static SPEC: TypeSpec = TypeSpec {
    path: "poolgroup",
    kind: "PoolGroup",
    defs,
    cloud_scoped: true,
    ..TypeSpec::BASE
};
