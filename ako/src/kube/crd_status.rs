//! PURE: the `.status` of a HostRule / HTTPRule / AviInfraSetting — `Accepted`, or
//! `Rejected` with the model's error messages (spec §5, crd_status.go).

use serde_json::{Value, json};

use crate::crd::CrdStatus;
use crate::model::{Diagnostic, Severity};

pub(crate) const ACCEPTED: &str = "Accepted";
pub(crate) const REJECTED: &str = "Rejected";

/// The status the object should carry, as the JSON its status holds.
pub(crate) fn desired(diagnostics: &[&Diagnostic]) -> CrdStatus {
    let errors: Vec<&str> = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.message.as_str())
        .collect();
    if errors.is_empty() {
        CrdStatus {
            status: ACCEPTED.into(),
            error: String::new(),
        }
    } else {
        CrdStatus {
            status: REJECTED.into(),
            error: errors.join("; "),
        }
    }
}

/// The merge patch that sets `status` (an empty `error` is removed).
pub(crate) fn patch(status: &CrdStatus) -> Value {
    let error = (!status.error.is_empty()).then_some(status.error.as_str());
    json!({"status": {"status": status.status, "error": error}})
}
