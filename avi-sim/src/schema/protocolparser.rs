//! ProtocolParser: Lua parsers DataScripts `require` by name. A real controller ships
//! `Default-TLS` (read by AKO's passthrough SNI DataScript) as a system object.
//! Not in the swagger summary: a partial inline table, so unknown fields are kept.
use std::sync::LazyLock;

use super::TypeSpec;
use super::defs::{Defs, parse_inline};

static TABLE: &str = r#"{
  "ProtocolParser": {"fields": {
    "parser_code": {"type": "string"},
    "description": {"type": "string"}
  }, "required": ["name", "parser_code"]}
}"#;

static DEFS: LazyLock<Defs> = LazyLock::new(|| parse_inline("ProtocolParser", TABLE));

fn defs() -> &'static Defs {
    &DEFS
}

pub static SPEC: TypeSpec = TypeSpec {
    path: "protocolparser",
    kind: "ProtocolParser",
    defs,
    strict: false,
    shared: true,
    ..TypeSpec::BASE
};
