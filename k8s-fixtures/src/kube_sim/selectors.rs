//! Label selectors (`=`, `==`, `!=`, `in`, `notin`, `key`, `!key`) and field selectors
//! (`metadata.name`, `metadata.namespace` and the per-kind fields real API servers allow),
//! parsed once per request and evaluated against JSON objects.

use serde_json::Value;

use super::error::ApiError;

#[derive(Debug, Clone, PartialEq)]
enum Req {
    Eq(String, String),
    NotEq(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
}

/// A parsed selector: all requirements must hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Selector {
    labels: Vec<Req>,
    fields: Vec<Req>,
}

/// Splits on commas outside parentheses.
fn split_top(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

fn set_values(rest: &str, whole: &str) -> Result<Vec<String>, ApiError> {
    let inner = rest
        .trim()
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "unable to parse requirement: found '{whole}', expected: '('"
            ))
        })?;
    Ok(inner
        .split(',')
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect())
}

fn parse_label_req(part: &str) -> Result<Req, ApiError> {
    let p = part.trim();
    let bad = || {
        ApiError::bad_request(format!(
            "unable to parse requirement: invalid label selector {p:?}"
        ))
    };
    if let Some(k) = p.strip_prefix('!') {
        return Ok(Req::NotExists(k.trim().to_string()));
    }
    if let Some((k, v)) = p.split_once("!=") {
        return Ok(Req::NotEq(k.trim().into(), v.trim().into()));
    }
    if let Some((k, v)) = p.split_once("==").or_else(|| p.split_once('=')) {
        return Ok(Req::Eq(k.trim().into(), v.trim().into()));
    }
    if let Some((k, rest)) = p.split_once(" notin ") {
        return Ok(Req::NotIn(k.trim().into(), set_values(rest, p)?));
    }
    if let Some((k, rest)) = p.split_once(" in ") {
        return Ok(Req::In(k.trim().into(), set_values(rest, p)?));
    }
    if p.is_empty() || p.contains(char::is_whitespace) || p.contains(['(', ')']) {
        return Err(bad());
    }
    Ok(Req::Exists(p.to_string()))
}

/// Value of a dotted field path as the string a field selector compares with.
fn field_value(obj: &Value, path: &str) -> String {
    let mut cur = obj;
    for seg in path.split('.') {
        match cur.get(seg) {
            Some(v) => cur = v,
            None => return String::new(),
        }
    }
    match cur {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

impl Selector {
    /// Parses `labelSelector` and `fieldSelector`; `fields` lists the extra field paths this
    /// kind supports (metadata.name and metadata.namespace always are).
    pub fn parse(
        label: Option<&str>,
        field: Option<&str>,
        fields: &[String],
    ) -> Result<Self, ApiError> {
        let mut sel = Selector::default();
        if let Some(l) = label.filter(|l| !l.trim().is_empty()) {
            for part in split_top(l) {
                sel.labels.push(parse_label_req(part)?);
            }
        }
        if let Some(f) = field.filter(|f| !f.trim().is_empty()) {
            for part in split_top(f) {
                let (k, v, negated) = match part.split_once("!=") {
                    Some((k, v)) => (k.trim(), v.trim(), true),
                    None => match part.split_once("==").or_else(|| part.split_once('=')) {
                        Some((k, v)) => (k.trim(), v.trim(), false),
                        None => {
                            return Err(ApiError::bad_request(format!(
                                "invalid selector: '{part}'; can't understand '{part}'"
                            )));
                        }
                    },
                };
                if k != "metadata.name"
                    && k != "metadata.namespace"
                    && !fields.iter().any(|f| f == k)
                {
                    return Err(ApiError::bad_request(format!(
                        "field label not supported: {k}"
                    )));
                }
                let req = if negated {
                    Req::NotEq(k.into(), v.into())
                } else {
                    Req::Eq(k.into(), v.into())
                };
                sel.fields.push(req);
            }
        }
        Ok(sel)
    }

    /// Matches everything (no need to look at objects).
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty() && self.fields.is_empty()
    }

    /// Matches stored JSON text (parsed only when there is something to check).
    pub fn matches_raw(&self, raw: &str) -> bool {
        self.is_empty() || self.matches(&super::store::parse(raw))
    }

    pub fn matches(&self, obj: &Value) -> bool {
        let labels = obj.pointer("/metadata/labels");
        let label = |k: &str| labels.and_then(|l| l.get(k)).and_then(Value::as_str);
        let labels_ok = self.labels.iter().all(|r| match r {
            Req::Eq(k, v) => label(k) == Some(v.as_str()),
            Req::NotEq(k, v) => label(k) != Some(v.as_str()),
            Req::In(k, vs) => label(k).is_some_and(|l| vs.iter().any(|v| v == l)),
            Req::NotIn(k, vs) => label(k).is_none_or(|l| !vs.iter().any(|v| v == l)),
            Req::Exists(k) => label(k).is_some(),
            Req::NotExists(k) => label(k).is_none(),
        });
        labels_ok
            && self.fields.iter().all(|r| match r {
                Req::Eq(k, v) => field_value(obj, k) == *v,
                Req::NotEq(k, v) => field_value(obj, k) != *v,
                _ => false,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj() -> Value {
        json!({"metadata": {"name": "a", "namespace": "n", "labels": {"app": "web", "tier": "fe"}}, "type": "Opaque"})
    }

    #[test]
    fn label_operators() {
        let cases = [
            ("app=web", true),
            ("app==web", true),
            ("app!=web", false),
            ("app in (web, db)", true),
            ("app notin (web)", false),
            ("tier", true),
            ("!tier", false),
            ("missing notin (x)", true),
            ("app=web,tier=be", false),
            ("app in (db,web),!missing", true),
        ];
        for (s, want) in cases {
            let sel = Selector::parse(Some(s), None, &[]).unwrap();
            assert_eq!(sel.matches(&obj()), want, "{s}");
        }
    }

    #[test]
    fn field_selectors_and_unknown_fields() {
        let f = vec!["type".to_string()];
        assert!(
            Selector::parse(None, Some("metadata.name=a,metadata.namespace=n"), &f)
                .unwrap()
                .matches(&obj())
        );
        assert!(
            !Selector::parse(None, Some("type!=Opaque"), &f)
                .unwrap()
                .matches(&obj())
        );
        let err = Selector::parse(None, Some("spec.x=1"), &f).unwrap_err();
        assert_eq!(
            (err.code, err.message.as_str()),
            (400, "field label not supported: spec.x")
        );
        assert_eq!(
            Selector::parse(Some("a in b"), None, &f).unwrap_err().code,
            400
        );
    }
}
