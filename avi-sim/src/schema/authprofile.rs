//! AuthProfile: swagger table; AKO resolves it by name for SSO CRDs.
use super::defs::Defs;
use super::{TypeSpec, summary_defs};

fn defs() -> &'static Defs {
    summary_defs("AuthProfile")
}

pub static SPEC: TypeSpec = TypeSpec {
    path: "authprofile",
    kind: "AuthProfile",
    defs,
    shared: true,
    ..TypeSpec::BASE
};
