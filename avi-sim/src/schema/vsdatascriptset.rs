//! VSDataScriptSet: Lua datascripts and the pools / groups / string groups they use.
use super::defs::Defs;
use super::{TypeSpec, summary_defs};

fn defs() -> &'static Defs {
    summary_defs("VSDataScriptSet")
}

pub static SPEC: TypeSpec = TypeSpec {
    path: "vsdatascriptset",
    kind: "VSDataScriptSet",
    defs,

    ..TypeSpec::BASE
};
