//! Tenant (admin has uuid `admin`): globally unique, has no tenant_ref itself; its
//! `config_settings` are always filled, as a real controller's POST answer shows.
use serde_json::{Map, Value, json};

use super::defs::Defs;
use super::{NameScope, TypeSpec, summary_defs};
use crate::store::Obj;

fn defs() -> &'static Defs {
    summary_defs("Tenant")
}

pub static SPEC: TypeSpec = TypeSpec {
    path: "tenant",
    kind: "Tenant",
    defs,
    scope: NameScope::Global,
    shared: true,
    tenant_scoped: false,
    prepare: Some(prepare),
    ..TypeSpec::BASE
};

fn prepare(body: &mut Map<String, Value>, _old: Option<&Obj>) {
    body.entry("config_settings").or_insert_with(|| json!({}));
}
