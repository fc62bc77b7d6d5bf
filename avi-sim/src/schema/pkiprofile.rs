//! PKIProfile: CA certificates for client / server certificate validation.
//! Not in the swagger summary: a partial inline table, so unknown fields are kept.
use super::defs::inline_type;

static TABLE: &str = r#"{
  "PKIProfile": {"fields": {
    "ca_certs": {"type": "array<object:SSLCertificate>"},
    "crl_check": {"type": "boolean", "default": true},
    "ignore_peer_chain": {"type": "boolean", "default": false},
    "validate_only_leaf_crl": {"type": "boolean", "default": true}
  }, "required": ["name"]}
}"#;

inline_type!("pkiprofile", "PKIProfile");
