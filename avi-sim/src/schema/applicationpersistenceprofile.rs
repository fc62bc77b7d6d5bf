//! ApplicationPersistenceProfile: session persistence referenced by pools.
//! Not in the swagger summary: a partial inline table, so unknown fields are kept.
use super::defs::inline_type;

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

inline_type!(
    "applicationpersistenceprofile",
    "ApplicationPersistenceProfile"
);
