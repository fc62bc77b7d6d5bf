//! Validation: required fields, enums, JSON types, unknown fields, server defaults
//! and implied refs, SNI parent/child rules, the 1000-FQDN limit, unique static route
//! ids, redacted private keys.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

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
        let (s, v) = api.post(&format!("/api/{ty}"), body).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
        assert!(err(&v).contains(text), "expected {text:?} in {v}");
    }
    let (s, v) = api
        .post(
            "/api/pool",
            json!({"name": "p", "default_server_port": 70000}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(err(&v).contains("out of range 1-65535"), "{v}");
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
    assert!(
        vs["application_profile_ref"]
            .as_str()
            .unwrap()
            .ends_with("#System-HTTP")
    );
    assert!(
        vs["network_profile_ref"]
            .as_str()
            .unwrap()
            .ends_with("#System-TCP-Proxy")
    );
    assert!(
        vs["se_group_ref"]
            .as_str()
            .unwrap()
            .ends_with("#Default-Group")
    );
    assert!(vs["vrf_context_ref"].as_str().unwrap().ends_with("#global"));
    assert!(
        vs["cloud_ref"]
            .as_str()
            .unwrap()
            .ends_with("#Default-Cloud")
    );
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
    let (s, v) = api
        .post(
            "/api/virtualservice",
            child("c0", "vh_parent_vs_ref", normal["url"].clone()),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(err(&v).contains("is not of type VS_TYPE_VH_PARENT"), "{v}");
    let (s, v) = api
        .post(
            "/api/virtualservice",
            json!({"name": "c1", "type": "VS_TYPE_VH_CHILD"}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(err(&v).contains("vh_parent_vs_ref is required"), "{v}");
    let (s, v) = api
        .post(
            "/api/virtualservice",
            child(
                "c2",
                "vh_parent_vs_ref",
                json!("/api/virtualservice?name=ghost"),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(err(&v).contains("VirtualService object not found!"), "{v}");
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
    assert!(
        by_ref["vh_parent_vs_ref"]
            .as_str()
            .unwrap()
            .ends_with("#parent")
    );
    // The 20.1 / 21.1 field name.
    let by_uuid = api
        .create(
            "virtualservice",
            child("c4", "vh_parent_vs_uuid", json!(uuid(&parent))),
        )
        .await;
    assert!(
        by_uuid["vh_parent_vs_ref"]
            .as_str()
            .unwrap()
            .ends_with(&format!("{}#parent", uuid(&parent)))
    );
    // The parent is protected while children point at it.
    let (s, v) = api
        .delete(&format!("/api/virtualservice/{}", uuid(&parent)))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(
        err(&v).contains("'VirtualService c3', 'VirtualService c4'"),
        "{v}"
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
    let (s, v) = api
        .post(
            "/api/vsvip",
            json!({"name": "v1001", "dns_info": fqdns(1001)}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(
        err(&v),
        "Maximum of 1000 items allowed for field dns_info (got 1001)"
    );
    let (s, _) = api
        .patch(
            &format!("/api/vsvip/{}", uuid(&ok)),
            json!({"add": {"dns_info": [{"fqdn": "one-more.example.com"}]}}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "PATCH past the limit");
    let (s, v) = api
        .post(
            "/api/virtualservice",
            json!({"name": "vs", "services": [{"port": 53}], "dns_info": fqdns(1001)}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(
        err(&v).contains("Maximum of 1000 items allowed for field dns_info"),
        "{v}"
    );
}

#[tokio::test]
async fn static_route_ids_are_unique() {
    let h = sim().await;
    let api = login(&h).await;
    let route = |id: &str| {
        json!({"route_id": id, "prefix": {"ip_addr": {"addr": "10.0.0.0", "type": "V4"}, "mask": 24},
               "next_hop": {"addr": "1.1.1.1", "type": "V4"}})
    };
    let (s, v) = api
        .post(
            "/api/vrfcontext",
            json!({"name": "v", "static_routes": [route("1"), route("1")]}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(err(&v).contains("Duplicate route_id"), "{v}");
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
    assert_eq!(s, StatusCode::BAD_REQUEST);
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
