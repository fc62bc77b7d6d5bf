//! Role (System-Admin, Tenant-Admin): privileges; AKO resolves it by name.
//! Not in the swagger summary: a partial inline table, so unknown fields are kept.
use super::defs::inline_type;

static TABLE: &str = r#"{
  "Role": {"fields": {
    "privileges": {"type": "array<object:Permission>"},
    "allow_unlabelled_access": {"type": "boolean", "default": true}
  }, "required": ["name"]}
}"#;

inline_type!("role", "Role");
