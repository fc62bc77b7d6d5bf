//! AKO's own view of the custom resources it reads: the `ako.vmware.com`
//! AviInfraSetting, HostRule and HTTPRule (v1beta1, plus v1alpha1 with a conversion
//! into v1beta1 — the model only ever sees v1beta1) and OpenShift's Route.
//!
//! `k8s-fixtures` keeps an independent copy of these types on purpose, so a schema
//! mismatch between the controller and the simulated API server fails a test.

pub mod hostrule;
pub mod httprule;
pub mod infra;
pub mod route;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use hostrule::v1beta1::HostRule;
pub use httprule::v1beta1::HTTPRule;
pub use infra::v1beta1::AviInfraSetting;
pub use route::Route;

/// API group of the AKO custom resources.
pub const GROUP: &str = "ako.vmware.com";

/// `status` of every AKO CRD: `Accepted` / `Rejected` plus the reason.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
pub struct CrdStatus {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub status: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub error: String,
}
