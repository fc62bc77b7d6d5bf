//! Field tables parsed from the swagger summary (`avi-schema-summary.json`, extracted
//! from the 30.2.1 swagger files) or from a per-type inline table in the same format.
//! A `Defs` is one object type's set of definitions: its own and every nested one.

use std::collections::HashMap;
use std::sync::LazyLock;

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;

use crate::session::Version;

static SUMMARY_JSON: &str = include_str!("avi-schema-summary.json");

/// Every type of the summary, by kind (`VirtualService`).
static SUMMARY: LazyLock<HashMap<String, Defs>> = LazyLock::new(|| {
    // The file is part of the binary; a parse failure is a build defect, caught by tests.
    let raw: HashMap<String, RawType> =
        serde_json::from_str(SUMMARY_JSON).expect("embedded schema summary is valid JSON");
    raw.into_iter()
        .map(|(k, t)| (k, Defs::from_raw(t.definitions)))
        .collect()
});

/// The definitions of `kind` from the swagger summary.
pub fn summary(kind: &str) -> Option<&'static Defs> {
    SUMMARY.get(kind)
}

/// Fields every inline table gets on its top-level definition.
const COMMON_FIELDS: &str = r#"{
    "uuid": {"type": "string"},
    "url": {"type": "string", "readonly": true},
    "_last_modified": {"type": "string", "readonly": true},
    "name": {"type": "string", "required": true},
    "tenant_ref": {"type": "string", "ref": "Tenant"},
    "description": {"type": "string"},
    "created_by": {"type": "string"},
    "markers": {"type": "array<object:RoleFilterMatchLabel>"}
}"#;

/// `DEFS` and `SPEC` of a shared, non-strict type whose module holds its inline
/// `TABLE` (see [`parse_inline`]): the types the swagger summary lacks.
macro_rules! inline_type {
    ($path:literal, $kind:literal) => {
        static DEFS: std::sync::LazyLock<super::defs::Defs> =
            std::sync::LazyLock::new(|| super::defs::parse_inline($kind, TABLE));

        fn defs() -> &'static super::defs::Defs {
            &DEFS
        }

        pub static SPEC: super::TypeSpec = super::TypeSpec {
            path: $path,
            kind: $kind,
            defs,
            strict: false,
            shared: true,
            ..super::TypeSpec::BASE
        };
    };
}
pub(super) use inline_type;

/// Parses an inline table (`{"<Def>": {"fields": {...}, "required": [...]}, ...}`) for
/// a type the summary lacks, adding the fields every object has to `kind`'s definition.
/// The tables are constants of this crate; a parse failure is caught by the type tests.
pub fn parse_inline(kind: &str, json: &str) -> Defs {
    let mut raw: HashMap<String, RawDef> =
        serde_json::from_str(json).expect("inline schema table is valid JSON");
    let common: IndexMap<String, RawField> =
        serde_json::from_str(COMMON_FIELDS).expect("common fields are valid JSON");
    let top = raw.entry(kind.to_string()).or_insert_with(|| RawDef {
        fields: IndexMap::new(),
        required: Vec::new(),
    });
    for (k, f) in common {
        top.fields.entry(k).or_insert(f);
    }
    Defs::from_raw(raw)
}

#[derive(Deserialize)]
struct RawType {
    definitions: HashMap<String, RawDef>,
}

#[derive(Deserialize)]
struct RawDef {
    fields: IndexMap<String, RawField>,
    #[serde(default)]
    required: Vec<String>,
}

#[derive(Deserialize)]
struct RawField {
    #[serde(rename = "type")]
    ty: String,
    default: Option<Value>,
    #[serde(default)]
    required: bool,
    #[serde(rename = "ref")]
    reference: Option<String>,
    #[serde(rename = "enum")]
    enum_values: Option<Vec<String>>,
    allowed: Option<String>,
    max_items: Option<usize>,
    min_items: Option<usize>,
    #[serde(default)]
    readonly: bool,
    since: Option<String>,
}

/// One object type's definitions, by definition name.
#[derive(Debug)]
pub struct Defs {
    pub defs: HashMap<String, Def>,
}

#[derive(Debug)]
pub struct Def {
    pub fields: IndexMap<String, Field>,
    /// The fields that have a default, with it (rebuilding stored bodies uses these).
    pub defaults: Vec<(String, Value)>,
}

/// The value shape of a field.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Str,
    Int,
    Num,
    Bool,
    /// A nested object of the named definition (free-form when it is not in the table).
    Obj(String),
    Arr(Box<Shape>),
}

#[derive(Debug)]
pub struct Field {
    pub shape: Shape,
    pub default: Option<Value>,
    pub required: bool,
    /// Target kind of a ref field (`Pool`).
    pub reference: Option<String>,
    pub enum_values: Option<Vec<String>>,
    /// Inclusive integer range from `allowed: "1-65535"`.
    pub range: Option<(i64, i64)>,
    pub max_items: Option<usize>,
    pub min_items: Option<usize>,
    pub readonly: bool,
    /// First version that has the field (`20.1.5`).
    pub since: Option<Version>,
}

impl Defs {
    fn from_raw(raw: HashMap<String, RawDef>) -> Self {
        let defs = raw
            .into_iter()
            .map(|(name, d)| {
                let mut fields: IndexMap<String, Field> = d
                    .fields
                    .into_iter()
                    .map(|(k, f)| (k, Field::from_raw(f)))
                    .collect();
                for r in &d.required {
                    if let Some(f) = fields.get_mut(r) {
                        f.required = true;
                    }
                }
                let defaults = fields
                    .iter()
                    .filter_map(|(k, f)| Some((k.clone(), f.default.clone()?)))
                    .collect();
                (name, Def { fields, defaults })
            })
            .collect();
        Self { defs }
    }

    pub fn get(&self, def: &str) -> Option<&Def> {
        self.defs.get(def)
    }
}

impl Field {
    fn from_raw(f: RawField) -> Self {
        Self {
            shape: parse_shape(&f.ty),
            default: f.default,
            required: f.required,
            reference: f.reference,
            enum_values: f.enum_values,
            range: f.allowed.as_deref().and_then(parse_range),
            max_items: f.max_items,
            min_items: f.min_items,
            readonly: f.readonly,
            since: f
                .since
                .as_deref()
                .map(first_version)
                .as_deref()
                .and_then(Version::parse),
        }
    }
}

fn parse_shape(ty: &str) -> Shape {
    if let Some(inner) = ty.strip_prefix("array<").and_then(|s| s.strip_suffix('>')) {
        return Shape::Arr(Box::new(parse_shape(inner)));
    }
    if let Some(def) = ty.strip_prefix("object:") {
        return Shape::Obj(def.to_string());
    }
    match ty {
        "integer" => Shape::Int,
        "number" => Shape::Num,
        "boolean" => Shape::Bool,
        "object" => Shape::Obj(String::new()),
        _ => Shape::Str,
    }
}

/// `"1-65535"` → (1, 65535); other forms (single values, lists) are not enforced.
fn parse_range(s: &str) -> Option<(i64, i64)> {
    let (a, b) = s.split_once('-')?;
    Some((a.trim().parse().ok()?, b.trim().parse().ok()?))
}

/// `"17.2.14, 18.1.5, 18.2.1."` → `"17.2.14"`: the oldest branch that has the field.
fn first_version(s: &str) -> String {
    s.split(',')
        .next()
        .unwrap_or(s)
        .trim()
        .trim_end_matches('.')
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_parses_and_has_the_fqdn_limit() {
        let vsvip = summary("VsVip").unwrap();
        let f = &vsvip.get("VsVip").unwrap().fields["dns_info"];
        assert_eq!(f.max_items, Some(1000));
        assert_eq!(f.shape, Shape::Arr(Box::new(Shape::Obj("DnsInfo".into()))));
        assert!(vsvip.get("Vip").unwrap().fields["vip_id"].required);
    }

    #[test]
    fn ranges_and_versions() {
        assert_eq!(parse_range("1-65535"), Some((1, 65535)));
        assert_eq!(parse_range("-180"), None);
        assert_eq!(first_version("17.2.14, 18.1.5, 18.2.1."), "17.2.14");
    }
}
