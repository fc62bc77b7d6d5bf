//! PKIProfile: CA certificates for client / server certificate validation.
//! Not in the swagger summary: a partial inline table, so unknown fields are kept.
use std::sync::LazyLock;

use super::TypeSpec;
use super::defs::{Defs, parse_inline};

static TABLE: &str = r#"{
  "PKIProfile": {"fields": {
    "ca_certs": {"type": "array<object:SSLCertificate>"},
    "crl_check": {"type": "boolean", "default": true},
    "ignore_peer_chain": {"type": "boolean", "default": false},
    "validate_only_leaf_crl": {"type": "boolean", "default": true}
  }, "required": ["name"]}
}"#;

static DEFS: LazyLock<Defs> = LazyLock::new(|| parse_inline("PKIProfile", TABLE));

fn defs() -> &'static Defs {
    &DEFS
}

pub static SPEC: TypeSpec = TypeSpec {
    path: "pkiprofile",
    kind: "PKIProfile",
    defs,
    strict: false,
    shared: true,
    ..TypeSpec::BASE
};
