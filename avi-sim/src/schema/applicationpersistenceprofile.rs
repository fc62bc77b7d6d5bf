//! ApplicationPersistenceProfile: session persistence referenced by pools.
//! Not in the swagger summary: a partial inline table, so unknown fields are kept.
use std::sync::LazyLock;

use super::TypeSpec;
use super::defs::{Defs, parse_inline};

static TABLE: &str = r#"{
  "ApplicationPersistenceProfile": {"fields": {
    "persistence_type": {"type": "string", "required": true, "default": "PERSISTENCE_TYPE_CLIENT_IP_ADDRESS",
      "enum": ["PERSISTENCE_TYPE_CLIENT_IP_ADDRESS", "PERSISTENCE_TYPE_HTTP_COOKIE",
               "PERSISTENCE_TYPE_TLS", "PERSISTENCE_TYPE_CLIENT_IPV6_ADDRESS",
               "PERSISTENCE_TYPE_CUSTOM_HTTP_HEADER", "PERSISTENCE_TYPE_APP_COOKIE",
               "PERSISTENCE_TYPE_GSLB_SITE"]},
    "server_hm_down_recovery": {"type": "string", "default": "HM_DOWN_PICK_NEW_SERVER"}
  }, "required": ["name", "persistence_type"]}
}"#;

static DEFS: LazyLock<Defs> =
    LazyLock::new(|| parse_inline("ApplicationPersistenceProfile", TABLE));

fn defs() -> &'static Defs {
    &DEFS
}

pub static SPEC: TypeSpec = TypeSpec {
    path: "applicationpersistenceprofile",
    kind: "ApplicationPersistenceProfile",
    defs,
    strict: false,
    shared: true,
    ..TypeSpec::BASE
};
