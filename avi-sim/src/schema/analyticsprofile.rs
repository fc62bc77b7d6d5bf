//! AnalyticsProfile (System-Analytics-Profile): the server's default for VSs and pools.
//! Not in the swagger summary: a partial inline table, so unknown fields are kept.
use std::sync::LazyLock;

use super::TypeSpec;
use super::defs::{Defs, parse_inline};

static TABLE: &str = r#"{
  "AnalyticsProfile": {"fields": {
    "apdex_response_threshold": {"type": "integer", "default": 500},
    "disable_server_analytics": {"type": "boolean", "default": false}
  }, "required": ["name"]}
}"#;

static DEFS: LazyLock<Defs> = LazyLock::new(|| parse_inline("AnalyticsProfile", TABLE));

fn defs() -> &'static Defs {
    &DEFS
}

pub static SPEC: TypeSpec = TypeSpec {
    path: "analyticsprofile",
    kind: "AnalyticsProfile",
    defs,
    strict: false,
    shared: true,
    ..TypeSpec::BASE
};
