//! HostRule `ako.vmware.com/v1beta1`, the storage version and the one AKO reads. Adds to
//! v1alpha1: `useRegex`, `applicationRootPath`, `l7Rule`, `networkSecurityPolicy` and
//! `analyticsPolicy.fullClientLogs.duration`.

super::hostrule_version!(
    "v1beta1",
    virtualhost_extra: {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub use_regex: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_root_path: Option<String>,
    /// Name of an L7Rule in the same namespace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub l7_rule: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_security_policy: Option<String>,
    },
    full_client_logs_extra: {
    /// Minutes to capture non-significant logs; 0 means forever.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0))]
    pub duration: Option<u32>,
    }
);
