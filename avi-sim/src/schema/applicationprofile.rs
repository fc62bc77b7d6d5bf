//! ApplicationProfile (System-HTTP, System-L4-Application, ...): swagger table, shared from admin.
use super::defs::Defs;
use super::{TypeSpec, summary_defs};

fn defs() -> &'static Defs {
    summary_defs("ApplicationProfile")
}

pub static SPEC: TypeSpec = TypeSpec {
    path: "applicationprofile",
    kind: "ApplicationProfile",
    defs,
    shared: true,
    ..TypeSpec::BASE
};
