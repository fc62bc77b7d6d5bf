//! WafPolicy: WAF mode and paranoia level; referenced by virtual services.
//! Not in the swagger summary: a partial inline table, so unknown fields are kept.
use super::defs::inline_type;

static TABLE: &str = r#"{
  "WafPolicy": {"fields": {
    "mode": {"type": "string", "default": "WAF_MODE_DETECTION_ONLY",
             "enum": ["WAF_MODE_DETECTION_ONLY", "WAF_MODE_ENFORCEMENT"]},
    "paranoia_level": {"type": "string", "default": "WAF_PARANOIA_LEVEL_LOW",
      "enum": ["WAF_PARANOIA_LEVEL_LOW", "WAF_PARANOIA_LEVEL_MEDIUM",
               "WAF_PARANOIA_LEVEL_HIGH", "WAF_PARANOIA_LEVEL_EXTREME"]},
    "allow_mode_delegation": {"type": "boolean", "default": true},
    "enable_app_learning": {"type": "boolean", "default": false}
  }, "required": ["name"]}
}"#;

inline_type!("wafpolicy", "WafPolicy");
