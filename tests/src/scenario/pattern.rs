//! `Pattern`: what an assertion's `fields:` says about a JSON value (an Avi object,
//! a Kubernetes object or its status). Plain YAML means "this subset"; a one-key map
//! whose key starts with `$` is an operator. Matching lives in `pattern_match`.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// A subset pattern. See scenarios/README.md ("Field patterns") for examples.
#[derive(Debug, Clone, PartialEq)]
pub enum Pattern {
    /// A scalar (string, number, bool, null): equal to the actual value (numbers by value).
    Scalar(Value),
    /// Every listed key is present and matches; other keys of the actual object are ignored.
    Map(Vec<(String, Pattern)>),
    /// A list: same length, element `i` matches element `i`.
    List(Vec<Pattern>),
    /// `{$contains: [..]}`: each pattern matches a distinct element; more elements may exist.
    Contains(Vec<Pattern>),
    /// `{$unordered: [..]}`: same length, each pattern matches a distinct element, any order.
    Unordered(Vec<Pattern>),
    /// `{$excludes: pattern}`: no element of the list matches (a missing list has none).
    Excludes(Box<Pattern>),
    /// `{$len: n}`: a list (or object) with exactly `n` entries.
    Len(usize),
    /// `{$absent: true}`: the key is missing (or null). Only meaningful as a map value.
    Absent,
    /// `{$present: true}`: the key exists with any non-null value.
    Present,
    /// `{$substring: "text"}`: a string containing `text`.
    Substring(String),
    /// `{$ref: name}`: an Avi reference to the object called `name`, in any form
    /// (`https://h/api/pool/pool-1#name`, `/api/pool?name=name`, `/api/pool/?name=name`).
    Ref(String),
    /// `{$capture: id}`: equal to the value a `capture` step stored under `id`.
    Capture(String),
}

/// The operators, in the order error messages list them.
pub const OPERATORS: [&str; 9] = [
    "$contains",
    "$unordered",
    "$excludes",
    "$len",
    "$absent",
    "$present",
    "$substring",
    "$ref",
    "$capture",
];

impl Pattern {
    /// Every `$capture` id this pattern reads (for load-time validation).
    pub fn captures<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Self::Capture(id) => out.push(id),
            Self::Map(entries) => entries.iter().for_each(|(_, p)| p.captures(out)),
            Self::List(ps) | Self::Contains(ps) | Self::Unordered(ps) => {
                ps.iter().for_each(|p| p.captures(out))
            }
            Self::Excludes(p) => p.captures(out),
            _ => {}
        }
    }
}

struct PatternVisitor;

impl<'de> Visitor<'de> for PatternVisitor {
    type Value = Pattern;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a value, a map, a list, or a one-key `$operator` map")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Pattern, E> {
        Ok(Pattern::Scalar(Value::Bool(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Pattern, E> {
        Ok(Pattern::Scalar(v.into()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Pattern, E> {
        Ok(Pattern::Scalar(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Pattern, E> {
        serde_json::Number::from_f64(v)
            .map(|n| Pattern::Scalar(Value::Number(n)))
            .ok_or_else(|| E::custom(format!("{v} is not a finite number")))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Pattern, E> {
        Ok(Pattern::Scalar(Value::String(v.to_owned())))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Pattern, E> {
        Ok(Pattern::Scalar(Value::Null))
    }
    fn visit_none<E: de::Error>(self) -> Result<Pattern, E> {
        self.visit_unit()
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Pattern, A::Error> {
        let mut items = Vec::new();
        while let Some(p) = seq.next_element()? {
            items.push(p);
        }
        Ok(Pattern::List(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Pattern, A::Error> {
        let mut entries: Vec<(String, Pattern)> = Vec::new();
        let mut operator: Option<Pattern> = None;
        while let Some(key) = map.next_key::<String>()? {
            if let Some(op) = key.strip_prefix('$') {
                if operator.is_some() || !entries.is_empty() {
                    return Err(de::Error::custom(format!(
                        "operator `{key}` must be the only key of its map"
                    )));
                }
                operator = Some(operator_value(op, &key, &mut map)?);
            } else {
                if operator.is_some() {
                    return Err(de::Error::custom(format!(
                        "key `{key}` next to an operator: an operator must be the only key of its map"
                    )));
                }
                if entries.iter().any(|(k, _)| *k == key) {
                    return Err(de::Error::custom(format!("duplicate key `{key}`")));
                }
                let value = map.next_value()?;
                entries.push((key, value));
            }
        }
        Ok(operator.unwrap_or(Pattern::Map(entries)))
    }
}

fn operator_value<'de, A: MapAccess<'de>>(
    op: &str,
    key: &str,
    map: &mut A,
) -> Result<Pattern, A::Error> {
    let must_be_true = |map: &mut A, p: Pattern| -> Result<Pattern, A::Error> {
        if map.next_value::<bool>()? {
            Ok(p)
        } else {
            Err(de::Error::custom(format!("`{key}` takes only `true`")))
        }
    };
    match op {
        "contains" => Ok(Pattern::Contains(map.next_value()?)),
        "unordered" => Ok(Pattern::Unordered(map.next_value()?)),
        "excludes" => Ok(Pattern::Excludes(Box::new(map.next_value()?))),
        "len" => Ok(Pattern::Len(map.next_value()?)),
        "absent" => must_be_true(map, Pattern::Absent),
        "present" => must_be_true(map, Pattern::Present),
        "substring" => Ok(Pattern::Substring(map.next_value()?)),
        "ref" => Ok(Pattern::Ref(map.next_value()?)),
        "capture" => Ok(Pattern::Capture(map.next_value()?)),
        _ => Err(de::Error::custom(format!(
            "unknown operator `{key}`, expected one of {}",
            OPERATORS.join(", ")
        ))),
    }
}

impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(PatternVisitor)
    }
}

/// Written back in the form it is read: plain values, and one-key `$operator` maps.
impl serde::Serialize for Pattern {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            Self::Scalar(v) => v.serialize(s),
            Self::Map(entries) => {
                let mut m = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
            Self::List(items) => items.serialize(s),
            Self::Contains(items) => op(s, "$contains", items),
            Self::Unordered(items) => op(s, "$unordered", items),
            Self::Excludes(p) => op(s, "$excludes", p),
            Self::Len(n) => op(s, "$len", n),
            Self::Absent => op(s, "$absent", &true),
            Self::Present => op(s, "$present", &true),
            Self::Substring(t) => op(s, "$substring", t),
            Self::Ref(t) => op(s, "$ref", t),
            Self::Capture(t) => op(s, "$capture", t),
        }
    }
}

/// A one-key map `{key: value}`: how operators are written.
fn op<S: serde::Serializer, T: serde::Serialize + ?Sized>(
    s: S,
    key: &str,
    value: &T,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut m = s.serialize_map(Some(1))?;
    m.serialize_entry(key, value)?;
    m.end()
}

impl schemars::JsonSchema for Pattern {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Pattern".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A field pattern: plain values match as a subset (maps: listed keys; lists: element-wise, same length; scalars: equal). A one-key map with a `$` key is an operator: $contains [..], $unordered [..], $excludes pattern, $len n, $absent true, $present true, $substring \"text\", $ref name, $capture id.",
        })
    }
}
