//! AnalyticsProfile (System-Analytics-Profile): the server's default for VSs and pools.
//! Not in the swagger summary: a partial inline table, so unknown fields are kept.
use super::defs::inline_type;

static TABLE: &str = r#"{
  "AnalyticsProfile": {"fields": {
    "apdex_response_threshold": {"type": "integer", "default": 500},
    "disable_server_analytics": {"type": "boolean", "default": false}
  }, "required": ["name"]}
}"#;

inline_type!("analyticsprofile", "AnalyticsProfile");
