//! Role (System-Admin, Tenant-Admin): privileges; AKO resolves it by name.
//! Not in the swagger summary: a partial inline table, so unknown fields are kept.
use std::sync::LazyLock;

use super::TypeSpec;
use super::defs::{Defs, parse_inline};

static TABLE: &str = r#"{
  "Role": {"fields": {
    "privileges": {"type": "array<object:Permission>"},
    "allow_unlabelled_access": {"type": "boolean", "default": true}
  }, "required": ["name"]}
}"#;

static DEFS: LazyLock<Defs> = LazyLock::new(|| parse_inline("Role", TABLE));

fn defs() -> &'static Defs {
    &DEFS
}

pub static SPEC: TypeSpec = TypeSpec {
    path: "role",
    kind: "Role",
    defs,
    strict: false,
    shared: true,
    ..TypeSpec::BASE
};
