//! Fault injection payloads: `avi_fault` (served by avi-sim or a proxy in front of a
//! real controller) and `kube_fault` (served by kube-sim; in-process only).
//! Each fault has a scope (which requests), one effect, and a lifetime.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::actions::AviType;
use super::duration::Duration;

/// How long a fault lasts; read from the `rate`/`count`/`duration`/`until` keys that
/// both fault kinds carry. With none set, a fault lasts until `clear_faults`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FaultLife {
    /// Fraction of matching requests hit, in (0, 1]; default 1 (seeded, reproducible).
    pub rate: Option<f64>,
    /// Spent after hitting this many requests.
    pub count: Option<u32>,
    /// Ends after this much (simulated) time.
    pub duration: Option<Duration>,
    /// Ends when the step with this label starts.
    pub until: Option<String>,
}

/// `avi_fault`. Scope: `type`, `verb`, `name` (all optional: default every request).
/// Effect: exactly one of `error`, `outage`, `drop_response`, `reset_sessions`,
/// `leader_change`, optionally with `latency`; or `latency` alone.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AviFault {
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub avi_type: Option<AviType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verb: Option<HttpVerb>,
    /// Only requests about the object with this name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Answer with this HTTP status (400-599) and an Avi-style `{"error": message}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Delay each matching request by this much.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency: Option<Duration>,
    /// The controller does not answer at all (connection refused); scope must be empty.
    #[serde(default, skip_serializing_if = "super::skip::is_false")]
    pub outage: bool,
    /// Apply the write, then drop the response (the client sees a timeout) — B5.
    #[serde(default, skip_serializing_if = "super::skip::is_false")]
    pub drop_response: bool,
    /// Invalidate every session once (next requests get 401 until a new login), as a
    /// controller reboot looks to a client — B25.
    #[serde(default, skip_serializing_if = "super::skip::is_false")]
    pub reset_sessions: bool,
    /// Change the cluster leader reported by `/api/cluster/runtime` — B25.
    #[serde(default, skip_serializing_if = "super::skip::is_false")]
    pub leader_change: bool,
    /// Fraction of matching requests hit, in (0, 1] (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Duration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
}

impl AviFault {
    pub fn life(&self) -> FaultLife {
        FaultLife {
            rate: self.rate,
            count: self.count,
            duration: self.duration,
            until: self.until.clone(),
        }
    }

    /// Names of the effects set (besides `latency`), for validation and reports.
    pub fn effects(&self) -> Vec<&'static str> {
        [
            ("error", self.error.is_some()),
            ("outage", self.outage),
            ("drop_response", self.drop_response),
            ("reset_sessions", self.reset_sessions),
            ("leader_change", self.leader_change),
        ]
        .into_iter()
        .filter_map(|(n, on)| on.then_some(n))
        .collect()
    }
}

/// `kube_fault` (in-process only). Scope: `kind`, `verb`, `namespace`, `name`.
/// Effect: exactly one of `error` (status, e.g. 500, 404, 429 with Retry-After),
/// `drop_watches`, `lag`, `coalesce`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KubeFault {
    /// Kubernetes kind, e.g. `ConfigMap`, `Ingress`, `HostRule`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verb: Option<KubeVerb>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Answer matching requests with this status and a Kubernetes `Status` body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<u16>,
    /// Close the open watch streams; a re-watch from an old resourceVersion gets 410 Gone.
    #[serde(default, skip_serializing_if = "super::skip::is_false")]
    pub drop_watches: bool,
    /// The controller's watch view runs this far behind the API server (stale reads).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lag: Option<Duration>,
    /// Intermediate watch events are dropped: only the latest state of an object is
    /// delivered when the fault ends.
    #[serde(default, skip_serializing_if = "super::skip::is_false")]
    pub coalesce: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Duration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
}

impl KubeFault {
    pub fn life(&self) -> FaultLife {
        FaultLife {
            rate: self.rate,
            count: self.count,
            duration: self.duration,
            until: self.until.clone(),
        }
    }

    pub fn effects(&self) -> Vec<&'static str> {
        [
            ("error", self.error.is_some()),
            ("drop_watches", self.drop_watches),
            ("lag", self.lag.is_some()),
            ("coalesce", self.coalesce),
        ]
        .into_iter()
        .filter_map(|(n, on)| on.then_some(n))
        .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpVerb {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum KubeVerb {
    Get,
    List,
    Watch,
    Create,
    Update,
    Patch,
    Delete,
}
