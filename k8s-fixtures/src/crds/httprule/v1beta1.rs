//! HTTPRule `ako.vmware.com/v1beta1`, the storage version and the one AKO reads.

super::httprule_version!(
    "v1beta1",
    path_extra: {
    #[serde(rename = "enableHTTP2", skip_serializing_if = "Option::is_none")]
    pub enable_http2: Option<bool>,
    }
);
