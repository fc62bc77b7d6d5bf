//! Kubernetes objects in scenarios: [`KubeObject`] (one manifest), [`Manifests`]
//! (what `apply:` takes — an inline list, a file, or a YAML string) and the loader
//! for multi-document manifest files.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::error::ScenarioError;

/// One Kubernetes object, as written. Checked on load: `apiVersion`, `kind` and
/// `metadata.name` are strings.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct KubeObject(pub Map<String, Value>);

impl KubeObject {
    pub fn api_version(&self) -> &str {
        self.0
            .get("apiVersion")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    pub fn kind(&self) -> &str {
        self.0
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    fn metadata_str(&self, key: &str) -> Option<&str> {
        self.0.get("metadata")?.get(key)?.as_str()
    }

    pub fn name(&self) -> &str {
        self.metadata_str("name").unwrap_or_default()
    }

    pub fn namespace(&self) -> Option<&str> {
        self.metadata_str("namespace")
    }

    fn check(&self) -> Result<(), String> {
        let missing = |what: &str| format!("a Kubernetes object needs a string `{what}`");
        for key in ["apiVersion", "kind"] {
            if !self.0.get(key).is_some_and(Value::is_string) {
                return Err(missing(key));
            }
        }
        if self.metadata_str("name").is_none() {
            return Err(format!(
                "{} object: {}",
                self.kind(),
                missing("metadata.name")
            ));
        }
        Ok(())
    }
}

impl fmt::Display for KubeObject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.namespace() {
            Some(ns) => write!(f, "{}/{}/{}", self.kind(), ns, self.name()),
            None => write!(f, "{}/{}", self.kind(), self.name()),
        }
    }
}

impl<'de> Deserialize<'de> for KubeObject {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ObjectVisitor;
        impl<'de> Visitor<'de> for ObjectVisitor {
            type Value = KubeObject;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a Kubernetes object (apiVersion, kind, metadata)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<KubeObject, A::Error> {
                let mut fields = Map::new();
                while let Some(key) = map.next_key::<String>()? {
                    let value: Value = map.next_value()?;
                    if fields.insert(key.clone(), value).is_some() {
                        return Err(de::Error::custom(format!("duplicate key `{key}`")));
                    }
                }
                let obj = KubeObject(fields);
                obj.check().map_err(de::Error::custom)?;
                Ok(obj)
            }
        }
        d.deserialize_map(ObjectVisitor)
    }
}

impl schemars::JsonSchema for KubeObject {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "KubeObject".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A Kubernetes object manifest.",
            "type": "object",
            "required": ["apiVersion", "kind", "metadata"],
            "properties": {
                "apiVersion": {"type": "string"},
                "kind": {"type": "string"},
                "metadata": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}
            }
        })
    }
}

/// Where the objects of an `apply` step come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Manifests {
    /// `apply: [ {apiVersion: ..., kind: ...}, ... ]`
    Inline(Vec<KubeObject>),
    /// `apply: {file: manifests/app.yaml}` — relative to the scenario file; may hold
    /// several `---`-separated documents.
    File(PathBuf),
    /// `apply: {yaml: "..."}` — a multi-document YAML string.
    Yaml(String),
}

impl Manifests {
    /// The objects, reading a `file:` relative to `base_dir` (the scenario's directory).
    pub fn objects(&self, base_dir: &Path) -> Result<Vec<KubeObject>, ScenarioError> {
        match self {
            Self::Inline(objs) => Ok(objs.clone()),
            Self::File(rel) => load_manifest_file(&base_dir.join(rel)),
            Self::Yaml(text) => parse_documents(text, Path::new("<inline yaml>")),
        }
    }
}

/// Reads a multi-document manifest file; empty documents are skipped.
pub fn load_manifest_file(path: &Path) -> Result<Vec<KubeObject>, ScenarioError> {
    let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Io {
        file: path.to_owned(),
        source,
    })?;
    parse_documents(&text, path)
}

fn parse_documents(text: &str, file: &Path) -> Result<Vec<KubeObject>, ScenarioError> {
    let mut out = Vec::new();
    for doc in serde_yaml::Deserializer::from_str(text) {
        let obj = Option::<KubeObject>::deserialize(doc)
            .map_err(|e| ScenarioError::from_yaml(file, &e))?;
        out.extend(obj);
    }
    Ok(out)
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestSource {
    file: Option<PathBuf>,
    yaml: Option<String>,
}

impl<'de> Deserialize<'de> for Manifests {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ManifestsVisitor;
        impl<'de> Visitor<'de> for ManifestsVisitor {
            type Value = Manifests;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of Kubernetes objects, {file: path} or {yaml: text}")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Manifests, A::Error> {
                let mut objs = Vec::new();
                while let Some(o) = seq.next_element()? {
                    objs.push(o);
                }
                Ok(Manifests::Inline(objs))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Manifests, A::Error> {
                let src = ManifestSource::deserialize(de::value::MapAccessDeserializer::new(map))?;
                match (src.file, src.yaml) {
                    (Some(f), None) => Ok(Manifests::File(f)),
                    (None, Some(y)) => Ok(Manifests::Yaml(y)),
                    _ => Err(de::Error::custom("give exactly one of `file` or `yaml`")),
                }
            }
        }
        d.deserialize_any(ManifestsVisitor)
    }
}

impl Serialize for Manifests {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // A struct, not an enum: serde_yaml writes enum variants as YAML tags.
        #[derive(Serialize)]
        struct Source<'a> {
            #[serde(skip_serializing_if = "Option::is_none")]
            file: Option<&'a Path>,
            #[serde(skip_serializing_if = "Option::is_none")]
            yaml: Option<&'a str>,
        }
        match self {
            Self::Inline(objs) => objs.serialize(s),
            Self::File(path) => Source {
                file: Some(path),
                yaml: None,
            }
            .serialize(s),
            Self::Yaml(text) => Source {
                file: None,
                yaml: Some(text),
            }
            .serialize(s),
        }
    }
}

impl schemars::JsonSchema for Manifests {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Manifests".into()
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let obj = g.subschema_for::<KubeObject>();
        schemars::json_schema!({
            "description": "Kubernetes objects: an inline list, {file: path relative to the scenario}, or {yaml: multi-document text}.",
            "oneOf": [
                {"type": "array", "items": obj},
                {"type": "object", "required": ["file"], "additionalProperties": false,
                 "properties": {"file": {"type": "string"}}},
                {"type": "object", "required": ["yaml"], "additionalProperties": false,
                 "properties": {"yaml": {"type": "string"}}}
            ]
        })
    }
}
