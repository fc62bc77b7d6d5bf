//! CRD version conversion, as a conversion webhook would do it: one converter per API group;
//! groups without one get the `None` strategy (only `apiVersion` changes).

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Value, json};

use super::error::ApiError;

/// Converts an object to the given `apiVersion` (`group/version`).
pub type Converter = Arc<dyn Fn(&Value, &str) -> Result<Value, String> + Send + Sync>;

#[derive(Clone, Default)]
pub struct Converters(HashMap<String, Converter>);

impl std::fmt::Debug for Converters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

impl Converters {
    pub fn insert(&mut self, group: impl Into<String>, c: Converter) {
        self.0.insert(group.into(), c);
    }

    /// `obj` at `to` (a full apiVersion). A failing converter is a 500, as with a webhook.
    pub fn convert(&self, obj: &Value, to: &str) -> Result<Value, ApiError> {
        let from = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("");
        if from == to {
            return Ok(obj.clone());
        }
        let group = to.split_once('/').map_or("", |(g, _)| g);
        let mut out = match self.0.get(group) {
            Some(c) => c(obj, to).map_err(|e| {
                let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
                ApiError::internal(format!(
                    "conversion webhook for {from}, Kind={kind} failed: {e}"
                ))
            })?,
            None => obj.clone(),
        };
        match out.as_object_mut() {
            Some(m) => {
                m.insert("apiVersion".into(), json!(to));
                Ok(out)
            }
            None => Err(ApiError::internal(format!(
                "conversion to {to} did not return an object"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn none_strategy_and_custom_converter() {
        let mut c = Converters::default();
        let o = json!({"apiVersion": "x.io/v1", "kind": "K", "spec": {"a": 1}});
        assert_eq!(c.convert(&o, "x.io/v2").unwrap()["apiVersion"], "x.io/v2");
        c.insert(
            "x.io",
            Arc::new(|o: &Value, _to: &str| {
                if o["spec"]["a"] == 1 {
                    Err("nope".into())
                } else {
                    Ok(o.clone())
                }
            }),
        );
        let e = c.convert(&o, "x.io/v2").unwrap_err();
        assert_eq!(e.code, 500);
        assert!(e.message.contains("nope"), "{}", e.message);
    }
}
