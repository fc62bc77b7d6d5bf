//! Matching a [`Pattern`] against an actual JSON value, with a path-bearing
//! explanation on mismatch. Used by every `fields:` assertion.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

use super::pattern::Pattern;

/// Values stored by `capture` steps, by id.
pub type Captures = BTreeMap<String, Value>;

/// Where and why a value did not match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// JSON path from the matched root, e.g. `.vip[0].ip_address.addr`.
    pub path: String,
    pub reason: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "."
        } else {
            &self.path
        };
        write!(f, "at {path}: {}", self.reason)
    }
}

impl std::error::Error for Mismatch {}

impl Pattern {
    /// Checks `actual` (`None` = the key is missing) against this pattern.
    pub fn check(&self, actual: Option<&Value>, captures: &Captures) -> Result<(), Mismatch> {
        check(self, actual, captures, &mut String::new())
    }
}

fn fail(path: &str, reason: String) -> Result<(), Mismatch> {
    Err(Mismatch {
        path: path.to_owned(),
        reason,
    })
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 120 {
        format!("{}...", s.chars().take(117).collect::<String>())
    } else {
        s
    }
}

fn scalar_eq(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        _ => expected == actual,
    }
}

/// The object name an Avi reference points at, if the string is a reference.
pub fn ref_name(reference: &str) -> Option<&str> {
    if let Some((_, name)) = reference.rsplit_once('#') {
        return Some(name);
    }
    let query = reference.split_once('?')?.1;
    query.split('&').find_map(|kv| kv.strip_prefix("name="))
}

/// The value at a `capture` path: dot-separated keys, list indexes as numbers
/// (`vip.0.ip_address.addr`). `None` when any part is missing.
pub fn value_at<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(value, |v, part| match v {
        Value::Array(items) => items.get(part.parse::<usize>().ok()?),
        Value::Object(map) => map.get(part),
        _ => None,
    })
}

fn check(
    p: &Pattern,
    actual: Option<&Value>,
    caps: &Captures,
    path: &mut String,
) -> Result<(), Mismatch> {
    let present = actual.filter(|v| !v.is_null());
    match p {
        Pattern::Absent => match present {
            None => Ok(()),
            Some(v) => fail(path, format!("expected absent, found {}", short(v))),
        },
        Pattern::Present => match present {
            Some(_) => Ok(()),
            None => fail(path, "expected a value, found none".into()),
        },
        Pattern::Excludes(_) if present.is_none() => Ok(()),
        Pattern::Scalar(Value::Null) => match present {
            None => Ok(()),
            Some(v) => fail(path, format!("expected null, found {}", short(v))),
        },
        _ => {
            let Some(v) = present else {
                return fail(path, "missing".into());
            };
            check_value(p, v, caps, path)
        }
    }
}

fn check_value(p: &Pattern, v: &Value, caps: &Captures, path: &mut String) -> Result<(), Mismatch> {
    match p {
        Pattern::Scalar(e) if scalar_eq(e, v) => Ok(()),
        Pattern::Scalar(e) => fail(path, format!("expected {}, found {}", short(e), short(v))),
        Pattern::Capture(id) => match caps.get(id) {
            Some(c) if scalar_eq(c, v) => Ok(()),
            Some(c) => fail(
                path,
                format!(
                    "expected captured `{id}` = {}, found {}",
                    short(c),
                    short(v)
                ),
            ),
            None => fail(path, format!("nothing was captured as `{id}`")),
        },
        Pattern::Substring(s) => match v.as_str() {
            Some(a) if a.contains(s.as_str()) => Ok(()),
            _ => fail(
                path,
                format!("expected a string containing {s:?}, found {}", short(v)),
            ),
        },
        Pattern::Ref(name) => match v.as_str().and_then(ref_name) {
            Some(n) if n == name => Ok(()),
            _ => fail(
                path,
                format!("expected a reference to {name:?}, found {}", short(v)),
            ),
        },
        Pattern::Len(n) => {
            let len = match v {
                Value::Array(a) => a.len(),
                Value::Object(o) => o.len(),
                _ => return fail(path, format!("expected a list of {n}, found {}", short(v))),
            };
            if len == *n {
                Ok(())
            } else {
                fail(path, format!("expected {n} entries, found {len}"))
            }
        }
        Pattern::Map(entries) => {
            let Some(obj) = v.as_object() else {
                return fail(path, format!("expected an object, found {}", short(v)));
            };
            for (key, sub) in entries {
                let len = path.len();
                path.push('.');
                path.push_str(key);
                check(sub, obj.get(key), caps, path)?;
                path.truncate(len);
            }
            Ok(())
        }
        Pattern::List(items) => {
            let arr = as_list(v, path)?;
            if arr.len() != items.len() {
                return fail(
                    path,
                    format!("expected {} elements, found {}", items.len(), arr.len()),
                );
            }
            for (i, (sub, a)) in items.iter().zip(arr).enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                check(sub, Some(a), caps, path)?;
                path.truncate(len);
            }
            Ok(())
        }
        Pattern::Contains(items) | Pattern::Unordered(items) => {
            let arr = as_list(v, path)?;
            if matches!(p, Pattern::Unordered(_)) && arr.len() != items.len() {
                return fail(
                    path,
                    format!("expected {} elements, found {}", items.len(), arr.len()),
                );
            }
            let mut used = vec![false; arr.len()];
            if assign(items, arr, caps, &mut used) {
                Ok(())
            } else {
                fail(
                    path,
                    format!(
                        "no distinct elements match every pattern; found {}",
                        short(v)
                    ),
                )
            }
        }
        Pattern::Excludes(sub) => {
            let arr = as_list(v, path)?;
            match arr.iter().position(|a| sub.check(Some(a), caps).is_ok()) {
                None => Ok(()),
                Some(i) => fail(
                    path,
                    format!(
                        "element [{i}] matches the excluded pattern: {}",
                        short(&arr[i])
                    ),
                ),
            }
        }
        Pattern::Absent | Pattern::Present => unreachable_presence(path),
    }
}

// `check` handles presence patterns before calling `check_value`; reaching here means
// a presence pattern was used as a list element, where it has no meaning.
fn unreachable_presence(path: &str) -> Result<(), Mismatch> {
    fail(path, "$absent/$present only apply to map keys".into())
}

fn as_list<'v>(v: &'v Value, path: &str) -> Result<&'v Vec<Value>, Mismatch> {
    v.as_array().ok_or_else(|| Mismatch {
        path: path.to_owned(),
        reason: format!("expected a list, found {}", short(v)),
    })
}

/// Backtracking assignment of patterns to distinct elements (lists are small).
fn assign(items: &[Pattern], arr: &[Value], caps: &Captures, used: &mut [bool]) -> bool {
    let Some((first, rest)) = items.split_first() else {
        return true;
    };
    for i in 0..arr.len() {
        if used[i] || first.check(Some(&arr[i]), caps).is_err() {
            continue;
        }
        used[i] = true;
        if assign(rest, arr, caps, used) {
            return true;
        }
        used[i] = false;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pat(yaml: &str) -> Pattern {
        serde_yaml::from_str(yaml).unwrap()
    }

    fn ok(p: &str, v: Value) -> bool {
        pat(p).check(Some(&v), &Captures::new()).is_ok()
    }

    #[test]
    fn maps_are_subsets_and_lists_are_element_wise() {
        let vs = json!({"name": "c1--Shared-L7-0", "services": [{"port": 80}, {"port": 443, "enable_ssl": true}]});
        assert!(ok("{name: c1--Shared-L7-0}", vs.clone()));
        assert!(ok("{services: [{port: 80}, {port: 443}]}", vs.clone()));
        assert!(!ok("{services: [{port: 443}, {port: 80}]}", vs.clone()));
        assert!(!ok("{services: [{port: 80}]}", vs.clone()));
        assert!(!ok("{name: other}", vs.clone()));
        let err = pat("{services: [{port: 80}, {port: 8443}]}")
            .check(Some(&vs), &Captures::new())
            .unwrap_err();
        assert_eq!(err.path, ".services[1].port");
    }

    #[test]
    fn operators() {
        let v = json!({"dns_info": [{"fqdn": "a"}, {"fqdn": "b"}], "vsvip_ref": "https://x/api/vsvip/vsvip-1#c1--Shared-L7-0", "pool_ref": "/api/pool?name=p1", "n": 2.0});
        assert!(ok(
            "{dns_info: {$unordered: [{fqdn: b}, {fqdn: a}]}}",
            v.clone()
        ));
        assert!(!ok("{dns_info: {$unordered: [{fqdn: b}]}}", v.clone()));
        assert!(ok("{dns_info: {$contains: [{fqdn: b}]}}", v.clone()));
        assert!(!ok(
            "{dns_info: {$contains: [{fqdn: b}, {fqdn: b}]}}",
            v.clone()
        ));
        assert!(ok("{dns_info: {$len: 2}, n: 2}", v.clone()));
        assert!(ok(
            "{vsvip_ref: {$ref: c1--Shared-L7-0}, pool_ref: {$ref: p1}}",
            v.clone()
        ));
        assert!(!ok("{vsvip_ref: {$ref: c1--Shared-L7-1}}", v.clone()));
        assert!(ok(
            "{missing: {$absent: true}, n: {$present: true}}",
            v.clone()
        ));
        assert!(!ok("{n: {$absent: true}}", v.clone()));
        assert!(ok("{vsvip_ref: {$substring: Shared-L7}}", v.clone()));
        assert!(ok(
            "{dns_info: {$excludes: {fqdn: c}}, nothing: {$excludes: {fqdn: a}}}",
            v.clone()
        ));
        assert!(!ok("{dns_info: {$excludes: {fqdn: b}}}", v.clone()));
        let caps = Captures::from([("vip".to_owned(), json!(2))]);
        assert!(pat("{n: {$capture: vip}}").check(Some(&v), &caps).is_ok());
        assert!(
            pat("{n: {$capture: other}}")
                .check(Some(&v), &caps)
                .is_err()
        );
    }

    #[test]
    fn capture_paths_walk_objects_and_lists() {
        let v = json!({"vip": [{"ip_address": {"addr": "10.0.0.5"}}], "dns_info": []});
        assert_eq!(
            value_at(&v, "vip.0.ip_address.addr"),
            Some(&json!("10.0.0.5"))
        );
        assert_eq!(value_at(&v, "vip.1.ip_address.addr"), None);
        assert_eq!(value_at(&v, "vip.x"), None);
        assert_eq!(value_at(&v, "dns_info"), Some(&json!([])));
    }

    #[test]
    fn bad_operators_are_rejected_at_parse_time() {
        for bad in [
            "{$nope: 1}",
            "{$len: 1, a: 2}",
            "{a: 1, $len: 2}",
            "{$absent: false}",
            "{$len: x}",
        ] {
            assert!(serde_yaml::from_str::<Pattern>(bad).is_err(), "{bad}");
        }
    }
}
