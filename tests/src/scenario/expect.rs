//! Payloads of the assertion steps (`expect_*`). Each is checked once when reached,
//! or polled until it holds when the step carries `within: <duration>`.

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::actions::{AviType, Instance};
use super::objref::ObjectRef;
use super::pattern::Pattern;
use super::text::string_type;

/// One entry of `expect_avi`: the object exists and its fields match, or is absent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectAviObject {
    #[serde(rename = "type")]
    pub avi_type: AviType,
    pub name: String,
    /// Default: the scenario's tenant (`tenantName`, default `admin`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Pattern>,
    #[serde(default, skip_serializing_if = "super::skip::is_false")]
    pub absent: bool,
}

/// `expect_avi_count`: how many objects of a type match every filter given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectAviCount {
    #[serde(rename = "type")]
    pub avi_type: AviType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_prefix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    /// A `markers` entry `{key, values: [value, ...]}` containing `value`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marker: Option<MarkerFilter>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkerFilter {
    pub key: String,
    pub value: String,
}

/// `expect_shard`: `host` is served by shared VS `vs` — listed in its VsVip's
/// `dns_info`, and its pools are members of `vs`'s pool group (insecure) or its SNI
/// child's `vh_parent_vs_ref` is `vs` (secure).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectShard {
    pub host: String,
    pub vs: String,
}

/// `expect_status`: the `.status` of a Kubernetes object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectStatus {
    pub object: ObjectRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// `present`: `status.loadBalancer.ingress` has an entry with an `ip` or
    /// `hostname`; `absent`: it is missing or empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_balancer: Option<Presence>,
    /// Matched against `.status` (e.g. CRDs: `{status: Accepted}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Pattern>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Presence {
    Present,
    Absent,
}

/// `expect_kube`: a whole Kubernetes object read at an API version (or its absence).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectKube {
    pub object: ObjectRef,
    /// Read at this version, e.g. `ako.vmware.com/v1alpha1`; default: preferred.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Pattern>,
    #[serde(default, skip_serializing_if = "super::skip::is_false")]
    pub absent: bool,
}

/// `expect_event`: a Kubernetes Event about `object` with this reason and/or message
/// exists (or, with `absent`, none does).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectEvent {
    pub object: ObjectRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub event_type: Option<EventType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_contains: Option<String>,
    #[serde(default, skip_serializing_if = "super::skip::is_false")]
    pub absent: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum EventType {
    Normal,
    Warning,
}

/// `expect_annotation`: `metadata.annotations[key]` of `object` equals `value`, is
/// present (no `value`), or is absent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectAnnotation {
    pub object: ObjectRef,
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "super::skip::is_false")]
    pub absent: bool,
}

/// `expect_log`: some log line of the controller (one instance, or any) contains
/// `contains`, or — with `absent` — none does. Lines are the plain-text rendering
/// (`LEVEL target: message key=value ...`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectLog {
    pub contains: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<Instance>,
    /// Only lines logged after this point (default `start`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<Since>,
    #[serde(default, skip_serializing_if = "super::skip::is_false")]
    pub absent: bool,
}

/// `expect_avi_writes`: count the controller's Avi writes (POST, PUT, PATCH, DELETE)
/// since a point, optionally only of a type / verb / object name / instance / answer.
/// Out-of-band `avi_apply` edits are not counted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectAviWrites {
    #[serde(default, skip_serializing_if = "super::skip::is_default")]
    pub since: Since,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub avi_type: Option<AviType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verb: Option<WriteVerb>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<Instance>,
    /// Only writes Avi answered with this HTTP status (e.g. 409).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<u32>,
    /// Exactly this many.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
}

/// `expect_no_writes`: no controller Avi write since a point (default `last_converged`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectNoWrites {
    #[serde(default, skip_serializing_if = "super::skip::is_default")]
    pub since: Since,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub avi_type: Option<AviType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<Instance>,
}

/// `expect_kube_writes`: Kubernetes writes (create/update/patch/delete, incl. status
/// and events) by the controller since a point. In-process only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectKubeWrites {
    #[serde(default, skip_serializing_if = "super::skip::is_default")]
    pub since: Since,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<Instance>,
    pub max: u32,
}

/// `expect_leader`: this instance holds the `ako-lease-lock` Lease.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectLeader {
    pub instance: Instance,
}

/// `expect_ready`: the instance's readiness endpoint answers ready (or not). Default
/// instance: the leader, or `ako-0` while none leads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectReady {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<Instance>,
    pub ready: bool,
}

/// `expect_starts`: how many times the instance's process was started since the
/// beginning — by `autostart`/`start`, restarts, kills and crashes, and any restart
/// the controller did by itself (the original restarted on an Avi reboot, B25).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectStarts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<Instance>,
    pub count: u32,
}

/// `expect_invariants`: the numbered invariants of DESIGN.md ("Scenarios") hold now;
/// `only` limits the check to some of 1-7 (default: all).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectInvariants {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub only: Vec<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum WriteVerb {
    Post,
    Put,
    Patch,
    Delete,
}

/// A point in the run that counting starts from: `start` (the beginning of the run,
/// before `autostart`),
/// `last_converged` (the end of the latest `wait_converged` before this step — the
/// default), or the label of an earlier step (counting starts when it starts).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum Since {
    Start,
    #[default]
    LastConverged,
    Label(String),
}

impl FromStr for Since {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "start" => Self::Start,
            "last_converged" => Self::LastConverged,
            _ => Self::Label(s.to_owned()),
        })
    }
}

impl fmt::Display for Since {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Start => f.write_str("start"),
            Self::LastConverged => f.write_str("last_converged"),
            Self::Label(l) => f.write_str(l),
        }
    }
}

string_type!(
    Since,
    "Since",
    "`start`, `last_converged` or a step label",
    "^\\S+$",
    "`start`, `last_converged`, or the label of an earlier step."
);
