//! Payloads of the steps that change something: Kubernetes objects, AKO settings,
//! controller instances, time, out-of-band Avi edits, the `ako` CLI, captures.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::duration::Duration;
use super::objref::ObjectRef;
use super::settings::Settings;
use super::step::Step;

/// A controller instance: the pods of the `ako` StatefulSet (at most two, F27).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum Instance {
    #[serde(rename = "ako-0")]
    Ako0,
    #[serde(rename = "ako-1")]
    Ako1,
}

/// `delete`: one object by reference, or every object of a manifest file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Delete {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<ObjectRef>,
    /// e.g. `ako.vmware.com/v1alpha1`; default: the server's preferred version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// Manifest file (relative to the scenario); its objects are deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<std::path::PathBuf>,
}

/// `patch`: a JSON merge patch (RFC 7386) on one object or its status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Patch {
    pub object: ObjectRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// `status` patches the status subresource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subresource: Option<Subresource>,
    /// The merge patch; `null` removes a key; `{$capture: id}` stands for a captured value.
    pub patch: Map<String, Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Subresource {
    Status,
}

/// `settings`: change AKO settings (the `avi-k8s-config` ConfigMap). Live keys
/// (`deleteConfig`, `logLevel`, `enableEvents`) act at once; the others when the
/// controller next starts — `restart: true` restarts every running instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsChange {
    pub values: Settings,
    pub restart: bool,
}

/// `start`: start an instance that is not running (default `ako-0`); needed when the
/// scenario sets `autostart: false` or after `stop_instance`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Start {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<Instance>,
}

/// `restart`: graceful stop (lease released) then start. Default instance: the
/// current leader.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Restart {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<Instance>,
}

/// `kill`: crash without cleanup (no lease release, in-flight requests abandoned).
/// The instance comes back (like a pod restarted by its StatefulSet) unless
/// `restart: false`. Default instance: the leader.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Kill {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<Instance>,
    #[serde(default = "yes", skip_serializing_if = "super::skip::is_true")]
    pub restart: bool,
}

fn yes() -> bool {
    true
}

/// `start_second_instance`: start `ako-1` beside the running `ako-0` (HA).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StartSecondInstance {}

/// `clear_faults`: remove injected faults (both sides unless one is set false).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClearFaults {
    #[serde(default = "yes", skip_serializing_if = "super::skip::is_true")]
    pub avi: bool,
    #[serde(default = "yes", skip_serializing_if = "super::skip::is_true")]
    pub kube: bool,
}

/// `wait_converged`: wait until the active instance is idle — every change made by
/// earlier steps processed, no Avi write queued or in flight, statuses written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WaitConverged {
    /// Fail after this long (default 30s).
    #[serde(default = "default_timeout")]
    pub timeout: Duration,
    /// Objects failing on Avi and waiting in backoff count as settled (default false:
    /// such an object fails the step).
    #[serde(default, skip_serializing_if = "super::skip::is_false")]
    pub allow_failing: bool,
}

fn default_timeout() -> Duration {
    Duration::from_secs(30)
}

/// `avi_apply`: an out-of-band edit on the Avi controller (as `admin`, not counted as
/// a controller write): create the object with `fields` as its body, or if it exists
/// apply `fields` as a JSON merge patch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AviApply {
    #[serde(rename = "type")]
    pub avi_type: AviType,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    /// The uuid a created object gets (sent as the `Slug` header, like the Python
    /// SDK's `force_uuid`); an existing object with another uuid fails the step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
    /// Body or merge patch; `{$capture: id}` stands for a captured value.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub fields: Map<String, Value>,
}

/// `avi_delete`: an out-of-band delete on the Avi controller.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AviDelete {
    #[serde(rename = "type")]
    pub avi_type: AviType,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
}

/// `cli`: run the `ako` binary against the scenario's cluster and Avi controller.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cli {
    /// Arguments after `ako`, e.g. `[shard, foo.com]`.
    pub args: Vec<String>,
    #[serde(default, skip_serializing_if = "super::skip::is_default")]
    pub exit_code: i32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stdout_contains: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stderr_contains: Vec<String>,
}

/// `capture`: remember a value for later `{$capture: as}` patterns. Exactly one of
/// `avi` / `kube`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Capture {
    #[serde(rename = "as")]
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avi: Option<AviObjectId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kube: Option<ObjectRef>,
    /// Dotted path into the object; list indexes are numbers: `vip.0.ip_address.addr`.
    pub path: String,
}

/// An Avi object by type and name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AviObjectId {
    #[serde(rename = "type")]
    pub avi_type: AviType,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
}

/// `differential`: two step lists that must lead to the same Avi state. The runner
/// saves both simulators' state, plays `a` then waits for convergence, records the
/// normalised Avi state, restores the saved state, plays `b`, converges and compares;
/// the scenario continues from the end of `b`. In-process mode only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Differential {
    pub a: Vec<Step>,
    pub b: Vec<Step>,
}

/// Avi object types scenarios name (collection names of the Avi REST API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AviType {
    Virtualservice,
    Vsvip,
    Pool,
    Poolgroup,
    Httppolicyset,
    Vsdatascriptset,
    L4policyset,
    Sslkeyandcertificate,
    Pkiprofile,
    Stringgroup,
    Applicationpersistenceprofile,
    Vrfcontext,
    Serviceenginegroup,
    Cloud,
    Network,
    Tenant,
    Healthmonitor,
    Ipamdnsproviderprofile,
}
