//! ProtocolParser: Lua parsers DataScripts `require` by name. A real controller ships
//! `Default-TLS` (read by AKO's passthrough SNI DataScript) as a system object.
//! Not in the swagger summary: a partial inline table, so unknown fields are kept.
use super::defs::inline_type;

static TABLE: &str = r#"{
  "ProtocolParser": {"fields": {
    "parser_code": {"type": "string"},
    "description": {"type": "string"}
  }, "required": ["name", "parser_code"]}
}"#;

inline_type!("protocolparser", "ProtocolParser");
