//! "Is the observed object already what we want?": the desired body must be a field
//! subset of the observed one (the controller adds defaults, uuids, urls), with
//! references compared by (type, name) whatever their wire form. Out-of-band edits to
//! any field we set are therefore seen (F11), and an unchanged object costs no write.

use serde_json::Value;

use crate::avi::refs::{self, AviRef};
use crate::model::AviKind;

/// Fields the controller never echoes back (a private key reads as redacted); they
/// cannot be compared and a change to them always comes with a visible change.
fn write_only(kind: AviKind) -> &'static [&'static str] {
    match kind {
        AviKind::SslKeyAndCertificate => &["key", "key_passphrase"],
        _ => &[],
    }
}

/// Lists the model leaves out of the body when they are empty, although the controller
/// never fills them in itself: absent means "none", so a stored non-empty list is a
/// difference (the last FQDN of a shared VsVip going away). Lists of refs to our own
/// objects need no entry here: the plan sees those through the observed refs.
fn absent_means_empty(kind: AviKind) -> &'static [&'static str] {
    match kind {
        AviKind::VsVip => &["dns_info"],
        AviKind::VirtualService => &["vh_domain_name"],
        _ => &[],
    }
}

/// Whether `observed` already satisfies `desired`. `name_of` turns a ref without
/// `#<name>` (uuid only) into the name of the object it points at, when known.
pub fn satisfies(
    kind: AviKind,
    desired: &Value,
    observed: &Value,
    name_of: &dyn Fn(&AviRef) -> Option<String>,
) -> bool {
    let (Value::Object(want), Value::Object(have)) = (desired, observed) else {
        return false;
    };
    let skip = write_only(kind);
    let emptied = absent_means_empty(kind)
        .iter()
        .any(|f| !want.contains_key(*f) && have.get(*f).is_some_and(|v| !is_empty(v)));
    !emptied
        && want
            .iter()
            .filter(|(k, _)| !skip.contains(&k.as_str()))
            .all(|(k, v)| field_ok(v, have.get(k), name_of))
}

/// Field-subset test for a nested value (a static route entry, say), refs by name.
pub fn contains(desired: &Value, observed: &Value) -> bool {
    subset(desired, observed, &|_| None)
}

fn field_ok(
    want: &Value,
    have: Option<&Value>,
    name_of: &dyn Fn(&AviRef) -> Option<String>,
) -> bool {
    match have {
        Some(have) => subset(want, have, name_of),
        // An empty value we send may be omitted by the controller.
        None => is_empty(want),
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

fn subset(want: &Value, have: &Value, name_of: &dyn Fn(&AviRef) -> Option<String>) -> bool {
    match (want, have) {
        (Value::Object(w), Value::Object(h)) => {
            w.iter().all(|(k, v)| field_ok(v, h.get(k), name_of))
        }
        (Value::Array(w), Value::Array(h)) => {
            w.len() == h.len() && w.iter().zip(h).all(|(a, b)| subset(a, b, name_of))
        }
        (Value::String(w), Value::String(h)) => w == h || same_ref(w, h, name_of),
        (Value::Number(w), Value::Number(h)) => w == h || w.as_f64() == h.as_f64(),
        _ => want == have,
    }
}

/// Both strings are references to the same object.
fn same_ref(want: &str, have: &str, name_of: &dyn Fn(&AviRef) -> Option<String>) -> bool {
    let (Some(w), Some(h)) = (refs::parse(want), refs::parse(have)) else {
        return false;
    };
    if w.obj_type != h.obj_type {
        return false;
    }
    if let (Some(wu), Some(hu)) = (&w.uuid, &h.uuid) {
        return wu == hu;
    }
    let want_name = w.name.clone().or_else(|| name_of(&w));
    let have_name = h.name.clone().or_else(|| name_of(&h));
    want_name.is_some() && want_name == have_name
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn no_names(_: &AviRef) -> Option<String> {
        None
    }

    #[test]
    fn subset_with_server_defaults_and_ref_forms() {
        let desired = json!({"name": "p", "tenant_ref": "/api/tenant/?name=admin",
            "servers": [{"ip": {"addr": "10.0.0.1", "type": "V4"}, "port": 80}],
            "health_monitor_refs": ["/api/healthmonitor/?name=System-TCP"], "markers": []});
        let observed = json!({"name": "p", "uuid": "pool-1", "url": "https://h/api/pool/pool-1#p",
            "tenant_ref": "https://h/api/tenant/admin#admin", "lb_algorithm": "LB_ALGORITHM_LEAST_CONNECTIONS",
            "servers": [{"ip": {"addr": "10.0.0.1", "type": "V4"}, "port": 80, "enabled": true, "hostname": "10.0.0.1"}],
            "health_monitor_refs": ["https://h/api/healthmonitor/healthmonitor-9#System-TCP"]});
        assert!(satisfies(AviKind::Pool, &desired, &observed, &no_names));
    }

    #[test]
    fn out_of_band_edits_are_seen() {
        let desired = json!({"servers": [{"ip": {"addr": "10.0.0.1"}, "port": 80}], "pool_ref": "/api/pool?name=a"});
        let moved = json!({"servers": [{"ip": {"addr": "10.0.0.1"}, "port": 8080}], "pool_ref": "https://h/api/pool/pool-1#a"});
        let extra = json!({"servers": [{"ip": {"addr": "10.0.0.1"}, "port": 80}, {"ip": {"addr": "10.0.0.2"}, "port": 80}], "pool_ref": "https://h/api/pool/pool-1#a"});
        let other_ref = json!({"servers": [{"ip": {"addr": "10.0.0.1"}, "port": 80}], "pool_ref": "https://h/api/pool/pool-2#b"});
        let wrong_type = json!({"servers": [{"ip": {"addr": "10.0.0.1"}, "port": 80}], "pool_ref": "https://h/api/poolgroup/pg-1#a"});
        for o in [moved, extra, other_ref, wrong_type] {
            assert!(!satisfies(AviKind::Pool, &desired, &o, &no_names), "{o}");
        }
    }

    #[test]
    fn uuid_only_refs_resolve_through_the_cache() {
        let desired = json!({"pool_ref": "/api/pool?name=a"});
        let observed = json!({"pool_ref": "https://h/api/pool/pool-1"});
        let names = |r: &AviRef| (r.uuid.as_deref() == Some("pool-1")).then(|| "a".to_string());
        assert!(satisfies(AviKind::PoolGroup, &desired, &observed, &names));
        assert!(!satisfies(
            AviKind::PoolGroup,
            &desired,
            &observed,
            &no_names
        ));
    }

    #[test]
    fn a_list_left_out_as_empty_must_be_empty() {
        let desired = json!({"vip": [{"vip_id": "0"}]});
        let stale = json!({"vip": [{"vip_id": "0"}], "dns_info": [{"fqdn": "bar.com"}]});
        let cleared = json!({"vip": [{"vip_id": "0"}], "dns_info": []});
        assert!(!satisfies(AviKind::VsVip, &desired, &stale, &no_names));
        assert!(satisfies(AviKind::VsVip, &desired, &cleared, &no_names));
        assert!(satisfies(
            AviKind::VsVip,
            &desired,
            &json!({"vip": [{"vip_id": "0"}]}),
            &no_names
        ));
        // Other kinds' extra fields are still the controller's business.
        assert!(satisfies(AviKind::Pool, &desired, &stale, &no_names));
    }

    #[test]
    fn redacted_key_is_not_compared() {
        let desired =
            json!({"key": "-----BEGIN PRIVATE KEY-----", "certificate": {"certificate": "PEM"}});
        let observed =
            json!({"key": "<sensitive>", "certificate": {"certificate": "PEM", "subject": {}}});
        assert!(satisfies(
            AviKind::SslKeyAndCertificate,
            &desired,
            &observed,
            &no_names
        ));
        assert!(!satisfies(AviKind::Pool, &desired, &observed, &no_names));
    }
}
