//! Captured values inside what a step writes: in `apply` manifests, `patch` bodies and
//! `avi_apply` fields, a one-key map `{$capture: id}` stands for the value a `capture`
//! step stored under `id` (e.g. the uuid Avi gave a network, fed into an
//! AviInfraSetting's `networkUUID`). The same spelling as the `$capture` pattern of
//! assertions; the whole value is replaced, keeping its JSON type.

use serde_json::Value;

use super::pattern_match::Captures;

/// The operator key, as in field patterns.
const KEY: &str = "$capture";

/// The id `v` reads if it is a `{$capture: id}` placeholder.
fn placeholder(v: &Value) -> Option<&str> {
    match v {
        Value::Object(m) if m.len() == 1 => m.get(KEY)?.as_str(),
        _ => None,
    }
}

/// Every capture id `v` reads.
pub fn capture_reads<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    if let Some(id) = placeholder(v) {
        out.push(id);
        return;
    }
    match v {
        Value::Object(m) => m.values().for_each(|x| capture_reads(x, out)),
        Value::Array(a) => a.iter().for_each(|x| capture_reads(x, out)),
        _ => {}
    }
}

/// Replaces each placeholder in `v` with its captured value; an id nothing was
/// captured under is an error naming it.
pub fn fill_captures(v: &mut Value, caps: &Captures) -> Result<(), String> {
    if let Some(id) = placeholder(v) {
        *v = caps
            .get(id)
            .cloned()
            .ok_or_else(|| format!("nothing was captured as `{id}`"))?;
        return Ok(());
    }
    match v {
        Value::Object(m) => m.values_mut().try_for_each(|x| fill_captures(x, caps)),
        Value::Array(a) => a.iter_mut().try_for_each(|x| fill_captures(x, caps)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn placeholders_are_replaced_with_their_json_type() {
        let caps = Captures::from([
            ("uuid".to_owned(), json!("network-42")),
            ("n".to_owned(), json!(3)),
        ]);
        let mut v = json!({
            "spec": {"vipNetworks": [{"networkUUID": {"$capture": "uuid"}}], "replicas": {"$capture": "n"}},
            "keep": {"$capture": "uuid", "other": 1},
        });
        let mut reads = Vec::new();
        capture_reads(&v, &mut reads);
        reads.sort_unstable();
        assert_eq!(reads, ["n", "uuid"]);
        fill_captures(&mut v, &caps).unwrap();
        assert_eq!(v["spec"]["vipNetworks"][0]["networkUUID"], "network-42");
        assert_eq!(v["spec"]["replicas"], 3);
        // Two keys: not a placeholder, left as written.
        assert_eq!(v["keep"], json!({"$capture": "uuid", "other": 1}));
    }

    #[test]
    fn an_unknown_id_is_named() {
        let mut v = json!([{"$capture": "nope"}]);
        let err = fill_captures(&mut v, &Captures::new()).unwrap_err();
        assert!(err.contains("`nope`"), "{err}");
    }
}
