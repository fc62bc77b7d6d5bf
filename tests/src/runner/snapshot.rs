//! insta snapshots a person reviews: the scenario cluster's Avi objects as sorted
//! YAML (uuids, urls, timestamps, VIPs and checksums masked; references reduced to the
//! name they point at) and the controller's successful Avi writes as sorted
//! `VERB type name` lines. Stored under tests/snapshots/.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::{Map, Value};

use super::actions::avi_type_name;
use super::expect_avi::has_marker;
use super::world::{Mark, World};
use crate::scenario::{AviType, ref_name};

/// Every collection a scenario can own objects in.
const TYPES: [AviType; 12] = [
    AviType::Virtualservice,
    AviType::Vsvip,
    AviType::Pool,
    AviType::Poolgroup,
    AviType::Httppolicyset,
    AviType::Vsdatascriptset,
    AviType::L4policyset,
    AviType::Sslkeyandcertificate,
    AviType::Pkiprofile,
    AviType::Stringgroup,
    AviType::Applicationpersistenceprofile,
    AviType::Healthmonitor,
];

const MASKED: [&str; 5] = [
    "uuid",
    "url",
    "_last_modified",
    "cloud_config_cksum",
    "checksum",
];

fn normalise(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if MASKED.contains(&k.as_str()) {
                    *x = Value::from("[masked]");
                } else if k.ends_with("_ref") {
                    if let Some(n) = x.as_str().and_then(ref_name) {
                        *x = Value::from(n.to_owned());
                    }
                } else if k.ends_with("_refs") {
                    if let Some(a) = x.as_array_mut() {
                        for r in a {
                            if let Some(n) = r.as_str().and_then(ref_name) {
                                *r = Value::from(n.to_owned());
                            }
                        }
                    }
                } else if k == "ip_address" || k == "ip6_address" {
                    if let Some(addr) = x.get_mut("addr") {
                        *addr = Value::from("[vip]");
                    }
                } else {
                    normalise(x);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(normalise),
        _ => {}
    }
}

impl World {
    /// The scenario cluster's Avi objects, normalised: `type -> name -> body`.
    pub async fn owned_state(&self) -> Result<BTreeMap<String, BTreeMap<String, Value>>, String> {
        let cluster = self.cluster();
        let created_by = format!("ako-{cluster}");
        let mut out = BTreeMap::new();
        for t in TYPES {
            let ty = avi_type_name(t);
            let list = self
                .admin
                .list(&ty, &self.tenant())
                .await
                .map_err(|e| e.to_string())?;
            let mut objs = BTreeMap::new();
            for mut o in list {
                if o["created_by"] != created_by.as_str()
                    && !has_marker(&o, "clustername", &cluster)
                {
                    continue;
                }
                let name = o["name"].as_str().unwrap_or_default().to_owned();
                normalise(&mut o);
                objs.insert(name, sorted(o));
            }
            if !objs.is_empty() {
                out.insert(ty, objs);
            }
        }
        Ok(out)
    }

    /// The controller's successful writes since `mark` as sorted `VERB type name`
    /// lines. A PUT of an object created in the same stretch between two
    /// `wait_converged` is left out: whether the creating round already saw the
    /// change or the next one did depends on timing, not on the model.
    pub fn call_log(&self, mark: Mark) -> Vec<String> {
        let ok: Vec<_> = self
            .writes_since(mark)
            .into_iter()
            .filter(|c| c.status < 300)
            .collect();
        let mut created: std::collections::HashMap<(String, Option<String>), u64> =
            std::collections::HashMap::new();
        let mut lines = std::collections::BTreeSet::new();
        for c in &ok {
            let key = (c.object_type.clone(), c.name.clone());
            if c.method == "POST" {
                created.insert(key.clone(), c.seq);
            }
            let same_stretch = created
                .get(&key)
                .is_some_and(|at| !self.converged_marks.iter().any(|m| *m > *at && *m <= c.seq));
            if c.method == "PUT" && same_stretch {
                continue;
            }
            lines.insert(format!(
                "{} {} {}",
                c.method,
                c.object_type,
                c.name.as_deref().unwrap_or("?")
            ));
        }
        lines.into_iter().collect()
    }
}

fn sorted(v: Value) -> Value {
    match v {
        Value::Object(m) => {
            let b: BTreeMap<String, Value> = m.into_iter().map(|(k, v)| (k, sorted(v))).collect();
            Value::Object(b.into_iter().collect::<Map<String, Value>>())
        }
        Value::Array(a) => Value::Array(a.into_iter().map(sorted).collect()),
        other => other,
    }
}

/// Where snapshots live.
pub fn snapshot_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("snapshots")
}

/// Compares `value` as YAML with the stored snapshot `name` (insta; `INSTA_UPDATE`
/// decides whether a difference is written or fails).
pub fn assert_snapshot(name: &str, value: &impl serde::Serialize) -> Result<String, String> {
    let text = serde_yaml::to_string(value).map_err(|e| e.to_string())?;
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(snapshot_dir());
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    let n = name.to_owned();
    let res = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        settings.bind(|| insta::assert_snapshot!(n, text));
    }));
    match res {
        Ok(()) => Ok(format!("snapshot {name} matches")),
        Err(p) => {
            let why = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            Err(format!(
                "snapshot {name} differs (review tests/snapshots/{name}.snap.new, or INSTA_UPDATE=always): {why}"
            ))
        }
    }
}
