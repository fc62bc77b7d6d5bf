//! HTTPPolicySet: request/response rules; rule switching actions ref pools and pool groups.
use super::defs::Defs;
use super::{TypeSpec, summary_defs};

fn defs() -> &'static Defs {
    summary_defs("HTTPPolicySet")
}

pub static SPEC: TypeSpec = TypeSpec {
    path: "httppolicyset",
    kind: "HTTPPolicySet",
    defs,

    ..TypeSpec::BASE
};
