//! `Step`: one entry of `steps:` — exactly one step kind (the map's one key besides
//! `label` and `within`). The step is read straight off the YAML stream so that a
//! mistake inside it keeps its line and column.

use std::fmt;

use schemars::JsonSchema;
use serde::de::{
    self, Deserialize, DeserializeSeed, Deserializer, EnumAccess, MapAccess, VariantAccess, Visitor,
};

use super::actions::{
    AviApply, AviDelete, Capture, ClearFaults, Cli, Delete, Differential, Instance, Kill, Patch,
    Restart, SettingsChange, Start, StartSecondInstance, WaitConverged,
};
use super::cluster::CrdSet;
use super::duration::Duration;
use super::expect::{
    ExpectAnnotation, ExpectAviCount, ExpectAviObject, ExpectAviWrites, ExpectEvent,
    ExpectInvariants, ExpectKube, ExpectKubeWrites, ExpectLeader, ExpectLog, ExpectNoWrites,
    ExpectReady, ExpectShard, ExpectStarts, ExpectStatus,
};
use super::faults::{AviFault, KubeFault};
use super::manifest::Manifests;

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Names the step for `since:`, `until:` and reports; unique in the scenario.
    pub label: Option<String>,
    /// Assertions only: poll until the assertion holds, failing after this long.
    pub within: Option<Duration>,
    pub kind: StepKind,
}

/// Every step kind; the YAML key is the snake_case variant name.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// Create Kubernetes objects, or replace them (like `kubectl apply`).
    Apply(Manifests),
    /// Delete a Kubernetes object, or every object of a manifest file.
    Delete(Delete),
    /// JSON merge patch on an object or its status.
    Patch(Patch),
    /// Replace the installed `ako.vmware.com` CRDs with a set; stored objects stay.
    Crds(CrdSet),
    /// Change AKO settings (the `avi-k8s-config` ConfigMap), restarting or not.
    Settings(Box<SettingsChange>),
    /// Start an instance that is not running (default `ako-0`).
    Start(Start),
    /// Graceful restart of an instance (default: the leader).
    Restart(Restart),
    /// Crash an instance without cleanup; it comes back unless `restart: false`.
    Kill(Kill),
    /// Start `ako-1` next to `ako-0`.
    StartSecondInstance(StartSecondInstance),
    /// Stop an instance gracefully (the pod is deleted and not replaced).
    StopInstance(Instance),
    /// Inject a fault on the Avi side.
    AviFault(AviFault),
    /// Remove injected faults.
    ClearFaults(ClearFaults),
    /// Inject a fault on the Kubernetes side (in-process only).
    KubeFault(KubeFault),
    /// Move the simulated clock forward (backoffs, periodic sync, lease expiry, timeouts).
    /// Against an external cluster the runner sleeps this long.
    AdvanceTime(Duration),
    /// Kill the active instance right after its n-th Avi write from now (before the
    /// next one); it is started again at once, as its StatefulSet would.
    CrashBetweenWrites(u32),
    /// Wait until the active instance has nothing left to do.
    WaitConverged(WaitConverged),
    /// Out-of-band create-or-merge of an Avi object (not a controller write).
    AviApply(AviApply),
    /// Out-of-band delete of an Avi object.
    AviDelete(AviDelete),
    /// Run the `ako` CLI against this scenario's cluster and Avi controller.
    Cli(Cli),
    /// Remember a value for later `{$capture: id}` patterns.
    Capture(Capture),
    /// Avi objects exist with matching fields, or are absent.
    ExpectAvi(Vec<ExpectAviObject>),
    /// Number of Avi objects of a type matching filters.
    ExpectAviCount(ExpectAviCount),
    /// A host is served by a given shared VS.
    ExpectShard(ExpectShard),
    /// Kubernetes status of an object.
    ExpectStatus(ExpectStatus),
    /// A whole Kubernetes object at an API version, or its absence.
    ExpectKube(ExpectKube),
    /// A Kubernetes Event about an object.
    ExpectEvent(ExpectEvent),
    /// An annotation on a Kubernetes object.
    ExpectAnnotation(ExpectAnnotation),
    /// A controller log line.
    ExpectLog(ExpectLog),
    /// Count of controller Avi writes since a point.
    ExpectAviWrites(ExpectAviWrites),
    /// No controller Avi write since a point.
    ExpectNoWrites(ExpectNoWrites),
    /// Count of controller Kubernetes writes since a point (in-process only).
    ExpectKubeWrites(ExpectKubeWrites),
    /// Which instance holds the Lease.
    ExpectLeader(ExpectLeader),
    /// An instance's readiness.
    ExpectReady(ExpectReady),
    /// How many times an instance's process was started.
    ExpectStarts(ExpectStarts),
    /// The invariants of DESIGN.md hold now.
    ExpectInvariants(ExpectInvariants),
    /// insta snapshot of the normalised Avi state (uuids, timestamps, VIPs masked),
    /// stored as `tests/snapshots/scenario__<scenario>__<name>.snap`.
    Snapshot(String),
    /// Two step lists that must reach the same Avi state.
    Differential(Differential),
}

impl StepKind {
    /// The YAML key of this kind, e.g. `wait_converged`.
    pub fn key(&self) -> &'static str {
        STEP_KEYS[step_index(self)]
    }

    /// True for the `expect_*` kinds (the only ones that may carry `within`).
    pub fn is_assertion(&self) -> bool {
        self.key().starts_with("expect_")
    }

    /// Kinds that need the simulators in this process; against an external cluster
    /// and Avi the runner reports them as skipped.
    pub fn in_process_only(&self) -> bool {
        matches!(
            self,
            Self::KubeFault(_)
                | Self::ExpectKubeWrites(_)
                | Self::CrashBetweenWrites(_)
                | Self::Differential(_)
        )
    }
}

/// Every step key, in declaration order (a test keeps it equal to serde's names).
pub const STEP_KEYS: [&str; 37] = [
    "apply",
    "delete",
    "patch",
    "crds",
    "settings",
    "start",
    "restart",
    "kill",
    "start_second_instance",
    "stop_instance",
    "avi_fault",
    "clear_faults",
    "kube_fault",
    "advance_time",
    "crash_between_writes",
    "wait_converged",
    "avi_apply",
    "avi_delete",
    "cli",
    "capture",
    "expect_avi",
    "expect_avi_count",
    "expect_shard",
    "expect_status",
    "expect_kube",
    "expect_event",
    "expect_annotation",
    "expect_log",
    "expect_avi_writes",
    "expect_no_writes",
    "expect_kube_writes",
    "expect_leader",
    "expect_ready",
    "expect_starts",
    "expect_invariants",
    "snapshot",
    "differential",
];
fn step_index(k: &StepKind) -> usize {
    use StepKind::*;
    match k {
        Apply(_) => 0,
        Delete(_) => 1,
        Patch(_) => 2,
        Crds(_) => 3,
        Settings(_) => 4,
        Start(_) => 5,
        Restart(_) => 6,
        Kill(_) => 7,
        StartSecondInstance(_) => 8,
        StopInstance(_) => 9,
        AviFault(_) => 10,
        ClearFaults(_) => 11,
        KubeFault(_) => 12,
        AdvanceTime(_) => 13,
        CrashBetweenWrites(_) => 14,
        WaitConverged(_) => 15,
        AviApply(_) => 16,
        AviDelete(_) => 17,
        Cli(_) => 18,
        Capture(_) => 19,
        ExpectAvi(_) => 20,
        ExpectAviCount(_) => 21,
        ExpectShard(_) => 22,
        ExpectStatus(_) => 23,
        ExpectKube(_) => 24,
        ExpectEvent(_) => 25,
        ExpectAnnotation(_) => 26,
        ExpectLog(_) => 27,
        ExpectAviWrites(_) => 28,
        ExpectNoWrites(_) => 29,
        ExpectKubeWrites(_) => 30,
        ExpectLeader(_) => 31,
        ExpectReady(_) => 32,
        ExpectStarts(_) => 33,
        ExpectInvariants(_) => 34,
        Snapshot(_) => 35,
        Differential(_) => 36,
    }
}

const RESERVED: [&str; 2] = ["label", "within"];

/// Written as `label`, `within`, then the one kind key.
impl serde::Serialize for Step {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        struct Out<'a> {
            #[serde(skip_serializing_if = "Option::is_none")]
            label: Option<&'a String>,
            #[serde(skip_serializing_if = "Option::is_none")]
            within: Option<Duration>,
            #[serde(flatten)]
            kind: &'a StepKind,
        }
        Out {
            label: self.label.as_ref(),
            within: self.within,
            kind: &self.kind,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Step {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(StepVisitor)
    }
}

struct StepVisitor;

impl<'de> Visitor<'de> for StepVisitor {
    type Value = Step;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a step: a map with one step key (e.g. `apply`, `expect_avi`) and optional `label`, `within`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Step, A::Error> {
        let mut label: Option<String> = None;
        let mut within: Option<Duration> = None;
        let mut kind: Option<(String, StepKind)> = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "label" if label.is_none() => label = Some(map.next_value()?),
                "within" if within.is_none() => within = Some(map.next_value()?),
                "label" | "within" => {
                    return Err(de::Error::duplicate_field(
                        RESERVED[usize::from(key == "within")],
                    ));
                }
                _ => {
                    if let Some((first, _)) = &kind {
                        return Err(de::Error::custom(format!(
                            "a step has exactly one kind, found `{first}` and `{key}` (split them into two steps)"
                        )));
                    }
                    let k = StepKind::deserialize(KindAccess {
                        key: &key,
                        map: &mut map,
                    })?;
                    kind = Some((key, k));
                }
            }
        }
        match kind {
            Some((_, kind)) => Ok(Step {
                label,
                within,
                kind,
            }),
            None => Err(de::Error::custom(format!(
                "a step needs one step key, one of: {}",
                STEP_KEYS.join(", ")
            ))),
        }
    }
}

/// Presents "the current map key + its value" as an enum to `StepKind`'s derived
/// `Deserialize`, reading the value straight from the YAML stream.
struct KindAccess<'k, 'm, A> {
    key: &'k str,
    map: &'m mut A,
}

impl<'de, A: MapAccess<'de>> Deserializer<'de> for KindAccess<'_, '_, A> {
    type Error = A::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, A::Error> {
        visitor.visit_enum(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

impl<'de, A: MapAccess<'de>> EnumAccess<'de> for KindAccess<'_, '_, A> {
    type Error = A::Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), A::Error> {
        let key = de::value::StrDeserializer::<A::Error>::new(self.key);
        Ok((seed.deserialize(key)?, self))
    }
}

impl<'de, A: MapAccess<'de>> VariantAccess<'de> for KindAccess<'_, '_, A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        Err(de::Error::custom("internal: step kinds carry a value"))
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.map.next_value_seed(seed)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _: usize, _: V) -> Result<V::Value, A::Error> {
        Err(de::Error::custom(
            "internal: step kinds are newtype variants",
        ))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, A::Error> {
        Err(de::Error::custom(
            "internal: step kinds are newtype variants",
        ))
    }
}

impl JsonSchema for Step {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Step".into()
    }

    /// StepKind's schema (one object per kind, one required key) with `label` and
    /// `within` allowed beside the kind key.
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let mut schema = StepKind::json_schema(generator);
        let within = generator.subschema_for::<Duration>().to_value();
        let label = serde_json::json!({"type": "string", "description": "Names the step for since/until and reports."});
        if let Some(serde_json::Value::Array(variants)) = schema.get_mut("oneOf") {
            for v in variants {
                if let Some(props) = v
                    .get_mut("properties")
                    .and_then(serde_json::Value::as_object_mut)
                {
                    props.insert("label".into(), label.clone());
                    props.insert("within".into(), within.clone());
                }
            }
        }
        schema
    }
}
