//! The scenario file format (scenarios/README.md explains it with examples).
//!
//! A scenario is a YAML file: a header (`name`, `description`, `covers`, optional
//! `pending`), AKO `settings`, the `cluster` it starts from, and `steps` — actions
//! (apply/delete/patch Kubernetes objects, change settings, restart or kill the
//! controller, inject faults, move time) and assertions (`expect_*`). This module owns
//! the types, the loader with positioned errors, load-time validation, field-pattern
//! matching and the JSON Schema; playing a scenario is the runner's job.

mod actions;
mod cluster;
mod coverage;
mod duration;
mod error;
mod expect;
mod faults;
mod fill;
mod load;
#[cfg(test)]
mod load_tests;
mod manifest;
mod objref;
mod pattern;
mod pattern_match;
mod settings;
mod skip;
mod step;
mod text;
mod validate;

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use actions::{
    AviApply, AviDelete, AviObjectId, AviType, Capture, ClearFaults, Cli, Delete, Differential,
    Instance, Kill, Patch, Restart, SettingsChange, Start, StartSecondInstance, Subresource,
    WaitConverged,
};
pub use cluster::{Cluster, CrdSet};
pub use coverage::{BUG_MAX, CoverageId, FAQ_MAX};
pub use duration::Duration;
pub use error::ScenarioError;
pub use expect::{
    EventType, ExpectAnnotation, ExpectAviCount, ExpectAviObject, ExpectAviWrites, ExpectEvent,
    ExpectInvariants, ExpectKube, ExpectKubeWrites, ExpectLeader, ExpectLog, ExpectNoWrites,
    ExpectReady, ExpectShard, ExpectStarts, ExpectStatus, MarkerFilter, Presence, Since, WriteVerb,
};
pub use faults::{AviFault, FaultLife, HttpVerb, KubeFault, KubeVerb};
pub use fill::{capture_reads, fill_captures};
pub use load::discover;
pub use manifest::{KubeObject, Manifests, load_manifest_file};
pub use objref::ObjectRef;
pub use pattern::Pattern;
pub use pattern_match::{Captures, Mismatch, ref_name, value_at};
pub use settings::{
    AutoFqdn, CniPlugin, FqdnReusePolicy, IpFamily, LogLevel, NamespaceSelector, NodeNetwork,
    NodePortSelector, ServiceType, Settings, ShardHash, ShardSize, VipNetwork,
};
pub use step::{STEP_KEYS, Step, StepKind};

/// One scenario file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// The file it was loaded from (relative `file:` references resolve against its
    /// directory). Not part of the YAML.
    #[serde(skip)]
    #[schemars(skip)]
    pub path: PathBuf,
    /// Equal to the file name without `.yaml`; also the test's name.
    pub name: String,
    /// What the scenario shows, for people.
    pub description: String,
    /// FAQ promises (F1-F30) and regressions (B1-B26) this scenario checks.
    pub covers: Vec<CoverageId>,
    /// The feature is not built yet: the runner reports the scenario as pending
    /// instead of playing it. Needs `pending_reason`.
    #[serde(default, skip_serializing_if = "skip::is_false")]
    pub pending: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_reason: Option<String>,
    /// AKO settings over the controller defaults; `clusterName` is required.
    pub settings: Settings,
    #[serde(default, skip_serializing_if = "skip::is_default")]
    pub cluster: Cluster,
    /// Start `ako-0` before the first step (default true). With `false`, a `start`
    /// step starts it, so steps before it can prepare Kubernetes and Avi.
    #[serde(default = "autostart_default", skip_serializing_if = "skip::is_true")]
    pub autostart: bool,
    pub steps: Vec<Step>,
}

fn autostart_default() -> bool {
    true
}

impl Scenario {
    /// The scenario as YAML that [`Scenario::parse`] reads back to an equal value
    /// (defaults left out), e.g. to write a shrunk property-test failure to a file.
    pub fn to_yaml(&self) -> Result<String, serde_yaml::Error> {
        serde_yaml::to_string(self)
    }
}

/// The JSON Schema of the format (checked in as scenarios/schema.json).
pub fn json_schema() -> serde_json::Value {
    schemars::schema_for!(Scenario).to_value()
}
