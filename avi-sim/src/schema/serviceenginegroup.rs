//! ServiceEngineGroup (Default-Group per cloud): unique per tenant and cloud.
use super::defs::Defs;
use super::{NameScope, TypeSpec, summary_defs};

fn defs() -> &'static Defs {
    summary_defs("ServiceEngineGroup")
}

pub static SPEC: TypeSpec = TypeSpec {
    path: "serviceenginegroup",
    kind: "ServiceEngineGroup",
    defs,
    scope: NameScope::TenantCloud,
    shared: true,
    cloud_scoped: true,
    ..TypeSpec::BASE
};
