//! v1alpha1 ↔ v1beta1 conversion of AviInfraSetting, HostRule and HTTPRule objects.

use k8s_fixtures::crds::convert::{ConversionError, PRESERVED_ANNOTATION, convert};
use serde_json::{Value, json};

const ALPHA: &str = "ako.vmware.com/v1alpha1";
const BETA: &str = "ako.vmware.com/v1beta1";

fn hostrule_beta() -> Value {
    json!({
        "apiVersion": BETA,
        "kind": "HostRule",
        "metadata": {"name": "hr", "namespace": "red", "labels": {"a": "b"}},
        "spec": {"virtualhost": {
            "fqdn": "foo.avi.internal",
            "fqdnType": "Exact",
            "useRegex": true,
            "applicationRootPath": "/app",
            "l7Rule": "l7",
            "networkSecurityPolicy": "nsp",
            "analyticsPolicy": {"fullClientLogs": {"enabled": true, "throttle": "LOW", "duration": 30}},
            "tls": {"sslKeyCertificate": {"name": "cert", "type": "ref"}}
        }},
        "status": {"status": "Accepted", "error": ""}
    })
}

fn httprule_beta() -> Value {
    json!({
        "apiVersion": BETA,
        "kind": "HTTPRule",
        "metadata": {"name": "rr", "namespace": "red"},
        "spec": {"fqdn": "foo.avi.internal", "paths": [
            {"target": "/a", "enableHTTP2": true},
            {"target": "/b"},
            {"target": "/c", "enableHTTP2": false}
        ]}
    })
}

#[test]
fn hostrule_beta_to_alpha_moves_beta_only_fields_into_the_annotation() {
    let alpha = convert(&hostrule_beta(), ALPHA).unwrap();
    assert_eq!(alpha["apiVersion"], ALPHA);
    let vh = &alpha["spec"]["virtualhost"];
    for field in [
        "useRegex",
        "applicationRootPath",
        "l7Rule",
        "networkSecurityPolicy",
    ] {
        assert!(vh.get(field).is_none(), "{field} left in v1alpha1");
    }
    assert!(
        vh["analyticsPolicy"]["fullClientLogs"]
            .get("duration")
            .is_none()
    );
    assert_eq!(vh["analyticsPolicy"]["fullClientLogs"]["throttle"], "LOW");
    assert_eq!(vh["fqdn"], "foo.avi.internal");
    let saved: Value = serde_json::from_str(
        alpha["metadata"]["annotations"][PRESERVED_ANNOTATION]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(saved["spec"]["virtualhost"]["l7Rule"], "l7");
    assert_eq!(alpha["metadata"]["labels"]["a"], "b");
    assert_eq!(alpha["status"]["status"], "Accepted");
}

#[test]
fn hostrule_beta_alpha_beta_is_lossless() {
    let beta = hostrule_beta();
    let back = convert(&convert(&beta, ALPHA).unwrap(), BETA).unwrap();
    assert_eq!(back, beta);
}

#[test]
fn hostrule_alpha_beta_alpha_is_lossless() {
    let alpha = convert(&hostrule_beta(), ALPHA).unwrap();
    let again = convert(&convert(&alpha, BETA).unwrap(), ALPHA).unwrap();
    assert_eq!(again, alpha);
    // A plain v1alpha1 object (never converted) gains nothing on the round trip.
    let plain = json!({"apiVersion": ALPHA, "kind": "HostRule",
        "metadata": {"name": "hr", "namespace": "red"},
        "spec": {"virtualhost": {"fqdn": "a.b", "enableVirtualHost": false}}});
    let beta = convert(&plain, BETA).unwrap();
    assert_eq!(beta["spec"], plain["spec"]);
    assert_eq!(convert(&beta, ALPHA).unwrap(), plain);
}

#[test]
fn httprule_round_trips_keep_enable_http2_per_path() {
    let beta = httprule_beta();
    let alpha = convert(&beta, ALPHA).unwrap();
    for p in alpha["spec"]["paths"].as_array().unwrap() {
        assert!(p.get("enableHTTP2").is_none());
    }
    assert_eq!(convert(&alpha, BETA).unwrap(), beta);
    assert_eq!(
        convert(&convert(&alpha, BETA).unwrap(), ALPHA).unwrap(),
        alpha
    );
}

#[test]
fn restore_skips_parents_removed_while_at_v1alpha1() {
    let mut alpha = convert(&httprule_beta(), ALPHA).unwrap();
    alpha["spec"]["paths"] = json!([{"target": "/a"}]);
    let beta = convert(&alpha, BETA).unwrap();
    assert_eq!(
        beta["spec"]["paths"],
        json!([{"target": "/a", "enableHTTP2": true}])
    );
    assert!(beta["metadata"].get("annotations").is_none());
}

#[test]
fn aviinfrasetting_changes_only_the_api_version() {
    let beta = json!({"apiVersion": BETA, "kind": "AviInfraSetting", "metadata": {"name": "infra"},
        "spec": {"seGroup": {"name": "seg"}, "l7Settings": {"shardSize": "SMALL"}}});
    let alpha = convert(&beta, ALPHA).unwrap();
    assert_eq!(alpha["apiVersion"], ALPHA);
    assert_eq!(alpha["spec"], beta["spec"]);
    assert_eq!(alpha["metadata"], beta["metadata"]);
    assert_eq!(convert(&alpha, BETA).unwrap(), beta);
}

#[test]
fn same_version_is_identity_and_others_are_errors() {
    let beta = hostrule_beta();
    assert_eq!(convert(&beta, BETA).unwrap(), beta);
    let err = convert(&beta, "ako.vmware.com/v1alpha2").unwrap_err();
    assert!(err.to_string().contains("HostRule/red/hr"), "{err}");
    let l4 = json!({"apiVersion": "ako.vmware.com/v1alpha2", "kind": "L4Rule",
        "metadata": {"name": "l4", "namespace": "red"}});
    assert!(matches!(
        convert(&l4, ALPHA),
        Err(ConversionError::Unsupported { .. })
    ));
    assert!(matches!(
        convert(&json!([1]), ALPHA),
        Err(ConversionError::NotAnObject { .. })
    ));
    let mut bad = convert(&hostrule_beta(), ALPHA).unwrap();
    bad["metadata"]["annotations"][PRESERVED_ANNOTATION] = json!("{not json");
    let err = convert(&bad, BETA).unwrap_err();
    assert!(
        matches!(err, ConversionError::BadAnnotation { .. }),
        "{err}"
    );
}
