//! StringGroup: key/value string lists used by policy matches.
use super::defs::Defs;
use super::{TypeSpec, summary_defs};

fn defs() -> &'static Defs {
    summary_defs("StringGroup")
}

pub static SPEC: TypeSpec = TypeSpec {
    path: "stringgroup",
    kind: "StringGroup",
    defs,

    ..TypeSpec::BASE
};
