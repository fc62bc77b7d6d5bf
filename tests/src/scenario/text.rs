//! Deserializing string-spelled values (durations, object refs, ids) through a visitor,
//! so that a bad value is reported by serde_yaml at its own line and column.

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};

/// Deserializes `T` from a YAML string with `T::from_str`; `expecting` completes
/// "invalid type: ..., expected <expecting>".
pub(crate) fn from_str<'de, D, T>(deserializer: D, expecting: &'static str) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr,
    T::Err: fmt::Display,
{
    struct StrVisitor<T> {
        expecting: &'static str,
        target: PhantomData<T>,
    }
    impl<T> Visitor<'_> for StrVisitor<T>
    where
        T: FromStr,
        T::Err: fmt::Display,
    {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str(self.expecting)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            v.parse().map_err(E::custom)
        }
    }
    deserializer.deserialize_str(StrVisitor {
        expecting,
        target: PhantomData,
    })
}

/// Implements `Deserialize` (via [`from_str`]), `Serialize` (via `Display`) and a
/// string `JsonSchema` with a pattern and description for a `FromStr + Display` type.
macro_rules! string_type {
    ($ty:ty, $name:literal, $expecting:literal, $pattern:expr, $description:literal) => {
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $crate::scenario::text::from_str(d, $expecting)
            }
        }
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl schemars::JsonSchema for $ty {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                $name.into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "type": "string",
                    "pattern": $pattern,
                    "description": $description,
                })
            }
        }
    };
}
pub(crate) use string_type;
