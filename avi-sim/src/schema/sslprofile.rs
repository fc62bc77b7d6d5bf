//! SSLProfile (System-Standard): accepted TLS versions and ciphers.
//! Not in the swagger summary: a partial inline table, so unknown fields are kept.
use super::defs::inline_type;

static TABLE: &str = r#"{
  "SSLProfile": {"fields": {
    "accepted_versions": {"type": "array<object:SSLVersion>"},
    "accepted_ciphers": {"type": "string", "default": "aECDSA:aRSA"},
    "cipher_enums": {"type": "array<string>"},
    "send_close_notify": {"type": "boolean", "default": true},
    "prefer_client_cipher_ordering": {"type": "boolean", "default": false},
    "enable_ssl_session_reuse": {"type": "boolean", "default": true},
    "ssl_session_timeout": {"type": "integer", "default": 86400},
    "type": {"type": "string", "default": "SSL_PROFILE_TYPE_APPLICATION",
             "enum": ["SSL_PROFILE_TYPE_APPLICATION", "SSL_PROFILE_TYPE_SYSTEM"]}
  }, "required": ["name"]},
  "SSLVersion": {"fields": {
    "type": {"type": "string", "required": true, "enum": ["SSL_VERSION_SSLV3",
      "SSL_VERSION_TLS1", "SSL_VERSION_TLS1_1", "SSL_VERSION_TLS1_2", "SSL_VERSION_TLS1_3"]}
  }, "required": ["type"]}
}"#;

inline_type!("sslprofile", "SSLProfile");
