//! Reading raw setting strings from the three sources — a Helm-style values
//! file, the `avi-k8s-config` ConfigMap data, the environment — into [`Layer`]s
//! keyed by ConfigMap key. Every value stays a string here, exactly as the chart
//! would render it into the ConfigMap (lists and maps as JSON); `parse` turns the
//! merged layer into an `AkoConfig`. An empty string counts as "not set", like the
//! chart's `""` defaults.

use std::collections::BTreeMap;

use serde_yaml::Value;

use super::error::ConfigError;
use super::keys::{KEYS, Key, SECTIONS};

/// One setting's raw value and the name it had in its source (used in errors).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Raw {
    pub value: String,
    pub name: String,
}

/// The settings one source provides, keyed by ConfigMap key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Layer {
    map: BTreeMap<&'static str, Raw>,
}

impl Layer {
    pub fn get(&self, cm_key: &str) -> Option<&Raw> {
        self.map.get(cm_key)
    }

    fn set(&mut self, key: &Key, value: String, name: &str) {
        if !value.trim().is_empty() {
            let name = name.to_owned();
            self.map.insert(key.cm, Raw { value, name });
        }
    }

    /// Values of `top` replace those of `self`.
    pub fn overlay(&mut self, top: &Layer) {
        self.map
            .extend(top.map.iter().map(|(k, v)| (*k, v.clone())));
    }
}

/// Reads a values file. Returns the layer and the paths under the known sections
/// that AKO-rs does not read (for a warning: a typo should not pass silently).
pub(crate) fn from_values(text: &str) -> Result<(Layer, Vec<String>), ConfigError> {
    let doc: Value =
        serde_yaml::from_str(text).map_err(|e| ConfigError::values_yaml(e.to_string()))?;
    let mut layer = Layer::default();
    let root = match doc {
        Value::Null => return Ok((layer, Vec::new())),
        Value::Mapping(_) => doc,
        _ => return Err(ConfigError::values_yaml("the top level is not a mapping")),
    };
    for key in KEYS {
        if let Some((path, v)) = key
            .values
            .iter()
            .find_map(|p| lookup(&root, p).map(|v| (*p, v)))
        {
            layer.set(key, render(v, path)?, path);
        }
    }
    let mut ignored = Vec::new();
    for section in SECTIONS {
        if let Some(v) = root.get(section) {
            unread_paths(v, section, &mut ignored);
        }
    }
    Ok((layer, ignored))
}

/// The value at a dotted path, if present and neither null nor a blank string
/// (so a blank `NetworkSettings.defaultDomain` falls back to `L4Settings.defaultDomain`).
fn lookup<'v>(root: &'v Value, path: &str) -> Option<&'v Value> {
    let v = path.split('.').try_fold(root, |v, part| v.get(part))?;
    let blank = v.is_null() || v.as_str().is_some_and(|s| s.trim().is_empty());
    (!blank).then_some(v)
}

/// A value as the chart renders it into the ConfigMap.
fn render(v: &Value, path: &str) -> Result<String, ConfigError> {
    Ok(match v {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Null => String::new(),
        Value::Tagged(t) => render(&t.value, path)?,
        Value::Sequence(_) | Value::Mapping(_) => serde_json::to_string(v)
            .map_err(|e| ConfigError::values_yaml(format!("{path}: {e}")))?,
    })
}

fn is_read(path: &str) -> bool {
    KEYS.iter().any(|k| k.values.contains(&path))
}

fn unread_paths(v: &Value, path: &str, out: &mut Vec<String>) {
    if is_read(path) {
        return;
    }
    match v {
        Value::Mapping(m) => {
            for (k, child) in m {
                let name = k.as_str().map_or_else(|| format!("{k:?}"), str::to_owned);
                unread_paths(child, &format!("{path}.{name}"), out);
            }
        }
        _ => out.push(path.to_owned()),
    }
}

/// Reads the `avi-k8s-config` ConfigMap data. Returns the layer and the data keys
/// AKO-rs does not read.
pub(crate) fn from_configmap(data: &BTreeMap<String, String>) -> (Layer, Vec<String>) {
    let mut layer = Layer::default();
    for key in KEYS {
        if let Some(v) = data.get(key.cm) {
            layer.set(key, v.clone(), key.cm);
        }
    }
    let ignored = data
        .keys()
        .filter(|k| !KEYS.iter().any(|key| key.cm == k.as_str()))
        .cloned()
        .collect();
    (layer, ignored)
}

/// Reads the environment through `lookup` (e.g. `|k| std::env::var(k).ok()`).
pub(crate) fn from_env(lookup: impl Fn(&str) -> Option<String>) -> Layer {
    let mut layer = Layer::default();
    for key in KEYS {
        if let Some(env) = key.env
            && let Some(v) = lookup(env)
        {
            layer.set(key, v, env);
        }
    }
    layer
}
