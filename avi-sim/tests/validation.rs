//! Validation: required fields, enums, JSON types, unknown fields, server defaults
//! and implied refs, SNI parent/child rules, the 1000-FQDN limit, unique static route
//! ids, redacted private keys.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

const BAD: StatusCode = StatusCode::BAD_REQUEST;

#[tokio::test]
async fn required_fields_enums_types_and_unknown_fields() {
    let h = sim().await;
    let api = login(&h).await;
    let cases: [(&str, Value, &str); 6] = [
        ("pool", json!({"servers": []}), "Field 'name' is required"),
        (
            "healthmonitor",
            json!({"name": "hm"}),
            "Field 'type' is required",
        ),
        (
            "pool",
            json!({"name": "p", "servers": [{"port": 80}]}),
            "Field 'servers[0].ip' is required",
        ),
        (
            "pool",
            json!({"name": "p", "lb_algorithm": "LB_RANDOM"}),
            "Invalid choice 'LB_RANDOM' for field lb_algorithm",
        ),
        (
            "pool",
            json!({"name": "p", "default_server_port": "80"}),
            "Field default_server_port must be an integer",
        ),
        (
            "pool",
            json!({"name": "p", "no_such_field": 1}),
            "Unknown field 'no_such_field'",
        ),
    ];
    for (ty, body, text) in cases {
        let e = refused(api.post(&format!("/api/{ty}"), body).await, BAD);
        assert!(e.contains(text), "expected {text:?} in {e}");
    }
    let too_big = json!({"name": "p", "default_server_port": 70000});
    let e = refused(api.post("/api/pool", too_big).await, BAD);
    assert!(e.contains("out of range 1-65535"), "{e}");
}

#[tokio::test]
async fn server_fills_defaults_and_implied_refs() {
    let h = sim().await;
    let api = login(&h).await;
    let vs = api
        .create(
            "virtualservice",
            json!({"name": "vs", "services": [{"port": 443, "enable_ssl": true}]}),
        )
        .await;
    for (field, target) in [
        ("application_profile_ref", "#System-HTTP"),
        ("network_profile_ref", "#System-TCP-Proxy"),
        ("se_group_ref", "#Default-Group"),
        ("vrf_context_ref", "#global"),
        ("cloud_ref", "#Default-Cloud"),
    ] {
        assert_ends_with(&vs[field], target);
    }
    assert_eq!(vs["type"], "VS_TYPE_NORMAL");
    assert_eq!(vs["enabled"], true);
    assert_eq!(vs["weight"], 1);
}

#[tokio::test]
async fn sni_child_needs_an_existing_vh_parent() {
    let h = sim().await;
    let api = login(&h).await;
    let normal = api
        .create(
            "virtualservice",
            json!({"name": "normal", "services": [{"port": 80}]}),
        )
        .await;
    let parent = api
        .create(
            "virtualservice",
            json!({"name": "parent", "type": "VS_TYPE_VH_PARENT", "services": [{"port": 443}]}),
        )
        .await;
    let child = |name: &str, parent_field: &str, parent_value: Value| {
        let mut b =
            json!({"name": name, "type": "VS_TYPE_VH_CHILD", "vh_domain_name": ["a.example.com"]});
        b[parent_field] = parent_value;
        b
    };
    let ghost = json!("/api/virtualservice?name=ghost");
    for (body, text) in [
        (
            child("c0", "vh_parent_vs_ref", normal["url"].clone()),
            "is not of type VS_TYPE_VH_PARENT",
        ),
        (
            json!({"name": "c1", "type": "VS_TYPE_VH_CHILD"}),
            "vh_parent_vs_ref is required",
        ),
        (
            child("c2", "vh_parent_vs_ref", ghost),
            "VirtualService object not found!",
        ),
    ] {
        let e = refused(api.post("/api/virtualservice", body).await, BAD);
        assert!(e.contains(text), "expected {text:?} in {e}");
    }
    let by_ref = api
        .create(
            "virtualservice",
            child(
                "c3",
                "vh_parent_vs_ref",
                json!("/api/virtualservice?name=parent"),
            ),
        )
        .await;
    assert_ends_with(&by_ref["vh_parent_vs_ref"], "#parent");
    // The 20.1 / 21.1 field name.
    let by_uuid = api
        .create(
            "virtualservice",
            child("c4", "vh_parent_vs_uuid", json!(uuid(&parent))),
        )
        .await;
    let by_uuid_ref = format!("{}#parent", uuid(&parent));
    assert_ends_with(&by_uuid["vh_parent_vs_ref"], &by_uuid_ref);
    // The parent is protected while children point at it.
    let path = format!("/api/virtualservice/{}", uuid(&parent));
    let e = refused(api.delete(&path).await, StatusCode::FORBIDDEN);
    assert!(
        e.contains("'VirtualService c3', 'VirtualService c4'"),
        "{e}"
    );
}

fn fqdns(n: usize) -> Value {
    Value::Array(
        (0..n)
            .map(|i| json!({"fqdn": format!("h{i}.example.com")}))
            .collect(),
    )
}

#[tokio::test]
async fn more_than_1000_fqdns_are_refused() {
    let h = sim().await;
    let api = login(&h).await;
    let ok = api
        .create("vsvip", json!({"name": "v1000", "dns_info": fqdns(1000)}))
        .await;
    let v1001 = json!({"name": "v1001", "dns_info": fqdns(1001)});
    assert_eq!(
        refused(api.post("/api/vsvip", v1001).await, BAD),
        "Maximum of 1000 items allowed for field dns_info (got 1001)"
    );
    let (s, _) = api
        .patch(
            &format!("/api/vsvip/{}", uuid(&ok)),
            json!({"add": {"dns_info": [{"fqdn": "one-more.example.com"}]}}),
        )
        .await;
    assert_eq!(s, BAD, "PATCH past the limit");
    let vs = json!({"name": "vs", "services": [{"port": 53}], "dns_info": fqdns(1001)});
    let e = refused(api.post("/api/virtualservice", vs).await, BAD);
    assert!(
        e.contains("Maximum of 1000 items allowed for field dns_info"),
        "{e}"
    );
}

#[tokio::test]
async fn static_route_ids_are_unique() {
    let h = sim().await;
    let api = login(&h).await;
    let route = |id: &str| static_route(id, "1.1.1.1");
    let twice = json!({"name": "v", "static_routes": [route("1"), route("1")]});
    let e = refused(api.post("/api/vrfcontext", twice).await, BAD);
    assert!(e.contains("Duplicate route_id"), "{e}");
    let vrf = api
        .create(
            "vrfcontext",
            json!({"name": "v", "static_routes": [route("1")]}),
        )
        .await;
    let (s, _) = api
        .put(
            &format!("/api/vrfcontext/{}", uuid(&vrf)),
            json!({"name": "v", "static_routes": [route("2"), route("2")]}),
        )
        .await;
    assert_eq!(s, BAD);
}

#[tokio::test]
async fn ssl_private_keys_are_never_echoed() {
    let h = sim().await;
    let api = login(&h).await;
    let c = api
        .create(
            "sslkeyandcertificate",
            json!({"name": "c", "certificate": {"certificate": "PEM"}, "key": "PRIVATE"}),
        )
        .await;
    assert_eq!(c["key"], "<sensitive>");
    let (_, got) = api
        .get(&format!("/api/sslkeyandcertificate/{}", uuid(&c)))
        .await;
    assert_eq!(got["key"], "<sensitive>");
    assert!(!got.to_string().contains("PRIVATE"));
    // PUTting back what was read keeps the key.
    let path = format!("/api/sslkeyandcertificate/{}", uuid(&c));
    let (s, _) = api.put(&path, got).await;
    assert_eq!(s, StatusCode::OK);
    let stored = h.store().get(&uuid(&c)).unwrap().field("key");
    assert_eq!(stored, Some(json!("PRIVATE")));
}
