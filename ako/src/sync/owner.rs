//! Ownership, decided in one place: exact `created_by` (where the type has it) plus the
//! exact `clustername` marker; labels for static routes and SE groups. Never a name
//! prefix — a cluster `c1-b` is not `c1` (B4).

use serde_json::Value;

use crate::model::AviKind;
use crate::naming::{self, CLUSTER_MARKER_KEY};

/// Whether `body` (an observed object of `kind`) belongs to `cluster`.
pub fn owns(kind: AviKind, body: &Value, cluster: &str) -> bool {
    let created_by_ok = if kind.has_created_by() {
        body.get("created_by").and_then(Value::as_str) == Some(naming::created_by(cluster).as_str())
    } else {
        true
    };
    created_by_ok && has_cluster_marker(body, cluster)
}

/// `markers` holds `{key: clustername, values: [<cluster>]}`, exactly.
fn has_cluster_marker(body: &Value, cluster: &str) -> bool {
    body.get("markers")
        .and_then(Value::as_array)
        .is_some_and(|markers| {
            markers.iter().any(|m| {
                m.get("key").and_then(Value::as_str) == Some(CLUSTER_MARKER_KEY)
                    && m.get("values")
                        .and_then(Value::as_array)
                        .is_some_and(|v| v.len() == 1 && v[0].as_str() == Some(cluster))
            })
        })
}

/// The `clustername` label of a static route or SE group: `{key, value}`.
pub fn cluster_label(cluster: &str) -> Value {
    serde_json::json!({ "key": CLUSTER_MARKER_KEY, "value": cluster })
}

/// The `clustername` value of a `labels` list, if it has one.
pub fn labelled_cluster(body: &Value) -> Option<&str> {
    body.get("labels")?
        .as_array()?
        .iter()
        .find(|l| l.get("key").and_then(Value::as_str) == Some(CLUSTER_MARKER_KEY))?
        .get("value")?
        .as_str()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pool(created_by: &str, marker: &[&str]) -> Value {
        json!({"name": "x", "created_by": created_by,
               "markers": [{"key": "Namespace", "values": ["c1"]}, {"key": "clustername", "values": marker}]})
    }

    #[test]
    fn exact_created_by_and_marker() {
        assert!(owns(AviKind::Pool, &pool("ako-c1", &["c1"]), "c1"));
        // A look-alike cluster is never ours, whichever way the prefix runs.
        assert!(!owns(AviKind::Pool, &pool("ako-c1-b", &["c1-b"]), "c1"));
        assert!(!owns(AviKind::Pool, &pool("ako-c1", &["c1-b"]), "c1"));
        assert!(!owns(AviKind::Pool, &pool("ako-c1-b", &["c1"]), "c1"));
        assert!(!owns(AviKind::Pool, &pool("ako-c1", &["c1", "c2"]), "c1"));
        assert!(!owns(
            AviKind::Pool,
            &json!({"name": "x", "created_by": "ako-c1"}),
            "c1"
        ));
    }

    #[test]
    fn vsvip_goes_by_marker_alone() {
        let vip = json!({"name": "c1--v", "markers": [{"key": "clustername", "values": ["c1"]}]});
        assert!(owns(AviKind::VsVip, &vip, "c1"));
        assert!(!owns(AviKind::VsVip, &vip, "c1-b"));
        assert!(!owns(AviKind::VsVip, &json!({"name": "c1--v"}), "c1"));
    }

    #[test]
    fn labels() {
        let seg = json!({"labels": [{"key": "clustername", "value": "c1"}]});
        assert_eq!(labelled_cluster(&seg), Some("c1"));
        assert_eq!(labelled_cluster(&json!({"labels": []})), None);
        assert_eq!(cluster_label("c1"), seg["labels"][0]);
    }
}
